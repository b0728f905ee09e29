// Finding and reading blockchain-test files (execution-spec-tests' blockchain_tests format).
import { listJsonFiles, readJsonFile } from "../primitives/jsonFiles.js";
import type { BlockchainTestJson } from "./runner.js";

/** Every .json file under `path` (or `path` itself), sorted for a stable order. */
export const listBlockchainTestFiles = listJsonFiles;

const REQUIRED = ["network", "genesisRLP", "genesisBlockHeader", "pre", "blocks", "lastblockhash"] as const;

/** Reads a blockchain-test file: an object of named tests. Throws a clear error on malformed input. */
export function readBlockchainTestFile(file: string): Record<string, BlockchainTestJson> {
  // Refused unread above the JSON size limit; malformed and binary files named with where.
  const parsed = readJsonFile(file);
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
