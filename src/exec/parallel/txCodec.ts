// A block's transactions packed into one shared buffer for the worker threads. Structured clone
// (v8.serialize) of thousands of transaction objects took about 1.8 µs each on the main thread and
// as long again in every worker before it could start; here the main thread writes each field in
// place, and a worker decodes a transaction only when it first executes it. Signatures and hashes
// are left out: executors need the sender, which is already recovered.
import { big, fromBytes, norm, toBytes32, type Word } from "../../primitives/word.js";
import type { AccessListEntry, Authorization, Transaction, TxType } from "../../tx/types.js";

const WORD = 32;
const ADDRESS = 20;
const NUMBER = 8; // a field of at most 2^53 - 1, as a float64
const NUMERIC_FIELDS = 7; // chainId, nonce, maxFeePerGas, maxPriorityFeePerGas, gasLimit, value, maxFeePerBlobGas
const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);
const TWO32 = 2 ** 32;
const HAS_CHAIN_ID = 1;
const HAS_TO = 2;
const HAS_SENDER = 4;
// An authorization: chainId, nonce, yParity, r, s as words, the delegate's address, a byte saying
// whether the authority is known and recovered, and the authority's address.
const AUTHORIZATION_BYTES = 5 * WORD + ADDRESS + 1 + ADDRESS;
const AUTHORITY_UNKNOWN = 0;
const AUTHORITY_RECOVERED = 1;
const AUTHORITY_INVALID = 2;

// Numeric fields are nearly always small: written as a float64 (a bit per field says so), they
// cost a conversion instead of four 64-bit shifts of a bigint each way (encoding took ~1 µs per
// transaction with every field a 32-byte word).

function numericSize(x: bigint): number {
  return x <= MAX_SAFE_BIG ? NUMBER : WORD;
}

/** Bytes one transaction takes in the buffer. */
function encodedSize(tx: Transaction): number {
  let size = 3 + 2 * ADDRESS + 4 + tx.data.length + 4 + 4 + WORD * tx.blobVersionedHashes.length + 4 + AUTHORIZATION_BYTES * tx.authorizationList.length;
  size += numericSize(tx.chainId ?? 0n) + numericSize(tx.nonce) + numericSize(tx.maxFeePerGas) + numericSize(tx.maxPriorityFeePerGas);
  size += numericSize(tx.gasLimit) + numericSize(tx.value) + numericSize(tx.maxFeePerBlobGas);
  for (const entry of tx.accessList) size += ADDRESS + 4 + WORD * entry.storageKeys.length;
  return size;
}

/**
 * The transactions in a shared buffer: their count, a table of their offsets, then their fields.
 * Written into `spare` when it is large enough (the previous block's buffer, once no worker reads it).
 */
export function encodeTransactions(transactions: readonly Transaction[], spare?: SharedArrayBuffer): SharedArrayBuffer {
  const n = transactions.length;
  const tableBytes = 4 * (n + 1);
  let total = tableBytes;
  for (const tx of transactions) total += encodedSize(tx);
  const shared = spare !== undefined && spare.byteLength >= total ? spare : new SharedArrayBuffer(total);
  const header = new Uint32Array(shared, 0, n + 1);
  const bytes = new Uint8Array(shared);
  const view = new DataView(shared);
  header[0] = n;
  let pos = tableBytes;
  for (let i = 0; i < n; i++) {
    header[1 + i] = pos;
    pos = writeTransaction(transactions[i]!, bytes, view, pos);
  }
  return shared;
}

/** Writes numeric field `field` (0-6) of a transaction; sets its bit in the mask byte at `maskAt` when small. */
function writeNumeric(x: bigint, field: number, bytes: Uint8Array, view: DataView, maskAt: number, pos: number): number {
  if (x <= MAX_SAFE_BIG) {
    view.setFloat64(pos, Number(x));
    bytes[maskAt]! |= 1 << field;
    return pos + NUMBER;
  }
  toBytes32(x, bytes, pos);
  return pos + WORD;
}

