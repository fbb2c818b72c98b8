// The wire protocol of node processes and the node's request handler, in this process: requests round-trip
// bit for bit; the decoder, fuzzed with fast-check, either decodes a request that re-encodes to the same bytes or
// throws a ProtocolError (never another error, never a huge allocation); the handler answers anything it cannot take
// with a 4xx and a log line and keeps serving; a node keeps nothing between rounds but its shard.
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  PROTOCOL, ROUND_FRAME, ROUND_REPLY_FRAME, ProtocolError, decodeRequest, decodeRoundReply, decodeValueReply, decodeConstantsReply,
  encodeEmpty, encodeInit, encodeRound, encodeValue, newRunId, type InitRequest, type Request as NodeRequest,
} from "../../src/methods/distributed/protocol.ts";
import { nodeHandler } from "../../src/methods/distributed/serve.ts";
import { Problem } from "../../src/models/linear.ts";
import { shardObjective } from "../../src/models/shard.ts";
import { Dataset } from "../../src/data/dataset.ts";
import { root, lcg } from "../helpers.ts";

const RUNS = Number(process.env.MAST_PROPERTY_RUNS ?? 150) * 4;
const SEED = Number(process.env.MAST_PROPERTY_SEED ?? 20261203);
const modules = {
  simd: new WebAssembly.Module(readFileSync(join(root, "dist/mast-simd.wasm"))),
  scalar: new WebAssembly.Module(readFileSync(join(root, "dist/mast-scalar.wasm"))),
};

/** A small CSR logistic shard and its init request. */
function shard(seed = 1, rows = 30, cols = 9): Omit<InitRequest, "kind"> {
  const rnd = lcg(seed);
  const indptr = [0], indices: number[] = [], values: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) if (rnd() < 0.4) { indices.push(j); values.push(2 * rnd() - 1); }
    indptr.push(indices.length);
  }
  const labels = Float64Array.from({ length: rows }, () => (rnd() < 0.5 ? -1 : 1));
  return {
    run: "00112233445566778899aabbccddeeff", node: 1, build: "simd", loss: "logistic", l2: 0.01, seed: [5, 0], M: 3,
    maxMemory: 2 ** 26, sketch: { kind: "permutation", nodes: 3 }, shift: Float64Array.from({ length: cols }, (_, j) => j / 20),
    data: { format: "csr", rows, cols, values: Float64Array.from(values), indptr: Int32Array.from(indptr), indices: Int32Array.from(indices), labels },
    intercept: false, network: null,
  };
}

/** A dense network shard: 3 classes with values 1, 4, 6 (a class this shard has no row of included), an MLP 4-5-3. */
function networkShard(): Omit<InitRequest, "kind"> {
  const rows = 6, cols = 4, d = (4 * 5 + 5) + (5 * 3 + 3);
  return {
    run: "ffeeddccbbaa99887766554433221100", node: 0, build: "scalar", loss: "logistic", l2: 0.001, seed: [7, 1], M: 2,
    maxMemory: 2 ** 26, sketch: { kind: "permutation", nodes: 2, over: "units" }, shift: Float64Array.from({ length: d }, (_, j) => j / 100),
    data: { format: "dense", rows, cols, values: Float64Array.from({ length: rows * cols }, (_, k) => k / 10), indptr: null, indices: null,
      labels: Float64Array.of(1, 4, 1, 4, 4, 1), classValues: Float64Array.of(1, 4, 6), classLabels: Int32Array.of(0, 1, 0, 1, 1, 0) },
    intercept: false, network: { hidden: [5], activation: "tanh", l2: 0.001, maxBatch: 4, batch: 3 },
  };
}

function handler(opts: { token?: string; maxBodyBytes?: number; maxNodes?: number } = {}) {
  const lines: string[] = [];
  const h = nodeHandler({ modules, objective: shardObjective, log: (l) => lines.push(l), ...opts });
  const post = async (body: Uint8Array, headers: Record<string, string> = {}) => {
    const res = await h(new Request("http://127.0.0.1/", { method: "POST", body: body as BodyInit, headers }));
    return { status: res.status, bytes: new Uint8Array(await res.arrayBuffer()), res };
  };
  return { h, lines, post };
}

