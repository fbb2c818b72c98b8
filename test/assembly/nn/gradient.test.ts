// The wasm S∇̂f(y) against the independent f64 network (test/reference/network.ts), tensor by tensor (each layer's W and
// b on its own, so a wrong gradient names its layer): against the reference's analytic gradient, and both against
// central finite differences of the f64 sketched objective x ↦ f̂(v + S(x − v)), at several random points, relu and
// tanh, with and without unit sketches, v = 0 and v ≠ 0, and coordinate sketches. Also the full-data value and gradient.
import { describe, it, expect } from "vitest";
import { lcg } from "../../helpers.ts";
import {
  lossGrad64, refUnits, unitScales, unitSupport, sketchedPoint64, tensors, layout, type Net,
} from "../../reference/network.ts";
import { harness, fillRandom } from "./net-helpers.ts";

const SIZES = [6, 5, 4, 3];

type Case = { name: string; kind: number; param: number; perLayer?: number[]; shift?: boolean; coords?: boolean };
const CASES: Case[] = [
  { name: "identity", kind: 0, param: 1 },
  { name: "Bernoulli(0.5), v = 0", kind: 1, param: 0.5 },
  { name: "Rand-K (3, 2), v = 0", kind: 3, param: 0, perLayer: [3, 2] },
  { name: "permutation(2), v = 0", kind: 4, param: 2 },
  { name: "Bernoulli(0.5), v ≠ 0", kind: 1, param: 0.5, shift: true },
  { name: "Rand-K (3, 2), v ≠ 0", kind: 3, param: 0, perLayer: [3, 2], shift: true },
  { name: "coordinates, v = 0", kind: 0, param: 1, coords: true },
  { name: "coordinates, v ≠ 0", kind: 0, param: 1, coords: true, shift: true },
];

/** max over the tensor of |a − b| / max(scale of b over the tensor, 1e-3). */
function tensorErr(a: ArrayLike<number>, b: ArrayLike<number>, start: number, end: number): number {
  let scale = 1e-3, err = 0;
  for (let i = start; i < end; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = start; i < end; i++) err = Math.max(err, Math.abs(a[i] - b[i]));
  return err / scale;
}

function checkCase(act: "relu" | "tanh", c: Case, point: number) {
  const net: Net = { sizes: SIZES, act, lambda: 0.02 };
  const h = harness({ sizes: SIZES, act, lambda: net.lambda, bmax: 8, n: 30, seed: 3 + point });
  const { k, d } = h, L = SIZES.length - 2, rnd = lcg(1000 + point);
  fillRandom(h.x(), rnd, 0.7);
  const x = Float64Array.from(h.x());
  let v: Float64Array | null = null;
  if (c.shift) { const a = h.f32(h.pv, d); fillRandom(a, rnd, 0.4); v = Float64Array.from(a); k.nnSetShift(h.pv); }
  let pPer = 0;
  if (c.perLayer) { pPer = h.pScratch; h.i32(pPer, L).set(c.perLayer); }
  k.nnSketchUnits(c.kind, c.param, pPer);
  const rows = [1, 4, 9, 16, 25, 2], w = [1, 0.5, 2, 1.5, 1, 0.25], D = 5;
  h.setRows(rows, w);
  const X = h.rows(), lab = h.labels();
  const Xb = rows.map((r) => Array.from(X[r])), yb = rows.map((r) => lab[r]);
  const t = 3 + point;
  // per-parameter scales of the sketch (0 off its support)
  let sc: Float64Array;
  let support: number[];
  if (c.coords) {
    sc = new Float64Array(d);
    support = [];
    for (let i = 0; i < d; i++) if (rnd() < 0.5) { sc[i] = 2; support.push(i); }
    const pT = k.alloc(4 * d) >>> 0, pS = k.alloc(8 * d) >>> 0;
    h.i32(pT, support.length).set(support); h.f64(pS, support.length).set(support.map(() => 2));
    k.nnGradientCoords(h.px, pT, pS, support.length, h.pRows, h.pW, rows.length, D);
  } else {
    const u = c.kind === 0 ? null : refUnits(3 + point, SIZES, c.kind, c.param, c.perLayer ?? null, t);
    sc = u ? unitScales(SIZES, u) : new Float64Array(d).fill(1);
    support = u ? unitSupport(SIZES, u) : Array.from({ length: d }, (_, i) => i);
    k.nnGradient(h.px, h.pRows, h.pW, rows.length, D, t);
  }
  const out = h.out();
  expect(out.idx, `${c.name}: support`).toEqual(support);
  const got = new Float64Array(d);
  out.idx.forEach((i, q) => { got[i] = out.val[q]; });
  // the reference at y = v + S(x − v) in f64
  const F = (xx: ArrayLike<number>) => lossGrad64(net, sketchedPoint64(xx, v, sc), Xb, yb, w, D);
  const at = F(x);
  const ref = at.grad.map((g, i) => sc[i] * g);
  expect(Math.abs(k.nnLastLoss() - at.value) / Math.max(1, Math.abs(at.value)), `${c.name}: loss`).toBeLessThan(1e-5);
  // central differences of the f64 sketched objective, every coordinate
  const fd = new Float64Array(d), hstep = 1e-6;
  for (let i = 0; i < d; i++) {
    const xp = x.slice(), xm = x.slice();
    xp[i] += hstep; xm[i] -= hstep;
    fd[i] = (F(xp).value - F(xm).value) / (2 * hstep);
  }
  for (const T of tensors(SIZES)) {
    const tag = `${act} ${c.name} point ${point}: ${T.name}`;
    expect(tensorErr(ref, fd, T.start, T.end), `${tag}: reference analytic vs finite differences`).toBeLessThan(1e-6);
    expect(tensorErr(got, ref, T.start, T.end), `${tag}: wasm vs reference analytic`).toBeLessThan(5e-6);
    expect(tensorErr(got, fd, T.start, T.end), `${tag}: wasm vs finite differences`).toBeLessThan(5e-6);
  }
  // off the support the objective does not move with x_i
  for (let i = 0; i < d; i++) if (sc[i] === 0) expect(fd[i], `${c.name}: x_${i} off the support`).toBe(0);
}

