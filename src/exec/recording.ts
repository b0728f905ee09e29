// The recording executor: runs a block in order on one world, like the sequential executor, and
// keeps its execution record. The world tells the recorder (a PhaseObserver) of each
// transaction's first access to every account and slot; the recorder notes each such read with
// the version it saw, and after the transaction turns what changed into writes. Reads are taken
// at the granularity the parallel executor uses (an account's nonce, code and balance together; a
// storage slot), the coinbase's fees and code-less transfer recipients are credited without being
// read, so the record of a block is the same whichever executor produced it.
import { performance } from "node:perf_hooks";
import { canWriteOwnStorage, threadCodeCache, type CodeCache } from "../evm/code.js";
import type { ForkRules } from "../fork/forks.js";
import { Evm } from "../evm/interpreter.js";
import type { Word } from "../primitives/word.js";
import { KECCAK_EMPTY_WORD, type AccountInfo, type StateReader } from "../state/reader.js";
import { WorldState, type AccountState } from "../state/world.js";
import type { Block } from "../block/block.js";
import type { Transaction } from "../tx/types.js";
import type { Receipt } from "../block/receipt.js";
import { Field, PRE_STATE, TxStatus, type BlockRecord, type Location, type Read, type SystemChanges, type TxRecord, type Write } from "../records/record.js";
import { Status } from "../evm/interpreter.js";
import { BlockResultBuilder } from "./blockResult.js";
import { PhaseAccount, PhaseObserver, SlotStart } from "./phaseAccess.js";
import { applyBlockEpilogue, applyBlockPrologue, type EpilogueOutcome } from "./blockRules.js";
import { applyBlockTransaction, blockEnv, startBlock, type BlockResult, type ExecuteOptions } from "./sequential.js";

export type RecordedBlockResult = BlockResult & { record: BlockRecord };

const NO_CREDITS: readonly number[] = Object.freeze([]) as readonly number[];
/** `clearedBy` of an account whose storage no transaction of the block cleared. */
const NOT_CLEARED = -2;
/** `writer` of a slot no phase of the block wrote (below every version and NOT_CLEARED). */
const NO_WRITER = -3;
/** The writer of changes made after the transactions (rewards, withdrawals). */
const SYSTEM_POST_VERSION = Number.MAX_SAFE_INTEGER;

/** What the recorder keeps of a slot for the block: its last writer and its location, made once and shared by every read and write of it. */
class SlotTrace extends SlotStart {
  /** The version that last wrote the slot in the block (NO_WRITER: none); it counts from the account's `clearedBy` on. */
  writer = NO_WRITER;
  private storageLocation: Location | null = null;
  private lastRead: Read | null = null;

  constructor(
    slot: Word,
    private readonly address: Word,
  ) {
    super(slot);
  }

  location(): Location {
    return (this.storageLocation ??= { address: this.address, field: Field.Storage, slot: this.slot });
  }

  /** A read of the slot at `version`: the last one when it is the same (a slot most transactions read unchanged, such as a proxy's implementation, has one). */
  read(version: number): Read {
    const last = this.lastRead;
    if (last !== null && last.version === version) return last;
    return (this.lastRead = { location: this.location(), version, credits: NO_CREDITS });
  }
}

/**
 * What the recorder keeps of an account (its `observerData`): the version of each field, and the
 * account as the running transaction found it.
 */
class AccountTrace extends PhaseAccount {
  nonceVersion = PRE_STATE;
  balanceVersion = PRE_STATE;
  codeVersion = PRE_STATE;
  /** Credits added to the balance since its last absolute write. */
  balanceCredits: readonly number[] = NO_CREDITS;
  /** The transaction that destroyed the account's pre-existing storage, or NOT_CLEARED (slots written before it read as written by it). */
  clearedBy = NOT_CLEARED;
  /** The account's field locations, each made at its first use and shared by every read and write of it (records are read-only). */
  private balanceLocation: Location | null = null;
  private nonceLocation: Location | null = null;
  private codeLocation: Location | null = null;
  /**
   * The last read of each field (balance, nonce, code), shared by the next transactions that read
   * the same version with no credits (a contract's code and nonce, read by every call to it).
   */
  private lastBalanceRead: Read | null = null;
  private lastNonceRead: Read | null = null;
  private lastCodeRead: Read | null = null;

