// A minimal WebAssembly binary assembler (core specification, binary format) for the small
// modules the engine builds at load time: functions with i32/i64 parameters and locals, one
// memory, exports by name. Modules are assembled from code, so there is no generated file to
// keep in step with the source.

export const I32 = 0x7f;
export const I64 = 0x7e;
export type ValueType = typeof I32 | typeof I64;

/** Opcodes used by the engine's modules. */
export const enum Op {
  Block = 0x02,
  Loop = 0x03,
  If = 0x04,
  Else = 0x05,
  End = 0x0b,
  Br = 0x0c,
  BrIf = 0x0d,
  Call = 0x10,
  Select = 0x1b,
  LocalGet = 0x20,
  LocalSet = 0x21,
  LocalTee = 0x22,
  I64Load = 0x29,
  I64Load32U = 0x35,
  I64Store = 0x37,
  I64Store32 = 0x3e,
  I32Const = 0x41,
  I64Const = 0x42,
  I32Eqz = 0x45,
  I32LtU = 0x49,
  I64LtS = 0x53,
  I32Add = 0x6a,
  I32Sub = 0x6b,
  I64Add = 0x7c,
  I64Sub = 0x7d,
  I64Mul = 0x7e,
  I64And = 0x83,
  I64Xor = 0x85,
  I64Shl = 0x86,
  I64ShrS = 0x87,
  I64ShrU = 0x88,
  I64Rotl = 0x89,
  I64Rotr = 0x8a,
  I64ExtendI32U = 0xad,
}

/** Block type of a block, loop or if without results. */
export const VOID_BLOCK = 0x40;

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** Alignment and offset of a load or store (alignment as log2 of bytes). */
export function memarg(alignLog2: number, offset: number): number[] {
  return [alignLog2, ...uleb(offset)];
}

/** One function's code: parameters first, then the locals it declares as it goes. */
export class FunctionBuilder {
  readonly code: number[] = [];
  private readonly localTypes: ValueType[] = [];

  constructor(
    readonly params: readonly ValueType[],
    readonly exportName: string | null = null,
  ) {}

  /** A new local of `type`; returns its index. */
  local(type: ValueType): number {
    this.localTypes.push(type);
    return this.params.length + this.localTypes.length - 1;
  }

  emit(...bytes: number[]): this {
    for (const b of bytes) this.code.push(b);
    return this;
  }

  get(local: number): this {
    return this.emit(Op.LocalGet, ...uleb(local));
  }

  set(local: number): this {
    return this.emit(Op.LocalSet, ...uleb(local));
  }

  i32(value: number): this {
    return this.emit(Op.I32Const, ...sleb(value));
  }

  i64(value: number): this {
    return this.emit(Op.I64Const, ...sleb(value));
  }

  call(functionIndex: number): this {
    return this.emit(Op.Call, ...uleb(functionIndex));
  }

  /** The function's body: local declarations (one entry per run of one type), code, end. */
  body(): number[] {
    const runs: number[][] = [];
    for (let i = 0; i < this.localTypes.length; ) {
      let j = i;
      while (j < this.localTypes.length && this.localTypes[j] === this.localTypes[i]) j++;
      runs.push([...uleb(j - i), this.localTypes[i]!]);
      i = j;
    }
    const bytes = [...vector(runs), ...this.code, Op.End];
    return [...uleb(bytes.length), ...bytes];
  }
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function vector(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...uleb(bytes.length), ...bytes];
}

/**
 * A module of `functions` (index i is functions[i], for calls between them), none returning a
 * value, with one memory of `pages` 64 KiB pages exported as "memory".
 */
export function assembleModule(functions: readonly FunctionBuilder[], pages: number): Uint8Array {
  const signatures: string[] = [];
  const typeOf = functions.map((f) => {
    const key = f.params.join(",");
    let index = signatures.indexOf(key);
    if (index < 0) index = signatures.push(key) - 1;
    return index;
  });
  const types = signatures.map((key) => {
    const params = key === "" ? [] : key.split(",").map(Number);
    return [0x60, ...uleb(params.length), ...params, 0];
  });
  const exports: number[][] = [[...name("memory"), 0x02, 0]];
  functions.forEach((f, i) => {
    if (f.exportName !== null) exports.push([...name(f.exportName), 0x00, ...uleb(i)]);
  });
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector(types)),
    ...section(3, vector(typeOf.map((t) => uleb(t)))),
    ...section(5, vector([[0x00, ...uleb(pages)]])),
    ...section(7, vector(exports)),
    ...section(10, vector(functions.map((f) => f.body()))),
  ]);
}

// The project compiles without the DOM library, which declares WebAssembly: the little used here.
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Compiles and instantiates `bytes` (no imports) synchronously; returns its exports. */
export function instantiate<T>(bytes: Uint8Array): T {
  return new wasm.Instance(new wasm.Module(bytes)).exports as T;
}
