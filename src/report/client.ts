// The report page's script. `reportClient` is never called in Node: html.ts inlines its source
// (Function.prototype.toString of the compiled function) into the page, which calls it with
// `window`. So it must be self-contained: no imports used at run time, no references to anything
// outside its own body. The project compiles without the DOM library, so the few browser APIs it
// uses are typed here by hand (ClientWindow and friends); the browser test runs it for real.
//
// It draws, for each panel (one record; a comparison has two):
// - the dependency graph on a canvas (positions from layout.ts), with pan (drag), zoom (ctrl or
//   ⌘ + wheel, or the buttons), a tooltip for nodes and edges, and highlights: the critical path,
//   a hovered node's edges, a hot-spot contract's edges (click a row of the hot-spot table);
// - the worker timeline on a canvas, one row per thread, with a tooltip per bar;
// - the ideal schedule (schedule.ts, computed here for the variant picked: thread count, block or
//   critical-path order) as a Gantt on a canvas, with a tooltip per bar;
// and then sets data-nodes, data-edges, data-isolated, data-bars, data-ideal-bars,
// data-ideal-makespan and data-rendered on the containers. `window.pevmReport` exposes screen
// positions of nodes, edges and bars for tests.
import type { PanelData } from "./model.js";
import type { PageSchedule, pageSchedule } from "./schedule.js";

export interface ClientRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface ClientEvent {
  clientX: number;
  clientY: number;
  deltaY: number;
  ctrlKey: boolean;
  metaKey: boolean;
  button: number;
  preventDefault(): void;
}

export interface ClientElement {
  style: Record<string, string>;
  textContent: string | null;
  innerHTML: string;
  hidden: boolean;
  clientWidth: number;
  setAttribute(name: string, value: string): void;
  getAttribute(name: string): string | null;
  addEventListener(type: string, listener: (event: ClientEvent) => void, options?: { passive?: boolean }): void;
  getBoundingClientRect(): ClientRect;
  querySelector(selector: string): ClientElement | null;
  querySelectorAll(selector: string): ArrayLike<ClientElement>;
  scrollIntoView(options?: { block?: string }): void;
  classList: { toggle(name: string, force?: boolean): boolean };
}

export interface ClientSelect extends ClientElement {
  value: string;
}

export interface ClientCanvas extends ClientElement {
  width: number;
  height: number;
  getContext(kind: "2d"): ClientContext | null;
}

export interface ClientContext {
  fillStyle: string;
  strokeStyle: string;
  lineWidth: number;
  font: string;
  textAlign: string;
  textBaseline: string;
  globalAlpha: number;
  setTransform(a: number, b: number, c: number, d: number, e: number, f: number): void;
  clearRect(x: number, y: number, w: number, h: number): void;
  fillRect(x: number, y: number, w: number, h: number): void;
  strokeRect(x: number, y: number, w: number, h: number): void;
  beginPath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  bezierCurveTo(c1x: number, c1y: number, c2x: number, c2y: number, x: number, y: number): void;
  arc(x: number, y: number, r: number, start: number, end: number): void;
  fill(): void;
  stroke(): void;
  fillText(text: string, x: number, y: number, maxWidth?: number): void;
  setLineDash(segments: number[]): void;
  save(): void;
  restore(): void;
}

export interface ClientWindow {
  document: {
    getElementById(id: string): ClientElement | null;
    querySelectorAll(selector: string): ArrayLike<ClientElement>;
  };
  devicePixelRatio: number;
  innerWidth: number;
  innerHeight: number;
  requestAnimationFrame(callback: () => void): number;
  addEventListener(type: string, listener: () => void): void;
  scrollBy(x: number, y: number): void;
  pevmReport?: unknown;
}

/** What tests read back from window.pevmReport.panels[i]. */
export interface PanelApi {
  /** Pans the graph so transaction `tx` is in view; its centre in client (viewport) coordinates. */
  nodePoint(tx: number): { x: number; y: number };
  /** The middle of edge `k` (in graph order) in client coordinates, after panning it into view. */
  edgePoint(k: number): { x: number; y: number };
  /** The middle of timeline event `k` in client coordinates, after zooming and panning it into view. */
  barPoint(k: number): { x: number; y: number };
  /** The middle of transaction `tx`'s bar in the ideal schedule shown, brought into view likewise. */
  idealBarPoint(tx: number): { x: number; y: number };
}

