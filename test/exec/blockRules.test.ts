// Block-level rules outside transactions: rewards, withdrawals, the DAO fork, the EIP-4788 call,
// and Prague's EIP-2935 call and EIP-7685 requests.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Block, BlockHeader } from "../../src/block/block.js";
import { DAO_ACCOUNTS, DAO_REFUND_CONTRACT } from "../../src/block/dao.js";
import { createHash } from "node:crypto";
import { CONSOLIDATION_REQUEST_ADDRESS, depositData, HISTORY_STORAGE_ADDRESS, WITHDRAWAL_REQUEST_ADDRESS } from "../../src/exec/blockRules.js";
import { BlockExecutionError, executeBlock } from "../../src/exec/sequential.js";
import { fromBytes, type Word } from "../../src/primitives/word.js";
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
    difficulty: 1n, mixHash: 0, stateRoot: new Uint8Array(32), receiptsRoot: new Uint8Array(32), transactionsRoot: null, logsBloom: new Uint8Array(256),
    baseFeePerGas: null, withdrawalsRoot: null, blobGasUsed: null, excessBlobGas: null, parentBeaconBlockRoot: null, requestsHash: null, ...extra,
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

// --- Prague: EIP-2935 and EIP-7685 requests, on hand-written system contracts ---

const PRAGUE_TIME = 1_750_000_000n;
const PARENT_HASH = new Uint8Array(32).fill(0xab);
// CALLDATALOAD(0), SSTORE at slot 0: the contract keeps what the system call gave it.
const STORE_CALLDATA = Uint8Array.from([0x60, 0x00, 0x35, 0x60, 0x00, 0x55, 0x00]);
// MSTORE 0x2a at 0, RETURN 32 bytes.
const RETURN_WORD = Uint8Array.from([0x60, 0x2a, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3]);
const STOP = Uint8Array.from([0x00]);
const REVERT = Uint8Array.from([0x60, 0x00, 0x60, 0x00, 0xfd]);

function withCode(state: MemoryState, address: Word, code: Uint8Array): MemoryState {
  const codeHash = keccak256Word(code);
  state.codes.set(codeHash, code);
  state.putAccount(address, 1n, 0n, codeHash, new Map());
  return state;
}

function pragueBlock(): Block {
  const h = header(22_500_000n, PRAGUE_TIME, { baseFeePerGas: 1n, withdrawalsRoot: new Uint8Array(32), blobGasUsed: 0n, excessBlobGas: 0n, parentHash: PARENT_HASH, requestsHash: new Uint8Array(32) });
  return { header: h, transactions: [], withdrawals: [], ommers: [] };
}

function sha256(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash("sha256");
  for (const p of parts) hash.update(p);
  return new Uint8Array(hash.digest());
}

test("EIP-2935: from Prague the history contract is called with the parent hash; before, not", () => {
  const pre = withCode(withCode(withCode(new MemoryState(), HISTORY_STORAGE_ADDRESS, STORE_CALLDATA), WITHDRAWAL_REQUEST_ADDRESS, STOP), CONSOLIDATION_REQUEST_ADDRESS, STOP);
  const { world, result } = run(pragueBlock(), pre);
  assert.equal(result.rules.name, "Prague");
  assert.equal(world.getStorage(HISTORY_STORAGE_ADDRESS, 0), fromBytes(PARENT_HASH, 0, 32));
  const cancun = run({ ...pragueBlock(), header: { ...pragueBlock().header, timestamp: 1_720_000_000n, requestsHash: null } }, pre);
  assert.equal(cancun.result.rules.name, "Cancun");
  assert.equal(cancun.world.getStorage(HISTORY_STORAGE_ADDRESS, 0), 0);
  assert.equal(cancun.result.requests, null);
});

test("EIP-7685: the request contracts' outputs become typed requests, empty ones are left out, and the hash is sha256 of the sha256s", () => {
  const pre = withCode(withCode(new MemoryState(), WITHDRAWAL_REQUEST_ADDRESS, RETURN_WORD), CONSOLIDATION_REQUEST_ADDRESS, STOP);
  const { result } = run(pragueBlock(), pre);
  const word = new Uint8Array(32);
  word[31] = 0x2a;
  const withdrawalRequest = Uint8Array.from([0x01, ...word]);
  assert.deepEqual(result.requests, [withdrawalRequest]);
  assert.deepEqual(result.requestsHash, sha256(sha256(withdrawalRequest)));
  const none = run(pragueBlock(), withCode(withCode(new MemoryState(), WITHDRAWAL_REQUEST_ADDRESS, STOP), CONSOLIDATION_REQUEST_ADDRESS, STOP));
  assert.deepEqual(none.result.requests, []);
  assert.deepEqual(none.result.requestsHash, sha256());
});

test("EIP-7002/7251: a request contract without code leaves the requests unknown (a warning) on a partial pre-state, and makes the block invalid on a complete one; a failing one always does", () => {
  const partial = run(pragueBlock(), withCode(new MemoryState(), CONSOLIDATION_REQUEST_ADDRESS, STOP));
  assert.equal(partial.result.requests, null);
  assert.equal(partial.result.requestsHash, null);
  assert.match(partial.result.warnings.join("\n"), /no code for the request system contract 0x00000961ef480eb55e80d19ad83579a64c007002/);
  assert.throws(
    () => executeBlock(pragueBlock(), withCode(new MemoryState(), CONSOLIDATION_REQUEST_ADDRESS, STOP), { blockHashes: new Map(), completeState: true }),
    (e: Error) => e instanceof BlockExecutionError && /0x00000961ef480eb55e80d19ad83579a64c007002 has no code/.test(e.message),
  );
  const failing = withCode(withCode(new MemoryState(), WITHDRAWAL_REQUEST_ADDRESS, STOP), CONSOLIDATION_REQUEST_ADDRESS, REVERT);
  assert.throws(() => run(pragueBlock(), failing), (e: Error) => e instanceof BlockExecutionError && /0x0000bbddc7ce488642fb579f8b00f3a590007251 failed/.test(e.message));
});

test("EIP-6110: a deposit event's data gives pubkey, credentials, amount, signature and index; any other layout is named", () => {
  const data = new Uint8Array(576);
  const fields = [[160, 48], [256, 32], [320, 8], [384, 96], [512, 8]] as const;
  fields.forEach(([offset, size], i) => {
    data[32 * i + 31] = offset & 0xff;
    data[32 * i + 30] = offset >> 8;
    data[offset + 31] = size;
    for (let b = 0; b < size; b++) data[offset + 32 + b] = (i + 1) * 16 + (b % 16);
  });
  const request = depositData(data);
  assert.ok(request instanceof Uint8Array);
  assert.equal(request.length, 192);
  assert.deepEqual([request[0], request[48], request[80], request[88], request[184]], [0x10, 0x20, 0x30, 0x40, 0x50]);
  assert.match(depositData(data.subarray(0, 575)) as string, /575 bytes, expected 576/);
  const badOffset = data.slice();
  badOffset[31] = 0xa1;
  assert.match(depositData(badOffset) as string, /pubkey offset is not 160/);
  const badSize = data.slice();
  badSize[320 + 31] = 9;
  assert.match(depositData(badSize) as string, /amount size is not 8/);
});
