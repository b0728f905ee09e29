// Block-level state changes outside transactions: the DAO irregular state change, the system
// calls before the transactions (EIP-4788 beacon root, EIP-2935 parent hash), pre-merge block and
// uncle rewards, EIP-4895 withdrawals, and the EIP-7685 requests after them (EIP-6110 deposits
// from logs, EIP-7002 and EIP-7251 system calls). Shared by every executor.
import { createHash } from "node:crypto";
import type { ForkRules } from "../fork/forks.js";
import { CallKind, Status, type CallResult, type Evm } from "../evm/interpreter.js";
import { wordFromHex, type Word } from "../primitives/word.js";
import { KECCAK_EMPTY_WORD } from "../state/reader.js";
import type { WorldState } from "../state/world.js";
import type { Block } from "../block/block.js";
import { DAO_ACCOUNTS, DAO_FORK_BLOCK, DAO_REFUND_CONTRACT } from "../block/dao.js";
import type { Receipt } from "../block/receipt.js";
import { BlockExecutionError } from "./errors.js";

const GWEI = 1_000_000_000n;
/** EIP-4788 constants. */
export const SYSTEM_ADDRESS: Word = wordFromHex("0xfffffffffffffffffffffffffffffffffffffffe");
export const BEACON_ROOTS_ADDRESS: Word = wordFromHex("0x000f3df6d732807ef1319fb7b8bb8522d0beac02");
/** EIP-2935. */
export const HISTORY_STORAGE_ADDRESS: Word = wordFromHex("0x0000f90827f1c53a10cb7a02335b175320002935");
/** EIP-7002 and EIP-7251 system contracts. */
export const WITHDRAWAL_REQUEST_ADDRESS: Word = wordFromHex("0x00000961ef480eb55e80d19ad83579a64c007002");
export const CONSOLIDATION_REQUEST_ADDRESS: Word = wordFromHex("0x0000bbddc7ce488642fb579f8b00f3a590007251");
/** EIP-6110: the deposit contract and its DepositEvent topic. */
export const DEPOSIT_CONTRACT_ADDRESS: Word = wordFromHex("0x00000000219ab540356cbb839cbe05303d7705fa");
const DEPOSIT_EVENT_TOPIC: Word = wordFromHex("0x649bbc62d0e31342afea4e5cd82d4049e7e1ee912fc0889aa790803be39038c5");
const SYSTEM_CALL_GAS = 30_000_000;

const DEPOSIT_REQUEST_TYPE = 0x00;
const WITHDRAWAL_REQUEST_TYPE = 0x01;
const CONSOLIDATION_REQUEST_TYPE = 0x02;

/** Changes applied before the first transaction. */
export function applyBlockPrologue(evm: Evm, block: Block): void {
  const { world, rules } = evm;
  const { header } = block;
  if (header.number === DAO_FORK_BLOCK) applyDaoFork(world, rules);
  if (rules.beaconRoots && header.parentBeaconBlockRoot !== null) systemCall(evm, BEACON_ROOTS_ADDRESS, header.parentBeaconBlockRoot);
  if (rules.historyStorage) systemCall(evm, HISTORY_STORAGE_ADDRESS, header.parentHash);
}

/** What the block's epilogue produced besides state changes. */
export interface EpilogueOutcome {
  /** What could not be applied or computed, said plainly. */
  warnings: string[];
  /** EIP-7685 requests, each its type byte and data, in type order; null before Prague or when not computable. */
  requests: Uint8Array[] | null;
}

/**
 * Changes applied after the last transaction, on `evm`'s world: rewards, withdrawals, then the
 * requests (from the transactions' `receipts` and two system calls). Warnings say what could not
 * be applied (uncle rewards need the uncles' numbers and miners, which RPC blocks do not carry).
 * `completeState`: the world's pre-state holds every account (see ExecuteOptions).
 */
export function applyBlockEpilogue(evm: Evm, block: Block, receipts: readonly Receipt[], completeState = false): EpilogueOutcome {
  const { world, rules } = evm;
  const warnings = rules.blockReward > 0n ? payRewards(world, rules, block) : [];
  if (rules.withdrawals && block.withdrawals !== null) {
    for (const w of block.withdrawals) world.addBalance(w.address, w.amount * GWEI);
  }
  world.finalizeTransaction(rules);
  const requests = rules.requests ? blockRequests(evm, receipts, completeState, warnings) : null;
  return { warnings, requests };
}

/** EIP-7685: deposits from the deposit contract's logs, then what the two request contracts return. */
function blockRequests(evm: Evm, receipts: readonly Receipt[], completeState: boolean, warnings: string[]): Uint8Array[] | null {
  const requests: Uint8Array[] = [];
  const deposits = depositRequests(receipts);
  if (deposits.length > 0) requests.push(typed(DEPOSIT_REQUEST_TYPE, deposits));
  let computable = true;
  for (const [type, address] of [[WITHDRAWAL_REQUEST_TYPE, WITHDRAWAL_REQUEST_ADDRESS], [CONSOLIDATION_REQUEST_TYPE, CONSOLIDATION_REQUEST_ADDRESS]] as const) {
    const name = `0x${address.toString(16).padStart(40, "0")}`;
    if (evm.world.getCodeHash(address) === KECCAK_EMPTY_WORD) {
      if (completeState) throw new BlockExecutionError(`the request system contract ${name} has no code (EIP-${type === WITHDRAWAL_REQUEST_TYPE ? 7002 : 7251})`);
      warnings.push(`the pre-state has no code for the request system contract ${name}: the block's requests (and requestsHash) cannot be computed`);
      computable = false;
      continue;
    }
    const result = systemCall(evm, address, new Uint8Array(0));
    if (result.status !== Status.Success) throw new BlockExecutionError(`the request system contract ${name} failed: ${result.error ?? "reverted"}`);
    if (result.output.length > 0) requests.push(typed(type, result.output));
  }
  return computable ? requests : null;
}

