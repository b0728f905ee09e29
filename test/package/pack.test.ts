// The package as a user gets it: `npm pack`, the tarball unpacked into a fresh project's
// node_modules (offline: the project's own installed runtime dependencies are linked beside it),
// then a strict TypeScript program and an ES-module program run against it, the examples of
// docs/api.md compile, the exports map refuses deep imports, and the `pevm` binary runs from it.
// Needs a built dist/src (the test runs from dist/test) and `npm` and `tar` on the PATH.
import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fixturePath, repoPath } from "../fixtures.js";

const PACKAGE = JSON.parse(readFileSync(repoPath("package.json"), "utf8")) as { name: string; version: string; dependencies: Record<string, string> };
const TSC = repoPath("node_modules/typescript/bin/tsc");
/** A Cancun mainnet block of 46 transactions, for the run that needs fixtures. */
const FIXTURE_BLOCK = fixturePath("mainnet/blocks/19933122");

/**
 * A state test written here: the sender calls a contract that stores 1 in slot 0 (Cancun). The
 * post-state root was checked against @ethereumjs/vm's for the same transaction.
 */
const SSTORE_ROOT = "0xfff287501f95ced05d13158decb8c490b14918bef7908c86fde84739d5090c1a";
const EMPTY_LOGS_HASH = "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347";

let work = "";
let app = "";
let packed: string[] = [];
let compileOutput = "";

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
}

function succeed(command: string, args: string[], cwd: string): string {
  const r = run(command, args, cwd);
  assert.equal(r.status, 0, `${command} ${args.join(" ")} failed (status ${r.status}, ${r.error?.message ?? ""}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** `name` from the project's node_modules, linked into the app's (scoped names keep their scope folder). */
function linkDependency(name: string): void {
  const target = repoPath(join("node_modules", name));
  assert.ok(existsSync(target), `${name} is not installed in the project (npm ci)`);
  const link = join(app, "node_modules", name);
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(target, link, "dir");
}

/** The ```ts code blocks of docs/api.md, in order. */
function apiExamples(): string[] {
  const text = readFileSync(repoPath("docs/api.md"), "utf8");
  return [...text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

before(() => {
  assert.ok(existsSync(repoPath("dist/src/index.js")), "dist/src/index.js is missing: build with npx tsc -p . first");
  work = mkdtempSync(join(tmpdir(), "pevm-pack-"));
  const listing = JSON.parse(succeed("npm", ["pack", "--pack-destination", work, "--ignore-scripts", "--json", "--silent"], repoPath("."))) as { filename: string; files: { path: string }[] }[];
  packed = listing[0]!.files.map((f) => f.path);
  app = join(work, "app");
  const installed = join(app, "node_modules", PACKAGE.name);
  mkdirSync(installed, { recursive: true });
  succeed("tar", ["xzf", join(work, listing[0]!.filename), "-C", installed, "--strip-components=1"], work);
  // A user's install brings the runtime dependencies; @types/node is the user's own dev dependency.
  for (const name of [...Object.keys(PACKAGE.dependencies), "@types/node"]) linkDependency(name);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }, null, 2));
  writeFileSync(
    join(app, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, skipLibCheck: false, outDir: "out", rootDir: ".", lib: ["ES2022"], types: ["node"] },
      include: ["program.ts", "deep.ts", "examples/*.ts"],
    }),
  );
  writeFileSync(join(app, "program.ts"), tsProgram());
  writeFileSync(join(app, "deep.ts"), `import { loadBlockInput } from "${PACKAGE.name}/dist/src/block/load.js";\nconsole.log(loadBlockInput);\n`);
  mkdirSync(join(app, "examples"));
  apiExamples().forEach((code, i) => writeFileSync(join(app, "examples", `example-${i + 1}.ts`), code));
  writeFileSync(join(app, "program.mjs"), mjsProgram());
  writeFileSync(join(app, "statetest.json"), JSON.stringify({ sstore: stateTest(SSTORE_ROOT) }));
  // One compile for the program, the examples and the deep import (expected to fail); files emit despite errors.
  const compiled = run(process.execPath, [TSC, "-p", app], app);
  compileOutput = compiled.stdout + compiled.stderr;
});

let tsOutput: Record<string, unknown> | null = null;

/** What the compiled TypeScript program prints (run once); it writes its generated block to <work>/generated. */
function tsProgramOutput(): Record<string, unknown> {
  tsOutput ??= JSON.parse(succeed(process.execPath, [join(app, "out/program.js"), join(work, "generated")], app)) as Record<string, unknown>;
  return tsOutput;
}

after(() => {
  if (work !== "") rmSync(work, { recursive: true, force: true });
});

