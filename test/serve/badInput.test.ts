// The bad-input catalogue of `pevm serve` and its record store (issue #21), beyond what
// test/serve/server.test.ts covers (unknown routes, dot segments, bad paging, a small body, a file
// that is not a database): block numbers too large for the store, repeated parameters, paths that
// look like hosts, request targets that are not paths, huge bodies (declared or streamed), and
// store files that are empty, of a newer schema, a directory or missing. Each request gets a 4xx
// and a one-line JSON message; each bad store makes `pevm serve` exit 1 with one line naming it.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import Database from "better-sqlite3";
import { createRecordServer } from "../../src/serve/server.js";
import { RecordStore } from "../../src/store/store.js";
import { repoPath } from "../fixtures.js";
import { syntheticRecord } from "../store/syntheticRecord.js";

const dir = mkdtempSync(join(tmpdir(), "pevm-serve-bad-"));
const dbPath = join(dir, "records.db");
let port = 0;
let close: () => Promise<void> = async () => {};

before(async () => {
  const store = RecordStore.open(dbPath);
  store.saveBlock(syntheticRecord(100, { txs: 5 }));
  store.close();
  const reader = RecordStore.open(dbPath, { readonly: true });
  const server = createRecordServer(reader);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
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

/** Sends `head` (request line and headers) as written, then `body` chunks; resolves with the raw answer once the server closes or answers whole. */
function raw(head: string, body?: { chunk: Buffer; count: number }): Promise<{ status: number; text: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let text = "";
    let settled = false;
    const finish = (closed: boolean) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text, closed });
    };
    socket.on("data", (c: Buffer) => {
      text += c.toString("latin1");
      const length = /content-length: (\d+)/i.exec(text);
      const headEnd = text.indexOf("\r\n\r\n");
      // Wait a moment for the close that "connection: close" promises, else report it open.
      if (length !== null && headEnd >= 0 && text.length - headEnd - 4 >= Number(length[1])) setTimeout(() => finish(false), 1000);
    });
    socket.on("end", () => finish(true));
    socket.on("close", () => finish(true));
    socket.on("error", (e: NodeJS.ErrnoException) => (e.code === "ECONNRESET" || e.code === "EPIPE" ? finish(true) : reject(e)));
    socket.write(head);
    if (body !== undefined) {
      let sent = 0;
      const pump = () => {
        while (sent < body.count && !socket.destroyed) {
          sent++;
          if (!socket.write(body.chunk)) return void socket.once("drain", pump);
        }
      };
      pump();
    }
  });
}

function get(path: string): Promise<{ status: number; error: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode!, error: res.statusCode === 200 ? "" : (JSON.parse(body) as { error: string }).error }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** `pevm serve` on a bad store: its exit status and stderr. */
function serve(...args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [repoPath("dist/src/cli/main.js"), "serve", "--port", "0", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    let stdout = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    // A store that opened after all: stop the server (the case then fails on its status).
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString();
      if (stdout.includes("\n")) child.kill("SIGTERM");
    });
    child.once("exit", (status) => resolve({ status, stderr }));
  });
}

interface RequestCase {
  name: string;
  path: string;
  status: number;
  message: RegExp;
}

const REQUESTS: RequestCase[] = [
  { name: "a block number above 2^63-1 (once a 500: SQLite cannot bind it)", path: "/api/blocks/99999999999999999999999", status: 400, message: /^block: expected a decimal or 0x-hex block number \(at most 2\^63-1\), got "99999999999999999999999"$/ },
  { name: "a block number of 2^64", path: "/api/blocks/18446744073709551616/summary", status: 400, message: /at most 2\^63-1/ },
  { name: "a block number in a report page's path", path: "/blocks/0x1ffffffffffffffff/report", status: 400, message: /got "0x1ffffffffffffffff"/ },
  { name: "a hot-spot query for a block above 2^63-1", path: "/api/hotspots?block=99999999999999999999", status: 400, message: /at most 2\^63-1/ },
  { name: "the same parameter twice (which one wins would be a guess)", path: "/api/blocks/100?run=1&run=2", status: 400, message: /^parameter "run" given more than once$/ },
  { name: "an unknown parameter of a report page", path: "/blocks/100/report?theme=dark", status: 400, message: /^unknown parameter "theme" \(allowed: run\)$/ },
  { name: "a path that starts with // (once read as a host name, and the message named another path)", path: "//etc/passwd", status: 404, message: /^no page "\/\/etc\/passwd"/ },
];

const EXPECTED_REQUESTS = 7;

