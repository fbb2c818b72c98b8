// Philox4x32-10 (Salmon et al., SC'11), counter-based: the 32-bit words of the draw sequence (seed, stream, step) are
// word c = out[c mod 4] of philox(counter = (⌊c/4⌋, step lo, step hi, stream), key = seed), a pure function of
// (seed, stream, step, c). Callers seek() to a sequence and read it with next32()/nextBelow()/nextUniform().

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
// The cursor: the sequence (stream, step), the next block to compute and the unread words of the current one.
let cStream: u32 = 0;
let cStepLo: u32 = 0;
let cStepHi: u32 = 0;
let cBlock: u32 = 0;
let cPos: i32 = 4;
let w0: u32 = 0;
let w1: u32 = 0;
let w2: u32 = 0;
let w3: u32 = 0;

/** setSeed(lo, hi): the 64-bit key of every later draw. */
export function setSeed(lo: u32, hi: u32): void { seedLo = lo; seedHi = hi; cPos = 4; }

/** seek(stream, step, word): position the cursor at word `word` of the sequence (seed, stream, step). */
export function seek(stream: u32, step: u64, word: u64): void {
  cStream = stream; cStepLo = <u32>step; cStepHi = <u32>(step >> 32);
  cBlock = <u32>(word >> 2);
  cPos = 4;
  const skip = <i32>(word & 3);
  if (skip != 0) { refill(); cPos = skip; }
}

// refill(): compute the cursor's next block into w0..w3.
@inline function refill(): void {
  philox(cBlock, cStepLo, cStepHi, cStream, seedLo, seedHi);
  w0 = out0; w1 = out1; w2 = out2; w3 = out3;
  cBlock++;
  cPos = 0;
}

/** next32() -> the next 32-bit word of the sequence. */
@inline export function next32(): u32 {
  if (cPos == 4) refill();
  const p = cPos++;
  return p == 0 ? w0 : p == 1 ? w1 : p == 2 ? w2 : w3;
}

/** nextBelow(n) -> an integer uniform in [0, n), 1 ≤ n < 2^32, by Lemire's multiply-shift with rejection (unbiased). */
@inline export function nextBelow(n: u32): u32 {
  let m = <u64>next32() * <u64>n;
  let l = <u32>m;
  if (l < n) {
    const t: u32 = (<u32>0 - n) % n;
    while (l < t) { m = <u64>next32() * <u64>n; l = <u32>m; }
  }
  return <u32>(m >> 32);
}

/** nextUniform() -> u in [0, 1) with 53 random bits from two words: ((a >> 5)·2^26 + (b >> 6))·2^-53. */
@inline export function nextUniform(): f64 {
  const a = next32() >> 5, b = next32() >> 6;
  return (<f64>a * 67108864.0 + <f64>b) * 1.1102230246251565e-16;
}

/** nextUniformOpen() -> u in (0, 1), safe for log. */
@inline export function nextUniformOpen(): f64 {
  const a = next32() >> 5, b = next32() >> 6;
  return (<f64>a * 67108864.0 + <f64>b + 0.5) * 1.1102230246251565e-16;
}

/** Named streams, so that no two uses of the generator share draws. */
export const STREAM_SKETCH: u32 = 0;
export const STREAM_ROWS: u32 = 1;
export const STREAM_MONTE_CARLO: u32 = 2;
export const STREAM_SYNTHETIC: u32 = 3;
export const STREAM_POWER: u32 = 4;

/** seekAt(stream, step, word): seek() with f64 step and word for the facade and tests (exact below 2^53). */
export function seekAt(stream: u32, step: f64, word: f64): void { seek(stream, <u64>step, <u64>word); }
/** next32At() / nextBelowAt(n) / nextUniformAt(): the cursor reads, exported for tests. */
export function next32At(): u32 { return next32(); }
export function nextBelowAt(n: u32): u32 { return nextBelow(n); }
export function nextUniformAt(): f64 { return nextUniform(); }
