// bench/ceiling: how much N threads can give on this machine, whatever the parallel algorithm.
// Each of N worker threads runs our sequential executor on its own copy of the same generated
// block (or, for "mainnet", of every fixture block with 50 or more transactions), all at once;
// the ceiling is N times the one-thread time over the N-thread time (the throughput gained).
// Shared cores, SMT siblings or a busy host pull it below N, and no parallel executor on the same
// threads can beat it.
//
// usage: node dist/bench/ceiling.js [--threads N] [--gas G] [--rounds N] [--runs N] [--warmup N] [--fixtures DIR] [--gc-compare] [--json] [--write]
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { BenchArgs } from "./args.js";
import { replaceSection } from "./benchmarksFile.js";
import { executeBlock } from "../src/exec/sequential.js";
import { keepShapesAlive } from "../src/exec/keepShapes.js";
import { generateBlock } from "../src/workload/blocks.js";
import { loadBlockInput } from "../src/block/load.js";
import type { Block } from "../src/block/block.js";
import type { MemoryState } from "../src/state/memory.js";
import type { Word } from "../src/primitives/word.js";
import { median } from "../src/primitives/median.js";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const WORKLOADS = ["raw-transfers", "erc20", "swaps"];

interface ThreadJob {
  workload: string;
  gas: number;
  warmup: number;
  /** For "mainnet": the fixture blocks folder. */
  blocksDir?: string;
}

/** Blocks with at least this many transactions make up the mainnet workload (the speedup goal's set). */
const MAINNET_MIN_TXS = 50;

interface BlockCase {
  block: Block;
  preState: MemoryState;
  blockHashes: Map<bigint, Word>;
}

/** The blocks one thread executes per run: one generated block, or the mainnet fixture blocks. */
function casesFor(job: ThreadJob): BlockCase[] {
  if (job.workload !== "mainnet") return [generateBlock({ workload: job.workload, gas: job.gas })];
  const names = readdirSync(job.blocksDir!).sort((a, b) => Number(a) - Number(b));
  const cache = new Map<string, unknown>();
  return names.map((name) => loadBlockInput(join(job.blocksDir!, name), { cache })).filter((input) => input.block.transactions.length >= MAINNET_MIN_TXS);
}

/**
 * In a worker thread: generate the block and warm up, then on each { runs } message execute it
 * that many times and answer with the times.
 */
function threadMain(job: ThreadJob): void {
  keepShapesAlive();
  const cases = casesFor(job);
  const txs = cases.reduce((n, c) => n + c.block.transactions.length, 0);
  const run = () => cases.reduce((ms, c) => ms + executeBlock(c.block, c.preState, { blockHashes: c.blockHashes }).executionMs, 0);
  for (let i = 0; i < job.warmup; i++) run();
  parentPort!.on("message", (m: { runs: number }) => {
    const times: number[] = [];
    for (let i = 0; i < m.runs; i++) times.push(run());
    parentPort!.postMessage({ times, txs });
  });
  parentPort!.postMessage({ times: [], txs });
}

interface Answer {
  times: number[];
  txs: number;
}

class Threads {
  private constructor(private readonly workers: Worker[]) {}

  static async start(n: number, job: ThreadJob): Promise<{ threads: Threads; txs: number }> {
    const workers = Array.from({ length: n }, () => new Worker(fileURLToPath(import.meta.url), { workerData: job, resourceLimits: { stackSizeMb: 256 } }));
    const threads = new Threads(workers);
    const ready = await Promise.all(workers.map((w) => threads.answer(w)));
    return { threads, txs: ready[0]!.txs };
  }

  private answer(w: Worker): Promise<Answer> {
    return new Promise((resolveAnswer, reject) => {
      const onMessage = (a: Answer) => {
        w.off("error", onError);
        resolveAnswer(a);
      };
      const onError = (e: Error) => {
        w.off("message", onMessage);
        reject(e);
      };
      w.once("message", onMessage);
      w.once("error", onError);
    });
  }

