// The committed src/workload/contracts.json is exactly what the pinned solc makes of contracts/*.sol
// (scripts/compile-contracts.mjs, `npm run contracts`).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { repoPath } from "../fixtures.js";

interface CompileScript {
  SOLC_VERSION: string;
  compileContracts(): unknown;
  artifactsText(artifacts: unknown): string;
}

function solcInstalled(): boolean {
  try {
    createRequire(repoPath("package.json")).resolve("solc");
    return true;
  } catch {
    return false;
  }
}

test("src/workload/contracts.json is what the pinned solc compiles from contracts/*.sol", async (t) => {
  if (!solcInstalled()) {
    t.skip("solc is not installed (it is a devDependency: npm ci installs it); the artifacts were not checked");
    return;
  }
  const script = (await import(pathToFileURL(repoPath("scripts/compile-contracts.mjs")).href)) as CompileScript;
  const pinned = (JSON.parse(readFileSync(repoPath("package.json"), "utf8")) as { devDependencies: Record<string, string> }).devDependencies.solc;
  assert.equal(pinned, script.SOLC_VERSION, "package.json pins the solc version the script expects");
  const committed = readFileSync(repoPath("src/workload/contracts.json"), "utf8");
  assert.equal(script.artifactsText(script.compileContracts()), committed, "contracts.json is stale: run npm run contracts");
});
