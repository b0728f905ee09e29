// The dependency-graph measures, on small graphs whose answers are worked out by hand.
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkTxDag, criticalPath, criticalPathOrder, idealMakespan, idealMakespans, idealSchedule, speedupBound } from "../../src/records/txDag.js";

test("a chain runs one transaction at a time, whatever the threads", () => {
  const dag = [[], [0], [1]];
  const costs = [1, 2, 3];
  assert.equal(criticalPath(dag, costs), 6);
  assert.equal(idealMakespan(dag, costs, 2), 6);
  assert.equal(idealMakespan(dag, costs, 16), 6);
  assert.equal(speedupBound(dag, costs, 2), 1);
});

test("independent transactions share the threads", () => {
  const dag = [[], [], [], []];
  const costs = [1, 1, 1, 1];
  assert.equal(criticalPath(dag, costs), 1);
  assert.equal(idealMakespan(dag, costs, 1), 4);
  assert.equal(idealMakespan(dag, costs, 2), 2);
  assert.equal(idealMakespan(dag, costs, 8), 1);
  assert.equal(speedupBound(dag, costs, 2), 2);
  assert.equal(speedupBound(dag, costs, 8), 4);
});

test("a diamond waits for its longer branch", () => {
  // 0 (2) feeds 1 (1) and 2 (3); 3 (1) needs both: 0 then 2 then 3 is the critical path.
  const dag = [[], [0], [0], [1, 2]];
  const costs = [2, 1, 3, 1];
  assert.equal(criticalPath(dag, costs), 6);
  assert.equal(idealMakespan(dag, costs, 2), 6);
  assert.equal(idealMakespan(dag, costs, 1), 7);
});

test("a thread whose next transaction waits takes a later one meanwhile", () => {
  // On 2 threads: 0 runs 0-4 and 2 runs 0-1; 1 waits for 0, so 3 runs 1-2 and 1 runs 4-5.
  const dag = [[], [0], [], []];
  const costs = [4, 1, 1, 1];
  assert.equal(idealMakespan(dag, costs, 2), 5);
  assert.equal(criticalPath(dag, costs), 5);
  // Total 7 over 2 threads is 3.5: the chain 0-1 (5) bounds the block.
  assert.equal(speedupBound(dag, costs, 2), 7 / 5);
});

test("one long transaction bounds the block even with no dependencies", () => {
  const dag = [[], [], []];
  const costs = [10, 1, 1];
  assert.equal(idealMakespan(dag, costs, 2), 10);
  assert.equal(speedupBound(dag, costs, 2), 1.2);
});

test("an empty block and a repeated dependency", () => {
  assert.equal(idealMakespan([], [], 2), 0);
  assert.equal(speedupBound([], [], 2), 1);
  assert.equal(idealMakespan([[], [0, 0]], [1, 1], 2), 2);
});

test("a graph that names a later or missing transaction, or a bad cost, is refused", () => {
  assert.throws(() => checkTxDag([[1], []], [1, 1]), /transaction 0 depends on 1, which is not an earlier transaction/);
  assert.throws(() => checkTxDag([[], [1]], [1, 1]), /transaction 1 depends on 1/);
  assert.throws(() => checkTxDag([[], [-1]], [1, 1]), /transaction 1 depends on -1/);
  assert.throws(() => checkTxDag([[]], [1, 1]), /graph of 1 transactions, but 2 costs/);
  assert.throws(() => checkTxDag([[]], [Number.NaN]), /transaction 0 has cost NaN/);
  assert.throws(() => idealMakespan([[]], [1], 0), /threads: 0/);
});

test("critical-path order: the transactions starting the longest chains first, each before its dependents", () => {
  // 0 → 2 → 4 is the long chain (1 + 5 + 1); 1 and 3 are independent (3 the costlier).
  const dag = [[], [], [0], [], [2]];
  const costs = [1, 2, 5, 3, 1];
  assert.deepEqual([...criticalPathOrder(dag, costs)], [0, 2, 3, 1, 4]);
  // Equal chains keep block order; a zero cost never puts a dependent before its predecessor.
  assert.deepEqual([...criticalPathOrder([[], [], [1]], [1, 0, 1])], [0, 1, 2]);
  assert.deepEqual([...criticalPathOrder([], [])], []);
  assert.throws(() => criticalPathOrder([[], [0]], [1, Number.NaN]), /cost/);
});

