// `pevm fetch` against a local JSON-RPC server that answers from a small synthetic chain written
// here by hand: the files it writes (pre-state with first-mention semantics, created contracts,
// accounts outside the trace, bytecodes keyed by keccak, merged ancestor hashes), batches and the
// fallback without them, and the errors (JSON-RPC error, unreachable node, malformed answers).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { parseBlockSpec } from "../../src/cli/fetch.js";
import { rpcBatch, rpcCall, resetBatchSupport } from "../../src/block/jsonRpc.js";
import { repoPath } from "../fixtures.js";

const CLI = repoPath("dist/src/cli/main.js");

// ---- the synthetic chain ----

const N = 300;
const TAG = "0x12c";
const PARENT = "0x12b";
const TIMESTAMP = 0x6650_0000n;
const addr = (b: string) => "0x" + b.repeat(40 / b.length);
const A = addr("a1"); // sender of tx 0
const B = addr("b2"); // sender of tx 1
const C = addr("c3"); // contract both transactions call
const D = addr("d4"); // contract created by tx 0, used by tx 1
const E = addr("e5"); // a fresh recipient: did not exist
const F = addr("f6"); // contract first used by tx 1 that existed before
const M = addr("11"); // coinbase
const U = addr("44"); // uncle miner
const W1 = addr("22"); // withdrawal recipient that exists
const W2 = addr("33"); // withdrawal recipient that does not
const BEACON = "0x000f3df6d732807ef1319fb7b8bb8522d0beac02";
const CODE_C = "0x60016000556001600155";
const CODE_D = "0x6000356000";
const CODE_F = "0x600160015500";
const CODE_BEACON = "0x3373fffffffffffffffffffffffffffffffffffffffe14604d57";
const HISTORY = "0x0000f90827f1c53a10cb7a02335b175320002935";
const WITHDRAWAL_REQUESTS = "0x00000961ef480eb55e80d19ad83579a64c007002";
const CONSOLIDATION_REQUESTS = "0x0000bbddc7ce488642fb579f8b00f3a590007251";
const CODE_HISTORY = "0x3373fffffffffffffffffffffffffffffffffffffffe1460";
const CODE_REQUESTS = "0x3373fffffffffffffffffffffffffffffffffffffffe1460cb";
const OLD_CODE = { ["0x" + "ab".repeat(32)]: "0xfe" };

const keccakHex = (hex: string) => "0x" + Buffer.from(keccak_256(Buffer.from(hex.slice(2), "hex"))).toString("hex");
const hashOf = (k: number) => "0x" + createHash("sha256").update(`block ${k}`).digest("hex");
const pad = (n: number | bigint) => "0x" + n.toString(16).padStart(64, "0");
const TX0 = hashOf(10_000);
const TX1 = hashOf(10_001);
const UNCLE = hashOf(20_000);
const BEACON_SLOT = TIMESTAMP % 8191n;

const BLOCK = {
  number: TAG,
  hash: hashOf(N),
  parentHash: hashOf(N - 1),
  miner: M.toUpperCase().replace("0X", "0x"), // written back as is, looked up lowercase
  timestamp: "0x" + TIMESTAMP.toString(16),
  gasUsed: "0xa410",
  parentBeaconBlockRoot: pad(0xbeac),
  transactions: [
    { hash: TX0, from: A, to: C, nonce: "0x7", input: "0x", value: "0x0" },
    { hash: TX1, from: B, to: C, nonce: "0x2", input: "0x", value: "0x0" },
  ],
  uncles: [UNCLE],
  withdrawals: [
    { index: "0x1", validatorIndex: "0x2", address: W1, amount: "0x10" },
    { index: "0x2", validatorIndex: "0x3", address: W2, amount: "0x20" },
  ],
};

