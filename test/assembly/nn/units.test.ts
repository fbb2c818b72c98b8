// MAST unit sketches on networks: the draws against the reference cursor, sorted lists, Rand-K's exact counts, the
// permutation's partition over M consecutive steps, E[S] = I per unit (exact over a permutation round, large-sample
// means otherwise), keep-all = identity bit for bit, zero data-gradient on dropped units' outgoing weights, and
// multiply-add counts that scale with the kept units.
import { describe, it, expect } from "vitest";
import { lcg } from "../../helpers.ts";
import { refUnits, layout } from "../../reference/network.ts";
import { harness, fillRandom, firstDiff, type Build } from "./net-helpers.ts";

const SIZES = [12, 10, 7, 4];

function keptOf(h: ReturnType<typeof harness>, l: number): number[] {
  return Array.from(h.i32(h.k.nnKeptPtr(l) >>> 0, h.k.nnKeptCount(l)));
}
function scalesOf(h: ReturnType<typeof harness>, l: number): number[] {
  return Array.from(h.f32(h.k.nnKeptScalePtr(l) >>> 0, h.k.nnKeptCount(l)));
}

describe("unit sketch draws", () => {
  for (const build of ["simd", "scalar"] as const) {
    it(`match the reference cursor, ascending, with the family's scales (${build})`, () => {
      const h = harness({ sizes: SIZES, act: "relu", lambda: 0, bmax: 4, n: 8, seed: 2 ** 32 + 5 }, build);
      const { k } = h;
      const pPer = h.pScratch;
      for (const [kind, param, per] of [[1, 0.3, null], [1, 1, null], [3, 0, [4, 6]], [3, 0, [10, 1]], [4, 3, null], [4, 0, [10, 7]]] as const) {
        if (per) h.i32(pPer, 2).set(per);
        k.nnSketchUnits(kind, param, per ? pPer : 0);
        for (const t of [0, 1, 2, 5, 17, 123456789]) {
          const total = k.nnSampleUnits(t);
          const ref = refUnits(2 ** 32 + 5, SIZES, kind, param, per ? [...per] : null, t);
          let sum = 0;
          for (let l = 1; l <= 2; l++) {
            const T = keptOf(h, l);
            expect(T, `kind ${kind} t ${t} layer ${l}`).toEqual(ref.T[l - 1]);
            expect(scalesOf(h, l)).toEqual(ref.s[l - 1]);
            for (let a = 1; a < T.length; a++) expect(T[a]).toBeGreaterThan(T[a - 1]);
            if (kind === 3) expect(T.length).toBe(per![l - 1]);
            sum += T.length;
          }
          expect(total).toBe(sum);
        }
      }
    });
  }

  it("layers draw independent sequences and steps differ", () => {
    const h = harness({ sizes: [5, 40, 40, 3], act: "relu", lambda: 0, bmax: 4, n: 8, seed: 9 });
    h.k.nnSketchUnits(1, 0.5, 0);
    h.k.nnSampleUnits(4);
    const a1 = keptOf(h, 1), a2 = keptOf(h, 2);
    h.k.nnSampleUnits(5);
    expect(a1).not.toEqual(a2);
    expect(keptOf(h, 1)).not.toEqual(a1);
  });

  it("permutation(M): the blocks of M consecutive steps of a round partition every layer's units", () => {
    const h = harness({ sizes: [5, 10, 7, 3], act: "relu", lambda: 0, bmax: 4, n: 8, seed: 4 });
    for (const M of [1, 3, 4, 7]) {
      h.k.nnSketchUnits(4, M, 0);
      for (const round of [0, 2, 9]) {
        for (let l = 1; l <= 2; l++) {
          const seen: number[] = [];
          const n = [5, 10, 7][l];
          const e = new Array(n).fill(0);
          for (let b = 0; b < M; b++) {
            h.k.nnSampleUnits(round * M + b);
            const T = keptOf(h, l), sc = scalesOf(h, l);
            seen.push(...T);
            T.forEach((j, a) => { e[j] += sc[a] / M; });   // each block has probability 1/M
          }
          expect(seen.slice().sort((a, b) => a - b), `M ${M} round ${round} layer ${l}`).toEqual(Array.from({ length: n }, (_, j) => j));
          // E[S] = I exactly: Σ over the round's blocks of P(block) · s_j 1[j ∈ block] = 1 for every unit
          expect(e.every((x) => x === 1), `M ${M}: ${e}`).toBe(true);
        }
      }
    }
  });

  it("E[S] = I per unit by large-sample means (Bernoulli(0.3), Rand-K k = 3 of 10)", () => {
    const h = harness({ sizes: [4, 10, 10, 3], act: "relu", lambda: 0, bmax: 4, n: 8, seed: 21 });
    const N = 40000;
    for (const [kind, param, per, p] of [[1, 0.3, null, 0.3], [3, 0, [3, 3], 0.3]] as const) {
      if (per) h.i32(h.pScratch, 2).set(per);
      h.k.nnSketchUnits(kind, param, per ? h.pScratch : 0);
      const sum = [new Array(10).fill(0), new Array(10).fill(0)];
      for (let t = 0; t < N; t++) {
        h.k.nnSampleUnits(t);
        for (let l = 1; l <= 2; l++) { const s = scalesOf(h, l); keptOf(h, l).forEach((j, a) => { sum[l - 1][j] += s[a]; }); }
      }
      const s = kind === 1 ? Math.fround(1 / 0.3) : Math.fround(10 / 3);
      const sd = s * Math.sqrt(p * (1 - p) / N);
      for (let l = 0; l < 2; l++) for (let j = 0; j < 10; j++) {
        expect(Math.abs(sum[l][j] / N - 1), `kind ${kind} layer ${l + 1} unit ${j}`).toBeLessThan(5 * sd);
      }
    }
  });
});

