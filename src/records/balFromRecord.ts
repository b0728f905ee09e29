// EIP-7928 block access lists from execution records, and back: what a BlockRecord says happened
// at each block access index (0: pre-execution system changes, 1..n: the transactions, n+1:
// rewards and withdrawals) as the builder's input (balIndexChanges) and as the canonical list
// (blockAccessList); the first difference between two lists, as one line (diffBal); and a list's
// per-transaction changes as record writes, to seed an execution with (transactionWritesFromBal).
//
// What the record gives, and how it maps onto the EIP:
// - Touched addresses: every address the index read (any account access reads its nonce, code and
//   balance, or nonce and code for a lazily credited transfer recipient) or wrote.
// - Storage reads: the slots read at the index and not written there (a slot written at another
//   index is listed only as a change: buildBal drops it from the reads). A no-op SSTORE, and an
//   SSTORE in a reverted frame, read the slot and leave no write: a read, as the EIP wants.
// - Changes: the record keeps net changes per transaction (the value after the index differs from
//   the value before it), which is what the EIP lists per index: balances and nonces as post
//   values, code as the bytecode behind the code hash (record.codes; the empty code hash is empty
//   code), storage as post values. A credit (balance added without a read) carries the balance
//   after the transaction as well.
//
// Adjustments made here for the EIP's inclusion rules:
// - The coinbase is touched at every transaction index: the EIP includes it whenever fee
//   accounting accesses it, a zero fee included (execution-spec test bal_coinbase_zero_tip), while
//   the record has no write and no read of it when the fee is zero and the transaction does not
//   otherwise access it (fees are credited without a read).
// - The system address (0xff..fe) is not touched by reads at index 0 or n+1: our system call
//   (EIP-4788) reads its balance for the value check of a CALL, which the EIP's system call does
//   not do ("MUST NOT be included unless it experiences state access itself"). A write there, or
//   a read by a transaction, still lists it.
// - With `pre` (the block's pre-state) given, a balance write that leaves the balance as it was
//   before the index is dropped (the address stays touched). The record writes a balance of 0
//   whenever an existing account is deleted (EIP-161 touch-deletion of an empty account, a
//   pre-Cancun SELFDESTRUCT), also when the balance was 0 already; only the pre-state tells which.
//   Without `pre`, only a balance equal to one written at an earlier index of the block is
//   recognised (buildBal drops it).
//
// What the record cannot express (the list built from it differs from the EIP's there):
// - Accesses that never reach the state reader: DELEGATECALL and CALLCODE to a precompile (the
//   EVM runs it without loading its account; the EIP includes precompiles "when called or
//   accessed"); slots of an account created in the same transaction (read as 0 without the
//   reader), so a no-op SSTORE there, or a slot written and then zeroed, or any slot of a contract
//   created and self-destructed in one transaction (the EIP lists those as storage reads) is
//   missing. A CALL, STATICCALL, BALANCE, EXTCODE*, SELFDESTRUCT beneficiary, CREATE target,
//   transaction sender, recipient and created contract, and withdrawal recipient (zero amounts
//   included) do load the account and are listed.
// - Reads made before a failing gas check: our EVM reads a CALL target (value > 0, for the
//   new-account charge; always before Spurious Dragon) and a SELFDESTRUCT beneficiary (positive
//   balance) before it knows whether the pre-state gas (access cost, memory, value transfer) is
//   covered, and an SSTORE slot before charging its access cost. The EIP leaves the target out
//   when that check fails; the record cannot tell, so those addresses and slots are listed.
// - Pre-Cancun SELFDESTRUCT of a pre-existing contract clears its storage: the record keeps no
//   write per cleared slot (the executor only marks the account cleared), so the slots' changes
//   to 0 are missing. Amsterdam has EIP-6780, where this cannot happen.
// - EIP-7702 authorities and delegation targets, and the EIP-2935/7002/7251 system calls: not in
//   the forks the executor runs (up to Cancun), so the record has no such events.
import type { Word } from "../primitives/word.js";
import { fromBytes, norm } from "../primitives/word.js";
import { keccak256 } from "../primitives/hash.js";
import { bytesToHex } from "../primitives/bytes.js";
import { KECCAK_EMPTY_WORD, type StateReader } from "../state/reader.js";
import {
  BalFormatError,
  buildBal,
  type AccountChanges,
  type BalIndexChanges,
  type BlockAccessList,
} from "./bal.js";
import { Field, type BlockRecord, type Location, type Write } from "./record.js";

