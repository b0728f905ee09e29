// What an observer of a world (AccessObserver) needs of each account to tell what a phase (a
// transaction, or the system changes before or after them) read and changed: the account as the
// phase found it, and the slots the phase accessed with their values at its start. The recording
// executor's traces (recording.ts) and the partitioned executor's marks (parallel/partitionTracker.ts)
// build on it.
import { canWriteOwnStorage } from "../evm/code.js";
import type { Word } from "../primitives/word.js";
import { KECCAK_EMPTY_WORD } from "../state/reader.js";
import type { AccessObserver, AccountState, WorldState } from "../state/world.js";

/** A slot's value when the phase `phase` first accessed it: one per account and slot for the block, reused by every phase. */
export class SlotStart {
  phase = -1;
  value: Word = 0;

  constructor(readonly slot: Word) {}
}

const NO_SLOTS: readonly SlotStart[] = Object.freeze([]) as readonly SlotStart[];

/** An account as the running phase found it (an account's `observerData` extends this). */
export class PhaseAccount {
  startExists = false;
  startNonce = 0n;
  startBalance = 0n;
  startCodeHash: Word = KECCAK_EMPTY_WORD;
  startStorageEpoch = 0;
  /**
   * The slots the phase `slotsPhase` accessed, the first `slotCount` entries, with their values at
   * its start. Kept per slot for the block (a map emptied per phase allocated a new table each time).
   */
  readonly phaseSlots: SlotStart[] = [];
  slotCount = 0;
  slotsPhase = -1;
  private slotStarts: Map<Word, SlotStart> | null = null;
  /** The slot of the phase's last access (-1: none): a slot is mostly accessed several times in a row (SLOAD, then SSTORE). */
  private lastSlot: Word = -1;

  /** Notes the account as the running phase finds it, at its first access in the phase. */
  begin(account: AccountState): void {
    this.startExists = account.exists;
    this.startNonce = account.nonce;
    this.startBalance = account.balance;
    this.startCodeHash = account.codeHash;
    this.startStorageEpoch = account.storageEpoch;
  }

  /**
   * Notes an access to `slot` in `phase` (`value`: its value now): the slot's entry at the phase's
   * first access to it, else null.
   */
  firstSlotAccess(phase: number, slot: Word, value: Word): SlotStart | null {
    if (this.slotsPhase !== phase) {
      this.slotsPhase = phase;
      this.slotCount = 0;
    } else if (slot === this.lastSlot) {
      return null;
    }
    this.lastSlot = slot;
    let starts = this.slotStarts;
    if (starts === null) this.slotStarts = starts = new Map();
    let start = starts.get(slot);
    if (start === undefined) starts.set(slot, (start = this.newSlotStart(slot)));
    else if (start.phase === phase) return null;
    start.phase = phase;
    start.value = value;
    this.phaseSlots[this.slotCount++] = start;
    return start;
  }

  /** The entry of a slot first accessed in the block: an observer keeps more per slot in a subclass of SlotStart. */
  protected newSlotStart(slot: Word): SlotStart {
    return new SlotStart(slot);
  }

  /** The entry of every slot accessed since the account's trace began, in the order of first access. */
  slotEntries(): readonly SlotStart[] {
    return this.slotStarts === null ? NO_SLOTS : [...this.slotStarts.values()];
  }

  /** How many slots `phase` accessed (phaseSlots' first entries). */
  slotsIn(phase: number): number {
    return this.slotsPhase === phase ? this.slotCount : 0;
  }
}

/**
 * How the running phase changed one account, as `PhaseChanges.of` finds it: one object per
 * observer, filled again for each account (no allocation per account).
 */
export class PhaseChanges {
  nonce = 0n;
  balance = 0n;
  codeHash: Word = KECCAK_EMPTY_WORD;
  beforeNonce = 0n;
  beforeBalance = 0n;
  beforeCode: Word = KECCAK_EMPTY_WORD;
  /** How many slots the phase accessed (the account's phaseSlots' first entries, with their values at its start). */
  slots = 0;
  /** The phase only credited the account's balance (the phase's code-less transfer recipient): no read, no other change. */
  creditOnly = false;
  /**
   * Whether the fee paid to the phase's fee account (payFee, not an access) is part of an
   * absolute write of its balance; while false, `of` leaves the fee out of that account's balance
   * and the observer credits it on its own.
   */
  feeFolded = true;
  private feeAccount: AccountState | null = null;
  private fee = 0n;

  /** Starts a phase's changes: the fee it paid with payFee, if any (see feeFolded). */
  start(feeAccount: AccountState | null, fee: bigint): void {
    this.feeAccount = feeAccount;
    this.fee = fee;
    this.feeFolded = feeAccount === null;
  }

