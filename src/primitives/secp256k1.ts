// ECDSA public-key recovery on secp256k1 (SEC 1 v2 section 4.1.6), as ecrecover and transaction
// sender recovery need it, written for speed and checked bit for bit against @noble/curves
// (test/primitives/secp256k1.test.ts).
//
// Field elements mod p = 2^256 - 2^32 - 977 are 11 limbs of 24 bits (value Σ limb_i·2^(24i)),
// held as doubles in one module-level Float64Array and addressed by offset ("registers"). Limbs
// are signed and loose: the invariant is |limb| <= 2^24 for every stored element, and the value is
// only congruent to the element (not reduced below p); zero tests and outputs canonicalise.
// With |limb| <= 2^24 a column of the schoolbook product is at most 11·2^48 < 2^51.5, so every
// product, sum and carry below is an exact integer in a double (< 2^53). Carries are taken for all
// limbs at once, rounding to the nearest multiple of 2^24 with the 1.5·2^52 trick (remainders in
// [-2^23, 2^23]), so the work is independent and pipelines instead of forming a carry chain.
// Reduction uses 2^264 ≡ 2^40 + 250112 (mod p), from 2^256 ≡ 2^32 + 977: the digit at position
// 11+j folds into positions j (×250112) and j+1 (×65536).
//   Bounds, with β = max|limb| / 2^23 (the invariant is β <= 2): fmul/fsqr of inputs with
// βa·βb <= 4 give columns |c| <= 11·4·2^46; pass-1 digits |v| <= 2^23 + 22·2^23 < 2^27.6; the
// fold gives |e| <= 315649·2^27.6 < 2^45.9; pass-2 carries |p| <= 2^21.9, so limbs 3..10 end at
// most 2^23 + 2^21.9 and limbs 0..2 (where position 11 and its carry fold again, then one more
// carry) at most 2^23 + 2^18: β_out <= 1.47. fadd/fsub (β <= 2 each) carry once: |q| <= 2, the
// carry out of limb 10 folds as 250112·q into limb 0, β_out <= 1.06; fmulSmall (k <= 8): β_out
// <= 1.25. fneg keeps β; fset and fcanon give limbs in [0, 2^24) (β <= 2).
// On this machine fmul takes about half the time of a bigint product with a dedicated reduction
// (~75 ns against ~165 ns), and additions allocate nothing.
//
// Q = u1·G + u2·R with u1 = -e/r, u2 = s/r (mod n) is one interleaved (Strauss) wNAF walk: both
// scalars are split with the GLV endomorphism φ(x, y) = (βx, y) = λ·(x, y) into halves below
// 2^128, so the walk has ~128 doublings; R's odd multiples (window WR) are built per call in
// Jacobian coordinates, G's (window WG) once, lazily, in affine coordinates. Inversions (r mod n,
// the final Z mod p) use Lehmer's extended gcd on bigints; the square root lifting R's y is
// (r³ + 7)^((p+1)/4) by an addition chain.

import { keccak256Into } from "./hash.js";

const P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;
/** The order n of secp256k1's group. */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const N = SECP256K1_N;
const HALF_N = N >> 1n;
const GX = 0x79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798n;
const GY = 0x483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8n;
/** β: a cube root of unity mod p; φ(x, y) = (βx, y) is multiplication by λ (a cube root of unity mod n). */
const BETA = 0x7ae96a2b657c07106e64479eac3434e99cf0497512f58995c1396c28719501een;
/** λ, exported for the tests (λ·G must equal φ(G)). */
export const SECP256K1_LAMBDA = 0x5363ad4cc05c30e0a5261c028812645a122e22ea20816678df02967c1b23bd72n;
// A reduced basis of the lattice {(a, b) : a + bλ ≡ 0 mod n} (the one @noble/curves uses):
// (A1, B1) and (A2, B2) with B1 < 0, B2 = A1.
const A1 = 0x3086d221a7d46bcde86c90e49284eb15n;
const MINUS_B1 = 0xe4437ed6010e88286f547fa90abfe4c3n;
const A2 = 0x114ca50f7a8e2f3f657c1108d9d44cfd8n;
const B2 = A1;

// ---------------------------------------------------------------------------------------------
// Field arithmetic on 11×24-bit limbs

const L = 11; // limbs per field element
const RADIX = 16777216; // 2^24
const INV24 = 5.9604644775390625e-8; // 2^-24, exact
/** 1.5·2^52: (x + ROUND) - ROUND rounds a double |x| < 2^51 to the nearest integer (ties to even). */
const ROUND = 6755399441055744;

/**
 * wNAF windows: R's table holds 1R, 3R, ..., 15R (built per call), G's holds 1G, 3G, ...,
 * (2^(WG-1) - 1)G and their φ images (built once; WG = 10, 12 and 14 measured within 1%).
 */
const WR = 5;
const WG = 10;
const R_TABLE = 1 << (WR - 2);
const G_TABLE = 1 << (WG - 2);

let regCount = 0;
function reg(count = 1): number {
  const offset = regCount * L;
  regCount += count;
  return offset;
}
// Scratch registers.
const T0 = reg(), T1 = reg(), T2 = reg(), T3 = reg(), T4 = reg(), T5 = reg(), T6 = reg(), T7 = reg(), T8 = reg(), T9 = reg();
const CANON = reg();
const ONE = reg();
const SEVEN = reg();
const BETA_REG = reg();
// Accumulator (Jacobian X, Y, Z).
const AX = reg(), AY = reg(), AZ = reg();
// 2R (Jacobian, with Z² and Z³).
const DX = reg(), DY = reg(), DZ = reg(), DZZ = reg(), DZZZ = reg();
// Odd multiples of R: X, βX, Y, Z, Z², Z³ for each.
const RX = reg(R_TABLE), RBX = reg(R_TABLE), RY = reg(R_TABLE), RZ = reg(R_TABLE), RZZ = reg(R_TABLE), RZZZ = reg(R_TABLE);
// Odd multiples of G (affine x, βx, y); GZ and GPRE are scratch space while the table is built.
const GXT = reg(G_TABLE), GBX = reg(G_TABLE), GYT = reg(G_TABLE), GZ = reg(G_TABLE), GPRE = reg(G_TABLE);

const F = new Float64Array(regCount * L);

