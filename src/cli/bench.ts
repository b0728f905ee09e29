// `pevm bench`: runs a workload the project generates itself and reports throughput. Block
// workloads (src/workload/blocks.ts) are generated, verified, and executed by each executor; then
// one parallel run is recorded, checked against the sequential result, summarised (ideal speedup,
// conflicts, hot spots), stored in the record store and drawn in an HTML report. `loops` times
// single loop-heavy contract calls.
import { availableParallelism } from "node:os";
import { CodeCache } from "../evm/code.js";
import { Fork, rulesFor } from "../fork/forks.js";
import { bytesEqual, bytesToHex } from "../primitives/bytes.js";
import { closeWorkerPool, executeBlockParallel, startWorkerPool, workerPoolReady, type ParallelResult } from "../exec/parallel/executor.js";
import { formatSummary, summarize, type ContractHotSpot, type RecordSummary } from "../records/analysis.js";
import { BalFormatError, type BlockAccessList } from "../records/bal.js";
import { blockAccessList } from "../records/balFromRecord.js";
import { dependencyGraph } from "../records/graph.js";
import type { BlockRecord } from "../records/record.js";
import { defaultStorePath } from "../store/paths.js";
import { RecordStore } from "../store/store.js";
import { benchBlock, parallelExecutor, sequentialExecutor, type BenchRow, type BlockExecutor, type ParallelBlockExecutor } from "../workload/benchBlock.js";
import { BLOCK_WORKLOADS, DEFAULT_HOT_RATIO, DEFAULT_TXS, findWorkload, generateBlock, MIXED_DEFAULT_TXS, postStateRoot, WorkloadError, workloadAccountName, type GeneratedBlock } from "../workload/blocks.js";
import { loopWorkloads } from "../workload/loops.js";
import { timeContractCall } from "../workload/runCall.js";
import { writeGeneratedBlock } from "../workload/write.js";
import { optionHelp, parseArgs, UsageError, type OptionSpec } from "./args.js";
import { reportFromRecord } from "./report.js";

const DEFAULT_WORKLOAD = "mixed";
const DEFAULT_REPORT = "report.html";

const fmt = (n: number) => n.toLocaleString("en-US");
const DEFAULT_RUNS = 5;
const WARMUPS = 3;

const SPEC: Record<string, OptionSpec> = {
  workload: { value: true, description: `workload (default ${DEFAULT_WORKLOAD}; loops when --scale is given)` },
  txs: { value: true, description: `number of transactions (default ${fmt(MIXED_DEFAULT_TXS)} for mixed, ${fmt(DEFAULT_TXS)} for the others)` },
  gas: { value: true, description: "block gas target instead of --txs (e.g. 1e9: a gigagas block)" },
  hot: { value: true, description: `fraction [0, 1] of txs on the hot account/pool (-hot and mixed: ${DEFAULT_HOT_RATIO}, else 0)` },
  seed: { value: true, description: "seed of keys, hot positions, hashes (default 1)" },
  runs: { value: true, description: `timed runs after a warm-up; median reported (default ${DEFAULT_RUNS})` },
  workers: { value: true, description: "threads of the parallel executor, the main thread included (default: available cores; 1: sequential only)" },
  write: { value: true, description: "also write the block, signed, in the fixture layout to DIR" },
  db: { value: true, description: "the record store to keep the recorded run in (default $XDG_DATA_HOME/pevm/records.db, else the platform's data directory)" },
  "no-store": { description: "do not store the recorded run" },
  report: { value: true, description: `the HTML report to write (also -o; default ./${DEFAULT_REPORT})` },
  "no-report": { description: "do not write the HTML report" },
  scale: { value: true, description: "loops: multiply loop iteration counts (default 1)" },
  json: { description: "print one JSON object" },
  help: { description: "show this help" },
};

const workloadList = [...BLOCK_WORKLOADS.map((w) => `  ${w.name.padEnd(16)}${w.summary}`), `  ${"loops".padEnd(16)}three loop-heavy contracts (small-value arithmetic, 256-bit multiply-add, keccak`, `  ${"".padEnd(16)}and shifts), each called once with 30M gas on a fresh state`].join("\n");

