// Executing a loaded block and describing the outcome: the text summary and the --json object
// of `pevm run` (schema in docs/run-json.md), reused by `pevm replay`.
import { bytesToHex } from "../primitives/bytes.js";
import { addressToHex, wordToHex } from "../primitives/word.js";
import { Status } from "../evm/interpreter.js";
import type { BlockInput } from "../block/load.js";
import { verifyExecution, type Verification } from "../block/verify.js";
import { executeBlock, type BlockResult } from "../exec/sequential.js";
import { executeBlockParallel, type ParallelStats } from "../exec/parallel/executor.js";
import { postStateDiff, type AccountChange } from "../state/diff.js";
import { executeBlockRecorded } from "../exec/recording.js";
import type { BlockRecord } from "../records/record.js";
import { dependencyGraph } from "../records/graph.js";
import { formatSummary, summarize, type RecordSummary } from "../records/analysis.js";
import { checkHints, type Hints, type HintsCheck } from "./records.js";

export interface BlockRun {
  input: BlockInput;
  result: BlockResult;
  verification: Verification;
  mode: "sequential" | "parallel";
  workers: number;
  /** Parallel execution statistics (when run with more than one worker). */
  parallel?: ParallelStats;
  /** The execution record and its summary, when recorded. */
  record?: BlockRecord;
  summary?: RecordSummary;
  /** How the run compared with the hints it was given. */
  hints?: HintsCheck;
  /** Why a hints file was not used (unreadable, or not the block's). */
  hintsError?: string;
}

export interface RunOptions {
  /** Keep the execution record (and print its summary). */
  record?: boolean;
  hints?: Hints | null;
  /** ParallelOptions.whenThreadsCold: "wait" when --workers was given, else "sequential". */
  whenThreadsCold?: "wait" | "sequential";
  /** Run Block-STM even where the cost model predicts a loss (measuring the executor itself). */
  forceParallel?: boolean;
  /** With graph hints and no record: run them as their shared-nothing plan (ParallelOptions.partition). */
  partition?: boolean;
}

export function runSequential(input: BlockInput, options: RunOptions = {}): BlockRun {
  const recording = options.record === true || (options.hints ?? null) !== null;
  const options_ = { blockHashes: input.blockHashes };
  const recorded = recording ? executeBlockRecorded(input.block, input.preState, options_) : null;
  const result = recorded ?? executeBlock(input.block, input.preState, options_);
  const verification = verifyExecution(input.block, result, input.expectedReceipts);
  return withRecord({ input, result, verification, mode: "sequential", workers: 1 }, recorded?.record, options);
}

/** Runs the block with `workers` threads (Block-STM), or sequentially when `workers` is 1. */
export async function runBlock(input: BlockInput, workers: number, options: RunOptions = {}): Promise<BlockRun> {
  if (workers <= 1) return runSequential(input, options);
  const hints = options.hints ?? null;
  const partition = options.partition === true && hints?.kind === "graph";
  const result = await executeBlockParallel(input.block, input.preState, {
    blockHashes: input.blockHashes,
    workers,
    // Hints are checked against the run's record, but for a partitioned run, which keeps none.
    record: options.record === true || (hints !== null && !partition),
    ...(partition ? { partition: true } : {}),
    whenThreadsCold: options.forceParallel === true ? "wait" : (options.whenThreadsCold ?? "sequential"),
    ...(options.forceParallel === true ? { forceParallel: true } : {}),
    ...(hints?.kind === "graph" ? { hints: hints.predecessors, hintCosts: hints.costs } : {}),
    ...(hints?.kind === "values" ? { seed: hints.seed } : {}),
  });
  const verification = verifyExecution(input.block, result, input.expectedReceipts);
  return withRecord({ input, result, verification, mode: result.stats.mode, workers, parallel: result.stats }, result.record, options);
}

function withRecord(run: BlockRun, record: BlockRecord | undefined, options: RunOptions): BlockRun {
  if (record === undefined) return run;
  run.record = record;
  run.summary = summarize(record, dependencyGraph(record));
  if (options.hints) run.hints = checkHints(options.hints, record, run.input.preState);
  return run;
}

export function mgasPerSecond(gas: bigint, ms: number): number {
  return ms > 0 ? Number(gas) / 1000 / ms : 0;
}

