// EIP-7702 authorization processing, the EIP-7623 calldata floor, the EIP-7825 gas cap and the
// blob base fee, through applyTransaction on small hand-made worlds. Expected gas is worked out
// from the EIPs' constants in each test.
import assert from "node:assert/strict";
import { test } from "node:test";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { CodeCache } from "../../src/evm/code.js";
import { Evm, Status } from "../../src/evm/interpreter.js";
import { applyTransaction, blobBaseFee, InvalidTransactionError } from "../../src/evm/processor.js";
import { Fork, rulesFor } from "../../src/fork/forks.js";
import { bytesToHex, hexToBytes } from "../../src/primitives/bytes.js";
import { addressToHex, fromBytes, wordFromHex, type Word } from "../../src/primitives/word.js";
import { KECCAK_EMPTY_WORD } from "../../src/state/reader.js";
import { MemoryState } from "../../src/state/memory.js";
import { WorldState } from "../../src/state/world.js";
import { authorizationSigningHash } from "../../src/tx/transaction.js";
import { TxType, type Authorization, type Transaction } from "../../src/tx/types.js";
import { BENCH_BLOCK } from "../../src/workload/runCall.js";

// EIP-155's example key; its address is the authority of the authorizations signed here.
const AUTHORITY_KEY = hexToBytes("0x4646464646464646464646464646464646464646464646464646464646464646");
const AUTHORITY = wordFromHex("0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f");
const SENDER = wordFromHex("0x5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e");
const DELEGATE = wordFromHex("0xdddddddddddddddddddddddddddddddddddddddd");
const OTHER_DELEGATE = wordFromHex("0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee");
const TARGET = wordFromHex("0x7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a");
const ETHER = 10n ** 18n;
// BENCH_BLOCK: chain id 1, base fee 7. Fees here: max 10, tip 1, so the gas price is 8.
const GAS_PRICE = 8n;

// sstore(0, 42): 3 + 3 + 22100 (a cold slot set from zero) = 22106 gas.
const STORE_42 = "602a600055" + "00";
const STORE_42_GAS = 22_106n;

interface AccountSpec {
  address: Word;
  code?: string;
  nonce?: bigint;
  balance?: bigint;
}

function designator(address: Word): string {
  return "ef0100" + addressToHex(address).slice(2);
}

function codeHashOf(hex: string): Word {
  return fromBytes(keccak_256(hexToBytes("0x" + hex)), 0, 32);
}

function sign(auth: Omit<Authorization, "yParity" | "r" | "s">): Authorization {
  const unsigned = { ...auth, yParity: 0n, r: 0n, s: 0n };
  const sig = secp256k1.sign(authorizationSigningHash(unsigned), AUTHORITY_KEY, { prehash: false, format: "recovered" });
  return { ...unsigned, yParity: BigInt(sig[0]!), r: BigInt(bytesToHex(sig.subarray(1, 33))), s: BigInt(bytesToHex(sig.subarray(33, 65))) };
}

function setCodeTx(authorizationList: Authorization[], changes: Partial<Transaction> = {}): Transaction {
  return {
    type: TxType.SetCode,
    chainId: 1n,
    nonce: 0n,
    maxFeePerGas: 10n,
    maxPriorityFeePerGas: 1n,
    gasLimit: 200_000n,
    to: TARGET,
    value: 0n,
    data: new Uint8Array(0),
    accessList: [],
    maxFeePerBlobGas: 0n,
    blobVersionedHashes: [],
    authorizationList,
    v: 0n,
    r: 0n,
    s: 0n,
    sender: SENDER,
    ...changes,
  };
}

function world(accounts: AccountSpec[]): WorldState {
  const state = new MemoryState();
  for (const spec of [{ address: SENDER, balance: ETHER }, ...accounts]) {
    const code = spec.code ?? "";
    const codeHash = code === "" ? KECCAK_EMPTY_WORD : codeHashOf(code);
    state.codes.set(codeHash, hexToBytes("0x" + code));
    state.putAccount(spec.address, spec.nonce ?? 0n, spec.balance ?? 0n, codeHash);
  }
  return new WorldState(state);
}

