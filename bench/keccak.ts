// keccak-256 throughput: ours (src/primitives/hash.ts: the WebAssembly sponge of keccakWasm.ts, called as
// the trie and the interpreter call it) against @noble/hashes, on the input sizes the EVM hashes
// most (32 and 64 bytes: storage keys, mapping slots), a 1 KB input and a 4 KB one (receipts).
// Usage: node dist/bench/keccak.js [--json]
import { keccak_256 } from "@noble/hashes/sha3.js";
import { keccak256 } from "../src/primitives/hash.js";
import { BenchArgs } from "./args.js";

const args = new BenchArgs("keccak", "usage: node dist/bench/keccak.js [--json]", { values: [], flags: ["--json"] });

const SIZES = [32, 64, 1024, 4096];
const ROUNDS = 5;

function timePerHash(f: (d: Uint8Array) => Uint8Array, data: Uint8Array, n: number): number {
  const times: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) f(data);
    times.push(((performance.now() - t0) * 1000) / n);
  }
  return times.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
}

const rows = SIZES.map((size) => {
  const data = new Uint8Array(size).fill(7);
  const n = size > 100 ? 20_000 : 100_000;
  timePerHash(keccak256, data, n / 10);
  timePerHash(keccak_256, data, n / 10);
  const ours = timePerHash(keccak256, data, n);
  const noble = timePerHash(keccak_256, data, n);
  return { bytes: size, oursMicros: Number(ours.toFixed(3)), nobleMicros: Number(noble.toFixed(3)), speedup: Number((noble / ours).toFixed(2)) };
});
if (args.flag("--json")) console.log(JSON.stringify(rows, null, 2));
else {
  console.log("| input bytes | ours µs/hash | @noble/hashes µs/hash | speedup |\n| ---: | ---: | ---: | ---: |");
  for (const r of rows) console.log(`| ${r.bytes} | ${r.oursMicros} | ${r.nobleMicros} | ${r.speedup}x |`);
}
