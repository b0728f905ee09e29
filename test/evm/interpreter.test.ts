// Interpreter behaviour checked against independent computations in plain JS / bigint.
import assert from "node:assert/strict";
import { test } from "node:test";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { CodeCache } from "../../src/evm/code.js";
import { Fork, rulesFor } from "../../src/fork/forks.js";
import { CallKind, Evm, Status, createAddress, create2Address } from "../../src/evm/interpreter.js";
import { big, fromBytes, type Word } from "../../src/primitives/word.js";
import { MemoryState } from "../../src/state/memory.js";
import { WorldState } from "../../src/state/world.js";
import { BENCH_BLOCK, BENCH_CALLER, BENCH_CONTRACT } from "../../src/workload/runCall.js";
import { loopContract } from "../../src/workload/loops.js";

function call(codeHex: string, gas = 1_000_000, fork = Fork.Cancun) {
  const code = Uint8Array.from(Buffer.from(codeHex.replace(/^0x/, ""), "hex"));
  const state = new MemoryState();
  const codeHash = fromBytes(keccak_256(code), 0, 32);
  state.codes.set(codeHash, code);
  state.putAccount(BENCH_CONTRACT, 1n, 0n, codeHash);
  const world = new WorldState(state);
  const evm = new Evm(world, BENCH_BLOCK, rulesFor(fork), new CodeCache());
  evm.tx = { origin: BENCH_CALLER, gasPrice: 1n, blobHashes: [] };
  world.warmAddress(BENCH_CONTRACT);
  const result = evm.call({ kind: CallKind.Call, caller: BENCH_CALLER, to: BENCH_CONTRACT, codeAddress: BENCH_CONTRACT, value: 0n, data: new Uint8Array(0), gas, depth: 0, isStatic: false });
  return { result, world };
}

test("a loop computing x = (x*3 + i) & 0xffffffff matches the same loop in JS", () => {
  const n = 500;
  // Store the final x in storage slot 0 after the loop: replace the trailing STOP.
  const body = "600051600302810163ffffffff16600052";
  const code = loopContract(n, body).slice(0, -2) + "600051600055" + "00";
  const { result, world } = call(code, 5_000_000);
  assert.equal(result.status, Status.Success);
  let x = 0;
  for (let i = n; i >= 1; i--) x = Number((BigInt(x) * 3n + BigInt(i)) & 0xffffffffn);
  assert.equal(world.getStorage(BENCH_CONTRACT, 0), x);
});

test("RETURN hands back memory; REVERT keeps gas and undoes storage", () => {
  // mstore(0, 0x2a); sstore(1, 7); return(0, 32)
  const ok = call("602a60005260076001556020" + "6000f3");
  assert.equal(ok.result.status, Status.Success);
  assert.equal(fromBytes(ok.result.output, 0, 32), 0x2a);
  assert.equal(ok.world.getStorage(BENCH_CONTRACT, 1), 7);
  // sstore(1, 7); revert(0, 0)
  const reverted = call("60076001556000" + "6000fd", 100_000);
  assert.equal(reverted.result.status, Status.Revert);
  assert.ok(Number(big(reverted.result.gasLeft)) > 50_000);
  assert.equal(reverted.world.getStorage(BENCH_CONTRACT, 1), 0);
});

test("exceptional halts consume all gas: bad jump, stack underflow, invalid opcode, out of gas", () => {
  for (const code of ["600056", "01", "fe", "5b600056"]) {
    const { result } = call(code, 10_000);
    assert.equal(result.status, Status.Failure, code);
    assert.equal(result.gasLeft, 0, code);
  }
});

test("opcodes outside a fork are invalid there (PUSH0 before Shanghai, SHL before Constantinople)", () => {
  assert.equal(call("5f00", 10_000, Fork.Paris).result.status, Status.Failure);
  assert.equal(call("5f00", 10_000, Fork.Shanghai).result.status, Status.Success);
  assert.equal(call("600160011b00", 10_000, Fork.Byzantium).result.status, Status.Failure);
  assert.equal(call("600160011b00", 10_000, Fork.Constantinople).result.status, Status.Success);
});

test("CREATE and CREATE2 addresses follow the Yellow Paper and EIP-1014 examples", () => {
  // EIP-1014 example 0: address 0x00..00, salt 0, init code 0x00.
  const a: Word = create2Address(0, 0, Uint8Array.of(0));
  assert.equal(a, 0x4d1a2e2bb4f88f0250f26ffff098b0b30b26bf38n);
  // keccak(rlp([0x6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0, 0]))[12:] (a well-known derivation).
  assert.equal(createAddress(0x6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0n, 0n), 0xcd234a471b72ba2f1ccf0a70fcaba648a5eecd8dn);
});
