// Synthetic blocks the project generates itself: ETH transfers, ERC-20 transfers and AMM swaps,
// independent or with a chosen fraction on one hot account or pool, one kind per block or all of
// them interleaved (`mixed`). A generated block is a
// Cancun-era, mainnet-shaped block with its complete pre-state, executed once with the sequential
// executor to set the header's gasUsed, logsBloom and receiptsRoot (and stateRoot, which the
// complete pre-state makes computable): it verifies itself.
//
// Senders are accounts with real secp256k1 keys derived from the seed (keys.ts). In-memory blocks
// carry each transaction's `sender` directly and no signature (v = r = s = 0): executors never
// need one. `pevm bench --write DIR` (write.ts) signs the same transactions and writes the same
// block in the fixture layout, where `pevm run DIR` recovers the senders from the signatures.
import type { Block, BlockHeader } from "../block/block.js";
import { TxType, type Transaction } from "../tx/types.js";
import { Status } from "../evm/interpreter.js";
import { addressToHex, toBytes32, type Word } from "../primitives/word.js";
import { executeBlock } from "../exec/sequential.js";
import { EMPTY_TRIE_ROOT, keccak256, keccak256Word } from "../primitives/hash.js";
import { applyWorld, memoryStateRoot } from "../state/apply.js";
import { MemoryState } from "../state/memory.js";
import type { WorldState } from "../state/world.js";
import { KECCAK_EMPTY_WORD } from "../state/reader.js";
import { contract } from "./contracts.js";
import { deriveAccounts, labelAddress, labelAddressNoZero, Prng, type DerivedAccount } from "./keys.js";

/** What one transaction does. */
export type TxKind = "raw" | "erc20" | "swaps";
/** What a workload's transactions do: one kind, or all three interleaved. */
export type WorkloadKind = TxKind | "mixed";
/** A transaction's kind, with "-hot" when it goes to the hot account or pool ("erc20-hot"). */
export type TxVariant = TxKind | `${TxKind}-hot`;

export interface BlockWorkload {
  name: string;
  kind: WorkloadKind;
  /** Fraction of transactions on the hot account or pool when no --hot is given. */
  defaultHot: number;
  /** Transactions when neither a count nor a gas target is given (default DEFAULT_TXS). */
  defaultTxs?: number;
  summary: string;
}

export const DEFAULT_HOT_RATIO = 0.1;

/**
 * `mixed`'s default size: 3,000 transactions, 94.5M gas. On the 2-core machine a sequential run takes 75-85 ms, and `pevm bench` with no
 * options (generation, warm-ups, timed runs, the recorded run, the store and the report) 5-6 s
 * (9-10 s while others loaded the machine); 5,000 transactions took 7.5 s and gained no more.
 */
export const MIXED_DEFAULT_TXS = 3_000;

/**
 * Shares of `mixed`'s independent transactions (the hot ones are split between the hot ERC-20
 * recipient and the hot pool): ERC-20 transfers, swaps, and plain ETH transfers for the rest.
 */
export const MIXED_SHARES = { erc20: 0.4, swaps: 0.3 } as const;

export const BLOCK_WORKLOADS: readonly BlockWorkload[] = [
  { name: "raw-transfers", kind: "raw", defaultHot: 0, summary: "ETH transfers, distinct senders to distinct fresh recipients (21,000 gas each)" },
  { name: "erc20", kind: "erc20", defaultHot: 0, summary: "ERC-20 transfer() on one token, each sender to itself (like RISE's gigagas block)" },
  { name: "swaps", kind: "swaps", defaultHot: 0, summary: "constant-product AMM swaps, each sender on its own pool" },
  { name: "raw-hot", kind: "raw", defaultHot: DEFAULT_HOT_RATIO, summary: "raw-transfers, a fraction of them to one shared recipient" },
  { name: "erc20-hot", kind: "erc20", defaultHot: DEFAULT_HOT_RATIO, summary: "erc20, a fraction of them to one shared recipient" },
  { name: "swaps-hot", kind: "swaps", defaultHot: DEFAULT_HOT_RATIO, summary: "swaps, a fraction of them on one shared pool" },
  {
    name: "mixed",
    kind: "mixed",
    defaultHot: DEFAULT_HOT_RATIO,
    defaultTxs: MIXED_DEFAULT_TXS,
    summary: "erc20, swaps and raw-transfers (40/30/30%) interleaved, a fraction on the hot ones",
  },
];

