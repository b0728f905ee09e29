// Point additions in Jacobian coordinates (X, Y, Z) ↦ (X/Z², Y/Z³) as field programs
// (./fieldWasm.ts) for any short Weierstrass curve: add-1998-cmo-2, which does not use the
// curve's a. The accumulator is added ±P in place, in two parts: the first leaves H = U2 - U1 and
// R = S2 - S1 in registers where a checked walk tests for the exceptional cases (H ≡ 0: acc = ±P)
// before the second; where nobody checks, H ≡ 0 leaves Z = 0, which stays 0 to the end.
import type { FieldOp, Program } from "./fieldWasm.js";

/** The accumulator's registers, and ten scratch registers. */
export interface AdditionRegisters {
  x: number;
  y: number;
  z: number;
  scratch: readonly number[];
}

export interface AdditionFormulas {
  /** For a Jacobian P given as parameters x, y, z, zz (z²), zzz (z³) and neg (add -P when nonzero). */
  jacobianStart: readonly FieldOp[];
  jacobianEnd: readonly FieldOp[];
  /** For an affine P given as parameters x, y and neg (madd: Z2 = 1, so U1 = X1 and S1 = Y1). */
  affineStart: readonly FieldOp[];
  affineEnd: readonly FieldOp[];
  /** Where the first part leaves H and R. */
  h: number;
  r: number;
}

const JACOBIAN_PARAMS = ["x", "y", "z", "zz", "zzz", "neg"] as const;
const AFFINE_PARAMS = ["x", "y", "neg"] as const;

export function additionFormulas({ x: AX, y: AY, z: AZ, scratch }: AdditionRegisters): AdditionFormulas {
  const [Z1Z1, U1, U2, S1, S2, H, R, HH, HHH, V] = scratch as [number, number, number, number, number, number, number, number, number, number];
  return {
    jacobianStart: [
      ["sqr", Z1Z1, AZ],
      ["mul", U1, AX, "zz"], ["mul", U2, "x", Z1Z1],
      ["mul", S1, AY, "zzz"], ["mul", Z1Z1, Z1Z1, AZ], // Z1³
      ["mul", S2, "y", Z1Z1],
      ["ifParam", "neg", [["add", R, S2, S1], ["neg", R, R]], [["sub", R, S2, S1]]], // R = (-S2) - S1 for -P
      ["sub", H, U2, U1],
    ],
    jacobianEnd: [
      ["sqr", HH, H], ["mul", HHH, H, HH], ["mul", V, U1, HH],
      ["sqr", AX, R], ["sub", AX, AX, HHH], ["sub", AX, AX, V], ["sub", AX, AX, V], // X3 = R² - H³ - 2·U1·H²
      ["sub", V, V, AX], ["mul", V, R, V], ["mul", S1, S1, HHH], ["sub", AY, V, S1], // Y3 = R(U1·H² - X3) - S1·H³
      ["mul", AZ, AZ, "z"], ["mul", AZ, AZ, H], // Z3 = Z1·Z2·H
    ],
    affineStart: [
      ["sqr", Z1Z1, AZ], ["mul", U2, "x", Z1Z1],
      ["mul", Z1Z1, Z1Z1, AZ], ["mul", S2, "y", Z1Z1],
      ["ifParam", "neg", [["add", R, S2, AY], ["neg", R, R]], [["sub", R, S2, AY]]],
      ["sub", H, U2, AX],
    ],
    affineEnd: [
      ["sqr", HH, H], ["mul", HHH, H, HH], ["mul", V, AX, HH],
      ["sqr", AX, R], ["sub", AX, AX, HHH], ["sub", AX, AX, V], ["sub", AX, AX, V],
      ["sub", V, V, AX], ["mul", V, R, V], ["mul", HHH, AY, HHH], ["sub", AY, V, HHH],
      ["mul", AZ, AZ, H],
    ],
    h: H,
    r: R,
  };
}

/**
 * The programs of WalkModule but the doubling, from `formulas`, and accZPowers(zz, zzz):
 * zz = Z², zzz = Z³ of the accumulator's `z`.
 */
