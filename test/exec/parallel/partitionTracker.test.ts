// The check and merge of a partitioned run's threads (src/exec/parallel/partitionTracker.ts), on
// hand-made marks: what each thread read and wrote, with the values it left.
import assert from "node:assert/strict";
import { test } from "node:test";
import { applyDelta, decodeMarks, encodeDelta, encodeMarks, mergeThreads, NO_READ, NO_WRITE, PartitionTracker, threadMarks, type AccountMarks, type ThreadMarks } from "../../../src/exec/parallel/partitionTracker.js";
import { KECCAK_EMPTY_WORD } from "../../../src/state/reader.js";
import { MemoryState } from "../../../src/state/memory.js";
import { WorldState } from "../../../src/state/world.js";

const ALICE = 0xa11ce;
const BOB = 0xb0b;
const BIG_ADDRESS = 0xffeeddccbbaa99887766554433221100ffeeddccn;
const HASH = 0x1234n << 200n;

function marks(address: AccountMarks["address"], fields: Partial<AccountMarks>): AccountMarks {
  return { address, fieldsRead: NO_READ, balanceRead: NO_READ, nonceWrite: NO_WRITE, codeWrite: NO_WRITE, balanceWrite: NO_WRITE, creditWrite: NO_WRITE, exists: true, nonce: 0n, balance: 0n, codeHash: KECCAK_EMPTY_WORD, slots: [], ...fields };
}

function thread(...accounts: AccountMarks[]): ThreadMarks {
  return { accounts, codes: new Map() };
}

/** A world over a pre-state with ALICE (balance 100, nonce 1, slot 7 = 70) and BOB (balance 5). */
function world(): WorldState {
  const pre = new MemoryState();
  pre.putAccount(ALICE, 1n, 100n, KECCAK_EMPTY_WORD, new Map([[7, 70]]));
  pre.putAccount(BOB, 0n, 5n, KECCAK_EMPTY_WORD);
  return new WorldState(pre);
}

test("credits to one balance from several threads add up", () => {
  const w = world();
  // The main thread (index 1) credited BOB 3 in its world already; the worker credited 4.
  w.commitBalance(w.account(BOB), 3n, true);
  const conflict = mergeThreads(w, [thread(marks(BOB, { creditWrite: 2, balance: 4n })), thread(marks(BOB, { creditWrite: 5, balance: 3n }))], 1);
  assert.equal(conflict, null);
  assert.equal(w.account(BOB).balance, 12n);
});

test("a worker's absolute balance gets the other threads' credits on top", () => {
  const w = world();
  w.commitBalance(w.account(BOB), 3n, true); // the main thread's credit
  const worker = marks(BOB, { fieldsRead: 1, balanceRead: 1, balanceWrite: 1, nonceWrite: 1, nonce: 1n, balance: 50n });
  assert.equal(mergeThreads(w, [thread(worker), thread(marks(BOB, { creditWrite: 4, balance: 3n }))], 1), null);
  assert.equal(w.account(BOB).balance, 53n);
  assert.equal(w.account(BOB).nonce, 1n);
});

test("a read at a transaction above another thread's write is a conflict, one below it is not", () => {
  const writer = thread(marks(ALICE, { slots: [7, 3, 3, 71] }));
  const lateReader = thread(marks(ALICE, { fieldsRead: 9, slots: [7, 9, NO_WRITE, 0] }));
  const conflict = mergeThreads(world(), [writer, lateReader], 1);
  assert.match(conflict ?? "", /storage of 0x0+a11ce: slot 0x7: transaction 9 read it after transaction 3 wrote it on another thread/);
  const w = world();
  const earlyReader = thread(marks(ALICE, { fieldsRead: 2, slots: [7, 2, NO_WRITE, 0] }));
  assert.equal(mergeThreads(w, [writer, earlyReader], 1), null);
  assert.equal(w.getStorage(ALICE, 7), 71);
});

test("a balance read after another thread's credit is a conflict", () => {
  const conflict = mergeThreads(world(), [thread(marks(BOB, { creditWrite: 4, balance: 1n })), thread(marks(BOB, { fieldsRead: 6, balanceRead: 6 }))], 1);
  assert.match(conflict ?? "", /the balance of 0x0+b0b: transaction 6 read it after transaction 4 wrote it/);
});

test("two threads that write one location conflict, whatever the order", () => {
  assert.match(mergeThreads(world(), [thread(marks(ALICE, { slots: [7, NO_READ, 8, 1] })), thread(marks(ALICE, { slots: [7, NO_READ, 2, 2] }))], 1) ?? "", /transactions 8 and 2 wrote it on different threads/);
  assert.match(mergeThreads(world(), [thread(marks(BOB, { nonceWrite: 1, nonce: 1n })), thread(marks(BOB, { codeWrite: 3, codeHash: HASH }))], 1) ?? "", /nonce or code.*wrote it on different threads/);
  assert.match(mergeThreads(world(), [thread(marks(BOB, { balanceWrite: 1, balance: 9n })), thread(marks(BOB, { balanceWrite: 3, balance: 8n }))], 1) ?? "", /balance.*wrote it on different threads/);
});

