// The parallel block executor: Block-STM on the main thread and a persistent pool of worker
// threads (N executors: the main thread and N-1 workers). Its result is
// the sequential executor's result (receipts, logs, gas, post-state), plus execution statistics.
// Blocks it cannot or should not run in parallel run sequentially, and the statistics say why.
import { performance } from "node:perf_hooks";
import { availableParallelism } from "node:os";
import { serialize } from "node:v8";
import { Worker } from "node:worker_threads";
import { threadCodeCache } from "../../evm/code.js";
import { rulesFor } from "../../fork/forks.js";
import { Evm } from "../../evm/interpreter.js";
import { MASK160, type Word } from "../../primitives/word.js";
import type { Block } from "../../block/block.js";
import { mainnetFork } from "../../block/schedule.js";
import { MemoryState } from "../../state/memory.js";
import { KECCAK_EMPTY_WORD, type StateReader } from "../../state/reader.js";
import { WorldState, type AccountState } from "../../state/world.js";
import { applyBlockEpilogue, applyBlockPrologue } from "../blockRules.js";
import { BlockResultBuilder } from "../blockResult.js";
import { BlockExecutionError, blockEnv, executeBlock, executeTransactions, MAINNET_CHAIN_ID, startBlock, type BlockResult, type ExecuteOptions } from "../sequential.js";
import type { TxResult } from "../../evm/processor.js";
import type { Transaction } from "../../tx/types.js";
import { VersionedReader, type AccountLocations, type IncarnationResult } from "./incarnation.js";
import { discardSpareMvBuffers, LocationKind, MvMemory } from "./mvmemory.js";
import { discardSpareSchedulerBuffer, Scheduler } from "./scheduler.js";
import { discardSpareReceiptBuffers, SharedReceipts } from "./receipts.js";
import { decodeResults } from "./resultCodec.js";
import type { JobMessage, PartitionMessage } from "./worker.js";
import { ArrayTransactions, encodeTransactions } from "./txCodec.js";
import { BlockStmLoop, buildContext, conflictBudget, CONTROL_WORDS, packHints, encodeReceipts, hashReceiptGroups, runBlockStmAlone, senderChains, validPrefix, type BlockJob, type FaultPlan, type LoopOutcome, type LoopStats, type SenderChains, type SharedHandles } from "./workerLoop.js";
import { warmUpSteps } from "../warmup.js";
import { epilogueChanges, executeBlockRecorded, lazyTransferRecipient, prologueChanges } from "../recording.js";
import { partitionPlan, type PartitionPlan } from "../../records/partition.js";
import { decodeMarks, encodeDelta, mergeThreads, runThreadPart, threadMarks } from "./partitionTracker.js";
import { Field, labelTransactions, type BlockRecord, type TimelineEvent, type Write } from "../../records/record.js";
import { checkTxDag, criticalPath, criticalPathOrder, type TxDag } from "../../records/txDag.js";
import { chooseMode, type CostModel, type SpeedupBound } from "./costModel.js";
import { blockStmAccesses, blockStmTimeline, blockStmTransactions, type BlockStmAccesses } from "./record.js";
import type { BlockContext } from "./incarnation.js";

export interface ParallelOptions extends ExecuteOptions {
  /** Executors: the main thread and workers - 1 worker threads (default: available cores). 1 runs sequentially. */
  workers?: number;
  /** Blocks with fewer transactions run sequentially (default: the cost model decides alone). */
  minTxs?: number;
  /**
   * Aborted or blocked incarnations allowed before the executors stop and the main thread runs the
   * rest of the block sequentially (default `conflictBudget(txs, workers)`: half the
   * transactions, at least 64, per two executors). Tests pass Infinity to exercise Block-STM on
   * conflict-heavy blocks.
   */
  conflictBudget?: number;
  /** Run Block-STM even with one worker or a small block (for measuring the executor itself). */
  forceParallel?: boolean;
  /** The machine's cores, for the cost model (default: available cores): threads that leave no core to spare give less each. */
  cores?: number;
  /** The cost model's constants (default COST_MODEL, measured by bench/costmodel): a machine measured apart may bring its own. */
  costModel?: CostModel;
  /** Executions per batch of results a worker thread streams while the block runs (default 0: all at the end; see MAIN_SLICE_MS). */
  streamBatch?: number;
  /**
   * Also return the block's dependency graph (`txDag`), when the whole block ran in Block-STM: for
   * each transaction, the earlier ones whose writes it read. Costs a walk of every read set.
   */
  txDag?: boolean;
  /**
   * Also return the block's execution record (`record`): every transaction's reads with their
   * versions and its writes, and the executors' timeline. A block that did not run in Block-STM to
   * the end is recorded by a recording pass in order (`record.run.source`).
   */
  record?: boolean;
  /**
   * Dependency hints: for each transaction, the earlier ones it depends on (a recorded dependency
   * graph). Each transaction starts once its hinted predecessors have executed. A wrong hint never
   * changes the result: a missing edge is caught by validation, an extra one costs waiting.
   */
  hints?: TxDag;
  /**
   * With `hints`: each transaction's expected cost (any unit: a record's execution times, or gas).
   * The transactions that start the longest chains of the hinted graph then execute first
   * (criticalPathOrder); without costs, in block order. Wrong costs only cost time.
   */
  hintCosts?: readonly number[];
  /**
   * With `hints` and no record asked for: run the hinted graph's shared-nothing plan
   * (records/partition.ts) instead of Block-STM, where the plan puts transactions on two threads or
   * more: each thread runs its groups of dependent transactions in order on a world of its own,
   * segment by segment (runPartitioned). A hint that misses a dependency shows when the threads'
   * reads and writes are compared (partitionTracker.ts), and the block runs again in order.
   * Default false: on two threads of a 2-core machine it has not measured faster than Block-STM.
   */
  partition?: boolean;
  /**
   * Values to run against: each transaction's writes (`writes[i]`, as an access list gives them)
   * and the code they deploy, seeded into the multi-version memory before the block starts, so
   * that every transaction can run at once. Wrong values never change the result: the
   * transactions that read them fail validation and run again.
   */
  seed?: { writes: readonly (readonly Write[])[]; codes: ReadonlyMap<Word, Uint8Array> };
  /**
   * What to do while the worker threads have not finished starting and warming up (about 2 s in a
   * fresh process: loading modules, then compiling the executor on the warm-up blocks). "run"
   * (default): run the block on them as they are. "wait": wait until they are warm. "sequential":
   * run the block sequentially (a caller with more blocks to come starts them first, startWorkerPool,
   * so that later blocks find them warm): threads still compiling our code make a block slower
   * than one warm thread.
   */
  whenThreadsCold?: "run" | "wait" | "sequential";
  /** Test hook: make a worker (`worker`, or whichever runs it) fail while executing transaction `tx`. */
  fault?: FaultPlan & {
    worker?: number;
    /** With `worker`: that executor runs alone until its fault fires, so that it surely does (deterministic tests). */
    first?: boolean;
  };
}

