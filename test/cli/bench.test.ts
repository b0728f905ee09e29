// `pevm bench` tells the whole story of a block: timed sequential and parallel runs, a recorded run
// checked against the sequential result, its summary (speedup, ideal speedup, conflict ratio, hot
// spots), the record stored in a record store and an HTML report. Every run here has its own
// temporary working directory and data directory: nothing reaches the user's store or the checkout.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { RecordStore } from "../../src/store/store.js";
import { repoPath } from "../fixtures.js";

const CLI = repoPath("dist/src/cli/main.js");
const root = mkdtempSync(join(tmpdir(), "pevm-bench-cli-"));
after(() => rmSync(root, { recursive: true, force: true }));

/** Runs pevm in `cwd` (a fresh directory under root) with XDG_DATA_HOME under root too. */
function pevm(cwd: string, ...args: string[]) {
  mkdirSync(cwd, { recursive: true });
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", cwd, env: { ...process.env, XDG_DATA_HOME: join(root, "xdg") } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test("pevm bench runs the mixed block, prints speedup, ideal speedup, conflict ratio and hot spots, stores the record and writes the report", () => {
  const dir = join(root, "story");
  const db = join(dir, "records.db");
  const report = join(dir, "r.html");
  const r = pevm(dir, "bench", "--txs", "200", "--runs", "1", "--db", db, "--report", report);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^mixed: 200 transactions interleaved: \d+ ERC-20 transfers.*swaps.*ETH transfers/);
  assert.match(r.out, /sequential\s+1\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+1\.00x/);
  assert.match(r.out, /recorded run: .*post-state root equal the sequential run's/);
  assert.match(r.out, /speedup: [\d.]+x on \d+ threads|speedup: n\/a \(one worker\)/);
  assert.match(r.out, /ideal speedup by time: 2 threads [\d.]+x, 4 threads [\d.]+x, 8 threads [\d.]+x, 16 threads [\d.]+x, unbounded [\d.]+x/);
  assert.match(r.out, /conflict ratio: [\d.]+% \(\d+ of 200 txs depend on another/);
  // 20 hot transactions: 10 ERC-20 transfers to the hot recipient, 10 swaps on the hot pool.
  assert.match(r.out, /hot spots: .*hot pool 0x[0-9a-f]{40} \(9 edges/);
  assert.match(r.out, /hot spots: .*token 0x[0-9a-f]{40} \(9 edges/);
  assert.match(r.out, new RegExp(`stored block 20000000 \\(run 1\\) in ${db.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
  assert.match(r.out, /report written to .*r\.html/);
  assert.match(r.err, /recording a parallel run/, "progress goes to stderr");

  const store = RecordStore.open(db, { readonly: true });
  try {
    const blocks = store.listBlocks();
    assert.equal(blocks.length, 1);
    assert.equal(blocks[0]!.number, 20_000_000n);
    assert.equal(blocks[0]!.txCount, 200);
    assert.equal(blocks[0]!.dependentTxs, 18);
    assert.match(blocks[0]!.label ?? "", /^pevm bench /);
  } finally {
    store.close();
  }
  assert.ok(readFileSync(report, "utf8").startsWith("<!doctype html>"));
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith(".tmp")), [], "no temporary file left");
  assert.equal(existsSync(join(root, "xdg")), false, "the default store was not touched");
});

test("--no-store --no-report writes nothing; the defaults are the data directory's store and ./report.html", () => {
  const quiet = join(root, "quiet");
  const r = pevm(quiet, "bench", "--txs", "100", "--runs", "1", "--no-store", "--no-report", "--seed", "2");
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /conflict ratio/);
  assert.doesNotMatch(r.out, /stored block|report written/);
  assert.deepEqual(readdirSync(quiet), []);
  assert.equal(existsSync(join(root, "xdg")), false);

  const defaults = join(root, "defaults");
  const d = pevm(defaults, "bench", "--workload", "erc20-hot", "--txs", "60", "--runs", "1", "--workers", "1");
  assert.equal(d.code, 0, d.err);
  assert.match(d.out, /speedup: n\/a \(one worker\)/);
  assert.ok(readFileSync(join(defaults, "report.html"), "utf8").startsWith("<!doctype html>"));
  const db = join(root, "xdg", "pevm", "records.db");
  assert.match(d.out, /stored block 20000000 \(run 1\)/);
  const store = RecordStore.open(db, { readonly: true });
  try {
    assert.equal(store.runCount(), 1);
  } finally {
    store.close();
  }
  rmSync(join(root, "xdg"), { recursive: true, force: true });
});

test("--json adds the record's summary, where it was stored and the report", () => {
  const dir = join(root, "json");
  const db = join(dir, "store.db");
  const run = (...extra: string[]) => pevm(dir, "bench", "--txs", "120", "--runs", "1", "--workers", "2", "--db", db, "--json", ...extra);
  const first = run("-o", join(dir, "a.html"));
  assert.equal(first.code, 0, first.err);
  assert.equal(first.err, "", "no progress with --json");
  type Out = {
    workload: string;
    txs: number;
    hotTxs: number;
    mix: Record<string, number>;
    rows: { mode: string }[];
    record: { mode: string; workers: number; fallback: string | null; source: string; executionMs: number; equalsSequential: boolean; summary: { txCount: number; conflictRatio: number; idealSpeedup: { byTime: { threads: { threads: number }[]; unbounded: number } }; hotSpots: { contracts: { address: string }[] } } };
    stored: { db: string; block: number; run: number };
    report: string;
  };
  const a = JSON.parse(first.out) as Out;
  assert.equal(a.workload, "mixed");
  assert.equal(a.txs, 120);
  assert.equal(a.hotTxs, 12);
  assert.equal(Object.values(a.mix).reduce((x, y) => x + y, 0), 120);
  assert.deepEqual(a.rows.map((row) => row.mode), ["sequential", "parallel"]);
  // A block this small the cost model runs in order, recorded as it goes.
  assert.equal(a.record.mode, "sequential");
  assert.match(a.record.fallback ?? "", /^cost model: .* faster sequentially$/);
  assert.equal(a.record.source, "sequential");
  assert.equal(a.record.equalsSequential, true);
  assert.equal(a.record.summary.txCount, 120);
  assert.ok(a.record.summary.conflictRatio > 0 && a.record.summary.conflictRatio < 0.2);
  assert.deepEqual(a.record.summary.idealSpeedup.byTime.threads.map((t) => t.threads), [2, 4, 8, 16]);
  assert.equal(a.record.summary.hotSpots.contracts.length, 2);
  assert.deepEqual(a.stored, { db, block: 20_000_000, run: 1 });
  assert.equal(a.report, join(dir, "a.html"));
  assert.ok(existsSync(a.report));

  const second = JSON.parse(run("--no-report").out) as { stored: { run: number }; report: null };
  assert.equal(second.stored.run, 2, "the same block stored again is another run");
  assert.equal(second.report, null);
  const quiet = JSON.parse(pevm(dir, "bench", "--txs", "50", "--runs", "1", "--json", "--no-store", "--no-report").out) as { stored: null; report: null; record: { summary: object } };
  assert.equal(quiet.stored, null);
  assert.ok(quiet.record.summary);
});

test("story options are usage errors where they cannot apply", () => {
  const dir = join(root, "usage");
  for (const args of [
    ["--txs", "10", "--db", "x.db", "--no-store"],
    ["--txs", "10", "--report", "x.html", "--no-report"],
    ["--txs", "10", "--write", join(dir, "w"), "--runs", "0", "--report", "x.html"],
    ["--workload", "loops", "--no-store"],
    ["--workload", "loops", "--db", "x.db"],
  ]) {
    const r = pevm(dir, "bench", ...args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.err}`);
  }
  assert.deepEqual(readdirSync(dir), []);
});
