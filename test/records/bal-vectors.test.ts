// EIP-7928 block access lists against the execution-spec tests' devnet vectors (600 blockchain
// tests under Amsterdam rules): every valid block's list must hash to its header's
// blockAccessListHash; every invalid block's list is sorted into what a reader sees (form and
// ordering), what the header's limits show (index bound, gas-limit item bound), a hash mismatch, and
// what only execution shows (wrong values, missing or extraneous entries).
//
// The block RLP of this release is [header, transactions, uncles, withdrawals]: the list travels
// beside the block (EIP-7928: not in the body). For the invalid blocks the test takes the
// fixture's decoded list (rlp_decoded.blockAccessList), encodes it exactly as given, and proves
// these are the bytes the block commits to by their keccak against the header's
// blockAccessListHash, read from the block RLP (header field 21).
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { BalFormatError, balFromJson, balFromJsonUnchecked, balHash, balToJson, buildBal, decodeBal, encodeBal, type BalIndexChanges, type BlockAccessList } from "../../src/records/bal.js";
import { bytesToHex, hexToBytes } from "../../src/primitives/bytes.js";
import { keccak256 } from "../../src/primitives/hash.js";
import { decode as rlpDecode, type RlpItem } from "../../src/primitives/rlp.js";
import { fixturePath } from "../fixtures.js";

const DIR = fixturePath("eest/blockchain_tests_devnet/for_amsterdam/amsterdam/eip7928_block_level_access_lists");

// Counts by inspection of the release (bal@v5.7.0-alpha): a vanished or changed fixture fails.
const FILES = 134;
const TESTS = 600;
const VALID_BLOCKS = 562;
const INVALID_BLOCKS = 56;
const HEADER_BAL_HASH_FIELD = 21; // after requestsHash (20), before slotNumber (22)

const NAMED = /^account \d+ \(0x[0-9a-f]{40}\): /;
/** Invalid blocks whose list breaks the EIP's form or ordering rules: decodeBal alone refuses them. */
const FORMAT_CASES: Record<string, RegExp> = {
  "test_bal_invalid_account[]": /address not in ascending order/,
  "test_bal_invalid_account_order[]": /address not in ascending order/,
  "test_bal_invalid_duplicate_account[]": /duplicate address/,
  "test_bal_invalid_complex_corruption[]": /balance changes: block access index \d+ not in ascending order/,
  "test_bal_invalid_tx_order[]": /balance changes: block access index \d+ not in ascending order/,
  "test_bal_invalid_duplicate_entries[duplicate_balance_change]": /balance changes: duplicate block access index/,
  "test_bal_invalid_duplicate_entries[duplicate_code_change]": /code changes: duplicate block access index/,
  "test_bal_invalid_duplicate_entries[duplicate_nonce_change]": /nonce changes: duplicate block access index/,
  "test_bal_invalid_duplicate_entries[duplicate_slot_change]": /storage changes of slot 0x[0-9a-f]+: duplicate block access index/,
  "test_bal_invalid_duplicate_entries[duplicate_storage_read]": /storage reads: duplicate slot/,
  "test_bal_invalid_duplicate_entries[duplicate_storage_slot]": /storage changes: duplicate slot/,
  "test_bal_invalid_duplicate_entries[storage_key_in_both_changes_and_reads]": /is both in storage changes and in storage reads/,
  "test_bal_invalid_extraneous_entries[out_of_bounds-extra_storage_write_touched]": /is both in storage changes and in storage reads/,
  "test_bal_invalid_extraneous_entries[same_tx-extra_storage_write_touched]": /is both in storage changes and in storage reads/,
  "test_bal_invalid_extraneous_entries[system_tx-extra_storage_write_touched]": /is both in storage changes and in storage reads/,
};
/** Well-formed lists that break a bound the header gives (transaction count, gas limit). */
const LIMIT_CASES: Record<string, RegExp> = {
  "test_bal_gas_limit_boundary[below_boundary]": /^block access list: \d+ items \(addresses \+ storage keys\) exceed the bound \d+/,
  "test_bal_invalid_extraneous_entries[out_of_bounds-extra_balance]": /balance changes: block access index \d+ exceeds the block's last index/,
  "test_bal_invalid_extraneous_entries[out_of_bounds-extra_code]": /code changes: block access index \d+ exceeds the block's last index/,
  "test_bal_invalid_extraneous_entries[out_of_bounds-extra_nonce]": /nonce changes: block access index \d+ exceeds the block's last index/,
  "test_bal_invalid_extraneous_entries[out_of_bounds-extra_storage_write_uninvolved_account]": /storage changes of slot 0x[0-9a-f]+: block access index \d+ exceeds/,
  "test_bal_invalid_extraneous_entries[out_of_bounds-extra_storage_write_untouched]": /storage changes of slot 0x[0-9a-f]+: block access index \d+ exceeds/,
};
/** Well-formed lists whose bytes are not the ones the header commits to. */
const HASH_CASES = new Set(["test_bal_invalid_hash_mismatch[]"]);
const EXECUTION_CASES = INVALID_BLOCKS - Object.keys(FORMAT_CASES).length - Object.keys(LIMIT_CASES).length - HASH_CASES.size; // 34

