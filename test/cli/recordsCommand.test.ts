// `pevm records` against a temporary store: `run --store` and `replay --store` fill it; list, show,
// hotspots, export (json, ndjson, bal-rlp, bal-json; files written whole) and import read and
// write it; usage errors exit 2 and bad data (a missing store, block or run, a file that is not a
// database or not a record, a newer store) exit 1 with one line naming the file or block.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import Database from "better-sqlite3";
import { bytesToHex } from "../../src/primitives/bytes.js";
import { balFromJson, balHash, decodeBal } from "../../src/records/bal.js";
import { readRecordFile, recordFromJson, recordFromNdjson, recordToJson, writeRecordFile } from "../../src/records/json.js";
import { RecordStore } from "../../src/store/store.js";
import { fixturePath, repoPath } from "../fixtures.js";
import { syntheticRecord } from "../store/syntheticRecord.js";

const CLI = repoPath("dist/src/cli/main.js");
const BLOCKS = fixturePath("mainnet/blocks");
const BLOCK = join(BLOCKS, "10760440");
const SMALL = join(BLOCKS, "46147");

const dir = mkdtempSync(join(tmpdir(), "pevm-records-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function pevm(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env: { ...process.env, XDG_DATA_HOME: join(dir, "xdg") } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function pevmBytes(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, XDG_DATA_HOME: join(dir, "xdg") } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString("utf8") };
}

/** Exit status 1 or 2 with a single line on stderr, matching `pattern`. */
function assertFails(r: ReturnType<typeof pevm>, status: 1 | 2, pattern: RegExp): void {
  assert.equal(r.status, status, `exit status (stderr: ${r.stderr})`);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0]!, pattern);
}

function withStore<T>(path: string, use: (s: RecordStore) => T): T {
  const store = RecordStore.open(path, { readonly: true });
  try {
    return use(store);
  } finally {
    store.close();
  }
}

// ---- without fixtures: a store filled by import ------------------------------------------

test("import, list, show, export and hotspots on a store of synthetic records", async () => {
  const db = join(dir, "synthetic.db");
  const file = join(dir, "500.json");
  const record = syntheticRecord(500, { txs: 20 });
  await writeRecordFile(file, record);
  const imported = pevm("records", "import", file, "--db", db, "--json");
  assert.equal(imported.status, 0, imported.stderr);
  assert.deepEqual(JSON.parse(imported.stdout), { db, imported: [{ file, block: 500, run: 1 }] });
  assert.equal(pevm("records", "import", file, "--db", db, "--label", "again").status, 0);

  const list = JSON.parse(pevm("records", "list", "--db", db, "--json").stdout);
  assert.equal(list.blocks, 1);
  assert.equal(list.runs, 2);
  assert.deepEqual(list.records.map((r: { run: number; label: string }) => [r.run, r.label]), [[1, `import ${file}`], [2, "again"]]);
  assert.equal(JSON.parse(pevm("records", "list", "--db", db, "--json", "--limit", "1", "--offset", "1").stdout).records[0].run, 2);
  const text = pevm("records", "list", "--db", db);
  assert.equal(text.status, 0);
  assert.match(text.stdout, /1 block, 2 runs/);

  const show = JSON.parse(pevm("records", "show", "500", "--db", db, "--json").stdout);
  assert.equal(show.run, 2);
  assert.deepEqual(show.runs, [1, 2]);
  assert.equal(show.txCount, 20);
  assert.equal(show.summary.txCount, 20);
  assert.equal(JSON.parse(pevm("records", "show", "0x1f4", "--run", "1", "--db", db, "--json").stdout).run, 1);
  assert.match(pevm("records", "show", "500", "--db", db).stdout, /block 500 · run 2 \(stored runs: 1, 2\)[\s\S]*critical path: /);

  const exported = pevm("records", "export", "500", "--db", db);
  assert.equal(exported.status, 0, exported.stderr);
  assert.deepEqual(recordToJson(recordFromJson(JSON.parse(exported.stdout), "stdout")), recordToJson(record));
  const ndjson = pevm("records", "export", "500", "--format", "ndjson", "--db", db);
  assert.deepEqual(recordToJson(recordFromNdjson(ndjson.stdout, "stdout")), recordToJson(record));

  const spots = JSON.parse(pevm("records", "hotspots", "--db", db, "--json").stdout);
  assert.equal(spots.runs, 1);
  assert.ok(spots.contracts.length > 0);
});

