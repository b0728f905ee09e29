// Static code facts the parallel executor relies on.
import assert from "node:assert/strict";
import { test } from "node:test";
import { canWriteOwnStorage, CodeCache } from "../../src/evm/code.js";

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s/g, ""), "hex"));

test("canWriteOwnStorage: SSTORE, CALLCODE and DELEGATECALL as opcodes, not as push data", () => {
  assert.equal(canWriteOwnStorage(hex("6001 5f 55 00")), true); // SSTORE
  assert.equal(canWriteOwnStorage(hex("5f5f5f5f5f5f5a f4")), true); // DELEGATECALL
  assert.equal(canWriteOwnStorage(hex("5f5f5f5f5f5f5a f2")), true); // CALLCODE
  assert.equal(canWriteOwnStorage(hex("6055 6155f4 7f" + "55".repeat(32) + "00")), false); // only inside PUSH1, PUSH2, PUSH32
  // A gas-token child: PUSH15 <owner>, CALLER, XOR, PC, JUMPI, CALLER, SELFDESTRUCT.
  assert.equal(canWriteOwnStorage(hex("6e" + "b3f879cb30fe243b4dfee438691c04" + "3318 58 57 33 ff")), false);
  assert.equal(canWriteOwnStorage(new Uint8Array(0)), false);
});

test("CodeCache: a hit needs the same code, so a hash that lies costs an analysis, never a wrong jump table", () => {
  const cache = new CodeCache();
  const code = hex("6003 56 5b 00"); // PUSH1 3, JUMP, JUMPDEST, STOP
  const first = cache.get(7n, code);
  assert.deepEqual([...first.jumpdests], [0, 0, 0, 1, 0]);
  assert.equal(cache.get(7n, code), first, "the same array: the cached analysis");
  assert.equal(cache.get(7n, code.slice()), first, "equal bytes in another array: the cached analysis");
  // The same hash with other code (a pre-state whose code does not match its hash): analysed anew.
  const other = hex("6004 56 00 5b"); // PUSH1 4, JUMP, STOP, JUMPDEST
  const second = cache.get(7n, other);
  assert.notEqual(second, first);
  assert.equal(second.code, other);
  assert.deepEqual([...second.jumpdests], [0, 0, 0, 0, 1]);
  assert.equal(cache.size, 1);
  // Same length, one byte apart: a PUSH1 that hides the JUMPDEST.
  const hidden = hex("6003 56 60 5b"); // PUSH1 3, JUMP, PUSH1 0x5b
  assert.deepEqual([...cache.get(7n, hidden).jumpdests], [0, 0, 0, 0, 0]);
});

test("CodeCache: starts over past its byte bound", () => {
  const cache = new CodeCache();
  const big = new Uint8Array(8 << 20); // 8 MiB of STOPs: four fit under the 32 MiB bound
  for (let i = 0; i < 4; i++) cache.get(BigInt(i), big.slice());
  assert.equal(cache.size, 4);
  cache.get(99n, big.slice());
  assert.equal(cache.size, 1, "the fifth pushed it past the bound: only it is kept");
  cache.clear();
  assert.equal(cache.size, 0);
});

test("CodeCache: an equal-bytes hit keeps the caller's array, so its next calls match by identity", () => {
  const cache = new CodeCache();
  const code = hex("6003 56 5b 00");
  const first = cache.get(7n, code);
  const copy = code.slice();
  assert.equal(cache.get(7n, copy), first);
  assert.equal(first.code, copy, "the analysis now holds the caller's array");
});
