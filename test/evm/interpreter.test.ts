// Interpreter behaviour checked against independent computations in plain JS / bigint.
import assert from "node:assert/strict";
import { test } from "node:test";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { canWriteOwnStorage, CodeCache, delegationCode, delegationTarget, isDelegation } from "../../src/evm/code.js";
import { Fork, rulesFor } from "../../src/fork/forks.js";
import { CallKind, Evm, Status, countLeadingZeros, createAddress, create2Address } from "../../src/evm/interpreter.js";
import { addressToHex, big, fromBytes, wordFromHex, type Word } from "../../src/primitives/word.js";
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

// --- EIP-7939 CLZ ---

/** Leading zeros of a 256-bit value, the slow way. */
function clzReference(x: bigint): number {
  return x === 0n ? 256 : 256 - x.toString(2).length;
}

test("CLZ counts leading zero bits of number and bigint words alike (256 for zero)", () => {
  const values: bigint[] = [0n, 1n, 2n, 3n, 0xffn, (1n << 31n) - 1n, 1n << 31n, (1n << 32n) - 1n, 1n << 32n, (1n << 32n) + 1n, (1n << 52n) - 1n, 1n << 52n];
  values.push((1n << 53n) - 1n, 1n << 53n, (1n << 53n) + 1n, (1n << 54n) - 1n, 1n << 64n, (1n << 255n) - 1n, 1n << 255n, (1n << 256n) - 1n);
  for (let i = 0; i <= 255; i++) values.push(1n << BigInt(i), (1n << BigInt(i)) | 1n, (1n << BigInt(i + 1)) - 1n);
  for (const v of values) {
    const word: Word = v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v; // the canonical form
    assert.equal(countLeadingZeros(word), clzReference(v), `clz(0x${v.toString(16)})`);
  }
});

test("CLZ (0x1e) is an Osaka opcode costing 5 gas", () => {
  // PUSH32 0x00..01ff..: 7 leading zero bytes and one bit (63 zeros); CLZ; sstore(0, result)
  const value = "00000000000000" + "01" + "ff".repeat(24);
  const { result, world } = call("7f" + value + "1e" + "600055" + "00", 100_000, Fork.Osaka);
  assert.equal(result.status, Status.Success);
  assert.equal(world.getStorage(BENCH_CONTRACT, 0), 63);
  // PUSH0 CLZ STOP: 2 + 5 gas.
  const gas = call("5f1e00", 100, Fork.Osaka);
  assert.equal(gas.result.status, Status.Success);
  assert.equal(gas.result.gasLeft, 100 - 7);
  assert.equal(call("5f1e00", 100, Fork.Prague).result.status, Status.Failure, "invalid before Osaka");
});

// --- EIP-7702 delegation designators ---

const AUTHORITY = wordFromHex("0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
const SECOND_AUTHORITY = wordFromHex("0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
const DELEGATE = wordFromHex("0xdddddddddddddddddddddddddddddddddddddddd");
const IDENTITY = 4;

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, "hex"));
}
function push20(address: Word): string {
  return "73" + addressToHex(address).slice(2);
}
function designator(address: Word): string {
  return "ef0100" + addressToHex(address).slice(2);
}
// The delegate: sstore(0, ADDRESS); sstore(2, CODESIZE); 9 bytes.
const DELEGATE_CODE = "30600055" + "38600255" + "00";

/**
 * The caller's code: one CALL-family call of `target` with all gas and `inSize` bytes of input,
 * then sstore(1, success) and sstore(6, RETURNDATASIZE).
 */
function callerCode(op: "f1" | "f2" | "f4" | "fa", target: Word, inSize = 0): string {
  const value = op === "f1" || op === "f2" ? "6000" : "";
  return "6000" + "6000" + "60" + inSize.toString(16).padStart(2, "0") + "6000" + value + push20(target) + "5a" + op + "600155" + "3d600655" + "00";
}

/** Calls BENCH_CONTRACT (running `code`) in a world with the given accounts' codes. */
function callIn(code: string, accounts: [Word, string][], fork = Fork.Prague, warm: Word[] = []) {
  const state = new MemoryState();
  for (const [address, hex] of [[BENCH_CONTRACT, code] as [Word, string], ...accounts]) {
    const bytes = hexBytes(hex);
    const codeHash = fromBytes(keccak_256(bytes), 0, 32);
    state.codes.set(codeHash, bytes);
    state.putAccount(address, 1n, 0n, codeHash);
  }
  const world = new WorldState(state);
  const evm = new Evm(world, BENCH_BLOCK, rulesFor(fork), new CodeCache());
  evm.tx = { origin: BENCH_CALLER, gasPrice: 1n, blobHashes: [] };
  world.warmAddress(BENCH_CONTRACT);
  for (const address of warm) world.warmAddress(address);
  const gas = 1_000_000;
  const result = evm.call({ kind: CallKind.Call, caller: BENCH_CALLER, to: BENCH_CONTRACT, codeAddress: BENCH_CONTRACT, value: 0n, data: new Uint8Array(0), gas, depth: 0, isStatic: false });
  assert.equal(result.status, Status.Success, result.error);
  return { world, gasUsed: gas - Number(big(result.gasLeft)) };
}

