// The record store's schema and its migrations (docs/store.md). A store records its version in
// `schema_version`; opening it applies, in one transaction, every migration above that version.
// Migrations are only ever appended: migration N+1 is another entry of MIGRATIONS, and a store
// written by a later pevm (a version above the last entry) is refused, never guessed at.
import type Database from "better-sqlite3";

export class StoreError extends Error {
  constructor(message: string) {
    super(message.replace(/[\r\n]+/g, " "));
    this.name = "StoreError";
  }
}

export interface Migration {
  /** The version the store has after it: 1 for the first entry, then 2, 3, ... */
  version: number;
  description: string;
  up(db: Database.Database): void;
}

// Conventions of the tables below:
// - Every table of a stored record is keyed by run_id (one row of `runs` per stored record), and
//   most are WITHOUT ROWID with the record's own order (tx, seq) in the key: a record is written
//   and read back as a few range scans in key order.
// - Addresses are 20-byte blobs; storage slots 32-byte blobs (so that blob order is numeric
//   order), NULL for account fields; values, balances and credits minimal big-endian blobs (zero
//   is the empty blob). `tx` is the transaction index, -1 for the pre-execution system changes
//   and -2 for the post-execution ones. `field`: 0 balance, 1 nonce, 2 code, 3 storage.
const SCHEMA_1 = `
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  created_at TEXT NOT NULL,
  label TEXT,
  mode TEXT NOT NULL,
  workers INTEGER NOT NULL,
  fallback TEXT,
  stopped TEXT,
  execution_ms REAL NOT NULL,
  source TEXT NOT NULL
);

CREATE TABLE blocks (
  run_id INTEGER PRIMARY KEY REFERENCES runs(id),
  number INTEGER NOT NULL,
  hash BLOB,
  fork TEXT NOT NULL,
  coinbase BLOB NOT NULL,
  gas_used INTEGER NOT NULL,
  tx_count INTEGER NOT NULL,
  edge_count INTEGER NOT NULL,
  dependent_txs INTEGER NOT NULL,
  conflict_ratio REAL NOT NULL,
  critical_path_gas REAL NOT NULL,
  critical_path_ms REAL NOT NULL,
  ideal_speedup_2 REAL NOT NULL,
  ideal_speedup_4 REAL NOT NULL,
  ideal_speedup_8 REAL NOT NULL,
  ideal_speedup_16 REAL NOT NULL,
  ideal_speedup_unbounded REAL NOT NULL,
  ideal_gas_speedup_2 REAL NOT NULL,
  ideal_gas_speedup_4 REAL NOT NULL,
  ideal_gas_speedup_8 REAL NOT NULL,
  ideal_gas_speedup_16 REAL NOT NULL,
  ideal_gas_speedup_unbounded REAL NOT NULL,
  achieved_parallelism REAL,
  achieved_speedup REAL,
  reexecutions INTEGER NOT NULL,
  bal_hash BLOB,
  summary_json TEXT NOT NULL
);
CREATE INDEX blocks_by_number ON blocks(number, run_id);

CREATE TABLE transactions (
  run_id INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  sender BLOB,
  recipient BLOB,
  gas_used INTEGER NOT NULL,
  status INTEGER NOT NULL,
  ms REAL NOT NULL,
  incarnations INTEGER NOT NULL,
  aborts INTEGER NOT NULL,
  validation_failures INTEGER NOT NULL,
  PRIMARY KEY (run_id, idx)
) WITHOUT ROWID;

CREATE TABLE reads (
  run_id INTEGER NOT NULL,
  tx INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  address BLOB NOT NULL,
  field INTEGER NOT NULL,
  slot BLOB,
  version INTEGER,
  credits TEXT,
  PRIMARY KEY (run_id, tx, seq)
) WITHOUT ROWID;

CREATE TABLE writes (
  run_id INTEGER NOT NULL,
  tx INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  address BLOB NOT NULL,
  field INTEGER NOT NULL,
  slot BLOB,
  value BLOB NOT NULL,
  credit BLOB,
  PRIMARY KEY (run_id, tx, seq)
) WITHOUT ROWID;

CREATE TABLE edges (
  run_id INTEGER NOT NULL,
  to_tx INTEGER NOT NULL,
  from_tx INTEGER NOT NULL,
  PRIMARY KEY (run_id, to_tx, from_tx)
) WITHOUT ROWID;

CREATE TABLE edge_locations (
  run_id INTEGER NOT NULL,
  to_tx INTEGER NOT NULL,
  from_tx INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  address BLOB NOT NULL,
  field INTEGER NOT NULL,
  slot BLOB,
  PRIMARY KEY (run_id, to_tx, from_tx, seq)
) WITHOUT ROWID;
CREATE INDEX edge_locations_by_address ON edge_locations(address, run_id);

CREATE TABLE access_lists (
  run_id INTEGER PRIMARY KEY REFERENCES runs(id),
  rlp BLOB,
  hash BLOB,
  with_pre_state INTEGER NOT NULL,
  error TEXT
);

CREATE TABLE timeline (
  run_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  tx INTEGER NOT NULL,
  incarnation INTEGER NOT NULL,
  thread INTEGER NOT NULL,
  start_ms REAL NOT NULL,
  end_ms REAL NOT NULL,
  kind INTEGER NOT NULL,
  outcome INTEGER NOT NULL,
  PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;

CREATE TABLE codes (
  hash BLOB PRIMARY KEY,
  code BLOB NOT NULL
);

CREATE TABLE block_codes (
  run_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  hash BLOB NOT NULL,
  PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
`;

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, description: "the initial schema", up: (db) => db.exec(SCHEMA_1) },
];