// fmul, fsqr, fadd, fsub and fmulSmall are written out in full (generated from the description at
// the top). Measured here: a chained carry (limb by limb, Math.floor) made fmul ~140 ns; parallel
// passes ~100 ns; rounding with the 1.5·2^52 trick instead of Math.floor ~75 ns.
/** F[o] = F[a]·F[b] (mod p). */
function fmul(o: number, a: number, b: number): void {
  const a0 = F[a + 0]!, b0 = F[b + 0]!;
  const a1 = F[a + 1]!, b1 = F[b + 1]!;
  const a2 = F[a + 2]!, b2 = F[b + 2]!;
  const a3 = F[a + 3]!, b3 = F[b + 3]!;
  const a4 = F[a + 4]!, b4 = F[b + 4]!;
  const a5 = F[a + 5]!, b5 = F[b + 5]!;
  const a6 = F[a + 6]!, b6 = F[b + 6]!;
  const a7 = F[a + 7]!, b7 = F[b + 7]!;
  const a8 = F[a + 8]!, b8 = F[b + 8]!;
  const a9 = F[a + 9]!, b9 = F[b + 9]!;
  const a10 = F[a + 10]!, b10 = F[b + 10]!;
  const c0 = a0 * b0;
  const c1 = a0 * b1 + a1 * b0;
  const c2 = a0 * b2 + a1 * b1 + a2 * b0;
  const c3 = a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0;
  const c4 = a0 * b4 + a1 * b3 + a2 * b2 + a3 * b1 + a4 * b0;
  const c5 = a0 * b5 + a1 * b4 + a2 * b3 + a3 * b2 + a4 * b1 + a5 * b0;
  const c6 = a0 * b6 + a1 * b5 + a2 * b4 + a3 * b3 + a4 * b2 + a5 * b1 + a6 * b0;
  const c7 = a0 * b7 + a1 * b6 + a2 * b5 + a3 * b4 + a4 * b3 + a5 * b2 + a6 * b1 + a7 * b0;
  const c8 = a0 * b8 + a1 * b7 + a2 * b6 + a3 * b5 + a4 * b4 + a5 * b3 + a6 * b2 + a7 * b1 + a8 * b0;
  const c9 = a0 * b9 + a1 * b8 + a2 * b7 + a3 * b6 + a4 * b5 + a5 * b4 + a6 * b3 + a7 * b2 + a8 * b1 + a9 * b0;
  const c10 = a0 * b10 + a1 * b9 + a2 * b8 + a3 * b7 + a4 * b6 + a5 * b5 + a6 * b4 + a7 * b3 + a8 * b2 + a9 * b1 + a10 * b0;
  const c11 = a1 * b10 + a2 * b9 + a3 * b8 + a4 * b7 + a5 * b6 + a6 * b5 + a7 * b4 + a8 * b3 + a9 * b2 + a10 * b1;
  const c12 = a2 * b10 + a3 * b9 + a4 * b8 + a5 * b7 + a6 * b6 + a7 * b5 + a8 * b4 + a9 * b3 + a10 * b2;
  const c13 = a3 * b10 + a4 * b9 + a5 * b8 + a6 * b7 + a7 * b6 + a8 * b5 + a9 * b4 + a10 * b3;
  const c14 = a4 * b10 + a5 * b9 + a6 * b8 + a7 * b7 + a8 * b6 + a9 * b5 + a10 * b4;
  const c15 = a5 * b10 + a6 * b9 + a7 * b8 + a8 * b7 + a9 * b6 + a10 * b5;
  const c16 = a6 * b10 + a7 * b9 + a8 * b8 + a9 * b7 + a10 * b6;
  const c17 = a7 * b10 + a8 * b9 + a9 * b8 + a10 * b7;
  const c18 = a8 * b10 + a9 * b9 + a10 * b8;
  const c19 = a9 * b10 + a10 * b9;
  const c20 = a10 * b10;
  // Carry pass 1 (every column at once).
  const q0 = (c0 * INV24 + ROUND) - ROUND;
  const q1 = (c1 * INV24 + ROUND) - ROUND;
  const q2 = (c2 * INV24 + ROUND) - ROUND;
  const q3 = (c3 * INV24 + ROUND) - ROUND;
  const q4 = (c4 * INV24 + ROUND) - ROUND;
  const q5 = (c5 * INV24 + ROUND) - ROUND;
  const q6 = (c6 * INV24 + ROUND) - ROUND;
  const q7 = (c7 * INV24 + ROUND) - ROUND;
  const q8 = (c8 * INV24 + ROUND) - ROUND;
  const q9 = (c9 * INV24 + ROUND) - ROUND;
  const q10 = (c10 * INV24 + ROUND) - ROUND;
  const q11 = (c11 * INV24 + ROUND) - ROUND;
  const q12 = (c12 * INV24 + ROUND) - ROUND;
  const q13 = (c13 * INV24 + ROUND) - ROUND;
  const q14 = (c14 * INV24 + ROUND) - ROUND;
  const q15 = (c15 * INV24 + ROUND) - ROUND;
  const q16 = (c16 * INV24 + ROUND) - ROUND;
  const q17 = (c17 * INV24 + ROUND) - ROUND;
  const q18 = (c18 * INV24 + ROUND) - ROUND;
  const q19 = (c19 * INV24 + ROUND) - ROUND;
  const q20 = (c20 * INV24 + ROUND) - ROUND;
  // Fold positions 11..21 (weight 2^(264+24j) ≡ (2^40 + 250112)·2^24j) into positions 0..11.
  const e0 = (c0 - q0 * RADIX) + 250112 * (c11 - q11 * RADIX + q10);
  const e1 = (c1 - q1 * RADIX + q0) + 250112 * (c12 - q12 * RADIX + q11) + 65536 * (c11 - q11 * RADIX + q10);
  const e2 = (c2 - q2 * RADIX + q1) + 250112 * (c13 - q13 * RADIX + q12) + 65536 * (c12 - q12 * RADIX + q11);
  const e3 = (c3 - q3 * RADIX + q2) + 250112 * (c14 - q14 * RADIX + q13) + 65536 * (c13 - q13 * RADIX + q12);
  const e4 = (c4 - q4 * RADIX + q3) + 250112 * (c15 - q15 * RADIX + q14) + 65536 * (c14 - q14 * RADIX + q13);
  const e5 = (c5 - q5 * RADIX + q4) + 250112 * (c16 - q16 * RADIX + q15) + 65536 * (c15 - q15 * RADIX + q14);
  const e6 = (c6 - q6 * RADIX + q5) + 250112 * (c17 - q17 * RADIX + q16) + 65536 * (c16 - q16 * RADIX + q15);
  const e7 = (c7 - q7 * RADIX + q6) + 250112 * (c18 - q18 * RADIX + q17) + 65536 * (c17 - q17 * RADIX + q16);
  const e8 = (c8 - q8 * RADIX + q7) + 250112 * (c19 - q19 * RADIX + q18) + 65536 * (c18 - q18 * RADIX + q17);
  const e9 = (c9 - q9 * RADIX + q8) + 250112 * (c20 - q20 * RADIX + q19) + 65536 * (c19 - q19 * RADIX + q18);
  const e10 = (c10 - q10 * RADIX + q9) + 250112 * q20 + 65536 * (c20 - q20 * RADIX + q19);
  const e11 = 65536 * q20;
  // Carry pass 2.
  const p0 = (e0 * INV24 + ROUND) - ROUND;
  const p1 = (e1 * INV24 + ROUND) - ROUND;
  const p2 = (e2 * INV24 + ROUND) - ROUND;
  const p3 = (e3 * INV24 + ROUND) - ROUND;
  const p4 = (e4 * INV24 + ROUND) - ROUND;
  const p5 = (e5 * INV24 + ROUND) - ROUND;
  const p6 = (e6 * INV24 + ROUND) - ROUND;
  const p7 = (e7 * INV24 + ROUND) - ROUND;
  const p8 = (e8 * INV24 + ROUND) - ROUND;
  const p9 = (e9 * INV24 + ROUND) - ROUND;
  const p10 = (e10 * INV24 + ROUND) - ROUND;
  const p11 = (e11 * INV24 + ROUND) - ROUND;
  // Position 11 (weight 2^264) and the carry out of it (2^288) fold into positions 0..2.
  const t11 = e11 - p11 * RADIX + p10;
  const f0 = e0 - p0 * RADIX + 250112 * t11;
  const f1 = e1 - p1 * RADIX + p0 + 65536 * t11 + 250112 * p11;
  const f2 = e2 - p2 * RADIX + p1 + 65536 * p11;
  const g0 = (f0 * INV24 + ROUND) - ROUND, g1 = (f1 * INV24 + ROUND) - ROUND, g2 = (f2 * INV24 + ROUND) - ROUND;
  F[o] = f0 - g0 * RADIX;
  F[o + 1] = f1 - g1 * RADIX + g0;
  F[o + 2] = f2 - g2 * RADIX + g1;
  F[o + 3] = e3 - p3 * RADIX + p2 + g2;
  F[o + 4] = e4 - p4 * RADIX + p3;
  F[o + 5] = e5 - p5 * RADIX + p4;
  F[o + 6] = e6 - p6 * RADIX + p5;
  F[o + 7] = e7 - p7 * RADIX + p6;
  F[o + 8] = e8 - p8 * RADIX + p7;
  F[o + 9] = e9 - p9 * RADIX + p8;
  F[o + 10] = e10 - p10 * RADIX + p9;
}

