// The parallel executor must produce exactly the sequential result: receipts, per-transaction
// outcomes, gas, bloom, receipts root and post-state diff. Checked on every mainnet fixture block
// (1, 2 and 4 workers), on generated blocks with conflicts, and with a worker made to fail.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, test } from "node:test";
import { loadBlockInput } from "../../src/block/load.js";
import { COST_MODEL } from "../../src/exec/parallel/costModel.js";
import { closeWorkerPool, executeBlockParallel, workerPoolReady, workerPoolThreads, workerPoolWarm, senderChainBound, type ParallelResult } from "../../src/exec/parallel/executor.js";
import { conflictBudget } from "../../src/exec/parallel/workerLoop.js";
import { executeBlock, type BlockResult } from "../../src/exec/sequential.js";
import type { Block, BlockHeader } from "../../src/block/block.js";
import { TxType, type Transaction } from "../../src/tx/types.js";
import { keccak256Word } from "../../src/primitives/hash.js";
import { KECCAK_EMPTY_WORD } from "../../src/state/reader.js";
import { MemoryState } from "../../src/state/memory.js";
import { generateBlock } from "../../src/workload/blocks.js";
import { fixtureBlockNames, fixturePath } from "../fixtures.js";
import { randomBlock } from "../helpers/randomBlock.js";
import { random } from "../helpers/random.js";
import { observable } from "../helpers/observable.js";
import { postStateDiff } from "../../src/state/diff.js";
import { rulesFor } from "../../src/fork/forks.js";
import { PARENT_HASH, warmupBlocks, WARMUP_FORKS } from "../../src/exec/warmup.js";

after(() => closeWorkerPool());


async function assertSameAsSequential(block: Block, pre: MemoryState, blockHashes: Map<bigint, number | bigint>, workers: number, runs = 1, conflictBudget = Infinity): Promise<ParallelResult> {
  const expected = observable(executeBlock(block, pre, { blockHashes }), pre);
  let last!: ParallelResult;
  for (let i = 0; i < runs; i++) {
    // forceParallel: Block-STM runs even where the executor would choose sequential execution.
    last = await executeBlockParallel(block, pre, { blockHashes, workers, conflictBudget, forceParallel: true });
    assert.deepEqual(observable(last, pre), expected, `run ${i} with ${workers} workers (${last.stats.mode}${last.stats.fallback ? ": " + last.stats.fallback : ""})`);
  }
  return last;
}

const BLOCKS_DIR = fixturePath("mainnet/blocks");
const names = fixtureBlockNames(BLOCKS_DIR, "parallel equivalence on mainnet blocks");
if (names !== null) {
  const cache = new Map<string, unknown>();
  let blockStmBlocks = 0;
  for (const name of names) {
    test(`mainnet block ${name}: parallel (1, 2 and 4 workers, and stopped at the first conflict) equals sequential, in Block-STM`, async () => {
      const input = loadBlockInput(join(BLOCKS_DIR, name), { cache });
      // Forced, Block-STM runs every block but those it cannot: before EIP-161 (empty accounts
      // still exist) and without transactions. Anything else falling back would compare sequential with sequential.
      const canRun = input.rules.eip158 && input.block.transactions.length > 0;
      for (const workers of [1, 2, 4]) {
        const result = await assertSameAsSequential(input.block, input.preState, input.blockHashes, workers);
        assert.deepEqual(result.stats.faults, [], `${workers} workers: faults`);
        if (canRun) assert.equal(result.stats.mode, "parallel", `${workers} workers: ${result.stats.fallback}`);
        else assert.equal(result.stats.mode, "sequential");
      }
      // A conflict budget of 0: the executors stop at the first conflict, the valid prefix is kept and the rest runs in order.
      const stopped = await assertSameAsSequential(input.block, input.preState, input.blockHashes, 2, 1, 0);
      if (canRun) assert.equal(stopped.stats.mode, "parallel", `budget 0: ${stopped.stats.fallback}`);
      if (canRun) blockStmBlocks++;
    });
  }
  test("the mainnet blocks ran in Block-STM (all but those before EIP-161 and without transactions)", () => {
    assert.equal(names.length, 52, "fixture blocks");
    // 52 less six blocks before Spurious Dragon (46147 ... 2641321) and one without transactions (19910734).
    assert.equal(blockStmBlocks, 45, "blocks run in Block-STM");
  });
}