/** `schedule`: schedule.ts pageSchedule, which html.ts inlines beside this function. */
export function reportClient(win: ClientWindow, schedule: typeof pageSchedule): void {
  const doc = win.document;
  const FIELD = ["balance", "nonce", "code", "storage"];
  const COLORS = {
    other: "#ececec",
    create: "#fff3b0",
    unknown: "#ffffff",
    stroke: "#707070",
    critical: "#d62728",
    edge: "#8a8a8a",
    hover: "#1f4e9c",
    focus: "#e6550d",
    text: "#222222",
    execute: "#4e79a7",
    reexecute: "#8c6bb1",
    blocked: "#f28e2b",
    validated: "#59a14f",
    validationFailed: "#e15759",
  };
  const dataElement = doc.getElementById("pevm-data");
  const tooltip = doc.getElementById("tooltip");
  if (dataElement === null || tooltip === null) return;
  const data = JSON.parse(dataElement.textContent ?? "") as { panels: PanelData[] };
  const dpr = Math.max(1, win.devicePixelRatio || 1);
  const api: { panels: PanelApi[] } = { panels: [] };
  data.panels.forEach((panel, index) => api.panels.push(setUpPanel(panel, index)));
  win.pevmReport = api;

  // ---- helpers ---------------------------------------------------------------------------------

  function esc(text: string): string {
    return text.replace(/[&<>"']/g, (c) => "&#" + c.charCodeAt(0) + ";");
  }

  function shortHex(hex: string): string {
    return hex.slice(0, 6) + "…";
  }

  function gasText(gas: number): string {
    if (gas >= 1e6) return (gas / 1e6).toFixed(2) + "M";
    if (gas >= 1e3) return (gas / 1e3).toFixed(1) + "k";
    return String(gas);
  }

  function showTooltip(html: string, x: number, y: number): void {
    tooltip!.innerHTML = html;
    tooltip!.hidden = false;
    const box = tooltip!.getBoundingClientRect();
    const left = x + 16 + box.width > win.innerWidth ? Math.max(4, x - 16 - box.width) : x + 16;
    const top = y + 16 + box.height > win.innerHeight ? Math.max(4, y - 16 - box.height) : y + 16;
    tooltip!.style.left = left + "px";
    tooltip!.style.top = top + "px";
  }

  function hideTooltip(): void {
    tooltip!.hidden = true;
  }

  /** A canvas sized to `cssWidth` x `cssHeight` CSS pixels at the screen's resolution. */
  function sizeCanvas(canvas: ClientCanvas, cssWidth: number, cssHeight: number): void {
    canvas.width = Math.round(cssWidth * dpr);
    canvas.height = Math.round(cssHeight * dpr);
    canvas.style.width = cssWidth + "px";
    canvas.style.height = cssHeight + "px";
  }

  /** The time axis under a Gantt: a line at `top` from `left` to `right` and round ticks in ms. */
  function drawTimeAxis(ctx: ClientContext, top: number, left: number, right: number, offset: number, msPerPx: number): void {
    ctx.strokeStyle = "#888";
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(left, top + 0.5);
    ctx.lineTo(right, top + 0.5);
    ctx.stroke();
    const span = (right - left) * msPerPx;
    const rough = span / 8;
    const power = 10 ** Math.floor(Math.log10(rough));
    const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
    ctx.fillStyle = "#444";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.font = "10px system-ui, sans-serif";
    for (let tick = Math.ceil(offset / step) * step; tick <= offset + span + 1e-9; tick += step) {
      const x = left + (tick - offset) / msPerPx;
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + 4);
      ctx.stroke();
      ctx.fillText(Number(tick.toPrecision(6)) + " ms", x, top + 13);
    }
  }

  function bezierPoint(x1: number, y1: number, x2: number, y2: number, t: number): [number, number] {
    // The edge's curve: vertical tangents at both ends (see drawEdge).
    const my = (y2 - y1) / 2;
    const c1y = y1 + my;
    const c2y = y2 - my;
    const u = 1 - t;
    const x = u * u * u * x1 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t * t * t * x2;
    const y = u * u * u * y1 + 3 * u * u * t * c1y + 3 * u * t * t * c2y + t * t * t * y2;
    return [x, y];
  }

  function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
    const dx = bx - ax;
    const dy = by - ay;
    const length2 = dx * dx + dy * dy;
    const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / length2));
    const x = ax + t * dx - px;
    const y = ay + t * dy - py;
    return Math.sqrt(x * x + y * y);
  }

  // ---- one panel ---------------------------------------------------------------------------------

  function setUpPanel(p: PanelData, index: number): PanelApi {
    const n = p.txCount;
    const tx = p.tx;
    const L = p.layout;
    const colorOf = new Map<number, string>(p.palette.map(([a, c]) => [a, c]));
    const onCritical = new Uint8Array(n);
    for (const t of p.critical) onCritical[t] = 1;
    const criticalEdge = new Set<string>();
    for (let k = 1; k < p.critical.length; k++) criticalEdge.add(p.critical[k - 1] + ">" + p.critical[k]);
    const into: number[][] = Array.from({ length: n }, () => []);
    const outOf: number[][] = Array.from({ length: n }, () => []);
    p.edges.forEach((e, k) => {
      outOf[e[0]!]!.push(k);
      into[e[1]!]!.push(k);
    });
    // Edges of sinks (layout.ts) are bundled: drawn only while lit, or on the critical path.
    const isSinkTx = new Uint8Array(n);
    for (const t of L.sinks) isSinkTx[t] = 1;
    const bundled = new Uint8Array(p.edges.length);
    const feedsSink = new Uint8Array(n);
    let bundledCount = 0;
    p.edges.forEach((e, k) => {
      if (isSinkTx[e[0]!] === 0 && isSinkTx[e[1]!] === 0) return;
      bundled[k] = 1;
      bundledCount++;
      if (isSinkTx[e[1]!] === 1) feedsSink[e[0]!] = 1;
    });
    /** Shared between the graph and the timeline: the transaction under the mouse in either. */
    let focusTx = -1;
    let focusAddress = -1;
    const graph = setUpGraph();
    const timeline = setUpTimeline();
    const ideal = setUpIdeal();
    setUpHotSpots();

    function isCell(t: number): boolean {
      return tx.component[t] === -1;
    }

    function isSink(t: number): boolean {
      return tx.component[t] === -2;
    }

    function nodeSize(t: number): [number, number] {
      return isCell(t) ? [L.cell, L.cell] : [L.nodeWidth, L.nodeHeight];
    }

    function fillOf(t: number): string {
      const to = tx.to[t]!;
      if (to === -2) return COLORS.create;
      if (to === -1) return COLORS.unknown;
      return colorOf.get(to) ?? COLORS.other;
    }

    function txTooltip(t: number): string {
      const from = tx.from[t]!;
      const to = tx.to[t]!;
      const preds = into[t]!.map((k) => p.edges[k]![0]!);
      const succs = outOf[t]!.map((k) => p.edges[k]![1]!);
      const list = (xs: number[]): string => (xs.length === 0 ? "none" : xs.slice(0, 12).map((x) => "#" + x).join(", ") + (xs.length > 12 ? " … " + (xs.length - 12) + " more" : ""));
      const lines = [
        "<b>#" + t + "</b> · " + (tx.status[t] === 1 ? "success" : '<span class="bad">failed</span>') + " · " + tx.gas[t]!.toLocaleString("en-US") + " gas · " + tx.ms[t]!.toFixed(3) + " ms",
        "from " + (from >= 0 ? esc(p.addresses[from]!) : "unknown"),
        "to " + (to >= 0 ? esc(p.addresses[to]!) : to === -2 ? "(contract creation)" : "unknown"),
        isSink(t)
          ? "a sink: depends on " + preds.length + " transactions (its edges show while you hover it) · depth " + tx.depth[t]
          : isCell(t)
            ? feedsSink[t] === 1
              ? "no dependency apart from feeding a sink (▾) · depth " + tx.depth[t]
              : "independent: no dependency in or out"
            : "depth " + tx.depth[t] + " · component of " + L.components[tx.component[t]!]![4] + " transactions",
        "incarnations " + tx.incarnations[t] + " · aborts " + tx.aborts[t] + " · validation failures " + tx.validationFailures[t],
      ];
      if (!isCell(t) || feedsSink[t] === 1) lines.push("depends on " + list(preds), "needed by " + list(succs));
      if (onCritical[t] === 1) lines.push('<span class="crit">on the critical path</span>');
      return lines.join("<br>");
    }

    // ---- the graph ----------------------------------------------------------------------------

    function setUpGraph() {
      const container = doc.getElementById("graph-" + index)!;
      const canvas = container.querySelector("canvas") as ClientCanvas;
      const ctx = canvas.getContext("2d")!;
      const pad = 16;
      let scale = 1;
      let panX = pad;
      let panY = pad;
      let cssWidth = 0;
      let cssHeight = 0;
      let hoverNode = -1;
      let hoverEdge = -1;
      let drag: { x: number; y: number; panX: number; panY: number; moved: boolean } | null = null;
      let pending = false;

      function fitWidth(): void {
        cssWidth = Math.max(320, container.clientWidth);
        scale = L.width > 0 ? Math.min(1, (cssWidth - 2 * pad) / L.width) : 1;
        const contentHeight = L.height * scale + 2 * pad;
        // As tall as the drawing, up to a few screens: the page scrolls, dragging pans beyond.
        cssHeight = Math.round(Math.max(120, Math.min(contentHeight, Math.max(900, win.innerHeight * 2.5))));
        sizeCanvas(canvas, cssWidth, cssHeight);
        panX = (cssWidth - L.width * scale) / 2;
        panY = pad;
      }

      function fitAll(): void {
        scale = Math.min(1, (cssWidth - 2 * pad) / Math.max(1, L.width), (cssHeight - 2 * pad) / Math.max(1, L.height));
        panX = (cssWidth - L.width * scale) / 2;
        panY = (cssHeight - L.height * scale) / 2;
      }

      function zoomAt(factor: number, sx: number, sy: number): void {
        const next = Math.max(0.02, Math.min(4, scale * factor));
        panX = sx - ((sx - panX) * next) / scale;
        panY = sy - ((sy - panY) * next) / scale;
        scale = next;
        request();
      }

      function request(): void {
        if (pending) return;
        pending = true;
        win.requestAnimationFrame(() => {
          pending = false;
          draw();
        });
      }

      function edgeEnds(k: number): [number, number, number, number] {
        const e = p.edges[k]!;
        const a = e[0]!;
        const b = e[1]!;
        const [wa, ha] = nodeSize(a);
        const [wb] = nodeSize(b);
        return [tx.x[a]! + wa / 2, tx.y[a]! + ha, tx.x[b]! + wb / 2, tx.y[b]!];
      }

      function edgeHasAddress(k: number, address: number): boolean {
        const e = p.edges[k]!;
        for (let i = 2; i < e.length; i += 3) if (e[i] === address) return true;
        return false;
      }

      function draw(): void {
        container.setAttribute("data-focus", String(focusTx)); // the transaction lit from any view, for tests
        ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
        ctx.clearRect(0, 0, cssWidth, cssHeight);
        if (n === 0) {
          caption("An empty block: no transactions.", pad, pad, 14, COLORS.text);
          return;
        }
        ctx.setTransform(dpr * scale, 0, 0, dpr * scale, dpr * panX, dpr * panY);
        // The visible part of the layout, for culling.
        const vx0 = -panX / scale;
        const vy0 = -panY / scale;
        const vx1 = vx0 + cssWidth / scale;
        const vy1 = vy0 + cssHeight / scale;
        const visible = (x0: number, y0: number, x1: number, y1: number): boolean => x1 >= vx0 && x0 <= vx1 && y1 >= vy0 && y0 <= vy1;
        const { lit, litEdge } = litItems();
        const dimming = hoverNode >= 0 || focusAddress >= 0 || hoverEdge >= 0;
        if (scale * 11 >= 7) {
          L.components.forEach((c, i) => {
            if (visible(c[0]!, c[1]!, c[0]! + c[2]!, c[1]! + 14)) caption("component " + (i + 1) + " · " + c[4] + " txs · depth " + c[6], c[0]!, c[1]!, 11, "#666", Math.max(c[2]!, L.nodeWidth));
          });
        }
        // Edges: plain, then critical, then lit, so the important ones end on top.
        for (const pass of [0, 1, 2]) {
          p.edges.forEach((e, k) => {
            const critical = criticalEdge.has(e[0] + ">" + e[1]);
            const which = litEdge[k] === 1 ? 2 : critical ? 1 : 0;
            if (which !== pass || (which === 0 && bundled[k] === 1)) return;
            const [x1, y1, x2, y2] = edgeEnds(k);
            if (!visible(Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2))) return;
            ctx.globalAlpha = dimming && which !== 2 ? 0.18 : 1;
            const color = which === 2 ? (focusAddress >= 0 && hoverNode < 0 && hoverEdge < 0 ? COLORS.focus : COLORS.hover) : critical ? COLORS.critical : COLORS.edge;
            drawEdge(x1, y1, x2, y2, color, which === 0 ? 1 : 2.5);
          });
        }
        for (let t = 0; t < n; t++) {
          const [w, h] = nodeSize(t);
          if (!visible(tx.x[t]!, tx.y[t]!, tx.x[t]! + w, tx.y[t]! + h)) continue;
          ctx.globalAlpha = dimming && lit[t] === 0 && t !== focusTx ? 0.3 : 1;
          drawNode(t, w, h);
        }
        ctx.globalAlpha = 1;
        if (scale * 12 < 6) return;
        if (L.grid !== null) caption(L.grid.count + " independent transaction" + (L.grid.count === 1 ? "" : "s") + " (no dependency in or out" + (L.sinks.length > 0 ? ", apart from feeding a sink: ▾" : "") + "), in block order", L.grid.x, L.grid.y + 4, 12, "#444");
        if (L.sinkBand !== null) caption("Sinks: transactions that depend on a large share of the block (" + bundledCount + " edges, shown while you hover a sink or a ▾ transaction)", L.sinkBand.x, L.sinkBand.y + 4, 12, "#444");
      }

      /** What the mouse lights up: a hovered node's edges, a hovered edge, a hot-spot contract's edges. */
      function litItems(): { lit: Uint8Array; litEdge: Uint8Array } {
        const lit = new Uint8Array(n);
        const litEdge = new Uint8Array(p.edges.length);
        const light = (k: number): void => {
          litEdge[k] = 1;
          lit[p.edges[k]![0]!] = lit[p.edges[k]![1]!] = 1;
        };
        if (hoverNode >= 0) {
          lit[hoverNode] = 1;
          for (const k of into[hoverNode]!.concat(outOf[hoverNode]!)) light(k);
        }
        if (hoverEdge >= 0) light(hoverEdge);
        if (focusAddress >= 0) p.edges.forEach((_, k) => edgeHasAddress(k, focusAddress) && light(k));
        return { lit, litEdge };
      }

      function caption(text: string, x: number, y: number, size: number, color: string, maxWidth?: number): void {
        ctx.fillStyle = color;
        ctx.font = size + "px system-ui, sans-serif";
        ctx.textAlign = "left";
        ctx.textBaseline = "top";
        if (maxWidth === undefined) ctx.fillText(text, x, y);
        else ctx.fillText(text, x, y, maxWidth);
      }

      /** A curve leaving j's bottom and entering i's top vertically, with an arrowhead at i. */
      function drawEdge(x1: number, y1: number, x2: number, y2: number, color: string, width: number): void {
        const my = (y2 - y1) / 2;
        ctx.strokeStyle = color;
        ctx.lineWidth = width / Math.max(scale, 0.5);
        ctx.beginPath();
        ctx.moveTo(x1, y1);
        ctx.bezierCurveTo(x1, y1 + my, x2, y2 - my, x2, y2);
        ctx.stroke();
        const head = 6 / Math.max(scale, 0.5);
        ctx.fillStyle = color;
        ctx.beginPath();
        ctx.moveTo(x2, y2);
        ctx.lineTo(x2 - head / 2, y2 - head);
        ctx.lineTo(x2 + head / 2, y2 - head);
        ctx.fill();
      }

      /** A box (or a grid cell): fill by target, border by critical path and status, marks, and as much text as the zoom allows. */
      function drawNode(t: number, w: number, h: number): void {
        const x = tx.x[t]!;
        const y = tx.y[t]!;
        const failed = tx.status[t] !== 1;
        ctx.fillStyle = fillOf(t);
        ctx.fillRect(x, y, w, h);
        if (failed) ctx.setLineDash([4, 3]);
        ctx.strokeStyle = onCritical[t] === 1 ? COLORS.critical : COLORS.stroke;
        ctx.lineWidth = (onCritical[t] === 1 ? 2.5 : 1) / Math.max(scale, 0.5);
        ctx.strokeRect(x, y, w, h);
        if (failed) ctx.setLineDash([]);
        if (t === focusTx || t === hoverNode) {
          ctx.strokeStyle = COLORS.hover;
          ctx.lineWidth = 3 / scale;
          ctx.strokeRect(x - 3 / scale, y - 3 / scale, w + 6 / scale, h + 6 / scale);
        }
        if (feedsSink[t] === 1) {
          // ▾ at the bottom: an edge into a sink, not drawn.
          const size = Math.min(5, w / 3);
          ctx.fillStyle = "#444";
          ctx.beginPath();
          ctx.moveTo(x + w / 2 - size, y + h - size);
          ctx.lineTo(x + w / 2 + size, y + h - size);
          ctx.lineTo(x + w / 2, y + h);
          ctx.fill();
        }
        const retries = tx.aborts[t]! + tx.validationFailures[t]!;
        if (isCell(t)) {
          if (retries > 0) {
            ctx.fillStyle = COLORS.blocked;
            ctx.fillRect(x + w - 6, y, 6, 6);
          }
          if (scale * L.cell >= 22) centred(String(t), x + w / 2, y + h / 2, "7px ui-monospace, monospace", COLORS.text, w - 2);
          return;
        }
        const detail = scale * L.nodeHeight;
        if (retries > 0) {
          ctx.fillStyle = COLORS.blocked;
          ctx.beginPath();
          ctx.arc(x + w - 1, y + 1, 7, 0, 2 * Math.PI);
          ctx.fill();
          if (detail >= 20) centred(String(retries), x + w - 1, y + 1.5, "bold 9px system-ui, sans-serif", "#fff");
        }
        if (detail < 12) return;
        if (detail < 24) {
          centred("#" + t, x + w / 2, y + h / 2, "bold 16px system-ui, sans-serif", COLORS.text, w - 4);
          return;
        }
        ctx.fillStyle = COLORS.text;
        ctx.textBaseline = "middle";
        ctx.textAlign = "left";
        ctx.font = "bold 11px system-ui, sans-serif";
        ctx.fillText("#" + t + (failed ? " ✗" : ""), x + 5, y + 10);
        ctx.textAlign = "right";
        ctx.font = "10px system-ui, sans-serif";
        ctx.fillText(gasText(tx.gas[t]!) + " gas", x + w - 9, y + 10);
        ctx.textAlign = "left";
        ctx.font = "10px ui-monospace, monospace";
        const from = tx.from[t]!;
        const to = tx.to[t]!;
        const fromText = from >= 0 ? shortHex(p.addresses[from]!) : "?";
        const toText = to >= 0 ? shortHex(p.addresses[to]!) : to === -2 ? "create" : "?";
        ctx.fillText(fromText + "→" + toText, x + 5, y + 25, w - 8);
      }

      function centred(text: string, x: number, y: number, font: string, color: string, maxWidth?: number): void {
        ctx.fillStyle = color;
        ctx.font = font;
        ctx.textAlign = "center";
        ctx.textBaseline = "middle";
        if (maxWidth === undefined) ctx.fillText(text, x, y);
        else ctx.fillText(text, x, y, maxWidth);
      }

      /** The transaction under layout point (x, y), or -1. */
      function nodeAt(x: number, y: number): number {
        for (let t = 0; t < n; t++) {
          const [w, h] = nodeSize(t);
          if (x >= tx.x[t]! && x <= tx.x[t]! + w && y >= tx.y[t]! && y <= tx.y[t]! + h) return t;
        }
        return -1;
      }

      /** The edge within a few pixels of layout point (x, y), or -1. */
      function edgeAt(x: number, y: number): number {
        const tolerance = 5 / scale;
        let best = -1;
        let bestDistance = tolerance;
        for (let k = 0; k < p.edges.length; k++) {
          if (bundled[k] === 1 && !criticalEdge.has(p.edges[k]![0] + ">" + p.edges[k]![1])) continue;
          const [x1, y1, x2, y2] = edgeEnds(k);
          if (x < Math.min(x1, x2) - tolerance || x > Math.max(x1, x2) + tolerance || y < Math.min(y1, y2) - tolerance || y > Math.max(y1, y2) + tolerance) continue;
          let [px, py] = [x1, y1];
          for (let s = 1; s <= 16; s++) {
            const [qx, qy] = bezierPoint(x1, y1, x2, y2, s / 16);
            const d = segmentDistance(x, y, px, py, qx, qy);
            if (d < bestDistance) [best, bestDistance] = [k, d];
            [px, py] = [qx, qy];
          }
        }
        return best;
      }

      function edgeTooltip(k: number): string {
        const e = p.edges[k]!;
        const count = (e.length - 2) / 3;
        const lines = ["<b>#" + e[0] + " → #" + e[1] + "</b> · " + count + " location" + (count === 1 ? "" : "s") + " · distance " + (e[1]! - e[0]!)];
        if (criticalEdge.has(e[0] + ">" + e[1])) lines.push('<span class="crit">on the critical path</span>');
        for (let i = 2; i < e.length && i < 2 + 3 * 16; i += 3) {
          const slot = e[i + 2]!;
          lines.push(FIELD[e[i + 1]!] + " of " + esc(p.addresses[e[i]!]!) + (slot >= 0 ? "<br>&nbsp;&nbsp;slot " + esc(p.slots[slot]!) : ""));
        }
        if (count > 16) lines.push("… " + (count - 16) + " more");
        return lines.join("<br>");
      }

      function localPoint(event: ClientEvent): [number, number] {
        const box = canvas.getBoundingClientRect();
        return [event.clientX - box.left, event.clientY - box.top];
      }

      canvas.addEventListener("mousedown", (event) => {
        if (event.button !== 0) return;
        drag = { x: event.clientX, y: event.clientY, panX, panY, moved: false };
        event.preventDefault();
      });
      win.addEventListener("mouseup", () => {
        if (drag !== null) canvas.classList.toggle("dragging", false);
        drag = null;
      });
      canvas.addEventListener("mousemove", (event) => {
        if (drag !== null) {
          const dx = event.clientX - drag.x;
          const dy = event.clientY - drag.y;
          if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
          if (drag.moved) {
            canvas.classList.toggle("dragging", true);
            panX = drag.panX + dx;
            panY = drag.panY + dy;
            hideTooltip();
            request();
            return;
          }
        }
        const [sx, sy] = localPoint(event);
        const x = (sx - panX) / scale;
        const y = (sy - panY) / scale;
        const node = nodeAt(x, y);
        const edge = node >= 0 ? -1 : edgeAt(x, y);
        if (node !== hoverNode || edge !== hoverEdge) {
          hoverNode = node;
          hoverEdge = edge;
          focusTx = node;
          request();
          timeline.request();
          ideal.request();
        }
        if (node >= 0) showTooltip(txTooltip(node), event.clientX, event.clientY);
        else if (edge >= 0) showTooltip(edgeTooltip(edge), event.clientX, event.clientY);
        else hideTooltip();
      });
      canvas.addEventListener("mouseleave", () => {
        hoverNode = hoverEdge = -1;
        focusTx = -1;
        hideTooltip();
        request();
        timeline.request();
        ideal.request();
      });
      canvas.addEventListener(
        "wheel",
        (event) => {
          if (!event.ctrlKey && !event.metaKey) return; // plain wheel scrolls the page
          event.preventDefault();
          const [sx, sy] = localPoint(event);
          zoomAt(Math.exp(-event.deltaY * 0.002), sx, sy);
        },
        { passive: false },
      );
      const buttons = container.querySelectorAll("button[data-action]");
      for (let i = 0; i < buttons.length; i++) {
        const button = buttons[i]!;
        button.addEventListener("click", () => {
          const action = button.getAttribute("data-action");
          if (action === "zoom-in") zoomAt(1.25, cssWidth / 2, cssHeight / 2);
          else if (action === "zoom-out") zoomAt(0.8, cssWidth / 2, cssHeight / 2);
          else if (action === "fit-width") fitWidth();
          else if (action === "fit-all") fitAll();
          else if (action === "critical" && p.critical.length > 0) centreOn(p.critical[0]!);
          request();
        });
      }
      win.addEventListener("resize", () => {
        if (Math.abs(container.clientWidth - cssWidth) > 2) {
          fitWidth();
          request();
        }
      });

      function centreOn(t: number): void {
        if (scale < 0.5) scale = 0.5;
        const [w, h] = nodeSize(t);
        panX = cssWidth / 2 - (tx.x[t]! + w / 2) * scale;
        panY = cssHeight / 2 - (tx.y[t]! + h / 2) * scale;
      }

      /** Layout point (x, y) in client coordinates, scrolling the page to bring it into view. */
      function toClient(x: number, y: number): { x: number; y: number } {
        let box = canvas.getBoundingClientRect();
        const clientY = box.top + panY + y * scale;
        if (clientY < 0 || clientY > win.innerHeight) {
          win.scrollBy(0, clientY - win.innerHeight / 2);
          box = canvas.getBoundingClientRect();
        }
        return { x: box.left + panX + x * scale, y: box.top + panY + y * scale };
      }

      fitWidth();
      draw();
      container.setAttribute("data-nodes", String(n));
      container.setAttribute("data-edges", String(p.edges.length));
      container.setAttribute("data-isolated", String(L.grid === null ? 0 : L.grid.count));
      container.setAttribute("data-components", String(L.components.length));
      container.setAttribute("data-sinks", String(L.sinks.length));
      container.setAttribute("data-bundled", String(bundledCount));
      container.setAttribute("data-critical", String(p.critical.length));
      container.setAttribute("data-rendered", "1");
      return {
        request,
        nodePoint(t: number) {
          centreOn(t);
          draw();
          const [w, h] = nodeSize(t);
          return toClient(tx.x[t]! + w / 2, tx.y[t]! + h / 2);
        },
        edgePoint(k: number) {
          const [x1, y1, x2, y2] = edgeEnds(k);
          const [mx, my] = bezierPoint(x1, y1, x2, y2, 0.5);
          if (scale < 0.5) scale = 0.5;
          panX = cssWidth / 2 - mx * scale;
          panY = cssHeight / 2 - my * scale;
          draw();
          return toClient(mx, my);
        },
      };
    }

    // ---- the timeline -------------------------------------------------------------------------

    function setUpTimeline() {
      const container = doc.getElementById("timeline-" + index)!;
      const canvas = container.querySelector("canvas") as ClientCanvas;
      const ctx = canvas.getContext("2d")!;
      const ev = p.timeline;
      const count = ev.tx.length;
      const labelWidth = 76;
      const rowHeight = 26;
      const axisHeight = 24;
      let cssWidth = 0;
      let cssHeight = 0;
      let msPerPx = 1;
      let offset = 0; // ms at the left edge of the plot
      let hover = -1;
      let pending = false;
      let drag: { x: number; offset: number } | null = null;
      let totalMs = 0;
      for (let k = 0; k < count; k++) if (ev.end[k]! > totalMs) totalMs = ev.end[k]!;

      function plotWidth(): number {
        return cssWidth - labelWidth - 12;
      }

      function fit(): void {
        cssWidth = Math.max(320, container.clientWidth);
        cssHeight = p.threads * rowHeight + axisHeight + 4;
        sizeCanvas(canvas, cssWidth, cssHeight);
        msPerPx = Math.max(totalMs, 1e-3) / plotWidth();
        offset = 0;
      }

      function request(): void {
        if (pending || count === 0) return;
        pending = true;
        win.requestAnimationFrame(() => {
          pending = false;
          draw();
        });
      }

      function colorOfEvent(k: number): string {
        if (ev.kind[k] === 1) return ev.outcome[k] === 2 ? COLORS.validationFailed : COLORS.validated;
        if (ev.outcome[k] === 1) return COLORS.blocked;
        return ev.incarnation[k]! > 0 ? COLORS.reexecute : COLORS.execute;
      }

      function barBox(k: number): [number, number, number, number] {
        const x0 = labelWidth + (ev.start[k]! - offset) / msPerPx;
        const width = Math.max(1, (ev.end[k]! - ev.start[k]!) / msPerPx);
        const rowTop = ev.thread[k]! * rowHeight;
        return ev.kind[k] === 1 ? [x0, rowTop + 15, width, 8] : [x0, rowTop + 3, width, 18];
      }

      function threadName(thread: number): string {
        return thread === p.workers - 1 && p.workers > 1 ? "main" : "worker " + thread;
      }

      function draw(): void {
        ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
        ctx.clearRect(0, 0, cssWidth, cssHeight);
        ctx.font = "11px system-ui, sans-serif";
        ctx.textBaseline = "middle";
        for (let r = 0; r < p.threads; r++) {
          ctx.fillStyle = r % 2 === 0 ? "#f7f7f7" : "#ffffff";
          ctx.fillRect(0, r * rowHeight, cssWidth, rowHeight);
          ctx.fillStyle = "#444";
          ctx.textAlign = "left";
          ctx.fillText(threadName(r), 6, r * rowHeight + rowHeight / 2);
        }
        const right = labelWidth + plotWidth();
        for (let k = 0; k < count; k++) {
          const [x, y, w, h] = barBox(k);
          if (x > right || x + w < labelWidth) continue;
          const x0 = Math.max(x, labelWidth);
          const x1 = Math.min(x + w, right);
          ctx.fillStyle = colorOfEvent(k);
          ctx.globalAlpha = focusTx >= 0 && ev.tx[k] !== focusTx ? 0.35 : 1;
          ctx.fillRect(x0, y, x1 - x0, h);
          if (ev.tx[k] === focusTx || k === hover) {
            ctx.strokeStyle = "#111";
            ctx.lineWidth = 1.5;
            ctx.strokeRect(x0, y, x1 - x0, h);
          }
          if (ev.kind[k] === 0 && x1 - x0 > 26) {
            ctx.fillStyle = "#fff";
            ctx.textAlign = "center";
            ctx.font = "10px system-ui, sans-serif";
            ctx.fillText(String(ev.tx[k]), (x0 + x1) / 2, y + h / 2, x1 - x0 - 2);
          }
        }
        ctx.globalAlpha = 1;
        drawTimeAxis(ctx, p.threads * rowHeight, labelWidth, right, offset, msPerPx);
      }

      function eventAt(x: number, y: number): number {
        const row = Math.floor(y / rowHeight);
        if (row < 0 || row >= p.threads || x < labelWidth) return -1;
        let best = -1;
        for (let k = 0; k < count; k++) {
          if (ev.thread[k] !== row) continue;
          const [bx, by, bw, bh] = barBox(k);
          // Validation bars sit over the lower part of execution bars: prefer them there.
          if (x >= bx - 1 && x <= bx + bw + 1 && y >= by && y <= by + bh && (best === -1 || ev.kind[k] === 1)) best = k;
        }
        return best;
      }

      function eventTooltip(k: number): string {
        const kind = ev.kind[k] === 0 ? "execution" : "validation";
        const outcome = ev.kind[k] === 1 ? (ev.outcome[k] === 2 ? '<span class="bad">failed: re-executed</span>' : "passed") : ev.outcome[k] === 1 ? '<span class="bad">aborted: read an estimate, waits</span>' : ev.incarnation[k]! > 0 ? "re-execution, ran to the end" : "ran to the end";
        return (
          "<b>#" + ev.tx[k] + "</b> " + kind + " of incarnation " + ev.incarnation[k] + " · " + outcome + "<br>" + threadName(ev.thread[k]!) + " · " + ev.start[k]!.toFixed(3) + " → " + ev.end[k]!.toFixed(3) + " ms (" + (ev.end[k]! - ev.start[k]!).toFixed(3) + " ms)"
        );
      }

      function localPoint(event: ClientEvent): [number, number] {
        const box = canvas.getBoundingClientRect();
        return [event.clientX - box.left, event.clientY - box.top];
      }

      function zoomAt(factor: number, sx: number): void {
        const at = offset + Math.max(0, sx - labelWidth) * msPerPx;
        msPerPx = Math.min(Math.max(totalMs, 1e-3) / plotWidth(), Math.max(1e-5, msPerPx / factor));
        offset = clampOffset(at - Math.max(0, sx - labelWidth) * msPerPx);
        request();
      }

      function clampOffset(x: number): number {
        return Math.max(0, Math.min(x, Math.max(0, totalMs - plotWidth() * msPerPx)));
      }

      if (count > 0) {
        canvas.addEventListener("mousedown", (event) => {
          if (event.button !== 0) return;
          drag = { x: event.clientX, offset };
          event.preventDefault();
        });
        win.addEventListener("mouseup", () => {
          drag = null;
        });
        canvas.addEventListener("mousemove", (event) => {
          if (drag !== null && Math.abs(event.clientX - drag.x) > 3) {
            offset = clampOffset(drag.offset - (event.clientX - drag.x) * msPerPx);
            hideTooltip();
            request();
            return;
          }
          const [sx, sy] = localPoint(event);
          const k = eventAt(sx, sy);
          if (k !== hover) {
            hover = k;
            focusTx = k >= 0 ? ev.tx[k]! : -1;
            request();
            graph.request();
            ideal.request();
          }
          if (k >= 0) showTooltip(eventTooltip(k) + "<br>" + txTooltip(ev.tx[k]!), event.clientX, event.clientY);
          else hideTooltip();
        });
        canvas.addEventListener("mouseleave", () => {
          hover = -1;
          focusTx = -1;
          hideTooltip();
          request();
          graph.request();
          ideal.request();
        });
        canvas.addEventListener(
          "wheel",
          (event) => {
            if (!event.ctrlKey && !event.metaKey) return;
            event.preventDefault();
            zoomAt(Math.exp(-event.deltaY * 0.002), localPoint(event)[0]);
          },
          { passive: false },
        );
        const buttons = container.querySelectorAll("button[data-action]");
        for (let i = 0; i < buttons.length; i++) {
          const button = buttons[i]!;
          button.addEventListener("click", () => {
            const action = button.getAttribute("data-action");
            if (action === "zoom-in") zoomAt(2, labelWidth + plotWidth() / 2);
            else if (action === "zoom-out") zoomAt(0.5, labelWidth + plotWidth() / 2);
            else if (action === "fit") {
              fit();
              request();
            }
          });
        }
        win.addEventListener("resize", () => {
          if (Math.abs(container.clientWidth - cssWidth) > 2) {
            fit();
            request();
          }
        });
        fit();
        draw();
      }
      container.setAttribute("data-bars", String(count));
      container.setAttribute("data-threads", String(count === 0 ? 0 : p.threads));
      container.setAttribute("data-rendered", "1");
      return {
        request,
        barPoint(k: number) {
          // Wide enough to see and hover: at least 24 px.
          const duration = Math.max(ev.end[k]! - ev.start[k]!, 1e-6);
          if (duration / msPerPx < 24) msPerPx = Math.max(1e-6, duration / 24);
          offset = clampOffset(ev.start[k]! - (plotWidth() / 2) * msPerPx);
          draw();
          const [x, y, w, h] = barBox(k);
          canvas.scrollIntoView({ block: "center" });
          const box = canvas.getBoundingClientRect();
          return { x: box.left + x + w / 2, y: box.top + y + h / 2 };
        },
      };
    }

    // ---- the ideal schedule ---------------------------------------------------------------------

    function setUpIdeal() {
      const container = doc.getElementById("ideal-" + index);
      const canvas = container === null ? null : (container.querySelector("canvas") as ClientCanvas | null);
      if (container === null || canvas === null || n === 0) {
        container?.setAttribute("data-rendered", "1");
        return { request(): void {}, barPoint: (): { x: number; y: number } => ({ x: -1, y: -1 }) };
      }
      const ctx = canvas.getContext("2d")!;
      const I = p.ideal;
      const stats = container.querySelector(".ideal-stats")!;
      const threadSelect = container.querySelector('select[data-control="threads"]') as ClientSelect;
      const orderSelect = container.querySelector('select[data-control="order"]') as ClientSelect;
      const cells = doc.querySelectorAll("#ideal-table-" + index + " td[data-threads]");
      const predecessors = into.map((ks) => ks.map((k) => p.edges[k]![0]!));
      const computed = new Map<string, PageSchedule>();
      const labelWidth = 76;
      const rowHeight = 22;
      const axisHeight = 24;
      let threads = I.selected;
      let order = "block";
      let s = current();
      let rows: number[][] = [];
      let cssWidth = 0;
      let cssHeight = 0;
      let msPerPx = 1;
      let offset = 0;
      let hover = -1;
      let pending = false;
      let drag: { x: number; offset: number } | null = null;

      function current(): PageSchedule {
        const key = threads + ":" + order;
        let found = computed.get(key);
        if (found === undefined) {
          found = schedule(predecessors, tx.ms, threads, order === "critical" ? I.criticalOrder : null);
          computed.set(key, found);
        }
        return found;
      }

      /** Shows the schedule on `nextThreads` threads in `nextOrder` ("block" or "critical"). */
      function select(nextThreads: number, nextOrder: string): void {
        threads = nextThreads;
        order = nextOrder === "critical" ? "critical" : "block";
        threadSelect.value = String(threads);
        orderSelect.value = order;
        s = current();
        rows = Array.from({ length: threads }, () => []);
        for (let t = 0; t < n; t++) rows[s.thread[t]!]!.push(t);
        for (const row of rows) row.sort((a, b) => s.start[a]! - s.start[b]!);
        hover = -1;
        fit();
        draw();
        stats.innerHTML = describe();
        for (let i = 0; i < cells.length; i++) {
          const cell = cells[i]!;
          cell.classList.toggle("selected", cell.getAttribute("data-threads") === String(threads) && cell.getAttribute("data-order") === order);
        }
        container!.setAttribute("data-ideal-threads", String(threads));
        container!.setAttribute("data-ideal-order", order);
        container!.setAttribute("data-ideal-makespan", String(s.makespan));
      }

      function describe(): string {
        const ms = (x: number): string => x.toFixed(x < 10 ? 3 : x < 100 ? 2 : 1) + " ms";
        const k = I.threads.indexOf(threads);
        const other = order === "block" ? I.makespan.critical[k]! : I.makespan.block[k]!;
        const busy = s.makespan === 0 ? 1 : I.totalMs / (threads * s.makespan);
        const parts = [
          "<b>" + threads + " threads, " + (order === "block" ? "block order" : "critical-path order") + ": makespan " + ms(s.makespan) + "</b>",
          "speedup " + (s.makespan === 0 ? 1 : I.totalMs / s.makespan).toFixed(2) + "x over Σ " + ms(I.totalMs) + ", threads busy " + Math.round(busy * 100) + "% of the makespan",
          (order === "block" ? "critical-path order " : "block order ") + ms(other),
        ];
        if (I.actualMs !== null) parts.push("the actual run: " + ms(I.actualMs) + " wall on " + p.workers + " threads" + (s.makespan > 0 ? ", " + (I.actualMs / s.makespan).toFixed(2) + "x this ideal" : ""));
        return parts.join(" · ");
      }

      function plotWidth(): number {
        return cssWidth - labelWidth - 12;
      }

      function fit(): void {
        cssWidth = Math.max(320, container!.clientWidth);
        cssHeight = threads * rowHeight + axisHeight + 4;
        sizeCanvas(canvas!, cssWidth, cssHeight);
        msPerPx = Math.max(s.makespan, 1e-3) / plotWidth();
        offset = 0;
      }

      function request(): void {
        if (pending) return;
        pending = true;
        win.requestAnimationFrame(() => {
          pending = false;
          draw();
        });
      }

      function barBox(t: number): [number, number, number, number] {
        const x0 = labelWidth + (s.start[t]! - offset) / msPerPx;
        return [x0, s.thread[t]! * rowHeight + 3, Math.max(1, (s.end[t]! - s.start[t]!) / msPerPx), rowHeight - 6];
      }

      function draw(): void {
        ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
        ctx.clearRect(0, 0, cssWidth, cssHeight);
        ctx.font = "11px system-ui, sans-serif";
        ctx.textBaseline = "middle";
        for (let r = 0; r < threads; r++) {
          ctx.fillStyle = r % 2 === 0 ? "#f7f7f7" : "#ffffff";
          ctx.fillRect(0, r * rowHeight, cssWidth, rowHeight);
          ctx.fillStyle = "#444";
          ctx.textAlign = "left";
          ctx.fillText("thread " + r, 6, r * rowHeight + rowHeight / 2);
        }
        const right = labelWidth + plotWidth();
        // Critical bars last, so that a narrow one is not covered by its neighbours' borders.
        for (const pass of [0, 1]) {
          for (let t = 0; t < n; t++) {
            if (onCritical[t] !== pass) continue;
            const [x, y, w, h] = barBox(t);
            if (x > right || x + w < labelWidth) continue;
            const x0 = Math.max(x, labelWidth);
            const x1 = Math.min(x + w, right);
            const wide = x1 - x0 >= 4;
            ctx.globalAlpha = focusTx >= 0 && t !== focusTx ? 0.35 : 1;
            ctx.fillStyle = pass === 1 && !wide ? COLORS.critical : fillOf(t);
            ctx.fillRect(x0, y, x1 - x0, h);
            if (wide) {
              ctx.strokeStyle = pass === 1 ? COLORS.critical : COLORS.stroke;
              ctx.lineWidth = pass === 1 ? 2 : 0.75;
              ctx.strokeRect(x0, y, x1 - x0, h);
            }
            if (x1 - x0 > 26) {
              ctx.fillStyle = COLORS.text;
              ctx.textAlign = "center";
              ctx.font = "10px system-ui, sans-serif";
              ctx.fillText(String(t), (x0 + x1) / 2, y + h / 2, x1 - x0 - 4);
            }
          }
        }
        ctx.globalAlpha = 1;
        const lit = hover >= 0 ? hover : focusTx;
        if (lit >= 0) {
          const [x, y, w, h] = barBox(lit);
          ctx.strokeStyle = COLORS.hover;
          ctx.lineWidth = 2;
          ctx.strokeRect(x - 2, y - 2, w + 4, h + 4);
        }
        drawTimeAxis(ctx, threads * rowHeight, labelWidth, right, offset, msPerPx);
      }

      /** The transaction whose bar is under canvas point (x, y), or -1. */
      function barAt(x: number, y: number): number {
        const row = Math.floor(y / rowHeight);
        if (row < 0 || row >= threads || x < labelWidth) return -1;
        for (const t of rows[row]!) {
          const [bx, , bw] = barBox(t);
          if (x >= bx - 1 && x <= bx + bw + 1) return t;
        }
        return -1;
      }

      function barTooltip(t: number): string {
        return "<b>#" + t + "</b> in the ideal schedule (" + threads + " threads, " + (order === "block" ? "block order" : "critical-path order") + ") · thread " + s.thread[t] + " · " + s.start[t]!.toFixed(3) + " → " + s.end[t]!.toFixed(3) + " ms (" + tx.ms[t]!.toFixed(3) + " ms)";
      }

      function localPoint(event: ClientEvent): [number, number] {
        const box = canvas!.getBoundingClientRect();
        return [event.clientX - box.left, event.clientY - box.top];
      }

      function clampOffset(x: number): number {
        return Math.max(0, Math.min(x, Math.max(0, s.makespan - plotWidth() * msPerPx)));
      }

      function zoomAt(factor: number, sx: number): void {
        const at = offset + Math.max(0, sx - labelWidth) * msPerPx;
        msPerPx = Math.min(Math.max(s.makespan, 1e-3) / plotWidth(), Math.max(1e-6, msPerPx / factor));
        offset = clampOffset(at - Math.max(0, sx - labelWidth) * msPerPx);
        request();
      }

      canvas.addEventListener("mousedown", (event) => {
        if (event.button !== 0) return;
        drag = { x: event.clientX, offset };
        event.preventDefault();
      });
      win.addEventListener("mouseup", () => {
        drag = null;
      });
      canvas.addEventListener("mousemove", (event) => {
        if (drag !== null && Math.abs(event.clientX - drag.x) > 3) {
          offset = clampOffset(drag.offset - (event.clientX - drag.x) * msPerPx);
          hideTooltip();
          request();
          return;
        }
        const [sx, sy] = localPoint(event);
        const t = barAt(sx, sy);
        if (t !== hover) {
          hover = t;
          focusTx = t;
          request();
          graph.request();
          timeline.request();
        }
        if (t >= 0) showTooltip(barTooltip(t) + "<br>" + txTooltip(t), event.clientX, event.clientY);
        else hideTooltip();
      });
      canvas.addEventListener("mouseleave", () => {
        hover = -1;
        focusTx = -1;
        hideTooltip();
        request();
        graph.request();
        timeline.request();
      });
      canvas.addEventListener(
        "wheel",
        (event) => {
          if (!event.ctrlKey && !event.metaKey) return;
          event.preventDefault();
          zoomAt(Math.exp(-event.deltaY * 0.002), localPoint(event)[0]);
        },
        { passive: false },
      );
      const buttons = container.querySelectorAll("button[data-action]");
      for (let i = 0; i < buttons.length; i++) {
        const button = buttons[i]!;
        button.addEventListener("click", () => {
          const action = button.getAttribute("data-action");
          if (action === "zoom-in") zoomAt(2, labelWidth + plotWidth() / 2);
          else if (action === "zoom-out") zoomAt(0.5, labelWidth + plotWidth() / 2);
          else if (action === "fit") {
            fit();
            request();
          }
        });
      }
      threadSelect.addEventListener("change", () => select(Number(threadSelect.value), order));
      orderSelect.addEventListener("change", () => select(threads, orderSelect.value));
      for (let i = 0; i < cells.length; i++) {
        const cell = cells[i]!;
        cell.addEventListener("click", () => select(Number(cell.getAttribute("data-threads")), cell.getAttribute("data-order") ?? "block"));
      }
      win.addEventListener("resize", () => {
        if (Math.abs(container.clientWidth - cssWidth) > 2) {
          fit();
          request();
        }
      });
      select(threads, order);
      container.setAttribute("data-ideal-bars", String(n));
      container.setAttribute("data-rendered", "1");
      return {
        request,
        barPoint(t: number) {
          // Wide enough to see and hover: at least 24 px.
          const duration = Math.max(s.end[t]! - s.start[t]!, 1e-6);
          if (duration / msPerPx < 24) msPerPx = Math.max(1e-7, duration / 24);
          offset = clampOffset(s.start[t]! - (plotWidth() / 2) * msPerPx);
          draw();
          canvas.scrollIntoView({ block: "center" });
          const [x, y, w, h] = barBox(t);
          const box = canvas.getBoundingClientRect();
          return { x: box.left + x + w / 2, y: box.top + y + h / 2 };
        },
      };
    }

    // ---- hot-spot tables: a click on a contract highlights the edges through it ----------------

    function setUpHotSpots(): void {
      const rows = doc.querySelectorAll('tr[data-panel="' + index + '"][data-address]');
      const addressIndex = new Map<string, number>(p.addresses.map((a, i) => [a, i]));
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        row.addEventListener("click", () => {
          const address = addressIndex.get(row.getAttribute("data-address") ?? "") ?? -1;
          focusAddress = focusAddress === address ? -1 : address;
          for (let j = 0; j < rows.length; j++) rows[j]!.classList.toggle("selected", focusAddress >= 0 && rows[j] === row);
          graph.request();
        });
      }
    }

    return { nodePoint: graph.nodePoint, edgePoint: graph.edgePoint, barPoint: timeline.barPoint, idealBarPoint: ideal.barPoint };
  }
}
