// The nn step kernels against the f32 mirror (test/reference/network.ts), bit for bit: activations of every layer,
// logits, the loss f̂(y), the output S∇̂f(y) (support and values) and the SGD update, on every path (identity, unit
// sketches on the compact path, unit sketches with a shift, coordinate sketches), relu and tanh, λ = 0 and λ > 0, both
// builds. The mirror uses the module's own exp/log (expAt/logAt) and tanh (nnActivate) as elementwise oracles; the
// GEMMs, gathers, reductions, softmax, backward and update are its own.
import { describe, it, expect } from "vitest";
import { lcg } from "../../helpers.ts";
import { refUnits, stepF32, applyF32, type UnitSketch } from "../../reference/network.ts";
import { harness, fillRandom, firstDiff, type Build } from "./net-helpers.ts";

type Path = { name: string; kind: number; param: number; perLayer?: number[]; shift?: boolean; coords?: boolean };

const PATHS: Path[] = [
  { name: "identity", kind: 0, param: 1 },
  { name: "Bernoulli(0.5), v = 0 (compact)", kind: 1, param: 0.5 },
  { name: "Rand-K, v = 0 (compact)", kind: 3, param: 0, perLayer: [5, 3] },
  { name: "permutation(3), v = 0 (compact)", kind: 4, param: 3 },
  { name: "Bernoulli(0.6), v ≠ 0 (dense)", kind: 1, param: 0.6, shift: true },
  { name: "identity, v ≠ 0", kind: 0, param: 1, shift: true },
  { name: "coordinates, v = 0", kind: 0, param: 1, coords: true },
  { name: "coordinates, v ≠ 0", kind: 0, param: 1, coords: true, shift: true },
];

function runCase(build: Build, act: "relu" | "tanh", lambda: number, path: Path, sizes: number[]) {
  const h = harness({ sizes, act, lambda, bmax: 8, n: 40, seed: 7 }, build);
  const { k, d } = h, L = sizes.length - 2, rnd = lcg(99);
  fillRandom(h.x(), rnd, 0.8);   // away from the init so that biases are non-zero
  const v = path.shift ? (() => { const a = h.f32(h.pv, d); fillRandom(a, rnd, 0.5); return a.slice(); })() : null;
  if (path.shift) k.nnSetShift(h.pv);
  const perLayer = path.perLayer ? path.perLayer.slice(0, L) : null;
  let pPer = 0;
  if (perLayer) { pPer = h.pScratch; h.i32(pPer, L).set(perLayer); }
  k.nnSketchUnits(path.kind, path.param, pPer);
  const rows = [3, 17, 3, 29, 0, 11, 38];   // a repeated row on purpose
  const w = rows.map(() => 0.5 + rnd());
  h.setRows(rows, w);
  const D = 6.5, t = 5;
  const X = h.rows(), labels = Array.from(h.labels());
  let coords: { T: number[]; s: number[] } | null = null;
  let pT = 0, pS = 0;
  if (path.coords) {
    const T: number[] = [], s: number[] = [];
    for (let i = 0; i < d; i++) if (rnd() < 0.6) { T.push(i); s.push(1 / 0.6); }
    T.reverse(); s.reverse();   // not ascending: the output keeps the support's order
    coords = { T, s };
    pT = k.alloc(4 * d) >>> 0; pS = k.alloc(8 * d) >>> 0;   // views are taken afresh after these
    h.i32(pT, T.length).set(T); h.f64(pS, s.length).set(s);
  }
  const x0 = h.x().slice();
  let len: number;
  if (coords) {
    len = k.nnGradientCoords(h.px, pT, pS, coords.T.length, h.pRows, h.pW, rows.length, D);
  } else len = k.nnGradient(h.px, h.pRows, h.pW, rows.length, D, t);
  const u: UnitSketch | null = path.kind === 0 ? null : refUnits(7, sizes, path.kind, path.param, perLayer, t);
  if (u) for (let l = 1; l <= L; l++) expect(Array.from(h.i32(k.nnKeptPtr(l) >>> 0, k.nnKeptCount(l)))).toEqual(u.T[l - 1]);
  const ref = stepF32(h.mirror(), x0, v, rows.map((r) => X[r]), rows.map((r) => labels[r]), w, D, u, coords);
  expect(len).toBe(ref.idx.length);
  const out = h.out();
  expect(out.idx).toEqual(ref.idx);
  expect(firstDiff(out.val, ref.val)).toBe(-1);
  expect(Object.is(k.nnLastLoss(), ref.loss)).toBe(true);
  for (let l = 0; l <= L + 1; l++) {
    const m = k.nnWidth(l);
    const got = h.f32(k.nnActPtr(l) >>> 0, rows.length * m);
    expect(m * rows.length).toBe(ref.H[l].length);
    expect(firstDiff(got, ref.H[l]), `activations of layer ${l}`).toBe(-1);
  }
  // the fused update on the same draws
  const x1 = x0.slice();
  applyF32(x1, ref.idx, ref.val, 0.05);
  h.x().set(x0);
  const ok = coords ? k.nnSgdCoords(h.px, pT, pS, coords.T.length, h.pRows, h.pW, rows.length, D, 0.05)
    : k.nnSgd(h.px, h.pRows, h.pW, rows.length, D, t, 0.05);
  expect(ok).toBe(1);
  expect(firstDiff(h.x(), x1)).toBe(-1);
  return { changed: firstDiff(x0, x1) !== -1 };
}

