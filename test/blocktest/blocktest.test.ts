// The execution-spec-tests blockchain tests (../shared/fixtures/eest/blockchain_tests: 517 tests of
// Prague and Osaka chains) under a ratchet: test/blocktest/known-failures.json lists the tests
// that do not pass yet, each with its reason. Regenerate it when a fix lands:
//   node dist/src/cli/main.js blocktest ../shared/fixtures/eest/blockchain_tests \
//     --write-known-failures test/blocktest/known-failures.json
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { listBlockchainTestFiles, readBlockchainTestFile } from "../../src/blocktest/files.js";
import { runBlockchainTestFile, type BlockTestResult } from "../../src/blocktest/runner.js";
import { fixturePath, repoPath } from "../fixtures.js";

const SUITE = fixturePath("eest/blockchain_tests");
const KNOWN_FAILURES = "test/blocktest/known-failures.json";
/** The release's blockchain tests for Prague and Osaka that the fixtures hold (see their README). */
const EXPECTED_TESTS = 517;
const MAX_ERROR_CHARS = 300;

test("execution-spec-tests blockchain tests: every test passes or is a listed known failure", { timeout: 10 * 60_000 }, (t) => {
  if (!existsSync(SUITE)) return t.skip(`fixtures absent: ${SUITE} not found`);
  const known = JSON.parse(readFileSync(repoPath(KNOWN_FAILURES), "utf8")) as Record<string, string>;
  const files = listBlockchainTestFiles(SUITE);
  const inFiles = files.reduce((n, file) => n + Object.keys(readBlockchainTestFile(file)).length, 0);
  const started = performance.now();
  const results: BlockTestResult[] = files.flatMap((file) => runBlockchainTestFile(file));
  const seconds = (performance.now() - started) / 1000;
  const failed = results.filter((r) => !r.ok);
  t.diagnostic(`EEST blockchain tests: ${results.length - failed.length} passed, ${failed.length} failed of ${results.length} in ${files.length} files (${Object.keys(known).length} listed as known failures), ${seconds.toFixed(1)} s`);

  assert.equal(inFiles, EXPECTED_TESTS, `${SUITE} holds ${inFiles} tests, expected ${EXPECTED_TESTS}: fixtures missing or changed?`);
  assert.equal(results.length, EXPECTED_TESTS, "every test in the files is run");
  const regenerate = `regenerate with: node dist/src/cli/main.js blocktest ${SUITE} --write-known-failures ${KNOWN_FAILURES}`;
  const unexpected = failed.filter((r) => !(r.id in known)).map((r) => `${r.id}: ${r.error!.slice(0, MAX_ERROR_CHARS)}`);
  assert.deepEqual(unexpected.slice(0, 30), [], `${unexpected.length} failures not in ${KNOWN_FAILURES}; ${regenerate}`);
  const ran = new Set(results.map((r) => r.id));
  const failing = new Set(failed.map((r) => r.id));
  const nowPassing = Object.keys(known).filter((id) => ran.has(id) && !failing.has(id));
  assert.deepEqual(nowPassing, [], `listed known failures that now pass: remove them from ${KNOWN_FAILURES}; ${regenerate}`);
  const notRun = Object.keys(known).filter((id) => !ran.has(id));
  assert.deepEqual(notRun, [], `listed known failures that are not in the suite: remove them from ${KNOWN_FAILURES}`);
});
