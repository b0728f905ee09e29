// Receipts built by the workers once Block-STM is done, so that the receipts root (hashing every
// receipt, often the larger part of a block's serial tail) runs in parallel too. Each worker
// encodes the receipts of the transactions whose final incarnation it holds into shared memory
// (in a block the executors stopped early, the main thread encodes them all once it is done);
// once all have, they share out the groups of the receipts trie (orderedGroupReference, and the
// head groups of the first 128 receipts, orderedHeadReference) and hash those subtries; the main
// thread hashes only the top of the trie.
import { Status } from "../../evm/interpreter.js";
import type { TxResult } from "../../evm/processor.js";
import type { TransactionSource } from "./txCodec.js";
import type { BufferUse } from "./scheduler.js";
import { logsBloom, receiptSize, statusReceiptSize, writeReceipt, writeStatusReceipt, type Receipt } from "../../block/receipt.js";
import { ZERO_BLOOM } from "../blockResult.js";
import { ORDERED_HEAD_GROUPS, orderedGroupCount, orderedGroupRange, orderedGroupReference, orderedGroupSplits, orderedHeadRange, orderedHeadReference, orderedTrieRootFromGroups } from "../../trie/root.js";

// meta words: [0] byte bump, [1] overflow flag, [2] workers done encoding, [3] next group to hash
// (groups, then head groups), [4] a stopped block's receipts will not come (release), then offset
// and length per transaction.
const BUMP = 0;
const OVERFLOW = 1;
const ENCODED = 2;
const NEXT_GROUP = 3;
const RELEASED = 4;
const HEADER = 5;
/** How often a worker waiting for the others to finish encoding checks whether the block was abandoned. */
const WAIT_SLICE_MS = 5;
const REF_BYTES = 34; // length byte + a reference of at most 33 bytes

export interface ReceiptBuffers {
  txCount: number;
  gas: SharedArrayBuffer;
  meta: SharedArrayBuffer;
  bytes: SharedArrayBuffer;
  /** Bytes of `bytes` this block may use (a reused buffer can be larger): receiptByteCapacity. */
  capacity: number;
  refs: SharedArrayBuffer;
}

/**
 * Room for every receipt the block can hold. Logs are paid for by gas: a data byte costs 8 gas,
 * a topic (33 bytes encoded) 375, a log's address and headers (under 32 bytes) 375, so a block's
 * logs take at most gasLimit / 8 bytes; each receipt adds at most 300 bytes (status, gas, bloom,
 * headers). A block whose single receipt held 3 MB of logs overflowed the earlier guess (1 KiB per
 * transaction) and its root was hashed on the main thread. Untouched pages of shared memory cost no RAM.
 */
export function receiptByteCapacity(txCount: number, gasLimit: bigint): number {
  // (Capped for test blocks with absurd gas limits; a block past the cap falls back to hashing on the main thread.)
  return Math.min(Number(gasLimit / 8n), 1 << 28) + txCount * 512 + (1 << 16);
}

/** A final result an executor holds, with its logs bloom when computed. */
export interface FinalResult {
  tx: number;
  result: TxResult;
  bloom: Uint8Array | null;
}

/** The last block's buffers of each use, reused by the next one of that use when large enough (blocks run one at a time). */
const spares: Record<BufferUse, ReceiptBuffers | null> = { block: null, warmUp: null };

/** Forgets the spare buffers (after a fault, a worker being replaced may still hold them). */
export function discardSpareReceiptBuffers(): void {
  spares.block = null;
}

export class SharedReceipts {
  private readonly gas: Float64Array;
  private readonly meta: Int32Array;
  private readonly bytes: Uint8Array;
  private readonly refs: Uint8Array;
  private readonly txCount: number;
  private readonly groups: number;

  constructor(readonly buffers: ReceiptBuffers) {
    this.txCount = buffers.txCount;
    this.groups = orderedGroupCount(this.txCount);
    this.gas = new Float64Array(buffers.gas);
    this.meta = new Int32Array(buffers.meta);
    this.bytes = new Uint8Array(buffers.bytes);
    this.refs = new Uint8Array(buffers.refs);
  }

