// What a report shows of one execution record, worked out before any HTML is written: the
// summary (records/analysis.ts), the graph's layout, the ideal and achieved speedups for the
// chart, and the compact JSON the page's script draws from (PanelData).
import { addressToHex, wordToHex, type Word } from "../primitives/word.js";
import { summarize, type RecordSummary } from "../records/analysis.js";
import { dependencyGraph, type DependencyGraph } from "../records/graph.js";
import { Field, type BlockRecord } from "../records/record.js";
import { criticalPathOrder, idealMakespans, type TxDag } from "../records/txDag.js";
import { LAYOUT, layoutGraph, type GraphLayout } from "./layout.js";

/** The chart's ideal curves run over 1..CHART_THREADS threads. */
export const CHART_THREADS = 16;
/** The thread counts the ideal schedule offers (and the run's own, when it is another). */
export const IDEAL_THREADS = [2, 4, 8, 16] as const;
/** Target contracts given a colour of their own (the most frequent ones). */
export const PALETTE = ["#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#dbdb8d", "#9edae5", "#bcbddc"] as const;
/** How many hot spots the tables list. */
const HOT_SPOTS = 12;

export interface ReportOptions {
  /** The page's title (default: the block number and fork). */
  title?: string;
  /** Wall time of a sequential run of the same block, in milliseconds: adds the achieved speedup. */
  sequentialMs?: number;
}

/** Unknown sender or target in PanelData.tx.from / .to; TO_CREATE: a contract creation. */
export const UNKNOWN = -1;
export const TO_CREATE = -2;

/**
 * The JSON the page's script reads, one per record drawn. Per-transaction and per-event values
 * are columns (arrays indexed by transaction or event) to keep pages of thousands of transactions
 * small; addresses and slots are interned (indices into `addresses` and `slots`).
 */
export interface PanelData {
  label: string;
  txCount: number;
  mode: "sequential" | "parallel";
  workers: number;
  addresses: string[];
  slots: string[];
  tx: {
    from: number[];
    to: number[];
    gas: number[];
    ms: number[];
    /** 1 success, 0 failure. */
    status: number[];
    incarnations: number[];
    aborts: number[];
    validationFailures: number[];
    depth: number[];
    /** The drawn component (an index into layout.components); -1 independent (a grid cell), -2 a sink. */
    component: number[];
    x: number[];
    y: number[];
  };
  /** [from, to, then address, field, slot for each location]; slot -1 for an account field. */
  edges: number[][];
  /** The critical path by time, ascending. */
  critical: number[];
  layout: {
    width: number;
    height: number;
    nodeWidth: number;
    nodeHeight: number;
    cell: number;
    /** [x, y, width, height, size, first transaction, depth] */
    components: number[][];
    grid: { x: number; y: number; count: number } | null;
    /** Transactions that depend on a large share of the block (layout.ts): their edges are drawn on demand. */
    sinks: number[];
    sinkBand: { x: number; y: number } | null;
  };
  /** Target contracts with a colour of their own: address index and colour. */
  palette: [number, string][];
  /** Rows of the timeline: the threads. */
  threads: number;
  timeline: {
    tx: number[];
    incarnation: number[];
    thread: number[];
    start: number[];
    end: number[];
    /** 0 execute, 1 validate. */
    kind: number[];
    /** Outcome: 0 executed, 1 blocked, 2 validation failed. */
    outcome: number[];
  };
  ideal: IdealData;
}

/**
 * What the page needs to draw the ideal schedule (records/txDag.ts idealSchedule) of each variant:
 * the page script computes the schedules itself (schedule.ts), from the edges and tx.ms as the
 * page carries them (rounded to 0.1 µs), so the makespans here use the same costs.
 */
