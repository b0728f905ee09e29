// The multi-version memory's location index: every location gets one id whoever creates it first,
// the id describes the location back, and a full record array is reported (CapacityError), not
// a hang or a wrong id. Then Block-STM's multi-version semantics: version lists, ESTIMATEs,
// balance deltas, validation of read sets, and the change counter that makes a read that raced a
// writer walk again.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Worker } from "node:worker_threads";
import { ReadBlocked, validateReadSet, VersionedReader } from "../../../src/exec/parallel/incarnation.js";
import { CapacityError, LocationKind, MvMemory, ReadStatus } from "../../../src/exec/parallel/mvmemory.js";
import type { Word } from "../../../src/primitives/word.js";
import { MemoryState } from "../../../src/state/memory.js";
import { KECCAK_EMPTY_WORD } from "../../../src/state/reader.js";
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

// ---------- versions, ESTIMATEs, balance deltas, validation, and the change counter ----------
// Driven by hand on one thread (and one small two-thread test at the end). Every expected value
// below is worked out from the writes each test makes, never taken from the memory itself.

/** How a read resolved, as one value that deepEqual can compare (types included: 5 and 5n differ). */
type Resolution = { value: Word | bigint } | { base: bigint; sawDelta: boolean } | { blockedBy: number };

function resolve(mv: MvMemory, loc: number, tx: number): Resolution {
  switch (mv.read(loc, tx)) {
    case ReadStatus.Value:
      return { value: mv.resolved };
    case ReadStatus.Base:
      return { base: mv.resolved as bigint, sawDelta: mv.sawDelta };
    default:
      return { blockedBy: mv.blockingTx };
  }
}

const preState = (): Resolution => ({ base: 0n, sawDelta: false });
const credits = (sum: bigint): Resolution => ({ base: sum, sawDelta: true });

/**
 * A memory of its own (MvMemory.create hands the next block the same buffers, so two memories in
 * one test must not both come from it). The word buffer is sized generously: every per-record
 * size below is an overestimate, so that this does not depend on the exact layout.
 */
function ownMemory(txCount: number, entries = 2048, arenaWords = 1 << 16): MvMemory {
  const sizes = { locations: 256, indexCells: 512, entries, arenaWords, codeSlots: 16, codeBytes: 1024 };
  const words = 256 + sizes.indexCells + 32 * sizes.locations + 32 * sizes.entries + 8 * txCount + sizes.arenaWords + 16 * sizes.codeSlots;
  return new MvMemory({ words: new SharedArrayBuffer(4 * words), codeBytes: new SharedArrayBuffer(sizes.codeBytes), sizes, txCount });
}

/** Records an incarnation that writes absolute values and reads nothing. */
function writes(mv: MvMemory, tx: number, incarnation: number, pairs: [number, Word | bigint][]): boolean {
  return mv.record(tx, incarnation, pairs.map(([loc]) => loc), pairs.map(([, v]) => v), pairs.map(() => false), [], []);
}

/** Records an incarnation that credits `loc` by `amount` (a balance delta) and reads nothing. */
function credit(mv: MvMemory, tx: number, incarnation: number, loc: number, amount: bigint): boolean {
  return mv.record(tx, incarnation, [loc], [amount], [true], [], []);
}

const ALICE = 0xa11ce;
const COINBASE = 0xc0ffee;

test("version lists: a read by transaction i sees the highest writer below i, else the pre-state", () => {
  const mv = ownMemory(10);
  const slot = mv.location(LocationKind.Storage, ALICE, 1);
  // Recorded out of order: the list keeps itself sorted by transaction.
  writes(mv, 5, 0, [[slot, 55]]);
  writes(mv, 1, 0, [[slot, 11]]);
  writes(mv, 3, 0, [[slot, 33]]);
  const expected: Resolution[] = [
    preState(), // tx 0: nothing below
    preState(), // tx 1: its own write is not below it
    { value: 11 },
    { value: 11 },
    { value: 33 },
    { value: 33 },
    { value: 55 },
    { value: 55 },
    { value: 55 },
    { value: 55 },
  ];
  assert.deepEqual(
    expected.map((_, tx) => resolve(mv, slot, tx)),
    expected,
  );
  // Descending transaction order (dump: tx, incarnation, flag 0 = value, value).
  assert.deepEqual(mv.dump(slot), [
    [5, 0, 0, "55"],
    [3, 0, 0, "33"],
    [1, 0, 0, "11"],
  ]);
  // Other locations, even of the same account, are untouched.
  assert.deepEqual(resolve(mv, mv.location(LocationKind.Storage, ALICE, 2), 9), preState());
  assert.deepEqual(resolve(mv, mv.location(LocationKind.Balance, ALICE, 0), 9), preState());
});

