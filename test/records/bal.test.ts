// EIP-7928 block access lists: the RLP encoding on hand-worked bytes, the empty list's hash, the
// JSON form, the validating reader (every error it names), the limits, and the builder's rules.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  BalFormatError,
  EMPTY_BAL_HASH,
  balFromJson,
  balFromJsonUnchecked,
  balHash,
  balItemCount,
  balToJson,
  buildBal,
  decodeBal,
  decodeBalUnchecked,
  encodeBal,
  validateBal,
  type AccountChanges,
  type BalIndexChanges,
  type BlockAccessList,
} from "../../src/records/bal.js";
import { bytesToHex, hexToBytes } from "../../src/primitives/bytes.js";
import { encode as rlpEncode, type RlpInput } from "../../src/primitives/rlp.js";

const A1 = 0x01n;
const A1_HEX = "0x0000000000000000000000000000000000000001";

function account(address: bigint, fields: Partial<Omit<AccountChanges, "address">> = {}): AccountChanges {
  return { address, storageChanges: [], storageReads: [], balanceChanges: [], nonceChanges: [], codeChanges: [], ...fields };
}

/** Asserts fn throws a BalFormatError whose message matches re. */
function throwsBal(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof BalFormatError, `expected a BalFormatError, got ${String(e)}`);
    assert.match(e.message, re);
    assert.ok(!e.message.includes("\n"), "the message is one line");
    return true;
  });
}

// One account with every kind of entry; its RLP worked out by hand below.
const EXAMPLE: BlockAccessList = [
  account(A1, {
    storageChanges: [
      { slot: 0n, changes: [{ index: 0, value: 0n }] },
      { slot: 0x100n, changes: [{ index: 1, value: 0x7fn }, { index: 2, value: 0x80n }] },
    ],
    storageReads: [5n],
    balanceChanges: [{ index: 1, value: 10n ** 18n }],
    nonceChanges: [{ index: 1, value: 1n }],
    codeChanges: [{ index: 2, code: Uint8Array.of(0x60, 0x00) }],
  }),
];
const EXAMPLE_RLP =
  "0xf842" + // the list: 66 bytes
  "f840" + // the account: 64 bytes
  "94" + "00".repeat(19) + "01" + // address: 20 bytes, zero-padded
  "d2" + // storage changes: 18 bytes
  "c5" + "80" + "c3" + "c28080" + // slot 0 (empty string), [[index 0, value 0]]
  "cb" + "820100" + "c7" + "c2017f" + "c3028180" + // slot 0x100, [[1, 0x7f], [2, 0x80 (needs a 0x81 header)]]
  "c105" + // storage reads: [5]
  "cb" + "ca" + "01" + "880de0b6b3a7640000" + // balance changes: [[1, 1 ether]]
  "c3" + "c20101" + // nonce changes: [[1, 1]]
  "c5" + "c40282" + "6000"; // code changes: [[2, 0x6000]]

const EXAMPLE_JSON = [
  {
    address: A1_HEX,
    nonceChanges: [{ blockAccessIndex: "0x01", postNonce: "0x01" }],
    balanceChanges: [{ blockAccessIndex: "0x01", postBalance: "0x0de0b6b3a7640000" }],
    codeChanges: [{ blockAccessIndex: "0x02", newCode: "0x6000" }],
    storageChanges: [
      { slot: "0x00", slotChanges: [{ blockAccessIndex: "0x00", postValue: "0x00" }] },
      {
        slot: "0x0100",
        slotChanges: [
          { blockAccessIndex: "0x01", postValue: "0x7f" },
          { blockAccessIndex: "0x02", postValue: "0x80" },
        ],
      },
    ],
    storageReads: ["0x05"],
  },
];

// --- encoding and hashing --------------------------------------------------------------------

test("the empty list encodes as 0xc0 and hashes to keccak256(0xc0), the EIP's constant", () => {
  assert.equal(bytesToHex(encodeBal([])), "0xc0");
  const expected = "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347";
  assert.equal(bytesToHex(balHash([])), expected);
  assert.equal(bytesToHex(EMPTY_BAL_HASH), expected);
  assert.deepEqual(decodeBal(Uint8Array.of(0xc0)), []);
});

