// A memo of KECCAK256 over 64-byte inputs (a mapping key and the mapping's slot), for the blocks
// executed on this thread, one at a time. Contracts hash the same mapping keys again and again
// within a block (a token's balance of one holder read by balanceOf, then by transfer, then by the
// next transfer): over the mainnet fixture blocks 56% of the opcode's hashes repeat an input
// hashed earlier in the same block, and 64-byte inputs are most of them (2,130 of 14029313's
// 2,305 hashes). A hash costs about 650 ns (absorbing, the permutation, reading the word); a memo
// hit, a 64-byte compare. Other lengths are not memoised: a loop hashing a new 32-byte word each
// time paid about 90 ns per hash for a memo that never hit. The block executors call
// resetHashMemo when a block starts, so that no hash is carried from one block to the next (a
// block executed again starts with an empty memo).
import { keccak256WordOf } from "../primitives/hash.js";
import type { Word } from "../primitives/word.js";

/** Direct-mapped entries: a block hashes a few thousand distinct keys. */
const ENTRIES = 4096;
const KEY_WORDS = 16;
/** Each entry's input as big-endian 32-bit words. */
const keys = new Int32Array(ENTRIES * KEY_WORDS);
/** Each entry's generation (0: empty). */
const tags = new Int32Array(ENTRIES);
const values: Word[] = new Array<Word>(ENTRIES).fill(0);
const input = new Int32Array(KEY_WORDS);
/** Generations wrap around here: the tags are 32-bit integers. */
const MAX_GENERATION = 0x3fffffff;
let generation = 1;
let hits = 0;

/** Memo hits since the thread started (for the tests). */
export function hashMemoHits(): number {
  return hits;
}

/** Forgets every memoised hash (the start of a block). */
export function resetHashMemo(): void {
  if (++generation > MAX_GENERATION) {
    generation = 1;
    tags.fill(0);
  }
}

/** keccak256 of the 64 bytes at `off` of memory `buf` (`view` is its DataView), as a word. */
export function memoKeccak64(buf: Uint8Array, view: DataView, off: number): Word {
  let h = 0;
  for (let k = 0; k < KEY_WORDS; k++) {
    const v = view.getInt32(off + 4 * k);
    input[k] = v;
    h = Math.imul(h ^ v, 0x9e3779b1);
    h ^= h >>> 15;
  }
  const entry = h & (ENTRIES - 1);
  const at = entry * KEY_WORDS;
  if (tags[entry] === generation) {
    let k = 0;
    while (k < KEY_WORDS && keys[at + k] === input[k]) k++;
    if (k === KEY_WORDS) {
      hits++;
      return values[entry]!;
    }
  }
  const value = keccak256WordOf(buf, off, 64);
  for (let k = 0; k < KEY_WORDS; k++) keys[at + k] = input[k]!;
  tags[entry] = generation;
  values[entry] = value;
  return value;
}
