// ethereum-tests/RLPTests: encodings to reproduce, and inputs decoding must accept or reject.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { bytesToHex, hexToBytes } from "../../src/primitives/bytes.js";
import { decode, encode, type RlpInput, type RlpItem } from "../../src/primitives/rlp.js";
import { fixturePath } from "../fixtures.js";
import { loadKnownFailures, runFixtureCase, staleEntries } from "../trie/known-failures.js";

const SUITE = "RLPTests/";
const dir = fixturePath("ethereum-tests/RLPTests");

type JsonIn = string | number | JsonIn[];
interface RlpCase {
  in: JsonIn;
  out: string;
}

/** Fixture `in` values: "#"-prefixed strings are big integers, other strings UTF-8 text. */
function toInput(v: JsonIn): RlpInput {
  if (Array.isArray(v)) return v.map(toInput);
  if (typeof v === "number") return v;
  if (v.startsWith("#")) return BigInt(v.slice(1));
  return new TextEncoder().encode(v);
}

function reencode(item: RlpItem): Uint8Array {
  return encode(item);
}

function checkCase(c: RlpCase): void {
  const out = hexToBytes(c.out);
  if (c.in === "INVALID") {
    assert.throws(() => decode(out), /invalid RLP/, `decoding ${c.out} should fail`);
    return;
  }
  const decoded = decode(out); // VALID cases and encodings alike must decode...
  assert.equal(bytesToHex(reencode(decoded)), bytesToHex(out)); // ...to what encodes back the same
  if (c.in !== "VALID") assert.equal(bytesToHex(encode(toInput(c.in))), bytesToHex(out));
}

function jsonFiles(root: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(root).sort()) {
    const path = join(root, name);
    if (statSync(path).isDirectory()) found.push(...jsonFiles(path));
    else if (name.endsWith(".json")) found.push(path);
  }
  return found;
}

if (!existsSync(dir)) {
  test("RLPTests", (t) => t.skip(`fixtures absent: ${dir}`));
} else {
  const known = loadKnownFailures();
  const seen = new Set<string>();
  for (const path of jsonFiles(dir)) {
    const file = relative(dir, path);
    test(`RLPTests/${file}`, async (t) => {
      const cases = JSON.parse(readFileSync(path, "utf8")) as Record<string, RlpCase>;
      for (const [name, c] of Object.entries(cases)) {
        await t.test(name, (tc) => runFixtureCase(tc, `${SUITE}${file}:${name}`, known, seen, () => checkCase(c)));
      }
    });
  }
  test("RLPTests: known-failures.json lists only existing cases", () => {
    assert.deepEqual(staleEntries(known, SUITE, seen), []);
  });
}