export const BENCH_HELP = `usage: pevm bench [--workload NAME] [--txs N | --gas G] [--hot R] [--seed S] [--runs N]
                  [--workers N] [--write DIR] [--db FILE | --no-store] [-o FILE | --no-report] [--json]

Runs a workload the project generates itself on our EVM and tells what parallel execution made
of it. With no options: the mixed workload, ${fmt(MIXED_DEFAULT_TXS)} transactions in one Cancun block (ERC-20
transfers, swaps, ETH transfers, ${DEFAULT_HOT_RATIO * 100}% of them on one hot recipient or pool, interleaved).

A block workload is a Cancun block with its complete pre-state; it is executed once to set the
header's gasUsed, logsBloom, receiptsRoot and stateRoot. Then:
  1. the sequential executor and the parallel one (Block-STM, on --workers threads, once its
     worker threads have warmed up) take turns: three warm-up runs each, then --runs timed runs
     each, every result checked against the header; the parallel executor receives the block and
     its pre-state on every run, as for a new block. It prints the median time, Mgas/s and speedup
     per executor, and when the parallel executor chose to run sequentially or stopped early, why
     (the cost model predicts each block's speedup from its transactions, gas, sender chains and
     the threads and cores at hand; blocks it predicts under 1.4x, its error on block kinds it was
     not fitted on, run sequentially: on two threads of a 2-core machine, every block);
  2. one more parallel run is recorded (every transaction's reads and writes, the threads'
     timeline) and its result checked equal to the sequential one: gasUsed, logsBloom, receipts
     root and post-state root;
  3. the record is summarised: speedup, ideal speedup on 2, 4, 8, 16 and unbounded threads,
     conflict ratio, critical path, re-executions and the contracts behind most dependencies
     (hot spots);
  4. the record is stored in the record store (--db; \`pevm records\` lists and queries it) and
     drawn in a self-contained HTML report (-o, default ./${DEFAULT_REPORT}; docs/report.md), each
     written atomically.
With --runs 0 (and --write) the block is only generated and written.

workloads:
${workloadList}

Every transaction of a workload succeeds, and every transaction of a kind costs the same gas (ERC-20
transfers and swaps use contracts/*.sol, compiled into src/workload/contracts.json). Senders have
secp256k1 keys derived from the seed; in memory, transactions carry their sender and no signature
(executors never check one). --write signs the same transactions (EIP-1559, chain id 1) and writes
the same block: block.json (eth_getBlockByNumber form), pre_state.json, bytecodes.json,
block_hashes.json and workload.json, for \`pevm run DIR\`, \`pevm replay\` or other clients. Signing
takes about 0.5 ms a transaction (progress on stderr).

Size: --txs N transactions, or --gas G, which adds transactions until their gas reaches G (each
kind's gas is measured on a sample block). --hot R puts round(R * N) transactions, at seeded random
positions, on one hot account (raw, erc20: a shared recipient) or pool (swaps); mixed splits them
between its hot ERC-20 recipient and its hot pool. The others stay independent. The -hot workloads
and mixed have --hot defaulting to ${DEFAULT_HOT_RATIO}.

${optionHelp(SPEC)}

Progress goes to stderr. --json prints { workload, description, seed, txs, mix, hotRatio, hotTxs,
gasUsed, gasPerTx, generationMs, written, runs, rows: [{ mode, workers, runs, medianMs, minMs,
mgasPerSec, speedup, note }], record: { mode, workers, fallback, stopped, source, executionMs,
equalsSequential, summary }, stored: { db, block, run }, report } (note: why the parallel executor
ran sequentially or stopped, else null; record, stored and report are null when not made)
(loops: { workload, runs, rows: [{ workload, gasUsed, medianMs, mgasPerSec }] }).

examples:
  pevm bench                                  the mixed block: timed, recorded, stored, report.html
  pevm bench --workers 4 -o /tmp/mixed.html   the same, parallel on 4 threads
  pevm bench --txs 10000 --hot 0.3            a bigger mixed block with more conflicts
  pevm bench --workload erc20 --gas 1e9       the gigagas ERC-20 block (about 37,500 transfers)
  pevm bench --workload swaps-hot --hot 0.3 --txs 10000 --no-store --no-report
  pevm bench --workload mixed --txs 100 --write /tmp/mixed --runs 0 && pevm run /tmp/mixed`;

