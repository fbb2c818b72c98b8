/**
 * Distributed Double Sketched GD and independent subnetwork training (IST), paper section 4.3: the coordinator.
 *
 * M nodes each hold the shift v, a data shard with loss f_i (+ λ/2‖x‖²) and a sketch distribution D_i; the objective is
 * f(x) = (1/M) Σ_i f_i(x) and the MAST objective f_D(x) = (1/M) Σ_i E f_i(v + S_i(x − v)). A round t:
 *
 *   1. the coordinator draws S_i^t for every node (node i at round t uses draw t·M + i of the sketch stream; for
 *      `sketch.permutation(M)` that is block i of the one permutation drawn for round t, so the blocks partition the
 *      coordinates: IST);
 *   2. it sends node i only the entries (j, y_j) of its sub-model y_i = v + S_i(x − v) with y_j ≠ v_j (4-byte index +
 *      8-byte value each). The sketch itself is never sent: node i redraws S_i^t from the shared seed, which gives the
 *      same support and scales (the generator is counter-based);
 *   3. node i forms δ = y_i − v on supp S_i^t, computes g_i = S_i ∇f_i(y_i) on that support over its whole shard
 *      (option I, the `supportGradient` kernel) and returns the non-zero entries (j, g_ij);
 *   4. the coordinator sums in node order and steps: acc_j = (…((g_{i1,j} + g_{i2,j}) + g_{i3,j}) …) over the nodes
 *      i1 < i2 < … that returned j, then x_j ← x_j − γ_t · (acc_j / M) for every returned j.
 *
 * Every number a node computes depends only on (module, shard, v, seed, t, i, the entries it receives), and step 4 fixes
 * the order of every floating-point operation on the coordinator, so `workers: 0` (every node its own wasm instance in
 * the calling thread) and `workers: k` (nodes round-robin on k threads) give bit-identical iterates.
 * @module
 */
import { DivergenceError } from "../../runtime/errors.js";
import { Kernel } from "../../runtime/kernel.js";
import { digestF64Async } from "../../runtime/digest.js";
import { encodeCheckpoint } from "../../runtime/checkpoint.js";
import { positive } from "../../runtime/validate.js";
import { STREAM } from "../../runtime/codes.js";
import { type Sketch, isUnitSketch } from "../../sketch/spec.js";
import { sketchWire } from "../../sketch/wire.js";
import { ACT, SKETCH } from "../../runtime/codes.js";
import type { Objective } from "../objective.js";
import { runLoop, type Runner } from "../loop.js";
import type { Communication, DistributedConstants, DistributedResult, DistributedTraceRow } from "./types.js";
import type { SharedSpec } from "./node.js";
import { DISTRIBUTED_FORMAT, type DistributedSpec, dataOf, distributedSpec, planSettings, sharedSpec } from "./options.js";
import { combine } from "./constants.js";
import { type Backend, localBackend } from "./backend.js";
import { workerBackend } from "./threads.js";
import { httpBackend } from "./http.js";
import { DistributedError } from "./errors.js";

/** The supports the coordinator draws: T of draw `step` (a view, valid until the next call). */
interface SupportSampler { sample(step: number): { T: Int32Array; s: Float64Array | null } }

/** Coordinator-side sampler of one sketch distribution: its own small wasm instance. */
class Sampler implements SupportSampler {
  private readonly k: Kernel;
  constructor(module: WebAssembly.Module, d: number, sk: Sketch, seed: [number, number], pinned = 0) {
    const k = (this.k = new Kernel(module));
    const w = sketchWire(sk);
    k.call("sketchWorkspace", (ex) => { ex.sketchWorkspace(d); if (pinned > 0) ex.sketchPin(pinned); });
    const probs = w.probs ? k.putF64(w.probs) : 0;
    k.call("sketchConfigure", (ex) => { ex.sketchConfigure(w.code, w.k, w.p, probs); ex.setSeed(seed[0], seed[1]); ex.setSketchStream(STREAM.sketch); });
  }
  /** sample(step): the support T and scales s of draw `step` (views, valid until the next call). */
  sample(step: number): { T: Int32Array; s: Float64Array } {
    const k = this.k;
    const m = k.call("sketchSample", (ex) => ex.sketchSample(step));
    return { T: k.i32(k.ex.supportPtr(), m), s: k.f64(k.ex.scalePtr(), m) };
  }
}

