// Interpreter throughput: our EVM against @ethereumjs/evm on the same message calls, same run.
// Workloads: the compute-heavy VMTests/vmPerformance state tests (Cancun vectors) and
// loop-heavy contracts assembled here. Each workload is one top-level call with the same
// pre-state and gas in both engines; only the call itself is timed. Gas used must agree.
//
// Each engine warms up on a workload (--warmup-ms of runs, at least two) before its timed runs: a
// workload's first runs compile its code paths in V8, and timing them measured the compiler (with
// one warm-up run, performanceTester d2 took 4.2 ms where it takes 0.16 ms warm).
//
// Usage: node dist/bench/interpreter.js [--runs N] [--warmup-ms MS] [--gas-cap G] [--filter TEXT] [--json] [--fixtures DIR]
import { Common, Hardfork, Mainnet } from "@ethereumjs/common";
import { createEVM } from "@ethereumjs/evm";
import { createAccount, createAddressFromString } from "@ethereumjs/util";
import { existsSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import { join, resolve } from "node:path";
import { CodeCache } from "../src/evm/code.js";
import { Fork, rulesFor } from "../src/fork/forks.js";
import { CallKind, Evm, type Message } from "../src/evm/interpreter.js";
import { big, fromBytes, wordFromHex, type Word } from "../src/primitives/word.js";
import { MemoryState } from "../src/state/memory.js";
import { WorldState } from "../src/state/world.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { loopWorkloads } from "../src/workload/loops.js";
import { BENCH_BLOCK } from "../src/workload/runCall.js";
import { BenchArgs } from "./args.js";

interface Workload {
  name: string;
  pre: Record<string, { balance: string; code: string; nonce: string; storage: Record<string, string> }>;
  caller: string;
  to: string;
  data: string;
  value: bigint;
  gas: number;
}

const USAGE = "usage: node dist/bench/interpreter.js [--runs N] [--warmup-ms MS] [--gas-cap G] [--filter TEXT] [--fixtures DIR] [--json]";
const args = new BenchArgs("interpreter", USAGE, { values: ["--runs", "--warmup-ms", "--gas-cap", "--filter", "--fixtures"], flags: ["--json"] });
const flag = (name: string): boolean => args.flag(name);
const option = (name: string, fallback: string): string => args.option(name) ?? fallback;
const RUNS = args.int("--runs", 7, 1);
/** Each engine's warm-up per workload: runs until this many ms (and at least two runs) before timing. */
const WARMUP_MS = args.number("--warmup-ms", 200);
const MIN_WARMUP_RUNS = 2;
const MAX_WARMUP_RUNS = 1000;
// Each call gets at most this much gas, so heavy vectors stay bounded in time (a vector that runs
// out of it has done the same metered work in both engines; gas agreement is checked).
const GAS_CAP = args.number("--gas-cap", 5000000);
const FIXTURES = option("--fixtures", resolve(process.cwd(), "..", "shared", "fixtures"));
const CALLER = "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b";
const CONTRACT = "0x0000000000000000000000000000000000c0ffee";
const rules = rulesFor(Fork.Cancun);

// ---------------- workloads ----------------

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.replace(/^0x/, ""), "hex"));
}

/** The Cancun vectors of the vmPerformance state tests (compute-heavy loops). */
function stateTestWorkloads(): Workload[] {
  const dir = join(FIXTURES, "ethereum-tests/GeneralStateTests/VMTests/vmPerformance");
  if (!existsSync(dir)) {
    console.error(`fixtures absent: ${dir} not found; running the built-in loop workloads only`);
    return [];
  }
  const out: Workload[] = [];
  for (const file of ["loopExp.json", "loopMul.json", "performanceTester.json"]) {
    const tests = JSON.parse(readFileSync(join(dir, file), "utf8")) as Record<string, any>;
    for (const [name, t] of Object.entries(tests)) {
      for (const entry of t.post.Cancun ?? []) {
        const { data, gas, value } = entry.indexes;
        if (entry.expectException) continue;
        const calldata = t.transaction.data[data] as string;
        const gasLimit = Number(BigInt(t.transaction.gasLimit[gas]));
        out.push({
          name: `${name} d${data}`,
          pre: t.pre,
          caller: t.transaction.sender ?? CALLER,
          to: t.transaction.to,
          data: calldata,
          value: BigInt(t.transaction.value[value]),
          gas: Math.min(GAS_CAP, gasLimit - 21000 - 16 * hexBytes(calldata).length),
        });
      }
    }
  }
  return out;
}

function builtInWorkloads(): Workload[] {
  const fund = { balance: "0xffffffffffffffffffff", code: "0x", nonce: "0x00", storage: {} };
  const make = (name: string, code: string, gas: number): Workload => ({
    name,
    pre: { [CALLER]: fund, [CONTRACT]: { balance: "0x00", code, nonce: "0x01", storage: {} } },
    caller: CALLER,
    to: CONTRACT,
    data: "0x",
    value: 0n,
    gas,
  });
  return loopWorkloads().map((l) => make(l.name, l.code, Math.max(GAS_CAP, 30_000_000)));
}

// ---------------- engines ----------------

function ourState(w: Workload): MemoryState {
  const state = new MemoryState();
  for (const [address, a] of Object.entries(w.pre)) {
    const code = hexBytes(a.code);
    const codeHash = fromBytes(keccak_256(code), 0, 32);
    state.codes.set(codeHash, code);
    const storage = new Map<Word, Word>();
    for (const [k, v] of Object.entries(a.storage)) storage.set(wordFromHex(k), wordFromHex(v));
    state.putAccount(wordFromHex(address), BigInt(a.nonce), BigInt(a.balance), codeHash, storage);
  }
  return state;
}

const codeCache = new CodeCache();

