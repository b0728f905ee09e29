// The final incarnation results a worker sends back, packed into one transferable buffer.
// Structured-cloning thousands of small objects (each with its own byte arrays and bigints) cost
// the main thread up to a fifth of a block's parallel time; decoding this buffer costs a fraction
// of that, and byte fields become views into the transferred buffer.
import type { Status } from "../../evm/interpreter.js";
import type { TxResult } from "../../evm/processor.js";
import type { Word } from "../../primitives/word.js";
import { EmittedLog, type Log } from "../../state/world.js";
import type { IncarnationResult } from "./incarnation.js";

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const TWO160 = 1n << 160n;
const WORD_NUMBER = 0;
const WORD_160 = 1;
const WORD_256 = 2;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A growable buffer of big-endian fields (also partitionTracker.ts's marks and deltas). */
export class Writer {
  private buf = new ArrayBuffer(1 << 16);
  private view = new DataView(this.buf);
  private bytes = new Uint8Array(this.buf);
  pos = 0;

  private room(n: number): void {
    if (this.pos + n <= this.buf.byteLength) return;
    const grown = new ArrayBuffer(Math.max(2 * this.buf.byteLength, this.pos + n));
    new Uint8Array(grown).set(this.bytes.subarray(0, this.pos));
    this.buf = grown;
    this.view = new DataView(grown);
    this.bytes = new Uint8Array(grown);
  }

  u32(v: number): void {
    this.room(4);
    this.view.setUint32(this.pos, v);
    this.pos += 4;
  }

  i32(v: number): void {
    this.room(4);
    this.view.setInt32(this.pos, v);
    this.pos += 4;
  }

  f64(v: number): void {
    this.room(8);
    this.view.setFloat64(this.pos, v);
    this.pos += 8;
  }

  /**
   * A 256-bit word: a tag byte, then a number (8 bytes), or a bigint of at most 160 bits (an
   * address: 20 bytes) or 256 bits (32 bytes). setBigUint64 keeps the low 64 bits by itself.
   */
  word(w: Word): void {
    this.room(33);
    const at = this.pos + 1;
    if (typeof w === "number") {
      this.bytes[this.pos] = WORD_NUMBER;
      this.view.setFloat64(at, w);
      this.pos += 9;
    } else if (w < TWO160) {
      this.bytes[this.pos] = WORD_160;
      this.view.setUint32(at, Number(w >> 128n));
      this.view.setBigUint64(at + 4, w >> 64n);
      this.view.setBigUint64(at + 12, w);
      this.pos += 21;
    } else {
      this.bytes[this.pos] = WORD_256;
      this.view.setBigUint64(at, w >> 192n);
      this.view.setBigUint64(at + 8, w >> 128n);
      this.view.setBigUint64(at + 16, w >> 64n);
      this.view.setBigUint64(at + 24, w);
      this.pos += 33;
    }
  }

  /** Byte string: length + 1 (0 for null), then the bytes. */
  data(b: Uint8Array | null): void {
    this.u32(b === null ? 0 : b.length + 1);
    if (b === null) return;
    this.room(b.length);
    this.bytes.set(b, this.pos);
    this.pos += b.length;
  }

  text(s: string | null | undefined): void {
    this.data(s === null || s === undefined ? null : encoder.encode(s));
  }

  finish(): ArrayBuffer {
    return this.buf.slice(0, this.pos);
  }
}

/** Reads what a Writer wrote, field by field in the same order. */
export class Reader {
  private readonly view: DataView;
  private readonly bytes: Uint8Array;
  pos = 0;

  constructor(buf: ArrayBuffer) {
    this.view = new DataView(buf);
    this.bytes = new Uint8Array(buf);
  }

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  u32(): number {
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }

  i32(): number {
    const v = this.view.getInt32(this.pos);
    this.pos += 4;
    return v;
  }

  f64(): number {
    const v = this.view.getFloat64(this.pos);
    this.pos += 8;
    return v;
  }

  word(): Word {
    const tag = this.bytes[this.pos];
    const at = this.pos + 1;
    if (tag === WORD_NUMBER) {
      this.pos += 9;
      return this.view.getFloat64(at);
    }
    if (tag === WORD_160) {
      this.pos += 21;
      const hi = this.view.getUint32(at);
      const v = (hi === 0 ? 0n : BigInt(hi) << 128n) | (this.view.getBigUint64(at + 4) << 64n) | this.view.getBigUint64(at + 12);
      return v <= MAX_SAFE ? Number(v) : v;
    }
    this.pos += 33;
    const v = (this.view.getBigUint64(at) << 192n) | (this.view.getBigUint64(at + 8) << 128n) | (this.view.getBigUint64(at + 16) << 64n) | this.view.getBigUint64(at + 24);
    return v <= MAX_SAFE ? Number(v) : v;
  }

  data(): Uint8Array | null {
    const n = this.u32();
    if (n === 0) return null;
    const out = this.bytes.subarray(this.pos, this.pos + n - 1);
    this.pos += n - 1;
    return out;
  }

  text(): string | null {
    const d = this.data();
    return d === null ? null : decoder.decode(d);
  }
}

/** Packs results (tx, incarnation, why it was invalid, the logs bloom, the TxResult). */
export function encodeResults(results: IncarnationResult[]): ArrayBuffer {
  const w = new Writer();
  for (const r of results) {
    w.u32(r.tx);
    w.u32(r.incarnation);
    w.text(r.invalid);
    w.data(r.bloom);
    const result = r.result;
    w.u32(result === null ? 0 : 1);
    if (result === null) continue;
    w.u32(result.status);
    w.f64(Number(result.gasUsed));
    w.f64(Number(result.blobGasUsed));
    w.u32(result.contractAddress === null ? 0 : 1);
    if (result.contractAddress !== null) w.word(result.contractAddress);
    w.data(result.output);
    w.text(result.error);
    w.u32(result.logs.length);
    for (const log of result.logs) {
      w.word(log.address);
      w.u32(log.topics.length);
      for (const topic of log.topics) w.word(topic);
      w.data(log.data);
    }
  }
  return w.finish();
}

export function decodeResults(buf: ArrayBuffer): IncarnationResult[] {
  const r = new Reader(buf);
  const out: IncarnationResult[] = [];
  while (!r.done) {
    const tx = r.u32();
    const incarnation = r.u32();
    const invalid = r.text();
    const bloom = r.data();
    let result: TxResult | null = null;
    if (r.u32() === 1) {
      const status = r.u32() as Status;
      const gasUsed = BigInt(r.f64());
      const blobGasUsed = BigInt(r.f64());
      const contractAddress = r.u32() === 1 ? r.word() : null;
      const output = r.data()!;
      const error = r.text() ?? undefined;
      const logs: Log[] = new Array(r.u32());
      for (let i = 0; i < logs.length; i++) {
        const address = r.word();
        const topics: Word[] = new Array(r.u32());
        for (let t = 0; t < topics.length; t++) topics[t] = r.word();
        logs[i] = new EmittedLog(address, topics, r.data()!);
      }
      // The same shape as the processor's result, so that results compare equal.
      result = { status, gasUsed, logs, contractAddress, output, blobGasUsed, error };
    }
    out.push({ tx, incarnation, result, invalid, bloom });
  }
  return out;
}
