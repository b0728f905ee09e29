// Block-STM multi-version memory in SharedArrayBuffers. A location is an account's balance,
// nonce or code hash, or one storage slot; each has a list of versions written by transactions
// (absolute values, balance deltas, or ESTIMATE markers left by aborted incarnations), in descending
// transaction order. A read by transaction i resolves to the highest version below i (adding up
// deltas on the way), or to the pre-state when there is none. Read sets are stored here too, so
// that any worker can validate any transaction: validation re-resolves every read and compares
// values (a read of the pre-state with nothing written below only checks that this still holds).
import type { Word } from "../../primitives/word.js";
import type { BufferUse } from "./scheduler.js";

export const enum LocationKind {
  Balance = 0,
  Nonce = 1,
  CodeHash = 2,
  Storage = 3,
}

const enum Flag {
  Value = 0,
  Delta = 1,
  Estimate = 2,
  Deleted = 3,
}

// Locations are records in a dense array, in the order they were created, found through a hash
// index of one word per cell (0 empty, -1 being claimed, else record + 1). The index is small
// enough to stay in cache, and a transaction's locations sit together: a table of full records
// addressed by hash (72 bytes each, 16 per transaction, tens of megabytes) made nearly every
// lookup a cache and TLB miss, at about 2 us each.
// Location record: highest reader, head, kind, address (5 words), slot (8 words), change counter.
// The highest transaction that read any of the record's locations (-1: none) lets a transaction
// that writes a location for the first time skip revalidating the ones above it when none of them
// can have read it.
// One record holds an account's three fields (a storage slot's words hold the nonce's and code
// hash's heads and counters), so that an account costs one index insert, not three.
// Location id = record * 4 + LocationKind.
const LOC_WORDS = 18;
// Offsets, by LocationKind, of a location's version-list head and of its change counter, which is
// bumped after every change to its versions (push, ESTIMATE, retire): a read that sees it move
// retries, so no read mixes states from before and after a change.
const HEAD_AT = [1, 8, 9, 1];
const CHANGES_AT = [16, 10, 11, 16];
const ACCOUNT_SLOT = 0; // kind word of a record holding an account's fields
const INDEX_EMPTY = 0;
const INDEX_CLAIMED = -1;
// Version entry: tx, incarnation, flag, next, location, (pad), value (8 words).
const ENTRY_WORDS = 14;
// Read record: location, value (8 words).
export const READ_WORDS = 9;
// Per-transaction record: write-set start/length, read-set start/length.
const TX_WORDS = 4;
// Header: entry bump, arena bump, code-bytes bump, overflow flag.
// Each header word on a cache line of its own (16 words, 64 bytes), and the location table after
// them: a counter that one core bumps would otherwise evict its neighbours from the other cores.
const LINE_WORDS = 16;
const ENTRY_NEXT = 0;
const ARENA_NEXT = LINE_WORDS;
const CODE_NEXT = 2 * LINE_WORDS;
const OVERFLOW = 3 * LINE_WORDS;
const LOC_COUNT = 4 * LINE_WORDS; // location records created so far
const HEADER = 5 * LINE_WORDS;
const ENTRY_CHUNK = 256;
// A version-list walk this long makes the location's list one this thread keeps fingers into (insertVersion), for at most MAX_FINGERS lists.
const LONG_WALK = 32;
const MAX_FINGERS = 64;
const ARENA_CHUNK = 16384;
// Code table slot: state, offset, length, hash (8 words).
const CODE_WORDS = 12;
const CODE_EMPTY = 0;
const CODE_CLAIMED = 1;
const CODE_READY = 2;

/** The result of a read: a resolved value, nothing written (use the pre-state plus `delta`), or blocked. */
export const enum ReadStatus {
  Value = 0,
  Base = 1,
  Blocked = 2,
}

export interface Sizes {
  /** Location records. */
  locations: number;
  /** Cells of the location index (a power of two, at least twice `locations`). */
  indexCells: number;
  entries: number;
  arenaWords: number;
  codeSlots: number; // power of two
  codeBytes: number;
}

export function sizesFor(txCount: number, gasLimit: bigint): Sizes {
  // About 8 locations per transaction at half load; more only for blocks that need it (growing
  // past the table is a fallback to sequential, never an error).
  const locations = Math.max(1 << 14, txCount * 16);
  // Code deployed within the block: bounded by gas (200 gas per byte deposited).
  const codeBytes = Math.min(64 << 20, Math.max(1 << 16, Number(gasLimit / 200n) + 4096));
  // A read reaches this memory at the first (cold, >= 2,100 gas from Berlin) access of a
  // location, so gas bounds the read sets; twice that leaves room for re-executions.
  const readWords = Math.ceil((Number(gasLimit) / 2100) * READ_WORDS * 2);
  // Chunked allocation (below) leaves up to one partly used chunk per worker: room for 64 of them.
  return {
    locations,
    indexCells: nextPowerOfTwo(2 * locations),
    entries: Math.max(1 << 14, txCount * 16) + 64 * ENTRY_CHUNK,
    arenaWords: Math.max(1 << 18, txCount * 64 + readWords) + 64 * ARENA_CHUNK,
    codeSlots: 1 << 12,
    codeBytes,
  };
}

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

