// The public API of the `parallel-evm` package (docs/api.md): load a block, execute it sequentially
// or with Block-STM, verify it against its header, and read its execution record, dependency
// graph, summary and EIP-7928 access list; run state tests. Everything here is a re-export of the
// modules that do the work, plus two compositions the CLI also makes (blockInputFromJson, runBlock).
// Whatever is not exported here is internal and may change without notice.
import type { Block } from "./block/block.js";
import { blockInputFromParts, type BlockInput } from "./block/load.js";
import { verifyExecution, type ExpectedReceipt, type Verification } from "./block/verify.js";
import type { Word } from "./primitives/word.js";
import type { MemoryState } from "./state/memory.js";
import { executeBlockParallel, type ParallelOptions, type ParallelStats } from "./exec/parallel/executor.js";
import { executeBlockRecorded } from "./exec/recording.js";
import { executeBlock, type BlockResult } from "./exec/sequential.js";
import { summarize, type RecordSummary } from "./records/analysis.js";
import { dependencyGraph, type DependencyGraph } from "./records/graph.js";
import type { BlockRecord } from "./records/record.js";

// ---- blocks: the model, loading, generated blocks ------------------------------------------------

export type { Block, BlockHeader, Ommer, Withdrawal } from "./block/block.js";
export { loadBlockInput, type BlockInput, type LoadOptions } from "./block/load.js";
export { InputError } from "./block/json.js";
export { mainnetFork } from "./block/schedule.js";
export type { Receipt } from "./block/receipt.js";
export { TxType, type AccessListEntry, type Authorization, type Transaction } from "./tx/types.js";
export { BLOCK_WORKLOADS, generateBlock, WorkloadError, type BlockWorkload, type GeneratedBlock, type WorkloadSpec } from "./workload/blocks.js";
export { writeGeneratedBlock, type WriteOptions as WriteGeneratedBlockOptions, type WriteResult as WriteGeneratedBlockResult } from "./workload/write.js";

// ---- state and forks -------------------------------------------------------------------------

export { MemoryState, type MemoryAccount } from "./state/memory.js";
export { KECCAK_EMPTY_WORD, type AccountInfo, type StateReader } from "./state/reader.js";
export type { Log, WorldState } from "./state/world.js";
export { postStateDiff, type AccountChange, type AccountValues, type SlotChange } from "./state/diff.js";
export { Fork, forkByName, rulesFor, type ForkRules } from "./fork/forks.js";
export { addressToHex, wordFromHex, wordToHex, type Word } from "./primitives/word.js";
export { bytesToHex, hexToBytes } from "./primitives/bytes.js";

// ---- execution and verification --------------------------------------------------------------

export { BlockExecutionError, executeBlock, MAINNET_CHAIN_ID, type BlockHashes, type BlockResult, type ExecuteOptions } from "./exec/sequential.js";
export { executeBlockRecorded, type RecordedBlockResult } from "./exec/recording.js";
export {
  closeWorkerPool,
  executeBlockParallel,
  startWorkerPool,
  workerPoolReady,
  workerPoolWarm,
  type ParallelOptions,
  type ParallelResult,
  type ParallelStats,
} from "./exec/parallel/executor.js";
export type { TxResult } from "./evm/processor.js";
export type { Status } from "./evm/interpreter.js";
export { verifyExecution, type Checks, type Divergence, type ExecutionOutcome, type ExpectedReceipt, type Verification } from "./block/verify.js";

// ---- execution records -----------------------------------------------------------------------

export {
  FIELD_NAMES,
  PRE_STATE,
  type BlockRecord,
  type Field,
  type FieldName,
  type Location,
  type Outcome,
  type Read,
  type RunInfo,
  type SystemChanges,
  type TimelineEvent,
  type TxRecord,
  type TxStatus,
  type Write,
} from "./records/record.js";
export { dependencyGraph, type DependencyGraph, type Edge } from "./records/graph.js";
export { criticalPath, criticalPathOrder, idealMakespan, idealMakespans, idealSchedule, makespanLowerBound, speedupBound, type ScheduledTransaction, type TxDag } from "./records/txDag.js";
export {
  formatSummary,
  SPEEDUP_THREADS,
  summarize as summarizeRecord,
  type ContractHotSpot,
  type CriticalPathSummary,
  type DistanceSummary,
  type RecordSummary,
  type SlotHotSpot,
  type SpeedupTable,
  type SummaryOptions,
} from "./records/analysis.js";
export {
  readRecordFile,
  RECORD_FORMAT,
  RECORD_JSON_VERSION,
  RECORD_NDJSON_FORMAT,
  RecordFormatError,
  recordFromJson,
  recordFromNdjson,
  recordFromText,
  recordToJson,
  recordToNdjsonLines,
  writeRecordFile,
  type ReadRecordOptions,
  type RecordJson,
  type RecordJsonOptions,
  type RecordNdjsonOptions,
  type WriteRecordOptions,
} from "./records/json.js";
export {
  balFromJson,
  balHash,
  balItemCount,
  BalFormatError,
  balToJson,
  decodeBal,
  EMPTY_BAL_HASH,
  encodeBal,
  validateBal,
  type AccountChanges,
  type BalJson,
  type BalLimits,
  type BlockAccessList,
} from "./records/bal.js";
export { blockAccessList, diffBal, transactionWritesFromBal, type BalFromRecordOptions } from "./records/balFromRecord.js";

