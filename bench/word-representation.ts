// Measures three ways of holding 256-bit EVM words on the same stack-machine loop (the shape of
// compiled Solidity: PUSH/DUP/SWAP/ADD/AND/LT/JUMPI on mostly small values):
//   bigint  - every stack item a bigint, results masked to 256 bits
//   limbs   - a Uint32Array stack, 8 little-endian 32-bit limbs per item
//   hybrid  - a number when <= 2^53-1, else a bigint (what src/primitives/word.ts does)
// Usage: node dist/bench/word-representation.js [--iterations N] [--runs R] [--json]
import * as W from "../src/primitives/word.js";
import { BenchArgs } from "./args.js";

const args = new BenchArgs("word-representation", "usage: node dist/bench/word-representation.js [--iterations N] [--runs N] [--json]", { values: ["--iterations", "--runs"], flags: ["--json"] });
const ITER = args.int("--iterations", 3_000_000, 1);
const RUNS = args.int("--runs", 5, 1);
const OPS_PER_ITER = 16;
const M = (1n << 256n) - 1n;

function runBigint(n: number): bigint {
  const st: bigint[] = new Array<bigint>(1024).fill(0n);
  let sp = 0;
  st[sp++] = 0n;
  st[sp++] = 0n;
  const limit = BigInt(n);
  for (;;) {
    st[sp] = st[sp - 1]!; sp++;
    st[sp] = st[sp - 3]!; sp++;
    { const b = st[--sp]!, a = st[--sp]!; st[sp++] = (a + b) & M; }
    st[sp++] = 0xffffffffn;
    { const b = st[--sp]!, a = st[--sp]!; st[sp++] = a & b; }
    { const t = st[sp - 1]!; st[sp - 1] = st[sp - 3]!; st[sp - 3] = t; } sp--;
    st[sp++] = 1n;
    { const b = st[--sp]!, a = st[--sp]!; st[sp++] = (a + b) & M; }
    st[sp] = st[sp - 1]!; sp++;
    st[sp++] = limit;
    { const b = st[--sp]!, a = st[--sp]!; st[sp++] = a < b ? 1n : 0n; }
    if (st[--sp] === 0n) break;
  }
  return st[0]!;
}

const S = new Uint32Array(1024 * 8);
function dup(sp: number, n: number) { const s = (sp - n) * 8, d = sp * 8; for (let k = 0; k < 8; k++) S[d + k] = S[s + k]!; }
function swap(sp: number, n: number) { const a = (sp - 1) * 8, b = (sp - 1 - n) * 8; for (let k = 0; k < 8; k++) { const t = S[a + k]!; S[a + k] = S[b + k]!; S[b + k] = t; } }
function pushSmall(sp: number, v: number) { const d = sp * 8; S[d] = v; for (let k = 1; k < 8; k++) S[d + k] = 0; }
function addLimbs(sp: number) { const a = (sp - 2) * 8, b = (sp - 1) * 8; let c = 0; for (let k = 0; k < 8; k++) { const s = S[a + k]! + S[b + k]! + c; S[a + k] = s; c = s > 0xffffffff ? 1 : 0; } }
function andLimbs(sp: number) { const a = (sp - 2) * 8, b = (sp - 1) * 8; for (let k = 0; k < 8; k++) S[a + k]! &= S[b + k]!; }
function ltLimbs(sp: number) { const a = (sp - 2) * 8, b = (sp - 1) * 8; let r = 0; for (let k = 7; k >= 0; k--) { if (S[a + k] !== S[b + k]) { r = S[a + k]! < S[b + k]! ? 1 : 0; break; } } pushSmall(sp - 2, r); }
function isZeroLimbs(sp: number) { const d = (sp - 1) * 8; for (let k = 0; k < 8; k++) if (S[d + k] !== 0) return false; return true; }
function runLimbs(n: number): number {
  let sp = 0;
  pushSmall(sp++, 0);
  pushSmall(sp++, 0);
  for (;;) {
    dup(sp, 1); sp++; dup(sp, 3); sp++; addLimbs(sp); sp--;
    pushSmall(sp++, 0xffffffff); andLimbs(sp); sp--;
    swap(sp, 2); sp--;
    pushSmall(sp++, 1); addLimbs(sp); sp--;
    dup(sp, 1); sp++; pushSmall(sp++, n); ltLimbs(sp); sp--;
    if (isZeroLimbs(sp)) break;
    sp--;
  }
  return S[0]!;
}

function runHybrid(n: number): W.Word {
  const st: W.Word[] = new Array<W.Word>(1024).fill(0);
  let sp = 0;
  st[sp++] = 0;
  st[sp++] = 0;
  for (;;) {
    st[sp] = st[sp - 1]!; sp++;
    st[sp] = st[sp - 3]!; sp++;
    { const b = st[--sp]!, a = st[--sp]!; st[sp++] = W.add(a, b); }
    st[sp++] = 0xffffffff;
    { const b = st[--sp]!, a = st[--sp]!; st[sp++] = W.and(a, b); }
    { const t = st[sp - 1]!; st[sp - 1] = st[sp - 3]!; st[sp - 3] = t; } sp--;
    st[sp++] = 1;
    { const b = st[--sp]!, a = st[--sp]!; st[sp++] = W.add(a, b); }
    st[sp] = st[sp - 1]!; sp++;
    st[sp++] = n;
    { const b = st[--sp]!, a = st[--sp]!; st[sp++] = a < b ? 1 : 0; }
    if (st[--sp] === 0) break;
  }
  return st[0]!;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const candidates: [string, (n: number) => unknown][] = [["bigint", runBigint], ["limbs", runLimbs], ["hybrid", runHybrid]];
const rows = candidates.map(([name, f]) => {
  f(ITER / 10); // warm up
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    f(ITER);
    times.push(performance.now() - t0);
  }
  const ms = median(times);
  return { name, medianMs: Number(ms.toFixed(1)), mopsPerSec: Number(((ITER * OPS_PER_ITER) / ms / 1000).toFixed(1)) };
});
if (args.flag("--json")) console.log(JSON.stringify({ iterations: ITER, runs: RUNS, rows }, null, 2));
else {
  console.log(`word representation, ${ITER} loop iterations x ${OPS_PER_ITER} ops, median of ${RUNS} runs`);
  for (const r of rows) console.log(`${r.name.padEnd(8)} ${String(r.medianMs).padStart(8)} ms ${String(r.mopsPerSec).padStart(8)} Mops/s`);
}
