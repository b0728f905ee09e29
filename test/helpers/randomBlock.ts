// Random Cancun (or Prague, with EIP-7702 set-code transactions) blocks with the conflict patterns that stress a parallel executor: same-sender
// chains, a hot counter (with reverting calls), exact reads of the coinbase balance while fees
// accrue as deltas, value transfers (to the coinbase and to senders too), contracts that CREATE a child and make
// it SELFDESTRUCT in the same transaction, and contract-creating transactions.
import type { Block, BlockHeader } from "../../src/block/block.js";
import { TxType, type Transaction } from "../../src/tx/types.js";
import { keccak256Word } from "../../src/primitives/hash.js";
import { MemoryState } from "../../src/state/memory.js";
import { KECCAK_EMPTY_WORD } from "../../src/state/reader.js";
import type { Word } from "../../src/primitives/word.js";
import { random } from "./random.js";

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s/g, ""), "hex"));
// slot0 += 1; revert when the first calldata byte is 1.
const COUNTER = hex("5f54600101 5f55 5f3560f81c 6001146013 57 00 5b5f5ffd");
// Stores the coinbase balance (an exact read of a balance that every transaction credits).
const COINBASE_READER = hex("41315f5500");
// CREATEs a child whose code is CALLER SELFDESTRUCT, then calls it (EIP-6780: it is deleted).
// PUSH10 <init code: PUSH2 0x33ff PUSH0 MSTORE PUSH1 2 PUSH1 30 RETURN>, PUSH0 MSTORE,
// CREATE(0, 22, 10), CALL(GAS, child, 0, 0, 0, 0, 0).
const FACTORY = hex("69 6133ff5f526002601ef3 5f52 600a 6016 5f f0 5f5f5f5f5f 85 5a f1 00");
// Init code deploying COUNTER (23 bytes): CODECOPY(0, 10, 23) from after this 10-byte prefix, RETURN(0, 23).
const DEPLOY_COUNTER = hex("6017600a5f39 60175ff3" + Buffer.from(COUNTER).toString("hex"));

const COUNTER_ADDRESS: Word = 0xc0c0;
const READER_ADDRESS: Word = 0xbaba;
const FACTORY_ADDRESS: Word = 0xfafa;
const COINBASE: Word = 0xcb;
const BASE_FEE = 7n;


function putContract(pre: MemoryState, address: Word, code: Uint8Array): void {
  const hash = keccak256Word(code);
  pre.codes.set(hash, code);
  pre.putAccount(address, 1n, 0n, hash);
}

/** Prague blocks add EIP-7702 set-code transactions and calls to the delegating accounts. */
export interface RandomBlockOptions {
  setCode?: boolean;
}

const PRAGUE_TIMESTAMP = 1_750_000_000n;
const DELEGATES: readonly Word[] = [COUNTER_ADDRESS, READER_ADDRESS, 0];

