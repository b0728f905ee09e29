// `pevm records`: the execution-record store (src/store/, docs/store.md) on the command line:
// list, show, hotspots, export and import.
import { writeFileAtomically } from "../primitives/atomicFile.js";
import { existsSync, rmSync } from "node:fs";
import { basename, extname } from "node:path";
import { formatSummary } from "../records/analysis.js";
import { balToJson, decodeBal } from "../records/bal.js";
import { recordToJson, recordToNdjsonLines, writeRecordFile } from "../records/json.js";
import { defaultStorePath } from "../store/paths.js";
import { parseBlockNumber, RecordStore, type Hotspots, type StoredBlock } from "../store/store.js";
import { intOption, optionHelp, parseArgs, UsageError, type OptionSpec, type ParsedArgs } from "./args.js";

type Options = ParsedArgs["options"];

const COMMON: Record<string, OptionSpec> = {
  db: { value: true, description: "the store's file (default $XDG_DATA_HOME/pevm/records.db, else the platform's data directory)" },
  json: { description: "print one JSON object" },
  help: { description: "show this help" },
};

const RUN_OPTION: Record<string, OptionSpec> = {
  run: { value: true, description: "the stored run to use (its id, as list shows it; default: the block's latest run)" },
};

const FORMATS = ["json", "ndjson", "bal-rlp", "bal-json"] as const;
type Format = (typeof FORMATS)[number];

interface Subcommand {
  args: string;
  summary: string;
  spec: Record<string, OptionSpec>;
  run(positionals: string[], options: Options): Promise<number>;
}

const SUBCOMMANDS: Record<string, Subcommand> = {
  list: {
    args: "",
    summary: "list the stored records (one row per run), by block number",
    spec: {
      limit: { value: true, description: "at most this many rows" },
      offset: { value: true, description: "skip this many rows first (default 0)" },
      ...COMMON,
    },
    run: listCommand,
  },
  show: {
    args: "<block>",
    summary: "a stored block's run and summary (critical path, ideal speedups, conflicts, hot spots)",
    spec: { ...RUN_OPTION, ...COMMON },
    run: showCommand,
  },
  hotspots: {
    args: "",
    summary: "the contracts and storage slots behind the most dependency edges and re-executions, over the latest run of every stored block",
    spec: {
      contract: { value: true, description: "only this contract (0x + 40 hex digits): its slots and the blocks it was in" },
      block: { value: true, description: "only this block (its latest run, or --run)" },
      ...RUN_OPTION,
      limit: { value: true, description: "rows per list (default 10)" },
      ...COMMON,
    },
    run: hotspotsCommand,
  },
  export: {
    args: "<block>",
    summary: "write a stored record (json, ndjson: docs/record-json.md) or its EIP-7928 access list (bal-rlp, bal-json)",
    spec: {
      format: { value: true, description: `${FORMATS.join(" | ")} (default: from -o's extension, else json)` },
      output: { value: true, description: "-o FILE: write to FILE (atomically: a temporary file renamed into place) instead of stdout" },
      ...RUN_OPTION,
      ...COMMON,
    },
    run: exportCommand,
  },
  import: {
    args: "<file>...",
    summary: "store record files (JSON or NDJSON, as pevm run --record writes them), each as a new run",
    spec: { label: { value: true, description: "the label stored with the runs (default: import FILE)" }, ...COMMON },
    run: importCommand,
  },
};

export const RECORDS_HELP = `usage: pevm records <list | show | hotspots | export | import> [options]

The record store keeps execution records (pevm run --store, pevm replay --store, pevm records
import) in one SQLite file, by default ${defaultStorePath()}.
A block stored again is kept as another run; show and export take the latest unless --run N.

${Object.entries(SUBCOMMANDS)
  .map(([name, c]) => `  ${`${name} ${c.args}`.padEnd(18)}${c.summary}`)
  .join("\n")}

Run "pevm records <subcommand> --help" for its options. Exit status: 0 on success, 1 when a store,
block or file is missing or not what it should be, 2 on a usage error.`;

function subcommandHelp(name: string, c: Subcommand): string {
  return `usage: pevm records ${name}${c.args === "" ? "" : ` ${c.args}`} [options]\n\n${c.summary}.\n\n${optionHelp(c.spec)}`;
}

