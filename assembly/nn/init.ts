// Initial parameters, a function of the seed alone: weights of layer l uniform in (−a_l, a_l) — He-uniform for relu,
// a_l = √(6/n_{l−1}), Glorot-uniform for tanh, a_l = √(6/(n_{l−1} + n_l)) — on every layer including the output layer;
// biases 0. Draws: Philox stream 12, step l − 1 for layer l, words in order: weight e (row-major) is
// f32((2u_e − 1)·a_l) with u_e = nextUniform() from words 2e, 2e + 1.
import { ACT_RELU, STREAM_INIT } from "../codes";
import { setSeed, seek, nextUniform } from "../philox";
import { nHidden, actKind, dParams, size, offW, offB, requireConfigured } from "./config";

/** nnInit(px, seed): the initial parameters into x (f32, d). Sets the generator's key to the seed (setSeed(lo, hi)),
 *  which later steps also use. */
export function nnInit(px: usize, seed: f64): void {
  requireConfigured();
  const s = <u64>seed;
  setSeed(<u32>s, <u32>(s >> 32));
  for (let l = 1; l <= nHidden + 1; l++) {
    const n = size(l), np = size(l - 1);
    const a = actKind == ACT_RELU ? Math.sqrt(6.0 / <f64>np) : Math.sqrt(6.0 / <f64>(np + n));
    seek(STREAM_INIT, <u64>(l - 1), 0);
    const w = px + (<usize>offW(l) << 2), cnt = n * np;
    for (let e = 0; e < cnt; e++) store<f32>(w + (<usize>e << 2), <f32>((2.0 * nextUniform() - 1.0) * a));
    memory.fill(px + (<usize>offB(l) << 2), 0, <usize>n << 2);
  }
}

/** nnSetSeed(seed): setSeed with the 64-bit seed as an f64 (exact below 2^53). */
export function nnSetSeed(seed: f64): void { const s = <u64>seed; setSeed(<u32>s, <u32>(s >> 32)); }