export interface BalFromRecordOptions {
  /**
   * The block's pre-state. When given, a balance write that leaves the balance as it was before
   * its index (the record's write of 0 for a deleted account whose balance was 0) is not a change.
   */
  pre?: Pick<StateReader, "readAccount">;
}

const EMPTY_CODE = new Uint8Array(0);
/** The EIP-4788 system caller (SYSTEM_ADDRESS of src/exec/blockRules.ts). */
const SYSTEM_ADDRESS = 0xfffffffffffffffffffffffffffffffffffffffen;

/** What happened at each block access index of the record: 0, one per transaction (index + 1), n + 1. */
export function balIndexChanges(record: BlockRecord, options: BalFromRecordOptions = {}): BalIndexChanges[] {
  const n = record.block.txCount;
  const coinbase = BigInt(record.block.coinbase);
  /** The latest balance written in the block so far, by address. */
  const balances = new Map<bigint, bigint>();
  const balanceBefore = (address: bigint): bigint | undefined => {
    const known = balances.get(address);
    if (known !== undefined || options.pre === undefined) return known;
    return options.pre.readAccount(norm(address))?.balance ?? 0n;
  };

  const phase = (index: number, reads: readonly Location[], writes: readonly Write[], system: boolean): BalIndexChanges => {
    const entry: BalIndexChanges = { index, touched: [], storageReads: [], storageWrites: [], balances: [], nonces: [], codes: [] };
    const touched = new Set<bigint>();
    const written = new Set<string>();
    for (const w of writes) {
      const address = BigInt(w.location.address);
      touched.add(address);
      switch (w.location.field) {
        case Field.Balance: {
          const value = BigInt(w.value);
          if (balanceBefore(address) !== value) entry.balances.push({ address, value });
          break;
        }
        case Field.Nonce:
          entry.nonces.push({ address, value: BigInt(w.value) });
          break;
        case Field.Code:
          entry.codes.push({ address, code: codeOf(record, w, index) });
          break;
        case Field.Storage: {
          const slot = BigInt(w.location.slot);
          written.add(`${address}/${slot}`);
          entry.storageWrites.push({ address, slot, value: BigInt(w.value) });
          break;
        }
        default:
          throw new BalFormatError(`index ${index}: ${addressText(address)}: write of unknown field ${String(w.location.field)}`);
      }
    }
    for (const w of writes) if (w.location.field === Field.Balance) balances.set(BigInt(w.location.address), BigInt(w.value));
    for (const r of reads) {
      const address = BigInt(r.address);
      if (system && address === SYSTEM_ADDRESS) continue; // our system call's balance check, not an EIP access
      touched.add(address);
      if (r.field === Field.Storage) {
        const slot = BigInt(r.slot);
        if (!written.has(`${address}/${slot}`)) entry.storageReads.push({ address, slot });
      }
    }
    if (!system) touched.add(coinbase); // fee accounting accesses the coinbase, a zero fee included
    entry.touched = [...touched];
    return entry;
  };

  const out: BalIndexChanges[] = [phase(0, record.pre.reads, record.pre.writes, true)];
  const txs = [...record.transactions].sort((a, b) => a.index - b.index);
  for (const tx of txs) {
    if (!Number.isInteger(tx.index) || tx.index < 0 || tx.index >= n) {
      throw new BalFormatError(`record: transaction index ${tx.index} is outside the block's ${n} transactions`);
    }
    out.push(phase(tx.index + 1, tx.reads.map((r) => r.location), tx.writes, false));
  }
  out.push(phase(n + 1, record.post.reads, record.post.writes, true));
  return out;
}

/** The record's block access list: buildBal of balIndexChanges. */
export function blockAccessList(record: BlockRecord, options: BalFromRecordOptions = {}): BlockAccessList {
  return buildBal(balIndexChanges(record, options));
}

