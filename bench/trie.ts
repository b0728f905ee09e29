// Root-only trie hashing (src/trie/root.ts) against @ethereumjs/mpt building the same trie with
// put() and reading root(): random 32-byte keys (the shape of secure state/storage tries), plus
// many small tries (the shape of per-test state roots). Median of R runs, milliseconds per root.
// Usage: node dist/bench/trie.js [--sizes 10000,100000] [--runs 5] [--value-bytes 32] [--json]
import { MerklePatriciaTrie } from "@ethereumjs/mpt";
import { bytesToHex } from "../src/primitives/bytes.js";
import { trieRoot } from "../src/trie/root.js";
import { median } from "../src/primitives/median.js";
import { BenchArgs } from "./args.js";

const args = new BenchArgs("trie", "usage: node dist/bench/trie.js [--sizes 10000,100000] [--runs 5] [--value-bytes 32] [--json]", { values: ["--sizes", "--runs", "--value-bytes"], flags: ["--json"] });
const SIZES = args.ints("--sizes", [10000, 100000]);
const RUNS = args.int("--runs", 5, 1);
const VALUE_BYTES = args.int("--value-bytes", 32, 1);
const SMALL_TRIES = 1000;
const SMALL_KEYS = 8;

type Pairs = Array<[Uint8Array, Uint8Array]>;

let seed = 0x9e3779b9;
function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    out[i] = seed & 255;
  }
  return out;
}

function randomPairs(count: number): Pairs {
  const pairs: Pairs = [];
  for (let i = 0; i < count; i++) pairs.push([randomBytes(32), randomBytes(VALUE_BYTES)]);
  return pairs;
}

async function mptRoot(pairs: Pairs): Promise<Uint8Array> {
  const trie = new MerklePatriciaTrie();
  for (const [key, value] of pairs) await trie.put(key, value);
  return trie.root();
}

/** Median wall time of `runs` calls of fn (after one warm-up call), divided by `roots`. */
async function measure(fn: () => unknown, roots: number): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    await fn();
    times.push((performance.now() - t0) / roots);
  }
  return median(times);
}

interface Row {
  case: string;
  keys: number;
  roots: number;
  pevmMs: number;
  mptMs: number;
  speedup: number;
}

const rows: Row[] = [];
for (const size of SIZES) {
  const pairs = randomPairs(size);
  const ours = bytesToHex(trieRoot(pairs));
  const theirs = bytesToHex(await mptRoot(pairs));
  if (ours !== theirs) throw new Error(`root mismatch at ${size} keys: ${ours} vs ${theirs}`);
  const pevmMs = await measure(() => trieRoot(pairs), 1);
  const mptMs = await measure(() => mptRoot(pairs), 1);
  rows.push({ case: `${size} random keys`, keys: size, roots: 1, pevmMs, mptMs, speedup: mptMs / pevmMs });
}
{
  const tries = Array.from({ length: SMALL_TRIES }, () => randomPairs(SMALL_KEYS));
  const pevmMs = await measure(() => tries.forEach((p) => trieRoot(p)), SMALL_TRIES);
  const mptMs = await measure(async () => {
    for (const p of tries) await mptRoot(p);
  }, SMALL_TRIES);
  rows.push({ case: `${SMALL_TRIES} tries of ${SMALL_KEYS} keys`, keys: SMALL_KEYS, roots: SMALL_TRIES, pevmMs, mptMs, speedup: mptMs / pevmMs });
}

if (args.flag("--json")) {
  console.log(JSON.stringify({ runs: RUNS, valueBytes: VALUE_BYTES, node: process.version, rows }, null, 2));
} else {
  console.log(`trie root, median of ${RUNS} runs, ${VALUE_BYTES}-byte values, ms per root`);
  console.log("case".padEnd(24) + "trieRoot".padStart(12) + "@ethereumjs/mpt".padStart(18) + "speedup".padStart(10));
  for (const r of rows) {
    const fmt = (ms: number) => (ms < 1 ? ms.toFixed(4) : ms.toFixed(1));
    console.log(r.case.padEnd(24) + fmt(r.pevmMs).padStart(12) + fmt(r.mptMs).padStart(18) + (r.speedup.toFixed(1) + "x").padStart(10));
  }
}
