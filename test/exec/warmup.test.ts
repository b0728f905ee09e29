// The interpreter warm-up: it must reach every opcode with every operand kind, under every fork it
// lists, and its blocks must run (a warm-up that threw would kill the worker thread running it).
import assert from "node:assert/strict";
import { test } from "node:test";
import { rulesFor, Fork } from "../../src/fork/forks.js";
import { Op, opTableFor } from "../../src/evm/opcodes.js";
import { executeBlock } from "../../src/exec/sequential.js";
import { BN254_G2_GENERATOR, BN254_P, CONTRACT_BASE, opcodeSnippets, PARENT_HASH, precompileCalls, precompileSnippets, SECP256K1_GX, warmupBlocks, warmUpInterpreter, WARMUP_FORKS } from "../../src/exec/warmup.js";
import { runPrecompile } from "../../src/evm/precompiles/index.js";
import { Status } from "../../src/evm/interpreter.js";
import { runBlockStmAlone } from "../../src/exec/parallel/workerLoop.js";

/** The opcode a snippet is about: the first instruction after its leading PUSHes (a PUSH snippet's first byte). */
function opcodeUnderTest(code: number[]): number {
  let pc = 0;
  while (pc < code.length && code[pc]! >= Op.PUSH1 && code[pc]! <= Op.PUSH32) {
    const next = pc + 1 + code[pc]! - Op.PUSH1 + 1;
    if (next >= code.length) return code[pc]!; // a PUSH snippet (its immediate runs to the end)
    pc = next;
  }
  return code[pc] ?? code[0]!;
}

test("warm-up snippets reach every opcode of each fork it warms up, defined or not", () => {
  for (const fork of WARMUP_FORKS) {
    const rules = rulesFor(fork);
    const table = opTableFor(rules);
    const snippets = opcodeSnippets(rules, CONTRACT_BASE);
    const reached = new Set(snippets.map(opcodeUnderTest));
    for (let op = 0; op < 256; op++) assert.ok(reached.has(op), `${rules.name}: opcode 0x${op.toString(16)} (${table.gas[op]! < 0 ? "undefined" : "defined"}) is never run`);
  }
});

test("warm-up blocks run under each fork: one receipt per snippet, with successes and halts", () => {
  for (const fork of WARMUP_FORKS) {
    const rules = rulesFor(fork);
    let txs = 0;
    const statuses = new Set<number>();
    for (const { block, pre } of warmupBlocks(rules)) {
      const result = executeBlock(block, pre, { blockHashes: PARENT_HASH, rules });
      assert.equal(result.receipts.length, block.transactions.length, rules.name);
      txs += block.transactions.length;
      for (const r of result.txResults) statuses.add(r.status);
    }
    assert.equal(txs, opcodeSnippets(rules, CONTRACT_BASE).length + precompileSnippets(rules).length, rules.name);
    assert.ok(statuses.has(Status.Success) && statuses.size > 1, `${rules.name}: statuses ${[...statuses]}`);
  }
});

test("warm-up precompile inputs are valid: every precompile of the fork but the point evaluation succeeds, the pairing check holds", () => {
  for (const fork of WARMUP_FORKS) {
    const rules = rulesFor(fork);
    const calls = precompileCalls(rules);
    const addresses = new Set(calls.map((c) => c.address));
    for (let address = 1; address <= Math.min(rules.precompileCount, 9); address++) assert.ok(addresses.has(address), `${rules.name}: precompile ${address} is not warmed up`);
    for (const { address, input } of calls) {
      const result = runPrecompile(address, Uint8Array.from(input), 1_000_000, rules);
      assert.ok(result.ok, `${rules.name}: precompile ${address} failed on its warm-up input`);
      if (address === 1) assert.equal(result.output.length, 32, "ecrecover recovers an address");
      if (address === 8) assert.equal(result.output[31], 1, "the pairing check holds");
    }
  }
});

test("warm-up blocks call each precompile successfully (the call's outcome is kept in slot 2)", () => {
  for (const fork of WARMUP_FORKS) {
    const rules = rulesFor(fork);
    const snippets = precompileSnippets(rules).map((code) => Buffer.from(code).toString("hex"));
    let seen = 0;
    for (const { block, pre } of warmupBlocks(rules)) {
      const result = executeBlock(block, pre, { blockHashes: PARENT_HASH, rules });
      for (const tx of block.transactions) {
        const account = pre.accounts.get(tx.to!)!;
        if (!snippets.includes(Buffer.from(pre.codes.get(account.codeHash)!).toString("hex"))) continue;
        seen++;
        assert.equal(result.world.getStorage(tx.to!, 2), 1, `${rules.name}: a precompile call in the warm-up failed`);
      }
    }
    assert.equal(seen, snippets.length, rules.name);
  }
});

test("a worker thread's warm-up runs each warm-up block through one Block-STM executor: a final result per transaction, as sequential", () => {
  for (const fork of WARMUP_FORKS) {
    const rules = rulesFor(fork);
    for (const { block, pre } of warmupBlocks(rules)) {
      const expected = executeBlock(block, pre, { blockHashes: PARENT_HASH, rules });
      const results = runBlockStmAlone(block, pre, rules, PARENT_HASH);
      assert.deepEqual(results.map((r) => r.tx).sort((a, b) => a - b), block.transactions.map((_, i) => i), rules.name);
      assert.deepEqual(results.sort((a, b) => a.tx - b.tx).map((r) => r.result!.gasUsed), expected.txResults.map((r) => r.gasUsed), rules.name);
    }
  }
});

test("the warm-up runs once per thread", () => {
  assert.ok(warmUpInterpreter() > 0);
  assert.equal(warmUpInterpreter(), 0);
  assert.ok(WARMUP_FORKS.includes(Fork.Cancun));
});

test("the curve constants the warm-up writes out are the curves' own (@noble/curves)", async () => {
  const { secp256k1 } = await import("@noble/curves/secp256k1.js");
  const { bn254 } = await import("@noble/curves/bn254.js");
  assert.equal(SECP256K1_GX, secp256k1.Point.BASE.x);
  assert.equal(BN254_P, bn254.fields.Fp.ORDER);
  const { x, y } = bn254.G2.Point.BASE.toAffine();
  assert.deepEqual(BN254_G2_GENERATOR, [x.c1, x.c0, y.c1, y.c0]);
});