function codeOf(record: BlockRecord, w: Write, index: number): Uint8Array {
  const hash = w.value;
  if (hash === KECCAK_EMPTY_WORD) return EMPTY_CODE;
  const code = record.codes.get(hash);
  if (code === undefined) {
    throw new BalFormatError(
      `index ${index}: ${addressText(BigInt(w.location.address))}: code hash 0x${BigInt(hash).toString(16).padStart(64, "0")} is not in the record's codes`,
    );
  }
  return code;
}

// ---------------------------------------------------------------------------------------------
// Differences

function addressText(address: bigint): string {
  return "0x" + address.toString(16).padStart(40, "0");
}

function hex(n: bigint): string {
  return "0x" + n.toString(16);
}

function codeText(code: Uint8Array): string {
  if (code.length <= 32) return `${bytesToHex(code)} (${code.length} bytes)`;
  return `${bytesToHex(code.subarray(0, 16))}… (${code.length} bytes, keccak256 ${bytesToHex(keccak256(code))})`;
}

/** The first index at which two change lists differ, as "at index i: expected x, got y". */
function firstChangeDiff<V>(
  expected: readonly { index: number; value: V }[],
  actual: readonly { index: number; value: V }[],
  same: (a: V, b: V) => boolean,
  show: (v: V) => string,
): string | null {
  const e = new Map<number, V>();
  const a = new Map<number, V>();
  for (const c of expected) if (!e.has(c.index)) e.set(c.index, c.value);
  for (const c of actual) if (!a.has(c.index)) a.set(c.index, c.value);
  const indices = [...new Set([...e.keys(), ...a.keys()])].sort((x, y) => x - y);
  for (const index of indices) {
    const ev = e.get(index);
    const av = a.get(index);
    if (ev !== undefined && av !== undefined && same(ev, av)) continue;
    return `at index ${index}: expected ${ev === undefined ? "none" : show(ev)}, got ${av === undefined ? "none" : show(av)}`;
  }
  // Same entries by index: a duplicate index in one list is the remaining difference.
  if (expected.length !== actual.length) return `entries: expected ${expected.length}, got ${actual.length} (an index listed twice)`;
  return null;
}

function accountDiff(exp: AccountChanges, act: AccountChanges): string | null {
  const who = addressText(exp.address);
  const eqBig = (x: bigint, y: bigint): boolean => x === y;
  const eqBytes = (x: Uint8Array, y: Uint8Array): boolean => x.length === y.length && x.every((b, i) => b === y[i]);

  const eSlots = new Map(exp.storageChanges.map((sc) => [sc.slot, sc.changes] as const));
  const aSlots = new Map(act.storageChanges.map((sc) => [sc.slot, sc.changes] as const));
  const slots = [...new Set([...eSlots.keys(), ...aSlots.keys()])].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  for (const slot of slots) {
    const d = firstChangeDiff(eSlots.get(slot) ?? [], aSlots.get(slot) ?? [], eqBig, hex);
    if (d !== null) return `${who}: storage change of slot ${hex(slot)} ${d}`;
  }
  const eReads = new Set(exp.storageReads);
  const aReads = new Set(act.storageReads);
  const reads = [...new Set([...eReads, ...aReads])].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  for (const slot of reads) {
    if (!aReads.has(slot)) return `${who}: storage read of slot ${hex(slot)}: expected read, got none`;
    if (!eReads.has(slot)) return `${who}: storage read of slot ${hex(slot)}: expected none, got read`;
  }
  if (exp.storageReads.length !== act.storageReads.length) {
    return `${who}: storage reads: expected ${exp.storageReads.length} entries, got ${act.storageReads.length} (a slot listed twice)`;
  }
  if (exp.storageChanges.length !== act.storageChanges.length) {
    return `${who}: storage changes: expected ${exp.storageChanges.length} slots, got ${act.storageChanges.length} (a slot listed twice)`;
  }
  const fields: [string, string | null][] = [
    ["balance change", firstChangeDiff(exp.balanceChanges, act.balanceChanges, eqBig, hex)],
    ["nonce change", firstChangeDiff(exp.nonceChanges, act.nonceChanges, eqBig, hex)],
    [
      "code change",
      firstChangeDiff(
        exp.codeChanges.map((c) => ({ index: c.index, value: c.code })),
        act.codeChanges.map((c) => ({ index: c.index, value: c.code })),
        eqBytes,
        codeText,
      ),
    ],
  ];
  for (const [what, d] of fields) if (d !== null) return `${who}: ${what} ${d}`;
  return null;
}

