// 0x0a KZG point evaluation (EIP-4844): proofs derivable from the trusted setup by hand, the
// input checks (length, versioned hash, field elements, points), the 50000 gas price, and the
// external verify_kzg_proof vectors of the ethereum/tests Pyspecs (read in place when present).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { bytesToHex } from "../../../src/primitives/bytes.js";
import { fixturePath } from "../../fixtures.js";
import { call, outHex, word } from "./helpers.js";

const BLS_MODULUS = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;
const SUCCESS = "0x" + word(4096) + word(BLS_MODULUS);
const INFINITY = "c0" + "00".repeat(47); // compressed G1 point at infinity
// From the mainnet trusted setup: [tau]G1 (g1_monomial[1]) and the G1 generator (g1_monomial[0]).
const TAU_G1 = "ad3eb50121139aa34db1d545093ac9374ab7bca2c0f3bf28e27c8dcd8fc7cb42d25926fc0c97b336e9f0fb35e5a04c81";
const G1_GENERATOR = "97f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb";

function versionedHash(commitment: string): string {
  return "01" + createHash("sha256").update(Buffer.from(commitment, "hex")).digest("hex").slice(2);
}

function input(commitment: string, z: bigint, y: bigint, proof: string, hash = versionedHash(commitment)): string {
  return "0x" + hash + word(z) + word(y) + commitment + proof;
}

function assertFails(data: string, message: string): void {
  assert.deepEqual(call(10, data, 60000), { ok: false, gasUsed: 60000, output: new Uint8Array(0) }, message);
}

test("point evaluation: the zero polynomial (commitment and proof at infinity) is 0 everywhere", () => {
  const result = call(10, input(INFINITY, 12345n, 0n, INFINITY));
  assert.deepEqual([result.ok, result.gasUsed, outHex(result)], [true, 50000, SUCCESS]);
  assert.equal(call(10, input(INFINITY, BLS_MODULUS - 1n, 0n, INFINITY)).ok, true);
  assertFails(input(INFINITY, 12345n, 1n, INFINITY), "zero polynomial with y = 1");
});

test("point evaluation: p(X) = X, committed as [tau]G1, has value z at z with proof G1", () => {
  // q(X) = (p(X) - p(z)) / (X - z) = 1, so the proof is [1]G1.
  for (const z of [0n, 1n, 0x1234n, BLS_MODULUS - 1n]) {
    assert.equal(outHex(call(10, input(TAU_G1, z, z, G1_GENERATOR))), SUCCESS, `z = ${z}`);
  }
  assertFails(input(TAU_G1, 5n, 6n, G1_GENERATOR), "wrong value");
  assertFails(input(TAU_G1, 5n, 5n, INFINITY), "wrong proof");
});

test("point evaluation: a constant polynomial c, committed as [c]G1, has value c with proof at infinity", () => {
  const c = 0xabcdefn;
  const commitment = bytesToHex(bls12_381.G1.Point.BASE.multiply(c).toBytes(true)).slice(2);
  assert.equal(outHex(call(10, input(commitment, 77n, c, INFINITY))), SUCCESS);
  assertFails(input(commitment, 77n, c + 1n, INFINITY), "wrong constant");
});

test("point evaluation: malformed input fails with all gas consumed", () => {
  const good = input(INFINITY, 1n, 0n, INFINITY);
  assertFails(good.slice(0, -2), "191 bytes");
  assertFails(good + "00", "193 bytes");
  assertFails("0x", "empty");
  assertFails(input(INFINITY, 1n, 0n, INFINITY, "02" + versionedHash(INFINITY).slice(2)), "version byte 0x02");
  assertFails(input(INFINITY, 1n, 0n, INFINITY, versionedHash(TAU_G1)), "hash of another commitment");
  assertFails(input(INFINITY, BLS_MODULUS, 0n, INFINITY), "z = BLS_MODULUS");
  assertFails(input(INFINITY, 1n, BLS_MODULUS, INFINITY), "y = BLS_MODULUS");
  assertFails(input("c0" + "00".repeat(46) + "01", 1n, 0n, INFINITY), "infinity flag with non-zero bits");
  assertFails(input("40" + "00".repeat(47), 1n, 0n, INFINITY), "infinity without the compression flag");
  assertFails(input("17f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb", 1n, 0n, INFINITY), "generator without the compression flag");
  assertFails(input(INFINITY, 1n, 0n, "80" + "00".repeat(47)), "proof x = 0 (not on the curve)");
});

test("point evaluation: 50000 gas in Cancun; out of gas one short", () => {
  const data = input(INFINITY, 1n, 0n, INFINITY);
  assert.equal(call(10, data, 50000).gasUsed, 50000);
  assert.deepEqual(call(10, data, 49999), { ok: false, gasUsed: 49999, output: new Uint8Array(0) });
});

test("point evaluation: the Pyspecs external verify_kzg_proof vectors", (t) => {
  const file = fixturePath("ethereum-tests/GeneralStateTests/Pyspecs/cancun/eip4844_blobs/point_evaluation_precompile_external_vectors.json");
  if (!existsSync(file)) {
    t.skip(`fixtures absent: ${file} not found`);
    return;
  }
  const cases = JSON.parse(readFileSync(file, "utf8")) as Record<string, { transaction: { data: string[] } }>;
  let valid = 0;
  let invalid = 0;
  for (const [name, testCase] of Object.entries(cases)) {
    // The transaction's data is the precompile input; the case name says whether the proof holds.
    const expected = /verify_kzg_proof_case_correct_proof/.test(name);
    const result = call(10, testCase.transaction.data[0]!, 60000);
    assert.equal(result.ok, expected, name);
    if (expected) assert.equal(outHex(result), SUCCESS, name);
    expected ? valid++ : invalid++;
  }
  assert.ok(valid > 0 && invalid > 0);
  t.diagnostic(`${valid} valid and ${invalid} invalid vectors`);
});
