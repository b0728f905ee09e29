// The journaled world state the EVM runs against. It reads lazily from a StateReader, keeps every
// change in memory, and undoes changes on revert through a journal. Executors see every read
// (through the reader) and every write (through `dirty` accounts at the end of a transaction).
import { keccak256 } from "../primitives/hash.js";
import type { ForkRules } from "../fork/forks.js";
import { fromBytes, type Word } from "../primitives/word.js";
import { KECCAK_EMPTY_WORD, type AccountInfo, type StateReader } from "./reader.js";

export interface Log {
  address: Word;
  topics: Word[];
  data: Uint8Array;
}

/** The storage of accounts with none set (never written to: writableStorage gives an account its own). */
const NO_STORAGE: ReadonlyMap<Word, Word> = new Map<Word, Word>();

/** The account's own storage map, made on its first write. */
function writableStorage(account: AccountState): Map<Word, Word> {
  if (account.storage === NO_STORAGE) account.storage = new Map<Word, Word>();
  return account.storage as Map<Word, Word>;
}

export class AccountState {
  nonce = 0n;
  balance = 0n;
  codeHash: Word = KECCAK_EMPTY_WORD;
  code: Uint8Array | null = null; // loaded on first use
  exists = false;
  /** Storage no longer backed by the reader: a new contract, or one destroyed in this block. */
  storageCleared = false;
  /**
   * Current values of the slots this block has read or written. Shared and empty until the first
   * slot is set (writableStorage): most accounts a block touches (senders, recipients) have none,
   * and a map per account was a large part of building their states.
   */
  storage: ReadonlyMap<Word, Word> = NO_STORAGE;
  /** Values at the start of the current transaction, for slots written in it (EIP-1283/2200). */
  original: Map<Word, Word> | null = null;
  /** Transient storage (EIP-1153), cleared at the end of each transaction. */
  transient: Map<Word, Word> | null = null;
  /** Touched, destroyed or written in the block: part of the block's post-state diff. */
  dirty = false;
  /** The observer's access epoch in which the account was last accessed (see WorldState.observe). */
  accessEpoch = 0;
  /** Counts the times its storage was cleared (created, destroyed): an observer's test for "cleared since". */
  storageEpoch = 0;
  /** What an access observer keeps of the account; the world never reads it. */
  observerData: object | null = null;

  constructor(readonly address: Word) {}

  isEmpty(): boolean {
    return this.nonce === 0n && this.balance === 0n && this.codeHash === KECCAK_EMPTY_WORD;
  }
}

const enum J {
  Balance,
  Nonce,
  Code,
  Storage,
  Transient,
  Exists,
  Create,
  Touch,
  WarmAddress,
  WarmSlot,
  Destruct,
  Created,
  Refund,
  Log,
}

// Journal entries and logs are class instances, not object literals: V8 tracks a literal's
// allocation site and may decide mid-block to allocate it in the old generation (entries of a long
// transaction and logs outlive young collections). That decision invalidates optimized code that
// inlined the literal, the interpreter loop among it: a fresh process threw away its first
// compile of the loop (about 140 ms of work) on every run of block 14029313 (--trace-opt).
class JournalEntry {
  // Declared fields (see interpreter.ts's Message): one store each.
  declare readonly kind: J;
  declare readonly account: AccountState | null;
  declare readonly key: Word;
  declare readonly prev: unknown;

  constructor(kind: J, account: AccountState | null, key: Word, prev: unknown) {
    this.kind = kind;
    this.account = account;
    this.key = key;
    this.prev = prev;
  }
}

/** A log as the EVM emits it (see JournalEntry for why a class). */
export class EmittedLog implements Log {
  declare readonly address: Word;
  declare readonly topics: Word[];
  declare readonly data: Uint8Array;

  constructor(address: Word, topics: Word[], data: Uint8Array) {
    this.address = address;
    this.topics = topics;
    this.data = data;
  }
}