const TRACE = [
  {
    txHash: TX0,
    result: {
      [A]: { balance: "0x0de0b6b3a7640000", nonce: 7 },
      [C]: { balance: "0x0", nonce: 1, code: CODE_C, storage: { [pad(1)]: pad(0x2a) } },
      [M]: { balance: "0x100" },
      [E]: { balance: "0x0" },
      // The beacon-roots system call ran before tx 0: the slot it wrote shows its new value.
      [BEACON]: { balance: "0x0", nonce: 1, code: CODE_BEACON, storage: { [pad(BEACON_SLOT)]: pad(TIMESTAMP) } },
    },
  },
  {
    txHash: TX1,
    result: {
      [B]: { balance: "0x500", nonce: 2 },
      [A]: { balance: "0x1", nonce: 8 },
      [C]: { balance: "0x0", nonce: 1, code: CODE_C, storage: { [pad(1)]: pad(0x99), [pad(2)]: pad(0) } },
      [D]: { balance: "0x0", nonce: 1, code: CODE_D, storage: { [pad(0)]: pad(5) } },
      [F]: { balance: "0x3", nonce: 1, code: CODE_F, storage: { [pad(1)]: pad(1) } },
      [M]: { balance: "0x200" },
    },
  },
];

/** The receipts as a node records them (eth_getBlockReceipts and eth_getTransactionReceipt). */
const RECEIPTS = [
  {
    blockHash: hashOf(N),
    blockNumber: TAG,
    contractAddress: null,
    cumulativeGasUsed: "0x5208",
    effectiveGasPrice: "0x3b9aca00",
    from: A,
    gasUsed: "0x5208",
    logs: [
      {
        address: C,
        topics: [pad(0xdead)],
        data: "0x" + "00".repeat(31) + "2a",
        blockNumber: TAG,
        transactionHash: TX0,
        transactionIndex: "0x0",
        blockHash: hashOf(N),
        logIndex: "0x0",
        removed: false,
      },
    ],
    logsBloom: "0x" + "00".repeat(256),
    status: "0x1",
    to: C,
    transactionHash: TX0,
    transactionIndex: "0x0",
    type: "0x2",
  },
  {
    blockHash: hashOf(N),
    blockNumber: TAG,
    contractAddress: null,
    cumulativeGasUsed: "0xa410",
    effectiveGasPrice: "0x3b9aca00",
    from: B,
    gasUsed: "0x5208",
    logs: [],
    logsBloom: "0x" + "00".repeat(256),
    status: "0x0",
    to: C,
    transactionHash: TX1,
    transactionIndex: "0x1",
    type: "0x0",
  },
];

/** State at the parent block, for eth_getBalance/TransactionCount/Code/StorageAt. */
const PARENT_STATE: Record<string, { balance?: bigint; nonce?: number; code?: string; storage?: Record<string, bigint> }> = {
  [A]: { balance: 0xde0b6b3a7640000n, nonce: 7 },
  [B]: { balance: 0x500n, nonce: 2 },
  [C]: { nonce: 1, code: CODE_C, storage: { "0x1": 0x2an } },
  [F]: { balance: 3n, nonce: 1, code: CODE_F, storage: { "0x1": 1n } },
  [M]: { balance: 0x100n },
  [U]: { balance: 0x77n },
  [W1]: { balance: 0x5n, nonce: 3 },
  [BEACON]: { nonce: 1, code: CODE_BEACON, storage: { ["0x" + BEACON_SLOT.toString(16)]: 0x1234n, ["0x" + (BEACON_SLOT + 8191n).toString(16)]: 0x5678n } },
  // Prague's system contracts (stand-in code): the withdrawal-request queue holds entries 1 and 2.
  [HISTORY]: { nonce: 1, code: CODE_HISTORY, storage: { ["0x" + ((N - 1) % 8191).toString(16)]: 0xabcn } },
  [WITHDRAWAL_REQUESTS]: { nonce: 1, code: CODE_REQUESTS, storage: { "0x1": 2n, "0x2": 1n, "0x3": 3n, "0x7": 0x71n, "0x8": 0x72n, "0x9": 0x73n, "0xa": 0x74n } },
  [CONSOLIDATION_REQUESTS]: { nonce: 1, code: CODE_REQUESTS, storage: {} },
};

