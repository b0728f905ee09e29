// Finding and loading a block's inputs: the block, its pre-state, bytecodes and ancestor hashes.
// Layouts: a block directory (block.json + pre_state.json, with bytecodes.json and
// block_hashes.json in it or in its parent or grandparent), or a block.json with --prestate.
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { rulesFor, type ForkRules } from "../fork/forks.js";
import type { Word } from "../primitives/word.js";
import type { MemoryState } from "../state/memory.js";
import type { Block } from "./block.js";
import { bytesToHex } from "../primitives/bytes.js";
import { JsonFileError, readJsonFile } from "../primitives/jsonFiles.js";
import { describe, expectObject, InputError, isJsonObject, parseBlockNumberKey, parseHash } from "./json.js";
import { FIXTURE_ACCOUNT_FIELDS, preStateFromFixture, type BytecodeTable } from "./prestate.js";
import { convertPrestateTrace } from "./prestateTracer.js";
import { BytecodeIndex } from "./bytecodeIndex.js";
import { blockFromRpc } from "./rpc.js";
import { mainnetFork } from "./schedule.js";
import { checkTransactionsForChain, recoverSenders } from "./senders.js";
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
  const receiptsPath = join(dir, "receipts.json");
  return blockInputFromParts(
    {
      block: readJson(blockPath, options.cache),
      preState: readJson(preStatePath, options.cache),
      // Read only for a fixture pre-state, which needs it (a trace carries its code): by key where
      // the file has the plain shape, else parsed whole.
      bytecodeIndex: () => (bytecodesPath === null ? null : readBytecodeIndex(bytecodesPath, options.cache)),
      bytecodes: () => (bytecodesPath === null ? undefined : readJson(bytecodesPath, options.cache)),
      blockHashes: blockHashesPath === null ? undefined : readJson(blockHashesPath, options.cache),
      receipts: existsSync(receiptsPath) ? readJson(receiptsPath) : undefined,
    },
    { block: blockPath, preState: preStatePath, bytecodes: bytecodesPath, blockHashes: blockHashesPath, receipts: receiptsPath },
  );
}

/** A block's inputs already parsed; `bytecodes` is asked for only when the pre-state is a fixture's. */
export interface BlockParts {
  block: unknown;
  preState: unknown;
  bytecodes?: unknown | (() => unknown);
  /** The bytecode file read by key, tried before `bytecodes` (null: it has no plain shape; see BytecodeIndex). */
  bytecodeIndex?: () => BytecodeIndex | null;
  blockHashes?: unknown;
  receipts?: unknown;
}

/**
 * The checks and conversions of loadBlockInput on parsed inputs (the library's blockInputFromJson,
 * the loader's files): errors name each part by `names` (a file path, or the part's name).
 */
export function blockInputFromParts(parts: BlockParts, names: { block: string; preState: string; bytecodes: string | null; blockHashes: string | null; receipts: string }): BlockInput {
  const block = blockFromRpc(parts.block, names.block);
  const rules = rulesFor(mainnetFork(block.header.number, block.header.timestamp));
  checkTransactionsForChain(block, rules, names.block);
  let preState: MemoryState;
  if (preStateFormat(parts.preState, names.preState) === "trace") {
    checkTraceLength(parts.preState, names.preState, block);
    const converted = convertPrestateTrace(parts.preState, names.preState);
    preState = preStateFromFixture(converted.preState, converted.bytecodes, names.preState, `${names.preState} (code)`);
  } else {
    const bytecodesName = names.bytecodes ?? "bytecodes.json (not found beside the block)";
    preState = fromBytecodeIndex(parts, names.preState, bytecodesName) ?? fromBytecodeTable(parts, names.preState, bytecodesName);
  }
  const blockHashes = parts.blockHashes === undefined ? new Map<bigint, Word>() : parseBlockHashes(parts.blockHashes, names.blockHashes ?? "blockHashes");
  const expectedReceipts = parts.receipts === undefined ? null : blockReceipts(parts.receipts, names.receipts, block);
  recoverSenders(block, rules, names.block);
  return { block, rules, preState, blockHashes, expectedReceipts, sources: { block: names.block, preState: names.preState, bytecodes: names.bytecodes, blockHashes: names.blockHashes } };
}