  /** The first `count` threads each execute the block `runs` times at once; their times, all together. */
  async run(count: number, runs: number): Promise<number[]> {
    const answers = await Promise.all(
      this.workers.slice(0, count).map((w) => {
        const a = this.answer(w);
        w.postMessage({ runs });
        return a;
      }),
    );
    return answers.flatMap((a) => a.times);
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Rounds alternate one thread alone and every thread at once, on the same warm threads, so that a
 * busy host slows both alike; the medians over all rounds are compared.
 */
async function measure(workload: string, threads: number, gas: number, rounds: number, runs: number, warmup: number, blocksDir?: string): Promise<{ oneMs: number; manyMs: number; txs: number }> {
  const { threads: pool, txs } = await Threads.start(threads, { workload, gas, warmup, ...(blocksDir !== undefined ? { blocksDir } : {}) });
  const one: number[] = [];
  const many: number[] = [];
  try {
    for (let r = 0; r < rounds; r++) {
      one.push(...(await pool.run(1, runs)));
      many.push(...(await pool.run(threads, runs)));
    }
  } finally {
    await pool.stop();
  }
  return { oneMs: median(one), manyMs: median(many), txs };
}

interface Row {
  workload: string;
  txs: number;
  oneMs: number;
  manyMs: number;
  ceiling: number;
}

const USAGE = `usage: node dist/bench/ceiling.js [--threads N] [--gas G] [--rounds N] [--runs N] [--warmup N] [--fixtures DIR] [--gc-compare] [--json] [--write]
  --gc-compare  also measure with V8's garbage collection on the executing threads only (--single-threaded-gc, in a child process)
  --json        print the rows as JSON`;

/**
 * The same measurement in a child process whose V8 does all its garbage collection on the
 * executing threads (`--single-threaded-gc`): no helper threads, so a thread alone cannot use an
 * idle core for its GC work. Its rows, by workload.
 */
function measureWithSingleThreadedGc(args: string[]): Map<string, Row> {
  const childArgs = args.filter((a) => a !== "--write" && a !== "--gc-compare" && a !== "--json");
  const child = spawnSync(process.execPath, ["--single-threaded-gc", fileURLToPath(import.meta.url), ...childArgs, "--json"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 20 });
  if (child.status !== 0) throw new Error(`bench/ceiling: the --single-threaded-gc run failed (exit ${child.status ?? child.signal})`);
  const rows = JSON.parse(child.stdout) as Row[];
  return new Map(rows.map((r) => [r.workload, r]));
}

async function main(): Promise<void> {
  const parsed = new BenchArgs("ceiling", USAGE, { values: ["--threads", "--gas", "--rounds", "--runs", "--warmup", "--fixtures"], flags: ["--gc-compare", "--json", "--write"] });
  const args = [...parsed.argv];
  const option = (name: string): string | undefined => parsed.option(name);
  const threads = parsed.int("--threads", 2, 2);
  const gas = parsed.number("--gas", 2e8);
  const rounds = parsed.int("--rounds", 9, 1);
  const runs = parsed.int("--runs", 3, 1);
  const warmup = parsed.int("--warmup", 3);
  const rows: Row[] = [];
  const blocksDir = join(option("--fixtures") ?? process.env.PEVM_FIXTURES ?? resolve(REPO, "..", "shared", "fixtures"), "mainnet", "blocks");
  const workloads = existsSync(blocksDir) ? [...WORKLOADS, "mainnet"] : WORKLOADS;
  if (!existsSync(blocksDir)) console.error(`bench/ceiling: no mainnet fixtures under ${blocksDir}; skipping the mainnet row`);
  for (const workload of workloads) {
    const m = await measure(workload, threads, gas, rounds, runs, warmup, blocksDir);
    const ceiling = (threads * m.oneMs) / m.manyMs;
    console.error(`${workload}: 1 thread ${m.oneMs.toFixed(1)} ms per block, ${threads} threads ${m.manyMs.toFixed(1)} ms per block each, ceiling ${ceiling.toFixed(2)}x`);
    rows.push({ workload, txs: m.txs, oneMs: m.oneMs, manyMs: m.manyMs, ceiling });
  }
  if (parsed.flag("--json")) {
    console.log(JSON.stringify(rows));
    return;
  }
  const singleGc = parsed.flag("--gc-compare") ? measureWithSingleThreadedGc(args) : null;
  const cells = (r: Row) => `${r.oneMs.toFixed(1)} | ${r.manyMs.toFixed(1)} | ${r.ceiling.toFixed(2)}x`;
  const head = `| workload | txs | 1 thread alone: ms per block | ${threads} threads at once: ms per block | ceiling |${singleGc === null ? "" : ` GC on the executing threads only: 1 alone, ms | ${threads} at once, ms | ceiling | ceiling, each at its faster setting |`}`;
  const align = singleGc === null ? "|---|---:|---:|---:|---:|" : "|---|---:|---:|---:|---:|---:|---:|---:|---:|";
  const lines = rows.map((r) => {
    const other = singleGc?.get(r.workload);
    // One thread at its fastest against all threads at theirs: the bound for a parallel executor
    // that may run with either setting against a sequential one that may too.
    const best = other === undefined ? null : (threads * Math.min(r.oneMs, other.oneMs)) / Math.min(r.manyMs, other.manyMs);
    return `| ${r.workload} | ${r.txs} | ${cells(r)} |${singleGc === null ? "" : other === undefined ? " - | - | - | - |" : ` ${cells(other)} | ${best!.toFixed(2)}x |`}`;
  });
  const text = [head, align, ...lines].join("\n");
  console.log(text);
  if (parsed.flag("--write")) {
    const cpu = cpus();
    const command = `node dist/bench/ceiling.js --threads ${threads} --gas ${gas.toExponential()} --rounds ${rounds} --runs ${runs} --warmup ${warmup}${singleGc === null ? "" : " --gc-compare"} --write`;
    replaceSection(join(REPO, "BENCHMARKS.md"), "ceiling", `## Thread-scaling ceiling of the machine (\`bench/ceiling.ts\`)

${new Date().toISOString().slice(0, 10)} · \`${command}\` · ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version} ·
${threads} warm threads each hold a copy of the same generated block (mainnet: every fixture block with
${MAINNET_MIN_TXS} or more transactions, run one after another; ms per pass) and run our sequential executor
on it: ${rounds} rounds alternate one thread alone and all ${threads} at once (${runs} runs each), medians
over all runs. The ceiling, ${threads} × (alone) / (at once), is the throughput ${threads} threads give
over one: the most any parallel executor on ${threads} threads of this machine can gain on that
work. Cores that slow each other down (shared caches, SMT siblings, a busy host) pull it below ${threads}.${
      singleGc === null
        ? ""
        : `
The three columns after "ceiling" repeat the measurement in a process started with V8's
\`--single-threaded-gc\`: the garbage collector then works only on the thread that allocates. By
default V8 scavenges with helper threads and marks concurrently, so a thread running alone also
uses idle cores for its garbage collection; with all ${threads} threads busy there is no idle core.
The last column takes each side at its faster setting: ${threads} × the faster time alone over the
faster time at once.`
    }

${text}`);
  }
}

if (isMainThread) await main();
else threadMain(workerData as ThreadJob);
