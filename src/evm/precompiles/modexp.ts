// 0x05 modexp: EIP-198, priced by EIP-2565 from Berlin.
import type { ForkRules } from "../forks.js";
import { bigintToBytes, bytesToBigint, failure, slicePadded, type PrecompileResult } from "./common.js";

function bitLength(v: bigint): number {
  return v === 0n ? 0 : v.toString(2).length;
}

/** EIP-198 "adjusted exponent length". */
function adjustedExponentLength(expLen: bigint, expHead: bigint): bigint {
  const headBits = BigInt(Math.max(bitLength(expHead) - 1, 0));
  if (expLen <= 32n) return headBits;
  return 8n * (expLen - 32n) + headBits;
}

function eip198Complexity(x: bigint): bigint {
  if (x <= 64n) return x * x;
  if (x <= 1024n) return (x * x) / 4n + 96n * x - 3072n;
  return (x * x) / 16n + 480n * x - 199680n;
}

function modexpGas(baseLen: bigint, expLen: bigint, modLen: bigint, expHead: bigint, rules: ForkRules): bigint {
  const adjusted = adjustedExponentLength(expLen, expHead);
  const iterations = adjusted > 1n ? adjusted : 1n;
  const maxLen = baseLen > modLen ? baseLen : modLen;
  if (rules.precompileGas.modexpEip2565) {
    const words = (maxLen + 7n) / 8n;
    const gas = (words * words * iterations) / 3n;
    return gas > 200n ? gas : 200n;
  }
  return (eip198Complexity(maxLen) * iterations) / 20n;
}

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  if (mod === 0n) return 0n;
  if (mod === 1n) return 0n;
  let result = 1n;
  base %= mod;
  while (exp > 0n) {
    if (exp & 1n) result = (result * base) % mod;
    exp >>= 1n;
    if (exp > 0n) base = (base * base) % mod;
  }
  return result;
}

export function modexp(input: Uint8Array, gasLimit: number, rules: ForkRules): PrecompileResult {
  const baseLen = bytesToBigint(slicePadded(input, 0, 32));
  const expLen = bytesToBigint(slicePadded(input, 32, 32));
  const modLen = bytesToBigint(slicePadded(input, 64, 32));
  // The first 32 bytes of the exponent decide the price; past the input they read as zero.
  const expHeadLen = expLen < 32n ? Number(expLen) : 32;
  const expHead = baseLen > BigInt(input.length) ? 0n : bytesToBigint(slicePadded(input, 96 + Number(baseLen), expHeadLen));
  const gas = modexpGas(baseLen, expLen, modLen, expHead, rules);
  if (gas > BigInt(gasLimit)) return failure(gasLimit);
  const cost = Number(gas);
  if (modLen === 0n) return { ok: true, gasUsed: cost, output: new Uint8Array(0) };
  const bl = Number(baseLen);
  const el = Number(expLen);
  const ml = Number(modLen);
  const base = bytesToBigint(slicePadded(input, 96, bl));
  const exp = bytesToBigint(slicePadded(input, 96 + bl, el));
  const mod = bytesToBigint(slicePadded(input, 96 + bl + el, ml));
  return { ok: true, gasUsed: cost, output: bigintToBytes(modPow(base, exp, mod), ml) };
}
