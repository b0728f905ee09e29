// The blockchain-test runner on a real test altered: a block the test expects rejected must be,
// for the expected reason, and must leave the chain as it was (the next block imports on it);
// every mismatch with the fixture fails the test naming it.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { runBlockchainTest, type BlockchainTestJson } from "../../src/blocktest/runner.js";
import { bytesToHex, hexToBytes } from "../../src/primitives/bytes.js";
import { decode, encode, type RlpItem } from "../../src/primitives/rlp.js";
import { fixturePath } from "../fixtures.js";

// Prague, two valid blocks, each with a withdrawal request (EIP-7002): requestsHash matters.
const FILE = fixturePath("eest/blockchain_tests/prague/eip7002_el_triggerable_withdrawals/test_eip_7002.json");

function loadTest(): BlockchainTestJson | undefined {
  if (!existsSync(FILE)) return undefined;
  return Object.values(JSON.parse(readFileSync(FILE, "utf8")) as Record<string, BlockchainTestJson>)[0];
}

/** The block's RLP with header field `index` replaced. */
function withHeaderField(rlpHex: string, index: number, value: Uint8Array): string {
  const parts = decode(hexToBytes(rlpHex)) as RlpItem[];
  const header = [...(parts[0] as RlpItem[])];
  header[index] = value;
  return bytesToHex(encode([header, ...parts.slice(1)]));
}

const STATE_ROOT = 3;
const GAS_LIMIT = 9;
const REQUESTS_HASH = 20;

function insertBefore(base: BlockchainTestJson, index: number, rlp: string, expectException?: string): BlockchainTestJson {
  const blocks = [...base.blocks];
  blocks.splice(index, 0, expectException === undefined ? { rlp } : { rlp, expectException });
  return { ...base, blocks };
}

test("the unaltered test passes", (t) => {
  const base = loadTest();
  if (base === undefined) return t.skip(`fixtures absent: ${FILE}`);
  const result = runBlockchainTest("base", base);
  assert.equal(result.error, undefined);
  assert.equal(result.ok, true);
  assert.equal(result.imported, 2);
});

test("a block rejected after execution leaves the state as it was: the real block imports after it", (t) => {
  const base = loadTest();
  if (base === undefined) return t.skip(`fixtures absent: ${FILE}`);
  // The first block's transaction (nonce 0) would not run twice if its execution had stayed.
  const bad = withHeaderField(base.blocks[0]!.rlp, REQUESTS_HASH, new Uint8Array(32).fill(0xee));
  const result = runBlockchainTest("bad requests", insertBefore(base, 0, bad, "BlockException.INVALID_REQUESTS"));
  assert.equal(result.error, undefined);
  assert.equal(result.imported, 2);
  assert.equal(result.rejections.length, 1);
  assert.equal(result.rejections[0]!.stage, "result");
  assert.match(result.rejections[0]!.reason, /^requestsHash 0x[0-9a-f]{64} \(1 request types\), header 0xeeee/);
});

