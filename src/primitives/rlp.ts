// RLP (Yellow Paper appendix B) through @ethereumjs/rlp, with strict decoding: every input must be
// exactly one canonical item (no trailing bytes, no over-long or zero-padded lengths, no single
// byte below 0x80 wrapped in a string header), and integers must have no leading zero bytes.
import { RLP } from "@ethereumjs/rlp";
import { bigintToBytes, bytesToBigint, numberToBytes } from "./bytes.js";

/** What `encode` accepts: byte strings, non-negative integers (minimal big-endian) and lists. */
export type RlpInput = Uint8Array | bigint | number | RlpInput[];
/** What `decode` returns: byte strings and lists of items. */
export type RlpItem = Uint8Array | RlpItem[];

type Encodable = Uint8Array | Encodable[];

function toEncodable(input: RlpInput): Encodable {
  if (input instanceof Uint8Array) return input;
  if (Array.isArray(input)) return input.map(toEncodable);
  if (typeof input === "bigint") return bigintToBytes(input);
  if (typeof input === "number") return numberToBytes(input);
  throw new Error(`rlp.encode: unsupported value of type ${typeof input}`);
}

export function encode(input: RlpInput): Uint8Array {
  return RLP.encode(toEncodable(input));
}

/** Decodes exactly one canonical RLP item; throws an Error saying what is wrong otherwise. */
export function decode(bytes: Uint8Array): RlpItem {
  if (!(bytes instanceof Uint8Array)) throw new Error("invalid RLP: input is not a Uint8Array");
  // @ethereumjs/rlp decodes empty input as the empty string; an empty input holds no item.
  if (bytes.length === 0) throw new Error("invalid RLP: empty input");
  try {
    return RLP.decode(bytes) as RlpItem;
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new Error(reason.startsWith("invalid RLP") ? reason : `invalid RLP: ${reason}`);
  }
}

/** The decoded item as a byte string; throws when it is a list. */
export function expectBytes(item: RlpItem, what = "item"): Uint8Array {
  if (!(item instanceof Uint8Array)) throw new Error(`invalid RLP: ${what} should be a byte string, got a list`);
  return item;
}

/** The decoded item as a list, optionally of an exact length; throws otherwise. */
export function expectList(item: RlpItem, what = "item", length?: number): RlpItem[] {
  if (!Array.isArray(item)) throw new Error(`invalid RLP: ${what} should be a list, got a byte string`);
  if (length !== undefined && item.length !== length) {
    throw new Error(`invalid RLP: ${what} should have ${length} items, got ${item.length}`);
  }
  return item;
}

/** A decoded integer (byte-string payload); rejects leading zero bytes and, if given, more than maxBytes bytes. */
export function decodeBigint(bytes: Uint8Array, maxBytes?: number): bigint {
  if (bytes.length > 0 && bytes[0] === 0) throw new Error("invalid RLP: integer has leading zero bytes");
  if (maxBytes !== undefined && bytes.length > maxBytes) {
    throw new Error(`invalid RLP: integer of ${bytes.length} bytes exceeds ${maxBytes} bytes`);
  }
  return bytesToBigint(bytes);
}

/** A decoded integer that must fit in a safe JS number (at most 2^53-1); rejects leading zeros. */
export function decodeNumber(bytes: Uint8Array): number {
  const v = decodeBigint(bytes, 7);
  if (v > 9007199254740991n) throw new Error("invalid RLP: integer exceeds 2^53-1");
  return Number(v);
}