const EXPECTED_PRE_STATE = {
  [A]: { balance: "0xde0b6b3a7640000", nonce: 7, storage: {} },
  [B]: { balance: "0x500", nonce: 2, storage: {} },
  [C]: { balance: "0x0", nonce: 1, code_hash: keccakHex(CODE_C), storage: { "0x1": "0x2a", "0x2": "0x0" } },
  [F]: { balance: "0x3", nonce: 1, code_hash: keccakHex(CODE_F), storage: { "0x1": "0x1" } },
  [M]: { balance: "0x100", nonce: 0, storage: {} },
  [U]: { balance: "0x77", nonce: 0, storage: {} },
  [W1]: { balance: "0x5", nonce: 3, storage: {} },
  [BEACON]: {
    balance: "0x0",
    nonce: 1,
    code_hash: keccakHex(CODE_BEACON),
    storage: { ["0x" + BEACON_SLOT.toString(16)]: "0x1234", ["0x" + (BEACON_SLOT + 8191n).toString(16)]: "0x5678" },
  },
};

// ---- the server ----

interface Call {
  method: string;
  params: unknown[];
}

interface Node {
  url: string;
  calls: Call[];
  /** Bodies that were batches (arrays). */
  batches: number;
  close(): Promise<void>;
}

interface NodeOptions {
  rejectBatches?: boolean;
  /** Answers a method with a JSON-RPC error instead. */
  errors?: Record<string, { code: number; message: string }>;
  /** Answers a method with this raw HTTP body (e.g. malformed JSON). */
  rawBody?: Record<string, string>;
  block?: unknown;
  trace?: unknown;
  /** eth_getBlockReceipts' answer (eth_getTransactionReceipt looks the hash up in it). */
  receipts?: unknown;
}

function answer(call: Call, options: NodeOptions): unknown {
  const p = call.params;
  const state = (a: unknown) => PARENT_STATE[String(a)] ?? {};
  const atParent = () => assert.equal(p[p.length - 1], PARENT, `${call.method} asked at ${String(p[p.length - 1])}`);
  switch (call.method) {
    case "eth_getBlockByNumber": {
      const k = Number(BigInt(p[0] as string));
      if (k === N && p[1] === true) return options.block ?? BLOCK;
      if (k < N && p[1] === false) return { number: "0x" + k.toString(16), hash: hashOf(k), parentHash: hashOf(k - 1), transactions: [] };
      return null;
    }
    case "debug_traceBlockByNumber":
      assert.deepEqual(p, [TAG, { tracer: "prestateTracer" }]);
      return options.trace ?? TRACE;
    case "eth_getBlockReceipts":
      assert.deepEqual(p, [TAG]);
      return "receipts" in options ? options.receipts : RECEIPTS;
    case "eth_getTransactionReceipt":
      assert.equal(p.length, 1);
      return (("receipts" in options ? options.receipts : RECEIPTS) as { transactionHash: string }[]).find((r) => r.transactionHash === p[0]) ?? null;
    case "eth_getUncleByBlockNumberAndIndex":
      assert.deepEqual(p, [TAG, "0x0"]);
      return { hash: UNCLE, number: PARENT, miner: U };
    case "eth_getBalance":
      atParent();
      return "0x" + (state(p[0]).balance ?? 0n).toString(16);
    case "eth_getTransactionCount":
      atParent();
      return "0x" + (state(p[0]).nonce ?? 0).toString(16);
    case "eth_getCode":
      atParent();
      return state(p[0]).code ?? "0x";
    case "eth_getStorageAt": {
      atParent();
      assert.match(String(p[1]), /^0x[0-9a-f]{64}$/);
      return pad(state(p[0]).storage?.["0x" + BigInt(p[1] as string).toString(16)] ?? 0n);
    }
    default:
      throw new Error(`unexpected method ${call.method}`);
  }
}

