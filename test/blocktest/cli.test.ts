// `pevm blocktest`: help, usage errors (exit 2), a passing file (exit 0), a failing one (exit 1).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fixturePath, repoPath } from "../fixtures.js";

const CLI = repoPath("dist/src/cli/main.js");
const FILE = fixturePath("eest/blockchain_tests/prague/eip7002_el_triggerable_withdrawals/test_eip_7002.json");

function pevm(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test("blocktest --help, and usage errors exit 2", () => {
  const help = pevm("blocktest", "--help");
  assert.equal(help.code, 0);
  assert.match(help.out, /usage: pevm blocktest <file\|dir>/);
  assert.match(pevm("--help").out, /blocktest/);
  assert.equal(pevm("blocktest").code, 2);
  const missing = pevm("blocktest", "/definitely/not/here.json");
  assert.equal(missing.code, 2);
  assert.match(missing.err, /no such file or directory/);
  assert.equal(pevm("blocktest", ".", "--no-such-option").code, 2);
});

test("blocktest runs a file: exit 0 when it passes, 1 with the failure named when it does not", (t) => {
  if (!existsSync(FILE)) return t.skip(`fixtures absent: ${FILE}`);
  const ok = pevm("blocktest", FILE, "--json", "--reasons");
  assert.equal(ok.code, 0, ok.out + ok.err);
  const report = JSON.parse(ok.out) as { passed: number; failed: number; importedBlocks: number; rejections: unknown[] };
  assert.equal(report.failed, 0);
  assert.ok(report.passed >= 1);

  const tests = JSON.parse(readFileSync(FILE, "utf8")) as Record<string, { lastblockhash: string }>;
  const [name, first] = Object.entries(tests)[0]!;
  const dir = mkdtempSync(join(tmpdir(), "pevm-blocktest-"));
  const bad = join(dir, "bad.json");
  writeFileSync(bad, JSON.stringify({ [name]: { ...first, lastblockhash: `0x${"00".repeat(32)}` } }));
  const failed = pevm("blocktest", bad);
  assert.equal(failed.code, 1);
  assert.match(failed.out, /FAIL .*\n {2}last block hash 0x[0-9a-f]{64}, lastblockhash says 0x0000/);
  assert.match(failed.out, /1 tests in 1 files: 0 passed, 1 failed/);

  const notATest = join(dir, "state.json");
  writeFileSync(notATest, JSON.stringify({ t: { env: {}, pre: {} } }));
  const unreadable = pevm("blocktest", notATest);
  assert.equal(unreadable.code, 1);
  assert.match(unreadable.out, /lacks network, genesisRLP, genesisBlockHeader, blocks, lastblockhash: not a blockchain test/);
});
