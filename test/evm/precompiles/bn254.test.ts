// 0x06-0x08 alt_bn128 add, mul, pairing (EIP-196/197): known multiples of the generators, the
// point at infinity, rejection of malformed points, pairing identities, prices by fork.
import assert from "node:assert/strict";
import { test } from "node:test";
import { bn254 as nobleBn254 } from "@noble/curves/bn254.js";
import { Fork } from "../../../src/fork/forks.js";
import { ALL_GAS, call, outHex, word } from "./helpers.js";

const P = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

const G1 = word(1) + word(2);
const NEG_G1 = word(1) + word(P - 2n);
const G1_DOUBLE = "030644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd3" + "15ed738c0e0a7c92e7845f96b2ae9c0a68a6a449e3538fc7ff3ebf7a5a18a2c4";
const INFINITY_G1 = word(0) + word(0);
// The G2 generator of EIP-197, each Fp2 element as imaginary part then real part.
const G2_X_IM = 11559732032986387107991004021392285783925812861821192530917403151452391805634n;
const G2_X_RE = 10857046999023057135944570762232829481370756359578518086990519993285655852781n;
const G2_Y_IM = 4082367875863433681332203403145435568316851327593401208105741076214120093531n;
const G2_Y_RE = 8495653923123431417604973247489272438418190587263600148770280649306958101930n;
const G2 = word(G2_X_IM) + word(G2_X_RE) + word(G2_Y_IM) + word(G2_Y_RE);
const INFINITY_G2 = word(0).repeat(4);
// On the twist curve (x = 2 + i, y^2 = x^3 + 3 / (9 + i)) but not in the order-r subgroup.
const G2_NOT_IN_SUBGROUP =
  word(1) + word(2) + "2b76c179599bb92a963dac85546a005a777f7c13f6a7b75d5918b6b5808f5fde" + "101f7278419308b95099eca02dcee0c5381f4d26d1d62313f057167f064101ce";

const ZERO_64 = "0x" + "00".repeat(64);
const TRUE = "0x" + word(1);
const FALSE = "0x" + word(0);

test("ecAdd: G + G = 2G, G + O = G, G + (-G) = O, empty input is O + O", () => {
  const doubled = call(6, "0x" + G1 + G1);
  assert.deepEqual([doubled.ok, doubled.gasUsed, outHex(doubled)], [true, 150, "0x" + G1_DOUBLE]);
  assert.equal(outHex(call(6, "0x" + G1 + INFINITY_G1)), "0x" + G1);
  assert.equal(outHex(call(6, "0x" + INFINITY_G1 + G1)), "0x" + G1);
  assert.equal(outHex(call(6, "0x" + G1 + NEG_G1)), ZERO_64);
  assert.equal(outHex(call(6, "0x")), ZERO_64);
  // Short input is zero-padded (the second point reads as O); bytes past 128 are ignored.
  assert.equal(outHex(call(6, "0x" + G1)), "0x" + G1);
  assert.equal(outHex(call(6, "0x" + G1 + G1 + "ff".repeat(32))), "0x" + G1_DOUBLE);
});

test("ecAdd: points off the curve or with coordinates >= p fail", () => {
  const invalid = [
    word(1) + word(3), // off the curve
    word(0) + word(1), // not the (0, 0) encoding of infinity, and off the curve
    word(1) + word(2n + P), // y >= p, although y - p would be on the curve
    word(1n + P) + word(2), // x >= p
    "ff".repeat(64),
  ];
  for (const point of invalid) {
    assert.deepEqual(call(6, "0x" + G1 + point, 1000), { ok: false, gasUsed: 1000, output: new Uint8Array(0) }, point);
    assert.equal(call(6, "0x" + point + INFINITY_G1).ok, false, point);
    assert.equal(call(7, "0x" + point + word(1)).ok, false, point);
    assert.equal(call(8, "0x" + point + G2).ok, false, point);
  }
});

test("ecMul: G * 2 = 2G, scalars act modulo the group order, O and zero give O", () => {
  const doubled = call(7, "0x" + G1 + word(2));
  assert.deepEqual([doubled.ok, doubled.gasUsed, outHex(doubled)], [true, 6000, "0x" + G1_DOUBLE]);
  assert.equal(outHex(call(7, "0x" + G1 + word(1))), "0x" + G1);
  assert.equal(outHex(call(7, "0x" + G1 + word(R))), ZERO_64);
  assert.equal(outHex(call(7, "0x" + G1 + word(R + 2n))), "0x" + G1_DOUBLE);
  assert.equal(outHex(call(7, "0x" + G1 + word(R - 1n))), "0x" + NEG_G1);
  assert.equal(outHex(call(7, "0x" + G1 + word(0))), ZERO_64);
  assert.equal(outHex(call(7, "0x" + INFINITY_G1 + word(5))), ZERO_64);
  assert.equal(outHex(call(7, "0x" + G1)), ZERO_64); // missing scalar reads as 0
  // 2^256 - 1 = (2^256 - 1) mod r times G; compare with G * that residue.
  const max = (1n << 256n) - 1n;
  assert.equal(outHex(call(7, "0x" + G1 + word(max))), outHex(call(7, "0x" + G1 + word(max % R))));
});