/**
 * Coordinator-side sampler of a unit sketch over a network's hidden units (stream 11, draw `step`): the support is the
 * kept units' incoming weights and biases, layer by layer, and the whole output layer — the subnetwork's parameters.
 */
class UnitSampler implements SupportSampler {
  private readonly k: Kernel;
  private readonly T: Int32Array;
  constructor(module: WebAssembly.Module, private readonly layout: readonly number[], sk: Sketch, seed: [number, number]) {
    const k = (this.k = new Kernel(module));
    const L = layout.length - 2;
    const pSizes = k.putI32(layout);
    const d = k.call("nnConfigure", (ex) => ex.nnConfigure(pSizes, L, ACT.relu, 0, 1));
    this.T = new Int32Array(d);
    const code = sk.kind === "bernoulli" ? SKETCH.bernoulli : sk.kind === "randK" ? SKETCH.randK : SKETCH.permutation;
    const param = sk.kind === "bernoulli" ? (sk.p as number) : sk.kind === "randK" ? sk.k : sk.kind === "permutation" ? sk.nodes : 1;
    k.call("nnSketchUnits", (ex) => { ex.nnSketchUnits(code, param, 0); ex.setSeed(seed[0], seed[1]); });
  }
  sample(step: number): { T: Int32Array; s: null } {
    const k = this.k, layout = this.layout, L = layout.length - 2, T = this.T;
    k.call("nnSampleUnits", (ex) => ex.nnSampleUnits(step));
    let e = 0, o = 0;
    for (let l = 1; l <= L + 1; l++) {
      const rows = layout[l], cols = layout[l - 1], bias = o + rows * cols;
      const kept = l <= L ? k.i32(k.ex.nnKeptPtr(l), k.ex.nnKeptCount(l)) : null;
      const m = kept ? kept.length : rows;
      for (let q = 0; q < m; q++) { const j = kept ? kept[q] : q; for (let c = 0; c < cols; c++) T[e++] = o + j * cols + c; }
      for (let q = 0; q < m; q++) T[e++] = bias + (kept ? kept[q] : q);
      o = bias + rows;
    }
    return { T: T.subarray(0, e), s: null };
  }
}

/**
 * The coordinator's state across rounds: x, the sums of a round, and the communication counts. A round changes the
 * state only once every node has answered (and no coordinate would become non-finite), so after a failure the state
 * is that of the last completed round: what a checkpoint holds.
 */
class Coordinator {
  readonly x: Float64Array;
  private readonly acc: Float64Array;
  private readonly next: Float64Array;
  private readonly seen: Uint8Array;
  private readonly touched: Int32Array;
  readonly down: Float64Array;
  readonly up: Float64Array;
  readonly nodeDown: Float64Array;
  readonly nodeUp: Float64Array;
  /** Rounds completed (the t of the state). */
  done: number;
  sentDown = 0;
  sentUp = 0;
  /** Coordinates touched in this call (sampled supports and updated coordinates). */
  coords = 0;
  private readonly samplerOf: SupportSampler[];
  /** Networks: x is f32, nodes get x on their support (they form y themselves) and the step is in f32. */
  private readonly network: boolean;
  private readonly subIdx: Int32Array[];
  private readonly subVal: Float64Array[];
  private readonly scratchIdx: Int32Array[];
  private readonly scratchVal: Float64Array[];
  /** Node i's bytes down in the round under way (committed with the round). */
  private readonly pendingDown: Float64Array;

