// The bad-input catalogue of the pevm command line (issue #21): each case writes a malformed input
// into a fresh temporary directory, runs the real CLI on it, and expects
//   - the exit status: 1 for bad data (a file, a field, a path that names nothing usable), 2 for a
//     malformed command line (unknown option, missing or malformed option value);
//   - exactly one line on stderr, "pevm <command>: ...", naming the file, the field or transaction
//     index and the reason (every string and pattern the case lists must be in that line);
//   - no output file left behind: the --record, --bal, -o files a case names do not exist
//     afterwards, nor any temporary file beside them.
// Cases already covered elsewhere are not repeated here: malformed block.json, a later fork's
// header, a code hash missing from bytecodes.json, an invalid nonce and a wrong "from"
// (test/cli/run.test.ts); hints files truncated, binary, empty, of another block, out of order
// (test/cli/records.test.ts, with the mainnet fixtures); store files that are not databases,
// newer stores, usage errors of `pevm records` (test/cli/recordsCommand.test.ts); the HTTP
// service's bad requests (test/serve/server.test.ts, and test/serve/badInput.test.ts).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import Database from "better-sqlite3";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { writeRecordFile } from "../../src/records/json.js";
import { RecordStore } from "../../src/store/store.js";
import { repoPath } from "../fixtures.js";
import { hex, RECIPIENT, senderAddress, writeSyntheticBlock } from "../helpers/syntheticBlock.js";
import { syntheticRecord } from "../store/syntheticRecord.js";

const CLI = repoPath("dist/src/cli/main.js");
const ROOT = mkdtempSync(join(tmpdir(), "pevm-bad-input-"));
after(() => rmSync(ROOT, { recursive: true, force: true }));

const GIB = 1024 * 1024 * 1024;
const NUMBER = 17_100_000; // the synthetic block's number (Shanghai)

/** One case's temporary directory, its synthetic block, and the outputs that must not exist afterwards. */
class Ctx {
  readonly dir: string;
  readonly outputs: string[] = [];
  private blockDir: string | undefined;
  constructor(index: number) {
    this.dir = join(ROOT, String(index));
    mkdirSync(join(this.dir, "out"), { recursive: true });
  }
  /** A fresh synthetic block directory (blocks/17100000, with bytecodes.json and block_hashes.json two levels up). */
  async block(): Promise<string> {
    this.blockDir ??= await writeSyntheticBlock({}, this.dir);
    return this.blockDir;
  }
  get blockJson(): string {
    return join(this.blockDir!, "block.json");
  }
  get preState(): string {
    return join(this.blockDir!, "pre_state.json");
  }
  get bytecodes(): string {
    return join(this.dir, "bytecodes.json");
  }
  get blockHashes(): string {
    return join(this.dir, "block_hashes.json");
  }
  /** A path in out/ that must not exist once the command has failed. */
  output(name: string): string {
    const path = join(this.dir, "out", name);
    this.outputs.push(path);
    return path;
  }
  /** `pevm run <block>` writing a record and an access list, which a failed run must leave unwritten. */
  run(...extra: string[]): string[] {
    return ["run", this.blockDir!, "--record", this.output("record.json"), "--bal", this.output("bal.json"), ...extra];
  }
  file(name: string, content: string | Uint8Array): string {
    const path = join(this.dir, name);
    writeFileSync(path, content);
    return path;
  }
}

function readJson(path: string): any {
  return JSON.parse(readFileSync(path, "utf8"));
}

function editJson(path: string, edit: (json: any) => unknown): void {
  const json = readJson(path);
  const replaced = edit(json);
  writeFileSync(path, JSON.stringify(replaced === undefined ? json : replaced));
}

/** A file of `bytes` zeros that takes no disk space. */
function sparseFile(path: string, bytes: number): string {
  writeFileSync(path, "");
  truncateSync(path, bytes);
  return path;
}

