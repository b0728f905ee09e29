// Random state tests: a pre-state (EOAs, some delegated under EIP-7702; contracts with random
// programs and storage), a block environment and one transaction of a random type, written as a
// standard GeneralStateTests case so that it runs through `pevm statetest` as well as here.
// Deterministic from (seed, index): `generateCase(seed, index)` always gives the same case.
import { RLP } from "@ethereumjs/rlp";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import type { AccountJson, AuthorizationJson, StateTestJson } from "../../src/statetest/runner.js";
import { forkAtLeast, type FuzzFork } from "./opcodes.js";
import { keccak, precompileInput, precompilesOf } from "./precompileInputs.js";
import { initCode, program, type AddressBook, type ProgramEnv } from "./programs.js";
import { caseSeed, Rng } from "./rng.js";

export type TxKind = "legacy" | "accessList" | "feeMarket" | "blob" | "setCode";
export type TargetKind = "entry" | "contract" | "create" | "eoa" | "authority" | "precompile" | "empty";

export interface FuzzCase {
  /** `fuzz_<seed>_<index>`: the test's name in a saved file. */
  name: string;
  seed: number;
  index: number;
  fork: FuzzFork;
  test: StateTestJson;
  txKind: TxKind;
  target: TargetKind;
}

export interface GenerateOptions {
  /** One fork for every case; by default each case draws Cancun or Prague. */
  fork?: FuzzFork;
  /** Opcodes emitted, counted by byte, added to across cases. */
  counts?: Uint32Array;
}

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const MAX_U64 = (1n << 64n) - 1n;
const CHAIN_ID = 1n;
/** A coinbase the state tests often use. */
const COINBASE = 0x2adc25665018aa1fe0e6bc666dac8fc2697ff9ban;
const KEY_COUNT = 4;
/** The entry contract's status marker (see ProgramShape.markerSlot); no program writes it otherwise. */
const MARKER_SLOT = 0x5ca1ab1en;

// --- keys and addresses ---

const keys: Uint8Array[] = Array.from({ length: KEY_COUNT }, (_, i) => keccak(new TextEncoder().encode(`pevm fuzz key ${i}`)));
const keyAddresses: bigint[] = keys.map(addressOfKey);

function addressOfKey(key: Uint8Array): bigint {
  const pub = secp256k1.getPublicKey(key, false);
  return bytesToBig(keccak(pub.slice(1)).slice(12));
}

function contractAddress(i: number): bigint {
  return (0xc0den << 144n) | BigInt(i + 1);
}

function emptyAddress(i: number): bigint {
  return (0xdeadn << 144n) | BigInt(i + 1);
}

// --- hex helpers ---

function bytesToBig(bytes: Uint8Array): bigint {
  let x = 0n;
  for (const b of bytes) x = (x << 8n) | BigInt(b);
  return x;
}

function bigToBytes(x: bigint): Uint8Array {
  const out: number[] = [];
  while (x > 0n) {
    out.unshift(Number(x & 0xffn));
    x >>= 8n;
  }
  return Uint8Array.from(out);
}

export function hex(bytes: Uint8Array): string {
  return "0x" + Buffer.from(bytes).toString("hex");
}

function q(x: bigint | number): string {
  return "0x" + x.toString(16);
}

function addr(x: bigint): string {
  return "0x" + x.toString(16).padStart(40, "0");
}

function word(x: bigint): string {
  return "0x" + x.toString(16).padStart(64, "0");
}

function delegation(target: bigint): string {
  return "0xef0100" + target.toString(16).padStart(40, "0");
}

// --- the case ---

interface Builder {
  rng: Rng;
  fork: FuzzFork;
  env: ProgramEnv;
  pre: Record<string, AccountJson>;
  book: AddressBook;
  senderKey: number;
}

