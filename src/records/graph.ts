// A block's dependency graph from its record: an edge j -> i when transaction i read a value that
// transaction j wrote last (the absolute value, or a balance credit i added up), with the
// locations behind it. A credit nobody read (the coinbase's fee, a lazily credited recipient) is
// no edge: transactions that only add to a balance commute.
import type { BlockRecord, Location } from "./record.js";

export interface Edge {
  from: number;
  to: number;
  /** The locations i read from j's writes, in the order i read them. */
  locations: Location[];
}

export interface DependencyGraph {
  txCount: number;
  /** Every edge, ordered by `to`, then `from`. */
  edges: Edge[];
  /** predecessors[i]: the transactions i depends on, ascending (the TxDag form). */
  predecessors: number[][];
}

export function dependencyGraph(record: BlockRecord): DependencyGraph {
  const edges: Edge[] = [];
  const predecessors: number[][] = [];
  const byWriter = new Map<number, Location[]>();
  for (const tx of record.transactions) {
    byWriter.clear();
    for (const read of tx.reads) {
      if (read.version >= 0) addLocation(byWriter, read.version, read.location);
      for (const credit of read.credits) if (credit !== read.version) addLocation(byWriter, credit, read.location);
    }
    const from = [...byWriter.keys()].sort((a, b) => a - b);
    for (const j of from) {
      if (j >= tx.index) throw new RangeError(`record: transaction ${tx.index} read a version written by ${j}, which is not an earlier transaction`);
      edges.push({ from: j, to: tx.index, locations: byWriter.get(j)! });
    }
    predecessors.push(from);
  }
  return { txCount: record.transactions.length, edges, predecessors };
}

function addLocation(byWriter: Map<number, Location[]>, writer: number, location: Location): void {
  const list = byWriter.get(writer);
  if (list === undefined) byWriter.set(writer, [location]);
  else list.push(location);
}