describe("S∇̂f(y) per tensor against the f64 reference and finite differences", () => {
  for (const act of ["relu", "tanh"] as const) {
    for (const c of CASES) {
      it(`${act}, ${c.name}, three random points`, () => { for (let p = 0; p < 3; p++) checkCase(act, c, p); });
    }
  }

  it("a wrong gradient names its tensor: W2's entries perturbed fail only W2", () => {
    const sizes = SIZES, { offW, offB } = layout(sizes);
    const a = new Float64Array(layout(sizes).d).map((_, i) => Math.sin(i)), b = a.slice();
    for (let i = offW[2]; i < offB[2]; i++) b[i] *= 1.01;
    const bad = tensors(sizes).filter((T) => tensorErr(a, b, T.start, T.end) > 5e-6).map((T) => T.name);
    expect(bad).toEqual(["W2"]);
  });
});

describe("full-data passes against the f64 reference", () => {
  for (const act of ["relu", "tanh"] as const) {
    it(`${act}: nnValue, nnFullGradient (per tensor) and nnAccuracy over 37 rows in chunks of 8`, () => {
      const net: Net = { sizes: SIZES, act, lambda: 0.05 };
      const h = harness({ sizes: SIZES, act, lambda: net.lambda, bmax: 8, n: 37, seed: 11 });
      const { k, d } = h;
      fillRandom(h.x(), lcg(4), 0.9);
      const x = Float64Array.from(h.x());
      const X = h.rows().map((r) => Array.from(r)), lab = Array.from(h.labels());
      const ref = lossGrad64(net, x, X, lab, null, X.length);
      expect(Math.abs(k.nnValue(h.px) - ref.value)).toBeLessThan(1e-6 * Math.max(1, ref.value));
      const pg = k.alloc(4 * d) >>> 0;
      const val = k.nnFullGradient(h.px, pg);
      expect(Object.is(val, k.nnValue(h.px))).toBe(true);
      const g = h.f32(pg, d);
      for (const T of tensors(SIZES)) expect(tensorErr(g, ref.grad, T.start, T.end), T.name).toBeLessThan(5e-6);
      const pPred = k.alloc(4 * X.length) >>> 0;
      const acc = k.nnAccuracy(h.px, pPred);
      const pred = ref.logits.map((z) => z.indexOf(Math.max(...z)));
      expect(Array.from(h.i32(pPred, X.length))).toEqual(pred);
      expect(acc).toBe(pred.filter((p, i) => p === lab[i]).length / X.length);
    });
  }
});
