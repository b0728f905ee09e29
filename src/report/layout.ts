// Where the report draws each transaction of a block's dependency graph. Transactions with an edge
// are drawn as boxes, one weakly connected component at a time: rows are dependency depths (a
// transaction sits one row below the deepest transaction it depends on, so every edge points
// down), and within a row the transactions stand in block order. A row wider than the component
// allows wraps onto further rows. Components are packed like a masonry wall, largest first.
// Transactions with no edge at all are small cells of a grid below, in block order.
//
// Sinks: a transaction that depends on a large share of the block (typically the builder's
// payment at the end of a block, which reads the coinbase's balance and so depends on every
// transaction that paid a fee) would tie the whole block into one component and cover it with
// edges. Sinks are left out of the components (their edges do not join them) and drawn in a band
// at the bottom; the page draws their edges on demand.
import type { DependencyGraph } from "../records/graph.js";

/** Sizes in layout units (a CSS pixel at zoom 1). */
export const LAYOUT = {
  nodeWidth: 118,
  nodeHeight: 34,
  columnGap: 14,
  rowGap: 30,
  /** Above each component: room for its caption. */
  captionHeight: 18,
  componentGap: 28,
  /** Nodes per row at most: the packing's width in node columns. */
  columns: 10,
  /** The grid of independent transactions. */
  cell: 18,
  cellGap: 4,
  gridCaptionHeight: 24,
} as const;

export interface ComponentBox {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Transactions in it. */
  size: number;
  /** Its lowest transaction index. */
  first: number;
  /** Its deepest dependency depth (0 for a pair). */
  depth: number;
}

export interface GraphLayout {
  width: number;
  height: number;
  /** Top-left corner of each transaction's box (a node) or cell (an independent transaction). */
  x: number[];
  y: number[];
  /** Longest chain of dependencies below each transaction (0: depends on nothing). */
  depth: number[];
  /** Each transaction's component (an index into components), INDEPENDENT or SINK. */
  component: number[];
  components: ComponentBox[];
  /** The sinks, ascending, and where their band's caption starts. */
  sinks: number[];
  sinkBand: { x: number; y: number } | null;
  /** The grid of independent transactions: where its caption starts, and how many it holds. */
  grid: { x: number; y: number; count: number; columns: number } | null;
}

/** GraphLayout.component of a transaction with no edge (apart from edges into sinks), and of a sink. */
export const INDEPENDENT = -1;
export const SINK = -2;

/** A transaction with at least this many predecessors is a sink (at least 24, and a fifth of the block). */
export function sinkThreshold(txCount: number): number {
  return Math.max(24, Math.ceil(txCount / 5));
}

export function layoutGraph(graph: DependencyGraph, options: { sinkThreshold?: number } = {}): GraphLayout {
  const n = graph.txCount;
  const threshold = options.sinkThreshold ?? sinkThreshold(n);
  const sinks: number[] = [];
  for (let tx = 0; tx < n; tx++) if (graph.predecessors[tx]!.length >= threshold) sinks.push(tx);
  const drawn = withoutSinks(graph, sinks);
  const rows = dependencyDepths(drawn);
  const component = new Array<number>(n).fill(INDEPENDENT);
  for (const s of sinks) component[s] = SINK;
  const x = new Array<number>(n).fill(0);
  const y = new Array<number>(n).fill(0);
  const packed = packComponents(connectedComponents(drawn).map((txs) => arrangeComponent(txs, rows)));
  const components: ComponentBox[] = [];
  packed.forEach(({ arrangement, left, top }, c) => {
    for (const [tx, dx, dy] of arrangement.nodes) {
      component[tx] = c;
      x[tx] = left + dx;
      y[tx] = top + dy;
    }
    components.push({ x: left, y: top, width: arrangement.width, height: arrangement.height, size: arrangement.nodes.length, first: arrangement.first, depth: arrangement.depth });
  });
  const width = LAYOUT.columns * (LAYOUT.nodeWidth + LAYOUT.columnGap) - LAYOUT.columnGap;
  let height = packed.reduce((bottom, p) => Math.max(bottom, p.top + p.arrangement.height), 0);
  const below = (): number => (height === 0 ? 0 : height + LAYOUT.componentGap);
  let grid: GraphLayout["grid"] = null;
  const independent: number[] = [];
  for (let tx = 0; tx < n; tx++) if (component[tx] === INDEPENDENT) independent.push(tx);
  if (independent.length > 0) {
    const top = below();
    const step = LAYOUT.cell + LAYOUT.cellGap;
    const columns = Math.max(1, Math.floor((width + LAYOUT.cellGap) / step));
    independent.forEach((tx, k) => {
      x[tx] = (k % columns) * step;
      y[tx] = top + LAYOUT.gridCaptionHeight + Math.floor(k / columns) * step;
    });
    grid = { x: 0, y: top, count: independent.length, columns };
    height = top + LAYOUT.gridCaptionHeight + Math.ceil(independent.length / columns) * step - LAYOUT.cellGap;
  }
  // Below everything, so that every edge into a sink points down.
  let sinkBand: GraphLayout["sinkBand"] = null;
  if (sinks.length > 0) {
    const top = below() + LAYOUT.rowGap;
    const stepX = LAYOUT.nodeWidth + LAYOUT.columnGap;
    const stepY = LAYOUT.nodeHeight + LAYOUT.rowGap;
    sinks.forEach((tx, k) => {
      x[tx] = (k % LAYOUT.columns) * stepX;
      y[tx] = top + LAYOUT.gridCaptionHeight + Math.floor(k / LAYOUT.columns) * stepY;
    });
    sinkBand = { x: 0, y: top };
    height = top + LAYOUT.gridCaptionHeight + Math.ceil(sinks.length / LAYOUT.columns) * stepY - LAYOUT.rowGap;
  }
  return { width, height, x, y, depth: dependencyDepths(graph), component, components, sinks, sinkBand, grid };
}

