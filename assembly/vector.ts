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

/** dot4(r1, r2, r3, r4, pz, n, pOut): out[k] = dot(r_k, z, n) for four f64 rows of n entries, in one pass (four
 *  memory streams); each in dot's lane order, so the same bits as four dot calls. */
export function dot4(r1: usize, r2: usize, r3: usize, r4: usize, pz: usize, n: i32, pOut: usize): void {
  if (!ASC_FEATURE_SIMD) {
    store<f64>(pOut, dot(r1, pz, n)); store<f64>(pOut, dot(r2, pz, n), 8);
    store<f64>(pOut, dot(r3, pz, n), 16); store<f64>(pOut, dot(r4, pz, n), 24);
    return;
  }
  let a1 = f64x2.splat(0), b1 = f64x2.splat(0), a2 = f64x2.splat(0), b2 = f64x2.splat(0);
  let a3 = f64x2.splat(0), b3 = f64x2.splat(0), a4 = f64x2.splat(0), b4 = f64x2.splat(0);
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const o = <usize>k << 3;
    const z0 = v128.load(pz + o), z1 = v128.load(pz + o, 16);
    a1 = f64x2.add(a1, f64x2.mul(v128.load(r1 + o), z0)); b1 = f64x2.add(b1, f64x2.mul(v128.load(r1 + o, 16), z1));
    a2 = f64x2.add(a2, f64x2.mul(v128.load(r2 + o), z0)); b2 = f64x2.add(b2, f64x2.mul(v128.load(r2 + o, 16), z1));
    a3 = f64x2.add(a3, f64x2.mul(v128.load(r3 + o), z0)); b3 = f64x2.add(b3, f64x2.mul(v128.load(r3 + o, 16), z1));
    a4 = f64x2.add(a4, f64x2.mul(v128.load(r4 + o), z0)); b4 = f64x2.add(b4, f64x2.mul(v128.load(r4 + o, 16), z1));
  }
  let c = f64x2.add(a1, b1);
  let m1 = f64x2.extract_lane(c, 0) + f64x2.extract_lane(c, 1);
  c = f64x2.add(a2, b2);
  let m2 = f64x2.extract_lane(c, 0) + f64x2.extract_lane(c, 1);
  c = f64x2.add(a3, b3);
  let m3 = f64x2.extract_lane(c, 0) + f64x2.extract_lane(c, 1);
  c = f64x2.add(a4, b4);
  let m4 = f64x2.extract_lane(c, 0) + f64x2.extract_lane(c, 1);
  for (; k < n; k++) {
    const o = <usize>k << 3;
    const zk = load<f64>(pz + o);
    m1 += load<f64>(r1 + o) * zk; m2 += load<f64>(r2 + o) * zk; m3 += load<f64>(r3 + o) * zk; m4 += load<f64>(r4 + o) * zk;
  }
  store<f64>(pOut, m1); store<f64>(pOut, m2, 8); store<f64>(pOut, m3, 16); store<f64>(pOut, m4, 24);
}

/** axpy4(pc, r1, r2, r3, r4, py, n): y_j ← (((y_j + c1 r1_j) + c2 r2_j) + c3 r3_j) + c4 r4_j with c = pc[0..3]: four
 *  axpy calls in one pass, elementwise, so the same bits. */
export function axpy4(pc: usize, r1: usize, r2: usize, r3: usize, r4: usize, py: usize, n: i32): void {
  if (!ASC_FEATURE_SIMD) {
    axpy(load<f64>(pc), r1, py, n); axpy(load<f64>(pc, 8), r2, py, n);
    axpy(load<f64>(pc, 16), r3, py, n); axpy(load<f64>(pc, 24), r4, py, n);
    return;
  }
  const c1 = load<f64>(pc), c2 = load<f64>(pc, 8), c3 = load<f64>(pc, 16), c4 = load<f64>(pc, 24);
  const v1 = f64x2.splat(c1), v2 = f64x2.splat(c2), v3 = f64x2.splat(c3), v4 = f64x2.splat(c4);
  let k = 0;
  for (; k + 2 <= n; k += 2) {
    const o = <usize>k << 3;
    v128.store(py + o, f64x2.add(f64x2.add(f64x2.add(f64x2.add(v128.load(py + o), f64x2.mul(v1, v128.load(r1 + o))),
      f64x2.mul(v2, v128.load(r2 + o))), f64x2.mul(v3, v128.load(r3 + o))), f64x2.mul(v4, v128.load(r4 + o))));
  }
  for (; k < n; k++) {
    const o = <usize>k << 3;
    store<f64>(py + o, (((load<f64>(py + o) + c1 * load<f64>(r1 + o)) + c2 * load<f64>(r2 + o)) + c3 * load<f64>(r3 + o)) + c4 * load<f64>(r4 + o));
  }
}

