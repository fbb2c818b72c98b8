// Data constructors refuse what they would otherwise truncate, wrap or ignore; arrays edited after the fact are caught
// when a problem takes them.
import { describe, it, expect } from "vitest";
import { mast } from "../helpers.ts";

describe("data constructors: no silent truncation, no silent accepts", () => {
  it("CSR indices and indptr must be integers in the int32 range, named with their position", async () => {
    const m = await mast();
    const base = { indptr: [0, 1, 2], indices: [0, 1], values: [1, 7], labels: [1, -1], cols: 2 };
    expect(() => m.data.csr({ ...base, indices: [0, 0.5] })).toThrow(/indices\[1\] must be an integer, got 0\.5/);
    expect(() => m.data.csr({ ...base, indptr: [0, 1.5, 2] })).toThrow(/indptr\[1\] must be an integer, got 1\.5/);
    expect(() => m.data.csr({ ...base, indices: [2 ** 32 + 1, 1] })).toThrow(/indices\[0\] must be in the int32 range, got 4294967297/);
    expect(() => m.data.csr({ ...base, indptr: [0, 1, 2 ** 31] })).toThrow(/indptr\[2\] must be in the int32 range/);
    expect(m.data.csr(base).indices).toEqual(Int32Array.of(0, 1));
  });
  it("typos and nulls are refused by every constructor, naming the option", async () => {
    const m = await mast();
    expect(() => m.data.dense([1, 2, 3], { rows: 1, cols: 3, labels: [1], colz: 3 } as any)).toThrow(/options\.colz is not a known option \(did you mean cols\?\)/);
    expect(() => m.data.csr({ indptr: [0, 1], indices: [0], values: [1], labels: [1], colls: 2 } as any)).toThrow(/init\.colls is not a known option \(did you mean cols\?\)/);
    await expect(m.data.libsvm("1 1:1\n", { feature: 2 } as any)).rejects.toThrow(/options\.feature is not a known option/);
    expect(() => m.data.csr(null as any)).toThrow(TypeError);
    expect(() => m.data.csr(null as any)).toThrow(/init must be \{ indptr, indices, values, labels, cols \}, got null/);
    expect(() => m.data.dense([1], { rows: 1, cols: 1, labels: null } as any)).toThrow(/options\.labels must not be null/);
    expect(() => m.data.synthetic({ rows: null } as any)).toThrow(/options\.rows must not be null/);
  });
  it("a Dataset whose arrays were edited after it was made is refused by a problem, naming the entry", async () => {
    const m = await mast();
    const ds = m.data.dense([1, 2, 3, 4], { rows: 2, cols: 2, labels: [1, -1] });
    ds.values[3] = NaN;
    expect(() => m.problem({ data: ds })).toThrow(/data\.values\[3\] must be finite, got NaN \(a Dataset's arrays were changed after it was made\)/);
    const c = m.data.csr({ indptr: [0, 1, 2], indices: [0, 1], values: [1, 7], labels: [1, -1], cols: 2 });
    c.indices![1] = 5;
    expect(() => m.problem({ data: c })).toThrow(/indices of row 1 must be increasing and in 0\.\.1, got 5/);
  });
});
