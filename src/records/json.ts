// The versioned JSON form of a block's execution record (docs/record-json.md): one document
// (recordToJson / recordFromJson), or NDJSON for blocks of thousands of transactions: a header
// line, a line per transaction, lines of timeline events (recordToNdjsonLines / recordFromNdjson).
// Files: writeRecordFile picks the form by extension and renames a finished temporary file into
// place; readRecordFile detects the form from the first line. Every reading error is a
// RecordFormatError naming the file and the JSON path of what is wrong.
import { constants as bufferConstants } from "node:buffer";
import { randomBytes } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { addressToHex, norm, wordToHex, type Word } from "../primitives/word.js";
import { bytesToHex, hexToBytes } from "../primitives/bytes.js";
import type { RecordSummary } from "./analysis.js";
import { dependencyGraph, type Edge } from "./graph.js";
import {
  Field,
  FIELD_NAMES,
  Outcome,
  PRE_STATE,
  TxStatus,
  type BlockRecord,
  type FieldName,
  type Location,
  type Read,
  type RunInfo,
  type SystemChanges,
  type TimelineEvent,
  type TxRecord,
  type Write,
} from "./record.js";

// ---- the form --------------------------------------------------------------------------------

export const RECORD_FORMAT = "pevm-record";
export const RECORD_NDJSON_FORMAT = "pevm-record-ndjson";
/** The version this build writes. */
export const RECORD_JSON_VERSION = 1;
/** The versions this build reads. */
export const READABLE_RECORD_VERSIONS: readonly number[] = [1];
/** readRecordFile refuses larger files. */
export const MAX_RECORD_FILE_BYTES = 2 * 1024 ** 3;
/** Timeline events per NDJSON timeline line, by default. */
export const NDJSON_TIMELINE_CHUNK = 1000;

export type OutcomeName = "executed" | "blocked" | "validation-failed";
/** Indexed by Outcome. */
const OUTCOME_NAMES: readonly OutcomeName[] = ["executed", "blocked", "validation-failed"];
const STATUS_NAMES = ["success", "failure"] as const;

/** A location: `slot` (32 bytes, 0x + 64 hex digits) for storage only. */
export interface LocationJson {
  address: string;
  field: FieldName;
  slot?: string;
}

export interface ReadJson extends LocationJson {
  /** null: the pre-state; else the index of the transaction whose absolute write the read saw. */
  version: number | null;
  /** Transactions whose balance credits the read added up on top of `version`, ascending; only when there are any. */
  credits?: number[];
}

export interface WriteJson extends LocationJson {
  /** A hex quantity (balance, nonce, storage), or the 32-byte code hash (code). */
  value: string;
  /** The amount credited, for a balance credited without being read. */
  credit?: string;
}

export interface TxJson {
  index: number;
  /** The sender (absent when not known). */
  from?: string;
  /** The target; null for a contract creation (absent when not known). */
  to?: string | null;
  status: "success" | "failure";
  gasUsed: string;
  ms: number;
  incarnations: number;
  aborts: number;
  validationFailures: number;
  reads: ReadJson[];
  writes: WriteJson[];
}

export interface EdgeJson {
  from: number;
  to: number;
  locations: LocationJson[];
}

export interface BlockJson {
  number: string;
  hash: string | null;
  fork: string;
  coinbase: string;
  gasUsed: string;
  txCount: number;
}

export interface RunJson {
  mode: RunInfo["mode"];
  workers: number;
  fallback: string | null;
  stopped: string | null;
  executionMs: number;
  source: RunInfo["source"];
}

export interface SystemChangesJson {
  reads: LocationJson[];
  writes: WriteJson[];
}

export interface TimelineEventJson {
  tx: number;
  incarnation: number;
  thread: number;
  start: number;
  end: number;
  kind: TimelineEvent["kind"];
  outcome: OutcomeName;
}

export interface RecordJson {
  format: typeof RECORD_FORMAT;
  version: typeof RECORD_JSON_VERSION;
  block: BlockJson;
  run: RunJson;
  summary?: RecordSummary;
  graph: { edges: EdgeJson[] };
  transactions: TxJson[];
  pre: SystemChangesJson;
  post: SystemChangesJson;
  /** Bytecode by code hash. */
  codes: Record<string, string>;
  timeline: TimelineEventJson[];
}

/** The first NDJSON line. */
export interface RecordNdjsonHeader {
  format: typeof RECORD_NDJSON_FORMAT;
  version: typeof RECORD_JSON_VERSION;
  block: BlockJson;
  run: RunJson;
  summary?: RecordSummary;
  pre: SystemChangesJson;
  post: SystemChangesJson;
  codes: Record<string, string>;
  /** Timeline events in the lines after the transactions. */
  timelineEvents: number;
}

/** A transaction line: the transaction and its incoming edges. */
export interface RecordNdjsonTx extends TxJson {
  dependsOn: { from: number; locations: LocationJson[] }[];
}

export interface RecordJsonOptions {
  /** Included as `summary` (the reader checks only that it is an object). */
  summary?: RecordSummary;
}

export interface RecordNdjsonOptions extends RecordJsonOptions {
  /** Timeline events per line (default NDJSON_TIMELINE_CHUNK). */
  timelineChunk?: number;
}

export interface WriteRecordOptions extends RecordNdjsonOptions {
  /** JSON.stringify's indentation for the JSON form (NDJSON lines are never indented). */
  indent?: number | string;
}

