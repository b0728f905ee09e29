// The record store: its default path, schema creation, upgrade and refusals (a newer version, a
// file that is not a database), exact round trips of synthetic records and of every mainnet
// fixture block, the queries (list, runs, graph, access list) and hot spots against a
// hand-computed expectation and against summarize.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { after, test } from "node:test";
import Database from "better-sqlite3";
import { loadBlockInput } from "../../src/block/load.js";
import { closeWorkerPool, executeBlockParallel } from "../../src/exec/parallel/executor.js";
import { executeBlockRecorded } from "../../src/exec/recording.js";
import { bytesToHex } from "../../src/primitives/bytes.js";
import { addressToHex, wordToHex } from "../../src/primitives/word.js";
import { summarize } from "../../src/records/analysis.js";
import { balHash, encodeBal } from "../../src/records/bal.js";
import { blockAccessList } from "../../src/records/balFromRecord.js";
import { dependencyGraph } from "../../src/records/graph.js";
import { recordToJson, writeRecordFile } from "../../src/records/json.js";
import { Field, PRE_STATE, TxStatus, type BlockRecord, type Location, type TxRecord } from "../../src/records/record.js";
import { defaultStorePath } from "../../src/store/paths.js";
import { MIGRATIONS, SCHEMA_VERSION, type Migration } from "../../src/store/schema.js";
import { RecordStore, StoreError } from "../../src/store/store.js";
import { fixturePath } from "../fixtures.js";
import { syntheticRecord } from "./syntheticRecord.js";

after(() => closeWorkerPool());

