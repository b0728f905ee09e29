// Inputs for the precompiles, well-formed most of the time (valid signatures, curve points in the
// subgroup, valid KZG openings) and malformed some of the time (wrong lengths, points off the
// curve or outside the subgroup, field elements >= p, bad flags), built with @noble/curves so
// that neither EVM under test produces them.
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { bn254 } from "@noble/curves/bn254.js";
import { p256 } from "@noble/curves/nist.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { FuzzFork } from "./opcodes.js";
import { forkAtLeast } from "./opcodes.js";
import type { Rng } from "./rng.js";

export const P256_VERIFY = 0x100;

/** The precompile addresses of a fork. */
export function precompilesOf(fork: FuzzFork): number[] {
  const count = forkAtLeast(fork, "Prague") ? 0x11 : 0x0a;
  const list = Array.from({ length: count }, (_, i) => i + 1);
  if (forkAtLeast(fork, "Osaka")) list.push(P256_VERIFY);
  return list;
}

// --- encoding helpers ---

function be(x: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0 && x > 0n; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** The input with a few changes that most likely make it invalid: a flipped byte, a cut, an extension. */
function damage(rng: Rng, input: Uint8Array): Uint8Array {
  const kind = rng.int(4);
  if (kind === 0 && input.length > 0) {
    const out = input.slice();
    out[rng.int(out.length)]! ^= 1 << rng.int(8);
    return out;
  }
  if (kind === 1) return input.slice(0, rng.int(input.length + 1));
  if (kind === 2) return cat(input, rng.bytes(rng.range(1, 40)));
  return rng.bytes(input.length);
}

// --- secp256k1 (ecrecover) ---

function ecrecoverInput(rng: Rng): Uint8Array {
  const hash = rng.bytes(32);
  const key = be(BigInt(rng.range(1, 1_000_000)) * 0x1234567n + 7n, 32);
  const sig = secp256k1.sign(hash, key, { prehash: false, format: "recovered" });
  const recovery = sig[0]!;
  const r = sig.slice(1, 33);
  const s = sig.slice(33, 65);
  const v = rng.weighted<bigint>([
    [8, BigInt(27 + recovery)],
    [1, BigInt(28 - recovery)],
    [1, BigInt(rng.pick([0, 1, 26, 29, 255]))],
    [1, (1n << 256n) - 1n - BigInt(rng.int(3))],
  ]);
  const input = cat(hash, be(v, 32), r, s);
  return rng.chance(0.15) ? damage(rng, input) : input;
}

// --- modexp ---

function modexpInput(rng: Rng, fork: FuzzFork): Uint8Array {
  const len = () => rng.weighted<number>([[6, rng.int(33)], [3, rng.range(33, 80)], [1, rng.pick([0, 1, 64, 128])]]);
  let bLen = len();
  let eLen = rng.chance(0.2) ? 0 : len();
  let mLen = len();
  if (forkAtLeast(fork, "Osaka") && rng.chance(0.05)) mLen = 1025; // EIP-7823 bound
  const b = rng.bytes(bLen);
  const e = rng.chance(0.3) ? be(BigInt(rng.int(300)), eLen) : rng.bytes(eLen);
  const m = rng.bytes(mLen);
  if (mLen > 0 && rng.chance(0.2)) m.fill(0);
  let header = cat(be(BigInt(bLen), 32), be(BigInt(eLen), 32), be(BigInt(mLen), 32));
  if (rng.chance(0.04)) {
    // A length claimed far beyond the data: priced (and, beyond the bound, rejected) from the header.
    header = cat(be(BigInt(bLen), 32), be(rng.pick([1n << 32n, 1n << 64n, 1n << 255n, 40000n]), 32), be(BigInt(mLen), 32));
    bLen = eLen = mLen = 0;
  }
  const body = cat(b, e, m);
  const input = cat(header, rng.chance(0.1) ? body.slice(0, rng.int(body.length + 1)) : body);
  return rng.chance(0.05) ? damage(rng, input) : input;
}

// --- bn254 (EIP-196, EIP-197) ---

const BN_P = bn254.fields.Fp.ORDER;
const BN_R = bn254.fields.Fr.ORDER;
type BnG1 = InstanceType<typeof bn254.G1.Point>;
type BnG2 = InstanceType<typeof bn254.G2.Point>;

function bnG1Bytes(p: BnG1): Uint8Array {
  if (p.is0()) return new Uint8Array(64);
  const a = p.toAffine();
  return cat(be(a.x, 32), be(a.y, 32));
}

function bnG2Bytes(p: BnG2): Uint8Array {
  if (p.is0()) return new Uint8Array(128);
  const a = p.toAffine();
  return cat(be(a.x.c1, 32), be(a.x.c0, 32), be(a.y.c1, 32), be(a.y.c0, 32));
}

function bnScalar(rng: Rng): bigint {
  return rng.weighted<bigint>([
    [5, BigInt(rng.range(1, 1000))],
    [3, rng.word() % BN_R],
    [1, rng.pick([0n, BN_R, BN_R - 1n, BN_R + 1n, (1n << 256n) - 1n])],
  ]);
}

/** Fixed multiples of the generators, computed once (scalar multiplication is slow in JS). */
const POOL_SCALARS = [1n, 2n, 3n, 5n, 7n, 0x1234567n, 0xdeadbeefcafen, BN_R - 1n, (1n << 200n) + 12345n];

let bnPool: { g1: Uint8Array[]; g2: Uint8Array[]; pairs: Uint8Array[][] } | undefined;

function bnPoints() {
  if (bnPool === undefined) {
    const G1 = bn254.G1.Point.BASE;
    const G2 = bn254.G2.Point.BASE;
    bnPool = {
      g1: POOL_SCALARS.map((k) => bnG1Bytes(G1.multiply(k))),
      g2: POOL_SCALARS.slice(0, 5).map((k) => bnG2Bytes(G2.multiply(k))),
      // e(aP, Q) · e(-P, aQ) = 1: checks that succeed.
      pairs: [
        [3n, 5n],
        [7n, 0x1234567n],
        [BN_R - 2n, 11n],
      ].map(([a, p]) => [bnG1Bytes(G1.multiply((a! * p!) % BN_R)), bnG2Bytes(G2), bnG1Bytes(G1.multiply(p!).negate()), bnG2Bytes(G2.multiply(a!))]),
    };
  }
  return bnPool;
}

function bnG1(rng: Rng): Uint8Array {
  return rng.weighted<() => Uint8Array>([
    [8, () => rng.pick(bnPoints().g1)],
    [1, () => new Uint8Array(64)],
    [1, () => cat(be(1n, 32), be(3n, 32))], // off the curve
    [1, () => cat(be(BN_P + BigInt(rng.int(2)), 32), be(2n, 32))], // a coordinate >= p
  ])();
}

function bnG2(rng: Rng): Uint8Array {
  return rng.weighted<() => Uint8Array>([
    [8, () => rng.pick(bnPoints().g2)],
    [1, () => new Uint8Array(128)],
    [1, () => damage(rng, bnG2Bytes(bn254.G2.Point.BASE))],
  ])();
}

function ecAddInput(rng: Rng): Uint8Array {
  const input = cat(bnG1(rng), bnG1(rng));
  return rng.chance(0.1) ? input.slice(0, rng.int(129)) : input;
}

function ecMulInput(rng: Rng): Uint8Array {
  const input = cat(bnG1(rng), be(bnScalar(rng), 32));
  return rng.chance(0.1) ? input.slice(0, rng.int(97)) : input;
}

function ecPairingInput(rng: Rng): Uint8Array {
  const pairs = rng.weighted<number>([[1, 0], [4, 1], [5, 2], [2, 3]]);
  const parts: Uint8Array[] = [];
  if (pairs === 2 && rng.chance(0.6)) {
    parts.push(...rng.pick(bnPoints().pairs));
  } else {
    for (let i = 0; i < pairs; i++) parts.push(bnG1(rng), bnG2(rng));
  }
  const input = cat(...parts);
  return rng.chance(0.08) ? damage(rng, input) : input;
}

// --- blake2f (EIP-152) ---

function blake2fInput(rng: Rng): Uint8Array {
  const rounds = rng.weighted<number>([[8, rng.int(24)], [2, rng.range(24, 2000)], [1, rng.pick([0xffffffff, 100000])]]);
  const flag = rng.weighted<number>([[5, 1], [4, 0], [1, rng.range(2, 255)]]);
  const input = cat(be(BigInt(rounds), 4), rng.bytes(64 + 128 + 16), new Uint8Array([flag]));
  if (rng.chance(0.08)) return rng.chance(0.5) ? input.slice(0, 212) : cat(input, new Uint8Array([0]));
  return input;
}

// --- BLS12-381 (EIP-2537) and KZG (EIP-4844) ---

const BLS_P = bls12_381.fields.Fp.ORDER;
const BLS_R = bls12_381.fields.Fr.ORDER;
type BlsG1 = InstanceType<typeof bls12_381.G1.Point>;
type BlsG2 = InstanceType<typeof bls12_381.G2.Point>;

function fp(x: bigint): Uint8Array {
  return be(x, 64);
}

function blsG1Bytes(p: BlsG1): Uint8Array {
  if (p.is0()) return new Uint8Array(128);
  const a = p.toAffine();
  return cat(fp(a.x), fp(a.y));
}

function blsG2Bytes(p: BlsG2): Uint8Array {
  if (p.is0()) return new Uint8Array(256);
  const a = p.toAffine();
  return cat(fp(a.x.c0), fp(a.x.c1), fp(a.y.c0), fp(a.y.c1));
}

let nonSubgroupG1: Uint8Array | undefined;
let nonSubgroupG2: Uint8Array | undefined;

/** A G1 point on the curve y² = x³ + 4 but outside the prime-order subgroup. */
function blsG1OffSubgroup(): Uint8Array {
  if (nonSubgroupG1 === undefined) {
    const F = bls12_381.fields.Fp;
    for (let x = 5n; ; x++) {
      let y: bigint;
      try {
        y = F.sqrt(F.add(F.mul(F.mul(x, x), x), 4n));
      } catch {
        continue;
      }
      nonSubgroupG1 = cat(fp(x), fp(y));
      break;
    }
  }
  return nonSubgroupG1;
}

/** A G2 point on y² = x³ + 4(1 + i) outside the subgroup. */
function blsG2OffSubgroup(): Uint8Array {
  if (nonSubgroupG2 === undefined) {
    const F = bls12_381.fields.Fp2;
    const b = bls12_381.G2.Point.CURVE().b;
    for (let c = 1n; ; c++) {
      const x = { c0: c, c1: 1n };
      let y: { c0: bigint; c1: bigint };
      try {
        y = F.sqrt(F.add(F.mul(F.mul(x, x), x), b));
        if (!F.eql(F.mul(y, y), F.add(F.mul(F.mul(x, x), x), b))) continue;
      } catch {
        continue;
      }
      nonSubgroupG2 = cat(fp(x.c0), fp(x.c1), fp(y.c0), fp(y.c1));
      break;
    }
  }
  return nonSubgroupG2;
}

function blsScalar(rng: Rng): bigint {
  return rng.weighted<bigint>([
    [5, BigInt(rng.range(1, 5000))],
    [3, rng.word() % BLS_R],
    [1, rng.pick([0n, BLS_R, BLS_R - 1n, (1n << 256n) - 1n])],
  ]);
}

let blsPool: { g1: Uint8Array[]; g2: Uint8Array[]; pairs: Uint8Array[][] } | undefined;

function blsPoints() {
  if (blsPool === undefined) {
    const G1 = bls12_381.G1.Point.BASE;
    const G2 = bls12_381.G2.Point.BASE;
    const scalars = [1n, 2n, 3n, 0x1234567n, BLS_R - 1n, (1n << 200n) + 99n];
    blsPool = {
      g1: scalars.map((k) => blsG1Bytes(G1.multiply(k))),
      g2: scalars.slice(0, 4).map((k) => blsG2Bytes(G2.multiply(k))),
      // e(aP, Q) · e(-P, aQ) = 1.
      pairs: [
        [3n, 5n],
        [0x1234567n, 7n],
      ].map(([a, p]) => [blsG1Bytes(G1.multiply((a! * p!) % BLS_R)), blsG2Bytes(G2), blsG1Bytes(G1.multiply(p!).negate()), blsG2Bytes(G2.multiply(a!))]),
    };
  }
  return blsPool;
}

/** Subgroup points for the MSM and pairing precompiles; `offSubgroup` allows the (cheap-to-add) others. */
function blsG1(rng: Rng, offSubgroup: boolean): Uint8Array {
  return rng.weighted<() => Uint8Array>([
    [8, () => rng.pick(blsPoints().g1)],
    [1, () => new Uint8Array(128)],
    [offSubgroup ? 1 : 0.3, () => blsG1OffSubgroup()],
    [0.5, () => cat(fp(1n), fp(2n))], // off the curve
    [0.5, () => cat(fp(BLS_P), fp(0n))], // a coordinate >= p
    [0.3, () => damage(rng, blsG1Bytes(bls12_381.G1.Point.BASE))],
  ])();
}

function blsG2(rng: Rng, offSubgroup: boolean): Uint8Array {
  return rng.weighted<() => Uint8Array>([
    [8, () => rng.pick(blsPoints().g2)],
    [1, () => new Uint8Array(256)],
    [offSubgroup ? 1 : 0.3, () => blsG2OffSubgroup()],
    [0.5, () => damage(rng, blsG2Bytes(bls12_381.G2.Point.BASE))],
  ])();
}

function msmInput(rng: Rng, point: () => Uint8Array, size: number): Uint8Array {
  const k = rng.weighted<number>([[1, 0], [5, 1], [4, 2], [2, rng.range(3, 5)]]);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < k; i++) parts.push(point(), be(blsScalar(rng), 32));
  const input = cat(...parts);
  return rng.chance(0.05) ? input.slice(0, Math.max(0, input.length - rng.range(1, size))) : input;
}

