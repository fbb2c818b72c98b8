// Philox4x32-10 (Salmon et al., SC'11): a counter-based generator. Draw k of step t in stream s is a pure
// function of (seed, s, t, k): key = seed (2×u32); counter = (k>>1, t lo, t hi, s); draw k takes words 2(k&1), 2(k&1)+1.

const M0: u64 = 0xD2511F53;
const M1: u64 = 0xCD9E8D57;
const W0: u32 = 0x9E3779B9;
const W1: u32 = 0xBB67AE85;

/** Output words of the last block (exported for the known-answer test). */
export let out0: u32 = 0;
export let out1: u32 = 0;
export let out2: u32 = 0;
export let out3: u32 = 0;

/** philox(c0..c3, k0, k1): ten Philox4x32 rounds; result in out0..out3. */
export function philox(c0: u32, c1: u32, c2: u32, c3: u32, k0: u32, k1: u32): void {
  for (let r = 0; r < 10; r++) {
    const p0 = M0 * <u64>c0;
    const p1 = M1 * <u64>c2;
    const hi0 = <u32>(p0 >> 32), lo0 = <u32>p0;
    const hi1 = <u32>(p1 >> 32), lo1 = <u32>p1;
    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
    k0 += W0;
    k1 += W1;
  }
  out0 = c0; out1 = c1; out2 = c2; out3 = c3;
}

let seedLo: u32 = 0;
let seedHi: u32 = 0;
let cachedValid = false;
let cStream: u32 = 0;
let cStep: u64 = 0;
let cBlock: u64 = 0;

/** setSeed(lo, hi): the 64-bit key of every later draw. */
export function setSeed(lo: u32, hi: u32): void { seedLo = lo; seedHi = hi; cachedValid = false; }

/** draw64(stream, step, k) -> 64 random bits; pure in (seed, stream, step, k). Consecutive k share a block. */
export function draw64(stream: u32, step: u64, k: u64): u64 {
  const block = k >> 1;
  if (!cachedValid || block != cBlock || step != cStep || stream != cStream) {
    philox(<u32>block, <u32>step, <u32>(step >> 32), stream, seedLo, seedHi);
    cStream = stream; cStep = step; cBlock = block; cachedValid = true;
  }
  return (k & 1) == 0 ? (<u64>out0 | (<u64>out1 << 32)) : (<u64>out2 | (<u64>out3 << 32));
}

/** uniform(stream, step, k) -> u in [0, 1) with 53 random bits. */
@inline export function uniform(stream: u32, step: u64, k: u64): f64 {
  return <f64>(draw64(stream, step, k) >> 11) * 1.1102230246251565e-16;   // 2^-53
}

/** uniformOpen(stream, step, k) -> u in (0, 1), safe for log. */
@inline export function uniformOpen(stream: u32, step: u64, k: u64): f64 {
  return (<f64>(draw64(stream, step, k) >> 11) + 0.5) * 1.1102230246251565e-16;
}

/** below(n, stream, step, k) -> integer in [0, n), n < 2^32, by the high word of a 64×32 product (bias < n/2^64). */
@inline export function below(n: u32, stream: u32, step: u64, k: u64): u32 {
  const r = draw64(stream, step, k);
  const hi = (r >> 32) * <u64>n;
  const lo = ((r & 0xffffffff) * <u64>n) >> 32;
  return <u32>((hi + lo) >> 32);
}

/** Named streams, so that no two uses of the generator share draws. */
export const STREAM_SKETCH: u32 = 0;
export const STREAM_ROWS: u32 = 1;
export const STREAM_MONTE_CARLO: u32 = 2;
export const STREAM_SYNTHETIC: u32 = 3;
export const STREAM_POWER: u32 = 4;

/** uniformAt(stream, step, k): uniform() for the facade and tests (f64 step/k, exact below 2^53). */
export function uniformAt(stream: u32, step: f64, k: f64): f64 { return uniform(stream, <u64>step, <u64>k); }
/** belowAt(n, stream, step, k): below() for the facade and tests. */
export function belowAt(n: u32, stream: u32, step: f64, k: f64): u32 { return below(n, stream, <u64>step, <u64>k); }
