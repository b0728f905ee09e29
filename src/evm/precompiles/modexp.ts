// 0x05 modexp: base^exp % mod on big-endian integers of any length (EIP-198), priced by EIP-198
// until Berlin, by EIP-2565 from then on, and by EIP-7883 from Osaka, which also bounds each of
// the three lengths by 1024 bytes (EIP-7823: a longer one fails the call, consuming all its gas).
//
// Input: base length, exp length and mod length as 32-byte words, then base, exp and mod; bytes
// past the end of the input read as zero. A length may be any 256-bit value, so the lengths and
// the price are bigints, and nothing is read or allocated before the price is known to fit.
import type { ForkRules } from "../../fork/forks.js";
import { bigintToPadded, bytesToBigint, EMPTY, failure, slicePadded, success, type PrecompileResult } from "./common.js";

export function modexp(input: Uint8Array, gasLimit: number, rules: ForkRules): PrecompileResult {
  const baseLen = readBigint(input, 0n, 32);
  const expLen = readBigint(input, 32n, 32);
  const modLen = readBigint(input, 64n, 32);
  if (exceedsBound(rules.precompileGas.modexpMaxInputBytes, baseLen, expLen, modLen)) return failure(gasLimit);
  const expStart = 96n + baseLen;
  const headHighBit = expHeadHighBit(input, expStart, expLen);
  const maxLen = baseLen > modLen ? baseLen : modLen;
  const gas = price(rules, maxLen, expLen, headHighBit);
  if (gas > BigInt(gasLimit)) return failure(gasLimit);
  const cost = Number(gas);
  if (modLen === 0n) return success(cost, EMPTY);

  // With a modulus the price grows with every length, so having paid it bounds all three.
  const modStart = expStart + expLen;
  const mod = readBigint(input, modStart, Number(modLen));
  if (mod <= 1n) return success(cost, new Uint8Array(Number(modLen))); // x % 1 and x % 0 are 0
  // A modulus > 1 has a non-zero byte inside the input, so base and exponent lie wholly inside it.
  const base = readBigint(input, 96n, Number(baseLen));
  const expBytes = input.subarray(Number(expStart), Number(modStart));
  return success(cost, bigintToPadded(modPow(base, expBytes, mod), Number(modLen)));
}

/** EIP-7823: whether a length exceeds `maxBytes` (0: no bound before Osaka). */
function exceedsBound(maxBytes: number, baseLen: bigint, expLen: bigint, modLen: bigint): boolean {
  if (maxBytes === 0) return false;
  const max = BigInt(maxBytes);
  return baseLen > max || expLen > max || modLen > max;
}

/** The price in the fork's schedule: EIP-198, EIP-2565 (Berlin) or EIP-7883 (Osaka). */
function price(rules: ForkRules, maxLen: bigint, expLen: bigint, headHighBit: number): bigint {
  const gas = rules.precompileGas;
  if (gas.modexpEip7883) return gasEip7883(maxLen, iterationCount(expLen, headHighBit, 16n));
  const iterations = iterationCount(expLen, headHighBit, 8n);
  return gas.modexpEip2565 ? gasEip2565(maxLen, iterations) : gasEip198(maxLen, iterations);
}

/** The big-endian integer in `len` bytes of input at `offset`, zero-padded past the end. */
function readBigint(input: Uint8Array, offset: bigint, len: number): bigint {
  if (len === 0 || offset >= BigInt(input.length)) return 0n;
  return bytesToBigint(slicePadded(input, Number(offset), len));
}

/** How many of the `len` bytes at `offset` lie inside the input. */
function clampedAvailable(input: Uint8Array, offset: bigint, len: bigint): number {
  const left = BigInt(input.length) - offset;
  if (left <= 0n) return 0;
  return Number(left < len ? left : len);
}

/**
 * Index of the highest set bit of the exponent's first min(32, expLen) bytes, or 0 when they are
 * all zero ("the bit length minus one, floored at zero" of EIP-198).
 */
function expHeadHighBit(input: Uint8Array, expStart: bigint, expLen: bigint): number {
  const headLen = expLen < 32n ? Number(expLen) : 32;
  const available = clampedAvailable(input, expStart, BigInt(headLen));
  const start = Number(expStart);
  for (let i = 0; i < available; i++) {
    const byte = input[start + i]!;
    if (byte !== 0) return 8 * (headLen - i - 1) + (31 - Math.clz32(byte));
  }
  return 0;
}

/**
 * EIP-198's adjusted exponent length, floored at 1: each exponent byte past the first 32 counts
 * `perByteAfterWord` iterations (8, and 16 from EIP-7883).
 */
function iterationCount(expLen: bigint, headHighBit: number, perByteAfterWord: bigint): bigint {
  const adjusted = expLen <= 32n ? BigInt(headHighBit) : perByteAfterWord * (expLen - 32n) + BigInt(headHighBit);
  return adjusted > 1n ? adjusted : 1n;
}

/** EIP-198: mult_complexity(max(len(base), len(mod))) * iterations / 20. */
function gasEip198(maxLen: bigint, iterations: bigint): bigint {
  const x = maxLen;
  let complexity: bigint;
  if (x <= 64n) complexity = x * x;
  else if (x <= 1024n) complexity = (x * x) / 4n + 96n * x - 3072n;
  else complexity = (x * x) / 16n + 480n * x - 199680n;
  return (complexity * iterations) / 20n;
}

/** EIP-2565: ceil(maxLen / 8)^2 * iterations / 3, at least 200. */
function gasEip2565(maxLen: bigint, iterations: bigint): bigint {
  const words = (maxLen + 7n) / 8n;
  const gas = (words * words * iterations) / 3n;
  return gas > 200n ? gas : 200n;
}

/**
 * EIP-7883: multiplication complexity 16 up to 32 bytes, else 2 * ceil(maxLen / 8)^2; times the
 * iterations, at least 500.
 */
function gasEip7883(maxLen: bigint, iterations: bigint): bigint {
  const words = (maxLen + 7n) / 8n;
  const complexity = maxLen <= 32n ? 16n : 2n * words * words;
  const gas = complexity * iterations;
  return gas > 500n ? gas : 500n;
}

/** base^exp % mod (mod > 1) by left-to-right square-and-multiply over the exponent's bytes. */
function modPow(base: bigint, exp: Uint8Array, mod: bigint): bigint {
  base %= mod;
  let result = 1n;
  let started = false; // leading zero bits would only square 1: skip them
  for (let i = 0; i < exp.length; i++) {
    const byte = exp[i]!;
    for (let bit = 7; bit >= 0; bit--) {
      if (started) result = (result * result) % mod;
      if ((byte >> bit) & 1) {
        result = started ? (result * base) % mod : base;
        started = true;
      }
    }
  }
  return result;
}