test("an account with no changes: a 20-byte address and five empty lists", () => {
  assert.equal(bytesToHex(encodeBal([account(A1)])), "0xdbda94" + "00".repeat(19) + "01" + "c0c0c0c0c0");
});

test("every kind of entry, in the EIP's field order, with minimal integers (hand-worked bytes)", () => {
  assert.equal(bytesToHex(encodeBal(EXAMPLE)), EXAMPLE_RLP);
  assert.deepEqual(decodeBal(hexToBytes(EXAMPLE_RLP)), EXAMPLE);
});

test("storage keys and values are minimal uint256s: 2^256-1 takes 32 bytes, 0x01 one", () => {
  const max = (1n << 256n) - 1n;
  const bal = [account(A1, { storageChanges: [{ slot: max, changes: [{ index: 0xffffffff, value: 1n }] }] })];
  const expected =
    "0xf846" + "f844" + "94" + "00".repeat(19) + "01" + // 68-byte account: 21 + 43 + 4
    "ea" + "e9" + "a0" + "ff".repeat(32) + "c7" + "c6" + "84ffffffff" + "01" + // [[max, [[0xffffffff, 1]]]]
    "c0c0c0c0";
  assert.equal(bytesToHex(encodeBal(bal)), expected);
  assert.deepEqual(decodeBal(hexToBytes(expected)), bal);
});

test("the encoder refuses fields that do not fit their types", () => {
  throwsBal(() => encodeBal([account(1n << 160n)]), /^account 0: address .* is not a 20-byte address$/);
  throwsBal(() => encodeBal([account(-1n)]), /^account 0: address -1/);
  throwsBal(() => encodeBal([account(A1, { balanceChanges: [{ index: 1, value: -5n }] })]), /account 0 \(0x0{39}1\): balance change at index 1: balance -5 is out of range \(uint256\)/);
  throwsBal(() => encodeBal([account(A1, { nonceChanges: [{ index: 1, value: 1n << 64n }] })]), /nonce change at index 1: nonce 0x10000000000000000 is out of range \(uint64\)/);
  throwsBal(() => encodeBal([account(A1, { storageReads: [1n << 256n] })]), /storage read slot 0x1(0{64}) is out of range \(uint256\)/);
  throwsBal(() => encodeBal([account(A1, { codeChanges: [{ index: 2 ** 32, code: new Uint8Array() }] })]), /code change: block access index 4294967296 is not a uint32/);
  throwsBal(() => encodeBal([account(A1, { nonceChanges: [{ index: 1.5, value: 1n }] })]), /nonce change: block access index 1.5 is not a uint32/);
  throwsBal(() => encodeBal([account(A1, { storageChanges: [{ slot: 3n, changes: [{ index: 0, value: 1n << 256n }] }] })]), /slot 0x3 at index 0: value .* out of range/);
});

test("balItemCount counts addresses plus changed and read storage keys", () => {
  assert.equal(balItemCount([]), 0);
  assert.equal(balItemCount(EXAMPLE), 1 + 2 + 1);
  assert.equal(balItemCount([account(1n), account(2n, { storageReads: [1n, 2n, 3n] })]), 5);
});

// --- JSON ------------------------------------------------------------------------------------

test("JSON form: the tests' keys and minimal even-length hex, both ways", () => {
  assert.deepEqual(balToJson(EXAMPLE), EXAMPLE_JSON);
  assert.deepEqual(balFromJson(EXAMPLE_JSON), EXAMPLE);
  // Keys come in the order the execution-spec tests write them.
  assert.deepEqual(Object.keys(balToJson(EXAMPLE)[0]!), ["address", "nonceChanges", "balanceChanges", "codeChanges", "storageChanges", "storageReads"]);
  // Odd-length and padded quantities, and upper-case hex, are read by value.
  const loose = structuredClone(EXAMPLE_JSON);
  loose[0]!.storageChanges[1]!.slot = "0x100";
  loose[0]!.storageReads[0] = "0x0005";
  loose[0]!.address = A1_HEX.toUpperCase().replace("0X", "0x");
  loose[0]!.codeChanges[0]!.newCode = "0x6000";
  assert.deepEqual(balFromJson(loose), EXAMPLE);
  // Empty code is "0x".
  assert.deepEqual(balToJson([account(A1, { codeChanges: [{ index: 1, code: new Uint8Array() }] })])[0]!.codeChanges, [{ blockAccessIndex: "0x01", newCode: "0x" }]);
});

