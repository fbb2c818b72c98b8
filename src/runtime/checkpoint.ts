/**
 * Checkpoints: the full state of a run as bytes — the settings, the iteration count (which is the generator's
 * position, since every draw is a function of (seed, stream, step)), the work counters, x and, for the variance-reduced
 * methods, the reference point w and gradient G; plus large settings (probabilities, explicit sketch sets) as arrays.
 *
 * Layout (version 3): "MASTCKPT", u32 version, u32 header length, header JSON (UTF-8), zero padding to 8 bytes, the
 * arrays named in header.arrays as little-endian f64, then the SHA-256 of every byte before it (32 bytes). A checkpoint
 * with any byte changed, or cut anywhere, is refused: its hash no longer matches (or it is too short to hold one).
 * An array of which fewer than half the entries differ from +0 (bit for bit: −0 counts as a value) is stored sparse:
 * its entry in header.arrays has `nonZeros: m`, and the body holds its m indices (increasing, as f64), then their m
 * values. High-dimensional runs hold mostly-zero d-vectors (x near a zero shift, the averaging sums of untouched
 * coordinates), so their checkpoints stay small. Version 2 (dense arrays only) is still read.
 * @module
 */
import { sha256, sha256Async } from "./digest.js";
import { Scattered, everyNonZero } from "./columns.js";

const MAGIC = "MASTCKPT";
/** The checkpoint format this library writes and reads (1 had no hash and is no longer read). */
export const CHECKPOINT_VERSION = 3;
/** Older formats this library still reads. */
const READS = [2, 3];
const HASH_BYTES = 32;
/** The smallest checkpoint: magic, version, header length and the hash. */
const MIN_BYTES = 16 + HASH_BYTES;

/** The decoded form of a checkpoint. */
export interface CheckpointData {
  header: Record<string, unknown> & { arrays: { name: string; length: number }[] };
  arrays: Record<string, Float64Array>;
}

const LITTLE = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
/** Arrays shorter than this are always stored dense (the header entry would cost more than it saves). */
const SPARSE_MIN = 64;

/** An array a checkpoint stores: dense, or a d-vector held scattered (a compact run's state; the same bytes). */
export type CheckpointArray = ArrayLike<number> | Scattered;

/** encodeCheckpoint(header, arrays) → bytes. */
export function encodeCheckpoint(header: Record<string, unknown>, arrays: Record<string, CheckpointArray>): Uint8Array {
  const { out, body } = layout(header, arrays);
  out.set(sha256(out.subarray(0, body)), body);
  return out;
}

/** encodeCheckpointAsync(header, arrays): the same bytes, hashed by sha256Async (native in every runtime). The arrays
 *  are copied before the first await, so views into a kernel's memory may be passed. */
export async function encodeCheckpointAsync(header: Record<string, unknown>, arrays: Record<string, CheckpointArray>): Promise<Uint8Array> {
  const { out, body } = layout(header, arrays);
  out.set(await sha256Async(out.subarray(0, body)), body);
  return out;
}

// sparseIndices(a): the indices of the entries of a that are not +0 (−0 and NaN count), or null when more than half
// are. One pass; a Float64Array by everyNonZero (a run of zeros costs one test).
function sparseIndices(a: ArrayLike<number>): Int32Array | null {
  const n = a.length, limit = n >> 1;
  let out = new Int32Array(Math.min(limit + 1, 4096)), m = 0;
  const push = (i: number): boolean => {
    if (m === out.length) { if (m > limit) return false; const next = new Int32Array(Math.min(2 * m, limit + 1)); next.set(out); out = next; }
    out[m++] = i;
    return m <= limit;
  };
  if (a instanceof Float64Array) {
    if (!everyNonZero(a, push)) return null;
  } else {
    for (let i = 0; i < n; i++) { const v = a[i]; if ((v !== 0 || 1 / v < 0) && !push(i)) return null; }
  }
  return out.subarray(0, m);
}

