/**
 * The codes that cross the wasm boundary and the generator's stream numbers: the TypeScript side of
 * assembly/codes.ts (test/runtime/codes.test.ts checks that the two tables agree).
 * @module
 */

/** Sketch families, as `sketchConfigure` takes them. */
export const SKETCH = { identity: 0, bernoulli: 1, bernoulliVector: 2, randK: 3, permutation: 4 } as const;
/** Losses on the margin, as `setDataProblem` takes them. */
export const LOSS = { logistic: 0, squared: 1 } as const;
/** Data samplers of option II, as `samplingConfigure` takes them. */
export const SAMPLE = { full: 0, nice: 1, uniform: 2, independent: 3, importance: 4 } as const;
/** Network activations, as `nnConfigure` takes them. */
export const ACT = { relu: 0, tanh: 1 } as const;
/** Variance-reduced methods, as `vrConfigure` takes them. */
export const VR = { lsvrg: 0, svrg: 1 } as const;
/** Failure codes read after a trap (`errorCode`). */
export const ERR = { abort: 1, memory: 2, state: 3 } as const;
/** Step paths counted by `pathCount`: the general path and each fused one-row kernel. */
export const PATH = { general: 0, singleRow: 1, csrRandK: 2, lazy: 3, paired: 4, vrIdentityCsr: 5 } as const;
/** Generator streams: a draw is a function of (seed, stream, step). */
export const STREAM = {
  sketch: 0, rows: 1, monteCarlo: 2, power: 4, synFeatures: 5, synWeights: 6, synLabels: 7,
  reference: 8, refresh: 9, sketchSet: 10, units: 11, init: 12, unitsMonteCarlo: 13, unitsSet: 14, prune: 16, split: 17,
} as const;
