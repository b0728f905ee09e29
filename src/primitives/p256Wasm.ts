// Arithmetic modulo P-256's p = 2^256 - 2^224 + 2^192 + 2^96 - 1 as a WebAssembly module
// assembled at load time (registers of 10 limbs of 26 bits and compiled curve programs:
// ./fieldWasm.ts), in Montgomery form with R = 2^260: a register holding x·R mod p stands for x.
//
// Every stored element is below 2p with its limbs below 2^26. Multiplication: the 19 product
// columns (each below 10·2^52 for inputs below 4p), then ten steps of word-by-word Montgomery
// reduction; since p ≡ -1 (mod 2^26), each step's multiplier is the column's low 26 bits
// (-p⁻¹ ≡ 1), and adding it times p clears them. The result (a·b + m·p)/R is below 2p for inputs
// below 4p, as 16p < R. Addition, subtraction and small multiples carry through the limbs (signed
// where they subtract) and then subtract 2p (and 8p, 4p before it for a multiple up to 8) where
// that leaves the value non-negative, so each ends below 2p.

import { i64Locals, instantiateFieldModule, LIMBS, limbwiseFunction, MASK26, productFunction, smallMultipleFunction, squareFunction, storeLimbs, type FieldModule, type Program } from "./fieldWasm.js";
import { FunctionBuilder, I64, Op } from "./wasmAssembler.js";

export const P256_P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;

/** The limbs of x (below 2^260) in 26 bits each. */
export function limbsOf(x: bigint): number[] {
  return Array.from({ length: LIMBS }, (_, i) => Number((x >> BigInt(26 * i)) & BigInt(MASK26)));
}

const P_LIMBS = limbsOf(P256_P);
const TWO_P = limbsOf(2n * P256_P);
const FOUR_P = limbsOf(4n * P256_P);
const EIGHT_P = limbsOf(8n * P256_P);

/** Montgomery reduction of the product columns c[0..18] (c[19] zero), stored at o. */
function montgomeryReduceAndStore(f: FunctionBuilder, c: number[]): void {
  const m = f.local(I64);
  for (let i = 0; i < LIMBS; i++) {
    f.get(c[i]!).i64(MASK26).emit(Op.I64And).set(m);
    for (let j = 0; j < LIMBS; j++) {
      if (P_LIMBS[j] === 0) continue;
      f.get(c[i + j]!).get(m).i64(P_LIMBS[j]!).emit(Op.I64Mul, Op.I64Add).set(c[i + j]!);
    }
    // Column i is now a multiple of 2^26: its carry is all of it.
    f.get(c[i + 1]!).get(c[i]!).i64(26).emit(Op.I64ShrU, Op.I64Add).set(c[i + 1]!);
  }
  const out = c.slice(LIMBS);
  for (let i = 0; i < LIMBS - 1; i++) {
    f.get(out[i + 1]!).get(out[i]!).i64(26).emit(Op.I64ShrU, Op.I64Add).set(out[i + 1]!);
    f.get(out[i]!).i64(MASK26).emit(Op.I64And).set(out[i]!);
  }
  storeLimbs(f, out);
}

/** Carries c through its limbs with signed shifts (limbs may be negative; the value is not). */
function carrySigned(f: FunctionBuilder, c: number[]): void {
  for (let i = 0; i < LIMBS - 1; i++) {
    f.get(c[i + 1]!).get(c[i]!).i64(26).emit(Op.I64ShrS, Op.I64Add).set(c[i + 1]!);
    f.get(c[i]!).i64(MASK26).emit(Op.I64And).set(c[i]!);
  }
}

/** c = c - q where that is not negative (c carried, q the limbs of a multiple of p). */
function subtractIfAbove(f: FunctionBuilder, c: number[], q: number[], u: number[]): void {
  for (let i = 0; i < LIMBS; i++) {
    f.get(c[i]!).i64(q[i]!).emit(Op.I64Sub);
    if (i > 0) f.get(u[i - 1]!).i64(26).emit(Op.I64ShrS, Op.I64Add);
    f.set(u[i]!);
    if (i > 0) f.get(u[i - 1]!).i64(MASK26).emit(Op.I64And).set(u[i - 1]!);
  }
  // u[9] < 0: c < q, keep c.
  for (let i = 0; i < LIMBS; i++) {
    f.get(c[i]!).get(u[i]!).get(u[LIMBS - 1]!).i64(0).emit(Op.I64LtS, Op.Select).set(c[i]!);
  }
}

/** Carries c (signed), brings it below 2p by subtracting each of `multiples` where it can, and stores it. */
function reduceAndStore(multiples: number[][]): (f: FunctionBuilder, c: number[]) => void {
  return (f, c) => {
    carrySigned(f, c);
    const u = i64Locals(f, LIMBS);
    for (const q of multiples) subtractIfAbove(f, c, q, u);
    storeLimbs(f, c);
  };
}

const belowTwoP = reduceAndStore([TWO_P]);

/** A new instance with `registers` registers of memory and `programs` compiled in (one per thread). */
export function instantiateP256Field(registers: number, programs: readonly Program[]): FieldModule {
  const field = {
    fmul: productFunction(montgomeryReduceAndStore),
    fsqr: squareFunction(montgomeryReduceAndStore),
    fadd: limbwiseFunction("fadd", 3, (f, i, a, b) => void f.get(a[i]!).get(b[i]!).emit(Op.I64Add), belowTwoP),
    fsub: limbwiseFunction("fsub", 3, (f, i, a, b) => void f.get(a[i]!).i64(TWO_P[i]!).emit(Op.I64Add).get(b[i]!).emit(Op.I64Sub), belowTwoP),
    fmulSmall: smallMultipleFunction(reduceAndStore([EIGHT_P, FOUR_P, TWO_P])),
    fneg: limbwiseFunction("fneg", 2, (f, i, a) => void f.i64(TWO_P[i]!).get(a[i]!).emit(Op.I64Sub), belowTwoP),
  };
  return instantiateFieldModule(field, registers, programs);
}
