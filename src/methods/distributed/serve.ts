/**
 * The node side of the wire protocol (protocol.ts) as a fetch handler, `(Request) => Promise<Response>`: what a
 * `mast node` process (workerd) or a Cloudflare Worker runs. It holds the runs' nodes — each a {@link NodeState} on
 * its shard — and answers round, value and constants requests from them. Between rounds a node keeps nothing but its
 * shard and sketch: round t's answer depends only on (shard, seed, t, the entries received).
 *
 * A request it cannot take (malformed, another protocol version, an unknown run, too large, without the token) gets a
 * 4xx answer and a log line, and the node keeps serving; a failure while computing gets 500.
 * @module
 */
import { checkSketch } from "../../sketch/spec.js";
import { integer } from "../../runtime/validate.js";
import type { Dataset } from "../../data/dataset.js";
import { datasetOf } from "./node.js";
import type { Objective } from "../objective.js";
import type { SharedSpec, ShardObjectiveOptions } from "./node.js";
import { type AnyNode, nodeFor } from "./nodes.js";
import { describe } from "./errors.js";
import {
  PROTOCOL, ProtocolError, decodeRequest, encodeAck, encodeConstantsReply, encodeRoundReply, encodeValueReply,
  type InitRequest, type Request as NodeRequest,
} from "./protocol.js";

/** The largest request body a node takes by default (bytes): 100 MiB, Cloudflare's limit on most plans. */
export const DEFAULT_MAX_BODY = 100 * 2 ** 20;
/** How many nodes (of all runs) a node process holds by default; beyond it, the least recently used run is dropped. */
export const DEFAULT_MAX_NODES = 64;

/** What a node process needs. */
export interface NodeServerOptions {
  /** The compiled kernels of each build (a Worker imports them as modules). */
  modules: { simd: WebAssembly.Module; scalar: WebAssembly.Module };
  /** Make a node's objective f_i over its shard (the entry passes models/shard.ts's `shardObjective`). */
  objective(module: WebAssembly.Module, o: ShardObjectiveOptions): Objective;
  /** Refuse requests without `Authorization: Bearer <token>` (401). Null or "": no token (never expose such a node). */
  token?: string | null;
  /** The largest request body, bytes (413 beyond). */
  maxBodyBytes?: number;
  /** The most nodes held at once. */
  maxNodes?: number;
  /** Where log lines go (default console.log). */
  log?: (line: string) => void;
}

/** One node of a run held here. */
interface Held { state: AnyNode; rows: number }

/** CORS: a coordinator may run in a browser page of any origin (requests carry a token, not cookies). The preflight
 *  answer lists the methods and headers; the other answers only need the origin. */
const CORS = { "access-control-allow-origin": "*" };
const PREFLIGHT = {
  ...CORS,
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-allow-headers": "authorization, content-type",
  "access-control-max-age": "86400",
};

/** sameToken(a, b): compare without stopping at the first difference. */
function sameToken(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** A refused or failed request: its status and message. */
class Answer extends Error { constructor(readonly status: number, message: string) { super(message); } }

/** readBody(request, max): the body, refusing more than max bytes (413) whether or not Content-Length says so. */
async function readBody(request: Request, max: number): Promise<Uint8Array> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > max) throw new Answer(413, `the body has ${declared} bytes, this node takes at most ${max} (mast node --max-body)`);
  // with a Content-Length the runtime reads exactly that many bytes at once (the common case, and the cheaper one)
  if (declared !== null && /^\d+$/.test(declared)) return new Uint8Array(await request.arrayBuffer());
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const parts: Uint8Array[] = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.length;
    if (n > max) {
      await reader.cancel().catch(() => {});
      throw new Answer(413, `the body has more than ${max} bytes, this node takes at most ${max} (mast node --max-body)`);
    }
    parts.push(value);
  }
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/**
 * nodeHandler(options): the node side of the protocol as a fetch handler. GET answers with the node's status (JSON);
 * POST takes a binary request; OPTIONS answers CORS preflights (so a coordinator may run in a browser page).
 */
