// A complete in-memory world state: the pre-state of a state test or a block, and the place
// where a finished execution's changes can be applied.
import type { Word } from "../primitives/word.js";
import { KECCAK_EMPTY_WORD, type AccountInfo, type StateReader } from "./reader.js";

export interface MemoryAccount {
  nonce: bigint;
  balance: bigint;
  codeHash: Word;
  storage: Map<Word, Word>;
}

export class MemoryState implements StateReader {
  readonly accounts: Map<Word, MemoryAccount>;
  readonly codes: Map<Word, Uint8Array>;

  constructor(accounts = new Map<Word, MemoryAccount>(), codes = new Map<Word, Uint8Array>()) {
    this.accounts = accounts;
    this.codes = codes;
    if (!codes.has(KECCAK_EMPTY_WORD)) this.codes.set(KECCAK_EMPTY_WORD, new Uint8Array(0));
  }

  /** A state over these maps, without copying them (the caller gives them up). */
  static adopting(accounts: Map<Word, MemoryAccount>, codes: Map<Word, Uint8Array>): MemoryState {
    return new MemoryState(accounts, codes);
  }

  readAccount(address: Word): AccountInfo | null {
    return this.accounts.get(address) ?? null;
  }

  readCode(codeHash: Word): Uint8Array {
    const code = this.codes.get(codeHash);
    if (code === undefined) throw new Error(`state has no bytecode for code hash 0x${codeHash.toString(16).padStart(64, "0")}`);
    return code;
  }

  readStorage(address: Word, slot: Word): Word {
    return this.accounts.get(address)?.storage.get(slot) ?? 0;
  }

  hasStorage(address: Word): boolean {
    const storage = this.accounts.get(address)?.storage;
    if (storage === undefined) return false;
    for (const v of storage.values()) if (v !== 0) return true;
    return false;
  }

  storageEntries(address: Word): Iterable<[Word, Word]> {
    return this.accounts.get(address)?.storage ?? [];
  }

  /** Adds or replaces an account. */
  putAccount(address: Word, nonce: bigint, balance: bigint, codeHash: Word, storage = new Map<Word, Word>()): MemoryAccount {
    const account = { nonce, balance, codeHash, storage };
    this.accounts.set(address, account);
    return account;
  }
}
