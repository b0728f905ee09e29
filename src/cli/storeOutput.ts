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

/** A contract's dependency edges and re-executions summed over the stored blocks (each block's top contracts). */
export interface ReplayHotSpot {
  address: string;
  edges: number;
  reexecutions: number;
  blocks: number;
}

/** An open store that runs are saved into, one after another. */
export class StoreSink {
  private stored = 0;
  private readonly hot = new Map<string, ReplayHotSpot>();
  private lastBlock: bigint | null = null;
  private constructor(readonly db: string, private readonly store: RecordStore, private readonly json: boolean) {}

  /** Opens the store --store / --db name, or returns null when neither was given. */
  static open(options: Options): StoreSink | null {
    const db = storePathOf(options);
    return db === null ? null : new StoreSink(db, RecordStore.open(db), options.json === true);
  }

  save(run: BlockRun): StoredRun {
    const stored = saveInto(this.store, this.db, run);
    this.stored++;
    this.lastBlock = run.input.block.header.number;
    for (const c of run.summary?.hotSpots.contracts ?? []) {
      const entry = this.hot.get(c.address) ?? { address: c.address, edges: 0, reexecutions: 0, blocks: 0 };
      entry.edges += c.edges;
      entry.reexecutions += c.reexecutions;
      entry.blocks++;
      this.hot.set(c.address, entry);
    }
    return stored;
  }

  /** The contracts behind the most dependency edges over the blocks stored so far. */
  hotSpots(limit = 5): ReplayHotSpot[] {
    return [...this.hot.values()].sort((a, b) => b.edges - a.edges || b.reexecutions - a.reexecutions || (a.address < b.address ? -1 : 1)).slice(0, limit);
  }

  /** Closes the store; returns how many blocks went into it and the top hot spots (what --json reports). */
  close(): { db: string; blocks: number; hotSpots: ReplayHotSpot[] } {
    this.store.close();
    return { db: this.db, blocks: this.stored, hotSpots: this.hotSpots() };
  }

  /** Says how many blocks went into the store, the top hot spots, and how to see them (on stderr, unless --json). */
  printClosing(): void {
    const hotSpots = this.hotSpots();
    if (!this.json) {
      console.error(`stored ${this.stored} block${this.stored === 1 ? "" : "s"} in ${this.db}`);
      if (hotSpots.length > 0) {
        console.error("hot spots over these blocks (contracts behind the most dependencies):");
        for (const h of hotSpots) console.error(`  ${h.address}  ${h.edges} edges, ${h.reexecutions} re-executions, in ${h.blocks} block${h.blocks === 1 ? "" : "s"}`);
      }
      if (this.lastBlock !== null) console.error(`see them: pevm report ${this.lastBlock} --db ${this.db} -o report.html, or pevm serve --db ${this.db}`);
    }
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
