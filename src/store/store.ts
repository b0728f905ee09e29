// The execution-record store: block records kept in one SQLite file (schema: ./schema.ts,
// docs/store.md) for listing, showing, exporting and querying across blocks. Each saveBlock writes
// one record (a "run": the same block stored again is another run) in one SQLite transaction
// with prepared statements reused across calls; getRecord reads it back exactly as it was given.
import { existsSync, statSync } from "node:fs";
import Database from "better-sqlite3";
import { addressToHex, wordFromHex, wordToHex, type Word } from "../primitives/word.js";
import { bytesToHex } from "../primitives/bytes.js";
import { summarize, type RecordSummary, type SpeedupTable } from "../records/analysis.js";
import { keccak256 } from "../primitives/hash.js";
import { BalFormatError, encodeBal, type BlockAccessList } from "../records/bal.js";
import { blockAccessList } from "../records/balFromRecord.js";
import { dependencyGraph, type DependencyGraph, type Edge } from "../records/graph.js";
import { readRecordFile } from "../records/json.js";
import {
  Field,
  PRE_STATE,
  type BlockRecord,
  type Location,
  type Read,
  type RunInfo,
  type SystemChanges,
  type TimelineEvent,
  type TxRecord,
  type Write,
} from "../records/record.js";
import { addressBlob, blobBigint, blobHex, blobWord, plainBytes, quantityBlob, slotBlob } from "./codec.js";
import { ensureStoreDirectory } from "./paths.js";
import { checkVersion, migrate, MIGRATIONS, StoreError, storeErrorOf, type Migration } from "./schema.js";

export { StoreError } from "./schema.js";

/** `tx` of the pre- and post-execution system changes in the reads and writes tables. */
const PRE_TX = -1;
const POST_TX = -2;
const KINDS: readonly TimelineEvent["kind"][] = ["execute", "validate"];
const MAX_INT64 = (1n << 63n) - 1n;

export interface OpenOptions {
  /** Open for reading only: the file must exist and be a store of this pevm's schema version. */
  readonly?: boolean;
  /** Tests only: the migrations to bring the store to (default MIGRATIONS). */
  migrations?: readonly Migration[];
}

export interface SaveOptions {
  /** What stored it (the command line, or a name given by the user). */
  label?: string;
  /** The record's summary, when the caller has it (else summarize computes it without a sequential time). */
  summary?: RecordSummary;
  /** The block's access list built with the pre-state (else it is built from the record alone). */
  bal?: BlockAccessList;
  /** The time the run is stored at (default now). */
  createdAt?: Date;
}

export interface SaveResult {
  /** The run's id: `--run N` names it. */
  run: number;
  block: bigint;
}

/** One stored record as `list` and `show` describe it. */
export interface StoredBlock {
  run: number;
  number: bigint;
  hash: string | null;
  fork: string;
  coinbase: string;
  gasUsed: bigint;
  txCount: number;
  createdAt: string;
  label: string | null;
  mode: RunInfo["mode"];
  workers: number;
  fallback: string | null;
  stopped: string | null;
  executionMs: number;
  source: RunInfo["source"];
  edgeCount: number;
  dependentTxs: number;
  conflictRatio: number;
  criticalPath: { gas: number; ms: number };
  idealSpeedup: { byTime: SpeedupTable; byGas: SpeedupTable };
  achieved: { parallelism: number | null; speedup: number | null };
  reexecutions: number;
  /** The access list's hash, or null when none could be built (see accessList). */
  balHash: string | null;
}

export interface RunSelector {
  /** The run's id; by default the latest run of the block. */
  run?: number;
}

export interface HotspotQuery {
  /** Only this contract (its slots, and the blocks it was in). */
  contract?: Word | string;
  /** Only this block (its latest run, or `run`); by default the latest run of every stored block. */
  block?: bigint | number;
  run?: number;
  /** Rows per list (default 10). */
  limit?: number;
}

export interface ContractHotspot {
  address: string;
  /** Edges with a location of this address (an edge counts once however many it has). */
  edges: number;
  /** Aborts and validation failures of the transactions such edges lead into (analysis.ts's attribution). */
  reexecutions: number;
  /** Stored blocks with such an edge. */
  blocks: number;
}

export interface SlotHotspot {
  address: string;
  slot: string;
  edges: number;
}

