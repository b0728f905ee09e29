// Arithmetic modulo secp256k1's p = 2^256 - 2^32 - 977 as a WebAssembly module assembled at load
// time, with the curve formulas that use it compiled into the same module ("programs": lists of
// field operations on registers), so a point doubling or addition is one call from JavaScript.
//
// A field element is a register of 10 unsigned 26-bit limbs (value Σ limb_i·2^(26i)), stored as
// 32-bit words in the module's memory at a byte address (a multiple of 40). Limbs are loose: the
// invariant is 0 <= limb < 2^27 for every stored element, and the value is only congruent to the
// element (not reduced below p); the caller canonicalises when it reads a value out.
//   Multiplication and squaring take limbs below 2^28 (the invariant with room to spare): a column
// of the schoolbook product is at most 10·2^56 < 2^59.4, an exact 64-bit integer. The columns
// above position 9 carry into 26-bit digits and fold down with 2^260 ≡ 2^36 + 15632 (mod p), as
// ×15632 into position k-10 and ×1024 into position k-9; one carry chain, then the bits above
// 2^256 (the top of limb 9) fold with 2^256 ≡ 2^32 + 977 into limbs 0 and 1, and a short chain
// leaves every limb at most 2^26. Additions, subtractions and small multiples (limbs below 2^30
// before carrying) take one carry step per limb at once, not a chain: limbs end below 2^26 + 2^18.
// Subtraction adds 64p as limbs of at least 2^27, so no limb goes negative.

import { assembleModule, FunctionBuilder, I32, I64, instantiate, memarg, Op, VOID_BLOCK } from "./wasmAssembler.js";

export const LIMBS = 10;
export const LIMB_BITS = 26;
/** Bytes per register; register addresses are multiples of it. */
export const REGISTER_BYTES = 40;
const PAGE_BYTES = 65536;
const MASK26 = 0x3ffffff;
const MASK22 = 0x3fffff;
const P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;

/** A register's byte address, or the name of a program parameter holding one. */
export type Operand = number | string;
/** One step of a program. */
export type FieldOp =
  | readonly ["mul", Operand, Operand, Operand]
  | readonly ["sqr", Operand, Operand]
  | readonly ["sqrN", Operand, Operand, number] // o = a^(2^k)
  | readonly ["add" | "sub", Operand, Operand, Operand]
  | readonly ["small", Operand, Operand, number] // o = k·a, 0 <= k <= 8
  | readonly ["neg" | "copy", Operand, Operand]
  | readonly ["ifParam", string, readonly FieldOp[], readonly FieldOp[]]; // on a nonzero i32 parameter
/** A function of the module: named register parameters (and i32 flags) and its steps. */
export interface Program {
  name: string;
  params: readonly string[];
  ops: readonly FieldOp[];
}

export interface FieldModule {
  fmul(o: number, a: number, b: number): void;
  fsqr(o: number, a: number): void;
  fadd(o: number, a: number, b: number): void;
  fsub(o: number, a: number, b: number): void;
  /** o = k·a for 0 <= k <= 8. */
  fmulSmall(o: number, a: number, k: number): void;
  fneg(o: number, a: number): void;
  fcopy(o: number, a: number): void;
  memory: { buffer: ArrayBuffer };
  /** The programs, by name; their parameters in declared order. */
  [program: string]: ((...args: number[]) => void) | { buffer: ArrayBuffer };
}

// Function indices of the field operations (programs follow them).
const FMUL = 0, FSQR = 1, FADD = 2, FSUB = 3, FMUL_SMALL = 4, FNEG = 5, FCOPY = 6;
const FIELD_FUNCTIONS = 7;

/** Limbs of 64p, each at least 2^27 (and below 2^29): added before subtracting limbs below 2^27. */
const SUB_BIAS: number[] = (() => {
  const d = 64n * P;
  const digits = Array.from({ length: LIMBS }, (_, i) => Number(i < LIMBS - 1 ? (d >> BigInt(26 * i)) & BigInt(MASK26) : d >> BigInt(26 * i)));
  // Borrow 2^28 into each of limbs 0..8 from the next (4 units of 2^26 there).
  return digits.map((v, i) => v + (i < LIMBS - 1 ? 2 ** 28 : 0) - (i > 0 ? 4 : 0));
})();

