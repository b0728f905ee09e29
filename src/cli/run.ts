// `pevm run`: execute one block, verify it against its header, print the summary.
import { loadBlockInput } from "../block/load.js";
import { postStateDiff } from "../state/diff.js";
import { intOption, maxWorkers, optionHelp, parseArgs, UsageError, type OptionSpec } from "./args.js";
import { availableParallelism } from "node:os";
import { closeWorkerPool, startWorkerPool } from "../exec/parallel/executor.js";
import { formatDiff, formatRun, runBlock, runJson, type BlockRun } from "./blockReport.js";
import { checkBalPath, HintsError, readHints, writeBalFile, type Hints } from "./records.js";
import { writeRecordFile } from "../records/json.js";
import { STORE_OPTIONS, storePathOf, storeRun } from "./storeOutput.js";
import { RecordStore } from "../store/store.js";
import { existsSync } from "node:fs";

const SPEC: Record<string, OptionSpec> = {
  prestate: { value: true, description: "pre-state file for a block.json (fixture pre_state.json or geth prestateTracer output)" },
  workers: { value: true, description: "threads for Block-STM parallel execution, the main thread included, waiting for them to start (about 2 s). Default: every core once the threads are warm, so a single block in a fresh process runs sequentially; blocks where parallel execution would lose run sequentially and say why" },
  sequential: { description: "execute sequentially (same as --workers 1)" },
  "force-parallel": { description: "run Block-STM even where the cost model predicts it would lose (measuring the executor itself; waits for the threads)" },
  json: { description: "print one JSON object (schema: docs/run-json.md)" },
  txs: { description: "also print every transaction's outcome (status, gas, logs)" },
  diff: { description: "also print the post-state diff (every changed account and slot, old and new)" },
  record: { value: true, description: "write the execution record to FILE (.ndjson or .jsonl: one line per transaction; else JSON; schema: docs/record-json.md)" },
  bal: { value: true, description: "write the block's EIP-7928 access list to FILE (.rlp: RLP bytes, .json: the EIP's JSON form)" },
  hints: { value: true, description: "feed back FILE: a record (its dependency graph and times schedule the run: longest chains first) or an access list (.json, .rlp or 0x-hex: its values seed every transaction, then the run must reproduce it)" },
  "no-record": { description: "record nothing (no summary): the executors' plain speed" },
  partition: { description: "with --hints RECORD and --no-record: run the record's graph as its shared-nothing plan, threads that exchange nothing while they run, instead of Block-STM (faster on some blocks, slower on most on 2 cores: BENCHMARKS.md)" },
  ...STORE_OPTIONS,
  help: { description: "show this help" },
};

