// The Ethereum consensus TransactionTests (ethereum-tests/TransactionTests) under a ratchet:
// test/tx/transaction-known-failures.json lists the cases that do not pass yet, with a reason
// each. The test fails on any unlisted failure, on any listed case that now passes, and on listed
// ids that name no case.
//
// Each case is one fixture test at one fork (chain id 1): the bytes are decoded, the sender
// recovered (signature errors come first, as in geth), and the transaction checked against the
// fork's rules (type, limits, intrinsic gas). An expected success
// must give the fixture's hash, sender and intrinsic gas (and re-encode to the same bytes); an
// expected exception must be thrown by the stage that the exception's kind belongs to.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  decodeTransaction,
  encodeTransaction,
  intrinsicGas,
  InvalidSignatureError,
  recoverSender,
  TransactionDecodeError,
  transactionHash,
  validateForFork,
} from "../../src/tx/transaction.js";
import type { Transaction } from "../../src/tx/types.js";
import { forkByName, rulesFor, type ForkRules } from "../../src/fork/forks.js";
import { addressToHex } from "../../src/primitives/word.js";
import { bytesEqual, bytesToHex, hexToBytes } from "../../src/primitives/bytes.js";
import { fixturePath, repoPath } from "../fixtures.js";

const SUITE = fixturePath("ethereum-tests/TransactionTests");
const KNOWN_FAILURES = repoPath("test/tx/transaction-known-failures.json");
const CHAIN_ID = 1n; // the fixtures are signed for mainnet

interface ForkResult {
  hash?: string;
  sender?: string;
  intrinsicGas?: string;
  exception?: string;
}
interface Fixture {
  txbytes: string;
  result: Record<string, ForkResult>;
}

type Stage = "decode" | "fork" | "signature";

// Which stage of ours must reject a transaction with the given expected exception.
// INVALID_SIGNATURE_VRS also covers r, s or v longer than 32 bytes, which decoding rejects;
// TYPE_NOT_SUPPORTED covers unknown types (decoding) and types of later forks (fork rules).
function stagesFor(exception: string): readonly Stage[] | undefined {
  const kind = exception.replace(/^TransactionException\./, "");
  switch (kind) {
    case "INVALID_SIGNATURE_VRS":
      return ["decode", "signature"];
    case "EC_RECOVERY_FAIL":
    case "INVALID_CHAINID":
      return ["signature"];
    case "TYPE_NOT_SUPPORTED":
      return ["decode", "fork"];
    case "INTRINSIC_GAS_TOO_LOW":
    case "NONCE_TOO_BIG":
    case "GASLIMIT_PRICE_PRODUCT_OVERFLOW":
    case "INITCODE_SIZE_EXCEEDED":
    case "PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS_2":
      return ["fork"];
    default:
      if (/^(RLP_|ADDRESS_TOO_)|_OVERFLOW$/.test(kind)) return ["decode"];
      return undefined; // unknown kind: any stage will do
  }
}