const mark = (check: boolean | null) => (check === null ? "n/a" : check ? "✓" : "✗");

export function formatRun(run: BlockRun): string {
  const { block } = run.input;
  const { header } = block;
  const { result, verification: v } = run;
  const lines = [
    `block ${header.number} · ${result.rules.name} · ${block.transactions.length} txs · ${run.mode}${run.mode === "parallel" ? ` (${run.workers} workers${run.parallel?.reason ? `; ${run.parallel.reason}` : ""})` : ""}${run.parallel?.fallback ? ` (fallback: ${run.parallel.fallback})` : ""}${run.parallel?.stopped ? ` (${run.parallel.stopped}: ${run.parallel.inOrderExecutions} transactions then run sequentially)` : ""}`,
    `  gasUsed       ${mark(v.checks.gasUsed)}  ${result.gasUsed}${v.checks.gasUsed ? "" : ` (header: ${header.gasUsed})`}`,
    `  logsBloom     ${mark(v.checks.logsBloom)}`,
    `  receiptsRoot  ${mark(v.checks.receiptsRoot)}${v.checks.receiptsRoot === null ? "  (not verifiable before Byzantium: receipts hold intermediate state roots)" : `  ${bytesToHex(result.receiptsRoot!)}`}`,
  ];
  // Fields that only some blocks carry: printed when checked.
  if (v.checks.transactionsRoot !== null) lines.push(`  transactionsRoot ${mark(v.checks.transactionsRoot)}`);
  if (v.checks.withdrawalsRoot !== null) lines.push(`  withdrawalsRoot ${mark(v.checks.withdrawalsRoot)}`);
  if (v.checks.blobGasUsed !== null) lines.push(`  blobGasUsed   ${mark(v.checks.blobGasUsed)}  ${result.blobGasUsed}${v.checks.blobGasUsed ? "" : ` (header: ${header.blobGasUsed})`}`);
  if (v.checks.requestsHash !== null) lines.push(`  requestsHash  ${mark(v.checks.requestsHash)}  ${bytesToHex(result.requestsHash!)}`);
  if (v.firstDivergence !== null) {
    const d = v.firstDivergence;
    lines.push(`  first divergent transaction: #${d.txIndex} cumulative gas expected ${d.expectedCumulativeGas}, actual ${d.actualCumulativeGas}; status expected ${d.expectedStatus ?? "n/a"}, actual ${d.actualStatus ?? "n/a"}`);
  } else if (v.divergenceNote !== null) {
    lines.push(`  first divergent transaction: unknown (${v.divergenceNote})`);
  }
  for (const w of result.warnings) lines.push(`  note: ${w}`);
  if (run.summary !== undefined) lines.push(...formatSummary(run.summary).map((l) => `  ${l}`));
  const partitioned = run.parallel?.partition ?? null;
  if (partitioned !== null) lines.push(`  partitioned: ${partitioned.parallelTxs} of ${block.transactions.length} transactions side by side, ${partitioned.segments} segment${partitioned.segments === 1 ? "" : "s"} (the hints are not checked: no record)`);
  if (run.hintsError !== undefined) lines.push(`  hints not used: ${run.hintsError}`);
  if (run.hints !== undefined) lines.push(`  hints ${run.hints.file} (${run.hints.kind === "graph" ? "dependency graph" : "access list"}): ${run.hints.exact ? "the run matched them exactly" : `${run.hints.kind === "values" ? "INVALID, the block completed without relying on them: " : ""}${run.hints.difference}`}`);
  lines.push(`${v.ok ? "OK" : "MISMATCH"}: executed in ${result.executionMs.toFixed(1)} ms (${mgasPerSecond(result.gasUsed, result.executionMs).toFixed(1)} Mgas/s)`);
  return lines.join("\n");
}

export interface RunJsonOptions {
  transactions?: boolean;
  diff?: boolean;
}

