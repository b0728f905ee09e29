// 0x05 modexp: the EIP-198 examples, EIP-198, EIP-2565 and EIP-7883 prices (the EIP-2565 table's
// "nagydani" length classes), huge declared lengths, EIP-7823's length bound, zero-padded short
// input, and a differential check against @ethereumjs/evm's modexp in Prague and Osaka.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Common, Hardfork, Mainnet } from "@ethereumjs/common";
import { getActivePrecompiles, paramsEVM, type PrecompileInput } from "@ethereumjs/evm";
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

test("modexp: EIP-7883 prices in Osaka (nagydani cases), earlier forks unchanged", () => {
  // [length of base and modulus, exponent, EIP-2565 gas (Prague), EIP-7883 gas (Osaka)]:
  // 2 * ceil(len / 8)^2 per iteration, at least 500.
  const cases: [number, string, number, number][] = [
    [64, "02", 200, 500],
    [64, "03", 200, 500],
    [64, "010001", 341, 2048],
    [128, "02", 200, 512],
    [128, "010001", 1365, 8192],
    [256, "02", 341, 2048],
    [256, "010001", 5461, 32768],
    [512, "02", 1365, 8192],
    [512, "010001", 21845, 131072],
    [1024, "02", 5461, 32768],
    [1024, "010001", 87381, 524288],
  ];
  for (const [len, exp, prague, osaka] of cases) {
    const base = "5a".repeat(len);
    const mod = "c3".repeat(len);
    const data = input(len, exp.length / 2, len, base + exp + mod);
    const expected = "0x" + refModPow(BigInt("0x" + base), BigInt("0x" + exp), BigInt("0x" + mod)).toString(16).padStart(2 * len, "0");
    for (const [fork, gas] of [
      [Fork.Prague, prague],
      [Fork.Osaka, osaka],
    ] as const) {
      const result = call(5, data, ALL_GAS, fork);
      assert.deepEqual([result.ok, result.gasUsed, outHex(result)], [true, gas, expected], `${len} bytes ^ ${exp} in fork ${fork}`);
      assert.deepEqual(call(5, data, gas - 1, fork), { ok: false, gasUsed: gas - 1, output: new Uint8Array(0) });
    }
  }
});

test("modexp: EIP-7883 complexity 16 up to 32 bytes, 16 iterations per exponent byte past 32", () => {
  // EIP-198 example 1: 32-byte exponent p - 1 (highest bit 255), 32-byte modulus: 16 * 255.
  const fermat = input(1, 32, 32, "03" + "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e" + SECP_P);
  const result = call(5, fermat, ALL_GAS, Fork.Osaka);
  assert.deepEqual([result.ok, result.gasUsed, outHex(result)], [true, 16 * 255, "0x" + word(1)]);
  // 33 bytes: 2 * ceil(33 / 8)^2 = 50 per iteration; exponent 0xffff: 15 iterations.
  const wide = input(33, 2, 33, "00".repeat(32) + "02" + "ffff" + "00".repeat(32) + "07");
  assert.equal(call(5, wide, ALL_GAS, Fork.Osaka).gasUsed, 50 * 15);
  // expLen 40 whose first 32 bytes are the number 1: 16 * (40 - 32) + 0 = 128 iterations.
  const exp = "00".repeat(31) + "01" + "ff".repeat(8);
  const long = call(5, input(1, 40, 1, "02" + exp + "07"), ALL_GAS, Fork.Osaka);
  assert.deepEqual([long.gasUsed, outHex(long)], [16 * 128, "0x" + refModPow(2n, BigInt("0x" + exp), 7n).toString(16).padStart(2, "0")]);
  assert.equal(call(5, input(1, 40, 1, "02" + exp + "07"), ALL_GAS, Fork.Prague).gasUsed, 200); // 8 * 8 / 3
  // The largest exponent allowed, all ones: 16 * 992 + 255 iterations at complexity 16.
  const maxExp = call(5, input(1, 1024, 1, "02" + "ff".repeat(1024) + "07"), ALL_GAS, Fork.Osaka);
  assert.deepEqual([maxExp.ok, maxExp.gasUsed], [true, 16 * (16 * 992 + 255)]);
  // The minimum: no data at all, or an exponent that is 0 or 1.
  const empty = call(5, "0x", ALL_GAS, Fork.Osaka);
  assert.deepEqual([empty.ok, empty.gasUsed, empty.output.length], [true, 500, 0]);
  assert.equal(call(5, input(1, 1, 1, "05" + "01" + "07"), ALL_GAS, Fork.Osaka).gasUsed, 500);
  assert.equal(call(5, "0x", 499, Fork.Osaka).ok, false);
});

