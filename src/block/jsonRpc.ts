// A small JSON-RPC 2.0 client over HTTP (Node's global fetch): single calls and batches, with a
// per-request timeout, a few retries when the node rate-limits (HTTP 429), and errors that name
// the method and say what went wrong (unreachable, HTTP status, JSON-RPC error, malformed answer).
// A node that rejects batch requests gets smaller batches, down to one call at a time.

export interface RpcOptions {
  /** Milliseconds to wait for one HTTP exchange (default 120 000). */
  timeoutMs?: number;
  /** Most calls in one batch request; longer batches are split (default 100). */
  maxBatch?: number;
  /** Retries after HTTP 429 Too Many Requests (default 3; waits Retry-After or 1 s, 2 s, 4 s). */
  retries?: number;
}

export interface RpcRequest {
  method: string;
  params?: unknown[] | Record<string, unknown>;
}

/** Every failure of a call. `code`/`data` are the JSON-RPC error's, `status` the HTTP status. */
export class RpcError extends Error {
  readonly method: string;
  readonly code: number | undefined;
  readonly data: unknown;
  readonly status: number | undefined;
  constructor(method: string, message: string, details: { code?: number; data?: unknown; status?: number; cause?: unknown } = {}) {
    super(`${method}: ${message}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "RpcError";
    this.method = method;
    this.code = details.code;
    this.data = details.data;
    this.status = details.status;
  }
}

const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_MAX_BATCH = 100;
const DEFAULT_RETRIES = 3;

/** The largest batch a URL's server accepted after rejecting a larger one (1: no batches). */
const batchLimit = new Map<string, number>();
let nextId = 1;

/** Calls `method` and returns its `result` (which may be null: e.g. an unknown block). */
export async function rpcCall<T = unknown>(url: string, method: string, params: RpcRequest["params"] = [], options: RpcOptions = {}): Promise<T> {
  const id = nextId++;
  const body = await post(url, { jsonrpc: "2.0", id, method, params }, method, options);
  const response = expectResponse(body, method, url);
  if (response.id !== id && response.id !== null) throw new RpcError(method, `malformed response from ${displayUrl(url)}: id ${JSON.stringify(response.id)} does not match the request's ${id}`);
  return resultOf(response, method) as T;
}

/**
 * Sends the calls as JSON-RPC batches and returns their results in order. The first call that
 * fails throws its RpcError (naming its method). If the server rejects a batch (an HTTP error, an
 * answer that is not an array, or one error for the whole batch), smaller batches are tried, down
 * to one call at a time; what worked is remembered for the URL.
 */
export async function rpcBatch(url: string, calls: RpcRequest[], options: RpcOptions = {}): Promise<unknown[]> {
  const results: unknown[] = [];
  let start = 0;
  while (start < calls.length) {
    const size = Math.max(1, Math.min(options.maxBatch ?? DEFAULT_MAX_BATCH, batchLimit.get(url) ?? Infinity));
    const chunk = calls.slice(start, start + size);
    if (chunk.length === 1) {
      results.push(await rpcCall(url, chunk[0]!.method, chunk[0]!.params ?? [], options));
    } else {
      const answered = await tryBatch(url, chunk, options);
      // Rejected: maybe too large a batch; halve the limit for this URL (down to one call at a time).
      if (answered === undefined) {
        batchLimit.set(url, Math.floor(chunk.length / 2));
        continue;
      }
      results.push(...answered);
    }
    start += chunk.length;
  }
  return results;
}

/** Forgets which servers rejected batches (for tests). */
export function resetBatchSupport(): void {
  batchLimit.clear();
}

/** The batch's results, or undefined when the server does not do batches. */
async function tryBatch(url: string, calls: RpcRequest[], options: RpcOptions): Promise<unknown[] | undefined> {
  const firstId = nextId;
  nextId += calls.length;
  const payload = calls.map((c, i) => ({ jsonrpc: "2.0", id: firstId + i, method: c.method, params: c.params ?? [] }));
  const label = batchLabel(calls);
  let body: unknown;
  try {
    body = await post(url, payload, label, options);
  } catch (e) {
    // An HTTP error status or an unparsable body: maybe a server without batch support. Anything
    // else (unreachable, timeout) is not about batches.
    if (e instanceof RpcError && (e.status !== undefined || e.message.includes("malformed response"))) {
      return undefined;
    }
    throw e;
  }
  if (!Array.isArray(body)) return undefined;
  const byId = new Map<unknown, Record<string, unknown>>();
  for (const item of body) {
    if (typeof item === "object" && item !== null && !Array.isArray(item)) byId.set((item as Record<string, unknown>).id, item as Record<string, unknown>);
  }
  if (byId.size !== calls.length && body.length === 1) {
    // A single error for the whole batch (geth answers "batch too large" so).
    return undefined;
  }
  return calls.map((c, i) => {
    const response = byId.get(firstId + i);
    if (response === undefined) throw new RpcError(c.method, `malformed response from ${displayUrl(url)}: the batch answer has no response with id ${firstId + i} (call ${i} of ${calls.length})`);
    return resultOf(expectResponse(response, c.method, url), c.method);
  });
}

function batchLabel(calls: RpcRequest[]): string {
  const methods = [...new Set(calls.map((c) => c.method))];
  return `batch of ${calls.length} (${methods.join(", ")})`;
}

/** POSTs the JSON and returns the parsed answer; throws RpcError for transport and HTTP failures. */
async function post(url: string, payload: unknown, method: string, options: RpcOptions): Promise<unknown> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const retries = options.retries ?? DEFAULT_RETRIES;
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (e) {
      throw transportError(e, url, method, timeoutMs);
    }
    if (response.status === 429 && attempt < retries) {
      await sleep(retryDelayMs(response.headers.get("retry-after"), attempt));
      continue;
    }
    if (!response.ok) {
      // Many nodes answer a JSON-RPC error with an HTTP error status: report the JSON-RPC error.
      const rpcError = errorInBody(text);
      const detail = rpcError ?? (text.trim() === "" ? "" : `: ${abbreviate(text.trim(), 200)}`);
      throw new RpcError(method, `HTTP ${response.status}${response.statusText ? " " + response.statusText : ""} from ${displayUrl(url)}${rpcError ? ": " + rpcError : detail}`, { status: response.status });
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new RpcError(method, `malformed response from ${displayUrl(url)}: not JSON: ${JSON.stringify(abbreviate(text, 120))}`);
    }
  }
}

