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
  parseHexQuantity,
  type JsonObject,
} from "./json.js";
import { TxType, type AccessListEntry, type Authorization, type Transaction } from "../tx/types.js";

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
  const u64 = (v: unknown, w: string) => parseHexQuantity(v, w, 64);
  refuseLaterFork(obj, where);
  return {
    number: req("number", u64),
    timestamp: req("timestamp", u64),
    hash: opt("hash", bytes32),
    parentHash: req("parentHash", bytes32),
    coinbase: req("miner", parseAddress),
    gasLimit: req("gasLimit", u64),
    gasUsed: req("gasUsed", u64),
    difficulty: opt("difficulty", parseHexQuantity) ?? 0n,
    mixHash: opt("mixHash", parseHash) ?? 0,
    stateRoot: opt("stateRoot", bytes32),
    receiptsRoot: req("receiptsRoot", bytes32),
    transactionsRoot: opt("transactionsRoot", bytes32),
    logsBloom: req("logsBloom", (v, w) => parseData(v, w, 256)),
    baseFeePerGas: opt("baseFeePerGas", parseHexQuantity),
    withdrawalsRoot: opt("withdrawalsRoot", bytes32),
    blobGasUsed: opt("blobGasUsed", u64),
    excessBlobGas: opt("excessBlobGas", u64),
    parentBeaconBlockRoot: opt("parentBeaconBlockRoot", bytes32),
    requestsHash: opt("requestsHash", bytes32),
  };
}

// Header fields of forks after the last one this engine executes (BPO2), and what they belong to.
const LATER_FORK_FIELDS: Record<string, string> = {
  blockAccessListHash: "EIP-7928 block-level access lists (Amsterdam)",
};

/** A block of a fork we do not know must not run under older rules: refuse it, naming why. */
function refuseLaterFork(header: Record<string, unknown>, where: string): void {
  for (const [key, what] of Object.entries(LATER_FORK_FIELDS)) {
    if (header[key] !== undefined) throw new InputError(`${where}: the header has ${key}, from ${what}, a fork after BPO2: pevm executes mainnet forks up to BPO2 and will not run this block under older rules`);
  }
}

const TX_TYPES: Record<string, TxType> = { "0": TxType.Legacy, "1": TxType.AccessList, "2": TxType.FeeMarket, "3": TxType.Blob, "4": TxType.SetCode };

/** One transaction object of an RPC block (or of eth_getTransactionByHash). */
export function transactionFromRpc(json: unknown, where: string): Transaction {
  const obj = expectObject(json, where);
  const q = (key: string, bits = 256) => parseHexQuantity(field(obj, key, where), `${where}.${key}`, bits);
  const optQ = (key: string) => {
    const v = optionalField(obj, key);
    return v === undefined ? null : parseHexQuantity(v, `${where}.${key}`);
  };
  const typeValue = optQ("type") ?? 0n;
  const type = TX_TYPES[typeValue.toString()];
  if (type === undefined) throw new InputError(`${where}.type: unsupported transaction type ${typeValue}`);

  // A source may give transactions without signatures (a sender in "from" only): see `unsigned`.
  const unsigned = optionalField(obj, "v") === undefined && optionalField(obj, "r") === undefined && optionalField(obj, "s") === undefined && optionalField(obj, "from") !== undefined;
  const v = unsigned ? 0n : (optQ("yParity") !== null && type !== TxType.Legacy && optionalField(obj, "v") === undefined ? q("yParity") : q("v"));
  let chainId = optQ("chainId");
  if (type === TxType.Legacy) chainId = v >= 35n ? (v - 35n) / 2n : null;
  else if (chainId === null) throw new InputError(`${where}.chainId: missing`);

  const gasPrice = optQ("gasPrice");
  let maxFeePerGas: bigint;
  let maxPriorityFeePerGas: bigint;
  if (type === TxType.FeeMarket || type === TxType.Blob || type === TxType.SetCode) {
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
    nonce: q("nonce", 64),
    maxFeePerGas,
    maxPriorityFeePerGas,
    gasLimit: q("gas", 64),
    to: to === undefined ? null : parseAddress(to, `${where}.to`),
    value: q("value"),
    data: parseData(input, `${where}.input`),
    accessList: type === TxType.Legacy ? [] : accessListFromRpc(optionalField(obj, "accessList") ?? [], `${where}.accessList`),
    maxFeePerBlobGas: type === TxType.Blob ? q("maxFeePerBlobGas") : 0n,
    blobVersionedHashes: type === TxType.Blob ? expectArray(field(obj, "blobVersionedHashes", where), `${where}.blobVersionedHashes`).map((h, i) => parseHash(h, `${where}.blobVersionedHashes[${i}]`)) : [],
    authorizationList: type === TxType.SetCode ? authorizationListFromRpc(field(obj, "authorizationList", where), `${where}.authorizationList`) : [],
    v,
    r: unsigned ? 0n : q("r"),
    s: unsigned ? 0n : q("s"),
  };
  if (rawHash !== undefined) tx.hash = parseData(rawHash, `${where}.hash`, 32);
  if (rawFrom !== undefined) tx.claimedSender = parseAddress(rawFrom, `${where}.from`);
  if (unsigned) tx.sender = tx.claimedSender;
  return tx;
}

/** Whether a transaction came without a signature, its sender taken from "from" unverified. */
export function isUnsigned(tx: Transaction): boolean {
  return tx.r === 0n && tx.s === 0n && tx.sender !== undefined;
}

function authorizationListFromRpc(json: unknown, where: string): Authorization[] {
  return expectArray(json, where).map((a, i) => {
    const at = `${where}[${i}]`;
    const obj = expectObject(a, at);
    // 256 bits each: an authorization with a nonce of 2^64 or more is skipped when executed (EIP-7702), not a bad block.
    const q = (key: string) => parseHexQuantity(field(obj, key, at), `${at}.${key}`);
    return {
      chainId: q("chainId"),
      address: parseAddress(field(obj, "address", at), `${at}.address`),
      nonce: q("nonce"),
      yParity: optionalField(obj, "yParity") !== undefined ? q("yParity") : q("v"),
      r: q("r"),
      s: q("s"),
    };
  });
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
    index: parseHexQuantity(field(obj, "index", where), `${where}.index`, 64),
    validatorIndex: parseHexQuantity(field(obj, "validatorIndex", where), `${where}.validatorIndex`, 64),
    address: parseAddress(field(obj, "address", where), `${where}.address`),
    amount: parseHexQuantity(field(obj, "amount", where), `${where}.amount`, 64),
  };
}

/** An uncle: a hash (what eth_getBlockByNumber gives) or a header object with number and miner. */
function ommerFromRpc(json: unknown, where: string): Ommer {
  if (typeof json === "string") return { hash: parseData(json, where, 32) };
  const obj = expectObject(json, where);
  return {
    hash: parseData(field(obj, "hash", where), `${where}.hash`, 32),
    number: parseHexQuantity(field(obj, "number", where), `${where}.number`, 64),
    coinbase: parseAddress(field(obj, "miner", where), `${where}.miner`),
  };
}