/** Input that is not a record of a version this build reads; the message is one line naming the file and the JSON path. */
export class RecordFormatError extends Error {
  constructor(message: string) {
    super(message.replace(/[\r\n]+/g, " "));
    this.name = "RecordFormatError";
  }
}

// ---- writing ---------------------------------------------------------------------------------

function quantity(value: Word | bigint): string {
  return "0x" + value.toString(16);
}

function fieldName(field: Field): FieldName {
  const name = FIELD_NAMES[field];
  if (name === undefined) throw new RangeError(`record: location field ${String(field)} is not a Field`);
  return name;
}

export function locationToJson(location: Location): LocationJson {
  const field = fieldName(location.field);
  const address = addressToHex(location.address);
  return location.field === Field.Storage ? { address, field, slot: wordToHex(location.slot, 32) } : { address, field };
}

function readToJson(read: Read): ReadJson {
  const json: ReadJson = { ...locationToJson(read.location), version: read.version === PRE_STATE ? null : read.version };
  if (read.credits.length > 0) json.credits = [...read.credits];
  return json;
}

function writeToJson(write: Write): WriteJson {
  const location = locationToJson(write.location);
  const value = write.location.field === Field.Code ? wordToHex(write.value, 32) : quantity(write.value);
  return write.credit === null ? { ...location, value } : { ...location, value, credit: quantity(write.credit) };
}

/** One transaction's JSON form (as in `transactions[i]`). */
export function txToJson(tx: TxRecord): TxJson {
  return {
    index: tx.index,
    ...(tx.from !== undefined ? { from: addressToHex(tx.from) } : {}),
    ...(tx.to !== undefined ? { to: tx.to === null ? null : addressToHex(tx.to) } : {}),
    status: tx.status === TxStatus.Success ? "success" : "failure",
    gasUsed: quantity(tx.gasUsed),
    ms: tx.ms,
    incarnations: tx.incarnations,
    aborts: tx.aborts,
    validationFailures: tx.validationFailures,
    reads: tx.reads.map(readToJson),
    writes: tx.writes.map(writeToJson),
  };
}

function blockToJson(block: BlockRecord["block"]): BlockJson {
  return {
    number: quantity(block.number),
    hash: block.hash === null ? null : bytesToHex(block.hash),
    fork: block.fork,
    coinbase: addressToHex(block.coinbase),
    gasUsed: quantity(block.gasUsed),
    txCount: block.txCount,
  };
}

function runToJson(run: RunInfo): RunJson {
  return { mode: run.mode, workers: run.workers, fallback: run.fallback, stopped: run.stopped, executionMs: run.executionMs, source: run.source };
}

function systemToJson(changes: SystemChanges): SystemChangesJson {
  return { reads: changes.reads.map(locationToJson), writes: changes.writes.map(writeToJson) };
}

function codesToJson(codes: Map<Word, Uint8Array>): Record<string, string> {
  const json: Record<string, string> = {};
  for (const [hash, code] of codes) json[wordToHex(hash, 32)] = bytesToHex(code);
  return json;
}

function eventToJson(event: TimelineEvent): TimelineEventJson {
  const outcome = OUTCOME_NAMES[event.outcome];
  if (outcome === undefined) throw new RangeError(`record: timeline outcome ${String(event.outcome)} is not an Outcome`);
  return { tx: event.tx, incarnation: event.incarnation, thread: event.thread, start: event.start, end: event.end, kind: event.kind, outcome };
}

/** The JSON form (a plain object for JSON.stringify); the graph's edges are dependencyGraph(record)'s. */
export function recordToJson(record: BlockRecord, options: RecordJsonOptions = {}): RecordJson {
  const edges = dependencyGraph(record).edges.map((edge) => ({ from: edge.from, to: edge.to, locations: edge.locations.map(locationToJson) }));
  const json: RecordJson = {
    format: RECORD_FORMAT,
    version: RECORD_JSON_VERSION,
    block: blockToJson(record.block),
    run: runToJson(record.run),
    graph: { edges },
    transactions: record.transactions.map(txToJson),
    pre: systemToJson(record.pre),
    post: systemToJson(record.post),
    codes: codesToJson(record.codes),
    timeline: record.timeline.map(eventToJson),
  };
  return options.summary === undefined ? json : withSummary(json, options.summary);
}

/** The object with `summary` after `run`, where a reader looks for it. */
function withSummary<T extends { run: RunJson }>(json: T, summary: RecordSummary): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    out[key] = value;
    if (key === "run") out.summary = summary;
  }
  return out as T;
}

/**
 * The NDJSON form, line by line (no newlines): the header, one line per transaction with its
 * incoming edges as `dependsOn`, then the timeline in lines of `timelineChunk` events.
 */
