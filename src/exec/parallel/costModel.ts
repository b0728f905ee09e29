// When Block-STM pays: a model of what a block costs sequentially and in parallel, from what is
// known before running it (its transactions and gas, the speedup its own structure allows, the
// threads and cores at hand). The executor runs a block in parallel only where the model predicts
// a clear gain. The constants are measured by bench/costmodel on generated blocks (ETH transfers,
// ERC-20 transfers, swaps and a mix of them, 16 to 4,096 transactions), not on the mainnet
// blocks, which the same script uses to check the model's choices.
//
//   sequential  = perTxMs · n + perGasMs · (gas − 21,000 · n)
//   parallel    = fixedMs + (sequential · (1 + overhead) + overheadPerTxMs · n) / P
//                 + serial · sequential + serialPerTxMs · n
//   P           = min(effective threads, the block's own bound, n)
//
// The per-transaction and per-gas split of the sequential estimate is what tells a block of plain
// transfers (a few microseconds each, where Block-STM's bookkeeping per transaction outweighs the
// work) from a block of contract calls of the same gas. "Effective threads" is what the machine's
// threads give together (bench/ceiling): fewer than their number, and fewer still when no core is
// left for V8's own threads (garbage collection, compilation).

/** The model's constants; see the module comment. Times in milliseconds. */
export interface CostModel {
  /** Sequential time per transaction, beyond its execution gas (signature, intrinsic work, receipt). */
  perTxMs: number;
  /** Sequential time per unit of execution gas (gas above the 21,000 every transaction pays). */
  perGasMs: number;
  /** Fixed cost of a Block-STM run: handing the block to the threads, waiting for them, assembling. */
  fixedMs: number;
  /** Block-STM's bookkeeping per transaction, spread over the threads: its locations in the shared memory, its validation. */
  overheadPerTxMs: number;
  /** Per transaction on the main thread alone: sending the transaction to the threads, decoding its result. */
  serialPerTxMs: number;
  /** Block-STM's cost proportional to the work, spread over the threads (reads and writes through the shared memory). */
  overhead: number;
  /** Work on the main thread alone after the threads finish, as a fraction of the sequential time (post-state, receipts). */
  serial: number;
  /** Throughput of each busy thread relative to one thread alone: with a core to spare, and with every core busy. */
  efficiency: { spareCore: number; allCoresBusy: number };
}

/**
 * Measured by bench/costmodel (BENCHMARKS.md) on the generated blocks, 2 threads of a 2-core
 * machine; efficiency from bench/ceiling (2 threads of 2 cores: 1.59x-1.86x of one thread, so
 * 0.80-0.93 each; with cores to spare, 0.95). A block's own overheads differ by machine less than
 * its speed: the constants are times, so a slower machine predicts the same speedups.
 */
export const COST_MODEL: CostModel = {
  perTxMs: 0.0125,
  perGasMs: 0.0000012,
  fixedMs: 0.45,
  overheadPerTxMs: 0.0008,
  serialPerTxMs: 0.0095,
  overhead: 0.014,
  serial: 0.049,
  efficiency: { spareCore: 0.95, allCoresBusy: 0.85 },
};

/**
 * The model predicts at least this speedup before running in parallel. Fitted on all but one kind
 * of generated block, it over-predicted the held-out kind's measured speedup by up to 1.37x (plain
 * transfers) on blocks of 1,024 transactions or more (bench/costmodel's leave-one-workload-out
 * check): a prediction below that margin may be a loss.
 */
export const MIN_PREDICTED_SPEEDUP = 1.4;

/** What the block itself allows, whatever the threads: the longest same-sender chain, or the hinted dependency graph. */
export interface SpeedupBound {
  speedup: number;
  /** What sets it, for the reason given to the user ("sender chains", "hinted dependency graph"). */
  source: string;
}

export interface BlockShape {
  txs: number;
  /** Gas the block uses (the header's claim: a false claim costs speed, never correctness). */
  gas: number;
  bound: SpeedupBound;
}

export interface Prediction {
  sequentialMs: number;
  parallelMs: number;
  speedup: number;
  /** The parallelism the model used: min(effective threads, the block's bound, its transactions). */
  parallelism: number;
}

/** Effective threads: what `workers` busy threads give together on `cores` cores. */
export function effectiveThreads(workers: number, cores: number, model: CostModel = COST_MODEL): number {
  const busy = Math.min(workers, cores);
  return busy * (cores > workers ? model.efficiency.spareCore : model.efficiency.allCoresBusy);
}

export function predict(shape: BlockShape, workers: number, cores: number, model: CostModel = COST_MODEL): Prediction {
  const executionGas = Math.max(0, shape.gas - 21_000 * shape.txs);
  const sequentialMs = model.perTxMs * shape.txs + model.perGasMs * executionGas;
  const parallelism = Math.max(1, Math.min(effectiveThreads(workers, cores, model), shape.bound.speedup, shape.txs));
  const parallelMs = model.fixedMs + (sequentialMs * (1 + model.overhead) + model.overheadPerTxMs * shape.txs) / parallelism + model.serial * sequentialMs + model.serialPerTxMs * shape.txs;
  return { sequentialMs, parallelMs, speedup: parallelMs > 0 ? sequentialMs / parallelMs : 0, parallelism };
}

export interface ModeChoice {
  parallel: boolean;
  prediction: Prediction;
  /** One line for the user: the prediction and what limited it. */
  reason: string;
}

/** Block-STM or the sequential executor for this block, and why. */
export function chooseMode(shape: BlockShape, workers: number, cores: number, model: CostModel = COST_MODEL): ModeChoice {
  const prediction = predict(shape, workers, cores, model);
  const parallel = prediction.speedup >= MIN_PREDICTED_SPEEDUP;
  const threads = effectiveThreads(workers, cores, model);
  const limit =
    prediction.parallelism >= threads
      ? `${workers} threads on ${cores} cores give about ${threads.toFixed(1)}x`
      : shape.bound.speedup <= shape.txs
        ? `the ${shape.bound.source} allow at most ${shape.bound.speedup.toFixed(2)}x`
        : plural(shape.txs, "transaction");
  const estimate = `cost model: ${prediction.speedup.toFixed(2)}x predicted (${limit}; ${plural(shape.txs, "transaction")}, ${formatGas(shape.gas)} gas)`;
  return {
    parallel,
    prediction,
    reason: parallel ? estimate : `${estimate}, under ${MIN_PREDICTED_SPEEDUP}x: faster sequentially`,
  };
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function formatGas(gas: number): string {
  return gas >= 1e6 ? `${(gas / 1e6).toFixed(1)}M` : gas >= 1e3 ? `${(gas / 1e3).toFixed(0)}k` : String(gas);
}
