// The record summary on small blocks whose answers are worked out by hand, and on a large random one.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Word } from "../../src/primitives/word.js";
import { formatSummary, summarize, type RecordSummary } from "../../src/records/analysis.js";
import { dependencyGraph } from "../../src/records/graph.js";
import { Field, PRE_STATE, TxStatus, type BlockRecord, type Location, type Read, type RunInfo, type TxRecord, type Write } from "../../src/records/record.js";
import { random } from "../helpers/random.js";

// ---- building records by hand ----------------------------------------------------------------

/** A location: a storage slot when `slot` is given, else the account's balance. */
interface Loc {
  address: Word;
  slot?: Word;
}

interface TxSpec {
  reads?: Loc[];
  /** Absolute writes. */
  writes?: Loc[];
  /** Balance credits written as deltas (not read). */
  credits?: Loc[];
  ms?: number;
  gas?: number;
  incarnations?: number;
  aborts?: number;
  validationFailures?: number;
}

function location({ address, slot }: Loc): Location {
  return slot === undefined ? { address, field: Field.Balance, slot: 0 } : { address, field: Field.Storage, slot };
}

function key(loc: Location): string {
  return `${loc.address}:${loc.field}:${loc.slot}`;
}

/**
 * A block whose reads see what the earlier transactions wrote: a read's version is the last
 * absolute writer before it (or PRE_STATE), its credits the crediting transactions since then.
 */
function block(specs: TxSpec[], run: Partial<RunInfo> = {}): BlockRecord {
  const state = new Map<string, { version: number; credits: number[] }>();
  const transactions: TxRecord[] = specs.map((spec, index) => {
    const reads: Read[] = (spec.reads ?? []).map((l) => {
      const loc = location(l);
      const seen = state.get(key(loc)) ?? { version: PRE_STATE, credits: [] };
      return { location: loc, version: seen.version, credits: [...seen.credits] };
    });
    const writes: Write[] = [];
    for (const l of spec.writes ?? []) {
      const loc = location(l);
      state.set(key(loc), { version: index, credits: [] });
      writes.push({ location: loc, value: 1, credit: null });
    }
    for (const l of spec.credits ?? []) {
      const loc = location(l);
      const seen = state.get(key(loc)) ?? { version: PRE_STATE, credits: [] };
      state.set(key(loc), { version: seen.version, credits: [...seen.credits, index] });
      writes.push({ location: loc, value: 1n, credit: 1n });
    }
    return {
      index,
      reads,
      writes,
      gasUsed: BigInt(spec.gas ?? 21000),
      status: TxStatus.Success,
      ms: spec.ms ?? 1,
      incarnations: spec.incarnations ?? 1,
      aborts: spec.aborts ?? 0,
      validationFailures: spec.validationFailures ?? 0,
    };
  });
  const gasUsed = transactions.reduce((a, tx) => a + tx.gasUsed, 0n);
  return {
    block: { number: 1n, hash: null, fork: "Cancun", coinbase: 0xc0, gasUsed, txCount: transactions.length },
    run: { mode: "parallel", workers: 4, fallback: null, stopped: null, executionMs: 0, source: "block-stm", ...run },
    transactions,
    codes: new Map(),
    pre: { reads: [], writes: [] },
    post: { reads: [], writes: [] },
    timeline: [],
  };
}

function summary(record: BlockRecord, options?: { sequentialMs?: number; topN?: number }): RecordSummary {
  return summarize(record, dependencyGraph(record), options);
}

/** An address word rendered by hand: 0x + 40 hex digits. */
function hexAddress(digits: string): string {
  return "0x" + digits.padStart(40, "0");
}

function hexSlot(digits: string): string {
  return "0x" + digits.padStart(64, "0");
}

const EMPTY_HISTOGRAM = [
  { from: 1, to: 1, count: 0 },
  { from: 2, to: 2, count: 0 },
  { from: 3, to: 4, count: 0 },
  { from: 5, to: 8, count: 0 },
  { from: 9, to: 16, count: 0 },
  { from: 17, to: 64, count: 0 },
  { from: 65, to: null, count: 0 },
];

function histogram(counts: number[]): typeof EMPTY_HISTOGRAM {
  return EMPTY_HISTOGRAM.map((bucket, i) => ({ ...bucket, count: counts[i]! }));
}

