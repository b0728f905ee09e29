#!/usr/bin/env node
// The `pevm` command line.
import { benchCommand } from "./bench.js";
import { statetestCommand } from "./statetest.js";
import { UsageError } from "./args.js";

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number>; summary: string }> = {
  statetest: { run: statetestCommand, summary: "run Ethereum GeneralStateTests files or directories" },
  bench: { run: benchCommand, summary: "run a generated workload (default: loop-heavy contracts) and report Mgas/s" },
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
