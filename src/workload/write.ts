// Writing a generated block in the fixture layout (../shared/fixtures/README.md): block.json in
// eth_getBlockByNumber(n, true) form with signed EIP-1559 transactions, pre_state.json,
// bytecodes.json and an empty block_hashes.json, so that `pevm run DIR` recovers the senders
// from the signatures and verifies the block against its header.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import type { BlockHeader } from "../block/block.js";
import { recoverSender } from "../tx/signature.js";
import { encodeTransaction, signingHash } from "../tx/txEncoding.js";
import type { Transaction } from "../tx/types.js";
import { addressToBytes, addressToHex, wordToBytes, wordToHex } from "../primitives/word.js";
import { bytesToHex } from "../primitives/bytes.js";
import { keccak256, KECCAK_EMPTY_WORD, KECCAK_RLP_EMPTY_LIST } from "../primitives/hash.js";
import { encode } from "../primitives/rlp.js";
import { orderedTrieRoot } from "../trie/root.js";
import type { GeneratedBlock } from "./blocks.js";

export interface WriteOptions {
  /** Called every few hundred signatures and at the end. */
  progress?: (signed: number, total: number) => void;
}

export interface WriteResult {
  dir: string;
  files: string[];
  /** The block hash written (keccak of the RLP header). */
  hash: string;
  ms: number;
}

const q = (n: bigint | number) => "0x" + n.toString(16);

function scalarBytes(key: bigint): Uint8Array {
  const out = new Uint8Array(32);
  let k = key;
  for (let i = 31; i >= 0; i--, k >>= 8n) out[i] = Number(k & 0xffn);
  return out;
}

function bytesToBigint(b: Uint8Array): bigint {
  return BigInt(bytesToHex(b));
}

/** Signs every transaction with its sender's key (EIP-1559, y-parity v). Returns signed copies. */
export function signTransactions(g: GeneratedBlock, options: WriteOptions = {}): Transaction[] {
  const txs = g.block.transactions;
  const out: Transaction[] = new Array(txs.length);
  for (let i = 0; i < txs.length; i++) {
    const tx: Transaction = { ...txs[i]! };
    const sig = secp256k1.sign(signingHash(tx), scalarBytes(g.senderKeys[i]!), { prehash: false, format: "recovered" });
    tx.v = BigInt(sig[0]!);
    tx.r = bytesToBigint(sig.subarray(1, 33));
    tx.s = bytesToBigint(sig.subarray(33, 65));
    tx.hash = keccak256(encodeTransaction(tx));
    out[i] = tx;
    if (options.progress !== undefined && ((i + 1) % 500 === 0 || i + 1 === txs.length)) options.progress(i + 1, txs.length);
  }
  // The keys and the addresses in the pre-state come from one derivation; check one anyway.
  if (out.length > 0 && recoverSender(out[0]!) !== txs[0]!.sender) throw new Error("internal: the first signature does not recover its sender");
  return out;
}

/** keccak256 of the RLP header (Cancun field list). */
export function headerHash(h: BlockHeader, transactionsRoot: Uint8Array): Uint8Array {
  return keccak256(
    encode([
      h.parentHash,
      KECCAK_RLP_EMPTY_LIST,
      addressToBytes(h.coinbase),
      h.stateRoot!,
      transactionsRoot,
      h.receiptsRoot,
      h.logsBloom,
      h.difficulty,
      h.number,
      h.gasLimit,
      h.gasUsed,
      h.timestamp,
      new Uint8Array(0),
      wordToBytes(h.mixHash),
      new Uint8Array(8),
      h.baseFeePerGas!,
      h.withdrawalsRoot!,
      h.blobGasUsed!,
      h.excessBlobGas!,
      h.parentBeaconBlockRoot!,
    ]),
  );
}

function txJson(tx: Transaction, index: number, blockHash: string, header: BlockHeader): string {
  const baseFee = header.baseFeePerGas!;
  const tip = tx.maxFeePerGas - baseFee < tx.maxPriorityFeePerGas ? tx.maxFeePerGas - baseFee : tx.maxPriorityFeePerGas;
  return JSON.stringify({
    blockHash,
    blockNumber: q(header.number),
    from: addressToHex(tx.sender!),
    gas: q(tx.gasLimit),
    gasPrice: q(baseFee + tip),
    maxFeePerGas: q(tx.maxFeePerGas),
    maxPriorityFeePerGas: q(tx.maxPriorityFeePerGas),
    hash: bytesToHex(tx.hash!),
    input: bytesToHex(tx.data),
    nonce: q(tx.nonce),
    to: addressToHex(tx.to!),
    transactionIndex: q(index),
    value: q(tx.value),
    type: q(tx.type),
    accessList: [],
    chainId: q(tx.chainId!),
    v: q(tx.v),
    r: q(tx.r),
    s: q(tx.s),
    yParity: q(tx.v),
  });
}

