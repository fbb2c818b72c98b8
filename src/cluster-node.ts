/**
 * The node process of a distributed run (dist/cluster-node.js): a Worker for workerd (`mast node`) or Cloudflare
 * Workers, unchanged. It imports the kernels as WebAssembly.Module bindings (Workers may not compile bytes) and serves
 * the node side of the wire protocol (methods/distributed/serve.ts, protocol.ts) over HTTP.
 *
 * Bindings (all optional):
 * - MAST_TOKEN: refuse requests without `Authorization: Bearer <MAST_TOKEN>` (a secret; never expose a node without it);
 * - MAST_MAX_BODY: the largest request body in bytes (default 100 MiB);
 * - MAST_NODE: a Durable Object namespace of class {@link MastNode}. On Cloudflare, requests of one run may reach
 *   different isolates, so the runs must live in one Durable Object: with this binding the Worker forwards every request
 *   to the object named by the URL's path (one node per path). Without it (workerd: one isolate per process), the
 *   Worker serves the requests itself.
 * @module
 */
import simd from "./mast-simd.wasm";
import scalar from "./mast-scalar.wasm";
import { nodeHandler } from "./methods/distributed/serve.js";
import { shardObjective } from "./models/shard.js";

/** The Worker's environment (bindings). */
export interface NodeEnv {
  MAST_TOKEN?: string;
  MAST_MAX_BODY?: string;
  MAST_NODE?: { idFromName(name: string): unknown; get(id: unknown): { fetch(request: Request): Promise<Response> } };
}

let handler: ((request: Request) => Promise<Response>) | null = null;
function handle(request: Request, env: NodeEnv): Promise<Response> {
  try {
    handler ??= nodeHandler({
      modules: { simd, scalar },
      objective: shardObjective,
      token: env.MAST_TOKEN ?? null,
      maxBodyBytes: env.MAST_MAX_BODY ? Number(env.MAST_MAX_BODY) : undefined,
    });
  } catch (e) {
    // a bad binding (MAST_MAX_BODY not a positive integer): say so on every request rather than serve without a limit
    const message = `the node is misconfigured: ${e instanceof Error ? e.message : String(e)}`;
    console.log(`mast node: 500: ${message}`);
    return Promise.resolve(new Response(JSON.stringify({ error: message }), { status: 500, headers: { "content-type": "application/json" } }));
  }
  return handler(request);
}

export default {
  fetch(request: Request, env: NodeEnv): Promise<Response> {
    if (env.MAST_NODE) {
      const ns = env.MAST_NODE;
      return ns.get(ns.idFromName(new URL(request.url).pathname)).fetch(request);
    }
    return handle(request, env);
  },
};

/** The Durable Object that holds a node's runs on Cloudflare (see MAST_NODE above). */
export class MastNode {
  constructor(_state: unknown, private readonly env: NodeEnv) {}
  fetch(request: Request): Promise<Response> { return handle(request, this.env); }
}
