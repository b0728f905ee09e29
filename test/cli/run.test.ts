// `pevm run` and `pevm replay` on hand-built blocks: verification output, exit codes, and clear
// errors for bad input.
import assert from "node:assert/strict";
import { availableParallelism } from "node:os";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { repoPath } from "../fixtures.js";
import { COINBASE, RECIPIENT, senderAddress, writeSyntheticBlock } from "../helpers/syntheticBlock.js";

const CLI = repoPath("dist/src/cli/main.js");

function pevm(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("run verifies a block and prints the documented JSON fields", async () => {
  const dir = await writeSyntheticBlock();
  const r = pevm("run", dir, "--json");
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.ok, true);
  assert.equal(out.block, 17_100_000);
  assert.equal(out.fork, "Shanghai");
  assert.equal(out.txs, 1);
  assert.equal(out.gasUsed, 21000);
  assert.deepEqual(out.checks, { gasUsed: true, logsBloom: true, receiptsRoot: true, transactionsRoot: null, withdrawalsRoot: true, blobGasUsed: null, requestsHash: null });
  // Every core by default; a one-transaction block then runs sequentially, and says why.
  assert.equal(out.workers, availableParallelism());
  assert.equal(out.mode, "sequential");
  if (out.workers > 1) assert.match(out.parallel.fallback, /^cost model: 0\.\d\dx predicted \(.*; 1 transaction, 21k gas\), under \d\.\dx: faster sequentially$/);
  assert.equal(typeof out.executionMs, "number");
});

test("run prints a readable summary with check marks", async () => {
  const r = pevm("run", await writeSyntheticBlock());
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /gasUsed\s+✓\s+21000/);
  assert.match(r.stdout, /receiptsRoot\s+✓/);
});

test("run --diff reports balances, nonce and the withdrawal with old and new values", async () => {
  const r = pevm("run", await writeSyntheticBlock(), "--json", "--diff");
  const diff = JSON.parse(r.stdout).postState as { address: string; before: { balance: string; nonce: number } | null; after: { balance: string; nonce: number } | null }[];
  const byAddress = new Map(diff.map((d) => [d.address, d]));
  const sender = byAddress.get(senderAddress())!;
  // 21000 gas at gas price 10, plus 1 wei of value.
  assert.equal(BigInt(sender.before!.balance) - BigInt(sender.after!.balance), 21000n * 10n + 1n);
  assert.deepEqual([sender.before!.nonce, sender.after!.nonce], [0, 1]);
  const recipient = byAddress.get(RECIPIENT)!;
  assert.equal(recipient.before, null);
  assert.equal(BigInt(recipient.after!.balance), 1n + 3n * 10n ** 9n); // value + 3 Gwei withdrawal
  // Priority fee: gas price 10 minus base fee 7.
  assert.equal(BigInt(byAddress.get(COINBASE)!.after!.balance), 21000n * 3n);
});

test("a gasUsed mismatch exits 1 and names the first divergent transaction from receipts.json", async () => {
  const dir = await writeSyntheticBlock({ headerGasUsed: 21001n });
  writeFileSync(join(dir, "receipts.json"), JSON.stringify([{ status: "0x1", cumulativeGasUsed: "0x5209", gasUsed: "0x5209", logs: [] }]));
  const r = pevm("run", dir, "--json");
  assert.equal(r.status, 1);
  const out = JSON.parse(r.stdout);
  assert.equal(out.ok, false);
  assert.equal(out.checks.gasUsed, false);
  assert.deepEqual(out.firstDivergence, { txIndex: 0, expectedCumulativeGas: 21001, actualCumulativeGas: 21000, expectedStatus: 1, actualStatus: 1 });
  const text = pevm("run", dir);
  assert.match(text.stdout, /first divergent transaction: #0 cumulative gas expected 21001, actual 21000/);
});

test("a block whose withdrawals were deleted from block.json fails its withdrawals root", async () => {
  const dir = await writeSyntheticBlock();
  const block = JSON.parse(readFileSync(join(dir, "block.json"), "utf8"));
  block.withdrawals = [];
  writeFileSync(join(dir, "block.json"), JSON.stringify(block));
  const r = pevm("run", dir, "--json");
  assert.equal(r.status, 1);
  const out = JSON.parse(r.stdout);
  assert.equal(out.ok, false);
  assert.equal(out.checks.withdrawalsRoot, false);
  assert.equal(out.checks.gasUsed, true);
  assert.match(pevm("run", dir).stdout, /withdrawalsRoot ✗/);
});

test("malformed JSON is an error naming the file", async () => {
  const dir = await writeSyntheticBlock();
  writeFileSync(join(dir, "block.json"), '{"number": ');
  const r = pevm("run", dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /block\.json: malformed JSON/);
});

test("a block of a fork after the last one pevm knows is refused, naming why, never run under older rules", async () => {
  const dir = await writeSyntheticBlock();
  const block = JSON.parse(readFileSync(join(dir, "block.json"), "utf8"));
  block.blockAccessListHash = "0x" + "00".repeat(32);
  writeFileSync(join(dir, "block.json"), JSON.stringify(block));
  const r = pevm("run", dir, "--json");
  assert.equal(r.status, 1);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /blockAccessListHash, from EIP-7928 block-level access lists \(Amsterdam\), a fork after BPO2/);
});