export function* recordToNdjsonLines(record: BlockRecord, options: RecordNdjsonOptions = {}): Generator<string> {
  const chunk = options.timelineChunk ?? NDJSON_TIMELINE_CHUNK;
  if (!Number.isSafeInteger(chunk) || chunk < 1) throw new RangeError(`recordToNdjsonLines: timelineChunk ${String(chunk)} is not a positive integer`);
  const edges = dependencyGraph(record).edges;
  let header: RecordNdjsonHeader = {
    format: RECORD_NDJSON_FORMAT,
    version: RECORD_JSON_VERSION,
    block: blockToJson(record.block),
    run: runToJson(record.run),
    pre: systemToJson(record.pre),
    post: systemToJson(record.post),
    codes: codesToJson(record.codes),
    timelineEvents: record.timeline.length,
  };
  if (options.summary !== undefined) header = withSummary(header, options.summary);
  yield JSON.stringify(header);
  let e = 0;
  for (const tx of record.transactions) {
    while (e < edges.length && edges[e]!.to < tx.index) e++;
    const dependsOn: RecordNdjsonTx["dependsOn"] = [];
    for (; e < edges.length && edges[e]!.to === tx.index; e++) dependsOn.push({ from: edges[e]!.from, locations: edges[e]!.locations.map(locationToJson) });
    const { index, from, to, status, gasUsed, ms, incarnations, aborts, validationFailures, reads, writes } = txToJson(tx);
    const line: RecordNdjsonTx = { index, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}), status, gasUsed, ms, incarnations, aborts, validationFailures, dependsOn, reads, writes };
    yield JSON.stringify(line);
  }
  for (let i = 0; i < record.timeline.length; i += chunk) {
    yield JSON.stringify({ timeline: record.timeline.slice(i, i + chunk).map(eventToJson) });
  }
}

// ---- reading: checks that name the JSON path -------------------------------------------------

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function abbreviate(s: string, max = 60): string {
  return s.length > max ? s.slice(0, max - 3) + "..." : s;
}

/** A JSON value as a message shows it. */
function show(v: unknown): string {
  switch (typeof v) {
    case "string":
      return JSON.stringify(abbreviate(v));
    case "number":
    case "boolean":
    case "bigint":
      return String(v);
    case "undefined":
      return "undefined";
    case "object":
      return v === null ? "null" : Array.isArray(v) ? "an array" : "an object";
    default:
      return `a ${typeof v}`;
  }
}

function at(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return path === "" ? key : `${path}.${key}`;
}

const HEX_QUANTITY = /^0x[0-9a-fA-F]+$/;
const ADDRESS_HEX = /^0x[0-9a-fA-F]{40}$/;
const HASH_HEX = /^0x[0-9a-fA-F]{64}$/;

/** Checks on one document or line; every failure names the file (and line) and the JSON path. */
class Checker {
  constructor(private readonly prefix: string) {}

  fail(path: string, reason: string): never {
    throw new RecordFormatError(`${this.prefix}${path === "" ? "" : `${path}: `}${reason}`);
  }

  object(v: unknown, path: string): Json {
    if (!isObject(v)) this.fail(path, `expected an object, got ${show(v)}`);
    return v;
  }

  array(v: unknown, path: string): unknown[] {
    if (!Array.isArray(v)) this.fail(path, `expected an array, got ${show(v)}`);
    return v;
  }

  /** Every key in `required` present, and no key outside `required` and `optional`. */
  keys(o: Json, path: string, required: readonly string[], optional: readonly string[] = []): void {
    for (const key of required) if (!Object.hasOwn(o, key)) this.fail(at(path, key), "missing");
    for (const key of Object.keys(o)) {
      if (!required.includes(key) && !optional.includes(key)) this.fail(path, `unknown key ${JSON.stringify(abbreviate(key, 40))}`);
    }
  }

  /** A non-negative safe integer. */
  int(v: unknown, path: string, what = "a non-negative integer"): number {
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) this.fail(path, `expected ${what}, got ${show(v)}`);
    return v;
  }

  /** A finite non-negative number (milliseconds). */
  time(v: unknown, path: string): number {
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) this.fail(path, `expected a non-negative number of milliseconds, got ${show(v)}`);
    return v;
  }

  string(v: unknown, path: string): string {
    if (typeof v !== "string") this.fail(path, `expected a string, got ${show(v)}`);
    return v;
  }

  stringOrNull(v: unknown, path: string): string | null {
    if (v !== null && typeof v !== "string") this.fail(path, `expected a string or null, got ${show(v)}`);
    return v;
  }

  oneOf<T extends string>(v: unknown, path: string, options: readonly T[]): T {
    if (typeof v !== "string" || !(options as readonly string[]).includes(v)) {
      this.fail(path, `expected one of ${options.map((o) => JSON.stringify(o)).join(", ")}, got ${show(v)}`);
    }
    return v as T;
  }

  /** A hex quantity (leading zeros allowed) below 2^bits. */
  quantity(v: unknown, path: string, bits: number): bigint {
    if (typeof v !== "string" || !HEX_QUANTITY.test(v)) this.fail(path, `expected a hex quantity (0x and hex digits), got ${show(v)}`);
    let first = 2;
    while (first < v.length - 1 && v[first] === "0") first++;
    const digits = v.length - first;
    const n = digits > bits / 4 + 1 ? null : BigInt("0x" + v.slice(first));
    if (n === null || n >> BigInt(bits) !== 0n) this.fail(path, `${show(v)} does not fit in ${bits} bits`);
    return n;
  }

  address(v: unknown, path: string): Word {
    if (typeof v !== "string" || !ADDRESS_HEX.test(v)) this.fail(path, `expected a 20-byte address (0x and 40 hex digits), got ${show(v)}`);
    return norm(BigInt(v));
  }

  hash(v: unknown, path: string, what: string): string {
    if (typeof v !== "string" || !HASH_HEX.test(v)) this.fail(path, `expected ${what} (0x and 64 hex digits), got ${show(v)}`);
    return v;
  }

  bytes(v: unknown, path: string): Uint8Array {
    if (typeof v !== "string" || !v.startsWith("0x")) this.fail(path, `expected hex bytes (0x and an even number of hex digits), got ${show(v)}`);
    try {
      return hexToBytes(v);
    } catch {
      this.fail(path, `expected hex bytes (0x and an even number of hex digits), got ${show(v)}`);
    }
  }

  /** The index of a transaction before `index`. */
  earlier(v: unknown, path: string, index: number, what: string): number {
    const n = this.int(v, path, what);
    if (n >= index) this.fail(path, `${n} is not an earlier transaction`);
    return n;
  }
}

