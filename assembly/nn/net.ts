// Forward and backward passes of the whole network over one parameter buffer P whose layout has the current widths
// m_l (config.ts: pDims and the current offsets; full widths on dense paths, kept units on the compact path).
// B = batch rows; H_l = act(l) (B × m_l, row stride m_l); dZ_l in dzBuf(l) (B × m_l).
import { matmulNT, matmulNN, matmulTN, colSums } from "./gemm";
import { activate, activateBackward } from "./act";
import { nHidden, actKind, dimOf, curOffW, curOffB, actBuf, dzBuf, pKept, unitOff, keptCount } from "./config";

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

/** backwardNet(pP, pG, pIn, B, keptRows): from dZ_{L+1} in dzBuf(L+1), for l = L+1 .. 1: dW_l = dZ_lᵀ·H_{l−1} and
 *  db_l = Σ_r dZ_l (rows r ascending) into pG at the current offsets; for l > 1 dH_{l−1} = dZ_l·W_l into
 *  dzBuf(l − 1), then dZ_{l−1} = dH_{l−1} ⊙ act'(H_{l−1}) in place. H_0 = pIn. MACs: B (2 Σ_l m_l m_{l−1} − m_1 m_0).
 *  keptRows (full widths, a unit sketch drawn): on hidden layers dW_l and db_l only at the rows of kept units — their
 *  dZ columns gathered into the free dzBuf(l − 1), the compact rows computed (each entry the same serial sum over r, so
 *  the same bits) and moved to their places; other rows of pG are left stale. Saves (1 − q) of the dW multiply-adds. */
export function backwardNet(pP: usize, pG: usize, pIn: usize, B: i32, keptRows: bool): void {
  for (let l = nHidden + 1; l >= 1; l--) {
    const m = dimOf(l), mp = dimOf(l - 1), dz = dzBuf(l);
    const h = l == 1 ? pIn : actBuf(l - 1);
    const gw = pG + (<usize>curOffW(l) << 2), gb = pG + (<usize>curOffB(l) << 2);
    if (keptRows && l <= nHidden) {
      const mk = keptCount(l), pT = pKept + (<usize>unitOff(l) << 2), dzc = dzBuf(l - 1);
      for (let r = 0; r < B; r++) {
        const src = dz + ((<usize>r * <usize>m) << 2), dst = dzc + ((<usize>r * <usize>mk) << 2);
        for (let a = 0; a < mk; a++) store<f32>(dst + (<usize>a << 2), load<f32>(src + (<usize>load<i32>(pT + (<usize>a << 2)) << 2)));
      }
      matmulTN(gw, mp, dzc, mk, h, mp, mk, mp, B);
      colSums(dzc, mk, gb, B, mk);
      for (let a = mk - 1; a >= 0; a--) {   // T ascending, so T_a ≥ a: moving from the last row never overwrites one unread
        const j = load<i32>(pT + (<usize>a << 2));
        if (j == a) break;
        memory.copy(gw + ((<usize>j * <usize>mp) << 2), gw + ((<usize>a * <usize>mp) << 2), <usize>mp << 2);
        store<f32>(gb + (<usize>j << 2), load<f32>(gb + (<usize>a << 2)));
      }
    } else {
      matmulTN(gw, mp, dz, m, h, mp, m, mp, B);
      colSums(dz, m, gb, B, m);
    }
    if (l > 1) {
      const dh = dzBuf(l - 1);
      matmulNN(dh, mp, dz, m, pP + (<usize>curOffW(l) << 2), mp, B, mp, m);
      activateBackward(actKind, h, dh, B * mp);
    }
  }
}
