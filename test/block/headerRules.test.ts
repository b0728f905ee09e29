// Header validity against the parent: EIP-1559 base fee, gas limit bounds, EIP-4844 excess blob gas
// with and without EIP-7918's reserve price, the fork's header layout, and the block-level checks.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { BlockHeader } from "../../src/block/block.js";
import {
  checkBlockBlobGas,
  checkHeaderLayout,
  expectedBaseFee,
  expectedExcessBlobGas,
  gasLimitWithinBounds,
  InvalidBlockError,
  validateBlockBody,
  validateHeader,
} from "../../src/block/headerRules.js";
import type { DecodedBlock, DecodedHeader } from "../../src/block/rlpBlock.js";
import { Fork, GAS_PER_BLOB, rulesFor } from "../../src/fork/forks.js";
import { KECCAK_RLP_EMPTY_LIST } from "../../src/primitives/hash.js";
import { TxType, type Transaction } from "../../src/tx/types.js";

const CANCUN = rulesFor(Fork.Cancun);
const PRAGUE = rulesFor(Fork.Prague);
const OSAKA = rulesFor(Fork.Osaka);
const BLOB = BigInt(GAS_PER_BLOB);

test("base fee: unchanged at the target, up by at most 1/8 (at least 1) above it, down by at most 1/8 below", () => {
  const parent = (gasUsed: bigint, baseFeePerGas: bigint | null) => ({ gasLimit: 30_000_000n, gasUsed, baseFeePerGas });
  assert.equal(expectedBaseFee(parent(15_000_000n, 1_000_000_000n)), 1_000_000_000n);
  assert.equal(expectedBaseFee(parent(30_000_000n, 1_000_000_000n)), 1_125_000_000n);
  assert.equal(expectedBaseFee(parent(0n, 1_000_000_000n)), 875_000_000n);
  assert.equal(expectedBaseFee(parent(22_500_000n, 1_000_000_000n)), 1_062_500_000n);
  // Above the target the fee rises by at least 1; below it, a small fee may not move at all.
  assert.equal(expectedBaseFee(parent(15_000_001n, 7n)), 8n);
  assert.equal(expectedBaseFee(parent(0n, 7n)), 7n);
  assert.equal(expectedBaseFee(parent(0n, 8n)), 7n);
  // The first London block (a parent without base fee) starts at 1 gwei.
  assert.equal(expectedBaseFee(parent(0n, null)), 1_000_000_000n);
});

test("gas limit: strictly within 1/1024 of the parent's, and at least 5000", () => {
  const parent = 30_000_000n; // 1/1024 is 29,296
  assert.ok(gasLimitWithinBounds(parent, parent));
  assert.ok(gasLimitWithinBounds(parent + 29_295n, parent));
  assert.ok(!gasLimitWithinBounds(parent + 29_296n, parent));
  assert.ok(gasLimitWithinBounds(parent - 29_295n, parent));
  assert.ok(!gasLimitWithinBounds(parent - 29_296n, parent));
  assert.ok(gasLimitWithinBounds(5000n, 5000n));
  assert.ok(!gasLimitWithinBounds(4999n, 5000n));
});

test("excess blob gas: zero below the target, else the parent's excess plus use minus the target", () => {
  const parent = (excess: bigint, used: bigint, baseFee = 7n) => ({ excessBlobGas: excess, blobGasUsed: used, baseFeePerGas: baseFee });
  // Cancun: target 3 blobs; Prague: target 6.
  assert.equal(expectedExcessBlobGas(parent(0n, 2n * BLOB), CANCUN), 0n);
  assert.equal(expectedExcessBlobGas(parent(0n, 5n * BLOB), CANCUN), 2n * BLOB);
  assert.equal(expectedExcessBlobGas(parent(10n * BLOB, 0n), CANCUN), 7n * BLOB);
  assert.equal(expectedExcessBlobGas(parent(0n, 5n * BLOB), PRAGUE), 0n);
  assert.equal(expectedExcessBlobGas(parent(2n * BLOB, 7n * BLOB), PRAGUE), 3n * BLOB);
  // The fork block's parent has no blob fields: they count as zero.
  assert.equal(expectedExcessBlobGas({ excessBlobGas: null, blobGasUsed: null, baseFeePerGas: 7n }, CANCUN), 0n);
});

