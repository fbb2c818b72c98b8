// Hidden-layer activations, elementwise over contiguous f32 (the same bits in both builds by construction):
//   relu: a = max(z, 0) (wasm max: NaN propagates, max(−0, 0) = +0); backward dz = da where a > 0, else +0.
//   tanh: a = Mathf.tanh(z) (the module's own musl tanhf); backward dz = da · (1 − a·a), each operation rounded.
// Backward reads the activations a (not z): relu's a > 0 ⟺ z > 0, and tanh' = 1 − a².

import { ACT_RELU } from "../codes";
/** activate(kind, pZ, n): z ← act(z) in place, n entries. */
export function activate(kind: i32, pZ: usize, n: i32): void {
  let i = 0;
  if (kind == ACT_RELU) {
    if (ASC_FEATURE_SIMD) {
      const zero = f32x4.splat(0);
      for (; i + 4 <= n; i += 4) { const p = pZ + (<usize>i << 2); v128.store(p, f32x4.max(v128.load(p), zero)); }
    }
    for (; i < n; i++) { const p = pZ + (<usize>i << 2); store<f32>(p, max<f32>(load<f32>(p), 0)); }
  } else {
    for (; i < n; i++) { const p = pZ + (<usize>i << 2); store<f32>(p, Mathf.tanh(load<f32>(p))); }
  }
}

/** activateBackward(kind, pA, pD, n): d ← d ⊙ act'(z) in place, from the activations a = act(z); n entries. */
export function activateBackward(kind: i32, pA: usize, pD: usize, n: i32): void {
  let i = 0;
  if (kind == ACT_RELU) {
    if (ASC_FEATURE_SIMD) {
      const zero = f32x4.splat(0);
      for (; i + 4 <= n; i += 4) {
        const o = <usize>i << 2;
        v128.store(pD + o, v128.and(v128.load(pD + o), f32x4.gt(v128.load(pA + o), zero)));
      }
    }
    for (; i < n; i++) { const o = <usize>i << 2; store<f32>(pD + o, load<f32>(pA + o) > 0 ? load<f32>(pD + o) : 0); }
  } else {
    if (ASC_FEATURE_SIMD) {
      const one = f32x4.splat(1);
      for (; i + 4 <= n; i += 4) {
        const o = <usize>i << 2;
        const a = v128.load(pA + o);
        v128.store(pD + o, f32x4.mul(v128.load(pD + o), f32x4.sub(one, f32x4.mul(a, a))));
      }
    }
    for (; i < n; i++) {
      const o = <usize>i << 2;
      const a = load<f32>(pA + o);
      store<f32>(pD + o, load<f32>(pD + o) * (<f32>1 - a * a));
    }
  }
}

/** nnActivate(kind, pZ, n) / nnActivateBackward(kind, pA, pD, n): the kernels above, exported for tests. */
export function nnActivate(kind: i32, pZ: usize, n: i32): void { activate(kind, pZ, n); }
export function nnActivateBackward(kind: i32, pA: usize, pD: usize, n: i32): void { activateBackward(kind, pA, pD, n); }
