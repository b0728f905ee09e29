// 256-bit EVM words, held as a "hybrid": a JS number when the value is at most 2^53-1, a bigint
// otherwise. The representation is canonical (a value has exactly one form), so equality is `===`,
// ordering is `<` (JS compares number and bigint exactly), and words serve directly as Map keys.
// Measured in bench/word-representation.js: small-value stack code runs about 4x faster than with
// all-bigint or Uint32Array-limb words; large values pay one typeof check over plain bigint.

export type Word = number | bigint;

export const MAX_SAFE = 9007199254740991; // 2^53 - 1
const MAX_SAFE_BIG = 9007199254740991n;
const TWO32 = 4294967296;
export const MASK256 = (1n << 256n) - 1n;
export const MASK160 = (1n << 160n) - 1n;
const SIGN_BIT = 1n << 255n;
const TWO256 = 1n << 256n;

/** Canonical word from a bigint in [0, 2^256). */
export function norm(x: bigint): Word {
  return x <= MAX_SAFE_BIG ? Number(x) : x;
}

/** The word's value as a bigint. */
export function big(a: Word): bigint {
  return typeof a === "number" ? BigInt(a) : a;
}

/** Canonical word from any bigint, reduced modulo 2^256 (masking measured faster than BigInt.asUintN). */
export function wrap(x: bigint): Word {
  return norm(x & MASK256);
}

export function add(a: Word, b: Word): Word {
  if (typeof a === "number" && typeof b === "number") {
    const r = a + b;
    if (r <= MAX_SAFE) return r;
  }
  return norm((big(a) + big(b)) & MASK256);
}

export function sub(a: Word, b: Word): Word {
  if (typeof a === "number" && typeof b === "number" && a >= b) return a - b;
  return norm((big(a) - big(b)) & MASK256);
}

export function mul(a: Word, b: Word): Word {
  if (typeof a === "number" && typeof b === "number") {
    const r = a * b;
    if (r <= MAX_SAFE) return r;
  }
  return norm((big(a) * big(b)) & MASK256);
}

export function div(a: Word, b: Word): Word {
  if (b === 0) return 0;
  if (typeof a === "number" && typeof b === "number") return (a - (a % b)) / b;
  return norm(big(a) / big(b));
}

export function mod(a: Word, b: Word): Word {
  if (b === 0) return 0;
  if (typeof a === "number" && typeof b === "number") return a % b;
  return norm(big(a) % big(b));
}

function toSigned(x: bigint): bigint {
  return x >= SIGN_BIT ? x - TWO256 : x;
}

export function sdiv(a: Word, b: Word): Word {
  if (b === 0) return 0;
  if (typeof a === "number" && typeof b === "number") return (a - (a % b)) / b;
  return wrap(toSigned(big(a)) / toSigned(big(b)));
}

export function smod(a: Word, b: Word): Word {
  if (b === 0) return 0;
  if (typeof a === "number" && typeof b === "number") return a % b;
  return wrap(toSigned(big(a)) % toSigned(big(b)));
}

export function addmod(a: Word, b: Word, n: Word): Word {
  if (n === 0) return 0;
  if (typeof a === "number" && typeof b === "number" && typeof n === "number") {
    const s = a + b;
    if (s <= MAX_SAFE) return s % n;
  }
  return norm((big(a) + big(b)) % big(n));
}

export function mulmod(a: Word, b: Word, n: Word): Word {
  if (n === 0) return 0;
  if (typeof a === "number" && typeof b === "number" && typeof n === "number") {
    const p = a * b;
    if (p <= MAX_SAFE) return p % n;
  }
  return norm((big(a) * big(b)) % big(n));
}