function blsPairingInput(rng: Rng): Uint8Array {
  const parts: Uint8Array[] = [];
  if (rng.chance(0.5)) {
    parts.push(...rng.pick(blsPoints().pairs));
  } else {
    const k = rng.weighted<number>([[1, 0], [4, 1], [2, 2]]);
    for (let i = 0; i < k; i++) parts.push(blsG1(rng, false), blsG2(rng, false));
  }
  const input = cat(...parts);
  return rng.chance(0.05) ? damage(rng, input) : input;
}

function fpElement(rng: Rng): Uint8Array {
  return rng.weighted<() => Uint8Array>([
    [8, () => fp(rng.bits(384) % BLS_P)],
    [1, () => fp(BLS_P + BigInt(rng.int(3)))],
    [1, () => cat(new Uint8Array([1]), rng.bytes(63))], // the top 16 bytes not zero
  ])();
}

const KZG_INFINITY = cat(new Uint8Array([0xc0]), new Uint8Array(47));

const KZG_CONSTANTS = [1n, 2n, 42n, 0x1234567n, BLS_R - 1n];
const kzgCommitments = new Map<bigint, Uint8Array>();

function kzgCommitment(c: bigint): Uint8Array {
  let commitment = kzgCommitments.get(c);
  if (commitment === undefined) kzgCommitments.set(c, (commitment = bls12_381.G1.Point.BASE.multiply(c).toBytes(true)));
  return commitment;
}

