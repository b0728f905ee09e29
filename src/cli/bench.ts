// `pevm bench`: runs a workload the project generates itself and reports throughput. Block
// workloads (src/workload/blocks.ts) are generated, verified, and executed by each executor;
// `loops` times single loop-heavy contract calls.
import { availableParallelism } from "node:os";
import { CodeCache } from "../evm/code.js";
import { Fork, rulesFor } from "../fork/forks.js";
import { closeWorkerPool, startWorkerPool, workerPoolReady } from "../exec/parallel/executor.js";
import { benchBlock, parallelExecutor, sequentialExecutor, type BenchRow, type BlockExecutor, type ParallelBlockExecutor } from "../workload/benchBlock.js";
import { BLOCK_WORKLOADS, DEFAULT_HOT_RATIO, DEFAULT_TXS, findWorkload, generateBlock, WorkloadError, type GeneratedBlock } from "../workload/blocks.js";
import { loopWorkloads } from "../workload/loops.js";
import { timeContractCall } from "../workload/runCall.js";
import { writeGeneratedBlock } from "../workload/write.js";
import { optionHelp, parseArgs, UsageError, type OptionSpec } from "./args.js";

const DEFAULT_WORKLOAD = "erc20";
const DEFAULT_RUNS = 5;
const WARMUPS = 3;

const SPEC: Record<string, OptionSpec> = {
  workload: { value: true, description: `workload (default ${DEFAULT_WORKLOAD}; loops when --scale is given)` },
  txs: { value: true, description: `number of transactions (default ${DEFAULT_TXS})` },
  gas: { value: true, description: "block gas target instead of --txs (e.g. 1e9: a gigagas block)" },
  hot: { value: true, description: `fraction [0, 1] of txs on the hot account/pool (-hot: ${DEFAULT_HOT_RATIO}, else 0)` },
  seed: { value: true, description: "seed of keys, hot positions, hashes (default 1)" },
  runs: { value: true, description: `timed runs after a warm-up; median reported (default ${DEFAULT_RUNS})` },
  workers: { value: true, description: "threads of the parallel executor, the main thread included (default: available cores; 1: sequential only)" },
  write: { value: true, description: "also write the block, signed, in the fixture layout to DIR" },
  scale: { value: true, description: "loops: multiply loop iteration counts (default 1)" },
  json: { description: "print one JSON object" },
  help: { description: "show this help" },
};

const workloadList = [...BLOCK_WORKLOADS.map((w) => `  ${w.name.padEnd(16)}${w.summary}`), `  ${"loops".padEnd(16)}three loop-heavy contracts (small-value arithmetic, 256-bit multiply-add, keccak`, `  ${"".padEnd(16)}and shifts), each called once with 30M gas on a fresh state`].join("\n");

export const BENCH_HELP = `usage: pevm bench [--workload NAME] [--txs N | --gas G] [--hot R] [--seed S] [--runs N]
                  [--workers N] [--write DIR] [--json]

Runs a workload the project generates itself on our EVM and reports throughput. A block workload
is a Cancun block of independent transactions (a chosen fraction of them on one hot account or
pool with --hot), with its complete pre-state; it is executed once to set the header's gasUsed,
logsBloom, receiptsRoot and stateRoot. Then the sequential executor and the parallel one
(Block-STM, on --workers threads, once its worker threads have warmed up) take turns: three
warm-up runs each, then --runs timed runs each, every result checked against the header. The
parallel executor receives the block and its pre-state on every run, as for a new block. It prints the
transactions, gas, median time, Mgas/s and speedup per executor, and when the parallel executor
chose to run sequentially or stopped early, why (blocks under 7.5M gas, and on two threads of a
2-core machine blocks of plain transfers such as raw-transfers, run sequentially: there parallel
execution costs more than it gives).

workloads:
${workloadList}

Every transaction of a workload succeeds and costs the same gas (ERC-20 transfers and swaps use
contracts/*.sol, compiled into src/workload/contracts.json). Senders have secp256k1 keys derived
from the seed; in memory, transactions carry their sender and no signature (executors never check
one). --write signs the same transactions (EIP-1559, chain id 1) and writes the same block:
block.json (eth_getBlockByNumber form), pre_state.json, bytecodes.json, block_hashes.json and
workload.json, for \`pevm run DIR\`, \`pevm replay\` or other clients. Signing takes about 0.5 ms a
transaction (progress on stderr); with --runs 0 the block is only generated and written.

Size: --txs N transactions, or --gas G, which adds transactions until their gas reaches G (the
per-transaction gas is measured on a sample block). --hot R puts round(R * N) transactions,
at seeded random positions, on one hot account (raw, erc20: a shared recipient) or pool (swaps);
the others stay independent. The -hot workloads are the base ones with --hot defaulting to ${DEFAULT_HOT_RATIO}.

${optionHelp(SPEC)}

--json prints { workload, description, seed, txs, hotRatio, hotTxs, gasUsed, gasPerTx,
generationMs, written, runs, rows: [{ mode, workers, runs, medianMs, minMs, mgasPerSec, speedup,
note }] } (note: why the parallel executor ran sequentially or stopped, else null)
(loops: { workload, runs, rows: [{ workload, gasUsed, medianMs, mgasPerSec }] }).

examples:
  pevm bench                                  10,000 ERC-20 transfers, sequential and parallel
  pevm bench --workers 4                      the same, parallel on 4 threads
  pevm bench --workload erc20 --gas 1e9       the gigagas ERC-20 block (about 37,500 transfers)
  pevm bench --workload swaps-hot --hot 0.3 --txs 10000
  pevm bench --workload raw-transfers --txs 100 --write /tmp/raw --runs 0 && pevm run /tmp/raw`;

export async function benchCommand(argv: string[]): Promise<number> {
  const { positionals, options } = parseArgs(argv, SPEC);
  if (options.help) {
    console.log(BENCH_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  // --scale alone selects loops (it means nothing to block workloads).
  const workload = (options.workload as string | undefined) ?? (options.scale !== undefined ? "loops" : DEFAULT_WORKLOAD);
  if (workload === "loops") {
    for (const o of ["txs", "gas", "hot", "seed", "write"]) if (options[o] !== undefined) throw new UsageError(`--${o} applies to block workloads, not loops`);
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
          written,
          runs,
          rows: rows.map((r) => ({ ...r, medianMs: round(r.medianMs), minMs: round(r.minMs), mgasPerSec: round(r.mgasPerSec), speedup: round(r.speedup) })),
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
  }
  return 0;
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

const fmt = (n: number) => n.toLocaleString("en-US");

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
