// The Block-STM worker loop (the paper's algorithm 1), run by every worker thread on a block.
import { performance } from "node:perf_hooks";
import { threadCodeCache } from "../../evm/code.js";
import { resetHashMemo } from "../../evm/hashMemo.js";
import { rulesFor, type Fork, type ForkRules } from "../../fork/forks.js";
import type { Word } from "../../primitives/word.js";
import type { Block } from "../../block/block.js";
import { logsBloom } from "../../block/receipt.js";
import { MemoryState } from "../../state/memory.js";
import { blockEnv } from "../sequential.js";
import { executeIncarnation, FallbackNeeded, ReadBlocked, validateReadSet, VersionedReader, type BlockContext, type IncarnationResult } from "./incarnation.js";
import { CapacityError, MvMemory, type LocationKind, type MvBuffers } from "./mvmemory.js";
import { SharedReceipts, type FinalResult, type ReceiptBuffers } from "./receipts.js";
import { encodeTransactions, PackedTransactions, type TransactionSource } from "./txCodec.js";
import { NO_TASK, Scheduler, TaskKind, taskIncarnation, taskKind, taskTx } from "./scheduler.js";
import { Outcome } from "../../records/record.js";

/**
 * Everything a worker needs for one block (serialized once into shared memory for all workers).
 * `block` comes without its transactions, which travel packed (txCodec.ts) beside the job.
 */
export interface BlockJob {
  block: Block;
  /** For each transaction, the previous one from the same sender (-1: none). */
  previousFromSender: Int32Array;
  fork: Fork;
  chainId: bigint;
  blockHashes: Map<bigint, Word>;
  /** The pre-state (after the block's prologue), as plain maps. */
  accounts: MemoryState["accounts"];
  /** Codes by hash: the pre-state's, less those the worker threads already hold (they keep every code they receive). */
  codes: MemoryState["codes"];
}

export interface SharedHandles {
  scheduler: SharedArrayBuffer;
  txCount: number;
  mv: MvBuffers;
  receipts: ReceiptBuffers;
  /** Shared words: [0] fallback requested, then counts over all executors of conflicts, validations and executions. */
  control: SharedArrayBuffer;
  /** Aborted or blocked incarnations allowed before the executors stop (conflictBudget). */
  conflictBudget: number;
  /** Workers running the block. */
  workers: number;
  /** This worker's index (set per worker when the job is sent). */
  worker?: number;
  /**
   * Test hook: the index of the executor with a fault plan, which then runs alone until its fault
   * fires (the others wait), so that the fault surely fires, however the threads are scheduled.
   */
  faultFirst?: number;
  /**
   * Keep the worker timeline for an execution record: each execution and validation with its
   * start and end, in milliseconds after `clockStart` (performance.timeOrigin + performance.now()
   * on the main thread when the block started: one clock for every thread).
   */
  timeline?: boolean;
  clockStart?: number;
  /**
   * Dependency hints (a recorded dependency graph): Int32 words, for each transaction i the range
   * [words[i], words[i + 1]) of the words after the n + 1 offsets holding its hinted
   * predecessors, descending. A transaction starts only once they have executed. A missing hint
   * costs a re-execution (validation catches it), an extra one only waiting.
   */
  hints?: SharedArrayBuffer;
  /**
   * The multi-version memory was seeded with every transaction's writes (from an access list):
   * transactions run at once, without waiting for the one before from the same sender or for the
   * coinbase's fees (the seeded values hold them; validation catches a wrong one).
   */
  seeded?: boolean;
}

/** Packs predecessor lists into the SharedHandles.hints layout (each list's order is free: stored descending). */
export function packHints(predecessors: readonly (readonly number[])[]): SharedArrayBuffer {
  const n = predecessors.length;
  let total = 0;
  for (const p of predecessors) total += p.length;
  const buffer = new SharedArrayBuffer(4 * (n + 1 + total));
  const words = new Int32Array(buffer);
  let at = n + 1;
  for (let tx = 0; tx < n; tx++) {
    words[tx] = at;
    const sorted = [...predecessors[tx]!].sort((a, b) => b - a);
    for (const p of sorted) words[at++] = p;
  }
  words[n] = at;
  return buffer;
}

