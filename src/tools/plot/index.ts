/**
 * Small SVG plots with no dependencies: grouped boxplots ({@link boxplotSvg}) and line charts ({@link lineSvg}), each
 * with a title, axis labels, ticks, grid lines and a legend. The output is a standalone SVG 1.1 document (a string)
 * that browsers, GitHub's markdown and `rsvg-convert` render as is.
 * @module
 */
import { BoxplotStats, boxplotStats } from "../prune.js";
import { Scale, linearScale, logScale, paddedExtent } from "./scale.js";

export { linearScale, logScale, niceStep, formatTick } from "./scale.js";
export type { Scale } from "./scale.js";

/** Seaborn's "deep" palette. */
export const PALETTE = ["#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3", "#8C8C8C", "#CCB974", "#64B5CD"];

const FONT = "DejaVu Sans, Helvetica, Arial, sans-serif";

/** escapeXml(s): s with & < > " ' escaped for SVG text and attributes. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

let clipCounter = 0;
const r2 = (v: number): string => (Math.round(v * 100) / 100).toString();

/** A horizontal reference line across the plot. */
export interface ReferenceLine {
  /** The y value. */
  y: number;
  /** Text drawn at its right end and in the legend. */
  label?: string;
  /** Stroke colour (default grey). */
  color?: string;
  /** Dashed (default true). */
  dashed?: boolean;
  /** Also write the label at the line's right end (default false: the label is in the legend). */
  inline?: boolean;
}

/** Options shared by the plots. */
export interface PlotOptions {
  /** Title drawn at the top. */
  title?: string;
  /** A second, smaller line under the title. */
  subtitle?: string;
  /** x axis label. */
  xLabel?: string;
  /** y axis label. */
  yLabel?: string;
  /** Width in px (default 900). */
  width?: number;
  /** Height in px (default 500). */
  height?: number;
  /** Fix the bottom of the y range (default: the data, padded). */
  yMin?: number;
  /** Fix the top of the y range (default: the data, padded). */
  yMax?: number;
  /** Horizontal reference lines. */
  referenceLines?: ReferenceLine[];
}

interface Frame { left: number; right: number; top: number; bottom: number; width: number; height: number }

function frame(o: PlotOptions, legendRows: number): Frame {
  const width = o.width ?? 900, height = o.height ?? 500;
  const top = 16 + (o.title ? 26 : 0) + (o.subtitle ? 20 : 0) + legendRows * 22 + 10;
  return { left: 78, right: width - 24, top, bottom: height - 62, width, height };
}

function header(f: Frame, o: PlotOptions): string[] {
  const out = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${f.width}" height="${f.height}" viewBox="0 0 ${f.width} ${f.height}" font-family="${FONT}">`,
    `<rect class="background" x="0" y="0" width="${f.width}" height="${f.height}" fill="#ffffff"/>`,
  ];
  let y = 16;
  if (o.title) { y += 20; out.push(`<text class="title" x="${f.width / 2}" y="${y}" text-anchor="middle" font-size="18" font-weight="bold" fill="#222">${escapeXml(o.title)}</text>`); y += 6; }
  if (o.subtitle) { y += 16; out.push(`<text class="subtitle" x="${f.width / 2}" y="${y}" text-anchor="middle" font-size="13" fill="#555">${escapeXml(o.subtitle)}</text>`); }
  return out;
}

function yAxis(f: Frame, ys: Scale, label: string | undefined): string[] {
  const out: string[] = [];
  for (const t of ys.ticks) {
    const y = ys(t.value);
    if (y < f.top - 0.5 || y > f.bottom + 0.5) continue;
    out.push(`<line class="grid" x1="${f.left}" y1="${r2(y)}" x2="${f.right}" y2="${r2(y)}" stroke="#e3e3e3" stroke-width="1"/>`);
    out.push(`<line x1="${f.left - 5}" y1="${r2(y)}" x2="${f.left}" y2="${r2(y)}" stroke="#333"/>`);
    out.push(`<text class="ytick" x="${f.left - 8}" y="${r2(y + 4)}" text-anchor="end" font-size="12" fill="#333">${escapeXml(t.label)}</text>`);
  }
  out.push(`<line class="axis" x1="${f.left}" y1="${f.top}" x2="${f.left}" y2="${f.bottom}" stroke="#333" stroke-width="1.2"/>`);
  if (label) {
    const cy = (f.top + f.bottom) / 2;
    out.push(`<text class="ylabel" x="18" y="${r2(cy)}" text-anchor="middle" font-size="14" fill="#222" transform="rotate(-90 18 ${r2(cy)})">${escapeXml(label)}</text>`);
  }
  return out;
}

