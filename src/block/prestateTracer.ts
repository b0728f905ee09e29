// Converts what geth's prestateTracer reports for a block (debug_traceBlockByNumber(n,
// {tracer: "prestateTracer"})) into the fixture pre-state format (see ../shared/fixtures/README.md):
// `{ "<address>": { balance, nonce, code_hash?, storage } }` plus a `{ code_hash: code }` table.
//
// The tracer reports, per transaction, every account and storage slot the transaction touches, as
// it was before that transaction. The block's pre-state is therefore the FIRST mention of each
// account (balance, nonce, code) and, separately, of each storage slot: any earlier transaction
// that changed an account or slot would have touched it and so mentioned it first.
//
// One exception the trace alone cannot reveal: geth leaves a contract that a transaction creates
// out of that transaction's report, so a contract created in the block and used by a later
// transaction first shows up with its code. `firstTx` says which transaction mentioned each account
// first, so that a caller with a node can check such accounts (pevm fetch does).
import { bytesToHex, hexToBytes } from "../primitives/bytes.js";
import { keccak256 } from "../primitives/hash.js";
import { describe, isJsonObject } from "./json.js";

/** One account of a fixture pre_state.json. */
export interface FixtureAccount {
  /** Hex quantity, e.g. "0x1bc16d674ec80000". */
  balance: string;
  nonce: number;
  /** keccak256 of the code; absent for accounts without code. */
  code_hash?: string;
  /** Slot → value, both hex quantities without zero padding ("0x0", "0x1f"). */
  storage: Record<string, string>;
}

export interface ConvertedPrestate {
  /** Address (0x, lowercase) → the account before the block. */
  preState: Record<string, FixtureAccount>;
  /** Code hash → code (0x hex), for every code_hash in preState that came with its code. */
  bytecodes: Record<string, string>;
  /** Address → index of the transaction (trace entry) that mentioned the account first. */
  firstTx: Record<string, number>;
}

const KECCAK_EMPTY_HEX = bytesToHex(keccak256(new Uint8Array(0)));
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const QUANTITY = /^0x[0-9a-fA-F]+$/;
const HASH = /^0x[0-9a-fA-F]{64}$/;
const HEX_DATA = /^0x(?:[0-9a-fA-F]{2})*$/;

class TraceError extends Error {}

/**
 * The pre-state of a block from its prestateTracer trace. Accepts what debug_traceBlockByNumber
 * returns (`[{ txHash?, result }]`), a bare array of result objects, or one result object (as from
 * debug_traceTransaction). Malformed input throws an Error naming `where` and the bad field's path,
 * e.g. `prestate.json: [3].result["0xab…"].balance: not a hex quantity`.
 */
export function convertPrestateTrace(trace: unknown, where: string): ConvertedPrestate {
  try {
    return convert(trace);
  } catch (e) {
    if (e instanceof TraceError) throw new Error(`${where}: ${e.message}`);
    throw e;
  }
}

/** An account with no balance, nonce, code or non-zero storage: one that does not exist (EIP-161). */
export function isEmptyAccount(account: FixtureAccount): boolean {
  return account.balance === "0x0" && account.nonce === 0 && account.code_hash === undefined && Object.values(account.storage).every((v) => v === "0x0");
}

function convert(trace: unknown): ConvertedPrestate {
  const preState: Record<string, FixtureAccount> = {};
  const bytecodes: Record<string, string> = {};
  const firstTx: Record<string, number> = {};
  const entries: { result: unknown; path: string }[] = [];
  if (Array.isArray(trace)) {
    trace.forEach((item, i) => entries.push(unwrap(item, `[${i}]`)));
  } else if (isJsonObject(trace)) {
    entries.push(unwrap(trace, ""));
  } else {
    throw new TraceError(`expected a prestateTracer result (an array of { txHash, result } or an object of accounts), got ${describe(trace)}`);
  }
  entries.forEach(({ result, path }, txIndex) => {
    if (!isJsonObject(result)) throw new TraceError(`${path || "(top level)"}: expected an object of accounts, got ${describe(result)}`);
    if (("pre" in result || "post" in result) && !Object.keys(result).some((k) => ADDRESS.test(k))) {
      throw new TraceError(`${path || "(top level)"}: this is a diffMode trace ({ pre, post }); trace with {tracer: "prestateTracer"} and no diffMode`);
    }
    const spelled = new Map<string, string>();
    for (const [rawAddress, rawAccount] of Object.entries(result)) {
      const at = `${path}[${JSON.stringify(rawAddress)}]`;
      if (!ADDRESS.test(rawAddress)) throw new TraceError(`${at}: not an address (0x and 40 hex digits)`);
      const address = rawAddress.toLowerCase();
      // JSON keys that differ in letter case only: one would silently hide the other.
      const earlier = spelled.get(address);
      if (earlier !== undefined) throw new TraceError(`${path || "(top level)"}: account ${address} is listed twice, as ${JSON.stringify(earlier)} and ${JSON.stringify(rawAddress)}`);
      spelled.set(address, rawAddress);
      if (!isJsonObject(rawAccount)) throw new TraceError(`${at}: expected an account object, got ${describe(rawAccount)}`);
      let account = preState[address];
      // Every field is validated, even where an earlier transaction's view wins (only the winning
      // view's code is hashed).
      const parsed = parseAccount(rawAccount, at, account === undefined);
      if (account === undefined) {
        account = { balance: parsed.balance, nonce: parsed.nonce, ...(parsed.codeHash === undefined ? {} : { code_hash: parsed.codeHash }), storage: {} };
        preState[address] = account;
        firstTx[address] = txIndex;
        if (parsed.codeHash !== undefined && parsed.code !== undefined) bytecodes[parsed.codeHash] = parsed.code;
      }
      for (const [slot, value] of parsed.storage) {
        if (!(slot in account.storage)) account.storage[slot] = value;
      }
    }
  });
  return { preState, bytecodes, firstTx };
}

