// Shared-nothing partition plans, on small graphs whose answers are worked out by hand.
import assert from "node:assert/strict";
import { test } from "node:test";
import { partitionPlan, partitionSpeedup, type PartitionPlan } from "../../src/records/partition.js";

/** Every transaction exactly once: on one thread of one segment, or as a barrier. */
function assertCoversOnce(plan: PartitionPlan, txCount: number): void {
  const seen = new Array<number>(txCount).fill(0);
  for (const segment of plan.segments) {
    for (const list of segment.threads) {
      for (let i = 1; i < list.length; i++) assert.ok(list[i - 1]! < list[i]!, "a thread's transactions ascend");
      for (const tx of list) seen[tx]!++;
    }
    if (segment.barrier >= 0) seen[segment.barrier]!++;
  }
  assert.deepEqual(seen, new Array<number>(txCount).fill(1));
}

test("independent transactions are shared out evenly, in block order on each thread", () => {
  const plan = partitionPlan([[], [], [], []], [1, 1, 1, 1], 2);
  assert.equal(plan.segments.length, 1);
  assert.deepEqual(plan.segments[0], { threads: [[0, 2], [1, 3]], barrier: -1 });
  assert.equal(plan.makespan, 2);
  assertCoversOnce(plan, 4);
});

test("a chain stays on one thread", () => {
  const plan = partitionPlan([[], [0], [1]], [1, 2, 3], 2);
  assert.deepEqual(plan.segments, [{ threads: [[0, 1, 2], []], barrier: -1 }]);
  assert.equal(plan.makespan, 6);
  assert.equal(partitionSpeedup([[], [0], [1]], [1, 2, 3], 2), 1);
});

test("groups go whole to threads, the heaviest first, each to the least loaded", () => {
  // groups {0, 2} (cost 5), {1} (cost 4), {3} (cost 2): 5 | 4 + 2
  const dag = [[], [], [0], []];
  const plan = partitionPlan(dag, [2, 4, 3, 2], 2);
  assert.deepEqual(plan.segments, [{ threads: [[0, 2], [1, 3]], barrier: -1 }]);
  assert.equal(plan.makespan, 6);
  assert.equal(partitionSpeedup(dag, [2, 4, 3, 2], 2), 11 / 6);
});

test("a transaction joining groups beyond a thread's share ends the segment and runs alone", () => {
  // 0..3 independent (cost 1 each); 4 reads all of them (a read of the fee recipient's balance);
  // 5 and 6 independent after it.
  const dag = [[], [], [], [], [0, 1, 2, 3], [], []];
  const costs = [1, 1, 1, 1, 1, 1, 1];
  const plan = partitionPlan(dag, costs, 2);
  assert.deepEqual(plan.segments, [
    { threads: [[0, 2], [1, 3]], barrier: 4 },
    { threads: [[5], [6]], barrier: -1 },
  ]);
  assert.equal(plan.makespan, 2 + 1 + 1);
  assertCoversOnce(plan, 7);
});

test("whether a join ends the segment depends on the work the segment holds so far", () => {
  // 2 joins {0} and {1}: the segment holds 1 + 1 + 1 = 3, all of it in the join (3 > 3 / 2): a barrier.
  const barrier = partitionPlan([[], [], [0, 1], []], [1, 1, 1, 10], 2);
  assert.deepEqual(barrier.segments, [
    { threads: [[0], [1]], barrier: 2 },
    { threads: [[3], []], barrier: -1 },
  ]);
  assert.equal(barrier.makespan, 1 + 1 + 10);
  // 3 joins {1} and {2} after 0 (cost 10): 1 + 1 + 1 = 3 of the segment's 13 (3 <= 13 / 2): merged.
  const merged = partitionPlan([[], [], [], [1, 2]], [10, 1, 1, 1], 2);
  assert.deepEqual(merged.segments, [{ threads: [[0], [1, 2, 3]], barrier: -1 }]);
  assert.equal(merged.makespan, 10);
});

test("more threads never plan worse: a plan for fewer leaves the others idle", () => {
  // 3 joins {0} and {1}: on 2 threads 1 + 1 + 1 = 3 is within the share (7 / 2), merged: 3 | 4.
  // On 4 threads the share is 7 / 4: a barrier, then 4 + 1 = 5; the 2-thread plan (4) is kept.
  const dag = [[], [], [], [0, 1]];
  const costs = [1, 1, 4, 1];
  const plan = partitionPlan(dag, costs, 4);
  assert.equal(plan.makespan, 4);
  assert.deepEqual(plan.segments, [{ threads: [[2], [0, 1, 3], [], []], barrier: -1 }]);
});

test("dependencies in one group join it once", () => {
  // 2 depends on 0 and 1, which are one group already: no join of two groups, no barrier.
  const plan = partitionPlan([[], [0], [0, 1], []], [1, 1, 1, 3], 2);
  assert.deepEqual(plan.segments, [{ threads: [[0, 1, 2], [3]], barrier: -1 }]);
  assert.equal(plan.makespan, 3);
});

test("dependencies on earlier segments join nothing", () => {
  // 2 joins 0 and 1 (a barrier); 3 and 4 depend on 0 and 1, which are in the finished segment.
  const plan = partitionPlan([[], [], [0, 1], [0], [1]], [1, 1, 1, 1, 1], 2);
  assert.deepEqual(plan.segments, [
    { threads: [[0], [1]], barrier: 2 },
    { threads: [[3], [4]], barrier: -1 },
  ]);
});

test("one thread runs the block whole, with no barriers", () => {
  const dag = [[], [], [0, 1], [], [2, 3]];
  const plan = partitionPlan(dag, [1, 2, 3, 4, 5], 1);
  assert.deepEqual(plan.segments, [{ threads: [[0, 1, 2, 3, 4]], barrier: -1 }]);
  assert.equal(plan.makespan, 15);
});

test("a random graph: every transaction once, and the makespan between the bounds", () => {
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const n = 300;
  const dag: number[][] = [];
  const costs: number[] = [];
  for (let tx = 0; tx < n; tx++) {
    const deps = new Set<number>();
    if (tx > 0 && next() < 0.4) deps.add(Math.floor(next() * tx));
    if (tx > 0 && next() < 0.1) deps.add(Math.floor(next() * tx));
    if (next() < 0.01) for (let d = 0; d < tx; d++) deps.add(d);
    dag.push([...deps].sort((a, b) => a - b));
    costs.push(0.5 + next());
  }
  const total = costs.reduce((a, b) => a + b, 0);
  for (const threads of [1, 2, 4, 8]) {
    const plan = partitionPlan(dag, costs, threads);
    assertCoversOnce(plan, n);
    assert.ok(plan.makespan <= total + 1e-9, `${threads} threads: no more than the whole block`);
    assert.ok(plan.makespan >= total / threads - 1e-9, `${threads} threads: no less than an even share`);
  }
  assert.equal(partitionPlan(dag, costs, 1).makespan, total);
});

test("bad input is refused", () => {
  assert.throws(() => partitionPlan([[]], [1], 0), /threads: 0/);
  assert.throws(() => partitionPlan([[], [1]], [1, 1], 2), /transaction 1 depends on 1/);
  assert.throws(() => partitionPlan([[]], [1, 2], 2), /1 transactions, but 2 costs/);
  assert.deepEqual(partitionPlan([], [], 2), { segments: [{ threads: [[], []], barrier: -1 }], makespan: 0 });
  assert.equal(partitionSpeedup([], [], 2), 1);
});
