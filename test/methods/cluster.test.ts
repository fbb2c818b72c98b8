// Distributed runs over node processes: workerd processes on 127.0.0.1 (mast-wasm/cluster), each serving the node
// side over HTTP. The same bits as threads; the bytes that cross the sockets against the communication counts; a token;
// bad requests answered with a 4xx while the node keeps serving; a node killed (a real SIGKILL of the workerd process)
// or stopped (SIGSTOP) fails the run within nodeTimeoutMs with a DistributedError that names the round, the node and
// the endpoint and carries the checkpoint from which the run, once the node is restarted, ends on the uninterrupted
// digest. No workerd process outlives a test.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { createServer, request as httpRequest, type Server } from "node:http";
import { readdirSync, readFileSync } from "node:fs";
import { sketch, type Problem } from "../../dist/index.js";
import { start, startNode, type Cluster, type NodeProcess } from "../../dist/cluster.js";
import { mast, sameBits } from "../helpers.ts";
import { blobs } from "../fixtures/blobs.ts";

type Run = Awaited<ReturnType<Problem["minimize"]>> & {
  trace: { iteration: number; f: number }[]; threads: string; checkpoint: Uint8Array;
  communication: { down: Float64Array; up: Float64Array; perNode: { down: Float64Array; up: Float64Array }; totals: Record<string, number>;
    wire?: { down: number; up: number; shard: number; other: number; requests: number } };
  constants?: { Dmax: number; L: number[] };
};
const run = (p: Problem, o: Record<string, unknown>): Promise<Run> => p.minimize({ method: "distributed", ...o } as never) as Promise<Run>;

/** The workerd processes that are children of this process (from /proc). */
function workerdChildren(): number[] {
  const out: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const m = stat.match(/^\d+ \((.*)\) (\S) (\d+)/);
      if (m && m[3] === String(process.pid) && m[1].startsWith("workerd") && m[2] !== "Z") out.push(Number(d));
    } catch { /* gone */ }
  }
  return out;
}
const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

