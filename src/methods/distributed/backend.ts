/**
 * Where the nodes of a distributed run compute: the {@link Backend} interface the coordinator talks to, and the local
 * backend (every node in the calling thread). Worker threads are in threads.ts, node processes (HTTP) in http.ts.
 * @module
 */
import type { Objective } from "../objective.js";
import type { DistributedResult, WireCounts } from "./types.js";
import { DistributedError, describe } from "./errors.js";
import { type NodeConstants, type NodeSpec, type SharedSpec, datasetOf } from "./node.js";
import { nodeFor } from "./nodes.js";

/** The node side as the coordinator sees it: in this thread or on workers. */
export interface Backend {
  threads: DistributedResult["threads"];
  workers: number;
  /** Bytes on the wire (node processes only). */
  wire?: WireCounts;
  /** Run round t: parts[i] = node i's sub-model; returns node i's gradient entries, in node order. */
  round(t: number, idx: Int32Array[], val: Float64Array[]): Promise<{ idx: Int32Array; val: Float64Array }[]> | { idx: Int32Array; val: Float64Array }[];
  values(x: Float64Array, t: number): Promise<number[]> | number[];
  constants(): Promise<NodeConstants[]> | NodeConstants[];
  close(): Promise<void>;
}

/** localBackend(problem, specs, shared): every node in the calling thread, each on a shard objective of its own. */
export function localBackend(problem: Objective, specs: NodeSpec[], shared: SharedSpec): Backend {
  const nodes = specs.map((s, i) => {
    try {
      return nodeFor(problem.shard!(datasetOf(s.data)), s, shared);
    } catch (e) {
      throw new DistributedError(`distributed run failed at set-up: node ${i} (coordinator thread) threw: ${describe(e)}`, null, [i], null, e);
    }
  });
  let phase = "set-up";
  const guard = <T>(round: number | null, i: number, f: () => T): T => {
    try { return f(); } catch (e) {
      const where = round === null ? `at ${phase}` : `at round ${round}`;
      throw new DistributedError(`distributed run failed ${where}: node ${i} (coordinator thread) threw: ${describe(e)}`, round, [i], null, e);
    }
  };
  return {
    threads: "none",
    workers: 0,
    round: (t, idx, val) => nodes.map((n, i) => guard(t, i, () => n.round(t, idx[i], val[i]))),
    values: (x, t) => { phase = `the evaluation of f at round ${t}`; return nodes.map((n, i) => guard(null, i, () => n.value(x))); },
    constants: () => { phase = "the theory constants"; return nodes.map((n, i) => guard(null, i, () => n.constants())); },
    close: async () => {},
  };
}
