// V8 keeps the hidden classes (maps) of a class's fully built instances only while some instance
// is alive: they hang off the constructor's initial map by weak transitions. When the last Evm,
// WorldState or AccountState of a block dies at a full GC, those maps go, and so does every piece
// of optimized interpreter code that checks them; the next block then runs in slow tiers until
// V8 recompiles (measured: 3-4x slower blocks after each major GC). Idle instances held here keep
// the maps, and the optimized code, alive.
import { CodeCache } from "../evm/code.js";
import { Fork, rulesFor } from "../fork/forks.js";
import { Evm } from "../evm/interpreter.js";
import { MemoryState } from "../state/memory.js";
import { WorldState } from "../state/world.js";
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
  kept = [evm, world];
}