  constructor(private readonly problem: Objective, private readonly c: DistributedSpec, private readonly backend: Backend) {
    const d = problem.dimension, M = c.plan.M;
    this.x = Float64Array.from(c.resume ? c.resume.x : c.x0);
    this.done = c.t0;
    this.acc = new Float64Array(d); this.next = new Float64Array(d);
    this.seen = new Uint8Array(d); this.touched = new Int32Array(d);
    this.down = new Float64Array(c.T); this.up = new Float64Array(c.T);
    this.nodeDown = new Float64Array(M); this.nodeUp = new Float64Array(M);
    this.pendingDown = new Float64Array(M);
    if (c.resume) {
      const r = c.resume;
      this.down.set(r.down); this.up.set(r.up); this.nodeDown.set(r.nodeDown); this.nodeUp.set(r.nodeUp);
      for (let t = 0; t < c.t0; t++) { this.sentDown += r.down[t]; this.sentUp += r.up[t]; }
    }
    // one sampler per distinct distribution (a permutation is drawn once per round for all its nodes)
    this.network = problem.network !== null;
    const samplers = new Map<string, SupportSampler>();
    this.samplerOf = c.plan.specs.map((s) => {
      const key = JSON.stringify(s.sketch);
      if (!samplers.has(key)) {
        samplers.set(key, isUnitSketch(s.sketch) ? new UnitSampler(problem.module, problem.layout!, s.sketch, c.seed)
          : new Sampler(problem.module, d, s.sketch, c.seed, d - problem.sketchDimension));
      }
      return samplers.get(key)!;
    });
    this.subIdx = new Array(M); this.subVal = new Array(M);
    // scratch for the sub-models when the nodes run here (workers get fresh arrays they take ownership of)
    const local = backend.threads === "none";
    this.scratchIdx = local ? c.plan.specs.map(() => new Int32Array(d)) : [];
    this.scratchVal = local ? c.plan.specs.map(() => new Float64Array(d)) : [];
  }

  /** checkpoint(gamma): the state after the last completed round, for `resumeFrom`. */
  checkpoint(gamma: number): Uint8Array {
    const c = this.c, t = this.done;
    return encodeCheckpoint({
      format: DISTRIBUTED_FORMAT, dimension: this.problem.dimension, fingerprint: this.problem.fingerprint(), t,
      settings: { method: "distributed", ...planSettings(c.plan), batch: c.batch, seed: c.seedValue, stepRule: c.stepRule, stepSize: c.stepRule === "schedule" ? "schedule" : gamma },
    }, { x: this.x, down: this.down.subarray(0, t), up: this.up.subarray(0, t), nodeDown: this.nodeDown, nodeUp: this.nodeUp });
  }

  /** Steps 1–2 of round t: draw S_i^t and cut out the sub-model entries y_j ≠ v_j, in support order. */
  private subModels(t: number): { roundDown: number; coords: number } {
    const v = this.problem.shift, x = this.x, M = this.c.plan.M;
    const local = this.scratchIdx.length > 0;
    let roundDown = 0, coords = 0;
    for (let i = 0; i < M; i++) {
      const { T: supp, s } = this.samplerOf[i].sample(t * M + i);
      const m = supp.length;
      const bi = local ? this.scratchIdx[i] : new Int32Array(m), bv = local ? this.scratchVal[i] : new Float64Array(m);
      let e = 0;
      if (this.network) {
        // a network node forms y itself from x on its support (its f32 y is then a single-machine step's)
        for (let q = 0; q < m; q++) { const j = supp[q]; bi[e] = j; bv[e] = x[j]; e++; }
      } else {
        for (let q = 0; q < m; q++) {
          const j = supp[q];
          const y = v[j] + s![q] * (x[j] - v[j]);
          if (y !== v[j]) { bi[e] = j; bv[e] = y; e++; }
        }
      }
      coords += m;
      this.subIdx[i] = local ? bi.subarray(0, e) : e === m ? bi : bi.slice(0, e);
      this.subVal[i] = local ? bv.subarray(0, e) : e === m ? bv : bv.slice(0, e);
      this.pendingDown[i] = 12 * e;
      roundDown += 12 * e;
    }
    return { roundDown, coords };
  }