export function exp(base: Word, exponent: Word): Word {
  if (exponent === 0) return 1;
  if (base === 0 || base === 1) return base;
  if (typeof base === "number" && typeof exponent === "number") {
    if (exponent < 64) {
      const r = Math.pow(base, exponent);
      if (r <= MAX_SAFE) return r;
    }
    // A power of two raised to a power (2**k and 0x100**k, as compilers build masks and shifts):
    // one shift instead of a square-and-multiply over bigints.
    if (base <= 0xffffffff && (base & (base - 1)) === 0) {
      const shift = (31 - Math.clz32(base)) * exponent;
      return shift >= 256 ? 0 : shift < 53 ? 2 ** shift : 1n << BigInt(shift);
    }
  }
  let result = 1n;
  let b = big(base);
  let e = big(exponent);
  while (e > 0n) {
    if (e & 1n) result = (result * b) & MASK256;
    e >>= 1n;
    if (e > 0n) b = (b * b) & MASK256;
  }
  return norm(result);
}

/** Number of bytes needed for the exponent (EXP dynamic gas). */
export function byteLength(a: Word): number {
  if (a === 0) return 0;
  if (typeof a === "number") {
    let n = 0;
    while (a > 0) {
      n++;
      a = Math.floor(a / 256);
    }
    return n;
  }
  return (a.toString(16).length + 1) >> 1;
}

export function signextend(k: Word, x: Word): Word {
  if (typeof k !== "number" || k >= 31) return x;
  const bits = BigInt(8 * (k + 1));
  const v = BigInt.asUintN(Number(bits), big(x));
  const signed = BigInt.asIntN(Number(bits), v);
  return norm(signed & MASK256);
}

export function lt(a: Word, b: Word): Word {
  return a < b ? 1 : 0;
}

export function gt(a: Word, b: Word): Word {
  return a > b ? 1 : 0;
}

export function slt(a: Word, b: Word): Word {
  if (typeof a === "number" && typeof b === "number") return a < b ? 1 : 0;
  return toSigned(big(a)) < toSigned(big(b)) ? 1 : 0;
}

export function sgt(a: Word, b: Word): Word {
  if (typeof a === "number" && typeof b === "number") return a > b ? 1 : 0;
  return toSigned(big(a)) > toSigned(big(b)) ? 1 : 0;
}

export function eq(a: Word, b: Word): Word {
  return a === b ? 1 : 0;
}

export function iszero(a: Word): Word {
  return a === 0 ? 1 : 0;
}

export function and(a: Word, b: Word): Word {
  if (typeof a === "number" && typeof b === "number") {
    if (a < TWO32 && b < TWO32) return (a & b) >>> 0;
    const hi = ((Math.floor(a / TWO32) & Math.floor(b / TWO32)) >>> 0) * TWO32;
    return hi + ((a & b) >>> 0);
  }
  if (typeof a === "number") return Number(BigInt(a) & (b as bigint));
  if (typeof b === "number") return Number(a & BigInt(b));
  return norm(a & b);
}

export function or(a: Word, b: Word): Word {
  if (typeof a === "number" && typeof b === "number") {
    if (a < TWO32 && b < TWO32) return (a | b) >>> 0;
    const hi = ((Math.floor(a / TWO32) | Math.floor(b / TWO32)) >>> 0) * TWO32;
    return hi + ((a | b) >>> 0);
  }
  return norm(big(a) | big(b));
}

export function xor(a: Word, b: Word): Word {
  if (typeof a === "number" && typeof b === "number") {
    if (a < TWO32 && b < TWO32) return (a ^ b) >>> 0;
    const hi = ((Math.floor(a / TWO32) ^ Math.floor(b / TWO32)) >>> 0) * TWO32;
    return hi + ((a ^ b) >>> 0);
  }
  return norm(big(a) ^ big(b));
}

export function not(a: Word): Word {
  return norm(MASK256 ^ big(a));
}

export function byte(i: Word, x: Word): Word {
  if (typeof i !== "number" || i >= 32) return 0;
  if (typeof x === "number") {
    if (i < 25) return 0;
    return Math.floor(x / Math.pow(2, 8 * (31 - i))) % 256;
  }
  return Number((x >> BigInt(8 * (31 - i))) & 0xffn);
}