function xLabelText(f: Frame, label: string | undefined): string[] {
  if (!label) return [];
  return [`<text class="xlabel" x="${r2((f.left + f.right) / 2)}" y="${f.height - 16}" text-anchor="middle" font-size="14" fill="#222">${escapeXml(label)}</text>`];
}

interface LegendItem { name: string; color: string; kind: "box" | "line"; dash?: string }

// legend(f, items, o): one or more centred rows of swatches under the title.
function legendLayout(items: LegendItem[], width: number): LegendItem[][] {
  const rows: LegendItem[][] = [[]];
  let w = 0;
  for (const it of items) {
    const iw = 34 + it.name.length * 7.2 + 18;
    if (w + iw > width - 120 && rows[rows.length - 1].length > 0) { rows.push([]); w = 0; }
    rows[rows.length - 1].push(it);
    w += iw;
  }
  return items.length ? rows : [];
}

function legend(f: Frame, rows: LegendItem[][]): string[] {
  const out = [`<g class="legend">`];
  let y = f.top - rows.length * 22 - 2;
  for (const row of rows) {
    const total = row.reduce((s, it) => s + 34 + it.name.length * 7.2 + 18, 0);
    let x = (f.width - total) / 2;
    for (const it of row) {
      if (it.kind === "box") out.push(`<rect class="legend-swatch" x="${r2(x)}" y="${r2(y + 2)}" width="26" height="13" fill="${it.color}" fill-opacity="0.75" stroke="#333" stroke-width="1"/>`);
      else out.push(`<line class="legend-swatch" x1="${r2(x)}" y1="${r2(y + 9)}" x2="${r2(x + 26)}" y2="${r2(y + 9)}" stroke="${it.color}" stroke-width="3"${it.dash ? ` stroke-dasharray="${it.dash}"` : ""}/>`);
      out.push(`<text class="legend-label" x="${r2(x + 32)}" y="${r2(y + 13)}" font-size="13" fill="#222">${escapeXml(it.name)}</text>`);
      x += 34 + it.name.length * 7.2 + 18;
    }
    y += 22;
  }
  out.push(`</g>`);
  return out;
}

function referenceLines(f: Frame, ys: Scale, lines: ReferenceLine[] | undefined): string[] {
  const out: string[] = [];
  for (const l of lines ?? []) {
    const y = ys(l.y);
    if (!(y >= f.top && y <= f.bottom)) continue;
    const c = l.color ?? "#555";
    out.push(`<line class="reference" x1="${f.left}" y1="${r2(y)}" x2="${f.right}" y2="${r2(y)}" stroke="${c}" stroke-width="1.5"${l.dashed === false ? "" : ` stroke-dasharray="6 4"`}/>`);
    if (l.label && l.inline) out.push(`<text class="reference-label" x="${f.right - 4}" y="${r2(y - 5)}" text-anchor="end" font-size="12" fill="${c}">${escapeXml(l.label)}</text>`);
  }
  return out;
}

/** One x category of a grouped boxplot: a label and one box per series (values or precomputed stats; null skips). */
export interface BoxGroup {
  /** The category's label on the x axis. */
  label: string;
  /** One box per series: the values, their {@link BoxplotStats}, or null for no box. */
  boxes: (BoxplotStats | ArrayLike<number> | null)[];
}

/** Options of {@link boxplotSvg}. */
export interface BoxplotOptions extends PlotOptions {
  /** The series names, one per box in each group (the legend). */
  series: string[];
  /** One colour per series (default {@link PALETTE}). */
  colors?: string[];
  /** Draw the mean as a small diamond (default false). */
  showMeans?: boolean;
}

function isStats(b: unknown): b is BoxplotStats {
  return typeof b === "object" && b !== null && "median" in b && "q1" in b && "whiskerLow" in b;
}