/** Numbers per timeline event: tx, incarnation, kind (0 execute, 1 validate), outcome (records' Outcome), start, end. */
export const TIMELINE_WORDS = 6;

export interface LoopStats {
  executions: number;
  validations: number;
  aborts: number;
  dependencies: number;
  /** Wall time of this worker's loop, and within it of executions, validations and idle waits. */
  loopMs: number;
  executeMs: number;
  validateMs: number;
  idleMs: number;
}

export interface LoopOutcome {
  results: IncarnationResult[];
  stats: LoopStats;
  fallback: string | null;
  /** Why this executor stopped the block early, for the main thread to finish (validPrefix). */
  stopped: string | null;
  /** With SharedHandles.timeline: this executor's events, TIMELINE_WORDS numbers each. */
  timeline: number[] | null;
}

type LocationDescription = { kind: LocationKind; address: Word; slot: Word };

/** `mv.describe`, remembered per location: validation describes the same locations again and again. */
function memoizedDescribe(mv: MvMemory): (loc: number) => LocationDescription {
  const described = new Map<number, LocationDescription>();
  return (loc) => {
    let d = described.get(loc);
    if (d === undefined) described.set(loc, (d = mv.describe(loc)));
    return d;
  };
}

/** Thrown in a loop whose block spent its conflict budget: every executor stops, and the main thread keeps the valid prefix and runs the rest sequentially. */
class ConflictBudgetSpent {
  constructor(readonly reason: string) {}
}

/** Optional fault injection for tests: throw (or exit the thread) at the first execution of a transaction from `tx` on. */
export interface FaultPlan {
  tx: number;
  kind: "throw" | "exit";
}

/** Test hook (SharedHandles.faultFirst): the executors other than the faulty one wait until its fault fired. */
const FAULT_GATE = 4;
/** Words of the control buffer: the stop flag, CONFLICTS, VALIDATIONS, EXECUTIONS, FAULT_GATE. */
export const CONTROL_WORDS = 5;

/**
 * A worker thread's pre-state for `job`: its accounts, and the codes of `codeStore` (the codes this
 * worker has received so far, the job's new ones added: code is immutable by hash, so the main
 * thread sends each code once, not with every block).
 */
export function workerBase(job: BlockJob, codeStore: Map<Word, Uint8Array>): MemoryState {
  // Copied: deserialized codes are views into the job's buffer, which the store would keep alive.
  for (const [hash, code] of job.codes) codeStore.set(hash, code.slice());
  return MemoryState.adopting(withLoaderShapes(job.accounts), codeStore);
}

/** The context an executor runs `job` in, over the pre-state `base` (the main thread's own, or workerBase). */
export function buildContext(job: BlockJob, transactions: TransactionSource, base: MemoryState): { ctx: BlockContext; base: MemoryState } {
  const rules = rulesFor(job.fork);
  const ctx: BlockContext = {
    env: blockEnv(job.block, { blockHashes: job.blockHashes, chainId: job.chainId }, rules),
    rules,
    transactions,
    gasLimit: job.block.header.gasLimit,
    coinbase: job.block.header.coinbase,
    codeCache: threadCodeCache,
    previousFromSender: job.previousFromSender,
  };
  return { ctx, base };
}

/**
 * The accounts rebuilt as the same object literal the loader and MemoryState.putAccount create:
 * objects from v8.deserialize have shapes of their own, and code compiled for one block's shapes
 * would be thrown away at the next block's.
 */
function withLoaderShapes(accounts: MemoryState["accounts"]): MemoryState["accounts"] {
  const out: MemoryState["accounts"] = new Map();
  for (const [address, a] of accounts) out.set(address, { nonce: a.nonce, balance: a.balance, codeHash: a.codeHash, storage: a.storage });
  return out;
}

/**
 * A block's same-sender chains, in one pass over its transactions: for each transaction the
 * previous one from its sender (-1: none), and the largest chain's share of the block's gas limits.
 */