test("ecPairing: e(G1, G2) * e(-G1, G2) = 1, e(G1, G2) != 1, empty input is 1", () => {
  const balanced = call(8, "0x" + G1 + G2 + NEG_G1 + G2);
  assert.deepEqual([balanced.ok, balanced.gasUsed, outHex(balanced)], [true, 45000 + 2 * 34000, TRUE]);
  assert.equal(outHex(call(8, "0x" + G1 + G2)), FALSE);
  assert.equal(outHex(call(8, "0x" + G1 + G2 + G1 + G2)), FALSE);
  // e(2G, G2) * e(-G, G2)^2 = 1 (bilinearity).
  assert.equal(outHex(call(8, "0x" + G1_DOUBLE + G2 + NEG_G1 + G2 + NEG_G1 + G2)), TRUE);
  const empty = call(8, "0x");
  assert.deepEqual([empty.ok, empty.gasUsed, outHex(empty)], [true, 45000, TRUE]);
});

test("ecPairing: pairs with the point at infinity contribute 1", () => {
  assert.equal(outHex(call(8, "0x" + INFINITY_G1 + G2)), TRUE);
  assert.equal(outHex(call(8, "0x" + G1 + INFINITY_G2)), TRUE);
  assert.equal(outHex(call(8, "0x" + INFINITY_G1 + INFINITY_G2)), TRUE);
  assert.equal(outHex(call(8, "0x" + G1 + G2 + INFINITY_G1 + G2 + NEG_G1 + G2)), TRUE);
  assert.equal(outHex(call(8, "0x" + G1 + G2 + G1 + INFINITY_G2)), FALSE);
});

test("ecPairing: malformed input fails with all gas consumed", () => {
  const swappedG2 = word(G2_X_RE) + word(G2_X_IM) + word(G2_Y_RE) + word(G2_Y_IM); // real part first
  const offTwist = word(G2_X_IM) + word(G2_X_RE) + word(G2_Y_IM) + word(G2_Y_RE + 1n);
  const invalid: [string, string][] = [
    ["length not a multiple of 192", G1 + G2 + "00"],
    ["one byte short", (G1 + G2).slice(0, -2)],
    ["G2 with a coordinate >= p", G1 + word(G2_X_IM + P) + G2.slice(64)],
    ["G2 off the twist", G1 + offTwist],
    ["G2 with the Fp2 halves swapped", G1 + swappedG2],
    ["G2 on the twist but outside the subgroup", G1 + G2_NOT_IN_SUBGROUP],
    ["G2 outside the subgroup paired with O", INFINITY_G1 + G2_NOT_IN_SUBGROUP],
    ["a bad second pair", G1 + G2 + NEG_G1 + G2_NOT_IN_SUBGROUP],
  ];
  for (const [name, data] of invalid) {
    assert.deepEqual(call(8, "0x" + data, 500000), { ok: false, gasUsed: 500000, output: new Uint8Array(0) }, name);
  }
});

test("bn254 prices: EIP-196/197 in Byzantium, EIP-1108 from Istanbul; out of gas one short", () => {
  const byzantium = [500, 40000, 100000 + 2 * 80000];
  const istanbul = [150, 6000, 45000 + 2 * 34000];
  const inputs = ["0x" + G1 + G1, "0x" + G1 + word(2), "0x" + G1 + G2 + NEG_G1 + G2];
  for (const [fork, prices] of [
    [Fork.Byzantium, byzantium],
    [Fork.Petersburg, byzantium],
    [Fork.Istanbul, istanbul],
    [Fork.Berlin, istanbul],
    [Fork.Cancun, istanbul],
  ] as const) {
    for (let i = 0; i < 3; i++) {
      const address = 6 + i;
      assert.equal(call(address, inputs[i]!, ALL_GAS, fork).gasUsed, prices[i], `0x0${address} in fork ${fork}`);
      assert.equal(call(address, inputs[i]!, prices[i]!, fork).ok, true);
      assert.deepEqual(call(address, inputs[i]!, prices[i]! - 1, fork), { ok: false, gasUsed: prices[i]! - 1, output: new Uint8Array(0) });
    }
  }
});

