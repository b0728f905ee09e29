// The record store over HTTP: a JSON API (blocks, a block's record, graph, access list, hot spots,
// with paging) and the reports as pages. Read-only: every answer comes from the store through its
// queries, never from a file path in the request. Requests carry no body; sizes are bounded.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { bytesToHex } from "../primitives/bytes.js";
import { balToJson, decodeBal } from "../records/bal.js";
import { locationToJson, recordToJson, txToJson } from "../records/json.js";
import { renderReport } from "../report/html.js";
import { parseBlockNumber, RecordStore, StoreError, type StoredBlock } from "../store/store.js";

/** Rows per page when a request names no limit, and the most it may ask for. */
export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 1000;
/** The largest answer sent whole (a bigger record is paged through /transactions). */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
/** Longest request target accepted. */
export const MAX_URL_LENGTH = 2048;

export interface ServerOptions {
  /** Where answers and errors are logged (default: nowhere). */
  log?: (line: string) => void;
}

/** A request the service refuses: its status and a one-line message. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Query = URLSearchParams;

/** An HTTP server over `store` (not yet listening). */
export function createRecordServer(store: RecordStore, options: ServerOptions = {}): Server {
  const server = createServer((request, response) => handle(store, request, response, options));
  // Bounded waits: a client that sends its headers slowly or never finishes is dropped.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.maxHeadersCount = 100;
  return server;
}

function handle(store: RecordStore, request: IncomingMessage, response: ServerResponse, options: ServerOptions): void {
  const started = performance.now();
  let status = 200;
  try {
    const url = requestUrl(request);
    const answer = route(store, url.pathname, url.searchParams);
    send(response, 200, answer.type, answer.body);
  } catch (e) {
    const error = e instanceof HttpError ? e : e instanceof StoreError ? new HttpError(404, e.message) : new HttpError(500, `internal error: ${(e as Error).message}`);
    status = error.status;
    // A body sent anyway is never read: the connection closes after the answer, so an endless or
    // huge body costs nothing (draining it to reuse the connection would read all of it).
    if (hasBody(request)) response.setHeader("connection", "close");
    sendJson(response, error.status, { error: error.message.replace(/[\r\n]+/g, " "), status: error.status });
  }
  if (!hasBody(request)) request.resume();
  options.log?.(`${request.method} ${request.url} ${status} ${(performance.now() - started).toFixed(1)} ms`);
}

function requestUrl(request: IncomingMessage): URL {
  const raw = request.url ?? "/";
  if (raw.length > MAX_URL_LENGTH) throw new HttpError(414, `request target longer than ${MAX_URL_LENGTH} characters`);
  if (request.method !== "GET" && request.method !== "HEAD") throw new HttpError(405, `${request.method} not allowed: the service is read-only (GET)`);
  if (hasBody(request)) throw new HttpError(413, "requests carry no body");
  // Origin-form only ("/path?query"): an absolute URL or "*" names no resource here. The path is
  // appended, not resolved, so that "//etc/passwd" stays that path instead of naming a host.
  if (!raw.startsWith("/")) throw new HttpError(400, `request target ${JSON.stringify(raw.slice(0, 80))} is not a path (it must start with /)`);
  let url: URL;
  try {
    url = new URL(`http://localhost${raw}`);
  } catch {
    throw new HttpError(400, `malformed request target ${JSON.stringify(raw.slice(0, 80))}`);
  }
  // Only the routes below exist; no path reaches the file system, and dot segments are refused outright.
  if (/(^|\/)\.\.?(\/|$)/.test(decodeURIComponentSafe(raw.split("?")[0]!))) throw new HttpError(400, "dot segments are not allowed in paths");
  return url;
}

function hasBody(request: IncomingMessage): boolean {
  return Number(request.headers["content-length"] ?? 0) > 0 || request.headers["transfer-encoding"] !== undefined;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new HttpError(400, `malformed percent-encoding in ${JSON.stringify(text.slice(0, 80))}`);
  }
}

interface Answer {
  type: string;
  body: string | Uint8Array;
}

const JSON_TYPE = "application/json; charset=utf-8";
const HTML_TYPE = "text/html; charset=utf-8";

function json(value: unknown): Answer {
  return { type: JSON_TYPE, body: stringify(value) };
}

