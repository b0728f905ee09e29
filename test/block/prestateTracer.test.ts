// The prestateTracer converter: first-mention semantics per account and per storage slot,
// normalisation (lowercase addresses, minimal hex quantities), code hashes, and errors that name
// the bad field's path.
import assert from "node:assert/strict";
import { test } from "node:test";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { convertPrestateTrace, isEmptyAccount } from "../../src/block/prestateTracer.js";

const A = "0x00000000000000000000000000000000000000aa";
const B = "0x00000000000000000000000000000000000000bb";
const C_MIXED = "0x000000000000000000000000000000000000CcCc";
const C = C_MIXED.toLowerCase();
const CODE = "0x6001600055";
const CODE_UPPER = "0x60016000FF";

const keccakHex = (hex: string) => "0x" + Buffer.from(keccak_256(Buffer.from(hex.slice(2), "hex"))).toString("hex");
const pad = (n: number | bigint) => "0x" + n.toString(16).padStart(64, "0");

test("block trace: the first transaction that mentions an account or a slot gives its pre-block value", () => {
  const trace = [
    {
      txHash: "0x01",
      result: {
        [A]: { balance: "0x0de0b6b3a7640000", nonce: 7 },
        [C_MIXED]: { balance: "0x00", nonce: 1, code: CODE, storage: { [pad(1)]: pad(0x2a), [pad(0)]: pad(0) } },
      },
    },
    {
      txHash: "0x02",
      result: {
        [A]: { balance: "0x1", nonce: 8 }, // changed by tx 0: ignored
        [B]: { nonce: 3 }, // no balance: zero
        [C]: {
          balance: "0x5",
          nonce: 2,
          code: CODE_UPPER, // a later view: neither its code hash nor its code is used
          storage: { [pad(1)]: pad(0x99), [pad(2n ** 255n)]: pad(2n ** 256n - 1n) },
        },
      },
    },
    { result: { [B]: { balance: "0x7", storage: { [pad(3)]: pad(4) } } } },
  ];
  const { preState, bytecodes, firstTx } = convertPrestateTrace(trace, "t.json");
  assert.deepEqual(preState, {
    [A]: { balance: "0xde0b6b3a7640000", nonce: 7, storage: {} },
    [C]: {
      balance: "0x0",
      nonce: 1,
      code_hash: keccakHex(CODE),
      storage: { "0x1": "0x2a", "0x0": "0x0", ["0x8" + "0".repeat(63)]: "0x" + "f".repeat(64) },
    },
    [B]: { balance: "0x0", nonce: 3, storage: { "0x3": "0x4" } },
  });
  assert.deepEqual(bytecodes, { [keccakHex(CODE)]: CODE });
  assert.deepEqual(firstTx, { [A]: 0, [C]: 0, [B]: 1 });
});

test("a bare array of result objects and a single result object are accepted", () => {
  const bare = convertPrestateTrace([{ [A]: { balance: "0x1" } }, { [A]: { balance: "0x2" }, [B]: { balance: "0x3", nonce: "0x10" } }], "bare");
  assert.deepEqual(bare.preState, { [A]: { balance: "0x1", nonce: 0, storage: {} }, [B]: { balance: "0x3", nonce: 16, storage: {} } });
  assert.deepEqual(bare.firstTx, { [A]: 0, [B]: 1 });
  const single = convertPrestateTrace({ [C]: { balance: "0xff", nonce: 1, code: "0x" } }, "single");
  assert.deepEqual(single.preState, { [C]: { balance: "0xff", nonce: 1, storage: {} } }); // "0x" code: no code_hash
  assert.deepEqual(single.bytecodes, {});
  assert.deepEqual(convertPrestateTrace([], "empty"), { preState: {}, bytecodes: {}, firstTx: {} });
});