export async function benchCommand(argv: string[]): Promise<number> {
  const { positionals, options } = parseArgs(argv.map((a) => (a === "-o" ? "--report" : a)), SPEC);
  if (options.help) {
    console.log(BENCH_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  // --scale alone selects loops (it means nothing to block workloads).
  const workload = (options.workload as string | undefined) ?? (options.scale !== undefined ? "loops" : DEFAULT_WORKLOAD);
  if (workload === "loops") {
    for (const o of ["txs", "gas", "hot", "seed", "write", "db", "no-store", "report", "no-report"]) if (options[o] !== undefined) throw new UsageError(`--${o} applies to block workloads, not loops`);
    return benchLoops(options);
  }
  if (findWorkload(workload) === undefined) throw new UsageError(`unknown workload "${workload}" (available: ${[...BLOCK_WORKLOADS.map((w) => w.name), "loops"].join(", ")})`);
  if (options.scale !== undefined) throw new UsageError("--scale applies to the loops workload only");
  return benchBlockWorkload(workload, options);
}

type Options = Record<string, string | boolean>;

function numberOption(options: Options, name: string, check: (n: number) => boolean, what: string): number | undefined {
  const raw = options[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== "string" || raw.trim() === "" || !check(n)) throw new UsageError(`--${name} must be ${what}, got "${raw}"`);
  return n;
}

async function benchBlockWorkload(workload: string, options: Options): Promise<number> {
  const json = options.json === true;
  const txs = numberOption(options, "txs", (n) => Number.isSafeInteger(n) && n >= 1, "a positive integer");
  const gas = numberOption(options, "gas", (n) => Number.isSafeInteger(n) && n >= 21_000, "an integer of at least 21000 (e.g. 1000000000 or 1e9)");
  const hotRatio = numberOption(options, "hot", (n) => n >= 0 && n <= 1, "a fraction between 0 and 1");
  const seed = numberOption(options, "seed", (n) => Number.isSafeInteger(n) && n >= 0, "a non-negative integer");
  const runs = numberOption(options, "runs", (n) => Number.isSafeInteger(n) && n >= 0, "a non-negative integer") ?? DEFAULT_RUNS;
  const workers = numberOption(options, "workers", (n) => Number.isSafeInteger(n) && n >= 1 && n <= 256, "an integer from 1 to 256") ?? availableParallelism();
  const writeDir = options.write as string | undefined;
  if (txs !== undefined && gas !== undefined) throw new UsageError("give --txs or --gas, not both");
  if (runs === 0 && writeDir === undefined) throw new UsageError("--runs 0 only makes sense with --write");
  const outputs = storyOutputs(options, runs);

  // The worker threads load their modules while the block is generated.
  if (runs > 0 && workers > 1) startWorkerPool(workers);
  if (!json) process.stderr.write(`generating ${workload}...`);
  let g: GeneratedBlock;
  try {
    g = generateBlock({ workload, txs, gas, hotRatio, seed });
  } catch (e) {
    if (e instanceof WorkloadError) throw new UsageError(e.message);
    throw e;
  }
  if (!json) process.stderr.write(` ${g.block.transactions.length} txs in ${g.generationMs.toFixed(0)} ms\n`);

  let written: string | null = null;
  if (writeDir !== undefined) {
    const progress = progressWriter("signing");
    const w = writeGeneratedBlock(g, writeDir, { progress });
    process.stderr.write(`wrote ${writeDir} (block ${g.block.header.number}, hash ${w.hash}) in ${(w.ms / 1000).toFixed(1)} s\n`);
    written = writeDir;
  }

  // One row per executor; speedups are against the sequential row.
  const parallel = workers > 1 ? parallelExecutor(workers) : null;
  const executors: BlockExecutor[] = parallel === null ? [sequentialExecutor] : [sequentialExecutor, parallel];
  const rows: (BenchRow & { speedup: number; note: string | null })[] = [];
  let story: Story | null = null;
  if (runs > 0) {
    try {
      if (parallel !== null) await workerPoolReady(workers); // its threads warm up first (warmup.ts)
      const timed = await benchBlock(g, executors, {
        runs,
        warmups: WARMUPS,
        onRun: json ? undefined : (executor, r, n, ms) => process.stderr.write(`\rrun ${r}/${n}: ${executor.mode} ${ms.toFixed(0)} ms      `),
      });
      if (!json) process.stderr.write("\n");
      for (const [i, row] of timed.entries()) {
        const note = executors[i] === parallel ? parallelNote(parallel) : null;
        rows.push({ ...row, speedup: timed[0]!.medianMs / row.medianMs, note });
      }
      story = await recordStory(g, workers, timed[0]!.medianMs, outputs, json);
    } finally {
      closeWorkerPool();
    }
  }

  const gasUsed = Number(g.block.header.gasUsed);
  if (json) {
    console.log(
      JSON.stringify(
        {
          workload: g.workload,
          description: g.description,
          seed: g.seed,
          txs: g.block.transactions.length,
          hotRatio: g.hotRatio,
          hotTxs: g.hotTxs,
          gasUsed,
          gasPerTx: g.gasPerTx,
          generationMs: round(g.generationMs),
          mix: g.mix,
          written,
          runs,
          rows: rows.map((r) => ({ ...r, medianMs: round(r.medianMs), minMs: round(r.minMs), mgasPerSec: round(r.mgasPerSec), speedup: round(r.speedup) })),
          record: story === null ? null : { ...story.run, executionMs: round(story.run.executionMs), equalsSequential: true, summary: story.summary },
          stored: story?.stored ?? null,
          report: story?.report ?? null,
        },
        null,
        2,
      ),
    );
  } else {
    console.log(`${g.workload}: ${g.description}`);
    console.log(`  ${fmt(g.block.transactions.length)} txs · ${fmt(gasUsed)} gas · seed ${g.seed} · generated in ${fmt(Math.round(g.generationMs))} ms`);
    if (rows.length > 0) {
      console.log(`  ${"mode".padEnd(12)}${"workers".padStart(8)}${"median ms".padStart(12)}${"min ms".padStart(10)}${"Mgas/s".padStart(10)}${"speedup".padStart(9)}`);
      for (const r of rows) console.log(`  ${r.mode.padEnd(12)}${String(r.workers).padStart(8)}${r.medianMs.toFixed(1).padStart(12)}${r.minMs.toFixed(1).padStart(10)}${r.mgasPerSec.toFixed(1).padStart(10)}${`${r.speedup.toFixed(2)}x`.padStart(9)}`);
      for (const r of rows) if (r.note !== null) console.log(`  ${r.mode}: ${r.note}`);
    }
    if (story !== null) console.log(formatStory(story, rows).join("\n"));
  }
  return 0;
}

/** Where the recorded run goes: the store file (null: --no-store) and the report (null: --no-report). */
interface StoryOutputs {
  db: string | null;
  report: string | null;
}

function storyOutputs(options: Options, runs: number): StoryOutputs {
  if (options.db !== undefined && options["no-store"] === true) throw new UsageError("give --db or --no-store, not both");
  if (options.report !== undefined && options["no-report"] === true) throw new UsageError("give --report (-o) or --no-report, not both");
  if (runs === 0) {
    for (const o of ["db", "report"]) if (options[o] !== undefined) throw new UsageError(`--${o} needs a run to record (--runs 0 only generates and writes the block)`);
  }
  return {
    db: options["no-store"] === true ? null : typeof options.db === "string" ? options.db : defaultStorePath(),
    report: options["no-report"] === true ? null : typeof options.report === "string" ? options.report : DEFAULT_REPORT,
  };
}

/** The recorded parallel run and what became of it. */
interface Story {
  run: BlockRecord["run"];
  summary: RecordSummary;
  /** The sequential executor's median, the summary's baseline. */
  sequentialMs: number;
  stored: { db: string; block: number; run: number } | null;
  report: string | null;
}

/**
 * Records one parallel run of the block (its pool still warm), checks it equals the sequential
 * result, summarises the record, stores it and writes its report as `outputs` ask.
 */
async function recordStory(g: GeneratedBlock, workers: number, sequentialMs: number, outputs: StoryOutputs, json: boolean): Promise<Story> {
  const progress = (line: string) => {
    if (!json) process.stderr.write(line);
  };
  progress(`recording a parallel run on ${workers} thread${workers === 1 ? "" : "s"}...`);
  const result = await executeBlockParallel({ ...g.block }, g.preState, { blockHashes: g.blockHashes, workers, record: true });
  checkEqualsSequential(g, result);
  const record = result.record!;
  const summary = summarize(record, dependencyGraph(record), { sequentialMs });
  progress(` ${record.run.executionMs.toFixed(0)} ms, equal to the sequential result\n`);
  let stored: Story["stored"] = null;
  if (outputs.db !== null) {
    progress(`storing the record in ${outputs.db}...`);
    const store = RecordStore.open(outputs.db);
    try {
      const saved = store.saveBlock(record, { summary, label: ["pevm", ...process.argv.slice(2)].join(" "), ...balOption(record, g) });
      stored = { db: outputs.db, block: Number(saved.block), run: saved.run };
    } finally {
      store.close();
    }
    progress(" done\n");
  }
  if (outputs.report !== null) {
    progress(`writing ${outputs.report}...`);
    reportFromRecord(record, outputs.report, { sequentialMs, title: `pevm bench: ${g.workload}, ${fmt(g.block.transactions.length)} transactions` });
    progress(" done\n");
  }
  return { run: record.run, summary, sequentialMs, stored, report: outputs.report };
}

/** The access list built with the pre-state, for the store (else it builds one from the record alone). */
function balOption(record: BlockRecord, g: GeneratedBlock): { bal?: BlockAccessList } {
  try {
    return { bal: blockAccessList(record, { pre: g.preState }) };
  } catch (e) {
    if (e instanceof BalFormatError) return {};
    throw e;
  }
}

/**
 * The recorded run's result against the sequential one: the header holds the sequential
 * execution's gasUsed, logsBloom, receipts root and post-state root (generateBlock).
 */
function checkEqualsSequential(g: GeneratedBlock, result: ParallelResult): void {
  const { header } = g.block;
  const stateRoot = postStateRoot(g.preState, result.world);
  const differences = [
    result.gasUsed === header.gasUsed ? null : `gasUsed ${result.gasUsed}, sequential ${header.gasUsed}`,
    bytesEqual(result.logsBloom, header.logsBloom) ? null : "logsBloom",
    result.receiptsRoot !== null && bytesEqual(result.receiptsRoot, header.receiptsRoot) ? null : "receipts root",
    bytesEqual(stateRoot, header.stateRoot!) ? null : `post-state root ${bytesToHex(stateRoot)}, sequential ${bytesToHex(header.stateRoot!)}`,
  ].filter((d) => d !== null);
  if (differences.length > 0) throw new Error(`the recorded parallel run differs from the sequential one: ${differences.join("; ")}`);
}

/** The lines after the table: the recorded run, its summary, and where it went. */
function formatStory(story: Story, rows: readonly (BenchRow & { speedup: number })[]): string[] {
  const { run, summary } = story;
  const parallel = rows.find((r) => r.mode === "parallel");
  const how = run.mode === "parallel" ? `Block-STM on ${run.workers} threads` : `sequentially (${run.fallback ?? "one worker"})`;
  const lines = [
    `recorded run: ${how}, ${run.executionMs.toFixed(1)} ms; gasUsed, logsBloom, receipts root and post-state root equal the sequential run's`,
    parallel === undefined
      ? "  speedup: n/a (one worker)"
      : `  speedup: ${parallel.speedup.toFixed(2)}x on ${parallel.workers} threads (median ${parallel.medianMs.toFixed(1)} ms against ${story.sequentialMs.toFixed(1)} ms sequential)`,
    ...formatSummary(summary)
      .filter((l) => !l.startsWith("hot spots:"))
      .map((l) => `  ${l}`),
    `  ${hotSpotLine(summary.hotSpots.contracts.slice(0, 3))}`,
  ];
  if (story.stored !== null) lines.push(`stored block ${story.stored.block} (run ${story.stored.run}) in ${story.stored.db}`);
  if (story.report !== null) lines.push(`report written to ${story.report}`);
  return lines;
}

/** The top contracts behind dependencies, named when they are the workload's (token, hot pool). */
function hotSpotLine(top: ContractHotSpot[]): string {
  if (top.length === 0) return "hot spots: none (no transaction depends on another)";
  const named = top.map((h) => {
    const name = workloadAccountName(h.address);
    return `${name === null ? "" : `${name} `}${h.address} (${h.edges} edges, ${h.reexecutions} re-executions)`;
  });
  return `hot spots: ${named.join(", ")}`;
}

/** Why the parallel executor's last run was not all Block-STM (null when it was). */
function parallelNote(executor: ParallelBlockExecutor): string | null {
  const stats = executor.lastStats;
  if (stats === null) return null;
  if (stats.mode === "sequential") return `ran sequentially: ${stats.fallback}`;
  if (stats.stopped !== null) return `stopped early (${stats.stopped}); ${stats.inOrderExecutions} transactions then ran in order`;
  return null;
}

/** Progress on stderr: a rewritten line on a terminal, a line per quarter otherwise. */
function progressWriter(what: string): (done: number, total: number) => void {
  const tty = process.stderr.isTTY === true;
  let lastQuarter = 0;
  return (done, total) => {
    if (tty) {
      process.stderr.write(`\r${what} ${done}/${total}`);
      if (done === total) process.stderr.write("\n");
      return;
    }
    const quarter = Math.floor((4 * done) / total);
    if (quarter > lastQuarter) {
      lastQuarter = quarter;
      process.stderr.write(`${what} ${done}/${total}\n`);
    }
  };
}

async function benchLoops(options: Options): Promise<number> {
  const runs = numberOption(options, "runs", (n) => Number.isSafeInteger(n) && n >= 1, "a positive integer") ?? DEFAULT_RUNS;
  const scale = options.scale === undefined ? 1 : Number(options.scale);
  if (!(scale > 0)) throw new UsageError(`--scale must be a positive number, got "${options.scale}"`);
  const rules = rulesFor(Fork.Cancun);
  const cache = new CodeCache();
  const rows = [];
  for (const w of loopWorkloads(scale)) {
    const code = Uint8Array.from(Buffer.from(w.code.slice(2), "hex"));
    timeContractCall(code, GAS, rules, cache); // warm-up
    const times: number[] = [];
    let last = timeContractCall(code, GAS, rules, cache);
    for (let r = 0; r < runs; r++) {
      last = timeContractCall(code, GAS, rules, cache);
      times.push(last.ms);
      if (!options.json) process.stderr.write(`\r${w.name}: run ${r + 1}/${runs}`);
    }
    if (!options.json) process.stderr.write("\n");
    if (!last.ok) throw new Error(`${w.name}: the call failed (${last.error})`);
    const ms = times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
    rows.push({ workload: w.name, gasUsed: last.gasUsed, medianMs: round(ms), mgasPerSec: round(last.gasUsed / ms / 1000) });
  }
  if (options.json) console.log(JSON.stringify({ workload: "loops", runs, rows }, null, 2));
  else {
    for (const r of rows) console.log(`${r.workload.padEnd(48)} ${String(r.gasUsed).padStart(10)} gas ${String(r.medianMs).padStart(9)} ms ${String(r.mgasPerSec).padStart(8)} Mgas/s`);
  }
  return 0;
}

const GAS = 30_000_000;


function round(x: number): number {
  return Math.round(x * 100) / 100;
}