/** The schema version this build writes and reads. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

function sqliteCode(e: unknown): string | undefined {
  return typeof e === "object" && e !== null && "code" in e && typeof (e as { code: unknown }).code === "string" ? (e as { code: string }).code : undefined;
}

/** An SQLite error as a StoreError naming the file: a file that is not a database, above all. */
export function storeErrorOf(path: string, e: unknown): Error {
  if (e instanceof StoreError) return e;
  const code = sqliteCode(e);
  if (code === "SQLITE_NOTADB") return new StoreError(`${path}: not a pevm record store (the file is not an SQLite database)`);
  if (code === "SQLITE_CORRUPT") return new StoreError(`${path}: the record store is damaged (SQLite: ${(e as Error).message})`);
  if (code === "SQLITE_CANTOPEN") return new StoreError(`${path}: cannot open the record store (${(e as Error).message})`);
  if (code === "SQLITE_BUSY") return new StoreError(`${path}: the record store is locked by another process (${(e as Error).message})`);
  if (code === "SQLITE_READONLY") return new StoreError(`${path}: the record store is read-only (${(e as Error).message})`);
  return e instanceof Error ? e : new Error(String(e));
}

/**
 * The store's schema version: 0 for an empty database (nothing created yet). Throws a StoreError
 * for a database that holds other tables but no schema_version (not a pevm store).
 */
export function currentVersion(db: Database.Database, path: string): number {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
  if (!tables.includes("schema_version")) {
    if (tables.length === 0) return 0;
    throw new StoreError(`${path}: an SQLite database, but not a pevm record store (it has no schema_version table)`);
  }
  const version = db.prepare("SELECT max(version) FROM schema_version").pluck().get();
  if (typeof version !== "number" || !Number.isSafeInteger(version) || version < 1) {
    throw new StoreError(`${path}: the record store's schema_version table holds no valid version`);
  }
  return version;
}

function newerMessage(path: string, version: number, supported: number): string {
  return `${path}: store schema version ${version} is newer than this pevm supports (${supported}); upgrade pevm`;
}

/**
 * Brings the store to the last version of `migrations` (MIGRATIONS unless a test gives others):
 * each migration above the store's version runs, and schema_version is updated, in one
 * transaction that takes the write lock first (two processes opening a new store do not both
 * create it). A store of a later version is refused.
 */
export function migrate(db: Database.Database, path: string, migrations: readonly Migration[] = MIGRATIONS): number {
  checkMigrations(migrations);
  const latest = migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
  const upgrade = db.transaction(() => {
    const version = currentVersion(db, path);
    if (version > latest) throw new StoreError(newerMessage(path, version, latest));
    if (version === latest) return version;
    if (version === 0) db.exec("CREATE TABLE schema_version (version INTEGER NOT NULL)");
    for (const migration of migrations) if (migration.version > version) migration.up(db);
    db.prepare("DELETE FROM schema_version").run();
    db.prepare("INSERT INTO schema_version (version) VALUES (?)").run(latest);
    return latest;
  });
  return upgrade.immediate();
}

/** For a read-only open: the store must already be at the supported version. */
export function checkVersion(db: Database.Database, path: string, supported: number = SCHEMA_VERSION): void {
  const version = currentVersion(db, path);
  if (version === 0) throw new StoreError(`${path}: not a pevm record store (an empty database)`);
  if (version > supported) throw new StoreError(newerMessage(path, version, supported));
  if (version < supported) throw new StoreError(`${path}: store schema version ${version} is older than this pevm's (${supported}); open it for writing once (pevm records import, or pevm run --store) to upgrade it`);
}

function checkMigrations(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new RangeError(`migration ${i} has version ${m.version}, expected ${i + 1}: migrations are numbered 1, 2, 3, ... in order`);
  });
}
