// 0x06 ecAdd, 0x07 ecMul, 0x08 ecPairing on the alt_bn128 (BN254) curve: EIP-196 and EIP-197,
// repriced by EIP-1108 (prices come from rules.precompileGas).
//
// Encodings: an Fp element is a 32-byte big-endian word that must be < p; a G1 point is x || y and
// (0, 0) is the point at infinity; a G2 point is x || y over Fp2, each Fp2 element written as
// imaginary part then real part, and all-zero is the point at infinity. Any other point must be
// on its curve, and a G2 point must also be in the order-r subgroup (G1 has cofactor 1).
// A malformed point is a failure of the call.
import { bn254 as curve } from "@noble/curves/bn254.js";
import type { ForkRules } from "../forks.js";
import { bigintToPadded, bytesToBigint, failure, slicePadded, success, type PrecompileResult } from "./common.js";

const G1 = curve.G1.Point;
const G2 = curve.G2.Point;
const Fp2 = curve.fields.Fp2;
const Fp12 = curve.fields.Fp12;
const P = curve.fields.Fp.ORDER;
const R = curve.fields.Fr.ORDER;

type G1Point = InstanceType<typeof G1>;
type G2Point = InstanceType<typeof G2>;
interface PairingTerm {
  g1: G1Point;
  g2: G2Point;
}

const PAIR_SIZE = 192; // a G1 point (64 bytes) then a G2 point (128 bytes)

export function ecAdd(input: Uint8Array, gasLimit: number, rules: ForkRules): PrecompileResult {
  const cost = rules.precompileGas.ecAdd;
  if (cost > gasLimit) return failure(gasLimit);
  const data = slicePadded(input, 0, 128);
  const a = readG1(data, 0);
  const b = readG1(data, 64);
  if (a === null || b === null) return failure(gasLimit);
  return success(cost, writeG1(a.add(b)));
}

export function ecMul(input: Uint8Array, gasLimit: number, rules: ForkRules): PrecompileResult {
  const cost = rules.precompileGas.ecMul;
  if (cost > gasLimit) return failure(gasLimit);
  const data = slicePadded(input, 0, 96);
  const point = readG1(data, 0);
  if (point === null) return failure(gasLimit);
  // The scalar is any 256-bit value; G1 has order r, so it acts modulo r.
  const scalar = bytesToBigint(data.subarray(64, 96)) % R;
  return success(cost, writeG1(scalar === 0n || point.is0() ? G1.ZERO : point.multiplyUnsafe(scalar)));
}

/** Returns the word 1 when the product of the pairings of all (G1, G2) pairs is 1, else 0. */
export function ecPairing(input: Uint8Array, gasLimit: number, rules: ForkRules): PrecompileResult {
  if (input.length % PAIR_SIZE !== 0) return failure(gasLimit);
  const pairs = input.length / PAIR_SIZE;
  const cost = rules.precompileGas.ecPairingBase + rules.precompileGas.ecPairingPerPoint * pairs;
  if (cost > gasLimit) return failure(gasLimit);
  const terms: PairingTerm[] = [];
  for (let offset = 0; offset < input.length; offset += PAIR_SIZE) {
    const g1 = readG1(input, offset);
    const g2 = readG2(input, offset + 64);
    if (g1 === null || g2 === null) return failure(gasLimit);
    // A pair with the point at infinity on either side pairs to 1 (and the library rejects it).
    if (!g1.is0() && !g2.is0()) terms.push({ g1, g2 });
  }
  const product = curve.pairingBatch(terms); // 1 for no terms
  const out = new Uint8Array(32);
  out[31] = Fp12.eql(product, Fp12.ONE) ? 1 : 0;
  return success(cost, out);
}

/** The G1 point in 64 bytes at `offset`, or null when a coordinate is >= p or it is off the curve. */
function readG1(data: Uint8Array, offset: number): G1Point | null {
  const x = bytesToBigint(data.subarray(offset, offset + 32));
  const y = bytesToBigint(data.subarray(offset + 32, offset + 64));
  if (x >= P || y >= P) return null;
  if (x === 0n && y === 0n) return G1.ZERO;
  try {
    const point = G1.fromAffine({ x, y });
    point.assertValidity(); // on the curve
    return point;
  } catch {
    return null;
  }
}

/** The G2 point in 128 bytes at `offset`, or null when invalid (see the header). */
function readG2(data: Uint8Array, offset: number): G2Point | null {
  const xIm = bytesToBigint(data.subarray(offset, offset + 32));
  const xRe = bytesToBigint(data.subarray(offset + 32, offset + 64));
  const yIm = bytesToBigint(data.subarray(offset + 64, offset + 96));
  const yRe = bytesToBigint(data.subarray(offset + 96, offset + 128));
  if (xIm >= P || xRe >= P || yIm >= P || yRe >= P) return null;
  if (xIm === 0n && xRe === 0n && yIm === 0n && yRe === 0n) return G2.ZERO;
  try {
    const point = G2.fromAffine({ x: Fp2.fromBigTuple([xRe, xIm]), y: Fp2.fromBigTuple([yRe, yIm]) });
    point.assertValidity(); // on the twist and in the order-r subgroup (noble checks both)
    return point;
  } catch {
    return null;
  }
}

function writeG1(point: G1Point): Uint8Array {
  const out = new Uint8Array(64);
  if (point.is0()) return out;
  const { x, y } = point.toAffine();
  out.set(bigintToPadded(x, 32), 0);
  out.set(bigintToPadded(y, 32), 32);
  return out;
}
