// The Block-STM collaborative scheduler (Gelashvili et al., PPoPP 2023, algorithms 4-5), kept in a
// SharedArrayBuffer and driven with Atomics so that every worker thread schedules itself: no
// messages per task. Tasks are packed into one number (see `task`) to stay allocation-free.
//
// Per transaction the status word packs the incarnation and one of four states; transitions are
// compare-and-swap loops. Dependencies (a transaction waiting for a lower one that it read an
// ESTIMATE from) are linked lists in the same buffer, guarded by a per-transaction spin lock.
//
// Transactions are executed in block order, or in a given execution order (a permutation: with a
// recorded dependency graph and costs, the transactions on the longest remaining chains first).
// The execution index then counts positions in that order; validation stays in block order, and
// the next task is a validation whenever the transaction at the validation index has executed.

const READY = 0;
const EXECUTING = 1;
const EXECUTED = 2;
const ABORTING = 3;

// Header words, each on a cache line of its own (16 words, 64 bytes): every task updates some of
// them, and on one shared line each update would evict the others (DONE, read on every loop turn,
// above all) from the other cores' caches.
const LINE_WORDS = 16;
const EXECUTION_IDX = 0;
const VALIDATION_IDX = LINE_WORDS;
const DECREASE_CNT = 2 * LINE_WORDS;
const ACTIVE_TASKS = 3 * LINE_WORDS;
const DONE = 4 * LINE_WORDS; // 0 running, 1 complete, HALTED abandoned
const HALTED = 2;
const DEP_NEXT_FREE = 5 * LINE_WORDS; // bump allocator for dependency nodes
const EPOCH = 6 * LINE_WORDS; // bumped whenever new work may have appeared; idle workers wait on it
const WAITERS = 7 * LINE_WORDS; // workers sleeping on EPOCH
const ORDERED = 8 * LINE_WORDS; // 1: an execution order follows the status words (written once, before the block starts)
const HEADER = 9 * LINE_WORDS;

export const enum TaskKind {
  None = 0,
  Execute = 1,
  Validate = 2,
}

/** A task packed as kind + 4 * (txIdx + 2^20 * incarnation); NO_TASK when there is none. */
export const NO_TASK = 0;
const TX_BITS = 2 ** 20;

export function taskKind(task: number): TaskKind {
  return task % 4;
}
export function taskTx(task: number): number {
  return Math.floor(task / 4) % TX_BITS;
}
export function taskIncarnation(task: number): number {
  return Math.floor(task / 4 / TX_BITS);
}
function makeTask(kind: TaskKind, tx: number, incarnation: number): number {
  return kind + 4 * (tx + TX_BITS * incarnation);
}

export const MAX_TXS = TX_BITS - 1;

/**
 * What shared buffers are for: a real block, or a warm-up block (warmup.ts), which may run while a
 * real block holds its buffers. Each use reuses its own previous buffers.
 */
export type BufferUse = "block" | "warmUp";

const spareBuffers: Record<BufferUse, SharedArrayBuffer | null> = { block: null, warmUp: null };

/** Forgets the spare buffer (after a fault, a worker being replaced may still hold it). */
export function discardSpareSchedulerBuffer(): void {
  spareBuffers.block = null;
}

export class Scheduler {
  private readonly words: Int32Array;
  // Layout after the header: status[n], depLock[n], depHead[n], order[n], position[n], then
  // dependency nodes (2 words each). order[p]: the transaction executed p-th; position[tx]: its place.
  private readonly statusBase: number;
  private readonly orderBase: number;
  private readonly positionBase: number;
  /** Executing in a given order rather than block order. */
  private readonly ordered: boolean;
  private readonly lockBase: number;
  private readonly headBase: number;
  private readonly nodeBase: number;
  private readonly nodeCapacity: number;

  constructor(
    readonly buffer: SharedArrayBuffer,
    readonly txCount: number,
  ) {
    this.words = new Int32Array(buffer);
    this.statusBase = HEADER;
    this.lockBase = this.statusBase + txCount;
    this.headBase = this.lockBase + txCount;
    this.orderBase = this.headBase + txCount;
    this.positionBase = this.orderBase + txCount;
    this.nodeBase = this.positionBase + txCount;
    this.nodeCapacity = Math.floor((this.words.length - this.nodeBase) / 2);
    this.ordered = this.words[ORDERED] === 1;
  }

