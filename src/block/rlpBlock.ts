// Blocks in their network encoding, strictly decoded into the block model:
//   block  = rlp([header, transactions, ommers])                 before Shanghai
//          = rlp([header, transactions, ommers, withdrawals])    from Shanghai (EIP-4895)
//   header = rlp([parentHash, ommersHash, coinbase, stateRoot, transactionsRoot, receiptsRoot,
//                 logsBloom, difficulty, number, gasLimit, gasUsed, timestamp, extraData, mixHash,
//                 nonce,                                            15 fields (Frontier)
//                 baseFeePerGas,                                    16 (London, EIP-1559)
//                 withdrawalsRoot,                                  17 (Shanghai, EIP-4895)
//                 blobGasUsed, excessBlobGas, parentBeaconBlockRoot 20 (Cancun, EIP-4844/4788)
//                 requestsHash])                                    21 (Prague, EIP-7685)
// A transaction is a legacy RLP list or a byte string holding an EIP-2718 envelope; a withdrawal
// is [index, validatorIndex, address, amount]. The block hash is keccak of the header's RLP.
// Senders are not recovered here: that needs the fork's rules (see senders.ts).
import { keccak256 } from "../primitives/hash.js";
import { bytesToBigint } from "../primitives/bytes.js";
import { decode, encode, type RlpItem } from "../primitives/rlp.js";
import { fromBytes, type Word } from "../primitives/word.js";
import { decodeTransaction, TransactionDecodeError } from "../tx/txEncoding.js";
import type { Transaction } from "../tx/types.js";
import type { Block, BlockHeader, Ommer, Withdrawal } from "./block.js";

/** The bytes are not a valid block (or header) encoding; the message names the field and why. */
export class BlockDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BlockDecodeError";
  }
}

/** Header fields the block model leaves out; header validation needs them. */
export interface HeaderExtras {
  ommersHash: Uint8Array;
  extraData: Uint8Array;
  /** 8 bytes (the proof-of-work nonce; zero after the Merge). */
  nonce: Uint8Array;
}

export interface DecodedHeader {
  /** `hash` is set: keccak of the header's RLP. */
  header: BlockHeader & { hash: Uint8Array };
  extras: HeaderExtras;
}

export interface DecodedBlock extends DecodedHeader {
  block: Block;
  /** The block's encoded size in bytes (EIP-7934 caps it). */
  size: number;
}

// Size limits, in bytes, of the header's integers. Number, gas and time fit 64 bits as every client
// holds them; difficulty and base fee are 256-bit.
const U64 = 8;
const U256 = 32;

/** Field counts of the header layouts, and the fork that introduced each. */
const HEADER_LAYOUTS: Record<number, string> = {
  15: "Frontier",
  16: "London (baseFeePerGas)",
  17: "Shanghai (withdrawalsRoot)",
  20: "Cancun (blobGasUsed, excessBlobGas, parentBeaconBlockRoot)",
  21: "Prague (requestsHash)",
};
/** EIP-7928 (Amsterdam) adds blockAccessListHash as a 22nd field; pevm stops at BPO2. */
const AMSTERDAM_FIELDS = 22;

function fail(message: string): never {
  throw new BlockDecodeError(message);
}

function bytesAt(item: RlpItem | undefined, what: string): Uint8Array {
  if (item === undefined) fail(`${what}: missing`);
  if (!(item instanceof Uint8Array)) fail(`${what}: expected a byte string, got a list`);
  return item;
}

function listAt(item: RlpItem | undefined, what: string): RlpItem[] {
  if (item === undefined) fail(`${what}: missing`);
  if (!Array.isArray(item)) fail(`${what}: expected a list, got a byte string`);
  return item;
}

function fixedBytes(item: RlpItem | undefined, what: string, length: number): Uint8Array {
  const b = bytesAt(item, what);
  if (b.length !== length) fail(`${what}: expected ${length} bytes, got ${b.length}`);
  return b;
}

/** A canonical unsigned integer (no leading zero byte) of at most maxBytes bytes. */
function uint(item: RlpItem | undefined, what: string, maxBytes: number): bigint {
  const b = bytesAt(item, what);
  if (b.length > 0 && b[0] === 0) fail(`${what}: integer has leading zero bytes`);
  if (b.length > maxBytes) fail(`${what}: integer of ${b.length} bytes exceeds ${maxBytes * 8} bits`);
  return bytesToBigint(b);
}

function address(item: RlpItem | undefined, what: string): Word {
  return fromBytes(fixedBytes(item, what, 20), 0, 20);
}

function rlpDecode(bytes: Uint8Array, what: string): RlpItem {
  try {
    return decode(bytes);
  } catch (e) {
    fail(`${what}: ${(e as Error).message}`);
  }
}

/** Decodes a header from its RLP; the hash is keccak of exactly these bytes. */
export function decodeHeader(bytes: Uint8Array): DecodedHeader {
  return headerFromItem(rlpDecode(bytes, "header"), "header", keccak256(bytes));
}

/**
 * A header from its decoded RLP list. `hash`: keccak of its encoding when the caller has the bytes;
 * otherwise the list is encoded again (decoding is canonical, so the bytes are the same).
 */
