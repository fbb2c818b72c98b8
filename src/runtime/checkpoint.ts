/**
 * Checkpoints: the full state of a run as bytes — the settings, the iteration count (which is the generator's
 * position, since every draw is a function of (seed, stream, step)), the work counters, x and, for the variance-reduced
 * methods, the reference point w and gradient G; plus large settings (probabilities, explicit sketch sets) as arrays.
 * Layout: "MASTCKPT", u32 version, u32 header length, header JSON (UTF-8), zero padding to 8 bytes, then the arrays
 * named in header.arrays as little-endian f64.
 * @module
 */

const MAGIC = "MASTCKPT";
const VERSION = 1;

/** The decoded form of a checkpoint. */
export interface CheckpointData {
  header: Record<string, unknown> & { arrays: { name: string; length: number }[] };
  arrays: Record<string, Float64Array>;
}

/** encodeCheckpoint(header, arrays) → bytes. */
export function encodeCheckpoint(header: Record<string, unknown>, arrays: Record<string, ArrayLike<number>>): Uint8Array {
  const names = Object.keys(arrays);
  const h = new TextEncoder().encode(JSON.stringify({ ...header, arrays: names.map((name) => ({ name, length: arrays[name].length })) }));
  const start = Math.ceil((16 + h.length) / 8) * 8;
  const total = start + names.reduce((s, n) => s + 8 * arrays[n].length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) out[i] = MAGIC.charCodeAt(i);
  view.setUint32(8, VERSION, true);
  view.setUint32(12, h.length, true);
  out.set(h, 16);
  let off = start;
  for (const n of names) for (let i = 0; i < arrays[n].length; i++, off += 8) view.setFloat64(off, arrays[n][i], true);
  return out;
}

/** decodeCheckpoint(bytes): the header and arrays; a TypeError/RangeError naming resumeFrom when the bytes are not one. */
export function decodeCheckpoint(bytes: unknown): CheckpointData {
  if (!(bytes instanceof Uint8Array)) throw new TypeError("resumeFrom must be a checkpoint (a Uint8Array from a result's checkpoint)");
  const bad = (why: string) => new RangeError(`resumeFrom is not a valid mast-wasm checkpoint: ${why}`);
  if (bytes.length < 16) throw bad("too short");
  for (let i = 0; i < 8; i++) if (bytes[i] !== MAGIC.charCodeAt(i)) throw bad("wrong magic bytes");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== VERSION) throw bad(`version ${version}, this library reads version ${VERSION}`);
  const len = view.getUint32(12, true);
  if (16 + len > bytes.length) throw bad("truncated header");
  let header: CheckpointData["header"];
  try { header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + len))); } catch { throw bad("corrupt header"); }
  if (!header || !Array.isArray(header.arrays)) throw bad("corrupt header");
  let off = Math.ceil((16 + len) / 8) * 8;
  const arrays: Record<string, Float64Array> = {};
  for (const { name, length } of header.arrays) {
    if (off + 8 * length > bytes.length) throw bad(`truncated array ${name}`);
    const a = new Float64Array(length);
    for (let i = 0; i < length; i++, off += 8) a[i] = view.getFloat64(off, true);
    arrays[name] = a;
  }
  return { header, arrays };
}