  /**
   * A fresh scheduler for `txCount` transactions, on the previous buffer of the same use when large
   * enough. `order`: the order in which to execute them (a permutation of 0..txCount-1; block order when absent).
   */
  static create(txCount: number, use: BufferUse = "block", order?: ArrayLike<number>): Scheduler {
    if (txCount > MAX_TXS) throw new Error(`too many transactions for the parallel scheduler (${txCount} > ${MAX_TXS})`);
    const nodes = Math.max(1024, txCount * 8);
    const bytes = 4 * (HEADER + 5 * txCount + 2 * nodes);
    // Reuse the previous block's buffer when large enough (no page faults on first touch).
    const spare = spareBuffers[use];
    const buffer = spare !== null && spare.byteLength >= bytes ? spare : new SharedArrayBuffer(bytes);
    spareBuffers[use] = buffer;
    const words = new Int32Array(buffer);
    words.fill(0, 0, HEADER + 2 * txCount);
    words.fill(-1, HEADER + 2 * txCount, HEADER + 3 * txCount);
    if (order !== undefined) writeOrder(words, txCount, order);
    return new Scheduler(buffer, txCount);
  }

  // ---------- status words ----------

  private status(tx: number): number {
    return Atomics.load(this.words, this.statusBase + tx);
  }

  incarnationOf(tx: number): number {
    return this.status(tx) >> 2;
  }

  isExecuted(tx: number): boolean {
    return (this.status(tx) & 3) === EXECUTED;
  }

  /**
   * This executor's lower bound of the executed prefix: every transaction below it was seen
   * executed. It only grows, though a validation may abort one of them later (see below).
   */
  private executedPrefix = 0;

  /**
   * The highest transaction below `tx` not executed now (-1: none). Waiting for the highest first:
   * the lower ones usually finish before it. A transaction below the executed prefix that a
   * validation aborted since is not seen: the caller's read then fails validation, as any early
   * read does. Without the prefix, each call in a block whose lower transactions have all
   * executed would walk all of them (quadratic in a payout block, where most read the coinbase).
   */
  highestUnexecutedBelow(tx: number): number {
    let prefix = this.executedPrefix;
    while (prefix < tx && this.isExecuted(prefix)) prefix++;
    if (prefix > this.executedPrefix) this.executedPrefix = prefix;
    if (prefix >= tx) return -1;
    for (let t = tx - 1; t > prefix; t--) if (!this.isExecuted(t)) return t;
    return prefix;
  }

  /** CAS the status of `tx` from `from` state to `to` state (incarnation + bump); false if not in `from`. */
  private transition(tx: number, from: number, to: number, bump = 0, incarnation = -1): boolean {
    const i = this.statusBase + tx;
    for (;;) {
      const cur = Atomics.load(this.words, i);
      if ((cur & 3) !== from || (incarnation >= 0 && cur >> 2 !== incarnation)) return false;
      const next = (((cur >> 2) + bump) << 2) | to;
      if (Atomics.compareExchange(this.words, i, cur, next) === cur) return true;
    }
  }

  // ---------- indices ----------

  /** Where `tx` comes in the execution order. */
  private positionOf(tx: number): number {
    return this.ordered ? this.words[this.positionBase + tx]! : tx;
  }

  /** Makes the execution index come back to `position` (a transaction there is ready again). */
  private decreaseExecutionPosition(position: number): void {
    atomicMin(this.words, EXECUTION_IDX, position);
    Atomics.add(this.words, DECREASE_CNT, 1);
    this.wake();
  }

  private decreaseValidationIdx(target: number): void {
    atomicMin(this.words, VALIDATION_IDX, target);
    Atomics.add(this.words, DECREASE_CNT, 1);
    this.wake();
  }

  done(): boolean {
    return Atomics.load(this.words, DONE) !== 0;
  }

