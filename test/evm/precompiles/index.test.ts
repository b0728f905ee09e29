// runPrecompile: dispatch by address, failure shape, and the fork-dependent prices read from the
// rules table (precompile availability itself is the caller's check on rules.precompileCount).
import assert from "node:assert/strict";
import { test } from "node:test";
import { FORK_RULES, Fork, rulesFor } from "../../../src/fork/forks.js";
import { isPrecompile, precompileAddresses, runPrecompile } from "../../../src/evm/precompiles/index.js";
import { call, word } from "./helpers.js";

test("runPrecompile dispatches addresses 1..10", () => {
  const input = new Uint8Array(0);
  const expectedGas = [3000, 60, 600, 15, 200, 150, 6000, 45000, 0, 0];
  for (let address = 1; address <= 10; address++) {
    const result = runPrecompile(address, input, 100000, rulesFor(Fork.Cancun));
    // blake2f and point evaluation reject empty input; the others succeed on it.
    const ok = address < 9;
    assert.equal(result.ok, ok, `0x${address.toString(16)}`);
    assert.equal(result.gasUsed, ok ? expectedGas[address - 1] : 100000, `0x${address.toString(16)}`);
  }
});

test("runPrecompile: a failure uses exactly the gas limit and returns no output", () => {
  for (let address = 1; address <= 10; address++) {
    const result = runPrecompile(address, new Uint8Array(192), 7, rulesFor(Fork.Cancun));
    assert.deepEqual(result, { ok: false, gasUsed: 7, output: new Uint8Array(0) }, `0x${address.toString(16)}`);
  }
  assert.deepEqual(runPrecompile(0, new Uint8Array(0), 9, rulesFor(Fork.Cancun)), { ok: false, gasUsed: 9, output: new Uint8Array(0) });
});

test("every fork prices the precompiles it has", () => {
  // A modexp whose price differs between EIP-198 (base/mod 64 bytes, exponent 2: 204), EIP-2565
  // (200) and EIP-7883 (its 500 minimum).
  const modexpInput = "0x" + word(64) + word(1) + word(64) + "01".repeat(64) + "02" + "03".repeat(64);
  for (const rules of FORK_RULES) {
    assert.ok([4, 8, 9, 10, 17].includes(rules.precompileCount), rules.name);
    for (let address = 1; address <= rules.precompileCount; address++) {
      const result = runPrecompile(address, new Uint8Array(0), 10_000_000, rules);
      assert.equal(typeof result.gasUsed, "number", `${rules.name} 0x${address}`);
    }
    if (rules.precompileCount >= 5) {
      assert.equal(call(5, modexpInput, 10_000_000, rules.fork).gasUsed, rules.precompileGas.modexpEip7883 ? 500 : rules.precompileGas.modexpEip2565 ? 200 : 204, rules.name);
      assert.equal(call(6, "0x", 10_000_000, rules.fork).gasUsed, rules.fork < Fork.Istanbul ? 500 : 150, rules.name);
    }
    assert.equal(isPrecompile(0x100, rules), rules.p256Verify, `${rules.name}: P256VERIFY`);
    assert.equal(isPrecompile(rules.precompileCount + 1, rules), false, rules.name);
    assert.deepEqual(precompileAddresses(rules).length, rules.precompileCount + (rules.p256Verify ? 1 : 0), rules.name);
  }
  assert.deepEqual(FORK_RULES.filter((r) => r.precompileCount === 17).map((r) => r.name), ["Prague", "Osaka", "BPO1", "BPO2"]);
});
