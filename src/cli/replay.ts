// `pevm replay`: run every block directory under a folder, with progress and a closing table.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { loadBlockInput } from "../block/load.js";
import { intOption, optionHelp, parseArgs, UsageError, type OptionSpec } from "./args.js";
import { startWorkerPool } from "../exec/parallel/executor.js";
import { mgasPerSecond, runBlock, runJson, type BlockRun } from "./blockReport.js";
import { workerCount } from "./run.js";
import { median } from "../primitives/median.js";
import { mkdirSync } from "node:fs";
import { writeRecordFile } from "../records/json.js";
import { STORE_OPTIONS, StoreSink } from "./storeOutput.js";

const SPEC: Record<string, OptionSpec> = {
  filter: { value: true, description: "only blocks whose number contains this text" },
  runs: { value: true, description: "execute each block this many times and report the median time (default 1)" },
  workers: { value: true, description: "threads for Block-STM parallel execution, the main thread included, waiting for them to start (about 2 s). Default: every core once the threads are warm (the first blocks run sequentially while they start); blocks where parallel execution would lose run sequentially and say why" },
  sequential: { description: "execute sequentially (same as --workers 1)" },
  json: { description: "print one JSON object: { ok, blocks: [run --json objects], totals }" },
  records: { value: true, description: "record every block and write its record to DIR/<block>.json (created if missing; schema: docs/record-json.md)" },
  ...STORE_OPTIONS,
  help: { description: "show this help" },
};

export const REPLAY_HELP = `usage: pevm replay <dir-of-blocks> [options]

Runs every block directory (one holding block.json and pre_state.json) found in <dir-of-blocks>,
in block-number order, verifying each against its header like "pevm run". Shows progress on
stderr and a closing table. Exit status 0 only when every block matched.

${optionHelp(SPEC)}

example: pevm replay ../shared/fixtures/mainnet/blocks`;

interface Row {
  name: string;
  run?: BlockRun;
  medianMs?: number;
  error?: string;
}

