/**
 * The public types of distributed runs (paper, section 4.3): options, nodes, trace rows, communication, the result
 * and the theory constants.
 * @module
 */
import type { Dataset } from "../../data/dataset.js";
import type { Sketch } from "../../sketch/spec.js";
import type { MinimizeResult, TraceRow } from "../types.js";

/** One node of a heterogeneous run: its own shard and (optionally) its own sketch distribution D_i. */
export interface DistributedNode {
  /** The node's data shard (same number of columns as the problem). */
  data: Dataset;
  /** The node's sketch distribution D_i (default: the run's `sketch`, else `sketch.permutation(M)`). */
  sketch?: Sketch;
}

/** Options of `problem.minimize({ method: "distributed", … })`. */
export interface DistributedOptions {
  /** Selects the distributed method. */
  method: "distributed";
  /**
   * M, the number of nodes: the problem's n rows are cut into M contiguous shards, node i holding rows
   * ⌊i·n/M⌋ … ⌊(i+1)·n/M⌋ − 1. Or an array of nodes `{ data, sketch }`, each with its own shard and sketch.
   */
  nodes: number | DistributedNode[];
  /** Threads: 0 (default) runs every node in the calling thread; k ≥ 1 runs the nodes round-robin on min(k, M) workers. */
  workers?: number;
  /**
   * Node processes instead of threads: the URLs of `mast node` processes (workerd, or the Worker deployed to
   * Cloudflare); node i computes at endpoints[i mod E] (E ≤ M). Each node's shard is sent once, then each round the
   * sparse sub-model goes down and the sparse sketched gradient comes back, as binary over HTTP (fetch). Same bits as
   * threads. See docs/cluster.md.
   */
  endpoints?: string[];
  /** With `endpoints`: the node processes' token (`mast node --token`), sent as `Authorization: Bearer …`. */
  token?: string;
  /** With `endpoints`: how long a node may take to answer one request before the run fails (default 30000 ms). */
  nodeTimeoutMs?: number;
  /**
   * With `endpoints`: the HTTP client. "auto" (the default): Node's `node:http` with keep-alive sockets in Node (about a
   * quarter of `fetch`'s CPU a request there), `fetch` in every other runtime; "fetch": `fetch` everywhere. The bytes
   * and the bits are the same.
   */
  httpClient?: "auto" | "fetch";
  /** The sketch of every node without its own (default `sketch.permutation(M)`: IST; on a network with hidden layers
   *  `sketch.permutation(M, { over: "units" })`, IST over every hidden layer's units). Permutation sketches need M nodes. */
  sketch?: Sketch;
  /** γ: a number, "theory" (default: 1/√(D_max·T), see {@link distributedConstants}) or a schedule t ↦ γ_t. */
  stepSize?: number | "theory" | ((t: number) => number);
  /** T, the number of rounds (default 1000). */
  iterations?: number;
  /** "full" (option I: each node's gradient is over its whole shard; the only choice on data problems), or on a network
   *  τ rows of each node's shard a round (nice sampling, draw t·M + i; default min(64, maxBatch)). */
  batch?: "full" | number;
  /** Seed of the counter-based generator (default 0). */
  seed?: number;
  /** x_0 (default the shift v; on a network without a shift, `initialParameters(seed)`). */
  x0?: ArrayLike<number>;
  /** Record a trace row every this many rounds (default ⌈T/100⌉). */
  recordEvery?: number;
  /** Called with each trace row; return false to stop. */
  onProgress?: (row: DistributedTraceRow) => void | boolean;
  /**
   * Continue a distributed run from a result's (or a `DistributedError`'s) `checkpoint`: x, the round and the
   * communication counts. Same problem and nodes; `sketch`, `seed` and `stepSize` may be omitted (a schedule is given
   * again); `workers`, `endpoints` and the record settings are free. Ends on the bits of an uninterrupted run.
   */
  resumeFrom?: Uint8Array;
  /**
   * @internal For tests only: make node `node` fail at round `round`. `mode` "throw" (default): its computation throws;
   * "crash": an uncaught error kills its worker thread; "exit": its worker calls process.exit(1) (Node worker_threads;
   * elsewhere as "crash"). With `workers: 0` every mode throws.
   */
  failAt?: { node: number; round: number; mode?: "throw" | "crash" | "exit" };
}

/** A trace row of a distributed run: the DSGD row plus cumulative communication. */
export interface DistributedTraceRow extends TraceRow {
  /** f(x_t) = (1/M) Σ_i f_i(x_t), each f_i evaluated by its node over its shard. */
  f: number;
  /** Bytes sent coordinator → nodes in rounds 0 … t−1 (12 per sent entry). */
  bytesDown: number;
  /** Bytes sent nodes → coordinator in rounds 0 … t−1. */
  bytesUp: number;
  /** Bytes a dense exchange would have needed each way in those rounds: t·M·d·8. */
  denseBytes: number;
}