test("the tarball ships dist/src, the docs and the package files: no tests, benchmarks or fixture data", () => {
  const allowed = /^(package\.json|README\.md|LICENSE(\.\w+)?|docs\/[\w-]+\.md|dist\/src\/.+\.(js|d\.ts|json))$/;
  assert.deepEqual(packed.filter((p) => !allowed.test(p)), []);
  assert.deepEqual(packed.filter((p) => /^dist\/(test|bench)\//.test(p) || /fixtures|pre_state|bytecodes\.json|block_hashes/.test(p)), []);
  for (const needed of ["dist/src/index.js", "dist/src/index.d.ts", "dist/src/cli/main.js", "dist/src/exec/parallel/worker.js", "dist/src/statetest/worker.js", "dist/src/workload/contracts.json", "docs/api.md"]) {
    assert.ok(packed.includes(needed), `${needed} is not in the tarball`);
  }
});

test("a strict TypeScript program compiles against the package and runs: load, execute both ways, record, access list, state test", () => {
  // skipLibCheck is off: the package's declaration files are checked too (their errors name node_modules/...).
  const errors = compileOutput.split("\n").filter((l) => /error TS\d+/.test(l) && !l.startsWith("deep.ts") && !l.startsWith("examples/"));
  assert.deepEqual(errors, [], compileOutput);
  const out = tsProgramOutput();
  assert.equal(out.mode, "parallel");
  assert.equal(out.txs, 64);
  assert.ok((out.edges as number) > 0, "the hot transactions depend on each other");
  assert.match(out.balHash as string, /^0x[0-9a-f]{64}$/);
  assert.deepEqual(out.stateTest, { right: true, wrong: false });
});

test("every TypeScript example of docs/api.md compiles against the package", () => {
  const examples = apiExamples();
  assert.ok(examples.length >= 8, `expected the entry points' examples, found ${examples.length}`);
  assert.deepEqual(compileOutput.split("\n").filter((l) => l.startsWith("examples/")), [], compileOutput);
});

test("an ES-module program runs against the package; the exports map refuses deep imports", () => {
  const out = JSON.parse(succeed(process.execPath, [join(app, "program.mjs")], app)) as Record<string, unknown>;
  assert.deepEqual(out, { sequentialOk: true, parallelOk: true, mode: "parallel", sameRoot: true, sameBal: true, stateTest: true, deepImport: "ERR_PACKAGE_PATH_NOT_EXPORTED", version: PACKAGE.version });
  assert.match(compileOutput, /^deep\.ts\(1,\d+\): error TS2307/m, "TypeScript must not resolve a path the exports map leaves out");
});

test("the pevm binary runs from the package: run a generated block, statetest a file", () => {
  const cli = join(app, "node_modules", PACKAGE.name, "dist/src/cli/main.js");
  const generated = join(work, "generated");
  tsProgramOutput(); // it writes the generated block
  const ran = JSON.parse(succeed(process.execPath, [cli, "run", generated, "--json"], app)) as { ok: boolean; txs: number };
  assert.deepEqual([ran.ok, ran.txs], [true, 64]);
  const tested = JSON.parse(succeed(process.execPath, [cli, "statetest", join(app, "statetest.json"), "--json", "--workers", "1"], app)) as { passed: number; failed: number };
  assert.deepEqual([tested.passed, tested.failed], [1, 0]);
});

test("a mainnet fixture block loads and verifies through the package, sequentially and in parallel", (t) => {
  if (!existsSync(FIXTURE_BLOCK)) {
    t.skip(`fixtures absent: ${FIXTURE_BLOCK}`);
    return;
  }
  const out = JSON.parse(succeed(process.execPath, [join(app, "program.mjs"), FIXTURE_BLOCK], app)) as Record<string, unknown>;
  assert.deepEqual(out, { sequentialOk: true, parallelOk: true, mode: "parallel", sameRoot: true, sameBal: true, stateTest: true, deepImport: "ERR_PACKAGE_PATH_NOT_EXPORTED", version: PACKAGE.version });
});

function stateTest(root: string): unknown {
  return {
    env: {
      currentCoinbase: "0x2adc25665018aa1fe0e6bc666dac8fc2697ff9ba",
      currentGasLimit: "0x1000000",
      currentNumber: "0x1",
      currentTimestamp: "0x3e8",
      currentBaseFee: "0x7",
      currentRandom: "0x0000000000000000000000000000000000000000000000000000000000020000",
      currentDifficulty: "0x0",
      currentExcessBlobGas: "0x0",
    },
    pre: {
      "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b": { nonce: "0x0", balance: "0x3635c9adc5dea00000", code: "0x", storage: {} },
      "0x1000000000000000000000000000000000000000": { nonce: "0x0", balance: "0x0", code: "0x600160005500", storage: {} },
    },
    transaction: {
      data: ["0x"],
      gasLimit: ["0x30d40"],
      value: ["0x1"],
      nonce: "0x0",
      gasPrice: "0xa",
      to: "0x1000000000000000000000000000000000000000",
      secretKey: "0x45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8",
    },
    post: { Cancun: [{ hash: root, logs: EMPTY_LOGS_HASH, indexes: { data: 0, gas: 0, value: 0 } }] },
  };
}

/** The TypeScript program: argv[2] is where it writes the generated block (the CLI test runs it). */
function tsProgram(): string {
  return `
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  blockAccessList, blockInputFromJson, bytesToHex, balHash, closeWorkerPool, decodeBal, dependencyGraph, diffBal, encodeBal,
  executeBlock, executeBlockParallel, executeBlockRecorded, generateBlock, loadBlockInput, postStateDiff, recordFromJson,
  recordToJson, runBlock, runStateTest, startWorkerPool, summarizeRecord, verifyExecution, writeGeneratedBlock,
  type BlockInput, type BlockRecord, type BlockResult, type BlockRun, type DependencyGraph, type ParallelResult, type RecordSummary, type StateTestJson,
} from "${PACKAGE.name}";

const dir = process.argv[2]!;
startWorkerPool(2);
const generated = generateBlock({ workload: "erc20-hot", txs: 64, seed: 3 });
writeGeneratedBlock(generated, dir);
const input: BlockInput = loadBlockInput(dir);
const read = (file: string): unknown => JSON.parse(readFileSync(join(dir, file), "utf8"));
const fromJson: BlockInput = blockInputFromJson({ block: read("block.json"), preState: read("pre_state.json"), bytecodes: read("bytecodes.json") as Record<string, string>, blockHashes: read("block_hashes.json") });

const sequential: BlockResult = executeBlock(input.block, input.preState, { blockHashes: input.blockHashes });
const parallel: ParallelResult = await executeBlockParallel(fromJson.block, fromJson.preState, { blockHashes: fromJson.blockHashes, workers: 2, forceParallel: true, record: true });
assert.equal(parallel.stats.mode, "parallel");
assert.ok(verifyExecution(input.block, sequential, input.expectedReceipts).ok);
assert.ok(verifyExecution(fromJson.block, parallel, fromJson.expectedReceipts).ok);
assert.equal(parallel.gasUsed, sequential.gasUsed);
assert.equal(bytesToHex(parallel.receiptsRoot!), bytesToHex(sequential.receiptsRoot!));
assert.deepEqual(postStateDiff(parallel.world, fromJson.preState), postStateDiff(sequential.world, input.preState));

const record: BlockRecord = executeBlockRecorded(input.block, input.preState, { blockHashes: input.blockHashes }).record;
const graph: DependencyGraph = dependencyGraph(record);
const summary: RecordSummary = summarizeRecord(record, graph);
assert.deepEqual(dependencyGraph(parallel.record!).predecessors, graph.predecessors);
const back = recordFromJson(JSON.parse(JSON.stringify(recordToJson(record, { summary }))), "record");
assert.deepEqual(dependencyGraph(back).predecessors, graph.predecessors);

const bal = blockAccessList(record, { pre: input.preState });
assert.equal(diffBal(bal, blockAccessList(parallel.record!, { pre: fromJson.preState })), null);
assert.equal(diffBal(bal, decodeBal(encodeBal(bal))), null);

const run: BlockRun = await runBlock(generated, { workers: 2, parallel: { forceParallel: true } });
assert.ok(run.verification.ok);
assert.equal(run.summary!.edgeCount, summary.edgeCount);

const test = ${JSON.stringify(stateTest(SSTORE_ROOT))} satisfies StateTestJson;
const wrong: StateTestJson = { ...test, post: { Cancun: [{ ...test.post.Cancun[0]!, hash: "0x" + "00".repeat(32) }] } };
const stateTest = { right: runStateTest("sstore", test).every((r) => r.ok), wrong: runStateTest("sstore", wrong).every((r) => r.ok) };
closeWorkerPool();
console.log(JSON.stringify({ mode: run.mode, txs: input.block.transactions.length, edges: graph.edges.length, conflictRatio: summary.conflictRatio, balHash: bytesToHex(balHash(bal)), stateTest }));
`;
}

/** The ES-module program: a generated block, or the block directory in argv[2]. */
function mjsProgram(): string {
  return `
import * as pevm from "${PACKAGE.name}";
import packageJson from "${PACKAGE.name}/package.json" with { type: "json" };

const input = process.argv[2] === undefined ? pevm.generateBlock({ workload: "swaps-hot", txs: 32 }) : pevm.loadBlockInput(process.argv[2]);
const sequential = await pevm.runBlock(input);
const parallel = await pevm.runBlock(input, { workers: 2, parallel: { forceParallel: true } });
const balOf = (run) => pevm.bytesToHex(pevm.balHash(pevm.blockAccessList(run.record, { pre: input.preState })));
const results = pevm.runStateTest("sstore", ${JSON.stringify(stateTest(SSTORE_ROOT))});
let deepImport = "resolved";
try {
  await import("${PACKAGE.name}/dist/src/block/load.js");
} catch (e) {
  deepImport = e.code;
}
pevm.closeWorkerPool();
console.log(JSON.stringify({
  sequentialOk: sequential.verification.ok,
  parallelOk: parallel.verification.ok,
  mode: parallel.mode,
  sameRoot: pevm.bytesToHex(sequential.result.receiptsRoot) === pevm.bytesToHex(parallel.result.receiptsRoot),
  sameBal: balOf(sequential) === balOf(parallel),
  stateTest: results.length === 1 && results[0].ok,
  deepImport,
  version: packageJson.version,
}));
`;
}
