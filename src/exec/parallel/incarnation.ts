// One transaction incarnation on a worker: execute against multi-version memory through a
// recording reader, turn the world's changes into a write set, and validate read sets.
import { canWriteOwnStorage, CodeCache } from "../../evm/code.js";
import type { BlockEnv } from "../../evm/env.js";
import type { ForkRules } from "../../fork/forks.js";
import { Evm } from "../../evm/interpreter.js";
import { applyTransaction, InvalidTransactionError, type TxResult } from "../../evm/processor.js";
import type { Word } from "../../primitives/word.js";
import type { MemoryAccount, MemoryState } from "../../state/memory.js";
import { KECCAK_EMPTY_WORD, type AccountInfo, type StateReader } from "../../state/reader.js";
import { WorldState } from "../../state/world.js";
import { LocationKind, normWord, ReadStatus, type AddressKey, type MvMemory } from "./mvmemory.js";
import type { TransactionSource } from "./txCodec.js";
import { lazyTransferRecipient } from "../recording.js";

/** Thrown through the EVM when a read hits an ESTIMATE: the incarnation stops at once. */
export class ReadBlocked {
  /** `barrier`: a planned wait (a read of the coinbase before every lower transaction ran), not a conflict. */
  constructor(
    readonly blockingTx: number,
    readonly barrier = false,
  ) {}
}
const READ_BLOCKED_SHAPE = new ReadBlocked(-1, false);
void READ_BLOCKED_SHAPE;

/** Why a transaction cannot run in parallel: the executors stop, and the main thread runs it and the rest of the block in order. */
export class FallbackNeeded {
  constructor(readonly reason: string) {}
}

/** An account's address key (one object: no typed array per account), table slot and storage locations. */
export interface AccountLocations extends AddressKey {
  address: Word;
  /** The account's table slot in the shared memory (its fields are slot * 4 + kind), or -1. */
  slot: number;
  slots: Map<Word, number> | null;
  /** The account in the pre-state (null: absent), looked up once with the locations. */
  base: MemoryAccount | null;
  /** The incarnation (VersionedReader.stamp) that last read the account; `readInfo` is what it read. */
  readStamp: number;
  readInfo: AccountInfo | null;
  /** The incarnation that last read any of the account's slots; `slotValues` holds what it read. */
  slotStamp: number;
  slotValues: Map<Word, Word> | null;
}

export class VersionedReader implements StateReader {
  tx = 0;
  readonly readLocs: number[] = [];
  readonly readValues: (Word | bigint)[] = [];
  /**
   * Numbers this reader's incarnations: an account's `readStamp` (`slotStamp`) equal to it means
   * this incarnation read the account (slots), and `readInfo` (`slotValues`) holds what it read,
   * for computing its writes. Kept on the accounts' locations: no map per incarnation.
   */
  stamp = 0;

  /**
   * The block's coinbase, and the highest transaction below a given one that has not executed yet
   * (-1: none). Every transaction credits the coinbase its fee as a delta, so a transaction that
   * reads the coinbase account (a payout from the miner, a tip sent to it by a contract) sees the
   * sum of all lower transactions' fees: run before they have, it would be aborted again and again.
   * It waits for them instead.
   */
  coinbase: Word = -1;
  unexecutedBelow: ((tx: number) => number) | null = null;

  /**
   * The recipient of this transaction's plain value transfer (-1: none). When it has no code, the
   * transaction credits it without reading its balance: the balance reads as 0 and the credit is
   * written as a delta (`lazyCredited`), so that many transactions paying one account (an
   * exchange's deposit address) do not conflict. A later reader of that balance sums the deltas.
   */
  lazyCandidate: Word = -1;
  /** The account whose balance this incarnation credited without reading it (-1: none). */
  lazyCredited: Word = -1;

  constructor(
    readonly mv: MvMemory,
    readonly base: MemoryState,
  ) {}

  /** The EVM (and world) of this reader's incarnations: made for the first, emptied for each next one. */
  private evm: Evm | null = null;

  /** The EVM for the next incarnation, over an empty world reading through this reader. */
  evmFor(ctx: BlockContext): Evm {
    let evm = this.evm;
    if (evm === null) {
      this.evm = evm = new Evm(new WorldState(this), ctx.env, ctx.rules, ctx.codeCache);
      evm.deferCoinbaseFee = true;
    } else {
      // A new world per incarnation cost a handful of tables each (about 1 KB).
      evm.world.reset();
      evm.deferredFee = 0n;
    }
    return evm;
  }