function run(tx: Transaction, accounts: AccountSpec[], fork = Fork.Prague) {
  const w = world(accounts);
  const evm = new Evm(w, BENCH_BLOCK, rulesFor(fork), new CodeCache());
  const result = applyTransaction(evm, tx, tx.sender!);
  return { result, world: w };
}

function assertDelegated(w: WorldState, to: Word, nonce: bigint): void {
  assert.equal(bytesToHex(w.getCode(AUTHORITY)), "0x" + designator(to));
  assert.equal(w.getNonce(AUTHORITY), nonce);
}

test("an authorization delegates a new account, which the transaction then runs as the delegate's code", () => {
  const auth = sign({ chainId: 1n, address: DELEGATE, nonce: 0n });
  const { result, world: w } = run(setCodeTx([auth], { to: AUTHORITY }), [{ address: DELEGATE, code: STORE_42 }]);
  assert.equal(result.status, Status.Success);
  assertDelegated(w, DELEGATE, 1n);
  assert.equal(w.getStorage(AUTHORITY, 0), 42, "the delegate's code ran on the authority's storage");
  assert.equal(w.getStorage(DELEGATE, 0), 0);
  // 21000 + 25000 per authorization + the delegate's code; no refund: the authority did not exist.
  assert.equal(result.gasUsed, 46_000n + STORE_42_GAS);
  assert.equal(w.getBalance(SENDER), ETHER - result.gasUsed * GAS_PRICE);
  assert.equal(w.getNonce(SENDER), 1n);
});

test("a transaction to a delegated account warms the delegate", () => {
  // The delegate reads its own balance: 3 + 100 (warm) + 2.
  const balanceOfDelegate = "73" + addressToHex(DELEGATE).slice(2) + "3150" + "00";
  const tx = setCodeTx([sign({ chainId: 1n, address: DELEGATE, nonce: 0n })], { to: AUTHORITY });
  assert.equal(run(tx, [{ address: DELEGATE, code: balanceOfDelegate }]).result.gasUsed, 46_000n + 105n);
});

test("an authority that exists earns 25000 - 12500 back", () => {
  const auth = sign({ chainId: 1n, address: DELEGATE, nonce: 0n });
  const { result, world: w } = run(setCodeTx([auth], { to: AUTHORITY }), [{ address: AUTHORITY, balance: 1n }, { address: DELEGATE, code: STORE_42 }]);
  assertDelegated(w, DELEGATE, 1n);
  assert.equal(result.gasUsed, 46_000n + STORE_42_GAS - 12_500n);
});

test("authorizations for another chain, with a wrong nonce, a bad signature or an authority with code are skipped", () => {
  const cases: [string, Authorization, AccountSpec[]][] = [
    ["another chain", sign({ chainId: 5n, address: DELEGATE, nonce: 0n }), []],
    ["nonce behind", sign({ chainId: 1n, address: DELEGATE, nonce: 0n }), [{ address: AUTHORITY, nonce: 1n }]],
    ["nonce ahead", sign({ chainId: 1n, address: DELEGATE, nonce: 1n }), []],
    ["nonce 2^64 - 1", sign({ chainId: 1n, address: DELEGATE, nonce: 2n ** 64n - 1n }), [{ address: AUTHORITY, nonce: 2n ** 64n - 1n }]],
    ["high s", { ...sign({ chainId: 1n, address: DELEGATE, nonce: 0n }), s: 2n ** 255n }, []],
    ["y-parity 2", { ...sign({ chainId: 1n, address: DELEGATE, nonce: 0n }), yParity: 2n }, []],
    ["authority with contract code", sign({ chainId: 1n, address: DELEGATE, nonce: 0n }), [{ address: AUTHORITY, code: STORE_42 }]],
  ];
  for (const [name, auth, accounts] of cases) {
    const { result, world: w } = run(setCodeTx([auth]), accounts);
    assert.equal(result.status, Status.Success, name);
    const spec = accounts.find((a) => a.address === AUTHORITY);
    assert.equal(w.getCodeHash(AUTHORITY), spec?.code === undefined ? KECCAK_EMPTY_WORD : codeHashOf(spec.code), name);
    assert.equal(w.getNonce(AUTHORITY), spec?.nonce ?? 0n, name);
    // The sender still pays 25000 for the authorization.
    assert.equal(result.gasUsed, 46_000n, name);
  }
});

