/**
 * Sketch specs: random diagonal matrices S with E[S] = I (paper, section 2). A sketch is a plain, JSON-serialisable
 * spec; sampling happens in wasm from the counter-based generator, so a spec plus a seed fixes every draw.
 * @module
 */
import { integer, oneOf, options, probability, show, vector } from "../runtime/validate.js";

/** S = I. */
export interface IdentitySketch {
  /** The family. */
  readonly kind: "identity";
}
/**
 * What a sketch draws over: every coordinate of x (the default; on a network that is DropConnect), or the hidden units
 * of a network (`"units"`): one scale per hidden unit, applied to the unit's incoming weights and bias, the output
 * layer never dropped. `sketch.bernoulli(p, { over: "units" })` is standard (inverted) dropout as a MAST sketch.
 */
export type SketchOver = "coordinates" | "units";
/** Options of the sketch constructors. */
export interface SketchOptions {
  /** What the sketch draws over (default: coordinates). */
  over?: SketchOver;
}

/** S = diag(c_j / p_j), c_j ~ Bernoulli(p_j) independent ("dropout" on weights). `p` is one number or one per coordinate. */
export interface BernoulliSketch {
  /** The family. */
  readonly kind: "bernoulli";
  /** The keep probability p, or p_j for each coordinate j. */
  readonly p: number | readonly number[];
  /** "units": one draw per hidden unit of a network (dropout); absent: per coordinate. */
  readonly over?: "units";
}
/** S = (d/K) Σ_{j∈T} e_j e_jᵀ with T a uniform K-subset ("fixed-budget sparse training"); over units: K units of every
 *  hidden layer, scale n_l/K. */
export interface RandKSketch {
  /** The family. */
  readonly kind: "randK";
  /** K, the coordinates (or units of every hidden layer) kept a step. */
  readonly k: number;
  /** "units": K units of every hidden layer of a network; absent: K coordinates. */
  readonly over?: "units";
}
/**
 * Permutation sketch for M nodes (independent subnetwork training): a uniform permutation of M·⌈d/M⌉ slots, of which
 * the last M·⌈d/M⌉ − d are phantom coordinates, cut into M blocks of ⌈d/M⌉ slots; node i keeps the real coordinates of
 * block i with scale M. Every coordinate lies in exactly one block, so (1/M) Σ_i S_i = I, and E[S_i] = I for each i.
 * Used by one node (DSGD), step t takes block t mod M of the permutation drawn for round ⌊t/M⌋.
 */
export interface PermutationSketch {
  /** The family. */
  readonly kind: "permutation";
  /** M, the number of blocks (nodes). */
  readonly nodes: number;
  /** "units": every hidden layer's units are cut into M blocks (IST); absent: the coordinates. */
  readonly over?: "units";
}
/** Any sketch spec. */
export type Sketch = IdentitySketch | BernoulliSketch | RandKSketch | PermutationSketch;

/** The smallest keep probability a Bernoulli sketch takes: below it the scale 1/p exceeds 10^6, L_S^max = 1/p² exceeds
 *  10^12 and the theory step is effectively 0, so a run would silently stand still. */
export const MIN_KEEP_PROBABILITY = 1e-6;

function keepProbability(name: string, v: unknown): number {
  const p = probability(name, v);
  if (p < MIN_KEEP_PROBABILITY) {
    throw new RangeError(`${name} must be at least ${MIN_KEEP_PROBABILITY} (a keep probability below it makes the scale 1/p above 10^6 and the theory step vanish), got ${p}`);
  }
  return p;
}

/** overOf(opts): `{ over: "units" }` when the options ask for units (coordinate sketches carry no `over`, so their JSON
 *  is the same as it always was). */
function overOf(opts: unknown): { over?: "units" } {
  const o = options<SketchOptions>("options", opts, ["over"]);
  if (o.over === undefined) return {};
  return oneOf("options.over", o.over, ["coordinates", "units"] as const) === "units" ? { over: "units" } : {};
}

