// Plain-TypeScript optima of the objectives the methods minimise, computed independently of the kernels: the finite
// sum f_fin(x) = (1/N) Σ_j f(v + S_j(x − v)) over explicit diagonal sketches S_j (N = 1, S = I: ERM), by Newton's method
// with exact gradients and Hessians in f64. For Rand-K with every K-subset listed, f_fin is f_D exactly.

/** A twice-differentiable f: value, gradient and Hessian (d×d, row-major) at y. */
export interface Smooth {
  d: number;
  value(y: Float64Array): number;
  gradient(y: Float64Array): Float64Array;
  hessian(y: Float64Array): Float64Array;
}

/** f(x) = (1/n) Σ φ(a_iᵀx, b_i) + λ/2 ‖x‖², φ logistic log(1 + e^{−bm}) or squared ½(m − b)²; rows dense, row-major. */
export function dataObjective(rows: ArrayLike<number>, labels: ArrayLike<number>, n: number, d: number, loss: "logistic" | "squared", l2: number): Smooth {
  const margin = (y: Float64Array, i: number) => { let m = 0; for (let j = 0; j < d; j++) m += rows[i * d + j] * y[j]; return m; };
  const phi = (m: number, b: number) => loss === "logistic" ? Math.log1p(Math.exp(-b * m)) : 0.5 * (m - b) ** 2;
  const dphi = (m: number, b: number) => loss === "logistic" ? -b / (1 + Math.exp(b * m)) : m - b;
  const d2phi = (m: number, b: number) => { if (loss === "squared") return 1; const s = 1 / (1 + Math.exp(-b * m)); return s * (1 - s); };
  return {
    d,
    value(y) { let s = 0; for (let i = 0; i < n; i++) s += phi(margin(y, i), labels[i]); let r = 0; for (const v of y) r += v * v; return s / n + 0.5 * l2 * r; },
    gradient(y) {
      const g = new Float64Array(d);
      for (let i = 0; i < n; i++) { const c = dphi(margin(y, i), labels[i]); for (let j = 0; j < d; j++) g[j] += c * rows[i * d + j]; }
      for (let j = 0; j < d; j++) g[j] = g[j] / n + l2 * y[j];
      return g;
    },
    hessian(y) {
      const H = new Float64Array(d * d);
      for (let i = 0; i < n; i++) {
        const c = d2phi(margin(y, i), labels[i]);
        for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) H[j * d + k] += c * rows[i * d + j] * rows[i * d + k];
      }
      for (let j = 0; j < d * d; j++) H[j] /= n;
      for (let j = 0; j < d; j++) H[j * d + j] += l2;
      return H;
    },
  };
}

/** f(x) = ½ xᵀAx − bᵀx. */
export function quadraticObjective(A: number[][], b: number[]): Smooth {
  const d = b.length;
  return {
    d,
    value(y) { let s = 0; for (let i = 0; i < d; i++) { let r = 0; for (let j = 0; j < d; j++) r += A[i][j] * y[j]; s += 0.5 * y[i] * r - b[i] * y[i]; } return s; },
    gradient(y) { return Float64Array.from(b, (bi, i) => { let r = 0; for (let j = 0; j < d; j++) r += A[i][j] * y[j]; return r - bi; }); },
    hessian() { return Float64Array.from({ length: d * d }, (_, k) => A[Math.floor(k / d)][k % d]); },
  };
}

/** Every K-subset of d coordinates as a Rand-K diagonal (scale d/K): the whole support of the distribution. */
export function allRandK(d: number, K: number): Float64Array[] {
  const out: Float64Array[] = [];
  const pick = (start: number, chosen: number[]) => {
    if (chosen.length === K) { const s = new Float64Array(d); for (const j of chosen) s[j] = d / K; out.push(s); return; }
    for (let j = start; j < d; j++) pick(j + 1, [...chosen, j]);
  };
  pick(0, []);
  return out;
}

function solve(H: Float64Array, r: Float64Array, d: number): Float64Array {
  const a = Array.from({ length: d }, (_, i) => [...H.subarray(i * d, i * d + d), r[i]]);
  for (let c = 0; c < d; c++) {
    let p = c;
    for (let i = c + 1; i < d; i++) if (Math.abs(a[i][c]) > Math.abs(a[p][c])) p = i;
    [a[c], a[p]] = [a[p], a[c]];
    for (let i = c + 1; i < d; i++) { const f = a[i][c] / a[c][c]; for (let k = c; k <= d; k++) a[i][k] -= f * a[c][k]; }
  }
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) { let s = a[i][d]; for (let k = i + 1; k < d; k++) s -= a[i][k] * x[k]; x[i] = s / a[i][i]; }
  return x;
}

/**
 * finiteSumOptimum(f, sketches, v): the minimiser of (1/N) Σ_j f(v + S_j(x − v)) (S_j diagonal, given by their
 * diagonals) by damped Newton: ∇ = (1/N) Σ S_j ∇f(y_j), H = (1/N) Σ S_j ∇²f(y_j) S_j. Throws if it does not converge.
 */
export function finiteSumOptimum(f: Smooth, sketches: Float64Array[], v: ArrayLike<number>): Float64Array {
  const d = f.d, N = sketches.length;
  const point = (x: Float64Array, s: Float64Array) => Float64Array.from(x, (xj, j) => v[j] + s[j] * (xj - v[j]));
  const objective = (x: Float64Array) => sketches.reduce((acc, s) => acc + f.value(point(x, s)), 0) / N;
  let x = Float64Array.from(v);
  for (let it = 0; it < 200; it++) {
    const g = new Float64Array(d), H = new Float64Array(d * d);
    for (const s of sketches) {
      const y = point(x, s), gy = f.gradient(y), Hy = f.hessian(y);
      for (let j = 0; j < d; j++) {
        g[j] += (s[j] * gy[j]) / N;
        for (let k = 0; k < d; k++) H[j * d + k] += (s[j] * Hy[j * d + k] * s[k]) / N;
      }
    }
    let gn = 0;
    for (const gj of g) gn += gj * gj;
    if (Math.sqrt(gn) < 1e-14) return x;
    const step = solve(H, g, d);
    let t = 1;
    const f0 = objective(x);
    let next = Float64Array.from(x, (xj, j) => xj - t * step[j]);
    while (objective(next) > f0 && t > 1e-8) { t /= 2; next = Float64Array.from(x, (xj, j) => xj - t * step[j]); }
    x = next;
  }
  const g = new Float64Array(d);
  for (const s of sketches) { const gy = f.gradient(point(x, s)); for (let j = 0; j < d; j++) g[j] += (s[j] * gy[j]) / N; }
  const gn = Math.hypot(...g);
  if (gn > 1e-10) throw new Error(`finiteSumOptimum did not converge (‖∇‖ = ${gn})`);
  return x;
}
