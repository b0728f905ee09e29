// Finding and loading a block's inputs: the block, its pre-state, bytecodes and ancestor hashes.
// Layouts: a block directory (block.json + pre_state.json, with bytecodes.json and
// block_hashes.json in it or in its parent or grandparent), or a block.json with --prestate.
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { rulesFor, type ForkRules } from "../fork/forks.js";
import type { Word } from "../primitives/word.js";
import type { MemoryState } from "../state/memory.js";
import type { Block } from "./block.js";
import { expectObject, InputError, parseHash, parseQuantity } from "./json.js";
import { preStateFromFixture, type BytecodeTable } from "./prestate.js";
import { convertPrestateTrace } from "./prestateTracer.js";
import { blockFromRpc } from "./rpc.js";
import { mainnetFork } from "./schedule.js";
import { recoverSenders } from "./senders.js";
import { receiptsFromRpc, type ExpectedReceipt } from "./verify.js";

export interface BlockInput {
  block: Block;
  rules: ForkRules;
  preState: MemoryState;
  blockHashes: Map<bigint, Word>;
  /** The node's receipts (receipts.json beside block.json), to name the first divergent transaction. */
  expectedReceipts: ExpectedReceipt[] | null;
  /** Files read, for messages. */
  sources: { block: string; preState: string; bytecodes: string | null; blockHashes: string | null };
}

export interface LoadOptions {
  /** Pre-state file when `path` is a block.json (fixture format or geth prestateTracer output). */
  prestate?: string;
  /** Parsed JSON files by path, shared across blocks (bytecodes.json is large and common). */
  cache?: Map<string, unknown>;
}

/** Loads everything needed to execute and verify a block; every problem is an InputError naming the file. */
export function loadBlockInput(path: string, options: LoadOptions = {}): BlockInput {
  const { blockPath, preStatePath } = locate(path, options.prestate);
  const dir = dirname(blockPath);
  const bytecodesPath = findSidecar(dir, "bytecodes.json");
  const blockHashesPath = findSidecar(dir, "block_hashes.json");

  const block = blockFromRpc(readJson(blockPath, options.cache), blockPath);
  const rules = rulesFor(mainnetFork(block.header.number, block.header.timestamp));
  const preJson = readJson(preStatePath, options.cache);
  let preState: MemoryState;
  if (isPrestateTrace(preJson)) {
    const converted = convertPrestateTrace(preJson, preStatePath);
    preState = preStateFromFixture(converted.preState, converted.bytecodes, preStatePath, `${preStatePath} (code)`);
  } else {
    const bytecodes = bytecodesPath === null ? {} : (expectObject(readJson(bytecodesPath, options.cache), bytecodesPath) as BytecodeTable);
    preState = preStateFromFixture(preJson, bytecodes, preStatePath, bytecodesPath ?? "bytecodes.json (not found beside the block)");
  }
  const blockHashes = blockHashesPath === null ? new Map<bigint, Word>() : parseBlockHashes(readJson(blockHashesPath, options.cache), blockHashesPath);
  const receiptsPath = join(dir, "receipts.json");
  const expectedReceipts = existsSync(receiptsPath) ? receiptsFromRpc(readJson(receiptsPath), receiptsPath) : null;
  recoverSenders(block, rules, blockPath);
  return { block, rules, preState, blockHashes, expectedReceipts, sources: { block: blockPath, preState: preStatePath, bytecodes: bytecodesPath, blockHashes: blockHashesPath } };
}

function locate(path: string, prestate: string | undefined): { blockPath: string; preStatePath: string } {
  if (!existsSync(path)) throw new InputError(`${path}: no such file or directory`);
  if (statSync(path).isDirectory()) {
    const blockPath = join(path, "block.json");
    if (!existsSync(blockPath)) throw new InputError(`${path}: not a block directory (no block.json)`);
    const preStatePath = prestate ?? join(path, "pre_state.json");
    if (!existsSync(preStatePath)) throw new InputError(`${path}: no pre_state.json (or give --prestate FILE)`);
    return { blockPath, preStatePath };
  }
  const preStatePath = prestate ?? join(dirname(path), "pre_state.json");
  if (!existsSync(preStatePath)) throw new InputError(`${basename(path)}: no pre-state; give --prestate FILE (fixture pre_state.json or geth prestateTracer output)`);
  return { blockPath: path, preStatePath };
}

/** `name` in `dir`, its parent or its grandparent. */
export function findSidecar(dir: string, name: string): string | null {
  for (let d = dir, i = 0; i < 3; i++, d = dirname(d)) {
    const p = join(d, name);
    if (existsSync(p)) return p;
  }
  return null;
}

export function readJson(path: string, cache?: Map<string, unknown>): unknown {
  const cached = cache?.get(path);
  if (cached !== undefined) return cached;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new InputError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${path}: malformed JSON (${(e as Error).message})`);
  }
  cache?.set(path, json);
  return json;
}

/** geth prestateTracer output: an array of per-transaction results, or one `{ result }`. */
function isPrestateTrace(json: unknown): boolean {
  if (Array.isArray(json)) return true;
  if (typeof json !== "object" || json === null) return false;
  const values = Object.values(json);
  return "result" in json || values.some((v) => typeof v === "object" && v !== null && "code" in v);
}

function parseBlockHashes(json: unknown, where: string): Map<bigint, Word> {
  const hashes = new Map<bigint, Word>();
  for (const [number, hash] of Object.entries(expectObject(json, where))) {
    hashes.set(parseQuantity(number, `${where} key "${number}"`), parseHash(hash, `${where}["${number}"]`));
  }
  return hashes;
}