function gradRun(build: Build, kind: number, param: number, per: number[] | null, lambda: number) {
  const h = harness({ sizes: [37, 16, 12, 5], act: "relu", lambda, bmax: 9, n: 50, seed: 8 }, build);
  const { k } = h;
  fillRandom(h.x(), lcg(3), 0.5);
  if (per) h.i32(h.pScratch, 2).set(per);
  k.nnSketchUnits(kind, param, per ? h.pScratch : 0);
  h.setRows([1, 5, 9, 13, 44, 2, 7, 30, 31], [1, 1, 2, 1, 1, 1, 0.5, 1, 1]);
  const len = k.nnGradient(h.px, h.pRows, h.pW, 9, 9.5, 12);
  const out = h.out(), loss = k.nnLastLoss();
  k.nnResetCounters();
  const done = k.nnRun(h.px, 0, 25, 7, 0.05);
  return { len, out, loss, done, x: h.x().slice(), lossSum: k.nnLossSum() };
}

describe("keep-all unit sketches = the identity, bit for bit", () => {
  for (const build of ["simd", "scalar"] as const) {
    for (const lambda of [0, 0.01]) {
      it(`Bernoulli(1), Rand-K (k = n), permutation(1): gradient, loss, and a 25-step run (${build}, λ = ${lambda})`, () => {
        const id = gradRun(build, 0, 1, null, lambda);
        expect(id.done).toBe(25);
        for (const [kind, param, per] of [[1, 1, null], [3, 0, [16, 12]], [4, 1, null]] as const) {
          const r = gradRun(build, kind, param, per ? [...per] : null, lambda);
          expect(r.len).toBe(id.len);
          expect(r.out.idx).toEqual(id.out.idx);
          expect(firstDiff(r.out.val, id.out.val), `kind ${kind}`).toBe(-1);
          expect(Object.is(r.loss, id.loss)).toBe(true);
          expect(firstDiff(r.x, id.x), `kind ${kind}: x after the run`).toBe(-1);
          expect(Object.is(r.lossSum, id.lossSum)).toBe(true);
        }
      });
    }
  }
  it("the coordinate path with every coordinate at scale 1 is the identity too, bit for bit (both builds)", () => {
    for (const build of ["simd", "scalar"] as const) {
      const h = harness({ sizes: [37, 16, 12, 5], act: "tanh", lambda: 0.01, bmax: 9, n: 50, seed: 8 }, build);
      const { k, d } = h;
      fillRandom(h.x(), lcg(3), 0.5);
      h.setRows([1, 5, 9, 13, 44], [1, 2, 1, 0.5, 1]);
      k.nnGradient(h.px, h.pRows, h.pW, 5, 5.5, 0);
      const id = h.out(), loss = k.nnLastLoss();
      const pT = k.alloc(4 * d) >>> 0, pS = k.alloc(8 * d) >>> 0;
      h.i32(pT, d).set(Array.from({ length: d }, (_, i) => i)); h.f64(pS, d).fill(1);
      k.nnGradientCoords(h.px, pT, pS, d, h.pRows, h.pW, 5, 5.5);
      const c = h.out();
      expect(c.idx).toEqual(id.idx);
      expect(firstDiff(c.val, id.val)).toBe(-1);
      expect(Object.is(k.nnLastLoss(), loss)).toBe(true);
    }
  });

  it("and a keep-most sketch is not the identity (the comparison can fail)", () => {
    const id = gradRun("simd", 0, 1, null, 0), r = gradRun("simd", 3, 0, [15, 12], 0);
    expect(firstDiff(r.x, id.x)).not.toBe(-1);
  });
});

