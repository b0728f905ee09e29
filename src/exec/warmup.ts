// A JIT warm-up for a thread that is about to execute blocks. The interpreter's loop is one large
// function; V8 compiles it with the type feedback it has seen, and the first time a thread runs an
// opcode (or an operand kind: a small number, a wide bigint) its optimized code has no feedback for,
// that code is thrown away and the loop runs in V8's slow tiers until it is compiled again (tens of
// milliseconds for a function this large, on a core the executors are using). Measured on a worker
// thread of the parallel executor after three passes over the mainnet fixtures (--trace-deopt):
// transactions of block 9069000 that take 0.5 ms ran at 3-4 ms, and the block in 19-42 ms against
// 15 ms sequentially, several blocks after such a deoptimization. Running every opcode once, with
// every kind of operand and under each fork whose rules change the loop's branches, before the
// first block gives the loop its feedback up front: the block's parallel runs then took 12-16 ms,
// and the mean speedup over the mainnet blocks of 50+ transactions rose by about 0.02-0.04 (2
// threads). A worker thread runs the blocks through its own Block-STM loop (runBlockStmAlone),
// which warms that code too: `pevm bench`'s default block (2,000 ERC-20 transfers, 5 runs) then
// ran in parallel at 0.74x-1.01x, 0.91x on average, against 0.75x-0.78x when it ran them
// sequentially. The blocks also call every precompile with a valid input (precompileCalls).
import { rulesFor, Fork, type ForkRules } from "../fork/forks.js";
import { opTableFor, Op } from "../evm/opcodes.js";
import { bigintToPadded } from "../evm/precompiles/common.js";
import { fromBytes, type Word } from "../primitives/word.js";
import type { Block } from "../block/block.js";
import { TxType, type Transaction } from "../tx/types.js";
import { keccak256 } from "../primitives/hash.js";
import { MemoryState } from "../state/memory.js";
import { KECCAK_EMPTY_WORD } from "../state/reader.js";
import { executeBlock } from "./sequential.js";

const MAX = (1n << 256n) - 1n;

/**
 * Operand kinds, by operand position (0: the top of the stack): the interpreter holds small
 * words as numbers and wide ones as bigints, and many opcodes branch on size (shifts, BYTE,
 * SIGNEXTEND, EXP, memory offsets).
 */
const OPERAND_KINDS: ((i: number) => bigint)[] = [
  (i) => BigInt(i + 1),
  () => 0n,
  () => MAX,
  () => 1n << 255n,
  () => (1n << 64n) + 5n,
  () => (1n << 53n) + 1n,
  (i) => (i % 2 === 0 ? MAX : BigInt(i + 1)),
  (i) => (i % 2 === 0 ? BigInt(i + 1) : MAX),
  (i) => BigInt(32 - i),
];

/**
 * Forks whose rules send the interpreter down different branches: SSTORE's Frontier and EIP-2200
 * gas, cold and warm access (EIP-2929), EIP-3529 refunds, Cancun's opcodes and SELFDESTRUCT.
 */
export const WARMUP_FORKS = [Fork.Byzantium, Fork.Istanbul, Fork.Berlin, Fork.London, Fork.Cancun];

const SENDER: Word = 0x5e4de70000000000000000000000000000000001n;
const COINBASE: Word = 0xc014ba5e000000000000000000000000000000c0n;
/** Contracts are placed at wide addresses, as on mainnet (narrow ones would be held as numbers). */
export const CONTRACT_BASE = 0xc0de000000000000000000000000000000000000n;
/** Gas per warm-up transaction: Byzantium prices a two-pair BN254 pairing at 260,000. */
const TX_GAS = 400_000n;
/** The warm-up blocks are block 1: BLOCKHASH can see block 0. */
export const PARENT_HASH = new Map<bigint, Word>([[0n, 0x0b10c4a54n]]);

/** The bytes of a PUSH of `value`, as narrow as it fits (PUSH1 for zero). */
function push(value: bigint): number[] {
  const bytes: number[] = [];
  for (let v = value; v > 0n; v >>= 8n) bytes.unshift(Number(v & 0xffn));
  if (bytes.length === 0) bytes.push(0);
  return [Op.PUSH1 + bytes.length - 1, ...bytes];
}