  /**
   * Buffers for a block of `txCount` transactions: the previous block's when large enough. Fresh
   * shared memory costs a page fault per 4 KiB at first touch (megabytes of receipt bytes per block).
   * Only the meta words and gas need clearing: every receipt and reference is written before it is read.
   * Each use (BufferUse) has its own.
   */
  static create(txCount: number, gasLimit: bigint, use: BufferUse = "block"): SharedReceipts {
    const groups = orderedGroupCount(txCount);
    const sizes = { gas: 8 * txCount, meta: 4 * (HEADER + 2 * txCount), bytes: receiptByteCapacity(txCount, gasLimit), refs: REF_BYTES * (groups + ORDERED_HEAD_GROUPS) };
    const fits = (buffer: SharedArrayBuffer | undefined, bytes: number) => buffer !== undefined && buffer.byteLength >= bytes;
    const spare = spares[use];
    const take = (key: "gas" | "meta" | "bytes" | "refs") => (fits(spare?.[key], sizes[key]) ? spare![key] : new SharedArrayBuffer(sizes[key]));
    const buffers: ReceiptBuffers = { txCount, gas: take("gas"), meta: take("meta"), bytes: take("bytes"), refs: take("refs"), capacity: sizes.bytes };
    spares[use] = buffers;
    new Int32Array(buffers.meta).fill(0, 0, HEADER + 2 * txCount);
    new Float64Array(buffers.gas).fill(0, 0, txCount);
    return new SharedReceipts(buffers);
  }

  /** Gas used by the incarnation of `tx` just executed (the final one writes last). */
  setGasUsed(tx: number, gasUsed: bigint): void {
    this.gas[tx] = Number(gasUsed);
  }

  /**
   * Run by each of `workers` workers after the block is done, over the final results it holds:
   * encodes their receipts into shared memory, waits for the other workers to do the same, then
   * hashes groups until none is left. Stops early when `abandoned`.
   */
  publish(finals: FinalResult[], transactions: TransactionSource, byzantium: boolean, workers: number, abandoned: () => boolean): void {
    this.encode(finals, transactions, byzantium, abandoned);
    this.hashGroups(byzantium, workers, abandoned);
  }

  /** `publish`'s first half: encodes these receipts into shared memory and counts this executor as done encoding. */
  encode(finals: FinalResult[], transactions: TransactionSource, byzantium: boolean, abandoned: () => boolean): void {
    if (!byzantium || abandoned()) return; // before Byzantium receipts hold intermediate state roots: no root here
    const cumulative = new Float64Array(this.txCount);
    let sum = 0;
    for (let tx = 0; tx < this.txCount; tx++) cumulative[tx] = sum += this.gas[tx]!;
    // Sizes first, so that this executor takes its room with one atomic add (one per receipt had
    // both cores contend for the counter), then each receipt written in place.
    let total = 0;
    for (const { tx, result } of finals) {
      const size = statusReceiptSize(transactions.get(tx).type, cumulative[tx]!, result.logs);
      this.meta[HEADER + 2 * tx + 1] = size;
      total += size;
    }
    let offset = Atomics.add(this.meta, BUMP, total);
    if (offset + total > this.buffers.capacity) {
      Atomics.store(this.meta, OVERFLOW, 1);
    } else {
      for (const { tx, result, bloom } of finals) {
        this.meta[HEADER + 2 * tx] = offset;
        const end = writeStatusReceipt(this.bytes, offset, transactions.get(tx).type, result.status === Status.Success ? 1 : 0, cumulative[tx]!, result.logs, bloom ?? (result.logs.length === 0 ? ZERO_BLOOM : logsBloom(result.logs)));
        offset = end;
      }
    }
    // The seq-cst add orders this worker's receipt writes before any other's reads of them.
    Atomics.add(this.meta, ENCODED, 1);
    Atomics.notify(this.meta, ENCODED);
  }

