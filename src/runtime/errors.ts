/**
 * Errors thrown by mast-wasm. Argument errors are plain `TypeError`/`RangeError` whose message names the parameter
 * and the value; the classes below carry extra fields for failures that happen while computing.
 * @module
 */

/** A wasm trap inside a kernel. The instance that trapped has been discarded and rebuilt; the problem is usable. */
export class KernelError extends Error {
  /** Name of the kernel export that trapped, e.g. `"dsgdRun"`. */
  readonly kernel: string;
  /** The kernel's own failure code: 0 a plain trap (e.g. out of bounds), 1 an assertion, 2 out of memory, 3 bad state. */
  readonly code: number;
  /** Source line in assembly/ of the failed assertion, or 0. */
  readonly line: number;
  constructor(kernel: string, code: number, line: number, cause: unknown) {
    const what = ["trap", "assertion failed", "out of memory", "kernel called before set-up"][code] ?? "trap";
    super(`mast-wasm kernel ${kernel} failed (code ${code}: ${what}${line ? `, assembly line ${line}` : ""}); the wasm instance was rebuilt`, { cause });
    this.name = "KernelError";
    this.kernel = kernel;
    this.code = code;
    this.line = line;
  }
}

/** A run that produced a non-finite iterate. `lastIterate` is x at `step`, the last finite iterate. */
export class DivergenceError extends Error {
  /** The step t at which x_{t+1} would have had a non-finite coordinate. */
  readonly step: number;
  /** The step size that was in use at that step. */
  readonly stepSize: number;
  /** The theory step size of the same problem, sketch and batch (section 4.1 of the paper). */
  readonly suggestedStepSize: number;
  /** The last finite iterate, x_step. */
  readonly lastIterate: Float64Array;
  constructor(method: string, step: number, stepSize: number, suggested: number, lastIterate: Float64Array) {
    super(`${method} diverged at step ${step}: x became non-finite with stepSize ${stepSize}; ` +
      `try stepSize ≤ ${suggested.toPrecision(6)} (the theory step size, stepSize: "theory")`);
    this.name = "DivergenceError";
    this.step = step;
    this.stepSize = stepSize;
    this.suggestedStepSize = suggested;
    this.lastIterate = lastIterate;
  }
}
