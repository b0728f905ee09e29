// Block access lists of the 52 mainnet fixture blocks, from their execution records, checked
// against @ethereumjs/util's BlockLevelAccessList (10.1.3) fed the same record through its own
// recording API (addAddress, addStorageRead, addStorageWrite, addBalanceChange + net-zero
// cleanup, addNonceChange, addCodeChange, each with the value before the index as the original,
// taken from the pre-state and the record): same RLP bytes and hash. Also: the list reads back
// from its RLP, passes validateBal with the block's limits, gives the record's transaction
// writes back (transactionWritesFromBal), and holds what EIP-7928 requires of the coinbase, the
// system address, the EIP-4788 slots and the withdrawal recipients.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { BlockLevelAccessList } from "@ethereumjs/util";
import { loadBlockInput } from "../../src/block/load.js";
import type { Word } from "../../src/primitives/word.js";
import { executeBlockRecorded } from "../../src/exec/recording.js";
import { bytesToBigint, bytesToHex } from "../../src/primitives/bytes.js";
import { KECCAK_EMPTY_WORD, type StateReader } from "../../src/state/reader.js";
import { balHash, decodeBal, encodeBal, validateBal, type BlockAccessList } from "../../src/records/bal.js";
import { blockAccessList, diffBal, transactionWritesFromBal } from "../../src/records/balFromRecord.js";
import { Field, PRE_STATE, type BlockRecord, type Location, type Read, type Write } from "../../src/records/record.js";
import { fixtureBlockNames, fixturePath } from "../fixtures.js";

const BLOCKS_DIR = fixturePath("mainnet/blocks");
const BLOCKS = 52;
const SYSTEM_ADDRESS = 0xfffffffffffffffffffffffffffffffffffffffen;
const BEACON_ROOTS = 0x000f3df6d732807ef1319fb7b8bb8522d0beac02n;
const HISTORY_BUFFER_LENGTH = 8191n;
/**
 * Blocks whose list exceeds EIP-7928's item bound (gasLimit / 2000): the bound assumes today's
 * cold-access prices (2100-2600 gas an item). 2462997 is the 2016 denial-of-service attack, whose
 * 20-gas EXTCODESIZE calls (before EIP-150 repriced them) reach 1942 items with a 499,999 gas limit.
 */
const OVER_ITEM_BOUND = new Set(["2462997"]);