export interface Hotspots {
  /** The runs counted: one per block. */
  runs: number;
  contracts: ContractHotspot[];
  slots: SlotHotspot[];
  /** With `contract`: the blocks it was hot in, most edges first. */
  blocks?: { number: bigint; run: number; edges: number; reexecutions: number }[];
}

interface AccessListRow {
  rlp: Buffer | null;
  hash: Buffer | null;
  withPre: number;
  error: string | null;
}

/** SQLite's row of blocks joined with runs, raw. */
type BlockRow = unknown[];

const BLOCK_COLUMNS = `b.run_id, b.number, b.hash, b.fork, b.coinbase, b.gas_used, b.tx_count, r.created_at, r.label, r.mode, r.workers, r.fallback,
  r.stopped, r.execution_ms, r.source, b.edge_count, b.dependent_txs, b.conflict_ratio, b.critical_path_gas, b.critical_path_ms,
  b.ideal_speedup_2, b.ideal_speedup_4, b.ideal_speedup_8, b.ideal_speedup_16, b.ideal_speedup_unbounded,
  b.ideal_gas_speedup_2, b.ideal_gas_speedup_4, b.ideal_gas_speedup_8, b.ideal_gas_speedup_16, b.ideal_gas_speedup_unbounded,
  b.achieved_parallelism, b.achieved_speedup, b.reexecutions, b.bal_hash`;

/** Runs counted by cross-block queries: the latest of each block. */
const LATEST_RUNS = "SELECT max(run_id) AS run_id FROM blocks GROUP BY number";

export class RecordStore {
  readonly path: string;
  readonly readonly: boolean;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private writeRecord: Database.Transaction<(record: BlockRecord, graph: DependencyGraph, summary: RecordSummary, bal: AccessListRow, label: string | null, createdAt: string) => number> | null = null;

  private constructor(path: string, db: Database.Database, readonly: boolean) {
    this.path = path;
    this.db = db;
    this.readonly = readonly;
  }

