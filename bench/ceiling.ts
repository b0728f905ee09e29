// bench/ceiling: how much N threads can give on this machine, whatever the parallel algorithm.
// Each of N worker threads runs our sequential executor on its own copy of the same generated
// block, all at once; the ceiling is N times the one-thread time over the N-thread time (the
// throughput gained). Shared cores, SMT siblings or a busy host pull it below N, and no parallel
// executor on the same threads can beat it.
//
// usage: node dist/bench/ceiling.js [--threads 1,2] [--gas G] [--runs N] [--warmup N] [--write]
import { cpus, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { replaceSection } from "./benchmarksFile.js";
import { executeBlock } from "../src/exec/sequential.js";
import { keepShapesAlive } from "../src/exec/keepShapes.js";
import { generateBlock } from "../src/workload/blocks.js";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const WORKLOADS = ["raw-transfers", "erc20", "swaps"];

interface ThreadJob {
  workload: string;
  gas: number;
  runs: number;
  warmup: number;
  /** Int32Array words: [0] threads ready, [1] start flag. */
  barrier: SharedArrayBuffer;
  threads: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length & 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** In a worker thread: generate, warm up, wait for every thread, then time the runs. */
function threadMain(job: ThreadJob): void {
  keepShapesAlive();
  const g = generateBlock({ workload: job.workload, gas: job.gas });
  const run = () => executeBlock(g.block, g.preState, { blockHashes: g.blockHashes }).executionMs;
  for (let i = 0; i < job.warmup; i++) run();
  const words = new Int32Array(job.barrier);
  if (Atomics.add(words, 0, 1) + 1 === job.threads) {
    Atomics.store(words, 1, 1);
    Atomics.notify(words, 1);
  }
  while (Atomics.load(words, 1) === 0) Atomics.wait(words, 1, 0, 100);
  const times: number[] = [];
  for (let i = 0; i < job.runs; i++) times.push(run());
  parentPort!.postMessage({ medianMs: median(times), txs: g.block.transactions.length });
}

async function measure(workload: string, threads: number, gas: number, runs: number, warmup: number): Promise<{ medianMs: number; txs: number }> {
  const barrier = new SharedArrayBuffer(8);
  const results = await Promise.all(
    Array.from({ length: threads }, () => {
      const job: ThreadJob = { workload, gas, runs, warmup, barrier, threads };
      const worker = new Worker(fileURLToPath(import.meta.url), { workerData: job, resourceLimits: { stackSizeMb: 256 } });
      return new Promise<{ medianMs: number; txs: number }>((resolveRun, reject) => {
        worker.once("message", resolveRun);
        worker.once("error", reject);
      }).finally(() => void worker.terminate());
    }),
  );
  // Every thread did the same work: the slowest median is the batch's time.
  return { medianMs: Math.max(...results.map((r) => r.medianMs)), txs: results[0]!.txs };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  if (args.includes("--help")) {
    console.log("usage: node dist/bench/ceiling.js [--threads 1,2] [--gas G] [--runs N] [--warmup N] [--write]");
    return;
  }
  const threadCounts = (option("--threads") ?? "1,2").split(",").map(Number);
  if (threadCounts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error("--threads: a comma-separated list of positive integers");
  const gas = Number(option("--gas") ?? 2e8);
  const runs = Number(option("--runs") ?? 7);
  const warmup = Number(option("--warmup") ?? 3);
  const rows: string[] = [];
  for (const workload of WORKLOADS) {
    const one = await measure(workload, 1, gas, runs, warmup);
    const cells: string[] = [];
    for (const n of threadCounts) {
      const m = n === 1 ? one : await measure(workload, n, gas, runs, warmup);
      const ceiling = (n * one.medianMs) / m.medianMs;
      cells.push(`${m.medianMs.toFixed(1)} ms (${ceiling.toFixed(2)}x)`);
      console.error(`${workload}: ${n} thread(s), ${m.medianMs.toFixed(1)} ms per block each, ceiling ${ceiling.toFixed(2)}x`);
    }
    rows.push(`| ${workload} | ${one.txs} | ${cells.join(" | ")} |`);
  }
  const head = `| workload | txs | ${threadCounts.map((n) => `${n} thread${n > 1 ? "s" : ""}: ms per block (ceiling)`).join(" | ")} |`;
  const sep = `|---|---:|${threadCounts.map(() => "---:").join("|")}|`;
  const text = [head, sep, ...rows].join("\n");
  console.log(text);
  if (args.includes("--write")) {
    const cpu = cpus();
    replaceSection(join(REPO, "BENCHMARKS.md"), "ceiling", `## Thread-scaling ceiling of the machine (\`bench/ceiling.ts\`)

${new Date().toISOString().slice(0, 10)} · \`node dist/bench/ceiling.js --threads ${threadCounts.join(",")} --gas ${gas.toExponential()} --runs ${runs} --warmup ${warmup} --write\` · ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version} ·
N threads each run our sequential executor on their own copy of the same generated block at the
same time (medians of ${runs} runs after ${warmup} warm-up runs; the slowest thread's median counts).
The ceiling, N × (one-thread time) / (N-thread time), is the most any parallel executor on N threads
of this machine can gain on that work: cores that slow each other down pull it below N.

${text}`);
  }
}

if (isMainThread) await main();
else threadMain(workerData as ThreadJob);
