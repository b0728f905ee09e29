// The hybrid word operations against straightforward bigint reference formulas (mod 2^256).
import assert from "node:assert/strict";
import { test } from "node:test";
import * as W from "../../src/primitives/word.js";

const M = 1n << 256n;
const S = 1n << 255n;
const signed = (x: bigint) => (x >= S ? x - M : x);
const u = (x: bigint) => ((x % M) + M) % M;

// Edge values around every representation boundary, plus deterministic pseudo-random ones.
const EDGES = [0n, 1n, 2n, 3n, 255n, 256n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 52n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 64n, 2n ** 128n - 1n, 2n ** 160n - 1n, S - 1n, S, S + 1n, M - 2n, M - 1n];
function randoms(n: number): bigint[] {
  let seed = 0x12345678n;
  const out: bigint[] = [];
  for (let i = 0; i < n; i++) {
    seed = (seed * 6364136223846793005n + 1442695040888963407n) % 2n ** 64n;
    const bits = BigInt(Number(seed % 257n));
    let v = 0n;
    for (let k = 0; k < 4; k++) {
      seed = (seed * 6364136223846793005n + 1442695040888963407n) % 2n ** 64n;
      v = (v << 64n) | seed;
    }
    out.push(v % (1n << bits));
  }
  return out;
}
const VALUES = [...EDGES, ...randoms(60)];

function check(name: string, f: (a: W.Word, b: W.Word) => W.Word, ref: (a: bigint, b: bigint) => bigint) {
  test(`word ${name} matches the bigint reference`, () => {
    for (const a of VALUES)
      for (const b of VALUES) {
        const got = f(W.norm(a), W.norm(b));
        const want = W.norm(u(ref(a, b)));
        assert.equal(typeof got, typeof want, `${name}(${a}, ${b}) form`);
        assert.equal(got, want, `${name}(${a}, ${b})`);
      }
  });
}

check("add", W.add, (a, b) => a + b);
check("sub", W.sub, (a, b) => a - b);
check("mul", W.mul, (a, b) => a * b);
check("div", W.div, (a, b) => (b === 0n ? 0n : a / b));
check("mod", W.mod, (a, b) => (b === 0n ? 0n : a % b));
check("sdiv", W.sdiv, (a, b) => (b === 0n ? 0n : signed(a) / signed(b)));
check("smod", W.smod, (a, b) => (b === 0n ? 0n : signed(a) % signed(b)));
check("and", W.and, (a, b) => a & b);
check("or", W.or, (a, b) => a | b);
check("xor", W.xor, (a, b) => a ^ b);
check("lt", (a, b) => (a < b ? 1 : 0), (a, b) => (a < b ? 1n : 0n));
check("slt", W.slt, (a, b) => (signed(a) < signed(b) ? 1n : 0n));
check("sgt", W.sgt, (a, b) => (signed(a) > signed(b) ? 1n : 0n));
check("eq", (a, b) => (a === b ? 1 : 0), (a, b) => (a === b ? 1n : 0n));
check("shl", (s, x) => W.shl(s, x), (s, x) => (s >= 256n ? 0n : x << s));
check("shr", (s, x) => W.shr(s, x), (s, x) => (s >= 256n ? 0n : x >> s));
check("sar", (s, x) => W.sar(s, x), (s, x) => (s >= 256n ? (signed(x) < 0n ? -1n : 0n) : signed(x) >> s));
check("byte", W.byte, (i, x) => (i >= 32n ? 0n : (x >> (8n * (31n - i))) & 0xffn));
check("signextend", W.signextend, (k, x) => {
  if (k >= 31n) return x;
  const bits = 8n * (k + 1n);
  const low = x & ((1n << bits) - 1n);
  return low >= 1n << (bits - 1n) ? low - (1n << bits) : low;
});
check("exp (small exponents)", (a, b) => W.exp(a, W.and(b, 0x1ff)), (a, b) => {
  let r = 1n;
  for (let i = 0n; i < (b & 0x1ffn); i++) r = (r * a) % M;
  return r;
});