class StageError extends Error {
  constructor(
    readonly stage: Stage,
    error: unknown,
  ) {
    super(`${stage}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
}

interface Outcome {
  tx: Transaction;
  sender: string;
  intrinsic: bigint;
}

function process(raw: Uint8Array, rules: ForkRules): { outcome?: Outcome; error?: StageError; tx?: Transaction } {
  let tx: Transaction;
  try {
    tx = decodeTransaction(raw);
  } catch (e) {
    if (!(e instanceof TransactionDecodeError)) throw e; // a crash, not a rejection
    return { error: new StageError("decode", e) };
  }
  let sender;
  try {
    sender = recoverSender(tx, rules, CHAIN_ID);
  } catch (e) {
    if (!(e instanceof InvalidSignatureError)) throw e;
    return { tx, error: new StageError("signature", e) };
  }
  try {
    validateForFork(tx, rules);
  } catch (e) {
    if (e instanceof TypeError || e instanceof RangeError) throw e;
    return { tx, error: new StageError("fork", e) };
  }
  return { tx, outcome: { tx, sender: addressToHex(sender), intrinsic: intrinsicGas(tx, rules) } };
}

/** Null when the case passes, else what went wrong. */
function check(raw: Uint8Array, rules: ForkRules, expected: ForkResult): string | null {
  let result;
  try {
    result = process(raw, rules);
  } catch (e) {
    return `crashed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
  }
  const { outcome, error, tx } = result;
  if (expected.exception !== undefined) {
    if (error === undefined) return `expected ${expected.exception}, but the transaction is valid (sender ${outcome!.sender})`;
    const stages = stagesFor(expected.exception);
    if (stages !== undefined && !stages.includes(error.stage)) {
      return `expected ${expected.exception} from ${stages.join(" or ")}, got ${error.message}`;
    }
    // Where the transaction decoded, the fixture's intrinsic gas (when it gives one) must match ours.
    if (tx !== undefined && expected.intrinsicGas !== undefined && BigInt(expected.intrinsicGas) !== 0n) {
      const intrinsic = intrinsicGas(tx, rules);
      if (intrinsic !== BigInt(expected.intrinsicGas)) return `rejected as expected, but intrinsic gas ${intrinsic} != ${BigInt(expected.intrinsicGas)}`;
    }
    return null;
  }
  if (error !== undefined) return `expected a valid transaction, got ${error.message}`;
  const o = outcome!;
  const problems: string[] = [];
  const hash = bytesToHex(transactionHash(o.tx));
  if (expected.hash !== undefined && hash !== expected.hash.toLowerCase()) problems.push(`hash ${hash} != ${expected.hash}`);
  if (o.tx.hash === undefined || bytesToHex(o.tx.hash) !== hash) problems.push("decodeTransaction's hash differs from transactionHash");
  if (!bytesEqual(encodeTransaction(o.tx), raw)) problems.push("re-encoding differs from the input bytes");
  if (expected.sender !== undefined && o.sender !== expected.sender.toLowerCase()) problems.push(`sender ${o.sender} != ${expected.sender}`);
  if (expected.intrinsicGas !== undefined && o.intrinsic !== BigInt(expected.intrinsicGas)) {
    problems.push(`intrinsic gas ${o.intrinsic} != ${BigInt(expected.intrinsicGas)}`);
  }
  return problems.length === 0 ? null : problems.join("; ");
}

function listFixtureFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listFixtureFiles(path));
    else if (name.endsWith(".json")) out.push(path);
  }
  return out;
}

test("TransactionTests: every case passes or is a listed known failure", (t) => {
  if (!existsSync(SUITE)) {
    t.skip(`fixtures absent: ${SUITE} not found`);
    return;
  }
  const known = JSON.parse(readFileSync(KNOWN_FAILURES, "utf8")) as Record<string, string>;
  const files = listFixtureFiles(SUITE);
  assert.ok(files.length > 0, `no fixture files under ${SUITE}`);
  const seen = new Set<string>();
  const failed = new Set<string>();
  const unexpected: string[] = [];
  const skippedForks = new Map<string, number>();
  let passed = 0;
  let expectedValid = 0;
  for (const file of files) {
    const rel = file.slice(SUITE.length + 1).replaceAll("\\", "/");
    const fixtures = JSON.parse(readFileSync(file, "utf8")) as Record<string, Fixture>;
    for (const [name, fixture] of Object.entries(fixtures)) {
      let raw: Uint8Array | undefined;
      let rawError: string | undefined;
      try {
        raw = hexToBytes(fixture.txbytes);
      } catch (e) {
        rawError = `txbytes is not hex: ${(e as Error).message}`;
      }
      for (const [forkName, expected] of Object.entries(fixture.result)) {
        const fork = forkByName(forkName);
        if (fork === undefined) {
          skippedForks.set(forkName, (skippedForks.get(forkName) ?? 0) + 1);
          continue;
        }
        const id = `${rel}:${name}:${forkName}`;
        seen.add(id);
        if (expected.exception === undefined) expectedValid++;
        const problem = rawError ?? check(raw!, rulesFor(fork), expected);
        if (problem === null) {
          passed++;
          continue;
        }
        failed.add(id);
        if (!(id in known)) unexpected.push(`${id}: ${problem}`);
      }
    }
  }
  const nowPassing = Object.keys(known).filter((id) => seen.has(id) && !failed.has(id));
  const stale = Object.keys(known).filter((id) => !seen.has(id));
  const skips = [...skippedForks].map(([f, n]) => `${f} (${n})`).join(", ");
  t.diagnostic(
    `TransactionTests: ${seen.size} cases in ${files.length} files (${expectedValid} expected valid): ${passed} passed, ${failed.size} failed ` +
      `(${Object.keys(known).length} listed as known failures); skipped forks beyond ours: ${skips || "none"}`,
  );
  assert.deepEqual(unexpected.slice(0, 50), [], `${unexpected.length} unexpected failures`);
  assert.deepEqual(nowPassing, [], "listed known failures that now pass: remove them from test/tx/transaction-known-failures.json");
  assert.deepEqual(stale, [], "listed known failures that name no fixture case: remove them from test/tx/transaction-known-failures.json");
});