/**
 * The fixture pre-state with its codes read by key from the bytecode file, or null where that
 * cannot be done (no index) or fails in any way: the caller then builds it from the whole table,
 * so every error reads as it would have.
 */
function fromBytecodeIndex(parts: BlockParts, preStateName: string, bytecodesName: string): MemoryState | null {
  const index = parts.bytecodeIndex?.() ?? null;
  if (index === null) return null;
  try {
    return preStateFromFixture(parts.preState, (key) => index.get(key), preStateName, bytecodesName);
  } catch (e) {
    if (e instanceof InputError) return null;
    throw e;
  }
}

function fromBytecodeTable(parts: BlockParts, preStateName: string, bytecodesName: string): MemoryState {
  const raw = typeof parts.bytecodes === "function" ? (parts.bytecodes as () => unknown)() : parts.bytecodes;
  const bytecodes = raw === undefined ? {} : (expectObject(raw, bytecodesName) as BytecodeTable);
  return preStateFromFixture(parts.preState, bytecodes, preStateName, bytecodesName);
}

/** BytecodeIndex.read, with errors as InputErrors and the index shared through `cache` (null: no plain shape). */
function readBytecodeIndex(path: string, cache?: Map<string, unknown>): BytecodeIndex | null {
  const key = `bytecode index: ${path}`;
  const cached = cache?.get(key);
  if (cached !== undefined) return cached as BytecodeIndex | null;
  let index: BytecodeIndex | null;
  try {
    index = BytecodeIndex.read(path);
  } catch (e) {
    if (e instanceof JsonFileError) throw new InputError(e.message);
    throw e;
  }
  cache?.set(key, index);
  return index;
}

