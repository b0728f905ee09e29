// ECDSA signature verification on NIST P-256 (secp256r1), as P256VERIFY (EIP-7951) needs it,
// written for speed and checked against @noble/curves (test/primitives/p256.test.ts).
//
// Field elements mod p live in a WebAssembly module in Montgomery form (./p256Wasm.ts); the
// point doubling (dbl-2001-b, for a = -3) and the additions (./jacobian.ts) are compiled into it,
// so each is one call. R' = u1·G + u2·Q is one interleaved (Strauss) wNAF walk of about 256
// doublings: G's odd multiples (window WG) in affine coordinates, built once; Q's (window WQ) in
// Jacobian coordinates, built per call. R'.x ≡ r (mod n) is checked without an inversion, as
// X ≡ r·Z² or X ≡ (r + n)·Z² (mod p).
//
// The walk's additions do not test for their exceptional cases (the accumulator equal to ±the
// point added): such a case leaves Z ≡ 0, which stays 0 to the end, and then the walk is run again
// with each addition checked (as in ./secp256k1.ts). Random inputs never need the second walk.
// The module is assembled and G's table built at the first verification: a process that never
// verifies a P-256 signature (every block before Osaka) pays nothing for them.

import { readRegister, RegisterFile, REGISTER_BYTES, writeRegister, type FieldModule, type Program } from "./fieldWasm.js";
import { Accumulator, additionFormulas, walkPrograms, type WalkModule } from "./jacobian.js";
import { modInverse } from "./modInverse.js";
import { instantiateP256Field, P256_P as P } from "./p256Wasm.js";
import { wnaf } from "./wnaf.js";

export const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const N = P256_N;
const B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;
const MONTGOMERY_SHIFT = 260n;
const GX = 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n;
const GY = 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n;

/** wNAF windows: Q's table holds 1Q, 3Q, ..., 15Q (per call); G's 1G, 3G, ..., 127G (once). */
const WQ = 5;
const WG = 8;
const Q_TABLE = 1 << (WQ - 2);
const G_TABLE = 1 << (WG - 2);
const STRIDE = REGISTER_BYTES;
/** Digits of a scalar below n < 2^256, and room for the wNAF's extra digit. */
const NAF_LEN = 260;

const registers = new RegisterFile();
const reg = (count = 1): number => registers.take(count);
const T0 = reg(), T1 = reg(), T2 = reg(), T3 = reg(), T4 = reg(), T5 = reg(), T6 = reg(), T7 = reg(), T8 = reg(), T9 = reg();
/** 1 in Montgomery form (R mod p). */
const ONE = reg();
// Accumulator (Jacobian X, Y, Z).
const AX = reg(), AY = reg(), AZ = reg();
// 2Q (Jacobian, with Z² and Z³).
const DX = reg(), DY = reg(), DZ = reg(), DZZ = reg(), DZZZ = reg();
// Odd multiples of Q: X, Y, Z, Z², Z³ for each.
const QX = reg(Q_TABLE), QY = reg(Q_TABLE), QZ = reg(Q_TABLE), QZZ = reg(Q_TABLE), QZZZ = reg(Q_TABLE);
// Odd multiples of G (affine x, y); GZ and GPRE are scratch space while the table is built.
const GXT = reg(G_TABLE), GYT = reg(G_TABLE), GZ = reg(G_TABLE), GPRE = reg(G_TABLE);

