/**
 * Compact runs: a DSGD run with the identity sketch on a wide sparse data problem changes only the coordinates its
 * data rows touch and those where x_0 or v are not zero (elsewhere x stays +0: no row reads it and the ℓ2 step scales
 * +0). Such a run takes place on the problem's compact twin, whose vectors hold those coordinates alone, so that its
 * fixed cost (set-up, averaging sums, checkpoint, read-out) is O(used columns) instead of O(d); the result, its digest,
 * the checkpoint and the trace are the same bits (the layout keeps every reduction's order: src/runtime/columns.ts),
 * and only the work counters see the shorter vectors.
 * @module
 */
import type { Objective } from "./objective.js";
import type { RunSpec } from "./options.js";

/** The run's arrays that are d-vectors of coordinates (what a compact run holds compact and its checkpoint scatters). */
export const COORDINATE_ARRAYS = ["x", "lazyU", "avgSum", "avgLast", "avgLastB"] as const;
/** Those of them that count (the averaging's last touch), not values of x. */
const COUNTER_ARRAYS: readonly string[] = ["avgLast", "avgLastB"];

/**
 * compactRun(obj, spec): the objective and spec a run takes place on: the problem's compact twin with x_0 (or the
 * resumed state) gathered onto it, when the run is DSGD with the identity sketch and x_0 (or the state) is +0 off the
 * twin's coordinates; else null (the run stays on obj).
 */
export function compactRun(obj: Objective, spec: RunSpec): { obj: Objective; spec: RunSpec } | null {
  if (spec.method !== "dsgd" || spec.sketch.kind !== "identity" || !obj.compactTwin) return null;
  const twin = obj.compactTwin();
  const map = twin?.columns;
  if (!twin || !map) return null;
  if (spec.resume) {
    const arrays = { ...spec.resume.arrays };
    for (const name of COORDINATE_ARRAYS) {
      const a = arrays[name];
      if (!a) continue;
      // x and the sums are +0 off the twin; an averaging counter may hold one other value there (every full step moves it)
      const background = COUNTER_ARRAYS.includes(name) ? map.backgroundOf(a) : map.zeroOff(a) ? 0 : null;
      if (background === null) return null;
      arrays[name] = map.gather(a, background);
    }
    return { obj: twin, spec: { ...spec, resume: { ...spec.resume, arrays } } };
  }
  const x0 = spec.x0!;
  // the default x_0 is the shift, whose support the twin holds
  if (x0 !== obj.shift && !map.zeroOff(x0)) return null;
  return { obj: twin, spec: { ...spec, x0: x0 === obj.shift ? twin.shift : map.gather(x0) } };
}
