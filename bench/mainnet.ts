// bench/mainnet: every mainnet fixture block executed by our sequential executor and, in the same
// run, by @ethereumjs/vm (runBlock on a SimpleStateManager filled from the same pre-state).
// Per block: median ms of --runs runs after --warmup untimed runs per engine (the JIT compilers of
// both need a few runs of new code to settle); ratio = ethereumjs / ours. Each engine runs all
// blocks in its own child process, so neither pays for the other's garbage collections. Ours is
// timed twice, runs alternating: with the thread's code-analysis cache (the default, which holds
// the block's contracts after its first run, as in a process that has executed blocks calling
// them) and with a fresh cache per run (every contract analysed again, as for contracts new to the
// process).
// Peak memory: the largest block (most gas) run once per engine in a fresh child process.
//
// usage: node dist/bench/mainnet.js [--runs N] [--warmup N] [--passes N] [--filter TEXT] [--fixtures DIR] [--write] [--json]
//   --write replaces the "Mainnet blocks" section of BENCHMARKS.md with this run's table.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { BenchArgs } from "./args.js";
import { replaceSection } from "./benchmarksFile.js";
import { loadBlockInput, readJson } from "../src/block/load.js";
import { verifyExecution } from "../src/block/verify.js";
import { executeBlock } from "../src/exec/sequential.js";
import { CodeCache } from "../src/evm/code.js";
import { prepareEthereumjsBlock, runEthereumjsBlock } from "./ethereumjsBaseline.js";
import { median } from "../src/primitives/median.js";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const USAGE = "usage: node dist/bench/mainnet.js [--runs N] [--warmup N] [--passes N] [--filter TEXT] [--fixtures DIR] [--write] [--json]";
// --memory-probe, --engine-child and --blocks are how the script runs its own child processes.
const args = new BenchArgs("mainnet", USAGE, { values: ["--runs", "--warmup", "--passes", "--filter", "--fixtures", "--memory-probe", "--engine-child", "--blocks"], flags: ["--write", "--json"] });
const option = (name: string): string | undefined => args.option(name);
const flag = (name: string): boolean => args.flag(name);

interface Row {
  block: string;
  fork: string;
  txs: number;
  gas: bigint;
  oursMs: number;
  /** Ours with a fresh code-analysis cache per run. */
  oursFreshMs: number;
  ejsMs: number;
  verified: boolean;
  ejsGasAgrees: boolean;
}

function fixturesDir(): string {
  const root = option("--fixtures") ?? process.env.PEVM_FIXTURES ?? resolve(REPO, "..", "shared", "fixtures");
  const dir = [join(root, "mainnet"), root].find((d) => existsSync(join(d, "blocks")));
  if (dir === undefined) {
    console.error(`bench/mainnet: no mainnet fixtures under ${root} (give --fixtures DIR)`);
    process.exit(1);
  }
  return dir;
}

interface EngineRow {
  block: string;
  ms: number;
  /** Ours only: with a fresh code-analysis cache per run. */
  freshMs?: number;
  gas: number;
  txs: number;
  fork: string;
  verified: boolean;
}

