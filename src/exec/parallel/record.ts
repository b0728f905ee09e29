// The execution record of a block that Block-STM ran to the end, read from the multi-version
// memory once every transaction is final: each final read set with the version every read
// resolves to now (the version an execution in order reads), each final write set with the value
// after the transaction, and the executors' timeline.
import type { Word } from "../../evm/word.js";
import { Field, Outcome, PRE_STATE, TxStatus, type BlockRecord, type Location, type Read, type TimelineEvent, type TxRecord, type Write } from "../../records/record.js";
import type { MemoryState } from "../../state/memory.js";
import { Status } from "../../evm/interpreter.js";
import type { IncarnationResult } from "./incarnation.js";
import type { MvMemory } from "./mvmemory.js";
import { TIMELINE_WORDS, type LoopOutcome } from "./workerLoop.js";

/** The transactions' part of the record: reads, writes, outcomes and the timeline (`run`, `pre` and `post` are the caller's). */
export function blockStmTransactions(mv: MvMemory, base: MemoryState, finals: IncarnationResult[], outcomes: LoopOutcome[]): { transactions: TxRecord[]; timeline: TimelineEvent[]; codes: Map<Word, Uint8Array> } {
  const locations = new LocationTable(mv);
  const balances = new Map<number, bigint>();
  const timeline = mergeTimelines(outcomes);
  const perTx = eventsByTransaction(timeline, finals.length);
  const transactions: TxRecord[] = [];
  const codes = new Map<Word, Uint8Array>();
  for (let tx = 0; tx < finals.length; tx++) {
    const final = finals[tx]!;
    const events = perTx[tx]!;
    transactions.push({
      index: tx,
      reads: readsOf(mv, locations, tx),
      writes: writesOf(mv, locations, base, balances, codes, tx),
      gasUsed: final.result!.gasUsed,
      status: final.result!.status === Status.Success ? TxStatus.Success : TxStatus.Failure,
      ms: events.finalMs,
      incarnations: events.executed,
      aborts: events.blocked,
      validationFailures: events.failedValidations,
    });
  }
  return { transactions, timeline, codes };
}

/** Location ids decoded once each (an address and a slot are decoded from limbs). */
class LocationTable {
  private readonly known = new Map<number, Location>();

  constructor(private readonly mv: MvMemory) {}

  get(loc: number): Location {
    let location = this.known.get(loc);
    if (location === undefined) {
      const d = this.mv.describe(loc);
      location = { address: d.address, field: d.kind as number as Field, slot: d.slot };
      this.known.set(loc, location);
    }
    return location;
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
