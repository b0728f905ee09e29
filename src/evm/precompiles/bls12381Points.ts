// Encoding and validation of BLS12-381 field elements and points for the EIP-2537 precompiles, as
// values of the process's mcl-wasm instance on BLS12-381 (mclBls12381.ts).
//
// An Fp element is 64 big-endian bytes: 16 zero bytes, then the value, which must be < p. An Fp2
// element c0 + c1 * u is encode(c0) || encode(c1). A point is x || y (128 bytes in G1, 256 in G2),
// and all-zero bytes are the point at infinity ((0, 0) is on neither curve). Any other point must
// satisfy its curve equation; the MSM and pairing precompiles also require it to be in the order-r
// subgroup, the additions do not.
//
// Points are built from their coordinates and checked here: the curve equation computed in Fp or
// Fp2, the subgroup by isValidOrder(). Nothing here depends on the instance's settings (which make
// isValid() and deserialize() check the subgroup, and set the byte order of serialize()), so a
// point reads the same for the additions, which must not check the subgroup, as for the others.
import type { Fp, Fp2, G1, G2 } from "mcl-wasm";
import { mcl } from "./mclBls12381.js";

export type { G1 as G1Point, G2 as G2Point } from "mcl-wasm";

export const FP_SIZE = 64;
export const G1_SIZE = 128;
export const G2_SIZE = 256;

/** The value's bytes in an Fp element's encoding: the 48 after the 16 zero bytes. */
const VALUE_OFFSET = 16;
const VALUE_SIZE = 48;
/** The base field modulus p, as VALUE_SIZE big-endian bytes. */
const P_BYTES = Buffer.from(
  "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab",
  "hex",
);

const FP_ONE = new mcl.Fp();
FP_ONE.setInt(1);
const FP2_ONE = new mcl.Fp2();
FP2_ONE.setInt(1, 0);
const B1 = new mcl.Fp(); // G1: y^2 = x^3 + 4
B1.setInt(4);
const B2 = new mcl.Fp2(); // G2: y^2 = x^3 + 4(1 + u)
B2.setInt(4, 4);

/** The Fp element in the 64 bytes at `offset`, or null when its top 16 bytes are not zero or it is >= p. */
export function readFp(input: Uint8Array, offset: number): Fp | null {
  for (let i = offset; i < offset + VALUE_OFFSET; i++) if (input[i] !== 0) return null;
  const value = Buffer.from(input.buffer, input.byteOffset + offset + VALUE_OFFSET, VALUE_SIZE);
  if (Buffer.compare(value, P_BYTES) >= 0) return null;
  const element = new mcl.Fp();
  element.setStr(value.toString("hex"), 16); // the quickest way in: faster than setBigEndianMod
  return element;
}

/** The Fp2 element in the 128 bytes at `offset` (c0 then c1), or null when a part is malformed. */
export function readFp2(input: Uint8Array, offset: number): Fp2 | null {
  const c0 = readFp(input, offset);
  const c1 = readFp(input, offset + FP_SIZE);
  if (c0 === null || c1 === null) return null;
  const element = new mcl.Fp2();
  element.set_a(c0);
  element.set_b(c1);
  return element;
}

/**
 * The G1 point in the 128 bytes at `offset`, or null when a coordinate is malformed, the point is
 * off the curve, or (with `subgroupCheck`) it is outside the order-r subgroup.
 */
export function readG1(input: Uint8Array, offset: number, subgroupCheck: boolean): G1 | null {
  const x = readFp(input, offset);
  const y = readFp(input, offset + FP_SIZE);
  if (x === null || y === null) return null;
  const point = new mcl.G1(); // the point at infinity
  if (x.isZero() && y.isZero()) return point;
  if (!mcl.sqr(y).isEqual(mcl.add(mcl.mul(mcl.sqr(x), x), B1))) return null;
  point.setX(x);
  point.setY(y);
  point.setZ(FP_ONE);
  return subgroupCheck && !point.isValidOrder() ? null : point;
}

/** The G2 point in the 256 bytes at `offset`, or null when invalid (as readG1). */
export function readG2(input: Uint8Array, offset: number, subgroupCheck: boolean): G2 | null {
  const x = readFp2(input, offset);
  const y = readFp2(input, offset + 2 * FP_SIZE);
  if (x === null || y === null) return null;
  const point = new mcl.G2(); // the point at infinity
  if (x.isZero() && y.isZero()) return point;
  if (!mcl.sqr(y).isEqual(mcl.add(mcl.mul(mcl.sqr(x), x), B2))) return null;
  point.setX(x);
  point.setY(y);
  point.setZ(FP2_ONE);
  return subgroupCheck && !point.isValidOrder() ? null : point;
}

/** `point` as 128 bytes; the point at infinity is all zero. */
export function encodeG1(point: G1): Uint8Array {
  return encodeAffine(point, G1_SIZE);
}

/** `point` as 256 bytes (x.c0, x.c1, y.c0, y.c1); the point at infinity is all zero. */
export function encodeG2(point: G2): Uint8Array {
  return encodeAffine(point, G2_SIZE);
}

/**
 * The affine coordinates of `point` in `size` bytes. getStr(16) normalizes the point and writes
 * "1 x y" in G1 and "1 x.c0 x.c1 y.c0 y.c1" in G2 (lowercase hex without leading zeros), or "0"
 * for the point at infinity; it does not depend on the serialization setting, as serialize() does.
 */
function encodeAffine(point: G1 | G2, size: number): Uint8Array {
  const out = new Uint8Array(size);
  if (point.isZero()) return out;
  const view = Buffer.from(out.buffer, out.byteOffset, size);
  const parts = point.getStr(16).split(" ");
  for (let i = 1; i < parts.length; i++) {
    view.write(parts[i]!.padStart(2 * VALUE_SIZE, "0"), (i - 1) * FP_SIZE + VALUE_OFFSET, "hex");
  }
  return out;
}
