// bench/ideal: how much parallelism each mainnet block holds, against what our executor gets.
// Per block of 50 or more transactions (the speedup goal's set): each transaction's time in our
// sequential executor (medians), the dependency graph from a Block-STM run (ParallelResult.txDag),
// its critical path, the bound no executor beats on 2 threads, the speedup of an ideal Block-STM
// (no aborts, no overhead) on 2, 4, 8 and 16 threads, that of a shared-nothing partition of the
// graph (src/records/partition.ts: threads that exchange no values while they run), and our
// executor's measured speedup on --workers threads, in the same run.
//
// usage: node dist/bench/ideal.js [--workers N] [--runs N] [--warmup N] [--min-txs N] [--fixtures DIR] [--write] [--json]
//   --json prints the rows as JSON (each block's dependency graph included) instead of the table.
import { existsSync, readdirSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { replaceSection } from "./benchmarksFile.js";
import { loadBlockInput, type BlockInput } from "../src/block/load.js";
import { closeWorkerPool, executeBlockParallel, workerPoolReady } from "../src/exec/parallel/executor.js";
import { executeBlock } from "../src/exec/sequential.js";
import { median } from "../src/primitives/median.js";
import { criticalPath, idealMakespan, makespanLowerBound, type TxDag } from "../src/records/txDag.js";
import { partitionPlan } from "../src/records/partition.js";

import { BenchArgs } from "./args.js";
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const THREADS = [2, 4, 8, 16];
const USAGE = "usage: node dist/bench/ideal.js [--workers N] [--runs N] [--warmup N] [--min-txs N] [--fixtures DIR] [--write] [--json]";

const args = new BenchArgs("ideal", USAGE, { values: ["--workers", "--runs", "--warmup", "--min-txs", "--fixtures"], flags: ["--write", "--json"] });
const option = (name: string): string | undefined => args.option(name);
const workers = args.int("--workers", 2, 1);
const runs = args.int("--runs", 9, 1);
const warmups = args.int("--warmup", 5);
const minTxs = args.int("--min-txs", 50, 1);

interface Row {
  name: string;
  txs: number;
  /** Transactions with at least one dependency. */
  dependent: number;
  seqMs: number;
  /** Summed median time of each transaction: the rest of seqMs is the prologue, receipts and roots. */
  txMs: number;
  longestTxMs: number;
  criticalMs: number;
  /** Speedup bound on `workers` threads, and the ideal Block-STM's speedups on THREADS. */
  bound: number;
  ideal: number[];
  /** The shared-nothing partition's speedups on THREADS. */
  partition: number[];
  measured: number;
  /** Why the graph is unknown (the block cannot run in Block-STM to the end): it is then taken as empty. */
  noGraph: string | null;
  /** The dependency graph and the per-transaction times it was scheduled with (for --json). */
  dag: TxDag;
  costs: number[];
}

/**
 * Speedup of a block whose transactions take `makespan` on k threads, the rest of its sequential
 * time counted as splitting perfectly over the k threads (so that it is an upper bound).
 */
function blockSpeedup(seqMs: number, txMs: number, makespan: number, k: number): number {
  return seqMs / (makespan + Math.max(0, seqMs - txMs) / k);
}

async function measureBlock(name: string, input: BlockInput): Promise<Row> {
  const { block, preState, blockHashes } = input;
  const txs = block.transactions.length;
  const perTx: number[][] = Array.from({ length: txs }, () => []);
  const seq: number[] = [];
  const par: number[] = [];
  for (let i = 0; i < warmups + runs; i++) {
    const transactionMs: number[] = new Array<number>(txs).fill(0);
    const s = executeBlock(block, preState, { blockHashes, transactionMs });
    // A new block object each run: the workers receive the block and its pre-state, as in bench/parallel.
    const p = await executeBlockParallel({ ...block }, preState, { blockHashes, workers });
    if (p.gasUsed !== s.gasUsed) throw new Error(`${name}: parallel gas ${p.gasUsed} differs from sequential ${s.gasUsed}`);
    if (i < warmups) continue;
    seq.push(s.executionMs);
    par.push(p.executionMs);
    transactionMs.forEach((ms, tx) => perTx[tx]!.push(ms));
  }
  const costs = perTx.map((times) => median(times));
  // No conflict budget, so that Block-STM runs to the end: each final read set is then what the
  // sequential order reads. (The same thread count: another would restart the worker threads.)
  const graphRun = await executeBlockParallel({ ...block }, preState, { blockHashes, workers, forceParallel: true, conflictBudget: Infinity, txDag: true });
  const noGraph = graphRun.txDag !== undefined ? null : (graphRun.stats.fallback ?? graphRun.stats.stopped ?? "no graph returned");
  const dag: TxDag = graphRun.txDag ?? costs.map(() => []);
  const seqMs = median(seq);
  const txMs = costs.reduce((a, b) => a + b, 0);
  const criticalMs = criticalPath(dag, costs);
  return {
    name,
    txs,
    dependent: dag.filter((d) => d.length > 0).length,
    seqMs,
    txMs,
    longestTxMs: Math.max(0, ...costs),
    criticalMs,
    bound: blockSpeedup(seqMs, txMs, makespanLowerBound(dag, costs, workers), workers),
    ideal: THREADS.map((k) => blockSpeedup(seqMs, txMs, idealMakespan(dag, costs, k), k)),
    partition: THREADS.map((k) => blockSpeedup(seqMs, txMs, partitionPlan(dag, costs, k).makespan, k)),
    measured: seqMs / median(par),
    noGraph,
    dag,
    costs,
  };
}

function table(rows: Row[]): string {
  const x = (v: number) => `${v.toFixed(2)}x`;
  const head = `| block | txs | dependent txs | sequential ms | transactions ms | longest tx ms | critical path ms | bound, ${workers} threads | ideal Block-STM: ${THREADS.join(" / ")} threads | shared-nothing partition: ${THREADS.join(" / ")} threads | measured, ${workers} threads |`;
  const sep = "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";
  const lines = rows.map((r) => {
    const name = r.noGraph === null ? r.name : `${r.name} (no graph: ${r.noGraph})`;
    return `| ${name} | ${r.txs} | ${r.noGraph === null ? r.dependent : "?"} | ${r.seqMs.toFixed(1)} | ${r.txMs.toFixed(1)} | ${r.longestTxMs.toFixed(1)} | ${r.criticalMs.toFixed(1)} | ${x(r.bound)} | ${r.ideal.map(x).join(" / ")} | ${r.partition.map(x).join(" / ")} | ${x(r.measured)} |`;
  });
  const mean = (f: (r: Row) => number) => rows.reduce((a, r) => a + f(r), 0) / Math.max(1, rows.length);
  lines.push(`| mean of ${rows.length} | | | | | | | ${x(mean((r) => r.bound))} | ${THREADS.map((_, i) => x(mean((r) => r.ideal[i]!))).join(" / ")} | ${THREADS.map((_, i) => x(mean((r) => r.partition[i]!))).join(" / ")} | ${x(mean((r) => r.measured))} |`);
  return [head, sep, ...lines].join("\n");
}

async function main(): Promise<void> {
  const root = option("--fixtures") ?? process.env.PEVM_FIXTURES ?? resolve(REPO, "..", "shared", "fixtures");
  const dir = join(root, "mainnet", "blocks");
  if (!existsSync(dir)) {
    console.error(`bench/ideal: no mainnet fixtures under ${root}: nothing to measure`);
    process.exitCode = 1;
    return;
  }
  const cache = new Map<string, unknown>();
  const names = readdirSync(dir).sort((a, b) => Number(a) - Number(b));
  const inputs = names.map((name) => [name, loadBlockInput(join(dir, name), { cache })] as const);
  await workerPoolReady(workers);
  // An untimed pass over every block first, as in bench/parallel, so that code is compiled.
  for (const [, input] of inputs) {
    executeBlock(input.block, input.preState, { blockHashes: input.blockHashes });
    await executeBlockParallel(input.block, input.preState, { blockHashes: input.blockHashes, workers });
  }
  const rows: Row[] = [];
  for (const [name, input] of inputs) {
    if (input.block.transactions.length < minTxs) continue;
    const row = await measureBlock(name, input);
    rows.push(row);
    console.error(`${name}: critical path ${row.criticalMs.toFixed(1)} of ${row.txMs.toFixed(1)} ms, bound ${row.bound.toFixed(2)}x, ideal ${row.ideal[0]!.toFixed(2)}x, partition ${row.partition[0]!.toFixed(2)}x, measured ${row.measured.toFixed(2)}x${row.noGraph === null ? "" : ` (no graph: ${row.noGraph})`}`);
  }
  closeWorkerPool();
  const text = table(rows);
  if (args.flag("--json")) console.log(JSON.stringify({ workers, threads: THREADS, rows }, null, 1));
  else console.log(text);
  if (args.flag("--write")) write(text);
}

function write(text: string): void {
  const cpu = cpus();
  replaceSection(join(REPO, "BENCHMARKS.md"), "ideal", `## Parallelism in the mainnet blocks (\`bench/ideal.ts\`)

${new Date().toISOString().slice(0, 10)} · \`node dist/bench/ideal.js --workers ${workers} --runs ${runs} --warmup ${warmups} --min-txs ${minTxs} --write\` · ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version} ·
every fixture block of ${minTxs} or more transactions (the mainnet goal's set). Each transaction's
time is the median over ${runs} runs of our sequential executor (after ${warmups} warm-up runs and an
untimed pass over all blocks); the dependency graph comes from one Block-STM run with no conflict budget
(\`txDag\`: transaction i depends on the earlier ones whose writes it read; lazy balance credits it
did not read are no dependency). The critical path is the most expensive chain of dependent
transactions. "bound" is the sequential time over max(critical path, transactions / ${workers}): no
executor on ${workers} threads beats it. "ideal Block-STM" schedules the transactions on k threads,
each free thread taking the lowest-numbered transaction whose dependencies are done, with no
aborts and no overhead. "shared-nothing partition" (\`src/records/partition.ts\`) gives each group of
transactions connected by dependencies whole to one of k threads, each thread running its
transactions in block order on a state of its own, and ends a segment of the block at a transaction
that joins groups holding more than a thread's share of the segment (a read of the fee recipient's
balance, which every fee credits), which then runs alone on the merged state: what an executor gets
whose threads exchange no values while they run (no multi-version memory), merging free. In all three, the rest of the block's time (prologue, receipts, roots: sequential
minus transactions) counts as splitting perfectly over the threads, so all are upper bounds; the
machine's own ceiling (\`bench/ceiling\`) is not applied. "measured" is our executor on ${workers}
threads, medians of the same runs (sequential and parallel alternating, as in \`bench/parallel\`).
A block that cannot run in Block-STM to the end has no graph: it is taken as having no
dependencies (a bound all the same).

${text}`);
}

try {
  await main();
} catch (e) {
  console.error(`bench/ideal: ${(e as Error).message}\n${USAGE}`);
  process.exitCode = 2;
  closeWorkerPool();
}
