// Block-level state changes outside transactions: the DAO irregular state change, the EIP-4788
// beacon-root system call, pre-merge block and uncle rewards, and EIP-4895 withdrawals.
// Shared by the sequential and the parallel executors.
import type { ForkRules } from "../fork/forks.js";
import { CallKind, type Evm } from "../evm/interpreter.js";
import { wordFromHex, type Word } from "../primitives/word.js";
import type { WorldState } from "../state/world.js";
import type { Block } from "../block/block.js";
import { DAO_ACCOUNTS, DAO_FORK_BLOCK, DAO_REFUND_CONTRACT } from "../block/dao.js";

const GWEI = 1_000_000_000n;
/** EIP-4788 constants. */
export const SYSTEM_ADDRESS: Word = wordFromHex("0xfffffffffffffffffffffffffffffffffffffffe");
export const BEACON_ROOTS_ADDRESS: Word = wordFromHex("0x000f3df6d732807ef1319fb7b8bb8522d0beac02");
const SYSTEM_CALL_GAS = 30_000_000;

/** Changes applied before the first transaction. */
export function applyBlockPrologue(evm: Evm, block: Block): void {
  const { world, rules } = evm;
  if (block.header.number === DAO_FORK_BLOCK) applyDaoFork(world, rules);
  if (rules.beaconRoots && block.header.parentBeaconBlockRoot !== null) callBeaconRootsContract(evm, block.header.parentBeaconBlockRoot);
}

/**
 * Changes applied after the last transaction. Returns warnings for what could not be applied
 * (uncle rewards need the uncles' numbers and miners, which RPC blocks do not carry).
 */
export function applyBlockEpilogue(world: WorldState, rules: ForkRules, block: Block): string[] {
  const warnings = rules.blockReward > 0n ? payRewards(world, rules, block) : [];
  if (rules.withdrawals && block.withdrawals !== null) {
    for (const w of block.withdrawals) world.addBalance(w.address, w.amount * GWEI);
  }
  world.finalizeTransaction(rules);
  return warnings;
}

function applyDaoFork(world: WorldState, rules: ForkRules): void {
  const refund = wordFromHex(DAO_REFUND_CONTRACT);
  for (const hex of DAO_ACCOUNTS) {
    const account = wordFromHex(hex);
    const balance = world.getBalance(account);
    world.subBalance(account, balance);
    world.addBalance(refund, balance);
  }
  world.finalizeTransaction(rules);
}

/** EIP-4788: the system address calls the beacon-roots contract with the parent beacon root. */
function callBeaconRootsContract(evm: Evm, parentBeaconBlockRoot: Uint8Array): void {
  evm.tx = { origin: SYSTEM_ADDRESS, gasPrice: 0n, blobHashes: [] };
  evm.call({
    kind: CallKind.Call,
    caller: SYSTEM_ADDRESS,
    to: BEACON_ROOTS_ADDRESS,
    codeAddress: BEACON_ROOTS_ADDRESS,
    value: 0n,
    data: parentBeaconBlockRoot,
    gas: SYSTEM_CALL_GAS,
    depth: 0,
    isStatic: false,
  });
  evm.world.finalizeTransaction(evm.rules);
}

/** Yellow Paper 11.3: the miner gets R plus R/32 per uncle; each uncle's miner (8 + Hu - H)/8 of R. */
function payRewards(world: WorldState, rules: ForkRules, block: Block): string[] {
  const reward = rules.blockReward;
  const { number, coinbase } = block.header;
  world.addBalance(coinbase, reward + (reward / 32n) * BigInt(block.ommers.length));
  let unknown = 0;
  for (const ommer of block.ommers) {
    if (ommer.number === undefined || ommer.coinbase === undefined) {
      unknown++;
      continue;
    }
    world.addBalance(ommer.coinbase, ((8n + ommer.number - number) * reward) / 8n);
  }
  return unknown === 0 ? [] : [`${unknown} uncle reward(s) not applied: the block gives uncle hashes only, not their numbers and miners`];
}