/** The synthetic block's one transaction replaced: unsigned (sender in "from"), with these fields. */
function replaceTransaction(c: Ctx, fields: Record<string, unknown>): void {
  editJson(c.blockJson, (b) => {
    b.transactions = [{ type: "0x0", from: senderAddress(), to: RECIPIENT, nonce: "0x0", gas: hex(100_000n), gasPrice: "0xa", value: "0x0", input: "0x", ...fields }];
  });
}

/** A store whose schema_version says a later pevm wrote it. */
function newerStore(path: string): string {
  RecordStore.open(path).close();
  const raw = new Database(path);
  raw.prepare("UPDATE schema_version SET version = version + 1").run();
  raw.close();
  return path;
}

interface Case {
  name: string;
  /** Writes the inputs; returns the command line. */
  setup: (c: Ctx) => Promise<string[]> | string[];
  status: 1 | 2;
  /** What the one line on stderr must contain: strings verbatim (paths), patterns matched. */
  expect: (c: Ctx) => (string | RegExp)[];
}

const CASES: Case[] = [
  // ---- block.json: quantities and data --------------------------------------------------------
  {
    name: "gas as a decimal string (the format writes quantities in hex)",
    setup: async (c) => (await c.block(), editJson(c.blockJson, (b) => void (b.transactions[0].gas = "21000")), c.run()),
    status: 1,
    expect: (c) => [`${c.blockJson}.transactions[0].gas: expected a 0x-hex quantity, got the decimal string "21000"`, /e\.g\. "0x5208"/],
  },
  {
    name: "a header quantity as a decimal string",
    setup: async (c) => (await c.block(), editJson(c.blockJson, (b) => void (b.gasUsed = "21000")), c.run()),
    status: 1,
    expect: (c) => [`${c.blockJson}.gasUsed: expected a 0x-hex quantity, got the decimal string "21000"`],
  },
  {
    name: "a negative value (a JSON number)",
    setup: async (c) => (await c.block(), editJson(c.blockJson, (b) => void (b.transactions[0].value = -1)), c.run()),
    status: 1,
    expect: (c) => [`${c.blockJson}.transactions[0].value: negative value -1`],
  },
  {
    name: "a negative value (a hex string)",
    setup: async (c) => (await c.block(), editJson(c.blockJson, (b) => void (b.transactions[0].gasPrice = "-0xa")), c.run()),
    status: 1,
    expect: (c) => [`${c.blockJson}.transactions[0].gasPrice: negative value "-0xa"`],
  },
  {
    name: "a value above 2^256",
    setup: async (c) => (await c.block(), editJson(c.blockJson, (b) => void (b.transactions[0].value = "0x1" + "0".repeat(64))), c.run()),
    status: 1,
    expect: (c) => [`${c.blockJson}.transactions[0].value: `, /exceeds 256 bits$/],
  },
  {
    name: "a gas limit above 2^64",
    setup: async (c) => (await c.block(), editJson(c.blockJson, (b) => void (b.transactions[0].gas = "0x1" + "0".repeat(16))), c.run()),
    status: 1,
    expect: (c) => [`${c.blockJson}.transactions[0].gas: "0x10000000000000000" exceeds 64 bits`],
  },
  {
    name: "a JSON number above 2^53 (its precision already lost)",
    setup: async (c) => (await c.block(), editJson(c.blockJson, (b) => void (b.transactions[0].nonce = 1e20)), c.run()),
    status: 1,
    expect: (c) => [`${c.blockJson}.transactions[0].nonce: the JSON number 100000000000000000000 is above 2^53 and has lost precision`],
  },
  {
    name: "a fractional number",
    setup: async (c) => (await c.block(), editJson(c.blockJson, (b) => void (b.transactions[0].gasPrice = 1.5)), c.run()),
    status: 1,
    expect: (c) => [`${c.blockJson}.transactions[0].gasPrice: expected a hex quantity, got 1.5 (not a whole number)`],
  },
  {
    name: "odd-length hex data",
    setup: async (c) => (await c.block(), editJson(c.blockJson, (b) => void (b.transactions[0].input = "0x123")), c.run()),
    status: 1,
    expect: (c) => [`${c.blockJson}.transactions[0].input: odd number of hex digits (3) in "0x123"`],
  },
  {
    name: "an address one byte short",
    setup: async (c) => (await c.block(), editJson(c.blockJson, (b) => void (b.transactions[0].to = "0x" + "22".repeat(19))), c.run()),
    status: 1,
    expect: (c) => [`${c.blockJson}.transactions[0].to: expected 20 bytes, got 19`],
  },
  {
    name: "a signature value that is not hex",
    setup: async (c) => (await c.block(), editJson(c.blockJson, (b) => void (b.transactions[0].r = "0xzz")), c.run()),
    status: 1,
    expect: (c) => [`${c.blockJson}.transactions[0].r: expected a hex quantity, got "0xzz"`],
  },
  {
    name: "transactions given as hashes only",
    setup: async (c) => (await c.block(), editJson(c.blockJson, (b) => void (b.transactions = ["0x" + "aa".repeat(32)])), c.run()),
    status: 1,
    expect: (c) => [`${c.blockJson}.transactions[0]: a hash only`],
  },
  // ---- block.json: transactions the block's fork or chain does not allow ----------------------
  {
    name: "an access-list transaction in an Istanbul block",
    setup: async (c) => {
      await c.block();
      editJson(c.blockJson, (b) => Object.assign(b, { number: hex(9_100_000n), timestamp: hex(1_577_000_000n) }));
      replaceTransaction(c, { type: "0x1", chainId: "0x1", accessList: [] });
      return c.run();
    },
    status: 1,
    expect: (c) => [`${c.blockJson}.transactions[0].type: 0x1, an access-list (EIP-2930) transaction, is not allowed in Istanbul (block 9100000)`],
  },
  {
    name: "a blob transaction in a Shanghai block (worker threads starting: still exits at once)",
    setup: async (c) => {
      await c.block();
      replaceTransaction(c, { type: "0x3", chainId: "0x1", maxFeePerGas: "0xa", maxPriorityFeePerGas: "0x1", maxFeePerBlobGas: "0x1", blobVersionedHashes: ["0x01" + "00".repeat(31)] });
      return c.run("--workers", "2");
    },
    status: 1,
    expect: (c) => [`${c.blockJson}.transactions[0].type: 0x3, a blob (EIP-4844) transaction, is not allowed in Shanghai (block ${NUMBER})`],
  },
  {
    name: "a transaction type no fork has",
    setup: async (c) => (await c.block(), replaceTransaction(c, { type: "0x7e" }), c.run()),
    status: 1,
    expect: (c) => [`${c.blockJson}.transactions[0].type: unsupported transaction type 126`],
  },
  {
    name: "a typed transaction for another chain",
    setup: async (c) => {
      await c.block();
      replaceTransaction(c, { type: "0x2", chainId: "0x5", maxFeePerGas: "0xa", maxPriorityFeePerGas: "0x1", v: "0x0", r: "0x1", s: "0x1" });
      return c.run();
    },
    status: 1,
    expect: (c) => [`${c.blockJson}.transactions[0].chainId: 5, but the block is mainnet's (chain id 1)`],
  },
  {
    name: "a legacy transaction whose v encodes another chain (EIP-155)",
    setup: async (c) => (await c.block(), editJson(c.blockJson, (b) => void (b.transactions[0].v = hex(5n * 2n + 35n))), c.run()),
    status: 1,
    expect: (c) => [`${c.blockJson}.transactions[0].v: 0x2d encodes chain id 5 (EIP-155), but the block is mainnet's (chain id 1)`],
  },
  // ---- block.json: the file itself ----------------------------------------------------------
  {
    name: "block.json cut off in the middle",
    setup: async (c) => {
      await c.block();
      const text = readFileSync(c.blockJson, "utf8");
      writeFileSync(c.blockJson, text.slice(0, text.indexOf('"receiptsRoot"') + 20));
      return c.run();
    },
    status: 1,
    expect: (c) => [`${c.blockJson}: malformed JSON: Unterminated string at line 1, column`],
  },
  {
    name: "block.json is binary (not UTF-8)",
    setup: async (c) => (await c.block(), writeFileSync(c.blockJson, Uint8Array.of(0x7b, 0xff, 0xfe, 0x0a, 0x22, 0x80)), c.run()),
    status: 1,
    expect: (c) => [`${c.blockJson}: not a UTF-8 text file, so not JSON`],
  },
  {
    name: "block.json is empty",
    setup: async (c) => (await c.block(), writeFileSync(c.blockJson, ""), c.run()),
    status: 1,
    expect: (c) => [`${c.blockJson}: empty file`],
  },
  {
    name: "block.json is a directory",
    setup: async (c) => (await c.block(), rmSync(c.blockJson), mkdirSync(c.blockJson), c.run()),
    status: 1,
    expect: (c) => [`${c.blockJson}: a directory, not a JSON file`],
  },
  // ---- pre_state.json -----------------------------------------------------------------------
  {
    name: "pre_state.json is [] (once taken for an empty tracer output: a misleading balance error)",
    setup: async (c) => (await c.block(), writeFileSync(c.preState, "[]"), c.run()),
    status: 1,
    expect: (c) => [`${c.preState}: an empty array ([]), so no accounts at all, but block ${NUMBER} has 1 transaction`],
  },
  {
    name: "a prestateTracer trace of two transactions for a block of one",
    setup: async (c) => {
      await c.block();
      const account = { [senderAddress()]: { balance: "0xde0b6b3a7640000", nonce: 0 } };
      writeFileSync(c.preState, JSON.stringify([{ result: account }, { result: account }]));
      return c.run();
    },
    status: 1,
    expect: (c) => [`${c.preState}: a prestateTracer trace of 2 transactions, but block ${NUMBER} has 1 transaction`],
  },
  {
    name: "one stray \"code\" key in a fixture with code_hash accounts (once switched the loader to the tracer format)",
    setup: async (c) => {
      await c.block();
      const code = "0x00";
      const codeHash = "0x" + Buffer.from(keccak_256(Uint8Array.of(0))).toString("hex");
      writeFileSync(c.bytecodes, JSON.stringify({ [codeHash]: code }));
      editJson(c.preState, (p) => {
        p[RECIPIENT] = { balance: "0x0", nonce: 1, code_hash: codeHash, storage: {} };
        p[senderAddress()].code = "0x";
      });
      return c.run();
    },
    status: 1,
    expect: (c) => [`${c.preState}: mixes two formats: ["${RECIPIENT}"] has code_hash (fixture pre_state.json), ["${senderAddress()}"] has code (prestateTracer output)`],
  },
  {
    name: "an account field neither format has",
    setup: async (c) => (await c.block(), editJson(c.preState, (p) => void (p[senderAddress()].balanse = "0x1")), c.run()),
    status: 1,
    expect: (c) => [`${c.preState}["${senderAddress()}"]: unknown field "balanse"`],
  },
  {
    name: "the same address twice in different letter case (once kept the later silently)",
    setup: async (c) => {
      await c.block();
      editJson(c.preState, (p) => void (p["0x" + senderAddress().slice(2).toUpperCase()] = { balance: "0x0", nonce: 0, storage: {} }));
      return c.run();
    },
    status: 1,
    expect: (c) => [`${c.preState}: account ${senderAddress()} is listed twice, as "${senderAddress()}" and "0x${senderAddress().slice(2).toUpperCase()}"`],
  },
  {
    name: "the same storage slot twice (0x1 and 0x01)",
    setup: async (c) => (await c.block(), editJson(c.preState, (p) => void (p[senderAddress()].storage = { "0x1": "0x5", "0x01": "0x6" })), c.run()),
    status: 1,
    expect: (c) => [`${c.preState}["${senderAddress()}"].storage: slot 0x1 is listed twice, as "0x1" and "0x01"`],
  },
  {
    name: "a balance above 2^256",
    setup: async (c) => (await c.block(), editJson(c.preState, (p) => void (p[senderAddress()].balance = "0x1" + "0".repeat(64))), c.run()),
    status: 1,
    expect: (c) => [`${c.preState}["${senderAddress()}"].balance: `, /exceeds 256 bits$/],
  },
  {
    name: "a nonce as a decimal string",
    setup: async (c) => (await c.block(), editJson(c.preState, (p) => void (p[senderAddress()].nonce = "5")), c.run()),
    status: 1,
    expect: (c) => [`${c.preState}["${senderAddress()}"].nonce: expected a 0x-hex quantity, got the decimal string "5"`],
  },
  {
    name: "pre_state.json is binary (a zero byte)",
    setup: async (c) => (await c.block(), writeFileSync(c.preState, Uint8Array.of(0x7b, 0x0a, 0x00, 0x01, 0x0a, 0x7d)), c.run()),
    status: 1,
    expect: (c) => [`${c.preState}: a binary file, not JSON (a zero byte at offset 2)`],
  },
  {
    name: "a 1 GB pre_state.json (refused by its size, never read)",
    setup: async (c) => (await c.block(), sparseFile(c.preState, GIB), c.run()),
    status: 1,
    expect: (c) => [`${c.preState}: 1073741824 bytes, more than the 268435456 (256 MiB) a JSON input may have`],
  },
  {
    name: "pre_state.json is a directory",
    setup: async (c) => (await c.block(), rmSync(c.preState), mkdirSync(c.preState), c.run()),
    status: 1,
    expect: (c) => [`${c.preState}: a directory, not a JSON file`],
  },
  {
    name: "pre_state.json is a number",
    setup: async (c) => (await c.block(), writeFileSync(c.preState, "42"), c.run()),
    status: 1,
    expect: (c) => [`${c.preState}: expected an object of accounts (fixture pre_state.json) or a prestateTracer trace (an array), got 42`],
  },
  // ---- bytecodes.json, block_hashes.json, receipts.json -------------------------------------
  {
    name: "a code hash without bytecode, and no bytecodes.json at all",
    setup: async (c) => {
      await c.block();
      rmSync(c.bytecodes);
      editJson(c.preState, (p) => void (p[RECIPIENT] = { balance: "0x0", nonce: 1, code_hash: "0x" + "ee".repeat(32), storage: {} }));
      return c.run();
    },
    status: 1,
    expect: (c) => [`${c.preState}["${RECIPIENT}"]: code hash 0x${"ee".repeat(32)} has no bytecode in bytecodes.json (not found beside the block)`],
  },
  {
    name: "a bytecode that does not hash to its key",
    setup: async (c) => {
      await c.block();
      const key = "0x" + "ee".repeat(32);
      writeFileSync(c.bytecodes, JSON.stringify({ [key]: "0x6000" }));
      editJson(c.preState, (p) => void (p[RECIPIENT] = { balance: "0x0", nonce: 1, code_hash: key, storage: {} }));
      return c.run();
    },
    status: 1,
    expect: (c) => [`${c.bytecodes}["0x${"ee".repeat(32)}"]: the bytecode does not hash to its key`],
  },
  {
    name: "bytecodes.json is an array",
    setup: async (c) => (await c.block(), writeFileSync(c.bytecodes, "[]"), c.run()),
    status: 1,
    expect: (c) => [`${c.bytecodes}: expected a JSON object`],
  },
  {
    name: "a missing ancestor hash that BLOCKHASH needs",
    setup: async (c) => {
      await c.block();
      // PUSH1 1, NUMBER, SUB, BLOCKHASH, POP, STOP: reads the parent's hash, which block_hashes.json lacks.
      const code = Uint8Array.of(0x60, 0x01, 0x43, 0x03, 0x40, 0x50, 0x00);
      const codeHash = "0x" + Buffer.from(keccak_256(code)).toString("hex");
      writeFileSync(c.bytecodes, JSON.stringify({ [codeHash]: "0x" + Buffer.from(code).toString("hex") }));
      editJson(c.preState, (p) => void (p[RECIPIENT] = { balance: "0x0", nonce: 1, code_hash: codeHash, storage: {} }));
      replaceTransaction(c, {});
      return c.run();
    },
    status: 1,
    expect: () => [`transaction 0: BLOCKHASH(${NUMBER - 1}) is needed but no hash was given for block ${NUMBER - 1} (block_hashes.json)`],
  },
  {
    name: "a block_hashes.json key that is not a block number",
    setup: async (c) => (await c.block(), writeFileSync(c.blockHashes, JSON.stringify({ latest: "0x" + "11".repeat(32) })), c.run()),
    status: 1,
    expect: (c) => [`${c.blockHashes} key "latest": expected a hex quantity, got "latest"`],
  },
  {
    name: "the same ancestor twice in block_hashes.json (decimal and hex)",
    setup: async (c) => {
      await c.block();
      writeFileSync(c.blockHashes, JSON.stringify({ [String(NUMBER - 1)]: "0x" + "11".repeat(32), [hex(BigInt(NUMBER - 1))]: "0x" + "22".repeat(32) }));
      return c.run();
    },
    status: 1,
    expect: (c) => [`${c.blockHashes}: block ${NUMBER - 1} is listed twice, as "${NUMBER - 1}" and "${hex(BigInt(NUMBER - 1))}"`],
  },
  {
    name: "receipts.json of another block (two receipts for one transaction)",
    setup: async (c) => {
      const dir = await c.block();
      const receipt = { status: "0x1", cumulativeGasUsed: "0x5208", gasUsed: "0x5208", logs: [] };
      writeFileSync(join(dir, "receipts.json"), JSON.stringify([receipt, receipt]));
      return c.run();
    },
    status: 1,
    expect: (c) => [`${join(dirname(c.blockJson), "receipts.json")}: 2 receipts, but block ${NUMBER} has 1 transaction`],
  },
  {
    name: "a receipt whose transactionHash is not the block's transaction",
    setup: async (c) => {
      const dir = await c.block();
      writeFileSync(join(dir, "receipts.json"), JSON.stringify([{ transactionHash: "0x" + "99".repeat(32), status: "0x1", cumulativeGasUsed: "0x5208", gasUsed: "0x5208", logs: [] }]));
      return c.run();
    },
    status: 1,
    expect: (c) => [`${join(dirname(c.blockJson), "receipts.json")}[0].transactionHash: "0x9999`, `is not the hash of block ${NUMBER}'s transaction 0`],
  },
  // ---- paths: missing, empty, of the wrong kind ---------------------------------------------
  {
    name: "--prestate names a file that does not exist (once: \"no pre-state; give --prestate\")",
    setup: async (c) => (await c.block(), ["run", c.blockJson, "--prestate", join(c.dir, "nope.json"), "--record", c.output("record.json")]),
    status: 1,
    expect: (c) => [`--prestate ${join(c.dir, "nope.json")}: no such file`],
  },
  {
    name: "--prestate names a directory",
    setup: async (c) => (await c.block(), ["run", c.blockJson, "--prestate", c.dir, "--record", c.output("record.json")]),
    status: 1,
    expect: (c) => [`${c.dir}: a directory, not a JSON file`],
  },
  {
    name: "run on an empty directory",
    setup: (c) => ["run", join(c.dir, "out"), "--record", c.output("record.json")],
    status: 1,
    expect: (c) => [`${join(c.dir, "out")}: not a block directory (no block.json)`],
  },
  {
    name: "replay on an empty directory",
    setup: (c) => ["replay", join(c.dir, "out"), "--records", join(c.dir, "out", "records")],
    status: 1,
    expect: (c) => [`${join(c.dir, "out")}: no block directories in it`],
  },
  {
    name: "replay on a file (a directory of blocks expected)",
    setup: async (c) => (await c.block(), ["replay", c.blockJson]),
    status: 1,
    expect: (c) => [`${c.blockJson}: a file, not a directory of blocks`],
  },
  {
    name: "replay --records names a file (a directory expected): refused before any block runs",
    setup: async (c) => {
      await c.block();
      const file = c.file("records-file", "not a directory");
      return ["replay", join(c.dir, "blocks"), "--records", file, "--db", c.output("store.db")];
    },
    status: 1,
    expect: (c) => [`--records ${join(c.dir, "records-file")}: not a directory`],
  },
  {
    name: "fetch --out names a file: refused before the node is asked anything",
    setup: (c) => ["fetch", "--rpc", "http://127.0.0.1:9", "--out", c.file("blocks-file", "x"), "1"],
    status: 1,
    expect: (c) => [`--out ${join(c.dir, "blocks-file")}: a file, not a directory`],
  },
  // ---- the command line ---------------------------------------------------------------------
  {
    name: "an unknown option",
    setup: async (c) => (await c.block(), c.run("--frobnicate")),
    status: 2,
    expect: () => ["unknown option --frobnicate", '(see "pevm run --help")'],
  },
  {
    name: "an unknown single-dash option (once taken for a second block)",
    setup: async (c) => (await c.block(), c.run("-w", "2")),
    status: 2,
    expect: () => ["unknown option -w"],
  },
  {
    name: "an option without its value",
    setup: async (c) => (await c.block(), c.run("--prestate")),
    status: 2,
    expect: () => ["option --prestate needs a value"],
  },
  {
    name: "a switch given a value",
    setup: async (c) => (await c.block(), c.run("--json=yes")),
    status: 2,
    expect: () => ["option --json takes no value"],
  },
  {
    name: "non-numeric --workers",
    setup: async (c) => (await c.block(), c.run("--workers", "four")),
    status: 2,
    expect: () => ['--workers must be a positive integer, got "four"'],
  },
  {
    name: "--workers in exponent notation",
    setup: async (c) => (await c.block(), c.run("--workers", "1e3")),
    status: 2,
    expect: () => ['--workers must be a positive integer, got "1e3"'],
  },
  {
    name: "--workers 100000 (once: out of memory starting the threads)",
    setup: async (c) => (await c.block(), c.run("--workers", "100000")),
    status: 2,
    expect: () => [/--workers must be at most \d+, got 100000/],
  },
  {
    name: "non-numeric replay --runs",
    setup: async (c) => (await c.block(), ["replay", join(c.dir, "blocks"), "--runs", "x"]),
    status: 2,
    expect: () => ['--runs must be a positive integer, got "x"'],
  },
  // ---- hints, the record store, other commands ----------------------------------------------
  {
    name: "--hints: a record of another block (the block still runs; exit 1 says the hints were not used)",
    setup: async (c) => {
      await c.block();
      const file = join(c.dir, "500.json");
      await writeRecordFile(file, syntheticRecord(500, { txs: 1 }));
      return ["run", c.blockJson, "--hints", file, "--json"];
    },
    status: 1,
    expect: (c) => [`hints not used: ${join(c.dir, "500.json")}: a record of block 500, not of block ${NUMBER}`],
  },
  {
    name: "--hints: an access list with an index beyond the block",
    setup: async (c) => {
      await c.block();
      const bal = [{ address: RECIPIENT, nonceChanges: [], balanceChanges: [{ blockAccessIndex: "0x07", postBalance: "0x01" }], codeChanges: [], storageChanges: [], storageReads: [] }];
      return ["run", c.blockJson, "--hints", c.file("bal.json", JSON.stringify(bal)), "--json"];
    },
    status: 1,
    expect: (c) => [`hints not used: ${join(c.dir, "bal.json")}: not a valid access list: `, /block access index 7 exceeds the block's last index 2/],
  },
  {
    name: "--hints: a 1 GB file (refused by its size)",
    setup: async (c) => (await c.block(), ["run", c.blockJson, "--hints", sparseFile(join(c.dir, "huge.json"), GIB), "--json"]),
    status: 1,
    expect: (c) => [`hints not used: ${join(c.dir, "huge.json")}: 1073741824 bytes, more than a hints file may hold`],
  },
  {
    name: "--db a file that is not a database: refused before the run writes --record",
    setup: async (c) => (await c.block(), c.run("--db", c.file("text.db", "not a database\n".repeat(20)))),
    status: 1,
    expect: (c) => [`${join(c.dir, "text.db")}: not a pevm record store (the file is not an SQLite database)`],
  },
  {
    name: "--db a store of a newer schema: refused before the run writes --record",
    setup: async (c) => (await c.block(), c.run("--db", newerStore(join(c.dir, "newer.db")))),
    status: 1,
    expect: (c) => [`${join(c.dir, "newer.db")}: store schema version 2 is newer than this pevm supports (1)`],
  },
  {
    name: "records list of an empty file",
    setup: (c) => ["records", "list", "--db", c.file("empty.db", "")],
    status: 1,
    expect: (c) => [`${join(c.dir, "empty.db")}: not a pevm record store (an empty database)`],
  },
  {
    name: "records show of a block number above 2^63-1 (once an SQLite error)",
    setup: (c) => ["records", "show", "18446744073709551616", "--db", c.file("empty.db", "")],
    status: 2,
    expect: () => ['"18446744073709551616" is not a block number (decimal, or 0x-hex, at most 2^63-1)'],
  },
  {
    name: "records import of a 1 GB file",
    setup: (c) => ["records", "import", sparseFile(join(c.dir, "huge.json"), GIB), "--db", c.output("store.db")],
    status: 1,
    expect: (c) => [`${join(c.dir, "huge.json")}: `],
  },
  {
    name: "report of a block whose pre-state is malformed: no page written",
    setup: async (c) => (await c.block(), writeFileSync(c.preState, "{"), ["report", await c.block(), "--workers", "1", "-o", c.output("report.html")]),
    status: 1,
    expect: (c) => [`${c.preState}: malformed JSON: Expected property name or '}' at line 1, column 2`],
  },
  {
    name: "report of a block number above 2^63-1 (once an SQLite error)",
    setup: (c) => ["report", "99999999999999999999999", "--db", c.file("empty.db", ""), "-o", c.output("report.html")],
    status: 1,
    expect: () => ["99999999999999999999999: no such file, and 99999999999999999999999 is above 2^63-1"],
  },
];

/** The catalogue's size: a case added or lost must be noticed here. */
const EXPECTED_CASES = 66;
let ran = 0;

test(`the catalogue holds ${EXPECTED_CASES} cases`, () => {
  assert.equal(CASES.length, EXPECTED_CASES);
  assert.equal(new Set(CASES.map((c) => c.name)).size, CASES.length, "case names are distinct");
});

CASES.forEach((kase, index) => {
  test(`bad input: ${kase.name}`, async () => {
    const c = new Ctx(index);
    const args = await kase.setup(c);
    const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env: { ...process.env, XDG_DATA_HOME: join(c.dir, "xdg") }, timeout: 60_000 });
    const context = `pevm ${args.join(" ")}\nstatus ${r.status}\nstderr: ${r.stderr}`;
    assert.equal(r.status, kase.status, context);
    const lines = r.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 1, `one line on stderr: ${context}`);
    const line = lines[0]!;
    assert.ok(line.startsWith(`pevm ${args[0]}: `), context);
    for (const part of kase.expect(c)) {
      if (typeof part === "string") assert.ok(line.includes(part), `expected ${JSON.stringify(part)} in: ${line}`);
      else assert.match(line, part);
    }
    for (const output of c.outputs) assert.ok(!existsSync(output), `${output} must not exist after a failed run`);
    const left = readdirSync(join(c.dir, "out")).filter((f) => f.endsWith(".tmp") || c.outputs.some((o) => o.endsWith(f)));
    assert.deepEqual(left, [], "no output or temporary file left behind");
    ran++;
  });
});

test("every case ran", () => {
  assert.equal(ran, EXPECTED_CASES);
});
