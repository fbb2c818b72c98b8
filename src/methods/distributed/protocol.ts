/**
 * The wire protocol between a coordinator and node processes (`mast node`, workerd or a Cloudflare Worker): binary
 * bodies of HTTP POST requests, little-endian, f64 arrays at 8-byte aligned offsets (numbers are never sent as text).
 *
 * Every request starts with a 32-byte header: u32 magic "MSTN", u32 protocol version, u32 kind, u32 node, 16 bytes run
 * id. Then, by kind:
 *
 *   init       f64 l2, f64 maxMemory, f64 p (Bernoulli), u32 seed lo, u32 seed hi, u32 M, u32 build, u32 loss,
 *              u32 format, u32 rows, u32 cols, u32 nnz, u32 sketch kind, u32 K or M of the sketch, u32 length of p_j,
 *              u32 flags (1: fitIntercept, 2: a network, 4: the sketch is over units), u32 activation (relu 0,
 *              tanh 1), u32 maxBatch, u32 batch (0: full), u32 H hidden layers, u32 C classes (networks; else 0),
 *              then f64 shift[d], f64 values[nnz], f64 labels[rows], f64 p_j[…], f64 class values[C],
 *              (CSR) i32 indptr[rows+1], i32 indices[nnz], i32 hidden widths[H], i32 row classes[C > 0 ? rows : 0]
 *              (d is the parameter count: cols for a linear model, cols + 1 with an intercept, the network's
 *              weights and biases for a network)                                      → reply: header only
 *   round      f64 t, u32 count, u32 0, f64 y[count], i32 j[count]: the sub-model's entries (48 + 12·count bytes)
 *                                                       → reply: f64 t, f64 g[count], i32 j[count] (24 + 12·count)
 *   value      f64 t, u32 d, u32 0, f64 x[d]                                          → reply: f64 f_i(x)
 *   constants  nothing                                                  → reply: f64 n_i, L_{f_i}, L_D, μ_D, L_S^max
 *   close      nothing (forget every node of this run)                                → reply: header only
 *
 * A reply starts with 16 bytes: u32 magic, u32 protocol version, u32 kind, u32 count (round) or 0. A refused request
 * gets a 4xx status and a JSON body { error, protocol }; a node that failed computing, 500.
 * @module
 */
import type { Sketch } from "../../sketch/spec.js";
import type { DatasetWire, NetworkShared } from "./node.js";

/** The protocol version: a node refuses requests of any other version (400). */
export const PROTOCOL = 2;
const MAGIC = 0x4e54534d; // the bytes "MSTN"
/** Bytes of the request header. */
export const HEADER_BYTES = 32;
/** Bytes of a round request beyond its 12 per entry (the header, t and the count). */
export const ROUND_FRAME = 48;
/** Bytes of a round reply beyond its 12 per entry. */
export const ROUND_REPLY_FRAME = 24;
const INIT_FIXED = 128;
const REPLY_HEADER = 16;

export const KINDS = ["init", "round", "value", "constants", "close"] as const;
export type Kind = (typeof KINDS)[number];
const KIND_CODE: Record<Kind, number> = { init: 1, round: 2, value: 3, constants: 4, close: 5 };
const SKETCH_KINDS = ["identity", "bernoulli", "randK", "permutation"] as const;
const LOSSES = ["logistic", "squared"] as const;
const BUILDS = ["simd", "scalar"] as const;
const ACTIVATIONS = ["relu", "tanh"] as const;
const FLAG_INTERCEPT = 1, FLAG_NETWORK = 2, FLAG_UNITS = 4;
/** The most hidden layers a request may name (a bound for the decoder, far above any MLP trained here). */
const MAX_HIDDEN = 64;

/** A request the node cannot take: answered with `status` and the message, the node keeps serving. */
export class ProtocolError extends Error {
  constructor(message: string, readonly status = 400) {
    super(message);
    this.name = "ProtocolError";
  }
}