export function findWorkload(name: string): BlockWorkload | undefined {
  return BLOCK_WORKLOADS.find((w) => w.name === name);
}

export interface WorkloadSpec {
  workload: string;
  /** Number of transactions (default: the workload's defaultTxs, else DEFAULT_TXS, when neither txs nor gas is given). */
  txs?: number;
  /** Block gas target: transactions are added until their gas reaches it. */
  gas?: number | bigint;
  /** Fraction of transactions on the hot account/pool, in [0, 1] (default: the workload's). */
  hotRatio?: number;
  /** Seed of keys, hot positions and hashes (default 1). */
  seed?: number;
}

/** Enough for two threads to gain on the 2-core machine (2,000 ERC-20 transfers did not). */
export const DEFAULT_TXS = 10_000;

export interface GeneratedBlock {
  block: Block;
  preState: MemoryState;
  blockHashes: Map<bigint, Word>;
  description: string;
  workload: string;
  kind: WorkloadKind;
  seed: number;
  hotRatio: number;
  hotTxs: number;
  /** hot[i]: transaction i goes to the hot account or pool. */
  hot: boolean[];
  /** txKinds[i]: what transaction i does. */
  txKinds: TxKind[];
  /** Transactions of each variant the block holds (absent: none). */
  mix: Partial<Record<TxVariant, number>>;
  /**
   * Gas of one independent and of one hot transaction (every transaction of a variant costs the
   * same); for `mixed`, the rounded mean over the block's independent and over its hot transactions.
   */
  gasPerTx: { independent: number; hot: number };
  /** Gas of one transaction of each variant measured (every transaction of a variant costs the same). */
  gasPerVariant: Partial<Record<TxVariant, number>>;
  /** Secret key of each transaction's sender, by transaction index (write.ts signs with them). */
  senderKeys: bigint[];
  /** Wall time of the whole generation, including the verifying execution. */
  generationMs: number;
}

export class WorkloadError extends Error {}

// Fees and amounts. Every sender holds far more than it spends, and every storage value a
// transaction writes stays non-zero, so each transaction of a kind costs exactly the same gas.
const GWEI = 1_000_000_000n;
const ETHER = 10n ** 18n;
const BASE_FEE = 10n * GWEI;
const MAX_FEE = 30n * GWEI;
const PRIORITY_FEE = 1n * GWEI;
const SENDER_BALANCE = 10n * ETHER;
const TRANSFER_VALUE = 10n ** 15n; // raw transfers: 0.001 ETH
const TOKEN_BALANCE = 1000n * ETHER;
const TOKEN_AMOUNT = ETHER;
const POOL_RESERVE0 = 10n ** 24n;
const POOL_RESERVE1 = 2n * 10n ** 24n;
const SWAP_AMOUNT = ETHER;
const TX_GAS_LIMIT: Record<TxKind, bigint> = { raw: 21_000n, erc20: 60_000n, swaps: 120_000n };

/** Header constants: a Cancun block number and timestamp of mainnet (block 20,000,000). */
const BLOCK_NUMBER = 20_000_000n;
const BLOCK_TIMESTAMP = 1_717_281_407n;
const MIN_GAS_LIMIT = 30_000_000n;

// Fixed addresses (the same for every seed). The hot account appears in calldata, so like every
// sender it has no zero byte (keys.ts).
export const COINBASE: Word = labelAddress("coinbase");
export const TOKEN_ADDRESS: Word = labelAddress("token");
export const HOT_ACCOUNT: Word = labelAddressNoZero("hot-account");
export const HOT_POOL: Word = labelAddress("hot-pool");
export const poolAddress = (i: number): Word => labelAddress(`pool/${i}`);
const recipientAddress = (seed: number, i: number): Word => labelAddress(`recipient/${seed}/${i}`);

const TOKEN = contract("Token");
const POOL = contract("Pool");
const TRANSFER = TOKEN.selector("transfer(address,uint256)");
const SWAP = POOL.selector("swap(uint256,bool)");
const BALANCE_OF_SLOT = TOKEN.slot("balanceOf");
const TOTAL_SUPPLY_SLOT = TOKEN.slot("totalSupply");
const RESERVE0_SLOT = POOL.slot("reserve0");
const RESERVE1_SLOT = POOL.slot("reserve1");
const BALANCE0_SLOT = POOL.slot("balance0");
const BALANCE1_SLOT = POOL.slot("balance1");

