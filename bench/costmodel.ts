// bench/costmodel: measures the constants of the parallel executor's cost model
// (src/exec/parallel/costModel.ts) on generated blocks, then checks the model's choices on the
// mainnet fixture blocks, which the fit never sees.
//
// Fit: per generated block (ETH transfers, ERC-20 transfers, swaps, the mix, and hot variants; 16
// to 4,096 transactions), medians of the sequential executor, Block-STM on one thread (everything it does,
// on the main thread alone) and Block-STM on --workers threads, runs alternating.
//   sequential           = perTx · n + perGas · (gas − 21,000 n)           (least squares, relative)
//   one thread − seq     = fixed1 + k1 · n + s · seq                        (s = overhead + serial)
//   --workers threads    = fixed + k · n + c · seq, c = (1 + overhead) / P + serial
// Check: per mainnet block, the model's predicted speedup against the measured one (Block-STM
// forced), and what the model's choice gives: a loss is a block it runs in parallel that measured
// under 0.95x, a miss one it runs sequentially that measured over 1.1x.
//
// usage: node dist/bench/costmodel.js [--workers N] [--runs N] [--mainnet-runs N] [--sizes 16,64,...]
//        [--skip-mainnet] [--fixtures DIR] [--samples FILE.json] [--from-samples FILE.json] [--write]
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { replaceSection } from "./benchmarksFile.js";
import { loadBlockInput } from "../src/block/load.js";
import type { Block } from "../src/block/block.js";
import type { MemoryState } from "../src/state/memory.js";
import type { Word } from "../src/primitives/word.js";
import { closeWorkerPool, executeBlockParallel, senderChainBound, workerPoolReady } from "../src/exec/parallel/executor.js";
import { COST_MODEL, chooseMode, effectiveThreads, MIN_PREDICTED_SPEEDUP, predict, type CostModel } from "../src/exec/parallel/costModel.js";
import { executeBlock } from "../src/exec/sequential.js";
import { generateBlock } from "../src/workload/blocks.js";
import { median } from "../src/primitives/median.js";
import { rulesFor } from "../src/fork/forks.js";
import { mainnetFork } from "../src/block/schedule.js";
import { BenchArgs } from "./args.js";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const USAGE = "usage: node dist/bench/costmodel.js [--workers N] [--runs N] [--mainnet-runs N] [--sizes 16,64,...] [--skip-mainnet] [--fixtures DIR] [--samples FILE.json] [--from-samples FILE.json] [--write]";
const args = new BenchArgs("costmodel", USAGE, { values: ["--workers", "--runs", "--mainnet-runs", "--sizes", "--fixtures", "--samples", "--from-samples"], flags: ["--skip-mainnet", "--write"] });
const option = (name: string): string | undefined => args.option(name);
const flag = (name: string): boolean => args.flag(name);
let workers = args.int("--workers", 2, 1);
const runs = args.int("--runs", 15, 1);
const mainnetRuns = args.int("--mainnet-runs", 11, 1);
const sizes = args.ints("--sizes", [16, 64, 256, 1024, 4096]);
// The hot variants (a tenth of the transactions on one account or pool) bring conflicts, which the model does not see: they widen its measured error.
const WORKLOADS = ["raw-transfers", "erc20", "swaps", "mixed", "raw-hot", "erc20-hot", "swaps-hot"];
let cores = availableParallelism();

interface Sample {
  name: string;
  txs: number;
  gas: number;
  seq: number;
  one: number;
  many: number;
  bound: number;
}

async function measure(name: string, block: Block, pre: MemoryState, blockHashes: Map<bigint, Word>, count: number): Promise<Sample> {
  const seq: number[] = [];
  const one: number[] = [];
  const many: number[] = [];
  const warmups = 3;
  for (let i = 0; i < warmups + count; i++) {
    const s = executeBlock(block, pre, { blockHashes });
    // A new block object each run: the worker threads receive the block each time, as a user's run does.
    const p1 = await executeBlockParallel({ ...block }, pre, { blockHashes, workers: 1, forceParallel: true, conflictBudget: Infinity });
    const pn = await executeBlockParallel({ ...block }, pre, { blockHashes, workers, forceParallel: true, conflictBudget: Infinity });
    if (p1.stats.mode !== "parallel" || pn.stats.mode !== "parallel") throw new Error(`${name}: Block-STM did not run (${p1.stats.fallback ?? pn.stats.fallback})`);
    if (pn.gasUsed !== s.gasUsed) throw new Error(`${name}: parallel gas ${pn.gasUsed} differs from sequential ${s.gasUsed}`);
    if (i >= warmups) {
      seq.push(s.executionMs);
      one.push(p1.executionMs);
      many.push(pn.executionMs);
    }
  }
  return { name, txs: block.transactions.length, gas: Number(block.header.gasUsed), seq: median(seq), one: median(one), many: median(many), bound: senderChainBound(block).speedup };
}