export function generateCase(seed: number, index: number, options: GenerateOptions = {}): FuzzCase {
  const rng = new Rng(caseSeed(seed, index));
  const fork = options.fork ?? (rng.chance(0.4) ? "Cancun" : "Prague");
  const blockNumber = BigInt(rng.range(300, 20000));
  const book: AddressBook = {
    contracts: Array.from({ length: rng.range(3, 5) }, (_, i) => contractAddress(i)),
    eoas: keyAddresses.slice(),
    empty: Array.from({ length: 3 }, (_, i) => emptyAddress(i)),
  };
  const slots = [0n, 1n, 2n, 3n, 4n, 5n, 0x10n, rng.word()];
  const txKind = pickTxKind(rng, fork);
  const blobCount = txKind === "blob" ? blobCountFor(rng, fork) : 0;
  const env: ProgramEnv = { rng, fork, book, blockNumber, blobCount, slots, counts: options.counts };
  const b: Builder = { rng, fork, env, pre: {}, book, senderKey: rng.chance(0.85) ? 0 : rng.range(1, KEY_COUNT - 1) };

  addEoas(b);
  addContracts(b);
  if (rng.chance(0.06)) addCollision(b);
  if (rng.chance(0.05)) b.pre[addr(BigInt(rng.pick(precompilesOf(fork))))] = account(0n, BigInt(rng.range(1, 1000)), "0x", {});

  const baseFee = rng.pick([1n, 7n, 10n, 100n, 1000n]);
  const excessBlobGas = rng.chance(0.7) ? 0n : BigInt(rng.int(20_000_000));
  const gasLimit = rng.chance(0.9) ? 30_000_000n : 5_000_000n;
  const envJson: Record<string, string> = {
    currentCoinbase: addr(pickCoinbase(b)),
    currentNumber: q(blockNumber),
    currentTimestamp: q(1_000 + rng.int(1_000_000)),
    currentGasLimit: q(gasLimit),
    currentDifficulty: "0x0",
    currentRandom: word(rng.word()),
    currentBaseFee: q(baseFee),
    currentExcessBlobGas: q(excessBlobGas),
  };
  const { transaction, target } = buildTransaction(b, txKind, blobCount, baseFee, gasLimit);
  const name = `fuzz_${seed}_${index}`;
  const test: StateTestJson = {
    env: envJson,
    pre: b.pre,
    transaction,
    post: { [fork]: [{ hash: word(0n), logs: word(0n), indexes: { data: 0, gas: 0, value: 0 } }] },
    config: { chainid: q(CHAIN_ID) },
  };
  return { name, seed, index, fork, test, txKind, target };
}

function account(nonce: bigint, balance: bigint, code: string, storage: Record<string, string>): AccountJson {
  return { nonce: q(nonce), balance: q(balance), code, storage };
}

function randomBalance(rng: Rng): bigint {
  return rng.weighted<() => bigint>([
    [20, () => 0n],
    [30, () => BigInt(rng.range(1, 1_000_000))],
    [50, () => 10n ** 18n * BigInt(rng.range(1, 1000))],
  ])();
}

function addEoas(b: Builder): void {
  const { rng, fork, pre, book } = b;
  for (let i = 0; i < KEY_COUNT; i++) {
    const isSender = i === b.senderKey;
    if (!isSender && rng.chance(0.35)) continue; // absent
    if (isSender && rng.chance(0.01)) continue;
    const balance = isSender
      ? rng.weighted<() => bigint>([[96, () => 10n ** 18n * BigInt(rng.range(1, 1000)) + rng.bits(40)], [3, () => rng.bits(rng.range(20, 55))], [1, () => 0n]])()
      : randomBalance(rng);
    const nonce = rng.weighted<() => bigint>([[70, () => 0n], [27, () => BigInt(rng.range(1, 5))], [isSender ? 3 : 0, () => rng.pick([MAX_U64 - 1n, MAX_U64])]])();
    let code = "0x";
    if (forkAtLeast(fork, "Prague") && rng.chance(0.25)) code = delegation(rng.chance(0.85) ? rng.pick(book.contracts) : rng.pick([...book.eoas, 1n, book.empty[0]!]));
    else if (isSender && rng.chance(0.02)) code = "0x600160005500"; // real code: not a valid sender (EIP-3607)
    pre[addr(book.eoas[i]!)] = account(nonce, balance, code, {});
  }
}

function addContracts(b: Builder): void {
  const { rng, pre, book, env } = b;
  book.contracts.forEach((address, i) => {
    const shape =
      i === 0
        ? { snippets: rng.range(8, 30), createDepth: 0, markerSlot: rng.chance(0.5) ? MARKER_SLOT : undefined }
        : { snippets: rng.range(2, 16), createDepth: 1 };
    const code = program(env, shape);
    const storage: Record<string, string> = {};
    for (const slot of env.slots) if (rng.chance(0.3)) storage[word(slot)] = word(rng.chance(0.7) ? BigInt(rng.range(1, 5)) : rng.word());
    pre[addr(address)] = account(rng.chance(0.9) ? 1n : 0n, randomBalance(rng), hex(code), storage);
  });
}

