// A small assembler for generated programs: bytes, JUMPDEST labels, PUSH2 of a label's position,
// and data blobs placed after the code (read with CODECOPY). It also keeps a model of the stack
// (how many items, and which hold a freshly created address), so that the generator can give
// opcodes the arguments they need.

export type Tag = "v" | "created";

type Piece =
  | { t: "bytes"; bytes: number[] }
  | { t: "jumpdest"; label: number }
  | { t: "pushLabel"; label: number; delta: number }
  | { t: "mark"; label: number };

export class Asm {
  private readonly pieces: Piece[] = [];
  private readonly data: { label: number; bytes: Uint8Array }[] = [];
  private labels = 0;
  /** The modelled stack, bottom first. */
  stack: Tag[] = [];
  /** Items below this height belong to an enclosing block and are not consumed. */
  floor = 0;
  /** Set once a deliberately ill-formed opcode is emitted: the model may be wrong from here on. */
  chaotic = false;

  /** `counts`, when given, counts every opcode emitted, by byte (the generator's coverage). */
  constructor(
    readonly hasPush0: boolean,
    private readonly counts?: Uint32Array,
  ) {}

  get depth(): number {
    return this.stack.length;
  }

  /** Items above the floor. */
  get free(): number {
    return this.stack.length - this.floor;
  }

  /** Bytes as they are: the first is counted as an opcode, the others are its immediate data. */
  raw(...bytes: number[]): void {
    if (this.counts !== undefined && bytes.length > 0) this.counts[bytes[0]!]!++;
    this.pieces.push({ t: "bytes", bytes });
  }

  /** An opcode taking `pops` items and leaving `pushes` (tagged `tag`). */
  op(byte: number, pops: number, pushes = 0, tag: Tag = "v"): void {
    this.raw(byte);
    this.model(pops, pushes, tag);
  }

  model(pops: number, pushes: number, tag: Tag = "v"): void {
    this.stack.length = Math.max(0, this.stack.length - pops);
    for (let i = 0; i < pushes; i++) this.stack.push(tag);
  }

  /** PUSHn of `value` with `width` bytes (at least the value's own size); PUSH0 for a zero-width zero. */
  push(value: bigint, width?: number): void {
    const size = byteLength(value);
    const w = Math.max(size, width ?? size);
    if (w === 0 && this.hasPush0) {
      this.op(0x5f, 0, 1);
      return;
    }
    const n = Math.max(w, 1);
    const bytes = [0x5f + n];
    for (let i = n - 1; i >= 0; i--) bytes.push(Number((value >> BigInt(8 * i)) & 0xffn));
    this.raw(...bytes);
    this.model(0, 1);
  }

  newLabel(): number {
    return this.labels++;
  }

  jumpdest(label: number): void {
    if (this.counts !== undefined) this.counts[0x5b]!++;
    this.pieces.push({ t: "jumpdest", label });
  }

  /** PUSH2 of a label's position (a JUMPDEST, a data blob or a mark), plus `delta`. */
  pushLabel(label: number, delta = 0): void {
    if (this.counts !== undefined) this.counts[0x61]!++;
    this.pieces.push({ t: "pushLabel", label, delta });
    this.model(0, 1);
  }

  /** A label for the position of whatever comes next (emits nothing). */
  mark(label: number): void {
    this.pieces.push({ t: "mark", label });
  }

  /** A data blob after the code; returns its label. */
  addData(bytes: Uint8Array): number {
    const label = this.newLabel();
    this.data.push({ label, bytes });
    return label;
  }

  /** DUPn of the item `n` from the top (1 = top). */
  dup(n: number): void {
    const tag = this.stack[this.stack.length - n] ?? "v";
    this.op(0x7f + n, 0, 1, tag);
  }

  swap(n: number): void {
    this.raw(0x8f + n);
    const s = this.stack;
    const top = s.length - 1;
    if (top - n >= 0) [s[top], s[top - n]] = [s[top - n]!, s[top]!];
  }

  /** Pops down to `height`. */
  popTo(height: number): void {
    while (this.stack.length > height) this.op(0x50, 1);
  }

  /** Position of the nearest item tagged `tag` as a DUP index (1..16), if any. */
  findTag(tag: Tag): number | undefined {
    for (let n = 1; n <= 16 && n <= this.stack.length; n++) if (this.stack[this.stack.length - n] === tag) return n;
    return undefined;
  }

  assemble(): Uint8Array {
    const positions = new Map<number, number>();
    let pc = 0;
    for (const p of this.pieces) {
      if (p.t === "bytes") pc += p.bytes.length;
      else if (p.t === "jumpdest") {
        positions.set(p.label, pc);
        pc += 1;
      } else if (p.t === "mark") positions.set(p.label, pc);
      else pc += 3;
    }
    // A STOP between the code and the data, so that running off the code's end halts.
    pc += 1;
    for (const d of this.data) {
      positions.set(d.label, pc);
      pc += d.bytes.length;
    }
    const out = new Uint8Array(pc);
    let at = 0;
    for (const p of this.pieces) {
      if (p.t === "bytes") {
        out.set(p.bytes, at);
        at += p.bytes.length;
      } else if (p.t === "jumpdest") {
        out[at++] = 0x5b;
      } else if (p.t === "pushLabel") {
        const placed = positions.get(p.label);
        if (placed === undefined) throw new Error(`label ${p.label} never placed`);
        const target = placed + p.delta;
        out[at++] = 0x61;
        out[at++] = (target >> 8) & 0xff;
        out[at++] = target & 0xff;
      }
    }
    out[at++] = 0x00;
    for (const d of this.data) {
      out.set(d.bytes, at);
      at += d.bytes.length;
    }
    return out;
  }
}

export function byteLength(value: bigint): number {
  let n = 0;
  while (value > 0n) {
    value >>= 8n;
    n++;
  }
  return n;
}
