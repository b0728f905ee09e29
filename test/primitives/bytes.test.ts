import { test } from "node:test";
import assert from "node:assert/strict";
import {
  bigintToBytes,
  bytesEqual,
  bytesToBigint,
  bytesToHex,
  bytesToNumber,
  compareBytes,
  concatBytes,
  hexToBytes,
  numberToBytes,
  zeroBytes,
  padLeft,
} from "../../src/primitives/bytes.js";

test("hexToBytes accepts 0x-prefixed, bare, upper- and lowercase hex", () => {
  assert.deepEqual(hexToBytes("0x00ff10"), Uint8Array.of(0, 255, 16));
  assert.deepEqual(hexToBytes("00FF10"), Uint8Array.of(0, 255, 16));
  assert.deepEqual(hexToBytes("0X817F"), Uint8Array.of(0x81, 0x7f));
  assert.deepEqual(hexToBytes("0x"), new Uint8Array(0));
  assert.deepEqual(hexToBytes(""), new Uint8Array(0));
});

test("hexToBytes rejects odd lengths and non-hex characters", () => {
  assert.throws(() => hexToBytes("0x123"), /odd number of hex digits/);
  assert.throws(() => hexToBytes("abc"), /odd number of hex digits/);
  assert.throws(() => hexToBytes("0xzz"), /invalid hex character at index 2/);
  assert.throws(() => hexToBytes("0g"), /invalid hex character at index 1/);
  // Long strings take the native decoder: the same bytes, and the same errors at the same index.
  const long = Array.from({ length: 300 }, (_, i) => (i * 37 + 11) & 255);
  const longHex = long.map((b) => b.toString(16).padStart(2, "0")).join("");
  assert.deepEqual(hexToBytes("0x" + longHex), Uint8Array.from(long));
  assert.deepEqual(hexToBytes(longHex.toUpperCase()), Uint8Array.from(long));
  assert.throws(() => hexToBytes("0x" + longHex.slice(0, 401) + "z" + longHex.slice(402)), /invalid hex character at index 403/);
  assert.throws(() => hexToBytes("0x" + longHex + "0"), /odd number of hex digits/);
});

test("bytesToHex round-trips short and long inputs", () => {
  assert.equal(bytesToHex(new Uint8Array(0)), "0x");
  assert.equal(bytesToHex(Uint8Array.of(0, 1, 0xab)), "0x0001ab");
  const long = new Uint8Array(300).map((_, i) => (i * 37) & 255);
  assert.deepEqual(hexToBytes(bytesToHex(long)), long);
  const view = long.subarray(100, 200);
  assert.deepEqual(hexToBytes(bytesToHex(view)), view);
});

test("concatBytes, bytesEqual, compareBytes, padLeft", () => {
  assert.deepEqual(concatBytes(Uint8Array.of(1), new Uint8Array(0), Uint8Array.of(2, 3)), Uint8Array.of(1, 2, 3));
  assert.equal(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2)), true);
  assert.equal(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 3)), false);
  assert.equal(bytesEqual(Uint8Array.of(1), Uint8Array.of(1, 0)), false);
  assert.ok(compareBytes(Uint8Array.of(1), Uint8Array.of(1, 0)) < 0);
  assert.ok(compareBytes(Uint8Array.of(2), Uint8Array.of(1, 0)) > 0);
  assert.equal(compareBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2)), 0);
  assert.deepEqual(padLeft(Uint8Array.of(1, 2), 4), Uint8Array.of(0, 0, 1, 2));
  const same = Uint8Array.of(1, 2, 3);
  assert.equal(padLeft(same, 2), same);
});

test("minimal big-endian integers", () => {
  assert.deepEqual(bigintToBytes(0n), new Uint8Array(0));
  assert.deepEqual(bigintToBytes(1n), Uint8Array.of(1));
  assert.deepEqual(bigintToBytes(256n), Uint8Array.of(1, 0));
  assert.deepEqual(numberToBytes(0), new Uint8Array(0));
  assert.deepEqual(numberToBytes(0x1234), Uint8Array.of(0x12, 0x34));
  assert.deepEqual(numberToBytes(Number.MAX_SAFE_INTEGER), hexToBytes("1fffffffffffff"));
  assert.throws(() => bigintToBytes(-1n), /negative/);
  assert.throws(() => numberToBytes(-1), /non-negative safe integer/);
  assert.throws(() => numberToBytes(1.5), /non-negative safe integer/);
  const max = (1n << 256n) - 1n;
  assert.deepEqual(bigintToBytes(max), new Uint8Array(32).fill(255));
  for (const v of [0n, 1n, 255n, 256n, 2n ** 48n - 1n, 2n ** 48n, 2n ** 53n, 2n ** 64n + 5n, 0x0102030405060708090a0b0cn, max, 1n << 700n]) {
    const bytes = bigintToBytes(v);
    assert.equal(bytesToBigint(bytes), v);
    assert.equal(bytesToHex(bytes), v === 0n ? "0x" : "0x" + v.toString(16).padStart(bytes.length * 2, "0"));
  }
  assert.equal(bytesToBigint(Uint8Array.of(0, 0, 1)), 1n); // leading zeros are just zeros here
  assert.equal(bytesToNumber(Uint8Array.of(1, 0)), 256);
  assert.equal(bytesToNumber(hexToBytes("1fffffffffffff")), Number.MAX_SAFE_INTEGER);
  assert.throws(() => bytesToNumber(hexToBytes("20000000000000")), /exceeds 2\^53-1/);
});

test("zeroBytes counts the zero bytes of any length, offset and content", () => {
  const naive = (d: Uint8Array) => d.reduce((n, b) => n + (b === 0 ? 1 : 0), 0);
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  // Bytes that a word-at-a-time test could get wrong: 0x80 (only the high bit), 0x7f, 0x01, 0xff.
  const values = [0, 0, 0, 0x80, 0x7f, 0x01, 0xff, 0x40];
  const buffer = new Uint8Array(1200);
  for (let i = 0; i < buffer.length; i++) buffer[i] = values[Math.floor(next() * values.length)]!;
  let checked = 0;
  for (const offset of [0, 1, 2, 3, 5]) {
    for (const length of [0, 1, 3, 63, 64, 65, 66, 67, 100, 257, 1000]) {
      const data = buffer.subarray(offset, offset + length);
      assert.equal(zeroBytes(data), naive(data), `offset ${offset}, length ${length}`);
      checked++;
    }
  }
  assert.equal(checked, 55);
  assert.equal(zeroBytes(new Uint8Array(256)), 256, "all zero");
  assert.equal(zeroBytes(new Uint8Array(256).fill(0x80)), 0, "no zero, high bits only");
  assert.equal(zeroBytes(new Uint8Array(256).fill(0x01)), 0, "no zero, low bits only");
});
