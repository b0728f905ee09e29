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
// point added): such a case leaves Z ≡ 0, which stays 0 to the end, and then `verifyP256`
// returns null for the caller to decide by a complete implementation. Random inputs never get
// there; inputs built to get there cost what that implementation costs.

import { p256 } from "@noble/curves/nist.js";
import { LIMBS, REGISTER_BYTES, type FieldModule, type Program } from "./fieldWasm.js";
import { additionFormulas, AFFINE_PARAMS, JACOBIAN_PARAMS } from "./jacobian.js";
import { modInverse } from "./modInverse.js";
import { instantiateP256Field, limbsOf, P256_P as P } from "./p256Wasm.js";
import { wnaf } from "./wnaf.js";

export const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const N = P256_N;
const B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;
const MONTGOMERY_SHIFT = 260n;

/** wNAF windows: Q's table holds 1Q, 3Q, ..., 15Q (per call); G's 1G, 3G, ..., 127G (once). */
const WQ = 5;
const WG = 8;
const Q_TABLE = 1 << (WQ - 2);
const G_TABLE = 1 << (WG - 2);
const STRIDE = REGISTER_BYTES;
/** Digits of a scalar below n < 2^256, and room for the wNAF's extra digit. */
const NAF_LEN = 260;

let regCount = 0;
function reg(count = 1): number {
  const address = regCount * REGISTER_BYTES;
  regCount += count;
  return address;
}
const T0 = reg(), T1 = reg(), T2 = reg(), T3 = reg(), T4 = reg(), T5 = reg(), T6 = reg(), T7 = reg(), T8 = reg(), T9 = reg();
/** 1 in Montgomery form (R mod p). */
const ONE = reg();
// Accumulator (Jacobian X, Y, Z).
const AX = reg(), AY = reg(), AZ = reg();
// 2Q (Jacobian, with Z² and Z³).
const DX = reg(), DY = reg(), DZ = reg(), DZZ = reg(), DZZZ = reg();
// Odd multiples of Q: X, Y, Z, Z², Z³ for each.
const QX = reg(Q_TABLE), QY = reg(Q_TABLE), QZ = reg(Q_TABLE), QZZ = reg(Q_TABLE), QZZZ = reg(Q_TABLE);
// Odd multiples of G (affine x, y).
const GXT = reg(G_TABLE), GYT = reg(G_TABLE);

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

interface CurveModule extends FieldModule {
  dbl(): void;
  addJacobian(x: number, y: number, z: number, zz: number, zzz: number, neg: number): void;
  addAffine(x: number, y: number, neg: number): void;
  /** zz = AZ², zzz = AZ³. */
  accZPowers(zz: number, zzz: number): void;
}

const W = instantiateP256Field(regCount, [
  DBL,
  { name: "addJacobian", params: JACOBIAN_PARAMS, ops: [...ADD.jacobianStart, ...ADD.jacobianEnd] },
  { name: "addAffine", params: AFFINE_PARAMS, ops: [...ADD.affineStart, ...ADD.affineEnd] },
  { name: "accZPowers", params: ["zz", "zzz"], ops: [["sqr", "zz", AZ], ["mul", "zzz", "zz", AZ]] },
]) as CurveModule;
const { fmul, fsqr, fneg, fcopy } = W;
const LIMB32 = new Uint32Array(W.memory.buffer);

/** F[o] = x (0 <= x < p), in Montgomery form. */
function fset(o: number, x: bigint): void {
  const limbs = limbsOf((x << MONTGOMERY_SHIFT) % P);
  const at = o >>> 2;
  for (let i = 0; i < LIMBS; i++) LIMB32[at + i] = limbs[i]!;
}

/** F[a]'s register value (below 2p) as a bigint: congruent to the element times R. */
function raw(a: number): bigint {
  const at = a >>> 2;
  let x = 0n;
  // Two limbs at a time: below 2^52, exact in a double.
  for (let i = LIMBS - 2; i >= 0; i -= 2) x = (x << 52n) + BigInt(LIMB32[at + i + 1]! * 67108864 + LIMB32[at + i]!);
  return x;
}

/** Whether F[a] ≡ 0 (mod p); the Montgomery factor does not change that. */
function fisZero(a: number): boolean {
  return raw(a) % P === 0n;
}

function fequal(a: number, b: number): boolean {
  return (raw(a) - raw(b)) % P === 0n;
}

fset(ONE, 1n);

// ---------------------------------------------------------------------------------------------
// The walk

let accInfinity = true;

