#!/usr/bin/env node
// The `pevm` command line.
import { UsageError } from "./args.js";

// Each command's module is imported when the command runs: a fresh `pevm run` then loads neither
// the workload generator, the report and the store nor the test runners (and `pevm --help` none).

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number>; summary: string }> = {
  run: { run: async (argv) => (await import("./run.js")).runCommand(argv), summary: "execute a block and verify it against its header (gas, bloom, receipts and other roots, blob gas, requests)" },
  replay: { run: async (argv) => (await import("./replay.js")).replayCommand(argv), summary: "run every block in a directory, with progress and a closing table" },
  records: { run: async (argv) => (await import("./recordsCommand.js")).recordsCommand(argv), summary: "the execution-record store: list, show, hotspots, export and import stored block records" },
  statetest: { run: async (argv) => (await import("./statetest.js")).statetestCommand(argv), summary: "run state tests (GeneralStateTests, execution-spec-tests) from files or directories" },
  blocktest: { run: async (argv) => (await import("./blocktest.js")).blocktestCommand(argv), summary: "run blockchain tests (execution-spec-tests): import each chain's blocks and check every header field" },
  fetch: { run: async (argv) => (await import("./fetch.js")).fetchCommand(argv), summary: "download blocks and their pre-state from a node (JSON-RPC, prestateTracer)" },
  bench: { run: async (argv) => (await import("./bench.js")).benchCommand(argv), summary: "the main job: generate a block (default: a mix of ERC-20 transfers, swaps and ETH transfers), run it sequentially and in parallel, record, store and report it" },
  serve: { run: async (argv) => (await import("./serve.js")).serveCommand(argv), summary: "serve the record store over HTTP on 127.0.0.1: a JSON API and each block's report page" },
  report: { run: async (argv) => (await import("./report.js")).reportCommand(argv), summary: "one self-contained HTML page of a block's record: dependency graph, worker timeline, speedup chart, hot spots" },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(12)}${c.summary}`);
  return `usage: pevm <command> [options]\n\ncommands:\n${lines.join("\n")}\n\nRun "pevm <command> --help" for a command's options.`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    console.error(`pevm: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`pevm ${name}: ${e.message} (see "pevm ${name} --help")`);
      return 2;
    }
    console.error(`pevm ${name}: ${(e as Error).message}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
