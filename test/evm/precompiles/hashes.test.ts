// 0x02 sha256, 0x03 ripemd160, 0x04 identity: digests of standard test strings, linear prices
// per 32-byte word, out-of-gas failures.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Fork } from "../../../src/fork/forks.js";
import { call, outHex } from "./helpers.js";

const ABC = "0x616263";

test("sha256: known digests and 60 + 12 per word", () => {
  const empty = call(2, "0x");
  assert.deepEqual([empty.ok, empty.gasUsed, outHex(empty)], [true, 60, "0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"]);
  const abc = call(2, ABC);
  assert.deepEqual([abc.ok, abc.gasUsed, outHex(abc)], [true, 72, "0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"]);
  assert.equal(call(2, new Uint8Array(32)).gasUsed, 72);
  assert.equal(call(2, new Uint8Array(33)).gasUsed, 84);
  assert.equal(call(2, new Uint8Array(1024)).gasUsed, 60 + 12 * 32);
});

test("ripemd160: digest left-padded to 32 bytes, 600 + 120 per word", () => {
  const empty = call(3, "0x");
  assert.deepEqual([empty.ok, empty.gasUsed, outHex(empty)], [true, 600, "0x0000000000000000000000009c1185a5c5e9fc54612808977ee8f548b2258d31"]);
  const abc = call(3, ABC);
  assert.deepEqual([abc.ok, abc.gasUsed, outHex(abc)], [true, 720, "0x0000000000000000000000008eb208f7e05d987a9b044a8e98c6b087f15a0bfc"]);
  assert.equal(call(3, new Uint8Array(65)).gasUsed, 600 + 120 * 3);
});

test("identity: returns a copy of its input, 15 + 3 per word", () => {
  const input = new Uint8Array(40).map((_, i) => i);
  const result = call(4, input);
  assert.deepEqual([result.ok, result.gasUsed], [true, 21]);
  assert.deepEqual(result.output, input);
  input[0] = 99; // the caller may reuse its memory
  assert.equal(result.output[0], 0);
  assert.deepEqual([call(4, "0x").gasUsed, call(4, "0x").output.length], [15, 0]);
});

test("hash precompiles fail with all gas consumed one gas short of their price", () => {
  for (const [address, price] of [
    [2, 72],
    [3, 720],
    [4, 18],
  ] as const) {
    assert.deepEqual(call(address, ABC, price), { ...call(address, ABC), gasUsed: price }, `0x0${address} at its price`);
    const short = call(address, ABC, price - 1);
    assert.deepEqual([short.ok, short.gasUsed, short.output.length], [false, price - 1, 0], `0x0${address} one short`);
  }
  // The prices are the same in every fork.
  for (const fork of [Fork.Frontier, Fork.Byzantium, Fork.Berlin, Fork.Cancun]) assert.equal(call(2, ABC, 100, fork).gasUsed, 72);
});
