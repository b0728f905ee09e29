// Every mainnet fixture block, executed sequentially, must match its header: gasUsed, logsBloom,
// and receiptsRoot from Byzantium on. Skips visibly when ../shared/fixtures is absent.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { loadBlockInput } from "../../src/block/load.js";
import { bytesToHex } from "../../src/primitives/bytes.js";
import { executeBlock } from "../../src/exec/sequential.js";
import { verifyExecution } from "../../src/block/verify.js";
import { fixtureBlockNames, fixturePath } from "../fixtures.js";

const BLOCKS_DIR = fixturePath("mainnet/blocks");
const BYZANTIUM = 4_370_000n;
// Self-destruct and redeploy at the same address inside the block: @ethereumjs/vm gets their gas wrong.
const REDEPLOY_BLOCKS = ["11743952", "12047794"];

const blocks = fixtureBlockNames(BLOCKS_DIR, "mainnet fixture blocks");
if (blocks !== null) {
  const cache = new Map<string, unknown>();

  test("the fixture set includes the self-destruct-and-redeploy blocks", () => {
    for (const b of REDEPLOY_BLOCKS) assert.ok(blocks.includes(b), `block ${b} missing from ${BLOCKS_DIR}`);
  });

  for (const name of blocks) {
    test(`mainnet block ${name}`, () => {
      const input = loadBlockInput(join(BLOCKS_DIR, name), { cache });
      const result = executeBlock(input.block, input.preState, { blockHashes: input.blockHashes });
      const { header } = input.block;
      assert.equal(result.gasUsed, header.gasUsed, "gasUsed");
      assert.equal(bytesToHex(result.logsBloom), bytesToHex(header.logsBloom), "logsBloom");
      if (header.number >= BYZANTIUM) {
        assert.ok(result.receiptsRoot !== null, "receiptsRoot computed from Byzantium on");
        assert.equal(bytesToHex(result.receiptsRoot), bytesToHex(header.receiptsRoot), "receiptsRoot");
      } else {
        assert.equal(result.receiptsRoot, null, "receiptsRoot not verifiable before Byzantium");
      }
      assert.ok(verifyExecution(input.block, result, input.expectedReceipts).ok);
    });
  }
}
