// The record of a block is the same whichever executor produced it: the recording pass in order
// and Block-STM on 1, 2 and 4 executors give the same reads (with the versions they saw), writes
// and dependency graph on every mainnet fixture block; and a run that Block-STM stopped early or
// could not run still returns a complete record.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, test } from "node:test";
import { loadBlockInput } from "../../src/block/load.js";
import { closeWorkerPool, executeBlockParallel, type ParallelResult } from "../../src/exec/parallel/executor.js";
import { executeBlockRecorded } from "../../src/exec/recording.js";
import { dependencyGraph } from "../../src/records/graph.js";
import type { BlockRecord } from "../../src/records/record.js";
import { fixtureBlockNames, fixturePath } from "../fixtures.js";

after(() => closeWorkerPool());

/** What must not depend on the executor: per transaction its reads, writes, gas and status. */
function content(record: BlockRecord) {
  return record.transactions.map((t) => ({ index: t.index, reads: t.reads, writes: t.writes, gasUsed: t.gasUsed, status: t.status }));
}

function assertSameRecord(actual: BlockRecord, expected: BlockRecord, what: string): void {
  assert.deepEqual(dependencyGraph(actual).predecessors, dependencyGraph(expected).predecessors, `${what}: dependency graph`);
  assert.deepEqual(content(actual), content(expected), `${what}: reads and writes`);
  assert.deepEqual(actual.pre, expected.pre, `${what}: pre-execution changes`);
  assert.deepEqual(actual.post, expected.post, `${what}: post-execution changes`);
}

const BLOCKS_DIR = fixturePath("mainnet/blocks");
const blocks = fixtureBlockNames(BLOCKS_DIR, "record equivalence on mainnet blocks");
if (blocks !== null) {
  const cache = new Map<string, unknown>();
  let blockStmRuns = 0;
  for (const name of blocks) {
    test(`mainnet block ${name}: the record from Block-STM (1, 2, 4 executors) and from a stopped run equals the recording pass in order`, async () => {
      const input = loadBlockInput(join(BLOCKS_DIR, name), { cache });
      const expected = executeBlockRecorded(input.block, input.preState, { blockHashes: input.blockHashes }).record;
      assert.equal(expected.run.source, "sequential");
      for (const workers of [1, 2, 4]) {
        const result: ParallelResult = await executeBlockParallel(input.block, input.preState, { blockHashes: input.blockHashes, workers, forceParallel: true, conflictBudget: Infinity, record: true });
        assert.ok(result.record !== undefined, "a record is returned");
        if (result.stats.mode === "parallel" && result.stats.stopped === null) {
          assert.equal(result.record.run.source, "block-stm", `${workers} executors: read from the multi-version memory`);
          assert.ok(result.record.timeline.length >= input.block.transactions.length, "the timeline holds every execution");
          blockStmRuns++;
        } else {
          assert.notEqual(result.record.run.source, "block-stm");
        }
        assertSameRecord(result.record, expected, `${workers} executors (${result.record.run.source}${result.stats.fallback ? ": " + result.stats.fallback : ""}${result.stats.stopped ? ": " + result.stats.stopped : ""})`);
      }
      // Stopped at the first conflict: the record is still complete.
      const stopped = await executeBlockParallel(input.block, input.preState, { blockHashes: input.blockHashes, workers: 2, forceParallel: true, conflictBudget: 0, record: true });
      assertSameRecord(stopped.record!, expected, `stopped run (${stopped.record!.run.source})`);
    });
  }
  test("Block-STM produced the record in most runs (not a fallback comparing sequential with sequential)", () => {
    // 3 executor counts per block; blocks before EIP-161 and the self-destruct blocks run in order.
    console.log(`Block-STM records: ${blockStmRuns}`);
    assert.ok(blockStmRuns >= 3 * 40, `Block-STM records: ${blockStmRuns}`);
  });
}