test("codeHash (newer geth): checked against the code, used alone when the code is left out", () => {
  const ok = convertPrestateTrace({ [C]: { code: CODE, codeHash: keccakHex(CODE) } }, "w");
  assert.equal(ok.preState[C]!.code_hash, keccakHex(CODE));
  const alone = convertPrestateTrace({ [C]: { nonce: 1, codeHash: keccakHex(CODE).toUpperCase().replace("0X", "0x") } }, "w");
  assert.equal(alone.preState[C]!.code_hash, keccakHex(CODE));
  assert.deepEqual(alone.bytecodes, {});
  const empty = convertPrestateTrace({ [A]: { codeHash: keccakHex("0x") } }, "w");
  assert.equal(empty.preState[A]!.code_hash, undefined);
  assert.throws(() => convertPrestateTrace({ [C]: { code: CODE, codeHash: pad(1) } }, "w"), /^Error: w: \["0x0+cccc"\]\.codeHash: 0x0+1 is not the keccak256 of the account's code/);
});

test("malformed traces name the file and the bad field's path", () => {
  const bad = (trace: unknown, message: RegExp) => assert.throws(() => convertPrestateTrace(trace, "prestate.json"), message);
  const ok = { [A]: { balance: "0x1" } };
  bad([{ result: ok }, { result: ok }, { result: ok }, { result: { [A]: { balance: "12" } } }], /^Error: prestate\.json: \[3\]\.result\["0x0+aa"\]\.balance: not a hex quantity: "12"$/);
  bad([{ [A]: { balance: 5 } }], /prestate\.json: \[0\]\["0x0+aa"\]\.balance: not a hex quantity: 5/);
  bad({ [A]: { nonce: -1 } }, /prestate\.json: \["0x0+aa"\]\.nonce: not a nonce/);
  bad({ [A]: { nonce: 1.5 } }, /\.nonce: not a nonce/);
  bad({ "0x1234": { balance: "0x1" } }, /prestate\.json: \["0x1234"\]: not an address/);
  bad({ [A]: "rich" }, /\["0x0+aa"\]: expected an account object/);
  bad({ [A]: { code: "0x123" } }, /\["0x0+aa"\]\.code: hexToBytes: odd number of hex digits/);
  bad({ [A]: { code: "6001" } }, /\.code: expected 0x-prefixed hex/);
  bad([{ result: ok }, { result: { [A]: { code: "0xzz" } } }], /\[1\]\.result\["0x0+aa"\]\.code: not hex data/); // a later view is checked too
  bad({ [A]: { storage: [] } }, /\.storage: expected an object of slots/);
  bad({ [A]: { storage: { [pad(1)]: "0x" + "1".repeat(65) } } }, /\.storage\["0x0+1"\]: "0x1111.*exceeds 256 bits/);
  bad({ [A]: { storage: { xyz: "0x1" } } }, /\.storage\["xyz"\] \(the slot\): not a hex quantity/);
  bad([{ txHash: "0xabc", error: "execution timeout" }], /prestate\.json: \[0\]: the node could not trace transaction 0xabc: execution timeout/);
  bad([{ txHash: "0xabc" }], /\[0\]: neither "result" nor "error"/);
  bad([{ result: null }], /\[0\]\.result: expected an object of accounts, got null/);
  bad([{ result: { pre: {}, post: {} } }], /diffMode/);
  bad("0x", /prestate\.json: expected a prestateTracer result/);
  bad([7], /prestate\.json: \[0\]: expected an object, got 7/);
});

test("isEmptyAccount: no balance, nonce, code or non-zero storage", () => {
  assert.equal(isEmptyAccount({ balance: "0x0", nonce: 0, storage: {} }), true);
  assert.equal(isEmptyAccount({ balance: "0x0", nonce: 0, storage: { "0x1": "0x0" } }), true);
  assert.equal(isEmptyAccount({ balance: "0x0", nonce: 0, storage: { "0x1": "0x2" } }), false);
  assert.equal(isEmptyAccount({ balance: "0x1", nonce: 0, storage: {} }), false);
  assert.equal(isEmptyAccount({ balance: "0x0", nonce: 1, storage: {} }), false);
  assert.equal(isEmptyAccount({ balance: "0x0", nonce: 0, code_hash: "0x12", storage: {} }), false);
});