export function shl(shift: Word, x: Word): Word {
  if (typeof shift !== "number" || shift >= 256) return 0;
  if (typeof x === "number") {
    if (shift < 53) {
      const r = x * Math.pow(2, shift);
      if (r <= MAX_SAFE) return r;
    }
    if (x === 0) return 0;
  }
  return norm((big(x) << BigInt(shift)) & MASK256);
}

export function shr(shift: Word, x: Word): Word {
  if (typeof shift !== "number" || shift >= 256) return 0;
  if (typeof x === "number") return shift >= 53 ? 0 : Math.floor(x / Math.pow(2, shift));
  return norm(x >> BigInt(shift));
}

export function sar(shift: Word, x: Word): Word {
  if (typeof x === "number") {
    if (typeof shift !== "number" || shift >= 53) return 0;
    return Math.floor(x / Math.pow(2, shift));
  }
  const s = toSigned(x);
  if (typeof shift !== "number" || shift >= 256) return s < 0n ? norm(MASK256) : 0;
  return wrap(s >> BigInt(shift));
}

// --- conversions between words and bytes ---

// A scratch word with a DataView: 64-bit big-endian reads and writes of bigints are an order of
// magnitude faster than byte-at-a-time conversion (measured: toBytes32 25x, fromBytes 1.6x).
const SCRATCH = new Uint8Array(32);
const SCRATCH_VIEW = new DataView(SCRATCH.buffer);

/** Big-endian word from `len` (<= 32) bytes of `buf` starting at `off`; bytes past the end read as 0. */
export function fromBytes(buf: Uint8Array, off: number, len: number): Word {
  const end = off + len;
  if (len === 32 && end <= buf.length) {
    // A whole word in range (memory, call data, hashes): eight 32-bit limbs instead of a byte loop.
    for (let k = 0; k < 32; k += 4) {
      const j = off + k;
      SCRATCH_VIEW.setUint32(k, (buf[j]! << 24) | (buf[j + 1]! << 16) | (buf[j + 2]! << 8) | buf[j + 3]!);
    }
    return wordAt(SCRATCH_VIEW, 0);
  }
  const avail = Math.min(end, buf.length);
  let i = off;
  while (i < avail && buf[i] === 0) i++;
  if (i >= avail) return 0; // no nonzero byte: zero, however many zero bytes are appended
  const tail = end - avail; // zero bytes appended at the end
  const significant = avail - i + tail;
  if (significant <= 6) {
    let v = 0;
    for (; i < avail; i++) v = v * 256 + buf[i]!;
    for (let t = 0; t < tail; t++) v *= 256;
    return v;
  }
  // Right-align the significant bytes in the scratch word, copied by hand (a subarray to copy from
  // would allocate), then read only the 64-bit limbs they reach: each bigint step allocates, and
  // most wide words (addresses, amounts) fill two or three limbs, not four.
  const first = 32 - significant;
  for (let k = first & ~7; k < first; k++) SCRATCH[k] = 0;
  let at = first;
  for (; i < avail; i++) SCRATCH[at++] = buf[i]!;
  for (; at < 32; at++) SCRATCH[at] = 0;
  if (significant <= 8) return norm(SCRATCH_VIEW.getBigUint64(24));
  if (significant <= 16) return (SCRATCH_VIEW.getBigUint64(16) << 64n) | SCRATCH_VIEW.getBigUint64(24);
  if (significant <= 24) return (SCRATCH_VIEW.getBigUint64(8) << 128n) | (SCRATCH_VIEW.getBigUint64(16) << 64n) | SCRATCH_VIEW.getBigUint64(24);
  return (SCRATCH_VIEW.getBigUint64(0) << 192n) | (SCRATCH_VIEW.getBigUint64(8) << 128n) | (SCRATCH_VIEW.getBigUint64(16) << 64n) | SCRATCH_VIEW.getBigUint64(24);
}

