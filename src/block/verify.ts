// Checking an execution against what the header (and, when given, the node's receipts) says.
import { bytesEqual } from "../primitives/bytes.js";
import type { Block } from "./block.js";
import { expectArray, expectObject, field, parseQuantity } from "./json.js";
import type { Receipt } from "./receipt.js";

/** What a node's receipt (eth_getBlockReceipts) says about one transaction. */
export interface ExpectedReceipt {
  cumulativeGasUsed: bigint;
  gasUsed: bigint | null;
  status: 0 | 1 | null;
  logCount: number;
}

export interface Checks {
  gasUsed: boolean;
  logsBloom: boolean;
  /** null when not verifiable (before Byzantium). */
  receiptsRoot: boolean | null;
}

export interface Divergence {
  txIndex: number;
  expectedCumulativeGas: bigint;
  actualCumulativeGas: bigint;
  expectedStatus: 0 | 1 | null;
  actualStatus: 0 | 1 | null;
}

export interface Verification {
  ok: boolean;
  checks: Checks;
  /** The first transaction whose receipt differs from the node's; null when none or unknown. */
  firstDivergence: Divergence | null;
  /** Why the divergent transaction cannot be named (no receipts to compare with). */
  divergenceNote: string | null;
}

export function verifyExecution(
  block: Block,
  actual: { gasUsed: bigint; logsBloom: Uint8Array; receiptsRoot: Uint8Array | null; receipts: readonly Receipt[] },
  expectedReceipts: readonly ExpectedReceipt[] | null,
): Verification {
  const { header } = block;
  const checks: Checks = {
    gasUsed: actual.gasUsed === header.gasUsed,
    logsBloom: bytesEqual(actual.logsBloom, header.logsBloom),
    receiptsRoot: actual.receiptsRoot === null ? null : bytesEqual(actual.receiptsRoot, header.receiptsRoot),
  };
  const ok = checks.gasUsed && checks.logsBloom && checks.receiptsRoot !== false;
  let firstDivergence: Divergence | null = null;
  let divergenceNote: string | null = null;
  if (expectedReceipts !== null) {
    firstDivergence = findDivergence(actual.receipts, expectedReceipts);
  } else if (!ok) {
    divergenceNote = "no receipts.json beside the block to compare transactions with (pevm fetch writes one)";
  }
  return { ok: ok && firstDivergence === null, checks, firstDivergence, divergenceNote };
}

function findDivergence(actual: readonly Receipt[], expected: readonly ExpectedReceipt[]): Divergence | null {
  const n = Math.max(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    const a = actual[i];
    const e = expected[i];
    const same = a !== undefined && e !== undefined && a.cumulativeGasUsed === e.cumulativeGasUsed && (e.status === null || a.status === null || a.status === e.status) && a.logs.length === e.logCount;
    if (!same) {
      return {
        txIndex: i,
        expectedCumulativeGas: e?.cumulativeGasUsed ?? -1n,
        actualCumulativeGas: a?.cumulativeGasUsed ?? -1n,
        expectedStatus: e?.status ?? null,
        actualStatus: a?.status ?? null,
      };
    }
  }
  return null;
}

/** Parses eth_getBlockReceipts output (an array of receipt objects). */
export function receiptsFromRpc(json: unknown, where: string): ExpectedReceipt[] {
  return expectArray(json, where).map((r, i) => {
    const at = `${where}[${i}]`;
    const obj = expectObject(r, at);
    const status = obj.status === undefined || obj.status === null ? null : parseQuantity(obj.status, `${at}.status`) === 1n ? 1 : 0;
    return {
      cumulativeGasUsed: parseQuantity(field(obj, "cumulativeGasUsed", at), `${at}.cumulativeGasUsed`),
      gasUsed: obj.gasUsed === undefined ? null : parseQuantity(obj.gasUsed, `${at}.gasUsed`),
      status,
      logCount: obj.logs === undefined ? 0 : expectArray(obj.logs, `${at}.logs`).length,
    };
  });
}
