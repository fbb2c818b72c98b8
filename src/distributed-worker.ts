/**
 * The worker entry of distributed runs (dist/distributed-worker.js): a worker thread that hosts some of the nodes of a
 * run, each a node state (a data problem's or a network's) with its own wasm instance, and answers the coordinator's requests one at a time.
 * It runs as a Web Worker (browsers, Deno, Bun: the global `postMessage`) or as a Node worker_threads worker.
 *
 * Messages in: init { module | null, build, worker, shared, nodes } → "init-done"; round { t, parts: [{ node, idx, val }] }
 * → round { parts: [{ node, idx, val }] }; value { x } → value { values: [[node, f_i(x)]] }; constants → constants
 * { constants: [[node, { rows, L, LD, LSmax }]] }. Any failure → error { node, round, message }.
 * @module
 */
import { shippedModule } from "./runtime/wasm.js";
import { nodeBuiltin } from "./runtime/node.js";
import { datasetOf, type SharedSpec } from "./methods/distributed/node.js";
import { type AnyNode, nodeFor } from "./methods/distributed/nodes.js";
import type { InitMessage } from "./methods/distributed/threads.js";
import { describe } from "./methods/distributed/errors.js";
import { shardObjective } from "./models/shard.js";

interface Port {
  post(msg: unknown, transfer?: Transferable[]): void;
  listen(handler: (data: unknown) => void): void;
  exit(code: number): void;
}

const g = globalThis as unknown as {
  postMessage?: (msg: unknown, transfer?: Transferable[]) => void;
  addEventListener?: (type: string, f: (e: MessageEvent) => void) => void;
  close?: () => void;
};

async function port(): Promise<Port> {
  if (typeof g.postMessage === "function" && typeof g.addEventListener === "function") {
    return {
      post: (m, t) => g.postMessage!(m, t ?? []),
      listen: (h) => g.addEventListener!("message", (e) => h(e.data)),
      exit: () => { setTimeout(() => { throw new Error("worker exit requested (failAt mode \"exit\")"); }); },
    };
  }
  const wt = await nodeBuiltin<typeof import("node:worker_threads")>("worker_threads");
  const p = wt.parentPort;
  if (!p) throw new Error("mast-wasm: distributed-worker.js must run as a worker thread");
  return {
    post: (m, t) => p.postMessage(m, (t ?? []) as never),
    listen: (h) => p.on("message", h),
    exit: (code) => process.exit(code),
  };
}

const nodes = new Map<number, AnyNode>();
let shared: SharedSpec | null = null;


async function handle(io: Port, msg: { type: string; [k: string]: unknown }): Promise<void> {
  switch (msg.type) {
    case "init": {
      const m = msg as unknown as InitMessage;
      const module = m.module instanceof WebAssembly.Module ? m.module : await shippedModule(m.build);
      shared = m.shared;
      for (const spec of m.nodes) {
        try {
          const sh = m.shared, net = sh.network;
          const objective = shardObjective(module, {
            data: datasetOf(spec.data), loss: sh.loss, l2: sh.l2, shift: sh.shift, maxMemory: sh.maxMemory, fitIntercept: sh.intercept === true, network: net ?? null,
          });
          nodes.set(spec.node, nodeFor(objective, spec, sh));
        } catch (e) {
          io.post({ type: "error", node: spec.node, round: null, message: describe(e) });
          return;
        }
      }
      io.post({ type: "init-done" });
      return;
    }
    case "round": {
      const t = msg.t as number;
      const f = shared?.failAt;
      const parts = msg.parts as { node: number; idx: Int32Array; val: Float64Array }[];
      const out: { node: number; idx: Int32Array; val: Float64Array }[] = [];
      const transfer: Transferable[] = [];
      for (const p of parts) {
        if (f && f.round === t && f.node === p.node && f.mode !== "throw") {
          if (f.mode === "exit") { io.exit(1); return; }
          // An uncaught error outside any handler: the thread dies with an error event.
          setTimeout(() => { throw new Error(`injected crash (failAt: node ${f.node}, round ${f.round})`); });
          return;
        }
        try {
          const r = nodes.get(p.node)!.round(t, p.idx, p.val);
          out.push({ node: p.node, idx: r.idx, val: r.val });
          transfer.push(r.idx.buffer as ArrayBuffer, r.val.buffer as ArrayBuffer);
        } catch (e) {
          io.post({ type: "error", node: p.node, round: t, message: describe(e) });
          return;
        }
      }
      io.post({ type: "round", t, parts: out }, transfer);
      return;
    }
    case "value": {
      const x = msg.x as Float64Array;
      const values: [number, number][] = [];
      for (const [i, n] of nodes) {
        try { values.push([i, n.value(x)]); } catch (e) { io.post({ type: "error", node: i, round: null, message: describe(e) }); return; }
      }
      io.post({ type: "value", values });
      return;
    }
    case "constants": {
      const constants: [number, ReturnType<AnyNode["constants"]>][] = [];
      for (const [i, n] of nodes) {
        try { constants.push([i, n.constants()]); } catch (e) { io.post({ type: "error", node: i, round: null, message: describe(e) }); return; }
      }
      io.post({ type: "constants", constants });
      return;
    }
    default:
      io.post({ type: "error", node: null, round: null, message: `unknown message ${JSON.stringify(msg.type)}` });
  }
}

const io = await port();
// Requests are handled strictly one after another (the coordinator sends one at a time; init is async).
let chain: Promise<void> = Promise.resolve();
io.listen((data) => {
  chain = chain.then(() => handle(io, data as { type: string })).catch((e) => {
    io.post({ type: "error", node: null, round: null, message: describe(e) });
  });
});
io.post({ type: "ready" });
