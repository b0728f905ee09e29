// The JSON and NDJSON forms of an execution record: exact output on a small hand-built record,
// round trips (values, files, both forms), malformed inputs with the message each must give, a
// seeded fuzz that may only ever give a RecordFormatError, and writes that fail without leaving
// a file behind.
import assert from "node:assert/strict";
import { closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { Word } from "../../src/primitives/word.js";
import { summarize } from "../../src/records/analysis.js";
import { dependencyGraph } from "../../src/records/graph.js";
import {
  MAX_RECORD_FILE_BYTES,
  readRecordFile,
  RecordFormatError,
  recordFromJson,
  recordFromNdjson,
  recordFromText,
  recordToJson,
  recordToNdjsonLines,
  writeRecordFile,
} from "../../src/records/json.js";
import { Field, Outcome, PRE_STATE, TxStatus, type BlockRecord, type Location, type Read, type TimelineEvent, type TxRecord, type Write } from "../../src/records/record.js";
import { random } from "../helpers/random.js";

// ---- records built by hand -------------------------------------------------------------------

function balance(address: Word): Location {
  return { address, field: Field.Balance, slot: 0 };
}
function nonce(address: Word): Location {
  return { address, field: Field.Nonce, slot: 0 };
}
function code(address: Word): Location {
  return { address, field: Field.Code, slot: 0 };
}
function storage(address: Word, slot: Word): Location {
  return { address, field: Field.Storage, slot };
}
function read(location: Location, version: number, credits: number[] = []): Read {
  return { location, version, credits };
}
function write(location: Location, value: Word | bigint, credit: bigint | null = null): Write {
  return { location, value, credit };
}
function tx(index: number, reads: Read[], writes: Write[], rest: Partial<TxRecord> = {}): TxRecord {
  return { index, reads, writes, gasUsed: 21000n, status: TxStatus.Success, ms: 0.1, incarnations: 1, aborts: 0, validationFailures: 0, ...rest };
}
function event(tx: number, incarnation: number, thread: number, start: number, end: number, kind: "execute" | "validate", outcome: Outcome): TimelineEvent {
  return { tx, incarnation, thread, start, end, kind, outcome };
}

// Words above 2^53 are bigints, below numbers (the canonical form).
const TOKEN = 0xdac17f958d2ee523a2206206994597c13d831ec7n;
const ALICE = 0x1111;
const BOB = 0x2222;
const COINBASE = 0x95222290dd7278aa3ddd389cc1e1d165cc4bafe5n;
const BEACON_ROOTS = 0x000f3df6d732807ef1319fb7b8bb8522d0beac02n;
const DEPLOYED = 0x5fbdb2315678afecb367f032d93f642f64180aa3n;
const WITHDRAWER = 0x3333;
const BALANCE_SLOT = 0x29f2f5fbd8c6d1f0ba3a5fa1c4a5b3d6e4d2bf57a9dcac5e0a4dbc2f2db5e1a1n;
const CODE_HASH = 0x8e0f4a3a5bb9b5f1e3e0c6bda0aa9ff3bd2c1e77a8c1f5df36f1f0c7bcb0e2d3n;
const CODE = Uint8Array.from([0x60, 0x80, 0x60, 0x40, 0x52, 0x00]);
const ETHER = 10n ** 18n;

/**
 * Four transactions: tx0 moves TOKEN balance from ALICE (a storage write above 2^53) and credits
 * the coinbase; tx1 deploys a contract (code write, failed validation once) and credits the
 * coinbase; tx2 reads the token slot (tx0), the coinbase balance (the pre-state plus credits of
 * tx0 and tx1) and the new code (tx1), and fails; tx3 reads what tx0 wrote. Pre: the EIP-4788
 * beacon-roots writes; post: a withdrawal credit. A timeline on 3 workers and the main thread.
 */
function sample(): BlockRecord {
  const transactions = [
    tx(
      0,
      [read(nonce(ALICE), PRE_STATE), read(balance(ALICE), PRE_STATE), read(code(TOKEN), PRE_STATE), read(storage(TOKEN, BALANCE_SLOT), PRE_STATE)],
      [
        write(nonce(ALICE), 5n),
        write(balance(ALICE), 100n * ETHER + 12345n),
        write(storage(TOKEN, BALANCE_SLOT), (1n << 60n) + 7n),
        write(balance(COINBASE), 2n * ETHER + 1000n, 1000n),
      ],
      { gasUsed: 51000n, ms: 0.171 },
    ),
    tx(
      1,
      [read(nonce(BOB), PRE_STATE), read(balance(BOB), PRE_STATE)],
      [write(nonce(BOB), 1n), write(balance(BOB), 7n), write(code(DEPLOYED), CODE_HASH), write(nonce(DEPLOYED), 1n), write(storage(DEPLOYED, 0), 1), write(balance(COINBASE), 2n * ETHER + 3000n, 2000n)],
      { gasUsed: 120000n, ms: 0.377, incarnations: 2, validationFailures: 1 },
    ),
    tx(2, [read(storage(TOKEN, BALANCE_SLOT), 0), read(balance(COINBASE), PRE_STATE, [0, 1]), read(code(DEPLOYED), 1)], [], {
      gasUsed: 30000n,
      status: TxStatus.Failure,
      ms: 0.19,
      aborts: 1,
    }),
    tx(3, [read(balance(ALICE), 0), read(storage(TOKEN, BALANCE_SLOT), 0)], [write(storage(TOKEN, BALANCE_SLOT), 0), write(balance(ALICE), 99n * ETHER)], { ms: 0.13 }),
  ];
  return {
    block: {
      number: 19426587n,
      hash: Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff),
      fork: "Cancun",
      coinbase: COINBASE,
      gasUsed: 222000n,
      txCount: 4,
    },
    run: { mode: "parallel", workers: 4, fallback: null, stopped: null, executionMs: 0.61, source: "block-stm" },
    transactions,
    codes: new Map([[CODE_HASH, CODE]]),
    pre: {
      reads: [code(BEACON_ROOTS), storage(BEACON_ROOTS, 0x1a2b)],
      writes: [write(storage(BEACON_ROOTS, 0x1a2b), 1710338135), write(storage(BEACON_ROOTS, 0x1a2b + 8191), 0xb9f6c6d3a2f4e1a4c79dd9a9f0d7c8e0a5d6c4b1e2f3a4b5c6d7e8f9a0b1c2d3n)],
    },
    post: { reads: [balance(WITHDRAWER)], writes: [write(balance(WITHDRAWER), 32n * ETHER, 32n * ETHER)] },
    timeline: [
      event(0, 0, 0, 0.012, 0.183, "execute", Outcome.Executed),
      event(1, 0, 1, 0.015, 0.201, "execute", Outcome.Executed),
      event(2, 0, 2, 0.02, 0.05, "execute", Outcome.Blocked),
      event(0, 0, 3, 0.19, 0.2, "validate", Outcome.Executed),
      event(1, 0, 0, 0.21, 0.22, "validate", Outcome.ValidationFailed),
      event(1, 1, 1, 0.23, 0.4, "execute", Outcome.Executed),
      event(2, 1, 2, 0.41, 0.6, "execute", Outcome.Executed),
      event(3, 0, 3, 0.42, 0.55, "execute", Outcome.Executed),
    ],
  };
}

