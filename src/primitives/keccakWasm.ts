// The Keccak-f[1600] sponge as a small WebAssembly module, assembled here at load time (no
// generated file to keep in step). One export absorbs whole 136-byte blocks: the caller copies
// the input into the module's memory, pads the last block itself and reads the 32-byte digest
// straight from the state (the first four lanes, little-endian, are the output bytes). One call
// per hash, no allocation, where a general-purpose hasher makes three calls (init, update,
// digest) and returns a new array.

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

// Opcodes used (WebAssembly core specification, binary format).
const enum Op {
  Block = 0x02,
  Loop = 0x03,
  Br = 0x0c,
  BrIf = 0x0d,
  End = 0x0b,
  LocalGet = 0x20,
  LocalSet = 0x21,
  LocalTee = 0x22,
  I64Load = 0x29,
  I64Store = 0x37,
  I32Const = 0x41,
  I64Const = 0x42,
  I32Eqz = 0x45,
  I32LtU = 0x49,
  I32Add = 0x6a,
  I32Sub = 0x6b,
  I64And = 0x83,
  I64Xor = 0x85,
  I64Rotl = 0x89,
}

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function vector(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

// Locals of absorb(ptr: i32, blocks: i32): lanes a0..a24, then b0..b24, c0..c4, d0..d4 (i64), then the round counter (i32).
const PTR = 0;
const BLOCKS = 1;
const A = 2;
const B = A + 25;
const C = B + 25;
const D = C + 5;
const I64_LOCALS = 25 + 25 + 5 + 5;
const ROUND = A + I64_LOCALS;

/** The body of absorb: for each block, xor its 17 lanes into the state, then 24 rounds of Keccak-f. */
function absorbBody(): number[] {
  const code: number[] = [];
  const get = (local: number): void => void code.push(Op.LocalGet, ...uleb(local));
  const set = (local: number): void => void code.push(Op.LocalSet, ...uleb(local));
  const memarg = (offset: number): number[] => [3, ...uleb(offset)]; // align 2^3
  // Load the state into locals.
  for (let i = 0; i < 25; i++) {
    code.push(Op.I32Const, ...sleb(0), Op.I64Load, ...memarg(STATE + 8 * i));
    set(A + i);
  }
  code.push(Op.Block, 0x40, Op.Loop, 0x40);
  // while (blocks !== 0)
  get(BLOCKS);
  code.push(Op.I32Eqz, Op.BrIf, 1);
  for (let i = 0; i < RATE / 8; i++) {
    get(A + i);
    get(PTR);
    code.push(Op.I64Load, ...memarg(8 * i), Op.I64Xor);
    set(A + i);
  }
  code.push(Op.I32Const, ...sleb(0));
  set(ROUND);
  code.push(Op.Loop, 0x40);
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
    code.push(Op.I64Store, ...memarg(STATE + 8 * i));
  }
  code.push(Op.End);
  return code;
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
  code.push(Op.I64Load, 3, ...uleb(ROUND_CONSTANTS), Op.I64Xor);
  set(A);
}

function moduleBytes(): Uint8Array {
  const I32 = 0x7f;
  const I64 = 0x7e;
  const types = section(1, vector([[0x60, 2, I32, I32, 0]])); // (i32, i32) -> ()
  const functions = section(3, vector([[0]]));
  const memory = section(5, vector([[0x00, ...uleb(PAGES)]])); // min PAGES, no max
  const name = [...new TextEncoder().encode("absorb")];
  const memName = [...new TextEncoder().encode("memory")];
  const exports = section(7, vector([[...uleb(name.length), ...name, 0x00, 0], [...uleb(memName.length), ...memName, 0x02, 0]]));
  const body = [...vector([[...uleb(I64_LOCALS), I64], [1, I32]]), ...absorbBody()];
  const code = section(10, vector([[...uleb(body.length), ...body]]));
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...functions, ...memory, ...exports, ...code]);
}

export interface KeccakModule {
  /** Xors `blocks` 136-byte blocks from memory[ptr..] into the state, permuting after each. */
  absorb: (ptr: number, blocks: number) => void;
  memory: { buffer: ArrayBuffer };
}

// The project compiles without the DOM library, which declares WebAssembly: the little used here.
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** A new instance (one per thread: its state lives in its memory). */
export function instantiateKeccak(): KeccakModule {
  const instance = new wasm.Instance(new wasm.Module(moduleBytes()));
  const exports = instance.exports as KeccakModule;
  const view = new DataView(exports.memory.buffer);
  for (let i = 0; i < RC.length; i++) view.setBigUint64(ROUND_CONSTANTS + 8 * i, RC[i]!, true);
  return exports;
}