/** F[o] = F[a]² (mod p). */
function fsqr(o: number, a: number): void {
  const a0 = F[a + 0]!;
  const a1 = F[a + 1]!;
  const a2 = F[a + 2]!;
  const a3 = F[a + 3]!;
  const a4 = F[a + 4]!;
  const a5 = F[a + 5]!;
  const a6 = F[a + 6]!;
  const a7 = F[a + 7]!;
  const a8 = F[a + 8]!;
  const a9 = F[a + 9]!;
  const a10 = F[a + 10]!;
  const d0 = a0 + a0;
  const d1 = a1 + a1;
  const d2 = a2 + a2;
  const d3 = a3 + a3;
  const d4 = a4 + a4;
  const d5 = a5 + a5;
  const d6 = a6 + a6;
  const d7 = a7 + a7;
  const d8 = a8 + a8;
  const d9 = a9 + a9;
  const c0 = a0 * a0;
  const c1 = d0 * a1;
  const c2 = d0 * a2 + a1 * a1;
  const c3 = d0 * a3 + d1 * a2;
  const c4 = d0 * a4 + d1 * a3 + a2 * a2;
  const c5 = d0 * a5 + d1 * a4 + d2 * a3;
  const c6 = d0 * a6 + d1 * a5 + d2 * a4 + a3 * a3;
  const c7 = d0 * a7 + d1 * a6 + d2 * a5 + d3 * a4;
  const c8 = d0 * a8 + d1 * a7 + d2 * a6 + d3 * a5 + a4 * a4;
  const c9 = d0 * a9 + d1 * a8 + d2 * a7 + d3 * a6 + d4 * a5;
  const c10 = d0 * a10 + d1 * a9 + d2 * a8 + d3 * a7 + d4 * a6 + a5 * a5;
  const c11 = d1 * a10 + d2 * a9 + d3 * a8 + d4 * a7 + d5 * a6;
  const c12 = d2 * a10 + d3 * a9 + d4 * a8 + d5 * a7 + a6 * a6;
  const c13 = d3 * a10 + d4 * a9 + d5 * a8 + d6 * a7;
  const c14 = d4 * a10 + d5 * a9 + d6 * a8 + a7 * a7;
  const c15 = d5 * a10 + d6 * a9 + d7 * a8;
  const c16 = d6 * a10 + d7 * a9 + a8 * a8;
  const c17 = d7 * a10 + d8 * a9;
  const c18 = d8 * a10 + a9 * a9;
  const c19 = d9 * a10;
  const c20 = a10 * a10;
  // Carry pass 1 (every column at once).
  const q0 = (c0 * INV24 + ROUND) - ROUND;
  const q1 = (c1 * INV24 + ROUND) - ROUND;
  const q2 = (c2 * INV24 + ROUND) - ROUND;
  const q3 = (c3 * INV24 + ROUND) - ROUND;
  const q4 = (c4 * INV24 + ROUND) - ROUND;
  const q5 = (c5 * INV24 + ROUND) - ROUND;
  const q6 = (c6 * INV24 + ROUND) - ROUND;
  const q7 = (c7 * INV24 + ROUND) - ROUND;
  const q8 = (c8 * INV24 + ROUND) - ROUND;
  const q9 = (c9 * INV24 + ROUND) - ROUND;
  const q10 = (c10 * INV24 + ROUND) - ROUND;
  const q11 = (c11 * INV24 + ROUND) - ROUND;
  const q12 = (c12 * INV24 + ROUND) - ROUND;
  const q13 = (c13 * INV24 + ROUND) - ROUND;
  const q14 = (c14 * INV24 + ROUND) - ROUND;
  const q15 = (c15 * INV24 + ROUND) - ROUND;
  const q16 = (c16 * INV24 + ROUND) - ROUND;
  const q17 = (c17 * INV24 + ROUND) - ROUND;
  const q18 = (c18 * INV24 + ROUND) - ROUND;
  const q19 = (c19 * INV24 + ROUND) - ROUND;
  const q20 = (c20 * INV24 + ROUND) - ROUND;
  // Fold positions 11..21 (weight 2^(264+24j) ≡ (2^40 + 250112)·2^24j) into positions 0..11.
  const e0 = (c0 - q0 * RADIX) + 250112 * (c11 - q11 * RADIX + q10);
  const e1 = (c1 - q1 * RADIX + q0) + 250112 * (c12 - q12 * RADIX + q11) + 65536 * (c11 - q11 * RADIX + q10);
  const e2 = (c2 - q2 * RADIX + q1) + 250112 * (c13 - q13 * RADIX + q12) + 65536 * (c12 - q12 * RADIX + q11);
  const e3 = (c3 - q3 * RADIX + q2) + 250112 * (c14 - q14 * RADIX + q13) + 65536 * (c13 - q13 * RADIX + q12);
  const e4 = (c4 - q4 * RADIX + q3) + 250112 * (c15 - q15 * RADIX + q14) + 65536 * (c14 - q14 * RADIX + q13);
  const e5 = (c5 - q5 * RADIX + q4) + 250112 * (c16 - q16 * RADIX + q15) + 65536 * (c15 - q15 * RADIX + q14);
  const e6 = (c6 - q6 * RADIX + q5) + 250112 * (c17 - q17 * RADIX + q16) + 65536 * (c16 - q16 * RADIX + q15);
  const e7 = (c7 - q7 * RADIX + q6) + 250112 * (c18 - q18 * RADIX + q17) + 65536 * (c17 - q17 * RADIX + q16);
  const e8 = (c8 - q8 * RADIX + q7) + 250112 * (c19 - q19 * RADIX + q18) + 65536 * (c18 - q18 * RADIX + q17);
  const e9 = (c9 - q9 * RADIX + q8) + 250112 * (c20 - q20 * RADIX + q19) + 65536 * (c19 - q19 * RADIX + q18);
  const e10 = (c10 - q10 * RADIX + q9) + 250112 * q20 + 65536 * (c20 - q20 * RADIX + q19);
  const e11 = 65536 * q20;
  // Carry pass 2.
  const p0 = (e0 * INV24 + ROUND) - ROUND;
  const p1 = (e1 * INV24 + ROUND) - ROUND;
  const p2 = (e2 * INV24 + ROUND) - ROUND;
  const p3 = (e3 * INV24 + ROUND) - ROUND;
  const p4 = (e4 * INV24 + ROUND) - ROUND;
  const p5 = (e5 * INV24 + ROUND) - ROUND;
  const p6 = (e6 * INV24 + ROUND) - ROUND;
  const p7 = (e7 * INV24 + ROUND) - ROUND;
  const p8 = (e8 * INV24 + ROUND) - ROUND;
  const p9 = (e9 * INV24 + ROUND) - ROUND;
  const p10 = (e10 * INV24 + ROUND) - ROUND;
  const p11 = (e11 * INV24 + ROUND) - ROUND;
  // Position 11 (weight 2^264) and the carry out of it (2^288) fold into positions 0..2.
  const t11 = e11 - p11 * RADIX + p10;
  const f0 = e0 - p0 * RADIX + 250112 * t11;
  const f1 = e1 - p1 * RADIX + p0 + 65536 * t11 + 250112 * p11;
  const f2 = e2 - p2 * RADIX + p1 + 65536 * p11;
  const g0 = (f0 * INV24 + ROUND) - ROUND, g1 = (f1 * INV24 + ROUND) - ROUND, g2 = (f2 * INV24 + ROUND) - ROUND;
  F[o] = f0 - g0 * RADIX;
  F[o + 1] = f1 - g1 * RADIX + g0;
  F[o + 2] = f2 - g2 * RADIX + g1;
  F[o + 3] = e3 - p3 * RADIX + p2 + g2;
  F[o + 4] = e4 - p4 * RADIX + p3;
  F[o + 5] = e5 - p5 * RADIX + p4;
  F[o + 6] = e6 - p6 * RADIX + p5;
  F[o + 7] = e7 - p7 * RADIX + p6;
  F[o + 8] = e8 - p8 * RADIX + p7;
  F[o + 9] = e9 - p9 * RADIX + p8;
  F[o + 10] = e10 - p10 * RADIX + p9;
}

