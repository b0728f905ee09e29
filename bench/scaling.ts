// bench/scaling: our parallel executor on 2, 4, 8 and 16 threads (or --threads LIST) against our
// sequential executor (the "1" column), same process and blocks: the generated gigagas workloads,
// each in a fresh child process, and the mainnet fixture blocks.
// A pool of N threads is the main thread and N-1 worker threads; the pool is rebuilt when N changes,
// so each thread count runs as its own phase: warm-up, then runs alternating sequential and parallel.
// Speedup per thread count = median sequential ms / median parallel ms of that phase.
//
// usage: node dist/bench/scaling.js [--threads 2,4,8,16] [--gas G] [--runs N] [--warmup N]
//        [--mainnet-runs N] [--workloads a,b,..] [--skip-mainnet] [--skip-gigagas] [--phases] [--stream-batch N] [--fixtures DIR] [--write]
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { availableParallelism, cpus, release, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { replaceSection } from "./benchmarksFile.js";
import { loadBlockInput } from "../src/block/load.js";
import type { Block } from "../src/block/block.js";
import type { MemoryState } from "../src/state/memory.js";
import type { Word } from "../src/primitives/word.js";
import { closeWorkerPool, executeBlockParallel, workerPoolReady, type ParallelStats } from "../src/exec/parallel/executor.js";
import { executeBlock } from "../src/exec/sequential.js";
import { generateBlock } from "../src/workload/blocks.js";
import { median } from "../src/primitives/median.js";
import { bytesToHex } from "../src/primitives/bytes.js";
import { BenchArgs } from "./args.js";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const USAGE = `usage: node dist/bench/scaling.js [--threads 2,4,8,16] [--gas G] [--runs N] [--warmup N]
       [--mainnet-runs N] [--workloads a,b,..] [--skip-mainnet] [--skip-gigagas] [--phases] [--stream-batch N] [--fixtures DIR] [--write]

Our Block-STM executor on each thread count against our sequential executor, same process.
  --threads LIST     thread counts, the main thread included (default 2,4,8,16)
  --gas G            gas of each generated block (default 1e9)
  --runs N           timed runs per thread count, generated blocks (default 3)
  --warmup N         untimed runs per thread count first (default 1); the parallel executor gets
                     N * threads / 2 of them: each fresh worker thread compiles its own code and
                     sees only its share of each run's transactions
  --mainnet-runs N   timed runs per block and thread count, mainnet blocks (default 5)
  --workloads LIST   generated workloads (default raw-transfers,erc20,swaps,erc20-hot)
  --stream-batch N   results per batch the worker threads stream while a block runs
                     (ParallelOptions.streamBatch; default 0: all at the end)
  --phases           print where each parallel run's time went (stderr)
  --write            replace the scaling section of BENCHMARKS.md`;

// --child is how the script runs its own child processes.
const args = new BenchArgs("scaling", USAGE, {
  values: ["--threads", "--gas", "--runs", "--warmup", "--mainnet-runs", "--workloads", "--stream-batch", "--fixtures", "--child"],
  flags: ["--skip-mainnet", "--skip-gigagas", "--phases", "--write"],
});
const option = (name: string): string | undefined => args.option(name);
const flag = (name: string): boolean => args.flag(name);
const threadCounts = args.ints("--threads", [2, 4, 8, 16]);
const gas = args.number("--gas", 1e9);
const runs = args.int("--runs", 3, 1);
const warmups = args.int("--warmup", 1);
const mainnetRuns = args.int("--mainnet-runs", 5, 1);
const workloads = args.list("--workloads", ["raw-transfers", "erc20", "swaps", "erc20-hot"]);
/** Results per streamed batch (ParallelOptions.streamBatch); default: the executor's (none). */
const streamBatch = option("--stream-batch") === undefined ? undefined : args.int("--stream-batch", 0, 1);
/** Hot workloads send this share of their transactions to one account or pool. */
const HOT_RATIO = 0.1;
/** The mainnet goal's set: blocks with at least this many transactions. */
const MAINNET_MIN_TXS = 50;

interface BlockCase {
  name: string;
  block: Block;
  preState: MemoryState;
  blockHashes: Map<bigint, Word>;
}

/** Per thread count: [median sequential ms, median parallel ms] of that phase. */
type Phases = Record<number, [number, number]>;

const hexOrNull = (b: Uint8Array | null) => (b === null ? null : bytesToHex(b));

/** Runs `cases` at one thread count: warm-up over all, then per case `count` alternating runs; per case medians. */
async function phase(cases: BlockCase[], threads: number, count: number, warm: number): Promise<[number, number][]> {
  closeWorkerPool();
  await workerPoolReady(threads);
  const opts = (c: BlockCase) => ({ blockHashes: c.blockHashes, workers: threads, ...(streamBatch !== undefined ? { streamBatch } : {}) });
  // A worker thread's code is warm after some thousands of executions (measured: a fresh worker ran
  // ERC-20 transfers at 384 us each in its first 700, 22 us from about its 4,000th), and on t threads
  // each one executes a t-th of a block: with one warm-up run the 16-thread figures measured
  // compilation. The main thread, which also runs every sequential run, is warm already.
  const parallelWarm = warm * Math.max(1, Math.ceil(threads / 2));
  for (let i = 0; i < parallelWarm; i++) {
    for (const c of cases) {
      if (i < warm) executeBlock(c.block, c.preState, { blockHashes: c.blockHashes });
      await executeBlockParallel({ ...c.block }, c.preState, opts(c));
    }
  }
  const out: [number, number][] = [];
  for (const c of cases) {
    const seq: number[] = [];
    const par: number[] = [];
    for (let i = 0; i < count; i++) {
      const s = executeBlock(c.block, c.preState, { blockHashes: c.blockHashes });
      // A new block object each run: the workers receive the block and its pre-state, as in a replay.
      const p = await executeBlockParallel({ ...c.block }, c.preState, opts(c));
      if (p.gasUsed !== s.gasUsed || hexOrNull(p.receiptsRoot) !== hexOrNull(s.receiptsRoot)) throw new Error(`${c.name}: ${threads}-thread result differs from sequential`);
      seq.push(s.executionMs);
      par.push(p.executionMs);
      if (flag("--phases")) console.error(`  ${c.name} ${threads} threads: ${phaseLine(p.stats)}`);
    }
    out.push([median(seq), median(par)]);
  }
  return out;
}

/** Where a parallel run's time went (--phases): the main thread's phases and the executors' summed times. */
function phaseLine(s: ParallelStats): string {
  const ms = (x: number) => x.toFixed(0);
  return `prepare ${ms(s.prepareMs)}, workers ${ms(s.workersMs)} (loop ${ms(s.loopMs)}, receipts ${ms(s.receiptsMs)}), assemble ${ms(s.assembleMs)}; summed: execute ${ms(s.executeMs)}, validate ${ms(s.validateMs)}, idle ${ms(s.idleMs)}; ${s.executions} executions, ${s.aborts} aborts${s.stopped !== null ? ", stopped" : ""}`;
}

interface GigagasRow {
  name: string;
  txs: number;
  gas: string;
  phases: Phases;
  peakRssMiB: number;
}

/** Child mode: one generated workload over every thread count, printed as one JSON line. */
async function gigagasChild(workload: string): Promise<void> {
  const hot = workload.endsWith("-hot") ? HOT_RATIO : 0;
  const g = generateBlock({ workload, gas, hotRatio: hot, seed: 1 });
  const name = hot > 0 ? `${workload} (hot ${hot})` : workload;
  const c: BlockCase = { name, block: g.block, preState: g.preState, blockHashes: g.blockHashes };
  const phases: Phases = {};
  for (const t of threadCounts) {
    phases[t] = (await phase([c], t, runs, warmups))[0]!;
    console.error(`${name}: ${t} threads: seq ${phases[t][0].toFixed(0)} ms, parallel ${phases[t][1].toFixed(0)} ms, ${(phases[t][0] / phases[t][1]).toFixed(2)}x`);
  }
  closeWorkerPool();
  const gasUsed = executeBlock(c.block, c.preState, { blockHashes: c.blockHashes }).gasUsed;
  const row: GigagasRow = { name, txs: c.block.transactions.length, gas: gasUsed.toString(), phases, peakRssMiB: process.resourceUsage().maxRSS / 1024 };
  console.log(JSON.stringify(row));
}

function gigagasRows(): GigagasRow[] {
  return workloads.map((workload) => {
    const childArgs = [...(flag("--phases") ? ["--phases"] : []), "--child", workload, "--threads", threadCounts.join(","), "--gas", String(gas), "--runs", String(runs), "--warmup", String(warmups), ...(streamBatch !== undefined ? ["--stream-batch", String(streamBatch)] : [])];
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...childArgs], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 24 });
    if (r.status !== 0) throw new Error(`bench/scaling: ${workload} failed (exit ${r.status})`);
    return JSON.parse(r.stdout.trim().split("\n").pop()!) as GigagasRow;
  });
}