  constructor(readonly address: Word) {
    super();
  }

  protected override newSlotStart(slot: Word): SlotTrace {
    return new SlotTrace(slot, this.address);
  }

  /** The version a read of the slot sees: its last writer since the storage was last cleared, else the clearing or the pre-state. */
  slotVersion(slot: SlotTrace): number {
    if (slot.writer >= this.clearedBy) return slot.writer; // NO_WRITER is below NOT_CLEARED
    return this.clearedBy === NOT_CLEARED ? PRE_STATE : this.clearedBy;
  }

  location(field: Field.Nonce | Field.Balance | Field.Code): Location {
    if (field === Field.Balance) return (this.balanceLocation ??= { address: this.address, field, slot: 0 });
    if (field === Field.Nonce) return (this.nonceLocation ??= { address: this.address, field, slot: 0 });
    return (this.codeLocation ??= { address: this.address, field, slot: 0 });
  }

  /** A read of `field` at `version` plus `credits`: the last one when it is the same. */
  read(field: Field.Nonce | Field.Balance | Field.Code, version: number, credits: readonly number[]): Read {
    const last = field === Field.Balance ? this.lastBalanceRead : field === Field.Nonce ? this.lastNonceRead : this.lastCodeRead;
    if (last !== null && last.version === version && credits.length === 0 && last.credits.length === 0) return last;
    const read: Read = { location: this.location(field), version, credits: credits.length === 0 ? NO_CREDITS : credits.slice() };
    if (field === Field.Balance) this.lastBalanceRead = read;
    else if (field === Field.Nonce) this.lastNonceRead = read;
    else this.lastCodeRead = read;
    return read;
  }
}

function traceOf(account: AccountState): AccountTrace {
  let trace = account.observerData as AccountTrace | null;
  if (trace === null) account.observerData = trace = new AccountTrace(account.address);
  return trace;
}

/**
 * The recorder of one world: a phase is a transaction or the system changes before or after them.
 */
class BlockRecorder extends PhaseObserver {
  /**
   * The phase's reads and writes, gathered in arrays kept for the whole block and copied out at the
   * phase's end at their exact length: a record's arrays live until the block ends, and a push-grown
   * array holds up to twice its length (young-generation collections copy all of it).
   */
  private readonly readBuffer: Read[] = [];
  private readCount = 0;
  private readonly writeBuffer: Write[] = [];
  private writeCount = 0;
  /** Reads during system changes (no versions: only the pre-state lies below them). */
  systemReads: Location[] | null = null;

  /** Starts a phase: a transaction (whose code-less transfer recipient, if any, is `lazyCandidate`), or see beginSystem. */
  begin(lazyCandidate: Word): void {
    this.readCount = 0;
    this.systemReads = null;
    this.beginPhase(lazyCandidate);
  }

  beginSystem(): void {
    this.begin(-1);
    this.systemReads = [];
  }

  // ---------- the world's accesses ----------

  accountAccessed(account: AccountState): void {
    const trace = traceOf(account);
    const balanceRead = this.noteAccount(account, trace);
    this.noteField(trace, Field.Nonce, trace.nonceVersion, NO_CREDITS);
    this.noteField(trace, Field.Code, trace.codeVersion, NO_CREDITS);
    if (balanceRead) this.noteField(trace, Field.Balance, trace.balanceVersion, trace.balanceCredits);
  }

  slotAccessed(account: AccountState, slot: Word, value: Word): void {
    // The world told of the account's first access in the phase before this one.
    const trace = account.observerData as AccountTrace;
    const start = trace.firstSlotAccess(this.phase, slot, value) as SlotTrace | null;
    if (start === null) return;
    // The storage of a missing account, or one cleared in this phase, is read from nothing.
    if (!account.exists || account.storageEpoch !== trace.startStorageEpoch) return;
    if (this.systemReads !== null) this.systemReads.push(start.location());
    else this.readBuffer[this.readCount++] = start.read(trace.slotVersion(start));
  }

