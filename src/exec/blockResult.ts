// Turning a block's transaction outcomes, in order, into its result: receipts with cumulative gas,
// the logs bloom, the receipts root, and the block's epilogue (rewards, withdrawals). Shared by the
// sequential and the parallel executors, so that both build results the same way.
import type { ForkRules } from "../evm/forks.js";
import { Status } from "../evm/interpreter.js";
import type { TxResult } from "../evm/processor.js";
import type { WorldState } from "../state/world.js";
import type { Block } from "../block/block.js";
import { combineBlooms, logsBloom, receiptsRoot, type Receipt } from "../block/receipt.js";
import type { Transaction } from "../block/types.js";
import { applyBlockEpilogue } from "./blockRules.js";
import type { BlockResult } from "./sequential.js";

export class BlockResultBuilder {
  readonly txResults: TxResult[] = [];
  readonly receipts: Receipt[] = [];
  cumulativeGasUsed = 0n;
  blobGasUsed = 0n;

  constructor(private readonly rules: ForkRules) {}

  add(tx: Transaction, result: TxResult): void {
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
      bloom: logsBloom(result.logs),
    });
  }

  /** Applies the block's epilogue to `world` and completes the result (executionMs left at 0). */
  finish(world: WorldState, block: Block): BlockResult {
    const rules = this.rules;
    const warnings = applyBlockEpilogue(world, rules, block);
    const bloom = combineBlooms(this.receipts.map((r) => r.bloom));
    const root = rules.byzantium ? receiptsRoot(this.receipts) : null;
    return { rules, txResults: this.txResults, receipts: this.receipts, gasUsed: this.cumulativeGasUsed, blobGasUsed: this.blobGasUsed, logsBloom: bloom, receiptsRoot: root, world, executionMs: 0, warnings };
  }
}
