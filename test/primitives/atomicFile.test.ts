import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { writeFileAtomically } from "../../src/primitives/atomicFile.js";

test("writeFileAtomically: writes and replaces a file whole, leaves no temporary file, and throws the file system's error", () => {
  const dir = mkdtempSync(join(tmpdir(), "pevm-atomic-"));
  try {
    const file = join(dir, "out.txt");
    writeFileAtomically(file, "first");
    writeFileAtomically(file, Uint8Array.of(0x61, 0x62));
    assert.equal(readFileSync(file, "utf8"), "ab");
    assert.deepEqual(readdirSync(dir), ["out.txt"]);
    assert.throws(() => writeFileAtomically(join(dir, "missing", "x.txt"), "y"), { code: "ENOENT" });
    assert.throws(() => writeFileAtomically(dir, "a directory is not replaced"), (e: NodeJS.ErrnoException) => e.code !== undefined);
    assert.deepEqual(readdirSync(dir), ["out.txt"], "a failed write leaves nothing behind");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
