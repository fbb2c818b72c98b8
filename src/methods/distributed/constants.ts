/**
 * The theory constants of distributed DSGD (paper, section 4.3): D_max = max_i L_{f_i}² L_{D_i} L_{S_i}^max, the step
 * 1/√(D_max·T) and the coefficients of the nonconvex bound.
 * @module
 */
import type { Sketch } from "../../sketch/spec.js";
import { integer, options, positive, show } from "../../runtime/validate.js";
import type { Objective } from "../objective.js";
import type { DistributedConstants } from "./types.js";
import { type NodeConstants, type SharedSpec, datasetOf } from "./node.js";
import { nodeFor } from "./nodes.js";
import { plan, sharedSpec } from "./options.js";

/** combine(per, T, γ): D_max, the step sizes and the bound's coefficients from the per-node constants. */
export function combine(per: NodeConstants[], T: number, gammaArg?: number): DistributedConstants {
  if (per.some((c) => !Number.isFinite(c.L))) {
    throw new RangeError("no theory step size is known for a network with hidden layers: its loss is non-convex and no smoothness constant L is known " +
      "(section 4.3's constants need L_{f_i}); give stepSize as a number");
  }
  let Dmax = 0, convex = 0;
  for (const c of per) {
    Dmax = Math.max(Dmax, c.L * c.L * c.LD * c.LSmax);
    convex = Math.max(convex, c.L * c.LSmax);
  }
  const Teff = Math.max(1, T);
  const stepSize = 1 / Math.sqrt(Dmax * Teff);
  const gamma = gammaArg ?? stepSize;
  return {
    nodes: per.length,
    rows: per.map((c) => c.rows), L: per.map((c) => c.L), LD: per.map((c) => c.LD), muD: per.map((c) => c.muD), LSmax: per.map((c) => c.LSmax),
    Dmax, iterations: T, stepSize, convexStepSize: 1 / convex, gamma,
    startCoefficient: 6 / (gamma * Teff),
    errorTerm: {
      coefficient: 2 * gamma * Dmax,
      multiplies: "f_D^inf − (1/M) Σ_i f_i^inf",
      bound: "min_{t<T} E‖∇f_D(x_t)‖² ≤ 6(f_D(x_0) − f_D^inf)/(γT) + 2γ·D_max·(f_D^inf − (1/M) Σ_i f_i^inf), γ ≤ 1/√(D_max·T)",
    },
  };
}

/**
 * distributedConstants(problem, { nodes, sketch, iterations, stepSize }): the constants of section 4.3 for the nodes a
 * distributed run with these options would use: per node n_i, L_{f_i} (a Problem on each shard, its `constants()`),
 * L_{D_i} and L_{S_i}^max; D_max = max_i L_{f_i}² L_{D_i} L_{S_i}^max; the theory step γ = 1/√(D_max·T) (what
 * `stepSize: "theory"` uses); the convex-case step 1/(max_i L_{f_i} L_{S_i}^max); and the coefficients of the bound
 * min_t E‖∇f_D(x_t)‖² ≤ 6(f_D(x_0) − f_D^inf)/(γT) + 2γ D_max (f_D^inf − (1/M) Σ_i f_i^inf) at γ = stepSize (or the
 * number given as `stepSize`).
 */
export function distributedConstants(problem: Objective, opts: { nodes?: unknown; sketch?: Sketch; iterations?: number; stepSize?: unknown } = {}): DistributedConstants {
  const o = options<{ nodes: unknown; sketch: Sketch; iterations: number; stepSize: unknown }>("options", opts, ["nodes", "sketch", "iterations", "stepSize"]);
  if (typeof problem !== "object" || problem === null || !((problem as Objective).linear || (problem as Objective).network) || typeof (problem as Objective).shard !== "function") {
    throw new TypeError(`problem must be a data problem (mast.problem) or a network (mast.network), got ${show(problem)}`);
  }
  if (o.nodes === undefined) throw new TypeError("nodes must be an integer M ≥ 1 or a non-empty array of { data, sketch }, got undefined");
  const p = plan(problem, o.nodes, o.sketch);
  const T = integer("iterations", o.iterations ?? 1000, 0);
  const gamma = o.stepSize === undefined || o.stepSize === "theory" ? undefined : positive("stepSize", o.stepSize);
  const shared: SharedSpec = sharedSpec(problem, [0, 0], p.M, null, "full");
  const per = p.specs.map((s) => nodeFor(problem.shard!(datasetOf(s.data)), s, shared).constants());
  return combine(per, T, gamma);
}