  /** Fills in how `phase` changed `account` (`lazyCredited`: the address its transfer credited without a read, or -1). */
  of(account: AccountState, start: PhaseAccount, phase: number, lazyCredited: Word): void {
    const nonce = account.exists ? account.nonce : 0n;
    let balance = account.exists ? account.balance : 0n;
    const codeHash = account.exists ? account.codeHash : KECCAK_EMPTY_WORD;
    const beforeNonce = start.startExists ? start.startNonce : 0n;
    const beforeBalance = start.startExists ? start.startBalance : 0n;
    const beforeCode = start.startExists ? start.startCodeHash : KECCAK_EMPTY_WORD;
    if (account === this.feeAccount && !this.feeFolded) {
      // The fee goes into the balance written when the account changed otherwise; else it is a credit, written last.
      const withoutFee = account.exists ? balance - this.fee : 0n;
      if (withoutFee !== beforeBalance || nonce !== beforeNonce || codeHash !== beforeCode || !account.exists) this.feeFolded = true;
      else balance = withoutFee;
    }
    const slots = start.slotsIn(phase);
    this.nonce = nonce;
    this.balance = balance;
    this.codeHash = codeHash;
    this.beforeNonce = beforeNonce;
    this.beforeBalance = beforeBalance;
    this.beforeCode = beforeCode;
    this.slots = slots;
    this.creditOnly = account.address === lazyCredited && nonce === beforeNonce && codeHash === beforeCode && balance >= beforeBalance && slots === 0;
  }
}

/**
 * An observer of a world's accesses, phase by phase (AccessObserver): the accounts each phase
 * accessed, the code-less transfer recipient it credited without reading, and the fee it paid.
 */
export abstract class PhaseObserver implements AccessObserver {
  /** The running phase: the world's access epoch. */
  protected phase = 0;
  /**
   * The accounts the phase accessed, in the order of their first access: the first `accessedCount`
   * entries (one array for the block: a new one per phase was most of an observer's garbage).
   */
  protected readonly accessed: AccountState[] = [];
  protected accessedCount = 0;
  /** The running transaction's code-less transfer recipient, credited without reading its balance (-1: none). */
  private lazyCandidate: Word = -1;
  protected lazyCredited: Word = -1;
  /** The code of every code the phases deployed, by hash. */
  readonly codes = new Map<Word, Uint8Array>();
  /** The fee the phase credited with payFee, and to whom. */
  protected feeAccount: AccountState | null = null;
  protected fee = 0n;
  private readonly change = new PhaseChanges();

  constructor(readonly world: WorldState) {
    world.observe(this);
  }

  abstract accountAccessed(account: AccountState): void;
  abstract slotAccessed(account: AccountState, slot: Word, value: Word): void;

  /** Starts a phase: a transaction whose code-less transfer recipient, if any, is `lazyCandidate` (else -1). */
  protected beginPhase(lazyCandidate: Word): void {
    this.accessedCount = 0;
    this.lazyCandidate = lazyCandidate;
    this.lazyCredited = -1;
    this.feeAccount = null;
    this.fee = 0n;
    this.phase = this.world.beginAccessEpoch();
  }

  /**
   * Notes the phase's first access to `account` (`start`: its observer data). False when it is the
   * phase's code-less transfer recipient, whose balance the phase credits without reading it.
   */
  protected noteAccount(account: AccountState, start: PhaseAccount): boolean {
    start.begin(account);
    this.accessed[this.accessedCount++] = account;
    if (account.address === this.lazyCandidate && account.codeHash === KECCAK_EMPTY_WORD) {
      this.lazyCredited = account.address;
      return false;
    }
    return true;
  }

  feePaid(account: AccountState, fee: bigint): void {
    this.feeAccount = account;
    this.fee = fee;
  }

  /** Keeps the code `account` holds now (its code changed in the phase). */
  protected noteCode(account: AccountState): void {
    if (account.exists && account.codeHash !== KECCAK_EMPTY_WORD && account.code !== null) this.codes.set(account.codeHash, account.code);
  }

  /** A code the phases deployed, or the pre-state's. */
  readCode(codeHash: Word): Uint8Array {
    return this.codes.get(codeHash) ?? this.world.reader.readCode(codeHash);
  }

  /**
   * Whether the phase destroyed the storage of a contract that existed before it (SELFDESTRUCT
   * before Cancun) and may have held some: then every slot of it reads 0 from the phase on.
   */
  protected lostStorage(account: AccountState, start: PhaseAccount, beforeCode: Word): boolean {
    if (account.storageEpoch === start.startStorageEpoch || !account.storageCleared || beforeCode === KECCAK_EMPTY_WORD) return false;
    return (this.world.reader.hasStorage?.(account.address) ?? true) || canWriteOwnStorage(this.readCode(beforeCode));
  }

  /** Starts going over how the phase changed its accounts (`changes.of` for each). */
  protected startChanges(): PhaseChanges {
    this.change.start(this.feeAccount, this.fee);
    return this.change;
  }
}
