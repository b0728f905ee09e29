// The execution record of a block that Block-STM ran to the end, read from the multi-version
// memory once every transaction is final: each final read set with the version every read
// resolves to now (the version an execution in order reads), each final write set with the value
// after the transaction, and the executors' timeline.
import type { Word } from "../../primitives/word.js";
import { Field, Outcome, PRE_STATE, TxStatus, type BlockRecord, type Location, type Read, type TimelineEvent, type TxRecord, type Write } from "../../records/record.js";
import type { MemoryState } from "../../state/memory.js";
import { Status } from "../../evm/interpreter.js";
import type { AccountLocations, IncarnationResult } from "./incarnation.js";
import type { MvMemory } from "./mvmemory.js";
import { TIMELINE_WORDS, type LoopOutcome } from "./workerLoop.js";

/** Every transaction's reads and writes, read from the multi-version memory once the block is complete. */
export interface BlockStmAccesses {
  reads: Read[][];
  writes: Write[][];
  codes: Map<Word, Uint8Array>;
}

/**
 * The reads and writes of every transaction, once every one is final (the main thread reads them
 * while the worker threads still send their results). `known`: the main thread's accounts by table
 * slot, whose addresses and slots need no decoding.
 */
export function blockStmAccesses(mv: MvMemory, base: MemoryState, txCount: number, known: readonly (AccountLocations | undefined)[]): BlockStmAccesses {
  const locations = new LocationTable(mv, known);
  const balances = new Map<number, bigint>();
  const accesses: BlockStmAccesses = { reads: [], writes: [], codes: new Map() };
  for (let tx = 0; tx < txCount; tx++) {
    accesses.reads.push(readsOf(mv, locations, tx));
    accesses.writes.push(writesOf(mv, locations, base, balances, accesses.codes, tx));
  }
  return accesses;
}

/** The transactions' part of the record: reads, writes, outcomes and the timeline (`run`, `pre` and `post` are the caller's). */
export function blockStmTransactions(accesses: BlockStmAccesses, finals: IncarnationResult[], outcomes: LoopOutcome[]): { transactions: TxRecord[]; timeline: TimelineEvent[]; codes: Map<Word, Uint8Array> } {
  const timeline = mergeTimelines(outcomes);
  const perTx = eventsByTransaction(timeline, finals.length);
  const transactions: TxRecord[] = [];
  for (let tx = 0; tx < finals.length; tx++) {
    const final = finals[tx]!;
    const events = perTx[tx]!;
    transactions.push({
      index: tx,
      reads: accesses.reads[tx]!,
      writes: accesses.writes[tx]!,
      gasUsed: final.result!.gasUsed,
      status: final.result!.status === Status.Success ? TxStatus.Success : TxStatus.Failure,
      ms: events.finalMs,
      incarnations: events.executed,
      aborts: events.blocked,
      validationFailures: events.failedValidations,
    });
  }
  return { transactions, timeline, codes: accesses.codes };
}

/** Only the executors' timeline (a run that did not complete in Block-STM). */
export function blockStmTimeline(outcomes: LoopOutcome[]): TimelineEvent[] {
  return mergeTimelines(outcomes);
}

/**
 * Location ids decoded once each: from the main thread's own account locations when it has them,
 * else from the limbs in the shared memory (decoding an address or a slot builds a bigint).
 */
class LocationTable {
  private readonly decoded: (Location | undefined)[] = [];
  /** Storage slots of the known accounts by location id, built on the first storage location of each. */
  private readonly knownSlots = new Map<number, Word>();
  private readonly slotsIndexed = new Set<number>();

  constructor(
    private readonly mv: MvMemory,
    private readonly known: readonly (AccountLocations | undefined)[],
  ) {}

  get(loc: number): Location {
    let location = this.decoded[loc];
    if (location === undefined) {
      location = this.decode(loc);
      this.decoded[loc] = location;
    }
    return location;
  }

  private decode(loc: number): Location {
    const field = (loc & 3) as Field;
    if (field !== Field.Storage) return { address: this.addressOfAccount(loc >>> 2), field, slot: 0 };
    // A storage location's account has a record of its own (reading a slot reads the account first).
    const accountSlot = this.mv.accountSlotOf(loc);
    const address = this.addressOfAccount(accountSlot);
    const account = this.known[accountSlot];
    const slot = account === undefined ? undefined : this.knownSlot(account, loc);
    return { address, field, slot: slot ?? this.mv.slotOf(loc) };
  }

