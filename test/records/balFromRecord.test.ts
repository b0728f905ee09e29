// Block access lists from hand-built execution records, with the answers worked out by hand; the
// first-difference report of diffBal on each kind of difference; and the list's per-transaction
// changes as record writes (transactionWritesFromBal), round-tripped from a record.
import assert from "node:assert/strict";
import { test } from "node:test";
import { fromBytes, type Word } from "../../src/primitives/word.js";
import { keccak256 } from "../../src/primitives/hash.js";
import { KECCAK_EMPTY_WORD } from "../../src/state/reader.js";
import { BalFormatError, type AccountChanges, type BlockAccessList } from "../../src/records/bal.js";
import { balIndexChanges, blockAccessList, diffBal, transactionWritesFromBal } from "../../src/records/balFromRecord.js";
import { Field, PRE_STATE, TxStatus, type BlockRecord, type Location, type Read, type SystemChanges, type TxRecord, type Write } from "../../src/records/record.js";

// ---- building records by hand ----------------------------------------------------------------

const balanceOf = (address: Word): Location => ({ address, field: Field.Balance, slot: 0 });
const nonceOf = (address: Word): Location => ({ address, field: Field.Nonce, slot: 0 });
const codeOf = (address: Word): Location => ({ address, field: Field.Code, slot: 0 });
const slotOf = (address: Word, slot: Word): Location => ({ address, field: Field.Storage, slot });

/** An account access as the executor records it: nonce, code, balance (no balance for a lazily credited recipient). */
function account(address: Word, lazy = false): Location[] {
  return lazy ? [nonceOf(address), codeOf(address)] : [nonceOf(address), codeOf(address), balanceOf(address)];
}

const read = (location: Location, version = PRE_STATE, credits: number[] = []): Read => ({ location, version, credits });
const write = (location: Location, value: Word | bigint): Write => ({ location, value, credit: null });
const credit = (address: Word, after: bigint, amount: bigint): Write => ({ location: balanceOf(address), value: after, credit: amount });

interface TxSpec {
  reads?: (Location | Read)[];
  writes?: Write[];
}

const COINBASE = 0xc0;

function record(txs: TxSpec[], system: { pre?: SystemChanges; post?: SystemChanges; codes?: Map<Word, Uint8Array>; coinbase?: Word } = {}): BlockRecord {
  const transactions: TxRecord[] = txs.map((spec, index) => ({
    index,
    reads: (spec.reads ?? []).map((r) => ("location" in r ? r : read(r))),
    writes: spec.writes ?? [],
    gasUsed: 21000n,
    status: TxStatus.Success,
    ms: 1,
    incarnations: 1,
    aborts: 0,
    validationFailures: 0,
  }));
  return {
    block: { number: 1n, hash: null, fork: "Cancun", coinbase: system.coinbase ?? COINBASE, gasUsed: 21000n * BigInt(txs.length), txCount: txs.length },
    run: { mode: "sequential", workers: 1, fallback: null, stopped: null, executionMs: 0, source: "sequential" },
    transactions,
    codes: system.codes ?? new Map(),
    pre: system.pre ?? { reads: [], writes: [] },
    post: system.post ?? { reads: [], writes: [] },
    timeline: [],
  };
}

/** An account entry with every list empty unless given. */
function acc(address: bigint, parts: Partial<Omit<AccountChanges, "address">> = {}): AccountChanges {
  return { address, storageChanges: [], storageReads: [], balanceChanges: [], nonceChanges: [], codeChanges: [], ...parts };
}

const SENDER = 0xa1;
const RECIPIENT = 0xb2;
// A big (bigint) address above 2^53, and a slot and value above 2^53.
const TOKEN = 0xdac17f958d2ee523a2206206994597c13d831ec7n;
const BIG_SLOT = 1n << 255n;
const BIG_VALUE = (1n << 200n) + 7n;

/** A plain transaction's sender part: reads its account, bumps the nonce, pays. */
function senderPays(nonce: bigint, balanceAfter: bigint): { reads: Location[]; writes: Write[] } {
  return { reads: account(SENDER), writes: [write(nonceOf(SENDER), nonce), write(balanceOf(SENDER), balanceAfter)] };
}

// ---- balIndexChanges / blockAccessList ---------------------------------------------------------

