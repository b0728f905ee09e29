// ECDSA public-key recovery on secp256k1 (SEC 1 v2 section 4.1.6), as ecrecover and transaction
// sender recovery need it, written for speed and checked bit for bit against @noble/curves
// (test/primitives/secp256k1.test.ts).
//
// Field elements mod p = 2^256 - 2^32 - 977 live in a WebAssembly module (./secp256k1Wasm.ts:
// 10 loose limbs of 26 bits in 64-bit integer arithmetic, its bounds argued there), addressed by
// byte offset ("registers"); the point doubling and additions are compiled into the module from
// the formulas below, so each is one call. Zero tests and outputs canonicalise through bigints.
// Measured here: a field multiply takes about 43 ns called from JavaScript (with the call), where
// the same product on 11 limbs of 24 bits in doubles took 78 ns.
//
// Q = u1·G + u2·R with u1 = -e/r, u2 = s/r (mod n) is one interleaved (Strauss) wNAF walk: both
// scalars are split with the GLV endomorphism φ(x, y) = (βx, y) = λ·(x, y) into halves below
// 2^128, so the walk has ~128 doublings; R's odd multiples (window WR) are built per call in
// Jacobian coordinates, G's (window WG) once, lazily, in affine coordinates. Inversions (r mod n,
// the final Z mod p) use Lehmer's extended gcd on bigints; the square root lifting R's y is
// (r³ + 7)^((p+1)/4) by an addition chain.

import { keccak256Into } from "./hash.js";
import { modInverse } from "./modInverse.js";
import { wnaf } from "./wnaf.js";
import { Accumulator, additionFormulas, walkPrograms, type WalkModule } from "./jacobian.js";
import { instantiateField } from "./secp256k1Wasm.js";
import { LIMBS, readRegister, RegisterFile, REGISTER_BYTES, writeRegister, type FieldModule, type Program } from "./fieldWasm.js";

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
// Registers: field elements in the WebAssembly module's memory (./secp256k1Wasm.ts: 10 limbs of
// 26 bits, loose), addressed by byte offset.

/**
 * wNAF windows: R's table holds 1R, 3R, ..., 15R (built per call), G's holds 1G, 3G, ...,
 * (2^(WG-1) - 1)G and their φ images (built once; WG = 10, 12 and 14 measured within 1%).
 */
const WR = 5;
const WG = 10;
const R_TABLE = 1 << (WR - 2);
const G_TABLE = 1 << (WG - 2);
/** Bytes between consecutive entries of a table. */
const STRIDE = REGISTER_BYTES;

const registers = new RegisterFile();
const reg = (count = 1): number => registers.take(count);
// Scratch registers.
const T0 = reg(), T1 = reg(), T2 = reg(), T3 = reg(), T4 = reg(), T5 = reg(), T6 = reg(), T7 = reg(), T8 = reg(), T9 = reg();
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

// ---------------------------------------------------------------------------------------------
// Curve formulas, compiled into the module: each is one call from here.

/** acc = 2·acc (dbl-2009-l, a = 0; acc not at infinity). Uses T0..T5. */
const DBL: Program = {
  name: "dbl",
  params: [],
  ops: (() => {
    const A = T0, B = T1, C = T2, D = T3, E = T4, G = T5;
    return [
      ["sqr", A, AX], ["sqr", B, AY], ["sqr", C, B],
      ["mul", D, AX, B], ["small", D, D, 4], // D = 4XY²
      ["small", E, A, 3], // E = 3X²
      ["sqr", G, E],
      ["mul", AZ, AY, AZ], ["add", AZ, AZ, AZ], // Z3 = 2YZ
      ["sub", AX, G, D], ["sub", AX, AX, D], // X3 = E² - 2D
      ["sub", D, D, AX], ["mul", D, E, D], ["small", C, C, 8],
      ["sub", AY, D, C], // Y3 = E(D - X3) - 8Y⁴
    ] as const;
  })(),
};

// acc += ±P (./jacobian.ts), and the accumulator that calls the formulas (ACC, below).
const ADD = additionFormulas({ x: AX, y: AY, z: AZ, scratch: [T0, T1, T2, T3, T4, T5, T6, T7, T8, T9] });

