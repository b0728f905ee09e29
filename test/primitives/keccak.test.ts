import assert from "node:assert/strict";
import { test } from "node:test";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { keccak256 } from "../../src/primitives/keccak.js";

test("keccak256 matches @noble/hashes on every length from 0 to 600 bytes", () => {
  let seed = 12345;
  for (let len = 0; len <= 600; len++) {
    const data = new Uint8Array(len);
    for (let i = 0; i < len; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      data[i] = seed >>> 24;
    }
    assert.deepEqual(keccak256(data), keccak_256(data), `length ${len}`);
  }
});

test("keccak256 of the empty string is the well-known constant", () => {
  assert.equal(Buffer.from(keccak256(new Uint8Array(0))).toString("hex"), "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
});