test("a transfer: sender, lazily credited recipient and the coinbase's fee", () => {
  // tx0: SENDER (balance 1000, nonce 0) sends 5 to RECIPIENT (balance 1000) paying a fee of 21.
  // The recipient is credited without its balance being read; so is the coinbase (0 before).
  const s = senderPays(1n, 1000n - 5n - 21n);
  const r = record([{ reads: [...s.reads, ...account(RECIPIENT, true)], writes: [...s.writes, credit(RECIPIENT, 1005n, 5n), credit(COINBASE, 21n, 21n)] }]);
  const indices = balIndexChanges(r);
  assert.deepEqual(
    indices.map((e) => e.index),
    [0, 1, 2],
  );
  assert.deepEqual(indices[0], { index: 0, touched: [], storageReads: [], storageWrites: [], balances: [], nonces: [], codes: [] });
  assert.deepEqual(indices[2], { index: 2, touched: [], storageReads: [], storageWrites: [], balances: [], nonces: [], codes: [] });
  assert.deepEqual(new Set(indices[1]!.touched), new Set([0xa1n, 0xb2n, 0xc0n]));
  assert.deepEqual(blockAccessList(r), [
    acc(0xa1n, { balanceChanges: [{ index: 1, value: 974n }], nonceChanges: [{ index: 1, value: 1n }] }),
    acc(0xb2n, { balanceChanges: [{ index: 1, value: 1005n }] }),
    acc(0xc0n, { balanceChanges: [{ index: 1, value: 21n }] }),
  ]);
});

test("a storage write and a read of another slot of the same contract", () => {
  // tx0 calls TOKEN: reads slot 1 (SLOAD), reads slot BIG_SLOT and writes it (SSTORE to BIG_VALUE).
  const s = senderPays(1n, 979n);
  const r = record([
    {
      reads: [...s.reads, ...account(TOKEN), slotOf(TOKEN, 1), slotOf(TOKEN, BIG_SLOT)],
      writes: [...s.writes, write(slotOf(TOKEN, BIG_SLOT), BIG_VALUE), credit(COINBASE, 21n, 21n)],
    },
  ]);
  const bal = blockAccessList(r);
  assert.deepEqual(bal, [
    acc(0xa1n, { balanceChanges: [{ index: 1, value: 979n }], nonceChanges: [{ index: 1, value: 1n }] }),
    acc(0xc0n, { balanceChanges: [{ index: 1, value: 21n }] }),
    acc(TOKEN, { storageChanges: [{ slot: BIG_SLOT, changes: [{ index: 1, value: BIG_VALUE }] }], storageReads: [1n] }),
  ]);
  // The builder is told: slot 1 read, BIG_SLOT written (not also read) at index 1.
  const tx = balIndexChanges(r)[1]!;
  assert.deepEqual(tx.storageReads, [{ address: TOKEN, slot: 1n }]);
  assert.deepEqual(tx.storageWrites, [{ address: TOKEN, slot: BIG_SLOT, value: BIG_VALUE }]);
});

test("a slot written at one index and read at another is listed only as a change", () => {
  // tx0 writes slot 5 = 9 (reading it first); tx1 reads slot 5 (version 0); tx2 reads slot 6 and
  // tx3 writes slot 6 = 0 (zeroing: a change, not a read).
  const r = record([
    { reads: [...account(TOKEN), slotOf(TOKEN, 5)], writes: [write(slotOf(TOKEN, 5), 9)] },
    { reads: [...account(TOKEN), read(slotOf(TOKEN, 5), 0)] },
    { reads: [...account(TOKEN), slotOf(TOKEN, 6)] },
    { reads: [...account(TOKEN), slotOf(TOKEN, 6)], writes: [write(slotOf(TOKEN, 6), 0)] },
  ]);
  assert.deepEqual(blockAccessList(r), [
    acc(0xc0n),
    acc(TOKEN, {
      storageChanges: [
        { slot: 5n, changes: [{ index: 1, value: 9n }] },
        { slot: 6n, changes: [{ index: 4, value: 0n }] },
      ],
    }),
  ]);
});