  begin(tx: number, lazyCandidate: Word = -1): void {
    this.tx = tx;
    this.lazyCandidate = lazyCandidate;
    this.lazyCredited = -1;
    this.readLocs.length = 0;
    this.readValues.length = 0;
    this.stamp++;
  }

  /** The account as this incarnation first read it (null: absent or not read). */
  accountRead(a: AccountLocations): AccountInfo | null {
    return a.readStamp === this.stamp ? a.readInfo : null;
  }

  /** The slots of the account this incarnation read, with the values it read (null: none). */
  slotsRead(a: AccountLocations): Map<Word, Word> | null {
    return a.slotStamp === this.stamp ? a.slotValues : null;
  }

  /** Location ids of this run, by address: hashing 256-bit keys into the shared table is costly. */
  private readonly locs = new Map<Word, AccountLocations>();
  /**
   * The same, by table slot: the main thread assembles the post-state by table slot, and for the
   * accounts it ran it need not decode the address or look the account up in the pre-state again.
   */
  readonly bySlot: (AccountLocations | undefined)[] = [];

  /** The shared locations of an account, cached per worker for the block; `slot` is its table slot (fields: slot * 4 + kind). */
  account(address: Word): AccountLocations {
    let a = this.locs.get(address);
    if (a === undefined) {
      a = this.mv.addressKey(address, { address, k0: 0, k1: 0, k2: 0, k3: 0, k4: 0, slot: -1, slots: null, base: this.base.accounts.get(address) ?? null, readStamp: -1, readInfo: null, slotStamp: -1, slotValues: null });
      a.slot = this.mv.accountSlot(a);
      this.locs.set(address, a);
      this.bySlot[a.slot] = a;
    }
    return a;
  }

  /** The shared location of one of an account's storage slots. */
  storageLoc(a: AccountLocations, slot: Word): number {
    if (a.slots === null) a.slots = new Map();
    let id = a.slots.get(slot);
    if (id === undefined) a.slots.set(slot, (id = this.mv.storageLocation(a, slot)));
    return id;
  }

  /**
   * Resolves location `loc` for this transaction and records the read; `baseValue` is its
   * pre-state value. The caller has noted the reader (one note covers an account's three fields).
   */
  private field(loc: number, baseValue: Word | bigint): Word | bigint {
    const mv = this.mv;
    switch (mv.read(loc, this.tx)) {
      case ReadStatus.Value:
        this.readLocs.push(loc);
        this.readValues.push(mv.resolved);
        return mv.resolved;
      case ReadStatus.Base:
        if (mv.resolved === 0n) {
          // Nothing written below this transaction: validation need only check that still holds.
          this.readLocs.push(~loc);
          this.readValues.push(0);
          return baseValue;
        } else {
          const value = BigInt(baseValue) + (mv.resolved as bigint);
          this.readLocs.push(loc);
          this.readValues.push(value);
          return value;
        }
      default:
        throw new ReadBlocked(mv.blockingTx);
    }
  }

  readAccount(address: Word): AccountInfo | null {
    if (address === this.coinbase && this.unexecutedBelow !== null) {
      const lower = this.unexecutedBelow(this.tx);
      if (lower >= 0) throw new ReadBlocked(lower, true);
    }
    const locations = this.account(address);
    const base = locations.base;
    const at = locations.slot << 2;
    this.mv.noteReader(at, this.tx);
    const nonce = BigInt(this.field(at | LocationKind.Nonce, base?.nonce ?? 0n));
    const codeHash = this.field(at | LocationKind.CodeHash, base?.codeHash ?? KECCAK_EMPTY_WORD) as Word;
    // The only reader of a code-less recipient is the transfer itself, which adds to whatever is there.
    const lazy = address === this.lazyCandidate && codeHash === KECCAK_EMPTY_WORD;
    if (lazy) this.lazyCredited = address;
    const balance = lazy ? 0n : BigInt(this.field(at | LocationKind.Balance, base?.balance ?? 0n));
    // An empty account exists only when the pre-state has it (from EIP-161 on, touching deletes it;
    // a deletion is written as a zero balance). Older blocks, where empty accounts are created,
    // run sequentially.
    const empty = nonce === 0n && balance === 0n && codeHash === KECCAK_EMPTY_WORD;
    const info = empty && base === null ? null : { nonce, balance, codeHash };
    locations.readStamp = this.stamp;
    locations.readInfo = info;
    return info;
  }