const LOCATION_KEYS = ["address", "field"] as const;
const READ_KEYS = ["address", "field", "version"] as const;
const WRITE_KEYS = ["address", "field", "value"] as const;
const TX_KEYS = ["index", "status", "gasUsed", "ms", "incarnations", "aborts", "validationFailures", "reads", "writes"] as const;
const NDJSON_TX_KEYS = [...TX_KEYS, "dependsOn"] as const;
const TX_OPTIONAL_KEYS = ["from", "to"] as const;
const BLOCK_KEYS = ["number", "hash", "fork", "coinbase", "gasUsed", "txCount"] as const;
const RUN_KEYS = ["mode", "workers", "fallback", "stopped", "executionMs", "source"] as const;
const SYSTEM_KEYS = ["reads", "writes"] as const;
const EVENT_KEYS = ["tx", "incarnation", "thread", "start", "end", "kind", "outcome"] as const;
const RECORD_KEYS = ["format", "version", "block", "run", "graph", "transactions", "pre", "post", "codes", "timeline"] as const;
const HEADER_KEYS = ["format", "version", "block", "run", "pre", "post", "codes", "timelineEvents"] as const;
const MODES: readonly RunInfo["mode"][] = ["sequential", "parallel"];
const SOURCES: readonly RunInfo["source"][] = ["sequential", "block-stm", "sequential-rerun"];
const KINDS: readonly TimelineEvent["kind"][] = ["execute", "validate"];

/** The location fields of `o` (whose keys the caller checked). */
function locationOf(c: Checker, o: Json, path: string): Location {
  const address = c.address(o.address, at(path, "address"));
  const name = c.oneOf(o.field, at(path, "field"), FIELD_NAMES);
  const field = FIELD_NAMES.indexOf(name) as Field;
  if (field === Field.Storage) {
    if (!Object.hasOwn(o, "slot")) c.fail(at(path, "slot"), "missing (a storage location has a slot)");
    return { address, field, slot: norm(c.quantity(o.slot, at(path, "slot"), 256)) };
  }
  if (Object.hasOwn(o, "slot")) c.fail(at(path, "slot"), `only storage locations have a slot, not ${name}`);
  return { address, field, slot: 0 };
}

function plainLocation(c: Checker, v: unknown, path: string): Location {
  const o = c.object(v, path);
  c.keys(o, path, LOCATION_KEYS, ["slot"]);
  return locationOf(c, o, path);
}

function readOf(c: Checker, v: unknown, path: string, index: number): Read {
  const o = c.object(v, path);
  c.keys(o, path, READ_KEYS, ["slot", "credits"]);
  const location = locationOf(c, o, path);
  const version = o.version === null ? PRE_STATE : c.earlier(o.version, at(path, "version"), index, "a transaction index or null");
  const credits: number[] = [];
  if (Object.hasOwn(o, "credits")) {
    const list = c.array(o.credits, at(path, "credits"));
    if (list.length > 0 && location.field !== Field.Balance) c.fail(at(path, "credits"), `only balance reads have credits, not ${FIELD_NAMES[location.field]}`);
    for (let k = 0; k < list.length; k++) {
      const credit = c.earlier(list[k], at(at(path, "credits"), k), index, "a transaction index");
      if (k > 0 && credit <= credits[k - 1]!) c.fail(at(at(path, "credits"), k), `${credit} after ${credits[k - 1]}: credits are ascending and distinct`);
      credits.push(credit);
    }
  }
  return { location, version, credits };
}

function writeOf(c: Checker, v: unknown, path: string): Write {
  const o = c.object(v, path);
  c.keys(o, path, WRITE_KEYS, ["slot", "credit"]);
  const location = locationOf(c, o, path);
  const valuePath = at(path, "value");
  let value: Word | bigint;
  switch (location.field) {
    case Field.Balance:
      value = c.quantity(o.value, valuePath, 256);
      break;
    case Field.Nonce:
      value = c.quantity(o.value, valuePath, 64);
      break;
    case Field.Code:
      value = norm(BigInt(c.hash(o.value, valuePath, "a 32-byte code hash")));
      break;
    default:
      value = norm(c.quantity(o.value, valuePath, 256));
  }
  let credit: bigint | null = null;
  if (Object.hasOwn(o, "credit")) {
    if (location.field !== Field.Balance) c.fail(at(path, "credit"), `only balance writes have a credit, not ${FIELD_NAMES[location.field]}`);
    credit = c.quantity(o.credit, at(path, "credit"), 256);
  }
  return { location, value, credit };
}

