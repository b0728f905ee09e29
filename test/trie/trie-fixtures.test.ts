// ethereum-tests/TrieTests: roots of tries built from ordered puts/deletes or unordered maps.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { bytesToHex, compareBytes, hexToBytes } from "../../src/primitives/bytes.js";
import { secureTrieRoot, trieRoot } from "../../src/trie/root.js";
import { fixturePath } from "../fixtures.js";
import { loadKnownFailures, runFixtureCase, staleEntries } from "./known-failures.js";

const SUITE = "TrieTests/";
const dir = fixturePath("ethereum-tests/TrieTests");
const utf8 = new TextEncoder();

type Input = Record<string, string | null> | Array<[string, string | null]>;
interface RootCase {
  in: Input;
  root: string;
}
interface NextPrevCase {
  in: string[];
  tests: Array<[string, string, string]>;
}

/** Fixture strings are hex when "0x"- or "hex:"-prefixed, UTF-8 text otherwise. */
function fixtureBytes(s: string): Uint8Array {
  if (s.startsWith("0x")) return hexToBytes(s);
  if (s.startsWith("hex:")) return hexToBytes(s.slice(4));
  return utf8.encode(s);
}

/** Applies the puts (and deletes: null or empty values) in order; returns the final pairs. */
function applyInput(input: Input): Array<[Uint8Array, Uint8Array]> {
  const steps = Array.isArray(input) ? input : Object.entries(input);
  const contents = new Map<string, [Uint8Array, Uint8Array]>();
  for (const [keyText, valueText] of steps) {
    const key = fixtureBytes(keyText);
    const id = bytesToHex(key);
    const value = valueText === null ? null : fixtureBytes(valueText);
    if (value === null || value.length === 0) contents.delete(id);
    else contents.set(id, [key, value]);
  }
  return [...contents.values()];
}

function checkRoot(file: string, c: RootCase): void {
  const pairs = applyInput(c.in);
  const root = /secure/i.test(file) ? secureTrieRoot(pairs) : trieRoot(pairs);
  assert.equal(bytesToHex(root), c.root.toLowerCase());
}

/** trietestnextprev: the neighbours of a probe key among the sorted keys ("" where none). */
function checkNextPrev(c: NextPrevCase): void {
  const keys = c.in.map((k) => utf8.encode(k)).sort(compareBytes);
  for (const [probeText, prevText, nextText] of c.tests) {
    const probe = utf8.encode(probeText);
    let prev = "";
    let next = "";
    for (const key of keys) {
      const order = compareBytes(key, probe);
      if (order < 0) prev = new TextDecoder().decode(key);
      else if (order > 0 && next === "") next = new TextDecoder().decode(key);
    }
    assert.deepEqual([prev, next], [prevText, nextText], `neighbours of "${probeText}"`);
  }
}

if (!existsSync(dir)) {
  test("TrieTests", (t) => t.skip(`fixtures absent: ${dir}`));
} else {
  const known = loadKnownFailures();
  const seen = new Set<string>();
  const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
  for (const file of files) {
    test(`TrieTests/${file}`, async (t) => {
      const cases = JSON.parse(readFileSync(join(dir, file), "utf8")) as Record<string, RootCase | NextPrevCase>;
      for (const [name, c] of Object.entries(cases)) {
        await t.test(name, (tc) =>
          runFixtureCase(tc, `${SUITE}${file}:${name}`, known, seen, () => {
            if ("tests" in c) checkNextPrev(c);
            else checkRoot(file, c);
          }),
        );
      }
    });
  }
  test("TrieTests: known-failures.json lists only existing cases", () => {
    assert.deepEqual(staleEntries(known, SUITE, seen), []);
  });
}
