// The report page without a browser: it carries the record's data (and reads back from its JSON
// block), it is self-contained, hostile strings stay text, and empty, sequential and large records
// render; the graph layout keeps every edge pointing down and no two boxes overlapping.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { dependencyGraph } from "../../src/records/graph.js";
import { Field, type BlockRecord } from "../../src/records/record.js";
import { criticalPathOrder, idealMakespan } from "../../src/records/txDag.js";
import { jsonForScript } from "../../src/report/escape.js";
import { renderComparison, renderReport } from "../../src/report/html.js";
import { LAYOUT, layoutGraph, SINK } from "../../src/report/layout.js";
import { CHART_THREADS, IDEAL_THREADS, idealCurve, type PanelData } from "../../src/report/model.js";
import { syntheticRecord } from "./syntheticRecord.js";

function panels(html: string): PanelData[] {
  const match = /<script type="application\/json" id="pevm-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(match, "the data block is present");
  return (JSON.parse(match[1]!) as { panels: PanelData[] }).panels;
}

function count(html: string, pattern: RegExp): number {
  return [...html.matchAll(pattern)].length;
}

function assertSelfContained(html: string): void {
  assert.equal(count(html, /<script\b/gi), 2, "two scripts: the data and the inline drawing code");
  assert.doesNotMatch(html, /<script[^>]*\bsrc\s*=/i, "no external script");
  assert.doesNotMatch(html, /<link\b/i, "no linked style sheet or icon");
  assert.doesNotMatch(html, /\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i, "no network address in src or href");
  assert.doesNotMatch(html, /@import|url\(\s*["']?(?:https?:)?\/\//i, "no style loaded from the network");
}

/** A record whose dependency graph is `dag` (each transaction writes its own slot and reads its predecessors') and whose times are `ms`. */
function handMadeRecord(dag: number[][], ms: number[], workers = 1): BlockRecord {
  const record = syntheticRecord(dag.length, { workers, hotShare: 0 });
  const slot = (tx: number) => ({ address: 0xabcdef, field: Field.Storage, slot: tx });
  record.transactions.forEach((tx, i) => {
    tx.reads = dag[i]!.map((j) => ({ location: slot(j), version: j, credits: [] }));
    tx.writes = [{ location: slot(i), value: BigInt(i + 1), credit: null }];
    tx.ms = ms[i]!;
  });
  return record;
}

function emptyRecord(): BlockRecord {
  const record = syntheticRecord(0);
  record.run.executionMs = 0;
  return record;
}

describe("renderReport", () => {
  test("carries the record's transactions, edges, critical path and timeline, and is self-contained", () => {
    const record = syntheticRecord(120, { workers: 3, seed: 7 });
    const graph = dependencyGraph(record);
    const html = renderReport(record);
    assertSelfContained(html);
    assert.match(html, /^<!doctype html>/);
    const [panel] = panels(html);
    assert.equal(panel!.txCount, 120);
    assert.equal(panel!.edges.length, graph.edges.length);
    assert.ok(graph.edges.length > 20, "the synthetic block has dependencies");
    assert.deepEqual(
      panel!.edges.map((e) => [e[0], e[1], (e.length - 2) / 3]),
      graph.edges.map((e) => [e.from, e.to, e.locations.length]),
    );
    assert.equal(panel!.timeline.tx.length, record.timeline.length);
    assert.equal(panel!.threads, 3);
    assert.ok(panel!.critical.length >= 2);
    // Labels: every sender is known, targets include creations (-2).
    assert.ok(panel!.tx.from.every((a) => a >= 0));
    assert.ok(panel!.tx.to.includes(-2));
    // Sections and their containers, with ids a test can find.
    for (const id of ["summary", "graph-section", "timeline-section", "speedup-section", "hotspots-section", "graph-0", "timeline-0", "speedup-chart"]) assert.match(html, new RegExp(`id="${id}"`));
    // The chart: 16 ideal points and the achieved one.
    assert.equal(count(html, /data-point="ideal"/g), CHART_THREADS);
    assert.equal(count(html, /data-point="achieved"/g), 1);
    assert.match(html, /data-chart-points="17"/);
    // Hot spots: the hot contracts, clickable by address.
    assert.match(html, /data-address="0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2"/);
  });

  test("the ideal schedule's data: makespans of block and critical-path order on 2/4/8/16 threads, as idealMakespan gives them", () => {
    // 0, 1 short and 2 long, independent; 3 waits for 2. Block order on 2 threads runs 0 and 1
    // first and 2 late (makespan 7); the critical-path order starts 2 at once (6).
    const dag = [[], [], [], [2]];
    const ms = [1, 1, 3, 3];
    const html = renderReport(handMadeRecord(dag, ms));
    const ideal = panels(html)[0]!.ideal;
    assert.deepEqual(ideal.threads, [...IDEAL_THREADS]);
    assert.equal(ideal.selected, 2, "a sequential run shows 2 threads first");
    assert.deepEqual(ideal.criticalOrder, [...criticalPathOrder(dag, ms)]);
    assert.deepEqual(ideal.criticalOrder, [2, 3, 0, 1]);
    assert.deepEqual(ideal.makespan.block, [7, 6, 6, 6]);
    assert.deepEqual(ideal.makespan.critical, [6, 6, 6, 6]);
    assert.deepEqual(ideal.makespan.block, IDEAL_THREADS.map((t) => idealMakespan(dag, ms, t)));
    assert.deepEqual(ideal.makespan.critical, IDEAL_THREADS.map((t) => idealMakespan(dag, ms, t, criticalPathOrder(dag, ms))));
    assert.equal(ideal.totalMs, 8);
    assert.equal(ideal.actualMs, null, "no timeline, nothing to compare with");
    // The table, readable without the script: a cell per variant, the default selected by the script.
    assert.match(html, /id="ideal-section"/);
    assert.match(html, /<div class="ideal" id="ideal-0" data-panel="0">/);
    assert.equal(count(html, /<td data-threads="\d+" data-order="(block|critical)"/g), 8);
    assert.match(html, /<td data-threads="2" data-order="block" title="show this schedule">7\.000 ms <span class="dim">1\.14x<\/span><\/td>/);
    assert.match(html, /<option value="2" selected>2<\/option>/);
  });

  test("the ideal schedule of a parallel run offers its own thread count, shown first, and compares with its wall time", () => {
    const record = syntheticRecord(120, { workers: 3, seed: 7 });
    const html = renderReport(record);
    const panel = panels(html)[0]!;
    const dag = dependencyGraph(record).predecessors;
    assert.deepEqual(panel.ideal.threads, [2, 3, 4, 8, 16]);
    assert.equal(panel.ideal.selected, 3);
    assert.equal(panel.ideal.actualMs, record.run.executionMs);
    // The costs are the page's: tx.ms as it carries them.
    assert.deepEqual(panel.ideal.makespan.block, panel.ideal.threads.map((t) => idealMakespan(dag, panel.tx.ms, t)));
    assert.deepEqual(panel.ideal.makespan.critical, panel.ideal.threads.map((t) => idealMakespan(dag, panel.tx.ms, t, criticalPathOrder(dag, panel.tx.ms))));
    assert.match(html, /<option value="3" selected>3<\/option>/);
    assert.match(html, /<th>3 \(the run's\)<\/th>/);
    assert.match(html, /<tr class="actual"><th>actual run<\/th>/);
  });

  test("with a sequential baseline the chart has a second achieved point, the speedup", () => {
    const record = syntheticRecord(60, { workers: 2 });
    const html = renderReport(record, { sequentialMs: record.run.executionMs * 1.5 });
    assert.equal(count(html, /data-point="achieved"/g), 2);
    assert.match(html, /speedup <b>1\.50x<\/b>/);
  });

  test("the ideal curve is total / idealMakespan for 1..16 threads", () => {
    // 0 and 1 independent, 2 after 0: on 2 threads 0 and 1 run together, then 2.
    const curve = idealCurve([[], [], [0]], [2, 2, 2]);
    assert.equal(curve.length, CHART_THREADS);
    assert.equal(curve[0], 1);
    assert.equal(curve[1], 6 / 4);
    assert.equal(curve[15], 6 / 4);
  });

  test("escapes hostile strings: title, fork name and run notes stay text", () => {
    const hostile = `</script><script>alert(1)</script><img src=x onerror=alert(2)>`;
    const record = syntheticRecord(5, { workers: 2, fork: hostile });
    record.run.fallback = `"><svg onload=alert(3)>`;
    const html = renderReport(record, { title: `<b onmouseover=alert(4)>${hostile}` });
    assertSelfContained(html);
    assert.doesNotMatch(html, /<img|<svg onload|<b onmouseover|alert\(1\)<\/script>/i);
    assert.match(html, /&#60;\/script&#62;&#60;script&#62;alert\(1\)/);
    const [panel] = panels(html);
    assert.equal(panel!.label, `<b onmouseover=alert(4)>${hostile}`, "the JSON block reads back exactly");
    assert.equal(JSON.parse(jsonForScript({ s: "</script>\u2028<!--" })).s, "</script>\u2028<!--");
    assert.doesNotMatch(jsonForScript({ s: "</script>" }), /</);
  });

  test("an empty block renders: no nodes, no edges, flat ideal curve", () => {
    const html = renderReport(emptyRecord());
    assertSelfContained(html);
    const [panel] = panels(html);
    assert.equal(panel!.txCount, 0);
    assert.deepEqual(panel!.ideal.makespan.block, [0, 0, 0, 0]);
    assert.match(html, /id="ideal-0"[^>]*data-ideal-bars="0"/);
    assert.equal(panel!.edges.length, 0);
    assert.equal(panel!.layout.height, 0);
    assert.match(html, /data-chart-points="16"/, "no achieved point without a measured time");
    assert.match(html, /no edges/);
  });

  test("a sequential record says there is no timeline", () => {
    const record = syntheticRecord(30);
    record.run.fallback = "fewer than 8 transactions";
    const html = renderReport(record);
    assert.match(html, /data-no-timeline>No timeline: this record comes from a sequential run \(the parallel run fell back: fewer than 8 transactions\)/);
    assert.match(html, /id="timeline-0"[^>]*data-bars="0"/);
    assert.equal(panels(html)[0]!.timeline.tx.length, 0);
  });

  test("2,000 transactions render quickly into a page of reasonable size", () => {
    const record = syntheticRecord(2000, { workers: 4, seed: 3 });
    const start = performance.now();
    const html = renderReport(record);
    const ms = performance.now() - start;
    assert.ok(ms < 5000, `rendered in ${ms.toFixed(0)} ms`);
    assert.ok(html.length < 3_000_000, `${html.length} bytes`);
    const [panel] = panels(html);
    assert.equal(panel!.txCount, 2000);
    assert.ok(panel!.layout.grid !== null && panel!.layout.grid.count > 500, "independent transactions go to the grid");
    // The ideal schedules are computed in the page: the data carries one order and the makespans.
    const idealBytes = JSON.stringify(panel!.ideal).length;
    assert.ok(idealBytes < 6 * 2000 + 1000, `the ideal schedule's data: ${idealBytes} bytes`);
  });

  test("renderComparison puts two records side by side and, for one block, names the edges only one has", () => {
    const a = syntheticRecord(80, { workers: 2, seed: 5 });
    const b = syntheticRecord(80, { workers: 4, seed: 5 });
    b.transactions[79]!.reads.push({ location: { address: 0x1234, field: 0, slot: 0 }, version: 3, credits: [] });
    const html = renderComparison(a, b);
    assertSelfContained(html);
    assert.equal(panels(html).length, 2);
    for (const id of ["graph-0", "graph-1", "timeline-0", "timeline-1", "ideal-0", "ideal-1", "ideal-table-0", "ideal-table-1"]) assert.match(html, new RegExp(`id="${id}"`));
    assert.match(html, /data-only-a="0" data-only-b="1"/);
    assert.match(html, /only in B: 3 → 79/);
    assert.equal(count(html, /data-point="ideal"/g), 2 * CHART_THREADS);
    // Two different blocks: no edge difference.
    assert.doesNotMatch(renderComparison(a, syntheticRecord(10, { number: 5n })), /data-only-a/);
  });
});

describe("layoutGraph", () => {
  test("edges point down, boxes do not overlap, independent transactions form the grid", () => {
    const record = syntheticRecord(600, { seed: 11, hotShare: 0.5 });
    const graph = dependencyGraph(record);
    const layout = layoutGraph(graph);
    for (const e of graph.edges) {
      assert.ok(layout.depth[e.to]! > layout.depth[e.from]!, `depth grows along ${e.from} → ${e.to}`);
      assert.ok(layout.y[e.to]! > layout.y[e.from]!, `edge ${e.from} → ${e.to} points down`);
      assert.equal(layout.component[e.to], layout.component[e.from]);
    }
    const boxes = layout.x.map((x, t) => {
      const cell = layout.component[t] === -1;
      return { t, x, y: layout.y[t]!, w: cell ? LAYOUT.cell : LAYOUT.nodeWidth, h: cell ? LAYOUT.cell : LAYOUT.nodeHeight };
    });
    boxes.sort((p, q) => p.y - q.y);
    for (let i = 0; i < boxes.length; i++) {
      const p = boxes[i]!;
      assert.ok(p.x >= 0 && p.x + p.w <= layout.width + 0.01 && p.y >= 0 && p.y + p.h <= layout.height + 0.01, `box ${p.t} inside the drawing`);
      for (let j = i + 1; j < boxes.length && boxes[j]!.y < p.y + p.h; j++) {
        const q = boxes[j]!;
        assert.ok(q.x >= p.x + p.w || p.x >= q.x + q.w, `boxes ${p.t} and ${q.t} overlap`);
      }
    }
    const isolated = layout.component.filter((c) => c === -1).length;
    assert.equal(layout.grid?.count, isolated);
    assert.equal(layout.components.reduce((a, c) => a + c.size, 0) + isolated, 600);
    // Largest component first.
    for (let c = 1; c < layout.components.length; c++) assert.ok(layout.components[c - 1]!.size >= layout.components[c]!.size);
  });

  test("a transaction depending on most of the block is a sink: out of the components, in a band at the bottom", () => {
    const record = syntheticRecord(200, { seed: 8, builderPayment: true });
    const graph = dependencyGraph(record);
    assert.equal(graph.predecessors[199]!.length, 199);
    const layout = layoutGraph(graph);
    assert.deepEqual(layout.sinks, [199]);
    assert.equal(layout.component[199], SINK);
    assert.ok(layout.sinkBand !== null && layout.y[199]! > layout.sinkBand.y);
    for (let t = 0; t < 199; t++) assert.ok(layout.y[t]! < layout.sinkBand.y, `${t} above the sinks`);
    assert.equal(layout.depth[199], Math.max(...layout.depth.slice(0, 199)) + 1, "depth counts the sink's edges");
    // Without the sink's edges, the hot-slot components remain and the rest is independent.
    assert.ok(layout.components.length >= 3);
    assert.ok(layout.grid !== null && layout.grid.count > 100);
    assert.equal(layout.components.reduce((a, c) => a + c.size, 0) + layout.grid.count + 1, 200);
    // A lower threshold makes more sinks; a higher one none.
    assert.deepEqual(layoutGraph(graph, { sinkThreshold: 1000 }).sinks, []);
  });

  test("an empty graph and a graph without edges", () => {
    assert.deepEqual(layoutGraph({ txCount: 0, edges: [], predecessors: [] }).grid, null);
    const flat = layoutGraph({ txCount: 3, edges: [], predecessors: [[], [], []] });
    assert.equal(flat.components.length, 0);
    assert.deepEqual(flat.grid, { x: 0, y: 0, count: 3, columns: flat.grid!.columns });
  });
});
