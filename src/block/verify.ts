// Checking an execution against what the header (and, when given, the node's receipts) says.
import { encode } from "@ethereumjs/rlp";
import { bytesEqual } from "../primitives/bytes.js";
import { addressToBytes } from "../primitives/word.js";
import { orderedTrieRoot } from "../trie/root.js";
import { encodeTransaction } from "../tx/transaction.js";
import type { Block } from "./block.js";
import { expectArray, expectObject, field, parseHexQuantity } from "./json.js";
import type { Receipt } from "./receipt.js";
import { isUnsigned } from "./rpc.js";

/** What a node's receipt (eth_getBlockReceipts) says about one transaction. */
export interface ExpectedReceipt {
  cumulativeGasUsed: bigint;
  gasUsed: bigint | null;
  status: 0 | 1 | null;
  logCount: number;
}

/** Each header field compared with the execution: true, false, or null when not verifiable. */
export interface Checks {
  gasUsed: boolean;
  logsBloom: boolean;
  /** null before Byzantium (receipts then hold intermediate state roots). */
  receiptsRoot: boolean | null;
  /** null when the header has none or a transaction came without a signature. */
  transactionsRoot: boolean | null;
  /** null before Shanghai. */
  withdrawalsRoot: boolean | null;
  /** null before Cancun. */
  blobGasUsed: boolean | null;
  /** null before Prague, or when the requests could not be computed (see the run's warnings). */
  requestsHash: boolean | null;
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

export interface ExecutionOutcome {
  gasUsed: bigint;
  logsBloom: Uint8Array;
  receiptsRoot: Uint8Array | null;
  receipts: readonly Receipt[];
  blobGasUsed: bigint;
  /** The EIP-7685 requests; null when none were computed. */
  requestsHash: Uint8Array | null;
}

export function verifyExecution(block: Block, actual: ExecutionOutcome, expectedReceipts: readonly ExpectedReceipt[] | null): Verification {
  const { header } = block;
  const checks: Checks = {
    gasUsed: actual.gasUsed === header.gasUsed,
    logsBloom: bytesEqual(actual.logsBloom, header.logsBloom),
    receiptsRoot: actual.receiptsRoot === null ? null : bytesEqual(actual.receiptsRoot, header.receiptsRoot),
    transactionsRoot: transactionsRootMatches(block),
    withdrawalsRoot: header.withdrawalsRoot === null || block.withdrawals === null ? null : bytesEqual(withdrawalsRoot(block), header.withdrawalsRoot),
    blobGasUsed: header.blobGasUsed === null ? null : actual.blobGasUsed === header.blobGasUsed,
    requestsHash: header.requestsHash === null || actual.requestsHash === null ? null : bytesEqual(actual.requestsHash, header.requestsHash),
  };
  const ok = Object.values(checks).every((c) => c !== false);
  let firstDivergence: Divergence | null = null;
  let divergenceNote: string | null = null;
  if (expectedReceipts !== null) {
    firstDivergence = findDivergence(actual.receipts, expectedReceipts);
  } else if (!ok) {
    divergenceNote = "no receipts.json beside the block to compare transactions with (pevm fetch writes one)";
  }
  return { ok: ok && firstDivergence === null, checks, firstDivergence, divergenceNote };
}

/** The header's transactionsRoot against the block's transactions; null when not checkable. */
function transactionsRootMatches(block: Block): boolean | null {
  const expected = block.header.transactionsRoot;
  // A transaction without a signature (r = s = 0) cannot be encoded as it was signed.
  if (expected === null || block.transactions.some(isUnsigned)) return null;
  return bytesEqual(orderedTrieRoot(block.transactions.map((tx) => encodeTransaction(tx))), expected);
}

/** EIP-4895: the ordered trie of RLP([index, validatorIndex, address, amount]). */
function withdrawalsRoot(block: Block): Uint8Array {
  return orderedTrieRoot(block.withdrawals!.map((w) => encode([w.index, w.validatorIndex, addressToBytes(w.address), w.amount])));
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
    const status = obj.status === undefined || obj.status === null ? null : parseHexQuantity(obj.status, `${at}.status`) === 1n ? 1 : 0;
    return {
      cumulativeGasUsed: parseHexQuantity(field(obj, "cumulativeGasUsed", at), `${at}.cumulativeGasUsed`),
      gasUsed: obj.gasUsed === undefined ? null : parseHexQuantity(obj.gasUsed, `${at}.gasUsed`),
      status,
      logCount: obj.logs === undefined ? 0 : expectArray(obj.logs, `${at}.logs`).length,
    };
  });
}