  /** Whether the block was abandoned (halt) rather than completed. */
  halted(): boolean {
    return Atomics.load(this.words, DONE) === HALTED;
  }

  /** Aborts the block for every worker (a fallback or a fault); `done()` then holds. */
  halt(): void {
    Atomics.store(this.words, DONE, HALTED);
    this.wake();
  }

  private checkDone(): void {
    const observed = Atomics.load(this.words, DECREASE_CNT);
    const n = this.txCount;
    if (
      Math.min(Atomics.load(this.words, EXECUTION_IDX), Atomics.load(this.words, VALIDATION_IDX)) >= n &&
      Atomics.load(this.words, ACTIVE_TASKS) === 0 &&
      observed === Atomics.load(this.words, DECREASE_CNT)
    ) {
      Atomics.store(this.words, DONE, 1);
      this.wake();
    }
  }

  private tryIncarnate(tx: number): number {
    if (tx < this.txCount && this.transition(tx, READY, EXECUTING)) return makeTask(TaskKind.Execute, tx, this.incarnationOf(tx));
    Atomics.sub(this.words, ACTIVE_TASKS, 1);
    return NO_TASK;
  }

  private nextVersionToExecute(): number {
    if (Atomics.load(this.words, EXECUTION_IDX) >= this.txCount) {
      this.checkDone();
      return NO_TASK;
    }
    Atomics.add(this.words, ACTIVE_TASKS, 1);
    const position = Atomics.add(this.words, EXECUTION_IDX, 1);
    return this.tryIncarnate(this.ordered && position < this.txCount ? this.words[this.orderBase + position]! : position);
  }

  private nextVersionToValidate(): number {
    if (Atomics.load(this.words, VALIDATION_IDX) >= this.txCount) {
      this.checkDone();
      return NO_TASK;
    }
    Atomics.add(this.words, ACTIVE_TASKS, 1);
    const tx = Atomics.add(this.words, VALIDATION_IDX, 1);
    if (tx < this.txCount) {
      const s = this.status(tx);
      if ((s & 3) === EXECUTED) return makeTask(TaskKind.Validate, tx, s >> 2);
    }
    Atomics.sub(this.words, ACTIVE_TASKS, 1);
    return NO_TASK;
  }

  nextTask(): number {
    if (this.ordered ? this.validationReady() : Atomics.load(this.words, VALIDATION_IDX) < Atomics.load(this.words, EXECUTION_IDX)) return this.nextVersionToValidate();
    return this.nextVersionToExecute();
  }

  /** In an execution order: the transaction at the validation index has executed (validate it before executing more). */
  private validationReady(): boolean {
    const tx = Atomics.load(this.words, VALIDATION_IDX);
    return tx < this.txCount && this.isExecuted(tx);
  }

  // ---------- dependencies ----------

  private lock(tx: number): void {
    const i = this.lockBase + tx;
    while (Atomics.compareExchange(this.words, i, 0, 1) !== 0) {
      // Spin: the critical sections are a few instructions long.
    }
  }

  private unlock(tx: number): void {
    Atomics.store(this.words, this.lockBase + tx, 0);
  }

  /**
   * `tx` read an ESTIMATE written by `blocking`: suspend `tx` until `blocking` has executed again.
   * False when `blocking` has already executed (the caller re-executes `tx` right away).
   */
  addDependency(tx: number, blocking: number): boolean {
    this.lock(blocking);
    if (this.isExecuted(blocking)) {
      this.unlock(blocking);
      return false;
    }
    this.transition(tx, EXECUTING, ABORTING);
    const node = Atomics.add(this.words, DEP_NEXT_FREE, 1);
    if (node >= this.nodeCapacity) {
      this.unlock(blocking);
      throw new Error("parallel scheduler: dependency storage exhausted");
    }
    const at = this.nodeBase + 2 * node;
    this.words[at] = tx;
    this.words[at + 1] = this.words[this.headBase + blocking]!;
    this.words[this.headBase + blocking] = node;
    this.unlock(blocking);
    Atomics.sub(this.words, ACTIVE_TASKS, 1);
    return true;
  }

  private setReady(tx: number): void {
    this.transition(tx, ABORTING, READY, 1);
  }