test("a header rejected against its parent: the stage and the reason", (t) => {
  const base = loadTest();
  if (base === undefined) return t.skip(`fixtures absent: ${FILE}`);
  const bad = withHeaderField(base.blocks[0]!.rlp, GAS_LIMIT, hexToBytes("0x0aba9500"));
  const result = runBlockchainTest("bad gas limit", insertBefore(base, 0, bad, "BlockException.INVALID_GASLIMIT"));
  assert.equal(result.error, undefined);
  assert.equal(result.rejections[0]!.stage, "header");
  assert.match(result.rejections[0]!.reason, /gasLimit 180000000 outside the bounds the parent's 120000000 allows/);
});

test("a rejection for another reason than the expected one fails the test", (t) => {
  const base = loadTest();
  if (base === undefined) return t.skip(`fixtures absent: ${FILE}`);
  const bad = withHeaderField(base.blocks[1]!.rlp, REQUESTS_HASH, new Uint8Array(32).fill(0xee));
  const result = runBlockchainTest("wrong reason", insertBefore(base, 1, bad, "BlockException.INCORRECT_EXCESS_BLOB_GAS"));
  assert.equal(result.ok, false);
  assert.match(result.error!, /^blocks\[1\] was rejected at result \(requestsHash .*\), but the test expects BlockException.INCORRECT_EXCESS_BLOB_GAS: another reason/);
  // Alternatives: any one that fits will do.
  const either = runBlockchainTest("alternatives", insertBefore(base, 1, bad, "BlockException.INCORRECT_EXCESS_BLOB_GAS|BlockException.INVALID_REQUESTS"));
  assert.equal(either.error, undefined);
});

test("a valid block the test expects rejected, and an invalid one it expects valid, fail the test", (t) => {
  const base = loadTest();
  if (base === undefined) return t.skip(`fixtures absent: ${FILE}`);
  const accepted = runBlockchainTest("accepted", { ...base, blocks: [{ ...base.blocks[0]!, expectException: "BlockException.INVALID_REQUESTS" }] });
  assert.equal(accepted.ok, false);
  assert.match(accepted.error!, /^blocks\[0\] \(number 1\) was accepted, but the test expects it rejected: BlockException.INVALID_REQUESTS/);

  const badRoot = withHeaderField(base.blocks[1]!.rlp, STATE_ROOT, new Uint8Array(32).fill(0x11));
  const rejected = runBlockchainTest("bad root", { ...base, blocks: [base.blocks[0]!, { rlp: badRoot }] });
  assert.equal(rejected.ok, false);
  assert.match(rejected.error!, /^blocks\[1\] rejected at result: stateRoot 0x[0-9a-f]{64}, header 0x1111/);
});

test("the last block hash and the post-state are checked", (t) => {
  const base = loadTest();
  if (base === undefined) return t.skip(`fixtures absent: ${FILE}`);
  const wrongHead = runBlockchainTest("head", { ...base, lastblockhash: `0x${"00".repeat(32)}` });
  assert.match(wrongHead.error!, /^last block hash 0x[0-9a-f]{64}, lastblockhash says 0x0000/);

  const [address, account] = Object.entries(base.postState!)[0]!;
  const postState = { ...base.postState!, [address]: { ...account, nonce: "0x63" } };
  const wrongPost = runBlockchainTest("post", { ...base, postState });
  assert.match(wrongPost.error!, new RegExp(`^post-state root 0x[0-9a-f]{64}, postState's 0x[0-9a-f]{64}: ${address} nonce \\d+, expected 99`));

  const { postState: _, ...rest } = base;
  const byHash = runBlockchainTest("hash", { ...rest, postStateHash: `0x${"00".repeat(32)}` });
  assert.match(byHash.error!, /^post-state root 0x[0-9a-f]{64}, postStateHash says 0x0000/);
});

test("the genesis must hash to genesisBlockHeader.hash and hold the pre-state's root", (t) => {
  const base = loadTest();
  if (base === undefined) return t.skip(`fixtures absent: ${FILE}`);
  const wrongHash = runBlockchainTest("genesis", { ...base, genesisBlockHeader: { hash: `0x${"00".repeat(32)}` } });
  assert.match(wrongHash.error!, /^genesis hash 0x[0-9a-f]{64}, genesisBlockHeader.hash says 0x0000/);
  const [address, account] = Object.entries(base.pre)[0]!;
  const wrongPre = runBlockchainTest("pre", { ...base, pre: { ...base.pre, [address]: { ...account, balance: "0x01" } } });
  assert.match(wrongPre.error!, /^pre-state root 0x[0-9a-f]{64}, the genesis stateRoot is 0x[0-9a-f]{64}/);
  const unknown = runBlockchainTest("network", { ...base, network: "Amsterdam" });
  assert.match(unknown.error!, /unknown fork Amsterdam/);
});
