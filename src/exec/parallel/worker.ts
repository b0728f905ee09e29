// Entry point of a parallel-execution worker thread: receives a block job, runs the Block-STM
// loop on the shared scheduler and memory, and answers with the incarnations it kept.
import { parentPort } from "node:worker_threads";
import { keepShapesAlive } from "../keepShapes.js";
import type { BlockContext } from "./incarnation.js";
import type { MemoryState } from "../../state/memory.js";
import { buildContext, runWorkerLoop, type BlockJob, type FaultPlan, type SharedHandles } from "./workerLoop.js";

export interface JobMessage {
  type: "block";
  id: number;
  jobKey: number;
  /** Omitted when this worker already holds the job with `jobKey` (repeated runs of one block). */
  job?: BlockJob;
  handles: SharedHandles;
  fault: FaultPlan | null;
}

let cached: { key: number; ctx: BlockContext; base: MemoryState } | null = null;

keepShapesAlive();

parentPort!.on("message", (msg: JobMessage) => {
  try {
    if (msg.job !== undefined) {
      const { ctx, base } = buildContext(msg.job);
      cached = { key: msg.jobKey, ctx, base };
    } else if (cached === null || cached.key !== msg.jobKey) {
      throw new Error(`worker has no block for job key ${msg.jobKey}`);
    }
    // A fresh code-analysis cache per run keeps repeated runs comparable with the sequential ones.
    cached.ctx.codeCache = new (cached.ctx.codeCache.constructor as new () => BlockContext["codeCache"])();
    const outcome = runWorkerLoop(cached.ctx, cached.base, msg.handles, msg.fault);
    parentPort!.postMessage({ type: "done", id: msg.id, ...outcome });
  } catch (e) {
    parentPort!.postMessage({ type: "error", id: msg.id, message: (e as Error).stack ?? String(e) });
  }
});