export interface ParallelStats {
  mode: "parallel" | "sequential";
  workers: number;
  /** Why the block ran sequentially, when it did. */
  fallback: string | null;
  /** The cost model's predicted speedup and its reason (null where the model was not asked: forced, one worker, too few transactions). */
  predictedSpeedup: number | null;
  reason: string | null;
  /** Worker failures during the block (the block then completed sequentially). */
  faults: string[];
  executions: number;
  validations: number;
  aborts: number;
  dependencies: number;
  /** Incarnations beyond the first, over all transactions. */
  reexecutions: number;
  /** What the run was given to schedule by: a dependency graph, seeded values, or nothing. */
  hints: "graph" | "values" | null;
  /** The parallel executor that ran, or was tried before the block ran in order (null: none): Block-STM, or the hinted graph's shared-nothing plan (`partition`). */
  executor: "block-stm" | "partitioned" | null;
  /** A partitioned run's plan: transactions run on two threads or more, the rest (alone on the merged state, or in segments one thread holds), and segments. */
  partition: { parallelTxs: number; inOrderTxs: number; segments: number } | null;
  /**
   * Why the executors stopped early (too many conflicts), when they did: the main thread then kept
   * the valid executed prefix and ran the other `inOrderExecutions` transactions sequentially.
   */
  stopped: string | null;
  inOrderExecutions: number;
  /** Results the worker threads streamed while the block ran (ParallelOptions.streamBatch), final or not. */
  streamedResults: number;
  /** Wall time of the phases: preparing (prologue, shared memory), workers, assembling the result. */
  prepareMs: number;
  workersMs: number;
  assembleMs: number;
  /** Within workersMs, the slowest worker's Block-STM loop and receipt building. */
  loopMs: number;
  receiptsMs: number;
  /** The main thread hashed every receipt: they did not fit in the workers' shared buffer. */
  receiptsOnMain: boolean;
  /** Summed over workers: time executing incarnations, validating read sets, and idle (no task to take). */
  executeMs: number;
  validateMs: number;
  idleMs: number;
}

/**
 * txDag[i]: the earlier transactions whose final writes transaction i read, ascending (present when
 * ParallelOptions.txDag asked for it and the block ran in Block-STM to the end, neither
 * sequentially nor stopped). Lazy balance credits that i did not read (the coinbase's fee) are no
 * dependency; a read of a balance credited lazily depends on every credit it added up.
 */
export type ParallelResult = BlockResult & { stats: ParallelStats; txDag?: number[][]; record?: BlockRecord };

/**
 * Why the block's transactions cannot travel to the worker threads, or null: their packed form
 * holds 20-byte addresses (the JSON loaders accept no other; a program building blocks might).
 */
function firstWideAddress(block: Block): string | null {
  for (let i = 0; i < block.transactions.length; i++) {
    const { to, sender } = block.transactions[i]!;
    if (sender === undefined) return `transaction ${i} has no sender`;
    if (sender > MASK160 || (to !== null && to > MASK160)) return `transaction ${i}: an address wider than 20 bytes`;
  }
  return null;
}

/**
 * The speedup bound set by the longest same-sender chain (by gas limit), and that chain's share of
 * the block: transactions from one sender run in nonce order, one after another, so total / largest
 * chain bounds any speedup.
 */
export function senderChainBound(block: Block, chains = senderChains(block)): { speedup: number; share: number } {
  const share = chains.longestGasShare;
  return { speedup: share === 0 ? Infinity : 1 / share, share };
}

const SENDER_CHAINS = "same-sender transaction chains";
/** No bound of the block's own yet: the threads' limit alone. */
const UNBOUNDED: SpeedupBound = { speedup: Infinity, source: SENDER_CHAINS };

/** The hinted transactions' costs: as given, else their gas limits. */
function hintedCosts(block: Block, hintCosts: readonly number[] | undefined): readonly number[] {
  return hintCosts ?? block.transactions.map((t) => Number(t.gasLimit));
}

/** The hinted dependency graph's bound on the speedup, for the cost model: its total cost over its critical path. */
function hintedBound(block: Block, hints: TxDag, hintCosts: readonly number[] | undefined): SpeedupBound {
  const costs = hintedCosts(block, hintCosts);
  const total = costs.reduce((a, b) => a + b, 0);
  const path = criticalPath(hints, costs);
  return { speedup: path > 0 ? total / path : Infinity, source: "hinted dependency graph's chains" };
}

/** A worker thread's part of a partitioned run: what its transactions read and wrote (packed), and their results. */
interface WorkerPart {
  failure: string | null;
  marks: ArrayBuffer;
  results: TxResult[];
  /** Each result's logs bloom (null: no logs). */
  blooms: (Uint8Array | null)[];
}

/** A hinted graph's shared-nothing plan on the run's threads, and what the executor makes of it. */
interface Partition {
  plan: PartitionPlan;
  /** Transactions the threads run side by side (0: every segment's groups fit one thread, nothing to share). */
  parallelTxs: number;
  bound: SpeedupBound;
}

/**
 * The partitioned run of a hinted block: the graph's shared-nothing plan on the threads (a
 * segment ends at a transaction that reads what several threads wrote, which runs alone on the
 * merged state). Its bound, for the cost model: the costs over the plan's makespan.
 */
function partitionOf(block: Block, hints: TxDag, hintCosts: readonly number[] | undefined, workers: number): Partition {
  const costs = hintedCosts(block, hintCosts);
  const plan = partitionPlan(hints, costs, workers);
  let parallelTxs = 0;
  for (const segment of plan.segments) {
    if (segment.threads.filter((list) => list.length > 0).length < 2) continue;
    for (const list of segment.threads) parallelTxs += list.length;
  }
  const total = costs.reduce((x, y) => x + y, 0);
  return { plan, parallelTxs, bound: { speedup: plan.makespan > 0 ? total / plan.makespan : Infinity, source: "hinted graph's shared-nothing groups" } };
}

// Blocks run one at a time: the worker pool and the shared buffers (reused between blocks) are
// the executor's, so a call made while another runs waits for it.
let running: Promise<unknown> = Promise.resolve();

export function executeBlockParallel(block: Block, pre: MemoryState, options: ParallelOptions): Promise<ParallelResult> {
  const next = running.then(() => executeOne(block, pre, options));
  running = next.catch(() => undefined);
  return next;
}

