// Generated block workloads: every workload executes with all transactions successful, sizes and
// gas targets come out as asked, hot ratios give the right number of hot transactions, and the
// same seed gives the same block.
import assert from "node:assert/strict";
import { test } from "node:test";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { bytesEqual } from "../../src/primitives/bytes.js";
import { executeBlock } from "../../src/exec/sequential.js";
import { fromBytes } from "../../src/primitives/word.js";
import { BLOCK_WORKLOADS, COINBASE, generateBlock, HOT_ACCOUNT, HOT_POOL, hotCount, mappingSlot, mixedCounts, TOKEN_ADDRESS, txsForGas, variantOf, type GeneratedBlock, type TxVariant } from "../../src/workload/blocks.js";
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
    const expected = w.kind === "mixed" ? mixGas(g) : (40 - hot) * g.gasPerTx.independent + hot * g.gasPerTx.hot;
    assert.equal(Number(result.gasUsed), expected, w.name);
    g.txKinds.forEach((kind, i) => assert.equal(result.receipts[i]!.gasUsed, BigInt(g.gasPerVariant[variantOf(kind, g.hot[i]!)]!), `${w.name}: transaction ${i}'s gas`));
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

/** The block's gas from its variants' counts and each variant's gas. */
function mixGas(g: GeneratedBlock): number {
  return (Object.entries(g.mix) as [TxVariant, number][]).reduce((total, [variant, count]) => total + count * g.gasPerVariant[variant]!, 0);
}

/** What transaction i of a generated block does, read from the transaction itself. */
function variantOfTx(g: GeneratedBlock, i: number): TxVariant {
  const tx = g.block.transactions[i]!;
  if (tx.data.length === 0) return tx.to === HOT_ACCOUNT ? "raw-hot" : "raw";
  if (tx.to === TOKEN_ADDRESS) return fromBytes(tx.data, 4, 32) === HOT_ACCOUNT ? "erc20-hot" : "erc20";
  return tx.to === HOT_POOL ? "swaps-hot" : "swaps";
}

test("mixed: ERC-20 transfers, swaps and ETH transfers interleaved, round(ratio * n) of them on the hot recipient or the hot pool, all succeeding", () => {
  for (const [txs, hotRatio, seed] of [[500, undefined, 1], [301, 0.3, 4], [60, 0, 2], [40, 1, 3]] as const) {
    const g = generateBlock({ workload: "mixed", txs, hotRatio, seed });
    const ratio = hotRatio ?? 0.1;
    const what = `mixed, ${txs} txs, hot ${ratio}`;
    assert.equal(g.block.transactions.length, txs);
    assert.equal(g.hotRatio, ratio);
    assert.equal(g.hotTxs, Math.round(ratio * txs), what);
    assert.equal(g.hot.filter(Boolean).length, g.hotTxs, what);
    // Counts per variant, read from the transactions themselves.
    const counts: Partial<Record<TxVariant, number>> = {};
    for (let i = 0; i < txs; i++) {
      const variant = variantOfTx(g, i);
      assert.equal(variant, variantOf(g.txKinds[i]!, g.hot[i]!), `${what}: transaction ${i}`);
      counts[variant] = (counts[variant] ?? 0) + 1;
    }
    const expected = Object.fromEntries(Object.entries(mixedCounts(txs, ratio)).filter(([, n]) => n > 0));
    assert.deepEqual(counts, expected, what);
    assert.deepEqual(g.mix, expected, what);
    assert.equal((counts["erc20-hot"] ?? 0) + (counts["swaps-hot"] ?? 0), g.hotTxs, what);
    assert.ok(Math.abs((counts["erc20-hot"] ?? 0) - (counts["swaps-hot"] ?? 0)) <= 1, `${what}: the hot share is split between the recipient and the pool`);
    const result = executeAll(g);
    assert.equal(Number(result.gasUsed), mixGas(g), what);
    // Independent swaps each have their own pool, ETH transfers their own fresh recipient.
    const separate = g.block.transactions.filter((tx, i) => !g.hot[i] && tx.to !== TOKEN_ADDRESS).map((tx) => tx.to);
    assert.equal(new Set(separate).size, separate.length, what);
  }
  // With 0.1 of 500: 50 hot (25 + 25); of the other 450, 40% ERC-20 transfers, 30% swaps, the rest ETH transfers.
  assert.deepEqual(mixedCounts(500, 0.1), { raw: 135, erc20: 180, swaps: 135, "erc20-hot": 25, "swaps-hot": 25 });
  for (const n of [1, 2, 3, 7, 1000]) {
    const c = mixedCounts(n, 0.1);
    assert.equal(Object.values(c).reduce((a, b) => a + b, 0), n);
    for (const v of Object.values(c)) assert.ok(v >= 0);
  }
});

test("mixed: the kinds are interleaved at seeded random positions, the same for the same seed", () => {
  const a = generateBlock({ workload: "mixed", txs: 400, seed: 9 });
  const variants = a.block.transactions.map((_, i) => variantOfTx(a, i));
  // Runs of one variant stay short: far more changes of variant than a block sorted by kind has.
  let changes = 0;
  for (let i = 1; i < variants.length; i++) if (variants[i] !== variants[i - 1]) changes++;
  assert.ok(changes > 200, `${changes} changes of kind in 400 transactions`);
  for (const variant of ["raw", "erc20", "swaps", "erc20-hot", "swaps-hot"] as const) {
    const positions = variants.flatMap((v, i) => (v === variant ? [i] : []));
    assert.ok(positions[0]! < 100 && positions.at(-1)! >= 300, `${variant} spread over the block (${positions[0]}..${positions.at(-1)})`);
  }
  const b = generateBlock({ workload: "mixed", txs: 400, seed: 9 });
  assert.deepEqual(b.txKinds, a.txKinds);
  assert.deepEqual(b.block.header.stateRoot, a.block.header.stateRoot);
  const c = generateBlock({ workload: "mixed", txs: 400, seed: 10 });
  assert.notDeepEqual(c.txKinds, a.txKinds);
  assert.match(a.description, /ERC-20 transfers.*swaps.*ETH transfers.*hot ratio 0\.1/);
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
  for (const workload of ["erc20", "swaps-hot", "raw-transfers", "mixed"]) {
    const target = 3_000_000;
    const g = generateBlock({ workload, gas: target });
    const used = Number(g.block.header.gasUsed);
    const maxTx = Math.max(...Object.values(g.gasPerVariant));
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
