// What one thread of a partitioned run (executor.ts, runPartitioned) did to each location, and
// the check and merge of all threads' runs. Each thread runs its own transactions in block order
// on a world of its own over the same state; the threads' runs add up to the block's exactly when
// no thread read a location at a transaction above one where another thread wrote it, and no two
// threads wrote the same location, but for credits to a balance (the fee recipient's fees, value
// sent to an account without code), which add up. The tracker keeps, per location, the last
// transaction that read it and the first that wrote it: a few numbers per location, where an
// execution record keeps every read and write.
import { applyTransaction, InvalidTransactionError, type TxResult } from "../../evm/processor.js";
import type { Evm } from "../../evm/interpreter.js";
import type { Transaction } from "../../tx/types.js";
import { lazyTransferRecipient } from "../recording.js";
import { KECCAK_EMPTY_WORD } from "../../state/reader.js";
import { PhaseAccount, PhaseObserver, SlotStart } from "../phaseAccess.js";
import { Reader, Writer } from "./resultCodec.js";
import type { AccountState, WorldState } from "../../state/world.js";
import type { Word } from "../../primitives/word.js";

/** No transaction (a read index below every write index). */
export const NO_READ = -1;
/** No write (a write index above every read index). */
export const NO_WRITE = 0x7fffffff;
const NONE = NO_READ;
const NEVER = NO_WRITE;

/** A storage slot's last read and first write in the thread's run: its entry for the tracker's run (PhaseAccount.newSlotStart). */
class SlotMark extends SlotStart {
  read = NONE;
  write = NEVER;
}

/** What the tracker keeps of an account (its `observerData`). */
class AccountMark extends PhaseAccount {
  /** The last transaction that read the nonce and code, and the balance. */
  fieldsRead = NONE;
  balanceRead = NONE;
  /** The first transaction that wrote the nonce, the code, the balance (an absolute value), or credited the balance. */
  nonceWrite = NEVER;
  codeWrite = NEVER;
  balanceWrite = NEVER;
  creditWrite = NEVER;
  /** Credits to the balance since the last absolute write (the balance's change, when it is never written absolutely). */
  credits = 0n;
  protected override newSlotStart(slot: Word): SlotMark {
    return new SlotMark(slot);
  }

  /** The slots the thread's transactions accessed, in the order of first access. */
  slotMarks(): readonly SlotMark[] {
    return this.slotEntries() as readonly SlotMark[];
  }
}

/** A thread's tracker: observes its world for the transactions it runs, one `begin`/`commit` each. */
export class PartitionTracker extends PhaseObserver {
  /** Every account the thread's transactions accessed, in the order of their first access. */
  readonly marked: AccountState[] = [];
  /** Why the thread's run cannot be merged (a change the tracker cannot express), or null. */
  failure: string | null = null;
  private tx = NONE;

  /** Starts transaction `tx`, whose code-less transfer recipient (recording.ts, lazyTransferRecipient) is `lazyCandidate`, or -1. */
  begin(tx: number, lazyCandidate: Word): void {
    this.tx = tx;
    this.beginPhase(lazyCandidate);
  }

  accountAccessed(account: AccountState): void {
    let mark = account.observerData as AccountMark | null;
    if (mark === null) {
      account.observerData = mark = new AccountMark();
      this.marked.push(account);
    }
    mark.fieldsRead = this.tx;
    if (this.noteAccount(account, mark)) mark.balanceRead = this.tx;
  }

  slotAccessed(account: AccountState, slot: Word, value: Word): void {
    const mark = account.observerData as AccountMark;
    const slotMark = mark.firstSlotAccess(this.phase, slot, value) as SlotMark | null;
    if (slotMark !== null) slotMark.read = this.tx;
  }

