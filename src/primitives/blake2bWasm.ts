// The BLAKE2b compression function F (RFC 7693 section 3.2) with any number of rounds, as the
// blake2f precompile (EIP-152) needs it, in a small WebAssembly module assembled at load time:
// the 16 working words and 16 message words are 64-bit locals, and ten rounds (one cycle of the
// message schedule) are written out in a loop, so a round is about a hundred 64-bit instructions.
// The caller writes h, m and t (little-endian 64-bit words) into the module's memory, calls
// `start`, then `rounds` as often as it likes with counts that are multiples of ten but for the
// last, then `finish`, and reads h back. V8 runs a WebAssembly function's first calls in its
// baseline tier (about 170 ns a round here against 9) and replaces it only for later calls, so
// one call of four billion rounds would never leave it: the caller runs long counts in slices.

import { assembleModule, FunctionBuilder, I32, I64, instantiate, memarg, Op, sleb, VOID_BLOCK } from "./wasmAssembler.js";

/** Byte offsets in the module's memory: the state h (8 words), the message m (16), the offset t (2), the IV, the working words v (16). */
export const H_OFFSET = 0;
export const M_OFFSET = 64;
export const T_OFFSET = 192;
const IV_OFFSET = 256;
const V_OFFSET = 320;

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

// rounds(count: i32): locals v0..v15, m0..m15 (i64) after the parameter.
const ROUNDS = 0;
const V = 1;
const M = V + 16;

/** Half of G: a = a + b + m[x]; d = rotr(d ^ a, dBy); c = c + d; b = rotr(b ^ c, bBy). */
function halfMix(f: FunctionBuilder, a: number, b: number, c: number, d: number, x: number, dBy: number, bBy: number): void {
  f.get(V + a).get(V + b).emit(Op.I64Add).get(M + x).emit(Op.I64Add).set(V + a);
  f.get(V + d).get(V + a).emit(Op.I64Xor).i64(dBy).emit(Op.I64Rotr).set(V + d);
  f.get(V + c).get(V + d).emit(Op.I64Add).set(V + c);
  f.get(V + b).get(V + c).emit(Op.I64Xor).i64(bBy).emit(Op.I64Rotr).set(V + b);
}

/** The mixing function G on working words a, b, c, d with message words x, y. */
function mix(f: FunctionBuilder, a: number, b: number, c: number, d: number, x: number, y: number): void {
  halfMix(f, a, b, c, d, x, 32, 24);
  halfMix(f, a, b, c, d, y, 16, 63);
}

function round(f: FunctionBuilder, s: readonly number[]): void {
  mix(f, 0, 4, 8, 12, s[0]!, s[1]!);
  mix(f, 1, 5, 9, 13, s[2]!, s[3]!);
  mix(f, 2, 6, 10, 14, s[4]!, s[5]!);
  mix(f, 3, 7, 11, 15, s[6]!, s[7]!);
  mix(f, 0, 5, 10, 15, s[8]!, s[9]!);
  mix(f, 1, 6, 11, 12, s[10]!, s[11]!);
  mix(f, 2, 7, 8, 13, s[12]!, s[13]!);
  mix(f, 3, 4, 9, 14, s[14]!, s[15]!);
}

const load = (f: FunctionBuilder, offset: number): void => void f.i32(0).emit(Op.I64Load, ...memarg(3, offset));
const store = (f: FunctionBuilder, offset: number, local: number): void => void f.i32(0).get(local).emit(Op.I64Store, ...memarg(3, offset));

/** start(final: i32): v = h ‖ IV, v12 ^= t0, v13 ^= t1, v14 = ~v14 in the final block. */
function startFunction(): FunctionBuilder {
  const f = new FunctionBuilder([I32], "start");
  const word = f.local(I64);
  for (let i = 0; i < 16; i++) {
    load(f, i < 8 ? H_OFFSET + 8 * i : IV_OFFSET + 8 * (i - 8));
    if (i === 12 || i === 13) {
      load(f, T_OFFSET + 8 * (i - 12));
      f.emit(Op.I64Xor);
    }
    if (i === 14) f.emit(Op.I64Const, ...sleb(-1), Op.I64Const, ...sleb(0), Op.LocalGet, 0, Op.Select, Op.I64Xor);
    f.set(word);
    store(f, V_OFFSET + 8 * i, word);
  }
  return f;
}

/** rounds(count: i32): `count` rounds on v, from the first of the schedule's cycle (count >= 0). */
function roundsFunction(): FunctionBuilder {
  const f = new FunctionBuilder([I32], "rounds");
  for (let i = 0; i < 32; i++) f.local(I64);
  for (let i = 0; i < 16; i++) {
    load(f, V_OFFSET + 8 * i);
    f.set(V + i);
    load(f, M_OFFSET + 8 * i);
    f.set(M + i);
  }
  f.emit(Op.Block, VOID_BLOCK);
  f.get(ROUNDS).emit(Op.I32Eqz, Op.BrIf, 0);
  f.emit(Op.Loop, VOID_BLOCK);
  for (let r = 0; r < 10; r++) {
    round(f, SIGMA[r]!);
    f.get(ROUNDS).i32(1).emit(Op.I32Sub, Op.LocalTee, ROUNDS);
    f.emit(Op.I32Eqz, Op.BrIf, 1); // out of the block
  }
  f.emit(Op.Br, 0, Op.End, Op.End);
  for (let i = 0; i < 16; i++) store(f, V_OFFSET + 8 * i, V + i);
  return f;
}

/** finish(): h ^= v[0..8] ^ v[8..16]. */
function finishFunction(): FunctionBuilder {
  const f = new FunctionBuilder([], "finish");
  for (let i = 0; i < 8; i++) {
    f.i32(0);
    load(f, H_OFFSET + 8 * i);
    load(f, V_OFFSET + 8 * i);
    f.emit(Op.I64Xor);
    load(f, V_OFFSET + 64 + 8 * i);
    f.emit(Op.I64Xor, Op.I64Store, ...memarg(3, H_OFFSET + 8 * i));
  }
  return f;
}

export interface Blake2bModule {
  /** Starts F on the h and t in memory, the final-block flag as 0 or 1. */
  start(final: number): void;
  /** Runs `count` (0 to 2^31 - 1) more rounds; every call but the last takes a multiple of ten. */
  rounds(count: number): void;
  /** Ends F: the new h is in memory. */
  finish(): void;
  memory: { buffer: ArrayBuffer };
}

/** A new instance (one per thread: the state lives in its memory). */
export function instantiateBlake2b(): Blake2bModule {
  const exports = instantiate<Blake2bModule>(assembleModule([startFunction(), roundsFunction(), finishFunction()], 1));
  const view = new DataView(exports.memory.buffer);
  for (let i = 0; i < IV.length; i++) view.setBigUint64(IV_OFFSET + 8 * i, IV[i]!, true);
  return exports;
}