test("version lists: values keep their width (numbers up to 2^53 - 1, bigints above, up to 2^256 - 1)", () => {
  const mv = ownMemory(10);
  const [a, b, c] = [1, 2, 3].map((s) => mv.location(LocationKind.Storage, ALICE, s));
  writes(mv, 0, 0, [
    [a!, 2 ** 53 - 1],
    [b!, 1n << 53n],
    [c!, (1n << 256n) - 1n],
  ]);
  assert.deepEqual(resolve(mv, a!, 1), { value: 9007199254740991 });
  assert.deepEqual(resolve(mv, b!, 1), { value: 9007199254740992n });
  assert.deepEqual(resolve(mv, c!, 1), { value: 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffn });
});

test("version lists: a re-execution's new incarnation replaces the old version", () => {
  const mv = ownMemory(10);
  const slot = mv.location(LocationKind.Storage, ALICE, 1);
  writes(mv, 1, 0, [[slot, 11]]);
  writes(mv, 3, 0, [[slot, 33]]);
  writes(mv, 3, 1, [[slot, 34]]);
  assert.deepEqual(resolve(mv, slot, 4), { value: 34 });
  assert.deepEqual(resolve(mv, slot, 9), { value: 34 });
  assert.deepEqual(resolve(mv, slot, 3), { value: 11 });
  // The write set is the last incarnation's.
  assert.equal(mv.writeSetLength(3), 1);
  assert.equal(mv.writeLocation(3, 0), slot);
  assert.equal(mv.writeValue(3, 0), 34);
  assert.equal(mv.writeIsDelta(3, 0), false);
  // The old version stays linked but retired (flag 3), behind the new one.
  assert.deepEqual(mv.dump(slot), [
    [3, 1, 0, "34"],
    [3, 0, 3, "33"],
    [1, 0, 0, "11"],
  ]);
  // And again, after an abort: the incarnation after an ESTIMATE replaces it too.
  mv.convertWritesToEstimates(3);
  writes(mv, 3, 2, [[slot, 35]]);
  assert.deepEqual(resolve(mv, slot, 4), { value: 35 });
});

test("version lists: a location the new incarnation no longer writes is removed; reads fall through to the next writer below", () => {
  const mv = ownMemory(10);
  const a = mv.location(LocationKind.Storage, ALICE, 1);
  const b = mv.location(LocationKind.Storage, ALICE, 2);
  const c = mv.location(LocationKind.Nonce, ALICE, 0);
  writes(mv, 1, 0, [[a, 11]]);
  writes(mv, 3, 0, [
    [a, 33],
    [b, 3],
    [c, 7],
  ]);
  assert.deepEqual(resolve(mv, a, 5), { value: 33 });
  // Incarnation 1 writes b only (another value) and neither a nor the nonce.
  writes(mv, 3, 1, [[b, 4]]);
  assert.deepEqual(resolve(mv, a, 5), { value: 11 }, "a falls through to transaction 1");
  assert.deepEqual(resolve(mv, b, 5), { value: 4 });
  assert.deepEqual(resolve(mv, c, 5), preState(), "the nonce falls through to the pre-state");
  assert.equal(mv.writeSetLength(3), 1);
  // Incarnation 2 writes nothing at all.
  writes(mv, 3, 2, []);
  assert.deepEqual(resolve(mv, b, 5), preState());
  assert.deepEqual(resolve(mv, a, 5), { value: 11 });
  assert.equal(mv.writeSetLength(3), 0);
});

test("ESTIMATE: a read above an aborted transaction's writes is blocked by it; reads below it are not", () => {
  const mv = ownMemory(10);
  const a = mv.location(LocationKind.Storage, ALICE, 1);
  const b = mv.location(LocationKind.Balance, ALICE, 0);
  writes(mv, 1, 0, [[a, 11]]);
  writes(mv, 3, 0, [
    [a, 33],
    [b, 300n],
  ]);
  mv.convertWritesToEstimates(3);
  assert.deepEqual(resolve(mv, a, 4), { blockedBy: 3 });
  assert.deepEqual(resolve(mv, a, 9), { blockedBy: 3 });
  assert.deepEqual(resolve(mv, b, 4), { blockedBy: 3 });
  // Transaction 3 itself and those below see what they saw before.
  assert.deepEqual(resolve(mv, a, 3), { value: 11 });
  assert.deepEqual(resolve(mv, a, 2), { value: 11 });
  assert.deepEqual(resolve(mv, a, 1), preState());
  assert.deepEqual(resolve(mv, b, 3), preState());
  // A write above the ESTIMATE hides it from the readers above that write.
  writes(mv, 6, 0, [[a, 66]]);
  assert.deepEqual(resolve(mv, a, 7), { value: 66 });
  assert.deepEqual(resolve(mv, a, 6), { blockedBy: 3 });
});

