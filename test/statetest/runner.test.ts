// The state-test runner on small hand-written tests: unknown forks fail, the chain id and the blob
// schedule come from `config`, authorization lists make set-code transactions, and the CLI reports
// counts per fork and writes known-failure lists.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fakeExponential } from "../../src/evm/processor.js";
import { Fork, rulesFor } from "../../src/fork/forks.js";
import { bytesToHex } from "../../src/primitives/bytes.js";
import { wordFromHex } from "../../src/primitives/word.js";
import { memoryStateRoot } from "../../src/state/apply.js";
import { buildTransaction, chainIdOf, executeCase, rulesWithSchedule, runStateTest, type StateTestJson } from "../../src/statetest/runner.js";
import { failureReason } from "../../src/statetest/knownFailures.js";
import { formatForkCounts, summarize } from "../../src/statetest/summary.js";
import { TxType } from "../../src/tx/types.js";
import { repoPath } from "../fixtures.js";

const SENDER = "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b";
const SECRET_KEY = "0x45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8";
const CONTRACT = "0x0000000000000000000000000000000000001000";
const INDEXES = { data: 0, gas: 0, value: 0 };
const ANY_HASH = "0x" + "00".repeat(32);
const EMPTY_LOGS = "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347";

/** A test whose transaction calls a contract that stores `code`'s result in slot 0. */
function storingTest(code: string, post: StateTestJson["post"], config?: StateTestJson["config"]): StateTestJson {
  return {
    env: {
      currentCoinbase: "0x2adc25665018aa1fe0e6bc666dac8fc2697ff9ba",
      currentGasLimit: "0x05f5e100",
      currentNumber: "0x01",
      currentTimestamp: "0x03e8",
      currentDifficulty: "0x00",
      currentRandom: "0x" + "00".repeat(32),
      currentBaseFee: "0x07",
      currentExcessBlobGas: "0x01000000",
    },
    pre: {
      [SENDER]: { balance: "0x3635c9adc5dea00000", code: "0x", nonce: "0x00", storage: {} },
      [CONTRACT]: { balance: "0x00", code, nonce: "0x01", storage: {} },
    },
    transaction: { data: ["0x"], gasLimit: ["0x0186a0"], value: ["0x00"], nonce: "0x00", gasPrice: "0x0a", to: CONTRACT, secretKey: SECRET_KEY, sender: SENDER },
    post,
    config,
  };
}

const entry = (hash = ANY_HASH) => ({ hash, logs: EMPTY_LOGS, indexes: INDEXES });

// CHAINID PUSH1 0 SSTORE STOP; BLOBBASEFEE PUSH1 0 SSTORE STOP
const STORE_CHAINID = "0x4660005500";
const STORE_BLOBBASEFEE = "0x4a60005500";

function slot0AfterRun(t: StateTestJson, fork: Fork, forkName: string): bigint {
  const context = { rules: rulesWithSchedule(rulesFor(fork), forkName, t.config), chainId: chainIdOf(t.config) };
  const outcome = executeCase(t, context, INDEXES);
  assert.equal(outcome.rejected, undefined);
  return BigInt(outcome.post.readStorage(wordFromHex(CONTRACT), 0));
}

test("a fork the runner does not know fails each of its cases with 'unknown fork'", () => {
  const t = storingTest(STORE_CHAINID, { Cancun: [entry()], PragueToOsakaAtTime15k: [entry(), { ...entry(), indexes: { data: 0, gas: 0, value: 1 } }] });
  t.transaction.value.push("0x01");
  const results = runStateTest("t", t);
  const unknown = results.filter((r) => r.fork === "PragueToOsakaAtTime15k");
  assert.equal(unknown.length, 2);
  for (const r of unknown) {
    assert.equal(r.ok, false);
    assert.equal(r.skipped, undefined);
    assert.equal(r.error, "unknown fork PragueToOsakaAtTime15k");
  }
  assert.deepEqual(unknown.map((r) => r.id), ["t:PragueToOsakaAtTime15k:d0g0v0", "t:PragueToOsakaAtTime15k:d0g0v1"]);
  const summary = summarize([{ file: "f.json", results }]);
  assert.equal(summary.failed, 3); // the Cancun case fails too: its hash is made up
  assert.deepEqual(summary.forks.PragueToOsakaAtTime15k, { passed: 0, failed: 2, skipped: 0 });
  // A --fork selection leaves other forks out, known or not.
  assert.deepEqual(runStateTest("t", t, { fork: "Cancun" }).map((r) => r.fork), ["Cancun"]);
});

