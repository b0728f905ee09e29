// The whole GeneralStateTests suite under a ratchet: test/known-failures.json lists the cases that
// do not pass yet, with a reason each. The test fails on any unlisted failure and on any listed
// case that now passes, so the list can only shrink.
import { test } from "node:test";
import { fixturePath } from "../fixtures.js";
import { checkSuiteRatchet } from "./ratchet.js";

test("GeneralStateTests: every case passes or is a listed known failure", { timeout: 30 * 60_000 }, async (t) => {
  await checkSuiteRatchet(t, {
    label: "GeneralStateTests",
    suite: fixturePath("ethereum-tests/GeneralStateTests"),
    knownFailures: "test/known-failures.json",
    // Cases too slow for CI (each with its reason); reported as skipped, never as passed.
    slowCases: "test/slow-cases.json",
    minimumCases: 21_000,
  });
});
