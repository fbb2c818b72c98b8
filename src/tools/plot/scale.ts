// Axis scales and tick placement for the SVG plots: linear and log10 scales, "nice" tick steps (1, 2, 2.5, 5 × 10^k).

/** A scale from data values to pixel coordinates. */
export interface Scale {
  /** value → pixel. */
  (v: number): number;
  /** The data domain [lo, hi]. */
  domain: [number, number];
  /** Tick values and their labels. */
  ticks: {
    /** The tick's data value. */
    value: number;
    /** Its text. */
    label: string;
  }[];
  /** Whether the scale is log10. */
  log: boolean;
}

/** niceStep(span, count): a step from {1, 2, 2.5, 5} × 10^k giving about `count` intervals over span. */
export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  const f = m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10;
  return f * p;
}

/** formatTick(v, step): v with as many decimals as the step needs (no "0.30000000000000004"). */
export function formatTick(v: number, step: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-4) {
    const e = Math.floor(Math.log10(a));
    const m = v / 10 ** e;
    const ms = Math.abs(m - Math.round(m)) < 1e-9 ? String(Math.round(m)) : m.toFixed(1);
    return ms === "1" ? `1e${e}` : `${ms}e${e}`;
  }
  const decimals = Math.max(0, Math.min(10, -Math.floor(Math.log10(step) + 1e-9) + (step / 10 ** Math.floor(Math.log10(step) + 1e-9) === 2.5 ? 1 : 0)));
  let s = v.toFixed(decimals);
  if (a >= 1000 && decimals === 0) s = s.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return s;
}

/** paddedExtent(values, pad): [min, max] of the finite values, widened by pad·span (or ±pad·|v| when flat). */
export function paddedExtent(values: number[], pad = 0.05): [number, number] {
  const f = values.filter((v) => Number.isFinite(v));
  if (f.length === 0) return [0, 1];
  let lo = Math.min(...f), hi = Math.max(...f);
  if (lo === hi) { const w = lo === 0 ? 1 : Math.abs(lo) * 0.1; return [lo - w, hi + w]; }
  const s = hi - lo;
  lo -= pad * s; hi += pad * s;
  return [lo, hi];
}

/** linearScale([lo, hi], [p0, p1], count): a linear scale with nice ticks; the domain is widened to whole ticks when `nice`. */
export function linearScale(domain: [number, number], range: [number, number], count = 6, nice = false): Scale {
  let [lo, hi] = domain;
  if (!(hi > lo)) { hi = lo + 1; }
  const step = niceStep(hi - lo, count);
  if (nice) { lo = Math.floor(lo / step + 1e-9) * step; hi = Math.ceil(hi / step - 1e-9) * step; }
  const [p0, p1] = range;
  const f = ((v: number) => p0 + ((v - lo) / (hi - lo)) * (p1 - p0)) as Scale;
  f.domain = [lo, hi];
  f.log = false;
  f.ticks = [];
  const first = Math.ceil(lo / step - 1e-9);
  for (let i = first; i * step <= hi + step * 1e-9; i++) {
    const v = Math.abs(i * step) < step * 1e-9 ? 0 : i * step;
    f.ticks.push({ value: v, label: formatTick(v, step) });
  }
  return f;
}

/** logScale([lo, hi], [p0, p1]): a log10 scale (lo > 0) with ticks at 10^k, plus 2·10^k and 5·10^k over short spans. */
export function logScale(domain: [number, number], range: [number, number]): Scale {
  let [lo, hi] = domain;
  if (!(lo > 0)) lo = hi > 0 ? hi / 1000 : 1e-3;
  if (!(hi > lo)) hi = lo * 10;
  const l0 = Math.log10(lo), l1 = Math.log10(hi);
  const [p0, p1] = range;
  const f = ((v: number) => p0 + ((Math.log10(v) - l0) / (l1 - l0)) * (p1 - p0)) as Scale;
  f.domain = [lo, hi];
  f.log = true;
  f.ticks = [];
  const decades = l1 - l0;
  const mults = decades <= 1.2 ? [1, 2, 3, 5] : decades <= 3.5 ? [1, 2, 5] : [1];
  const every = decades > 12 ? Math.ceil(decades / 8) : 1;
  for (let e = Math.floor(l0); e <= Math.ceil(l1); e++) {
    if (((e % every) + every) % every !== 0) continue;
    for (const m of mults) {
      const v = m * 10 ** e;
      if (v < lo * (1 - 1e-12) || v > hi * (1 + 1e-12)) continue;
      const label = e >= -3 && e <= 4 ? String(Number(v.toPrecision(3))) : m === 1 ? `1e${e}` : `${m}e${e}`;
      f.ticks.push({ value: v, label: label.replace(/\B(?=(\d{3})+(?!\d))/g, ",") });
    }
  }
  if (f.ticks.length < 2) {
    // A very short span: fall back to linear-style ticks on the log axis.
    const step = niceStep(hi - lo, 4);
    f.ticks = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi * (1 + 1e-12); v += step) f.ticks.push({ value: v, label: formatTick(v, step) });
  }
  return f;
}