function writeAtomic(path: string, text: string): void {
  writeFileSync(path + ".tmp", text);
  renameSync(path + ".tmp", path);
}

/**
 * Writes the block into `dir` (created if needed): pre_state.json, bytecodes.json,
 * block_hashes.json, workload.json (what generated it), and block.json last.
 */
export function writeGeneratedBlock(g: GeneratedBlock, dir: string, options: WriteOptions = {}): WriteResult {
  const start = performance.now();
  mkdirSync(dir, { recursive: true });
  const signed = signTransactions(g, options);
  const { header } = g.block;
  const transactionsRoot = orderedTrieRoot(signed.map(encodeTransaction));
  const hash = bytesToHex(headerHash(header, transactionsRoot));

  const preState: Record<string, unknown> = {};
  for (const [address, a] of g.preState.accounts) {
    const storage: Record<string, string> = {};
    for (const [slot, value] of a.storage) storage[wordToHex(slot)] = wordToHex(value);
    preState[addressToHex(address)] = {
      balance: q(a.balance),
      nonce: Number(a.nonce),
      ...(a.codeHash !== KECCAK_EMPTY_WORD ? { code_hash: wordToHex(a.codeHash, 32) } : {}),
      storage,
    };
  }
  const bytecodes: Record<string, string> = {};
  for (const [codeHash, code] of g.preState.codes) if (codeHash !== KECCAK_EMPTY_WORD) bytecodes[wordToHex(codeHash, 32)] = bytesToHex(code);

  const head = {
    number: q(header.number),
    hash,
    parentHash: bytesToHex(header.parentHash),
    nonce: "0x0000000000000000",
    sha3Uncles: bytesToHex(KECCAK_RLP_EMPTY_LIST),
    logsBloom: bytesToHex(header.logsBloom),
    transactionsRoot: bytesToHex(transactionsRoot),
    stateRoot: bytesToHex(header.stateRoot!),
    receiptsRoot: bytesToHex(header.receiptsRoot),
    miner: addressToHex(header.coinbase),
    difficulty: q(header.difficulty),
    extraData: "0x",
    gasLimit: q(header.gasLimit),
    gasUsed: q(header.gasUsed),
    timestamp: q(header.timestamp),
    mixHash: wordToHex(header.mixHash, 32),
    baseFeePerGas: q(header.baseFeePerGas!),
    withdrawalsRoot: bytesToHex(header.withdrawalsRoot!),
    blobGasUsed: q(header.blobGasUsed!),
    excessBlobGas: q(header.excessBlobGas!),
    parentBeaconBlockRoot: bytesToHex(header.parentBeaconBlockRoot!),
    uncles: [],
    withdrawals: [],
  };
  // block.json is large (about 700 bytes a transaction): built as one string from per-transaction parts.
  const txParts = signed.map((tx, i) => txJson(tx, i, hash, header));
  const blockText = JSON.stringify(head).slice(0, -1) + ',"transactions":[' + txParts.join(",") + "]}\n";

  const workload = {
    generator: "pevm bench --write",
    workload: g.workload,
    seed: g.seed,
    txs: signed.length,
    hotRatio: g.hotRatio,
    hotTxs: g.hotTxs,
    gasUsed: Number(header.gasUsed),
    gasPerTx: g.gasPerTx,
    mix: g.mix,
    gasPerVariant: g.gasPerVariant,
    description: g.description,
  };
  const files = ["pre_state.json", "bytecodes.json", "block_hashes.json", "workload.json", "block.json"].map((f) => join(dir, f));
  writeAtomic(files[0]!, JSON.stringify(preState) + "\n");
  writeAtomic(files[1]!, JSON.stringify(bytecodes, null, 1) + "\n");
  writeAtomic(files[2]!, "{}\n");
  writeAtomic(files[3]!, JSON.stringify(workload, null, 2) + "\n");
  writeAtomic(files[4]!, blockText);
  return { dir, files, hash, ms: performance.now() - start };
}