export function walkPrograms(formulas: AdditionFormulas, z: number): Program[] {
  return [
    { name: "addJacobian", params: JACOBIAN_PARAMS, ops: [...formulas.jacobianStart, ...formulas.jacobianEnd] },
    { name: "addJacobianStart", params: JACOBIAN_PARAMS, ops: formulas.jacobianStart },
    { name: "addJacobianEnd", params: JACOBIAN_PARAMS, ops: formulas.jacobianEnd },
    { name: "addAffine", params: AFFINE_PARAMS, ops: [...formulas.affineStart, ...formulas.affineEnd] },
    { name: "addAffineStart", params: AFFINE_PARAMS, ops: formulas.affineStart },
    { name: "addAffineEnd", params: AFFINE_PARAMS, ops: formulas.affineEnd },
    { name: "accZPowers", params: ["zz", "zzz"], ops: [["sqr", "zz", z], ["mul", "zzz", "zz", z]] },
  ];
}

/** The compiled programs an accumulator calls (the formulas above, and a doubling). */
export interface WalkModule {
  dbl(): void;
  addJacobian(x: number, y: number, z: number, zz: number, zzz: number, neg: number): void;
  addJacobianStart(x: number, y: number, z: number, zz: number, zzz: number, neg: number): void;
  addJacobianEnd(x: number, y: number, z: number, zz: number, zzz: number, neg: number): void;
  addAffine(x: number, y: number, neg: number): void;
  addAffineStart(x: number, y: number, neg: number): void;
  addAffineEnd(x: number, y: number, neg: number): void;
  fcopy(o: number, a: number): void;
  fneg(o: number, a: number): void;
}

/**
 * The accumulator of a multi-scalar walk: the registers x, y, z, or the point at infinity.
 * Unchecked (the default), an addition's exceptional case (acc = ±P, H ≡ 0) yields Z ≡ 0, which
 * every later doubling and addition keeps; a walk tests Z once at the end and is redone with
 * `checked` set only then (only inputs built for it get there).
 */
export class Accumulator {
  infinity = true;
  checked = false;

  constructor(
    private readonly W: WalkModule,
    private readonly acc: { x: number; y: number; z: number; one: number },
    private readonly formulas: AdditionFormulas,
    /** Whether a register's element is 0. */
    private readonly isZero: (a: number) => boolean,
  ) {}

  /** acc = 2·acc. */
  dbl(): void {
    if (!this.infinity) this.W.dbl();
  }

  /** acc = ±(x, y, z), whatever it was. */
  set(x: number, y: number, z: number, negate: boolean): void {
    const { W, acc } = this;
    W.fcopy(acc.x, x);
    if (negate) W.fneg(acc.y, y);
    else W.fcopy(acc.y, y);
    W.fcopy(acc.z, z);
    this.infinity = false;
  }

  /** acc += ±(x, y, z) for a Jacobian point whose Z², Z³ are given. */
  addJacobian(x: number, y: number, z: number, zz: number, zzz: number, negate: boolean): void {
    if (this.infinity) return this.set(x, y, z, negate);
    const neg = negate ? 1 : 0;
    if (!this.checked) return this.W.addJacobian(x, y, z, zz, zzz, neg);
    this.W.addJacobianStart(x, y, z, zz, zzz, neg);
    if (!this.exceptional()) this.W.addJacobianEnd(x, y, z, zz, zzz, neg);
  }

  /** acc += ±(x, y) for an affine point. */
  addAffine(x: number, y: number, negate: boolean): void {
    if (this.infinity) return this.set(x, y, this.acc.one, negate);
    const neg = negate ? 1 : 0;
    if (!this.checked) return this.W.addAffine(x, y, neg);
    this.W.addAffineStart(x, y, neg);
    if (!this.exceptional()) this.W.addAffineEnd(x, y, neg);
  }

  /** After the first part of a checked addition: whether it was exceptional (then it is done). */
  private exceptional(): boolean {
    if (!this.isZero(this.formulas.h)) return false;
    if (this.isZero(this.formulas.r)) this.dbl(); // acc = P: the sum is 2·acc
    else this.infinity = true; // acc = -P
    return true;
  }
}
