// Where tests find the repository and the shared fixtures (../shared/fixtures beside the checkout).
import { existsSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

// Compiled tests live in dist/test/, two levels below the repository root.
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

export function repoPath(relative: string): string {
  return join(REPO_ROOT, relative);
}

export function fixturePath(relative: string): string {
  return join(process.env.PEVM_FIXTURES ?? resolve(REPO_ROOT, "..", "shared", "fixtures"), relative);
}

/**
 * The block directories under `dir` in block order; when `dir` is absent, a test named `what` says
 * so (skipped, with the path) and the result is null.
 */
export function fixtureBlockNames(dir: string, what: string): string[] | null {
  if (!existsSync(dir)) {
    test(what, (t) => t.skip(`fixtures not found at ${dir}`));
    return null;
  }
  return readdirSync(dir).sort((a, b) => Number(a) - Number(b));
}