/** Times one engine on one block: `warmups` untimed runs, then the median of `runs`. */
async function benchBlock(engine: string, dir: string, name: string, runs: number, warmups: number, cache: Map<string, unknown>): Promise<EngineRow> {
  const blockDir = join(dir, "blocks", name);
  const times: number[] = [];
  if (engine === "ours") {
    const input = loadBlockInput(blockDir, { cache });
    const options = { blockHashes: input.blockHashes };
    const fresh: number[] = [];
    let result = executeBlock(input.block, input.preState, options);
    let verified = verifyExecution(input.block, result, null).ok;
    for (let i = 0; i < warmups + runs; i++) {
      result = executeBlock(input.block, input.preState, options);
      if (i >= warmups) times.push(result.executionMs);
      const freshResult = executeBlock(input.block, input.preState, { ...options, codeCache: new CodeCache() });
      if (i >= warmups) fresh.push(freshResult.executionMs);
      verified &&= freshResult.gasUsed === result.gasUsed;
    }
    if (times.length === 0) times.push(result.executionMs);
    verified &&= verifyExecution(input.block, result, null).ok;
    return { block: name, ms: median(times), freshMs: fresh.length === 0 ? median(times) : median(fresh), gas: Number(result.gasUsed), txs: input.block.transactions.length, fork: result.rules.name, verified };
  }
  const prepared = await prepareEthereumjsBlock(
    readJson(join(blockDir, "block.json"), cache),
    readJson(join(blockDir, "pre_state.json"), cache),
    readJson(join(dir, "bytecodes.json"), cache) as Record<string, string>,
    readJson(join(dir, "block_hashes.json"), cache) as Record<string, string>,
  );
  let ejs = await runEthereumjsBlock(prepared);
  for (let i = 0; i < warmups + runs; i++) {
    ejs = await runEthereumjsBlock(prepared);
    if (i >= warmups) times.push(ejs.ms);
  }
  if (times.length === 0) times.push(ejs.ms);
  return { block: name, ms: median(times), gas: Number(ejs.gasUsed), txs: prepared.txCount, fork: prepared.hardfork, verified: ejs.gasUsed === prepared.headerGasUsed };
}

/**
 * Child-process mode: one engine over the blocks, one JSON row per line on stdout. `passes`
 * untimed passes run every block once each, so that the JIT has seen every block's code paths
 * before any timing, the same for both engines. One pass was not enough: V8 was still
 * recompiling our interpreter loop (deoptimized at the end of the pass by a path it had no
 * feedback for) while the first blocks were timed, and those read 2-10x slower (--trace-deopt).
 */
async function engineChild(dir: string, engine: string, names: string[], runs: number, warmups: number, passes: number): Promise<void> {
  const cache = new Map<string, unknown>();
  for (let pass = 0; pass < passes; pass++) for (const name of names) await benchBlock(engine, dir, name, 0, 0, cache);
  for (const name of names) {
    const row = await benchBlock(engine, dir, name, runs, warmups, cache);
    process.stdout.write(JSON.stringify(row) + "\n");
    process.stderr.write(`${engine} ${name}: ${fmt(row.ms, 2)} ms\n`);
  }
}

/** Runs one engine over all blocks in a fresh process, so neither engine's garbage or JIT state touches the other's timings. */
function runEngine(dir: string, engine: string, names: string[], runs: number, warmups: number, passes: number): Map<string, EngineRow> {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--engine-child", engine, "--blocks", names.join(","), "--runs", String(runs), "--warmup", String(warmups), "--passes", String(passes), "--fixtures", dir], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 64 * 2 ** 20,
  });
  if (r.status !== 0) throw new Error(`bench/mainnet: the ${engine} child failed (exit ${r.status})`);
  const rows = r.stdout.trim().split("\n").map((line) => JSON.parse(line) as EngineRow);
  return new Map(rows.map((row) => [row.block, row]));
}

/** Child-process mode: load and run one block once through @ethereumjs/vm; print peak RSS in MiB. */
async function memoryProbe(dir: string, name: string): Promise<void> {
  const blockDir = join(dir, "blocks", name);
  const prepared = await prepareEthereumjsBlock(readJson(join(blockDir, "block.json")), readJson(join(blockDir, "pre_state.json")), readJson(join(dir, "bytecodes.json")) as Record<string, string>, readJson(join(dir, "block_hashes.json")) as Record<string, string>);
  await runEthereumjsBlock(prepared);
  console.log(JSON.stringify({ peakRssMiB: process.resourceUsage().maxRSS / 1024 }));
}

