/**
 * How a coordinator sends a request body to a node process and reads the answer: `fetch` everywhere, or Node's own
 * `node:http` with keep-alive sockets in Node. The bytes sent and received are the same either way; only the client's
 * CPU differs — undici's `fetch` costs about 0.33 ms of CPU a request in Node 20, a keep-alive `node:http` request about
 * 0.09 ms (docs/cluster.md, "What it costs"), and a coordinator sends M requests a round.
 * @module
 */
import { nodeBuiltin } from "../../runtime/node.js";

/** A node's answer: the HTTP status and the body. */
export interface Reply { status: number; bytes: Uint8Array }

/** Where a request failed: before any answer arrived, or while its body was read. */
export class TransportError extends Error {
  constructor(readonly stage: "connect" | "body", readonly error: unknown) {
    super(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

/** @internal One request: POST body to url; rejects with a TransportError. */
export type Transport = (url: string, body: Uint8Array, headers: Record<string, string>, signal: AbortSignal) => Promise<Reply>;

/** The HTTP clients a coordinator can use. */
export type HttpClient = "auto" | "fetch";

/** fetchTransport: the standard `fetch`, in every runtime. */
export const fetchTransport: Transport = async (url, body, headers, signal) => {
  let res: Response;
  try { res = await fetch(url, { method: "POST", headers, body: body as BodyInit, signal }); } catch (e) { throw new TransportError("connect", e); }
  try { return { status: res.status, bytes: new Uint8Array(await res.arrayBuffer()) }; } catch (e) { throw new TransportError("body", e); }
};

/** isNode(): plain Node.js (Bun and Deno also set process.versions.node, and their fetch is native and cheap). */
function isNode(): boolean {
  const g = globalThis as { process?: { versions?: Record<string, string> }; Deno?: unknown; Bun?: unknown };
  return typeof g.process?.versions?.node === "string" && g.Deno === undefined && g.Bun === undefined;
}

type HttpModule = typeof import("node:http");

/**
 * @internal transportFor(client): `fetch`, or in Node with "auto" a `node:http`/`node:https` client over keep-alive
 * agents of its own. close() destroys those agents' sockets (idle keep-alive sockets do not hold the process open
 * meanwhile: Node unreferences them).
 */
export async function transportFor(client: HttpClient): Promise<{ send: Transport; close(): void }> {
  if (client === "fetch" || !isNode()) return { send: fetchTransport, close() { /* fetch pools its own sockets */ } };
  const http = await nodeBuiltin<HttpModule>("http");
  const https = await nodeBuiltin<HttpModule>("https");
  const agents = { "http:": new http.Agent({ keepAlive: true }), "https:": new https.Agent({ keepAlive: true }) };
  // an endpoint's URL is parsed once: a coordinator sends M requests a round to the same few URLs
  const parsed = new Map<string, { mod: HttpModule; u: URL; agent: InstanceType<HttpModule["Agent"]> }>();
  const send: Transport = (url, body, headers, signal) => new Promise<Reply>((resolve, reject) => {
    let e = parsed.get(url);
    if (!e) {
      const u = new URL(url);
      e = u.protocol === "https:" ? { mod: https, u, agent: agents["https:"] } : { mod: http, u, agent: agents["http:"] };
      parsed.set(url, e);
    }
    let answered = false;
    const req = e.mod.request(e.u, {
      method: "POST", agent: e.agent, signal,
      headers: { ...headers, "content-length": String(body.length) },
    }, (res) => {
      answered = true;
      const parts: Uint8Array[] = [];
      let n = 0;
      res.on("data", (c: Uint8Array) => { parts.push(c); n += c.length; });
      res.on("error", (e) => reject(new TransportError("body", e)));
      res.on("aborted", () => reject(new TransportError("body", new Error("the answer was cut off"))));
      res.on("end", () => {
        if (!res.complete) { reject(new TransportError("body", new Error("the answer was cut off"))); return; }
        let bytes: Uint8Array;
        if (parts.length === 1) bytes = parts[0];
        else {
          bytes = new Uint8Array(n);
          let o = 0;
          for (const p of parts) { bytes.set(p, o); o += p.length; }
        }
        resolve({ status: res.statusCode ?? 0, bytes });
      });
    });
    req.on("error", (e) => reject(new TransportError(answered ? "body" : "connect", e)));
    req.end(body);
  });
  return { send, close() { agents["http:"].destroy(); agents["https:"].destroy(); } };
}
