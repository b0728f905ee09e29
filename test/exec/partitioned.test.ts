// The partitioned executor (executeBlockParallel with `partition: true`): a hinted block's
// shared-nothing plan on threads that exchange nothing while they run, segment by segment, gives
// the sequential result on every mainnet fixture block; hints that miss dependencies are caught
// when the threads' reads and writes are compared, and the block then runs in order, with the
// same result.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, test } from "node:test";
import { loadBlockInput } from "../../src/block/load.js";
import { closeWorkerPool, executeBlockParallel, type ParallelOptions, type ParallelResult } from "../../src/exec/parallel/executor.js";
import { executeBlockRecorded } from "../../src/exec/recording.js";
import { executeBlock } from "../../src/exec/sequential.js";
import { dependencyGraph } from "../../src/records/graph.js";
import { fixtureBlockNames, fixturePath } from "../fixtures.js";
import { observable } from "../helpers/observable.js";

after(() => closeWorkerPool());

const BLOCKS_DIR = fixturePath("mainnet/blocks");
const blocks = fixtureBlockNames(BLOCKS_DIR, "partitioned runs of mainnet blocks");
if (blocks !== null) {
  const cache = new Map<string, unknown>();
  const counts = { partitioned: 0, segmented: 0, threeThreads: 0, caught: 0, readAfterWrite: 0 };
  for (const name of blocks) {
    test(`mainnet block ${name}: partitioned runs equal sequential, with correct hints and with hints that miss every dependency`, async () => {
      const { block, preState: pre, blockHashes } = loadBlockInput(join(BLOCKS_DIR, name), { cache });
      const expected = observable(executeBlock(block, pre, { blockHashes }), pre);
      const recorded = executeBlockRecorded(block, pre, { blockHashes }).record;
      const graph = dependencyGraph(recorded).predecessors;
      // Gas as the plan's costs: the same plan in every run (recorded times vary).
      const gas = recorded.transactions.map((t) => Number(t.gasUsed));
      const base: ParallelOptions = { blockHashes, forceParallel: true, conflictBudget: Infinity, partition: true, hints: graph, hintCosts: gas, workers: 2 };
      const run = async (options: Partial<ParallelOptions>, what: string): Promise<ParallelResult> => {
        const result = await executeBlockParallel(block, pre, { ...base, ...options });
        assert.deepEqual(observable(result, pre), expected, `${what} (${result.stats.executor}, ${result.stats.mode}${result.stats.fallback ? ": " + result.stats.fallback : ""})`);
        assert.deepEqual(result.stats.faults, [], `${what}: faults`);
        return result;
      };
      const hinted = await run({}, "correct hints, 2 threads");
      if (hinted.stats.executor === "partitioned") {
        if (hinted.stats.mode === "parallel") {
          counts.partitioned++;
          assert.ok(hinted.stats.partition!.parallelTxs > 0, "transactions ran side by side");
          if (hinted.stats.partition!.segments > 1) counts.segmented++;
        } else {
          // The one change a partitioned run cannot merge: a pre-existing contract's storage destroyed (before Cancun).
          assert.match(hinted.stats.fallback ?? "", /cleared the storage of a contract that existed before it/, "why the partitioned run fell back");
        }
      }
      if (Number(name) % 4 === 0) {
        const three = await run({ workers: 3 }, "correct hints, 3 threads");
        if (three.stats.executor === "partitioned" && three.stats.mode === "parallel") counts.threeThreads++;
      }
      // No edges at all: the plan spreads dependent transactions (same-sender ones among them) over the threads.
      const blind = await run({ hints: graph.map(() => []) }, "hints without edges");
      if (blind.stats.executor === "partitioned" && blind.stats.mode === "sequential") {
        assert.match(blind.stats.fallback ?? "", /^partitioned run: /, "why the partitioned run fell back");
        counts.caught++;
        if (/read it after transaction \d+ wrote it on another thread/.test(blind.stats.fallback!)) counts.readAfterWrite++;
      }
    });
  }
  test("the partitioned runs ran partitioned (not a fallback comparing sequential with sequential), and wrong hints were caught", () => {
    assert.ok(counts.partitioned >= 40, `partitioned runs: ${counts.partitioned}`);
    assert.ok(counts.segmented >= 10, `partitioned runs of several segments: ${counts.segmented}`);
    assert.ok(counts.threeThreads >= 8, `partitioned runs on 3 threads: ${counts.threeThreads}`);
    assert.ok(counts.caught >= 30, `hints without edges caught: ${counts.caught}`);
    // Most are caught as two threads writing one location or a nonce out of order; these by a read alone.
    assert.ok(counts.readAfterWrite >= 3, `caught as a read after another thread's write: ${counts.readAfterWrite}`);
  });
}
