// The process's BLS12-381 mcl-wasm instance (mclBls12381.ts), shared by the point evaluation
// precompile (kzg.ts) and the EIP-2537 ones (bls12381.ts): with bn254.ts's BN254 instance, two in
// all, whichever module loads first; calls of the three kinds interleaved give what each gives
// alone; and the EIP-2537 precompiles give the same results whatever the instance's subgroup-check
// and serialization settings, which kzg.ts relies on.
//
// The probe is the point T = (0, 2) of G1's curve, of order 3 (x = 0 on y^2 = x^3 + b): outside
// the subgroup, and e(T, Q) = 1 for every Q of G2, so a check that skips the subgroup test accepts
// it where it must not. Pairing (T, G2) is then TRUE instead of a failure, and the KZG proof with
// commitment T, y = 0 and the proof at infinity verifies instead of failing.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { mcl as mclBls12381 } from "../../../src/evm/precompiles/mclBls12381.js";
import { Fork } from "../../../src/fork/forks.js";
import { repoPath } from "../../fixtures.js";
import { call, outHex, word } from "./helpers.js";

const P = bls12_381.fields.Fp.ORDER;
const fp = (v: bigint) => v.toString(16).padStart(128, "0");

const G1 = fp(0x17f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bbn) + fp(0x08b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1n);
const NEG_G1 = G1.slice(0, 128) + fp(P - 0x08b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1n);
const G2 = g2Hex(bls12_381.G2.Point.BASE);
/** G1's point of order 3, and its double (0, -2). */
const T = fp(0n) + fp(2n);
const TWO_T = fp(0n) + fp(P - 2n);
const G2_OUTSIDE_SUBGROUP = g2OnCurve(5n);
const MAP_G1_IN = "00000000000000000000000000000000147e1ed29f06e4c5079b9d14fc89d2820d32419b990c1c7bb7dbea2a36a045124b31ffbde7c99329c05c559af1c6cc82";
const MAP_G2_IN =
  "00000000000000000000000000000000138879a9559e24cecee8697b8b4ad32cced053138ab913b99872772dc753a2967ed50aabc907937aefb2439ba06cc50c" +
  "000000000000000000000000000000000a1ae7999ea9bab1dcc9ef8887a6cb6e8f1e22566015428d220b7eec90ffa70ad1f624018a9ad11e78d588bd3617f9f2";

// The KZG side, compressed points: T, [tau]G1 of the mainnet setup, the generator, infinity.
const T_COMPRESSED = "80" + "00".repeat(47);
const TAU_G1 = "ad3eb50121139aa34db1d545093ac9374ab7bca2c0f3bf28e27c8dcd8fc7cb42d25926fc0c97b336e9f0fb35e5a04c81";
const G1_COMPRESSED = "97f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb";
const INFINITY = "c0" + "00".repeat(47);

function kzgInput(commitment: string, z: bigint, y: bigint, proof: string): string {
  const hash = "01" + createHash("sha256").update(Buffer.from(commitment, "hex")).digest("hex").slice(2);
  return hash + word(z) + word(y) + commitment + proof;
}

function g2Hex(point: typeof bls12_381.G2.Point.BASE): string {
  const { x, y } = point.toAffine();
  return fp(x.c0) + fp(x.c1) + fp(y.c0) + fp(y.c1);
}

/** A point on the G2 curve with x = (c0, 1), c0 >= `start` (almost surely outside the subgroup). */
function g2OnCurve(start: bigint): string {
  const F2 = bls12_381.fields.Fp2;
  for (let c0 = start; ; c0++) {
    const x = F2.fromBigTuple([c0, 1n]);
    try {
      const y = F2.sqrt(F2.add(F2.mul(F2.sqr(x), x), F2.fromBigTuple([4n, 4n])));
      return fp(c0) + fp(1n) + fp(y.c0) + fp(y.c1);
    } catch {
      // not a square: the next c0
    }
  }
}

interface Case {
  name: string;
  address: number;
  input: string;
  /** Whether the call succeeds, and its output where the case pins it. */
  ok: boolean;
  output?: string;
}

