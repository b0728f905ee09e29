// The bytecode file read by key: the plain shape is indexed and agrees with JSON.parse; any other
// text gives no index (the loader then parses it whole); a block loads the same either way.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { BytecodeIndex } from "../../src/block/bytecodeIndex.js";

const dir = mkdtempSync(join(tmpdir(), "pevm-bytecode-index-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
let files = 0;

function indexOf(text: string): BytecodeIndex | null {
  const path = join(dir, `bytecodes-${files++}.json`);
  writeFileSync(path, text);
  return BytecodeIndex.read(path);
}

const H1 = "0x" + "11".repeat(32);
const H2 = "0x" + "22".repeat(32);

test("the plain shape is indexed, and every key reads as JSON.parse reads it", () => {
  const texts = [
    JSON.stringify({ [H1]: "0x6000", [H2]: "0x" }),
    JSON.stringify({ [H1]: "0x6000", [H2]: "0x" }, null, 2),
    `\r\n\t{ "${H1}" :\t"0x6000" ,\n"${H2}":"0x"}\n  `,
  ];
  for (const text of texts) {
    const index = indexOf(text);
    assert.ok(index !== null, text);
    const parsed = JSON.parse(text) as Record<string, string>;
    assert.equal(index.size, Object.keys(parsed).length);
    for (const [key, value] of Object.entries(parsed)) assert.equal(index.get(key), value);
    assert.equal(index.get("0x" + "33".repeat(32)), undefined);
  }
  assert.equal(indexOf("{}")!.size, 0);
  assert.equal(indexOf(` { } \n`)!.size, 0);
});

test("a repeated key keeps the later value, as JSON.parse does", () => {
  const text = `{"${H1}": "0x01", "${H1}": "0x02"}`;
  assert.equal(indexOf(text)!.get(H1), (JSON.parse(text) as Record<string, string>)[H1]);
  assert.equal(indexOf(text)!.get(H1), "0x02");
});

test("any other text gives no index, so that the file is parsed whole and its errors named as before", () => {
  const cases: [string, string][] = [
    ["an escape in a value", `{"${H1}": "0x60\\u0030"}`],
    ["an escaped quote", `{"${H1}": "0x6\\"0"}`],
    ["an escape in a key", `{"0x\\u0031": "0x00"}`],
    ["a nested object", `{"${H1}": {"code": "0x00"}}`],
    ["a number value", `{"${H1}": 5}`],
    ["an array", `["${H1}", "0x00"]`],
    ["a missing colon", `{"${H1}" "0x00"}`],
    ["a missing comma", `{"${H1}": "0x00" "${H2}": "0x00"}`],
    ["a trailing comma", `{"${H1}": "0x00",}`],
    ["truncated", `{"${H1}": "0x00"`],
    ["an unterminated string", `{"${H1}": "0x00`],
    ["text after the object", `{"${H1}": "0x00"} x`],
    ["two objects", `{} {}`],
    ["a non-ASCII key", `{"0xé": "0x00"}`],
    ["a control character in a key", `{"0x\u0001": "0x00"}`],
  ];
  for (const [name, text] of cases) assert.equal(indexOf(text), null, name);
  assert.equal(cases.length, 15);
});
