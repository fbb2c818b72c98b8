// Diagonal sketches S = Σ_{k<m} s_k e_{T_k} e_{T_k}ᵀ, written as a support list T (i32) and scales s (f64).
import { SKETCH_IDENTITY, SKETCH_BERNOULLI, SKETCH_BERNOULLI_VECTOR, SKETCH_RANDK, SKETCH_PERMUTATION, ERR_STATE, ERR_ABORT, STREAM_SKETCH } from "./codes";
import { seek, nextBelow, nextUniform, nextUniformOpen, fillWords, firstWords, firstWords16, seedKey } from "./philox";
import { alloc } from "./memory";
import { fail } from "./errors";

export let kind: i32 = -1;
let dim: i32 = 0;          // the coordinates the families draw over (the workspace's d less the pinned ones)
let pinned: i32 = 0;       // trailing coordinates every draw keeps at scale 1 (an intercept)
let paramK: i32 = 0;          // K for Rand-K, M for permutation
let paramP: f64 = 1;          // p for Bernoulli
let pProbs: usize = 0;        // p_j for the vector Bernoulli
let logOneMinusP: f64 = 0;
let invP: f64 = 1;
let scaleConst: f64 = 1;

/** Support list and scales of the last sample, and their length. */
export let pSupp: usize = 0;
export let pScale: usize = 0;
export let suppLen: i32 = 0;
// pScale[0 .. scaleFill) already hold Rand-K's d/K (every Rand-K sample has the same scales); any other writer of
// pScale sets it to 0 (scalesChanged()).
let scaleFill: i32 = 0;
/** scalesChanged(): pScale was written by something other than randK (a set member, another family). */
export function scalesChanged(): void { scaleFill = 0; }

// Floyd membership stamps (mark[j] == stamp means j chosen in this sample).
export let pMark: usize = 0;
let stamp: i32 = 0;
/** Membership of the last Rand-K sample: j ∈ T exactly when (mark[j] == memberStamp) != memberInverted, or, when
 *  memberHashed, when tableSlot(j) ≥ 0. */
export let memberStamp: i32 = 0;
export let memberInverted: bool = false;
export let memberHashed: bool = false;
// For K ≪ d (K ≤ HASH_MAX_K and 16K ≤ d) Floyd's membership lives in a small open-addressing table instead of the
// d-sized marks, so that a step touches no d-sized array at random for it: 2^b ≥ 2K slots of (j, stamp, k, 0) i32,
// Fibonacci hashing, linear probing; a slot is empty unless its stamp is this sample's, so nothing is cleared between
// samples. The draws, and so the bits, are those of the marks.
const HASH_MAX_K = 1024;
const HASH_SLOTS = 2 * HASH_MAX_K;
const hashTable: usize = memory.data(HASH_SLOTS << 4, 16);
let hashShift: u32 = 32;
// Permutation cache: slots of the round cached in pPerm.
let pPerm: usize = 0;
let permSlots: i32 = 0;
let permRound: u64 = 0xffffffffffffffff;
let permStream: u32 = 0xffffffff;
let permSeed: u64 = 0;
// Stream of every sketch draw: STREAM_SKETCH for training, STREAM_MONTE_CARLO for f_D estimates.
let stream: u32 = STREAM_SKETCH;

/** setSketchStream(s): the generator stream later samples draw from. */
export function setSketchStream(s: u32): void { stream = s; }

/** sketchWorkspace(d): allocate the support, scale, mark and permutation buffers for dimension d. */
export function sketchWorkspace(d: i32): void {
  dim = d; pinned = 0;
  pSupp = alloc(<usize>d << 2);
  pScale = alloc(<usize>d << 3);
  pMark = alloc(<usize>d << 2);
  pPerm = alloc(<usize>d << 3);   // M⌈d/M⌉ < 2d slots for any M ≤ d
  stamp = 0;
  scaleFill = 0;
}

/** sketchPin(n): the last n coordinates of the workspace are in every draw, at scale 1, after the family's own
 *  draw over the first d − n (whose constants and scales are those of dimension d − n). */
export function sketchPin(n: i32): void {
  if (pSupp == 0 || n < 0 || n >= dim + pinned) fail(ERR_ABORT);
  dim = dim + pinned - n; pinned = n;
  scaleFill = 0;
}

/** supportPtr()/scalePtr(): where sample() writes T and s. */
export function supportPtr(): usize { return pSupp; }
export function scalePtr(): usize { return pScale; }