/** Bytes that crossed the wire as HTTP bodies in one call of a run over endpoints (the HTTP headers excluded). */
export interface WireCounts {
  /** Round requests: the sub-models' entries (12 bytes each) plus a frame of 48 bytes per node a round. */
  down: number;
  /** Round replies: the gradients' entries (12 bytes each) plus a frame of 24 bytes per node a round. */
  up: number;
  /** The shards and the nodes' settings, sent once at set-up. */
  shard: number;
  /** The f evaluations at record points and the theory constants (both ways), and the replies to set-up. */
  other: number;
  /** HTTP requests made. */
  requests: number;
}

/** Communication of a distributed run (sub-models down, sketched gradients up; the trace's f evaluations excluded). */
export interface Communication {
  /** Bytes per sent entry: a 4-byte index and an 8-byte value. */
  entryBytes: 12;
  /** down[t]: bytes coordinator → nodes in round t. */
  down: Float64Array;
  /** up[t]: bytes nodes → coordinator in round t. */
  up: Float64Array;
  /** Bytes a dense exchange needs per round, each way: M·d·8. */
  densePerRound: number;
  /** Per-node totals over the run. */
  perNode: {
    /** Bytes sent to node i. */
    down: Float64Array;
    /** Bytes node i sent back. */
    up: Float64Array;
  };
  /** Totals over the run: bytes each way, the dense counts and the ratios (sent / dense). */
  totals: {
    /** Bytes sent to the nodes. */
    down: number;
    /** Bytes sent back by the nodes. */
    up: number;
    /** Bytes a dense exchange would send each way. */
    dense: number;
    /** down / dense. */
    downRatio: number;
    /** up / dense. */
    upRatio: number;
  };
  /**
   * With `endpoints`: the HTTP body bytes of this call — rounds each way (the entries plus a fixed frame per node and
   * round), the shards (sent once, at set-up) and the rest (f evaluations, constants) — and the requests made.
   */
  wire?: WireCounts;
}

/** What a distributed run returns: the DSGD result plus communication and the set-up used. */
export interface DistributedResult extends MinimizeResult {
  trace: DistributedTraceRow[];
  /** The state at the last round (x, t, the communication counts), for `resumeFrom`. */
  checkpoint: Uint8Array;
  /** Bytes sent each way, against a dense exchange. */
  communication: Communication;
  /** M. */
  nodes: number;
  /** Threads used (0: the calling thread, or node processes). */
  workers: number;
  /**
   * Where the nodes computed: "none" (workers: 0, the calling thread), "worker_threads" (Node), "web" (Web Workers:
   * browsers, Deno, Bun) or "endpoints" (node processes over HTTP).
   */
  threads: "none" | "worker_threads" | "web" | "endpoints";
  /** The theory constants, when `stepSize: "theory"` was used. */
  constants?: DistributedConstants;
}

/** Theory constants of a distributed run (section 4.3), per node and combined. */
export interface DistributedConstants {
  /** M. */
  nodes: number;
  /** n_i, the rows of each shard. */
  rows: number[];
  /** L_{f_i}: smoothness of each node's f_i over its shard (power iteration, as `constants()`). */
  L: number[];
  /** L_{D_i} = λ_max(E[S_i²]). */
  LD: number[];
  /** μ_{D_i} = λ_min(E[S_i²]). */
  muD: number[];
  /** L_{S_i}^max = sup λ_max(S_i²). */
  LSmax: number[];
  /** D_max = max_i L_{f_i}² L_{D_i} L_{S_i}^max. */
  Dmax: number;
  /** T the step size is for. */
  iterations: number;
  /** The step size `stepSize: "theory"` uses: γ = 1/√(D_max·T) (nonconvex theorem of section 4.3; T ≥ 1). */
  stepSize: number;
  /** The convex-case step 1/(max_i L_{f_i} L_{S_i}^max) (by analogy with section 4.1; not used by "theory"). */
  convexStepSize: number;
  /** The γ the two coefficients below are evaluated at (opts.stepSize when a number was given, else stepSize). */
  gamma: number;
  /** 6/(γT): multiplies f_D(x_0) − f_D^inf in the bound. */
  startCoefficient: number;
  /** The error (neighbourhood) term: 2γ·D_max times f_D^inf − (1/M) Σ_i f_i^inf. */
  errorTerm: {
    /** 2γ·D_max. */
    coefficient: number;
    /** What it multiplies, in words. */
    multiplies: string;
    /** The term, as text. */
    bound: string;
  };
}