export async function recordsCommand(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) throw new UsageError("records needs a subcommand: list, show, hotspots, export or import");
  if (name === "--help" || name === "-h" || name === "help") {
    console.log(RECORDS_HELP);
    return 0;
  }
  const sub = SUBCOMMANDS[name];
  if (sub === undefined) throw new UsageError(`unknown records subcommand "${name}" (list, show, hotspots, export, import)`);
  // The one short option: -o FILE (and -h).
  const { positionals, options } = parseArgs(
    rest.map((a) => (a === "-o" ? "--output" : a === "-h" ? "--help" : a)),
    sub.spec,
  );
  if (options.help) {
    console.log(subcommandHelp(name, sub));
    return 0;
  }
  return sub.run(positionals, options);
}

// ---- helpers ---------------------------------------------------------------------------------

function dbPath(options: Options): string {
  return typeof options.db === "string" ? options.db : defaultStorePath();
}

function withStore<T>(options: Options, readonly: boolean, use: (store: RecordStore) => T): T {
  const store = RecordStore.open(dbPath(options), { readonly });
  try {
    return use(store);
  } finally {
    store.close();
  }
}

function blockArgument(positionals: string[], command: string): bigint {
  if (positionals.length !== 1) throw new UsageError(`${command} takes exactly one block number`);
  const number = parseBlockNumber(positionals[0]!);
  if (number === null) throw new UsageError(`"${positionals[0]}" is not a block number (decimal, or 0x-hex, at most 2^63-1)`);
  return number;
}

function runOption(options: Options): number | undefined {
  return options.run === undefined ? undefined : intOption(options, "run", 1);
}