/** gatherInto(prow, pidx, pout, m): out_k = row[idx_k], k < m: the row's entries at the support, one tight pass (its
 *  loads are independent, so many of a DRAM row's misses are in flight at once). */
export function gatherInto(prow: usize, pidx: usize, pout: usize, m: i32): void {
  let k = 0;
  for (; k + 4 <= m; k += 4) {
    const oi = <usize>k << 2, oo = <usize>k << 3;
    const j0 = <usize>load<i32>(pidx + oi) << 3, j1 = <usize>load<i32>(pidx + oi, 4) << 3;
    const j2 = <usize>load<i32>(pidx + oi, 8) << 3, j3 = <usize>load<i32>(pidx + oi, 12) << 3;
    store<f64>(pout + oo, load<f64>(prow + j0));
    store<f64>(pout + oo, load<f64>(prow + j1), 8);
    store<f64>(pout + oo, load<f64>(prow + j2), 16);
    store<f64>(pout + oo, load<f64>(prow + j3), 24);
  }
  for (; k < m; k++) store<f64>(pout + (<usize>k << 3), load<f64>(prow + (<usize>load<i32>(pidx + (<usize>k << 2)) << 3)));
}

/** dotScaledDiffAt(pa, pidx, ps, px, pv, m) = Σ_k a_k s_k (x[j_k] − v[j_k]), j = idx, a = the row's entries at idx
 *  (gathered by gatherInto): gatherDot of the row against δ_k = s_k (x − v)_{j_k} without forming δ, in gatherDot's
 *  lane order (same bits). */
export function dotScaledDiffAt(pa: usize, pidx: usize, ps: usize, px: usize, pv: usize, m: i32): f64 {
  let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
  let k = 0;
  for (; k + 4 <= m; k += 4) {
    const oi = <usize>k << 2, os = <usize>k << 3;
    const j0 = <usize>load<i32>(pidx + oi) << 3, j1 = <usize>load<i32>(pidx + oi, 4) << 3;
    const j2 = <usize>load<i32>(pidx + oi, 8) << 3, j3 = <usize>load<i32>(pidx + oi, 12) << 3;
    s0 += load<f64>(pa + os) * (load<f64>(ps + os) * (load<f64>(px + j0) - load<f64>(pv + j0)));
    s1 += load<f64>(pa + os, 8) * (load<f64>(ps + os, 8) * (load<f64>(px + j1) - load<f64>(pv + j1)));
    s2 += load<f64>(pa + os, 16) * (load<f64>(ps + os, 16) * (load<f64>(px + j2) - load<f64>(pv + j2)));
    s3 += load<f64>(pa + os, 24) * (load<f64>(ps + os, 24) * (load<f64>(px + j3) - load<f64>(pv + j3)));
  }
  let s = (s0 + s2) + (s1 + s3);
  for (; k < m; k++) {
    const j = <usize>load<i32>(pidx + (<usize>k << 2)) << 3, os = <usize>k << 3;
    s += load<f64>(pa + os) * (load<f64>(ps + os) * (load<f64>(px + j) - load<f64>(pv + j)));
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
export function scale(a: f64, px: usize, n: i32): void { scaleInto(a, px, px, n); }

/** scaleInto(a, px, pOut, n): out = a·x (n f64; out may be x). */
export function scaleInto(a: f64, px: usize, pOut: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const va = f64x2.splat(a);
    for (; i + 2 <= n; i += 2) {
      const o = <usize>i << 3;
      v128.store(pOut + o, f64x2.mul(va, v128.load(px + o)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(pOut + o, a * load<f64>(px + o));
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
