// Runs Ethereum GeneralStateTests: for each fork and index vector, build the pre-state, execute
// the transaction, then compare the post-state root and the logs hash with the expected ones.
import { RLP } from "@ethereumjs/rlp";
import { bytesToHex, hexToBytes } from "../primitives/bytes.js";
import { keccak256 } from "../primitives/hash.js";
import { calldataFloorGas } from "../tx/transaction.js";
import { senderFromSecretKey } from "../tx/secretKey.js";
import { TxType, type AccessListEntry, type Authorization, type Transaction } from "../tx/types.js";
import { threadCodeCache } from "../evm/code.js";
import type { BlockEnv } from "../evm/env.js";
import { forkByName, rulesFor, type BlobParams, type ForkRules } from "../fork/forks.js";
import { Evm, type Status } from "../evm/interpreter.js";
import { applyTransaction, blobBaseFee, InvalidTransactionError } from "../evm/processor.js";
import { addressToBytes, fromBytes, wordFromHex, wordToBytes, type Word } from "../primitives/word.js";
import { applyWorld, memoryStateRoot } from "../state/apply.js";
import type { MemoryState } from "../state/memory.js";
import { describeDifferences, stateFromJson, type AccountJson } from "../state/testJson.js";
import { WorldState, type Log } from "../state/world.js";

export interface StateTestJson {
  env: Record<string, string>;
  pre: Record<string, AccountJson>;
  transaction: {
    data: string[];
    gasLimit: string[];
    value: string[];
    nonce: string;
    gasPrice?: string;
    maxFeePerGas?: string;
    maxPriorityFeePerGas?: string;
    to: string;
    secretKey: string;
    sender?: string;
    accessLists?: (Array<{ address: string; storageKeys: string[] }> | null)[];
    blobVersionedHashes?: string[];
    maxFeePerBlobGas?: string;
    /** EIP-7702: one list for every index vector; makes the transaction type 4. */
    authorizationList?: AuthorizationJson[];
  };
  post: Record<string, PostEntry[]>;
  /** execution-spec-tests: the chain id and, per fork, the blob parameters the case was filled with. */
  config?: TestConfig;
}

export interface TestConfig {
  chainid?: string;
  blobSchedule?: Record<string, { target: string; max: string; baseFeeUpdateFraction: string }>;
}

export interface AuthorizationJson {
  chainId: string;
  address: string;
  nonce: string;
  /** The y parity; `v` carries the same value. */
  yParity?: string;
  v?: string;
  r: string;
  s: string;
  /** The recovered authority as the filler saw it (absent when the signature is invalid); not used: the processor recovers it. */
  signer?: string;
}

export interface PostEntry {
  hash: string;
  logs: string;
  indexes: { data: number; gas: number; value: number };
  txbytes?: string;
  expectException?: string;
  /** execution-spec-tests: the expected post-state in full, used to name what differs. */
  state?: Record<string, AccountJson>;
}

export type { AccountJson } from "../state/testJson.js";

export interface CaseResult {
  /** `<test name>:<fork>:d<data>g<gas>v<value>` — the id used in known-failure lists. */
  id: string;
  /** The fork name as the test writes it (e.g. "ConstantinopleFix", "Prague"). */
  fork: string;
  ok: boolean;
  /** Not run: listed in the options' `skip` (too slow for routine runs). */
  skipped?: boolean;
  /** The first difference found, when not ok. */
  error?: string;
}

export interface RunOptions {
  fork?: string;
  filter?: string;
  /** Case ids not to run; they are reported as skipped. */
  skip?: string[];
}


/** What a case runs under: the fork's rules (blob parameters from the test's config) and the chain id. */
export interface CaseContext {
  rules: ForkRules;
  chainId: bigint;
}

/** Runs every selected case of one test. A fork the runner does not know fails each of its cases. */
export function runStateTest(name: string, test: StateTestJson, options: RunOptions = {}): CaseResult[] {
  const results: CaseResult[] = [];
  const wantedFork = options.fork === undefined ? undefined : forkByName(options.fork);
  if (options.fork !== undefined && wantedFork === undefined) throw new Error(`unknown fork name "${options.fork}"`);
  const chainId = chainIdOf(test.config);
  for (const [forkName, entries] of Object.entries(test.post)) {
    const fork = forkByName(forkName);
    if (wantedFork !== undefined && fork !== wantedFork) continue;
    const context = fork === undefined ? undefined : { rules: rulesWithSchedule(rulesFor(fork), forkName, test.config), chainId };
    for (const entry of entries) {
      const { data, gas, value } = entry.indexes;
      const id = `${name}:${forkName}:d${data}g${gas}v${value}`;
      if (options.filter !== undefined && !id.includes(options.filter)) continue;
      if (options.skip?.includes(id)) {
        results.push({ id, fork: forkName, ok: false, skipped: true });
        continue;
      }
      if (context === undefined) {
        results.push({ id, fork: forkName, ok: false, error: `unknown fork ${forkName}` });
        continue;
      }
      try {
        results.push({ id, fork: forkName, ...runCase(test, context, entry) });
      } catch (e) {
        results.push({ id, fork: forkName, ok: false, error: `crash: ${(e as Error).stack ?? e}` });
      }
    }
  }
  return results;
}

