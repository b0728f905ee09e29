// 0x05 modexp: the EIP-198 examples, EIP-198 and EIP-2565 prices (the EIP-2565 table's
// "nagydani" length classes), huge declared lengths, zero-padded short input.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Fork } from "../../../src/fork/forks.js";
import { ALL_GAS, call, outHex, word } from "./helpers.js";

const MAX_WORD = (1n << 256n) - 1n;
const SECP_P = "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f";
const SECP_P_MINUS_2 = "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2d";

function input(baseLen: bigint | number, expLen: bigint | number, modLen: bigint | number, data = ""): string {
  return "0x" + word(baseLen) + word(expLen) + word(modLen) + data;
}

/** A reference modexp on bigints (right-to-left binary method). */
function refModPow(base: bigint, exp: bigint, mod: bigint): bigint {
  if (mod === 0n) return 0n;
  let result = 1n % mod;
  base %= mod;
  for (; exp > 0n; exp >>= 1n, base = (base * base) % mod) if (exp & 1n) result = (result * base) % mod;
  return result;
}

test("modexp: EIP-198 example 1, Fermat's little theorem: 3^(p-1) mod p = 1 for the secp256k1 prime", () => {
  const data = input(1, 32, 32, "03" + "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e" + SECP_P);
  const byzantium = call(5, data, ALL_GAS, Fork.Byzantium);
  assert.deepEqual([byzantium.ok, byzantium.gasUsed, outHex(byzantium)], [true, 13056, "0x" + word(1)]);
  const berlin = call(5, data, ALL_GAS, Fork.Berlin);
  assert.deepEqual([berlin.ok, berlin.gasUsed, outHex(berlin)], [true, 1360, "0x" + word(1)]);
});

test("modexp: EIP-198 example 2, zero-length base reads as 0", () => {
  const data = input(0, 32, 32, SECP_P_MINUS_2 + SECP_P);
  const result = call(5, data, ALL_GAS, Fork.Byzantium);
  assert.deepEqual([result.ok, result.gasUsed, outHex(result)], [true, 13056, "0x" + word(0)]);
});

test("modexp: EIP-198 example 3, huge lengths cost more than any gas", () => {
  const data = input(0, MAX_WORD, MAX_WORD, "ffff" + "8000000000000000000000000000000000000000000000000000000000000000" + "07");
  for (const fork of [Fork.Byzantium, Fork.Berlin]) {
    assert.deepEqual(call(5, data, ALL_GAS, fork), { ok: false, gasUsed: ALL_GAS, output: new Uint8Array(0) });
  }
  // Huge base or modulus length alone, with no data at all.
  assert.equal(call(5, input(MAX_WORD, 0, 0), ALL_GAS, Fork.Byzantium).ok, false);
  assert.equal(call(5, input(0, 0, MAX_WORD), ALL_GAS, Fork.Berlin).ok, false);
  assert.equal(call(5, input(1n << 40n, 1, 1n << 40n), ALL_GAS, Fork.Berlin).ok, false);
});

test("modexp: huge exponent length with zero base and modulus lengths is cheap and returns nothing", () => {
  const data = input(0, MAX_WORD, 0);
  const byzantium = call(5, data, 0, Fork.Byzantium); // mult_complexity(0) = 0
  assert.deepEqual([byzantium.ok, byzantium.gasUsed, byzantium.output.length], [true, 0, 0]);
  const berlin = call(5, data, 200, Fork.Berlin); // the EIP-2565 minimum
  assert.deepEqual([berlin.ok, berlin.gasUsed, berlin.output.length], [true, 200, 0]);
  assert.equal(call(5, data, 199, Fork.Berlin).ok, false);
  // With a 1-byte modulus the exponent length is paid for: 8 * (2^256 - 1 - 32) iterations.
  assert.equal(call(5, input(0, MAX_WORD, 1), ALL_GAS, Fork.Berlin).ok, false);
});