  /** Ends the running transaction: notes what it changed. */
  commit(): void {
    const tx = this.tx;
    const change = this.startChanges();
    for (let a = 0; a < this.accessedCount; a++) {
      const account = this.accessed[a]!;
      const mark = account.observerData as AccountMark;
      change.of(account, mark, this.phase, this.lazyCredited);
      const { beforeCode } = change;
      if (change.creditOnly) {
        if (change.balance !== change.beforeBalance) this.credit(mark, tx, change.balance - change.beforeBalance);
        continue;
      }
      if (change.nonce !== change.beforeNonce && mark.nonceWrite === NEVER) mark.nonceWrite = tx;
      if (change.balance !== change.beforeBalance || (!account.exists && mark.startExists)) {
        if (mark.balanceWrite === NEVER) mark.balanceWrite = tx;
        mark.credits = 0n;
      }
      if (change.codeHash !== beforeCode) {
        if (mark.codeWrite === NEVER) mark.codeWrite = tx;
        this.noteCode(account);
      }
      const cleared = account.storageEpoch !== mark.startStorageEpoch;
      if (this.failure === null && this.lostStorage(account, mark, beforeCode)) {
        // A contract's storage went with it (SELFDESTRUCT before Cancun): its slots are not writes one by one.
        this.failure = `transaction ${tx} cleared the storage of a contract that existed before it`;
      }
      for (let k = 0; k < change.slots; k++) {
        const slotMark = mark.phaseSlots[k] as SlotMark;
        const value = account.storage.get(slotMark.slot) ?? 0;
        if (value === (cleared ? 0 : slotMark.value)) continue;
        if (slotMark.write === NEVER) slotMark.write = tx;
      }
    }
    if (!change.feeFolded) this.credit((this.feeAccount!.observerData as AccountMark | null) ?? this.markOf(this.feeAccount!), tx, this.fee);
  }

  private credit(mark: AccountMark, tx: number, amount: bigint): void {
    if (mark.creditWrite === NEVER) mark.creditWrite = tx;
    mark.credits += amount;
  }

  /** The mark of an account credited a fee without being accessed (the coinbase of a transaction that never touched it otherwise). */
  private markOf(account: AccountState): AccountMark {
    const mark = new AccountMark();
    account.observerData = mark;
    this.marked.push(account);
    return mark;
  }

  /** Stops observing the world. */
  finish(): void {
    this.world.observe(null);
  }

  /** Forgets the marks (after threadMarks took them), so that another tracker can observe the same world. */
  release(): void {
    for (const account of this.marked) account.observerData = null;
  }
}

// ---------------------------------------------------------------------------------------------
// A thread's marks, packed for the main thread: per account its address, the reads and writes
// above, and the values it left (the balance as a credit when it was only credited), then per
// slot the same; deployed codes after.

const HAS_NONCE = 1;
const HAS_BALANCE = 2;
const HAS_CREDITS = 4;
const HAS_CODE = 8;
const EXISTS = 16;
/** In a segment's delta: the account's nonce, balance and code follow. */
const HAS_FIELDS = 32;

/** One account as a thread left it. */
export interface AccountMarks {
  address: Word;
  fieldsRead: number;
  balanceRead: number;
  nonceWrite: number;
  codeWrite: number;
  balanceWrite: number;
  creditWrite: number;
  exists: boolean;
  nonce: bigint;
  /** The balance, when written absolutely; else the credits' sum. */
  balance: bigint;
  codeHash: Word;
  /** Slot, read, write, value (when written), in fours. */
  slots: (Word | number)[];
}

/** A thread's part: its accounts' marks and the codes it deployed. */
export interface ThreadMarks {
  accounts: AccountMarks[];
  codes: Map<Word, Uint8Array>;
}

/** The tracker's marks with the values `world` holds now. */
export function threadMarks(tracker: PartitionTracker): ThreadMarks {
  const accounts: AccountMarks[] = [];
  for (const account of tracker.marked) {
    const mark = account.observerData as AccountMark;
    const slots: (Word | number)[] = [];
    for (const { slot, read, write } of mark.slotMarks()) {
      slots.push(slot, read, write, write !== NEVER ? (account.storage.get(slot) ?? 0) : 0);
    }
    accounts.push({
      address: account.address,
      fieldsRead: mark.fieldsRead,
      balanceRead: mark.balanceRead,
      nonceWrite: mark.nonceWrite,
      codeWrite: mark.codeWrite,
      balanceWrite: mark.balanceWrite,
      creditWrite: mark.creditWrite,
      exists: account.exists,
      nonce: account.exists ? account.nonce : 0n,
      balance: mark.balanceWrite !== NEVER ? (account.exists ? account.balance : 0n) : mark.credits,
      codeHash: account.exists ? account.codeHash : KECCAK_EMPTY_WORD,
      slots,
    });
  }
  return { accounts, codes: tracker.codes };
}