test("EIP-7702: CALL to a delegated account runs the delegate's code in the account's context", () => {
  const { world } = callIn(callerCode("f1", AUTHORITY), [[AUTHORITY, designator(DELEGATE)], [DELEGATE, DELEGATE_CODE]]);
  assert.equal(world.getStorage(BENCH_CONTRACT, 1), 1, "the call succeeds");
  assert.equal(world.getStorage(AUTHORITY, 0), AUTHORITY, "ADDRESS is the authority");
  assert.equal(world.getStorage(AUTHORITY, 2), 9, "CODESIZE is the delegate's code size");
  assert.equal(world.getStorage(DELEGATE, 0), 0, "the delegate's own storage is untouched");
});

test("EIP-7702: DELEGATECALL and CALLCODE to a delegated account run the delegate's code in the caller's context", () => {
  for (const op of ["f4", "f2"] as const) {
    const { world } = callIn(callerCode(op, AUTHORITY), [[AUTHORITY, designator(DELEGATE)], [DELEGATE, DELEGATE_CODE]]);
    assert.equal(world.getStorage(BENCH_CONTRACT, 1), 1, op);
    assert.equal(world.getStorage(BENCH_CONTRACT, 0), BENCH_CONTRACT, op);
    assert.equal(world.getStorage(AUTHORITY, 0), 0, op);
  }
  // STATICCALL runs the delegate too: its SSTORE then fails the call.
  const { world } = callIn(callerCode("fa", AUTHORITY), [[AUTHORITY, designator(DELEGATE)], [DELEGATE, DELEGATE_CODE]]);
  assert.equal(world.getStorage(BENCH_CONTRACT, 1), 0);
});

test("EIP-7702: reaching the delegate costs an account access, cold 2600 or warm 100, and warms it", () => {
  const accounts: [Word, string][] = [[AUTHORITY, designator(DELEGATE)], [DELEGATE, DELEGATE_CODE]];
  const direct = callIn(callerCode("f1", DELEGATE), accounts).gasUsed; // the delegate's code, one cold access
  const delegatedCold = callIn(callerCode("f1", AUTHORITY), accounts);
  const delegatedWarm = callIn(callerCode("f1", AUTHORITY), accounts, Fork.Prague, [DELEGATE]).gasUsed;
  assert.equal(delegatedCold.gasUsed - direct, 2600);
  assert.equal(delegatedCold.gasUsed - delegatedWarm, 2500);
  assert.equal(delegatedCold.world.isWarmAddress(DELEGATE), true);
});

test("EIP-7702: EXTCODESIZE, EXTCODEHASH and EXTCODECOPY see the 23-byte designator", () => {
  // sstore(3, extcodesize(A)); sstore(4, extcodehash(A)); extcodecopy(A, 0, 0, 32); sstore(5, mload(0))
  const a = push20(AUTHORITY);
  const code = a + "3b600355" + a + "3f600455" + "602060006000" + a + "3c" + "600051600555" + "00";
  const { world } = callIn(code, [[AUTHORITY, designator(DELEGATE)], [DELEGATE, DELEGATE_CODE]]);
  const bytes = hexBytes(designator(DELEGATE));
  assert.equal(world.getStorage(BENCH_CONTRACT, 3), 23);
  assert.equal(world.getStorage(BENCH_CONTRACT, 4), fromBytes(keccak_256(bytes), 0, 32));
  assert.equal(world.getStorage(BENCH_CONTRACT, 5), fromBytes(bytes, 0, 32), "the designator, zero-padded to 32 bytes");
});

test("EIP-7702: a delegation to a precompile runs empty code; a delegation to a delegation is not followed", () => {
  const toIdentity = callIn(callerCode("f1", AUTHORITY, 32), [[AUTHORITY, designator(IDENTITY)]]).world;
  assert.equal(toIdentity.getStorage(BENCH_CONTRACT, 1), 1, "succeeds");
  assert.equal(toIdentity.getStorage(BENCH_CONTRACT, 6), 0, "no output: the precompile did not run");
  const direct = callIn(callerCode("f1", IDENTITY, 32), []).world;
  assert.equal(direct.getStorage(BENCH_CONTRACT, 6), 32, "the identity precompile called directly echoes its input");
  // A -> B -> D: B's designator runs as code, and 0xef is an invalid opcode.
  const chain = callIn(callerCode("f1", AUTHORITY), [[AUTHORITY, designator(SECOND_AUTHORITY)], [SECOND_AUTHORITY, designator(DELEGATE)], [DELEGATE, DELEGATE_CODE]]).world;
  assert.equal(chain.getStorage(BENCH_CONTRACT, 1), 0);
  assert.equal(chain.getStorage(SECOND_AUTHORITY, 0), 0);
});

