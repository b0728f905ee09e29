// bench/parallel: our parallel executor (Block-STM, --workers threads) against our sequential one,
// in the same run: every mainnet fixture block, and the generated gigagas workloads.
// Per block: median ms of --runs runs (mainnet blocks: --mainnet-runs) after warm-up runs,
// sequential and parallel runs alternating (the sequential one first or last, drawn per run);
// speedup = seq / parallel.
// Each gigagas workload runs in a fresh child process, whose peak RSS is reported.
//
// usage: node dist/bench/parallel.js [--workers N] [--runs N] [--warmup N] [--mainnet-runs N]
//        [--mainnet-warmup N] [--gas G] [--skip-mainnet] [--skip-gigagas] [--fixtures DIR] [--write]
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { cpus, totalmem } from "node:os";
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
import { Prng } from "../src/workload/keys.js";
import { median } from "../src/primitives/median.js";
import { BenchArgs } from "./args.js";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const USAGE = `usage: node dist/bench/parallel.js [--workers N] [--runs N] [--warmup N] [--mainnet-runs N]
       [--mainnet-warmup N] [--gas G] [--skip-mainnet] [--skip-gigagas] [--fixtures DIR] [--write]`;

// --child and --hot are how the script runs its own child processes.
const args = new BenchArgs("parallel", USAGE, {
  values: ["--workers", "--runs", "--warmup", "--gas", "--mainnet-runs", "--mainnet-warmup", "--fixtures", "--child", "--hot"],
  flags: ["--skip-mainnet", "--skip-gigagas", "--write"],
});
const option = (name: string): string | undefined => args.option(name);
const flag = (name: string): boolean => args.flag(name);
const workers = args.int("--workers", 2, 1);
const runs = args.int("--runs", 3, 1);
const warmups = args.int("--warmup", 2);
const gigagas = args.number("--gas", 1e9);
// Mainnet blocks take milliseconds: more runs, so that one slow run moves no median.
const mainnetRuns = args.int("--mainnet-runs", 15, 1);
const mainnetWarmups = args.int("--mainnet-warmup", 5);

const GIGAGAS_WORKLOADS: [string, number][] = [
  ["raw-transfers", 0],
  ["erc20", 0],
  ["swaps", 0],
  ["raw-hot", 0.1],
  ["erc20-hot", 0.1],
  ["erc20-hot", 0.3],
  ["swaps-hot", 0.1],
  ["swaps-hot", 1], // every transaction on one pool: falls back to sequential past the conflict budget
];

interface Row {
  name: string;
  txs: number;
  gas: bigint;
  seqMs: number;
  parMs: number;
  /** Parallel again on the same block object, which the worker threads already hold: the executor without the block's transfer. */
  heldMs: number;
  stats: ParallelStats;
  peakRssMiB?: number;
}

async function benchBlock(name: string, block: Block, pre: MemoryState, blockHashes: Map<bigint, Word>, runs: number, warmups: number): Promise<Row> {
  const seq: number[] = [];
  const par: number[] = [];
  const held: number[] = [];
  let gas = 0n;
  let stats!: ParallelStats;
  // Runs alternate sequential and parallel, so that a host whose speed drifts (this VM's does,
  // by up to 2x within minutes) slows both alike. Whether the sequential run comes before or after
  // the two parallel ones is drawn per run (seeded by the block's name): in a fixed order each
  // executor would always run behind the same one, which biased such comparisons by a few percent.
  const prng = new Prng(`bench/parallel/${name}`);
  for (let i = 0; i < warmups + runs; i++) {
    const sequentialFirst = prng.below(2) === 0;
    let r = sequentialFirst ? executeBlock(block, pre, { blockHashes }) : null;
    // A new block object each run: the workers receive the block and its pre-state every time, as
    // when replaying a chain (a block they already hold would be sent once and reused).
    const copy = { ...block };
    const p = await executeBlockParallel(copy, pre, { blockHashes, workers });
    const h = await executeBlockParallel(copy, pre, { blockHashes, workers });
    r ??= executeBlock(block, pre, { blockHashes });
    gas = r.gasUsed;
    if (p.gasUsed !== gas) throw new Error(`${name}: parallel gas ${p.gasUsed} differs from sequential ${gas}`);
    stats = p.stats;
    if (i >= warmups) {
      seq.push(r.executionMs);
      par.push(p.executionMs);
      held.push(h.executionMs);
    }
  }
  return { name, txs: block.transactions.length, gas, seqMs: median(seq), parMs: median(par), heldMs: median(held), stats };
}