test("an account a worker deleted is deleted; deleted by one thread and changed by another is a conflict", () => {
  const w = world();
  assert.equal(mergeThreads(w, [thread(marks(ALICE, { fieldsRead: 0, balanceRead: 0, balanceWrite: 0, nonceWrite: 0, exists: false })), thread()], 1), null);
  assert.equal(w.account(ALICE).exists, false);
  const conflict = mergeThreads(world(), [thread(marks(ALICE, { fieldsRead: 0, balanceRead: 0, balanceWrite: 0, exists: false })), thread(marks(ALICE, { creditWrite: 5, balance: 1n }))], 1);
  assert.match(conflict ?? "", /the account of 0x0+a11ce: one thread deleted it and another changed it/);
});

test("a conflict leaves the world as it was", () => {
  const w = world();
  const conflict = mergeThreads(w, [thread(marks(BOB, { creditWrite: 1, balance: 7n }), marks(ALICE, { slots: [7, NO_READ, 1, 1] })), thread(marks(ALICE, { slots: [7, 4, NO_WRITE, 0] }))], 1);
  assert.notEqual(conflict, null);
  assert.equal(w.account(BOB).balance, 5n);
  assert.equal(w.getStorage(ALICE, 7), 70);
});

test("marks survive packing, words small and large", () => {
  const pre = new MemoryState();
  pre.putAccount(BIG_ADDRESS, 0n, 1n << 200n, KECCAK_EMPTY_WORD, new Map([[5, 1]]));
  pre.putAccount(ALICE, 0n, 1n, KECCAK_EMPTY_WORD);
  const w = new WorldState(pre);
  const tracker = new PartitionTracker(w);
  tracker.begin(3, -1);
  w.getStorage(BIG_ADDRESS, 5);
  w.storeSlot(BIG_ADDRESS, 1n << 255n, 2n ** 160n + 1n);
  w.setNonce(BIG_ADDRESS, 1n);
  w.setCode(BIG_ADDRESS, Uint8Array.of(0x60, 0x00));
  w.payFee(BOB, 17n);
  tracker.commit();
  tracker.begin(4, -1);
  w.addBalance(BIG_ADDRESS, 1n);
  w.setBalance(ALICE, 0n);
  tracker.commit();
  tracker.finish();
  const marks = threadMarks(tracker);
  assert.equal(marks.accounts.length, 3);
  assert.equal(marks.codes.size, 1);
  assert.deepEqual(decodeMarks(encodeMarks(tracker)), marks);
});

test("a segment's changes reach another thread's world", () => {
  const main = world();
  // The segment: ALICE's slot 7 written and her nonce bumped, BOB credited, a new account created with code.
  main.commitStorage(main.account(ALICE), 7, 99);
  main.commitNonce(main.account(ALICE), 2n);
  main.commitBalance(main.account(BOB), 10n, true);
  main.commitCode(main.account(0xc0de), HASH, Uint8Array.of(0x00));
  const parts = [thread(marks(ALICE, { nonceWrite: 0, slots: [7, NO_READ, 0, 99] }), marks(BOB, { creditWrite: 1, balance: 10n })), { accounts: [marks(0xc0de, { codeWrite: 2, codeHash: HASH })], codes: new Map([[HASH, Uint8Array.of(0x00)]]) }];
  const other = world();
  other.getStorage(ALICE, 7); // loaded before: the delta must replace it
  applyDelta(other, encodeDelta(main, parts));
  assert.equal(other.getStorage(ALICE, 7), 99);
  assert.equal(other.account(ALICE).nonce, 2n);
  assert.equal(other.account(ALICE).balance, 100n);
  assert.equal(other.account(BOB).balance, 15n);
  assert.equal(other.account(0xc0de).codeHash, HASH);
  assert.deepEqual(other.account(0xc0de).code, Uint8Array.of(0x00));
});

test("the tracker notes each location's last read and first write, and credits apart from absolute writes", () => {
  const w = world();
  const tracker = new PartitionTracker(w);
  tracker.begin(3, -1);
  w.getStorage(ALICE, 7); // read at 3
  w.payFee(BOB, 2n); // BOB only credited: not read
  tracker.commit();
  tracker.begin(5, -1);
  w.storeSlot(ALICE, 7, 71); // read and written at 5
  w.getStorage(ALICE, 8); // read at 5
  w.payFee(BOB, 4n);
  tracker.commit();
  tracker.begin(8, -1);
  w.storeSlot(ALICE, 7, 72); // read and written again at 8: its first write stays 5
  w.setNonce(ALICE, 2n); // written at 8
  tracker.commit();
  tracker.finish();
  const marks = threadMarks(tracker).accounts;
  const alice = marks.find((a) => a.address === ALICE)!;
  const bob = marks.find((a) => a.address === BOB)!;
  assert.deepEqual(alice.slots, [7, 8, 5, 72, 8, 5, NO_WRITE, 0]);
  assert.deepEqual([alice.fieldsRead, alice.nonceWrite, alice.nonce, alice.balanceWrite], [8, 8, 2n, NO_WRITE]);
  assert.deepEqual([bob.balanceRead, bob.creditWrite, bob.balanceWrite, bob.balance], [NO_READ, 3, NO_WRITE, 6n]);
  tracker.release();
  assert.equal(w.account(ALICE).observerData, null);
});
