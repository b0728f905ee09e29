// `pevm report` on the command line: a page from a mainnet fixture block (executed first) and from
// a record file, --compare, the files it writes (and the temporary files it does not leave), and
// its exit statuses: 2 for usage errors, 1 naming the file for unreadable input or output.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, test } from "node:test";
import { writeRecordFile } from "../../src/records/json.js";
import type { PanelData } from "../../src/report/model.js";
import { fixturePath, repoPath } from "../fixtures.js";
import { syntheticRecord } from "../report/syntheticRecord.js";

const CLI = repoPath("dist/src/cli/main.js");
const BLOCK = fixturePath("mainnet/blocks/10760440");

function pevm(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function panels(file: string): PanelData[] {
  const html = readFileSync(file, "utf8");
  const match = /<script type="application\/json" id="pevm-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(match, `${file} carries the data block`);
  return (JSON.parse(match[1]!) as { panels: PanelData[] }).panels;
}

const dir = mkdtempSync(join(tmpdir(), "pevm-report-"));
const recordFile = join(dir, "synthetic.json");
const ndjsonFile = join(dir, "synthetic.ndjson");

before(async () => {
  await writeRecordFile(recordFile, syntheticRecord(50, { workers: 2, seed: 2 }));
  await writeRecordFile(ndjsonFile, syntheticRecord(70, { seed: 3 }));
});

test("report <record file> -o writes the page, and nothing else in the directory", () => {
  const out = join(dir, "from-record.html");
  const r = pevm("report", recordFile, "-o", out);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /report written to .*from-record\.html/);
  const [panel] = panels(out);
  assert.equal(panel!.txCount, 50);
  assert.equal(panel!.mode, "parallel");
  assert.ok(panel!.timeline.tx.length > 50);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith(".tmp")), [], "no temporary file left");
  // The NDJSON form too, with --out and --title.
  const out2 = join(dir, "from-ndjson.html");
  const r2 = pevm("report", ndjsonFile, "--out", out2, "--title", "seventy");
  assert.equal(r2.status, 0, r2.stderr);
  assert.equal(panels(out2)[0]!.txCount, 70);
  assert.match(readFileSync(out2, "utf8"), /<title>seventy<\/title>/);
});

test("report <block dir> executes the block in Block-STM and draws its record", (t) => {
  if (!existsSync(BLOCK)) return t.skip(`fixtures absent: ${BLOCK}`);
  const out = join(dir, "10760440.html");
  const r = pevm("report", BLOCK, "-o", out, "--workers", "2", "--force-parallel");
  assert.equal(r.status, 0, r.stderr);
  const [panel] = panels(out);
  assert.equal(panel!.txCount, 202);
  assert.equal(panel!.mode, "parallel");
  assert.equal(panel!.workers, 2);
  assert.ok(panel!.edges.length > 0);
  assert.ok(panel!.timeline.tx.length >= 202, "a Block-STM run has a timeline");
  assert.ok(panel!.tx.from.every((a) => a >= 0), "every transaction's sender is named");
  const html = readFileSync(out, "utf8");
  assert.equal([...html.matchAll(/data-point="achieved"/g)].length, 2, "parallelism, and the speedup over the sequential baseline");
});

test("report --compare A B puts two records side by side", (t) => {
  const out = join(dir, "compare.html");
  const r = pevm("report", "--compare", recordFile, ndjsonFile, "-o", out);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(
    panels(out).map((p) => p.txCount),
    [50, 70],
  );
  if (!existsSync(BLOCK)) return t.skip(`fixtures absent: ${BLOCK}`);
  // Two runs of one block: 1 and 2 threads; the graphs agree.
  const out2 = join(dir, "compare-runs.html");
  const r2 = pevm("report", "--compare", BLOCK, BLOCK, "--workers", "1,2", "--force-parallel", "--no-baseline", "-o", out2);
  assert.equal(r2.status, 0, r2.stderr);
  assert.deepEqual(
    panels(out2).map((p) => [p.mode, p.workers]),
    [
      ["sequential", 1],
      ["parallel", 2],
    ],
  );
  assert.match(readFileSync(out2, "utf8"), /the two dependency graphs are identical/);
});

test("usage errors exit 2", () => {
  for (const args of [[], ["--compare", recordFile], [recordFile, ndjsonFile], [recordFile, "--bogus"], [recordFile, "--workers", "0"], [recordFile, "--workers", "1,2"], [recordFile, "-o"]]) {
    const r = pevm("report", ...args);
    assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, /^pevm report: .*\(see "pevm report --help"\)\n$/);
  }
  const help = pevm("report", "--help");
  assert.equal(help.status, 0);
  assert.match(help.stdout, /usage: pevm report <block \| record-file \| block-dir>/);
  assert.match(pevm("--help").stdout, /report\s+one self-contained HTML page/);
});

test("unreadable input and unwritable output exit 1 with one line naming the file", () => {
  const missing = join(dir, "missing.json");
  const garbage = join(dir, "garbage.json");
  writeFileSync(garbage, "{ not json\n at all");
  const notRecord = join(dir, "other.json");
  writeFileSync(notRecord, JSON.stringify({ format: "something-else" }));
  const emptyDir = mkdtempSync(join(tmpdir(), "pevm-report-empty-"));
  for (const input of [missing, garbage, notRecord, emptyDir]) {
    const r = pevm("report", input, "-o", join(dir, "never.html"));
    assert.equal(r.status, 1, `${input}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split("\n").length, 1, `one line: ${r.stderr}`);
    assert.ok(r.stderr.includes(input), `names ${input}: ${r.stderr}`);
  }
  assert.equal(existsSync(join(dir, "never.html")), false);
  const unwritable = join(dir, "no-such-dir", "out.html");
  const r = pevm("report", recordFile, "-o", unwritable);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot write .*no-such-dir\/out\.html: ENOENT/);
});

test("report <block> and <block:run> read the record store (--db); --compare two stored runs; a missing block or run exits 1 on one line", async () => {
  const { RecordStore } = await import("../../src/store/store.js");
  const db = join(dir, "records.db");
  const store = RecordStore.open(db);
  const first = store.saveBlock(syntheticRecord(40, { seed: 5 }));
  const second = store.saveBlock(syntheticRecord(40, { seed: 6 }));
  store.close();
  const number = String(first.block);
  const out = join(dir, "stored.html");
  const latest = pevm("report", number, "--db", db, "-o", out);
  assert.equal(latest.status, 0, latest.stderr);
  assert.equal(panels(out)[0]!.txCount, 40);
  const cmp = join(dir, "stored-compare.html");
  const compared = pevm("report", "--compare", `${number}:${first.run}`, `${number}:${second.run}`, "--db", db, "-o", cmp);
  assert.equal(compared.status, 0, compared.stderr);
  assert.equal(panels(cmp).length, 2);
  for (const missing of [`${number}:${second.run + 5}`, "123456789"]) {
    const r = pevm("report", missing, "--db", db, "-o", join(dir, "missing.html"));
    assert.equal(r.status, 1, missing);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /is not (a run of block|in)/);
  }
  assert.ok(!existsSync(join(dir, "missing.html")));
});