function txOf(c: Checker, o: Json, path: string, expectedIndex: number): TxRecord {
  const index = c.int(o.index, at(path, "index"), "a transaction index");
  if (index !== expectedIndex) c.fail(at(path, "index"), `${index} is out of order (expected ${expectedIndex})`);
  const status = c.oneOf(o.status, at(path, "status"), STATUS_NAMES) === "success" ? TxStatus.Success : TxStatus.Failure;
  const gasUsed = c.quantity(o.gasUsed, at(path, "gasUsed"), 64);
  const ms = c.time(o.ms, at(path, "ms"));
  const incarnations = c.int(o.incarnations, at(path, "incarnations"));
  const aborts = c.int(o.aborts, at(path, "aborts"));
  const validationFailures = c.int(o.validationFailures, at(path, "validationFailures"));
  const reads = c.array(o.reads, at(path, "reads")).map((r, k) => readOf(c, r, at(at(path, "reads"), k), index));
  const writes = c.array(o.writes, at(path, "writes")).map((w, k) => writeOf(c, w, at(at(path, "writes"), k)));
  const tx: TxRecord = { index, reads, writes, gasUsed, status, ms, incarnations, aborts, validationFailures };
  if (o.from !== undefined) tx.from = c.address(o.from, at(path, "from"));
  if (o.to !== undefined) tx.to = o.to === null ? null : c.address(o.to, at(path, "to"));
  return tx;
}

function blockOf(c: Checker, v: unknown, path: string): BlockRecord["block"] {
  const o = c.object(v, path);
  c.keys(o, path, BLOCK_KEYS);
  return {
    number: c.quantity(o.number, at(path, "number"), 64),
    hash: o.hash === null ? null : hexToBytes(c.hash(o.hash, at(path, "hash"), "a 32-byte block hash or null")),
    fork: c.string(o.fork, at(path, "fork")),
    coinbase: c.address(o.coinbase, at(path, "coinbase")),
    gasUsed: c.quantity(o.gasUsed, at(path, "gasUsed"), 64),
    txCount: c.int(o.txCount, at(path, "txCount")),
  };
}

function runOf(c: Checker, v: unknown, path: string): RunInfo {
  const o = c.object(v, path);
  c.keys(o, path, RUN_KEYS);
  const workers = c.int(o.workers, at(path, "workers"), "a positive integer");
  if (workers === 0) c.fail(at(path, "workers"), "expected a positive integer, got 0");
  return {
    mode: c.oneOf(o.mode, at(path, "mode"), MODES),
    workers,
    fallback: c.stringOrNull(o.fallback, at(path, "fallback")),
    stopped: c.stringOrNull(o.stopped, at(path, "stopped")),
    executionMs: c.time(o.executionMs, at(path, "executionMs")),
    source: c.oneOf(o.source, at(path, "source"), SOURCES),
  };
}

function systemOf(c: Checker, v: unknown, path: string): SystemChanges {
  const o = c.object(v, path);
  c.keys(o, path, SYSTEM_KEYS);
  return {
    reads: c.array(o.reads, at(path, "reads")).map((r, k) => plainLocation(c, r, at(at(path, "reads"), k))),
    writes: c.array(o.writes, at(path, "writes")).map((w, k) => writeOf(c, w, at(at(path, "writes"), k))),
  };
}

function codesOf(c: Checker, v: unknown, path: string): Map<Word, Uint8Array> {
  const o = c.object(v, path);
  const codes = new Map<Word, Uint8Array>();
  for (const key of Object.keys(o)) {
    const hash = norm(BigInt(c.hash(key, path, "keys that are 32-byte code hashes")));
    if (codes.has(hash)) c.fail(path, `code hash ${key} appears twice`);
    codes.set(hash, c.bytes(o[key], at(path, key)));
  }
  return codes;
}

function eventOf(c: Checker, v: unknown, path: string, txCount: number, workers: number): TimelineEvent {
  const o = c.object(v, path);
  c.keys(o, path, EVENT_KEYS);
  const tx = c.int(o.tx, at(path, "tx"), "a transaction index");
  if (tx >= txCount) c.fail(at(path, "tx"), `${tx} is not a transaction of the block (it has ${txCount})`);
  const thread = c.int(o.thread, at(path, "thread"), "a thread number");
  if (thread >= workers) c.fail(at(path, "thread"), `${thread} is not below run.workers (${workers})`);
  const start = c.time(o.start, at(path, "start"));
  const end = c.time(o.end, at(path, "end"));
  if (end < start) c.fail(at(path, "end"), `${end} is before start (${start})`);
  return {
    tx,
    incarnation: c.int(o.incarnation, at(path, "incarnation")),
    thread,
    start,
    end,
    kind: c.oneOf(o.kind, at(path, "kind"), KINDS),
    outcome: OUTCOME_NAMES.indexOf(c.oneOf(o.outcome, at(path, "outcome"), OUTCOME_NAMES)) as Outcome,
  };
}

function locationText(location: Location): string {
  const name = FIELD_NAMES[location.field];
  return `${addressToHex(location.address)} ${name}${location.field === Field.Storage ? ` ${wordToHex(location.slot, 32)}` : ""}`;
}

function sameLocation(a: Location, b: Location): boolean {
  return a.address === b.address && a.field === b.field && a.slot === b.slot;
}

/**
 * Checks stored edges against those the reads give. `to` is null for the graph's edges (each
 * names its own) and the transaction's index for an NDJSON line's `dependsOn`.
 */
