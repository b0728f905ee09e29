// State and storage roots (Yellow Paper section 4.1): secure tries of RLP-encoded accounts and
// storage values.
import { keccak_256 } from "@noble/hashes/sha3.js";
import { addressToBytes, big, wordToBytes, type Word } from "../evm/word.js";
import { encodeBytes, encodeList, encodeUint, uintBytes } from "../primitives/rlpEncode.js";
import { trieRoot } from "./root.js";

export interface AccountForRoot {
  address: Word;
  nonce: bigint;
  balance: bigint;
  storageRoot: Uint8Array;
  codeHash: Uint8Array;
}

/** Root of an account's storage; zero values must already be left out. */
export function storageRoot(slots: Iterable<[Word, Word]>): Uint8Array {
  const pairs: [Uint8Array, Uint8Array][] = [];
  for (const [slot, value] of slots) pairs.push([keccak_256(wordToBytes(slot)), encodeBytes(uintBytes(big(value)))]);
  return trieRoot(pairs);
}

export function accountRlp(nonce: bigint, balance: bigint, storageRootHash: Uint8Array, codeHash: Uint8Array): Uint8Array {
  return encodeList([encodeUint(nonce), encodeUint(balance), encodeBytes(storageRootHash), encodeBytes(codeHash)]);
}

export function stateRoot(accounts: Iterable<AccountForRoot>): Uint8Array {
  const pairs: [Uint8Array, Uint8Array][] = [];
  for (const a of accounts) pairs.push([keccak_256(addressToBytes(a.address)), accountRlp(a.nonce, a.balance, a.storageRoot, a.codeHash)]);
  return trieRoot(pairs);
}