/** CREATE's address: keccak256(rlp([sender, nonce]))[12:]. */
function createAddress(sender: bigint, nonce: bigint): bigint {
  const senderBytes = new Uint8Array(20);
  const raw = bigToBytes(sender);
  senderBytes.set(raw, 20 - raw.length);
  return bytesToBig(keccak(RLP.encode([senderBytes, bigToBytes(nonce)])).slice(12));
}

/**
 * An account already where a creation will go (the transaction's own, or the entry contract's
 * first CREATE): with code, a nonce or storage it is a collision (EIP-684, EIP-7610); with only a
 * balance it is not.
 */
function addCollision(b: Builder): void {
  const { rng, pre, book } = b;
  const sender = book.eoas[b.senderKey]!;
  const entry = book.contracts[0]!;
  const [creator, nonce] = rng.chance(0.5) ? [sender, BigInt(pre[addr(sender)]?.nonce ?? "0x0")] : [entry, BigInt(pre[addr(entry)]!.nonce)];
  const kind = rng.weighted<string>([[3, "balance"], [2, "nonce"], [2, "code"], [2, "storage"]]);
  const storage: Record<string, string> = kind === "storage" ? { [word(1n)]: word(BigInt(rng.range(1, 9))) } : {};
  pre[addr(createAddress(creator, nonce))] = account(kind === "nonce" ? 1n : 0n, BigInt(rng.int(1000)), kind === "code" ? "0x00" : "0x", storage);
}

function pickCoinbase(b: Builder): bigint {
  const { rng, book } = b;
  return rng.weighted<() => bigint>([
    [60, () => COINBASE],
    [10, () => rng.pick(book.contracts)],
    [10, () => rng.pick(book.eoas)],
    [5, () => BigInt(rng.pick(precompilesOf(b.fork)))],
    [15, () => rng.pick(book.empty)],
  ])();
}

function pickTxKind(rng: Rng, fork: FuzzFork): TxKind {
  return rng.weighted<TxKind>([
    [20, "legacy"],
    [15, "accessList"],
    [35, "feeMarket"],
    [15, "blob"],
    [forkAtLeast(fork, "Prague") ? 18 : 0, "setCode"],
  ]);
}

function blobCountFor(rng: Rng, fork: FuzzFork): number {
  const max = fork === "Prague" ? 9 : 6;
  return rng.weighted<number>([[96, rng.range(1, max)], [2, 0], [2, max + 1]]);
}

