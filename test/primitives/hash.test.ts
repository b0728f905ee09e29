import { test } from "node:test";
import assert from "node:assert/strict";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { bytesToHex } from "../../src/primitives/bytes.js";
import {
  EMPTY_TRIE_ROOT,
  EMPTY_TRIE_ROOT_WORD,
  KECCAK_EMPTY,
  KECCAK_EMPTY_WORD,
  KECCAK_RLP_EMPTY_LIST,
  KECCAK_RLP_EMPTY_LIST_WORD,
  keccak256,
  keccak256Into,
  keccak256Word,
  keccak256WordOf,
} from "../../src/primitives/hash.js";
import { INPUT_BLOCKS } from "../../src/primitives/keccakWasm.js";

test("keccak256 constants", () => {
  assert.equal(bytesToHex(KECCAK_EMPTY), "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  assert.equal(KECCAK_EMPTY_WORD, 0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470n);
  assert.equal(bytesToHex(EMPTY_TRIE_ROOT), "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");
  assert.equal(EMPTY_TRIE_ROOT_WORD, 0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421n);
  assert.equal(bytesToHex(KECCAK_RLP_EMPTY_LIST), "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347");
  assert.equal(KECCAK_RLP_EMPTY_LIST_WORD, 0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347n);
});

test("keccak256 matches @noble/hashes at every length around the 136-byte rate", () => {
  const data = new Uint8Array(700).map((_, i) => (i * 131 + 7) & 255);
  for (let len = 0; len <= 700; len++) {
    const input = data.subarray(0, len);
    assert.deepEqual(keccak256(input), keccak_256(input), `length ${len}`);
  }
});

test("keccak256Into hashes a window of the source into a window of the destination", () => {
  const src = new Uint8Array(300).map((_, i) => i & 255);
  const dst = new Uint8Array(40).fill(0xee);
  keccak256Into(src, 17, 150, dst, 5);
  assert.deepEqual(dst.subarray(5, 37), keccak_256(src.subarray(17, 167)));
  assert.deepEqual(dst.subarray(0, 5), new Uint8Array(5).fill(0xee));
  assert.deepEqual(dst.subarray(37), new Uint8Array(3).fill(0xee));
});

test("keccak256Into reads a view on shared memory (receipts are encoded into one)", () => {
  const shared = new Uint8Array(new SharedArrayBuffer(20_000)).map((_, i) => (i * 7) & 255);
  const out = new Uint8Array(32);
  for (const [start, len] of [[0, 20_000], [3, 17_000], [100, 32]] as const) {
    keccak256Into(shared, start, len, out, 0);
    assert.deepEqual(out, keccak_256(shared.slice(start, start + len)), `${start}+${len}`);
  }
});

test("keccak256Word is the hash as a canonical word", () => {
  assert.equal(keccak256Word(new TextEncoder().encode("abc")), 0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45n);
});

test("keccak256 of inputs longer than the module's input area (absorbed in several calls)", () => {
  // The area holds INPUT_BLOCKS whole blocks: lengths just below, at and above a multiple of it.
  const area = INPUT_BLOCKS * 136;
  for (const len of [area - 1, area, area + 1, 2 * area + 135, 2 * area + 136]) {
    const input = new Uint8Array(len).map((_, i) => (i * 37 + len) & 255);
    assert.deepEqual(keccak256(input), keccak_256(input), `length ${len}`);
  }
});

test("keccak256 returns its own array: a later hash does not change an earlier result", () => {
  const first = keccak256(Uint8Array.of(1, 2, 3));
  const copy = first.slice();
  keccak256(Uint8Array.of(4, 5, 6));
  assert.deepEqual(first, copy);
});

test("keccak256WordOf hashes a window of the source as a word", () => {
  const src = new Uint8Array(300).map((_, i) => (i * 11) & 255);
  const expected = BigInt(bytesToHex(keccak_256(src.subarray(40, 240))));
  assert.equal(keccak256WordOf(src, 40, 200), expected);
  assert.equal(keccak256WordOf(src, 0, 0), KECCAK_EMPTY_WORD);
});