function route(store: RecordStore, path: string, query: Query): Answer {
  const parts = path.split("/").filter((p) => p !== "");
  if (parts.length === 0) return { type: HTML_TYPE, body: indexPage(store) };
  if (parts[0] === "api") return api(store, parts.slice(1), query);
  if (parts[0] === "blocks" && parts.length === 3 && parts[2] === "report") {
    const number = blockNumber(parts[1]!);
    checkParams(query, ["run"]);
    return { type: HTML_TYPE, body: renderReport(store.getRecord(number, runOf(query)), { title: `Block ${number}` }) };
  }
  throw new HttpError(404, `no page ${JSON.stringify(path.slice(0, 120))} (see / and /api)`);
}

function api(store: RecordStore, parts: string[], query: Query): Answer {
  if (parts.length === 0) return json({ endpoints: ENDPOINTS });
  if (parts[0] === "hotspots" && parts.length === 1) {
    checkParams(query, ["contract", "block", "run", "limit"]);
    const contract = query.get("contract");
    if (contract !== null && !/^0x[0-9a-fA-F]{40}$/.test(contract)) throw new HttpError(400, `contract: expected a 0x-prefixed 20-byte address, got ${JSON.stringify(contract.slice(0, 80))}`);
    const block = query.get("block");
    return json(
      store.hotspots({
        limit: intParam(query, "limit", 10, 1, 100),
        ...(contract !== null ? { contract } : {}),
        ...(block !== null ? { block: blockNumber(block) } : {}),
        ...runOf(query),
      }),
    );
  }
  if (parts[0] !== "blocks") throw new HttpError(404, `no endpoint /api/${parts.join("/").slice(0, 120)} (GET /api lists them)`);
  if (parts.length === 1) {
    checkParams(query, ["limit", "offset"]);
    const limit = intParam(query, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
    const offset = intParam(query, "offset", 0, 0, Number.MAX_SAFE_INTEGER);
    return json({ total: store.runCount(), blocks: store.blockCount(), offset, limit, items: store.listBlocks({ limit, offset }).map(blockJson) });
  }
  const number = blockNumber(parts[1]!);
  const what = parts.length === 2 ? "" : parts[2]!;
  if (parts.length > 3) throw new HttpError(404, `no endpoint /api/${parts.join("/").slice(0, 120)}`);
  switch (what) {
    case "":
      checkParams(query, ["run"]);
      return json({ ...blockJson(store.describe(number, runOf(query))), runs: store.runsOf(number) });
    case "record": {
      checkParams(query, ["run"]);
      const selector = runOf(query);
      const body = stringify(recordToJson(store.getRecord(number, selector), { summary: store.summary(number, selector) }));
      if (Buffer.byteLength(body) > MAX_RESPONSE_BYTES) throw new HttpError(413, `the record of block ${number} is larger than ${MAX_RESPONSE_BYTES} bytes: page through /api/blocks/${number}/transactions`);
      return { type: JSON_TYPE, body };
    }
    case "transactions": {
      checkParams(query, ["run", "limit", "offset"]);
      const limit = intParam(query, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
      const offset = intParam(query, "offset", 0, 0, Number.MAX_SAFE_INTEGER);
      const page = store.transactionPage(number, offset, limit, runOf(query));
      return json({ total: page.total, offset, limit, items: page.transactions.map(txToJson) });
    }
    case "graph": {
      checkParams(query, ["run"]);
      const graph = store.graph(number, runOf(query));
      return json({ txCount: graph.txCount, edges: graph.edges.map((e) => ({ from: e.from, to: e.to, locations: e.locations.map(locationToJson) })) });
    }
    case "summary":
      checkParams(query, ["run"]);
      return json(store.summary(number, runOf(query)));
    case "access-list": {
      checkParams(query, ["run", "format"]);
      const rlp = store.accessList(number, runOf(query));
      const format = query.get("format") ?? "json";
      if (format === "rlp") return json({ rlp: bytesToHex(rlp) });
      if (format !== "json") throw new HttpError(400, `format: expected json or rlp, got ${JSON.stringify(format.slice(0, 40))}`);
      return json(balToJson(decodeBal(rlp)));
    }
    default:
      throw new HttpError(404, `no endpoint /api/blocks/${parts[1]}/${what.slice(0, 60)} (record, transactions, graph, summary, access-list)`);
  }
}

const ENDPOINTS = [
  "GET /api/blocks?limit=&offset=: stored records, by block number then run",
  "GET /api/blocks/{number}?run=: one record's description and the block's runs",
  "GET /api/blocks/{number}/record?run=: the record (docs/record-json.md), with its summary",
  "GET /api/blocks/{number}/transactions?limit=&offset=&run=: the record's transactions, a page at a time",
  "GET /api/blocks/{number}/graph?run=: the dependency graph with the locations behind each edge",
  "GET /api/blocks/{number}/summary?run=: critical path, ideal and achieved speedup, conflicts, hot spots",
  "GET /api/blocks/{number}/access-list?format=json|rlp&run=: the EIP-7928 block access list",
  "GET /api/hotspots?contract=&block=&run=&limit=: contracts and slots behind the most edges",
  "GET /blocks/{number}/report?run=: the block's report page",
];

function checkParams(query: Query, allowed: readonly string[]): void {
  const seen = new Set<string>();
  for (const key of query.keys()) {
    if (!allowed.includes(key)) throw new HttpError(400, `unknown parameter ${JSON.stringify(key.slice(0, 40))} (allowed: ${allowed.join(", ") || "none"})`);
    // Which of two values would win is a guess: refuse rather than answer for one of them.
    if (seen.has(key)) throw new HttpError(400, `parameter ${JSON.stringify(key)} given more than once`);
    seen.add(key);
  }
}

function intParam(query: Query, name: string, fallback: number, min: number, max: number): number {
  const text = query.get(name);
  if (text === null) return fallback;
  if (!/^[0-9]{1,16}$/.test(text)) throw new HttpError(400, `${name}: expected a whole number, got ${JSON.stringify(text.slice(0, 40))}`);
  const value = Number(text);
  if (value < min || value > max) throw new HttpError(400, `${name}: ${value} is outside ${min}..${max}`);
  return value;
}

function runOf(query: Query): { run?: number } {
  return query.has("run") ? { run: intParam(query, "run", 0, 1, Number.MAX_SAFE_INTEGER) } : {};
}

function blockNumber(text: string): bigint {
  const number = text.length <= 24 ? parseBlockNumber(text) : null;
  if (number === null) throw new HttpError(400, `block: expected a decimal or 0x-hex block number (at most 2^63-1), got ${JSON.stringify(text.slice(0, 40))}`);
  return number;
}

/** A stored block's description for JSON: numbers as numbers, gas as a decimal string. */
function blockJson(block: StoredBlock): Record<string, unknown> {
  return { ...block, number: Number(block.number), gasUsed: block.gasUsed.toString() };
}

/** JSON with bigints as numbers when safe, else decimal strings. */
function stringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? (v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString()) : v));
}

