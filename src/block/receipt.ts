// Receipts (Yellow Paper 4.3.1, EIP-658, EIP-2718), the logs bloom filter, and the receipts root.
import { keccak256 } from "../primitives/hash.js";
import { bigintToBytes } from "../primitives/bytes.js";
import { addressToBytes, setWordAt, toBytes32, wordToBytes, type Word } from "../primitives/word.js";
import type { Log } from "../state/world.js";
import { orderedTrieRoot } from "../trie/root.js";
import { TxType } from "../tx/types.js";

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
  /** Read-only: receipts without logs share one zero bloom (ZERO_BLOOM). */
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
  // `packed` has 33 bits: `%` on it would be a floating-point remainder (a runtime call), so the
  // quotient is floored and the remainder subtracted (both exact: 2048 is a power of two).
  for (let i = 0; i < 3; i++) {
    const rest = Math.floor(packed / 2048);
    const bit = packed - rest * 2048;
    packed = rest;
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

/** The bloom of `logs`; `also`, when given (a block's bloom), gets the same bits set (cheaper than OR-ing 256 bytes after). */
export function logsBloom(logs: readonly Log[], also: Uint8Array | null = null): Uint8Array {
  const bloom = new Uint8Array(BLOOM_BYTES);
  for (const log of logs) {
    const ofAddress = cachedBits(addressBits, log.address, addressToBytes);
    setBloomBits(bloom, ofAddress);
    if (also !== null) setBloomBits(also, ofAddress);
    for (const topic of log.topics) {
      const ofTopic = cachedBits(topicBits, topic, wordToBytes);
      setBloomBits(bloom, ofTopic);
      if (also !== null) setBloomBits(also, ofTopic);
    }
  }
  return bloom;
}

// Receipts are encoded directly into one buffer (sizes first, then bytes): a block's receipts
// hold thousands of logs, and building nested arrays for a generic RLP encoder cost more than
// the rest of receipt handling together. Format: Yellow Paper appendix B.

/** Length of the RLP header for a string or list payload of `len` bytes. */
function headerLength(len: number): number {
  return len <= 55 ? 1 : 1 + byteCount(len);
}

function byteCount(n: number): number {
  let count = 0;
  for (; n > 0; n = Math.floor(n / 256)) count++;
  return count;
}

function writeHeader(out: Uint8Array, pos: number, len: number, shortBase: number): number {
  if (len <= 55) {
    out[pos] = shortBase + len;
    return pos + 1;
  }
  const count = byteCount(len);
  out[pos] = shortBase + 55 + count;
  for (let i = count; i >= 1; i--, len = Math.floor(len / 256)) out[pos + i] = len % 256;
  return pos + 1 + count;
}

/** Size of a byte string's encoding. */
function stringSize(len: number, first: number): number {
  return len === 1 && first < 0x80 ? 1 : headerLength(len) + len;
}

function writeString(out: Uint8Array, pos: number, bytes: Uint8Array): number {
  if (bytes.length === 1 && bytes[0]! < 0x80) {
    out[pos] = bytes[0]!;
    return pos + 1;
  }
  pos = writeHeader(out, pos, bytes.length, 0x80);
  out.set(bytes, pos);
  return pos + bytes.length;
}

/** Payload size of one log: [address (20 bytes), [topics (32 bytes each)], data]. */
function logPayloadSize(log: Log): number {
  const topics = 33 * log.topics.length;
  return 21 + headerLength(topics) + topics + stringSize(log.data.length, log.data[0] ?? 0);
}

const WORD_SCRATCH = new Uint8Array(32);
/** A view of the last output buffer written to (receipts of a block go into one buffer). */
let outView: DataView | null = null;

function viewOf(out: Uint8Array): DataView {
  if (outView === null || outView.buffer !== out.buffer || outView.byteOffset !== out.byteOffset || outView.byteLength !== out.byteLength) {
    outView = new DataView(out.buffer, out.byteOffset, out.byteLength);
  }
  return outView;
}

/** Writes one log in place (no allocation: addresses and topics go straight into `out`). */
function writeLog(out: Uint8Array, pos: number, log: Log): number {
  pos = writeHeader(out, pos, logPayloadSize(log), 0xc0);
  out[pos++] = 0x80 + 20;
  toBytes32(log.address, WORD_SCRATCH, 0);
  for (let i = 12; i < 32; i++) out[pos++] = WORD_SCRATCH[i]!;
  pos = writeHeader(out, pos, 33 * log.topics.length, 0xc0);
  const view = viewOf(out);
  for (const topic of log.topics) {
    out[pos++] = 0x80 + 32;
    setWordAt(view, pos, topic);
    pos += 32;
  }
  return writeString(out, pos, log.data);
}

/** Payload size of a receipt's list of logs. */
function logsPayloadSize(logs: readonly Log[]): number {
  let size = 0;
  for (const log of logs) {
    const payload = logPayloadSize(log);
    size += headerLength(payload) + payload;
  }
  return size;
}

/** Consensus encoding of a receipt; null when it cannot be encoded (pre-Byzantium, root unknown). */
export function encodeReceipt(receipt: Receipt): Uint8Array | null {
  let first: Uint8Array;
  if (receipt.status !== null) first = receipt.status === 1 ? Uint8Array.of(1) : new Uint8Array(0);
  else if (receipt.postStateRoot !== null) first = receipt.postStateRoot;
  else return null;
  const gas = bigintToBytes(receipt.cumulativeGasUsed);
  const logsSize = logsPayloadSize(receipt.logs);
  const payload = stringSize(first.length, first[0] ?? 0) + stringSize(gas.length, gas[0] ?? 0) + 3 + BLOOM_BYTES + headerLength(logsSize) + logsSize;
  const typed = receipt.type !== TxType.Legacy ? 1 : 0;
  const out = new Uint8Array(typed + headerLength(payload) + payload);
  let pos = 0;
  if (typed) out[pos++] = receipt.type;
  pos = writeHeader(out, pos, payload, 0xc0);
  pos = writeString(out, pos, first);
  pos = writeString(out, pos, gas);
  pos = writeString(out, pos, receipt.bloom);
  pos = writeHeader(out, pos, logsSize, 0xc0);
  for (const log of receipt.logs) pos = writeLog(out, pos, log);
  return out;
}

// Receipts with a status (Byzantium on) written straight into a caller's buffer, with no
// allocation: the parallel executors encode tens of thousands of them into shared memory.

/** Payload size of a status receipt: status (one byte either way), cumulative gas, bloom, logs. */
function statusPayloadSize(cumulativeGasUsed: number, logs: readonly Log[]): number {
  const logsSize = logsPayloadSize(logs);
  const gasBytes = byteCount(cumulativeGasUsed);
  const gasSize = gasBytes === 1 && cumulativeGasUsed < 0x80 ? 1 : 1 + gasBytes;
  return 1 + gasSize + 3 + BLOOM_BYTES + headerLength(logsSize) + logsSize;
}

/** Size of the encoding writeStatusReceipt writes; `cumulativeGasUsed` is a safe integer. */
export function statusReceiptSize(type: TxType, cumulativeGasUsed: number, logs: readonly Log[]): number {
  const payload = statusPayloadSize(cumulativeGasUsed, logs);
  return (type !== TxType.Legacy ? 1 : 0) + headerLength(payload) + payload;
}

/** Writes the consensus encoding of a receipt with a status at out[pos] (the bytes of encodeReceipt); returns where it ends. */
export function writeStatusReceipt(out: Uint8Array, pos: number, type: TxType, status: 0 | 1, cumulativeGasUsed: number, logs: readonly Log[], bloom: Uint8Array): number {
  if (type !== TxType.Legacy) out[pos++] = type;
  pos = writeHeader(out, pos, statusPayloadSize(cumulativeGasUsed, logs), 0xc0);
  out[pos++] = status === 1 ? 0x01 : 0x80;
  const gasBytes = byteCount(cumulativeGasUsed);
  if (gasBytes === 1 && cumulativeGasUsed < 0x80) {
    out[pos++] = cumulativeGasUsed;
  } else {
    out[pos++] = 0x80 + gasBytes;
    for (let i = gasBytes - 1, n = cumulativeGasUsed; i >= 0; i--, n = Math.floor(n / 256)) out[pos + i] = n % 256;
    pos += gasBytes;
  }
  pos = writeString(out, pos, bloom);
  pos = writeHeader(out, pos, logsPayloadSize(logs), 0xc0);
  for (const log of logs) pos = writeLog(out, pos, log);
  return pos;
}

/** statusReceiptSize of a receipt with a status. */
export function receiptSize(r: Receipt): number {
  return statusReceiptSize(r.type, Number(r.cumulativeGasUsed), r.logs);
}

/** writeStatusReceipt of a receipt with a status. */
export function writeReceipt(out: Uint8Array, pos: number, r: Receipt): number {
  return writeStatusReceipt(out, pos, r.type, r.status === 1 ? 1 : 0, Number(r.cumulativeGasUsed), r.logs, r.bloom);
}

const MAX_SAFE_GAS = BigInt(Number.MAX_SAFE_INTEGER);

/** The receipts trie root; null when a receipt cannot be encoded. */
export function receiptsRoot(receipts: readonly Receipt[]): Uint8Array | null {
  if (receipts.every((r) => r.status !== null && r.cumulativeGasUsed <= MAX_SAFE_GAS)) return orderedTrieRoot(encodeStatusReceipts(receipts));
  const encoded: Uint8Array[] = [];
  for (const r of receipts) {
    const e = encodeReceipt(r);
    if (e === null) return null;
    encoded.push(e);
  }
  return orderedTrieRoot(encoded);
}

/** Receipts with a status encoded into one buffer (views into it), without a buffer per field. */
function encodeStatusReceipts(receipts: readonly Receipt[]): Uint8Array[] {
  let total = 0;
  for (const r of receipts) total += receiptSize(r);
  const buffer = new Uint8Array(total);
  const encoded: Uint8Array[] = new Array(receipts.length);
  let pos = 0;
  for (let i = 0; i < receipts.length; i++) {
    const end = writeReceipt(buffer, pos, receipts[i]!);
    encoded[i] = buffer.subarray(pos, end);
    pos = end;
  }
  return encoded;
}