/** The --json object. Fields are only ever added, never renamed (docs/run-json.md). */
export function runJson(run: BlockRun, options: RunJsonOptions = {}): Record<string, unknown> {
  const { block } = run.input;
  const { header } = block;
  const { result, verification: v } = run;
  const out: Record<string, unknown> = {
    ok: v.ok,
    block: Number(header.number),
    fork: result.rules.name,
    txs: block.transactions.length,
    gasUsed: Number(result.gasUsed),
    checks: v.checks,
    mode: run.mode,
    workers: run.workers,
    executionMs: round(result.executionMs),
    mgasPerSecond: round(mgasPerSecond(result.gasUsed, result.executionMs)),
    expected: { gasUsed: Number(header.gasUsed), logsBloom: bytesToHex(header.logsBloom), receiptsRoot: bytesToHex(header.receiptsRoot) },
    actual: { gasUsed: Number(result.gasUsed), logsBloom: bytesToHex(result.logsBloom), receiptsRoot: result.receiptsRoot === null ? null : bytesToHex(result.receiptsRoot) },
    firstDivergence: v.firstDivergence === null ? null : { ...v.firstDivergence, expectedCumulativeGas: Number(v.firstDivergence.expectedCumulativeGas), actualCumulativeGas: Number(v.firstDivergence.actualCumulativeGas) },
    warnings: result.warnings,
  };
  if (run.parallel !== undefined) out.parallel = run.parallel;
  if (run.summary !== undefined) out.record = { summary: run.summary, source: run.record!.run.source };
  if (run.hints !== undefined) out.hints = run.hints;
  if (run.hintsError !== undefined) out.hints = { error: run.hintsError };
  if (options.transactions) out.transactions = transactionsJson(run);
  if (options.diff) out.postState = diffJson(postStateDiff(result.world, run.input.preState));
  return out;
}

function transactionsJson(run: BlockRun): unknown[] {
  const { block } = run.input;
  return run.result.txResults.map((r, i) => {
    const tx = block.transactions[i]!;
    const receipt = run.result.receipts[i]!;
    return {
      index: i,
      hash: tx.hash === undefined ? null : bytesToHex(tx.hash),
      from: addressToHex(tx.sender!),
      status: receipt.status ?? (r.status === Status.Success ? 1 : 0),
      gasUsed: Number(r.gasUsed),
      cumulativeGasUsed: Number(receipt.cumulativeGasUsed),
      contractAddress: r.contractAddress === null ? null : addressToHex(r.contractAddress),
      logs: r.logs.map((l) => ({ address: addressToHex(l.address), topics: l.topics.map((t) => wordToHex(t, 32)), data: bytesToHex(l.data) })),
      ...(r.error !== undefined && r.status !== Status.Success ? { error: r.error } : {}),
    };
  });
}

export function diffJson(changes: AccountChange[]): unknown[] {
  const account = (a: AccountChange["before"]) => (a === null ? null : { balance: wordToHex(a.balance), nonce: Number(a.nonce), codeHash: wordToHex(a.codeHash, 32) });
  return changes.map((c) => ({
    address: addressToHex(c.address),
    before: account(c.before),
    after: account(c.after),
    storage: c.storage.map((s) => ({ slot: wordToHex(s.slot, 32), before: wordToHex(s.before, 32), after: wordToHex(s.after, 32) })),
    ...(c.code !== undefined ? { code: bytesToHex(c.code) } : {}),
  }));
}

export function formatDiff(changes: AccountChange[]): string {
  const lines: string[] = [`post-state diff: ${changes.length} accounts changed`];
  for (const c of changes) {
    const b = c.before;
    const a = c.after;
    const state = b === null ? "created" : a === null ? "deleted" : "changed";
    lines.push(`  ${addressToHex(c.address)} ${state}`);
    if (b !== null && a !== null) {
      if (b.balance !== a.balance) lines.push(`    balance ${b.balance} → ${a.balance}`);
      if (b.nonce !== a.nonce) lines.push(`    nonce   ${b.nonce} → ${a.nonce}`);
      if (b.codeHash !== a.codeHash) lines.push(`    code    ${wordToHex(b.codeHash, 32)} → ${wordToHex(a.codeHash, 32)}`);
    } else if (a !== null) {
      lines.push(`    balance ${a.balance}, nonce ${a.nonce}, code ${wordToHex(a.codeHash, 32)}`);
    }
    for (const s of c.storage) lines.push(`    [${wordToHex(s.slot, 32)}] ${wordToHex(s.before)} → ${wordToHex(s.after)}`);
  }
  return lines.join("\n");
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