interface AccountSnapshot {
  nonce: bigint;
  balance: bigint;
  codeHash: Word;
  code: Uint8Array | null;
  exists: boolean;
  storageCleared: boolean;
  storageEpoch: number;
  storage: Map<Word, Word>;
}

/**
 * Told of the first access to each account and to each storage slot in an access epoch (a
 * transaction, for execution records): what a transaction read, seen from a world that lives for
 * the whole block. Accesses that are no reads are not told: a fee credited with `payFee`.
 */
export interface AccessObserver {
  /** The account's first access in the epoch, before any change to it in the epoch. */
  accountAccessed(account: AccountState): void;
  /** Every access to a slot, after its account's first access in the epoch (the observer keeps which slots it saw): `value` is the slot's value now. */
  slotAccessed(account: AccountState, slot: Word, value: Word): void;
  /** A fee was credited to the account with `payFee` (not an access). */
  feePaid(account: AccountState, fee: bigint): void;
}

const RIPEMD160_ADDRESS: Word = 3;

export class WorldState {
  private readonly accounts = new Map<Word, AccountState>();
  /** The account `account` returned last (see `held`). */
  private lastAccount: AccountState | null = null;
  private readonly journal: JournalEntry[] = [];

  // Per-transaction state.
  private readonly touched = new Set<AccountState>();
  private readonly warmAddresses = new Set<Word>();
  /** Addresses 1 .. warmRangeEnd-1 are warm too (warmAddressRange). */
  private warmRangeEnd = 0;
  private readonly warmSlots = new Map<Word, Set<Word>>();
  readonly destructed = new Set<AccountState>();
  private readonly createdInTx = new Set<Word>();
  private readonly withOriginals: AccountState[] = [];
  private readonly withTransient: AccountState[] = [];
  refund = 0;
  logs: Log[] = [];
  /** The ripemd160 touch that survives a revert (mainnet consensus quirk, block 2675119). */
  private ripemdTouchedInTx = false;
  /** The original value of the slot `storeSlot` wrote last. */
  storedOriginal: Word = 0;
  private observer: AccessObserver | null = null;
  private accessEpoch = 0;

  constructor(readonly reader: StateReader) {}

  // ---------- access observers ----------

  /** Tells `observer` of first accesses from the next access epoch on (null: no one). */
  observe(observer: AccessObserver | null): void {
    this.observer = observer;
  }

  /** Starts a new access epoch, and returns it: the next access to every account is a first access again. */
  beginAccessEpoch(): number {
    return ++this.accessEpoch;
  }

  private accessed(account: AccountState): void {
    account.accessEpoch = this.accessEpoch;
    this.observer!.accountAccessed(account);
  }

  // ---------- accounts ----------

  account(address: Word): AccountState {
    return this.held(address) ?? (this.lastAccount = this.load(address, this.reader.readAccount(address)));
  }

  /** `account`, where the caller already holds what the reader has for it (`info`). */
  accountKnown(address: Word, info: AccountInfo | null): AccountState {
    return this.held(address) ?? (this.lastAccount = this.load(address, info));
  }

  /** The account when the world holds it already (told to the observer as an access), else undefined. */
  private held(address: Word): AccountState | undefined {
    // The last account asked for is asked for again most of the time (a contract's storage
    // operations, a balance read and then written); accounts never leave the map.
    let account = this.lastAccount;
    if (account === null || account.address !== address) {
      const found = this.accounts.get(address);
      if (found === undefined) return undefined;
      this.lastAccount = account = found;
    }
    if (this.observer !== null && account.accessEpoch !== this.accessEpoch) this.accessed(account);
    return account;
  }

  private load(address: Word, info: AccountInfo | null, observed = true): AccountState {
    const account = new AccountState(address);
    if (info !== null) {
      account.exists = true;
      account.nonce = info.nonce;
      account.balance = info.balance;
      account.codeHash = info.codeHash;
    }
    this.accounts.set(address, account);
    if (this.observer !== null && observed) this.accessed(account);
    return account;
  }

