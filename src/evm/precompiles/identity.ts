// 0x04 identity (Yellow Paper appendix E): returns its input; 15 gas plus 3 per word.
import { failure, success, wordCount, type PrecompileResult } from "./common.js";

export function identity(input: Uint8Array, gasLimit: number): PrecompileResult {
  const cost = 15 + 3 * wordCount(input.length);
  if (cost > gasLimit) return failure(gasLimit);
  // A copy: the input may be a view of the caller's memory, which the caller goes on to change.
  return success(cost, input.slice());
}