test("the chain id comes from config (1 without one), for the block and the transaction", () => {
  const withConfig = storingTest(STORE_CHAINID, { Cancun: [entry()] }, { chainid: "0x05" });
  assert.equal(chainIdOf(withConfig.config), 5n);
  assert.equal(slot0AfterRun(withConfig, Fork.Cancun, "Cancun"), 5n);
  assert.equal(buildTransaction(withConfig.transaction, INDEXES, chainIdOf(withConfig.config)).chainId, 5n);
  const without = storingTest(STORE_CHAINID, { Cancun: [entry()] });
  assert.equal(chainIdOf(without.config), 1n);
  assert.equal(slot0AfterRun(without, Fork.Cancun, "Cancun"), 1n);
});

test("the blob schedule of the case's fork sets the blob parameters and the blob base fee", () => {
  const schedule = {
    Cancun: { target: "0x03", max: "0x06", baseFeeUpdateFraction: "0x100000" },
    Prague: { target: "0x07", max: "0x0b", baseFeeUpdateFraction: "0x200000" },
  };
  const t = storingTest(STORE_BLOBBASEFEE, { Cancun: [entry()], Prague: [entry()] }, { chainid: "0x01", blobSchedule: schedule });
  const excess = 0x01000000n;
  assert.equal(slot0AfterRun(t, Fork.Cancun, "Cancun"), fakeExponential(1n, excess, 0x100000n));
  assert.equal(slot0AfterRun(t, Fork.Prague, "Prague"), fakeExponential(1n, excess, 0x200000n));
  assert.notEqual(fakeExponential(1n, excess, 0x100000n), fakeExponential(1n, excess, rulesFor(Fork.Cancun).blobs.baseFeeUpdateFraction));

  const prague = rulesFor(Fork.Prague);
  const derived = rulesWithSchedule(prague, "Prague", t.config);
  assert.deepEqual(derived.blobs, { ...prague.blobs, target: 7, max: 11, baseFeeUpdateFraction: 0x200000n });
  assert.equal(derived.eip7702, true);
  assert.equal(prague.blobs.target, 6, "the fork table itself is left alone");
  // No schedule for the fork, or a fork without blobs: the fork's own rules.
  assert.equal(rulesWithSchedule(rulesFor(Fork.Osaka), "Osaka", t.config), rulesFor(Fork.Osaka));
  assert.equal(rulesWithSchedule(rulesFor(Fork.Shanghai), "Shanghai", { blobSchedule: { Shanghai: schedule.Cancun } }), rulesFor(Fork.Shanghai));
  // Fork names are matched as forks, not as text.
  assert.equal(rulesWithSchedule(rulesFor(Fork.Cancun), "cancun", t.config).blobs.baseFeeUpdateFraction, 0x100000n);
});

test("an authorization list makes a set-code transaction with the authorizations as signed", () => {
  const t = storingTest(STORE_CHAINID, { Prague: [entry()] });
  t.transaction.maxFeePerGas = "0x0a";
  t.transaction.maxPriorityFeePerGas = "0x01";
  delete t.transaction.gasPrice;
  t.transaction.authorizationList = [
    { chainId: "0x00", address: "0xfbe95a58917d8536842271e6c811ad8ab4d12280", nonce: "0x00", v: "0x01", yParity: "0x01", r: "0x4f15", s: "0x06c2", signer: "0x4c27a74c25067330da74487a844de15e7747b7ee" },
    { chainId: "0x01", address: "0x0000000000000000000000000000000000000000", nonce: "0xffffffffffffffff", v: "0x00", r: "0x01", s: "0x02" },
  ];
  const tx = buildTransaction(t.transaction, INDEXES, 1n);
  assert.equal(tx.type, TxType.SetCode);
  assert.equal(tx.authorizationList.length, 2);
  assert.equal(tx.authorizationList[0]!.authority, undefined, "the processor recovers the authority");
  assert.deepEqual(tx.authorizationList[0], { chainId: 0n, address: 0xfbe95a58917d8536842271e6c811ad8ab4d12280n, nonce: 0n, yParity: 1n, r: 0x4f15n, s: 0x06c2n });
  assert.deepEqual(tx.authorizationList[1], { chainId: 1n, address: 0, nonce: 0xffffffffffffffffn, yParity: 0n, r: 1n, s: 2n });
  // Without a list, the fee fields decide the type as before.
  delete t.transaction.authorizationList;
  assert.equal(buildTransaction(t.transaction, INDEXES, 1n).type, TxType.FeeMarket);
});