const TRUE = "0x" + word(1);
const KZG_SUCCESS = "0x" + word(4096) + word(0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n);

const BLS_CASES: Case[] = [
  { name: "G1ADD T + T: no subgroup check", address: 0x0b, input: T + T, ok: true, output: "0x" + TWO_T },
  { name: "G1ADD G + (-G)", address: 0x0b, input: G1 + NEG_G1, ok: true, output: "0x" + "00".repeat(128) },
  { name: "G1MSM T: subgroup check", address: 0x0c, input: T + word(1), ok: false },
  { name: "G1MSM 2G", address: 0x0c, input: G1 + word(2), ok: true },
  { name: "G2ADD outside the subgroup", address: 0x0d, input: G2_OUTSIDE_SUBGROUP + "00".repeat(256), ok: true, output: "0x" + G2_OUTSIDE_SUBGROUP },
  { name: "G2MSM outside the subgroup", address: 0x0e, input: G2_OUTSIDE_SUBGROUP + word(1), ok: false },
  { name: "G2MSM 3 G2", address: 0x0e, input: G2 + word(3), ok: true },
  { name: "PAIRING (T, G2): subgroup check", address: 0x0f, input: T + G2, ok: false },
  { name: "PAIRING (G2 outside the subgroup)", address: 0x0f, input: G1 + G2_OUTSIDE_SUBGROUP, ok: false },
  { name: "PAIRING (G, H)(-G, H)", address: 0x0f, input: G1 + G2 + NEG_G1 + G2, ok: true, output: TRUE },
  { name: "MAP_FP_TO_G1", address: 0x10, input: MAP_G1_IN, ok: true },
  { name: "MAP_FP2_TO_G2", address: 0x11, input: MAP_G2_IN, ok: true },
];

const OTHER_CASES: Case[] = [
  { name: "KZG p(X) = X at 7", address: 0x0a, input: kzgInput(TAU_G1, 7n, 7n, G1_COMPRESSED), ok: true, output: KZG_SUCCESS },
  { name: "KZG commitment T: subgroup check", address: 0x0a, input: kzgInput(T_COMPRESSED, 7n, 0n, INFINITY), ok: false },
  { name: "KZG wrong value", address: 0x0a, input: kzgInput(TAU_G1, 7n, 8n, G1_COMPRESSED), ok: false },
  { name: "ecMul 2 * (1, 2)", address: 0x07, input: word(1) + word(2) + word(2), ok: true, output: "0x030644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd315ed738c0e0a7c92e7845f96b2ae9c0a68a6a449e3538fc7ff3ebf7a5a18a2c4" },
  { name: "ecAdd (1, 2) + infinity", address: 0x06, input: word(1) + word(2) + word(0) + word(0), ok: true, output: "0x" + word(1) + word(2) },
];

/** The call's outcome as a string: ok, gas and output. */
function outcome(testCase: Case): string {
  const result = call(testCase.address, "0x" + testCase.input, 100_000_000, Fork.Prague);
  return `${result.ok} ${result.gasUsed} ${outHex(result)}`;
}

/** Each case alone, checked against what it pins; returns the outcomes. */
function baseline(cases: Case[]): string[] {
  return cases.map((testCase) => {
    const result = call(testCase.address, "0x" + testCase.input, 100_000_000, Fork.Prague);
    assert.equal(result.ok, testCase.ok, testCase.name);
    if (testCase.output !== undefined) assert.equal(outHex(result), testCase.output, testCase.name);
    return outcome(testCase);
  });
}