/**
 * Packs a tracker's marks, with the values its world holds now, into one transferable buffer:
 * what `threadMarks` gives, without building it (decodeMarks reads it back).
 */
export function encodeMarks(tracker: PartitionTracker): ArrayBuffer {
  const w = new Writer();
  w.u32(tracker.marked.length);
  for (const account of tracker.marked) {
    const mark = account.observerData as AccountMark;
    w.word(account.address);
    w.i32(mark.fieldsRead);
    w.i32(mark.balanceRead);
    w.i32(mark.nonceWrite);
    w.i32(mark.codeWrite);
    w.i32(mark.balanceWrite);
    w.i32(mark.creditWrite);
    const flags = (account.exists ? EXISTS : 0) | (mark.nonceWrite !== NEVER ? HAS_NONCE : 0) | (mark.balanceWrite !== NEVER ? HAS_BALANCE : 0) | (mark.creditWrite !== NEVER ? HAS_CREDITS : 0) | (mark.codeWrite !== NEVER ? HAS_CODE : 0);
    w.u32(flags);
    if (flags & HAS_NONCE) w.word(account.exists ? account.nonce : 0n);
    if (flags & HAS_BALANCE) w.word(account.exists ? account.balance : 0n);
    else if (flags & HAS_CREDITS) w.word(mark.credits);
    if (flags & HAS_CODE) w.word(account.exists ? account.codeHash : KECCAK_EMPTY_WORD);
    const slots = mark.slotMarks();
    w.u32(slots.length);
    for (const { slot, read, write } of slots) {
      w.word(slot);
      w.i32(read);
      w.i32(write);
      if (write !== NEVER) w.word(account.storage.get(slot) ?? 0);
    }
  }
  w.u32(tracker.codes.size);
  for (const [hash, code] of tracker.codes) {
    w.word(hash);
    w.data(code);
  }
  return w.finish();
}

export function decodeMarks(buf: ArrayBuffer): ThreadMarks {
  const r = new Reader(buf);
  const accounts: AccountMarks[] = new Array(r.u32());
  for (let i = 0; i < accounts.length; i++) {
    const address = r.word();
    const fieldsRead = r.i32(), balanceRead = r.i32(), nonceWrite = r.i32(), codeWrite = r.i32(), balanceWrite = r.i32(), creditWrite = r.i32();
    const flags = r.u32();
    const nonce = flags & HAS_NONCE ? BigInt(r.word()) : 0n;
    const balance = flags & (HAS_BALANCE | HAS_CREDITS) ? BigInt(r.word()) : 0n;
    const codeHash = flags & HAS_CODE ? r.word() : KECCAK_EMPTY_WORD;
    const slotCount = r.u32();
    const slots: (Word | number)[] = new Array(4 * slotCount);
    for (let k = 0; k < 4 * slotCount; k += 4) {
      slots[k] = r.word();
      slots[k + 1] = r.i32();
      const write = r.i32();
      slots[k + 2] = write;
      slots[k + 3] = write !== NEVER ? r.word() : 0;
    }
    accounts[i] = { address, fieldsRead, balanceRead, nonceWrite, codeWrite, balanceWrite, creditWrite, exists: (flags & EXISTS) !== 0, nonce, balance, codeHash, slots };
  }
  const codes = new Map<Word, Uint8Array>();
  for (let n = r.u32(); n > 0; n--) codes.set(r.word(), r.data()!);
  return { accounts, codes };
}

