// Sender recovery for a whole block, checked against the senders the source claims (RPC `from`).
import type { ForkRules } from "../fork/forks.js";
import { addressToHex } from "../primitives/word.js";
import type { Block } from "./block.js";
import { InputError } from "./json.js";
import { recoverSender } from "../tx/signature.js";

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
