// The report pages in headless Chromium (playwright-core driving /usr/bin/chromium): the page
// script draws the graph, the timeline, the ideal schedule and the chart with the record's counts,
// throws nothing, shows tooltips on hover, redraws the ideal schedule for the variant picked, and
// stays quick on 1,500 transactions. Screenshots go to test-output/report/ for a person to look at. Skips, saying why, without Chromium or fixtures.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, test } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { loadBlockInput } from "../../src/block/load.js";
import { closeWorkerPool, executeBlockParallel, workerPoolReady } from "../../src/exec/parallel/executor.js";
import { dependencyGraph } from "../../src/records/graph.js";
import type { BlockRecord } from "../../src/records/record.js";
import { criticalPathOrder, idealMakespan } from "../../src/records/txDag.js";
import { renderComparison, renderReport } from "../../src/report/html.js";
import { reportModel } from "../../src/report/model.js";
import { fixturePath, repoPath } from "../fixtures.js";
import { syntheticRecord } from "./syntheticRecord.js";

const CHROMIUM = process.env.PEVM_CHROMIUM ?? "/usr/bin/chromium";
const OUT = repoPath("test-output/report");
const BLOCK = fixturePath("mainnet/blocks/10760440");

interface Point {
  x: number;
  y: number;
}

/** What the page script exposes for tests (client.ts PanelApi). */
interface ReportApi {
  pevmReport: { panels: { nodePoint(tx: number): Point; edgePoint(k: number): Point; barPoint(k: number): Point; idealBarPoint(tx: number): Point }[] };
}

interface OpenPage {
  page: Page;
  errors: string[];
}