  /**
   * Opens (for writing: creates, or upgrades) the store at `path`. Throws a StoreError naming the
   * file when it is not a pevm store, is of a newer schema version, or (read-only) does not exist.
   */
  static open(path: string, options: OpenOptions = {}): RecordStore {
    const readonly = options.readonly === true;
    if (readonly && !existsSync(path)) throw new StoreError(`${path}: no record store there (pevm run --store or pevm records import creates one)`);
    if (existsSync(path) && statSync(path).isDirectory()) throw new StoreError(`${path}: a directory, not a record store`);
    let db: Database.Database | undefined;
    try {
      if (!readonly) ensureStoreDirectory(path);
      db = new Database(path, { readonly, fileMustExist: readonly });
      if (readonly) {
        checkVersion(db, path, lastVersion(options.migrations ?? MIGRATIONS));
      } else {
        // WAL: readers never block the writer, and a commit is one append to the log. In WAL mode
        // synchronous=NORMAL syncs at checkpoints, not at every commit: a killed process loses
        // nothing that was committed (the log is in the OS's hands), a power cut can lose the last
        // commits but never corrupts the file; records can be made again, so speed wins over FULL.
        db.pragma("journal_mode = WAL");
        db.pragma("synchronous = NORMAL");
        migrate(db, path, options.migrations);
      }
      return new RecordStore(path, db, readonly);
    } catch (e) {
      db?.close();
      throw storeErrorOf(path, e);
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Moves the write-ahead log into the database file (for measuring the file's size). */
  checkpoint(): void {
    this.db.pragma("wal_checkpoint(TRUNCATE)");
  }

  private statement(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (s === undefined) this.statements.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  // ---- writing -------------------------------------------------------------------------------

  /** Stores the record as a new run, in one transaction; returns its run id. */
  saveBlock(record: BlockRecord, options: SaveOptions = {}): SaveResult {
    if (this.readonly) throw new StoreError(`${this.path}: opened read-only`);
    checkInt64(record.block.number, `block ${record.block.number}: block number`);
    const graph = dependencyGraph(record);
    const summary = options.summary ?? summarize(record, graph);
    const bal = accessListRow(record, options.bal);
    this.writeRecord ??= this.db.transaction(this.insertRecord.bind(this));
    try {
      const run = this.writeRecord.immediate(record, graph, summary, bal, options.label ?? null, (options.createdAt ?? new Date()).toISOString());
      return { run, block: record.block.number };
    } catch (e) {
      throw storeErrorOf(this.path, e);
    }
  }

  /** Reads a record file (JSON or NDJSON, docs/record-json.md) and stores it as a new run. */
  importRecord(file: string, options: Omit<SaveOptions, "summary"> = {}): SaveResult {
    let record: BlockRecord;
    try {
      record = readRecordFile(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (typeof code === "string" && code.startsWith("E")) throw new StoreError(`${file}: cannot read: ${code}`);
      throw e;
    }
    return this.saveBlock(record, { ...options, label: options.label ?? `import ${file}` });
  }

  private insertRecord(record: BlockRecord, graph: DependencyGraph, summary: RecordSummary, bal: AccessListRow, label: string | null, createdAt: string): number {
    const { block, run } = record;
    const runInsert = this.statement("INSERT INTO runs (created_at, label, mode, workers, fallback, stopped, execution_ms, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    const runId = Number(runInsert.run(createdAt, label, run.mode, run.workers, run.fallback, run.stopped, run.executionMs, run.source).lastInsertRowid);
    const time = summary.idealSpeedup.byTime;
    const gas = summary.idealSpeedup.byGas;
    this.statement(`INSERT INTO blocks VALUES (${Array(27).fill("?").join(", ")})`).run(
      runId,
      block.number,
      block.hash === null ? null : Buffer.from(block.hash),
      block.fork,
      addressBlob(block.coinbase),
      checkInt64(block.gasUsed, `block ${block.number}: gasUsed`),
      block.txCount,
      summary.edgeCount,
      summary.dependentTxs,
      summary.conflictRatio,
      summary.criticalPath.byGas.total,
      summary.criticalPath.byTime.total,
      ...speedupColumns(time),
      ...speedupColumns(gas),
      summary.achieved.parallelism,
      summary.achieved.speedup,
      summary.reexecutions,
      bal.hash,
      JSON.stringify(summary),
    );
    const addresses = new Map<Word, Buffer>();
    const address = (a: Word): Buffer => {
      let blob = addresses.get(a);
      if (blob === undefined) addresses.set(a, (blob = addressBlob(a)));
      return blob;
    };
    const txRows = this.batch("transactions", 10);
    const readRows = this.batch("reads", 8);
    const writeRows = this.batch("writes", 8);
    const insertWrites = (tx: number, writes: readonly Write[]): void => {
      for (let seq = 0; seq < writes.length; seq++) {
        const w = writes[seq]!;
        const l = w.location;
        writeRows.add(runId, tx, seq, address(l.address), l.field, slotOf(l), quantityBlob(w.value), w.credit === null ? null : quantityBlob(w.credit));
      }
    };
    for (const tx of record.transactions) {
      const recipient = tx.to === undefined ? null : tx.to === null ? Buffer.alloc(0) : address(tx.to);
      txRows.add(runId, tx.index, tx.from === undefined ? null : address(tx.from), recipient, checkInt64(tx.gasUsed, `block ${block.number} transaction ${tx.index}: gasUsed`), tx.status, tx.ms, tx.incarnations, tx.aborts, tx.validationFailures);
      for (let seq = 0; seq < tx.reads.length; seq++) {
        const r = tx.reads[seq]!;
        const l = r.location;
        readRows.add(runId, tx.index, seq, address(l.address), l.field, slotOf(l), r.version, r.credits.length === 0 ? null : r.credits.join(","));
      }
      insertWrites(tx.index, tx.writes);
    }
    for (const [tx, changes] of [[PRE_TX, record.pre], [POST_TX, record.post]] as const) {
      changes.reads.forEach((l, seq) => readRows.add(runId, tx, seq, address(l.address), l.field, slotOf(l), null, null));
      insertWrites(tx, changes.writes);
    }
    const edgeRows = this.batch("edges", 3);
    const locationRows = this.batch("edge_locations", 7);
    for (const edge of graph.edges) {
      edgeRows.add(runId, edge.to, edge.from);
      edge.locations.forEach((l, seq) => locationRows.add(runId, edge.to, edge.from, seq, address(l.address), l.field, slotOf(l)));
    }
    this.statement("INSERT INTO access_lists VALUES (?, ?, ?, ?, ?)").run(runId, bal.rlp, bal.hash, bal.withPre, bal.error);
    const eventRows = this.batch("timeline", 9);
    record.timeline.forEach((e, seq) => eventRows.add(runId, seq, e.tx, e.incarnation, e.thread, e.start, e.end, kindCode(e.kind), e.outcome));
    for (const rows of [txRows, readRows, writeRows, edgeRows, locationRows, eventRows]) rows.flush();
    const codeInsert = this.statement("INSERT OR IGNORE INTO codes VALUES (?, ?)");
    const blockCodeInsert = this.statement("INSERT INTO block_codes VALUES (?, ?, ?)");
    let seq = 0;
    for (const [hash, code] of record.codes) {
      const key = slotBlob(hash);
      codeInsert.run(key, Buffer.from(code));
      blockCodeInsert.run(runId, seq++, key);
    }
    return runId;
  }

  /** Rows for `table`, inserted ROWS_PER_INSERT to a statement. */
  private batch(table: string, columns: number): RowBatch {
    return new RowBatch((rows) => this.statement(`INSERT INTO ${table} VALUES ${Array(rows).fill(`(${Array(columns).fill("?").join(", ")})`).join(", ")}`), columns);
  }

  // ---- reading -------------------------------------------------------------------------------

  /** Distinct blocks stored. */
  blockCount(): number {
    return this.statement("SELECT count(DISTINCT number) FROM blocks").pluck().get() as number;
  }

  /** Records stored (runs, a block stored twice counting twice). */
  runCount(): number {
    return this.statement("SELECT count(*) FROM blocks").pluck().get() as number;
  }

  /** Stored records by block number, then run. */
  listBlocks(options: { limit?: number; offset?: number } = {}): StoredBlock[] {
    const limit = options.limit ?? -1;
    const offset = options.offset ?? 0;
    const rows = this.blockStatement(`SELECT ${BLOCK_COLUMNS} FROM blocks b JOIN runs r ON r.id = b.run_id ORDER BY b.number, b.run_id LIMIT ? OFFSET ?`).all(limit, offset) as BlockRow[];
    return rows.map(storedBlockOf);
  }

  /** The runs stored of a block, oldest first. */
  runsOf(number: bigint | number): number[] {
    return (this.statement("SELECT run_id FROM blocks WHERE number = ? ORDER BY run_id").pluck().all(BigInt(number)) as number[]).map(Number);
  }

  /** The stored record's description: the latest run of the block, or `run`. Throws a StoreError when absent. */
  describe(number: bigint | number, selector: RunSelector = {}): StoredBlock {
    const runId = this.resolveRun(BigInt(number), selector.run);
    const row = this.blockStatement(`SELECT ${BLOCK_COLUMNS} FROM blocks b JOIN runs r ON r.id = b.run_id WHERE b.run_id = ?`).get(runId) as BlockRow;
    return storedBlockOf(row);
  }

  /** The summary stored with the run. */
  summary(number: bigint | number, selector: RunSelector = {}): RecordSummary {
    const runId = this.resolveRun(BigInt(number), selector.run);
    return JSON.parse(this.statement("SELECT summary_json FROM blocks WHERE run_id = ?").pluck().get(runId) as string) as RecordSummary;
  }

  private resolveRun(number: bigint, run: number | undefined): number {
    const runs = this.runsOf(number);
    if (runs.length === 0) throw new StoreError(`block ${number} is not in ${this.path}`);
    if (run === undefined) return runs[runs.length - 1]!;
    if (!runs.includes(run)) throw new StoreError(`run ${run} is not a run of block ${number} in ${this.path} (its runs: ${runs.join(", ")})`);
    return run;
  }

  /** A statement whose integers come back as bigints (block numbers and gas may pass 2^53). */
  private blockStatement(sql: string): Database.Statement {
    return this.statement(sql).raw(true).safeIntegers(true);
  }

  /** The record of the block's latest run (or of `run`), exactly as it was saved. */
  getRecord(number: bigint | number, selector: RunSelector = {}): BlockRecord {
    const runId = this.resolveRun(BigInt(number), selector.run);
    const blockRow = this.blockStatement("SELECT b.number, b.hash, b.fork, b.coinbase, b.gas_used, b.tx_count, r.mode, r.workers, r.fallback, r.stopped, r.execution_ms, r.source FROM blocks b JOIN runs r ON r.id = b.run_id WHERE b.run_id = ?").get(runId) as unknown[];
    const [blockNumber, hash, fork, coinbase, gasUsed, txCount, mode, workers, fallback, stopped, executionMs, source] = blockRow as [bigint, Buffer | null, string, Buffer, bigint, bigint, RunInfo["mode"], bigint, string | null, string | null, number, RunInfo["source"]];
    const transactions = this.readTransactions(runId);
    const pre: SystemChanges = { reads: [], writes: [] };
    const post: SystemChanges = { reads: [], writes: [] };
    const system = (tx: number): SystemChanges => (tx === PRE_TX ? pre : post);
    const byIndex = (tx: number): TxRecord => {
      const record = transactions[tx];
      if (record === undefined || record.index !== tx) throw new StoreError(`${this.path}: run ${runId}: a read or write of transaction ${tx}, which is not stored`);
      return record;
    };
    this.eachRead(runId, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, (tx, read) => (tx < 0 ? system(tx).reads.push(read.location) : byIndex(tx).reads.push(read)));
    this.eachWrite(runId, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, (tx, write) => (tx < 0 ? system(tx).writes : byIndex(tx).writes).push(write));
    const codes = new Map<Word, Uint8Array>();
    for (const [codeHash, code] of this.statement("SELECT bc.hash, c.code FROM block_codes bc JOIN codes c ON c.hash = bc.hash WHERE bc.run_id = ? ORDER BY bc.seq").raw(true).all(runId) as [Buffer, Buffer][]) {
      codes.set(blobWord(codeHash), plainBytes(code));
    }
    const timeline = (this.statement("SELECT tx, incarnation, thread, start_ms, end_ms, kind, outcome FROM timeline WHERE run_id = ? ORDER BY seq").raw(true).all(runId) as [number, number, number, number, number, number, number][]).map(
      ([tx, incarnation, thread, start, end, kind, outcome]): TimelineEvent => ({ tx, incarnation, thread, start, end, kind: KINDS[kind]!, outcome }),
    );
    return {
      block: { number: blockNumber, hash: hash === null ? null : plainBytes(hash), fork, coinbase: blobWord(coinbase), gasUsed, txCount: Number(txCount) },
      run: { mode, workers: Number(workers), fallback, stopped, executionMs, source },
      transactions,
      codes,
      pre,
      post,
      timeline,
    };
  }

  /**
   * Transactions `offset` .. `offset + limit - 1` of the block's latest run (or of `run`), with their
   * reads and writes, as getRecord gives them: a page of a large record without reading it whole.
   */
  transactionPage(number: bigint | number, offset: number, limit: number, selector: RunSelector = {}): { total: number; transactions: TxRecord[] } {
    const runId = this.resolveRun(BigInt(number), selector.run);
    const total = this.statement("SELECT tx_count FROM blocks WHERE run_id = ?").pluck().get(runId) as number;
    const end = offset + limit;
    const transactions = this.readTransactions(runId, offset, end);
    this.eachRead(runId, offset, end, (tx, read) => transactions[tx - offset]!.reads.push(read));
    this.eachWrite(runId, offset, end, (tx, write) => transactions[tx - offset]!.writes.push(write));
    return { total, transactions };
  }

  /** The run's stored reads of transactions `from` .. `to - 1` (system changes have negative indices), in order. */
  private eachRead(runId: number, from: number, to: number, visit: (tx: number, read: Read) => void): void {
    for (const [tx, address, field, slot, version, credits] of this.statement("SELECT tx, address, field, slot, version, credits FROM reads WHERE run_id = ? AND tx >= ? AND tx < ? ORDER BY tx, seq").raw(true).all(runId, from, to) as [number, Buffer, Field, Buffer | null, number | null, string | null][]) {
      visit(tx, { location: locationOf(address, field, slot), version: version ?? PRE_STATE, credits: credits === null ? [] : credits.split(",").map(Number) });
    }
  }

  /** The run's stored writes of transactions `from` .. `to - 1`, in order. */
  private eachWrite(runId: number, from: number, to: number, visit: (tx: number, write: Write) => void): void {
    for (const [tx, address, field, slot, value, credit] of this.statement("SELECT tx, address, field, slot, value, credit FROM writes WHERE run_id = ? AND tx >= ? AND tx < ? ORDER BY tx, seq").raw(true).all(runId, from, to) as [number, Buffer, Field, Buffer | null, Buffer, Buffer | null][]) {
      visit(tx, { location: locationOf(address, field, slot), value: field === Field.Balance || field === Field.Nonce ? blobBigint(value) : blobWord(value), credit: credit === null ? null : blobBigint(credit) });
    }
  }

  private readTransactions(runId: number, from = 0, to = Number.MAX_SAFE_INTEGER): TxRecord[] {
    const rows = this.statement("SELECT idx, sender, recipient, gas_used, status, ms, incarnations, aborts, validation_failures FROM transactions WHERE run_id = ? AND idx >= ? AND idx < ? ORDER BY idx").raw(true).safeIntegers(true).all(runId, from, to) as [bigint, Buffer | null, Buffer | null, bigint, bigint, number, bigint, bigint, bigint][];
    return rows.map(([index, sender, recipient, gasUsed, status, ms, incarnations, aborts, validationFailures]) => {
      const tx: TxRecord = {
        index: Number(index),
        reads: [],
        writes: [],
        gasUsed,
        status: Number(status),
        ms,
        incarnations: Number(incarnations),
        aborts: Number(aborts),
        validationFailures: Number(validationFailures),
      };
      if (sender !== null) tx.from = blobWord(sender);
      if (recipient !== null) tx.to = recipient.length === 0 ? null : blobWord(recipient);
      return tx;
    });
  }

  /** The stored dependency graph (the edges and the locations behind them) of the block's latest run, or of `run`. */
  graph(number: bigint | number, selector: RunSelector = {}): DependencyGraph {
    const runId = this.resolveRun(BigInt(number), selector.run);
    const txCount = this.statement("SELECT tx_count FROM blocks WHERE run_id = ?").pluck().get(runId) as number;
    const edges: Edge[] = (this.statement("SELECT from_tx, to_tx FROM edges WHERE run_id = ? ORDER BY to_tx, from_tx").raw(true).all(runId) as [number, number][]).map(([from, to]) => ({ from, to, locations: [] }));
    let e = 0;
    for (const [from, to, address, field, slot] of this.statement("SELECT from_tx, to_tx, address, field, slot FROM edge_locations WHERE run_id = ? ORDER BY to_tx, from_tx, seq").raw(true).all(runId) as [number, number, Buffer, Field, Buffer | null][]) {
      while (e < edges.length && (edges[e]!.to < to || (edges[e]!.to === to && edges[e]!.from < from))) e++;
      const edge = edges[e];
      if (edge === undefined || edge.to !== to || edge.from !== from) throw new StoreError(`${this.path}: run ${runId}: a location of edge ${from} -> ${to}, which is not stored`);
      edge.locations.push(locationOf(address, field, slot));
    }
    const predecessors: number[][] = Array.from({ length: txCount }, () => []);
    for (const edge of edges) predecessors[edge.to]!.push(edge.from);
    return { txCount, edges, predecessors };
  }

  /** The RLP of the block's EIP-7928 access list, as built when the run was stored. */
  accessList(number: bigint | number, selector: RunSelector = {}): Uint8Array {
    const runId = this.resolveRun(BigInt(number), selector.run);
    const row = this.statement("SELECT rlp, error FROM access_lists WHERE run_id = ?").get(runId) as { rlp: Buffer | null; error: string | null } | undefined;
    if (row === undefined || row.rlp === null) throw new StoreError(`block ${number} (run ${runId}) has no access list in ${this.path}${row?.error ? `: ${row.error}` : ""}`);
    return plainBytes(row.rlp);
  }

  /** Whether the stored access list was built with the block's pre-state (see balFromRecord.ts). */
  accessListWithPreState(number: bigint | number, selector: RunSelector = {}): boolean {
    const runId = this.resolveRun(BigInt(number), selector.run);
    return this.statement("SELECT with_pre_state FROM access_lists WHERE run_id = ?").pluck().get(runId) === 1;
  }

  /**
   * The contracts and storage slots behind the most dependency edges (and the re-executions of the
   * transactions those edges lead into), over the latest run of every stored block, or one block.
   * Counted as summarize's hot spots count them (src/records/analysis.ts), summed over the runs.
   */
  hotspots(query: HotspotQuery = {}): Hotspots {
    const limit = query.limit ?? 10;
    const scope = query.block === undefined ? LATEST_RUNS : "SELECT ? AS run_id";
    const scopeArgs: unknown[] = query.block === undefined ? [] : [this.resolveRun(BigInt(query.block), query.run)];
    const contract = query.contract === undefined ? null : addressBlob(typeof query.contract === "string" ? wordFromHex(query.contract) : query.contract);
    const filter = contract === null ? "" : "AND l.address = ?";
    const filterArgs = contract === null ? [] : [contract];
    const runs = this.statement(`SELECT count(*) FROM (${scope})`).pluck().get(...scopeArgs) as number;
    // An edge counts once per address it names; re-executions once per (transaction, address).
    const perEdge = `SELECT DISTINCT l.run_id, l.to_tx, l.from_tx, l.address FROM edge_locations l WHERE l.run_id IN (${scope}) ${filter}`;
    const perTx = `SELECT DISTINCT l.run_id, l.to_tx, l.address FROM edge_locations l WHERE l.run_id IN (${scope}) ${filter}`;
    const contracts = this.statement(
      `WITH e AS (SELECT address, count(*) AS edges, count(DISTINCT run_id) AS blocks FROM (${perEdge}) GROUP BY address),
            x AS (SELECT p.address, sum(t.aborts + t.validation_failures) AS reexecutions FROM (${perTx}) p
                  JOIN transactions t ON t.run_id = p.run_id AND t.idx = p.to_tx GROUP BY p.address)
       SELECT e.address, e.edges, coalesce(x.reexecutions, 0), e.blocks FROM e LEFT JOIN x ON x.address = e.address
       ORDER BY e.edges DESC, 3 DESC, e.address LIMIT ?`,
    ).raw(true).all(...scopeArgs, ...filterArgs, ...scopeArgs, ...filterArgs, limit) as [Buffer, number, number, number][];
    const slots = this.statement(
      `SELECT l.address, l.slot, count(*) AS edges FROM edge_locations l WHERE l.run_id IN (${scope}) AND l.field = ${Field.Storage} ${filter}
       GROUP BY l.address, l.slot ORDER BY edges DESC, l.address, l.slot LIMIT ?`,
    ).raw(true).all(...scopeArgs, ...filterArgs, limit) as [Buffer, Buffer, number][];
    const result: Hotspots = {
      runs,
      contracts: contracts.map(([address, edges, reexecutions, blocks]) => ({ address: addressToHex(blobWord(address)), edges, reexecutions, blocks })),
      slots: slots.map(([address, slot, edges]) => ({ address: addressToHex(blobWord(address)), slot: wordToHex(blobWord(slot), 32), edges })),
    };
    if (contract !== null) result.blocks = this.contractBlocks(scope, scopeArgs, contract, limit);
    return result;
  }

  private contractBlocks(scope: string, scopeArgs: unknown[], contract: Buffer, limit: number): NonNullable<Hotspots["blocks"]> {
    const rows = this.statement(
      `WITH e AS (SELECT run_id, count(*) AS edges FROM (SELECT DISTINCT run_id, to_tx, from_tx FROM edge_locations WHERE run_id IN (${scope}) AND address = ?) GROUP BY run_id),
            x AS (SELECT p.run_id, sum(t.aborts + t.validation_failures) AS reexecutions
                  FROM (SELECT DISTINCT run_id, to_tx FROM edge_locations WHERE run_id IN (${scope}) AND address = ?) p
                  JOIN transactions t ON t.run_id = p.run_id AND t.idx = p.to_tx GROUP BY p.run_id)
       SELECT b.number, e.run_id, e.edges, coalesce(x.reexecutions, 0) FROM e JOIN blocks b ON b.run_id = e.run_id LEFT JOIN x ON x.run_id = e.run_id
       ORDER BY e.edges DESC, b.number LIMIT ?`,
    ).raw(true).safeIntegers(true).all(...scopeArgs, contract, ...scopeArgs, contract, limit) as [bigint, bigint, bigint, bigint][];
    return rows.map(([number, run, edges, reexecutions]) => ({ number, run: Number(run), edges: Number(edges), reexecutions: Number(reexecutions) }));
  }
}

/** Rows per INSERT statement: one call into SQLite inserts that many (fewer crossings, measured about 1.5x faster than one row a call). */
const ROWS_PER_INSERT = 64;

/** Values of rows to insert, flushed ROWS_PER_INSERT rows at a time; the caller flushes the rest. */
class RowBatch {
  private values: unknown[] = [];
  private rows = 0;
  constructor(
    private readonly insert: (rows: number) => Database.Statement,
    private readonly columns: number,
  ) {}

  add(...row: unknown[]): void {
    if (row.length !== this.columns) throw new RangeError(`store: a row of ${row.length} values for ${this.columns} columns`);
    for (const v of row) this.values.push(v);
    if (++this.rows === ROWS_PER_INSERT) this.flush();
  }

  flush(): void {
    if (this.rows === 0) return;
    this.insert(this.rows).run(this.values);
    this.values = [];
    this.rows = 0;
  }
}

function lastVersion(migrations: readonly Migration[]): number {
  return migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
}

function checkInt64(value: bigint, what: string): bigint {
  if (value < 0n || value > MAX_INT64) throw new StoreError(`${what} ${value} does not fit the store (at most 2^63-1)`);
  return value;
}

function slotOf(location: Location): Buffer | null {
  return location.field === Field.Storage ? slotBlob(location.slot) : null;
}

function locationOf(address: Buffer, field: Field, slot: Buffer | null): Location {
  return { address: blobWord(address), field, slot: slot === null ? 0 : blobWord(slot) };
}

function kindCode(kind: TimelineEvent["kind"]): number {
  const code = KINDS.indexOf(kind);
  if (code < 0) throw new RangeError(`record: timeline kind ${String(kind)} is not one of ${KINDS.join(", ")}`);
  return code;
}

function speedupColumns(table: SpeedupTable): number[] {
  const at = (threads: number): number => {
    const row = table.threads.find((t) => t.threads === threads);
    if (row === undefined) throw new RangeError(`summary: no ideal speedup for ${threads} threads`);
    return row.speedup;
  };
  return [at(2), at(4), at(8), at(16), table.unbounded];
}

function speedupTable(row: BlockRow, first: number): SpeedupTable {
  return { threads: [2, 4, 8, 16].map((threads, i) => ({ threads, speedup: Number(row[first + i]) })), unbounded: Number(row[first + 4]) };
}

/** The access list to store: the one given (built with the pre-state), else built from the record alone. */
function accessListRow(record: BlockRecord, given: BlockAccessList | undefined): AccessListRow {
  try {
    const rlp = encodeBal(given ?? blockAccessList(record));
    // balHash would encode the list again: the hash of these bytes is the same.
    return { rlp: Buffer.from(rlp), hash: Buffer.from(keccak256(rlp)), withPre: given === undefined ? 0 : 1, error: null };
  } catch (e) {
    if (!(e instanceof BalFormatError)) throw e;
    return { rlp: null, hash: null, withPre: given === undefined ? 0 : 1, error: e.message };
  }
}

function storedBlockOf(row: BlockRow): StoredBlock {
  const num = (i: number): number => Number(row[i] as bigint | number);
  const real = (i: number): number | null => (row[i] === null ? null : Number(row[i]));
  const text = (i: number): string | null => row[i] as string | null;
  return {
    run: num(0),
    number: row[1] as bigint,
    hash: row[2] === null ? null : bytesToHex(row[2] as Buffer),
    fork: row[3] as string,
    coinbase: addressToHex(blobWord(row[4] as Buffer)),
    gasUsed: row[5] as bigint,
    txCount: num(6),
    createdAt: row[7] as string,
    label: text(8),
    mode: row[9] as RunInfo["mode"],
    workers: num(10),
    fallback: text(11),
    stopped: text(12),
    executionMs: num(13),
    source: row[14] as RunInfo["source"],
    edgeCount: num(15),
    dependentTxs: num(16),
    conflictRatio: num(17),
    criticalPath: { gas: num(18), ms: num(19) },
    idealSpeedup: { byTime: speedupTable(row, 20), byGas: speedupTable(row, 25) },
    achieved: { parallelism: real(30), speedup: real(31) },
    reexecutions: num(32),
    balHash: row[33] === null ? null : blobHex(row[33] as Buffer),
  };
}

/** The largest block number a store holds (SQLite integers are 64-bit signed). */
export const MAX_BLOCK_NUMBER = MAX_INT64;

/** A block number from the command line or an API caller: decimal or 0x-hex, at most MAX_BLOCK_NUMBER; else null. */
export function parseBlockNumber(text: string): bigint | null {
  if (!/^(?:[0-9]{1,30}|0x[0-9a-fA-F]{1,30})$/.test(text)) return null;
  const number = BigInt(text);
  return number <= MAX_INT64 ? number : null;
}
