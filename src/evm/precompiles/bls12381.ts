// The BLS12-381 precompiles of EIP-2537 (Prague), 0x0b..0x11: G1ADD, G1MSM, G2ADD, G2MSM,
// PAIRING_CHECK, MAP_FP_TO_G1, MAP_FP2_TO_G2. Encodings and point checks are in bls12381Points.ts.
//
// Every input has an exact length (a whole, non-zero number of pairs for MSM and pairing); a wrong
// length, a malformed point or too little gas is a failure that consumes all the call's gas.
// MSM scalars are any 32-byte values (the points being in the subgroup, they act modulo r).
//
// The arithmetic is mcl-wasm's BLS12-381, on the instance that kzg.ts also uses (mclBls12381.ts).
// It replaced @noble/curves, which the tests keep as their oracle (blsNobleReference.ts). Timed
// side by side with bench/precompiles.ts on 2 busy cores, mcl against noble: G1ADD 46 against
// 76 µs, G2ADD 57 against 165 µs, a one-pair MSM 0.62 against 3.4 ms in G1 and 1.9 against 13 ms
// in G2, an 8-pair G1 MSM 3.9 against 16 ms, a pairing check of two pairs 7.2 against 50 ms, the
// maps 0.25 against 4.7 ms and 1.2 against 9.1 ms.
import type { Fr, G1, G2 } from "mcl-wasm";
import { failure, success, type Precompile, type PrecompileResult } from "./common.js";
import { encodeG1, encodeG2, FP_SIZE, G1_SIZE, G2_SIZE, readFp, readFp2, readG1, readG2 } from "./bls12381Points.js";
import { mcl } from "./mclBls12381.js";

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

// mcl's mulVec takes its operands and tables on the instance's 1 MiB stack: a G2 MSM of about 2800
// terms (G1: 5900) overruns it and leaves the instance broken for every later call, the KZG
// verifier's included. So MSMs are summed in chunks of this many terms, about as fast per term
// from 256 up (timed: 0.24 ms a G1 term and 0.69 ms a G2 one at 256, 1024 and 3000).
const MSM_CHUNK_TERMS = 256;

/** What the add and MSM precompiles need of G1 or G2. */
interface Group<T extends G1 | G2> {
  readonly pointSize: number;
  readonly addGas: number;
  readonly mulGas: number;
  readonly discounts: readonly number[];
  read(input: Uint8Array, offset: number, subgroupCheck: boolean): T | null;
  encode(point: T): Uint8Array;
  infinity(): T;
  mul(point: T, scalar: Fr): T;
}

const G1_GROUP: Group<G1> = {
  pointSize: G1_SIZE,
  addGas: G1_ADD_GAS,
  mulGas: G1_MUL_GAS,
  discounts: G1_DISCOUNTS,
  read: readG1,
  encode: encodeG1,
  infinity: () => new mcl.G1(),
  mul: (point, scalar) => mcl.mul(point, scalar),
};