function headerFromItem(item: RlpItem, what: string, hash?: Uint8Array): DecodedHeader {
  const f = listAt(item, what);
  if (f.length === AMSTERDAM_FIELDS) fail(`${what}: 22 fields, with blockAccessListHash from EIP-7928 (Amsterdam), a fork after BPO2 that pevm does not execute`);
  if (HEADER_LAYOUTS[f.length] === undefined) {
    const known = Object.entries(HEADER_LAYOUTS).map(([n, fork]) => `${n} (${fork})`).join(", ");
    fail(`${what}: ${f.length} fields; a header has ${known}`);
  }
  const at = (i: number, name: string) => [f[i], `${what}.${name}`] as const;
  const hash32 = (i: number, name: string) => fixedBytes(...at(i, name), 32);
  const optional = <T>(i: number, read: () => T): T | null => (i < f.length ? read() : null);
  const header: BlockHeader & { hash: Uint8Array } = {
    parentHash: hash32(0, "parentHash"),
    coinbase: address(...at(2, "coinbase")),
    stateRoot: hash32(3, "stateRoot"),
    transactionsRoot: hash32(4, "transactionsRoot"),
    receiptsRoot: hash32(5, "receiptsRoot"),
    logsBloom: fixedBytes(...at(6, "logsBloom"), 256),
    difficulty: uint(...at(7, "difficulty"), U256),
    number: uint(...at(8, "number"), U64),
    gasLimit: uint(...at(9, "gasLimit"), U64),
    gasUsed: uint(...at(10, "gasUsed"), U64),
    timestamp: uint(...at(11, "timestamp"), U64),
    mixHash: fromBytes(hash32(13, "mixHash"), 0, 32),
    baseFeePerGas: optional(15, () => uint(...at(15, "baseFeePerGas"), U256)),
    withdrawalsRoot: optional(16, () => hash32(16, "withdrawalsRoot")),
    blobGasUsed: optional(17, () => uint(...at(17, "blobGasUsed"), U64)),
    excessBlobGas: optional(18, () => uint(...at(18, "excessBlobGas"), U64)),
    parentBeaconBlockRoot: optional(19, () => hash32(19, "parentBeaconBlockRoot")),
    requestsHash: optional(20, () => hash32(20, "requestsHash")),
    hash: hash ?? keccak256(encode(f)),
  };
  const extras: HeaderExtras = {
    ommersHash: hash32(1, "ommersHash"),
    extraData: bytesAt(...at(12, "extraData")),
    nonce: fixedBytes(...at(14, "nonce"), 8),
  };
  return { header, extras };
}

/**
 * Decodes a block from its RLP: header, transactions (each strictly, with its hash), ommers and,
 * when present, withdrawals. Throws BlockDecodeError naming the part that is wrong.
 */
export function decodeBlock(bytes: Uint8Array): DecodedBlock {
  const parts = listAt(rlpDecode(bytes, "block"), "block");
  if (parts.length !== 3 && parts.length !== 4) fail(`block: ${parts.length} parts; expected [header, transactions, ommers] or, from Shanghai, with withdrawals`);
  const { header, extras } = headerFromItem(parts[0]!, "header");
  const withdrawals = parts.length === 4 ? listAt(parts[3], "withdrawals").map(withdrawalFromItem) : null;
  if ((withdrawals === null) !== (header.withdrawalsRoot === null)) {
    fail(withdrawals === null ? "block: the header has a withdrawalsRoot but the block no withdrawals list" : "block: a withdrawals list, but the header has no withdrawalsRoot");
  }
  const block: Block = {
    header,
    transactions: listAt(parts[1], "transactions").map(transactionFromItem),
    withdrawals,
    ommers: listAt(parts[2], "ommers").map((item, i) => ommerFromItem(item, `ommers[${i}]`)),
  };
  return { block, header, extras, size: bytes.length };
}

/** A legacy transaction is an RLP list; a typed one a byte string holding `type ‖ rlp(payload)`. */
function transactionFromItem(item: RlpItem, i: number): Transaction {
  const what = `transactions[${i}]`;
  let raw: Uint8Array;
  if (Array.isArray(item)) {
    raw = encode(item);
  } else {
    if (item.length === 0) fail(`${what}: an empty byte string`);
    if (item[0]! >= 0x80) fail(`${what}: a byte string starting with 0x${item[0]!.toString(16)}, not a typed transaction (EIP-2718 types are 0x00-0x7f; a legacy transaction is a list)`);
    raw = item;
  }
  try {
    return decodeTransaction(raw);
  } catch (e) {
    if (e instanceof TransactionDecodeError) fail(`${what}: ${e.message}`);
    throw e;
  }
}

function withdrawalFromItem(item: RlpItem, i: number): Withdrawal {
  const what = `withdrawals[${i}]`;
  const f = listAt(item, what);
  if (f.length !== 4) fail(`${what}: ${f.length} fields; expected [index, validatorIndex, address, amount]`);
  return {
    index: uint(f[0], `${what}.index`, U64),
    validatorIndex: uint(f[1], `${what}.validatorIndex`, U64),
    address: address(f[2], `${what}.address`),
    amount: uint(f[3], `${what}.amount`, U64),
  };
}

/** An ommer is a whole header: its hash, number and miner (for the pre-merge uncle reward). */
function ommerFromItem(item: RlpItem, what: string): Ommer {
  const { header } = headerFromItem(item, what);
  return { hash: header.hash, number: header.number, coinbase: header.coinbase };
}
