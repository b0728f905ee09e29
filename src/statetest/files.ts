// Finding and reading state-test files.
import { listJsonFiles, readJsonFile } from "../primitives/jsonFiles.js";
import type { StateTestJson } from "./runner.js";

/** Every .json file under `path` (or `path` itself), sorted for a stable order. */
export const listTestFiles = listJsonFiles;

/** Reads a state-test file: an object of named tests. Throws a clear error on malformed input. */
export function readTestFile(file: string): Record<string, StateTestJson> {
  // Refused unread above the JSON size limit; malformed and binary files named with where.
  const parsed = readJsonFile(file);
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error(`${file}: expected an object of named state tests`);
  for (const [name, test] of Object.entries(parsed as Record<string, unknown>)) {
    const t = test as Partial<StateTestJson>;
    if (typeof t !== "object" || t === null || !t.env || !t.pre || !t.transaction || !t.post) {
      throw new Error(`${file}: test "${name}" lacks env, pre, transaction or post: not a GeneralStateTests file`);
    }
  }
  return parsed as Record<string, StateTestJson>;
}

/** The number of cases (post entries of every fork) in `files`: what a full run must report. */
export function countCases(files: readonly string[]): number {
  let cases = 0;
  for (const file of files) {
    for (const test of Object.values(readTestFile(file))) {
      for (const entries of Object.values(test.post)) cases += entries.length;
    }
  }
  return cases;
}
