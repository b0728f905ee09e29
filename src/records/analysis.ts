// Summary measures of a block's execution record and its dependency graph: how much of the block
// could run in parallel (independent share, conflict ratio, weakly connected components, critical
// path, ideal speedup per thread count), how much did (achieved parallelism, speedup, scheduling
// efficiency), how far dependencies reach (dependency distance), what the run re-executed, and which
// contracts and storage slots the dependencies go through (hot spots). The summary is a plain
// JSON-friendly object (numbers, strings, null); formatSummary gives the lines the CLI prints.
import { addressToHex, wordToHex, type Word } from "../primitives/word.js";
import type { DependencyGraph, Edge } from "./graph.js";
import { Field, type BlockRecord } from "./record.js";
import { criticalPath, idealMakespans, type TxDag } from "./txDag.js";

export interface SummaryOptions {
  /** Wall time of a sequential run of the same block, in milliseconds (for speedup and efficiency). */
  sequentialMs?: number;
  /** How many hot spots to list (default 10). */
  topN?: number;
}

export interface CriticalPathSummary {
  /** The transactions on the path, ascending. */
  transactions: number[];
  /** The path's cost (milliseconds or gas). */
  total: number;
  /** The cost of every transaction of the block. */
  blockTotal: number;
  /** total / blockTotal; null when blockTotal is 0 (an empty block, or one with no measured cost). */
  share: number | null;
}

export interface SpeedupTable {
  /** total / idealMakespan on that many threads (1 when the makespan is 0). */
  threads: { threads: number; speedup: number }[];
  /** total / critical path: the speedup of an ideal executor with unbounded threads (1 when the path is 0). */
  unbounded: number;
}

export interface DistanceBucket {
  from: number;
  /** The bucket's last distance, inclusive; null for the open last bucket. */
  to: number | null;
  count: number;
}

export interface DistanceSummary {
  /** Edges measured; mean, median and max are 0 when there are none. */
  count: number;
  mean: number;
  median: number;
  max: number;
  histogram: DistanceBucket[];
}

export interface ContractHotSpot {
  address: string;
  /** Edges with a location of this address (an edge counts once however many it has). */
  edges: number;
  /** Aborts and validation failures attributed to this address (see attributeRetries). */
  reexecutions: number;
}

export interface SlotHotSpot {
  address: string;
  /** The storage slot, 0x + 64 hex digits. */
  slot: string;
  edges: number;
}

export interface RecordSummary {
  txCount: number;
  edgeCount: number;
  /** Transactions with at least one predecessor. */
  dependentTxs: number;
  /** dependentTxs / txCount (0 for an empty block). */
  conflictRatio: number;
  /** Share of transactions with no edge at all, in or out (components of one); 0 for an empty block. */
  independentShare: number;
  /** Weakly connected components of the graph, and the size of the largest. */
  components: { count: number; largest: number };
  criticalPath: { byTime: CriticalPathSummary; byGas: CriticalPathSummary };
  idealSpeedup: { byTime: SpeedupTable; byGas: SpeedupTable };
  achieved: {
    /** Sum of the transactions' measured time / the run's execution time; null when that is 0. */
    parallelism: number | null;
    /** sequentialMs / executionMs; null without sequentialMs or a measured execution time. */
    speedup: number | null;
    /** M = (T − A) / (T − L); see schedulingEfficiency. */
    schedulingEfficiency: number | null;
  };
  dependencyDistance: DistanceSummary;
  /** Executions beyond one per transaction: incarnations − 1 + aborts, summed over the transactions that ran. */
  reexecutions: number;
  aborts: number;
  validationFailures: number;
  hotSpots: { contracts: ContractHotSpot[]; slots: SlotHotSpot[] };
}

export const SPEEDUP_THREADS = [2, 4, 8, 16] as const;

/** Dependency-distance buckets: 1, 2, 3–4, 5–8, 9–16, 17–64, 65+. */
export const DISTANCE_BUCKETS: readonly (readonly [number, number | null])[] = [
  [1, 1],
  [2, 2],
  [3, 4],
  [5, 8],
  [9, 16],
  [17, 64],
  [65, null],
];

const DEFAULT_TOP_N = 10;

