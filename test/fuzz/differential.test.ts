// Differential fuzzing against @ethereumjs/vm (issue #21): 500 random state tests from a fixed
// seed run on our EVM (the state-test path) and on ethereumjs. Every divergence must be explained
// by known-divergences.json (ethereumjs deviating from the spec, corrected in quirks.ts, the
// corrected run agreeing with ours); a new one fails with its first difference and the seed and
// case index that reproduce it (`node dist/bench/fuzz.js --seed S --case I`).
import assert from "node:assert/strict";
import { test } from "node:test";
import { compareOutcomes, loadKnownDivergences } from "./compare.js";
import { describeDivergence, FuzzStats, runCase } from "./fuzzer.js";
import { opsOf } from "./opcodes.js";
import type { Outcome } from "./outcome.js";

const SEED = 20240521;
const CASES = 500;

test(`differential fuzzing: ${CASES} random state tests agree with @ethereumjs/vm or diverge only where it is known to be wrong`, async () => {
  const known = loadKnownDivergences();
  const stats = new FuzzStats();
  const unexplained: string[] = [];
  for (let index = 0; index < CASES; index++) {
    const report = await runCase(SEED, index, { known, counts: stats.emitted });
    stats.add(report);
    if (report.differences.length > 0 && report.known === undefined) unexplained.push(describeDivergence(report));
  }
  assert.equal(stats.cases, CASES);
  assert.deepEqual(unexplained, [], `new divergences from ethereumjs:\n${unexplained.join("\n")}`);

  // The generator stays honest: every opcode of both forks emitted, transactions that succeed.
  for (const fork of stats.forksSeen) assert.deepEqual(stats.missing(fork, stats.emitted), [], `${fork} opcodes never emitted`);
  assert.deepEqual([...stats.forksSeen].sort(), ["Cancun", "Prague"]);
  const succeeded = stats.outcomes.get("success") ?? 0;
  const rejected = stats.outcomes.get("rejected") ?? 0;
  assert.ok(succeeded >= CASES * 0.25, `only ${succeeded} of ${CASES} transactions succeeded`);
  assert.ok(rejected <= CASES * 0.3, `${rejected} of ${CASES} transactions were rejected`);
  for (const kind of ["legacy", "accessList", "feeMarket", "blob", "setCode"]) assert.ok((stats.txKinds.get(kind) ?? 0) > 0, `no ${kind} transaction`);
});

test("the comparison catches a perturbed outcome in every field it compares", async () => {
  // A case where both sides run the transaction and agree; then one side's report is changed.
  let index = 0;
  let report = await runCase(SEED, index);
  while (report.theirs.rejected !== undefined || report.differences.length > 0 || (report.theirs.logs ?? []).length === 0) report = await runCase(SEED, ++index);
  const ours = report.ours;
  const perturbed: [string, Outcome][] = [
    ["gas", { ...ours, gasUsed: ours.gasUsed! + 1n }],
    ["state", { ...ours, stateRoot: "0x" + "00".repeat(32) }],
    ["logs", { ...ours, logs: ours.logs!.slice(1) }],
    ["status", { ...ours, status: report.theirs.status === "success" ? "revert" : "success" }],
    ["validity", { rejected: "perturbed" }],
    ["crash", { crash: "perturbed" }],
  ];
  for (const [kind, outcome] of perturbed) {
    const differences = await compareOutcomes(outcome, report.theirs);
    assert.equal(differences[0]?.kind, kind, `perturbing ${kind} gave ${JSON.stringify(differences)}`);
  }
});

test("a known ethereumjs divergence is recognised only through its correction", async () => {
  // bench/fuzz run of seed 2000: init code that REVERTs with data starting 0xEF (create-revert-ef).
  const known = loadKnownDivergences();
  const report = await runCase(2000, 1518, { known });
  assert.ok(report.differences.length > 0, "the raw ethereumjs run no longer diverges: is the quirk fixed upstream?");
  assert.deepEqual(report.remaining, []);
  assert.deepEqual(report.known?.map((k) => k.id), ["create-revert-ef"]);
  // Without the entry in the list, the same divergence is new.
  const unlisted = await runCase(2000, 1518, { known: [] });
  assert.equal(unlisted.known, undefined);
});

test("the generator is deterministic and covers the Osaka opcodes when asked", async () => {
  const { generateCase } = await import("./generator.js");
  assert.deepEqual(generateCase(7, 3), generateCase(7, 3));
  assert.notDeepEqual(generateCase(7, 3).test.pre, generateCase(7, 4).test.pre);
  const counts = new Uint32Array(256);
  for (let i = 0; i < 60; i++) generateCase(7, i, { fork: "Osaka", counts });
  const clz = opsOf("Osaka").find((o) => o.name === "CLZ")!;
  assert.ok(counts[clz.byte]! > 0, "CLZ never emitted for Osaka");
});