async function mainnetRows(): Promise<Row[]> {
  const root = option("--fixtures") ?? process.env.PEVM_FIXTURES ?? resolve(REPO, "..", "shared", "fixtures");
  const dir = join(root, "mainnet", "blocks");
  if (!existsSync(dir)) {
    console.error(`bench/parallel: no mainnet fixtures under ${root}; skipping mainnet blocks`);
    return [];
  }
  const cache = new Map<string, unknown>();
  const names = readdirSync(dir).sort((a, b) => Number(a) - Number(b));
  const inputs = names.map((name) => loadBlockInput(join(dir, name), { cache }));
  await workerPoolReady(workers);
  // An untimed pass over every block first, so that both executors (and every worker thread) are
  // measured with compiled code, as in a long replay, rather than while the JIT warms up.
  for (const input of inputs) {
    executeBlock(input.block, input.preState, { blockHashes: input.blockHashes });
    await executeBlockParallel(input.block, input.preState, { blockHashes: input.blockHashes, workers });
  }
  const rows: Row[] = [];
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const input = inputs[i]!;
    const row = await benchBlock(name, input.block, input.preState, input.blockHashes, mainnetRuns, mainnetWarmups);
    rows.push(row);
    console.error(`${name}: seq ${row.seqMs.toFixed(1)} ms, parallel ${row.parMs.toFixed(1)} ms (${row.stats.mode}), ${(row.seqMs / row.parMs).toFixed(2)}x`);
  }
  return rows;
}

/** Child mode: one gigagas workload, printed as one JSON line with the process's peak RSS. */
async function gigagasChild(workload: string, hot: number): Promise<void> {
  const g = generateBlock({ workload, gas: gigagas, hotRatio: hot, seed: 1 });
  await workerPoolReady(workers); // warm worker threads: their warm-up must not overlap timed runs
  const row = await benchBlock(`${workload}${hot > 0 ? ` (hot ${hot})` : ""}`, g.block, g.preState, g.blockHashes, runs, warmups);
  closeWorkerPool();
  // Worker threads share the process: maxRSS covers them too.
  row.peakRssMiB = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ ...row, gas: row.gas.toString() }));
}

function gigagasRows(): Row[] {
  const rows: Row[] = [];
  for (const [workload, hot] of GIGAGAS_WORKLOADS) {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--child", workload, "--hot", String(hot), "--workers", String(workers), "--runs", String(runs), "--warmup", String(warmups), "--gas", String(gigagas)], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    if (r.status !== 0) throw new Error(`bench/parallel: ${workload} failed (exit ${r.status})`);
    const row = JSON.parse(r.stdout.trim().split("\n").pop()!);
    rows.push({ ...row, gas: BigInt(row.gas) });
    console.error(`${row.name}: seq ${row.seqMs.toFixed(0)} ms, parallel ${row.parMs.toFixed(0)} ms, ${(row.seqMs / row.parMs).toFixed(2)}x, peak RSS ${row.peakRssMiB.toFixed(0)} MiB`);
  }
  return rows;
}

const mgas = (gas: bigint, ms: number) => (ms > 0 ? Number(gas) / 1000 / ms : 0);

