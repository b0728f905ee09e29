// The tests' exception names (execution-spec-tests' BlockException and TransactionException) and
// the stage of our import that should reject such a block. A block rejected at another stage is
// rejected for another reason than the test's: a bug hidden behind a rejection. Names not listed
// here accept a rejection at any stage.
import type { Stage } from "./runner.js";

const DECODING: Stage[] = ["decoding"];
const HEADER: Stage[] = ["header"];
const EXECUTION: Stage[] = ["execution"];
const TRANSACTION: Stage[] = ["transaction", "signature", "decoding"];

const BLOCK_EXCEPTION_STAGES: Record<string, Stage[]> = {
  RLP_STRUCTURES_ENCODING: DECODING,
  INCORRECT_BLOCK_FORMAT: DECODING,
  INVALID_GASLIMIT: HEADER,
  INVALID_BASEFEE_PER_GAS: HEADER,
  INCORRECT_EXCESS_BLOB_GAS: HEADER,
  INVALID_BLOCK_TIMESTAMP_OLDER_THAN_PARENT: HEADER,
  INVALID_BLOCK_NUMBER: HEADER,
  EXTRA_DATA_TOO_BIG: HEADER,
  UNKNOWN_PARENT: HEADER,
  INVALID_DIFFICULTY: HEADER,
  IMPORT_IMPOSSIBLE_UNCLES_OVER_PARIS: HEADER,
  RLP_BLOCK_LIMIT_EXCEEDED: HEADER,
  BLOB_GAS_USED_ABOVE_LIMIT: HEADER,
  INCORRECT_BLOB_GAS_USED: ["result", "header"],
  SYSTEM_CONTRACT_EMPTY: EXECUTION,
  SYSTEM_CONTRACT_CALL_FAILED: EXECUTION,
  INVALID_DEPOSIT_EVENT_LAYOUT: EXECUTION,
};

/** Result mismatches that name a header field: the field our reason must mention. */
const RESULT_FIELDS: Record<string, string> = {
  INVALID_REQUESTS: "requestsHash",
  INVALID_STATE_ROOT: "stateRoot",
  INVALID_RECEIPTS_ROOT: "receiptsRoot",
  INVALID_LOG_BLOOM: "logsBloom",
  INVALID_GAS_USED: "gasUsed",
  INVALID_WITHDRAWALS_ROOT: "withdrawalsRoot",
  INCORRECT_BLOB_GAS_USED: "blobGasUsed",
};

/**
 * Whether our rejection (stage and reason) fits the expected exception; the test may give
 * alternatives ("A|B"), any of which fits.
 */
export function rejectionFits(expected: string, stage: Stage, reason: string): boolean {
  return expected.split("|").some((name) => fitsOne(name.trim(), stage, reason));
}

function fitsOne(name: string, stage: Stage, reason: string): boolean {
  const [kind, code] = name.split(".", 2) as [string, string | undefined];
  if (code === undefined) return true;
  if (kind === "TransactionException") return TRANSACTION.includes(stage);
  if (kind !== "BlockException") return true;
  const field = RESULT_FIELDS[code];
  if (field !== undefined && stage === "result") return reason.includes(field);
  const stages = BLOCK_EXCEPTION_STAGES[code];
  if (stages === undefined) return field === undefined;
  return stages.includes(stage);
}
