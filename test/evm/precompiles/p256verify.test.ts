// P256VERIFY (EIP-7951) at 0x100: known answers from the EIP's test vectors (Wycheproof), the
// EIP's input checks one by one, the verification edge cases built by hand (R'.x >= n, R' at
// infinity, high s, a hash >= n), the price, the fork gate, and a differential check against
// @ethereumjs/evm's P256VERIFY on random signatures and their corruptions.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Common, Hardfork, Mainnet } from "@ethereumjs/common";
import { getActivePrecompiles, type PrecompileInput } from "@ethereumjs/evm";
import { p256 } from "@noble/curves/nist.js";
import { Fork, rulesFor } from "../../../src/fork/forks.js";
import { isPrecompile, precompileAddresses } from "../../../src/evm/precompiles/index.js";
import { bytesToHex } from "../../../src/primitives/bytes.js";
import { call, outHex, word } from "./helpers.js";

const ADDRESS = 0x100;
const GAS = 6900;
const VALID = "0x" + word(1);
const { Point } = p256;
const Fn = Point.Fn;
const N = Fn.ORDER;
const P = Point.Fp.ORDER;
const G = Point.BASE;

function verify(input: string | Uint8Array, gasLimit = 100000) {
  return call(ADDRESS, input, gasLimit, Fork.Osaka);
}

/** The output of a call that must succeed and charge 6900 gas: "0x" (not valid) or VALID. */
function verdict(input: string | Uint8Array): string {
  const result = verify(input);
  assert.deepEqual([result.ok, result.gasUsed], [true, GAS]);
  return outHex(result);
}

function encode(h: bigint, r: bigint, s: bigint, qx: bigint, qy: bigint): string {
  return "0x" + word(h) + word(r) + word(s) + word(qx) + word(qy);
}

function encodeKey(h: bigint, r: bigint, s: bigint, q: InstanceType<typeof Point>): string {
  const { x, y } = q.toAffine();
  return encode(h, r, s, x, y);
}

/** A fresh key pair and a signature of a random 32-byte hash, without hashing it again. */
function randomSignature(): { h: bigint; r: bigint; s: bigint; q: InstanceType<typeof Point> } {
  const secret = p256.utils.randomSecretKey();
  const hash = crypto.getRandomValues(new Uint8Array(32));
  const sig = p256.Signature.fromBytes(p256.sign(hash, secret, { prehash: false }));
  return { h: BigInt(bytesToHex(hash)), r: sig.r, s: sig.s, q: Point.fromBytes(p256.getPublicKey(secret)) };
}

// Wycheproof vectors from EIPS/assets/eip-7951/test-vectors.json.
const KNOWN_ANSWERS: [string, string, boolean][] = [
  [
    "#1 signature malleability",
    "bb5a52f42f9c9261ed4361f59422a1e30036e7c32b270c8807a419feca6050232ba3a8be6b94d5ec80a6d9d1190a436effe50d85a1eee859b8cc6af9bd5c2e184cd60b855d442f5b3c7b11eb6c4e0ae7525fe710fab9aa7c77a67f79e6fadd762927b10512bae3eddcfe467828128bad2903269919f7086069c8c4df6c732838c7787964eaac00e5921fb1498a60f4606766b3d9685001558d1a974e7341513e",
    true,
  ],
  [
    "#3 r modified by adding the group order",
    "bb5a52f42f9c9261ed4361f59422a1e30036e7c32b270c8807a419feca605023d45c5740946b2a147f59262ee6f5bc90bd01ed280528b62b3aed5fc93f06f739b329f479a2bbd0a5c384ee1493b1f5186a87139cac5df4087c134b49156847db2927b10512bae3eddcfe467828128bad2903269919f7086069c8c4df6c732838c7787964eaac00e5921fb1498a60f4606766b3d9685001558d1a974e7341513e",
    false,
  ],
  [
    "#113 k*G has a large x-coordinate (R.x >= n, r = R.x - n)",
    "bb5a52f42f9c9261ed4361f59422a1e30036e7c32b270c8807a419feca605023000000000000000000000000000000004319055358e8617b0c46353d039cdaabffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc63254e0ad99500288d466940031d72a9f5445a4d43784640855bf0a69874d2de5fe103c5011e6ef2c42dcd50d5d3d29f99ae6eba2c80c9244f4c5422f0979ff0c3ba5e",
    true,
  ],
  [
    "#136 point at infinity during verify",
    "bb5a52f42f9c9261ed4361f59422a1e30036e7c32b270c8807a419feca6050237fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8555555550000000055555555555555553ef7a8e48d07df81a693439654210c70b533d4695dd5b8c5e07757e55e6e516f7e2c88fa0239e23f60e8ec07dd70f2871b134ee58cc583278456863f33c3a85d881f7d4a39850143e29d4eaf009afe47",
    false,
  ],
  [
    "#175 comparison with point at infinity",
    "bb5a52f42f9c9261ed4361f59422a1e30036e7c32b270c8807a419feca605023555555550000000055555555555555553ef7a8e48d07df81a693439654210c703333333300000000333333333333333325c7cbbc549e52e763f1f55a327a3aa9dd86d3b5f4a13e8511083b78002081c53ff467f11ebd98a51a633db76665d25045d5c8200c89f2fa10d849349226d21d8dfaed6ff8d5cb3e1b7e17474ebc18f7",
    false,
  ],
  [
    "#208 x-coordinate of the public key is large",
    "2f77668a9dfbf8d5848b9eeb4a7145ca94c6ed9236e4a773f6dcafa5132b2f91766456dce1857c906f9996af729339464d27e9d98edc2d0e3b760297067421f6402385ecadae0d8081dccaf5d19037ec4e55376eced699e93646bfbbf19d0b41fffffff948081e6a0458dd8f9e738f2665ff9059ad6aac0708318c4ca9a7a4f55a8abcba2dda8474311ee54149b973cae0c0fb89557ad0bf78e6529a1663bd73",
    true,
  ],
];

