// Philox4x32-10 (Salmon et al., SC'11), counter-based: the 32-bit words of the draw sequence (seed, stream, step) are
// word c = out[c mod 4] of philox(counter = (⌊c/4⌋, step lo, step hi, stream), key = seed), a pure function of
// (seed, stream, step, c). Callers seek() to a sequence and read it with next32()/nextBelow()/nextUniform().
import { STREAM_SKETCH, STREAM_ROWS } from "./codes";

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
/** seedKey(): the current 64-bit key, for caches of draws that must be dropped when the seed changes. */
@inline export function seedKey(): u64 { return (<u64>seedHi << 32) | <u64>seedLo; }
// The cursor: the sequence (stream, step), the next block to compute and the unread words of the current group.
let cStream: u32 = 0;
let cStepLo: u32 = 0;
let cStepHi: u32 = 0;
let cBlock: u32 = 0;
let cPos: i32 = 32;
// Eight consecutive blocks b..b+7 of the sequence, in sequence order: word w of block j sits at words + 16 j + 4 w.
const words: usize = memory.data(128, 16);

/** setSeed(lo, hi): the 64-bit key of every later draw. */
export function setSeed(lo: u32, hi: u32): void { seedLo = lo; seedHi = hi; cPos = 32; stepValid = false; step16Stream = 0xffffffff; }

/** seek(stream, step, word): position the cursor at word `word` of the sequence (seed, stream, step). */
export function seek(stream: u32, step: u64, word: u64): void {
  cStream = stream; cStepLo = <u32>step; cStepHi = <u32>(step >> 32);
  cBlock = <u32>(word >> 5) << 3;
  cPos = 32;
  const skip = <i32>(word & 31);
  if (skip != 0) { refill(); cPos = skip; }
}

// refill(): compute the cursor's next eight blocks.
function refill(): void {
  blockGroup(cBlock, cStepLo, cStepHi, cStream, words);
  cBlock += 8;
  cPos = 0;
}

/** fillWords(stream, step, first, pDst, count): words first .. first + count − 1 of the sequence (seed, stream, step)
 *  into pDst (u32, in order); first and count are multiples of 32. The same words as seek(stream, step, first) and
 *  count next32() calls, for loops that keep their read position in a local. */
export function fillWords(stream: u32, step: u64, first: u32, pDst: usize, count: u32): void {
  const lo = <u32>step, hi = <u32>(step >> 32);
  for (let g: u32 = 0; g < count; g += 32) blockGroup((first + g) >> 2, lo, hi, stream, pDst + (<usize>g << 2));
}

// blockGroup(b, c1, c2, c3, pDst): the 32 words of blocks b..b+7 (counter (b + j, c1, c2, c3)) at pDst, in order.
@inline function blockGroup(b: u32, c1: u32, c2: u32, c3: u32, pDst: usize): void {
  if (ASC_FEATURE_SIMD) {
    philox8(b, c1, c2, c3, seedLo, seedHi, pDst);
  } else {
    for (let j: u32 = 0; j < 8; j++) {
      philox(b + j, c1, c2, c3, seedLo, seedHi);
      const o = pDst + (<usize>j << 4);
      store<u32>(o, out0); store<u32>(o, out1, 4); store<u32>(o, out2, 8); store<u32>(o, out3, 12);
    }
  }
}

// philox8(b, …, pDst): blocks b..b+7, four to a lane set and two sets interleaved (more independent work per round for
// the out-of-order core); 32×32→64 products by i64x2.extmul.
function philox8(b: u32, c1s: u32, c2s: u32, c3s: u32, k0s: u32, k1s: u32, pDst: usize): void {
  const c1 = i32x4.splat(<i32>c1s), c2 = i32x4.splat(<i32>c2s), c3 = i32x4.splat(<i32>c3s);
  philox8Lanes(i32x4(<i32>b, <i32>(b + 1), <i32>(b + 2), <i32>(b + 3)), c1, c2, c3,
    i32x4(<i32>(b + 4), <i32>(b + 5), <i32>(b + 6), <i32>(b + 7)), c1, c2, c3, k0s, k1s, pDst);
}

