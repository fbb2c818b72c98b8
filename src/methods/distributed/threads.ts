/**
 * Worker threads behind a request/reply interface: Web Workers (browsers, Deno, Bun) or Node's worker_threads, each
 * hosting some of the nodes of a run (src/distributed-worker.ts is their entry).
 * @module
 */
import { show } from "../../runtime/validate.js";
import { nodeBuiltin } from "../../runtime/node.js";
import type { Objective } from "../objective.js";
import type { NodeConstants, NodeSpec, SharedSpec } from "./node.js";
import type { Backend } from "./backend.js";
import { DistributedError, describe } from "./errors.js";

export type Reply = { type: string; [k: string]: unknown };

/** A failure of one worker: what happened, and which node when the worker said so. */
export class LinkFailure extends Error {
  constructor(message: string, readonly node: number | null, readonly kind: "threw" | "died" | "exited", cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

/** A rejection tagged with the worker it came from. */
export class Failed { constructor(readonly link: Link, readonly error: unknown) {} }

/** One worker thread behind a request/reply interface (one request in flight at a time). */
export class Link {
  readonly index: number;
  readonly nodes: number[];
  readonly raw: unknown;
  private post: (msg: unknown, transfer: Transferable[]) => void;
  private kill: () => Promise<unknown> | unknown;
  private pending: { resolve: (r: Reply) => void; reject: (e: LinkFailure) => void } | null = null;
  private queue: Reply[] = [];
  private failure: LinkFailure | null = null;
  private terminated = false;

  constructor(index: number, nodes: number[], raw: unknown, kind: "worker_threads" | "web") {
    this.index = index;
    this.nodes = nodes;
    this.raw = raw;
    if (kind === "web") {
      const w = raw as Worker;
      this.post = (m, t) => w.postMessage(m, t);
      this.kill = () => w.terminate();
      w.addEventListener("message", (e) => this.receive((e as MessageEvent).data as Reply));
      w.addEventListener("error", (e) => {
        const ev = e as ErrorEvent;
        ev.preventDefault?.();
        const what = ev.error instanceof Error ? ev.error.message : typeof ev.message === "string" ? ev.message.split("\n")[0] : "unknown error";
        this.fail(new LinkFailure(`the worker thread died with an uncaught error: ${what}`, null, "died", ev.error));
      });
      w.addEventListener("messageerror", () => this.fail(new LinkFailure("a message from the worker could not be deserialised", null, "died")));
    } else {
      const w = raw as import("node:worker_threads").Worker;
      this.post = (m, t) => w.postMessage(m, t as never);
      this.kill = () => w.terminate();
      w.on("message", (m: Reply) => this.receive(m));
      w.on("error", (e: Error) => this.fail(new LinkFailure(`the worker thread died with an uncaught error: ${e?.message ?? String(e)}`, null, "died", e)));
      w.on("messageerror", () => this.fail(new LinkFailure("a message from the worker could not be deserialised", null, "died")));
      w.on("exit", (code: number) => {
        if (!this.terminated) this.fail(new LinkFailure(`the worker thread exited with code ${code}`, null, "exited"));
      });
    }
  }

  private receive(m: Reply): void {
    if (m && m.type === "error") {
      const node = typeof m.node === "number" ? m.node : null;
      this.fail(new LinkFailure(`threw: ${String(m.message)}`, node, "threw"));
      return;
    }
    if (this.pending) { const p = this.pending; this.pending = null; p.resolve(m); } else this.queue.push(m);
  }

  private fail(f: LinkFailure): void {
    if (this.terminated || this.failure) return;
    this.failure = f;
    if (this.pending) { const p = this.pending; this.pending = null; p.reject(f); }
  }

  /** next(): the next reply (or the failure). */
  next(): Promise<Reply> {
    if (this.queue.length) return Promise.resolve(this.queue.shift()!);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => { this.pending = { resolve, reject }; });
  }

  /** request(msg, transfer): post and wait for the reply. */
  request(msg: unknown, transfer: Transferable[] = []): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    try { this.post(msg, transfer); } catch (e) { return Promise.reject(e); }
    return this.next();
  }

  /** send(msg): post without waiting (throws a DataCloneError synchronously when the message can't be cloned). */
  send(msg: unknown, transfer: Transferable[] = []): void { this.post(msg, transfer); }

  async terminate(): Promise<void> {
    if (this.terminated) return;
    this.terminated = true;
    try { await this.kill(); } catch { /* already gone */ }
  }
}

/** The worker entry, next to this file in dist/. */
function workerUrl(): URL { return new URL(/* webpackIgnore: true */ "./distributed-worker.js", import.meta.url); }

/** threadKind(): Web Workers where the global Worker exists (browsers, Deno, Bun), else Node's worker_threads. */
export function threadKind(): "web" | "worker_threads" {
  return typeof (globalThis as { Worker?: unknown }).Worker === "function" ? "web" : "worker_threads";
}

export async function spawn(index: number, nodes: number[], kind: "web" | "worker_threads"): Promise<Link> {
  if (kind === "web") {
    const W = (globalThis as unknown as { Worker: typeof Worker }).Worker;
    const w = new W(workerUrl(), { type: "module", name: `mast-distributed-${index}` });
    return new Link(index, nodes, w, "web");
  }
  const wt = await nodeBuiltin<typeof import("node:worker_threads")>("worker_threads");
  return new Link(index, nodes, new wt.Worker(workerUrl()), "worker_threads");
}