export interface MvBuffers {
  words: SharedArrayBuffer;
  codeBytes: SharedArrayBuffer;
  sizes: Sizes;
  txCount: number;
}

/** Buffers of the last block of each use, reused by the next one of that use (blocks run one at a time). */
const spares: Record<BufferUse, { words: SharedArrayBuffer; codeBytes: SharedArrayBuffer } | null> = { block: null, warmUp: null };

/** Forgets the spare buffers (after a fault, a worker being replaced may still hold them). */
export function discardSpareMvBuffers(): void {
  spares.block = null;
}

/** An address as the location table stores it: five signed 32-bit words, high first. */
export interface AddressKey {
  k0: number;
  k1: number;
  k2: number;
  k3: number;
  k4: number;
}

/** Thrown when a fixed-size shared region is full: the block falls back to sequential execution. */
export class CapacityError extends Error {}

export class MvMemory {
  private readonly w: Int32Array;
  private readonly bytes: Uint8Array;
  private readonly indexBase: number;
  private readonly locBase: number;
  private readonly entryBase: number;
  private readonly txBase: number;
  private readonly arenaBase: number;
  private readonly codeBase: number;
  private readonly indexMask: number;
  private readonly codeMask: number;
  private readonly sizes: Sizes;
  readonly txCount: number;
  /** Scratch for one 256-bit value (8 big-endian 32-bit limbs). */
  private readonly limbs = new Uint32Array(8);

  constructor(readonly buffers: MvBuffers) {
    this.sizes = buffers.sizes;
    this.txCount = buffers.txCount;
    this.w = new Int32Array(buffers.words);
    this.bytes = new Uint8Array(buffers.codeBytes);
    this.indexBase = HEADER;
    this.locBase = this.indexBase + this.sizes.indexCells;
    this.entryBase = this.locBase + LOC_WORDS * this.sizes.locations;
    this.txBase = this.entryBase + ENTRY_WORDS * this.sizes.entries;
    this.arenaBase = this.txBase + TX_WORDS * this.txCount;
    this.codeBase = this.arenaBase + this.sizes.arenaWords;
    this.indexMask = this.sizes.indexCells - 1;
    this.codeMask = this.sizes.codeSlots - 1;
  }

  /**
   * Shared memory for a block of `txCount` transactions. The buffers of the previous block are
   * reused when large enough (only the parts that must start zeroed are cleared): fresh shared
   * memory costs a page fault per 4 KiB at first touch, which was a large part of a block's time.
   * Each use (BufferUse) has its own, and each buffer is kept on its own: blocks whose gas limits
   * differ slightly need code buffers of slightly different sizes, and replacing both buffers then
   * made consecutive blocks alternate between fresh ones (3-4 ms per block of 1,000 transactions).
   */
  static create(txCount: number, gasLimit: bigint, use: BufferUse = "block"): MvMemory {
    const sizes = sizesFor(txCount, gasLimit);
    const words = HEADER + sizes.indexCells + LOC_WORDS * sizes.locations + ENTRY_WORDS * sizes.entries + TX_WORDS * txCount + sizes.arenaWords + CODE_WORDS * sizes.codeSlots;
    const spare = spares[use];
    const reused = spare !== null && spare.words.byteLength >= 4 * words;
    const wordsBuffer = reused ? spare.words : new SharedArrayBuffer(4 * words);
    // Code bytes are written before they are read (the code table says where): no clearing needed.
    const codeBuffer = spare !== null && spare.codeBytes.byteLength >= sizes.codeBytes ? spare.codeBytes : new SharedArrayBuffer(sizes.codeBytes);
    spares[use] = { words: wordsBuffer, codeBytes: codeBuffer };
    const m = new MvMemory({ words: wordsBuffer, codeBytes: codeBuffer, sizes, txCount });
    if (reused) {
      m.w.fill(0, 0, m.locBase); // header and location index (records are written whole when created)
      m.w.fill(0, m.txBase, m.arenaBase); // per-transaction records
      m.w.fill(0, m.codeBase, m.codeBase + CODE_WORDS * sizes.codeSlots);
    }
    return m;
  }

  overflowed(): boolean {
    return Atomics.load(this.w, OVERFLOW) === 1;
  }

  private overflow(what: string): never {
    Atomics.store(this.w, OVERFLOW, 1);
    throw new CapacityError(`parallel memory full: ${what}`);
  }

  // ---------- locations ----------

  /** The id of a location, inserting it when new. `slot` is 0 unless kind is Storage. */
  location(kind: LocationKind, address: Word, slot: Word): number {
    const key = this.addressKey(address, { k0: 0, k1: 0, k2: 0, k3: 0, k4: 0 });
    return kind === LocationKind.Storage ? this.storageLocation(key, slot) : (this.accountSlot(key) << 2) | kind;
  }

  /** Writes an address into `key` as the five signed 32-bit words the table stores (computed once per address); returns `key`. */
  addressKey<K extends AddressKey>(address: Word, key: K): K {
    const limbs = this.limbs;
    toLimbs(address, limbs);
    key.k0 = limbs[3]! | 0;
    key.k1 = limbs[4]! | 0;
    key.k2 = limbs[5]! | 0;
    key.k3 = limbs[6]! | 0;
    key.k4 = limbs[7]! | 0;
    return key;
  }