test("a code hash with no bytecode is an error naming the account", async () => {
  const dir = await writeSyntheticBlock();
  const pre = JSON.parse(readFileSync(join(dir, "pre_state.json"), "utf8"));
  pre[RECIPIENT] = { balance: "0x0", nonce: 1, code_hash: "0x" + "ee".repeat(32), storage: {} };
  writeFileSync(join(dir, "pre_state.json"), JSON.stringify(pre));
  const r = pevm("run", dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`${RECIPIENT}.*code hash 0x(ee){32} has no bytecode`));
});

test("an invalid transaction (nonce) is an error naming its index and reason", async () => {
  const r = pevm("run", await writeSyntheticBlock({ senderNonce: 5n }));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /transaction 0 is invalid: nonce 0 does not match sender nonce 5/);
});

test("a signature that does not recover the claimed sender is an error", async () => {
  const dir = await writeSyntheticBlock();
  const block = JSON.parse(readFileSync(join(dir, "block.json"), "utf8"));
  block.transactions[0].from = "0x" + "44".repeat(20);
  writeFileSync(join(dir, "block.json"), JSON.stringify(block));
  const r = pevm("run", dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /transactions\[0\]: the signature recovers 0x[0-9a-f]{40}, but "from" is 0x(44){20}/);
});

test("run accepts block.json with --prestate in geth prestateTracer form", async () => {
  const dir = await writeSyntheticBlock();
  const trace = [{ txHash: "0x" + "00".repeat(32), result: { [senderAddress()]: { balance: "0xde0b6b3a7640000", nonce: 0 } } }];
  const tracePath = join(dir, "trace.json");
  writeFileSync(tracePath, JSON.stringify(trace));
  const r = pevm("run", join(dir, "block.json"), "--prestate", tracePath, "--json");
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).ok, true);
});

test("replay runs every block directory and ends with a table", async () => {
  const dir = await writeSyntheticBlock();
  const blocks = dirname(dir);
  const r = pevm("replay", blocks);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /1\/1 blocks matched/);
  const json = JSON.parse(pevm("replay", blocks, "--json").stdout);
  assert.equal(json.ok, true);
  assert.equal(json.totals.blocks, 1);
  assert.equal(json.blocks[0].block, 17_100_000);
});

test("run with no arguments is a usage error (exit 2)", () => {
  const r = pevm("run");
  assert.equal(r.status, 2);
  assert.match(r.stderr, /run takes exactly one block directory/);
});

test("run --workers 2 executes a generated block with Block-STM and verifies it", () => {
  const dir = join(mkdtempSync(join(tmpdir(), "pevm-par-")), "block");
  const written = pevm("bench", "--workload", "erc20-hot", "--hot", "0.3", "--txs", "400", "--write", dir, "--runs", "0");
  assert.equal(written.status, 0, written.stderr);
  const r = pevm("run", dir, "--workers", "2", "--force-parallel", "--json");
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.ok, true);
  assert.equal(out.mode, "parallel");
  assert.equal(out.workers, 2);
  assert.equal(out.parallel.fallback, null);
  assert.deepEqual(out.checks, { gasUsed: true, logsBloom: true, receiptsRoot: true, transactionsRoot: true, withdrawalsRoot: true, blobGasUsed: true, requestsHash: null });
  assert.equal(pevm("run", dir, "--sequential", "--workers", "2").status, 2);
  assert.equal(pevm("run", dir, "--sequential", "--force-parallel").status, 2);
});

test("a single block in a fresh process: by default it runs sequentially and says why (the threads are still starting, or the cost model); --workers 2 --force-parallel waits for them and runs Block-STM", () => {
  const dir = join(mkdtempSync(join(tmpdir(), "pevm-cold-")), "block");
  const written = pevm("bench", "--workload", "erc20", "--txs", "400", "--write", dir, "--runs", "0");
  assert.equal(written.status, 0, written.stderr);
  const byDefault = pevm("run", dir, "--json");
  assert.equal(byDefault.status, 0, byDefault.stderr);
  const out = JSON.parse(byDefault.stdout);
  if (availableParallelism() > 1) {
    assert.equal(out.mode, "sequential");
    assert.match(out.parallel.fallback, /worker threads are still starting|^cost model: /);
  }
  const asked = JSON.parse(pevm("run", dir, "--workers", "2", "--force-parallel", "--json").stdout);
  assert.equal(asked.mode, "parallel", asked.parallel?.fallback);
  assert.equal(asked.ok, true);
});