/** The test's chain id (execution-spec-tests give it in `config`), 1 otherwise. */
export function chainIdOf(config: TestConfig | undefined): bigint {
  return config?.chainid === undefined ? 1n : BigInt(config.chainid);
}

/**
 * The fork's rules with the blob parameters the test was filled with (`config.blobSchedule`, keyed
 * by fork name), or the fork's own rules when the test gives none. Built once per test and fork.
 */
export function rulesWithSchedule(rules: ForkRules, forkName: string, config: TestConfig | undefined): ForkRules {
  const schedule = blobScheduleFor(config, forkName);
  if (schedule === undefined || !rules.hasBlobs) return rules;
  const blobs: BlobParams = {
    ...rules.blobs,
    target: Number(schedule.target),
    max: Number(schedule.max),
    baseFeeUpdateFraction: BigInt(schedule.baseFeeUpdateFraction),
  };
  return { ...rules, blobs };
}

function blobScheduleFor(config: TestConfig | undefined, forkName: string) {
  const schedule = config?.blobSchedule;
  if (schedule === undefined) return undefined;
  if (schedule[forkName] !== undefined) return schedule[forkName];
  // Names are matched as forks, so that an alias ("Merge", "EIP158") finds its entry.
  const fork = forkByName(forkName);
  const key = Object.keys(schedule).find((k) => forkByName(k) === fork);
  return key === undefined ? undefined : schedule[key];
}

function runCase(test: StateTestJson, context: CaseContext, entry: PostEntry): { ok: boolean; error?: string } {
  const outcome = executeCase(test, context, entry.indexes);
  const error = compareOutcome(entry, outcome);
  if (error === undefined) return { ok: true };
  const notes = caseNotes(outcome.tx, context.rules, outcome.gasUsed);
  return { ok: false, error: notes.length === 0 ? error : `${error} (${notes.join("; ")})` };
}

export interface CaseOutcome {
  tx: Transaction;
  /** The pre-state with the transaction's changes applied (unchanged when it was rejected). */
  post: MemoryState;
  logs: Log[];
  gasUsed?: bigint;
  /** How the top frame ended: success, revert or exceptional halt (absent when the transaction was rejected). */
  status?: Status;
  /** The processor's message when it rejected the transaction. */
  rejected?: string;
}

/** Builds the pre-state, block and transaction of one index vector and executes it. */
export function executeCase(test: StateTestJson, context: CaseContext, indexes: PostEntry["indexes"]): CaseOutcome {
  const post = stateFromJson(test.pre, "pre");
  const block = buildBlockEnv(test.env, context);
  const tx = buildTransaction(test.transaction, indexes, context.chainId);
  const world = new WorldState(post);
  const evm = new Evm(world, block, context.rules, threadCodeCache);
  try {
    const { logs, gasUsed, status } = applyTransaction(evm, tx, tx.sender!);
    applyWorld(world, post);
    return { tx, post, logs, gasUsed, status };
  } catch (e) {
    if (!(e instanceof InvalidTransactionError)) throw e;
    return { tx, post, logs: [], rejected: e.message };
  }
}

/** The first difference from the expected outcome, or undefined when there is none. */
function compareOutcome(entry: PostEntry, { post, logs, rejected }: CaseOutcome): string | undefined {
  // Any rejection satisfies `expectException`: the processor's messages are not the tests' names
  // (which may list alternatives: "TransactionException.A|TransactionException.B").
  if (entry.expectException !== undefined && rejected === undefined) {
    return `expected exception ${entry.expectException}, but the transaction was executed`;
  }
  if (entry.expectException === undefined && rejected !== undefined) return `transaction rejected: ${rejected}`;
  if (process.env.PEVM_DUMP_POST) dumpState(post);
  const root = bytesToHex(memoryStateRoot(post));
  if (root !== entry.hash.toLowerCase()) {
    const differences = entry.state === undefined ? "" : `: ${describeStateDifferences(post, entry.state)}`;
    return `state root ${root}, expected ${entry.hash}${differences}`;
  }
  const logsHash = bytesToHex(keccak256(RLP.encode(logs.map(logRlp))));
  if (logsHash !== entry.logs.toLowerCase()) return `logs hash ${logsHash}, expected ${entry.logs} (${logs.length} logs)`;
  return undefined;
}


/**
 * Facts about a failing case that point at a fork feature: a set-code transaction, a gas use
 * below the EIP-7623 calldata floor, a gas limit above the EIP-7825 cap. They name the likely
 * cause in failure reports; once the processor applies the rule, the floor and cap notes vanish.
 */
function caseNotes(tx: Transaction, rules: ForkRules, gasUsed: bigint | undefined): string[] {
  const notes: string[] = [];
  if (tx.type === TxType.SetCode) notes.push(`EIP-7702 set-code transaction with ${tx.authorizationList.length} authorizations`);
  if (gasUsed !== undefined && rules.calldataFloorPerToken > 0) {
    const floor = calldataFloorGas(tx, rules);
    if (gasUsed < floor) notes.push(`gas used ${gasUsed} is below the EIP-7623 calldata floor ${floor}`);
  }
  if (rules.txGasLimitCap > 0n && tx.gasLimit > rules.txGasLimitCap) notes.push(`gas limit ${tx.gasLimit} is above the EIP-7825 cap ${rules.txGasLimitCap}`);
  return notes;
}

