// Transaction decoding, encoding, hashing and sender recovery. Expected values are public data:
// mainnet transactions (raw bytes with the hash and sender published by JSON-RPC for them) and the
// worked example of EIP-155; field values are read by hand from the raw bytes.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  authorizationSigningHash,
  calldataFloorGas,
  decodeTransaction,
  encodeTransaction,
  intrinsicGas,
  InvalidSignatureError,
  recoverAuthority,
  recoverSender,
  SECP256K1_N,
  signingHash,
  TransactionDecodeError,
  transactionHash,
  validateForFork,
} from "../../src/tx/transaction.js";
import { TxType, type Authorization, type Transaction } from "../../src/tx/types.js";
import { Fork, rulesFor } from "../../src/fork/forks.js";
import { addressToHex, wordFromHex } from "../../src/primitives/word.js";
import { bytesToHex, hexToBytes } from "../../src/primitives/bytes.js";
import { encode, type RlpInput } from "../../src/primitives/rlp.js";
import { RLP as EthRlp } from "@ethereumjs/rlp";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak_256 } from "@noble/hashes/sha3.js";

interface Vector {
  name: string;
  raw: string;
  hash: string;
  sender: string;
  fork: Fork; // the fork of the block that holds it
}

// Mainnet transactions; hash and sender as published by eth_getTransactionByHash.
const PRE_EIP155: Vector = {
  name: "legacy, pre-EIP-155 (v = 27), block 6137495",
  raw: "0xf8630a84b2d05e00830186a094fcca0c5ccd723baf6bf7f6678c8cfb49ce0042c780801b9f449e5022d24366e14509d8786f262d9e8b33da3bfa3071f491ca0c3ccb8a16a02e572564067589fa365733317cbf657d23abbaf4e36d4969d30d3346669794bd",
  hash: "0xc908ac0707e255eddd4d33a05330134c4e26b190063eee9107f4296a66797131",
  sender: "0x5c1b1fd64d2724419f6724c7b0f48ad06d3cb4ac",
  fork: Fork.Byzantium,
};
const EIP155: Vector = {
  name: "legacy, EIP-155 (v = 38), block 5283152",
  raw: "0xf8630384ee6b2800826270941530df3e1c69501d4ecb7e58eb045b90de158873808026a057541ad88b46ad25ee0e781d90f76df00aefaa90931098f3396621c84ddf7939a00b5611be421ce5cae85071f38a9c93677bfb7a8f2c001c0f7630e9c369f90428",
  hash: "0xad6655e21a2722dc4b3b8c88f73e5598f39e320e25bb59af0fc71e20033ea66e",
  sender: "0x89d1f33003bfc3f143dc7d15dd5a336f0c2ecc26",
  fork: Fork.Byzantium,
};
const ACCESS_LIST: Vector = {
  name: "EIP-2930 with an access list, block 12459406",
  raw: "0x01f9012601822e1285178411b200830f4240940000000000a8fb09af944ab3baf7a9b3e1ab29d880b876200100003010000000001188453b000000005a98fcbea516cf06857215779fd812ca3bef1b321ceb5cb57c4d4e2b2433641b95dd330a33185a44c558f600b34a5f69dd2f0d06cb8a88d829b7420a79e0d4858af8071349469b6589a3c23c1fe1586eaf988aff99d3d0cb870812c325c588d8d8cb7de8f845d694c558f600b34a5f69dd2f0d06cb8a88d829b7420ac0d69479e0d4858af8071349469b6589a3c23c1fe1586ec0d694af988aff99d3d0cb870812c325c588d8d8cb7de8c080a04a59d8aa4b63798c99343b940142ab677e09e73a47c8233cb92cea0073c98e2aa05fcdb94b47cf1e82b51ad369955255a9418953e5b40f0918e1b844cd374d849a",
  hash: "0x61372773bebdfd8feefa6a4fd6d2a4e2947c855601144ad978ca0c9c2ba6ced0",
  sender: "0x37dd43d4078b1272936d8d0db27ba4ed05bfdb34",
  fork: Fork.Berlin,
};
const FEE_MARKET: Vector = {
  name: "EIP-1559, block 17034869",
  raw: "0x02f86a012a8411e1a30085073ee0ca658281a894e2174ee8abeee5f99b9c316ed93eed1f334b62d28080c080a02158b5b5908b28944ee55e2e5b846f5505a7957e87edff09a45e3d1e9c13cef49f1b5ab1f8d28a21fda7f840313f4f747dc2a8586c2d17f2cea3db8b34a3a82b",
  hash: "0x5a3fb977b066bad681ee22572b0a2fe7a10c161663f8fcce78cb63d7ba86fa87",
  sender: "0xe2174ee8abeee5f99b9c316ed93eed1f334b62d2",
  fork: Fork.Shanghai,
};
const BLOB: Vector = {
  name: "EIP-4844 with six blobs, block 19923400",
  raw: "0x03f9013b0183112589847735940085037cd43c2482520894ff000000000000000000000000000000000000108080c0843b9aca00f8c6a001e7cd1f18bf4a316b80f5a96e1fd9cb4ed2a1499b2c9b12e57df418a942009ca001e20ea677d7f953b93eae7d33ff513a1d651927f56f92d50c09a694ca8a7c0ea00193c97687d154456c333847a2a91a5c9249cb56a2431c046cd930936c5344b3a0013707d15e70ba641d8ffacee5f73be5f0e7165a5e6bfe5d9fe01a796c8a876ba001a42b8383168b4b48107b838d9e11e042220dd3492e7689740303086178479ea0016f9434cca9f775435f16263a66aba42230c126726d5b70be2924d0ae8d4aac80a0b50ab4a7ce351cb3216f6a3b311b2bb9492d4e7089ada08f7813ecc549ab7951a073f23ae4b2a28d48912dd87bf9059ca770af6e7b63dbc1d058797c82bea316a5",
  hash: "0x1fccc2b87ec6f65b6b58d01d6027daaf5066d4062cdda4c7417b573c893502db",
  sender: "0x6887246668a3b87f54deb3b94ba47a6f63f32985",
  fork: Fork.Cancun,
};
const VECTORS = [PRE_EIP155, EIP155, ACCESS_LIST, FEE_MARKET, BLOB];