  /**
   * After the executors stopped early and the main thread finished the block in order: encodes
   * every receipt of the block at once and counts as all `executors` done encoding, so that the
   * worker threads, waiting in hashGroups, hash their share of the trie too.
   */
  encodeAll(receipts: readonly Receipt[], executors: number): void {
    let offset = 0;
    for (let tx = 0; tx < receipts.length; tx++) {
      const size = receiptSize(receipts[tx]!);
      this.meta[HEADER + 2 * tx] = offset;
      this.meta[HEADER + 2 * tx + 1] = size;
      offset += size;
    }
    if (offset > this.buffers.capacity) {
      Atomics.store(this.meta, OVERFLOW, 1);
    } else {
      for (let tx = 0; tx < receipts.length; tx++) writeReceipt(this.bytes, this.meta[HEADER + 2 * tx]!, receipts[tx]!);
    }
    Atomics.add(this.meta, ENCODED, executors);
    Atomics.notify(this.meta, ENCODED);
  }

  /** Frees the executors waiting for a stopped block's receipts (encodeAll) when they will not come. */
  release(): void {
    Atomics.store(this.meta, RELEASED, 1);
    Atomics.notify(this.meta, ENCODED);
  }

  /** Whether release was called. */
  released(): boolean {
    return Atomics.load(this.meta, RELEASED) === 1;
  }

  /** `publish`'s second half: once all `workers` executors encoded theirs, hashes groups until none is left. */
  hashGroups(byzantium: boolean, workers: number, abandoned: () => boolean): void {
    if (!byzantium || abandoned()) return;
    for (let seen = Atomics.load(this.meta, ENCODED); seen < workers; seen = Atomics.load(this.meta, ENCODED)) {
      if (abandoned()) return;
      Atomics.wait(this.meta, ENCODED, seen, WAIT_SLICE_MS);
    }
    if (Atomics.load(this.meta, OVERFLOW) === 1) return;
    for (let g = Atomics.add(this.meta, NEXT_GROUP, 1); g < this.groups + ORDERED_HEAD_GROUPS; g = Atomics.add(this.meta, NEXT_GROUP, 1)) {
      if (g >= this.groups) {
        const [first, end] = orderedHeadRange(g - this.groups, this.txCount);
        if (first < end) this.hashHeadGroup(g - this.groups, first, end);
      } else if (orderedGroupSplits(g, this.txCount)) {
        const [first, end] = orderedGroupRange(g, this.txCount);
        this.hashGroup(g, first, end);
      }
    }
  }

  private receipt(tx: number): Uint8Array {
    const offset = this.meta[HEADER + 2 * tx]!;
    return this.bytes.subarray(offset, offset + this.meta[HEADER + 2 * tx + 1]!);
  }

  private hashGroup(g: number, first: number, end: number): void {
    const values: Uint8Array[] = [];
    for (let tx = first; tx < end; tx++) values.push(this.receipt(tx));
    this.setRef(g, orderedGroupReference(g, values));
  }

  private hashHeadGroup(h: number, first: number, end: number): void {
    const values: Uint8Array[] = [];
    for (let tx = first; tx < end; tx++) values.push(this.receipt(tx));
    this.setRef(this.groups + h, orderedHeadReference(h, this.txCount, values));
  }

  private setRef(index: number, ref: Uint8Array): void {
    this.refs[REF_BYTES * index] = ref.length;
    this.refs.set(ref, REF_BYTES * index + 1);
  }

  private ref(index: number): Uint8Array {
    return this.refs.slice(REF_BYTES * index + 1, REF_BYTES * index + 1 + this.refs[REF_BYTES * index]!);
  }

  /** Whether the receipts did not fit in shared memory. */
  overflowed(): boolean {
    return Atomics.load(this.meta, OVERFLOW) === 1;
  }

  /** The receipts root from the workers' receipts and subtries (main thread, after every worker published); null on overflow. */
  root(): Uint8Array | null {
    // (The load also orders the workers' writes before the reads below.)
    if (Atomics.load(this.meta, OVERFLOW) === 1) return null;
    const refs: Uint8Array[] = [];
    for (let g = 0; g < this.groups; g++) if (orderedGroupSplits(g, this.txCount)) refs[g] = this.ref(g);
    const headRefs: Uint8Array[] = [];
    for (let h = 0; h < ORDERED_HEAD_GROUPS; h++) {
      const [first, end] = orderedHeadRange(h, this.txCount);
      if (first < end) headRefs[h] = this.ref(this.groups + h);
    }
    return orderedTrieRootFromGroups(this.txCount, (tx) => this.receipt(tx), refs, headRefs);
  }
}