export interface IdealData {
  /** Thread counts offered, ascending: IDEAL_THREADS and the run's own. */
  threads: number[];
  /** The one shown first: the run's thread count, 2 for a sequential run. */
  selected: number;
  /** criticalPathOrder: the transactions, the longest remaining chain of dependents first. */
  criticalOrder: number[];
  /** idealMakespan (ms) on threads[k] threads, in block order and in criticalOrder. */
  makespan: { block: number[]; critical: number[] };
  /** Σ tx.ms: the block's time on one thread. */
  totalMs: number;
  /** The run's wall time (ms) when it has a timeline (a Block-STM run), else null. */
  actualMs: number | null;
}

export interface SpeedupSeries {
  label: string;
  /** Ideal speedup by time on 1..CHART_THREADS threads (index t - 1). */
  ideal: number[];
  /** The same by gas. */
  idealGas: number[];
  /** Ideal speedup with unbounded threads (total / critical path), by time. */
  unbounded: number;
  achieved: { threads: number; speedup: number; label: string }[];
}

export interface ReportModel {
  title: string;
  record: BlockRecord;
  graph: DependencyGraph;
  summary: RecordSummary;
  layout: GraphLayout;
  sequentialMs: number | null;
  speedup: SpeedupSeries;
  panel: PanelData;
  /** Address (hex) to its colour, for the hot-spot tables. */
  colors: Map<string, string>;
}

export function reportModel(record: BlockRecord, options: ReportOptions = {}): ReportModel {
  const graph = dependencyGraph(record);
  const sequentialMs = options.sequentialMs !== undefined && options.sequentialMs > 0 ? options.sequentialMs : null;
  const summary = summarize(record, graph, { topN: HOT_SPOTS, ...(sequentialMs !== null ? { sequentialMs } : {}) });
  const layout = layoutGraph(graph);
  const title = options.title ?? `Block ${record.block.number} · ${record.block.fork}`;
  const speedup = speedupSeries(record, graph, summary, sequentialMs, title);
  const panel = panelData(record, graph, summary, layout, title);
  const colors = new Map(panel.palette.map(([a, color]) => [panel.addresses[a]!, color]));
  return { title, record, graph, summary, layout, sequentialMs, speedup, panel, colors };
}

// ---- the chart's series ----------------------------------------------------------------------

function speedupSeries(record: BlockRecord, graph: DependencyGraph, summary: RecordSummary, sequentialMs: number | null, label: string): SpeedupSeries {
  const dag: TxDag = graph.predecessors;
  const ms = record.transactions.map((tx) => tx.ms);
  const gas = record.transactions.map((tx) => Number(tx.gasUsed));
  const achieved: SpeedupSeries["achieved"] = [];
  const { workers, executionMs } = record.run;
  if (summary.achieved.parallelism !== null) achieved.push({ threads: workers, speedup: summary.achieved.parallelism, label: "achieved parallelism (Σ transaction time / wall time)" });
  if (sequentialMs !== null && executionMs > 0) achieved.push({ threads: workers, speedup: sequentialMs / executionMs, label: "achieved speedup over the sequential run" });
  return { label, ideal: idealCurve(dag, ms), idealGas: idealCurve(dag, gas), unbounded: summary.idealSpeedup.byTime.unbounded, achieved };
}

/** total / idealMakespan on 1..CHART_THREADS threads (1 where the makespan is 0, as analysis.ts counts it). */
export function idealCurve(dag: TxDag, costs: readonly number[]): number[] {
  const total = costs.reduce((a, b) => a + b, 0);
  const threads = Array.from({ length: CHART_THREADS }, (_, k) => k + 1);
  return idealMakespans(dag, costs, threads).map((makespan) => (makespan === 0 ? 1 : total / makespan));
}

// ---- the page's data -------------------------------------------------------------------------

/** Hex strings by first use, for the page's tables of addresses and slots. */
class Interner {
  readonly list: string[] = [];
  private readonly index = new Map<Word, number>();

  constructor(private readonly toHex: (w: Word) => string) {}

  of(word: Word): number {
    let i = this.index.get(word);
    if (i === undefined) {
      i = this.list.length;
      this.index.set(word, i);
      this.list.push(this.toHex(word));
    }
    return i;
  }
}