test("ESTIMATE: the reader the executor uses throws ReadBlocked naming the aborted transaction", () => {
  const mv = ownMemory(10);
  const base = new MemoryState();
  base.putAccount(ALICE, 1n, 1000n, KECCAK_EMPTY_WORD, new Map([[1, 500]]));
  writes(mv, 2, 0, [[mv.location(LocationKind.Storage, ALICE, 1), 22]]);
  const reader = new VersionedReader(mv, base);
  reader.begin(5);
  assert.equal(reader.readStorage(ALICE, 1), 22);
  mv.convertWritesToEstimates(2);
  reader.begin(5);
  assert.throws(
    () => reader.readStorage(ALICE, 1),
    (e: unknown) => e instanceof ReadBlocked && e.blockingTx === 2 && !e.barrier,
  );
  // Below the ESTIMATE the pre-state is read.
  reader.begin(2);
  assert.equal(reader.readStorage(ALICE, 1), 500);
});

test("ESTIMATE: the next incarnation's writes clear the markers, including those of locations it no longer writes", () => {
  const mv = ownMemory(10);
  const a = mv.location(LocationKind.Storage, ALICE, 1);
  const b = mv.location(LocationKind.Storage, ALICE, 2);
  writes(mv, 1, 0, [[b, 11]]);
  writes(mv, 3, 0, [
    [a, 33],
    [b, 34],
  ]);
  mv.convertWritesToEstimates(3);
  assert.deepEqual(resolve(mv, a, 5), { blockedBy: 3 });
  assert.deepEqual(resolve(mv, b, 5), { blockedBy: 3 });
  writes(mv, 3, 1, [[a, 35]]);
  assert.deepEqual(resolve(mv, a, 5), { value: 35 });
  assert.deepEqual(resolve(mv, b, 5), { value: 11 }, "b falls through to transaction 1, not blocked");
});

test("ESTIMATE: a credit converted to an ESTIMATE blocks readers of the sum; an absolute value above it shields them", () => {
  const mv = ownMemory(10);
  const balance = mv.location(LocationKind.Balance, COINBASE, 0);
  credit(mv, 1, 0, balance, 5n);
  credit(mv, 2, 0, balance, 7n);
  writes(mv, 4, 0, [[balance, 1000n]]);
  mv.convertWritesToEstimates(1);
  assert.deepEqual(resolve(mv, balance, 3), { blockedBy: 1 });
  assert.deepEqual(resolve(mv, balance, 2), { blockedBy: 1 });
  assert.deepEqual(resolve(mv, balance, 1), preState());
  assert.deepEqual(resolve(mv, balance, 5), { value: 1000 });
  // The next incarnation credits 6 instead of 5.
  credit(mv, 1, 1, balance, 6n);
  assert.deepEqual(resolve(mv, balance, 3), credits(13n));
});

test("deltas: credits from several transactions add up, only those below the reader", () => {
  const mv = ownMemory(10);
  const balance = mv.location(LocationKind.Balance, COINBASE, 0);
  credit(mv, 4, 0, balance, 11n);
  credit(mv, 0, 0, balance, 5n);
  credit(mv, 2, 0, balance, 7n);
  assert.deepEqual(resolve(mv, balance, 0), preState());
  assert.deepEqual(resolve(mv, balance, 1), credits(5n));
  assert.deepEqual(resolve(mv, balance, 2), credits(5n));
  assert.deepEqual(resolve(mv, balance, 3), credits(12n));
  assert.deepEqual(resolve(mv, balance, 4), credits(12n));
  assert.deepEqual(resolve(mv, balance, 5), credits(23n));
  assert.deepEqual(resolve(mv, balance, 9), credits(23n));
  // A re-executed credit replaces the old one (7 -> 10), it does not add to it.
  credit(mv, 2, 1, balance, 10n);
  assert.deepEqual(resolve(mv, balance, 5), credits(26n));
  assert.equal(mv.writeIsDelta(2, 0), true);
  assert.equal(mv.writeValue(2, 0), 10n);
  // The executor's reader adds the sum to the pre-state balance (2000) and records that value.
  const base = new MemoryState();
  base.putAccount(COINBASE, 0n, 2000n, KECCAK_EMPTY_WORD);
  const reader = new VersionedReader(mv, base);
  reader.begin(5);
  assert.equal(reader.readAccount(COINBASE)?.balance, 2026n);
  assert.equal(reader.readValues[reader.readLocs.indexOf(balance)], 2026n);
});