describe("dropped units under v = 0", () => {
  for (const lambda of [0, 0.02]) {
    it(`outgoing weights of dropped units get zero data-gradient (λ = ${lambda}: exactly s·λ·y there)`, () => {
      const sizes = [9, 11, 8, 4];
      const h = harness({ sizes, act: "tanh", lambda, bmax: 6, n: 20, seed: 13 });
      const { k } = h, { offW } = layout(sizes);
      fillRandom(h.x(), lcg(6), 0.6);
      const x = h.x().slice();
      k.nnSketchUnits(1, 0.5, 0);
      h.setRows([0, 3, 6, 9, 12, 15], null);
      let checked = 0;
      for (let t = 0; t < 6; t++) {
        k.nnGradient(h.px, h.pRows, 0, 6, 6, t);
        const out = h.out(), val = new Map(out.idx.map((i, q) => [i, out.val[q]]));
        const T1 = keptOf(h, 1), T2 = keptOf(h, 2);
        const s2 = scalesOf(h, 2)[0], lam = Math.fround(lambda);
        // W2 (rows: kept units of layer 2, scale s2) and W3 (rows: all classes, scale 1), columns of dropped inputs
        for (const [l, rows, cols, s] of [[2, T2, T1, s2], [3, [0, 1, 2, 3], T2, 1]] as const) {
          const np = sizes[l - 1];
          for (const j of rows) for (let c = 0; c < np; c++) {
            if (cols.includes(c)) continue;
            const i = offW[l] + j * np + c;
            const want = lambda === 0 ? 0 : Math.fround(s * Math.fround(lam * Math.fround(s * x[i])));
            expect(Object.is(val.get(i), want), `layer ${l} row ${j} col ${c}`).toBe(true);
            checked++;
          }
        }
      }
      expect(checked).toBeGreaterThan(50);
    });
  }
});

describe("multiply-adds scale with the kept units (counted, never timed)", () => {
  it("784-256-256-10, batch 64: keep 0.25 costs at most 0.3 of keep 1, and the count is the formula", () => {
    const sizes = [784, 256, 256, 10];
    const h = harness({ sizes, act: "relu", lambda: 1e-4, bmax: 64, n: 200, seed: 1 });
    const { k } = h;
    h.setRows(Array.from({ length: 64 }, (_, i) => 3 * i), null);
    const macs = (kind: number, param: number, dense = false) => {
      k.nnSketchUnits(kind, param, 0);
      k.nnResetCounters();
      let total = 0, formula = 0;
      for (let t = 0; t < 5; t++) {
        k.nnGradient(h.px, h.pRows, 0, 64, 64, t);
        const m = [784, kind === 0 ? 256 : k.nnKeptCount(1), kind === 0 ? 256 : k.nnKeptCount(2), 10];
        let f = 0, b = 0, w = 0;
        for (let l = 1; l <= 3; l++) {
          if (!dense) { f += m[l] * m[l - 1]; w += m[l] * m[l - 1]; if (l >= 2) b += m[l] * m[l - 1]; }
          else { f += sizes[l] * sizes[l - 1]; w += m[l] * sizes[l - 1]; if (l >= 2) b += sizes[l] * sizes[l - 1]; }
        }
        formula += 64 * (f + w + b);
      }
      total = k.nnMacs();
      expect(total).toBe(formula);
      return total / 5;
    };
    const full = macs(0, 1);
    expect(full).toBe(64 * (2 * (784 * 256 + 256 * 256 + 256 * 10) + 256 * 256 + 256 * 10));
    for (const [kind, param] of [[1, 0.25], [3, 64], [4, 4]] as const) {
      const q = macs(kind, param);
      expect(q / full, `kind ${kind}`).toBeLessThanOrEqual(0.3);
      expect(q / full).toBeGreaterThan(0.1);
    }
    // with a shift (v ≠ 0) the network runs whole, forward and backward-data; backward-weights at kept rows only
    k.nnSetShift(h.pv);
    const shifted = macs(1, 0.25, true);
    expect(shifted / full).toBeGreaterThan(0.66);
    expect(shifted / full).toBeLessThan(0.75);
  });
});
