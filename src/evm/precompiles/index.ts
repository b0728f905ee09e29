// Precompiled contracts (provisional: 0x01-0x04; the full set is being written alongside).
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { ripemd160 } from "@noble/hashes/legacy.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { ForkRules } from "../forks.js";

export interface PrecompileResult {
  ok: boolean;
  gasUsed: number;
  output: Uint8Array;
}

const EMPTY = new Uint8Array(0);
const words = (n: number) => Math.ceil(n / 32);
const fail = (gasLimit: number): PrecompileResult => ({ ok: false, gasUsed: gasLimit, output: EMPTY });

function padded(input: Uint8Array, len: number): Uint8Array {
  if (input.length >= len) return input;
  const out = new Uint8Array(len);
  out.set(input);
  return out;
}

function ecrecover(input: Uint8Array): Uint8Array {
  const data = padded(input, 128);
  const v = data.subarray(32, 64);
  for (let i = 0; i < 31; i++) if (v[i] !== 0) return EMPTY;
  if (v[31] !== 27 && v[31] !== 28) return EMPTY;
  try {
    const sig = new Uint8Array(65);
    sig[0] = v[31]! - 27;
    sig.set(data.subarray(64, 128), 1);
    const pub = secp256k1.recoverPublicKey(sig, data.subarray(0, 32), { prehash: false });
    const point = secp256k1.Point.fromBytes(pub).toBytes(false);
    const out = new Uint8Array(32);
    out.set(keccak_256(point.subarray(1)).subarray(12), 12);
    return out;
  } catch {
    return EMPTY;
  }
}

export function runPrecompile(address: number, input: Uint8Array, gasLimit: number, _rules: ForkRules): PrecompileResult {
  let cost: number;
  switch (address) {
    case 1:
      cost = 3000;
      return cost > gasLimit ? fail(gasLimit) : { ok: true, gasUsed: cost, output: ecrecover(input) };
    case 2:
      cost = 60 + 12 * words(input.length);
      return cost > gasLimit ? fail(gasLimit) : { ok: true, gasUsed: cost, output: sha256(input) };
    case 3: {
      cost = 600 + 120 * words(input.length);
      if (cost > gasLimit) return fail(gasLimit);
      const out = new Uint8Array(32);
      out.set(ripemd160(input), 12);
      return { ok: true, gasUsed: cost, output: out };
    }
    case 4:
      cost = 15 + 3 * words(input.length);
      return cost > gasLimit ? fail(gasLimit) : { ok: true, gasUsed: cost, output: input.slice() };
    default:
      return fail(gasLimit);
  }
}
