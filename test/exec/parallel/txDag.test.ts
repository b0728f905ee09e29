// The dependency graph the parallel executor returns, on generated blocks whose dependencies are
// known from how they were built: every transaction on the hot token account or pool reads what
// the previous one wrote, and nothing else depends on anything.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { closeWorkerPool, executeBlockParallel } from "../../../src/exec/parallel/executor.js";
import { generateBlock } from "../../../src/workload/blocks.js";

after(() => closeWorkerPool());

/** Each hot transaction depends on the hot transaction before it; the others on none. */
function hotChain(hot: boolean[]): number[][] {
  let previous = -1;
  return hot.map((isHot, i) => {
    if (!isHot) return [];
    const deps = previous < 0 ? [] : [previous];
    previous = i;
    return deps;
  });
}

for (const workload of ["erc20-hot", "swaps-hot"]) {
  test(`${workload}: each hot transaction depends on the previous hot one, on 1 and 3 threads`, async () => {
    const g = generateBlock({ workload, txs: 48, hotRatio: 0.3, seed: 7 });
    assert.ok(g.hotTxs >= 10);
    for (const workers of [1, 3]) {
      const r = await executeBlockParallel(g.block, g.preState, { blockHashes: g.blockHashes, workers, forceParallel: true, conflictBudget: Infinity, txDag: true });
      assert.equal(r.stats.mode, "parallel");
      assert.deepEqual(r.txDag, hotChain(g.hot), `${workers} threads`);
    }
  });
}

test("value sent to one hot account is a lazy credit, no dependency", async () => {
  const g = generateBlock({ workload: "raw-hot", txs: 32, hotRatio: 0.5, seed: 7 });
  const r = await executeBlockParallel(g.block, g.preState, { blockHashes: g.blockHashes, workers: 2, forceParallel: true, conflictBudget: Infinity, txDag: true });
  assert.equal(r.stats.mode, "parallel");
  assert.deepEqual(r.txDag, g.hot.map(() => []));
});

test("no graph unless asked, nor when the block ran sequentially", async () => {
  const g = generateBlock({ workload: "erc20-hot", txs: 16, hotRatio: 0.5 });
  const unasked = await executeBlockParallel(g.block, g.preState, { blockHashes: g.blockHashes, workers: 2, forceParallel: true });
  assert.equal(unasked.txDag, undefined);
  const sequential = await executeBlockParallel(g.block, g.preState, { blockHashes: g.blockHashes, workers: 2, minTxs: 100, txDag: true });
  assert.equal(sequential.stats.mode, "sequential");
  assert.equal(sequential.txDag, undefined);
});