test("modexp: EIP-2565 table prices, EIP-198 before Berlin and EIP-2565 from Berlin", () => {
  // [length of base and modulus, exponent, EIP-198 gas, EIP-2565 gas] (nagydani cases).
  const cases: [number, string, number, number][] = [
    [64, "02", 204, 200],
    [64, "03", 204, 200],
    [64, "010001", 3276, 341],
    [128, "02", 665, 200],
    [128, "010001", 10649, 1365],
    [256, "02", 1894, 341],
    [256, "010001", 30310, 5461],
    [512, "02", 5580, 1365],
    [512, "010001", 89292, 21845],
    [1024, "02", 17868, 5461],
    [1024, "010001", 285900, 87381],
  ];
  for (const [len, exp, eip198, eip2565] of cases) {
    const base = "5a".repeat(len);
    const mod = "c3".repeat(len);
    const data = input(len, exp.length / 2, len, base + exp + mod);
    const expected = "0x" + refModPow(BigInt("0x" + base), BigInt("0x" + exp), BigInt("0x" + mod)).toString(16).padStart(2 * len, "0");
    for (const [fork, gas] of [
      [Fork.Byzantium, eip198],
      [Fork.Istanbul, eip198],
      [Fork.Berlin, eip2565],
      [Fork.Cancun, eip2565],
    ] as const) {
      const result = call(5, data, ALL_GAS, fork);
      assert.deepEqual([result.ok, result.gasUsed, outHex(result)], [true, gas, expected], `${len} bytes ^ ${exp} in fork ${fork}`);
      assert.equal(call(5, data, gas - 1, fork).ok, false);
    }
  }
});

test("modexp: exponents longer than 32 bytes price by their length and first word", () => {
  // expLen 40 whose first 32 bytes are the number 1 (highest bit index 0): adjusted 8 * (40 - 32) + 0.
  const exp = "00".repeat(31) + "01" + "ff".repeat(8);
  const data = input(1, 40, 1, "02" + exp + "07");
  const adjusted = 8 * 8 + 0;
  const byzantium = call(5, data, ALL_GAS, Fork.Byzantium);
  assert.equal(byzantium.gasUsed, Math.floor(1 * adjusted / 20));
  assert.equal(call(5, data, ALL_GAS, Fork.Berlin).gasUsed, 200);
  assert.equal(outHex(byzantium), "0x" + refModPow(2n, BigInt("0x" + exp), 7n).toString(16).padStart(2, "0"));
  // Zero exponent head: adjusted length 0 is priced as 1 iteration.
  const big = input(32, 1, 32, "11".repeat(32) + "00" + "13".repeat(32));
  assert.equal(call(5, big, ALL_GAS, Fork.Byzantium).gasUsed, Math.floor(1024 / 20));
  assert.equal(outHex(call(5, big, ALL_GAS, Fork.Byzantium)), "0x" + word(1));
});

test("modexp: input shorter than declared reads zeros", () => {
  // base 2, exp 3, modulus missing -> modulus 0 -> zeros of modulus length.
  assert.equal(outHex(call(5, input(1, 1, 2, "0203"))), "0x0000");
  // The modulus partly present: 0x05 followed by a zero byte = 0x0500.
  assert.equal(outHex(call(5, input(1, 1, 2, "020305"))), "0x0008");
  // No data at all beyond the lengths: 0^0 mod 0 -> zeros.
  assert.equal(outHex(call(5, input(1, 1, 1))), "0x00");
  // The lengths themselves may be cut short: "0x" means all lengths 0.
  const empty = call(5, "0x", ALL_GAS, Fork.Berlin);
  assert.deepEqual([empty.ok, empty.gasUsed, empty.output.length], [true, 200, 0]);
});

test("modexp: small-value semantics (exponent 0, modulus 1, base 0, base >= modulus)", () => {
  assert.equal(outHex(call(5, input(1, 1, 1, "05" + "00" + "07"))), "0x01"); // x^0 = 1
  assert.equal(outHex(call(5, input(1, 0, 1, "05" + "07"))), "0x01"); // empty exponent = 0
  assert.equal(outHex(call(5, input(1, 1, 1, "05" + "03" + "01"))), "0x00"); // mod 1
  assert.equal(outHex(call(5, input(0, 1, 1, "03" + "07"))), "0x00"); // 0^3
  assert.equal(outHex(call(5, input(0, 0, 1, "07"))), "0x01"); // 0^0 = 1
  assert.equal(outHex(call(5, input(1, 1, 1, "0a" + "02" + "07"))), "0x02"); // 100 mod 7
  assert.equal(outHex(call(5, input(2, 1, 3, "0009" + "02" + "000010"))), "0x000001"); // 81 mod 16, leading zeros kept
});
