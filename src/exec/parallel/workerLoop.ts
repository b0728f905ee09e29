// The Block-STM worker loop (the paper's algorithm 1), run by every worker thread on a block.
import { performance } from "node:perf_hooks";
import { CodeCache } from "../../evm/code.js";
import { rulesFor, type Fork } from "../../evm/forks.js";
import type { Word } from "../../evm/word.js";
import type { Block } from "../../block/block.js";
import { logsBloom } from "../../block/receipt.js";
import { MemoryState } from "../../state/memory.js";
import { blockEnv } from "../sequential.js";
import { executeIncarnation, FallbackNeeded, ReadBlocked, validateReadSet, VersionedReader, type BlockContext, type IncarnationResult } from "./incarnation.js";
import { CapacityError, MvMemory, type LocationKind, type MvBuffers } from "./mvmemory.js";
import { SharedReceipts, type ReceiptBuffers } from "./receipts.js";
import { NO_TASK, Scheduler, TaskKind, taskIncarnation, taskKind, taskTx } from "./scheduler.js";

/** Everything a worker needs for one block (serialized once into shared memory for all workers). */
export interface BlockJob {
  block: Block;
  fork: Fork;
  chainId: bigint;
  blockHashes: Map<bigint, Word>;
  /** The pre-state (after the block's prologue), as plain maps. */
  accounts: MemoryState["accounts"];
  codes: MemoryState["codes"];
}

export interface SharedHandles {
  scheduler: SharedArrayBuffer;
  txCount: number;
  mv: MvBuffers;
  receipts: ReceiptBuffers;
  /** Shared flag words: [0] fallback requested. */
  control: SharedArrayBuffer;
  /** Aborted incarnations allowed before the block falls back to sequential execution. */
  conflictBudget: number;
  /** Workers running the block. */
  workers: number;
  /** This worker's index (set per worker when the job is sent). */
  worker?: number;
}

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
}

/** Optional fault injection for tests: throw when executing this transaction. */
export interface FaultPlan {
  tx: number;
  kind: "throw" | "exit";
}

export function buildContext(job: BlockJob): { ctx: BlockContext; base: MemoryState } {
  const base = MemoryState.adopting(job.accounts, job.codes);
  const rules = rulesFor(job.fork);
  const ctx: BlockContext = {
    env: blockEnv(job.block, { blockHashes: job.blockHashes, chainId: job.chainId }),
    rules,
    transactions: job.block.transactions,
    gasLimit: job.block.header.gasLimit,
    coinbase: job.block.header.coinbase,
    codeCache: new CodeCache(),
    previousFromSender: previousFromSender(job.block),
  };
  return { ctx, base };
}

/** Same-sender transactions must run in order (nonces): waiting for them beats failing validation. */
function previousFromSender(block: Block): Int32Array {
  const out = new Int32Array(block.transactions.length).fill(-1);
  const last = new Map<Word, number>();
  block.transactions.forEach((tx, i) => {
    const prev = last.get(tx.sender!);
    if (prev !== undefined) out[i] = prev;
    last.set(tx.sender!, i);
  });
  return out;
}

const IDLE_WAIT_MS = 2;
/** Words of the control buffer counting, across workers, conflicts and validations. */
const CONFLICTS = 1;
const VALIDATIONS = 2;

/**
 * A block whose transactions keep invalidating each other gains nothing from Block-STM and can
 * cost quadratic work: past a budget of aborted or blocked incarnations, it runs sequentially.
 */
function countConflict(control: Int32Array, handles: SharedHandles): void {
  if (Atomics.add(control, CONFLICTS, 1) + 1 > handles.conflictBudget) {
    throw new FallbackNeeded(`too many conflicts (over ${handles.conflictBudget} aborted or blocked incarnations)`);
  }
}

/** Aborted or blocked incarnations allowed before a block falls back to sequential execution. */
export function conflictBudget(txCount: number): number {
  return Math.max(32, txCount >> 2);
}

