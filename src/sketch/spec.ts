/**
 * Sketch specs: random diagonal matrices S with E[S] = I (paper, section 2). A sketch is a plain, JSON-serialisable
 * spec; sampling happens in wasm from the counter-based generator, so a spec plus a seed fixes every draw.
 * @module
 */
import { integer, oneOf, probability, show, vector } from "../runtime/validate.js";

/** S = I. */
export interface IdentitySketch {
  /** The family. */
  readonly kind: "identity";
}
/** S = diag(c_j / p_j), c_j ~ Bernoulli(p_j) independent ("dropout" on weights). `p` is one number or one per coordinate. */
export interface BernoulliSketch {
  /** The family. */
  readonly kind: "bernoulli";
  /** The keep probability p, or p_j for each coordinate j. */
  readonly p: number | readonly number[];
}
/** S = (d/K) Σ_{j∈T} e_j e_jᵀ with T a uniform K-subset ("fixed-budget sparse training"). */
export interface RandKSketch {
  /** The family. */
  readonly kind: "randK";
  /** K, the coordinates kept a step. */
  readonly k: number;
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

/** Sketch constructors. Each returns a frozen plain object; `JSON.parse(JSON.stringify(s))` is the same sketch. */
export const sketch = {
  /** The identity S = I: MAST reduces to the original problem. */
  identity(): IdentitySketch { return Object.freeze({ kind: "identity" as const }); },
  /** Bernoulli sketch with keep-probability p ∈ (0, 1], one number or an array with one p_j per coordinate. Scale 1/p_j. */
  bernoulli(p: number | ArrayLike<number>): BernoulliSketch {
    if (typeof p === "number") return Object.freeze({ kind: "bernoulli" as const, p: keepProbability("p", p) });
    const ps = Array.from(vector("p", p));
    if (ps.length === 0) throw new RangeError("p must not be empty");
    ps.forEach((x, j) => keepProbability(`p[${j}]`, x));
    return Object.freeze({ kind: "bernoulli" as const, p: Object.freeze(ps) });
  },
  /** Rand-K: a uniform K-subset of coordinates, scale d/K; K must be in 1..d (checked against the problem). */
  randK(k: number): RandKSketch { return Object.freeze({ kind: "randK" as const, k: integer("k", k, 1) }); },
  /** Permutation sketch for M = nodes ≥ 1 (see {@link PermutationSketch}); scale M. */
  permutation(nodes: number): PermutationSketch {
    return Object.freeze({ kind: "permutation" as const, nodes: integer("nodes", nodes, 1) });
  },
  /**
   * Parse a sketch from a spec object (e.g. from JSON) or from the CLI form `identity`, `bernoulli:p`, `randk:K`,
   * `permutation:M`.
   */
  parse(spec: unknown): Sketch {
    if (typeof spec === "string") {
      const [name, arg, extra] = spec.split(":");
      const kind = oneOf("sketch", name?.toLowerCase(), ["identity", "bernoulli", "randk", "permutation"] as const);
      if (extra !== undefined) throw new RangeError(`sketch must look like name or name:value, got ${show(spec)}`);
      if (kind === "identity") {
        if (arg !== undefined) throw new RangeError(`sketch identity takes no value, got ${show(spec)}`);
        return sketch.identity();
      }
      if (arg === undefined || arg.trim() === "" || !/^[+]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(arg.trim())) {
        throw new RangeError(`sketch ${kind} needs a numeric value (e.g. ${kind}:${kind === "bernoulli" ? "0.5" : "10"}), got ${show(spec)}`);
      }
      const x = Number(arg);
      return kind === "bernoulli" ? sketch.bernoulli(x) : kind === "randk" ? sketch.randK(x) : sketch.permutation(x);
    }
    if (typeof spec !== "object" || spec === null) throw new TypeError(`sketch must be a sketch spec, got ${show(spec)}`);
    const s = spec as Record<string, unknown>;
    const kind = oneOf("sketch.kind", s.kind, ["identity", "bernoulli", "randK", "permutation"] as const);
    if (kind === "identity") return sketch.identity();
    if (kind === "bernoulli") return sketch.bernoulli(s.p as number);
    if (kind === "randK") return sketch.randK(s.k as number);
    return sketch.permutation(s.nodes as number);
  },
};

/** checkSketch(s, d): validate a spec against dimension d (K ≤ d, M ≤ d, one p per coordinate). */
export function checkSketch(s: unknown, d: number, name = "sketch"): Sketch {
  const sk = sketch.parse(s);
  if (sk.kind === "randK" && sk.k > d) throw new RangeError(`${name}.k (K) must be in 1..${d} (the dimension), got ${sk.k}`);
  if (sk.kind === "permutation" && sk.nodes > d) throw new RangeError(`${name}.nodes must be in 1..${d} (the dimension), got ${sk.nodes}`);
  if (sk.kind === "bernoulli" && typeof sk.p !== "number" && sk.p.length !== d) {
    throw new RangeError(`${name}.p must have one probability per coordinate (length ${d}), got length ${sk.p.length}`);
  }
  return sk;
}