test("deltas: an absolute write by j hides the credits below j from the readers above j", () => {
  const mv = ownMemory(10);
  const balance = mv.location(LocationKind.Balance, COINBASE, 0);
  credit(mv, 1, 0, balance, 5n);
  writes(mv, 3, 0, [[balance, 100n]]);
  credit(mv, 4, 0, balance, 7n);
  credit(mv, 6, 0, balance, 11n);
  assert.deepEqual(resolve(mv, balance, 2), credits(5n));
  assert.deepEqual(resolve(mv, balance, 3), credits(5n));
  assert.deepEqual(resolve(mv, balance, 4), { value: 100 });
  assert.deepEqual(resolve(mv, balance, 5), { value: 107 });
  assert.deepEqual(resolve(mv, balance, 7), { value: 118 });
  // Values crossing 2^53 become bigints, as words do.
  writes(mv, 3, 1, [[balance, 2n ** 53n - 1n]]);
  assert.deepEqual(resolve(mv, balance, 4), { value: 9007199254740991 });
  assert.deepEqual(resolve(mv, balance, 5), { value: 9007199254740998n });
  assert.deepEqual(resolve(mv, balance, 7), { value: 9007199254741009n });
});

/** Every order of a list (for up to a handful of items). */
function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

test("deltas: credits and absolute writes recorded in any order resolve alike", () => {
  type Write = { tx: number; value: bigint; delta: boolean };
  const block: Write[] = [
    { tx: 1, value: 5n, delta: true },
    { tx: 2, value: 1000n, delta: false },
    { tx: 3, value: 7n, delta: true },
    { tx: 5, value: 2000n, delta: false },
    { tx: 6, value: 9n, delta: true },
  ];
  // By reader: 0-1 nothing; 2 the credit 5; 3 the value 1000; 4-5 1000 + 7; 6 the value 2000; 7-8 2000 + 9.
  const expected: Resolution[] = [preState(), preState(), credits(5n), { value: 1000 }, { value: 1007 }, { value: 1007 }, { value: 2000 }, { value: 2009 }, { value: 2009 }];
  const orders = permutations(block);
  assert.equal(orders.length, 120);
  for (const order of orders) {
    const mv = ownMemory(10, 512);
    const balance = mv.location(LocationKind.Balance, COINBASE, 0);
    for (const w of order) mv.record(w.tx, 0, [balance], [w.value], [w.delta], [], []);
    const got = expected.map((_, tx) => resolve(mv, balance, tx));
    assert.deepEqual(got, expected, `recorded in the order ${order.map((w) => w.tx).join(", ")}`);
  }
});

test("deltas: a long list credited out of order by two threads stays sorted, resolves, and is walked from fingers", () => {
  // A hinted run executes in critical-path order: every transaction credits the coinbase below
  // higher ones. Two memories over the same buffers stand for two threads.
  const txCount = 300;
  const first = ownMemory(txCount, 4096, 1 << 17);
  const second = new MvMemory(first.buffers);
  const balance = first.location(LocationKind.Balance, COINBASE, 0);
  const amount = (tx: number) => BigInt(tx + 1);
  // A fixed scramble of 0..txCount-1 (a multiplier coprime with txCount), then a re-execution of every tenth transaction.
  const order = Array.from({ length: txCount }, (_, k) => (k * 97 + 13) % txCount);
  order.forEach((tx, k) => credit(k % 2 === 0 ? first : second, tx, 0, balance, amount(tx)));
  for (let tx = 0; tx < txCount; tx += 10) credit(tx % 20 === 0 ? second : first, tx, 1, balance, amount(tx));
  assert.ok(first.fingeredLists() + second.fingeredLists() > 0, "a long walk made the list one with fingers");
  const dumped = first.dump(balance);
  const live = dumped.filter(([, , flag]) => flag !== 3);
  assert.deepEqual(live.map(([tx]) => tx), Array.from({ length: txCount }, (_, k) => txCount - 1 - k), "one live credit per transaction, descending");
  for (let k = 1; k < dumped.length; k++) assert.ok(dumped[k - 1]![0]! >= dumped[k]![0]!, `entry ${k} out of order`);
  for (const tx of [0, 1, 2, 150, 299, txCount]) {
    const sum = (tx * (tx + 1)) / 2; // credits 1..tx of the transactions below tx
    assert.deepEqual(resolve(second, balance, tx), tx === 0 ? preState() : credits(BigInt(sum)), `read by ${tx}`);
  }
});

