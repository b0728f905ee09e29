// Transactions: fork validity and intrinsic gas, plus the public face of decoding, hashing and
// sender recovery (implemented in txEncoding.ts and signature.ts, re-exported here).
import type { ForkRules } from "../fork/forks.js";
import { TxType, type Transaction } from "./types.js";
import { zeroBytes } from "../primitives/bytes.js";

export { TransactionDecodeError, decodeTransaction, encodeTransaction, transactionHash, signingHash, legacyChainId, authorizationSigningHash } from "./txEncoding.js";
export { InvalidSignatureError, recoverSender, recoverAddress, recoverAuthority, SECP256K1_N } from "./signature.js";

const TX_BASE_GAS = 21000n;
const TX_DATA_ZERO_GAS = 4n;
const ACCESS_LIST_ADDRESS_GAS = 2400n;
const ACCESS_LIST_STORAGE_KEY_GAS = 1900n;
const INITCODE_WORD_GAS = 2n;
/** EIP-7702: charged per authorization up front; partly refunded when the authority exists. */
export const PER_EMPTY_ACCOUNT_COST = 25000n;
export const PER_AUTH_BASE_COST = 12500n;
/** EIP-7623: a non-zero calldata byte counts as this many tokens, a zero byte as one. */
const TOKENS_PER_NONZERO_BYTE = 4;

const MAX_U64 = (1n << 64n) - 1n;
const MAX_U256 = (1n << 256n) - 1n;

/**
 * Gas charged before execution: base, calldata, creation, access list, initcode words,
 * authorizations. `zeros`: the call data's zero bytes, when counted already (zeroBytes).
 */
export function intrinsicGas(tx: Transaction, rules: ForkRules, zeros?: number): bigint {
  let gas = TX_BASE_GAS;
  const data = tx.data;
  zeros ??= zeroBytes(data);
  gas += BigInt(zeros) * TX_DATA_ZERO_GAS + BigInt(data.length - zeros) * BigInt(rules.gasTxDataNonZero);
  if (tx.to === null) {
    gas += BigInt(rules.gasTxCreate);
    if (rules.eip3860) gas += INITCODE_WORD_GAS * BigInt(Math.ceil(tx.data.length / 32));
  }
  if (rules.eip2930) {
    for (const entry of tx.accessList) gas += ACCESS_LIST_ADDRESS_GAS + ACCESS_LIST_STORAGE_KEY_GAS * BigInt(entry.storageKeys.length);
  }
  gas += PER_EMPTY_ACCOUNT_COST * BigInt(tx.authorizationList.length);
  return gas;
}

/**
 * EIP-7623: the least gas the transaction uses, 21000 + tokens * floor cost, where a zero calldata
 * byte is one token and a non-zero byte four. 0 in forks without the floor. `zeros` as for intrinsicGas.
 */
export function calldataFloorGas(tx: Transaction, rules: ForkRules, zeros?: number): bigint {
  if (rules.calldataFloorPerToken === 0) return 0n;
  const data = tx.data;
  const tokens = data.length * TOKENS_PER_NONZERO_BYTE - (zeros ?? zeroBytes(data)) * (TOKENS_PER_NONZERO_BYTE - 1);
  return TX_BASE_GAS + BigInt(tokens) * BigInt(rules.calldataFloorPerToken);
}

/**
 * Throws when the transaction's type or fields are not allowed in this fork, or when its gas limit
 * is below its intrinsic gas or its calldata floor (pass `intrinsic` and `floor` when already
 * computed, to skip recomputing them). Stateless checks only: nonce, balance, fees against the
 * block's base fee and the signature are checked elsewhere.
 */
export function validateForFork(
  tx: Transaction,
  rules: ForkRules,
  intrinsic: bigint = intrinsicGas(tx, rules),
  floor: bigint = calldataFloorGas(tx, rules),
): void {
  if (tx.type === TxType.AccessList && !rules.eip2930) throw new Error("access-list transactions (EIP-2930) are not enabled in this fork");
  if (tx.type === TxType.FeeMarket && !rules.eip1559) throw new Error("fee-market transactions (EIP-1559) are not enabled in this fork");
  if (tx.type === TxType.Blob) {
    if (!rules.hasBlobs) throw new Error("blob transactions (EIP-4844) are not enabled in this fork");
    if (tx.to === null) throw new Error("blob transaction cannot create a contract");
    if (tx.blobVersionedHashes.length === 0) throw new Error("blob transaction without blob hashes");
    for (const h of tx.blobVersionedHashes) {
      if (typeof h === "number" || h >> 248n !== 1n) throw new Error("blob versioned hash with a version other than 0x01");
    }
    // EIP-7594 caps blobs per transaction below the block's maximum (before it, the block's maximum applies).
    const max = rules.blobs.maxPerTransaction;
    if (tx.blobVersionedHashes.length > max) throw new Error(`too many blobs: ${tx.blobVersionedHashes.length} above ${max} per transaction`);
  }
  if (tx.type === TxType.SetCode) validateSetCode(tx, rules);
  if (tx.maxPriorityFeePerGas > tx.maxFeePerGas) throw new Error("max priority fee per gas above max fee per gas");
  if (tx.nonce >= 0xffffffffffffffffn) throw new Error("nonce at or above 2^64-1 (EIP-2681)");
  if (rules.eip3860 && tx.to === null && tx.data.length > rules.maxInitCodeSize) {
    throw new Error(`initcode of ${tx.data.length} bytes exceeds ${rules.maxInitCodeSize} (EIP-3860)`);
  }
  if (tx.maxFeePerGas > MAX_U256 || tx.gasLimit * tx.maxFeePerGas > MAX_U256) throw new Error("gas limit times fee overflows 256 bits");
  if (tx.gasLimit < intrinsic) throw new Error(`intrinsic gas too low: gas limit ${tx.gasLimit} below intrinsic gas ${intrinsic}`);
  if (tx.gasLimit < floor) throw new Error(`intrinsic gas too low: gas limit ${tx.gasLimit} below the calldata floor ${floor} (EIP-7623)`);
  if (rules.txGasLimitCap > 0n && tx.gasLimit > rules.txGasLimitCap) {
    throw new Error(`gas limit ${tx.gasLimit} above the transaction gas limit cap ${rules.txGasLimitCap} (EIP-7825)`);
  }
}

/** EIP-7702: a recipient, at least one authorization, each within the EIP's field bounds. */
function validateSetCode(tx: Transaction, rules: ForkRules): void {
  if (!rules.eip7702) throw new Error("set-code transactions (EIP-7702) are not enabled in this fork");
  if (tx.to === null) throw new Error("set-code transaction cannot create a contract");
  if (tx.authorizationList.length === 0) throw new Error("set-code transaction with an empty authorization list");
  for (const auth of tx.authorizationList) {
    if (auth.chainId > MAX_U256 || auth.nonce > MAX_U64 || auth.yParity > 0xffn || auth.r > MAX_U256 || auth.s > MAX_U256) {
      throw new Error("authorization field out of bounds (EIP-7702)");
    }
  }
}