async function executeOne(block: Block, pre: MemoryState, options: ParallelOptions): Promise<ParallelResult> {
  // Wall time from here (after any wait for the threads): a fallback's time includes the abandoned parallel attempt.
  let callStart = performance.now();
  const workers = options.workers ?? availableParallelism();
  const { header } = block;
  const rules = options.rules ?? rulesFor(mainnetFork(header.number, header.timestamp));
  const stats: ParallelStats = { mode: "parallel", workers, fallback: null, predictedSpeedup: null, reason: null, faults: [], executions: 0, validations: 0, aborts: 0, dependencies: 0, reexecutions: 0, hints: options.seed !== undefined ? "values" : options.hints !== undefined ? "graph" : null, executor: null, partition: null, stopped: null, inOrderExecutions: 0, streamedResults: 0, prepareMs: 0, workersMs: 0, assembleMs: 0, loopMs: 0, receiptsMs: 0, receiptsOnMain: false, executeMs: 0, validateMs: 0, idleMs: 0 };
  const sequential = (reason: string): ParallelResult => {
    const result = options.record === true ? executeBlockRecorded(block, pre, { ...options, rules }) : executeBlock(block, pre, { ...options, rules });
    result.executionMs = performance.now() - callStart;
    const out: ParallelResult = { ...result, stats: { ...stats, mode: "sequential", fallback: reason } };
    // The timeline of a Block-STM attempt that was abandoned, if any, stays with the record.
    if (out.record !== undefined) out.record = { ...out.record, run: { ...out.record.run, fallback: reason, executionMs: result.executionMs }, timeline };
    return out;
  };
  // With options.record: the executors' timeline, and the transactions' part of a Block-STM record.
  let timeline: TimelineEvent[] = [];
  let blockStmRecord: ReturnType<typeof blockStmTransactions> | null = null;
  let accesses: BlockStmAccesses | null = null;
  if (!rules.eip158) return sequential("before EIP-161 (Spurious Dragon): empty accounts still exist");
  if (block.transactions.length === 0) return sequential("no transactions");
  const wide = firstWideAddress(block);
  if (wide !== null) return sequential(wide);
  if (options.hints !== undefined) checkHints(options.hints, options.hintCosts, block.transactions.length);
  let chains: SenderChains | null = null;
  const partition = options.hints !== undefined && options.partition === true && options.record !== true && workers > 1 ? partitionOf(block, options.hints, options.hintCosts, workers) : null;
  if (!options.forceParallel) {
    if (workers <= 1) return sequential("one worker");
    if (options.minTxs !== undefined && block.transactions.length < options.minTxs) return sequential(`fewer than ${options.minTxs} transactions`);
    const shape = { txs: block.transactions.length, gas: Number(header.gasUsed) };
    const cores = options.cores ?? availableParallelism();
    // The threads alone decide most blocks on few cores: the sender chains are walked only where they could change the choice.
    let choice = chooseMode({ ...shape, bound: partition !== null ? partition.bound : options.hints !== undefined ? hintedBound(block, options.hints, options.hintCosts) : UNBOUNDED }, workers, cores, options.costModel);
    if (choice.parallel && options.hints === undefined) {
      chains = senderChains(block);
      choice = chooseMode({ ...shape, bound: { speedup: senderChainBound(block, chains).speedup, source: SENDER_CHAINS } }, workers, cores, options.costModel);
    }
    stats.predictedSpeedup = choice.prediction.speedup;
    stats.reason = choice.reason;
    if (!choice.parallel) return sequential(choice.reason);
    if (options.whenThreadsCold === "sequential" && !workerPoolWarm(workers)) {
      return sequential("the worker threads are still starting (about 2 s in a fresh process, compiling the executor): until they are warm a block runs faster sequentially; --workers N waits for them");
    }
  }
  chains ??= senderChains(block);
  if (options.whenThreadsCold === "wait" && workers > 1 && !workerPoolWarm(workers)) {
    await workerPoolReady(workers);
    callStart = performance.now();
  }

  if (partition !== null && partition.parallelTxs > 0) {
    stats.executor = "partitioned";
    let out: ParallelResult | string;
    try {
      out = await runPartitioned(block, pre, options, rules, partition, stats, callStart);
    } catch (e) {
      stats.faults.push((e as Error).message);
      return sequential(`worker fault: ${(e as Error).message.split("\n")[0]}`);
    }
    return typeof out === "string" ? sequential(out) : out;
  }
  stats.executor = "block-stm";
  const start = performance.now();
  const txCount = block.transactions.length;
  if (options.seed !== undefined && options.seed.writes.length !== txCount) throw new RangeError(`seeded values for ${options.seed.writes.length} transactions, but the block has ${txCount}`);
  const base = stateAfterPrologue(block, pre, rules, options);
  const scheduler = Scheduler.create(txCount, "block", executionOrder(options));
  const mv = MvMemory.create(txCount, header.gasLimit);
  const receipts = SharedReceipts.create(txCount, header.gasLimit);
  const control = new SharedArrayBuffer(4 * CONTROL_WORDS);
  const clockStart = performance.timeOrigin + performance.now();
  const job: BlockJob = { block, previousFromSender: chains.previous, fork: rules.fork, chainId: options.chainId ?? MAINNET_CHAIN_ID, blockHashes: new Map(options.blockHashes), accounts: base.accounts, codes: base.codes };
  const workersStart = performance.now();
  stats.prepareMs = workersStart - start;
  const handles = { scheduler: scheduler.buffer, txCount, mv: mv.buffers, receipts: receipts.buffers, workers, control, conflictBudget: options.conflictBudget ?? conflictBudget(txCount, workers), timeline: options.record === true, clockStart, ...(options.hints !== undefined ? { hints: packHints(options.hints) } : {}), seeded: options.seed !== undefined, ...faultFirst(options.fault, workers) };
  if (options.seed !== undefined) seedMemory(mv, base, block, options.seed);
  // The main thread is one of the executors (the last): its results need no transfer. Its context
  // is built once the worker threads have their job (their start is on the critical path).
  let local!: { ctx: BlockContext; base: MemoryState };
  let localLoop!: BlockStmLoop;
  const startLocal = (): LocalExecutor => {
    local = buildContext(job, new ArrayTransactions(block.transactions), base);
    const mainFault = options.fault !== undefined && options.fault.kind === "throw" && (options.fault.worker === undefined || options.fault.worker === workers - 1) ? options.fault : null;
    localLoop = new BlockStmLoop(local.ctx, local.base, { ...handles, worker: workers - 1 }, mainFault);
    return { loop: localLoop, ctx: local.ctx, handles };
  };
  // Runs on the main thread once its own loop is done and the block complete (the multi-version
  // memory then holds every final write), while the worker threads send their results.
  let earlyWorld: WorldState | null = null;
  let earlyMs = 0;
  const onLoopDone = (): void => {
    if (scheduler.halted()) return;
    const t = performance.now();
    earlyWorld = postState(block, pre, rules, options, mv, localLoop.reader.bySlot);
    if (options.record === true) accesses = blockStmAccesses(mv, base, txCount, localLoop.reader.bySlot);
    earlyMs = performance.now() - t;
  };
  // Runs on the main thread once every worker has sent its results, while they build receipts.
  let assembled: Assembled | string = "internal: the block was not assembled";
  const onExecuted = (outcomes: LoopOutcome[]): void => {
    const assembleStart = performance.now();
    stats.workersMs = assembleStart - workersStart;
    for (const o of outcomes) addStats(stats, o.stats);
    const fallback = outcomes.find((o) => o.fallback !== null)?.fallback;
    if (fallback !== undefined && fallback !== null) {
      if (options.record === true) timeline = blockStmTimeline(outcomes);
      assembled = fallback;
      receipts.release();
      return;
    }
    const stopped = outcomes.find((o) => o.stopped !== null)?.stopped ?? null;
    if (stopped !== null) {
      // Keep what holds from the first transaction on; run the rest sequentially on top of it.
      stats.stopped = stopped;
      if (options.record === true) timeline = blockStmTimeline(outcomes);
      const prefix = validPrefix(local.base, handles, outcomes);
      stats.inOrderExecutions = txCount - prefix.length;
      const kept = assemble(block, rules, postState(block, pre, rules, options, mv, localLoop.reader.bySlot, prefix.length), prefix, stats);
      assembled = typeof kept === "string" ? kept : (continueSequentially(block, rules, options, kept, prefix.length) ?? kept);
      // The worker threads wait to hash the receipts trie with the main thread.
      if (typeof assembled !== "string" && rules.byzantium) receipts.encodeAll(assembled.builder.receipts, workers);
      else receipts.release();
      stats.assembleMs = performance.now() - assembleStart;
      return;
    }
    if (options.txDag === true) txDag = dependencyGraph(mv, txCount);
    const finals = finalIncarnations(outcomes, scheduler, txCount);
    if (typeof finals === "string") {
      if (options.record === true) timeline = blockStmTimeline(outcomes);
      Atomics.store(new Int32Array(control), 0, 1);
      assembled = finals;
      return;
    }
    if (options.record === true) blockStmRecord = blockStmTransactions(accesses ?? blockStmAccesses(mv, base, txCount, localLoop.reader.bySlot), finals, outcomes);
    // Built while the worker threads were still sending their results.
    const world = earlyWorld ?? postState(block, pre, rules, options, mv, localLoop.reader.bySlot);
    assembled = assemble(block, rules, world, finals, stats);
    if (typeof assembled === "string") Atomics.store(new Int32Array(control), 0, 1); // no receipts needed
    stats.assembleMs = performance.now() - assembleStart + earlyMs;
  };
  let txDag: number[][] | undefined;
  let receiptsMs: number[];
  try {
    receiptsMs = await pool(workers - 1).run(jobKeyOf(block, pre), job, handles, options.fault ?? null, scheduler, control, txCount, startLocal, onLoopDone, onExecuted, options.streamBatch ?? 0, (n) => (stats.streamedResults += n));
  } catch (e) {
    stats.faults.push((e as Error).message);
    return sequential(`worker fault: ${(e as Error).message.split("\n")[0]}`);
  }
  stats.receiptsMs = Math.max(...receiptsMs);
  if (typeof assembled === "string") return sequential(assembled);
  const { world, builder } = assembled as Assembled;
  const finishStart = performance.now();
  // On overflow of the shared receipt buffer (null), finish computes the receipts root here.
  const root = rules.byzantium ? receipts.root() : null;
  stats.receiptsOnMain = rules.byzantium && root === null;
  const post = options.record === true ? epilogueChanges(block, world, rules, options, builder.receipts) : null;
  const epilogue = applyBlockEpilogue(new Evm(world, blockEnv(block, options, rules), rules, options.codeCache ?? threadCodeCache), block, builder.receipts, options.completeState === true);
  const finished = builder.finish(world, epilogue, root ?? undefined);
  stats.assembleMs += performance.now() - finishStart;
  finished.executionMs = performance.now() - callStart;
  const result: ParallelResult = txDag === undefined ? { ...finished, stats } : { ...finished, stats, txDag };
  if (options.record === true) result.record = parallelRecord(block, pre, options, result, stats, blockStmRecord, timeline, post!);
  return result;
}

