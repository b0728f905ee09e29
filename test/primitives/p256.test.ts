// ECDSA verification on P-256 (src/primitives/p256.ts) against @noble/curves, the reference:
// random signatures and their corruptions (decided by the plain walk), the inputs whose walk
// meets an exceptional addition (decided by the checked walk), and the field module's Montgomery
// arithmetic at its bounds.
// The precompile's own cases (EIP-7951 vectors, R'.x >= n, input checks) are in
// test/evm/precompiles/p256verify.test.ts.
import assert from "node:assert/strict";
import { test } from "node:test";
import { p256 } from "@noble/curves/nist.js";
import { isP256Point, p256Stats, P256_N, verifyP256 } from "../../src/primitives/p256.js";
import { instantiateP256Field, limbsOf, P256_P } from "../../src/primitives/p256Wasm.js";
import { LIMBS, REGISTER_BYTES } from "../../src/primitives/fieldWasm.js";
import { p256Verify } from "../../src/evm/precompiles/p256verify.js";
import { splitmix64 } from "../splitmix.js";

const { Point } = p256;
const G = Point.BASE;
const Fn = Point.Fn;

/** The verification by @noble/curves (inputs already checked as EIP-7951 asks). */
function verifiesByNoble(h: bigint, r: bigint, s: bigint, qx: bigint, qy: bigint): boolean {
  const sInverse = Fn.inv(s);
  const rPrime = G.mulAddUnsafe(Fn.create(h * sInverse), Point.fromAffine({ x: qx, y: qy }), Fn.create(r * sInverse));
  return !rPrime.is0() && Fn.create(rPrime.toAffine().x) === r;
}
const N = P256_N;
const P = P256_P;

// Deterministic pseudo-random scalars, so that a failure can be replayed.
const nextU64 = splitmix64(BigInt(process.env.P256_TEST_SEED ?? "0x9256a11ce"));
function randomBelow(m: bigint): bigint {
  let x = 0n;
  for (let i = 0; i < 5; i++) x = (x << 64n) | nextU64();
  return (x % (m - 1n)) + 1n;
}

/** A signature (r, s) of h by the secret key d, with nonce k (textbook ECDSA: any s, high or low). */
function sign(h: bigint, d: bigint, k: bigint): { r: bigint; s: bigint } {
  const r = G.multiply(k).toAffine().x % N;
  const s = (Point.Fn.inv(k) * ((h % N) + r * d)) % N;
  return { r, s };
}

function bytes(...words: bigint[]): Uint8Array {
  const out = new Uint8Array(32 * words.length);
  words.forEach((w, i) => {
    for (let j = 31; j >= 0; j--, w >>= 8n) out[32 * i + j] = Number(w & 0xffn);
  });
  return out;
}

test("verifyP256 decides random signatures and their corruptions as @noble/curves does", () => {
  let valid = 0;
  const checkedBefore = p256Stats.checkedWalks;
  for (let i = 0; i < 120; i++) {
    const d = randomBelow(N);
    const { x: qx, y: qy } = G.multiply(d).toAffine();
    const h = i % 5 === 0 ? randomBelow(1n << 256n) : randomBelow(N); // some hashes >= n
    const { r, s } = sign(h, d, randomBelow(N));
    if (r === 0n || s === 0n) continue;
    const cases: [bigint, bigint, bigint, bigint, bigint][] = [
      [h, r, s, qx, qy],
      [h, r, N - s, qx, qy], // -s signs the same (negated nonce): valid too
      [h ^ 1n, r, s, qx, qy],
      [h, r === N - 1n ? 1n : r + 1n, s, qx, qy],
      [h, r, s === 1n ? 2n : s - 1n, qx, qy],
      [h, r, s, ...(() => { const o = G.multiply(randomBelow(N)).toAffine(); return [o.x, o.y] as [bigint, bigint]; })()],
    ];
    for (const [ch, cr, cs, cx, cy] of cases) {
      const got = verifyP256(ch, cr, cs, cx, cy);
      const want = verifiesByNoble(ch, cr, cs, cx, cy);
      assert.equal(got, want, `case ${i}: h=${ch.toString(16)} r=${cr.toString(16)} s=${cs.toString(16)}`);
      if (want) valid++;
    }
  }
  assert.ok(valid >= 200, `only ${valid} valid signatures among the cases`);
  assert.equal(p256Stats.checkedWalks, checkedBefore, "a random input needed the checked walk");
});