/** Two transactions, a sequential run: small enough to write its JSON out by hand. */
function tiny(): BlockRecord {
  return {
    block: { number: 16n, hash: null, fork: "Cancun", coinbase: 0xc0, gasUsed: 63000n, txCount: 2 },
    run: { mode: "sequential", workers: 1, fallback: null, stopped: null, executionMs: 1.5, source: "sequential" },
    transactions: [
      tx(0, [read(nonce(0xaa), PRE_STATE)], [write(storage(0xaa, 1), 9007199254740993n), write(balance(0xc0), 147000n, 147000n)], { gasUsed: 42000n, ms: 0.25 }),
      tx(1, [read(storage(0xaa, 1), 0), read(balance(0xc0), PRE_STATE, [0])], [write(nonce(0xaa), 1n)], { status: TxStatus.Failure, ms: 0.5 }),
    ],
    codes: new Map(),
    pre: { reads: [], writes: [] },
    post: { reads: [], writes: [] },
    timeline: [],
  };
}

const AA = "0x00000000000000000000000000000000000000aa";
const C0 = "0x00000000000000000000000000000000000000c0";
const SLOT1 = "0x0000000000000000000000000000000000000000000000000000000000000001";

const TINY_BLOCK = { number: "0x10", hash: null, fork: "Cancun", coinbase: C0, gasUsed: "0xf618", txCount: 2 };
const TINY_RUN = { mode: "sequential", workers: 1, fallback: null, stopped: null, executionMs: 1.5, source: "sequential" };
const TINY_EDGE_LOCATIONS = [
  { address: AA, field: "storage", slot: SLOT1 },
  { address: C0, field: "balance" },
];
const TINY_TX0 = {
  index: 0,
  status: "success",
  gasUsed: "0xa410",
  ms: 0.25,
  incarnations: 1,
  aborts: 0,
  validationFailures: 0,
  reads: [{ address: AA, field: "nonce", version: null }],
  writes: [
    { address: AA, field: "storage", slot: SLOT1, value: "0x20000000000001" },
    { address: C0, field: "balance", value: "0x23e38", credit: "0x23e38" },
  ],
};
const TINY_TX1 = {
  index: 1,
  status: "failure",
  gasUsed: "0x5208",
  ms: 0.5,
  incarnations: 1,
  aborts: 0,
  validationFailures: 0,
  reads: [
    { address: AA, field: "storage", slot: SLOT1, version: 0 },
    { address: C0, field: "balance", version: null, credits: [0] },
  ],
  writes: [{ address: AA, field: "nonce", value: "0x1" }],
};

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function ndjsonText(record: BlockRecord, options?: Parameters<typeof recordToNdjsonLines>[1]): string {
  return [...recordToNdjsonLines(record, options)].map((line) => line + "\n").join("");
}

const tempRoot = mkdtempSync(join(tmpdir(), "pevm-record-json-"));
after(() => rmSync(tempRoot, { recursive: true, force: true }));
let dirCount = 0;
function tempDir(): string {
  const dir = join(tempRoot, `d${dirCount++}`);
  mkdirSync(dir);
  return dir;
}

/** Runs `f`, expecting a RecordFormatError whose message contains `fragment`. */
function assertFormatError(f: () => unknown, fragment: string): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof RecordFormatError, `expected a RecordFormatError, got ${String(e)}`);
    assert.ok(e.message.includes(fragment), `message ${JSON.stringify(e.message)} does not contain ${JSON.stringify(fragment)}`);
    assert.ok(!e.message.includes("\n"), "the message is one line");
    return true;
  });
}

// ---- the form --------------------------------------------------------------------------------

test("the JSON form of a small record, key by key", () => {
  const json = recordToJson(tiny());
  assert.deepEqual(json, {
    format: "pevm-record",
    version: 1,
    block: TINY_BLOCK,
    run: TINY_RUN,
    graph: { edges: [{ from: 0, to: 1, locations: TINY_EDGE_LOCATIONS }] },
    transactions: [TINY_TX0, TINY_TX1],
    pre: { reads: [], writes: [] },
    post: { reads: [], writes: [] },
    codes: {},
    timeline: [],
  });
  assert.deepEqual(Object.keys(json), ["format", "version", "block", "run", "graph", "transactions", "pre", "post", "codes", "timeline"]);
  assert.ok(JSON.stringify(json).startsWith('{"format":"pevm-record","version":1,"block":{"number":"0x10","hash":null,'));
});

test("the NDJSON form of a small record, line by line", () => {
  const lines = [...recordToNdjsonLines(tiny())];
  assert.equal(lines.length, 3);
  for (const line of lines) assert.ok(!line.includes("\n"));
  assert.ok(lines[0]!.startsWith('{"format":"pevm-record-ndjson","version":1,'));
  assert.deepEqual(JSON.parse(lines[0]!), {
    format: "pevm-record-ndjson",
    version: 1,
    block: TINY_BLOCK,
    run: TINY_RUN,
    pre: { reads: [], writes: [] },
    post: { reads: [], writes: [] },
    codes: {},
    timelineEvents: 0,
  });
  assert.deepEqual(JSON.parse(lines[1]!), { ...TINY_TX0, dependsOn: [] });
  assert.deepEqual(JSON.parse(lines[2]!), { ...TINY_TX1, dependsOn: [{ from: 0, locations: TINY_EDGE_LOCATIONS }] });
});