  /** The table slot of an account (its balance, nonce and code hash are slot * 4 + kind). */
  accountSlot(key: AddressKey): number {
    this.limbs.fill(0);
    return this.tableSlot(ACCOUNT_SLOT, key);
  }

  /** The location of a storage slot of the account with address key `key`. */
  storageLocation(key: AddressKey, slot: Word): number {
    toLimbs(slot, this.limbs);
    return (this.tableSlot(LocationKind.Storage, key) << 2) | LocationKind.Storage;
  }

  /** Finds or creates the location record for (kind, key, this.limbs); returns its number. */
  private tableSlot(kind: number, key: AddressKey): number {
    const limbs = this.limbs;
    const a0 = key.k0, a1 = key.k1, a2 = key.k2, a3 = key.k3, a4 = key.k4;
    let h = Math.imul(kind + 1, 0x9e3779b1) ^ a4 ^ Math.imul(a3, 0x85ebca6b) ^ Math.imul(a0 ^ a1 ^ a2, 0xc2b2ae35);
    if (kind === LocationKind.Storage) for (let i = 0; i < 8; i++) h = Math.imul(h ^ limbs[i]!, 0x27d4eb2f) ^ (h >>> 15);
    else h = Math.imul(h, 0x27d4eb2f) ^ (h >>> 15);
    const w = this.w;
    for (let probe = 0; probe <= this.indexMask; probe++) {
      const cell = this.indexBase + ((h + probe) & this.indexMask);
      let state = Atomics.load(w, cell);
      while (state === INDEX_CLAIMED) state = Atomics.load(w, cell);
      if (state === INDEX_EMPTY) {
        if (Atomics.compareExchange(w, cell, INDEX_EMPTY, INDEX_CLAIMED) === INDEX_EMPTY) return this.createRecord(cell, kind, key);
        probe--; // another thread claimed it first (or gave it back): look at this cell again
        continue;
      }
      const id = state - 1;
      const at = this.locBase + LOC_WORDS * id;
      if (w[at + 2] === kind && w[at + 3] === a0 && w[at + 4] === a1 && w[at + 5] === a2 && w[at + 6] === a3 && w[at + 7] === a4 && (kind !== LocationKind.Storage || sameLimbs(w, at + 8, limbs))) return id;
    }
    this.overflow("location index");
  }

  /** Writes a new location record, then publishes it in the index cell this thread claimed. */
  private createRecord(cell: number, kind: number, key: AddressKey): number {
    const w = this.w;
    const id = Atomics.add(w, LOC_COUNT, 1);
    if (id >= this.sizes.locations) {
      Atomics.store(w, cell, INDEX_EMPTY); // threads waiting on the cell must not wait forever
      this.overflow("location records");
    }
    const at = this.locBase + LOC_WORDS * id;
    w[at] = -1;
    w[at + 1] = -1;
    w[at + 2] = kind;
    w[at + 3] = key.k0, w[at + 4] = key.k1, w[at + 5] = key.k2, w[at + 6] = key.k3, w[at + 7] = key.k4;
    if (kind === LocationKind.Storage) {
      for (let i = 0; i < 8; i++) w[at + 8 + i] = this.limbs[i]!;
    } else {
      w[at + 8] = w[at + 9] = -1; // the nonce's and code hash's heads
      w[at + 10] = w[at + 11] = 0; // their change counters
    }
    w[at + 16] = 0;
    Atomics.store(w, cell, id + 1);
    return id;
  }

  /** Offset of the version-list head of location `loc`. */
  private headAt(loc: number): number {
    return this.locBase + LOC_WORDS * (loc >>> 2) + HEAD_AT[loc & 3]!;
  }

  private changesAt(loc: number): number {
    return this.locBase + LOC_WORDS * (loc >>> 2) + CHANGES_AT[loc & 3]!;
  }

  /** The location's kind, address and slot, for turning write sets back into state changes. */
  describe(loc: number): { kind: LocationKind; address: Word; slot: Word } {
    return { kind: (loc & 3) as LocationKind, address: this.addressOf(loc), slot: this.slotOf(loc) };
  }

  /** The account record (table slot) of the address of location `loc`: its address need not be decoded again. */
  accountSlotOf(loc: number): number {
    const at = this.locBase + LOC_WORDS * (loc >>> 2);
    const w = this.w;
    const key = this.scratchKey;
    key.k0 = w[at + 3]!;
    key.k1 = w[at + 4]!;
    key.k2 = w[at + 5]!;
    key.k3 = w[at + 6]!;
    key.k4 = w[at + 7]!;
    return this.accountSlot(key);
  }

  private readonly scratchKey: AddressKey = { k0: 0, k1: 0, k2: 0, k3: 0, k4: 0 };

  /** The address of location `loc`. */
  addressOf(loc: number): Word {
    const at = this.locBase + LOC_WORDS * (loc >>> 2);
    const w = this.w;
    const limbs = this.limbs;
    limbs.fill(0, 0, 3);
    for (let i = 0; i < 5; i++) limbs[3 + i] = w[at + 3 + i]!;
    return fromLimbs(limbs);
  }