// EIP-155's worked example: secret key 0x4646...46, chain id 1.
const EIP155_EXAMPLE = {
  raw: "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83",
  signingHash: "0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53",
  sender: "0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f",
  hash: "0x33469b22e9f636356c4160a87eb19df52b7412e8eac32a4a55ffe88ea8350788",
};

function decodeHex(hex: string): Transaction {
  return decodeTransaction(hexToBytes(hex));
}

function copy(tx: Transaction, changes: Partial<Transaction>): Transaction {
  const out: Transaction = { ...tx, ...changes };
  delete out.hash;
  return out;
}

for (const v of VECTORS) {
  test(`mainnet ${v.name}: hash, sender and byte-exact re-encoding`, () => {
    const raw = hexToBytes(v.raw);
    const tx = decodeTransaction(raw);
    assert.equal(bytesToHex(transactionHash(tx)), v.hash);
    assert.equal(bytesToHex(tx.hash!), v.hash, "decodeTransaction sets hash");
    assert.equal(addressToHex(recoverSender(tx, rulesFor(v.fork), 1n)), v.sender);
    assert.equal(addressToHex(recoverSender(tx)), v.sender, "latest rules by default");
    assert.equal(bytesToHex(encodeTransaction(tx)), v.raw);
  });
}

test("legacy fields, pre-EIP-155: chain id null, gas price in both fee fields, 31-byte r", () => {
  const tx = decodeHex(PRE_EIP155.raw);
  assert.equal(tx.type, TxType.Legacy);
  assert.equal(tx.chainId, null);
  assert.equal(tx.nonce, 10n);
  assert.equal(tx.maxFeePerGas, 3_000_000_000n);
  assert.equal(tx.maxPriorityFeePerGas, 3_000_000_000n);
  assert.equal(tx.gasLimit, 100_000n);
  assert.equal(tx.to, wordFromHex("0xfcca0c5ccd723baf6bf7f6678c8cfb49ce0042c7"));
  assert.equal(tx.value, 0n);
  assert.equal(tx.data.length, 0);
  assert.equal(tx.v, 27n);
  assert.equal(tx.r, 0x449e5022d24366e14509d8786f262d9e8b33da3bfa3071f491ca0c3ccb8a16n);
  assert.equal(tx.s, 0x2e572564067589fa365733317cbf657d23abbaf4e36d4969d30d3346669794bdn);
  assert.deepEqual(tx.accessList, []);
  assert.deepEqual(tx.blobVersionedHashes, []);
  assert.equal(tx.maxFeePerBlobGas, 0n);
  // Signed before EIP-155 existed, so it is valid in Frontier (and Homestead: its s is low).
  assert.equal(addressToHex(recoverSender(tx, rulesFor(Fork.Frontier))), PRE_EIP155.sender);
  assert.equal(addressToHex(recoverSender(tx, rulesFor(Fork.Homestead))), PRE_EIP155.sender);
});

test("legacy fields, EIP-155: chain id from v", () => {
  const tx = decodeHex(EIP155.raw);
  assert.equal(tx.chainId, 1n); // v = 38 = 35 + 2 * 1 + 1
  assert.equal(tx.v, 38n);
  assert.equal(tx.nonce, 3n);
  assert.equal(tx.gasLimit, 25_200n);
});

test("EIP-155 worked example: signing hash, sender and hash", () => {
  const tx = decodeHex(EIP155_EXAMPLE.raw);
  assert.equal(tx.chainId, 1n);
  assert.equal(tx.nonce, 9n);
  assert.equal(tx.maxFeePerGas, 20_000_000_000n);
  assert.equal(tx.value, 10n ** 18n);
  assert.equal(bytesToHex(signingHash(tx)), EIP155_EXAMPLE.signingHash);
  assert.equal(addressToHex(recoverSender(tx, rulesFor(Fork.SpuriousDragon), 1n)), EIP155_EXAMPLE.sender);
  assert.equal(bytesToHex(transactionHash(tx)), EIP155_EXAMPLE.hash);
});

test("EIP-1559 fields", () => {
  const tx = decodeHex(FEE_MARKET.raw);
  assert.equal(tx.type, TxType.FeeMarket);
  assert.equal(tx.chainId, 1n);
  assert.equal(tx.nonce, 42n);
  assert.equal(tx.maxPriorityFeePerGas, 0x11e1a300n);
  assert.equal(tx.maxFeePerGas, 0x073ee0ca65n);
  assert.equal(tx.gasLimit, 0x81a8n);
  assert.equal(tx.to, wordFromHex(FEE_MARKET.sender)); // a transfer to itself
  assert.equal(tx.v, 0n);
  assert.equal(tx.s, 0x1b5ab1f8d28a21fda7f840313f4f747dc2a8586c2d17f2cea3db8b34a3a82bn);
});

test("EIP-2930 fields: gas price in both fee fields, access list of addresses without keys", () => {
  const tx = decodeHex(ACCESS_LIST.raw);
  assert.equal(tx.type, TxType.AccessList);
  assert.equal(tx.chainId, 1n);
  assert.equal(tx.nonce, 0x2e12n);
  assert.equal(tx.maxFeePerGas, 0x178411b200n);
  assert.equal(tx.maxPriorityFeePerGas, 0x178411b200n);
  assert.equal(tx.gasLimit, 1_000_000n);
  assert.equal(tx.to, wordFromHex("0x0000000000a8fb09af944ab3baf7a9b3e1ab29d8"));
  assert.equal(tx.data.length, 118);
  assert.deepEqual(tx.accessList, [
    { address: wordFromHex("0xc558f600b34a5f69dd2f0d06cb8a88d829b7420a"), storageKeys: [] },
    { address: wordFromHex("0x79e0d4858af8071349469b6589a3c23c1fe1586e"), storageKeys: [] },
    { address: wordFromHex("0xaf988aff99d3d0cb870812c325c588d8d8cb7de8"), storageKeys: [] },
  ]);
  assert.equal(tx.v, 0n);
});

