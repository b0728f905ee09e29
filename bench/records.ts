// bench/records: what execution records cost, and what feeding them back gains. For every mainnet
// fixture block, in one process:
//   1. the sequential executor with records off (executeBlock) and on (executeBlockRecorded): the
//      recording overhead, on / off - 1;
//   2. the parallel executor (--workers threads) with records off and on (record: true): the same;
//   3. the parallel executor plain, hinted by the recorded dependency graph and times (hints, hintCosts), and seeded by
//      the block's access list (seed: the writes of EIP-7928's list built from the record), with
//      the executor's default options. Where the default runs a block sequentially, the three run
//      again with Block-STM forced (forceParallel, conflictBudget: Infinity), reported apart, and
//      hinted once more with the partitioned executor (partition: true: the graph's shared-nothing
//      plan on threads that exchange nothing while they run);
//   4. speedups over the sequential executor (records off), and re-executions: executions beyond one
//      per transaction (stats.executions, plus the transactions run in order after a stop);
//   5. the ideal speedup on 2/4/8/16 and unbounded threads of the recorded graph (summarize), costed
//      with each transaction's median time in the recording runs.
// Every run takes the variants in its own order (a seeded shuffle: a rotation would keep each
// variant behind the same one, which then leaves it its garbage and caches every time), after
// workerPoolReady, an untimed pass over every block and --warmup untimed runs per block; figures are
// medians over --runs runs of the wall time of each call. Every run's gasUsed must equal the
// sequential executor's.
//
// usage: node dist/bench/records.js [--workers N] [--runs N] [--warmup N] [--fixtures DIR] [--filter TEXT] [--json] [--write]
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { replaceSection } from "./benchmarksFile.js";
import { loadBlockInput, type BlockInput } from "../src/block/load.js";
import { closeWorkerPool, executeBlockParallel, workerPoolReady, type ParallelOptions, type ParallelStats } from "../src/exec/parallel/executor.js";
import { executeBlockRecorded } from "../src/exec/recording.js";
import { executeBlock } from "../src/exec/sequential.js";
import { median } from "../src/primitives/median.js";
import { summarize } from "../src/records/analysis.js";
import { blockAccessList, transactionWritesFromBal } from "../src/records/balFromRecord.js";
import { dependencyGraph } from "../src/records/graph.js";
import type { BlockRecord } from "../src/records/record.js";
import { Prng } from "../src/workload/keys.js";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const USAGE = `usage: node dist/bench/records.js [--workers N] [--runs N] [--warmup N] [--fixtures DIR] [--filter TEXT] [--json] [--write]
  --workers N     parallel executors (default 2)          --runs N    timed runs per block and variant (default 15)
  --warmup N      untimed runs per block first (default 5)
  --fixtures DIR  fixtures root holding mainnet/blocks, or a blocks directory (default ../shared/fixtures, or $PEVM_FIXTURES)
  --filter TEXT   only blocks whose number contains TEXT (comma-separated: any of them)
  --json          print the rows as JSON instead of the tables     --write   write the section "records" into BENCHMARKS.md`;
/** The abort-heavy blocks whose hinted runs the summary names. */
const NAMED_BLOCKS = ["6196166", "10760440", "7280000"];
const FORCED: Partial<ParallelOptions> = { forceParallel: true, conflictBudget: Infinity };

class UsageError extends Error {}

interface Options {
  workers: number;
  runs: number;
  warmups: number;
  fixtures: string | undefined;
  filter: string[] | null;
  json: boolean;
  write: boolean;
  help: boolean;
}

function parseArgs(args: string[]): Options {
  const valued = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--json" || a === "--write" || a === "--help") flags.add(a);
    else if (a === "--workers" || a === "--runs" || a === "--warmup" || a === "--fixtures" || a === "--filter") {
      const v = args[++i];
      if (v === undefined || v.startsWith("--")) throw new UsageError(`${a} needs a value`);
      if (valued.has(a)) throw new UsageError(`${a} given twice`);
      valued.set(a, v);
    } else throw new UsageError(`unknown option ${a}`);
  }
  const int = (name: string, fallback: number, min: number): number => {
    const text = valued.get(name);
    if (text === undefined) return fallback;
    const v = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(v) || v < min) throw new UsageError(`${name}: an integer of at least ${min}, got ${text}`);
    return v;
  };
  const filterText = valued.get("--filter");
  const filter = filterText === undefined ? null : filterText.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (filter !== null && filter.length === 0) throw new UsageError("--filter: empty");
  return {
    workers: int("--workers", 2, 1),
    runs: int("--runs", 15, 1),
    warmups: int("--warmup", 5, 0),
    fixtures: valued.get("--fixtures"),
    filter,
    json: flags.has("--json"),
    write: flags.has("--write"),
    help: flags.has("--help"),
  };
}

