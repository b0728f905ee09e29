import { test } from "node:test";
import assert from "node:assert/strict";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { hashMemoHits, memoKeccak64, resetHashMemo } from "../../src/evm/hashMemo.js";
import { fromBytes, toBytes32 } from "../../src/primitives/word.js";
import { executeBlock } from "../../src/exec/sequential.js";
import { generateBlock } from "../../src/workload/blocks.js";

/** A memory of `count` 64-byte inputs from a seeded generator, each at an odd offset (unaligned reads). */
function inputs(count: number, seed: number): { buf: Uint8Array; view: DataView; offsets: number[] } {
  const buf = new Uint8Array(count * 64 + 8);
  let x = seed;
  for (let i = 0; i < buf.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    buf[i] = x >>> 24;
  }
  return { buf, view: new DataView(buf.buffer), offsets: Array.from({ length: count }, (_, i) => 3 + i * 64) };
}

function expected(buf: Uint8Array, off: number) {
  return fromBytes(keccak_256(buf.subarray(off, off + 64)), 0, 32);
}

test("memoKeccak64: every hash equals @noble's, first and repeated, with more inputs than entries (colliding entries)", () => {
  resetHashMemo();
  const { buf, view, offsets } = inputs(10_000, 7);
  let checked = 0;
  for (let pass = 0; pass < 2; pass++) {
    for (const off of offsets) {
      assert.equal(memoKeccak64(buf, view, off), expected(buf, off), `input at ${off}, pass ${pass}`);
      checked++;
    }
  }
  // Repeats right after the first hash: these hit the memo.
  for (const off of offsets.slice(0, 500)) {
    assert.equal(memoKeccak64(buf, view, off), expected(buf, off));
    assert.equal(memoKeccak64(buf, view, off), expected(buf, off));
    checked += 2;
  }
  assert.equal(checked, 21_000);
});

test("memoKeccak64: inputs differing in one byte, and memory rewritten in place, get their own hashes", () => {
  resetHashMemo();
  const buf = new Uint8Array(128);
  const view = new DataView(buf.buffer);
  buf.fill(0x11, 0, 64);
  const first = memoKeccak64(buf, view, 0);
  assert.equal(first, expected(buf, 0));
  for (const at of [0, 31, 32, 63]) {
    buf[at] ^= 0x80;
    assert.equal(memoKeccak64(buf, view, 0), expected(buf, 0), `byte ${at} flipped`);
    buf[at] ^= 0x80;
  }
  assert.equal(memoKeccak64(buf, view, 0), first);
});

test("resetHashMemo: nothing hashed before a reset is found after it; repeats within a generation hit", () => {
  const { buf, view, offsets } = inputs(300, 11);
  resetHashMemo();
  for (const off of offsets) memoKeccak64(buf, view, off);
  const before = hashMemoHits();
  for (const off of offsets) memoKeccak64(buf, view, off);
  const repeats = hashMemoHits() - before;
  // 300 inputs in 4,096 direct-mapped entries: about 11 pairs share one, and the later evicts the earlier.
  assert.ok(repeats >= 250, `${repeats} of 300 repeats hit the memo`);
  resetHashMemo();
  const afterReset = hashMemoHits();
  for (const off of offsets) assert.equal(memoKeccak64(buf, view, off), expected(buf, off));
  assert.equal(hashMemoHits() - afterReset, 0);
});

test("the block executor starts each block with an empty memo: a hash made before the block is not found in it", () => {
  const g = generateBlock({ workload: "erc20", txs: 50 });
  // The first sender's balance slot in the token (mapping at slot 0): keccak(sender ‖ 0), which the block hashes.
  const key = new Uint8Array(64);
  toBytes32(g.block.transactions[0]!.sender!, key, 0);
  const hitsOfBlock = (hashFirst: boolean) => {
    resetHashMemo();
    if (hashFirst) memoKeccak64(key, new DataView(key.buffer), 0);
    const start = hashMemoHits();
    executeBlock(g.block, g.preState, { blockHashes: g.blockHashes });
    return hashMemoHits() - start;
  };
  const plain = hitsOfBlock(false);
  assert.ok(plain > 0, "an ERC-20 block repeats mapping hashes within the block");
  assert.equal(hitsOfBlock(true), plain);
});
