// EIP-7928 block access lists checked against @ethereumjs/util's BlockLevelAccessList (10.1.3): the
// same content gives the same RLP bytes and hash, for every valid list of the execution-spec
// devnet vectors and for seeded random lists; and the builder's rules (no-op changes, reads of
// changed slots, touched addresses) agree with ethereumjs's recording API fed the same events.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  BlockLevelAccessList,
  createBlockLevelAccessListFromJSON,
  createBlockLevelAccessListFromRLP,
  type BALJSONBlockAccessList,
} from "@ethereumjs/util";
import { balFromJson, balHash, balToJson, buildBal, encodeBal, type BalIndexChanges, type BalJson, type BlockAccessList } from "../../src/records/bal.js";
import { bigintToBytes, bytesToHex } from "../../src/primitives/bytes.js";
import { fixturePath } from "../fixtures.js";

const DIR = fixturePath("eest/blockchain_tests_devnet/for_amsterdam/amsterdam/eip7928_block_level_access_lists");
const VALID_BLOCKS = 562;

/** A seeded xorshift32 with helpers. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  const next = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
  const int = (n: number): number => next() % n;
  const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => next() & 0xff);
  const big = (maxBytes: number): bigint => {
    const b = bytes(int(maxBytes + 1));
    return b.length === 0 ? 0n : BigInt(bytesToHex(b));
  };
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const shuffle = <T>(xs: T[]): T[] => {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = int(i + 1);
      [xs[i], xs[j]] = [xs[j]!, xs[i]!];
    }
    return xs;
  };
  return { int, bytes, big, pick, shuffle };
}

function sameBytes(ours: BlockAccessList, theirs: BlockLevelAccessList, what: string): void {
  assert.equal(bytesToHex(theirs.serialize()), bytesToHex(encodeBal(ours)), `${what}: RLP`);
  assert.equal(bytesToHex(theirs.hash()), bytesToHex(balHash(ours)), `${what}: hash`);
}

test("ethereumjs: every valid vector's list gives the same RLP and hash", (t) => {
  if (!existsSync(DIR)) return t.skip(`fixtures absent: ${DIR} not found`);
  let checked = 0;
  for (const group of readdirSync(DIR).sort()) {
    for (const file of readdirSync(join(DIR, group)).sort()) {
      const fixture = JSON.parse(readFileSync(join(DIR, group, file), "utf8")) as Record<string, { blocks: any[] }>;
      for (const [name, fx] of Object.entries(fixture)) {
        for (const b of fx.blocks) {
          if (b.expectException !== undefined) continue;
          const json = b.blockAccessList as BALJSONBlockAccessList;
          const ours = balFromJson(json);
          sameBytes(ours, createBlockLevelAccessListFromJSON(json), name);
          // ethereumjs reads our bytes back to the same bytes.
          sameBytes(ours, createBlockLevelAccessListFromRLP(encodeBal(ours)), `${name} (from our RLP)`);
          assert.equal(bytesToHex(balHash(ours)), b.blockHeader.blockAccessListHash, name);
          checked++;
        }
      }
    }
  }
  assert.equal(checked, VALID_BLOCKS);
});

/** A random list through buildBal: wide and narrow values, colliding addresses and slots. */
function randomList(r: ReturnType<typeof rng>): BlockAccessList {
  const addresses = Array.from({ length: 1 + r.int(8) }, () => r.pick([0n, (1n << 160n) - 1n, r.big(20), r.big(2), BigInt(r.int(300))]));
  const slot = (): bigint => r.pick([0n, 1n, BigInt(r.int(1000)), r.big(32), (1n << 256n) - 1n, 1n << 255n, r.big(8)]);
  const value = (): bigint => r.pick([0n, 1n, r.big(32), r.big(3), (1n << 256n) - 1n]);
  const txs = r.int(6);
  const indices: BalIndexChanges[] = [];
  for (let index = 0; index <= txs + 1; index++) {
    const e: BalIndexChanges = { index, touched: [], storageReads: [], storageWrites: [], balances: [], nonces: [], codes: [] };
    for (let k = r.int(6); k > 0; k--) {
      const address = r.pick(addresses);
      switch (r.int(6)) {
        case 0:
          e.touched.push(address);
          break;
        case 1:
          e.storageReads.push({ address, slot: slot() });
          break;
        case 2:
          e.storageWrites.push({ address, slot: slot(), value: value() });
          break;
        case 3:
          e.balances.push({ address, value: value() });
          break;
        case 4:
          e.nonces.push({ address, value: r.big(8) });
          break;
        default:
          e.codes.push({ address, code: r.bytes(r.pick([0, 1, 23, 100])) });
      }
    }
    // One value per field and index: drop later duplicates of a key at this index.
    const firstOnly = <T>(xs: T[], key: (x: T) => string): T[] => xs.filter((x, i) => xs.findIndex((y) => key(y) === key(x)) === i);
    e.storageWrites = firstOnly(e.storageWrites, (w) => `${w.address}/${w.slot}`);
    e.balances = firstOnly(e.balances, (b) => `${b.address}`);
    e.nonces = firstOnly(e.nonces, (n) => `${n.address}`);
    e.codes = firstOnly(e.codes, (c) => `${c.address}`);
    indices.push(e);
  }
  return buildBal(r.shuffle(indices));
}

/** The JSON form with every list shuffled: ethereumjs sorts it back. */
function shuffledJson(bal: BlockAccessList, r: ReturnType<typeof rng>): BalJson {
  const json = balToJson(bal);
  for (const acc of json) {
    r.shuffle(acc.storageChanges);
    for (const sc of acc.storageChanges) r.shuffle(sc.slotChanges);
    r.shuffle(acc.storageReads);
    r.shuffle(acc.balanceChanges);
    r.shuffle(acc.nonceChanges);
    r.shuffle(acc.codeChanges);
  }
  return r.shuffle(json);
}