export const RUN_HELP = `usage: pevm run <block-dir | block.json --prestate FILE> [options]

Executes a block and checks gasUsed, logsBloom and (from Byzantium on) receiptsRoot against its
header, and where the block has them its transactionsRoot, withdrawalsRoot (Shanghai), blobGasUsed
(Cancun) and requestsHash (Prague). A block directory holds block.json (eth_getBlockByNumber(n, true) output) and
pre_state.json; bytecodes.json and block_hashes.json are found in it, its parent or grandparent.
A receipts.json (eth_getBlockReceipts output) beside block.json lets a mismatch name the first
divergent transaction.

Every run is recorded (what each transaction read and wrote, the dependency graph) unless
--no-record: the summary gives the critical path, the ideal speedup on 2-16 threads, the
parallelism achieved, the conflict ratio and the hot spots. --hints feeds a record or an access
list back: a wrong one costs time, never correctness (an access list the run does not reproduce
is reported invalid, exit status 1). --partition with --no-record runs a record's graph on threads
that share nothing while they run; a graph that misses a dependency sends the block in order.

Exit status: 0 when every verifiable check matched, 1 on a mismatch, an error or invalid hints,
2 on a usage error.

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
  const partition = options.partition === true;
  if (partition && (options.hints === undefined || !options["no-record"])) throw new UsageError("--partition needs --hints with a record and --no-record (a partitioned run keeps no record)");
  if (partition && workers <= 1) throw new UsageError("--partition needs two threads or more (--workers)");
  if (options["no-record"] && (options.record !== undefined || options.bal !== undefined || (options.hints !== undefined && !partition))) throw new UsageError("--no-record excludes --record, --bal and --hints (but for --hints with --partition)");
  if (typeof options.bal === "string") checkBalPath(options.bal);
  const storePath = storePathOf(options); // --store with --no-record: a usage error before the run, not after it
  // A single block in a fresh process runs sequentially unless threads were asked for (--workers,
  // --hints): starting worker threads and compiling the executor on them takes longer than the block.
  const threadsAsked = options.workers !== undefined || options.hints !== undefined;
  if (threadsAsked) startWorkerPool(workers);
  let input: ReturnType<typeof loadBlockInput>;
  try {
    input = loadBlockInput(positionals[0]!, { prestate: options.prestate as string | undefined });
    // An existing store that cannot be opened fails the run before it writes --record or --bal, not after.
    if (storePath !== null && existsSync(storePath)) RecordStore.open(storePath).close();
  } catch (e) {
    closeWorkerPool(); // threads still starting would hold the process open for seconds after the error
    throw e;
  }
  let hints: Hints | null = null;
  let hintsError: string | undefined;
  if (typeof options.hints === "string") {
    try {
      hints = readHints(options.hints, input.block);
      if (partition && hints.kind !== "graph") throw new HintsError(`${options.hints}: --partition takes a record's dependency graph, not an access list`);
    } catch (e) {
      if (!(e instanceof HintsError)) throw e;
      hintsError = e.message;
    }
  }
  const run = await runBlock(input, workers, { record: !options["no-record"], hints, partition, whenThreadsCold: threadsAsked ? "wait" : "sequential", forceParallel: options["force-parallel"] === true });
  if (hintsError !== undefined) {
    run.hintsError = hintsError;
    console.error(`pevm run: hints not used: ${hintsError}`); // the exit status is 1: say why where errors go
  }
  await writeOutputs(run, options);
  const stored = storeRun(run, options);
  if (options.json) {
    console.log(JSON.stringify({ ...runJson(run, { transactions: options.txs === true, diff: options.diff === true }), ...(stored === null ? {} : { stored }) }, null, 2));
  } else {
    console.log(formatRun(run));
    if (options.txs) console.log(formatTransactions(runJson(run, { transactions: true }).transactions as TxRow[]));
    if (options.diff) console.log(formatDiff(postStateDiff(run.result.world, input.preState)));
  }
  return run.verification.ok && run.hintsError === undefined && (run.hints === undefined || run.hints.kind === "graph" || run.hints.exact) ? 0 : 1;
}

/** --record and --bal files, written once the run is verified (whatever its outcome: they describe it). */
async function writeOutputs(run: BlockRun, options: Record<string, string | boolean>): Promise<void> {
  if (run.record === undefined) return;
  const named = (file: string, e: unknown): Error => new Error(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  if (typeof options.record === "string") await writeRecordFile(options.record, run.record, { summary: run.summary }).catch((e: unknown) => Promise.reject(named(options.record as string, e)));
  if (typeof options.bal === "string") {
    let hash: string;
    try {
      hash = writeBalFile(options.bal, run.record, run.input.preState);
    } catch (e) {
      throw named(options.bal, e);
    }
    if (!options.json) console.error(`access list written to ${options.bal} (hash ${hash})`);
  }
  if (typeof options.record === "string" && !options.json) console.error(`record written to ${options.record}`);
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
 * The parallel executor itself runs sequentially the blocks where its cost model predicts a loss.
 */
export function workerCount(options: Record<string, string | boolean>): number {
  if (options.sequential) {
    if (options.workers !== undefined) throw new UsageError("--sequential and --workers exclude each other");
    if (options["force-parallel"]) throw new UsageError("--sequential and --force-parallel exclude each other");
    return 1;
  }
  if (options.workers === "max") return availableParallelism();
  return intOption(options, "workers", availableParallelism(), maxWorkers(availableParallelism()));
}
