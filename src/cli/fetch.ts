// `pevm fetch`: downloads blocks from a node's JSON-RPC into the fixture layout that the loaders
// read (see ../shared/fixtures/README.md):
//   <out>/<number>/block.json       eth_getBlockByNumber(n, true)
//   <out>/<number>/pre_state.json   every account the block touches, before the block
//   <out>/<number>/receipts.json    eth_getBlockReceipts(n), or eth_getTransactionReceipt per
//                                   transaction where the node lacks it (unless --no-receipts)
//   <out>/bytecodes.json            code hash → code (merged with what is there)
//   <out>/block_hashes.json         number → hash of the 256 ancestors BLOCKHASH can read (merged)
// The pre-state comes from geth's prestateTracer (debug_traceBlockByNumber), completed with
// eth_getBalance/eth_getTransactionCount/eth_getCode/eth_getStorageAt at block n-1 for what the
// trace cannot show: the coinbase, uncle miners and withdrawal recipients of a block without
// transactions, contracts created inside the block, system contracts and state that changes before
// the first transaction (beacon roots, parent hash history, the DAO fork).
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { convertPrestateTrace, isEmptyAccount, type FixtureAccount } from "../block/prestateTracer.js";
import { rpcBatch, rpcCall, RpcError, toQuantity, type RpcOptions, type RpcRequest } from "../block/jsonRpc.js";
import { DAO_ACCOUNTS, DAO_FORK_BLOCK, DAO_REFUND_CONTRACT } from "../block/dao.js";
import { bytesToHex, hexToBytes } from "../primitives/bytes.js";
import { keccak256 } from "../primitives/hash.js";
import { JsonFileError, readJsonFile } from "../primitives/jsonFiles.js";
import { intOption, optionHelp, parseArgs, UsageError, type OptionSpec } from "./args.js";
import { describe, isJsonObject } from "../block/json.js";

const SPEC: Record<string, OptionSpec> = {
  rpc: { value: true, description: "the node's JSON-RPC HTTP URL (required; needs the debug API)" },
  out: { value: true, description: "output directory (default ./blocks)" },
  timeout: { value: true, description: "seconds to wait for each request (default 120)" },
  "batch-size": { value: true, description: "most calls in one JSON-RPC batch (default 100)" },
  "no-receipts": { description: "do not fetch the receipts (receipts.json)" },
  "embed-uncles": { description: "write uncles in block.json as {hash, number, miner} so uncle rewards can be paid" },
  json: { description: "print a JSON summary on stdout" },
  help: { description: "show this help" },
};

export const FETCH_HELP = `usage: pevm fetch --rpc <url> [options] <block>...

Downloads blocks and their pre-state from an Ethereum node into <out>:
  <out>/<number>/block.json      the block as eth_getBlockByNumber(<number>, true) returns it
  <out>/<number>/pre_state.json  every account the block touches, as it was before the block
  <out>/<number>/receipts.json   the block's receipts as eth_getBlockReceipts(<number>) returns them
                                 (eth_getTransactionReceipt for each transaction on a node without
                                 it); pevm run reads it to name the first transaction whose gas
                                 used, status or logs differ when the block does not match
  <out>/bytecodes.json           code hash → bytecode (merged with an existing file)
  <out>/block_hashes.json        number → hash of the 256 blocks before each block (merged)
A <block> is a decimal or 0x-hex number, or an inclusive range such as 19000000-19000009.
The node must serve debug_traceBlockByNumber with the prestateTracer (geth, reth, erigon with the
debug API enabled) and hold the state of block <number>-1 (an archive node for old blocks).
Files are written whole (temporary file, then rename); block.json is written last.
With --json, each block's summary says whether receipts.json was written (receipts: true/false).

${optionHelp(SPEC)}`;

export interface FetchedBlockSummary {
  number: number;
  hash: string;
  dir: string;
  txs: number;
  accounts: number;
  bytecodes: number;
  /** Whether receipts.json was written. */
  receipts: boolean;
}

interface Context {
  url: string;
  rpc: RpcOptions;
  out: string;
  embedUncles: boolean;
  receipts: boolean;
  /** false once the node has answered eth_getBlockReceipts with "method not found". */
  blockReceipts: boolean;
  bytecodes: Record<string, string>;
  blockHashes: Record<string, string>;
  chainId: bigint | undefined;
  log: (line: string) => void;
}