/** EIP-7685's commitment to the requests: sha256 of the concatenated sha256 of each. */
export function requestsHash(requests: readonly Uint8Array[]): Uint8Array {
  const outer = createHash("sha256");
  for (const request of requests) outer.update(createHash("sha256").update(request).digest());
  return new Uint8Array(outer.digest());
}

function typed(type: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + data.length);
  out[0] = type;
  out.set(data, 1);
  return out;
}

// EIP-6110: the DepositEvent's ABI layout, which must be exactly this (offsets, then each field
// as a 32-byte length and the padded bytes).
const DEPOSIT_EVENT_BYTES = 576;
const DEPOSIT_FIELDS: readonly { name: string; offset: number; size: number }[] = [
  { name: "pubkey", offset: 160, size: 48 },
  { name: "withdrawal credentials", offset: 256, size: 32 },
  { name: "amount", offset: 320, size: 8 },
  { name: "signature", offset: 384, size: 96 },
  { name: "index", offset: 512, size: 8 },
];
const DEPOSIT_REQUEST_BYTES = 192;

function depositRequests(receipts: readonly Receipt[]): Uint8Array {
  const parts: Uint8Array[] = [];
  receipts.forEach((receipt, txIndex) => {
    for (const log of receipt.logs) {
      if (log.address !== DEPOSIT_CONTRACT_ADDRESS || log.topics[0] !== DEPOSIT_EVENT_TOPIC) continue;
      const deposit = depositData(log.data);
      if (typeof deposit === "string") throw new BlockExecutionError(`transaction ${txIndex}: invalid deposit log (EIP-6110): ${deposit}`, txIndex);
      parts.push(deposit);
    }
  });
  const out = new Uint8Array(parts.length * DEPOSIT_REQUEST_BYTES);
  parts.forEach((part, i) => out.set(part, i * DEPOSIT_REQUEST_BYTES));
  return out;
}

/** A deposit request (pubkey, withdrawal credentials, amount, signature, index) from a DepositEvent's data, or what is wrong with it. */
export function depositData(data: Uint8Array): Uint8Array | string {
  if (data.length !== DEPOSIT_EVENT_BYTES) return `data of ${data.length} bytes, expected ${DEPOSIT_EVENT_BYTES}`;
  const out = new Uint8Array(DEPOSIT_REQUEST_BYTES);
  let at = 0;
  for (let i = 0; i < DEPOSIT_FIELDS.length; i++) {
    const field = DEPOSIT_FIELDS[i]!;
    if (readSmall(data, 32 * i) !== field.offset) return `${field.name} offset is not ${field.offset}`;
    if (readSmall(data, field.offset) !== field.size) return `${field.name} size is not ${field.size}`;
    out.set(data.subarray(field.offset + 32, field.offset + 32 + field.size), at);
    at += field.size;
  }
  return out;
}

/** The 32-byte big-endian word at `at`, or -1 when it does not fit in 32 bits. */
function readSmall(data: Uint8Array, at: number): number {
  for (let i = at; i < at + 28; i++) if (data[i] !== 0) return -1;
  return ((data[at + 28]! << 24) | (data[at + 29]! << 16) | (data[at + 30]! << 8) | data[at + 31]!) >>> 0;
}

function applyDaoFork(world: WorldState, rules: ForkRules): void {
  const refund = wordFromHex(DAO_REFUND_CONTRACT);
  for (const hex of DAO_ACCOUNTS) {
    const account = wordFromHex(hex);
    const balance = world.getBalance(account);
    world.subBalance(account, balance);
    world.addBalance(refund, balance);
  }
  world.finalizeTransaction(rules);
}

/**
 * A system call (EIP-4788, EIP-2935, EIP-7002, EIP-7251): the system address calls `to` with
 * `data` and 30M gas outside any transaction; no value moves and no gas is paid.
 */
function systemCall(evm: Evm, to: Word, data: Uint8Array): CallResult {
  evm.tx = { origin: SYSTEM_ADDRESS, gasPrice: evm.block.baseFee, blobHashes: [] };
  const result = evm.call({
    kind: CallKind.Call,
    caller: SYSTEM_ADDRESS,
    to,
    codeAddress: to,
    value: 0n,
    data,
    gas: SYSTEM_CALL_GAS,
    depth: 0,
    isStatic: false,
  });
  evm.world.finalizeTransaction(evm.rules);
  return result;
}

/** Yellow Paper 11.3: the miner gets R plus R/32 per uncle; each uncle's miner (8 + Hu - H)/8 of R. */
function payRewards(world: WorldState, rules: ForkRules, block: Block): string[] {
  const reward = rules.blockReward;
  const { number, coinbase } = block.header;
  world.addBalance(coinbase, reward + (reward / 32n) * BigInt(block.ommers.length));
  let unknown = 0;
  for (const ommer of block.ommers) {
    if (ommer.number === undefined || ommer.coinbase === undefined) {
      unknown++;
      continue;
    }
    world.addBalance(ommer.coinbase, ((8n + ommer.number - number) * reward) / 8n);
  }
  return unknown === 0 ? [] : [`${unknown} uncle reward(s) not applied: the block gives uncle hashes only, not their numbers and miners`];
}