// ---------------------------------------------------------------------------------------------
// The check and the merge.

/**
 * Checks the threads' runs against each other and, when they add up to the block's, writes the
 * other threads' changes into `world`, which holds the main thread's run (its marks are
 * `threads[main]`). Returns the first conflict found (then `world` is left as it was), or null.
 */
export function mergeThreads(world: WorldState, threads: readonly ThreadMarks[], main: number): string | null {
  const rows = accountRows(threads);
  for (const [address, row] of rows) {
    const conflict = accountConflict(row);
    if (conflict !== null) return `${conflict.what} of 0x${address.toString(16).padStart(40, "0")}: ${conflict.why}`;
  }
  for (const row of rows.values()) applyRow(world, threads, row, main);
  return null;
}

/** The threads' marks by account: per account, each thread's (null where it did not access it). */
function accountRows(threads: readonly ThreadMarks[]): Map<Word, (AccountMarks | null)[]> {
  const rows = new Map<Word, (AccountMarks | null)[]>();
  threads.forEach((part, t) => {
    for (const a of part.accounts) {
      let row = rows.get(a.address);
      if (row === undefined) rows.set(a.address, (row = new Array<AccountMarks | null>(threads.length).fill(null)));
      row[t] = a;
    }
  });
  return rows;
}

/** The location's threads, each with its last read and first write: whether one read what another wrote below it, or two wrote it. */
function conflictOf(reads: readonly number[], writes: readonly number[], absolute: readonly boolean[] | null): string | null {
  for (let t = 0; t < reads.length; t++) {
    for (let u = 0; u < reads.length; u++) {
      if (u === t) continue;
      if (reads[t]! > writes[u]!) return `transaction ${reads[t]} read it after transaction ${writes[u]} wrote it on another thread`;
      if (u > t && writes[t] !== NEVER && writes[u] !== NEVER && (absolute === null || (absolute[t]! && absolute[u]!))) return `transactions ${writes[t]} and ${writes[u]} wrote it on different threads`;
    }
  }
  return null;
}

function accountConflict(row: readonly (AccountMarks | null)[]): { what: string; why: string } | null {
  const n = row.length;
  let present = 0;
  for (const a of row) if (a !== null) present++;
  if (present < 2) return null;
  const reads = new Array<number>(n), writes = new Array<number>(n), absolute = new Array<boolean>(n);
  // The nonce and code, read together.
  for (let t = 0; t < n; t++) {
    const a = row[t];
    reads[t] = a === null ? NONE : a.fieldsRead;
    writes[t] = a === null ? NEVER : Math.min(a.nonceWrite, a.codeWrite);
  }
  let why = conflictOf(reads, writes, null);
  if (why !== null) return { what: "the nonce or code", why };
  // The balance: credits add up; two absolute writes do not.
  for (let t = 0; t < n; t++) {
    const a = row[t];
    reads[t] = a === null ? NONE : a.balanceRead;
    writes[t] = a === null ? NEVER : Math.min(a.balanceWrite, a.creditWrite);
    absolute[t] = a !== null && a.balanceWrite !== NEVER;
  }
  why = conflictOf(reads, writes, absolute);
  if (why !== null) return { what: "the balance", why };
  let writers = 0;
  let deleted = false;
  for (const a of row) {
    if (a === null) continue;
    if (writesFields(a) || a.creditWrite !== NEVER || hasSlotWrite(a)) writers++;
    if (!a.exists && writesFields(a)) deleted = true;
  }
  if (deleted && writers > 1) return { what: "the account", why: "one thread deleted it and another changed it" };
  why = slotConflict(row);
  return why === null ? null : { what: "the storage", why };
}

function writesFields(a: AccountMarks): boolean {
  return a.nonceWrite !== NEVER || a.codeWrite !== NEVER || a.balanceWrite !== NEVER;
}

function hasSlotWrite(a: AccountMarks): boolean {
  for (let k = 2; k < a.slots.length; k += 4) if (a.slots[k] !== NEVER) return true;
  return false;
}

