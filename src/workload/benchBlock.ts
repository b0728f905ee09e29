// Timing a generated block on executors taking turns: warm-up runs, then N timed runs, each checked against
// the header (gasUsed, logsBloom, receiptsRoot) so a fast but wrong executor cannot report a figure.
// An executor is anything that turns (block, pre-state, block hashes) into those three results:
// the sequential executor, and the parallel one with its thread count.
import { performance } from "node:perf_hooks";
import type { Block } from "../block/block.js";
import type { Word } from "../primitives/word.js";
import { executeBlock } from "../exec/sequential.js";
import { executeBlockParallel, type ParallelStats } from "../exec/parallel/executor.js";
import { MemoryState } from "../state/memory.js";
import { bytesEqual } from "../primitives/bytes.js";
import type { StateReader } from "../state/reader.js";
import type { GeneratedBlock } from "./blocks.js";
import { median } from "../primitives/median.js";

export interface BlockExecutor {
  /** "sequential", "parallel", ... */
  mode: string;
  workers: number;
  /** May return a promise (an executor on worker threads); the timing covers the whole call. */
  execute(block: Block, preState: StateReader, blockHashes: ReadonlyMap<bigint, Word>): ExecutorResult | Promise<ExecutorResult>;
}

export interface ExecutorResult {
  gasUsed: bigint;
  logsBloom: Uint8Array;
  receiptsRoot: Uint8Array | null;
}

export const sequentialExecutor: BlockExecutor = {
  mode: "sequential",
  workers: 1,
  execute: (block, preState, blockHashes) => executeBlock(block, preState, { blockHashes }),
};

/** The parallel executor on `workers` threads; `lastStats` holds the statistics of its last run. */
export interface ParallelBlockExecutor extends BlockExecutor {
  lastStats: ParallelStats | null;
}

export function parallelExecutor(workers: number): ParallelBlockExecutor {
  const executor: ParallelBlockExecutor = {
    mode: "parallel",
    workers,
    lastStats: null,
    execute: async (block, preState, blockHashes) => {
      if (!(preState instanceof MemoryState)) throw new Error("the parallel executor needs an in-memory pre-state");
      // A new block object each run: the worker threads receive the block and its pre-state every
      // time, as for a new block (one they already hold would not be sent again).
      const result = await executeBlockParallel({ ...block }, preState, { blockHashes, workers });
      executor.lastStats = result.stats;
      return result;
    },
  };
  return executor;
}

export interface BenchRow {
  mode: string;
  workers: number;
  runs: number;
  medianMs: number;
  minMs: number;
  mgasPerSec: number;
}

export interface BenchBlockOptions {
  runs: number;
  /** Untimed runs of each executor first (default 1). */
  warmups?: number;
  onRun?: (executor: BlockExecutor, run: number, runs: number, ms: number) => void;
}

/**
 * Runs each executor on the block (warm-up runs, then `runs` timed runs, wall time of each call),
 * taking turns run by run so that none is measured while the JIT is colder than for the others,
 * and checks every result against the header. Returns one row per executor, in their order.
 */
export async function benchBlock(g: GeneratedBlock, executors: readonly BlockExecutor[], options: BenchBlockOptions): Promise<BenchRow[]> {
  const { block, preState, blockHashes } = g;
  const run = async (executor: BlockExecutor) => {
    const t0 = performance.now();
    const result = await executor.execute(block, preState, blockHashes);
    const ms = performance.now() - t0;
    const { header } = block;
    const ok = result.gasUsed === header.gasUsed && bytesEqual(result.logsBloom, header.logsBloom) && result.receiptsRoot !== null && bytesEqual(result.receiptsRoot, header.receiptsRoot);
    if (!ok) throw new Error(`${executor.mode} executor (${executor.workers} workers): the result does not match the block's header (gasUsed ${result.gasUsed}, header ${header.gasUsed})`);
    return ms;
  };
  for (let i = 0; i < (options.warmups ?? 1); i++) for (const executor of executors) await run(executor);
  const times: number[][] = executors.map(() => []);
  for (let r = 0; r < options.runs; r++) {
    for (let e = 0; e < executors.length; e++) {
      const ms = await run(executors[e]!);
      times[e]!.push(ms);
      options.onRun?.(executors[e]!, r + 1, options.runs, ms);
    }
  }
  const gas = Number(block.header.gasUsed);
  return executors.map((executor, e) => {
    const sorted = times[e]!.sort((a, b) => a - b);
    const medianMs = median(sorted);
    return { mode: executor.mode, workers: executor.workers, runs: options.runs, medianMs, minMs: sorted[0]!, mgasPerSec: gas / 1000 / medianMs };
  });
}
