// The worker threads' results travel packed (resultCodec): every field must come back equal,
// words of every size (numbers, addresses, 256-bit values), null results and invalid ones.
import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeResults, encodeResults } from "../../../src/exec/parallel/resultCodec.js";
import type { IncarnationResult } from "../../../src/exec/parallel/incarnation.js";
import type { Word } from "../../../src/primitives/word.js";

const WIDE = (1n << 255n) + 12345n;
const ADDRESS = 0xdac17f958d2ee523a2206206994597c13d831ec7n;

function result(tx: number, words: Word[], extra: Partial<IncarnationResult> = {}): IncarnationResult {
  return {
    tx,
    incarnation: tx % 3,
    invalid: null,
    bloom: Uint8Array.from({ length: 256 }, (_, i) => (i * tx) & 0xff),
    result: {
      status: 1,
      gasUsed: 21_000n + BigInt(tx),
      blobGasUsed: 0n,
      contractAddress: tx % 2 === 0 ? null : ADDRESS + BigInt(tx),
      output: Uint8Array.from([tx & 0xff, 1, 2]),
      error: tx % 5 === 0 ? "out of gas" : undefined,
      logs: [{ address: words[0]!, topics: words.slice(1), data: Uint8Array.from([tx & 0xff]) }],
    },
    ...extra,
  };
}

test("results round-trip through the codec: numbers, 160- and 256-bit words, repeats, null results, invalid ones", () => {
  const results: IncarnationResult[] = [];
  for (let tx = 0; tx < 40; tx++) {
    // Repeats within a log and across logs, wide words, and numbers on both sides of 2^53.
    const words: Word[] = [ADDRESS, WIDE, WIDE + BigInt(tx % 11), WIDE + BigInt(tx % 11), tx, 2 ** 53 - 1, BigInt(Number.MAX_SAFE_INTEGER) + 1n + BigInt(tx)];
    results.push(result(tx, words));
  }
  results.push({ tx: 40, incarnation: 2, invalid: "nonce too low: 3 < 4 (ünïcode)", bloom: null, result: null });
  results.push(result(41, [ADDRESS], { bloom: null }));
  const decoded = decodeResults(encodeResults(results));
  assert.equal(decoded.length, results.length);
  for (let i = 0; i < results.length; i++) {
    const a = results[i]!;
    const b = decoded[i]!;
    assert.deepEqual({ ...b, bloom: b.bloom === null ? null : [...b.bloom], result: b.result === null ? null : { ...b.result, output: [...b.result.output], logs: b.result.logs.map((l) => ({ ...l, data: [...l.data] })) } },
      { ...a, bloom: a.bloom === null ? null : [...a.bloom], result: a.result === null ? null : { ...a.result, output: [...a.result.output], logs: a.result.logs.map((l) => ({ ...l, data: [...l.data] })) } }, `result ${i}`);
  }
});

test("an encoding larger than the writer's first buffer grows to fit", () => {
  const big = result(7, [ADDRESS]);
  big.result!.output = new Uint8Array(1 << 20).fill(9);
  big.result!.logs[0]!.data = new Uint8Array(1 << 19).fill(3);
  const [back] = decodeResults(encodeResults([big]));
  assert.equal(back!.result!.output.length, 1 << 20);
  assert.equal(back!.result!.logs[0]!.data.length, 1 << 19);
  assert.ok(back!.result!.output.every((b) => b === 9));
});
