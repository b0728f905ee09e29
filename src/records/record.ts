// The execution record of one block: what every transaction read (and which version it saw) and
// wrote, and what the run did (incarnations, aborts, the worker timeline). Built by the executors
// (src/exec/recording.ts, the parallel executor), analysed by ./analysis.ts, written by ./json.ts.
import type { Word } from "../primitives/word.js";

/** A field of the state: one of an account's three fields, or one of its storage slots. */
export const enum Field {
  Balance = 0,
  Nonce = 1,
  Code = 2,
  Storage = 3,
}

export const FIELD_NAMES = ["balance", "nonce", "code", "storage"] as const;
export type FieldName = (typeof FIELD_NAMES)[number];

/** A location: an account field (slot 0) or a storage slot of `address`. */
export interface Location {
  address: Word;
  field: Field;
  /** The storage slot (0 for an account field). */
  slot: Word;
}

/** The version a read saw: PRE_STATE (the block's state before its transactions), or a transaction index. */
export const PRE_STATE = -1;

export interface Read {
  location: Location;
  /** The transaction whose write of an absolute value the read resolved to, or PRE_STATE. */
  version: number;
  /**
   * Transactions whose balance credits (written as deltas: the coinbase's fees, lazily credited
   * transfer recipients) the read added up on top of `version`, ascending. Empty for most reads.
   */
  credits: readonly number[];
}

export interface Write {
  location: Location;
  /** The value after the transaction (a balance or nonce as a bigint, a code hash or storage value as a word). */
  value: Word | bigint;
  /** For a balance credited without being read (a delta): the amount added. Null for other writes. */
  credit: bigint | null;
}

export const enum TxStatus {
  Success = 1,
  Failure = 0,
}

export interface TxRecord {
  index: number;
  /** The sender, when the block gave or recovered it. */
  from?: Word;
  /** The transaction's target: null for a contract creation. Absent when not known. */
  to?: Word | null;
  /** Its reads, in the order the transaction first made them (a location at most once). */
  reads: Read[];
  /** Its writes: every location whose value it changed, in no set order. */
  writes: Write[];
  gasUsed: bigint;
  status: TxStatus;
  /** Execution time of the incarnation that counted, in milliseconds. */
  ms: number;
  /**
   * Executions that ran to the end (1 in order; in Block-STM the first, plus one after each
   * failed validation), executions stopped by a read that had to wait (aborts: an estimate of a
   * lower transaction's aborted incarnation, or the coinbase before every lower transaction ran),
   * and failed validations. Re-executions: incarnations - 1 + aborts.
   */
  incarnations: number;
  aborts: number;
  validationFailures: number;
}

/** Gives every transaction record its sender (when known) and target, from the block's transactions. */
export function labelTransactions(records: TxRecord[], transactions: readonly { sender?: Word; to: Word | null }[]): void {
  for (let i = 0; i < records.length; i++) {
    const tx = transactions[i]!;
    if (tx.sender !== undefined) records[i]!.from = tx.sender;
    records[i]!.to = tx.to;
  }
}

/** What the worker timeline shows of one incarnation. */
export const enum Outcome {
  /** Executed; its writes were recorded (validation may still fail later). */
  Executed = 0,
  /** Stopped on a read of an estimate left by a lower transaction's aborted incarnation. */
  Blocked = 1,
  /** Validated and found stale: the transaction is re-executed. */
  ValidationFailed = 2,
}

export interface TimelineEvent {
  tx: number;
  incarnation: number;
  /** The executing thread: 0..workers-2 the worker threads, workers-1 the main thread. */
  thread: number;
  /** Milliseconds since the block's run started, on a clock shared by every thread. */
  start: number;
  end: number;
  kind: "execute" | "validate";
  outcome: Outcome;
}

/** Changes made outside transactions: pre-execution system calls, and rewards, withdrawals after them. */
export interface SystemChanges {
  /** Locations read (versions are not kept: nothing but the pre-state lies below). */
  reads: Location[];
  writes: Write[];
}

export interface RunInfo {
  mode: "sequential" | "parallel";
  /** Executing threads (1 for a sequential run). */
  workers: number;
  /** Why a parallel request ran sequentially, or null. */
  fallback: string | null;
  /** Why Block-STM stopped early (the rest ran in order), or null. */
  stopped: string | null;
  /** Wall time of the execution, in milliseconds. */
  executionMs: number;
  /**
   * Where the read and write sets came from: "sequential" (recorded as the block ran in order),
   * "block-stm" (the final read and write sets of a complete Block-STM run), or "sequential-rerun"
   * (Block-STM did not run the whole block, so a recording pass in order supplied them).
   */
  source: "sequential" | "block-stm" | "sequential-rerun";
}

export interface BlockRecord {
  block: { number: bigint; hash: Uint8Array | null; fork: string; coinbase: Word; gasUsed: bigint; txCount: number };
  run: RunInfo;
  transactions: TxRecord[];
  /** Code deployed in the block, by code hash (writes of Field.Code carry the hash). */
  codes: Map<Word, Uint8Array>;
  /** Block access index 0 (before the transactions) and n+1 (after them). */
  pre: SystemChanges;
  post: SystemChanges;
  /** Parallel runs only. */
  timeline: TimelineEvent[];
}
