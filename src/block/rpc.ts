// Loader for the JSON-RPC block format: the result of eth_getBlockByNumber(n, true).
import type { Block, BlockHeader, Ommer, Withdrawal } from "./block.js";
import {
  expectArray,
  expectObject,
  field,
  InputError,
  optionalField,
  parseAddress,
  parseData,
  parseHash,
  parseQuantity,
  type JsonObject,
} from "./json.js";
import { TxType, type AccessListEntry, type Transaction } from "../tx/types.js";

/** Parses an eth_getBlockByNumber(n, true) result; `where` names the source in errors. */
export function blockFromRpc(json: unknown, where: string): Block {
  const obj = expectObject(json, where);
  const header = headerFromRpc(obj, where);
  const txs = expectArray(field(obj, "transactions", where), `${where}.transactions`);
  const transactions = txs.map((tx, i) => {
    if (typeof tx === "string") throw new InputError(`${where}.transactions[${i}]: a hash only; fetch the block with full transactions (eth_getBlockByNumber(n, true))`);
    return transactionFromRpc(tx, `${where}.transactions[${i}]`);
  });
  const rawWithdrawals = optionalField(obj, "withdrawals");
  const withdrawals = rawWithdrawals === undefined ? null : expectArray(rawWithdrawals, `${where}.withdrawals`).map((w, i) => withdrawalFromRpc(w, `${where}.withdrawals[${i}]`));
  const rawUncles = optionalField(obj, "uncles") ?? [];
  const ommers = expectArray(rawUncles, `${where}.uncles`).map((u, i) => ommerFromRpc(u, `${where}.uncles[${i}]`));
  return { header, transactions, withdrawals, ommers };
}

function headerFromRpc(obj: JsonObject, where: string): BlockHeader {
  const opt = <T>(key: string, parse: (v: unknown, w: string) => T): T | null => {
    const v = optionalField(obj, key);
    return v === undefined ? null : parse(v, `${where}.${key}`);
  };
  const req = <T>(key: string, parse: (v: unknown, w: string) => T): T => parse(field(obj, key, where), `${where}.${key}`);
  const bytes32 = (v: unknown, w: string) => parseData(v, w, 32);
  return {
    number: req("number", parseQuantity),
    timestamp: req("timestamp", parseQuantity),
    hash: opt("hash", bytes32),
    parentHash: req("parentHash", bytes32),
    coinbase: req("miner", parseAddress),
    gasLimit: req("gasLimit", parseQuantity),
    gasUsed: req("gasUsed", parseQuantity),
    difficulty: opt("difficulty", parseQuantity) ?? 0n,
    mixHash: opt("mixHash", parseHash) ?? 0,
    stateRoot: req("stateRoot", bytes32),
    receiptsRoot: req("receiptsRoot", bytes32),
    logsBloom: req("logsBloom", (v, w) => parseData(v, w, 256)),
    baseFeePerGas: opt("baseFeePerGas", parseQuantity),
    withdrawalsRoot: opt("withdrawalsRoot", bytes32),
    blobGasUsed: opt("blobGasUsed", parseQuantity),
    excessBlobGas: opt("excessBlobGas", parseQuantity),
    parentBeaconBlockRoot: opt("parentBeaconBlockRoot", bytes32),
  };
}

const TX_TYPES: Record<string, TxType> = { "0": TxType.Legacy, "1": TxType.AccessList, "2": TxType.FeeMarket, "3": TxType.Blob };