test("a root mismatch names the accounts that differ from the expected post-state", () => {
  const t = storingTest(STORE_CHAINID, {});
  const expectedState = { ...t.pre, [CONTRACT]: { ...t.pre[CONTRACT]!, storage: { "0x00": "0x02" } } };
  t.post = { Cancun: [{ ...entry(), state: expectedState }] };
  const [result] = runStateTest("t", t);
  assert.equal(result!.ok, false);
  assert.match(result!.error!, /slot 0x0 = 0x1, expected 0x2/);
  assert.match(result!.error!, /0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b balance \d+, expected 1000000000000000000000 \(off by -\d+\)/);
});

test("pevm statetest prints passed/run per fork, and --write-known-failures keeps the reasons it had", () => {
  const t = storingTest(STORE_CHAINID, {});
  const context = { rules: rulesFor(Fork.Cancun), chainId: 1n };
  const root = bytesToHex(memoryStateRoot(executeCase(t, context, INDEXES).post));
  t.post = { Cancun: [entry(root), { ...entry(), indexes: { data: 0, gas: 0, value: 1 } }], Amsterdam: [entry()] };
  t.transaction.value.push("0x01");
  const dir = mkdtempSync(join(tmpdir(), "pevm-statetest-"));
  const file = join(dir, "t.json");
  writeFileSync(file, JSON.stringify({ t }));
  const known = join(dir, "known.json");
  writeFileSync(known, JSON.stringify({ "t:Amsterdam:d0g0v0": "kept reason", "t:gone:d0g0v0": "dropped" }));

  const cli = (...args: string[]) => spawnSync(process.execPath, [repoPath("dist/src/cli/main.js"), "statetest", file, "--workers", "1", ...args], { encoding: "utf8" });
  const text = cli("--write-known-failures", known);
  assert.equal(text.status, 1, text.stderr);
  assert.match(text.stdout, /per fork \(passed\/run\): Cancun 1\/2, Amsterdam 0\/1/);
  assert.match(text.stdout, /FAIL t:Amsterdam:d0g0v0 .*\n {2}unknown fork Amsterdam/);
  assert.match(text.stdout, /^1 passed, 2 failed$/m);
  const written = JSON.parse(readFileSync(known, "utf8")) as Record<string, string>;
  assert.deepEqual(Object.keys(written), ["t:Amsterdam:d0g0v0", "t:Cancun:d0g0v1"]);
  assert.equal(written["t:Amsterdam:d0g0v0"], "kept reason");
  assert.equal(failureReason({ id: "t:Amsterdam:d0g0v0", file, error: "unknown fork Amsterdam" }), "fork missing from the fork table (src/fork/forks.ts): unknown fork Amsterdam");
  assert.match(written["t:Cancun:d0g0v1"]!, /^not attributed to a feature yet \(Cancun, pevm-statetest-\w+\): state root 0x/);

  const json = JSON.parse(cli("--json").stdout) as { passed: number; failed: number; forks: Record<string, unknown> };
  assert.equal(json.passed, 1);
  assert.equal(json.failed, 2);
  assert.deepEqual(json.forks, { Cancun: { passed: 1, failed: 1, skipped: 0 }, Amsterdam: { passed: 0, failed: 1, skipped: 0 } });
  const partial = cli("--fork", "Cancun", "--write-known-failures", known);
  assert.equal(partial.status, 2);
  assert.match(partial.stderr, /--write-known-failures needs a whole run/);
  assert.equal(formatForkCounts({ Prague: { passed: 9400, failed: 76, skipped: 2 } }), "Prague 9400/9476 (2 skipped)");
});
