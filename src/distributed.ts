// Distributed DSGD / IST (section 4.3). Implementation pending; see issue 4.
import type { Problem } from "./problem.js";
import type { MinimizeResult } from "./problem.js";

/** @internal */
export async function minimizeDistributed(problem: Problem, opts: Record<string, unknown>): Promise<MinimizeResult> {
  void problem; void opts;
  throw new Error("method \"distributed\" is not implemented yet");
}
