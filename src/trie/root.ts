// Root-only Merkle-Patricia trie hashing (Yellow Paper appendix D). No node is stored: the root of
// a key/value set is computed in one recursive pass that radix-partitions the keys nibble by
// nibble, exactly as the trie's branches split them. Each node's RLP is written into a reusable
// per-depth buffer and hashed once (or embedded in its parent when shorter than 32 bytes).
import { EMPTY_TRIE_ROOT, keccak256Into } from "../primitives/hash.js";

export { EMPTY_TRIE_ROOT };

// A node's payload is written from offset HEADER on; its list header goes right-aligned in front,
// once the payload's length is known (9 bytes: 0xf7+n and up to 8 length bytes).
const HEADER = 9;
const MAX_REF = 33; // a child reference: 0xa0 + 32-byte hash, or an embedded node under 32 bytes
const EMPTY_STRING = 0x80;

class RootHasher {
  private keys: Uint8Array[] = [];
  private values: Uint8Array[] = [];
  /** Key length in nibbles when all keys have it (-1 otherwise): then no key can end inside the trie. */
  private uniformNibbles = -1;
  /** Indices into keys/values; a node's keys are a contiguous range, partitioned in place. */
  private order = new Int32Array(64);
  /**
   * window[i]: 8 nibbles (4 bytes, zero-padded) of key order[i] from the segment's window start,
   * moved along with order[i], so partitions read nibbles sequentially instead of chasing keys.
   */
  private window = new Uint32Array(64);
  private scratchOrder = new Int32Array(64);
  private scratchWindow = new Uint32Array(64);
  /** One output buffer and one set of bucket bounds per recursion level. */
  private buffers: Uint8Array[] = [];
  private bounds: Int32Array[] = [];
  private readonly cursor = new Int32Array(16);
  /** End offset of the node most recently encoded (its start is the encoder's return value). */
  private end = 0;
  /**
   * Subtries hashed elsewhere: given a key index and the depth of the node about to be encoded
   * for the keys sharing that key's first `depth` nibbles, the node's reference, or null.
   */
  private precomputed: ((key: number, depth: number) => Uint8Array | null) | null = null;

  /** Like `root`, with some subtries' references given instead of encoded (see `precomputed`). */
  rootWith(keys: Uint8Array[], values: Uint8Array[], precomputed: (key: number, depth: number) => Uint8Array | null): Uint8Array {
    this.precomputed = precomputed;
    try {
      return this.root(keys, values);
    } finally {
      this.precomputed = null;
    }
  }

  /**
   * The reference a parent holds to the node of these keys at nibble `depth` (all keys share
   * their first `depth` nibbles): its hash, or the node itself when under 32 bytes.
   */
  rootReference(keys: Uint8Array[], values: Uint8Array[], depth = 0): Uint8Array {
    const start = this.encodeAll(keys, values, depth);
    const len = this.end - start;
    if (len >= 32) {
      const ref = new Uint8Array(33);
      ref[0] = 0xa0;
      keccak256Into(this.buffers[0]!, start, len, ref, 1);
      return ref;
    }
    return this.buffers[0]!.slice(start, this.end);
  }

  root(keys: Uint8Array[], values: Uint8Array[]): Uint8Array {
    const start = this.encodeAll(keys, values, 0);
    const out = new Uint8Array(32);
    keccak256Into(this.buffers[0]!, start, this.end - start, out, 0); // the root is hashed even when short
    return out;
  }

  /** Encodes the node of all these keys at nibble `depth` into buffers[0]; returns its start (its end is this.end). */
  private encodeAll(keys: Uint8Array[], values: Uint8Array[], depth: number): number {
    const n = keys.length;
    if (this.order.length < n) {
      this.order = new Int32Array(n);
      this.window = new Uint32Array(n);
      this.scratchOrder = new Int32Array(n);
      this.scratchWindow = new Uint32Array(n);
    }
    const length = keys[0]!.length;
    let uniform = true;
    for (let i = 0; i < n; i++) {
      const key = keys[i]!;
      this.order[i] = i;
      this.window[i] = loadWindow(key, 0);
      if (key.length !== length) uniform = false;
    }
    this.uniformNibbles = uniform ? 2 * length : -1;
    this.keys = keys;
    this.values = values;
    try {
      return this.encodeNode(0, n, depth, 0, 0);
    } finally {
      this.keys = [];
      this.values = [];
    }
  }