function buildTransaction(b: Builder, kind: TxKind, blobCount: number, baseFee: bigint, blockGasLimit: bigint) {
  const { rng, fork, book, env } = b;
  const senderAddress = book.eoas[b.senderKey]!;
  const senderNonce = BigInt(b.pre[addr(senderAddress)]?.nonce ?? "0x0");
  const authorizations = kind === "setCode" ? authorizationList(b, senderAddress) : undefined;

  let target = rng.weighted<TargetKind>([
    [55, "entry"],
    [10, "contract"],
    [kind === "blob" || kind === "setCode" ? 1 : 15, "create"],
    [5, "eoa"],
    [kind === "setCode" ? 45 : 0, "authority"],
    [7, "precompile"],
    [5, "empty"],
  ]);
  if (target === "authority" && authorizations!.authorities.length === 0) target = "entry";
  let to: bigint | null = null;
  let data: Uint8Array;
  switch (target) {
    case "entry":
      to = book.contracts[0]!;
      data = rng.bytes(rng.weighted<number>([[5, 0], [5, rng.int(68)], [1, rng.range(68, 300)]]));
      break;
    case "contract":
      to = rng.pick(book.contracts.slice(1));
      data = rng.bytes(rng.int(68));
      break;
    case "create":
      data = initCode(env, 0);
      if (rng.chance(0.02)) data = Uint8Array.from([...data, ...new Uint8Array(49153 - data.length > 0 ? 49153 - data.length : 1)]);
      break;
    case "eoa":
      to = rng.pick(book.eoas);
      data = rng.bytes(rng.int(40));
      break;
    case "authority":
      to = rng.pick(authorizations!.authorities);
      data = rng.bytes(rng.int(68));
      break;
    case "precompile": {
      const p = rng.pick(precompilesOf(fork));
      to = BigInt(p);
      data = precompileInput(rng, p, fork);
      break;
    }
    default:
      to = rng.pick(book.empty);
      data = rng.bytes(rng.int(40));
  }

  const list = kind === "legacy" ? undefined : accessList(b);
  const intrinsic = intrinsicEstimate(data, to === null, list ?? [], authorizations?.list.length ?? 0, fork);
  const gasLimit = rng.weighted<() => bigint>([
    [10, () => intrinsic + BigInt(rng.int(40_000))],
    [55, () => intrinsic + BigInt(rng.range(300_000, 2_000_000))],
    [25, () => intrinsic + BigInt(rng.range(2_000_000, 5_000_000))],
    [2, () => BigInt(rng.int(Number(intrinsic)))],
    [1, () => blockGasLimit + 1n],
    [forkAtLeast(fork, "Osaka") ? 2 : 0, () => (1n << 24n) + 1n],
  ])();
  const balance = BigInt(b.pre[addr(senderAddress)]?.balance ?? "0x0");
  const value = rng.weighted<() => bigint>([
    [55, () => 0n],
    [30, () => BigInt(rng.range(1, 1_000_000))],
    [10, () => 10n ** 17n * BigInt(rng.range(1, 10))],
    [1, () => balance + BigInt(rng.int(3))],
  ])();
  const nonce = rng.chance(0.985) ? senderNonce : senderNonce + BigInt(rng.pick([-1, 1, 2]));

  const transaction: StateTestJson["transaction"] = {
    data: [hex(data)],
    gasLimit: [q(gasLimit)],
    value: [q(value)],
    nonce: q(nonce < 0n ? 0n : nonce),
    to: to === null ? "" : addr(to),
    secretKey: hex(keys[b.senderKey]!),
  };
  const tip = BigInt(rng.int(5));
  if (kind === "legacy" || kind === "accessList") {
    transaction.gasPrice = q(rng.chance(0.985) ? baseFee + tip : baseFee - 1n);
  } else {
    const maxFee = rng.chance(0.985) ? baseFee + BigInt(rng.int(20)) : baseFee - 1n;
    transaction.maxFeePerGas = q(maxFee);
    transaction.maxPriorityFeePerGas = q(rng.chance(0.985) ? BigInt(rng.int(Number(maxFee) + 1)) : maxFee + 1n);
  }
  if (list !== undefined) transaction.accessLists = [list];
  if (kind === "blob") {
    transaction.blobVersionedHashes = Array.from({ length: blobCount }, () => {
      const version = rng.chance(0.99) ? 1n : BigInt(rng.pick([0, 2, 0xff]));
      return word((version << 248n) | rng.bits(248));
    });
    transaction.maxFeePerBlobGas = q(rng.chance(0.97) ? BigInt(rng.range(1, 1000)) * 10n ** BigInt(rng.int(9)) : 0n);
  }
  if (authorizations !== undefined) transaction.authorizationList = authorizations.list;
  return { transaction, target };
}

/** The transaction's intrinsic gas (or its EIP-7623 floor, when higher), as the generator sees it. */
function intrinsicEstimate(data: Uint8Array, create: boolean, list: { storageKeys: string[] }[], authorizations: number, fork: FuzzFork): bigint {
  const zeros = data.filter((x) => x === 0).length;
  const nonZeros = data.length - zeros;
  let gas = 21000 + 4 * zeros + 16 * nonZeros + 25000 * authorizations;
  if (create) gas += 32000 + 2 * Math.ceil(data.length / 32);
  for (const e of list) gas += 2400 + 1900 * e.storageKeys.length;
  const floor = forkAtLeast(fork, "Prague") ? 21000 + 10 * (zeros + 4 * nonZeros) : 0;
  return BigInt(Math.max(gas, floor));
}

