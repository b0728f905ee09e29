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
  if (typeof value !== "string" || !HEX.test(value)) throw new Error(`${where}: expected 0x-prefixed hex, got ${JSON.stringify(value)}`);
  return value;
}

/** A MemoryState holding exactly the accounts given (zero storage values left out). */
export function stateFromJson(accounts: Record<string, AccountJson>, where: string): MemoryState {
  const state = new MemoryState();
  for (const [addressHex, account] of Object.entries(accounts)) {
    const at = `${where}.${addressHex}`;
    const code = hexToBytes(hexField(account.code, `${at}.code`));
    const codeHash = fromBytes(keccak256(code), 0, 32);
    state.codes.set(codeHash, code);
    const storage = new Map<Word, Word>();
    for (const [slot, value] of Object.entries(account.storage ?? {})) {
      const v = wordFromHex(hexField(value, `${at}.storage[${slot}]`));
      if (v !== 0) storage.set(wordFromHex(hexField(slot, `${at}.storage key`)), v);
    }
    const nonce = BigInt(hexField(account.nonce, `${at}.nonce`));
    const balance = BigInt(hexField(account.balance, `${at}.balance`));
    state.putAccount(wordFromHex(hexField(addressHex, `${where} address`)), nonce, balance, codeHash, storage);
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