  private noteField(trace: AccountTrace, field: Field.Nonce | Field.Balance | Field.Code, version: number, credits: readonly number[]): void {
    if (this.systemReads !== null) this.systemReads.push(trace.location(field));
    else this.readBuffer[this.readCount++] = trace.read(field, version, credits);
  }

  /** The running phase's reads. */
  reads(): Read[] {
    return this.readBuffer.slice(0, this.readCount);
  }

  private write(location: Location, value: Word | bigint, credit: bigint | null): void {
    this.writeBuffer[this.writeCount++] = { location, value, credit };
  }

  // ---------- committing a phase's changes ----------

  /** Turns what the phase changed into writes, committed as version `version`. */
  commit(version: number): Write[] {
    this.writeCount = 0;
    const change = this.startChanges();
    for (let a = 0; a < this.accessedCount; a++) {
      const account = this.accessed[a]!;
      const trace = account.observerData as AccountTrace;
      change.of(account, trace, this.phase, this.lazyCredited);
      const { nonce, balance, codeHash, beforeNonce, beforeBalance, beforeCode } = change;
      if (change.creditOnly) {
        if (balance !== beforeBalance) this.credit(trace, version, balance - beforeBalance, balance);
        continue;
      }
      if (nonce !== beforeNonce) {
        trace.nonceVersion = version;
        this.write(trace.location(Field.Nonce), nonce, null);
      }
      if (balance !== beforeBalance || (!account.exists && trace.startExists)) {
        trace.balanceVersion = version;
        trace.balanceCredits = NO_CREDITS;
        this.write(trace.location(Field.Balance), balance, null);
      }
      if (codeHash !== beforeCode) {
        trace.codeVersion = version;
        this.noteCode(account);
        this.write(trace.location(Field.Code), codeHash, null);
      }
      const cleared = account.storageEpoch !== trace.startStorageEpoch;
      if (this.lostStorage(account, trace, beforeCode)) {
        // A pre-existing contract lost its storage (SELFDESTRUCT before Cancun): every slot now reads 0 as of this version.
        trace.clearedBy = version;
      }
      for (let k = 0; k < change.slots; k++) {
        const start = trace.phaseSlots[k] as SlotTrace;
        const value = account.storage.get(start.slot) ?? 0;
        if (value === (cleared ? 0 : start.value)) continue;
        start.writer = version;
        this.write(start.location(), value, null);
      }
    }
    if (!change.feeFolded) this.credit(traceOf(this.feeAccount!), version, this.fee, this.feeAccount!.balance);
    return this.writeBuffer.slice(0, this.writeCount);
  }

  private credit(trace: AccountTrace, version: number, amount: bigint, balance: bigint): void {
    // Appended in place (a coinbase is credited by most transactions): a read copies the list.
    if (trace.balanceCredits === NO_CREDITS) trace.balanceCredits = [version];
    else (trace.balanceCredits as number[]).push(version);
    this.write(trace.location(Field.Balance), balance, amount);
  }
}

/**
 * The account a transaction may credit without reading its balance: the recipient of a value
 * transfer other than the sender and the coinbase (the parallel executor's rule; whether it has
 * code is checked when it is read).
 */
export function lazyTransferRecipient(transaction: Transaction, coinbase: Word): Word {
  const to = transaction.to;
  return to !== null && transaction.value > 0n && to !== transaction.sender && to !== coinbase ? to : -1;
}

