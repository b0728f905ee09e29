// Runs Ethereum GeneralStateTests: for each fork and index vector, build the pre-state, execute
// the transaction, then compare the post-state root and the logs hash with the expected ones.
import { RLP } from "@ethereumjs/rlp";
import { bytesToHex, hexToBytes } from "../primitives/bytes.js";
import { keccak256 } from "../primitives/hash.js";
import { senderFromSecretKey } from "../tx/transaction.js";
import { TxType, type AccessListEntry, type Transaction } from "../tx/types.js";
import { CodeCache } from "../evm/code.js";
import type { BlockEnv } from "../evm/env.js";
import { forkByName, rulesFor, type ForkRules } from "../fork/forks.js";
import { Evm } from "../evm/interpreter.js";
import { applyTransaction, blobBaseFee, InvalidTransactionError } from "../evm/processor.js";
import { addressToBytes, fromBytes, wordFromHex, wordToBytes, type Word } from "../primitives/word.js";
import { applyWorld, memoryStateRoot } from "../state/apply.js";
import { MemoryState } from "../state/memory.js";
import { WorldState, type Log } from "../state/world.js";

export interface StateTestJson {
  env: Record<string, string>;
  pre: Record<string, { balance: string; code: string; nonce: string; storage: Record<string, string> }>;
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
  };
  post: Record<string, PostEntry[]>;
}

interface PostEntry {
  hash: string;
  logs: string;
  indexes: { data: number; gas: number; value: number };
  txbytes?: string;
  expectException?: string;
}

export interface CaseResult {
  /** `<test name>:<fork>:d<data>g<gas>v<value>` — the id used in known-failure lists. */
  id: string;
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

const codeCache = new CodeCache();

/** Runs every selected case of one test. */
export function runStateTest(name: string, test: StateTestJson, options: RunOptions = {}): CaseResult[] {
  const results: CaseResult[] = [];
  const wantedFork = options.fork === undefined ? undefined : forkByName(options.fork);
  if (options.fork !== undefined && wantedFork === undefined) throw new Error(`unknown fork name "${options.fork}"`);
  for (const [forkName, entries] of Object.entries(test.post)) {
    const fork = forkByName(forkName);
    if (fork === undefined) continue; // transition forks like "BerlinToLondonAt5" are not state-test forks
    if (wantedFork !== undefined && fork !== wantedFork) continue;
    const rules = rulesFor(fork);
    for (const entry of entries) {
      const { data, gas, value } = entry.indexes;
      const id = `${name}:${forkName}:d${data}g${gas}v${value}`;
      if (options.filter !== undefined && !id.includes(options.filter)) continue;
      if (options.skip?.includes(id)) {
        results.push({ id, ok: false, skipped: true });
        continue;
      }
      try {
        results.push({ id, ...runCase(test, rules, entry) });
      } catch (e) {
        results.push({ id, ok: false, error: `crash: ${(e as Error).stack ?? e}` });
      }
    }
  }
  return results;
}

function runCase(test: StateTestJson, rules: ForkRules, entry: PostEntry): { ok: boolean; error?: string } {
  const pre = buildPreState(test.pre);
  const block = buildBlockEnv(test.env, rules);
  const tx = buildTransaction(test.transaction, entry.indexes);
  const sender = tx.sender!;
  const world = new WorldState(pre);
  const evm = new Evm(world, block, rules, codeCache);

  let logs: Log[] = [];
  let rejected: string | undefined;
  try {
    logs = applyTransaction(evm, tx, sender).logs;
    applyWorld(world, pre);
  } catch (e) {
    if (!(e instanceof InvalidTransactionError)) throw e;
    rejected = e.message;
  }
  if (entry.expectException !== undefined && rejected === undefined) {
    return { ok: false, error: `expected exception ${entry.expectException}, but the transaction was executed` };
  }
  if (entry.expectException === undefined && rejected !== undefined) {
    return { ok: false, error: `transaction rejected: ${rejected}` };
  }
  if (process.env.PEVM_DUMP_POST) dumpState(pre);
  const root = bytesToHex(memoryStateRoot(pre));
  if (root !== entry.hash.toLowerCase()) return { ok: false, error: `state root ${root}, expected ${entry.hash}` };
  const logsHash = bytesToHex(keccak256(RLP.encode(logs.map(logRlp))));
  if (logsHash !== entry.logs.toLowerCase()) return { ok: false, error: `logs hash ${logsHash}, expected ${entry.logs} (${logs.length} logs)` };
  return { ok: true };
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

function buildPreState(pre: StateTestJson["pre"]): MemoryState {
  const state = new MemoryState();
  for (const [address, account] of Object.entries(pre)) {
    const code = hexToBytes(account.code);
    const codeHash = fromBytes(keccak256(code), 0, 32);
    state.codes.set(codeHash, code);
    const storage = new Map<Word, Word>();
    for (const [slot, value] of Object.entries(account.storage)) {
      const v = wordFromHex(value);
      if (v !== 0) storage.set(wordFromHex(slot), v);
    }
    state.putAccount(wordFromHex(address), BigInt(account.nonce), BigInt(account.balance), codeHash, storage);
  }
  return state;
}

function buildBlockEnv(env: Record<string, string>, rules: ForkRules): BlockEnv {
  const number = BigInt(env.currentNumber!);
  return {
    coinbase: wordFromHex(env.currentCoinbase!),
    number,
    timestamp: BigInt(env.currentTimestamp!),
    gasLimit: BigInt(env.currentGasLimit!),
    difficulty: BigInt(env.currentDifficulty ?? "0x0"),
    prevRandao: wordFromHex(env.currentRandom ?? env.currentDifficulty ?? "0x0"),
    baseFee: rules.eip1559 ? BigInt(env.currentBaseFee ?? "0x0") : 0n,
    chainId: 1n,
    blobBaseFee: rules.hasBlobs ? blobBaseFee(BigInt(env.currentExcessBlobGas ?? "0x0")) : 0n,
    // The state-test convention: the hash of block n is keccak256 of n in decimal.
    blockHash: (n: bigint) => fromBytes(keccak256(new TextEncoder().encode(n.toString())), 0, 32),
  };
}

const senderCache = new Map<string, Word>();

function buildTransaction(t: StateTestJson["transaction"], idx: PostEntry["indexes"]): Transaction {
  const accessListJson = t.accessLists?.[idx.data] ?? null;
  const accessList: AccessListEntry[] = (accessListJson ?? []).map((e) => ({
    address: wordFromHex(e.address),
    storageKeys: e.storageKeys.map(wordFromHex),
  }));
  let type = TxType.Legacy;
  if (t.blobVersionedHashes !== undefined) type = TxType.Blob;
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
    chainId: 1n,
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
    authorizationList: [],
    v: 0n,
    r: 0n,
    s: 0n,
    sender,
  };
}

/** A hex quantity; the tests write values that overflow 256 bits as "0x:bigint 0x...". */
function quantity(hex: string): bigint {
  return BigInt(hex.startsWith("0x:bigint ") ? hex.slice(10) : hex);
}