test("EIP-7702: before Prague a designator is plain code (starting with the invalid opcode 0xef)", () => {
  const { world } = callIn(callerCode("f1", AUTHORITY), [[AUTHORITY, designator(DELEGATE)], [DELEGATE, DELEGATE_CODE]], Fork.Cancun);
  assert.equal(world.getStorage(BENCH_CONTRACT, 1), 0);
  assert.equal(world.getStorage(AUTHORITY, 0), 0);
});

test("EIP-7702 designators: exactly 0xef0100 followed by 20 address bytes", () => {
  const code = delegationCode(DELEGATE);
  assert.equal(Buffer.from(code).toString("hex"), designator(DELEGATE));
  assert.equal(isDelegation(code), true);
  assert.equal(delegationTarget(code), DELEGATE);
  assert.equal(delegationTarget(delegationCode(IDENTITY)), IDENTITY);
  assert.equal(delegationTarget(code.subarray(0, 22)), null, "too short");
  assert.equal(delegationTarget(Uint8Array.of(...code, 0)), null, "too long");
  assert.equal(delegationTarget(Uint8Array.of(0xef, 0x01, 0x01, ...code.subarray(3))), null, "another version byte");
  assert.equal(delegationTarget(new Uint8Array(0)), null);
  // The delegate's code runs on the account's storage, whatever the designator's bytes read as opcodes.
  assert.equal(canWriteOwnStorage(code), true);
});

test("a call's input is a view of the caller's memory: the identity precompile's return data keeps what was sent", () => {
  const aa = "aa".repeat(32);
  const bb = "bb".repeat(32);
  const code =
    `7f${aa}600052` + // mstore(0, 0xaa..aa)
    "6000600060206000" + "60045afa50" + // staticcall(gas, 4, 0, 32, 0, 0); pop
    `7f${bb}600052` + // mstore(0, 0xbb..bb): the memory the input came from changes
    "602060006020" + "3e" + // returndatacopy(32, 0, 32)
    "602051600055" + "00"; // sstore(0, mload(32)); stop
  const { result, world } = call(code);
  assert.equal(result.status, Status.Success);
  assert.equal(world.getStorage(BENCH_CONTRACT, 0), BigInt("0x" + aa));
});

test("GAS reads the exact gas left although static gas is charged per block", () => {
  // PUSH1 1, PUSH1 2, ADD, POP (11 gas), GAS (2), then mstore(0, gas) and return 32 bytes.
  const { result } = call("600160020150" + "5a" + "5f52" + "6020" + "5ff3", 100_000);
  assert.equal(result.status, Status.Success);
  assert.equal(fromBytes(result.output, 0, 32), 100_000 - 13);
  // The block after GAS is charged too: PUSH0, MSTORE with one word of memory, PUSH1, PUSH0 (13), RETURN.
  assert.equal(result.gasLeft, 100_000 - 13 - 13);
  // The same after a jump: PUSH1 4, JUMP, JUMPDEST (11 gas), GAS.
  const jumped = call("600456" + "00" + "5b5a" + "5f52" + "6020" + "5ff3", 100_000);
  assert.equal(fromBytes(jumped.result.output, 0, 32), 100_000 - 14);
});

test("jumps to blocks beyond the indexed ones (more than 32,767 JUMPDESTs) run and are charged", () => {
  const jumpdests = 40_000;
  const dest = 5 + jumpdests - 1; // the last JUMPDEST (PUSH2 dest, JUMP, STOP come first)
  const code = "61" + dest.toString(16).padStart(4, "0") + "56" + "00" + "5b".repeat(jumpdests) + "602a5f52" + "60205ff3";
  const gas = 100_000;
  const { result } = call(code, gas);
  assert.equal(result.status, Status.Success);
  assert.equal(fromBytes(result.output, 0, 32), 0x2a);
  // PUSH2 + JUMP (11), JUMPDEST (1), PUSH1 + PUSH0 + MSTORE with one word of memory (11), PUSH1 + PUSH0 (5), RETURN (0).
  assert.equal(result.gasLeft, gas - 28);
  // Falling short of it by one gas: out of gas at the block's entry.
  assert.equal(call(code, 27).result.status, Status.Failure);
});