test("p256verify: EIP-7951 (Wycheproof) known answers", () => {
  for (const [name, input, valid] of KNOWN_ANSWERS) assert.equal(verdict("0x" + input), valid ? VALID : "0x", name);
});

test("p256verify: a valid signature returns the word 1; high s is valid too (no low-s rule)", () => {
  for (let i = 0; i < 5; i++) {
    const { h, r, s, q } = randomSignature();
    assert.equal(verdict(encodeKey(h, r, s, q)), VALID);
    assert.equal(verdict(encodeKey(h, r, N - s, q)), VALID, "s and n - s both verify");
    assert.equal(verdict(encodeKey(h ^ 1n, r, s, q)), "0x", "another hash");
    assert.equal(verdict(encodeKey(h, r, s, q.negate())), "0x", "another key");
  }
});

test("p256verify: the hash is used as given, and one >= n acts as hash mod n", () => {
  // Signing reduces the hash mod n; verifying h and h + n must agree.
  const secret = p256.utils.randomSecretKey();
  const q = Point.fromBytes(p256.getPublicKey(secret));
  const h = 0x1234n;
  const sig = p256.Signature.fromBytes(p256.sign(Buffer.from(word(h), "hex"), secret, { prehash: false }));
  assert.equal(verdict(encodeKey(h, sig.r, sig.s, q)), VALID);
  assert.equal(verdict(encodeKey(h + N, sig.r, sig.s, q)), VALID);
  // A hash of 0 (u1 = 0): R' = u2 Q alone.
  const zero = p256.Signature.fromBytes(p256.sign(new Uint8Array(32), secret, { prehash: false }));
  assert.equal(verdict(encodeKey(0n, zero.r, zero.s, q)), VALID);
  assert.equal(verdict(encodeKey(N, zero.r, zero.s, q)), VALID);
});

test("p256verify: input length other than 160 returns empty output, still charging the gas", () => {
  const { h, r, s, q } = randomSignature();
  const good = encodeKey(h, r, s, q);
  assert.equal(verdict(good), VALID);
  for (const input of ["0x", good.slice(0, -2), good + "00", good + good.slice(2)]) assert.equal(verdict(input), "0x", `${(input.length - 2) / 2} bytes`);
});

test("p256verify: r and s must lie in (0, n)", () => {
  const { h, r, s, q } = randomSignature();
  const MAX = (1n << 256n) - 1n;
  for (const [badR, badS] of [
    [0n, s],
    [N, s],
    [r + N, s],
    [MAX, s],
    [r, 0n],
    [r, N],
    [r, s + N],
    [r, MAX],
  ] as const) {
    if (badR > MAX || badS > MAX) continue; // r + n or s + n past 256 bits
    assert.equal(verdict(encodeKey(h, badR, badS, q)), "0x", `r = ${badR}, s = ${badS}`);
  }
});

test("p256verify: the public key must be canonical, on the curve, and not (0, 0)", () => {
  const { h, r, s, q } = randomSignature();
  const { x, y } = q.toAffine();
  assert.equal(verdict(encode(h, r, s, x, y)), VALID);
  // A coordinate >= p, even one congruent to the key's (x + p or y + p where that fits 256 bits).
  const MAX = (1n << 256n) - 1n;
  for (const [badX, badY] of [[P, y], [x, P], [MAX, y], [x, MAX], [x + P, y], [x, y + P]] as const) {
    if (badX > MAX || badY > MAX) continue;
    assert.equal(verdict(encode(h, r, s, badX, badY)), "0x", `qx = ${badX}, qy = ${badY}`);
  }
  assert.equal(verdict(encode(h, r, s, x, P - y)), "0x"); // the negated key: on the curve, wrong key
  assert.equal(verdict(encode(h, r, s, x, y ^ 1n)), "0x"); // off the curve
  assert.equal(verdict(encode(h, r, s, 0n, 0n)), "0x"); // the encoding of infinity
  assert.equal(verdict(encode(h, r, s, P, P)), "0x");
});

