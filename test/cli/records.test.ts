// `pevm run --record / --bal / --hints` and `pevm replay --records` on a mainnet fixture block:
// the files they write read back, records and access lists fed back reproduce the run, and
// broken or foreign hints files are reported (naming the file and the reason, exit status 1)
// while the block still completes correctly.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { balFromJson, balHash, decodeBal } from "../../src/records/bal.js";
import { readRecordFile } from "../../src/records/json.js";
import { bytesToHex } from "../../src/primitives/bytes.js";
import { fixturePath, repoPath } from "../fixtures.js";

const CLI = repoPath("dist/src/cli/main.js");
const BLOCK = fixturePath("mainnet/blocks/10760440");
const OTHER_BLOCK = fixturePath("mainnet/blocks/7280000");

function pevm(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

if (!existsSync(BLOCK)) {
  test("records on the command line", (t) => t.skip(`fixtures not found at ${BLOCK}`));
} else {
  const dir = mkdtempSync(join(tmpdir(), "pevm-records-"));
  const recordFile = join(dir, "10760440.json");
  const balJson = join(dir, "10760440.bal.json");
  const balRlp = join(dir, "10760440.bal.rlp");

  test("run --record --bal writes a record and the access list in both forms; --json carries the summary", () => {
    const r = pevm("run", BLOCK, "--workers", "2", "--json", "--record", recordFile, "--bal", balRlp);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.record.summary.txCount, 202);
    assert.ok(out.record.summary.edgeCount > 0);
    assert.equal(out.record.summary.idealSpeedup.byTime.threads.length, 4);
    const record = readRecordFile(recordFile);
    assert.equal(record.transactions.length, 202);
    assert.equal(record.block.number, 10760440n);
    assert.equal(pevm("run", BLOCK, "--sequential", "--bal", balJson).status, 0);
    const fromRlp = decodeBal(new Uint8Array(readFileSync(balRlp)));
    const fromJson = balFromJson(JSON.parse(readFileSync(balJson, "utf8")));
    assert.equal(bytesToHex(balHash(fromRlp)), bytesToHex(balHash(fromJson)), "the parallel and the sequential run give the same access list");
  });

  test("run --record FILE.ndjson writes one line per transaction after the header", () => {
    const file = join(dir, "10760440.ndjson");
    assert.equal(pevm("run", BLOCK, "--sequential", "--record", file).status, 0);
    const lines = readFileSync(file, "utf8").trimEnd().split("\n");
    assert.equal(JSON.parse(lines[0]!).format, "pevm-record-ndjson");
    assert.equal(lines.filter((l) => JSON.parse(l).index !== undefined).length, 202);
    assert.equal(readRecordFile(file).transactions.length, 202);
  });

  test("the summary is printed: critical path, ideal speedup, conflict ratio, hot spots", () => {
    const r = pevm("run", BLOCK, "--workers", "2");
    assert.equal(r.status, 0, r.stderr);
    for (const pattern of [/critical path: \d+ of 202 txs/, /ideal speedup by time: 2 threads [\d.]+x/, /conflict ratio: [\d.]+%/, /hot spots: 0x[0-9a-f]{40}/]) assert.match(r.stdout, pattern);
  });

  test("a record fed back as hints: the run matches its graph and re-executes nothing", () => {
    const r = pevm("run", BLOCK, "--workers", "2", "--force-parallel", "--json", "--hints", recordFile);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.mode, "parallel");
    assert.equal(out.parallel.hints, "graph");
    assert.deepEqual({ exact: out.hints.exact, missing: out.hints.missingEdges, extra: out.hints.extraEdges }, { exact: true, missing: 0, extra: 0 });
    assert.equal(out.record.summary.reexecutions, 0);
  });

  test("an access list fed back (RLP and JSON): every transaction runs against its values, and the run reproduces it exactly", () => {
    for (const file of [balRlp, balJson]) {
      const r = pevm("run", BLOCK, "--workers", "2", "--force-parallel", "--json", "--hints", file);
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.mode, "parallel");
      assert.equal(out.parallel.hints, "values");
      assert.equal(out.hints.exact, true);
      assert.equal(out.record.summary.reexecutions, 0);
    }
  });

  test("--partition runs a record's graph on threads that share nothing, without a record; it refuses what it cannot do", () => {
    const r = pevm("run", BLOCK, "--workers", "2", "--force-parallel", "--json", "--no-record", "--partition", "--hints", recordFile);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.ok, true);
    assert.equal(out.mode, "parallel");
    assert.equal(out.parallel.executor, "partitioned");
    assert.ok(out.parallel.partition.parallelTxs > 0, "transactions ran side by side");
    assert.equal(out.record, undefined, "no record");
    const text = pevm("run", BLOCK, "--workers", "2", "--force-parallel", "--no-record", "--partition", "--hints", recordFile);
    assert.match(text.stdout, /partitioned: \d+ of 202 transactions side by side, \d+ segments? \(the hints are not checked: no record\)/);
    for (const args of [["--partition", "--hints", recordFile], ["--no-record", "--partition"], ["--sequential", "--no-record", "--partition", "--hints", recordFile]]) {
      const refused = pevm("run", BLOCK, ...args);
      assert.equal(refused.status, 2, `${args.join(" ")}: ${refused.stderr}`);
      assert.match(refused.stderr, /--partition needs/);
    }
    const withBal = pevm("run", BLOCK, "--workers", "2", "--json", "--no-record", "--partition", "--hints", balJson);
    assert.equal(withBal.status, 1, withBal.stderr);
    assert.match(JSON.parse(withBal.stdout).hints.error, /--partition takes a record's dependency graph, not an access list/);
  });

  /** A hints file that is wrong: the block still verifies, the report names the file, exit status 1. */
  function assertRejected(file: string, pattern: RegExp): void {
    const r = pevm("run", BLOCK, "--workers", "2", "--json", "--hints", file);
    assert.equal(r.status, 1, `exit status for ${file}: ${r.stderr}`);
    const out = JSON.parse(r.stdout);
    assert.equal(out.ok, true, "the block itself still matches its header");
    const message = out.hints.error ?? out.hints.difference;
    assert.match(message, pattern);
  }

  test("broken hints files: truncated, binary, empty, not the block's, out of order, wrong values", () => {
    const text = readFileSync(recordFile, "utf8");
    const truncated = join(dir, "truncated.json");
    writeFileSync(truncated, text.slice(0, text.length >> 1));
    assertRejected(truncated, /truncated\.json/);
    const binary = join(dir, "binary.rlp");
    writeFileSync(binary, Uint8Array.of(0xf8, 0xff, 1, 2, 3));
    assertRejected(binary, /binary\.rlp: not a valid access list/);
    const empty = join(dir, "empty.json");
    writeFileSync(empty, "");
    assertRejected(empty, /empty\.json: empty file/);
    const foreign = join(dir, "7280000.json");
    assert.equal(pevm("run", OTHER_BLOCK, "--sequential", "--record", foreign).status, 0);
    assertRejected(foreign, /a record of block 7280000, not of block 10760440/);

    const bal = JSON.parse(readFileSync(balJson, "utf8")) as { address: string; balanceChanges: { blockAccessIndex: string; postBalance: string }[] }[];
    const swapped = join(dir, "swapped.json");
    writeFileSync(swapped, JSON.stringify([bal[1], bal[0], ...bal.slice(2)]));
    assertRejected(swapped, /not a valid access list: .*account 1/);
    const changed = structuredClone(bal);
    const account = changed.find((a) => a.balanceChanges.length > 0)!;
    account.balanceChanges[0]!.postBalance = "0x1";
    const wrongValue = join(dir, "wrong-value.json");
    writeFileSync(wrongValue, JSON.stringify(changed));
    assertRejected(wrongValue, new RegExp(`${account.address}: balance change at index \\d+: expected 0x1, got 0x[0-9a-f]+`));
    const missing = join(dir, "missing.json");
    writeFileSync(missing, JSON.stringify(bal.slice(1)));
    assertRejected(missing, new RegExp(`unexpected account ${bal[0]!.address}`));
  });

  test("a record that cannot be written: exit status 1 naming the file, no temporary file left", () => {
    const target = join(dir, "missing-dir", "r.json");
    const r = pevm("run", BLOCK, "--sequential", "--record", target);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /cannot write .*missing-dir\/r\.json: ENOENT/);
    assert.ok(!readdirSync(dir).some((f) => f.endsWith(".tmp")));
  });

  test("usage errors: --no-record with --record, an access list file of another form", () => {
    assert.equal(pevm("run", BLOCK, "--no-record", "--record", join(dir, "x.json")).status, 2);
    const r = pevm("run", BLOCK, "--bal", join(dir, "x.txt"));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /\.rlp .* \.json/);
  });

  test("replay --records writes one record per block", () => {
    const out = join(dir, "replayed");
    const r = pevm("replay", fixturePath("mainnet/blocks"), "--filter", "1076044", "--sequential", "--records", out);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readdirSync(out), ["10760440.json"]);
    assert.equal(readRecordFile(join(out, "10760440.json")).transactions.length, 202);
  });
}
