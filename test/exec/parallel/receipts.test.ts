// The workers' shared receipts: whatever the block's size, the root they produce is the receipts
// root the sequential executor computes; receipts too large for the buffer are reported, not lost.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Status } from "../../../src/evm/interpreter.js";
import type { TxResult } from "../../../src/evm/processor.js";
import { logsBloom, receiptsRoot, type Receipt } from "../../../src/block/receipt.js";
import { TxType, type Transaction } from "../../../src/tx/types.js";
import { receiptByteCapacity, SharedReceipts } from "../../../src/exec/parallel/receipts.js";
import { ArrayTransactions } from "../../../src/exec/parallel/txCodec.js";

/** A deterministic result for transaction i: some with logs (one with `bigData` bytes of log data), some failed. */
function resultOf(i: number, bigData = 0): TxResult {
  const logs = i % 3 === 0 ? [] : [{ address: 0x1000 + i, topics: [BigInt(i) << 200n, i], data: new Uint8Array(i === 1 ? bigData : i % 40).fill(i & 0xff) }];
  return { status: i % 7 === 3 ? Status.Revert : Status.Success, gasUsed: BigInt(21000 + i), logs, contractAddress: null, output: new Uint8Array(0), blobGasUsed: 0n };
}

function expectedRoot(results: TxResult[], transactions: Transaction[]): Uint8Array {
  let cumulative = 0n;
  const receipts: Receipt[] = results.map((r, i) => {
    cumulative += r.gasUsed;
    return { type: transactions[i]!.type, status: r.status === Status.Success ? 1 : 0, postStateRoot: null, cumulativeGasUsed: cumulative, gasUsed: r.gasUsed, logs: r.logs, bloom: logsBloom(r.logs) };
  });
  return receiptsRoot(receipts)!;
}

/** Publishes every receipt as one worker would, then returns the root the main thread composes. */
function sharedRoot(results: TxResult[], transactions: Transaction[], gasLimit: bigint): Uint8Array | null {
  const shared = SharedReceipts.create(results.length, gasLimit);
  results.forEach((r, tx) => shared.setGasUsed(tx, r.gasUsed));
  shared.publish(results.map((result, tx) => ({ tx, result, bloom: null })), new ArrayTransactions(transactions), true, 1, () => false);
  return shared.root();
}

for (const n of [1, 2, 5, 16, 17, 50, 127, 128, 129, 300, 4097]) {
  test(`shared receipts root equals the sequential receipts root for ${n} transactions`, () => {
    const results = Array.from({ length: n }, (_, i) => resultOf(i, 50_000));
    const transactions = results.map((_, i) => ({ type: i % 2 === 0 ? TxType.Legacy : TxType.FeeMarket }) as Transaction);
    assert.deepEqual(sharedRoot(results, transactions, 30_000_000n), expectedRoot(results, transactions));
  });
}

test("a stopped block's receipts, encoded all at once by the main thread, give the sequential receipts root", () => {
  for (const n of [1, 40, 300]) {
    const results = Array.from({ length: n }, (_, i) => resultOf(i, 5_000));
    const transactions = results.map((_, i) => ({ type: i % 2 === 0 ? TxType.Legacy : TxType.FeeMarket }) as Transaction);
    let cumulative = 0n;
    const receipts: Receipt[] = results.map((r, i) => {
      cumulative += r.gasUsed;
      return { type: transactions[i]!.type, status: r.status === Status.Success ? 1 : 0, postStateRoot: null, cumulativeGasUsed: cumulative, gasUsed: r.gasUsed, logs: r.logs, bloom: logsBloom(r.logs) };
    });
    const shared = SharedReceipts.create(n, 30_000_000n);
    shared.encodeAll(receipts, 2);
    shared.hashGroups(true, 2, () => false);
    assert.deepEqual(shared.root(), expectedRoot(results, transactions), `${n} transactions`);
  }
});

test("receipts larger than the shared buffer are reported as overflow (the main thread then hashes them)", () => {
  const results = Array.from({ length: 4 }, (_, i) => resultOf(i, 200_000));
  const transactions = results.map(() => ({ type: TxType.Legacy }) as Transaction);
  // A gas limit far below what 200 kB of log data costs: the capacity bound does not cover it.
  assert.ok(receiptByteCapacity(4, 21_000n) < 200_000);
  assert.equal(sharedRoot(results, transactions, 21_000n), null);
});