test("the sample's edges, code, pre/post changes and timeline in the JSON form", () => {
  const json = recordToJson(sample());
  const token = "0xdac17f958d2ee523a2206206994597c13d831ec7";
  const slot = "0x29f2f5fbd8c6d1f0ba3a5fa1c4a5b3d6e4d2bf57a9dcac5e0a4dbc2f2db5e1a1";
  const coinbase = "0x95222290dd7278aa3ddd389cc1e1d165cc4bafe5";
  const deployed = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
  const alice = "0x0000000000000000000000000000000000001111";
  assert.deepEqual(json.graph.edges, [
    { from: 0, to: 2, locations: [{ address: token, field: "storage", slot }, { address: coinbase, field: "balance" }] },
    { from: 1, to: 2, locations: [{ address: coinbase, field: "balance" }, { address: deployed, field: "code" }] },
    { from: 0, to: 3, locations: [{ address: alice, field: "balance" }, { address: token, field: "storage", slot }] },
  ]);
  assert.deepEqual(json.codes, { "0x8e0f4a3a5bb9b5f1e3e0c6bda0aa9ff3bd2c1e77a8c1f5df36f1f0c7bcb0e2d3": "0x608060405200" });
  assert.deepEqual(json.transactions[1]!.writes[2], { address: deployed, field: "code", value: "0x8e0f4a3a5bb9b5f1e3e0c6bda0aa9ff3bd2c1e77a8c1f5df36f1f0c7bcb0e2d3" });
  assert.deepEqual(json.transactions[0]!.writes.slice(1), [
    { address: alice, field: "balance", value: "0x56bc75e2d63103039" },
    { address: token, field: "storage", slot, value: "0x1000000000000007" },
    { address: coinbase, field: "balance", value: "0x1bc16d674ec803e8", credit: "0x3e8" },
  ]);
  assert.deepEqual(json.transactions[2]!.reads[1], { address: coinbase, field: "balance", version: null, credits: [0, 1] });
  assert.equal(json.transactions[2]!.status, "failure");
  assert.equal(json.transactions[1]!.incarnations, 2);
  assert.deepEqual(json.block, {
    number: "0x1286d1b",
    hash: "0x0b30557a9fc4e90e33587da2c7ec11365b80a5caef14395e83a8cdf2173c6186",
    fork: "Cancun",
    coinbase,
    gasUsed: "0x36330",
    txCount: 4,
  });
  assert.deepEqual(json.pre, {
    reads: [
      { address: "0x000f3df6d732807ef1319fb7b8bb8522d0beac02", field: "code" },
      { address: "0x000f3df6d732807ef1319fb7b8bb8522d0beac02", field: "storage", slot: "0x0000000000000000000000000000000000000000000000000000000000001a2b" },
    ],
    writes: [
      { address: "0x000f3df6d732807ef1319fb7b8bb8522d0beac02", field: "storage", slot: "0x0000000000000000000000000000000000000000000000000000000000001a2b", value: "0x65f1b057" },
      {
        address: "0x000f3df6d732807ef1319fb7b8bb8522d0beac02",
        field: "storage",
        slot: "0x0000000000000000000000000000000000000000000000000000000000003a2a",
        value: "0xb9f6c6d3a2f4e1a4c79dd9a9f0d7c8e0a5d6c4b1e2f3a4b5c6d7e8f9a0b1c2d3",
      },
    ],
  });
  assert.deepEqual(json.post.writes, [{ address: "0x0000000000000000000000000000000000003333", field: "balance", value: "0x1bc16d674ec800000", credit: "0x1bc16d674ec800000" }]);
  assert.deepEqual(json.timeline[2], { tx: 2, incarnation: 0, thread: 2, start: 0.02, end: 0.05, kind: "execute", outcome: "blocked" });
  assert.deepEqual(json.timeline[4], { tx: 1, incarnation: 0, thread: 0, start: 0.21, end: 0.22, kind: "validate", outcome: "validation-failed" });
});

test("a summary goes right after run, in both forms", () => {
  const record = sample();
  const summary = summarize(record, dependencyGraph(record));
  const json = recordToJson(record, { summary });
  assert.deepEqual(Object.keys(json), ["format", "version", "block", "run", "summary", "graph", "transactions", "pre", "post", "codes", "timeline"]);
  assert.equal(json.summary, summary);
  assert.deepEqual(recordFromJson(clone(json), "s.json"), record);
  const header = JSON.parse([...recordToNdjsonLines(record, { summary })][0]!) as Record<string, unknown>;
  assert.deepEqual(Object.keys(header), ["format", "version", "block", "run", "summary", "pre", "post", "codes", "timelineEvents"]);
  assert.deepEqual(header.summary, clone(summary));
  assert.deepEqual(recordFromNdjson(ndjsonText(record, { summary }), "s.ndjson"), record);
});

// ---- round trips -----------------------------------------------------------------------------

test("JSON round trip: the record comes back deep-equal (bigints above 2^53, credits, code, storage, pre/post, timeline)", () => {
  for (const record of [sample(), tiny()]) {
    assert.deepEqual(recordFromJson(recordToJson(record), "a.json"), record);
    assert.deepEqual(recordFromJson(JSON.parse(JSON.stringify(recordToJson(record))), "a.json"), record);
    assert.deepEqual(recordFromText(JSON.stringify(recordToJson(record), null, 2), "a.json"), record);
  }
  const decoded = recordFromJson(clone(recordToJson(sample())), "a.json");
  assert.equal(decoded.transactions[0]!.writes[0]!.value, 5n, "a nonce comes back as a bigint");
  assert.equal(decoded.transactions[1]!.writes[4]!.value, 1, "a small storage value comes back as a number");
  assert.equal(decoded.transactions[0]!.writes[2]!.value, (1n << 60n) + 7n);
  assert.equal(decoded.transactions[1]!.reads[0]!.location.address, BOB);
});

test("JSON round trip of a block number and gas above 2^53", () => {
  const record = tiny();
  record.block.number = (1n << 60n) + 3n;
  record.block.gasUsed = 1n << 62n;
  const json = recordToJson(record);
  assert.equal(json.block.number, "0x1000000000000003");
  assert.equal(json.block.gasUsed, "0x4000000000000000");
  assert.deepEqual(recordFromJson(clone(json), "big.json"), record);
});

