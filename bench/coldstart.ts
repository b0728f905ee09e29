// What a user meets: `pevm run` of one block in a fresh process, default options and --sequential,
// against the same block through @ethereumjs/vm in a fresh process, and against our steady state
// (the same block run again and again in one warm process). Each fresh process is timed from
// spawn to exit (whole-process wall time); its own report gives the execution time (executionMs
// for pevm; runBlock's time for @ethereumjs/vm, building its state excluded).
//
// With --trace-compiles, each block also gets that many more fresh default runs under V8's
// --trace-opt --trace-deopt, and the table counts what V8 did with the interpreter loop (Evm.run)
// in them: optimized compiles finished, compiles thrown away before they finished, and
// deoptimizations of finished code. Each compile of the loop is 100-250 ms of work on this machine.
//
// With --baseline DIR (another checkout, built), that build's fresh default `pevm run` takes turns
// with this one's, for a change smaller than the host's drift between two separate runs.
//
// usage: node dist/bench/coldstart.js [--runs N] [--blocks A,B,...] [--fixtures DIR] [--trace-compiles] [--baseline DIR] [--json] [--write]
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { findSidecar, loadBlockInput } from "../src/block/load.js";
import { executeBlock } from "../src/exec/sequential.js";
import { median } from "../src/primitives/median.js";
import { replaceSection } from "./benchmarksFile.js";
import { prepareEthereumjsBlock, runEthereumjsBlock } from "./ethereumjsBaseline.js";
import { BenchArgs } from "./args.js";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const CLI = join(REPO, "dist/src/cli/main.js");
const SELF = fileURLToPath(import.meta.url);
const DEFAULT_BLOCKS = ["13217637", "14029313", "15199017", "17666333"];
const USAGE = `usage: node dist/bench/coldstart.js [--runs N] [--blocks A,B,...] [--fixtures DIR] [--trace-compiles] [--baseline DIR] [--json] [--write]
  --runs N        fresh processes per block and variant (default 3)     --blocks   fixture blocks (default ${DEFAULT_BLOCKS.join(",")}: 30M gas)
  --fixtures DIR  fixtures root holding mainnet/blocks (default ../shared/fixtures, or $PEVM_FIXTURES)
  --trace-compiles  also count V8's compiles of the interpreter loop in --runs more fresh default runs (--trace-opt --trace-deopt)
  --baseline DIR  another checkout (built): its fresh default pevm run takes turns with this build's
  --json          print the rows as JSON                                 --write    write the section "coldstart" into BENCHMARKS.md`;

interface Options {
  runs: number;
  blocks: string[];
  fixtures: string;
  json: boolean;
  write: boolean;
  traceCompiles: boolean;
  /** Another build's dist/src/cli/main.js, or null. */
  baselineCli: string | null;
}

function parse(argv: string[]): Options {
  const args = new BenchArgs("coldstart", USAGE, { values: ["--runs", "--blocks", "--fixtures", "--baseline"], flags: ["--json", "--write", "--trace-compiles"] }, argv);
  const baseline = args.option("--baseline");
  const baselineCli = baseline === undefined ? null : join(resolve(baseline), "dist/src/cli/main.js");
  if (baselineCli !== null && !existsSync(baselineCli)) args.fail(`--baseline ${baseline}: no ${baselineCli} (build it first)`);
  return {
    baselineCli,
    runs: args.int("--runs", 3, 1),
    blocks: args.list("--blocks", DEFAULT_BLOCKS),
    fixtures: args.option("--fixtures") ?? process.env.PEVM_FIXTURES ?? join(REPO, "../shared/fixtures"),
    json: args.flag("--json"),
    write: args.flag("--write"),
    traceCompiles: args.flag("--trace-compiles"),
  };
}

/** In a child process: the block through @ethereumjs/vm once; prints {ms}. */
async function ethereumjsChild(blockDir: string): Promise<void> {
  const read = (file: string): unknown => JSON.parse(readFileSync(file, "utf8"));
  const sidecar = (name: string): Record<string, string> => {
    const file = findSidecar(blockDir, name);
    return file === null ? {} : (read(file) as Record<string, string>);
  };
  const prepared = await prepareEthereumjsBlock(read(join(blockDir, "block.json")), read(join(blockDir, "pre_state.json")), sidecar("bytecodes.json"), sidecar("block_hashes.json"));
  const result = await runEthereumjsBlock(prepared);
  if (result.gasUsed !== prepared.headerGasUsed) throw new Error(`@ethereumjs/vm: gasUsed ${result.gasUsed}, header ${prepared.headerGasUsed}`);
  console.log(JSON.stringify({ ms: result.ms }));
}

interface Sample {
  wallMs: number;
  executionMs: number;
  mode: string;
}