/** Throws a RangeError naming the first hint that is not an earlier transaction, or a size mismatch. */
/** SharedHandles.faultFirst for a fault plan that asks its executor to run first. */
function faultFirst(fault: ParallelOptions["fault"], workers: number): { faultFirst?: number } {
  if (fault?.first !== true) return {};
  if (fault.worker === undefined || !Number.isInteger(fault.worker) || fault.worker < 0 || fault.worker >= workers) throw new RangeError(`fault.first needs fault.worker, an executor index below ${workers}`);
  return { faultFirst: fault.worker };
}

/** Block order (undefined), or the critical-path order of the hinted graph when its costs are given. */
function executionOrder(options: ParallelOptions): Int32Array | undefined {
  if (options.hints === undefined || options.hintCosts === undefined) return undefined;
  return criticalPathOrder(options.hints, options.hintCosts);
}

function checkHints(hints: TxDag, costs: readonly number[] | undefined, txCount: number): void {
  if (hints.length !== txCount) throw new RangeError(`dependency hints for ${hints.length} transactions, but the block has ${txCount}`);
  if (costs !== undefined && costs.length !== txCount) throw new RangeError(`hint costs for ${costs.length} transactions, but the block has ${txCount}`);
  checkTxDag(hints, costs ?? new Array<number>(txCount).fill(0));
}

/**
 * Writes every transaction's seeded values into the multi-version memory, as its incarnation
 * before the first. A balance the transaction will credit as a delta (the coinbase's fee, a
 * code-less transfer recipient) is seeded as the same delta, so that a correct seed and the
 * execution that replaces it are equal and nothing above is validated again for it.
 */
function seedMemory(mv: MvMemory, base: MemoryState, block: Block, seed: NonNullable<ParallelOptions["seed"]>): void {
  const reader = new VersionedReader(mv, base);
  const locs: number[] = [];
  const values: (Word | bigint)[] = [];
  const deltas: boolean[] = [];
  const balances = new Map<Word, bigint>();
  const coinbase = block.header.coinbase;
  for (const [hash, code] of seed.codes) if (hash !== KECCAK_EMPTY_WORD) mv.publishCode(hash, code);
  seed.writes.forEach((writes, tx) => {
    locs.length = 0;
    values.length = 0;
    deltas.length = 0;
    const lazy = lazyTransferRecipient(block.transactions[tx]!, coinbase);
    for (const w of writes) {
      const { address, field, slot } = w.location;
      const account = reader.account(address);
      locs.push(field === Field.Storage ? reader.storageLoc(account, slot) : (account.slot << 2) | field);
      if (field !== Field.Balance) {
        values.push(w.value);
        deltas.push(false);
        continue;
      }
      const value = BigInt(w.value);
      const before = balances.get(address) ?? account.base?.balance ?? 0n;
      balances.set(address, value);
      // A delta is never negative: a coinbase that sends (a pool's payouts) writes its balance whole.
      const credited = value >= before && ((address === coinbase && block.transactions[tx]!.sender !== coinbase) || (address === lazy && (account.base?.codeHash ?? KECCAK_EMPTY_WORD) === KECCAK_EMPTY_WORD));
      values.push(credited ? value - before : value);
      deltas.push(credited);
    }
    mv.record(tx, 0, locs, values, deltas, [], []);
  });
}

/**
 * The record of a parallel run: from the multi-version memory when Block-STM ran the whole block,
 * else (stopped early) from a recording pass in order, with the Block-STM part's timeline.
 */
function parallelRecord(block: Block, pre: MemoryState, options: ParallelOptions, result: ParallelResult, stats: ParallelStats, fromBlockStm: ReturnType<typeof blockStmTransactions> | null, timeline: TimelineEvent[], post: BlockRecord["post"]): BlockRecord {
  const { header } = block;
  const run = { mode: "parallel" as const, workers: stats.workers, fallback: null, stopped: stats.stopped, executionMs: result.executionMs };
  if (fromBlockStm !== null) labelTransactions(fromBlockStm.transactions, block.transactions);
  if (fromBlockStm === null) {
    const rerun = executeBlockRecorded(block, pre, { ...options, rules: result.rules }).record;
    return { ...rerun, run: { ...run, source: "sequential-rerun" }, timeline };
  }
  return {
    block: { number: header.number, hash: header.hash, fork: result.rules.name, coinbase: header.coinbase, gasUsed: result.gasUsed, txCount: block.transactions.length },
    run: { ...run, source: "block-stm" },
    transactions: fromBlockStm.transactions,
    codes: fromBlockStm.codes,
    pre: prologueChanges(block, pre, result.rules, options),
    post,
    timeline: fromBlockStm.timeline,
  };
}

/** Each transaction's dependencies, read from the final read sets and versions (see ParallelResult). */
function dependencyGraph(mv: MvMemory, txCount: number): number[][] {
  const graph: number[][] = [];
  const writers = new Set<number>();
  for (let tx = 0; tx < txCount; tx++) {
    writers.clear();
    mv.writersRead(tx, writers);
    graph.push([...writers].sort((a, b) => a - b));
  }
  return graph;
}

function addStats(total: ParallelStats, s: LoopStats): void {
  total.executions += s.executions;
  total.validations += s.validations;
  total.aborts += s.aborts;
  total.dependencies += s.dependencies;
  total.loopMs = Math.max(total.loopMs, s.loopMs);
  total.executeMs += s.executeMs;
  total.validateMs += s.validateMs;
  total.idleMs += s.idleMs;
}