  readCode(codeHash: Word): Uint8Array {
    if (this.base.codes.has(codeHash)) return this.base.codes.get(codeHash)!;
    const code = this.mv.findCode(codeHash);
    if (code === null) throw new Error(`parallel execution: no code for hash ${codeHash.toString(16)}`);
    return code;
  }

  readStorage(address: Word, slot: Word): Word {
    const locations = this.account(address);
    const loc = this.storageLoc(locations, slot);
    this.mv.noteReader(loc, this.tx);
    const value = normAny(this.field(loc, locations.base?.storage.get(slot) ?? 0));
    if (locations.slotStamp !== this.stamp) {
      locations.slotStamp = this.stamp;
      if (locations.slotValues === null) locations.slotValues = new Map();
      else locations.slotValues.clear();
    }
    locations.slotValues!.set(slot, value);
    return value;
  }

  hasStorage(address: Word): boolean {
    return this.base.hasStorage(address);
  }
}

function normAny(v: Word | bigint): Word {
  return typeof v === "bigint" ? normWord(v) : v;
}

/** What a worker keeps of an incarnation, sent to the main thread at the end of the block. */
export interface IncarnationResult {
  tx: number;
  incarnation: number;
  result: TxResult | null;
  /** Set when the transaction was invalid in this incarnation (its reads may have been stale). */
  invalid: string | null;
  /** The receipt's logs bloom, computed once by the worker for the final incarnation; null when it has no logs. */
  bloom: Uint8Array | null;
}

export interface BlockContext {
  env: BlockEnv;
  rules: ForkRules;
  /** The block's transactions (decoded on first use in worker threads). */
  transactions: TransactionSource;
  gasLimit: bigint;
  coinbase: Word;
  codeCache: CodeCache;
  /** For each transaction, the previous one from the same sender (-1: none): a known dependency. */
  previousFromSender: Int32Array;
}

/** Write-set buffers reused across incarnations. */
const writeLocs: number[] = [];
const writeValues: (Word | bigint)[] = [];
const writeIsDelta: boolean[] = [];

/**
 * Executes incarnation `incarnation` of `tx`. Returns the result to keep, or throws ReadBlocked
 * (nothing recorded) or FallbackNeeded. Records writes and reads in `reader.mv`; returns whether
 * a new location was written.
 */
export function executeIncarnation(ctx: BlockContext, reader: VersionedReader, tx: number, incarnation: number): { kept: IncarnationResult; wroteNew: boolean } {
  const transaction = ctx.transactions.get(tx);
  reader.begin(tx, lazyTransferRecipient(transaction, ctx.coinbase));
  const evm = reader.evmFor(ctx);
  const world = evm.world;
  let result: TxResult | null = null;
  let invalid: string | null = null;
  try {
    result = applyTransaction(evm, transaction, transaction.sender!, ctx.gasLimit);
  } catch (e) {
    if (!(e instanceof InvalidTransactionError)) throw e;
    invalid = e.message;
  }
  writeLocs.length = 0;
  writeValues.length = 0;
  writeIsDelta.length = 0;
  if (result !== null) collectWrites(world, reader, ctx.coinbase, evm.deferredFee);
  const wroteNew = reader.mv.record(tx, incarnation, writeLocs, writeValues, writeIsDelta, reader.readLocs, reader.readValues);
  return { kept: { tx, incarnation, result, invalid, bloom: null }, wroteNew };
}