function fresh(args: string[], parseMs: (out: Record<string, unknown>) => number, mode: (out: Record<string, unknown>) => string): Sample {
  const start = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const wallMs = performance.now() - start;
  if (r.status !== 0) throw new Error(`${args.join(" ")}: exit ${r.status}: ${r.stderr.slice(0, 400)}`);
  const out = JSON.parse(r.stdout) as Record<string, unknown>;
  return { wallMs, executionMs: parseMs(out), mode: mode(out) };
}

/** What V8 did with the interpreter loop in one fresh process. */
interface LoopCompiles {
  /** Optimized compiles that finished (on-stack replacement ones included). */
  finished: number;
  /** Compiles thrown away before they finished (a dependency changed while compiling). */
  aborted: number;
  /** Deoptimizations of finished code (a path or value kind it had no feedback for). */
  deoptimized: number;
}

/**
 * Counts, in V8's --trace-opt/--trace-deopt lines, the events of the function named `run`: the
 * interpreter loop (Evm.run; no other function of a `pevm run` process has that name).
 */
function countLoopCompiles(trace: string): LoopCompiles {
  const counts: LoopCompiles = { finished: 0, aborted: 0, deoptimized: 0 };
  for (const line of trace.split("\n")) {
    if (!line.includes("<JSFunction run (")) continue;
    if (line.startsWith("[completed compiling ")) counts.finished++;
    else if (line.startsWith("[aborted optimizing ")) counts.aborted++;
    else if (line.startsWith("[bailout (kind: deopt-eager") || line.startsWith("[bailout (kind: deopt-soft")) counts.deoptimized++;
  }
  return counts;
}

/** A fresh default `pevm run` under V8's tracing: its loop compiles (the report is the JSON after the trace lines). */
function tracedRun(cli: string, dir: string): LoopCompiles {
  const r = spawnSync(process.execPath, ["--trace-opt", "--trace-deopt", cli, "run", dir, "--json"], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`traced pevm run ${dir}: exit ${r.status}: ${r.stderr.slice(0, 400)}`);
  return countLoopCompiles(r.stdout);
}

interface Row {
  block: string;
  gasUsed: bigint;
  steadyMs: number;
  pevmDefault: { wallMs: number; executionMs: number; modes: string[] };
  /** With --baseline: the other build's fresh default runs. */
  baselineDefault?: { wallMs: number; executionMs: number };
  pevmSequential: { wallMs: number; executionMs: number };
  ethereumjs: { wallMs: number; executionMs: number };
  /** With --trace-compiles: each traced run's counts (and the baseline build's, with --baseline). */
  loopCompiles?: LoopCompiles[];
  baselineLoopCompiles?: LoopCompiles[];
}

function steadyState(dir: string): { ms: number; gasUsed: bigint } {
  const { block, preState, blockHashes } = loadBlockInput(dir);
  for (let i = 0; i < 10; i++) executeBlock(block, preState, { blockHashes });
  const times: number[] = [];
  for (let i = 0; i < 15; i++) times.push(executeBlock(block, preState, { blockHashes }).executionMs);
  return { ms: median(times), gasUsed: block.header.gasUsed };
}

function measure(o: Options, block: string): Row {
  const dir = join(o.fixtures, "mainnet/blocks", block);
  const pevmMs = (out: Record<string, unknown>): number => out.executionMs as number;
  const pevmMode = (out: Record<string, unknown>): string => `${out.mode as string}${(out.parallel as { fallback?: string } | undefined)?.fallback ? ": " + (out.parallel as { fallback: string }).fallback.split(":")[0] : ""}`;
  const byDefault: Sample[] = [];
  const baseline: Sample[] = [];
  const sequential: Sample[] = [];
  const ejs: Sample[] = [];
  for (let i = 0; i < o.runs; i++) {
    // Taking turns, so that a drift of the host's speed touches each alike.
    byDefault.push(fresh([CLI, "run", dir, "--json"], pevmMs, pevmMode));
    if (o.baselineCli !== null) baseline.push(fresh([o.baselineCli, "run", dir, "--json"], pevmMs, pevmMode));
    sequential.push(fresh([CLI, "run", dir, "--sequential", "--json"], pevmMs, pevmMode));
    ejs.push(fresh([SELF, "--child-ethereumjs", dir], (out) => out.ms as number, () => "ethereumjs"));
  }
  const loopCompiles = o.traceCompiles ? Array.from({ length: o.runs }, () => tracedRun(CLI, dir)) : undefined;
  const baselineCli = o.baselineCli;
  const baselineLoopCompiles = o.traceCompiles && baselineCli !== null ? Array.from({ length: o.runs }, () => tracedRun(baselineCli, dir)) : undefined;
  const steady = steadyState(dir);
  const med = (samples: Sample[], key: "wallMs" | "executionMs"): number => median(samples.map((s) => s[key]));
  return {
    block,
    gasUsed: steady.gasUsed,
    steadyMs: steady.ms,
    pevmDefault: { wallMs: med(byDefault, "wallMs"), executionMs: med(byDefault, "executionMs"), modes: [...new Set(byDefault.map((s) => s.mode))] },
    ...(baseline.length === 0 ? {} : { baselineDefault: { wallMs: med(baseline, "wallMs"), executionMs: med(baseline, "executionMs") } }),
    pevmSequential: { wallMs: med(sequential, "wallMs"), executionMs: med(sequential, "executionMs") },
    ethereumjs: { wallMs: med(ejs, "wallMs"), executionMs: med(ejs, "executionMs") },
    ...(loopCompiles === undefined ? {} : { loopCompiles }),
    ...(baselineLoopCompiles === undefined ? {} : { baselineLoopCompiles }),
  };
}