function checkEdges(c: Checker, stored: unknown[], path: string, expected: readonly Edge[], to: number | null): void {
  for (let k = 0; k < stored.length; k++) {
    const p = at(path, k);
    const o = c.object(stored[k], p);
    c.keys(o, p, to === null ? ["from", "to", "locations"] : ["from", "locations"]);
    const from = c.int(o.from, at(p, "from"), "a transaction index");
    const edgeTo = to ?? c.int(o.to, at(p, "to"), "a transaction index");
    const locations = c.array(o.locations, at(p, "locations")).map((l, m) => plainLocation(c, l, at(at(p, "locations"), m)));
    const want = expected[k];
    if (want === undefined) c.fail(p, `${from} -> ${edgeTo} is not an edge the reads give (they give ${expected.length})`);
    if (from !== want.from || edgeTo !== want.to) c.fail(p, `${from} -> ${edgeTo} does not match the reads (expected ${want.from} -> ${want.to})`);
    for (let m = 0; m < Math.max(locations.length, want.locations.length); m++) {
      const got = locations[m];
      const wanted = want.locations[m];
      if (wanted === undefined) c.fail(at(at(p, "locations"), m), `not a location the reads give (they give ${want.locations.length})`);
      if (got === undefined) c.fail(at(p, "locations"), `${locations.length} locations, but the reads give ${want.locations.length} (missing ${locationText(wanted)})`);
      if (!sameLocation(got, wanted)) c.fail(at(at(p, "locations"), m), `does not match the reads (expected ${locationText(wanted)})`);
    }
  }
  if (stored.length < expected.length) {
    const missing = expected[stored.length]!;
    c.fail(path, `${stored.length} edges, but the reads give ${expected.length} (missing ${missing.from} -> ${missing.to})`);
  }
}

/** `format` and `version` first: a newer version is refused before its fields are read. */
function checkFormat(c: Checker, o: Json, format: string, otherForm: { format: string; reader: string }): void {
  if (!Object.hasOwn(o, "format")) c.fail("format", `missing (not a ${format} document)`);
  if (o.format !== format) {
    const hint = o.format === otherForm.format ? ` (that is the other form: read it with ${otherForm.reader})` : "";
    c.fail("format", `expected ${JSON.stringify(format)}, got ${show(o.format)}${hint}`);
  }
  if (!Object.hasOwn(o, "version")) c.fail("version", "missing");
  const version = o.version;
  const readable = READABLE_RECORD_VERSIONS.join(", ");
  if (typeof version === "number" && Number.isSafeInteger(version) && version > Math.max(...READABLE_RECORD_VERSIONS)) {
    c.fail("version", `${version} is newer than this build reads (it reads version ${readable})`);
  }
  if (typeof version !== "number" || !READABLE_RECORD_VERSIONS.includes(version)) c.fail("version", `expected version ${readable}, got ${show(version)}`);
}

/** The record a JSON value (JSON.parse of the JSON form) holds; anything else throws a RecordFormatError naming `where`. */
export function recordFromJson(json: unknown, where: string): BlockRecord {
  const c = new Checker(`${where}: `);
  const o = c.object(json, "");
  checkFormat(c, o, RECORD_FORMAT, { format: RECORD_NDJSON_FORMAT, reader: "recordFromNdjson or readRecordFile" });
  c.keys(o, "", RECORD_KEYS, ["summary"]);
  const block = blockOf(c, o.block, "block");
  const run = runOf(c, o.run, "run");
  if (Object.hasOwn(o, "summary")) c.object(o.summary, "summary");
  const txs = c.array(o.transactions, "transactions");
  if (txs.length !== block.txCount) c.fail("block.txCount", `${block.txCount}, but the record holds ${txs.length} transactions`);
  const transactions = txs.map((v, i) => {
    const path = at("transactions", i);
    const t = c.object(v, path);
    c.keys(t, path, TX_KEYS, TX_OPTIONAL_KEYS);
    return txOf(c, t, path, i);
  });
  const record: BlockRecord = {
    block,
    run,
    transactions,
    codes: codesOf(c, o.codes, "codes"),
    pre: systemOf(c, o.pre, "pre"),
    post: systemOf(c, o.post, "post"),
    timeline: c.array(o.timeline, "timeline").map((e, k) => eventOf(c, e, at("timeline", k), block.txCount, run.workers)),
  };
  const graph = c.object(o.graph, "graph");
  c.keys(graph, "graph", ["edges"]);
  checkEdges(c, c.array(graph.edges, "graph.edges"), "graph.edges", dependencyGraph(record).edges, null);
  return record;
}

// ---- reading NDJSON --------------------------------------------------------------------------

