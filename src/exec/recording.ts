// The recording executor: runs a block in order, like the sequential executor, and keeps its
// execution record. Each transaction runs on a fresh world over the state the transactions below
// it committed (`CommittedState`), which notes every location the transaction reads with the
// version it saw, and every location it changes. Reads are taken at the granularity the
// parallel executor uses (an account's nonce, code and balance together; a storage slot), the
// coinbase's fees and code-less transfer recipients are credited without being read, so the
// record of a block is the same whichever executor produced it.
import { performance } from "node:perf_hooks";
import { canWriteOwnStorage, threadCodeCache, type CodeCache } from "../evm/code.js";
import { rulesFor, type ForkRules } from "../fork/forks.js";
import { Evm } from "../evm/interpreter.js";
import type { Word } from "../primitives/word.js";
import { KECCAK_EMPTY_WORD, type AccountInfo, type StateReader } from "../state/reader.js";
import { WorldState } from "../state/world.js";
import type { Block } from "../block/block.js";
import type { Transaction } from "../tx/types.js";
import type { Receipt } from "../block/receipt.js";
import { mainnetFork } from "../block/schedule.js";
import { Field, labelTransactions, PRE_STATE, TxStatus, type BlockRecord, type Location, type Read, type SystemChanges, type TxRecord, type Write } from "../records/record.js";
import { Status } from "../evm/interpreter.js";
import { BlockResultBuilder } from "./blockResult.js";
import { applyBlockEpilogue, applyBlockPrologue, type EpilogueOutcome } from "./blockRules.js";
import { keepShapesAlive } from "./keepShapes.js";
import { applyBlockTransaction, blockEnv, type BlockResult, type ExecuteOptions } from "./sequential.js";

export type RecordedBlockResult = BlockResult & { record: BlockRecord };

const NO_CREDITS: readonly number[] = Object.freeze([]) as readonly number[];
/** `clearedBy` of an account whose storage no transaction of the block cleared. */
const NOT_CLEARED = -2;
/** The writer of changes made after the transactions (rewards, withdrawals). */
const SYSTEM_POST_VERSION = Number.MAX_SAFE_INTEGER;

interface CommittedSlot {
  value: Word;
  version: number;
}

/** An account as the transactions below the current one left it, with the version of each field. */
class CommittedAccount {
  nonceVersion = PRE_STATE;
  balanceVersion = PRE_STATE;
  codeVersion = PRE_STATE;
  /** Credits added to the balance since its last absolute write. */
  balanceCredits: readonly number[] = NO_CREDITS;
  /** The transaction that destroyed the account's pre-existing storage, or NOT_CLEARED. */
  clearedBy = NOT_CLEARED;
  slots: Map<Word, CommittedSlot> | null = null;
  /** Written by some transaction or system change: part of the post-state. */
  changed = false;
  /** The slots the running transaction read, with the values it saw (valid while `slotsReadBy` is the running serial). */
  slotsRead: Map<Word, Word> | null = null;
  slotsReadBy = -1;
  /** The account's field locations, made once and shared by every read and write of them (records are read-only). */
  private fieldLocations: Location[] | null = null;

  constructor(
    readonly address: Word,
    public exists: boolean,
    public nonce: bigint,
    public balance: bigint,
    public codeHash: Word,
  ) {}

  location(field: Field.Nonce | Field.Balance | Field.Code): Location {
    if (this.fieldLocations === null) {
      const address = this.address;
      this.fieldLocations = [
        { address, field: Field.Balance, slot: 0 },
        { address, field: Field.Nonce, slot: 0 },
        { address, field: Field.Code, slot: 0 },
      ];
    }
    return this.fieldLocations[field]!;
  }
}

/**
 * The state below the running transaction, and its recorder: the reader of each transaction's
 * fresh world. `tx` is the running transaction (PRE_STATE during system changes).
 */
class CommittedState implements StateReader {
  private readonly accounts = new Map<Word, CommittedAccount>();
  private readonly codes = new Map<Word, Uint8Array>();
  tx = PRE_STATE;
  reads: Read[] = [];
  /** Reads during system changes (no versions: only the pre-state lies below them). */
  systemReads: Location[] | null = null;
  /** Counts begin() calls: which transaction (or system phase) an account's `slotsRead` belongs to. */
  private serial = 0;
  /** The running transaction's code-less transfer recipient, credited without reading its balance (-1: none). */
  lazyCandidate: Word = -1;
  lazyCredited: Word = -1;