test("EIP-4844 fields: blob fee and versioned hashes", () => {
  const tx = decodeHex(BLOB.raw);
  assert.equal(tx.type, TxType.Blob);
  assert.equal(tx.nonce, 0x112589n);
  assert.equal(tx.maxFeePerBlobGas, 1_000_000_000n);
  assert.equal(tx.to, wordFromHex("0xff00000000000000000000000000000000000010"));
  assert.equal(tx.blobVersionedHashes.length, 6);
  assert.equal(tx.blobVersionedHashes[0], wordFromHex("0x01e7cd1f18bf4a316b80f5a96e1fd9cb4ed2a1499b2c9b12e57df418a942009c"));
  assert.equal(tx.blobVersionedHashes[5], wordFromHex("0x016f9434cca9f775435f16263a66aba42230c126726d5b70be2924d0ae8d4aac"));
});

// --- round trips of constructed transactions ---

const BASE: Transaction = {
  type: TxType.Legacy,
  chainId: null,
  nonce: 0n,
  maxFeePerGas: 7n,
  maxPriorityFeePerGas: 7n,
  gasLimit: 0xffffffffffffffffn, // the largest gas limit (2^64 - 1)
  to: null,
  value: (1n << 256n) - 1n,
  data: Uint8Array.of(0, 1, 2, 0x80, 0xff),
  accessList: [],
  maxFeePerBlobGas: 0n,
  blobVersionedHashes: [],
  authorizationList: [],
  v: 27n,
  r: 1n,
  s: SECP256K1_N - 1n,
};

// Authorizations at the bounds of their fields: chain id any 256-bit value, nonce 64 bits, y-parity 8 bits.
const AUTHORIZATIONS: Authorization[] = [
  { chainId: 0n, address: 0, nonce: 0n, yParity: 0n, r: 1n, s: 1n },
  { chainId: (1n << 256n) - 1n, address: wordFromHex("0xffffffffffffffffffffffffffffffffffffffff"), nonce: (1n << 64n) - 1n, yParity: 0xffn, r: SECP256K1_N - 1n, s: (1n << 256n) - 1n },
];

test("round trips: constructed transactions of every type decode to what was encoded", () => {
  const accessList = [
    { address: 1, storageKeys: [0, 1n << 255n, wordFromHex("0xff")] },
    { address: wordFromHex("0xffffffffffffffffffffffffffffffffffffffff"), storageKeys: [] },
  ];
  const txs: Transaction[] = [
    BASE,
    { ...BASE, chainId: 5n, v: 35n + 2n * 5n + 1n, to: 0 },
    { ...BASE, type: TxType.AccessList, chainId: 1n, v: 1n, accessList },
    { ...BASE, type: TxType.FeeMarket, chainId: (1n << 256n) - 1n, maxPriorityFeePerGas: 3n, v: 0n, accessList, to: wordFromHex("0x00000000000000000000000000000000000000aa") },
    { ...BASE, type: TxType.Blob, chainId: 1n, maxPriorityFeePerGas: 0n, to: 0x1234, maxFeePerBlobGas: 9n, blobVersionedHashes: [(1n << 248n) | 5n, 1n << 248n], accessList, v: 1n },
    { ...BASE, type: TxType.SetCode, chainId: 1n, maxPriorityFeePerGas: 2n, to: 0, authorizationList: AUTHORIZATIONS, accessList, v: 0n },
  ];
  for (const tx of txs) {
    const raw = encodeTransaction(tx);
    if (tx.type === TxType.Legacy) assert.ok(raw[0]! >= 0xc0, "legacy: a bare RLP list");
    else assert.equal(raw[0], tx.type, "typed: the type byte first");
    const back = decodeTransaction(raw);
    assert.equal(bytesToHex(back.hash!), bytesToHex(transactionHash(tx)));
    assert.deepEqual(copy(back, {}), tx, `type ${tx.type}`);
    assert.equal(bytesToHex(encodeTransaction(back)), bytesToHex(raw));
  }
});

test("signing hash: pre-EIP-155 signs 6 fields, EIP-155 appends chainId, 0, 0; typed prefixes the type", () => {
  const legacy = decodeHex(PRE_EIP155.raw);
  // keccak(rlp([nonce, gasPrice, gasLimit, to, value, data])) -- the same item list the sender signed.
  const protectedTx = copy(legacy, { chainId: 1n, v: 37n });
  assert.notEqual(bytesToHex(signingHash(protectedTx)), bytesToHex(signingHash(legacy)));
  const typed = decodeHex(FEE_MARKET.raw);
  const asAccessList = copy(typed, { type: TxType.AccessList });
  assert.notEqual(bytesToHex(signingHash(asAccessList)), bytesToHex(signingHash(typed)));
  // The signature covers every field: changing one changes the recovered sender.
  assert.notEqual(addressToHex(recoverSender(copy(typed, { nonce: 43n }))), FEE_MARKET.sender);
  assert.notEqual(addressToHex(recoverSender(copy(legacy, { data: Uint8Array.of(1) }))), PRE_EIP155.sender);
});

// --- decoding rejections ---