test("every opcode with every operand kind (the interpreter warm-up's blocks), under each fork it lists: parallel equals sequential", async () => {
  for (const fork of WARMUP_FORKS) {
    const rules = rulesFor(fork);
    for (const { block, pre } of warmupBlocks(rules)) {
      const expected = observable(executeBlock(block, pre, { blockHashes: PARENT_HASH, rules }), pre);
      const result = await executeBlockParallel(block, pre, { blockHashes: PARENT_HASH, rules, workers: 2, conflictBudget: Infinity, forceParallel: true });
      assert.deepEqual(observable(result, pre), expected, `${rules.name} (${result.stats.mode}${result.stats.stopped ? ", stopped: " + result.stats.stopped : ""})`);
    }
  }
});

for (const [workload, hotRatio] of [
  ["erc20", 0],
  ["erc20-hot", 0.3],
  ["raw-transfers", 0],
  ["raw-hot", 1],
  ["swaps", 0],
  ["swaps-hot", 0.3],
] as const) {
  test(`generated ${workload} block (hot ${hotRatio}): parallel equals sequential, 3 runs`, async () => {
    const g = generateBlock({ workload, txs: 300, hotRatio, seed: 7 });
    const result = await assertSameAsSequential(g.block, g.preState, g.blockHashes, 2, 3);
    assert.equal(result.stats.mode, "parallel");
  });
}

test("worker threads keep the codes they received: blocks that come back get only codes not sent before", async () => {
  // Each code goes to the worker threads once; a block whose codes were all sent with earlier
  // blocks carries none, and its contracts must still run as in the sequential executor.
  const swaps = generateBlock({ workload: "swaps", txs: 200, hotRatio: 0, seed: 11 });
  const tokens = generateBlock({ workload: "erc20", txs: 200, hotRatio: 0, seed: 12 });
  await workerPoolReady(2);
  for (const g of [swaps, tokens, swaps, tokens, swaps]) {
    const result = await assertSameAsSequential({ ...g.block }, g.preState, g.blockHashes, 2);
    assert.equal(result.stats.mode, "parallel");
  }
});

test("transfers that all pay one account credit it as deltas: no conflicts, same result", async () => {
  const g = generateBlock({ workload: "raw-hot", txs: 600, hotRatio: 1, seed: 4 });
  await workerPoolReady(2);
  const result = await assertSameAsSequential(g.block, g.preState, g.blockHashes, 2, 3);
  assert.equal(result.stats.mode, "parallel");
  assert.equal(result.stats.aborts, 0);
  assert.equal(result.stats.dependencies, 0);
});

// Executor 0 is a worker thread; the last (here 1) is the main thread. A fault fires at the
// executor's first execution of a transaction from `tx` on; with `first`, the other executors wait
// until it has, so that it fires however the threads are scheduled. The fault's transaction comes
// from a seed the test prints (PEVM_FAULT_SEED reruns one).
const FAULT_SEED = Number(process.env.PEVM_FAULT_SEED ?? Date.now() % 1_000_000);
for (const [executor, where] of [[0, "a worker thread"], [1, "the main thread's loop"]] as const) {
  test(`${where} throws mid-block: the block completes correctly and the fault is reported`, async (t) => {
    t.diagnostic(`PEVM_FAULT_SEED=${FAULT_SEED}`);
    const g = generateBlock({ workload: "erc20-hot", txs: 800, hotRatio: 0.2, seed: 3 });
    const expected = observable(executeBlock(g.block, g.preState, { blockHashes: g.blockHashes }), g.preState);
    // A started pool that holds this block first: a worker thread still loading its modules or
    // the block may find every transaction taken.
    await workerPoolReady(2);
    await executeBlockParallel(g.block, g.preState, { blockHashes: g.blockHashes, workers: 2, forceParallel: true });
    const tx = 1 + Math.floor(random(FAULT_SEED + executor)() * 700);
    const result = await executeBlockParallel(g.block, g.preState, { blockHashes: g.blockHashes, workers: 2, conflictBudget: Infinity, forceParallel: true, fault: { tx, kind: "throw", worker: executor, first: true } });
    assert.deepEqual(observable(result, g.preState), expected);
    assert.equal(result.stats.mode, "sequential");
    const executedTx = /injected fault while executing transaction (\d+)/.exec(result.stats.faults.join());
    assert.equal(executedTx?.[1], String(tx), `the executor ran alone up to the fault's transaction (faults: ${result.stats.faults.join()})`);
    // The pool recovers: the next block runs in parallel again.
    const next = await executeBlockParallel(g.block, g.preState, { blockHashes: g.blockHashes, workers: 2, conflictBudget: Infinity, forceParallel: true });
    assert.equal(next.stats.mode, "parallel");
    assert.deepEqual(observable(next, g.preState), expected);
  });
}

