// 0x09 blake2f: the BLAKE2b compression function F with a caller-chosen round count (EIP-152).
import { charged, failure, type PrecompileResult } from "./common.js";

const IV = [
  0x6a09e667f3bcc908n, 0xbb67ae8584caa73bn, 0x3c6ef372fe94f82bn, 0xa54ff53a5f1d36f1n,
  0x510e527fade682d1n, 0x9b05688c2b3e6c1fn, 0x1f83d9abfb41bd6bn, 0x5be0cd19137e2179n,
];

const SIGMA = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
  [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
  [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
  [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
  [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
  [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
  [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
  [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
  [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
];

// 64-bit words are held as (low, high) 32-bit halves in Uint32Arrays: no bigint per operation,
// which matters for inputs asking for billions of rounds.
const IV32 = new Uint32Array(16);
IV.forEach((w, i) => {
  IV32[2 * i] = Number(w & 0xffffffffn);
  IV32[2 * i + 1] = Number(w >> 32n);
});

const v = new Uint32Array(32);
const m = new Uint32Array(32);

/** v[a] += v[b] + m[x] (64-bit), on half indices. */
function add3(a: number, b: number, x: number): void {
  let lo = v[a]! + v[b]!;
  let hi = v[a + 1]! + v[b + 1]! + (lo >= 0x100000000 ? 1 : 0);
  lo >>>= 0;
  const lo2 = lo + m[x]!;
  hi = hi + m[x + 1]! + (lo2 >= 0x100000000 ? 1 : 0);
  v[a] = lo2;
  v[a + 1] = hi;
}

function add2(a: number, b: number): void {
  const lo = v[a]! + v[b]!;
  v[a + 1] = v[a + 1]! + v[b + 1]! + (lo >= 0x100000000 ? 1 : 0);
  v[a] = lo;
}

/** v[d] = rotr64(v[d] ^ v[a], n) for n in 16, 24, 32, 63. */
function xorRotate(d: number, a: number, n: number): void {
  const lo = v[d]! ^ v[a]!;
  const hi = v[d + 1]! ^ v[a + 1]!;
  if (n === 32) {
    v[d] = hi;
    v[d + 1] = lo;
  } else if (n === 63) {
    v[d] = (lo << 1) | (hi >>> 31);
    v[d + 1] = (hi << 1) | (lo >>> 31);
  } else {
    v[d] = (lo >>> n) | (hi << (32 - n));
    v[d + 1] = (hi >>> n) | (lo << (32 - n));
  }
}

function mix(a: number, b: number, c: number, d: number, x: number, y: number): void {
  a *= 2;
  b *= 2;
  c *= 2;
  d *= 2;
  add3(a, b, 2 * x);
  xorRotate(d, a, 32);
  add2(c, d);
  xorRotate(b, c, 24);
  add3(a, b, 2 * y);
  xorRotate(d, a, 16);
  add2(c, d);
  xorRotate(b, c, 63);
}

/** F(h, m, t, f) with `rounds` rounds; h and the message are little-endian byte views. */
function compress(rounds: number, h: Uint32Array, t: Uint32Array, final: boolean): void {
  v.set(h, 0);
  v.set(IV32, 16);
  v[24] = v[24]! ^ t[0]!;
  v[25] = v[25]! ^ t[1]!;
  v[26] = v[26]! ^ t[2]!;
  v[27] = v[27]! ^ t[3]!;
  if (final) {
    v[28] = ~v[28]!;
    v[29] = ~v[29]!;
  }
  for (let r = 0; r < rounds; r++) {
    const s = SIGMA[r % 10]!;
    mix(0, 4, 8, 12, s[0]!, s[1]!);
    mix(1, 5, 9, 13, s[2]!, s[3]!);
    mix(2, 6, 10, 14, s[4]!, s[5]!);
    mix(3, 7, 11, 15, s[6]!, s[7]!);
    mix(0, 5, 10, 15, s[8]!, s[9]!);
    mix(1, 6, 11, 12, s[10]!, s[11]!);
    mix(2, 7, 8, 13, s[12]!, s[13]!);
    mix(3, 4, 9, 14, s[14]!, s[15]!);
  }
  for (let i = 0; i < 16; i++) h[i] = h[i]! ^ v[i]! ^ v[i + 16]!;
}

function readWords(input: Uint8Array, offset: number, count: number): Uint32Array {
  const view = new DataView(input.buffer, input.byteOffset + offset, count * 4);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getUint32(4 * i, true);
  return out;
}

export function blake2f(input: Uint8Array, gasLimit: number): PrecompileResult {
  if (input.length !== 213) return failure(gasLimit);
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const rounds = view.getUint32(0, false);
  const finalFlag = input[212]!;
  if (finalFlag > 1) return failure(gasLimit);
  return charged(rounds, gasLimit, () => {
    const h = readWords(input, 4, 16);
    m.set(readWords(input, 68, 32));
    compress(rounds, h, readWords(input, 196, 4), finalFlag === 1);
    const out = new Uint8Array(64);
    const outView = new DataView(out.buffer);
    for (let i = 0; i < 16; i++) outView.setUint32(4 * i, h[i]!, true);
    return out;
  });
}
