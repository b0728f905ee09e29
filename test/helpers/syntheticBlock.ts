// A small, hand-built mainnet-shaped block (one signed value transfer) written in the fixture
// layout, for CLI and loader tests. Expected header values are computed here with independent
// libraries (@noble, @ethereumjs/rlp, @ethereumjs/mpt), never with the code under test.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RLP } from "@ethereumjs/rlp";
import { createMPT } from "@ethereumjs/mpt";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak_256 } from "@noble/hashes/sha3.js";

export const SECRET_KEY = new Uint8Array(32).fill(0x11);
export const RECIPIENT = "0x" + "22".repeat(20);
export const COINBASE = "0x" + "33".repeat(20);
const BASE_FEE = 7n;
const GAS_PRICE = 10n;
const TRANSFER_GAS = 21000n;

export function hex(n: bigint | number): string {
  return "0x" + n.toString(16);
}

function bytesHex(b: Uint8Array): string {
  return "0x" + Buffer.from(b).toString("hex");
}

export function senderAddress(): string {
  const pub = secp256k1.getPublicKey(SECRET_KEY, false);
  return bytesHex(keccak_256(pub.subarray(1)).subarray(12));
}

/** An EIP-155 legacy transfer signed with SECRET_KEY. */
export function signedTransfer(nonce: bigint): Record<string, string> {
  const to = Buffer.from(RECIPIENT.slice(2), "hex");
  const unsigned = [nonce, GAS_PRICE, TRANSFER_GAS, to, 1n, new Uint8Array(0), 1n, 0n, 0n];
  const hash = keccak_256(RLP.encode(unsigned));
  const sig = secp256k1.sign(hash, SECRET_KEY, { prehash: false, format: "recovered" });
  const recovery = sig[0]!;
  const r = BigInt(bytesHex(sig.subarray(1, 33)));
  const s = BigInt(bytesHex(sig.subarray(33, 65)));
  const v = 37n + BigInt(recovery);
  const txHash = keccak_256(RLP.encode([nonce, GAS_PRICE, TRANSFER_GAS, to, 1n, new Uint8Array(0), v, r, s]));
  return {
    type: "0x0",
    hash: bytesHex(txHash),
    from: senderAddress(),
    to: RECIPIENT,
    nonce: hex(nonce),
    gas: hex(TRANSFER_GAS),
    gasPrice: hex(GAS_PRICE),
    value: "0x1",
    input: "0x",
    v: hex(v),
    r: hex(r),
    s: hex(s),
  };
}

/** Receipts root of one successful legacy transaction with no logs. */
async function singleReceiptRoot(cumulativeGas: bigint): Promise<string> {
  const receipt = RLP.encode([1n, cumulativeGas, new Uint8Array(256), []]);
  const trie = await createMPT();
  await trie.put(RLP.encode(0), receipt);
  return bytesHex(trie.root());
}

/** EIP-4895's withdrawals root of one withdrawal. */
async function singleWithdrawalRoot(index: bigint, validatorIndex: bigint, address: string, amount: bigint): Promise<string> {
  const trie = await createMPT();
  await trie.put(RLP.encode(0), RLP.encode([index, validatorIndex, Buffer.from(address.slice(2), "hex"), amount]));
  return bytesHex(trie.root());
}

export interface SyntheticBlockOptions {
  senderNonce?: bigint;
  txNonce?: bigint;
  headerGasUsed?: bigint;
}

/** Writes blocks/<n>/{block.json,pre_state.json} and bytecodes.json under a temp dir; returns the block dir. */
export async function writeSyntheticBlock(options: SyntheticBlockOptions = {}, root = mkdtempSync(join(tmpdir(), "pevm-block-"))): Promise<string> {
  const number = 17_100_000n;
  const block = {
    number: hex(number),
    hash: "0x" + "ab".repeat(32),
    parentHash: "0x" + "cd".repeat(32),
    miner: COINBASE,
    timestamp: hex(1_690_000_000n), // Shanghai
    gasLimit: hex(30_000_000n),
    gasUsed: hex(options.headerGasUsed ?? TRANSFER_GAS),
    difficulty: "0x0",
    mixHash: "0x" + "01".repeat(32),
    stateRoot: "0x" + "00".repeat(32),
    receiptsRoot: await singleReceiptRoot(TRANSFER_GAS),
    logsBloom: "0x" + "00".repeat(256),
    baseFeePerGas: hex(BASE_FEE),
    withdrawalsRoot: await singleWithdrawalRoot(0n, 5n, RECIPIENT, 3n),
    uncles: [],
    withdrawals: [{ index: "0x0", validatorIndex: "0x5", address: RECIPIENT, amount: "0x3" }],
    transactions: [signedTransfer(options.txNonce ?? 0n)],
  };
  const preState = {
    [senderAddress()]: { balance: hex(10n ** 18n), nonce: Number(options.senderNonce ?? 0n), storage: {} },
  };
  const dir = join(root, "blocks", number.toString());
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "block.json"), JSON.stringify(block));
  writeFileSync(join(dir, "pre_state.json"), JSON.stringify(preState));
  writeFileSync(join(root, "bytecodes.json"), "{}");
  writeFileSync(join(root, "block_hashes.json"), "{}");
  return dir;
}
