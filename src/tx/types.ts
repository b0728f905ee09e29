// The transaction model shared by the loaders (RPC JSON, RLP, state tests) and the executor.
import type { Word } from "../primitives/word.js";

export enum TxType {
  Legacy = 0,
  AccessList = 1, // EIP-2930
  FeeMarket = 2, // EIP-1559
  Blob = 3, // EIP-4844
  SetCode = 4, // EIP-7702
}

export interface AccessListEntry {
  address: Word; // canonical word (see primitives/word.ts)
  storageKeys: Word[];
}

/** A signed EIP-7702 authorization: the authority (recovered from the signature) delegates to `address`. */
export interface Authorization {
  chainId: bigint; // 0: valid on any chain
  address: Word;
  nonce: bigint;
  yParity: bigint;
  r: bigint;
  s: bigint;
  /** The signer, once recovered; null when the signature recovers no address (the entry is skipped). */
  authority?: Word | null;
}

export interface Transaction {
  type: TxType;
  chainId: bigint | null; // null: legacy transaction without EIP-155 replay protection
  nonce: bigint;
  /** Legacy and EIP-2930: the gas price. EIP-1559/4844: maxFeePerGas. */
  maxFeePerGas: bigint;
  /** Legacy and EIP-2930: equal to the gas price. */
  maxPriorityFeePerGas: bigint;
  gasLimit: bigint;
  to: Word | null; // null: contract creation
  value: bigint;
  data: Uint8Array;
  accessList: AccessListEntry[];
  maxFeePerBlobGas: bigint; // 0 unless type 3
  blobVersionedHashes: Word[]; // empty unless type 3
  authorizationList: Authorization[]; // empty unless type 4
  /** Signature: v is the raw value (27/28, 35+2*chainId+{0,1}, or the y-parity 0/1 for typed txs). */
  v: bigint;
  r: bigint;
  s: bigint;
  /** Sender, when known (recovered from the signature, or given by a test's secret key). */
  sender?: Word;
  /** Sender as the source claims it (an RPC block's `from`), checked against the recovered one. */
  claimedSender?: Word;
  /** Keccak of the transaction's canonical encoding, when known. */
  hash?: Uint8Array;
}
