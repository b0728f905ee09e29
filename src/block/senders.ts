// Sender recovery for a whole block, checked against the senders the source claims (RPC `from`).
import type { ForkRules } from "../fork/forks.js";
import { addressToHex } from "../primitives/word.js";
import type { Block } from "./block.js";
import { InputError } from "./json.js";
import { recoverSender } from "../tx/signature.js";
import { TxType } from "../tx/types.js";

export const MAINNET_CHAIN_ID = 1n;

/**
 * Sets `sender` on every transaction from its signature. Throws an InputError naming the
 * transaction when a signature is invalid or the recovered sender differs from the claimed one.
 */
export function recoverSenders(block: Block, rules: ForkRules, where: string, chainId = MAINNET_CHAIN_ID): void {
  block.transactions.forEach((tx, i) => {
    if (tx.sender !== undefined) return;
    let sender;
    try {
      sender = recoverSender(tx, rules, chainId);
    } catch (e) {
      throw new InputError(`${where}.transactions[${i}]: invalid signature: ${(e as Error).message}`);
    }
    if (tx.claimedSender !== undefined && tx.claimedSender !== sender) {
      throw new InputError(`${where}.transactions[${i}]: the signature recovers ${addressToHex(sender)}, but "from" is ${addressToHex(tx.claimedSender)}`);
    }
    tx.sender = sender;
  });
}

/** What each typed transaction needs of the fork, and its name (with its article) for messages. */
const TYPE_RULES: Partial<Record<TxType, { allowed: (rules: ForkRules) => boolean; name: string }>> = {
  [TxType.AccessList]: { allowed: (r) => r.eip2930, name: "an access-list (EIP-2930)" },
  [TxType.FeeMarket]: { allowed: (r) => r.eip1559, name: "a fee-market (EIP-1559)" },
  [TxType.Blob]: { allowed: (r) => r.hasBlobs, name: "a blob (EIP-4844)" },
  [TxType.SetCode]: { allowed: (r) => r.eip7702, name: "a set-code (EIP-7702)" },
};

/**
 * Checks what a block file's transactions say before anything runs, naming the transaction and
 * field: each transaction's type must exist in the block's fork, and its chain id (a typed
 * transaction's chainId, a legacy one's EIP-155 v) must be the chain's. Without this, a wrong
 * type surfaces mid-execution and a wrong chain as an "invalid signature".
 */
export function checkTransactionsForChain(block: Block, rules: ForkRules, where: string, chainId = MAINNET_CHAIN_ID): void {
  const chain = chainId === MAINNET_CHAIN_ID ? "mainnet's (chain id 1)" : `chain id ${chainId}`;
  block.transactions.forEach((tx, i) => {
    const at = `${where}.transactions[${i}]`;
    const type = TYPE_RULES[tx.type];
    if (type !== undefined && !type.allowed(rules)) {
      throw new InputError(`${at}.type: 0x${tx.type.toString(16)}, ${type.name} transaction, is not allowed in ${rules.name} (block ${block.header.number})`);
    }
    if (tx.chainId === null || tx.chainId === chainId) return;
    if (tx.type === TxType.Legacy) throw new InputError(`${at}.v: 0x${tx.v.toString(16)} encodes chain id ${tx.chainId} (EIP-155), but the block is ${chain}`);
    throw new InputError(`${at}.chainId: ${tx.chainId}, but the block is ${chain}`);
  });
}