test("excess blob gas with EIP-7918: above the reserve price the excess grows by use * (max - target) / max", () => {
  // Excess 0: the blob base fee is 1, so a blob's blob fee is 131,072; its execution cost is
  // 8192 * base fee, above that from a base fee of 17.
  const used = 7n * BLOB;
  const parent = (baseFeePerGas: bigint) => ({ excessBlobGas: 0n, blobGasUsed: used, baseFeePerGas });
  assert.equal(expectedExcessBlobGas(parent(16n), OSAKA), used - 6n * BLOB, "at the reserve price: the EIP-4844 rule");
  assert.equal(expectedExcessBlobGas(parent(17n), OSAKA), (used * 3n) / 9n, "above it: use scaled by (9 - 6) / 9");
  assert.equal(expectedExcessBlobGas(parent(17n), PRAGUE), used - 6n * BLOB, "Prague has no reserve price");
  // Below the target, zero either way.
  assert.equal(expectedExcessBlobGas({ excessBlobGas: 0n, blobGasUsed: 5n * BLOB, baseFeePerGas: 1_000_000n }, OSAKA), 0n);
});

function header(overrides: Partial<BlockHeader & { hash: Uint8Array }> = {}): BlockHeader & { hash: Uint8Array } {
  return {
    number: 1n,
    timestamp: 12n,
    hash: new Uint8Array(32).fill(9),
    parentHash: new Uint8Array(32),
    coinbase: 0,
    gasLimit: 30_000_000n,
    gasUsed: 0n,
    difficulty: 0n,
    mixHash: 0,
    stateRoot: new Uint8Array(32),
    receiptsRoot: new Uint8Array(32),
    transactionsRoot: new Uint8Array(32),
    logsBloom: new Uint8Array(256),
    baseFeePerGas: 7n,
    withdrawalsRoot: new Uint8Array(32),
    blobGasUsed: 0n,
    excessBlobGas: 0n,
    parentBeaconBlockRoot: new Uint8Array(32),
    requestsHash: new Uint8Array(32),
    ...overrides,
  };
}

function child(parent: BlockHeader & { hash: Uint8Array }, overrides: Partial<BlockHeader & { hash: Uint8Array }> = {}, extras: Partial<DecodedHeader["extras"]> = {}): DecodedHeader {
  return {
    header: header({ number: parent.number + 1n, timestamp: parent.timestamp + 12n, parentHash: parent.hash, hash: new Uint8Array(32).fill(8), ...overrides }),
    extras: { ommersHash: KECCAK_RLP_EMPTY_LIST, extraData: new Uint8Array(0), nonce: new Uint8Array(8), ...extras },
  };
}

test("validateHeader accepts a header that follows its parent", () => {
  const parent = header();
  validateHeader(child(parent), parent, PRAGUE);
  validateHeader(child(parent, { gasLimit: 30_029_295n }), parent, OSAKA);
});

