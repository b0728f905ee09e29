// Execution records built in memory for the report's tests: any number of transactions, a share of
// them contending for a few hot storage slots (so the graph has chains, stars and independent
// transactions), and for a parallel run a plausible worker timeline with aborts, validation
// failures and re-executions. Deterministic for a seed.
import type { Word } from "../../src/primitives/word.js";
import { Field, Outcome, PRE_STATE, TxStatus, type BlockRecord, type Location, type Read, type TimelineEvent, type TxRecord, type Write } from "../../src/records/record.js";
import { random } from "../helpers/random.js";

export interface SyntheticOptions {
  seed?: number;
  /** A parallel run with a timeline on this many threads; 1 (the default): a sequential run. */
  workers?: number;
  /** Share of transactions that touch a hot slot (default 0.35). */
  hotShare?: number;
  fork?: string;
  number?: bigint;
  /**
   * Every transaction credits the coinbase its fee, and the last one reads the coinbase's balance
   * (a builder paying the proposer): it depends on all the others, a sink in the report's layout.
   */
  builderPayment?: boolean;
}

const HOT_CONTRACTS: Word[] = [0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2n, 0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48n, 0x7a250d5630b4cf539739df2c5dacb4c659f2488dn];

const COINBASE: Word = 0x95222290dd7278aa3ddd389cc1e1d165cc4bafe5n;

export function syntheticRecord(txCount: number, options: SyntheticOptions = {}): BlockRecord {
  const next = random(options.seed ?? 1);
  const workers = options.workers ?? 1;
  const hotShare = options.hotShare ?? 0.35;
  const lastWriter = new Map<string, number>();
  const transactions: TxRecord[] = [];
  for (let index = 0; index < txCount; index++) {
    const sender = 0x100000n + BigInt(index);
    const reads: Read[] = [];
    const writes: Write[] = [];
    const touch = (location: Location): void => {
      const key = `${location.address}:${location.field}:${location.slot}`;
      reads.push({ location, version: lastWriter.get(key) ?? PRE_STATE, credits: [] });
      writes.push({ location, value: BigInt(index + 1), credit: null });
      lastWriter.set(key, index);
    };
    touch({ address: sender, field: Field.Nonce, slot: 0 });
    let to: Word | null = 0x200000 + index;
    if (next() < hotShare) {
      const contract = HOT_CONTRACTS[Math.floor(next() * HOT_CONTRACTS.length)]!;
      to = contract;
      touch({ address: contract, field: Field.Storage, slot: Math.floor(next() * 6) });
      if (next() < 0.3) touch({ address: contract, field: Field.Storage, slot: 0xffffffffffffffffffffffffffffffffn + BigInt(Math.floor(next() * 3)) });
    } else if (next() < 0.05) {
      to = null;
    }
    if (options.builderPayment) {
      const coinbase: Location = { address: COINBASE, field: Field.Balance, slot: 0 };
      if (index === txCount - 1) reads.push({ location: coinbase, version: PRE_STATE, credits: Array.from({ length: index }, (_, i) => i) });
      writes.push({ location: coinbase, value: BigInt(index + 1) * 1000n, credit: 1000n });
    }
    const retried = workers > 1 && next() < 0.08;
    transactions.push({
      index,
      from: sender,
      to,
      reads,
      writes,
      gasUsed: 21000n + BigInt(Math.floor(next() * 200_000)),
      status: next() < 0.04 ? TxStatus.Failure : TxStatus.Success,
      ms: 0.02 + next() * 0.3,
      incarnations: retried ? 2 : 1,
      aborts: retried ? 1 : 0,
      validationFailures: retried ? 1 : 0,
    });
  }
  const timeline = workers > 1 ? syntheticTimeline(transactions, workers) : [];
  const executionMs = workers > 1 ? Math.max(0, ...timeline.map((e) => e.end)) : transactions.reduce((a, t) => a + t.ms, 0) * 1.1;
  return {
    block: { number: options.number ?? 17_000_000n, hash: null, fork: options.fork ?? "Shanghai", coinbase: COINBASE, gasUsed: transactions.reduce((a, t) => a + t.gasUsed, 0n), txCount },
    run: { mode: workers > 1 ? "parallel" : "sequential", workers, fallback: null, stopped: null, executionMs, source: workers > 1 ? "block-stm" : "sequential" },
    transactions,
    codes: new Map(),
    pre: { reads: [], writes: [] },
    post: { reads: [], writes: [] },
    timeline,
  };
}

/** Round-robin over the threads: a blocked incarnation, an execution and a validation per retried transaction. */
function syntheticTimeline(transactions: TxRecord[], workers: number): TimelineEvent[] {
  const clock = new Array<number>(workers).fill(0);
  const events: TimelineEvent[] = [];
  const add = (tx: number, incarnation: number, kind: TimelineEvent["kind"], outcome: Outcome, ms: number): void => {
    const thread = tx % workers;
    const start = clock[thread]!;
    clock[thread] = start + ms;
    events.push({ tx, incarnation, thread, start, end: start + ms, kind, outcome });
  };
  for (const t of transactions) {
    if (t.aborts > 0) add(t.index, 0, "execute", Outcome.Blocked, t.ms / 3);
    add(t.index, 0, "execute", Outcome.Executed, t.ms);
    if (t.validationFailures > 0) {
      add(t.index, 0, "validate", Outcome.ValidationFailed, 0.01);
      add(t.index, 1, "execute", Outcome.Executed, t.ms);
    }
    add(t.index, t.incarnations - 1, "validate", Outcome.Executed, 0.01);
  }
  return events;
}