// layout(header, arrays): every byte of a checkpoint but its hash, and where the hash goes
function layout(header: Record<string, unknown>, arraysIn: Record<string, CheckpointArray>): { out: Uint8Array; body: number } {
  const names = Object.keys(arraysIn);
  // what each entry's body is written from: a dense source, or sparse indices with their values (explicit, or read
  // from the dense source at those indices)
  const dense = new Map<string, ArrayLike<number>>();
  const sparse = new Map<string, { at: ArrayLike<number>; values: ArrayLike<number>; byIndex: boolean }>();
  const entries = names.map((name) => {
    const a = arraysIn[name], length = a.length;
    if (a instanceof Scattered) {
      // the same choice and bytes as for its expanded d-vector, in O(held) when sparse
      const nz = a.zeroBackground ? a.nonZeros() : null;
      if (nz && length >= SPARSE_MIN && 2 * nz.at.length < length) { sparse.set(name, { ...nz, byIndex: false }); return { name, length, nonZeros: nz.at.length }; }
      dense.set(name, a.expand());
      return { name, length };
    }
    const idx = length >= SPARSE_MIN ? sparseIndices(a) : null;
    if (idx === null || 2 * idx.length >= length) { dense.set(name, a); return { name, length }; }
    sparse.set(name, { at: idx, values: a, byIndex: true });
    return { name, length, nonZeros: idx.length };
  });
  const h = new TextEncoder().encode(JSON.stringify({ ...header, arrays: entries }));
  const start = Math.ceil((16 + h.length) / 8) * 8;
  const body = start + entries.reduce((s, e) => s + 8 * ("nonZeros" in e ? 2 * e.nonZeros! : e.length), 0);
  const out = new Uint8Array(body + HASH_BYTES);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) out[i] = MAGIC.charCodeAt(i);
  view.setUint32(8, CHECKPOINT_VERSION, true);
  view.setUint32(12, h.length, true);
  out.set(h, 16);
  let off = start;
  for (const e of entries) {
    if ("nonZeros" in e) {
      const { at, values, byIndex } = sparse.get(e.name)!, m = at.length;
      for (let k = 0; k < m; k++) { view.setFloat64(off + 8 * k, at[k], true); view.setFloat64(off + 8 * (m + k), byIndex ? values[at[k]] : values[k], true); }
      off += 16 * m;
      continue;
    }
    const a = dense.get(e.name)!;
    if (LITTLE && a instanceof Float64Array) {
      // a d-vector at memory speed: the body's arrays start 8-aligned, so on a little-endian machine it is one copy
      new Float64Array(out.buffer, off, a.length).set(a); off += 8 * a.length;
    } else for (let i = 0; i < a.length; i++, off += 8) view.setFloat64(off, a[i], true);
  }
  return { out, body };
}

/**
 * decodeCheckpoint(bytes): the header and arrays; a TypeError/RangeError naming resumeFrom when the bytes are not a
 * checkpoint, are of another format version, or were changed or truncated (the SHA-256 does not match).
 */
export function decodeCheckpoint(bytes: unknown): CheckpointData {
  if (!(bytes instanceof Uint8Array)) throw new TypeError("resumeFrom must be a checkpoint (a Uint8Array from a result's checkpoint)");
  const bad = (why: string) => new RangeError(`resumeFrom is not a valid mast-wasm checkpoint: ${why}`);
  const { header, len, version } = verified(bytes, bad);
  return { header, arrays: readArrays(bytes, header, len, version, bad) };
}

