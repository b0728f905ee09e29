// The post-state diff of an execution: every account and slot whose value changed, old and new.
import { KECCAK_EMPTY_WORD } from "./reader.js";
import type { StateReader } from "./reader.js";
import type { WorldState } from "./world.js";
import type { Word } from "../primitives/word.js";

export interface AccountValues {
  balance: bigint;
  nonce: bigint;
  codeHash: Word;
}

export interface SlotChange {
  slot: Word;
  before: Word;
  after: Word;
}

export interface AccountChange {
  address: Word;
  /** null: the account did not exist before (or, for `after`, no longer exists). */
  before: AccountValues | null;
  after: AccountValues | null;
  /** Changed slots, in ascending slot order. */
  storage: SlotChange[];
  /** New code, when the code hash changed to non-empty code. */
  code?: Uint8Array;
}

/** Accounts in ascending address order; unchanged (only touched) accounts are left out. */
export function postStateDiff(world: WorldState, pre: StateReader): AccountChange[] {
  const changes: AccountChange[] = [];
  for (const account of world.dirtyAccounts()) {
    const before = pre.readAccount(account.address);
    const after: AccountValues | null = account.exists ? { balance: account.balance, nonce: account.nonce, codeHash: account.codeHash } : null;
    const storage = storageChanges(account.address, account.storage, account.storageCleared || !account.exists, pre);
    const accountChanged = !sameAccount(before, after);
    if (!accountChanged && storage.length === 0) continue;
    const change: AccountChange = { address: account.address, before: before === null ? null : { balance: before.balance, nonce: before.nonce, codeHash: before.codeHash }, after, storage };
    if (after !== null && after.codeHash !== KECCAK_EMPTY_WORD && after.codeHash !== before?.codeHash && account.code !== null) change.code = account.code;
    changes.push(change);
  }
  return changes.sort((a, b) => compareWords(a.address, b.address));
}

function storageChanges(address: Word, current: ReadonlyMap<Word, Word>, cleared: boolean, pre: StateReader): SlotChange[] {
  const changes: SlotChange[] = [];
  for (const [slot, after] of current) {
    const before = pre.readStorage(address, slot);
    if (before !== after) changes.push({ slot, before, after });
  }
  // A cleared account lost every slot it had; list the ones the pre-state knows.
  if (cleared && pre.storageEntries !== undefined) {
    for (const [slot, before] of pre.storageEntries(address)) {
      if (before !== 0 && !current.has(slot)) changes.push({ slot, before, after: 0 });
    }
  }
  return changes.sort((a, b) => compareWords(a.slot, b.slot));
}

function sameAccount(a: AccountValues | null, b: AccountValues | null): boolean {
  if (a === null || b === null) return a === b;
  return a.balance === b.balance && a.nonce === b.nonce && a.codeHash === b.codeHash;
}

function compareWords(a: Word, b: Word): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