// ---------- validation (validateReadSet over the read set recorded in this memory) ----------

/**
 * Transaction 2 wrote slot 1 of ALICE (22); transaction 5 read it, and slot 2, which nobody wrote
 * (the pre-state 600), through the executor's reader, and recorded its incarnation.
 */
function slotReadFixture() {
  const mv = ownMemory(10);
  const base = new MemoryState();
  base.putAccount(ALICE, 1n, 1000n, KECCAK_EMPTY_WORD, new Map([
    [1, 500],
    [2, 600],
  ]));
  const written = mv.location(LocationKind.Storage, ALICE, 1);
  const unwritten = mv.location(LocationKind.Storage, ALICE, 2);
  writes(mv, 2, 0, [[written, 22]]);
  const reader = new VersionedReader(mv, base);
  reader.begin(5);
  assert.equal(reader.readStorage(ALICE, 1), 22);
  assert.equal(reader.readStorage(ALICE, 2), 600);
  mv.record(5, 0, [], [], [], reader.readLocs, reader.readValues);
  // The pre-state read is kept as ~location (no value: validation checks that nothing appeared below).
  assert.equal(mv.readSetLength(5), 2);
  assert.equal(mv.readSetLocation(5, 0), written);
  assert.equal(mv.readSetLocation(5, 1), ~unwritten);
  assert.ok(mv.readSetValueEquals(5, 0, 22));
  const valid = () => validateReadSet(reader, 5, (loc) => mv.describe(loc));
  assert.equal(valid(), true, "valid as recorded");
  return { mv, written, unwritten, valid };
}

test("validation: a read set stays valid while nothing below it changes", () => {
  const { mv, written, unwritten, valid } = slotReadFixture();
  writes(mv, 6, 0, [
    [written, 66],
    [unwritten, 67],
  ]);
  writes(mv, 5, 1, [[written, 55]]); // (its own next write set: not below it)
  mv.convertWritesToEstimates(7);
  writes(mv, 8, 0, [[unwritten, 88]]);
  mv.convertWritesToEstimates(8);
  writes(mv, 1, 0, [[mv.location(LocationKind.Storage, ALICE, 3), 13]]); // another location below
  assert.equal(valid(), true);
});

test("validation: a lower transaction writing another value of a location read invalidates it", () => {
  const f = slotReadFixture();
  writes(f.mv, 3, 0, [[f.written, 33]]);
  assert.equal(f.valid(), false, "a new writer between 2 and 5");
  const g = slotReadFixture();
  writes(g.mv, 2, 1, [[g.written, 23]]);
  assert.equal(g.valid(), false, "the writer's next incarnation, another value");
  const h = slotReadFixture();
  writes(h.mv, 1, 0, [[h.unwritten, 601]]);
  assert.equal(h.valid(), false, "a pre-state read now finds a version below");
  const k = slotReadFixture();
  writes(k.mv, 2, 1, []);
  assert.equal(k.valid(), false, "the version read was removed: the pre-state (500) shows through");
});

test("validation compares values: a new version below that holds the value read keeps the read set valid", () => {
  const f = slotReadFixture();
  writes(f.mv, 2, 1, [[f.written, 22]]);
  assert.equal(f.valid(), true, "the writer's next incarnation writes 22 again");
  const g = slotReadFixture();
  writes(g.mv, 4, 0, [
    [g.written, 22],
    [g.unwritten, 600],
  ]);
  assert.equal(g.valid(), true, "another writer below, writing the values read");
});

test("validation: an ESTIMATE below a read invalidates it", () => {
  const f = slotReadFixture();
  f.mv.convertWritesToEstimates(2);
  assert.equal(f.valid(), false);
  const g = slotReadFixture();
  writes(g.mv, 1, 0, [[g.unwritten, 601]]);
  g.mv.convertWritesToEstimates(1);
  assert.equal(g.valid(), false, "an ESTIMATE under a pre-state read");
});

/**
 * The coinbase (pre-state balance 2000) credited 5 by transaction 1 and 7 by transaction 3; BOB
 * (pre-state balance 300) credited by nobody. Transaction 5 read both accounts.
 */