test("NDJSON round trip, with the timeline in one line and in chunks", () => {
  for (const timelineChunk of [undefined, 1, 3, 8, 100]) {
    const text = ndjsonText(sample(), { timelineChunk });
    const lines = text.trimEnd().split("\n");
    const timelineLines = timelineChunk === undefined ? 1 : Math.ceil(8 / timelineChunk);
    assert.equal(lines.length, 1 + 4 + timelineLines);
    assert.deepEqual(recordFromNdjson(text, "a.ndjson"), sample());
    assert.deepEqual(recordFromText(text, "a.ndjson"), sample());
  }
  assert.deepEqual(recordFromNdjson(ndjsonText(tiny()), "t.ndjson"), tiny());
  assert.deepEqual(recordFromNdjson(ndjsonText(sample()).replace(/\n/g, "\r\n"), "crlf.ndjson"), sample(), "CRLF line ends");
  assert.deepEqual(recordFromNdjson(ndjsonText(sample()).trimEnd(), "a.ndjson"), sample(), "no newline after the last line");
});

test("files: writeRecordFile / readRecordFile in both forms, no temporary file left", async () => {
  const dir = tempDir();
  const record = sample();
  await writeRecordFile(join(dir, "r.json"), record, { indent: 2 });
  await writeRecordFile(join(dir, "r.ndjson"), record, { timelineChunk: 3 });
  await writeRecordFile(join(dir, "r.jsonl"), record);
  await writeRecordFile(join(dir, "r.txt"), record);
  assert.deepEqual(readdirSync(dir).sort(), ["r.json", "r.jsonl", "r.ndjson", "r.txt"]);
  const json = readFileSync(join(dir, "r.json"), "utf8");
  assert.ok(json.startsWith('{\n  "format": "pevm-record",\n  "version": 1,'));
  assert.ok(json.endsWith("}\n"));
  const ndjson = readFileSync(join(dir, "r.ndjson"), "utf8");
  assert.ok(ndjson.startsWith('{"format":"pevm-record-ndjson","version":1,'));
  assert.equal(ndjson.split("\n").length, 1 + 4 + 3 + 1, "header, 4 transactions, 3 timeline lines, final newline");
  assert.ok(readFileSync(join(dir, "r.jsonl"), "utf8").startsWith('{"format":"pevm-record-ndjson"'));
  assert.ok(readFileSync(join(dir, "r.txt"), "utf8").startsWith('{"format":"pevm-record","version":1,'));
  for (const name of ["r.json", "r.ndjson", "r.jsonl", "r.txt"]) assert.deepEqual(readRecordFile(join(dir, name)), record, name);
  // The form is told by the content, not the name.
  writeFileSync(join(dir, "swapped.json"), ndjson);
  assert.deepEqual(readRecordFile(join(dir, "swapped.json")), record);
  // Overwriting replaces the file.
  await writeRecordFile(join(dir, "r.json"), tiny());
  assert.deepEqual(readRecordFile(join(dir, "r.json")), tiny());
  assert.deepEqual(readdirSync(dir).sort(), ["r.json", "r.jsonl", "r.ndjson", "r.txt", "swapped.json"]);
});

test("files: a block of 3000 transactions streams through NDJSON and back", async () => {
  const dir = tempDir();
  const record = manyTransactions(3000);
  await writeRecordFile(join(dir, "big.ndjson"), record);
  const text = readFileSync(join(dir, "big.ndjson"), "utf8");
  assert.equal(text.split("\n").length, 1 + 3000 + 1);
  assert.ok(text.length > 1 << 20, "more than one read chunk");
  assert.deepEqual(readRecordFile(join(dir, "big.ndjson")), record);
});

/** n transactions, each reading the slot the one before wrote. */
function manyTransactions(n: number): BlockRecord {
  const transactions: TxRecord[] = [];
  for (let i = 0; i < n; i++) {
    transactions.push(tx(i, [read(storage(TOKEN, BALANCE_SLOT), i === 0 ? PRE_STATE : i - 1), read(balance(ALICE + i), PRE_STATE)], [write(storage(TOKEN, BALANCE_SLOT), i === 0 ? 0 : BigInt(i) << 200n), write(balance(ALICE + i), BigInt(i) * ETHER)]));
  }
  const record = tiny();
  return { ...record, block: { ...record.block, txCount: n, gasUsed: 21000n * BigInt(n) }, transactions };
}

test("the examples in docs/record-json.md read, are one record, and are what the writer writes", () => {
  const doc = readFileSync(new URL("../../../docs/record-json.md", import.meta.url), "utf8");
  const block = (lang: string): string => {
    const match = new RegExp("```" + lang + "\\n([\\s\\S]*?)```").exec(doc);
    assert.ok(match !== null, `a ${lang} example`);
    return match[1]!;
  };
  const jsonText = block("json");
  const ndjsonExample = block("ndjson");
  const fromJson = recordFromJson(JSON.parse(jsonText), "record-json.md");
  const fromNdjson = recordFromNdjson(ndjsonExample, "record-json.md");
  assert.deepEqual(fromNdjson, fromJson);
  assert.equal(fromJson.transactions.length, 2);
  assert.equal(fromJson.run.workers, 2);
  assert.deepEqual(fromJson.transactions[1]!.reads[1]!.credits, [0]);
  assert.deepEqual(recordToJson(fromJson), JSON.parse(jsonText));
  assert.equal([...recordToNdjsonLines(fromJson, { timelineChunk: 3 })].map((l) => l + "\n").join(""), ndjsonExample);
});

// ---- malformed documents ---------------------------------------------------------------------

type Doc = Record<string, any>;