function slotConflict(row: readonly (AccountMarks | null)[]): string | null {
  const n = row.length;
  const bySlot = new Map<Word, number[]>();
  row.forEach((a, t) => {
    if (a === null) return;
    for (let k = 0; k < a.slots.length; k += 4) {
      const slot = a.slots[k]!;
      let marks = bySlot.get(slot);
      if (marks === undefined) {
        marks = new Array<number>(2 * n);
        for (let u = 0; u < n; u++) {
          marks[2 * u] = NONE;
          marks[2 * u + 1] = NEVER;
        }
        bySlot.set(slot, marks);
      }
      marks[2 * t] = a.slots[k + 1] as number;
      marks[2 * t + 1] = a.slots[k + 2] as number;
    }
  });
  const reads = new Array<number>(n), writes = new Array<number>(n);
  for (const [slot, marks] of bySlot) {
    for (let t = 0; t < n; t++) {
      reads[t] = marks[2 * t]!;
      writes[t] = marks[2 * t + 1]!;
    }
    const why = conflictOf(reads, writes, null);
    if (why !== null) return `slot 0x${slot.toString(16)}: ${why}`;
  }
  return null;
}

/**
 * Writes the other threads' changes to one account into `world` (checked: each location has one
 * writer, but for credits to the balance, which all add to the one absolute value, if any).
 */
function applyRow(world: WorldState, threads: readonly ThreadMarks[], row: readonly (AccountMarks | null)[], main: number): void {
  let account: AccountState | null = null;
  let absolute = -1;
  let workerCredits = 0n;
  let otherCredits = 0n; // every thread's but the absolute writer's
  for (let t = 0; t < row.length; t++) {
    const a = row[t];
    if (a === null) continue;
    if (a.balanceWrite !== NEVER) absolute = t;
    else if (a.creditWrite !== NEVER) {
      otherCredits += a.balance;
      if (t !== main) workerCredits += a.balance;
    }
    if (t === main) continue;
    if (!writesFields(a) && a.creditWrite === NEVER && !hasSlotWrite(a)) continue;
    account ??= world.account(a.address);
    if (writesFields(a) && !a.exists) {
      world.commitDeletion(account); // the only writer (checked)
      return;
    }
    if (a.nonceWrite !== NEVER) world.commitNonce(account, a.nonce);
    if (a.codeWrite !== NEVER) world.commitCode(account, a.codeHash, a.codeHash === KECCAK_EMPTY_WORD ? new Uint8Array(0) : (threads[t]!.codes.get(a.codeHash) ?? world.reader.readCode(a.codeHash)));
    for (let k = 0; k < a.slots.length; k += 4) {
      if (a.slots[k + 2] !== NEVER) world.commitStorage(account, a.slots[k]!, a.slots[k + 3]!);
    }
  }
  if (absolute >= 0 && absolute !== main) {
    // A worker thread's absolute value, plus every other thread's credits (the main thread's are in `world` now, and go).
    world.commitBalance(account ?? world.account(row[absolute]!.address), row[absolute]!.balance + otherCredits, false);
  } else if (workerCredits !== 0n) {
    world.commitBalance(account ?? world.account(firstAddress(row)), workerCredits, true);
  }
}

function firstAddress(row: readonly (AccountMarks | null)[]): Word {
  for (const a of row) if (a !== null) return a.address;
  throw new Error("partition merge: an empty row");
}

// ---------------------------------------------------------------------------------------------
// A thread's run.

/** What a thread's run gives: its tracker (on `evm`'s world) and each transaction's result, in the order given. */
export interface ThreadRun {
  tracker: PartitionTracker;
  results: TxResult[];
  /** Why the run cannot stand for these transactions (an invalid one, a change the tracker cannot express), or null. */
  failure: string | null;
}

/**
 * Executes some of a block's transactions (`indexes`, ascending) in order on `evm`'s world, which
 * holds the state they start from, tracking what each read and wrote. Each gets the gas the block's
 * limit leaves after the run's own transactions: the caller checks the block's true remaining gas
 * once it knows every transaction's.
 */