/** Weighted least squares: the x minimising Σ w_i (a_i · x − b_i)². */
function leastSquares(rows: number[][], targets: number[], weights: number[]): number[] {
  const k = rows[0]!.length;
  const m = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  rows.forEach((a, i) => {
    for (let r = 0; r < k; r++) {
      for (let c = 0; c < k; c++) m[r]![c]! += weights[i]! * a[r]! * a[c]!;
      m[r]![k]! += weights[i]! * a[r]! * targets[i]!;
    }
  });
  for (let col = 0; col < k; col++) {
    let pivot = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let r = 0; r < k; r++) {
      if (r === col) continue;
      const f = m[r]![col]! / m[col]![col]!;
      for (let c = col; c <= k; c++) m[r]![c]! -= f * m[col]![c]!;
    }
  }
  return m.map((row, i) => row[k]! / row[i]!);
}

function fit(samples: Sample[]): CostModel {
  // Relative errors: a block of 16 transactions counts as much as one of 4,096.
  const relative = (targets: number[]) => targets.map((t) => 1 / Math.max(t, 0.01) ** 2);
  const seqTargets = samples.map((s) => s.seq);
  const [perTxMs, perGasMs] = leastSquares(samples.map((s) => [s.txs, Math.max(0, s.gas - 21_000 * s.txs)]), seqTargets, relative(seqTargets));
  // One thread does everything itself: one − seq = fixed + (overheadPerTx + serialPerTx) · n + (overhead + serial) · seq.
  const [, perTxAll, shareAll] = leastSquares(samples.map((x) => [1, x.txs, x.seq]), samples.map((x) => x.one - x.seq), relative(samples.map((x) => x.one)));
  // Several threads: many = fixed + (overheadPerTx / P + serialPerTx) · n + ((1 + overhead) / P + serial) · seq.
  const [fixedMs, perTxMany, shareMany] = leastSquares(samples.map((x) => [1, x.txs, x.seq]), samples.map((x) => x.many), relative(samples.map((x) => x.many)));
  // The generated blocks have no bound of their own: P is the threads' (effective) parallelism.
  const p = effectiveThreads(workers, cores);
  const spread = 1 - 1 / p;
  const overheadPerTxMs = clamp((perTxAll! - perTxMany!) / spread, 0, perTxAll!);
  const overhead = clamp((shareAll! - shareMany! + 1 / p) / spread, 0, shareAll!);
  return {
    perTxMs: perTxMs!,
    perGasMs: perGasMs!,
    fixedMs: Math.max(0, fixedMs!),
    overheadPerTxMs,
    serialPerTxMs: Math.max(0, perTxAll! - overheadPerTxMs),
    overhead,
    serial: Math.max(0, shareAll! - overhead),
    efficiency: COST_MODEL.efficiency,
  };
}

/**
 * The model's error on blocks it was not fitted on: each workload's blocks predicted by the model
 * fitted on the other workloads. The largest over-prediction (predicted / measured speedup) is the margin the executor's
 * threshold must leave (MIN_PREDICTED_SPEEDUP). Blocks of 1,024 transactions or more only: below, a
 * run takes a few milliseconds, within this host's timing noise.
 */