/** acc = 2·acc (dbl-2001-b, a = -3; acc not at infinity). Uses T0..T5. */
const DBL: Program = {
  name: "dbl",
  params: [],
  ops: (() => {
    const delta = T0, gamma = T1, beta = T2, t = T3, u = T4, alpha = T5;
    return [
      ["sqr", delta, AZ], ["sqr", gamma, AY], ["mul", beta, AX, gamma],
      ["sub", t, AX, delta], ["add", u, AX, delta], ["mul", t, t, u], ["small", alpha, t, 3], // alpha = 3(X - delta)(X + delta)
      ["add", AZ, AY, AZ], ["sqr", AZ, AZ], ["sub", AZ, AZ, gamma], ["sub", AZ, AZ, delta], // Z3 = (Y + Z)² - gamma - delta
      ["sqr", AX, alpha], ["small", u, beta, 8], ["sub", AX, AX, u], // X3 = alpha² - 8·beta
      ["small", beta, beta, 4], ["sub", beta, beta, AX], ["mul", beta, alpha, beta],
      ["sqr", gamma, gamma], ["small", gamma, gamma, 8], ["sub", AY, beta, gamma], // Y3 = alpha(4·beta - X3) - 8·gamma²
    ] as const;
  })(),
};

const ADD = additionFormulas({ x: AX, y: AY, z: AZ, scratch: [T0, T1, T2, T3, T4, T5, T6, T7, T8, T9] });

interface CurveModule extends FieldModule, WalkModule {
  /** zz = AZ², zzz = AZ³. */
  accZPowers(zz: number, zzz: number): void;
}

let W!: CurveModule;
let ACC!: Accumulator;
let LIMB32!: Uint32Array;
let ready = false;

/** Assembles the module and builds G's table (the first verification's work). */
function init(): void {
  W = instantiateP256Field(registers.count, [
    DBL,
    ...walkPrograms(ADD, AZ),
  ]) as CurveModule;
  LIMB32 = new Uint32Array(W.memory.buffer);
  ACC = new Accumulator(W, { x: AX, y: AY, z: AZ, one: ONE }, ADD, fisZero);
  fset(ONE, 1n);
  buildGTable();
  ready = true;
}

/** F[o] = x (0 <= x < p), in Montgomery form. */
function fset(o: number, x: bigint): void {
  writeRegister(LIMB32, o, (x << MONTGOMERY_SHIFT) % P);
}

/** F[a]'s register value (below 2p) as a bigint: congruent to the element times R. */
function raw(a: number): bigint {
  return readRegister(LIMB32, a);
}

/** R⁻¹ mod p: the element a register stands for is raw · R⁻¹. */
const R_INVERSE = modInverse((1n << MONTGOMERY_SHIFT) % P, P);

/** The element F[a] (in [0, p)). */
function fget(a: number): bigint {
  return ((raw(a) % P) * R_INVERSE) % P;
}

/** Whether F[a] ≡ 0 (mod p); the Montgomery factor does not change that. */
function fisZero(a: number): boolean {
  return raw(a) % P === 0n;
}

function fequal(a: number, b: number): boolean {
  return (raw(a) - raw(b)) % P === 0n;
}

// ---------------------------------------------------------------------------------------------
// The walk

/** The odd multiples 1P, 3P, ..., (2·count - 1)P of P = (F[xs], F[ys]) affine, in Jacobian coordinates at xs, ys, zs (+ i·STRIDE), and Z², Z³ where given. */
function oddMultiples(xs: number, ys: number, zs: number, count: number, zzs = -1, zzzs = -1): void {
  W.fcopy(zs, ONE);
  if (zzs >= 0) {
    W.fcopy(zzs, ONE);
    W.fcopy(zzzs, ONE);
  }
  ACC.set(xs, ys, ONE, false);
  W.dbl(); // P has prime order n: 2P is no exceptional case, nor is any (2i+1)P = ±2P below
  W.fcopy(DX, AX);
  W.fcopy(DY, AY);
  W.fcopy(DZ, AZ);
  W.accZPowers(DZZ, DZZZ);
  for (let i = 1; i < count; i++) {
    const prev = (i - 1) * STRIDE, cur = i * STRIDE;
    ACC.set(xs + prev, ys + prev, zs + prev, false);
    W.addJacobian(DX, DY, DZ, DZZ, DZZZ, 0);
    W.fcopy(xs + cur, AX);
    W.fcopy(ys + cur, AY);
    W.fcopy(zs + cur, AZ);
    if (zzs >= 0) W.accZPowers(zzs + cur, zzzs + cur);
  }
}

