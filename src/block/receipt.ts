// Receipts (Yellow Paper 4.3.1, EIP-658, EIP-2718), the logs bloom filter, and the receipts root.
import { keccak256 } from "../primitives/hash.js";
import { encode, type RlpInput } from "../primitives/rlp.js";
import { addressToBytes, wordToBytes, type Word } from "../evm/word.js";
import type { Log } from "../state/world.js";
import { orderedTrieRoot } from "../trie/root.js";
import { TxType } from "./types.js";

export const BLOOM_BYTES = 256;

export interface Receipt {
  type: TxType;
  /** 1 success, 0 failure (Byzantium on); null before Byzantium, where a state root stands instead. */
  status: 0 | 1 | null;
  /** Pre-Byzantium intermediate state root, when known (it needs the full state). */
  postStateRoot: Uint8Array | null;
  cumulativeGasUsed: bigint;
  gasUsed: bigint;
  logs: Log[];
  bloom: Uint8Array;
}

/** The three bloom bit indexes (11 bits each) of `data`, packed into one number. */
function bloomBits(data: Uint8Array): number {
  const h = keccak256(data);
  let packed = 0;
  for (let i = 0; i < 6; i += 2) packed = packed * 2048 + (((h[i]! << 8) | h[i + 1]!) & 2047);
  return packed;
}

function setBloomBits(bloom: Uint8Array, packed: number): void {
  for (let i = 0; i < 3; i++) {
    const bit = packed % 2048;
    packed = Math.floor(packed / 2048);
    bloom[BLOOM_BYTES - 1 - (bit >> 3)]! |= 1 << (bit & 7);
  }
}

// Logs repeat the same addresses and topics (event signatures above all); hashing each once per
// process saves most of the bloom's keccak work. Bounded so a long replay cannot grow it forever.
const MAX_CACHED = 1 << 16;
const addressBits = new Map<Word, number>();
const topicBits = new Map<Word, number>();

function cachedBits(cache: Map<Word, number>, key: Word, bytes: (w: Word) => Uint8Array): number {
  let packed = cache.get(key);
  if (packed === undefined) {
    if (cache.size >= MAX_CACHED) cache.clear();
    packed = bloomBits(bytes(key));
    cache.set(key, packed);
  }
  return packed;
}

/** Sets the three bloom bits of `data` (an address or a topic) in `bloom`. */
export function addToBloom(bloom: Uint8Array, data: Uint8Array): void {
  setBloomBits(bloom, bloomBits(data));
}

export function logsBloom(logs: readonly Log[]): Uint8Array {
  const bloom = new Uint8Array(BLOOM_BYTES);
  for (const log of logs) {
    setBloomBits(bloom, cachedBits(addressBits, log.address, addressToBytes));
    for (const topic of log.topics) setBloomBits(bloom, cachedBits(topicBits, topic, wordToBytes));
  }
  return bloom;
}

/** OR of the receipts' blooms: the header's logsBloom. */
export function combineBlooms(blooms: Iterable<Uint8Array>): Uint8Array {
  const out = new Uint8Array(BLOOM_BYTES);
  for (const b of blooms) for (let i = 0; i < BLOOM_BYTES; i++) out[i]! |= b[i]!;
  return out;
}

export function encodeLog(log: Log): RlpInput {
  return [addressToBytes(log.address), log.topics.map(wordToBytes), log.data];
}

/** Consensus encoding of a receipt; null when it cannot be encoded (pre-Byzantium, root unknown). */
export function encodeReceipt(receipt: Receipt): Uint8Array | null {
  let first: Uint8Array | number;
  if (receipt.status !== null) first = receipt.status;
  else if (receipt.postStateRoot !== null) first = receipt.postStateRoot;
  else return null;
  const body = encode([first, receipt.cumulativeGasUsed, receipt.bloom, receipt.logs.map(encodeLog)]);
  if (receipt.type === TxType.Legacy) return body;
  const typed = new Uint8Array(body.length + 1);
  typed[0] = receipt.type;
  typed.set(body, 1);
  return typed;
}

/** The receipts trie root; null when a receipt cannot be encoded. */
export function receiptsRoot(receipts: readonly Receipt[]): Uint8Array | null {
  const encoded: Uint8Array[] = [];
  for (const r of receipts) {
    const e = encodeReceipt(r);
    if (e === null) return null;
    encoded.push(e);
  }
  return orderedTrieRoot(encoded);
}