describe("nn steps against the f32 mirror, bit for bit", () => {
  for (const build of ["simd", "scalar"] as const) {
    for (const act of ["relu", "tanh"] as const) {
      for (const lambda of [0, 0.03]) {
        it(`${build}, ${act}, λ = ${lambda}: every path, 13-9-7-5 (tails in every GEMM)`, () => {
          for (const p of PATHS) {
            try { expect(runCase(build, act, lambda, p, [13, 9, 7, 5]).changed).toBe(true); } catch (e) { throw new Error(`${p.name}: ${(e as Error).message}`); }
          }
        });
      }
    }
    it(`${build}: one hidden layer (L = 1) and none (L = 0), relu, λ = 0.01`, () => {
      for (const sizes of [[10, 6, 3], [7, 4]]) {
        for (const p of PATHS.filter((q) => sizes.length > 2 || q.kind === 0)) {
          try { runCase(build, "relu", 0.01, { ...p, perLayer: p.perLayer ? [4] : undefined }, sizes); } catch (e) { throw new Error(`${sizes} ${p.name}: ${(e as Error).message}`); }
        }
      }
    });
  }

  it("the mirror is sensitive: a serial dot (no lanes) gives other logits on these shapes", () => {
    // the same inputs as the forward of layer 1, summed left to right in f32: differs from the four-lane order somewhere
    const rnd = lcg(5);
    let differs = false;
    for (let t = 0; t < 50 && !differs; t++) {
      const a = Array.from({ length: 13 }, () => Math.fround(rnd() * 2 - 1)), b = Array.from({ length: 13 }, () => Math.fround(rnd() - 0.5));
      let s = 0; for (let i = 0; i < 13; i++) s = Math.fround(s + Math.fround(a[i] * b[i]));
      const c = [0, 0, 0, 0]; let i = 0;
      for (; i + 4 <= 13; i += 4) for (let l = 0; l < 4; l++) c[l] = Math.fround(c[l] + Math.fround(a[i + l] * b[i + l]));
      let q = Math.fround(Math.fround(c[0] + c[2]) + Math.fround(c[1] + c[3]));
      for (; i < 13; i++) q = Math.fround(q + Math.fround(a[i] * b[i]));
      differs = !Object.is(s, q);
    }
    expect(differs).toBe(true);
  });
});
