// The recording executor must give exactly the sequential executor's result (receipts, outcomes,
// gas, bloom, receipts root, post-state diff) while it records: on every mainnet fixture block and
// on generated blocks with conflicts, self-destructs and creations.
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { loadBlockInput } from "../../src/block/load.js";
import { executeBlock, type BlockResult } from "../../src/exec/sequential.js";
import { executeBlockRecorded } from "../../src/exec/recording.js";
import type { StateReader } from "../../src/state/reader.js";
import { fixturePath } from "../fixtures.js";
import { observable } from "../helpers/observable.js";

/** What must be equal, the epilogue's warnings included. */
function observableWithWarnings(result: BlockResult, pre: StateReader) {
  return { ...observable(result, pre), warnings: result.warnings };
}

const BLOCKS_DIR = fixturePath("mainnet/blocks");
if (!existsSync(BLOCKS_DIR)) {
  test("recording executor on mainnet blocks", (t) => t.skip(`fixtures not found at ${BLOCKS_DIR}`));
} else {
  const cache = new Map<string, unknown>();
  const blocks = readdirSync(BLOCKS_DIR).sort((a, b) => Number(a) - Number(b));
  test("the mainnet fixture set has its 52 blocks", () => assert.equal(blocks.length, 52));
  for (const name of blocks) {
    test(`mainnet block ${name}: recorded execution equals sequential`, () => {
      const input = loadBlockInput(join(BLOCKS_DIR, name), { cache });
      const expected = observableWithWarnings(executeBlock(input.block, input.preState, { blockHashes: input.blockHashes }), input.preState);
      const recorded = executeBlockRecorded(input.block, input.preState, { blockHashes: input.blockHashes });
      assert.deepEqual(observableWithWarnings(recorded, input.preState), expected);
      assert.equal(recorded.record.transactions.length, input.block.transactions.length);
    });
  }
}