/** The variants one block runs; the forced ones only where the default runs the block sequentially. */
type Key = "seq" | "seqRec" | "plain" | "plainRec" | "hinted" | "seeded" | "forcedPlain" | "forcedHinted" | "forcedSeeded" | "forcedPartitioned";

interface Sample {
  ms: number;
  gas: bigint;
  stats?: ParallelStats;
  record?: BlockRecord;
}

interface VariantResult {
  /** Median wall time of the call, ms. */
  ms: number;
  /** Parallel variants: how the runs ran ("parallel", "stopped", "sequential: why"), with counts when they differ. */
  mode: string | null;
  /** Parallel variants: median executions beyond one per transaction. */
  reexecutions: number | null;
}

interface Row {
  block: string;
  txs: number;
  gas: bigint;
  /** From summarize of the sequential record: transactions' time only, per-transaction medians of the recording runs. */
  ideal: { threads: number[]; speedups: number[]; unbounded: number };
  dependentTxs: number;
  criticalPathMs: number;
  transactionsMs: number;
  variants: Partial<Record<Key, VariantResult>>;
  /** Re-executions in the record of the last timed plain run with records on (when it ran in Block-STM). */
  recordedReexecutions: number | null;
  /** Where the default ran sequentially and forced Block-STM did too: why. */
  forcedFallback: string | null;
}

const reexecutionsOf = (record: BlockRecord): number => record.transactions.reduce((s, t) => s + t.incarnations - 1 + t.aborts, 0);

/** Executions beyond one per transaction: Block-STM's (blocked and validated-out included) plus the in-order ones after a stop or fallback. */
function extraExecutions(stats: ParallelStats, txs: number): number {
  const inOrder = stats.mode === "sequential" ? txs : stats.inOrderExecutions;
  return stats.executions + inOrder - txs;
}

function modeLabel(stats: ParallelStats): string {
  if (stats.mode === "sequential") return `sequential: ${stats.fallback}`;
  // The reason without its counts ("too many conflicts (12 aborted ...)"), so that runs group.
  return stats.stopped !== null ? `stopped: ${stats.stopped.replace(/\s*\(.*\)$/, "")}` : "parallel";
}

function modeSummary(labels: string[]): string {
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  if (counts.size === 1) return labels[0]!;
  return [...counts].sort((a, b) => b[1] - a[1]).map(([l, n]) => `${l} ${n}/${labels.length}`).join(", ");
}