export function runWorkerLoop(ctx: BlockContext, base: MemoryState, handles: SharedHandles, fault: FaultPlan | null): LoopOutcome {
  const scheduler = new Scheduler(handles.scheduler, handles.txCount);
  const mv = new MvMemory(handles.mv);
  const control = new Int32Array(handles.control);
  const receipts = new SharedReceipts(handles.receipts);
  const reader = new VersionedReader(mv, base);
  reader.coinbase = ctx.coinbase;
  reader.unexecutedBelow = (tx) => scheduler.highestUnexecutedBelow(tx);
  const kept = new Map<number, IncarnationResult>();
  const described = new Map<number, { kind: LocationKind; address: Word; slot: Word }>();
  const describe = (loc: number) => {
    let d = described.get(loc);
    if (d === undefined) described.set(loc, (d = mv.describe(loc)));
    return d;
  };
  const stats: LoopStats = { executions: 0, validations: 0, aborts: 0, dependencies: 0, loopMs: 0, executeMs: 0, validateMs: 0, idleMs: 0 };
  const loopStart = performance.now();
  let fallback: string | null = null;
  let task = NO_TASK;
  try {
    while (!scheduler.done()) {
      if (task === NO_TASK) {
        const epoch = scheduler.epoch();
        task = scheduler.nextTask();
        if (task === NO_TASK) {
          if (scheduler.nothingToPick() && !scheduler.done()) {
            const idleStart = performance.now();
            scheduler.waitForWork(epoch, IDLE_WAIT_MS);
            stats.idleMs += performance.now() - idleStart;
          }
          continue;
        }
      }
      const tx = taskTx(task);
      const incarnation = taskIncarnation(task);
      if (taskKind(task) === TaskKind.Execute) {
        if (fault !== null && fault.tx === tx) {
          if (fault.kind === "exit") process.exit(70);
          throw new Error(`injected fault while executing transaction ${tx}`);
        }
        const previous = ctx.previousFromSender[tx]!;
        if (incarnation === 0 && previous >= 0 && !scheduler.isExecuted(previous) && scheduler.addDependency(tx, previous)) {
          stats.dependencies++;
          task = NO_TASK;
          continue;
        }
        stats.executions++;
        const executeStart = performance.now();
        try {
          const { kept: result, wroteNew } = executeIncarnation(ctx, reader, tx, incarnation);
          kept.set(tx, result);
          if (result.result !== null) receipts.setGasUsed(tx, result.result.gasUsed);
          task = scheduler.finishExecution(tx, incarnation, wroteNew);
        } catch (e) {
          if (!(e instanceof ReadBlocked)) throw e;
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
        if (Atomics.add(control, VALIDATIONS, 1) + 1 > 4 * handles.txCount + 64 && handles.conflictBudget !== Infinity) {
          throw new FallbackNeeded(`too many conflicts (over ${4 * handles.txCount + 64} validations)`);
        }
        const validateStart = performance.now();
        const valid = validateReadSet(reader, tx, describe);
        stats.validateMs += performance.now() - validateStart;
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
    if (e instanceof FallbackNeeded) fallback = e.reason;
    else if (e instanceof CapacityError) fallback = e.message;
    else {
      scheduler.halt();
      throw e;
    }
    Atomics.store(control, 0, 1);
    scheduler.halt();
  }
  stats.loopMs = performance.now() - loopStart;
  // Only final incarnations matter now.
  const finals = [...kept.values()].filter((r) => r.incarnation === scheduler.incarnationOf(r.tx));
  // Blooms here, once: the main thread's receipts and this worker's encoded receipts both use them.
  if (fallback === null) for (const r of finals) if (r.result !== null && r.result.logs.length > 0) r.bloom = logsBloom(r.result.logs);
  return { results: finals, stats, fallback };
}

/**
 * After a completed loop (no fallback): builds the receipts of the final results this worker
 * holds, and hashes its share of the receipts trie (receipts.ts). Returns the time it took.
 */
export function buildReceipts(ctx: BlockContext, handles: SharedHandles, finals: IncarnationResult[]): number {
  const start = performance.now();
  const scheduler = new Scheduler(handles.scheduler, handles.txCount);
  const control = new Int32Array(handles.control);
  const valid = finals.filter((r) => r.result !== null) as { tx: number; result: NonNullable<IncarnationResult["result"]>; bloom: Uint8Array | null }[];
  new SharedReceipts(handles.receipts).publish(valid, ctx.transactions, ctx.rules.byzantium, handles.workers, () => Atomics.load(control, 0) === 1 || scheduler.halted());
  return performance.now() - start;
}