  finishExecution(tx: number, incarnation: number, wroteNewLocation: boolean): number {
    this.transition(tx, EXECUTING, EXECUTED);
    this.lock(tx);
    let node = this.words[this.headBase + tx]!;
    this.words[this.headBase + tx] = -1;
    this.unlock(tx);
    let firstDependent = Infinity; // the earliest position in the execution order
    while (node >= 0) {
      const at = this.nodeBase + 2 * node;
      const dependent = this.words[at]!;
      this.setReady(dependent);
      const position = this.positionOf(dependent);
      if (position < firstDependent) firstDependent = position;
      node = this.words[at + 1]!;
    }
    if (firstDependent !== Infinity) this.decreaseExecutionPosition(firstDependent);
    if (Atomics.load(this.words, VALIDATION_IDX) > tx) {
      if (wroteNewLocation) this.decreaseValidationIdx(tx);
      else return makeTask(TaskKind.Validate, tx, incarnation);
    }
    Atomics.sub(this.words, ACTIVE_TASKS, 1);
    this.wake();
    return NO_TASK;
  }

  tryValidationAbort(tx: number, incarnation: number): boolean {
    return this.transition(tx, EXECUTED, ABORTING, 0, incarnation);
  }

  finishValidation(tx: number, aborted: boolean): number {
    if (aborted) {
      this.setReady(tx);
      this.decreaseValidationIdx(tx + 1);
      if (Atomics.load(this.words, EXECUTION_IDX) > this.positionOf(tx)) {
        const task = this.tryIncarnate(tx);
        if (task !== NO_TASK) return task;
        return NO_TASK; // tryIncarnate already released the active-task count
      }
    }
    Atomics.sub(this.words, ACTIVE_TASKS, 1);
    this.wake();
    return NO_TASK;
  }

  // ---------- idling ----------

  /** The current work epoch; pass it to `waitForWork` after finding no task. */
  epoch(): number {
    return Atomics.load(this.words, EPOCH);
  }

  /**
   * True when no task can be picked now: both indices are past the block. (A failed pick while
   * they are not only means another worker holds that transaction: try again at once.)
   */
  nothingToPick(): boolean {
    if (Atomics.load(this.words, EXECUTION_IDX) < this.txCount) return false;
    return this.ordered ? !this.validationReady() : Atomics.load(this.words, VALIDATION_IDX) >= this.txCount;
  }

  /** Sleeps until new work may exist (or `timeoutMs` passes): no busy spinning on idle cores. */
  waitForWork(epoch: number, timeoutMs: number): void {
    Atomics.add(this.words, WAITERS, 1);
    Atomics.wait(this.words, EPOCH, epoch, timeoutMs);
    Atomics.sub(this.words, WAITERS, 1);
  }

  private wake(): void {
    Atomics.add(this.words, EPOCH, 1);
    if (Atomics.load(this.words, WAITERS) > 0) Atomics.notify(this.words, EPOCH);
  }
}

/** Writes `order` and its inverse after the status words; throws a RangeError unless it is a permutation. */
function writeOrder(words: Int32Array, txCount: number, order: ArrayLike<number>): void {
  if (order.length !== txCount) throw new RangeError(`execution order of ${order.length} transactions, but the block has ${txCount}`);
  const orderBase = HEADER + 3 * txCount;
  const positionBase = orderBase + txCount;
  words.fill(-1, positionBase, positionBase + txCount);
  for (let position = 0; position < txCount; position++) {
    const tx = order[position]!;
    if (!Number.isInteger(tx) || tx < 0 || tx >= txCount || words[positionBase + tx] !== -1) throw new RangeError(`execution order: entry ${position} (${tx}) is not a transaction, or repeats one`);
    words[orderBase + position] = tx;
    words[positionBase + tx] = position;
  }
  words[ORDERED] = 1;
}

function atomicMin(words: Int32Array, index: number, value: number): void {
  for (;;) {
    const cur = Atomics.load(words, index);
    if (cur <= value) return;
    if (Atomics.compareExchange(words, index, cur, value) === cur) return;
  }
}
