// Blocks from their RLP: header layouts by field count, the block hash, transactions as legacy
// lists and typed byte strings, withdrawals, and strict errors naming what is wrong.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { decodeBlock, decodeHeader, BlockDecodeError } from "../../src/block/rlpBlock.js";
import { bytesToHex, hexToBytes } from "../../src/primitives/bytes.js";
import { keccak256, KECCAK_RLP_EMPTY_LIST, EMPTY_TRIE_ROOT } from "../../src/primitives/hash.js";
import { decode, encode, type RlpInput } from "../../src/primitives/rlp.js";
import { addressToBytes } from "../../src/primitives/word.js";
import { orderedTrieRoot } from "../../src/trie/root.js";
import { encodeTransaction } from "../../src/tx/txEncoding.js";
import { TxType, type Transaction } from "../../src/tx/types.js";
import { fixturePath } from "../fixtures.js";

const SET_CODE_FILE = fixturePath("eest/blockchain_tests/prague/eip7702_set_code_tx/test_eoa_tx_after_set_code.json");

interface FixtureTest {
  genesisRLP: string;
  genesisBlockHeader: Record<string, string>;
  blocks: { rlp: string; blockHeader: Record<string, string>; transactions: { type: string }[] }[];
}

function firstFixtureTest(): FixtureTest | undefined {
  if (!existsSync(SET_CODE_FILE)) return undefined;
  return Object.values(JSON.parse(readFileSync(SET_CODE_FILE, "utf8")) as Record<string, FixtureTest>)[0];
}

test("a fixture's genesis: the hash of the decoded header is genesisBlockHeader.hash", (t) => {
  const fixture = firstFixtureTest();
  if (fixture === undefined) return t.skip(`fixtures absent: ${SET_CODE_FILE}`);
  const { header, extras } = decodeBlock(hexToBytes(fixture.genesisRLP));
  const json = fixture.genesisBlockHeader;
  assert.equal(bytesToHex(header.hash), json.hash);
  assert.equal(bytesToHex(header.stateRoot!), json.stateRoot);
  assert.equal(header.gasLimit, BigInt(json.gasLimit!));
  assert.equal(header.baseFeePerGas, BigInt(json.baseFeePerGas!));
  assert.equal(bytesToHex(header.requestsHash!), json.requestsHash);
  assert.equal(bytesToHex(extras.extraData), json.extraData);
  assert.equal(bytesToHex(extras.ommersHash), json.uncleHash);
});

test("a fixture's blocks: header fields, hash, transactions (typed and legacy) and their root", (t) => {
  const fixture = firstFixtureTest();
  if (fixture === undefined) return t.skip(`fixtures absent: ${SET_CODE_FILE}`);
  for (const json of fixture.blocks) {
    const decoded = decodeBlock(hexToBytes(json.rlp));
    const { header, block } = decoded;
    const h = json.blockHeader;
    assert.equal(bytesToHex(header.hash), h.hash);
    assert.equal(header.number, BigInt(h.number!));
    assert.equal(header.timestamp, BigInt(h.timestamp!));
    assert.equal(header.gasUsed, BigInt(h.gasUsed!));
    assert.equal(bytesToHex(header.parentHash), h.parentHash);
    assert.equal(bytesToHex(header.transactionsRoot!), h.transactionsTrie);
    assert.equal(bytesToHex(header.receiptsRoot), h.receiptTrie);
    assert.equal(header.excessBlobGas, BigInt(h.excessBlobGas!));
    assert.equal(bytesToHex(header.parentBeaconBlockRoot!), h.parentBeaconBlockRoot);
    assert.deepEqual(block.transactions.map((tx) => tx.type), json.transactions.map((tx) => Number(tx.type)));
    assert.equal(bytesToHex(orderedTrieRoot(block.transactions.map(encodeTransaction))), h.transactionsTrie);
    assert.deepEqual(block.withdrawals, []);
    assert.equal(decoded.size, hexToBytes(json.rlp).length);
  }
});