function crossValidation(samples: Sample[]): { worstOver: number; line: string } {
  let worstOver = 0;
  let worstName = "";
  const parts: string[] = [];
  for (const workload of WORKLOADS) {
    const held = samples.filter((s) => s.name.startsWith(`${workload} `));
    const rest = samples.filter((s) => !s.name.startsWith(`${workload} `));
    if (held.length === 0 || rest.length < 6) continue;
    const model = fit(rest);
    let over = 0;
    for (const s of held.filter((x) => x.txs >= 1024)) {
      const predicted = predict({ txs: s.txs, gas: s.gas, bound: { speedup: s.bound, source: "" } }, workers, cores, model).speedup;
      const ratio = predicted / (s.seq / s.many);
      if (ratio > over) over = ratio;
      if (ratio > worstOver) [worstOver, worstName] = [ratio, s.name];
    }
    parts.push(`${workload} ${x(over)}`);
  }
  return { worstOver, line: `Leave-one-workload-out: the largest over-prediction (predicted / measured speedup, 1,024+ transactions) per held-out workload: ${parts.join(", ")}; worst ${x(worstOver)} (${worstName}). MIN_PREDICTED_SPEEDUP is ${MIN_PREDICTED_SPEEDUP}.` };
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

interface Input {
  name: string;
  block: Block;
  pre: MemoryState;
  blockHashes: Map<bigint, Word>;
  runs: number;
}

function generatedInputs(): Input[] {
  return WORKLOADS.flatMap((workload) =>
    sizes.map((txs) => {
      const g = generateBlock({ workload, txs });
      return { name: `${workload} ${txs}`, block: g.block, pre: g.preState, blockHashes: g.blockHashes, runs: txs <= 256 ? runs : Math.max(5, Math.ceil(runs / 2)) };
    }),
  );
}

function mainnetInputs(): Input[] {
  const root = option("--fixtures") ?? process.env.PEVM_FIXTURES ?? resolve(REPO, "..", "shared", "fixtures");
  const dirs = [join(root, "mainnet", "blocks"), join(root, "mainnet-prague", "blocks")].filter((d) => existsSync(d));
  if (dirs.length === 0) console.error(`bench/costmodel: no mainnet fixtures under ${root}; skipping the check`);
  const cache = new Map<string, unknown>();
  const inputs: Input[] = [];
  for (const dir of dirs) {
    for (const name of readdirSync(dir).sort((a, b) => Number(a) - Number(b))) {
      const input = loadBlockInput(join(dir, name), { cache });
      const { header } = input.block;
      if (input.block.transactions.length === 0 || !rulesFor(mainnetFork(header.number, header.timestamp)).eip158) continue;
      inputs.push({ name, block: input.block, pre: input.preState, blockHashes: input.blockHashes, runs: mainnetRuns });
    }
  }
  return inputs;
}

/** An untimed pass over every block first, so that every thread runs compiled code for all of them, as in a long replay. */
async function warmUp(inputs: Input[]): Promise<void> {
  for (const input of inputs) {
    executeBlock(input.block, input.pre, { blockHashes: input.blockHashes });
    for (const w of [1, workers]) await executeBlockParallel(input.block, input.pre, { blockHashes: input.blockHashes, workers: w, forceParallel: true, conflictBudget: Infinity });
  }
}

async function measureAll(inputs: Input[]): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (const input of inputs) {
    const sample = await measure(input.name, input.block, input.pre, input.blockHashes, input.runs);
    samples.push(sample);
    console.error(`${sample.name}: seq ${sample.seq.toFixed(2)} ms, Block-STM 1 thread ${sample.one.toFixed(2)} ms, ${workers} threads ${sample.many.toFixed(2)} ms`);
  }
  return samples;
}

const x = (v: number) => `${v.toFixed(2)}x`;

function modelLines(model: CostModel): string[] {
  return [
    `perTxMs ${model.perTxMs.toPrecision(3)}, perGasMs ${model.perGasMs.toPrecision(3)} (sequential); fixedMs ${model.fixedMs.toPrecision(3)}, overheadPerTxMs ${model.overheadPerTxMs.toPrecision(3)}, serialPerTxMs ${model.serialPerTxMs.toPrecision(3)}, overhead ${model.overhead.toFixed(3)}, serial ${model.serial.toFixed(3)}`,
  ];
}

function generatedTable(samples: Sample[], model: CostModel): string {
  const lines = ["| block | txs | gas | sequential ms (model) | Block-STM 1 thread ms | " + workers + " threads ms | speedup | model's speedup |", "|---|---:|---:|---:|---:|---:|---:|---:|"];
  for (const s of samples) {
    const choice = chooseMode({ txs: s.txs, gas: s.gas, bound: { speedup: s.bound, source: "sender chains" } }, workers, cores, model);
    lines.push(`| ${s.name} | ${s.txs} | ${s.gas} | ${s.seq.toFixed(2)} (${choice.prediction.sequentialMs.toFixed(2)}) | ${s.one.toFixed(2)} | ${s.many.toFixed(2)} | ${x(s.seq / s.many)} | ${x(choice.prediction.speedup)} |`);
  }
  return lines.join("\n");
}

