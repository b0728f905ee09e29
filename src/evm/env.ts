// What the EVM sees of the block and of the transaction it runs.
import type { Word } from "../primitives/word.js";

export interface BlockEnv {
  coinbase: Word;
  number: bigint;
  timestamp: bigint;
  gasLimit: bigint;
  /** Pre-merge DIFFICULTY. */
  difficulty: bigint;
  /** Post-merge PREVRANDAO (the header's mixHash). */
  prevRandao: Word;
  baseFee: bigint;
  chainId: bigint;
  /** Blob base fee derived from the header's excessBlobGas (EIP-4844). */
  blobBaseFee: bigint;
  /** Hash of an ancestor block, or undefined when unknown. */
  blockHash(number: bigint): Word | undefined;
}

export interface TxEnv {
  origin: Word;
  gasPrice: bigint;
  blobHashes: Word[];
}