/** G's odd multiples in affine coordinates, once: Jacobian, then one inversion for all (Montgomery's trick). */
function buildGTable(): void {
  fset(GXT, GX);
  fset(GYT, GY);
  oddMultiples(GXT, GYT, GZ, G_TABLE);
  W.fcopy(GPRE, GZ); // GPRE[i] = Z0·…·Zi
  for (let i = 1; i < G_TABLE; i++) W.fmul(GPRE + i * STRIDE, GPRE + (i - 1) * STRIDE, GZ + i * STRIDE);
  fset(T9, modInverse(fget(GPRE + (G_TABLE - 1) * STRIDE), P)); // (Z0·…·Zlast)⁻¹
  for (let i = G_TABLE - 1; i >= 0; i--) {
    const zInverse = T8;
    if (i > 0) {
      W.fmul(zInverse, T9, GPRE + (i - 1) * STRIDE);
      W.fmul(T9, T9, GZ + i * STRIDE);
    } else W.fcopy(zInverse, T9);
    W.fsqr(T7, zInverse);
    W.fmul(GXT + i * STRIDE, GXT + i * STRIDE, T7);
    W.fmul(T7, T7, zInverse);
    W.fmul(GYT + i * STRIDE, GYT + i * STRIDE, T7);
  }
}

const NAF_G = new Int16Array(NAF_LEN), NAF_Q = new Int16Array(NAF_LEN);

/** The Strauss walk over both digit streams; acc starts at infinity. */
function walk(top: number): void {
  ACC.infinity = true;
  for (let i = top - 1; i >= 0; i--) {
    ACC.dbl();
    let d = NAF_Q[i]!;
    if (d !== 0) {
      const o = ((d < 0 ? -d : d) >> 1) * STRIDE;
      ACC.addJacobian(QX + o, QY + o, QZ + o, QZZ + o, QZZZ + o, d < 0);
    }
    d = NAF_G[i]!;
    if (d !== 0) {
      const o = ((d < 0 ? -d : d) >> 1) * STRIDE;
      ACC.addAffine(GXT + o, GYT + o, d < 0);
    }
  }
}

/** How many walks were redone checked (the plain walk met an exceptional addition); for the tests. */
export const p256Stats = { checkedWalks: 0 };

/** Whether (x, y), both below p, is on the curve: y² = x³ - 3x + b (mod p). */
export function isP256Point(x: bigint, y: bigint): boolean {
  return (y * y - ((x * x - 3n) * x + B)) % P === 0n;
}

/**
 * ECDSA verification of (r, s) over the message hash h by the public key (qx, qy), with the
 * checks of EIP-7951 done by the caller: 0 < r, s < n, and (qx, qy) a point of the curve (so not
 * at infinity). h is any 256-bit value (taken mod n); high s is accepted.
 */
export function verifyP256(h: bigint, r: bigint, s: bigint, qx: bigint, qy: bigint): boolean {
  if (!ready) init();
  const w = modInverse(s, N);
  const u1 = ((h % N) * w) % N;
  const u2 = (r * w) % N;
  fset(QX, qx);
  fset(QY, qy);
  oddMultiples(QX, QY, QZ, Q_TABLE, QZZ, QZZZ);
  const top = Math.max(wnaf(u1, WG, NAF_G), wnaf(u2, WQ, NAF_Q));
  walk(top);
  if (!ACC.infinity && fisZero(AZ)) {
    p256Stats.checkedWalks++;
    ACC.checked = true;
    try {
      walk(top);
    } finally {
      ACC.checked = false;
    }
  }
  if (ACC.infinity) return false; // R' at infinity
  // R'.x = X/Z² (mod p) against r and, where it is below p, r + n.
  W.fsqr(T0, AZ);
  fset(T1, r);
  W.fmul(T1, T1, T0);
  if (fequal(T1, AX)) return true;
  if (r + N >= P) return false;
  fset(T1, r + N);
  W.fmul(T1, T1, T0);
  return fequal(T1, AX);
}