/** F[o] = F[a] + F[b], with one carry pass (position 10's carry, weight 2^264, folds into positions 0 and 1). */
function fadd(o: number, a: number, b: number): void {
  const c0 = F[a + 0]! + F[b + 0]!;
  const c1 = F[a + 1]! + F[b + 1]!;
  const c2 = F[a + 2]! + F[b + 2]!;
  const c3 = F[a + 3]! + F[b + 3]!;
  const c4 = F[a + 4]! + F[b + 4]!;
  const c5 = F[a + 5]! + F[b + 5]!;
  const c6 = F[a + 6]! + F[b + 6]!;
  const c7 = F[a + 7]! + F[b + 7]!;
  const c8 = F[a + 8]! + F[b + 8]!;
  const c9 = F[a + 9]! + F[b + 9]!;
  const c10 = F[a + 10]! + F[b + 10]!;
  const q0 = (c0 * INV24 + ROUND) - ROUND;
  const q1 = (c1 * INV24 + ROUND) - ROUND;
  const q2 = (c2 * INV24 + ROUND) - ROUND;
  const q3 = (c3 * INV24 + ROUND) - ROUND;
  const q4 = (c4 * INV24 + ROUND) - ROUND;
  const q5 = (c5 * INV24 + ROUND) - ROUND;
  const q6 = (c6 * INV24 + ROUND) - ROUND;
  const q7 = (c7 * INV24 + ROUND) - ROUND;
  const q8 = (c8 * INV24 + ROUND) - ROUND;
  const q9 = (c9 * INV24 + ROUND) - ROUND;
  const q10 = (c10 * INV24 + ROUND) - ROUND;
  F[o] = c0 - q0 * RADIX + 250112 * q10;
  F[o + 1] = c1 - q1 * RADIX + q0 + 65536 * q10;
  F[o + 2] = c2 - q2 * RADIX + q1;
  F[o + 3] = c3 - q3 * RADIX + q2;
  F[o + 4] = c4 - q4 * RADIX + q3;
  F[o + 5] = c5 - q5 * RADIX + q4;
  F[o + 6] = c6 - q6 * RADIX + q5;
  F[o + 7] = c7 - q7 * RADIX + q6;
  F[o + 8] = c8 - q8 * RADIX + q7;
  F[o + 9] = c9 - q9 * RADIX + q8;
  F[o + 10] = c10 - q10 * RADIX + q9;
}

/** F[o] = F[a] - F[b], with one carry pass (position 10's carry, weight 2^264, folds into positions 0 and 1). */
function fsub(o: number, a: number, b: number): void {
  const c0 = F[a + 0]! - F[b + 0]!;
  const c1 = F[a + 1]! - F[b + 1]!;
  const c2 = F[a + 2]! - F[b + 2]!;
  const c3 = F[a + 3]! - F[b + 3]!;
  const c4 = F[a + 4]! - F[b + 4]!;
  const c5 = F[a + 5]! - F[b + 5]!;
  const c6 = F[a + 6]! - F[b + 6]!;
  const c7 = F[a + 7]! - F[b + 7]!;
  const c8 = F[a + 8]! - F[b + 8]!;
  const c9 = F[a + 9]! - F[b + 9]!;
  const c10 = F[a + 10]! - F[b + 10]!;
  const q0 = (c0 * INV24 + ROUND) - ROUND;
  const q1 = (c1 * INV24 + ROUND) - ROUND;
  const q2 = (c2 * INV24 + ROUND) - ROUND;
  const q3 = (c3 * INV24 + ROUND) - ROUND;
  const q4 = (c4 * INV24 + ROUND) - ROUND;
  const q5 = (c5 * INV24 + ROUND) - ROUND;
  const q6 = (c6 * INV24 + ROUND) - ROUND;
  const q7 = (c7 * INV24 + ROUND) - ROUND;
  const q8 = (c8 * INV24 + ROUND) - ROUND;
  const q9 = (c9 * INV24 + ROUND) - ROUND;
  const q10 = (c10 * INV24 + ROUND) - ROUND;
  F[o] = c0 - q0 * RADIX + 250112 * q10;
  F[o + 1] = c1 - q1 * RADIX + q0 + 65536 * q10;
  F[o + 2] = c2 - q2 * RADIX + q1;
  F[o + 3] = c3 - q3 * RADIX + q2;
  F[o + 4] = c4 - q4 * RADIX + q3;
  F[o + 5] = c5 - q5 * RADIX + q4;
  F[o + 6] = c6 - q6 * RADIX + q5;
  F[o + 7] = c7 - q7 * RADIX + q6;
  F[o + 8] = c8 - q8 * RADIX + q7;
  F[o + 9] = c9 - q9 * RADIX + q8;
  F[o + 10] = c10 - q10 * RADIX + q9;
}