/** encode(q): the bytes of a decoded request (to check that decoding loses nothing). */
function encode(q: NodeRequest): Uint8Array {
  switch (q.kind) {
    case "init": return encodeInit(q);
    case "round": return encodeRound(q.run, q.node, q.t, q.idx, q.val);
    case "value": return encodeValue(q.run, q.node, q.t, q.x);
    default: return encodeEmpty(q.kind, q.run, q.node);
  }
}

const valid = (): Uint8Array[] => {
  const s = shard();
  const dense: Omit<InitRequest, "kind"> = { ...s, loss: "squared", sketch: { kind: "bernoulli", p: Array.from({ length: 3 }, (_, j) => 0.3 + j / 10) },
    data: { format: "dense", rows: 2, cols: 3, values: Float64Array.of(1, 2, 3, 4, 5, 6), indptr: null, indices: null, labels: Float64Array.of(0.5, -2) },
    shift: new Float64Array(3) };
  return [
    encodeInit(s), encodeInit(dense), encodeInit({ ...s, sketch: { kind: "randK", k: 4 } }), encodeInit({ ...s, sketch: { kind: "bernoulli", p: 0.25 } }),
    encodeInit({ ...s, intercept: true, shift: new Float64Array(s.data.cols + 1) }), encodeInit(networkShard()),
    encodeInit({ ...networkShard(), sketch: { kind: "randK", k: 7 }, network: { ...networkShard().network!, batch: "full", hidden: [] }, shift: new Float64Array(15) }),
    encodeRound(s.run, 2, 17, Int32Array.of(0, 4, 7), Float64Array.of(0.5, -1, 2)), encodeRound(s.run, 0, 0, new Int32Array(0), new Float64Array(0)),
    encodeValue(s.run, 1, 3, Float64Array.of(1, 2, 3)), encodeEmpty("constants", s.run, 2), encodeEmpty("close", s.run, 0),
  ];
};