/** Sketch constructors. Each returns a frozen plain object; `JSON.parse(JSON.stringify(s))` is the same sketch. */
export const sketch = {
  /** The identity S = I: MAST reduces to the original problem. */
  identity(): IdentitySketch { return Object.freeze({ kind: "identity" as const }); },
  /**
   * Bernoulli sketch with keep-probability p ∈ (0, 1], one number or an array with one p_j per coordinate; scale 1/p_j.
   * With `{ over: "units" }` each hidden unit of a network is kept with probability p (dropout), scale 1/p.
   */
  bernoulli(p: number | ArrayLike<number>, opts?: SketchOptions): BernoulliSketch {
    const over = overOf(opts);
    if (typeof p === "number") return Object.freeze({ kind: "bernoulli" as const, p: keepProbability("p", p), ...over });
    if (over.over) throw new RangeError("p must be one number with { over: \"units\" } (one keep probability for every hidden unit)");
    const ps = Array.from(vector("p", p));
    if (ps.length === 0) throw new RangeError("p must not be empty");
    ps.forEach((x, j) => keepProbability(`p[${j}]`, x));
    return Object.freeze({ kind: "bernoulli" as const, p: Object.freeze(ps) });
  },
  /** Rand-K: a uniform K-subset of coordinates, scale d/K; K must be in 1..d (checked against the problem). With
   *  `{ over: "units" }`, K units of every hidden layer of a network, scale n_l/K. */
  randK(k: number, opts?: SketchOptions): RandKSketch { return Object.freeze({ kind: "randK" as const, k: integer("k", k, 1), ...overOf(opts) }); },
  /** Permutation sketch for M = nodes ≥ 1 (see {@link PermutationSketch}); scale M. With `{ over: "units" }` each hidden
   *  layer's units are cut into M blocks (independent subnetwork training). */
  permutation(nodes: number, opts?: SketchOptions): PermutationSketch {
    return Object.freeze({ kind: "permutation" as const, nodes: integer("nodes", nodes, 1), ...overOf(opts) });
  },
  /**
   * Parse a sketch from a spec object (e.g. from JSON) or from the CLI form `identity`, `bernoulli:p`, `randk:K`,
   * `permutation:M`, with `:units` appended for a unit sketch (`bernoulli:0.5:units`).
   */
  parse(spec: unknown): Sketch {
    if (typeof spec === "string") {
      const [name, arg, overArg, extra] = spec.split(":");
      const kind = oneOf("sketch", name?.toLowerCase(), ["identity", "bernoulli", "randk", "permutation"] as const);
      if (extra !== undefined || (overArg !== undefined && overArg !== "units")) {
        throw new RangeError(`sketch must look like name, name:value or name:value:units, got ${show(spec)}`);
      }
      const o = overArg === "units" ? { over: "units" as const } : undefined;
      if (kind === "identity") {
        if (arg !== undefined) throw new RangeError(`sketch identity takes no value, got ${show(spec)}`);
        return sketch.identity();
      }
      if (arg === undefined || arg.trim() === "" || !/^[+]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(arg.trim())) {
        throw new RangeError(`sketch ${kind} needs a numeric value (e.g. ${kind}:${kind === "bernoulli" ? "0.5" : "10"}), got ${show(spec)}`);
      }
      const x = Number(arg);
      return kind === "bernoulli" ? sketch.bernoulli(x, o) : kind === "randk" ? sketch.randK(x, o) : sketch.permutation(x, o);
    }
    if (typeof spec !== "object" || spec === null) throw new TypeError(`sketch must be a sketch spec, got ${show(spec)}`);
    const s = spec as Record<string, unknown>;
    const kind = oneOf("sketch.kind", s.kind, ["identity", "bernoulli", "randK", "permutation"] as const);
    const o = s.over === undefined ? undefined : { over: s.over as SketchOver };
    if (kind === "identity") return sketch.identity();
    if (kind === "bernoulli") return sketch.bernoulli(s.p as number, o);
    if (kind === "randK") return sketch.randK(s.k as number, o);
    return sketch.permutation(s.nodes as number, o);
  },
};

/** isUnitSketch(s): a sketch over the hidden units of a network. */
export function isUnitSketch(s: Sketch): boolean { return s.kind !== "identity" && s.over === "units"; }

/**
 * checkSketch(s, d, name, layout): validate a spec against dimension d (K ≤ d, M ≤ d, one p per coordinate), or a unit
 * sketch against a network's layer sizes n_0 … n_{L+1} (K and M at most the narrowest hidden layer).
 */
export function checkSketch(s: unknown, d: number, name = "sketch", layout: readonly number[] | null = null): Sketch {
  const sk = sketch.parse(s);
  if (isUnitSketch(sk)) {
    if (!layout) throw new RangeError(`${name}.over "units" needs a network (mast.network): this problem has no hidden units`);
    const hidden = layout.slice(1, -1);
    if (hidden.length === 0) throw new RangeError(`${name}.over "units" needs hidden layers; this network has none (hidden: [])`);
    const narrowest = Math.min(...hidden);
    if (sk.kind === "randK" && sk.k > narrowest) throw new RangeError(`${name}.k must be in 1..${narrowest} (the narrowest hidden layer), got ${sk.k}`);
    if (sk.kind === "permutation" && sk.nodes > narrowest) throw new RangeError(`${name}.nodes must be in 1..${narrowest} (the narrowest hidden layer), got ${sk.nodes}`);
    return sk;
  }
  if (sk.kind === "randK" && sk.k > d) throw new RangeError(`${name}.k (K) must be in 1..${d} (the dimension), got ${sk.k}`);
  if (sk.kind === "permutation" && sk.nodes > d) throw new RangeError(`${name}.nodes must be in 1..${d} (the dimension), got ${sk.nodes}`);
  if (sk.kind === "bernoulli" && typeof sk.p !== "number" && sk.p.length !== d) {
    throw new RangeError(`${name}.p must have one probability per coordinate (length ${d}), got length ${sk.p.length}`);
  }
  return sk;
}

