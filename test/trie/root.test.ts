import { test } from "node:test";
import assert from "node:assert/strict";
import { MerklePatriciaTrie } from "@ethereumjs/mpt";
import { bytesToHex, hexToBytes } from "../../src/primitives/bytes.js";
import { EMPTY_TRIE_ROOT } from "../../src/primitives/hash.js";
import { encode } from "../../src/primitives/rlp.js";
import { ORDERED_GROUP_START, ORDERED_HEAD_GROUPS, orderedGroupCount, orderedGroupOf, orderedGroupRange, orderedGroupSplits, orderedGroupReference, orderedHeadRange, orderedHeadReference, orderedTrieRoot, orderedTrieRootFromGroups, secureTrieRoot, trieRoot, trieRootOfLists } from "../../src/trie/root.js";

/** Deterministic pseudo-random bytes (xorshift32), so failures reproduce. */
function rng(seed: number): (max: number) => number {
  let s = seed >>> 0 || 1;
  return (max) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % max;
  };
}

function randomBytes(next: (max: number) => number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = next(256);
  return out;
}

async function referenceRoot(pairs: Array<[Uint8Array, Uint8Array]>, secure = false): Promise<string> {
  const trie = new MerklePatriciaTrie({ useKeyHashing: secure });
  for (const [key, value] of pairs) await trie.put(key, value);
  return bytesToHex(trie.root());
}

/** Distinct keys drawn from a small alphabet and short lengths, so prefixes and shared paths abound. */
function clusteredPairs(next: (max: number) => number, count: number, valueLengths: number[], prefix: Uint8Array = new Uint8Array(0)): Array<[Uint8Array, Uint8Array]> {
  const byKey = new Map<string, [Uint8Array, Uint8Array]>();
  while (byKey.size < count) {
    const key = new Uint8Array(prefix.length + next(6));
    key.set(prefix);
    for (let i = prefix.length; i < key.length; i++) key[i] = [0x00, 0x01, 0x10, 0x11, 0xff][next(5)]!;
    const value = randomBytes(next, valueLengths[next(valueLengths.length)]!);
    if (value.length === 1 && next(2) === 0) value[0] = next(0x80); // a single byte that is its own RLP
    byKey.set(bytesToHex(key), [key, value]);
  }
  return [...byKey.values()];
}

test("empty trie", () => {
  assert.deepEqual(trieRoot([]), EMPTY_TRIE_ROOT);
  assert.deepEqual(secureTrieRoot([]), EMPTY_TRIE_ROOT);
  assert.deepEqual(orderedTrieRoot([]), EMPTY_TRIE_ROOT);
  assert.deepEqual(trieRoot([[Uint8Array.of(1), new Uint8Array(0)]]), EMPTY_TRIE_ROOT); // empty value = absent
});

