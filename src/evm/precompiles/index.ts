// Precompiled contracts 0x01-0x0a, dispatched by address. The caller checks that the address is
// a precompile in the current fork (rules.precompileCount).
import type { ForkRules } from "../forks.js";
import { blake2f } from "./blake2f.js";
import { ecAdd, ecMul, ecPairing } from "./bn254.js";
import { failure, type Precompile, type PrecompileResult } from "./common.js";
import { ecrecover, identity, ripemd160, sha256 } from "./hashes.js";
import { modexp } from "./modexp.js";
import { pointEvaluation } from "./pointEvaluation.js";

export type { PrecompileResult } from "./common.js";

const PRECOMPILES: (Precompile | undefined)[] = [undefined, ecrecover, sha256, ripemd160, identity, modexp, ecAdd, ecMul, ecPairing, blake2f, pointEvaluation];

export function runPrecompile(address: number, input: Uint8Array, gasLimit: number, rules: ForkRules): PrecompileResult {
  const precompile = PRECOMPILES[address];
  return precompile === undefined ? failure(gasLimit) : precompile(input, gasLimit, rules);
}