// A synthetic Prague header: every field, in order, with recognisable values.
function pragueHeaderFields(): RlpInput[] {
  return [
    new Uint8Array(32).fill(1), // parentHash
    KECCAK_RLP_EMPTY_LIST, // ommersHash
    new Uint8Array(20).fill(2), // coinbase
    new Uint8Array(32).fill(3), // stateRoot
    EMPTY_TRIE_ROOT, // transactionsRoot
    EMPTY_TRIE_ROOT, // receiptsRoot
    new Uint8Array(256), // logsBloom
    0, // difficulty
    7, // number
    30_000_000, // gasLimit
    21_000, // gasUsed
    1_700_000_000, // timestamp
    Uint8Array.of(0xab), // extraData
    new Uint8Array(32).fill(4), // mixHash
    new Uint8Array(8), // nonce
    1_000_000_000, // baseFeePerGas
    EMPTY_TRIE_ROOT, // withdrawalsRoot
    131072, // blobGasUsed
    393216, // excessBlobGas
    new Uint8Array(32).fill(5), // parentBeaconBlockRoot
    new Uint8Array(32).fill(6), // requestsHash
  ];
}

test("header layouts by field count: London (16) to Prague (21), the hash is keccak of the RLP", () => {
  const fields = pragueHeaderFields();
  const prague = encode(fields);
  const { header, extras } = decodeHeader(prague);
  assert.deepEqual(header.hash, keccak256(prague));
  assert.equal(header.number, 7n);
  assert.equal(header.gasLimit, 30_000_000n);
  assert.equal(header.coinbase, 0x0202020202020202020202020202020202020202n);
  assert.equal(header.baseFeePerGas, 1_000_000_000n);
  assert.equal(header.blobGasUsed, 131072n);
  assert.equal(header.excessBlobGas, 393216n);
  assert.deepEqual(header.requestsHash, new Uint8Array(32).fill(6));
  assert.deepEqual(extras.extraData, Uint8Array.of(0xab));
  assert.deepEqual(extras.nonce, new Uint8Array(8));

  const cancun = decodeHeader(encode(fields.slice(0, 20))).header;
  assert.equal(cancun.requestsHash, null);
  assert.deepEqual(cancun.parentBeaconBlockRoot, new Uint8Array(32).fill(5));
  const shanghai = decodeHeader(encode(fields.slice(0, 17))).header;
  assert.equal(shanghai.blobGasUsed, null);
  assert.deepEqual(shanghai.withdrawalsRoot, EMPTY_TRIE_ROOT);
  const london = decodeHeader(encode(fields.slice(0, 16))).header;
  assert.equal(london.withdrawalsRoot, null);
  assert.equal(london.baseFeePerGas, 1_000_000_000n);
});

test("header errors name the field: count, sizes, non-canonical integers, Amsterdam's extra field", () => {
  const fields = pragueHeaderFields();
  const bad = (mutate: (f: RlpInput[]) => void) => {
    const f = pragueHeaderFields();
    mutate(f);
    return () => decodeHeader(encode(f));
  };
  assert.throws(() => decodeHeader(encode(fields.slice(0, 18))), (e: Error) => e instanceof BlockDecodeError && /18 fields; a header has 15 \(Frontier\)/.test(e.message));
  assert.throws(() => decodeHeader(encode([...fields, new Uint8Array(32)])), /blockAccessListHash from EIP-7928 \(Amsterdam\)/);
  assert.throws(bad((f) => (f[6] = new Uint8Array(255))), /header\.logsBloom: expected 256 bytes, got 255/);
  assert.throws(bad((f) => (f[2] = new Uint8Array(19))), /header\.coinbase: expected 20 bytes, got 19/);
  assert.throws(bad((f) => (f[14] = new Uint8Array(7))), /header\.nonce: expected 8 bytes/);
  assert.throws(bad((f) => (f[9] = Uint8Array.of(0, 1))), /header\.gasLimit: integer has leading zero bytes/);
  assert.throws(bad((f) => (f[8] = new Uint8Array(9).fill(1))), /header\.number: integer of 9 bytes exceeds 64 bits/);
  assert.throws(bad((f) => (f[20] = [])), /header\.requestsHash: expected a byte string, got a list/);
  const trailing = new Uint8Array([...encode(fields), 0x00]);
  assert.throws(() => decodeHeader(trailing), BlockDecodeError);
});