/** Names what differs between our post-state and the expected one (the first few differences). */
export function describeStateDifferences(actual: MemoryState, expected: Record<string, AccountJson>): string {
  return describeDifferences(actual, stateFromJson(expected, "post.state"), 3) || "no account differs";
}

/** Prints a post-state to stderr (PEVM_DUMP_POST=1), for comparing with another client's. */
function dumpState(state: MemoryState): void {
  for (const [address, a] of state.accounts) {
    const storage = [...a.storage].map(([k, v]) => `${k.toString(16)}=${v.toString(16)}`).join(" ");
    console.error(`${address.toString(16).padStart(40, "0")} nonce=${a.nonce} balance=${a.balance} code=${a.codeHash.toString(16).slice(0, 8)} ${storage}`);
  }
}

function logRlp(log: Log): [Uint8Array, Uint8Array[], Uint8Array] {
  return [addressToBytes(log.address), log.topics.map(wordToBytes), log.data];
}

function buildBlockEnv(env: Record<string, string>, { rules, chainId }: CaseContext): BlockEnv {
  const number = BigInt(env.currentNumber!);
  return {
    coinbase: wordFromHex(env.currentCoinbase!),
    number,
    timestamp: BigInt(env.currentTimestamp!),
    gasLimit: BigInt(env.currentGasLimit!),
    difficulty: BigInt(env.currentDifficulty ?? "0x0"),
    prevRandao: wordFromHex(env.currentRandom ?? env.currentDifficulty ?? "0x0"),
    baseFee: rules.eip1559 ? BigInt(env.currentBaseFee ?? "0x0") : 0n,
    chainId,
    blobBaseFee: rules.hasBlobs ? blobBaseFee(BigInt(env.currentExcessBlobGas ?? "0x0"), rules) : 0n,
    // The state-test convention: the hash of block n is keccak256 of n in decimal.
    blockHash: (n: bigint) => fromBytes(keccak256(new TextEncoder().encode(n.toString())), 0, 32),
  };
}

const senderCache = new Map<string, Word>();

export function buildTransaction(t: StateTestJson["transaction"], idx: PostEntry["indexes"], chainId: bigint): Transaction {
  const accessListJson = t.accessLists?.[idx.data] ?? null;
  const accessList: AccessListEntry[] = (accessListJson ?? []).map((e) => ({
    address: wordFromHex(e.address),
    storageKeys: e.storageKeys.map(wordFromHex),
  }));
  let type = TxType.Legacy;
  if (t.blobVersionedHashes !== undefined) type = TxType.Blob;
  else if (t.authorizationList !== undefined) type = TxType.SetCode;
  else if (t.maxFeePerGas !== undefined) type = TxType.FeeMarket;
  else if (accessListJson !== null && t.accessLists !== undefined) type = TxType.AccessList;
  const maxFee = quantity(t.maxFeePerGas ?? t.gasPrice ?? "0x0");
  let sender = senderCache.get(t.secretKey);
  if (sender === undefined) {
    sender = t.sender !== undefined ? wordFromHex(t.sender) : senderFromSecretKey(hexToBytes(t.secretKey));
    senderCache.set(t.secretKey, sender);
  }
  return {
    type,
    chainId,
    nonce: quantity(t.nonce),
    maxFeePerGas: maxFee,
    maxPriorityFeePerGas: quantity(t.maxPriorityFeePerGas ?? t.gasPrice ?? "0x0"),
    gasLimit: quantity(t.gasLimit[idx.gas]!),
    to: t.to === "" ? null : wordFromHex(t.to),
    value: quantity(t.value[idx.value]!),
    data: hexToBytes(t.data[idx.data]!),
    accessList,
    maxFeePerBlobGas: quantity(t.maxFeePerBlobGas ?? "0x0"),
    blobVersionedHashes: (t.blobVersionedHashes ?? []).map(wordFromHex),
    authorizationList: (t.authorizationList ?? []).map(buildAuthorization),
    v: 0n,
    r: 0n,
    s: 0n,
    sender,
  };
}

/** An authorization as signed; its authority is left for the processor to recover from the signature. */
export function buildAuthorization(a: AuthorizationJson): Authorization {
  const yParity = a.yParity ?? a.v;
  if (yParity === undefined) throw new Error(`authorization for ${a.address} has neither yParity nor v`);
  return {
    chainId: quantity(a.chainId),
    address: wordFromHex(a.address),
    nonce: quantity(a.nonce),
    yParity: quantity(yParity),
    r: quantity(a.r),
    s: quantity(a.s),
  };
}

/** A hex quantity; the tests write values that overflow 256 bits as "0x:bigint 0x...". */
function quantity(hex: string): bigint {
  return BigInt(hex.startsWith("0x:bigint ") ? hex.slice(10) : hex);
}