const slotBuf = new Uint8Array(64);
/** Where solc keeps `mapping[key]` for a mapping declared at `slot`: keccak256(pad32(key) ‖ pad32(slot)). */
export function mappingSlot(key: Word, slot: number): Word {
  toBytes32(key, slotBuf, 0);
  toBytes32(slot, slotBuf, 32);
  return keccak256Word(slotBuf);
}

/** ABI call data: selector, then each argument as a 32-byte word. */
function callData(selector: Uint8Array, args: Word[]): Uint8Array {
  const data = new Uint8Array(4 + 32 * args.length);
  data.set(selector, 0);
  for (let i = 0; i < args.length; i++) toBytes32(args[i]!, data, 4 + 32 * i);
  return data;
}

const word = (x: bigint): Word => (x <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : x);

/** Checks the spec and resolves its defaults. */
function resolve(spec: WorkloadSpec): { w: BlockWorkload; hotRatio: number; seed: number } {
  const w = findWorkload(spec.workload);
  if (w === undefined) throw new WorkloadError(`unknown block workload "${spec.workload}" (available: ${BLOCK_WORKLOADS.map((x) => x.name).join(", ")})`);
  const hotRatio = spec.hotRatio ?? w.defaultHot;
  if (!(hotRatio >= 0 && hotRatio <= 1)) throw new WorkloadError(`hot ratio must be between 0 and 1, got ${spec.hotRatio}`);
  const seed = spec.seed ?? 1;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new WorkloadError(`seed must be a non-negative integer, got ${spec.seed}`);
  if (spec.txs !== undefined && spec.gas !== undefined) throw new WorkloadError("give either a transaction count or a gas target, not both");
  if (spec.txs !== undefined && !(Number.isSafeInteger(spec.txs) && spec.txs >= 1)) throw new WorkloadError(`transaction count must be a positive integer, got ${spec.txs}`);
  if (spec.gas !== undefined && !(BigInt(spec.gas) >= 21_000n)) throw new WorkloadError(`gas target must be at least 21000, got ${spec.gas}`);
  return { w, hotRatio, seed };
}

/** How many of `n` transactions are hot. */
export function hotCount(n: number, hotRatio: number): number {
  return Math.round(hotRatio * n);
}

/** Exactly hotCount(n) of n positions, chosen by a seeded partial Fisher-Yates shuffle. */
export function hotPositions(n: number, hotRatio: number, seed: number): boolean[] {
  const h = hotCount(n, hotRatio);
  const hot = new Array<boolean>(n).fill(false);
  if (h === n) return hot.fill(true);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const prng = new Prng(`hot/${seed}`);
  for (let i = 0; i < h; i++) {
    const j = i + prng.below(n - i);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
    hot[order[i]!] = true;
  }
  return hot;
}

interface Assembled {
  block: Block;
  preState: MemoryState;
}

/** One transaction to generate: its kind, and whether it goes to the hot account or pool. */
interface TxPlan {
  kind: TxKind;
  hot: boolean;
}

export const variantOf = (kind: TxKind, hot: boolean): TxVariant => (hot ? `${kind}-hot` : kind);

/**
 * The block and its pre-state for these senders and transactions (header results still unset).
 * The pre-state holds only what the block's kinds need: the token with its senders' balances, the
 * pools with their traders' balances, the hot account and pool when a transaction goes there.
 */
