/**
 * The help texts of `mast` and `mast train` (docs/cli.md says the same at more length).
 * @module
 */
import { DEFAULT_FULL_BATCH_ITERATIONS, DEFAULT_NODES, DEFAULT_SAMPLES } from "./defaults.js";

export const MAIN_HELP = `mast — Model-Agnostic Sparsified Training (MAST) in deterministic WebAssembly

Usage:
  mast train [flags]     minimise f_D(x) = E_S f(v + S(x − v)) with Double Sketched SGD
  mast train --help      the flags of train
  mast repro [--build scalar] [--json]
                         check the golden digests in this runtime (exit 1 on any drift)
  mast --version         print the version

Run \`mast train\` with no flags for a demo on a built-in synthetic data set.
`;

export const TRAIN_HELP = `Usage: mast train [flags]

Minimise the MAST objective f_D(x) = E_S f(v + S(x − v)) (shift v = 0) of
f(x) = (1/n) Σ φ(a_iᵀx, b_i) + λ/2 ‖x‖² with Double Sketched SGD.

Data
  --data FILE           LibSVM/svmlight training file, optionally gzipped (.gz).
                        Default: a built-in synthetic data set shaped like a5a
                        (6414 rows, 123 binary features, ~14 non-zeros a row, seed 0)
  --test FILE           LibSVM test file (same number of features as the training set);
                        reports test f and, for the logistic loss, test accuracy
  --features D          number of features of --data (default: the largest index seen)

Problem
  --loss NAME           logistic (default; labels ±1 or 0/1) or squared
  --l2 λ                ℓ2 weight λ ≥ 0 (default 1e-4)
  --sketch SPEC         identity | bernoulli:p | randk:K | permutation:M
                        (default randk:K with K = round(d/2))

Method
  --method NAME         dsgd (default): Double Sketched SGD, Algorithm 1;
                        lsvrg: loopless SVRG on a finite sketch set (L-SVRDSG, §4.4);
                        svrg: loopy SVRG with a snapshot every --snapshot-every steps;
                        distributed: distributed DSGD over --nodes nodes (§4.3); with
                        permutation sketches (the default) this is independent
                        subnetwork training (IST)
  --nodes M             distributed: cut the rows into M contiguous shards, one a node
                        (default ${DEFAULT_NODES}); every node uses --sketch (default permutation:M)
  --workers K           distributed: run the nodes on K worker threads, 0..64 (default 0:
                        all in the main thread); every K gives the same bits
  --sampling NAME       how --batch rows are drawn: nice (default, without replacement),
                        uniform (i.i.d.) or importance (i.i.d. with p_i ∝ L_i)
  --sketch-set N[:s]    lsvrg/svrg: N sketches drawn once from --sketch with seed s (default 100:0)
  --reference-batch b   lsvrg/svrg: sketches in the reference gradient (default N: exact)
  --refresh-probability p  lsvrg: refresh probability in (0, 1] (default 1/b)
  --snapshot-every m    svrg: steps between snapshots (default 2b)
  --tolerance ε         stop when ‖∇f_D(x_t)‖ ≤ ε at a record point
  --time-limit MS       stop after MS milliseconds
  --iterations T        number of steps (rounds) T ≥ 0 (default 10 epochs: ⌈10·n/τ⌉ steps,
                        or ${DEFAULT_FULL_BATCH_ITERATIONS} with --batch full or --method distributed)
  --batch τ|full        rows sampled per step, or full for the full-data gradient (default 1;
                        distributed: full, each node its whole shard)
  --step theory|γ       step size: the theory step 1/(L_exp·L_S^max) (default; distributed:
                        1/√(D_max·T), section 4.3) or γ > 0
  --seed S              seed of the counter-based generator, an integer ≥ 0 (default 0)
  --record-every K      record f(x_t) every K steps (default ⌈T/100⌉)

Output
  --samples M           sketches for the Monte Carlo estimate of f_D(x_T) (default ${DEFAULT_SAMPLES})
  --json FILE           write settings, constants, summary, digest and the whole trace as JSON
  --quiet               print the summary only (no header, no progress bar)
  -h, --help            show this help

Exit codes: 0 done, 1 the run diverged (or an internal error), 2 a bad flag, value or file.
`;
