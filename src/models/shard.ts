/**
 * shardObjective: a node's objective f_i over its shard, as every node host builds it (worker threads, node processes):
 * the network `mast.network` would build when the run shares one, else the data problem `mast.problem` would.
 * @module
 */
import type { Objective } from "../methods/objective.js";
import type { ShardObjectiveOptions } from "../methods/distributed/node.js";
import { Problem } from "./linear.js";
import { NetworkProblem } from "./network.js";

/** @internal shardObjective(module, o): f_i on its own instance of `module`. */
export function shardObjective(module: WebAssembly.Module, o: ShardObjectiveOptions): Objective {
  const net = o.network;
  return net
    ? new NetworkProblem(module, { data: o.data, hidden: net.hidden, activation: net.activation, l2: net.l2, shift: o.shift, maxBatch: net.maxBatch, maxMemory: o.maxMemory })
    : new Problem(module, { data: o.data, loss: o.loss, l2: o.l2, shift: o.shift, maxMemory: o.maxMemory, fitIntercept: o.fitIntercept });
}
