// keccak256 (the original Keccak padding, as Ethereum uses it) and the hashes the protocol treats
// as constants. The sponge is hash-wasm's keccak-256 (WebAssembly, 64-bit lanes): 2.6x-4.2x faster,
// from 32 bytes to 4 KB, than the JavaScript permutation this module held before (timed side by
// side when it was replaced; bench/keccak compares it with @noble/hashes, which the tests check it
// against). Trie hashing, the receipts root above all, spent most of its time in it. Each thread
// instantiates its own module.
import { createKeccak } from "hash-wasm";
import { fromBytes, type Word } from "./word.js";

const hasher = await createKeccak(256);

/** keccak256 of src[srcOff, srcOff+len), written as 32 bytes at dst[dstOff]. */
export function keccak256Into(src: Uint8Array, srcOff: number, len: number, dst: Uint8Array, dstOff: number): void {
  hasher.init();
  hasher.update(srcOff === 0 && len === src.length ? src : src.subarray(srcOff, srcOff + len));
  dst.set(hasher.digest("binary"), dstOff);
}

export function keccak256(data: Uint8Array): Uint8Array {
  hasher.init();
  hasher.update(data);
  return hasher.digest("binary");
}

/** keccak256 of the data as a 256-bit word. */
export function keccak256Word(data: Uint8Array): Word {
  return fromBytes(keccak256(data), 0, 32);
}

/** keccak256 of no bytes: the code hash of accounts without code. */
export const KECCAK_EMPTY: Uint8Array = keccak256(new Uint8Array(0));
export const KECCAK_EMPTY_WORD: Word = fromBytes(KECCAK_EMPTY, 0, 32);

/** keccak256(rlp("")) = keccak256(0x80): the root of an empty Merkle-Patricia trie. */
export const EMPTY_TRIE_ROOT: Uint8Array = keccak256(Uint8Array.of(0x80));
export const EMPTY_TRIE_ROOT_WORD: Word = fromBytes(EMPTY_TRIE_ROOT, 0, 32);

/** keccak256(rlp([])) = keccak256(0xc0): the ommers hash of a block without ommers. */
export const KECCAK_RLP_EMPTY_LIST: Uint8Array = keccak256(Uint8Array.of(0xc0));
export const KECCAK_RLP_EMPTY_LIST_WORD: Word = fromBytes(KECCAK_RLP_EMPTY_LIST, 0, 32);
