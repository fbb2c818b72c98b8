/**
 * `mast train`'s defaults, in one place so that the help text, the flag checks and the run agree.
 * @module
 */

/** The built-in data set: a planted sparse logistic problem shaped like a5a. */
export const DEFAULT_SYNTHETIC = { rows: 6414, cols: 123, density: 14 / 123, seed: 0 } as const;
/** λ of the linear model. */
export const DEFAULT_L2 = 1e-4;
/** Steps default to this many passes over the training rows (⌈E·n/τ⌉). */
export const DEFAULT_EPOCHS = 10;
/** Steps of a full-batch or distributed run when none are given. */
export const DEFAULT_FULL_BATCH_ITERATIONS = 1000;
/** Sketches in the Monte Carlo estimate of f_D(x_T). */
export const DEFAULT_SAMPLES = 200;
/** Nodes of a distributed run. */
export const DEFAULT_NODES = 2;
