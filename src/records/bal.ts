// EIP-7928 block-level access lists (BALs): every account and storage slot a block accesses, with
// the post-value of each change at the block access index that made it (0: pre-execution system
// calls, 1..n: the transactions, n+1: withdrawals and post-execution system calls). This module
// holds the list's types, its RLP encoding and hash (the header's `blockAccessListHash`), a
// validating RLP reader, the JSON form of the execution-spec tests and the Engine API, and a
// builder that turns per-index changes into a canonical list.
//
// RLP shape (EIP-7928, "RLP Data Structures"):
//   BlockAccessList = [AccountChanges, ...]
//   AccountChanges  = [address (20 bytes), [SlotChanges], [storage key], [BalanceChange],
//                      [NonceChange], [CodeChange]]
//   SlotChanges     = [storage key, [StorageChange, ...]]      (at least one change)
//   StorageChange   = [index, value]    BalanceChange = [index, balance]
//   NonceChange     = [index, nonce]    CodeChange    = [index, code bytes]
// Storage keys and values are uint256, balances uint256, nonces uint64 and indices uint32, all
// encoded as minimal big-endian integers (zero is the empty string); addresses are 20 bytes.
// Ordering: accounts by address, slots by key, storage reads by key (all strictly ascending: no
// duplicates), every change list by block access index (strictly ascending); a key is never both
// in storage changes and in storage reads of the same account.
import { keccak256 } from "../primitives/hash.js";
import { bigintToBytes, bytesEqual, bytesToBigint, bytesToHex, hexToBytes, padLeft } from "../primitives/bytes.js";
import { decode as rlpDecode, encode as rlpEncode, type RlpInput, type RlpItem } from "../primitives/rlp.js";

// ---------------------------------------------------------------------------------------------
// Types

export interface StorageChange {
  /** Block access index of the change. */
  index: number;
  /** The slot's value after that index. */
  value: bigint;
}

export interface SlotChanges {
  slot: bigint;
  /** Ascending by index; never empty. */
  changes: StorageChange[];
}

export interface BalanceChange {
  index: number;
  /** Balance after the index, in wei. */
  value: bigint;
}

export interface NonceChange {
  index: number;
  /** Nonce after the index. */
  value: bigint;
}

export interface CodeChange {
  index: number;
  /** Code after the index (runtime code or an EIP-7702 delegation indicator). */
  code: Uint8Array;
}

/** One account's entry, its fields in the EIP's RLP order. */
export interface AccountChanges {
  address: bigint;
  storageChanges: SlotChanges[];
  storageReads: bigint[];
  balanceChanges: BalanceChange[];
  nonceChanges: NonceChange[];
  codeChanges: CodeChange[];
}

export type BlockAccessList = AccountChanges[];

/** What the list is checked against beyond its own form, when the block is known. */
export interface BalLimits {
  /** Transactions in the block: no index may exceed transactionCount + 1. */
  transactionCount?: number;
  /** The block's gas limit: addresses + storage keys may not exceed gasLimit / BAL_ITEM_COST. */
  gasLimit?: bigint;
}

/** A list that breaks the EIP's form or ordering rules, or input that cannot be one. */
export class BalFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BalFormatError";
  }
}

/** Gas per BAL item (address or storage key) in the size bound bal_items <= gasLimit / ITEM_COST. */
export const BAL_ITEM_COST = 2000n;

const MAX_INDEX = 0xffffffff; // uint32
const ADDRESS_LIMIT = 1n << 160n;
const UINT256_LIMIT = 1n << 256n;
const UINT64_LIMIT = 1n << 64n;
const INDEX_LIMIT = BigInt(MAX_INDEX) + 1n;

// ---------------------------------------------------------------------------------------------
// Field checks shared by the encoder, the validator and the builder

function hexOf(n: bigint): string {
  return "0x" + n.toString(16);
}

/** The 20-byte hex of an address, or its plain hex when it does not fit. */
function addressHex(address: bigint): string {
  if (address >= 0n && address < ADDRESS_LIMIT) return "0x" + address.toString(16).padStart(40, "0");
  return typeof address === "bigint" ? hexOf(address) : String(address);
}

function accountLabel(i: number, address: bigint): string {
  return `account ${i} (${addressHex(address)})`;
}