function sampleTransaction(type: TxType): Transaction {
  return {
    type,
    chainId: type === TxType.Legacy ? 1n : 1n,
    nonce: 3n,
    maxFeePerGas: 10n,
    maxPriorityFeePerGas: type === TxType.FeeMarket ? 2n : 10n,
    gasLimit: 21_000n,
    to: 0x1234n,
    value: 5n,
    data: Uint8Array.of(1, 2),
    accessList: [],
    maxFeePerBlobGas: 0n,
    blobVersionedHashes: [],
    authorizationList: [],
    v: type === TxType.Legacy ? 37n : 1n,
    r: 11n,
    s: 12n,
  };
}

test("a block: a legacy transaction as a list, a typed one as a byte string, ommers, withdrawals", () => {
  const legacy = encodeTransaction(sampleTransaction(TxType.Legacy));
  const typed = encodeTransaction(sampleTransaction(TxType.FeeMarket));
  const withdrawal = [5, 9, addressToBytes(0xbeef), 32_000_000_000];
  const ommer = pragueHeaderFields();
  const rlp = encode([pragueHeaderFields(), [decode(legacy) as RlpInput, typed], [ommer], [withdrawal]]);
  const { block, header } = decodeBlock(rlp);
  assert.equal(block.transactions.length, 2);
  assert.equal(block.transactions[0]!.type, TxType.Legacy);
  assert.equal(block.transactions[0]!.chainId, 1n);
  assert.deepEqual(block.transactions[0]!.hash, keccak256(legacy));
  assert.equal(block.transactions[1]!.type, TxType.FeeMarket);
  assert.equal(block.transactions[1]!.maxPriorityFeePerGas, 2n);
  assert.deepEqual(block.transactions[1]!.hash, keccak256(typed));
  assert.deepEqual(block.withdrawals, [{ index: 5n, validatorIndex: 9n, address: 0xbeef, amount: 32_000_000_000n }]);
  assert.deepEqual(block.ommers, [{ hash: keccak256(encode(ommer)), number: 7n, coinbase: header.coinbase }]);
  assert.deepEqual(header.hash, keccak256(encode(pragueHeaderFields())));
});

test("block errors: parts, wrapped legacy transactions, undecodable transactions, withdrawals without a root", () => {
  const header = pragueHeaderFields();
  const legacy = encodeTransaction(sampleTransaction(TxType.Legacy));
  assert.throws(() => decodeBlock(encode([header, []])), /block: 2 parts/);
  assert.throws(() => decodeBlock(encode([header, [legacy], [], []])), /transactions\[0\]: a byte string starting with 0x[0-9a-f]+, not a typed transaction/);
  assert.throws(() => decodeBlock(encode([header, [Uint8Array.of(0x02, 0xc0)], [], []])), /transactions\[0\]: EIP-1559 transaction: too few fields/);
  assert.throws(() => decodeBlock(encode([header, [Uint8Array.of(0x09, 0xc0)], [], []])), /transactions\[0\]: unsupported transaction type 0x09/);
  assert.throws(() => decodeBlock(encode([header, [], [], [[1, 2, 3]]])), /withdrawals\[0\]: 3 fields/);
  assert.throws(() => decodeBlock(encode([header, [], []])), /the header has a withdrawalsRoot but the block no withdrawals list/);
  assert.throws(() => decodeBlock(encode([header.slice(0, 16), [], [], []])), /a withdrawals list, but the header has no withdrawalsRoot/);
  assert.throws(() => decodeBlock(encode([header, [], [[1]], []])), /ommers\[0\]: 1 fields/);
});