function collectWrites(world: WorldState, reader: VersionedReader, coinbase: Word, fee: bigint): void {
  const mv = reader.mv;
  let feeFolded = fee === 0n;
  for (const account of world.loadedAccounts()) {
    if (!account.dirty) continue;
    const address = account.address;
    const locs = reader.account(address);
    const before = reader.accountRead(locs);
    const beforeNonce = before?.nonce ?? 0n;
    const beforeBalance = before?.balance ?? 0n;
    const beforeCode = before?.codeHash ?? KECCAK_EMPTY_WORD;
    const nonce = account.exists ? account.nonce : 0n;
    let balance = account.exists ? account.balance : 0n;
    const codeHash = account.exists ? account.codeHash : KECCAK_EMPTY_WORD;
    if (account.storageCleared && beforeCode !== KECCAK_EMPTY_WORD && mayHoldStorage(reader, address, beforeCode)) {
      // A contract that existed before this transaction lost its storage (pre-Cancun
      // SELFDESTRUCT): the slots to clear are unknown here.
      throw new FallbackNeeded("a pre-existing contract with storage self-destructed");
    }
    if (address === coinbase && !feeFolded && (balance !== beforeBalance || nonce !== beforeNonce || codeHash !== beforeCode)) {
      balance += fee;
      feeFolded = true;
    }
    const at = locs.slot << 2;
    if (address === reader.lazyCredited) {
      // Its balance was never read: what the transfer added is a delta (its other fields are unchanged).
      if (nonce !== beforeNonce || codeHash !== beforeCode || account.storage.size > 0 || balance < beforeBalance) {
        throw new Error(`internal: lazily credited account 0x${address.toString(16)} changed beyond its balance`);
      }
      if (balance !== beforeBalance) push(at | LocationKind.Balance, balance - beforeBalance, true);
      continue;
    }
    if (nonce !== beforeNonce) push(at | LocationKind.Nonce, nonce, false);
    // A deleted account that was empty already changes no field: its zero balance is written
    // anyway, so that the block's post-state (and later readers) see the deletion.
    if (balance !== beforeBalance || (!account.exists && before !== null)) push(at | LocationKind.Balance, balance, false);
    if (codeHash !== beforeCode) {
      push(at | LocationKind.CodeHash, codeHash, false);
      if (codeHash !== KECCAK_EMPTY_WORD && account.code !== null) mv.publishCode(codeHash, account.code);
    }
    const slotsBefore = reader.slotsRead(locs);
    for (const [slot, value] of account.storage) {
      const prior = account.storageCleared ? 0 : (slotsBefore?.get(slot) ?? 0);
      if (value !== prior) push(reader.storageLoc(locs, slot), value, false);
    }
  }
  if (!feeFolded) push((reader.account(coinbase).slot << 2) | LocationKind.Balance, fee, true);
}

/**
 * Whether a contract may hold storage when it self-destructs: it has some in the pre-state, or its
 * code could have written some earlier in the block. Gas-token contracts (tiny, storage-less
 * children created to be destroyed) hold none: their destruction deletes the account and nothing more.
 */
function mayHoldStorage(reader: VersionedReader, address: Word, codeHash: Word): boolean {
  return reader.base.hasStorage(address) || canWriteOwnStorage(reader.readCode(codeHash));
}

function push(loc: number, value: Word | bigint, delta: boolean): void {
  writeLocs.push(loc);
  writeValues.push(value);
  writeIsDelta.push(delta);
}

/** Block-STM validation: every read of `tx`'s last incarnation still resolves to the same value. */
export function validateReadSet(reader: VersionedReader, tx: number, describe: (loc: number) => { kind: LocationKind; address: Word; slot: Word }): boolean {
  const mv = reader.mv;
  const n = mv.readSetLength(tx);
  for (let i = 0; i < n; i++) {
    const recorded = mv.readSetLocation(tx, i);
    const plainBase = recorded < 0;
    const loc = plainBase ? ~recorded : recorded;
    let value: Word | bigint;
    switch (mv.read(loc, tx)) {
      case ReadStatus.Value:
        value = mv.resolved;
        break;
      case ReadStatus.Base: {
        if (plainBase && mv.resolved === 0n) continue;
        const base = baseValue(reader.base, describe(loc));
        value = mv.resolved === 0n ? base : BigInt(base) + (mv.resolved as bigint);
        break;
      }
      default:
        return false;
    }
    if (plainBase ? !sameWord(value, baseValue(reader.base, describe(loc))) : !mv.readSetValueEquals(tx, i, value)) return false;
  }
  return true;
}

function sameWord(a: Word | bigint, b: Word | bigint): boolean {
  return typeof a === typeof b ? a === b : BigInt(a) === BigInt(b);
}

function baseValue(base: MemoryState, loc: { kind: LocationKind; address: Word; slot: Word }): Word | bigint {
  const account = base.readAccount(loc.address);
  switch (loc.kind) {
    case LocationKind.Balance:
      return account?.balance ?? 0n;
    case LocationKind.Nonce:
      return account?.nonce ?? 0n;
    case LocationKind.CodeHash:
      return account?.codeHash ?? KECCAK_EMPTY_WORD;
    default:
      return base.readStorage(loc.address, loc.slot);
  }
}
