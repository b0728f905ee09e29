// State and storage roots (Yellow Paper section 4.1): secure tries (keys keccak-hashed) of
// RLP-encoded accounts, keyed by address, and of RLP-encoded storage values, keyed by slot.
import { toBytes32, type Word } from "../primitives/word.js";
import { bigintToBytes } from "../primitives/bytes.js";
import { EMPTY_TRIE_ROOT, keccak256Into } from "../primitives/hash.js";
import { trieRootOfLists } from "./root.js";

export interface AccountForRoot {
  address: Word;
  nonce: bigint;
  balance: bigint;
  storageRoot: Uint8Array;
  codeHash: Uint8Array;
}

const word32 = new Uint8Array(32);

/** Root of an account's storage: slot keccak(slot as 32 bytes) holds rlp(value); zero values are left out. */
export function storageRoot(slots: Iterable<readonly [slot: Word, value: Word]>): Uint8Array {
  const slotWords: Word[] = [];
  const values: Uint8Array[] = [];
  for (const [slot, value] of slots) {
    if (value === 0 || value === 0n) continue;
    slotWords.push(slot);
    values.push(wordRlp(value));
  }
  const n = slotWords.length;
  if (n === 0) return EMPTY_TRIE_ROOT.slice();
  const hashed = new Uint8Array(32 * n);
  const keys: Uint8Array[] = new Array(n);
  for (let i = 0; i < n; i++) {
    toBytes32(slotWords[i]!, word32, 0);
    keccak256Into(word32, 0, 32, hashed, 32 * i);
    keys[i] = hashed.subarray(32 * i, 32 * i + 32);
  }
  return trieRootOfLists(keys, values);
}

/** RLP of a word's minimal big-endian bytes (a storage value). */
export function wordRlp(value: Word): Uint8Array {
  if (typeof value === "number" && value < 0x80) return value === 0 ? Uint8Array.of(0x80) : Uint8Array.of(value);
  toBytes32(value, word32, 0);
  let z = 0;
  while (z < 31 && word32[z] === 0) z++;
  const len = 32 - z;
  const out = new Uint8Array(1 + len);
  out[0] = 0x80 + len;
  out.set(word32.subarray(z), 1);
  return out;
}

/** rlp([nonce, balance, storageRoot, codeHash]): an account as the state trie stores it. */
export function accountRlp(nonce: bigint, balance: bigint, storageRoot: Uint8Array, codeHash: Uint8Array): Uint8Array {
  const nonceBytes = bigintToBytes(nonce);
  const balanceBytes = bigintToBytes(balance);
  const payload = stringLength(nonceBytes) + stringLength(balanceBytes) + stringLength(storageRoot) + stringLength(codeHash);
  const headerLength = payload < 56 ? 1 : 1 + byteCount(payload);
  const out = new Uint8Array(headerLength + payload);
  if (payload < 56) out[0] = 0xc0 + payload;
  else writeLength(out, 0, 0xf7, payload);
  let p = headerLength;
  p = writeString(out, p, nonceBytes);
  p = writeString(out, p, balanceBytes);
  p = writeString(out, p, storageRoot);
  writeString(out, p, codeHash);
  return out;
}

/** Root of the world state: keccak(20-byte address) holds accountRlp(...). */
export function stateRoot(accounts: Iterable<AccountForRoot>): Uint8Array {
  const addresses: Word[] = [];
  const values: Uint8Array[] = [];
  for (const a of accounts) {
    addresses.push(a.address);
    values.push(accountRlp(a.nonce, a.balance, a.storageRoot, a.codeHash));
  }
  const n = addresses.length;
  if (n === 0) return EMPTY_TRIE_ROOT.slice();
  const hashed = new Uint8Array(32 * n);
  const keys: Uint8Array[] = new Array(n);
  for (let i = 0; i < n; i++) {
    toBytes32(addresses[i]!, word32, 0);
    keccak256Into(word32, 12, 20, hashed, 32 * i);
    keys[i] = hashed.subarray(32 * i, 32 * i + 32);
  }
  return trieRootOfLists(keys, values);
}

/** Length of the RLP of a byte string. */
function stringLength(bytes: Uint8Array): number {
  const len = bytes.length;
  if (len === 1 && bytes[0]! < 0x80) return 1;
  return len < 56 ? 1 + len : 1 + byteCount(len) + len;
}

function writeString(out: Uint8Array, p: number, bytes: Uint8Array): number {
  const len = bytes.length;
  if (len === 1 && bytes[0]! < 0x80) {
    out[p] = bytes[0]!;
    return p + 1;
  }
  if (len < 56) out[p++] = 0x80 + len;
  else p = writeLength(out, p, 0xb7, len);
  out.set(bytes, p);
  return p + len;
}

/** Writes a long-form header (base + byte count, then the length big-endian); returns the offset after it. */
function writeLength(out: Uint8Array, p: number, base: number, len: number): number {
  const count = byteCount(len);
  out[p] = base + count;
  for (let i = count, v = len; i >= 1; i--, v = Math.floor(v / 256)) out[p + i] = v % 256;
  return p + 1 + count;
}

function byteCount(n: number): number {
  let count = 0;
  for (let v = n; v > 0; v = Math.floor(v / 256)) count++;
  return count;
}
