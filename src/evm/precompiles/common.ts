// Shared shapes and helpers of the precompiled contracts.
import type { ForkRules } from "../forks.js";

export interface PrecompileResult {
  ok: boolean;
  gasUsed: number;
  output: Uint8Array;
}

export type Precompile = (input: Uint8Array, gasLimit: number, rules: ForkRules) => PrecompileResult;

export const EMPTY = new Uint8Array(0);

/** Failure (out of gas or invalid input): the call consumes all the gas it was given. */
export function failure(gasLimit: number): PrecompileResult {
  return { ok: false, gasUsed: gasLimit, output: EMPTY };
}

/** Success when `cost` fits in `gasLimit`; `run` is only evaluated when it does. */
export function charged(cost: number, gasLimit: number, run: () => Uint8Array | null): PrecompileResult {
  if (cost > gasLimit) return failure(gasLimit);
  const output = run();
  return output === null ? failure(gasLimit) : { ok: true, gasUsed: cost, output };
}

export function wordCount(bytes: number): number {
  return Math.ceil(bytes / 32);
}

/** `len` bytes of `input` from `offset`, zero-padded on the right past the end. */
export function slicePadded(input: Uint8Array, offset: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  if (offset < input.length) out.set(input.subarray(offset, Math.min(input.length, offset + len)));
  return out;
}

export { bytesToBigint } from "../../primitives/bytes.js";

export function bigintToBytes(v: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = len - 1; i >= 0 && v > 0n; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}
