// Checkpoint integrity: a checkpoint carries a format version and the SHA-256 of its content, so any changed byte or
// any truncation is refused with an error that says so — never resumed to a different result.
import { describe, it, expect } from "vitest";
import { sketch } from "../../dist/index.js";
import { encodeCheckpoint, decodeCheckpoint, CHECKPOINT_VERSION } from "../../src/runtime/checkpoint.ts";
import { sha256 } from "../../src/runtime/digest.ts";
import { mast } from "../helpers.ts";

/** rehash(bytes): the checkpoint's hash recomputed after an edit (what a buggy writer, not a corruption, would give). */
function rehash(bytes: Uint8Array): Uint8Array {
  const body = bytes.length - 32;
  bytes.set(sha256(bytes.subarray(0, body)), body);
  return bytes;
}
const bitsOf = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** What a refusal must say: that the bytes are not a valid checkpoint, and why (changed, cut, or another version). */
const REFUSED = /^resumeFrom is not a valid mast-wasm checkpoint: (it is truncated|it does not start with "MASTCKPT" \(it is not a checkpoint, or its first bytes were changed\)|it says format version \d+, .*or the bytes were changed|it is a version 1 checkpoint|its SHA-256 does not match its content: the checkpoint was changed or truncated)/;

async function small() {
  const m = await mast();
  const data = m.data.dense([1, 0.5, -1, 2, 0, 1, 0.25, -0.5, 1], { rows: 3, cols: 3, labels: [1, -1, 1] });
  const p = m.problem({ data, loss: "logistic", l2: 0.1 });
  const opts = { sketch: sketch.randK(2), stepSize: 0.1, seed: 3 };
  const half = await p.minimize({ ...opts, iterations: 5 });
  const whole = await p.minimize({ ...opts, iterations: 10 });
  return { p, half, whole };
}

/** resume(p, bytes): the resumed run's digest, or the error. */
async function resume(p: Awaited<ReturnType<typeof small>>["p"], bytes: Uint8Array): Promise<string | Error> {
  try { return (await p.minimize({ resumeFrom: bytes, iterations: 10 })).digest; } catch (e) { return e as Error; }
}

describe("checkpoint integrity", () => {
  it("an intact checkpoint resumes to the uninterrupted digest", async () => {
    const { p, half, whole } = await small();
    expect(await resume(p, half.checkpoint)).toBe(whole.digest);
    expect(new DataView(half.checkpoint.buffer, half.checkpoint.byteOffset).getUint32(8, true)).toBe(CHECKPOINT_VERSION);
  });

  it("every single-byte change (each byte, two ways) is refused with an error that says so", async () => {
    const { p, half } = await small();
    const n = half.checkpoint.length;
    expect(n).toBeLessThan(1000);
    let refused = 0;
    for (let i = 0; i < n; i++) {
      for (const mask of [0x01, 0xff]) {
        const bytes = half.checkpoint.slice();
        bytes[i] ^= mask;
        const r = await resume(p, bytes);
        expect(r, `byte ${i} ^ ${mask} was accepted`).toBeInstanceOf(RangeError);
        expect((r as Error).message, `byte ${i} ^ ${mask}`).toMatch(REFUSED);
        refused++;
      }
    }
    expect(refused).toBe(2 * n);
  });

  it("a checkpoint cut at every length, or with bytes appended, is refused", async () => {
    const { p, half } = await small();
    const n = half.checkpoint.length;
    for (let len = 0; len < n; len++) {
      const r = await resume(p, half.checkpoint.slice(0, len));
      expect(r, `cut at ${len} was accepted`).toBeInstanceOf(RangeError);
      expect((r as Error).message, `cut at ${len}`).toMatch(REFUSED);
    }
    for (const extra of [1, 8, 32]) {
      const longer = new Uint8Array(n + extra);
      longer.set(half.checkpoint);
      expect(await resume(p, longer)).toBeInstanceOf(RangeError);
    }
  });

  it("a version 1 checkpoint (no hash) and a future version are refused by name", () => {
    const bytes = encodeCheckpoint({ format: "test" }, { x: [1, 2] });
    const v1 = bytes.slice();
    new DataView(v1.buffer).setUint32(8, 1, true);
    expect(() => decodeCheckpoint(v1)).toThrow(/version 1 checkpoint \(no integrity hash\), which this library no longer reads/);
    const v9 = bytes.slice();
    new DataView(v9.buffer).setUint32(8, 9, true);
    expect(() => decodeCheckpoint(v9)).toThrow(/format version 9, this library reads versions 2 and 3/);
    expect(decodeCheckpoint(bytes).arrays.x).toEqual(Float64Array.of(1, 2));
    expect(() => decodeCheckpoint([1, 2] as never)).toThrow(TypeError);
  });
});

