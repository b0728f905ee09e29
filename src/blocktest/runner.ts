// Runs execution-spec-tests blockchain tests: from the genesis and its full pre-state, each block
// is decoded from its RLP, validated against its parent, executed, and every header field the
// execution determines is checked (state root included), as a client importing the chain would.
// A block the test marks with `expectException` must be rejected, leaving the chain as it was; the
// next blocks build on the last accepted one. At the end the head's hash and the post-state must
// be the test's.
import { bytesToHex, hexToBytes } from "../primitives/bytes.js";
import { addressToHex, fromBytes, type Word } from "../primitives/word.js";
import { threadCodeCache } from "../evm/code.js";
import type { BlockHeader } from "../block/block.js";
import { checkBlockBlobGas, checkHeaderLayout, InvalidBlockError, validateBlockBody, validateHeader } from "../block/headerRules.js";
import { InputError } from "../block/json.js";
import { BlockDecodeError, decodeBlock, type DecodedBlock } from "../block/rlpBlock.js";
import { recoverSenders } from "../block/senders.js";
import { verifyExecution, type Checks } from "../block/verify.js";
import { BlockExecutionError, executeBlock, type BlockResult } from "../exec/sequential.js";
import { applyWorld, memoryStateRoot } from "../state/apply.js";
import type { MemoryState } from "../state/memory.js";
import { rejectionFits } from "./exceptions.js";
import { readBlockchainTestFile } from "./files.js";
import { networkOf, NetworkError, type ConfigJson, type Network } from "./network.js";
import { copyState, describeDifferences, stateFromJson, type AccountJson } from "../state/testJson.js";

export interface BlockJson {
  rlp: string;
  /** The decoded header, for valid blocks; only its hash is read (the RLP is what is imported). */
  blockHeader?: { hash?: string };
  /** The decoded transactions, for valid blocks; their `sender` is checked against ours. */
  transactions?: { sender?: string }[];
  /** The block must be rejected, for this reason (alternatives separated by "|"). */
  expectException?: string;
}

export interface BlockchainTestJson {
  network: string;
  config?: ConfigJson;
  genesisBlockHeader: { hash: string };
  genesisRLP: string;
  pre: Record<string, AccountJson>;
  blocks: BlockJson[];
  postState?: Record<string, AccountJson>;
  postStateHash?: string;
  lastblockhash: string;
}

/** Where in the import a block was rejected. */
export type Stage = "decoding" | "header" | "signature" | "transaction" | "execution" | "result";

/** A block the test expects to be rejected, and why we rejected it. */
export interface Rejection {
  /** Index in the test's `blocks`. */
  block: number;
  expected: string;
  stage: Stage;
  reason: string;
}

export interface BlockTestResult {
  /** The test's name in its file (unique across the suite). */
  id: string;
  network: string;
  ok: boolean;
  /** The first thing that went wrong, when not ok. */
  error?: string;
  /** Blocks imported (accepted). */
  imported: number;
  rejections: Rejection[];
}

export interface BlockTestOptions {
  /** Run only tests whose id contains this text. */
  filter?: string;
}

/** A block we reject, at `stage`; `post` is the state it would have left (for a result mismatch). */
class Rejected extends Error {
  constructor(
    readonly stage: Stage,
    message: string,
    readonly post?: MemoryState,
  ) {
    super(message);
  }
}

/** A check of the test itself (genesis, fixture's decoded values, final state) failed. */
class TestFailure extends Error {}

type Head = BlockHeader & { hash: Uint8Array };

interface Chain {
  network: Network;
  chainId: bigint;
  state: MemoryState;
  head: Head;
  /** Hashes of the head and its ancestors by number, for BLOCKHASH. */
  hashes: Map<bigint, Word>;
}

/** Runs the selected tests of one file. */
export function runBlockchainTestFile(file: string, options: BlockTestOptions = {}): BlockTestResult[] {
  const results: BlockTestResult[] = [];
  for (const [id, test] of Object.entries(readBlockchainTestFile(file))) {
    if (options.filter !== undefined && !id.includes(options.filter)) continue;
    results.push(runBlockchainTest(id, test));
  }
  return results;
}

