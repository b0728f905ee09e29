// Entry point of a parallel-execution worker thread: receives a block job, runs the Block-STM
// loop on the shared scheduler and memory, answers with the final incarnations it ran, then
// builds their receipts and its share of the receipts trie.
// In a partitioned run it runs its transactions of each segment on a world of its own instead,
// and answers with what they read and wrote (partitionTracker.ts) and their results.
import { deserialize } from "node:v8";
import { parentPort } from "node:worker_threads";
import { keepShapesAlive } from "../keepShapes.js";
import { applyDelta, encodeMarks, runThreadPart } from "./partitionTracker.js";
import { logsBloom } from "../../block/receipt.js";
import { Evm } from "../../evm/interpreter.js";
import { resetHashMemo } from "../../evm/hashMemo.js";
import { WorldState } from "../../state/world.js";
import { warmUpSteps } from "../warmup.js";
import type { BlockContext, IncarnationResult } from "./incarnation.js";
import type { MemoryState } from "../../state/memory.js";
import type { Word } from "../../primitives/word.js";
import { encodeResults } from "./resultCodec.js";
import { Scheduler } from "./scheduler.js";
import { PackedTransactions } from "./txCodec.js";
import { buildContext, buildReceipts, runBlockStmAlone, runWorkerLoop, workerBase, type BlockJob, type FaultPlan, type SharedHandles } from "./workerLoop.js";

export interface JobMessage {
  type: "block";
  id: number;
  jobKey: number;
  /** The BlockJob, serialized (v8.serialize) without its transactions; omitted when this worker already holds the job with `jobKey` (repeated runs of one block). */
  job?: SharedArrayBuffer;
  /** With `job`: forget the codes held so far first (the main thread's record of them was reset). */
  resetCodes?: boolean;
  /** With `job`: the block's transactions, packed by txCodec. */
  transactions?: SharedArrayBuffer;
  handles: SharedHandles;
  fault: FaultPlan | null;
  /** Stream results in batches of this many executions while the block runs (0: all at the end). */
  streamEvery: number;
}

/** A thread's part of a partitioned run (executor.ts, runPartitioned): these transactions, in order, tracked. */
export interface PartitionMessage {
  type: "partition";
  id: number;
  jobKey: number;
  job?: SharedArrayBuffer;
  resetCodes?: boolean;
  transactions?: SharedArrayBuffer;
  /** The partitioned run (one per block run) and its segment: segment 0 starts a world on the block's state, a later one goes on with the thread's world after `delta` (partitionTracker.ts, encodeDelta). */
  run: number;
  segment: number;
  /** The run's last segment: the thread lets its world go after it. */
  last: boolean;
  delta?: ArrayBuffer;
  indexes: number[];
}

let cached: { key: number; ctx: BlockContext; base: MemoryState } | null = null;
/** Every code received so far, by hash (each is sent once: see WorkerPool's code record). */
let codeStore = new Map<Word, Uint8Array>();

keepShapesAlive();

parentPort!.on("message", (msg: JobMessage | PartitionMessage) => {
  try {
    if (msg.job !== undefined) {
      if (msg.resetCodes === true) codeStore = new Map();
      const job = deserialize(new Uint8Array(msg.job)) as BlockJob;
      const { ctx, base } = buildContext(job, new PackedTransactions(msg.transactions!), workerBase(job, codeStore));
      cached = { key: msg.jobKey, ctx, base };
    } else if (cached === null || cached.key !== msg.jobKey) {
      throw new Error(`worker has no block for job key ${msg.jobKey}`);
    }
    if (msg.type === "partition") return runPart(msg, cached);
    const stream = msg.streamEvery > 0 ? { every: msg.streamEvery, send: (batch: IncarnationResult[]) => sendBatch(msg.id, batch) } : null;
    const { results, unsent, ...outcome } = runWorkerLoop(cached.ctx, cached.base, msg.handles, msg.fault, stream);
    const packed = encodeResults(unsent);
    // The results first, so that the main thread assembles the block while the receipts are built.
    parentPort!.postMessage({ type: "executed", id: msg.id, ...outcome, packed }, [packed]);
    // A block stopped early (by this or another executor: the scheduler halted) is finished on the
    // main thread, which then shares the receipts trie out again.
    const stopped = outcome.stopped !== null || new Scheduler(msg.handles.scheduler, msg.handles.txCount).halted();
    const receiptsMs = outcome.fallback !== null ? 0 : buildReceipts(cached.ctx, msg.handles, results, stopped);
    parentPort!.postMessage({ type: "done", id: msg.id, receiptsMs });
  } catch (e) {
    parentPort!.postMessage({ type: "error", id: msg.id, message: (e as Error).stack ?? String(e) });
  }
});

/** The world of the partitioned run in progress, kept from one segment to the next. */
let partitionWorld: { run: number; evm: Evm } | null = null;

/** Runs this thread's transactions of a partitioned run's segment and sends what they read and wrote, and their results. */
function runPart(msg: PartitionMessage, { ctx, base }: { ctx: BlockContext; base: MemoryState }): void {
  let evm: Evm;
  if (msg.segment === 0) {
    resetHashMemo();
    evm = new Evm(new WorldState(base), ctx.env, ctx.rules, ctx.codeCache);
    partitionWorld = { run: msg.run, evm };
  } else {
    if (partitionWorld === null || partitionWorld.run !== msg.run) throw new Error(`worker has no world for partitioned run ${msg.run}`);
    evm = partitionWorld.evm;
    applyDelta(evm.world, msg.delta!);
  }
  const run = runThreadPart(evm, ctx.coinbase, (i) => ctx.transactions.get(i), msg.indexes, ctx.gasLimit);
  const marks = run.failure === null ? encodeMarks(run.tracker) : new ArrayBuffer(0);
  run.tracker.release();
  if (msg.last || run.failure !== null) partitionWorld = null;
  // Each receipt's bloom here, while the main thread runs its own share, not after the merge.
  const packed = encodeResults(run.results.map((result, k) => ({ tx: msg.indexes[k]!, incarnation: 0, result, invalid: null, bloom: result.logs.length > 0 ? logsBloom(result.logs) : null })));
  parentPort!.postMessage({ type: "partitioned", id: msg.id, failure: run.failure, marks, packed }, [marks, packed]);
}

/** A batch of streamed results (ResultStream), packed and transferred. */
function sendBatch(id: number, batch: IncarnationResult[]): void {
  const packed = encodeResults(batch);
  parentPort!.postMessage({ type: "results", id, packed }, [packed]);
}

// The warm-up (warmup.ts): its blocks through this thread's Block-STM loop, one at a time between
// the blocks the thread is given; the thread is ready (workerPoolReady) once it is warm.
if (process.env.PEVM_NO_WARMUP !== "1") {
  const steps = warmUpSteps(runBlockStmAlone);
  const step = () => {
    if (!steps.next().done) setImmediate(step);
    else parentPort!.postMessage({ type: "ready" });
  };
  setImmediate(step);
} else {
  parentPort!.postMessage({ type: "ready" });
}
