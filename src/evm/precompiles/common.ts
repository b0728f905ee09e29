// Shared shapes and helpers of the precompiled contracts.
import type { ForkRules } from "../../fork/forks.js";

export { bytesToBigint } from "../../primitives/bytes.js";

/**
 * What a precompile returns. `ok: false` is a failure (out of gas or invalid input): the caller
 * then consumes all the gas given to the call, and `gasUsed` equals the gas limit.
 */
export interface PrecompileResult {
  ok: boolean;
  gasUsed: number;
  output: Uint8Array;
}

export type Precompile = (input: Uint8Array, gasLimit: number, rules: ForkRules) => PrecompileResult;

export const EMPTY = new Uint8Array(0);

export function failure(gasLimit: number): PrecompileResult {
  return { ok: false, gasUsed: gasLimit, output: EMPTY };
}

export function success(gasUsed: number, output: Uint8Array): PrecompileResult {
  return { ok: true, gasUsed, output };
}

/** Number of 32-byte words that hold `bytes` bytes (the unit of the linear precompile prices). */
export function wordCount(bytes: number): number {
  return Math.ceil(bytes / 32);
}

/** `len` bytes of `input` from `offset`, zero-padded on the right past the end of the input. */
export function slicePadded(input: Uint8Array, offset: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  if (offset < input.length) out.set(input.subarray(offset, Math.min(input.length, offset + len)));
  return out;
}

/** `v` as exactly `len` big-endian bytes (v must fit). */
export function bigintToPadded(v: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  if (v === 0n) return out;
  let hex = v.toString(16);
  if (hex.length & 1) hex = "0" + hex;
  const bytes = Buffer.from(hex, "hex");
  out.set(bytes, len - bytes.length);
  return out;
}