  exists(address: Word): boolean {
    return this.account(address).exists;
  }

  /** EIP-161 "dead": not existing, or existing and empty. */
  isDead(address: Word): boolean {
    const a = this.account(address);
    return !a.exists || a.isEmpty();
  }

  getBalance(address: Word): bigint {
    return this.account(address).balance;
  }

  getNonce(address: Word): bigint {
    return this.account(address).nonce;
  }

  getCodeHash(address: Word): Word {
    return this.account(address).codeHash;
  }

  getCode(address: Word): Uint8Array {
    return this.codeOf(this.account(address));
  }

  codeOf(account: AccountState): Uint8Array {
    if (account.code === null) {
      account.code = account.codeHash === KECCAK_EMPTY_WORD ? EMPTY_BYTES : this.reader.readCode(account.codeHash);
    }
    return account.code;
  }

  private markExists(account: AccountState): void {
    if (!account.exists) {
      this.journal.push(new JournalEntry(J.Exists, account, 0, false));
      account.exists = true;
    }
    account.dirty = true;
  }

  setBalance(address: Word, balance: bigint): void {
    this.setAccountBalance(this.account(address), balance);
  }

  private setAccountBalance(account: AccountState, balance: bigint): void {
    this.journal.push(new JournalEntry(J.Balance, account, 0, account.balance));
    account.balance = balance;
    this.markExists(account);
    this.touchAccount(account);
  }

  addBalance(address: Word, amount: bigint): void {
    this.setBalance(address, this.account(address).balance + amount);
  }

  /**
   * Credits a transaction's fee to the coinbase, as addBalance. Paying a fee reads nothing, so an
   * observer is not told of the access; a zero fee only touches the account (EIP-161), which is
   * an access like any other.
   */
  payFee(coinbase: Word, fee: bigint): void {
    if (fee === 0n || this.observer === null) {
      this.addBalance(coinbase, fee);
      return;
    }
    const account = this.accounts.get(coinbase) ?? this.load(coinbase, this.reader.readAccount(coinbase), false);
    this.setAccountBalance(account, account.balance + fee);
    this.observer.feePaid(account, fee);
  }

  subBalance(address: Word, amount: bigint): void {
    this.setBalance(address, this.account(address).balance - amount);
  }

  setNonce(address: Word, nonce: bigint): void {
    const account = this.account(address);
    this.journal.push(new JournalEntry(J.Nonce, account, 0, account.nonce));
    account.nonce = nonce;
    this.markExists(account);
  }

  setCode(address: Word, code: Uint8Array): void {
    const account = this.account(address);
    this.journal.push(new JournalEntry(J.Code, account, 0, [account.codeHash, account.code]));
    account.code = code;
    account.codeHash = code.length === 0 ? KECCAK_EMPTY_WORD : fromBytes(keccak256(code), 0, 32);
    this.markExists(account);
  }

  /** EIP-161 touch: an empty touched account is deleted at the end of the transaction. */
  touch(address: Word): void {
    this.touchAccount(this.account(address));
  }

  private touchAccount(account: AccountState): void {
    if (!this.touched.has(account)) {
      this.touched.add(account);
      this.journal.push(new JournalEntry(J.Touch, account, 0, null));
      if (account.address === RIPEMD160_ADDRESS) this.ripemdTouchedInTx = true;
    }
  }