function speedups(two: number, four: number, eight: number, sixteen: number, unbounded: number): RecordSummary["idealSpeedup"]["byTime"] {
  return {
    threads: [
      { threads: 2, speedup: two },
      { threads: 4, speedup: four },
      { threads: 8, speedup: eight },
      { threads: 16, speedup: sixteen },
    ],
    unbounded,
  };
}

// ---- small blocks ----------------------------------------------------------------------------

// A big (bigint) address, to check the hex rendering of a word above 2^53.
const TOKEN = 0xdac17f958d2ee523a2206206994597c13d831ec7n;

test("a chain: every transaction waits for the one before", () => {
  // tx0 writes slot 1 of TOKEN; tx1 and tx2 each read it and write it again. Edges 0->1, 1->2.
  const record = block(
    [
      { writes: [{ address: TOKEN, slot: 1 }], ms: 1, gas: 21000 },
      { reads: [{ address: TOKEN, slot: 1 }], writes: [{ address: TOKEN, slot: 1 }], ms: 2, gas: 30000 },
      { reads: [{ address: TOKEN, slot: 1 }], writes: [{ address: TOKEN, slot: 1 }], ms: 3, gas: 50000 },
    ],
    { executionMs: 4 },
  );
  const s = summary(record, { sequentialMs: 6 });
  assert.equal(s.txCount, 3);
  assert.equal(s.edgeCount, 2);
  assert.equal(s.dependentTxs, 2);
  assert.equal(s.conflictRatio, 2 / 3);
  assert.equal(s.independentShare, 0);
  assert.deepEqual(s.components, { count: 1, largest: 3 });
  // The whole block is the path: 1 + 2 + 3 = 6 ms, 101000 gas.
  assert.deepEqual(s.criticalPath.byTime, { transactions: [0, 1, 2], total: 6, blockTotal: 6, share: 1 });
  assert.deepEqual(s.criticalPath.byGas, { transactions: [0, 1, 2], total: 101000, blockTotal: 101000, share: 1 });
  assert.deepEqual(s.idealSpeedup.byTime, speedups(1, 1, 1, 1, 1));
  assert.deepEqual(s.idealSpeedup.byGas, speedups(1, 1, 1, 1, 1));
  // 6 ms of work in 4 ms of wall time; sequential 6 ms. L = 6 x 1 = T: no efficiency to measure.
  assert.deepEqual(s.achieved, { parallelism: 1.5, speedup: 1.5, schedulingEfficiency: null });
  assert.deepEqual(s.dependencyDistance, { count: 2, mean: 1, median: 1, max: 1, histogram: histogram([2, 0, 0, 0, 0, 0, 0]) });
  assert.deepEqual(s.hotSpots.contracts, [{ address: "0xdac17f958d2ee523a2206206994597c13d831ec7", edges: 2, reexecutions: 0 }]);
  assert.deepEqual(s.hotSpots.slots, [{ address: "0xdac17f958d2ee523a2206206994597c13d831ec7", slot: hexSlot("1"), edges: 2 }]);
  assert.equal(s.reexecutions, 0);
});

test("independent transactions: no edges, the threads bound the speedup", () => {
  // Each transaction reads and writes its own balance (pre-state reads: no edges).
  const gas = [10, 40, 20, 30];
  const record = block(
    gas.map((g, i) => ({ reads: [{ address: 0x100 + i }], writes: [{ address: 0x100 + i }], ms: 1, gas: g })),
    { executionMs: 2 },
  );
  const s = summary(record, { sequentialMs: 4 });
  assert.equal(s.edgeCount, 0);
  assert.equal(s.dependentTxs, 0);
  assert.equal(s.conflictRatio, 0);
  assert.equal(s.independentShare, 1);
  assert.deepEqual(s.components, { count: 4, largest: 1 });
  // By time every transaction finishes at 1: the lowest index, tx0, is the path.
  assert.deepEqual(s.criticalPath.byTime, { transactions: [0], total: 1, blockTotal: 4, share: 0.25 });
  // By gas tx1 (40 of 100) is the longest.
  assert.deepEqual(s.criticalPath.byGas, { transactions: [1], total: 40, blockTotal: 100, share: 0.4 });
  // Time: 4 unit transactions take 2 on 2 threads, 1 on 4 or more.
  assert.deepEqual(s.idealSpeedup.byTime, speedups(2, 4, 4, 4, 4));
  // Gas on 2 threads: tx0 0-10 and tx1 0-40; tx2 10-30; tx3 30-60. 100 / 60. On 4: 100 / 40.
  assert.deepEqual(s.idealSpeedup.byGas, speedups(100 / 60, 2.5, 2.5, 2.5, 2.5));
  // Parallelism 4 / 2; speedup 4 / 2; L = 4 x 0.25 = 1, M = (4 - 2) / (4 - 1).
  assert.deepEqual(s.achieved, { parallelism: 2, speedup: 2, schedulingEfficiency: 2 / 3 });
  assert.deepEqual(s.dependencyDistance, { count: 0, mean: 0, median: 0, max: 0, histogram: EMPTY_HISTOGRAM });
  assert.deepEqual(s.hotSpots, { contracts: [], slots: [] });
});