function assemble(label: WorkloadKind, seed: number, senders: DerivedAccount[], plan: TxPlan[], gasLimit: bigint): Assembled {
  const n = senders.length;
  const pre = new MemoryState();
  const transactions: Transaction[] = new Array(n);
  const has = (kind: TxKind, hot?: boolean) => plan.some((p) => p.kind === kind && (hot === undefined || p.hot === hot));
  const txBase = (i: number, to: Word, value: bigint, data: Uint8Array): Transaction => ({
    type: TxType.FeeMarket,
    chainId: 1n,
    nonce: 0n,
    maxFeePerGas: MAX_FEE,
    maxPriorityFeePerGas: PRIORITY_FEE,
    gasLimit: TX_GAS_LIMIT[plan[i]!.kind],
    to,
    value,
    data,
    accessList: [],
    maxFeePerBlobGas: 0n,
    blobVersionedHashes: [],
    authorizationList: [],
    v: 0n,
    r: 0n,
    s: 0n,
    sender: senders[i]!.address,
  });
  for (const s of senders) pre.putAccount(s.address, 0n, SENDER_BALANCE, KECCAK_EMPTY_WORD);
  pre.putAccount(COINBASE, 0n, ETHER, KECCAK_EMPTY_WORD);
  // The hot account: an ETH recipient that already holds some, or an ERC-20 recipient with no ETH.
  if (has("raw", true)) pre.putAccount(HOT_ACCOUNT, 0n, ETHER, KECCAK_EMPTY_WORD);
  else if (has("erc20", true)) pre.putAccount(HOT_ACCOUNT, 0n, 0n, KECCAK_EMPTY_WORD);

  if (has("erc20")) {
    pre.codes.set(TOKEN.codeHash, TOKEN.code);
    const storage = new Map<Word, Word>();
    let supply = 0n;
    for (let i = 0; i < n; i++) {
      if (plan[i]!.kind !== "erc20") continue;
      storage.set(mappingSlot(senders[i]!.address, BALANCE_OF_SLOT), word(TOKEN_BALANCE));
      supply += TOKEN_BALANCE;
    }
    if (has("erc20", true)) {
      storage.set(mappingSlot(HOT_ACCOUNT, BALANCE_OF_SLOT), word(TOKEN_AMOUNT));
      supply += TOKEN_AMOUNT;
    }
    storage.set(TOTAL_SUPPLY_SLOT, word(supply));
    pre.putAccount(TOKEN_ADDRESS, 1n, 0n, TOKEN.codeHash, storage);
  }
  const newPool = (): Map<Word, Word> =>
    new Map<Word, Word>([
      [RESERVE0_SLOT, word(POOL_RESERVE0)],
      [RESERVE1_SLOT, word(POOL_RESERVE1)],
    ]);
  const fund = (storage: Map<Word, Word>, trader: Word) => {
    storage.set(mappingSlot(trader, BALANCE0_SLOT), word(TOKEN_BALANCE));
    storage.set(mappingSlot(trader, BALANCE1_SLOT), word(TOKEN_BALANCE));
  };
  const hotPool = newPool();
  if (has("swaps")) pre.codes.set(POOL.codeHash, POOL.code);
  if (has("swaps", true)) pre.putAccount(HOT_POOL, 1n, 0n, POOL.codeHash, hotPool);
  const swapData = callData(SWAP, [word(SWAP_AMOUNT), 1]); // zeroForOne: every swap sells token 0

  for (let i = 0; i < n; i++) {
    const { kind, hot } = plan[i]!;
    const sender = senders[i]!.address;
    if (kind === "raw") {
      transactions[i] = txBase(i, hot ? HOT_ACCOUNT : recipientAddress(seed, i), TRANSFER_VALUE, new Uint8Array(0));
    } else if (kind === "erc20") {
      transactions[i] = txBase(i, TOKEN_ADDRESS, 0n, callData(TRANSFER, [hot ? HOT_ACCOUNT : sender, word(TOKEN_AMOUNT)]));
    } else if (hot) {
      fund(hotPool, sender);
      transactions[i] = txBase(i, HOT_POOL, 0n, swapData);
    } else {
      const storage = newPool();
      fund(storage, sender);
      pre.putAccount(poolAddress(i), 1n, 0n, POOL.codeHash, storage);
      transactions[i] = txBase(i, poolAddress(i), 0n, swapData);
    }
  }

  const header: BlockHeader = {
    number: BLOCK_NUMBER,
    timestamp: BLOCK_TIMESTAMP,
    hash: null,
    parentHash: keccak256(new TextEncoder().encode(`pevm-workload/parent/${label}/${seed}`)),
    coinbase: COINBASE,
    gasLimit,
    gasUsed: 0n,
    difficulty: 0n,
    mixHash: keccak256Word(new TextEncoder().encode(`pevm-workload/prevrandao/${seed}`)),
    stateRoot: new Uint8Array(32),
    receiptsRoot: new Uint8Array(32),
    transactionsRoot: null,
    logsBloom: new Uint8Array(256),
    baseFeePerGas: BASE_FEE,
    withdrawalsRoot: EMPTY_TRIE_ROOT.slice(),
    blobGasUsed: 0n,
    excessBlobGas: 0n,
    // No beacon-roots contract in the pre-state: the EIP-4788 system call finds no code and does nothing.
    parentBeaconBlockRoot: new Uint8Array(32),
    requestsHash: null,
  };
  return { block: { header, transactions, withdrawals: [], ommers: [] }, preState: pre };
}

