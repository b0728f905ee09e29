// The multi-version memory's location index: every location gets one id whoever creates it first,
// the id describes the location back, and a full record array is reported (CapacityError), not
// a hang or a wrong id.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CapacityError, LocationKind, MvMemory } from "../../../src/exec/parallel/mvmemory.js";
import { Scheduler } from "../../../src/exec/parallel/scheduler.js";
import { SharedReceipts } from "../../../src/exec/parallel/receipts.js";

/** A memory with room for `locations` location records (its other regions as for a small block). */
function tinyMemory(locations: number): MvMemory {
  const sizes = { locations, indexCells: 16, entries: 1024, arenaWords: 4096, codeSlots: 16, codeBytes: 1024 };
  return new MvMemory({ words: new SharedArrayBuffer(4 * 65536), codeBytes: new SharedArrayBuffer(sizes.codeBytes), sizes, txCount: 4 });
}

test("a location keeps its id and describes itself back; accounts and storage slots are apart", () => {
  const mv = MvMemory.create(10, 30_000_000n);
  const address = (1n << 159n) + 7n;
  const balance = mv.location(LocationKind.Balance, address, 0);
  const nonce = mv.location(LocationKind.Nonce, address, 0);
  const slot = mv.location(LocationKind.Storage, address, 1n << 200n);
  const other = mv.location(LocationKind.Storage, address, 5);
  assert.equal(balance >>> 2, nonce >>> 2, "an account's fields share one record");
  assert.notEqual(slot, other);
  assert.equal(mv.location(LocationKind.Storage, address, 1n << 200n), slot);
  assert.deepEqual(mv.describe(slot), { kind: LocationKind.Storage, address, slot: 1n << 200n });
  assert.deepEqual(mv.describe(balance), { kind: LocationKind.Balance, address, slot: 0 });
});

test("more locations than records: CapacityError, and the locations made before still resolve", () => {
  const mv = tinyMemory(3);
  const ids = [1, 2, 3].map((a) => mv.location(LocationKind.Balance, a, 0));
  assert.throws(() => mv.location(LocationKind.Balance, 4, 0), CapacityError);
  assert.ok(mv.overflowed());
  // The cell the failed insert claimed was given back: looking again fails again instead of hanging.
  assert.throws(() => mv.location(LocationKind.Balance, 4, 0), CapacityError);
  assert.deepEqual([1, 2, 3].map((a) => mv.location(LocationKind.Balance, a, 0)), ids);
});

test("shared buffers: the next block reuses the last one's, and warm-up blocks keep their own", () => {
  const scheduler = Scheduler.create(100);
  const mv = MvMemory.create(100, 30_000_000n);
  const receipts = SharedReceipts.create(100, 30_000_000n);
  // A warm-up block (runBlockStmAlone) in between.
  const warm = { s: Scheduler.create(10, "warmUp"), m: MvMemory.create(10, 1_000_000n, "warmUp"), r: SharedReceipts.create(10, 1_000_000n, "warmUp") };
  assert.notEqual(warm.s.buffer, scheduler.buffer);
  assert.notEqual(warm.m.buffers.words, mv.buffers.words);
  assert.notEqual(warm.r.buffers.bytes, receipts.buffers.bytes);
  assert.equal(Scheduler.create(100).buffer, scheduler.buffer);
  assert.equal(MvMemory.create(100, 30_000_000n).buffers.words, mv.buffers.words);
  assert.equal(SharedReceipts.create(100, 30_000_000n).buffers.bytes, receipts.buffers.bytes);
  // The next warm-up block reuses the warm-up's buffers.
  assert.equal(Scheduler.create(10, "warmUp").buffer, warm.s.buffer);
  assert.equal(MvMemory.create(10, 1_000_000n, "warmUp").buffers.words, warm.m.buffers.words);
  assert.equal(SharedReceipts.create(10, 1_000_000n, "warmUp").buffers.bytes, warm.r.buffers.bytes);
});

test("shared buffers: blocks that alternate between a larger word buffer and a larger code buffer keep both", () => {
  // More transactions need more words; a higher gas limit needs more code bytes.
  const many = MvMemory.create(2_000, 29_000_000n);
  const higher = MvMemory.create(1_000, 31_000_000n);
  assert.equal(higher.buffers.words, many.buffers.words);
  assert.notEqual(higher.buffers.codeBytes, many.buffers.codeBytes);
  const again = MvMemory.create(2_000, 29_000_000n);
  assert.equal(again.buffers.words, many.buffers.words);
  assert.equal(again.buffers.codeBytes, higher.buffers.codeBytes);
  assert.equal(MvMemory.create(1_000, 31_000_000n).buffers.codeBytes, higher.buffers.codeBytes);
});

test("a first write concerns the transactions above only when one of them read the location (or its account)", () => {
  const mv = MvMemory.create(10, 30_000_000n);
  const slot = mv.location(LocationKind.Storage, 0xabc, 1);
  const balance = mv.location(LocationKind.Balance, 0xdef, 0);
  const nonce = mv.location(LocationKind.Nonce, 0xdef, 0);
  // Nobody read the slot: transaction 3's first write of it asks for no validation above.
  assert.equal(mv.record(3, 0, [slot], [5], [false], [], []), false);
  // Transaction 2 read it: transaction 1's first write must have the transactions above validated again.
  mv.noteReader(slot, 2);
  assert.equal(mv.record(1, 0, [slot], [6], [false], [], []), true);
  // A read by a lower transaction, or by the writer itself, does not count.
  mv.noteReader(slot, 0);
  assert.equal(mv.record(4, 0, [slot], [7], [false], [], []), false);
  // An account's fields share their reader: a read of its nonce above counts for its balance.
  mv.noteReader(nonce, 6);
  assert.equal(mv.record(5, 0, [balance], [8n], [false], [], []), true);
  // After an abort (its versions now estimates), the next incarnation rewriting the same location is not new.
  mv.convertWritesToEstimates(1);
  assert.equal(mv.record(1, 1, [slot], [9], [false], [], []), false);
});

test("a seeded incarnation: an execution that writes the same values keeps them; a different value is new", () => {
  const mv = MvMemory.create(10, 30_000_000n);
  const slot = mv.location(LocationKind.Storage, 0xabc, 1);
  mv.record(2, 0, [slot], [5], [false], [], []);
  assert.equal(mv.record(2, 0, [slot], [5], [false], [], []), false, "the same value");
  assert.equal(mv.read(slot, 3), 0);
  assert.equal(mv.resolved, 5);
  assert.equal(mv.record(2, 0, [slot], [6], [false], [], []), true, "another value: the readers above are validated again");
  assert.equal(mv.read(slot, 3), 0);
  assert.equal(mv.resolved, 6);
});
