// A block's transactions packed into one shared buffer for the worker threads. Structured clone
// (v8.serialize) of thousands of transaction objects took about 1.8 µs each on the main thread and
// as long again in every worker before it could start; here the main thread writes each field in
// place, and a worker decodes a transaction only when it first executes it. Signatures and hashes
// are left out: executors need the sender, which is already recovered.
import { big, fromBytes, norm, toBytes32, type Word } from "../../evm/word.js";
import type { AccessListEntry, Transaction, TxType } from "../../block/types.js";

const WORD = 32;
const FIXED_WORDS = 9; // chainId, nonce, maxFeePerGas, maxPriorityFeePerGas, gasLimit, value, maxFeePerBlobGas, to, sender
const HAS_CHAIN_ID = 1;
const HAS_TO = 2;
const HAS_SENDER = 4;

/** Bytes one transaction takes in the buffer. */
function encodedSize(tx: Transaction): number {
  let size = 2 + FIXED_WORDS * WORD + 4 + tx.data.length + 4 + 4 + WORD * tx.blobVersionedHashes.length;
  for (const entry of tx.accessList) size += WORD + 4 + WORD * entry.storageKeys.length;
  return size;
}

/** The transactions in a shared buffer: their count, a table of their offsets, then their fields. */
export function encodeTransactions(transactions: readonly Transaction[]): SharedArrayBuffer {
  const n = transactions.length;
  const tableBytes = 4 * (n + 1);
  let total = tableBytes;
  for (const tx of transactions) total += encodedSize(tx);
  const shared = new SharedArrayBuffer(total);
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

function writeTransaction(tx: Transaction, bytes: Uint8Array, view: DataView, pos: number): number {
  bytes[pos] = tx.type;
  bytes[pos + 1] = (tx.chainId !== null ? HAS_CHAIN_ID : 0) | (tx.to !== null ? HAS_TO : 0) | (tx.sender !== undefined ? HAS_SENDER : 0);
  pos += 2;
  for (const field of [tx.chainId ?? 0n, tx.nonce, tx.maxFeePerGas, tx.maxPriorityFeePerGas, tx.gasLimit, tx.value, tx.maxFeePerBlobGas]) {
    toBytes32(norm(field), bytes, pos);
    pos += WORD;
  }
  toBytes32(tx.to ?? 0, bytes, pos);
  toBytes32(tx.sender ?? 0, bytes, pos + WORD);
  pos += 2 * WORD;
  view.setUint32(pos, tx.data.length);
  bytes.set(tx.data, pos + 4);
  pos += 4 + tx.data.length;
  view.setUint32(pos, tx.accessList.length);
  pos += 4;
  for (const entry of tx.accessList) {
    toBytes32(entry.address, bytes, pos);
    view.setUint32(pos + WORD, entry.storageKeys.length);
    pos += WORD + 4;
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
  return pos;
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

  private decode(pos: number): Transaction {
    const { bytes, view } = this;
    const type = bytes[pos]! as TxType;
    const flags = bytes[pos + 1]!;
    pos += 2;
    const fields: bigint[] = [];
    for (let f = 0; f < 7; f++, pos += WORD) fields.push(big(this.word(pos)));
    const to = flags & HAS_TO ? this.word(pos) : null;
    const sender = this.word(pos + WORD);
    pos += 2 * WORD;
    const dataLength = view.getUint32(pos);
    const data = bytes.slice(pos + 4, pos + 4 + dataLength);
    pos += 4 + dataLength;
    const accessList: AccessListEntry[] = [];
    const entries = view.getUint32(pos);
    pos += 4;
    for (let e = 0; e < entries; e++) {
      const address = this.word(pos);
      const keyCount = view.getUint32(pos + WORD);
      pos += WORD + 4;
      const storageKeys: Word[] = [];
      for (let k = 0; k < keyCount; k++, pos += WORD) storageKeys.push(this.word(pos));
      accessList.push({ address, storageKeys });
    }
    const blobVersionedHashes: Word[] = [];
    const hashCount = view.getUint32(pos);
    pos += 4;
    for (let h = 0; h < hashCount; h++, pos += WORD) blobVersionedHashes.push(this.word(pos));
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
      v: 0n,
      r: 0n,
      s: 0n,
    };
    if (flags & HAS_SENDER) tx.sender = sender;
    return tx;
  }
}
