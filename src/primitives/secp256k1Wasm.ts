// Arithmetic modulo secp256k1's p = 2^256 - 2^32 - 977 as a WebAssembly module assembled at load
// time (registers of 10 limbs of 26 bits and compiled curve programs: ./fieldWasm.ts).
//
// Limbs are loose: the invariant is 0 <= limb < 2^27 for every stored element, and the value is
// only congruent to the element (not reduced below p); the caller canonicalises when it reads a
// value out.
//   Multiplication and squaring take limbs below 2^28 (the invariant with room to spare): a column
// of the schoolbook product is at most 10·2^56 < 2^59.4, an exact 64-bit integer. The columns
// above position 9 carry into 26-bit digits and fold down with 2^260 ≡ 2^36 + 15632 (mod p), as
// ×15632 into position k-10 and ×1024 into position k-9; one carry chain, then the bits above
// 2^256 (the top of limb 9) fold with 2^256 ≡ 2^32 + 977 into limbs 0 and 1, and a short chain
// leaves every limb at most 2^26. Additions, subtractions and small multiples (limbs below 2^30
// before carrying) take one carry step per limb at once, not a chain: limbs end below 2^26 + 2^18.
// Subtraction adds 64p as limbs of at least 2^27, so no limb goes negative.

import { addMultiple, carry, instantiateFieldModule, LIMBS, limbwiseFunction, MASK26, productFunction, smallMultipleFunction, squareFunction, storeLimbs, type FieldModule, type Program } from "./fieldWasm.js";
import { FunctionBuilder, memarg, Op } from "./wasmAssembler.js";

const MASK22 = 0x3fffff;
const P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;

/** Limbs of 64p, each at least 2^27 (and below 2^29): added before subtracting limbs below 2^27. */
const SUB_BIAS: number[] = (() => {
  const d = 64n * P;
  const digits = Array.from({ length: LIMBS }, (_, i) => Number(i < LIMBS - 1 ? (d >> BigInt(26 * i)) & BigInt(MASK26) : d >> BigInt(26 * i)));
  // Borrow 2^28 into each of limbs 0..8 from the next (4 units of 2^26 there).
  return digits.map((v, i) => v + (i < LIMBS - 1 ? 2 ** 28 : 0) - (i > 0 ? 4 : 0));
})();

/** Stores c (limbs below 2^30) at register o (the first parameter) after one carry step per limb at once. */
function carryOnceAndStore(f: FunctionBuilder, c: number[]): void {
  const store = (i: number): void => void f.emit(Op.I64Store32, ...memarg(2, 4 * i));
  const low = (i: number, mask: number): void => void f.get(c[i]!).i64(mask).emit(Op.I64And);
  const carryOf = (i: number): void => void f.get(c[i]!).i64(26).emit(Op.I64ShrU);
  const top = (): void => void f.get(c[9]!).i64(22).emit(Op.I64ShrU); // bits from 2^256 up
  f.get(0);
  low(0, MASK26);
  top();
  f.i64(977).emit(Op.I64Mul, Op.I64Add);
  store(0);
  f.get(0);
  low(1, MASK26);
  carryOf(0);
  f.emit(Op.I64Add);
  top();
  f.i64(64).emit(Op.I64Mul, Op.I64Add); // 2^32 = 64·2^26
  store(1);
  for (let i = 2; i < LIMBS; i++) {
    f.get(0);
    low(i, i === 9 ? MASK22 : MASK26);
    carryOf(i - 1);
    f.emit(Op.I64Add);
    store(i);
  }
}

/** Reduces the 19 product columns c[0..18] (each below 2^60; c[19] is scratch) and stores them at `o`. */
function reduceProductAndStore(f: FunctionBuilder, c: number[]): void {
  for (let k = 10; k < 18; k++) carry(f, c[k]!, c[k + 1]!);
  f.get(c[18]!).i64(26).emit(Op.I64ShrU).set(c[19]!);
  f.get(c[18]!).i64(MASK26).emit(Op.I64And).set(c[18]!);
  // Fold position k >= 10 (weight 2^260·2^(26(k-10))): ×15632 into k-10, ×1024 into k-9.
  addMultiple(f, c[9]!, c[19]!, 15632);
  addMultiple(f, c[10]!, c[19]!, 1024);
  for (let k = 10; k < 19; k++) {
    addMultiple(f, c[k - 10]!, c[k]!, 15632);
    addMultiple(f, c[k - 9]!, c[k]!, 1024);
  }
  for (let k = 0; k < 9; k++) carry(f, c[k]!, c[k + 1]!);
  // Bits from 2^256 up fold as ×977 into limb 0 and ×2^6 into limb 1 (2^32 = 2^6·2^26).
  const top = c[10]!;
  f.get(c[9]!).i64(22).emit(Op.I64ShrU).set(top);
  f.get(c[9]!).i64(MASK22).emit(Op.I64And).set(c[9]!);
  addMultiple(f, c[0]!, top, 977);
  addMultiple(f, c[1]!, top, 64);
  carry(f, c[0]!, c[1]!);
  carry(f, c[1]!, c[2]!);
  carry(f, c[2]!, c[3]!);
  storeLimbs(f, c);
}

/** A new instance with `registers` registers of memory and `programs` compiled in (one per thread). */
export function instantiateField(registers: number, programs: readonly Program[]): FieldModule {
  const field = {
    fmul: productFunction(reduceProductAndStore),
    fsqr: squareFunction(reduceProductAndStore),
    fadd: limbwiseFunction("fadd", 3, (f, i, a, b) => void f.get(a[i]!).get(b[i]!).emit(Op.I64Add), carryOnceAndStore),
    fsub: limbwiseFunction("fsub", 3, (f, i, a, b) => void f.get(a[i]!).i64(SUB_BIAS[i]!).emit(Op.I64Add).get(b[i]!).emit(Op.I64Sub), carryOnceAndStore),
    fmulSmall: smallMultipleFunction(carryOnceAndStore),
    fneg: limbwiseFunction("fneg", 2, (f, i, a) => void f.i64(SUB_BIAS[i]!).get(a[i]!).emit(Op.I64Sub), carryOnceAndStore),
  };
  return instantiateFieldModule(field, registers, programs);
}
