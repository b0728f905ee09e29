// The bench scripts' command lines: a misspelt option, a missing value or a value that is not a
// number ends the script before it measures anything, with one line naming the problem and the
// script's usage, exit status 2 and no stack trace; --help prints the usage and exits 0.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { repoPath } from "../fixtures.js";

function bench(script: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [repoPath(`dist/bench/${script}.js`), ...args], { encoding: "utf8", timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const BAD: { script: string; args: string[]; says: RegExp }[] = [
  { script: "keccak", args: ["--jsn"], says: /^bench\/keccak: unknown option --jsn$/m },
  { script: "mainnet", args: ["--runs", "five"], says: /^bench\/mainnet: --runs: a whole number of at least 1, got five$/m },
  { script: "mainnet", args: ["--passes", "0"], says: /^bench\/mainnet: --passes: a whole number of at least 1, got 0$/m },
  { script: "trie", args: ["--sizes", "100,x"], says: /^bench\/trie: --sizes: comma-separated whole numbers of at least 1, got 100,x$/m },
  { script: "parallel", args: ["--gas", "lots"], says: /^bench\/parallel: --gas: a positive number, got lots$/m },
  { script: "ceiling", args: ["--threads", "1"], says: /^bench\/ceiling: --threads: a whole number of at least 2, got 1$/m },
  { script: "coldstart", args: ["--blocks"], says: /^bench\/coldstart: --blocks needs a value$/m },
  { script: "contention", args: ["--runs", "0"], says: /^bench\/contention: --runs: a whole number of at least 1, got 0$/m },
  { script: "contention", args: ["--blocks", "1,2"], says: /^bench\/contention: no fixture block 1 under /m },
  { script: "stress-parallel", args: ["--rounds", "20"], says: /^bench\/stress-parallel: unknown option --rounds$/m },
  { script: "fuzz", args: ["--fork", "Homestead"], says: /^bench\/fuzz: --fork: one of .*, got Homestead$/m },
  { script: "interpreter", args: ["--warmup-ms", "soon"], says: /^bench\/interpreter: --warmup-ms: a positive number, got soon$/m },
];

for (const c of BAD) {
  test(`bench/${c.script} ${c.args.join(" ")}: a usage error, exit status 2, no stack trace`, () => {
    const r = bench(c.script, ...c.args);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, c.says);
    assert.match(r.err, /^usage: node dist\/bench\//m, "the usage follows the problem");
    assert.doesNotMatch(r.err, /^\s+at /m, "no stack trace");
    assert.equal(r.out, "", "nothing measured");
  });
}

test("bench scripts print their usage for --help and exit 0", () => {
  for (const script of ["mainnet", "parallel", "coldstart", "serve", "costmodel", "contention"]) {
    const r = bench(script, "--help");
    assert.equal(r.code, 0, `${script}: ${r.err}`);
    assert.match(r.out, new RegExp(`^usage: node dist/bench/${script}\\.js`, "m"), script);
  }
});
