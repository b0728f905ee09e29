// bench/resample: the interval ab-sequential gives its total ratio, from resampling its runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ratioInterval, totalRatio } from "../../bench/resample.js";

/** times[side][block][run] for two blocks. */
function times(a: number[][], b: number[][]): number[][][] {
  return [a, b];
}

test("totalRatio: the total of per-block medians of A over B's, for the runs picked", () => {
  const t = times(
    [
      [10, 30, 20],
      [1, 1, 100],
    ],
    [
      [5, 5, 5],
      [1, 1, 1],
    ],
  );
  assert.equal(totalRatio(t, [0, 1, 2]), (20 + 1) / (5 + 1));
  assert.equal(totalRatio(t, [2, 2, 2]), (20 + 100) / (5 + 1));
});

test("ratioInterval: a constant ratio gives that ratio at both ends; noise widens it around the ratio", () => {
  const runs = 9;
  const steady = times([Array(runs).fill(20), Array(runs).fill(4)], [Array(runs).fill(10), Array(runs).fill(2)]);
  assert.deepEqual(ratioInterval(steady, runs), [2, 2]);

  // A's runs take 0.9x-1.5x B's: every resampled median ratio lies in that range, around 1.15.
  const a = [10, 13, 11, 15, 9, 12, 14, 10.5, 11.5];
  const noisy = times([a], [Array(runs).fill(10)]);
  const [low, high] = ratioInterval(noisy, runs);
  assert.ok(low >= 0.9 && high <= 1.5 && low < 1.15 && high > 1.15, `interval ${low}-${high}`);
});