const MALFORMED: { name: string; mutate: (doc: Doc) => unknown; message: string }[] = [
  { name: "not an object", mutate: () => [], message: "m.json: expected an object, got an array" },
  { name: "wrong format", mutate: (d) => void (d.format = "pevm-recording"), message: 'm.json: format: expected "pevm-record", got "pevm-recording"' },
  { name: "the NDJSON format", mutate: (d) => void (d.format = "pevm-record-ndjson"), message: "(that is the other form: read it with recordFromNdjson" },
  { name: "no format", mutate: (d) => void delete d.format, message: "m.json: format: missing" },
  { name: "a newer version", mutate: (d) => void (d.version = 2), message: "m.json: version: 2 is newer than this build reads (it reads version 1)" },
  { name: "a version as a string", mutate: (d) => void (d.version = "1"), message: 'm.json: version: expected version 1, got "1"' },
  { name: "no block", mutate: (d) => void delete d.block, message: "m.json: block: missing" },
  { name: "a block number as a JSON number", mutate: (d) => void (d.block.number = 19426587), message: "m.json: block.number: expected a hex quantity (0x and hex digits), got 19426587" },
  { name: "a short coinbase", mutate: (d) => void (d.block.coinbase = "0x1234"), message: 'm.json: block.coinbase: expected a 20-byte address (0x and 40 hex digits), got "0x1234"' },
  { name: "a block hash of 31 bytes", mutate: (d) => void (d.block.hash = "0x" + "ab".repeat(31)), message: "m.json: block.hash: expected a 32-byte block hash or null" },
  { name: "a transaction count that disagrees", mutate: (d) => void (d.block.txCount = 5), message: "m.json: block.txCount: 5, but the record holds 4 transactions" },
  { name: "no workers", mutate: (d) => void (d.run.workers = 0), message: "m.json: run.workers: expected a positive integer, got 0" },
  { name: "an unknown mode", mutate: (d) => void (d.run.mode = "turbo"), message: 'm.json: run.mode: expected one of "sequential", "parallel", got "turbo"' },
  { name: "a summary that is not an object", mutate: (d) => void (d.summary = 5), message: "m.json: summary: expected an object, got 5" },
  {
    name: "transactions out of order",
    mutate: (d) => void d.transactions.splice(0, 2, d.transactions[1], d.transactions[0]),
    message: "m.json: transactions[0].index: 1 is out of order (expected 0)",
  },
  { name: "a read of its own version", mutate: (d) => void (d.transactions[3].reads[0].version = 3), message: "m.json: transactions[3].reads[0].version: 3 is not an earlier transaction" },
  { name: "a read of a later version", mutate: (d) => void (d.transactions[3].reads[1].version = 7), message: "m.json: transactions[3].reads[1].version: 7 is not an earlier transaction" },
  { name: "a version of -1", mutate: (d) => void (d.transactions[3].reads[1].version = -1), message: "m.json: transactions[3].reads[1].version: expected a transaction index or null, got -1" },
  { name: "credits out of order", mutate: (d) => void (d.transactions[2].reads[1].credits = [1, 0]), message: "m.json: transactions[2].reads[1].credits[1]: 0 after 1: credits are ascending and distinct" },
  { name: "a credit from a later transaction", mutate: (d) => void (d.transactions[2].reads[1].credits = [0, 2]), message: "m.json: transactions[2].reads[1].credits[1]: 2 is not an earlier transaction" },
  { name: "credits on a nonce read", mutate: (d) => void (d.transactions[1].reads[0].credits = [0]), message: "m.json: transactions[1].reads[0].credits: only balance reads have credits, not nonce" },
  { name: "an unknown field", mutate: (d) => void (d.transactions[0].reads[0].field = "balances"), message: 'm.json: transactions[0].reads[0].field: expected one of "balance", "nonce", "code", "storage", got "balances"' },
  { name: "a storage read without its slot", mutate: (d) => void delete d.transactions[0].reads[3].slot, message: "m.json: transactions[0].reads[3].slot: missing" },
  { name: "a balance write with a slot", mutate: (d) => void (d.transactions[0].writes[1].slot = "0x01"), message: "m.json: transactions[0].writes[1].slot: only storage locations have a slot, not balance" },
  { name: "a short code hash", mutate: (d) => void (d.transactions[1].writes[2].value = "0x1234"), message: 'm.json: transactions[1].writes[2].value: expected a 32-byte code hash (0x and 64 hex digits), got "0x1234"' },
  { name: "a credit on a storage write", mutate: (d) => void (d.transactions[0].writes[2].credit = "0x1"), message: "m.json: transactions[0].writes[2].credit: only balance writes have a credit, not storage" },
  { name: "a nonce above 64 bits", mutate: (d) => void (d.transactions[0].writes[0].value = "0x1" + "0".repeat(16)), message: 'm.json: transactions[0].writes[0].value: "0x10000000000000000" does not fit in 64 bits' },
  { name: "a value that is not hex", mutate: (d) => void (d.transactions[0].writes[2].value = "0xzz"), message: 'm.json: transactions[0].writes[2].value: expected a hex quantity (0x and hex digits), got "0xzz"' },
  { name: "an address of 21 bytes", mutate: (d) => void (d.transactions[0].writes[1].address = "0x" + "11".repeat(21)), message: "m.json: transactions[0].writes[1].address: expected a 20-byte address" },
  { name: "a misspelt key", mutate: (d) => void (d.transactions[0].writes[0].valeu = "0x1"), message: 'm.json: transactions[0].writes[0]: unknown key "valeu"' },
  { name: "a read without its version", mutate: (d) => void delete d.transactions[2].reads[0].version, message: "m.json: transactions[2].reads[0].version: missing" },
  { name: "an unknown status", mutate: (d) => void (d.transactions[2].status = "ok"), message: 'm.json: transactions[2].status: expected one of "success", "failure", got "ok"' },
  { name: "negative time", mutate: (d) => void (d.transactions[2].ms = -1), message: "m.json: transactions[2].ms: expected a non-negative number of milliseconds, got -1" },
  { name: "fractional incarnations", mutate: (d) => void (d.transactions[2].incarnations = 1.5), message: "m.json: transactions[2].incarnations: expected a non-negative integer, got 1.5" },
  { name: "a versioned system read", mutate: (d) => void (d.pre.reads[0].version = null), message: 'm.json: pre.reads[0]: unknown key "version"' },
  { name: "a code key that is no hash", mutate: (d) => void (d.codes = { "0x12": "0x00" }), message: 'm.json: codes: expected keys that are 32-byte code hashes (0x and 64 hex digits), got "0x12"' },
  {
    name: "code of an odd number of digits",
    mutate: (d) => void (d.codes["0x8e0f4a3a5bb9b5f1e3e0c6bda0aa9ff3bd2c1e77a8c1f5df36f1f0c7bcb0e2d3"] = "0x600"),
    message: 'm.json: codes.0x8e0f4a3a5bb9b5f1e3e0c6bda0aa9ff3bd2c1e77a8c1f5df36f1f0c7bcb0e2d3: expected hex bytes (0x and an even number of hex digits), got "0x600"',
  },
  { name: "a thread beyond the workers", mutate: (d) => void (d.timeline[0].thread = 4), message: "m.json: timeline[0].thread: 4 is not below run.workers (4)" },
  { name: "an unknown outcome", mutate: (d) => void (d.timeline[1].outcome = "done"), message: 'm.json: timeline[1].outcome: expected one of "executed", "blocked", "validation-failed", got "done"' },
  { name: "an event that ends before it starts", mutate: (d) => void (d.timeline[2].end = 0.01), message: "m.json: timeline[2].end: 0.01 is before start (0.02)" },
  { name: "an event of a transaction beyond the block", mutate: (d) => void (d.timeline[2].tx = 4), message: "m.json: timeline[2].tx: 4 is not a transaction of the block (it has 4)" },
  { name: "a missing edge", mutate: (d) => void d.graph.edges.pop(), message: "m.json: graph.edges: 2 edges, but the reads give 3 (missing 0 -> 3)" },
  { name: "an edge from the wrong transaction", mutate: (d) => void (d.graph.edges[0].from = 1), message: "m.json: graph.edges[0]: 1 -> 2 does not match the reads (expected 0 -> 2)" },
  {
    name: "an edge through the wrong location",
    mutate: (d) => void (d.graph.edges[1].locations[1].field = "nonce"),
    message: "m.json: graph.edges[1].locations[1]: does not match the reads (expected 0x5fbdb2315678afecb367f032d93f642f64180aa3 code)",
  },
  { name: "an edge too many", mutate: (d) => void d.graph.edges.push({ from: 0, to: 1, locations: [] }), message: "m.json: graph.edges[3]: 0 -> 1 is not an edge the reads give (they give 3)" },
];

