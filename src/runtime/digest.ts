/**
 * SHA-256 (FIPS 180-4) over bytes, synchronous, for result digests and checkpoints: the platform's native hash where
 * the runtime offers one synchronously (`process.getBuiltinModule("node:crypto")`: Node >= 20.16 and runtimes that copy
 * it), else the JavaScript implementation below (browsers, workerd). The same bytes in give the same digest either way;
 * only the speed differs (native: hundreds of MB/s; this file's loop: about 15 MB/s). The asynchronous APIs (a run's
 * digest and checkpoint) use `crypto.subtle.digest` where there is no synchronous native hash ({@link sha256Async});
 * the synchronous ones (`fingerprint()`, decoding a checkpoint inside option checks, `digestF64`) cannot.
 * @module
 */

const LITTLE = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

type NativeHash = (bytes: Uint8Array) => Uint8Array;
type NativeHasher = () => { update(b: Uint8Array): void; digest(): Uint8Array };
let native: NativeHash | null | undefined;
let nativeHasherOf: NativeHasher | null = null;

/** The runtime's synchronous incremental SHA-256, or null. */
function nativeHasher(): NativeHasher | null { nativeSha256(); return nativeHasherOf; }

/** The runtime's synchronous SHA-256, or null (looked up once). */
function nativeSha256(): NativeHash | null {
  if (native !== undefined) return native;
  native = null;
  try {
    const g = globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } };
    const crypto = g.process?.getBuiltinModule?.("node:crypto") as
      | { createHash(alg: string): { update(b: Uint8Array): { digest(): Uint8Array } } } | undefined;
    if (crypto && typeof crypto.createHash === "function") {
      const probe = crypto.createHash("sha256").update(new Uint8Array(0)).digest();
      // SHA-256 of the empty string: check the native hash before trusting it
      if (hex(new Uint8Array(probe.buffer, probe.byteOffset, probe.byteLength)) === "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") {
        native = (b) => { const d = crypto.createHash("sha256").update(b).digest(); return new Uint8Array(d.buffer, d.byteOffset, d.byteLength).slice(); };
        nativeHasherOf = () => {
          const h = crypto.createHash("sha256");
          return {
            update(b: Uint8Array) { h.update(b); },
            digest() { const d = h.update(new Uint8Array(0)).digest(); return new Uint8Array(d.buffer, d.byteOffset, d.byteLength).slice(); },
          };
        };
      }
    }
  } catch { /* no native hash here */ }
  return native;
}

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** sha256(bytes) → the 32-byte digest (native where the runtime has one synchronously). */
export function sha256(bytes: Uint8Array): Uint8Array {
  const n = nativeSha256();
  return n !== null ? n(bytes) : sha256Js(bytes);
}

/** @internal sha256Js(bytes): the JavaScript SHA-256, the fallback (tests compare it with the native one). */
export function sha256Js(bytes: Uint8Array): Uint8Array {
  const h = new Sha256Js();
  h.update(bytes);
  return h.digest();
}

/** SHA-256 fed in pieces (the JavaScript fallback): update() any number of times, then digest() once. */
class Sha256Js {
  private readonly H = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  private readonly W = new Uint32Array(64);
  private readonly block = new Uint8Array(64);
  private readonly blockView = new DataView(this.block.buffer);
  private fill = 0;
  private total = 0;

  update(bytes: Uint8Array): void {
    this.total += bytes.length;
    let i = 0;
    if (this.fill > 0) {
      const take = Math.min(64 - this.fill, bytes.length);
      this.block.set(bytes.subarray(0, take), this.fill);
      this.fill += take; i = take;
      if (this.fill < 64) return;
      this.compress(this.blockView, 0); this.fill = 0;
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (; i + 64 <= bytes.length; i += 64) this.compress(view, i);
    this.block.set(bytes.subarray(i), 0);
    this.fill = bytes.length - i;
  }

  digest(): Uint8Array {
    const bits = this.total * 8;
    const tail = new Uint8Array(((this.fill + 9 + 63) >> 6) << 6);
    tail.set(this.block.subarray(0, this.fill));
    tail[this.fill] = 0x80;
    const tv = new DataView(tail.buffer);
    tv.setUint32(tail.length - 8, Math.floor(bits / 0x100000000));
    tv.setUint32(tail.length - 4, bits >>> 0);
    for (let off = 0; off < tail.length; off += 64) this.compress(tv, off);
    const out = new Uint8Array(32);
    const ov = new DataView(out.buffer);
    for (let i = 0; i < 8; i++) ov.setUint32(4 * i, this.H[i]);
    return out;
  }

  // compress(view, off): one 64-byte block at view[off …] into H
  private compress(view: DataView, off: number): void {
    const W = this.W, H = this.H;
    for (let i = 0; i < 16; i++) W[i] = view.getUint32(off + 4 * i);
    for (let i = 16; i < 64; i++) {
      const a = W[i - 15], b = W[i - 2];
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
    }
    let a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (h + S1 + ch + K[i] + W[i]) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) | 0;
      h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    H[0] += a; H[1] += b; H[2] += c; H[3] += d; H[4] += e; H[5] += f; H[6] += g; H[7] += h;
  }
}

