// World states as the Ethereum test suites write them (state tests' `pre` and `post.state`,
// blockchain tests' `pre` and `postState`): made into MemoryStates, copied for a block that may yet
// be rejected, and compared, naming what differs.
import { bytesToHex, hexToBytes } from "../primitives/bytes.js";
import { keccak256 } from "../primitives/hash.js";
import { addressToHex, fromBytes, wordFromHex, type Word } from "../primitives/word.js";
import { MemoryState, type MemoryAccount } from "./memory.js";

export interface AccountJson {
  nonce: string;
  balance: string;
  code: string;
  storage: Record<string, string>;
}

const HEX = /^0x[0-9a-fA-F]*$/;

function hexField(value: unknown, where: string): string {
  if (typeof value !== "string" || !HEX.test(value)) throw new Error(`${where}: expected 0x-prefixed hex, got ${describe(value)}`);
  return value;
}

/** A 0x-hex quantity of at least one digit and at most 256 bits. */
function quantityField(value: unknown, where: string): bigint {
  const text = hexField(value, where);
  if (text.length === 2) throw new Error(`${where}: "0x" has no digits (zero is "0x0")`);
  const n = BigInt(text);
  if (n >> 256n !== 0n) throw new Error(`${where}: ${describe(value)} exceeds 256 bits`);
  return n;
}

function codeField(value: unknown, where: string): Uint8Array {
  const text = hexField(value, where);
  if (text.length % 2 !== 0) throw new Error(`${where}: odd number of hex digits (${text.length - 2})`);
  return hexToBytes(text);
}

function describe(value: unknown): string {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 40 ? s.slice(0, 37) + "..." : s;
}

/**
 * A MemoryState holding exactly the accounts given (zero storage values left out). An account or
 * slot written twice (keys that differ in letter case or leading zeros) is an error naming both
 * spellings: a JSON object would otherwise keep one of them silently.
 */
export function stateFromJson(accounts: Record<string, AccountJson>, where: string): MemoryState {
  const state = new MemoryState();
  const spelled = new Map<Word, string>();
  for (const [addressHex, account] of Object.entries(accounts)) {
    const at = `${where}.${addressHex}`;
    const address = wordFromHex(hexField(addressHex, `${where} address`));
    const earlier = spelled.get(address);
    if (earlier !== undefined) throw new Error(`${where}: account ${addressToHex(address)} is listed twice, as "${earlier}" and "${addressHex}"`);
    spelled.set(address, addressHex);
    const code = codeField(account.code, `${at}.code`);
    const codeHash = fromBytes(keccak256(code), 0, 32);
    state.codes.set(codeHash, code);
    const storage = new Map<Word, Word>();
    const slots = new Map<Word, string>();
    for (const [slot, value] of Object.entries(account.storage ?? {})) {
      const key = wordFromHex(hexField(slot, `${at}.storage key`));
      const before = slots.get(key);
      if (before !== undefined) throw new Error(`${at}.storage: slot 0x${key.toString(16)} is listed twice, as "${before}" and "${slot}"`);
      slots.set(key, slot);
      const v = wordFromHex(hexField(value, `${at}.storage[${slot}]`));
      if (v !== 0) storage.set(key, v);
    }
    const nonce = quantityField(account.nonce, `${at}.nonce`);
    const balance = quantityField(account.balance, `${at}.balance`);
    state.putAccount(address, nonce, balance, codeHash, storage);
  }
  return state;
}

/** A copy to apply a block to, so that the original stays as it was if the block is rejected. */
export function copyState(state: MemoryState): MemoryState {
  const accounts = new Map<Word, MemoryAccount>();
  for (const [address, a] of state.accounts) accounts.set(address, { nonce: a.nonce, balance: a.balance, codeHash: a.codeHash, storage: new Map(a.storage) });
  return MemoryState.adopting(accounts, new Map(state.codes));
}

/** The first few differences between two states, in words; "" when they hold the same accounts. */
export function describeDifferences(actual: MemoryState, expected: MemoryState, limit = 4): string {
  const differences: string[] = [];
  for (const [address, want] of expected.accounts) {
    const name = addressToHex(address);
    const got = actual.accounts.get(address);
    if (got === undefined) {
      differences.push(`${name} missing`);
      continue;
    }
    if (got.nonce !== want.nonce) differences.push(`${name} nonce ${got.nonce}, expected ${want.nonce}`);
    if (got.balance !== want.balance) differences.push(`${name} balance ${got.balance}, expected ${want.balance} (off by ${got.balance - want.balance})`);
    if (got.codeHash !== want.codeHash) differences.push(`${name} code ${abbreviate(codeOf(actual, got.codeHash))}, expected ${abbreviate(codeOf(expected, want.codeHash))}`);
    differences.push(...storageDifferences(name, got.storage, want.storage));
  }
  for (const address of actual.accounts.keys()) {
    if (!expected.accounts.has(address)) differences.push(`${addressToHex(address)} present, expected absent`);
  }
  const more = differences.length > limit ? `; ${differences.length - limit} more` : "";
  return differences.slice(0, limit).join("; ") + more;
}

function storageDifferences(name: string, got: Map<Word, Word>, want: Map<Word, Word>): string[] {
  const out: string[] = [];
  for (const slot of new Set([...got.keys(), ...want.keys()])) {
    const g = got.get(slot) ?? 0;
    const w = want.get(slot) ?? 0;
    if (g !== w) out.push(`${name} slot 0x${slot.toString(16)} = 0x${g.toString(16)}, expected 0x${w.toString(16)}`);
  }
  return out;
}

function codeOf(state: MemoryState, codeHash: Word): string {
  const code = state.codes.get(codeHash);
  return code === undefined ? `(code hash 0x${codeHash.toString(16)})` : bytesToHex(code);
}

function abbreviate(hex: string): string {
  return hex.length <= 26 ? hex : `${hex.slice(0, 24)}…(${(hex.length - 2) / 2} bytes)`;
}