describe("the node protocol: encoding", () => {
  it("every request decodes to what was encoded and re-encodes to the same bytes; round frames are 48 and 24 bytes", () => {
    for (const bytes of valid()) expect(encode(decodeRequest(bytes))).toEqual(bytes);
    const s = shard();
    const q = decodeRequest(encodeInit(s)) as InitRequest;
    expect(q.kind).toBe("init");
    expect(q.data.values).toEqual(s.data.values);
    expect(q.data.indices).toEqual(s.data.indices);
    expect(q.shift).toEqual(s.shift);
    expect(q.sketch).toEqual(s.sketch);
    const ns = networkShard(), nq = decodeRequest(encodeInit(ns)) as InitRequest;
    expect(nq.network).toEqual(ns.network);
    expect(nq.sketch).toEqual(ns.sketch);
    expect(nq.data.classValues).toEqual(ns.data.classValues);
    expect(nq.data.classLabels).toEqual(ns.data.classLabels);
    expect(nq.shift).toEqual(ns.shift);
    expect((decodeRequest(encodeInit({ ...s, intercept: true, shift: new Float64Array(10) })) as InitRequest).intercept).toBe(true);
    // flags that contradict each other are refused: units without a network, a network with an intercept
    const flagsAt = (b: Uint8Array, v: number) => { const c = b.slice(); new DataView(c.buffer).setUint32(104, v, true); return c; };
    expect(() => decodeRequest(flagsAt(encodeInit(s), 4))).toThrow(/a sketch over units needs a network/);
    expect(() => decodeRequest(flagsAt(encodeInit(ns), 2 | 1 | 4))).toThrow(/a network takes no intercept/);
    expect(() => decodeRequest(flagsAt(encodeInit(s), 8))).toThrow(/flags must be an integer in 0\.\.7/);
    expect(encodeRound(s.run, 0, 1, Int32Array.of(1, 2), Float64Array.of(3, 4)).length).toBe(ROUND_FRAME + 24);
    expect(ROUND_FRAME).toBe(48);
    expect(ROUND_REPLY_FRAME).toBe(24);
    expect(newRunId()).toMatch(/^[0-9a-f]{32}$/);
    expect(newRunId()).not.toBe(newRunId());
  });

  it("refuses a wrong magic, another protocol version, an unknown kind, trailing bytes, a count that does not fit, non-finite numbers", () => {
    const [init, , , , , , , round] = valid();
    const at = (b: Uint8Array, off: number, v: number) => { const c = b.slice(); new DataView(c.buffer).setUint32(off, v, true); return c; };
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array(10), /^malformed request: 10 bytes, a request has at least 32/],
      [at(round, 0, 7), /does not start with "MSTN"/],
      [at(round, 4, PROTOCOL + 1), new RegExp(`^protocol version ${PROTOCOL + 1}, this node speaks version ${PROTOCOL}`)],
      [at(round, 8, 99), /unknown kind 99/],
      [new Uint8Array([...round, 0]), /a round of 3 entries has 84 bytes, got 85/],
      [at(round, 40, 2 ** 31), /a round of 2147483648 entries has/],
      [at(init, 80, 2 ** 31 - 1), /this shard .* needs/],
      [at(init, 64, 0), /M must be an integer in 1\.\./],
      [at(init, 76, 7), /format must be an integer in 0\.\.1/],
    ];
    const nan = round.slice();
    new DataView(nan.buffer).setFloat64(48, NaN, true);
    cases.push([nan, /sub-model's values\[0\] is NaN/]);
    const badT = round.slice();
    new DataView(badT.buffer).setFloat64(32, 2.5, true);
    cases.push([badT, /t must be an integer/]);
    for (const [b, msg] of cases) {
      let e: unknown = null;
      try { decodeRequest(b); } catch (x) { e = x; }
      expect(e, String(msg)).toBeInstanceOf(ProtocolError);
      expect((e as Error).message).toMatch(msg);
    }
  });

  it("fuzz: any bytes decode to a request that re-encodes to the same bytes, or throw a ProtocolError", () => {
    const check = (bytes: Uint8Array) => {
      let q: NodeRequest;
      try { q = decodeRequest(bytes); } catch (e) {
        if (!(e instanceof ProtocolError)) throw new Error(`not a ProtocolError: ${e}`);
        expect(e.status).toBe(400);
        return;
      }
      expect(encode(q)).toEqual(bytes);
    };
    const frames = valid();
    // 1. random bytes, with and without a valid header in front
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), fc.integer({ min: 0, max: 8 }), (rest, head, frame) => {
      const bytes = head ? new Uint8Array([...frames[frame].subarray(0, 32), ...rest]) : rest;
      check(bytes);
    }), { numRuns: RUNS, seed: SEED });
    // 2. valid requests with bytes changed, cut or appended
    fc.assert(fc.property(fc.integer({ min: 0, max: 8 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 4 }),
      fc.option(fc.nat()), fc.uint8Array({ maxLength: 16 }), (frame, flips, cut, tail) => {
        let bytes = frames[frame].slice();
        for (const [pos, mask] of flips) bytes[pos % bytes.length] ^= mask;
        if (cut !== null) bytes = bytes.slice(0, cut % (bytes.length + 1));
        check(new Uint8Array([...bytes, ...tail]));
      }), { numRuns: RUNS, seed: SEED });
    // 3. 32-bit fields (counts, rows, columns, kinds) set to extreme values never allocate more than the body holds
    fc.assert(fc.property(fc.integer({ min: 0, max: 8 }), fc.nat(25), fc.constantFrom(0, 1, 2 ** 31 - 1, 2 ** 32 - 1, 2 ** 16, 12345), (frame, field, v) => {
      const bytes = frames[frame].slice();
      const off = 4 * field;
      if (off + 4 > bytes.length) return;
      new DataView(bytes.buffer).setUint32(off, v, true);
      check(bytes);
    }), { numRuns: RUNS, seed: SEED });
  });
});

