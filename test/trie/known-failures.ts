// Fixture cases that are expected to fail, each with a reason (test/trie/known-failures.json,
// keyed "<suite>/<file>:<case>"). A listed case that passes fails the run too, so the list
// only ever shrinks to what is really still broken.
import { readFileSync } from "node:fs";
import type { TestContext } from "node:test";
import { repoPath } from "../fixtures.js";

export function loadKnownFailures(): Map<string, string> {
  const json = JSON.parse(readFileSync(repoPath("test/trie/known-failures.json"), "utf8")) as Record<string, string>;
  return new Map(Object.entries(json));
}

/** Runs a fixture case against the known-failure list; `seen` collects the ids visited. */
export function runFixtureCase(t: TestContext, id: string, known: Map<string, string>, seen: Set<string>, check: () => void): void {
  seen.add(id);
  const reason = known.get(id);
  try {
    check();
  } catch (error) {
    if (reason === undefined) throw error;
    t.skip(`known failure (${reason}): ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  if (reason !== undefined) throw new Error(`${id} is listed in test/trie/known-failures.json but passes now; remove it`);
}

/** Listed ids of this suite that no longer name a fixture case. */
export function staleEntries(known: Map<string, string>, suitePrefix: string, seen: Set<string>): string[] {
  return [...known.keys()].filter((id) => id.startsWith(suitePrefix) && !seen.has(id));
}