function balanceReadFixture() {
  const BOB = 0xb0b;
  const mv = ownMemory(10);
  const base = new MemoryState();
  base.putAccount(COINBASE, 0n, 2000n, KECCAK_EMPTY_WORD);
  base.putAccount(BOB, 0n, 300n, KECCAK_EMPTY_WORD);
  const coinbase = mv.location(LocationKind.Balance, COINBASE, 0);
  const bob = mv.location(LocationKind.Balance, BOB, 0);
  credit(mv, 1, 0, coinbase, 5n);
  credit(mv, 3, 0, coinbase, 7n);
  const reader = new VersionedReader(mv, base);
  reader.begin(5);
  assert.equal(reader.readAccount(COINBASE)?.balance, 2012n);
  assert.equal(reader.readAccount(BOB)?.balance, 300n);
  mv.record(5, 0, [], [], [], reader.readLocs, reader.readValues);
  const valid = () => validateReadSet(reader, 5, (loc) => mv.describe(loc));
  assert.equal(valid(), true, "valid as recorded");
  return { mv, coinbase, bob, valid };
}

test("validation: a credit added below a read of the sum invalidates it; one above does not", () => {
  const f = balanceReadFixture();
  credit(f.mv, 6, 0, f.coinbase, 11n);
  credit(f.mv, 7, 0, f.bob, 11n);
  assert.equal(f.valid(), true, "credits above the reader");
  const g = balanceReadFixture();
  credit(g.mv, 4, 0, g.coinbase, 11n);
  assert.equal(g.valid(), false, "a credit between the last one read and the reader");
  const h = balanceReadFixture();
  credit(h.mv, 0, 0, h.coinbase, 1n);
  assert.equal(h.valid(), false, "a credit below all of them");
  const k = balanceReadFixture();
  credit(k.mv, 2, 0, k.bob, 1n);
  assert.equal(k.valid(), false, "a credit below a plain pre-state read of a balance");
});

test("validation: a credit's re-execution invalidates a read of the sum only when the amount changes", () => {
  const f = balanceReadFixture();
  credit(f.mv, 3, 1, f.coinbase, 7n);
  assert.equal(f.valid(), true, "the same amount");
  const g = balanceReadFixture();
  credit(g.mv, 3, 1, g.coinbase, 8n);
  assert.equal(g.valid(), false, "another amount");
  const h = balanceReadFixture();
  h.mv.record(3, 1, [], [], [], [], []);
  assert.equal(h.valid(), false, "the credit is gone");
  const k = balanceReadFixture();
  k.mv.convertWritesToEstimates(1);
  assert.equal(k.valid(), false, "a credit read became an ESTIMATE");
  const m = balanceReadFixture();
  writes(m.mv, 4, 0, [[m.coinbase, 2012n]]);
  assert.equal(m.valid(), true, "an absolute write below that holds the sum read");
  const n = balanceReadFixture();
  writes(n.mv, 2, 0, [[n.coinbase, 2000n]]);
  assert.equal(n.valid(), false, "an absolute write under the credit of transaction 3: 2007, not 2012");
});

// ---------- the change counter: a read that races a change is done again ----------

type ReadOnce = (loc: number, tx: number) => ReadStatus;

/**
 * Runs `between(call)` after each walk of the version list inside `mv.read` (readOnce: between the
 * change counter's two loads), which is where a concurrent writer can slip in. Returns the count
 * of walks. The hook is on this instance only; writers use another instance over the same buffers.
 */
function betweenCounterLoads(mv: MvMemory, between: (call: number) => void): { walks: number } {
  const counter = { walks: 0 };
  const original = (Object.getPrototypeOf(mv) as { readOnce: ReadOnce }).readOnce;
  (mv as unknown as { readOnce: ReadOnce }).readOnce = function (this: MvMemory, loc: number, tx: number) {
    const status = original.call(this, loc, tx);
    between(++counter.walks);
    return status;
  };
  return counter;
}

/** A reader and a writer, each with its own MvMemory over the same shared buffers (as two workers). */
function readerAndWriter() {
  const writer = ownMemory(10);
  const reader = new MvMemory(writer.buffers);
  return { writer, reader };
}

test("change counter: a new version published during a read makes it walk again and return the new value", () => {
  const { writer, reader } = readerAndWriter();
  const slot = writer.location(LocationKind.Storage, ALICE, 1);
  writes(writer, 1, 0, [[slot, 11]]);
  const hook = betweenCounterLoads(reader, (walk) => {
    if (walk === 1) writes(writer, 3, 0, [[slot, 33]]);
  });
  assert.deepEqual(resolve(reader, slot, 5), { value: 33 });
  assert.equal(hook.walks, 2);
});

