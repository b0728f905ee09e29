// Point additions in Jacobian coordinates (X, Y, Z) ↦ (X/Z², Y/Z³) as field programs
// (./fieldWasm.ts) for any short Weierstrass curve: add-1998-cmo-2, which does not use the
// curve's a. The accumulator is added ±P in place, in two parts: the first leaves H = U2 - U1 and
// R = S2 - S1 in registers where a checked walk tests for the exceptional cases (H ≡ 0: acc = ±P)
// before the second; where nobody checks, H ≡ 0 leaves Z = 0, which stays 0 to the end.
import type { FieldOp } from "./fieldWasm.js";

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

export const JACOBIAN_PARAMS = ["x", "y", "z", "zz", "zzz", "neg"] as const;
export const AFFINE_PARAMS = ["x", "y", "neg"] as const;

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