export function summarize(record: BlockRecord, graph: DependencyGraph, options: SummaryOptions = {}): RecordSummary {
  const txCount = record.transactions.length;
  if (graph.txCount !== txCount || graph.predecessors.length !== txCount) {
    throw new RangeError(`record of ${txCount} transactions, but a dependency graph of ${graph.predecessors.length}`);
  }
  const dag: TxDag = graph.predecessors;
  const timeCosts = record.transactions.map((tx) => tx.ms);
  const gasCosts = record.transactions.map((tx) => Number(tx.gasUsed));
  const dependentTxs = graph.predecessors.filter((preds) => preds.length > 0).length;
  const byTime = criticalPathSummary(dag, timeCosts);
  const byGas = criticalPathSummary(dag, gasCosts);
  return {
    txCount,
    edgeCount: graph.edges.length,
    dependentTxs,
    conflictRatio: txCount === 0 ? 0 : dependentTxs / txCount,
    independentShare: txCount === 0 ? 0 : isolatedCount(graph) / txCount,
    components: weakComponents(graph),
    criticalPath: { byTime, byGas },
    idealSpeedup: { byTime: speedupTable(dag, timeCosts, byTime), byGas: speedupTable(dag, gasCosts, byGas) },
    achieved: achieved(record, options.sequentialMs, byTime),
    dependencyDistance: dependencyDistance(graph.edges),
    ...retryTotals(record),
    hotSpots: hotSpots(record, graph.edges, options.topN ?? DEFAULT_TOP_N),
  };
}

// ---- structure -------------------------------------------------------------------------------

/** Transactions with no predecessor and no successor. */
function isolatedCount(graph: DependencyGraph): number {
  const touched = new Uint8Array(graph.txCount);
  for (const edge of graph.edges) touched[edge.from] = touched[edge.to] = 1;
  let isolated = 0;
  for (const t of touched) if (t === 0) isolated++;
  return isolated;
}

/** Weakly connected components, by union-find over the edges. */
function weakComponents(graph: DependencyGraph): { count: number; largest: number } {
  const n = graph.txCount;
  const parent = new Int32Array(n);
  const size = new Int32Array(n).fill(1);
  for (let i = 0; i < n; i++) parent[i] = i;
  const root = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  let count = n;
  for (const edge of graph.edges) {
    let a = root(edge.from);
    let b = root(edge.to);
    if (a === b) continue;
    if (size[a]! < size[b]!) [a, b] = [b, a];
    parent[b] = a;
    size[a]! += size[b]!;
    count--;
  }
  let largest = 0;
  for (let i = 0; i < n; i++) if (parent[i] === i && size[i]! > largest) largest = size[i]!;
  return { count, largest };
}

// ---- critical path and ideal speedup ---------------------------------------------------------

/**
 * The critical path's length (txDag.criticalPath, which also checks the graph) and the transactions
 * on it. Ties go to the lowest index: the path ends at the lowest-numbered transaction that finishes
 * last, and each step back takes the lowest-numbered predecessor that finishes last.
 */
function criticalPathSummary(dag: TxDag, costs: readonly number[]): CriticalPathSummary {
  const total = criticalPath(dag, costs);
  const blockTotal = sum(costs);
  return { transactions: criticalChain(dag, costs), total, blockTotal, share: blockTotal === 0 ? null : total / blockTotal };
}

function criticalChain(dag: TxDag, costs: readonly number[]): number[] {
  const n = dag.length;
  const finish = new Float64Array(n);
  const via = new Int32Array(n).fill(-1);
  let end = -1;
  for (let tx = 0; tx < n; tx++) {
    let start = 0;
    for (const d of dag[tx]!) {
      if (finish[d]! > start || (via[tx] === -1 && finish[d] === start)) {
        start = finish[d]!;
        via[tx] = d;
      }
    }
    finish[tx] = start + costs[tx]!;
    if (end === -1 || finish[tx]! > finish[end]!) end = tx;
  }
  const chain: number[] = [];
  for (let tx = end; tx !== -1; tx = via[tx]!) chain.push(tx);
  return chain.reverse();
}

function speedupTable(dag: TxDag, costs: readonly number[], path: CriticalPathSummary): SpeedupTable {
  const ratio = (makespan: number): number => (makespan === 0 ? 1 : path.blockTotal / makespan);
  return {
    threads: idealMakespans(dag, costs, SPEEDUP_THREADS).map((makespan, k) => ({ threads: SPEEDUP_THREADS[k]!, speedup: ratio(makespan) })),
    unbounded: ratio(path.total),
  };
}

// ---- what the run achieved -------------------------------------------------------------------

function achieved(record: BlockRecord, sequentialMs: number | undefined, byTime: CriticalPathSummary): RecordSummary["achieved"] {
  const executionMs = record.run.executionMs;
  // A run in order (sequential, or the recording pass after a fallback) parallelised nothing: its time says nothing of scheduling.
  const measured = executionMs > 0 && record.run.mode === "parallel";
  return {
    parallelism: measured ? byTime.blockTotal / executionMs : null,
    speedup: measured && sequentialMs !== undefined ? sequentialMs / executionMs : null,
    schedulingEfficiency: schedulingEfficiency(sequentialMs, executionMs, byTime.share, measured),
  };
}

