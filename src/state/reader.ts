// The base state an execution starts from, read synchronously. Executors decide what backs it:
// an in-memory pre-state, a block's lazily loaded fixture, or (in parallel execution) a
// multi-version memory that records every read.
import type { Word } from "../primitives/word.js";

export interface AccountInfo {
  nonce: bigint;
  balance: bigint;
  /** keccak256 of the code, as a word; KECCAK_EMPTY_WORD for accounts without code. */
  codeHash: Word;
}

export interface StateReader {
  /** The account, or null when it does not exist. */
  readAccount(address: Word): AccountInfo | null;
  /** The code with this hash. Throws when the code is unknown (a malformed pre-state). */
  readCode(codeHash: Word): Uint8Array;
  /** The storage value, 0 when unset. */
  readStorage(address: Word, slot: Word): Word;
  /** Whether the account has any non-zero storage (EIP-7610), when the reader can tell. */
  hasStorage?(address: Word): boolean;
  /** Every known non-zero slot of the account, when the reader can list them (for state diffs). */
  storageEntries?(address: Word): Iterable<[Word, Word]>;
}

export { KECCAK_EMPTY_WORD } from "../primitives/hash.js";