/** Checks that senders, recipients, contracts and the coinbase are distinct accounts. */
function checkDistinct(assembled: Assembled, plan: TxPlan[]): void {
  const { transactions } = assembled.block;
  const senders = new Set<Word>();
  for (const tx of transactions) senders.add(tx.sender!);
  if (senders.size !== transactions.length) throw new WorkloadError("internal: two transactions share a sender");
  for (const a of [COINBASE, TOKEN_ADDRESS, HOT_ACCOUNT, HOT_POOL]) if (senders.has(a)) throw new WorkloadError("internal: a sender is also a fixed account");
  // ERC-20 transfers all call the one token; every other independent transaction has its own target.
  const targets = new Set<Word>();
  let separate = 0;
  for (let i = 0; i < transactions.length; i++) {
    const to = transactions[i]!.to!;
    if (senders.has(to)) throw new WorkloadError(`internal: transaction ${i} is sent to a sender`);
    if (plan[i]!.kind === "erc20" || plan[i]!.hot) continue;
    targets.add(to);
    separate++;
  }
  if (targets.size !== separate) throw new WorkloadError("internal: two independent transactions share a recipient or pool");
}

/** Executes the block, checks that every transaction succeeded, and returns per-transaction gas. */
function executeAndCheck(name: string, a: Assembled): { gas: number[]; result: ReturnType<typeof executeBlock> } {
  const result = executeBlock(a.block, a.preState, { blockHashes: new Map() });
  const gas: number[] = new Array(result.receipts.length);
  for (let i = 0; i < result.receipts.length; i++) {
    if (result.receipts[i]!.status !== 1) {
      const r = result.txResults[i]!;
      throw new WorkloadError(`workload ${name}: transaction ${i} failed (status ${r.status === Status.Success ? "success" : "failure"}${r.error !== undefined ? `: ${r.error}` : ""})`);
    }
    gas[i] = Number(result.receipts[i]!.gasUsed);
  }
  return { gas, result };
}

/** State root after the block: the pre-state is the complete world, so this is the real root. */
export function postStateRoot(pre: MemoryState, world: WorldState): Uint8Array {
  const post = new MemoryState();
  for (const [hash, code] of pre.codes) post.codes.set(hash, code);
  for (const [address, a] of pre.accounts) post.putAccount(address, a.nonce, a.balance, a.codeHash, new Map(a.storage));
  applyWorld(world, post);
  return memoryStateRoot(post);
}

/** Smallest transaction count whose gas reaches `target`, every kind of transaction costing a fixed amount. */
export function txsForGas(target: bigint, hotRatio: number, gasIndependent: number, gasHot: number): number {
  const total = (n: number) => {
    const h = hotCount(n, hotRatio);
    return BigInt(n - h) * BigInt(gasIndependent) + BigInt(h) * BigInt(gasHot);
  };
  return txsForGasTotal(target, total, Math.max(gasIndependent, gasHot));
}

/** Smallest n with total(n) >= target, total growing with n by at most maxGas a transaction. */
function txsForGasTotal(target: bigint, total: (n: number) => bigint, maxGas: number): number {
  let n = Math.max(1, Number(target / BigInt(maxGas)));
  while (n > 1 && total(n - 1) >= target) n--;
  while (total(n) < target) n++;
  return n;
}

/** How many transactions of each variant `mixed` puts in a block of n. */
export function mixedCounts(n: number, hotRatio: number): Record<"raw" | "erc20" | "swaps" | "erc20-hot" | "swaps-hot", number> {
  const hot = hotCount(n, hotRatio);
  const hotErc20 = Math.ceil(hot / 2);
  const rest = n - hot;
  const erc20 = Math.round(MIXED_SHARES.erc20 * rest);
  const swaps = Math.min(Math.round(MIXED_SHARES.swaps * rest), rest - erc20);
  return { raw: rest - erc20 - swaps, erc20, swaps, "erc20-hot": hotErc20, "swaps-hot": hot - hotErc20 };
}

/**
 * What each of n transactions does. One kind: round(hotRatio * n) hot ones at seeded random
 * positions (hotPositions). Mixed: mixedCounts' variants shuffled together by a seeded Fisher-Yates.
 */
