// Words as SQLite blobs, and back: addresses fixed at 20 bytes and slots at 32 (blob order is then
// numeric order, and an equality lookup needs one spelling), everything else minimal big-endian
// (zero is the empty blob). Decoding gives canonical words (src/primitives/word.ts).
import { fromBytes, type Word } from "../primitives/word.js";

const EMPTY = Buffer.alloc(0);
const MAX_SMALL = 0xffffffffffff; // 6 bytes: decoded with arithmetic, no bigint

function hexDigits(value: Word | bigint): string {
  if (typeof value === "number" ? value < 0 || !Number.isSafeInteger(value) : value < 0n) throw new RangeError(`store: ${String(value)} is not a non-negative integer`);
  return value.toString(16);
}

/** Minimal big-endian bytes; the empty blob for zero. */
export function quantityBlob(value: Word | bigint): Buffer {
  if (value === 0 || value === 0n) return EMPTY;
  if (typeof value === "number" && value <= MAX_SMALL) {
    let n = value;
    let len = 0;
    for (let v = n; v > 0; v = Math.floor(v / 256)) len++;
    const out = Buffer.allocUnsafe(len);
    for (let i = len - 1; i >= 0; i--) {
      out[i] = n % 256;
      n = Math.floor(n / 256);
    }
    return out;
  }
  const hex = hexDigits(value);
  return Buffer.from(hex.length % 2 === 1 ? "0" + hex : hex, "hex");
}

/** Exactly `width` big-endian bytes. */
export function fixedBlob(value: Word, width: number): Buffer {
  const hex = hexDigits(value);
  if (hex.length > width * 2) throw new RangeError(`store: 0x${hex} does not fit in ${width} bytes`);
  return Buffer.from(hex.padStart(width * 2, "0"), "hex");
}

export function addressBlob(address: Word): Buffer {
  return fixedBlob(address, 20);
}

export function slotBlob(slot: Word): Buffer {
  return fixedBlob(slot, 32);
}

/** The canonical word of a blob of at most 32 bytes. */
export function blobWord(blob: Uint8Array): Word {
  if (blob.length > 32) throw new RangeError(`store: a ${blob.length}-byte value where a word (at most 32 bytes) was expected`);
  return fromBytes(blob, 0, blob.length);
}

/** A blob's value as a bigint (balances, nonces, credits). */
export function blobBigint(blob: Uint8Array): bigint {
  if (blob.length === 0) return 0n;
  return BigInt("0x" + Buffer.from(blob.buffer, blob.byteOffset, blob.length).toString("hex"));
}

/** A plain Uint8Array copy of a blob (SQLite gives Buffers; records hold Uint8Arrays). */
export function plainBytes(blob: Uint8Array): Uint8Array {
  return new Uint8Array(blob);
}

export function blobHex(blob: Uint8Array): string {
  return "0x" + Buffer.from(blob.buffer, blob.byteOffset, blob.length).toString("hex");
}
