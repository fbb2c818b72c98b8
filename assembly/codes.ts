// The codes that cross the host boundary and the generator's stream numbers: one table, mirrored by src/runtime/codes.ts
// (test/runtime/codes.test.ts checks that the two agree).

// Sketch families (sketchConfigure).
export const SKETCH_IDENTITY: i32 = 0;
export const SKETCH_BERNOULLI: i32 = 1;        // one p for every coordinate, scale 1/p, by geometric skips
export const SKETCH_BERNOULLI_VECTOR: i32 = 2;  // p_j per coordinate, scale 1/p_j, one draw per coordinate
export const SKETCH_RANDK: i32 = 3;             // uniform K-subset, scale d/K
export const SKETCH_PERMUTATION: i32 = 4;       // block of a random permutation of M⌈d/M⌉ slots, scale M

// Losses on the margin m with label b (setDataProblem).
export const LOSS_LOGISTIC: i32 = 0;   // φ = log(1 + exp(−b m))
export const LOSS_SQUARED: i32 = 1;    // φ = ½ (m − b)²

// Data samplers of option II (samplingConfigure).
export const SAMPLE_FULL: i32 = 0;         // all rows, w = 1, D = n (option I)
export const SAMPLE_NICE: i32 = 1;         // τ rows without replacement (Floyd), w = 1, D = τ
export const SAMPLE_UNIFORM: i32 = 2;      // τ rows i.i.d. uniform, w = 1, D = τ
export const SAMPLE_INDEPENDENT: i32 = 3;  // row i with probability p_i independently, w = 1/p_i, D = n
export const SAMPLE_IMPORTANCE: i32 = 4;   // τ rows i.i.d. with p_i (alias table), w = 1/(n p_i), D = τ

// Network activations (nnConfigure).
export const ACT_RELU: i32 = 0;
export const ACT_TANH: i32 = 1;

// Variance-reduced methods (vrConfigure).
export const VR_LSVRG: i32 = 0;
export const VR_SVRG: i32 = 1;

// Failure codes read by the host after a trap (errorCode).
export const ERR_ABORT: i32 = 1;   // an assert or throw inside a kernel
export const ERR_MEMORY: i32 = 2;  // memory.grow failed
export const ERR_STATE: i32 = 3;   // a kernel was called before its set-up call

// Step paths counted by pathCount (the fused one-row kernels and the general path).
export const PATH_GENERAL: i32 = 0;        // deltaFrom + gradientFromDelta + applySupportStep / vrUpdate
export const PATH_SINGLE_ROW: i32 = 1;     // singleRowStep
export const PATH_CSR_RANDK: i32 = 2;      // csrRandKStep
export const PATH_LAZY: i32 = 3;           // lazyIdentityRun, per step taken lazily
export const PATH_PAIRED: i32 = 4;         // pairedGradients (a VR step on one row)
export const PATH_VR_IDENTITY_CSR: i32 = 5; // identityCsrStep
export const PATH_COUNT: i32 = 6;

// Generator streams: a draw is a function of (seed, stream, step).
export const STREAM_SKETCH: u32 = 0;        // the sketch of step t (permutation: round ⌊t/M⌋; distributed: t·M + node)
export const STREAM_ROWS: u32 = 1;          // the data rows of step t (option II)
export const STREAM_MONTE_CARLO: u32 = 2;   // Monte Carlo f_D and ∇f_D estimates, step = sample
export const STREAM_POWER: u32 = 4;         // the power iteration's start vector
export const STREAM_SYN_FEATURES: u32 = 5;  // synthetic data: the features of row i
export const STREAM_SYN_WEIGHTS: u32 = 6;   // synthetic data: the planted weights
export const STREAM_SYN_LABELS: u32 = 7;    // synthetic data: the label of row i
export const STREAM_REFERENCE: u32 = 8;     // the reference minibatch of a VR refresh before step t
export const STREAM_REFRESH: u32 = 9;       // L-SVRG's refresh coin after step t
export const STREAM_SKETCH_SET: u32 = 10;   // member j of a sketch set drawn from a spec (its own seed)
export const STREAM_UNITS: u32 = 11;        // networks: the unit sketch of hidden layer l at step t (step index t·L + l − 1)
export const STREAM_INIT: u32 = 12;         // networks: initial parameters of layer l (step index l − 1)
export const STREAM_UNITS_MONTE_CARLO: u32 = 13; // networks: the unit sketch of Monte Carlo sample s (as stream 11, step s)
export const STREAM_UNITS_SET: u32 = 14;    // networks: member j of a unit sketch set (its own seed; as stream 11, step j)
export const STREAM_PRUNE: u32 = 16;        // random pruning masks (drawn in TypeScript, src/tools/prune.ts)
export const STREAM_SPLIT: u32 = 17;        // the permutation of Dataset.split({ testFraction }) (drawn in TypeScript)