function loadLimbs(f: FunctionBuilder, ptr: number, into: number[]): void {
  for (let i = 0; i < LIMBS; i++) f.get(ptr).emit(Op.I64Load32U, ...memarg(2, 4 * i)).set(into[i]!);
}

function i64Locals(f: FunctionBuilder, count: number): number[] {
  return Array.from({ length: count }, () => f.local(I64));
}

/** Stores c (limbs below 2^30) at register `o` after one carry step per limb at once. */
function carryOnceAndStore(f: FunctionBuilder, o: number, c: number[]): void {
  const store = (i: number): void => void f.emit(Op.I64Store32, ...memarg(2, 4 * i));
  const low = (i: number, mask: number): void => void f.get(c[i]!).i64(mask).emit(Op.I64And);
  const carryOf = (i: number): void => void f.get(c[i]!).i64(26).emit(Op.I64ShrU);
  const top = (): void => void f.get(c[9]!).i64(22).emit(Op.I64ShrU); // bits from 2^256 up
  f.get(o);
  low(0, MASK26);
  top();
  f.i64(977).emit(Op.I64Mul, Op.I64Add);
  store(0);
  f.get(o);
  low(1, MASK26);
  carryOf(0);
  f.emit(Op.I64Add);
  top();
  f.i64(64).emit(Op.I64Mul, Op.I64Add); // 2^32 = 64·2^26
  store(1);
  for (let i = 2; i < LIMBS; i++) {
    f.get(o);
    low(i, i === 9 ? MASK22 : MASK26);
    carryOf(i - 1);
    f.emit(Op.I64Add);
    store(i);
  }
}

/** c_to += c_from >> 26; c_from &= 2^26 - 1. */
function carry(f: FunctionBuilder, from: number, to: number): void {
  f.get(to).get(from).i64(26).emit(Op.I64ShrU, Op.I64Add).set(to);
  f.get(from).i64(MASK26).emit(Op.I64And).set(from);
}

/** c_to += c_from·k. */
function addMultiple(f: FunctionBuilder, to: number, from: number, k: number): void {
  f.get(to).get(from).i64(k).emit(Op.I64Mul, Op.I64Add).set(to);
}

/** Reduces the 19 product columns c[0..18] (each below 2^60; c[19] is scratch) and stores them at `o`. */
function reduceProductAndStore(f: FunctionBuilder, o: number, c: number[]): void {
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
  for (let i = 0; i < LIMBS; i++) f.get(o).get(c[i]!).emit(Op.I64Store32, ...memarg(2, 4 * i));
}

function fmulFunction(): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32], "fmul");
  const a = i64Locals(f, LIMBS), b = i64Locals(f, LIMBS), c = i64Locals(f, 2 * LIMBS);
  loadLimbs(f, 1, a);
  loadLimbs(f, 2, b);
  for (let k = 0; k < 2 * LIMBS - 1; k++) {
    let terms = 0;
    for (let i = Math.max(0, k - 9); i <= Math.min(9, k); i++) {
      f.get(a[i]!).get(b[k - i]!).emit(Op.I64Mul);
      if (terms++ > 0) f.emit(Op.I64Add);
    }
    f.set(c[k]!);
  }
  reduceProductAndStore(f, 0, c);
  return f;
}

function fsqrFunction(): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32], "fsqr");
  const a = i64Locals(f, LIMBS), twice = i64Locals(f, LIMBS), c = i64Locals(f, 2 * LIMBS);
  loadLimbs(f, 1, a);
  for (let i = 0; i < LIMBS; i++) f.get(a[i]!).i64(1).emit(Op.I64Shl).set(twice[i]!);
  for (let k = 0; k < 2 * LIMBS - 1; k++) {
    let terms = 0;
    for (let i = Math.max(0, k - 9); 2 * i < k; i++) {
      f.get(a[i]!).get(twice[k - i]!).emit(Op.I64Mul);
      if (terms++ > 0) f.emit(Op.I64Add);
    }
    if (k % 2 === 0) {
      f.get(a[k / 2]!).get(a[k / 2]!).emit(Op.I64Mul);
      if (terms > 0) f.emit(Op.I64Add);
    }
    f.set(c[k]!);
  }
  reduceProductAndStore(f, 0, c);
  return f;
}

