// SHA-256: the runtime's native hash (Node's node:crypto) and the JavaScript fallback agree on every length around the
// block boundaries and on large inputs; digestF64 hashes a Float64Array in place exactly as it hashes a copy.
import { describe, it, expect } from "vitest";
import { createHash } from "node:crypto";
import { digestF64, digestF64Async, f64Chunks, hex, sha256, sha256Async, sha256Js, sha256Parts, sha256PartsJs } from "../../src/runtime/digest.ts";
import { lcg } from "../helpers.ts";

const bytes = (n: number, seed: number): Uint8Array => { const r = lcg(seed); return Uint8Array.from({ length: n }, () => Math.floor(r() * 256)); };
const nodeHex = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

describe("sha256", () => {
  it("the JavaScript fallback and the native hash agree with node:crypto at every length from 0 to 200 and at 1 MB + 3", () => {
    for (const n of [...Array.from({ length: 201 }, (_, i) => i), (1 << 20) + 3]) {
      const b = bytes(n, n + 1);
      expect(hex(sha256Js(b)), `length ${n}`).toBe(nodeHex(b));
      expect(hex(sha256(b)), `length ${n}`).toBe(nodeHex(b));
    }
    expect(hex(sha256(new TextEncoder().encode("abc")))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("sha256Async through crypto.subtle (the path of runtimes without a synchronous native hash) and digestF64Async give the synchronous digests", async () => {
    for (const n of [0, 1, 55, 56, 64, 1000, (1 << 20) + 3]) {
      const b = bytes(n, 3 * n + 1);
      expect(hex(await sha256Async(b, false)), `length ${n}`).toBe(nodeHex(b));
      expect(hex(await sha256Async(b.subarray(1), false)), `length ${n} at an offset`).toBe(nodeHex(b.subarray(1)));
    }
    const x = Float64Array.from({ length: 999 }, (_, i) => Math.sin(i) * 1e3);
    expect(await digestF64Async(x)).toBe(digestF64(x));
    x[5] = NaN;
    expect(await digestF64Async(x)).toBe(digestF64(x));
  });

  it("sha256Parts (native and JavaScript, fed part by part) is the SHA-256 of the parts' concatenation, parts of any length and offset", () => {
    const r = lcg(11);
    const all = Float64Array.from({ length: 3000 }, () => (r() - 0.5) * 1e6);
    for (const cuts of [[0], [1, 2, 3], [7, 8, 100, 2999], [5, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597, 2584], [3000]]) {
      const parts: Float64Array[] = [];
      let at = 0;
      for (const c of [...cuts, 3000]) { parts.push(all.subarray(at, Math.max(at, c))); at = Math.max(at, c); }
      const want = nodeHex(new Uint8Array(all.buffer));
      expect(hex(sha256Parts(parts)), `cuts ${cuts}`).toBe(want);
      expect(hex(sha256PartsJs(parts)), `cuts ${cuts}`).toBe(want);
    }
    expect(hex(sha256PartsJs([]))).toBe(nodeHex(new Uint8Array(0)));
    expect(hex(sha256Parts([all.subarray(0, 1)]))).not.toBe(hex(sha256Parts([all.subarray(1, 2)])));
  });

  it("digestF64 of a Float64Array (hashed in place, views at an offset too) equals that of the same numbers as an array; NaN is canonical", () => {
    const r = lcg(5);
    const big = Float64Array.from({ length: 1000 }, () => (r() - 0.5) * 1e3);
    big[3] = -0;
    const view = big.subarray(7, 907);
    expect(digestF64(view)).toBe(digestF64(Array.from(view)));
    expect(digestF64(big)).toBe(digestF64(Array.from(big)));
    const le = new Uint8Array(view.length * 8);
    new Float64Array(le.buffer).set(view);
    expect(digestF64(view)).toBe(nodeHex(le));
    const withNaN = Float64Array.of(1, NaN, 2), other = new Float64Array(withNaN.buffer.slice(0));
    new DataView(other.buffer).setUint32(12, 0x7ff80001, true);   // a NaN with another payload
    expect(digestF64(other)).toBe(digestF64(withNaN));
    expect(digestF64(withNaN)).toBe(digestF64([1, NaN, 2]));
  });

  it("f64Chunks widens an index array a chunk at a time (one buffer refilled): the parts hash as its whole f64 copy", () => {
    const rnd = lcg(4);
    for (const n of [0, 1, 65535, 65536, 65537, 200_003]) {
      const ix = Int32Array.from({ length: n }, () => Math.floor((rnd() - 0.5) * 2 ** 31));
      const whole = hex(sha256(new Uint8Array(Float64Array.from(ix).buffer)));
      expect(hex(sha256Parts(f64Chunks(ix)))).toBe(whole);
      expect(hex(sha256PartsJs(f64Chunks(ix)))).toBe(whole);
      const f = Float64Array.from(ix);
      expect([...f64Chunks(f)]).toEqual([f]);
    }
  });
});