/** F[o] = k·F[a] for a small integer 0 <= k <= 8, with one carry pass (position 10's carry, weight 2^264, folds into positions 0 and 1). */
function fmulSmall(o: number, a: number, k: number): void {
  const c0 = F[a + 0]! * k;
  const c1 = F[a + 1]! * k;
  const c2 = F[a + 2]! * k;
  const c3 = F[a + 3]! * k;
  const c4 = F[a + 4]! * k;
  const c5 = F[a + 5]! * k;
  const c6 = F[a + 6]! * k;
  const c7 = F[a + 7]! * k;
  const c8 = F[a + 8]! * k;
  const c9 = F[a + 9]! * k;
  const c10 = F[a + 10]! * k;
  const q0 = (c0 * INV24 + ROUND) - ROUND;
  const q1 = (c1 * INV24 + ROUND) - ROUND;
  const q2 = (c2 * INV24 + ROUND) - ROUND;
  const q3 = (c3 * INV24 + ROUND) - ROUND;
  const q4 = (c4 * INV24 + ROUND) - ROUND;
  const q5 = (c5 * INV24 + ROUND) - ROUND;
  const q6 = (c6 * INV24 + ROUND) - ROUND;
  const q7 = (c7 * INV24 + ROUND) - ROUND;
  const q8 = (c8 * INV24 + ROUND) - ROUND;
  const q9 = (c9 * INV24 + ROUND) - ROUND;
  const q10 = (c10 * INV24 + ROUND) - ROUND;
  F[o] = c0 - q0 * RADIX + 250112 * q10;
  F[o + 1] = c1 - q1 * RADIX + q0 + 65536 * q10;
  F[o + 2] = c2 - q2 * RADIX + q1;
  F[o + 3] = c3 - q3 * RADIX + q2;
  F[o + 4] = c4 - q4 * RADIX + q3;
  F[o + 5] = c5 - q5 * RADIX + q4;
  F[o + 6] = c6 - q6 * RADIX + q5;
  F[o + 7] = c7 - q7 * RADIX + q6;
  F[o + 8] = c8 - q8 * RADIX + q7;
  F[o + 9] = c9 - q9 * RADIX + q8;
  F[o + 10] = c10 - q10 * RADIX + q9;
}

/** F[o] = -F[a] (limbwise; magnitudes unchanged). */
function fneg(o: number, a: number): void {
  for (let i = 0; i < L; i++) F[o + i] = -F[a + i]!;
}

function fcopy(o: number, a: number): void {
  for (let i = 0; i < L; i++) F[o + i] = F[a + i]!;
}

/** F[o] = F[a]^(2^k). */
function fsqrN(o: number, a: number, k: number): void {
  fsqr(o, a);
  for (let i = 1; i < k; i++) fsqr(o, o);
}

/** Brings F[a] to canonical form in place: limbs in [0, 2^24), value in [0, p). */
function fcanon(a: number): void {
  // Carry until no carry leaves limb 10: the value is then in [0, 2^264).
  for (;;) {
    let q = 0;
    for (let i = 0; i < L; i++) {
      const c = F[a + i]! + q;
      q = Math.floor(c * INV24);
      F[a + i] = c - q * RADIX;
    }
    if (q === 0) break;
    F[a] += 250112 * q;
    F[a + 1] += 65536 * q;
  }
  // Fold bits 256..263 (the top 8 bits of limb 10): h·2^256 ≡ h·(2^32 + 977).
  for (;;) {
    const h = Math.floor(F[a + 10]! / 65536);
    if (h === 0) break;
    F[a + 10] -= h * 65536;
    F[a] += 977 * h;
    F[a + 1] += 256 * h;
    let q = 0;
    for (let i = 0; i < L; i++) {
      const c = F[a + i]! + q;
      q = Math.floor(c * INV24);
      F[a + i] = c - q * RADIX;
    }
  }
  // Now value < 2^256; subtract p when value + (2^32 + 977) reaches 2^256.
  let q = Math.floor((F[a]! + 977) * INV24);
  q = Math.floor((F[a + 1]! + 256 + q) * INV24);
  for (let i = 2; i < L - 1; i++) q = Math.floor((F[a + i]! + q) * INV24);
  if (F[a + 10]! + q >= 65536) {
    F[a] += 977;
    F[a + 1] += 256;
    q = 0;
    for (let i = 0; i < L; i++) {
      const c = F[a + i]! + q;
      q = Math.floor(c * INV24);
      F[a + i] = c - q * RADIX;
    }
    F[a + 10] -= 65536;
  }
}

/** Whether F[a] ≡ 0 (mod p). */
function fisZero(a: number): boolean {
  fcopy(CANON, a);
  fcanon(CANON);
  for (let i = 0; i < L; i++) if (F[CANON + i] !== 0) return false;
  return true;
}

/** Whether F[a] ≡ F[b] (mod p). */
function fequal(a: number, b: number): boolean {
  fsub(CANON, a, b);
  return fisZero(CANON);
}

const MASK48 = (1n << 48n) - 1n;

/** F[o] = x for 0 <= x < 2^264. */
function fset(o: number, x: bigint): void {
  for (let i = 0; i < L; i += 2) {
    const v = Number(x & MASK48);
    const hi = Math.floor(v * INV24);
    F[o + i] = v - hi * RADIX;
    if (i + 1 < L) F[o + i + 1] = hi;
    x >>= 48n;
  }
}

/** The canonical value of F[a] as a bigint. */
function fget(a: number): bigint {
  fcopy(CANON, a);
  fcanon(CANON);
  let x = BigInt(F[CANON + 10]!);
  for (let i = 8; i >= 0; i -= 2) x = (x << 48n) | BigInt(F[CANON + i + 1]! * RADIX + F[CANON + i]!);
  return x;
}

/** Writes the canonical value of F[a] as 32 big-endian bytes at out[off]. */
function fwrite(a: number, out: Uint8Array, off: number): void {
  fcopy(CANON, a);
  fcanon(CANON);
  // Limb i holds bytes 3i..3i+2 counted from the least significant end.
  for (let j = 0; j < 32; j++) {
    const limb = F[CANON + ((j / 3) | 0)]!;
    out[off + 31 - j] = (limb >>> (8 * (j % 3))) & 0xff;
  }
}

/** F[o] = F[a]^((p+1)/4), the square root of F[a] when it has one (p ≡ 3 mod 4). Uses T1..T7. */
function fsqrt(o: number, a: number): void {
  // (p+1)/4 in binary: 223 ones, a zero, 22 ones, four zeros, two ones, two zeros. The chain builds
  // a^(2^k - 1) for k in 1, [2], 3, 6, 9, 11, [22], 44, 88, 176, 220, [223] (libsecp256k1's).
  const x2 = T1, x3 = T2, x6 = T3, x22 = T4, x44 = T5, t = T6, u = T7;
  fsqr(x2, a);
  fmul(x2, x2, a);
  fsqr(x3, x2);
  fmul(x3, x3, a);
  fsqrN(x6, x3, 3);
  fmul(x6, x6, x3);
  fsqrN(t, x6, 3); // x9
  fmul(t, t, x3);
  fsqrN(u, t, 2); // x11
  fmul(u, u, x2);
  fsqrN(x22, u, 11);
  fmul(x22, x22, u);
  fsqrN(x44, x22, 22);
  fmul(x44, x44, x22);
  fsqrN(t, x44, 44); // x88
  fmul(t, t, x44);
  fsqrN(u, t, 88); // x176
  fmul(u, u, t);
  fsqrN(u, u, 44); // x220
  fmul(u, u, x44);
  fsqrN(u, u, 3); // x223
  fmul(u, u, x3);
  fsqrN(u, u, 23);
  fmul(u, u, x22);
  fsqrN(u, u, 6);
  fmul(u, u, x2);
  fsqrN(o, u, 2);
}

