// The page's copy of the ideal schedule (src/report/schedule.ts) against the original
// (records/txDag.ts idealSchedule): the same thread, start and end for every transaction, on
// random graphs with ties in the costs (equal finish times are where two implementations of list
// scheduling part ways), in block order and in critical-path order; and the function really is
// self-contained, as the page needs it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { criticalPathOrder, idealMakespan, idealSchedule, type TxDag } from "../../src/records/txDag.js";
import { pageSchedule } from "../../src/report/schedule.js";
import { random } from "../helpers/random.js";

function randomDag(n: number, seed: number, density: number): { dag: number[][]; costs: number[] } {
  const next = random(seed);
  const dag: number[][] = [];
  const costs: number[] = [];
  for (let tx = 0; tx < n; tx++) {
    const deps = new Set<number>();
    for (let j = 0; j < tx; j++) if (next() < density / Math.max(1, tx - j)) deps.add(j);
    dag.push([...deps].sort((a, b) => a - b));
    // A third small integers (ties), a third zero or tiny, the rest fractional.
    const kind = next();
    costs.push(kind < 0.33 ? Math.floor(next() * 4) : kind < 0.45 ? 0 : kind < 0.6 ? 1e-4 * Math.floor(next() * 3) : Math.round(next() * 1e4) / 1e4);
  }
  return { dag, costs };
}

function assertSameSchedule(dag: TxDag, costs: number[], threads: number, order: Int32Array | null, what: string): void {
  const expected = idealSchedule(dag, costs, threads, order ?? undefined);
  const actual = pageSchedule(dag, costs, threads, order);
  for (let tx = 0; tx < dag.length; tx++) {
    assert.deepEqual([actual.thread[tx], actual.start[tx], actual.end[tx]], [expected[tx]!.thread, expected[tx]!.start, expected[tx]!.end], `${what}: transaction ${tx}`);
  }
  assert.equal(actual.makespan, idealMakespan(dag, costs, threads, order ?? undefined), `${what}: makespan`);
}

test("pageSchedule gives idealSchedule's schedule, in block order and in critical-path order", () => {
  let cases = 0;
  for (let seed = 1; seed <= 40; seed++) {
    const n = 1 + ((seed * 37) % 180);
    const { dag, costs } = randomDag(n, seed, seed % 3 === 0 ? 2.5 : 0.8);
    const order = criticalPathOrder(dag, costs);
    for (const threads of [1, 2, 3, 4, 8, 16]) {
      assertSameSchedule(dag, costs, threads, null, `seed ${seed}, ${threads} threads, block order`);
      assertSameSchedule(dag, costs, threads, order, `seed ${seed}, ${threads} threads, critical-path order`);
      cases += 2;
    }
  }
  assert.equal(cases, 480);
});

test("pageSchedule on a hand-made graph, duplicate predecessors and an empty block", () => {
  // 0, 1 short and 2 long, independent; 3 waits for 2. Block order on 2 threads leaves 2 late.
  const dag = [[], [], [], [2, 2]];
  const costs = [1, 1, 3, 3];
  const block = pageSchedule(dag, costs, 2, null);
  assert.deepEqual([...block.thread], [0, 1, 0, 0]);
  assert.deepEqual([...block.start], [0, 0, 1, 4]);
  assert.equal(block.makespan, 7);
  const critical = pageSchedule(dag, costs, 2, criticalPathOrder(dag, costs));
  assert.deepEqual([...critical.start], [0, 1, 0, 3]);
  assert.equal(critical.makespan, 6);
  assert.equal(pageSchedule([], [], 4, null).makespan, 0);
});

test("pageSchedule is self-contained: its source alone, evaluated, computes the same", () => {
  const { dag, costs } = randomDag(60, 99, 1);
  const copy = new Function(`return (${pageSchedule.toString()});`)() as typeof pageSchedule;
  assert.deepEqual(copy(dag, costs, 4, null), pageSchedule(dag, costs, 4, null));
});
