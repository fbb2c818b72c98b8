// User-supplied models: the host evaluates ∇f at the sketched point y; sketching, sampling and updates stay here.
import { pSupp, pScale } from "./sketch";
import { pV, pY, pModelGrad, pAcc } from "./problem";

/** modelPointPtr(): the dense point y = v + S(x − v) that the host reads (d). */
export function modelPointPtr(): usize { return pY; }
/** modelGradPtr(): where the host writes ∇f(y) (d). */
export function modelGradPtr(): usize { return pModelGrad; }

/** modelPoint(px, m): y_{T_k} = v + s_k (x − v) on the current support (elsewhere y = v). */
export function modelPoint(px: usize, m: i32): void {
  for (let k = 0; k < m; k++) {
    const j = <usize>load<i32>(pSupp + (<usize>k << 2));
    const vj = load<f64>(pV + (j << 3));
    store<f64>(pY + (j << 3), vj + load<f64>(pScale + (<usize>k << 3)) * (load<f64>(px + (j << 3)) - vj));
  }
}
/** modelRestore(m): y_{T_k} = v_{T_k}, so y = v again. */
export function modelRestore(m: i32): void {
  for (let k = 0; k < m; k++) {
    const j = <usize>load<i32>(pSupp + (<usize>k << 2));
    store<f64>(pY + (j << 3), load<f64>(pV + (j << 3)));
  }
}
/** modelResetPoint(d): y = v everywhere. */
export function modelResetPoint(d: i32): void { memory.copy(pY, pV, <usize>d << 3); }
/** modelGradient(m) -> 1 when finite: acc_k = s_k ∇f(y)_{T_k}. */
export function modelGradient(m: i32): i32 {
  let ok = 1;
  for (let k = 0; k < m; k++) {
    const gj = load<f64>(pModelGrad + (<usize>load<i32>(pSupp + (<usize>k << 2)) << 3));
    if (!isFinite(gj)) ok = 0;
    store<f64>(pAcc + (<usize>k << 3), load<f64>(pScale + (<usize>k << 3)) * gj);
  }
  return ok;
}
