// Moving a finished execution's changes into a MemoryState, and the state root of one.
import { stateRoot, storageRoot } from "../trie/state.js";
import { wordToBytes, type Word } from "../primitives/word.js";
import type { MemoryState } from "./memory.js";
import type { WorldState } from "./world.js";

/** Writes every account the world changed into `target` (deleting destroyed/dead ones). */
export function applyWorld(world: WorldState, target: MemoryState): void {
  for (const account of world.dirtyAccounts()) {
    if (!account.exists) {
      target.accounts.delete(account.address);
      continue;
    }
    let stored = target.accounts.get(account.address);
    if (stored === undefined || account.storageCleared) {
      stored = target.putAccount(account.address, account.nonce, account.balance, account.codeHash);
    }
    stored.nonce = account.nonce;
    stored.balance = account.balance;
    stored.codeHash = account.codeHash;
    if (account.code !== null && !target.codes.has(account.codeHash)) target.codes.set(account.codeHash, account.code);
    for (const [slot, value] of account.storage) {
      if (value === 0) stored.storage.delete(slot);
      else stored.storage.set(slot, value);
    }
  }
}

/** Merkle-Patricia state root of a complete in-memory state. */
export function memoryStateRoot(state: MemoryState): Uint8Array {
  const accounts = [];
  for (const [address, account] of state.accounts) {
    accounts.push({
      address,
      nonce: account.nonce,
      balance: account.balance,
      storageRoot: storageRoot(nonZero(account.storage)),
      codeHash: wordToBytes(account.codeHash),
    });
  }
  return stateRoot(accounts);
}

function* nonZero(storage: Map<Word, Word>): IterableIterator<[Word, Word]> {
  for (const entry of storage) if (entry[1] !== 0) yield entry;
}