describe("checkpoint arrays at memory speed", () => {
  it("a Float64Array is written (one copy) byte for byte as the same numbers from a plain array; reading works from any byte offset", () => {
    const x = Float64Array.from({ length: 1001 }, (_, i) => Math.sin(i) * 1e3);
    x[5] = -0;
    const a = encodeCheckpoint({ format: "t" }, { x, y: Float64Array.of(1, 2) });
    const b = encodeCheckpoint({ format: "t" }, { x: Array.from(x), y: [1, 2] });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const shifted = new Uint8Array(a.length + 3);
    shifted.set(a, 3);
    const back = decodeCheckpoint(shifted.subarray(3));
    expect(Buffer.from(back.arrays.x.buffer).equals(Buffer.from(x.buffer))).toBe(true);
    expect(Object.is(back.arrays.x[5], -0)).toBe(true);
  });
});

describe("sparse checkpoint arrays (format 3)", () => {
  it("a mostly-zero array is stored as indices and values and read back bit for bit (−0, subnormals and NaN kept)", () => {
    const d = 100_000;
    const x = new Float64Array(d);
    x[0] = 1; x[7] = -0; x[99] = 5e-324; x[5000] = -1.5e300; x[d - 1] = Math.PI; x[123] = NaN;
    const dense = Float64Array.from({ length: 200 }, (_, i) => i + 1);   // no zeros: stays dense
    const half = Float64Array.from({ length: 200 }, (_, i) => (i % 2 ? 0 : i + 1));   // exactly half zeros: dense
    const bytes = encodeCheckpoint({ format: "t" }, { x, dense, half, short: [0, 0, 0] });
    expect(new DataView(bytes.buffer).getUint32(8, true)).toBe(3);
    const back = decodeCheckpoint(bytes);
    const entries = back.header.arrays as { name: string; length: number; nonZeros?: number }[];
    expect(entries).toEqual([{ name: "x", length: d, nonZeros: 6 }, { name: "dense", length: 200 }, { name: "half", length: 200 }, { name: "short", length: 3 }]);
    expect(bytes.length).toBeLessThan(8 * (200 + 200 + 3) + 16 * 6 + 400);   // not 8·d
    expect(bitsOf(back.arrays.x).equals(bitsOf(x))).toBe(true);
    expect(Object.is(back.arrays.x[7], -0)).toBe(true);
    expect(back.arrays.dense).toEqual(dense);
    expect(back.arrays.half).toEqual(half);
    expect(back.arrays.short).toEqual(new Float64Array(3));
  });

  it("version 2 checkpoints (dense arrays) are still read; a sparse entry with bad indices is refused even with a valid hash", () => {
    const bytes = encodeCheckpoint({ format: "t" }, { x: [1, 2, 3] });
    const v2 = bytes.slice();
    new DataView(v2.buffer).setUint32(8, 2, true);
    expect(decodeCheckpoint(rehash(v2)).arrays.x).toEqual(Float64Array.of(1, 2, 3));
    const x = new Float64Array(1000);
    x[10] = 1; x[20] = 2;
    const sparse = encodeCheckpoint({ format: "t" }, { x });
    const body = sparse.length - 32, view = new DataView(sparse.buffer);
    // the body ends with the indices (10, 20) then the values (1, 2): make the indices decrease
    const bad = sparse.slice();
    new DataView(bad.buffer).setFloat64(body - 32, 30, true);
    expect(view.getFloat64(body - 32, true)).toBe(10);
    expect(() => decodeCheckpoint(rehash(bad))).toThrow(/corrupt layout \(sparse array x\)/);
    const old = sparse.slice();
    new DataView(old.buffer).setUint32(8, 2, true);   // a version 2 file cannot hold sparse arrays
    expect(() => decodeCheckpoint(rehash(old))).toThrow(/corrupt layout \(sparse array x\)/);
  });

  it("a run on 2^20 columns with a zero shift writes a checkpoint of kilobytes, not of 8·d bytes, and resumes to the same bits", async () => {
    const m = await mast();
    const d = 2 ** 20, rows = 50;
    const indptr = [0], indices: number[] = [];
    for (let i = 0; i < rows; i++) { for (let k = 0; k < 4; k++) indices.push(k * (d / 4) + ((i * 7919) % (d / 4))); indptr.push(indices.length); }
    const data = m.data.csr({ indptr, indices, values: indices.map(() => 1), labels: Array.from({ length: rows }, (_, i) => (i % 3 ? 1 : -1)), cols: d });
    const p = m.problem({ data, loss: "logistic", l2: 1e-3 });
    for (const o of [{ sketch: sketch.randK(64), batch: 1 }, { batch: 4 }, { batch: 1, average: false }] as const) {
      const half = await p.minimize({ ...o, iterations: 30, seed: 2 });
      expect(half.checkpoint.length).toBeLessThan(64 * 1024);
      const whole = await p.minimize({ ...o, iterations: 60, seed: 2 });
      const resumed = await p.minimize({ resumeFrom: half.checkpoint, iterations: 60 });
      expect(resumed.digest).toBe(whole.digest);
    }
  });
});
