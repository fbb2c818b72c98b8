/**
 * How `mast train` prints: numbers, percentages, durations, data summaries, sketch descriptions and the progress bar.
 * @module
 */
import type { Dataset, Sketch, TraceRow } from "../../index.js";

/** The CLI spelling of a sketch spec (`bernoulli:0.5`, `bernoulli:0.5:units`). */
export function sketchSpec(s: Sketch): string {
  if (s.kind !== "identity" && s.over === "units") return `${coordinateSketchSpec(s)}:units`;
  return coordinateSketchSpec(s);
}

function coordinateSketchSpec(s: Sketch): string {
  switch (s.kind) {
    case "identity": return "identity";
    case "bernoulli": return typeof s.p === "number" ? `bernoulli:${s.p}` : "bernoulli:[per coordinate]";
    case "randK": return `randk:${s.k}`;
    case "permutation": return `permutation:${s.nodes}`;
  }
}

/** What a sketch does, in words, on d coordinates (a network's parameters), or on an MLP's hidden units. */
export function sketchDescription(s: Sketch, d: number): string {
  if (s.kind !== "identity" && s.over === "units") return unitSketchDescription(s);
  switch (s.kind) {
    case "identity": return "S = I (MAST reduces to plain SGD on f)";
    case "bernoulli": return `Bernoulli: keep each coordinate with p = ${typeof s.p === "number" ? s.p : "p_j"}, scale 1/p`;
    case "randK": return `Rand-K: ${s.k} of ${d} coordinates a step, scale d/K = ${num(d / s.k, 4)}`;
    case "permutation": return `permutation over ${s.nodes} nodes: block ⌈d/M⌉ = ${Math.ceil(d / s.nodes)}, scale M = ${s.nodes}`;
  }
}

function unitSketchDescription(s: Exclude<Sketch, { kind: "identity" }>): string {
  switch (s.kind) {
    case "bernoulli": return `dropout: keep each hidden unit with p = ${s.p}, scale 1/p (the output layer always kept)`;
    case "randK": return `Rand-K over units: ${s.k} units of every hidden layer a step, scale n_l/K (the output layer always kept)`;
    case "permutation": return `IST: each hidden layer's units cut into ${s.nodes} blocks, one a step, scale M = ${s.nodes} (the output layer always kept)`;
  }
}

/** A number to `sig` significant digits, without trailing zeros. */
export function num(x: number, sig = 6): string {
  if (!Number.isFinite(x)) return String(x);
  const r = Number(x.toPrecision(sig)), a = Math.abs(r);
  return a !== 0 && (a >= 1e7 || a < 1e-5) ? r.toExponential().replace("e+", "e") : String(r);
}

export function pct(x: number): string { return `${(100 * x).toFixed(2)}%`; }

export function grouped(x: number): string { return Math.round(x).toLocaleString("en-US"); }

export function duration(ms: number): string {
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.floor(ms / 60_000)} min ${((ms % 60_000) / 1000).toFixed(1)} s`;
}

export function labelSummary(data: Dataset): string {
  const y = data.labels;
  if (data.binary) {
    let pos = 0;
    for (const v of y) if (v === 1) pos++;
    return `labels +1 ${pct(pos / y.length)} / −1 ${pct(1 - pos / y.length)}`;
  }
  let lo = Infinity, hi = -Infinity, sum = 0;
  for (const v of y) { lo = Math.min(lo, v); hi = Math.max(hi, v); sum += v; }
  return `labels in [${num(lo, 4)}, ${num(hi, 4)}], mean ${num(sum / y.length, 4)}`;
}

export function dataSummary(data: Dataset): string {
  return `${grouped(data.rows)} rows × ${grouped(data.cols)} features, ${(data.nnz / data.rows).toFixed(1)} nnz/row, ${labelSummary(data)}`;
}

/** classSummary(data): the classes a network sees, e.g. `10 classes (labels 0, 1, …, 9)`, or why there are none. */
export function classSummary(data: Dataset): string {
  const v = data.classValues;
  if (v === null) return "labels not all integers (no classes)";
  const show = (x: number): string => (x > 0 && data.binary ? `+${x}` : String(x).replace("-", "−"));   // as labelSummary
  const list = v.length <= 5 ? Array.from(v, show).join(", ") : `${show(v[0])}, ${show(v[1])}, …, ${show(v[v.length - 1])}`;
  return `${v.length} class${v.length === 1 ? "" : "es"} (labels ${list})`;
}

/** The data line of a network run: rows × features, density, classes. */
export function networkDataSummary(data: Dataset): string {
  const density = data.format === "dense" ? "dense" : `${(data.nnz / data.rows).toFixed(1)} nnz/row`;
  return `${grouped(data.rows)} rows × ${grouped(data.cols)} features, ${density}, ${classSummary(data)}`;
}

/** A one-line progress bar, redrawn with \r (TTY only). */
export class ProgressBar {
  private last = -Infinity;
  private drawn = false;
  constructor(private readonly total: number, private readonly out: NodeJS.WriteStream) {}

  update(row: TraceRow, force = false): void {
    const now = performance.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    const frac = this.total > 0 ? row.iteration / this.total : 1;
    const width = 20;
    const filled = Math.min(width, Math.floor(frac * width));
    const rate = row.ms > 0 ? row.iteration / (row.ms / 1000) : 0;
    const line = `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${(100 * frac).toFixed(0).padStart(3)}%  ` +
      `t=${row.iteration}/${this.total}  f=${num(row.f, 8)}  ${grouped(rate)} steps/s`;
    const cols = this.out.columns && this.out.columns > 10 ? this.out.columns - 1 : 79;
    this.out.write(`\r${line.slice(0, cols)}\x1b[K`);
    this.drawn = true;
  }

  clear(): void {
    if (this.drawn) this.out.write("\r\x1b[K");
    this.drawn = false;
  }
}
