/**
 * DistributedError: a distributed run that failed in a node, a worker thread or a node process.
 * @module
 */

/**
 * A distributed run that failed in a node, a worker thread or a node process (an endpoint). Every worker has been
 * terminated when this is thrown. `checkpoint` holds the state after the last completed round: pass it as
 * `resumeFrom` (with the same options) to continue to the bits of an uninterrupted run.
 */
export class DistributedError extends Error {
  /** The round being computed, or null when the failure happened at set-up (or while evaluating f). */
  readonly round: number | null;
  /** The node(s) affected. */
  readonly nodes: number[];
  /** The worker index, or null for `workers: 0` and for endpoints. */
  readonly worker: number | null;
  /** The node process's URL when the nodes run at `endpoints`, else null. */
  readonly endpoint: string | null;
  /**
   * The state after the last completed round, as a checkpoint for `resumeFrom`; null when the run failed before its
   * first round could start (at set-up of a fresh run: nothing was computed).
   */
  checkpoint: Uint8Array | null = null;
  /** @internal The raw worker handles (all terminated by the time this is thrown), for tests. */
  declare readonly handles: unknown[];
  /** Thrown by a distributed run; `cause` is the node's own error, when there is one. */
  constructor(message: string, round: number | null, nodes: number[], worker: number | null, cause?: unknown, handles: unknown[] = [], endpoint: string | null = null) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "DistributedError";
    this.round = round;
    this.nodes = nodes;
    this.worker = worker;
    this.endpoint = endpoint;
    Object.defineProperty(this, "handles", { value: handles, enumerable: false });
  }
}

/** describe(e): an error as one line ("RangeError: …"; plain Errors without their name). */
export function describe(e: unknown): string {
  if (e instanceof Error) return `${e.name === "Error" ? "" : `${e.name}: `}${e.message}`;
  return String(e);
}
