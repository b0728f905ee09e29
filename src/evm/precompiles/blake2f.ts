// 0x09 blake2f: the BLAKE2b compression function F with a caller-chosen round count (EIP-152).
import { failure, success, type PrecompileResult } from "./common.js";

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

// SIGMA as half-word offsets into m, flattened: round r, step k -> SIGMA2[16 * r + k].
const SIGMA2 = new Uint8Array(160);
SIGMA.forEach((row, r) => row.forEach((x, k) => (SIGMA2[16 * r + k] = 2 * x)));

/**
 * The G mixing function on half indices a, b, c, d (each 2 * word index) with message words at
 * half offsets x and y. Written out in full so V8 keeps everything in registers.
 */
function mix(a: number, b: number, c: number, d: number, x: number, y: number): void {
  // v[a] = v[a] + v[b] + m[x]
  let lo = v[a]! + v[b]!;
  let hi = v[a + 1]! + v[b + 1]! + (lo > 0xffffffff ? 1 : 0);
  lo = (lo >>> 0) + m[x]!;
  hi = (hi + m[x + 1]! + (lo > 0xffffffff ? 1 : 0)) >>> 0;
  lo >>>= 0;
  v[a] = lo;
  v[a + 1] = hi;
  // v[d] = rotr32(v[d] ^ v[a])
  let dlo = (v[d + 1]! ^ hi) >>> 0;
  let dhi = (v[d]! ^ lo) >>> 0;
  v[d] = dlo;
  v[d + 1] = dhi;
  // v[c] = v[c] + v[d]
  let clo = v[c]! + dlo;
  let chi = (v[c + 1]! + dhi + (clo > 0xffffffff ? 1 : 0)) >>> 0;
  clo >>>= 0;
  v[c] = clo;
  v[c + 1] = chi;
  // v[b] = rotr24(v[b] ^ v[c])
  let blo = v[b]! ^ clo;
  let bhi = v[b + 1]! ^ chi;
  let t = (blo >>> 24) | (bhi << 8);
  bhi = (bhi >>> 24) | (blo << 8);
  blo = t;
  // v[a] = v[a] + v[b] + m[y]
  lo = v[a]! + (blo >>> 0);
  hi = v[a + 1]! + (bhi >>> 0) + (lo > 0xffffffff ? 1 : 0);
  lo = (lo >>> 0) + m[y]!;
  hi = (hi + m[y + 1]! + (lo > 0xffffffff ? 1 : 0)) >>> 0;
  lo >>>= 0;
  v[a] = lo;
  v[a + 1] = hi;
  // v[d] = rotr16(v[d] ^ v[a])
  dlo ^= lo;
  dhi ^= hi;
  t = (dlo >>> 16) | (dhi << 16);
  dhi = (dhi >>> 16) | (dlo << 16);
  dlo = t;
  v[d] = dlo;
  v[d + 1] = dhi;
  // v[c] = v[c] + v[d]
  clo = clo + (dlo >>> 0);
  chi = (chi + (dhi >>> 0) + (clo > 0xffffffff ? 1 : 0)) >>> 0;
  clo >>>= 0;
  v[c] = clo;
  v[c + 1] = chi;
  // v[b] = rotr63(v[b] ^ v[c]) = rotl1
  blo ^= clo;
  bhi ^= chi;
  v[b] = (blo << 1) | (bhi >>> 31);
  v[b + 1] = (bhi << 1) | (blo >>> 31);
}

/** F(h, m, t, f) with `rounds` rounds, on 32-bit halves; the message is in `m`. */
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
  let s = 0;
  for (let r = 0; r < rounds; r++) {
    mix(0, 8, 16, 24, SIGMA2[s]!, SIGMA2[s + 1]!);
    mix(2, 10, 18, 26, SIGMA2[s + 2]!, SIGMA2[s + 3]!);
    mix(4, 12, 20, 28, SIGMA2[s + 4]!, SIGMA2[s + 5]!);
    mix(6, 14, 22, 30, SIGMA2[s + 6]!, SIGMA2[s + 7]!);
    mix(0, 10, 20, 30, SIGMA2[s + 8]!, SIGMA2[s + 9]!);
    mix(2, 12, 22, 24, SIGMA2[s + 10]!, SIGMA2[s + 11]!);
    mix(4, 14, 16, 26, SIGMA2[s + 12]!, SIGMA2[s + 13]!);
    mix(6, 8, 18, 28, SIGMA2[s + 14]!, SIGMA2[s + 15]!);
    s += 16;
    if (s === 160) s = 0;
  }
  for (let i = 0; i < 16; i++) h[i] = h[i]! ^ v[i]! ^ v[i + 16]!;
}

function readWords(input: Uint8Array, offset: number, count: number): Uint32Array {
  const view = new DataView(input.buffer, input.byteOffset + offset, count * 4);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getUint32(4 * i, true);
  return out;
}

/**
 * Input (EIP-152, exactly 213 bytes): rounds (4 bytes, big-endian), h (64), m (128), t (16), f (1);
 * h, m and t are little-endian 64-bit words, f must be 0 or 1. One gas per round.
 */
export function blake2f(input: Uint8Array, gasLimit: number): PrecompileResult {
  if (input.length !== 213) return failure(gasLimit);
  const rounds = ((input[0]! << 24) | (input[1]! << 16) | (input[2]! << 8) | input[3]!) >>> 0;
  const finalFlag = input[212]!;
  if (finalFlag > 1 || rounds > gasLimit) return failure(gasLimit);
  const h = readWords(input, 4, 16);
  m.set(readWords(input, 68, 32));
  compress(rounds, h, readWords(input, 196, 4), finalFlag === 1);
  const out = new Uint8Array(64);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < 16; i++) outView.setUint32(4 * i, h[i]!, true);
  return success(rounds, out);
}