/** One transaction object of an RPC block (or of eth_getTransactionByHash). */
export function transactionFromRpc(json: unknown, where: string): Transaction {
  const obj = expectObject(json, where);
  const q = (key: string) => parseQuantity(field(obj, key, where), `${where}.${key}`);
  const optQ = (key: string) => {
    const v = optionalField(obj, key);
    return v === undefined ? null : parseQuantity(v, `${where}.${key}`);
  };
  const typeValue = optQ("type") ?? 0n;
  const type = TX_TYPES[typeValue.toString()];
  if (type === undefined) throw new InputError(`${where}.type: unsupported transaction type ${typeValue}`);

  const v = q("v");
  let chainId = optQ("chainId");
  if (type === TxType.Legacy) chainId = v >= 35n ? (v - 35n) / 2n : null;
  else if (chainId === null) throw new InputError(`${where}.chainId: missing`);

  const gasPrice = optQ("gasPrice");
  let maxFeePerGas: bigint;
  let maxPriorityFeePerGas: bigint;
  if (type === TxType.FeeMarket || type === TxType.Blob) {
    maxFeePerGas = q("maxFeePerGas");
    maxPriorityFeePerGas = q("maxPriorityFeePerGas");
  } else {
    if (gasPrice === null) throw new InputError(`${where}.gasPrice: missing`);
    maxFeePerGas = maxPriorityFeePerGas = gasPrice;
  }

  const to = optionalField(obj, "to");
  const input = optionalField(obj, "input") ?? optionalField(obj, "data") ?? "0x";
  const rawHash = optionalField(obj, "hash");
  const rawFrom = optionalField(obj, "from");
  const tx: Transaction = {
    type,
    chainId,
    nonce: q("nonce"),
    maxFeePerGas,
    maxPriorityFeePerGas,
    gasLimit: parseQuantity(field(obj, "gas", where), `${where}.gas`),
    to: to === undefined ? null : parseAddress(to, `${where}.to`),
    value: q("value"),
    data: parseData(input, `${where}.input`),
    accessList: type === TxType.Legacy ? [] : accessListFromRpc(optionalField(obj, "accessList") ?? [], `${where}.accessList`),
    maxFeePerBlobGas: type === TxType.Blob ? q("maxFeePerBlobGas") : 0n,
    blobVersionedHashes: type === TxType.Blob ? expectArray(field(obj, "blobVersionedHashes", where), `${where}.blobVersionedHashes`).map((h, i) => parseHash(h, `${where}.blobVersionedHashes[${i}]`)) : [],
    authorizationList: [],
    v,
    r: q("r"),
    s: q("s"),
  };
  if (rawHash !== undefined) tx.hash = parseData(rawHash, `${where}.hash`, 32);
  if (rawFrom !== undefined) tx.claimedSender = parseAddress(rawFrom, `${where}.from`);
  return tx;
}

function accessListFromRpc(json: unknown, where: string): AccessListEntry[] {
  return expectArray(json, where).map((e, i) => {
    const entry = expectObject(e, `${where}[${i}]`);
    const keys = expectArray(field(entry, "storageKeys", `${where}[${i}]`), `${where}[${i}].storageKeys`);
    return {
      address: parseAddress(field(entry, "address", `${where}[${i}]`), `${where}[${i}].address`),
      storageKeys: keys.map((k, j) => parseHash(k, `${where}[${i}].storageKeys[${j}]`)),
    };
  });
}

function withdrawalFromRpc(json: unknown, where: string): Withdrawal {
  const obj = expectObject(json, where);
  return {
    index: parseQuantity(field(obj, "index", where), `${where}.index`),
    validatorIndex: parseQuantity(field(obj, "validatorIndex", where), `${where}.validatorIndex`),
    address: parseAddress(field(obj, "address", where), `${where}.address`),
    amount: parseQuantity(field(obj, "amount", where), `${where}.amount`),
  };
}

/** An uncle: a hash (what eth_getBlockByNumber gives) or a header object with number and miner. */
function ommerFromRpc(json: unknown, where: string): Ommer {
  if (typeof json === "string") return { hash: parseData(json, where, 32) };
  const obj = expectObject(json, where);
  return {
    hash: parseData(field(obj, "hash", where), `${where}.hash`, 32),
    number: parseQuantity(field(obj, "number", where), `${where}.number`),
    coinbase: parseAddress(field(obj, "miner", where), `${where}.miner`),
  };
}
