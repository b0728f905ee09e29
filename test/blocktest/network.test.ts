// A blockchain test's network: one fork, or a transition by timestamp or block number; blob
// parameters from the test's config, which must agree with the fork table.
import assert from "node:assert/strict";
import { test } from "node:test";
import { forkRules, networkOf, NetworkError, type ConfigJson } from "../../src/blocktest/network.js";

const SCHEDULE: ConfigJson = {
  chainid: "0x01",
  blobSchedule: {
    Prague: { target: "0x06", max: "0x09", baseFeeUpdateFraction: "0x4c6964" },
    Osaka: { target: "0x06", max: "0x09", baseFeeUpdateFraction: "0x4c6964" },
    BPO2: { target: "0x0e", max: "0x15", baseFeeUpdateFraction: "0xb24b3f" },
    BPO3: { target: "0x15", max: "0x20", baseFeeUpdateFraction: "0x013a7aa1" },
  },
};

test("a single fork applies to every block", () => {
  const network = networkOf("Prague", SCHEDULE);
  assert.equal(network.rulesAt(1n, 1n).name, "Prague");
  assert.equal(network.rulesAt(100n, 1_000_000n).name, "Prague");
});

test("a transition at a timestamp: the first fork before it, the second from it on", () => {
  const network = networkOf("PragueToOsakaAtTime15k", SCHEDULE);
  assert.equal(network.rulesAt(5n, 14_999n).name, "Prague");
  assert.equal(network.rulesAt(1n, 15_000n).name, "Osaka");
  const cancun = networkOf("CancunToPragueAtTime15k", undefined);
  assert.equal(cancun.rulesAt(1n, 14_999n).name, "Cancun");
  assert.equal(cancun.rulesAt(1n, 15_000n).name, "Prague");
});

test("a transition at a block number", () => {
  const network = networkOf("BerlinToLondonAt5", undefined);
  assert.equal(network.rulesAt(4n, 1_000_000n).name, "Berlin");
  assert.equal(network.rulesAt(5n, 0n).name, "London");
});

test("a BPO fork past the table takes the last BPO's rules with the config's blob parameters", () => {
  const network = networkOf("BPO2ToBPO3AtTime15k", SCHEDULE);
  const bpo2 = network.rulesAt(1n, 1n);
  const bpo3 = network.rulesAt(2n, 15_000n);
  assert.equal(bpo2.name, "BPO2");
  assert.equal(bpo3.name, "BPO3");
  assert.deepEqual(bpo3.blobs, { ...bpo2.blobs, target: 21, max: 32, baseFeeUpdateFraction: 20_609_697n });
  assert.equal(bpo3.txGasLimitCap, bpo2.txGasLimitCap);
  assert.throws(() => forkRules("BPO4", SCHEDULE), /BPO4: a blob-parameter-only fork pevm's table lacks, and config.blobSchedule gives no parameters/);
});

test("unknown forks and schedules that disagree with the fork table are errors", () => {
  assert.throws(() => networkOf("Amsterdam", SCHEDULE), (e: Error) => e instanceof NetworkError && /unknown fork Amsterdam/.test(e.message));
  const wrong: ConfigJson = { blobSchedule: { Prague: { target: "0x03", max: "0x09", baseFeeUpdateFraction: "0x4c6964" } } };
  assert.throws(() => networkOf("Prague", wrong), /config.blobSchedule.Prague \(target 3, max 9, update fraction 5007716\) disagrees with the fork table's Prague \(target 6/);
});