  /** Round t with step γ: returns false (x unchanged) when a coordinate would become non-finite. */
  async round(t: number, g: number): Promise<boolean> {
    const M = this.c.plan.M, x = this.x, acc = this.acc, next = this.next, seen = this.seen, touched = this.touched;
    const { roundDown, coords } = this.subModels(t);
    // 3. the nodes' sketched gradients
    const replies = await this.backend.round(t, this.subIdx, this.subVal);
    // 4. sum in node order, then step
    let nt = 0, roundUp = 0;
    for (let i = 0; i < M; i++) {
      const { idx, val } = replies[i];
      const n = idx.length;
      roundUp += 12 * n;
      const f32 = this.network;
      for (let r = 0; r < n; r++) {
        const j = idx[r];
        if (seen[j] === 0) { seen[j] = 1; touched[nt++] = j; acc[j] = val[r]; } else acc[j] = f32 ? Math.fround(acc[j] + val[r]) : acc[j] + val[r];
      }
    }
    let ok = true;
    if (this.network) {
      // f32: x_j ← x_j − γ₃₂·(acc_j / M), each operation rounded (M = 1: the single-machine update)
      const g32 = Math.fround(g);
      for (let q = 0; q < nt; q++) {
        const j = touched[q];
        const nx = Math.fround(x[j] - Math.fround(g32 * Math.fround(acc[j] / M)));
        if (!Number.isFinite(nx)) ok = false;
        next[j] = nx;
      }
    } else {
      for (let q = 0; q < nt; q++) {
        const j = touched[q];
        const nx = x[j] - g * (acc[j] / M);
        if (!Number.isFinite(nx)) ok = false;
        next[j] = nx;
      }
    }
    if (!ok) return false;
    for (let q = 0; q < nt; q++) { const j = touched[q]; x[j] = next[j]; seen[j] = 0; }
    for (let i = 0; i < M; i++) { this.nodeDown[i] += this.pendingDown[i]; this.nodeUp[i] += 12 * replies[i].idx.length; }
    this.coords += coords + nt;
    this.done = t + 1;
    this.down[t] = roundDown;
    this.up[t] = roundUp;
    this.sentDown += roundDown;
    this.sentUp += roundUp;
    return true;
  }

  /** The communication of rounds 0 … t−1. */
  communication(t: number): Communication {
    const densePerRound = this.c.plan.M * this.problem.dimension * 8;
    const dense = t * densePerRound;
    return {
      entryBytes: 12,
      down: this.down.slice(0, t), up: this.up.slice(0, t), densePerRound,
      perNode: { down: this.nodeDown, up: this.nodeUp },
      totals: { down: this.sentDown, up: this.sentUp, dense, downRatio: dense > 0 ? this.sentDown / dense : 0, upRatio: dense > 0 ? this.sentUp / dense : 0 },
    };
  }
}

/** backendFor(problem, c, shared): where the nodes compute — the calling thread, worker threads or node processes. */
async function backendFor(problem: Objective & { build: "simd" | "scalar" }, c: DistributedSpec, shared: SharedSpec): Promise<Backend> {
  const specs = c.plan.specs;
  if (c.endpoints !== null) return httpBackend(problem, specs, shared, c.endpoints, { token: c.token, timeoutMs: c.nodeTimeoutMs, httpClient: c.httpClient });
  if (c.workers === 0) return localBackend(problem, specs, shared);
  return workerBackend(problem, specs, shared, c.workers, c.plan.ownShards);
}

/**
 * @internal `problem.minimize({ method: "distributed", … })`. A {@link DistributedError} carries the checkpoint of the
 * last completed round (or, at set-up, the checkpoint being resumed).
 */