function versionedHash(commitment: Uint8Array): Uint8Array {
  const h = sha256(commitment);
  h[0] = 0x01;
  return h;
}

/**
 * EIP-4844 point evaluation. Valid openings without a trusted setup: the constant polynomial c
 * commits to c·G1 (the Lagrange basis sums to 1) and its quotient is 0, so the proof is the point
 * at infinity and p(z) = c at every z.
 */
function pointEvaluationInput(rng: Rng): Uint8Array {
  const c = rng.chance(0.3) ? 0n : rng.pick(KZG_CONSTANTS);
  const commitment = c === 0n ? KZG_INFINITY : kzgCommitment(c);
  const z = rng.chance(0.05) ? BLS_R + BigInt(rng.int(2)) : rng.word() % BLS_R;
  let y = c;
  let proof = KZG_INFINITY;
  let hash = versionedHash(commitment);
  const fault = rng.weighted<number>([[7, 0], [1, 1], [1, 2], [1, 3], [0.5, 4]]);
  if (fault === 1) y = c + 1n;
  if (fault === 2) proof = bls12_381.G1.Point.BASE.toBytes(true);
  if (fault === 3) hash = cat(new Uint8Array([rng.pick([0x00, 0x02])]), hash.slice(1));
  const input = cat(hash, be(z, 32), be(y, 32), commitment, proof);
  return fault === 4 ? damage(rng, input) : input;
}