/** An address (any word below 2^160) as 20 big-endian bytes. */
function writeAddress(a: Word, view: DataView, pos: number): void {
  if (typeof a === "number") {
    view.setUint32(pos, 0);
    view.setUint32(pos + 4, 0);
    view.setUint32(pos + 8, 0);
    view.setUint32(pos + 12, Math.floor(a / TWO32));
    view.setUint32(pos + 16, a >>> 0);
    return;
  }
  // setBigUint64 keeps the low 64 bits of its argument.
  view.setUint32(pos, Number(a >> 128n));
  view.setBigUint64(pos + 4, a >> 64n);
  view.setBigUint64(pos + 12, a);
}

function readAddress(view: DataView, pos: number): Word {
  const top = view.getUint32(pos);
  if (top === 0 && view.getUint32(pos + 4) === 0 && view.getUint32(pos + 8) === 0) {
    const high = view.getUint32(pos + 12);
    if (high < 2 ** 21) return high * TWO32 + view.getUint32(pos + 16); // below 2^53
  }
  return norm((BigInt(top) << 128n) | (view.getBigUint64(pos + 4) << 64n) | view.getBigUint64(pos + 12));
}

function writeTransaction(tx: Transaction, bytes: Uint8Array, view: DataView, pos: number): number {
  bytes[pos] = tx.type;
  bytes[pos + 1] = (tx.chainId !== null ? HAS_CHAIN_ID : 0) | (tx.to !== null ? HAS_TO : 0) | (tx.sender !== undefined ? HAS_SENDER : 0);
  const maskAt = pos + 2;
  bytes[maskAt] = 0;
  pos += 3;
  pos = writeNumeric(tx.chainId ?? 0n, 0, bytes, view, maskAt, pos);
  pos = writeNumeric(tx.nonce, 1, bytes, view, maskAt, pos);
  pos = writeNumeric(tx.maxFeePerGas, 2, bytes, view, maskAt, pos);
  pos = writeNumeric(tx.maxPriorityFeePerGas, 3, bytes, view, maskAt, pos);
  pos = writeNumeric(tx.gasLimit, 4, bytes, view, maskAt, pos);
  pos = writeNumeric(tx.value, 5, bytes, view, maskAt, pos);
  pos = writeNumeric(tx.maxFeePerBlobGas, 6, bytes, view, maskAt, pos);
  writeAddress(tx.to ?? 0, view, pos);
  writeAddress(tx.sender ?? 0, view, pos + ADDRESS);
  pos += 2 * ADDRESS;
  view.setUint32(pos, tx.data.length);
  bytes.set(tx.data, pos + 4);
  pos += 4 + tx.data.length;
  view.setUint32(pos, tx.accessList.length);
  pos += 4;
  for (const entry of tx.accessList) {
    writeAddress(entry.address, view, pos);
    view.setUint32(pos + ADDRESS, entry.storageKeys.length);
    pos += ADDRESS + 4;
    for (const key of entry.storageKeys) {
      toBytes32(key, bytes, pos);
      pos += WORD;
    }
  }
  view.setUint32(pos, tx.blobVersionedHashes.length);
  pos += 4;
  for (const hash of tx.blobVersionedHashes) {
    toBytes32(hash, bytes, pos);
    pos += WORD;
  }
  view.setUint32(pos, tx.authorizationList.length);
  pos += 4;
  for (const auth of tx.authorizationList) pos = writeAuthorization(auth, bytes, view, pos);
  return pos;
}

function writeAuthorization(auth: Authorization, bytes: Uint8Array, view: DataView, pos: number): number {
  toBytes32(norm(auth.chainId), bytes, pos);
  toBytes32(norm(auth.nonce), bytes, pos + WORD);
  toBytes32(norm(auth.yParity), bytes, pos + 2 * WORD);
  toBytes32(norm(auth.r), bytes, pos + 3 * WORD);
  toBytes32(norm(auth.s), bytes, pos + 4 * WORD);
  pos += 5 * WORD;
  writeAddress(auth.address, view, pos);
  pos += ADDRESS;
  bytes[pos] = auth.authority === undefined ? AUTHORITY_UNKNOWN : auth.authority === null ? AUTHORITY_INVALID : AUTHORITY_RECOVERED;
  writeAddress(auth.authority ?? 0, view, pos + 1);
  return pos + 1 + ADDRESS;
}

/** A block's transactions by index. */
export interface TransactionSource {
  readonly length: number;
  get(i: number): Transaction;
}