// ---- state tests -----------------------------------------------------------------------------

export {
  runStateTest,
  type AccountJson,
  type AuthorizationJson,
  type CaseResult,
  type PostEntry,
  type RunOptions as StateTestOptions,
  type StateTestJson,
  type TestConfig,
} from "./statetest/runner.js";
export { listTestFiles as listStateTestFiles, readTestFile as readStateTestFile } from "./statetest/files.js";
export { runFilesInPool as runStateTestFiles, type FileResult as StateTestFileResult, type PoolOptions as StateTestPoolOptions } from "./statetest/pool.js";
export { summarize as summarizeStateTests, type Failure as StateTestFailure, type ForkCount, type RunSummary as StateTestSummary } from "./statetest/summary.js";

// ---- compositions ----------------------------------------------------------------------------

/** A block's files, already parsed (JSON.parse of each): what loadBlockInput reads from a directory. */
export type BlockJsonInput = {
  /** eth_getBlockByNumber(n, true) output. */
  block: unknown;
  /** Ancestor hashes for BLOCKHASH, `{ "<number>": "<hash>" }` (block_hashes.json). */
  blockHashes?: unknown;
  /** eth_getBlockReceipts output, to name the first divergent transaction on a mismatch. */
  receipts?: unknown;
} & (
  | {
      /** The fixture pre-state (pre_state.json: `{ "<address>": { balance, nonce, code_hash?, storage } }`). */
      preState: unknown;
      /** Code hash → code (bytecodes.json), for every code_hash of preState. */
      bytecodes?: Record<string, string>;
    }
  | {
      /** geth's prestateTracer output for the block (debug_traceBlockByNumber). */
      prestateTrace: unknown;
    }
);

/**
 * A block to execute from parsed JSON, as loadBlockInput gives it from files: senders recovered
 * from the signatures, the fork from the mainnet schedule. Errors name the part at fault
 * ("block.transactions[3].r: ...").
 */
export function blockInputFromJson(json: BlockJsonInput): BlockInput {
  const trace = "prestateTrace" in json;
  return blockInputFromParts(
    { block: json.block, preState: trace ? json.prestateTrace : json.preState, bytecodes: trace ? undefined : json.bytecodes, blockHashes: json.blockHashes, receipts: json.receipts },
    { block: "block", preState: trace ? "prestateTrace" : "preState", bytecodes: trace ? null : "bytecodes", blockHashes: "blockHashes", receipts: "receipts" },
  );
}

/** What runBlock needs: a loaded block (BlockInput) or a generated one (GeneratedBlock). */
export interface RunnableBlock {
  block: Block;
  preState: MemoryState;
  blockHashes: ReadonlyMap<bigint, Word>;
  expectedReceipts?: readonly ExpectedReceipt[] | null;
}

export interface RunBlockOptions {
  /**
   * Executing threads: 1 (the default) runs the sequential executor; more run Block-STM on the
   * main thread and `workers - 1` worker threads (executeBlockParallel, which itself runs
   * sequentially the blocks where parallel execution would lose, and says why in `stats.fallback`).
   */
  workers?: number;
  /** Keep the execution record, its dependency graph and its summary (default true). */
  record?: boolean;
  /** More options for executeBlockParallel (with workers > 1). */
  parallel?: Omit<ParallelOptions, "blockHashes" | "workers" | "record">;
}

export interface BlockRun {
  result: BlockResult;
  /** The result checked against the block's header (and receipts, when given). */
  verification: Verification;
  mode: "sequential" | "parallel";
  /** Statistics of the parallel executor (workers > 1). */
  stats?: ParallelStats;
  record?: BlockRecord;
  graph?: DependencyGraph;
  summary?: RecordSummary;
}

/** Executes a block, verifies it, and (by default) records it, what `pevm run` does. */
export async function runBlock(input: RunnableBlock, options: RunBlockOptions = {}): Promise<BlockRun> {
  const workers = options.workers ?? 1;
  const record = options.record ?? true;
  const executeOptions = { blockHashes: input.blockHashes };
  let result: BlockResult & { record?: BlockRecord };
  let stats: ParallelStats | undefined;
  if (workers > 1) {
    const parallel = await executeBlockParallel(input.block, input.preState, { ...options.parallel, ...executeOptions, workers, record });
    result = parallel;
    stats = parallel.stats;
  } else {
    result = record ? executeBlockRecorded(input.block, input.preState, executeOptions) : executeBlock(input.block, input.preState, executeOptions);
  }
  const run: BlockRun = { result, verification: verifyExecution(input.block, result, input.expectedReceipts ?? null), mode: stats?.mode ?? "sequential" };
  if (stats !== undefined) run.stats = stats;
  if (result.record !== undefined) {
    run.record = result.record;
    run.graph = dependencyGraph(result.record);
    run.summary = summarize(result.record, run.graph);
  }
  return run;
}
