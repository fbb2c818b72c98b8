// Forward and backward passes of the whole network over one parameter buffer P whose layout has the current widths
// m_l (config.ts: pDims and the current offsets; full widths on dense paths, kept units on the compact path).
// B = batch rows; H_l = act(l) (B × m_l, row stride m_l); dZ_l in dzBuf(l) (B × m_l).
import { matmulNT, matmulNN, matmulTN, colSums } from "./gemm";
import { activate, activateBackward } from "./act";
import { nHidden, actKind, dimOf, curOffW, curOffB, actBuf, dzBuf } from "./config";

/** forwardNet(pP, pIn, B): H_0 = pIn (B × m_0); for l = 1 .. L+1: Z_l = H_{l−1}·W_lᵀ + b_l into act(l), then
 *  H_l = act(Z_l) in place on hidden layers; the logits Z_{L+1} stay in act(L+1). MACs: B Σ_l m_l m_{l−1}. */
export function forwardNet(pP: usize, pIn: usize, B: i32): void {
  let h = pIn;
  for (let l = 1; l <= nHidden + 1; l++) {
    const m = dimOf(l), mp = dimOf(l - 1), z = actBuf(l);
    matmulNT(z, m, h, mp, pP + (<usize>curOffW(l) << 2), mp, pP + (<usize>curOffB(l) << 2), B, m, mp);
    if (l <= nHidden) activate(actKind, z, B * m);
    h = z;
  }
}

/** backwardNet(pP, pG, pIn, B): from dZ_{L+1} in dzBuf(L+1), for l = L+1 .. 1: dW_l = dZ_lᵀ·H_{l−1} and
 *  db_l = Σ_r dZ_l (rows r ascending) into pG at the current offsets; for l > 1 dH_{l−1} = dZ_l·W_l into
 *  dzBuf(l − 1), then dZ_{l−1} = dH_{l−1} ⊙ act'(H_{l−1}) in place. H_0 = pIn. MACs: B (2 Σ_l m_l m_{l−1} − m_1 m_0). */
export function backwardNet(pP: usize, pG: usize, pIn: usize, B: i32): void {
  for (let l = nHidden + 1; l >= 1; l--) {
    const m = dimOf(l), mp = dimOf(l - 1), dz = dzBuf(l);
    const h = l == 1 ? pIn : actBuf(l - 1);
    matmulTN(pG + (<usize>curOffW(l) << 2), mp, dz, m, h, mp, m, mp, B);
    colSums(dz, m, pG + (<usize>curOffB(l) << 2), B, m);
    if (l > 1) {
      const dh = dzBuf(l - 1);
      matmulNN(dh, mp, dz, m, pP + (<usize>curOffW(l) << 2), mp, B, mp, m);
      activateBackward(actKind, h, dh, B * mp);
    }
  }
}