test("a worker thread that dies mid-block: the block completes correctly and the fault is reported", async () => {
  const g = generateBlock({ workload: "swaps", txs: 800, seed: 5 });
  const expected = observable(executeBlock(g.block, g.preState, { blockHashes: g.blockHashes }), g.preState);
  await workerPoolReady(2);
  await executeBlockParallel(g.block, g.preState, { blockHashes: g.blockHashes, workers: 2, forceParallel: true });
  const result = await executeBlockParallel(g.block, g.preState, { blockHashes: g.blockHashes, workers: 2, conflictBudget: Infinity, forceParallel: true, fault: { tx: 5, kind: "exit", worker: 0, first: true } });
  assert.deepEqual(observable(result, g.preState), expected);
  assert.equal(result.stats.mode, "sequential");
  assert.match(result.stats.faults.join(), /worker 0 (exited|crashed)/);
  const next = await executeBlockParallel(g.block, g.preState, { blockHashes: g.blockHashes, workers: 2, conflictBudget: Infinity, forceParallel: true });
  assert.equal(next.stats.mode, "parallel");
});

test("small blocks and one worker run sequentially and say why: the cost model's prediction, or the caller's minimum", async () => {
  const g = generateBlock({ workload: "erc20", txs: 3, seed: 1 });
  const small = await executeBlockParallel(g.block, g.preState, { blockHashes: g.blockHashes, workers: 2 });
  assert.equal(small.stats.mode, "sequential");
  assert.match(small.stats.fallback!, /^cost model: \d\.\d\dx predicted \(.*3 transactions, .* gas\), under 1\.4x: faster sequentially$/);
  assert.equal(small.stats.reason, small.stats.fallback);
  assert.ok(small.stats.predictedSpeedup! < 1.4);
  const capped = await executeBlockParallel(g.block, g.preState, { blockHashes: g.blockHashes, workers: 2, minTxs: 10 });
  assert.equal(capped.stats.fallback, "fewer than 10 transactions");
  const one = await executeBlockParallel(g.block, g.preState, { blockHashes: g.blockHashes, workers: 1 });
  assert.equal(one.stats.fallback, "one worker");
});

test("a block run by the main thread alone (one executor, forced into Block-STM) keeps the worker threads of other calls", async () => {
  const g = generateBlock({ workload: "erc20", txs: 40, seed: 3 });
  const run = (workers: number) => executeBlockParallel(g.block, g.preState, { blockHashes: g.blockHashes, workers, forceParallel: true });
  assert.equal((await run(3)).stats.mode, "parallel");
  const threads = workerPoolThreads();
  assert.equal(threads.length, 2);
  const alone = await run(1);
  assert.deepEqual([alone.stats.mode, alone.stats.workers], ["parallel", 1]);
  assert.deepEqual(workerPoolThreads(), threads);
  assert.equal((await run(3)).stats.mode, "parallel");
  assert.deepEqual(workerPoolThreads(), threads);
});