export interface SenderChains {
  /** Same-sender transactions must run in order (nonces): waiting for them beats failing validation. */
  previous: Int32Array;
  longestGasShare: number;
}

export function senderChains(block: Block): SenderChains {
  const n = block.transactions.length;
  const previous = new Int32Array(n);
  // Per sender, an index into `last` and `gas` (numbers: bigint sums allocated once per transaction).
  const chainOf = new Map<Word, number>();
  const last: number[] = [];
  const gas: number[] = [];
  let total = 0;
  let longest = 0;
  for (let i = 0; i < n; i++) {
    const tx = block.transactions[i]!;
    const g = Number(tx.gasLimit);
    total += g;
    let c = chainOf.get(tx.sender!);
    if (c === undefined) {
      c = last.length;
      chainOf.set(tx.sender!, c);
      last.push(i);
      gas.push(g);
      previous[i] = -1;
    } else {
      previous[i] = last[c]!;
      last[c] = i;
      gas[c]! += g;
    }
    if (gas[c]! > longest) longest = gas[c]!;
  }
  return { previous, longestGasShare: total === 0 ? 0 : longest / total };
}

const IDLE_WAIT_MS = 2;
/** Words of the control buffer counting, across workers, conflicts, validations and executions. */
const CONFLICTS = 1;
const VALIDATIONS = 2;
const EXECUTIONS = 3;
/**
 * Conflicts from which their rate alone can stop a block: one per four executions or more means
 * the transactions wait on each other in a chain (a block of swaps on one pool runs at one per two).
 */
const RATE_CHECK_FROM = 64;

/**
 * Validations a block may take before its executors stop. A transaction that writes a location
 * no lower one wrote (an ERC-20 transfer to a new holder) sends every higher executed transaction
 * back to validation, and executions run ahead by about one per executor: independent blocks take
 * about `workers` validations per transaction. (A fixed 4 per transaction stopped every 1-gigagas
 * ERC-20 block on 16 threads, with no conflict at all.)
 */
function validationBudget(handles: SharedHandles): number {
  const budget = 2 * Math.max(2, handles.workers) * handles.txCount + 64;
  // A hinted run validates more without conflicting more: a transaction that waited for its
  // hinted predecessors finishes after higher ones, which are then validated again (12244000
  // needed up to 529 validations of a budget of 596 on two threads, re-executing nothing).
  return handles.hints !== undefined || handles.seeded === true ? 4 * budget : budget;
}

/**
 * A block whose transactions keep invalidating each other gains nothing from Block-STM and can
 * cost quadratic work: past a budget of aborted or blocked incarnations, the executors stop and
 * the main thread keeps the valid executed prefix and runs the rest sequentially.
 */
function countConflict(control: Int32Array, handles: SharedHandles): void {
  const conflicts = Atomics.add(control, CONFLICTS, 1) + 1;
  if (conflicts > handles.conflictBudget) {
    throw new ConflictBudgetSpent(`too many conflicts (over ${handles.conflictBudget} aborted or blocked incarnations)`);
  }
  if (conflicts >= RATE_CHECK_FROM && handles.conflictBudget !== Infinity && 4 * conflicts > Atomics.load(control, EXECUTIONS)) {
    throw new ConflictBudgetSpent(`too many conflicts (${conflicts} aborted or blocked incarnations in ${Atomics.load(control, EXECUTIONS)} executions)`);
  }
}

/**
 * Aborted or blocked incarnations allowed before the executors stop and the rest of the block runs
 * sequentially: half the transactions (at least 64) per two executors. At a quarter (at least 32),
 * mainnet blocks with a few hot contracts stopped in about half their runs and ran no faster than
 * sequentially (12244000: 1.01x, against 1.22x at half; 6137495 1.01x against 1.11x). A
 * transaction that waits on a lower one can be blocked once by each executor that picks it up
 * meanwhile, so a block with a few hot accounts takes more conflicts on more threads (1-gigagas
 * ERC-20 with 10% of the transfers to one holder stopped on 16 threads at a budget that did not
 * grow). Chains of dependent transactions are stopped by the conflict rate (countConflict), not
 * by this budget.
 */