/** Runs one test; never throws (a crash is a failure naming it). */
export function runBlockchainTest(id: string, test: BlockchainTestJson): BlockTestResult {
  const rejections: Rejection[] = [];
  let imported = 0;
  const finish = (error?: string): BlockTestResult => ({ id, network: test.network, ok: error === undefined, ...(error === undefined ? {} : { error }), imported, rejections });
  try {
    const chain = startChain(test);
    for (let i = 0; i < test.blocks.length; i++) {
      const json = test.blocks[i]!;
      const outcome = tryImport(chain, json.rlp);
      if (json.expectException !== undefined) {
        rejections.push(expectRejected(outcome, json.expectException, i));
        continue;
      }
      if (outcome instanceof Rejected) throw new TestFailure(`blocks[${i}] rejected at ${outcome.stage}: ${outcome.message}${finalDifferences(test, i, outcome)}`);
      checkAgainstFixture(outcome.decoded, json, `blocks[${i}]`);
      adopt(chain, outcome);
      imported++;
    }
    checkFinalState(chain, test);
    return finish();
  } catch (e) {
    if (e instanceof TestFailure || e instanceof NetworkError) return finish(e.message);
    return finish(`crash: ${(e as Error).stack ?? String(e)}`);
  }
}

/** The rejection of a block the test expects rejected for `expected`; a TestFailure when it was not, or for another reason. */
function expectRejected(outcome: Imported | Rejected, expected: string, index: number): Rejection {
  if (!(outcome instanceof Rejected)) throw new TestFailure(`blocks[${index}] (number ${outcome.header.number}) was accepted, but the test expects it rejected: ${expected}`);
  if (!rejectionFits(expected, outcome.stage, outcome.message)) {
    throw new TestFailure(`blocks[${index}] was rejected at ${outcome.stage} (${outcome.message}), but the test expects ${expected}: another reason`);
  }
  return { block: index, expected, stage: outcome.stage, reason: outcome.message };
}

/** The genesis from its RLP, checked against its stated hash and the pre-state's root. */
function startChain(test: BlockchainTestJson): Chain {
  const network = networkOf(test.network, test.config);
  const chainId = test.config?.chainid === undefined ? 1n : BigInt(test.config.chainid);
  let genesis: DecodedBlock;
  try {
    genesis = decodeBlock(hexToBytes(test.genesisRLP));
  } catch (e) {
    if (e instanceof BlockDecodeError) throw new TestFailure(`genesisRLP: ${e.message}`);
    throw e;
  }
  const { header } = genesis;
  const hash = bytesToHex(header.hash);
  if (hash !== test.genesisBlockHeader.hash.toLowerCase()) throw new TestFailure(`genesis hash ${hash}, genesisBlockHeader.hash says ${test.genesisBlockHeader.hash}`);
  try {
    checkHeaderLayout(header, network.rulesAt(header.number, header.timestamp));
  } catch (e) {
    if (e instanceof InvalidBlockError) throw new TestFailure(`genesis: ${e.message}`);
    throw e;
  }
  const state = stateFromJson(test.pre, "pre");
  const root = bytesToHex(memoryStateRoot(state));
  if (root !== bytesToHex(header.stateRoot!)) throw new TestFailure(`pre-state root ${root}, the genesis stateRoot is ${bytesToHex(header.stateRoot!)}`);
  return { network, chainId, state, head: header, hashes: new Map([[header.number, hashWord(header.hash)]]) };
}

interface Imported {
  decoded: DecodedBlock;
  header: Head;
  /** The chain's state after the block. */
  state: MemoryState;
}

function tryImport(chain: Chain, rlpHex: string): Imported | Rejected {
  try {
    return importBlock(chain, hexToBytes(rlpHex));
  } catch (e) {
    if (e instanceof Rejected) return e;
    throw e;
  }
}

/**
 * Decodes, validates and executes a block on the chain's head, and checks the header's
 * execution-determined fields. Leaves the chain untouched; throws Rejected for an invalid block.
 */
function importBlock(chain: Chain, rlp: Uint8Array): Imported {
  const decoded = atStage("decoding", () => decodeBlock(rlp));
  const { header, block } = decoded;
  const rules = chain.network.rulesAt(header.number, header.timestamp);
  atStage("header", () => {
    validateHeader(decoded, chain.head, rules);
    validateBlockBody(decoded, rules);
  });
  atStage("transaction", () => checkBlockBlobGas(block, rules));
  atStage("signature", () => recoverSenders(block, rules, "block", chain.chainId));
  const result = atStage("execution", () => executeBlock(block, chain.state, { blockHashes: chain.hashes, chainId: chain.chainId, rules, completeState: true, codeCache: threadCodeCache }));
  const post = copyState(chain.state);
  applyWorld(result.world, post);
  const mismatches = resultMismatches(decoded, result, post);
  if (mismatches.length > 0) throw new Rejected("result", mismatches.join("; "), post);
  return { decoded, header, state: post };
}

