/**
 * nodeFor: the node state of a shard objective — a data problem's (node.ts) or a network's (network-node.ts).
 * @module
 */
import type { Objective } from "../objective.js";
import { type NodeSpec, type SharedSpec, NodeState } from "./node.js";
import { NetworkNodeState } from "./network-node.js";

/** @internal Either kind of node: the three calls the backends make. */
export type AnyNode = NodeState | NetworkNodeState;

/** @internal nodeFor(objective, spec, shared): the node for this shard. */
export function nodeFor(objective: Objective, spec: NodeSpec, shared: SharedSpec): AnyNode {
  return shared.network ? new NetworkNodeState(objective, spec, shared) : new NodeState(objective, spec, shared);
}