test("a no-op: read-only accesses and a no-op SSTORE are reads, the accessed account is listed empty", () => {
  // tx0: SENDER pays nothing (zero fee, nothing changed but its nonce); calls TOKEN, whose SSTORE
  // of slot 3 writes the value it holds (read, no write); BALANCE of 0xd4 (an account access only).
  const r = record([
    {
      reads: [...account(SENDER), ...account(TOKEN), slotOf(TOKEN, 3), ...account(0xd4)],
      writes: [write(nonceOf(SENDER), 8n)],
    },
  ]);
  assert.deepEqual(blockAccessList(r), [
    acc(0xa1n, { nonceChanges: [{ index: 1, value: 8n }] }),
    // The coinbase: fee accounting accesses it even for a zero fee.
    acc(0xc0n),
    acc(0xd4n),
    acc(TOKEN, { storageReads: [3n] }),
  ]);
});

test("credits: the coinbase's fees give its balance after each transaction; a zero fee lists it", () => {
  // tx0 pays 21, tx1 pays 30 (both credited without a read), tx2 pays nothing: the coinbase
  // (balance 100 before the block) is 121 after tx0, 151 after tx1.
  const r = record([
    { reads: account(SENDER), writes: [write(nonceOf(SENDER), 1n), write(balanceOf(SENDER), 979n), credit(COINBASE, 121n, 21n)] },
    { reads: [read(nonceOf(SENDER), 0), read(codeOf(SENDER)), read(balanceOf(SENDER), 0)], writes: [write(nonceOf(SENDER), 2n), write(balanceOf(SENDER), 949n), credit(COINBASE, 151n, 30n)] },
    { reads: [read(nonceOf(SENDER), 1), read(codeOf(SENDER)), read(balanceOf(SENDER), 1)], writes: [write(nonceOf(SENDER), 3n)] },
  ]);
  assert.deepEqual(blockAccessList(r), [
    acc(0xa1n, {
      balanceChanges: [
        { index: 1, value: 979n },
        { index: 2, value: 949n },
      ],
      nonceChanges: [
        { index: 1, value: 1n },
        { index: 2, value: 2n },
        { index: 3, value: 3n },
      ],
    }),
    acc(0xc0n, {
      balanceChanges: [
        { index: 1, value: 121n },
        { index: 2, value: 151n },
      ],
    }),
  ]);
  // One zero-fee transaction that never touches the coinbase still lists it; an empty block does not.
  assert.deepEqual(blockAccessList(record([{ reads: account(SENDER), writes: [write(nonceOf(SENDER), 1n)] }])), [
    acc(0xa1n, { nonceChanges: [{ index: 1, value: 1n }] }),
    acc(0xc0n),
  ]);
  assert.deepEqual(blockAccessList(record([])), []);
});

const SYSTEM_ADDRESS = 0xfffffffffffffffffffffffffffffffffffffffen;
const BEACON_ROOTS = 0x000f3df6d732807ef1319fb7b8bb8522d0beac02;

test("pre- and post-execution system changes at indices 0 and n + 1", () => {
  // Index 0: the EIP-4788 call (our EVM reads the system address's balance: not an EIP access)
  // writes the timestamp slot 12 and the root slot 12 + 8191. Index n + 1 = 2: a withdrawal of 0
  // to 0xe0 (read only: listed) and one of 1 gwei to 0xe1 (balance 5 before); a block reward
  // credited to the coinbase (read, written) after tx0's fee.
  const GWEI = 1_000_000_000n;
  const r = record(
    [{ reads: account(SENDER), writes: [write(nonceOf(SENDER), 1n), write(balanceOf(SENDER), 979n), credit(COINBASE, 21n, 21n)] }],
    {
      pre: {
        reads: [...account(SYSTEM_ADDRESS), ...account(BEACON_ROOTS), slotOf(BEACON_ROOTS, 12), slotOf(BEACON_ROOTS, 12 + 8191)],
        writes: [write(slotOf(BEACON_ROOTS, 12), 12), write(slotOf(BEACON_ROOTS, 12 + 8191), BIG_VALUE)],
      },
      post: {
        reads: [...account(COINBASE), ...account(0xe0), ...account(0xe1)],
        writes: [write(balanceOf(COINBASE), 21n + 2n * 10n ** 18n), write(balanceOf(0xe1), 5n + GWEI)],
      },
    },
  );
  // Addresses in numeric order: the beacon-roots contract (0x000f3d...) comes last.
  assert.deepEqual(blockAccessList(r), [
    acc(0xa1n, { balanceChanges: [{ index: 1, value: 979n }], nonceChanges: [{ index: 1, value: 1n }] }),
    acc(0xc0n, {
      balanceChanges: [
        { index: 1, value: 21n },
        { index: 2, value: 21n + 2n * 10n ** 18n },
      ],
    }),
    acc(0xe0n),
    acc(0xe1n, { balanceChanges: [{ index: 2, value: 5n + GWEI }] }),
    acc(BigInt(BEACON_ROOTS), {
      storageChanges: [
        { slot: 12n, changes: [{ index: 0, value: 12n }] },
        { slot: 8203n, changes: [{ index: 0, value: BIG_VALUE }] },
      ],
    }),
  ]);
  // A transaction that reads the system address itself lists it.
  const touching = record([{ reads: [...account(SENDER), ...account(SYSTEM_ADDRESS)] }], { pre: r.pre });
  assert.ok(blockAccessList(touching).some((a) => a.address === SYSTEM_ADDRESS));
  assert.ok(!blockAccessList(r).some((a) => a.address === SYSTEM_ADDRESS));
});

