// bench/store: what keeping execution records in the record store (src/store/) costs. Every
// mainnet fixture block is recorded first (executeBlockRecorded, untimed); then each run stores all
// of them into a new store file: RecordStore.open, saveBlock per record (one SQLite transaction
// each, the summary and the access list derived inside it, as for an imported record), close
// (which checkpoints the write-ahead log into the file). Reported: the median over --runs runs of
// the total and per-block time, the file's size after the checkpoint, the part of the time spent
// deriving summaries and access lists (measured apart, same medians), and reading every record
// back (getRecord). The target: under 5 s for the 52 blocks, under 100 MB.
//
// usage: node dist/bench/store.js [--runs N] [--warmup N] [--fixtures DIR] [--filter TEXT] [--json] [--write]
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { replaceSection } from "./benchmarksFile.js";
import { loadBlockInput } from "../src/block/load.js";
import { executeBlockRecorded } from "../src/exec/recording.js";
import { median } from "../src/primitives/median.js";
import { summarize } from "../src/records/analysis.js";
import { encodeBal } from "../src/records/bal.js";
import { blockAccessList } from "../src/records/balFromRecord.js";
import { dependencyGraph } from "../src/records/graph.js";
import type { BlockRecord } from "../src/records/record.js";
import { RecordStore } from "../src/store/store.js";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const USAGE = `usage: node dist/bench/store.js [--runs N] [--warmup N] [--fixtures DIR] [--filter TEXT] [--json] [--write]
  --runs N        timed runs, each into a new store file (default 5)     --warmup N   untimed runs first (default 1)
  --fixtures DIR  fixtures root holding mainnet/blocks, or a blocks directory (default ../shared/fixtures, or $PEVM_FIXTURES)
  --filter TEXT   only blocks whose number contains TEXT (comma-separated: any of them)
  --json          print the figures as JSON        --write   write the section "store" into BENCHMARKS.md`;
const TARGET_MS = 5000;
const TARGET_MB = 100;

class UsageError extends Error {}

interface Options {
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
    else if (a === "--runs" || a === "--warmup" || a === "--fixtures" || a === "--filter") {
      const v = args[++i];
      if (v === undefined || v.startsWith("--")) throw new UsageError(`${a} needs a value`);
      valued.set(a, v);
    } else throw new UsageError(`unknown option ${a}`);
  }
  const int = (name: string, fallback: number, min: number): number => {
    const text = valued.get(name);
    if (text === undefined) return fallback;
    const v = Number(text);
    if (!/^\d+$/.test(text) || v < min) throw new UsageError(`${name}: an integer of at least ${min}, got ${text}`);
    return v;
  };
  const filterText = valued.get("--filter");
  const filter = filterText === undefined ? null : filterText.split(",").map((s) => s.trim()).filter((s) => s !== "");
  return { runs: int("--runs", 5, 1), warmups: int("--warmup", 1, 0), fixtures: valued.get("--fixtures"), filter, json: flags.has("--json"), write: flags.has("--write"), help: flags.has("--help") };
}

function blocksDir(o: Options): string | null {
  const root = o.fixtures ?? process.env.PEVM_FIXTURES ?? resolve(REPO, "..", "shared", "fixtures");
  for (const dir of [join(root, "mainnet", "blocks"), root]) {
    if (existsSync(dir) && readdirSync(dir).some((n) => existsSync(join(dir, n, "block.json")))) return dir;
  }
  return null;
}

interface Run {
  storeMs: number;
  mb: number;
  deriveMs: number;
  readMs: number;
}

/** One run: store every record into a new file, then read them all back; and the derivations alone. */
function measure(records: BlockRecord[], scratch: string, k: number): Run {
  const path = join(scratch, `run${k}.db`);
  const start = performance.now();
  const store = RecordStore.open(path);
  for (const record of records) store.saveBlock(record);
  store.close();
  const storeMs = performance.now() - start;
  const mb = statSync(path).size / 1e6;
  const readStart = performance.now();
  const reader = RecordStore.open(path, { readonly: true });
  for (const record of records) reader.getRecord(record.block.number);
  reader.close();
  const readMs = performance.now() - readStart;
  for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
  const deriveStart = performance.now();
  for (const record of records) {
    summarize(record, dependencyGraph(record));
    encodeBal(blockAccessList(record));
  }
  return { storeMs, mb, deriveMs: performance.now() - deriveStart, readMs };
}