  /** The storage slot of location `loc` (0 for an account field). */
  slotOf(loc: number): Word {
    if ((loc & 3) !== LocationKind.Storage) return 0;
    const at = this.locBase + LOC_WORDS * (loc >>> 2);
    const limbs = this.limbs;
    for (let i = 0; i < 8; i++) limbs[i] = this.w[at + 8 + i]!;
    return fromLimbs(limbs);
  }

  /** Debugging: the versions of a location as [tx, incarnation, flag, value]. */
  dump(loc: number): [number, number, number, string][] {
    const w = this.w;
    const out: [number, number, number, string][] = [];
    for (let e = Atomics.load(w, this.headAt(loc)); e >= 0; e = w[this.entryBase + ENTRY_WORDS * e + 3]!) {
      const at = this.entryBase + ENTRY_WORDS * e;
      out.push([w[at]!, w[at + 1]!, w[at + 2]!, readBig(w, at + 6).toString()]);
    }
    return out;
  }

  // ---------- reads ----------

  /** Resolution of the last `read`: the value, or the sum of deltas to add to the pre-state. */
  resolved: Word | bigint = 0;
  /** The transaction whose ESTIMATE blocked the last `read`. */
  blockingTx = -1;

  /**
   * Notes that `tx` reads `loc` (before reading it). A write published before the note is seen by
   * the read; one published after sees the note (record), so the reader is validated again.
   */
  noteReader(loc: number, tx: number): void {
    const at = this.locBase + LOC_WORDS * (loc >>> 2);
    const w = this.w;
    for (let seen = Atomics.load(w, at); seen < tx; ) {
      const was = Atomics.compareExchange(w, at, seen, tx);
      if (was === seen) return;
      seen = was;
    }
  }

  /** Whether a transaction above `tx` may have read `loc` (or another field of its account). */
  private readAbove(loc: number, tx: number): boolean {
    return Atomics.load(this.w, this.locBase + LOC_WORDS * (loc >>> 2)) > tx;
  }

  /**
   * Resolves location `loc` as transaction `tx` sees it. Value: `resolved` holds the value.
   * Base: nothing absolute below `tx`; `resolved` holds the sum of deltas (a bigint) to add to the
   * pre-state value. Blocked: `blockingTx` left an ESTIMATE that this read depends on.
   */
  read(loc: number, tx: number): ReadStatus {
    // A location no transaction has written (most of them) resolves to the pre-state: one load
    // of its head is a consistent view of that, with no walk to guard against changes.
    if (Atomics.load(this.w, this.headAt(loc)) < 0) {
      this.resolved = 0n;
      this.sawDelta = false;
      return ReadStatus.Base;
    }
    const counterAt = this.changesAt(loc);
    for (;;) {
      const before = Atomics.load(this.w, counterAt);
      const status = this.readOnce(loc, tx);
      if (Atomics.load(this.w, counterAt) === before) return status;
    }
  }

  private readOnce(loc: number, tx: number): ReadStatus {
    const w = this.w;
    // Versions are kept in descending transaction order (newest incarnation first among equals):
    // the first live absolute version below tx ends the walk, after the deltas above it.
    let delta = 0n;
    let sawDelta = false;
    let seenTx = -1;
    this.sawDelta = false;
    for (let e = Atomics.load(w, this.headAt(loc)); e >= 0; e = Atomics.load(w, this.entryBase + ENTRY_WORDS * e + 3)) {
      const at = this.entryBase + ENTRY_WORDS * e;
      const etx = w[at]!;
      if (etx >= tx || etx === seenTx) continue; // (an older incarnation of a transaction already seen)
      const flag = Atomics.load(w, at + 2);
      if (flag === Flag.Deleted) continue;
      seenTx = etx;
      if (flag === Flag.Delta) {
        delta += readBig(w, at + 6);
        sawDelta = true;
      } else if (flag === Flag.Estimate) {
        this.blockingTx = etx;
        return ReadStatus.Blocked;
      } else {
        this.resolved = sawDelta ? normWord(readBig(w, at + 6) + delta) : readWord(w, at + 6);
        return ReadStatus.Value;
      }
    }
    this.resolved = delta;
    this.sawDelta = sawDelta;
    return ReadStatus.Base;
  }

  /** Whether the last read that resolved to Base added up any delta. */
  sawDelta = false;

  /**
   * Calls `f` with the final value of every location written by the block's final incarnations:
   * an absolute value (`delta` false), or the sum of balance deltas to add to the pre-state. For
   * assembling the post-state once every transaction is done (no ESTIMATE can remain).
   */
  forEachFinalWrite(f: (loc: number, value: Word | bigint, delta: boolean) => void, below = this.txCount): void {
    const w = this.w;
    const count = Math.min(Atomics.load(w, LOC_COUNT), this.sizes.locations);
    for (let slot = 0; slot < count; slot++) {
      if (w[this.locBase + LOC_WORDS * slot + 2] === LocationKind.Storage) this.finalWrite((slot << 2) | LocationKind.Storage, f, below);
      else for (let kind = 0; kind < LocationKind.Storage; kind++) this.finalWrite((slot << 2) | kind, f, below);
    }
  }