/**
 * boxplotSvg(groups, options): side-by-side boxes per x category, one per series: box = quartiles, line = median,
 * whiskers = the most extreme values within 1.5·IQR, circles = outliers (matplotlib/Seaborn defaults, via
 * {@link boxplotStats}). Elements carry classes (box, median, whisker, cap, outlier) for tests and styling.
 */
export function boxplotSvg(groups: BoxGroup[], options: BoxplotOptions): string {
  if (!Array.isArray(groups) || groups.length === 0) throw new RangeError("groups must be a non-empty array");
  const series = options.series;
  if (!Array.isArray(series) || series.length === 0) throw new RangeError("options.series must name at least one series");
  const colors = options.colors ?? PALETTE;
  const stats: (BoxplotStats | null)[][] = groups.map((g, gi) => {
    if (g.boxes.length !== series.length) throw new RangeError(`groups[${gi}].boxes must have ${series.length} entries (one per series), got ${g.boxes.length}`);
    return g.boxes.map((b) => (b === null ? null : isStats(b) ? b : boxplotStats(b)));
  });
  const all: number[] = [];
  for (const row of stats) for (const s of row) if (s) all.push(s.whiskerLow, s.whiskerHigh, ...s.outliers);
  for (const l of options.referenceLines ?? []) all.push(l.y);
  const ext = paddedExtent(all, 0.06);
  const items: LegendItem[] = series.map((name, i) => ({ name, color: colors[i % colors.length], kind: "box" }));
  for (const l of options.referenceLines ?? []) if (l.label) items.push({ name: l.label, color: l.color ?? "#555", kind: "line", dash: l.dashed === false ? undefined : "6 4" });
  const rows = legendLayout(items, options.width ?? 900);
  const f = frame(options, rows.length);
  const ys = linearScale([options.yMin ?? ext[0], options.yMax ?? ext[1]], [f.bottom, f.top], 7);
  const out = header(f, options);
  out.push(...yAxis(f, ys, options.yLabel));
  out.push(...referenceLines(f, ys, options.referenceLines));
  const gw = (f.right - f.left) / groups.length;
  const bw = Math.min(46, (gw * 0.8) / series.length);
  out.push(`<g class="boxes">`);
  groups.forEach((g, gi) => {
    const cx = f.left + gw * (gi + 0.5);
    out.push(`<line x1="${r2(cx)}" y1="${f.bottom}" x2="${r2(cx)}" y2="${f.bottom + 5}" stroke="#333"/>`);
    out.push(`<text class="xtick" x="${r2(cx)}" y="${f.bottom + 20}" text-anchor="middle" font-size="12" fill="#333">${escapeXml(g.label)}</text>`);
    if (gi > 0) out.push(`<line class="separator" x1="${r2(f.left + gw * gi)}" y1="${f.top}" x2="${r2(f.left + gw * gi)}" y2="${f.bottom}" stroke="#f0f0f0"/>`);
    stats[gi].forEach((s, si) => {
      if (!s) return;
      const color = colors[si % colors.length];
      const x0 = cx - (series.length * bw) / 2 + si * bw + bw * 0.08, w = bw * 0.84, xm = x0 + w / 2;
      const yq1 = ys(s.q1), yq3 = ys(s.q3), ymed = ys(s.median), ylo = ys(s.whiskerLow), yhi = ys(s.whiskerHigh);
      const tip = `${series[si]}, ${g.label}: median ${s.median.toPrecision(4)}, IQR [${s.q1.toPrecision(4)}, ${s.q3.toPrecision(4)}], whiskers [${s.whiskerLow.toPrecision(4)}, ${s.whiskerHigh.toPrecision(4)}], ${s.outliers.length} outliers, n = ${s.n}`;
      out.push(`<g class="boxplot" data-series="${escapeXml(series[si])}" data-group="${escapeXml(g.label)}" data-median="${s.median}"><title>${escapeXml(tip)}</title>`);
      out.push(`<line class="whisker" x1="${r2(xm)}" y1="${r2(yq1)}" x2="${r2(xm)}" y2="${r2(ylo)}" stroke="#333" stroke-width="1.2"/>`);
      out.push(`<line class="whisker" x1="${r2(xm)}" y1="${r2(yq3)}" x2="${r2(xm)}" y2="${r2(yhi)}" stroke="#333" stroke-width="1.2"/>`);
      out.push(`<line class="cap" x1="${r2(xm - w / 4)}" y1="${r2(ylo)}" x2="${r2(xm + w / 4)}" y2="${r2(ylo)}" stroke="#333" stroke-width="1.2"/>`);
      out.push(`<line class="cap" x1="${r2(xm - w / 4)}" y1="${r2(yhi)}" x2="${r2(xm + w / 4)}" y2="${r2(yhi)}" stroke="#333" stroke-width="1.2"/>`);
      out.push(`<rect class="box" x="${r2(x0)}" y="${r2(yq3)}" width="${r2(w)}" height="${r2(Math.max(0.8, yq1 - yq3))}" fill="${color}" fill-opacity="0.75" stroke="#333" stroke-width="1.2"/>`);
      out.push(`<line class="median" x1="${r2(x0)}" y1="${r2(ymed)}" x2="${r2(x0 + w)}" y2="${r2(ymed)}" stroke="#111" stroke-width="2"/>`);
      if (options.showMeans) {
        const ym = ys(s.mean);
        out.push(`<path class="mean" d="M${r2(xm)} ${r2(ym - 4)}L${r2(xm + 4)} ${r2(ym)}L${r2(xm)} ${r2(ym + 4)}L${r2(xm - 4)} ${r2(ym)}Z" fill="#fff" stroke="#111"/>`);
      }
      // Outliers: one circle per distinct value (repeated accuracies would stack on one point).
      const seen = new Set<number>();
      for (const v of s.outliers) {
        if (seen.has(v)) continue;
        seen.add(v);
        const y = ys(v);
        if (y < f.top || y > f.bottom) continue;
        out.push(`<circle class="outlier" cx="${r2(xm)}" cy="${r2(y)}" r="2.6" fill="none" stroke="#444" stroke-width="1"/>`);
      }
      out.push(`</g>`);
    });
  });
  out.push(`</g>`);
  out.push(`<line class="axis" x1="${f.left}" y1="${f.bottom}" x2="${f.right}" y2="${f.bottom}" stroke="#333" stroke-width="1.2"/>`);
  out.push(...xLabelText(f, options.xLabel));
  out.push(...legend(f, rows));
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}

