// Longer equivalence stress for the parallel executor than `npm test` runs: every mainnet fixture
// block and many random conflict-heavy blocks, with 1, 2 and 4 workers (1: Block-STM forced on
// one worker; 4: the worker threads stream their results in batches of 16 executions), N rounds
// each; any difference from the sequential result is printed and fails.
//
// usage: node dist/bench/stress-parallel.js [--rounds N] [--seeds N] [--txs N] [--fixtures DIR]
import { existsSync, readdirSync } from "node:fs";
import { join, resolve, dirname } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { fileURLToPath } from "node:url";
import { loadBlockInput } from "../src/block/load.js";
import type { Block } from "../src/block/block.js";
import type { Word } from "../src/primitives/word.js";
import type { MemoryState } from "../src/state/memory.js";
import { postStateDiff } from "../src/state/diff.js";
import { closeWorkerPool, executeBlockParallel } from "../src/exec/parallel/executor.js";
import { executeBlock, type BlockResult } from "../src/exec/sequential.js";
import { randomBlock } from "../test/helpers/randomBlock.js";

const args = process.argv.slice(2);
if (args.includes("--help")) {
  console.log("usage: node dist/bench/stress-parallel.js [--rounds N (20)] [--seeds N (50)] [--txs N (200)] [--fixtures DIR]");
  process.exit(0);
}
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const rounds = option("--rounds", 20);
const seeds = option("--seeds", 50);
const txs = option("--txs", 200);

function observable(result: BlockResult, pre: MemoryState) {
  return {
    receipts: result.receipts,
    txs: result.txResults.map((r) => [r.status, r.gasUsed, r.logs, r.contractAddress, r.output]),
    diff: postStateDiff(result.world, pre),
  };
}

let failures = 0;
let checked = 0;

async function check(name: string, block: Block, pre: MemoryState, blockHashes: Map<bigint, Word>): Promise<void> {
  const expected = observable(executeBlock(block, pre, { blockHashes }), pre);
  for (const workers of [1, 2, 4]) {
    for (let round = 0; round < rounds; round++) {
      const result = await executeBlockParallel(block, pre, { blockHashes, workers, forceParallel: true, conflictBudget: Infinity, streamBatch: workers === 4 ? 16 : 0 });
      checked++;
      if (!isDeepStrictEqual(observable(result, pre), expected)) {
        failures++;
        console.error(`DIFFERENT: ${name}, ${workers} workers, round ${round} (${result.stats.mode}${result.stats.fallback ? ": " + result.stats.fallback : ""})`);
      }
    }
  }
  process.stderr.write(`\r${name}: ${checked} runs checked, ${failures} different      `);
}

const fixtures = process.env.PEVM_FIXTURES ?? resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "shared", "fixtures");
const blocksDir = join(fixtures, "mainnet", "blocks");
if (existsSync(blocksDir)) {
  const cache = new Map<string, unknown>();
  for (const name of readdirSync(blocksDir).sort((a, b) => Number(a) - Number(b))) {
    const input = loadBlockInput(join(blocksDir, name), { cache });
    await check(`mainnet ${name}`, input.block, input.preState, input.blockHashes);
  }
} else {
  console.error(`no mainnet fixtures at ${blocksDir}; random blocks only`);
}
for (let seed = 1; seed <= seeds; seed++) {
  const { block, preState, blockHashes } = randomBlock(seed, txs);
  await check(`random seed ${seed}`, block, preState, blockHashes);
}
closeWorkerPool();
console.error("");
console.log(`${checked} parallel runs checked against sequential: ${failures} different`);
process.exitCode = failures === 0 ? 0 : 1;