test("a code deployment, then a self-destruct: code changes carry the bytecode", () => {
  // tx0 creates 0xcc with code C (runtime) and slot 0 = 1; tx1 destroys it (pre-Cancun): nonce 0,
  // empty code, balance 0 (it held 3).
  const code = Uint8Array.of(0x60, 0x01, 0x60, 0x00, 0x55, 0x00);
  const hash = fromBytes(keccak256(code), 0, 32);
  const r = record(
    [
      { reads: account(0xcc), writes: [write(nonceOf(0xcc), 1n), write(codeOf(0xcc), hash), write(balanceOf(0xcc), 3n), write(slotOf(0xcc, 0), 1)] },
      { reads: [read(nonceOf(0xcc), 0), read(codeOf(0xcc), 0), read(balanceOf(0xcc), 0)], writes: [write(nonceOf(0xcc), 0n), write(codeOf(0xcc), KECCAK_EMPTY_WORD), write(balanceOf(0xcc), 0n)] },
    ],
    { codes: new Map([[hash, code]]) },
  );
  assert.deepEqual(blockAccessList(r), [
    acc(0xc0n),
    acc(0xccn, {
      storageChanges: [{ slot: 0n, changes: [{ index: 1, value: 1n }] }],
      balanceChanges: [
        { index: 1, value: 3n },
        { index: 2, value: 0n },
      ],
      nonceChanges: [
        { index: 1, value: 1n },
        { index: 2, value: 0n },
      ],
      codeChanges: [
        { index: 1, code },
        { index: 2, code: new Uint8Array(0) },
      ],
    }),
  ]);
  // A code hash the record does not hold is an error naming the account and index.
  const missing = { ...r, codes: new Map<Word, Uint8Array>() };
  assert.throws(() => blockAccessList(missing), (e: unknown) => e instanceof BalFormatError && /index 1: 0x0+cc: code hash 0x[0-9a-f]{64} is not in the record's codes/.test(e.message));
});

test("with the pre-state, a deleted account's balance write that leaves 0 at 0 is not a change", () => {
  // tx0 touches the existing empty account 0xee (EIP-161 deletion): the record writes its balance 0.
  const r = record([{ reads: [...account(SENDER), ...account(0xee)], writes: [write(nonceOf(SENDER), 1n), write(balanceOf(0xee), 0n)] }]);
  const pre = { readAccount: (a: Word) => (a === 0xee ? { nonce: 0n, balance: 0n, codeHash: KECCAK_EMPTY_WORD } : null) };
  assert.deepEqual(blockAccessList(r, { pre }), [acc(0xa1n, { nonceChanges: [{ index: 1, value: 1n }] }), acc(0xc0n), acc(0xeen)]);
  // Without it the record cannot tell: the write is passed on.
  assert.deepEqual(blockAccessList(r)[2], acc(0xeen, { balanceChanges: [{ index: 1, value: 0n }] }));
  // A real change to 0 (it held 4) stays with the pre-state too.
  const held = { readAccount: (a: Word) => (a === 0xee ? { nonce: 0n, balance: 4n, codeHash: KECCAK_EMPTY_WORD } : null) };
  assert.deepEqual(blockAccessList(r, { pre: held })[2], acc(0xeen, { balanceChanges: [{ index: 1, value: 0n }] }));
});

test("a transaction index outside the block is rejected", () => {
  const r = record([{ reads: account(SENDER) }]);
  r.transactions[0]!.index = 1;
  assert.throws(() => balIndexChanges(r), /transaction index 1 is outside the block's 1 transactions/);
});

// ---- diffBal -------------------------------------------------------------------------------------

const CODE = Uint8Array.from({ length: 40 }, (_, i) => i);

function sample(): BlockAccessList {
  return [
    acc(0xa1n, { balanceChanges: [{ index: 1, value: 0x10n }], nonceChanges: [{ index: 1, value: 1n }] }),
    acc(0xccn, { codeChanges: [{ index: 2, code: Uint8Array.of(0x60, 0x00) }] }),
    acc(TOKEN, {
      storageChanges: [{ slot: 5n, changes: [{ index: 1, value: 9n }, { index: 3, value: 0n }] }],
      storageReads: [1n, 7n],
    }),
  ];
}

test("diffBal: equal lists give null, each kind of difference one line", () => {
  assert.equal(diffBal(sample(), sample()), null);
  assert.equal(diffBal([], []), null);
  const changed = (edit: (bal: BlockAccessList) => void): string | null => {
    const bal = sample();
    edit(bal);
    return diffBal(sample(), bal);
  };
  assert.equal(changed((b) => b.splice(1, 1)), "account 0x00000000000000000000000000000000000000cc missing");
  assert.equal(changed((b) => b.push(acc(0xffn))), "unexpected account 0x00000000000000000000000000000000000000ff");
  assert.equal(changed((b) => (b[0]!.balanceChanges[0]!.value = 0x12n)), "0x00000000000000000000000000000000000000a1: balance change at index 1: expected 0x10, got 0x12");
  assert.equal(changed((b) => b[0]!.balanceChanges.push({ index: 4, value: 0x12n })), "0x00000000000000000000000000000000000000a1: balance change at index 4: expected none, got 0x12");
  assert.equal(changed((b) => (b[0]!.nonceChanges = [])), "0x00000000000000000000000000000000000000a1: nonce change at index 1: expected 0x1, got none");
  assert.equal(changed((b) => (b[0]!.nonceChanges[0]!.index = 2)), "0x00000000000000000000000000000000000000a1: nonce change at index 1: expected 0x1, got none");
  assert.equal(
    changed((b) => (b[1]!.codeChanges[0]!.code = CODE)),
    "0x00000000000000000000000000000000000000cc: code change at index 2: expected 0x6000 (2 bytes), got 0x000102030405060708090a0b0c0d0e0f… (40 bytes, keccak256 " +
      "0x" + Buffer.from(keccak256(CODE)).toString("hex") + ")",
  );
  assert.equal(
    changed((b) => (b[2]!.storageChanges[0]!.changes[1]!.value = 1n)),
    "0xdac17f958d2ee523a2206206994597c13d831ec7: storage change of slot 0x5 at index 3: expected 0x0, got 0x1",
  );
  assert.equal(
    changed((b) => b[2]!.storageChanges.unshift({ slot: 2n, changes: [{ index: 2, value: 4n }] })),
    "0xdac17f958d2ee523a2206206994597c13d831ec7: storage change of slot 0x2 at index 2: expected none, got 0x4",
  );
  assert.equal(changed((b) => b[2]!.storageReads.shift()), "0xdac17f958d2ee523a2206206994597c13d831ec7: storage read of slot 0x1: expected read, got none");
  assert.equal(changed((b) => b[2]!.storageReads.push(BIG_SLOT)), "0xdac17f958d2ee523a2206206994597c13d831ec7: storage read of slot 0x8000000000000000000000000000000000000000000000000000000000000000: expected none, got read");
  assert.equal(changed((b) => b[0]!.balanceChanges.push({ index: 1, value: 0x10n })), "0x00000000000000000000000000000000000000a1: balance change entries: expected 1, got 2 (an index listed twice)");
  assert.equal(changed((b) => b.push(acc(0xa1n))), "account 0x00000000000000000000000000000000000000a1 listed twice in the actual list");
  // The first difference in address order, whatever the lists' order.
  assert.equal(
    changed((b) => {
      b.reverse();
      b[0]!.storageReads = [];
      b[2]!.nonceChanges = [];
    }),
    "0x00000000000000000000000000000000000000a1: nonce change at index 1: expected 0x1, got none",
  );
  // Both directions name what is missing on which side.
  assert.equal(diffBal([], sample()), "unexpected account 0x00000000000000000000000000000000000000a1");
  assert.equal(diffBal(sample(), []), "account 0x00000000000000000000000000000000000000a1 missing");
});

// ---- transactionWritesFromBal --------------------------------------------------------------------

/** A write as a comparable string, credit markers dropped. */
function writeKey(w: Write): string {
  return `${typeof w.location.address}:${w.location.address}/${w.location.field}/${typeof w.location.slot}:${w.location.slot}=${typeof w.value}:${w.value}`;
}

test("transactionWritesFromBal: record -> list -> writes gives the record's writes back", () => {
  const code = Uint8Array.of(0x60, 0x2a, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3);
  const hash = fromBytes(keccak256(code), 0, 32);
  const s = senderPays(1n, 974n);
  const r = record(
    [
      { reads: [...s.reads, ...account(RECIPIENT, true)], writes: [...s.writes, credit(RECIPIENT, 1005n, 5n), credit(COINBASE, 21n, 21n)] },
      {
        reads: [read(nonceOf(SENDER), 0), read(codeOf(SENDER)), read(balanceOf(SENDER), 0), ...account(TOKEN), slotOf(TOKEN, 1), slotOf(TOKEN, BIG_SLOT)],
        writes: [write(nonceOf(SENDER), 2n), write(balanceOf(SENDER), 900n), write(slotOf(TOKEN, BIG_SLOT), BIG_VALUE), write(slotOf(TOKEN, 1), 0), credit(COINBASE, 95n, 74n)],
      },
      { reads: account(0xcc), writes: [write(nonceOf(0xcc), 1n), write(codeOf(0xcc), hash), write(slotOf(TOKEN, 1), 77)] },
      { reads: [read(codeOf(0xcc), 2)], writes: [write(codeOf(0xcc), KECCAK_EMPTY_WORD)] },
      { reads: account(0xd4) },
    ],
    {
      codes: new Map([[hash, code]]),
      pre: { reads: account(BEACON_ROOTS), writes: [write(slotOf(BEACON_ROOTS, 12), 12)] },
      post: { reads: account(0xe1), writes: [write(balanceOf(0xe1), 10n ** 9n)] },
    },
  );
  const bal = blockAccessList(r);
  const { writes, codes } = transactionWritesFromBal(bal, 5);
  assert.equal(writes.length, 5);
  for (let i = 0; i < 5; i++) {
    assert.deepEqual(writes[i]!.map(writeKey).sort(), r.transactions[i]!.writes.map(writeKey).sort(), `transaction ${i}`);
    for (const w of writes[i]!) assert.equal(w.credit, null);
  }
  // Canonical words: a small address/slot/value is a number, a large one a bigint.
  const tokenWrite = writes[1]!.find((w) => w.location.slot === BIG_SLOT)!;
  assert.equal(tokenWrite.location.address, TOKEN);
  assert.equal(tokenWrite.value, BIG_VALUE);
  assert.equal(writes[2]!.find((w) => w.location.field === Field.Code)!.value, hash);
  assert.equal(writes[3]!.find((w) => w.location.field === Field.Code)!.value, KECCAK_EMPTY_WORD);
  // Only the deployed code is carried (empty code is the empty hash, with no entry).
  assert.deepEqual([...codes], [[hash, code]]);
  // Indices 0 and n + 1 (the beacon-roots slot, the withdrawal) are not seeded.
  assert.ok(!writes.flat().some((w) => w.location.address === BEACON_ROOTS || w.location.address === 0xe1));
});

test("transactionWritesFromBal: an index above n + 1 is an error naming the account and index", () => {
  const bal: BlockAccessList = [acc(0xa1n, { balanceChanges: [{ index: 3, value: 1n }] }), acc(TOKEN, { storageChanges: [{ slot: 5n, changes: [{ index: 4, value: 1n }] }] })];
  // With two transactions, index 3 is n + 1 (left out), index 4 is beyond the block.
  assert.throws(
    () => transactionWritesFromBal(bal, 2),
    (e: unknown) =>
      e instanceof BalFormatError &&
      e.message === "0xdac17f958d2ee523a2206206994597c13d831ec7: storage change of slot 0x5 at block access index 4 exceeds the block's last index 3 (2 transactions + 1)",
  );
  assert.deepEqual(transactionWritesFromBal(bal.slice(0, 1), 2).writes, [[], []]);
  assert.throws(() => transactionWritesFromBal(bal.slice(0, 1), 1), /0x0+a1: balance change at block access index 3 exceeds the block's last index 2/);
  assert.throws(() => transactionWritesFromBal([], -1), BalFormatError);
});
