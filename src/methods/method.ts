/**
 * A method as a small descriptor (optax's init/update pair, adapted to a kernel that holds the state): set-up for a
 * run, steps, the state a checkpoint keeps and restores, and ‖∇f_D‖ for the stopping rule. The shared parts of a run
 * (configuration, the loop, checkpoints) are in run.ts and loop.ts.
 * @module
 */
import type { SketchSetWire } from "../sketch/set.js";
import type { Objective } from "./objective.js";
import type { RunSpec } from "./options.js";

/** What a method's functions get: the objective, the run and its finite sketch set (VR methods). */
export interface MethodContext { obj: Objective; spec: RunSpec; set: SketchSetWire | null }

/** A single-machine method: DSGD (section 4.1) or L-SVRG / SVRG (section 4.4). */
export interface MethodDescriptor {
  readonly name: "dsgd" | "lsvrg" | "svrg";
  /** Kernel set-up after the sampler, the seed and the data sampler are configured. */
  configure(c: MethodContext): void;
  /** Steps t .. t+steps−1 on x (buffers.x), γ of step t+s at `gamma(s)`; returns the steps taken (fewer: divergence). */
  advance(c: MethodContext, t: number, steps: number, gamma: (s: number) => number): number;
  /** ‖∇f_D(x)‖ at the current x (exact where a closed form or a finite set exists, else Monte Carlo). */
  gradientNorm(c: MethodContext, samples: number): number;
  /** Method state beyond x for a checkpoint: views into the kernel or copies (read at once, before it next allocates). */
  state(c: MethodContext): Record<string, Float64Array>;
  /** Put that state back (resuming). */
  restore(c: MethodContext, arrays: Record<string, Float64Array>): void;
}
