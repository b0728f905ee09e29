// Everything observable of a block execution, for deep equality between executors.
import type { BlockResult } from "../../src/exec/sequential.js";
import { postStateDiff } from "../../src/state/diff.js";
import type { StateReader } from "../../src/state/reader.js";

export function observable(result: BlockResult, pre: StateReader) {
  return {
    gasUsed: result.gasUsed,
    logsBloom: result.logsBloom,
    receiptsRoot: result.receiptsRoot,
    receipts: result.receipts,
    requests: result.requests,
    warnings: result.warnings,
    txs: result.txResults.map((r) => ({ status: r.status, gasUsed: r.gasUsed, logs: r.logs, contractAddress: r.contractAddress, output: r.output })),
    diff: postStateDiff(result.world, pre),
  };
}