/** The kept result of each transaction's final incarnation, or why there is none. */
function finalIncarnations(outcomes: LoopOutcome[], scheduler: Scheduler, txCount: number): IncarnationResult[] | string {
  const finals: IncarnationResult[] = new Array(txCount);
  for (const o of outcomes) {
    for (const r of o.results) if (r.incarnation === scheduler.incarnationOf(r.tx)) finals[r.tx] = r;
  }
  return checkedFinals(finals);
}

/** `finals`, or why they cannot make the block: a missing result, or an invalid transaction. */
function checkedFinals(finals: IncarnationResult[]): IncarnationResult[] | string {
  for (let tx = 0; tx < finals.length; tx++) {
    if (finals[tx] === undefined) return `internal: no result for transaction ${tx}`;
    if (finals[tx]!.invalid !== null) return `transaction ${tx} is invalid: ${finals[tx]!.invalid}`;
  }
  return finals;
}

/** The pre-state with the block's prologue (DAO change, EIP-4788 call) applied, as a new state. */
function stateAfterPrologue(block: Block, pre: MemoryState, rules: ReturnType<typeof rulesFor>, options: ExecuteOptions): MemoryState {
  const world = new WorldState(pre);
  applyBlockPrologue(new Evm(world, blockEnv(block, options, rules), rules, threadCodeCache), block);
  const changed = [...world.dirtyAccounts()];
  if (changed.length === 0) return pre;
  const base = new MemoryState();
  for (const [k, v] of pre.accounts) base.accounts.set(k, v);
  for (const [k, v] of pre.codes) base.codes.set(k, v);
  for (const account of changed) {
    if (!account.exists) {
      base.accounts.delete(account.address);
      continue;
    }
    const storage = new Map(account.storageCleared ? [] : (pre.accounts.get(account.address)?.storage ?? []));
    for (const [slot, value] of account.storage) value === 0 ? storage.delete(slot) : storage.set(slot, value);
    base.putAccount(account.address, account.nonce, account.balance, account.codeHash, storage);
    if (account.code !== null && !base.codes.has(account.codeHash)) base.codes.set(account.codeHash, account.code);
  }
  return base;
}

interface Assembled {
  world: WorldState;
  builder: BlockResultBuilder;
}

/** The block's receipts, on the post-state `world` (postState). */
function assemble(block: Block, rules: ReturnType<typeof rulesFor>, world: WorldState, finals: IncarnationResult[], stats: ParallelStats): Assembled | string {
  const { header } = block;
  const builder = new BlockResultBuilder(rules);
  for (let tx = 0; tx < finals.length; tx++) {
    stats.reexecutions += finals[tx]!.incarnation;
    if (block.transactions[tx]!.gasLimit > header.gasLimit - builder.cumulativeGasUsed) return `transaction ${tx} exceeds the block's remaining gas`;
    builder.add(block.transactions[tx]!, finals[tx]!.result!, finals[tx]!.bloom);
  }
  return { world, builder };
}

/** Partitioned runs so far: each names its worker threads' world (kept from one segment to the next). */
let partitionedRuns = 0;

/**
 * Runs the block partitioned, segment by segment: each thread runs its transactions of the
 * segment on a world of its own (the main thread the last thread's), tracked
 * (partitionTracker.ts); the threads' runs are checked against each other and merged into the
 * main thread's world, the segment's last transaction runs there alone, and the worker threads
 * get what changed before the next segment. Returns why the block must run in order instead, if so.
 */
async function runPartitioned(block: Block, pre: MemoryState, options: ParallelOptions, rules: ReturnType<typeof rulesFor>, partition: Partition, stats: ParallelStats, callStart: number): Promise<ParallelResult | string> {
  const { header } = block;
  const txCount = block.transactions.length;
  const segments = partition.plan.segments;
  const workers = segments[0]!.threads.length;
  const main = workers - 1;
  const prepareStart = performance.now();
  const base = stateAfterPrologue(block, pre, rules, options);
  const job: BlockJob = { block, previousFromSender: senderChains(block).previous, fork: rules.fork, chainId: options.chainId ?? MAINNET_CHAIN_ID, blockHashes: new Map(options.blockHashes), accounts: base.accounts, codes: base.codes };
  const jobKey = jobKeyOf(block, pre);
  const run = ++partitionedRuns;
  // The main thread runs the last thread's share of each segment, on the world the block's result comes from.
  const { evm } = startBlock(block, pre, { ...options, rules });
  applyBlockPrologue(evm, block);
  const world = evm.world;
  const builder = new BlockResultBuilder(rules);
  const transactionAt = (i: number): Transaction => block.transactions[i]!;
  stats.prepareMs = performance.now() - prepareStart;
  let delta: ArrayBuffer | null = null;
  let next = 0;
  const inOrder = (tx: number, result: TxResult, bloom: Uint8Array | null): string | null => {
    if (tx !== next) return `internal: the partition plan skips from transaction ${next} to ${tx}`;
    if (block.transactions[tx]!.gasLimit > header.gasLimit - builder.cumulativeGasUsed) return `transaction ${tx} exceeds the block's remaining gas`;
    builder.add(block.transactions[tx]!, result, bloom);
    next++;
    return null;
  };
  for (let s = 0; s < segments.length; s++) {
    const { threads, barrier } = segments[s]!;
    const others = pool(workers - 1).runPartition(jobKey, job, threads.slice(0, main), txCount, { run, index: s, last: s === segments.length - 1, delta });
    const ownStart = performance.now();
    const own = runThreadPart(evm, header.coinbase, transactionAt, threads[main]!, header.gasLimit);
    const waitStart = performance.now();
    stats.loopMs += waitStart - ownStart;
    const parts = await others;
    const mergeStart = performance.now();
    stats.workersMs += mergeStart - ownStart;
    const failed = [...parts, own].find((part) => part.failure !== null);
    if (failed !== undefined) return `partitioned run: ${failed.failure}`;
    const marks = parts.map((part) => decodeMarks(part.marks));
    marks.push(threadMarks(own.tracker));
    own.tracker.release();
    const conflict = mergeThreads(world, marks, main);
    if (conflict !== null) return `partitioned run: ${conflict}`;
    const results: TxResult[] = [];
    const blooms: (Uint8Array | null)[] = [];
    parts.forEach((part, thread) =>
      part.results.forEach((result, k) => {
        results[threads[thread]![k]!] = result;
        blooms[threads[thread]![k]!] = part.blooms[k]!;
      }),
    );
    own.results.forEach((result, k) => (results[threads[main]![k]!] = result));
    for (let tx = next; tx < results.length; tx++) {
      const failure = results[tx] === undefined ? `internal: the partition plan leaves out transaction ${tx}` : inOrder(tx, results[tx]!, blooms[tx] ?? null);
      if (failure !== null) return failure;
    }
    if (barrier >= 0) {
      const alone = runThreadPart(evm, header.coinbase, transactionAt, [barrier], header.gasLimit - builder.cumulativeGasUsed);
      if (alone.failure !== null) return `partitioned run: ${alone.failure}`;
      marks.push(threadMarks(alone.tracker));
      alone.tracker.release();
      const failure = inOrder(barrier, alone.results[0]!, null);
      if (failure !== null) return failure;
    }
    if (s + 1 < segments.length) delta = encodeDelta(world, marks);
    stats.assembleMs += performance.now() - mergeStart;
  }
  if (next !== txCount) return `internal: the partition plan ends at transaction ${next} of ${txCount}`;
  const finishStart = performance.now();
  stats.executions = txCount;
  stats.partition = { parallelTxs: partition.parallelTxs, inOrderTxs: txCount - partition.parallelTxs, segments: segments.length };
  const epilogue = applyBlockEpilogue(evm, block, builder.receipts, options.completeState === true);
  const finished = builder.finish(world, epilogue);
  stats.assembleMs += performance.now() - finishStart;
  finished.executionMs = performance.now() - callStart;
  return { ...finished, stats };
}

