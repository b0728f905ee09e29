// What the WebAssembly field modules of the curves share (./secp256k1Wasm.ts, ./p256Wasm.ts): a
// field element is a register of 10 unsigned 26-bit limbs (value Σ limb_i·2^(26i)), stored as
// 32-bit words in the module's memory at a byte address (a multiple of 40); each module brings
// its own reduction. Curve formulas are compiled into the same module as "programs" (lists of
// field operations on registers), so a point doubling or addition is one call from JavaScript.

import { assembleModule, FunctionBuilder, I32, I64, instantiate, memarg, Op, VOID_BLOCK } from "./wasmAssembler.js";

export const LIMBS = 10;
/** Bytes per register; register addresses are multiples of it. */
export const REGISTER_BYTES = 40;
export const MASK26 = 0x3ffffff;
const PAGE_BYTES = 65536;

/** Hands out register addresses in a module's memory, in order; `count` is how many were taken. */
export class RegisterFile {
  count = 0;

  /** The address of the first of `n` consecutive registers. */
  take(n = 1): number {
    const address = this.count * REGISTER_BYTES;
    this.count += n;
    return address;
  }
}

const MASK26_BIG = BigInt(MASK26);

/** Register o = x (0 <= x < 2^260) in `limb32`, a module's memory as 32-bit words. */
export function writeRegister(limb32: Uint32Array, o: number, x: bigint): void {
  const at = o >>> 2;
  for (let i = 0; i < LIMBS; i++) {
    limb32[at + i] = Number(x & MASK26_BIG);
    x >>= 26n;
  }
}

/** Register a's value as a bigint (its limbs as they are: loose limbs overlap, so added, not or-ed). */
export function readRegister(limb32: Uint32Array, a: number): bigint {
  const at = a >>> 2;
  let x = 0n;
  // Two limbs at a time: below 2^53 for limbs below 2^26.5, exact in a double.
  for (let i = LIMBS - 2; i >= 0; i -= 2) x = (x << 52n) + BigInt(limb32[at + i + 1]! * 67108864 + limb32[at + i]!);
  return x;
}

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

/** A field's operations as module functions (fmul, fsqr, fadd, fsub, fmulSmall, fneg: see fieldFunctions). */
interface FieldArithmetic {
  fmul: FunctionBuilder;
  fsqr: FunctionBuilder;
  fadd: FunctionBuilder;
  fsub: FunctionBuilder;
  fmulSmall: FunctionBuilder;
  fneg: FunctionBuilder;
}

// Function indices of the field operations (programs follow them).
const FMUL = 0, FSQR = 1, FADD = 2, FSUB = 3, FMUL_SMALL = 4, FNEG = 5, FCOPY = 6;

function loadLimbs(f: FunctionBuilder, ptr: number, into: number[]): void {
  for (let i = 0; i < LIMBS; i++) f.get(ptr).emit(Op.I64Load32U, ...memarg(2, 4 * i)).set(into[i]!);
}

export function i64Locals(f: FunctionBuilder, count: number): number[] {
  return Array.from({ length: count }, () => f.local(I64));
}

/** c_to += c_from >> 26; c_from &= 2^26 - 1 (unsigned). */
export function carry(f: FunctionBuilder, from: number, to: number): void {
  f.get(to).get(from).i64(26).emit(Op.I64ShrU, Op.I64Add).set(to);
  f.get(from).i64(MASK26).emit(Op.I64And).set(from);
}

/** c_to += c_from·k. */
export function addMultiple(f: FunctionBuilder, to: number, from: number, k: number): void {
  f.get(to).get(from).i64(k).emit(Op.I64Mul, Op.I64Add).set(to);
}

/** Stores limbs c[0..9] at register `o` (the first parameter). */
export function storeLimbs(f: FunctionBuilder, c: number[]): void {
  for (let i = 0; i < LIMBS; i++) f.get(0).get(c[i]!).emit(Op.I64Store32, ...memarg(2, 4 * i));
}

/**
 * fmul (o, a, b): the 19 schoolbook product columns of a and b into c[0..18] (c[19] zero, for
 * the reduction's use), then `reduce`, which stores the result at o.
 */
export function productFunction(reduce: (f: FunctionBuilder, c: number[]) => void): FunctionBuilder {
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
  reduce(f, c);
  return f;
}

/** fsqr (o, a): as productFunction for a·a, with each cross product once, doubled. */
export function squareFunction(reduce: (f: FunctionBuilder, c: number[]) => void): FunctionBuilder {
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
  reduce(f, c);
  return f;
}

/** A function (o, a[, b]) that computes each limb into c with `limb`, then `finish` stores c at o. */
export function limbwiseFunction(name: string, params: number, limb: (f: FunctionBuilder, i: number, a: number[], b: number[]) => void, finish: (f: FunctionBuilder, c: number[]) => void): FunctionBuilder {
  const f = new FunctionBuilder(Array.from({ length: params }, () => I32), name);
  const a = i64Locals(f, LIMBS), c = i64Locals(f, LIMBS);
  const b = params === 3 ? i64Locals(f, LIMBS) : [];
  loadLimbs(f, 1, a);
  if (b.length > 0) loadLimbs(f, 2, b);
  for (let i = 0; i < LIMBS; i++) {
    limb(f, i, a, b);
    f.set(c[i]!);
  }
  finish(f, c);
  return f;
}

/** fmulSmall (o, a, k): limbs a_i·k into c, then `finish` stores c at o. */
export function smallMultipleFunction(finish: (f: FunctionBuilder, c: number[]) => void): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32], "fmulSmall");
  const a = i64Locals(f, LIMBS), c = i64Locals(f, LIMBS), k = f.local(I64);
  f.get(2).emit(Op.I64ExtendI32U).set(k);
  loadLimbs(f, 1, a);
  for (let i = 0; i < LIMBS; i++) f.get(a[i]!).get(k).emit(Op.I64Mul).set(c[i]!);
  finish(f, c);
  return f;
}

function fcopyFunction(): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32], "fcopy");
  for (let i = 0; i < REGISTER_BYTES; i += 8) f.get(0).get(1).emit(Op.I64Load, ...memarg(3, i), Op.I64Store, ...memarg(3, i));
  return f;
}

function compileProgram(program: Program): FunctionBuilder {
  const f = new FunctionBuilder(program.params.map(() => I32), program.name);
  const operand = (x: Operand): void => {
    if (typeof x === "number") f.i32(x);
    else {
      const index = program.params.indexOf(x);
      if (index < 0) throw new Error(`fieldWasm: ${program.name} has no parameter ${x}`);
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

/** A new instance of a field's module with `registers` registers of memory and `programs` compiled in (one per thread). */
export function instantiateFieldModule(field: FieldArithmetic, registers: number, programs: readonly Program[]): FieldModule {
  const pages = Math.ceil((registers * REGISTER_BYTES) / PAGE_BYTES);
  const functions = [field.fmul, field.fsqr, field.fadd, field.fsub, field.fmulSmall, field.fneg, fcopyFunction()];
  return instantiate<FieldModule>(assembleModule([...functions, ...programs.map(compileProgram)], pages));
}