  /**
   * Encodes the node holding keys order[lo, hi), which share their first `depth` nibbles;
   * window[lo, hi) hold their nibbles from `windowStart` (even, <= depth) on.
   */
  private encodeNode(lo: number, hi: number, depth: number, windowStart: number, level: number): number {
    if (hi - lo === 1) return this.encodeLeaf(this.order[lo]!, depth, level);
    const common = this.commonPrefix(lo, hi, depth, windowStart);
    if (common > depth) return this.encodeExtension(lo, hi, depth, common, windowStart, level);
    return this.encodeBranch(lo, hi, depth, windowStart, level);
  }

  /** Length (in nibbles, >= depth) of the prefix shared by keys order[lo, hi). */
  private commonPrefix(lo: number, hi: number, depth: number, windowStart: number): number {
    // Usually the first two keys already differ at `depth`: tell from their windows alone.
    if (depth < windowStart + 8) {
      const shift = 28 - 4 * (depth - windowStart);
      if (((this.window[lo]! >>> shift) & 15) !== ((this.window[lo + 1]! >>> shift) & 15)) return depth;
    }
    const order = this.order;
    const keys = this.keys;
    const first = keys[order[lo]!]!;
    let common = first.length * 2;
    for (let i = lo + 1; i < hi && common > depth; i++) {
      const key = keys[order[i]!]!;
      const limit = Math.min(common, key.length * 2);
      let p = depth;
      // whole bytes while aligned, then the last nibble
      if (p & 1) {
        if (p < limit && (first[p >> 1]! & 15) === (key[p >> 1]! & 15)) p++;
        else {
          common = p;
          continue;
        }
      }
      while (p + 1 < limit && first[p >> 1] === key[p >> 1]) p += 2;
      if (p < limit && first[p >> 1]! >> 4 === key[p >> 1]! >> 4) p++;
      common = Math.min(p, limit);
    }
    return common;
  }

  private encodeLeaf(k: number, depth: number, level: number): number {
    const key = this.keys[k]!;
    const value = this.values[k]!;
    const buf = this.buffer(level, HEADER + 2 * 9 + key.length + 1 + value.length);
    let p = writeHexPrefix(buf, HEADER, key, depth, key.length * 2, true);
    p = writeString(buf, p, value);
    return this.finishList(buf, p);
  }

  private encodeExtension(lo: number, hi: number, depth: number, common: number, windowStart: number, level: number): number {
    const key = this.keys[this.order[lo]!]!;
    const buf = this.buffer(level, HEADER + 9 + key.length + 1 + MAX_REF);
    let p = writeHexPrefix(buf, HEADER, key, depth, common, false);
    const given = this.precomputed?.(this.order[lo]!, common) ?? null;
    if (given !== null) p = writeBytes(buf, p, given);
    else p = this.writeReference(level + 1, this.encodeBranch(lo, hi, common, windowStart, level + 1), buf, p);
    return this.finishList(buf, p);
  }

  private encodeBranch(lo: number, hi: number, depth: number, windowStart: number, level: number): number {
    if (depth >= windowStart + 8) {
      windowStart = depth & ~1;
      this.refillWindows(lo, hi, windowStart);
    }
    const valueIndex = this.partition(lo, hi, depth, windowStart, level);
    const value = valueIndex >= 0 ? this.values[valueIndex]! : null;
    const buf = this.buffer(level, HEADER + 16 * MAX_REF + 9 + (value === null ? 1 : value.length));
    const bounds = this.bounds[level]!;
    let p = HEADER;
    for (let nibble = 0; nibble < 16; nibble++) {
      const from = bounds[nibble]!;
      const to = bounds[nibble + 1]!;
      if (from === to) {
        buf[p++] = EMPTY_STRING;
        continue;
      }
      const given = this.precomputed?.(this.order[from]!, depth + 1) ?? null;
      if (given !== null) {
        p = writeBytes(buf, p, given);
        continue;
      }
      const child =
        to - from === 1
          ? this.encodeLeaf(this.order[from]!, depth + 1, level + 1)
          : this.encodeNode(from, to, depth + 1, windowStart, level + 1);
      p = this.writeReference(level + 1, child, buf, p);
    }
    if (value === null) buf[p++] = EMPTY_STRING;
    else p = writeString(buf, p, value);
    return this.finishList(buf, p);
  }