// philox8Lanes(a0..a3, e0..e3, k0, k1, pDst, stride): eight Philox4x32-10 blocks, lane j of (a0, a1, a2, a3) the
// counter of block j and lane j of (e0, …, e3) that of block 4 + j; block j's four words go to pDst + stride·j, in order.
@inline function philox8Lanes(a0: v128, a1: v128, a2: v128, a3: v128, e0: v128, e1: v128, e2: v128, e3: v128,
  k0s: u32, k1s: u32, pDst: usize, stride: usize = 16): void {
  let k0 = i32x4.splat(<i32>k0s), k1 = i32x4.splat(<i32>k1s);
  const w0 = i32x4.splat(<i32>W0), w1 = i32x4.splat(<i32>W1);
  const m0 = i32x4.splat(<i32>M0), m1 = i32x4.splat(<i32>M1);
  for (let r = 0; r < 10; r++) {
    const p0l = i64x2.extmul_low_i32x4_u(a0, m0), p0h = i64x2.extmul_high_i32x4_u(a0, m0);
    const p1l = i64x2.extmul_low_i32x4_u(a2, m1), p1h = i64x2.extmul_high_i32x4_u(a2, m1);
    const q0l = i64x2.extmul_low_i32x4_u(e0, m0), q0h = i64x2.extmul_high_i32x4_u(e0, m0);
    const q1l = i64x2.extmul_low_i32x4_u(e2, m1), q1h = i64x2.extmul_high_i32x4_u(e2, m1);
    const hi0 = v128.shuffle<i32>(p0l, p0h, 1, 3, 5, 7), lo0 = v128.shuffle<i32>(p0l, p0h, 0, 2, 4, 6);
    const hi1 = v128.shuffle<i32>(p1l, p1h, 1, 3, 5, 7), lo1 = v128.shuffle<i32>(p1l, p1h, 0, 2, 4, 6);
    const gi0 = v128.shuffle<i32>(q0l, q0h, 1, 3, 5, 7), go0 = v128.shuffle<i32>(q0l, q0h, 0, 2, 4, 6);
    const gi1 = v128.shuffle<i32>(q1l, q1h, 1, 3, 5, 7), go1 = v128.shuffle<i32>(q1l, q1h, 0, 2, 4, 6);
    a0 = v128.xor(v128.xor(hi1, a1), k0); a1 = lo1; a2 = v128.xor(v128.xor(hi0, a3), k1); a3 = lo0;
    e0 = v128.xor(v128.xor(gi1, e1), k0); e1 = go1; e2 = v128.xor(v128.xor(gi0, e3), k1); e3 = go0;
    k0 = i32x4.add(k0, w0); k1 = i32x4.add(k1, w1);
  }
  let t0 = v128.shuffle<i32>(a0, a1, 0, 4, 1, 5), t1 = v128.shuffle<i32>(a2, a3, 0, 4, 1, 5);
  let t2 = v128.shuffle<i32>(a0, a1, 2, 6, 3, 7), t3 = v128.shuffle<i32>(a2, a3, 2, 6, 3, 7);
  v128.store(pDst, v128.shuffle<i32>(t0, t1, 0, 1, 4, 5));
  v128.store(pDst + stride, v128.shuffle<i32>(t0, t1, 2, 3, 6, 7));
  v128.store(pDst + 2 * stride, v128.shuffle<i32>(t2, t3, 0, 1, 4, 5));
  v128.store(pDst + 3 * stride, v128.shuffle<i32>(t2, t3, 2, 3, 6, 7));
  t0 = v128.shuffle<i32>(e0, e1, 0, 4, 1, 5); t1 = v128.shuffle<i32>(e2, e3, 0, 4, 1, 5);
  t2 = v128.shuffle<i32>(e0, e1, 2, 6, 3, 7); t3 = v128.shuffle<i32>(e2, e3, 2, 6, 3, 7);
  v128.store(pDst + 4 * stride, v128.shuffle<i32>(t0, t1, 0, 1, 4, 5));
  v128.store(pDst + 5 * stride, v128.shuffle<i32>(t0, t1, 2, 3, 6, 7));
  v128.store(pDst + 6 * stride, v128.shuffle<i32>(t2, t3, 0, 1, 4, 5));
  v128.store(pDst + 7 * stride, v128.shuffle<i32>(t2, t3, 2, 3, 6, 7));
}

// Per-step first blocks: words 0..3 of the sequences (seed, stream, t) for eight consecutive steps t0..t0+7, computed
// together (one Philox call serves eight steps of a single-draw sampler). Four slots, so that the samplers of one step
// (rows, sketch, L-SVRG's coin) do not evict each other: the rows stream, the sketch stream, and two more by stream.
const stepWords: usize = memory.data(512, 16);   // slot s: stepWords + 128 s, step t0 + j at + 16 j
const stepT0: usize = memory.data(32, 8);         // slot s: first step (u64)
const stepStreamOf: usize = memory.data(16, 4);   // slot s: stream (u32), 0xffffffff when empty
let stepNext: i32 = 2;                             // round-robin victim among slots 2 and 3
let stepValid: bool = false;

/** firstWords(stream, t) -> pointer to words 0..3 of the sequence (seed, stream, t), from an eight-step cache. */
export function firstWords(stream: u32, t: u64): usize {
  if (!stepValid) { memory.fill(stepStreamOf, 0xff, 16); stepValid = true; }
  let slot: i32;
  if (stream == STREAM_ROWS) slot = 0;
  else if (stream == STREAM_SKETCH) slot = 1;
  else if (load<u32>(stepStreamOf + 8) == stream) slot = 2;
  else if (load<u32>(stepStreamOf + 12) == stream) slot = 3;
  else { slot = stepNext; stepNext = 5 - stepNext; }
  const base = stepWords + (<usize>slot << 7);
  const pt = stepT0 + (<usize>slot << 3), ps = stepStreamOf + (<usize>slot << 2);
  const d = t - load<u64>(pt);
  if (load<u32>(ps) == stream && d < 8) return base + (<usize>d << 4);
  store<u64>(pt, t);
  store<u32>(ps, stream);
  stepBlocks(stream, t, base);
  return base;
}