/** Code that pushes `operands` (the first ends on top of the stack). */
function pushAll(operands: bigint[]): number[] {
  const code: number[] = [];
  for (let i = operands.length - 1; i >= 0; i--) code.push(...push(operands[i]!));
  return code;
}

/** Snippets that run each opcode defined in `rules` once per operand kind, then stop. */
export function opcodeSnippets(rules: ForkRules, callee: bigint): number[][] {
  const table = opTableFor(rules);
  const snippets: number[][] = [];
  for (let op = 0; op < 256; op++) {
    if (table.gas[op]! < 0) {
      snippets.push([op]); // an undefined opcode: the invalid-opcode halt
      continue;
    }
    if (op >= Op.PUSH1 && op <= Op.PUSH32) {
      const width = op - Op.PUSH1 + 1;
      snippets.push([op, ...new Array<number>(width).fill(0x01), Op.STOP], [op, ...new Array<number>(width).fill(0xff), Op.STOP], [op]);
      continue;
    }
    const inputs = table.stackMin[op]!;
    for (const kind of OPERAND_KINDS) {
      const operands = Array.from({ length: inputs }, (_, i) => kind(i));
      snippets.push([...pushAll(operands), op, Op.STOP]);
    }
    if (inputs > 0) snippets.push([op]); // stack underflow
  }
  // Jumps taken, not taken and invalid; calls that reach a contract (and its return data);
  // creations that deploy code; writes in a static frame.
  snippets.push([...push(4n), Op.JUMP, Op.INVALID, Op.JUMPDEST, Op.STOP]);
  snippets.push([...push(1n), ...push(6n), Op.JUMPI, Op.INVALID, Op.JUMPDEST, Op.STOP]);
  snippets.push([...push(0n), ...push(6n), Op.JUMPI, Op.STOP, Op.JUMPDEST, Op.STOP]);
  for (const call of [Op.CALL, Op.CALLCODE, Op.DELEGATECALL, Op.STATICCALL]) {
    const withValue = call === Op.CALL || call === Op.CALLCODE;
    for (const value of withValue ? [0n, 1n] : [0n]) {
      const args = [100_000n, callee, ...(withValue ? [value] : []), 0n, 64n, 0n, 32n];
      snippets.push([...pushAll(args), call, Op.RETURNDATASIZE, ...pushAll([0n, 0n, 32n]), Op.RETURNDATACOPY, Op.STOP]);
    }
  }
  // Init code that returns 32 bytes of code, by CREATE and CREATE2.
  const init = [...pushAll([0n, 32n]), Op.RETURN];
  const storeInit = [...push(BigInt("0x" + Buffer.from(init).toString("hex").padEnd(64, "0"))), ...push(0n), Op.MSTORE];
  snippets.push([...storeInit, ...pushAll([0n, 0n, BigInt(init.length)]), Op.CREATE, Op.STOP]);
  snippets.push([...storeInit, ...pushAll([0n, 0n, BigInt(init.length), 7n]), Op.CREATE2, Op.STOP]);
  return snippets;
}

/** A 32-byte big-endian word. */
function word32(value: bigint): number[] {
  return [...bigintToPadded(value, 32)];
}

/** `length` bytes stepping by 7 from `seed` (mod 256): input for the hash precompiles and the identity. */
function pattern(length: number, seed = 0): number[] {
  return Array.from({ length }, (_, i) => (seed + i * 7) & 0xff);
}

// Curve constants, written out so that a process does not load a curve library to warm up (the
// test checks them against @noble/curves).
/** secp256k1's generator x (SEC 2). */
export const SECP256K1_GX = 0x79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798n;
/** BN254's base field modulus. */
export const BN254_P = 0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47n;
/** The BN254 G2 generator as EIP-197 writes it: each coordinate's imaginary part, then its real part. */
export const BN254_G2_GENERATOR: readonly bigint[] = [
  11559732032986387107991004021392285783925812861821192530917403151452391805634n,
  10857046999023057135944570762232829481370756359578518086990519993285655852781n,
  4082367875863433681332203403145435568316851327593401208105741076214120093531n,
  8495653923123431417604973247489272438418190587263600148770280649306958101930n,
];