test("balFromJson names where a value has the wrong type or is not hex", () => {
  const bad = (mutate: (j: any) => void): unknown => {
    const j = structuredClone(EXAMPLE_JSON) as any;
    mutate(j);
    return j;
  };
  throwsBal(() => balFromJson({}), /^block access list: expected an array, got object$/);
  throwsBal(() => balFromJson([null]), /^account 0: expected an object, got null$/);
  throwsBal(() => balFromJson(bad((j) => (j[0].address = "0x01"))), /^account 0: address: expected 0x and 40 hex digits, got "0x01"$/);
  throwsBal(() => balFromJson(bad((j) => (j[0].address = 1))), /^account 0: address: expected 0x and 40 hex digits, got number$/);
  throwsBal(() => balFromJson(bad((j) => delete j[0].storageReads)), /^account 0 \(0x0{39}1\): storageReads is missing$/);
  throwsBal(() => balFromJson(bad((j) => (j[0].nonceChanges = {}))), /: nonceChanges: expected an array, got object$/);
  throwsBal(() => balFromJson(bad((j) => (j[0].storageReads[0] = "0xzz"))), /: storageReads\[0\]: not a hex quantity: "0xzz"$/);
  throwsBal(() => balFromJson(bad((j) => (j[0].storageReads[0] = 5))), /: storageReads\[0\]: expected a hex string, got number$/);
  throwsBal(() => balFromJson(bad((j) => (j[0].storageReads[0] = "0x"))), /: storageReads\[0\]: not a hex quantity/);
  throwsBal(() => balFromJson(bad((j) => (j[0].balanceChanges[0].postBalance = "12"))), /: balanceChanges\[0\]\.postBalance: not a hex quantity: "12"$/);
  throwsBal(() => balFromJson(bad((j) => delete j[0].balanceChanges[0].postBalance)), /: balanceChanges\[0\]: postBalance is missing$/);
  throwsBal(() => balFromJson(bad((j) => (j[0].nonceChanges[0].postNonce = "0x010000000000000000"))), /: nonceChanges\[0\]\.postNonce: 0x010000000000000000 is out of range \(uint64\)$/);
  throwsBal(() => balFromJson(bad((j) => (j[0].nonceChanges[0].blockAccessIndex = "0x0100000000"))), /: nonceChanges\[0\]\.blockAccessIndex: 0x0100000000 is out of range \(uint32\)$/);
  throwsBal(() => balFromJson(bad((j) => (j[0].codeChanges[0].newCode = "0x600"))), /: codeChanges\[0\]\.newCode: expected 0x and an even number of hex digits, got "0x600"$/);
  throwsBal(() => balFromJson(bad((j) => (j[0].storageChanges[1].slotChanges[0].postValue = "0x1" + "0".repeat(64)))), /: storageChanges\[1\]\.slotChanges\[0\]\.postValue: .* out of range \(uint256\)$/);
  throwsBal(() => balFromJson(bad((j) => (j[0].storageChanges[0].slot = null))), /: storageChanges\[0\]\.slot: expected a hex string, got null$/);
  throwsBal(() => balFromJson(bad((j) => (j[0].storageChanges[0] = []))), /: storageChanges\[0\]: expected an object, got an array$/);
});

test("balFromJson validates ordering like decodeBal; balFromJsonUnchecked reads it as given", () => {
  const j = structuredClone(EXAMPLE_JSON);
  j[0]!.storageReads = ["0x07", "0x06"];
  throwsBal(() => balFromJson(j), /^account 0 \(0x0{39}1\): storage reads not in ascending order at slot 0x6 \(after 0x7\)$/);
  assert.deepEqual(balFromJsonUnchecked(j)[0]!.storageReads, [7n, 6n]);
  const two = [{ ...EXAMPLE_JSON[0]!, address: "0x" + "00".repeat(19) + "02" }, EXAMPLE_JSON[0]!];
  throwsBal(() => balFromJson(two), /^account 1 \(0x0{39}1\): address not in ascending order \(after 0x0{39}2\)$/);
});