// ---------------------------------------------------------------------------------------------
// Modular inverse: Lehmer's extended Euclid (Knuth, TAOCP 4.5.2, algorithm L) on bigints, with
// the single-precision steps on 48-bit leading digits in doubles (all exact below 2^53).

const TWO48 = 281474976710656;

/** a⁻¹ mod m for 0 < a < m with gcd(a, m) = 1 (m odd prime here). */
export function modInverse(a: bigint, m: bigint): bigint {
  let u = m, v = a;
  let xu = 0n, xv = 1n; // u ≡ xu·a, v ≡ xv·a (mod m)
  for (;;) {
    if (v === 0n) break;
    const uf = Number(u);
    if (uf < TWO48) {
      // Both fit in doubles: finish the Euclid exactly there and combine the cofactors once.
      let uh = uf, vh = Number(v);
      let A = 1, B = 0, C = 0, D = 1;
      while (vh !== 0) {
        const q = Math.floor(uh / vh);
        let t = uh - q * vh;
        uh = vh;
        vh = t;
        t = A - q * C;
        A = C;
        C = t;
        t = B - q * D;
        B = D;
        D = t;
      }
      u = BigInt(uh);
      xu = BigInt(A) * xu + BigInt(B) * xv;
      break;
    }
    let shift = Math.floor(Math.log2(uf)) - 47;
    let uh = Number(u >> BigInt(shift));
    if (uh >= TWO48) {
      shift++;
      uh = Number(u >> BigInt(shift));
    }
    let vh = Number(v >> BigInt(shift));
    let A = 1, B = 0, C = 0, D = 1;
    for (;;) {
      if (vh + C === 0 || vh + D === 0) break;
      const q = Math.floor((uh + A) / (vh + C));
      if (q !== Math.floor((uh + B) / (vh + D))) break;
      let t = A - q * C;
      A = C;
      C = t;
      t = B - q * D;
      B = D;
      D = t;
      t = uh - q * vh;
      uh = vh;
      vh = t;
    }
    if (B === 0) {
      const q = u / v;
      const t = u - q * v;
      u = v;
      v = t;
      const tx = xu - q * xv;
      xu = xv;
      xv = tx;
    } else {
      const bA = BigInt(A), bB = BigInt(B), bC = BigInt(C), bD = BigInt(D);
      const nu = bA * u + bB * v;
      v = bC * u + bD * v;
      u = nu;
      const nx = bA * xu + bB * xv;
      xv = bC * xu + bD * xv;
      xu = nx;
    }
  }
  if (u !== 1n) throw new RangeError("modInverse: not invertible");
  xu %= m;
  return xu < 0n ? xu + m : xu;
}

// ---------------------------------------------------------------------------------------------
// Points: Jacobian (X, Y, Z) ↦ (X/Z², Y/Z³) on y² = x³ + 7; the accumulator may be infinity.

let accInfinity = true;
/**
 * Whether additions test for the exceptional cases acc = ±P (H ≡ 0). Unchecked, such a case
 * yields Z = 0, which every later doubling and addition keeps at 0; the walk tests Z once at the
 * end and is redone checked only then (only crafted signatures get there).
 */
let checked = false;
const stats = { checkedWalks: 0 };

/** acc = 2·acc (dbl-2009-l, a = 0). Uses T0..T5. */
function dbl(): void {
  if (accInfinity) return;
  const A = T0, B = T1, C = T2, D = T3, E = T4, G = T5;
  fsqr(A, AX);
  fsqr(B, AY);
  fsqr(C, B);
  fmul(D, AX, B);
  fmulSmall(D, D, 4); // D = 4XY²
  fmulSmall(E, A, 3); // E = 3X²
  fsqr(G, E);
  fmul(AZ, AY, AZ);
  fadd(AZ, AZ, AZ); // Z3 = 2YZ
  fsub(AX, G, D);
  fsub(AX, AX, D); // X3 = E² - 2D
  fsub(D, D, AX);
  fmul(D, E, D);
  fmulSmall(C, C, 8);
  fsub(AY, D, C); // Y3 = E(D - X3) - 8Y⁴
}

/**
 * acc += ±(x, y, z) for a Jacobian point whose Z², Z³ are given (add-1998-cmo-2 with them
 * precomputed). Uses T0..T9.
 */
function addJacobian(x: number, y: number, z: number, zz: number, zzz: number, negate: boolean): void {
  if (accInfinity) {
    fcopy(AX, x);
    if (negate) fneg(AY, y);
    else fcopy(AY, y);
    fcopy(AZ, z);
    accInfinity = false;
    return;
  }
  const Z1Z1 = T0, U1 = T1, U2 = T2, S1 = T3, S2 = T4, H = T5, R = T6, HH = T7, HHH = T8, V = T9;
  fsqr(Z1Z1, AZ);
  fmul(U1, AX, zz);
  fmul(U2, x, Z1Z1);
  fmul(S1, AY, zzz);
  fmul(Z1Z1, Z1Z1, AZ); // Z1³
  fmul(S2, y, Z1Z1);
  if (negate) {
    fadd(R, S2, S1);
    fneg(R, R); // R = (-S2) - S1 for the negated point
  } else fsub(R, S2, S1);
  fsub(H, U2, U1);
  if (checked && fisZero(H)) {
    if (fisZero(R)) dbl();
    else accInfinity = true;
    return;
  }
  fsqr(HH, H);
  fmul(HHH, H, HH);
  fmul(V, U1, HH);
  fsqr(AX, R);
  fsub(AX, AX, HHH);
  fsub(AX, AX, V);
  fsub(AX, AX, V); // X3 = R² - H³ - 2·U1·H²
  fsub(V, V, AX);
  fmul(V, R, V);
  fmul(S1, S1, HHH);
  fsub(AY, V, S1); // Y3 = R(U1·H² - X3) - S1·H³
  fmul(AZ, AZ, z);
  fmul(AZ, AZ, H); // Z3 = Z1·Z2·H
}

/** acc += ±(x, y) for an affine point (madd: add-1998-cmo-2 with Z2 = 1). Uses T0..T9. */
function addAffine(x: number, y: number, negate: boolean): void {
  if (accInfinity) {
    fcopy(AX, x);
    if (negate) fneg(AY, y);
    else fcopy(AY, y);
    fcopy(AZ, ONE);
    accInfinity = false;
    return;
  }
  const Z1Z1 = T0, U2 = T2, S2 = T4, H = T5, R = T6, HH = T7, HHH = T8, V = T9;
  fsqr(Z1Z1, AZ);
  fmul(U2, x, Z1Z1);
  fmul(Z1Z1, Z1Z1, AZ);
  fmul(S2, y, Z1Z1);
  if (negate) {
    fadd(R, S2, AY);
    fneg(R, R);
  } else fsub(R, S2, AY);
  fsub(H, U2, AX);
  if (checked && fisZero(H)) {
    if (fisZero(R)) dbl();
    else accInfinity = true;
    return;
  }
  fsqr(HH, H);
  fmul(HHH, H, HH);
  fmul(V, AX, HH);
  fsqr(AX, R);
  fsub(AX, AX, HHH);
  fsub(AX, AX, V);
  fsub(AX, AX, V);
  fsub(V, V, AX);
  fmul(V, R, V);
  fmul(HHH, AY, HHH);
  fsub(AY, V, HHH);
  fmul(AZ, AZ, H);
}