interface Line {
  text: string;
  /** 1-based. */
  number: number;
  /** Ended by a newline (the last line of a truncated file is not). */
  complete: boolean;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function parseLine(line: Line, where: string): unknown {
  try {
    return JSON.parse(line.text);
  } catch (e) {
    const reason = line.complete ? "malformed JSON" : "truncated: the file ends inside this line";
    throw new RecordFormatError(`${where}: line ${line.number}: ${reason}: ${abbreviate(errorMessage(e), 120)}`);
  }
}

function* textLines(text: string): Generator<Line> {
  let start = 0;
  for (let number = 1; start < text.length; number++) {
    const newline = text.indexOf("\n", start);
    const end = newline === -1 ? text.length : newline;
    const cut = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    yield { text: text.slice(start, cut), number, complete: newline !== -1 };
    if (newline === -1) return;
    start = newline + 1;
  }
}

function recordFromLines(lines: Iterator<Line>, where: string): BlockRecord {
  let last = 0;
  const next = (): Line | undefined => {
    for (;;) {
      const step = lines.next();
      if (step.done === true) return undefined;
      last = step.value.number;
      if (/\S/.test(step.value.text)) return step.value;
    }
  };
  const first = next();
  if (first === undefined) throw new RecordFormatError(`${where}: empty (no header line)`);
  const hc = new Checker(`${where}: line ${first.number}: `);
  const header = hc.object(parseLine(first, where), "");
  checkFormat(hc, header, RECORD_NDJSON_FORMAT, { format: RECORD_FORMAT, reader: "recordFromJson or readRecordFile" });
  hc.keys(header, "", HEADER_KEYS, ["summary"]);
  const block = blockOf(hc, header.block, "block");
  const run = runOf(hc, header.run, "run");
  if (Object.hasOwn(header, "summary")) hc.object(header.summary, "summary");
  const shell: BlockRecord = {
    block,
    run,
    transactions: [],
    codes: codesOf(hc, header.codes, "codes"),
    pre: systemOf(hc, header.pre, "pre"),
    post: systemOf(hc, header.post, "post"),
    timeline: [],
  };
  const timelineEvents = hc.int(header.timelineEvents, "timelineEvents", "a count of timeline events");

  const transactions: TxRecord[] = [];
  for (let i = 0; i < block.txCount; i++) {
    const line = next();
    if (line === undefined) throw new RecordFormatError(`${where}: truncated: the file ends after line ${last} with ${i} of ${block.txCount} transactions`);
    const c = new Checker(`${where}: line ${line.number}: `);
    const path = at("transactions", i);
    const o = c.object(parseLine(line, where), path);
    c.keys(o, path, NDJSON_TX_KEYS, TX_OPTIONAL_KEYS);
    const tx = txOf(c, o, path, i);
    const incoming = dependencyGraph({ ...shell, transactions: [tx] }).edges;
    checkEdges(c, c.array(o.dependsOn, at(path, "dependsOn")), at(path, "dependsOn"), incoming, i);
    transactions.push(tx);
  }

  const timeline: TimelineEvent[] = [];
  while (timeline.length < timelineEvents) {
    const line = next();
    if (line === undefined) throw new RecordFormatError(`${where}: truncated: the file ends after line ${last} with ${timeline.length} of ${timelineEvents} timeline events`);
    const c = new Checker(`${where}: line ${line.number}: `);
    const o = c.object(parseLine(line, where), "");
    c.keys(o, "", ["timeline"]);
    const events = c.array(o.timeline, "timeline");
    if (timeline.length + events.length > timelineEvents) {
      c.fail("timeline", `${timeline.length + events.length} events so far, more than the header's timelineEvents (${timelineEvents})`);
    }
    for (const event of events) timeline.push(eventOf(c, event, at("timeline", timeline.length), block.txCount, run.workers));
  }

  const extra = next();
  if (extra !== undefined) throw new RecordFormatError(`${where}: line ${extra.number}: unexpected line after the end of the record`);
  return { ...shell, transactions, timeline };
}

/** The record an NDJSON text holds (lines as recordToNdjsonLines gives them, each ended by a newline). */
export function recordFromNdjson(text: string, where: string): BlockRecord {
  return recordFromLines(textLines(text), where);
}

/** The record a text holds, in either form: NDJSON when its first line is an NDJSON header. */
export function recordFromText(text: string, where: string): BlockRecord {
  const newline = text.indexOf("\n");
  const firstLine = newline === -1 ? text : text.slice(0, newline);
  if (isNdjsonHeaderLine(firstLine)) return recordFromNdjson(text, where);
  if (!/\S/.test(text)) throw new RecordFormatError(`${where}: empty`);
  return recordFromJson(parseDocument(text, where), where);
}

/** An NDJSON header line, or one that fails to parse but names the NDJSON format (a truncated header). */
function isNdjsonHeaderLine(line: string): boolean {
  if (!line.includes(`"${RECORD_NDJSON_FORMAT}"`)) return false;
  try {
    const value: unknown = JSON.parse(line);
    return !isObject(value) || value.format !== RECORD_FORMAT;
  } catch {
    return true;
  }
}

function parseDocument(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = errorMessage(e);
    const truncated = /end of JSON input|Unterminated/i.test(message);
    throw new RecordFormatError(`${where}: ${truncated ? "truncated JSON (the text ends inside the document)" : "malformed JSON"}: ${abbreviate(message, 120)}`);
  }
}

// ---- files -----------------------------------------------------------------------------------

function isNdjsonPath(path: string): boolean {
  const ext = extname(path).toLowerCase();
  return ext === ".ndjson" || ext === ".jsonl";
}

