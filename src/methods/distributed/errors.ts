/**
 * DistributedError: a distributed run that failed in a node, a worker thread or a node process.
 * @module
 */

/** A distributed run that failed in a node or a worker thread. Every worker has been terminated when this is thrown. */
export class DistributedError extends Error {
  /** The round being computed, or null when the failure happened at set-up. */
  readonly round: number | null;
  /** The node(s) affected. */
  readonly nodes: number[];
  /** The worker index, or null for `workers: 0`. */
  readonly worker: number | null;
  /** @internal The raw worker handles (all terminated by the time this is thrown), for tests. */
  declare readonly handles: unknown[];
  /** Thrown by a distributed run; `cause` is the node's own error, when there is one. */
  constructor(message: string, round: number | null, nodes: number[], worker: number | null, cause?: unknown, handles: unknown[] = []) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "DistributedError";
    this.round = round;
    this.nodes = nodes;
    this.worker = worker;
    Object.defineProperty(this, "handles", { value: handles, enumerable: false });
  }
}

/** describe(e): an error as one line ("RangeError: …"; plain Errors without their name). */
export function describe(e: unknown): string {
  if (e instanceof Error) return `${e.name === "Error" ? "" : `${e.name}: `}${e.message}`;
  return String(e);
}