const hexAddress = (a: Word): `0x${string}` => `0x${BigInt(a).toString(16).padStart(40, "0")}`;
const word32 = (n: Word): Uint8Array => {
  const out = new Uint8Array(32);
  let v = BigInt(n);
  for (let i = 31; i >= 0 && v > 0n; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
};
const key = (address: Word, slot: Word): string => `${BigInt(address)}/${BigInt(slot)}`;

/**
 * The record fed to ethereumjs's recording API, index by index, with the EIP inclusion rules
 * balFromRecord applies (the coinbase accessed by every transaction's fee accounting, the system
 * address's balance check in our system call not an access). Returns the list, and the record's
 * transaction writes less those that change nothing (a balance written back to its value before
 * the index: the deletion of an empty account), which are what the list seeds.
 */
function feedEthereumjs(record: BlockRecord, pre: StateReader): { list: BlockLevelAccessList; seeded: Write[][] } {
  const list = new BlockLevelAccessList();
  const balances = new Map<bigint, bigint>();
  const codes = new Map<bigint, Uint8Array>();
  const storage = new Map<string, bigint>();
  const txStorage: Map<string, Word>[] = [];
  const balanceBefore = (a: Word): bigint => balances.get(BigInt(a)) ?? pre.readAccount(a)?.balance ?? 0n;
  const codeBefore = (a: Word): Uint8Array => {
    const known = codes.get(BigInt(a));
    if (known !== undefined) return known;
    const info = pre.readAccount(a);
    return info === null || info.codeHash === KECCAK_EMPTY_WORD ? new Uint8Array(0) : pre.readCode(info.codeHash);
  };
  const codeBytes = (hash: Word): Uint8Array => (hash === KECCAK_EMPTY_WORD ? new Uint8Array(0) : record.codes.get(hash)!);

  /** A slot's value before the index: from the version the transaction's read saw (a cleared account reads 0). */
  const storageBefore = (w: Write, reads: readonly Read[] | null): bigint => {
    const { address, slot } = w.location;
    const latest = (): bigint => storage.get(key(address, slot)) ?? BigInt(pre.readStorage(address, slot));
    if (reads === null) return latest();
    const r = reads.find((r) => r.location.field === Field.Storage && r.location.address === address && r.location.slot === slot);
    if (r === undefined) return 0n; // a slot of an account created in the transaction: 0, never read from the state
    if (r.version === PRE_STATE) return latest();
    return BigInt(txStorage[r.version]!.get(key(address, slot)) ?? 0);
  };

  const phase = (index: number, reads: readonly Location[], txReads: readonly Read[] | null, writes: readonly Write[], system: boolean): Write[] => {
    list.blockAccessIndex = index;
    for (const loc of reads) {
      if (system && BigInt(loc.address) === SYSTEM_ADDRESS) continue;
      if (loc.field === Field.Storage) list.addStorageRead(hexAddress(loc.address), word32(loc.slot));
      else list.addAddress(hexAddress(loc.address));
    }
    if (!system) list.addAddress(hexAddress(record.block.coinbase));
    const seeded: Write[] = [];
    for (const w of writes) {
      const a = hexAddress(w.location.address);
      switch (w.location.field) {
        case Field.Balance: {
          const before = balanceBefore(w.location.address);
          list.addBalanceChange(a, BigInt(w.value), index, before);
          if (before !== BigInt(w.value)) seeded.push(w);
          break;
        }
        case Field.Nonce:
          list.addNonceChange(a, BigInt(w.value), index);
          seeded.push(w);
          break;
        case Field.Code:
          list.addCodeChange(a, codeBytes(w.value), index, codeBefore(w.location.address));
          seeded.push(w);
          break;
        case Field.Storage:
          list.addStorageWrite(a, word32(w.location.slot), word32(w.value), index, word32(storageBefore(w, txReads)));
          seeded.push(w);
          break;
      }
    }
    list.cleanupNetZeroBalanceChanges();
    const written = new Map<string, Word>();
    for (const w of writes) {
      const address = BigInt(w.location.address);
      if (w.location.field === Field.Balance) balances.set(address, BigInt(w.value));
      else if (w.location.field === Field.Code) codes.set(address, codeBytes(w.value));
      else if (w.location.field === Field.Storage) {
        storage.set(key(address, w.location.slot), BigInt(w.value));
        written.set(key(address, w.location.slot), w.value);
      }
    }
    txStorage.push(written); // txStorage[k] is transaction k's (phase 0 is pushed first and popped below)
    return seeded;
  };

  phase(0, record.pre.reads, null, record.pre.writes, true);
  txStorage.pop();
  const seeded = record.transactions.map((tx) => phase(tx.index + 1, tx.reads.map((r) => r.location), tx.reads, tx.writes, false));
  phase(record.block.txCount + 1, record.post.reads, null, record.post.writes, true);
  return { list, seeded };
}

/** A write as a comparable string, credit markers dropped. */
function writeKey(w: Write): string {
  return `${typeof w.location.address}:${w.location.address}/${w.location.field}/${typeof w.location.slot}:${w.location.slot}=${typeof w.value}:${w.value}`;
}

function account(bal: BlockAccessList, address: bigint) {
  return bal.find((a) => a.address === address);
}

const blocks = fixtureBlockNames(BLOCKS_DIR, "mainnet blocks: block access lists against ethereumjs");
if (blocks !== null) {
  const cache = new Map<string, unknown>();
  let ran = 0;
  let cancun = 0;
  let beaconMissing = 0;
  let withdrawalBlocks = 0;

  for (const name of blocks) {
    test(`mainnet block ${name}: block access list equals ethereumjs's, reads back, validates, seeds the record's writes`, () => {
      const input = loadBlockInput(join(BLOCKS_DIR, name), { cache });
      const { block, preState } = input;
      const { record } = executeBlockRecorded(block, preState, { blockHashes: input.blockHashes });
      const n = block.transactions.length;
      const bal = blockAccessList(record, { pre: preState });

      const { list, seeded } = feedEthereumjs(record, preState);
      const theirs = list.serialize();
      const ours = encodeBal(bal);
      if (bytesToHex(theirs) !== bytesToHex(ours)) assert.fail(`block ${name}: RLP differs from ethereumjs's: ${diffBal(decodeBal(theirs), bal)}`);
      assert.equal(bytesToHex(list.hash()), bytesToHex(balHash(bal)), `block ${name}: hash`);

      assert.deepEqual(decodeBal(ours), bal, `block ${name}: decodeBal(encodeBal(bal))`);
      validateBal(bal, { transactionCount: n });
      if (OVER_ITEM_BOUND.has(name)) {
        assert.throws(() => validateBal(bal, { transactionCount: n, gasLimit: block.header.gasLimit }), /exceed the bound/, `block ${name}: over the item bound`);
      } else validateBal(bal, { transactionCount: n, gasLimit: block.header.gasLimit });

      const { writes, codes } = transactionWritesFromBal(bal, n);
      for (let i = 0; i < n; i++) assert.deepEqual(writes[i]!.map(writeKey).sort(), seeded[i]!.map(writeKey).sort(), `block ${name}: transaction ${i}'s writes`);
      for (const [hash, code] of codes) assert.equal(bytesToHex(code), bytesToHex(record.codes.get(hash)!), `block ${name}: code ${hash}`);

      // EIP-7928 inclusion rules, checked against the block itself.
      const coinbase = BigInt(block.header.coinbase);
      const recipients = new Set((block.withdrawals ?? []).map((w) => BigInt(w.address)));
      if (n > 0) assert.ok(account(bal, coinbase), `block ${name}: the coinbase is listed`);
      else if (block.header.number >= 15537394n) assert.equal(account(bal, coinbase) !== undefined, recipients.has(coinbase), `block ${name}: empty block lists the coinbase only as a recipient`);
      for (const w of block.withdrawals ?? []) {
        const entry = account(bal, BigInt(w.address));
        assert.ok(entry, `block ${name}: withdrawal recipient ${hexAddress(w.address)} listed`);
        if (w.amount > 0n) assert.ok(entry.balanceChanges.some((c) => c.index === n + 1), `block ${name}: withdrawal recipient ${hexAddress(w.address)} has a balance change at ${n + 1}`);
      }
      if (recipients.size > 0) withdrawalBlocks++;
      const txReadsSystem = record.transactions.some((tx) => tx.reads.some((r) => BigInt(r.location.address) === SYSTEM_ADDRESS));
      if (!txReadsSystem) assert.equal(account(bal, SYSTEM_ADDRESS), undefined, `block ${name}: the system address is not listed`);
      const root = block.header.parentBeaconBlockRoot;
      if (root !== null) {
        cancun++;
        const beacon = account(bal, BEACON_ROOTS);
        assert.ok(beacon, `block ${name}: the beacon-roots contract is listed`);
        if (preState.readAccount(BEACON_ROOTS) === null) {
          // The fixture's pre-state (the accounts the block's transactions touch) lacks the
          // contract: the system call runs no code and changes nothing, but accesses it.
          assert.deepEqual(beacon, { address: BEACON_ROOTS, storageChanges: [], storageReads: [], balanceChanges: [], nonceChanges: [], codeChanges: [] });
          beaconMissing++;
          return void ran++;
        }
        const slot = block.header.timestamp % HISTORY_BUFFER_LENGTH;
        const at0 = beacon.storageChanges.filter((sc) => sc.changes.some((c) => c.index === 0));
        assert.deepEqual(
          at0.map((sc) => ({ slot: sc.slot, value: sc.changes.find((c) => c.index === 0)!.value })),
          [
            { slot, value: block.header.timestamp },
            { slot: slot + HISTORY_BUFFER_LENGTH, value: bytesToBigint(root) },
          ].sort((a, b) => (a.slot < b.slot ? -1 : 1)),
          `block ${name}: the two EIP-4788 slots change at index 0`,
        );
      }
      ran++;
    });
  }

  test("the mainnet run covered every block", (t) => {
    assert.equal(blocks.length, BLOCKS);
    assert.equal(ran, BLOCKS);
    assert.equal(cancun, 8, "Cancun blocks checked");
    assert.equal(withdrawalBlocks, 12, "blocks with withdrawals checked");
    if (beaconMissing > 0) t.diagnostic(`${beaconMissing} of ${cancun} Cancun pre-states lack the EIP-4788 contract: its two slots are checked in the unit tests only`);
  });
}
