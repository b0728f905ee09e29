// Runs one contract call on a fresh in-memory state: the unit the interpreter benchmarks time.
import { keccak_256 } from "@noble/hashes/sha3.js";
import { CodeCache } from "../evm/code.js";
import type { BlockEnv } from "../evm/env.js";
import type { ForkRules } from "../fork/forks.js";
import { CallKind, Evm, Status } from "../evm/interpreter.js";
import { big, fromBytes, type Word } from "../primitives/word.js";
import { MemoryState } from "../state/memory.js";
import { WorldState } from "../state/world.js";

export const BENCH_CALLER: Word = 0xa94f5374fce5edbc8e2a8697c15331677e6ebf0bn;
export const BENCH_CONTRACT: Word = 0xc0ffee;

export const BENCH_BLOCK: BlockEnv = {
  coinbase: 0x2adc25665018aa1fe0e6bc666dac8fc2697ff9ban,
  number: 1n,
  timestamp: 1000n,
  gasLimit: 1_000_000_000n,
  difficulty: 0n,
  prevRandao: 0,
  baseFee: 7n,
  chainId: 1n,
  blobBaseFee: 1n,
  blockHash: () => 0,
};

export interface CallMeasurement {
  ms: number;
  gasUsed: number;
  ok: boolean;
  error?: string;
}

/** Calls `code` (installed at BENCH_CONTRACT) from BENCH_CALLER with `gas`; times the call alone. */
export function timeContractCall(code: Uint8Array, gas: number, rules: ForkRules, cache: CodeCache): CallMeasurement {
  const state = new MemoryState();
  const codeHash = fromBytes(keccak_256(code), 0, 32);
  state.codes.set(codeHash, code);
  state.putAccount(BENCH_CALLER, 0n, 10n ** 24n, fromBytes(keccak_256(new Uint8Array(0)), 0, 32));
  state.putAccount(BENCH_CONTRACT, 1n, 0n, codeHash);
  const world = new WorldState(state);
  const evm = new Evm(world, BENCH_BLOCK, rules, cache);
  evm.tx = { origin: BENCH_CALLER, gasPrice: 10n, blobHashes: [] };
  world.warmAddress(BENCH_CALLER);
  world.warmAddress(BENCH_CONTRACT);
  const t0 = performance.now();
  const result = evm.call({
    kind: CallKind.Call,
    caller: BENCH_CALLER,
    to: BENCH_CONTRACT,
    codeAddress: BENCH_CONTRACT,
    value: 0n,
    data: new Uint8Array(0),
    gas,
    depth: 0,
    isStatic: false,
  });
  const ms = performance.now() - t0;
  return { ms, gasUsed: gas - Number(big(result.gasLeft)), ok: result.status === Status.Success, error: result.error };
}