interface Block {
  id: string;
  rlp: string;
  bal: unknown;
  headerHash: string;
  gasLimit: bigint;
  transactionCount: number;
  expectException?: string;
}

/** "path::test_x[fork_Amsterdam-blockchain_test-param]" as "test_x[param]". */
function shortId(name: string): string {
  const test = name.slice(name.indexOf("::") + 2);
  return test.replace(/\[fork_Amsterdam-blockchain_test-?/, "[");
}

function loadBlocks(): { files: number; tests: number; blocks: Block[] } {
  let files = 0;
  let tests = 0;
  const blocks: Block[] = [];
  for (const group of readdirSync(DIR).sort()) {
    for (const file of readdirSync(join(DIR, group)).filter((f) => f.endsWith(".json")).sort()) {
      files++;
      const fixture = JSON.parse(readFileSync(join(DIR, group, file), "utf8")) as Record<string, { blocks: any[] }>;
      for (const [name, t] of Object.entries(fixture)) {
        tests++;
        t.blocks.forEach((b, k) => {
          const id = `${shortId(name)}${t.blocks.length > 1 ? ` block ${k + 1}` : ""}`;
          const body = b.expectException === undefined ? b : b.rlp_decoded;
          blocks.push({
            id: b.expectException === undefined ? id : shortId(name),
            rlp: b.rlp,
            bal: body.blockAccessList,
            headerHash: body.blockHeader.blockAccessListHash,
            gasLimit: BigInt(body.blockHeader.gasLimit),
            transactionCount: body.transactions.length,
            expectException: b.expectException,
          });
        });
      }
    }
  }
  return { files, tests, blocks };
}

/** The header's blockAccessListHash, read from the block RLP (which holds no list). */
function headerBalHash(blockRlp: string): string {
  const block = rlpDecode(hexToBytes(blockRlp)) as RlpItem[];
  assert.equal(block.length, 4, "an Amsterdam block of this release is [header, transactions, uncles, withdrawals]");
  const header = block[0] as RlpItem[];
  return bytesToHex(header[HEADER_BAL_HASH_FIELD] as Uint8Array);
}

if (!existsSync(DIR)) {
  test("EIP-7928 vectors", (t) => t.skip(`fixtures absent: ${DIR} not found`));
} else {
  const { files, tests, blocks } = loadBlocks();
  const valid = blocks.filter((b) => b.expectException === undefined);
  const invalid = blocks.filter((b) => b.expectException !== undefined);

  test("EIP-7928 vectors: the release's files, tests and blocks are all there", () => {
    assert.equal(files, FILES);
    assert.equal(tests, TESTS);
    assert.equal(valid.length, VALID_BLOCKS);
    assert.equal(invalid.length, INVALID_BLOCKS);
  });

  test("EIP-7928 vectors: every valid block's list hashes to its header's blockAccessListHash", () => {
    let checked = 0;
    for (const b of valid) {
      assert.ok(Array.isArray(b.bal), `${b.id}: the block carries blockAccessList`);
      const bal = balFromJson(b.bal);
      assert.equal(headerBalHash(b.rlp), b.headerHash, `${b.id}: the header in the block RLP`);
      assert.equal(bytesToHex(balHash(bal)), b.headerHash, b.id);
      assert.equal(bytesToHex(keccak256(encodeBal(bal))), b.headerHash, b.id);
      checked++;
    }
    assert.equal(checked, VALID_BLOCKS);
  });

  test("EIP-7928 vectors: valid lists decode to themselves, within the header's limits, and give back their JSON", () => {
    for (const b of valid) {
      const bal = balFromJson(b.bal);
      const limits = { transactionCount: b.transactionCount, gasLimit: b.gasLimit };
      assert.deepEqual(decodeBal(encodeBal(bal), limits), bal, b.id);
      assert.deepEqual(balFromJson(b.bal, limits), bal, b.id);
      assert.deepEqual(balToJson(bal), b.bal, b.id);
    }
  });

  test("EIP-7928 vectors: buildBal rebuilds every valid list from its changes, split by index and shuffled", () => {
    let seed = 0x2545f491;
    const rand = (n: number): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const shuffle = <T>(xs: T[]): T[] => {
      for (let i = xs.length - 1; i > 0; i--) {
        const j = rand(i + 1);
        [xs[i], xs[j]] = [xs[j]!, xs[i]!];
      }
      return xs;
    };
    for (const b of valid) {
      const expected: BlockAccessList = balFromJson(b.bal);
      const last = b.transactionCount + 1;
      const byIndex = new Map<number, BalIndexChanges>();
      const at = (index: number): BalIndexChanges => {
        let e = byIndex.get(index);
        if (e === undefined) byIndex.set(index, (e = { index, touched: [], storageReads: [], storageWrites: [], balances: [], nonces: [], codes: [] }));
        return e;
      };
      for (const acc of expected) {
        const address = acc.address;
        at(rand(last + 1)).touched.push(address);
        // A read is repeated at a second index, and a changed slot also read somewhere: neither may show.
        for (const slot of acc.storageReads) for (let k = 0; k < 2; k++) at(rand(last + 1)).storageReads.push({ address, slot });
        for (const sc of acc.storageChanges) {
          at(rand(last + 1)).storageReads.push({ address, slot: sc.slot });
          for (const c of sc.changes) at(c.index).storageWrites.push({ address, slot: sc.slot, value: c.value });
        }
        for (const c of acc.balanceChanges) at(c.index).balances.push({ address, value: c.value });
        for (const c of acc.nonceChanges) at(c.index).nonces.push({ address, value: c.value });
        for (const c of acc.codeChanges) at(c.index).codes.push({ address, code: c.code });
      }
      const input = shuffle([...byIndex.values()]);
      for (const e of input) {
        shuffle(e.touched);
        shuffle(e.storageReads);
        shuffle(e.storageWrites);
        shuffle(e.balances);
      }
      assert.deepEqual(buildBal(input), expected, b.id);
    }
  });

  test("EIP-7928 vectors: invalid blocks, sorted by what shows their fault", (t) => {
    const seen = { format: 0, limits: 0, hash: 0, execution: 0 };
    for (const b of invalid) {
      const bytes = encodeBal(balFromJsonUnchecked(b.bal));
      const committed = headerBalHash(b.rlp);
      assert.equal(committed, b.headerHash, `${b.id}: the header in the block RLP`);
      const limits = { transactionCount: b.transactionCount, gasLimit: b.gasLimit };
      const refuses = (fn: () => unknown, re: RegExp): void =>
        assert.throws(fn, (e: unknown) => {
          assert.ok(e instanceof BalFormatError, `${b.id}: ${String(e)}`);
          assert.match(e.message, re, b.id);
          return true;
        });
      if (HASH_CASES.has(b.id)) {
        assert.notEqual(bytesToHex(keccak256(bytes)), committed, `${b.id}: the list is not the committed one`);
        decodeBal(bytes, limits);
        seen.hash++;
        continue;
      }
      assert.equal(bytesToHex(keccak256(bytes)), committed, `${b.id}: these are the committed bytes`);
      const format = FORMAT_CASES[b.id];
      const limit = LIMIT_CASES[b.id];
      if (format !== undefined) {
        assert.match(b.expectException!, /INVALID_BLOCK_ACCESS_LIST|INCORRECT_BLOCK_FORMAT/, b.id);
        refuses(() => decodeBal(bytes), NAMED);
        refuses(() => decodeBal(bytes), format);
        refuses(() => balFromJson(b.bal), format);
        seen.format++;
      } else if (limit !== undefined) {
        decodeBal(bytes); // well formed
        refuses(() => decodeBal(bytes, limits), limit);
        refuses(() => balFromJson(b.bal, limits), limit);
        seen.limits++;
      } else {
        assert.match(b.expectException!, /INVALID_BLOCK_ACCESS_LIST/, b.id);
        decodeBal(bytes, limits); // well formed and within the limits: only execution tells
        seen.execution++;
      }
    }
    assert.deepEqual(seen, {
      format: Object.keys(FORMAT_CASES).length, // 15
      limits: Object.keys(LIMIT_CASES).length, // 6
      hash: HASH_CASES.size, // 1
      execution: EXECUTION_CASES, // 34
    });
    t.diagnostic(
      `invalid blocks: ${seen.format} refused by the reader (form, ordering), ${seen.limits} by the header's limits, ` +
        `${seen.hash} hash mismatch, ${seen.execution} need execution (not checked here)`,
    );
  });
}