/** sketchConfigure(kind, k, p, pProbs): choose the family; k = K or M, p = Bernoulli p, pProbs = p_j array or 0. */
export function sketchConfigure(k: i32, K: i32, p: f64, probs: usize): void {
  if (pSupp == 0) fail(ERR_STATE);
  kind = k; paramK = K; paramP = p; pProbs = probs;
  scaleFill = 0;
  invP = 1.0 / p;
  logOneMinusP = Math.log1p(-p);
  if (k == SKETCH_RANDK) scaleConst = <f64>dim / <f64>K;
  else if (k == SKETCH_PERMUTATION) {
    scaleConst = <f64>K;
    const q = (dim + K - 1) / K;
    permSlots = q * K;
    permRound = 0xffffffffffffffff;
  } else scaleConst = 1;
}

// nextStamp(): a fresh membership stamp; clears the marks (and the table) when the counter would wrap.
@inline function nextStamp(): i32 {
  if (stamp == 0x7ffffffe) { memory.fill(pMark, 0, <usize>dim << 2); memory.fill(hashTable, 0, HASH_SLOTS << 4); stamp = 0; }
  return ++stamp;
}

// useTable(n, K): whether Floyd's K-subset of [0, n) keeps its membership in the table; sets its size.
@inline function useTable(n: i32, K: i32): bool {
  if (K > HASH_MAX_K || <i64>K * 16 > <i64>n) return false;
  hashShift = <u32>clz<i32>(2 * K - 1);   // 2^(32 − shift) ≥ 2K slots
  return true;
}

/** tableSlot(j, st) → k, the position of j in the sample (stamp st), or −1 when j is not in it. */
@inline export function tableSlot(j: i32, st: i32): i32 {
  const mask: u32 = (<u32>1 << (32 - hashShift)) - 1;
  let h = (<u32>j * 0x9e3779b1) >> hashShift;
  while (true) {
    const e = hashTable + (<usize>h << 4);
    if (load<i32>(e, 4) != st) return -1;
    if (load<i32>(e) == j) return load<i32>(e, 8);
    h = (h + 1) & mask;
  }
  return -1;
}

// tableAdd(j, k, st): j at position k of the sample with stamp st (j not in it yet).
@inline function tableAdd(j: i32, k: i32, st: i32): void {
  const mask: u32 = (<u32>1 << (32 - hashShift)) - 1;
  let h = (<u32>j * 0x9e3779b1) >> hashShift;
  while (load<i32>(hashTable + (<usize>h << 4), 4) == st) h = (h + 1) & mask;
  const e = hashTable + (<usize>h << 4);
  store<i32>(e, j); store<i32>(e, st, 4); store<i32>(e, k, 8);
}

// Draw words for floyd(), read with a local position: chunks of at most DRAW_CAP words of one sequence.
const DRAW_CAP: u32 = 256;
const drawBuf: usize = memory.data(<i32>DRAW_CAP << 2, 16);

// floydPick(t, fallback, k, pMarks, st, hashed) -> draw k's pick: t, or the fallback n − K + k when t is already in
// the sample; recorded as a member (in the marks, or in the table at position k).
@inline function floydPick(t: i32, fallback: i32, k: i32, pMarks: usize, st: i32, hashed: bool): i32 {
  if (hashed) {
    const pick = tableSlot(t, st) >= 0 ? fallback : t;
    tableAdd(pick, k, st);
    return pick;
  }
  const pick = load<i32>(pMarks + (<usize>t << 2)) == st ? fallback : t;
  store<i32>(pMarks + (<usize>pick << 2), st);
  return pick;
}

/** floyd(n, K, stream, step, pOut, pMarks, st): Floyd's K-subset of [0, n) into pOut, O(K) draws; marks[j] = st for
 *  chosen j. Draw k is nextBelow(n − K + k + 1) on the sequence (seed, stream, step): Lemire's multiply-shift with
 *  rejection, reading words in order (a rejected word moves every later draw on by one word). */