  private finalWrite(loc: number, f: (loc: number, value: Word | bigint, delta: boolean) => void, below: number): void {
    if (this.w[this.headAt(loc)]! < 0) return; // only ever read
    switch (this.readOnce(loc, below)) {
      case ReadStatus.Value:
        f(loc, this.resolved, false);
        break;
      case ReadStatus.Base:
        if (this.sawDelta) f(loc, this.resolved, true);
        break;
      default:
        throw new Error(`internal: location ${loc} still has an ESTIMATE after the block completed`);
    }
  }

  private bumpChanges(loc: number): void {
    Atomics.add(this.w, this.changesAt(loc), 1);
  }

  // ---------- recording an incarnation ----------

  /**
   * Publishes transaction `tx`'s writes (locations, values, and which are balance deltas) and its
   * read set; removes the previous incarnation's versions. Returns whether a location was written
   * that the previous incarnation did not write (Block-STM's `wrote_new_location`).
   */
  record(tx: number, incarnation: number, writeLocs: number[], writeValues: (Word | bigint)[], writeIsDelta: boolean[], readLocs: number[], readValues: (Word | bigint)[]): boolean {
    const w = this.w;
    const txAt = this.txBase + TX_WORDS * tx;
    const prevStart = w[txAt]!;
    const prevLen = w[txAt + 1]!;
    // Write set: entry indices in the arena.
    const wsStart = this.allocArena(writeLocs.length);
    let wroteNew = false;
    // A live previous incarnation (seeded values) keeps each version this one writes again
    // unchanged: nothing changes for readers, and no version list is walked again (a balance that
    // every transaction credits has a version per transaction).
    const prevLive = prevLen > 0 && this.entryLive(w[this.arenaBase + prevStart]!);
    const reused = this.reusedEntries;
    reused.length = 0;
    for (let i = 0; i < writeLocs.length; i++) {
      const loc = writeLocs[i]!;
      const same = prevLive ? this.sameVersion(prevStart, prevLen, loc, writeIsDelta[i]!, writeValues[i]!) : -1;
      if (same >= 0) {
        w[this.entryBase + ENTRY_WORDS * same + 1] = incarnation;
        w[this.arenaBase + wsStart + i] = same;
        reused.push(same);
        continue;
      }
      const e = this.allocEntry();
      const at = this.entryBase + ENTRY_WORDS * e;
      w[at] = tx;
      w[at + 1] = incarnation;
      w[at + 2] = writeIsDelta[i] ? Flag.Delta : Flag.Value;
      w[at + 4] = loc;
      writeWord(w, at + 6, writeValues[i]!, this.limbs);
      this.insertVersion(loc, e, tx);
      this.bumpChanges(loc);
      w[this.arenaBase + wsStart + i] = e;
      // A location written for the first time concerns the transactions above only if one of them read it.
      if (!wroteNew && !this.previousWrote(prevStart, prevLen, loc) && this.readAbove(loc, tx)) wroteNew = true;
    }
    // A previous incarnation still live (seeded values, never aborted: readers may hold them)
    // that differs from this one must have every higher transaction validated again.
    if (!wroteNew && prevLen > 0 && this.previousLiveDiffers(prevStart, prevLen, wsStart, writeLocs.length)) wroteNew = true;
    // Retire the previous incarnation's versions (ESTIMATEs, or values if never aborted).
    for (let i = 0; i < prevLen; i++) {
      const e = w[this.arenaBase + prevStart + i]!;
      if (reused.length > 0 && reused.includes(e)) continue;
      const at = this.entryBase + ENTRY_WORDS * e;
      Atomics.store(w, at + 2, Flag.Deleted);
      this.bumpChanges(w[at + 4]!);
    }
    // Read set.
    const rsStart = this.allocArena(READ_WORDS * readLocs.length);
    for (let i = 0; i < readLocs.length; i++) {
      const at = this.arenaBase + rsStart + READ_WORDS * i;
      const loc = readLocs[i]!;
      w[at] = loc;
      if (loc >= 0) writeWord(w, at + 1, readValues[i]!, this.limbs); // ~loc: a plain pre-state read, no value kept
    }
    w[txAt] = wsStart;
    w[txAt + 2] = rsStart;
    w[txAt + 3] = readLocs.length;
    Atomics.store(w, txAt + 1, writeLocs.length);
    return wroteNew;
  }

  /**
   * Links entry e (of transaction tx) into loc's version list, which stays sorted by descending
   * transaction, before any entries of tx itself. Entries are never unlinked (retired ones are
   * flagged), so a compare-and-swap on the predecessor's link is all a concurrent insert needs.
   */
  private insertVersion(loc: number, e: number, tx: number): void {
    const w = this.w;
    const at = this.entryBase + ENTRY_WORDS * e;
    const finger = this.fingers.size === 0 ? undefined : this.fingers.get(loc);
    for (;;) {
      let linkAt = finger === undefined ? this.headAt(loc) : this.linkAbove(finger, loc, tx);
      let next = Atomics.load(w, linkAt);
      let steps = 0;
      for (; next >= 0; steps++) {
        const nextTx = w[this.entryBase + ENTRY_WORDS * next]!;
        if (nextTx <= tx) break;
        if (finger !== undefined) finger[nextTx] = next;
        linkAt = this.entryBase + ENTRY_WORDS * next + 3;
        next = Atomics.load(w, linkAt);
      }
      w[at + 3] = next;
      if (Atomics.compareExchange(w, linkAt, next, e) !== next) continue;
      if (finger !== undefined) finger[tx] = e;
      else if (steps > LONG_WALK && this.fingers.size < MAX_FINGERS) this.fingers.set(loc, new Int32Array(this.txCount).fill(-1)).get(loc)![tx] = e;
      return;
    }
  }

