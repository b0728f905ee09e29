// keccak256 (the original Keccak padding, as Ethereum uses it) and the hashes the protocol treats
// as constants. The permutation is WebAssembly (./keccakWasm.ts: 64-bit lanes), several times
// faster than a JavaScript permutation over 32-bit halves; this module copies the input into the
// module's memory, pads the last block and reads the digest from the state, one call into the
// module per hash (bench/keccak compares it with @noble/hashes, which the tests check it against).
// Each thread instantiates its own module.
import { INPUT, INPUT_BLOCKS, instantiateKeccak, RATE, STATE } from "./keccakWasm.js";
import { fromBytes, type Word } from "./word.js";

const keccak = instantiateKeccak();
const absorb = keccak.absorb;
const heap = new Uint8Array(keccak.memory.buffer);

/** Hashes src[srcOff, srcOff+len) into the module's state: the digest is heap[STATE, STATE+32). */
function sponge(src: Uint8Array, srcOff: number, len: number): void {
  heap.fill(0, STATE, STATE + 200);
  let at = srcOff;
  let left = len;
  while (left >= RATE) {
    const blocks = Math.min(Math.floor(left / RATE), INPUT_BLOCKS);
    const bytes = blocks * RATE;
    heap.set(src.subarray(at, at + bytes), INPUT);
    absorb(INPUT, blocks);
    at += bytes;
    left -= bytes;
  }
  // The last block: the rest of the input (under 136 bytes: copied by hand, where a view of the
  // source would be allocated per hash), then the pad10*1 bits (0x01 ... 0x80).
  for (let k = 0; k < left; k++) heap[INPUT + k] = src[at + k]!;
  heap.fill(0, INPUT + left, INPUT + RATE);
  heap[INPUT + left] = 0x01;
  heap[INPUT + RATE - 1]! |= 0x80;
  absorb(INPUT, 1);
}

/** keccak256 of src[srcOff, srcOff+len), written as 32 bytes at dst[dstOff]. */
export function keccak256Into(src: Uint8Array, srcOff: number, len: number, dst: Uint8Array, dstOff: number): void {
  sponge(src, srcOff, len);
  dst.set(heap.subarray(STATE, STATE + 32), dstOff);
}

export function keccak256(data: Uint8Array): Uint8Array {
  sponge(data, 0, data.length);
  return heap.slice(STATE, STATE + 32);
}

/** keccak256 of the data as a 256-bit word. */
export function keccak256Word(data: Uint8Array): Word {
  return keccak256WordOf(data, 0, data.length);
}

/** keccak256 of src[srcOff, srcOff+len) as a word: no view of the source and no digest array made. */
export function keccak256WordOf(src: Uint8Array, srcOff: number, len: number): Word {
  sponge(src, srcOff, len);
  return fromBytes(heap, STATE, 32);
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