function runOurs(w: Workload): { ms: number; gasUsed: number } {
  const world = new WorldState(ourState(w));
  const evm = new Evm(world, BENCH_BLOCK, rules, codeCache);
  evm.tx = { origin: wordFromHex(w.caller), gasPrice: 10n, blobHashes: [] };
  const to = wordFromHex(w.to);
  world.warmAddress(wordFromHex(w.caller));
  world.warmAddress(to);
  for (let p = 1; p <= rules.precompileCount; p++) world.warmAddress(p);
  const msg: Message = {
    kind: CallKind.Call,
    caller: wordFromHex(w.caller),
    to,
    codeAddress: to,
    value: w.value,
    data: hexBytes(w.data),
    gas: w.gas,
    depth: 0,
    isStatic: false,
  };
  const t0 = performance.now();
  const result = evm.call(msg);
  const ms = performance.now() - t0;
  // Out-of-gas vectors stay in: the work done until then is measured like any other.

  return { ms, gasUsed: w.gas - Number(big(result.gasLeft)) };
}

const common = new Common({ chain: Mainnet, hardfork: Hardfork.Cancun });

async function runEthereumJs(w: Workload): Promise<{ ms: number; gasUsed: number }> {
  const evm = await createEVM({ common });
  for (const [address, a] of Object.entries(w.pre)) {
    const addr = createAddressFromString(address);
    await evm.stateManager.putAccount(addr, createAccount({ nonce: BigInt(a.nonce), balance: BigInt(a.balance) }));
    const code = hexBytes(a.code);
    if (code.length > 0) await evm.stateManager.putCode(addr, code);
    for (const [k, v] of Object.entries(a.storage)) {
      const key = new Uint8Array(32);
      key.set(hexBytes(BigInt(k).toString(16).padStart(64, "0")));
      await evm.stateManager.putStorage(addr, key, hexBytes(BigInt(v).toString(16).padStart(2, "0")));
    }
  }
  const t0 = performance.now();
  const result = await evm.runCall({
    caller: createAddressFromString(w.caller),
    to: createAddressFromString(w.to),
    origin: createAddressFromString(w.caller),
    data: hexBytes(w.data),
    value: w.value,
    gasLimit: BigInt(w.gas),
    gasPrice: 10n,
    skipBalance: true,
  });
  const ms = performance.now() - t0;
  return { ms, gasUsed: Number(result.execResult.executionGasUsed) };
}

// ---------------- measurement ----------------

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface Row {
  workload: string;
  gasUsed: number;
  oursMs: number;
  ethereumjsMs: number;
  oursMgasPerSec: number;
  ethereumjsMgasPerSec: number;
  speedup: number;
  gasAgrees: boolean;
}

/** Runs `run` until it has taken WARMUP_MS in all (at least MIN_WARMUP_RUNS times, at most MAX_WARMUP_RUNS). */
async function warmUp(run: () => { ms: number } | Promise<{ ms: number }>): Promise<void> {
  let spent = 0;
  for (let n = 0; n < MAX_WARMUP_RUNS && (n < MIN_WARMUP_RUNS || spent < WARMUP_MS); n++) spent += (await run()).ms;
}

async function measure(w: Workload): Promise<Row> {
  await warmUp(() => runOurs(w));
  await warmUp(() => runEthereumJs(w));
  const ours: number[] = [];
  const theirs: number[] = [];
  let gasOurs = 0;
  let gasTheirs = 0;
  for (let r = 0; r < RUNS; r++) {
    const a = runOurs(w);
    const b = await runEthereumJs(w);
    ours.push(a.ms);
    theirs.push(b.ms);
    gasOurs = a.gasUsed;
    gasTheirs = b.gasUsed;
  }
  const oursMs = median(ours);
  const ethereumjsMs = median(theirs);
  return {
    workload: w.name,
    gasUsed: gasOurs,
    oursMs: round(oursMs),
    ethereumjsMs: round(ethereumjsMs),
    oursMgasPerSec: round(gasOurs / oursMs / 1000),
    ethereumjsMgasPerSec: round(gasTheirs / ethereumjsMs / 1000),
    speedup: round(ethereumjsMs / oursMs),
    gasAgrees: gasOurs === gasTheirs,
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function geomean(xs: number[]): number {
  return Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
}

const FILTER = option("--filter", "");
const workloads = [...stateTestWorkloads(), ...builtInWorkloads()].filter((w) => w.name.includes(FILTER));
const rows: Row[] = [];
for (const w of workloads) {
  const row = await measure(w);
  rows.push(row);
  process.stderr.write(`${w.name}: ours ${row.oursMs} ms, @ethereumjs/evm ${row.ethereumjsMs} ms, ${row.speedup}x\n`);
}
const summary = { geomeanSpeedup: round(geomean(rows.map((r) => r.speedup))), runs: RUNS, warmupMs: WARMUP_MS, cpu: cpus()[0]?.model, node: process.version };
if (flag("--json")) {
  console.log(JSON.stringify({ rows, summary }, null, 2));
} else {
  console.log(`| workload | gas | ours ms | ours Mgas/s | @ethereumjs/evm ms | @ethereumjs/evm Mgas/s | speedup | gas agrees |`);
  console.log(`| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |`);
  for (const r of rows) {
    console.log(`| ${r.workload} | ${r.gasUsed} | ${r.oursMs} | ${r.oursMgasPerSec} | ${r.ethereumjsMs} | ${r.ethereumjsMgasPerSec} | ${r.speedup}x | ${r.gasAgrees ? "yes" : "NO"} |`);
  }
  console.log(`\ngeometric-mean speedup: ${summary.geomeanSpeedup}x (median of ${RUNS} runs each after ${WARMUP_MS} ms of warm-up; ${summary.cpu}; Node ${summary.node})`);
}
