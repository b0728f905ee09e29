// The sequential executor's per-transaction timings (ExecuteOptions.transactionMs, for bench/ideal).
import assert from "node:assert/strict";
import { test } from "node:test";
import { executeBlock } from "../../src/exec/sequential.js";
import { generateBlock } from "../../src/workload/blocks.js";

test("transactionMs gets each transaction's time, within the block's", () => {
  const g = generateBlock({ workload: "erc20", txs: 40 });
  const transactionMs: number[] = [];
  const r = executeBlock(g.block, g.preState, { blockHashes: g.blockHashes, transactionMs });
  assert.equal(transactionMs.length, 40);
  for (const [i, ms] of transactionMs.entries()) assert.ok(ms > 0 && ms < r.executionMs, `transaction ${i}: ${ms} ms`);
  assert.ok(transactionMs.reduce((a, b) => a + b, 0) <= r.executionMs);
});
