// The ideal schedule for the page script: a self-contained twin of idealSchedule in
// records/txDag.ts. The page script cannot import, so html.ts inlines this function's source and
// hands it to reportClient, which computes each variant (thread count, order) the reader picks.
// Shipping the schedules instead would cost about 10 bytes per transaction and variant (some 160 kB
// for 2,000 transactions and 8 variants); this costs the function's source once.
// test/report/schedule.test.ts pins it to idealSchedule: same threads, same start and end times.

/** Each transaction's thread and times, in the costs' unit; makespan: the last end. */
export interface PageSchedule {
  thread: Int32Array;
  start: Float64Array;
  end: Float64Array;
  makespan: number;
}

/**
 * List scheduling on `threads` threads: whenever a thread is free (the lowest-numbered first), it
 * takes the ready transaction that comes first in `order` (a permutation; null: block order).
 * `predecessors[i]` are the earlier transactions i waits for. Self-contained: no reference to
 * anything outside its body.
 */
export function pageSchedule(predecessors: readonly (readonly number[])[], costs: readonly number[], threads: number, order: ArrayLike<number> | null): PageSchedule {
  /** A binary min-heap of items by key, ties by the lower item (as records/txDag.ts orders them). */
  function heap() {
    const items: number[] = [];
    const keys: number[] = [];
    const less = (a: number, b: number): boolean => keys[a]! < keys[b]! || (keys[a] === keys[b] && items[a]! < items[b]!);
    const swap = (a: number, b: number): void => {
      [items[a], items[b]] = [items[b]!, items[a]!];
      [keys[a], keys[b]] = [keys[b]!, keys[a]!];
    };
    return {
      size: (): number => items.length,
      peekKey: (): number => keys[0]!,
      push(item: number, key: number): void {
        items.push(item);
        keys.push(key);
        for (let i = items.length - 1; i > 0; ) {
          const parent = (i - 1) >> 1;
          if (!less(i, parent)) break;
          swap(i, parent);
          i = parent;
        }
      },
      pop(): number {
        const top = items[0]!;
        const lastItem = items.pop()!;
        const lastKey = keys.pop()!;
        if (items.length > 0) {
          items[0] = lastItem;
          keys[0] = lastKey;
          for (let i = 0; ; ) {
            const l = 2 * i + 1;
            let m = i;
            if (l < items.length && less(l, m)) m = l;
            if (l + 1 < items.length && less(l + 1, m)) m = l + 1;
            if (m === i) break;
            swap(i, m);
            i = m;
          }
        }
        return top;
      },
    };
  }

  const n = predecessors.length;
  const waitingOn = new Int32Array(n);
  const dependents: number[][] = [];
  for (let t = 0; t < n; t++) dependents.push([]);
  for (let t = 0; t < n; t++) {
    const distinct = new Set(predecessors[t]!);
    for (const d of distinct) dependents[d]!.push(t);
    waitingOn[t] = distinct.size;
  }
  const rank = new Int32Array(n);
  for (let position = 0; position < n; position++) rank[order === null ? position : order[position]!] = position;
  const ready = heap();
  for (let t = 0; t < n; t++) if (waitingOn[t] === 0) ready.push(t, rank[t]!);
  const running = heap(); // by finish time
  const free = heap(); // by thread number
  for (let k = 0; k < threads; k++) free.push(k, k);
  const thread = new Int32Array(n);
  const start = new Float64Array(n);
  const end = new Float64Array(n);
  let now = 0;
  let makespan = 0;
  for (let done = 0; done < n; done++) {
    while (free.size() > 0 && ready.size() > 0) {
      const t = ready.pop();
      thread[t] = free.pop();
      start[t] = now;
      end[t] = now + costs[t]!;
      if (end[t]! > makespan) makespan = end[t]!;
      running.push(t, end[t]!);
    }
    now = running.peekKey();
    const finished = running.pop();
    free.push(thread[finished]!, thread[finished]!);
    for (const u of dependents[finished]!) if (--waitingOn[u]! === 0) ready.push(u, rank[u]!);
  }
  return { thread, start, end, makespan };
}