/** The items in a random order drawn from `prng` (Fisher-Yates). */
function shuffled<T>(items: readonly T[], prng: Prng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = prng.below(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

async function measureBlock(name: string, input: BlockInput, o: Options): Promise<Row> {
  const { block, preState: pre, blockHashes } = input;
  const txs = block.transactions.length;
  const expectedGas = executeBlock(block, pre, { blockHashes }).gasUsed;
  const recorded = executeBlockRecorded(block, pre, { blockHashes }).record;
  if (recorded.block.gasUsed !== expectedGas) throw new Error(`${name}: recorded gas ${recorded.block.gasUsed} differs from sequential ${expectedGas}`);
  const graph = dependencyGraph(recorded);
  const hints = graph.predecessors;
  // As `pevm run --hints RECORD` gives them: the graph, and the record's times for the execution order.
  const hintCosts = recorded.transactions.map((t) => t.ms);
  const seed = transactionWritesFromBal(blockAccessList(recorded, { pre }), txs);

  const seqVariant = (recording: boolean) => async (): Promise<Sample> => {
    const t = performance.now();
    const r = recording ? executeBlockRecorded(block, pre, { blockHashes }) : executeBlock(block, pre, { blockHashes });
    const ms = performance.now() - t;
    return recording ? { ms, gas: r.gasUsed, record: (r as ReturnType<typeof executeBlockRecorded>).record } : { ms, gas: r.gasUsed };
  };
  const parVariant = (extra: Partial<ParallelOptions>) => async (): Promise<Sample> => {
    // A new block object each run: the workers receive the block and its pre-state every time, as in bench/parallel.
    const copy = { ...block };
    const t = performance.now();
    const r = await executeBlockParallel(copy, pre, { blockHashes, workers: o.workers, ...extra });
    const ms = performance.now() - t;
    return { ms, gas: r.gasUsed, stats: r.stats, ...(r.record !== undefined ? { record: r.record } : {}) };
  };
  const variants = new Map<Key, () => Promise<Sample>>([
    ["seq", seqVariant(false)],
    ["seqRec", seqVariant(true)],
    ["plain", parVariant({})],
    ["plainRec", parVariant({ record: true })],
    ["hinted", parVariant({ hints, hintCosts })],
    ["seeded", parVariant({ seed })],
  ]);
  const check = (key: Key, s: Sample): void => {
    if (s.gas !== expectedGas) throw new Error(`${name}: ${key} run's gasUsed ${s.gas} differs from sequential ${expectedGas}`);
  };
  // Where the default runs the block sequentially, Block-STM forced as well, when it then runs.
  let forcedFallback: string | null = null;
  const probe = await variants.get("plain")!();
  check("plain", probe);
  if (probe.stats!.mode === "sequential") {
    const forcedProbe = await parVariant(FORCED)();
    check("forcedPlain", forcedProbe);
    if (forcedProbe.stats!.mode === "sequential") forcedFallback = forcedProbe.stats!.fallback;
    else {
      variants.set("forcedPlain", parVariant(FORCED));
      variants.set("forcedHinted", parVariant({ ...FORCED, hints, hintCosts }));
      variants.set("forcedSeeded", parVariant({ ...FORCED, seed }));
      variants.set("forcedPartitioned", parVariant({ ...FORCED, hints, hintCosts, partition: true }));
    }
  }

  const keys = [...variants.keys()];
  const ms = new Map<Key, number[]>(keys.map((k) => [k, []]));
  const modes = new Map<Key, string[]>(keys.map((k) => [k, []]));
  const extra = new Map<Key, number[]>(keys.map((k) => [k, []]));
  const txMs: number[][] = Array.from({ length: txs }, () => []);
  let recordedReexecutions: number | null = null;
  const prng = new Prng(`bench/records/${input.block.header.number}`);
  for (let i = 0; i < o.warmups + o.runs; i++) {
    const order = shuffled(keys, prng);
    for (let j = 0; j < order.length; j++) {
      const key = order[j]!;
      const s = await variants.get(key)!();
      check(key, s);
      if (i < o.warmups) continue;
      ms.get(key)!.push(s.ms);
      if (s.stats !== undefined) {
        modes.get(key)!.push(modeLabel(s.stats));
        extra.get(key)!.push(extraExecutions(s.stats, txs));
      }
      if (key === "seqRec") s.record!.transactions.forEach((t, tx) => txMs[tx]!.push(t.ms));
      if (key === "plainRec") recordedReexecutions = s.record!.run.source === "block-stm" ? reexecutionsOf(s.record!) : null;
    }
  }

  // Ideal speedups of the recorded graph, each transaction costed at its median recording time.
  const costed: BlockRecord = { ...recorded, transactions: recorded.transactions.map((t, tx) => ({ ...t, ms: median(txMs[tx]!) })) };
  const seqMs = median(ms.get("seq")!);
  const summary = summarize(costed, graph, { sequentialMs: seqMs });
  const table = summary.idealSpeedup.byTime;
  const results: Partial<Record<Key, VariantResult>> = {};
  for (const k of keys) {
    const parallel = modes.get(k)!.length > 0;
    results[k] = { ms: median(ms.get(k)!), mode: parallel ? modeSummary(modes.get(k)!) : null, reexecutions: parallel ? median(extra.get(k)!) : null };
  }
  return {
    block: name,
    txs,
    gas: expectedGas,
    ideal: { threads: table.threads.map((t) => t.threads), speedups: table.threads.map((t) => t.speedup), unbounded: table.unbounded },
    dependentTxs: summary.dependentTxs,
    criticalPathMs: summary.criticalPath.byTime.total,
    transactionsMs: summary.criticalPath.byTime.blockTotal,
    variants: results,
    recordedReexecutions,
    forcedFallback,
  };
}

// ---- derived figures and text ----

const ms = (r: Row, k: Key): number => r.variants[k]!.ms;
const speedup = (r: Row, k: Key): number => ms(r, "seq") / ms(r, k);
const overhead = (r: Row, on: Key, off: Key): number => ms(r, on) / ms(r, off) - 1;
const x = (v: number): string => `${v.toFixed(2)}x`;
const pct = (v: number): string => `${v >= 0 ? "+" : ""}${(100 * v).toFixed(1)}%`;
const f1 = (v: number): string => (v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3));
const reex = (r: Row, k: Key): string => {
  const v = r.variants[k]!.reexecutions;
  return v === null ? "–" : Number.isInteger(v) ? String(v) : v.toFixed(1);
};
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

function modeCell(r: Row, keys: Key[]): string {
  const names = ["plain", "hinted", "seeded", "partitioned"];
  const modes = keys.map((k) => r.variants[k]!.mode!);
  if (modes.every((m) => m === modes[0])) return modes[0]!;
  return modes.map((m, i) => `${names[i]}: ${m}`).join("; ");
}

function mainTable(rows: Row[], threads: number[]): string {
  const head = `| block | txs | gas | ideal ${threads.join(" / ")} / ∞ threads | sequential ms | plain ms, speedup | hinted ms, speedup | seeded ms, speedup | re-executions plain / hinted / seeded | recording overhead seq / par | mode (default options) |`;
  const sep = "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |";
  const lines = rows.map((r) => {
    const ideal = [...r.ideal.speedups, r.ideal.unbounded].map((v) => v.toFixed(2)).join(" / ");
    const par = (k: Key) => `${f1(ms(r, k))}, ${x(speedup(r, k))}`;
    return `| ${r.block} | ${r.txs} | ${r.gas} | ${ideal} | ${f1(ms(r, "seq"))} | ${par("plain")} | ${par("hinted")} | ${par("seeded")} | ${reex(r, "plain")} / ${reex(r, "hinted")} / ${reex(r, "seeded")} | ${pct(overhead(r, "seqRec", "seq"))} / ${pct(overhead(r, "plainRec", "plain"))} | ${modeCell(r, ["plain", "hinted", "seeded"])} |`;
  });
  return [head, sep, ...lines].join("\n");
}

function forcedTable(rows: Row[]): string {
  const forced = rows.filter((r) => r.variants.forcedPlain !== undefined);
  if (forced.length === 0) return "";
  const head = "| block | txs | sequential ms | default: why sequential | forced plain ms, speedup | forced hinted ms, speedup | forced seeded ms, speedup | partitioned (hinted) ms, speedup | re-executions plain / hinted / seeded | mode (forced) |";
  const sep = "| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |";
  const lines = forced.map((r) => {
    const par = (k: Key) => `${f1(ms(r, k))}, ${x(speedup(r, k))}`;
    return `| ${r.block} | ${r.txs} | ${f1(ms(r, "seq"))} | ${r.variants.plain!.mode!.replace(/^sequential: /, "")} | ${par("forcedPlain")} | ${par("forcedHinted")} | ${par("forcedSeeded")} | ${par("forcedPartitioned")} | ${reex(r, "forcedPlain")} / ${reex(r, "forcedHinted")} / ${reex(r, "forcedSeeded")} | ${modeCell(r, ["forcedPlain", "forcedHinted", "forcedSeeded", "forcedPartitioned"])} |`;
  });
  return [head, sep, ...lines].join("\n");
}

interface Summary {
  big: { count: number; blockStm: number; plain: number; hinted: number; seeded: number };
  named: { block: string; plainMs: number; hintedMs: number; seededMs: number; hintedGain: number; seededGain: number; reexecutions: [string, string, string]; mode: string }[];
  overhead: { blocks: number; seq: number; par: number; timedBlocks: number; seqTimed: number; parTimed: number; blockStmBlocks: number; parBlockStm: number | null };
  forcedSequential: { block: string; why: string }[];
}

function summaryOf(rows: Row[]): Summary {
  const big = rows.filter((r) => r.txs >= 50);
  const withTxs = rows.filter((r) => r.txs > 0);
  const timed = withTxs.filter((r) => ms(r, "seq") >= 1);
  const blockStm = withTxs.filter((r) => r.variants.plain!.mode === "parallel");
  return {
    big: {
      count: big.length,
      blockStm: big.filter((r) => r.variants.plain!.mode === "parallel").length,
      plain: mean(big.map((r) => speedup(r, "plain"))),
      hinted: mean(big.map((r) => speedup(r, "hinted"))),
      seeded: mean(big.map((r) => speedup(r, "seeded"))),
    },
    named: NAMED_BLOCKS.flatMap((b) => {
      const r = rows.find((row) => row.block === b);
      if (r === undefined) return [];
      return [{ block: b, plainMs: ms(r, "plain"), hintedMs: ms(r, "hinted"), seededMs: ms(r, "seeded"), hintedGain: ms(r, "plain") / ms(r, "hinted"), seededGain: ms(r, "plain") / ms(r, "seeded"), reexecutions: [reex(r, "plain"), reex(r, "hinted"), reex(r, "seeded")] as [string, string, string], mode: modeCell(r, ["plain", "hinted", "seeded"]) }];
    }),
    overhead: {
      blocks: withTxs.length,
      seq: median(withTxs.map((r) => overhead(r, "seqRec", "seq"))),
      par: median(withTxs.map((r) => overhead(r, "plainRec", "plain"))),
      timedBlocks: timed.length,
      seqTimed: timed.length > 0 ? median(timed.map((r) => overhead(r, "seqRec", "seq"))) : NaN,
      parTimed: timed.length > 0 ? median(timed.map((r) => overhead(r, "plainRec", "plain"))) : NaN,
      blockStmBlocks: blockStm.length,
      parBlockStm: blockStm.length > 0 ? median(blockStm.map((r) => overhead(r, "plainRec", "plain"))) : null,
    },
    forcedSequential: rows.filter((r) => r.forcedFallback !== null).map((r) => ({ block: r.block, why: r.forcedFallback! })),
  };
}

function summaryLines(s: Summary): string {
  const lines: string[] = [];
  lines.push(`- Blocks with 50 or more transactions (${s.big.count}, ${s.big.blockStm} of them run in Block-STM by default in every plain run): mean speedup over sequential plain ${x(s.big.plain)}, hinted ${x(s.big.hinted)}, seeded ${x(s.big.seeded)}.`);
  for (const n of s.named) {
    lines.push(`- ${n.block} (${n.mode}): plain ${f1(n.plainMs)} ms, hinted ${f1(n.hintedMs)} ms, seeded ${f1(n.seededMs)} ms; hinted vs plain ${x(n.hintedGain)}, seeded vs plain ${x(n.seededGain)}; re-executions ${n.reexecutions.join(" / ")}.`);
  }
  const o = s.overhead;
  lines.push(`- Recording overhead, median over the ${o.blocks} blocks with transactions: sequential ${pct(o.seq)}, parallel ${pct(o.par)}; over the ${o.timedBlocks} taking 1 ms or more sequentially: ${pct(o.seqTimed)} and ${pct(o.parTimed)}${o.parBlockStm === null ? "" : `; parallel, over the ${o.blockStmBlocks} run in Block-STM: ${pct(o.parBlockStm)}`}.`);
  if (s.forcedSequential.length > 0) {
    const whys = new Map<string, string[]>();
    for (const f of s.forcedSequential) whys.set(f.why, [...(whys.get(f.why) ?? []), f.block]);
    lines.push(`- Sequential even when forced (no forced rows): ${[...whys].map(([why, blocks]) => `${blocks.join(", ")} (${why})`).join("; ")}.`);
  }
  return lines.join("\n");
}

function prose(rows: Row[], s: Summary, o: Options): string {
  const sentences: string[] = [];
  const hintedWins = rows.filter((r) => r.txs >= 50 && speedup(r, "hinted") > speedup(r, "plain")).length;
  const seededWins = rows.filter((r) => r.txs >= 50 && speedup(r, "seeded") > speedup(r, "plain")).length;
  sentences.push(`Over the ${s.big.count} blocks of 50 or more transactions, the parallel executor on ${o.workers} threads ran at ${x(s.big.plain)} of the sequential executor on average with default options, ${x(s.big.hinted)} hinted by the recorded graph and ${x(s.big.seeded)} seeded by the access list; hinted runs were faster than plain ones in ${hintedWins} of those blocks, seeded runs in ${seededWins}.`);
  const bs = rows.filter((r) => r.variants.plain!.mode === "parallel");
  const sum = (k: Key) => bs.reduce((a, r) => a + (r.variants[k]!.reexecutions ?? 0), 0);
  if (bs.length > 0) sentences.push(`In the ${bs.length} blocks every plain run ran in Block-STM, the median re-executions add up to ${sum("plain")} plain, ${sum("hinted")} hinted and ${sum("seeded")} seeded.`);
  if (s.named.length > 0) sentences.push(`On the abort-heavy blocks ${s.named.map((n) => `${n.block} ${x(n.hintedGain)}`).join(", ")} is the hinted run's gain over the plain one.`);
  sentences.push(`Keeping a record cost a median ${pct(s.overhead.seq)} in the sequential executor and ${pct(s.overhead.par)} in the parallel one (blocks with transactions).`);
  const forced = rows.filter((r) => r.variants.forcedPlain !== undefined);
  if (forced.length > 0) {
    sentences.push(`Forced into Block-STM, the ${forced.length} block${forced.length === 1 ? "" : "s"} the default runs sequentially (and Block-STM can run) gave ${x(mean(forced.map((r) => speedup(r, "forcedPlain"))))} plain, ${x(mean(forced.map((r) => speedup(r, "forcedHinted"))))} hinted and ${x(mean(forced.map((r) => speedup(r, "forcedSeeded"))))} seeded on average; hinted, the partitioned executor gave ${x(mean(forced.map((r) => speedup(r, "forcedPartitioned"))))}, and ${x(mean(forced.filter((r) => r.txs >= 50).map((r) => speedup(r, "forcedPartitioned"))))} over the ${forced.filter((r) => r.txs >= 50).length} of them with 50 or more transactions (Block-STM hinted: ${x(mean(forced.filter((r) => r.txs >= 50).map((r) => speedup(r, "forcedHinted"))))}).`);
  }
  return sentences.join(" ");
}

function commitText(): string {
  const head = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO, encoding: "utf8" });
  if (head.status !== 0) return "";
  const dirty = spawnSync("git", ["status", "--porcelain", "--", "src", "bench"], { cwd: REPO, encoding: "utf8" });
  return ` · at ${head.stdout.trim()}${dirty.status === 0 && dirty.stdout.trim() !== "" ? " (src/ or bench/ with uncommitted changes)" : ""}`;
}

