/**
 * Errors thrown by mast-wasm. Argument errors are plain `TypeError`/`RangeError` whose message names the parameter
 * and the value; the classes below carry extra fields for failures that happen while computing.
 * @module
 */

/** The kernels could not be loaded: the source could not be read, did not compile, or is not a mast-wasm module. */
export class LoadError extends Error {
  /** What was being loaded, and from where. */
  readonly source: string;
  /** Thrown by `init`; `cause` is the underlying error. */
  constructor(message: string, source: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "LoadError";
    this.source = source;
  }
}

/**
 * A wasm trap inside a kernel. The instance that trapped has been discarded and rebuilt, so the problem is usable —
 * unless the trap happened while the problem's data was being uploaded, which is final (see `message`).
 */
export class KernelError extends Error {
  /** Name of the kernel export that trapped, e.g. `"dsgdRun"`. */
  readonly kernel: string;
  /** The kernel's own failure code: 0 a plain trap (e.g. out of bounds), 1 an assertion, 2 out of memory, 3 bad state. */
  readonly code: number;
  /** Source line in assembly/ of the failed assertion, or 0. */
  readonly line: number;
  /** Thrown by the kernel wrapper; the message says what happened to the instance (`after`). */
  constructor(kernel: string, code: number, line: number, cause: unknown, after = "the wasm instance was rebuilt") {
    const what = ["trap", "assertion failed", "out of memory", "kernel called before set-up"][code] ?? "trap";
    super(`mast-wasm kernel ${kernel} failed (code ${code}: ${what}${line ? `, assembly line ${line}` : ""}); ${after}`, { cause });
    this.name = "KernelError";
    this.kernel = kernel;
    this.code = code;
    this.line = line;
  }
}

/**
 * A run that went non-finite: a step would have made x non-finite, f(x_t) was not finite at a record point, or a user
 * model returned a non-finite value or gradient. `lastIterate` is the last finite iterate. The message advises a step
 * size when one is known (the theory step), and says why not otherwise.
 */
export class DivergenceError extends Error {
  /** The step t at which the run went non-finite (x_{t+1} would have, or f(x_t) did). */
  readonly step: number;
  /** The step size that was in use at that step (NaN before any step was taken with a schedule). */
  readonly stepSize: number;
  /** The theory step size of the same problem, sketch and batch (section 4.1 of the paper), or NaN when none is known. */
  readonly suggestedStepSize: number;
  /** The last finite iterate. */
  readonly lastIterate: Float64Array;
  /**
   * Thrown by a run; the message names the method and the step and gives the advice.
   * @param what what went non-finite ("x became non-finite", "f(x) = Infinity", …)
   * @param noTheory why no theory step is known, when `suggested` is not a finite positive number
   */
  constructor(method: string, step: number, stepSize: number, suggested: number, lastIterate: Float64Array,
    what = "x became non-finite", noTheory = "no theory step size is known for this problem") {
    const known = Number.isFinite(suggested) && suggested > 0;
    const advice = known
      ? `try stepSize ≤ ${suggested.toPrecision(6)} (the theory step size, stepSize: "theory")`
      : `${noTheory}; try a smaller stepSize`;
    super(`${method} diverged at step ${step}: ${what} with stepSize ${stepSize}; ${advice}`);
    this.name = "DivergenceError";
    this.step = step;
    this.stepSize = stepSize;
    this.suggestedStepSize = known ? suggested : NaN;
    this.lastIterate = lastIterate;
  }
}
