// The EIP-2537 precompiles on @noble/curves: the implementation that src/evm/precompiles ran
// before it moved to mcl-wasm (bls12381.ts), kept as the test oracle. noble and mcl are separate
// code bases, so the two agreeing on random valid and invalid input (bls12381.test.ts) checks
// mcl's curve arithmetic, maps and subgroup checks as well as our encodings.
//
// Encodings: an Fp element is 64 big-endian bytes, 16 zero bytes and then the value, which must be
// < p; an Fp2 element c0 + c1 * u is encode(c0) || encode(c1); a point is x || y (128 bytes in G1,
// 256 in G2), all-zero bytes being the point at infinity. Any other point must satisfy its curve
// equation; MSM and pairing also require it to be in the order-r subgroup, the additions do not.
// Every input has an exact length; a wrong length, a malformed point or too little gas is a
// failure that consumes all the call's gas.
import { mulAddUnsafe, pippenger } from "@noble/curves/abstract/curve.js";
import type { Fp2 } from "@noble/curves/abstract/tower.js";
import type { WeierstrassPoint, WeierstrassPointCons } from "@noble/curves/abstract/weierstrass.js";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { bytesToBigint, failure, success, type Precompile, type PrecompileResult } from "../../../src/evm/precompiles/common.js";

// ---- encodings and point checks ----

type G1Point = WeierstrassPoint<bigint>;
type G2Point = WeierstrassPoint<Fp2>;

const { Fp, Fp2: F2 } = bls12_381.fields;
const G1: WeierstrassPointCons<bigint> = bls12_381.G1.Point;
const G2: WeierstrassPointCons<Fp2> = bls12_381.G2.Point;

/** The base field modulus p. */
const P = Fp.ORDER;
/** The order r of the G1 and G2 subgroups. */
const R = bls12_381.fields.Fr.ORDER;

const FP_SIZE = 64;
const G1_SIZE = 128;
const G2_SIZE = 256;

const B1 = 4n; // G1: y^2 = x^3 + 4
const B2: Fp2 = F2.fromBigTuple([4n, 4n]); // G2: y^2 = x^3 + 4(1 + u)

/** The Fp element in the 64 bytes at `offset`, or null when its top 16 bytes are not zero or it is >= p. */
function readFp(input: Uint8Array, offset: number): bigint | null {
  for (let i = offset; i < offset + 16; i++) if (input[i] !== 0) return null;
  const value = bytesToBigint(input.subarray(offset + 16, offset + FP_SIZE));
  return value < P ? value : null;
}

/**
 * The G1 point in the 128 bytes at `offset`, or null when a coordinate is malformed, the point is
 * off the curve, or (with `subgroupCheck`) it is outside the order-r subgroup.
 */