function send(response: ServerResponse, status: number, type: string, body: string | Uint8Array): void {
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  response.writeHead(status, {
    "content-type": type,
    "content-length": bytes.byteLength,
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    // The report pages run their own inline script and load nothing from anywhere.
    "content-security-policy": "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:",
  });
  response.end(response.req.method === "HEAD" ? undefined : bytes);
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  send(response, status, JSON_TYPE, stringify(value));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The landing page: the stored blocks (the first page), each linked to its report. */
function indexPage(store: RecordStore): string {
  const blocks = store.listBlocks({ limit: MAX_PAGE });
  const rows = blocks
    .map((b) => {
      const href = `/blocks/${b.number}/report?run=${b.run}`;
      const on = (threads: number): string => (b.idealSpeedup.byTime.threads.find((t) => t.threads === threads)?.speedup ?? Number.NaN).toFixed(2);
      return `<tr><td><a href="${href}">${b.number}</a></td><td>${b.run}</td><td>${escapeHtml(b.fork)}</td><td>${b.txCount}</td><td>${b.gasUsed}</td><td>${escapeHtml(b.mode)} × ${b.workers}</td><td>${(100 * b.conflictRatio).toFixed(1)}%</td><td>${on(2)} / ${on(16)}</td><td>${escapeHtml(b.createdAt)}</td></tr>`;
    })
    .join("\n");
  const more = store.runCount() > blocks.length ? `<p>First ${blocks.length} of ${store.runCount()} records: page through <code>/api/blocks?offset=</code>.</p>` : "";
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>pevm records</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{padding:3px 10px;border-bottom:1px solid #ddd;text-align:right}th{background:#f4f4f4}</style></head>
<body><h1>Execution records</h1><p>${store.blockCount()} blocks, ${store.runCount()} records in <code>${escapeHtml(store.path)}</code>. JSON API: <a href="/api">/api</a>.</p>${more}
<table><thead><tr><th>block</th><th>run</th><th>fork</th><th>txs</th><th>gas</th><th>run mode</th><th>conflict ratio</th><th>ideal 2 / 16 threads</th><th>stored</th></tr></thead><tbody>
${rows}
</tbody></table></body></html>`;
}
