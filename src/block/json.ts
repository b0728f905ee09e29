// Strict readers for the hex-encoded JSON that nodes return (eth_getBlockByNumber, fixtures).
// Every error names where the bad value is: the file, then a path such as `transactions[3].gas`.
import { hexToBytes } from "../primitives/bytes.js";
import { fromBytes, type Word } from "../primitives/word.js";

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

export type JsonObject = Record<string, unknown>;

const QUANTITY = /^0x[0-9a-fA-F]+$/;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function expectObject(value: unknown, where: string): JsonObject {
  if (!isJsonObject(value)) throw new InputError(`${where}: expected a JSON object`);
  return value;
}

export function expectArray(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new InputError(`${where}: expected a JSON array`);
  return value;
}

/**
 * A quantity as the JSON-RPC and fixture formats write it: a 0x-hex string ("0x1a"), or a
 * non-negative safe integer (the fixtures' nonces); at most `bits` bits (default 256). Anything
 * else is an InputError naming `where` and saying what is wrong: a decimal string ("21000" would
 * be read as 21000 by one tool and 0x21000 by another), a negative value, a JSON number that has
 * lost precision, too many bits.
 */
export function parseHexQuantity(value: unknown, where: string, bits = 256): bigint {
  const n = quantityValue(value, where);
  if (n >> BigInt(bits) !== 0n) throw new InputError(`${where}: ${describe(value)} exceeds ${bits} bits`);
  return n;
}

function quantityValue(value: unknown, where: string): bigint {
  if (typeof value === "number") {
    if (!Number.isInteger(value)) throw new InputError(`${where}: expected a hex quantity, got ${describe(value)} (not a whole number)`);
    if (value < 0) throw new InputError(`${where}: negative value ${describe(value)}; quantities are non-negative`);
    if (!Number.isSafeInteger(value)) throw new InputError(`${where}: the JSON number ${describe(value)} is above 2^53 and has lost precision; write it as a 0x-hex quantity`);
    return BigInt(value);
  }
  if (typeof value === "string") {
    if (QUANTITY.test(value)) return BigInt(value);
    if (/^-/.test(value)) throw new InputError(`${where}: negative value ${describe(value)}; quantities are non-negative`);
    if (/^[0-9]+$/.test(value)) throw new InputError(`${where}: expected a 0x-hex quantity, got the decimal string ${describe(value)} (the format writes quantities in hex, e.g. "0x${BigInt(value).toString(16)}")`);
    if (value === "0x") throw new InputError(`${where}: "0x" has no digits (zero is "0x0")`);
  }
  throw new InputError(`${where}: expected a hex quantity, got ${describe(value)}`);
}

/**
 * A block number as block_hashes.json writes its keys (decimal, "17034869"), or 0x-hex; for the
 * values of the JSON-RPC format use parseHexQuantity, which refuses decimal strings.
 */
export function parseBlockNumberKey(value: unknown, where: string): bigint {
  if (typeof value === "string" && /^[0-9]{1,20}$/.test(value)) return BigInt(value);
  return parseHexQuantity(value, where, 64);
}

/** A hex quantity or a decimal string: what src/index.ts reads block-hash keys with (prefer parseBlockNumberKey there, parseHexQuantity for fields). */
export function parseQuantity(value: unknown, where: string): bigint {
  if (typeof value === "string" && /^[0-9]+$/.test(value)) return BigInt(value);
  return parseHexQuantity(value, where);
}

/** Hex data ("0x" followed by an even number of hex digits). */
export function parseData(value: unknown, where: string, length?: number): Uint8Array {
  if (typeof value !== "string" || !value.startsWith("0x")) throw new InputError(`${where}: expected 0x-prefixed hex data, got ${describe(value)}`);
  let bytes: Uint8Array;
  try {
    bytes = hexToBytes(value);
  } catch (e) {
    throw new InputError(`${where}: ${(e as Error).message.replace(/^hexToBytes: /, "")}`);
  }
  if (length !== undefined && bytes.length !== length) throw new InputError(`${where}: expected ${length} bytes, got ${bytes.length}`);
  return bytes;
}

export function parseAddress(value: unknown, where: string): Word {
  return fromBytes(parseData(value, where, 20), 0, 20);
}

export function parseHash(value: unknown, where: string): Word {
  return fromBytes(parseData(value, where, 32), 0, 32);
}

export function field(obj: JsonObject, key: string, where: string): unknown {
  const value = obj[key];
  if (value === undefined || value === null) throw new InputError(`${where}.${key}: missing`);
  return value;
}

export function optionalField(obj: JsonObject, key: string): unknown {
  const value = obj[key];
  return value === null ? undefined : value;
}

/** A JSON value, abbreviated for an error message. */
export function describe(value: unknown): string {
  const s = JSON.stringify(value);
  if (s === undefined) return String(value);
  return s.length > 40 ? s.slice(0, 37) + "..." : s;
}