test("chain id 0 is valid on every chain", () => {
  const { world: w } = run(setCodeTx([sign({ chainId: 0n, address: DELEGATE, nonce: 0n })]), []);
  assertDelegated(w, DELEGATE, 1n);
});

test("the authority is warm once recovered, even when its authorization then fails", () => {
  // The target reads the authority's balance: 3 + 100 (warm) or 2600 (cold) + 2 (POP).
  const balanceOfAuthority = "73" + addressToHex(AUTHORITY).slice(2) + "3150" + "00";
  const accounts: AccountSpec[] = [{ address: TARGET, code: balanceOfAuthority }, { address: AUTHORITY, nonce: 5n }];
  const nonceMismatch = run(setCodeTx([sign({ chainId: 1n, address: DELEGATE, nonce: 0n })]), accounts).result;
  const otherChain = run(setCodeTx([sign({ chainId: 5n, address: DELEGATE, nonce: 0n })]), accounts).result;
  assert.equal(nonceMismatch.gasUsed, 46_000n + 105n);
  assert.equal(otherChain.gasUsed, 46_000n + 2605n, "skipped before recovery: still cold");
});

test("address 0 clears a delegation; several authorizations of one authority apply in order", () => {
  const clear = run(setCodeTx([sign({ chainId: 1n, address: 0, nonce: 3n })]), [{ address: AUTHORITY, nonce: 3n, code: designator(DELEGATE) }]);
  assert.equal(clear.world.getCodeHash(AUTHORITY), KECCAK_EMPTY_WORD);
  assert.equal(clear.world.getNonce(AUTHORITY), 4n);
  // The authority existed: 12500 back, capped at a fifth of the 46000 spent.
  assert.equal(clear.result.gasUsed, 46_000n - 9_200n);

  // Nonces 0 then 1: both hold, the second (to another delegate) wins; a repeated nonce 0 fails.
  const auths = [sign({ chainId: 1n, address: DELEGATE, nonce: 0n }), sign({ chainId: 1n, address: OTHER_DELEGATE, nonce: 1n }), sign({ chainId: 1n, address: DELEGATE, nonce: 0n })];
  const { result, world: w } = run(setCodeTx(auths), []);
  assertDelegated(w, OTHER_DELEGATE, 2n);
  // 21000 + 3 * 25000; the second authorization found the authority existing: 12500 back.
  assert.equal(result.gasUsed, 96_000n - 12_500n);
});

test("delegations stay when the execution fails", () => {
  const revert = "60006000fd"; // revert(0, 0)
  const { result, world: w } = run(setCodeTx([sign({ chainId: 1n, address: DELEGATE, nonce: 0n })]), [{ address: TARGET, code: revert }]);
  assert.equal(result.status, Status.Revert);
  assertDelegated(w, DELEGATE, 1n);
});

test("a self-sponsored authorization needs the sender's nonce after the increment", () => {
  const sender = { address: AUTHORITY, balance: ETHER, nonce: 7n };
  const valid = run(setCodeTx([sign({ chainId: 1n, address: DELEGATE, nonce: 8n })], { nonce: 7n, sender: AUTHORITY }), [sender]);
  assertDelegated(valid.world, DELEGATE, 9n);
  const stale = run(setCodeTx([sign({ chainId: 1n, address: DELEGATE, nonce: 7n })], { nonce: 7n, sender: AUTHORITY }), [sender]);
  assert.equal(stale.world.getCodeHash(AUTHORITY), KECCAK_EMPTY_WORD);
  assert.equal(stale.world.getNonce(AUTHORITY), 8n);
});

test("EIP-3607 with EIP-7702: a delegated sender may send, one with other code may not", () => {
  const tx = setCodeTx([sign({ chainId: 1n, address: DELEGATE, nonce: 1n })], { sender: AUTHORITY });
  const delegated = run(tx, [{ address: AUTHORITY, balance: ETHER, code: designator(OTHER_DELEGATE) }]);
  assert.equal(delegated.result.status, Status.Success);
  assertDelegated(delegated.world, DELEGATE, 2n);
  assert.throws(() => run(tx, [{ address: AUTHORITY, balance: ETHER, code: STORE_42 }]), InvalidTransactionError);
  // Before Prague a designator is code like any other.
  const legacy = { ...tx, type: TxType.FeeMarket, authorizationList: [] };
  assert.throws(() => run(legacy, [{ address: AUTHORITY, balance: ETHER, code: designator(OTHER_DELEGATE) }], Fork.Cancun), /sender has code/);
});

