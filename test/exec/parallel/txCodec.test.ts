// Transactions packed for the worker threads decode to the same transactions, less what executors
// do not use (signature, hash, claimed sender).
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { loadBlockInput } from "../../../src/block/load.js";
import { TxType, type Transaction } from "../../../src/tx/types.js";
import { encodeTransactions, PackedTransactions } from "../../../src/exec/parallel/txCodec.js";
import { generateBlock } from "../../../src/workload/blocks.js";
import { fixturePath } from "../../fixtures.js";

function executorView(tx: Transaction): Omit<Transaction, "v" | "r" | "s" | "hash" | "claimedSender"> {
  const { v, r, s, hash, claimedSender, ...rest } = tx;
  void v, r, s, hash, claimedSender;
  return rest;
}

function withoutSender(tx: Transaction): Transaction {
  const copy = { ...tx };
  delete copy.sender;
  return copy;
}

function assertRoundTrip(transactions: Transaction[], what: string): void {
  const packed = new PackedTransactions(encodeTransactions(transactions));
  assert.equal(packed.length, transactions.length, what);
  // Out of order, as workers take them.
  for (let i = transactions.length - 1; i >= 0; i--) assert.deepEqual(packed.get(i), { ...executorView(transactions[i]!), v: 0n, r: 0n, s: 0n }, `${what}: transaction ${i}`);
}

test("every kind of transaction field survives packing", () => {
  const base: Transaction = {
    type: TxType.Legacy, chainId: null, nonce: 0n, maxFeePerGas: 1n, maxPriorityFeePerGas: 1n, gasLimit: 21000n, to: null, value: 0n, data: new Uint8Array(0),
    accessList: [], maxFeePerBlobGas: 0n, blobVersionedHashes: [], authorizationList: [], v: 27n, r: 5n, s: 6n, sender: 0x1234,
  };
  assertRoundTrip([
    base,
    { ...base, chainId: 1n, to: (1n << 159n) + 3n, value: (1n << 255n) + 1n, nonce: (1n << 64n) - 1n, data: new Uint8Array(1000).fill(7), sender: (1n << 160n) - 1n },
    { ...base, type: TxType.AccessList, chainId: 1n, accessList: [{ address: 0xaa, storageKeys: [0, 1n << 200n] }, { address: 0xbb, storageKeys: [] }] },
    { ...base, type: TxType.Blob, chainId: 1n, to: 0xcc, maxFeePerBlobGas: 10n ** 30n, blobVersionedHashes: [(1n << 248n) + 9n, 1] },
    withoutSender(base),
    {
      ...base, type: TxType.SetCode, chainId: 1n, to: 0xdd,
      authorizationList: [
        { chainId: 0n, address: 0xee, nonce: (1n << 64n) - 1n, yParity: 1n, r: (1n << 255n) + 7n, s: 3n, authority: (1n << 159n) + 1n },
        { chainId: 1n << 200n, address: (1n << 160n) - 1n, nonce: 0n, yParity: 0n, r: 1n, s: 2n, authority: null },
        { chainId: 1n, address: 0, nonce: 5n, yParity: 27n, r: 9n, s: 9n },
      ],
    },
    // Addresses either side of 2^53 (numbers below, bigints from there) and numeric fields past it.
    { ...base, to: Number.MAX_SAFE_INTEGER, sender: 1n << 53n, gasLimit: 1n << 53n, maxFeePerGas: BigInt(Number.MAX_SAFE_INTEGER) },
    { ...base, type: TxType.AccessList, chainId: 1n, to: (1n << 128n) - 1n, accessList: [{ address: (1n << 160n) - 1n, storageKeys: [] }, { address: 1n << 64n, storageKeys: [] }] },
  ], "synthetic");
  assertRoundTrip([], "empty");
});

test("generated blocks' transactions survive packing", () => {
  for (const workload of ["erc20", "raw-transfers", "swaps"]) assertRoundTrip(generateBlock({ workload, txs: 50, seed: 3 }).block.transactions, workload);
});

const BLOCKS_DIR = fixturePath("mainnet/blocks");
test("every mainnet fixture block's transactions survive packing", (t) => {
  if (!existsSync(BLOCKS_DIR)) return t.skip(`fixtures not found at ${BLOCKS_DIR}`);
  for (const name of readdirSync(BLOCKS_DIR)) assertRoundTrip(loadBlockInput(join(BLOCKS_DIR, name)).block.transactions, `block ${name}`);
});