test("an exceptional addition in the walk: the checked walk decides, as @noble/curves does", () => {
  // Q = G: u1·G + u2·Q = (h + r)/s·G. With h ≡ -r it is infinity, and the walk adds a point to its
  // negation; with h = r (u1 = u2) the two digit streams add the same multiples of G. Valid
  // signatures of that form: R' = t·G, r = R'.x mod n, s = 2r/t.
  const r = 0x1234567n, s = 0x89abcn;
  const { x, y } = G.toAffine();
  const cases: [bigint, bigint, bigint][] = [[N - r, r, s], [r, r, s], [2n * r, r, s]];
  for (const t of [3n, 0xdeadbeefn, N - 5n]) {
    const rt = G.multiply(t).toAffine().x % N;
    cases.push([rt, rt, Fn.create(2n * rt * Fn.inv(t))]);
  }
  let checkedValid = 0;
  for (const [h, cr, cs] of cases) {
    const before = p256Stats.checkedWalks;
    const want = verifiesByNoble(h, cr, cs, x, y);
    assert.equal(verifyP256(h, cr, cs, x, y), want, `h = ${h}`);
    if (want && p256Stats.checkedWalks > before) checkedValid++;
    assert.equal(p256Verify(bytes(h, cr, cs, x, y), 10_000).output.length === 32, want, `precompile, h = ${h}`);
  }
  assert.ok(checkedValid > 0, "no valid signature went through the checked walk: the test no longer reaches it");
});

test("isP256Point: the generator and random multiples are on the curve; a changed y is not", () => {
  for (let i = 0; i < 20; i++) {
    const { x, y } = G.multiply(randomBelow(N)).toAffine();
    assert.ok(isP256Point(x, y));
    assert.ok(!isP256Point(x, (y + 1n) % P));
  }
  assert.ok(!isP256Point(0n, 0n));
});

test("Montgomery field module: products, sums and differences at the bounds of its registers (values below 2p)", () => {
  const registers = 8;
  const field = instantiateP256Field(registers, []);
  const limbs = new Uint32Array(field.memory.buffer);
  const R = 1n << 260n;
  const put = (o: number, raw: bigint) => limbsOf(raw).forEach((l, i) => (limbs[o / 4 + i] = l));
  const get = (o: number): bigint => {
    let x = 0n;
    for (let i = LIMBS - 1; i >= 0; i--) x = (x << 26n) | BigInt(limbs[o / 4 + i]!);
    return x;
  };
  const [A, B, O] = [0, REGISTER_BYTES, 2 * REGISTER_BYTES];
  const rInverse = Point.Fp.inv(R % P);
  const edges = [0n, 1n, P - 1n, P, P + 1n, 2n * P - 1n, (1n << 256n) - 1n];
  const values = [...edges, ...Array.from({ length: 40 }, () => randomBelow(2n * P))];
  for (const a of values) {
    for (const b of values.slice(0, 12)) {
      put(A, a);
      put(B, b);
      const check = (name: string, want: bigint) => {
        const got = get(O);
        assert.ok(got < 2n * P, `${name}(${a}, ${b}) left ${got}, not below 2p`);
        assert.equal(got % P, ((want % P) + P) % P, `${name}(${a}, ${b})`);
        for (let i = 0; i < LIMBS; i++) assert.ok(limbs[O / 4 + i]! < 2 ** 26, `${name}: limb ${i} above 2^26`);
      };
      field.fmul(O, A, B);
      check("fmul", a * b * rInverse);
      field.fadd(O, A, B);
      check("fadd", a + b);
      field.fsub(O, A, B);
      check("fsub", a - b);
    }
    put(A, a);
    field.fsqr(O, A);
    const got = get(O);
    assert.equal(got % P, (a * a * rInverse) % P, `fsqr(${a})`);
    field.fneg(O, A);
    assert.equal(get(O) % P, (P - (a % P)) % P, `fneg(${a})`);
    for (const k of [0, 1, 3, 4, 8]) {
      field.fmulSmall(O, A, k);
      const v = get(O);
      assert.ok(v < 2n * P, `fmulSmall(${a}, ${k}) not below 2p`);
      assert.equal(v % P, (BigInt(k) * a) % P, `fmulSmall(${a}, ${k})`);
    }
  }
});
