// Shared by the precompile tests: run a precompile on hex input and build inputs from words.
import { Fork, rulesFor } from "../../../src/fork/forks.js";
import { runPrecompile, type PrecompileResult } from "../../../src/evm/precompiles/index.js";
import { bytesToHex, hexToBytes } from "../../../src/primitives/bytes.js";

export const ALL_GAS = 2 ** 53 - 1;

/** Runs precompile `address` on `input` (hex or bytes) under `fork` (default Cancun). */
export function call(address: number, input: string | Uint8Array, gasLimit = ALL_GAS, fork = Fork.Cancun): PrecompileResult {
  const bytes = typeof input === "string" ? hexToBytes(input) : input;
  return runPrecompile(address, bytes, gasLimit, rulesFor(fork));
}

/** The result's output as "0x" hex. */
export function outHex(result: PrecompileResult): string {
  return bytesToHex(result.output);
}

/** A non-negative integer as a 32-byte big-endian word in hex (no "0x"). */
export function word(value: bigint | number): string {
  return BigInt(value).toString(16).padStart(64, "0");
}
