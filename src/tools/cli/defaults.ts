/**
 * `mast train`'s defaults, in one place so that the help text, the flag checks and the run agree.
 * @module
 */

/** The built-in data set: a planted sparse logistic problem shaped like a5a. */
export const DEFAULT_SYNTHETIC = { rows: 6414, cols: 123, density: 14 / 123, seed: 0 } as const;
/** λ of the linear model. */
export const DEFAULT_L2 = 1e-4;
/** λ of a network: 0, as in `mast.network` (a network's usual regulariser is the sketch itself, e.g. dropout). */
export const DEFAULT_NETWORK_L2 = 0;
/** Steps default to this many passes over the training rows (⌈E·n/τ⌉). */
export const DEFAULT_EPOCHS = 10;
/** Steps of a full-batch or distributed run when none are given. */
export const DEFAULT_FULL_BATCH_ITERATIONS = 1000;
/** Sketches in the Monte Carlo estimate of f_D(x_T) for the linear model (each costs one pass over the sparse rows). */
export const DEFAULT_SAMPLES = 200;
/** The same for networks: each sketch costs a forward pass of every training row through the network, which on
 *  MNIST-sized data is as much work as an epoch of training, so far fewer. */
export const DEFAULT_NETWORK_SAMPLES = 10;
/** Nodes of a distributed run. */
export const DEFAULT_NODES = 2;
/** A network's minibatch τ (at most n): `mast.network`'s own default. */
export const DEFAULT_NETWORK_BATCH = 64;
/** A network's `maxBatch` (the rows its scratch holds) when --max-batch is not given: the library's 256, or τ if larger. */
export const DEFAULT_MAX_BATCH = 256;
/** The sketch of an MLP: dropout on the hidden units. */
export const DEFAULT_MLP_SKETCH = "bernoulli:0.5:units";
