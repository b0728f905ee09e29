// The speedup chart, as static SVG: for each record, the ideal speedup by time on 1..16 threads
// (a point per thread count), the same by gas (a dashed line), and what the run achieved (a
// diamond: parallelism; a square: speedup over a sequential run). A dotted diagonal marks linear
// speedup. Every marker carries data-point and a <title> (the browser's own tooltip).
import { escapeHtml } from "./escape.js";
import { CHART_THREADS, type SpeedupSeries } from "./model.js";

const WIDTH = 640;
const HEIGHT = 360;
const MARGIN = { left: 52, right: 20, top: 20, bottom: 44 };

export interface ChartSeries {
  series: SpeedupSeries;
  color: string;
}

export function speedupChart(all: ChartSeries[]): string {
  const maxThreads = Math.max(CHART_THREADS, ...all.flatMap(({ series }) => series.achieved.map((a) => a.threads)));
  const values = all.flatMap(({ series }) => [...series.ideal, ...series.idealGas, ...series.achieved.map((a) => a.speedup)]);
  const yMax = niceCeiling(Math.max(1, ...values.filter(Number.isFinite)) * 1.08);
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (t: number): number => MARGIN.left + ((t - 1) / (maxThreads - 1)) * plotW;
  const sy = (v: number): number => MARGIN.top + plotH - (Math.min(v, yMax) / yMax) * plotH;
  const parts: string[] = [];
  parts.push(axes(maxThreads, yMax, sx, sy));
  // Linear speedup, for reference.
  const diagonalEnd = Math.min(maxThreads, yMax);
  parts.push(`<line class="linear" x1="${f(sx(1))}" y1="${f(sy(1))}" x2="${f(sx(diagonalEnd))}" y2="${f(sy(diagonalEnd))}" stroke="#999" stroke-dasharray="2 4"><title>linear speedup</title></line>`);
  let points = 0;
  for (const { series, color } of all) {
    const gasLine = series.idealGas.map((v, i) => `${f(sx(i + 1))},${f(sy(v))}`).join(" ");
    parts.push(`<polyline class="ideal-gas" points="${gasLine}" fill="none" stroke="${color}" stroke-width="1.5" stroke-dasharray="6 4" opacity="0.6"><title>${escapeHtml(series.label)}: ideal speedup by gas</title></polyline>`);
    const timeLine = series.ideal.map((v, i) => `${f(sx(i + 1))},${f(sy(v))}`).join(" ");
    parts.push(`<polyline class="ideal" points="${timeLine}" fill="none" stroke="${color}" stroke-width="2"/>`);
    if (series.unbounded <= yMax) {
      parts.push(`<line class="unbounded" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${f(sy(series.unbounded))}" y2="${f(sy(series.unbounded))}" stroke="${color}" stroke-dasharray="1 3"><title>${escapeHtml(series.label)}: unbounded threads ${times(series.unbounded)}</title></line>`);
    }
    series.ideal.forEach((v, i) => {
      points++;
      parts.push(`<circle data-point="ideal" data-threads="${i + 1}" cx="${f(sx(i + 1))}" cy="${f(sy(v))}" r="3.5" fill="${color}"><title>${escapeHtml(series.label)}: ideal on ${i + 1} thread${i === 0 ? "" : "s"}: ${times(v)} (by gas ${times(series.idealGas[i]!)})</title></circle>`);
    });
    series.achieved.forEach((a, k) => {
      points++;
      const x = sx(a.threads);
      const y = sy(a.speedup);
      const shape = k === 0 ? `M${f(x)},${f(y - 7)} L${f(x + 7)},${f(y)} L${f(x)},${f(y + 7)} L${f(x - 7)},${f(y)} Z` : `M${f(x - 5.5)},${f(y - 5.5)} h11 v11 h-11 Z`;
      parts.push(`<path data-point="achieved" data-threads="${a.threads}" d="${shape}" fill="${color}" stroke="#222" stroke-width="1.5"><title>${escapeHtml(series.label)}: ${escapeHtml(a.label)} on ${a.threads} thread${a.threads === 1 ? "" : "s"}: ${times(a.speedup)}</title></path>`);
    });
  }
  return (
    `<svg class="chart" id="speedup-chart" data-chart-points="${points}" data-ideal-points="${all.length * CHART_THREADS}" data-achieved-points="${points - all.length * CHART_THREADS}" ` +
    `viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="ideal and achieved speedup by thread count">${parts.join("")}</svg>`
  );
}

