// How far a host's drift alone moves a ratio measured side by side: resampling the runs of an A/B
// comparison (bench/ab-sequential) gives an interval for the ratio of its totals.
import { median } from "../src/primitives/median.js";

/**
 * The total of per-block medians of A over B's for the runs `picks`: times[side][block][run], side 0
 * A and 1 B.
 */
export function totalRatio(times: number[][][], picks: number[]): number {
  let a = 0;
  let b = 0;
  for (let k = 0; k < times[0]!.length; k++) {
    a += median(picks.map((r) => times[0]![k]![r]!));
    b += median(picks.map((r) => times[1]![k]![r]!));
  }
  return a / b;
}

/** A small seeded generator (the interval is the same for the same times). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * The 5th and 95th percentiles of the total ratio over `resamples` resamplings of the runs (with
 * replacement; A's and B's times of a run stay paired, as they ran side by side): how far this
 * host's drift alone moves the ratio. A change inside the interval is not told apart from noise.
 */
export function ratioInterval(times: number[][][], runs: number, resamples = 1000): [number, number] {
  const random = seededRandom(0x5eed);
  const ratios: number[] = [];
  for (let i = 0; i < resamples; i++) {
    const picks = Array.from({ length: runs }, () => Math.floor(random() * runs));
    ratios.push(totalRatio(times, picks));
  }
  ratios.sort((p, q) => p - q);
  return [ratios[Math.floor(0.05 * resamples)]!, ratios[Math.floor(0.95 * resamples)]!];
}