/** Peak RSS of a fresh process running `name` once: ours in bench/memoryProbe (which loads only our engine), @ethereumjs/vm in this script. */
function peakMemory(dir: string, name: string, engine: string): number {
  const childArgs = engine === "ours" ? [join(dirname(fileURLToPath(import.meta.url)), "memoryProbe.js"), join(dir, "blocks", name)] : [fileURLToPath(import.meta.url), "--memory-probe", name, "--fixtures", dir];
  const r = spawnSync(process.execPath, childArgs, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`memory probe (${engine}) failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!).peakRssMiB;
}

const fmt = (x: number, digits = 1) => x.toFixed(digits);
const mgas = (gas: bigint, ms: number) => (ms > 0 ? Number(gas) / 1000 / ms : 0);

function table(rows: Row[]): string {
  const lines = [
    "| block | fork | txs | gas | ours ms | ours Mgas/s | ours ms, code analysed per run | @ethereumjs/vm ms | @ethereumjs/vm Mgas/s | ratio | ratio, code analysed per run |",
    "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const r of rows) {
    const ratio = r.txs === 0 ? "–" : `${fmt(r.ejsMs / r.oursMs)}x`;
    const freshRatio = r.txs === 0 ? "–" : `${fmt(r.ejsMs / r.oursFreshMs)}x`;
    lines.push(`| ${r.block} | ${r.fork} | ${r.txs} | ${r.gas} | ${fmt(r.oursMs, 2)} | ${fmt(mgas(r.gas, r.oursMs))} | ${fmt(r.oursFreshMs, 2)} | ${fmt(r.ejsMs, 2)} | ${fmt(mgas(r.gas, r.ejsMs))} | ${ratio}${r.verified ? "" : " (ours MISMATCH)"}${r.ejsGasAgrees ? "" : " (ejs gas wrong)"} | ${freshRatio} |`);
  }
  return lines.join("\n");
}

function geomean(xs: number[]): number {
  return Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
}

async function main(): Promise<void> {
  const dir = fixturesDir();
  const probe = option("--memory-probe");
  if (probe !== undefined) return memoryProbe(dir, probe);

  const runs = args.int("--runs", 3, 1);
  const warmups = args.int("--warmup", 3);
  const passes = args.int("--passes", 3, 1);
  const child = option("--engine-child");
  if (child !== undefined) return engineChild(dir, child, args.list("--blocks", []), runs, warmups, passes);
  const filter = option("--filter");
  const names = readdirSync(join(dir, "blocks"))
    .filter((n) => filter === undefined || n.includes(filter))
    .sort((a, b) => Number(a) - Number(b));
  const ours = runEngine(dir, "ours", names, runs, warmups, passes);
  const ejs = runEngine(dir, "ethereumjs", names, runs, warmups, passes);
  const rows: Row[] = names.map((name) => {
    const o = ours.get(name)!;
    const e = ejs.get(name)!;
    return { block: name, fork: o.fork, txs: o.txs, gas: BigInt(o.gas), oursMs: o.ms, oursFreshMs: o.freshMs ?? o.ms, ejsMs: e.ms, verified: o.verified, ejsGasAgrees: e.verified };
  });
  // An empty block has nothing to compare: both engines time only their fixed overhead.
  const ratios = rows.filter((r) => r.txs > 0).map((r) => r.ejsMs / r.oursMs);
  const freshRatios = rows.filter((r) => r.txs > 0).map((r) => r.ejsMs / r.oursFreshMs);
  const totalGas = rows.reduce((a, r) => a + r.gas, 0n);
  const oursTotal = rows.reduce((a, r) => a + r.oursMs, 0);
  const oursFreshTotal = rows.reduce((a, r) => a + r.oursFreshMs, 0);
  const ejsTotal = rows.reduce((a, r) => a + r.ejsMs, 0);
  const largest = rows.reduce((a, r) => (r.gas > a.gas || (r.gas === a.gas && r.txs > a.txs) ? r : a), rows[0]!);
  const memory = { block: largest.block, ours: peakMemory(dir, largest.block, "ours"), ejs: peakMemory(dir, largest.block, "ethereumjs") };
  const summary = {
    blocks: rows.length,
    geomeanRatio: geomean(ratios),
    minRatio: Math.min(...ratios),
    maxRatio: Math.max(...ratios),
    freshAnalysis: { geomeanRatio: geomean(freshRatios), minRatio: Math.min(...freshRatios), oursMgasPerSecond: mgas(totalGas, oursFreshTotal) },
    oursMgasPerSecond: mgas(totalGas, oursTotal),
    ejsMgasPerSecond: mgas(totalGas, ejsTotal),
    allVerified: rows.every((r) => r.verified),
    memory,
  };
  if (flag("--json")) {
    console.log(JSON.stringify({ summary, rows: rows.map((r) => ({ ...r, gas: Number(r.gas) })) }, null, 2));
  } else {
    console.log(table(rows));
    console.log(JSON.stringify(summary, null, 2));
  }
  if (flag("--write")) writeSection(rows, warmups, summary, runs, passes);
}

interface Summary {
  geomeanRatio: number;
  minRatio: number;
  maxRatio: number;
  freshAnalysis: { geomeanRatio: number; minRatio: number; oursMgasPerSecond: number };
  oursMgasPerSecond: number;
  ejsMgasPerSecond: number;
  memory: { block: string; ours: number; ejs: number };
}

function writeSection(rows: Row[], warmups: number, s: Summary, runs: number, passes: number): void {
  const path = join(REPO, "BENCHMARKS.md");
  const cpu = cpus();
  replaceSection(path, "mainnet", `## Mainnet blocks vs \`@ethereumjs/vm\` (\`bench/mainnet.ts\`)

${new Date().toISOString().slice(0, 10)} · \`node dist/bench/mainnet.js --runs ${runs} --warmup ${warmups} --passes ${passes} --write\` · ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version} ·
all ${rows.length} fixture blocks (\`../shared/fixtures/mainnet\`), each executed by our sequential
executor and by \`@ethereumjs/vm\` 10.1.3 (\`runBlock\` with \`generate: true\` and validation skipped, on a
\`SimpleStateManager\` filled from the same pre-state; its \`deleteAccount\` is patched to also drop code
and storage, without which it gets the gas of 116525, 1796867, 11743952 and 12047794 wrong). Times are
execution only (no loading, parsing or sender recovery), medians of ${runs} runs after ${warmups} untimed
warm-up runs per engine and block; each engine runs all blocks in its own child process, after ${passes}
untimed passes over all blocks (so that neither engine's JIT meets a block's code paths cold, and
its compilers have settled before the first block is timed).
Ours is timed twice per run, alternating: with the thread's code-analysis cache (the default: after
a block's first run it holds the block's contracts, as in a long-running process that has executed
blocks calling them) and with a fresh cache per run ("code analysed per run": every contract the
block calls is analysed again, as for contracts new to the process).
Ratio = @ethereumjs/vm ms / ours ms; the empty block 19910734 is left out of the ratios.

**Geometric-mean ratio: ${fmt(s.geomeanRatio)}x** (min ${fmt(s.minRatio)}x, max ${fmt(s.maxRatio)}x) · throughput over all blocks: ours
${fmt(s.oursMgasPerSecond)} Mgas/s, @ethereumjs/vm ${fmt(s.ejsMgasPerSecond)} Mgas/s · goal 60x, floor 20x, 1,500 Mgas/s.
With code analysed per run: geometric mean ${fmt(s.freshAnalysis.geomeanRatio)}x (min ${fmt(s.freshAnalysis.minRatio)}x), ours ${fmt(s.freshAnalysis.oursMgasPerSecond)} Mgas/s.

Peak memory (max RSS of a fresh process that loads and runs the largest block, ${s.memory.block}, once,
reading the 45 MB bytecodes.json; ours in \`bench/memoryProbe\`, which loads only our engine): ours ${fmt(s.memory.ours, 0)} MiB, @ethereumjs/vm ${fmt(s.memory.ejs, 0)} MiB · goal 200 MiB.

${table(rows)}`);
}

await main();