  /**
   * A new account at `address` for CREATE/CREATE2 (or a transaction creating a contract): keeps the
   * balance of an existing (pre-funded) account, resets everything else.
   */
  createAccount(address: Word): void {
    const account = this.account(address);
    const snapshot: AccountSnapshot = {
      nonce: account.nonce,
      balance: account.balance,
      codeHash: account.codeHash,
      code: account.code,
      exists: account.exists,
      storageCleared: account.storageCleared,
      storageEpoch: account.storageEpoch,
      storage: new Map(account.storage),
    };
    this.journal.push(new JournalEntry(J.Create, account, 0, snapshot));
    account.nonce = 0n;
    account.codeHash = KECCAK_EMPTY_WORD;
    account.code = EMPTY_BYTES;
    account.exists = true;
    account.storageCleared = true;
    account.storageEpoch++;
    account.storage = NO_STORAGE;
    account.dirty = true;
    this.journal.push(new JournalEntry(J.Created, null, address, this.createdInTx.has(address)));
    this.createdInTx.add(address);
  }

  wasCreatedInTx(address: Word): boolean {
    return this.createdInTx.has(address);
  }

  /** True when the account has any storage (EIP-7610 collision check). */
  hasStorage(address: Word): boolean {
    const account = this.account(address);
    for (const v of account.storage.values()) if (v !== 0) return true;
    if (account.storageCleared || !account.exists) return false;
    return this.reader.hasStorage?.(account.address) ?? false;
  }

  markDestructed(address: Word): void {
    const account = this.account(address);
    if (!this.destructed.has(account)) {
      this.destructed.add(account);
      this.journal.push(new JournalEntry(J.Destruct, account, 0, null));
    }
  }

  isDestructed(address: Word): boolean {
    const account = this.accounts.get(address);
    return account !== undefined && this.destructed.has(account);
  }

  // ---------- storage ----------

  getStorage(address: Word, slot: Word): Word {
    return this.storageOf(this.account(address), slot);
  }

  storageOf(account: AccountState, slot: Word): Word {
    let value = account.storage.get(slot);
    if (value === undefined) {
      value = account.storageCleared || !account.exists ? 0 : this.reader.readStorage(account.address, slot);
      writableStorage(account).set(slot, value);
    }
    if (this.observer !== null) {
      // An account held from an earlier epoch is accessed again through its storage.
      if (account.accessEpoch !== this.accessEpoch) this.accessed(account);
      this.observer.slotAccessed(account, slot, value);
    }
    return value;
  }

  /**
   * SSTORE's state side, in one lookup of the account and the slot: writes `value` and returns the
   * slot's value before it; the slot's value at the transaction's start (EIP-1283/2200 "original
   * value") is left in `storedOriginal`.
   */
  storeSlot(address: Word, slot: Word, value: Word): Word {
    const account = this.account(address);
    const current = this.storageOf(account, slot);
    let originals = account.original;
    if (originals === null) {
      account.original = originals = new Map();
      this.withOriginals.push(account);
    }
    const original = originals.get(slot);
    if (original === undefined) {
      originals.set(slot, current);
      this.storedOriginal = current;
    } else {
      this.storedOriginal = original;
    }
    this.journal.push(new JournalEntry(J.Storage, account, slot, current));
    writableStorage(account).set(slot, value);
    account.dirty = true;
    return current;
  }

  setStorage(address: Word, slot: Word, value: Word): void {
    this.storeSlot(address, slot, value);
  }

  getTransient(address: Word, slot: Word): Word {
    return this.account(address).transient?.get(slot) ?? 0;
  }

  setTransient(address: Word, slot: Word, value: Word): void {
    const account = this.account(address);
    if (account.transient === null) {
      account.transient = new Map();
      this.withTransient.push(account);
    }
    this.journal.push(new JournalEntry(J.Transient, account, slot, account.transient.get(slot) ?? 0));
    account.transient.set(slot, value);
  }

  // ---------- EIP-2929 access lists ----------

  /**
   * Addresses 1 .. end-1 are warm until the transaction ends (the precompiles, warm from its
   * start): a range instead of ten or more set entries and journal entries per transaction. Warm
   * from the start, they never need reverting.
   */
  warmAddressRange(end: number): void {
    this.warmRangeEnd = end;
  }

