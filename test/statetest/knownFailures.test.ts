// Known-failure lists: the ratchet's comparison, and the reasons written for failing cases.
import assert from "node:assert/strict";
import { test } from "node:test";
import { compareWithKnownFailures, failureReason, rewriteKnownFailures } from "../../src/statetest/knownFailures.js";
import { summarize } from "../../src/statetest/summary.js";
import type { CaseResult } from "../../src/statetest/runner.js";

const result = (id: string, ok: boolean, extra: Partial<CaseResult> = {}): CaseResult => ({ id, fork: id.split(":")[1]!, ok, ...extra });

test("the ratchet reports unlisted failures, listed cases that pass, and listed cases that did not run", () => {
  const summary = summarize([
    {
      file: "a.json",
      results: [result("a:Prague:d0g0v0", false, { error: "boom" }), result("b:Prague:d0g0v0", true), result("c:Osaka:d0g0v0", false, { error: "x" }), result("s:Osaka:d0g0v0", false, { skipped: true })],
    },
    { file: "broken.json", results: [], error: "not valid JSON" },
  ]);
  const ran = new Set(["a:Prague:d0g0v0", "b:Prague:d0g0v0", "c:Osaka:d0g0v0", "s:Osaka:d0g0v0"]);
  const known = { "c:Osaka:d0g0v0": "listed", "b:Prague:d0g0v0": "fixed since", "gone:Osaka:d0g0v0": "renamed", "s:Osaka:d0g0v0": "slow and failing" };
  const outcome = compareWithKnownFailures(summary, ran, known);
  assert.deepEqual(outcome.unexpected, ["a:Prague:d0g0v0: boom", "broken.json: not valid JSON"]);
  assert.deepEqual(outcome.nowPassing, ["b:Prague:d0g0v0"]);
  assert.deepEqual(outcome.notRun, ["gone:Osaka:d0g0v0"]);
});

test("a rewritten list keeps the reasons of cases still failing, drops the others, and leaves file errors out", () => {
  const failures = [
    { id: "z:Osaka:d0g0v0", file: "/s/osaka/eip7939_count_leading_zeros/t.json", error: "state root 0x1, expected 0x2" },
    { id: "a:Prague:d0g0v0", file: "/s/static/state_tests/stExample/t.json", error: "logs hash 0x1" },
    { id: "/s/broken.json", file: "/s/broken.json", error: "not valid JSON" },
  ];
  const written = rewriteKnownFailures({ "a:Prague:d0g0v0": "hand-written reason", "fixed:Prague:d0g0v0": "old" }, failures);
  assert.deepEqual(written, {
    "a:Prague:d0g0v0": "hand-written reason",
    "z:Osaka:d0g0v0": "EIP-7939 CLZ opcode: state root 0x1, expected 0x2",
  });
});

test("reasons name the feature from the runner's notes, the expected exception, the folder, or say none was found", () => {
  const reason = (id: string, folder: string, error: string) => failureReason({ id, file: `/suite/${folder}/t.json`, error });
  assert.equal(
    reason("t:Prague:d0g0v0", "eip7702_set_code_tx", "transaction rejected: authorization list empty"),
    "EIP-7702 set-code transactions: transaction rejected: authorization list empty",
  );
  assert.match(reason("t:Osaka:d0g0v0", "eip4844_blobs", "state root 0x1, expected 0x2: 0xab missing (EIP-7702 set-code transaction with 1 authorizations)"), /^EIP-7702 set-code/);
  assert.match(reason("t:Prague:d0g0v0", "stRandom", "state root 0x1 (gas used 21000 is below the EIP-7623 calldata floor 21400)"), /^EIP-7623 calldata floor/);
  assert.match(
    reason("t:Osaka:d0g0v0", "stExample", "expected exception TransactionException.INTRINSIC_GAS_TOO_LOW|TransactionException.GAS_LIMIT_EXCEEDS_MAXIMUM, but the transaction was executed"),
    /^EIP-7825 transaction gas limit cap: expected exception/,
  );
  assert.match(reason("modexp_0_0_0_20500:Osaka:d0g0v0", "stPreCompiledContracts2", "state root 0x1"), /^Osaka modexp/);
  assert.equal(reason("modexp_0_0_0_20500:Prague:d0g0v0", "stPreCompiledContracts2", "state root 0x1"), "not attributed to a feature yet (Prague, stPreCompiledContracts2): state root 0x1");
  const long = reason("t:Cancun:d0g0v0", "stExample", `crash: ${"x".repeat(1000)}\n    at somewhere`);
  assert.ok(long.length < 320 && long.endsWith("…"), long);
});
