/**
 * Node processes behind HTTP: the {@link Backend} of `endpoints` (`mast node` processes on workerd, or the Worker on
 * Cloudflare). Node i computes at endpoints[i mod E]. It uses only `fetch`, so the coordinator runs wherever `init()`
 * runs. The shards go once at set-up; then each round one binary POST per node carries its sub-model down and its
 * sketched gradient back (protocol.ts). Every request must be answered within `nodeTimeoutMs`; the first node that
 * fails, refuses or times out ends the run with a {@link DistributedError} naming the node and its endpoint.
 * @module
 */
import type { Objective } from "../objective.js";
import type { Backend } from "./backend.js";
import type { NodeConstants, NodeSpec, SharedSpec } from "./node.js";
import type { WireCounts } from "./types.js";
import { DistributedError, describe } from "./errors.js";
import { type HttpClient, type Reply, TransportError, transportFor } from "./transport.js";
import {
  ProtocolError, decodeAck, decodeConstantsReply, decodeRoundReply, decodeValueReply,
  encodeEmpty, encodeInit, encodeRound, encodeValue, newRunId,
} from "./protocol.js";

/** A failed request: what to say about it. */
class NodeFailure extends Error {
  constructor(message: string, cause?: unknown) { super(message, cause === undefined ? undefined : { cause }); }
}

/** The one-line reason of a failed request (node:http puts the code on the error, undici's fetch in its `cause`). */
function networkReason(e: unknown): string {
  const own = e as { code?: string; message?: string } | null;
  if (typeof own?.code === "string") return `${own.code}${own.message && !own.message.includes(own.code) ? ` (${own.message})` : ""}`;
  const c = (e as { cause?: { code?: string; message?: string } })?.cause;
  if (c?.code) return `${c.code}${c.message && !c.message.includes(c.code) ? ` (${c.message})` : ""}`;
  if (c?.message) return c.message;
  return describe(e);
}

/** httpBackend(problem, specs, shared, endpoints, { token, timeoutMs, httpClient }): the nodes at the endpoints, set up. */
export async function httpBackend(
  problem: Objective & { build: "simd" | "scalar" }, specs: NodeSpec[], shared: SharedSpec, endpoints: string[],
  o: { token: string | null; timeoutMs: number; httpClient: HttpClient },
): Promise<Backend & { wire: WireCounts }> {
  const transport = await transportFor(o.httpClient);
  const M = specs.length, E = endpoints.length;
  const run = newRunId();
  const at = (i: number) => endpoints[i % E];
  const headers: Record<string, string> = { "content-type": "application/octet-stream" };
  if (o.token !== null) headers.authorization = `Bearer ${o.token}`;
  const wire: WireCounts = { down: 0, up: 0, shard: 0, other: 0, requests: 0 };
  const inflight = new Set<AbortController>();
  let failed = false;
  let phase: { round: number | null; what: string } = { round: null, what: "at set-up" };

  /** post(i, body, timeoutMs): node i's reply body, or a NodeFailure. */
  const post = async (i: number, body: Uint8Array, timeoutMs = o.timeoutMs): Promise<Uint8Array> => {
    const ac = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; ac.abort(); }, timeoutMs);
    inflight.add(ac);
    wire.requests++;
    try {
      let res: Reply;
      try {
        res = await transport.send(at(i), body, headers, ac.signal);
      } catch (x) {
        const e = x instanceof TransportError ? x.error : x;
        if (timedOut) throw new NodeFailure(`did not answer within ${timeoutMs} ms (nodeTimeoutMs)`, e);
        if (x instanceof TransportError && x.stage === "body") throw new NodeFailure(`broke off its answer: ${networkReason(e)}`, e);
        throw new NodeFailure(`could not be reached: ${networkReason(e)}`, e);
      }
      const bytes = res.bytes;
      if (!(res.status >= 200 && res.status < 300)) {
        let msg = new TextDecoder().decode(bytes.subarray(0, 2000));
        try { msg = (JSON.parse(msg) as { error?: string }).error ?? msg; } catch { /* not JSON */ }
        throw new NodeFailure(`answered ${res.status}: ${msg}`);
      }
      return bytes;
    } finally {
      clearTimeout(timer);
      inflight.delete(ac);
    }
  };

  /** fail(i, e): abort the other requests and raise the DistributedError of node i. */
  const fail = (i: number, e: unknown): never => {
    failed = true;
    for (const ac of inflight) ac.abort();
    const why = e instanceof NodeFailure ? e.message : e instanceof ProtocolError ? `sent a malformed reply: ${e.message}` : `failed: ${describe(e)}`;
    throw new DistributedError(`distributed run failed ${phase.what}: node ${i} (endpoint ${at(i)}) ${why}`, phase.round, [i], null,
      e instanceof NodeFailure && e.cause !== undefined ? e.cause : e, [], at(i));
  };
  /** each(f): f for every node at once; the first failure aborts the others and fails the run. */
  const each = async <T>(f: (i: number) => Promise<T>): Promise<T[]> => {
    let first: { i: number; e: unknown } | null = null;
    const out = await Promise.all(Array.from({ length: M }, (_, i) => f(i).catch((e: unknown) => {
      if (first === null) { first = { i, e }; for (const ac of inflight) ac.abort(); }
      return undefined as T;
    })));
    if (first !== null) fail((first as { i: number }).i, (first as { e: unknown }).e);
    return out;
  };

  await each(async (i) => {
    const body = encodeInit({
      run, node: i, build: problem.build, loss: shared.loss, l2: shared.l2, seed: shared.seed, M, maxMemory: shared.maxMemory,
      sketch: specs[i].sketch, data: specs[i].data, shift: shared.shift, intercept: shared.intercept === true, network: shared.network ?? null,
    });
    wire.shard += body.length;
    const reply = await post(i, body);
    wire.other += reply.length;
    decodeAck(reply, "init");
  });

  return {
    threads: "endpoints",
    workers: 0,
    wire,
    async round(t, idx, val) {
      phase = { round: t, what: `at round ${t}` };
      return each(async (i) => {
        const body = encodeRound(run, i, t, idx[i], val[i]);
        wire.down += body.length;
        const reply = await post(i, body);
        wire.up += reply.length;
        return decodeRoundReply(reply, t);
      });
    },
    async values(x, t) {
      phase = { round: null, what: `at the evaluation of f at round ${t}` };
      return each(async (i) => {
        const body = encodeValue(run, i, t, x);
        const reply = await post(i, body);
        wire.other += body.length + reply.length;
        return decodeValueReply(reply);
      });
    },
    async constants() {
      phase = { round: null, what: "at the theory constants" };
      return each(async (i): Promise<NodeConstants> => {
        const body = encodeEmpty("constants", run, i);
        const reply = await post(i, body);
        wire.other += body.length + reply.length;
        return decodeConstantsReply(reply);
      });
    },
    async close() {
      // one close per node process frees every node of the run there; after a failure it is not waited for
      const done = Promise.all([...new Set(Array.from({ length: Math.min(M, E) }, (_, i) => i))].map(async (i) => {
        try { decodeAck(await post(i, encodeEmpty("close", run, i), Math.min(o.timeoutMs, 2000)), "close"); } catch { /* best effort */ }
      }));
      if (!failed) await done;
      transport.close();
    },
  };
}
