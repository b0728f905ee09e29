// Real Prague blocks (../shared/fixtures/mainnet-prague): executed sequentially they match their
// headers; Block-STM (forced, 1, 2 and 4 executors) gives the same result and really ran.
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { loadBlockInput } from "../../src/block/load.js";
import { verifyExecution } from "../../src/block/verify.js";
import { closeWorkerPool, executeBlockParallel } from "../../src/exec/parallel/executor.js";
import { executeBlock } from "../../src/exec/sequential.js";
import { TxType } from "../../src/tx/types.js";
import { fixturePath } from "../fixtures.js";
import { observable } from "../helpers/observable.js";

after(() => closeWorkerPool());

const BLOCKS_DIR = fixturePath("mainnet-prague/blocks");
// What each block's source lets us check (fixtures README): 22546209 has no signatures, no
// withdrawals and no system contracts, so its transactions root, withdrawals root and requests
// hash are not verifiable; 22615247 is a real header with everything.
const EXPECTED_CHECKS: Record<string, Record<string, boolean | null>> = {
  "22546209": { gasUsed: true, logsBloom: true, receiptsRoot: true, transactionsRoot: null, withdrawalsRoot: null, blobGasUsed: true, requestsHash: null },
  "22615247": { gasUsed: true, logsBloom: true, receiptsRoot: true, transactionsRoot: true, withdrawalsRoot: true, blobGasUsed: true, requestsHash: true },
};

if (!existsSync(BLOCKS_DIR)) {
  test("Prague mainnet blocks", (t) => t.skip(`fixtures not found at ${BLOCKS_DIR}`));
} else {
  test("the Prague fixture blocks are the ones this suite expects", () => {
    assert.deepEqual(readdirSync(BLOCKS_DIR).sort(), Object.keys(EXPECTED_CHECKS).sort());
  });
  for (const name of Object.keys(EXPECTED_CHECKS)) {
    test(`Prague block ${name}: sequential matches the header; Block-STM on 1, 2 and 4 executors equals it`, async () => {
      const input = loadBlockInput(join(BLOCKS_DIR, name));
      assert.equal(input.rules.name, "Prague");
      const { block, preState, blockHashes } = input;
      const sequential = executeBlock(block, preState, { blockHashes });
      assert.deepEqual(verifyExecution(block, sequential, null).checks, EXPECTED_CHECKS[name]);
      const expected = observable(sequential, preState);
      for (const workers of [1, 2, 4]) {
        const parallel = await executeBlockParallel(block, preState, { blockHashes, workers, forceParallel: true, conflictBudget: Infinity });
        assert.equal(parallel.stats.mode, "parallel", `${workers} workers: ${parallel.stats.fallback ?? ""}`);
        assert.deepEqual(observable(parallel, preState), expected, `${workers} workers`);
      }
    });
  }
  test("Prague block 22546209 carries set-code transactions, one re-delegating an account", () => {
    const { block } = loadBlockInput(join(BLOCKS_DIR, "22546209"));
    const setCode = block.transactions.filter((tx) => tx.type === TxType.SetCode);
    assert.equal(setCode.length, 3);
    assert.ok(setCode.every((tx) => tx.authorizationList.length > 0));
  });
}
