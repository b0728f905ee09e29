// 0x03 ripemd160 (Yellow Paper appendix E): 600 gas plus 120 per word; the 20-byte digest is
// returned left-padded to 32 bytes.
import { ripemd160 as ripemd } from "@noble/hashes/legacy.js";
import { failure, success, wordCount, type PrecompileResult } from "./common.js";

export function ripemd160(input: Uint8Array, gasLimit: number): PrecompileResult {
  const cost = 600 + 120 * wordCount(input.length);
  if (cost > gasLimit) return failure(gasLimit);
  const out = new Uint8Array(32);
  out.set(ripemd(input), 12);
  return success(cost, out);
}
