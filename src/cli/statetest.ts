// `pevm statetest`: runs GeneralStateTests files and reports per-case failures.
import { existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { runFilesInPool } from "../statetest/pool.js";
import { listTestFiles } from "../statetest/files.js";
import { intOption, optionHelp, parseArgs, UsageError, type OptionSpec } from "./args.js";

const SPEC: Record<string, OptionSpec> = {
  fork: { value: true, description: "run only this fork (e.g. Cancun, Berlin, EIP150)" },
  filter: { value: true, description: "run only cases whose id contains this text" },
  workers: { value: true, description: "worker threads (default: available cores)" },
  skip: { value: true, description: "a JSON file whose keys are case ids not to run (e.g. test/slow-cases.json)" },
  json: { description: "print one JSON object instead of text" },
  help: { description: "show this help" },
};

export const STATETEST_HELP = `usage: pevm statetest <file|dir> [options]

Runs Ethereum GeneralStateTests: every fork and index vector is executed and the post-state root
and logs hash are compared with the expected ones. Case ids read <test>:<fork>:d<data>g<gas>v<value>.

${optionHelp(SPEC)}`;

export async function statetestCommand(argv: string[]): Promise<number> {
  const { positionals, options } = parseArgs(argv, SPEC);
  if (options.help) {
    console.log(STATETEST_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError("statetest takes exactly one file or directory");
  const path = positionals[0]!;
  if (!existsSync(path)) throw new UsageError(`no such file or directory: ${path}`);
  const files = listTestFiles(path);
  const json = options.json === true;
  const tty = process.stderr.isTTY && !json;
  const started = performance.now();
  const skip = options.skip === undefined ? undefined : Object.keys(readJsonObject(options.skip as string));
  const fileResults = await runFilesInPool(files, {
    skip,
    fork: options.fork as string | undefined,
    filter: options.filter as string | undefined,
    workers: intOption(options, "workers", availableParallelism()),
    onFile: (_r, done, total) => {
      if (tty) process.stderr.write(`\r${done}/${total} files`);
    },
  });
  if (tty) process.stderr.write("\n");
  let passed = 0;
  let skipped = 0;
  const failures: { id: string; file: string; error: string }[] = [];
  for (const fr of fileResults) {
    if (fr.error !== undefined) failures.push({ id: fr.file, file: fr.file, error: fr.error });
    for (const r of fr.results) {
      if (r.ok) passed++;
      else if (r.skipped) skipped++;
      else failures.push({ id: r.id, file: fr.file, error: r.error ?? "failed" });
    }
  }
  const seconds = (performance.now() - started) / 1000;
  if (json) {
    console.log(JSON.stringify({ passed, failed: failures.length, skipped, seconds, failures }, null, 2));
  } else {
    for (const f of failures) console.log(`FAIL ${f.id} (${f.file})\n  ${f.error}`);
    console.log(`${passed} passed, ${failures.length} failed` + (skipped > 0 ? `, ${skipped} skipped` : ""));
  }
  return failures.length === 0 ? 0 : 1;
}

function readJsonObject(path: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new UsageError(`cannot read ${path} as JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new UsageError(`${path}: expected a JSON object of case ids`);
  return parsed as Record<string, unknown>;
}