// The EIP-155 example's fields, as RLP items, to be broken one at a time.
function exampleFields(): RlpInput[] {
  const tx = decodeHex(EIP155_EXAMPLE.raw);
  return [tx.nonce, tx.maxFeePerGas, tx.gasLimit, hexToBytes("0x3535353535353535353535353535353535353535"), tx.value, tx.data, tx.v, tx.r, tx.s];
}
function withField(index: number, value: RlpInput): Uint8Array {
  const fields = exampleFields();
  fields[index] = value;
  return encode(fields);
}
function typed(type: number, fields: RlpInput): Uint8Array {
  const payload = encode(fields);
  const out = new Uint8Array(payload.length + 1);
  out[0] = type;
  out.set(payload, 1);
  return out;
}
// A valid EIP-1559 payload (the mainnet vector's fields), to be broken one at a time.
function feeMarketFields(): RlpInput[] {
  const t = decodeHex(FEE_MARKET.raw);
  return [t.chainId!, t.nonce, t.maxPriorityFeePerGas, t.maxFeePerGas, t.gasLimit, hexToBytes(FEE_MARKET.sender), t.value, t.data, [], t.v, t.r, t.s];
}

function rejects(raw: Uint8Array, message: RegExp): void {
  assert.throws(() => decodeTransaction(raw), (e: unknown) => {
    assert.ok(e instanceof TransactionDecodeError, `expected a TransactionDecodeError, got ${String(e)}`);
    assert.equal(e.name, "TransactionDecodeError");
    assert.match(e.message, message);
    return true;
  });
}

test("decode rejects malformed envelopes", () => {
  const good = hexToBytes(EIP155_EXAMPLE.raw);
  rejects(new Uint8Array(0), /empty/);
  rejects(Uint8Array.of(...good, 0x00), /invalid RLP/); // trailing byte
  rejects(good.subarray(0, good.length - 1), /invalid RLP/); // truncated
  rejects(hexToBytes("0xb8"), /expected an RLP list/);
  rejects(encode(hexToBytes("0x1234")), /expected an RLP list/);
  rejects(Uint8Array.of(0x05, ...encode(exampleFields())), /unsupported transaction type 0x05/);
  rejects(Uint8Array.of(0x00, ...encode(exampleFields())), /unsupported transaction type 0x00/);
  rejects(Uint8Array.of(0x02), /empty payload/);
  rejects(Uint8Array.of(...typed(2, feeMarketFields()), 0x80), /invalid RLP/);
  rejects(typed(2, hexToBytes("0x01")), /expected a list/);
  rejects(encode(exampleFields().slice(0, 8)), /too few fields \(8, expected 9\)/);
  rejects(encode([...exampleFields(), 0n]), /too many fields \(10, expected 9\)/);
  rejects(typed(2, feeMarketFields().slice(0, 11)), /EIP-1559 transaction: too few fields \(11, expected 12\)/);
  rejects(typed(1, feeMarketFields()), /EIP-2930 transaction: too many fields \(12, expected 11\)/);
});

test("decode rejects non-canonical and oversized integers", () => {
  rejects(withField(0, Uint8Array.of(0)), /nonce: integer has leading zero bytes/);
  rejects(withField(0, Uint8Array.of(0, 9)), /nonce: integer has leading zero bytes/);
  rejects(withField(0, 1n << 64n), /nonce: integer of 9 bytes exceeds 64 bits/);
  rejects(withField(2, 1n << 64n), /gasLimit: integer of 9 bytes exceeds 64 bits/);
  rejects(withField(1, 1n << 256n), /gasPrice: integer of 33 bytes exceeds 256 bits/);
  rejects(withField(4, 1n << 256n), /value: integer of 33 bytes exceeds 256 bits/);
  rejects(withField(6, Uint8Array.of(0, 37)), /v: integer has leading zero bytes/);
  rejects(withField(7, 1n << 256n), /r: integer of 33 bytes exceeds 256 bits/);
  rejects(withField(8, Uint8Array.of(0, 1)), /s: integer has leading zero bytes/);
  rejects(withField(2, [21000n]), /gasLimit: expected a byte string, got a list/);
  rejects(withField(5, []), /data: expected a byte string, got a list/);
  const fm = feeMarketFields();
  fm[3] = Uint8Array.of(0, 1);
  rejects(typed(2, fm), /maxFeePerGas: integer has leading zero bytes/);
  const fm2 = feeMarketFields();
  fm2[2] = 1n << 256n;
  rejects(typed(2, fm2), /maxPriorityFeePerGas: integer of 33 bytes exceeds 256 bits/);
  const fm3 = feeMarketFields();
  fm3[4] = 1n << 64n;
  rejects(typed(2, fm3), /gasLimit: integer of 9 bytes exceeds 64 bits/);
  const fm4 = feeMarketFields();
  fm4[1] = 1n << 64n;
  rejects(typed(2, fm4), /nonce: integer of 9 bytes exceeds 64 bits/);
  // The largest values that fit are accepted.
  assert.equal(decodeTransaction(withField(0, (1n << 64n) - 1n)).nonce, (1n << 64n) - 1n);
  assert.equal(decodeTransaction(withField(4, (1n << 256n) - 1n)).value, (1n << 256n) - 1n);
});