/** One line of a line chart. */
export interface LineSeries {
  /** Legend name. */
  name: string;
  /** x values. */
  x: ArrayLike<number>;
  /** y values (non-finite values, and values ≤ 0 on a log axis, break the line). */
  y: ArrayLike<number>;
  /** Stroke colour (default from {@link PALETTE}). */
  color?: string;
  /** Dash pattern, e.g. "6 4" (default solid). */
  dash?: string;
  /** Stroke width (default 2). */
  width?: number;
  /** Draw a dot at every point (default false). */
  markers?: boolean;
}

/** Options of {@link lineSvg}. */
export interface LineOptions extends PlotOptions {
  /** log10 y axis (default false). */
  logY?: boolean;
  /** log10 x axis (default false); points with x ≤ 0 are dropped. */
  logX?: boolean;
  /** Fix the left end of the x range. */
  xMin?: number;
  /** Fix the right end of the x range. */
  xMax?: number;
}

/** lineSvg(series, options): lines with a legend, axes, ticks and a title; optional log axes. Each line is one <path class="line">. */
export function lineSvg(series: LineSeries[], options: LineOptions = {}): string {
  if (!Array.isArray(series) || series.length === 0) throw new RangeError("series must be a non-empty array");
  const okX = (v: number) => Number.isFinite(v) && (!options.logX || v > 0);
  const okY = (v: number) => Number.isFinite(v) && (!options.logY || v > 0);
  const xs: number[] = [], yv: number[] = [];
  series.forEach((s, i) => {
    if (s.x.length !== s.y.length) throw new RangeError(`series[${i}] has ${s.x.length} x values and ${s.y.length} y values`);
    for (let k = 0; k < s.x.length; k++) if (okX(s.x[k]) && okY(s.y[k])) { xs.push(s.x[k]); yv.push(s.y[k]); }
  });
  for (const l of options.referenceLines ?? []) if (okY(l.y)) yv.push(l.y);
  const items: LegendItem[] = series.map((s, i) => ({ name: s.name, color: s.color ?? PALETTE[i % PALETTE.length], kind: "line", dash: s.dash }));
  for (const l of options.referenceLines ?? []) if (l.label) items.push({ name: l.label, color: l.color ?? "#555", kind: "line", dash: l.dashed === false ? undefined : "6 4" });
  const rows = legendLayout(items, options.width ?? 900);
  const f = frame(options, rows.length);
  let xlo = options.xMin ?? (xs.length ? Math.min(...xs) : 0), xhi = options.xMax ?? (xs.length ? Math.max(...xs) : 1);
  if (!options.logX) {
    // a little room at both ends so that markers at the extremes are not cut
    const [plo, phi] = paddedExtent([xlo, xhi], 0.03);
    if (options.xMin === undefined) xlo = plo;
    if (options.xMax === undefined) xhi = phi;
  }
  const xsc = options.logX ? logScale([xlo, xhi], [f.left, f.right]) : linearScale([xlo, xhi], [f.left, f.right], 8);
  let ysc: Scale;
  if (options.logY) {
    const pos = yv.filter((v) => v > 0);
    let lo = options.yMin ?? (pos.length ? Math.min(...pos) / 1.3 : 1e-3), hi = options.yMax ?? (pos.length ? Math.max(...pos) * 1.3 : 1);
    // over more than two decades, widen to whole decades so that both ends carry a tick
    if (Math.log10(hi / lo) > 2) {
      if (options.yMin === undefined) lo = 10 ** Math.floor(Math.log10(lo) + 1e-9);
      if (options.yMax === undefined) hi = 10 ** Math.ceil(Math.log10(hi) - 1e-9);
    }
    ysc = logScale([lo, hi], [f.bottom, f.top]);
  } else {
    const ext = paddedExtent(yv, 0.05);
    ysc = linearScale([options.yMin ?? ext[0], options.yMax ?? ext[1]], [f.bottom, f.top], 7);
  }
  const out = header(f, options);
  out.push(...yAxis(f, ysc, options.yLabel));
  for (const t of xsc.ticks) {
    const x = xsc(t.value);
    if (x < f.left - 0.5 || x > f.right + 0.5) continue;
    out.push(`<line class="grid" x1="${r2(x)}" y1="${f.top}" x2="${r2(x)}" y2="${f.bottom}" stroke="#eeeeee" stroke-width="1"/>`);
    out.push(`<line x1="${r2(x)}" y1="${f.bottom}" x2="${r2(x)}" y2="${f.bottom + 5}" stroke="#333"/>`);
    out.push(`<text class="xtick" x="${r2(x)}" y="${f.bottom + 20}" text-anchor="middle" font-size="12" fill="#333">${escapeXml(t.label)}</text>`);
  }
  out.push(...referenceLines(f, ysc, options.referenceLines));
  const clip = `plot-area-${++clipCounter}`;
  out.push(`<defs><clipPath id="${clip}"><rect x="${f.left}" y="${f.top - 2}" width="${f.right - f.left}" height="${f.bottom - f.top + 4}"/></clipPath></defs>`);
  out.push(`<g class="lines" clip-path="url(#${clip})">`);
  series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    let d = "", pen = false;
    const dots: string[] = [];
    for (let k = 0; k < s.x.length; k++) {
      const xv = s.x[k], yv2 = s.y[k];
      if (!okX(xv) || !okY(yv2)) { pen = false; continue; }
      const px = xsc(xv), py = ysc(yv2);
      d += `${pen ? "L" : "M"}${r2(px)} ${r2(py)}`;
      pen = true;
      if (s.markers) dots.push(`<circle class="marker" cx="${r2(px)}" cy="${r2(py)}" r="2.5" fill="${color}"/>`);
    }
    out.push(`<path class="line" data-series="${escapeXml(s.name)}" d="${d}" fill="none" stroke="${color}" stroke-width="${s.width ?? 2}" stroke-linejoin="round"${s.dash ? ` stroke-dasharray="${s.dash}"` : ""}><title>${escapeXml(s.name)}</title></path>`);
    out.push(...dots);
  });
  out.push(`</g>`);
  out.push(`<line class="axis" x1="${f.left}" y1="${f.bottom}" x2="${f.right}" y2="${f.bottom}" stroke="#333" stroke-width="1.2"/>`);
  out.push(...xLabelText(f, options.xLabel));
  out.push(...legend(f, rows));
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}