// verified(bytes, bad): the header of a checkpoint whose magic, version and SHA-256 hold.
function verified(bytes: Uint8Array, bad: (why: string) => Error): { header: CheckpointData["header"]; len: number; version: number } {
  if (bytes.length < MIN_BYTES) {
    throw bad(`it is truncated or empty (${bytes.length} bytes; a checkpoint has at least ${MIN_BYTES})`);
  }
  for (let i = 0; i < 8; i++) {
    if (bytes[i] !== MAGIC.charCodeAt(i)) throw bad(`it does not start with "${MAGIC}" (it is not a checkpoint, or its first bytes were changed)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version === 1) throw bad("it is a version 1 checkpoint (no integrity hash), which this library no longer reads; rerun the run to make a new one");
  if (!READS.includes(version)) {
    throw bad(`it says format version ${version}, this library reads versions ${READS.join(" and ")} (a newer library wrote it, or the bytes were changed)`);
  }
  const body = bytes.length - HASH_BYTES;
  const want = sha256(bytes.subarray(0, body));
  for (let i = 0; i < HASH_BYTES; i++) {
    if (want[i] !== bytes[body + i]) throw bad("its SHA-256 does not match its content: the checkpoint was changed or truncated");
  }
  // The hash holds, so what follows was written by encodeCheckpoint; the checks below guard against a bad writer.
  const len = view.getUint32(12, true);
  if (16 + len > body) throw bad("corrupt layout (the header runs past the end)");
  let header: CheckpointData["header"];
  try { header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + len))); } catch { throw bad("corrupt header"); }
  if (!header || !Array.isArray(header.arrays)) throw bad("corrupt header");
  return { header, len, version };
}

// readArrays(bytes, header, headerLength, version, bad, only?): the arrays of a checkpoint (or only the one named),
// checking the layout as it goes.
function readArrays(bytes: Uint8Array, header: CheckpointData["header"], len: number, version: number, bad: (why: string) => Error, only?: string): Record<string, Float64Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), body = bytes.length - HASH_BYTES;
  let off = Math.ceil((16 + len) / 8) * 8;
  const arrays: Record<string, Float64Array> = {};
  for (const { name, length, nonZeros: m } of header.arrays as { name: string; length: number; nonZeros?: number }[]) {
    const want = only === undefined || only === name;
    if (m !== undefined) {
      if (version < 3 || !Number.isSafeInteger(length) || !Number.isSafeInteger(m) || m < 0 || m > length || off + 16 * m > body) throw bad(`corrupt layout (sparse array ${name})`);
      if (want) {
        const a = new Float64Array(length);   // untouched pages of a mostly-zero d-vector stay virtual
        for (let k = 0; k < m; k++) {
          const i = view.getFloat64(off + 8 * k, true);
          if (!Number.isInteger(i) || i < 0 || i >= length || (k > 0 && i <= view.getFloat64(off + 8 * (k - 1), true))) throw bad(`corrupt layout (sparse array ${name})`);
          a[i] = view.getFloat64(off + 8 * (m + k), true);
        }
        arrays[name] = a;
      }
      off += 16 * m;
      continue;
    }
    if (!Number.isSafeInteger(length) || length < 0 || off + 8 * length > body) throw bad(`corrupt layout (array ${name} runs past the end)`);
    if (want) {
      const a = new Float64Array(length);
      if (LITTLE && (bytes.byteOffset + off) % 8 === 0) a.set(new Float64Array(bytes.buffer, bytes.byteOffset + off, length));
      else for (let i = 0; i < length; i++) a[i] = view.getFloat64(off + 8 * i, true);
      arrays[name] = a;
    }
    off += 8 * length;
  }
  if (only === undefined && off !== body) throw bad("corrupt layout (bytes after the last array)");
  return arrays;
}

/**
 * checkpointArray(bytes, name, what): one array of a checkpoint (e.g. a result's x_T, read back only when asked for),
 * after the same integrity checks as decodeCheckpoint (a checkpoint changed since is refused, naming `what`); null
 * when it holds no such array.
 */
export function checkpointArray(bytes: Uint8Array, name: string, what: string): Float64Array | null {
  const bad = (why: string) => new RangeError(`${what} is read from the result's checkpoint, which is no longer valid: ${why}`);
  const { header, len, version } = verified(bytes, bad);
  return readArrays(bytes, header, len, version, bad, name)[name] ?? null;
}
