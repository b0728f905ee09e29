// Known-failure lists (case id -> reason) for the state-test ratchets: comparing a run with a list,
// and writing a list back with a specific reason per failing case.
import { basename, dirname } from "node:path";
import { forkByName, rulesFor } from "../fork/forks.js";
import type { Failure, RunSummary } from "./summary.js";

export type KnownFailures = Record<string, string>;

export interface RatchetOutcome {
  /** Failures not in the list (and files that could not be run), as "id: error". */
  unexpected: string[];
  /** Listed cases that ran and passed: to be removed from the list. */
  nowPassing: string[];
  /** Listed cases that did not run at all (renamed, or their file is gone): to be removed too. */
  notRun: string[];
}

/** Compares a run with its known-failure list. `ranIds` are the ids of every case that ran or was skipped. */
export function compareWithKnownFailures(summary: RunSummary, ranIds: ReadonlySet<string>, known: KnownFailures): RatchetOutcome {
  const failedIds = new Set(summary.failures.map((f) => f.id));
  const skippedIds = new Set(summary.skippedIds);
  const unexpected = summary.failures.filter((f) => !(f.id in known)).map((f) => `${f.id}: ${f.error}`);
  const nowPassing: string[] = [];
  const notRun: string[] = [];
  for (const id of Object.keys(known)) {
    if (failedIds.has(id) || skippedIds.has(id)) continue;
    (ranIds.has(id) ? nowPassing : notRun).push(id);
  }
  return { unexpected, nowPassing, notRun };
}

/**
 * The list for a run's failures: each failing case keeps the reason `existing` gives it, new ones get
 * `failureReason`; cases that no longer fail are dropped. Files that could not be run are left out
 * (they are errors to fix, not cases). Sorted by id for stable diffs.
 */
export function rewriteKnownFailures(existing: KnownFailures, failures: readonly Failure[]): KnownFailures {
  const out: KnownFailures = {};
  const caseFailures = failures.filter((f) => f.id !== f.file).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const f of caseFailures) out[f.id] = existing[f.id] ?? failureReason(f);
  return out;
}

// Features that others are building as this list is written; a failing case in their folder, or one
// expecting their exception, is put down to them.
const FEATURE_BY_FOLDER: Record<string, string> = {
  eip7702_set_code_tx: "EIP-7702 set-code transactions",
  eip7623_increase_calldata_cost: "EIP-7623 calldata floor gas",
  eip7825_transaction_gas_limit_cap: "EIP-7825 transaction gas limit cap",
  eip7939_count_leading_zeros: "EIP-7939 CLZ opcode",
  eip2537_bls_12_381_precompiles: "EIP-2537 BLS12-381 precompiles",
  eip7951_p256verify_precompiles: "EIP-7951 P256VERIFY precompile",
  eip7883_modexp_gas_increase: "EIP-7883 Osaka modexp gas pricing",
  eip7823_modexp_upper_bounds: "EIP-7823 modexp input bounds",
  eip7594_peerdas: "EIP-7594 blobs-per-transaction cap",
  eip7691_blob_throughput_increase: "EIP-7691 blob parameters",
  eip7918_blob_reserve_price: "EIP-7918 blob base fee reserve price",
  eip2935_historical_block_hashes_from_state: "EIP-2935 block hashes in state",
};

const FEATURE_BY_EXCEPTION: Record<string, string> = {
  INTRINSIC_GAS_BELOW_FLOOR_GAS_COST: FEATURE_BY_FOLDER.eip7623_increase_calldata_cost!,
  GAS_LIMIT_EXCEEDS_MAXIMUM: FEATURE_BY_FOLDER.eip7825_transaction_gas_limit_cap!,
  TYPE_4_TX_PRE_FORK: FEATURE_BY_FOLDER.eip7702_set_code_tx!,
  TYPE_4_EMPTY_AUTHORIZATION_LIST: FEATURE_BY_FOLDER.eip7702_set_code_tx!,
  TYPE_4_TX_CONTRACT_CREATION: FEATURE_BY_FOLDER.eip7702_set_code_tx!,
  TYPE_3_TX_BLOB_COUNT_EXCEEDED: "per-fork blob limits (EIP-7691, EIP-7594)",
  TYPE_3_TX_MAX_BLOB_GAS_ALLOWANCE_EXCEEDED: "per-fork blob limits (EIP-7691, EIP-7594)",
};

// Notes the runner adds to an error (see caseNotes in runner.ts), and processor messages.
const FEATURE_BY_ERROR: [RegExp, string][] = [
  [/EIP-7702 set-code transaction/, FEATURE_BY_FOLDER.eip7702_set_code_tx!],
  [/below the EIP-7623 calldata floor/, FEATURE_BY_FOLDER.eip7623_increase_calldata_cost!],
  [/above the EIP-7825 cap/, FEATURE_BY_FOLDER.eip7825_transaction_gas_limit_cap!],
  [/^transaction rejected: too many blobs/, "per-fork blob limits (EIP-7691)"],
  [/^unknown fork /, "fork missing from the fork table (src/fork/forks.ts)"],
];

// Osaka reprices and bounds modexp (EIP-7883, EIP-7823): older modexp tests refilled for Osaka fail with it.
const OSAKA_MODEXP = "Osaka modexp (EIP-7883 pricing, EIP-7823 bounds)";

const MAX_ERROR_CHARS = 240;

/** A specific reason for a failing case: the feature it waits for (by folder or expected exception) and its error. */
export function failureReason(failure: Failure): string {
  const error = firstLine(failure.error);
  const feature = featureOf(failure);
  if (feature !== undefined) return `${feature}: ${error}`;
  return `not attributed to a feature yet (${forkOf(failure.id)}, ${folderOf(failure.file)}): ${error}`;
}

function featureOf(failure: Failure): string | undefined {
  // Evidence in the error first (the runner's notes, the expected exception), then the folder.
  for (const [pattern, feature] of FEATURE_BY_ERROR) if (pattern.test(failure.error)) return feature;
  const expected = /^expected exception ([^\s,]+)/.exec(failure.error)?.[1];
  for (const name of expected?.split("|") ?? []) {
    const feature = FEATURE_BY_EXCEPTION[name.replace(/^TransactionException\./, "")];
    if (feature !== undefined) return feature;
  }
  const byFolder = FEATURE_BY_FOLDER[folderOf(failure.file)];
  if (byFolder !== undefined) return byFolder;
  const fork = forkByName(forkOf(failure.id));
  if (fork !== undefined && rulesFor(fork).precompileGas.modexpEip7883 && /modexp/i.test(failure.id)) return OSAKA_MODEXP;
  return undefined;
}

/** The fork part of a case id `<test>:<fork>:d<data>g<gas>v<value>` (test names may hold colons). */
function forkOf(id: string): string {
  const parts = id.split(":");
  return parts.length >= 3 ? parts[parts.length - 2]! : "unknown fork";
}

function folderOf(file: string): string {
  return basename(dirname(file));
}

function firstLine(text: string): string {
  const line = text.split("\n", 1)[0]!;
  return line.length <= MAX_ERROR_CHARS ? line : `${line.slice(0, MAX_ERROR_CHARS)}…`;
}
