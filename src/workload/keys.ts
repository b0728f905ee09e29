// Deterministic accounts for generated blocks: secp256k1 keys derived from a seed, their addresses,
// and a small seeded PRNG.
//
// Keys are consecutive scalars k0, k0 + 1, k0 + 2, ... from a seed-derived k0, so each public key is
// the previous one plus G: one point addition instead of a full scalar multiplication (about 0.4 ms
// with @noble/curves), and the points are brought to affine form in batches with one inversion.
// 33,000 accounts take a few hundred milliseconds, so in-memory blocks use the very keys a written
// block is signed with: the two are the same block. Not a way to make real keys, obviously.
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { normalizeZ } from "@noble/curves/abstract/curve.js";
import { bytesToBigint } from "../primitives/bytes.js";
import { keccak256 } from "../primitives/hash.js";
import { fromBytes, type Word } from "../primitives/word.js";

const { Point } = secp256k1;
type CurvePoint = InstanceType<typeof Point>;
const ORDER: bigint = Point.Fn.ORDER;
const BATCH = 256;

export interface DerivedAccount {
  /** The secret key, a scalar in [1, n-1]. */
  key: bigint;
  address: Word;
}

const utf8 = (s: string) => new TextEncoder().encode(s);

/** keccak256 of a label, as a bigint: the root of every derived value. */
export function labelHash(label: string): bigint {
  return bytesToBigint(keccak256(utf8(label)));
}

/** True when none of the address's 20 bytes is zero (calldata then costs the same for every one). */
export function noZeroByte(address: Word): boolean {
  let a = BigInt(address);
  for (let i = 0; i < 20; i++, a >>= 8n) if ((a & 0xffn) === 0n) return false;
  return true;
}

function writeBigint32(x: bigint, out: Uint8Array, off: number): void {
  const view = new DataView(out.buffer, out.byteOffset + off, 32);
  view.setBigUint64(0, x >> 192n);
  view.setBigUint64(8, (x >> 128n) & 0xffffffffffffffffn);
  view.setBigUint64(16, (x >> 64n) & 0xffffffffffffffffn);
  view.setBigUint64(24, x & 0xffffffffffffffffn);
}

/** The address of a public point: the last 20 bytes of keccak256(x ‖ y). */
function pointAddress(p: CurvePoint, buf: Uint8Array): Word {
  const { x, y } = p.toAffine();
  writeBigint32(x, buf, 0);
  writeBigint32(y, buf, 32);
  return fromBytes(keccak256(buf), 12, 20);
}

/**
 * `count` accounts whose keys follow from `label` (e.g. "senders/<seed>"); addresses with a zero
 * byte are skipped (see noZeroByte), so every account's address costs the same in calldata.
 */
export function deriveAccounts(label: string, count: number): DerivedAccount[] {
  let key = (labelHash(`pevm-workload/keys/${label}`) % (ORDER - 1n)) + 1n;
  let point = Point.BASE.multiply(key);
  const out: DerivedAccount[] = [];
  const buf = new Uint8Array(64);
  while (out.length < count) {
    const keys: bigint[] = [];
    const points: CurvePoint[] = [];
    for (let i = 0; i < BATCH; i++) {
      keys.push(key);
      points.push(point);
      key++;
      if (key === ORDER) {
        key = 1n;
        point = Point.BASE;
      } else {
        point = point.add(Point.BASE);
      }
    }
    const affine = normalizeZ(Point, points);
    for (let i = 0; i < BATCH && out.length < count; i++) {
      const address = pointAddress(affine[i]!, buf);
      if (noZeroByte(address)) out.push({ key: keys[i]!, address });
    }
  }
  return out;
}

/** The address of a secret key, computed the slow, independent way (for checks). */
export function keyAddress(key: bigint): Word {
  return pointAddress(Point.BASE.multiply(key), new Uint8Array(64));
}

/** A deterministic address from a label (not a key's address: nobody can sign for it). */
export function labelAddress(label: string): Word {
  return fromBytes(keccak256(utf8(`pevm-workload/address/${label}`)), 12, 20);
}

/** Like labelAddress, skipping labels whose address has a zero byte. */
export function labelAddressNoZero(label: string): Word {
  for (let i = 0; ; i++) {
    const a = labelAddress(i === 0 ? label : `${label}#${i}`);
    if (noZeroByte(a)) return a;
  }
}

/** sfc32: a small, fast, seedable PRNG; `next()` returns a float in [0, 1). */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(label: string) {
    const h = keccak256(utf8(`pevm-workload/prng/${label}`));
    const v = new DataView(h.buffer, h.byteOffset, 16);
    this.a = v.getUint32(0);
    this.b = v.getUint32(4);
    this.c = v.getUint32(8);
    this.d = v.getUint32(12) | 1;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }
}