test("change counter: an ESTIMATE set during a read makes it report the block", () => {
  const { writer, reader } = readerAndWriter();
  const slot = writer.location(LocationKind.Storage, ALICE, 1);
  writes(writer, 3, 0, [[slot, 33]]);
  const hook = betweenCounterLoads(reader, (walk) => {
    if (walk === 1) writer.convertWritesToEstimates(3);
  });
  assert.deepEqual(resolve(reader, slot, 5), { blockedBy: 3 });
  assert.equal(hook.walks, 2);
});

test("change counter: a version retired during a read (next incarnation, location dropped) makes it fall through", () => {
  const { writer, reader } = readerAndWriter();
  const slot = writer.location(LocationKind.Storage, ALICE, 1);
  writes(writer, 1, 0, [[slot, 11]]);
  writes(writer, 3, 0, [[slot, 33]]);
  const hook = betweenCounterLoads(reader, (walk) => {
    if (walk === 1) writes(writer, 3, 1, []);
  });
  assert.deepEqual(resolve(reader, slot, 5), { value: 11 });
  assert.equal(hook.walks, 2);
});

test("change counter: a credit added below during a read of the sum is counted in", () => {
  const { writer, reader } = readerAndWriter();
  const balance = writer.location(LocationKind.Balance, COINBASE, 0);
  credit(writer, 1, 0, balance, 5n);
  const hook = betweenCounterLoads(reader, (walk) => {
    if (walk === 1) credit(writer, 2, 0, balance, 7n);
    if (walk === 2) credit(writer, 3, 0, balance, 11n); // and again: it walks until nothing changed
  });
  assert.deepEqual(resolve(reader, balance, 5), credits(23n));
  assert.equal(hook.walks, 3);
});

test("change counter: each location has its own: a change elsewhere, even to the same account's other fields, is no retry", () => {
  const { writer, reader } = readerAndWriter();
  const balance = writer.location(LocationKind.Balance, ALICE, 0);
  const nonce = writer.location(LocationKind.Nonce, ALICE, 0);
  const codeHash = writer.location(LocationKind.CodeHash, ALICE, 0);
  const slot = writer.location(LocationKind.Storage, ALICE, 1);
  writes(writer, 1, 0, [[balance, 100n]]);
  const others: [number, Word | bigint][] = [
    [nonce, 1],
    [codeHash, 0x1234],
    [slot, 9],
    [writer.location(LocationKind.Balance, COINBASE, 0), 1n],
  ];
  const hook = betweenCounterLoads(reader, (walk) => {
    if (walk === 1) writes(writer, 2, 0, others);
  });
  assert.deepEqual(resolve(reader, balance, 5), { value: 100 });
  assert.equal(hook.walks, 1);
  // Those writes did land.
  assert.deepEqual(resolve(reader, nonce, 5), { value: 1 });
  assert.deepEqual(resolve(reader, codeHash, 5), { value: 0x1234 });
  assert.deepEqual(resolve(reader, slot, 5), { value: 9 });
});

/**
 * Runs `between()` inside `mv.record`, right after each new version is linked in: before its
 * change is counted and before the previous incarnation's versions are retired.
 */
function afterEachInsert(mv: MvMemory, between: () => void): void {
  type Insert = (loc: number, e: number, tx: number) => void;
  const original = (Object.getPrototypeOf(mv) as { insertVersion: Insert }).insertVersion;
  (mv as unknown as { insertVersion: Insert }).insertVersion = function (this: MvMemory, loc: number, e: number, tx: number) {
    original.call(this, loc, e, tx);
    between();
  };
}

test("a read while a new incarnation is half recorded (new version linked, old one not yet retired) sees only the new one", () => {
  const { writer, reader } = readerAndWriter();
  const balance = writer.location(LocationKind.Balance, COINBASE, 0);
  writes(writer, 1, 0, [[balance, 1000n]]);
  writes(writer, 2, 0, [[balance, 100n]]);
  const seen: Resolution[] = [];
  afterEachInsert(writer, () => seen.push(resolve(reader, balance, 5)));
  // A value replaced by a credit: 1000 + 5, never 100 (the old value) nor 105 (both incarnations).
  credit(writer, 2, 1, balance, 5n);
  // A credit replaced by a credit: 1000 + 6, never 1011.
  credit(writer, 2, 2, balance, 6n);
  // An ESTIMATE replaced by a value: the value, not a block.
  writer.convertWritesToEstimates(2);
  writes(writer, 2, 3, [[balance, 200n]]);
  assert.deepEqual(seen, [{ value: 1005 }, { value: 1006 }, { value: 200 }]);
});