  /**
   * Per location whose version list this thread found long to walk: for each transaction, an
   * entry of it known to be in the list (-1: none). The list is sorted and never loses an entry,
   * so an insert for tx may start at the entry of the nearest transaction above tx instead of at
   * the head. Executed in an order other than the block's (hinted by a record's critical path),
   * each transaction credits the coinbase below many higher ones, and walks from the head made a
   * block's inserts quadratic (711,692 steps for the 1,346 transactions of 14396881).
   */
  private readonly fingers = new Map<number, Int32Array>();

  /** How many version lists this thread keeps fingers into (for tests). */
  fingeredLists(): number {
    return this.fingers.size;
  }

  /** The link to start an insert for `tx` at: after the known entry of the nearest transaction above, else the head. */
  private linkAbove(finger: Int32Array, loc: number, tx: number): number {
    for (let t = tx + 1; t < finger.length; t++) {
      const e = finger[t]!;
      if (e >= 0) return this.entryBase + ENTRY_WORDS * e + 3;
    }
    return this.headAt(loc);
  }

  /**
   * Whether the previous write set (entries at `prevStart`) is live, not ESTIMATEs, and differs
   * from the new one (entries at `newStart`, all new locations already known to be in it):
   * another value, or a location the new one no longer writes.
   */
  private previousLiveDiffers(prevStart: number, prevLen: number, newStart: number, newLen: number): boolean {
    const w = this.w;
    const firstPrev = this.entryBase + ENTRY_WORDS * w[this.arenaBase + prevStart]!;
    if (w[firstPrev + 2] === Flag.Estimate || w[firstPrev + 2] === Flag.Deleted) return false;
    if (prevLen !== newLen) return true;
    for (let i = 0; i < prevLen; i++) {
      const prev = this.entryBase + ENTRY_WORDS * w[this.arenaBase + prevStart + i]!;
      let same = false;
      for (let j = 0; j < newLen && !same; j++) {
        const next = this.entryBase + ENTRY_WORDS * w[this.arenaBase + newStart + j]!;
        if (w[next + 4] !== w[prev + 4]) continue;
        same = w[next + 2] === w[prev + 2];
        for (let k = 6; k < 14 && same; k++) same = w[next + k] === w[prev + k];
        if (!same) return true;
      }
      if (!same) return true;
    }
    return false;
  }

  /** Entries of the previous incarnation that the current one keeps (record). */
  private readonly reusedEntries: number[] = [];

  private entryLive(e: number): boolean {
    const flag = this.w[this.entryBase + ENTRY_WORDS * e + 2];
    return flag === Flag.Value || flag === Flag.Delta;
  }

  /** The previous incarnation's entry for `loc` when it holds this very value and kind, else -1. */
  private sameVersion(prevStart: number, prevLen: number, loc: number, delta: boolean, value: Word | bigint): number {
    const w = this.w;
    for (let i = 0; i < prevLen; i++) {
      const e = w[this.arenaBase + prevStart + i]!;
      const at = this.entryBase + ENTRY_WORDS * e;
      if (w[at + 4] !== loc) continue;
      if (w[at + 2] !== (delta ? Flag.Delta : Flag.Value)) return -1;
      toLimbs(delta ? (value as bigint) : normWordAny(value), this.limbs);
      return sameLimbs(w, at + 6, this.limbs) ? e : -1;
    }
    return -1;
  }

  private previousWrote(start: number, len: number, loc: number): boolean {
    const w = this.w;
    for (let i = 0; i < len; i++) if (w[this.entryBase + ENTRY_WORDS * w[this.arenaBase + start + i]! + 4] === loc) return true;
    return false;
  }

  // Each worker takes entries and arena words in chunks of its own: entries that two workers
  // write side by side would share cache lines, and every write would bounce between cores.
  private entryNext = 0;
  private entryEnd = 0;
  private arenaNext = 0;
  private arenaEnd = 0;

  private allocEntry(): number {
    if (this.entryNext === this.entryEnd) {
      this.entryNext = Atomics.add(this.w, ENTRY_NEXT, ENTRY_CHUNK);
      this.entryEnd = this.entryNext + ENTRY_CHUNK;
      if (this.entryEnd > this.sizes.entries) this.overflow("version entries");
    }
    return this.entryNext++;
  }

  private allocArena(words: number): number {
    if (this.arenaNext + words > this.arenaEnd) {
      const chunk = Math.max(ARENA_CHUNK, words);
      this.arenaNext = Atomics.add(this.w, ARENA_NEXT, chunk);
      this.arenaEnd = this.arenaNext + chunk;
      if (this.arenaEnd > this.sizes.arenaWords) this.overflow("read/write-set arena");
    }
    const start = this.arenaNext;
    this.arenaNext += words;
    return start;
  }

