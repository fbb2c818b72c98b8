/**
 * mast-wasm/cluster (Node.js only): start node processes for distributed runs on this machine — each a workerd
 * process, Cloudflare's Workers runtime, serving the node side of the round protocol on its own port of 127.0.0.1.
 *
 * ```js
 * import * as cluster from "mast-wasm/cluster";
 * const nodes = await cluster.start({ nodes: 4 });
 * const run = await problem.minimize({ method: "distributed", nodes: 4, endpoints: nodes.endpoints, iterations: 100 });
 * await nodes.stop();
 * ```
 *
 * The coordinator side needs only `fetch` and runs wherever `init()` runs; this entry is the part that needs Node's
 * child processes, kept out of the main (browser-safe) entry. See docs/cluster.md.
 * @module
 */
export { start, startNode, workerdConfig, workerdPath } from "./tools/cluster/process.js";
export type { Cluster, ClusterOptions, NodeProcess, NodeProcessOptions } from "./tools/cluster/process.js";
