// Transaction encodings: the network form (legacy RLP list, or an EIP-2718 envelope `type ‖ rlp`),
// strict decoding of it, the transaction hash, and the message hash a sender signs.
//
// Field orders:
//   legacy:          [nonce, gasPrice, gasLimit, to, value, data, v, r, s]
//   EIP-2930 (0x01): [chainId, nonce, gasPrice, gasLimit, to, value, data, accessList, yParity, r, s]
//   EIP-1559 (0x02): [chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gasLimit, to, value, data, accessList, yParity, r, s]
//   EIP-4844 (0x03): [chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gasLimit, to, value, data, accessList,
//                     maxFeePerBlobGas, blobVersionedHashes, yParity, r, s]
//   EIP-7702 (0x04): [chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gasLimit, to, value, data, accessList,
//                     authorizationList, yParity, r, s], each authorization [chainId, address, nonce, yParity, r, s]
// Only the canonical (block) form of blob transactions is handled, not the pooled network wrapper
// with blobs, commitments and proofs.
import { bytesToBigint } from "../primitives/bytes.js";
import { keccak256 } from "../primitives/hash.js";
import { decode, encode, type RlpInput, type RlpItem } from "../primitives/rlp.js";
import { addressToBytes, fromBytes, wordToBytes, type Word } from "../primitives/word.js";
import { TxType, type AccessListEntry, type Authorization, type Transaction } from "./types.js";

/** The bytes are not a valid transaction encoding; the message says which field and why. */
export class TransactionDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TransactionDecodeError";
  }
}

// Integer size limits, in bytes. EIP-2681 bounds the nonce and (as clients do) the gas limit to
// 64 bits; fees, value, chain id and signature values are 256-bit.
const U8 = 1;
const U64 = 8;
const U256 = 32;

/** EIP-7702: the byte before an authorization's RLP in the message its authority signs. */
const SET_CODE_MAGIC = 0x05;

function fail(what: string): never {
  throw new TransactionDecodeError(what);
}

function bytesField(item: RlpItem, field: string): Uint8Array {
  if (!(item instanceof Uint8Array)) fail(`${field}: expected a byte string, got a list`);
  return item;
}

function listField(item: RlpItem, field: string): RlpItem[] {
  if (!Array.isArray(item)) fail(`${field}: expected a list, got a byte string`);
  return item;
}

/** A canonical unsigned integer of at most maxBytes bytes. */
function uintField(item: RlpItem, field: string, maxBytes: number): bigint {
  const b = bytesField(item, field);
  if (b.length === 0) return 0n;
  if (b[0] === 0) fail(`${field}: integer has leading zero bytes`);
  if (b.length > maxBytes) fail(`${field}: integer of ${b.length} bytes exceeds ${maxBytes * 8} bits`);
  return bytesToBigint(b);
}

function addressField(item: RlpItem, field: string): Word {
  const b = bytesField(item, field);
  if (b.length !== 20) fail(`${field}: address must be 20 bytes, got ${b.length}`);
  return fromBytes(b, 0, 20);
}

/** The recipient: empty for a contract creation, else exactly 20 bytes. */
function toField(item: RlpItem): Word | null {
  const b = bytesField(item, "to");
  if (b.length === 0) return null;
  if (b.length !== 20) fail(`to: address must be 20 bytes (or empty for a creation), got ${b.length}`);
  return fromBytes(b, 0, 20);
}

function hash32Field(item: RlpItem, field: string): Word {
  const b = bytesField(item, field);
  if (b.length !== 32) fail(`${field}: must be 32 bytes, got ${b.length}`);
  return fromBytes(b, 0, 32);
}