function nonNegative(options: Options, name: string): number {
  const raw = options[name];
  if (raw === undefined) return 0;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0 || !/^\d+$/.test(String(raw))) throw new UsageError(`--${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

/** A bigint as a JSON number when it is exact, else as a decimal string. */
function jsonInt(n: bigint): number | string {
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
}

function storedJson(b: StoredBlock): Record<string, unknown> {
  return { ...b, number: jsonInt(b.number), gasUsed: jsonInt(b.gasUsed) };
}

function print(json: unknown): void {
  console.log(JSON.stringify(json, null, 2));
}

const times = (x: number | null): string => (x === null ? "n/a" : `${x.toFixed(2)}x`);
const percent = (x: number): string => `${(100 * x).toFixed(1)}%`;

// ---- list ------------------------------------------------------------------------------------

async function listCommand(positionals: string[], options: Options): Promise<number> {
  if (positionals.length > 0) throw new UsageError("list takes no arguments");
  const limit = options.limit === undefined ? undefined : intOption(options, "limit", 1);
  const offset = nonNegative(options, "offset");
  const db = dbPath(options);
  const { rows, blocks, runs } = withStore(options, true, (s) => ({ rows: s.listBlocks({ limit, offset }), blocks: s.blockCount(), runs: s.runCount() }));
  if (options.json) {
    print({ db, blocks, runs, offset, records: rows.map(storedJson) });
    return 0;
  }
  console.log(`${db}: ${blocks} block${blocks === 1 ? "" : "s"}, ${runs} run${runs === 1 ? "" : "s"}`);
  if (rows.length === 0) return 0;
  console.log("  run  block        fork               txs          gas  mode        ideal(2)  ideal(∞)  conflicts  stored                label");
  for (const r of rows) {
    console.log(
      `${String(r.run).padStart(5)}  ${String(r.number).padEnd(12)} ${r.fork.padEnd(16)} ${String(r.txCount).padStart(5)} ${String(r.gasUsed).padStart(12)}  ${r.mode.padEnd(10)} ${times(r.idealSpeedup.byTime.threads[0]!.speedup).padStart(8)}  ${times(r.idealSpeedup.byTime.unbounded).padStart(8)}  ${percent(r.conflictRatio).padStart(9)}  ${r.createdAt.slice(0, 19).replace("T", " ")}   ${r.label ?? ""}`,
    );
  }
  return 0;
}

// ---- show ------------------------------------------------------------------------------------

async function showCommand(positionals: string[], options: Options): Promise<number> {
  const number = blockArgument(positionals, "show");
  const run = runOption(options);
  const db = dbPath(options);
  const { info, runs, summary, withPre } = withStore(options, true, (s) => ({
    info: s.describe(number, { run }),
    runs: s.runsOf(number),
    summary: s.summary(number, { run }),
    withPre: s.accessListWithPreState(number, { run }),
  }));
  if (options.json) {
    print({ db, runs, ...storedJson(info), accessList: info.balHash === null ? null : { hash: info.balHash, withPreState: withPre }, summary });
    return 0;
  }
  const lines = [
    `block ${info.number} · run ${info.run} (stored runs: ${runs.join(", ")}) · ${info.fork} · ${info.txCount} txs · ${info.gasUsed} gas`,
    `  hash ${info.hash ?? "unknown"} · coinbase ${info.coinbase}`,
    `  run: ${info.mode}, ${info.workers} thread${info.workers === 1 ? "" : "s"}, record from ${info.source}, ${info.executionMs.toFixed(2)} ms${info.fallback ? ` (fallback: ${info.fallback})` : ""}${info.stopped ? ` (stopped: ${info.stopped})` : ""}`,
    `  stored ${info.createdAt}${info.label ? ` by "${info.label}"` : ""}`,
    `  access list: ${info.balHash === null ? "none (see pevm records export --format bal-rlp for why)" : `hash ${info.balHash} (${withPre ? "built with the pre-state" : "built from the record alone"})`}`,
    ...formatSummary(summary).map((l) => `  ${l}`),
  ];
  console.log(lines.join("\n"));
  return 0;
}

// ---- hotspots --------------------------------------------------------------------------------

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

async function hotspotsCommand(positionals: string[], options: Options): Promise<number> {
  if (positionals.length > 0) throw new UsageError("hotspots takes no arguments (--block N for one block)");
  const limit = intOption(options, "limit", 10);
  const contract = options.contract;
  if (contract !== undefined && (typeof contract !== "string" || !ADDRESS.test(contract))) throw new UsageError(`--contract must be an address (0x and 40 hex digits), got "${String(contract)}"`);
  let block: bigint | undefined;
  if (options.block !== undefined) {
    const parsed = parseBlockNumber(String(options.block));
    if (parsed === null) throw new UsageError(`--block "${options.block}" is not a block number (decimal, or 0x-hex, at most 2^63-1)`);
    block = parsed;
  }
  const run = runOption(options);
  if (run !== undefined && block === undefined) throw new UsageError("--run needs --block");
  const db = dbPath(options);
  const spots = withStore(options, true, (s) => s.hotspots({ contract, block, run, limit }));
  if (options.json) {
    print({ db, ...spots, ...(spots.blocks === undefined ? {} : { blocks: spots.blocks.map((b) => ({ ...b, number: jsonInt(b.number) })) }) });
    return 0;
  }
  console.log(formatHotspots(spots, block, contract));
  return 0;
}

function formatHotspots(spots: Hotspots, block: bigint | undefined, contract: string | undefined): string {
  const scope = block === undefined ? `the latest run of each of ${spots.runs} stored block${spots.runs === 1 ? "" : "s"}` : `block ${block}`;
  const lines = [`hot spots over ${scope}${contract === undefined ? "" : `, contract ${contract.toLowerCase()}`}`];
  if (spots.contracts.length === 0) {
    lines.push("  no dependency edges");
    return lines.join("\n");
  }
  lines.push("  contract                                      edges  re-executions  blocks");
  for (const c of spots.contracts) lines.push(`  ${c.address}  ${String(c.edges).padStart(6)}  ${String(c.reexecutions).padStart(13)}  ${String(c.blocks).padStart(6)}`);
  if (spots.slots.length > 0) {
    lines.push("  storage slot                                                                                                edges");
    for (const s of spots.slots) lines.push(`  ${s.address} ${s.slot}  ${String(s.edges).padStart(6)}`);
  }
  if (spots.blocks !== undefined && spots.blocks.length > 0) {
    lines.push("  block         run   edges  re-executions");
    for (const b of spots.blocks) lines.push(`  ${String(b.number).padEnd(12)} ${String(b.run).padStart(4)}  ${String(b.edges).padStart(6)}  ${String(b.reexecutions).padStart(13)}`);
  }
  return lines.join("\n");
}

// ---- export ----------------------------------------------------------------------------------

function formatOf(options: Options): Format {
  const output = typeof options.output === "string" ? options.output : null;
  const given = options.format;
  if (given !== undefined && !(FORMATS as readonly string[]).includes(String(given))) throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, got "${String(given)}"`);
  const ext = output === null ? "" : extname(output).toLowerCase();
  const recordForm: Format | null = ext === ".ndjson" || ext === ".jsonl" ? "ndjson" : ext === ".json" ? "json" : null;
  const format = (given as Format | undefined) ?? (ext === ".rlp" ? "bal-rlp" : (recordForm ?? "json"));
  // writeRecordFile picks the record's form by the extension: the name must agree with --format.
  if (output !== null && format === "ndjson" && recordForm !== "ndjson") throw new UsageError(`--format ndjson: the file name must end in .ndjson or .jsonl, not "${basename(output)}"`);
  if (output !== null && format === "json" && recordForm === "ndjson") throw new UsageError(`--format json: "${basename(output)}" names an NDJSON file; use --format ndjson or a .json name`);
  return format;
}

