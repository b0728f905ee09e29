// 0x09 blake2f (EIP-152): the EIP's test vectors, agreement with BLAKE2b from @noble/hashes
// (one compression of a single-block message), agreement with F written from RFC 7693 on bigints
// for round counts across the message schedule's cycle, one gas per round.
import assert from "node:assert/strict";
import { test } from "node:test";
import { blake2b } from "@noble/hashes/blake2.js";
import { bytesToHex } from "../../../src/primitives/bytes.js";
import { call, outHex } from "./helpers.js";
import { splitmix64 } from "../../splitmix.js";

// EIP-152 vector inputs share h (the BLAKE2b-512 IV xor the parameter block), m = "abc" and t = 3.
const H = "48c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d182e6ad7f520e511f6c3e2b8c68059b6bbd41fbabd9831f79217e1319cde05b";
const M = "6162630000000000000000000000000000000000000000000000000000000000" + "00".repeat(96);
const T = "03000000000000000000000000000000";

function vector(rounds: string, final: string): string {
  return "0x" + rounds + H + M + T + final;
}

test("blake2f: EIP-152 vectors 0-3 fail (length, final flag)", () => {
  const valid = vector("0000000c", "01");
  const invalid: [string, string][] = [
    ["empty", "0x"],
    ["212 bytes", vector("0000000c", "")], // without the final-flag byte
    ["214 bytes", valid + "01"],
    ["final flag 2", vector("0000000c", "02")],
  ];
  for (const [name, data] of invalid) {
    assert.deepEqual(call(9, data, 100), { ok: false, gasUsed: 100, output: new Uint8Array(0) }, name);
  }
});

test("blake2f: EIP-152 vectors 4-7", () => {
  const cases: [string, string, string][] = [
    // [rounds, final flag, output]
    ["00000000", "01", "0x08c9bcf367e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d282e6ad7f520e511f6c3e2b8c68059b9442be0454267ce079217e1319cde05b"],
    ["0000000c", "01", "0xba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923"],
    ["0000000c", "00", "0x75ab69d3190a562c51aef8d88f1c2775876944407270c42c9844252c26d2875298743e7f6d5ea2f2d3e8d226039cd31b4e426ac4f2d3d666a610c2116fde4735"],
    ["00000001", "01", "0xb63a380cb2897d521994a85234ee2c181b5f844d2c624c002677e9703449d2fba551b3a8333bcdf5f2f7e08993d53923de3d64fcc68c034e717b9293fed7a421"],
  ];
  for (const [rounds, final, output] of cases) {
    const result = call(9, vector(rounds, final));
    assert.deepEqual([result.ok, result.gasUsed, outHex(result)], [true, parseInt(rounds, 16), output], `${rounds} rounds`);
  }
  // Vector 5 is BLAKE2b-512("abc").
  assert.equal(bytesToHex(blake2b(new TextEncoder().encode("abc"))), outHex(call(9, vector("0000000c", "01"))));
});

test("blake2f: 12 rounds on a single block equal BLAKE2b-512 of messages up to 128 bytes", () => {
  // h = IV with the parameter block (digest length 64, fanout 1, depth 1) xored into word 0.
  for (const len of [0, 1, 55, 64, 127, 128]) {
    const message = new Uint8Array(len).map((_, i) => (i * 37 + 11) & 255);
    const block = new Uint8Array(128);
    block.set(message);
    const t = new Uint8Array(16);
    new DataView(t.buffer).setUint32(0, len, true);
    const data = "0x0000000c" + H + bytesToHex(block).slice(2) + bytesToHex(t).slice(2) + "01";
    assert.equal(outHex(call(9, data)), bytesToHex(blake2b(message)), `length ${len}`);
  }
});

test("blake2f: gas is the round count; out of gas one short", () => {
  const data = vector("000003e8", "01"); // 1000 rounds
  assert.equal(call(9, data, 1000).gasUsed, 1000);
  assert.deepEqual(call(9, data, 999), { ok: false, gasUsed: 999, output: new Uint8Array(0) });
  // 2^32 - 1 rounds (EIP-152 vector 8) are rejected for want of gas before any work is done.
  assert.deepEqual(call(9, vector("ffffffff", "01"), 30_000_000), { ok: false, gasUsed: 30_000_000, output: new Uint8Array(0) });
});

