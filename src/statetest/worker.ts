// Worker thread body for pool.ts: runs whole files and posts their results.
import { parentPort, workerData } from "node:worker_threads";
import { readTestFile } from "./files.js";
import type { FileResult } from "./pool.js";
import { runStateTest, type RunOptions } from "./runner.js";

const options = workerData as RunOptions;

parentPort!.on("message", (file: string) => {
  let out: FileResult;
  try {
    const tests = readTestFile(file);
    const results = [];
    for (const [name, test] of Object.entries(tests)) results.push(...runStateTest(name, test, options));
    out = { file, results };
  } catch (e) {
    out = { file, results: [], error: (e as Error).message };
  }
  parentPort!.postMessage(out);
});