test("ethereumjs: 500 seeded random lists built by buildBal give the same RLP and hash", () => {
  const r = rng(0x7928);
  let nonEmpty = 0;
  for (let k = 0; k < 500; k++) {
    const bal = randomList(r);
    if (bal.length > 0) nonEmpty++;
    sameBytes(bal, createBlockLevelAccessListFromJSON(shuffledJson(bal, r) as BALJSONBlockAccessList), `list ${k}`);
    sameBytes(bal, createBlockLevelAccessListFromRLP(encodeBal(bal)), `list ${k} (from our RLP)`);
  }
  assert.ok(nonEmpty > 400);
});

const hexAddress = (a: bigint): `0x${string}` => `0x${a.toString(16).padStart(40, "0")}`;
const word = (n: bigint): Uint8Array => {
  const b = bigintToBytes(n);
  const out = new Uint8Array(32);
  out.set(b, 32 - b.length);
  return out;
};

test("ethereumjs: the builder's rules match ethereumjs's recording of the same events", () => {
  // Each index is a transaction that reads, writes (to values drawn from a small pool, so that
  // writes often leave a value unchanged), pays, bumps nonces and sets code. Both sides are fed
  // the same events: ethereumjs through its recording API, with the value before each index as
  // the original; the builder as BalIndexChanges, the caller's part done as its comment says (a
  // field's first change equal to its pre-block value is passed as a read / a touch).
  const r = rng(0xba1);
  let dropped = 0;
  for (let round = 0; round < 300; round++) {
    const addresses = Array.from({ length: 1 + r.int(5) }, () => r.big(20));
    const slots = [0n, 1n, 2n, 0x100n, r.big(32)];
    const values = [0n, 1n, 7n, r.big(32)];
    const codes = [new Uint8Array(), Uint8Array.of(0x00), Uint8Array.of(0x60, 0x00), Uint8Array.of(0xef, 0x01, 0x00, ...r.bytes(20))];
    const preStorage = new Map<string, bigint>();
    const storageNow = (a: bigint, s: bigint): bigint => preStorage.get(`${a}/${s}`) ?? 0n;
    const written = new Set<string>();
    const balanceNow = new Map<bigint, bigint>(addresses.map((a) => [a, r.pick([0n, 100n, 1000n])]));
    const balanceChanged = new Set<bigint>();
    const nonceNow = new Map<bigint, bigint>(addresses.map((a) => [a, BigInt(r.int(3))]));
    const codeNow = new Map<bigint, Uint8Array>();
    const codeChanged = new Set<bigint>();

    const theirs = new BlockLevelAccessList();
    const ours: BalIndexChanges[] = [];
    const txs = 1 + r.int(6);
    for (let index = 0; index <= txs + 1; index++) {
      theirs.blockAccessIndex = index;
      const e: BalIndexChanges = { index, touched: [], storageReads: [], storageWrites: [], balances: [], nonces: [], codes: [] };
      const usedSlots = new Set<string>();
      const usedAccounts = new Set<string>();
      for (let k = r.int(8); k > 0; k--) {
        const a = r.pick(addresses);
        const hex = hexAddress(a);
        const kind = r.int(6);
        if (kind === 0) {
          theirs.addAddress(hex);
          e.touched.push(a);
        } else if (kind === 1) {
          const s = r.pick(slots);
          theirs.addStorageRead(hex, word(s));
          e.storageReads.push({ address: a, slot: s });
        } else if (kind === 2) {
          const s = r.pick(slots);
          const key = `${a}/${s}`;
          if (usedSlots.has(key)) continue; // one net write per slot and index
          usedSlots.add(key);
          const v = r.pick(values);
          const before = storageNow(a, s);
          theirs.addStorageWrite(hex, word(s), word(v), index, word(before));
          if (!written.has(key) && v === before) e.storageReads.push({ address: a, slot: s });
          else {
            if (v === before) dropped++;
            e.storageWrites.push({ address: a, slot: s, value: v });
            written.add(key);
          }
          preStorage.set(key, v);
        } else {
          const key = `${kind}/${a}`;
          if (usedAccounts.has(key)) continue; // one net change per field and index
          usedAccounts.add(key);
          if (kind === 3) {
            const v = r.pick([0n, 100n, 1000n, 5n]);
            const before = balanceNow.get(a)!;
            theirs.addBalanceChange(hex, v, index, before);
            if (!balanceChanged.has(a) && v === before) e.touched.push(a);
            else {
              if (v === before) dropped++;
              e.balances.push({ address: a, value: v });
              balanceChanged.add(a);
            }
            balanceNow.set(a, v);
          } else if (kind === 4) {
            const v = nonceNow.get(a)! + 1n + BigInt(r.int(2));
            theirs.addNonceChange(hex, v, index);
            e.nonces.push({ address: a, value: v });
            nonceNow.set(a, v);
          } else {
            const c = r.pick(codes);
            const before = codeNow.get(a) ?? new Uint8Array();
            theirs.addCodeChange(hex, c, index, before);
            if (!codeChanged.has(a) && bytesToHex(c) === bytesToHex(before)) e.touched.push(a);
            else {
              if (bytesToHex(c) === bytesToHex(before)) dropped++;
              e.codes.push({ address: a, code: c });
              codeChanged.add(a);
            }
            codeNow.set(a, c);
          }
        }
      }
      theirs.cleanupNetZeroBalanceChanges();
      ours.push(e);
    }
    sameBytes(buildBal(r.shuffle(ours)), theirs, `round ${round}`);
  }
  assert.ok(dropped > 50, `the rounds exercise no-op changes the builder must drop (${dropped})`);
});