/** Transactions already decoded (the main thread's own). */
export class ArrayTransactions implements TransactionSource {
  constructor(private readonly transactions: readonly Transaction[]) {}

  get length(): number {
    return this.transactions.length;
  }

  get(i: number): Transaction {
    return this.transactions[i]!;
  }
}

/** The transactions of an encodeTransactions buffer, each decoded on first use. */
export class PackedTransactions implements TransactionSource {
  readonly length: number;
  private readonly table: Uint32Array;
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  private readonly decoded: (Transaction | undefined)[];

  constructor(shared: SharedArrayBuffer) {
    this.view = new DataView(shared);
    this.length = new Uint32Array(shared, 0, 1)[0]!;
    this.table = new Uint32Array(shared, 4, this.length);
    this.bytes = new Uint8Array(shared);
    this.decoded = new Array(this.length);
  }

  get(i: number): Transaction {
    let tx = this.decoded[i];
    if (tx === undefined) this.decoded[i] = tx = this.decode(this.table[i]!);
    return tx;
  }

  private word(pos: number): Word {
    return fromBytes(this.bytes, pos, WORD);
  }

  private authorization(pos: number): Authorization {
    const { bytes, view } = this;
    const auth: Authorization = {
      chainId: big(this.word(pos)),
      address: readAddress(view, pos + 5 * WORD),
      nonce: big(this.word(pos + WORD)),
      yParity: big(this.word(pos + 2 * WORD)),
      r: big(this.word(pos + 3 * WORD)),
      s: big(this.word(pos + 4 * WORD)),
    };
    const known = bytes[pos + 5 * WORD + ADDRESS];
    if (known === AUTHORITY_RECOVERED) auth.authority = readAddress(view, pos + 5 * WORD + ADDRESS + 1);
    else if (known === AUTHORITY_INVALID) auth.authority = null;
    return auth;
  }

  private decode(pos: number): Transaction {
    const { bytes, view } = this;
    const type = bytes[pos]! as TxType;
    const flags = bytes[pos + 1]!;
    const mask = bytes[pos + 2]!;
    pos += 3;
    const fields: bigint[] = [];
    for (let f = 0; f < NUMERIC_FIELDS; f++) {
      if (mask & (1 << f)) {
        fields.push(BigInt(view.getFloat64(pos)));
        pos += NUMBER;
      } else {
        fields.push(big(this.word(pos)));
        pos += WORD;
      }
    }
    const to = flags & HAS_TO ? readAddress(view, pos) : null;
    const sender = readAddress(view, pos + ADDRESS);
    pos += 2 * ADDRESS;
    const dataLength = view.getUint32(pos);
    const data = bytes.slice(pos + 4, pos + 4 + dataLength);
    pos += 4 + dataLength;
    const accessList: AccessListEntry[] = [];
    const entries = view.getUint32(pos);
    pos += 4;
    for (let e = 0; e < entries; e++) {
      const address = readAddress(view, pos);
      const keyCount = view.getUint32(pos + ADDRESS);
      pos += ADDRESS + 4;
      const storageKeys: Word[] = [];
      for (let k = 0; k < keyCount; k++, pos += WORD) storageKeys.push(this.word(pos));
      accessList.push({ address, storageKeys });
    }
    const blobVersionedHashes: Word[] = [];
    const hashCount = view.getUint32(pos);
    pos += 4;
    for (let h = 0; h < hashCount; h++, pos += WORD) blobVersionedHashes.push(this.word(pos));
    const authorizationList: Authorization[] = [];
    const authCount = view.getUint32(pos);
    pos += 4;
    for (let a = 0; a < authCount; a++, pos += AUTHORIZATION_BYTES) authorizationList.push(this.authorization(pos));
    const tx: Transaction = {
      type,
      chainId: flags & HAS_CHAIN_ID ? fields[0]! : null,
      nonce: fields[1]!,
      maxFeePerGas: fields[2]!,
      maxPriorityFeePerGas: fields[3]!,
      gasLimit: fields[4]!,
      to,
      value: fields[5]!,
      data,
      accessList,
      maxFeePerBlobGas: fields[6]!,
      blobVersionedHashes,
      authorizationList,
      v: 0n,
      r: 0n,
      s: 0n,
    };
    if (flags & HAS_SENDER) tx.sender = sender;
    return tx;
  }
}
