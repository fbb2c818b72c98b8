// Monte Carlo estimate of f_D(x) = E_S f(v + S(x − v)) with sketches from the Monte Carlo stream.
import { STREAM_SKETCH, STREAM_MONTE_CARLO } from "./codes";
import { sample, pSupp, pScale, setSketchStream } from "./sketch";

import { pV, pY, dim, value, pAcc } from "./problem";
import { deltaFrom, gradientFromDelta, ROWS_ALL } from "./dsgd";

/** sketchedValueSamples(px, samples, pOut): out_s = f(v + S_s(x − v)), s < samples. Work O(samples · cost of f). */
export function sketchedValueSamples(px: usize, samples: i32, pOut: usize): void {
  setSketchStream(STREAM_MONTE_CARLO);
  for (let s = 0; s < samples; s++) {
    const m = sample(<u64>s);
    memory.copy(pY, pV, <usize>dim << 3);
    for (let k = 0; k < m; k++) {
      const j = <usize>load<i32>(pSupp + (<usize>k << 2));
      const vj = load<f64>(pV + (j << 3));
      store<f64>(pY + (j << 3), vj + load<f64>(pScale + (<usize>k << 3)) * (load<f64>(px + (j << 3)) - vj));
    }
    store<f64>(pOut + (<usize>s << 3), value(pY));
  }
  setSketchStream(STREAM_SKETCH);
}

/** meanAndStderr(p, n, pOut): out = [mean, sd/√n] with sd the sample standard deviation (n−1). */
export function meanAndStderr(p: usize, n: i32, pOut: usize): void {
  let s: f64 = 0;
  for (let i = 0; i < n; i++) s += load<f64>(p + (<usize>i << 3));
  const mean = s / <f64>n;
  let q: f64 = 0;
  for (let i = 0; i < n; i++) { const r = load<f64>(p + (<usize>i << 3)) - mean; q += r * r; }
  store<f64>(pOut, mean);
  store<f64>(pOut, n > 1 ? Math.sqrt(q / <f64>(n - 1) / <f64>n) : 0, 8);
}

/** sketchedGradientMean(px, samples, pOut): out = (1/samples) Σ_s S_s ∇f(v + S_s(x − v)) with all rows, sketches from the
 *  Monte Carlo stream: an unbiased estimate of ∇f_D(x), for stopping rules. */
export function sketchedGradientMean(px: usize, samples: i32, pOut: usize): void {
  setSketchStream(STREAM_MONTE_CARLO);
  memory.fill(pOut, 0, <usize>dim << 3);
  for (let s = 0; s < samples; s++) {
    const m = sample(<u64>s);
    deltaFrom(px, m);
    gradientFromDelta(<u64>s, m, false, ROWS_ALL);
    for (let k = 0; k < m; k++) {
      const p = pOut + (<usize>load<i32>(pSupp + (<usize>k << 2)) << 3);
      store<f64>(p, load<f64>(p) + load<f64>(pAcc + (<usize>k << 3)));
    }
  }
  const c = <f64>samples;
  for (let i = 0; i < dim; i++) { const p = pOut + (<usize>i << 3); store<f64>(p, load<f64>(p) / c); }
  setSketchStream(STREAM_SKETCH);
}