test("two threads: reads racing one writer's incarnations only ever see a state that was written", async (t) => {
  // The worker, as transaction 2, cycles through incarnations k = 1, 2, ...: k % 3 == 1 credits k,
  // k % 3 == 2 turns that credit into an ESTIMATE, k % 3 == 0 writes the value whose eight 32-bit
  // limbs all equal k. Transaction 0 wrote 1,000,000 underneath. Transaction 5 reads meanwhile: it
  // may see 1,000,000 + a credit (k % 3 == 1), a whole pattern value (k % 3 == 0), or transaction
  // 2's block; a torn value, or a mix of two incarnations, is none of these.
  const mv = ownMemory(10, 1 << 16, 1 << 17);
  const balance = mv.location(LocationKind.Balance, COINBASE, 0);
  writes(mv, 0, 0, [[balance, 1_000_000n]]);
  credit(mv, 2, 0, balance, 1n);
  // [0] stop, [1] incarnations written (set when done), [2] started
  const control = new Int32Array(new SharedArrayBuffer(12));
  const source = `
    const { workerData } = require("node:worker_threads");
    import(workerData.module).then(({ MvMemory }) => {
      const mv = new MvMemory(workerData.buffers);
      const control = workerData.control;
      const pattern = (k) => { let v = 0n; for (let i = 0n; i < 8n; i++) v |= BigInt(k) << (32n * i); return v; };
      Atomics.store(control, 2, 1);
      Atomics.notify(control, 2);
      let k = 1;
      for (; k <= workerData.incarnations && Atomics.load(control, 0) === 0; k++) {
        if (k % 3 === 1) mv.record(2, k, [workerData.loc], [BigInt(k)], [true], [], []);
        else if (k % 3 === 2) mv.convertWritesToEstimates(2);
        else mv.record(2, k, [workerData.loc], [pattern(k)], [false], [], []);
      }
      Atomics.store(control, 1, k - 1);
    });`;
  const module = new URL("../../../src/exec/parallel/mvmemory.js", import.meta.url).href;
  const worker = new Worker(source, { eval: true, workerData: { module, buffers: mv.buffers, control, loc: balance, incarnations: 90_000 } });
  const exited = new Promise<number>((resolveExit, reject) => {
    worker.once("error", reject);
    worker.once("exit", resolveExit);
  });
  const wrong: string[] = [];
  const kinds = { credit: 0, value: 0, blocked: 0 };
  let reads = 0;
  try {
    Atomics.wait(control, 2, 0, 10_000); // (module loading is not part of the race)
    const deadline = Date.now() + 1000;
    while (Atomics.load(control, 1) === 0 && Date.now() < deadline) {
      reads++;
      const r = resolve(mv, balance, 5);
      if ("blockedBy" in r && r.blockedBy === 2) kinds.blocked++;
      else if ("value" in r && typeof r.value === "number" && r.value > 1_000_000 && (r.value - 1_000_000) % 3 === 1) kinds.credit++;
      else if ("value" in r && typeof r.value === "bigint" && isPattern(r.value)) kinds.value++;
      else if (wrong.length < 5) wrong.push(JSON.stringify(r, (_, v) => (typeof v === "bigint" ? `0x${v.toString(16)}` : v)));
    }
  } finally {
    Atomics.store(control, 0, 1);
  }
  assert.equal(await exited, 0);
  t.diagnostic(`${reads} reads of ${Atomics.load(control, 1)} incarnations: ${kinds.credit} credits, ${kinds.value} values, ${kinds.blocked} blocked`);
  assert.deepEqual(wrong, []);
  assert.ok(reads > 0 && Atomics.load(control, 1) > 0, `reads ${reads}, incarnations ${Atomics.load(control, 1)}`);
  // After the writer stopped, the state is the last incarnation's, worked out from its number.
  const last = Atomics.load(control, 1);
  const expected: Resolution = last % 3 === 1 ? { value: 1_000_000 + last } : last % 3 === 2 ? { blockedBy: 2 } : { value: patternOf(last) };
  assert.deepEqual(resolve(mv, balance, 5), expected);
});

/** The 256-bit value whose eight 32-bit limbs all equal k. */
function patternOf(k: number): bigint {
  let v = 0n;
  for (let i = 0n; i < 8n; i++) v |= BigInt(k) << (32n * i);
  return v;
}

/** Whether v is patternOf(k) for some k > 0 with k % 3 == 0. */
function isPattern(v: bigint): boolean {
  const k = Number(v & 0xffffffffn);
  return k > 0 && k % 3 === 0 && v === patternOf(k);
}