// --- P256VERIFY (EIP-7951) ---

function p256VerifyInput(rng: Rng): Uint8Array {
  const key = p256.utils.randomSecretKey(rng.bytes(48));
  const hash = rng.bytes(32);
  const sig = p256.sign(hash, key, { prehash: false });
  const pub = p256.getPublicKey(key, false);
  const input = cat(hash, sig.slice(0, 32), sig.slice(32, 64), pub.slice(1, 33), pub.slice(33, 65));
  return rng.chance(0.3) ? damage(rng, input) : input;
}

/** An input for the precompile at `address`. */
export function precompileInput(rng: Rng, address: number, fork: FuzzFork): Uint8Array {
  if (rng.chance(0.04)) return rng.bytes(rng.int(200));
  switch (address) {
    case 0x01:
      return ecrecoverInput(rng);
    case 0x02:
    case 0x03:
    case 0x04:
      return rng.bytes(rng.weighted<number>([[6, rng.int(70)], [2, rng.range(70, 300)], [1, 0]]));
    case 0x05:
      return modexpInput(rng, fork);
    case 0x06:
      return ecAddInput(rng);
    case 0x07:
      return ecMulInput(rng);
    case 0x08:
      return ecPairingInput(rng);
    case 0x09:
      return blake2fInput(rng);
    case 0x0a:
      return pointEvaluationInput(rng);
    case 0x0b:
      return cat(blsG1(rng, true), blsG1(rng, true));
    case 0x0c:
      return msmInput(rng, () => blsG1(rng, false), 160);
    case 0x0d:
      return cat(blsG2(rng, true), blsG2(rng, true));
    case 0x0e:
      return msmInput(rng, () => blsG2(rng, false), 288);
    case 0x0f:
      return blsPairingInput(rng);
    case 0x10:
      return fpElement(rng);
    case 0x11:
      return cat(fpElement(rng), fpElement(rng));
    case P256_VERIFY:
      return p256VerifyInput(rng);
    default:
      return rng.bytes(rng.int(64));
  }
}

/** A usual output size of the precompile at `address`, for the call's return area. */
export function precompileOutputSize(address: number): number {
  if (address === 0x0b || address === 0x0c || address === 0x10) return 128;
  if (address === 0x0d || address === 0x0e || address === 0x11) return 256;
  if (address === 0x0a || address === 0x06 || address === 0x07) return 64;
  if (address === 0x09) return 64;
  return 32;
}

/** keccak256, for the generator's keys and addresses. */
export function keccak(data: Uint8Array): Uint8Array {
  return keccak_256(data);
}
