// Equivalence stress for the parallel executor, far longer than `npm test` runs: generated
// conflict-heavy blocks (same-sender chains, a hot reverting counter, exact coinbase reads,
// create + selfdestruct, deployments: test/helpers/randomBlock.ts), and optionally every mainnet
// fixture block, executed by Block-STM (forced, no conflict budget) at each thread count, every
// result compared with the sequential executor's. A run counts only when Block-STM ran the block
// to the end ("parallel", not stopped, no fault): the others are counted apart, and so are
// differences. The threads beyond this machine's cores still interleave on its cores, which varies
// the schedules; scaling is measured elsewhere (bench/scaling). With --hinted, every other round
// is hinted by the block's recorded dependency graph and times (critical-path order), and every
// fourth of those by a wrong hint: no edges, the times reversed.
//
// usage: node dist/bench/stress-parallel.js [--runs N (100000)] [--threads 1,2,4,8,16] [--seeds N (200)]
//        [--txs N (100)] [--mainnet-rounds N (0)] [--fixtures DIR] [--hinted] [--write]
import { existsSync, readdirSync } from "node:fs";
import { availableParallelism, cpus, totalmem } from "node:os";
import { join, resolve, dirname } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { fileURLToPath } from "node:url";
import { replaceSection } from "./benchmarksFile.js";
import { loadBlockInput } from "../src/block/load.js";
import type { Block } from "../src/block/block.js";
import type { Word } from "../src/primitives/word.js";
import type { MemoryState } from "../src/state/memory.js";
import { postStateDiff } from "../src/state/diff.js";
import { closeWorkerPool, executeBlockParallel, workerPoolReady } from "../src/exec/parallel/executor.js";
import { executeBlock, type BlockResult } from "../src/exec/sequential.js";
import { executeBlockRecorded } from "../src/exec/recording.js";
import { dependencyGraph } from "../src/records/graph.js";
import type { TxDag } from "../src/records/txDag.js";
import { randomBlock } from "../test/helpers/randomBlock.js";
import { BenchArgs } from "./args.js";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const USAGE = "usage: node dist/bench/stress-parallel.js [--runs N (100000)] [--threads 1,2,4,8,16] [--seeds N (200)] [--txs N (100)] [--mainnet-rounds N (0)] [--fixtures DIR] [--hinted] [--write]";
const args = new BenchArgs("stress-parallel", USAGE, { values: ["--runs", "--threads", "--seeds", "--txs", "--mainnet-rounds", "--fixtures"], flags: ["--hinted", "--write"] });
const option = (name: string): string | undefined => args.option(name);
const targetRuns = args.int("--runs", 100_000);
const seeds = args.int("--seeds", 200);
const txs = args.int("--txs", 100);
const mainnetRounds = args.int("--mainnet-rounds", 0);
const threadCounts = args.ints("--threads", [1, 2, 4, 8, 16]);
const hinted = args.flag("--hinted");

interface Tally {
  runs: number;
  different: number;
  /** Runs where Block-STM did not run the block to the end (fell back, stopped, or faulted). */
  notBlockStm: number;
  executions: number;
  reexecutions: number;
  aborts: number;
  ms: number;
  /** Runs given hints, and of those wrong ones. */
  hintedRuns: number;
  wrongHints: number;
}
const tallies = new Map<number, Tally>(threadCounts.map((t) => [t, { runs: 0, different: 0, notBlockStm: 0, executions: 0, reexecutions: 0, aborts: 0, ms: 0, hintedRuns: 0, wrongHints: 0 }]));
const firstDifferences: string[] = [];

type Observable = ReturnType<typeof observable>;

function observable(result: BlockResult, pre: MemoryState) {
  return {
    gasUsed: result.gasUsed,
    receipts: result.receipts,
    txs: result.txResults.map((r) => [r.status, r.gasUsed, r.logs, r.contractAddress, r.output]),
    diff: postStateDiff(result.world, pre),
  };
}

/** A block's hints: its recorded graph and times, and a wrong one (no edges, the times reversed). */
interface Hints {
  right: { hints: TxDag; hintCosts: number[] };
  wrong: { hints: TxDag; hintCosts: number[] };
}

function hintsOf(block: Block, pre: MemoryState, blockHashes: Map<bigint, Word>): Hints {
  const { record } = executeBlockRecorded(block, pre, { blockHashes });
  const hintCosts = record.transactions.map((t) => t.ms);
  return { right: { hints: dependencyGraph(record).predecessors, hintCosts }, wrong: { hints: hintCosts.map(() => []), hintCosts: [...hintCosts].reverse() } };
}

async function check(workers: number, c: Case): Promise<void> {
  const { name, block, pre, blockHashes, expected, rounds, hints } = c;
  const tally = tallies.get(workers)!;
  for (let round = 0; round < rounds; round++) {
    // A new block object for some rounds: the worker threads receive it again instead of reusing it.
    const input = round % 2 === 0 ? block : { ...block };
    const hint = hints === null || round % 2 === 0 ? {} : round % 8 === 7 ? hints.wrong : hints.right;
    if (hints !== null && round % 2 === 1) {
      tally.hintedRuns++;
      if (round % 8 === 7) tally.wrongHints++;
    }
    const start = performance.now();
    const result = await executeBlockParallel(input, pre, { blockHashes, workers, forceParallel: true, conflictBudget: Infinity, streamBatch: round % 3 === 2 ? 8 : 0, ...hint });
    tally.ms += performance.now() - start;
    tally.runs++;
    const { stats } = result;
    if (stats.mode !== "parallel" || stats.stopped !== null || stats.faults.length > 0) tally.notBlockStm++;
    tally.executions += stats.executions;
    tally.reexecutions += stats.reexecutions;
    tally.aborts += stats.aborts;
    if (!isDeepStrictEqual(observable(result, pre), expected)) {
      tally.different++;
      const line = `DIFFERENT: ${name}, ${workers} threads, round ${round} (${stats.mode}${stats.fallback ? ": " + stats.fallback : ""})`;
      if (firstDifferences.length < 20) firstDifferences.push(line);
      console.error(line);
    }
  }
}

