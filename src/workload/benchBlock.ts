// Timing a generated block on an executor: a warm-up run, then N timed runs, each checked against
// the header (gasUsed, logsBloom, receiptsRoot) so a fast but wrong executor cannot report a figure.
// An executor is anything that turns (block, pre-state, block hashes) into those three results:
// the sequential executor, and the parallel one with its thread count.
import { performance } from "node:perf_hooks";
import type { Block } from "../block/block.js";
import type { Word } from "../evm/word.js";
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
  /** Skip the warm-up run (when the block was just executed, e.g. by its generation). */
  noWarmup?: boolean;
  /** Untimed runs first (default 1). */
  warmups?: number;
  onRun?: (run: number, runs: number, ms: number) => void;
}

/** Runs `executor` on the block (warm-up, then `runs` timed runs, wall time of each call) and checks every result. */
export async function benchBlock(g: GeneratedBlock, executor: BlockExecutor, options: BenchBlockOptions): Promise<BenchRow> {
  const { block, preState, blockHashes } = g;
  const run = async () => {
    const t0 = performance.now();
    const result = await executor.execute(block, preState, blockHashes);
    const ms = performance.now() - t0;
    const { header } = block;
    const ok = result.gasUsed === header.gasUsed && bytesEqual(result.logsBloom, header.logsBloom) && result.receiptsRoot !== null && bytesEqual(result.receiptsRoot, header.receiptsRoot);
    if (!ok) throw new Error(`${executor.mode} executor (${executor.workers} workers): the result does not match the block's header (gasUsed ${result.gasUsed}, header ${header.gasUsed})`);
    return ms;
  };
  if (!options.noWarmup) for (let i = 0; i < (options.warmups ?? 1); i++) await run();
  const times: number[] = [];
  for (let r = 0; r < options.runs; r++) {
    const ms = await run();
    times.push(ms);
    options.onRun?.(r + 1, options.runs, ms);
  }
  times.sort((a, b) => a - b);
  const medianMs = median(times);
  const gas = Number(block.header.gasUsed);
  return { mode: executor.mode, workers: executor.workers, runs: options.runs, medianMs, minMs: times[0]!, mgasPerSec: gas / 1000 / medianMs };
}