/** The graph without the sinks' edges (in and out). */
function withoutSinks(graph: DependencyGraph, sinks: number[]): DependencyGraph {
  if (sinks.length === 0) return graph;
  const sink = new Set(sinks);
  return {
    txCount: graph.txCount,
    edges: graph.edges.filter((e) => !sink.has(e.from) && !sink.has(e.to)),
    predecessors: graph.predecessors.map((preds, tx) => (sink.has(tx) ? [] : preds.filter((p) => !sink.has(p)))),
  };
}

/** depth[i] = 1 + the largest depth among i's predecessors, 0 with none. */
export function dependencyDepths(graph: DependencyGraph): number[] {
  const depth = new Array<number>(graph.txCount).fill(0);
  graph.predecessors.forEach((preds, tx) => {
    for (const p of preds) if (depth[p]! + 1 > depth[tx]!) depth[tx] = depth[p]! + 1;
  });
  return depth;
}

/** The weakly connected components of two or more transactions, each ascending, ordered by their first transaction. */
export function connectedComponents(graph: DependencyGraph): number[][] {
  const parent = Array.from({ length: graph.txCount }, (_, i) => i);
  const root = (a: number): number => {
    while (parent[a] !== a) a = parent[a] = parent[parent[a]!]!;
    return a;
  };
  const touched = new Uint8Array(graph.txCount);
  for (const { from, to } of graph.edges) {
    touched[from] = touched[to] = 1;
    const a = root(from);
    const b = root(to);
    if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
  }
  const byRoot = new Map<number, number[]>();
  for (let tx = 0; tx < graph.txCount; tx++) {
    if (touched[tx] === 0) continue;
    const r = root(tx);
    let list = byRoot.get(r);
    if (list === undefined) byRoot.set(r, (list = []));
    list.push(tx);
  }
  return [...byRoot.values()].sort((a, b) => a[0]! - b[0]!);
}

interface Arrangement {
  /** [tx, x, y] relative to the component's corner. */
  nodes: [number, number, number][];
  width: number;
  height: number;
  /** Width in node columns. */
  columns: number;
  depth: number;
  first: number;
}

/** Rows by depth, block order within a row (`txs` ascending); a row wider than the component's columns wraps, each line centred. */
function arrangeComponent(txs: number[], depth: number[]): Arrangement {
  const byDepth = new Map<number, number[]>();
  for (const tx of txs) {
    let row = byDepth.get(depth[tx]!);
    if (row === undefined) byDepth.set(depth[tx]!, (row = []));
    row.push(tx);
  }
  const depths = [...byDepth.keys()].sort((a, b) => a - b);
  const widest = [...byDepth.values()].reduce((most, row) => Math.max(most, row.length), 0);
  const columns = Math.min(LAYOUT.columns, widest);
  const stepX = LAYOUT.nodeWidth + LAYOUT.columnGap;
  const stepY = LAYOUT.nodeHeight + LAYOUT.rowGap;
  const width = columns * stepX - LAYOUT.columnGap;
  const nodes: Arrangement["nodes"] = [];
  let top = LAYOUT.captionHeight;
  for (const d of depths) {
    const row = byDepth.get(d)!;
    const lines = Math.ceil(row.length / columns);
    const perLine = Math.ceil(row.length / lines); // even lines rather than one full and one short
    for (let line = 0; line < lines; line++) {
      const part = row.slice(line * perLine, (line + 1) * perLine);
      const indent = (width - (part.length * stepX - LAYOUT.columnGap)) / 2;
      part.forEach((tx, k) => nodes.push([tx, indent + k * stepX, top]));
      top += stepY;
    }
  }
  return { nodes, width, height: top - LAYOUT.rowGap, columns, depth: depths[depths.length - 1]! - depths[0]!, first: txs[0]! };
}

/** Masonry: largest component first (ties: block order), each into the columns where it rests highest. */
function packComponents(arrangements: Arrangement[]): { arrangement: Arrangement; left: number; top: number }[] {
  const order = arrangements.map((a, i) => ({ a, i })).sort((p, q) => q.a.nodes.length - p.a.nodes.length || p.i - q.i);
  const skyline = new Array<number>(LAYOUT.columns).fill(0);
  const stepX = LAYOUT.nodeWidth + LAYOUT.columnGap;
  return order.map(({ a }) => {
    let best = 0;
    let bestTop = Infinity;
    for (let start = 0; start + a.columns <= LAYOUT.columns; start++) {
      const top = Math.max(...skyline.slice(start, start + a.columns));
      if (top < bestTop) [best, bestTop] = [start, top];
    }
    for (let c = best; c < best + a.columns; c++) skyline[c] = bestTop + a.height + LAYOUT.componentGap;
    return { arrangement: a, left: best * stepX, top: bestTop };
  });
}