function write(o: Options, rows: Row[], s: Summary, text: string): void {
  const cpu = cpus();
  const command = `node dist/bench/records.js ${process.argv.slice(2).join(" ")}`.trim();
  replaceSection(join(REPO, "BENCHMARKS.md"), "records", `## Execution records: cost and feedback (\`bench/records.ts\`)

${new Date().toISOString().slice(0, 10)} · \`${command}\` · ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version}${commitText()} ·
${rows.length} mainnet fixture blocks, one process, ${o.workers} parallel executors (the main thread and ${o.workers - 1} worker thread${o.workers === 2 ? "" : "s"}). Per block,
medians of ${o.runs} runs after ${o.warmups} warm-up run${o.warmups === 1 ? "" : "s"} (and an untimed pass over every block after \`workerPoolReady\`), the
variants in a shuffled order in each run (seeded by the block number); every time is the wall time of the call (a
parallel run gets the block as a new object, so the workers receive it each time; the record's
assembly is included where records are on). Sequential: \`executeBlock\`, records on:
\`executeBlockRecorded\`. Plain: \`executeBlockParallel\` with default options, records on:
\`record: true\`. Hinted: \`hints\` = the recorded dependency graph and \`hintCosts\` = the record's transaction times (critical-path order), as \`pevm run --hints\` gives them. Seeded: \`seed\` = the
transactions' writes of the block's EIP-7928 access list built from the record (hints and seed are
built before the runs, untimed). Speedups are over the sequential executor with records off;
re-executions are executions beyond one per transaction (median per run; 0 where a run fell back to the
sequential executor before any Block-STM attempt).
"ideal" is \`summarize\`'s speedup on 2/4/8/16 and unbounded threads of the recorded graph, each
transaction costed at its median time in the recording runs (transactions only: no prologue,
receipts or roots). "mode" says how the plain, hinted and seeded runs ran; blocks the default runs
sequentially are run again with \`forceParallel: true, conflictBudget: Infinity\` in the second table.

${prose(rows, s, o)}

${text}`);
}

