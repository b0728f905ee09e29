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

/** A hex quantity ("0x1a") or a non-negative safe integer, as a bigint. */
export function parseQuantity(value: unknown, where: string): bigint {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === "string" && QUANTITY.test(value)) return BigInt(value);
  if (typeof value === "string" && /^[0-9]+$/.test(value)) return BigInt(value);
  throw new InputError(`${where}: expected a hex quantity, got ${describe(value)}`);
}

/** Hex data ("0x" followed by an even number of hex digits). */
export function parseData(value: unknown, where: string, length?: number): Uint8Array {
  if (typeof value !== "string" || !value.startsWith("0x")) throw new InputError(`${where}: expected 0x-prefixed hex data, got ${describe(value)}`);
  let bytes: Uint8Array;
  try {
    bytes = hexToBytes(value);
  } catch (e) {
    throw new InputError(`${where}: ${(e as Error).message}`);
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