/** Stores the accumulator's Z², Z³ at zz, zzz. */
function accZPowers(zz: number, zzz: number): void {
  fsqr(zz, AZ);
  fmul(zzz, zz, AZ);
}

/** R's odd multiples 1R, 3R, ..., (2·R_TABLE - 1)R with βX, from R = (F[RX], F[RY]) affine. */
function buildRTable(): void {
  fcopy(RZ, ONE);
  fcopy(RZZ, ONE);
  fcopy(RZZZ, ONE);
  fmul(RBX, RX, BETA_REG);
  // 2R
  fcopy(AX, RX);
  fcopy(AY, RY);
  fcopy(AZ, ONE);
  accInfinity = false;
  dbl();
  fcopy(DX, AX);
  fcopy(DY, AY);
  fcopy(DZ, AZ);
  accZPowers(DZZ, DZZZ);
  for (let i = 1; i < R_TABLE; i++) {
    const prev = (i - 1) * L, cur = i * L;
    fcopy(AX, RX + prev);
    fcopy(AY, RY + prev);
    fcopy(AZ, RZ + prev);
    accInfinity = false;
    addJacobian(DX, DY, DZ, DZZ, DZZZ, false);
    // (2i+1)R is never infinity nor equal to ±2R: R has prime order n.
    fcopy(RX + cur, AX);
    fcopy(RY + cur, AY);
    fcopy(RZ + cur, AZ);
    accZPowers(RZZ + cur, RZZZ + cur);
    fmul(RBX + cur, AX, BETA_REG);
  }
}

let gTableReady = false;

/** G's odd multiples 1G, 3G, ..., (2·G_TABLE - 1)G in affine coordinates, with βx; built once. */
function buildGTable(): void {
  fset(GXT, GX);
  fset(GYT, GY);
  fcopy(GZ, ONE);
  // 2G, as a Jacobian point with Z², Z³.
  fcopy(AX, GXT);
  fcopy(AY, GYT);
  fcopy(AZ, ONE);
  accInfinity = false;
  dbl();
  fcopy(DX, AX);
  fcopy(DY, AY);
  fcopy(DZ, AZ);
  accZPowers(DZZ, DZZZ);
  fcopy(AX, GXT);
  fcopy(AY, GYT);
  fcopy(AZ, ONE);
  for (let i = 1; i < G_TABLE; i++) {
    addJacobian(DX, DY, DZ, DZZ, DZZZ, false);
    fcopy(GXT + i * L, AX);
    fcopy(GYT + i * L, AY);
    fcopy(GZ + i * L, AZ);
  }
  // Batch inversion of the Z's (Montgomery's trick): GPRE[i] = Z0·…·Zi.
  fcopy(GPRE, GZ);
  for (let i = 1; i < G_TABLE; i++) fmul(GPRE + i * L, GPRE + (i - 1) * L, GZ + i * L);
  fset(T9, modInverse(fget(GPRE + (G_TABLE - 1) * L), P)); // (Z0·…·Zlast)⁻¹
  for (let i = G_TABLE - 1; i >= 0; i--) {
    const zinv = T8;
    if (i > 0) {
      fmul(zinv, T9, GPRE + (i - 1) * L);
      fmul(T9, T9, GZ + i * L);
    } else fcopy(zinv, T9);
    fsqr(T7, zinv);
    fmul(GXT + i * L, GXT + i * L, T7);
    fmul(T7, T7, zinv);
    fmul(GYT + i * L, GYT + i * L, T7);
    fcanon(GXT + i * L);
    fcanon(GYT + i * L);
    fmul(GBX + i * L, GXT + i * L, BETA_REG);
  }
  gTableReady = true;
}

// ---------------------------------------------------------------------------------------------
// Scalars: GLV split and width-w NAF.

const WORDS = new Uint32Array(8);
const NAF_LEN = 160; // digits of a scalar below 2^150 (the halves are below 2^128)
const NAF_G1 = new Int16Array(NAF_LEN), NAF_G2 = new Int16Array(NAF_LEN);
const NAF_R1 = new Int16Array(NAF_LEN), NAF_R2 = new Int16Array(NAF_LEN);
const MASK32 = 0xffffffffn;

/** `count` (< 32) bits of WORDS starting at bit `pos`. */
function bitsAt(pos: number, count: number): number {
  const wi = pos >>> 5, bi = pos & 31;
  let v = WORDS[wi]! >>> bi;
  if (bi + count > 32) v |= WORDS[wi + 1]! << (32 - bi);
  return (v & ((1 << count) - 1)) >>> 0;
}

/**
 * Writes the width-w NAF of 0 <= k < 2^150 into out (digit i has weight 2^i; nonzero digits are
 * odd, |d| < 2^(w-1), and any w consecutive digits hold at most one nonzero). Returns the length
 * (index of the top nonzero digit + 1, 0 for k = 0).
 */
function wnaf(k: bigint, w: number, out: Int16Array): number {
  out.fill(0);
  if (k === 0n) return 0;
  for (let i = 0; i < 5; i++) {
    WORDS[i] = Number(k & MASK32);
    k >>= 32n;
  }
  WORDS[5] = 0;
  let carry = 0, bit = 0, len = 0;
  while (bit < NAF_LEN) {
    if (bitsAt(bit, 1) === carry) {
      bit++;
      continue;
    }
    let word = bitsAt(bit, w) + carry;
    carry = (word >> (w - 1)) & 1;
    word -= carry << w;
    out[bit] = word;
    len = bit + 1;
    bit += w;
  }
  return len;
}

const HALF_BITS = 1n << 129n;
let splitK1 = 0n, splitK2 = 0n, splitNeg1 = false, splitNeg2 = false;

/** k = k1 + k2·λ (mod n) with |k1|, |k2| < 2^128 (results in splitK1, splitK2 and their signs). */
function splitScalar(k: bigint): void {
  const c1 = (B2 * k + HALF_N) / N; // round(b2·k / n)
  const c2 = (MINUS_B1 * k + HALF_N) / N; // round(-b1·k / n)
  let k1 = k - c1 * A1 - c2 * A2;
  let k2 = c1 * MINUS_B1 - c2 * B2;
  if (k1 >= HALF_BITS || -k1 >= HALF_BITS || k2 >= HALF_BITS || -k2 >= HALF_BITS) throw new Error("secp256k1: GLV split out of range");
  splitNeg1 = k1 < 0n;
  splitNeg2 = k2 < 0n;
  if (splitNeg1) k1 = -k1;
  if (splitNeg2) k2 = -k2;
  splitK1 = k1;
  splitK2 = k2;
}