/**
 * Executes transactions `from` on, in order, on the state the kept ones left (the sequential
 * executor's loop). Returns why the block cannot complete this way (then it reruns sequentially,
 * which reports the error), or null.
 */
function continueSequentially(block: Block, rules: ReturnType<typeof rulesFor>, options: ExecuteOptions, { world, builder }: Assembled, from: number): string | null {
  try {
    executeTransactions(new Evm(world, blockEnv(block, options, rules), rules, options.codeCache ?? threadCodeCache), block, builder, from);
    return null;
  } catch (e) {
    if (e instanceof BlockExecutionError) return e.message;
    throw e;
  }
}

/**
 * The block's post-state (of the transactions below `below`: all by default), from the multi-version memory once every transaction is final: each
 * written location's final value, one write per location (replaying every transaction's writes in
 * order gives the same state with many more), on a world over the pre-state. An account left
 * empty is deleted (EIP-161): the last transaction that touched it deleted it.
 */
function postState(block: Block, pre: StateReader, rules: ReturnType<typeof rulesFor>, options: ExecuteOptions, mv: MvMemory, known: (AccountLocations | undefined)[], below = block.transactions.length): WorldState {
  const world = new WorldState(pre);
  applyBlockPrologue(new Evm(world, blockEnv(block, options, rules), rules, threadCodeCache), block);
  const writer = new FinalWriter(world, mv, pre, known);
  mv.forEachFinalWrite((loc, value, delta) => writer.apply(loc, value, delta), below);
  for (const account of world.dirtyAccounts()) world.deleteIfEmpty(account);
  return world;
}

/** Applies final writes to the post-state world. An account's fields come one after another: its address is decoded once. */
class FinalWriter {
  private tableSlot = -1;
  private account: AccountState | null = null;

  /**
   * `known`: the main thread's executor's accounts by table slot, with their addresses and
   * pre-state accounts (the pre-state after the prologue, which is the pre-state's account for
   * every account the prologue left alone; those it changed are in the world already).
   */
  constructor(
    private readonly world: WorldState,
    private readonly mv: MvMemory,
    private readonly pre: StateReader,
    private readonly known: (AccountLocations | undefined)[],
  ) {}

  apply(loc: number, value: Word | bigint, delta: boolean): void {
    const kind = (loc & 3) as LocationKind;
    if (loc >>> 2 !== this.tableSlot || this.account === null) {
      this.tableSlot = loc >>> 2;
      const known = this.known[this.tableSlot];
      this.account = known !== undefined ? this.world.accountKnown(known.address, known.base) : this.world.account(this.mv.addressOf(loc));
    }
    const world = this.world;
    const account = this.account;
    switch (kind) {
      case LocationKind.Balance:
        world.commitBalance(account, BigInt(value), delta);
        break;
      case LocationKind.Nonce:
        world.commitNonce(account, BigInt(value));
        break;
      case LocationKind.CodeHash:
        world.commitCode(account, value as Word, value === KECCAK_EMPTY_WORD ? new Uint8Array(0) : (this.mv.findCode(value as Word) ?? this.pre.readCode(value as Word)));
        break;
      default:
        world.commitStorage(account, this.mv.slotOf(loc), value as Word);
    }
  }
}

// ---------- the persistent worker pool ----------

/** A block job as the worker threads receive it: serialized once into shared memory, its transactions packed apart. */
interface PackedJob {
  job: SharedArrayBuffer;
  transactions: SharedArrayBuffer;
  resetCodes: boolean;
}

/**
 * The last job's transactions buffer, reused by the next (fresh shared memory costs a page fault
 * per 4 KiB at first touch). Only a new job overwrites it, and every worker then gets that job; a
 * worker that keeps the job (repeated runs) may see it rewritten only with the same block's bytes.
 */
let spareTransactions: SharedArrayBuffer | null = null;

/**
 * Codes the worker threads hold at most, in bytes, before they are told to forget them and the
 * record starts again (a replay of many blocks would otherwise keep every contract it met).
 */
const MAX_HELD_CODE_BYTES = 64 << 20;

let sharedPool: WorkerPool | null = null;

/** The main thread's share of a block: its Block-STM loop, run between the worker threads' messages. */
interface LocalExecutor {
  loop: BlockStmLoop;
  ctx: BlockContext;
  handles: SharedHandles;
}

/**
 * With ParallelOptions.streamBatch, the worker threads stream their results in batches while the
 * block runs, and the main thread decodes them between slices of its own loop this long, rather
 * than all at the end (ResultStream). Off by default until it measures faster: on the 2-core
 * machine with 4 threads (1-gigagas ERC-20, batches of 256, two runs each way) the main thread's
 * time between its loop's end and the last results fell from 223-310 ms to 133-226 ms, but the
 * loop grew by about 40 ms (the main thread executed less), for no net gain where no core is idle.
 * On 8 and 16 threads of the 16-core machine that gap was 280 ms after a 340-390 ms loop, and the
 * other threads could take the main thread's share of the executions; the lent machine was gone
 * before it could be measured there (bench/scaling --stream-batch 256).
 */
const MAIN_SLICE_MS = 2;

/** Lets the event loop run (worker messages, exits, the watchdog) between slices of the main thread's loop. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The pool of no worker thread, for blocks run by the main thread alone (workers: 1 with forceParallel). */
let noWorkers: WorkerPool | null = null;

function pool(size: number): WorkerPool {
  // One executor needs no thread: the shared pool, sized for other calls, is kept as it is.
  if (size === 0) return (noWorkers ??= new WorkerPool(0));
  if (sharedPool === null || sharedPool.size !== size) {
    sharedPool?.close();
    sharedPool = new WorkerPool(size);
  }
  return sharedPool;
}

/**
 * Starts the worker threads for `workers`-thread execution ahead of the first block (a thread takes
 * tens of milliseconds to load its modules, then warms its code up between blocks for about
 * 0.6 s: warmup.ts), so that their start overlaps loading the block.
 */
export function startWorkerPool(workers: number): void {
  if (workers > 1) pool(workers - 1);
}

/**
 * Resolves once the worker threads for `workers`-thread execution have started and warmed up, and
 * the main thread too (tests and benchmarks that need every thread running at speed).
 */
export async function workerPoolReady(workers: number): Promise<void> {
  if (workers <= 1) return;
  const ready = pool(workers - 1).ready();
  while (mainThreadWarmUpStep()) await yieldToEventLoop();
  await ready;
}

/**
 * The main thread's share of workerPoolReady: the worker threads' warm-up (warmup.ts) through its
 * own Block-STM loop, a block at a time so that the event loop keeps turning while the worker
 * threads warm up alongside. Measured in fresh processes, one block (17666333) after three others
 * ran sequentially: 151-184 ms in parallel with this warm-up against 259-301 ms without (sequentially
 * 75 ms against 159 ms).
 */
let mainWarmUp: Generator<void, void, void> | null = null;