test("validateHeader names what is wrong", () => {
  const parent = header();
  const rejects = (c: DecodedHeader, pattern: RegExp, rules = PRAGUE) => assert.throws(() => validateHeader(c, parent, rules), (e: Error) => e instanceof InvalidBlockError && pattern.test(e.message));
  rejects(child(parent, { number: 3n }), /number 3 does not follow the parent's 1/);
  rejects(child(parent, { parentHash: new Uint8Array(32) }), /parentHash is not the parent's hash/);
  rejects(child(parent, { timestamp: 12n }), /timestamp 12 not after the parent's 12/);
  rejects(child(parent, { gasUsed: 30_000_001n }), /gasUsed 30000001 above gasLimit 30000000/);
  rejects(child(parent, { gasLimit: 30_029_296n }), /gasLimit 30029296 outside the bounds/);
  rejects(child(parent, { baseFeePerGas: 8n }), /baseFeePerGas 8, expected 7/);
  rejects(child(parent, { excessBlobGas: BLOB }), /excessBlobGas 131072, expected 0/);
  rejects(child(parent, { blobGasUsed: 10n * BLOB }), /blobGasUsed 1310720 above the block's maximum 1179648 \(9 blobs\)/);
  rejects(child(parent, { difficulty: 1n }), /difficulty 1, must be 0 after the Merge/);
  rejects(child(parent, {}, { nonce: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1) }), /nonce is not zero/);
  rejects(child(parent, {}, { ommersHash: new Uint8Array(32) }), /ommersHash is not the hash of an empty list/);
  rejects(child(parent, {}, { extraData: new Uint8Array(33) }), /extraData of 33 bytes, above 32/);
  rejects(child(parent, { requestsHash: null }), /header lacks requestsHash, required by EIP-7685 in Prague/);
  rejects(child(parent), /header has requestsHash, but EIP-7685 is not enabled in Cancun/, CANCUN);
});

test("the header layout switches with the fork: a Cancun header under Prague rules lacks requestsHash", () => {
  const cancunHeader = header({ requestsHash: null });
  checkHeaderLayout(cancunHeader, CANCUN);
  assert.throws(() => checkHeaderLayout(cancunHeader, PRAGUE), /lacks requestsHash/);
  assert.throws(() => checkHeaderLayout(header({ parentBeaconBlockRoot: null }), PRAGUE), /lacks parentBeaconBlockRoot, required by EIP-4788/);
});

function blobTransaction(blobs: number): Transaction {
  return {
    type: TxType.Blob,
    chainId: 1n,
    nonce: 0n,
    maxFeePerGas: 10n,
    maxPriorityFeePerGas: 1n,
    gasLimit: 21_000n,
    to: 1,
    value: 0n,
    data: new Uint8Array(0),
    accessList: [],
    maxFeePerBlobGas: 10n,
    blobVersionedHashes: new Array(blobs).fill(1n << 248n),
    authorizationList: [],
    v: 0n,
    r: 1n,
    s: 1n,
  };
}

function decodedBlock(transactions: Transaction[], size = 1000): DecodedBlock {
  const { header: h, extras } = child(header());
  return { header: h, extras, size, block: { header: h, transactions, withdrawals: [], ommers: [] } };
}

test("block checks: EIP-7934's size cap from Osaka, the block's blob maximum, withdrawals and ommers", () => {
  validateBlockBody(decodedBlock([], OSAKA.maxBlockRlpSize), OSAKA);
  assert.throws(() => validateBlockBody(decodedBlock([], OSAKA.maxBlockRlpSize + 1), OSAKA), /block of 8388609 bytes RLP, above the 8388608 EIP-7934 allows/);
  validateBlockBody(decodedBlock([], OSAKA.maxBlockRlpSize + 1), PRAGUE);
  const withOmmer = decodedBlock([]);
  withOmmer.block.ommers.push({ hash: new Uint8Array(32) });
  assert.throws(() => validateBlockBody(withOmmer, PRAGUE), /1 ommers, none allowed after the Merge/);
  const noWithdrawals = decodedBlock([]);
  noWithdrawals.block.withdrawals = null;
  assert.throws(() => validateBlockBody(noWithdrawals, PRAGUE), /no withdrawals list/);

  checkBlockBlobGas(decodedBlock([blobTransaction(6), blobTransaction(3)]).block, PRAGUE);
  assert.throws(() => checkBlockBlobGas(decodedBlock([blobTransaction(6), blobTransaction(4)]).block, PRAGUE), /transaction 1 brings the block to 10 blobs, above the maximum 9/);
  assert.throws(() => checkBlockBlobGas(decodedBlock([blobTransaction(4), blobTransaction(3)]).block, CANCUN), /7 blobs, above the maximum 6/);
});