interface Head { run: string; node: number }
export interface InitRequest extends Head {
  kind: "init"; build: "simd" | "scalar"; loss: "logistic" | "squared"; l2: number; seed: [number, number]; M: number;
  maxMemory: number; sketch: Sketch; data: DatasetWire; shift: Float64Array;
  /** Data problems: x ends with an unpenalised intercept (fitIntercept). */
  intercept: boolean;
  /** Networks: the network every node builds on its shard (loss is then unused); null for data problems. */
  network: NetworkShared | null;
}
export interface RoundRequest extends Head { kind: "round"; t: number; idx: Int32Array; val: Float64Array }
export interface ValueRequest extends Head { kind: "value"; t: number; x: Float64Array }
export interface ConstantsRequest extends Head { kind: "constants" }
export interface CloseRequest extends Head { kind: "close" }
export type Request = InitRequest | RoundRequest | ValueRequest | ConstantsRequest | CloseRequest;

/** The constants a node reports (as {@link NodeConstants} in node.ts). */
export interface ConstantsReply { rows: number; L: number; LD: number; muD: number; LSmax: number }

const LITTLE = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** A bounds-checked little-endian writer over one buffer of known size. */
class Writer {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  private off = 0;
  constructor(size: number) { this.bytes = new Uint8Array(size); this.view = new DataView(this.bytes.buffer); }
  u32(v: number): void { this.view.setUint32(this.off, v, true); this.off += 4; }
  f64(v: number): void { this.view.setFloat64(this.off, v, true); this.off += 8; }
  raw(b: Uint8Array): void { this.bytes.set(b, this.off); this.off += b.length; }
  f64s(a: ArrayLike<number>): void {
    if (LITTLE && a instanceof Float64Array) { new Float64Array(this.bytes.buffer, this.off, a.length).set(a); this.off += 8 * a.length; } else for (let i = 0; i < a.length; i++) this.f64(a[i]);
  }
  i32s(a: ArrayLike<number>): void {
    if (LITTLE && a instanceof Int32Array) { new Int32Array(this.bytes.buffer, this.off, a.length).set(a); this.off += 4 * a.length; } else for (let i = 0; i < a.length; i++) { this.view.setInt32(this.off, a[i], true); this.off += 4; }
  }
  done(): Uint8Array {
    if (this.off !== this.bytes.length) throw new Error(`protocol: wrote ${this.off} of ${this.bytes.length} bytes`);
    return this.bytes;
  }
}

/** A bounds-checked little-endian reader: reading past the end is a {@link ProtocolError}. */
class Reader {
  private readonly view: DataView;
  off = 0;
  constructor(readonly bytes: Uint8Array, private readonly what: string) { this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength); }
  get left(): number { return this.bytes.length - this.off; }
  need(n: number, what: string): void {
    if (!(n <= this.left)) throw new ProtocolError(`malformed ${this.what}: ${what} needs ${n} bytes, ${this.left} left`);
  }
  u32(): number { this.need(4, "a u32"); const v = this.view.getUint32(this.off, true); this.off += 4; return v; }
  f64(): number { this.need(8, "an f64"); const v = this.view.getFloat64(this.off, true); this.off += 8; return v; }
  f64s(n: number, what: string): Float64Array {
    this.need(8 * n, what);
    const out = new Float64Array(n);
    if (LITTLE && (this.bytes.byteOffset + this.off) % 8 === 0) out.set(new Float64Array(this.bytes.buffer, this.bytes.byteOffset + this.off, n));
    else for (let i = 0; i < n; i++) out[i] = this.view.getFloat64(this.off + 8 * i, true);
    this.off += 8 * n;
    return out;
  }
  i32s(n: number, what: string): Int32Array {
    this.need(4 * n, what);
    const out = new Int32Array(n);
    if (LITTLE && (this.bytes.byteOffset + this.off) % 4 === 0) out.set(new Int32Array(this.bytes.buffer, this.bytes.byteOffset + this.off, n));
    else for (let i = 0; i < n; i++) out[i] = this.view.getInt32(this.off + 4 * i, true);
    this.off += 4 * n;
    return out;
  }
  end(): void {
    if (this.left !== 0) throw new ProtocolError(`malformed ${this.what}: ${this.left} bytes after its end`);
  }
}

/** A random run id (16 bytes as 32 hex digits): it names a run's shards on a node; it is not a secret. */
export function newRunId(): string {
  const b = new Uint8Array(16);
  globalThis.crypto.getRandomValues(b);
  let s = "";
  for (const x of b) s += x.toString(16).padStart(2, "0");
  return s;
}