interface MainnetSummary {
  blocks: number;
  /** Per thread count: mean per-block speedup, lowest over blocks taking >= 1 ms, and total seq ms / total parallel ms. */
  phases: Record<number, { mean: number; lowest: number; total: number }>;
}

async function mainnetSummary(): Promise<MainnetSummary | null> {
  const root = option("--fixtures") ?? process.env.PEVM_FIXTURES ?? resolve(REPO, "..", "shared", "fixtures");
  const dir = join(root, "mainnet", "blocks");
  if (!existsSync(dir)) {
    console.error(`bench/scaling: no mainnet fixtures under ${root}; skipping mainnet blocks`);
    return null;
  }
  const cache = new Map<string, unknown>();
  const cases = readdirSync(dir)
    .sort((a, b) => Number(a) - Number(b))
    .map((name) => ({ name, ...loadBlockInput(join(dir, name), { cache }) }))
    .filter((c) => c.block.transactions.length >= MAINNET_MIN_TXS);
  const phases: MainnetSummary["phases"] = {};
  for (const t of threadCounts) {
    const times = await phase(cases, t, mainnetRuns, 2);
    const ratios = times.map(([s, p]) => s / p);
    const timed = times.filter(([s]) => s >= 1).map(([s, p]) => s / p);
    const total = times.reduce((a, [s]) => a + s, 0) / times.reduce((a, [, p]) => a + p, 0);
    phases[t] = { mean: ratios.reduce((a, b) => a + b, 0) / ratios.length, lowest: Math.min(...timed), total };
    console.error(`mainnet (${cases.length} blocks): ${t} threads: mean ${phases[t].mean.toFixed(2)}x, lowest ${phases[t].lowest.toFixed(2)}x, total ${total.toFixed(2)}x`);
  }
  closeWorkerPool();
  return { blocks: cases.length, phases };
}