const dir = mkdtempSync(join(tmpdir(), "pevm-store-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshPath = (): string => join(dir, `s${files++}.db`);

function withStore<T>(path: string, use: (s: RecordStore) => T, readonly = false): T {
  const store = RecordStore.open(path, { readonly });
  try {
    return use(store);
  } finally {
    store.close();
  }
}

/** The record equals the original exactly: as a value, and in its JSON form. */
function assertSameRecord(actual: BlockRecord, expected: BlockRecord, what: string): void {
  assert.deepStrictEqual(actual, expected, `${what}: the record`);
  assert.deepEqual(recordToJson(actual), recordToJson(expected), `${what}: recordToJson`);
}

// ---- default path --------------------------------------------------------------------------

test("the default store path follows XDG_DATA_HOME, else the platform's data directory", () => {
  assert.equal(defaultStorePath({ env: { XDG_DATA_HOME: "/data" }, platform: "linux", home: "/home/u" }), "/data/pevm/records.db");
  assert.equal(defaultStorePath({ env: {}, platform: "linux", home: "/home/u" }), "/home/u/.local/share/pevm/records.db");
  assert.equal(defaultStorePath({ env: { XDG_DATA_HOME: "relative/dir" }, platform: "linux", home: "/home/u" }), "/home/u/.local/share/pevm/records.db", "a relative XDG_DATA_HOME is ignored, as the XDG spec says");
  assert.equal(defaultStorePath({ env: {}, platform: "darwin", home: "/Users/u" }), "/Users/u/Library/Application Support/pevm/records.db");
  assert.equal(defaultStorePath({ env: { LOCALAPPDATA: "C:\\Users\\u\\AppData\\Local" }, platform: "win32", home: "C:\\Users\\u" }), "C:\\Users\\u\\AppData\\Local\\pevm\\records.db");
  assert.equal(defaultStorePath({ env: {}, platform: "win32", home: "C:\\Users\\u" }), "C:\\Users\\u\\AppData\\Local\\pevm\\records.db");
});

test("opening for writing creates the directory and the schema, in WAL mode, at the current version", () => {
  const path = join(dir, "nested", "deeper", "records.db");
  withStore(path, (s) => assert.equal(s.runCount(), 0));
  assert.ok(existsSync(path));
  const db = new Database(path, { readonly: true });
  try {
    assert.equal(db.prepare("SELECT version FROM schema_version").pluck().get(), SCHEMA_VERSION);
    assert.equal(SCHEMA_VERSION, MIGRATIONS.length);
    assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    assert.deepEqual(tables, ["access_lists", "block_codes", "blocks", "codes", "edge_locations", "edges", "reads", "runs", "schema_version", "timeline", "transactions", "writes"]);
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").pluck().all();
    assert.deepEqual(indexes, ["blocks_by_number", "edge_locations_by_address"]);
  } finally {
    db.close();
  }
});

test("an older store is upgraded by the migrations above its version, its records kept", () => {
  const path = freshPath();
  const record = syntheticRecord(7);
  withStore(path, (s) => s.saveBlock(record));
  const second: Migration = { version: 2, description: "a column for the test", up: (db) => db.exec("ALTER TABLE runs ADD COLUMN note TEXT") };
  const upgraded = RecordStore.open(path, { migrations: [...MIGRATIONS, second] });
  try {
    assertSameRecord(upgraded.getRecord(7), record, "after the upgrade");
  } finally {
    upgraded.close();
  }
  const db = new Database(path, { readonly: true });
  try {
    assert.equal(db.prepare("SELECT version FROM schema_version").pluck().get(), 2);
    assert.ok((db.prepare("PRAGMA table_info(runs)").all() as { name: string }[]).some((c) => c.name === "note"));
  } finally {
    db.close();
  }
  // This build (version 1) now refuses it, reading and writing.
  const message = `${path}: store schema version 2 is newer than this pevm supports (${SCHEMA_VERSION}); upgrade pevm`;
  assert.throws(() => RecordStore.open(path), (e: unknown) => e instanceof StoreError && e.message === message);
  assert.throws(() => RecordStore.open(path, { readonly: true }), (e: unknown) => e instanceof StoreError && e.message === message);
});

test("a failed migration leaves the store at its version", () => {
  const path = freshPath();
  withStore(path, (s) => s.saveBlock(syntheticRecord(8)));
  const broken: Migration = { version: 2, description: "fails halfway", up: (db) => db.exec("ALTER TABLE runs ADD COLUMN x TEXT; SELECT * FROM no_such_table") };
  assert.throws(() => RecordStore.open(path, { migrations: [...MIGRATIONS, broken] }), /no such table/);
  withStore(path, (s) => assert.equal(s.getRecord(8).block.number, 8n), true);
});

test("a store of a newer schema version is refused with a clear message", () => {
  const path = freshPath();
  withStore(path, () => undefined);
  const db = new Database(path);
  db.prepare("UPDATE schema_version SET version = 99").run();
  db.close();
  for (const readonly of [false, true]) {
    assert.throws(
      () => RecordStore.open(path, { readonly }),
      (e: unknown) => e instanceof StoreError && e.message === `${path}: store schema version 99 is newer than this pevm supports (${SCHEMA_VERSION}); upgrade pevm`,
    );
  }
});

test("a file that is not an SQLite database is refused, naming the file, and left as it was", () => {
  const path = join(dir, "not-a-db.db");
  const text = "this is not a database, just some text long enough to fill a header\n".repeat(20);
  writeFileSync(path, text);
  for (const readonly of [false, true]) {
    assert.throws(
      () => RecordStore.open(path, { readonly }),
      (e: unknown) => e instanceof StoreError && e.message === `${path}: not a pevm record store (the file is not an SQLite database)`,
    );
  }
  assert.equal(readFileSync(path, "utf8"), text);
  assert.ok(!existsSync(`${path}-wal`));
});

test("an SQLite database of something else, a missing store (read-only) and a directory are refused", () => {
  const other = freshPath();
  const db = new Database(other);
  db.exec("CREATE TABLE t (x)");
  db.close();
  assert.throws(() => RecordStore.open(other), (e: unknown) => e instanceof StoreError && e.message.startsWith(`${other}: an SQLite database, but not a pevm record store`));
  const missing = join(dir, "missing.db");
  assert.throws(() => RecordStore.open(missing, { readonly: true }), (e: unknown) => e instanceof StoreError && e.message.startsWith(`${missing}: no record store there`));
  assert.ok(!existsSync(missing), "a read-only open creates nothing");
  assert.throws(() => RecordStore.open(dir), (e: unknown) => e instanceof StoreError && e.message === `${dir}: a directory, not a record store`);
});

// ---- round trips and queries ---------------------------------------------------------------

test("synthetic records round-trip exactly: every field, words on both sides of 2^53, from/to absent, null and set", () => {
  const path = freshPath();
  const records = Array.from({ length: 30 }, (_, i) => syntheticRecord(1000 + i, { txs: 1 + (i % 15) }));
  // The generator covers what it should.
  const txs = records.flatMap((r) => r.transactions);
  assert.ok(txs.some((t) => t.to === null) && txs.some((t) => t.to !== undefined && t.to !== null) && txs.some((t) => !("to" in t)) && txs.some((t) => !("from" in t)));
  assert.ok(txs.some((t) => t.reads.some((r) => r.credits.length > 0)) && txs.some((t) => t.writes.some((w) => w.credit !== null)));
  assert.ok(records.some((r) => r.timeline.length > 0) && records.some((r) => r.block.hash === null));
  withStore(path, (s) => records.forEach((r) => s.saveBlock(r)));
  withStore(
    path,
    (s) => {
      for (const r of records) assertSameRecord(s.getRecord(r.block.number), r, `block ${r.block.number}`);
    },
    true,
  );
});

test("an empty block and a block whose access list cannot be built are stored; accessList says why there is none", () => {
  const path = freshPath();
  const empty: BlockRecord = { ...syntheticRecord(5, { txs: 1 }), transactions: [], timeline: [] };
  empty.block = { ...empty.block, txCount: 0, gasUsed: 0n };
  const missingCode = syntheticRecord(6);
  missingCode.codes = new Map();
  missingCode.transactions[0]!.writes.push({ location: { address: 0xaa, field: Field.Code, slot: 0 }, value: 0x1234, credit: null });
  withStore(path, (s) => {
    s.saveBlock(empty);
    s.saveBlock(missingCode);
    assertSameRecord(s.getRecord(5), empty, "empty block");
    assert.equal(bytesToHex(s.accessList(5)), bytesToHex(encodeBal(blockAccessList(empty))));
    assertSameRecord(s.getRecord(6), missingCode, "missing code");
    assert.throws(() => s.accessList(6), (e: unknown) => e instanceof StoreError && /block 6 \(run 2\) has no access list in .*: .*code hash/.test(e.message));
    assert.equal(s.describe(6).balHash, null);
  });
});

test("a record that cannot be stored leaves nothing behind: one transaction per record", () => {
  const path = freshPath();
  const bad = syntheticRecord(9);
  bad.transactions[bad.transactions.length - 1]!.gasUsed = 1n << 63n;
  withStore(path, (s) => {
    s.saveBlock(syntheticRecord(8));
    assert.throws(() => s.saveBlock(bad), (e: unknown) => e instanceof StoreError && /block 9 transaction 11: gasUsed 9223372036854775808 does not fit/.test(e.message));
    assert.equal(s.runCount(), 1);
    assert.deepEqual(s.runsOf(9), []);
    const db = new Database(path, { readonly: true });
    try {
      for (const table of ["runs", "blocks", "access_lists"]) assert.equal(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), 1, table);
      assert.equal(db.prepare("SELECT count(*) FROM transactions").pluck().get(), syntheticRecord(8).transactions.length);
      assert.equal(db.prepare("SELECT count(*) FROM transactions WHERE run_id <> 1").pluck().get(), 0);
      assert.equal(db.prepare("SELECT count(*) FROM reads WHERE run_id <> 1").pluck().get(), 0);
    } finally {
      db.close();
    }
  });
});

test("a block stored twice is two runs: the latest is the default, --run picks another, an unknown run or block is named", () => {
  const path = freshPath();
  const first = syntheticRecord(42, { seed: 1 });
  const second = syntheticRecord(42, { seed: 2 });
  withStore(path, (s) => {
    const a = s.saveBlock(first, { label: "first", createdAt: new Date("2026-01-01T00:00:00Z") });
    s.saveBlock(syntheticRecord(41));
    const b = s.saveBlock(second, { label: "second" });
    assert.deepEqual([a.run, b.run], [1, 3]);
    assert.deepEqual(s.runsOf(42), [1, 3]);
    assertSameRecord(s.getRecord(42), second, "latest");
    assertSameRecord(s.getRecord(42, { run: 1 }), first, "run 1");
    assert.equal(s.describe(42, { run: 1 }).label, "first");
    assert.equal(s.describe(42, { run: 1 }).createdAt, "2026-01-01T00:00:00.000Z");
    assert.equal(s.blockCount(), 2);
    assert.equal(s.runCount(), 3);
    assert.throws(() => s.getRecord(42, { run: 2 }), (e: unknown) => e instanceof StoreError && e.message === `run 2 is not a run of block 42 in ${path} (its runs: 1, 3)`);
    assert.throws(() => s.getRecord(43), (e: unknown) => e instanceof StoreError && e.message === `block 43 is not in ${path}`);
  });
});

test("listBlocks orders by block then run, with limit and offset; describe carries the summary's figures", () => {
  const path = freshPath();
  const numbers = [30, 10, 20, 10];
  withStore(path, (s) => {
    numbers.forEach((n, i) => s.saveBlock(syntheticRecord(n, { seed: i + 100 })));
    assert.deepEqual(
      s.listBlocks().map((b) => [b.number, b.run]),
      [
        [10n, 2],
        [10n, 4],
        [20n, 3],
        [30n, 1],
      ],
    );
    assert.deepEqual(
      s.listBlocks({ limit: 2, offset: 1 }).map((b) => b.run),
      [4, 3],
    );
    const record = syntheticRecord(20, { seed: 102 });
    const summary = summarize(record, dependencyGraph(record));
    const info = s.describe(20);
    assert.equal(info.txCount, record.transactions.length);
    assert.equal(info.gasUsed, record.block.gasUsed);
    assert.equal(info.edgeCount, summary.edgeCount);
    assert.equal(info.conflictRatio, summary.conflictRatio);
    assert.deepEqual(info.idealSpeedup, summary.idealSpeedup);
    assert.equal(info.criticalPath.ms, summary.criticalPath.byTime.total);
    assert.equal(info.criticalPath.gas, summary.criticalPath.byGas.total);
    assert.equal(info.reexecutions, summary.reexecutions);
    assert.deepEqual(s.summary(20), summary);
    assert.equal(info.balHash, bytesToHex(balHash(blockAccessList(record))));
  });
});

test("graph() gives the stored edges and their locations: dependencyGraph's", () => {
  const path = freshPath();
  const records = [3, 4, 5].map((n) => syntheticRecord(n, { txs: 25 }));
  withStore(path, (s) => {
    records.forEach((r) => s.saveBlock(r));
    for (const r of records) {
      const graph = dependencyGraph(r);
      assert.ok(graph.edges.length > 0, "the synthetic record has edges");
      assert.deepEqual(s.graph(r.block.number), graph);
    }
  });
});

test("importRecord stores a record file as a new run (JSON and NDJSON)", async () => {
  const path = freshPath();
  const record = syntheticRecord(77);
  const json = join(dir, "77.json");
  const ndjson = join(dir, "77.ndjson");
  await writeRecordFile(json, record);
  await writeRecordFile(ndjson, record);
  withStore(path, (s) => {
    assert.equal(s.importRecord(json).run, 1);
    assert.equal(s.importRecord(ndjson, { label: "mine" }).run, 2);
    assert.equal(s.describe(77, { run: 1 }).label, `import ${json}`);
    assert.equal(s.describe(77).label, "mine");
    assertSameRecord(s.getRecord(77, { run: 1 }), record, "from JSON");
    assertSameRecord(s.getRecord(77), record, "from NDJSON");
    assert.throws(() => s.importRecord(join(dir, "nope.json")), (e: unknown) => e instanceof StoreError && e.message === `${join(dir, "nope.json")}: cannot read: ENOENT`);
  });
});

// ---- hot spots -----------------------------------------------------------------------------

const A = 0xaa;
const B = 0xbb;
const SLOT1 = 1;
const SLOT2 = 2n ** 200n;
const at = (address: number, field: Field, slot: number | bigint = 0): Location => ({ address, field, slot });
const read = (location: Location, version = PRE_STATE) => ({ location, version, credits: [] });
const write = (location: Location, value: bigint | number) => ({ location, value, credit: null });

function hotRecord(number: number): BlockRecord {
  const tx = (index: number, reads: TxRecord["reads"], writes: TxRecord["writes"], aborts: number, validationFailures: number): TxRecord => ({
    index,
    reads,
    writes,
    gasUsed: 21000n,
    status: TxStatus.Success,
    ms: 1,
    incarnations: 1 + validationFailures,
    aborts,
    validationFailures,
  });
  const transactions = [
    tx(0, [], [write(at(A, Field.Storage, SLOT1), 5), write(at(B, Field.Balance), 7n)], 0, 0),
    tx(1, [read(at(A, Field.Storage, SLOT1), 0)], [], 1, 1),
    tx(2, [read(at(A, Field.Storage, SLOT1), 0), read(at(B, Field.Balance), 0), read(at(A, Field.Storage, SLOT2))], [write(at(A, Field.Storage, SLOT2), 9)], 0, 2),
    tx(3, [read(at(A, Field.Storage, SLOT2), 2), read(at(A, Field.Storage, SLOT1), 0)], [], 3, 0),
  ];
  return {
    block: { number: BigInt(number), hash: null, fork: "Cancun", coinbase: 0xcb, gasUsed: 84000n, txCount: 4 },
    run: { mode: "parallel", workers: 2, fallback: null, stopped: null, executionMs: 4, source: "block-stm" },
    transactions,
    codes: new Map(),
    pre: { reads: [], writes: [] },
    post: { reads: [], writes: [] },
    timeline: [],
  };
}

test("hot spots: edges and re-executions per contract and slot, by hand, for one block and across blocks (latest runs only)", () => {
  // Edges: 0->1 [A.1], 0->2 [A.1, B.balance], 0->3 [A.1], 2->3 [A.2].
  // A: 4 edges; re-executions of the transactions they lead into: tx1 1+1, tx2 0+2, tx3 3+0 = 7.
  // B: 1 edge (0->2); tx2: 2. Slots: A.1 three edges, A.2 one.
  const a = addressToHex(A);
  const b = addressToHex(B);
  const slot1 = wordToHex(SLOT1, 32);
  const slot2 = wordToHex(SLOT2, 32);
  const path = freshPath();
  withStore(path, (s) => {
    s.saveBlock(hotRecord(100));
    const one = s.hotspots({ block: 100 });
    assert.deepEqual(one, {
      runs: 1,
      contracts: [
        { address: a, edges: 4, reexecutions: 7, blocks: 1 },
        { address: b, edges: 1, reexecutions: 2, blocks: 1 },
      ],
      slots: [
        { address: a, slot: slot1, edges: 3 },
        { address: a, slot: slot2, edges: 1 },
      ],
    });
    // The same as summarize's hot spots.
    const summary = summarize(hotRecord(100), dependencyGraph(hotRecord(100)));
    assert.deepEqual(summary.hotSpots.contracts, one.contracts.map(({ blocks: _, ...c }) => c));
    assert.deepEqual(summary.hotSpots.slots, one.slots);

    s.saveBlock(hotRecord(101));
    s.saveBlock(hotRecord(100)); // a second run of 100: counted once
    const all = s.hotspots();
    assert.equal(all.runs, 2);
    assert.deepEqual(all.contracts, [
      { address: a, edges: 8, reexecutions: 14, blocks: 2 },
      { address: b, edges: 2, reexecutions: 4, blocks: 2 },
    ]);
    assert.deepEqual(all.slots, [
      { address: a, slot: slot1, edges: 6 },
      { address: a, slot: slot2, edges: 2 },
    ]);
    assert.deepEqual(s.hotspots({ limit: 1 }).contracts.map((c) => c.address), [a]);
    const onlyB = s.hotspots({ contract: b });
    assert.deepEqual(onlyB.contracts, [{ address: b, edges: 2, reexecutions: 4, blocks: 2 }]);
    assert.deepEqual(onlyB.slots, [], "B's only location is a balance");
    assert.deepEqual(onlyB.blocks, [
      { number: 100n, run: 3, edges: 1, reexecutions: 2 },
      { number: 101n, run: 2, edges: 1, reexecutions: 2 },
    ]);
    assert.deepEqual(s.hotspots({ contract: "0x" + "ee".repeat(20) }), { runs: 2, contracts: [], slots: [], blocks: [] });
  });
});

// ---- every mainnet fixture block -----------------------------------------------------------

const BLOCKS_DIR = fixturePath("mainnet/blocks");
if (!existsSync(BLOCKS_DIR)) {
  test("mainnet fixture blocks in the store", (t) => t.skip(`fixtures absent: ${BLOCKS_DIR}`));
} else {
  test("every mainnet fixture block round-trips exactly; graphs, access lists and hot spots match; 52 blocks store fast and small", async (t) => {
    const cache = new Map<string, unknown>();
    const names = readdirSync(BLOCKS_DIR)
      .filter((n) => existsSync(join(BLOCKS_DIR, n, "block.json")))
      .sort((a, b) => Number(a) - Number(b));
    const inputs = names.map((name) => loadBlockInput(join(BLOCKS_DIR, name), { cache }));
    const records = inputs.map((input) => executeBlockRecorded(input.block, input.preState, { blockHashes: input.blockHashes }).record);
    // Two Block-STM records, with their worker timelines.
    const parallel: BlockRecord[] = [];
    for (const name of ["10760440", "7280000"]) {
      const input = inputs[names.indexOf(name)];
      if (input === undefined) continue;
      const result = await executeBlockParallel(input.block, input.preState, { blockHashes: input.blockHashes, workers: 2, forceParallel: true, conflictBudget: Infinity, record: true });
      parallel.push(result.record!);
    }
    assert.ok(parallel.some((r) => r.timeline.length > 0), "a record with a timeline");

    const path = freshPath();
    const store = RecordStore.open(path);
    let ms: number;
    try {
      const start = performance.now();
      for (const record of records) store.saveBlock(record);
      ms = performance.now() - start;
      for (const record of parallel) store.saveBlock(record);
      store.checkpoint();
    } finally {
      store.close();
    }
    const mb = statSync(path).size / 1e6;
    t.diagnostic(`stored ${records.length} blocks in ${ms.toFixed(0)} ms; the file is ${mb.toFixed(1)} MB`);
    assert.ok(mb < 100, `the store of ${records.length} blocks is ${mb.toFixed(1)} MB, over 100 MB`);
    // bench/store.ts measures the 5 s target on a quiet machine; a test on a shared one only guards against a gross regression.
    assert.ok(ms < 15_000, `storing ${records.length} blocks took ${ms.toFixed(0)} ms`);

    let checked = 0;
    withStore(
      path,
      (s) => {
        assert.equal(s.blockCount(), records.length);
        assert.equal(s.runCount(), records.length + parallel.length);
        records.forEach((record, i) => {
          const number = record.block.number;
          const run = { run: i + 1 };
          assertSameRecord(s.getRecord(number, run), record, `block ${names[i]}`);
          const graph = dependencyGraph(record);
          assert.deepEqual(s.graph(number, run), graph, `block ${names[i]}: graph`);
          assert.equal(bytesToHex(s.accessList(number, run)), bytesToHex(encodeBal(blockAccessList(record))), `block ${names[i]}: access list`);
          const summary = summarize(record, graph, { topN: Number.MAX_SAFE_INTEGER });
          const spots = s.hotspots({ block: number, run: run.run, limit: 1_000_000 });
          assert.deepEqual(new Map(spots.contracts.map((c) => [c.address, [c.edges, c.reexecutions]])), new Map(summary.hotSpots.contracts.map((c) => [c.address, [c.edges, c.reexecutions]])), `block ${names[i]}: contract hot spots`);
          assert.deepEqual(new Map(spots.slots.map((x) => [x.address + x.slot, x.edges])), new Map(summary.hotSpots.slots.map((x) => [x.address + x.slot, x.edges])), `block ${names[i]}: slot hot spots`);
          checked++;
        });
        for (const record of parallel) {
          assertSameRecord(s.getRecord(record.block.number), record, `block ${record.block.number} (Block-STM)`);
          checked++;
        }
      },
      true,
    );
    assert.equal(checked, names.length + parallel.length);
    assert.equal(names.length, 52, "the mainnet fixture set has 52 blocks");
  });
}

test("transactionPage: a page of transactions with their reads and writes, as getRecord has them", () => {
  const path = freshPath();
  const record = syntheticRecord(77, { txs: 30 });
  withStore(path, (s) => s.saveBlock(record));
  withStore(
    path,
    (s) => {
      const whole = s.getRecord(77);
      for (const [offset, limit] of [[0, 5], [7, 10], [25, 100], [30, 5]] as const) {
        const page = s.transactionPage(77, offset, limit);
        assert.equal(page.total, 30);
        assert.deepStrictEqual(page.transactions, whole.transactions.slice(offset, offset + limit), `offset ${offset}, limit ${limit}`);
      }
      assert.ok(whole.transactions.slice(7, 17).some((t) => t.reads.length > 0 && t.writes.length > 0), "the page compared holds reads and writes");
      assert.throws(() => s.transactionPage(78, 0, 5), /block 78 is not in/);
    },
    true,
  );
});