export async function minimizeDistributed(problem: Objective & { build: "simd" | "scalar" }, opts: Record<string, unknown>): Promise<DistributedResult> {
  dataOf(problem);   // the kind of problem first: its message beats any about the options
  const c = distributedSpec(problem, opts);
  const { M, specs } = c.plan;
  const T = c.T;
  const shared: SharedSpec = sharedSpec(problem, c.seed, M, c.failAt, c.batch);
  let totalRows = 0;
  for (const s of specs) totalRows += c.batch === "full" ? s.data.rows : Math.min(c.batch, s.data.rows);

  let coord: Coordinator | null = null;
  let gamma = NaN;
  const withCheckpoint = (e: unknown): unknown => {
    if (e instanceof DistributedError && e.checkpoint === null) e.checkpoint = coord ? coord.checkpoint(gamma) : c.resume?.bytes ?? null;
    return e;
  };
  let backend: Backend;
  try { backend = await backendFor(problem, c, shared); } catch (e) { throw withCheckpoint(e); }
  try {
    let constants: DistributedConstants | undefined;
    const theory = async (): Promise<DistributedConstants> => (constants ??= combine(await backend.constants(), T));
    const schedule = typeof c.step === "function" ? c.step : null;
    gamma = c.resume && c.stepRule !== "schedule" ? c.resume.gamma
      : c.step === "theory" ? (await theory()).stepSize : typeof c.step === "number" ? c.step : NaN;
    const co = (coord = new Coordinator(problem, c, backend));
    let failed = { gamma: NaN, suggested: NaN };
    const runner: Runner<DistributedTraceRow> = {
      maxChunk: Infinity,
      async advance(t0, steps) {
        for (let s = 0; s < steps; s++) {
          const t = t0 + s;
          const g = schedule ? positive(`stepSize(${t})`, schedule(t)) : gamma;
          if (!(await co.round(t, g))) { failed = { gamma: g, suggested: (await theory()).stepSize }; return s; }
        }
        return steps;
      },
      async row(t, ms) {
        const fs = await backend.values(co.x, t);
        let f = 0;
        for (let i = 0; i < M; i++) f += fs[i];
        if (!Number.isFinite(f)) {
          const used = t > 0 ? (schedule ? schedule(t - 1) : gamma) : gamma;
          throw new DivergenceError("distributed", t, used, (await theory()).stepSize, Float64Array.from(co.x), `x stayed finite but f(x_${t}) = ${f / M}`);
        }
        return {
          iteration: t, f: f / M, gradEvals: t * totalRows, ms,
          bytesDown: co.sentDown, bytesUp: co.sentUp, denseBytes: t * M * problem.dimension * 8,
        };
      },
      gradientNorm: () => NaN,
      diverged: (t) => new DivergenceError("distributed", t, failed.gamma, failed.suggested, Float64Array.from(co.x)),
    };
    const { t, trace, stoppedBy } = await runLoop(runner, {
      t0: c.t0, iterations: T, recordEvery: c.recordEvery, tolerance: null, timeLimitMs: null, onProgress: c.onProgress ?? null,
    });
    const x = co.x;
    const result: DistributedResult = {
      x, iterations: t, trace, digest: await digestF64Async(x), stepSize: gamma, stoppedBy, checkpoint: co.checkpoint(gamma),
      // the coordinator's passes over x: to each of the M nodes at every record point, the digest and the checkpoint
      work: { coordsTouched: co.coords, rowsTouched: (t - c.t0) * totalRows, densePasses: trace.length * M + 2 },
      communication: co.communication(t), nodes: M, workers: backend.workers, threads: backend.threads,
    };
    if (backend.wire) result.communication.wire = { ...backend.wire };
    if (constants) result.constants = constants;
    return result;
  } catch (e) {
    throw withCheckpoint(e);
  } finally {
    await backend.close();
  }
}