export function floyd(n: i32, K: i32, stream: u32, step: u64, pOut: usize, pMarks: usize, st: i32, hashed: bool = false): void {
  let q: u32 = 0;          // next word of the sequence
  let start: u32 = 0;      // sequence index of buf[0]
  let end: u32 = 0;        // one past the last word in buf
  let buf = drawBuf;
  // small K: words 0..3 (K ≤ 4) or 0..15 (K ≤ 12, room for rejections) from the eight-step caches
  if (K <= 4) { buf = firstWords(stream, step); end = 4; }
  else if (K <= 12) { buf = firstWords16(stream, step); end = 16; }
  const base = n - K;       // draw k is below base + k + 1 and falls back to j = base + k
  let k = 0;
  while (k < K) {
    if (q == end) {
      const first = q & ~31;
      const want = (<u32>(K - k) + (q - first) + 31) & ~31;
      const cnt = want < DRAW_CAP ? want : DRAW_CAP;
      fillWords(stream, step, first, drawBuf, cnt);
      buf = drawBuf; start = first; end = first + cnt;
    }
    // the draws the buffer holds, in a loop without calls (so that its values stay in registers); a draw that
    // rejects its word leaves the loop with k at that draw and q past the rejected word
    const avail = <i32>(end - q);
    const kEnd = K - k < avail ? K : k + avail;
    let p = buf + (<usize>(q - start) << 2);
    let rejected = false;
    for (; k < kEnd; k++) {
      const bound = <u32>(base + k + 1);
      const m = <u64>load<u32>(p) * <u64>bound;
      p += 4;
      if (<u32>m < bound && <u32>m < (<u32>0 - bound) % bound) { rejected = true; break; }
      store<i32>(pOut + (<usize>k << 2), floydPick(<i32>(m >> 32), base + k, k, pMarks, st, hashed));
    }
    q = start + <u32>((p - buf) >> 2);
    if (!rejected) continue;
    // draw k rejected a word: Lemire's loop on the next words, refilling as needed
    const bound = <u32>(base + k + 1);
    const thr: u32 = (<u32>0 - bound) % bound;
    let m: u64 = 0;
    do {
      if (q == end) { const first = q & ~31; fillWords(stream, step, first, drawBuf, 32); buf = drawBuf; start = first; end = first + 32; }
      m = <u64>load<u32>(buf + (<usize>(q - start) << 2)) * <u64>bound;
      q++;
    } while (<u32>m < thr);
    store<i32>(pOut + (<usize>k << 2), floydPick(<i32>(m >> 32), base + k, k, pMarks, st, hashed));
    k++;
  }
}

/** floydAt(n, K, stream, step, pOut, pMarks, st): floyd() with an f64 step, exported for the differential tests. */
export function floydAt(n: i32, K: i32, stream: u32, step: f64, pOut: usize, pMarks: usize, st: i32): void {
  floyd(n, K, stream, <u64>step, pOut, pMarks, st);
}

/** floydTableAt(n, K, stream, step, pOut, st): floyd() with its membership in the table (K ≤ 1024, 16K ≤ n; else
 *  −1 and nothing drawn), for the differential tests; returns the number of table slots. */
export function floydTableAt(n: i32, K: i32, stream: u32, step: f64, pOut: usize, st: i32): i32 {
  if (!useTable(n, K)) return -1;
  floyd(n, K, stream, <u64>step, pOut, 0, st, true);
  return 1 << (32 - hashShift);
}

/** marksPtr(): the d-sized Floyd marks (for the tests that check a hashed sample leaves them untouched). */
export function marksPtr(): usize { return pMark; }

// randK(step): K of d coordinates by Floyd's algorithm (support in Floyd's order); for K > d/2 Floyd picks the d−K
// dropped ones and a sweep lists the rest in ascending order. Smaller supports stay in Floyd's order: sorting them
// would need the same O(d) sweep, which costs more than ordered gathers save.
function randK(step: u64): i32 {
  const K = paramK, d = dim;
  const st = nextStamp();
  memberStamp = st;
  memberInverted = K > d - K;
  memberHashed = useTable(d, K);
  if (K <= d - K) {
    floyd(d, K, stream, step, pSupp, pMark, st, memberHashed);
  } else {
    floyd(d, d - K, stream, step, pScale, pMark, st);   // pScale as scratch for the dropped list
    scaleFill = 0;
    let m = 0;
    for (let j = 0; j < d; j++) {
      // branchless: write j at the end of the list and keep it only when j was not dropped
      store<i32>(pSupp + (<usize>m << 2), j);
      m += select<i32>(1, 0, load<i32>(pMark + (<usize>j << 2)) != st);
    }
  }
  const s = scaleConst;
  for (let k = scaleFill; k < K; k++) store<f64>(pScale + (<usize>k << 3), s);
  scaleFill = K;
  return K;
}

