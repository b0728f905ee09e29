// bench/ab-sequential: two builds of this repository (each a checkout with its dist/ built), their
// sequential executors over the mainnet fixture blocks in one process, runs interleaved block by
// block and alternating which build goes first, so that the machine's drift falls on both alike.
// A change measured this way is a ratio within one run; two runs of bench/mainnet a day apart
// differ by more than most changes (this machine's speed moves by up to 2x).
//
// usage: node dist/bench/ab-sequential.js --a DIR --b DIR [--runs N] [--warmup N] [--filter A,B] [--fixtures DIR] [--json]
//   DIR: a repository root whose dist/ holds the build (git worktree add DIR COMMIT; npx tsc -p DIR)
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { median } from "../src/primitives/median.js";
import { ratioInterval } from "./resample.js";

interface Build {
  root: string;
  load: (path: string) => { block: { transactions: unknown[] }; preState: unknown; blockHashes: unknown };
  execute: (block: unknown, pre: unknown, options: { blockHashes: unknown }) => { executionMs: number; gasUsed: bigint };
}

interface Options {
  a: string;
  b: string;
  runs: number;
  warmups: number;
  filter: string[] | null;
  fixtures: string;
  json: boolean;
}

const USAGE = "usage: node dist/bench/ab-sequential.js --a DIR --b DIR [--runs N] [--warmup N] [--filter A,B] [--fixtures DIR] [--json]";

function parse(argv: string[]): Options {
  const values = new Map<string, string>();
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--json") json = true;
    else if (["--a", "--b", "--runs", "--warmup", "--filter", "--fixtures"].includes(a) && argv[i + 1] !== undefined) values.set(a, argv[++i]!);
    else fail(`unknown or incomplete option ${a}`);
  }
  const int = (name: string, fallback: number): number => {
    const text = values.get(name);
    if (text === undefined) return fallback;
    if (!/^\d+$/.test(text)) fail(`${name}: a non-negative integer, got ${text}`);
    return Number(text);
  };
  const a = values.get("--a");
  const b = values.get("--b");
  if (a === undefined || b === undefined) fail("--a and --b are required");
  const fixtures = values.get("--fixtures") ?? process.env.PEVM_FIXTURES ?? resolve("..", "shared", "fixtures");
  return { a: resolve(a!), b: resolve(b!), runs: Math.max(1, int("--runs", 12)), warmups: int("--warmup", 3), filter: values.get("--filter")?.split(",") ?? null, fixtures, json };
}

function fail(message: string): never {
  console.error(`bench/ab-sequential: ${message}\n${USAGE}`);
  process.exit(2);
}

async function loadBuild(root: string): Promise<Build> {
  const file = (path: string) => pathToFileURL(join(root, "dist", "src", path)).href;
  if (!existsSync(join(root, "dist", "src", "exec", "sequential.js"))) fail(`${root}: no built dist/src (run npx tsc -p ${root})`);
  const { loadBlockInput } = (await import(file("block/load.js"))) as { loadBlockInput: Build["load"] };
  const { executeBlock } = (await import(file("exec/sequential.js"))) as { executeBlock: Build["execute"] };
  return { root, load: loadBlockInput, execute: executeBlock };
}


async function main(): Promise<void> {
  const o = parse(process.argv.slice(2));
  const blocksDir = [join(o.fixtures, "mainnet", "blocks"), join(o.fixtures, "blocks")].find((d) => existsSync(d));
  if (blocksDir === undefined) fail(`no mainnet fixture blocks under ${o.fixtures} (give --fixtures DIR)`);
  const names = readdirSync(blocksDir!)
    .filter((n) => o.filter === null || o.filter.includes(n))
    .sort((x, y) => Number(x) - Number(y));
  const builds = [await loadBuild(o.a), await loadBuild(o.b)];
  const inputs = builds.map((build) => names.map((n) => build.load(join(blocksDir!, n))));
  const times = builds.map(() => names.map((): number[] => []));
  for (let r = -o.warmups; r < o.runs; r++) {
    for (let k = 0; k < names.length; k++) {
      const order = (r + k) % 2 === 0 ? [0, 1] : [1, 0];
      const gas: bigint[] = [];
      for (const side of order) {
        const input = inputs[side]![k]!;
        const result = builds[side]!.execute(input.block, input.preState, { blockHashes: input.blockHashes });
        gas[side] = result.gasUsed;
        if (r >= 0) times[side]![k]!.push(result.executionMs);
      }
      if (gas[0] !== gas[1]) fail(`block ${names[k]}: the builds disagree on gasUsed (${gas[0]} against ${gas[1]})`);
    }
  }
  const rows = names.map((block, k) => ({ block, txs: inputs[0]![k]!.block.transactions.length, aMs: median(times[0]![k]!), bMs: median(times[1]![k]!) }));
  const withTxs = rows.filter((r) => r.txs > 0);
  const totalA = rows.reduce((s, r) => s + r.aMs, 0);
  const totalB = rows.reduce((s, r) => s + r.bMs, 0);
  const geomean = Math.exp(withTxs.reduce((s, r) => s + Math.log(r.aMs / r.bMs), 0) / withTxs.length);
  const [low, high] = ratioInterval(times, o.runs);
  const summary = { a: o.a, b: o.b, blocks: rows.length, runs: o.runs, totalAMs: totalA, totalBMs: totalB, totalRatio: totalA / totalB, totalRatioInterval90: [low, high], geomeanRatio: geomean };
  if (o.json) {
    console.log(JSON.stringify({ summary, rows }, null, 2));
    return;
  }
  for (const r of rows) console.log(`${r.block.padStart(9)} ${r.aMs.toFixed(3).padStart(9)} ${r.bMs.toFixed(3).padStart(9)}  ${(r.aMs / r.bMs).toFixed(3)}`);
  console.log(`A ${o.a}: ${totalA.toFixed(1)} ms, B ${o.b}: ${totalB.toFixed(1)} ms over ${rows.length} blocks (medians of ${o.runs} runs); A/B total ${summary.totalRatio.toFixed(3)} (90% interval over resamplings of the runs: ${low.toFixed(3)}-${high.toFixed(3)}), geometric mean per block ${geomean.toFixed(3)}`);
}

await main();
