// bench/contention: what two executing threads cost each other on this machine. bench/ceiling runs
// independent copies of the sequential executor at once; this script asks, per mainnet block:
//   1. Block-STM's time per execution alone on one thread (`workers: 1`, forced: the main thread
//      runs every incarnation), on two threads, and on two threads with hints that chain every
//      transaction to the one before it (one thread executes at a time), against the sequential
//      executor's time per transaction; and the whole block, sequential and Block-STM on one thread;
//   2. the sequential executor on the main thread alone, and beside a second thread that runs an
//      integer loop, Atomics.add on a SharedArrayBuffer of its own, the same block, or other blocks.
// The variants take turns within each run; medians.
//
// usage: node dist/bench/contention.js [--blocks A,B] [--other A,B] [--runs N] [--fixtures DIR] [--json] [--write]
import { existsSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { BenchArgs } from "./args.js";
import { replaceSection } from "./benchmarksFile.js";
import { loadBlockInput } from "../src/block/load.js";
import { executeBlock } from "../src/exec/sequential.js";
import { keepShapesAlive } from "../src/exec/keepShapes.js";
import { closeWorkerPool, executeBlockParallel, workerPoolReady, type ParallelOptions } from "../src/exec/parallel/executor.js";
import { median } from "../src/primitives/median.js";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const USAGE = "usage: node dist/bench/contention.js [--blocks A,B] [--other A,B] [--runs N] [--fixtures DIR] [--json] [--write]";
const WARMUP = 3;

/** What the second thread runs in part 2. */
type Companion = "integer loop" | "Atomics.add" | "same block" | "other blocks";
const COMPANIONS: Companion[] = ["integer loop", "Atomics.add", "same block", "other blocks"];

interface CompanionJob {
  kind: Companion;
  blocksDir: string;
  blocks: string[];
  /** Int32 flag: the companion stops when it becomes 1. */
  stop: SharedArrayBuffer;
}

/** In the companion thread: load what it needs, say so, then run until told to stop. */
function companionMain(job: CompanionJob): void {
  const stop = new Int32Array(job.stop);
  if (job.kind === "integer loop") {
    parentPort!.postMessage("ready");
    let x = 1;
    while (Atomics.load(stop, 0) === 0) for (let i = 0; i < 1_000_000; i++) x = (x * 1103515245 + 12345) | 0;
    parentPort!.postMessage(x);
    return;
  }
  if (job.kind === "Atomics.add") {
    const own = new Int32Array(new SharedArrayBuffer(64));
    parentPort!.postMessage("ready");
    while (Atomics.load(stop, 0) === 0) for (let i = 0; i < 100_000; i++) Atomics.add(own, 0, 1);
    parentPort!.postMessage(own[0]);
    return;
  }
  keepShapesAlive();
  const inputs = job.blocks.map((name) => loadBlockInput(join(job.blocksDir, name)));
  const runAll = (): void => {
    for (const i of inputs) executeBlock(i.block, i.preState, { blockHashes: i.blockHashes });
  };
  runAll();
  parentPort!.postMessage("ready");
  while (Atomics.load(stop, 0) === 0) runAll();
  parentPort!.postMessage("done");
}

interface ExecutionRow {
  block: string;
  txs: number;
  sequentialUsPerTx: number;
  /** The whole block (executionMs): the sequential executor, and Block-STM forced on one thread. */
  sequentialBlockMs: number;
  oneThreadBlockMs: number;
  oneThreadUs: number;
  twoThreadsUs: number;
  chainedUs: number;
}

interface CompanionRow {
  block: string;
  aloneMs: number;
  besideMs: Record<Companion, number>;
}

type Input = ReturnType<typeof loadBlockInput>;

async function perExecution(name: string, input: Input, runs: number): Promise<ExecutionRow> {
  const txs = input.block.transactions.length;
  const chain = Array.from({ length: txs }, (_, k) => (k === 0 ? [] : [k - 1]));
  const forced: ParallelOptions = { blockHashes: input.blockHashes, forceParallel: true, conflictBudget: Infinity };
  const variants: [string, ParallelOptions][] = [
    ["one", { ...forced, workers: 1 }],
    ["two", { ...forced, workers: 2 }],
    ["chained", { ...forced, workers: 2, hints: chain }],
  ];
  const times = new Map<string, number[]>([["sequential", []], ["sequentialBlock", []], ["oneBlock", []], ...variants.map(([k]) => [k, []] as [string, number[]])]);
  for (let r = -WARMUP; r < runs; r++) {
    const start = performance.now();
    executeBlock(input.block, input.preState, { blockHashes: input.blockHashes });
    const sequentialMs = performance.now() - start;
    if (r >= 0) times.get("sequential")!.push((sequentialMs * 1000) / txs);
    if (r >= 0) times.get("sequentialBlock")!.push(sequentialMs);
    for (const [key, options] of variants) {
      // A new block object each time, as a caller with a new block gives it.
      const callStart = performance.now();
      const result = await executeBlockParallel({ ...input.block }, input.preState, options);
      const callMs = performance.now() - callStart;
      if (result.stats.mode !== "parallel") throw new Error(`bench/contention: block ${name} ran ${result.stats.mode} (${result.stats.fallback ?? result.stats.stopped}) with ${key}`);
      if (r >= 0) times.get(key)!.push((result.stats.executeMs * 1000) / result.stats.executions);
      if (r >= 0 && key === "one") times.get("oneBlock")!.push(callMs);
    }
  }
  const m = (key: string): number => median(times.get(key)!);
  return { block: name, txs, sequentialUsPerTx: m("sequential"), sequentialBlockMs: m("sequentialBlock"), oneThreadBlockMs: m("oneBlock"), oneThreadUs: m("one"), twoThreadsUs: m("two"), chainedUs: m("chained") };
}

function sequentialMs(input: Input, runs: number): number {
  const times: number[] = [];
  for (let r = -WARMUP; r < runs; r++) {
    const start = performance.now();
    executeBlock(input.block, input.preState, { blockHashes: input.blockHashes });
    if (r >= 0) times.push(performance.now() - start);
  }
  return median(times);
}

async function beside(kind: Companion, blocksDir: string, blocks: string[], measure: () => number): Promise<number> {
  const stop = new SharedArrayBuffer(4);
  const job: CompanionJob = { kind, blocksDir, blocks, stop };
  const worker = new Worker(fileURLToPath(import.meta.url), { workerData: job });
  await new Promise<void>((ready, failed) => {
    worker.once("message", () => ready());
    worker.once("error", failed);
  });
  const ms = measure();
  Atomics.store(new Int32Array(stop), 0, 1);
  await worker.terminate();
  return ms;
}

async function companionRow(name: string, input: Input, blocksDir: string, other: string[], runs: number): Promise<CompanionRow> {
  const besideMs = {} as Record<Companion, number>;
  const alone: number[] = [];
  // Alone before and after each companion: the machine's drift falls on both sides.
  for (const kind of COMPANIONS) {
    alone.push(sequentialMs(input, runs));
    besideMs[kind] = await beside(kind, blocksDir, kind === "same block" ? [name] : other, () => sequentialMs(input, runs));
  }
  alone.push(sequentialMs(input, runs));
  return { block: name, aloneMs: median(alone), besideMs };
}

function table(executions: ExecutionRow[], companions: CompanionRow[], other: string[]): string {
  const f = (x: number, d = 1): string => x.toFixed(d);
  const lines = [
    "| block | txs | sequential µs per transaction | Block-STM µs per execution: 1 thread | 2 threads | 2 threads, one executing at a time | whole block: sequential ms | Block-STM on 1 thread ms |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...executions.map((r) => `| ${r.block} | ${r.txs} | ${f(r.sequentialUsPerTx)} | ${f(r.oneThreadUs)} | ${f(r.twoThreadsUs)} (${f(r.twoThreadsUs / r.oneThreadUs, 2)}x) | ${f(r.chainedUs)} (${f(r.chainedUs / r.oneThreadUs, 2)}x) | ${f(r.sequentialBlockMs, 2)} | ${f(r.oneThreadBlockMs, 2)} (${f(r.oneThreadBlockMs / r.sequentialBlockMs, 2)}x) |`),
    "",
    `| block | sequential ms alone | ${COMPANIONS.map((k) => `beside ${k === "other blocks" ? `other blocks (${other.join(", ")})` : k}`).join(" | ")} |`,
    `| ---: | ---: | ${COMPANIONS.map(() => "---:").join(" | ")} |`,
    ...companions.map((r) => `| ${r.block} | ${f(r.aloneMs, 2)} | ${COMPANIONS.map((k) => `${f(r.besideMs[k], 2)} (${f(r.besideMs[k] / r.aloneMs, 2)}x)`).join(" | ")} |`),
  ];
  return lines.join("\n");
}

async function main(): Promise<void> {
  const args = new BenchArgs("contention", USAGE, { values: ["--blocks", "--other", "--runs", "--fixtures"], flags: ["--json", "--write"] });
  const blocks = args.list("--blocks", ["7280000", "14029313"]);
  const other = args.list("--other", ["15199017", "12459406", "19933612"]);
  const runs = args.int("--runs", 9, 1);
  const fixtures = args.option("--fixtures") ?? process.env.PEVM_FIXTURES ?? resolve(REPO, "..", "shared", "fixtures");
  const blocksDir = join(fixtures, "mainnet", "blocks");
  for (const name of [...blocks, ...other]) if (!existsSync(join(blocksDir, name))) args.fail(`no fixture block ${name} under ${blocksDir} (give --fixtures DIR)`);
  keepShapesAlive();
  await workerPoolReady(2);
  const inputs = blocks.map((name) => loadBlockInput(join(blocksDir, name)));
  const executions: ExecutionRow[] = [];
  for (let i = 0; i < blocks.length; i++) {
    executions.push(await perExecution(blocks[i]!, inputs[i]!, runs));
    console.error(`bench/contention: ${blocks[i]} per execution done`);
  }
  closeWorkerPool();
  const companions: CompanionRow[] = [];
  for (let i = 0; i < blocks.length; i++) {
    companions.push(await companionRow(blocks[i]!, inputs[i]!, blocksDir, other, runs));
    console.error(`bench/contention: ${blocks[i]} companions done`);
  }
  if (args.flag("--json")) {
    console.log(JSON.stringify({ executions, companions, other }, null, 2));
    return;
  }
  const text = table(executions, companions, other);
  console.log(text);
  if (args.flag("--write")) {
    const cpu = cpus();
    const command = `node dist/bench/contention.js --blocks ${blocks.join(",")} --other ${other.join(",")} --runs ${runs} --write`;
    replaceSection(
      join(REPO, "BENCHMARKS.md"),
      "contention",
      `## What two threads cost each other (\`bench/contention.ts\`)

${new Date().toISOString().slice(0, 10)} · \`${command}\` · ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version} ·
Medians of ${runs} runs after ${WARMUP}, the variants taking turns. First table: Block-STM forced (\`forceParallel\`,
no conflict budget), its summed execution time over its executions, alone on the main thread (\`workers: 1\`),
on two threads, and on two threads with hints chaining each transaction to the one before (so one thread
executes at a time), beside the sequential executor's time per transaction; in the last two columns the
whole block, wall time of the call: the sequential executor, and Block-STM forced on one thread (its time over
the sequential executor's: what Block-STM's bookkeeping costs before any parallelism). Second table: the sequential
executor on the main thread alone (median of the runs before and after each companion) and while a second
thread runs an integer loop, \`Atomics.add\` on a SharedArrayBuffer of its own, the same block, or other
blocks, each sequentially and over and over.

${text}`,
    );
  }
}

if (isMainThread) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  });
} else {
  companionMain(workerData as CompanionJob);
}
