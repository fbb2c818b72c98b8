/**
 * The help texts of `mast` and `mast train` (docs/cli.md says the same at more length).
 * @module
 */
import {
  DEFAULT_FULL_BATCH_ITERATIONS, DEFAULT_MAX_BATCH, DEFAULT_MLP_SKETCH, DEFAULT_NETWORK_BATCH, DEFAULT_NETWORK_SAMPLES,
  DEFAULT_NODES, DEFAULT_SAMPLES,
} from "./defaults.js";

export const MAIN_HELP = `mast — Model-Agnostic Sparsified Training (MAST) in deterministic WebAssembly

Usage:
  mast train [flags]     minimise f_D(x) = E_S f(v + S(x − v)) with Double Sketched SGD
                         (a linear model, or a softmax network with --model)
  mast train --help      the flags of train
  mast node [--port P] [--token T]
                         run a node process of distributed runs (workerd) and print its URL
  mast repro [--build scalar] [--json]
                         check the golden digests in this runtime (exit 1 on any drift)
  mast --version         print the version

Run \`mast train\` with no flags for a demo on a built-in synthetic data set.
`;

export const TRAIN_HELP = `Usage: mast train [flags]

Minimise the MAST objective f_D(x) = E_S f(v + S(x − v)) (shift v = 0) with Double Sketched SGD,
for the linear model f(x) = (1/n) Σ φ(a_iᵀx, b_i) + λ/2 ‖x‖² (the default) or a softmax
network f(x) = (1/n) Σ CE(softmax(net_x(a_i)), c_i) + λ/2 ‖W‖² (--model softmax or mlp:…).

Data
  --data FILE           LibSVM/svmlight training file, optionally gzipped (.gz); with --labels,
                        an IDX image file (MNIST's format, gzip accepted, pixels scaled to [0, 1]).
                        Default: a built-in synthetic data set shaped like a5a
                        (6414 rows, 123 binary features, ~14 non-zeros a row, seed 0).
                        A bare name (a9a, a9a.t) is looked up in $MAST_DATA/libsvm and
                        ../shared/data/libsvm, with or without .gz
  --labels FILE         IDX label file of --data (--data is then IDX images; networks only)
  --test FILE           test file in the format of --data, with the same number of features;
                        reports test accuracy (linear: and test f; squared loss: test f only)
  --test-labels FILE    IDX label file of --test (with --labels)
  --split-at N          train on the first N rows of --data and test on the rest
  --test-fraction q[:s] test on ⌈q·n⌉ rows of --data drawn by a permutation with seed s
                        (default 0), train on the rest; 0 < q < 1
  --features D          number of features of a LibSVM --data (default: the largest index seen)

Model
  --model NAME          linear (default; with --labels: softmax): the binary linear model of --loss;
                        softmax: multinomial logistic regression (a network without hidden layers);
                        mlp:W1,W2,…: a softmax network with hidden layers of widths W1, W2, …
                        Networks need integer class labels (any number of classes).
  --activation NAME     mlp: the hidden layers' activation, relu (default) or tanh
  --max-batch N         networks: the most rows a step may take, 1..65536 (default ${DEFAULT_MAX_BATCH}, or τ if larger)
  --loss NAME           linear: logistic (default; labels ±1 or 0/1) or squared
  --intercept           linear: fit an unpenalised intercept b, x's last entry (every sketch keeps it)
  --l2 λ                ℓ2 weight λ ≥ 0 (default 1e-4; networks 0, on the weights only)
  --sketch SPEC         identity | bernoulli:p | randk:K | permutation:M over the coordinates of x
                        (a network's parameters); SPEC:units sketches an MLP's hidden units instead
                        (bernoulli:0.5:units is dropout, permutation:M:units IST).
                        Default randk:K with K = round(d/2); mlp: ${DEFAULT_MLP_SKETCH}. The library's
                        default is the identity: this command shows MAST, a sparsifying sketch
                        (docs/cli.md says why the two differ)

Method
  --method NAME         dsgd (default): Double Sketched SGD, Algorithm 1;
                        lsvrg: loopless SVRG on a finite sketch set (L-SVRDSG, §4.4);
                        svrg: loopy SVRG with a snapshot every --snapshot-every steps;
                        distributed: distributed DSGD over --nodes nodes (§4.3); with
                        permutation sketches (the default) this is independent
                        subnetwork training (IST)
  --nodes M             distributed: cut the rows into M contiguous shards, one a node
                        (default ${DEFAULT_NODES}); every node uses --sketch (default permutation:M;
                        an mlp: permutation:M:units, with --batch τ rows a node a round)
  --workers K           distributed: run the nodes on K worker threads, 0..64 (default 0:
                        all in the main thread); every K gives the same bits
  --endpoints URL,…     distributed: run the nodes in node processes (mast node) at these
                        URLs instead, node i at URL i mod E; the same bits as threads
  --token T             distributed: the node processes' token (also read from $MAST_TOKEN)
  --node-timeout MS     distributed: fail when a node process takes longer than MS to answer
                        (default 30000)
  --sampling NAME       how --batch rows are drawn: nice (default, without replacement),
                        uniform (i.i.d.) or importance (i.i.d. with p_i ∝ L_i; not for mlp)
  --sketch-set N[:s]    lsvrg/svrg: N sketches drawn once from --sketch with seed s (default 100:0)
  --reference-batch b   lsvrg/svrg: sketches in the reference gradient (default N: exact)
  --refresh-probability p  lsvrg: refresh probability in (0, 1] (default 1/b)
  --snapshot-every m    svrg: steps between snapshots (default 2b)
  --tolerance ε         stop when ‖∇f_D(x_t)‖ ≤ ε at a record point (linear only)
  --time-limit MS       stop after MS milliseconds
  --iterations T        number of steps (rounds) T ≥ 0 (default 10 epochs: ⌈10·n/τ⌉ steps,
                        or ${DEFAULT_FULL_BATCH_ITERATIONS} with --batch full or --method distributed)
  --epochs E            passes over the training rows instead of --iterations: ⌈E·n/τ⌉ steps
                        (E steps, rounded up, with --batch full or --method distributed); E > 0
  --batch τ|full        rows sampled per step, or full for the full-data gradient (default 1;
                        distributed: full, each node its whole shard; networks: ${DEFAULT_NETWORK_BATCH}, never full)
  --step theory|switching|γ  step size: the theory step 1/(L_exp·L_S^max) (default; distributed:
                        1/√(D_max·T), section 4.3), switching (Gower et al. 2019: 1/(2ℒ), then
                        O(1/t); linear only) or γ > 0. mlp: give γ (no theory step size is
                        known for a network with hidden layers)
  --average KIND        what x_T is: auto (default: weighted for stochastic DSGD, the last
                        iterate otherwise), weighted, all, tail, from:N, or none (the last iterate)
  --seed S              seed of the counter-based generator, an integer ≥ 0 (default 0)
  --record-every K      record f(x_t) every K steps (default ⌈T/100⌉; networks: every epoch,
                        ⌈n/τ⌉ steps, since a record is a pass of every row through the network)

Output
  --samples M           sketches for the Monte Carlo estimate of f_D(x_T) (default ${DEFAULT_SAMPLES};
                        networks ${DEFAULT_NETWORK_SAMPLES})
  --json FILE           write settings, constants, summary, digest and the whole trace as JSON
  --checkpoint FILE     where Ctrl-C writes the run's checkpoint (default mast-checkpoint.bin)
  --resume FILE         continue from a checkpoint (the same flags otherwise): the run ends on
                        the digest of the uninterrupted run (linear model)
  --quiet               print the summary only (no header, no progress bar)
  -h, --help            show this help

Ctrl-C stops at the next record point, prints the summary so far and writes the checkpoint
(a second Ctrl-C exits at once). The summary puts the ERM optimum (Newton, d ≤ 2000) next to
the result.

Exit codes: 0 done, 1 the run diverged (or an internal error), 2 a bad flag, value or file,
130 stopped by Ctrl-C (with a checkpoint).
`;