  private refillWindows(lo: number, hi: number, windowStart: number): void {
    const byteOffset = windowStart >> 1;
    for (let i = lo; i < hi; i++) this.window[i] = loadWindow(this.keys[this.order[i]!]!, byteOffset);
  }

  /** The key among order[lo, hi) that ends exactly at `depth` (at most one), or -1. */
  private keyEndingAt(lo: number, hi: number, depth: number): number {
    if (this.uniformNibbles >= 0) {
      if (depth !== this.uniformNibbles) return -1;
      throw new Error("trieRoot: duplicate key " + hexOf(this.keys[this.order[lo]!]!));
    }
    if (depth & 1) return -1;
    let found = -1;
    for (let i = lo; i < hi; i++) {
      const k = this.order[i]!;
      if (this.keys[k]!.length * 2 !== depth) continue;
      if (found >= 0) throw new Error("trieRoot: duplicate key " + hexOf(this.keys[k]!));
      found = i;
    }
    return found;
  }

  /**
   * Sorts order[lo, hi) (and their windows) by the nibble at `depth` (a stable counting sort)
   * and records the 16 buckets' bounds in this.bounds[level][0..16]. A key ending exactly at
   * `depth` is the branch's own value: it is moved first, left out of the buckets, and its
   * index returned (-1 if none).
   */
  private partition(lo: number, hi: number, depth: number, windowStart: number, level: number): number {
    const order = this.order;
    const window = this.window;
    const bounds = this.bounds[level] ?? (this.bounds[level] = new Int32Array(17));
    const cursor = this.cursor;
    const shift = 28 - 4 * (depth - windowStart);
    const ending = this.keyEndingAt(lo, hi, depth);
    cursor.fill(0);
    for (let i = lo; i < hi; i++) cursor[(window[i]! >>> shift) & 15]!++;
    let start = lo;
    if (ending >= 0) {
      cursor[(window[ending]! >>> shift) & 15]!--; // its zero padding was counted as nibble 0
      start++;
    }
    for (let nibble = 0; nibble < 16; nibble++) {
      const count = cursor[nibble]!;
      bounds[nibble] = start;
      cursor[nibble] = start;
      start += count;
    }
    bounds[16] = hi;
    const scratchOrder = this.scratchOrder;
    const scratchWindow = this.scratchWindow;
    for (let i = lo; i < hi; i++) {
      if (i === ending) continue;
      const w = window[i]!;
      const to = cursor[(w >>> shift) & 15]!++;
      scratchOrder[to] = order[i]!;
      scratchWindow[to] = w;
    }
    let valueIndex = -1;
    if (ending >= 0) {
      valueIndex = order[ending]!;
      scratchOrder[lo] = valueIndex;
      scratchWindow[lo] = window[ending]!;
    }
    order.set(scratchOrder.subarray(lo, hi), lo);
    window.set(scratchWindow.subarray(lo, hi), lo);
    return valueIndex;
  }

  /** Writes the reference to the node just encoded at level's buffer[start, this.end) into dst at p. */
  private writeReference(level: number, start: number, dst: Uint8Array, p: number): number {
    const src = this.buffers[level]!;
    const len = this.end - start;
    if (len < 32) {
      for (let i = 0; i < len; i++) dst[p + i] = src[start + i]!;
      return p + len;
    }
    dst[p] = 0xa0;
    keccak256Into(src, start, len, dst, p + 1);
    return p + 33;
  }

  /** Writes the list header in front of buf[HEADER, end); returns the node's start offset. */
  private finishList(buf: Uint8Array, end: number): number {
    this.end = end;
    const len = end - HEADER;
    if (len < 56) {
      buf[HEADER - 1] = 0xc0 + len;
      return HEADER - 1;
    }
    const start = writeLongLength(buf, HEADER, len) - 1;
    buf[start] = 0xf7 + (HEADER - 1 - start);
    return start;
  }