/** A function (o, a[, b]) that computes each limb into c with `limb`, then carries once and stores. */
function limbwiseFunction(name: string, params: number[], limb: (f: FunctionBuilder, i: number, a: number[], b: number[]) => void): FunctionBuilder {
  const f = new FunctionBuilder(params.map(() => I32), name);
  const a = i64Locals(f, LIMBS), c = i64Locals(f, LIMBS);
  const b = params.length === 3 ? i64Locals(f, LIMBS) : [];
  loadLimbs(f, 1, a);
  if (b.length > 0) loadLimbs(f, 2, b);
  for (let i = 0; i < LIMBS; i++) {
    limb(f, i, a, b);
    f.set(c[i]!);
  }
  carryOnceAndStore(f, 0, c);
  return f;
}

function fmulSmallFunction(): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32], "fmulSmall");
  const a = i64Locals(f, LIMBS), c = i64Locals(f, LIMBS), k = f.local(I64);
  f.get(2).emit(Op.I64ExtendI32U).set(k);
  loadLimbs(f, 1, a);
  for (let i = 0; i < LIMBS; i++) f.get(a[i]!).get(k).emit(Op.I64Mul).set(c[i]!);
  carryOnceAndStore(f, 0, c);
  return f;
}

function fcopyFunction(): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32], "fcopy");
  for (let i = 0; i < REGISTER_BYTES; i += 8) f.get(0).get(1).emit(Op.I64Load, ...memarg(3, i), Op.I64Store, ...memarg(3, i));
  return f;
}

function fieldFunctions(): FunctionBuilder[] {
  const functions = [
    fmulFunction(),
    fsqrFunction(),
    limbwiseFunction("fadd", [0, 1, 2], (f, i, a, b) => void f.get(a[i]!).get(b[i]!).emit(Op.I64Add)),
    limbwiseFunction("fsub", [0, 1, 2], (f, i, a, b) => void f.get(a[i]!).i64(SUB_BIAS[i]!).emit(Op.I64Add).get(b[i]!).emit(Op.I64Sub)),
    fmulSmallFunction(),
    limbwiseFunction("fneg", [0, 1], (f, i, a) => void f.i64(SUB_BIAS[i]!).get(a[i]!).emit(Op.I64Sub)),
    fcopyFunction(),
  ];
  if (functions.length !== FIELD_FUNCTIONS) throw new Error("secp256k1Wasm: function table out of step");
  return functions;
}

function compileProgram(program: Program): FunctionBuilder {
  const f = new FunctionBuilder(program.params.map(() => I32), program.name);
  const operand = (x: Operand): void => {
    if (typeof x === "number") f.i32(x);
    else {
      const index = program.params.indexOf(x);
      if (index < 0) throw new Error(`secp256k1Wasm: ${program.name} has no parameter ${x}`);
      f.get(index);
    }
  };
  const call = (fn: number, ...args: Operand[]): void => {
    for (const x of args) operand(x);
    f.call(fn);
  };
  const emitOps = (ops: readonly FieldOp[]): void => {
    for (const op of ops) {
      switch (op[0]) {
        case "mul": call(FMUL, op[1], op[2], op[3]); break;
        case "sqr": call(FSQR, op[1], op[2]); break;
        case "sqrN":
          call(FSQR, op[1], op[2]);
          for (let i = 1; i < op[3]; i++) call(FSQR, op[1], op[1]);
          break;
        case "add": call(FADD, op[1], op[2], op[3]); break;
        case "sub": call(FSUB, op[1], op[2], op[3]); break;
        case "small": call(FMUL_SMALL, op[1], op[2], op[3]); break;
        case "neg": call(FNEG, op[1], op[2]); break;
        case "copy": call(FCOPY, op[1], op[2]); break;
        case "ifParam":
          operand(op[1]);
          f.emit(Op.If, VOID_BLOCK);
          emitOps(op[2]);
          f.emit(Op.Else);
          emitOps(op[3]);
          f.emit(Op.End);
          break;
      }
    }
  };
  emitOps(program.ops);
  return f;
}

/** A new instance with `registers` registers of memory and `programs` compiled in (one per thread). */
export function instantiateField(registers: number, programs: readonly Program[]): FieldModule {
  const pages = Math.ceil((registers * REGISTER_BYTES) / PAGE_BYTES);
  return instantiate<FieldModule>(assembleModule([...fieldFunctions(), ...programs.map(compileProgram)], pages));
}
