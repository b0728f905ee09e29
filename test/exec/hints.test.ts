// Records fed back: a run scheduled by the recorded dependency graph, or seeded with every
// transaction's recorded writes, gives the sequential result, and with correct hints re-executes
// nothing; wrong hints (edges dropped, added, redirected; values changed, dropped, added) cost
// time, never correctness.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, test } from "node:test";
import { loadBlockInput } from "../../src/block/load.js";
import { closeWorkerPool, executeBlockParallel, type ParallelOptions, type ParallelResult } from "../../src/exec/parallel/executor.js";
import { executeBlockRecorded } from "../../src/exec/recording.js";
import { executeBlock } from "../../src/exec/sequential.js";
import { dependencyGraph } from "../../src/records/graph.js";
import { Field, type BlockRecord, type Write } from "../../src/records/record.js";
import type { MemoryState } from "../../src/state/memory.js";
import { fixtureBlockNames, fixturePath } from "../fixtures.js";
import { observable } from "../helpers/observable.js";
import { random } from "../helpers/random.js";

after(() => closeWorkerPool());


/** Executions beyond one per transaction: aborted ones and those after a failed validation. */
function reexecutions(record: BlockRecord): number {
  return record.transactions.reduce((sum, t) => sum + t.incarnations - 1 + t.aborts, 0);
}


function mutateGraph(graph: number[][], kind: "drop" | "add" | "redirect", random: () => number): number[][] {
  return graph.map((preds, tx) => {
    if (kind === "drop") return preds.filter(() => random() < 0.5);
    if (kind === "add") return tx > 0 && random() < 0.3 ? [...new Set([...preds, Math.floor(random() * tx)])] : preds;
    return preds.map((p) => (random() < 0.5 ? Math.floor(random() * tx) : p));
  });
}

function mutateWrites(writes: Write[][], kind: "change" | "drop" | "add", random: () => number): Write[][] {
  return writes.map((list, tx) => {
    if (kind === "drop") return list.filter(() => random() < 0.5);
    if (kind === "change") return list.map((w) => (random() < 0.5 && w.location.field !== Field.Code ? { ...w, value: typeof w.value === "bigint" ? w.value + 1n : (w.value as number) + 1 } : w));
    return random() < 0.3 ? [...list, { location: { address: 0xdead00 + tx, field: Field.Balance, slot: 0 }, value: 12345n, credit: null }] : list;
  });
}

const BLOCKS_DIR = fixturePath("mainnet/blocks");
const blocks = fixtureBlockNames(BLOCKS_DIR, "hinted runs on mainnet blocks");
if (blocks !== null) {
  const cache = new Map<string, unknown>();
  let hintedBlockStm = 0;
  let orderedBlockStm = 0;
  let wrongHintedBlockStm = 0;
  for (const name of blocks) {
    test(`mainnet block ${name}: hinted and seeded runs equal sequential; correct hints re-execute nothing; wrong ones change nothing`, async () => {
      const input = loadBlockInput(join(BLOCKS_DIR, name), { cache });
      const { block, preState: pre, blockHashes } = input;
      const expected = observable(executeBlock(block, pre, { blockHashes }), pre);
      const recorded = executeBlockRecorded(block, pre, { blockHashes }).record;
      const graph = dependencyGraph(recorded).predecessors;
      const writes = recorded.transactions.map((t) => t.writes);
      const costs = recorded.transactions.map((t) => t.ms);
      const base: ParallelOptions = { blockHashes, forceParallel: true, conflictBudget: Infinity, record: true };
      const run = async (options: Partial<ParallelOptions>, what: string): Promise<ParallelResult> => {
        const result = await executeBlockParallel(block, pre, { ...base, ...options });
        assert.deepEqual(observable(result, pre), expected, `${what} (${result.stats.mode}${result.stats.fallback ? ": " + result.stats.fallback : ""})`);
        return result;
      };
      let blockStmRuns = false;
      for (const workers of [2, 4]) {
        const hinted = await run({ workers, hints: graph }, `hinted, ${workers} executors`);
        if (workers === 2) blockStmRuns = hinted.record!.run.source === "block-stm";
        const seeded = await run({ workers, seed: { writes, codes: recorded.codes } }, `seeded, ${workers} executors`);
        const ordered = await run({ workers, hints: graph, hintCosts: costs }, `hinted in critical-path order, ${workers} executors`);
        if (ordered.record!.run.source === "block-stm") {
          orderedBlockStm++;
          assert.equal(reexecutions(ordered.record!), 0, `hinted in critical-path order, ${workers} executors: re-executions`);
        }
        if (hinted.record!.run.source === "block-stm") {
          hintedBlockStm++;
          assert.equal(hinted.stats.hints, "graph");
          assert.equal(reexecutions(hinted.record!), 0, `hinted, ${workers} executors: re-executions`);
          assert.equal(seeded.stats.hints, "values");
          assert.equal(reexecutions(seeded.record!), 0, `seeded, ${workers} executors: re-executions`);
        }
      }
      // Wrong hints: where correct ones ran in Block-STM, the wrong ones must too (what they cost
      // is re-executions, and the result must still be the sequential one).
      const wrong = async (options: Partial<ParallelOptions>, what: string): Promise<void> => {
        const result = await run(options, what);
        if (blockStmRuns) {
          assert.equal(result.record!.run.source, "block-stm", `${what}: ran in Block-STM`);
          wrongHintedBlockStm++;
        }
      };
      const next = random(Number(name));
      for (const kind of ["drop", "add", "redirect"] as const) await wrong({ workers: 2, hints: mutateGraph(graph, kind, next) }, `hints with edges ${kind === "add" ? "added" : kind === "drop" ? "dropped" : "redirected"}`);
      // Wrong costs reorder execution arbitrarily (and dropped edges let transactions run before what they read).
      const wrongCosts = costs.map(() => next() * 10);
      await wrong({ workers: 2, hints: mutateGraph(graph, "drop", next), hintCosts: wrongCosts }, "hints with edges dropped, in an order from random costs");
      await wrong({ workers: 4, hints: graph.map(() => []), hintCosts: wrongCosts }, "no edges, in an order from random costs");
      for (const kind of ["change", "drop", "add"] as const) await wrong({ workers: 2, seed: { writes: mutateWrites(writes, kind, next), codes: recorded.codes } }, `seeded values ${kind === "add" ? "added" : kind === "drop" ? "dropped" : "changed"}`);
    });
  }
  test("the hinted runs ran in Block-STM (not a fallback comparing sequential with sequential)", () => {
    assert.ok(hintedBlockStm >= 2 * 40, `hinted Block-STM runs: ${hintedBlockStm}`);
    assert.ok(orderedBlockStm >= 2 * 40, `Block-STM runs in critical-path order: ${orderedBlockStm}`);
    assert.ok(wrongHintedBlockStm >= 8 * 40, `Block-STM runs with wrong hints: ${wrongHintedBlockStm}`);
  });
}
