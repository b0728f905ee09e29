// Precompiled contracts 0x01-0x0a, dispatched by address. The caller has checked that the address
// is a precompile in the current fork (1 <= address <= rules.precompileCount).
import type { ForkRules } from "../../fork/forks.js";
import { blake2f } from "./blake2f.js";
import { ecAdd, ecMul, ecPairing } from "./bn254.js";
import { failure, type Precompile, type PrecompileResult } from "./common.js";
import { ecrecover } from "./ecrecover.js";
import { identity } from "./identity.js";
import { modexp } from "./modexp.js";
import { pointEvaluation } from "./pointEvaluation.js";
import { ripemd160 } from "./ripemd160.js";
import { sha256 } from "./sha256.js";

export type { PrecompileResult } from "./common.js";

// Indexed by address; slot 0 is not a precompile.
const PRECOMPILES: readonly (Precompile | undefined)[] = [
  undefined,
  ecrecover, // 0x01
  sha256, // 0x02
  ripemd160, // 0x03
  identity, // 0x04
  modexp, // 0x05 (Byzantium)
  ecAdd, // 0x06 (Byzantium)
  ecMul, // 0x07 (Byzantium)
  ecPairing, // 0x08 (Byzantium)
  blake2f, // 0x09 (Istanbul)
  pointEvaluation, // 0x0a (Cancun)
];

/**
 * Runs precompile `address` (1..10) on `input` with `gasLimit` gas. `ok: false` (out of gas or
 * invalid input) comes with gasUsed === gasLimit: the caller consumes all the call's gas.
 */
export function runPrecompile(address: number, input: Uint8Array, gasLimit: number, rules: ForkRules): PrecompileResult {
  const precompile = PRECOMPILES[address];
  return precompile === undefined ? failure(gasLimit) : precompile(input, gasLimit, rules);
}
