// `--store` / `--db PATH` of `pevm run` and `pevm replay`: save each run's execution record in the
// record store (src/store/, docs/store.md), with its summary and its access list built with the
// block's pre-state.
import { BalFormatError, type BlockAccessList } from "../records/bal.js";
import { blockAccessList } from "../records/balFromRecord.js";
import { defaultStorePath } from "../store/paths.js";
import { RecordStore } from "../store/store.js";
import { UsageError, type OptionSpec } from "./args.js";
import type { BlockRun } from "./blockReport.js";

export const STORE_OPTIONS: Record<string, OptionSpec> = {
  store: { description: "save the execution record in the record store (see pevm records; default file $XDG_DATA_HOME/pevm/records.db, else the platform's data directory)" },
  db: { value: true, description: "the record store's file (implies --store)" },
};

/** What --json reports of a stored run. */
export interface StoredRun {
  db: string;
  run: number;
}

type Options = Record<string, string | boolean>;

/** The store file --store / --db ask for, or null; a usage error when the run keeps no record. */
export function storePathOf(options: Options): string | null {
  if (options.store !== true && typeof options.db !== "string") return null;
  if (options["no-record"]) throw new UsageError("--no-record excludes --store and --db (the store keeps records)");
  return typeof options.db === "string" ? options.db : defaultStorePath();
}

function label(): string {
  return ["pevm", ...process.argv.slice(2)].join(" ");
}

/** The access list with the pre-state, or undefined (the store then builds it from the record alone, or notes why it cannot). */
function accessListOf(run: BlockRun): BlockAccessList | undefined {
  try {
    return blockAccessList(run.record!, { pre: run.input.preState });
  } catch (e) {
    if (e instanceof BalFormatError) return undefined;
    throw e;
  }
}

/** An open store that runs are saved into, one after another. */
export class StoreSink {
  private stored = 0;
  private constructor(readonly db: string, private readonly store: RecordStore, private readonly json: boolean) {}

  /** Opens the store --store / --db name, or returns null when neither was given. */
  static open(options: Options): StoreSink | null {
    const db = storePathOf(options);
    return db === null ? null : new StoreSink(db, RecordStore.open(db), options.json === true);
  }

  save(run: BlockRun): StoredRun {
    const stored = saveInto(this.store, this.db, run);
    this.stored++;
    return stored;
  }

  /** Closes the store; says how many blocks went into it (on stderr, unless --json). */
  close(): { db: string; blocks: number } {
    this.store.close();
    if (!this.json) console.error(`stored ${this.stored} block${this.stored === 1 ? "" : "s"} in ${this.db}`);
    return { db: this.db, blocks: this.stored };
  }
}

/** `pevm run --store`: saves the run, says so on stderr unless --json; null when not asked to store. */
export function storeRun(run: BlockRun, options: Options): StoredRun | null {
  const db = storePathOf(options);
  if (db === null) return null;
  const store = RecordStore.open(db);
  try {
    const stored = saveInto(store, db, run);
    if (options.json !== true) console.error(`stored block ${run.input.block.header.number} in ${db} (run ${stored.run})`);
    return stored;
  } finally {
    store.close();
  }
}

function saveInto(store: RecordStore, db: string, run: BlockRun): StoredRun {
  if (run.record === undefined) throw new Error(`block ${run.input.block.header.number}: no execution record to store`);
  const { run: id } = store.saveBlock(run.record, { label: label(), summary: run.summary, bal: accessListOf(run) });
  return { db, run: id };
}
