// Where tests find the repository and the shared fixtures (../shared/fixtures beside the checkout).
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// Compiled tests live in dist/test/, two levels below the repository root.
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

export function repoPath(relative: string): string {
  return join(REPO_ROOT, relative);
}

export function fixturePath(relative: string): string {
  return join(process.env.PEVM_FIXTURES ?? resolve(REPO_ROOT, "..", "shared", "fixtures"), relative);
}