test("critical-path order on 2 threads reaches the bound where block order does not", () => {
  // Three independent transactions of cost 1 ahead of a chain 3 → 4 of cost 3 each.
  const dag = [[], [], [], [], [3]];
  const costs = [1, 1, 1, 3, 3];
  const order = [...criticalPathOrder(dag, costs)];
  assert.deepEqual(order, [3, 4, 0, 1, 2]);
  assert.equal(idealMakespan(dag, costs, 2), 7, "block order: 0 and 1, then 2 and 3, then 4 starts at 4");
  assert.equal(criticalPath(dag, costs), 6);
  assert.equal(idealMakespan(dag, costs, 2, order), 6, "critical-path order: 3 and 0, then 1 and 2, 4 from 3 on");
});

test("idealSchedule: each transaction's thread and times, no thread running two at once", () => {
  const dag = [[], [], [], [], [3]];
  const costs = [1, 1, 1, 3, 3];
  assert.deepEqual(idealSchedule(dag, costs, 2), [
    { thread: 0, start: 0, end: 1 },
    { thread: 1, start: 0, end: 1 },
    { thread: 0, start: 1, end: 2 },
    { thread: 1, start: 1, end: 4 },
    { thread: 0, start: 4, end: 7 }, // thread 0 is free from 2, 4 waits for 3
  ]);
  const ordered = idealSchedule(dag, costs, 2, criticalPathOrder(dag, costs));
  assert.deepEqual(ordered[3], { thread: 0, start: 0, end: 3 });
  assert.deepEqual(ordered[4], { thread: 0, start: 3, end: 6 });
  for (const schedule of [idealSchedule(dag, costs, 2), ordered]) {
    for (const [i, a] of schedule.entries()) for (const [j, b] of schedule.entries()) if (i < j && a.thread === b.thread) assert.ok(a.end <= b.start || b.end <= a.start, `${i} and ${j} overlap on thread ${a.thread}`);
  }
});

test("a dependency listed twice counts once", () => {
  const dag = [[], [0, 0], [1, 0, 1]];
  const costs = [1, 2, 3];
  assert.equal(idealMakespan(dag, costs, 2), 6);
  assert.deepEqual(idealMakespans(dag, costs, [1, 4]), [6, 6]);
  assert.deepEqual(idealSchedule(dag, costs, 2)[2], { thread: 0, start: 3, end: 6 });
});

test("idealMakespans: the latest end of idealSchedule's schedule, on random graphs with equal costs and repeated dependencies", () => {
  let seed = 12345;
  const next = (below: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % below;
  };
  const threadCounts = [1, 2, 3, 4, 7, 64];
  let graphs = 0;
  for (let g = 0; g < 200; g++) {
    const n = 1 + next(40);
    const dag = Array.from({ length: n }, (_, tx) => Array.from({ length: tx === 0 ? 0 : next(4) }, () => next(tx)));
    const costs = Array.from({ length: n }, () => 1 + next(3)); // few distinct costs: many ties in finish time
    for (const order of [undefined, criticalPathOrder(dag, costs)]) {
      const expected = threadCounts.map((threads) => Math.max(...idealSchedule(dag, costs, threads, order).map((s) => s.end)));
      assert.deepEqual(idealMakespans(dag, costs, threadCounts, order), expected, `graph ${g}: ${JSON.stringify(dag)} costs ${costs}`);
      assert.deepEqual(threadCounts.map((threads) => idealMakespan(dag, costs, threads, order)), expected);
    }
    graphs++;
  }
  assert.equal(graphs, 200);
  assert.deepEqual(idealMakespans([], [], [1, 2]), [0, 0]);
  assert.throws(() => idealMakespans([[]], [1], [0]), /threads: 0/);
});