  constructor(readonly pre: StateReader) {}

  begin(tx: number, lazyCandidate: Word): void {
    this.tx = tx;
    this.reads = [];
    this.systemReads = null;
    this.lazyCandidate = lazyCandidate;
    this.lazyCredited = -1;
    this.serial++;
  }

  beginSystem(): void {
    this.begin(PRE_STATE, -1);
    this.systemReads = [];
  }

  committed(address: Word): CommittedAccount {
    let account = this.accounts.get(address);
    if (account === undefined) {
      const info = this.pre.readAccount(address);
      account = info === null ? new CommittedAccount(address, false, 0n, 0n, KECCAK_EMPTY_WORD) : new CommittedAccount(address, true, info.nonce, info.balance, info.codeHash);
      this.accounts.set(address, account);
    }
    return account;
  }

  changedAccounts(): IterableIterator<CommittedAccount> {
    return this.accounts.values();
  }

  readAccount(address: Word): AccountInfo | null {
    const account = this.committed(address);
    this.note(account.location(Field.Nonce), account.nonceVersion, NO_CREDITS);
    this.note(account.location(Field.Code), account.codeVersion, NO_CREDITS);
    if (address === this.lazyCandidate && account.codeHash === KECCAK_EMPTY_WORD) this.lazyCredited = address;
    else this.note(account.location(Field.Balance), account.balanceVersion, account.balanceCredits);
    // The account is its own AccountInfo: the world copies the three fields out when it loads it.
    return account.exists ? account : null;
  }

  readCode(codeHash: Word): Uint8Array {
    return this.codes.get(codeHash) ?? this.pre.readCode(codeHash);
  }

  readStorage(address: Word, slot: Word): Word {
    const account = this.committed(address);
    let entry = account.slots?.get(slot);
    if (entry === undefined) entry = { value: account.clearedBy === NOT_CLEARED ? this.pre.readStorage(address, slot) : 0, version: account.clearedBy === NOT_CLEARED ? PRE_STATE : account.clearedBy };
    this.note({ address, field: Field.Storage, slot }, entry.version, NO_CREDITS);
    if (account.slotsReadBy !== this.serial) {
      // One map per account for the whole block, emptied when another transaction first reads it.
      if (account.slotsRead === null) account.slotsRead = new Map();
      else account.slotsRead.clear();
      account.slotsReadBy = this.serial;
    }
    account.slotsRead!.set(slot, entry.value);
    return entry.value;
  }

  hasStorage(address: Word): boolean {
    const account = this.committed(address);
    if (account.slots !== null) for (const s of account.slots.values()) if (s.value !== 0) return true;
    return account.clearedBy === NOT_CLEARED && (this.pre.hasStorage?.(address) ?? false);
  }

  private note(location: Location, version: number, credits: readonly number[]): void {
    if (this.systemReads !== null) this.systemReads.push(location);
    else this.reads.push({ location, version, credits: credits.length === 0 ? NO_CREDITS : credits.slice() });
  }

  // ---------- committing a transaction's changes ----------

