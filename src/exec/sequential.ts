// The sequential block executor: the reference every parallel result is compared with.
import { performance } from "node:perf_hooks";
import type { BlockEnv } from "../evm/env.js";
import { rulesFor, type ForkRules } from "../fork/forks.js";
import { threadCodeCache, type CodeCache } from "../evm/code.js";
import { resetHashMemo } from "../evm/hashMemo.js";
import { Evm } from "../evm/interpreter.js";
import { applyTransaction, blobBaseFee, InvalidTransactionError, type TxResult } from "../evm/processor.js";
import { BlockResultBuilder } from "./blockResult.js";
import type { Word } from "../primitives/word.js";
import type { StateReader } from "../state/reader.js";
import { WorldState } from "../state/world.js";
import type { Block } from "../block/block.js";
import type { Receipt } from "../block/receipt.js";
import { mainnetFork } from "../block/schedule.js";
import { applyBlockEpilogue, applyBlockPrologue } from "./blockRules.js";
import { BlockExecutionError } from "./errors.js";
import { keepShapesAlive } from "./keepShapes.js";

export const MAINNET_CHAIN_ID = 1n;

/** Ancestor block hashes by number, for BLOCKHASH. */
export type BlockHashes = ReadonlyMap<bigint, Word>;

export interface ExecuteOptions {
  blockHashes: BlockHashes;
  chainId?: bigint;
  /** Rules to use instead of the mainnet schedule's. */
  rules?: ForkRules;
  /** Code analysis cache (by default the thread's own, shared by every block it executes: threadCodeCache). */
  codeCache?: CodeCache;
  /** When given, filled with each transaction's execution time in milliseconds, by index (bench/ideal). */
  transactionMs?: number[];
  /**
   * The pre-state holds every account (a blockchain test's full state), so an account missing from
   * it does not exist. Then a system contract without code makes the block invalid (EIP-7002,
   * EIP-7251), instead of leaving its requests unknown as with a partial pre-state.
   */
  completeState?: boolean;
}

export interface BlockResult {
  rules: ForkRules;
  txResults: TxResult[];
  receipts: Receipt[];
  gasUsed: bigint;
  blobGasUsed: bigint;
  logsBloom: Uint8Array;
  /** Null before Byzantium: receipts then embed intermediate state roots of the full state. */
  receiptsRoot: Uint8Array | null;
  /** EIP-7685 requests (type byte and data each), from Prague on; null before, or when not computable (see warnings). */
  requests: Uint8Array[] | null;
  /** EIP-7685's commitment to `requests` (the header's requestsHash). */
  requestsHash: Uint8Array | null;
  /** The world after the block: its dirty accounts are the block's writes. */
  world: WorldState;
  /** Execution alone, in milliseconds: no loading, parsing or sender recovery. */
  executionMs: number;
  warnings: string[];
}

export { BlockExecutionError } from "./errors.js";

/**
 * Executes the block's transactions from `from` on, in order, adding each outcome to `builder`
 * (the parallel executor resumes here after a stop). Throws BlockExecutionError on an invalid one.
 */
export function executeTransactions(evm: Evm, block: Block, builder: BlockResultBuilder, from: number, timings?: number[]): void {
  for (let i = from; i < block.transactions.length; i++) {
    const tx = block.transactions[i]!;
    const start = timings === undefined ? 0 : performance.now();
    builder.add(tx, applyBlockTransaction(evm, block, i, builder));
    if (timings !== undefined) timings[i] = performance.now() - start;
  }
}

/** Applies transaction `i` with the gas the block has left; an invalid one is a BlockExecutionError naming it. */
export function applyBlockTransaction(evm: Evm, block: Block, i: number, builder: BlockResultBuilder): TxResult {
  const tx = block.transactions[i]!;
  if (tx.sender === undefined) throw new BlockExecutionError(`transaction ${i}: sender not recovered`, i);
  try {
    return applyTransaction(evm, tx, tx.sender, block.header.gasLimit - builder.cumulativeGasUsed);
  } catch (e) {
    if (e instanceof InvalidTransactionError) throw new BlockExecutionError(`transaction ${i} is invalid: ${e.message}`, i);
    // Input the block lacks (an ancestor hash for BLOCKHASH): name the transaction that needed it.
    if (e instanceof BlockExecutionError && e.txIndex === null) throw new BlockExecutionError(`transaction ${i}: ${e.message}`, i);
    throw e;
  }
}

/** Every transaction must have its `sender` resolved (see block/senders.ts). */
export function executeBlock(block: Block, pre: StateReader, options: ExecuteOptions): BlockResult {
  const { rules, start, evm } = startBlock(block, pre, options);
  const world = evm.world;
  applyBlockPrologue(evm, block);
  const builder = new BlockResultBuilder(rules);
  executeTransactions(evm, block, builder, 0, options.transactionMs);
  const result = builder.finish(world, applyBlockEpilogue(evm, block, builder.receipts, options.completeState === true));
  result.executionMs = performance.now() - start;
  return result;
}

/**
 * What a run of the block in order starts from: its rules, the start time, and an EVM on a new
 * world over `pre`, with the thread's KECCAK256 memo emptied (no block is helped by an earlier one).
 */
export function startBlock(block: Block, pre: StateReader, options: ExecuteOptions): { rules: ForkRules; start: number; evm: Evm } {
  const { header } = block;
  const rules = options.rules ?? rulesFor(mainnetFork(header.number, header.timestamp));
  keepShapesAlive();
  const start = performance.now();
  resetHashMemo();
  const evm = new Evm(new WorldState(pre), blockEnv(block, options, rules), rules, options.codeCache ?? threadCodeCache);
  return { rules, start, evm };
}

/** The EVM's view of the block, under `rules` (the blob base fee follows the fork's schedule). */
export function blockEnv(block: Block, options: ExecuteOptions, rules: ForkRules): BlockEnv {
  return new HeaderBlockEnv(block, options.blockHashes, options.chainId ?? MAINNET_CHAIN_ID, rules);
}

/**
 * The EVM's view of a block header. A class rather than an object literal with a closure: the
 * interpreter's call site for `blockHash` then always sees the same function, so optimized code
 * does not depend on a per-block closure that dies (and deoptimizes it) at the next full GC.
 */
class HeaderBlockEnv implements BlockEnv {
  readonly coinbase: Word;
  readonly number: bigint;
  readonly timestamp: bigint;
  readonly gasLimit: bigint;
  readonly difficulty: bigint;
  readonly prevRandao: Word;
  readonly baseFee: bigint;
  readonly blobBaseFee: bigint;

  constructor(
    block: Block,
    private readonly hashes: BlockHashes,
    readonly chainId: bigint,
    rules: ForkRules,
  ) {
    const { header } = block;
    this.coinbase = header.coinbase;
    this.number = header.number;
    this.timestamp = header.timestamp;
    this.gasLimit = header.gasLimit;
    this.difficulty = header.difficulty;
    this.prevRandao = header.mixHash;
    this.baseFee = header.baseFeePerGas ?? 0n;
    this.blobBaseFee = blobBaseFee(header.excessBlobGas ?? 0n, rules);
  }

  blockHash(n: bigint): Word {
    const hash = this.hashes.get(n);
    if (hash === undefined) throw new BlockExecutionError(`BLOCKHASH(${n}) is needed but no hash was given for block ${n} (block_hashes.json)`);
    return hash;
  }
}
