// A bytecode table (bytecodes.json: `{ "<code hash>": "0x<code>", ... }`) read by key instead of
// parsed whole. The mainnet fixtures share one such file of 45 MB; a block needs a few hundred of
// its entries. JSON.parse of all of it held the file's text and every code string at once (about
// 90 MB at the peak of loading the largest block) and took 150-300 ms. Here the file's bytes are
// indexed in one pass of native searches (where each key and value starts and ends) and a value is
// turned into a string only when asked for.
//
// The index is built only from the plain shape every such file has: one object of string keys and
// string values, no backslash anywhere. Anything else (another shape, an escape, a structural
// error) gives no index, and the caller parses the file whole, which names any error as before.
// A value is checked when it is used (hex, and hashing to its key): a malformed value that no
// block uses goes unnoticed, where JSON.parse would have refused the whole file.
import { readFileBytes } from "../primitives/jsonFiles.js";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN = 0x7b;
const CLOSE = 0x7d;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

export class BytecodeIndex {
  private constructor(
    private readonly bytes: Buffer,
    /** Key → [start, end) of its value's characters (inside the quotes). */
    private readonly values: Map<string, [number, number]>,
  ) {}

  /** The index of the file at `path`, or null where its shape is not the plain one (the caller then parses it whole). */
  static read(path: string): BytecodeIndex | null {
    const bytes = readFileBytes(path);
    const values = indexObject(bytes);
    return values === null ? null : new BytecodeIndex(bytes, values);
  }

  /** The value of `key` as a string (undefined where absent), as JSON.parse would give it. */
  get(key: string): string | undefined {
    const at = this.values.get(key);
    return at === undefined ? undefined : this.bytes.toString("latin1", at[0], at[1]);
  }

  get size(): number {
    return this.values.size;
  }
}

/** Key → value range of a flat object of unescaped ASCII strings; null for any other text. */
function indexObject(bytes: Buffer): Map<string, [number, number]> | null {
  // Without escapes, a string ends at the next quote, and its bytes are its characters.
  if (bytes.indexOf(BACKSLASH) >= 0) return null;
  const values = new Map<string, [number, number]>();
  const n = bytes.length;
  let i = skipSpace(bytes, 0);
  if (bytes[i] !== OPEN) return null;
  i = skipSpace(bytes, i + 1);
  if (bytes[i] === CLOSE) return skipSpace(bytes, i + 1) === n ? values : null;
  for (;;) {
    const key = stringAt(bytes, i);
    if (key === null || !plainAscii(bytes, key[0], key[1])) return null;
    i = skipSpace(bytes, key[1] + 1);
    if (bytes[i] !== COLON) return null;
    i = skipSpace(bytes, i + 1);
    const value = stringAt(bytes, i);
    if (value === null) return null;
    // A repeated key keeps the later value, as JSON.parse does.
    values.set(bytes.toString("latin1", key[0], key[1]), value);
    i = skipSpace(bytes, value[1] + 1);
    if (bytes[i] === COMMA) {
      i = skipSpace(bytes, i + 1);
      continue;
    }
    if (bytes[i] !== CLOSE) return null;
    return skipSpace(bytes, i + 1) === n ? values : null;
  }
}

/** [start, end) of the characters of the string whose opening quote is at `i` (no escapes: checked before); null if none starts there. */
function stringAt(bytes: Buffer, i: number): [number, number] | null {
  if (bytes[i] !== QUOTE) return null;
  const end = bytes.indexOf(QUOTE, i + 1);
  return end < 0 ? null : [i + 1, end];
}

/** No control character or byte above 0x7e in bytes[from, to): printable ASCII, read as it stands. */
function plainAscii(bytes: Buffer, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const b = bytes[k]!;
    if (b < 0x20 || b > 0x7e) return false;
  }
  return true;
}

function skipSpace(bytes: Buffer, i: number): number {
  while (i < bytes.length && isSpace(bytes[i]!)) i++;
  return i;
}
