// The BLS12-381 precompiles of EIP-2537 (Prague), 0x0b..0x11: G1ADD, G1MSM, G2ADD, G2MSM,
// PAIRING_CHECK, MAP_FP_TO_G1, MAP_FP2_TO_G2. Encodings and point checks are in bls12381Points.ts.
//
// Every input has an exact length (a whole, non-zero number of pairs for MSM and pairing); a wrong
// length, a malformed point or too little gas is a failure that consumes all the call's gas.
// MSM scalars are any 32-byte values (the points being in the subgroup, they act modulo r).
//
// The arithmetic is @noble/curves. mcl-wasm was 6-12x faster side by side, but its one instance
// per process is held by BN254 (bn254.ts). Timed on this machine while quiet: G1ADD 0.07 ms,
// G2ADD 0.1 ms, a G1 multiplication 2.4 ms and a G2 one 9.7 ms (plus 1 and 2 ms of subgroup check
// per point), a pairing check of two pairs 31 ms, the maps 4.2 and 16 ms.
import { mulAddUnsafe, pippenger } from "@noble/curves/abstract/curve.js";
import type { Fp2 } from "@noble/curves/abstract/tower.js";
import type { WeierstrassPoint, WeierstrassPointCons } from "@noble/curves/abstract/weierstrass.js";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { bytesToBigint, failure, success, type Precompile, type PrecompileResult } from "./common.js";
import {
  encodeG1,
  encodeG2,
  FP_SIZE,
  G1,
  G1_SIZE,
  G2,
  G2_SIZE,
  R,
  readFp,
  readG1,
  readG2,
  type G1Point,
  type G2Point,
} from "./bls12381Points.js";

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

export const blsG1Add: Precompile = (input, gasLimit) => add(G1_GROUP, input, gasLimit);
export const blsG2Add: Precompile = (input, gasLimit) => add(G2_GROUP, input, gasLimit);
export const blsG1Msm: Precompile = (input, gasLimit) => msm(G1_GROUP, input, gasLimit);
export const blsG2Msm: Precompile = (input, gasLimit) => msm(G2_GROUP, input, gasLimit);

/** The price of an MSM of `k` (point, scalar) pairs in `group`. */
export function msmGas(group: "G1" | "G2", k: number): number {
  const { mulGas, discounts } = group === "G1" ? G1_GROUP : G2_GROUP;
  return msmPrice(mulGas, discounts, k);
}

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
export const blsPairing: Precompile = (input, gasLimit) => {
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
export const blsMapFpToG1: Precompile = (input, gasLimit) => {
  if (input.length !== FP_SIZE || MAP_FP_TO_G1_GAS > gasLimit) return failure(gasLimit);
  const u = readFp(input, 0);
  if (u === null) return failure(gasLimit);
  return success(MAP_FP_TO_G1_GAS, encodeG1(mapToG1(u)));
};

/** The G2 point of an Fp2 element (c0 then c1): as blsMapFpToG1, with the 3-isogeny of G2. */
export const blsMapFp2ToG2: Precompile = (input, gasLimit) => {
  if (input.length !== 2 * FP_SIZE || MAP_FP2_TO_G2_GAS > gasLimit) return failure(gasLimit);
  const c0 = readFp(input, 0);
  const c1 = readFp(input, FP_SIZE);
  if (c0 === null || c1 === null) return failure(gasLimit);
  return success(MAP_FP2_TO_G2_GAS, encodeG2(mapToG2([c0, c1])));
};