export function randomBlock(seed: number, txCount: number, senderCount = 12, options: RandomBlockOptions = {}): { block: Block; preState: MemoryState; blockHashes: Map<bigint, Word> } {
  const rand = random(seed);
  const pre = new MemoryState();
  const senders: Word[] = Array.from({ length: senderCount }, (_, i) => 0x5e0000 + i);
  for (const s of senders) pre.putAccount(s, 0n, 10n ** 21n, KECCAK_EMPTY_WORD);
  pre.putAccount(COINBASE, 0n, 10n ** 15n, KECCAK_EMPTY_WORD);
  putContract(pre, COUNTER_ADDRESS, COUNTER);
  putContract(pre, READER_ADDRESS, COINBASE_READER);
  putContract(pre, FACTORY_ADDRESS, FACTORY);
  const nonces = new Map<Word, bigint>(senders.map((s) => [s, 0n]));
  // Accounts that delegate their code (EIP-7702): some funded EOAs of their own, and the senders.
  const delegators: Word[] = Array.from({ length: 4 }, (_, i) => 0xde0000 + i);
  for (const d of delegators) {
    pre.putAccount(d, 0n, 10n ** 18n, KECCAK_EMPTY_WORD);
    nonces.set(d, 0n);
  }
  const transactions: Transaction[] = [];
  for (let i = 0; i < txCount; i++) {
    const sender = senders[Math.floor(rand() * senders.length)]!;
    const nonce = nonces.get(sender)!;
    nonces.set(sender, nonce + 1n);
    const kind = Math.floor(rand() * (options.setCode ? 7 : 5));
    let to: Word | null = null;
    let value = 0n;
    let data = new Uint8Array(0);
    let type = TxType.FeeMarket;
    const authorizationList: Transaction["authorizationList"] = [];
    if (kind === 5) {
      // Set-code: one or two authorizations, to a delegator or the sender itself (its nonce then
      // counts the transaction's own increment), now and then with a stale nonce (skipped).
      type = TxType.SetCode;
      to = delegators[Math.floor(rand() * delegators.length)]!;
      for (let a = 0; a < 1 + Math.floor(rand() * 2); a++) {
        const authority = rand() < 0.25 ? sender : delegators[Math.floor(rand() * delegators.length)]!;
        const current = nonces.get(authority)!;
        const stale = rand() < 0.15;
        const authNonce = stale ? current + 5n : current;
        if (!stale) nonces.set(authority, current + 1n);
        authorizationList.push({ chainId: rand() < 0.5 ? 0n : 1n, address: DELEGATES[Math.floor(rand() * DELEGATES.length)]!, nonce: authNonce, yParity: 0n, r: 1n, s: 1n, authority });
      }
    } else if (kind === 6) {
      // A call to a delegating account: it runs its delegate's code (or none) on its own storage.
      to = delegators[Math.floor(rand() * delegators.length)]!;
      data = Uint8Array.of(rand() < 0.2 ? 1 : 0);
    } else if (kind === 0) {
      // Plain transfers credit their recipient as a delta; paying a sender mixes such credits with
      // that sender's own (absolute) balance reads and debits.
      const r = rand();
      to = r < 0.2 ? COINBASE : r < 0.45 ? senders[Math.floor(rand() * senders.length)]! : 0xe0000 + Math.floor(rand() * 8);
      value = BigInt(1 + Math.floor(rand() * 1000));
    } else if (kind === 1) {
      to = COUNTER_ADDRESS;
      data = Uint8Array.of(rand() < 0.3 ? 1 : 0);
    } else if (kind === 2) {
      to = READER_ADDRESS;
    } else if (kind === 3) {
      to = FACTORY_ADDRESS;
    } else {
      data = DEPLOY_COUNTER;
    }
    const tip = BigInt(Math.floor(rand() * 3)); // zero tips too: the coinbase is then touched
    transactions.push({
      type, chainId: 1n, nonce, maxFeePerGas: BASE_FEE + tip, maxPriorityFeePerGas: tip, gasLimit: 300_000n, to, value, data,
      accessList: [], maxFeePerBlobGas: 0n, blobVersionedHashes: [], authorizationList, v: 0n, r: 0n, s: 0n, sender,
    });
  }
  const header: BlockHeader = {
    number: options.setCode ? 22_600_000n : 19_500_000n, timestamp: options.setCode ? PRAGUE_TIMESTAMP : 1_710_400_000n, hash: null, parentHash: new Uint8Array(32), coinbase: COINBASE, gasLimit: 300_000n * BigInt(txCount + 1),
    gasUsed: 0n, difficulty: 0n, mixHash: 0, stateRoot: new Uint8Array(32), receiptsRoot: new Uint8Array(32), transactionsRoot: null, logsBloom: new Uint8Array(256),
    baseFeePerGas: BASE_FEE, withdrawalsRoot: new Uint8Array(32), blobGasUsed: 0n, excessBlobGas: 0n, parentBeaconBlockRoot: null, requestsHash: null,
  };
  return { block: { header, transactions, withdrawals: [], ommers: [] }, preState: pre, blockHashes: new Map() };
}