function header(w: Writer, kind: Kind, run: string, node: number): void {
  w.u32(MAGIC); w.u32(PROTOCOL); w.u32(KIND_CODE[kind]); w.u32(node);
  for (let i = 0; i < 16; i++) w.raw(Uint8Array.of(parseInt(run.slice(2 * i, 2 * i + 2), 16)));
}

/** encodeInit(run, node, …): the init request of one node (its shard, sketch and the run's shared settings). */
export function encodeInit(r: Omit<InitRequest, "kind">): Uint8Array {
  const d = r.data;
  const csr = d.format === "csr";
  const probs = r.sketch.kind === "bernoulli" && typeof r.sketch.p !== "number" ? Float64Array.from(r.sketch.p) : null;
  const net = r.network;
  // classes travel for networks only (a shard keeps its parent's classes); a data problem reads its labels as they are
  const C = net && d.classValues && d.classLabels ? d.classValues.length : 0;
  const H = net ? net.hidden.length : 0;
  const size = INIT_FIXED + 8 * (r.shift.length + d.values.length + d.rows + (probs?.length ?? 0) + C)
    + 4 * ((csr ? d.rows + 1 + d.values.length : 0) + H + (C > 0 ? d.rows : 0));
  const w = new Writer(size);
  header(w, "init", r.run, r.node);
  const sk = r.sketch;
  w.f64(r.l2); w.f64(r.maxMemory); w.f64(sk.kind === "bernoulli" && typeof sk.p === "number" ? sk.p : 0);
  w.u32(r.seed[0]); w.u32(r.seed[1]); w.u32(r.M); w.u32(BUILDS.indexOf(r.build)); w.u32(LOSSES.indexOf(r.loss));
  w.u32(csr ? 1 : 0); w.u32(d.rows); w.u32(d.cols); w.u32(d.values.length);
  w.u32(SKETCH_KINDS.indexOf(sk.kind)); w.u32(sk.kind === "randK" ? sk.k : sk.kind === "permutation" ? sk.nodes : 0); w.u32(probs?.length ?? 0);
  const units = sk.kind !== "identity" && sk.over === "units";
  w.u32((r.intercept ? FLAG_INTERCEPT : 0) | (net ? FLAG_NETWORK : 0) | (units ? FLAG_UNITS : 0));
  w.u32(net ? ACTIVATIONS.indexOf(net.activation) : 0); w.u32(net ? net.maxBatch : 0);
  w.u32(net && net.batch !== "full" ? net.batch : 0); w.u32(H); w.u32(C);
  w.f64s(r.shift); w.f64s(d.values); w.f64s(d.labels);
  if (probs) w.f64s(probs);
  if (C > 0) w.f64s(d.classValues!);
  if (csr) { w.i32s(d.indptr!); w.i32s(d.indices!); }
  if (net) w.i32s(net.hidden);
  if (C > 0) w.i32s(d.classLabels!);
  return w.done();
}

/** encodeRound(run, node, t, idx, val): node's sub-model entries of round t (48 + 12·count bytes). */
export function encodeRound(run: string, node: number, t: number, idx: Int32Array, val: Float64Array): Uint8Array {
  const w = new Writer(ROUND_FRAME + 12 * idx.length);
  header(w, "round", run, node);
  w.f64(t); w.u32(idx.length); w.u32(0); w.f64s(val); w.i32s(idx);
  return w.done();
}

/** encodeValue(run, node, t, x): evaluate f_i(x). */
export function encodeValue(run: string, node: number, t: number, x: Float64Array): Uint8Array {
  const w = new Writer(48 + 8 * x.length);
  header(w, "value", run, node);
  w.f64(t); w.u32(x.length); w.u32(0); w.f64s(x);
  return w.done();
}

/** encodeEmpty(kind, run, node): a constants or close request. */
export function encodeEmpty(kind: "constants" | "close", run: string, node: number): Uint8Array {
  const w = new Writer(HEADER_BYTES);
  header(w, kind, run, node);
  return w.done();
}

/** An integer field in lo..hi, else a ProtocolError naming it. */
function field(name: string, v: number, lo: number, hi: number): number {
  if (!(Number.isInteger(v) && v >= lo && v <= hi)) throw new ProtocolError(`malformed request: ${name} must be an integer in ${lo}..${hi}, got ${v}`);
  return v;
}

