// JSON files: listing a test suite's files (state-test and blockchain-test runners) and reading
// one JSON input whole, within a size limit, with one-line errors that name the file.
import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import { join } from "node:path";

/** Every .json file under `path` (or `path` itself), sorted for a stable order. */
export function listJsonFiles(path: string): string[] {
  if (statSync(path).isFile()) return [path];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".json")) out.push(full);
    }
  };
  walk(path);
  return out;
}

/**
 * The largest JSON input read whole (256 MiB). The largest real inputs are far below it (the
 * mainnet fixtures' shared bytecodes.json is 45 MB); V8 cannot hold a string of twice that.
 */
export const MAX_JSON_BYTES = 256 * 1024 * 1024;

/** A JSON file that cannot be read or parsed; the message is one line and starts with the path. */
export class JsonFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "JsonFileError";
  }
}

/**
 * Reads and parses the JSON file at `path`: refused before reading when it is a directory, empty
 * or larger than `maxBytes`; a binary file, invalid UTF-8 and malformed JSON are named with where
 * (line and column) and never quote the file's bytes raw. A UTF-8 byte-order mark is skipped.
 */
export function readJsonFile(path: string, maxBytes = MAX_JSON_BYTES): unknown {
  const text = readTextFile(path, maxBytes);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new JsonFileError(`${path}: malformed JSON: ${describeParseError((e as Error).message, text)}`);
  }
}

function readTextFile(path: string, maxBytes: number): string {
  const bytes = readFileBytes(path, maxBytes);
  return decodeText(path, bytes);
}

/**
 * The bytes of the file at `path`, with readJsonFile's checks and one-line errors: refused before
 * reading when it is a directory, not a regular file, empty or larger than `maxBytes`.
 */
export function readFileBytes(path: string, maxBytes = MAX_JSON_BYTES): Buffer {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw new JsonFileError(`${path}: cannot read (${errorCode(e)})`);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new JsonFileError(`${path}: a directory, not a JSON file`);
    if (!stat.isFile()) throw new JsonFileError(`${path}: not a regular file`);
    if (stat.size === 0) throw new JsonFileError(`${path}: empty file`);
    if (stat.size > maxBytes) throw new JsonFileError(`${path}: ${stat.size} bytes, more than the ${maxBytes} (${maxBytes / 1024 / 1024} MiB) a JSON input may have`);
    const bytes = Buffer.alloc(stat.size);
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, read);
      if (n === 0) break;
      read += n;
    }
    return bytes.subarray(0, read);
  } catch (e) {
    if (e instanceof JsonFileError) throw e;
    throw new JsonFileError(`${path}: cannot read (${errorCode(e)})`);
  } finally {
    closeSync(fd);
  }
}

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** The bytes as text; a NUL byte or invalid UTF-8 means a binary file, not JSON. */
function decodeText(path: string, bytes: Buffer): string {
  const zero = bytes.indexOf(0);
  if (zero >= 0) throw new JsonFileError(`${path}: a binary file, not JSON (a zero byte at offset ${zero})`);
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new JsonFileError(`${path}: not a UTF-8 text file, so not JSON (binary data?)`);
  }
}

/** V8's JSON.parse message without the quoted text, with "position N" as line and column. */
function describeParseError(message: string, text: string): string {
  if (/^Unexpected end of JSON input/.test(message)) return "the text ends early (truncated?)";
  let reason = message.replace(/, ".*" is not valid JSON$/s, "");
  const at = /at position (\d+)/.exec(reason);
  if (at !== null) {
    const { line, column } = lineAndColumn(text, Number(at[1]));
    reason = reason.replace(/ (?:in JSON )?at position \d+.*$/s, "") + ` at line ${line}, column ${column}`;
  }
  return oneLine(reason);
}

function lineAndColumn(text: string, position: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < position; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: position - start + 1 };
}

/** Control characters escaped, so that a message stays on one line whatever it quotes. */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function errorCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}
