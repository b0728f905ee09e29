// Runs state-test files on worker threads (one per core by default) and streams results back.
// Workers get a large stack: calls nest 1024 deep and each level is an interpreter frame.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { CaseResult, RunOptions } from "./runner.js";

export interface FileResult {
  file: string;
  results: CaseResult[];
  /** Set when the file could not be read or run at all. */
  error?: string;
}

export interface PoolOptions extends RunOptions {
  workers?: number;
  onFile?: (result: FileResult, done: number, total: number) => void;
}

const WORKER_URL = new URL("./worker.js", import.meta.url);

export async function runFilesInPool(files: string[], options: PoolOptions = {}): Promise<FileResult[]> {
  const workerCount = Math.max(1, Math.min(options.workers ?? availableParallelism(), files.length));
  const results: FileResult[] = new Array(files.length);
  let next = 0;
  let done = 0;
  const runWorker = () =>
    new Promise<void>((resolve, reject) => {
      const worker = new Worker(WORKER_URL, {
        workerData: { fork: options.fork, filter: options.filter, skip: options.skip },
        resourceLimits: { stackSizeMb: 256, maxOldGenerationSizeMb: 4096 },
      });
      let current = -1;
      const feed = () => {
        if (next >= files.length) {
          void worker.terminate();
          resolve();
          return;
        }
        current = next++;
        worker.postMessage(files[current]);
      };
      worker.on("message", (r: FileResult) => {
        results[current] = r;
        done++;
        options.onFile?.(r, done, files.length);
        feed();
      });
      worker.on("error", (e) => {
        if (current >= 0 && results[current] === undefined) {
          results[current] = { file: files[current]!, results: [], error: `worker crashed: ${e.message}` };
          done++;
        }
        // Replace the dead worker and go on with the remaining files.
        runWorker().then(resolve, reject);
      });
      feed();
    });
  await Promise.all(Array.from({ length: workerCount }, runWorker));
  return results;
}