function transportError(e: unknown, url: string, method: string, timeoutMs: number): RpcError {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err?.name === "TimeoutError" || err?.name === "AbortError") {
    return new RpcError(method, `no answer from ${displayUrl(url)} within ${timeoutMs / 1000} s`, { cause: e });
  }
  const cause = err?.cause?.message ?? err?.cause?.code;
  return new RpcError(method, `cannot reach ${displayUrl(url)}: ${cause ?? err?.message ?? String(e)}`, { cause: e });
}

function retryDelayMs(retryAfter: string | null, attempt: number): number {
  const seconds = retryAfter === null ? NaN : Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, 30) * 1000;
  return 1000 * 2 ** attempt;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function expectResponse(body: unknown, method: string, url: string): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new RpcError(method, `malformed response from ${displayUrl(url)}: expected a JSON-RPC response object, got ${abbreviate(JSON.stringify(body) ?? String(body), 80)}`);
  }
  const response = body as Record<string, unknown>;
  if (!("result" in response) && !("error" in response)) throw new RpcError(method, `malformed response from ${displayUrl(url)}: neither "result" nor "error" in ${abbreviate(JSON.stringify(body), 80)}`);
  return response;
}

function resultOf(response: Record<string, unknown>, method: string): unknown {
  if (response.error !== undefined && response.error !== null) {
    const error = response.error as { code?: unknown; message?: unknown; data?: unknown };
    const code = typeof error.code === "number" ? error.code : undefined;
    throw new RpcError(method, describeError(error), { code, data: error.data });
  }
  return response.result;
}

function describeError(error: { code?: unknown; message?: unknown; data?: unknown }): string {
  if (typeof error !== "object" || error === null) return `JSON-RPC error ${abbreviate(JSON.stringify(error), 120)}`;
  const code = typeof error.code === "number" ? ` ${error.code}` : "";
  const message = typeof error.message === "string" ? error.message : JSON.stringify(error);
  const data = error.data === undefined || error.data === null ? "" : ` (data: ${abbreviate(typeof error.data === "string" ? error.data : JSON.stringify(error.data), 200)})`;
  return `JSON-RPC error${code}: ${message}${data}`;
}

/** The JSON-RPC error inside an HTTP error body, described, if there is one. */
function errorInBody(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { error?: unknown };
    if (typeof body === "object" && body !== null && typeof body.error === "object" && body.error !== null) return describeError(body.error as { code?: unknown; message?: unknown });
  } catch {
    // not JSON
  }
  return undefined;
}

/** The URL without credentials and without its path (API keys often live there). */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname.length > 1 || u.search ? "/…" : ""}`;
  } catch {
    return "the RPC URL";
  }
}

function abbreviate(s: string, max: number): string {
  return s.length > max ? s.slice(0, max - 3) + "..." : s;
}

/** A JSON-RPC hex quantity: 255 → "0xff". */
export function toQuantity(n: number | bigint): string {
  return "0x" + n.toString(16);
}
