// Precompiled contracts, dispatched by address: 0x01..0x11 by number (which of them a fork has is
// `rules.precompileCount`), and P256VERIFY at 0x100 (`rules.p256Verify`).
import type { ForkRules } from "../../fork/forks.js";
import type { Word } from "../../primitives/word.js";
import { blake2f } from "./blake2f.js";
import { blsG1Add, blsG1Msm, blsG2Add, blsG2Msm, blsMapFp2ToG2, blsMapFpToG1, blsPairing } from "./bls12381.js";
import { ecAdd, ecMul, ecPairing } from "./bn254.js";
import { failure, type Precompile, type PrecompileResult } from "./common.js";
import { ecrecover } from "./ecrecover.js";
import { identity } from "./identity.js";
import { modexp } from "./modexp.js";
import { P256_VERIFY_ADDRESS, p256Verify } from "./p256verify.js";
import { pointEvaluation } from "./pointEvaluation.js";
import { ripemd160 } from "./ripemd160.js";
import { sha256 } from "./sha256.js";

export type { PrecompileResult } from "./common.js";
export { P256_VERIFY_ADDRESS } from "./p256verify.js";

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
  blsG1Add, // 0x0b (Prague, EIP-2537)
  blsG1Msm, // 0x0c
  blsG2Add, // 0x0d
  blsG2Msm, // 0x0e
  blsPairing, // 0x0f
  blsMapFpToG1, // 0x10
  blsMapFp2ToG2, // 0x11
];

/** Whether `address` is a precompile in this fork. */
export function isPrecompile(address: Word, rules: ForkRules): boolean {
  if (typeof address !== "number") return false;
  return (address >= 1 && address <= rules.precompileCount) || (address === P256_VERIFY_ADDRESS && rules.p256Verify);
}

const addressesByFork: (readonly number[] | undefined)[] = [];

/** The precompile addresses of a fork, warm from the start of every transaction (EIP-2929). */
export function precompileAddresses(rules: ForkRules): readonly number[] {
  let addresses = addressesByFork[rules.fork];
  if (addresses === undefined) {
    const list: number[] = [];
    for (let p = 1; p <= rules.precompileCount; p++) list.push(p);
    if (rules.p256Verify) list.push(P256_VERIFY_ADDRESS);
    addresses = addressesByFork[rules.fork] = list;
  }
  return addresses;
}

/**
 * Runs the precompile at `address` (one `isPrecompile` accepts) on `input` with `gasLimit` gas.
 * `ok: false` (out of gas or invalid input) comes with gasUsed === gasLimit: the caller consumes
 * all the call's gas.
 */
export function runPrecompile(address: number, input: Uint8Array, gasLimit: number, rules: ForkRules): PrecompileResult {
  const precompile = address === P256_VERIFY_ADDRESS ? p256Verify : PRECOMPILES[address];
  return precompile === undefined ? failure(gasLimit) : precompile(input, gasLimit, rules);
}