test("usage errors exit 2 with one line", () => {
  const db = join(dir, "synthetic.db");
  assertFails(pevm("records"), 2, /^pevm records: records needs a subcommand/);
  assertFails(pevm("records", "bogus"), 2, /unknown records subcommand "bogus"/);
  assertFails(pevm("records", "show", "--db", db), 2, /show takes exactly one block number/);
  assertFails(pevm("records", "show", "abc", "--db", db), 2, /"abc" is not a block number/);
  assertFails(pevm("records", "list", "--limit", "0", "--db", db), 2, /--limit must be a positive integer/);
  assertFails(pevm("records", "list", "--offset", "-1", "--db", db), 2, /--offset must be a non-negative integer/);
  assertFails(pevm("records", "list", "--frobnicate"), 2, /unknown option --frobnicate/);
  assertFails(pevm("records", "export", "500", "--format", "xml", "--db", db), 2, /--format must be one of json, ndjson, bal-rlp, bal-json/);
  assertFails(pevm("records", "export", "500", "--format", "ndjson", "-o", join(dir, "x.json"), "--db", db), 2, /--format ndjson: the file name must end in .ndjson or .jsonl/);
  assertFails(pevm("records", "hotspots", "--contract", "0x12", "--db", db), 2, /--contract must be an address/);
  assertFails(pevm("records", "hotspots", "--run", "1", "--db", db), 2, /--run needs --block/);
  assertFails(pevm("records", "import", "--db", db), 2, /import takes one or more record files/);
  for (const sub of ["list", "show", "hotspots", "export", "import"]) {
    const help = pevm("records", sub, "--help");
    assert.equal(help.status, 0);
    assert.match(help.stdout, new RegExp(`^usage: pevm records ${sub}`));
    assert.match(help.stdout, /--db <value>/);
  }
  assert.match(pevm("records", "--help").stdout, /usage: pevm records <list \| show \| hotspots \| export \| import>/);
  assert.match(pevm("--help").stdout, /records\s+the execution-record store/);
});

test("bad data exits 1 with one line naming the file, block or run", () => {
  const db = join(dir, "synthetic.db");
  const missing = join(dir, "missing.db");
  assertFails(pevm("records", "list", "--db", missing), 1, new RegExp(`^pevm records: ${missing}: no record store there`));
  assert.ok(!existsSync(missing), "reading creates no store");
  const text = join(dir, "text.db");
  writeFileSync(text, "not a database at all\n".repeat(10));
  assertFails(pevm("records", "list", "--db", text), 1, new RegExp(`^pevm records: ${text}: not a pevm record store \\(the file is not an SQLite database\\)$`));
  assertFails(pevm("records", "import", text, "--db", db), 1, new RegExp(`${text}: not a record`));
  assertFails(pevm("records", "import", join(dir, "nope.json"), "--db", db), 1, /nope.json: cannot read: ENOENT/);
  assertFails(pevm("records", "show", "999", "--db", db), 1, new RegExp(`^pevm records: block 999 is not in ${db}$`));
  assertFails(pevm("records", "show", "500", "--run", "7", "--db", db), 1, /run 7 is not a run of block 500 .*\(its runs: 1, 2\)/);
  assertFails(pevm("records", "export", "999", "--db", db), 1, /block 999 is not in/);
  assertFails(pevm("records", "export", "500", "-o", join(dir, "no", "such", "dir", "x.json"), "--db", db), 1, /cannot write .*x\.json: ENOENT/);
  const newer = join(dir, "newer.db");
  assert.equal(pevm("records", "import", join(dir, "500.json"), "--db", newer).status, 0);
  const raw = new Database(newer);
  raw.prepare("UPDATE schema_version SET version = 2").run();
  raw.close();
  assertFails(pevm("records", "list", "--db", newer), 1, new RegExp(`${newer}: store schema version 2 is newer than this pevm supports \\(1\\); upgrade pevm$`));
  assertFails(pevm("records", "import", join(dir, "500.json"), "--db", newer), 1, /store schema version 2 is newer/);
});