test("malformed JSON documents: each names the path and the reason", () => {
  assert.ok(MALFORMED.length >= 15);
  for (const { name, mutate, message } of MALFORMED) {
    const doc = clone(recordToJson(sample())) as Doc;
    const replaced = mutate(doc);
    const input = replaced === undefined ? doc : replaced;
    assert.throws(
      () => recordFromJson(input, "m.json"),
      (e: unknown) => e instanceof RecordFormatError && e.message.includes(message) && !e.message.includes("\n"),
      `${name}: expected a RecordFormatError containing ${JSON.stringify(message)}`,
    );
  }
});

test("the untouched sample document passes (so each malformed case fails for its mutation)", () => {
  assert.deepEqual(recordFromJson(clone(recordToJson(sample())), "m.json"), sample());
});

test("malformed NDJSON: each names the line, the path and the reason", () => {
  const lines = ndjsonText(sample(), { timelineChunk: 4 }).trimEnd().split("\n"); // header, 4 transactions, 2 timeline lines
  assert.equal(lines.length, 7);
  const join = (ls: string[]): string => ls.map((l) => l + "\n").join("");
  const edit = (index: number, change: (o: Doc) => void): string[] => {
    const copy = [...lines];
    const o = JSON.parse(copy[index]!) as Doc;
    change(o);
    copy[index] = JSON.stringify(o);
    return copy;
  };
  const cases: { name: string; text: string; message: string }[] = [
    { name: "empty", text: "", message: "n.ndjson: empty (no header line)" },
    { name: "no format", text: join(edit(0, (h) => delete h.format)), message: "n.ndjson: line 1: format: missing" },
    { name: "a newer version", text: join(edit(0, (h) => (h.version = 9))), message: "n.ndjson: line 1: version: 9 is newer than this build reads (it reads version 1)" },
    { name: "the JSON form", text: JSON.stringify(recordToJson(sample())) + "\n", message: 'n.ndjson: line 1: format: expected "pevm-record-ndjson", got "pevm-record" (that is the other form' },
    { name: "a bad header field", text: join(edit(0, (h) => (h.block.gasUsed = "12"))), message: 'n.ndjson: line 1: block.gasUsed: expected a hex quantity (0x and hex digits), got "12"' },
    { name: "no timeline count", text: join(edit(0, (h) => delete h.timelineEvents)), message: "n.ndjson: line 1: timelineEvents: missing" },
    { name: "transactions swapped", text: join([lines[0]!, lines[2]!, lines[1]!, ...lines.slice(3)]), message: "n.ndjson: line 2: transactions[0].index: 1 is out of order (expected 0)" },
    { name: "a read of a later version", text: join(edit(4, (t) => (t.reads[0].version = 3))), message: "n.ndjson: line 5: transactions[3].reads[0].version: 3 is not an earlier transaction" },
    { name: "dependsOn emptied", text: join(edit(3, (t) => (t.dependsOn = []))), message: "n.ndjson: line 4: transactions[2].dependsOn: 0 edges, but the reads give 2 (missing 0 -> 2)" },
    { name: "dependsOn from the wrong transaction", text: join(edit(3, (t) => (t.dependsOn[1].from = 0))), message: "n.ndjson: line 4: transactions[2].dependsOn[1]: 0 -> 2 does not match the reads (expected 1 -> 2)" },
    { name: "no dependsOn", text: join(edit(1, (t) => delete t.dependsOn)), message: "n.ndjson: line 2: transactions[0].dependsOn: missing" },
    { name: "transactions missing", text: join(lines.slice(0, 4)), message: "n.ndjson: truncated: the file ends after line 4 with 3 of 4 transactions" },
    { name: "a timeline line missing", text: join(lines.slice(0, 6)), message: "n.ndjson: truncated: the file ends after line 6 with 4 of 8 timeline events" },
    { name: "cut inside a line", text: join(lines).slice(0, join(lines.slice(0, 3)).length + 25), message: "n.ndjson: line 4: truncated: the file ends inside this line" },
    { name: "a malformed line", text: join([...lines.slice(0, 2), "{oops", ...lines.slice(3)]), message: "n.ndjson: line 3: malformed JSON" },
    { name: "a line after the end", text: join([...lines, lines[6]!]), message: "n.ndjson: line 8: unexpected line after the end of the record" },
    { name: "too many timeline events", text: join(edit(0, (h) => (h.timelineEvents = 6))), message: "n.ndjson: line 7: timeline: 8 events so far, more than the header's timelineEvents (6)" },
    { name: "a timeline line of another shape", text: join(edit(5, (o) => (o.events = o.timeline))), message: 'n.ndjson: line 6: unknown key "events"' },
    { name: "a bad event", text: join(edit(6, (o) => (o.timeline[1].kind = "run"))), message: 'n.ndjson: line 7: timeline[5].kind: expected one of "execute", "validate", got "run"' },
  ];
  assert.deepEqual(recordFromNdjson(join(lines), "n.ndjson"), sample(), "the untouched lines pass");
  for (const { name, text, message } of cases) {
    assert.throws(
      () => recordFromNdjson(text, "n.ndjson"),
      (e: unknown) => e instanceof RecordFormatError && e.message.includes(message) && !e.message.includes("\n"),
      `${name}: expected a RecordFormatError containing ${JSON.stringify(message)}`,
    );
  }
});