/**
 * M = (T − A) / (T − L): the share of the possible saving the run achieved. T is the sequential
 * time, A the achieved (parallel execution) time, and L the lower bound, taken here as
 * T × (the critical path's share of the block's measured time): the sequential time scaled down to
 * the critical path, i.e. T / (the unbounded ideal speedup by time). Null without T, without a
 * measured A or critical-path share, or when T = L (nothing to save: the block is one chain).
 */
function schedulingEfficiency(sequentialMs: number | undefined, executionMs: number, criticalShare: number | null, measured: boolean): number | null {
  if (sequentialMs === undefined || !measured || criticalShare === null) return null;
  const lowerBound = sequentialMs * criticalShare;
  if (sequentialMs === lowerBound) return null;
  return (sequentialMs - executionMs) / (sequentialMs - lowerBound);
}

function retryTotals(record: BlockRecord): Pick<RecordSummary, "reexecutions" | "aborts" | "validationFailures"> {
  let reexecutions = 0;
  let aborts = 0;
  let validationFailures = 0;
  for (const tx of record.transactions) {
    if (tx.incarnations > 0) reexecutions += tx.incarnations - 1 + tx.aborts;
    aborts += tx.aborts;
    validationFailures += tx.validationFailures;
  }
  return { reexecutions, aborts, validationFailures };
}

// ---- dependency distance ---------------------------------------------------------------------

/** Distances (to − from) of the edges: count, mean, median, max and the bucket histogram. */
function dependencyDistance(edges: readonly Edge[]): DistanceSummary {
  const distances = new Int32Array(edges.length);
  for (let i = 0; i < edges.length; i++) distances[i] = edges[i]!.to - edges[i]!.from;
  distances.sort();
  const count = distances.length;
  const histogram = DISTANCE_BUCKETS.map(([from, to]) => ({ from, to, count: 0 }));
  for (const d of distances) histogram[bucketOf(d)]!.count++;
  return {
    count,
    mean: count === 0 ? 0 : sum(distances) / count,
    median: median(distances),
    max: count === 0 ? 0 : distances[count - 1]!,
    histogram,
  };
}

function bucketOf(distance: number): number {
  let b = 0;
  while (b < DISTANCE_BUCKETS.length - 1 && distance > DISTANCE_BUCKETS[b]![1]!) b++;
  return b;
}

/** Median of ascending values: the middle one, or the mean of the middle two; 0 when empty. */
function median(sorted: Int32Array): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

// ---- hot spots -------------------------------------------------------------------------------

interface ContractTally {
  edges: number;
  reexecutions: number;
}

function hotSpots(record: BlockRecord, edges: readonly Edge[], topN: number): RecordSummary["hotSpots"] {
  const contracts = new Map<Word, ContractTally>();
  const slots = new Map<Word, Map<Word, number>>();
  for (const edge of edges) {
    for (const address of edgeAddresses(edge)) tallyOf(contracts, address).edges++;
    countSlots(slots, edge);
  }
  attributeRetries(record, edges, contracts);
  return { contracts: topContracts(contracts, topN), slots: topSlots(slots, topN) };
}

/** The distinct addresses among an edge's locations. */
function edgeAddresses(edge: Edge): Word[] {
  const addresses: Word[] = [];
  for (const location of edge.locations) if (!addresses.includes(location.address)) addresses.push(location.address);
  return addresses;
}

function tallyOf(contracts: Map<Word, ContractTally>, address: Word): ContractTally {
  let tally = contracts.get(address);
  if (tally === undefined) contracts.set(address, (tally = { edges: 0, reexecutions: 0 }));
  return tally;
}

/** Counts the edge once per storage slot among its locations (a transaction reads a location at most once, so an edge names it at most once). */
function countSlots(slots: Map<Word, Map<Word, number>>, edge: Edge): void {
  for (const { address, field, slot } of edge.locations) {
    if (field !== Field.Storage) continue;
    let bySlot = slots.get(address);
    if (bySlot === undefined) slots.set(address, (bySlot = new Map()));
    bySlot.set(slot, (bySlot.get(slot) ?? 0) + 1);
  }
}

/**
 * An approximation: the record says how often a transaction aborted or failed validation, not on
 * which location, so each abort and validation failure of a transaction is attributed to every
 * address among the locations of the edges into that transaction (once per address, however many
 * of those edges name it). A transaction retried with no edge into it is attributed to nobody.
 */
