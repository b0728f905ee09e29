// Logs bloom per the Yellow Paper (M3:2048) and receipt encodings.
import assert from "node:assert/strict";
import { test } from "node:test";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { RLP } from "@ethereumjs/rlp";
import { encodeReceipt, logsBloom, statusReceiptSize, writeStatusReceipt, type Receipt } from "../../src/block/receipt.js";
import { TxType } from "../../src/tx/types.js";

/** The bloom as a 2048-bit integer: bit (pair & 2047) set for the first three byte pairs of keccak. */
function referenceBloom(items: Uint8Array[]): bigint {
  let bloom = 0n;
  for (const item of items) {
    const h = keccak_256(item);
    for (let i = 0; i < 6; i += 2) bloom |= 1n << BigInt(((h[i]! << 8) | h[i + 1]!) % 2048);
  }
  return bloom;
}

test("the bloom of a log sets the bits of its address and topics", () => {
  const address = 0x1234567890abcdefn;
  const topic = 0xdeadbeefn;
  const bloom = logsBloom([{ address, topics: [Number(topic)], data: new Uint8Array(3) }]) // address > 2^53: a bigint word;
  const addressBytes = Buffer.from(address.toString(16).padStart(40, "0"), "hex");
  const topicBytes = Buffer.from(topic.toString(16).padStart(64, "0"), "hex");
  assert.equal(BigInt("0x" + Buffer.from(bloom).toString("hex")), referenceBloom([addressBytes, topicBytes]));
});

test("no logs, empty bloom", () => {
  assert.deepEqual(logsBloom([]), new Uint8Array(256));
});

const receipt: Receipt = { type: TxType.Legacy, status: 1, postStateRoot: null, cumulativeGasUsed: 21000n, gasUsed: 21000n, logs: [], bloom: new Uint8Array(256) };

test("a legacy receipt is the RLP list [status, cumulative gas, bloom, logs]", () => {
  assert.deepEqual(encodeReceipt(receipt), RLP.encode([1, 21000, new Uint8Array(256), []]));
});

test("a typed receipt is prefixed with its type byte (EIP-2718)", () => {
  const encoded = encodeReceipt({ ...receipt, type: TxType.FeeMarket, status: 0 })!;
  assert.equal(encoded[0], 2);
  assert.deepEqual(encoded.subarray(1), RLP.encode([new Uint8Array(0), 21000, new Uint8Array(256), []]));
});

test("a pre-Byzantium receipt without its state root cannot be encoded", () => {
  assert.equal(encodeReceipt({ ...receipt, status: null }), null);
});

test("receipts with logs encode exactly as a generic RLP encoder does", () => {
  const logs = [
    { address: 0x1234, topics: [], data: new Uint8Array(0) },
    { address: (1n << 159n) + 5n, topics: [1, (1n << 255n) + 7n, 0], data: Uint8Array.of(0x7f) },
    { address: 0xabc, topics: [42], data: new Uint8Array(300).fill(9) },
  ];
  const addr = (a: number | bigint) => Buffer.from(BigInt(a).toString(16).padStart(40, "0"), "hex");
  const word = (w: number | bigint) => Buffer.from(BigInt(w).toString(16).padStart(64, "0"), "hex");
  const expectedLogs = logs.map((l) => [addr(l.address), l.topics.map(word), l.data]);
  for (const cumulativeGasUsed of [0n, 127n, 128n, 30_000_000n]) {
    const r: Receipt = { ...receipt, cumulativeGasUsed, logs, bloom: new Uint8Array(256).fill(3) };
    assert.deepEqual(encodeReceipt(r), RLP.encode([1, cumulativeGasUsed, new Uint8Array(256).fill(3), expectedLogs]));
  }
  // Many logs: the list header needs a multi-byte length.
  const many: Receipt = { ...receipt, logs: Array.from({ length: 200 }, () => logs[1]!) };
  assert.deepEqual(encodeReceipt(many), RLP.encode([1, 21000, new Uint8Array(256), Array.from({ length: 200 }, () => expectedLogs[1]!)]));
});

test("a status receipt written in place is the same bytes as encodeReceipt's", () => {
  const logSets = [
    [],
    [{ address: 0x1234, topics: [7], data: Uint8Array.of(0x80) }],
    [{ address: 0x1234, topics: [], data: Uint8Array.of(0x05) }, { address: (1n << 159n) + 5n, topics: [1, (1n << 255n) + 7n, 0], data: new Uint8Array(3000).fill(1) }],
  ];
  for (const logs of logSets) {
    const bloom = new Uint8Array(256).fill(logs.length);
    for (const type of [TxType.Legacy, TxType.FeeMarket]) {
      for (const status of [0, 1] as const) {
        for (const gas of [0, 1, 127, 128, 255, 256, 30_000_000, 2 ** 40 + 3]) {
          const expected = encodeReceipt({ type, status, postStateRoot: null, cumulativeGasUsed: BigInt(gas), gasUsed: 0n, logs, bloom })!;
          const out = new Uint8Array(statusReceiptSize(type, gas, logs) + 2).fill(0xee);
          const end = writeStatusReceipt(out, 1, type, status, gas, logs, bloom);
          assert.equal(end, out.length - 1, `size, gas ${gas}`);
          assert.deepEqual(out.subarray(1, end), expected, `type ${type}, status ${status}, gas ${gas}, ${logs.length} logs`);
          assert.equal(out[0], 0xee);
          assert.equal(out[end], 0xee);
        }
      }
    }
  }
});