test("decode rejects addresses, storage keys and blob hashes of the wrong size", () => {
  rejects(withField(3, new Uint8Array(19).fill(1)), /to: address must be 20 bytes \(or empty for a creation\), got 19/);
  rejects(withField(3, new Uint8Array(21)), /to: address must be 20 bytes \(or empty for a creation\), got 21/);
  assert.equal(decodeTransaction(withField(3, new Uint8Array(20))).to, 0, "the zero address is not a creation");
  assert.equal(decodeTransaction(withField(3, new Uint8Array(0))).to, null);
  const withAccessList = (list: RlpInput): Uint8Array => {
    const f = feeMarketFields();
    f[8] = list;
    return typed(2, f);
  };
  const addr = new Uint8Array(20).fill(0xaa);
  rejects(withAccessList([[new Uint8Array(21), []]]), /accessList\[0\]\.address: address must be 20 bytes, got 21/);
  rejects(withAccessList([[addr, [new Uint8Array(32)]], [new Uint8Array(19), []]]), /accessList\[1\]\.address: address must be 20 bytes, got 19/);
  rejects(withAccessList([[addr, [new Uint8Array(32), Uint8Array.of(0, 1)]]]), /accessList\[0\]\.storageKeys\[1\]: must be 32 bytes, got 2/);
  rejects(withAccessList([[addr, [new Uint8Array(33)]]]), /storageKeys\[0\]: must be 32 bytes, got 33/);
  rejects(withAccessList([[addr]]), /accessList\[0\]: expected \[address, storageKeys\], got 1 items/);
  rejects(withAccessList([addr]), /accessList\[0\]: expected a list/);
  rejects(withAccessList(addr), /accessList: expected a list/);
  const blob = decodeHex(BLOB.raw);
  const blobFields = (to: Uint8Array, hashes: RlpInput): RlpInput[] => [
    1n, blob.nonce, blob.maxPriorityFeePerGas, blob.maxFeePerGas, blob.gasLimit, to, 0n, new Uint8Array(0), [], blob.maxFeePerBlobGas, hashes, 0n, blob.r, blob.s,
  ];
  const hash = new Uint8Array(32);
  hash[0] = 1;
  rejects(typed(3, blobFields(new Uint8Array(0), [hash])), /to: a blob transaction's recipient must be a 20-byte address, got 0 bytes/);
  rejects(typed(3, blobFields(addr, [hash, new Uint8Array(31)])), /blobVersionedHashes\[1\]: must be 32 bytes, got 31/);
  assert.deepEqual(decodeTransaction(typed(3, blobFields(addr, [hash]))).blobVersionedHashes, [1n << 248n]);
});

// --- signature rejections ---

function signatureRejects(f: () => unknown, message: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof InvalidSignatureError, `expected an InvalidSignatureError, got ${String(e)}`);
    assert.equal(e.name, "InvalidSignatureError");
    assert.match(e.message, message);
    return true;
  });
}

test("recoverSender rejects r and s outside [1, n-1]", () => {
  const tx = decodeHex(FEE_MARKET.raw);
  signatureRejects(() => recoverSender(copy(tx, { r: 0n })), /r is not in \[1, n-1\]/);
  signatureRejects(() => recoverSender(copy(tx, { r: SECP256K1_N })), /r is not in \[1, n-1\]/);
  signatureRejects(() => recoverSender(copy(tx, { s: 0n })), /s is not in \[1, n-1\]/);
  signatureRejects(() => recoverSender(copy(tx, { s: SECP256K1_N }), rulesFor(Fork.Frontier)), /s is not in \[1, n-1\]/);
});

