// `pevm report`: one self-contained HTML page (src/report/html.ts) for an execution record, read
// from a record file or made by executing a block directory in Block-STM; or two of them side by
// side (--compare). The page is written to a temporary file and renamed into place.
import { writeFileAtomically } from "../primitives/atomicFile.js";
import { statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { loadBlockInput } from "../block/load.js";
import { verifyExecution } from "../block/verify.js";
import { executeBlockParallel, startWorkerPool, workerPoolReady } from "../exec/parallel/executor.js";
import { readRecordFile } from "../records/json.js";
import type { BlockRecord } from "../records/record.js";
import { renderComparison, renderReport, type ReportOptions } from "../report/html.js";
import { maxWorkers, optionHelp, parseArgs, UsageError, type OptionSpec } from "./args.js";
import { runSequential } from "./blockReport.js";
import { defaultStorePath } from "../store/paths.js";

const SPEC: Record<string, OptionSpec> = {
  out: { value: true, description: "the HTML file to write (also -o; default report-<block>.html, or compare-<a>-<b>.html)" },
  compare: { description: "two records or block directories side by side: pevm report --compare A B" },
  workers: { value: true, description: "threads for a block directory's Block-STM run (default: available cores, at least 2); with --compare, N for both or A,B" },
  "force-parallel": { description: "run Block-STM even where the executor would run the block in order (small blocks, few cores)" },
  "no-baseline": { description: "do not also time a sequential run of a block directory (the chart then has no achieved speedup)" },
  title: { value: true, description: "the page's title" },
  db: { value: true, description: "the record store a block number is read from (default: the store pevm run --store fills, see pevm records --help)" },
  help: { description: "show this help" },
};

export const REPORT_HELP = `usage: pevm report <block | record-file | block-dir> [-o report.html] [options]
       pevm report --compare <A> <B> [-o compare.html] [options]

Writes one HTML file that opens offline (no network, everything inline) showing a block's
execution record: the dependency graph (critical path highlighted, hover for the locations behind
each edge), the worker timeline of a Block-STM run, the ideal schedule on 2-16 threads (block order
or critical-path order), the ideal speedup on 1-16 threads against what the run achieved, and the
contracts and storage slots behind most dependencies. How to read it:
docs/report.md.

A block is a block number in the record store (--db), its latest stored run, or NUMBER:RUN for
one of its runs (\`pevm records list\` shows them). A record file is one that \`pevm run --record\`
or \`pevm replay --records\` wrote (JSON or NDJSON).
A block directory (as \`pevm run\` takes) is executed first: a sequential run for the baseline time,
then Block-STM on --workers threads, recorded. --compare puts two of either side by side: two
blocks, or two runs of one block (e.g. --workers 2,4); for one block it also lists the edges only
one of them has.

Exit status: 0 when the page was written, 1 when a file could not be read or written or a block
did not verify against its header (the page is still written), 2 on a usage error.

${optionHelp(SPEC)}

examples:
  pevm report ../shared/fixtures/mainnet/blocks/10760440 -o 10760440.html
  pevm run ../shared/fixtures/mainnet/blocks/14029313 --record r.json && pevm report r.json -o r.html
  pevm report --compare ../shared/fixtures/mainnet/blocks/14029313 ../shared/fixtures/mainnet/blocks/14029313 --workers 1,2`;

/** A record to draw, and where it came from. */
export interface ReportSource {
  path: string;
  record: BlockRecord;
  /** Wall time of a sequential run of the block, when one was timed. */
  sequentialMs?: number;
  /** Why the page may not be trusted (a block that did not verify), or undefined. */
  warning?: string;
}

export async function reportCommand(argv: string[]): Promise<number> {
  const { positionals, options } = parseArgs(argv.map((a) => (a === "-o" ? "--out" : a === "-h" ? "--help" : a)), SPEC);
  if (options.help) {
    console.log(REPORT_HELP);
    return 0;
  }
  const compare = options.compare === true;
  if (compare && positionals.length !== 2) throw new UsageError(`--compare takes exactly two records or block directories, got ${positionals.length}`);
  if (!compare && positionals.length !== 1) throw new UsageError(`report takes exactly one record file or block directory, got ${positionals.length}`);
  const workers = workerCounts(options.workers, compare ? 2 : 1);
  const title = typeof options.title === "string" ? options.title : undefined;
  const execution = { forceParallel: options["force-parallel"] === true, baseline: options["no-baseline"] !== true };
  const sources: ReportSource[] = [];
  const db = typeof options.db === "string" ? options.db : undefined;
  for (let i = 0; i < positionals.length; i++) sources.push(await loadReportSource(positionals[i]!, { ...execution, workers: workers[i]!, ...(db !== undefined ? { db } : {}) }));
  const out = typeof options.out === "string" ? options.out : defaultOutput(sources);
  if (compare) {
    const [a, b] = sources as [ReportSource, ReportSource];
    comparisonFromRecords(a.record, b.record, out, { ...(title !== undefined ? { title } : {}), a: sourceOptions(a), b: sourceOptions(b) });
  } else {
    reportFromRecord(sources[0]!.record, out, { ...sourceOptions(sources[0]!), ...(title !== undefined ? { title } : {}) });
  }
  console.log(`report written to ${out}`);
  const warnings = sources.flatMap((s) => (s.warning === undefined ? [] : [s.warning]));
  for (const w of warnings) console.error(`pevm report: warning: ${w}`);
  return warnings.length === 0 ? 0 : 1;
}

/** Renders one record's page and writes it to `out` (atomically). The seam for other record sources (the record store). */
export function reportFromRecord(record: BlockRecord, out: string, options: ReportOptions = {}): void {
  writeAtomically(out, renderReport(record, options));
}

/** Renders two records side by side and writes the page to `out` (atomically). */
export function comparisonFromRecords(a: BlockRecord, b: BlockRecord, out: string, options: Parameters<typeof renderComparison>[2] = {}): void {
  writeAtomically(out, renderComparison(a, b, options));
}

function sourceOptions(source: ReportSource): ReportOptions {
  return source.sequentialMs === undefined ? {} : { sequentialMs: source.sequentialMs };
}

/**
 * A record from `path`: a directory is a block, executed (and timed sequentially first unless
 * baseline is false); anything else is read as a record file. Errors name the path, on one line.
 */
export async function loadReportSource(path: string, options: { workers: number; forceParallel?: boolean; baseline?: boolean; db?: string }): Promise<ReportSource> {
  let directory: boolean;
  try {
    directory = statSync(path).isDirectory();
  } catch (e) {
    const stored = storedBlockSpec(path);
    if (stored !== null) return await fromStore(stored, options.db ?? defaultStorePath());
    throw new Error(`${path}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!directory) {
    try {
      return { path, record: readRecordFile(path) };
    } catch (e) {
      throw new Error(oneLine(prefixed(path, (e as Error).message)));
    }
  }
  return executeBlockDirectory(path, options);
}

async function executeBlockDirectory(path: string, options: { workers: number; forceParallel?: boolean; baseline?: boolean }): Promise<ReportSource> {
  let input: ReturnType<typeof loadBlockInput>;
  try {
    input = loadBlockInput(path);
  } catch (e) {
    throw new Error(oneLine(prefixed(path, (e as Error).message)));
  }
  const { workers } = options;
  if (workers <= 1) {
    const run = runSequential(input, { record: true });
    return { path, record: run.record!, ...(run.verification.ok ? {} : { warning: notVerified(path, input.block.header.number) }) };
  }
  startWorkerPool(workers);
  await workerPoolReady(workers); // warm threads: the timeline shows the executor, not its start-up
  const sequentialMs = options.baseline === false ? undefined : runSequential(input, { record: true }).result.executionMs;
  const result = await executeBlockParallel(input.block, input.preState, {
    blockHashes: input.blockHashes,
    workers,
    record: true,
    ...(options.forceParallel ? { forceParallel: true } : {}),
  });
  const verification = verifyExecution(input.block, result, input.expectedReceipts);
  return {
    path,
    record: result.record!,
    ...(sequentialMs !== undefined ? { sequentialMs } : {}),
    ...(verification.ok ? {} : { warning: notVerified(path, input.block.header.number) }),
  };
}

/** NUMBER or NUMBER:RUN (decimal or 0x-hex block number), else null. */
function storedBlockSpec(text: string): { number: bigint; run?: number } | null {
  const match = /^(0x[0-9a-fA-F]+|[0-9]+)(?::([0-9]+))?$/.exec(text);
  if (match === null) return null;
  const number = BigInt(match[1]!);
  // The store's own parseBlockNumber bound, without loading SQLite for a file name.
  if (number > (1n << 63n) - 1n) throw new Error(`${text}: no such file, and ${match[1]} is above 2^63-1, the largest block number a record store holds`);
  const run = match[2] === undefined ? undefined : Number(match[2]);
  if (run !== undefined && !(Number.isSafeInteger(run) && run >= 1)) throw new Error(`${text}: no such file, and run ${match[2]} is not a run number (1, 2, ...)`);
  return { number, ...(run !== undefined ? { run } : {}) };
}

async function fromStore(spec: { number: bigint; run?: number }, db: string): Promise<ReportSource> {
  const { RecordStore } = await import("../store/store.js"); // loads SQLite only when a store is read
  const store = RecordStore.open(db, { readonly: true });
  try {
    const selector = spec.run !== undefined ? { run: spec.run } : {};
    const described = store.describe(spec.number, selector);
    return { path: `${db} block ${spec.number} run ${described.run}`, record: store.getRecord(spec.number, selector) };
  } finally {
    store.close();
  }
}

function notVerified(path: string, number: bigint): string {
  return `${path}: block ${number} did not verify against its header (run \`pevm run ${path}\` for the checks); the page shows that execution`;
}

/** --workers: N, or A,B with --compare; default available cores, at least 2 (a timeline needs threads). */
function workerCounts(raw: string | boolean | undefined, sides: number): number[] {
  if (raw === undefined) return new Array<number>(sides).fill(Math.max(2, availableParallelism()));
  const parts = String(raw).split(",");
  if (parts.length > sides) throw new UsageError(`--workers takes ${sides === 1 ? "one count" : "one count, or two separated by a comma"}, got "${raw}"`);
  const counts = parts.map((p) => {
    const n = Number(p);
    if (!/^[0-9]+$/.test(p) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`--workers must be a positive integer, got "${p}"`);
    if (n > maxWorkers(availableParallelism())) throw new UsageError(`--workers must be at most ${maxWorkers(availableParallelism())}, got ${p}`);
    return n;
  });
  while (counts.length < sides) counts.push(counts[0]!);
  return counts;
}

function defaultOutput(sources: ReportSource[]): string {
  const numbers = sources.map((s) => String(s.record.block.number));
  return sources.length === 1 ? `report-${numbers[0]}.html` : `compare-${numbers.join("-")}.html`;
}

function prefixed(path: string, message: string): string {
  return message.includes(path) ? message : `${path}: ${message}`;
}

function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, " ");
}

function writeAtomically(file: string, text: string): void {
  try {
    writeFileAtomically(file, text);
  } catch (e) {
    throw new Error(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