// --- validation ------------------------------------------------------------------------------

/** Each rule broken once, and the message it must give. */
const BROKEN: [string, BlockAccessList, RegExp][] = [
  ["accounts out of order", [account(2n), account(1n)], /^account 1 \(0x0{39}1\): address not in ascending order \(after 0x0{39}2\)$/],
  ["a duplicate account", [account(1n), account(3n), account(3n)], /^account 2 \(0x0{39}3\): duplicate address \(same as account 1\)$/],
  [
    "storage slots out of order",
    [account(A1, { storageChanges: [{ slot: 0x200n, changes: [{ index: 1, value: 1n }] }, { slot: 0x1ffn, changes: [{ index: 1, value: 1n }] }] })],
    /^account 0 \(0x0{39}1\): storage changes not in ascending order at slot 0x1ff \(after 0x200\)$/,
  ],
  [
    "a duplicate storage slot",
    [account(A1, { storageChanges: [{ slot: 9n, changes: [{ index: 1, value: 1n }] }, { slot: 9n, changes: [{ index: 2, value: 2n }] }] })],
    /^account 0 \(0x0{39}1\): storage changes: duplicate slot 0x9$/,
  ],
  ["a slot without changes", [account(A1, { storageChanges: [{ slot: 9n, changes: [] }] })], /^account 0 \(0x0{39}1\): storage changes: slot 0x9 has no changes$/],
  [
    "storage changes of a slot out of index order",
    [account(A1, { storageChanges: [{ slot: 9n, changes: [{ index: 3, value: 1n }, { index: 2, value: 2n }] }] })],
    /^account 0 \(0x0{39}1\): storage changes of slot 0x9: block access index 2 not in ascending order \(after 3\)$/,
  ],
  [
    "a duplicate index in a slot's changes",
    [account(A1, { storageChanges: [{ slot: 9n, changes: [{ index: 3, value: 1n }, { index: 3, value: 2n }] }] })],
    /^account 0 \(0x0{39}1\): storage changes of slot 0x9: duplicate block access index 3$/,
  ],
  ["storage reads out of order", [account(A1, { storageReads: [1n, 3n, 2n] })], /^account 0 \(0x0{39}1\): storage reads not in ascending order at slot 0x2 \(after 0x3\)$/],
  ["a duplicate storage read", [account(A1, { storageReads: [1n, 1n] })], /^account 0 \(0x0{39}1\): storage reads: duplicate slot 0x1$/],
  [
    "a slot both changed and read",
    [account(A1, { storageChanges: [{ slot: 4n, changes: [{ index: 1, value: 1n }] }], storageReads: [3n, 4n] })],
    /^account 0 \(0x0{39}1\): slot 0x4 is both in storage changes and in storage reads$/,
  ],
  ["balance changes out of order", [account(A1, { balanceChanges: [{ index: 2, value: 1n }, { index: 1, value: 2n }] })], /^account 0 \(0x0{39}1\): balance changes: block access index 1 not in ascending order \(after 2\)$/],
  ["a duplicate balance index", [account(A1, { balanceChanges: [{ index: 2, value: 1n }, { index: 2, value: 1n }] })], /^account 0 \(0x0{39}1\): balance changes: duplicate block access index 2$/],
  ["nonce changes out of order", [account(A1, { nonceChanges: [{ index: 5, value: 1n }, { index: 0, value: 2n }] })], /^account 0 \(0x0{39}1\): nonce changes: block access index 0 not in ascending order \(after 5\)$/],
  ["a duplicate nonce index", [account(A1, { nonceChanges: [{ index: 0, value: 1n }, { index: 0, value: 2n }] })], /^account 0 \(0x0{39}1\): nonce changes: duplicate block access index 0$/],
  ["code changes out of order", [account(A1, { codeChanges: [{ index: 2, code: Uint8Array.of(1) }, { index: 1, code: Uint8Array.of(2) }] })], /^account 0 \(0x0{39}1\): code changes: block access index 1 not in ascending order \(after 2\)$/],
  ["a duplicate code index", [account(A1, { codeChanges: [{ index: 1, code: Uint8Array.of(1) }, { index: 1, code: Uint8Array.of(2) }] })], /^account 0 \(0x0{39}1\): code changes: duplicate block access index 1$/],
];

