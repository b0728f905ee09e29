// Loader for the fixture pre-state format: `{ "<address>": { balance, nonce, code_hash?, storage } }`
// plus a `{ "<code_hash>": "0x<code>" }` bytecode table (see ../shared/fixtures/README.md).
import { keccak256Word } from "../primitives/hash.js";
import { MemoryState } from "../state/memory.js";
import { KECCAK_EMPTY_WORD } from "../state/reader.js";
import { wordToHex, type Word } from "../primitives/word.js";
import { describe, expectObject, InputError, parseAddress, parseData, parseHash, parseHexQuantity } from "./json.js";

/** Raw bytecode table: code hash (0x hex) → code (0x hex), parsed lazily. */
export type BytecodeTable = Record<string, unknown>;

/** The raw code under a code hash as spelled (undefined where absent): a table read by key (BytecodeIndex). */
export type BytecodeLookup = (hashHex: string) => unknown;

/** The fields of a fixture account; any other is an error (a typo there would otherwise lose data silently). */
export const FIXTURE_ACCOUNT_FIELDS: readonly string[] = ["balance", "nonce", "code_hash", "codeHash", "storage"];

/**
 * Builds the pre-state. Every `code_hash` must have its code in `bytecodes` (and the code must
 * hash to it): a missing or wrong bytecode is an error naming the account. An unknown field, or
 * one address or slot written twice (in another letter case, or with other leading zeros), is an
 * error naming both spellings: JSON keys that differ only so would otherwise keep the later one.
 */
export function preStateFromFixture(json: unknown, bytecodes: BytecodeTable | BytecodeLookup, where: string, bytecodesWhere = "bytecodes.json"): MemoryState {
  const state = new MemoryState();
  const accounts = expectObject(json, where);
  const spelled = new Map<Word, string>();
  for (const [addressHex, rawAccount] of Object.entries(accounts)) {
    const at = `${where}["${addressHex}"]`;
    const address = parseAddress(addressHex, at);
    const earlier = spelled.get(address);
    if (earlier !== undefined) throw new InputError(`${where}: account ${wordToHex(address, 20)} is listed twice, as "${earlier}" and "${addressHex}"`);
    spelled.set(address, addressHex);
    const account = expectObject(rawAccount, at);
    const unknown = Object.keys(account).find((key) => !FIXTURE_ACCOUNT_FIELDS.includes(key));
    if (unknown !== undefined) throw new InputError(`${at}: unknown field ${describe(unknown)} (a fixture account has balance, nonce, code_hash, storage)`);
    const balance = account.balance === undefined ? 0n : parseHexQuantity(account.balance, `${at}.balance`);
    const nonce = account.nonce === undefined ? 0n : parseHexQuantity(account.nonce, `${at}.nonce`, 64);
    const rawCodeHash = account.code_hash ?? account.codeHash;
    let codeHash: Word = KECCAK_EMPTY_WORD;
    if (rawCodeHash !== undefined && rawCodeHash !== null) {
      codeHash = parseHash(rawCodeHash, `${at}.code_hash`);
      if (!state.codes.has(codeHash)) state.codes.set(codeHash, codeFor(codeHash, rawCodeHash as string, bytecodes, at, bytecodesWhere));
    }
    const storage = new Map<Word, Word>();
    if (account.storage !== undefined) {
      const slots = new Map<Word, string>();
      for (const [slotHex, valueHex] of Object.entries(expectObject(account.storage, `${at}.storage`))) {
        const slot = slotWord(slotHex, `${at}.storage key ${slotHex}`);
        const before = slots.get(slot);
        if (before !== undefined) throw new InputError(`${at}.storage: slot ${wordToHex(slot)} is listed twice, as "${before}" and "${slotHex}"`);
        slots.set(slot, slotHex);
        const value = slotWord(valueHex, `${at}.storage["${slotHex}"]`);
        if (value !== 0) storage.set(slot, value);
      }
    }
    state.putAccount(address, nonce, balance, codeHash, storage);
  }
  return state;
}

function codeFor(codeHash: Word, hashHex: string, bytecodes: BytecodeTable | BytecodeLookup, at: string, bytecodesWhere: string): Uint8Array {
  const lookup: BytecodeLookup = typeof bytecodes === "function" ? bytecodes : (key) => bytecodes[key];
  const raw = lookup(hashHex) ?? lookup(hashHex.toLowerCase());
  if (raw === undefined) throw new InputError(`${at}: code hash ${hashHex} has no bytecode in ${bytecodesWhere}`);
  const code = parseData(raw, `${bytecodesWhere}["${hashHex}"]`);
  if (keccak256Word(code) !== codeHash) throw new InputError(`${bytecodesWhere}["${hashHex}"]: the bytecode does not hash to its key (keccak ${wordToHex(keccak256Word(code), 32)})`);
  return code;
}

/** A storage key or value: a hex quantity of at most 32 bytes. */
function slotWord(value: unknown, where: string): Word {
  const n = parseHexQuantity(value, where, 256);
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}