function progress(workers: number): void {
  const all = [...tallies.values()];
  const runs = all.reduce((a, t) => a + t.runs, 0);
  const different = all.reduce((a, t) => a + t.different, 0);
  process.stderr.write(`${workers} threads done: ${runs} parallel runs checked, ${different} different\n`);
}

interface Case {
  name: string;
  block: Block;
  pre: MemoryState;
  blockHashes: Map<bigint, Word>;
  expected: Observable;
  rounds: number;
  hints: Hints | null;
}

function cases(): Case[] {
  const all: Case[] = [];
  const add = (name: string, block: Block, pre: MemoryState, blockHashes: Map<bigint, Word>, rounds: number) =>
    all.push({ name, block, pre, blockHashes, expected: observable(executeBlock(block, pre, { blockHashes }), pre), rounds, hints: hinted ? hintsOf(block, pre, blockHashes) : null });
  if (mainnetRounds > 0) {
    const fixtures = option("--fixtures") ?? process.env.PEVM_FIXTURES ?? resolve(REPO, "..", "shared", "fixtures");
    const blocksDir = join(fixtures, "mainnet", "blocks");
    if (!existsSync(blocksDir)) console.error(`no mainnet fixtures at ${blocksDir}; generated blocks only`);
    else {
      const cache = new Map<string, unknown>();
      for (const name of readdirSync(blocksDir).sort((a, b) => Number(a) - Number(b))) {
        const input = loadBlockInput(join(blocksDir, name), { cache });
        if (input.block.transactions.length > 0) add(`mainnet ${name}`, input.block, input.preState, input.blockHashes, mainnetRounds);
      }
    }
  }
  // Rounds per generated block and thread count, so that the runs add up to --runs.
  const rounds = Math.max(1, Math.ceil(targetRuns / Math.max(1, seeds * threadCounts.length)));
  for (let seed = 1; seed <= seeds; seed++) {
    const { block, preState, blockHashes } = randomBlock(seed, txs);
    add(`generated seed ${seed}`, block, preState, blockHashes, rounds);
  }
  return all;
}

async function main(): Promise<void> {
  const start = performance.now();
  const all = cases();
  // Thread counts in the outer loop: the pool is sized for one count at a time (resizing it starts new threads).
  for (const workers of threadCounts) {
    await workerPoolReady(workers);
    for (const c of all) await check(workers, c);
    progress(workers);
  }
  closeWorkerPool();
  console.error("");
  const seconds = (performance.now() - start) / 1000;
  const rounds = all.at(-1)?.rounds ?? 0;
  const text = report(all.length, rounds, seconds);
  console.log(text);
  if (args.flag("--write")) write(text);
  const different = [...tallies.values()].reduce((a, t) => a + t.different, 0);
  process.exitCode = different === 0 ? 0 : 1;
}

function report(blocks: number, rounds: number, seconds: number): string {
  const all = [...tallies.values()];
  const runs = all.reduce((a, t) => a + t.runs, 0);
  const different = all.reduce((a, t) => a + t.different, 0);
  const blockStm = all.reduce((a, t) => a + t.runs - t.notBlockStm, 0);
  const lines = [
    `${runs.toLocaleString("en-US")} parallel runs of ${blocks} blocks (${seeds} generated of ${txs} transactions, ${rounds} rounds per thread count${mainnetRounds > 0 ? `; mainnet fixture blocks ${mainnetRounds} rounds` : ""}) in ${seconds.toFixed(0)} s: **${different} different from sequential**; ${blockStm.toLocaleString("en-US")} of them ran in Block-STM to the end.${hinted ? ` ${all.reduce((a, t) => a + t.hintedRuns, 0).toLocaleString("en-US")} runs were hinted, ${all.reduce((a, t) => a + t.wrongHints, 0).toLocaleString("en-US")} of them wrongly.` : ""}`,
    "",
    "| threads | runs | different | not Block-STM to the end | transaction executions | re-executions | aborts | mean ms per run |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...threadCounts.map((t) => {
      const x = tallies.get(t)!;
      return `| ${t} | ${x.runs} | ${x.different} | ${x.notBlockStm} | ${x.executions} | ${x.reexecutions} | ${x.aborts} | ${(x.ms / Math.max(1, x.runs)).toFixed(2)} |`;
    }),
  ];
  if (firstDifferences.length > 0) lines.push("", ...firstDifferences);
  return lines.join("\n");
}

function write(text: string): void {
  const cpu = cpus();
  replaceSection(join(REPO, "BENCHMARKS.md"), "stress-parallel", `## Equivalence under stress (\`bench/stress-parallel.ts\`)

${new Date().toISOString().slice(0, 10)} · \`node dist/bench/stress-parallel.js ${args.argv.filter((a) => a !== "--write").join(" ")} --write\` · ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"} (${availableParallelism()} available), ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version} ·
Block-STM forced with no conflict budget on generated conflict-heavy blocks (same-sender chains, a
hot reverting counter, exact coinbase reads, create + selfdestruct, deployments), each result's gas,
receipts, transaction outcomes and post-state diff compared with the sequential executor's. Every
other run gives the block as a new object (the worker threads receive it again), every third
streams results in batches of 8. Thread counts above the machine's cores interleave on them.

${text}`);
}

await main();