/** An HTTP proxy in front of a node that records every request's and reply's body (and the raw socket bytes). */
async function proxy(target: string): Promise<{ url: string; log: { kind: number; t: number; req: number; res: number }[]; socketBytes: () => number; close: () => Promise<void> }> {
  const log: { kind: number; t: number; req: number; res: number }[] = [];
  const sockets = new Set<import("node:net").Socket>();
  let closedBytes = 0;
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (d: Buffer) => parts.push(d));
    req.on("end", () => {
      const body = Buffer.concat(parts);
      const kind = body.length >= 12 ? body.readUInt32LE(8) : -1;
      const t = kind === 2 && body.length >= 40 ? body.readDoubleLE(32) : -1;
      const up = httpRequest(target, { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (r) => {
        const back: Buffer[] = [];
        r.on("data", (d: Buffer) => back.push(d));
        r.on("end", () => {
          const b = Buffer.concat(back);
          log.push({ kind, t, req: body.length, res: b.length });
          res.writeHead(r.statusCode!, r.headers);
          res.end(b);
        });
      });
      up.on("error", () => { res.writeHead(502).end(); });
      up.end(body);
    });
  });
  server.on("connection", (s) => { sockets.add(s); s.on("close", () => { closedBytes += s.bytesRead + s.bytesWritten; sockets.delete(s); }); });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`, log,
    socketBytes: () => closedBytes + [...sockets].reduce((s, k) => s + k.bytesRead + k.bytesWritten, 0),
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

let nodes: Cluster;
const extra: NodeProcess[] = [];
beforeAll(async () => { nodes = await start({ nodes: 3 }); });
afterAll(async () => {
  await nodes?.stop();
  await Promise.all(extra.map((n) => n.stop()));
  for (const n of [...(nodes?.nodes ?? []), ...extra]) expect(alive(n.pid), `workerd ${n.pid} is still running`).toBe(false);
  expect(workerdChildren()).toEqual([]);
});

async function problems() {
  const m = await mast();
  const data = m.data.synthetic({ rows: 1200, cols: 50, density: 0.2, seed: 2 });
  const p = m.problem({ data, loss: "logistic", l2: 1e-3, shift: Array.from({ length: 50 }, (_, j) => ((j % 5) - 2) * 0.05) });
  return { m, data, p };
}

describe("distributed runs over workerd node processes: the same bits", () => {
  it("IST over 2 and 3 endpoints (nodes round-robin) gives the digest, the trace and the byte counts of 0 and 2 threads", async () => {
    const { p } = await problems();
    const o = { nodes: 4, iterations: 40, stepSize: 0.5, seed: 21, recordEvery: 10 };
    const here = await run(p, { ...o, workers: 0 });
    const threads = await run(p, { ...o, workers: 2 });
    for (const endpoints of [nodes.endpoints.slice(0, 2), nodes.endpoints]) {
      const r = await run(p, { ...o, endpoints });
      expect(r.threads).toBe("endpoints");
      expect(r.digest).toBe(here.digest);
      expect(r.digest).toBe(threads.digest);
      expect(sameBits(r.x, here.x)).toBe(true);
      expect(r.trace.map((t) => t.f)).toEqual(here.trace.map((t) => t.f));
      expect(Array.from(r.communication.down)).toEqual(Array.from(here.communication.down));
      expect(Array.from(r.communication.up)).toEqual(Array.from(here.communication.up));
    }
    expect((await run(p, { ...o, seed: 22, endpoints: nodes.endpoints })).digest).not.toBe(here.digest);
    // Node's keep-alive node:http client (the default here) and fetch send the same bytes: the same run, bit for bit
    const viaFetch = await run(p, { ...o, endpoints: nodes.endpoints, httpClient: "fetch" });
    expect(viaFetch.digest).toBe(here.digest);
    expect(viaFetch.communication.wire).toEqual((await run(p, { ...o, endpoints: nodes.endpoints })).communication.wire);
  });

  it("heterogeneous nodes (own shards, dense rows, per-coordinate Bernoulli, Rand-K, identity), the theory step and the scalar build", async () => {
    const { m, data } = await problems();
    const rows = (lo: number, hi: number) => Array.from({ length: hi - lo }, (_, r) => lo + r);
    const dense = m.data.dense(Array.from({ length: 300 * 50 }, (_, k) => ((k * 7) % 13 - 6) / 6), { rows: 300, cols: 50, labels: Array.from({ length: 300 }, (_, i) => (i % 3 ? 1 : -1)) });
    const nodesList = [
      { data: data.subset(rows(0, 500)), sketch: sketch.randK(20) },
      { data: dense, sketch: sketch.bernoulli(Array.from({ length: 50 }, (_, j) => 0.2 + j / 100)) },
      { data: data.subset(rows(500, 700)), sketch: sketch.identity() },
      { data: data.subset(rows(700, 1200)), sketch: sketch.bernoulli(0.3) },
    ];
    for (const build of ["simd", "scalar"] as const) {
      const mm = await mast(build);
      const p = mm.problem({ data, loss: "logistic", l2: 1e-3 });
      const o = { nodes: nodesList, iterations: 30, seed: 4 };   // the theory step: each node's constants over HTTP
      const here = await run(p, { ...o, workers: 0 });
      const r = await run(p, { ...o, endpoints: nodes.endpoints });
      expect(r.digest, build).toBe(here.digest);
      expect(r.stepSize).toBe(here.stepSize);
      expect(r.constants!.L).toEqual(here.constants!.L);
      expect(r.trace.map((t) => t.f)).toEqual(here.trace.map((t) => t.f));
    }
  });

  it("networks and intercepts: IST over hidden units of an MLP, a softmax model with unit-free Rand-K, and a logistic model with fitIntercept give the bits of threads", async () => {
    const m = await mast();
    const data = blobs(m, 240, 12, 4, 31, [2, 5, 7, 9]).data;   // class values that are not 0..C−1, and a class shard 0 lacks
    const mlp = m.network({ data, hidden: [10, 8], l2: 1e-3 });
    const o = { nodes: 3, iterations: 30, stepSize: 0.1, batch: 8, seed: 9, recordEvery: 10 };
    const here = await run(mlp as never, { ...o, workers: 0 });
    const r = await run(mlp as never, { ...o, endpoints: nodes.endpoints.slice(0, 2) });
    expect(r.threads).toBe("endpoints");
    expect(r.digest).toBe(here.digest);
    expect(r.trace.map((t) => t.f)).toEqual(here.trace.map((t) => t.f));
    expect(Array.from(r.communication.down)).toEqual(Array.from(here.communication.down));
    const dropout = { ...o, batch: "full", sketch: sketch.bernoulli(0.5, { over: "units" }) };
    expect((await run(mlp as never, { ...dropout, endpoints: nodes.endpoints })).digest).toBe((await run(mlp as never, { ...dropout, workers: 0 })).digest);
    const softmax = m.network({ data });
    const rk = { ...o, sketch: sketch.randK(20) };
    expect((await run(softmax as never, { ...rk, endpoints: nodes.endpoints })).digest).toBe((await run(softmax as never, { ...rk, workers: 0 })).digest);
    const lin = m.problem({ data: m.data.synthetic({ rows: 300, cols: 20, density: 0.3, seed: 5 }), l2: 1e-3, fitIntercept: true });
    const li = { nodes: 2, iterations: 20, stepSize: 0.5, seed: 2 };
    expect((await run(lin, { ...li, endpoints: nodes.endpoints.slice(0, 2) })).digest).toBe((await run(lin, { ...li, workers: 0 })).digest);
  });

  it("the Worker as on Cloudflare (runs held in a Durable Object) gives the same bits", async () => {
    const { p } = await problems();
    const node = await startNode({ durableObject: true });
    extra.push(node);
    const o = { nodes: 2, iterations: 25, stepSize: 0.5, seed: 3 };
    expect((await run(p, { ...o, endpoints: [node.url] })).digest).toBe((await run(p, { ...o, workers: 0 })).digest);
    await node.stop();
  });
});

describe("distributed runs over node processes: bytes on the wire", () => {
  it("the round bodies that crossed the sockets are the communication counts plus a fixed frame; shards are counted apart", async () => {
    const { p } = await problems();
    const proxies = await Promise.all(nodes.endpoints.slice(0, 2).map(proxy));
    try {
      const M = 4, T = 30;
      const r = await run(p, { nodes: M, iterations: T, stepSize: 0.5, seed: 9, recordEvery: 10, endpoints: proxies.map((x) => x.url) });
      const log = proxies.flatMap((x) => x.log);
      const sum = (f: (e: (typeof log)[number]) => boolean, k: "req" | "res") => log.filter(f).reduce((s, e) => s + e[k], 0);
      const w = r.communication.wire!;
      // every round request and reply, as the proxies saw them
      expect(sum((e) => e.kind === 2, "req")).toBe(w.down);
      expect(sum((e) => e.kind === 2, "res")).toBe(w.up);
      expect(sum((e) => e.kind === 1, "req")).toBe(w.shard);
      expect(sum((e) => e.kind === 3 || e.kind === 4, "req") + sum((e) => e.kind === 3 || e.kind === 4 || e.kind === 1, "res")).toBe(w.other);
      expect(log.filter((e) => e.kind !== 5).length).toBe(w.requests);
      for (let t = 0; t < T; t++) {
        expect(sum((e) => e.kind === 2 && e.t === t, "req"), `round ${t}`).toBe(r.communication.down[t] + M * 48);
        expect(sum((e) => e.kind === 2 && e.t === t, "res"), `round ${t}`).toBe(r.communication.up[t] + M * 24);
        expect(log.filter((e) => e.kind === 2 && e.t === t).length).toBe(M);
      }
      expect(w.down).toBe(r.communication.totals.down + T * M * 48);
      expect(w.up).toBe(r.communication.totals.up + T * M * 24);
      // the shards: every row once (8 bytes a value, 4 an index, 8 a label, plus the shift and settings per node)
      expect(w.shard).toBeGreaterThan(1200 * 8 + p.data.nnz * 12);
      expect(w.shard).toBeLessThan(1200 * 12 + p.data.nnz * 12 + M * (50 * 8 + 200));
      // HTTP's own bytes (headers) on top of the bodies
      const bodies = log.reduce((s, e) => s + e.req + e.res, 0);
      expect(proxies.reduce((s, x) => s + x.socketBytes(), 0)).toBeGreaterThan(bodies);
    } finally {
      await Promise.all(proxies.map((x) => x.close()));
    }
  });
});

describe("node processes: a token and bad requests", () => {
  it("a node with a token refuses a coordinator without it (401 at set-up, naming the endpoint) and serves one with it", async () => {
    const { p } = await problems();
    const node = await startNode({ token: "T0k3n-for-tests" });
    extra.push(node);
    const o = { nodes: 2, iterations: 10, stepSize: 0.5, seed: 1, endpoints: [node.url] };
    for (const token of [undefined, "wrong"]) {
      const err: any = await run(p, { ...o, ...(token ? { token } : {}) }).catch((e) => e);
      expect(err.name).toBe("DistributedError");
      expect(err.round).toBe(null);
      expect(err.endpoint).toBe(node.url);
      expect(err.message).toMatch(new RegExp(`^distributed run failed at set-up: node [01] \\(endpoint ${node.url}\\) answered 401: ${token ? "wrong token" : "this node needs a token"}`));
    }
    const r = await run(p, { ...o, token: "T0k3n-for-tests" });
    expect(r.digest).toBe((await run(p, { nodes: 2, iterations: 10, stepSize: 0.5, seed: 1 })).digest);
    expect((await fetch(node.url)).status).toBe(401);
    await node.stop();
    expect(node.logs()).toMatch(/mast node: 401 POST \/: this node needs a token/);
    await expect(startNode({ host: "0.0.0.0" })).rejects.toThrow(/host 0\.0\.0\.0 makes the node reachable from other machines: give it a token/);
  });

  it("a malformed request, a wrong protocol version and an unknown run get a 4xx and a log line; the node keeps serving", async () => {
    const node = nodes.nodes[2];
    const post = (body: Uint8Array) => fetch(node.url, { method: "POST", body });
    const head = (version: number, kind: number) => { const b = new Uint8Array(32); const v = new DataView(b.buffer); v.setUint32(0, 0x4e54534d, true); v.setUint32(4, version, true); v.setUint32(8, kind, true); return b; };
    const cases: [Uint8Array, number, RegExp][] = [
      [new TextEncoder().encode("{\"not\": \"binary\"}"), 400, /malformed request/],
      [head(3, 4), 400, /protocol version 3, this node speaks version 2/],
      [head(2, 4), 404, /unknown run 00000000 node 0/],
    ];
    for (const [body, status, msg] of cases) {
      const res = await post(body);
      expect(res.status).toBe(status);
      expect((await res.json()).error).toMatch(msg);
    }
    const deadline = Date.now() + 3000;
    while (!/404 POST \/ constants/.test(node.logs()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(node.logs()).toMatch(/mast node: 400 POST \/: malformed request/);
    expect(node.logs()).toMatch(/mast node: 400 POST \/: protocol version 3/);
    expect(node.logs()).toMatch(/mast node: 404 POST \/ constants \(run 00000000 node 0\): unknown run/);
    const { p } = await problems();
    const r = await run(p, { nodes: 2, iterations: 5, stepSize: 0.5, endpoints: [node.url] });
    expect(r.iterations).toBe(5);
  });

  it("options of endpoints are checked", async () => {
    const { p } = await problems();
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ nodes: 2, endpoints: [] }, /^endpoints must be a non-empty array of node URLs/],
      [{ nodes: 2, endpoints: "http://127.0.0.1:1" }, /^endpoints must be a non-empty array/],
      [{ nodes: 2, endpoints: ["http://a:1", "http://b:1", "http://c:1"] }, /^endpoints must have at most M = 2 entries/],
      [{ nodes: 2, endpoints: ["127.0.0.1:8701"] }, /^endpoints\[0\] must be an http: or https: URL|^endpoints\[0\] must be a URL/],
      [{ nodes: 2, endpoints: ["ftp://127.0.0.1:1"] }, /^endpoints\[0\] must be an http: or https: URL/],
      [{ nodes: 2, endpoints: ["http://u:pw@127.0.0.1:1"] }, /^endpoints\[0\] must not carry credentials/],
      [{ nodes: 2, endpoints: [3] }, /^endpoints\[0\] must be a URL string, got 3/],
      [{ nodes: 2, endpoints: ["http://127.0.0.1:1"], workers: 2 }, /^workers goes with threads/],
      [{ nodes: 2, token: "x" }, /^token goes with endpoints/],
      [{ nodes: 2, endpoints: ["http://127.0.0.1:1"], token: "a b" }, /^token must be a string of 1 to 4096 visible ASCII/],
      [{ nodes: 2, nodeTimeoutMs: 100 }, /^nodeTimeoutMs goes with endpoints/],
      [{ nodes: 2, endpoints: ["http://127.0.0.1:1"], nodeTimeoutMs: -1 }, /^nodeTimeoutMs must be a positive/],
      [{ nodes: 2, endpoints: ["http://127.0.0.1:1"], failAt: { node: 0, round: 1 } }, /^failAt is a test hook of threads/],
      [{ nodes: 2, httpClient: "fetch" }, /^httpClient goes with endpoints/],
      [{ nodes: 2, endpoints: ["http://127.0.0.1:1"], httpClient: "undici" }, /^httpClient must be one of "auto", "fetch"|^httpClient must be "auto" or "fetch"/],
    ];
    for (const [o, msg] of bad) {
      const e: any = await run(p, o).then(() => null, (x) => x);
      expect(e?.name === "TypeError" || e?.name === "RangeError", `${JSON.stringify(o)}: ${e?.message}`).toBe(true);
      expect(e.message).toMatch(msg);
    }
    // a port with nothing behind it: a DistributedError at set-up, at once
    const free = await new Promise<number>((r) => { const s = createServer().listen(0, "127.0.0.1", () => { const port = (s.address() as { port: number }).port; s.close(() => r(port)); }); });
    const t0 = performance.now();
    const e: any = await run(p, { nodes: 2, iterations: 5, endpoints: [`http://127.0.0.1:${free}`] }).catch((x) => x);
    expect(e.name).toBe("DistributedError");
    expect(e.message).toMatch(new RegExp(`^distributed run failed at set-up: node [01] \\(endpoint http://127\\.0\\.0\\.1:${free}\\) could not be reached: ECONNREFUSED`));
    expect(e.checkpoint).toBe(null);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

