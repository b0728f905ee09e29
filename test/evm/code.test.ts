// Static code facts the parallel executor relies on.
import assert from "node:assert/strict";
import { test } from "node:test";
import { canWriteOwnStorage } from "../../src/evm/code.js";

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s/g, ""), "hex"));

test("canWriteOwnStorage: SSTORE, CALLCODE and DELEGATECALL as opcodes, not as push data", () => {
  assert.equal(canWriteOwnStorage(hex("6001 5f 55 00")), true); // SSTORE
  assert.equal(canWriteOwnStorage(hex("5f5f5f5f5f5f5a f4")), true); // DELEGATECALL
  assert.equal(canWriteOwnStorage(hex("5f5f5f5f5f5f5a f2")), true); // CALLCODE
  assert.equal(canWriteOwnStorage(hex("6055 6155f4 7f" + "55".repeat(32) + "00")), false); // only inside PUSH1, PUSH2, PUSH32
  // A gas-token child: PUSH15 <owner>, CALLER, XOR, PC, JUMPI, CALLER, SELFDESTRUCT.
  assert.equal(canWriteOwnStorage(hex("6e" + "b3f879cb30fe243b4dfee438691c04" + "3318 58 57 33 ff")), false);
  assert.equal(canWriteOwnStorage(new Uint8Array(0)), false);
});