export function conflictBudget(txCount: number, workers: number): number {
  return Math.max(64, txCount >> 1) * Math.max(1, workers >> 1);
}

/**
 * Where an executor sends its results while the block runs (ResultStream), `every` executions at a
 * time. On many threads the main thread's work after the loop bounds the block: on 8 and 16
 * threads of the lent 16-core machine, a 1-gigagas ERC-20 block's loop took 340-390 ms, and the
 * main thread then spent about 280 ms building the post-state and decoding the 35,000 results the
 * worker threads sent at the end. Streamed, they are decoded during the loop (the main thread then
 * executes a little less), and the end brings only the last batch. Off unless asked for
 * (ParallelOptions.streamBatch): not yet measured faster (executor.ts, MAIN_SLICE_MS).
 */
export interface ResultStream {
  every: number;
  send(results: IncarnationResult[]): void;
}

/**
 * A worker thread's loop on its block: its outcome, whose `results` are every final incarnation it
 * holds, and `unsent`, those of them it has not streamed (all of them without a stream).
 */
export function runWorkerLoop(ctx: BlockContext, base: MemoryState, handles: SharedHandles, fault: FaultPlan | null, stream: ResultStream | null = null): LoopOutcome & { unsent: IncarnationResult[] } {
  const loop = new BlockStmLoop(ctx, base, handles, fault, stream);
  loop.run(false);
  const outcome = loop.outcome();
  return { ...outcome, unsent: stream === null ? outcome.results : loop.unsentFinals() };
}

/**
 * One executor's Block-STM loop on a block. Worker threads run it to the end; the main thread,
 * which executes too, runs it with `yieldWhenIdle` and is handed back control whenever there is
 * nothing to pick, so that its event loop can notice a worker thread that died.
 */
export class BlockStmLoop {
  private readonly scheduler: Scheduler;
  private readonly mv: MvMemory;
  private readonly control: Int32Array;
  /** Test hook (SharedHandles.faultFirst): another executor runs alone until its fault fires. */
  private readonly waitsForFault: boolean;
  private readonly receipts: SharedReceipts;
  readonly reader: VersionedReader;
  private readonly kept = new Map<number, IncarnationResult>();
  private readonly describe: (loc: number) => LocationDescription;
  readonly stats: LoopStats = { executions: 0, validations: 0, aborts: 0, dependencies: 0, loopMs: 0, executeMs: 0, validateMs: 0, idleMs: 0 };
  private readonly loopStart = performance.now();
  private fallback: string | null = null;
  private stopped: string | null = null;
  private task = NO_TASK;
  /** Results executed since the last batch was streamed. */
  private pending: IncarnationResult[] = [];
  private readonly timeline: number[] | null;
  private readonly clockStart: number;
  private readonly hints: Int32Array | null;

  constructor(
    private readonly ctx: BlockContext,
    base: MemoryState,
    private readonly handles: SharedHandles,
    private readonly fault: FaultPlan | null,
    private readonly stream: ResultStream | null = null,
  ) {
    resetHashMemo(); // this thread's hashes of the previous block are not carried over
    this.scheduler = new Scheduler(handles.scheduler, handles.txCount);
    this.mv = new MvMemory(handles.mv);
    this.describe = memoizedDescribe(this.mv);
    this.control = new Int32Array(handles.control);
    this.waitsForFault = handles.faultFirst !== undefined && handles.faultFirst !== handles.worker;
    this.receipts = new SharedReceipts(handles.receipts);
    this.reader = new VersionedReader(this.mv, base);
    this.reader.coinbase = ctx.coinbase;
    this.reader.unexecutedBelow = (tx) => this.scheduler.highestUnexecutedBelow(tx);
    this.timeline = handles.timeline === true ? [] : null;
    this.hints = handles.hints === undefined ? null : new Int32Array(handles.hints);
    // Given hints or values, a read of the coinbase need not wait for every lower transaction: the
    // hints name the ones whose fees it adds up (a wrong hint costs a re-execution, as anywhere).
    if (handles.seeded === true || handles.hints !== undefined) this.reader.unexecutedBelow = null;
    this.clockStart = (handles.clockStart ?? 0) - performance.timeOrigin;
  }