/** A trace entry's result object and its path: `{ txHash?, result }` wrappers are opened. */
function unwrap(item: unknown, path: string): { result: unknown; path: string } {
  if (!isJsonObject(item)) throw new TraceError(`${path || "(top level)"}: expected an object, got ${describe(item)}`);
  const isWrapper = "result" in item || "error" in item || "txHash" in item;
  if (!isWrapper) return { result: item, path };
  if (item.error !== undefined && item.error !== null) {
    const tx = typeof item.txHash === "string" ? ` ${item.txHash}` : "";
    throw new TraceError(`${path || "(top level)"}: the node could not trace transaction${tx}: ${typeof item.error === "string" ? item.error : JSON.stringify(item.error)}`);
  }
  if (!("result" in item)) throw new TraceError(`${path || "(top level)"}: neither "result" nor "error"`);
  return { result: item.result, path: `${path}.result` };
}

interface ParsedAccount {
  balance: string;
  nonce: number;
  codeHash: string | undefined;
  code: string | undefined;
  storage: [string, string][];
}

function parseAccount(raw: Record<string, unknown>, at: string, hashCode: boolean): ParsedAccount {
  const balance = raw.balance === undefined || raw.balance === null ? "0x0" : quantity(raw.balance, `${at}.balance`, 256);
  const nonce = raw.nonce === undefined || raw.nonce === null ? 0 : parseNonce(raw.nonce, `${at}.nonce`);
  let code: string | undefined;
  let codeHash: string | undefined;
  if (raw.code !== undefined && raw.code !== null) {
    if (typeof raw.code !== "string" || !raw.code.startsWith("0x")) throw new TraceError(`${at}.code: expected 0x-prefixed hex, got ${describe(raw.code)}`);
    if (!hashCode) {
      if (!HEX_DATA.test(raw.code)) throw new TraceError(`${at}.code: not hex data (an even number of hex digits): ${describe(raw.code)}`);
    } else {
      let bytes: Uint8Array;
      try {
        bytes = hexToBytes(raw.code);
      } catch (e) {
        throw new TraceError(`${at}.code: ${(e as Error).message}`);
      }
      if (bytes.length > 0) {
        code = bytesToHex(bytes);
        codeHash = bytesToHex(keccak256(bytes));
      }
    }
  }
  // Newer geth also reports codeHash (and with disableCode, only that).
  if (raw.codeHash !== undefined && raw.codeHash !== null) {
    if (typeof raw.codeHash !== "string" || !HASH.test(raw.codeHash)) throw new TraceError(`${at}.codeHash: expected a 32-byte hex hash, got ${describe(raw.codeHash)}`);
    const reported = raw.codeHash.toLowerCase();
    if (hashCode && code !== undefined && reported !== codeHash) throw new TraceError(`${at}.codeHash: ${reported} is not the keccak256 of the account's code (${codeHash})`);
    if (code === undefined && reported !== KECCAK_EMPTY_HEX && reported !== "0x" + "0".repeat(64)) codeHash = reported;
  }
  const storage: [string, string][] = [];
  if (raw.storage !== undefined && raw.storage !== null) {
    if (!isJsonObject(raw.storage)) throw new TraceError(`${at}.storage: expected an object of slots, got ${describe(raw.storage)}`);
    const spelled = new Map<string, string>();
    for (const [slot, value] of Object.entries(raw.storage)) {
      const slotAt = `${at}.storage[${JSON.stringify(slot)}]`;
      const key = quantity(slot, `${slotAt} (the slot)`, 256);
      const earlier = spelled.get(key);
      if (earlier !== undefined) throw new TraceError(`${at}.storage: slot ${key} is listed twice, as ${JSON.stringify(earlier)} and ${JSON.stringify(slot)}`);
      spelled.set(key, slot);
      storage.push([key, quantity(value, slotAt, 256)]);
    }
  }
  return { balance, nonce, code, codeHash, storage };
}

/** A hex string of at most `bits` bits as a minimal hex quantity ("0x0", "0x1f"). */
function quantity(value: unknown, at: string, bits: number): string {
  if (typeof value !== "string" || !QUANTITY.test(value)) throw new TraceError(`${at}: not a hex quantity: ${describe(value)}`);
  const digits = value.slice(2).replace(/^0+/, "").toLowerCase();
  if (digits.length * 4 > bits) throw new TraceError(`${at}: ${describe(value)} exceeds ${bits} bits`);
  return "0x" + (digits === "" ? "0" : digits);
}

function parseNonce(value: unknown, at: string): number {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === "string" && QUANTITY.test(value)) {
    const n = BigInt(value);
    if (n <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(n);
  }
  throw new TraceError(`${at}: not a nonce (a non-negative integer or hex quantity): ${describe(value)}`);
}

