// EVM memory: a byte array that grows in 32-byte words, with the quadratic expansion cost.

export class Memory {
  buf = new Uint8Array(4096);
  /** A view of `buf` (replaced with it), for whole-word loads and stores. */
  view = new DataView(this.buf.buffer);
  /** Active size in 32-byte words (what MSIZE and the expansion cost see). */
  words = 0;

  /** Empties the memory for reuse by another call frame. */
  reset(): void {
    if (this.buf.length > 1 << 20) this.replace(new Uint8Array(4096));
    else this.buf.fill(0, 0, this.words * 32);
    this.words = 0;
  }

  /** Grows the active size to cover `end` bytes; the caller has charged the gas. */
  grow(newWords: number): void {
    const needed = newWords * 32;
    if (needed > this.buf.length) {
      let cap = this.buf.length * 2;
      while (cap < needed) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.buf.subarray(0, this.words * 32));
      this.replace(next);
    }
    this.words = newWords;
  }

  private replace(buf: Uint8Array<ArrayBuffer>): void {
    this.buf = buf;
    this.view = new DataView(buf.buffer);
  }
}

/** Total gas for `words` words of memory: 3 per word plus words^2/512 (Yellow Paper C_mem). */
export function memoryCost(words: number): number {
  return 3 * words + Math.floor((words * words) / 512);
}

/** Memory beyond this many bytes costs more gas than can exist; treated as out of gas. */
export const MAX_MEMORY_BYTES = 0x100000000;