async function startNode(options: NodeOptions = {}): Promise<Node> {
  const calls: Call[] = [];
  let batches = 0;
  const respond = (req: { id: unknown; method: string; params: unknown[] }): unknown => {
    calls.push({ method: req.method, params: req.params });
    const error = options.errors?.[req.method];
    if (error) return { jsonrpc: "2.0", id: req.id, error };
    return { jsonrpc: "2.0", id: req.id, result: answer(req, options) };
  };
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      const parsed = JSON.parse(body);
      let out: unknown;
      if (Array.isArray(parsed)) {
        batches++;
        if (options.rejectBatches) {
          response.writeHead(400, { "content-type": "application/json" });
          response.end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32600, message: "batch requests are not supported" } }));
          return;
        }
        out = parsed.map(respond).reverse(); // answers in any order: matched by id
      } else {
        const raw = options.rawBody?.[parsed.method];
        if (raw !== undefined) {
          calls.push({ method: parsed.method, params: parsed.params });
          response.writeHead(200, { "content-type": "application/json" });
          response.end(raw);
          return;
        }
        out = respond(parsed);
      }
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(out));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    get batches() {
      return batches;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function pevm(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args]);
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => resolve({ code, out, err }));
  });
}

const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8"));

function outDir(): string {
  const dir = join(mkdtempSync(join(tmpdir(), "pevm-fetch-")), "blocks");
  mkdirSync(dir);
  writeFileSync(join(dir, "bytecodes.json"), JSON.stringify(OLD_CODE));
  writeFileSync(join(dir, "block_hashes.json"), JSON.stringify({ "101": hashOf(101), "7": hashOf(7) }));
  return dir;
}

function checkFiles(dir: string, receipts = true): void {
  assert.deepEqual(readJson(join(dir, String(N), "block.json")), BLOCK);
  if (receipts) assert.deepEqual(readJson(join(dir, String(N), "receipts.json")), RECEIPTS);
  assert.deepEqual(readdirSync(join(dir, String(N))).sort(), receipts ? ["block.json", "pre_state.json", "receipts.json"] : ["block.json", "pre_state.json"]);
  assert.deepEqual(readJson(join(dir, String(N), "pre_state.json")), EXPECTED_PRE_STATE);
  assert.deepEqual(readJson(join(dir, "bytecodes.json")), {
    ...OLD_CODE,
    [keccakHex(CODE_C)]: CODE_C,
    [keccakHex(CODE_F)]: CODE_F,
    [keccakHex(CODE_BEACON)]: CODE_BEACON,
  });
  const hashes: Record<string, string> = { "7": hashOf(7) };
  for (let k = N - 256; k <= N; k++) hashes[String(k)] = hashOf(k);
  assert.deepEqual(readJson(join(dir, "block_hashes.json")), hashes);
  assert.deepEqual(readdirSync(dir).sort(), ["300", "block_hashes.json", "bytecodes.json"]); // no temporary files left
}

// ---- tests ----

