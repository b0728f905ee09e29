// 0x06-0x08 alt_bn128 add, scalar mul and pairing check: EIP-196/197, prices by EIP-1108.
import { bn254 as curve } from "@noble/curves/bn254.js";
import type { ForkRules } from "../forks.js";
import { bigintToBytes, bytesToBigint, charged, failure, slicePadded, type PrecompileResult } from "./common.js";

const G1 = curve.G1.Point;
const G2 = curve.G2.Point;
const Fp2 = curve.fields.Fp2;
const Fp12 = curve.fields.Fp12;
const P = curve.fields.Fp.ORDER;
const R = curve.fields.Fr.ORDER;

type G1Point = InstanceType<typeof G1>;
type G2Point = InstanceType<typeof G2>;

/** A G1 point from 64 bytes, or null when a coordinate is out of range or off the curve. */
function readG1(data: Uint8Array, offset: number): G1Point | null {
  const x = bytesToBigint(data.subarray(offset, offset + 32));
  const y = bytesToBigint(data.subarray(offset + 32, offset + 64));
  if (x >= P || y >= P) return null;
  if (x === 0n && y === 0n) return G1.ZERO;
  try {
    const point = G1.fromAffine({ x, y });
    point.assertValidity();
    return point;
  } catch {
    return null;
  }
}

/** A G2 point from 128 bytes (each Fp2 element imaginary part first), or null when invalid. */
function readG2(data: Uint8Array, offset: number): G2Point | null {
  const c = [0, 1, 2, 3].map((i) => bytesToBigint(data.subarray(offset + 32 * i, offset + 32 * i + 32)));
  if (c.some((v) => v >= P)) return null;
  if (c.every((v) => v === 0n)) return G2.ZERO;
  try {
    const point = G2.fromAffine({ x: Fp2.fromBigTuple([c[1]!, c[0]!]), y: Fp2.fromBigTuple([c[3]!, c[2]!]) });
    point.assertValidity();
    if (!point.isTorsionFree()) return null;
    return point;
  } catch {
    return null;
  }
}

function writeG1(point: G1Point): Uint8Array {
  const out = new Uint8Array(64);
  if (point.is0()) return out;
  const { x, y } = point.toAffine();
  out.set(bigintToBytes(x, 32), 0);
  out.set(bigintToBytes(y, 32), 32);
  return out;
}

export function ecAdd(input: Uint8Array, gasLimit: number, rules: ForkRules): PrecompileResult {
  return charged(rules.precompileGas.ecAdd, gasLimit, () => {
    const data = slicePadded(input, 0, 128);
    const a = readG1(data, 0);
    const b = readG1(data, 64);
    return a === null || b === null ? null : writeG1(a.add(b));
  });
}

export function ecMul(input: Uint8Array, gasLimit: number, rules: ForkRules): PrecompileResult {
  return charged(rules.precompileGas.ecMul, gasLimit, () => {
    const data = slicePadded(input, 0, 96);
    const point = readG1(data, 0);
    if (point === null) return null;
    const scalar = bytesToBigint(data.subarray(64, 96)) % R;
    return writeG1(scalar === 0n || point.is0() ? G1.ZERO : point.multiplyUnsafe(scalar));
  });
}

export function ecPairing(input: Uint8Array, gasLimit: number, rules: ForkRules): PrecompileResult {
  if (input.length % 192 !== 0) return failure(gasLimit);
  const pairs = input.length / 192;
  const cost = rules.precompileGas.ecPairingBase + rules.precompileGas.ecPairingPerPoint * pairs;
  return charged(cost, gasLimit, () => {
    const batch: { g1: G1Point; g2: G2Point }[] = [];
    for (let i = 0; i < pairs; i++) {
      const g1 = readG1(input, 192 * i);
      const g2 = readG2(input, 192 * i + 64);
      if (g1 === null || g2 === null) return null;
      if (!g1.is0() && !g2.is0()) batch.push({ g1, g2 });
    }
    const product = batch.length === 0 ? Fp12.ONE : curve.pairingBatch(batch);
    const out = new Uint8Array(32);
    out[31] = Fp12.eql(product, Fp12.ONE) ? 1 : 0;
    return out;
  });
}