  /** Turns the changes of the running transaction (its world's dirty accounts) into writes, and commits them as version `version`. */
  commit(world: WorldState, version: number, coinbase: Word, fee: bigint): Write[] {
    const writes: Write[] = [];
    let feeFolded = fee === 0n;
    for (const account of world.loadedAccounts()) {
      if (!account.dirty) continue;
      const address = account.address;
      // The account as the transactions below left it; updated below once its old values were read.
      const target = this.committed(address);
      const nonce = account.exists ? account.nonce : 0n;
      let balance = account.exists ? account.balance : 0n;
      const codeHash = account.exists ? account.codeHash : KECCAK_EMPTY_WORD;
      const beforeNonce = target.exists ? target.nonce : 0n;
      const beforeBalance = target.exists ? target.balance : 0n;
      const beforeCode = target.exists ? target.codeHash : KECCAK_EMPTY_WORD;
      if (address === coinbase && !feeFolded && (balance !== beforeBalance || nonce !== beforeNonce || codeHash !== beforeCode)) {
        balance += fee;
        feeFolded = true;
      }
      target.changed = true;
      if (address === this.lazyCredited && nonce === beforeNonce && codeHash === beforeCode && balance >= beforeBalance && account.storage.size === 0) {
        if (balance !== beforeBalance) writes.push(this.credit(target, version, balance - beforeBalance));
        continue;
      }
      if (nonce !== beforeNonce) {
        target.nonce = nonce;
        target.nonceVersion = version;
        writes.push({ location: target.location(Field.Nonce), value: nonce, credit: null });
      }
      if (balance !== beforeBalance || (!account.exists && target.exists)) {
        target.balance = balance;
        target.balanceVersion = version;
        target.balanceCredits = NO_CREDITS;
        writes.push({ location: target.location(Field.Balance), value: balance, credit: null });
      }
      if (codeHash !== beforeCode) {
        target.codeHash = codeHash;
        target.codeVersion = version;
        if (codeHash !== KECCAK_EMPTY_WORD && account.code !== null) this.codes.set(codeHash, account.code);
        writes.push({ location: target.location(Field.Code), value: codeHash, credit: null });
      }
      target.exists = account.exists;
      if (account.storageCleared && beforeCode !== KECCAK_EMPTY_WORD && this.mayHoldStorage(address, beforeCode)) {
        // A pre-existing contract lost its storage (SELFDESTRUCT before Cancun): every slot now reads 0 as of this version.
        target.clearedBy = version;
        target.slots = null;
      }
      const slotsBefore = target.slotsReadBy === this.serial ? target.slotsRead : null;
      for (const [slot, value] of account.storage) {
        const prior = account.storageCleared ? 0 : (slotsBefore?.get(slot) ?? 0);
        if (value === prior) continue;
        if (target.slots === null) target.slots = new Map();
        target.slots.set(slot, { value, version });
        writes.push({ location: { address, field: Field.Storage, slot }, value, credit: null });
      }
    }
    if (!feeFolded) {
      const target = this.committed(coinbase);
      target.changed = true;
      writes.push(this.credit(target, version, fee));
    }
    return writes;
  }

  private credit(target: CommittedAccount, version: number, amount: bigint): Write {
    target.balance += amount;
    target.exists = true;
    // Appended in place (a coinbase is credited by most transactions): a read copies the list.
    if (target.balanceCredits === NO_CREDITS) target.balanceCredits = [version];
    else (target.balanceCredits as number[]).push(version);
    return { location: target.location(Field.Balance), value: target.balance, credit: amount };
  }

  private mayHoldStorage(address: Word, codeHash: Word): boolean {
    return (this.pre.hasStorage?.(address) ?? true) || canWriteOwnStorage(this.readCode(codeHash));
  }

