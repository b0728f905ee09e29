// The pevm command line: help, usage errors and bad input give clear messages and exit codes.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { repoPath } from "../fixtures.js";

const CLI = repoPath("dist/src/cli/main.js");

function pevm(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test("--help lists the commands and exits 0", () => {
  const r = pevm("--help");
  assert.equal(r.code, 0);
  assert.match(r.out, /statetest/);
  assert.match(r.out, /bench/);
});

test("an unknown command or option is a usage error (exit 2)", () => {
  assert.equal(pevm("frobnicate").code, 2);
  const r = pevm("statetest", "--no-such-option", ".");
  assert.equal(r.code, 2);
  assert.match(r.err, /unknown option --no-such-option/);
  assert.equal(pevm("bench", "--runs", "0").code, 2);
});

test("statetest names a missing path and a malformed file", () => {
  const missing = pevm("statetest", "/definitely/not/here.json");
  assert.equal(missing.code, 2);
  assert.match(missing.err, /no such file or directory: \/definitely\/not\/here.json/);
  const dir = mkdtempSync(join(tmpdir(), "pevm-"));
  const bad = join(dir, "bad.json");
  writeFileSync(bad, "{ not json");
  const r = pevm("statetest", bad, "--workers", "1");
  assert.equal(r.code, 1);
  assert.match(r.out, /bad\.json: malformed JSON/);
  assert.match(r.out, /0 passed, 1 failed/);
});

test("statetest and blocktest refuse a 1 GB file by its size, without reading it", () => {
  const dir = mkdtempSync(join(tmpdir(), "pevm-"));
  const huge = join(dir, "huge.json");
  writeFileSync(huge, "");
  truncateSync(huge, 2 ** 30); // sparse: costs no disk
  for (const command of ["statetest", "blocktest"]) {
    const r = pevm(command, huge, ...(command === "statetest" ? ["--workers", "1"] : []));
    assert.equal(r.code, 1, `${command}: ${r.out}`);
    assert.match(r.out, /huge\.json: 1073741824 bytes, more than the \d+ \(256 MiB\) a JSON input may have/, command);
  }
});

test("bench runs the embedded loop workload and reports Mgas/s as JSON", () => {
  const r = pevm("bench", "--workload", "loops", "--runs", "1", "--scale", "0.01", "--json");
  assert.equal(r.code, 0, r.err);
  const parsed = JSON.parse(r.out) as { rows: { gasUsed: number; mgasPerSec: number }[] };
  assert.equal(parsed.rows.length, 3);
  for (const row of parsed.rows) {
    assert.ok(row.gasUsed > 0);
    assert.ok(row.mgasPerSec > 0);
  }
});