function table(rows: Row[]): string {
  const f = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
  const lines = [
    "| block | gas | steady state ms | fresh `pevm run`: execution ms, wall ms | fresh `pevm run --sequential`: execution ms, wall ms | fresh @ethereumjs/vm: runBlock ms, wall ms | fresh default / steady | wall: @ethereumjs/vm / pevm default | default ran |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.block} | ${r.gasUsed} | ${f(r.steadyMs)} | ${f(r.pevmDefault.executionMs)}, ${f(r.pevmDefault.wallMs)} | ${f(r.pevmSequential.executionMs)}, ${f(r.pevmSequential.wallMs)} | ${f(r.ethereumjs.executionMs)}, ${f(r.ethereumjs.wallMs)} | ${(r.pevmDefault.executionMs / r.steadyMs).toFixed(1)}x | ${(r.ethereumjs.wallMs / r.pevmDefault.wallMs).toFixed(2)}x | ${r.pevmDefault.modes.join("; ")} |`,
    );
  }
  const compared = rows.filter((r) => r.baselineDefault !== undefined);
  if (compared.length > 0) {
    lines.push("", "The baseline build's fresh default `pevm run`, taking turns with this build's (medians):", "");
    lines.push("| block | baseline: execution ms, wall ms | this build: execution ms, wall ms | execution, baseline / this build |", "| ---: | ---: | ---: | ---: |");
    for (const r of compared) {
      const b = r.baselineDefault!;
      lines.push(`| ${r.block} | ${f(b.executionMs)}, ${f(b.wallMs)} | ${f(r.pevmDefault.executionMs)}, ${f(r.pevmDefault.wallMs)} | ${(b.executionMs / r.pevmDefault.executionMs).toFixed(2)}x |`);
    }
  }
  const traced = rows.filter((r) => r.loopCompiles !== undefined);
  if (traced.length > 0) {
    lines.push("", "V8's work on the interpreter loop (`Evm.run`) in fresh default runs under `--trace-opt --trace-deopt`, one entry per run: compiles finished / thrown away unfinished / deoptimizations.", "");
    const cells = (runs: LoopCompiles[]): string => runs.map((c) => `${c.finished} / ${c.aborted} / ${c.deoptimized}`).join("; ");
    const withBaseline = traced.some((r) => r.baselineLoopCompiles !== undefined);
    lines.push(`| block | finished / aborted / deoptimized, per run |${withBaseline ? " the baseline build, per run |" : ""}`, withBaseline ? "| ---: | --- | --- |" : "| ---: | --- |");
    for (const r of traced) lines.push(`| ${r.block} | ${cells(r.loopCompiles!)} |${r.baselineLoopCompiles === undefined ? "" : ` ${cells(r.baselineLoopCompiles)} |`}`);
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === "--child-ethereumjs") return ethereumjsChild(argv[1]!);
  const o = parse(argv);
  const rows: Row[] = [];
  for (const block of o.blocks) {
    console.error(`coldstart: block ${block}...`);
    rows.push(measure(o, block));
  }
  if (o.json) console.log(JSON.stringify(rows, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2));
  else console.log(table(rows));
  if (o.write) {
    const cpu = cpus();
    const command = `node dist/bench/coldstart.js ${argv.join(" ")}`.trim();
    const head = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO, encoding: "utf8" });
    replaceSection(
      join(REPO, "BENCHMARKS.md"),
      "coldstart",
      `## A fresh process against the steady state (\`bench/coldstart.ts\`)

${new Date().toISOString().slice(0, 10)} · \`${command}\` · ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version}${head.status === 0 ? ` · at ${head.stdout.trim()}` : ""} ·
Per block, ${o.runs} fresh processes of each kind, taking turns, medians: \`pevm run DIR --json\` with default options (what
a user meets; records on), \`pevm run DIR --sequential --json\`, and the block through @ethereumjs/vm's runBlock in a fresh
process (bench/ethereumjsBaseline.ts; its state built from the fixture first, not timed in its runBlock time). Wall ms is
from spawn to exit; execution ms is what the process reports (pevm's executionMs, which includes recording; runBlock's
time). The steady state is our sequential executor on the same block in one warm process (median of 15 runs after 10).

${table(rows)}`,
    );
  }
}

await main();