function render(rows: Row[], s: Summary): string {
  const threads = rows[0]?.ideal.threads ?? [2, 4, 8, 16];
  const forced = forcedTable(rows);
  return [summaryLines(s), mainTable(rows, threads), forced === "" ? "" : `Blocks the default runs sequentially, with Block-STM forced (\`forceParallel: true, conflictBudget: Infinity\`):\n\n${forced}`].filter((t) => t !== "").join("\n\n");
}

function blocksDir(o: Options): string | null {
  const root = o.fixtures ?? process.env.PEVM_FIXTURES ?? resolve(REPO, "..", "shared", "fixtures");
  for (const dir of [join(root, "mainnet", "blocks"), root]) {
    if (existsSync(dir) && readdirSync(dir).some((n) => existsSync(join(dir, n, "block.json")))) return dir;
  }
  return null;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.help) return console.log(USAGE);
  const dir = blocksDir(o);
  if (dir === null) {
    console.error(`bench/records: no mainnet fixture blocks under ${o.fixtures ?? process.env.PEVM_FIXTURES ?? "../shared/fixtures"}`);
    process.exitCode = 1;
    return;
  }
  const names = readdirSync(dir)
    .filter((n) => existsSync(join(dir, n, "block.json")))
    .filter((n) => o.filter === null || o.filter.some((f) => n.includes(f)))
    .sort((a, b) => Number(a) - Number(b));
  if (names.length === 0) throw new UsageError(`--filter ${o.filter?.join(",")}: no block matches`);
  const cache = new Map<string, unknown>();
  const inputs = names.map((name) => [name, loadBlockInput(join(dir, name), { cache })] as const);
  await workerPoolReady(o.workers);
  // An untimed pass over every block first, as in bench/parallel, so that code is compiled.
  for (const [, input] of inputs) {
    const { block, preState, blockHashes } = input;
    executeBlock(block, preState, { blockHashes });
    executeBlockRecorded(block, preState, { blockHashes });
    await executeBlockParallel({ ...block }, preState, { blockHashes, workers: o.workers });
    await executeBlockParallel({ ...block }, preState, { blockHashes, workers: o.workers, record: true });
  }
  const started = performance.now();
  const rows: Row[] = [];
  for (const [name, input] of inputs) {
    const row = await measureBlock(name, input, o);
    rows.push(row);
    console.error(`${name}: seq ${f1(ms(row, "seq"))} ms, plain ${x(speedup(row, "plain"))}, hinted ${x(speedup(row, "hinted"))}, seeded ${x(speedup(row, "seeded"))}, recording ${pct(overhead(row, "seqRec", "seq"))} / ${pct(overhead(row, "plainRec", "plain"))} (${row.variants.plain!.mode})`);
  }
  closeWorkerPool();
  console.error(`bench/records: ${rows.length} blocks in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  const s = summaryOf(rows);
  const text = render(rows, s);
  if (o.json) console.log(JSON.stringify({ workers: o.workers, runs: o.runs, warmups: o.warmups, rows, summary: s }, (_, v) => (typeof v === "bigint" ? v.toString() : v), 1));
  else console.log(text);
  if (o.write) write(o, rows, s, text);
}

try {
  await main();
} catch (e) {
  closeWorkerPool();
  if (e instanceof UsageError) {
    console.error(`bench/records: ${e.message}\n${USAGE}`);
    process.exitCode = 2;
  } else {
    console.error(`bench/records: ${(e as Error).stack ?? e}`);
    process.exitCode = 1;
  }
}