function table(rows: Row[], withRss: boolean): string {
  const head = `| block | txs | gas | sequential ms | parallel ms | speedup | block held: ms, speedup | mode | aborts | ${withRss ? "Mgas/s seq / par | peak RSS |" : ""}`;
  const sep = `| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ${withRss ? "---: | ---: |" : ""}`;
  const lines = rows.map((r) => {
    const mode = r.stats.mode === "parallel" ? "parallel" : `sequential: ${r.stats.fallback}`;
    const extra = withRss ? ` ${mgas(r.gas, r.seqMs).toFixed(0)} / ${mgas(r.gas, r.parMs).toFixed(0)} | ${r.peakRssMiB!.toFixed(0)} MiB |` : "";
    return `| ${r.name} | ${r.txs} | ${r.gas} | ${r.seqMs.toFixed(1)} | ${r.parMs.toFixed(1)} | ${(r.seqMs / r.parMs).toFixed(2)}x | ${r.heldMs.toFixed(1)}, ${(r.seqMs / r.heldMs).toFixed(2)}x | ${mode} | ${r.stats.aborts} |${extra}`;
  });
  return [head, sep, ...lines].join("\n");
}

function summary(rows: Row[]): string {
  const big = rows.filter((r) => r.txs >= 50);
  const mean = big.reduce((a, r) => a + r.seqMs / r.parMs, 0) / Math.max(1, big.length);
  const lowest = (of: Row[]) => of.reduce((m, r) => Math.min(m, r.seqMs / r.parMs), Infinity).toFixed(2);
  const timed = rows.filter((r) => r.seqMs >= 1);
  return `Blocks with 50 or more transactions: mean speedup ${mean.toFixed(2)}x (goal 1.5x); lowest speedup over all blocks ${lowest(rows.filter((r) => r.txs > 0))}x (goal: none below 0.95x), over the ${timed.length} blocks taking 1 ms or more ${lowest(timed)}x (below that, tens of microseconds of dispatch show as large ratios).`;
}

async function main(): Promise<void> {
  const child = option("--child");
  if (child !== undefined) return gigagasChild(child, Number(option("--hot") ?? 0));
  const mainnet = flag("--skip-mainnet") ? [] : await mainnetRows();
  closeWorkerPool();
  const giga = flag("--skip-gigagas") ? [] : gigagasRows();
  const text = [mainnet.length > 0 ? summary(mainnet) + "\n\n" + table(mainnet, false) : "", giga.length > 0 ? table(giga, true) : ""].filter((x) => x !== "").join("\n\n");
  console.log(text);
  if (flag("--write")) write(text);
}

function write(text: string): void {
  const path = join(REPO, "BENCHMARKS.md");
  const cpu = cpus();
  replaceSection(path, "parallel", `## Parallel vs sequential (\`bench/parallel.ts\`)

${new Date().toISOString().slice(0, 10)} · \`node dist/bench/parallel.js --workers ${workers} --runs ${runs} --warmup ${warmups} --mainnet-runs ${mainnetRuns} --mainnet-warmup ${mainnetWarmups} --write\` · ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version} ·
our Block-STM executor on ${workers} threads (the main thread and ${workers - 1} worker thread${workers === 2 ? "" : "s"}) against our sequential executor, same process and
blocks; an untimed pass over all mainnet blocks first, then per block medians of ${mainnetRuns} runs after
${mainnetWarmups} warm-up runs (gigagas blocks: ${runs} after ${warmups}), sequential and parallel runs alternating (the sequential run before or after the parallel ones, drawn per run); both timings are the executors'
\`executionMs\` (receipts, bloom and receipts root included). Each parallel run gets the block as a new
object, so the worker threads receive it and its pre-state (serialized on the main thread) every
time, as in a replay; "block held" runs it once more on the same object, which the workers keep:
the executor without that transfer. Gigagas blocks (${gigagas.toExponential()} gas) are
generated by \`pevm bench\`'s workloads, each in a fresh process whose peak RSS (worker threads
included) is given. "mode" says when a block ran sequentially and why.

${text}`);
}

await main();