test("a diamond: the path follows the longer branch, by time and by gas", () => {
  // tx0 writes A and B; tx1 reads A writes C; tx2 reads B writes D; tx3 reads C and D.
  // Edges 0->1 (A), 0->2 (B), 1->3 (C), 2->3 (D). Time 2,1,3,1: 0-2-3 = 6 of 7. Gas 1,5,1,1: 0-1-3 = 7 of 8.
  const [A, B, C, D] = [1, 2, 3, 4].map((slot) => ({ address: 0xd, slot }));
  const record = block([
    { writes: [A!, B!], ms: 2, gas: 1 },
    { reads: [A!], writes: [C!], ms: 1, gas: 5 },
    { reads: [B!], writes: [D!], ms: 3, gas: 1 },
    { reads: [C!, D!], ms: 1, gas: 1 },
  ]);
  const s = summary(record);
  assert.equal(s.edgeCount, 4);
  assert.equal(s.dependentTxs, 3);
  assert.equal(s.conflictRatio, 0.75);
  assert.equal(s.independentShare, 0);
  assert.deepEqual(s.components, { count: 1, largest: 4 });
  assert.deepEqual(s.criticalPath.byTime, { transactions: [0, 2, 3], total: 6, blockTotal: 7, share: 6 / 7 });
  assert.deepEqual(s.criticalPath.byGas, { transactions: [0, 1, 3], total: 7, blockTotal: 8, share: 7 / 8 });
  // Two threads already reach the path's 6 ms (0: 0-2; 1: 2-3 and 2: 2-5; 3: 5-6).
  assert.deepEqual(s.idealSpeedup.byTime, speedups(7 / 6, 7 / 6, 7 / 6, 7 / 6, 7 / 6));
  assert.deepEqual(s.idealSpeedup.byGas, speedups(8 / 7, 8 / 7, 8 / 7, 8 / 7, 8 / 7));
  // executionMs 0: nothing measured.
  assert.deepEqual(s.achieved, { parallelism: null, speedup: null, schedulingEfficiency: null });
  // Distances 1, 2, 2, 1: mean 1.5, median (1 + 2) / 2.
  assert.deepEqual(s.dependencyDistance, { count: 4, mean: 1.5, median: 1.5, max: 2, histogram: histogram([2, 2, 0, 0, 0, 0, 0]) });
  assert.deepEqual(s.hotSpots.contracts, [{ address: hexAddress("d"), edges: 4, reexecutions: 0 }]);
  // Each slot is behind one edge: ordered by slot.
  assert.deepEqual(
    s.hotSpots.slots.map((h) => [h.slot, h.edges]),
    [["1", 1], ["2", 1], ["3", 1], ["4", 1]].map(([slot, edges]) => [hexSlot(slot as string), edges]),
  );
});

test("equal branches: the critical path takes the lowest-numbered predecessor", () => {
  // tx0 and tx1 (1 ms each) are independent; tx2 reads from both. Paths 0-2 and 1-2 tie.
  const record = block([
    { writes: [{ address: 0xa }], ms: 1 },
    { writes: [{ address: 0xb }], ms: 1 },
    { reads: [{ address: 0xb }, { address: 0xa }], ms: 1 },
  ]);
  assert.deepEqual(summary(record).criticalPath.byTime.transactions, [0, 2]);
});