function gigagasTable(rows: GigagasRow[]): string {
  const head = `| workload | txs | gas | 1 (sequential) | ${threadCounts.map((t) => `${t} threads`).join(" | ")} | peak RSS |`;
  const sep = `| --- | ---: | ---: | ---: | ${threadCounts.map(() => "---:").join(" | ")} | ---: |`;
  const lines = rows.map((r) => {
    const seqAll = median(threadCounts.map((t) => r.phases[t]![0]));
    const cells = threadCounts.map((t) => `${r.phases[t]![1].toFixed(0)} ms, ${(r.phases[t]![0] / r.phases[t]![1]).toFixed(2)}x`);
    return `| ${r.name} | ${r.txs} | ${r.gas} | ${seqAll.toFixed(0)} ms, ${(Number(r.gas) / 1000 / seqAll).toFixed(0)} Mgas/s | ${cells.join(" | ")} | ${r.peakRssMiB.toFixed(0)} MiB |`;
  });
  return [head, sep, ...lines].join("\n");
}

function mainnetTable(m: MainnetSummary): string {
  const head = `| mainnet, ${m.blocks} blocks of ${MAINNET_MIN_TXS}+ transactions | ${threadCounts.map((t) => `${t} threads`).join(" | ")} |`;
  const sep = `| --- | ${threadCounts.map(() => "---:").join(" | ")} |`;
  const row = (label: string, key: "mean" | "lowest" | "total") => `| ${label} | ${threadCounts.map((t) => `${m.phases[t]![key].toFixed(2)}x`).join(" | ")} |`;
  return [head, sep, row("mean speedup per block", "mean"), row("lowest, blocks of 1 ms or more", "lowest"), row("all blocks' time together", "total")].join("\n");
}

async function main(): Promise<void> {
  const child = option("--child");
  if (child !== undefined) return gigagasChild(child);
  const mainnet = flag("--skip-mainnet") ? null : await mainnetSummary();
  const giga = flag("--skip-gigagas") ? [] : gigagasRows();
  const text = [giga.length > 0 ? gigagasTable(giga) : "", mainnet !== null ? mainnetTable(mainnet) : ""].filter((x) => x !== "").join("\n\n");
  console.log(text);
  if (flag("--write")) write(text);
}

function write(text: string): void {
  const cpu = cpus();
  const command = `node dist/bench/scaling.js --threads ${threadCounts.join(",")} --gas ${gas} --runs ${runs} --warmup ${warmups} --mainnet-runs ${mainnetRuns}${streamBatch !== undefined ? ` --stream-batch ${streamBatch}` : ""} --write`;
  replaceSection(join(REPO, "BENCHMARKS.md"), "scaling", `## Scaling over threads (\`bench/scaling.ts\`)

${new Date().toISOString().slice(0, 10)} · \`${command}\` · ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"} (${availableParallelism()} available), ${Math.round(totalmem() / 2 ** 30)} GiB, kernel ${release()}, Node.js ${process.version} ·
our Block-STM executor on N threads (the main thread and N-1 worker threads) against our sequential
executor ("1"), same process and blocks. Each thread count is its own phase (the worker pool is
rebuilt for it): ${warmups} untimed run(s) (mainnet: 2 per block), the parallel executor's times N/2 (its
fresh worker threads compile their own code on their share of each block), then ${runs} runs (mainnet:
${mainnetRuns} per block) alternating sequential and parallel; each cell is the median parallel ms and median
sequential / median parallel of that phase.
Each parallel run gets the block as a new object, so the workers receive it and its pre-state every
time, as in a replay. Generated blocks (${gas.toExponential()} gas, hot: ${HOT_RATIO} of the transactions on one
account) run in a fresh process each; peak RSS covers every phase of that process.

${text}`);
}

await main();