/** Lines joined (newline-terminated) into pieces of about 64 KiB: fewer, larger writes. */
function* batched(lines: Iterable<string>): Generator<string> {
  let batch = "";
  for (const line of lines) {
    batch += line + "\n";
    if (batch.length >= 65536) {
      yield batch;
      batch = "";
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * Writes the record: NDJSON for a `.ndjson` or `.jsonl` path (streamed line by line), the JSON
 * form otherwise. The text goes to a temporary file in the same directory, which is renamed into
 * place once complete and flushed; on any failure it is removed and `path` is left as it was.
 */
export async function writeRecordFile(path: string, record: BlockRecord, options: WriteRecordOptions = {}): Promise<void> {
  const pieces: Iterable<string> = isNdjsonPath(path)
    ? batched(recordToNdjsonLines(record, options))
    : [JSON.stringify(recordToJson(record, options), null, options.indent) + "\n"];
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  const handle = await open(temp, "wx");
  try {
    const stream = handle.createWriteStream({ encoding: "utf8", flush: true });
    try {
      await pipeline(Readable.from(pieces), stream);
    } finally {
      if (!stream.closed) await new Promise<void>((resolve) => stream.once("close", () => resolve()));
    }
    await rename(temp, path);
  } catch (e) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw e;
  }
}

export interface ReadRecordOptions {
  /** Files larger than this are refused (default MAX_RECORD_FILE_BYTES). */
  maxBytes?: number;
}

const SNIFF_BYTES = 8192;
const READ_CHUNK = 1 << 20;

function formatBytes(n: number): string {
  if (n >= 1024 ** 3 && n % 1024 ** 3 === 0) return `${n / 1024 ** 3} GiB`;
  if (n >= 1024 ** 2 && n % 1024 ** 2 === 0) return `${n / 1024 ** 2} MiB`;
  return `${n} bytes`;
}

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

/**
 * Refuses what cannot be a record before parsing: binary data (a zero byte, or a first character
 * that is not text) and text that does not start with '{'.
 */
function sniff(head: Uint8Array, size: number, where: string): void {
  const zero = head.indexOf(0);
  if (zero !== -1) throw new RecordFormatError(`${where}: a binary file, not a record (a zero byte at offset ${zero})`);
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && isWhitespace(head[i]!)) i++;
  if (i === head.length) {
    if (head.length === size) throw new RecordFormatError(`${where}: empty (only whitespace)`);
    return;
  }
  const first = head[i]!;
  if (first === 0x7b) return; // '{'
  if (first < 0x20 || first >= 0x7f) throw new RecordFormatError(`${where}: a binary file, not a record (byte 0x${first.toString(16).padStart(2, "0")} at offset ${i})`);
  throw new RecordFormatError(`${where}: not a record: it starts with ${JSON.stringify(String.fromCharCode(first))}, not "{"`);
}

/** The file's lines from the current position, read in chunks and decoded as strict UTF-8. */
function* fileLines(fd: number, where: string): Generator<Line> {
  const chunk = Buffer.allocUnsafe(READ_CHUNK);
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let number = 1;
  const decode = (parts: Buffer[]): string => {
    try {
      return decoder.decode(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
    } catch {
      throw new RecordFormatError(`${where}: line ${number}: not UTF-8 text (a binary file?)`);
    }
  };
  for (;;) {
    const n = readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) break;
    const data = chunk.subarray(0, n);
    let start = 0;
    for (let newline = data.indexOf(10, start); newline !== -1; newline = data.indexOf(10, start)) {
      pending.push(Buffer.from(data.subarray(start, newline)));
      let text = decode(pending);
      if (text.endsWith("\r")) text = text.slice(0, -1);
      yield { text, number, complete: true };
      pending = [];
      pendingBytes = 0;
      number++;
      start = newline + 1;
    }
    if (start < n) {
      pending.push(Buffer.from(data.subarray(start)));
      pendingBytes += n - start;
      if (pendingBytes > bufferConstants.MAX_STRING_LENGTH) throw new RecordFormatError(`${where}: line ${number} is longer than the ${bufferConstants.MAX_STRING_LENGTH} bytes a line may have`);
    }
  }
  if (pending.length > 0) yield { text: decode(pending), number, complete: false };
}

function readWhole(fd: number, size: number, where: string): string {
  if (size > bufferConstants.MAX_STRING_LENGTH) {
    throw new RecordFormatError(`${where}: a JSON record of ${size} bytes is too large to parse in one piece (at most ${bufferConstants.MAX_STRING_LENGTH}); write it as .ndjson`);
  }
  const buffer = Buffer.allocUnsafe(size);
  let filled = 0;
  while (filled < size) {
    const n = readSync(fd, buffer, filled, size - filled, filled);
    if (n === 0) break;
    filled += n;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(buffer.subarray(0, filled));
  } catch {
    throw new RecordFormatError(`${where}: not UTF-8 text (a binary file?)`);
  }
}

/**
 * Reads a record file in either form, told apart by the first line (an NDJSON header, or the
 * start of a JSON document). Empty, binary, truncated or oversized files, and anything that is
 * not a record, throw a RecordFormatError naming `path`; I/O errors (a missing file) are thrown as they are.
 */
export function readRecordFile(path: string, options: ReadRecordOptions = {}): BlockRecord {
  const maxBytes = options.maxBytes ?? MAX_RECORD_FILE_BYTES;
  const fd = openSync(path, "r");
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new RecordFormatError(`${path}: not a regular file`);
    const size = stat.size;
    if (size === 0) throw new RecordFormatError(`${path}: empty file`);
    if (size > maxBytes) throw new RecordFormatError(`${path}: ${size} bytes, above the ${formatBytes(maxBytes)} limit for record files`);
    const head = Buffer.alloc(Math.min(SNIFF_BYTES, size));
    const headBytes = readSync(fd, head, 0, head.length, 0);
    sniff(head.subarray(0, headBytes), size, path);
    const lines = fileLines(fd, path);
    const first = lines.next();
    if (first.done === true) throw new RecordFormatError(`${path}: empty (only whitespace)`);
    if (isNdjsonHeaderLine(first.value.text)) return recordFromLines(prepend(first.value, lines), path);
    // The JSON form: a one-line document is already read; otherwise read the whole text.
    const oneLine = lines.next().done === true;
    lines.return(undefined);
    const text = oneLine ? first.value.text : readWhole(fd, size, path);
    if (!/\S/.test(text)) throw new RecordFormatError(`${path}: empty (only whitespace)`);
    return recordFromJson(parseDocument(text, path), path);
  } finally {
    closeSync(fd);
  }
}

function* prepend(first: Line, rest: Iterator<Line>): Generator<Line> {
  yield first;
  for (let step = rest.next(); step.done !== true; step = rest.next()) yield step.value;
}