function mainnetCheck(samples: Sample[], model: CostModel): string {
  const lines = ["| block | txs | gas | sequential ms | Block-STM ms | speedup | model's speedup | model's choice | |", "|---|---:|---:|---:|---:|---:|---:|---|---|"];
  let losses = 0;
  let misses = 0;
  const chosen: number[] = [];
  for (const s of samples) {
    const choice = chooseMode({ txs: s.txs, gas: s.gas, bound: { speedup: s.bound, source: "sender chains" } }, workers, cores, model);
    const measured = s.seq / s.many;
    const verdict = choice.parallel && measured < 0.95 ? "loss" : !choice.parallel && measured > 1.1 ? "miss" : "";
    if (verdict === "loss") losses++;
    if (verdict === "miss") misses++;
    if (s.txs >= 50) chosen.push(choice.parallel ? measured : 1);
    lines.push(`| ${s.name} | ${s.txs} | ${s.gas} | ${s.seq.toFixed(2)} | ${s.many.toFixed(2)} | ${x(measured)} | ${x(choice.prediction.speedup)} | ${choice.parallel ? "parallel" : "sequential"} | ${verdict} |`);
  }
  const mean = chosen.reduce((a, b) => a + b, 0) / Math.max(1, chosen.length);
  return `Over ${samples.length} mainnet blocks (Block-STM forced for the measurement): ${losses} losses (run in parallel, measured under 0.95x), ${misses} misses (run sequentially, measured over 1.1x); on the ${chosen.length} of 50+ transactions the model's choices average ${x(mean)} (a block run sequentially counts 1.00x).\n\n${lines.join("\n")}`;
}

async function main(): Promise<void> {
  const fromSamples = option("--from-samples");
  let generated: Sample[];
  let mainnet: Sample[];
  if (fromSamples !== undefined) {
    // The analysis again on an earlier run's measurements (--samples).
    ({ workers, cores, generated, mainnet } = JSON.parse(readFileSync(fromSamples, "utf8")) as { workers: number; cores: number; generated: Sample[]; mainnet: Sample[] });
  } else {
    await workerPoolReady(workers);
    const generatedBlocks = generatedInputs();
    const mainnetBlocks = flag("--skip-mainnet") ? [] : mainnetInputs();
    await warmUp([...generatedBlocks, ...mainnetBlocks]);
    generated = await measureAll(generatedBlocks);
    mainnet = await measureAll(mainnetBlocks);
    closeWorkerPool();
  }
  const model = fit(generated);
  const error = crossValidation(generated);
  console.log(`fitted: ${modelLines(model).join(" ")}`);
  console.log(error.line);
  console.log(`in use: ${modelLines(COST_MODEL).join(" ")}`);
  const samplesFile = option("--samples");
  if (samplesFile !== undefined) writeFileSync(samplesFile, JSON.stringify({ workers, cores, generated, mainnet }, null, 1));
  const fittedCheck = mainnet.length > 0 ? mainnetCheck(mainnet, model).split("\n")[0]! : "";
  const text = [
    `Fitted on this run's generated blocks: ${modelLines(model).join(" ")}.`,
    "",
    error.line,
    `In src/exec/parallel/costModel.ts: ${modelLines(COST_MODEL).join(" ")}.`,
    "",
    generatedTable(generated, COST_MODEL),
    "",
    mainnet.length > 0 ? mainnetCheck(mainnet, COST_MODEL) : "",
    "",
    fittedCheck === "" ? "" : `With the constants fitted in this run instead: ${fittedCheck}`,
  ].join("\n");
  console.log(text);
  if (flag("--write")) write(text);
}

function write(text: string): void {
  const cpu = cpus();
  replaceSection(join(REPO, "BENCHMARKS.md"), "costmodel", `## The parallel executor's cost model (\`bench/costmodel.ts\`)

${new Date().toISOString().slice(0, 10)} · \`node dist/bench/costmodel.js --workers ${workers} --runs ${runs} --mainnet-runs ${mainnetRuns} --write\`${option("--from-samples") !== undefined ? " (the analysis again on the measurements saved by --samples)" : ""} · ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version} ·
the constants of src/exec/parallel/costModel.ts fitted on generated blocks (ETH transfers, ERC-20
transfers, swaps, the mix, and the first three with a tenth of their transactions on one hot account or pool; ${sizes.join(", ")} transactions; medians of ${runs} runs, ${Math.max(5, Math.ceil(runs / 2))} above 256 transactions, after 3 warm-up runs,
an untimed pass over every block first, then sequential, Block-STM on 1 thread and on ${workers} threads alternating, each timing the executor's \`executionMs\`), then
the model's choices checked on the mainnet fixture blocks from Spurious Dragon on (medians of ${mainnetRuns} runs, Block-STM forced). The
model's speedup is for ${workers} threads on ${cores} cores; the block's own bound is its longest same-sender chain.

${text}`);
}

await main();
