// The layers of src/ point down only: a folder imports from folders of a lower layer, never from
// its own layer's other folders (exec may use records, which sits beside it) or from above.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";
import { repoPath } from "./fixtures.js";

const LAYERS: Record<string, number> = {
  primitives: 0,
  trie: 1,
  fork: 1,
  state: 2,
  tx: 3,
  evm: 4,
  block: 5,
  records: 6,
  exec: 6,
  workload: 7,
  statetest: 7,
  blocktest: 7,
  store: 7,
  report: 7,
  serve: 8,
  cli: 9,
};
const ALLOWED_SIDEWAYS = new Set(["exec->records"]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

function topFolder(srcRoot: string, file: string): string {
  return relative(srcRoot, file).split(/[\\/]/)[0]!;
}

const IMPORT = /(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g;

test("every src/ import points to the same folder or a lower layer", () => {
  const srcRoot = repoPath("src");
  const files = sourceFiles(srcRoot);
  assert.ok(files.length > 50, `expected the source tree under ${srcRoot}, found ${files.length} files`);
  const violations: string[] = [];
  let checked = 0;
  for (const file of files) {
    const from = topFolder(srcRoot, file);
    if (!(from in LAYERS)) {
      if (file !== join(srcRoot, "index.ts")) violations.push(`${relative(srcRoot, file)}: folder ${from} has no layer`);
      continue;
    }
    for (const match of readFileSync(file, "utf8").matchAll(IMPORT)) {
      const to = topFolder(srcRoot, resolve(dirname(file), match[1]!));
      checked++;
      if (to === from || ALLOWED_SIDEWAYS.has(`${from}->${to}`)) continue;
      if (!(to in LAYERS) || LAYERS[to]! >= LAYERS[from]!) violations.push(`${relative(srcRoot, file)} imports ${match[1]} (${from} → ${to})`);
    }
  }
  assert.ok(checked > 200, `expected hundreds of relative imports, checked ${checked}`);
  assert.deepEqual(violations, []);
});