export function nodeHandler(opts: NodeServerOptions): (request: Request) => Promise<Response> {
  const token = opts.token || null;
  const maxBody = integer("maxBodyBytes", opts.maxBodyBytes ?? DEFAULT_MAX_BODY, 1);
  const maxNodes = integer("maxNodes", opts.maxNodes ?? DEFAULT_MAX_NODES, 1);
  const log = opts.log ?? ((line: string) => console.log(line));
  /** run id → node index → node; a Map keeps insertion order, which is the order of last use here. */
  const runs = new Map<string, Map<number, Held>>();
  let held = 0;
  const short = (run: string) => run.slice(0, 8);

  const touch = (run: string): Map<number, Held> | undefined => {
    const nodes = runs.get(run);
    if (nodes) { runs.delete(run); runs.set(run, nodes); }
    return nodes;
  };
  const drop = (run: string): number => {
    const nodes = runs.get(run);
    if (!nodes) return 0;
    runs.delete(run);
    held -= nodes.size;
    return nodes.size;
  };

  const init = (q: InitRequest): Uint8Array => {
    const nodes = touch(q.run) ?? new Map<number, Held>();
    if (nodes.has(q.node)) throw new Answer(409, `run ${short(q.run)} node ${q.node} is set up already`);
    let state: AnyNode;
    try {
      const data = datasetOf(q.data);
      const objective = opts.objective(opts.modules[q.build], {
        data, loss: q.loss, l2: q.l2, shift: q.shift, maxMemory: q.maxMemory, fitIntercept: q.intercept, network: q.network,
      });
      if (q.shift.length !== objective.dimension) throw new RangeError(`shift must have ${objective.dimension} entries, got ${q.shift.length}`);
      // a linear sketch draws over the columns (an intercept is pinned apart); a network's over its parameters or units
      const sketch = q.network
        ? checkSketch(q.sketch, objective.dimension, "sketch", [q.data.cols, ...q.network.hidden, data.classes])
        : checkSketch(q.sketch, q.data.cols, "sketch");
      const shared: SharedSpec = {
        loss: q.loss, l2: q.l2, shift: q.shift, seed: q.seed, M: q.M, failAt: null, maxMemory: q.maxMemory, intercept: q.intercept, network: q.network,
      };
      state = nodeFor(objective, { node: q.node, data: q.data, sketch }, shared);
    } catch (e) {
      if (e instanceof TypeError || e instanceof RangeError) throw new Answer(400, `run ${short(q.run)} node ${q.node}: the shard is refused: ${describe(e)}`);
      throw e;
    }
    nodes.set(q.node, { state, rows: q.data.rows });
    if (!runs.has(q.run)) runs.set(q.run, nodes);
    held++;
    log(`mast node: run ${short(q.run)} node ${q.node}: shard of ${q.data.rows} rows × ${q.data.cols} columns (${q.data.format}), sketch ${q.sketch.kind}`);
    for (const [run] of runs) {
      if (held <= maxNodes || run === q.run) break;
      log(`mast node: run ${short(run)} dropped (${drop(run)} nodes): this process holds at most ${maxNodes} nodes`);
    }
    return encodeAck("init");
  };

  const nodeOf = (q: NodeRequest): AnyNode => {
    const h = touch(q.run)?.get(q.node);
    if (!h) throw new Answer(404, `unknown run ${short(q.run)} node ${q.node}: this node process does not hold it (it was restarted, dropped the run, or never received the shard)`);
    return h.state;
  };

  const answer = (q: NodeRequest): Uint8Array => {
    switch (q.kind) {
      case "init": return init(q);
      case "round": {
        const n = nodeOf(q);
        let g: { idx: Int32Array; val: Float64Array };
        try { g = n.round(q.t, q.idx, q.val); } catch (e) {
          if (e instanceof RangeError) throw new Answer(400, `run ${short(q.run)} node ${q.node} round ${q.t}: ${e.message}`);
          throw e;
        }
        return encodeRoundReply(q.t, g.idx, g.val);
      }
      case "value": {
        const n = nodeOf(q);
        if (q.x.length !== n.objective.dimension) throw new Answer(400, `run ${short(q.run)} node ${q.node}: x has ${q.x.length} entries, the shard ${n.objective.dimension} columns`);
        return encodeValueReply(n.value(q.x));
      }
      case "constants": return encodeConstantsReply(nodeOf(q).constants());
      case "close": {
        const n = drop(q.run);
        if (n > 0) log(`mast node: run ${short(q.run)} closed (${n} nodes)`);
        return encodeAck("close");
      }
    }
  };

  const refuse = (status: number, message: string, where: string | { toString(): string }): Response => {
    log(`mast node: ${status} ${where}: ${message}`);
    return new Response(JSON.stringify({ error: message, protocol: PROTOCOL }), { status, headers: { ...CORS, "content-type": "application/json" } });
  };

  return async (request: Request): Promise<Response> => {
    if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: PREFLIGHT });
    const where = { toString: () => `${request.method} ${new URL(request.url).pathname}` };
    if (token !== null) {
      const auth = request.headers.get("authorization") ?? "";
      const given = auth.startsWith("Bearer ") ? auth.slice(7) : null;
      if (given === null || !sameToken(given, token)) return refuse(401, given === null ? "this node needs a token (Authorization: Bearer …)" : "wrong token", where);
    }
    if (request.method === "GET") {
      let nodes = 0;
      for (const r of runs.values()) nodes += r.size;
      return new Response(JSON.stringify({ mast: "node", protocol: PROTOCOL, runs: runs.size, nodes, token: token !== null }), { headers: { ...CORS, "content-type": "application/json" } });
    }
    if (request.method !== "POST") return refuse(405, `method ${request.method} is not allowed (GET, POST, OPTIONS)`, where);
    let q: NodeRequest | null = null;
    try {
      const body = await readBody(request, maxBody);
      q = decodeRequest(body);
      const out = answer(q);
      return new Response(out as BodyInit, { headers: { ...CORS, "content-type": "application/octet-stream" } });
    } catch (e) {
      const at = q ? `${where} ${q.kind} (run ${short(q.run)} node ${q.node})` : where;
      if (e instanceof Answer) return refuse(e.status, e.message, at);
      if (e instanceof ProtocolError) return refuse(e.status, e.message, at);
      return refuse(500, `failed while computing: ${describe(e)}`, at);
    }
  };
}