test("fetch writes the block, its pre-state, merged bytecodes and ancestor hashes", async () => {
  const node = await startNode();
  try {
    const dir = outDir();
    const r = await pevm("fetch", "--rpc", node.url, "--out", dir, "--json", String(N));
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(JSON.parse(r.out), { ok: true, blocks: [{ number: N, hash: hashOf(N), dir: join(dir, "300"), txs: 2, accounts: 8, bytecodes: 3, receipts: true }] });
    checkFiles(dir);
    // The receipts come in one eth_getBlockReceipts call, written exactly as the node sent them.
    assert.deepEqual(
      node.calls.filter((c) => c.method.includes("Receipt")),
      [{ method: "eth_getBlockReceipts", params: [TAG] }],
    );
    assert.match(r.err, /block 300: 2 txs, 8 accounts, 3 bytecodes \(3 new\)/);
    assert.match(r.err, /1 contract was created in the block/);
    // Ancestors: 257 hashes needed, 2 known, 2 from the block itself: about half as many headers.
    const headers = node.calls.filter((c) => c.method === "eth_getBlockByNumber" && c.params[1] === false).map((c) => Number(BigInt(c.params[0] as string)));
    assert.ok(headers.length <= 128, `${headers.length} headers fetched`);
    assert.ok(!headers.includes(101) && !headers.includes(N) && !headers.includes(N - 1));
    // Only the contracts whose nonce did not match were looked up in full.
    const codeLookups = node.calls.filter((c) => c.method === "eth_getCode").map((c) => c.params[0]);
    assert.deepEqual(codeLookups.sort(), [D, U, W1, W2].sort());
    assert.ok(node.batches > 0);

    // A second run is served from the files: no ancestor headers, no duplicate bytecodes.
    node.calls.length = 0;
    const again = await pevm("fetch", "--rpc", node.url, "--out", dir, TAG);
    assert.equal(again.code, 0, again.err);
    assert.equal(node.calls.filter((c) => c.method === "eth_getBlockByNumber" && c.params[1] === false).length, 0);
    checkFiles(dir);
  } finally {
    await node.close();
  }
});

test("a node that rejects batches gets the calls one by one, with the same result", async () => {
  const node = await startNode({ rejectBatches: true });
  try {
    const dir = outDir();
    const r = await pevm("fetch", "--rpc", node.url, "--out", dir, String(N));
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, "");
    checkFiles(dir);
    assert.equal(node.batches, 1); // rejected once, then remembered
  } finally {
    await node.close();
  }
});

test("a block without transactions is not traced; coinbase and withdrawals come from the parent", async () => {
  const block = { ...BLOCK, transactions: [], uncles: [], parentBeaconBlockRoot: undefined };
  const node = await startNode({ block });
  try {
    const dir = outDir();
    const r = await pevm("fetch", "--rpc", node.url, "--out", dir, "--json", String(N));
    assert.equal(r.code, 0, r.err);
    assert.ok(!node.calls.some((c) => c.method === "debug_traceBlockByNumber"));
    assert.deepEqual(readJson(join(dir, String(N), "pre_state.json")), { [M]: EXPECTED_PRE_STATE[M], [W1]: EXPECTED_PRE_STATE[W1] });
    assert.deepEqual(readJson(join(dir, "bytecodes.json")), OLD_CODE);
    assert.equal(JSON.parse(r.out).blocks[0].accounts, 2);
    assert.equal(JSON.parse(r.out).blocks[0].receipts, true);
    assert.deepEqual(readJson(join(dir, String(N), "receipts.json")), []);
    assert.ok(!node.calls.some((c) => c.method.includes("Receipt")));
  } finally {
    await node.close();
  }
});

test("a Prague block: the system contracts its calls run (EIP-2935, EIP-7002, EIP-7251) come from the parent, with the slots they read", async () => {
  const block = { ...BLOCK, transactions: [], uncles: [], parentBeaconBlockRoot: undefined, requestsHash: pad(0xe3b0) };
  const node = await startNode({ block });
  try {
    const dir = outDir();
    const r = await pevm("fetch", "--rpc", node.url, "--out", dir, "--json", String(N));
    assert.equal(r.code, 0, r.err);
    const pre = readJson(join(dir, String(N), "pre_state.json"));
    assert.equal(pre[HISTORY].code_hash, keccakHex(CODE_HISTORY));
    assert.deepEqual(pre[HISTORY].storage, { ["0x" + ((N - 1) % 8191).toString(16)]: "0xabc" });
    // The queue's counters (slots 0-3) and the 16 entries of 3 slots from its head (entry 1: slot 7 on).
    const withdrawals = pre[WITHDRAWAL_REQUESTS].storage as Record<string, string>;
    const slots = (from: number, count: number) => Array.from({ length: count }, (_, i) => "0x" + (from + i).toString(16));
    assert.deepEqual(Object.keys(withdrawals).sort(), [...slots(0, 4), ...slots(7, 48)].sort());
    assert.deepEqual([withdrawals["0x2"], withdrawals["0x3"], withdrawals["0x7"], withdrawals["0xa"], withdrawals["0xb"]], ["0x1", "0x3", "0x71", "0x74", "0x0"]);
    // An empty queue: its counters and 2 entries of 4 slots from head 0.
    assert.deepEqual(Object.keys(pre[CONSOLIDATION_REQUESTS].storage).sort(), [...slots(0, 4), ...slots(4, 8)].sort());
    assert.deepEqual(readJson(join(dir, "bytecodes.json"))[keccakHex(CODE_REQUESTS)], CODE_REQUESTS);
  } finally {
    await node.close();
  }
});

