// 0x09 blake2f: the BLAKE2b compression function F with a caller-chosen round count (EIP-152),
// in WebAssembly (src/primitives/blake2bWasm.ts): 64-bit words in 64-bit registers, where the
// JavaScript on 32-bit halves it replaced took about 300 ns a round (a block of maximal-round
// calls would have run for tens of seconds).
import { H_OFFSET, instantiateBlake2b, M_OFFSET, T_OFFSET } from "../../primitives/blake2bWasm.js";
import { failure, success, type PrecompileResult } from "./common.js";

const F = instantiateBlake2b();
const MEMORY = new Uint8Array(F.memory.buffer);
/** Rounds per call of the module (a multiple of ten, the schedule's cycle): long counts reach V8's optimized code after the first slices. */
const SLICE = 10_000;

/**
 * Input (EIP-152, exactly 213 bytes): rounds (4 bytes, big-endian), h (64), m (128), t (16), f (1);
 * h, m and t are little-endian 64-bit words (as the module's memory holds them), f must be 0 or 1.
 * One gas per round.
 */
export function blake2f(input: Uint8Array, gasLimit: number): PrecompileResult {
  if (input.length !== 213) return failure(gasLimit);
  const rounds = ((input[0]! << 24) | (input[1]! << 16) | (input[2]! << 8) | input[3]!) >>> 0;
  const finalFlag = input[212]!;
  if (finalFlag > 1 || rounds > gasLimit) return failure(gasLimit);
  MEMORY.set(input.subarray(4, 68), H_OFFSET);
  MEMORY.set(input.subarray(68, 196), M_OFFSET);
  MEMORY.set(input.subarray(196, 212), T_OFFSET);
  F.start(finalFlag);
  let left = rounds;
  for (; left > SLICE; left -= SLICE) F.rounds(SLICE);
  F.rounds(left);
  F.finish();
  return success(rounds, MEMORY.slice(H_OFFSET, H_OFFSET + 64));
}
