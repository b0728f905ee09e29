// The Keccak-f[1600] sponge as a small WebAssembly module, assembled here at load time (no
// generated file to keep in step). One export absorbs whole 136-byte blocks: the caller copies
// the input into the module's memory, pads the last block itself and reads the 32-byte digest
// straight from the state (the first four lanes, little-endian, are the output bytes). One call
// per hash, no allocation, where a general-purpose hasher makes three calls (init, update,
// digest) and returns a new array.

import { assembleModule, FunctionBuilder, I32, I64, instantiate, memarg, Op, sleb, uleb, VOID_BLOCK } from "./wasmAssembler.js";

/** Byte offsets in the module's memory: the 200-byte state, round constants, input blocks. */
export const STATE = 0;
const ROUND_CONSTANTS = 256;
export const INPUT = 512;
/** Rate of keccak-256: 1088 bits. */
export const RATE = 136;
const PAGES = 4;
/** Whole blocks that fit in the input area. */
export const INPUT_BLOCKS = Math.floor((PAGES * 65536 - INPUT) / RATE);

const RC = [
  0x0000000000000001n, 0x0000000000008082n, 0x800000000000808an, 0x8000000080008000n, 0x000000000000808bn, 0x0000000080000001n,
  0x8000000080008081n, 0x8000000000008009n, 0x000000000000008an, 0x0000000000000088n, 0x0000000080008009n, 0x000000008000000an,
  0x000000008000808bn, 0x800000000000008bn, 0x8000000000008089n, 0x8000000000008003n, 0x8000000000008002n, 0x8000000000000080n,
  0x000000000000800an, 0x800000008000000an, 0x8000000080008081n, 0x8000000000008080n, 0x0000000080000001n, 0x8000000080008008n,
];
/** Rotation offsets r[x + 5y] of the rho step. */
const RHO = [0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14];

// Locals of absorb(ptr: i32, blocks: i32): lanes a0..a24, then b0..b24, c0..c4, d0..d4 (i64), then the round counter (i32).
const PTR = 0;
const BLOCKS = 1;
const A = 2;
const B = A + 25;
const C = B + 25;
const D = C + 5;
const I64_LOCALS = 25 + 25 + 5 + 5;
const ROUND = A + I64_LOCALS;

/** absorb: for each block, xor its 17 lanes into the state, then 24 rounds of Keccak-f. */
function absorbFunction(): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32], "absorb");
  for (let i = 0; i < I64_LOCALS; i++) f.local(I64);
  if (f.local(I32) !== ROUND) throw new Error("keccakWasm: locals out of step");
  const code = f.code;
  const get = (local: number): void => void f.get(local);
  const set = (local: number): void => void f.set(local);
  // Load the state into locals.
  for (let i = 0; i < 25; i++) {
    code.push(Op.I32Const, ...sleb(0), Op.I64Load, ...memarg(3, STATE + 8 * i));
    set(A + i);
  }
  code.push(Op.Block, VOID_BLOCK, Op.Loop, VOID_BLOCK);
  // while (blocks !== 0)
  get(BLOCKS);
  code.push(Op.I32Eqz, Op.BrIf, 1);
  for (let i = 0; i < RATE / 8; i++) {
    get(A + i);
    get(PTR);
    code.push(Op.I64Load, ...memarg(3, 8 * i), Op.I64Xor);
    set(A + i);
  }
  code.push(Op.I32Const, ...sleb(0));
  set(ROUND);
  code.push(Op.Loop, VOID_BLOCK);
  roundBody(code, get, set);
  // round += 8 (byte offset of the next constant); continue while below 24 * 8
  get(ROUND);
  code.push(Op.I32Const, ...sleb(8), Op.I32Add, Op.LocalTee, ...uleb(ROUND), Op.I32Const, ...sleb(24 * 8), Op.I32LtU, Op.BrIf, 0, Op.End);
  get(PTR);
  code.push(Op.I32Const, ...sleb(RATE), Op.I32Add);
  set(PTR);
  get(BLOCKS);
  code.push(Op.I32Const, ...sleb(1), Op.I32Sub);
  set(BLOCKS);
  code.push(Op.Br, 0, Op.End, Op.End); // next block; end loop, end block
  // Store the state back.
  for (let i = 0; i < 25; i++) {
    code.push(Op.I32Const, ...sleb(0));
    get(A + i);
    code.push(Op.I64Store, ...memarg(3, STATE + 8 * i));
  }
  return f;
}

function roundBody(code: number[], get: (l: number) => void, set: (l: number) => void): void {
  // theta: c[x] = xor of column x; d[x] = c[x-1] ^ rotl(c[x+1], 1); a[x, y] ^= d[x]
  for (let x = 0; x < 5; x++) {
    get(A + x);
    for (let y = 1; y < 5; y++) {
      get(A + x + 5 * y);
      code.push(Op.I64Xor);
    }
    set(C + x);
  }
  for (let x = 0; x < 5; x++) {
    get(C + ((x + 4) % 5));
    get(C + ((x + 1) % 5));
    code.push(Op.I64Const, ...sleb(1), Op.I64Rotl, Op.I64Xor);
    set(D + x);
  }
  // rho and pi: b[y, 2x + 3y] = rotl(a[x, y] ^ d[x], r[x, y])
  for (let x = 0; x < 5; x++) {
    for (let y = 0; y < 5; y++) {
      get(A + x + 5 * y);
      get(D + x);
      code.push(Op.I64Xor);
      const r = RHO[x + 5 * y]!;
      if (r !== 0) code.push(Op.I64Const, ...sleb(r), Op.I64Rotl);
      set(B + y + 5 * ((2 * x + 3 * y) % 5));
    }
  }
  // chi: a[x, y] = b[x, y] ^ (~b[x+1, y] & b[x+2, y])
  for (let y = 0; y < 5; y++) {
    for (let x = 0; x < 5; x++) {
      get(B + x + 5 * y);
      get(B + ((x + 1) % 5) + 5 * y);
      code.push(Op.I64Const, ...sleb(-1), Op.I64Xor);
      get(B + ((x + 2) % 5) + 5 * y);
      code.push(Op.I64And, Op.I64Xor);
      set(A + x + 5 * y);
    }
  }
  // iota: a[0] ^= RC[round]
  get(A);
  get(ROUND);
  code.push(Op.I64Load, ...memarg(3, ROUND_CONSTANTS), Op.I64Xor);
  set(A);
}

export interface KeccakModule {
  /** Xors `blocks` 136-byte blocks from memory[ptr..] into the state, permuting after each. */
  absorb: (ptr: number, blocks: number) => void;
  memory: { buffer: ArrayBuffer };
}

/** A new instance (one per thread: its state lives in its memory). */
export function instantiateKeccak(): KeccakModule {
  const exports = instantiate<KeccakModule>(assembleModule([absorbFunction()], PAGES));
  const view = new DataView(exports.memory.buffer);
  for (let i = 0; i < RC.length; i++) view.setBigUint64(ROUND_CONSTANTS + 8 * i, RC[i]!, true);
  return exports;
}