/**
 * The word in the 32 big-endian bytes at view[off..off+32). The limbs are read as 32-bit numbers
 * first, so that a small value (most words in memory: offsets, lengths, amounts) never makes a
 * bigint, and a wide one reads only the 64-bit limbs its value reaches.
 */
export function wordAt(view: DataView, off: number): Word {
  const high = view.getUint32(off) | view.getUint32(off + 4);
  const upper = view.getUint32(off + 8) | view.getUint32(off + 12);
  const lower = view.getUint32(off + 16) | view.getUint32(off + 20);
  if ((high | upper | lower) === 0) {
    const top = view.getUint32(off + 24);
    return top < 0x200000 ? top * TWO32 + view.getUint32(off + 28) : view.getBigUint64(off + 24);
  }
  if ((high | upper) === 0) return (view.getBigUint64(off + 16) << 64n) | view.getBigUint64(off + 24);
  if (high === 0) return (view.getBigUint64(off + 8) << 128n) | (view.getBigUint64(off + 16) << 64n) | view.getBigUint64(off + 24);
  return (view.getBigUint64(off) << 192n) | (view.getBigUint64(off + 8) << 128n) | (view.getBigUint64(off + 16) << 64n) | view.getBigUint64(off + 24);
}

/** Writes `a` as 32 big-endian bytes at view[off..off+32). */
export function setWordAt(view: DataView, off: number, a: Word): void {
  if (typeof a === "number") {
    view.setUint32(off, 0);
    view.setUint32(off + 4, 0);
    view.setUint32(off + 8, 0);
    view.setUint32(off + 12, 0);
    view.setUint32(off + 16, 0);
    view.setUint32(off + 20, 0);
    view.setUint32(off + 24, Math.floor(a / TWO32));
    view.setUint32(off + 28, a >>> 0);
    return;
  }
  // setBigUint64 keeps the low 64 bits of its argument.
  view.setBigUint64(off, a >> 192n);
  view.setBigUint64(off + 8, a >> 128n);
  view.setBigUint64(off + 16, a >> 64n);
  view.setBigUint64(off + 24, a);
}

/** Writes `a` as 32 big-endian bytes at buf[off..off+32). */
export function toBytes32(a: Word, buf: Uint8Array, off: number): void {
  if (typeof a === "number") {
    buf.fill(0, off, off + 25);
    let v = a;
    for (let i = off + 31; i >= off + 25; i--) {
      buf[i] = v % 256;
      v = Math.floor(v / 256);
    }
    return;
  }
  setWordAt(SCRATCH_VIEW, 0, a);
  buf.set(SCRATCH, off);
}

/** The low 20 bytes of a word: an address, canonical. */
export function toAddress(a: Word): Word {
  if (typeof a === "number") return a;
  return norm(a & MASK160);
}

export function wordFromHex(hex: string): Word {
  const h = hex.startsWith("0x") || hex.startsWith("0X") ? hex.slice(2) : hex;
  return h.length === 0 ? 0 : norm(BigInt("0x" + h) & MASK256);
}

export function wordToHex(a: Word, padBytes = 0): string {
  const h = a.toString(16);
  return "0x" + (padBytes > 0 ? h.padStart(padBytes * 2, "0") : h);
}

/** Address words rendered as 0x + 40 hex digits. */
export function addressToHex(a: Word): string {
  return "0x" + a.toString(16).padStart(40, "0");
}

export function wordToBytes(a: Word): Uint8Array {
  const out = new Uint8Array(32);
  toBytes32(a, out, 0);
  return out;
}

/** Bytes of an address word (20 bytes). */
export function addressToBytes(a: Word): Uint8Array {
  const out = new Uint8Array(32);
  toBytes32(a, out, 0);
  return out.subarray(12);
}
