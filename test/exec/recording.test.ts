// The recording executor must give exactly the sequential executor's result (receipts, outcomes,
// gas, bloom, receipts root, post-state diff) while it records: on every mainnet fixture block and
// on generated blocks with conflicts, self-destructs and creations.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { loadBlockInput } from "../../src/block/load.js";
import { executeBlock, type BlockResult } from "../../src/exec/sequential.js";
import { executeBlockRecorded } from "../../src/exec/recording.js";
import type { StateReader } from "../../src/state/reader.js";
import { fixtureBlockNames, fixturePath } from "../fixtures.js";
import { observable } from "../helpers/observable.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { BlockHeader } from "../../src/block/block.js";
import { keccak256Word } from "../../src/primitives/hash.js";
import { fromBytes, type Word } from "../../src/primitives/word.js";
import { Field } from "../../src/records/record.js";
import { MemoryState } from "../../src/state/memory.js";
import { KECCAK_EMPTY_WORD } from "../../src/state/reader.js";
import { TxType, type Transaction } from "../../src/tx/types.js";

/** A small address as its 20 bytes. */
function toBytes20(address: number): Uint8Array {
  const out = new Uint8Array(20);
  for (let i = 19, v = address; i >= 0 && v > 0; i--, v = Math.floor(v / 256)) out[i] = v % 256;
  return out;
}

/** What must be equal, the epilogue's warnings included. */
function observableWithWarnings(result: BlockResult, pre: StateReader) {
  return { ...observable(result, pre), warnings: result.warnings };
}

const BLOCKS_DIR = fixturePath("mainnet/blocks");
const blocks = fixtureBlockNames(BLOCKS_DIR, "recording executor on mainnet blocks");
if (blocks !== null) {
  const cache = new Map<string, unknown>();
  test("the mainnet fixture set has its 52 blocks", () => assert.equal(blocks.length, 52));
  for (const name of blocks) {
    test(`mainnet block ${name}: recorded execution equals sequential`, () => {
      const input = loadBlockInput(join(BLOCKS_DIR, name), { cache });
      const expected = observableWithWarnings(executeBlock(input.block, input.preState, { blockHashes: input.blockHashes }), input.preState);
      const recorded = executeBlockRecorded(input.block, input.preState, { blockHashes: input.blockHashes });
      assert.deepEqual(observableWithWarnings(recorded, input.preState), expected);
      assert.equal(recorded.record.transactions.length, input.block.transactions.length);
    });
  }
}

// Before Cancun a SELFDESTRUCT destroys a contract's storage; a contract re-created at the address
// (CREATE2) reads every slot as 0. The recorder takes such a read as resolved by the destruction,
// not by the pre-state nor by a write made before it.
test("a slot of a contract destroyed and re-created in the block reads as written by the destruction", () => {
  const bytes = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s/g, ""), "hex"));
  // First calldata byte 1: SELFDESTRUCT to the caller; 2: slot 0 = 7; else slot 1 = slot 0.
  const runtime = bytes("5f35 60f8 1c 80 6001 14 6018 57 6002 14 601b 57 5f54 6001 55 00 5b 33 ff 5b 6007 5f 55 00");
  // CODECOPY(0, 10, 33), RETURN(0, 33): deploys the runtime that follows.
  const init = new Uint8Array([...bytes("6021 600a 5f 39 6021 5f f3"), ...runtime]);
  // CODECOPY(0, 13, 43), CREATE2(0, 0, 43, salt 0): the init code that follows.
  const factoryCode = new Uint8Array([...bytes("602b 600d 5f 39 5f 602b 5f 5f f5 00"), ...init]);
  const factory = 0xfafa;
  const address = fromBytes(keccak_256(new Uint8Array([0xff, ...toBytes20(factory), ...new Uint8Array(32), ...keccak_256(init)])), 12, 20);
  const sender = 0x5e0001;
  const coinbase = 0xcb;
  const pre = new MemoryState();
  pre.putAccount(sender, 0n, 10n ** 21n, KECCAK_EMPTY_WORD);
  pre.putAccount(coinbase, 0n, 0n, KECCAK_EMPTY_WORD);
  for (const [at, code, storage] of [[factory, factoryCode, new Map<Word, Word>()], [address, runtime, new Map<Word, Word>([[0, 5]])]] as const) {
    const hash = keccak256Word(code);
    pre.codes.set(hash, code);
    pre.putAccount(at, 1n, 0n, hash, storage);
  }
  const call = (nonce: bigint, to: Word, data: number[]): Transaction => ({
    type: TxType.FeeMarket, chainId: 1n, nonce, maxFeePerGas: 10n, maxPriorityFeePerGas: 1n, gasLimit: 200_000n, to, value: 0n, data: Uint8Array.from(data),
    accessList: [], maxFeePerBlobGas: 0n, blobVersionedHashes: [], authorizationList: [], v: 0n, r: 0n, s: 0n, sender,
  });
  const transactions = [call(0n, address, [2]), call(1n, address, [1]), call(2n, factory, []), call(3n, address, [0])];
  const header: BlockHeader = {
    number: 17_500_000n, timestamp: 1_690_000_000n, hash: null, parentHash: new Uint8Array(32), coinbase, gasLimit: 30_000_000n,
    gasUsed: 0n, difficulty: 0n, mixHash: 0, stateRoot: new Uint8Array(32), receiptsRoot: new Uint8Array(32), transactionsRoot: null, logsBloom: new Uint8Array(256),
    baseFeePerGas: 7n, withdrawalsRoot: new Uint8Array(32), blobGasUsed: null, excessBlobGas: null, parentBeaconBlockRoot: null, requestsHash: null,
  };
  const block = { header, transactions, withdrawals: [], ommers: [] };
  const { record, receipts } = executeBlockRecorded(block, pre, { blockHashes: new Map() });
  assert.deepEqual(receipts.map((r) => r.status), [1, 1, 1, 1], "every call succeeds");
  const slotRead = (tx: number, slot: Word) => record.transactions[tx]!.reads.find((r) => r.location.field === Field.Storage && r.location.address === address && r.location.slot === slot);
  // tx0 wrote slot 0 (7); tx1 destroyed the contract; tx2 re-created it; tx3 reads slot 0 (now 0).
  assert.ok(record.transactions[0]!.writes.some((w) => w.location.field === Field.Storage && w.location.slot === 0 && w.value === 7), "tx0 writes slot 0");
  assert.equal(slotRead(3, 0)?.version, 1, "tx3's read of slot 0 resolves to the destruction (tx1)");
  // Slot 1 = slot 0 (0) is no change from the re-created contract's empty storage: nothing written.
  assert.ok(!record.transactions[3]!.writes.some((w) => w.location.field === Field.Storage), "tx3 writes no slot");
});
