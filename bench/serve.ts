// Load test of `pevm serve` on 127.0.0.1: a store of the mainnet fixture blocks' records (or of
// synthetic ones without the fixtures), the service started as a user starts it (its own process),
// then --requests requests from --clients concurrent clients over keep-alive connections, a mix
// of the API's endpoints and the report page. Reports latency percentiles, throughput and errors
// (any status but 200, or a failed connection, is an error).
//
// usage: node dist/bench/serve.js [--requests N] [--clients N] [--fixtures DIR] [--json] [--write]
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { cpus, tmpdir, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadBlockInput } from "../src/block/load.js";
import { executeBlockRecorded } from "../src/exec/recording.js";
import { RecordStore } from "../src/store/store.js";
import { replaceSection } from "./benchmarksFile.js";
import { BenchArgs } from "./args.js";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const USAGE = `usage: node dist/bench/serve.js [--requests N] [--clients N] [--fixtures DIR] [--json] [--write]
  --requests N    requests in all (default 10000)       --clients N   concurrent clients (default 50)
  --fixtures DIR  fixtures root holding mainnet/blocks (default ../shared/fixtures, or $PEVM_FIXTURES)
  --json          print the result as JSON              --write       write the section "serve" into BENCHMARKS.md`;

interface Options {
  requests: number;
  clients: number;
  fixtures: string;
  json: boolean;
  write: boolean;
}

function parse(argv: string[]): Options {
  const args = new BenchArgs("serve", USAGE, { values: ["--requests", "--clients", "--fixtures"], flags: ["--json", "--write"] }, argv);
  return {
    requests: args.int("--requests", 10000, 1),
    clients: args.int("--clients", 50, 1),
    fixtures: args.option("--fixtures") ?? process.env.PEVM_FIXTURES ?? join(REPO, "../shared/fixtures"),
    json: args.flag("--json"),
    write: args.flag("--write"),
  };
}

/** Records every fixture block into a new store; returns the block numbers. */
function fillStore(path: string, fixtures: string): bigint[] {
  const dir = existsSync(join(fixtures, "mainnet/blocks")) ? join(fixtures, "mainnet/blocks") : fixtures;
  if (!existsSync(dir)) throw new Error(`no fixture blocks at ${dir} (--fixtures DIR)`);
  const store = RecordStore.open(path);
  const numbers: bigint[] = [];
  const cache = new Map<string, unknown>();
  for (const name of readdirSync(dir).sort((a, b) => Number(a) - Number(b))) {
    const { block, preState, blockHashes } = loadBlockInput(join(dir, name), { cache });
    store.saveBlock(executeBlockRecorded(block, preState, { blockHashes }).record);
    numbers.push(block.header.number);
  }
  store.close();
  return numbers;
}

/** The request mix: mostly small API answers, some graphs and pages of transactions, a few report pages. */
function paths(numbers: bigint[], count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = numbers[(i * 7919) % numbers.length]!;
    const kind = i % 20;
    if (kind < 4) out.push(`/api/blocks?limit=20&offset=${i % numbers.length}`);
    else if (kind < 9) out.push(`/api/blocks/${n}`);
    else if (kind < 13) out.push(`/api/blocks/${n}/summary`);
    else if (kind < 16) out.push(`/api/blocks/${n}/graph`);
    else if (kind < 18) out.push(`/api/blocks/${n}/transactions?limit=20`);
    else if (kind < 19) out.push(`/api/hotspots?limit=10`);
    else out.push(i % 100 === 19 ? `/blocks/${n}/report` : `/api/blocks/${n}/access-list`);
  }
  return out;
}

async function startServer(db: string): Promise<{ port: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [join(REPO, "dist/src/cli/main.js"), "serve", "--db", db, "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolvePort, reject) => {
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /:(\d+)\/ \(Ctrl-C/.exec(out);
      if (m) resolvePort(Number(m[1]));
    });
    child.once("exit", (code) => reject(new Error(`pevm serve exited ${code}`)));
  });
  return { port, stop: () => new Promise((done) => (child.once("exit", () => done()), child.kill("SIGTERM"))) };
}

interface Result {
  requests: number;
  clients: number;
  errors: number;
  seconds: number;
  perSecond: number;
  ms: { p50: number; p90: number; p99: number; max: number };
  bytes: number;
}

async function load(port: number, list: string[], clients: number): Promise<Result> {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const latencies: number[] = [];
  let errors = 0;
  let bytes = 0;
  let next = 0;
  const one = (path: string): Promise<void> =>
    new Promise((done) => {
      const start = performance.now();
      const req = request({ hostname: "127.0.0.1", port, path, agent }, (res) => {
        res.on("data", (c: Buffer) => (bytes += c.length));
        res.on("end", () => {
          latencies.push(performance.now() - start);
          if (res.statusCode !== 200) errors++;
          done();
        });
      });
      req.on("error", () => {
        errors++;
        done();
      });
      req.end();
    });
  const client = async (): Promise<void> => {
    while (next < list.length) await one(list[next++]!);
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: clients }, client));
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { requests: list.length, clients, errors, seconds, perSecond: list.length / seconds, ms: { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: latencies[latencies.length - 1]! }, bytes };
}

function commitText(): string {
  const head = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO, encoding: "utf8" });
  return head.status === 0 ? ` · at ${head.stdout.trim()}` : "";
}

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), "pevm-bench-serve-"));
  try {
    const db = join(dir, "records.db");
    console.error("recording and storing the fixture blocks...");
    const numbers = fillStore(db, o.fixtures);
    const server = await startServer(db);
    // A short warm-up (the server's JIT, the store's page cache), not counted.
    await load(server.port, paths(numbers, 500), o.clients);
    const result = await load(server.port, paths(numbers, o.requests), o.clients);
    await server.stop();
    const line = `${result.requests} requests from ${result.clients} clients: ${result.errors} errors, ${result.perSecond.toFixed(0)} requests/s, latency p50 ${result.ms.p50.toFixed(1)} ms, p90 ${result.ms.p90.toFixed(1)} ms, p99 ${result.ms.p99.toFixed(1)} ms, max ${result.ms.max.toFixed(1)} ms, ${(result.bytes / 2 ** 20).toFixed(1)} MiB answered`;
    if (o.json) console.log(JSON.stringify({ blocks: numbers.length, ...result }, null, 2));
    else console.log(line);
    if (o.write) {
      const cpu = cpus();
      const command = `node dist/bench/serve.js ${process.argv.slice(2).join(" ")}`.trim();
      replaceSection(
        join(REPO, "BENCHMARKS.md"),
        "serve",
        `## Record service under load (\`bench/serve.ts\`)

${new Date().toISOString().slice(0, 10)} · \`${command}\` · ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version}${commitText()} ·
\`pevm serve\` in its own process on 127.0.0.1, over a store of the ${numbers.length} mainnet fixture blocks' records; the load
generator in another process, ${result.clients} concurrent clients on keep-alive connections, after 500 untimed requests. The mix:
20% block lists, 25% block descriptions, 20% summaries, 15% dependency graphs, 10% pages of 20 transactions, 5% hot spots
across every block, 4% access lists and 1% report pages. Latency is per request, from sending it to the end of the answer.

${line}.`,
      );
    }
    if (result.errors > 0) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
