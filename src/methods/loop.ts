/**
 * The one run loop every method shares: steps in chunks between record points, the trace, the stopping rules
 * (iterations, tolerance, time limit, the callback) and divergence. A method supplies a {@link Runner}.
 * @module
 */
import type { StopReason, TraceRow } from "./types.js";

/** What the loop needs from a method's run. */
export interface Runner<R extends TraceRow> {
  /** The most steps one `advance` call may take (a schedule's γ_t buffer), or Infinity. */
  readonly maxChunk: number;
  /** Take steps t .. t+steps−1; returns how many were taken (fewer only when a step would make x non-finite). */
  advance(t: number, steps: number): number | Promise<number>;
  /** The trace row at t, `ms` after the run started. */
  row(t: number, ms: number): R | Promise<R>;
  /** ‖∇f_D(x_t)‖, for the `tolerance` rule. */
  gradientNorm(): number;
  /** The error for a step refused at t (after `done` steps of the chunk were taken). */
  diverged(t: number, done: number): Error;
}

/** When to record and when to stop. */
export interface LoopSettings<R extends TraceRow> {
  t0: number;
  iterations: number;
  recordEvery: number;
  tolerance: number | null;
  timeLimitMs: number | null;
  onProgress: ((row: R) => void | boolean) | null;
  /** Told when the run gives the event loop a turn (false) and takes it back (true). */
  onActive?: (active: boolean) => void;
}

/** What the loop did. */
export interface LoopResult<R extends TraceRow> { t: number; trace: R[]; stoppedBy: StopReason }

/** How often a run with a time limit looks at the clock, at the latest (steps). */
const TIME_CHECK_STEPS = 1024;
/** A run gives the event loop a turn at least this often (ms), so that timers, I/O and a page's events keep going. */
const YIELD_MS = 16;
/** The first chunk of a run, before its speed is known, takes at most this many steps. */
const FIRST_CHUNK = 4096;

/** A macrotask turn: setImmediate (Node, Deno, Bun), a MessageChannel (browsers, workers), else a zero timeout. */
const yieldToEventLoop: () => Promise<void> = (() => {
  const g = globalThis as { setImmediate?: (f: () => void) => unknown; MessageChannel?: typeof MessageChannel };
  if (typeof g.setImmediate === "function") return () => new Promise<void>((r) => { g.setImmediate!(r); });
  if (typeof g.MessageChannel === "function") {
    return () => new Promise<void>((r) => {
      const ch = new g.MessageChannel!();
      ch.port1.onmessage = () => { ch.port1.close(); r(); };
      ch.port2.postMessage(null);
    });
  }
  return () => new Promise<void>((r) => setTimeout(r, 0));
})();

/**
 * runLoop(runner, settings): record x_{t0}, then take steps in chunks that end at every record point (t − t0 a multiple
 * of recordEvery, and T), record there, and stop at T, at ‖∇f_D‖ ≤ tolerance, at the time limit, or when the callback
 * returns false. A refused step throws the runner's divergence error. Chunks are also cut so that the event loop gets
 * a turn every YIELD_MS: where a run is cut into calls changes no bit of its iterates.
 */
export async function runLoop<R extends TraceRow>(runner: Runner<R>, s: LoopSettings<R>): Promise<LoopResult<R>> {
  const started = performance.now();
  const trace: R[] = [];
  let stoppedBy: StopReason = "iterations";
  const record = async (t: number): Promise<void> => {
    const row = await runner.row(t, performance.now() - started);
    if (s.tolerance !== null) row.gradNorm = runner.gradientNorm();
    trace.push(row);
    if (s.tolerance !== null && row.gradNorm! <= s.tolerance) stoppedBy = "tolerance";
    if (s.onProgress && s.onProgress(row) === false && stoppedBy === "iterations") stoppedBy = "callback";
  };
  const T = s.iterations;
  let t = s.t0;
  let lastYield = performance.now();
  let cap = FIRST_CHUNK;   // steps per call that keep a call near YIELD_MS (from the speed of the last call)
  await record(t);
  while (t < T && stoppedBy === "iterations") {
    let chunk = Math.min(s.recordEvery - ((t - s.t0) % s.recordEvery), T - t, runner.maxChunk, cap);
    if (s.timeLimitMs !== null) chunk = Math.min(chunk, TIME_CHECK_STEPS);
    const c0 = performance.now();
    const done = await runner.advance(t, chunk);
    const now = performance.now();
    t += done;
    if (done < chunk) throw runner.diverged(t, done);
    if (now - c0 > 1) cap = Math.max(1, Math.floor((done * YIELD_MS) / (now - c0)));
    else if (done === cap) cap *= 4;
    if (now - lastYield >= YIELD_MS) {
      s.onActive?.(false);
      await yieldToEventLoop();
      s.onActive?.(true);
      lastYield = performance.now();
    }
    if ((t - s.t0) % s.recordEvery === 0 || t === T) await record(t);
    if (stoppedBy === "iterations" && s.timeLimitMs !== null && performance.now() - started >= s.timeLimitMs) {
      stoppedBy = "time";
      if (trace[trace.length - 1].iteration !== t) await record(t);
    }
  }
  return { t, trace, stoppedBy };
}