test("high s (EIP-2): valid in Frontier, rejected from Homestead on", () => {
  // (r, n - s) with the other y-parity is the same signature's twin: it recovers the same key.
  const tx = decodeHex(PRE_EIP155.raw);
  const twin = copy(tx, { s: SECP256K1_N - tx.s, v: tx.v === 27n ? 28n : 27n });
  assert.ok(twin.s > SECP256K1_N / 2n);
  assert.equal(addressToHex(recoverSender(twin, rulesFor(Fork.Frontier))), PRE_EIP155.sender);
  signatureRejects(() => recoverSender(twin, rulesFor(Fork.Homestead)), /s is above n\/2 \(EIP-2/);
  signatureRejects(() => recoverSender(twin), /s is above n\/2/);
  // s = n/2 (rounded down) is still low.
  const half = copy(tx, { s: SECP256K1_N >> 1n });
  assert.doesNotThrow(() => recoverSender(half, rulesFor(Fork.Homestead)));
});

test("recoverSender checks v: legacy 27/28 or 35 + 2 * chainId + {0,1}; typed y-parity 0/1", () => {
  const legacy = decodeHex(PRE_EIP155.raw);
  for (const v of [0n, 1n, 26n, 29n, 34n]) {
    signatureRejects(() => recoverSender(copy(legacy, { v })), new RegExp(`invalid v ${v}: expected 27, 28 or 35`));
  }
  const protectedTx = decodeHex(EIP155.raw);
  signatureRejects(() => recoverSender(protectedTx, rulesFor(Fork.Homestead)), /EIP-155\), not enabled before Spurious Dragon/);
  signatureRejects(() => recoverSender(protectedTx, rulesFor(Fork.TangerineWhistle)), /not enabled before Spurious Dragon/);
  signatureRejects(() => recoverSender(protectedTx, rulesFor(Fork.Byzantium), 5n), /chain id 1 \(from v 38\) does not match the chain's id 5/);
  signatureRejects(() => recoverSender(copy(protectedTx, { chainId: 2n })), /v 38 encodes chain id 1, but the transaction has chain id 2/);
  signatureRejects(() => recoverSender(copy(legacy, { chainId: 1n })), /v 27 is not replay-protected but the transaction has chain id 1/);
  // A pre-EIP-155 transaction is valid on any chain.
  assert.equal(addressToHex(recoverSender(legacy, rulesFor(Fork.Cancun), 5n)), PRE_EIP155.sender);
  const fm = decodeHex(FEE_MARKET.raw);
  signatureRejects(() => recoverSender(copy(fm, { v: 2n })), /invalid y-parity 2: expected 0 or 1/);
  signatureRejects(() => recoverSender(copy(fm, { v: 27n })), /invalid y-parity 27/);
  signatureRejects(() => recoverSender(fm, rulesFor(Fork.Cancun), 5n), /chain id 1 does not match the chain's id 5/);
});

test("recoverSender reports recovery failure", () => {
  // r = n - 1 is no curve point's x coordinate (TransactionTests' TransactionWithRvalueHigh: EC_RECOVERY_FAIL).
  const tx = copy(decodeHex(FEE_MARKET.raw), { r: SECP256K1_N - 1n });
  signatureRejects(() => recoverSender(tx), /recovery failed/);
});

// --- fork rules and intrinsic gas ---

test("validateForFork: intrinsic gas above the gas limit is rejected", () => {
  const tx = copy(BASE, { to: 1, gasLimit: 21_000n, value: 0n, data: Uint8Array.of(0, 1) });
  // 21000 + 4 per zero byte + 16 (Istanbul on) or 68 (before) per non-zero byte.
  assert.equal(intrinsicGas(tx, rulesFor(Fork.Istanbul)), 21_020n);
  assert.equal(intrinsicGas(tx, rulesFor(Fork.Frontier)), 21_072n);
  assert.throws(() => validateForFork(tx, rulesFor(Fork.Istanbul)), /intrinsic gas too low: gas limit 21000 below intrinsic gas 21020/);
  assert.throws(() => validateForFork(tx, rulesFor(Fork.Frontier)), /intrinsic gas too low: gas limit 21000 below intrinsic gas 21072/);
  assert.doesNotThrow(() => validateForFork(copy(tx, { gasLimit: 21_020n }), rulesFor(Fork.Istanbul)));
  // An intrinsic gas the caller already computed is used as given.
  assert.doesNotThrow(() => validateForFork(tx, rulesFor(Fork.Istanbul), 21_000n));
  assert.throws(() => validateForFork(tx, rulesFor(Fork.Istanbul), 21_001n), /gas limit 21000 below intrinsic gas 21001/);
  // A creation costs 32000 more from Homestead on.
  const create = copy(tx, { to: null, gasLimit: 21_072n });
  assert.doesNotThrow(() => validateForFork(create, rulesFor(Fork.Frontier)));
  assert.throws(() => validateForFork(create, rulesFor(Fork.Homestead)), /intrinsic gas too low: gas limit 21072 below intrinsic gas 53072/);
});

test("validateForFork: transaction types need their fork", () => {
  const fm = decodeHex(FEE_MARKET.raw);
  assert.throws(() => validateForFork(fm, rulesFor(Fork.Berlin)), /EIP-1559/);
  assert.doesNotThrow(() => validateForFork(fm, rulesFor(Fork.London)));
  const al = decodeHex(ACCESS_LIST.raw);
  assert.throws(() => validateForFork(al, rulesFor(Fork.MuirGlacier)), /EIP-2930/);
  assert.doesNotThrow(() => validateForFork(al, rulesFor(Fork.Berlin)));
  assert.throws(() => validateForFork(decodeHex(BLOB.raw), rulesFor(Fork.Shanghai)), /EIP-4844/);
  assert.doesNotThrow(() => validateForFork(decodeHex(BLOB.raw), rulesFor(Fork.Cancun)));
});

// --- EIP-7702 set-code transactions ---

// EIP-155's example key (sender 0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f), signing here with @noble/curves.
const SECRET_KEY = hexToBytes("0x4646464646464646464646464646464646464646464646464646464646464646");
const SECRET_KEY_ADDRESS = EIP155_EXAMPLE.sender;

function signHash(hash: Uint8Array): { yParity: bigint; r: bigint; s: bigint } {
  const sig = secp256k1.sign(hash, SECRET_KEY, { prehash: false, format: "recovered" });
  return { yParity: BigInt(sig[0]!), r: BigInt(bytesToHex(sig.subarray(1, 33))), s: BigInt(bytesToHex(sig.subarray(33, 65))) };
}

const DELEGATE = wordFromHex("0x710fad1041f0ee79916bb1a6adef662303bb8b6e");

function signedAuthorization(chainId: bigint, nonce: bigint): Authorization {
  const unsigned = { chainId, address: DELEGATE, nonce, yParity: 0n, r: 0n, s: 0n };
  return { ...unsigned, ...signHash(authorizationSigningHash(unsigned)) };
}

function signedSetCode(changes: Partial<Transaction> = {}): Transaction {
  const tx: Transaction = {
    ...BASE,
    type: TxType.SetCode,
    chainId: 1n,
    nonce: 7n,
    maxPriorityFeePerGas: 2n,
    maxFeePerGas: 30n,
    gasLimit: 100_000n,
    to: wordFromHex("0x3535353535353535353535353535353535353535"),
    value: 5n,
    data: Uint8Array.of(0, 0xab),
    accessList: [{ address: 1, storageKeys: [2] }],
    authorizationList: [signedAuthorization(1n, 0n), signedAuthorization(0n, 1n)],
    ...changes,
  };
  const { yParity, r, s } = signHash(signingHash(tx));
  return { ...tx, v: yParity, r, s };
}

function wordBytes(v: number): Uint8Array {
  const out = new Uint8Array(32);
  out[31] = v;
  return out;
}

test("EIP-7702: the signing hash is keccak(0x04 ‖ rlp(fields)); the sender and the authorities recover", () => {
  const tx = signedSetCode();
  const raw = encodeTransaction(tx);
  assert.equal(raw[0], 0x04);
  // The same fields encoded by another RLP implementation.
  const authRlp = tx.authorizationList.map((a) => [a.chainId, hexToBytes(addressToHex(a.address)), a.nonce, a.yParity, a.r, a.s]);
  const accessListRlp = [[hexToBytes("0x0000000000000000000000000000000000000001"), [wordBytes(2)]]];
  const fields = [1n, 7n, 2n, 30n, 100_000n, hexToBytes("0x3535353535353535353535353535353535353535"), 5n, Uint8Array.of(0, 0xab), accessListRlp, authRlp];
  assert.equal(bytesToHex(signingHash(tx)), bytesToHex(keccak_256(Uint8Array.of(0x04, ...EthRlp.encode(fields)))));
  assert.equal(bytesToHex(raw), bytesToHex(Uint8Array.of(0x04, ...EthRlp.encode([...fields, tx.v, tx.r, tx.s]))));
  const back = decodeTransaction(raw);
  assert.deepEqual(copy(back, {}), tx);
  assert.equal(addressToHex(recoverSender(back, rulesFor(Fork.Prague), 1n)), SECRET_KEY_ADDRESS);
  // Authorization messages: keccak(0x05 ‖ rlp([chainId, address, nonce])).
  const a = back.authorizationList[0]!;
  assert.equal(bytesToHex(authorizationSigningHash(a)), bytesToHex(keccak_256(Uint8Array.of(0x05, ...EthRlp.encode([1n, hexToBytes(addressToHex(DELEGATE)), 0n])))));
  for (const auth of back.authorizationList) assert.equal(addressToHex(recoverAuthority(auth)!), SECRET_KEY_ADDRESS);
});

test("EIP-7702: mainnet authorizations recover the authorities that block 22546209 delegated", () => {
  // Authorizations of set-code transactions in mainnet block 22546209; each authority's nonce
  // before the block equals the authorization's nonce.
  const first: Authorization = {
    chainId: 1n,
    address: wordFromHex("0x710fad1041f0ee79916bb1a6adef662303bb8b6e"),
    nonce: 0x7852n,
    yParity: 0n,
    r: 0x6b8d11a89c127de8c39622a3993af0299ad2cf8ce345d89539ba41fec1f7be93n,
    s: 0x3c09d65561ce5b0b10d466d6138c82b0bc2e506fc5f8f45ba93ddf0ff0c0d09n,
  };
  const second: Authorization = {
    chainId: 1n,
    address: wordFromHex("0xb6785b782571980b3ddb5d40659f4861ff15aa02"),
    nonce: 0x136n,
    yParity: 1n,
    r: 0xdbf039358dcf3541593c821849c9796868777a022519c5df7de9f095aa694878n,
    s: 0x29a19cd8877a9fa697d68f1ed3ea43ceb878316cdb4ae4b4bc440be6a34869c1n,
  };
  assert.equal(addressToHex(recoverAuthority(first)!), "0x4de23f3f0fb3318287378adbde030cf61714b2f3");
  assert.equal(addressToHex(recoverAuthority(second)!), "0x3fdcbc255fa4ecabf94c12abef6731d58182c4fa");
  // The signature covers chain id, address and nonce.
  assert.notEqual(addressToHex(recoverAuthority({ ...first, nonce: 0x7853n })!), "0x4de23f3f0fb3318287378adbde030cf61714b2f3");
});

test("EIP-7702: recoverAuthority gives null for signatures outside the EIP's rules, and a given authority as is", () => {
  const auth = signedAuthorization(1n, 0n);
  const halfN = SECP256K1_N >> 1n;
  assert.equal(recoverAuthority({ ...auth, yParity: 2n }), null);
  assert.equal(recoverAuthority({ ...auth, yParity: 27n }), null);
  assert.equal(recoverAuthority({ ...auth, r: 0n }), null);
  assert.equal(recoverAuthority({ ...auth, r: SECP256K1_N }), null);
  assert.equal(recoverAuthority({ ...auth, s: 0n }), null);
  // The high-s twin (n - s, other parity) recovers the same key, but EIP-2's low s applies.
  const twin = { ...auth, s: SECP256K1_N - auth.s, yParity: 1n - auth.yParity };
  assert.equal(recoverAuthority(twin), null);
  assert.equal(recoverAuthority({ ...auth, s: halfN + 1n }), null);
  assert.notEqual(recoverAuthority({ ...auth, s: halfN }), null, "s = n/2 (rounded down) is low");
  // r = n - 1 is no curve point's x coordinate: recovery fails.
  assert.equal(recoverAuthority({ ...auth, r: SECP256K1_N - 1n }), null);
  // A loader's recovery (or its verdict that there is none) is taken as is.
  assert.equal(recoverAuthority({ ...auth, authority: 0x1234 }), 0x1234);
  assert.equal(recoverAuthority({ ...auth, authority: null }), null);
});

test("EIP-7702: decode rejects a missing recipient and malformed authorizations", () => {
  const tx = signedSetCode();
  const fields = (authList: RlpInput, to: Uint8Array = hexToBytes("0x3535353535353535353535353535353535353535")): RlpInput[] => [
    1n, 7n, 2n, 30n, 100_000n, to, 5n, new Uint8Array(0), [], authList, tx.v, tx.r, tx.s,
  ];
  const a = tx.authorizationList[0]!;
  const entry = (changes: Partial<Record<"chainId" | "address" | "nonce" | "yParity" | "r" | "s", RlpInput>>): RlpInput[] => {
    const e = { chainId: a.chainId as RlpInput, address: hexToBytes(addressToHex(a.address)) as RlpInput, nonce: a.nonce as RlpInput, yParity: a.yParity as RlpInput, r: a.r as RlpInput, s: a.s as RlpInput, ...changes };
    return [e.chainId, e.address, e.nonce, e.yParity, e.r, e.s];
  };
  assert.equal(decodeTransaction(typed(4, fields([entry({})]))).authorizationList.length, 1);
  rejects(typed(4, fields([entry({})], new Uint8Array(0))), /to: a set-code transaction's recipient must be a 20-byte address, got 0 bytes/);
  rejects(typed(4, fields([entry({})]).slice(0, 12)), /EIP-7702 transaction: too few fields \(12, expected 13\)/);
  rejects(typed(4, [...fields([entry({})]), 0n]), /EIP-7702 transaction: too many fields \(14, expected 13\)/);
  rejects(typed(4, fields(hexToBytes("0x01"))), /authorizationList: expected a list/);
  rejects(typed(4, fields([hexToBytes("0x01")])), /authorizationList\[0\]: expected a list/);
  rejects(typed(4, fields([entry({}).slice(0, 5)])), /authorizationList\[0\]: expected \[chainId, address, nonce, yParity, r, s\], got 5 items/);
  rejects(typed(4, fields([entry({}), entry({ address: new Uint8Array(19) })])), /authorizationList\[1\]\.address: address must be 20 bytes, got 19/);
  rejects(typed(4, fields([entry({ nonce: 1n << 64n })])), /authorizationList\[0\]\.nonce: integer of 9 bytes exceeds 64 bits/);
  rejects(typed(4, fields([entry({ yParity: 0x100n })])), /authorizationList\[0\]\.yParity: integer of 2 bytes exceeds 8 bits/);
  rejects(typed(4, fields([entry({ chainId: 1n << 256n })])), /authorizationList\[0\]\.chainId: integer of 33 bytes exceeds 256 bits/);
  rejects(typed(4, fields([entry({ r: Uint8Array.of(0, 1) })])), /authorizationList\[0\]\.r: integer has leading zero bytes/);
  rejects(typed(4, fields([entry({ s: [] })])), /authorizationList\[0\]\.s: expected a byte string, got a list/);
});

test("EIP-7702: set-code transactions need Prague, a recipient and an authorization; each costs 25000 up front", () => {
  const tx = signedSetCode();
  // 21000 + 4 + 16 (data) + 2400 + 1900 (access list) + 2 * 25000 (authorizations).
  assert.equal(intrinsicGas(tx, rulesFor(Fork.Prague)), 21_000n + 20n + 4_300n + 50_000n);
  assert.throws(() => validateForFork(tx, rulesFor(Fork.Cancun)), /set-code transactions \(EIP-7702\) are not enabled/);
  assert.doesNotThrow(() => validateForFork(tx, rulesFor(Fork.Prague)));
  assert.throws(() => validateForFork(copy(tx, { to: null }), rulesFor(Fork.Prague)), /set-code transaction cannot create a contract/);
  assert.throws(() => validateForFork(copy(tx, { authorizationList: [] }), rulesFor(Fork.Prague)), /empty authorization list/);
  assert.throws(() => validateForFork(copy(tx, { gasLimit: 75_319n }), rulesFor(Fork.Prague)), /intrinsic gas too low/);
  assert.doesNotThrow(() => validateForFork(copy(tx, { gasLimit: 75_320n }), rulesFor(Fork.Prague)));
  // Bounds the decoder enforces, for transactions built from other sources.
  const auth = tx.authorizationList[0]!;
  assert.throws(() => validateForFork(copy(tx, { authorizationList: [{ ...auth, nonce: 1n << 64n }] }), rulesFor(Fork.Prague)), /out of bounds/);
  assert.throws(() => validateForFork(copy(tx, { authorizationList: [{ ...auth, yParity: 0x100n }] }), rulesFor(Fork.Prague)), /out of bounds/);
  assert.doesNotThrow(() => validateForFork(copy(tx, { authorizationList: [{ ...auth, nonce: (1n << 64n) - 1n, yParity: 0xffn }] }), rulesFor(Fork.Prague)));
});

test("EIP-7623: from Prague the gas limit must cover the calldata floor, 21000 + 10 per token", () => {
  // 100 zero bytes (100 tokens) and 100 non-zero bytes (400 tokens): floor 21000 + 5000.
  const data = new Uint8Array(200).fill(1, 100);
  const tx = copy(BASE, { type: TxType.FeeMarket, chainId: 1n, v: 0n, to: 1, value: 0n, data, gasLimit: 25_999n });
  assert.equal(calldataFloorGas(tx, rulesFor(Fork.Prague)), 26_000n);
  assert.equal(calldataFloorGas(tx, rulesFor(Fork.Cancun)), 0n);
  // The intrinsic gas (21000 + 400 + 1600 = 23000) is below the floor.
  assert.equal(intrinsicGas(tx, rulesFor(Fork.Prague)), 23_000n);
  assert.doesNotThrow(() => validateForFork(tx, rulesFor(Fork.Cancun)));
  assert.throws(() => validateForFork(tx, rulesFor(Fork.Prague)), /gas limit 25999 below the calldata floor 26000 \(EIP-7623\)/);
  assert.doesNotThrow(() => validateForFork(copy(tx, { gasLimit: 26_000n }), rulesFor(Fork.Prague)));
  assert.equal(calldataFloorGas(copy(tx, { data: new Uint8Array(0) }), rulesFor(Fork.Prague)), 21_000n);
});

test("EIP-7825: from Osaka a gas limit above 2^24 is invalid", () => {
  const tx = copy(BASE, { type: TxType.FeeMarket, chainId: 1n, v: 0n, to: 1, value: 0n, data: new Uint8Array(0), gasLimit: (1n << 24n) + 1n });
  assert.throws(() => validateForFork(tx, rulesFor(Fork.Osaka)), /gas limit 16777217 above the transaction gas limit cap 16777216 \(EIP-7825\)/);
  assert.doesNotThrow(() => validateForFork(copy(tx, { gasLimit: 1n << 24n }), rulesFor(Fork.Osaka)));
  assert.doesNotThrow(() => validateForFork(tx, rulesFor(Fork.Prague)));
});

test("blobs per transaction: at most 6 in Cancun, 9 in Prague (the block's maximum), 6 in Osaka (EIP-7594)", () => {
  const blob = decodeHex(BLOB.raw); // six blobs
  const withBlobs = (n: number) => copy(blob, { blobVersionedHashes: new Array(n).fill(1n << 248n) });
  const cases: [Fork, number][] = [[Fork.Cancun, 6], [Fork.Prague, 9], [Fork.Osaka, 6], [Fork.Bpo2, 6]];
  for (const [fork, max] of cases) {
    assert.doesNotThrow(() => validateForFork(withBlobs(max), rulesFor(fork)), `${max} blobs in fork ${fork}`);
    assert.throws(() => validateForFork(withBlobs(max + 1), rulesFor(fork)), new RegExp(`too many blobs: ${max + 1} above ${max} per transaction`));
  }
});