  /** The block's post-state: a world over the pre-state holding every committed change. */
  postWorld(): WorldState {
    const world = new WorldState(this.pre);
    for (const committed of this.accounts.values()) {
      if (!committed.changed) continue;
      const account = world.account(committed.address);
      if (!committed.exists) {
        world.commitDeletion(account);
        continue;
      }
      if (committed.clearedBy !== NOT_CLEARED) world.commitStorageCleared(account);
      if (committed.nonce !== account.nonce || !account.exists) world.commitNonce(account, committed.nonce);
      if (committed.balance !== account.balance || !account.exists) world.commitBalance(account, committed.balance, false);
      if (committed.codeHash !== account.codeHash) world.commitCode(account, committed.codeHash, this.readCode(committed.codeHash));
      if (committed.slots !== null) for (const [slot, s] of committed.slots) world.commitStorage(account, slot, s.value);
    }
    return world;
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
  const rules = options.rules ?? rulesFor(mainnetFork(header.number, header.timestamp));
  keepShapesAlive();
  const start = performance.now();
  const env = blockEnv(block, options, rules);
  const codeCache = options.codeCache ?? threadCodeCache;
  const state = new CommittedState(pre);

  const prologue = recordPrologue(state, block, env, rules, codeCache);

  const builder = new BlockResultBuilder(rules);
  const transactions: TxRecord[] = [];
  // One world and EVM for every transaction, emptied between them: each transaction starts with no
  // account loaded, so that it reads what it uses from the committed state (and records it).
  const world = new WorldState(state);
  const evm = new Evm(world, env, rules, codeCache);
  evm.deferCoinbaseFee = true;
  for (let i = 0; i < block.transactions.length; i++) {
    transactions.push(executeRecordedTransaction(block, i, state, evm, builder, options.transactionMs));
  }

  const { changes: epilogue, outcome } = recordEpilogue(state, block, env, rules, codeCache, builder.receipts, options.completeState === true);

  const result = builder.finish(state.postWorld(), outcome);
  result.executionMs = performance.now() - start;
  labelTransactions(transactions, block.transactions);
  const record: BlockRecord = {
    block: { number: header.number, hash: header.hash, fork: rules.name, coinbase: header.coinbase, gasUsed: result.gasUsed, txCount: block.transactions.length },
    run: { mode: "sequential", workers: 1, fallback: null, stopped: null, executionMs: result.executionMs, source: "sequential" },
    transactions,
    codes: collectCodes(state, transactions, prologue, epilogue),
    pre: prologue,
    post: epilogue,
    timeline: [],
  };
  return { ...result, record };
}

function recordPrologue(state: CommittedState, block: Block, env: ReturnType<typeof blockEnv>, rules: ForkRules, codeCache: CodeCache): SystemChanges {
  state.beginSystem();
  const world = new WorldState(state);
  applyBlockPrologue(new Evm(world, env, rules, codeCache), block);
  world.finalizeTransaction(rules);
  return { reads: state.systemReads!, writes: state.commit(world, PRE_STATE, block.header.coinbase, 0n) };
}

function recordEpilogue(
  state: CommittedState,
  block: Block,
  env: ReturnType<typeof blockEnv>,
  rules: ForkRules,
  codeCache: CodeCache,
  receipts: readonly Receipt[],
  completeState: boolean,
): { changes: SystemChanges; outcome: EpilogueOutcome } {
  state.beginSystem();
  const world = new WorldState(state);
  const outcome = applyBlockEpilogue(new Evm(world, env, rules, codeCache), block, receipts, completeState);
  return { changes: { reads: state.systemReads!, writes: state.commit(world, SYSTEM_POST_VERSION, block.header.coinbase, 0n) }, outcome };
}

/** What the block's pre-execution changes (DAO, EIP-4788) read and wrote, on `pre`: for executors that record otherwise. */
export function prologueChanges(block: Block, pre: StateReader, rules: ForkRules, options: ExecuteOptions): SystemChanges {
  return recordPrologue(new CommittedState(pre), block, blockEnv(block, options, rules), rules, threadCodeCache);
}

/**
 * What the block's post-execution changes (rewards, withdrawals, requests) read and wrote, on
 * `afterTransactions`, which they leave alone. `receipts`: the transactions' (deposit logs).
 */
export function epilogueChanges(block: Block, afterTransactions: WorldState, rules: ForkRules, options: ExecuteOptions, receipts: readonly Receipt[]): SystemChanges {
  const state = new CommittedState(new WorldReader(afterTransactions));
  return recordEpilogue(state, block, blockEnv(block, options, rules), rules, threadCodeCache, receipts, options.completeState === true).changes;
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

function executeRecordedTransaction(block: Block, i: number, state: CommittedState, evm: Evm, builder: BlockResultBuilder, timings: number[] | undefined): TxRecord {
  const tx = block.transactions[i]!;
  const coinbase = block.header.coinbase;
  state.begin(i, lazyTransferRecipient(tx, coinbase));
  const world = evm.world;
  world.forgetAccounts();
  evm.deferredFee = 0n;
  const start = performance.now();
  const result = applyBlockTransaction(evm, block, i, builder);
  const ms = performance.now() - start;
  if (timings !== undefined) timings[i] = ms;
  const writes = state.commit(world, i, coinbase, evm.deferredFee);
  builder.add(tx, result);
  return { index: i, reads: state.reads, writes, gasUsed: result.gasUsed, status: result.status === Status.Success ? TxStatus.Success : TxStatus.Failure, ms, incarnations: 1, aborts: 0, validationFailures: 0 };
}

/** The code of every code write in the record, by hash. */
function collectCodes(state: StateReader, transactions: TxRecord[], ...system: SystemChanges[]): Map<Word, Uint8Array> {
  const codes = new Map<Word, Uint8Array>();
  const add = (writes: Write[]): void => {
    for (const w of writes) if (w.location.field === Field.Code && w.value !== KECCAK_EMPTY_WORD && !codes.has(w.value as Word)) codes.set(w.value as Word, state.readCode(w.value as Word));
  };
  for (const tx of transactions) add(tx.writes);
  for (const s of system) add(s.writes);
  return codes;
}
