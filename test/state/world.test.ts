// WorldState: EIP-2929 warm addresses (the precompile range and the set beside it), what an
// access observer is told, SSTORE's store with its original value, and a world emptied for reuse.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Fork, rulesFor } from "../../src/fork/forks.js";
import { MemoryState } from "../../src/state/memory.js";
import { WorldState, type AccessObserver, type AccountState } from "../../src/state/world.js";
import type { Word } from "../../src/primitives/word.js";

test("warmAddressRange makes 1 .. end-1 warm until the transaction ends, and nothing outside it", () => {
  const world = new WorldState(new MemoryState());
  world.warmAddressRange(11);
  for (let a = 1; a <= 10; a++) {
    assert.equal(world.isWarmAddress(a), true, `address ${a}`);
    assert.equal(world.warmAddress(a), false, `address ${a} was already warm`);
  }
  assert.equal(world.isWarmAddress(0), false, "address 0 is no precompile");
  assert.equal(world.isWarmAddress(11), false, "the end is outside the range");
  assert.equal(world.warmAddress(11), true, "warming 11 finds it cold");
  assert.equal(world.isWarmAddress(11), true);
  assert.equal(world.isWarmAddress(1n << 100n), false, "a wide address is never in the range");
  world.finalizeTransaction(rulesFor(Fork.Cancun));
  assert.equal(world.isWarmAddress(5), false, "the range ends with the transaction");
  assert.equal(world.isWarmAddress(11), false, "so do the set's addresses");
  assert.equal(world.warmAddress(5), true);
});

test("a reverted checkpoint keeps the range warm and makes a warmed address cold again", () => {
  const world = new WorldState(new MemoryState());
  world.warmAddressRange(11);
  const checkpoint = world.checkpoint();
  world.warmAddress(0x1234);
  world.revert(checkpoint);
  assert.equal(world.isWarmAddress(0x1234), false);
  assert.equal(world.isWarmAddress(3), true);
});

/** Writes down what the world tells it, as text. */
class Log implements AccessObserver {
  readonly events: string[] = [];
  accountAccessed(account: AccountState): void {
    this.events.push(`account ${account.address} balance ${account.balance}`);
  }
  slotAccessed(account: AccountState, slot: Word, value: Word): void {
    this.events.push(`slot ${account.address}:${slot} = ${value}`);
  }
  feePaid(account: AccountState, fee: bigint): void {
    this.events.push(`fee ${account.address} ${fee}`);
  }
}

function stateWith(address: Word, balance: bigint, storage: [Word, Word][] = []): MemoryState {
  const state = new MemoryState();
  state.accounts.set(address, { nonce: 1n, balance, codeHash: 0x99n, storage: new Map(storage) });
  return state;
}

test("an observer hears of each account's first access in every access epoch, before any change", () => {
  const world = new WorldState(stateWith(7, 100n));
  const log = new Log();
  world.observe(log);
  world.beginAccessEpoch();
  world.addBalance(7, 5n);
  world.getBalance(7);
  world.getNonce(8);
  assert.deepEqual(log.events, ["account 7 balance 100", "account 8 balance 0"]);
  world.beginAccessEpoch();
  world.getBalance(7);
  world.getBalance(7);
  assert.deepEqual(log.events.slice(2), ["account 7 balance 105"], "a new epoch: a first access again, seen once");
  world.beginAccessEpoch();
  world.accountKnown(7, null);
  assert.deepEqual(log.events.slice(3), ["account 7 balance 105"], "accountKnown is an access too");
  log.events.length = 3;
  world.observe(null);
  world.beginAccessEpoch();
  world.getBalance(7);
  assert.equal(log.events.length, 3, "no observer, nothing told");
});

test("every slot access is told with the slot's value now; a paid fee is told as a fee, not an access", () => {
  const world = new WorldState(stateWith(7, 100n, [[1, 11]]));
  const log = new Log();
  world.observe(log);
  world.beginAccessEpoch();
  world.getStorage(7, 1);
  world.setStorage(7, 1, 12);
  world.payFee(9, 3n);
  assert.deepEqual(log.events, ["account 7 balance 100", "slot 7:1 = 11", "slot 7:1 = 11", "fee 9 3"]);
  assert.equal(world.getBalance(9), 3n, "the fee is credited");
  assert.deepEqual(log.events.slice(4), ["account 9 balance 3"], "the coinbase's next access is its first in the epoch");
  world.payFee(10, 0n);
  assert.deepEqual(log.events.slice(5), ["account 10 balance 0"], "a zero fee only touches the account: an access");
  const held = world.account(7);
  world.beginAccessEpoch();
  world.storageOf(held, 1);
  assert.deepEqual(log.events.slice(6), ["account 7 balance 100", "slot 7:1 = 12"], "an account held from an earlier epoch: its first access in this one comes before its slot's");
});

test("storageEpoch counts clears of an account's storage, and a reverted creation restores it", () => {
  const world = new WorldState(stateWith(7, 100n, [[1, 11]]));
  const account = world.account(7);
  assert.equal(account.storageEpoch, 0);
  const checkpoint = world.checkpoint();
  world.createAccount(7);
  assert.equal(account.storageEpoch, 1, "a creation clears");
  world.revert(checkpoint);
  assert.equal(account.storageEpoch, 0, "reverted");
  assert.equal(world.getStorage(7, 1), 11);
  world.markDestructed(7);
  world.finalizeTransaction(rulesFor(Fork.Cancun));
  assert.equal(account.storageEpoch, 1, "a destruction clears");
});

test("storeSlot returns the slot's value before the write and leaves its value at the transaction's start in storedOriginal", () => {
  const world = new WorldState(stateWith(7, 100n, [[1, 11]]));
  assert.equal(world.storeSlot(7, 1, 12), 11, "first write: the pre-state's value");
  assert.equal(world.storedOriginal, 11);
  const checkpoint = world.checkpoint();
  assert.equal(world.storeSlot(7, 2, 5), 0, "an absent slot reads 0");
  assert.equal(world.storedOriginal, 0);
  assert.equal(world.storeSlot(7, 1, 13), 12, "second write: the first write's value");
  assert.equal(world.storedOriginal, 11, "the original stays the transaction's start");
  world.revert(checkpoint);
  assert.equal(world.getStorage(7, 2), 0, "a reverted write is undone");
  assert.equal(world.getStorage(7, 1), 12, "so is the second write of slot 1");
  world.finalizeTransaction(rulesFor(Fork.Cancun));
  assert.equal(world.storeSlot(7, 1, 14), 12, "the next transaction");
  assert.equal(world.storedOriginal, 12, "whose original is the value the last one left");
});

test("reset empties the world for another transaction over the same reader", () => {
  const world = new WorldState(stateWith(7, 100n, [[1, 11]]));
  world.touch(9);
  world.warmAddress(8);
  world.warmSlot(7, 3);
  world.checkpoint();
  world.storeSlot(7, 1, 12);
  world.addBalance(7, 5n); // account 7 is the last one looked up
  world.reset();
  assert.equal(world.getStorage(7, 1), 11, "storage reads the reader again");
  assert.equal(world.getBalance(7), 100n, "so does the balance");
  assert.equal(world.warmAddress(8), true, "the address is cold again");
  assert.equal(world.warmSlot(7, 3), true, "so is the slot");
  assert.equal(world.storeSlot(7, 1, 15), 11);
  assert.equal(world.storedOriginal, 11, "the original is the reader's value");
  assert.deepEqual([...world.loadedAccounts()].map((a) => a.address), [7], "only what was read since");
});
