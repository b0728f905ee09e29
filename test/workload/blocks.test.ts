// Generated block workloads: every workload executes with all transactions successful, sizes and
// gas targets come out as asked, hot ratios give the right number of hot transactions, and the
// same seed gives the same block.
import assert from "node:assert/strict";
import { test } from "node:test";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { bytesEqual } from "../../src/primitives/bytes.js";
import { executeBlock } from "../../src/exec/sequential.js";
import { fromBytes } from "../../src/primitives/word.js";
import { BLOCK_WORKLOADS, COINBASE, generateBlock, hotCount, mappingSlot, txsForGas, type GeneratedBlock } from "../../src/workload/blocks.js";
import { keyAddress } from "../../src/workload/keys.js";
import { contract } from "../../src/workload/contracts.js";

function executeAll(g: GeneratedBlock) {
  const result = executeBlock(g.block, g.preState, { blockHashes: g.blockHashes });
  assert.equal(result.receipts.length, g.block.transactions.length);
  result.receipts.forEach((r, i) => assert.equal(r.status, 1, `${g.workload}: transaction ${i} failed (${result.txResults[i]!.error})`));
  assert.equal(result.gasUsed, g.block.header.gasUsed);
  assert.ok(bytesEqual(result.logsBloom, g.block.header.logsBloom));
  assert.ok(bytesEqual(result.receiptsRoot!, g.block.header.receiptsRoot));
  return result;
}

test("every workload generates a block whose transactions all succeed and which verifies against its header", () => {
  for (const w of BLOCK_WORKLOADS) {
    const g = generateBlock({ workload: w.name, txs: 40 });
    assert.equal(g.block.transactions.length, 40, w.name);
    assert.equal(g.block.header.number, 20_000_000n);
    assert.ok(g.block.header.gasLimit >= g.block.header.gasUsed + g.block.transactions[0]!.gasLimit);
    assert.equal(g.block.header.excessBlobGas, 0n);
    const result = executeAll(g);
    const hot = g.hot.filter(Boolean).length;
    const expected = (40 - hot) * g.gasPerTx.independent + hot * g.gasPerTx.hot;
    assert.equal(Number(result.gasUsed), expected, w.name);
    const senders = new Set(g.block.transactions.map((tx) => tx.sender));
    assert.equal(senders.size, 40, `${w.name}: distinct senders`);
    assert.ok(!senders.has(COINBASE));
    if (w.kind === "raw") assert.equal(g.gasPerTx.independent, 21_000);
    if (w.kind === "erc20") {
      const topic = BigInt(contract("Token").artifact.events["Transfer(address,address,uint256)"]!);
      for (const r of result.receipts) assert.equal(BigInt(r.logs[0]!.topics[0]!), topic);
    }
    if (w.kind === "swaps") for (const r of result.receipts) assert.equal(r.logs.length, 1);
  }
});

test("independent workloads: distinct recipients or pools, ERC-20 senders transfer to themselves", () => {
  const raw = generateBlock({ workload: "raw-transfers", txs: 30 });
  assert.equal(new Set(raw.block.transactions.map((tx) => tx.to)).size, 30);
  for (const tx of raw.block.transactions) assert.equal(raw.preState.readAccount(tx.to!), null, "recipients are fresh accounts");
  const swaps = generateBlock({ workload: "swaps", txs: 30 });
  assert.equal(new Set(swaps.block.transactions.map((tx) => tx.to)).size, 30);
  const erc20 = generateBlock({ workload: "erc20", txs: 30 });
  assert.equal(new Set(erc20.block.transactions.map((tx) => tx.to)).size, 1, "one token");
  for (const tx of erc20.block.transactions) assert.equal(fromBytes(tx.data, 4, 32), tx.sender);
});

