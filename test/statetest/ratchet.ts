// The known-failures ratchet shared by the state-test suites: run a whole suite, fail on any
// unlisted failure, on any listed case that now passes (or no longer exists), and on a case count
// that differs from the files' (no case may be dropped silently).
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { relative } from "node:path";
import type { TestContext } from "node:test";
import { countCases, listTestFiles } from "../../src/statetest/files.js";
import { compareWithKnownFailures } from "../../src/statetest/knownFailures.js";
import { runFilesInPool } from "../../src/statetest/pool.js";
import { formatForkCounts, formatTotals, summarize } from "../../src/statetest/summary.js";
import { repoPath } from "../fixtures.js";

export interface RatchetOptions {
  label: string;
  /** The suite's folder (absolute). */
  suite: string;
  /** Repository-relative JSON files: case id -> reason. */
  knownFailures: string;
  slowCases: string;
  /** The least number of cases the suite must hold: fewer means fixtures went missing. */
  minimumCases: number;
}

const MAX_ERROR_CHARS = 300;

export async function checkSuiteRatchet(t: TestContext, o: RatchetOptions): Promise<void> {
  if (!existsSync(o.suite)) {
    t.skip(`fixtures absent: ${o.suite} not found`);
    return;
  }
  const known = readJsonObject(repoPath(o.knownFailures));
  const slow = readJsonObject(repoPath(o.slowCases));
  const files = listTestFiles(o.suite);
  const expectedCases = countCases(files);
  const results = await runFilesInPool(files, { workers: availableParallelism(), skip: Object.keys(slow) });
  const summary = summarize(results);
  const ranCount = results.reduce((n, fr) => n + fr.results.length, 0);
  // Ids can repeat across files (the legacy suite has a few tests under two folders).
  const ranIds = new Set(results.flatMap((fr) => fr.results.map((r) => r.id)));
  const outcome = compareWithKnownFailures(summary, ranIds, known);

  t.diagnostic(`${o.label}: ${formatTotals(summary)} of ${expectedCases} cases in ${files.length} files (${Object.keys(known).length} listed as known failures)`);
  t.diagnostic(`${o.label} per fork (passed/run): ${formatForkCounts(summary.forks)}`);
  if (summary.skipped > 0) t.diagnostic(`${o.label}: skipped as too slow for CI (${o.slowCases}): ${summary.skippedIds.join(", ")}`);
  const regenerate = `regenerate with: node dist/src/cli/main.js statetest ${relative(repoPath("."), o.suite)} --skip ${o.slowCases} --write-known-failures ${o.knownFailures}`;

  assert.ok(expectedCases >= o.minimumCases, `${o.suite} holds ${expectedCases} cases, expected at least ${o.minimumCases}: fixtures missing?`);
  assert.equal(ranCount, expectedCases, "every case in the files is run, skipped or failed: none is passed over");
  const unexpected = outcome.unexpected.map((line) => (line.length <= MAX_ERROR_CHARS ? line : `${line.slice(0, MAX_ERROR_CHARS)}…`));
  assert.deepEqual(unexpected.slice(0, 50), [], `${unexpected.length} failures not in ${o.knownFailures}; ${regenerate}`);
  assert.deepEqual(outcome.nowPassing, [], `listed known failures that now pass: remove them from ${o.knownFailures}; ${regenerate}`);
  assert.deepEqual(outcome.notRun, [], `listed known failures that are not in the suite: remove them from ${o.knownFailures}`);
}

function readJsonObject(path: string): Record<string, string> {
  const parsed = JSON.parse(readFileSync(path, "utf8")) as unknown;
  assert.ok(typeof parsed === "object" && parsed !== null && !Array.isArray(parsed), `${path}: expected a JSON object of case ids`);
  return parsed as Record<string, string>;
}