test("two mcl-wasm instances in a process with every precompile loaded, in any order, each working", () => {
  // Counts the WebAssembly instances made with mcl-wasm's imports, then calls each kind once.
  const script = (names: readonly string[]) => `
    let instances = 0;
    const instantiate = WebAssembly.instantiate;
    WebAssembly.instantiate = function (bytes, imports) {
      if (imports?.env?.cryptoGetRandomValues !== undefined) instances++;
      return instantiate.apply(this, arguments);
    };
    const loaded = {};
    for (const path of ${JSON.stringify(names.map((name) => repoPath(`dist/src/evm/precompiles/${name}.js`)))}) Object.assign(loaded, await import(path));
    const { rulesFor, Fork } = await import(${JSON.stringify(repoPath("dist/src/fork/forks.js"))});
    const hex = (r) => r.ok + ":" + Buffer.from(r.output).toString("hex").slice(0, 16);
    const input = (h) => Uint8Array.from(Buffer.from(h, "hex"));
    const rules = rulesFor(Fork.Prague);
    const out = [instances];
    if (loaded.ecMul) out.push(hex(loaded.ecMul(input(${JSON.stringify(word(1) + word(2) + word(2))}), 1e6, rules)));
    if (loaded.blsG1Add) out.push(hex(loaded.blsG1Add(input(${JSON.stringify(T + T)}), 1e6, rules)), hex(loaded.blsPairing(input(${JSON.stringify(T + G2)}), 1e6, rules)));
    if (loaded.verifyKzgProof) out.push(loaded.verifyKzgProof(input(${JSON.stringify(T_COMPRESSED)}), new Uint8Array(32), new Uint8Array(32), input(${JSON.stringify(INFINITY)})));
    console.log(out.join(" "));`;
  const ecMul = "true:030644e72e131a02";
  const blsAdd = "true:0000000000000000";
  const blsPairing = "false:";
  for (const [names, expected] of [
    [["index"], "2"],
    [["bls12381", "bn254", "kzg"], `2 ${ecMul} ${blsAdd} ${blsPairing} false`],
    [["bn254", "bls12381", "kzg"], `2 ${ecMul} ${blsAdd} ${blsPairing} false`],
    [["kzg", "bls12381", "bn254"], `2 ${ecMul} ${blsAdd} ${blsPairing} false`],
    [["bls12381", "kzg"], `1 ${blsAdd} ${blsPairing} false`],
  ] as const) {
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script(names)], { encoding: "utf8" });
    assert.equal(out.trim(), expected, names.join(", "));
  }
});

test("KZG, EIP-2537 and BN254 calls interleaved give what each gives alone", () => {
  const cases = [...BLS_CASES, ...OTHER_CASES];
  const expected = baseline(cases);
  // A seeded order: each step picks the next case from SHA-256 of the step number.
  for (let step = 0; step < 250; step++) {
    const i = createHash("sha256").update(`interleave:${step}`).digest().readUInt32BE() % cases.length;
    assert.equal(outcome(cases[i]!), expected[i], `step ${step}: ${cases[i]!.name}`);
  }
});

test("the EIP-2537 precompiles do not depend on the instance's subgroup-check and serialization settings", () => {
  const expected = baseline(BLS_CASES);
  const kzgExpected = baseline(OTHER_CASES);
  // Reaching past the type, which leaves the setters out, to change what kzg.ts relies on.
  const settings = mclBls12381 as unknown as { verifyOrderG1(on: boolean): void; verifyOrderG2(on: boolean): void; setETHserialization(on: boolean): void };
  const verifyOrder = (on: boolean) => {
    settings.verifyOrderG1(on);
    settings.verifyOrderG2(on);
  };
  try {
    verifyOrder(false);
    BLS_CASES.forEach((testCase, i) => assert.equal(outcome(testCase), expected[i], `subgroup checks off: ${testCase.name}`));
    // The probe would tell: kzg.ts, which reads points with deserialize, now takes T.
    assert.equal(call(0x0a, "0x" + OTHER_CASES[1]!.input, 100_000, Fork.Prague).ok, true);
    settings.setETHserialization(false);
    BLS_CASES.forEach((testCase, i) => assert.equal(outcome(testCase), expected[i], `ETH serialization off too: ${testCase.name}`));
  } finally {
    verifyOrder(true);
    settings.setETHserialization(true);
  }
  BLS_CASES.forEach((testCase, i) => assert.equal(outcome(testCase), expected[i], `settings back: ${testCase.name}`));
  OTHER_CASES.forEach((testCase, i) => assert.equal(outcome(testCase), kzgExpected[i], `settings back: ${testCase.name}`));
});