function commitText(): string {
  const head = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO, encoding: "utf8" });
  if (head.status !== 0) return "";
  const dirty = spawnSync("git", ["status", "--porcelain", "--", "src", "bench"], { cwd: REPO, encoding: "utf8" });
  return ` · at ${head.stdout.trim()}${dirty.status === 0 && dirty.stdout.trim() !== "" ? " (src/ or bench/ with uncommitted changes)" : ""}`;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.help) return console.log(USAGE);
  const dir = blocksDir(o);
  if (dir === null) {
    console.error(`bench/store: no mainnet fixture blocks under ${o.fixtures ?? process.env.PEVM_FIXTURES ?? "../shared/fixtures"}`);
    process.exitCode = 1;
    return;
  }
  const names = readdirSync(dir)
    .filter((n) => existsSync(join(dir, n, "block.json")))
    .filter((n) => o.filter === null || o.filter.some((f) => n.includes(f)))
    .sort((a, b) => Number(a) - Number(b));
  if (names.length === 0) throw new UsageError(`--filter ${o.filter?.join(",")}: no block matches`);
  const cache = new Map<string, unknown>();
  const records = names.map((name) => {
    const input = loadBlockInput(join(dir, name), { cache });
    return executeBlockRecorded(input.block, input.preState, { blockHashes: input.blockHashes }).record;
  });
  const txs = records.reduce((s, r) => s + r.transactions.length, 0);
  const reads = records.reduce((s, r) => s + r.transactions.reduce((t, x) => t + x.reads.length, 0), 0);
  const writes = records.reduce((s, r) => s + r.transactions.reduce((t, x) => t + x.writes.length, 0), 0);
  const edges = records.reduce((s, r) => s + dependencyGraph(r).edges.length, 0);
  console.error(`bench/store: ${records.length} blocks recorded (${txs} transactions, ${reads} reads, ${writes} writes, ${edges} edges)`);

  const scratch = mkdtempSync(join(tmpdir(), "pevm-bench-store-"));
  const runs: Run[] = [];
  try {
    for (let k = 0; k < o.warmups + o.runs; k++) {
      const run = measure(records, scratch, k);
      if (k >= o.warmups) runs.push(run);
      console.error(`${k < o.warmups ? "warm-up" : `run ${k - o.warmups + 1}`}: stored in ${run.storeMs.toFixed(0)} ms, ${run.mb.toFixed(1)} MB; read back in ${run.readMs.toFixed(0)} ms`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const storeMs = median(runs.map((r) => r.storeMs));
  const mb = median(runs.map((r) => r.mb));
  const deriveMs = median(runs.map((r) => r.deriveMs));
  const readMs = median(runs.map((r) => r.readMs));
  const figures = { blocks: records.length, transactions: txs, reads, writes, edges, runs: o.runs, storeMs, msPerBlock: storeMs / records.length, mb, deriveMs, readMs, targets: { ms: TARGET_MS, mb: TARGET_MB, met: storeMs < TARGET_MS && mb < TARGET_MB } };
  const met = (ok: boolean) => (ok ? "met" : "NOT met");
  const table = [
    "| blocks | transactions | reads / writes / edges | store all, ms | per block, ms | of which summaries and access lists, ms | file, MB (after checkpoint) | read all back, ms |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    `| ${records.length} | ${txs} | ${reads} / ${writes} / ${edges} | ${storeMs.toFixed(0)} | ${(storeMs / records.length).toFixed(1)} | ${deriveMs.toFixed(0)} | ${mb.toFixed(1)} | ${readMs.toFixed(0)} |`,
  ].join("\n");
  const verdict = `Targets: under ${TARGET_MS / 1000} s for the blocks (${met(storeMs < TARGET_MS)}), under ${TARGET_MB} MB (${met(mb < TARGET_MB)}).`;
  if (o.json) console.log(JSON.stringify(figures, null, 1));
  else console.log(`${table}\n\n${verdict}`);
  if (o.write) {
    const cpu = cpus();
    const command = `node dist/bench/store.js ${process.argv.slice(2).join(" ")}`.trim();
    replaceSection(join(REPO, "BENCHMARKS.md"), "store", `## Record store: saving execution records in SQLite (\`bench/store.ts\`)

${new Date().toISOString().slice(0, 10)} · \`${command}\` · ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version}${commitText()} ·
${records.length} mainnet fixture blocks recorded in order (\`executeBlockRecorded\`, untimed), then stored
into a new store file per run: \`RecordStore.open\`, \`saveBlock\` of each record (one SQLite
transaction per block, WAL, \`synchronous=NORMAL\`; the summary and the block's access list are
derived inside \`saveBlock\`, as for an imported record), \`close\` (which checkpoints the log into
the file). Medians of ${o.runs} runs after ${o.warmups} warm-up run${o.warmups === 1 ? "" : "s"}. "of which summaries and access
lists" is \`summarize\` + \`encodeBal(blockAccessList)\` of every record timed apart; "read all back"
is \`getRecord\` of every block from a read-only open.

${table}

${verdict}`);
  }
}

try {
  await main();
} catch (e) {
  if (e instanceof UsageError) {
    console.error(`bench/store: ${e.message}\n${USAGE}`);
    process.exitCode = 2;
  } else {
    console.error(`bench/store: ${(e as Error).stack ?? e}`);
    process.exitCode = 1;
  }
}
