// 0x01 ecrecover: known signer addresses, the validity rules for v, r and s (an invalid signature
// succeeds with empty output), zero-padding of short input and the 3000 gas price.
import assert from "node:assert/strict";
import { test } from "node:test";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { bytesToHex } from "../../../src/primitives/bytes.js";
import { call, outHex, word } from "./helpers.js";

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

// The signature of the ethereum/tests CallEcrecover0 case, signed by the tests' well-known
// account a94f5374fce5edbc8e2a8697c15331677e6ebf0b.
const HASH = "18c547e4f7b0f325ad1e56f57e26c745b09a3e503d86e00e5255ff7f715d3d1c";
const R = 0x73b1693892219d736caba55bdb67216e485557ea6b6af75f37096c9aa6a5a75fn;
const S = 0xeeb940b1d03b21e36b0e47e79769f095fe2ab855bd91e3a38756b7d75a9c4549n;
const V = 28;
const SIGNER = "0x000000000000000000000000a94f5374fce5edbc8e2a8697c15331677e6ebf0b";

function input(hash: string, v: bigint | number, r: bigint, s: bigint): string {
  return "0x" + hash + word(v) + word(r) + word(s);
}

test("ecrecover: recovers the signer of a known signature, left-padded to 32 bytes", () => {
  const result = call(1, input(HASH, V, R, S));
  assert.deepEqual([result.ok, result.gasUsed, outHex(result)], [true, 3000, SIGNER]);
});

test("ecrecover: the address of private key 1 from a fresh signature", () => {
  const key = new Uint8Array(32);
  key[31] = 1; // address 0x7e5f4552091a69125d5dfcb7b8c2659029395bdf
  const hash = new Uint8Array(32).fill(0xab);
  const sig = secp256k1.sign(hash, key, { prehash: false, format: "recovered" });
  const r = BigInt(bytesToHex(sig.subarray(1, 33)));
  const s = BigInt(bytesToHex(sig.subarray(33, 65)));
  const expected = "0x0000000000000000000000007e5f4552091a69125d5dfcb7b8c2659029395bdf";
  assert.equal(outHex(call(1, input(bytesToHex(hash).slice(2), 27 + sig[0]!, r, s))), expected);
  // High s is accepted (no EIP-2 rule here): (r, n - s) with the other v recovers the same key.
  assert.equal(outHex(call(1, input(bytesToHex(hash).slice(2), 28 - sig[0]!, r, N - s))), expected);
});

test("ecrecover: invalid v, r or s succeed with empty output and full price", () => {
  const invalid: [string, string][] = [
    ["v = 29", input(HASH, 29, R, S)],
    ["v = 0", input(HASH, 0, R, S)],
    ["v = 1", input(HASH, 1, R, S)],
    ["v with a high byte", input(HASH, (1n << 248n) + 28n, R, S)],
    ["r = 0", input(HASH, V, 0n, S)],
    ["s = 0", input(HASH, V, R, 0n)],
    ["r = n", input(HASH, V, N, S)],
    ["s = n", input(HASH, V, R, N)],
    ["r = 2^256 - 1", input(HASH, V, (1n << 256n) - 1n, S)],
    ["r not the x of a curve point", input(HASH, V, 5n, S)],
    ["empty input", "0x"],
  ];
  for (const [name, data] of invalid) {
    const result = call(1, data);
    assert.deepEqual([result.ok, result.gasUsed, result.output.length], [true, 3000, 0], name);
  }
  // A different hash recovers some other address rather than failing.
  const other = call(1, input("00".repeat(31) + "01", V, R, S));
  assert.equal(other.output.length, 32);
  assert.notEqual(outHex(other), SIGNER);
});

test("ecrecover: short input is zero-padded, longer input ignored past 128 bytes", () => {
  const full = input(HASH, V, R, S);
  assert.equal(outHex(call(1, full + "ff".repeat(20))), SIGNER);
  // Dropping s's last byte reads it as zero: a different (valid) s, so a different address.
  const truncated = call(1, full.slice(0, -2));
  const padded = call(1, full.slice(0, -2) + "00");
  assert.deepEqual(truncated, padded);
});

test("ecrecover: out of gas below 3000", () => {
  assert.deepEqual(call(1, input(HASH, V, R, S), 2999), { ok: false, gasUsed: 2999, output: new Uint8Array(0) });
  assert.equal(call(1, input(HASH, V, R, S), 3000).gasUsed, 3000);
});