function planBlock(kind: WorkloadKind, n: number, hotRatio: number, seed: number): TxPlan[] {
  if (kind !== "mixed") return hotPositions(n, hotRatio, seed).map((hot) => ({ kind, hot }));
  const plan: TxPlan[] = [];
  for (const [variant, count] of Object.entries(mixedCounts(n, hotRatio))) {
    const hot = variant.endsWith("-hot");
    const txKind = (hot ? variant.slice(0, -4) : variant) as TxKind;
    for (let i = 0; i < count; i++) plan.push({ kind: txKind, hot });
  }
  const prng = new Prng(`mixed/${seed}`);
  for (let i = n - 1; i > 0; i--) {
    const j = prng.below(i + 1);
    const t = plan[i]!;
    plan[i] = plan[j]!;
    plan[j] = t;
  }
  return plan;
}

/** One transaction of each variant the workload can hold: the sample block that measures their gas. */
function samplePlan(kind: WorkloadKind): TxPlan[] {
  if (kind !== "mixed") return [{ kind, hot: false }, { kind, hot: true }];
  return (Object.keys(mixedCounts(0, 0)) as TxVariant[]).map((v) => ({ kind: v.replace("-hot", "") as TxKind, hot: v.endsWith("-hot") }));
}

/** Gas of a block of n transactions of the workload, from each variant's gas. */
function blockGas(kind: WorkloadKind, n: number, hotRatio: number, gas: Partial<Record<TxVariant, number>>): bigint {
  if (kind !== "mixed") {
    const h = hotCount(n, hotRatio);
    return BigInt(n - h) * BigInt(gas[kind]!) + BigInt(h) * BigInt(gas[`${kind}-hot`]!);
  }
  let total = 0n;
  for (const [variant, count] of Object.entries(mixedCounts(n, hotRatio))) total += BigInt(count) * BigInt(gas[variant as TxVariant]!);
  return total;
}

/**
 * Generates the block of a workload: `txs` transactions, or as many as reach `gas`. Every
 * transaction of a variant (kind, independent or hot) costs the same gas, measured on a sample
 * block of one transaction per variant; the full block is then executed once to set the header
 * and checked against that.
 */
export function generateBlock(spec: WorkloadSpec): GeneratedBlock {
  const start = performance.now();
  const { w, hotRatio, seed } = resolve(spec);
  const senderLabel = `senders/${seed}`;

  // Gas of one transaction of each variant, from a sample block of the same workload.
  const sample = samplePlan(w.kind);
  const sampleGas = executeAndCheck(w.name, assemble(w.kind, seed, deriveAccounts(senderLabel, sample.length), sample, MIN_GAS_LIMIT)).gas;
  const gasPerVariant: Partial<Record<TxVariant, number>> = {};
  sample.forEach((p, i) => (gasPerVariant[variantOf(p.kind, p.hot)] = sampleGas[i]!));
  const maxGas = Math.max(...sampleGas);

  const n = spec.txs ?? (spec.gas !== undefined ? txsForGasTotal(BigInt(spec.gas), (m) => blockGas(w.kind, m, hotRatio, gasPerVariant), maxGas) : (w.defaultTxs ?? DEFAULT_TXS));
  const plan = planBlock(w.kind, n, hotRatio, seed);
  const hot = plan.map((p) => p.hot);
  const hotTxs = hotCount(n, hotRatio);
  const expectedGas = blockGas(w.kind, n, hotRatio, gasPerVariant);
  const slack = expectedGas + BigInt(Math.max(...plan.map((p) => Number(TX_GAS_LIMIT[p.kind]))));
  const gasLimit = slack <= MIN_GAS_LIMIT ? MIN_GAS_LIMIT : ((slack + 999_999n) / 1_000_000n) * 1_000_000n;

  const senders = deriveAccounts(senderLabel, n);
  const assembled = assemble(w.kind, seed, senders, plan, gasLimit);
  checkDistinct(assembled, plan);
  const { result } = executeAndCheck(w.name, assembled);
  if (result.gasUsed !== expectedGas) throw new WorkloadError(`internal: workload ${w.name} used ${result.gasUsed} gas, expected ${expectedGas} (per variant: ${JSON.stringify(gasPerVariant)})`);
  const { header } = assembled.block;
  header.gasUsed = result.gasUsed;
  header.logsBloom = result.logsBloom;
  header.receiptsRoot = result.receiptsRoot!;
  header.stateRoot = postStateRoot(assembled.preState, result.world);

  const mix: Partial<Record<TxVariant, number>> = {};
  for (const p of plan) mix[variantOf(p.kind, p.hot)] = (mix[variantOf(p.kind, p.hot)] ?? 0) + 1;
  return {
    block: assembled.block,
    preState: assembled.preState,
    blockHashes: new Map(),
    description: describe(w, n, hotTxs, hotRatio, gasPerVariant, mix),
    workload: w.name,
    kind: w.kind,
    seed,
    hotRatio,
    hotTxs,
    hot,
    txKinds: plan.map((p) => p.kind),
    mix,
    gasPerTx: gasPerTx(w.kind, gasPerVariant, mix),
    gasPerVariant,
    senderKeys: senders.map((s) => s.key),
    generationMs: performance.now() - start,
  };
}