test("small known tries", () => {
  const utf8 = (s: string) => new TextEncoder().encode(s);
  const puppy: Array<[Uint8Array, Uint8Array]> = [
    [utf8("do"), utf8("verb")],
    [utf8("horse"), utf8("stallion")],
    [utf8("doge"), utf8("coin")],
    [utf8("dog"), utf8("puppy")],
  ];
  assert.equal(bytesToHex(trieRoot(puppy)), "0x5991bb8c6514148a29db676a14ac506cd2cd5775ace63c30a4fe457715e9ac84");
  // a single short leaf is still hashed at the root
  assert.equal(
    bytesToHex(trieRoot([[utf8("A"), utf8("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]])),
    "0xd23786fb4a010da3ce639d66d5e904a11dbc02746d1ce25029e53290cabf28ab",
  );
});

test("clustered keys (prefix keys, branch values, extensions, embedded nodes) match @ethereumjs/mpt", async () => {
  const next = rng(12345);
  for (let round = 0; round < 150; round++) {
    const prefix = randomBytes(next, [0, 0, 1, 3, 4, 5, 9][next(7)]!); // shared prefixes cross the 4-byte windows
    const pairs = clusteredPairs(next, 1 + next(40), [1, 1, 2, 5, 30, 31, 32, 60, 200], prefix);
    const expected = await referenceRoot(pairs);
    assert.equal(bytesToHex(trieRoot(pairs)), expected, `round ${round}`);
  }
});

test("random 32-byte keys match @ethereumjs/mpt, plain and secure", async () => {
  const next = rng(99);
  for (const count of [1, 2, 3, 17, 100, 1000]) {
    const pairs: Array<[Uint8Array, Uint8Array]> = [];
    for (let i = 0; i < count; i++) pairs.push([randomBytes(next, 32), randomBytes(next, 1 + next(40))]);
    assert.equal(bytesToHex(trieRoot(pairs)), await referenceRoot(pairs), `plain, ${count} keys`);
    assert.equal(bytesToHex(secureTrieRoot(pairs)), await referenceRoot(pairs, true), `secure, ${count} keys`);
  }
});

test("long keys and values (long-form RLP headers, buffer growth)", async () => {
  const next = rng(7);
  const pairs: Array<[Uint8Array, Uint8Array]> = [];
  const shared = randomBytes(next, 70);
  for (let i = 0; i < 20; i++) {
    const key = new Uint8Array(70 + next(3));
    key.set(shared);
    key.set(randomBytes(next, key.length - 68), 68);
    pairs.push([key, randomBytes(next, [1, 55, 56, 300, 5000][next(5)]!)]);
  }
  const unique = [...new Map(pairs.map((p) => [bytesToHex(p[0]), p])).values()];
  assert.equal(bytesToHex(trieRoot(unique)), await referenceRoot(unique));
  assert.equal(bytesToHex(trieRoot([[shared, new Uint8Array(70000).fill(3)]])), await referenceRoot([[shared, new Uint8Array(70000).fill(3)]]));
});

test("orderedTrieRoot keys items by rlp(index)", async () => {
  const next = rng(3);
  for (const count of [1, 2, 127, 128, 129, 300]) {
    const values = Array.from({ length: count }, () => randomBytes(next, 1 + next(100)));
    const expected = await referenceRoot(values.map((v, i) => [encode(i), v]));
    assert.equal(bytesToHex(orderedTrieRoot(values)), expected, `${count} items`);
  }
});

test("duplicate keys and mismatched lists are rejected", () => {
  const k = hexToBytes("0x1234");
  assert.throws(() => trieRoot([[k, Uint8Array.of(1)], [k.slice(), Uint8Array.of(2)]]), /duplicate key 0x1234/);
  assert.throws(() => trieRoot([[new Uint8Array(0), Uint8Array.of(1)], [new Uint8Array(0), Uint8Array.of(2)]]), /duplicate key/);
  assert.throws(() => trieRootOfLists([k], []), /1 keys but 0 values/);
  assert.throws(() => trieRootOfLists([k], [new Uint8Array(0)]), /empty value/);
});

test("the result does not depend on input order and leaves the inputs untouched", () => {
  const next = rng(5);
  const pairs: Array<[Uint8Array, Uint8Array]> = [];
  for (let i = 0; i < 50; i++) pairs.push([randomBytes(next, 1 + next(4)), randomBytes(next, 3)]);
  const unique = [...new Map(pairs.map((p) => [bytesToHex(p[0]), p])).values()];
  const snapshot = unique.map(([k, v]) => bytesToHex(k) + bytesToHex(v));
  const root = bytesToHex(trieRoot(unique));
  assert.equal(bytesToHex(trieRoot([...unique].reverse())), root);
  assert.deepEqual(unique.map(([k, v]) => bytesToHex(k) + bytesToHex(v)), snapshot);
  const fresh = trieRoot([]);
  fresh[0] = 0; // callers may mutate what they get back
  assert.equal(bytesToHex(trieRoot([])), "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");
});

test("orderedTrieRootFromGroups (subtries hashed apart) equals orderedTrieRoot", () => {
  const next = rng(99);
  // Sizes around every boundary of the index keys: 1-byte, 2-byte, 3-byte and 4-byte rlp(i).
  for (const n of [1, 127, 128, 129, 130, 144, 145, 200, 256, 257, 258, 272, 273, 300, 511, 513, 4097, 65535, 65536, 65537, 65552, 65553, 65800]) {
    // Short values (embedded nodes) for some sizes, long ones (hashed nodes) for others.
    const valueLength = n % 2 === 0 ? 3 : 40;
    const values = Array.from({ length: n }, () => randomBytes(next, 1 + next(valueLength)));
    const refs: Uint8Array[] = [];
    for (let g = 0; g < orderedGroupCount(n); g++) {
      const [first, end] = orderedGroupRange(g, n);
      if (orderedGroupSplits(g, n)) refs[g] = orderedGroupReference(g, values.slice(first, end));
    }
    const asGiven = (i: number) => {
      assert.ok(i < ORDERED_GROUP_START || !orderedGroupSplits(orderedGroupOf(i), n), `item ${i} of a split group was asked for`);
      return values[i]!;
    };
    assert.equal(bytesToHex(orderedTrieRootFromGroups(n, asGiven, refs)), bytesToHex(orderedTrieRoot(values)), `n = ${n}`);
  }
});

test("orderedTrieRootFromGroups with head groups (items below 128 hashed apart by the root's children) equals orderedTrieRoot", () => {
  const next = rng(7);
  for (const n of [1, 2, 3, 15, 16, 17, 31, 50, 112, 113, 127, 128, 129, 130, 200, 256, 300, 4097]) {
    for (const valueLength of [3, 40]) {
      const values = Array.from({ length: n }, () => randomBytes(next, 1 + next(valueLength)));
      const refs: Uint8Array[] = [];
      for (let g = 0; g < orderedGroupCount(n); g++) {
        const [first, end] = orderedGroupRange(g, n);
        if (orderedGroupSplits(g, n)) refs[g] = orderedGroupReference(g, values.slice(first, end));
      }
      // Every head group given, then only every other one (the rest as items).
      for (const every of [1, 2]) {
        const headRefs: (Uint8Array | undefined)[] = [];
        const given = new Set<number>();
        for (let h = 0; h < ORDERED_HEAD_GROUPS; h += every) {
          const [first, end] = orderedHeadRange(h, n);
          if (first >= end) continue;
          headRefs[h] = orderedHeadReference(h, n, values.slice(first, end));
          for (let i = first; i < end; i++) given.add(i);
        }
        const asGiven = (i: number) => {
          assert.ok(!given.has(i), `item ${i} of a given head group was asked for (n = ${n})`);
          return values[i]!;
        };
        assert.equal(bytesToHex(orderedTrieRootFromGroups(n, asGiven, refs, headRefs)), bytesToHex(orderedTrieRoot(values)), `n = ${n}, value length ${valueLength}, every ${every}`);
      }
    }
  }
});

