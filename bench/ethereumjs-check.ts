// Checks the @ethereumjs/vm baseline (bench/ethereumjsBaseline.ts) on the mainnet fixture blocks:
// runs each block once and compares its gasUsed (and, from Byzantium on, receiptsRoot; always the
// logs bloom) with the header. Expected mismatches per the fixture README: 11743952 and 12047794,
// where a contract self-destructs and is redeployed at the same address within the block.
//
// Usage: node dist/bench/ethereumjs-check.js [--fixtures DIR] [--filter N]
//   DIR: the fixtures root (default $PEVM_FIXTURES or ../shared/fixtures), or its mainnet/ folder.
//   N:   run only the block numbered N.
import { bytesToHex, equalsBytes } from "@ethereumjs/util";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { prepareEthereumjsBlock, runEthereumjsBlock } from "./ethereumjsBaseline.js";
import { BenchArgs } from "./args.js";

const BYZANTIUM = 4_370_000n;

const args = new BenchArgs("ethereumjs-check", "usage: node dist/bench/ethereumjs-check.js [--fixtures DIR] [--filter N]", { values: ["--fixtures", "--filter"], flags: [] });
const option = (name: string): string | undefined => args.option(name);

function mainnetDir(): string | undefined {
  const root = option("--fixtures") ?? process.env.PEVM_FIXTURES ?? resolve(process.cwd(), "..", "shared", "fixtures");
  return [root, join(root, "mainnet")].find((dir) => existsSync(join(dir, "blocks")));
}

const readJson = (path: string): any => JSON.parse(readFileSync(path, "utf8"));

interface Row {
  ok: boolean;
  gasUsed: bigint;
  ms: number;
}

async function checkBlock(
  dir: string,
  number: string,
  bytecodes: Record<string, string>,
  blockHashes: Record<string, string>,
): Promise<Row> {
  const blockDir = join(dir, "blocks", number);
  const blockJson = readJson(join(blockDir, "block.json"));
  const prepared = await prepareEthereumjsBlock(blockJson, readJson(join(blockDir, "pre_state.json")), bytecodes, blockHashes);
  const result = await runEthereumjsBlock(prepared);
  const header = prepared.block.header;
  const gasOk = result.gasUsed === prepared.headerGasUsed;
  const bloomOk = equalsBytes(result.logsBloom, header.logsBloom);
  // Receipts embed intermediate state roots before Byzantium, which a partial state cannot give.
  const receipts = prepared.number < BYZANTIUM ? "-" : equalsBytes(result.receiptsRoot, header.receiptTrie) ? "✓" : "✗";
  const mgas = result.ms > 0 ? Number(result.gasUsed) / 1000 / result.ms : 0;
  console.log(
    [
      number.padStart(9),
      prepared.hardfork.padEnd(16),
      String(prepared.txCount).padStart(4),
      String(prepared.headerGasUsed).padStart(9),
      String(result.gasUsed).padStart(9),
      gasOk ? "✓" : "✗",
      receipts,
      bloomOk ? "✓" : "✗",
      result.ms.toFixed(1).padStart(8),
      mgas.toFixed(1).padStart(7),
    ].join("  "),
  );
  if (!bloomOk) console.log(`           bloom differs: got ${bytesToHex(result.logsBloom).slice(0, 40)}…`);
  return { ok: gasOk && bloomOk && receipts !== "✗", gasUsed: result.gasUsed, ms: result.ms };
}

async function main(): Promise<void> {
  const dir = mainnetDir();
  if (dir === undefined) {
    console.error("mainnet fixtures not found (pass --fixtures DIR or set PEVM_FIXTURES); nothing to check");
    return;
  }
  const filter = option("--filter");
  const numbers = readdirSync(join(dir, "blocks"))
    .filter((n) => filter === undefined || n === filter)
    .sort((a, b) => Number(a) - Number(b));
  if (numbers.length === 0) {
    console.error(`no block ${filter} in ${join(dir, "blocks")}`);
    return;
  }
  const bytecodes = readJson(join(dir, "bytecodes.json"));
  const blockHashes = readJson(join(dir, "block_hashes.json"));

  console.log("    block  hardfork           txs  hdr gas    ejs gas  gas rcpt bloom     ms   Mgas/s");
  const failed: string[] = [];
  let gas = 0n;
  let runMs = 0;
  const started = performance.now();
  for (const number of numbers) {
    try {
      const row = await checkBlock(dir, number, bytecodes, blockHashes);
      if (!row.ok) failed.push(number);
      gas += row.gasUsed;
      runMs += row.ms;
    } catch (err) {
      console.log(`${number.padStart(9)}  error: ${err instanceof Error ? err.message : String(err)}`);
      failed.push(number);
    }
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`${numbers.length - failed.length}/${numbers.length} blocks agree with their header`);
  const mgas = runMs > 0 ? (Number(gas) / 1000 / runMs).toFixed(1) : "-";
  console.log(`runBlock: ${(runMs / 1000).toFixed(2)} s for ${(Number(gas) / 1e6).toFixed(1)} Mgas (${mgas} Mgas/s); ${seconds} s in all`);
  if (failed.length > 0) console.log(`disagree or failed: ${failed.join(", ")}`);
}

await main();