for (const [rule, bal, message] of BROKEN) {
  test(`validation: ${rule}`, () => {
    throwsBal(() => validateBal(bal), message);
    // The encoder writes what it is given; the reader refuses it with the same message.
    const bytes = encodeBal(bal);
    throwsBal(() => decodeBal(bytes), message);
    assert.deepEqual(decodeBalUnchecked(bytes), bal);
    throwsBal(() => balFromJson(balToJson(bal)), message);
  });
}

test("validation: indices beyond the block's last (transactions + 1), when the count is given", () => {
  const bal = [account(A1, { storageChanges: [{ slot: 1n, changes: [{ index: 0, value: 1n }, { index: 3, value: 2n }] }], balanceChanges: [{ index: 4, value: 1n }] })];
  validateBal(bal); // no count, no bound
  validateBal(bal, { transactionCount: 3 }); // last index 4
  throwsBal(() => validateBal(bal, { transactionCount: 2 }), /^account 0 \(0x0{39}1\): balance changes: block access index 4 exceeds the block's last index 3 \(2 transactions \+ 1\)$/);
  throwsBal(() => decodeBal(encodeBal(bal), { transactionCount: 1 }), /storage changes of slot 0x1: block access index 3 exceeds the block's last index 2/);
  throwsBal(() => validateBal(bal, { transactionCount: -1 }), /transaction count -1 is not a non-negative integer/);
});

test("validation: addresses + storage keys at most gasLimit / 2000", () => {
  const bal = [account(1n, { storageReads: [1n, 2n] }), account(2n, { storageChanges: [{ slot: 7n, changes: [{ index: 1, value: 1n }] }] })];
  // 2 addresses + 3 keys = 5 items: a gas limit of 10,000 allows 5, of 9,999 only 4.
  validateBal(bal, { gasLimit: 10_000n });
  throwsBal(() => validateBal(bal, { gasLimit: 9_999n }), /^block access list: 5 items \(addresses \+ storage keys\) exceed the bound 4 \(gas limit 9999 \/ 2000\)$/);
  throwsBal(() => balFromJson(balToJson(bal), { gasLimit: 8_000n }), /5 items .* exceed the bound 4/);
});

// --- reading RLP: shapes and widths --------------------------------------------------------

const ADDR = new Uint8Array(20).fill(0x11);
const raw = (item: RlpInput): Uint8Array => rlpEncode(item);
const E: RlpInput[] = [];
const ACC = "account 0 \\(0x1{40}\\)";

const MALFORMED: [string, Uint8Array, RegExp][] = [
  ["empty input", new Uint8Array(), /^block access list: invalid RLP: empty input$/],
  ["truncated RLP", hexToBytes(EXAMPLE_RLP).subarray(0, 40), /^block access list: invalid RLP/],
  ["trailing bytes", Uint8Array.of(0xc0, 0x00), /^block access list: invalid RLP/],
  // A single byte below 0x80 wrapped in a string header (0x81 0x05) is not canonical RLP.
  ["a non-canonical single byte", hexToBytes("0xdddc" + "94" + "11".repeat(20) + "c0" + "c28105" + "c0c0c0"), /^block access list: invalid RLP/],
  ["a byte string at the top", Uint8Array.of(0x80), /^block access list should be a list, got a byte string$/],
  ["an account that is a byte string", raw([ADDR]), /^account 0 should be a list, got a byte string$/],
  ["an account of five fields", raw([[ADDR, E, E, E, E]]), /^account 0 should have 6 items, got 5$/],
  ["a 19-byte address", raw([[new Uint8Array(19), E, E, E, E, E]]), /^account 0: address is 19 bytes, expected 20$/],
  ["a 21-byte address", raw([[new Uint8Array(21), E, E, E, E, E]]), /^account 0: address is 21 bytes, expected 20$/],
  ["an address that is a list", raw([[[], E, E, E, E, E]]), /^account 0: address should be a byte string, got a list$/],
  ["storage changes that are a byte string", raw([[ADDR, Uint8Array.of(1), E, E, E, E]]), new RegExp(`^${ACC}: storage changes should be a list, got a byte string$`)],
  ["a slot of 33 bytes", raw([[ADDR, [[new Uint8Array(33).fill(1), [[1, 1]]]], E, E, E, E]]), new RegExp(`^${ACC}: storage changes entry 0: slot is 33 bytes, at most 32 allowed$`)],
  ["a slot with a leading zero", raw([[ADDR, [[Uint8Array.of(0, 1), [[1, 1]]]], E, E, E, E]]), new RegExp(`^${ACC}: storage changes entry 0: slot has a leading zero byte \\(not a minimal integer\\)$`)],
  ["a slot entry of three items", raw([[ADDR, [[1, [[1, 1]], 1]], E, E, E, E]]), new RegExp(`^${ACC}: storage changes entry 0 should have 2 items, got 3$`)],
  ["a storage change of three items", raw([[ADDR, [[1, [[1, 1, 1]]]], E, E, E, E]]), new RegExp(`^${ACC}: storage changes of slot 0x1 entry 0 should have 2 items, got 3$`)],
  ["a storage value of 33 bytes", raw([[ADDR, [[1, [[1, new Uint8Array(33).fill(1)]]]], E, E, E, E]]), new RegExp(`^${ACC}: storage changes of slot 0x1 entry 0: value is 33 bytes, at most 32 allowed$`)],
  ["a storage value with a leading zero", raw([[ADDR, [[1, [[1, Uint8Array.of(0)]]]], E, E, E, E]]), new RegExp(`^${ACC}: storage changes of slot 0x1 entry 0: value has a leading zero byte`)],
  ["a storage read with a leading zero", raw([[ADDR, E, [Uint8Array.of(0, 5)], E, E, E]]), new RegExp(`^${ACC}: storage reads entry 0 has a leading zero byte`)],
  ["a storage read that is a list", raw([[ADDR, E, [[]], E, E, E]]), new RegExp(`^${ACC}: storage reads entry 0 should be a byte string, got a list$`)],
  ["an index of 5 bytes", raw([[ADDR, E, E, [[1n << 32n, 1]], E, E]]), new RegExp(`^${ACC}: balance changes entry 0: block access index is 5 bytes, at most 4 allowed$`)],
  ["an index with a leading zero", raw([[ADDR, E, E, E, [[Uint8Array.of(0, 1), 1]], E]]), new RegExp(`^${ACC}: nonce changes entry 0: block access index has a leading zero byte`)],
  ["a balance of 33 bytes", raw([[ADDR, E, E, [[1, new Uint8Array(33).fill(1)]], E, E]]), new RegExp(`^${ACC}: balance changes entry 0: balance is 33 bytes, at most 32 allowed$`)],
  ["a nonce of 9 bytes", raw([[ADDR, E, E, E, [[1, 1n << 64n]], E]]), new RegExp(`^${ACC}: nonce changes entry 0: nonce is 9 bytes, at most 8 allowed$`)],
  ["a code that is a list", raw([[ADDR, E, E, E, E, [[1, []]]]]), new RegExp(`^${ACC}: code changes entry 0: code should be a byte string, got a list$`)],
  ["a code change of one item", raw([[ADDR, E, E, E, E, [[1]]]]), new RegExp(`^${ACC}: code changes entry 0 should have 2 items, got 1$`)],
];

for (const [what, bytes, message] of MALFORMED) {
  test(`reading RLP: ${what}`, () => {
    throwsBal(() => decodeBal(bytes), message);
  });
}

test("reading RLP: the non-canonical example is otherwise well formed", () => {
  // The same bytes with the canonical single byte 0x05 decode (a check that the case above fails for the right reason).
  assert.deepEqual(decodeBal(hexToBytes("0xdcdb" + "94" + "11".repeat(20) + "c0" + "c105" + "c0c0c0")), [
    account(BigInt("0x" + "11".repeat(20)), { storageReads: [5n] }),
  ]);
});

test("reading RLP: truncations and corruptions give BalFormatErrors, never another error", () => {
  const good = hexToBytes(EXAMPLE_RLP);
  let seed = 0x9e3779b9;
  const next = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  const tries: Uint8Array[] = [];
  for (let n = 0; n < good.length; n++) tries.push(good.subarray(0, n));
  for (let k = 0; k < 3000; k++) {
    const b = good.slice();
    const flips = 1 + (next() % 3);
    for (let f = 0; f < flips; f++) b[next() % b.length] = next() & 0xff;
    tries.push(b);
  }
  let refused = 0;
  for (const b of tries) {
    try {
      decodeBal(b);
    } catch (e) {
      assert.ok(e instanceof BalFormatError, `${bytesToHex(b)}: ${String(e)}`);
      refused++;
    }
  }
  assert.ok(refused >= good.length, "every truncation is refused");
});

// --- the builder -----------------------------------------------------------------------------

function at(index: number, changes: Partial<Omit<BalIndexChanges, "index">>): BalIndexChanges {
  return { index, touched: [], storageReads: [], storageWrites: [], balances: [], nonces: [], codes: [], ...changes };
}

test("builder: sorts accounts, slots, reads and indices, whatever the input order", () => {
  const bal = buildBal([
    at(2, { storageWrites: [{ address: 0xbbn, slot: 0x20n, value: 7n }], balances: [{ address: 0xaan, value: 50n }] }),
    at(0, { storageWrites: [{ address: 0xbbn, slot: 0x20n, value: 6n }, { address: 0xbbn, slot: 0x3n, value: 1n }] }),
    at(1, { storageReads: [{ address: 0xbbn, slot: 0x9n }, { address: 0xbbn, slot: 0x4n }], balances: [{ address: 0xaan, value: 60n }] }),
  ]);
  assert.deepEqual(bal, [
    account(0xaan, { balanceChanges: [{ index: 1, value: 60n }, { index: 2, value: 50n }] }),
    account(0xbbn, {
      storageChanges: [
        { slot: 0x3n, changes: [{ index: 0, value: 1n }] },
        { slot: 0x20n, changes: [{ index: 0, value: 6n }, { index: 2, value: 7n }] },
      ],
      storageReads: [0x4n, 0x9n],
    }),
  ]);
  validateBal(bal);
});

test("builder: every touched address is listed, even without changes; reads and changes count once", () => {
  const bal = buildBal([
    at(1, { touched: [0x30n, 0x10n, 0x30n], storageReads: [{ address: 0x20n, slot: 1n }, { address: 0x20n, slot: 1n }] }),
    at(2, { touched: [0x10n], storageReads: [{ address: 0x20n, slot: 1n }], nonces: [{ address: 0x10n, value: 1n }, { address: 0x10n, value: 1n }] }),
  ]);
  assert.deepEqual(bal, [account(0x10n, { nonceChanges: [{ index: 2, value: 1n }] }), account(0x20n, { storageReads: [1n] }), account(0x30n)]);
  assert.deepEqual(buildBal([]), []);
  assert.deepEqual(buildBal([at(0, {})]), []);
});

test("builder: a slot changed anywhere in the block is not a read, before or after the change", () => {
  const bal = buildBal([
    at(1, { storageReads: [{ address: A1, slot: 5n }, { address: A1, slot: 6n }] }),
    at(2, { storageWrites: [{ address: A1, slot: 5n, value: 9n }] }),
    at(3, { storageReads: [{ address: A1, slot: 5n }] }),
  ]);
  assert.deepEqual(bal, [account(A1, { storageChanges: [{ slot: 5n, changes: [{ index: 2, value: 9n }] }], storageReads: [6n] })]);
});

test("builder: a value equal to the latest earlier index's is no change (and keeps the earlier entry)", () => {
  const code = Uint8Array.of(0xef, 0x01, 0x00);
  const bal = buildBal([
    at(1, { storageWrites: [{ address: A1, slot: 1n, value: 5n }], balances: [{ address: A1, value: 100n }], codes: [{ address: A1, code }] }),
    at(2, { storageWrites: [{ address: A1, slot: 1n, value: 5n }], balances: [{ address: A1, value: 100n }], codes: [{ address: A1, code: code.slice() }] }),
    at(3, { storageWrites: [{ address: A1, slot: 1n, value: 7n }], balances: [{ address: A1, value: 90n }], codes: [{ address: A1, code: new Uint8Array() }] }),
    at(4, { storageWrites: [{ address: A1, slot: 1n, value: 5n }], balances: [{ address: A1, value: 100n }], nonces: [{ address: A1, value: 3n }] }),
    at(5, { nonces: [{ address: A1, value: 3n }] }),
  ]);
  assert.deepEqual(bal, [
    account(A1, {
      storageChanges: [{ slot: 1n, changes: [{ index: 1, value: 5n }, { index: 3, value: 7n }, { index: 4, value: 5n }] }],
      balanceChanges: [{ index: 1, value: 100n }, { index: 3, value: 90n }, { index: 4, value: 100n }],
      nonceChanges: [{ index: 4, value: 3n }],
      codeChanges: [{ index: 1, code }, { index: 3, code: new Uint8Array() }],
    }),
  ]);
});

test("builder: entries of the same index merge; identical repeats are fine, contradictions throw", () => {
  const merged = buildBal([
    at(0, { storageWrites: [{ address: 0x2935n, slot: 1n, value: 0xaan }] }),
    at(0, { storageWrites: [{ address: 0x4788n, slot: 2n, value: 0xbbn }, { address: 0x2935n, slot: 1n, value: 0xaan }] }),
  ]);
  assert.deepEqual(merged, [
    account(0x2935n, { storageChanges: [{ slot: 1n, changes: [{ index: 0, value: 0xaan }] }] }),
    account(0x4788n, { storageChanges: [{ slot: 2n, changes: [{ index: 0, value: 0xbbn }] }] }),
  ]);
  throwsBal(
    () => buildBal([at(0, { storageWrites: [{ address: A1, slot: 1n, value: 1n }] }), at(0, { storageWrites: [{ address: A1, slot: 1n, value: 2n }] })]),
    /^buildBal: index 0: storage write of 0x0{39}1 slot 0x1: two different values at index 0: 0x1 and 0x2$/,
  );
  throwsBal(() => buildBal([at(1, { balances: [{ address: A1, value: 1n }, { address: A1, value: 2n }] })]), /^buildBal: index 1: balance of 0x0{39}1: two different values at index 1: 0x1 and 0x2$/);
  throwsBal(() => buildBal([at(1, { nonces: [{ address: A1, value: 1n }, { address: A1, value: 2n }] })]), /nonce of 0x0{39}1: two different values at index 1/);
  throwsBal(() => buildBal([at(1, { codes: [{ address: A1, code: Uint8Array.of(1) }, { address: A1, code: Uint8Array.of(2) }] })]), /code of 0x0{39}1: two different values at index 1: 1 bytes and 1 bytes/);
});

test("builder: refuses indices and values that do not fit", () => {
  throwsBal(() => buildBal([at(-1, {})]), /^buildBal: block access index -1 is not a uint32$/);
  throwsBal(() => buildBal([at(2 ** 32, {})]), /block access index 4294967296 is not a uint32/);
  throwsBal(() => buildBal([at(1, { touched: [1n << 160n] })]), /^buildBal: index 1: touched: address \d+ is not a 20-byte address$/);
  throwsBal(() => buildBal([at(1, { storageReads: [{ address: A1, slot: 1n << 256n }] })]), /storage read of 0x0{39}1: slot .* out of range \(uint256\)/);
  throwsBal(() => buildBal([at(1, { storageWrites: [{ address: A1, slot: 1n, value: -1n }] })]), /storage write of 0x0{39}1 slot 0x1: value -1 is out of range/);
  throwsBal(() => buildBal([at(1, { nonces: [{ address: A1, value: 1n << 64n }] })]), /nonce of 0x0{39}1: nonce .* out of range \(uint64\)/);
  throwsBal(() => buildBal([at(1, { balances: [{ address: A1, value: 1n << 256n }] })]), /balance of 0x0{39}1: balance .* out of range \(uint256\)/);
  throwsBal(() => buildBal([at(1, { codes: [{ address: A1, code: "0x60" as unknown as Uint8Array }] })]), /code of 0x0{39}1: code is not a Uint8Array/);
});

test("builder: the list it returns does not share code arrays with its input", () => {
  const code = Uint8Array.of(1, 2, 3);
  const bal = buildBal([at(1, { codes: [{ address: A1, code }] })]);
  code[0] = 9;
  assert.deepEqual(bal[0]!.codeChanges[0]!.code, Uint8Array.of(1, 2, 3));
});
