// Static code facts the parallel executor relies on.
import assert from "node:assert/strict";
import { test } from "node:test";
import { blockNeedMax, blockNeedMin, canWriteOwnStorage, CodeCache, isJumpdest, measureBlock, type AnalyzedCode } from "../../src/evm/code.js";
import { opTableFor } from "../../src/evm/opcodes.js";
import { Fork, rulesFor } from "../../src/fork/forks.js";

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s/g, ""), "hex"));
const jumpdests = (a: AnalyzedCode) => Array.from(a.code, (_, pc) => (isJumpdest(a, pc) ? 1 : 0));

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
  assert.deepEqual(jumpdests(first), [0, 0, 0, 1, 0]);
  assert.equal(cache.get(7n, code), first, "the same array: the cached analysis");
  assert.equal(cache.get(7n, code.slice()), first, "equal bytes in another array: the cached analysis");
  // The same hash with other code (a pre-state whose code does not match its hash): analysed anew.
  const other = hex("6004 56 00 5b"); // PUSH1 4, JUMP, STOP, JUMPDEST
  const second = cache.get(7n, other);
  assert.notEqual(second, first);
  assert.equal(second.code, other);
  assert.deepEqual(jumpdests(second), [0, 0, 0, 0, 1]);
  assert.equal(cache.size, 1);
  // Same length, one byte apart: a PUSH1 that hides the JUMPDEST.
  const hidden = hex("6003 56 60 5b"); // PUSH1 3, JUMP, PUSH1 0x5b
  assert.deepEqual(jumpdests(cache.get(7n, hidden)), [0, 0, 0, 0, 0]);
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

// --- blocks: static gas and stack bounds charged once per block of straight-line code ---

const cancun = opTableFor(rulesFor(Fork.Cancun));

function measure(codeHex: string, start = 0, table = cancun): { gas: number; needMin: number; needMax: number } | { invalidAt: number } {
  const blocks = new Int32Array(2);
  const entry = measureBlock(blocks, 0, hex(codeHex), table, start);
  if (entry < 0) return { invalidAt: -entry - 1 };
  return { gas: entry - 1, needMin: blockNeedMin(blocks[1]!), needMax: blockNeedMax(blocks[1]!) };
}

test("measureBlock: sums static gas to the first block-ending opcode, through JUMPDESTs", () => {
  // PUSH1 1 (3), PUSH1 2 (3), ADD (3), JUMPDEST (1), POP (2), GAS (2: ends the block), STOP
  assert.deepEqual(measure("6001 6002 01 5b 50 5a 00"), { gas: 14, needMin: 0, needMax: 1022 });
  // From the JUMPDEST: POP needs one item at entry.
  // With 1024 items at entry, POP leaves 1023 and GAS may push the 1024th.
  assert.deepEqual(measure("6001 6002 01 5b 50 5a 00", 5), { gas: 5, needMin: 1, needMax: 1024 });
  // Push data is skipped: the 0x56 (JUMP) inside PUSH2 does not end the block; SSTORE (0 static gas in Cancun) does.
  assert.deepEqual(measure("615656 5f 55 00"), { gas: 5, needMin: 0, needMax: 1022 });
  // Running off the end of the code is a STOP.
  assert.deepEqual(measure("6001"), { gas: 3, needMin: 0, needMax: 1023 });
  // DUP16 needs 16 items; SWAP1 after it needs 15 at entry (the DUP pushed one).
  assert.deepEqual(measure("8f 90 00"), { gas: 6, needMin: 16, needMax: 1023 });
});

test("measureBlock: an undefined opcode in the block, and fork differences", () => {
  assert.deepEqual(measure("6001 0c 00"), { invalidAt: 2 });
  // PUSH0 is undefined before Shanghai: the block reaches it.
  assert.deepEqual(measure("6001 5f 00", 0, opTableFor(rulesFor(Fork.London))), { invalidAt: 2 });
  assert.deepEqual(measure("6001 5f 00"), { gas: 5, needMin: 0, needMax: 1022 });
  // SLOAD's static gas: 800 in Istanbul, 0 from Berlin on (EIP-2929 charges it when run).
  assert.deepEqual(measure("5f 54 00", 0, opTableFor(rulesFor(Fork.Istanbul))), { invalidAt: 0 });
  assert.deepEqual(measure("6000 54 00", 0, opTableFor(rulesFor(Fork.Istanbul))), { gas: 803, needMin: 0, needMax: 1023 });
});

test("analyzeCode: blocks start at 0, at JUMPDESTs and after each block-ending opcode", () => {
  const analyzed = new CodeCache().get(1n, hex("6003 57 5b 5a 00 60"));
  // PUSH1 3 @0, JUMPI @2, JUMPDEST @3, GAS @4, STOP @5, PUSH1 (truncated) @6
  const startsAt = Array.from(analyzed.starts, (v, pc) => (v !== 0 ? pc : -1)).filter((pc) => pc >= 0);
  assert.deepEqual(startsAt, [0, 3, 5, 6]);
  assert.equal(isJumpdest(analyzed, 3), true);
  assert.equal(isJumpdest(analyzed, 5), false);
  assert.equal(analyzed.blockCount, 5);
});
