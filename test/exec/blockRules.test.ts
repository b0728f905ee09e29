// Block-level rules outside transactions: rewards, withdrawals, the DAO fork, the EIP-4788 call.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Block, BlockHeader } from "../../src/block/block.js";
import { DAO_ACCOUNTS, DAO_REFUND_CONTRACT } from "../../src/block/dao.js";
import { executeBlock } from "../../src/exec/sequential.js";
import { keccak256Word } from "../../src/primitives/hash.js";
import { MemoryState } from "../../src/state/memory.js";
import { KECCAK_EMPTY_WORD } from "../../src/state/reader.js";
import { postStateDiff } from "../../src/state/diff.js";
import { wordFromHex } from "../../src/primitives/word.js";

const ETHER = 10n ** 18n;
const MINER = 0xaaaa;
const UNCLE_MINER = 0xbbbb;

function header(number: bigint, timestamp: bigint, extra: Partial<BlockHeader> = {}): BlockHeader {
  return {
    number, timestamp, hash: null, parentHash: new Uint8Array(32), coinbase: MINER, gasLimit: 30_000_000n, gasUsed: 0n,
    difficulty: 1n, mixHash: 0, stateRoot: new Uint8Array(32), receiptsRoot: new Uint8Array(32), logsBloom: new Uint8Array(256),
    baseFeePerGas: null, withdrawalsRoot: null, blobGasUsed: null, excessBlobGas: null, parentBeaconBlockRoot: null, ...extra,
  };
}

function run(block: Block, pre = new MemoryState()) {
  const result = executeBlock(block, pre, { blockHashes: new Map() });
  return { result, world: result.world, diff: postStateDiff(result.world, pre) };
}

test("Byzantium rewards: 3 ETH plus 1/32 per uncle to the miner, (8 + Hu - H)/8 of 3 ETH to the uncle's miner", () => {
  const number = 5_000_000n;
  const { world, result } = run({ header: header(number, 0n), transactions: [], withdrawals: null, ommers: [{ hash: new Uint8Array(32), number: number - 2n, coinbase: UNCLE_MINER }] });
  assert.equal(world.getBalance(MINER), 3n * ETHER + (3n * ETHER) / 32n);
  assert.equal(world.getBalance(UNCLE_MINER), (6n * 3n * ETHER) / 8n);
  assert.deepEqual(result.warnings, []);
});

test("an uncle given by hash only gets no reward, and the run says so", () => {
  const { world, result } = run({ header: header(5_000_000n, 0n), transactions: [], withdrawals: null, ommers: [{ hash: new Uint8Array(32) }] });
  assert.equal(world.getBalance(MINER), 3n * ETHER + (3n * ETHER) / 32n);
  assert.match(result.warnings.join(), /1 uncle reward\(s\) not applied/);
});

test("Frontier pays 5 ETH; after the Merge nothing", () => {
  assert.equal(run({ header: header(100n, 0n), transactions: [], withdrawals: null, ommers: [] }).world.getBalance(MINER), 5n * ETHER);
  const merged = run({ header: header(15_600_000n, 1_670_000_000n, { baseFeePerGas: 1n }), transactions: [], withdrawals: null, ommers: [] });
  assert.equal(merged.diff.length, 0);
});

test("Shanghai withdrawals credit Gwei amounts; a zero withdrawal to a missing account creates nothing", () => {
  const shanghai = header(17_100_000n, 1_690_000_000n, { baseFeePerGas: 1n, withdrawalsRoot: new Uint8Array(32) });
  const { world, diff } = run({
    header: shanghai,
    transactions: [],
    ommers: [],
    withdrawals: [
      { index: 0n, validatorIndex: 1n, address: 0x1234, amount: 5n },
      { index: 1n, validatorIndex: 2n, address: 0x5678, amount: 0n },
    ],
  });
  assert.equal(world.getBalance(0x1234), 5n * 10n ** 9n);
  assert.equal(world.exists(0x5678), false);
  assert.deepEqual(diff.map((d) => d.address), [0x1234]);
});

test("the DAO fork block moves every DAO account's balance to the refund contract", () => {
  const pre = new MemoryState();
  const first = wordFromHex(DAO_ACCOUNTS[0]!);
  const last = wordFromHex(DAO_ACCOUNTS[DAO_ACCOUNTS.length - 1]!);
  pre.putAccount(first, 0n, 100n, KECCAK_EMPTY_WORD);
  pre.putAccount(last, 0n, 23n, KECCAK_EMPTY_WORD);
  assert.equal(DAO_ACCOUNTS.length, 116);
  const { world } = run({ header: header(1_920_000n, 0n), transactions: [], withdrawals: null, ommers: [] }, pre);
  assert.equal(world.getBalance(first), 0n);
  assert.equal(world.getBalance(last), 0n);
  assert.equal(world.getBalance(wordFromHex(DAO_REFUND_CONTRACT)), 123n);
});

test("Cancun: the system address calls the beacon-roots contract with the parent beacon root (EIP-4788)", () => {
  const beaconRoots = wordFromHex("0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02");
  // Stores CALLDATALOAD(0) at slot TIMESTAMP and CALLER at slot 0.
  const code = Uint8Array.from([0x60, 0x00, 0x35, 0x42, 0x55, 0x33, 0x60, 0x00, 0x55, 0x00]);
  const pre = new MemoryState();
  const codeHash = keccak256Word(code);
  pre.codes.set(codeHash, code);
  pre.putAccount(beaconRoots, 1n, 0n, codeHash);
  const root = new Uint8Array(32).fill(0x5a);
  const timestamp = 1_710_400_000n;
  const cancun = header(19_500_000n, timestamp, { baseFeePerGas: 1n, withdrawalsRoot: new Uint8Array(32), excessBlobGas: 0n, blobGasUsed: 0n, parentBeaconBlockRoot: root });
  const { world, result } = run({ header: cancun, transactions: [], withdrawals: [], ommers: [] }, pre);
  assert.equal(world.getStorage(beaconRoots, Number(timestamp)), wordFromHex("0x" + "5a".repeat(32)));
  assert.equal(world.getStorage(beaconRoots, 0), wordFromHex("0xfffffffffffffffffffffffffffffffffffffffe"));
  assert.equal(world.exists(wordFromHex("0xfffffffffffffffffffffffffffffffffffffffe")), false, "the system address is not left behind");
  assert.equal(result.gasUsed, 0n, "the system call uses no block gas");
});