describe("the node's request handler", () => {
  it("serves a run: init, constants, rounds and values give the bits of the node in this thread", async () => {
    const { post, lines } = handler();
    const s = shard();
    expect((await post(encodeInit(s))).status).toBe(200);
    expect(lines.at(-1)).toMatch(/run 00112233 node 1: shard of 30 rows × 9 columns \(csr\), sketch permutation/);
    const c = decodeConstantsReply((await post(encodeEmpty("constants", s.run, 1))).bytes);
    const p = new Problem(modules.simd, { data: new Dataset({ ...s.data }), loss: "logistic", l2: 0.01, shift: s.shift });
    expect(c.rows).toBe(30);
    expect(c.L).toBe(p.smooth().L);
    const x = Float64Array.from({ length: 9 }, (_, j) => Math.sin(j));
    expect(decodeValueReply((await post(encodeValue(s.run, 1, 0, x))).bytes)).toBe(p.value(x));
    expect((await post(encodeInit(s))).status).toBe(409);
    expect((await post(encodeEmpty("close", s.run, 0))).status).toBe(200);
    expect((await post(encodeEmpty("constants", s.run, 1))).status).toBe(404);
  });

  it("keeps nothing between rounds: round t on a fresh node equals round t after rounds 0 … t−1", async () => {
    const s = shard(4, 40, 12);
    // node 1 of 3 under permutation(3): its support at round t, from a node asked with no entries (x = v)
    const a = handler(), b = handler();
    await a.post(encodeInit(s));
    await b.post(encodeInit(s));
    const rnd = lcg(9);
    let last: Uint8Array | null = null, lastReq: Uint8Array | null = null;
    for (let t = 0; t < 8; t++) {
      const probe = decodeRoundReply((await a.post(encodeRound(s.run, 1, t, new Int32Array(0), new Float64Array(0)))).bytes, t);
      // send values on the support the node reported (the coordinator sends y_j ≠ v_j in support order)
      const supp = probe.idx;
      const val = Float64Array.from(supp, (j) => s.shift[j] + (2 * rnd() - 1));
      lastReq = encodeRound(s.run, 1, t, supp, val);
      last = (await a.post(lastReq)).bytes;
    }
    const fresh = (await b.post(lastReq!)).bytes;
    expect(fresh).toEqual(last);
    expect(decodeRoundReply(fresh, 7).idx.length).toBeGreaterThan(0);
  });

  it("answers what it cannot take with a 4xx and a log line, and keeps serving", async () => {
    const { post, lines, h } = handler({ maxBodyBytes: 4096 });
    const s = shard();
    const bad: [Uint8Array | string, number, RegExp][] = [
      [new Uint8Array(5), 400, /malformed request/],
      [(() => { const b = encodeEmpty("constants", s.run, 1); new DataView(b.buffer).setUint32(4, 9, true); return b; })(), 400, /protocol version 9, this node speaks version 2/],
      [encodeRound(newRunId(), 0, 3, new Int32Array(0), new Float64Array(0)), 404, /unknown run [0-9a-f]{8} node 0: this node process does not hold it/],
      [encodeInit(shard(1, 200, 9)), 413, /at most 4096/],
      [encodeInit({ ...s, data: { ...s.data, labels: Float64Array.from(s.data.labels, (y, i) => (i === 3 ? 0.5 : y)) } }), 400, /the shard is refused: RangeError: loss "logistic" needs labels/],
      [encodeInit({ ...s, sketch: { kind: "randK", k: 10 } }), 400, /the shard is refused: RangeError: sketch\.k \(K\) must be in 1\.\.9/],
    ];
    for (const [body, status, msg] of bad) {
      const before = lines.length;
      const r = await post(typeof body === "string" ? new TextEncoder().encode(body) : body);
      expect(r.status, String(msg)).toBe(status);
      expect(JSON.parse(new TextDecoder().decode(r.bytes)).error).toMatch(msg);
      expect(lines.length).toBe(before + 1);
      expect(lines.at(-1)).toMatch(new RegExp(`^mast node: ${status} POST /`));
    }
    // a body without Content-Length (a stream) is cut off at the limit too
    const stream = new ReadableStream({ start(c) { for (let i = 0; i < 10; i++) c.enqueue(new Uint8Array(1000)); c.close(); } });
    const r = await h(new Request("http://127.0.0.1/", { method: "POST", body: stream, duplex: "half" } as RequestInit));
    expect(r.status).toBe(413);
    const put = await h(new Request("http://127.0.0.1/", { method: "PUT", body: "x" }));
    expect(put.status).toBe(405);
    const pre = await h(new Request("http://127.0.0.1/", { method: "OPTIONS" }));
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-headers")).toMatch(/authorization/);
    // still serving
    expect((await post(encodeInit(s))).status).toBe(200);
    expect((await post(encodeRound(s.run, 1, 0, new Int32Array(0), new Float64Array(0)))).status).toBe(200);
    // entries off the node's support are refused, not computed
    expect((await post(encodeRound(s.run, 1, 0, Int32Array.of(0, 1, 2, 3, 4, 5, 6, 7, 8), new Float64Array(9).fill(1)))).status).toBe(400);
    expect(lines.at(-1)).toMatch(/400 .*round 0: node 1 received 9 sub-model entries at round 0/);
  });

  it("fuzz: any body gets an answer below 500 and the node keeps serving", async () => {
    const { post } = handler();
    const s = shard();
    expect((await post(encodeInit(s))).status).toBe(200);
    const frames = valid();
    await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: 8 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 3 }),
      fc.option(fc.nat()), async (frame, flips, cut) => {
        let bytes = frames[frame].slice();
        for (const [pos, mask] of flips) bytes[pos % bytes.length] ^= mask;
        if (cut !== null) bytes = bytes.slice(0, cut % (bytes.length + 1));
        const r = await post(bytes);
        expect(r.status).toBeLessThan(500);
      }), { numRuns: RUNS, seed: SEED });
    // (a fuzzed request may be a valid close of the run, so the check sets up a run of its own)
    const run = newRunId();
    expect((await post(encodeInit({ ...s, run }))).status).toBe(200);
    expect((await post(encodeEmpty("constants", run, 1))).status).toBe(200);
  });

  it("with a token: refuses requests without it or with another (401), GET included; answers with it", async () => {
    const { post, lines, h } = handler({ token: "s3cret-token" });
    const s = shard();
    expect((await post(encodeInit(s))).status).toBe(401);
    expect(lines.at(-1)).toMatch(/^mast node: 401 POST \/: this node needs a token/);
    expect((await post(encodeInit(s), { authorization: "Bearer s3cret-tokex" })).status).toBe(401);
    expect(lines.at(-1)).toMatch(/wrong token/);
    expect((await post(encodeInit(s), { authorization: "s3cret-token" })).status).toBe(401);
    expect((await h(new Request("http://127.0.0.1/"))).status).toBe(401);
    expect((await post(encodeInit(s), { authorization: "Bearer s3cret-token" })).status).toBe(200);
    const ok = await h(new Request("http://127.0.0.1/", { headers: { authorization: "Bearer s3cret-token" } }));
    expect(await ok.json()).toEqual({ mast: "node", protocol: 2, runs: 1, nodes: 1, token: true });
  });

  it("holds at most maxNodes nodes: the least recently used run is dropped", async () => {
    const { post, lines } = handler({ maxNodes: 2 });
    const runs = [newRunId(), newRunId(), newRunId()];
    for (const run of runs) expect((await post(encodeInit({ ...shard(), run }))).status).toBe(200);
    expect(lines.some((l) => l.includes(`run ${runs[0].slice(0, 8)} dropped`))).toBe(true);
    expect((await post(encodeEmpty("constants", runs[0], 1))).status).toBe(404);
    expect((await post(encodeEmpty("constants", runs[2], 1))).status).toBe(200);
    expect(() => nodeHandler({ modules, objective: shardObjective, maxBodyBytes: NaN })).toThrow(/maxBodyBytes must be/);
  });
});
