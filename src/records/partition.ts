// Shared-nothing partitions of a block's dependency graph: the plan of an executor whose threads do
// not exchange values while they run. Within a segment of the block, each group of transactions
// connected by dependencies goes to one thread (the heaviest groups first, each to the thread with
// the least work), and each thread runs its transactions in block order on a state of its own; at
// the segment's end the threads' changes are merged. A transaction that joins several groups whose
// work together exceeds a thread's share of the segment (in mainnet blocks, a read of the fee
// recipient's balance, which every transaction's fee credits) would leave the threads unbalanced:
// it ends the segment instead, and runs alone once the threads' changes are merged.
import { checkTxDag, type TxDag } from "./txDag.js";

export interface PartitionSegment {
  /** The segment's transactions on each thread, ascending (a thread may have none). */
  threads: number[][];
  /** The transaction that runs alone after the segment, on the merged state (-1: none). */
  barrier: number;
}

export interface PartitionPlan {
  segments: PartitionSegment[];
  /**
   * The plan's time in the costs' unit: per segment its busiest thread, plus the barriers. Merging
   * costs nothing here, so this bounds what such an executor can reach.
   */
  makespan: number;
}

/**
 * The shared-nothing plan of the block on `threads` threads (see the module comment): the best of
 * the plans for 1 to `threads` threads (a plan for fewer threads leaves the others idle; with more
 * threads a thread's share is smaller, so more joins end segments, and the plan can be worse).
 */
export function partitionPlan(dag: TxDag, costs: readonly number[], threads: number): PartitionPlan {
  checkTxDag(dag, costs);
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads: ${threads}`);
  let best = planFor(dag, costs, 1);
  for (let k = 2; k <= threads; k++) {
    const plan = planFor(dag, costs, k);
    if (plan.makespan < best.makespan) best = plan;
  }
  for (const segment of best.segments) while (segment.threads.length < threads) segment.threads.push([]);
  return best;
}

function planFor(dag: TxDag, costs: readonly number[], threads: number): PartitionPlan {
  const groups = new Groups(dag.length);
  const segments: PartitionSegment[] = [];
  let makespan = 0;
  let start = 0;
  let segmentCost = 0;
  for (let tx = 0; tx < dag.length; tx++) {
    const joined = groups.rootsOf(tx, dag[tx]!, start);
    let mergedCost = costs[tx]!;
    for (const root of joined) mergedCost += groups.cost[root]!;
    if (joined.length >= 2 && mergedCost > (segmentCost + costs[tx]!) / threads) {
      const segment = assign(groups, start, tx, threads, tx);
      segments.push(segment.plan);
      makespan += segment.busiest + costs[tx]!;
      start = tx + 1;
      segmentCost = 0;
      continue;
    }
    groups.add(tx, costs[tx]!, joined);
    segmentCost += costs[tx]!;
  }
  if (start < dag.length || segments.length === 0) {
    const segment = assign(groups, start, dag.length, threads, -1);
    segments.push(segment.plan);
    makespan += segment.busiest;
  }
  return { segments, makespan };
}

/** The speedup of the plan on `threads` threads: total cost over its makespan (1 for a block that costs nothing). */
export function partitionSpeedup(dag: TxDag, costs: readonly number[], threads: number): number {
  const { makespan } = partitionPlan(dag, costs, threads);
  return makespan === 0 ? 1 : costs.reduce((a, b) => a + b, 0) / makespan;
}

/** Transactions [from, to) by group, the groups to threads, heaviest first, each to the least loaded (ties: the lower thread). */
function assign(groups: Groups, from: number, to: number, threads: number, barrier: number): { plan: PartitionSegment; busiest: number } {
  const roots: number[] = [];
  for (let tx = from; tx < to; tx++) if (groups.find(tx) === tx) roots.push(tx);
  roots.sort((a, b) => groups.cost[b]! - groups.cost[a]! || a - b);
  const load = new Float64Array(threads);
  const threadOf = new Map<number, number>();
  for (const root of roots) {
    let least = 0;
    for (let t = 1; t < threads; t++) if (load[t]! < load[least]!) least = t;
    load[least]! += groups.cost[root]!;
    threadOf.set(root, least);
  }
  const lists: number[][] = Array.from({ length: threads }, () => []);
  for (let tx = from; tx < to; tx++) lists[threadOf.get(groups.find(tx))!]!.push(tx);
  let busiest = 0;
  for (const l of load) if (l > busiest) busiest = l;
  return { plan: { threads: lists, barrier }, busiest };
}

/** Union-find over the block's transactions; a root holds its group's cost. */
class Groups {
  private readonly parent: Int32Array;
  readonly cost: Float64Array;
  /** The transaction whose dependencies last listed each root (a join of many groups lists each once, in linear time). */
  private readonly listedBy: Int32Array;

  constructor(n: number) {
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
    this.cost = new Float64Array(n);
    this.listedBy = new Int32Array(n).fill(-1);
  }

  find(tx: number): number {
    const parent = this.parent;
    while (parent[tx] !== tx) {
      parent[tx] = parent[parent[tx]!]!;
      tx = parent[tx]!;
    }
    return tx;
  }

  /** The distinct groups of `tx`'s `dependencies` at or after `from` (earlier ones are in finished segments). */
  rootsOf(tx: number, dependencies: readonly number[], from: number): number[] {
    const roots: number[] = [];
    for (const d of dependencies) {
      if (d < from) continue;
      const root = this.find(d);
      if (this.listedBy[root] === tx) continue;
      this.listedBy[root] = tx;
      roots.push(root);
    }
    return roots;
  }

  /** Makes `tx` the root of its own group joined with `roots`. */
  add(tx: number, cost: number, roots: readonly number[]): void {
    let total = cost;
    for (const root of roots) {
      this.parent[root] = tx;
      total += this.cost[root]!;
    }
    this.cost[tx] = total;
  }
}
