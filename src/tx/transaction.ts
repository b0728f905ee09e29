// Transactions: fork validity and intrinsic gas, plus the public face of decoding, hashing and
// sender recovery (implemented in txEncoding.ts and signature.ts, re-exported here).
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { ForkRules } from "../fork/forks.js";
import { fromBytes, type Word } from "../primitives/word.js";
import { TxType, type Transaction } from "./types.js";

export { TransactionDecodeError, decodeTransaction, encodeTransaction, transactionHash, signingHash, legacyChainId } from "./txEncoding.js";
export { InvalidSignatureError, recoverSender, recoverAddress, SECP256K1_N } from "./signature.js";

const TX_BASE_GAS = 21000n;
const TX_DATA_ZERO_GAS = 4n;
const ACCESS_LIST_ADDRESS_GAS = 2400n;
const ACCESS_LIST_STORAGE_KEY_GAS = 1900n;
const INITCODE_WORD_GAS = 2n;

/** Gas charged before execution: base, calldata, creation, access list, initcode words. */
export function intrinsicGas(tx: Transaction, rules: ForkRules): bigint {
  let gas = TX_BASE_GAS;
  const data = tx.data;
  let zeros = 0;
  for (let i = 0; i < data.length; i++) if (data[i] === 0) zeros++;
  gas += BigInt(zeros) * TX_DATA_ZERO_GAS + BigInt(data.length - zeros) * BigInt(rules.gasTxDataNonZero);
  if (tx.to === null) {
    gas += BigInt(rules.gasTxCreate);
    if (rules.eip3860) gas += INITCODE_WORD_GAS * BigInt(Math.ceil(tx.data.length / 32));
  }
  if (rules.eip2930) {
    for (const entry of tx.accessList) gas += ACCESS_LIST_ADDRESS_GAS + ACCESS_LIST_STORAGE_KEY_GAS * BigInt(entry.storageKeys.length);
  }
  return gas;
}

/**
 * Throws when the transaction's type or fields are not allowed in this fork, or when its gas limit
 * is below its intrinsic gas (pass `intrinsic` when already computed, to skip recomputing it).
 * Stateless checks only: nonce, balance, fees against the block's base fee and the signature are
 * checked elsewhere.
 */
export function validateForFork(tx: Transaction, rules: ForkRules, intrinsic: bigint = intrinsicGas(tx, rules)): void {
  if (tx.type === TxType.AccessList && !rules.eip2930) throw new Error("access-list transactions (EIP-2930) are not enabled in this fork");
  if (tx.type === TxType.FeeMarket && !rules.eip1559) throw new Error("fee-market transactions (EIP-1559) are not enabled in this fork");
  if (tx.type === TxType.Blob) {
    if (!rules.hasBlobs) throw new Error("blob transactions (EIP-4844) are not enabled in this fork");
    if (tx.to === null) throw new Error("blob transaction cannot create a contract");
    if (tx.blobVersionedHashes.length === 0) throw new Error("blob transaction without blob hashes");
    for (const h of tx.blobVersionedHashes) {
      if (typeof h === "number" || h >> 248n !== 1n) throw new Error("blob versioned hash with a version other than 0x01");
    }
  }
  if (tx.maxPriorityFeePerGas > tx.maxFeePerGas) throw new Error("max priority fee per gas above max fee per gas");
  if (tx.nonce >= 0xffffffffffffffffn) throw new Error("nonce at or above 2^64-1 (EIP-2681)");
  if (rules.eip3860 && tx.to === null && tx.data.length > rules.maxInitCodeSize) {
    throw new Error(`initcode of ${tx.data.length} bytes exceeds ${rules.maxInitCodeSize} (EIP-3860)`);
  }
  const max = (1n << 256n) - 1n;
  if (tx.maxFeePerGas > max || tx.gasLimit * tx.maxFeePerGas > max) throw new Error("gas limit times fee overflows 256 bits");
  if (tx.gasLimit < intrinsic) throw new Error(`intrinsic gas too low: gas limit ${tx.gasLimit} below intrinsic gas ${intrinsic}`);
}

/** The address of a secret key (state tests give the sender's key). */
export function senderFromSecretKey(secretKey: Uint8Array): Word {
  const publicKey = secp256k1.getPublicKey(secretKey, false);
  return fromBytes(keccak_256(publicKey.subarray(1)), 12, 20);
}