function readG1(input: Uint8Array, offset: number, subgroupCheck: boolean): G1Point | null {
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
function readG2(input: Uint8Array, offset: number, subgroupCheck: boolean): G2Point | null {
  const x = readFp2(input, offset);
  const y = readFp2(input, offset + 2 * FP_SIZE);
  if (x === null || y === null) return null;
  if (F2.is0(x) && F2.is0(y)) return G2.ZERO;
  if (!F2.eql(F2.sqr(y), F2.add(F2.mul(F2.sqr(x), x), B2))) return null;
  const point = G2.fromAffine({ x, y });
  return subgroupCheck && !point.isTorsionFree() ? null : point;
}

/** The Fp2 element in the 128 bytes at `offset` (c0 then c1), or null when a part is malformed. */
function readFp2(input: Uint8Array, offset: number): Fp2 | null {
  const c0 = readFp(input, offset);
  const c1 = readFp(input, offset + FP_SIZE);
  return c0 === null || c1 === null ? null : { c0, c1 };
}

/** `point` as 128 bytes; the point at infinity is all zero. */
function encodeG1(point: G1Point): Uint8Array {
  const out = new Uint8Array(G1_SIZE);
  if (point.is0()) return out;
  const { x, y } = point.toAffine();
  writeFp(out, 0, x);
  writeFp(out, FP_SIZE, y);
  return out;
}

/** `point` as 256 bytes; the point at infinity is all zero. */
function encodeG2(point: G2Point): Uint8Array {
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

// ---- the precompiles ----

const G1_ADD_GAS = 375;
const G2_ADD_GAS = 600;
const G1_MUL_GAS = 12000;
const G2_MUL_GAS = 22500;
const PAIRING_BASE_GAS = 37700;
const PAIRING_PER_PAIR_GAS = 32600;
const MAP_FP_TO_G1_GAS = 5500;
const MAP_FP2_TO_G2_GAS = 23800;

// MSM price: k * mulGas * discount(k) / 1000 (integer division), discount(k) the k-th entry of the
// group's table for k <= 128, its max discount (the last entry) beyond.
const DISCOUNT_MULTIPLIER = 1000;
// prettier-ignore
const G1_DISCOUNTS: readonly number[] = [
  1000, 949, 848, 797, 764, 750, 738, 728, 719, 712, 705, 698, 692, 687, 682, 677, 673, 669, 665, 661,
  658, 654, 651, 648, 645, 642, 640, 637, 635, 632, 630, 627, 625, 623, 621, 619, 617, 615, 613, 611,
  609, 608, 606, 604, 603, 601, 599, 598, 596, 595, 593, 592, 591, 589, 588, 586, 585, 584, 582, 581,
  580, 579, 577, 576, 575, 574, 573, 572, 570, 569, 568, 567, 566, 565, 564, 563, 562, 561, 560, 559,
  558, 557, 556, 555, 554, 553, 552, 551, 550, 549, 548, 547, 547, 546, 545, 544, 543, 542, 541, 540,
  540, 539, 538, 537, 536, 536, 535, 534, 533, 532, 532, 531, 530, 529, 528, 528, 527, 526, 525, 525,
  524, 523, 522, 522, 521, 520, 520, 519,
];
// prettier-ignore
const G2_DISCOUNTS: readonly number[] = [
  1000, 1000, 923, 884, 855, 832, 812, 796, 782, 770, 759, 749, 740, 732, 724, 717, 711, 704, 699, 693,
  688, 683, 679, 674, 670, 666, 663, 659, 655, 652, 649, 646, 643, 640, 637, 634, 632, 629, 627, 624,
  622, 620, 618, 615, 613, 611, 609, 607, 606, 604, 602, 600, 598, 597, 595, 593, 592, 590, 589, 587,
  586, 584, 583, 582, 580, 579, 578, 576, 575, 574, 573, 571, 570, 569, 568, 567, 566, 565, 563, 562,
  561, 560, 559, 558, 557, 556, 555, 554, 553, 552, 552, 551, 550, 549, 548, 547, 546, 545, 545, 544,
  543, 542, 541, 541, 540, 539, 538, 537, 537, 536, 535, 535, 534, 533, 532, 532, 531, 530, 530, 529,
  528, 528, 527, 526, 526, 525, 524, 524,
];

// Up to this many terms an MSM shares one doubling chain over per-point wNAF tables (Straus);
// beyond, Pippenger's buckets are faster (timed: equal at 128 G1 terms, Straus 1.7x faster at 32).
const STRAUS_MAX_TERMS = 128;

/** What the add and MSM precompiles need of G1 or G2. */
interface Group<T> {
  readonly Point: WeierstrassPointCons<T>;
  readonly pointSize: number;
  readonly addGas: number;
  readonly mulGas: number;
  readonly discounts: readonly number[];
  read(input: Uint8Array, offset: number, subgroupCheck: boolean): WeierstrassPoint<T> | null;
  encode(point: WeierstrassPoint<T>): Uint8Array;
}

const G1_GROUP: Group<bigint> = {
  Point: G1,
  pointSize: G1_SIZE,
  addGas: G1_ADD_GAS,
  mulGas: G1_MUL_GAS,
  discounts: G1_DISCOUNTS,
  read: readG1,
  encode: encodeG1,
};

const G2_GROUP: Group<Fp2> = {
  Point: G2,
  pointSize: G2_SIZE,
  addGas: G2_ADD_GAS,
  mulGas: G2_MUL_GAS,
  discounts: G2_DISCOUNTS,
  read: readG2,
  encode: encodeG2,
};

export const nobleG1Add: Precompile = (input, gasLimit) => add(G1_GROUP, input, gasLimit);
export const nobleG2Add: Precompile = (input, gasLimit) => add(G2_GROUP, input, gasLimit);
export const nobleG1Msm: Precompile = (input, gasLimit) => msm(G1_GROUP, input, gasLimit);
export const nobleG2Msm: Precompile = (input, gasLimit) => msm(G2_GROUP, input, gasLimit);

function msmPrice(mulGas: number, discounts: readonly number[], k: number): number {
  if (k === 0) return 0;
  const discount = discounts[Math.min(k, discounts.length) - 1]!;
  const product = k * mulGas * discount; // exact: below 2^53 for any input that fits in memory
  return (product - (product % DISCOUNT_MULTIPLIER)) / DISCOUNT_MULTIPLIER;
}

/** The sum of two points on the curve (no subgroup check). */
function add<T>(group: Group<T>, input: Uint8Array, gasLimit: number): PrecompileResult {
  if (input.length !== 2 * group.pointSize || group.addGas > gasLimit) return failure(gasLimit);
  const a = group.read(input, 0, false);
  const b = group.read(input, group.pointSize, false);
  if (a === null || b === null) return failure(gasLimit);
  return success(group.addGas, group.encode(a.add(b)));
}

/** The sum of point_i * scalar_i over the (point, 32-byte scalar) pairs of the input. */
function msm<T>(group: Group<T>, input: Uint8Array, gasLimit: number): PrecompileResult {
  const pairSize = group.pointSize + 32;
  const k = Math.floor(input.length / pairSize);
  if (k === 0 || input.length !== k * pairSize) return failure(gasLimit);
  const cost = msmPrice(group.mulGas, group.discounts, k);
  if (cost > gasLimit) return failure(gasLimit);
  // Every point is checked before any arithmetic; terms that contribute nothing are dropped.
  const points: WeierstrassPoint<T>[] = [];
  const scalars: bigint[] = [];
  for (let offset = 0; offset < input.length; offset += pairSize) {
    const point = group.read(input, offset, true);
    if (point === null) return failure(gasLimit);
    const scalar = bytesToBigint(input.subarray(offset + group.pointSize, offset + pairSize)) % R;
    if (scalar === 0n || point.is0()) continue;
    points.push(point);
    scalars.push(scalar);
  }
  return success(cost, group.encode(multiScalarMul(group.Point, points, scalars)));
}

function multiScalarMul<T>(Point: WeierstrassPointCons<T>, points: WeierstrassPoint<T>[], scalars: bigint[]): WeierstrassPoint<T> {
  if (points.length === 0) return Point.ZERO;
  if (points.length === 1) return points[0]!.multiplyUnsafe(scalars[0]!);
  return points.length <= STRAUS_MAX_TERMS ? mulAddUnsafe(Point, points, scalars) : pippenger(Point, points, scalars);
}

const PAIR_SIZE = G1_SIZE + G2_SIZE;
const { Fp12 } = bls12_381.fields;
type Precompute = ReturnType<typeof bls12_381.utils.calcPairingPrecomputes>;

/** Returns the word 1 when the product of the pairings of all (G1, G2) pairs is 1, else 0. */
export const noblePairing: Precompile = (input, gasLimit) => {
  const k = Math.floor(input.length / PAIR_SIZE);
  if (k === 0 || input.length !== k * PAIR_SIZE) return failure(gasLimit);
  const cost = PAIRING_BASE_GAS + PAIRING_PER_PAIR_GAS * k;
  if (cost > gasLimit) return failure(gasLimit);
  // Every point is checked before any pairing is computed; a pair with the point at infinity on
  // either side pairs to 1.
  const g1s: G1Point[] = [];
  const g2s: G2Point[] = [];
  for (let offset = 0; offset < input.length; offset += PAIR_SIZE) {
    const g1 = readG1(input, offset, true);
    const g2 = readG2(input, offset + G1_SIZE, true);
    if (g1 === null || g2 === null) return failure(gasLimit);
    if (g1.is0() || g2.is0()) continue;
    g1s.push(g1);
    g2s.push(g2);
  }
  const out = new Uint8Array(32);
  out[31] = g1s.length === 0 || pairingProductIsOne(g1s, g2s) ? 1 : 0;
  return success(cost, out);
};

/** Whether the product of the pairings e(g1s[i], g2s[i]) is 1: their Miller loops, one final exponentiation. */
function pairingProductIsOne(g1s: G1Point[], g2s: G2Point[]): boolean {
  const loops: [Precompute, bigint, bigint][] = [];
  for (let i = 0; i < g1s.length; i++) {
    const { x, y } = g1s[i]!.toAffine();
    loops.push([bls12_381.utils.calcPairingPrecomputes(g2s[i]!), x, y]);
  }
  return Fp12.eql(Fp12.finalExponentiate(bls12_381.millerLoopBatch(loops)), Fp12.ONE);
}

// noble's hasher.mapToCurve is typed as returning affine coordinates, but it returns the point
// after cofactor clearing, and takes a bigint for G1 (m = 1) and [c0, c1] for G2.
const mapToG1 = bls12_381.G1.mapToCurve as unknown as (u: bigint) => G1Point;
const mapToG2 = bls12_381.G2.mapToCurve as unknown as (u: [bigint, bigint]) => G2Point;

/** The G1 point of an Fp element: RFC 9380's simplified SWU map to the 11-isogenous curve, the isogeny, then cofactor clearing. */
export const nobleMapFpToG1: Precompile = (input, gasLimit) => {
  if (input.length !== FP_SIZE || MAP_FP_TO_G1_GAS > gasLimit) return failure(gasLimit);
  const u = readFp(input, 0);
  if (u === null) return failure(gasLimit);
  return success(MAP_FP_TO_G1_GAS, encodeG1(mapToG1(u)));
};

/** The G2 point of an Fp2 element (c0 then c1): as blsMapFpToG1, with the 3-isogeny of G2. */
export const nobleMapFp2ToG2: Precompile = (input, gasLimit) => {
  if (input.length !== 2 * FP_SIZE || MAP_FP2_TO_G2_GAS > gasLimit) return failure(gasLimit);
  const c0 = readFp(input, 0);
  const c1 = readFp(input, FP_SIZE);
  if (c0 === null || c1 === null) return failure(gasLimit);
  return success(MAP_FP2_TO_G2_GAS, encodeG2(mapToG2([c0, c1])));
};