test("without --db the store is the default one: $XDG_DATA_HOME/pevm/records.db", () => {
  const r = pevm("records", "import", join(dir, "500.json"), "--json");
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).db, join(dir, "xdg", "pevm", "records.db"));
  assert.ok(existsSync(join(dir, "xdg", "pevm", "records.db")));
  assert.equal(JSON.parse(pevm("records", "list", "--json").stdout).runs, 1);
});

// ---- with fixtures: run --store, replay --store and the exports of a real block -----------

if (!existsSync(BLOCK) || !existsSync(SMALL)) {
  test("records of mainnet fixture blocks", (t) => t.skip(`fixtures absent: ${BLOCKS}`));
} else {
  const db = join(dir, "mainnet.db");

  test("run --store saves the record: a line on stderr, or stored {db, run} in --json; --no-record with --store is a usage error", () => {
    const first = pevm("run", BLOCK, "--sequential", "--store", "--db", db);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stderr, new RegExp(`stored block 10760440 in ${db} \\(run 1\\)`));
    const second = pevm("run", BLOCK, "--workers", "2", "--force-parallel", "--db", db, "--json");
    assert.equal(second.status, 0, second.stderr);
    const out = JSON.parse(second.stdout);
    assert.deepEqual(out.stored, { db, run: 2 });
    assert.doesNotMatch(second.stderr, /stored block/);
    withStore(db, (s) => {
      assert.deepEqual(s.runsOf(10760440), [1, 2]);
      assert.equal(s.getRecord(10760440).transactions.length, 202);
      assert.equal(s.describe(10760440).label, `pevm run ${BLOCK} --workers 2 --force-parallel --db ${db} --json`);
      assert.ok(s.accessListWithPreState(10760440), "run --store builds the access list with the pre-state");
    });
    assertFails(pevm("run", BLOCK, "--no-record", "--store", "--db", db), 2, /--no-record excludes --store/);
  });

  test("replay --store saves every block it runs", () => {
    const r = pevm("replay", BLOCKS, "--filter", "46147", "--sequential", "--store", "--db", db, "--json");
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).stored, { db, blocks: 1, hotSpots: [] }, "one transaction: no dependency, no hot spot");
    withStore(db, (s) => assert.deepEqual(s.runsOf(46147), [3]));
    // A block with dependencies: its top contracts, and the closing lines that say how to see them.
    const other = join(dirname(db), "replay-hot.db");
    const text = pevm("replay", BLOCKS, "--filter", "19934116", "--sequential", "--db", other);
    assert.equal(text.status, 0, text.stderr);
    const expected = withStore(other, (s) => s.summary(19934116).hotSpots.contracts);
    assert.ok(expected.length > 0);
    const listed = [...text.stderr.matchAll(/^ {2}(0x[0-9a-f]{40}) {2}(\d+) edges, (\d+) re-executions, in 1 block$/gm)].map((m) => ({ address: m[1], edges: Number(m[2]), reexecutions: Number(m[3]) }));
    assert.deepEqual(listed, expected.slice(0, 5).map((c) => ({ address: c.address, edges: c.edges, reexecutions: c.reexecutions })));
    assert.match(text.stderr, new RegExp(`see them: pevm report 19934116 --db ${other.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} -o report.html`));
  });

  test("show, hotspots and list of the stored runs", () => {
    const show = pevm("records", "show", "10760440", "--db", db, "--json");
    assert.equal(show.status, 0, show.stderr);
    const info = JSON.parse(show.stdout);
    assert.equal(info.run, 2);
    assert.equal(info.mode, "parallel");
    assert.equal(info.summary.txCount, 202);
    assert.ok(info.summary.edgeCount > 0);
    assert.match(info.accessList.hash, /^0x[0-9a-f]{64}$/);
    assert.equal(JSON.parse(pevm("records", "show", "10760440", "--run", "1", "--db", db, "--json").stdout).mode, "sequential");

    const spots = JSON.parse(pevm("records", "hotspots", "--db", db, "--json", "--limit", "3").stdout);
    assert.equal(spots.runs, 2, "the latest run of each of the two blocks");
    assert.equal(spots.contracts.length, 3);
    assert.ok(spots.contracts[0].edges >= spots.contracts[1].edges && spots.contracts[1].edges >= spots.contracts[2].edges);
    // Block 46147 has one transaction: the hot spots are block 10760440's, as its summary lists them.
    assert.deepEqual(spots.contracts.map((c: { address: string; edges: number }) => [c.address, c.edges]), info.summary.hotSpots.contracts.slice(0, 3).map((c: { address: string; edges: number }) => [c.address, c.edges]));
    const top = spots.contracts[0].address;
    const one = JSON.parse(pevm("records", "hotspots", "--contract", top, "--db", db, "--json").stdout);
    assert.deepEqual(one.contracts, [spots.contracts[0]]);
    assert.deepEqual(one.blocks, [{ number: 10760440, run: 2, edges: spots.contracts[0].edges, reexecutions: spots.contracts[0].reexecutions }]);
    assert.ok(one.slots.every((s: { address: string }) => s.address === top));
    assert.match(pevm("records", "hotspots", "--db", db).stdout, new RegExp(`hot spots over the latest run of each of 2 stored blocks\\n[\\s\\S]*${top}`));

    const list = JSON.parse(pevm("records", "list", "--db", db, "--json").stdout);
    assert.deepEqual(list.records.map((r: { number: number; run: number }) => [r.number, r.run]), [[46147, 3], [10760440, 1], [10760440, 2]]);
  });

  test("export in the four formats, to files written whole, and import of the export", () => {
    const expected = withStore(db, (s) => recordToJson(s.getRecord(10760440)));
    const json = join(dir, "export.json");
    const ndjson = join(dir, "export.ndjson");
    const rlp = join(dir, "export.rlp");
    const balJson = join(dir, "export.bal.json");
    const r = pevm("records", "export", "10760440", "--db", db, "-o", json, "--json");
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { db, block: 10760440, run: 2, format: "json", file: json });
    assert.equal(pevm("records", "export", "10760440", "--db", db, "-o", ndjson).status, 0, "the format from the extension");
    assert.equal(pevm("records", "export", "10760440", "--db", db, "--format", "bal-rlp", "-o", rlp).status, 0);
    assert.equal(pevm("records", "export", "10760440", "--db", db, "--format", "bal-json", "-o", balJson).status, 0);
    assert.deepEqual(recordToJson(readRecordFile(json)), expected);
    assert.equal(JSON.parse(readFileSync(json, "utf8")).summary.txCount, 202, "the stored summary goes with the record");
    assert.equal(JSON.parse(readFileSync(ndjson, "utf8").split("\n")[0]!).format, "pevm-record-ndjson");
    assert.deepEqual(recordToJson(readRecordFile(ndjson)), expected);
    const hash = JSON.parse(pevm("records", "show", "10760440", "--db", db, "--json").stdout).accessList.hash;
    assert.equal(bytesToHex(balHash(decodeBal(new Uint8Array(readFileSync(rlp))))), hash);
    assert.equal(bytesToHex(balHash(balFromJson(JSON.parse(readFileSync(balJson, "utf8"))))), hash);
    const stdoutRlp = pevmBytes("records", "export", "10760440", "--db", db, "--format", "bal-rlp");
    assert.equal(stdoutRlp.status, 0, stdoutRlp.stderr);
    assert.deepEqual(new Uint8Array(stdoutRlp.stdout), new Uint8Array(readFileSync(rlp)), "raw RLP bytes on stdout");
    assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith(".tmp")), [], "no temporary files left");

    const imported = pevm("records", "import", json, ndjson, "--db", db, "--json");
    assert.equal(imported.status, 0, imported.stderr);
    assert.deepEqual(JSON.parse(imported.stdout).imported.map((i: { run: number }) => i.run), [4, 5]);
    withStore(db, (s) => {
      for (const run of [4, 5]) assert.deepEqual(recordToJson(s.getRecord(10760440, { run })), expected, `run ${run}`);
    });
  });
}
