// Counting a state-test run: totals, per-fork counts and the failures, for the CLI and the ratchets.
import { forkByName } from "../fork/forks.js";
import type { FileResult } from "./pool.js";

export interface ForkCount {
  passed: number;
  failed: number;
  skipped: number;
}

export interface Failure {
  /** The case id, or the file's path when the file could not be read or run at all. */
  id: string;
  file: string;
  error: string;
}

export interface RunSummary {
  passed: number;
  failed: number;
  skipped: number;
  /** Keyed by the fork names the tests use, in fork order (unknown names last). */
  forks: Record<string, ForkCount>;
  failures: Failure[];
  skippedIds: string[];
}

export function summarize(fileResults: readonly FileResult[]): RunSummary {
  let passed = 0;
  const forks = new Map<string, ForkCount>();
  const failures: Failure[] = [];
  const skippedIds: string[] = [];
  for (const fr of fileResults) {
    if (fr.error !== undefined) failures.push({ id: fr.file, file: fr.file, error: fr.error });
    for (const r of fr.results) {
      let count = forks.get(r.fork);
      if (count === undefined) forks.set(r.fork, (count = { passed: 0, failed: 0, skipped: 0 }));
      if (r.ok) {
        passed++;
        count.passed++;
      } else if (r.skipped) {
        skippedIds.push(r.id);
        count.skipped++;
      } else {
        failures.push({ id: r.id, file: fr.file, error: r.error ?? "failed" });
        count.failed++;
      }
    }
  }
  const ordered = [...forks.keys()].sort(byForkOrder);
  return {
    passed,
    failed: failures.length,
    skipped: skippedIds.length,
    forks: Object.fromEntries(ordered.map((name) => [name, forks.get(name)!])),
    failures,
    skippedIds,
  };
}

/** "Frontier 115/115, Prague 9400/9476 (2 skipped), …": passed out of the cases run, per fork. */
export function formatForkCounts(forks: Record<string, ForkCount>): string {
  return Object.entries(forks)
    .map(([name, c]) => `${name} ${c.passed}/${c.passed + c.failed}` + (c.skipped > 0 ? ` (${c.skipped} skipped)` : ""))
    .join(", ");
}

/** The closing line: "N passed, M failed[, K skipped]". */
export function formatTotals(summary: RunSummary): string {
  return `${summary.passed} passed, ${summary.failed} failed` + (summary.skipped > 0 ? `, ${summary.skipped} skipped` : "");
}

function byForkOrder(a: string, b: string): number {
  const fa = forkByName(a) ?? Number.MAX_SAFE_INTEGER;
  const fb = forkByName(b) ?? Number.MAX_SAFE_INTEGER;
  return fa !== fb ? fa - fb : a < b ? -1 : a > b ? 1 : 0;
}