const G2_GROUP: Group<G2> = {
  pointSize: G2_SIZE,
  addGas: G2_ADD_GAS,
  mulGas: G2_MUL_GAS,
  discounts: G2_DISCOUNTS,
  read: readG2,
  encode: encodeG2,
  infinity: () => new mcl.G2(),
  mul: (point, scalar) => mcl.mul(point, scalar),
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
function add<T extends G1 | G2>(group: Group<T>, input: Uint8Array, gasLimit: number): PrecompileResult {
  if (input.length !== 2 * group.pointSize || group.addGas > gasLimit) return failure(gasLimit);
  const a = group.read(input, 0, false);
  const b = group.read(input, group.pointSize, false);
  if (a === null || b === null) return failure(gasLimit);
  return success(group.addGas, group.encode(mcl.add(a, b)));
}

/** The sum of point_i * scalar_i over the (point, 32-byte scalar) pairs of the input. */
function msm<T extends G1 | G2>(group: Group<T>, input: Uint8Array, gasLimit: number): PrecompileResult {
  const pairSize = group.pointSize + 32;
  const k = Math.floor(input.length / pairSize);
  if (k === 0 || input.length !== k * pairSize) return failure(gasLimit);
  const cost = msmPrice(group.mulGas, group.discounts, k);
  if (cost > gasLimit) return failure(gasLimit);
  // Every point is checked before any arithmetic; terms that contribute nothing are dropped.
  const points: T[] = [];
  const scalars: Fr[] = [];
  for (let offset = 0; offset < input.length; offset += pairSize) {
    const point = group.read(input, offset, true);
    if (point === null) return failure(gasLimit);
    const scalar = new mcl.Fr();
    scalar.setBigEndianMod(input.subarray(offset + group.pointSize, offset + pairSize)); // mod r
    if (scalar.isZero() || point.isZero()) continue;
    points.push(point);
    scalars.push(scalar);
  }
  return success(cost, group.encode(multiScalarMul(group, points, scalars)));
}

function multiScalarMul<T extends G1 | G2>(group: Group<T>, points: T[], scalars: Fr[]): T {
  if (points.length === 1) return group.mul(points[0]!, scalars[0]!);
  let sum = group.infinity();
  for (let start = 0; start < points.length; start += MSM_CHUNK_TERMS) {
    const end = start + MSM_CHUNK_TERMS;
    sum = mcl.add(sum, mcl.mulVec(points.slice(start, end), scalars.slice(start, end)));
  }
  return sum;
}

const PAIR_SIZE = G1_SIZE + G2_SIZE;

/** Returns the word 1 when the product of the pairings of all (G1, G2) pairs is 1, else 0. */
export const blsPairing: Precompile = (input, gasLimit) => {
  const k = Math.floor(input.length / PAIR_SIZE);
  if (k === 0 || input.length !== k * PAIR_SIZE) return failure(gasLimit);
  const cost = PAIRING_BASE_GAS + PAIRING_PER_PAIR_GAS * k;
  if (cost > gasLimit) return failure(gasLimit);
  // Every point is checked before any pairing is computed; a pair with the point at infinity on
  // either side pairs to 1.
  const g1s: G1[] = [];
  const g2s: G2[] = [];
  for (let offset = 0; offset < input.length; offset += PAIR_SIZE) {
    const g1 = readG1(input, offset, true);
    const g2 = readG2(input, offset + G1_SIZE, true);
    if (g1 === null || g2 === null) return failure(gasLimit);
    if (g1.isZero() || g2.isZero()) continue;
    g1s.push(g1);
    g2s.push(g2);
  }
  const out = new Uint8Array(32);
  out[31] = g1s.length === 0 || pairingProductIsOne(g1s, g2s) ? 1 : 0;
  return success(cost, out);
};

/** Whether the product of the pairings e(g1s[i], g2s[i]) is 1: their Miller loops, one final exponentiation. */
function pairingProductIsOne(g1s: G1[], g2s: G2[]): boolean {
  let product = mcl.millerLoop(g1s[0]!, g2s[0]!);
  for (let i = 1; i < g1s.length; i++) product = mcl.mul(product, mcl.millerLoop(g1s[i]!, g2s[i]!));
  return mcl.finalExp(product).isOne();
}

/** The G1 point of an Fp element: RFC 9380's simplified SWU map to the 11-isogenous curve, the isogeny, then cofactor clearing. */
export const blsMapFpToG1: Precompile = (input, gasLimit) => {
  if (input.length !== FP_SIZE || MAP_FP_TO_G1_GAS > gasLimit) return failure(gasLimit);
  const u = readFp(input, 0);
  if (u === null) return failure(gasLimit);
  return success(MAP_FP_TO_G1_GAS, encodeG1(u.mapToG1()));
};

/** The G2 point of an Fp2 element (c0 then c1): as blsMapFpToG1, with the 3-isogeny of G2. */
export const blsMapFp2ToG2: Precompile = (input, gasLimit) => {
  if (input.length !== 2 * FP_SIZE || MAP_FP2_TO_G2_GAS > gasLimit) return failure(gasLimit);
  const u = readFp2(input, 0);
  if (u === null) return failure(gasLimit);
  return success(MAP_FP2_TO_G2_GAS, encodeG2(u.mapToG2()));
};