/**
 * One valid input per precompile the fork has (address, input), so that the heavy ones run their
 * whole computation: on a cold thread the first BN254 pairing took 115 ms, later ones 7 ms, and
 * a worker thread ran the verifier transaction of mainnet block 17666333 in 193 ms (the block
 * takes 60 ms sequentially). The point evaluation (0x0a) needs a KZG proof and is left out.
 */
export function precompileCalls(rules: ForkRules): { address: number; input: number[] }[] {
  const calls: { address: number; input: number[] }[] = [
    // ecrecover: r = the generator's x (a point on the curve), s = 1: a key is recovered.
    { address: 1, input: [...pattern(32, 3), ...word32(27n), ...word32(SECP256K1_GX), ...word32(1n)] },
    { address: 2, input: pattern(100) },
    { address: 3, input: pattern(100, 1) },
    { address: 4, input: pattern(100, 2) },
  ];
  if (rules.precompileCount < 5) return calls;
  const g1 = [...word32(1n), ...word32(2n)];
  const minusG1 = [...word32(1n), ...word32(BN254_P - 2n)];
  const g2 = BN254_G2_GENERATOR.flatMap(word32);
  calls.push(
    // modexp: a 256-bit exponent on 32-byte numbers, and an RSA-sized one (256-byte modulus, e = 65537).
    { address: 5, input: [...word32(32n), ...word32(32n), ...word32(32n), ...word32(3n), ...word32(BN254_P - 2n), ...word32(BN254_P)] },
    { address: 5, input: [...word32(256n), ...word32(3n), ...word32(256n), ...pattern(256, 5), 0x01, 0x00, 0x01, 0xc1, ...pattern(254, 9), 0x0b] },
    { address: 6, input: [...g1, ...g1] },
    { address: 7, input: [...g1, ...word32(BN254_P - 12345n)] },
    // e(G1, G2) * e(-G1, G2) = 1: the pairing check holds.
    { address: 8, input: [...g1, ...g2, ...minusG1, ...g2] },
  );
  if (rules.precompileCount < 9) return calls;
  // blake2f: 12 rounds, final block flag set.
  calls.push({ address: 9, input: [0, 0, 0, 12, ...pattern(64, 4), ...pattern(128, 6), ...pattern(16, 8), 1] });
  return calls;
}

/** Snippets that STATICCALL each precompile with its input (copied from the code after STOP), keep the outcome in storage slot 2 and the first output word in slot 3. */
export function precompileSnippets(rules: ForkRules): number[][] {
  return precompileCalls(rules).map(({ address, input }) => {
    const body = (dataAt: number) => [
      ...pushAll([0n, BigInt(dataAt), BigInt(input.length)]), Op.CODECOPY,
      ...pushAll([BigInt(address), 0n, BigInt(input.length), 0n, 64n]), Op.GAS, Op.STATICCALL,
      ...push(2n), Op.SSTORE, ...push(0n), Op.MLOAD, ...push(3n), Op.SSTORE, Op.STOP,
    ];
    let dataAt = 0;
    while (body(dataAt).length !== dataAt) dataAt = body(dataAt).length;
    return [...body(dataAt), ...input];
  });
}

/** A contract for calls to reach: it reads and writes storage, logs, and returns a word. */
const CALLEE_CODE = [...pushAll([1n]), Op.SLOAD, ...pushAll([1n]), Op.ADD, ...pushAll([1n]), Op.SSTORE, ...pushAll([0n, 0n]), Op.LOG0, Op.CALLER, ...push(0n), Op.MSTORE, ...pushAll([0n, 32n]), Op.RETURN];

/** A hash as a word. */
function wordOf(hash: Uint8Array): Word {
  return fromBytes(hash, 0, 32);
}

/** Transactions per warm-up block: a step (one block) takes a few to a few tens of milliseconds. */
const SNIPPETS_PER_BLOCK = 200;