/** Runs one step of the main thread's warm-up; false once it is done. */
function mainThreadWarmUpStep(): boolean {
  mainWarmUp ??= warmUpSteps(runBlockStmAlone);
  return mainWarmUp.next().done !== true;
}

/** Whether the worker threads for `workers`-thread execution have started and warmed up (workerPoolReady would resolve at once). */
export function workerPoolWarm(workers: number): boolean {
  return workers <= 1 || (sharedPool !== null && sharedPool.size === workers - 1 && sharedPool.warm());
}

/** The thread ids of the pool's live worker threads (none before the first parallel block or after closeWorkerPool). */
export function workerPoolThreads(): number[] {
  return sharedPool?.threadIds() ?? [];
}

/** Stops the pool's threads (they are unref'd, so an exiting process need not call this). */
export function closeWorkerPool(): void {
  sharedPool?.close();
  sharedPool = null;
}

const jobKeys = new WeakMap<Block, WeakMap<MemoryState, number>>();
let nextJobKey = 1;

/** Identifies a (block, pre-state) pair, so that repeated runs send the block to workers once. */
function jobKeyOf(block: Block, pre: MemoryState): number {
  let byPre = jobKeys.get(block);
  if (byPre === undefined) jobKeys.set(block, (byPre = new WeakMap()));
  let key = byPre.get(pre);
  if (key === undefined) byPre.set(pre, (key = nextJobKey++));
  return key;
}

/** Generous bound on a block's parallel run; past it the block is abandoned and run sequentially. */
/**
 * Listens to worker thread i for one job: its messages go to `onMessage`; a crash or exit removes
 * the listeners and goes to `onFault`. Returns the function that removes them.
 */
function listen<M>(worker: Worker, i: number, onMessage: (m: M) => void, onFault: (e: Error) => void): () => void {
  const cleanup = () => {
    worker.off("message", onMessage);
    worker.off("error", onError);
    worker.off("exit", onExit);
  };
  const onError = (e: Error) => {
    cleanup();
    onFault(new Error(`worker ${i} crashed: ${e.message}`));
  };
  const onExit = (code: number) => {
    cleanup();
    onFault(new Error(`worker ${i} exited with code ${code}`));
  };
  worker.on("message", onMessage);
  worker.on("error", onError);
  worker.on("exit", onExit);
  return cleanup;
}

function watchdogMs(txCount: number): number {
  return 60_000 + 20 * txCount;
}

/**
 * A worker's young generation. Each transaction leaves short-lived garbage (its world state,
 * journal, frames); with V8's default size a worker ran a scavenge every ~30 ms. At 64 MB, four runs
 * of a 1-gigagas raw-transfer block took 45 scavenges per worker instead of 75, and about 10% less GC time.
 */
const WORKER_YOUNG_GENERATION_MB = 64;