export function runThreadPart(evm: Evm, coinbase: Word, transactionAt: (i: number) => Transaction, indexes: readonly number[], gasLimit: bigint): ThreadRun {
  const tracker = new PartitionTracker(evm.world);
  const run: ThreadRun = { tracker, results: [], failure: null };
  let gasUsed = 0n;
  try {
    for (const i of indexes) {
      const tx = transactionAt(i);
      tracker.begin(i, lazyTransferRecipient(tx, coinbase));
      let result: TxResult;
      try {
        result = applyTransaction(evm, tx, tx.sender!, gasLimit - gasUsed);
      } catch (e) {
        if (!(e instanceof InvalidTransactionError)) throw e;
        run.failure = `transaction ${i} is invalid on its thread: ${e.message}`;
        return run;
      }
      tracker.commit();
      if (tracker.failure !== null) {
        run.failure = tracker.failure;
        return run;
      }
      gasUsed += result.gasUsed;
      run.results.push(result);
    }
    return run;
  } finally {
    tracker.finish();
  }
}

// ---------------------------------------------------------------------------------------------
// A segment's changes, for the threads that run the next one: every location any thread or the
// segment's last transaction wrote, with its value after them (the main thread's world holds it).

/** Packs the values `world` holds for every location `parts` wrote. */
export function encodeDelta(world: WorldState, parts: readonly ThreadMarks[]): ArrayBuffer {
  const slotsOf = new Map<Word, Set<Word>>();
  const fields = new Set<Word>();
  const codes = new Map<Word, Uint8Array>();
  for (const part of parts) {
    for (const a of part.accounts) {
      if (writesFields(a) || a.creditWrite !== NEVER) fields.add(a.address);
      for (let k = 0; k < a.slots.length; k += 4) {
        if (a.slots[k + 2] === NEVER) continue;
        let slots = slotsOf.get(a.address);
        if (slots === undefined) slotsOf.set(a.address, (slots = new Set()));
        slots.add(a.slots[k]!);
      }
    }
    for (const [hash, code] of part.codes) codes.set(hash, code);
  }
  const w = new Writer();
  const addresses = new Set<Word>([...fields, ...slotsOf.keys()]);
  w.u32(addresses.size);
  for (const address of addresses) {
    const account = world.account(address);
    w.word(address);
    const withFields = fields.has(address);
    w.u32((withFields ? HAS_FIELDS : 0) | (account.exists ? EXISTS : 0));
    if (withFields) {
      w.word(account.nonce);
      w.word(account.balance);
      w.word(account.codeHash);
      w.data(account.codeHash === KECCAK_EMPTY_WORD ? new Uint8Array(0) : (codes.get(account.codeHash) ?? account.code ?? world.reader.readCode(account.codeHash)));
    }
    const slots = slotsOf.get(address);
    w.u32(slots === undefined ? 0 : slots.size);
    if (slots !== undefined) {
      for (const slot of slots) {
        w.word(slot);
        w.word(account.exists ? (account.storage.get(slot) ?? world.getStorage(address, slot)) : 0);
      }
    }
  }
  return w.finish();
}

/** Writes a segment's changes (encodeDelta) into a thread's world, between transactions. */
export function applyDelta(world: WorldState, buf: ArrayBuffer): void {
  const r = new Reader(buf);
  for (let n = r.u32(); n > 0; n--) {
    const account = world.account(r.word());
    const flags = r.u32();
    if (flags & HAS_FIELDS) {
      const nonce = BigInt(r.word()), balance = BigInt(r.word()), codeHash = r.word(), code = r.data()!;
      if ((flags & EXISTS) === 0) world.commitDeletion(account);
      else {
        world.commitNonce(account, nonce);
        world.commitBalance(account, balance, false);
        if (account.codeHash !== codeHash) world.commitCode(account, codeHash, code);
      }
    }
    for (let k = r.u32(); k > 0; k--) {
      const slot = r.word();
      const value = r.word();
      if (account.exists) world.commitStorage(account, slot, value);
    }
  }
}