test("exp: powers of two raised to any exponent (the shift path) equal square-and-multiply mod 2^256", () => {
  const modPow = (b: bigint, e: bigint): bigint => {
    let r = 1n;
    for (let x = b, k = e; k > 0n; k >>= 1n, x = (x * x) % M) if (k & 1n) r = (r * x) % M;
    return r;
  };
  let cases = 0;
  for (let log = 0; log <= 40; log++) {
    const base = 2n ** BigInt(log);
    for (const e of [0n, 1n, 2n, 7n, 31n, 52n, 53n, 63n, 64n, 127n, 128n, 255n, 256n, 257n, 1000n, 2n ** 53n - 1n, 2n ** 64n, M - 1n]) {
      assert.equal(W.big(W.exp(W.norm(base), W.norm(e))), modPow(base, e), `${base} ** ${e}`);
      cases++;
    }
  }
  assert.equal(cases, 41 * 18);
});

test("word addmod and mulmod use full precision", () => {
  for (const a of VALUES.slice(0, 30))
    for (const b of VALUES.slice(0, 30))
      for (const n of [0n, 1n, 7n, 2n ** 53n + 5n, M - 1n]) {
        assert.equal(W.addmod(W.norm(a), W.norm(b), W.norm(n)), W.norm(n === 0n ? 0n : (a + b) % n));
        assert.equal(W.mulmod(W.norm(a), W.norm(b), W.norm(n)), W.norm(n === 0n ? 0n : (a * b) % n));
      }
});

test("word bytes round trip and zero padding", () => {
  const buf = new Uint8Array(40);
  for (const v of VALUES) {
    W.toBytes32(W.norm(v), buf, 3);
    assert.equal(BigInt("0x" + Buffer.from(buf.subarray(3, 35)).toString("hex")), v);
    assert.equal(W.fromBytes(buf, 3, 32), W.norm(v));
  }
  // Reading past the end pads with zeros on the right, as CALLDATALOAD requires.
  assert.equal(W.fromBytes(Uint8Array.from([1, 2]), 0, 32), W.norm(0x0102n << 240n));
  assert.equal(W.fromBytes(Uint8Array.from([0, 0, 7]), 0, 3), 7);
});

test("fromBytes gives the canonical word for every offset, length and zero padding (reading past the end included)", () => {
  const reference = (buf: Uint8Array, off: number, len: number): W.Word => {
    let v = 0n;
    for (let k = off; k < off + len; k++) v = (v << 8n) | BigInt(k < buf.length ? buf[k]! : 0);
    return W.norm(v);
  };
  const buffers = [new Uint8Array(0), new Uint8Array(40), Uint8Array.from({ length: 40 }, (_, k) => (k * 37 + 11) & 255), Uint8Array.from({ length: 40 }, (_, k) => (k % 9 === 0 ? 1 : 0))];
  let cases = 0;
  for (const buf of buffers)
    for (let off = 0; off <= 48; off += 3)
      for (let len = 0; len <= 32; len++) {
        assert.equal(W.fromBytes(buf, off, len), reference(buf, off, len), `length ${buf.length}, offset ${off}, ${len} bytes`);
        cases++;
      }
  assert.equal(cases, 4 * 17 * 33);
});

test("wordAt and setWordAt read and write the canonical word at any offset of a view", () => {
  const bytes = new Uint8Array(45);
  const view = new DataView(bytes.buffer);
  let cases = 0;
  for (const v of VALUES)
    for (const off of [0, 1, 5, 13]) {
      bytes.fill(0xa5);
      W.setWordAt(view, off, W.norm(v));
      assert.equal(BigInt("0x" + Buffer.from(bytes.subarray(off, off + 32)).toString("hex")), v, `written at ${off}`);
      assert.ok(bytes.subarray(0, off).every((b) => b === 0xa5) && bytes.subarray(off + 32).every((b) => b === 0xa5), `bytes around ${off} untouched`);
      const read = W.wordAt(view, off);
      assert.equal(read, W.norm(v), `read at ${off}`);
      assert.equal(typeof read, v <= BigInt(W.MAX_SAFE) ? "number" : "bigint");
      cases++;
    }
  assert.equal(cases, VALUES.length * 4);
});

test("word byteLength counts significant bytes", () => {
  for (const v of VALUES) assert.equal(W.byteLength(W.norm(v)), v === 0n ? 0 : Math.ceil(v.toString(16).length / 2));
});