/**
 * The first difference between two lists, as one line naming the account, the field (and slot),
 * the block access index and both values; null when they hold the same content. Accounts are
 * compared in address order, and within an account: storage changes (by slot, then index),
 * storage reads, balance, nonce and code changes (by index).
 */
export function diffBal(expected: BlockAccessList, actual: BlockAccessList): string | null {
  const byAddress = (bal: BlockAccessList, side: string): Map<bigint, AccountChanges> | string => {
    const m = new Map<bigint, AccountChanges>();
    for (const acc of bal) {
      if (m.has(acc.address)) return `account ${addressText(acc.address)} listed twice in the ${side} list`;
      m.set(acc.address, acc);
    }
    return m;
  };
  const e = byAddress(expected, "expected");
  if (typeof e === "string") return e;
  const a = byAddress(actual, "actual");
  if (typeof a === "string") return a;
  const addresses = [...new Set([...e.keys(), ...a.keys()])].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  for (const address of addresses) {
    const exp = e.get(address);
    const act = a.get(address);
    if (act === undefined) return `account ${addressText(address)} missing`;
    if (exp === undefined) return `unexpected account ${addressText(address)}`;
    const d = accountDiff(exp, act);
    if (d !== null) return d;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Seeding an execution

/**
 * The list's changes per transaction as record writes: `writes[i]` holds the changes at block
 * access index i + 1 (transaction i), in address order (storage by slot, then balance, nonce,
 * code), `credit` null; balances and nonces as bigints, storage values as canonical words, code
 * as its keccak256 code hash (KECCAK_EMPTY_WORD for empty code) with the bytes in `codes`.
 * Indices 0 and n + 1 (system changes) are left out; an index above n + 1 throws a BalFormatError
 * naming the account and the index.
 */
export function transactionWritesFromBal(bal: BlockAccessList, txCount: number): { writes: Write[][]; codes: Map<Word, Uint8Array> } {
  if (!Number.isInteger(txCount) || txCount < 0) throw new BalFormatError(`transactionWritesFromBal: transaction count ${String(txCount)} is not a non-negative integer`);
  const last = txCount + 1;
  const writes: Write[][] = Array.from({ length: txCount }, () => []);
  const codes = new Map<Word, Uint8Array>();
  for (const acc of bal) {
    const who = addressText(acc.address);
    const address = norm(acc.address);
    const target = (index: number, what: string): Write[] | null => {
      if (index > last) {
        throw new BalFormatError(`${who}: ${what} at block access index ${index} exceeds the block's last index ${last} (${txCount} transactions + 1)`);
      }
      return index === 0 || index === last ? null : writes[index - 1]!;
    };
    for (const sc of acc.storageChanges) {
      for (const c of sc.changes) {
        const out = target(c.index, `storage change of slot ${hex(sc.slot)}`);
        if (out !== null) out.push({ location: { address, field: Field.Storage, slot: norm(sc.slot) }, value: norm(c.value), credit: null });
      }
    }
    for (const c of acc.balanceChanges) {
      const out = target(c.index, "balance change");
      if (out !== null) out.push({ location: { address, field: Field.Balance, slot: 0 }, value: c.value, credit: null });
    }
    for (const c of acc.nonceChanges) {
      const out = target(c.index, "nonce change");
      if (out !== null) out.push({ location: { address, field: Field.Nonce, slot: 0 }, value: c.value, credit: null });
    }
    for (const c of acc.codeChanges) {
      const out = target(c.index, "code change");
      if (out === null) continue;
      let hash: Word = KECCAK_EMPTY_WORD;
      if (c.code.length > 0) {
        hash = fromBytes(keccak256(c.code), 0, 32);
        if (!codes.has(hash)) codes.set(hash, c.code.slice());
      }
      out.push({ location: { address, field: Field.Code, slot: 0 }, value: hash, credit: null });
    }
  }
  return { writes, codes };
}
