// mclLoader.ts: the embedded WebAssembly binary decodes to the same bytes through Buffer as through
// the package's own expression (which the installed release still has, or the faster path is gone),
// and each loadMcl() is an instance of its own, apart from the others and from the package's shared one.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import shared from "mcl-wasm";
import { loadMcl, mclEntry, mclSource, SLOW_WASM_DECODE, WASM_FILE } from "../../../src/evm/precompiles/mclLoader.js";

const wasmFile = join(dirname(mclEntry()), WASM_FILE);

test("the package's decoding of its binary is replaced, and Buffer gives the same bytes", () => {
  const original = readFileSync(wasmFile, "utf8");
  assert.ok(original.includes(SLOW_WASM_DECODE), `${WASM_FILE} no longer decodes its binary as mclLoader.ts expects: update SLOW_WASM_DECODE`);
  const rewritten = mclSource(wasmFile);
  assert.ok(!rewritten.includes(SLOW_WASM_DECODE), "the slow decode is gone from what loadMcl evaluates");
  assert.equal(rewritten.length - original.length, 'Buffer.from(wasmBase64, "base64")'.length - SLOW_WASM_DECODE.length, "nothing else changed");
  const base64 = /const wasmBase64 = '([A-Za-z0-9+/=]+)'/.exec(original)?.[1];
  assert.ok(base64 !== undefined && base64.length > 100_000, "the embedded binary is found");
  const theirs = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const ours = Buffer.from(base64, "base64");
  assert.equal(ours.length, theirs.length);
  assert.ok(Buffer.from(theirs).equals(ours), "the same bytes");
  assert.deepEqual([...ours.subarray(0, 4)], [0x00, 0x61, 0x73, 0x6d], "a WebAssembly module");
});

test("each loadMcl() is an instance of its own: two curves side by side, the package's shared instance untouched", async () => {
  const bn = loadMcl();
  const bls = loadMcl();
  assert.notEqual(bn, bls);
  assert.notEqual(bn.G1, bls.G1, "classes of their own");
  await bn.init(bn.BN_SNARK1);
  await bls.init(bls.BLS12_381);
  const bnPoint = bn.hashAndMapToG1("pevm");
  const blsPoint = bls.hashAndMapToG1("pevm");
  assert.equal(bnPoint.serialize().length, 32, "BN254: 32-byte field elements");
  assert.equal(blsPoint.serialize().length, 48, "BLS12-381: 48-byte field elements");
  assert.equal(bn.hashAndMapToG1("pevm").serialize().length, 32, "the first instance is still on BN254 after the second was initialised");
  assert.notEqual(shared.G1, bn.G1);
  assert.throws(() => shared.hashAndMapToG1("pevm"), "the package's own instance was not initialised by either");
});