// F from RFC 7693 section 3.2 on bigints: the reference for any round count.
const MASK64 = (1n << 64n) - 1n;
const IV = [0x6a09e667f3bcc908n, 0xbb67ae8584caa73bn, 0x3c6ef372fe94f82bn, 0xa54ff53a5f1d36f1n, 0x510e527fade682d1n, 0x9b05688c2b3e6c1fn, 0x1f83d9abfb41bd6bn, 0x5be0cd19137e2179n];
const SIGMA = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
  [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4], [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
  [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13], [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
  [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11], [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
  [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5], [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
];
const rotr = (x: bigint, n: bigint) => ((x >> n) | (x << (64n - n))) & MASK64;

function referenceF(rounds: number, h: bigint[], m: bigint[], t: [bigint, bigint], final: boolean): bigint[] {
  const v = [...h, ...IV];
  v[12]! ^= t[0];
  v[13]! ^= t[1];
  if (final) v[14] = v[14]! ^ MASK64;
  const g = (a: number, b: number, c: number, d: number, x: bigint, y: bigint) => {
    v[a] = (v[a]! + v[b]! + x) & MASK64;
    v[d] = rotr(v[d]! ^ v[a]!, 32n);
    v[c] = (v[c]! + v[d]!) & MASK64;
    v[b] = rotr(v[b]! ^ v[c]!, 24n);
    v[a] = (v[a]! + v[b]! + y) & MASK64;
    v[d] = rotr(v[d]! ^ v[a]!, 16n);
    v[c] = (v[c]! + v[d]!) & MASK64;
    v[b] = rotr(v[b]! ^ v[c]!, 63n);
  };
  for (let r = 0; r < rounds; r++) {
    const s = SIGMA[r % 10]!.map((i) => m[i]!);
    g(0, 4, 8, 12, s[0]!, s[1]!);
    g(1, 5, 9, 13, s[2]!, s[3]!);
    g(2, 6, 10, 14, s[4]!, s[5]!);
    g(3, 7, 11, 15, s[6]!, s[7]!);
    g(0, 5, 10, 15, s[8]!, s[9]!);
    g(1, 6, 11, 12, s[10]!, s[11]!);
    g(2, 7, 8, 13, s[12]!, s[13]!);
    g(3, 4, 9, 14, s[14]!, s[15]!);
  }
  return h.map((x, i) => x ^ v[i]! ^ v[i + 8]!);
}

function words(hex: string): bigint[] {
  const out: bigint[] = [];
  for (let i = 0; i < hex.length; i += 16) out.push(BigInt("0x" + (hex.slice(i, i + 16).match(/../g) ?? []).reverse().join("")));
  return out;
}

function wordsHex(ws: bigint[]): string {
  return ws.map((w) => (w.toString(16).padStart(16, "0").match(/../g) ?? []).reverse().join("")).join("");
}

test("blake2f: any round count equals F written from RFC 7693 (random h, m, t and final flag)", () => {
  const next = splitmix64(0xb1a4e2fn);
  const hex = (count: number) => wordsHex(Array.from({ length: count }, () => next()));
  for (const rounds of [0, 1, 2, 9, 10, 11, 12, 13, 19, 20, 21, 29, 100, 1001, 20_007]) { // the last in slices (blake2f.ts)
    const [h, m, t] = [hex(8), hex(16), hex(2)];
    const final = rounds % 2 === 0;
    const data = "0x" + rounds.toString(16).padStart(8, "0") + h + m + t + (final ? "01" : "00");
    const want = referenceF(rounds, words(h), words(m), words(t) as [bigint, bigint], final);
    assert.equal(outHex(call(9, data, 100_000)), "0x" + wordsHex(want), `${rounds} rounds`);
  }
});
