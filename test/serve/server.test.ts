// The record service over real HTTP on 127.0.0.1: every endpoint answers what the store holds,
// bad requests get a 4xx with a message, nothing outside the store is reachable, and the CLI
// starts it, prints where, and stops on SIGTERM.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { bytesToHex } from "../../src/primitives/bytes.js";
import { balToJson, decodeBal } from "../../src/records/bal.js";
import { dependencyGraph } from "../../src/records/graph.js";
import { recordFromJson, recordToJson } from "../../src/records/json.js";
import { createRecordServer, MAX_PAGE } from "../../src/serve/server.js";
import { RecordStore } from "../../src/store/store.js";
import { repoPath } from "../fixtures.js";
import { syntheticRecord } from "../store/syntheticRecord.js";

const dir = mkdtempSync(join(tmpdir(), "pevm-serve-"));
const dbPath = join(dir, "records.db");
let base = "";
let close: () => Promise<void> = async () => {};
const BLOCKS = [100, 101, 102];

before(async () => {
  const store = RecordStore.open(dbPath);
  for (const n of BLOCKS) store.saveBlock(syntheticRecord(n, { txs: 40 }));
  store.saveBlock(syntheticRecord(101, { txs: 40, seed: 7 }), { label: "second run" });
  store.close();
  const reader = RecordStore.open(dbPath, { readonly: true });
  const server = createRecordServer(reader);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
      reader.close();
    });
});

