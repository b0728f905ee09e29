// What `pevm run` and `pevm replay` do with records: read a hints file (a record, whose
// dependency graph schedules the run, or an EIP-7928 access list, whose values seed it), check
// it belongs to the block, write records and access lists, and check a run against its hints.
import { writeFileAtomically } from "../primitives/atomicFile.js";
import { readFileSync, statSync } from "node:fs";
import { extname } from "node:path";
import type { Block } from "../block/block.js";
import type { StateReader } from "../state/reader.js";
import { bytesToHex, hexToBytes } from "../primitives/bytes.js";
import { balFromJson, balHash, BalFormatError, balToJson, decodeBal, encodeBal, type BlockAccessList } from "../records/bal.js";
import { blockAccessList, diffBal, transactionWritesFromBal } from "../records/balFromRecord.js";
import { dependencyGraph } from "../records/graph.js";
import { readRecordFile, RecordFormatError } from "../records/json.js";
import type { BlockRecord, Write } from "../records/record.js";
import type { Word } from "../primitives/word.js";
import { UsageError } from "./args.js";

/** A hints file, read and checked against the block. */
export type Hints =
  | { kind: "graph"; file: string; predecessors: number[][]; edges: number; costs: number[] }
  | { kind: "values"; file: string; bal: BlockAccessList; seed: { writes: Write[][]; codes: Map<Word, Uint8Array> } };

/** A hints file that cannot be used: the run goes on without it and reports why. */
export class HintsError extends Error {}

/** Access lists and records are read whole; a hints file larger than this is refused. */
const MAX_HINTS_BYTES = 512 * 1024 * 1024;

/**
 * Reads `file` as hints for `block`: a record (JSON or NDJSON, format "pevm-record") or an
 * EIP-7928 access list (its JSON form, its RLP as raw bytes, or the RLP as 0x-hex text).
 * Throws HintsError naming the file and the reason.
 */
export function readHints(file: string, block: Block): Hints {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    throw new HintsError(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (size === 0) throw new HintsError(`${file}: empty file`);
  if (size > MAX_HINTS_BYTES) throw new HintsError(`${file}: ${size} bytes, more than a hints file may hold (${MAX_HINTS_BYTES})`);
  const bytes = readFileSync(file);
  const first = firstNonSpace(bytes);
  try {
    if (first === 0x7b /* { */) return recordHints(file, readRecordFile(file), block);
    if (first === 0x5b /* [ */) return valueHints(file, balFromJson(JSON.parse(bytes.toString("utf8")), { transactionCount: block.transactions.length }), block);
    if (first === 0x30 /* 0 */ && bytes[1] === 0x78) return valueHints(file, decodeBal(hexToBytes(bytes.toString("utf8").trim()), { transactionCount: block.transactions.length }), block);
    if (first >= 0xc0) return valueHints(file, decodeBal(bytes, { transactionCount: block.transactions.length }), block);
  } catch (e) {
    if (e instanceof HintsError) throw e;
    if (e instanceof RecordFormatError) throw new HintsError(e.message);
    if (e instanceof BalFormatError || e instanceof SyntaxError || e instanceof RangeError || e instanceof TypeError) throw new HintsError(`${file}: not a valid access list: ${e.message}`);
    throw e;
  }
  throw new HintsError(`${file}: neither a record (JSON object) nor an access list (JSON array, RLP, or 0x-hex RLP)`);
}

function firstNonSpace(bytes: Uint8Array): number {
  for (const b of bytes) if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return b;
  return -1;
}

function recordHints(file: string, record: BlockRecord, block: Block): Hints {
  const { header } = block;
  if (record.block.number !== header.number) throw new HintsError(`${file}: a record of block ${record.block.number}, not of block ${header.number}`);
  if (record.block.hash !== null && header.hash !== null && bytesToHex(record.block.hash) !== bytesToHex(header.hash)) throw new HintsError(`${file}: a record of block hash ${bytesToHex(record.block.hash)}, not ${bytesToHex(header.hash)}`);
  if (record.transactions.length !== block.transactions.length) throw new HintsError(`${file}: a record of ${record.transactions.length} transactions; block ${header.number} has ${block.transactions.length}`);
  const graph = dependencyGraph(record);
  return { kind: "graph", file, predecessors: graph.predecessors, edges: graph.edges.length, costs: transactionCosts(record) };
}

/** What each transaction cost in the recorded run: its execution time, or its gas where the record kept no times. */
function transactionCosts(record: BlockRecord): number[] {
  const times = record.transactions.map((t) => t.ms);
  return times.some((ms) => ms > 0) ? times : record.transactions.map((t) => Number(t.gasUsed));
}

function valueHints(file: string, bal: BlockAccessList, block: Block): Hints {
  return { kind: "values", file, bal, seed: transactionWritesFromBal(bal, block.transactions.length) };
}

/** How a run compares with its hints. */
export interface HintsCheck {
  file: string;
  kind: "graph" | "values";
  /** Values: the run's access list equals the given one. Graph: the run's graph equals it. */
  exact: boolean;
  /** The first difference of an access list; for a graph, the edges it lacked and those it had in excess. */
  difference: string | null;
  missingEdges?: number;
  extraEdges?: number;
}

export function checkHints(hints: Hints, record: BlockRecord, pre: StateReader): HintsCheck {
  if (hints.kind === "values") {
    const difference = diffBal(hints.bal, blockAccessList(record, { pre }));
    return { file: hints.file, kind: "values", exact: difference === null, difference };
  }
  const actual = dependencyGraph(record).predecessors;
  let missing = 0;
  let extra = 0;
  actual.forEach((preds, tx) => {
    const hinted = new Set(hints.predecessors[tx]);
    for (const p of preds) if (!hinted.delete(p)) missing++;
    extra += hinted.size;
  });
  const difference = missing + extra === 0 ? null : `${missing} dependencies not in the hints, ${extra} hinted that the run did not have`;
  return { file: hints.file, kind: "graph", exact: difference === null, difference, missingEdges: missing, extraEdges: extra };
}

/** Writes the record's access list to `file`: `.rlp` raw RLP bytes, `.json` the EIP's JSON form. Returns its hash. */
export function writeBalFile(file: string, record: BlockRecord, pre: StateReader): string {
  const bal = blockAccessList(record, { pre });
  const ext = extname(file).toLowerCase();
  const data = ext === ".rlp" ? encodeBal(bal) : JSON.stringify(balToJson(bal), null, 2) + "\n";
  writeFileAtomically(file, data);
  return bytesToHex(balHash(bal));
}

/** The access list file's form from its extension; a usage error for any other. */
export function checkBalPath(file: string): void {
  const ext = extname(file).toLowerCase();
  if (ext !== ".rlp" && ext !== ".json") throw new UsageError(`--bal ${file}: the file name must end in .rlp (RLP bytes) or .json (the EIP-7928 JSON form)`);
}