  private buffer(level: number, size: number): Uint8Array {
    const buf = this.buffers[level];
    if (buf !== undefined && buf.length >= size) return buf;
    const grown = new Uint8Array(Math.max(size, 1024));
    this.buffers[level] = grown;
    return grown;
  }
}

/** Writes `len` big-endian in the minimal bytes ending just before `end`; returns where they start. */
function writeLongLength(buf: Uint8Array, end: number, len: number): number {
  let p = end;
  for (let v = len; v > 0; v = Math.floor(v / 256)) buf[--p] = v % 256;
  return p;
}

function writeBytes(buf: Uint8Array, p: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) buf[p + i] = bytes[i]!;
  return p + bytes.length;
}

/** Writes the RLP of a byte string at p; returns the offset after it. */
function writeString(buf: Uint8Array, p: number, bytes: Uint8Array): number {
  const len = bytes.length;
  if (len === 1 && bytes[0]! < 0x80) {
    buf[p] = bytes[0]!;
    return p + 1;
  }
  p = writeStringHeader(buf, p, len);
  if (len > 64) buf.set(bytes, p);
  else for (let i = 0; i < len; i++) buf[p + i] = bytes[i]!;
  return p + len;
}

function writeStringHeader(buf: Uint8Array, p: number, len: number): number {
  if (len < 56) {
    buf[p] = 0x80 + len;
    return p + 1;
  }
  let lenBytes = 0;
  for (let v = len; v > 0; v = Math.floor(v / 256)) lenBytes++;
  buf[p] = 0xb7 + lenBytes;
  writeLongLength(buf, p + 1 + lenBytes, len);
  return p + 1 + lenBytes;
}

/**
 * Writes the RLP string of the hex-prefix encoding of key's nibbles [from, to): a flag nibble
 * (2 for a leaf, +1 for an odd count), the first nibble beside it when odd, then nibble pairs.
 */
function writeHexPrefix(buf: Uint8Array, p: number, key: Uint8Array, from: number, to: number, leaf: boolean): number {
  const count = to - from;
  const odd = count & 1;
  const flag = (leaf ? 0x20 : 0) | (odd ? 0x10 : 0);
  const length = 1 + (count >> 1);
  if (length > 1) p = writeStringHeader(buf, p, length); // a lone flag byte is below 0x80: its own RLP
  if (odd) {
    buf[p++] = flag | nibbleAt(key, from);
    from++;
  } else buf[p++] = flag;
  if ((from & 1) === 0) {
    for (let b = from >> 1; b < to >> 1; b++) buf[p++] = key[b]!;
  } else {
    for (let n = from; n < to; n += 2) buf[p++] = (nibbleAt(key, n) << 4) | nibbleAt(key, n + 1);
  }
  return p;
}

/** Bytes key[offset, offset+4) as a big-endian 32-bit number, zero-padded past the key's end. */
function loadWindow(key: Uint8Array, offset: number): number {
  if (offset + 4 <= key.length) return ((key[offset]! << 24) | (key[offset + 1]! << 16) | (key[offset + 2]! << 8) | key[offset + 3]!) >>> 0;
  let w = 0;
  for (let i = 0; i < 4; i++) w = w * 256 + (offset + i < key.length ? key[offset + i]! : 0);
  return w;
}

function nibbleAt(key: Uint8Array, n: number): number {
  const b = key[n >> 1]!;
  return n & 1 ? b & 15 : b >> 4;
}