/** o = a^((p+1)/4), the square root of a when it has one (p ≡ 3 mod 4). Uses T1..T7. */
const SQRT: Program = {
  name: "sqrt",
  params: ["o", "a"],
  ops: (() => {
    // (p+1)/4 in binary: 223 ones, a zero, 22 ones, four zeros, two ones, two zeros. The chain builds
    // a^(2^k - 1) for k in 1, [2], 3, 6, 9, 11, [22], 44, 88, 176, 220, [223] (libsecp256k1's).
    const x2 = T1, x3 = T2, x6 = T3, x22 = T4, x44 = T5, t = T6, u = T7;
    return [
      ["sqr", x2, "a"], ["mul", x2, x2, "a"],
      ["sqr", x3, x2], ["mul", x3, x3, "a"],
      ["sqrN", x6, x3, 3], ["mul", x6, x6, x3],
      ["sqrN", t, x6, 3], ["mul", t, t, x3], // x9
      ["sqrN", u, t, 2], ["mul", u, u, x2], // x11
      ["sqrN", x22, u, 11], ["mul", x22, x22, u],
      ["sqrN", x44, x22, 22], ["mul", x44, x44, x22],
      ["sqrN", t, x44, 44], ["mul", t, t, x44], // x88
      ["sqrN", u, t, 88], ["mul", u, u, t], // x176
      ["sqrN", u, u, 44], ["mul", u, u, x44], // x220
      ["sqrN", u, u, 3], ["mul", u, u, x3], // x223
      ["sqrN", u, u, 23], ["mul", u, u, x22],
      ["sqrN", u, u, 6], ["mul", u, u, x2],
      ["sqrN", "o", u, 2],
    ] as const;
  })(),
};

interface CurveModule extends FieldModule, WalkModule {
  /** zz = AZ², zzz = AZ³. */
  accZPowers(zz: number, zzz: number): void;
  sqrt(o: number, a: number): void;
}

const W = instantiateField(registers.count, [
  DBL,
  ...walkPrograms(ADD, AZ),
  SQRT,
]) as CurveModule;
const { fmul, fsqr, fadd, fsub, fmulSmall, fneg, fcopy } = W;
/** The module's memory as 32-bit limbs: register address a holds LIMB32[a/4 .. a/4 + 10). */
const LIMB32 = new Uint32Array(W.memory.buffer);
/** F[o] = x for 0 <= x < 2^260. */
function fset(o: number, x: bigint): void {
  writeRegister(LIMB32, o, x);
}

/** The canonical value of F[a] (in [0, p)) as a bigint. */
function fget(a: number): bigint {
  return readRegister(LIMB32, a) % P;
}

/** Brings F[a] to canonical form in place: the value in [0, p), limbs below 2^26. */
function fcanon(a: number): void {
  fset(a, fget(a));
}

/** Whether F[a] ≡ 0 (mod p). */
function fisZero(a: number): boolean {
  return fget(a) === 0n;
}

/** Whether F[a] ≡ F[b] (mod p). */
function fequal(a: number, b: number): boolean {
  return fget(a) === fget(b);
}

/** Writes the canonical value of F[a] as 32 big-endian bytes at out[off] (canonicalising F[a]). */
function fwrite(a: number, out: Uint8Array, off: number): void {
  fcanon(a);
  const at = a >>> 2;
  // Limbs below 2^26 enter at the bottom of `bits` (below 2^34: exact); bytes leave from there.
  let bits = 0, count = 0, j = 31;
  for (let i = 0; i < LIMBS; i++) {
    bits += LIMB32[at + i]! * 2 ** count;
    count += 26;
    for (; count >= 8 && j >= 0; count -= 8, j--) {
      out[off + j] = bits % 256;
      bits = Math.floor(bits / 256);
    }
  }
  for (; j >= 0; j--) {
    out[off + j] = bits % 256;
    bits = Math.floor(bits / 256);
  }
}

// ---------------------------------------------------------------------------------------------
// Points: Jacobian (X, Y, Z) ↦ (X/Z², Y/Z³) on y² = x³ + 7; the accumulator may be infinity.

const stats = { checkedWalks: 0 };
const ACC = new Accumulator(W, { x: AX, y: AY, z: AZ, one: ONE }, ADD, fisZero);