test("a transaction to an account delegated to a precompile runs empty code", () => {
  const identity = 4;
  const tx = setCodeTx([sign({ chainId: 1n, address: identity, nonce: 0n })], { to: AUTHORITY, data: Uint8Array.of(1, 2, 3) });
  const { result } = run(tx, []);
  assert.equal(result.status, Status.Success);
  assert.equal(result.output.length, 0, "the identity precompile did not run");
});

test("a loader's recovered authority is used as given; null skips the authorization", () => {
  const unsigned: Authorization = { chainId: 1n, address: DELEGATE, nonce: 0n, yParity: 0n, r: 0n, s: 0n };
  const given = run(setCodeTx([{ ...unsigned, authority: AUTHORITY }]), []);
  assertDelegated(given.world, DELEGATE, 1n);
  const none = run(setCodeTx([{ ...sign(unsigned), authority: null }]), []);
  assert.equal(none.world.getCodeHash(AUTHORITY), KECCAK_EMPTY_WORD);
  // The processor keeps what it recovered on the authorization.
  const auth = sign(unsigned);
  run(setCodeTx([auth]), []);
  assert.equal(auth.authority, AUTHORITY);
});

test("set-code transactions are invalid without an authorization, without a recipient, or before Prague", () => {
  const auth = sign({ chainId: 1n, address: DELEGATE, nonce: 0n });
  assert.throws(() => run(setCodeTx([]), []), InvalidTransactionError);
  assert.throws(() => run(setCodeTx([auth], { to: null }), []), InvalidTransactionError);
  assert.throws(() => run(setCodeTx([auth]), [], Fork.Cancun), /EIP-7702/);
  assert.throws(() => run(setCodeTx([auth], { gasLimit: 45_999n }), []), /intrinsic gas too low/);
});

test("EIP-7623: a transaction whose execution costs less than its calldata floor pays the floor", () => {
  // 100 non-zero bytes: intrinsic 21000 + 1600 = 22600; floor 21000 + 400 tokens * 10 = 25000.
  const tx = setCodeTx([], { type: TxType.FeeMarket, data: new Uint8Array(100).fill(1), gasLimit: 30_000n });
  const prague = run(tx, []);
  assert.equal(prague.result.gasUsed, 25_000n);
  assert.equal(prague.world.getBalance(SENDER), ETHER - 25_000n * GAS_PRICE);
  assert.equal(run(tx, [], Fork.Cancun).result.gasUsed, 22_600n);
  assert.throws(() => run({ ...tx, gasLimit: 24_999n }, []), /calldata floor 25000/);
  // Execution above the floor: the floor does not apply.
  const busy = run({ ...tx, gasLimit: 100_000n }, [{ address: TARGET, code: STORE_42 }]);
  assert.equal(busy.result.gasUsed, 22_600n + STORE_42_GAS);
});

test("EIP-7825: from Osaka a gas limit above 2^24 makes the transaction invalid", () => {
  const tx = setCodeTx([], { type: TxType.FeeMarket, gasLimit: 2n ** 24n + 1n });
  assert.throws(() => run(tx, [], Fork.Osaka), /EIP-7825/);
  assert.equal(run({ ...tx, gasLimit: 2n ** 24n }, [], Fork.Osaka).result.gasUsed, 21_000n);
  assert.equal(run(tx, [], Fork.Prague).result.gasUsed, 21_000n);
});

test("blob base fee: fake_exponential(1, excess, the fork's update fraction)", () => {
  const cancun = rulesFor(Fork.Cancun);
  const prague = rulesFor(Fork.Prague);
  assert.equal(blobBaseFee(0n, cancun), 1n);
  // e^1 rounds down to 2 with each fork's own fraction; Cancun's fraction under Prague gives e^(2/3).
  assert.equal(blobBaseFee(3_338_477n, cancun), 2n);
  assert.equal(blobBaseFee(5_007_716n, prague), 2n);
  assert.equal(blobBaseFee(3_338_477n, prague), 1n);
  assert.equal(blobBaseFee(10n * 3_338_477n, cancun), 22_026n); // floor(e^10) = 22026
});