after(async () => {
  await close();
  rmSync(dir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  type: string;
  body: string;
}

function get(path: string, method = "GET", body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    // The path goes out as written (a URL object would resolve dot segments before sending).
    const { hostname, port } = new URL(base);
    const req = httpRequest({ hostname, port, path, method, headers: body !== undefined ? { "content-length": Buffer.byteLength(body) } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, type: String(res.headers["content-type"]), body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function getJson(path: string): Promise<Record<string, unknown>> {
  const reply = await get(path);
  assert.equal(reply.status, 200, `${path}: ${reply.body.slice(0, 200)}`);
  assert.match(reply.type, /^application\/json/);
  return JSON.parse(reply.body) as Record<string, unknown>;
}

test("GET /api/blocks pages through the stored records", async () => {
  const all = await getJson("/api/blocks");
  assert.equal(all.total, 4);
  assert.equal(all.blocks, 3);
  assert.deepEqual((all.items as { number: number; run: number }[]).map((b) => [b.number, b.run]), [[100, 1], [101, 2], [101, 4], [102, 3]]);
  const page = await getJson("/api/blocks?limit=2&offset=1");
  assert.deepEqual((page.items as { number: number }[]).map((b) => b.number), [101, 101]);
  assert.equal(page.limit, 2);
});

test("GET /api/blocks/N describes the latest run (or ?run=), with the block's runs", async () => {
  const latest = await getJson("/api/blocks/101");
  assert.equal(latest.run, 4);
  assert.equal(latest.label, "second run");
  assert.deepEqual(latest.runs, [2, 4]);
  assert.equal((await getJson("/api/blocks/0x65?run=2")).run, 2);
});

test("GET /api/blocks/N/record is the stored record, exactly; /transactions pages it", async () => {
  const expected = syntheticRecord(102, { txs: 40 });
  const json = await getJson("/api/blocks/102/record");
  assert.ok("summary" in json, "the record comes with its summary");
  const { summary: _summary, ...withoutSummary } = json;
  assert.deepEqual(recordToJson(recordFromJson(withoutSummary, "reply")), recordToJson(expected));
  const page = await getJson("/api/blocks/102/transactions?offset=10&limit=5");
  assert.equal(page.total, 40);
  assert.deepEqual(page.items, recordToJson(expected).transactions.slice(10, 15));
});

test("GET /api/blocks/N/graph, /summary and /access-list answer what the record gives", async () => {
  const expected = syntheticRecord(100, { txs: 40 });
  const graph = await getJson("/api/blocks/100/graph");
  assert.equal(graph.txCount, 40);
  assert.deepEqual(graph.edges, recordToJson(expected).graph.edges);
  assert.ok((graph.edges as unknown[]).length > 0, "the synthetic record has edges");
  assert.equal((await getJson("/api/blocks/100/summary")).conflictRatio !== undefined, true);
  const store = RecordStore.open(dbPath, { readonly: true });
  const rlp = store.accessList(100);
  store.close();
  assert.deepEqual(await getJson("/api/blocks/100/access-list?format=rlp"), { rlp: bytesToHex(rlp) });
  const balJson = JSON.parse((await get("/api/blocks/100/access-list")).body) as unknown;
  assert.deepEqual(balJson, JSON.parse(JSON.stringify(balToJson(decodeBal(rlp)))));
  assert.equal(dependencyGraph(expected).edges.length, (graph.edges as unknown[]).length);
});

test("GET /api/hotspots: across blocks, for one block, for one contract", async () => {
  const all = await getJson("/api/hotspots?limit=3");
  assert.equal(all.runs, 3, "the latest run of each block");
  assert.ok((all.contracts as unknown[]).length > 0 && (all.contracts as unknown[]).length <= 3);
  const top = (all.contracts as { address: string; edges: number }[])[0]!;
  const one = await getJson(`/api/hotspots?contract=${top.address}`);
  assert.equal((one.contracts as { address: string; edges: number }[])[0]!.edges, top.edges);
  assert.ok(Array.isArray(one.blocks));
  assert.equal((await getJson("/api/hotspots?block=100")).runs, 1);
});

test("pages: the index links every record; a block's report is the self-contained page", async () => {
  const index = await get("/");
  assert.equal(index.status, 200);
  assert.match(index.type, /^text\/html/);
  for (const [n, run] of [[100, 1], [101, 2], [101, 4], [102, 3]]) assert.ok(index.body.includes(`href="/blocks/${n}/report?run=${run}"`), `index links ${n} run ${run}`);
  const report = await get("/blocks/101/report?run=2");
  assert.equal(report.status, 200);
  assert.match(report.body, /^<!doctype html>/i);
  assert.ok(!/<script[^>]+src=/i.test(report.body) && !/https?:\/\//.test(report.body.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, "")), "nothing loaded from elsewhere");
});

test("bad requests get a 4xx and a one-line JSON message; nothing outside the store is reachable", async () => {
  const cases: [string, number, RegExp, string?][] = [
    ["/api/blocks/999", 404, /block 999 is not in/],
    ["/api/blocks/abc", 400, /block: expected a decimal or 0x-hex block number/],
    ["/api/blocks/101?run=3", 404, /run 3 is not a run of block 101/],
    ["/api/blocks?limit=0", 400, /limit: 0 is outside 1\.\.1000/],
    [`/api/blocks?limit=${MAX_PAGE + 1}`, 400, /limit: 1001 is outside/],
    ["/api/blocks?limit=-1", 400, /limit: expected a whole number/],
    ["/api/blocks?offset=1e3", 400, /offset: expected a whole number/],
    ["/api/blocks?sort=desc", 400, /unknown parameter "sort"/],
    ["/api/blocks/100/access-list?format=xml", 400, /format: expected json or rlp/],
    ["/api/hotspots?contract=0x12", 400, /contract: expected a 0x-prefixed 20-byte address/],
    ["/api/blocks/100/nothing", 404, /no endpoint/],
    ["/api/nothing", 404, /no endpoint/],
    ["/etc/passwd", 404, /no page/],
    ["/blocks/../../etc/passwd", 400, /dot segments/],
    ["/blocks/%2e%2e/%2e%2e/records.db", 400, /dot segments/],
    ["/records.db", 404, /no page/],
    ["/%E0%A4%A", 400, /malformed percent-encoding/],
    ["/" + "a".repeat(3000), 414, /longer than 2048/],
    ["/api/blocks", 405, /POST not allowed/, "POST"],
    ["/api/blocks", 405, /DELETE not allowed/, "DELETE"],
  ];
  for (const [path, status, message, method] of cases) {
    const reply = await get(path, method ?? "GET");
    assert.equal(reply.status, status, `${method ?? "GET"} ${path.slice(0, 60)}: ${reply.body.slice(0, 200)}`);
    const error = (JSON.parse(reply.body) as { error: string }).error;
    assert.match(error, message, path.slice(0, 60));
    assert.ok(!error.includes("\n"), "one line");
    assert.ok(!error.includes(dir) || path.startsWith("/api/blocks/"), `the message names no file outside the store: ${error}`);
  }
  const withBody = await get("/api/blocks", "GET", "x".repeat(100));
  assert.equal(withBody.status, 413);
  assert.equal((await get("/api/blocks")).status, 200, "the server still answers");
});

test("pevm serve: prints where it listens, serves the store, stops on SIGTERM; refuses a file that is not a store", async () => {
  const child = spawn(process.execPath, [repoPath("dist/src/cli/main.js"), "serve", "--db", dbPath, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  const line = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      if (out.includes("\n")) resolve(out.split("\n")[0]!);
    });
    child.once("exit", (code) => reject(new Error(`exited ${code} before listening`)));
  });
  const match = /^serving 3 blocks from (.+) at (http:\/\/127\.0\.0\.1:\d+\/) \(Ctrl-C to stop\)$/.exec(line);
  assert.ok(match, line);
  const saved = base;
  base = match[2]!.replace(/\/$/, "");
  try {
    assert.equal(((await getJson("/api/blocks")).items as unknown[]).length, 4);
  } finally {
    base = saved;
  }
  const code = await new Promise<number | null>((resolve) => {
    child.once("exit", resolve);
    child.kill("SIGTERM");
  });
  assert.equal(code, 0);

  const notStore = join(dir, "not-a-store.db");
  writeFileSync(notStore, "hello, not a database\n".repeat(100));
  const refused = spawn(process.execPath, [repoPath("dist/src/cli/main.js"), "serve", "--db", notStore, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  refused.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const refusedCode = await new Promise<number | null>((resolve) => refused.once("exit", resolve));
  assert.equal(refusedCode, 1);
  assert.match(stderr.trim(), new RegExp(`^pevm serve: ${notStore.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: `));
  assert.equal(stderr.trim().split("\n").length, 1, stderr);
});

test("pevm serve: usage errors exit 2", async () => {
  for (const args of [["--port", "70000"], ["--port", "x"], ["extra"]]) {
    const child = spawn(process.execPath, [repoPath("dist/src/cli/main.js"), "serve", "--db", dbPath, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    assert.equal(code, 2, args.join(" "));
  }
});