  /** Marks the last incarnation's writes of `tx` as ESTIMATEs (after a failed validation). */
  convertWritesToEstimates(tx: number): void {
    this.forEachEntry(tx, (at) => {
      Atomics.store(this.w, at + 2, Flag.Estimate);
      this.bumpChanges(this.w[at + 4]!);
    });
  }

  /** Calls `f` with the offset of each version entry that `tx`'s last recorded incarnation wrote. */
  private forEachEntry(tx: number, f: (at: number) => void): void {
    const w = this.w;
    const txAt = this.txBase + TX_WORDS * tx;
    const start = w[txAt]!;
    const len = Atomics.load(w, txAt + 1);
    for (let i = 0; i < len; i++) f(this.entryBase + ENTRY_WORDS * w[this.arenaBase + start + i]!);
  }

  /** The read set of `tx`'s last recorded incarnation: [location, value] pairs via callbacks. */
  readSetLength(tx: number): number {
    return this.w[this.txBase + TX_WORDS * tx + 3]!;
  }

  /** The location of read i of `tx`, or ~location for a read of the pre-state with nothing written below `tx`. */
  readSetLocation(tx: number, i: number): number {
    return this.w[this.arenaBase + this.w[this.txBase + TX_WORDS * tx + 2]! + READ_WORDS * i]!;
  }

  readSetValueEquals(tx: number, i: number, value: Word | bigint): boolean {
    const at = this.arenaBase + this.w[this.txBase + TX_WORDS * tx + 2]! + READ_WORDS * i + 1;
    toLimbs(normWordAny(value), this.limbs);
    return sameLimbs(this.w, at, this.limbs);
  }

  /**
   * Adds to `into` the transactions whose versions the reads of `tx`'s last recorded incarnation
   * resolve to: the writer of the absolute value, and of every balance delta added on top of it.
   * Reads of the pre-state with nothing written below add none. For the block's dependency graph,
   * once every transaction is final (walks like readOnce).
   */
  writersRead(tx: number, into: Set<number>): void {
    const credits: number[] = [];
    for (let i = 0, n = this.readSetLength(tx); i < n; i++) {
      const loc = this.readSetLocation(tx, i);
      if (loc < 0) continue;
      credits.length = 0;
      const version = this.versionBelow(loc, tx, credits);
      for (const c of credits) into.add(c);
      if (version >= 0) into.add(version);
    }
  }

  /**
   * For an execution record, once every transaction is final: the version read i of `tx` resolves
   * to now, which is the version an execution in order would have read. Returns the transaction
   * whose absolute value it is (-1: the pre-state) and pushes onto `credits` the transactions
   * whose balance deltas lie on top of it, descending.
   */
  readVersion(tx: number, i: number, credits: number[]): number {
    const recorded = this.readSetLocation(tx, i);
    return this.versionBelow(recorded < 0 ? ~recorded : recorded, tx, credits);
  }

  /** The location of read i of `tx` (for a record: plain pre-state reads included). */
  readLocation(tx: number, i: number): number {
    const recorded = this.readSetLocation(tx, i);
    return recorded < 0 ? ~recorded : recorded;
  }

  private versionBelow(loc: number, tx: number, credits: number[]): number {
    const w = this.w;
    let seenTx = -1;
    for (let e = w[this.headAt(loc)]!; e >= 0; e = w[this.entryBase + ENTRY_WORDS * e + 3]!) {
      const at = this.entryBase + ENTRY_WORDS * e;
      const etx = w[at]!;
      if (etx >= tx || etx === seenTx || w[at + 2] === Flag.Deleted) continue;
      seenTx = etx;
      if (w[at + 2] !== Flag.Delta) return etx;
      credits.push(etx);
    }
    return -1;
  }

  /** Writes in `tx`'s last recorded incarnation. */
  writeSetLength(tx: number): number {
    return this.w[this.txBase + TX_WORDS * tx + 1]!;
  }

  /** Write i of `tx`: its location, and through `writeIsDelta` whether `writeValue` is a balance delta. */
  writeLocation(tx: number, i: number): number {
    return this.w[this.entryBase + ENTRY_WORDS * this.writeEntry(tx, i) + 4]!;
  }

  writeIsDelta(tx: number, i: number): boolean {
    return this.w[this.entryBase + ENTRY_WORDS * this.writeEntry(tx, i) + 2] === Flag.Delta;
  }

  writeValue(tx: number, i: number): Word | bigint {
    const at = this.entryBase + ENTRY_WORDS * this.writeEntry(tx, i);
    return this.w[at + 2] === Flag.Delta ? readBig(this.w, at + 6) : readWord(this.w, at + 6);
  }

  private writeEntry(tx: number, i: number): number {
    return this.w[this.arenaBase + this.w[this.txBase + TX_WORDS * tx]! + i]!;
  }

  // ---------- code deployed within the block ----------