/** Executes the block in order and records it (see the module comment). Same result as executeBlock. */
export function executeBlockRecorded(block: Block, pre: StateReader, options: ExecuteOptions): RecordedBlockResult {
  const { header } = block;
  const { rules, start, evm } = startBlock(block, pre, options);
  const world = evm.world;
  const recorder = new BlockRecorder(world);

  const prologue = recordPrologue(recorder, evm, block);
  const builder = new BlockResultBuilder(rules);
  const transactions: TxRecord[] = [];
  for (let i = 0; i < block.transactions.length; i++) {
    transactions.push(executeRecordedTransaction(block, i, recorder, evm, builder, options.transactionMs));
  }
  const { changes: epilogue, outcome } = recordEpilogue(recorder, evm, block, builder.receipts, options.completeState === true);
  world.observe(null);

  const result = builder.finish(world, outcome);
  result.executionMs = performance.now() - start;
  const record: BlockRecord = {
    block: { number: header.number, hash: header.hash, fork: rules.name, coinbase: header.coinbase, gasUsed: result.gasUsed, txCount: block.transactions.length },
    run: { mode: "sequential", workers: 1, fallback: null, stopped: null, executionMs: result.executionMs, source: "sequential" },
    transactions,
    codes: recorder.codes,
    pre: prologue,
    post: epilogue,
    timeline: [],
  };
  return { ...result, record };
}

function recordPrologue(recorder: BlockRecorder, evm: Evm, block: Block): SystemChanges {
  recorder.beginSystem();
  applyBlockPrologue(evm, block);
  evm.world.finalizeTransaction(evm.rules);
  return { reads: recorder.systemReads!, writes: recorder.commit(PRE_STATE) };
}

function recordEpilogue(recorder: BlockRecorder, evm: Evm, block: Block, receipts: readonly Receipt[], completeState: boolean): { changes: SystemChanges; outcome: EpilogueOutcome } {
  recorder.beginSystem();
  const outcome = applyBlockEpilogue(evm, block, receipts, completeState);
  return { changes: { reads: recorder.systemReads!, writes: recorder.commit(SYSTEM_POST_VERSION) }, outcome };
}

/** What the block's pre-execution changes (DAO, EIP-4788) read and wrote, on `pre`: for executors that record otherwise. */
export function prologueChanges(block: Block, pre: StateReader, rules: ForkRules, options: ExecuteOptions): SystemChanges {
  const world = new WorldState(pre);
  return recordPrologue(new BlockRecorder(world), new Evm(world, blockEnv(block, options, rules), rules, threadCodeCache), block);
}

/**
 * What the block's post-execution changes (rewards, withdrawals, requests) read and wrote, on
 * `afterTransactions`, which they leave alone. `receipts`: the transactions' (deposit logs).
 */
export function epilogueChanges(block: Block, afterTransactions: WorldState, rules: ForkRules, options: ExecuteOptions, receipts: readonly Receipt[]): SystemChanges {
  const world = new WorldState(new WorldReader(afterTransactions));
  const evm = new Evm(world, blockEnv(block, options, rules), rules, threadCodeCache);
  return recordEpilogue(new BlockRecorder(world), evm, block, receipts, options.completeState === true).changes;
}

/** A world seen as a reader of the state it holds (reads load accounts into it, and change nothing). */
class WorldReader implements StateReader {
  constructor(private readonly world: WorldState) {}

  readAccount(address: Word): AccountInfo | null {
    const account = this.world.account(address);
    return account.exists ? { nonce: account.nonce, balance: account.balance, codeHash: account.codeHash } : null;
  }

  readCode(codeHash: Word): Uint8Array {
    return this.world.reader.readCode(codeHash);
  }

  readStorage(address: Word, slot: Word): Word {
    return this.world.getStorage(address, slot);
  }

  hasStorage(address: Word): boolean {
    return this.world.hasStorage(address);
  }
}

function executeRecordedTransaction(block: Block, i: number, recorder: BlockRecorder, evm: Evm, builder: BlockResultBuilder, timings: number[] | undefined): TxRecord {
  const tx = block.transactions[i]!;
  recorder.begin(lazyTransferRecipient(tx, block.header.coinbase));
  const start = performance.now();
  const result = applyBlockTransaction(evm, block, i, builder);
  const ms = performance.now() - start;
  if (timings !== undefined) timings[i] = ms;
  const writes = recorder.commit(i);
  builder.add(tx, result);
  // Labelled here, in one shape: properties added after (labelTransactions) grow every record's storage.
  return { index: i, from: tx.sender!, to: tx.to, reads: recorder.reads(), writes, gasUsed: result.gasUsed, status: result.status === Status.Success ? TxStatus.Success : TxStatus.Failure, ms, incarnations: 1, aborts: 0, validationFailures: 0 };
}
