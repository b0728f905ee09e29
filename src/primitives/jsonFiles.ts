// Listing the JSON files of a test suite: used by the state-test and blockchain-test runners.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** Every .json file under `path` (or `path` itself), sorted for a stable order. */
export function listJsonFiles(path: string): string[] {
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
