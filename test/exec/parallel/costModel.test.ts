import assert from "node:assert/strict";
import { test } from "node:test";
import { chooseMode, COST_MODEL, effectiveThreads, MIN_PREDICTED_SPEEDUP, predict, type CostModel } from "../../../src/exec/parallel/costModel.js";

// A model with round numbers, so that the expected values below are worked out by hand.
const ROUND: CostModel = {
  perTxMs: 0.005,
  perGasMs: 0.000001,
  fixedMs: 0.5,
  overheadPerTxMs: 0.01,
  serialPerTxMs: 0.002,
  overhead: 0.25,
  serial: 0.1,
  efficiency: { spareCore: 1, allCoresBusy: 0.8 },
};
const FREE = { speedup: Infinity, source: "sender chains" };

test("effective threads: each busy thread gives less when no core is left over, and threads beyond the cores give nothing", () => {
  assert.equal(effectiveThreads(2, 2, ROUND), 1.6);
  assert.equal(effectiveThreads(2, 16, ROUND), 2);
  assert.equal(effectiveThreads(8, 2, ROUND), 1.6);
});

test("the prediction follows the model's formula", () => {
  // 1,000 transactions, 50M gas: 29M gas of execution beyond 21,000 each.
  const p = predict({ txs: 1000, gas: 50_000_000, bound: FREE }, 2, 16, ROUND);
  const sequential = 0.005 * 1000 + 0.000001 * 29_000_000; // 34 ms
  assert.ok(Math.abs(p.sequentialMs - sequential) < 1e-9);
  const parallel = 0.5 + (sequential * 1.25 + 0.01 * 1000) / 2 + 0.1 * sequential + 0.002 * 1000;
  assert.ok(Math.abs(p.parallelMs - parallel) < 1e-9);
  assert.equal(p.parallelism, 2);
  assert.ok(Math.abs(p.speedup - sequential / parallel) < 1e-12);
});

test("the block's own bound and its transaction count cap the parallelism", () => {
  assert.equal(predict({ txs: 1000, gas: 50_000_000, bound: { speedup: 1.3, source: "x" } }, 8, 16, ROUND).parallelism, 1.3);
  assert.equal(predict({ txs: 3, gas: 3_000_000, bound: FREE }, 8, 16, ROUND).parallelism, 3);
  // Below 1 (one sender holds everything) the parallel run is the sequential work plus overheads.
  const chained = predict({ txs: 100, gas: 10_000_000, bound: { speedup: 1, source: "x" } }, 8, 16, ROUND);
  assert.equal(chained.parallelism, 1);
  assert.ok(chained.speedup < 1);
});

test("plain transfers lose where contract calls of the same count gain: the per-transaction split", () => {
  const transfers = chooseMode({ txs: 2000, gas: 2000 * 21_000, bound: FREE }, 8, 16, ROUND);
  const calls = chooseMode({ txs: 2000, gas: 2000 * 150_000, bound: FREE }, 8, 16, ROUND);
  assert.equal(transfers.parallel, false);
  assert.match(transfers.reason, /faster sequentially/);
  assert.equal(calls.parallel, true);
  assert.ok(calls.prediction.speedup >= MIN_PREDICTED_SPEEDUP);
});

test("the reason names the prediction and its limit", () => {
  const threads = chooseMode({ txs: 500, gas: 30_000_000, bound: FREE }, 2, 2, ROUND);
  assert.match(threads.reason, /^cost model: \d\.\d\dx predicted \(2 threads on 2 cores give about 1\.6x; 500 transactions, 30\.0M gas\), under \d\.\dx: faster sequentially$/);
  const bound = chooseMode({ txs: 500, gas: 30_000_000, bound: { speedup: 1.05, source: "same-sender transaction chains" } }, 2, 2, ROUND);
  assert.match(bound.reason, /the same-sender transaction chains allow at most 1\.05x/);
  assert.match(bound.reason, new RegExp(`under ${MIN_PREDICTED_SPEEDUP}x: faster sequentially$`));
  const few = chooseMode({ txs: 1, gas: 5_000_000, bound: FREE }, 4, 16, ROUND);
  assert.equal(few.parallel, false);
  assert.match(few.reason, /\(1 transaction; 1 transaction, 5\.0M gas\)/);
});

test("the constants in use are plausible: sequential work costs time, overheads are non-negative, efficiencies in (0, 1]", () => {
  for (const [name, value] of Object.entries(COST_MODEL)) {
    if (typeof value === "number") assert.ok(value >= 0 && Number.isFinite(value), `${name} ${value}`);
  }
  assert.ok(COST_MODEL.perTxMs > 0 && COST_MODEL.perGasMs > 0);
  for (const e of Object.values(COST_MODEL.efficiency)) assert.ok(e > 0 && e <= 1);
  // More cores or more threads never predict less.
  const shape = { txs: 300, gas: 15_000_000, bound: FREE };
  assert.ok(predict(shape, 2, 16).speedup >= predict(shape, 2, 2).speedup);
  assert.ok(predict(shape, 8, 16).speedup >= predict(shape, 2, 16).speedup);
});