test(`${EXPECTED_REQUESTS} bad requests: a 4xx and a one-line JSON message each`, async () => {
  assert.equal(REQUESTS.length, EXPECTED_REQUESTS);
  let ran = 0;
  for (const c of REQUESTS) {
    const reply = await get(c.path);
    assert.equal(reply.status, c.status, `${c.name}: ${c.path}: ${reply.error}`);
    assert.match(reply.error, c.message, c.name);
    assert.ok(!reply.error.includes("\n"), "one line");
    ran++;
  }
  assert.equal(ran, EXPECTED_REQUESTS);
  assert.equal((await get("/api/blocks/100")).status, 200, "the server still answers");
});

test("a request target that is not a path (absolute form) is refused", async () => {
  const reply = await raw("GET http://example.com/api/blocks HTTP/1.1\r\nHost: example.com\r\n\r\n");
  assert.equal(reply.status, 400);
  assert.match(reply.text, /"request target \\"http:\/\/example\.com\/api\/blocks\\" is not a path \(it must start with \/\)"/);
});

test("a declared 1 GiB body: 413 at once, and the connection is closed instead of read to the end", async () => {
  const started = performance.now();
  const reply = await raw(`GET /api/blocks HTTP/1.1\r\nHost: x\r\nContent-Length: ${1024 * 1024 * 1024}\r\n\r\n`);
  assert.equal(reply.status, 413);
  assert.match(reply.text, /"requests carry no body"/);
  assert.match(reply.text, /connection: close/i);
  assert.equal(reply.closed, true, "the server closed the connection");
  assert.ok(performance.now() - started < 5000, "answered without waiting for the body");
  assert.equal((await get("/api/blocks")).status, 200, "the server still answers");
});

test("a streamed 64 MiB chunked body: 413, the connection closed, the server unharmed", async () => {
  const chunk = Buffer.concat([Buffer.from(`${(1 << 20).toString(16)}\r\n`), Buffer.alloc(1 << 20, 0x61), Buffer.from("\r\n")]);
  const reply = await raw("POST /api/blocks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", { chunk, count: 64 });
  assert.ok(reply.status === 405 || reply.status === 413, reply.text.slice(0, 200));
  assert.equal(reply.closed, true);
  const again = await raw("GET /api/blocks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", { chunk, count: 64 });
  assert.equal(again.status, 413);
  assert.equal(again.closed, true);
  assert.equal((await get("/api/blocks")).status, 200, "the server still answers");
});

interface StoreCase {
  name: string;
  /** Makes the bad store; returns its path. */
  make: () => string;
  message: (db: string) => string;
}

const STORES: StoreCase[] = [
  {
    name: "an empty file",
    make: () => (writeFileSync(join(dir, "empty.db"), ""), join(dir, "empty.db")),
    message: (db) => `${db}: not a pevm record store (an empty database)`,
  },
  {
    name: "a store of a newer schema",
    make: () => {
      const db = join(dir, "newer.db");
      RecordStore.open(db).close();
      const sqlite = new Database(db);
      sqlite.prepare("UPDATE schema_version SET version = version + 1").run();
      sqlite.close();
      return db;
    },
    message: (db) => `${db}: store schema version 2 is newer than this pevm supports (1); upgrade pevm`,
  },
  {
    name: "an SQLite database of something else",
    make: () => {
      const db = join(dir, "other.db");
      const sqlite = new Database(db);
      sqlite.exec("CREATE TABLE notes (text TEXT)");
      sqlite.close();
      return db;
    },
    message: (db) => `${db}: an SQLite database, but not a pevm record store (it has no schema_version table)`,
  },
  {
    name: "a directory",
    make: () => (mkdirSync(join(dir, "a-directory.db")), join(dir, "a-directory.db")),
    message: (db) => `${db}: a directory, not a record store`,
  },
  {
    name: "a path where there is nothing (and nothing is created)",
    make: () => join(dir, "missing.db"),
    message: (db) => `${db}: no record store there`,
  },
];

const EXPECTED_STORES = 5;

test(`pevm serve refuses ${EXPECTED_STORES} bad stores: exit 1, one line naming the file`, async () => {
  assert.equal(STORES.length, EXPECTED_STORES);
  let ran = 0;
  for (const c of STORES) {
    const db = c.make();
    const r = await serve("--db", db);
    assert.equal(r.status, 1, `${c.name}: ${r.stderr}`);
    const lines = r.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 1, `${c.name}: one line: ${r.stderr}`);
    assert.ok(lines[0]!.startsWith(`pevm serve: ${c.message(db)}`), `${c.name}: ${lines[0]}`);
    ran++;
  }
  assert.equal(ran, EXPECTED_STORES);
  assert.equal(existsSync(join(dir, "missing.db")), false, "serving creates no store");
});

test("pevm serve: an option without its value and an unknown option exit 2", async () => {
  for (const [args, message] of [
    [["--db"], "option --db needs a value"],
    [["--db", dbPath, "-p", "0"], "unknown option -p"],
  ] as const) {
    const r = await serve(...args);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr.trim(), new RegExp(`^pevm serve: ${message} \\(see "pevm serve --help"\\)$`));
  }
});