test("recordToJson refuses a location field that is no Field", () => {
  const record = sample();
  record.transactions[1]!.reads[0]!.location = { address: 1, field: 9 as Field, slot: 0 };
  assert.throws(() => recordToJson(record), /location field 9 is not a Field/);
});

// ---- files that are not records --------------------------------------------------------------

test("readRecordFile: empty, binary, truncated, oversized and other files that are not records", async () => {
  const dir = tempDir();
  const file = (name: string, content: string | Uint8Array): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const json = JSON.stringify(recordToJson(sample()), null, 1);
  const ndjson = ndjsonText(sample());
  const cases: { path: string; message: string }[] = [
    { path: file("empty.json", ""), message: "empty.json: empty file" },
    { path: file("blank.json", "  \n\n "), message: "blank.json: empty (only whitespace)" },
    { path: file("zero.json", Uint8Array.from([0x7b, 0x22, 0x61, 0x00, 0x22])), message: "zero.json: a binary file, not a record (a zero byte at offset 3)" },
    { path: file("record.json.gz", Uint8Array.from([0x1f, 0x8b, 0x08, 0x00, 0x12, 0x34])), message: "record.json.gz: a binary file, not a record (a zero byte at offset 3)" },
    { path: file("high.json", Uint8Array.from([0xff, 0xfe, 0x7b, 0x7d])), message: "high.json: a binary file, not a record (byte 0xff at offset 0)" },
    { path: file("latin1.json", Buffer.concat([Buffer.from('{"format":"pevm-record","fork":"'), Buffer.from([0xe9]), Buffer.from('"}')])), message: "latin1.json: line 1: not UTF-8 text" },
    { path: file("latin1-indented.json", Buffer.concat([Buffer.from('{\n "format": "pevm-record",\n "fork": "'), Buffer.from([0xe9]), Buffer.from('"\n}')])), message: "latin1-indented.json: not UTF-8 text" },
    { path: file("accent.ndjson", ndjson.replace('"index":2,', '"index":2,"\u00e9":1,')), message: 'accent.ndjson: line 4: transactions[2]: unknown key "\u00e9"' },
    { path: file("html.json", "<html>not found</html>"), message: 'html.json: not a record: it starts with "<", not "{"' },
    { path: file("half.json", json.slice(0, json.length >> 1)), message: "half.json: truncated JSON (the text ends inside the document)" },
    { path: file("trailing.json", json + "}"), message: "trailing.json: malformed JSON" },
    { path: file("half.ndjson", ndjson.slice(0, ndjson.length >> 1)), message: "half.ndjson: line " },
    { path: file("lines.ndjson", ndjson.split("\n").slice(0, 3).join("\n") + "\n"), message: "lines.ndjson: truncated: the file ends after line 3 with 2 of 4 transactions" },
    { path: file("header.ndjson", ndjson.slice(0, 200)), message: "header.ndjson: line 1: truncated: the file ends inside this line" },
    { path: file("array.json", "[1, 2]"), message: 'array.json: not a record: it starts with "[", not "{"' },
    { path: file("other.json", '{"hello": "world"}'), message: "other.json: format: missing (not a pevm-record document)" },
  ];
  for (const { path, message } of cases) assertFormatError(() => readRecordFile(path), message);
  // Raw bytes that are not UTF-8 inside an NDJSON line.
  const broken = Buffer.from(ndjson);
  const at = broken.indexOf('"index":1');
  broken[at + 1] = 0xc3; // a lead byte followed by an ASCII byte: invalid UTF-8
  assertFormatError(() => readRecordFile(file("invalid-utf8.ndjson", broken)), "invalid-utf8.ndjson: line 3: not UTF-8 text");
  assertFormatError(() => readRecordFile(dir), `${dir}: not a regular file`);
  assert.throws(() => readRecordFile(join(dir, "absent.json")), (e: NodeJS.ErrnoException) => e.code === "ENOENT");
});

test("readRecordFile refuses files above the size limit without reading them", () => {
  const dir = tempDir();
  const small = join(dir, "small.json");
  writeFileSync(small, JSON.stringify(recordToJson(tiny())));
  assertFormatError(() => readRecordFile(small, { maxBytes: 100 }), "small.json: ");
  assertFormatError(() => readRecordFile(small, { maxBytes: 100 }), "bytes, above the 100 bytes limit for record files");
  assert.equal(MAX_RECORD_FILE_BYTES, 2 * 1024 * 1024 * 1024);
  // A sparse file one byte over 2 GiB: refused by its size alone.
  const huge = join(dir, "huge.ndjson");
  const fd = openSync(huge, "w");
  try {
    ftruncateSync(fd, 2 * 1024 * 1024 * 1024 + 1);
  } finally {
    closeSync(fd);
  }
  assertFormatError(() => readRecordFile(huge), "huge.ndjson: 2147483649 bytes, above the 2 GiB limit for record files");
  rmSync(huge);
});

// ---- failed writes ---------------------------------------------------------------------------

test("a write into a directory that does not exist fails and leaves nothing", async () => {
  const dir = tempDir();
  for (const name of ["r.json", "r.ndjson"]) {
    await assert.rejects(writeRecordFile(join(dir, "missing", name), sample()), (e: NodeJS.ErrnoException) => e.code === "ENOENT");
  }
  assert.deepEqual(readdirSync(dir), []);
});

test("a write that fails midway leaves the old file as it was and no temporary file", async () => {
  const dir = tempDir();
  const target = join(dir, "r.ndjson");
  await writeRecordFile(target, tiny());
  const before = readFileSync(target, "utf8");
  // A record whose last transaction cannot be written: NDJSON has streamed megabytes by then.
  const bad = manyTransactions(10000);
  bad.transactions[9999]!.writes[0]!.location = { address: 1, field: 7 as Field, slot: 0 };
  await assert.rejects(writeRecordFile(target, bad), /location field 7 is not a Field/);
  assert.deepEqual(readdirSync(dir), ["r.ndjson"]);
  assert.equal(readFileSync(target, "utf8"), before);
  // The JSON form fails before it creates anything.
  await assert.rejects(writeRecordFile(join(dir, "r.json"), bad), /location field 7 is not a Field/);
  assert.deepEqual(readdirSync(dir), ["r.ndjson"]);
});