/** acc = ±(x, y, z) when acc is infinity. */
function accSet(x: number, y: number, z: number, negate: boolean): void {
  fcopy(AX, x);
  if (negate) fneg(AY, y);
  else fcopy(AY, y);
  fcopy(AZ, z);
  accInfinity = false;
}

function addJacobian(x: number, y: number, z: number, zz: number, zzz: number, negate: boolean): void {
  if (accInfinity) accSet(x, y, z, negate);
  else W.addJacobian(x, y, z, zz, zzz, negate ? 1 : 0);
}

function addAffine(x: number, y: number, negate: boolean): void {
  if (accInfinity) accSet(x, y, ONE, negate);
  else W.addAffine(x, y, negate ? 1 : 0);
}

/** Q's odd multiples 1Q, 3Q, ..., (2·Q_TABLE - 1)Q, from Q = (F[QX], F[QY]) affine. */
function buildQTable(): void {
  fcopy(QZ, ONE);
  fcopy(QZZ, ONE);
  fcopy(QZZZ, ONE);
  accSet(QX, QY, ONE, false);
  W.dbl(); // Q has prime order n: 2Q is no exceptional case, nor is any (2i+1)Q = ±2Q below
  fcopy(DX, AX);
  fcopy(DY, AY);
  fcopy(DZ, AZ);
  W.accZPowers(DZZ, DZZZ);
  for (let i = 1; i < Q_TABLE; i++) {
    const prev = (i - 1) * STRIDE, cur = i * STRIDE;
    accSet(QX + prev, QY + prev, QZ + prev, false);
    W.addJacobian(DX, DY, DZ, DZZ, DZZZ, 0);
    fcopy(QX + cur, AX);
    fcopy(QY + cur, AY);
    fcopy(QZ + cur, AZ);
    W.accZPowers(QZZ + cur, QZZZ + cur);
  }
}

let gTableReady = false;

/** G's odd multiples in affine coordinates, once (with @noble/curves: about a millisecond). */
function buildGTable(): void {
  const twoG = p256.Point.BASE.double();
  let point = p256.Point.BASE;
  for (let i = 0; i < G_TABLE; i++) {
    const { x, y } = point.toAffine();
    fset(GXT + i * STRIDE, x);
    fset(GYT + i * STRIDE, y);
    point = point.add(twoG);
  }
  gTableReady = true;
}

const NAF_G = new Int16Array(NAF_LEN), NAF_Q = new Int16Array(NAF_LEN);

/** The Strauss walk over both digit streams; acc starts at infinity. */
function walk(top: number): void {
  accInfinity = true;
  for (let i = top - 1; i >= 0; i--) {
    if (!accInfinity) W.dbl();
    let d = NAF_Q[i]!;
    if (d !== 0) {
      const o = ((d < 0 ? -d : d) >> 1) * STRIDE;
      addJacobian(QX + o, QY + o, QZ + o, QZZ + o, QZZZ + o, d < 0);
    }
    d = NAF_G[i]!;
    if (d !== 0) {
      const o = ((d < 0 ? -d : d) >> 1) * STRIDE;
      addAffine(GXT + o, GYT + o, d < 0);
    }
  }
}

/** Whether (x, y), both below p, is on the curve: y² = x³ - 3x + b (mod p). */
export function isP256Point(x: bigint, y: bigint): boolean {
  return (y * y - ((x * x - 3n) * x + B)) % P === 0n;
}

/**
 * ECDSA verification of (r, s) over the message hash h by the public key (qx, qy), with the
 * checks of EIP-7951 done by the caller: 0 < r, s < n, and (qx, qy) a point of the curve (so not
 * at infinity). h is any 256-bit value (taken mod n); high s is accepted. Returns null where the
 * walk met an exceptional addition (see the module comment).
 */
export function verifyP256(h: bigint, r: bigint, s: bigint, qx: bigint, qy: bigint): boolean | null {
  if (!gTableReady) buildGTable();
  const w = modInverse(s, N);
  const u1 = ((h % N) * w) % N;
  const u2 = (r * w) % N;
  fset(QX, qx);
  fset(QY, qy);
  buildQTable();
  const top = Math.max(wnaf(u1, WG, NAF_G), wnaf(u2, WQ, NAF_Q));
  walk(top);
  if (accInfinity) return false; // R' at infinity (u1 = u2 = 0 cannot happen: u2 != 0)
  if (fisZero(AZ)) return null;
  // R'.x = X/Z² (mod p) against r and, where it is below p, r + n.
  fsqr(T0, AZ);
  fset(T1, r);
  fmul(T1, T1, T0);
  if (fequal(T1, AX)) return true;
  if (r + N >= P) return false;
  fset(T1, r + N);
  fmul(T1, T1, T0);
  return fequal(T1, AX);
}