/** leBytes(x): x as little-endian f64 bytes — a view of x itself on a little-endian machine, else a converted copy. */
function leBytes(x: Float64Array): Uint8Array {
  if (LITTLE) return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  const buf = new Uint8Array(x.length * 8), v = new DataView(buf.buffer);
  for (let i = 0; i < x.length; i++) v.setFloat64(8 * i, x[i], true);
  return buf;
}

/**
 * sha256Parts(parts) → the SHA-256 of the parts' little-endian f64 bytes one after another (the digest of their
 * concatenation), fed part by part: no copy of the whole. The parts must hold no NaN (their payload would be hashed).
 * Each part is hashed before the next is taken, so an iterable may hand out one buffer refilled (see f64Chunks).
 */
export function sha256Parts(parts: Iterable<Float64Array>): Uint8Array {
  const n = nativeHasher();
  if (n === null) return sha256PartsJs(parts);
  const h = n();
  for (const p of parts) h.update(leBytes(p));
  return h.digest();
}

/** @internal sha256PartsJs(parts): sha256Parts with the JavaScript hash (the fallback; tests compare the two). */
export function sha256PartsJs(parts: Iterable<Float64Array>): Uint8Array {
  const h = new Sha256Js();
  for (const p of parts) h.update(leBytes(p));
  return h.digest();
}

/** How many entries f64Chunks widens at a time (512 KB of f64). */
const CHUNK = 1 << 16;

/**
 * f64Chunks(a): a's entries as f64 in consecutive chunks, one reused buffer refilled for each (an integer array is
 * hashed as f64 without a widened copy of the whole: 8 bytes an index of the data otherwise); a Float64Array whole.
 */
export function* f64Chunks(a: Float64Array | Int32Array): Generator<Float64Array> {
  if (a instanceof Float64Array) { yield a; return; }
  const buf = new Float64Array(Math.min(CHUNK, a.length));
  for (let i = 0; i < a.length; i += CHUNK) {
    const m = Math.min(CHUNK, a.length - i), part = buf.subarray(0, m);
    for (let k = 0; k < m; k++) part[k] = a[i + k];
    yield part;
  }
}

/** hex(bytes): lowercase hexadecimal. */
export function hex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

/**
 * digestF64(x): lowercase SHA-256 hex of x as little-endian IEEE-754 doubles. NaN is not expected (runs stop before a
 * non-finite iterate); if present, every NaN is hashed as the canonical 0x7ff8000000000000 so its payload cannot leak in.
 */
export function digestF64(x: ArrayLike<number>): string {
  return hex(sha256(f64Bytes(x)));
}

/** digestF64Async(x, nanFree): digestF64 for the asynchronous APIs, by {@link sha256Async}: the same digest. The caller
 *  may vouch that x holds no NaN (`nanFree`: e.g. it scattered a short vector it checked), which saves a pass over x. */
export async function digestF64Async(x: ArrayLike<number>, nanFree = false): Promise<string> {
  return hex(await sha256Async(f64Bytes(x, nanFree)));
}

// f64Bytes(x): x as little-endian doubles with every NaN canonical — a view of x itself when it is a little-endian
// Float64Array without NaN (no copy of a d-vector), else a converted copy
function f64Bytes(x: ArrayLike<number>, nanFree = false): Uint8Array {
  if (x instanceof Float64Array && LITTLE) {
    if (nanFree) return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
    let nan = false;
    for (let i = 0; i < x.length; i++) if (x[i] !== x[i]) { nan = true; break; }
    if (!nan) return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  }
  const buf = new Uint8Array(x.length * 8);
  const v = new DataView(buf.buffer);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    if (Number.isNaN(xi)) { v.setUint32(8 * i, 0, true); v.setUint32(8 * i + 4, 0x7ff80000, true); } else v.setFloat64(8 * i, xi, true);
  }
  return buf;
}

type Subtle = { digest(alg: string, data: Uint8Array): Promise<ArrayBuffer> };

/**
 * sha256Async(bytes) → the 32-byte digest, for asynchronous APIs (a run's digest and checkpoint): the synchronous native
 * hash where there is one (Node), else `crypto.subtle.digest` (Deno, Bun, browsers, workerd: native, hundreds of MB/s),
 * else the JavaScript one. The same digest on every path.
 */
export async function sha256Async(bytes: Uint8Array, useNative = true): Promise<Uint8Array> {
  const n = useNative ? nativeSha256() : null;
  if (n !== null) return n(bytes);
  const subtle = (globalThis as { crypto?: { subtle?: Subtle } }).crypto?.subtle;
  if (subtle && typeof subtle.digest === "function") {
    try { return new Uint8Array(await subtle.digest("SHA-256", bytes)); } catch { /* e.g. a view it refuses: fall back */ }
  }
  return sha256Js(bytes);
}