test("p256verify: R'.x >= n verifies when r = R'.x - n (comparison mod n)", () => {
  // Pick R with n <= R.x < p, then solve u1 G + u2 Q = R for the key Q.
  const R = pointWithX((x) => x >= N);
  const rx = R.toAffine().x;
  const r = rx - N;
  const s = 0x77777n;
  const h = 0xabcdefn;
  const sInverse = Fn.inv(s);
  const u1 = Fn.create(h * sInverse);
  const u2 = Fn.create(r * sInverse);
  const q = R.subtract(G.multiply(u1)).multiply(Fn.inv(u2));
  assert.equal(verdict(encodeKey(h, r, s, q)), VALID);
  assert.ok(rx >= N); // r = R.x itself is not below n: rejected by the range check
  assert.equal(verdict(encodeKey(h, rx, s, q)), "0x");
});

test("p256verify: R' at infinity returns empty output", () => {
  // Q = -(h / r) G makes u1 G + u2 Q = (h - h) s^-1 G = infinity.
  const h = 0x1111n;
  const r = 0x2222n;
  const s = 0x3333n;
  const q = G.multiply(Fn.create(-h * Fn.inv(r)));
  assert.equal(verdict(encodeKey(h, r, s, q)), "0x");
});

test("p256verify: 6900 gas, out of gas one short; only from Osaka", () => {
  const { h, r, s, q } = randomSignature();
  const input = encodeKey(h, r, s, q);
  assert.deepEqual([verify(input, GAS).ok, verify(input, GAS).gasUsed], [true, GAS]);
  assert.deepEqual(verify(input, GAS - 1), { ok: false, gasUsed: GAS - 1, output: new Uint8Array(0) });
  assert.deepEqual(verify("0x", GAS - 1).ok, false, "out of gas before the length check");
  assert.equal(isPrecompile(ADDRESS, rulesFor(Fork.Osaka)), true);
  assert.equal(isPrecompile(ADDRESS, rulesFor(Fork.Prague)), false);
  assert.ok(precompileAddresses(rulesFor(Fork.Osaka)).includes(ADDRESS));
});

test("p256verify: agrees with @ethereumjs/evm's P256VERIFY on random and corrupted inputs", async () => {
  const common = new Common({ chain: Mainnet, hardfork: Hardfork.Osaka });
  const theirs = getActivePrecompiles(common).get("0000000000000000000000000000000000000100");
  assert.ok(theirs !== undefined);
  const inputs: Uint8Array[] = [];
  for (let i = 0; i < 40; i++) {
    const { h, r, s, q } = randomSignature();
    const good = Buffer.from(encodeKey(h, r, s, q).slice(2), "hex");
    inputs.push(good);
    // One flipped bit in each of the five fields, and cut or extended input.
    const field = i % 5;
    const flipped = Uint8Array.from(good);
    flipped[field * 32 + (i % 32)]! ^= 1 << (i % 8);
    inputs.push(flipped);
    inputs.push(good.subarray(0, 100 + i), Buffer.concat([good, Buffer.alloc(1)]));
  }
  let valid = 0;
  for (const data of inputs) {
    const ours = verify(data);
    const result = await theirs({ data, gasLimit: 100000n, common } as unknown as PrecompileInput);
    assert.equal(ours.ok, result.exceptionError === undefined);
    assert.equal(BigInt(ours.gasUsed), result.executionGasUsed);
    assert.equal(outHex(ours), bytesToHex(result.returnValue), bytesToHex(data));
    if (ours.output.length > 0) valid++;
  }
  assert.equal(valid, 40);
});

/** A curve point whose x satisfies `accept`, searching x upwards from p - 1. */
function pointWithX(accept: (x: bigint) => boolean): InstanceType<typeof Point> {
  const Fp = Point.Fp;
  const { a, b } = Point.CURVE();
  for (let x = P - 1n; ; x--) {
    if (!accept(x)) continue;
    const rhs = Fp.add(Fp.mul(Fp.add(Fp.sqr(x), a), x), b);
    try {
      const y = Fp.sqrt(rhs);
      return Point.fromAffine({ x, y });
    } catch {
      // not a square: try the next x
    }
  }
}