/**
 * decodeRequest(bytes): the request, or a {@link ProtocolError} (400) saying what is wrong with it. Counts are checked
 * against the body's length before anything is allocated, and a request must end exactly where its layout does.
 */
export function decodeRequest(bytes: Uint8Array): Request {
  const r = new Reader(bytes, "request");
  if (bytes.length < HEADER_BYTES) throw new ProtocolError(`malformed request: ${bytes.length} bytes, a request has at least ${HEADER_BYTES}`);
  if (r.u32() !== MAGIC) throw new ProtocolError("malformed request: it does not start with \"MSTN\" (not a mast-wasm node request)");
  const version = r.u32();
  if (version !== PROTOCOL) throw new ProtocolError(`protocol version ${version}, this node speaks version ${PROTOCOL} (coordinator and node come from different mast-wasm versions)`);
  const code = r.u32();
  const kind = KINDS.find((k) => KIND_CODE[k] === code);
  if (kind === undefined) throw new ProtocolError(`malformed request: unknown kind ${code}`);
  const node = r.u32();
  let run = "";
  for (let i = 0; i < 16; i++) run += bytes[16 + i].toString(16).padStart(2, "0");
  r.off = HEADER_BYTES;
  const head = { run, node };
  switch (kind) {
    case "init": return decodeInit(r, head);
    case "round": {
      const t = r.f64();
      field("t", t, 0, Number.MAX_SAFE_INTEGER);
      const count = r.u32();
      if (r.u32() !== 0) throw new ProtocolError("malformed request: a reserved field is not 0");
      if (12 * count !== r.left) throw new ProtocolError(`malformed request: a round of ${count} entries has ${ROUND_FRAME + 12 * count} bytes, got ${bytes.length}`);
      const val = r.f64s(count, "the sub-model's values");
      const idx = r.i32s(count, "the sub-model's indices");
      r.end();
      finiteAll("the sub-model's values", val);
      return { kind, ...head, t, idx, val };
    }
    case "value": {
      const t = r.f64();
      field("t", t, 0, Number.MAX_SAFE_INTEGER);
      const d = r.u32();
      if (r.u32() !== 0) throw new ProtocolError("malformed request: a reserved field is not 0");
      if (8 * d !== r.left) throw new ProtocolError(`malformed request: x of length ${d} needs ${48 + 8 * d} bytes, got ${bytes.length}`);
      const x = r.f64s(d, "x");
      r.end();
      finiteAll("x", x);
      return { kind, ...head, t, x };
    }
    default:
      r.end();
      return { kind, ...head };
  }
}

function finiteAll(name: string, a: Float64Array): void {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) throw new ProtocolError(`malformed request: ${name}[${i}] is ${a[i]}`);
}

