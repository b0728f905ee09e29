import { test } from "node:test";
import assert from "node:assert/strict";
import { bytesToHex, hexToBytes } from "../../src/primitives/bytes.js";
import { decode, decodeBigint, decodeNumber, encode, expectBytes, expectList } from "../../src/primitives/rlp.js";

const utf8 = (s: string) => new TextEncoder().encode(s);

test("encode: strings, integers and lists", () => {
  assert.equal(bytesToHex(encode(new Uint8Array(0))), "0x80");
  assert.equal(bytesToHex(encode(Uint8Array.of(0))), "0x00");
  assert.equal(bytesToHex(encode(Uint8Array.of(0x80))), "0x8180");
  assert.equal(bytesToHex(encode(utf8("dog"))), "0x83646f67");
  assert.equal(bytesToHex(encode(0)), "0x80");
  assert.equal(bytesToHex(encode(0n)), "0x80");
  assert.equal(bytesToHex(encode(127)), "0x7f");
  assert.equal(bytesToHex(encode(128)), "0x8180");
  assert.equal(bytesToHex(encode(1000n)), "0x8203e8");
  assert.equal(bytesToHex(encode([])), "0xc0");
  assert.equal(bytesToHex(encode([utf8("zw"), [4], 1])), "0xc6827a77c10401");
  assert.equal(encode(new Uint8Array(56)).subarray(0, 2).join(","), "184,56");
  assert.throws(() => encode(-1), /non-negative/);
  assert.throws(() => encode(-1n), /negative/);
});

test("decode: round trip", () => {
  const value = [utf8("cat"), [new Uint8Array(0), Uint8Array.of(1)], new Uint8Array(100).fill(7), []];
  assert.deepEqual(decode(encode(value)), value);
  assert.deepEqual(decode(hexToBytes("0x7f")), Uint8Array.of(0x7f));
});

test("decode rejects non-canonical, truncated and trailing input", () => {
  const bad: Array<[string, RegExp]> = [
    ["", /empty input/],
    ["8100", /single byte/],
    ["817f", /single byte/],
    ["b800", /invalid RLP/], // long form for a short string
    ["b9000100", /invalid RLP/], // length with a leading zero
    ["f800", /invalid RLP/],
    ["0101", /remainder must be zero/], // trailing byte
    ["c20101ff", /remainder must be zero/],
    ["83646f", /out-of-bounds|invalid RLP/], // truncated string
    ["c3646f", /invalid RLP/], // truncated list
  ];
  for (const [hex, message] of bad) {
    assert.throws(() => decode(hexToBytes(hex)), (e: unknown) => e instanceof Error && message.test(e.message), hex);
  }
});

test("decodeBigint / decodeNumber reject leading zeros", () => {
  assert.equal(decodeBigint(new Uint8Array(0)), 0n);
  assert.equal(decodeBigint(Uint8Array.of(1, 0)), 256n);
  assert.throws(() => decodeBigint(Uint8Array.of(0)), /leading zero/);
  assert.throws(() => decodeBigint(Uint8Array.of(0, 1)), /leading zero/);
  assert.throws(() => decodeBigint(new Uint8Array(33).fill(1), 32), /exceeds 32 bytes/);
  assert.equal(decodeNumber(hexToBytes("1fffffffffffff")), Number.MAX_SAFE_INTEGER);
  assert.throws(() => decodeNumber(hexToBytes("20000000000000")), /exceeds 2\^53-1/);
});

test("expectBytes / expectList", () => {
  const item = decode(encode([Uint8Array.of(5), [Uint8Array.of(6)]]));
  const list = expectList(item, "tx", 2);
  assert.deepEqual(expectBytes(list[0]!), Uint8Array.of(5));
  assert.throws(() => expectBytes(list[1]!, "nonce"), /nonce should be a byte string/);
  assert.throws(() => expectList(list[0]!, "access list"), /access list should be a list/);
  assert.throws(() => expectList(item, "tx", 3), /tx should have 3 items, got 2/);
});
