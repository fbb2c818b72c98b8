/**
 * `problem.minimize(options)`: check the options once, pick the method, run it.
 * @module
 */
import { oneOf } from "../runtime/validate.js";
import type { Objective } from "./objective.js";
import { runSpec } from "./options.js";
import { METHODS, type MinimizeResult } from "./types.js";
import type { MethodDescriptor } from "./method.js";
import { dsgd } from "./dsgd.js";
import { lsvrg, svrg } from "./vr.js";
import { networkDsgd, networkLsvrg, networkSvrg } from "./network.js";
import { runMethod } from "./run.js";
import { compactRun } from "./compact.js";
import { minimizeDistributed } from "./distributed/coordinator.js";
import type { DistributedResult } from "./distributed/types.js";

/** The single-machine methods by name. */
const DESCRIPTORS: Record<"dsgd" | "lsvrg" | "svrg", MethodDescriptor> = { dsgd, lsvrg, svrg };
/** The same methods on network objectives. */
const NETWORK_DESCRIPTORS: Record<"dsgd" | "lsvrg" | "svrg", MethodDescriptor> = { dsgd: networkDsgd, lsvrg: networkLsvrg, svrg: networkSvrg };

/** minimize(objective, opts): DSGD, L-SVRG, SVRG, or distributed DSGD / IST for `method: "distributed"`. */
export async function minimize(obj: Objective & { build: "simd" | "scalar" }, opts: unknown): Promise<MinimizeResult | DistributedResult> {
  const method = oneOf("method", (opts as { method?: unknown } | undefined)?.method ?? "dsgd", METHODS);
  if (method === "distributed") return minimizeDistributed(obj, opts as Record<string, unknown>);
  const spec = runSpec(obj, opts as never);
  const on = compactRun(obj, spec) ?? { obj, spec };
  return runMethod(on.obj, on.spec, (obj.network ? NETWORK_DESCRIPTORS : DESCRIPTORS)[spec.method]);
}
