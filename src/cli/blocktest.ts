// `pevm blocktest`: runs execution-spec-tests blockchain tests and reports per-test failures.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { listBlockchainTestFiles } from "../blocktest/files.js";
import { runBlockchainTestFile, type BlockTestResult } from "../blocktest/runner.js";
import { optionHelp, parseArgs, UsageError, type OptionSpec } from "./args.js";

const SPEC: Record<string, OptionSpec> = {
  filter: { value: true, description: "run only tests whose name contains this text" },
  reasons: { description: "also list each block the tests expect rejected: the expected exception and our reason" },
  "write-known-failures": { value: true, description: "write the failing tests to this JSON file (test name -> reason), keeping the reasons it already gives" },
  json: { description: "print one JSON object instead of text" },
  help: { description: "show this help" },
};

export const BLOCKTEST_HELP = `usage: pevm blocktest <file|dir> [options]

Runs blockchain tests (execution-spec-tests' blockchain_tests format): from the genesis and its full
pre-state, each block is decoded from its RLP, its header validated against the parent, executed,
and every field the execution determines checked (gasUsed, logsBloom, receiptsRoot,
transactionsRoot, withdrawalsRoot, blobGasUsed, requestsHash, stateRoot) with the block hash. A block
the test expects to be rejected must be, leaving the chain as it was. Then the last block hash and
the post-state must match. Exit status: 0 when every test passes, 1 otherwise, 2 on usage errors.

${optionHelp(SPEC)}`;

interface FileResult {
  file: string;
  results: BlockTestResult[];
  /** Set when the file could not be read as blockchain tests. */
  error?: string;
}

export async function blocktestCommand(argv: string[]): Promise<number> {
  const { positionals, options } = parseArgs(argv, SPEC);
  if (options.help) {
    console.log(BLOCKTEST_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError("blocktest takes exactly one file or directory");
  const path = positionals[0]!;
  if (!existsSync(path)) throw new UsageError(`no such file or directory: ${path}`);
  const json = options.json === true;
  const tty = process.stderr.isTTY && !json;
  const files = listBlockchainTestFiles(path);
  const started = performance.now();
  const fileResults: FileResult[] = files.map((file, i) => {
    if (tty) process.stderr.write(`\r${i}/${files.length} files`);
    try {
      return { file, results: runBlockchainTestFile(file, { filter: options.filter as string | undefined }) };
    } catch (e) {
      return { file, results: [], error: (e as Error).message };
    }
  });
  if (tty) process.stderr.write(`\r${files.length}/${files.length} files\n`);
  const seconds = (performance.now() - started) / 1000;

  const all = fileResults.flatMap((f) => f.results.map((r) => ({ ...r, file: f.file })));
  const failures = all.filter((r) => !r.ok);
  const fileErrors = fileResults.filter((f) => f.error !== undefined).map((f) => ({ file: f.file, error: f.error! }));
  const passed = all.length - failures.length;
  const imported = all.reduce((n, r) => n + r.imported, 0);
  const rejected = all.reduce((n, r) => n + r.rejections.length, 0);
  const knownFailuresFile = options["write-known-failures"] as string | undefined;
  if (knownFailuresFile !== undefined) writeKnownFailures(knownFailuresFile, failures);

  if (json) {
    const rejections = options.reasons ? all.flatMap((r) => r.rejections.map((x) => ({ id: r.id, ...x }))) : undefined;
    console.log(JSON.stringify({ passed, failed: failures.length, fileErrors, seconds, importedBlocks: imported, rejectedBlocks: rejected, failures: failures.map(({ id, file, network, error }) => ({ id, file, network, error })), rejections }, null, 2));
  } else {
    for (const f of fileErrors) console.log(`ERROR ${f.file}\n  ${f.error}`);
    for (const f of failures) console.log(`FAIL ${f.id} (${f.file})\n  ${f.error}`);
    if (options.reasons) {
      for (const r of all) for (const x of r.rejections) console.log(`REJECTED ${r.id} blocks[${x.block}]\n  expected ${x.expected}\n  ours (${x.stage}): ${x.reason}`);
    }
    console.log(`${all.length} tests in ${files.length} files: ${passed} passed, ${failures.length} failed${fileErrors.length > 0 ? `, ${fileErrors.length} files unreadable` : ""}; ${imported} blocks imported, ${rejected} rejected as expected; ${seconds.toFixed(1)} s`);
  }
  return failures.length === 0 && fileErrors.length === 0 ? 0 : 1;
}

/** Writes failing test -> reason, keeping the reason the file already gives a test that still fails. */
function writeKnownFailures(path: string, failures: readonly { id: string; error?: string }[]): void {
  const existing = existsSync(path) ? readReasons(path) : {};
  const out: Record<string, string> = {};
  for (const f of [...failures].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) out[f.id] = existing[f.id] ?? firstLine(f.error ?? "failed");
  writeFileSync(path, JSON.stringify(out, null, 2) + "\n");
  console.error(`wrote ${Object.keys(out).length} known failures to ${path}`);
}

function readReasons(path: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new UsageError(`cannot read ${path} as JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new UsageError(`${path}: expected a JSON object of test names`);
  return parsed as Record<string, string>;
}

function firstLine(text: string): string {
  const line = text.split("\n", 1)[0]!;
  return line.length <= 300 ? line : `${line.slice(0, 300)}…`;
}
