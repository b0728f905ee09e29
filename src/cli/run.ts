// `pevm run`: execute one block, verify it against its header, print the summary.
import { loadBlockInput } from "../block/load.js";
import { postStateDiff } from "../state/diff.js";
import { intOption, optionHelp, parseArgs, UsageError, type OptionSpec } from "./args.js";
import { availableParallelism } from "node:os";
import { startWorkerPool } from "../exec/parallel/executor.js";
import { formatDiff, formatRun, runBlock, runJson } from "./blockReport.js";

const SPEC: Record<string, OptionSpec> = {
  prestate: { value: true, description: "pre-state file for a block.json (fixture pre_state.json or geth prestateTracer output)" },
  workers: { value: true, description: "threads for Block-STM parallel execution, the main thread included (default: available cores; blocks where parallel execution would lose run sequentially and say why)" },
  sequential: { description: "execute sequentially (same as --workers 1)" },
  json: { description: "print one JSON object (schema: docs/run-json.md)" },
  txs: { description: "also print every transaction's outcome (status, gas, logs)" },
  diff: { description: "also print the post-state diff (every changed account and slot, old and new)" },
  help: { description: "show this help" },
};

export const RUN_HELP = `usage: pevm run <block-dir | block.json --prestate FILE> [options]

Executes a block and checks gasUsed, logsBloom and (from Byzantium on) receiptsRoot against its
header. A block directory holds block.json (eth_getBlockByNumber(n, true) output) and
pre_state.json; bytecodes.json and block_hashes.json are found in it, its parent or grandparent.
A receipts.json (eth_getBlockReceipts output) beside block.json lets a mismatch name the first
divergent transaction. Exit status: 0 when every verifiable check matched, 1 on a mismatch or an
error, 2 on a usage error.

${optionHelp(SPEC)}

example: pevm run ../shared/fixtures/mainnet/blocks/46147`;

export async function runCommand(argv: string[]): Promise<number> {
  const { positionals, options } = parseArgs(argv, SPEC);
  if (options.help) {
    console.log(RUN_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError("run takes exactly one block directory or block.json");
  const workers = workerCount(options);
  startWorkerPool(workers);
  const input = loadBlockInput(positionals[0]!, { prestate: options.prestate as string | undefined });
  const run = await runBlock(input, workers);
  if (options.json) {
    console.log(JSON.stringify(runJson(run, { transactions: options.txs === true, diff: options.diff === true }), null, 2));
  } else {
    console.log(formatRun(run));
    if (options.txs) console.log(formatTransactions(runJson(run, { transactions: true }).transactions as TxRow[]));
    if (options.diff) console.log(formatDiff(postStateDiff(run.result.world, input.preState)));
  }
  return run.verification.ok ? 0 : 1;
}

interface TxRow {
  index: number;
  hash: string | null;
  status: number;
  gasUsed: number;
  cumulativeGasUsed: number;
  logs: unknown[];
  contractAddress: string | null;
  error?: string;
}

function formatTransactions(rows: TxRow[]): string {
  const lines = ["  #     status  gasUsed     cumulative   logs  hash"];
  for (const r of rows) {
    const extra = r.contractAddress !== null ? ` created ${r.contractAddress}` : r.error !== undefined ? ` (${r.error})` : "";
    lines.push(`  ${String(r.index).padEnd(5)} ${String(r.status).padEnd(7)} ${String(r.gasUsed).padStart(10)}  ${String(r.cumulativeGasUsed).padStart(11)}  ${String(r.logs.length).padStart(4)}  ${r.hash ?? "-"}${extra}`);
  }
  return lines.join("\n");
}

/**
 * --workers N or --sequential (1); by default every available core (`--workers max` says the same).
 * The parallel executor itself runs sequentially the blocks where it measured a loss.
 */
export function workerCount(options: Record<string, string | boolean>): number {
  if (options.sequential) {
    if (options.workers !== undefined) throw new UsageError("--sequential and --workers exclude each other");
    return 1;
  }
  if (options.workers === "max") return availableParallelism();
  return intOption(options, "workers", availableParallelism());
}