function attributeRetries(record: BlockRecord, edges: readonly Edge[], contracts: Map<Word, ContractTally>): void {
  const addressesInto = new Map<number, Set<Word>>();
  for (const edge of edges) {
    const tx = record.transactions[edge.to]!;
    if (tx.aborts + tx.validationFailures === 0) continue;
    let addresses = addressesInto.get(edge.to);
    if (addresses === undefined) addressesInto.set(edge.to, (addresses = new Set()));
    for (const location of edge.locations) addresses.add(location.address);
  }
  for (const [to, addresses] of addressesInto) {
    const tx = record.transactions[to]!;
    for (const address of addresses) tallyOf(contracts, address).reexecutions += tx.aborts + tx.validationFailures;
  }
}

function topContracts(contracts: Map<Word, ContractTally>, topN: number): ContractHotSpot[] {
  return [...contracts]
    .sort(([a, x], [b, y]) => y.edges - x.edges || compareWords(a, b))
    .slice(0, topN)
    .map(([address, tally]) => ({ address: addressToHex(address), edges: tally.edges, reexecutions: tally.reexecutions }));
}

function topSlots(slots: Map<Word, Map<Word, number>>, topN: number): SlotHotSpot[] {
  const entries: { address: Word; slot: Word; edges: number }[] = [];
  for (const [address, bySlot] of slots) for (const [slot, edges] of bySlot) entries.push({ address, slot, edges });
  return entries
    .sort((x, y) => y.edges - x.edges || compareWords(x.address, y.address) || compareWords(x.slot, y.slot))
    .slice(0, topN)
    .map(({ address, slot, edges }) => ({ address: addressToHex(address), slot: wordToHex(slot, 32), edges }));
}

function compareWords(a: Word, b: Word): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  return total;
}

// ---- the CLI's lines -------------------------------------------------------------------------

/** The few lines the CLI prints about a block. */
export function formatSummary(summary: RecordSummary): string[] {
  return [
    criticalPathLine(summary),
    speedupLine("ideal speedup by time", summary.idealSpeedup.byTime),
    speedupLine("ideal speedup by gas", summary.idealSpeedup.byGas),
    achievedLine(summary),
    conflictLine(summary),
    distanceLine(summary.dependencyDistance),
    hotSpotLine(summary.hotSpots.contracts.slice(0, 3)),
  ];
}

function criticalPathLine(s: RecordSummary): string {
  const { byTime, byGas } = s.criticalPath;
  return (
    `critical path: ${byTime.transactions.length} of ${s.txCount} txs, ${percent(byTime.share)} of the time ` +
    `(${fixed(byTime.total)} of ${fixed(byTime.blockTotal)} ms); by gas ${byGas.transactions.length} txs, ${percent(byGas.share)} of the gas`
  );
}

function speedupLine(label: string, table: SpeedupTable): string {
  const perThreads = table.threads.map(({ threads, speedup }) => `${threads} threads ${times(speedup)}`);
  return `${label}: ${perThreads.join(", ")}, unbounded ${times(table.unbounded)}`;
}

function achievedLine(s: RecordSummary): string {
  const { parallelism, speedup, schedulingEfficiency } = s.achieved;
  return (
    `achieved: parallelism ${times(parallelism)}, speedup ${times(speedup)}, scheduling efficiency ${fixed(schedulingEfficiency)}; ` +
    `${s.reexecutions} re-executions (${s.aborts} aborts, ${s.validationFailures} validation failures)`
  );
}

function conflictLine(s: RecordSummary): string {
  return (
    `conflict ratio: ${percent(s.conflictRatio)} (${s.dependentTxs} of ${s.txCount} txs depend on another, ${s.edgeCount} edges); ` +
    `${percent(s.independentShare)} independent; ${s.components.count} components (largest ${s.components.largest})`
  );
}

function distanceLine(d: DistanceSummary): string {
  return `dependency distance: mean ${fixed(d.mean)}, median ${fixed(d.median)}, max ${d.max} over ${d.count} edges`;
}

function hotSpotLine(top: ContractHotSpot[]): string {
  if (top.length === 0) return "hot spots: none";
  return `hot spots: ${top.map((h) => `${h.address} (${h.edges} edges, ${h.reexecutions} re-executions)`).join(", ")}`;
}

function fixed(x: number | null): string {
  return x === null ? "n/a" : String(Number(x.toFixed(2)));
}

function times(x: number | null): string {
  return x === null ? "n/a" : `${x.toFixed(2)}x`;
}

function percent(x: number | null): string {
  return x === null ? "n/a" : `${(x * 100).toFixed(1)}%`;
}
