// `pevm statetest`: runs state-test files (GeneralStateTests, execution-spec-tests) and reports
// per-case failures and counts per fork; can write the failures as a known-failures list.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { runFilesInPool } from "../statetest/pool.js";
import { listTestFiles } from "../statetest/files.js";
import { rewriteKnownFailures } from "../statetest/knownFailures.js";
import { formatForkCounts, formatTotals, summarize } from "../statetest/summary.js";
import { intOption, optionHelp, parseArgs, UsageError, type OptionSpec } from "./args.js";

const SPEC: Record<string, OptionSpec> = {
  fork: { value: true, description: "run only this fork (e.g. Prague, Cancun, Berlin, EIP150)" },
  filter: { value: true, description: "run only cases whose id contains this text" },
  workers: { value: true, description: "worker threads (default: available cores)" },
  skip: { value: true, description: "a JSON file whose keys are case ids not to run (e.g. test/slow-cases.json)" },
  "write-known-failures": { value: true, description: "write the failing cases to this JSON file (case id -> reason), keeping the reasons it already gives" },
  json: { description: "print one JSON object instead of text" },
  help: { description: "show this help" },
};

export const STATETEST_HELP = `usage: pevm statetest <file|dir> [options]

Runs Ethereum state tests (GeneralStateTests, execution-spec-tests): every fork and index vector is
executed and the post-state root and logs hash are compared with the expected ones. A fork name the
runner does not know fails its cases. Case ids read <test>:<fork>:d<data>g<gas>v<value>.

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
  const knownFailuresFile = options["write-known-failures"] as string | undefined;
  // A partial run would drop the listed cases it did not run.
  if (knownFailuresFile !== undefined && (options.fork !== undefined || options.filter !== undefined)) {
    throw new UsageError("--write-known-failures needs a whole run: leave out --fork and --filter");
  }
  const existing = knownFailuresFile !== undefined && existsSync(knownFailuresFile) ? (readJsonObject(knownFailuresFile) as Record<string, string>) : {};
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
  const summary = summarize(fileResults);
  const seconds = (performance.now() - started) / 1000;
  if (knownFailuresFile !== undefined) {
    const written = rewriteKnownFailures(existing, summary.failures);
    writeFileSync(knownFailuresFile, JSON.stringify(written, null, 2) + "\n");
    console.error(`wrote ${Object.keys(written).length} known failures to ${knownFailuresFile}`);
  }
  const { passed, failed, skipped, forks, failures } = summary;
  if (json) {
    console.log(JSON.stringify({ passed, failed, skipped, seconds, forks, failures }, null, 2));
  } else {
    for (const f of failures) console.log(`FAIL ${f.id} (${f.file})\n  ${f.error}`);
    if (Object.keys(forks).length > 0) console.log(`per fork (passed/run): ${formatForkCounts(forks)}`);
    console.log(formatTotals(summary));
  }
  return failed === 0 ? 0 : 1;
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