test("the cost model: plain transfers run sequentially where swaps of the same count run in parallel on enough threads, and more cores or threads tip the balance", async () => {
  const transfers = generateBlock({ workload: "raw-transfers", txs: 400, seed: 5 });
  const swaps = generateBlock({ workload: "swaps", txs: 400, seed: 5 });
  const run = (g: typeof transfers, workers: number, cores: number) => executeBlockParallel(g.block, g.preState, { blockHashes: g.blockHashes, workers, cores });
  const transfersTwo = await run(transfers, 2, 2);
  assert.equal(transfersTwo.stats.mode, "sequential");
  assert.match(transfersTwo.stats.fallback!, /^cost model: .* under 1\.4x: faster sequentially$/);
  const swapsMany = await run(swaps, 8, 16);
  assert.equal(swapsMany.stats.mode, "parallel", String(swapsMany.stats.fallback));
  assert.match(swapsMany.stats.reason!, /^cost model: \d\.\d\dx predicted \(8 threads on 16 cores give about/);
  // Per transaction, a swap does more work than a plain transfer: the model predicts more for it.
  const swapsTwo = await run(swaps, 2, 2);
  assert.ok(swapsTwo.stats.predictedSpeedup! > transfersTwo.stats.predictedSpeedup!);
  assert.ok(swapsMany.stats.predictedSpeedup! > swapsTwo.stats.predictedSpeedup!);
  assert.ok(swapsMany.stats.predictedSpeedup! >= 1.4 && swapsTwo.stats.predictedSpeedup! < 1.4);
});

test("transactions the worker threads cannot carry (an address wider than 20 bytes, no sender) run sequentially: same result, or the sequential executor's error", async () => {
  const g = generateBlock({ workload: "raw-transfers", txs: 20, seed: 6 });
  const wideTo = (1n << 160n) + 5n;
  const wide = { ...g.block, transactions: g.block.transactions.map((tx, i) => (i === 3 ? { ...tx, to: wideTo } : tx)) };
  const expected = observable(executeBlock(wide, g.preState, { blockHashes: g.blockHashes }), g.preState);
  const result = await executeBlockParallel(wide, g.preState, { blockHashes: g.blockHashes, workers: 2, forceParallel: true });
  assert.equal(result.stats.fallback, "transaction 3: an address wider than 20 bytes");
  assert.deepEqual(observable(result, g.preState), expected);
  const unsigned = { ...g.block, transactions: g.block.transactions.map((tx, i) => (i === 7 ? { ...tx, sender: undefined } : tx)) };
  await assert.rejects(executeBlockParallel(unsigned, g.preState, { blockHashes: g.blockHashes, workers: 2, forceParallel: true }), /transaction 7: sender not recovered/);
});

test("a block whose transactions mostly come from one sender runs sequentially and says why", async () => {
  const { block, preState, blockHashes } = randomBlock(9, 60, 1);
  block.header.gasUsed = 30_000_000n; // a large claimed block: the sender bound decides
  assert.equal(senderChainBound(block).speedup, 1);
  const expected = observable(executeBlock(block, preState, { blockHashes }), preState);
  const result = await executeBlockParallel(block, preState, { blockHashes, workers: 8, cores: 16 });
  assert.equal(result.stats.mode, "sequential");
  assert.match(result.stats.fallback!, /the same-sender transaction chains allow at most 1\.00x/);
  assert.deepEqual(observable(result, preState), expected);
  // Twelve senders: the bound allows parallel execution.
  assert.ok(senderChainBound(randomBlock(9, 60).block).speedup > 1.5);
});

test("random blocks (same-sender chains, a hot reverting counter, exact coinbase reads, create + selfdestruct, deployments): parallel equals sequential", async () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    const { block, preState, blockHashes } = randomBlock(seed, 120);
    const seq = executeBlock(block, preState, { blockHashes });
    // The mix really happens: failures (reverts) and successes, created contracts, coinbase reads.
    assert.ok(seq.txResults.some((r) => r.status !== 0) && seq.txResults.some((r) => r.status === 0), `seed ${seed}: both outcomes`);
    assert.ok(seq.txResults.some((r) => r.contractAddress !== null), `seed ${seed}: a deployment`);
    for (const workers of [2, 4]) {
      const result = await assertSameAsSequential(block, preState, blockHashes, workers, 2);
      assert.equal(result.stats.mode, "parallel", `seed ${seed}: ${result.stats.fallback}`);
    }
  }
});