  /** Suspends `tx` on the first hinted predecessor (the highest first) that has not executed; false when all have. */
  private waitForHinted(tx: number): boolean {
    const hints = this.hints!;
    for (let at = hints[tx]!, end = hints[tx + 1]!; at < end; at++) {
      const p = hints[at]!;
      if (!this.scheduler.isExecuted(p) && this.scheduler.addDependency(tx, p)) return true;
    }
    return false;
  }

  /** Adds an event to the timeline (times from performance.now(), shifted onto the shared clock). */
  private event(tx: number, incarnation: number, kind: number, outcome: Outcome, start: number, end: number): void {
    this.timeline!.push(tx, incarnation, kind, outcome, start - this.clockStart, end - this.clockStart);
  }

  /** Halts the block for every executor (a fault elsewhere). */
  halt(): void {
    this.scheduler.halt();
  }

  /**
   * Runs tasks until the block is done (returns true) or, with `yieldWhenIdle`, until no task
   * could be picked during one idle wait, or `sliceMs` (when above 0) have passed (returns false;
   * call again later). A fallback ends the block; any other error halts it and is thrown.
   */
  run(yieldWhenIdle: boolean, sliceMs = 0): boolean {
    const { scheduler, ctx, reader, kept, receipts, mv, control, handles, stats, fault } = this;
    let task = this.task;
    const deadline = sliceMs > 0 ? performance.now() + sliceMs : Infinity;
    try {
      while (!scheduler.done()) {
        if (deadline !== Infinity && performance.now() > deadline) return false;
        if (this.waitsForFault && Atomics.load(control, FAULT_GATE) === 0) {
          Atomics.wait(control, FAULT_GATE, 0, IDLE_WAIT_MS);
          if (yieldWhenIdle) return false;
          continue;
        }
        if (task === NO_TASK) {
          const epoch = scheduler.epoch();
          task = scheduler.nextTask();
          if (task === NO_TASK) {
            if (scheduler.nothingToPick() && !scheduler.done()) {
              const idleStart = performance.now();
              scheduler.waitForWork(epoch, IDLE_WAIT_MS);
              stats.idleMs += performance.now() - idleStart;
              if (yieldWhenIdle) return false;
            }
            continue;
          }
        }
        const tx = taskTx(task);
        const incarnation = taskIncarnation(task);
        if (taskKind(task) === TaskKind.Execute) {
          if (fault !== null && tx >= fault.tx) {
            Atomics.store(control, FAULT_GATE, 1);
            Atomics.notify(control, FAULT_GATE);
            if (fault.kind === "exit") process.exit(70);
            throw new Error(`injected fault while executing transaction ${tx}`);
          }
          const previous = handles.seeded === true ? -1 : ctx.previousFromSender[tx]!;
          if (incarnation === 0 && previous >= 0 && !scheduler.isExecuted(previous) && scheduler.addDependency(tx, previous)) {
            stats.dependencies++;
            task = NO_TASK;
            continue;
          }
          if (this.hints !== null && this.waitForHinted(tx)) {
            stats.dependencies++;
            task = NO_TASK;
            continue;
          }
          stats.executions++;
          Atomics.add(control, EXECUTIONS, 1);
          const executeStart = performance.now();
          try {
            const { kept: result, wroteNew } = executeIncarnation(ctx, reader, tx, incarnation);
            kept.set(tx, result);
            if (this.stream !== null) this.queue(result);
            if (result.result !== null) receipts.setGasUsed(tx, result.result.gasUsed);
            if (this.timeline !== null) this.event(tx, incarnation, 0, Outcome.Executed, executeStart, performance.now());
            task = scheduler.finishExecution(tx, incarnation, wroteNew);
          } catch (e) {
            if (!(e instanceof ReadBlocked)) throw e;
            if (this.timeline !== null) this.event(tx, incarnation, 0, Outcome.Blocked, executeStart, performance.now());
            stats.dependencies++;
            if (!e.barrier) countConflict(control, handles);
            // The blocking transaction already finished: run this one again at once.
            task = scheduler.addDependency(tx, e.blockingTx) ? NO_TASK : task;
          } finally {
            stats.executeMs += performance.now() - executeStart;
          }
        } else {
          stats.validations++;
          // Validation work grows quadratically when every transaction depends on the previous one.
          if (Atomics.add(control, VALIDATIONS, 1) + 1 > validationBudget(handles) && handles.conflictBudget !== Infinity) {
            throw new ConflictBudgetSpent(`too many conflicts (over ${validationBudget(handles)} validations)`);
          }
          const validateStart = performance.now();
          const valid = validateReadSet(reader, tx, this.describe);
          const validateEnd = performance.now();
          stats.validateMs += validateEnd - validateStart;
          if (this.timeline !== null) this.event(tx, incarnation, 1, valid ? Outcome.Executed : Outcome.ValidationFailed, validateStart, validateEnd);
          const aborted = !valid && scheduler.tryValidationAbort(tx, incarnation);
          if (aborted) {
            stats.aborts++;
            mv.convertWritesToEstimates(tx);
            countConflict(control, handles);
          }
          task = scheduler.finishValidation(tx, aborted);
        }
      }
    } catch (e) {
      // A transaction that cannot run in parallel stops the block like a spent conflict budget:
      // the transactions below it keep their results and the main thread runs it and the rest in order.
      if (e instanceof ConflictBudgetSpent || e instanceof FallbackNeeded) this.stopped = e.reason;
      else if (e instanceof CapacityError) this.fallback = e.message;
      else {
        scheduler.halt();
        throw e;
      }
      Atomics.store(control, 0, 1);
      scheduler.halt();
    } finally {
      this.task = task;
    }
    return true;
  }