function decodeInit(r: Reader, head: Head): InitRequest {
  const l2 = r.f64(), maxMemory = r.f64(), p = r.f64();
  const seedLo = r.u32(), seedHi = r.u32(), M = r.u32(), build = r.u32(), loss = r.u32();
  const format = r.u32(), rows = r.u32(), cols = r.u32(), nnz = r.u32(), sk = r.u32(), k = r.u32(), plen = r.u32();
  const flags = r.u32(), activation = r.u32(), maxBatch = r.u32(), batch = r.u32(), H = r.u32(), C = r.u32();
  if (!(l2 >= 0 && l2 < Infinity)) throw new ProtocolError(`malformed request: l2 must be finite and ≥ 0, got ${l2}`);
  if (!(maxMemory >= 1 && maxMemory <= 2 ** 32)) throw new ProtocolError(`malformed request: maxMemory must be in 1..2^32, got ${maxMemory}`);
  field("M", M, 1, 2 ** 31);
  field("node", head.node, 0, M - 1);
  field("build", build, 0, BUILDS.length - 1);
  field("loss", loss, 0, LOSSES.length - 1);
  field("format", format, 0, 1);
  field("rows", rows, 1, 2 ** 31 - 1);
  field("cols", cols, 1, 2 ** 31 - 1);
  field("sketch kind", sk, 0, SKETCH_KINDS.length - 1);
  const csr = format === 1;
  if (!csr && nnz !== rows * cols) throw new ProtocolError(`malformed request: a dense shard has rows × cols = ${rows * cols} values, got ${nnz}`);
  field("flags", flags, 0, FLAG_INTERCEPT | FLAG_NETWORK | FLAG_UNITS);
  const intercept = (flags & FLAG_INTERCEPT) !== 0, isNet = (flags & FLAG_NETWORK) !== 0, units = (flags & FLAG_UNITS) !== 0;
  if (intercept && isNet) throw new ProtocolError("malformed request: a network takes no intercept flag");
  if (units && !isNet) throw new ProtocolError("malformed request: a sketch over units needs a network");
  if (units && SKETCH_KINDS[sk] === "identity") throw new ProtocolError("malformed request: the identity sketch is not over units");
  if (isNet) {
    field("activation", activation, 0, ACTIVATIONS.length - 1);
    field("maxBatch", maxBatch, 1, 2 ** 31 - 1);
    field("batch", batch, 0, maxBatch);
    field("hidden layers", H, 0, MAX_HIDDEN);
    field("classes", C, 2, 2 ** 31 - 1);
  } else if (activation !== 0 || maxBatch !== 0 || batch !== 0 || H !== 0 || C !== 0) {
    throw new ProtocolError("malformed request: activation, maxBatch, batch, hidden layers and classes must be 0 for a data problem");
  }
  // the parameter count d: the shift's length (a network's follows from its layers, checked once the widths are read)
  const dLinear = cols + (intercept ? 1 : 0);
  const left = r.left - 8 * (nnz + rows + plen + C) - 4 * ((csr ? rows + 1 + nnz : 0) + H + (C > 0 ? rows : 0));
  const dim = isNet ? left / 8 : dLinear;
  if (!Number.isInteger(dim) || dim < 1) throw new ProtocolError(`malformed request: this shard (${rows} × ${cols}, ${nnz} values) does not fit its ${r.bytes.length} bytes`);
  if (plen !== 0 && (SKETCH_KINDS[sk] !== "bernoulli" || units || plen !== (isNet ? dim : cols))) throw new ProtocolError(`malformed request: p_j must be given for coordinate Bernoulli sketches only, one per ${isNet ? "parameter" : "column"}, got ${plen}`);
  const want = 8 * (dim + nnz + rows + plen + C) + 4 * ((csr ? rows + 1 + nnz : 0) + H + (C > 0 ? rows : 0));
  if (want !== r.left) throw new ProtocolError(`malformed request: this shard (${rows} × ${cols}, ${nnz} values) needs ${INIT_FIXED + want} bytes, got ${r.bytes.length}`);
  const shift = r.f64s(dim, "the shift"), values = r.f64s(nnz, "the values"), labels = r.f64s(rows, "the labels");
  const probs = plen ? r.f64s(plen, "p_j") : null;
  const classValues = C > 0 ? r.f64s(C, "the class values") : null;
  const indptr = csr ? r.i32s(rows + 1, "indptr") : null, indices = csr ? r.i32s(nnz, "indices") : null;
  const hidden = r.i32s(H, "the hidden widths");
  const classLabels = C > 0 ? r.i32s(rows, "the row classes") : null;
  r.end();
  for (let i = 0; i < H; i++) field(`hidden[${i}]`, hidden[i], 1, 2 ** 24);
  if (classValues) finiteAll("class values", classValues);
  if (classLabels) for (let i = 0; i < rows; i++) field(`class of row ${i}`, classLabels[i], 0, C - 1);
  finiteAll("shift", shift);
  finiteAll("values", values);
  finiteAll("labels", labels);
  const kind = SKETCH_KINDS[sk];
  // fields a sketch does not use must be 0, so that a request decodes to one meaning only
  if ((kind !== "bernoulli" || probs) && !Object.is(p, 0)) throw new ProtocolError(`malformed request: p must be 0 for a ${probs ? "per-coordinate Bernoulli" : kind} sketch, got ${p}`);
  if ((kind === "identity" || kind === "bernoulli") && k !== 0) throw new ProtocolError(`malformed request: K must be 0 for a ${kind} sketch, got ${k}`);
  let sketch: Sketch;
  const over = units ? { over: "units" as const } : {};
  if (kind === "identity") sketch = { kind };
  else if (kind === "bernoulli") sketch = { kind, p: probs ? Array.from(probs) : p, ...over };
  else if (kind === "randK") sketch = { kind, k, ...over };
  else sketch = { kind, nodes: k, ...over };
  return {
    kind: "init", ...head, build: BUILDS[build], loss: LOSSES[loss], l2, seed: [seedLo, seedHi], M, maxMemory, sketch, shift,
    data: { format: csr ? "csr" : "dense", rows, cols, values, indptr, indices, labels, classValues, classLabels },
    intercept,
    network: isNet ? { hidden: Array.from(hidden), activation: ACTIVATIONS[activation], l2, maxBatch, batch: batch === 0 ? "full" : batch } : null,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------------------------------------------

function replyHeader(w: Writer, kind: Kind, count: number): void { w.u32(MAGIC); w.u32(PROTOCOL); w.u32(KIND_CODE[kind]); w.u32(count); }

/** encodeRoundReply(t, idx, val): the sketched gradient's non-zero entries (24 + 12·count bytes). */
export function encodeRoundReply(t: number, idx: Int32Array, val: Float64Array): Uint8Array {
  const w = new Writer(ROUND_REPLY_FRAME + 12 * idx.length);
  replyHeader(w, "round", idx.length);
  w.f64(t); w.f64s(val); w.i32s(idx);
  return w.done();
}
export function encodeValueReply(f: number): Uint8Array {
  const w = new Writer(REPLY_HEADER + 8);
  replyHeader(w, "value", 0); w.f64(f);
  return w.done();
}
export function encodeConstantsReply(c: ConstantsReply): Uint8Array {
  const w = new Writer(REPLY_HEADER + 40);
  replyHeader(w, "constants", 0);
  for (const v of [c.rows, c.L, c.LD, c.muD, c.LSmax]) w.f64(v);
  return w.done();
}
export function encodeAck(kind: "init" | "close"): Uint8Array {
  const w = new Writer(REPLY_HEADER);
  replyHeader(w, kind, 0);
  return w.done();
}

function readReply(bytes: Uint8Array, kind: Kind): { r: Reader; count: number } {
  const r = new Reader(bytes, `${kind} reply`);
  if (bytes.length < REPLY_HEADER) throw new ProtocolError(`malformed ${kind} reply: ${bytes.length} bytes`);
  if (r.u32() !== MAGIC) throw new ProtocolError(`malformed ${kind} reply: it does not start with "MSTN" (is this a mast-wasm node?)`);
  const version = r.u32();
  if (version !== PROTOCOL) throw new ProtocolError(`the node speaks protocol version ${version}, this coordinator version ${PROTOCOL}`);
  const code = r.u32();
  if (code !== KIND_CODE[kind]) throw new ProtocolError(`malformed ${kind} reply: kind ${code}`);
  return { r, count: r.u32() };
}

/** decodeRoundReply(bytes, t): the gradient entries (t must echo the request's). */
export function decodeRoundReply(bytes: Uint8Array, t: number): { idx: Int32Array; val: Float64Array } {
  const { r, count } = readReply(bytes, "round");
  const echo = r.f64();
  if (echo !== t) throw new ProtocolError(`malformed round reply: it answers round ${echo}, not ${t}`);
  if (12 * count !== r.left) throw new ProtocolError(`malformed round reply: ${count} entries need ${ROUND_REPLY_FRAME + 12 * count} bytes, got ${bytes.length}`);
  const val = r.f64s(count, "the gradient's values"), idx = r.i32s(count, "the gradient's indices");
  r.end();
  return { idx, val };
}
export function decodeValueReply(bytes: Uint8Array): number {
  const { r } = readReply(bytes, "value");
  const f = r.f64();
  r.end();
  return f;
}
export function decodeConstantsReply(bytes: Uint8Array): ConstantsReply {
  const { r } = readReply(bytes, "constants");
  const [rows, L, LD, muD, LSmax] = [r.f64(), r.f64(), r.f64(), r.f64(), r.f64()];
  r.end();
  return { rows, L, LD, muD, LSmax };
}
export function decodeAck(bytes: Uint8Array, kind: "init" | "close"): void {
  readReply(bytes, kind).r.end();
}