/** firstBelow(stream, t, n) = seek(stream, t, 0); nextBelow(n) (the same value), from the eight-step cache. */
export function firstBelow(stream: u32, t: u64, n: u32): u32 {
  const m = <u64>load<u32>(firstWords(stream, t)) * <u64>n;
  if (<u32>m >= n) return <u32>(m >> 32);
  seek(stream, t, 0);          // a draw that may need more words: the cursor, from word 0
  return nextBelow(n);
}

/** firstUniform(stream, t) = seek(stream, t, 0); nextUniform() (the same value), from the eight-step cache. */
export function firstUniform(stream: u32, t: u64): f64 {
  const p = firstWords(stream, t);
  return (<f64>(load<u32>(p) >> 5) * 67108864.0 + <f64>(load<u32>(p, 4) >> 6)) * 1.1102230246251565e-16;
}

// stepBlocks(stream, t0, pDst, b = 0, stride = 16): block b of the sequences (stream, t0 + j), j < 8, at pDst + stride·j.
function stepBlocks(stream: u32, t0: u64, pDst: usize, b: u32 = 0, stride: usize = 16): void {
  if (ASC_FEATURE_SIMD) {
    const cb = i32x4.splat(<i32>b), c3 = i32x4.splat(<i32>stream);
    const t1 = t0 + 1, t2 = t0 + 2, t3 = t0 + 3, t4 = t0 + 4, t5 = t0 + 5, t6 = t0 + 6, t7 = t0 + 7;
    philox8Lanes(
      cb, i32x4(<i32>t0, <i32>t1, <i32>t2, <i32>t3), i32x4(<i32>(t0 >> 32), <i32>(t1 >> 32), <i32>(t2 >> 32), <i32>(t3 >> 32)), c3,
      cb, i32x4(<i32>t4, <i32>t5, <i32>t6, <i32>t7), i32x4(<i32>(t4 >> 32), <i32>(t5 >> 32), <i32>(t6 >> 32), <i32>(t7 >> 32)), c3,
      seedLo, seedHi, pDst, stride);
  } else {
    for (let j: u64 = 0; j < 8; j++) {
      const t = t0 + j;
      philox(b, <u32>t, <u32>(t >> 32), stream, seedLo, seedHi);
      const o = pDst + <usize>j * stride;
      store<u32>(o, out0); store<u32>(o, out1, 4); store<u32>(o, out2, 8); store<u32>(o, out3, 12);
    }
  }
}

// Words 0..15 of eight consecutive steps of one stream (the sketch samplers with 4 < K ≤ 16 words): step t0 + j at
// stepWords16 + 64 j. Sixteen words are four blocks, so the eight steps cost four calls of eight blocks each.
const stepWords16: usize = memory.data(512, 16);
let step16T0: u64 = 0;
let step16Stream: u32 = 0xffffffff;

/** firstWords16(stream, t) -> pointer to words 0..15 of the sequence (seed, stream, t), from an eight-step cache. */
export function firstWords16(stream: u32, t: u64): usize {
  const d = t - step16T0;
  if (step16Stream == stream && d < 8) return stepWords16 + (<usize>d << 6);
  step16T0 = t;
  step16Stream = stream;
  for (let b: u32 = 0; b < 4; b++) stepBlocks(stream, t, stepWords16 + (<usize>b << 4), b, 64);
  return stepWords16;
}

/** next32() -> the next 32-bit word of the sequence. */
@inline export function next32(): u32 {
  if (cPos == 32) refill();
  const p = cPos++;
  return load<u32>(words + (<usize>p << 2));
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

/** firstBelowAt(stream, step, n) / firstUniformAt(stream, step): the cached single draws, exported for tests. */
export function firstBelowAt(stream: u32, step: f64, n: u32): u32 { return firstBelow(stream, <u64>step, n); }
export function firstUniformAt(stream: u32, step: f64): f64 { return firstUniform(stream, <u64>step); }

/** firstWord16At(stream, step, w): word w < 16 of (seed, stream, step) read through the sixteen-word cache, for tests. */
export function firstWord16At(stream: u32, step: f64, w: i32): u32 { return load<u32>(firstWords16(stream, <u64>step) + (<usize>w << 2)); }

/** seekAt(stream, step, word): seek() with f64 step and word for the facade and tests (exact below 2^53). */
export function seekAt(stream: u32, step: f64, word: f64): void { seek(stream, <u64>step, <u64>word); }
/** next32At() / nextBelowAt(n) / nextUniformAt(): the cursor reads, exported for tests. */
export function next32At(): u32 { return next32(); }
export function nextBelowAt(n: u32): u32 { return nextBelow(n); }
export function nextUniformAt(): f64 { return nextUniform(); }