function accessListField(item: RlpItem): AccessListEntry[] {
  const entries = listField(item, "accessList");
  const out: AccessListEntry[] = new Array(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const entry = listField(entries[i]!, `accessList[${i}]`);
    if (entry.length !== 2) fail(`accessList[${i}]: expected [address, storageKeys], got ${entry.length} items`);
    const address = addressField(entry[0]!, `accessList[${i}].address`);
    const keys = listField(entry[1]!, `accessList[${i}].storageKeys`);
    const storageKeys: Word[] = new Array(keys.length);
    for (let k = 0; k < keys.length; k++) storageKeys[k] = hash32Field(keys[k]!, `accessList[${i}].storageKeys[${k}]`);
    out[i] = { address, storageKeys };
  }
  return out;
}

function blobHashesField(item: RlpItem): Word[] {
  const hashes = listField(item, "blobVersionedHashes");
  return hashes.map((h, i) => hash32Field(h, `blobVersionedHashes[${i}]`));
}

/** EIP-7702 authorizations: [chainId, address, nonce, yParity, r, s] each, in the EIP's bounds. */
function authorizationListField(item: RlpItem): Authorization[] {
  const entries = listField(item, "authorizationList");
  const out: Authorization[] = new Array(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const what = `authorizationList[${i}]`;
    const entry = listField(entries[i]!, what);
    if (entry.length !== 6) fail(`${what}: expected [chainId, address, nonce, yParity, r, s], got ${entry.length} items`);
    out[i] = {
      chainId: uintField(entry[0]!, `${what}.chainId`, U256),
      address: addressField(entry[1]!, `${what}.address`),
      nonce: uintField(entry[2]!, `${what}.nonce`, U64),
      yParity: uintField(entry[3]!, `${what}.yParity`, U8),
      r: uintField(entry[4]!, `${what}.r`, U256),
      s: uintField(entry[5]!, `${what}.s`, U256),
    };
  }
  return out;
}

function fieldCount(fields: RlpItem[], expected: number, kind: string): void {
  if (fields.length < expected) fail(`${kind} transaction: too few fields (${fields.length}, expected ${expected})`);
  if (fields.length > expected) fail(`${kind} transaction: too many fields (${fields.length}, expected ${expected})`);
}