  /** Shares code deployed by a transaction, keyed by its hash (content-addressed, written once). */
  publishCode(hash: Word, code: Uint8Array): void {
    const limbs = this.limbs;
    toLimbs(hash, limbs);
    const w = this.w;
    for (let probe = 0; probe <= this.codeMask; probe++) {
      const at = this.codeBase + CODE_WORDS * ((limbs[7]! + probe) & this.codeMask);
      let state = Atomics.load(w, at);
      if (state === CODE_EMPTY) {
        state = Atomics.compareExchange(w, at, CODE_EMPTY, CODE_CLAIMED);
        if (state === CODE_EMPTY) {
          const offset = Atomics.add(w, CODE_NEXT, code.length);
          if (offset + code.length > this.bytes.length) this.overflow("deployed code");
          this.bytes.set(code, offset);
          w[at + 1] = offset;
          w[at + 2] = code.length;
          for (let i = 0; i < 8; i++) w[at + 4 + i] = limbs[i]!;
          Atomics.store(w, at, CODE_READY);
          return;
        }
      }
      while (state === CODE_CLAIMED) state = Atomics.load(w, at);
      if (sameLimbs(w, at + 4, limbs)) return;
    }
    this.overflow("code table");
  }

  /** Code published under `hash`, or null. */
  findCode(hash: Word): Uint8Array | null {
    const limbs = this.limbs;
    toLimbs(hash, limbs);
    const w = this.w;
    for (let probe = 0; probe <= this.codeMask; probe++) {
      const at = this.codeBase + CODE_WORDS * ((limbs[7]! + probe) & this.codeMask);
      const state = Atomics.load(w, at);
      if (state === CODE_EMPTY) return null;
      if (state === CODE_READY && sameLimbs(w, at + 4, limbs)) return this.bytes.slice(w[at + 1]!, w[at + 1]! + w[at + 2]!);
    }
    return null;
  }
}

// ---------- 256-bit values as 8 big-endian 32-bit limbs ----------

const TWO32 = 4294967296;
const TWO64 = 1n << 64n;
const TWO128 = 1n << 128n;
const TWO192 = 1n << 192n;

const LIMB_BYTES = new Uint8Array(32);
const LIMB_VIEW = new DataView(LIMB_BYTES.buffer);

function toLimbs(value: Word | bigint, limbs: Uint32Array): void {
  if (typeof value === "number") {
    limbs.fill(0, 0, 6);
    limbs[6] = Math.floor(value / TWO32);
    limbs[7] = value >>> 0;
    return;
  }
  // Balances (most bigints here) fit in 128 bits: one shift, or none, instead of three.
  if (value < TWO128) {
    limbs.fill(0, 0, 4);
    LIMB_VIEW.setBigUint64(16, value < TWO64 ? 0n : value >> 64n);
    LIMB_VIEW.setBigUint64(24, value);
    for (let i = 4; i < 8; i++) limbs[i] = LIMB_VIEW.getUint32(4 * i);
    return;
  }
  // Three shifts (two for an address) and four 64-bit stores, instead of eight shift-and-mask steps on the bigint.
  LIMB_VIEW.setBigUint64(0, value < TWO192 ? 0n : value >> 192n);
  LIMB_VIEW.setBigUint64(8, value >> 128n);
  LIMB_VIEW.setBigUint64(16, value >> 64n);
  LIMB_VIEW.setBigUint64(24, value);
  for (let i = 0; i < 8; i++) limbs[i] = LIMB_VIEW.getUint32(4 * i);
}

function sameLimbs(w: Int32Array, at: number, limbs: Uint32Array): boolean {
  for (let i = 0; i < 8; i++) if (w[at + i]! >>> 0 !== limbs[i]) return false;
  return true;
}

function writeWord(w: Int32Array, at: number, value: Word | bigint, limbs: Uint32Array): void {
  toLimbs(value, limbs);
  for (let i = 0; i < 8; i++) w[at + i] = limbs[i]! | 0;
}

/** The 256-bit value of 8 big-endian limbs at w[at]: four 64-bit reads instead of eight shifts. */
function readBig(w: Int32Array, at: number): bigint {
  for (let i = 0; i < 8; i++) LIMB_VIEW.setInt32(4 * i, w[at + i]!);
  return bigFromLimbBytes();
}

function bigFromLimbBytes(): bigint {
  const hi = LIMB_VIEW.getBigUint64(0);
  const v = (LIMB_VIEW.getBigUint64(8) << 128n) | (LIMB_VIEW.getBigUint64(16) << 64n) | LIMB_VIEW.getBigUint64(24);
  return hi === 0n ? v : (hi << 192n) | v;
}

function readWord(w: Int32Array, at: number): Word {
  let small = true;
  for (let i = 0; i < 6; i++) if (w[at + i] !== 0) small = false;
  if (small && w[at + 6]! >>> 0 < 0x200000) return (w[at + 6]! >>> 0) * TWO32 + (w[at + 7]! >>> 0);
  return normWord(readBig(w, at));
}

function fromLimbs(limbs: Uint32Array): Word {
  let small = true;
  for (let i = 0; i < 6; i++) if (limbs[i] !== 0) small = false;
  if (small && limbs[6]! < 0x200000) return limbs[6]! * TWO32 + limbs[7]!;
  for (let i = 0; i < 8; i++) LIMB_VIEW.setUint32(4 * i, limbs[i]!);
  return normWord(bigFromLimbBytes());
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Canonical word (number when it fits in 53 bits). */
export function normWord(v: bigint): Word {
  return v <= MAX_SAFE ? Number(v) : v;
}

function normWordAny(v: Word | bigint): Word {
  return typeof v === "bigint" ? normWord(v) : v;
}