function accessList(b: Builder): Array<{ address: string; storageKeys: string[] }> {
  const { rng, book, env } = b;
  const n = rng.weighted<number>([[3, 0], [4, 1], [2, 2], [1, 4]]);
  return Array.from({ length: n }, () => {
    const address = rng.weighted<() => bigint>([
      [5, () => rng.pick(book.contracts)],
      [2, () => rng.pick(book.eoas)],
      [1, () => BigInt(rng.pick(precompilesOf(b.fork)))],
      [1, () => rng.pick(book.empty)],
      [1, () => COINBASE],
    ])();
    const keys = Array.from({ length: rng.weighted<number>([[3, 0], [4, 1], [2, 3]]) }, () => word(rng.chance(0.8) ? rng.pick(env.slots) : rng.word()));
    return { address: addr(address), storageKeys: keys };
  });
}

/**
 * EIP-7702 authorizations, most of them valid: the nonce each authority will have when its entry
 * is processed (the sender's own already bumped by the transaction), this chain or any chain.
 * Others break one rule: the nonce, the chain, the signature (high s, bad y parity, garbage).
 */
function authorizationList(b: Builder, sender: bigint): { list: AuthorizationJson[]; authorities: bigint[] } {
  const { rng, book } = b;
  const n = rng.weighted<number>([[2, 0], [40, 1], [30, 2], [15, 3], [8, 5]]);
  const nonces = new Map<number, bigint>();
  const list: AuthorizationJson[] = [];
  const authorities: bigint[] = [];
  for (let i = 0; i < n; i++) {
    const k = rng.chance(0.3) ? b.senderKey : rng.int(KEY_COUNT);
    const authority = keyAddresses[k]!;
    const account = b.pre[addr(authority)];
    let current = nonces.get(k) ?? BigInt(account?.nonce ?? "0x0") + (authority === sender ? 1n : 0n);
    const fault = rng.weighted<string>([
      [72, "none"],
      [7, "nonce"],
      [5, "chain"],
      [4, "highS"],
      [3, "yParity"],
      [4, "garbage"],
      [2, "maxNonce"],
      [3, "hugeChain"],
    ]);
    const chainId = fault === "chain" ? 2n : fault === "hugeChain" ? (1n << 256n) - 1n : rng.chance(0.5) ? 0n : CHAIN_ID;
    const nonce = fault === "nonce" ? current + BigInt(rng.pick([1, 2, -1])) : fault === "maxNonce" ? MAX_U64 : current;
    const target = rng.weighted<() => bigint>([
      [50, () => rng.pick(book.contracts)],
      [15, () => 0n],
      [10, () => BigInt(rng.pick(precompilesOf(b.fork)))],
      [10, () => rng.pick(book.eoas)],
      [10, () => rng.pick(book.empty)],
    ])();
    const signed = signAuthorization(keys[k]!, chainId, target, nonce < 0n ? 0n : nonce);
    let { yParity, r, s } = signed;
    if (fault === "highS") {
      s = SECP256K1_N - s;
      yParity ^= 1n;
    } else if (fault === "yParity") yParity = BigInt(rng.pick([2, 27, 0xff]));
    else if (fault === "garbage") {
      r = rng.chance(0.2) ? 0n : rng.word() % SECP256K1_N;
      s = rng.chance(0.2) ? 0n : rng.word() % (SECP256K1_N / 2n);
    }
    list.push({ chainId: q(chainId), address: addr(target), nonce: q(nonce < 0n ? 0n : nonce), v: q(yParity), r: q(r), s: q(s) });
    authorities.push(authority);
    // Only an entry that holds (as far as the generator knows) moves the authority's nonce on.
    const holds = fault === "none" && !(account !== undefined && account.code !== "0x" && !account.code.startsWith("0xef0100"));
    if (holds) current += 1n;
    nonces.set(k, current);
  }
  return { list, authorities };
}

/** keccak256(0x05 || rlp([chain_id, address, nonce])), signed (EIP-7702). */
function signAuthorization(key: Uint8Array, chainId: bigint, address: bigint, nonce: bigint) {
  const addressBytes = new Uint8Array(20);
  addressBytes.set(bigToBytes(address), 20 - bigToBytes(address).length);
  const payload = RLP.encode([bigToBytes(chainId), addressBytes, bigToBytes(nonce)]);
  const hash = keccak(Uint8Array.from([0x05, ...payload]));
  const sig = secp256k1.sign(hash, key, { prehash: false, format: "recovered" });
  return { yParity: BigInt(sig[0]!), r: bytesToBig(sig.slice(1, 33)), s: bytesToBig(sig.slice(33, 65)) };
}
