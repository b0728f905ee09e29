// Byte-array helpers: hex conversion, concatenation, comparison and minimal big-endian integers.

const HEX_PAIRS: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** Nibble value of a hex character code, or -1. */
function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  if (code >= 65 && code <= 70) return code - 55; // A-F
  return -1;
}

/** Hex strings from this many digits on are decoded by Buffer (its call costs more than the loop on short ones). */
const NATIVE_HEX_DIGITS = 256;

/** Bytes of a hex string, with or without "0x"; rejects odd lengths and non-hex characters. */
export function hexToBytes(hex: string): Uint8Array {
  const start = hex.length >= 2 && hex[0] === "0" && (hex[1] === "x" || hex[1] === "X") ? 2 : 0;
  const digits = hex.length - start;
  if (digits & 1) throw new Error(`hexToBytes: odd number of hex digits (${digits}) in "${abbreviate(hex)}"`);
  const out = new Uint8Array(digits >> 1);
  // Long strings (contract code) through Node's decoder, several times faster than the loop below;
  // it stops at the first character that is not hex, and the loop then says which.
  if (digits >= NATIVE_HEX_DIGITS && Buffer.from(out.buffer, out.byteOffset, out.length).write(start === 0 ? hex : hex.slice(start), 0, out.length, "hex") === out.length) return out;
  for (let i = 0, p = start; i < out.length; i++, p += 2) {
    const hi = hexDigit(hex.charCodeAt(p));
    const lo = hexDigit(hex.charCodeAt(p + 1));
    if (hi < 0 || lo < 0) throw new Error(`hexToBytes: invalid hex character at index ${hi < 0 ? p : p + 1} in "${abbreviate(hex)}"`);
    out[i] = (hi << 4) | lo;
  }
  return out;
}

function abbreviate(s: string): string {
  return s.length > 40 ? s.slice(0, 37) + "..." : s;
}

/** "0x"-prefixed lowercase hex of the bytes. */
export function bytesToHex(bytes: Uint8Array): string {
  if (bytes.length > 64) return "0x" + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("hex");
  let s = "0x";
  for (let i = 0; i < bytes.length; i++) s += HEX_PAIRS[bytes[i]!];
  return s;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lexicographic order of byte strings (a proper prefix sorts first): negative, zero or positive. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** The bytes left-padded with zeros to `length`; returned unchanged when already that long or longer. */
export function padLeft(bytes: Uint8Array, length: number): Uint8Array {
  if (bytes.length >= length) return bytes;
  const out = new Uint8Array(length);
  out.set(bytes, length - bytes.length);
  return out;
}

/** Minimal big-endian bytes of a non-negative bigint (0 gives no bytes). */
export function bigintToBytes(n: bigint): Uint8Array {
  if (n < 0n) throw new Error(`bigintToBytes: negative value ${n}`);
  if (n <= 9007199254740991n) return numberToBytes(Number(n));
  let hex = n.toString(16);
  if (hex.length & 1) hex = "0" + hex;
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(2 * i, 2), 16);
  return out;
}

/** Minimal big-endian bytes of a non-negative safe integer (0 gives no bytes). */
export function numberToBytes(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`numberToBytes: not a non-negative safe integer: ${n}`);
  let len = 0;
  for (let v = n; v > 0; v = Math.floor(v / 256)) len++;
  const out = new Uint8Array(len);
  for (let i = len - 1, v = n; i >= 0; i--, v = Math.floor(v / 256)) out[i] = v % 256;
  return out;
}

/** Big-endian unsigned value of the bytes (no bytes give 0). */
export function bytesToBigint(bytes: Uint8Array): bigint {
  if (bytes.length <= 6) return BigInt(bytesToNumberUnchecked(bytes));
  if (bytes.length > 64) return BigInt("0x" + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("hex"));
  let v = 0n;
  let i = 0;
  const head = bytes.length % 6; // leading chunk, then 6-byte (48-bit) chunks
  if (head > 0) {
    v = BigInt(bytesToNumberUnchecked(bytes.subarray(0, head)));
    i = head;
  }
  for (; i < bytes.length; i += 6) {
    const chunk =
      bytes[i]! * 1099511627776 + bytes[i + 1]! * 4294967296 + ((bytes[i + 2]! << 24) >>> 0) + ((bytes[i + 3]! << 16) | (bytes[i + 4]! << 8) | bytes[i + 5]!);
    v = (v << 48n) | BigInt(chunk);
  }
  return v;
}

/** Big-endian unsigned value of the bytes as a number; throws when it exceeds 2^53-1. */
export function bytesToNumber(bytes: Uint8Array): number {
  const v = bytesToNumberUnchecked(bytes);
  if (v > Number.MAX_SAFE_INTEGER) throw new Error(`bytesToNumber: value of ${bytes.length} bytes exceeds 2^53-1`);
  return v;
}

function bytesToNumberUnchecked(bytes: Uint8Array): number {
  let v = 0;
  for (let i = 0; i < bytes.length; i++) v = v * 256 + bytes[i]!;
  return v;
}

/** Below this many bytes a plain loop counts zeros faster than making a word view. */
const ZERO_COUNT_WORDS_FROM = 64;

/**
 * The number of zero bytes in `data` (a transaction's intrinsic gas and calldata floor price zero
 * bytes apart). Long data is read four bytes at a time: ABI call data is mostly zero padding, and
 * a byte loop cost about 1.5 ns per byte.
 */
export function zeroBytes(data: Uint8Array): number {
  const n = data.length;
  let zeros = 0;
  let i = 0;
  if (n >= ZERO_COUNT_WORDS_FROM) {
    // Bytes up to a 4-byte boundary of the buffer, then whole words, then the tail.
    const head = (4 - (data.byteOffset & 3)) & 3;
    for (; i < head; i++) if (data[i] === 0) zeros++;
    const words = new Uint32Array(data.buffer, data.byteOffset + head, (n - head) >>> 2);
    for (let k = 0; k < words.length; k++) {
      const w = words[k]!;
      // Bit 7 of each byte of `nonzero`: set where that byte of w is not zero (no carry crosses a byte).
      const nonzero = (((w & 0x7f7f7f7f) + 0x7f7f7f7f) | w) & 0x80808080;
      // One per zero byte, summed into the top byte.
      zeros += Math.imul((~nonzero >>> 7) & 0x01010101, 0x01010101) >>> 24;
    }
    i = head + (words.length << 2);
  }
  for (; i < n; i++) if (data[i] === 0) zeros++;
  return zeros;
}
