/**
 * Column maps: a run of a wide sparse problem on the few coordinates it can change (its data's used columns and the
 * shift's support), laid out so that every reduction over the short vector gives the bits it gives over the full one.
 *
 * The kernels' reductions over a d-vector (vector.ts: dot and its kin) sum four lanes, coordinate j into lane j mod 4,
 * each lane in increasing j, then combine (s0+s2)+(s1+s3) and add the tail (j ≥ 4⌊d/4⌋) in sequence. The compact
 * layout keeps every held coordinate in its lane (compact position c ≡ j mod 4, increasing in j) and places the
 * outer vector's last group of four and its tail at the end in order, so that the body/tail split of a reduction over
 * all coordinates, or all but the last (an intercept's), falls at the same coordinates. A coordinate it does not
 * hold is +0 throughout the run, and adding +0 (or −0) to a sum that is not −0 leaves it unchanged; so the sums, and
 * everything computed from them, are bit for bit those over all d coordinates.
 *
 * The layout has at least one padding slot (a position no outer coordinate holds): it is a coordinate with no data and
 * no shift, so the run treats it exactly as every coordinate the layout leaves out, and its value in any of the run's
 * arrays is theirs (e.g. an averaging counter that every full step moves).
 * @module
 */

/**
 * everyNonZero(a, visit): visit(i) for each i where a Float64Array is not +0 (bit for bit: −0 and NaN count), in
 * increasing i, until visit returns false (then false). One pass over 32-bit words, eight at a time, so that a run of
 * zeros costs one test (the bit pattern of ±0 does not depend on the byte order).
 */
export function everyNonZero(a: Float64Array, visit: (i: number) => boolean): boolean {
  const n = a.length, w = new Uint32Array(a.buffer, a.byteOffset, 2 * n);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = 2 * i;
    if ((w[o] | w[o + 1] | w[o + 2] | w[o + 3] | w[o + 4] | w[o + 5] | w[o + 6] | w[o + 7]) === 0) continue;
    for (let k = i; k < i + 4; k++) if ((w[2 * k] | w[2 * k + 1]) !== 0 && !visit(k)) return false;
  }
  for (; i < n; i++) if ((w[2 * i] | w[2 * i + 1]) !== 0 && !visit(i)) return false;
  return true;
}

/** A d-vector held as values at increasing outer indices and one background value elsewhere (what a compact run's
 *  state is in d). */
export class Scattered {
  /** @internal */
  constructor(
    /** d, the outer length. */
    readonly length: number,
    /** The outer index of each held value (increasing; −1: a padding slot, which holds the background). */
    readonly index: Int32Array,
    /** The held values. */
    readonly values: Float64Array,
    /** The value at every outer index not held. */
    readonly background = 0,
  ) {}

  /** Whether the background is +0 (bit for bit), so that the vector is as sparse as its held values. */
  get zeroBackground(): boolean { return Object.is(this.background, 0); }

  /** The outer indices and values of the held entries that are not +0 (bit for bit: −0 counts). */
  nonZeros(): { at: Int32Array; values: Float64Array } {
    const ix = this.index, v = this.values, at: number[] = [], values: number[] = [];
    everyNonZero(v, (c) => { if (ix[c] >= 0) { at.push(ix[c]); values.push(v[c]); } return true; });
    return { at: Int32Array.from(at), values: Float64Array.from(values) };
  }

  /** The full d-vector (a fresh array; with a +0 background, the pages it does not write stay untouched). */
  expand(): Float64Array {
    const out = new Float64Array(this.length), ix = this.index, v = this.values;
    if (!this.zeroBackground) out.fill(this.background);
    for (let c = 0; c < v.length; c++) if (ix[c] >= 0) out[ix[c]] = v[c];
    return out;
  }
}

