// The whole GeneralStateTests suite under a ratchet: test/known-failures.json lists the cases that
// do not pass yet, with a reason each. The test fails on any unlisted failure and on any listed
// case that now passes, so the list can only shrink.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { test } from "node:test";
import { listTestFiles } from "../../src/statetest/files.js";
import { runFilesInPool } from "../../src/statetest/pool.js";
import { fixturePath, repoPath } from "../fixtures.js";

const SUITE = fixturePath("ethereum-tests/GeneralStateTests");
const KNOWN_FAILURES = repoPath("test/known-failures.json");
// Cases too slow for CI (each with its reason); reported as skipped, never as passed.
const SLOW_CASES = repoPath("test/slow-cases.json");

test("GeneralStateTests: every case passes or is a listed known failure", { timeout: 30 * 60_000 }, async (t) => {
  if (!existsSync(SUITE)) {
    t.skip(`fixtures absent: ${SUITE} not found`);
    return;
  }
  const known = JSON.parse(readFileSync(KNOWN_FAILURES, "utf8")) as Record<string, string>;
  const slow = JSON.parse(readFileSync(SLOW_CASES, "utf8")) as Record<string, string>;
  const files = listTestFiles(SUITE);
  const results = await runFilesInPool(files, { workers: availableParallelism(), skip: Object.keys(slow) });
  let passed = 0;
  const skipped: string[] = [];
  const failedIds = new Set<string>();
  const unexpected: string[] = [];
  for (const fr of results) {
    if (fr.error !== undefined) unexpected.push(`${fr.file}: ${fr.error}`);
    for (const r of fr.results) {
      if (r.ok) {
        passed++;
        continue;
      }
      if (r.skipped) {
        skipped.push(r.id);
        continue;
      }
      failedIds.add(r.id);
      if (!(r.id in known)) unexpected.push(`${r.id}: ${r.error}`);
    }
  }
  const nowPassing = Object.keys(known).filter((id) => !failedIds.has(id));
  t.diagnostic(`GeneralStateTests: ${passed} passed, ${failedIds.size} failed (${Object.keys(known).length} listed as known failures), ${skipped.length} skipped as too slow for CI: ${skipped.join(", ")}`);
  assert.deepEqual(unexpected.slice(0, 50), [], `${unexpected.length} unexpected failures`);
  assert.deepEqual(nowPassing, [], "listed known failures that now pass: remove them from test/known-failures.json");
});
