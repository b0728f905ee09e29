// Finding and reading blockchain-test files (execution-spec-tests' blockchain_tests format).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { BlockchainTestJson } from "./runner.js";

/** Every .json file under `path` (or `path` itself), sorted for a stable order. */
export function listBlockchainTestFiles(path: string): string[] {
  if (statSync(path).isFile()) return [path];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".json")) out.push(full);
    }
  };
  walk(path);
  return out;
}

const REQUIRED = ["network", "genesisRLP", "genesisBlockHeader", "pre", "blocks", "lastblockhash"] as const;

/** Reads a blockchain-test file: an object of named tests. Throws a clear error on malformed input. */
export function readBlockchainTestFile(file: string): Record<string, BlockchainTestJson> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error(`${file}: expected an object of named blockchain tests`);
  for (const [name, test] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof test !== "object" || test === null) throw new Error(`${file}: test "${name}" is not an object`);
    const missing = REQUIRED.filter((key) => (test as Record<string, unknown>)[key] === undefined);
    if (missing.length > 0) throw new Error(`${file}: test "${name}" lacks ${missing.join(", ")}: not a blockchain test`);
    const t = test as Record<string, unknown>;
    if (t.postState === undefined && t.postStateHash === undefined) throw new Error(`${file}: test "${name}" has neither postState nor postStateHash`);
  }
  return parsed as Record<string, BlockchainTestJson>;
}
