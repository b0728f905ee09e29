// The median of timing samples, shared by the benchmarks and the CLI's repeated runs.

/** The median of xs (the mean of the two middle values for an even count); xs is not changed. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length & 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
