// Root-only Merkle-Patricia trie hashing (Yellow Paper appendix D): the root of a set of
// key/value pairs built in one pass over the sorted keys, with no node storage.
import { keccak_256 } from "@noble/hashes/sha3.js";
import { encodeBytes, encodeList, encodeUint } from "../primitives/rlpEncode.js";

export const EMPTY_TRIE_ROOT = keccak_256(Uint8Array.of(0x80));

interface Entry {
  nibbles: Uint8Array;
  value: Uint8Array;
}

function toNibbles(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length * 2);
  for (let i = 0; i < key.length; i++) {
    out[2 * i] = key[i]! >> 4;
    out[2 * i + 1] = key[i]! & 15;
  }
  return out;
}

function compareNibbles(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Hex-prefix encoding of nibbles[from, to) with the leaf flag. */
function hexPrefix(nibbles: Uint8Array, from: number, to: number, leaf: boolean): Uint8Array {
  const len = to - from;
  const odd = len & 1;
  const out = new Uint8Array(1 + (len >> 1));
  out[0] = ((leaf ? 2 : 0) + odd) << 4;
  let i = from;
  if (odd) out[0]! |= nibbles[i++]!;
  for (let j = 1; i < to; i += 2, j++) out[j] = (nibbles[i]! << 4) | nibbles[i + 1]!;
  return out;
}

/** How a node is referenced from its parent: embedded when its RLP is shorter than 32 bytes. */
function reference(node: Uint8Array): Uint8Array {
  return node.length < 32 ? node : encodeBytes(keccak_256(node));
}

const EMPTY_ITEM = encodeBytes(new Uint8Array(0));

/** RLP of the node holding entries[lo, hi), all sharing their first `depth` nibbles. */
function buildNode(entries: Entry[], lo: number, hi: number, depth: number): Uint8Array {
  const first = entries[lo]!.nibbles;
  if (hi - lo === 1) {
    return encodeList([encodeBytes(hexPrefix(first, depth, first.length, true)), encodeBytes(entries[lo]!.value)]);
  }
  const last = entries[hi - 1]!.nibbles;
  let common = depth;
  const limit = Math.min(first.length, last.length);
  while (common < limit && first[common] === last[common]) common++;
  if (common > depth) {
    const child = buildNode(entries, lo, hi, common);
    return encodeList([encodeBytes(hexPrefix(first, depth, common, false)), reference(child)]);
  }
  const items: Uint8Array[] = new Array(17);
  let i = lo;
  let value = EMPTY_ITEM;
  if (entries[i]!.nibbles.length === depth) {
    value = encodeBytes(entries[i]!.value); // a key ending here: the branch's own value
    i++;
  }
  for (let nibble = 0; nibble < 16; nibble++) {
    const start = i;
    while (i < hi && entries[i]!.nibbles[depth] === nibble) i++;
    items[nibble] = i === start ? EMPTY_ITEM : reference(buildNode(entries, start, i, depth + 1));
  }
  items[16] = value;
  return encodeList(items);
}

/** Root hash of a trie holding these distinct keys with non-empty values. */
export function trieRoot(pairs: Iterable<[Uint8Array, Uint8Array]>): Uint8Array {
  const entries: Entry[] = [];
  for (const [key, value] of pairs) entries.push({ nibbles: toNibbles(key), value });
  if (entries.length === 0) return EMPTY_TRIE_ROOT;
  entries.sort((a, b) => compareNibbles(a.nibbles, b.nibbles));
  return keccak_256(buildNode(entries, 0, entries.length, 0));
}

/** Root of a "secure" trie: keys are keccak-hashed first. */
export function secureTrieRoot(pairs: Iterable<[Uint8Array, Uint8Array]>): Uint8Array {
  const hashed: [Uint8Array, Uint8Array][] = [];
  for (const [key, value] of pairs) hashed.push([keccak_256(key), value]);
  return trieRoot(hashed);
}

/** Root of a list trie (transactions, receipts): key = rlp(index). */
export function orderedTrieRoot(values: Uint8Array[]): Uint8Array {
  return trieRoot(values.map((v, i) => [encodeUint(BigInt(i)), v] as [Uint8Array, Uint8Array]));
}