// bernoulli(step): each j kept with probability p, found by geometric skips: O(p d) expected work.
function bernoulli(step: u64): i32 {
  const d = dim;
  scaleFill = 0;
  let m = 0;
  if (paramP >= 1) {
    for (let j = 0; j < d; j++) { store<i32>(pSupp + (<usize>j << 2), j); store<f64>(pScale + (<usize>j << 3), 1.0); }
    return d;
  }
  let j: f64 = -1;
  const s = invP;
  seek(stream, step, 0);
  while (true) {
    const gap = Math.floor(Math.log(nextUniformOpen()) / logOneMinusP);
    j += gap + 1;
    if (j >= <f64>d) break;
    const jj = <i32>j;
    store<i32>(pSupp + (<usize>m << 2), jj);
    store<f64>(pScale + (<usize>m << 3), s);
    m++;
  }
  return m;
}

// bernoulliVector(step): j kept when u_j < p_j, one draw per coordinate.
function bernoulliVector(step: u64): i32 {
  let m = 0;
  scaleFill = 0;
  seek(stream, step, 0);
  for (let j = 0; j < dim; j++) {
    const p = load<f64>(pProbs + (<usize>j << 3));
    if (nextUniform() < p) {
      store<i32>(pSupp + (<usize>m << 2), j);
      store<f64>(pScale + (<usize>m << 3), 1.0 / p);
      m++;
    }
  }
  return m;
}

/** permutationRound(round): Fisher–Yates over M⌈d/M⌉ slots (slot ≥ d is a phantom), cached per round. */
export function permutationRound(round: u64): void {
  if (round == permRound && stream == permStream && seedKey() == permSeed) return;
  const n = permSlots;
  for (let i = 0; i < n; i++) store<i32>(pPerm + (<usize>i << 2), i);
  seek(stream, round, 0);
  for (let i = n - 1; i > 0; i--) {
    const j = <i32>nextBelow(<u32>(i + 1));
    const pi = pPerm + (<usize>i << 2), pj = pPerm + (<usize>j << 2);
    const t = load<i32>(pi); store<i32>(pi, load<i32>(pj)); store<i32>(pj, t);
  }
  permRound = round;
  permStream = stream;
  permSeed = seedKey();
}

/** permutationBlock(round, node): node's block of the round's permutation, phantoms dropped; returns |T|. */
export function permutationBlock(round: u64, node: i32): i32 {
  permutationRound(round);
  const q = permSlots / paramK;
  let m = 0;
  scaleFill = 0;
  const s = scaleConst;
  for (let i = node * q; i < (node + 1) * q; i++) {
    const j = load<i32>(pPerm + (<usize>i << 2));
    if (j < dim) {
      store<i32>(pSupp + (<usize>m << 2), j);
      store<f64>(pScale + (<usize>m << 3), s);
      m++;
    }
  }
  return m;
}

/** sample(step) -> m: draw S_step into (T, s); identity gives T = 0..d−1, s = 1. */
export function sample(step: u64): i32 {
  let m: i32;
  if (kind == SKETCH_IDENTITY) {
    scaleFill = 0;
    for (let j = 0; j < dim; j++) { store<i32>(pSupp + (<usize>j << 2), j); store<f64>(pScale + (<usize>j << 3), 1.0); }
    m = dim;
  } else if (kind == SKETCH_BERNOULLI) m = bernoulli(step);
  else if (kind == SKETCH_BERNOULLI_VECTOR) m = bernoulliVector(step);
  else if (kind == SKETCH_RANDK) m = randK(step);
  else if (kind == SKETCH_PERMUTATION) {
    const M = <u64>paramK;
    m = permutationBlock(step / M, <i32>(step % M));
  } else { fail(ERR_STATE); m = 0; }
  for (let q = 0; q < pinned; q++) {
    store<i32>(pSupp + (<usize>(m + q) << 2), dim + q);
    store<f64>(pScale + (<usize>(m + q) << 3), 1.0);
  }
  m += pinned;
  suppLen = m;
  return m;
}

/** sketchSample(step) -> m: sample() with an f64 step for the facade (exact below 2^53). */
export function sketchSample(step: f64): i32 { return sample(<u64>step); }
/** sketchBlock(round, node) -> m: permutationBlock() with an f64 round for the facade. */
export function sketchBlock(round: f64, node: i32): i32 { const m = permutationBlock(<u64>round, node); suppLen = m; return m; }
/** isIdentity(): 1 when the configured sketch is the identity (the contiguous fast path applies). */
export function isIdentity(): i32 { return kind == SKETCH_IDENTITY || (kind == SKETCH_BERNOULLI && paramP >= 1) ? 1 : 0; }
