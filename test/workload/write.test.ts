// `pevm bench --write DIR`: the generated block, signed, written in the fixture layout, verifies
// with `pevm run DIR`; its header hash, transactions root and senders agree with @ethereumjs/block.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { createBlockFromRPC } from "@ethereumjs/block";
import { Common, Hardfork, Mainnet } from "@ethereumjs/common";
import { repoPath } from "../fixtures.js";

const CLI = repoPath("dist/src/cli/main.js");

// Runs in a temporary directory with its own data directory: a bench run that records nothing
// here (--no-store --no-report) still could not touch the user's store or the checkout.
const sandbox = mkdtempSync(join(tmpdir(), "pevm-workload-cli-"));
after(() => rmSync(sandbox, { recursive: true, force: true }));

function pevm(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", cwd: sandbox, env: { ...process.env, XDG_DATA_HOME: join(sandbox, "xdg") } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test("a written block verifies with pevm run (gasUsed, logsBloom, receipts, transactions and withdrawals roots, blob gas) and matches @ethereumjs/block", async () => {
  const root = mkdtempSync(join(tmpdir(), "pevm-workload-"));
  try {
    const dir = join(root, "block");
    const bench = pevm("bench", "--workload", "swaps-hot", "--txs", "20", "--hot", "0.25", "--seed", "3", "--write", dir, "--runs", "1", "--json", "--no-store", "--no-report");
    assert.equal(bench.code, 0, bench.err);
    const summary = JSON.parse(bench.out) as { txs: number; hotTxs: number; gasUsed: number; written: string; rows: { mode: string; mgasPerSec: number }[] };
    assert.equal(summary.txs, 20);
    assert.equal(summary.hotTxs, 5);
    assert.equal(summary.written, dir);
    assert.equal(summary.rows[0]!.mode, "sequential");
    assert.ok(summary.rows[0]!.mgasPerSec > 0);

    const run = pevm("run", dir, "--json", "--txs");
    assert.equal(run.code, 0, run.err + run.out);
    const result = JSON.parse(run.out) as { ok: boolean; txs: number; gasUsed: number; checks: Record<string, boolean>; transactions: { status: number }[] };
    assert.equal(result.ok, true);
    assert.deepEqual(result.checks, { gasUsed: true, logsBloom: true, receiptsRoot: true, transactionsRoot: true, withdrawalsRoot: true, blobGasUsed: true, requestsHash: null });
    assert.equal(result.txs, 20);
    assert.equal(result.gasUsed, summary.gasUsed);
    for (const tx of result.transactions) assert.equal(tx.status, 1);

    const json = JSON.parse(readFileSync(join(dir, "block.json"), "utf8")) as { hash: string; transactions: { from: string }[] };
    const block = createBlockFromRPC(json as never, [], { common: new Common({ chain: Mainnet, hardfork: Hardfork.Cancun }) });
    assert.equal("0x" + Buffer.from(block.hash()).toString("hex"), json.hash);
    assert.equal(await block.transactionsTrieIsValid(), true);
    block.transactions.forEach((tx, i) => assert.equal(tx.getSenderAddress().toString(), json.transactions[i]!.from));
    assert.deepEqual(JSON.parse(readFileSync(join(dir, "block_hashes.json"), "utf8")), {});
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("bench on a block workload prints txs, gas, median, Mgas/s and speedup per executor; bad options are usage errors", () => {
  const r = pevm("bench", "--workload", "raw-transfers", "--txs", "50", "--runs", "1", "--workers", "2", "--no-store", "--no-report");
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /50 ETH transfers/);
  assert.match(r.out, /1,050,000 gas/);
  assert.match(r.out, /sequential\s+1\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+1\.00x/);
  assert.match(r.out, /parallel\s+2\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+x/);
  // A block this small runs sequentially in the parallel executor too, and the row says why.
  assert.match(r.out, /parallel: ran sequentially: cost model: \d\.\d\dx predicted \(.*50 transactions, 1\.1M gas\), under \d\.\dx: faster sequentially/);
  const one = pevm("bench", "--workload", "raw-transfers", "--txs", "20", "--runs", "1", "--workers", "1", "--json", "--no-store", "--no-report");
  assert.equal(one.code, 0, one.err);
  assert.deepEqual((JSON.parse(one.out) as { rows: { mode: string }[] }).rows.map((row) => row.mode), ["sequential"]);
  assert.equal(pevm("bench", "--workers", "0").code, 2);
  assert.equal(pevm("bench", "--workload", "erc20", "--txs", "5", "--gas", "100000").code, 2);
  assert.equal(pevm("bench", "--workload", "erc20", "--hot", "2").code, 2);
  assert.equal(pevm("bench", "--workload", "nope").code, 2);
  assert.equal(pevm("bench", "--workload", "loops", "--txs", "5").code, 2);
  const help = pevm("bench", "--help");
  for (const name of ["raw-transfers", "erc20", "swaps", "raw-hot", "erc20-hot", "swaps-hot", "mixed", "loops", "--write", "--gas", "--hot", "--seed", "--db", "--no-store", "--report", "--no-report"]) assert.ok(help.out.includes(name), name);
});

test("a written mixed block runs with pevm run: every transaction succeeds and the header verifies", () => {
  const dir = join(sandbox, "mixed");
  const bench = pevm("bench", "--workload", "mixed", "--txs", "60", "--hot", "0.2", "--seed", "5", "--write", dir, "--runs", "0");
  assert.equal(bench.code, 0, bench.err);
  const workload = JSON.parse(readFileSync(join(dir, "workload.json"), "utf8")) as { workload: string; txs: number; hotTxs: number; mix: Record<string, number> };
  assert.equal(workload.workload, "mixed");
  assert.equal(workload.hotTxs, 12);
  assert.deepEqual(workload.mix, { erc20: 19, swaps: 14, raw: 15, "erc20-hot": 6, "swaps-hot": 6 });
  const run = pevm("run", dir, "--json", "--txs");
  assert.equal(run.code, 0, run.err + run.out);
  const result = JSON.parse(run.out) as { ok: boolean; txs: number; checks: Record<string, boolean | null>; transactions: { status: number }[] };
  assert.equal(result.ok, true);
  assert.equal(result.txs, 60);
  assert.equal(result.checks.receiptsRoot, true);
  assert.equal(result.checks.transactionsRoot, true);
  for (const tx of result.transactions) assert.equal(tx.status, 1);
});