test("the hot ratio puts round(ratio * n) transactions on the one hot account or pool", () => {
  for (const [workload, ratio] of [["erc20", 0.3], ["swaps", 0.1], ["raw-transfers", 1], ["erc20-hot", undefined], ["swaps-hot", 0]] as const) {
    const g = generateBlock({ workload, txs: 101, hotRatio: ratio });
    const r = ratio ?? 0.1;
    assert.equal(g.hotTxs, Math.round(r * 101), workload);
    assert.equal(g.hot.filter(Boolean).length, g.hotTxs);
    executeAll(g);
    const targets = g.block.transactions.map((tx) => (workload.startsWith("erc20") ? fromBytes(tx.data, 4, 32) : tx.to));
    const hotTargets = new Set(targets.filter((_, i) => g.hot[i]));
    if (g.hotTxs > 0) assert.equal(hotTargets.size, 1, `${workload}: one hot target`);
    const others = targets.filter((_, i) => !g.hot[i]);
    assert.equal(new Set(others).size, others.length, `${workload}: the rest are independent`);
    for (const t of others) assert.ok(!hotTargets.has(t));
  }
  assert.throws(() => generateBlock({ workload: "erc20", txs: 10, hotRatio: 1.5 }), /hot ratio/);
  assert.throws(() => generateBlock({ workload: "nope", txs: 10 }), /unknown block workload/);
});

test("a gas target adds transactions until their gas reaches it", () => {
  for (const workload of ["erc20", "swaps-hot", "raw-transfers"]) {
    const target = 3_000_000;
    const g = generateBlock({ workload, gas: target });
    const used = Number(g.block.header.gasUsed);
    const maxTx = Math.max(g.gasPerTx.independent, g.gasPerTx.hot);
    assert.ok(used >= target && used - maxTx < target, `${workload}: ${used} gas for a target of ${target}`);
    assert.equal(g.hotTxs, hotCount(g.block.transactions.length, g.hotRatio));
  }
  assert.equal(txsForGas(1_000_000_000n, 0, 21_000, 21_000), 47_620);
  assert.equal(txsForGas(42_000n, 0, 21_000, 21_000), 2);
  assert.equal(txsForGas(100_000n, 0.5, 10_000, 30_000), 5);
});

test("the same seed gives the same block; another seed gives other senders", () => {
  const summary = (g: GeneratedBlock) => ({
    txs: g.block.transactions.map((tx) => [tx.sender, tx.to, Buffer.from(tx.data).toString("hex"), tx.value]),
    hot: g.hot,
    header: [g.block.header.gasUsed, g.block.header.receiptsRoot, g.block.header.logsBloom, g.block.header.stateRoot, g.block.header.mixHash],
  });
  const a = generateBlock({ workload: "swaps", txs: 50, hotRatio: 0.3, seed: 7 });
  const b = generateBlock({ workload: "swaps", txs: 50, hotRatio: 0.3, seed: 7 });
  assert.deepEqual(summary(a), summary(b));
  const c = generateBlock({ workload: "swaps", txs: 50, hotRatio: 0.3, seed: 8 });
  assert.notDeepEqual(summary(a).txs, summary(c).txs);
  assert.notDeepEqual(a.hot, c.hot);
});

test("sender keys derive the senders' addresses; storage slots follow solc's mapping layout", () => {
  const g = generateBlock({ workload: "erc20", txs: 300 });
  for (const i of [0, 1, 150, 299]) assert.equal(keyAddress(g.senderKeys[i]!), g.block.transactions[i]!.sender);
  // keccak256(pad32(key) ‖ pad32(slot)), computed here with @noble/hashes.
  const key = 0x1234567890abcdef1234567890abcdef12345678n;
  const buf = new Uint8Array(64);
  buf.set(Buffer.from(key.toString(16).padStart(64, "0"), "hex"), 0);
  buf[63] = 3;
  assert.equal(mappingSlot(key, 3), fromBytes(keccak_256(buf), 0, 32));
  assert.equal(contract("Token").slot("balanceOf"), 0);
});
