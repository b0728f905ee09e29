// 0x09 blake2f (EIP-152): the EIP's test vectors, agreement with BLAKE2b from @noble/hashes
// (one compression of a single-block message), one gas per round.
import assert from "node:assert/strict";
import { test } from "node:test";
import { blake2b } from "@noble/hashes/blake2.js";
import { bytesToHex } from "../../../src/primitives/bytes.js";
import { call, outHex } from "./helpers.js";

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