test("a write whose rename fails removes its temporary file", async () => {
  const dir = tempDir();
  for (const name of ["taken.json", "taken.ndjson"]) {
    const target = join(dir, name);
    mkdirSync(target);
    writeFileSync(join(target, "inside"), "x");
    await assert.rejects(writeRecordFile(target, sample()), (e: NodeJS.ErrnoException) => typeof e.code === "string");
    assert.deepEqual(readdirSync(target), ["inside"]);
  }
  assert.deepEqual(readdirSync(dir).sort(), ["taken.json", "taken.ndjson"]);
});

// ---- fuzz ------------------------------------------------------------------------------------


const ODD_VALUES: unknown[] = [null, true, false, 0, -1, 1.5, 2 ** 53, 1e308, "", "0x", "0xzz", "0x" + "f".repeat(70), "0x1", "success", "balance", [], [1], {}, { a: 1 }, [null]];

interface Slot {
  parent: Doc | unknown[];
  key: string | number;
}

function slots(value: unknown, out: Slot[] = []): Slot[] {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push({ parent: value, key: i });
      slots(v, out);
    });
  } else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      out.push({ parent: value as Doc, key: k });
      slots(v, out);
    }
  }
  return out;
}

/** One structural change: delete a key or element, change a value's type, or duplicate an element. */
function mutate(doc: unknown, rand: () => number): void {
  const all = slots(doc);
  if (all.length === 0) return;
  const { parent, key } = all[Math.floor(rand() * all.length)]!;
  const choice = rand();
  if (choice < 0.35) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete (parent as Doc)[key as string];
  } else if (choice < 0.85) {
    (parent as Doc)[key as string] = clone(ODD_VALUES[Math.floor(rand() * ODD_VALUES.length)]);
  } else if (Array.isArray(parent)) {
    parent.splice(key as number, 0, clone(parent[key as number]));
  } else {
    (parent as Doc)[`${String(key)}x`] = (parent as Doc)[key as string];
  }
}

function mutateText(text: string, rand: () => number): string {
  const at = Math.floor(rand() * text.length);
  const choice = rand();
  if (choice < 0.5) return text.slice(0, at); // truncated
  if (choice < 0.8) return text.slice(0, at) + String.fromCharCode(32 + Math.floor(rand() * 95)) + text.slice(at + 1); // one character changed
  return text.slice(0, at) + text.slice(at + 1 + Math.floor(rand() * 40)); // a piece cut out
}

/** Runs `read`; anything thrown must be a one-line RecordFormatError naming `where`. */
function outcome(read: () => unknown, where: string, what: string): "ok" | "error" {
  try {
    read();
    return "ok";
  } catch (e) {
    assert.ok(e instanceof RecordFormatError, `${what}: threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    assert.ok(e.message.startsWith(`${where}: `), `${what}: ${e.message}`);
    assert.ok(!e.message.includes("\n"), `${what}: a message of several lines`);
    return "error";
  }
}

test("fuzz: mutated and truncated documents give a RecordFormatError or a record, nothing else", () => {
  const rand = random(0x5eed);
  const base = recordToJson(sample(), { summary: summarize(sample(), dependencyGraph(sample())) });
  const baseText = JSON.stringify(base, null, 1);
  const ndLines = ndjsonText(sample(), { timelineChunk: 3 }).trimEnd().split("\n");
  let errors = 0;
  let runs = 0;
  for (let i = 0; i < 300; i++) {
    const doc = clone(base) as unknown;
    const changes = 1 + Math.floor(rand() * 3);
    for (let k = 0; k < changes; k++) mutate(doc, rand);
    if (outcome(() => recordFromJson(doc, "fuzz.json"), "fuzz.json", `json mutation ${i}`) === "error") errors++;
    runs++;
  }
  for (let i = 0; i < 150; i++) {
    const text = mutateText(baseText, rand);
    if (outcome(() => recordFromText(text, "fuzz.json"), "fuzz.json", `text mutation ${i}`) === "error") errors++;
    runs++;
  }
  for (let i = 0; i < 200; i++) {
    const lines = [...ndLines];
    const line = Math.floor(rand() * lines.length);
    const choice = rand();
    let text: string;
    if (choice < 0.5) {
      const o = JSON.parse(lines[line]!) as unknown;
      mutate(o, rand);
      lines[line] = JSON.stringify(o);
      text = lines.map((l) => l + "\n").join("");
    } else if (choice < 0.65) {
      lines.splice(line, 1);
      text = lines.map((l) => l + "\n").join("");
    } else {
      text = mutateText(lines.map((l) => l + "\n").join(""), rand);
    }
    if (outcome(() => recordFromNdjson(text, "fuzz.ndjson"), "fuzz.ndjson", `ndjson mutation ${i}`) === "error") errors++;
    if (outcome(() => recordFromText(text, "fuzz.ndjson"), "fuzz.ndjson", `ndjson text mutation ${i}`) === "error") errors++;
    runs += 2;
  }
  // Sanity: most mutations break the record (so the readers did look at what was changed).
  assert.ok(errors > runs * 0.7, `${errors} errors in ${runs} runs`);
});

test("fuzz: truncated and altered record files give a RecordFormatError or a record", () => {
  const dir = tempDir();
  const rand = random(0xf11e);
  const texts = [JSON.stringify(recordToJson(sample())), JSON.stringify(recordToJson(sample()), null, 2), ndjsonText(sample(), { timelineChunk: 2 })];
  for (let i = 0; i < 60; i++) {
    const text = mutateText(texts[i % texts.length]!, rand);
    const path = join(dir, `f${i}.rec`);
    writeFileSync(path, text);
    outcome(() => readRecordFile(path), path, `file ${i}`);
  }
});

test("a transaction's sender and target round-trip in both forms; a creation's target is null, an unknown one absent", () => {
  const record = sample();
  record.transactions[0]!.from = ALICE;
  record.transactions[0]!.to = TOKEN;
  record.transactions[1]!.from = BOB;
  record.transactions[1]!.to = null;
  const json = recordToJson(record);
  assert.equal(json.transactions[0]!.from, "0x" + ALICE.toString(16).padStart(40, "0"));
  assert.equal(json.transactions[1]!.to, null);
  assert.ok(!("from" in json.transactions[2]!) && !("to" in json.transactions[2]!), "unknown sender and target are left out");
  assert.deepEqual(recordFromJson(clone(json), "a.json"), record);
  assert.deepEqual(recordFromText(ndjsonText(record), "a.ndjson"), record);
  const bad = clone(json);
  (bad.transactions[0] as { from?: unknown }).from = "0x1234";
  assertFormatError(() => recordFromJson(bad, "a.json"), "transactions[0].from");
});
