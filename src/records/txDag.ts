// A block's transaction dependency graph (TxDAG) and what it allows. dag[i] lists the earlier
// transactions whose writes transaction i read (ParallelResult.txDag); costs[i] is the time
// transaction i takes to execute. From them: the critical path (the longest chain of dependent
// transactions), the makespan of an ideal executor on k threads, and the bound no executor beats.

export type TxDag = readonly (readonly number[])[];

/** Throws a RangeError naming the first entry that is not an earlier transaction, or a size mismatch. */
export function checkTxDag(dag: TxDag, costs: readonly number[]): void {
  if (dag.length !== costs.length) throw new RangeError(`dependency graph of ${dag.length} transactions, but ${costs.length} costs`);
  for (let tx = 0; tx < dag.length; tx++) {
    for (const d of dag[tx]!) {
      if (!Number.isInteger(d) || d < 0 || d >= tx) throw new RangeError(`transaction ${tx} depends on ${d}, which is not an earlier transaction`);
    }
    const cost = costs[tx]!;
    if (!(cost >= 0)) throw new RangeError(`transaction ${tx} has cost ${cost}`);
  }
}

/** The most expensive chain of dependent transactions: no executor completes the block sooner. */
export function criticalPath(dag: TxDag, costs: readonly number[]): number {
  checkTxDag(dag, costs);
  const finish = new Float64Array(dag.length);
  let longest = 0;
  for (let tx = 0; tx < dag.length; tx++) {
    let start = 0;
    for (const d of dag[tx]!) if (finish[d]! > start) start = finish[d]!;
    finish[tx] = start + costs[tx]!;
    if (finish[tx]! > longest) longest = finish[tx]!;
  }
  return longest;
}

/**
 * Makespan on `threads` threads of Block-STM with perfect foresight: whenever a thread is free it
 * takes the lowest-numbered transaction whose dependencies are all done, and nothing costs
 * anything but the transactions themselves (no aborts, validation, or hand-off). With `order` (a
 * permutation, as criticalPathOrder gives), a free thread takes the ready transaction that comes
 * first in it instead of the lowest-numbered.
 */
export function idealMakespan(dag: TxDag, costs: readonly number[], threads: number, order?: ArrayLike<number>): number {
  return idealMakespans(dag, costs, [threads], order)[0]!;
}

/**
 * idealMakespan on each of `threadCounts`, the graph laid out once (a summary asks for four
 * thread counts of each kind of cost).
 */
export function idealMakespans(dag: TxDag, costs: readonly number[], threadCounts: readonly number[], order?: ArrayLike<number>): number[] {
  checkTxDag(dag, costs);
  threadCounts.forEach(checkThreads);
  const layout = dependentsOf(dag);
  const rank = rankOf(dag.length, order);
  return threadCounts.map((threads) => listSchedule(layout, costs, threads, rank, null));
}

function checkThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads: ${threads}`);
}

/**
 * List scheduling with perfect foresight: whenever a thread is free it takes the ready
 * transaction of lowest rank. Returns the makespan; fills `schedule` (one entry per transaction,
 * the lowest free thread taking it) when given. Without a schedule a thread's identity does not
 * matter, and a count stands for the free ones.
 */
function listSchedule(layout: Dependents, costs: readonly number[], threads: number, rank: Int32Array, schedule: ScheduledTransaction[] | null): number {
  const { dependents, firstDependent } = layout;
  const n = rank.length;
  const waitingOn = layout.dependencyCount.slice();
  const ready = new IndexHeap(n);
  for (let tx = 0; tx < n; tx++) if (waitingOn[tx] === 0) ready.push(tx, rank[tx]!);
  const running = new IndexHeap(Math.min(n, threads)); // keyed by finish time
  let freeThreads: IndexHeap | null = null; // keyed by thread number
  if (schedule !== null) {
    freeThreads = new IndexHeap(threads);
    for (let t = 0; t < threads; t++) freeThreads.push(t, t);
  }
  let free = threads;
  let now = 0;
  for (let done = 0; done < n; done++) {
    while (free > 0 && ready.size > 0) {
      const tx = ready.pop();
      free--;
      if (freeThreads !== null) schedule![tx] = { thread: freeThreads.pop(), start: now, end: now + costs[tx]! };
      running.push(tx, now + costs[tx]!);
    }
    now = running.peekKey();
    const finished = running.pop();
    free++;
    if (freeThreads !== null) freeThreads.push(schedule![finished]!.thread, schedule![finished]!.thread);
    for (let at = firstDependent[finished]!, end = firstDependent[finished + 1]!; at < end; at++) {
      const u = dependents[at]!;
      if (--waitingOn[u]! === 0) ready.push(u, rank[u]!);
    }
  }
  return now; // the running heap pops in order of finish: the last is the latest
}

/** For each transaction, the later ones that depend on it (each once), as CSR arrays, and how many distinct ones each depends on. */
interface Dependents {
  dependents: Int32Array;
  /** Transaction tx's dependents are dependents[firstDependent[tx] .. firstDependent[tx + 1]), ascending. */
  firstDependent: Int32Array;
  dependencyCount: Int32Array;
}

function dependentsOf(dag: TxDag): Dependents {
  const n = dag.length;
  const dependencyCount = new Int32Array(n);
  const firstDependent = new Int32Array(n + 1);
  const seenBy = new Int32Array(n).fill(-1); // a dependency listed twice counts once
  for (let tx = 0; tx < n; tx++) {
    for (const d of dag[tx]!) {
      if (seenBy[d] === tx) continue;
      seenBy[d] = tx;
      dependencyCount[tx]!++;
      firstDependent[d + 1]!++;
    }
  }
  for (let tx = 0; tx < n; tx++) firstDependent[tx + 1]! += firstDependent[tx]!;
  const dependents = new Int32Array(firstDependent[n]!);
  const fill = firstDependent.slice(0, n);
  seenBy.fill(-1);
  for (let tx = 0; tx < n; tx++) {
    for (const d of dag[tx]!) {
      if (seenBy[d] === tx) continue;
      seenBy[d] = tx;
      dependents[fill[d]!++] = tx;
    }
  }
  return { dependents, firstDependent, dependencyCount };
}

function rankOf(n: number, order: ArrayLike<number> | undefined): Int32Array {
  const rank = new Int32Array(n);
  for (let position = 0; position < n; position++) rank[order === undefined ? position : order[position]!] = position;
  return rank;
}

/** Where and when idealSchedule runs one transaction. */
export interface ScheduledTransaction {
  thread: number;
  start: number;
  end: number;
}

/**
 * The schedule behind idealMakespan: for each transaction, the thread (0..threads-1, the lowest
 * free one) and the times it runs, in the costs' unit.
 */
export function idealSchedule(dag: TxDag, costs: readonly number[], threads: number, order?: ArrayLike<number>): ScheduledTransaction[] {
  checkTxDag(dag, costs);
  checkThreads(threads);
  const schedule = new Array<ScheduledTransaction>(dag.length);
  listSchedule(dependentsOf(dag), costs, threads, rankOf(dag.length, order), schedule);
  return schedule;
}

/**
 * An execution order for a parallel executor: the transactions by the length of the longest chain
 * of dependent transactions each starts (its own cost included), longest first, ties in block
 * order. Every transaction comes before those that depend on it (when costs are positive), and
 * list scheduling in this order keeps the critical path moving: the threads no longer all take
 * independent transactions in block order while a long chain waits.
 */
export function criticalPathOrder(dag: TxDag, costs: readonly number[]): Int32Array {
  checkTxDag(dag, costs);
  const n = dag.length;
  const chain = new Float64Array(n);
  // Dependents come later in the block: one backward pass gives each its chain.
  const longestAfter = new Float64Array(n);
  for (let tx = n - 1; tx >= 0; tx--) {
    chain[tx] = longestAfter[tx]! + costs[tx]!;
    for (const d of dag[tx]!) if (chain[tx]! > longestAfter[d]!) longestAfter[d] = chain[tx]!;
  }
  const order = Int32Array.from({ length: n }, (_, tx) => tx);
  return order.sort((a, b) => chain[b]! - chain[a]! || a - b);
}

/** The least time any executor needs on `threads` threads: max(critical path, total / threads). */
export function makespanLowerBound(dag: TxDag, costs: readonly number[], threads: number): number {
  return Math.max(criticalPath(dag, costs), costs.reduce((a, b) => a + b, 0) / threads);
}

/** The most any executor gains on `threads` threads: total / makespanLowerBound. */
export function speedupBound(dag: TxDag, costs: readonly number[], threads: number): number {
  const floor = makespanLowerBound(dag, costs, threads);
  return floor === 0 ? 1 : costs.reduce((a, b) => a + b, 0) / floor;
}

/** A binary min-heap of transaction indices by key (ties: lower index first), on typed arrays of a fixed capacity. */
class IndexHeap {
  private readonly items: Int32Array;
  private readonly keys: Float64Array;
  size = 0;

  constructor(capacity: number) {
    this.items = new Int32Array(capacity);
    this.keys = new Float64Array(capacity);
  }

  peekKey(): number {
    return this.keys[0]!;
  }

  push(item: number, key: number): void {
    const items = this.items, keys = this.keys;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = keys[parent]!;
      if (pk < key || (pk === key && items[parent]! < item)) break;
      items[i] = items[parent]!;
      keys[i] = pk;
      i = parent;
    }
    items[i] = item;
    keys[i] = key;
  }

  pop(): number {
    const items = this.items, keys = this.keys;
    const top = items[0]!;
    const n = --this.size;
    if (n === 0) return top;
    const item = items[n]!, key = keys[n]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let m = l;
      if (r < n && (keys[r]! < keys[l]! || (keys[r] === keys[l] && items[r]! < items[l]!))) m = r;
      if (key < keys[m]! || (key === keys[m] && item < items[m]!)) break;
      items[i] = items[m]!;
      keys[i] = keys[m]!;
      i = m;
    }
    items[i] = item;
    keys[i] = key;
    return top;
  }
}