  /** After `run` returned true: this executor's final incarnations (with their blooms), statistics and fallback. */
  outcome(): LoopOutcome {
    this.stats.loopMs = performance.now() - this.loopStart;
    // Only final incarnations matter now.
    const finals = [...this.kept.values()].filter((r) => r.incarnation === this.scheduler.incarnationOf(r.tx));
    // Blooms here, once (streamed results have theirs): the main thread's receipts and this executor's encoded receipts both use them.
    if (this.fallback === null) for (const r of finals) withBloom(r);
    return { results: finals, stats: this.stats, fallback: this.fallback, stopped: this.stopped, timeline: this.timeline };
  }

  /** Queues a result for the stream; sends the batch once it holds `stream.every`. */
  private queue(result: IncarnationResult): void {
    this.pending.push(result);
    if (this.pending.length < this.stream!.every) return;
    for (const r of this.pending) withBloom(r);
    this.stream!.send(this.pending);
    this.pending = [];
  }

  /** After `outcome`: the final incarnations executed since the last streamed batch. */
  unsentFinals(): IncarnationResult[] {
    return this.pending.filter((r) => r.incarnation === this.scheduler.incarnationOf(r.tx));
  }
}

/** Sets the result's logs bloom when it has logs and none yet. */
function withBloom(r: IncarnationResult): void {
  if (r.bloom === null && r.result !== null && r.result.logs.length > 0) r.bloom = logsBloom(r.result.logs);
}

/**
 * The results a block whose executors stopped early (ConflictBudgetSpent) keeps: in transaction
 * order from the first, each executed incarnation whose read set still holds, up to the first that
 * is missing, invalid or stale. Each is checked once every lower one is known to hold, so the
 * prefix is final; the main thread runs the rest of the block sequentially after it.
 */