  /** Marks the address warm; returns whether it was cold. */
  warmAddress(address: Word): boolean {
    if (this.isWarmAddress(address)) return false;
    this.warmAddresses.add(address);
    this.journal.push(new JournalEntry(J.WarmAddress, null, address, null));
    return true;
  }

  isWarmAddress(address: Word): boolean {
    return (typeof address === "number" && address > 0 && address < this.warmRangeEnd) || this.warmAddresses.has(address);
  }

  /** Marks the slot warm; returns whether it was cold. */
  warmSlot(address: Word, slot: Word): boolean {
    let slots = this.warmSlots.get(address);
    if (slots === undefined) {
      slots = new Set();
      this.warmSlots.set(address, slots);
    }
    if (slots.has(slot)) return false;
    slots.add(slot);
    this.journal.push(new JournalEntry(J.WarmSlot, null, address, slot));
    return true;
  }

  // ---------- refunds and logs ----------

  addRefund(amount: number): void {
    this.journal.push(new JournalEntry(J.Refund, null, 0, this.refund));
    this.refund += amount;
  }

  addLog(log: Log): void {
    this.journal.push(new JournalEntry(J.Log, null, 0, null));
    this.logs.push(log);
  }

  // ---------- checkpoints ----------

  checkpoint(): number {
    return this.journal.length;
  }

  /** Keeps the changes since the checkpoint (they stay revertible by an outer checkpoint). */
  commit(_checkpoint: number): void {}

  revert(checkpoint: number): void {
    const journal = this.journal;
    while (journal.length > checkpoint) this.undo(journal.pop()!);
  }

  private undo(e: JournalEntry): void {
    const a = e.account!;
    switch (e.kind) {
      case J.Balance:
        a.balance = e.prev as bigint;
        break;
      case J.Nonce:
        a.nonce = e.prev as bigint;
        break;
      case J.Code: {
        const [hash, code] = e.prev as [Word, Uint8Array | null];
        a.codeHash = hash;
        a.code = code;
        break;
      }
      case J.Storage:
        writableStorage(a).set(e.key, e.prev as Word);
        break;
      case J.Transient:
        a.transient!.set(e.key, e.prev as Word);
        break;
      case J.Exists:
        a.exists = false;
        break;
      case J.Create: {
        const s = e.prev as AccountSnapshot;
        a.nonce = s.nonce;
        a.balance = s.balance;
        a.codeHash = s.codeHash;
        a.code = s.code;
        a.exists = s.exists;
        a.storageCleared = s.storageCleared;
        a.storageEpoch = s.storageEpoch;
        a.storage = s.storage.size === 0 ? NO_STORAGE : new Map(s.storage);
        break;
      }
      case J.Touch:
        // The ripemd160 touch survives reverts (geth behaviour since block 2675119).
        if (a.address !== RIPEMD160_ADDRESS) this.touched.delete(a);
        break;
      case J.WarmAddress:
        this.warmAddresses.delete(e.key);
        break;
      case J.WarmSlot:
        this.warmSlots.get(e.key)!.delete(e.prev as Word);
        break;
      case J.Destruct:
        this.destructed.delete(a);
        break;
      case J.Created:
        if (!(e.prev as boolean)) this.createdInTx.delete(e.key);
        break;
      case J.Refund:
        this.refund = e.prev as number;
        break;
      case J.Log:
        this.logs.pop();
        break;
    }
  }

  // ---------- end of transaction ----------

  /**
   * Empties the world for another transaction over the same reader, as a new world would be (a
   * Block-STM incarnation, which may have stopped midway): its empty tables are kept, not made again.
   */
  reset(): void {
    this.accounts.clear();
    this.lastAccount = null;
    this.clearTransactionState();
    if (this.logs.length > 0) this.logs = [];
    this.storedOriginal = 0;
  }

