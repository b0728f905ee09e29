// Turning a block's transaction outcomes, in order, into its result: receipts with cumulative gas,
// the logs bloom, the receipts root, and the block's epilogue (rewards, withdrawals). Shared by the
// sequential and the parallel executors, so that both build results the same way.
import type { ForkRules } from "../fork/forks.js";
import { Status } from "../evm/interpreter.js";
import type { TxResult } from "../evm/processor.js";
import type { WorldState } from "../state/world.js";
import type { Block } from "../block/block.js";
import { BLOOM_BYTES, logsBloom, receiptsRoot, type Receipt } from "../block/receipt.js";
import type { Transaction } from "../tx/types.js";
import { requestsHash, type EpilogueOutcome } from "./blockRules.js";
import type { BlockResult } from "./sequential.js";

/**
 * The bloom of every receipt without logs: one shared array, read-only by convention (a block of
 * plain transfers allocated tens of thousands of zero blooms, and the garbage collector copied them).
 */
export const ZERO_BLOOM: Uint8Array = new Uint8Array(BLOOM_BYTES);

export class BlockResultBuilder {
  readonly txResults: TxResult[] = [];
  readonly receipts: Receipt[] = [];
  cumulativeGasUsed = 0n;
  blobGasUsed = 0n;

  constructor(private readonly rules: ForkRules) {}

  /** OR of the blooms of receipts with logs (the others are all zero). */
  private readonly blockBloom = new Uint8Array(BLOOM_BYTES);

  /** Adds the next transaction's receipt; `bloomOfLogs`: its bloom when already computed. */
  add(tx: Transaction, result: TxResult, bloomOfLogs: Uint8Array | null = null): void {
    let bloom = ZERO_BLOOM;
    if (result.logs.length > 0) {
      if (bloomOfLogs === null) bloom = logsBloom(result.logs, this.blockBloom);
      else orInto(this.blockBloom, (bloom = bloomOfLogs));
    }
    this.cumulativeGasUsed += result.gasUsed;
    this.blobGasUsed += result.blobGasUsed;
    this.txResults.push(result);
    this.receipts.push({
      type: tx.type,
      status: this.rules.byzantium ? (result.status === Status.Success ? 1 : 0) : null,
      postStateRoot: null,
      cumulativeGasUsed: this.cumulativeGasUsed,
      gasUsed: result.gasUsed,
      logs: result.logs,
      bloom,
    });
  }

  /**
   * Completes the result on `world`, to which the caller applied the block's epilogue (its outcome:
   * `epilogue`); executionMs is left at 0. `root`: the receipts root, when already computed (by the
   * parallel workers).
   */
  finish(world: WorldState, epilogue: EpilogueOutcome, root?: Uint8Array): BlockResult {
    const rules = this.rules;
    const bloom = this.blockBloom.slice();
    const receiptsRootValue = rules.byzantium ? (root ?? receiptsRoot(this.receipts)) : null;
    return {
      rules,
      txResults: this.txResults,
      receipts: this.receipts,
      gasUsed: this.cumulativeGasUsed,
      blobGasUsed: this.blobGasUsed,
      logsBloom: bloom,
      receiptsRoot: receiptsRootValue,
      requests: epilogue.requests,
      requestsHash: epilogue.requests === null ? null : requestsHash(epilogue.requests),
      world,
      executionMs: 0,
      warnings: epilogue.warnings,
    };
  }
}

function orInto(out: Uint8Array, bloom: Uint8Array): void {
  for (let i = 0; i < BLOOM_BYTES; i++) out[i]! |= bloom[i]!;
}
