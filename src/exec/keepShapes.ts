// V8 keeps the hidden classes (maps) of a class's fully built instances only while some instance
// is alive: they hang off the constructor's initial map by weak transitions. When the last Evm,
// WorldState or AccountState of a block dies at a full GC, those maps go, and so does every piece
// of optimized interpreter code that checks them; the next block then runs in slow tiers until
// V8 recompiles (measured: 3-4x slower blocks after each major GC). Idle instances held here keep
// the maps, and the optimized code, alive.
//
// Fields are settled here too. V8 first tracks a field as constant (set once) and as the narrowest
// kind of value it has held; the first change of either (a memory that grows, an account that is
// created, a call result whose gas is adjusted, a precompile's output) invalidates the optimized
// code that relied on it, and aborts a compile under way. In a fresh process those changes came
// during the first block, while V8 compiled the interpreter loop (100-250 ms of work on a
// background thread): the compile was thrown away and started again. Making each change once,
// here, before the first block, leaves nothing to invalidate.
import { CodeCache } from "../evm/code.js";
import { Fork, rulesFor } from "../fork/forks.js";
import { CallKind, Evm, Message, Status, type CallResult } from "../evm/interpreter.js";
import { Memory } from "../evm/memory.js";
import { runPrecompile } from "../evm/precompiles/index.js";
import { MemoryState } from "../state/memory.js";
import { EmittedLog, WorldState, type AccessObserver } from "../state/world.js";
import { blockEnv } from "./sequential.js";

let kept: unknown[] | null = null;

/** Builds the idle instances once; executors call it before their first block. */
export function keepShapesAlive(): void {
  if (kept !== null) return;
  const world = new WorldState(new MemoryState());
  world.account(0);
  const header = {
    number: 0n, timestamp: 0n, hash: null, parentHash: new Uint8Array(32), coinbase: 0, gasLimit: 0n, gasUsed: 0n, difficulty: 0n, mixHash: 0,
    stateRoot: new Uint8Array(32), receiptsRoot: new Uint8Array(32), transactionsRoot: null, logsBloom: new Uint8Array(256), baseFeePerGas: null, withdrawalsRoot: null,
    blobGasUsed: null, excessBlobGas: null, parentBeaconBlockRoot: null, requestsHash: null,
  };
  const evm = new Evm(world, blockEnv({ header, transactions: [], withdrawals: null, ommers: [] }, { blockHashes: new Map() }, rulesFor(Fork.Cancun)), rulesFor(Fork.Cancun), new CodeCache());
  evm.tx = { origin: 0, gasPrice: 0n, blobHashes: [] };
  // A journal entry and a log that stay (the transaction is never finalized).
  world.addLog(new EmittedLog(1n << 100n, [], new Uint8Array(0)));
  kept = [evm, world, settledMessages(), settledCodeCache(), settledMemory(), settledWorld(), settledCallResult(), settledPrecompileResults()];
}

/**
 * Messages holding a small and a wide address: V8 first stores a field in the narrowest
 * representation it has seen (a bigint address: a heap object), and the first small value there
 * (a precompile's address) changed it. (Gas is left alone: on mainnet it is always a small number,
 * and a field that may also hold a bigint is slower to read.)
 */
function settledMessages(): Message[] {
  const wide = 1n << 100n;
  return [new Message(CallKind.Call, 1, 1, 1, 0n, new Uint8Array(0), 1, 0, false), new Message(CallKind.Call, wide, wide, wide, 0n, new Uint8Array(0), 1, 0, false)];
}

/** A code cache that has analysed two codes, one of them again from an equal copy (its byte count and an entry's code changed). */
function settledCodeCache(): CodeCache {
  const cache = new CodeCache();
  cache.get(1, new Uint8Array([0x60, 0x01]));
  cache.get(2, new Uint8Array([0x00]));
  cache.get(1, new Uint8Array([0x60, 0x01]));
  return cache;
}

/** A memory that has grown past its first buffer and been reset (its buffer, view and size all changed). */
function settledMemory(): Memory {
  const memory = new Memory();
  memory.grow(memory.buf.length / 16);
  memory.reset();
  return memory;
}

/** An account changed every way a transaction changes one: created, funded, its nonce, code and storage set. */
function settledWorld(): WorldState {
  const world = new WorldState(new MemoryState());
  const address = (1n << 159n) + 1n;
  world.createAccount(address);
  world.setBalance(address, 1n);
  world.setNonce(address, 1n);
  world.setCode(address, new Uint8Array([0]));
  world.setStorage(address, 1, 1);
  world.setStorage(address, 1n << 100n, 1n << 100n);
  world.setTransient(address, 1, 1);
  world.finalizeTransaction(rulesFor(Fork.Cancun));
  // Observed once (as a recording executor does) and no longer: otherwise the first recorded block
  // after plain ones changed the world's observer field, and threw away the optimized code of
  // every world method that had read it as always null (11 of them, --trace-deopt).
  world.observe(IDLE_OBSERVER);
  world.account(address).observerData = {};
  world.observe(null);
  return world;
}

/** An access observer that keeps nothing. */
const IDLE_OBSERVER: AccessObserver = {
  accountAccessed(): void {},
  slotAccessed(): void {},
  feePaid(): void {},
};

/**
 * A call result (the interpreter's object literal: the same properties in the same order) whose gas
 * was adjusted (a creation's code deposit) and whose output has held a Buffer as well as a Uint8Array.
 */
function settledCallResult(): CallResult {
  const result: CallResult = { status: Status.Success, gasLeft: 0.5, output: new Uint8Array(0) };
  result.gasLeft = 1.5;
  result.output = Buffer.alloc(0);
  return result;
}

/** The results of precompiles that return a hash (a Buffer or a Uint8Array from the hashing libraries) and a copy. */
function settledPrecompileResults(): unknown[] {
  const input = new Uint8Array(64);
  return [2, 3, 4].map((address) => runPrecompile(address, input, 1_000_000, rulesFor(Fork.Cancun)));
}