  /** Addresses by account record: the main thread's, or decoded once. */
  private readonly addresses: (Word | undefined)[] = [];

  private addressOfAccount(accountSlot: number): Word {
    let address = this.addresses[accountSlot];
    if (address === undefined) {
      address = this.known[accountSlot]?.address ?? this.mv.addressOf(accountSlot << 2);
      this.addresses[accountSlot] = address;
    }
    return address;
  }

  private knownSlot(account: AccountLocations, loc: number): Word | undefined {
    const slot = this.knownSlots.get(loc);
    if (slot !== undefined || this.slotsIndexed.has(account.slot)) return slot;
    this.slotsIndexed.add(account.slot);
    if (account.slots !== null) for (const [s, id] of account.slots) this.knownSlots.set(id, s);
    return this.knownSlots.get(loc);
  }
}

const NO_CREDITS: readonly number[] = Object.freeze([]) as readonly number[];

function readsOf(mv: MvMemory, locations: LocationTable, tx: number): Read[] {
  const reads: Read[] = [];
  const credits: number[] = [];
  for (let i = 0, n = mv.readSetLength(tx); i < n; i++) {
    credits.length = 0;
    const version = mv.readVersion(tx, i, credits);
    reads.push({ location: locations.get(mv.readLocation(tx, i)), version: version < 0 ? PRE_STATE : version, credits: credits.length === 0 ? NO_CREDITS : credits.slice().reverse() });
  }
  return reads;
}

/** `balances`: each credited balance as the transactions so far left it (credits carry the balance after them). */
function writesOf(mv: MvMemory, locations: LocationTable, base: MemoryState, balances: Map<number, bigint>, codes: Map<Word, Uint8Array>, tx: number): Write[] {
  const writes: Write[] = [];
  for (let i = 0, n = mv.writeSetLength(tx); i < n; i++) {
    const loc = mv.writeLocation(tx, i);
    const location = locations.get(loc);
    const raw = mv.writeValue(tx, i);
    if (mv.writeIsDelta(tx, i)) {
      const before = balances.get(loc) ?? base.accounts.get(location.address)?.balance ?? 0n;
      const value = before + (raw as bigint);
      balances.set(loc, value);
      writes.push({ location, value, credit: raw as bigint });
      continue;
    }
    const value = location.field === Field.Balance || location.field === Field.Nonce ? BigInt(raw) : (raw as Word);
    if (location.field === Field.Balance) balances.set(loc, value as bigint);
    if (location.field === Field.Code && !codes.has(value as Word)) {
      const code = mv.findCode(value as Word) ?? base.codes.get(value as Word);
      if (code !== undefined && code !== null) codes.set(value as Word, code);
    }
    writes.push({ location, value, credit: null });
  }
  return writes;
}

/** Every executor's events, thread by thread (outcomes are in thread order), each sorted by start. */
function mergeTimelines(outcomes: LoopOutcome[]): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  outcomes.forEach((outcome, thread) => {
    const t = outcome.timeline;
    if (t === null) return;
    for (let at = 0; at < t.length; at += TIMELINE_WORDS) {
      events.push({ tx: t[at]!, incarnation: t[at + 1]!, thread, kind: t[at + 2] === 0 ? "execute" : "validate", outcome: t[at + 3]! as Outcome, start: t[at + 4]!, end: t[at + 5]! });
    }
  });
  return events.sort((a, b) => a.start - b.start || a.thread - b.thread);
}

interface TxEvents {
  /** Duration of the last completed execution (the incarnation that counted). */
  finalMs: number;
  /** Executions that ran to the end (a wait for a dependency before starting is none). */
  executed: number;
  blocked: number;
  failedValidations: number;
}

function eventsByTransaction(timeline: TimelineEvent[], txCount: number): TxEvents[] {
  const perTx: TxEvents[] = Array.from({ length: txCount }, () => ({ finalMs: 0, executed: 0, blocked: 0, failedValidations: 0 }));
  const lastIncarnation = new Int32Array(txCount).fill(-1);
  for (const e of timeline) {
    const t = perTx[e.tx]!;
    if (e.kind === "validate") {
      if (e.outcome === Outcome.ValidationFailed) t.failedValidations++;
    } else if (e.outcome === Outcome.Blocked) {
      t.blocked++;
    } else {
      t.executed++;
      if (e.incarnation >= lastIncarnation[e.tx]!) {
        lastIncarnation[e.tx] = e.incarnation;
        t.finalMs = e.end - e.start;
      }
    }
  }
  return perTx;
}