// @noble/curves' bn254 (pure JavaScript, a different code base from the mcl the precompiles run
// on) as an oracle, with its points in the precompiles' encodings.
const G1Point = nobleBn254.G1.Point;
const G2Point = nobleBn254.G2.Point;
type NobleG2 = InstanceType<typeof G2Point>;
const g1Hex = (p: InstanceType<typeof G1Point>) => (p.is0() ? word(0) + word(0) : word(p.toAffine().x) + word(p.toAffine().y));
const g2Hex = (q: NobleG2) => {
  const { x, y } = q.toAffine();
  return word(x.c1) + word(x.c0) + word(y.c1) + word(y.c0);
};

/** Deterministic 64-bit values: a linear congruential generator from `seed`. */
function lcg(seed: bigint): () => bigint {
  return () => (seed = (seed * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n));
}

// Sums, multiples and pairing checks of points from seeded random scalars.
test("bn254 precompiles agree with @noble/curves on random points", () => {
  const next = lcg(0x9e3779b97f4a7c15n);
  const nextScalar = () => {
    // spread over 256 bits: above r
    const v = next();
    return (v << 192n) | (v << 128n) | ((v * 3n) << 64n) | (v * 7n);
  };
  for (let i = 0; i < 6; i++) {
    const a = (nextScalar() % (R - 1n)) + 1n;
    const b = (nextScalar() % (R - 1n)) + 1n;
    const pa = G1Point.BASE.multiply(a);
    const pb = G1Point.BASE.multiply(b);
    assert.equal(outHex(call(6, "0x" + g1Hex(pa) + g1Hex(pb))), "0x" + g1Hex(pa.add(pb)), `add ${i}`);
    const k = nextScalar(); // a full 256-bit scalar, above r
    assert.equal(outHex(call(7, "0x" + g1Hex(pa) + word(k))), "0x" + g1Hex(pa.multiply(k % R)), `mul ${i}`);
    // e(aG1, bG2) * e(-abG1, G2) = 1, and not when the product is off by one.
    const qb = G2Point.BASE.multiply(b);
    const ab = (a * b) % R;
    const balanced = g1Hex(pa) + g2Hex(qb) + g1Hex(G1Point.BASE.multiply(ab).negate()) + g2Hex(G2Point.BASE);
    assert.equal(outHex(call(8, "0x" + balanced)), TRUE, `pairing ${i}`);
    const unbalanced = g1Hex(pa) + g2Hex(qb) + g1Hex(G1Point.BASE.multiply((ab + 1n) % R).negate()) + g2Hex(G2Point.BASE);
    assert.equal(outHex(call(8, "0x" + unbalanced)), FALSE, `pairing off by one ${i}`);
  }
});

// The G2 subgroup check (an endomorphism test) against noble's on points of the twist: random
// ones, nearly all outside the subgroup, and the same with the cofactor cleared, all inside.
test("ecPairing accepts exactly the twist points that @noble/curves puts in the G2 subgroup", () => {
  const Fp2 = nobleBn254.fields.Fp2;
  const { b } = G2Point.CURVE();
  const next = lcg(12345n);
  const nextFp = () => {
    const v = next();
    return ((v << 192n) | (v << 100n) | v) % P;
  };
  // The twist has r * (2p - r) points; noble's clearCofactor takes only scalars below r.
  const G2_COFACTOR = 2n * P - R;
  const times = (point: NobleG2, k: bigint) => {
    let acc = G2Point.ZERO;
    for (let bit = BigInt(k.toString(2).length - 1); bit >= 0n; bit--) {
      acc = acc.double();
      if ((k >> bit) & 1n) acc = acc.add(point);
    }
    return acc;
  };
  let outside = 0;
  let inside = 0;
  for (let found = 0; found < 12; ) {
    const x = Fp2.create({ c0: nextFp(), c1: nextFp() });
    const rhs = Fp2.add(Fp2.mul(Fp2.sqr(x), x), b);
    let y;
    try {
      y = Fp2.sqrt(rhs);
    } catch {
      continue; // no point with this x
    }
    found++;
    const onTwist = G2Point.fromAffine({ x, y });
    for (const point of [onTwist, times(onTwist, G2_COFACTOR)]) {
      const member = point.isTorsionFree();
      member ? inside++ : outside++;
      assert.equal(call(8, "0x" + G1 + g2Hex(point), 500000).ok, member, `G2 point ${g2Hex(point)} (noble: ${member ? "in" : "not in"} the subgroup)`);
    }
  }
  assert.ok(inside >= 12 && outside >= 6, `${inside} points inside, ${outside} outside`);
});