if (!existsSync(CHROMIUM)) {
  test("the report in a browser", (t) => t.skip(`chromium absent: no browser at ${CHROMIUM} (install Debian's chromium or set PEVM_CHROMIUM)`));
} else {
  describe("the report in headless Chromium", () => {
    let browser: Browser;
    before(async () => {
      mkdirSync(OUT, { recursive: true });
      browser = await chromium.launch({ executablePath: CHROMIUM });
    });
    after(async () => {
      await browser?.close();
      closeWorkerPool();
    });

    async function open(html: string, name: string): Promise<OpenPage> {
      const file = join(OUT, `${name}.html`);
      writeFileSync(file, html);
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const errors: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(m.text());
      });
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("request", (r) => {
        if (!r.url().startsWith("file:")) errors.push(`network request: ${r.url()}`);
      });
      await page.goto(pathToFileURL(file).href);
      await page.waitForSelector("#graph-0[data-rendered]", { timeout: 20_000 });
      await page.waitForSelector("#timeline-0[data-rendered]", { timeout: 20_000 });
      await page.waitForSelector("#ideal-0[data-rendered]", { timeout: 20_000 });
      return { page, errors };
    }

    async function attribute(page: Page, selector: string, name: string): Promise<number> {
      return Number(await page.locator(selector).getAttribute(name));
    }

    /** The drawn counts match the record: every transaction, every edge, every timeline event, 16 ideal points and the achieved ones. */
    async function checkCounts(page: Page, record: BlockRecord, panel = 0): Promise<void> {
      const graph = dependencyGraph(record);
      const model = reportModel(record);
      assert.equal(await attribute(page, `#graph-${panel}`, "data-nodes"), record.transactions.length, "nodes: every transaction (boxes and grid cells)");
      assert.equal(await attribute(page, `#graph-${panel}`, "data-isolated"), model.layout.grid?.count ?? 0, "grid cells: the independent transactions");
      assert.equal(await attribute(page, `#graph-${panel}`, "data-edges"), graph.edges.length, "edges");
      assert.equal(await attribute(page, `#timeline-${panel}`, "data-bars"), record.timeline.length, "bars: timeline events");
      assert.equal(await attribute(page, `#ideal-${panel}`, "data-ideal-bars"), record.transactions.length, "ideal schedule: a bar per transaction");
      if (record.transactions.length > 0) {
        const ideal = model.panel.ideal;
        assert.equal(await attribute(page, `#ideal-${panel}`, "data-ideal-threads"), ideal.selected, "the run's thread count (2 for a sequential run) first");
        assert.equal(await attribute(page, `#ideal-${panel}`, "data-ideal-makespan"), ideal.makespan.block[ideal.threads.indexOf(ideal.selected)], "its makespan in block order");
      }
      assert.equal(await page.locator(`#speedup-chart [data-point="achieved"]`).count() >= model.speedup.achieved.length, true);
    }

    async function tooltip(page: Page): Promise<string> {
      const box = page.locator("#tooltip");
      assert.equal(await box.isVisible(), true, "the tooltip shows");
      return (await box.textContent()) ?? "";
    }

    async function hover(page: Page, point: Point): Promise<void> {
      await page.mouse.move(point.x, point.y);
      await page.waitForTimeout(50);
    }

    function panelApi(page: Page, panel: number) {
      return {
        node: (tx: number) => page.evaluate(([p, t]) => (globalThis as unknown as ReportApi).pevmReport.panels[p]!.nodePoint(t), [panel, tx] as const),
        edge: (k: number) => page.evaluate(([p, e]) => (globalThis as unknown as ReportApi).pevmReport.panels[p]!.edgePoint(e), [panel, k] as const),
        bar: (k: number) => page.evaluate(([p, b]) => (globalThis as unknown as ReportApi).pevmReport.panels[p]!.barPoint(b), [panel, k] as const),
        idealBar: (tx: number) => page.evaluate(([p, t]) => (globalThis as unknown as ReportApi).pevmReport.panels[p]!.idealBarPoint(t), [panel, tx] as const),
      };
    }

    test("a mainnet block run in Block-STM on 2 threads: counts, tooltips on a node, an edge and a bar, hot-spot highlight", async (t) => {
      if (!existsSync(BLOCK)) return t.skip(`fixtures absent: ${BLOCK}`);
      const input = loadBlockInput(BLOCK);
      await workerPoolReady(2); // warm threads, so that both rows of the timeline have work
      const result = await executeBlockParallel(input.block, input.preState, { blockHashes: input.blockHashes, workers: 2, forceParallel: true, conflictBudget: Infinity, record: true });
      const record = result.record!;
      assert.equal(record.run.mode, "parallel");
      assert.ok(record.timeline.length >= record.transactions.length);
      const graph = dependencyGraph(record);
      assert.ok(graph.edges.length > 0);
      const { page, errors } = await open(renderReport(record), "block-10760440");
      await checkCounts(page, record);
      assert.equal(await page.locator("#speedup-chart [data-point]").count(), 16 + reportModel(record).speedup.achieved.length);
      await page.screenshot({ path: join(OUT, "block-10760440.png"), fullPage: true });

      const api = panelApi(page, 0);
      const critical = reportModel(record).summary.criticalPath.byTime.transactions;
      await hover(page, await api.node(critical[0]!));
      assert.match(await tooltip(page), new RegExp(`#${critical[0]} · (success|failed)`));
      assert.match(await tooltip(page), /on the critical path/);
      await page.screenshot({ path: join(OUT, "block-10760440-node-tooltip.png") });

      const edge = graph.edges[0]!;
      await hover(page, await api.edge(0));
      const edgeText = await tooltip(page);
      assert.match(edgeText, new RegExp(`#${edge.from} → #${edge.to} · ${edge.locations.length} location`));
      assert.match(edgeText, /(balance|nonce|code|storage) of 0x[0-9a-f]{40}/);
      await page.screenshot({ path: join(OUT, "block-10760440-edge-tooltip.png") });

      await hover(page, await api.bar(0));
      assert.match(await tooltip(page), new RegExp(`#${record.timeline[0]!.tx} (execution|validation) of incarnation`));
      await page.screenshot({ path: join(OUT, "block-10760440-bar-tooltip.png") });

      await hover(page, await api.idealBar(critical[0]!));
      assert.match(await tooltip(page), new RegExp(`#${critical[0]} in the ideal schedule \\(2 threads, block order\\)`));
      await page.locator("#ideal-section").screenshot({ path: join(OUT, "block-10760440-ideal.png") });

      const row = page.locator("tr[data-address]").first();
      await row.click();
      assert.match((await row.getAttribute("class")) ?? "", /selected/);
      assert.deepEqual(errors, []);
      await page.close();
    });

    test("1,500 synthetic transactions on 4 threads, the last a builder's payment: all drawn, redrawn fast, tooltips work", async () => {
      const record = syntheticRecord(1500, { workers: 4, seed: 21, builderPayment: true });
      const start = Date.now();
      const { page, errors } = await open(renderReport(record), "synthetic-1500");
      const loadMs = Date.now() - start;
      await checkCounts(page, record);
      assert.ok(loadMs < 15_000, `loaded and drawn in ${loadMs} ms`);
      // A full redraw (nodePoint pans and draws synchronously), averaged.
      const redrawMs = await page.evaluate(() => {
        const api = (globalThis as unknown as ReportApi).pevmReport.panels[0]!;
        const t0 = performance.now();
        for (let i = 0; i < 10; i++) api.nodePoint(i * 100);
        return (performance.now() - t0) / 10;
      });
      assert.ok(redrawMs < 200, `a redraw takes ${redrawMs.toFixed(1)} ms`);
      // The ideal schedule: a new variant is computed and drawn, a bar brought into view and drawn.
      const variantStart = Date.now();
      await page.selectOption('#ideal-0 select[data-control="order"]', "critical");
      await page.selectOption('#ideal-0 select[data-control="threads"]', "16");
      const variantMs = (Date.now() - variantStart) / 2;
      const idealRedrawMs = await page.evaluate(() => {
        const api = (globalThis as unknown as ReportApi).pevmReport.panels[0]!;
        const t0 = performance.now();
        for (let i = 0; i < 10; i++) api.idealBarPoint(i * 150);
        return (performance.now() - t0) / 10;
      });
      assert.ok(idealRedrawMs < 100, `an ideal-schedule redraw takes ${idealRedrawMs.toFixed(1)} ms`);
      assert.ok(variantMs < 1000, `switching the ideal schedule's variant takes ${variantMs} ms`);
      const model = reportModel(record);
      assert.equal(await attribute(page, "#ideal-0", "data-ideal-makespan"), idealMakespan(model.graph.predecessors, model.panel.tx.ms, 16, criticalPathOrder(model.graph.predecessors, model.panel.tx.ms)));
      await page.locator('#graph-0 button[data-action="fit-width"]').click();
      await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
      await page.screenshot({ path: join(OUT, "synthetic-1500.png"), fullPage: true });
      const api = panelApi(page, 0);
      // The builder's payment depends on every other transaction: a sink, its 1,499 edges bundled.
      assert.equal(await attribute(page, "#graph-0", "data-sinks"), 1);
      assert.equal(await attribute(page, "#graph-0", "data-bundled"), 1499);
      await hover(page, await api.node(1499));
      assert.match(await tooltip(page), /a sink: depends on 1499 transactions/);
      await page.screenshot({ path: join(OUT, "synthetic-1500-sink-hover.png") });
      const isolated = reportModel(record).layout.component.indexOf(-1);
      await hover(page, await api.node(isolated));
      assert.match(await tooltip(page), /no dependency apart from feeding a sink/);
      assert.deepEqual(errors, []);
      console.log(`1,500 transactions: loaded in ${loadMs} ms, a redraw ${redrawMs.toFixed(1)} ms, an ideal variant ${variantMs} ms (with the round trip), an ideal redraw ${idealRedrawMs.toFixed(1)} ms`);
      await page.close();
    });

    test("the ideal schedule: drawn for the run's threads, redrawn for the threads and order picked, hover lights up the graph", async () => {
      const record = syntheticRecord(400, { workers: 4, seed: 12, hotShare: 0.6 });
      const model = reportModel(record);
      const { ideal, tx } = model.panel;
      const dag = model.graph.predecessors;
      const order = criticalPathOrder(dag, tx.ms);
      const { page, errors } = await open(renderReport(record), "ideal-400");
      const makespan = () => attribute(page, "#ideal-0", "data-ideal-makespan");
      const stats = () => page.locator("#ideal-0 .ideal-stats").textContent();
      assert.equal(await attribute(page, "#ideal-0", "data-ideal-bars"), 400);
      assert.equal(await attribute(page, "#ideal-0", "data-ideal-threads"), 4);
      assert.equal(await makespan(), idealMakespan(dag, tx.ms, 4));
      assert.match((await stats()) ?? "", /4 threads, block order: makespan .* the actual run: .* wall on 4 threads/);
      assert.ok(ideal.makespan.critical.some((m, k) => m !== ideal.makespan.block[k]), "the two orders differ somewhere on this block");
      // The selectors: threads, then order; each redraws with that variant's makespan.
      await page.selectOption('#ideal-0 select[data-control="threads"]', "8");
      assert.equal(await makespan(), idealMakespan(dag, tx.ms, 8));
      await page.selectOption('#ideal-0 select[data-control="order"]', "critical");
      assert.equal(await page.locator("#ideal-0").getAttribute("data-ideal-order"), "critical");
      assert.equal(await makespan(), idealMakespan(dag, tx.ms, 8, order));
      await page.selectOption('#ideal-0 select[data-control="threads"]', "2");
      assert.equal(await makespan(), idealMakespan(dag, tx.ms, 2, order));
      assert.match((await stats()) ?? "", /2 threads, critical-path order/);
      // The table: a click on a cell picks its variant, and the selectors follow.
      await page.locator('#ideal-table-0 td[data-threads="16"][data-order="block"]').click();
      assert.equal(await makespan(), idealMakespan(dag, tx.ms, 16));
      assert.equal(await page.locator('#ideal-0 select[data-control="threads"]').inputValue(), "16");
      assert.equal(await page.locator('#ideal-0 select[data-control="order"]').inputValue(), "block");
      assert.match((await page.locator('#ideal-table-0 td[data-threads="16"][data-order="block"]').getAttribute("class")) ?? "", /selected/);
      // Hover a bar on the critical path: its tooltip, and the graph lights up the same transaction.
      await page.locator('#ideal-table-0 td[data-threads="4"][data-order="block"]').click();
      const t = model.summary.criticalPath.byTime.transactions.at(-1)!;
      await hover(page, await panelApi(page, 0).idealBar(t));
      const text = await tooltip(page);
      assert.match(text, new RegExp(`#${t} in the ideal schedule \\(4 threads, block order\\) · thread \\d+ · [0-9.]+ → [0-9.]+ ms \\(${tx.ms[t]!.toFixed(3)} ms\\)`));
      assert.match(text, /on the critical path/);
      await page.waitForTimeout(50);
      assert.equal(await attribute(page, "#graph-0", "data-focus"), t, "the graph lights up the hovered transaction");
      await page.locator("#ideal-section").screenshot({ path: join(OUT, "ideal-400-hover.png") });
      await page.mouse.move(2, 2);
      await page.locator('#ideal-0 button[data-action="fit"]').click();
      await page.locator("#timeline-section").scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(OUT, "ideal-400.png"), fullPage: true });
      assert.deepEqual(errors, []);
      await page.close();
    });

    test("a sequential record: no timeline, the graph still drawn", async () => {
      const record = syntheticRecord(40, { seed: 4 });
      const { page, errors } = await open(renderReport(record), "sequential-40");
      await checkCounts(page, record);
      assert.equal(await page.locator("[data-no-timeline]").isVisible(), true);
      assert.match((await page.locator("[data-no-timeline]").textContent()) ?? "", /No timeline/);
      assert.deepEqual(errors, []);
      await page.close();
    });

    test("a comparison: both panels drawn with their own counts, one chart with both series", async () => {
      const a = syntheticRecord(300, { workers: 2, seed: 9 });
      const b = syntheticRecord(300, { workers: 4, seed: 9 });
      const { page, errors } = await open(renderComparison(a, b), "compare-300");
      await page.waitForSelector("#graph-1[data-rendered]");
      await checkCounts(page, a, 0);
      await checkCounts(page, b, 1);
      assert.equal(await page.locator(`#speedup-chart [data-point="ideal"]`).count(), 32);
      await hover(page, await panelApi(page, 1).node(0));
      assert.match(await tooltip(page), /#0 · /);
      await page.screenshot({ path: join(OUT, "compare-300.png"), fullPage: true });
      assert.deepEqual(errors, []);
      await page.close();
    });

    test("an empty block: nothing to draw, no errors", async () => {
      const record = syntheticRecord(0);
      record.run.executionMs = 0;
      const { page, errors } = await open(renderReport(record), "empty");
      assert.equal(await attribute(page, "#graph-0", "data-nodes"), 0);
      assert.equal(await attribute(page, "#timeline-0", "data-bars"), 0);
      assert.equal(await attribute(page, "#ideal-0", "data-ideal-bars"), 0);
      assert.deepEqual(errors, []);
      await page.close();
    });
  });
}