function rlpDecode(bytes: Uint8Array, what: string): RlpItem {
  try {
    return decode(bytes);
  } catch (e) {
    fail(`${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * The chain id a legacy transaction's v commits to: null for v = 27/28 (pre-EIP-155) and for
 * values that are no valid v at all (signature checks reject those), (v - 35) / 2 for v >= 35.
 */
export function legacyChainId(v: bigint): bigint | null {
  return v >= 35n ? (v - 35n) >> 1n : null;
}

function decodeLegacy(raw: Uint8Array): Transaction {
  const f = listField(rlpDecode(raw, "legacy transaction"), "legacy transaction");
  fieldCount(f, 9, "legacy");
  const gasPrice = uintField(f[1]!, "gasPrice", U256);
  const v = uintField(f[6]!, "v", U256);
  return {
    type: TxType.Legacy,
    chainId: legacyChainId(v),
    nonce: uintField(f[0]!, "nonce", U64),
    maxFeePerGas: gasPrice,
    maxPriorityFeePerGas: gasPrice,
    gasLimit: uintField(f[2]!, "gasLimit", U64),
    to: toField(f[3]!),
    value: uintField(f[4]!, "value", U256),
    data: bytesField(f[5]!, "data"),
    accessList: [],
    maxFeePerBlobGas: 0n,
    blobVersionedHashes: [],
    authorizationList: [],
    v,
    r: uintField(f[7]!, "r", U256),
    s: uintField(f[8]!, "s", U256),
  };
}

// Typed transactions: the EIP that defines each, and its number of fields (signature included).
const TYPED_KIND: Partial<Record<TxType, string>> = {
  [TxType.AccessList]: "EIP-2930",
  [TxType.FeeMarket]: "EIP-1559",
  [TxType.Blob]: "EIP-4844",
  [TxType.SetCode]: "EIP-7702",
};
const TYPED_FIELD_COUNT: Partial<Record<TxType, number>> = {
  [TxType.AccessList]: 11,
  [TxType.FeeMarket]: 12,
  [TxType.Blob]: 14,
  [TxType.SetCode]: 13,
};

function decodeTyped(type: TxType, raw: Uint8Array): Transaction {
  const kind = TYPED_KIND[type]!;
  const payload = raw.subarray(1);
  if (payload.length === 0) fail(`${kind} transaction: empty payload after the type byte`);
  const f = listField(rlpDecode(payload, `${kind} transaction`), `${kind} transaction payload`);
  fieldCount(f, TYPED_FIELD_COUNT[type]!, kind);
  const chainId = uintField(f[0]!, "chainId", U256);
  const nonce = uintField(f[1]!, "nonce", U64);
  let maxPriorityFeePerGas: bigint;
  let maxFeePerGas: bigint;
  let i = 2;
  if (type === TxType.AccessList) {
    maxFeePerGas = maxPriorityFeePerGas = uintField(f[i++]!, "gasPrice", U256);
  } else {
    maxPriorityFeePerGas = uintField(f[i++]!, "maxPriorityFeePerGas", U256);
    maxFeePerGas = uintField(f[i++]!, "maxFeePerGas", U256);
  }
  const gasLimit = uintField(f[i++]!, "gasLimit", U64);
  const toItem = f[i++]!;
  let to: Word | null;
  if (type === TxType.Blob || type === TxType.SetCode) {
    // EIP-4844 and EIP-7702: the transaction always has a recipient.
    const b = bytesField(toItem, "to");
    if (b.length !== 20) fail(`to: ${type === TxType.Blob ? "a blob" : "a set-code"} transaction's recipient must be a 20-byte address, got ${b.length} bytes`);
    to = fromBytes(b, 0, 20);
  } else {
    to = toField(toItem);
  }
  const value = uintField(f[i++]!, "value", U256);
  const data = bytesField(f[i++]!, "data");
  const accessList = accessListField(f[i++]!);
  let maxFeePerBlobGas = 0n;
  let blobVersionedHashes: Word[] = [];
  if (type === TxType.Blob) {
    maxFeePerBlobGas = uintField(f[i++]!, "maxFeePerBlobGas", U256);
    blobVersionedHashes = blobHashesField(f[i++]!);
  }
  const authorizationList = type === TxType.SetCode ? authorizationListField(f[i++]!) : [];
  const v = uintField(f[i++]!, "yParity", U256);
  const r = uintField(f[i++]!, "r", U256);
  const s = uintField(f[i++]!, "s", U256);
  return { type, chainId, nonce, maxFeePerGas, maxPriorityFeePerGas, gasLimit, to, value, data, accessList, maxFeePerBlobGas, blobVersionedHashes, authorizationList, v, r, s };
}

/**
 * Decodes a transaction from its network encoding: a legacy RLP list, or an EIP-2718 envelope
 * (type 0x01, 0x02, 0x03 or 0x04 followed by the RLP payload). Strict: the encoding must be
 * canonical and complete, so `encodeTransaction(decodeTransaction(raw))` equals `raw`. Sets `hash`
 * (not `sender`).
 * Throws TransactionDecodeError.
 */
export function decodeTransaction(raw: Uint8Array): Transaction {
  if (raw.length === 0) fail("empty transaction encoding");
  const first = raw[0]!;
  let tx: Transaction;
  if (first >= 0xc0) tx = decodeLegacy(raw);
  else if (first >= TxType.AccessList && first <= TxType.SetCode) tx = decodeTyped(first, raw);
  else if (first >= 0x80) fail("legacy transaction: expected an RLP list, got a byte string");
  else fail(`unsupported transaction type 0x${first.toString(16).padStart(2, "0")}`);
  tx.hash = keccak256(raw);
  return tx;
}

function toBytes(to: Word | null): Uint8Array {
  return to === null ? new Uint8Array(0) : addressToBytes(to);
}

function accessListRlp(list: AccessListEntry[]): RlpInput[] {
  return list.map((e) => [addressToBytes(e.address), e.storageKeys.map(wordToBytes)]);
}

function authorizationRlp(auth: Authorization): RlpInput[] {
  return [auth.chainId, addressToBytes(auth.address), auth.nonce, auth.yParity, auth.r, auth.s];
}

function typedChainId(tx: Transaction): bigint {
  if (tx.chainId === null) throw new Error(`typed transaction (type ${tx.type}) without a chain id`);
  return tx.chainId;
}

/** The typed payload's fields before the signature (what the signer signs, after the type byte). */
function typedUnsignedFields(tx: Transaction): RlpInput[] {
  const chainId = typedChainId(tx);
  const to = toBytes(tx.to);
  const accessList = accessListRlp(tx.accessList);
  switch (tx.type) {
    case TxType.AccessList:
      return [chainId, tx.nonce, tx.maxFeePerGas, tx.gasLimit, to, tx.value, tx.data, accessList];
    case TxType.FeeMarket:
      return [chainId, tx.nonce, tx.maxPriorityFeePerGas, tx.maxFeePerGas, tx.gasLimit, to, tx.value, tx.data, accessList];
    case TxType.Blob:
      if (tx.to === null) throw new Error("blob transaction without a recipient cannot be encoded");
      return [
        chainId, tx.nonce, tx.maxPriorityFeePerGas, tx.maxFeePerGas, tx.gasLimit, to, tx.value, tx.data, accessList,
        tx.maxFeePerBlobGas, tx.blobVersionedHashes.map(wordToBytes),
      ];
    case TxType.SetCode:
      if (tx.to === null) throw new Error("set-code transaction without a recipient cannot be encoded");
      return [
        chainId, tx.nonce, tx.maxPriorityFeePerGas, tx.maxFeePerGas, tx.gasLimit, to, tx.value, tx.data, accessList,
        tx.authorizationList.map(authorizationRlp),
      ];
    default:
      throw new Error(`unsupported transaction type ${tx.type as number}`);
  }
}

function legacyUnsignedFields(tx: Transaction): RlpInput[] {
  return [tx.nonce, tx.maxFeePerGas, tx.gasLimit, toBytes(tx.to), tx.value, tx.data];
}

function withType(type: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(payload.length + 1);
  out[0] = type;
  out.set(payload, 1);
  return out;
}

/** The canonical network encoding: legacy `rlp([...])`, typed `type ‖ rlp([...])`. */
export function encodeTransaction(tx: Transaction): Uint8Array {
  if (tx.type === TxType.Legacy) return encode([...legacyUnsignedFields(tx), tx.v, tx.r, tx.s]);
  return withType(tx.type, encode([...typedUnsignedFields(tx), tx.v, tx.r, tx.s]));
}

/** Keccak-256 of the canonical encoding (always recomputed; decodeTransaction also sets `tx.hash`). */
export function transactionHash(tx: Transaction): Uint8Array {
  return keccak256(encodeTransaction(tx));
}

/**
 * The message hash the sender signed. Legacy: keccak(rlp([nonce, gasPrice, gasLimit, to, value,
 * data])) when `chainId` is null, with `chainId, 0, 0` appended under EIP-155. Typed:
 * keccak(type ‖ rlp(fields without the signature)).
 */
export function signingHash(tx: Transaction): Uint8Array {
  if (tx.type === TxType.Legacy) {
    const fields = legacyUnsignedFields(tx);
    if (tx.chainId !== null) fields.push(tx.chainId, 0, 0);
    return keccak256(encode(fields));
  }
  return keccak256(withType(tx.type, encode(typedUnsignedFields(tx))));
}

/** The message an EIP-7702 authority signs: keccak(0x05 ‖ rlp([chainId, address, nonce])). */
export function authorizationSigningHash(auth: Authorization): Uint8Array {
  return keccak256(withType(SET_CODE_MAGIC, encode([auth.chainId, addressToBytes(auth.address), auth.nonce])));
}
