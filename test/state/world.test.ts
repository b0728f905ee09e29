// WorldState's EIP-2929 warm addresses: the precompile range and the set beside it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Fork, rulesFor } from "../../src/fork/forks.js";
import { MemoryState } from "../../src/state/memory.js";
import { WorldState } from "../../src/state/world.js";

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