test("a node without eth_getBlockReceipts: a batch of eth_getTransactionReceipt in block order", async () => {
  const unsupported = [
    { code: -32601, message: "the method eth_getBlockReceipts does not exist/is not available" },
    { code: -32000, message: "Method not found" },
  ];
  for (const error of unsupported) {
    const node = await startNode({ errors: { eth_getBlockReceipts: error } });
    try {
      const dir = outDir();
      const r = await pevm("fetch", "--rpc", node.url, "--out", dir, "--json", String(N));
      assert.equal(r.code, 0, r.err);
      assert.equal(JSON.parse(r.out).blocks[0].receipts, true);
      checkFiles(dir);
      assert.deepEqual(
        node.calls.filter((c) => c.method.includes("Receipt")),
        [
          { method: "eth_getBlockReceipts", params: [TAG] },
          { method: "eth_getTransactionReceipt", params: [TX0] },
          { method: "eth_getTransactionReceipt", params: [TX1] },
        ],
      );
      assert.match(r.err, /block 300: the node does not serve eth_getBlockReceipts .*; using eth_getTransactionReceipt/);
    } finally {
      await node.close();
    }
  }
});

test("--no-receipts writes no receipts.json and asks for none", async () => {
  const node = await startNode();
  try {
    const dir = outDir();
    const r = await pevm("fetch", "--rpc", node.url, "--out", dir, "--no-receipts", "--json", String(N));
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(r.out).blocks[0].receipts, false);
    checkFiles(dir, false);
    assert.ok(!node.calls.some((c) => c.method.includes("Receipt")));
  } finally {
    await node.close();
  }
});

test("receipts that do not match the block's transactions are clear errors; nothing is written", async () => {
  const cases: [NodeOptions, RegExp][] = [
    [{ receipts: [RECEIPTS[0]] }, /pevm fetch: eth_getBlockReceipts\(300\): 1 receipts for 2 transactions/],
    [{ receipts: [RECEIPTS[1], RECEIPTS[0]] }, /eth_getBlockReceipts\(300\)\[0\]: the receipt is for transaction 0x[0-9a-f]{64}, but transaction 0 is 0x/],
    [{ receipts: [RECEIPTS[0], { ...RECEIPTS[1], blockHash: hashOf(999) }] }, /eth_getBlockReceipts\(300\)\[1\]: the receipt is from block 0x[0-9a-f]{64}, not /],
    [{ receipts: [RECEIPTS[0], { ...RECEIPTS[1], cumulativeGasUsed: undefined }] }, /eth_getBlockReceipts\(300\)\[1\]\.cumulativeGasUsed: expected a hex quantity/],
    [{ receipts: null }, /eth_getBlockReceipts\(300\): the node has no receipts for the block/],
    [{ errors: { eth_getBlockReceipts: { code: -32000, message: "receipts pruned" } } }, /pevm fetch: eth_getBlockReceipts: JSON-RPC error -32000: receipts pruned/],
    [
      { errors: { eth_getBlockReceipts: { code: -32601, message: "method not found" } }, receipts: [RECEIPTS[0]] },
      /eth_getTransactionReceipt\(0x[0-9a-f]{64}\): expected the receipt of transaction 1, got null/,
    ],
  ];
  for (const [options, message] of cases) {
    const node = await startNode(options);
    try {
      const dir = outDir();
      const r = await pevm("fetch", "--rpc", node.url, "--out", dir, String(N));
      assert.equal(r.code, 1, r.err);
      assert.match(r.err, message);
      assert.ok(!existsSync(join(dir, String(N))));
    } finally {
      await node.close();
    }
  }
});

