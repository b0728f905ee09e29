// Peak memory of our sequential executor on one block, in a process that loads nothing else:
// loads the block (its directory's pre-state and the shared bytecodes.json), executes it once and
// prints its maximum resident set size. bench/mainnet runs it in a fresh process.
//
// usage: node dist/bench/memoryProbe.js BLOCK_DIR
import { loadBlockInput } from "../src/block/load.js";
import { executeBlock } from "../src/exec/sequential.js";

const blockDir = process.argv[2];
if (blockDir === undefined) {
  console.error("usage: node dist/bench/memoryProbe.js BLOCK_DIR");
  process.exit(2);
}
const input = loadBlockInput(blockDir);
executeBlock(input.block, input.preState, { blockHashes: input.blockHashes });
console.log(JSON.stringify({ peakRssMiB: process.resourceUsage().maxRSS / 1024 }));