export function validPrefix(base: MemoryState, handles: SharedHandles, outcomes: LoopOutcome[]): IncarnationResult[] {
  const txCount = handles.txCount;
  const scheduler = new Scheduler(handles.scheduler, txCount);
  const mv = new MvMemory(handles.mv);
  const reader = new VersionedReader(mv, base);
  const describe = memoizedDescribe(mv);
  const kept: (IncarnationResult | undefined)[] = new Array(txCount);
  for (const o of outcomes) for (const r of o.results) if (r.incarnation === scheduler.incarnationOf(r.tx)) kept[r.tx] = r;
  const prefix: IncarnationResult[] = [];
  for (let tx = 0; tx < txCount; tx++) {
    const r = kept[tx];
    if (r === undefined || r.invalid !== null || !scheduler.isExecuted(tx) || !validateReadSet(reader, tx, describe)) break;
    prefix.push(r);
  }
  return prefix;
}

/**
 * After a loop without fallback: builds the receipts of the final results this worker holds, and
 * hashes its share of the receipts trie (receipts.ts). In a block the executors stopped early
 * (`stoppedBlock`), the main thread encodes every receipt once it has finished the block: this
 * only hashes. Returns the time it took.
 */
export function buildReceipts(ctx: BlockContext, handles: SharedHandles, finals: IncarnationResult[], stoppedBlock = false): number {
  const start = performance.now();
  if (!stoppedBlock) encodeReceipts(ctx, handles, finals);
  hashReceiptGroups(ctx, handles, stoppedBlock);
  return performance.now() - start;
}

function abandonedCheck(handles: SharedHandles): () => boolean {
  const scheduler = new Scheduler(handles.scheduler, handles.txCount);
  const control = new Int32Array(handles.control);
  return () => Atomics.load(control, 0) === 1 || scheduler.halted();
}

/** Encodes the receipts of this executor's final results into shared memory (the first half of `buildReceipts`). */
export function encodeReceipts(ctx: BlockContext, handles: SharedHandles, finals: IncarnationResult[]): void {
  const valid = finals.filter((r) => r.result !== null) as FinalResult[];
  new SharedReceipts(handles.receipts).encode(valid, ctx.transactions, ctx.rules.byzantium, abandonedCheck(handles));
}

/**
 * Hashes receipt-trie groups until none is left, once every executor encoded its receipts (the
 * second half). A stopped block's executors wait for the main thread's SharedReceipts.encodeAll,
 * and give up only when it releases them instead (the scheduler is halted already).
 */
export function hashReceiptGroups(ctx: BlockContext, handles: SharedHandles, stoppedBlock = false): void {
  const receipts = new SharedReceipts(handles.receipts);
  receipts.hashGroups(ctx.rules.byzantium, handles.workers, stoppedBlock ? () => receipts.released() : abandonedCheck(handles));
}

/**
 * Runs `block` as the only executor of a Block-STM loop, then builds its receipts, as a worker
 * thread runs its share of a block (its transactions packed): worker threads warm their code up
 * on the warm-up blocks this way (warmup.ts). Returns the final results.
 */
export function runBlockStmAlone(block: Block, pre: MemoryState, rules: ForkRules, blockHashes: Map<bigint, Word>): IncarnationResult[] {
  const txCount = block.transactions.length;
  const { gasLimit } = block.header;
  const handles: SharedHandles = {
    // The warm-up's own buffers: on the main thread a warm-up block may run while a real block holds the others.
    scheduler: Scheduler.create(txCount, "warmUp").buffer,
    txCount,
    mv: MvMemory.create(txCount, gasLimit, "warmUp").buffers,
    receipts: SharedReceipts.create(txCount, gasLimit, "warmUp").buffers,
    control: new SharedArrayBuffer(4 * CONTROL_WORDS),
    conflictBudget: Infinity,
    workers: 1,
    worker: 0,
  };
  const job: BlockJob = { block, previousFromSender: senderChains(block).previous, fork: rules.fork, chainId: 1n, blockHashes, accounts: pre.accounts, codes: pre.codes };
  const { ctx, base } = buildContext(job, new PackedTransactions(encodeTransactions(block.transactions)), pre);
  const loop = new BlockStmLoop(ctx, base, handles, null);
  loop.run(false);
  const { results } = loop.outcome();
  buildReceipts(ctx, handles, results);
  return results;
}