function hexOf(bytes: Uint8Array): string {
  let s = "0x";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

const hasher = new RootHasher();

/**
 * Root of the trie holding these keys and values (keys distinct; an empty value means "absent",
 * as in the trie itself, and is left out). No entries give EMPTY_TRIE_ROOT.
 */
export function trieRoot(entries: Iterable<readonly [Uint8Array, Uint8Array]>): Uint8Array {
  const keys: Uint8Array[] = [];
  const values: Uint8Array[] = [];
  for (const [key, value] of entries) {
    if (value.length === 0) continue;
    keys.push(key);
    values.push(value);
  }
  return trieRootOfLists(keys, values);
}

/** trieRoot over parallel arrays (no tuples); values must be non-empty. */
export function trieRootOfLists(keys: Uint8Array[], values: Uint8Array[]): Uint8Array {
  if (keys.length !== values.length) throw new Error(`trieRoot: ${keys.length} keys but ${values.length} values`);
  if (keys.length === 0) return EMPTY_TRIE_ROOT.slice();
  for (const value of values) if (value.length === 0) throw new Error("trieRoot: empty value (leave the key out instead)");
  return hasher.root(keys, values);
}

/** Root of a "secure" trie: each key is replaced by its keccak256 hash. */
export function secureTrieRoot(entries: Iterable<readonly [Uint8Array, Uint8Array]>): Uint8Array {
  const rawKeys: Uint8Array[] = [];
  const values: Uint8Array[] = [];
  for (const [key, value] of entries) {
    if (value.length === 0) continue;
    rawKeys.push(key);
    values.push(value);
  }
  return trieRootOfLists(hashKeys(rawKeys), values);
}

/** keccak256 of each key, as 32-byte views into one buffer. */
export function hashKeys(rawKeys: Uint8Array[]): Uint8Array[] {
  const n = rawKeys.length;
  const hashed = new Uint8Array(32 * n);
  const keys: Uint8Array[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const key = rawKeys[i]!;
    keccak256Into(key, 0, key.length, hashed, 32 * i);
    keys[i] = hashed.subarray(32 * i, 32 * i + 32);
  }
  return keys;
}

/** Root of a list trie (transactions, receipts, withdrawals): item i under key rlp(i). */
export function orderedTrieRoot(values: Uint8Array[]): Uint8Array {
  const keys: Uint8Array[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) keys[i] = indexKey(i);
  return trieRootOfLists(keys, values);
}

// Ordered tries split for parallel hashing. Items from index 128 on have keys rlp(i) of two or more
// bytes; the items of one aligned run of 16 (the same i >>> 4) share every nibble of their keys but
// the last, and no other key shares those. Two or more such items hang under one branch node at the
// depth of that last nibble, whose reference can be computed apart (in another thread) from the
// run's items alone and given to orderedTrieRootFromGroups in their place: a group. (A run of one
// item is a leaf placed wherever its key first differs from the others: it is given as it is.)
// Runs of 16 keep the groups small, so that threads sharing them out finish close together.

/** Items below this index are not grouped: their keys are single bytes (see the head groups below). */
export const ORDERED_GROUP_START = 128;
const GROUP_ITEMS = 16;

/** The group of item i (i >= ORDERED_GROUP_START). */
export function orderedGroupOf(i: number): number {
  return Math.floor((i - ORDERED_GROUP_START) / GROUP_ITEMS);
}

/** The items [first, end) of group g among n items. */
export function orderedGroupRange(g: number, n: number): [number, number] {
  const first = ORDERED_GROUP_START + GROUP_ITEMS * g;
  return [first, Math.min(n, first + GROUP_ITEMS)];
}

/** Number of groups among n items. */
export function orderedGroupCount(n: number): number {
  return n <= ORDERED_GROUP_START ? 0 : orderedGroupOf(n - 1) + 1;
}

/** Whether group g (of n items) is one subtrie that can be hashed apart: it holds two items or more. */
export function orderedGroupSplits(g: number, n: number): boolean {
  const [first, end] = orderedGroupRange(g, n);
  return end - first >= 2;
}

const groupHasher = new RootHasher();

/** The reference to the subtrie of group g's items (values[j] is item first + j); g must split. */
export function orderedGroupReference(g: number, values: Uint8Array[]): Uint8Array {
  const [first] = orderedGroupRange(g, Number.MAX_SAFE_INTEGER);
  const keys = values.map((_, j) => indexKey(first + j));
  // The run's branch node sits at its keys' last nibble.
  return groupHasher.rootReference(keys, values, 2 * keys[0]!.length - 1);
}

// The items below ORDERED_GROUP_START have one-byte keys: rlp(i) = i for 1..127, 0x80 for 0. The
// root branch's children 0..7 hold the items 1..15, 16..31, .., 112..127 (by the key's high
// nibble): "head groups" 0..7, each one node at nibble depth 1 that can be hashed apart too. Child
// 8 holds item 0 and every item from 128 on: with no item past 127, item 0 alone, head group 8.

/** Head groups among the items below ORDERED_GROUP_START (see above). */
export const ORDERED_HEAD_GROUPS = 9;

/** The items [first, end) of head group h among n items (empty when first >= end). */
export function orderedHeadRange(h: number, n: number): [number, number] {
  if (n < 2) return [0, 0]; // one item is the whole trie: a leaf at the root
  if (h === 8) return n <= ORDERED_GROUP_START ? [0, 1] : [0, 0];
  return [Math.max(1, 16 * h), Math.min(n, 16 * h + 16)];
}

/** The reference to head group h's node at depth 1 (values[j] is item first + j); the group must not be empty. */
export function orderedHeadReference(h: number, n: number, values: Uint8Array[]): Uint8Array {
  const [first] = orderedHeadRange(h, n);
  return groupHasher.rootReference(values.map((_, j) => indexKey(first + j)), values, 1);
}

/**
 * orderedTrieRoot of n items, where refs[g] stands for the items of every group g that splits
 * (orderedGroupSplits), headRefs[h] (when given) for the items of head group h, and item(i) gives
 * every other item.
 */
export function orderedTrieRootFromGroups(n: number, item: (i: number) => Uint8Array, refs: Uint8Array[], headRefs: (Uint8Array | undefined)[] = []): Uint8Array {
  if (n === 0) return EMPTY_TRIE_ROOT.slice();
  // Only the top of the trie is hashed here. A group (or head group) given by its reference
  // stands in as two of its keys, its first and last: they share the same prefix, so they span
  // the same nodes above the group's own node (where the reference goes in), and the top costs
  // about n/8 keys instead of n.
  const itemOf: number[] = [];
  const keys: Uint8Array[] = [];
  const values: Uint8Array[] = [];
  const placeholder = Uint8Array.of(1);
  const add = (i: number, given: boolean): void => {
    itemOf.push(i);
    keys.push(indexKey(i));
    values.push(given ? placeholder : item(i));
  };
  const headOf = (i: number) => (i === 0 ? 8 : i >> 4);
  const headGiven = (i: number) => n >= 2 && headRefs[headOf(i)] !== undefined && (i > 0 || n <= ORDERED_GROUP_START);
  for (let i = 0; i < Math.min(n, ORDERED_GROUP_START); i++) {
    const given = headGiven(i);
    if (given && i > 0) {
      const [first, end] = orderedHeadRange(headOf(i), n);
      if (i !== first && i !== end - 1) continue;
    }
    add(i, given);
  }
  for (let g = 0; g < orderedGroupCount(n); g++) {
    const [first, end] = orderedGroupRange(g, n);
    if (orderedGroupSplits(g, n)) {
      add(first, true);
      add(end - 1, true);
    } else {
      for (let i = first; i < end; i++) add(i, false);
    }
  }
  return hasher.rootWith(keys, values, (k, depth) => {
    const i = itemOf[k]!;
    // A head group's node is a child of the root branch.
    if (i < ORDERED_GROUP_START) return depth === 1 && headGiven(i) ? (headRefs[headOf(i)] ?? null) : null;
    // A split group's branch node sits at the depth of its keys' last nibble.
    if (depth !== 2 * keys[k]!.length - 1) return null;
    const g = orderedGroupOf(i);
    return orderedGroupSplits(g, n) ? refs[g]! : null;
  });
}

/** rlp(i) for a list index: 0x80 for 0, the byte itself below 0x80, else a short string. */
function indexKey(i: number): Uint8Array {
  if (i === 0) return Uint8Array.of(EMPTY_STRING);
  if (i < 0x80) return Uint8Array.of(i);
  let length = 0;
  for (let v = i; v > 0; v = Math.floor(v / 256)) length++;
  const key = new Uint8Array(1 + length);
  key[0] = EMPTY_STRING + length;
  for (let j = length, v = i; j >= 1; j--, v = Math.floor(v / 256)) key[j] = v % 256;
  return key;
}