function panelData(record: BlockRecord, graph: DependencyGraph, summary: RecordSummary, layout: GraphLayout, label: string): PanelData {
  const addresses = new Interner(addressToHex);
  const slots = new Interner((w) => wordToHex(w, 32));
  const txs = record.transactions;
  const tx: PanelData["tx"] = {
    from: txs.map((t) => (t.from === undefined ? UNKNOWN : addresses.of(t.from))),
    to: txs.map((t) => (t.to === undefined ? UNKNOWN : t.to === null ? TO_CREATE : addresses.of(t.to))),
    gas: txs.map((t) => Number(t.gasUsed)),
    ms: txs.map((t) => round(t.ms, 4)),
    status: txs.map((t) => t.status as number),
    incarnations: txs.map((t) => t.incarnations),
    aborts: txs.map((t) => t.aborts),
    validationFailures: txs.map((t) => t.validationFailures),
    depth: layout.depth,
    component: layout.component,
    x: layout.x.map((v) => round(v, 1)),
    y: layout.y.map((v) => round(v, 1)),
  };
  const edges = graph.edges.map((e) => {
    const row = [e.from, e.to];
    for (const l of e.locations) row.push(addresses.of(l.address), l.field, l.field === Field.Storage ? slots.of(l.slot) : -1);
    return row;
  });
  const events = record.timeline;
  const threads = Math.max(record.run.workers, maxThread(events) + 1);
  return {
    label,
    txCount: txs.length,
    mode: record.run.mode,
    workers: record.run.workers,
    addresses: addresses.list,
    slots: slots.list,
    tx,
    edges,
    critical: summary.criticalPath.byTime.transactions,
    layout: {
      width: layout.width,
      height: layout.height,
      nodeWidth: LAYOUT.nodeWidth,
      nodeHeight: LAYOUT.nodeHeight,
      cell: LAYOUT.cell,
      components: layout.components.map((c) => [c.x, c.y, c.width, c.height, c.size, c.first, c.depth]),
      grid: layout.grid === null ? null : { x: layout.grid.x, y: layout.grid.y, count: layout.grid.count },
      sinks: layout.sinks,
      sinkBand: layout.sinkBand,
    },
    palette: palette(tx.to),
    threads,
    timeline: {
      tx: events.map((e) => e.tx),
      incarnation: events.map((e) => e.incarnation),
      thread: events.map((e) => e.thread),
      start: events.map((e) => round(e.start, 3)),
      end: events.map((e) => round(e.end, 3)),
      kind: events.map((e) => (e.kind === "execute" ? 0 : 1)),
      outcome: events.map((e) => e.outcome as number),
    },
    ideal: idealData(graph.predecessors, tx.ms, record),
  };
}

function idealData(dag: TxDag, costs: number[], record: BlockRecord): IdealData {
  const workers = record.run.workers;
  const threads = [...new Set<number>([...IDEAL_THREADS, ...(workers > 1 ? [workers] : [])])].sort((a, b) => a - b);
  const criticalOrder = Array.from(criticalPathOrder(dag, costs));
  return {
    threads,
    selected: workers > 1 ? workers : 2,
    criticalOrder,
    makespan: {
      block: idealMakespans(dag, costs, threads),
      critical: idealMakespans(dag, costs, threads, criticalOrder),
    },
    totalMs: costs.reduce((a, b) => a + b, 0),
    actualMs: record.timeline.length > 0 ? record.run.executionMs : null,
  };
}

function maxThread(events: BlockRecord["timeline"]): number {
  let max = -1;
  for (const e of events) if (e.thread > max) max = e.thread;
  return max;
}

/** The most frequent targets (two transactions or more), each with a colour. */
function palette(to: number[]): [number, string][] {
  const counts = new Map<number, number>();
  for (const a of to) if (a >= 0) counts.set(a, (counts.get(a) ?? 0) + 1);
  return [...counts]
    .filter(([, count]) => count >= 2)
    .sort(([a, x], [b, y]) => y - x || a - b)
    .slice(0, PALETTE.length)
    .map(([address], i) => [address, PALETTE[i]!]);
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