test("random blocks executed in a random order (an execution order from costs, no hinted edges): parallel equals sequential, in Block-STM", async () => {
  for (const seed of [11, 12, 13]) {
    const { block, preState, blockHashes } = randomBlock(seed, 120);
    const expected = observable(executeBlock(block, preState, { blockHashes }), preState);
    const next = random(seed);
    const txs = block.transactions.length;
    for (const workers of [2, 4]) {
      // Costs from a random draw: any permutation of the transactions is an execution order.
      const result = await executeBlockParallel(block, preState, { blockHashes, workers, conflictBudget: Infinity, forceParallel: true, hints: Array.from({ length: txs }, () => []), hintCosts: Array.from({ length: txs }, () => next()) });
      assert.equal(result.stats.mode, "parallel", `seed ${seed}: ${result.stats.fallback}`);
      assert.equal(result.stats.stopped, null);
      assert.deepEqual(observable(result, preState), expected, `seed ${seed}, ${workers} executors`);
    }
  }
  const g = randomBlock(11, 120);
  const empty = Array.from({ length: g.block.transactions.length }, () => []);
  await assert.rejects(executeBlockParallel(g.block, g.preState, { blockHashes: g.blockHashes, workers: 2, forceParallel: true, hints: empty, hintCosts: [1, 2] }), /hint costs for 2 transactions, but the block has 120/);
  await assert.rejects(executeBlockParallel(g.block, g.preState, { blockHashes: g.blockHashes, workers: 2, forceParallel: true, hints: empty, hintCosts: empty.map(() => -1) }), /cost -1/);
});

test("random Prague blocks with EIP-7702 set-code transactions (delegations set, replaced and cleared, calls through them, senders delegating themselves, stale authorizations): parallel equals sequential", async () => {
  for (const seed of [11, 12, 13, 14]) {
    const { block, preState, blockHashes } = randomBlock(seed, 120, 12, { setCode: true });
    const seq = executeBlock(block, preState, { blockHashes });
    assert.equal(seq.rules.name, "Prague");
    const setCode = block.transactions.filter((tx) => tx.type === TxType.SetCode);
    assert.ok(setCode.length >= 10, `seed ${seed}: ${setCode.length} set-code transactions`);
    // Delegations really took effect: some delegator ends with a delegation designator (0xef0100 || address).
    const delegated = [0xde0000, 0xde0001, 0xde0002, 0xde0003].filter((a) => seq.world.getCode(a).length === 23);
    assert.ok(delegated.length > 0, `seed ${seed}: no delegation left in place`);
    // And calls through them ran the delegate's code on the delegator's storage (COUNTER's slot 0).
    assert.ok([0xde0000, 0xde0001, 0xde0002, 0xde0003].some((a) => seq.world.getStorage(a, 0) !== 0), `seed ${seed}: no call ran a delegate's code`);
    for (const workers of [2, 4]) {
      const result = await assertSameAsSequential(block, preState, blockHashes, workers, 2);
      assert.equal(result.stats.mode, "parallel", `seed ${seed}: ${result.stats.fallback}`);
    }
  }
});

test("worker threads streaming their results in small batches while the block runs (stale incarnations included): parallel equals sequential, stopped or not", async () => {
  await workerPoolReady(4);
  let streamed = 0;
  for (const seed of [21, 22, 23]) {
    const { block, preState, blockHashes } = randomBlock(seed, 160);
    const expected = observable(executeBlock(block, preState, { blockHashes }), preState);
    for (const conflictBudget of [Infinity, 4]) {
      const result = await executeBlockParallel(block, preState, { blockHashes, workers: 4, conflictBudget, forceParallel: true, streamBatch: 3 });
      assert.deepEqual(observable(result, preState), expected, `seed ${seed}, budget ${conflictBudget}`);
      assert.equal(result.stats.mode, "parallel", `seed ${seed}, budget ${conflictBudget}: ${result.stats.fallback}`);
      streamed += result.stats.streamedResults;
    }
  }
  assert.ok(streamed > 0, "no batch was streamed");
});

