// Crash safety: a writer process stores blocks in a loop, printing "stored <block> <run>" after
// each commit, and is SIGKILLed at random points (during start-up and schema creation, between
// and inside transactions), at least 50 times, restarted each time on the same file. Afterwards
// the store opens, PRAGMA integrity_check says "ok", every block reported stored is there and
// whole, and so is every other run the store holds (a record is all there or not at all).
//
// The same file is the writer: run with PEVM_STORE_KILL_DB set, it stores instead of testing.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import Database from "better-sqlite3";
import { recordToJson } from "../../src/records/json.js";
import { RecordStore } from "../../src/store/store.js";
import { random } from "../helpers/random.js";
import { syntheticRecord } from "./syntheticRecord.js";

const KILLS = 50;
/** The record the writer stores as block n (small: a few milliseconds a commit). */
const recordOf = (n: number) => syntheticRecord(n, { txs: 4 + (n % 17) });

function writer(db: string, start: number): never {
  const store = RecordStore.open(db);
  for (let n = start; ; n++) {
    const { run } = store.saveBlock(recordOf(n));
    // Synchronous on a pipe (Linux): once it returns, the parent will read the line.
    process.stdout.write(`stored ${n} ${run}\n`);
  }
}

interface Round {
  killed: boolean;
  stored: [number, number][];
  stderr: string;
}

/** Starts a writer at block `start`; kills it `delayMs` after the first stored line (or after its start, when `early`). */
function round(db: string, start: number, delayMs: number, early: boolean): Promise<Round> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], {
      env: { ...process.env, PEVM_STORE_KILL_DB: db, PEVM_STORE_KILL_START: String(start) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const stored: [number, number][] = [];
    let pending = "";
    let stderr = "";
    let timer: NodeJS.Timeout | undefined;
    const kill = () => child.kill("SIGKILL");
    if (early) timer = setTimeout(kill, delayMs);
    // A writer that never reports (stuck on a lock) is killed too; the test then fails on its reports.
    const stuck = setTimeout(kill, 20_000);
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop()!; // an incomplete last line is not a report
      for (const line of lines) {
        const m = /^stored (\d+) (\d+)$/.exec(line);
        if (m === null) return reject(new Error(`writer printed "${line}"`));
        stored.push([Number(m[1]), Number(m[2])]);
      }
      if (timer === undefined && stored.length > 0) timer = setTimeout(kill, delayMs);
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (_code, signal) => {
      clearTimeout(timer);
      clearTimeout(stuck);
      resolve({ killed: signal === "SIGKILL", stored, stderr });
    });
  });
}

const WRITER_DB = process.env.PEVM_STORE_KILL_DB;
if (WRITER_DB !== undefined) {
  writer(WRITER_DB, Number(process.env.PEVM_STORE_KILL_START));
} else {
  test(`a writer SIGKILLed ${KILLS} times at random points leaves a sound store holding every block it reported`, { timeout: 240_000 }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "pevm-kill-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const db = join(dir, "records.db");
    const seed = Date.now() % 1_000_000;
    t.diagnostic(`seed ${seed}`);
    const rand = random(seed);
    const reported: [number, number][] = [];
    let kills = 0;
    let rounds = 0;
    let next = 1;
    let killedBeforeAnyCommit = 0;
    while (kills < KILLS) {
      // A few kills while the writer starts (opening, creating the schema), the rest while it stores.
      const early = rounds < 8 && rounds % 2 === 0;
      const r = await round(db, next, early ? rand() * 300 : rand() * 60, early);
      rounds++;
      assert.ok(r.killed || r.stderr === "", `the writer failed on its own: ${r.stderr}`);
      assert.ok(r.killed, "the writer was killed");
      kills++;
      if (r.stored.length === 0) killedBeforeAnyCommit++;
      reported.push(...r.stored);
      // The block after the last reported one: one committed but unreported is then stored again, as a second run.
      if (r.stored.length > 0) next = r.stored[r.stored.length - 1]![0] + 1;
      assert.ok(rounds < KILLS * 3, "too many rounds");
    }
    t.diagnostic(`${kills} kills, ${reported.length} blocks reported stored, ${killedBeforeAnyCommit} kills before the writer's first commit`);
    assert.ok(reported.length >= KILLS, `only ${reported.length} blocks were stored across ${kills} writers`);

    const raw = new Database(db);
    try {
      assert.equal(raw.pragma("integrity_check", { simple: true }), "ok");
    } finally {
      raw.close();
    }
    const store = RecordStore.open(db);
    try {
      for (const [n, run] of reported) {
        assert.deepEqual(recordToJson(store.getRecord(n, { run })), recordToJson(recordOf(n)), `block ${n}, run ${run} (reported stored)`);
      }
      // Every run in the store is whole, reported or not (one committed just before a kill).
      const all = store.listBlocks();
      assert.ok(all.length >= reported.length);
      for (const b of all) assert.deepStrictEqual(store.getRecord(b.number, { run: b.run }), recordOf(Number(b.number)), `block ${b.number}, run ${b.run}`);
      t.diagnostic(`${all.length} runs in the store checked whole`);
    } finally {
      store.close();
    }
  });
}
