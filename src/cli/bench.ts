// `pevm bench`: runs a workload the project generates itself and reports throughput.
import { CodeCache } from "../evm/code.js";
import { Fork, rulesFor } from "../evm/forks.js";
import { loopWorkloads } from "../workload/loops.js";
import { timeContractCall } from "../workload/runCall.js";
import { intOption, optionHelp, parseArgs, UsageError, type OptionSpec } from "./args.js";

const SPEC: Record<string, OptionSpec> = {
  workload: { value: true, description: "workload to run: loops (default)" },
  runs: { value: true, description: "timed runs per workload; the median is reported (default 5)" },
  scale: { value: true, description: "multiply loop iteration counts by this factor (default 1)" },
  json: { description: "print one JSON object" },
  help: { description: "show this help" },
};

export const BENCH_HELP = `usage: pevm bench [options]

Runs a generated workload on our EVM and prints gas, median time and Mgas/s per case. The "loops"
workload is three loop-heavy contracts (small-value arithmetic, 256-bit multiply-add, keccak and
shifts), each called once with 30M gas on a fresh state. Block workloads come with the parallel
executor.

${optionHelp(SPEC)}`;

const GAS = 30_000_000;

export async function benchCommand(argv: string[]): Promise<number> {
  const { positionals, options } = parseArgs(argv, SPEC);
  if (options.help) {
    console.log(BENCH_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const workload = (options.workload as string | undefined) ?? "loops";
  if (workload !== "loops") throw new UsageError(`unknown workload "${workload}" (available: loops)`);
  const runs = intOption(options, "runs", 5);
  const scale = options.scale === undefined ? 1 : Number(options.scale);
  if (!(scale > 0)) throw new UsageError(`--scale must be a positive number, got "${options.scale}"`);
  const rules = rulesFor(Fork.Cancun);
  const cache = new CodeCache();
  const rows = [];
  for (const w of loopWorkloads(scale)) {
    const code = Uint8Array.from(Buffer.from(w.code.slice(2), "hex"));
    timeContractCall(code, GAS, rules, cache); // warm-up
    const times: number[] = [];
    let last = timeContractCall(code, GAS, rules, cache);
    for (let r = 0; r < runs; r++) {
      last = timeContractCall(code, GAS, rules, cache);
      times.push(last.ms);
      if (!options.json) process.stderr.write(`\r${w.name}: run ${r + 1}/${runs}`);
    }
    if (!options.json) process.stderr.write("\n");
    if (!last.ok) throw new Error(`${w.name}: the call failed (${last.error})`);
    const ms = times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
    rows.push({ workload: w.name, gasUsed: last.gasUsed, medianMs: round(ms), mgasPerSec: round(last.gasUsed / ms / 1000) });
  }
  if (options.json) console.log(JSON.stringify({ workload, runs, rows }, null, 2));
  else {
    for (const r of rows) console.log(`${r.workload.padEnd(48)} ${String(r.gasUsed).padStart(10)} gas ${String(r.medianMs).padStart(9)} ms ${String(r.mgasPerSec).padStart(8)} Mgas/s`);
  }
  return 0;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