test("credits: a read that adds up credits depends on every crediting transaction", () => {
  // tx0 sets X's balance; tx1 and tx2 credit X; tx3 reads X (version 0, credits [1, 2]);
  // tx4 credits X afterwards, read by nobody: no edge. Edges 0->3, 1->3, 2->3.
  const X = { address: 0xf00 };
  const record = block([{ writes: [X] }, { credits: [X] }, { credits: [X] }, { reads: [X] }, { credits: [X] }]);
  assert.deepEqual(record.transactions[3]!.reads[0]!.credits, [1, 2]);
  const s = summary(record);
  assert.equal(s.edgeCount, 3);
  assert.equal(s.dependentTxs, 1);
  assert.equal(s.conflictRatio, 1 / 5);
  assert.equal(s.independentShare, 1 / 5);
  assert.deepEqual(s.components, { count: 2, largest: 4 });
  // Distances 3, 2, 1.
  assert.deepEqual(s.dependencyDistance, { count: 3, mean: 2, median: 2, max: 3, histogram: histogram([1, 1, 1, 0, 0, 0, 0]) });
  assert.deepEqual(s.hotSpots.contracts, [{ address: hexAddress("f00"), edges: 3, reexecutions: 0 }]);
  // A balance is no storage slot.
  assert.deepEqual(s.hotSpots.slots, []);

  // Credits on top of the pre-state: tx1 reads X after tx0 credited it.
  const onPre = summary(block([{ credits: [X] }, { reads: [X] }]));
  assert.equal(onPre.edgeCount, 1);
  assert.deepEqual(onPre.criticalPath.byTime.transactions, [0, 1]);
});

test("two components and an isolated transaction", () => {
  // 0->2 through A; 1->3->4 through B; tx5 touches only its own balance.
  const A = { address: 0xa, slot: 0 };
  const B = { address: 0xb, slot: 0 };
  const record = block([
    { writes: [A] },
    { writes: [B] },
    { reads: [A] },
    { reads: [B], writes: [B] },
    { reads: [B] },
    { reads: [{ address: 0x55 }], writes: [{ address: 0x55 }] },
  ]);
  const s = summary(record);
  assert.equal(s.edgeCount, 3);
  assert.equal(s.dependentTxs, 3);
  assert.equal(s.conflictRatio, 0.5);
  assert.equal(s.independentShare, 1 / 6);
  assert.deepEqual(s.components, { count: 3, largest: 3 });
  // 1-3-4 (3 ms) is the longest chain.
  assert.deepEqual(s.criticalPath.byTime.transactions, [1, 3, 4]);
  // Distances 2, 2, 1.
  assert.deepEqual(s.dependencyDistance.histogram, histogram([1, 2, 0, 0, 0, 0, 0]));
});

test("hot spots: counted once per edge and address, ties by address then slot, retries attributed", () => {
  // tx0 writes c1, c2, a1, b1 (slot 1 of 0xa, ...). Then:
  //   tx1 reads c1, c2, a1 -> edge 0->1 {c, a}; 1 abort, 2 validation failures, 4 incarnations
  //   tx2 reads c1, b1     -> edge 0->2 {c, b}
  //   tx3 reads b1, a1     -> edge 0->3 {b, a}; 1 validation failure, 2 incarnations
  //   tx4 reads c2, b1     -> edge 0->4 {c, b}
  // Contracts by edges: b 3, c 3 (tie: b first), a 2. Retries: tx1's 3 go to c and a, tx3's 1 to b
  // and a: a 4, b 1, c 3. Slots: b1 3 (0->2, 0->3, 0->4), then a1, c1, c2 with 2 each.
  const a1 = { address: 0xa, slot: 1 };
  const b1 = { address: 0xb, slot: 1 };
  const c1 = { address: 0xc, slot: 1 };
  const c2 = { address: 0xc, slot: 2 };
  const record = block([
    { writes: [c1, c2, a1, b1] },
    { reads: [c1, c2, a1], incarnations: 4, aborts: 1, validationFailures: 2 },
    { reads: [c1, b1] },
    { reads: [b1, a1], incarnations: 2, validationFailures: 1 },
    { reads: [c2, b1] },
  ]);
  const s = summary(record);
  // Re-executions: tx1 3 more incarnations and 1 aborted execution, tx3 1 more incarnation.
  assert.equal(s.reexecutions, 5);
  assert.equal(s.aborts, 1);
  assert.equal(s.validationFailures, 3);
  assert.deepEqual(s.hotSpots.contracts, [
    { address: hexAddress("b"), edges: 3, reexecutions: 1 },
    { address: hexAddress("c"), edges: 3, reexecutions: 3 },
    { address: hexAddress("a"), edges: 2, reexecutions: 4 },
  ]);
  assert.deepEqual(s.hotSpots.slots, [
    { address: hexAddress("b"), slot: hexSlot("1"), edges: 3 },
    { address: hexAddress("a"), slot: hexSlot("1"), edges: 2 },
    { address: hexAddress("c"), slot: hexSlot("1"), edges: 2 },
    { address: hexAddress("c"), slot: hexSlot("2"), edges: 2 },
  ]);
  const top2 = summary(record, { topN: 2 });
  assert.deepEqual(top2.hotSpots.contracts.map((h) => h.address), [hexAddress("b"), hexAddress("c")]);
  assert.deepEqual(top2.hotSpots.slots.map((h) => [h.address, h.slot]), [[hexAddress("b"), hexSlot("1")], [hexAddress("a"), hexSlot("1")]]);
});