test("a block whose transactions keep conflicting stops at the conflict budget: its valid prefix is kept, the rest runs in order", async () => {
  const g = generateBlock({ workload: "swaps-hot", txs: 400, hotRatio: 1, seed: 2 });
  const expected = observable(executeBlock(g.block, g.preState, { blockHashes: g.blockHashes }), g.preState);
  // Every swap on one pool: each transaction conflicts with the one before it. A small budget makes
  // the stop certain whichever thread runs what, once both run (a worker thread still loading
  // its modules or the block would leave the whole block to the main thread).
  await workerPoolReady(2);
  await executeBlockParallel(g.block, g.preState, { blockHashes: g.blockHashes, workers: 2, forceParallel: true });
  const result = await executeBlockParallel(g.block, g.preState, { blockHashes: g.blockHashes, workers: 2, conflictBudget: 8, forceParallel: true });
  assert.deepEqual(observable(result, g.preState), expected);
  assert.equal(result.stats.mode, "parallel");
  assert.match(result.stats.stopped!, /too many conflicts/);
  // The executed prefix is kept (the first transaction, at least, conflicts with nothing); the rest ran in order.
  assert.ok(result.stats.inOrderExecutions > 0 && result.stats.inOrderExecutions < 400, `in order: ${result.stats.inOrderExecutions}`);
  // The main thread finished the block, then shared the receipts trie out to the worker threads again.
  assert.equal(result.stats.receiptsOnMain, false);
});

test("independent ERC-20 transfers on 8 executors complete without a stop: the validation budget grows with the executors", async () => {
  // Each transfer writes a slot no lower transaction wrote, which sends every higher executed
  // transaction back to validation: about one validation per executor per transaction.
  // With every executor started (one still loading leaves the block to the others).
  const g = generateBlock({ workload: "erc20", txs: 2000, seed: 1 });
  await workerPoolReady(8);
  const result = await assertSameAsSequential(g.block, g.preState, g.blockHashes, 8, 2, conflictBudget(2000, 8));
  assert.equal(result.stats.stopped, null, `${result.stats.validations} validations`);
  assert.equal(result.stats.aborts, 0);
});

test("random blocks stopped at a tiny conflict budget (valid prefix kept, the rest run in order) equal sequential", async () => {
  let stops = 0;
  for (const seed of [11, 12, 13, 14, 15, 16]) {
    const { block, preState, blockHashes } = randomBlock(seed, 120);
    const expected = observable(executeBlock(block, preState, { blockHashes }), preState);
    for (const workers of [2, 4]) {
      await workerPoolReady(workers); // conflicts need both threads running
      for (let run = 0; run < 2; run++) {
        const result = await executeBlockParallel(block, preState, { blockHashes, workers, conflictBudget: 2, forceParallel: true });
        assert.deepEqual(observable(result, preState), expected, `seed ${seed}, ${workers} workers (${result.stats.stopped ?? result.stats.fallback ?? "completed"})`);
        if (result.stats.stopped !== null) stops++;
      }
    }
  }
  assert.ok(stops > 0, "no run reached the conflict budget");
});

/**
 * A block of 2022 (ArrowGlacier: before Cancun, SELFDESTRUCT deletes the account) where transactions destroy
 * pre-existing contracts whose code is CALLER SELFDESTRUCT, like gas-token children.
 */