test("--embed-uncles writes the uncles' numbers and miners into block.json", async () => {
  const node = await startNode();
  try {
    const dir = outDir();
    const r = await pevm("fetch", "--rpc", node.url, "--out", dir, "--embed-uncles", String(N));
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(readJson(join(dir, String(N), "block.json")).uncles, [{ hash: UNCLE, number: PARENT, miner: U }]);
  } finally {
    await node.close();
  }
});

test("a JSON-RPC error (no debug API) is reported with the method and a hint; nothing is written", async () => {
  const node = await startNode({ errors: { debug_traceBlockByNumber: { code: -32601, message: "the method debug_traceBlockByNumber does not exist/is not available" } } });
  try {
    const dir = outDir();
    const r = await pevm("fetch", "--rpc", node.url, "--out", dir, "--json", String(N));
    assert.equal(r.code, 1);
    assert.match(r.err, /pevm fetch: debug_traceBlockByNumber: JSON-RPC error -32601: the method debug_traceBlockByNumber does not exist\/is not available \(the node does not serve debug_traceBlockByNumber/);
    const summary = JSON.parse(r.out);
    assert.equal(summary.ok, false);
    assert.match(summary.error, /-32601/);
    assert.ok(!existsSync(join(dir, String(N))));
  } finally {
    await node.close();
  }
});

test("missing state for an old block gets the archive-node hint", async () => {
  const node = await startNode({ errors: { debug_traceBlockByNumber: { code: -32000, message: "required historical state unavailable (reexec=128)" } } });
  try {
    const r = await pevm("fetch", "--rpc", node.url, "--out", outDir(), String(N));
    assert.equal(r.code, 1);
    assert.match(r.err, /required historical state unavailable .*needs an archive node/);
  } finally {
    await node.close();
  }
});

test("an unreachable node, an unknown block and malformed answers are clear errors", async () => {
  const closed = await startNode();
  await closed.close();
  const unreachable = await pevm("fetch", "--rpc", closed.url, "--out", outDir(), String(N));
  assert.equal(unreachable.code, 1);
  assert.match(unreachable.err, /pevm fetch: eth_getBlockByNumber: cannot reach http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);

  const node = await startNode({ rawBody: { debug_traceBlockByNumber: "{ this is not json" } });
  try {
    const missing = await pevm("fetch", "--rpc", node.url, "--out", outDir(), String(N + 1));
    assert.equal(missing.code, 1);
    assert.match(missing.err, /block 301 not found on the node/);
    const malformed = await pevm("fetch", "--rpc", node.url, "--out", outDir(), String(N));
    assert.equal(malformed.code, 1);
    assert.match(malformed.err, /debug_traceBlockByNumber: malformed response from http:\/\/127\.0\.0\.1:\d+: not JSON: "\{ this is not json"/);
  } finally {
    await node.close();
  }

  const badTrace = await startNode({ trace: [{ txHash: TX0, result: { [A]: { balance: "lots" } } }, { txHash: TX1, result: {} }] });
  try {
    const r = await pevm("fetch", "--rpc", badTrace.url, "--out", outDir(), String(N));
    assert.equal(r.code, 1);
    assert.match(r.err, /debug_traceBlockByNumber\(300\): \[0\]\.result\["0xa1a1.*"\]\.balance: not a hex quantity: "lots"/);
  } finally {
    await badTrace.close();
  }
});

test("usage: --rpc and a block are required, numbers are decimal, hex or ranges, --help explains", async () => {
  const noRpc = await pevm("fetch", "300");
  assert.equal(noRpc.code, 2);
  assert.match(noRpc.err, /fetch needs --rpc <url>/);
  const noBlock = await pevm("fetch", "--rpc", "http://127.0.0.1:1");
  assert.equal(noBlock.code, 2);
  assert.match((await pevm("fetch", "--rpc", "http://127.0.0.1:1", "latest")).err, /not a block number: latest/);
  const help = await pevm("fetch", "--help");
  assert.equal(help.code, 0);
  assert.match(help.out, /usage: pevm fetch --rpc <url>/);
  assert.match(help.out, /--out <value>/);
  assert.match(help.out, /--no-receipts/);
  assert.match(help.out, /receipts\.json .*eth_getBlockReceipts/);
  assert.match(help.out, /pevm run reads it to name the first transaction/);
  assert.match((await pevm("--help")).out, /fetch/);
  assert.deepEqual(parseBlockSpec("19000000"), [19000000]);
  assert.deepEqual(parseBlockSpec("0x12c"), [300]);
  assert.deepEqual(parseBlockSpec("5-7"), [5, 6, 7]);
  assert.deepEqual(parseBlockSpec("0x5-0x7"), [5, 6, 7]);
  assert.throws(() => parseBlockSpec("7-5"), /the end is before the start/);
  assert.throws(() => parseBlockSpec("0"), /genesis/);
});

test("rpcCall/rpcBatch: HTTP errors, JSON-RPC errors in a batch, timeouts", async () => {
  resetBatchSupport();
  const sizes: number[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (c) => (body += c));
    request.on("end", () => {
      const parsed = JSON.parse(body);
      if (request.url === "/down") {
        response.writeHead(503, "Service Unavailable");
        response.end("try later");
      } else if (request.url === "/limit3" && Array.isArray(parsed) && parsed.length > 3) {
        sizes.push(parsed.length);
        response.end(JSON.stringify([{ jsonrpc: "2.0", id: null, error: { code: -32600, message: "batch too large" } }]));
      } else if (request.url === "/slow") {
        setTimeout(() => response.end("{}"), 2000);
      } else {
        const reply = (r: { id: number; method: string }) =>
          r.method === "bad" ? { jsonrpc: "2.0", id: r.id, error: { code: -32000, message: "boom", data: "0x01" } } : { jsonrpc: "2.0", id: r.id, result: r.method };
        if (Array.isArray(parsed)) sizes.push(parsed.length);
        response.end(JSON.stringify(Array.isArray(parsed) ? parsed.map(reply) : reply(parsed)));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    assert.equal(await rpcCall(base, "eth_chainId"), "eth_chainId");
    assert.deepEqual(await rpcBatch(base, [{ method: "a" }, { method: "b" }, { method: "c" }], { maxBatch: 2 }), ["a", "b", "c"]);
    // A server with a batch limit: "batch too large" halves the batches until they pass.
    sizes.length = 0;
    const ten = Array.from({ length: 10 }, (_, i) => ({ method: `m${i}` }));
    assert.deepEqual(await rpcBatch(`${base}/limit3`, ten, { maxBatch: 8 }), ten.map((c) => c.method));
    assert.deepEqual(sizes, [8, 4, 2, 2, 2, 2, 2]);
    await assert.rejects(rpcBatch(base, [{ method: "a" }, { method: "bad" }]), /^RpcError: bad: JSON-RPC error -32000: boom \(data: 0x01\)$/);
    await assert.rejects(rpcCall(`${base}/down`, "eth_blockNumber", [], { retries: 0 }), /eth_blockNumber: HTTP 503 Service Unavailable from http:\/\/127\.0\.0\.1:\d+\/…: try later/);
    await assert.rejects(rpcCall(`${base}/slow`, "eth_blockNumber", [], { timeoutMs: 200 }), /eth_blockNumber: no answer from http:\/\/127\.0\.0\.1:\d+\/… within 0\.2 s/);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