export async function fetchCommand(argv: string[]): Promise<number> {
  const { positionals, options } = parseArgs(argv, SPEC);
  if (options.help) {
    console.log(FETCH_HELP);
    return 0;
  }
  if (typeof options.rpc !== "string" || options.rpc === "") throw new UsageError("fetch needs --rpc <url>");
  let url: URL;
  try {
    url = new URL(options.rpc);
  } catch {
    throw new UsageError(`--rpc: not a URL: ${options.rpc}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`--rpc: only http:// and https:// URLs are supported, got ${url.protocol}`);
  if (positionals.length === 0) throw new UsageError("fetch needs at least one block number");
  const numbers = positionals.flatMap(parseBlockSpec);
  const out = resolve(typeof options.out === "string" ? options.out : "blocks");
  // Before asking the node anything: a file where the output directory should be.
  if (existsSync(out) && !statSync(out).isDirectory()) throw new Error(`--out ${out}: a file, not a directory`);
  const json = options.json === true;
  const ctx: Context = {
    url: options.rpc,
    rpc: { timeoutMs: intOption(options, "timeout", 120) * 1000, maxBatch: intOption(options, "batch-size", 100) },
    out,
    embedUncles: options["embed-uncles"] === true,
    receipts: options["no-receipts"] !== true,
    blockReceipts: true,
    bytecodes: readJsonMap(join(out, "bytecodes.json")),
    blockHashes: readJsonMap(join(out, "block_hashes.json")),
    chainId: undefined,
    log: (line) => process.stderr.write(`${line}\n`),
  };
  const blocks: FetchedBlockSummary[] = [];
  try {
    for (const n of numbers) blocks.push(await fetchBlock(ctx, n));
  } catch (e) {
    if (json) console.log(JSON.stringify({ ok: false, error: (e as Error).message, blocks }, null, 2));
    throw e;
  }
  if (json) console.log(JSON.stringify({ ok: true, blocks }, null, 2));
  return 0;
}

/** "19000000", "0x121eac0" or an inclusive range "A-B" of either. */
export function parseBlockSpec(spec: string): number[] {
  const range = /^([^-]+)-([^-]+)$/.exec(spec);
  if (range) {
    const from = parseBlockNumber(range[1]!, spec);
    const to = parseBlockNumber(range[2]!, spec);
    if (to < from) throw new UsageError(`block range ${spec}: the end is before the start`);
    if (to - from >= 100_000) throw new UsageError(`block range ${spec}: more than 100000 blocks`);
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  }
  return [parseBlockNumber(spec, spec)];
}

function parseBlockNumber(text: string, spec: string): number {
  const n = /^[0-9]+$/.test(text) ? Number(text) : /^0x[0-9a-fA-F]+$/.test(text) ? Number(BigInt(text)) : NaN;
  if (!Number.isSafeInteger(n)) throw new UsageError(`not a block number: ${spec} (decimal, 0x hex, or a range A-B)`);
  if (n === 0) throw new UsageError("block 0 (genesis) has no parent state to trace; its state is the genesis allocation");
  return n;
}

async function fetchBlock(ctx: Context, n: number): Promise<FetchedBlockSummary> {
  const tag = toQuantity(n);
  const parent = toQuantity(n - 1);
  const where = `block ${n}`;
  ctx.log(`${where}: fetching the block`);
  const block = await rpcCall<unknown>(ctx.url, "eth_getBlockByNumber", [tag, true], ctx.rpc);
  if (block === null || block === undefined) throw new Error(`${where} not found on the node (past the chain head, or a node that has pruned it)`);
  const header = checkBlock(block, n, where);
  const txs = header.transactions;

  let trace: unknown = [];
  if (txs.length > 0) {
    ctx.log(`${where}: tracing ${txs.length} transaction${txs.length === 1 ? "" : "s"} (prestateTracer)`);
    try {
      trace = await rpcCall(ctx.url, "debug_traceBlockByNumber", [tag, { tracer: "prestateTracer" }], ctx.rpc);
    } catch (e) {
      throw withTraceHint(e, n);
    }
    if (!Array.isArray(trace)) throw new Error(`debug_traceBlockByNumber(${n}): expected an array of transaction traces, got ${typeof trace}`);
    if (trace.length !== txs.length) throw new Error(`debug_traceBlockByNumber(${n}): ${trace.length} transaction traces for ${txs.length} transactions`);
    trace.forEach((t, i) => {
      const traced = (t as { txHash?: unknown } | null)?.txHash;
      const hash = (txs[i] as { hash?: unknown }).hash;
      if (typeof traced === "string" && typeof hash === "string" && traced.toLowerCase() !== hash.toLowerCase()) {
        throw new Error(`debug_traceBlockByNumber(${n}): trace ${i} is for transaction ${traced}, but transaction ${i} is ${hash}`);
      }
    });
  }
  const receipts = ctx.receipts ? await fetchReceipts(ctx, header, n, where) : undefined;
  const { preState, bytecodes, firstTx } = convertPrestateTrace(trace, `debug_traceBlockByNumber(${n})`);
  const codes: Record<string, string> = { ...bytecodes };

  await fixCreatedInBlock(ctx, preState, firstTx, codes, parent, where);
  await addBlockLevelAccounts(ctx, header, preState, codes, n, parent, where);

  let dropped = 0;
  for (const [address, account] of Object.entries(preState)) {
    if (isEmptyAccount(account)) {
      delete preState[address];
      dropped++;
    }
  }
  if (dropped > 0) ctx.log(`${where}: left out ${dropped} account${dropped === 1 ? "" : "s"} that did not exist before the block (empty)`);

  await fetchMissingCode(ctx, preState, codes, parent, where);
  await fetchAncestorHashes(ctx, header, n, where);

  // Write: bytecodes and hashes first, then the pre-state and receipts, and block.json last, so that a block
  // directory with block.json always has everything it refers to.
  const referenced = new Set<string>();
  for (const account of Object.values(preState)) if (account.code_hash !== undefined) referenced.add(account.code_hash);
  let newCodes = 0;
  for (const hash of referenced) {
    if (ctx.bytecodes[hash] === undefined) {
      ctx.bytecodes[hash] = codes[hash]!;
      newCodes++;
    }
  }
  mkdirSync(ctx.out, { recursive: true });
  if (newCodes > 0 || !existsSync(join(ctx.out, "bytecodes.json"))) writeJsonAtomic(join(ctx.out, "bytecodes.json"), sortedKeys(ctx.bytecodes), 1);
  writeJsonAtomic(join(ctx.out, "block_hashes.json"), sortedByNumber(ctx.blockHashes), 1);
  const dir = join(ctx.out, String(n));
  mkdirSync(dir, { recursive: true });
  writeJsonAtomic(join(dir, "pre_state.json"), sortPreState(preState), 2);
  if (receipts !== undefined) writeJsonAtomic(join(dir, "receipts.json"), receipts, 2);
  const blockOut = ctx.embedUncles && header.uncleHeaders !== undefined ? { ...(block as object), uncles: header.uncleHeaders } : block;
  writeJsonAtomic(join(dir, "block.json"), blockOut, 2);
  const accounts = Object.keys(preState).length;
  ctx.log(`${where}: ${txs.length} txs, ${accounts} accounts, ${referenced.size} bytecodes (${newCodes} new) → ${dir}`);
  return { number: n, hash: header.hash, dir, txs: txs.length, accounts, bytecodes: referenced.size, receipts: receipts !== undefined };
}

interface CheckedBlock {
  hash: string;
  parentHash: string;
  miner: string;
  timestamp: bigint;
  transactions: unknown[];
  uncles: string[];
  withdrawals: string[];
  parentBeaconBlockRoot: boolean;
  requestsHash: boolean;
  uncleHeaders?: { hash: string; number: string; miner: string }[];
}

/** The fields fetch relies on, checked. */
function checkBlock(block: unknown, n: number, where: string): CheckedBlock {
  if (!isJsonObject(block)) throw new Error(`eth_getBlockByNumber(${n}): expected a block object, got ${describe(block)}`);
  const at = `eth_getBlockByNumber(${n})`;
  const number = quantityField(block, "number", at);
  if (number !== BigInt(n)) throw new Error(`${at}: the node returned block ${number}`);
  const transactions = block.transactions;
  if (!Array.isArray(transactions)) throw new Error(`${at}.transactions: expected an array`);
  transactions.forEach((tx, i) => {
    if (!isJsonObject(tx)) throw new Error(`${at}.transactions[${i}]: expected a transaction object (full transactions), got ${describe(tx)}`);
  });
  const uncles = block.uncles === undefined || block.uncles === null ? [] : block.uncles;
  if (!Array.isArray(uncles) || !uncles.every((u) => typeof u === "string")) throw new Error(`${at}.uncles: expected an array of hashes`);
  let withdrawals: string[] = [];
  if (block.withdrawals !== undefined && block.withdrawals !== null) {
    if (!Array.isArray(block.withdrawals)) throw new Error(`${at}.withdrawals: expected an array`);
    withdrawals = block.withdrawals.map((w, i) => addressField(isJsonObject(w) ? w : {}, "address", `${at}.withdrawals[${i}]`));
  }
  return {
    hash: hashField(block, "hash", at),
    parentHash: hashField(block, "parentHash", at),
    miner: addressField(block, "miner", at),
    timestamp: quantityField(block, "timestamp", at),
    transactions,
    uncles: uncles as string[],
    withdrawals,
    parentBeaconBlockRoot: typeof block.parentBeaconBlockRoot === "string",
    requestsHash: typeof block.requestsHash === "string",
  };
}

/** A JSON-RPC "method not found" (-32601), or a node's own words for it. */
function isMethodNotFound(e: unknown): boolean {
  if (!(e instanceof RpcError)) return false;
  const text = e.message.toLowerCase();
  return e.code === -32601 || /-32601|method .*(not found|does not exist|not available|unsupported)|not supported|unsupported method|unknown method/.test(text);
}

/**
 * The block's receipts, unchanged, as eth_getBlockReceipts returns them; from a node without it
 * (remembered for the next blocks), eth_getTransactionReceipt for each transaction in block order.
 * Checked: one receipt per transaction, in order, of this block, with a cumulativeGasUsed.
 */
async function fetchReceipts(ctx: Context, header: CheckedBlock, n: number, where: string): Promise<unknown[]> {
  const txs = header.transactions;
  if (txs.length === 0) return [];
  const hashes = txs.map((tx, i) => hashField(tx as Record<string, unknown>, "hash", `eth_getBlockByNumber(${n}).transactions[${i}]`));
  let receipts: unknown;
  let at = `eth_getBlockReceipts(${n})`;
  if (ctx.blockReceipts) {
    ctx.log(`${where}: fetching the receipts`);
    try {
      receipts = await rpcCall<unknown>(ctx.url, "eth_getBlockReceipts", [toQuantity(n)], ctx.rpc);
    } catch (e) {
      if (!isMethodNotFound(e)) throw e;
      ctx.log(`${where}: the node does not serve eth_getBlockReceipts (${(e as Error).message}); using eth_getTransactionReceipt`);
      ctx.blockReceipts = false;
    }
    if (ctx.blockReceipts && (receipts === null || receipts === undefined)) {
      throw new Error(`${at}: the node has no receipts for the block (got ${describe(receipts)}; a node that has pruned them?)`);
    }
  }
  if (!ctx.blockReceipts) {
    ctx.log(`${where}: fetching ${txs.length} receipt${txs.length === 1 ? "" : "s"} with eth_getTransactionReceipt`);
    receipts = await rpcBatch(ctx.url, hashes.map((h) => ({ method: "eth_getTransactionReceipt", params: [h] })), ctx.rpc);
    at = "eth_getTransactionReceipt";
  }
  if (!Array.isArray(receipts)) throw new Error(`${at}: expected an array of receipts, got ${describe(receipts)}`);
  if (receipts.length !== txs.length) throw new Error(`${at}: ${receipts.length} receipts for ${txs.length} transactions`);
  receipts.forEach((r, i) => {
    const rat = ctx.blockReceipts ? `${at}[${i}]` : `${at}(${hashes[i]})`;
    if (!isJsonObject(r)) throw new Error(`${rat}: expected the receipt of transaction ${i}, got ${describe(r)}`);
    const hash = hashField(r, "transactionHash", rat);
    if (hash !== hashes[i]) throw new Error(`${rat}: the receipt is for transaction ${hash}, but transaction ${i} is ${hashes[i]}`);
    if (typeof r.blockHash === "string" && r.blockHash.toLowerCase() !== header.hash) {
      throw new Error(`${rat}: the receipt is from block ${r.blockHash}, not ${header.hash} (a reorganisation while fetching? try again)`);
    }
    quantityField(r, "cumulativeGasUsed", rat);
  });
  return receipts;
}

function withTraceHint(e: unknown, n: number): Error {
  if (!(e instanceof RpcError)) return e as Error;
  const text = e.message.toLowerCase();
  let hint = "";
  if (isMethodNotFound(e)) {
    hint = "the node does not serve debug_traceBlockByNumber: use a node with the debug API enabled (e.g. geth --http.api eth,debug)";
  } else if (/tracer/.test(text)) {
    hint = "the node has no prestateTracer";
  } else if (/historical state|missing trie node|state .*not available|state .*unavailable|pruned|header not found/.test(text)) {
    hint = `the node does not hold the state of block ${n - 1}: tracing an old block needs an archive node`;
  }
  return hint === "" ? e : new Error(`${e.message} (${hint})`, { cause: e });
}

/**
 * geth leaves a contract out of the trace of the transaction that creates it, so one created in
 * this block and used by a later transaction first appears with its code. Such accounts are looked
 * up at the parent block: an account mentioned first by a later transaction, untouched before,
 * must have the parent's nonce and code.
 */
async function fixCreatedInBlock(ctx: Context, preState: Record<string, FixtureAccount>, firstTx: Record<string, number>, codes: Record<string, string>, parent: string, where: string): Promise<void> {
  const candidates = Object.keys(preState).filter((a) => firstTx[a]! > 0 && preState[a]!.code_hash !== undefined);
  if (candidates.length === 0) return;
  ctx.log(`${where}: checking ${candidates.length} contract${candidates.length === 1 ? "" : "s"} first used after the first transaction`);
  const nonces = await rpcBatch(ctx.url, candidates.map((a) => ({ method: "eth_getTransactionCount", params: [a, parent] })), ctx.rpc);
  const suspects = candidates.filter((a, i) => {
    const nonce = quantityValue(nonces[i], `eth_getTransactionCount(${a}, ${parent})`);
    const view = preState[a]!.nonce;
    // A contract with a non-zero nonce that matches existed unchanged (a CREATE onto an account with
    // a nonce fails); otherwise (nonce 0 contracts before EIP-161, or a mismatch) compare the code.
    return !(view > 0 && BigInt(view) === nonce);
  });
  if (suspects.length === 0) return;
  const parentAccounts = await accountsAt(ctx, suspects, parent);
  let created = 0;
  suspects.forEach((address, i) => {
    const before = parentAccounts[i]!;
    const account = preState[address]!;
    if (before.account.code_hash === account.code_hash && BigInt(before.account.nonce) === BigInt(account.nonce)) return;
    created++;
    account.balance = before.account.balance;
    account.nonce = before.account.nonce;
    if (before.account.code_hash === undefined) {
      delete account.code_hash;
      // No code before the block: no storage either; the slots the trace shows were written in it.
      for (const slot of Object.keys(account.storage)) account.storage[slot] = "0x0";
    } else {
      account.code_hash = before.account.code_hash;
      codes[before.account.code_hash] = before.code;
    }
  });
  if (created > 0) ctx.log(`${where}: ${created} contract${created === 1 ? " was" : "s were"} created in the block; their pre-state comes from block ${BigInt(parent)}`);
}

/** Beacon roots (EIP-4788), parent hash history (EIP-2935) and the request queues (EIP-7002, EIP-7251). */
const BEACON_ROOTS = "0x000f3df6d732807ef1319fb7b8bb8522d0beac02";
const HISTORY_STORAGE = "0x0000f90827f1c53a10cb7a02335b175320002935";
const WITHDRAWAL_REQUESTS = "0x00000961ef480eb55e80d19ad83579a64c007002";
const CONSOLIDATION_REQUESTS = "0x0000bbddc7ce488642fb579f8b00f3a590007251";
const RING = 8191n;

/**
 * Accounts the block changes outside its transactions, and so possibly not in the trace: the
 * coinbase, uncle miners, withdrawal recipients, system contracts. Missing ones come from the
 * parent block. State changed before the first transaction (the DAO fork's balances, the slots the
 * beacon-roots and history system calls write) is always taken from the parent, since the trace
 * of the first transaction already sees it changed.
 */
async function addBlockLevelAccounts(ctx: Context, header: CheckedBlock, preState: Record<string, FixtureAccount>, codes: Record<string, string>, n: number, parent: string, where: string): Promise<void> {
  const wanted = new Set<string>([header.miner, ...header.withdrawals]);
  const overridden = new Set<string>();
  const overrideSlots: [string, bigint][] = [];
  const extraSlots: [string, bigint][] = [];

  if (header.uncles.length > 0) {
    const uncles = await rpcBatch(ctx.url, header.uncles.map((_, i) => ({ method: "eth_getUncleByBlockNumberAndIndex", params: [toQuantity(n), toQuantity(i)] })), ctx.rpc);
    header.uncleHeaders = uncles.map((u, i) => {
      const at = `eth_getUncleByBlockNumberAndIndex(${n}, ${i})`;
      if (!isJsonObject(u)) throw new Error(`${at}: expected an uncle header, got ${describe(u)}`);
      const miner = addressField(u, "miner", at);
      wanted.add(miner);
      return { hash: hashField(u, "hash", at), number: toQuantity(quantityField(u, "number", at)), miner };
    });
  }
  if (header.parentBeaconBlockRoot) {
    wanted.add(BEACON_ROOTS);
    const slot = header.timestamp % RING;
    overrideSlots.push([BEACON_ROOTS, slot], [BEACON_ROOTS, slot + RING]);
  }
  if (header.requestsHash) {
    wanted.add(HISTORY_STORAGE);
    overrideSlots.push([HISTORY_STORAGE, BigInt(n - 1) % RING]);
    for (const address of [WITHDRAWAL_REQUESTS, CONSOLIDATION_REQUESTS]) {
      wanted.add(address);
      for (let s = 0n; s < 4n; s++) extraSlots.push([address, s]);
    }
  }
  if (BigInt(n) === DAO_FORK_BLOCK && (await chainId(ctx)) === 1n) {
    for (const address of [...DAO_ACCOUNTS, DAO_REFUND_CONTRACT]) {
      wanted.add(address);
      overridden.add(address);
    }
  }

  const lookups = [...wanted].filter((a) => preState[a] === undefined || overridden.has(a));
  if (lookups.length > 0) {
    ctx.log(`${where}: looking up ${lookups.length} account${lookups.length === 1 ? "" : "s"} outside the trace at block ${n - 1}`);
    const accounts = await accountsAt(ctx, lookups, parent);
    lookups.forEach((address, i) => {
      const { account, code } = accounts[i]!;
      const existing = preState[address];
      if (existing === undefined) {
        preState[address] = account;
      } else {
        existing.balance = account.balance;
        existing.nonce = account.nonce;
        if (account.code_hash === undefined) delete existing.code_hash;
        else existing.code_hash = account.code_hash;
      }
      if (account.code_hash !== undefined) codes[account.code_hash] = code;
    });
  }

  // The request queues: entries the end-of-block system calls may dequeue (EIP-7002: 16 of 3
  // slots, EIP-7251: 2 of 4 slots, from the queue head in slot 2; the queue starts at slot 4).
  if (extraSlots.length > 0) {
    const heads = await storageAt(ctx, [[WITHDRAWAL_REQUESTS, 2n], [CONSOLIDATION_REQUESTS, 2n]], parent);
    const queue = (address: string, head: bigint, entries: number, size: number) => {
      for (let e = 0n; e < BigInt(entries); e++) for (let k = 0n; k < BigInt(size); k++) extraSlots.push([address, 4n + (head + e) * BigInt(size) + k]);
    };
    queue(WITHDRAWAL_REQUESTS, heads[0]!, 16, 3);
    queue(CONSOLIDATION_REQUESTS, heads[1]!, 2, 4);
  }
  const slots = [...overrideSlots, ...extraSlots.filter(([a, s]) => preState[a]?.storage[toQuantity(s)] === undefined)].filter(([a]) => preState[a]?.code_hash !== undefined);
  if (slots.length > 0) {
    const values = await storageAt(ctx, slots, parent);
    slots.forEach(([address, slot], i) => {
      preState[address]!.storage[toQuantity(slot)] = toQuantity(values[i]!);
    });
  }
}

async function chainId(ctx: Context): Promise<bigint> {
  if (ctx.chainId === undefined) ctx.chainId = quantityValue(await rpcCall(ctx.url, "eth_chainId", [], ctx.rpc), "eth_chainId");
  return ctx.chainId;
}

/** Accounts (balance, nonce, code) at a block, with their code. */
async function accountsAt(ctx: Context, addresses: string[], block: string): Promise<{ account: FixtureAccount; code: string }[]> {
  const calls: RpcRequest[] = addresses.flatMap((a) => [
    { method: "eth_getBalance", params: [a, block] },
    { method: "eth_getTransactionCount", params: [a, block] },
    { method: "eth_getCode", params: [a, block] },
  ]);
  const results = await rpcBatch(ctx.url, calls, ctx.rpc);
  return addresses.map((a, i) => {
    const balance = quantityValue(results[3 * i], `eth_getBalance(${a}, ${block})`);
    const nonce = quantityValue(results[3 * i + 1], `eth_getTransactionCount(${a}, ${block})`);
    const code = codeValue(results[3 * i + 2], `eth_getCode(${a}, ${block})`);
    const account: FixtureAccount = { balance: toQuantity(balance), nonce: Number(nonce), storage: {} };
    if (code !== "0x") account.code_hash = bytesToHex(keccak256(hexToBytes(code)));
    return { account, code };
  });
}

async function storageAt(ctx: Context, slots: [string, bigint][], block: string): Promise<bigint[]> {
  const results = await rpcBatch(ctx.url, slots.map(([a, s]) => ({ method: "eth_getStorageAt", params: [a, "0x" + s.toString(16).padStart(64, "0"), block] })), ctx.rpc);
  return results.map((r, i) => quantityValue(r, `eth_getStorageAt(${slots[i]![0]}, ${toQuantity(slots[i]![1])}, ${block})`));
}

/** Code for every code_hash that neither the trace nor bytecodes.json has (e.g. a trace with disableCode). */
async function fetchMissingCode(ctx: Context, preState: Record<string, FixtureAccount>, codes: Record<string, string>, parent: string, where: string): Promise<void> {
  const missing = new Map<string, string>();
  for (const [address, account] of Object.entries(preState)) {
    const hash = account.code_hash;
    if (hash !== undefined && codes[hash] === undefined && ctx.bytecodes[hash] === undefined && !missing.has(hash)) missing.set(hash, address);
  }
  if (missing.size === 0) return;
  ctx.log(`${where}: fetching ${missing.size} bytecode${missing.size === 1 ? "" : "s"} the trace did not include`);
  const entries = [...missing];
  const results = await rpcBatch(ctx.url, entries.map(([, a]) => ({ method: "eth_getCode", params: [a, parent] })), ctx.rpc);
  entries.forEach(([hash, address], i) => {
    const code = codeValue(results[i], `eth_getCode(${address}, ${parent})`);
    const actual = bytesToHex(keccak256(hexToBytes(code)));
    if (actual !== hash) throw new Error(`eth_getCode(${address}, ${parent}): the code hashes to ${actual}, but the trace gives code hash ${hash}`);
    codes[hash] = code;
  });
}

/**
 * Fills ctx.blockHashes with the hashes of blocks max(0, n-256) … n (n's own and its parent's come
 * with the block). Only the missing ones are asked for; each fetched header also gives its
 * parent's hash, so about half as many headers as hashes are needed.
 */
async function fetchAncestorHashes(ctx: Context, header: CheckedBlock, n: number, where: string): Promise<void> {
  setHash(ctx, n, header.hash, `eth_getBlockByNumber(${n})`);
  setHash(ctx, n - 1, header.parentHash, `eth_getBlockByNumber(${n}).parentHash`);
  const low = Math.max(0, n - 256);
  const requests: number[] = [];
  for (let k = n - 2; k >= low; k--) {
    if (ctx.blockHashes[String(k)] !== undefined) continue;
    requests.push(k);
    k--; // block k's parentHash gives k-1
  }
  if (requests.length === 0) return;
  ctx.log(`${where}: fetching ${requests.length} ancestor header${requests.length === 1 ? "" : "s"} for BLOCKHASH`);
  const headers = await rpcBatch(ctx.url, requests.map((k) => ({ method: "eth_getBlockByNumber", params: [toQuantity(k), false] })), ctx.rpc);
  requests.forEach((k, i) => {
    const at = `eth_getBlockByNumber(${k})`;
    const h = headers[i];
    if (!isJsonObject(h)) throw new Error(`${at}: ancestor block not found (got ${describe(h)})`);
    const number = quantityField(h, "number", at);
    if (number !== BigInt(k)) throw new Error(`${at}: the node returned block ${number}`);
    setHash(ctx, k, hashField(h, "hash", at), at);
    if (k - 1 >= low) setHash(ctx, k - 1, hashField(h, "parentHash", at), `${at}.parentHash`);
  });
}

function setHash(ctx: Context, k: number, hash: string, source: string): void {
  if (k < 0) return;
  const key = String(k);
  const known = ctx.blockHashes[key];
  if (known !== undefined && known.toLowerCase() !== hash) {
    throw new Error(`${source}: block ${k} has hash ${hash}, but ${join(ctx.out, "block_hashes.json")} says ${known} (another chain, or a reorganisation: use another --out)`);
  }
  ctx.blockHashes[key] = hash;
}

// ---- files ----

/** A JSON object of strings (bytecodes.json, block_hashes.json), or {} when the file is absent. */
function readJsonMap(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  let parsed: unknown;
  try {
    parsed = readJsonFile(path);
  } catch (e) {
    if (!(e instanceof JsonFileError)) throw e;
    throw new Error(`${e.message}; fix or remove it`);
  }
  if (!isJsonObject(parsed) || !Object.values(parsed).every((v) => typeof v === "string")) throw new Error(`${path}: expected a JSON object of strings; fix or remove it`);
  return parsed as Record<string, string>;
}

/** Writes JSON to a temporary file beside `path`, then renames it over `path`. */
export function writeJsonAtomic(path: string, value: unknown, indent: number): void {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    writeFileSync(tmp, JSON.stringify(value, null, indent) + "\n");
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

function sortedKeys(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function sortedByNumber(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => Number(a) - Number(b)));
}

function sortPreState(preState: Record<string, FixtureAccount>): Record<string, FixtureAccount> {
  const out: Record<string, FixtureAccount> = {};
  for (const address of Object.keys(preState).sort()) {
    const a = preState[address]!;
    const storage = Object.fromEntries(Object.entries(a.storage).sort(([x], [y]) => (BigInt(x) < BigInt(y) ? -1 : BigInt(x) > BigInt(y) ? 1 : 0)));
    out[address] = { balance: a.balance, nonce: a.nonce, ...(a.code_hash === undefined ? {} : { code_hash: a.code_hash }), storage };
  }
  return out;
}

// ---- checking node answers ----


function quantityValue(value: unknown, at: string): bigint {
  if (typeof value === "string" && /^0x[0-9a-fA-F]+$/.test(value)) return BigInt(value);
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  throw new Error(`${at}: expected a hex quantity, got ${describe(value)}`);
}

function quantityField(obj: Record<string, unknown>, key: string, at: string): bigint {
  return quantityValue(obj[key], `${at}.${key}`);
}

function hashField(obj: Record<string, unknown>, key: string, at: string): string {
  const v = obj[key];
  if (typeof v !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(v)) throw new Error(`${at}.${key}: expected a 32-byte hash, got ${describe(v)}`);
  return v.toLowerCase();
}

function addressField(obj: Record<string, unknown>, key: string, at: string): string {
  const v = obj[key];
  if (typeof v !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(v)) throw new Error(`${at}.${key}: expected an address, got ${describe(v)}`);
  return v.toLowerCase();
}

function codeValue(value: unknown, at: string): string {
  if (typeof value !== "string" || !/^0x(?:[0-9a-fA-F]{2})*$/.test(value)) throw new Error(`${at}: expected hex code, got ${describe(value)}`);
  return value.toLowerCase();
}