function checkUint(value: unknown, limit: bigint, where: string, what: string): void {
  if (typeof value !== "bigint") throw new BalFormatError(`${where}: ${what} is not a bigint`);
  if (value < 0n || value >= limit) {
    throw new BalFormatError(`${where}: ${what} ${value < 0n ? value : hexOf(value)} is out of range (${limitText(limit)})`);
  }
}

function limitText(limit: bigint): string {
  return limit === ADDRESS_LIMIT ? "20 bytes" : limit === UINT64_LIMIT ? "uint64" : limit === INDEX_LIMIT ? "uint32" : "uint256";
}

function checkIndex(index: unknown, where: string): void {
  if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index > MAX_INDEX) {
    throw new BalFormatError(`${where}: block access index ${String(index)} is not a uint32`);
  }
}

/** Checks that every field fits its RLP type (address, uint256, uint64, uint32, bytes); not ordering. */
function checkFields(bal: BlockAccessList): void {
  if (!Array.isArray(bal)) throw new BalFormatError("block access list: not an array");
  bal.forEach((acc, i) => {
    const address = acc.address;
    if (typeof address !== "bigint" || address < 0n || address >= ADDRESS_LIMIT) {
      throw new BalFormatError(`account ${i}: address ${String(address)} is not a 20-byte address`);
    }
    const where = accountLabel(i, address);
    for (const sc of acc.storageChanges) {
      checkUint(sc.slot, UINT256_LIMIT, where, "storage change slot");
      for (const c of sc.changes) {
        checkIndex(c.index, `${where}: slot ${hexOf(sc.slot)}`);
        checkUint(c.value, UINT256_LIMIT, `${where}: slot ${hexOf(sc.slot)} at index ${c.index}`, "value");
      }
    }
    for (const slot of acc.storageReads) checkUint(slot, UINT256_LIMIT, where, "storage read slot");
    for (const c of acc.balanceChanges) {
      checkIndex(c.index, `${where}: balance change`);
      checkUint(c.value, UINT256_LIMIT, `${where}: balance change at index ${c.index}`, "balance");
    }
    for (const c of acc.nonceChanges) {
      checkIndex(c.index, `${where}: nonce change`);
      checkUint(c.value, UINT64_LIMIT, `${where}: nonce change at index ${c.index}`, "nonce");
    }
    for (const c of acc.codeChanges) {
      checkIndex(c.index, `${where}: code change`);
      if (!(c.code instanceof Uint8Array)) throw new BalFormatError(`${where}: code change at index ${c.index}: code is not a Uint8Array`);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Encoding and hashing

/**
 * The RLP of the list, in the order given (validateBal checks the order; buildBal produces it).
 * Throws a BalFormatError when a field does not fit its type.
 */
export function encodeBal(bal: BlockAccessList): Uint8Array {
  checkFields(bal);
  const items: RlpInput[] = bal.map((acc) => [
    padLeft(bigintToBytes(acc.address), 20),
    acc.storageChanges.map((sc) => [sc.slot, sc.changes.map((c) => [c.index, c.value])]),
    acc.storageReads.slice(),
    acc.balanceChanges.map((c) => [c.index, c.value]),
    acc.nonceChanges.map((c) => [c.index, c.value]),
    acc.codeChanges.map((c) => [c.index, c.code]),
  ]);
  return rlpEncode(items);
}

/** keccak256 of the list's RLP: the header's blockAccessListHash. */
export function balHash(bal: BlockAccessList): Uint8Array {
  return keccak256(encodeBal(bal));
}

/** The hash of the empty list, keccak256(0xc0). */
export const EMPTY_BAL_HASH: Uint8Array = keccak256(Uint8Array.of(0xc0));

/** Addresses plus storage keys (changed and read): the items the gas-limit bound counts. */
export function balItemCount(bal: BlockAccessList): number {
  let n = 0;
  for (const acc of bal) n += 1 + acc.storageChanges.length + acc.storageReads.length;
  return n;
}

// ---------------------------------------------------------------------------------------------
// Validation

/**
 * Checks the EIP's form rules: field widths, accounts strictly ascending by address, slots
 * strictly ascending in storage changes and in storage reads, no slot both changed and read, no
 * slot without changes, indices strictly ascending in every change list; and, when limits are
 * given, the index bound (transactionCount + 1) and the item bound (gasLimit / 2000).
 * Throws a BalFormatError naming the first offending entry.
 */
export function validateBal(bal: BlockAccessList, limits: BalLimits = {}): void {
  checkFields(bal);
  const maxIndex = limits.transactionCount === undefined ? undefined : limits.transactionCount + 1;
  if (maxIndex !== undefined && (!Number.isInteger(maxIndex) || maxIndex < 1)) {
    throw new BalFormatError(`block access list: transaction count ${String(limits.transactionCount)} is not a non-negative integer`);
  }
  const checkIndices = (list: readonly { index: number }[], where: string, what: string): void => {
    for (let k = 0; k < list.length; k++) {
      const index = list[k]!.index;
      if (k > 0) {
        const prev = list[k - 1]!.index;
        if (index === prev) throw new BalFormatError(`${where}: ${what}: duplicate block access index ${index}`);
        if (index < prev) throw new BalFormatError(`${where}: ${what}: block access index ${index} not in ascending order (after ${prev})`);
      }
      if (maxIndex !== undefined && index > maxIndex) {
        throw new BalFormatError(
          `${where}: ${what}: block access index ${index} exceeds the block's last index ${maxIndex} (${limits.transactionCount} transactions + 1)`,
        );
      }
    }
  };
  for (let i = 0; i < bal.length; i++) {
    const acc = bal[i]!;
    const where = accountLabel(i, acc.address);
    if (i > 0) {
      const prev = bal[i - 1]!.address;
      if (acc.address === prev) throw new BalFormatError(`${where}: duplicate address (same as account ${i - 1})`);
      if (acc.address < prev) throw new BalFormatError(`${where}: address not in ascending order (after ${addressHex(prev)})`);
    }
    const changed = new Set<bigint>();
    for (let k = 0; k < acc.storageChanges.length; k++) {
      const sc = acc.storageChanges[k]!;
      if (k > 0) {
        const prev = acc.storageChanges[k - 1]!.slot;
        if (sc.slot === prev) throw new BalFormatError(`${where}: storage changes: duplicate slot ${hexOf(sc.slot)}`);
        if (sc.slot < prev) throw new BalFormatError(`${where}: storage changes not in ascending order at slot ${hexOf(sc.slot)} (after ${hexOf(prev)})`);
      }
      if (sc.changes.length === 0) throw new BalFormatError(`${where}: storage changes: slot ${hexOf(sc.slot)} has no changes`);
      checkIndices(sc.changes, where, `storage changes of slot ${hexOf(sc.slot)}`);
      changed.add(sc.slot);
    }
    for (let k = 0; k < acc.storageReads.length; k++) {
      const slot = acc.storageReads[k]!;
      if (k > 0) {
        const prev = acc.storageReads[k - 1]!;
        if (slot === prev) throw new BalFormatError(`${where}: storage reads: duplicate slot ${hexOf(slot)}`);
        if (slot < prev) throw new BalFormatError(`${where}: storage reads not in ascending order at slot ${hexOf(slot)} (after ${hexOf(prev)})`);
      }
      if (changed.has(slot)) throw new BalFormatError(`${where}: slot ${hexOf(slot)} is both in storage changes and in storage reads`);
    }
    checkIndices(acc.balanceChanges, where, "balance changes");
    checkIndices(acc.nonceChanges, where, "nonce changes");
    checkIndices(acc.codeChanges, where, "code changes");
  }
  if (limits.gasLimit !== undefined) {
    const maxItems = limits.gasLimit / BAL_ITEM_COST;
    const items = balItemCount(bal);
    if (BigInt(items) > maxItems) {
      throw new BalFormatError(
        `block access list: ${items} items (addresses + storage keys) exceed the bound ${maxItems} (gas limit ${limits.gasLimit} / ${BAL_ITEM_COST})`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// RLP reading

function fail(message: string): never {
  throw new BalFormatError(message);
}

function asList(item: RlpItem, where: string, length?: number): RlpItem[] {
  if (!Array.isArray(item)) fail(`${where} should be a list, got a byte string`);
  if (length !== undefined && item.length !== length) fail(`${where} should have ${length} items, got ${item.length}`);
  return item;
}

function asBytes(item: RlpItem, where: string): Uint8Array {
  if (!(item instanceof Uint8Array)) fail(`${where} should be a byte string, got a list`);
  return item;
}

function readUint(item: RlpItem, maxBytes: number, where: string): bigint {
  const bytes = asBytes(item, where);
  if (bytes.length > maxBytes) fail(`${where} is ${bytes.length} bytes, at most ${maxBytes} allowed`);
  if (bytes.length > 0 && bytes[0] === 0) fail(`${where} has a leading zero byte (not a minimal integer)`);
  return bytesToBigint(bytes);
}

function readIndex(item: RlpItem, where: string): number {
  return Number(readUint(item, 4, `${where}: block access index`));
}

function readPairs<T>(item: RlpItem, where: string, what: string, read: (index: number, value: RlpItem, at: string) => T): T[] {
  return asList(item, `${where}: ${what}`).map((pair, k) => {
    const [index, value] = asList(pair, `${where}: ${what} entry ${k}`, 2) as [RlpItem, RlpItem];
    const at = `${where}: ${what} entry ${k}`;
    return read(readIndex(index, at), value, at);
  });
}

/** Reads the list's shape and field widths (minimal integers, 20-byte addresses); no ordering rules. */
export function decodeBalUnchecked(rlp: Uint8Array): BlockAccessList {
  let top: RlpItem;
  try {
    top = rlpDecode(rlp);
  } catch (e) {
    throw new BalFormatError(`block access list: ${e instanceof Error ? e.message : String(e)}`);
  }
  return asList(top, "block access list").map((accItem, i) => {
    const fields = asList(accItem, `account ${i}`, 6);
    const addrBytes = asBytes(fields[0]!, `account ${i}: address`);
    if (addrBytes.length !== 20) fail(`account ${i}: address is ${addrBytes.length} bytes, expected 20`);
    const address = bytesToBigint(addrBytes);
    const where = accountLabel(i, address);
    const storageChanges = asList(fields[1]!, `${where}: storage changes`).map((scItem, k): SlotChanges => {
      const [slotItem, changesItem] = asList(scItem, `${where}: storage changes entry ${k}`, 2) as [RlpItem, RlpItem];
      const slot = readUint(slotItem, 32, `${where}: storage changes entry ${k}: slot`);
      const changes = readPairs(changesItem, where, `storage changes of slot ${hexOf(slot)}`, (index, v, at) => ({
        index,
        value: readUint(v, 32, `${at}: value`),
      }));
      return { slot, changes };
    });
    const storageReads = asList(fields[2]!, `${where}: storage reads`).map((s, k) => readUint(s, 32, `${where}: storage reads entry ${k}`));
    const balanceChanges = readPairs(fields[3]!, where, "balance changes", (index, v, at) => ({ index, value: readUint(v, 32, `${at}: balance`) }));
    const nonceChanges = readPairs(fields[4]!, where, "nonce changes", (index, v, at) => ({ index, value: readUint(v, 8, `${at}: nonce`) }));
    const codeChanges = readPairs(fields[5]!, where, "code changes", (index, v, at) => ({ index, code: asBytes(v, `${at}: code`).slice() }));
    return { address, storageChanges, storageReads, balanceChanges, nonceChanges, codeChanges };
  });
}

/**
 * Reads a BAL from its RLP and validates it (validateBal, with the limits when given). Malformed
 * or truncated RLP, wrong shapes and widths, and broken ordering rules all throw a BalFormatError.
 */
export function decodeBal(rlp: Uint8Array, limits: BalLimits = {}): BlockAccessList {
  const bal = decodeBalUnchecked(rlp);
  validateBal(bal, limits);
  return bal;
}

// ---------------------------------------------------------------------------------------------
// JSON form (execution-spec tests' `blockAccessList`, Engine API)

export interface BalJsonStorageChange {
  blockAccessIndex: string;
  postValue: string;
}
export interface BalJsonSlotChanges {
  slot: string;
  slotChanges: BalJsonStorageChange[];
}
export interface BalJsonBalanceChange {
  blockAccessIndex: string;
  postBalance: string;
}
export interface BalJsonNonceChange {
  blockAccessIndex: string;
  postNonce: string;
}
export interface BalJsonCodeChange {
  blockAccessIndex: string;
  newCode: string;
}
export interface BalJsonAccount {
  address: string;
  nonceChanges: BalJsonNonceChange[];
  balanceChanges: BalJsonBalanceChange[];
  codeChanges: BalJsonCodeChange[];
  storageChanges: BalJsonSlotChanges[];
  storageReads: string[];
}
export type BalJson = BalJsonAccount[];

/** A quantity as the tests write it: minimal big-endian bytes in hex, zero as "0x00". */
function quantityHex(n: bigint | number): string {
  const h = n.toString(16);
  return "0x" + (h.length & 1 ? "0" + h : h);
}

/** The JSON form, keys in the order the execution-spec tests write them. */
export function balToJson(bal: BlockAccessList): BalJson {
  checkFields(bal);
  return bal.map((acc) => ({
    address: addressHex(acc.address),
    nonceChanges: acc.nonceChanges.map((c) => ({ blockAccessIndex: quantityHex(c.index), postNonce: quantityHex(c.value) })),
    balanceChanges: acc.balanceChanges.map((c) => ({ blockAccessIndex: quantityHex(c.index), postBalance: quantityHex(c.value) })),
    codeChanges: acc.codeChanges.map((c) => ({ blockAccessIndex: quantityHex(c.index), newCode: bytesToHex(c.code) })),
    storageChanges: acc.storageChanges.map((sc) => ({
      slot: quantityHex(sc.slot),
      slotChanges: sc.changes.map((c) => ({ blockAccessIndex: quantityHex(c.index), postValue: quantityHex(c.value) })),
    })),
    storageReads: acc.storageReads.map((s) => quantityHex(s)),
  }));
}

const HEX_QUANTITY = /^0x[0-9a-fA-F]+$/;

function jsonObject(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(`${where}: expected an object, got ${jsonType(v)}`);
  return v as Record<string, unknown>;
}

function jsonArray(obj: Record<string, unknown>, key: string, where: string): unknown[] {
  const v = obj[key];
  if (v === undefined) fail(`${where}: ${key} is missing`);
  if (!Array.isArray(v)) fail(`${where}: ${key}: expected an array, got ${jsonType(v)}`);
  return v;
}

function jsonType(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "an array" : typeof v;
}

function jsonQuantity(v: unknown, limit: bigint, where: string): bigint {
  if (typeof v !== "string") fail(`${where}: expected a hex string, got ${jsonType(v)}`);
  if (!HEX_QUANTITY.test(v)) fail(`${where}: not a hex quantity: ${JSON.stringify(v.length > 80 ? v.slice(0, 77) + "..." : v)}`);
  const n = BigInt(v);
  if (n >= limit) fail(`${where}: ${v} is out of range (${limitText(limit)})`);
  return n;
}

/** Reads the JSON form: types, hex and widths checked (naming where), ordering rules not. */
export function balFromJsonUnchecked(json: unknown): BlockAccessList {
  if (!Array.isArray(json)) fail(`block access list: expected an array, got ${jsonType(json)}`);
  return json.map((accJson, i): AccountChanges => {
    const obj = jsonObject(accJson, `account ${i}`);
    const addr = obj.address;
    if (typeof addr !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(addr)) {
      fail(`account ${i}: address: expected 0x and 40 hex digits, got ${typeof addr === "string" ? JSON.stringify(addr) : jsonType(addr)}`);
    }
    const address = BigInt(addr);
    const where = accountLabel(i, address);
    const pair = <T>(key: string, valueKey: string, read: (v: unknown, at: string) => T): { index: number; v: T }[] =>
      jsonArray(obj, key, where).map((entry, k) => {
        const at = `${where}: ${key}[${k}]`;
        const e = jsonObject(entry, at);
        const index = Number(jsonQuantity(e.blockAccessIndex, INDEX_LIMIT, `${at}.blockAccessIndex`));
        if (!(valueKey in e)) fail(`${at}: ${valueKey} is missing`);
        return { index, v: read(e[valueKey], `${at}.${valueKey}`) };
      });
    const storageChanges = jsonArray(obj, "storageChanges", where).map((scJson, k): SlotChanges => {
      const at = `${where}: storageChanges[${k}]`;
      const sc = jsonObject(scJson, at);
      const slot = jsonQuantity(sc.slot, UINT256_LIMIT, `${at}.slot`);
      const changes = jsonArray(sc, "slotChanges", at).map((cJson, m) => {
        const cat = `${at}.slotChanges[${m}]`;
        const c = jsonObject(cJson, cat);
        return {
          index: Number(jsonQuantity(c.blockAccessIndex, INDEX_LIMIT, `${cat}.blockAccessIndex`)),
          value: jsonQuantity(c.postValue, UINT256_LIMIT, `${cat}.postValue`),
        };
      });
      return { slot, changes };
    });
    const storageReads = jsonArray(obj, "storageReads", where).map((s, k) => jsonQuantity(s, UINT256_LIMIT, `${where}: storageReads[${k}]`));
    const balanceChanges = pair("balanceChanges", "postBalance", (v, at) => jsonQuantity(v, UINT256_LIMIT, at)).map(({ index, v }) => ({ index, value: v }));
    const nonceChanges = pair("nonceChanges", "postNonce", (v, at) => jsonQuantity(v, UINT64_LIMIT, at)).map(({ index, v }) => ({ index, value: v }));
    const codeChanges = pair("codeChanges", "newCode", (v, at) => {
      if (typeof v !== "string" || !/^0x([0-9a-fA-F]{2})*$/.test(v)) {
        fail(`${at}: expected 0x and an even number of hex digits, got ${typeof v === "string" ? JSON.stringify(v.length > 80 ? v.slice(0, 77) + "..." : v) : jsonType(v)}`);
      }
      return hexToBytes(v);
    }).map(({ index, v }) => ({ index, code: v }));
    return { address, storageChanges, storageReads, balanceChanges, nonceChanges, codeChanges };
  });
}

/** Reads the JSON form and validates it like decodeBal; errors are BalFormatErrors naming where. */
export function balFromJson(json: unknown, limits: BalLimits = {}): BlockAccessList {
  const bal = balFromJsonUnchecked(json);
  validateBal(bal, limits);
  return bal;
}

// ---------------------------------------------------------------------------------------------
// Builder

/** What happened at one block access index (0: pre-execution, 1..n: transactions, n+1: post). */
export interface BalIndexChanges {
  index: number;
  /** Addresses accessed at this index (with or without changes). */
  touched: bigint[];
  storageReads: { address: bigint; slot: bigint }[];
  /** Net changes at this index (value after the index differs from before it). */
  storageWrites: { address: bigint; slot: bigint; value: bigint }[];
  /** Post-balance. */
  balances: { address: bigint; value: bigint }[];
  /** Post-nonce. */
  nonces: { address: bigint; value: bigint }[];
  /** New code. */
  codes: { address: bigint; code: Uint8Array }[];
}

interface AccountAcc {
  storage: Map<bigint, Map<number, bigint>>;
  reads: Set<bigint>;
  balances: Map<number, bigint>;
  nonces: Map<number, bigint>;
  codes: Map<number, Uint8Array>;
}

/**
 * The canonical list for what happened at each index. The entries may come in any order and an
 * index may appear in several entries (e.g. one per system call at index 0): they are merged.
 *
 * The rules applied here:
 * - every address named anywhere (touched, read, written, a balance, nonce or code) is listed, even
 *   with no change; accounts sorted by address, slots and reads by key, changes by index;
 * - repeated reads and repeated identical changes at one index count once; two different values
 *   for the same field at the same index are contradictory and throw a BalFormatError;
 * - a slot changed at any index of the block is not listed as a read;
 * - a change whose value equals the value recorded at the latest earlier index (the field's value
 *   just before this index) is not a change (EIP-7928: no-op storage writes are reads, an
 *   unchanged post-transaction balance is not recorded; the same for nonces and code) and is
 *   dropped; this never removes the earlier index's entry.
 *
 * The caller is responsible for what needs the state or the execution:
 * - net changes per index: a value compared with the value before the index, including the
 *   pre-block value for a field's first change in the block (writing a slot's pre-block value at
 *   its first write is a no-op write: pass it as a read, not a write);
 * - reverted frames: their writes are discarded, but the slots they wrote stay accessed (pass
 *   them as reads) and the addresses they accessed stay touched;
 * - SELFDESTRUCT in the creating transaction (no nonce or code change, storage as reads, balance
 *   change only from a positive pre-balance), EIP-7702 authorities and delegation targets, gas
 *   checks before state access, the system address (listed only when it is itself accessed), a
 *   zero-value block reward (does not by itself list the recipient) and withdrawal recipients
 *   (listed even for a zero amount);
 * - the index bound (n + 1) and the gas-limit item bound: check the result with validateBal.
 */
export function buildBal(indices: readonly BalIndexChanges[]): BlockAccessList {
  const accounts = new Map<bigint, AccountAcc>();
  const account = (address: unknown, where: string): AccountAcc => {
    if (typeof address !== "bigint" || address < 0n || address >= ADDRESS_LIMIT) {
      throw new BalFormatError(`${where}: address ${String(address)} is not a 20-byte address`);
    }
    let acc = accounts.get(address);
    if (acc === undefined) {
      acc = { storage: new Map(), reads: new Set(), balances: new Map(), nonces: new Map(), codes: new Map() };
      accounts.set(address, acc);
    }
    return acc;
  };
  const put = <V>(map: Map<number, V>, index: number, value: V, same: (a: V, b: V) => boolean, where: string, show: (v: V) => string): void => {
    const prev = map.get(index);
    if (prev !== undefined && !same(prev, value)) {
      throw new BalFormatError(`${where}: two different values at index ${index}: ${show(prev)} and ${show(value)}`);
    }
    map.set(index, value);
  };
  const eq = (a: bigint, b: bigint): boolean => a === b;

  for (const entry of indices) {
    const index = entry.index;
    checkIndex(index, "buildBal");
    const at = `buildBal: index ${index}`;
    for (const address of entry.touched) account(address, `${at}: touched`);
    for (const r of entry.storageReads) {
      const acc = account(r.address, `${at}: storage read`);
      checkUint(r.slot, UINT256_LIMIT, `${at}: storage read of ${addressHex(r.address)}`, "slot");
      acc.reads.add(r.slot);
    }
    for (const w of entry.storageWrites) {
      const acc = account(w.address, `${at}: storage write`);
      const where = `${at}: storage write of ${addressHex(w.address)}`;
      checkUint(w.slot, UINT256_LIMIT, where, "slot");
      checkUint(w.value, UINT256_LIMIT, `${where} slot ${hexOf(w.slot)}`, "value");
      let slot = acc.storage.get(w.slot);
      if (slot === undefined) acc.storage.set(w.slot, (slot = new Map()));
      put(slot, index, w.value, eq, `${where} slot ${hexOf(w.slot)}`, hexOf);
    }
    for (const b of entry.balances) {
      const acc = account(b.address, `${at}: balance`);
      const where = `${at}: balance of ${addressHex(b.address)}`;
      checkUint(b.value, UINT256_LIMIT, where, "balance");
      put(acc.balances, index, b.value, eq, where, hexOf);
    }
    for (const n of entry.nonces) {
      const acc = account(n.address, `${at}: nonce`);
      const where = `${at}: nonce of ${addressHex(n.address)}`;
      checkUint(n.value, UINT64_LIMIT, where, "nonce");
      put(acc.nonces, index, n.value, eq, where, hexOf);
    }
    for (const c of entry.codes) {
      const acc = account(c.address, `${at}: code`);
      const where = `${at}: code of ${addressHex(c.address)}`;
      if (!(c.code instanceof Uint8Array)) throw new BalFormatError(`${where}: code is not a Uint8Array`);
      put(acc.codes, index, c.code, bytesEqual, where, (v) => `${v.length} bytes`);
    }
  }

  /** Changes ascending by index, dropping those equal to the latest earlier one. */
  const changes = <V>(map: Map<number, V>, same: (a: V, b: V) => boolean): { index: number; value: V }[] => {
    const out: { index: number; value: V }[] = [];
    for (const index of [...map.keys()].sort((a, b) => a - b)) {
      const value = map.get(index)!;
      if (out.length > 0 && same(out[out.length - 1]!.value, value)) continue;
      out.push({ index, value });
    }
    return out;
  };
  const byValue = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

  return [...accounts.keys()].sort(byValue).map((address): AccountChanges => {
    const acc = accounts.get(address)!;
    const slots = [...acc.storage.keys()].sort(byValue);
    return {
      address,
      storageChanges: slots.map((slot) => ({ slot, changes: changes(acc.storage.get(slot)!, eq) })),
      storageReads: [...acc.reads].filter((s) => !acc.storage.has(s)).sort(byValue),
      balanceChanges: changes(acc.balances, eq),
      nonceChanges: changes(acc.nonces, eq),
      codeChanges: changes(acc.codes, bytesEqual).map(({ index, value }) => ({ index, code: value.slice() })),
    };
  });
}