/** R's odd multiples 1R, 3R, ..., (2·R_TABLE - 1)R with βX, from R = (F[RX], F[RY]) affine. */
function buildRTable(): void {
  fcopy(RZ, ONE);
  fcopy(RZZ, ONE);
  fcopy(RZZZ, ONE);
  fmul(RBX, RX, BETA_REG);
  // 2R
  ACC.set(RX, RY, ONE, false);
  ACC.dbl();
  fcopy(DX, AX);
  fcopy(DY, AY);
  fcopy(DZ, AZ);
  W.accZPowers(DZZ, DZZZ);
  for (let i = 1; i < R_TABLE; i++) {
    const prev = (i - 1) * STRIDE, cur = i * STRIDE;
    ACC.set(RX + prev, RY + prev, RZ + prev, false);
    ACC.addJacobian(DX, DY, DZ, DZZ, DZZZ, false);
    // (2i+1)R is never infinity nor equal to ±2R: R has prime order n.
    fcopy(RX + cur, AX);
    fcopy(RY + cur, AY);
    fcopy(RZ + cur, AZ);
    W.accZPowers(RZZ + cur, RZZZ + cur);
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
  ACC.set(GXT, GYT, ONE, false);
  ACC.dbl();
  fcopy(DX, AX);
  fcopy(DY, AY);
  fcopy(DZ, AZ);
  W.accZPowers(DZZ, DZZZ);
  ACC.set(GXT, GYT, ONE, false);
  for (let i = 1; i < G_TABLE; i++) {
    ACC.addJacobian(DX, DY, DZ, DZZ, DZZZ, false);
    fcopy(GXT + i * STRIDE, AX);
    fcopy(GYT + i * STRIDE, AY);
    fcopy(GZ + i * STRIDE, AZ);
  }
  // Batch inversion of the Z's (Montgomery's trick): GPRE[i] = Z0·…·Zi.
  fcopy(GPRE, GZ);
  for (let i = 1; i < G_TABLE; i++) fmul(GPRE + i * STRIDE, GPRE + (i - 1) * STRIDE, GZ + i * STRIDE);
  fset(T9, modInverse(fget(GPRE + (G_TABLE - 1) * STRIDE), P)); // (Z0·…·Zlast)⁻¹
  for (let i = G_TABLE - 1; i >= 0; i--) {
    const zinv = T8;
    if (i > 0) {
      fmul(zinv, T9, GPRE + (i - 1) * STRIDE);
      fmul(T9, T9, GZ + i * STRIDE);
    } else fcopy(zinv, T9);
    fsqr(T7, zinv);
    fmul(GXT + i * STRIDE, GXT + i * STRIDE, T7);
    fmul(T7, T7, zinv);
    fmul(GYT + i * STRIDE, GYT + i * STRIDE, T7);
    fcanon(GXT + i * STRIDE);
    fcanon(GYT + i * STRIDE);
    fmul(GBX + i * STRIDE, GXT + i * STRIDE, BETA_REG);
  }
  gTableReady = true;
}

// ---------------------------------------------------------------------------------------------
// Scalars: GLV split and width-w NAF.

const NAF_LEN = 160; // digits of a scalar below 2^150 (the halves are below 2^128)
const NAF_G1 = new Int16Array(NAF_LEN), NAF_G2 = new Int16Array(NAF_LEN);
const NAF_R1 = new Int16Array(NAF_LEN), NAF_R2 = new Int16Array(NAF_LEN);

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
  W.sqrt(RY, T9);
  fsqr(T0, RY);
  if (!fequal(T0, T9)) return false; // r³ + 7 is not a square: no point has x = r
  fcanon(RY);
  if ((LIMB32[RY >>> 2]! & 1) !== recovery) fneg(RY, RY);
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
  if (!ACC.infinity && fisZero(AZ)) {
    // An exceptional addition happened (or the result is infinity): redo it with the checks.
    stats.checkedWalks++;
    ACC.checked = true;
    walk(top, negG1, negG2, negR1, negR2);
    ACC.checked = false;
  }
  if (ACC.infinity) return false;
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
  ACC.infinity = true;
  for (let i = top - 1; i >= 0; i--) {
    ACC.dbl();
    let d = NAF_R1[i]!;
    if (d !== 0) {
      const o = ((d < 0 ? -d : d) >> 1) * STRIDE;
      ACC.addJacobian(RX + o, RY + o, RZ + o, RZZ + o, RZZZ + o, d < 0 !== negR1);
    }
    d = NAF_R2[i]!;
    if (d !== 0) {
      const o = ((d < 0 ? -d : d) >> 1) * STRIDE;
      ACC.addJacobian(RBX + o, RY + o, RZ + o, RZZ + o, RZZZ + o, d < 0 !== negR2);
    }
    d = NAF_G1[i]!;
    if (d !== 0) {
      const o = ((d < 0 ? -d : d) >> 1) * STRIDE;
      ACC.addAffine(GXT + o, GYT + o, d < 0 !== negG1);
    }
    d = NAF_G2[i]!;
    if (d !== 0) {
      const o = ((d < 0 ? -d : d) >> 1) * STRIDE;
      ACC.addAffine(GBX + o, GYT + o, d < 0 !== negG2);
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
  W.sqrt(RY, T9);
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
  /** The module's memory as 32-bit limbs: register address a holds limb32[a/4 .. a/4 + limbs). */
  limb32: LIMB32,
  limbs: LIMBS,
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