/** Runs `step`, turning the errors that mean "invalid block" into a Rejected at `stage`. */
function atStage<T>(stage: Stage, step: () => T): T {
  try {
    return step();
  } catch (e) {
    if (e instanceof BlockDecodeError || e instanceof InvalidBlockError || e instanceof InputError) throw new Rejected(stage, e.message);
    if (e instanceof BlockExecutionError) throw new Rejected(/^transaction \d+ is invalid/.test(e.message) ? "transaction" : stage, e.message);
    throw e;
  }
}

/** Every header field the execution determines that differs from ours, with both values. */
function resultMismatches({ block, header }: DecodedBlock, result: BlockResult, post: MemoryState): string[] {
  const { checks } = verifyExecution(block, result, null);
  const hex = (b: Uint8Array | null) => (b === null ? "none" : bytesToHex(b));
  const ours: Record<keyof Checks, string> = {
    gasUsed: `gasUsed ${result.gasUsed}, header ${header.gasUsed}`,
    logsBloom: "logsBloom differs",
    receiptsRoot: `receiptsRoot ${hex(result.receiptsRoot)}, header ${hex(header.receiptsRoot)}`,
    transactionsRoot: "transactionsRoot differs from the transactions' trie",
    withdrawalsRoot: "withdrawalsRoot differs from the withdrawals' trie",
    blobGasUsed: `blobGasUsed ${result.blobGasUsed}, header ${header.blobGasUsed}`,
    requestsHash: `requestsHash ${hex(result.requestsHash)} (${result.requests?.length ?? 0} request types), header ${hex(header.requestsHash)}`,
  };
  const out = (Object.keys(ours) as (keyof Checks)[]).filter((key) => checks[key] === false).map((key) => ours[key]);
  // Fields the fork requires must have been checked: a null check there means nothing was compared.
  if (header.requestsHash !== null && checks.requestsHash === null) out.push("requestsHash not computed");
  const root = memoryStateRoot(post);
  if (header.stateRoot === null || hex(root) !== hex(header.stateRoot)) out.push(`stateRoot ${hex(root)}, header ${hex(header.stateRoot)}`);
  return out;
}

/** What the test's fixture says about an accepted block: its hash and its transactions' senders. */
function checkAgainstFixture({ header, block }: DecodedBlock, json: BlockJson, where: string): void {
  const expectedHash = json.blockHeader?.hash;
  if (expectedHash !== undefined && bytesToHex(header.hash) !== expectedHash.toLowerCase()) {
    throw new TestFailure(`${where}: block hash ${bytesToHex(header.hash)}, blockHeader.hash says ${expectedHash}`);
  }
  json.transactions?.forEach((tx, i) => {
    const ours = block.transactions[i]?.sender;
    if (tx.sender !== undefined && (ours === undefined || addressToHex(ours) !== tx.sender.toLowerCase())) {
      throw new TestFailure(`${where}.transactions[${i}]: sender ${ours === undefined ? "none" : addressToHex(ours)}, the fixture says ${tx.sender}`);
    }
  });
}

function adopt(chain: Chain, imported: Imported): void {
  chain.state = imported.state;
  chain.head = imported.header;
  chain.hashes.set(imported.header.number, hashWord(imported.header.hash));
}

function checkFinalState(chain: Chain, test: BlockchainTestJson): void {
  const head = bytesToHex(chain.head.hash);
  if (head !== test.lastblockhash.toLowerCase()) throw new TestFailure(`last block hash ${head}, lastblockhash says ${test.lastblockhash}`);
  const root = bytesToHex(memoryStateRoot(chain.state));
  if (test.postState !== undefined) {
    const expected = stateFromJson(test.postState, "postState");
    const expectedRoot = bytesToHex(memoryStateRoot(expected));
    if (root !== expectedRoot) throw new TestFailure(`post-state root ${root}, postState's ${expectedRoot}: ${describeDifferences(chain.state, expected)}`);
  } else if (test.postStateHash !== undefined && root !== test.postStateHash.toLowerCase()) {
    throw new TestFailure(`post-state root ${root}, postStateHash says ${test.postStateHash}`);
  }
}

/**
 * For a result mismatch on the test's last valid block: how the state it would have left differs
 * from postState (which is then that block's post-state), to name the accounts at fault.
 */
function finalDifferences(test: BlockchainTestJson, index: number, rejected: Rejected): string {
  if (rejected.post === undefined || test.postState === undefined) return "";
  if (test.blocks.slice(index + 1).some((b) => b.expectException === undefined)) return "";
  const differences = describeDifferences(rejected.post, stateFromJson(test.postState, "postState"));
  return differences === "" ? "" : ` (against postState: ${differences})`;
}

function hashWord(hash: Uint8Array): Word {
  return fromBytes(hash, 0, 32);
}
