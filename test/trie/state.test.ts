import { test } from "node:test";
import assert from "node:assert/strict";
import { MerklePatriciaTrie } from "@ethereumjs/mpt";
import { RLP } from "@ethereumjs/rlp";
import { existsSync, readFileSync } from "node:fs";
import { fromBytes, toBytes32, wordToBytes, type Word } from "../../src/primitives/word.js";
import { bigintToBytes, bytesToHex, hexToBytes } from "../../src/primitives/bytes.js";
import { EMPTY_TRIE_ROOT, KECCAK_EMPTY, keccak256 } from "../../src/primitives/hash.js";
import { decode, decodeBigint, expectBytes, expectList } from "../../src/primitives/rlp.js";
import { accountRlp, stateRoot, storageRoot, wordRlp } from "../../src/trie/state.js";
import { fixturePath } from "../fixtures.js";

async function secureReference(pairs: Array<[Uint8Array, Uint8Array]>): Promise<Uint8Array> {
  const trie = new MerklePatriciaTrie({ useKeyHashing: true });
  for (const [k, v] of pairs) await trie.put(k, v);
  return trie.root();
}

const SLOT_VALUES: Word[] = [1, 0x7f, 0x80, 0xff, 0x100, 2 ** 53 - 1, 2n ** 53n, 2n ** 255n, (1n << 256n) - 1n];

test("wordRlp is rlp of the minimal big-endian bytes", () => {
  for (const w of [0, ...SLOT_VALUES]) {
    assert.equal(bytesToHex(wordRlp(w)), bytesToHex(RLP.encode(bigintToBytes(BigInt(w)))), String(w));
  }
});

test("storageRoot matches a secure trie of rlp values and omits zeros", async () => {
  const slots: Array<[Word, Word]> = SLOT_VALUES.map((v, i) => [i === 3 ? (1n << 256n) - 1n : i * 1000, v]);
  const expected = await secureReference(slots.map(([s, v]) => [wordToBytes(s), RLP.encode(bigintToBytes(BigInt(v)))]));
  assert.deepEqual(storageRoot([...slots, [424242, 0]]), expected);
  assert.deepEqual(storageRoot([]), EMPTY_TRIE_ROOT);
  assert.deepEqual(storageRoot([[1, 0]]), EMPTY_TRIE_ROOT);
});

test("accountRlp matches the generic encoder", () => {
  const root = keccak256(Uint8Array.of(1));
  for (const [nonce, balance] of [[0n, 0n], [1n, 127n], [128n, 10n ** 18n], [2n ** 64n - 1n, 2n ** 256n - 1n]] as const) {
    assert.equal(
      bytesToHex(accountRlp(nonce, balance, root, KECCAK_EMPTY)),
      bytesToHex(RLP.encode([bigintToBytes(nonce), bigintToBytes(balance), root, KECCAK_EMPTY])),
    );
  }
});

test("stateRoot matches a secure trie keyed by 20-byte addresses", async () => {
  const accounts = [
    { address: 0 as Word, nonce: 0n, balance: 1n, storageRoot: EMPTY_TRIE_ROOT, codeHash: KECCAK_EMPTY },
    { address: 0xdeadbeef as Word, nonce: 5n, balance: 10n ** 20n, storageRoot: keccak256(Uint8Array.of(2)), codeHash: keccak256(Uint8Array.of(3)) },
    { address: (1n << 160n) - 1n, nonce: 1n, balance: 0n, storageRoot: EMPTY_TRIE_ROOT, codeHash: KECCAK_EMPTY },
  ];
  const expected = await secureReference(
    accounts.map((a) => {
      const b = new Uint8Array(32);
      toBytes32(a.address, b, 0);
      return [b.subarray(12), accountRlp(a.nonce, a.balance, a.storageRoot, a.codeHash)];
    }),
  );
  assert.deepEqual(stateRoot(accounts), expected);
  assert.deepEqual(stateRoot([]), EMPTY_TRIE_ROOT);
});

test("stateRoot reproduces hex_encoded_securetrie_test (accounts keyed by address)", (t) => {
  const path = fixturePath("ethereum-tests/TrieTests/hex_encoded_securetrie_test.json");
  if (!existsSync(path)) return t.skip(`fixtures absent: ${path}`);
  const cases = JSON.parse(readFileSync(path, "utf8")) as Record<string, { in: Record<string, string>; root: string }>;
  for (const [name, c] of Object.entries(cases)) {
    const accounts = Object.entries(c.in).map(([address, rlp]) => {
      const [nonce, balance, root, codeHash] = expectList(decode(hexToBytes(rlp)), "account", 4).map((x) => expectBytes(x));
      return {
        address: fromBytes(hexToBytes(address), 0, 20),
        nonce: decodeBigint(nonce!),
        balance: decodeBigint(balance!),
        storageRoot: root!,
        codeHash: codeHash!,
      };
    });
    assert.equal(bytesToHex(stateRoot(accounts)), c.root, name);
  }
});