describe("node processes: faults, and resuming from the error's checkpoint", () => {
  it("a node process killed mid-run (SIGKILL) fails the run at once, naming round, node and endpoint; restarted, the run resumes to the uninterrupted digest", async () => {
    const { p } = await problems();
    const c = await start({ nodes: 2 });
    try {
      const o = { nodes: 4, iterations: 60, stepSize: 0.5, seed: 5, recordEvery: 10 };
      const whole = await run(p, { ...o, workers: 0 });
      const timeout = 20_000;
      const victim = c.nodes[1];
      let killedAt = 0;
      const err: any = await run(p, {
        ...o, endpoints: c.endpoints, nodeTimeoutMs: timeout,
        onProgress: (row: { iteration: number }) => { if (row.iteration === 30) { process.kill(victim.pid, "SIGKILL"); killedAt = performance.now(); } },
      }).catch((e) => e);
      const took = performance.now() - killedAt;
      expect(err.name).toBe("DistributedError");
      expect(err.round).toBe(30);
      expect([1, 3]).toContain(err.nodes[0]);                       // nodes 1 and 3 computed at endpoint 1
      expect(err.endpoint).toBe(victim.url);
      expect(err.message).toMatch(new RegExp(`^distributed run failed at round 30: node [13] \\(endpoint ${victim.url}\\) (could not be reached|broke off its answer)`));
      expect(took).toBeLessThan(2000);
      expect(took).toBeLessThan(timeout);
      expect(await victim.exited).toBe("SIGKILL");
      expect(alive(victim.pid)).toBe(false);
      // restart the node on its port; resume
      const again = await startNode({ port: victim.port });
      try {
        expect(again.url).toBe(victim.url);
        const rest = await run(p, { ...o, endpoints: c.endpoints, resumeFrom: err.checkpoint });
        expect(rest.trace[0].iteration).toBe(30);
        expect(rest.digest).toBe(whole.digest);
        expect(Array.from(rest.communication.down)).toEqual(Array.from(whole.communication.down));
      } finally {
        await again.stop();
      }
    } finally {
      await c.stop();
    }
    expect(workerdChildren()).toEqual(nodes.nodes.map((n) => n.pid).sort((a, b) => a - b));
  });

  it("a node that stops answering (SIGSTOP) fails the run within nodeTimeoutMs; once it answers again the run resumes", async () => {
    const { p } = await problems();
    const c = await start({ nodes: 2 });
    const frozen = c.nodes[0];
    try {
      const o = { nodes: 2, iterations: 40, stepSize: 0.5, seed: 6, recordEvery: 10 };
      const whole = await run(p, { ...o, workers: 2 });
      let stoppedAt = 0;
      const err: any = await run(p, {
        ...o, endpoints: c.endpoints, nodeTimeoutMs: 1500,
        onProgress: (row: { iteration: number }) => { if (row.iteration === 20) { process.kill(frozen.pid, "SIGSTOP"); stoppedAt = performance.now(); } },
      }).catch((e) => e);
      const took = performance.now() - stoppedAt;
      expect(err.name).toBe("DistributedError");
      expect(err.message).toBe(`distributed run failed at round 20: node 0 (endpoint ${frozen.url}) did not answer within 1500 ms (nodeTimeoutMs)`);
      expect(err.round).toBe(20);
      expect(err.nodes).toEqual([0]);
      expect(took).toBeGreaterThanOrEqual(1400);
      expect(took).toBeLessThan(1500 + 1000);
      process.kill(frozen.pid, "SIGCONT");
      const rest = await run(p, { ...o, endpoints: c.endpoints, resumeFrom: err.checkpoint });
      expect(rest.digest).toBe(whole.digest);
    } finally {
      try { process.kill(frozen.pid, "SIGCONT"); } catch { /* gone */ }
      await c.stop();
    }
    for (const n of c.nodes) expect(alive(n.pid)).toBe(false);
    expect(workerdChildren()).toEqual(nodes.nodes.map((n) => n.pid).sort((a, b) => a - b));
  });
});