function locate(path: string, prestate: string | undefined): { blockPath: string; preStatePath: string } {
  if (!existsSync(path)) throw new InputError(`${path}: no such file or directory`);
  if (prestate !== undefined && !existsSync(prestate)) throw new InputError(`--prestate ${prestate}: no such file`);
  if (statSync(path).isDirectory()) {
    const blockPath = join(path, "block.json");
    if (!existsSync(blockPath)) throw new InputError(`${path}: not a block directory (no block.json)`);
    const preStatePath = prestate ?? join(path, "pre_state.json");
    if (!existsSync(preStatePath)) throw new InputError(`${path}: no pre_state.json (or give --prestate FILE)`);
    return { blockPath, preStatePath };
  }
  const preStatePath = prestate ?? join(dirname(path), "pre_state.json");
  if (!existsSync(preStatePath)) throw new InputError(`${path}: no pre_state.json beside it; give --prestate FILE (fixture pre_state.json or geth prestateTracer output)`);
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

/**
 * A JSON input file, parsed (and cached by path when `cache` is given). Refused with an
 * InputError naming the file: a directory, an empty, binary or malformed file, and one above the
 * size limit (MAX_JSON_BYTES), which is never read.
 */
export function readJson(path: string, cache?: Map<string, unknown>): unknown {
  const cached = cache?.get(path);
  if (cached !== undefined) return cached;
  let json: unknown;
  try {
    json = readJsonFile(path);
  } catch (e) {
    if (e instanceof JsonFileError) throw new InputError(e.message);
    throw e;
  }
  cache?.set(path, json);
  return json;
}

/** Fields an account of either pre-state format may have. */
const SHARED_FIELDS = ["balance", "nonce", "storage", "codeHash"];

/**
 * Which of the two pre-state formats `json` is, told by explicit marks only: a fixture account
 * has `code_hash`, a prestateTracer account `code`; a trace may also be an array or a `{ result }`.
 * A file that has both marks, or an account field neither format has, is an error naming the
 * account, not a guess (one stray key must not switch formats and lose every code hash).
 */
function preStateFormat(json: unknown, where: string): "fixture" | "trace" {
  if (Array.isArray(json)) return "trace";
  if (!isJsonObject(json)) throw new InputError(`${where}: expected an object of accounts (fixture pre_state.json) or a prestateTracer trace (an array), got ${describe(json)}`);
  if ("result" in json || "txHash" in json || "error" in json) return "trace";
  let fixtureAt: string | undefined;
  let traceAt: string | undefined;
  for (const [address, account] of Object.entries(json)) {
    if (!isJsonObject(account)) continue; // the format's own parser names it
    for (const key of Object.keys(account)) {
      if (key === "code") traceAt ??= address;
      else if (key === "code_hash") fixtureAt ??= address;
      else if (!SHARED_FIELDS.includes(key) && !FIXTURE_ACCOUNT_FIELDS.includes(key)) {
        throw new InputError(`${where}["${address}"]: unknown field ${describe(key)} (an account has balance, nonce, storage and code_hash in a fixture pre_state.json, or code in prestateTracer output)`);
      }
    }
  }
  if (fixtureAt !== undefined && traceAt !== undefined) {
    throw new InputError(`${where}: mixes two formats: ["${fixtureAt}"] has code_hash (fixture pre_state.json), ["${traceAt}"] has code (prestateTracer output); use one`);
  }
  return traceAt !== undefined ? "trace" : "fixture";
}

/** A block trace (debug_traceBlockByNumber) has one entry per transaction; fewer or more is not this block's. */
function checkTraceLength(json: unknown, where: string, block: Block): void {
  if (!Array.isArray(json) || json.length === block.transactions.length) return;
  const txs = block.transactions.length;
  const what = json.length === 0 ? "an empty array ([]), so no accounts at all" : `a prestateTracer trace of ${json.length} transaction${json.length === 1 ? "" : "s"}`;
  throw new InputError(`${where}: ${what}, but block ${block.header.number} has ${txs} transaction${txs === 1 ? "" : "s"} (a block trace has one entry per transaction; a fixture pre-state is an object of accounts)`);
}

/** receipts.json, which must be this block's: one receipt per transaction, with its hash where both give one. */
function blockReceipts(json: unknown, where: string, block: Block): ExpectedReceipt[] {
  const receipts = receiptsFromRpc(json, where);
  const txs = block.transactions.length;
  if (receipts.length !== txs) throw new InputError(`${where}: ${receipts.length} receipt${receipts.length === 1 ? "" : "s"}, but block ${block.header.number} has ${txs} transaction${txs === 1 ? "" : "s"}`);
  (json as unknown[]).forEach((raw, i) => {
    const claimed = (raw as Record<string, unknown>).transactionHash;
    const hash = block.transactions[i]!.hash;
    if (typeof claimed === "string" && hash !== undefined && claimed.toLowerCase() !== bytesToHex(hash)) {
      throw new InputError(`${where}[${i}].transactionHash: ${describe(claimed)} is not the hash of block ${block.header.number}'s transaction ${i} (${bytesToHex(hash)})`);
    }
  });
  return receipts;
}

function parseBlockHashes(json: unknown, where: string): Map<bigint, Word> {
  const hashes = new Map<bigint, Word>();
  const spelled = new Map<bigint, string>();
  for (const [number, hash] of Object.entries(expectObject(json, where))) {
    const n = parseBlockNumberKey(number, `${where} key "${number}"`);
    const earlier = spelled.get(n);
    if (earlier !== undefined) throw new InputError(`${where}: block ${n} is listed twice, as "${earlier}" and "${number}"`);
    spelled.set(n, number);
    hashes.set(n, parseHash(hash, `${where}["${number}"]`));
  }
  return hashes;
}
