// The block model every loader produces and every executor consumes.
import type { Word } from "../primitives/word.js";
import type { Transaction } from "../tx/types.js";

export interface BlockHeader {
  number: bigint;
  timestamp: bigint;
  hash: Uint8Array | null;
  parentHash: Uint8Array;
  coinbase: Word;
  gasLimit: bigint;
  gasUsed: bigint;
  difficulty: bigint;
  /** mixHash; PREVRANDAO after the Merge. */
  mixHash: Word;
  /** null when the source gives none (then the post-state cannot be checked against it). */
  stateRoot: Uint8Array | null;
  receiptsRoot: Uint8Array;
  /** Absent from some sources; then not checked. */
  transactionsRoot: Uint8Array | null;
  logsBloom: Uint8Array;
  baseFeePerGas: bigint | null; // London
  withdrawalsRoot: Uint8Array | null; // Shanghai
  blobGasUsed: bigint | null; // Cancun
  excessBlobGas: bigint | null; // Cancun
  parentBeaconBlockRoot: Uint8Array | null; // Cancun (EIP-4788)
  requestsHash: Uint8Array | null; // Prague (EIP-7685)
}

export interface Withdrawal {
  index: bigint;
  validatorIndex: bigint;
  address: Word;
  /** In Gwei, as in the consensus layer. */
  amount: bigint;
}

/** An uncle (ommer). RPC blocks carry only its hash; number and miner are needed for its reward. */
export interface Ommer {
  hash: Uint8Array;
  number?: bigint;
  coinbase?: Word;
}

export interface Block {
  header: BlockHeader;
  transactions: Transaction[];
  withdrawals: Withdrawal[] | null;
  ommers: Ommer[];
}