/** Independent and hot gas of one transaction: the variants' for one kind, the block's means for mixed. */
function gasPerTx(kind: WorkloadKind, gas: Partial<Record<TxVariant, number>>, mix: Partial<Record<TxVariant, number>>): { independent: number; hot: number } {
  if (kind !== "mixed") return { independent: gas[kind]!, hot: gas[`${kind}-hot`]! };
  const mean = (hot: boolean) => {
    let total = 0;
    let count = 0;
    for (const [variant, c] of Object.entries(mix) as [TxVariant, number][]) {
      if (variant.endsWith("-hot") !== hot) continue;
      total += c * gas[variant]!;
      count += c;
    }
    return count === 0 ? 0 : Math.round(total / count);
  };
  return { independent: mean(false), hot: mean(true) };
}

/** What a workload's fixed accounts are, by address (0x-prefixed lowercase hex): "token", "hot pool", ... */
export function workloadAccountName(address: string): string | null {
  return ACCOUNT_NAMES.get(address.toLowerCase()) ?? null;
}

const ACCOUNT_NAMES = new Map<string, string>([
  [addressToHex(TOKEN_ADDRESS), "token"],
  [addressToHex(HOT_POOL), "hot pool"],
  [addressToHex(HOT_ACCOUNT), "hot account"],
  [addressToHex(COINBASE), "coinbase"],
]);

const fmt = (n: number) => n.toLocaleString("en-US");

function describe(w: BlockWorkload, n: number, hotTxs: number, hotRatio: number, gas: Partial<Record<TxVariant, number>>, mix: Partial<Record<TxVariant, number>>): string {
  if (w.kind === "mixed") return describeMixed(n, hotRatio, gas, mix);
  const gasIndependent = gas[w.kind]!;
  const gasHot = gas[`${w.kind}-hot`]!;
  const what = {
    raw: `${fmt(n)} ETH transfers, distinct senders to distinct fresh recipients`,
    erc20: `${fmt(n)} ERC-20 transfers on one token, each sender to itself`,
    swaps: `${fmt(n)} AMM swaps, each sender on its own pool`,
  }[w.kind];
  const hotWhat = { raw: "to one shared recipient", erc20: "to one shared recipient", swaps: "on one shared pool" }[w.kind];
  const gasText = hotTxs === 0 ? `${fmt(gasIndependent)} gas each` : hotTxs === n ? `${fmt(gasHot)} gas each` : `${fmt(gasIndependent)} gas each, hot ${fmt(gasHot)}`;
  return hotTxs === 0 ? `${what} (${gasText})` : `${what}; ${fmt(hotTxs)} of them (hot ratio ${hotRatio}) ${hotWhat} instead (${gasText})`;
}

function describeMixed(n: number, hotRatio: number, gas: Partial<Record<TxVariant, number>>, mix: Partial<Record<TxVariant, number>>): string {
  const part = (variant: TxVariant, what: string) => `${fmt(mix[variant] ?? 0)} ${what} (${fmt(gas[variant]!)} gas)`;
  const independent = [part("erc20", "ERC-20 transfers, each sender to itself"), part("swaps", "swaps, each on its own pool"), part("raw", "ETH transfers to fresh recipients")];
  const hot = [part("erc20-hot", "ERC-20 transfers to one hot recipient"), part("swaps-hot", "swaps on one hot pool")];
  return `${fmt(n)} transactions interleaved: ${independent.join(", ")}; hot ratio ${hotRatio}: ${hot.join(", ")}`;
}
