// Loads mcl-wasm (the BN254 and BLS12-381 arithmetic) as a module graph of its own per call.
//
// - An instance of its own: mcl-wasm keeps its WebAssembly instance, curve and settings in module
//   state, and the process needs two (BN254 in bn254.ts, BLS12-381 in mclBls12381.ts). Each call
//   evaluates the package's CommonJS files afresh, with a require that resolves their relative
//   requires inside the new graph; Node's module cache is not involved.
// - Faster to start: the package embeds its WebAssembly binary as base64 and decodes it one
//   character at a time through a callback, 38 ms per instance in a fresh process here (every
//   pevm process and worker thread loads two). That one expression is replaced by Buffer's base64
//   decoder (under 1 ms), which gives the same bytes (test/evm/precompiles/mclLoader.test.ts). If
//   a release of the package writes it otherwise, the file is evaluated unchanged: slower, as correct.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, extname, join } from "node:path";
import { compileFunction } from "node:vm";

export type Mcl = typeof import("mcl-wasm");

/** The package's decoding of its embedded binary, and what replaces it. */
export const SLOW_WASM_DECODE = "Uint8Array.from(atob(wasmBase64), function (c) { return c.charCodeAt(0); })";
const FAST_WASM_DECODE = 'Buffer.from(wasmBase64, "base64")';
/** The file that embeds the binary. */
export const WASM_FILE = "mcl_c.js";

const require = createRequire(import.meta.url);

/** The package's entry file (its dist/index.js). */
export function mclEntry(): string {
  return require.resolve("mcl-wasm");
}

/** The source of one of the package's files as loadMcl evaluates it. */
export function mclSource(file: string): string {
  const source = readFileSync(file, "utf8");
  return file.endsWith(WASM_FILE) ? source.replace(SLOW_WASM_DECODE, FAST_WASM_DECODE) : source;
}

/** A new, uninitialised instance of mcl-wasm (call its `init` with a curve). */
export function loadMcl(): Mcl {
  const entry = mclEntry();
  const dir = dirname(entry);
  const loaded = new Map<string, { exports: unknown }>();
  const load = (file: string): unknown => {
    const cached = loaded.get(file);
    if (cached !== undefined) return cached.exports; // a cycle, as Node resolves it: the exports so far
    const module = { exports: {} as unknown };
    loaded.set(file, module);
    const body = compileFunction(mclSource(file), ["exports", "require", "module", "__filename", "__dirname"], { filename: file });
    const localRequire = (id: string): unknown => (id.startsWith("./") ? load(join(dir, extname(id) === "" ? `${id}.js` : id)) : require(id));
    body.call(module.exports, module.exports, localRequire, module, file, dir); // as Node calls a CommonJS module
    return module.exports;
  };
  return load(entry) as Mcl;
}