/** The layout of a compact run: which outer coordinate each compact position holds. */
export class ColumnMap {
  /** Outer coordinates held, increasing (without the padding). */
  private readonly held: Int32Array;
  /** A padding slot's position (the witness of the coordinates left out). */
  private readonly witness: number;

  private constructor(
    /** d, the outer dimension. */
    readonly outer: number,
    /** The outer coordinate of each compact position, or −1 for a padding slot. */
    readonly index: Int32Array,
  ) {
    this.held = index.filter((j) => j >= 0);
    this.witness = index.indexOf(-1);
  }

  /** The compact dimension. */
  get dimension(): number { return this.index.length; }

  /**
   * ColumnMap.layout(d, keep): the lane-preserving layout of the coordinates j with keep[j] ≠ 0 (see the module
   * header); the last group of four and the tail of d are always held.
   */
  static layout(d: number, keep: Uint8Array): ColumnMap {
    const end0 = Math.max(0, 4 * Math.floor(d / 4) - 4);
    let count = 0;
    for (let j = 0; j < end0; j++) if (keep[j]) count++;
    const index = new Int32Array(4 * count + 4 + (d - end0)).fill(-1);
    let pos = 0, padded = false;
    for (let j = 0; j < end0; j++) {
      if (!keep[j]) continue;
      const next = pos + ((j - pos) & 3);   // the next position in j's lane
      padded ||= next > pos;
      index[next] = j;
      pos = next + 1;
    }
    const rounded = (pos + 3) & ~3;
    padded ||= rounded > pos;
    pos = padded ? rounded : rounded + 4;   // no slot left empty: a group of four for the witness
    for (let j = end0; j < d; j++) index[pos++] = j;
    return new ColumnMap(d, index.slice(0, pos));
  }

  /** The outer position → compact position map (−1 where not held); a d-sized array, made for a one-off remap. */
  positions(): Int32Array {
    const at = new Int32Array(this.outer).fill(-1);
    this.index.forEach((j, c) => { if (j >= 0) at[j] = c; });
    return at;
  }

  /** gather(v, background): the compact vector of an outer one whose entries off this map are `background` (the
   *  caller checked: zeroOff, or backgroundOf), which the padding slots take. */
  gather(v: ArrayLike<number>, background = 0): Float64Array {
    const out = new Float64Array(this.index.length);
    this.index.forEach((j, c) => { out[c] = j >= 0 ? v[j] : background; });
    return out;
  }

  /** backgroundOf(v): the one value (bit for bit) v has at every outer coordinate this map does not hold (+0 when it
   *  holds them all), or null when there are two. */
  backgroundOf(v: Float64Array): number | null {
    const w = new Uint32Array(v.buffer, v.byteOffset, 2 * v.length), held = this.held;
    let first = -1;
    for (let j = 0, k = 0; j < v.length; j++) {
      if (k < held.length && held[k] === j) { k++; continue; }
      if (first < 0) first = j;
      else if (w[2 * j] !== w[2 * first] || w[2 * j + 1] !== w[2 * first + 1]) return null;
    }
    return first < 0 ? 0 : v[first];
  }

  /** Whether v is +0 (bit for bit) at every outer coordinate this map does not hold: one pass (everyNonZero), and a
   *  binary search for each non-zero. */
  zeroOff(v: Float64Array): boolean {
    const held = this.held;
    return everyNonZero(v, (j) => {
      let lo = 0, hi = held.length - 1;
      while (lo <= hi) { const m = (lo + hi) >> 1, h = held[m]; if (h === j) return true; if (h < j) lo = m + 1; else hi = m - 1; }
      return false;
    });
  }

  /** scattered(c): a compact vector as the d-vector it stands for (no copy of c: take it before c changes). */
  scattered(c: Float64Array): Scattered { return new Scattered(this.outer, this.index, c, c[this.witness]); }

  /** expand(c): the d-vector of a compact one (a fresh array). */
  expand(c: Float64Array): Float64Array { return this.scattered(c).expand(); }
}