function selfDestructBlock(childStorage: boolean): { block: Block; preState: MemoryState; blockHashes: Map<bigint, number | bigint> } {
  const preState = new MemoryState();
  const childCode = Uint8Array.of(0x33, 0xff);
  const codeHash = keccak256Word(childCode);
  preState.codes.set(codeHash, childCode);
  const transactions: Transaction[] = [];
  for (let i = 0; i < 24; i++) {
    const sender = 0x5e0000 + i;
    const child = 0xc10000 + i;
    preState.putAccount(sender, 0n, 10n ** 20n, KECCAK_EMPTY_WORD);
    preState.putAccount(child, 1n, BigInt(i), codeHash, childStorage && i === 7 ? new Map([[1, 2]]) : new Map());
    transactions.push({
      type: TxType.FeeMarket, chainId: 1n, nonce: 0n, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n, gasLimit: 100_000n, to: child, value: 0n, data: new Uint8Array(0),
      accessList: [], maxFeePerBlobGas: 0n, blobVersionedHashes: [], authorizationList: [], v: 0n, r: 0n, s: 0n, sender,
    });
  }
  const header: BlockHeader = {
    number: 15_000_000n, timestamp: 1_656_586_444n, hash: null, parentHash: new Uint8Array(32), coinbase: 0xcb, gasLimit: 30_000_000n,
    gasUsed: 0n, difficulty: 1n, mixHash: 0, stateRoot: new Uint8Array(32), receiptsRoot: new Uint8Array(32), transactionsRoot: null, logsBloom: new Uint8Array(256),
    baseFeePerGas: 7n, withdrawalsRoot: null, blobGasUsed: null, excessBlobGas: null, parentBeaconBlockRoot: null, requestsHash: null,
  };
  return { block: { header, transactions, withdrawals: null, ommers: [] }, preState, blockHashes: new Map() };
}

test("pre-Cancun self-destructs of storage-less contracts run in parallel; from one with storage on, the block runs in order", async () => {
  const { block, preState, blockHashes } = selfDestructBlock(false);
  const sequential = executeBlock(block, preState, { blockHashes });
  assert.equal(sequential.rules.name, "ArrowGlacier"); // London rules, a later difficulty bomb
  assert.ok(postStateDiff(sequential.world, preState).length >= 24, "the children are deleted");
  for (const workers of [2, 4]) {
    const result = await assertSameAsSequential(block, preState, blockHashes, workers, 2);
    assert.equal(result.stats.mode, "parallel", String(result.stats.fallback));
  }
  const withStorage = selfDestructBlock(true);
  const expected = observable(executeBlock(withStorage.block, withStorage.preState, { blockHashes }), withStorage.preState);
  const result = await executeBlockParallel(withStorage.block, withStorage.preState, { blockHashes, workers: 2, forceParallel: true });
  assert.deepEqual(observable(result, withStorage.preState), expected);
  assert.equal(result.stats.mode, "parallel", String(result.stats.fallback));
  assert.match(result.stats.stopped!, /contract with storage self-destructed/);
  assert.ok(result.stats.inOrderExecutions > 0, "the self-destruct and what follows ran in order");
});

test("cold worker threads: whenThreadsCold 'sequential' runs the block sequentially and says why, 'wait' waits for them, and warm threads run it in Block-STM", async () => {
  const g = generateBlock({ workload: "erc20", txs: 400, seed: 8 });
  // A cost model with no overheads: the test is about the threads' warmth, which the model's choice would otherwise mask.
  const options = { blockHashes: g.blockHashes, workers: 2, cores: 4, costModel: { ...COST_MODEL, fixedMs: 0, overheadPerTxMs: 0, serialPerTxMs: 0, overhead: 0, serial: 0 } };
  closeWorkerPool();
  assert.equal(workerPoolWarm(2), false);
  const cold = await executeBlockParallel(g.block, g.preState, { ...options, whenThreadsCold: "sequential" });
  assert.equal(cold.stats.mode, "sequential");
  assert.match(cold.stats.fallback!, /worker threads are still starting/);
  const waited = await executeBlockParallel(g.block, g.preState, { ...options, whenThreadsCold: "wait" });
  assert.equal(waited.stats.mode, "parallel", `${waited.stats.fallback}`);
  assert.equal(workerPoolWarm(2), true);
  const warm = await executeBlockParallel(g.block, g.preState, { ...options, whenThreadsCold: "sequential" });
  assert.equal(warm.stats.mode, "parallel", `${warm.stats.fallback}`);
  assert.deepEqual(observable(warm, g.preState), observable(cold, g.preState));
});