async function exportCommand(positionals: string[], options: Options): Promise<number> {
  const number = blockArgument(positionals, "export");
  const format = formatOf(options);
  const output = typeof options.output === "string" ? options.output : null;
  const run = runOption(options);
  const db = dbPath(options);
  // A reader that stops early (| head) ends the export quietly.
  if (output === null) {
    process.stdout.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE") process.exit(0);
      throw e;
    });
  }
  const store = RecordStore.open(db, { readonly: true });
  let runId: number;
  try {
    const info = store.describe(number, { run });
    const selector = { run: info.run };
    if (format === "json" || format === "ndjson") {
      const record = store.getRecord(number, selector);
      const summary = store.summary(number, selector);
      if (output !== null) {
        await writeRecordFile(output, record, { summary, indent: 2 }).catch((e: unknown) => Promise.reject(cannotWrite(output, e)));
      } else if (format === "json") {
        process.stdout.write(JSON.stringify(recordToJson(record, { summary }), null, 2) + "\n");
      } else {
        for (const line of recordToNdjsonLines(record, { summary })) process.stdout.write(line + "\n");
      }
    } else {
      const rlp = store.accessList(number, selector);
      const data = format === "bal-rlp" ? rlp : JSON.stringify(balToJson(decodeBal(rlp)), null, 2) + "\n";
      if (output !== null) {
        try {
          writeFileAtomically(output, data);
        } catch (e) {
          throw cannotWrite(output, e);
        }
      }
      else process.stdout.write(data);
    }
    runId = info.run;
  } finally {
    store.close();
  }
  if (output !== null) {
    if (options.json) print({ db, block: jsonInt(number), run: runId, format, file: output });
    else console.error(`block ${number} (run ${runId}) written to ${output} (${format})`);
  }
  return 0;
}

function cannotWrite(file: string, e: unknown): Error {
  return new Error(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
}


// ---- import ----------------------------------------------------------------------------------

async function importCommand(positionals: string[], options: Options): Promise<number> {
  if (positionals.length === 0) throw new UsageError("import takes one or more record files");
  const db = dbPath(options);
  const label = typeof options.label === "string" ? options.label : undefined;
  const existed = existsSync(db);
  const imported: { file: string; block: number | string; run: number }[] = [];
  try {
    withStore(options, false, (s) => {
      for (const file of positionals) {
        const { run, block } = s.importRecord(file, label === undefined ? {} : { label });
        if (!options.json) console.error(`imported ${file}: block ${block}, run ${run}`);
        imported.push({ file, block: jsonInt(block), run });
      }
    });
  } catch (e) {
    // A store this command created and filled with nothing is not left behind.
    if (!existed && imported.length === 0) for (const suffix of ["", "-wal", "-shm"]) rmSync(db + suffix, { force: true });
    throw e;
  }
  if (options.json) print({ db, imported });
  return 0;
}