// ---------------------------------------------------------------------------------------------
// Recovery

fset(ONE, 1n);
fset(SEVEN, 7n);
fset(BETA_REG, BETA);

function bigint32(bytes: Uint8Array): bigint {
  const view = new DataView(bytes.buffer, bytes.byteOffset, 32);
  return (view.getBigUint64(0) << 192n) | (view.getBigUint64(8) << 128n) | (view.getBigUint64(16) << 64n) | view.getBigUint64(24);
}

/**
 * Recovers the signer's public key into the accumulator, normalised to affine (AX, AY with
 * AZ = 1). Returns false when recovery fails: r or s outside [1, n-1], r not the x of a curve
 * point, or the result at infinity.
 */
function recoverIntoAcc(hash: Uint8Array, r: bigint, s: bigint, recovery: number): boolean {
  if (hash.length !== 32) throw new RangeError(`secp256k1: message hash must be 32 bytes, got ${hash.length}`);
  if (r <= 0n || r >= N || s <= 0n || s >= N) return false;
  if (recovery !== 0 && recovery !== 1) return false;
  if (!gTableReady) buildGTable();
  // R = (r, y): y² = r³ + 7 with y of the requested parity (r < n < p is a field element).
  fset(RX, r);
  fsqr(T0, RX);
  fmul(T0, T0, RX);
  fadd(T9, T0, SEVEN); // T9 = r³ + 7 (fsqrt uses T1..T7)
  fsqrt(RY, T9);
  fsqr(T0, RY);
  if (!fequal(T0, T9)) return false; // r³ + 7 is not a square: no point has x = r
  fcanon(RY);
  if ((F[RY]! & 1) !== recovery) fneg(RY, RY);
  buildRTable();
  // u1 = -e/r, u2 = s/r (mod n), e = the hash as an integer reduced mod n.
  let e = bigint32(hash);
  if (e >= N) e -= N;
  const rInv = modInverse(r, N);
  const u1 = ((N - e) * rInv) % N;
  const u2 = (s * rInv) % N;
  splitScalar(u1);
  const lenG1 = wnaf(splitK1, WG, NAF_G1), lenG2 = wnaf(splitK2, WG, NAF_G2);
  const negG1 = splitNeg1, negG2 = splitNeg2;
  splitScalar(u2);
  const lenR1 = wnaf(splitK1, WR, NAF_R1), lenR2 = wnaf(splitK2, WR, NAF_R2);
  const negR1 = splitNeg1, negR2 = splitNeg2;
  const top = Math.max(lenG1, lenG2, lenR1, lenR2);
  walk(top, negG1, negG2, negR1, negR2);
  if (!accInfinity && fisZero(AZ)) {
    // An exceptional addition happened (or the result is infinity): redo it with the checks.
    stats.checkedWalks++;
    checked = true;
    walk(top, negG1, negG2, negR1, negR2);
    checked = false;
  }
  if (accInfinity) return false;
  // To affine: x = X/Z², y = Y/Z³.
  fset(T0, modInverse(fget(AZ), P));
  fsqr(T1, T0);
  fmul(AX, AX, T1);
  fmul(T1, T1, T0);
  fmul(AY, AY, T1);
  fcopy(AZ, ONE);
  return true;
}

/** The Strauss walk: one doubling chain over the four digit streams (acc starts at infinity). */
function walk(top: number, negG1: boolean, negG2: boolean, negR1: boolean, negR2: boolean): void {
  accInfinity = true;
  for (let i = top - 1; i >= 0; i--) {
    dbl();
    let d = NAF_R1[i]!;
    if (d !== 0) {
      const o = ((d < 0 ? -d : d) >> 1) * L;
      addJacobian(RX + o, RY + o, RZ + o, RZZ + o, RZZZ + o, d < 0 !== negR1);
    }
    d = NAF_R2[i]!;
    if (d !== 0) {
      const o = ((d < 0 ? -d : d) >> 1) * L;
      addJacobian(RBX + o, RY + o, RZ + o, RZZ + o, RZZZ + o, d < 0 !== negR2);
    }
    d = NAF_G1[i]!;
    if (d !== 0) {
      const o = ((d < 0 ? -d : d) >> 1) * L;
      addAffine(GXT + o, GYT + o, d < 0 !== negG1);
    }
    d = NAF_G2[i]!;
    if (d !== 0) {
      const o = ((d < 0 ? -d : d) >> 1) * L;
      addAffine(GBX + o, GYT + o, d < 0 !== negG2);
    }
  }
}

/** Whether some curve point has x-coordinate x (0 <= x < p): whether x³ + 7 is a square mod p. */
export function isCurveX(x: bigint): boolean {
  if (x < 0n || x >= P) return false;
  fset(RX, x);
  fsqr(T0, RX);
  fmul(T0, T0, RX);
  fadd(T9, T0, SEVEN);
  fsqrt(RY, T9);
  fsqr(T0, RY);
  return fequal(T0, T9);
}

/**
 * The public key that signed the 32-byte `hash` with (r, s) and recovery id 0/1 (the parity of
 * R's y): 64 bytes x ‖ y (no 0x04 prefix), or null when recovery fails (r or s outside [1, n-1],
 * no curve point with x = r, or the point at infinity). Same results as @noble/curves'
 * `new Signature(r, s, recovery).recoverPublicKey(hash)`.
 */
export function recoverPublicKey(hash: Uint8Array, r: bigint, s: bigint, recovery: number): Uint8Array | null {
  if (!recoverIntoAcc(hash, r, s, recovery)) return null;
  const out = new Uint8Array(64);
  fwrite(AX, out, 0);
  fwrite(AY, out, 32);
  return out;
}

const PUB_SCRATCH = new Uint8Array(64);
const ADDRESS_HASH = new Uint8Array(32);

/**
 * Writes the signer's address (last 20 bytes of keccak256(x ‖ y)) at out[off..off+20) and
 * returns true, or returns false (out untouched) when recovery fails.
 */
export function recoverAddressInto(hash: Uint8Array, r: bigint, s: bigint, recovery: number, out: Uint8Array, off: number): boolean {
  if (!recoverIntoAcc(hash, r, s, recovery)) return false;
  fwrite(AX, PUB_SCRATCH, 0);
  fwrite(AY, PUB_SCRATCH, 32);
  keccak256Into(PUB_SCRATCH, 0, 64, ADDRESS_HASH, 0);
  out.set(ADDRESS_HASH.subarray(12, 32), off);
  return true;
}

/** The signer's 20-byte address, or null when recovery fails. */
export function recoverAddressBytes(hash: Uint8Array, r: bigint, s: bigint, recovery: number): Uint8Array | null {
  const out = new Uint8Array(20);
  return recoverAddressInto(hash, r, s, recovery, out, 0) ? out : null;
}

/** Internals for the tests (field arithmetic on registers, the checked-walk counter); not an API. */
export const secp256k1Internals = {
  F,
  limbs: L,
  registers: [T0, T1, T2, T3] as const,
  fmul,
  fsqr,
  fadd,
  fsub,
  fmulSmall,
  fneg,
  fset,
  fget,
  stats,
};