class WorkerPool {
  private workers: Worker[] = [];
  private heldKey: number[] = [];
  private started: Promise<void>[] = [];
  /** Per worker thread: started and warmed up (or exited: a replacement is then spawned on its next job). */
  private warmed: boolean[] = [];
  private nextId = 1;

  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) this.spawn(i);
  }

  private spawn(i: number): void {
    const worker = new Worker(new URL("./worker.js", import.meta.url), { resourceLimits: { stackSizeMb: 256, maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
    worker.unref();
    this.warmed[i] = false;
    this.started[i] = new Promise((resolve) => {
      const onReady = (m: { type: string }) => {
        if (m.type !== "ready") return;
        worker.off("message", onReady);
        this.warmed[i] = true;
        resolve();
      };
      worker.on("message", onReady);
      worker.once("exit", () => resolve());
    });
    this.workers[i] = worker;
    this.heldKey[i] = 0;
  }

  /** Every worker thread has started and warmed up. */
  warm(): boolean {
    return this.warmed.every(Boolean);
  }

  /** The worker threads' ids (workerPoolThreads). */
  threadIds(): number[] {
    return this.workers.map((w) => w.threadId);
  }

  /**
   * Runs worker thread i's share of a partitioned run's segment (`lists[i]`: its transactions,
   * ascending); resolves with what each thread's transactions read and wrote, and their results.
   * Rejects on any fault (a thread that died or hangs past the watchdog is replaced).
   */
  runPartition(jobKey: number, job: BlockJob, lists: number[][], txCount: number, segment: { run: number; index: number; last: boolean; delta: ArrayBuffer | null }): Promise<WorkerPart[]> {
    const id = this.nextId++;
    let packedJob: PackedJob | null = null;
    const packed = (): PackedJob => (packedJob ??= this.packJob(job));
    const parts = this.workers.map(
      (worker, i) =>
        new Promise<WorkerPart>((resolve, reject) => {
          const timer = setTimeout(() => fail(new Error(`watchdog: no result after ${watchdogMs(txCount)} ms`), true), watchdogMs(txCount));
          const fail = (e: Error, replace: boolean) => {
            clearTimeout(timer);
            stopListening();
            this.heldKey[i] = 0; // its job may be half built: the next one is sent again
            if (replace) {
              void worker.terminate();
              this.spawn(i);
              this.forgetCodes();
            }
            reject(e);
          };
          const onMessage = (m: { type: string; id: number; message?: string; failure: string | null; marks: ArrayBuffer; packed: ArrayBuffer }) => {
            if (m.id !== id) return;
            if (m.type !== "partitioned") return fail(new Error(`worker ${i} failed: ${m.message}`), false);
            clearTimeout(timer);
            stopListening();
            const decoded = decodeResults(m.packed);
            resolve({ failure: m.failure, marks: m.marks, results: decoded.map((r) => r.result!), blooms: decoded.map((r) => r.bloom) });
          };
          const stopListening = listen(worker, i, onMessage, (e) => fail(e, true));
          // A later segment goes to the thread that ran the earlier ones (it holds the job), with the changes since.
          const delta = segment.delta === null ? undefined : i === lists.length - 1 ? segment.delta : segment.delta.slice(0);
          const msg: PartitionMessage = { type: "partition", id, jobKey, run: segment.run, segment: segment.index, last: segment.last, indexes: lists[i]!, delta, ...this.jobFields(i, jobKey, packed) };
          worker.postMessage(msg, delta === undefined ? [] : [delta]);
        }),
    );
    return Promise.all(parts);
  }

  /**
   * The job's fields of a message to worker thread i: the packed job (`packed`: packed once per
   * call) where the thread does not hold the job `jobKey` yet, else none. The thread holds it from then on.
   */
  private jobFields(i: number, jobKey: number, packed: () => PackedJob): Pick<JobMessage, "job" | "transactions" | "resetCodes"> {
    const send = this.heldKey[i] !== jobKey;
    this.heldKey[i] = jobKey;
    if (!send) return {};
    const { job, transactions, resetCodes } = packed();
    return { job, transactions, resetCodes };
  }

  /** Resolves once every worker thread has loaded its modules and warmed up (or exited). */
  ready(): Promise<void> {
    return Promise.all(this.started).then(() => undefined);
  }

  close(): void {
    for (const w of this.workers) void w.terminate();
    this.workers = [];
  }

  /** Hashes of the codes every live worker thread holds (each got them with an earlier job), and their total size. */
  private codesHeld = new Set<Word>();
  private codeBytesHeld = 0;
  /** The next job tells the workers to forget their codes (after the record was reset). */
  private resetCodesNext = false;

  /**
   * A block job serialized once for every worker that needs it (posting the job itself would
   * serialize the whole pre-state again for each worker, on the main thread), with only the codes
   * the workers do not hold yet. The transactions go packed by txCodec, which is faster to write
   * and lets a worker decode only those it executes.
   */
  private packJob(job: BlockJob): PackedJob {
    let codes = new Map<Word, Uint8Array>();
    let newBytes = 0;
    for (const [hash, code] of job.codes) {
      if (this.codesHeld.has(hash)) continue;
      codes.set(hash, code);
      newBytes += code.length;
    }
    if (this.codeBytesHeld + newBytes > MAX_HELD_CODE_BYTES) {
      this.forgetCodes();
      codes = job.codes;
      newBytes = 0;
      for (const code of codes.values()) newBytes += code.length;
    }
    this.codeBytesHeld += newBytes;
    for (const hash of codes.keys()) this.codesHeld.add(hash);
    const resetCodes = this.resetCodesNext;
    this.resetCodesNext = false;
    const bytes = serialize({ ...job, codes, block: { ...job.block, transactions: [] } });
    // A fresh buffer for every job: v8.deserialize makes a worker's typed arrays (the codes,
    // previousFromSender) views into it, and a worker keeps a job for repeated runs of its block.
    const shared = new SharedArrayBuffer(bytes.length);
    new Uint8Array(shared).set(bytes);
    const transactions = encodeTransactions(job.block.transactions, spareTransactions ?? undefined);
    spareTransactions = transactions;
    return { job: shared, transactions, resetCodes };
  }

  /** Starts the code record again: the next job carries all its codes and tells the workers to drop theirs. */
  private forgetCodes(): void {
    this.codesHeld = new Set();
    this.codeBytesHeld = 0;
    this.resetCodesNext = true;
  }

  /**
   * Runs the block on every worker and on the main thread (`startLocal`, called once the workers
   * have their job). Once the main thread's loop is done, calls `onLoopDone` (the post-state, while
   * the worker threads send their results); when all have sent them, `onExecuted` (the rest of the
   * assembly, while the workers build receipts); then waits for every worker to finish. Resolves
   * with each executor's receipt time. Rejects (after replacing failed workers) on any fault.
   */
  async run(jobKey: number, job: BlockJob, handles: JobMessage["handles"], fault: ParallelOptions["fault"] | null, scheduler: Scheduler, control: SharedArrayBuffer, txCount: number, startLocal: () => LocalExecutor, onLoopDone: () => void, onExecuted: (outcomes: LoopOutcome[]) => void, streamEvery: number, onStreamed: (results: number) => void): Promise<number[]> {
    const id = this.nextId++;
    let packedJob: PackedJob | null = null;
    const packed = (): PackedJob => (packedJob ??= this.packJob(job));
    const executed: Promise<LoopOutcome>[] = [];
    const finished: Promise<number>[] = [];
    this.workers.forEach((worker, i) => {
      let resolveExecuted!: (o: LoopOutcome) => void;
      let resolveFinished!: (ms: number) => void;
      let fail!: (e: Error) => void;
      const executedPromise = new Promise<LoopOutcome>((resolve, reject) => {
        resolveExecuted = resolve;
        fail = reject;
      });
      const finishedPromise = new Promise<number>((resolve, reject) => {
        resolveFinished = resolve;
        const failExecuted = fail;
        fail = (e) => {
          failExecuted(e);
          reject(e);
        };
      });
      // Marked handled here: they are awaited (or settled) below.
      executedPromise.catch(() => undefined);
      finishedPromise.catch(() => undefined);
      executed.push(executedPromise);
      finished.push(finishedPromise);
      // A failed worker stops the block for every executor, the main thread's loop included.
      const failBlock = fail;
      fail = (e) => {
        scheduler.halt();
        failBlock(e);
      };
      // Batches this worker streamed during the loop (ResultStream), then the rest with its outcome.
      const streamed: IncarnationResult[][] = [];
      const onMessage = (m: { type: string; id: number; message?: string; packed: ArrayBuffer; receiptsMs: number } & Omit<LoopOutcome, "results">) => {
        if (m.id !== id) return;
        if (m.type === "results") {
          const batch = decodeResults(m.packed);
          streamed.push(batch);
          return onStreamed(batch.length);
        }
        if (m.type === "executed") return resolveExecuted({ stats: m.stats, fallback: m.fallback, stopped: m.stopped, timeline: m.timeline, results: streamed.flat().concat(decodeResults(m.packed)) });
        cleanup();
        if (m.type === "done") resolveFinished(m.receiptsMs);
        else fail(new Error(`worker ${i} failed: ${m.message}`));
      };
      const cleanup = listen(worker, i, onMessage, (e) => fail(e));
      const workerFault = fault !== null && fault !== undefined && (fault.worker === undefined || fault.worker === i) ? { tx: fault.tx, kind: fault.kind } : null;
      const msg: JobMessage = { type: "block", id, jobKey, handles: { ...handles, worker: i }, fault: workerFault, streamEvery, ...this.jobFields(i, jobKey, packed) };
      worker.postMessage(msg);
    });
    const local = startLocal();
    let timer: NodeJS.Timeout | undefined;
    let expired = false;
    const watchdog = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        expired = true;
        reject(new Error(`watchdog: no result after ${watchdogMs(txCount)} ms`));
      }, watchdogMs(txCount));
    });
    watchdog.catch(() => undefined); // awaited below; rejected early only when the block is stuck
    try {
      // The main thread's loop, handing control back to the event loop whenever it is idle (a
      // failed worker halts the scheduler from there, which ends this loop too).
      while (!local.loop.run(true, streamEvery > 0 ? MAIN_SLICE_MS : 0)) {
        if (expired) scheduler.halt();
        await yieldToEventLoop();
      }
      const localStart = performance.now();
      const own = local.loop.outcome();
      if (own.fallback === null && !scheduler.halted()) encodeReceipts(local.ctx, local.handles, own.results);
      let localReceiptsMs = performance.now() - localStart;
      onLoopDone();
      const outcomes = [...(await Promise.race([Promise.all(executed), watchdog])), own];
      try {
        onExecuted(outcomes);
      } catch (e) {
        Atomics.store(new Int32Array(control), 0, 1); // the workers stop building receipts
        new SharedReceipts(handles.receipts).release();
        await Promise.race([Promise.all(finished), watchdog]);
        throw e;
      }
      // What is left of the receipts trie once the post-state is assembled.
      const hashStart = performance.now();
      if (own.fallback === null) hashReceiptGroups(local.ctx, local.handles, scheduler.halted());
      localReceiptsMs += performance.now() - hashStart;
      return [...(await Promise.race([Promise.all(finished), watchdog])), localReceiptsMs];
    } catch (e) {
      // Stop every worker on this block, then replace the ones that are gone or stuck. The next
      // block gets fresh shared buffers: a worker on its way out may still write to these.
      scheduler.halt();
      new SharedReceipts(handles.receipts).release();
      discardSpareSchedulerBuffer();
      discardSpareMvBuffers();
      discardSpareReceiptBuffers();
      spareTransactions = null;
      const settled = await Promise.race([Promise.allSettled(finished), new Promise((r) => setTimeout(r, 2000, null))]);
      this.workers.forEach((w, i) => {
        const state = settled === null ? undefined : (settled as PromiseSettledResult<number>[])[i];
        if (state === undefined || state.status === "rejected") {
          void w.terminate();
          this.spawn(i);
          this.forgetCodes(); // the new thread holds none
        }
      });
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }
}