export async function replayCommand(argv: string[]): Promise<number> {
  const { positionals, options } = parseArgs(argv, SPEC);
  if (options.help) {
    console.log(REPLAY_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError("replay takes exactly one directory");
  const root = positionals[0]!;
  const runs = intOption(options, "runs", 1);
  const workers = workerCount(options);
  // By default the first blocks run sequentially while the worker threads start; --workers waits for them.
  const whenThreadsCold = options.workers !== undefined ? "wait" : "sequential";
  const dirs = listBlockDirs(root).filter((d) => options.filter === undefined || d.name.includes(options.filter as string));
  if (dirs.length === 0) throw new Error(`${root}: no block directories in it${options.filter === undefined ? "" : ` whose name contains "${options.filter}"`} (a block directory holds block.json and pre_state.json)`);
  const recordsDir = typeof options.records === "string" ? options.records : null;
  if (recordsDir !== null) makeOutputDirectory(recordsDir, "--records");
  const store = StoreSink.open(options);
  // Only now: threads still starting would hold the process open for seconds after an error above.
  startWorkerPool(workers);

  const cache = new Map<string, unknown>();
  const progress = process.stderr.isTTY ? new ProgressBar(dirs.length) : null;
  const rows: Row[] = [];
  for (const { name, path } of dirs) {
    progress?.update(rows.length, `block ${name}`);
    rows.push(await replayOne(name, path, runs, workers, cache, recordsDir, store, whenThreadsCold));
  }
  progress?.done();
  const stored = store?.close();

  const totals = summarize(rows);
  if (options.json) {
    const blocks = rows.map((r) => (r.run !== undefined ? { ...runJson(r.run), executionMs: r.medianMs, runs } : { block: Number(r.name), ok: false, error: r.error }));
    console.log(JSON.stringify({ ok: totals.failed === 0, blocks, totals, ...(stored === undefined ? {} : { stored }) }, null, 2));
  } else {
    console.log(formatTable(rows, totals));
    store?.printClosing();
  }
  return totals.failed === 0 ? 0 : 1;
}

async function replayOne(name: string, path: string, runs: number, workers: number, cache: Map<string, unknown>, recordsDir: string | null, store: StoreSink | null, whenThreadsCold: "wait" | "sequential"): Promise<Row> {
  try {
    const input = loadBlockInput(path, { cache });
    const times: number[] = [];
    let run: BlockRun | undefined;
    for (let i = 0; i < runs; i++) {
      run = await runBlock(input, workers, { record: recordsDir !== null || store !== null, whenThreadsCold });
      times.push(run.result.executionMs);
    }
    if (recordsDir !== null && run?.record !== undefined) await writeRecordFile(join(recordsDir, `${input.block.header.number}.json`), run.record, { summary: run.summary });
    if (store !== null && run !== undefined) store.save(run);
    return { name, run, medianMs: median(times) };
  } catch (e) {
    return { name, error: (e as Error).message };
  }
}

/** Creates `dir` for output files, before any block runs; a file there or no permission is an error naming the option. */
function makeOutputDirectory(dir: string, option: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new Error(`${option} ${dir}: not a directory`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new Error(`${option} ${dir}: cannot create the directory (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** The block directories in `root`; a missing root or a file is an error naming it (exit status 1, as for run). */
function listBlockDirs(root: string): { name: string; path: string }[] {
  if (!existsSync(root)) throw new Error(`${root}: no such directory`);
  if (!statSync(root).isDirectory()) throw new Error(`${root}: a file, not a directory of blocks (pevm run takes one block)`);
  const dirs = readdirSync(root)
    .map((name) => ({ name, path: join(root, name) }))
    .filter((d) => statSync(d.path).isDirectory() && existsSync(join(d.path, "block.json")));
  const key = (n: string) => (/^\d+$/.test(n) ? Number(n) : Number.MAX_SAFE_INTEGER);
  return dirs.sort((a, b) => key(a.name) - key(b.name) || a.name.localeCompare(b.name));
}

interface Totals {
  blocks: number;
  ok: number;
  failed: number;
  txs: number;
  gasUsed: number;
  executionMs: number;
  mgasPerSecond: number;
}

function summarize(rows: Row[]): Totals {
  let ok = 0;
  let txs = 0;
  let gas = 0n;
  let ms = 0;
  for (const r of rows) {
    if (r.run === undefined) continue;
    if (r.run.verification.ok) ok++;
    txs += r.run.input.block.transactions.length;
    gas += r.run.result.gasUsed;
    ms += r.medianMs!;
  }
  return { blocks: rows.length, ok, failed: rows.length - ok, txs, gasUsed: Number(gas), executionMs: Math.round(ms * 1000) / 1000, mgasPerSecond: Math.round(mgasPerSecond(gas, ms) * 10) / 10 };
}

function formatTable(rows: Row[], totals: Totals): string {
  const mark = (c: boolean | null) => (c === null ? "n/a" : c ? "✓" : "✗");
  const lines = [`block        fork              txs        gas   ms        Mgas/s   gas bloom receipts  mode${rows.some((r) => r.run?.summary !== undefined) ? "        ideal(2) ideal(∞) conflicts" : ""}`];
  for (const r of rows) {
    if (r.run === undefined) {
      lines.push(`${r.name.padEnd(12)} ERROR ${r.error}`);
      continue;
    }
    const { result, verification: v, input } = r.run;
    lines.push(
      `${r.name.padEnd(12)} ${result.rules.name.padEnd(16)} ${String(input.block.transactions.length).padStart(4)} ${String(result.gasUsed).padStart(10)}   ${r.medianMs!.toFixed(1).padStart(8)} ${mgasPerSecond(result.gasUsed, r.medianMs!).toFixed(1).padStart(8)}   ${mark(v.checks.gasUsed).padEnd(3)} ${mark(v.checks.logsBloom).padEnd(5)} ${mark(v.checks.receiptsRoot).padEnd(9)} ${r.run.mode}${summaryColumns(r.run)}`,
    );
  }
  lines.push(`${totals.ok}/${totals.blocks} blocks matched · ${totals.txs} txs · ${totals.gasUsed} gas · ${totals.executionMs.toFixed(1)} ms · ${totals.mgasPerSecond} Mgas/s`);
  return lines.join("\n");
}

/** Ideal speedup on 2 and unbounded threads and the conflict ratio, when the block was recorded. */
function summaryColumns(run: BlockRun): string {
  const s = run.summary;
  if (s === undefined) return "";
  const two = s.idealSpeedup.byTime.threads.find((t) => t.threads === 2)?.speedup ?? 1;
  return `${" ".repeat(Math.max(1, 11 - run.mode.length))} ${two.toFixed(2).padStart(7)}x ${s.idealSpeedup.byTime.unbounded.toFixed(2).padStart(7)}x ${(100 * s.conflictRatio).toFixed(1).padStart(8)}%`;
}

class ProgressBar {
  constructor(private readonly total: number) {}

  update(done: number, label: string): void {
    const width = 30;
    const filled = Math.round((done / this.total) * width);
    process.stderr.write(`\r[${"#".repeat(filled)}${" ".repeat(width - filled)}] ${done}/${this.total} ${label}   `);
  }

  done(): void {
    this.update(this.total, "done");
    process.stderr.write("\n");
  }
}
