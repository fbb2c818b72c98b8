// Dense f64 vector kernels. Every reduction uses one order, four lanes (s0..s3) summed as (s0+s2)+(s1+s3),
// then the tail in sequence, so the SIMD build (f64x2) and the scalar build give the same bits.

/** dot(px, py, n) = Σ x_i y_i over contiguous f64 arrays. */
export function dot(px: usize, py: usize, n: i32): f64 { return dotOf(px, py, 0, n, false); }

/** dotDiff(pa, px, pv, n) = Σ a_i (x_i − v_i): dot(a, x − v) without forming x − v, in dot's order (same bits). */
export function dotDiff(pa: usize, px: usize, pv: usize, n: i32): f64 { return dotOf(pa, px, pv, n, true); }

// dotOf(pa, px, pv, n, diff): Σ a_i z_i with z = x − v when diff, else z = x; `diff` is a constant at each call site.
@inline function dotOf(pa: usize, px: usize, pv: usize, n: i32, diff: bool): f64 {
  let i = 0;
  let s: f64;
  if (ASC_FEATURE_SIMD) {
    let a = f64x2.splat(0), b = f64x2.splat(0);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 3;
      const z0 = diff ? f64x2.sub(v128.load(px + o), v128.load(pv + o)) : v128.load(px + o);
      const z1 = diff ? f64x2.sub(v128.load(px + o, 16), v128.load(pv + o, 16)) : v128.load(px + o, 16);
      a = f64x2.add(a, f64x2.mul(v128.load(pa + o), z0));
      b = f64x2.add(b, f64x2.mul(v128.load(pa + o, 16), z1));
    }
    const c = f64x2.add(a, b);
    s = f64x2.extract_lane(c, 0) + f64x2.extract_lane(c, 1);
  } else {
    let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 3;
      s0 += load<f64>(pa + o) * zAt(px, pv, o, diff);
      s1 += load<f64>(pa + o, 8) * zAt(px, pv, o + 8, diff);
      s2 += load<f64>(pa + o, 16) * zAt(px, pv, o + 16, diff);
      s3 += load<f64>(pa + o, 24) * zAt(px, pv, o + 24, diff);
    }
    s = (s0 + s2) + (s1 + s3);
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    s += load<f64>(pa + o) * zAt(px, pv, o, diff);
  }
  return s;
}

// zAt(px, pv, o, diff): x at byte offset o, minus v there when diff.
@inline function zAt(px: usize, pv: usize, o: usize, diff: bool): f64 {
  return diff ? load<f64>(px + o) - load<f64>(pv + o) : load<f64>(px + o);
}

/** gatherDotScaledDiff(prow, pidx, ps, px, pv, m) = Σ_k row[j_k] s_k (x[j_k] − v[j_k]), j = idx: gatherDot of the
 *  row against δ_k = s_k (x − v)_{j_k} without forming δ, in gatherDot's order (same bits). */
export function gatherDotScaledDiff(prow: usize, pidx: usize, ps: usize, px: usize, pv: usize, m: i32): f64 {
  let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
  let k = 0;
  for (; k + 4 <= m; k += 4) {
    const oi = <usize>k << 2, os = <usize>k << 3;
    const j0 = <usize>load<i32>(pidx + oi) << 3, j1 = <usize>load<i32>(pidx + oi, 4) << 3;
    const j2 = <usize>load<i32>(pidx + oi, 8) << 3, j3 = <usize>load<i32>(pidx + oi, 12) << 3;
    s0 += load<f64>(prow + j0) * (load<f64>(ps + os) * (load<f64>(px + j0) - load<f64>(pv + j0)));
    s1 += load<f64>(prow + j1) * (load<f64>(ps + os, 8) * (load<f64>(px + j1) - load<f64>(pv + j1)));
    s2 += load<f64>(prow + j2) * (load<f64>(ps + os, 16) * (load<f64>(px + j2) - load<f64>(pv + j2)));
    s3 += load<f64>(prow + j3) * (load<f64>(ps + os, 24) * (load<f64>(px + j3) - load<f64>(pv + j3)));
  }
  let s = (s0 + s2) + (s1 + s3);
  for (; k < m; k++) {
    const j = <usize>load<i32>(pidx + (<usize>k << 2)) << 3;
    s += load<f64>(prow + j) * (load<f64>(ps + (<usize>k << 3)) * (load<f64>(px + j) - load<f64>(pv + j)));
  }
  return s;
}

/** axpy(a, px, py, n): y_i += a x_i. */
export function axpy(a: f64, px: usize, py: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const va = f64x2.splat(a);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 3;
      v128.store(py + o, f64x2.add(v128.load(py + o), f64x2.mul(va, v128.load(px + o))));
      v128.store(py + o, f64x2.add(v128.load(py + o, 16), f64x2.mul(va, v128.load(px + o, 16))), 16);
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(py + o, load<f64>(py + o) + a * load<f64>(px + o));
  }
}

/** scale(a, px, n): x_i *= a. */
export function scale(a: f64, px: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const va = f64x2.splat(a);
    for (; i + 2 <= n; i += 2) {
      const o = <usize>i << 3;
      v128.store(px + o, f64x2.mul(va, v128.load(px + o)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(px + o, a * load<f64>(px + o));
  }
}

/** gatherDot(prow, pidx, pz, m) = Σ_k row[idx_k] z_k (row gathered by i32 indices), same lane order as dot. */
export function gatherDot(prow: usize, pidx: usize, pz: usize, m: i32): f64 {
  let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
  let k = 0;
  for (; k + 4 <= m; k += 4) {
    const oi = <usize>k << 2, oz = <usize>k << 3;
    s0 += load<f64>(prow + (<usize>load<i32>(pidx + oi) << 3)) * load<f64>(pz + oz);
    s1 += load<f64>(prow + (<usize>load<i32>(pidx + oi, 4) << 3)) * load<f64>(pz + oz, 8);
    s2 += load<f64>(prow + (<usize>load<i32>(pidx + oi, 8) << 3)) * load<f64>(pz + oz, 16);
    s3 += load<f64>(prow + (<usize>load<i32>(pidx + oi, 12) << 3)) * load<f64>(pz + oz, 24);
  }
  let s = (s0 + s2) + (s1 + s3);
  for (; k < m; k++) {
    s += load<f64>(prow + (<usize>load<i32>(pidx + (<usize>k << 2)) << 3)) * load<f64>(pz + (<usize>k << 3));
  }
  return s;
}

/** gatherAxpy(a, prow, pidx, pacc, m): acc_k += a row[idx_k]. */
export function gatherAxpy(a: f64, prow: usize, pidx: usize, pacc: usize, m: i32): void {
  for (let k = 0; k < m; k++) {
    const oz = <usize>k << 3;
    store<f64>(pacc + oz, load<f64>(pacc + oz) + a * load<f64>(prow + (<usize>load<i32>(pidx + (<usize>k << 2)) << 3)));
  }
}

/** sumSquares(px, n) = Σ x_i², same order as dot. */
export function sumSquares(px: usize, n: i32): f64 { return dot(px, px, n); }

/** allFinite(px, n): 1 when every x_i is finite. */
export function allFinite(px: usize, n: i32): i32 {
  for (let i = 0; i < n; i++) {
    const v = load<f64>(px + (<usize>i << 3));
    if (!isFinite(v)) return 0;
  }
  return 1;
}