test("modexp: EIP-7823 bounds each length by 1024 bytes in Osaka, failing with all gas", () => {
  const fails = (data: string, gas = ALL_GAS) => assert.deepEqual(call(5, data, gas, Fork.Osaka), { ok: false, gasUsed: gas, output: new Uint8Array(0) }, data.slice(0, 200));
  // 1024 is allowed for each length.
  const atBound = call(5, input(1024, 1024, 1024, "02".repeat(1024) + "03".repeat(1024) + "05".repeat(1024)), ALL_GAS, Fork.Osaka);
  assert.equal(atBound.ok, true);
  assert.equal(atBound.output.length, 1024);
  // 1025 in any one of them fails, whatever the data; before Osaka the same inputs are fine.
  for (const [b, e, m] of [
    [1025, 1, 1],
    [1, 1025, 1],
    [1, 1, 1025],
    [1025, 0, 0],
    [0, 1025, 0],
    [0, 0, 1025],
  ] as const) {
    const data = input(b, e, m, "07".repeat(b + e + m));
    fails(data);
    fails(data, 1_000_000);
    assert.equal(call(5, data, ALL_GAS, Fork.Prague).ok, true, `${b} ${e} ${m} in Prague`);
  }
  // Huge lengths: a zero-length base and modulus with a huge exponent length was cheap before.
  fails(input(0, MAX_WORD, 0), 1_000_000);
  assert.equal(call(5, input(0, MAX_WORD, 0), 200, Fork.Prague).ok, true);
  fails(input(MAX_WORD, 0, 0));
  fails(input(0, 0, 1n << 64n));
  fails(input(0, 0, 1025, ""), 0);
});

test("modexp: agrees with @ethereumjs/evm's modexp in Prague and Osaka on random inputs", async () => {
  let seed = 12345;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const hexBytes = (n: number) => Array.from({ length: n }, () => random(4) === 0 ? "00" : random(256).toString(16).padStart(2, "0")).join("");
  for (const [fork, hardfork] of [
    [Fork.Prague, Hardfork.Prague],
    [Fork.Osaka, Hardfork.Osaka],
  ] as const) {
    const common = new Common({ chain: Mainnet, hardfork, params: paramsEVM });
    const theirs = getActivePrecompiles(common).get("0000000000000000000000000000000000000005")!;
    for (let i = 0; i < 150; i++) {
      const lengths = [0, 1, 2, 31, 32, 33, 40, 64, 100, 1024, 1025];
      const [b, e, m] = [lengths[random(lengths.length)]!, lengths[random(lengths.length)]!, lengths[random(lengths.length)]!];
      // Sometimes cut the data short, so that bytes past the end read as zero.
      const full = hexBytes(b) + hexBytes(e) + hexBytes(m);
      const data = input(b, e, m, random(3) === 0 ? full.slice(0, 2 * random(full.length / 2 + 1)) : full);
      const gasLimit = random(2) === 0 ? 10_000_000 : random(20000);
      const ours = call(5, data, gasLimit, fork);
      const bytes = Buffer.from(data.slice(2), "hex");
      const result = await theirs({ data: bytes, gasLimit: BigInt(gasLimit), common } as unknown as PrecompileInput);
      const label = `fork ${fork} lengths ${b} ${e} ${m} gas ${gasLimit}`;
      assert.equal(ours.ok, result.exceptionError === undefined, label);
      assert.equal(BigInt(ours.gasUsed), result.executionGasUsed, label);
      if (ours.ok) assert.equal(outHex(ours), "0x" + Buffer.from(result.returnValue).toString("hex"), label);
    }
  }
});