  /**
   * Ends a transaction: deletes self-destructed accounts and (EIP-161) touched empty accounts,
   * clears per-transaction state. Returns the logs the transaction emitted.
   */
  finalizeTransaction(rules: ForkRules): Log[] {
    for (const account of this.destructed) this.deleteAccount(account);
    if (rules.eip158) {
      for (const account of this.touched) {
        if (account.exists && account.isEmpty()) this.deleteAccount(account);
      }
    }
    for (const account of this.touched) account.dirty = true;
    for (const account of this.withOriginals) account.original = null;
    for (const account of this.withTransient) account.transient = null;
    this.clearTransactionState();
    const logs = this.logs;
    this.logs = [];
    return logs;
  }

  /** Forgets the per-transaction state (warm sets, touches, journal, refund), as a new world has it. */
  private clearTransactionState(): void {
    this.withOriginals.length = 0;
    this.withTransient.length = 0;
    clearIfAny(this.touched);
    clearIfAny(this.destructed);
    clearIfAny(this.createdInTx);
    clearIfAny(this.warmAddresses);
    this.warmRangeEnd = 0;
    clearIfAny(this.warmSlots);
    this.journal.length = 0;
    this.refund = 0;
    this.ripemdTouchedInTx = false;
  }

  private deleteAccount(account: AccountState): void {
    account.exists = false;
    account.nonce = 0n;
    account.balance = 0n;
    account.codeHash = KECCAK_EMPTY_WORD;
    account.code = EMPTY_BYTES;
    account.storage = NO_STORAGE;
    account.storageCleared = true;
    account.storageEpoch++;
    account.dirty = true;
  }

  // ---------- committed changes (assembling a parallel execution's post-state) ----------

  /**
   * Applies a change that is already final, as the parallel executor replays transactions' write
   * sets in order: no journal and no per-transaction bookkeeping. A balance given with `delta`
   * is added. Returns the account, for `deleteIfEmpty`.
   */
  commitBalance(account: AccountState, value: bigint, delta: boolean): AccountState {
    account.balance = delta ? account.balance + value : value;
    account.exists = true;
    account.dirty = true;
    return account;
  }

  commitNonce(account: AccountState, nonce: bigint): AccountState {
    account.nonce = nonce;
    account.exists = true;
    account.dirty = true;
    return account;
  }

  commitCode(account: AccountState, codeHash: Word, code: Uint8Array): AccountState {
    account.codeHash = codeHash;
    account.code = code;
    account.exists = true;
    account.dirty = true;
    return account;
  }

  commitStorage(account: AccountState, slot: Word, value: Word): AccountState {
    writableStorage(account).set(slot, value);
    account.dirty = true;
    return account;
  }

  /** The account no longer exists (its storage with it). */
  commitDeletion(account: AccountState): void {
    this.deleteAccount(account);
  }

  /** The account's storage before the block is gone (a contract destroyed in the block): only slots committed after this count. */
  commitStorageCleared(account: AccountState): AccountState {
    account.storage = NO_STORAGE;
    account.storageCleared = true;
    account.storageEpoch++;
    account.dirty = true;
    return account;
  }

  /** EIP-161: an account a transaction left empty is deleted. */
  deleteIfEmpty(account: AccountState): void {
    if (account.exists && account.isEmpty()) this.deleteAccount(account);
  }

  /**
   * Every account loaded since the start, dirty or not: for loops over a transaction's own world,
   * which check `dirty` themselves (a Map iterator, where the generator below costs more).
   */
  loadedAccounts(): IterableIterator<AccountState> {
    return this.accounts.values();
  }

  /** Accounts changed (or touched) since the start: the block's write set. */
  *dirtyAccounts(): IterableIterator<AccountState> {
    for (const account of this.accounts.values()) if (account.dirty) yield account;
  }
}

/** Empties a set or map that holds anything: clearing allocates a new table even for an empty one (44 ns), and most of a transaction's are empty. */
function clearIfAny(collection: { readonly size: number; clear(): void }): void {
  if (collection.size > 0) collection.clear();
}

const EMPTY_BYTES = new Uint8Array(0);
