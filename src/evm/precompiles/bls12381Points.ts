// Encoding and validation of BLS12-381 field elements and points for the EIP-2537 precompiles.
//
// An Fp element is 64 big-endian bytes: 16 zero bytes, then the value, which must be < p. An Fp2
// element c0 + c1 * u is encode(c0) || encode(c1). A point is x || y (128 bytes in G1, 256 in G2),
// and all-zero bytes are the point at infinity ((0, 0) is on neither curve). Any other point must
// satisfy its curve equation; the MSM and pairing precompiles also require it to be in the order-r
// subgroup, the additions do not.
import { bls12_381 } from "@noble/curves/bls12-381.js";
import type { Fp2 } from "@noble/curves/abstract/tower.js";
import type { WeierstrassPoint, WeierstrassPointCons } from "@noble/curves/abstract/weierstrass.js";
import { bytesToBigint } from "./common.js";

export type G1Point = WeierstrassPoint<bigint>;
export type G2Point = WeierstrassPoint<Fp2>;

const { Fp, Fp2: F2 } = bls12_381.fields;
export const G1: WeierstrassPointCons<bigint> = bls12_381.G1.Point;
export const G2: WeierstrassPointCons<Fp2> = bls12_381.G2.Point;

/** The base field modulus p. */
export const P = Fp.ORDER;
/** The order r of the G1 and G2 subgroups. */
export const R = bls12_381.fields.Fr.ORDER;

export const FP_SIZE = 64;
export const G1_SIZE = 128;
export const G2_SIZE = 256;

const B1 = 4n; // G1: y^2 = x^3 + 4
const B2: Fp2 = F2.fromBigTuple([4n, 4n]); // G2: y^2 = x^3 + 4(1 + u)

/** The Fp element in the 64 bytes at `offset`, or null when its top 16 bytes are not zero or it is >= p. */
export function readFp(input: Uint8Array, offset: number): bigint | null {
  for (let i = offset; i < offset + 16; i++) if (input[i] !== 0) return null;
  const value = bytesToBigint(input.subarray(offset + 16, offset + FP_SIZE));
  return value < P ? value : null;
}

/**
 * The G1 point in the 128 bytes at `offset`, or null when a coordinate is malformed, the point is
 * off the curve, or (with `subgroupCheck`) it is outside the order-r subgroup.
 */
export function readG1(input: Uint8Array, offset: number, subgroupCheck: boolean): G1Point | null {
  const x = readFp(input, offset);
  const y = readFp(input, offset + FP_SIZE);
  if (x === null || y === null) return null;
  if (x === 0n && y === 0n) return G1.ZERO;
  // Checked before the point is built: noble rejects y = 0 with a throw, and no point of the
  // curve has y = 0 (its order is odd).
  if (Fp.sqr(y) !== Fp.add(Fp.mul(Fp.sqr(x), x), B1)) return null;
  const point = G1.fromAffine({ x, y });
  return subgroupCheck && !point.isTorsionFree() ? null : point;
}

/** The G2 point in the 256 bytes at `offset`, or null when invalid (as readG1). */
export function readG2(input: Uint8Array, offset: number, subgroupCheck: boolean): G2Point | null {
  const x = readFp2(input, offset);
  const y = readFp2(input, offset + 2 * FP_SIZE);
  if (x === null || y === null) return null;
  if (F2.is0(x) && F2.is0(y)) return G2.ZERO;
  if (!F2.eql(F2.sqr(y), F2.add(F2.mul(F2.sqr(x), x), B2))) return null;
  const point = G2.fromAffine({ x, y });
  return subgroupCheck && !point.isTorsionFree() ? null : point;
}

/** The Fp2 element in the 128 bytes at `offset` (c0 then c1), or null when a part is malformed. */
export function readFp2(input: Uint8Array, offset: number): Fp2 | null {
  const c0 = readFp(input, offset);
  const c1 = readFp(input, offset + FP_SIZE);
  return c0 === null || c1 === null ? null : { c0, c1 };
}

/** `point` as 128 bytes; the point at infinity is all zero. */
export function encodeG1(point: G1Point): Uint8Array {
  const out = new Uint8Array(G1_SIZE);
  if (point.is0()) return out;
  const { x, y } = point.toAffine();
  writeFp(out, 0, x);
  writeFp(out, FP_SIZE, y);
  return out;
}

/** `point` as 256 bytes; the point at infinity is all zero. */
export function encodeG2(point: G2Point): Uint8Array {
  const out = new Uint8Array(G2_SIZE);
  if (point.is0()) return out;
  const { x, y } = point.toAffine();
  writeFp(out, 0, x.c0);
  writeFp(out, FP_SIZE, x.c1);
  writeFp(out, 2 * FP_SIZE, y.c0);
  writeFp(out, 3 * FP_SIZE, y.c1);
  return out;
}

/** Writes `value` (< p) as the 64-byte encoding at `offset` of a zeroed `out`, six bytes at a time. */
function writeFp(out: Uint8Array, offset: number, value: bigint): void {
  let rest = value;
  for (let end = offset + FP_SIZE; end > offset + 16; end -= 6) {
    let chunk = Number(rest & 0xffffffffffffn);
    rest >>= 48n;
    for (let i = end - 1; i >= end - 6; i--) {
      out[i] = chunk % 256;
      chunk = Math.floor(chunk / 256);
    }
  }
}
