// Differential fuzzing against @ethereumjs/vm: random state tests (test/fuzz/generator.ts) run by
// our EVM (the state-test path) and by ethereumjs, compared on post-state, gas used, logs and
// rejection. Prints progress, each divergence's first difference with the seed and case index that
// reproduce it, and a summary with opcode coverage and divergences by kind.
//
// Usage: node dist/bench/fuzz.js [--cases N] [--seed S] [--fork Cancun|Prague|Osaka] [--case I]
//                                [--save DIR] [--exec-coverage] [--quiet-known]
//   --cases N        how many cases (default 1000), numbered from 0 (or from --from F)
//   --seed S         the run's seed (default 1); case I of seed S is always the same case
//   --fork F         every case under fork F (default: each case draws Cancun or Prague)
//   --case I         run only case I (with its first difference in full)
//   --save DIR       write each divergent case as a state-test file DIR/fuzz_S_I.json, its
//                    expectations taken from ethereumjs (then: node dist/src/cli/main.js statetest FILE)
//   --exec-coverage  also count the opcodes ethereumjs executes (slower)
//   --quiet-known    do not print divergences that the known list explains
//   --list           print every case's outcome (status and gas, or the rejection)
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadKnownDivergences } from "../test/fuzz/compare.js";
import { describeDivergence, FuzzStats, runCase, savedStateTest, type CaseReport } from "../test/fuzz/fuzzer.js";
import { FUZZ_FORKS, type FuzzFork } from "../test/fuzz/opcodes.js";
import { BenchArgs } from "./args.js";

const USAGE = "usage: node dist/bench/fuzz.js [--cases N] [--from F] [--seed S] [--fork Cancun|Prague|Osaka] [--case I] [--save DIR] [--exec-coverage] [--quiet-known] [--list]";
const args = new BenchArgs("fuzz", USAGE, { values: ["--cases", "--from", "--seed", "--fork", "--case", "--save"], flags: ["--exec-coverage", "--quiet-known", "--list"] });
const option = (name: string): string | undefined => args.option(name);
const flag = (name: string): boolean => args.flag(name);

function parseFork(name: string | undefined): FuzzFork | undefined {
  if (name === undefined) return undefined;
  const fork = FUZZ_FORKS.find((f) => f.toLowerCase() === name.toLowerCase());
  if (fork === undefined) args.fail(`--fork: one of ${FUZZ_FORKS.join(", ")}, got ${name}`);
  return fork;
}

async function save(dir: string, report: CaseReport): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${report.fuzzCase.name}.json`);
  writeFileSync(path, JSON.stringify(await savedStateTest(report), null, 1));
  return path;
}

async function main(): Promise<void> {
  const seed = args.int("--seed", 1);
  const fork = parseFork(option("--fork"));
  const single = option("--case");
  const from = single !== undefined ? args.int("--case", 0) : args.int("--from", 0);
  const cases = single !== undefined ? 1 : args.int("--cases", 1000, 1);
  const saveDir = option("--save");
  const countExecution = flag("--exec-coverage");
  const quietKnown = flag("--quiet-known");
  const known = loadKnownDivergences();
  const stats = new FuzzStats();
  const started = performance.now();
  let lastProgress = started;

  console.log(`fuzz: seed ${seed}, cases ${from}..${from + cases - 1}, fork ${fork ?? "Cancun/Prague"}, ${known.length} known divergences`);
  for (let index = from; index < from + cases; index++) {
    const report = await runCase(seed, index, { fork, known, counts: stats.emitted, executed: countExecution ? stats.executed : undefined });
    stats.add(report);
    if (report.differences.length > 0 && !(quietKnown && report.known !== undefined)) {
      console.log(describeDivergence(report));
      if (single !== undefined) for (const d of report.differences.slice(1)) console.log(`    also ${d.kind}: ${d.text}`);
      if (saveDir !== undefined) console.log(`    saved ${await save(saveDir, report)}`);
    } else if (single !== undefined || flag("--list")) {
      console.log(`seed ${seed} case ${index} (${report.fuzzCase.fork}, ${report.fuzzCase.txKind} tx to ${report.fuzzCase.target}): agree (${report.theirs.rejected ?? `${report.theirs.status}${report.theirs.haltReason !== undefined ? ` ${report.theirs.haltReason}` : ""}, gas ${report.theirs.gasUsed}`})`);
      if (saveDir !== undefined) console.log(`    saved ${await save(saveDir, report)}`);
    }
    const now = performance.now();
    if (now - lastProgress > 10_000) {
      lastProgress = now;
      const done = index - from + 1;
      const rate = (done * 1000) / (now - started);
      console.log(`  ... ${done}/${cases} cases, ${rate.toFixed(1)} cases/s, ${stats.divergent} divergent (${stats.unexplained} unexplained)`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`--- summary (seed ${seed}) ---`);
  console.log(stats.summary(countExecution));
  const cpu = process.cpuUsage();
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(`wall time: ${seconds.toFixed(1)} s, ${(cases / seconds).toFixed(1)} cases/s; CPU time ${cpuSeconds.toFixed(1)} s, ${(cases / cpuSeconds).toFixed(1)} cases per CPU second`);
  if (stats.unexplained > 0) process.exitCode = 1;
}

await main();