/** Legend rows (HTML) matching the chart's series. */
export function chartLegend(all: ChartSeries[]): string {
  const rows = all.map(({ series, color }) => {
    const achieved = series.achieved.map((a, k) => `<span class="mark ${k === 0 ? "diamond" : "square"}" style="background:${color}"></span>${escapeHtml(a.label)}: <b>${times(a.speedup)}</b> on ${a.threads} thread${a.threads === 1 ? "" : "s"}`);
    const ideal = [2, 4, 8, 16].map((t) => `${t}: ${times(series.ideal[t - 1]!)}`).join(", ");
    return (
      `<li><span class="swatch" style="background:${color}"></span><b>${escapeHtml(series.label)}</b> — ideal by time (points) ${ideal}; unbounded ${times(series.unbounded)}; dashed: by gas` +
      (achieved.length > 0 ? `<br>${achieved.join("<br>")}` : `<br>no achieved point (no measured execution time)`) +
      `</li>`
    );
  });
  return `<ul class="chart-legend">${rows.join("")}<li><span class="swatch dotted"></span>linear speedup</li></ul>`;
}

function axes(maxThreads: number, yMax: number, sx: (t: number) => number, sy: (v: number) => number): string {
  const out: string[] = [];
  const left = MARGIN.left;
  const right = WIDTH - MARGIN.right;
  const bottom = HEIGHT - MARGIN.bottom;
  const step = niceStep(yMax / 6);
  for (let v = 0; v <= yMax + 1e-9; v += step) {
    out.push(`<line x1="${left}" x2="${right}" y1="${f(sy(v))}" y2="${f(sy(v))}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${left - 6}" y="${f(sy(v) + 4)}" text-anchor="end">${Number(v.toFixed(2))}x</text>`);
  }
  const xStep = maxThreads <= 16 ? 1 : Math.ceil(maxThreads / 16);
  for (let t = 1; t <= maxThreads; t += xStep) {
    out.push(`<line x1="${f(sx(t))}" x2="${f(sx(t))}" y1="${bottom}" y2="${bottom + 4}" stroke="#888"/>`);
    out.push(`<text x="${f(sx(t))}" y="${bottom + 17}" text-anchor="middle">${t}</text>`);
  }
  out.push(`<line x1="${left}" x2="${right}" y1="${bottom}" y2="${bottom}" stroke="#888"/>`);
  out.push(`<line x1="${left}" x2="${left}" y1="${MARGIN.top}" y2="${bottom}" stroke="#888"/>`);
  out.push(`<text x="${f((left + right) / 2)}" y="${HEIGHT - 6}" text-anchor="middle" class="axis-title">threads</text>`);
  out.push(`<text x="14" y="${f((MARGIN.top + bottom) / 2)}" text-anchor="middle" class="axis-title" transform="rotate(-90 14 ${f((MARGIN.top + bottom) / 2)})">speedup</text>`);
  return out.join("");
}

/** 1, 2 or 5 times a power of ten, at least x. */
function niceStep(x: number): number {
  const power = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 5, 10]) if (m * power >= x) return m * power;
  return 10 * power;
}

function niceCeiling(x: number): number {
  const step = niceStep(x / 6);
  return Math.ceil(x / step) * step;
}

function f(x: number): string {
  return String(Math.round(x * 10) / 10);
}

export function times(x: number): string {
  return `${x.toFixed(2)}x`;
}