test("an empty block", () => {
  const s = summary(block([]), { sequentialMs: 1 });
  assert.equal(s.txCount, 0);
  assert.equal(s.edgeCount, 0);
  assert.equal(s.conflictRatio, 0);
  assert.equal(s.independentShare, 0);
  assert.deepEqual(s.components, { count: 0, largest: 0 });
  assert.deepEqual(s.criticalPath.byTime, { transactions: [], total: 0, blockTotal: 0, share: null });
  assert.deepEqual(s.idealSpeedup.byGas, speedups(1, 1, 1, 1, 1));
  assert.deepEqual(s.achieved, { parallelism: null, speedup: null, schedulingEfficiency: null });
  assert.deepEqual(s.dependencyDistance, { count: 0, mean: 0, median: 0, max: 0, histogram: EMPTY_HISTOGRAM });
  assert.equal(s.reexecutions + s.aborts + s.validationFailures, 0);
  assert.equal(formatSummary(s).length, 7);
});

test("dependency distances fill the buckets 1, 2, 3-4, 5-8, 9-16, 17-64, 65+", () => {
  // tx0 writes one slot per reader; the readers sit at distances 1, 2, 3, 4, 5, 8, 9, 16, 17, 64, 65, 100.
  const distances = [1, 2, 3, 4, 5, 8, 9, 16, 17, 64, 65, 100];
  const specs: TxSpec[] = Array.from({ length: 101 }, () => ({}));
  specs[0] = { writes: distances.map((d) => ({ address: 0xe, slot: d })) };
  for (const d of distances) specs[d] = { reads: [{ address: 0xe, slot: d }] };
  const s = summary(block(specs));
  // Sum 294 over 12; the middle two of 12 are 8 and 9.
  assert.deepEqual(s.dependencyDistance, { count: 12, mean: 24.5, median: 8.5, max: 100, histogram: histogram([1, 1, 2, 2, 2, 2, 2]) });
  // tx0 and its 12 readers form one component; the 88 others stand alone.
  assert.deepEqual(s.components, { count: 89, largest: 13 });
  assert.equal(s.independentShare, 88 / 101);
});

test("the summary survives JSON, and the CLI lines say what was found", () => {
  const X = { address: 0xa, slot: 7 };
  const record = block(
    [
      { writes: [X], ms: 2 },
      { reads: [X], writes: [X], ms: 2, incarnations: 2, aborts: 1 },
      { reads: [{ address: 0xb }], ms: 4 },
    ],
    { executionMs: 4 },
  );
  const s = summary(record, { sequentialMs: 8 });
  assert.deepEqual(JSON.parse(JSON.stringify(s)), s);
  const lines = formatSummary(s);
  // Path 0-1: 4 of 8 ms. Two threads: 0 and 2 from 0, 1 from 2 to 4: 8 / 4 = 2x.
  // Parallelism 8 / 4 = 2x; speedup 8 / 4 = 2x; L = 8 x 0.5 = 4, M = (8 - 4) / (8 - 4) = 1.
  assert.match(lines[0]!, /^critical path: 2 of 3 txs, 50\.0% of the time \(4 of 8 ms\)/);
  assert.match(lines[1]!, /^ideal speedup by time: 2 threads 2\.00x, 4 threads 2\.00x, .* unbounded 2\.00x$/);
  assert.match(lines[3]!, /^achieved: parallelism 2\.00x, speedup 2\.00x, scheduling efficiency 1; 2 re-executions \(1 aborts, 0 validation failures\)$/);
  assert.match(lines[4]!, /^conflict ratio: 33\.3% \(1 of 3 txs depend on another, 1 edges\); 33\.3% independent; 2 components \(largest 2\)$/);
  assert.match(lines[5]!, /^dependency distance: mean 1, median 1, max 1 over 1 edges$/);
  assert.equal(lines[6], `hot spots: ${hexAddress("a")} (1 edges, 1 re-executions)`);
});