/** Blocks with one transaction per snippet, each calling its own contract, with their pre-states. */
export function* warmupBlocks(rules: ForkRules): Generator<{ block: Block; pre: MemoryState }, void, void> {
  const snippets = [...opcodeSnippets(rules, CONTRACT_BASE), ...precompileSnippets(rules)];
  for (let from = 0; from < snippets.length; from += SNIPPETS_PER_BLOCK) yield warmupBlock(rules, snippets.slice(from, from + SNIPPETS_PER_BLOCK));
}

function warmupBlock(rules: ForkRules, snippets: number[][]): { block: Block; pre: MemoryState } {
  const pre = new MemoryState();
  const install = (address: Word, code: number[]) => {
    const bytes = Uint8Array.from(code);
    const codeHash = wordOf(keccak256(bytes));
    pre.codes.set(codeHash, bytes);
    // Storage for SLOAD and SSTORE to find, except where the code may self-destruct: before
    // Cancun the parallel executor stops at a contract with storage that does (incarnation.ts),
    // and a worker thread's warm-up would skip the rest of the block.
    const storage = new Map<Word, Word>(code.includes(Op.SELFDESTRUCT) ? [] : [[1, 5]]);
    pre.putAccount(address, 1n, 1n, codeHash, storage);
  };
  install(CONTRACT_BASE, CALLEE_CODE);
  // Fee-market transactions from London on, legacy ones before.
  const type = rules.eip1559 ? TxType.FeeMarket : TxType.Legacy;
  const transactions: Transaction[] = snippets.map((code, i) => {
    const to = CONTRACT_BASE + BigInt(i + 1);
    install(to, code);
    return { type, chainId: 1n, nonce: BigInt(i), maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: type === TxType.Legacy ? 10n ** 10n : 1n, gasLimit: TX_GAS, to, value: 0n, data: new Uint8Array(0), accessList: [], maxFeePerBlobGas: 0n, blobVersionedHashes: [], authorizationList: [], v: 0n, r: 0n, s: 0n, sender: SENDER };
  });
  pre.putAccount(SENDER, 0n, 10n ** 30n, KECCAK_EMPTY_WORD);
  const header = {
    number: 1n, timestamp: 1n, hash: null, parentHash: new Uint8Array(32), coinbase: COINBASE, gasLimit: TX_GAS * BigInt(transactions.length), gasUsed: 0n, difficulty: 0n, mixHash: 0,
    stateRoot: new Uint8Array(32), receiptsRoot: new Uint8Array(32), transactionsRoot: null, logsBloom: new Uint8Array(256), baseFeePerGas: rules.eip1559 ? 7n : null, withdrawalsRoot: null,
    blobGasUsed: null, excessBlobGas: rules.hasBlobs ? 0n : null, parentBeaconBlockRoot: null, requestsHash: null,
  };
  const block: Block = { header, transactions, withdrawals: rules.withdrawals ? [] : null, ommers: [] };
  return { block, pre };
}

let warmedUp = false;

/**
 * The warm-up as steps, one block each (tens of milliseconds), so that a worker thread can run
 * them between the blocks it is given rather than delay its first block. Runs once per thread:
 * a second call yields nothing.
 */
export function* warmUpSteps(run: BlockRunner = runSequentially): Generator<void, void, void> {
  if (warmedUp) return;
  warmedUp = true;
  for (const fork of WARMUP_FORKS) {
    const rules = rulesFor(fork);
    for (const { block, pre } of warmupBlocks(rules)) {
      run(block, pre, rules, PARENT_HASH);
      yield;
    }
  }
}

/** How a thread runs a warm-up block: as it will run real ones (a worker thread: its Block-STM loop). */
export type BlockRunner = (block: Block, pre: MemoryState, rules: ForkRules, blockHashes: Map<bigint, Word>) => unknown;

function runSequentially(block: Block, pre: MemoryState, rules: ForkRules, blockHashes: Map<bigint, Word>): void {
  executeBlock(block, pre, { blockHashes, rules });
}

/** The whole warm-up at once (see warmUpSteps); returns the time it took in milliseconds, 0 when this thread is warm already. */
export function warmUpInterpreter(run: BlockRunner = runSequentially): number {
  if (warmedUp) return 0;
  const start = performance.now();
  for (const _ of warmUpSteps(run)) void _;
  return performance.now() - start;
}