/** @internal The message that sets up a worker. */
export interface InitMessage {
  type: "init";
  module: WebAssembly.Module | null;
  build: "simd" | "scalar";
  worker: number;
  shared: SharedSpec;
  nodes: NodeSpec[];
}

export function transfers(specs: NodeSpec[]): Transferable[] {
  const out: Transferable[] = [];
  for (const s of specs) {
    const w = s.data;
    for (const a of [w.values, w.indptr, w.indices, w.labels]) if (a && !out.includes(a.buffer as ArrayBuffer)) out.push(a.buffer as ArrayBuffer);
  }
  return out;
}

/** workerBackend(problem, specs, shared, k, ownShards): the nodes round-robin on min(k, M) worker threads. */
export async function workerBackend(problem: Objective & { build: "simd" | "scalar" }, specs: NodeSpec[], shared: SharedSpec, k: number, ownShards: boolean): Promise<Backend> {
  const M = specs.length;
  const count = Math.min(k, M);
  const kind = threadKind();
  const assign: number[][] = Array.from({ length: count }, () => []);
  for (let i = 0; i < M; i++) assign[i % count].push(i);
  const links: Link[] = [];
  let current: { round: number | null; what: string } = { round: null, what: "at set-up" };

  const failure = async (link: Link, e: unknown): Promise<never> => {
    await Promise.all(links.map((l) => l.terminate()));
    const f = e instanceof LinkFailure ? e : new LinkFailure(`failed: ${describe(e)}`, null, "died", e);
    const nodes = f.node !== null ? [f.node] : link.nodes;
    const who = `${nodes.length === 1 ? "node" : "nodes"} ${nodes.join(", ")} (worker ${link.index})`;
    const what = f.kind === "threw" ? f.message : `lost: ${f.message}`;
    throw new DistributedError(`distributed run failed ${current.what}: ${who} ${what}`, current.round, nodes, link.index, f.cause ?? f,
      links.map((l) => l.raw));
  };
  /** all(f): run f on every link; the first failure terminates every worker and becomes a DistributedError. */
  const all = async <T>(f: (l: Link) => Promise<T>): Promise<T[]> => {
    try {
      return await Promise.all(links.map((l) => f(l).catch((e: unknown) => { throw new Failed(l, e); })));
    } catch (e) {
      if (e instanceof Failed) return failure(e.link, e.error);
      throw e;
    }
  };

  try {
    for (let w = 0; w < count; w++) links.push(await spawn(w, assign[w], kind));
  } catch (e) {
    await Promise.all(links.map((l) => l.terminate()));
    throw new DistributedError(`distributed run failed at set-up: could not start worker ${links.length} (${kind}): ${describe(e)}`, null, assign[links.length] ?? [], links.length, e);
  }
  await all(async (l) => {
    const hello = await l.next();
    if (hello.type !== "ready") throw new LinkFailure(`sent ${show(hello.type)} instead of "ready"`, null, "died");
    const mine = assign[l.index].map((i) => specs[i]);
    const msg: InitMessage = { type: "init", module: problem.module, build: problem.build, worker: l.index, shared, nodes: mine };
    const tr = ownShards ? transfers(mine) : [];
    try {
      l.send(msg, tr);
    } catch {
      // This runtime can't clone a WebAssembly.Module: the worker compiles the shipped .wasm of the same build.
      l.send({ ...msg, module: null }, tr);
    }
    const r = await l.next();
    if (r.type !== "init-done") throw new LinkFailure(`sent ${show(r.type)} instead of "init-done"`, null, "died");
  });

  const parts = (l: Link, r: Reply): Map<number, { idx: Int32Array; val: Float64Array }> => {
    const out = new Map<number, { idx: Int32Array; val: Float64Array }>();
    for (const p of r.parts as { node: number; idx: Int32Array; val: Float64Array }[]) out.set(p.node, p);
    if (out.size !== l.nodes.length) throw new LinkFailure(`replied for ${out.size} of its ${l.nodes.length} nodes`, null, "died");
    return out;
  };

  return {
    threads: kind,
    workers: count,
    async round(t, idx, val) {
      current = { round: t, what: `at round ${t}` };
      const res = new Array<{ idx: Int32Array; val: Float64Array }>(M);
      await all(async (l) => {
        const tr: Transferable[] = [];
        const msg = l.nodes.map((i) => { tr.push(idx[i].buffer as ArrayBuffer, val[i].buffer as ArrayBuffer); return { node: i, idx: idx[i], val: val[i] }; });
        const r = await l.request({ type: "round", t, parts: msg }, tr);
        for (const [i, p] of parts(l, r)) res[i] = { idx: p.idx, val: p.val };
      });
      return res;
    },
    async values(x, t) {
      current = { round: null, what: `at the evaluation of f at round ${t}` };
      const res = new Array<number>(M);
      await all(async (l) => {
        const r = await l.request({ type: "value", x });
        for (const [i, f] of r.values as [number, number][]) res[i] = f;
      });
      return res;
    },
    async constants() {
      current = { round: null, what: "at the theory constants" };
      const res = new Array<NodeConstants>(M);
      await all(async (l) => {
        const r = await l.request({ type: "constants" });
        for (const [i, c] of r.constants as [number, NodeConstants][]) res[i] = c;
      });
      return res;
    },
    async close() { await Promise.all(links.map((l) => l.terminate())); },
  };
}