test("a graph of another block is refused", () => {
  const record = block([{}, {}]);
  assert.throws(() => summarize(record, dependencyGraph(block([{}]))), RangeError);
});

// ---- a large random block --------------------------------------------------------------------


test("10,000 transactions with about 30,000 edges: quick, and the sums agree", () => {
  const next = random(20240607);
  const pick = (n: number): number => Math.floor(next() * n);
  // 2000 storage slots over 250 contracts; each transaction reads up to 6 and writes 1 or 2 of them.
  const slotLoc = (): Loc => ({ address: 0x1000 + pick(250), slot: pick(8) });
  const specs: TxSpec[] = Array.from({ length: 10_000 }, () => ({
    reads: Array.from({ length: pick(7) }, slotLoc),
    writes: Array.from({ length: 1 + pick(2) }, slotLoc),
    ms: 0.01 + next(),
    gas: 21000 + pick(200_000),
    incarnations: 1 + (next() < 0.1 ? 1 : 0),
    aborts: next() < 0.05 ? 1 : 0,
  }));
  for (const spec of specs) spec.reads = dedupe(spec.reads!);
  const record = block(specs, { executionMs: 500 });
  const graph = dependencyGraph(record);
  assert.ok(graph.edges.length > 20_000, `${graph.edges.length} edges`);

  summarize(record, graph); // warm up
  const started = performance.now();
  const s = summarize(record, graph, { sequentialMs: 2000 });
  const elapsed = performance.now() - started;
  assert.ok(elapsed < 1000, `summarize took ${elapsed.toFixed(1)} ms`);

  assert.equal(s.edgeCount, graph.edges.length);
  assert.equal(s.dependencyDistance.count, s.edgeCount);
  assert.equal(s.dependencyDistance.histogram.reduce((a, b) => a + b.count, 0), s.edgeCount);
  assert.equal(s.dependentTxs, graph.predecessors.filter((p) => p.length > 0).length);
  assert.equal(s.reexecutions, specs.filter((t) => t.incarnations === 2).length + specs.filter((t) => t.aborts === 1).length);
  assert.equal(s.aborts, specs.filter((t) => t.aborts === 1).length);
  assert.ok(s.components.largest <= s.txCount && s.components.count >= 1);

  for (const [path, cost] of [
    [s.criticalPath.byTime, (i: number) => record.transactions[i]!.ms],
    [s.criticalPath.byGas, (i: number) => Number(record.transactions[i]!.gasUsed)],
  ] as const) {
    // A chain of edges whose costs add up to its total.
    for (let k = 1; k < path.transactions.length; k++) {
      assert.ok(graph.predecessors[path.transactions[k]!]!.includes(path.transactions[k - 1]!));
    }
    const total = path.transactions.reduce((a, i) => a + cost(i), 0);
    assert.ok(Math.abs(total - path.total) <= 1e-9 * path.total, `${total} vs ${path.total}`);
  }
  for (const table of [s.idealSpeedup.byTime, s.idealSpeedup.byGas]) {
    for (let k = 0; k < table.threads.length; k++) {
      const { threads, speedup } = table.threads[k]!;
      assert.ok(speedup <= threads + 1e-9 && speedup <= table.unbounded + 1e-9);
      if (k > 0) assert.ok(speedup >= table.threads[k - 1]!.speedup - 1e-9);
    }
  }
  const contracts = s.hotSpots.contracts;
  assert.equal(contracts.length, 10);
  for (let k = 1; k < contracts.length; k++) assert.ok(contracts[k - 1]!.edges >= contracts[k]!.edges);
  assert.equal(s.hotSpots.slots.length, 10);
});

function dedupe(locs: Loc[]): Loc[] {
  const seen = new Set<string>();
  return locs.filter((l) => {
    const k = `${l.address}:${l.slot}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
