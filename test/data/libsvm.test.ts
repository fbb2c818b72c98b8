import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync, gzipSync } from "node:zlib";
import {
  LibsvmParseError,
  parseLibsvm,
  parseLibsvmText,
  type CsrArrays,
  type LibsvmOptions,
} from "../../src/data/libsvm.ts";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const dataDir = process.env.MAST_DATA ?? resolve(repoRoot, "../shared/data");
const svmlightDir = join(dataDir, "debian", "sklearn-1.2.1", "svmlight-tests");
const a9aPath = join(dataDir, "libsvm", "a9a.gz");
const a9atPath = join(dataDir, "libsvm", "a9a.t.gz");

function present(path: string): boolean {
  const ok = existsSync(path);
  if (!ok) console.warn(`[libsvm.test] skipping tests that need missing data: ${path}`);
  return ok;
}
const haveSvmlight = present(svmlightDir);
const haveA9a = present(a9aPath);
const haveA9at = present(a9atPath);

/** Catch a synchronous throw and return it (fails the test if nothing is thrown). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected the call to throw");
}

/** Expect `text` to fail with a LibsvmParseError on `line` whose message matches `re`. */
function expectParseError(text: string, line: number, re?: RegExp, options?: LibsvmOptions): LibsvmParseError {
  const err = thrown(() => parseLibsvmText(text, options));
  expect(err).toBeInstanceOf(LibsvmParseError);
  expect(err).toBeInstanceOf(SyntaxError);
  const e = err as LibsvmParseError;
  expect(e.name).toBe("LibsvmParseError");
  expect(e.line).toBe(line);
  expect(e.message.startsWith(`libsvm line ${line}: `)).toBe(true);
  if (re) expect(e.message).toMatch(re);
  return e;
}

/** Structural invariants every successful parse must satisfy. */
function checkInvariants(csr: CsrArrays): void {
  const { rows, cols, indptr, indices, values, labels } = csr;
  expect(rows).toBeGreaterThanOrEqual(1);
  expect(cols).toBeGreaterThanOrEqual(1);
  expect(indptr).toBeInstanceOf(Int32Array);
  expect(indices).toBeInstanceOf(Int32Array);
  expect(values).toBeInstanceOf(Float64Array);
  expect(labels).toBeInstanceOf(Float64Array);
  expect(indptr.length).toBe(rows + 1);
  expect(labels.length).toBe(rows);
  expect(indptr[0]).toBe(0);
  expect(indptr[rows]).toBe(indices.length);
  expect(values.length).toBe(indices.length);
  for (let r = 0; r < rows; r++) {
    const a = indptr[r]!;
    const b = indptr[r + 1]!;
    if (b < a) throw new Error(`indptr decreases at row ${r}`);
    for (let k = a; k < b; k++) {
      const j = indices[k]!;
      if (j < 0 || j >= cols) throw new Error(`index ${j} out of [0, ${cols}) in row ${r}`);
      if (k > a && j <= indices[k - 1]!) throw new Error(`indices not increasing in row ${r}`);
      const v = values[k]!;
      if (!Number.isFinite(v) || v === 0) throw new Error(`bad value ${v} in row ${r}`);
    }
    if (!Number.isFinite(labels[r]!)) throw new Error(`bad label in row ${r}`);
    if (csr.binary && labels[r] !== 1 && labels[r] !== -1) throw new Error(`binary but label ${labels[r]}`);
  }
}

/** Element-wise equality of two (large) typed arrays, cheaper than toEqual. */
function sameArray(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** Plain arrays, for readable comparisons. */
function plain(csr: CsrArrays) {
  return {
    rows: csr.rows,
    cols: csr.cols,
    indptr: Array.from(csr.indptr),
    indices: Array.from(csr.indices),
    values: Array.from(csr.values),
    labels: Array.from(csr.labels),
    binary: csr.binary,
  };
}

// ---------------------------------------------------------------------------
// A deliberately simple, independent reference parser (split + regex) used as
// an oracle for the fuzz tests.
// ---------------------------------------------------------------------------
const NUM = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
type RefResult = { ok: true; csr: ReturnType<typeof plain> } | { ok: false; line: number };

function refParse(text: string, features?: number): RefResult {
  if (text.startsWith("\uFEFF")) text = text.slice(1);
  const lines = text.split("\n");
  const indptr = [0];
  const indices: number[] = [];
  const values: number[] = [];
  const labels: number[] = [];
  let maxIdx = 0;
  for (let ln = 0; ln < lines.length; ln++) {
    let s = lines[ln]!;
    if (s.endsWith("\r")) s = s.slice(0, -1);
    s = s.split("#")[0]!;
    const toks = s.split(/[ \t]+/).filter((t) => t !== "");
    if (toks.length === 0) continue;
    const fail = { ok: false as const, line: ln + 1 };
    const label = toks[0]!;
    if (!NUM.test(label) || !Number.isFinite(Number(label))) return fail;
    let rest = toks.slice(1);
    if (rest.length > 0 && rest[0]!.startsWith("qid:")) {
      if (!/^qid:[+-]?\d+$/.test(rest[0]!)) return fail;
      rest = rest.slice(1);
    }
    let prev = 0;
    for (const tok of rest) {
      const m = /^([^:]*):(.*)$/.exec(tok);
      if (!m) return fail;
      if (!/^\d+$/.test(m[1]!)) return fail;
      const idx = Number(m[1]);
      if (idx === 0 || idx > 2147483647 || idx <= prev) return fail;
      if (features !== undefined && idx > features) return fail;
      if (!NUM.test(m[2]!)) return fail;
      const v = Number(m[2]);
      if (!Number.isFinite(v)) return fail;
      prev = idx;
      maxIdx = Math.max(maxIdx, idx);
      if (v !== 0) {
        indices.push(idx - 1);
        values.push(v);
      }
    }
    labels.push(Number(label));
    indptr.push(indices.length);
  }
  if (labels.length === 0) return { ok: false, line: 1 };
  let binary = false;
  let outLabels = labels;
  if (labels.every((y) => y === 1 || y === -1)) binary = true;
  else if (labels.every((y) => y === 0 || y === 1)) {
    binary = true;
    outLabels = labels.map((y) => (y === 1 ? 1 : -1));
  }
  return {
    ok: true,
    csr: {
      rows: labels.length,
      cols: features ?? Math.max(1, maxIdx),
      indptr,
      indices,
      values,
      labels: outLabels,
      binary,
    },
  };
}

// ---------------------------------------------------------------------------
// Hand-written inputs
// ---------------------------------------------------------------------------
describe("parseLibsvmText: small inputs", () => {
  it("produces exact CSR arrays", () => {
    const csr = parseLibsvmText("+1 1:0.5 3:-2\n-1 2:4\n");
    expect(csr.rows).toBe(2);
    expect(csr.cols).toBe(3);
    expect(csr.indptr).toEqual(new Int32Array([0, 2, 3]));
    expect(csr.indices).toEqual(new Int32Array([0, 2, 1]));
    expect(csr.values).toEqual(new Float64Array([0.5, -2, 4]));
    expect(csr.labels).toEqual(new Float64Array([1, -1]));
    expect(csr.binary).toBe(true);
    expect(csr.indptr).toBeInstanceOf(Int32Array);
    expect(csr.values).toBeInstanceOf(Float64Array);
  });

  it("handles comments, blank lines, tabs, CRLF and trailing spaces", () => {
    const text = "# header\r\n\r\n1\t2:1.5 \t 7:3   # inline\r\n   \r\n-1 1:2 \r\n# end";
    const csr = parseLibsvmText(text);
    expect(plain(csr)).toEqual({
      rows: 2,
      cols: 7,
      indptr: [0, 2, 3],
      indices: [1, 6, 0],
      values: [1.5, 3, 2],
      labels: [1, -1],
      binary: true,
    });
  });

  it("treats '#' as ending a token and the line", () => {
    const csr = parseLibsvmText("1 2:3#4:5 garbage\n");
    expect(Array.from(csr.indices)).toEqual([1]);
    expect(Array.from(csr.values)).toEqual([3]);
  });

  it("accepts and ignores qid tokens right after the label", () => {
    const csr = parseLibsvmText("3 qid:1 1:1 2:2\n1 qid:2 3:5\n");
    expect(plain(csr)).toEqual({
      rows: 2,
      cols: 3,
      indptr: [0, 2, 3],
      indices: [0, 1, 2],
      values: [1, 2, 5],
      labels: [3, 1],
      binary: false,
    });
    expectParseError("1 qid:x 1:1", 1, /qid:x/);
    expectParseError("1 1:1 qid:3", 1, /qid:3/);
    expectParseError("1 qid:1 qid:2 1:1", 1, /qid:2/);
  });

  it("keeps label-only rows as empty rows", () => {
    const csr = parseLibsvmText("1\n-1 \n1 4:2");
    expect(Array.from(csr.indptr)).toEqual([0, 0, 0, 1]);
    expect(Array.from(csr.indices)).toEqual([3]);
    expect(csr.cols).toBe(4);
    const empty = parseLibsvmText("-1");
    expect(empty.rows).toBe(1);
    expect(empty.cols).toBe(1);
    expect(empty.indices.length).toBe(0);
  });

  it("drops explicit zeros but still uses their index for ordering and cols", () => {
    const csr = parseLibsvmText("1 2:0 3:1 9:0.0\n-1 1:-0 2:1e-400 4:2\n");
    expect(plain(csr)).toEqual({
      rows: 2,
      cols: 9,
      indptr: [0, 1, 2],
      indices: [2, 3],
      values: [1, 2],
      labels: [1, -1],
      binary: true,
    });
    expectParseError("1 3:0 2:1", 1, /strictly increasing/);
  });

  it("maps 0/1 labels to -1/+1", () => {
    const csr = parseLibsvmText("0 1:1\n1 1:1\n0.0 2:1\n1.0\n");
    expect(Array.from(csr.labels)).toEqual([-1, 1, -1, 1]);
    expect(csr.binary).toBe(true);
  });

  it("keeps ±1 labels in any spelling", () => {
    const csr = parseLibsvmText("+1\n-1.0\n1e0\n");
    expect(Array.from(csr.labels)).toEqual([1, -1, 1]);
    expect(csr.binary).toBe(true);
  });

  it("keeps non-binary labels raw with binary=false", () => {
    const a = parseLibsvmText("0 1:1\n1 1:1\n-1 1:1\n");
    expect(Array.from(a.labels)).toEqual([0, 1, -1]);
    expect(a.binary).toBe(false);
    const b = parseLibsvmText("2.5 1:1\n-7e1 1:1\n");
    expect(Array.from(b.labels)).toEqual([2.5, -70]);
    expect(b.binary).toBe(false);
  });

  it("parses the strict decimal syntax", () => {
    const csr = parseLibsvmText("1 1:-1.5e-3 2:+2 3:.5 4:5. 5:1E2 6:007 7:0.1 8:123456789.123456789");
    expect(Array.from(csr.values)).toEqual([-1.5e-3, 2, 0.5, 5, 100, 7, 0.1, 123456789.123456789]);
  });

  it("pads cols with the features option and rejects larger indices with the line number", () => {
    const csr = parseLibsvmText("1 2:1\n-1 3:1\n", { features: 10 });
    expect(csr.cols).toBe(10);
    expect(Array.from(csr.indices)).toEqual([1, 2]);
    expect(parseLibsvmText("1 3:1", { features: 3 }).cols).toBe(3);
    const e = expectParseError("1 2:1\n# c\n-1 11:1\n", 3, /11/, { features: 10 });
    expect(e.message).toMatch(/features/);
  });

  it("rejects an invalid features option with a RangeError", () => {
    for (const bad of [-3, 0, 1.5, NaN, Infinity, 2 ** 53, "5" as unknown as number]) {
      const err = thrown(() => parseLibsvmText("1 1:1", { features: bad }));
      expect(err).toBeInstanceOf(RangeError);
      expect((err as Error).message).toMatch(/features/);
    }
    expect((thrown(() => parseLibsvmText("1 1:1", { features: -3 })) as Error).message).toBe(
      "features must be a positive integer, got -3",
    );
  });

  it("rejects a non-string input with a TypeError naming input", () => {
    for (const bad of [null, undefined, 42, {}, new Uint8Array(2)]) {
      const err = thrown(() => parseLibsvmText(bad as unknown as string));
      expect(err).toBeInstanceOf(TypeError);
      expect((err as Error).message).toMatch(/input/);
    }
  });

  it("rejects inputs without rows", () => {
    for (const text of ["", "\n\n", "# only a comment\n  \t\n# another\r\n"]) {
      expectParseError(text, 1, /no rows/);
    }
  });

  it("reports each kind of error with the line number and the quoted token", () => {
    expectParseError("python 1:1", 1, /label "python"/);
    expectParseError("1 1:1\n1,0 2:1", 2, /label "1,0"/);
    expectParseError("1 1:1\n\n 2:3.5 11:26", 3, /missing label.*"2:3\.5"/);
    expectParseError("nan 1:1", 1, /"nan"/);
    expectParseError("inf 1:1", 1, /"inf"/);
    expectParseError("1e999 1:1", 1, /"1e999"/);
    expectParseError("0x1 1:1", 1, /"0x1"/);
    expectParseError("1 foo", 1, /idx:val.*"foo"/);
    expectParseError("1 0:1", 1, /index "0"/);
    expectParseError("1 -2:1", 1, /index "-2"/);
    expectParseError("1 1.5:1", 1, /index "1\.5"/);
    expectParseError("1 0x3:1", 1, /index "0x3"/);
    expectParseError("1 :1", 1, /index ""/);
    expectParseError("1 99999999999:1", 1, /too large/);
    expectParseError("1 5:2.5 2:-5.2", 1, /strictly increasing.*"2:-5\.2"/);
    expectParseError("1 2:1 2:1", 1, /strictly increasing/);
    expectParseError("1 2:", 1, /value "" in "2:"/);
    expectParseError("1 2:NaN", 1, /value "NaN"/);
    expectParseError("1 2:Infinity", 1, /value "Infinity"/);
    expectParseError("1 2:-inf", 1, /value "-inf"/);
    expectParseError("1 2:0x1f", 1, /value "0x1f"/);
    expectParseError("1 2:1e400", 1, /value "1e400"/);
    expectParseError("1 2:1:2", 1, /value "1:2"/);
    expectParseError("1 2:1e", 1, /value "1e"/);
    expectParseError("1 2:.", 1, /value "\."/);
    expectParseError("1 2:1 \r 3:1", 1, /"\\r"/);
  });

  it("truncates long quoted tokens", () => {
    const e = expectParseError(`1 1:${"9".repeat(30)}x${"9".repeat(200)}`, 1);
    expect(e.message.length).toBeLessThan(200);
    expect(e.message).toContain("…");
  });

  it("constructs LibsvmParseError with the prefix", () => {
    const e = new LibsvmParseError(7, "oops");
    expect(e.line).toBe(7);
    expect(e.message).toBe("libsvm line 7: oops");
    expect(new LibsvmParseError(7, "libsvm line 7: oops").message).toBe("libsvm line 7: oops");
    expect(e).toBeInstanceOf(SyntaxError);
  });

  it("grows its buffers past the initial capacity", () => {
    const lines: string[] = [];
    for (let r = 0; r < 3000; r++) {
      lines.push(`${r % 2 ? 1 : -1} ${Array.from({ length: 7 }, (_, k) => `${k * 3 + 1 + (r % 3)}:${r + k + 1}`).join(" ")}`);
    }
    const csr = parseLibsvmText(lines.join("\n"));
    checkInvariants(csr);
    expect(csr.rows).toBe(3000);
    expect(csr.indices.length).toBe(21000);
    expect(csr.values[7 * 2999 + 6]).toBe(2999 + 6 + 1);
    expect(csr.indices[7 * 2999 + 6]).toBe(6 * 3 + (2999 % 3));
    expect(plain(csr)).toEqual((refParse(lines.join("\n")) as { csr: unknown }).csr);
  });
});

// ---------------------------------------------------------------------------
// sklearn's svmlight edge-case files
// ---------------------------------------------------------------------------
describe("sklearn svmlight test files", () => {
  const read = (name: string) => readFileSync(join(svmlightDir, name), "utf8");

  it.skipIf(!haveSvmlight)("svmlight_classification.txt parses", async () => {
    const text = read("svmlight_classification.txt");
    const csr = parseLibsvmText(text);
    checkInvariants(csr);
    expect(csr.rows).toBe(6);
    expect(csr.cols).toBe(21);
    expect(Array.from(csr.labels)).toEqual([1, 2, 3, 4, 1, 2]);
    expect(csr.binary).toBe(false);
    // Row 0 is the line with a tab: 3:2.5 \t 11:-5.2 16:1.5.
    expect(Array.from(csr.indices.subarray(csr.indptr[0], csr.indptr[1]))).toEqual([2, 10, 15]);
    expect(Array.from(csr.values.subarray(csr.indptr[0], csr.indptr[1]))).toEqual([2.5, -5.2, 1.5]);
    // Row 3 holds the double precision value at 1-based index 2.
    expect(csr.indptr[4]! - csr.indptr[3]!).toBe(1);
    expect(csr.indices[csr.indptr[3]!]).toBe(1);
    expect(csr.values[csr.indptr[3]!]).toBe(1.234567890123456e10);
    // Row 4 is label-only; row 5 only has the explicit zero "3:0", which is dropped.
    expect(csr.indptr[5]! - csr.indptr[4]!).toBe(0);
    expect(csr.indptr[6]! - csr.indptr[5]!).toBe(0);
    expect(Array.from(csr.indptr)).toEqual([0, 3, 5, 6, 7, 7, 7]);
    // Same result through the async entry point with bytes.
    expect(plain(await parseLibsvm(readFileSync(join(svmlightDir, "svmlight_classification.txt"))))).toEqual(plain(csr));
  });

  it.skipIf(!haveSvmlight)("svmlight_invalid.txt fails on line 1 (label 'python')", () => {
    expectParseError(read("svmlight_invalid.txt"), 1, /"python"/);
  });

  it.skipIf(!haveSvmlight)("svmlight_invalid_order.txt fails on line 1 (index 2 after 5)", () => {
    expectParseError(read("svmlight_invalid_order.txt"), 1, /strictly increasing.*2 after 5/);
  });

  it.skipIf(!haveSvmlight)("svmlight_multilabel.txt fails on line 2 (label '1,0')", () => {
    expectParseError(read("svmlight_multilabel.txt"), 2, /"1,0"/);
  });
});

// ---------------------------------------------------------------------------
// Real data: a9a
// ---------------------------------------------------------------------------
describe("a9a", () => {
  it.skipIf(!haveA9a)("a9a.gz parses to 32561 x 123, binary, with sorted rows", async () => {
    const bytes = readFileSync(a9aPath);
    const csr = await parseLibsvm(bytes);
    expect(csr.rows).toBe(32561);
    expect(csr.cols).toBe(123);
    expect(csr.binary).toBe(true);
    checkInvariants(csr);
    // Independent count of the non-zeros: every feature of a9a is "idx:1".
    const text = gunzipSync(bytes).toString("utf8");
    const colons = text.split(":").length - 1;
    expect(csr.indices.length).toBe(colons);
    expect(csr.values.every((v) => v === 1)).toBe(true);
    // First line: "-1 3:1 11:1 14:1 19:1 39:1 42:1 55:1 64:1 67:1 73:1 75:1 76:1 80:1 83:1 "
    expect(csr.labels[0]).toBe(-1);
    expect(Array.from(csr.indices.subarray(0, csr.indptr[1]))).toEqual(
      [3, 11, 14, 19, 39, 42, 55, 64, 67, 73, 75, 76, 80, 83].map((i) => i - 1),
    );
    // The ArrayBuffer form gives the same arrays.
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const again = await parseLibsvm(ab);
    expect(sameArray(again.indices, csr.indices)).toBe(true);
    expect(sameArray(again.indptr, csr.indptr)).toBe(true);
    expect(sameArray(again.labels, csr.labels)).toBe(true);
  });

  it.skipIf(!haveA9at)("a9a.t.gz with {features: 123} gives 16281 rows", async () => {
    const csr = await parseLibsvm(readFileSync(a9atPath), { features: 123 });
    expect(csr.rows).toBe(16281);
    expect(csr.cols).toBe(123);
    expect(csr.binary).toBe(true);
    checkInvariants(csr);
  });
});

// ---------------------------------------------------------------------------
// parseLibsvm: bytes, gzip, input types
// ---------------------------------------------------------------------------
describe("parseLibsvm", () => {
  const text = "# small\n1 1:0.25 4:-3\n0\n1 2:1e3 3:0 5:7\n";

  it("parses a string like parseLibsvmText", async () => {
    expect(plain(await parseLibsvm(text))).toEqual(plain(parseLibsvmText(text)));
  });

  it("parses plain UTF-8 bytes (Uint8Array and ArrayBuffer), ignoring a BOM", async () => {
    const bytes = new TextEncoder().encode("\uFEFF" + text);
    const expected = plain(parseLibsvmText(text));
    expect(expected.labels).toEqual([1, -1, 1]);
    expect(plain(await parseLibsvm(bytes))).toEqual(expected);
    expect(plain(await parseLibsvm(bytes.slice().buffer))).toEqual(expected);
    expect(plain(parseLibsvmText("\uFEFF" + text))).toEqual(expected);
  });

  it("gunzips gzip bytes", async () => {
    const gz = gzipSync(Buffer.from(text, "utf8"));
    expect(gz[0]).toBe(0x1f);
    expect(gz[1]).toBe(0x8b);
    const expected = plain(parseLibsvmText(text));
    expect(plain(await parseLibsvm(gz))).toEqual(expected);
    expect(plain(await parseLibsvm(new Uint8Array(gz).buffer))).toEqual(expected);
    // Parse errors inside gzip still carry the line number.
    await expect(parseLibsvm(gzipSync("1 1:1\n1 x\n"))).rejects.toMatchObject({ line: 2 });
  });

  it("rejects corrupt or truncated gzip bytes with an Error", async () => {
    const gz = gzipSync(Buffer.from(text.repeat(50), "utf8"));
    const corrupt: Uint8Array[] = [
      new Uint8Array([0x1f, 0x8b]),
      new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
      new Uint8Array([0x1f, 0x8b, 0xff, 0xff, 0xff]),
      gz.subarray(0, gz.length >> 1),
      gz.subarray(0, gz.length - 3),
      (() => {
        const c = new Uint8Array(gz);
        for (let i = 12; i < c.length - 8; i++) c[i] = c[i]! ^ 0x5a;
        return c;
      })(),
    ];
    for (const bytes of corrupt) {
      const err = await parseLibsvm(bytes).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(/gzip/);
    }
  });

  it("rejects a wrong input type with a TypeError naming input", async () => {
    for (const bad of [42, null, undefined, {}, [1, 2], new Int32Array(2)]) {
      await expect(parseLibsvm(bad as unknown as string)).rejects.toThrow(TypeError);
      await expect(parseLibsvm(bad as unknown as string)).rejects.toThrow(/input/);
    }
  });

  it("rejects a bad features option with a RangeError", async () => {
    await expect(parseLibsvm(gzipSync(text), { features: -3 })).rejects.toThrow(RangeError);
    await expect(parseLibsvm(text, { features: 0 })).rejects.toThrow(/features must be a positive integer, got 0/);
  });
});

// ---------------------------------------------------------------------------
// Fuzzing
// ---------------------------------------------------------------------------
const sep = fc.constantFrom(" ", "\t", "  ", " \t ", "\t\t");
const maybe = (arb: fc.Arbitrary<string>) => fc.oneof(fc.constant(""), arb);

const labelArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("1", "-1", "+1", "0", "1.0", "-1.0", "2", "0.0") },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "python", "1,0", "nan", "NaN", "Infinity", "-inf", "0x1f", "1e999", "", ".", "-", "1e", "+", "1_0", "2:3.5", "qid:1",
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: -5, max: 5 }).map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
);
const indexArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -2, max: 30 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom("0", "01", "1.5", "0x2", "", "+3", "qid", "abc", "99999999999", "2147483648", "2147483647") },
);
const valueArb = fc.oneof(
  { weight: 4, arbitrary: fc.double().map(String) },
  { weight: 3, arbitrary: fc.integer({ min: -3, max: 3 }).map(String) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "0", "-0", "0.0", "", ".", "e5", "1e", "1e+", "--1", "1.2.3", "0x1f", "nan", "inf", ".5", "5.", "+2", "1e-400", "1e400", "1:2", "1,5",
    ),
  },
);
const featureTokenArb = fc.tuple(indexArb, valueArb).map(([i, v]) => `${i}:${v}`);
const tokenArb = fc.oneof(
  { weight: 8, arbitrary: featureTokenArb },
  { weight: 1, arbitrary: fc.oneof(fc.integer({ min: -2, max: 9 }), fc.constant("x")).map((q) => `qid:${q}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }).filter((s) => !s.includes("\n")) },
);
/** Near-valid feature list: sorted unique indices with mostly valid values. */
const sortedFeaturesArb = fc
  .uniqueArray(fc.integer({ min: 1, max: 40 }), { maxLength: 8 })
  .chain((idx) =>
    fc.tuple(
      fc.constant([...idx].sort((a, b) => a - b)),
      fc.array(fc.oneof({ weight: 5, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map(String) }, { weight: 1, arbitrary: valueArb }), {
        minLength: idx.length,
        maxLength: idx.length,
      }),
    ),
  )
  .map(([idx, vals]) => idx.map((i, k) => `${i}:${vals[k]}`));
const lineArb = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        maybe(sep),
        labelArb,
        maybe(fc.integer({ min: 0, max: 5 }).map((q) => `qid:${q}`)),
        fc.oneof(sortedFeaturesArb, fc.array(tokenArb, { maxLength: 5 })),
        fc.array(sep, { minLength: 8, maxLength: 8 }),
        maybe(sep),
        maybe(fc.constantFrom("#", "# comment", "#1 2:3", "#\t")),
        maybe(fc.constant("\r")),
      )
      .map(([lead, label, qid, toks, seps, trail, comment, cr]) => {
        let s = lead + label;
        if (qid) s += seps[7] + qid;
        toks.forEach((t, k) => (s += seps[k % 7] + t));
        return s + trail + comment + cr;
      }),
  },
  { weight: 1, arbitrary: fc.constantFrom("", "\r", " ", "\t", "# only comment", "  # indented comment", "\r\r", "1 2:3\r \r") },
);
const documentArb = fc
  .tuple(fc.array(lineArb, { minLength: 0, maxLength: 8 }), fc.boolean())
  .map(([lines, trailingNewline]) => lines.join("\n") + (trailingNewline ? "\n" : ""));
const charsArb = fc.string({
  unit: fc.constantFrom(..."0123456789 \t\r\n\n#::..--+eE,qidxn\uFEFF"),
  maxLength: 60,
});
const anyTextArb = fc.oneof(
  { weight: 4, arbitrary: documentArb },
  { weight: 2, arbitrary: charsArb },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 60 }) },
);

/** Run the parser on `text`, check its error contract, and compare with the reference. */
function checkAgainstReference(text: string, features?: number): void {
  const lineCount = text.split("\n").length;
  const options = features === undefined ? undefined : { features };
  let result: CsrArrays | undefined;
  try {
    result = parseLibsvmText(text, options);
  } catch (err) {
    if (!(err instanceof LibsvmParseError)) throw err;
    if (!(Number.isInteger(err.line) && err.line >= 1 && err.line <= lineCount)) {
      throw new Error(`line ${err.line} outside 1..${lineCount}`);
    }
    if (!err.message.startsWith(`libsvm line ${err.line}: `)) throw new Error(`bad message ${err.message}`);
    const ref = refParse(text, features);
    expect(ref).toEqual({ ok: false, line: err.line });
    return;
  }
  checkInvariants(result);
  const ref = refParse(text, features);
  expect(ref).toEqual({ ok: true, csr: plain(result) });
}

describe("fuzzing", () => {
  it("never throws anything but LibsvmParseError (with a valid line) and agrees with a reference parser", () => {
    fc.assert(
      fc.property(anyTextArb, fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }), (text, features) => {
        checkAgainstReference(text, features);
      }),
      { numRuns: 500 },
    );
  });

  it("the grammar generator yields both successes and failures (sanity)", () => {
    let ok = 0;
    let bad = 0;
    fc.assert(
      fc.property(documentArb, (text) => {
        try {
          parseLibsvmText(text);
          ok++;
        } catch {
          bad++;
        }
      }),
      { numRuns: 300, seed: 42 },
    );
    expect(ok).toBeGreaterThan(15);
    expect(bad).toBeGreaterThan(15);
  });

  it("round-trips random valid CSR data through LibSVM text", () => {
    const rowArb = fc
      .uniqueArray(fc.integer({ min: 1, max: 200 }), { maxLength: 12 })
      .chain((idx) =>
        fc.record({
          label: fc.constantFrom(-1, 1),
          idx: fc.constant([...idx].sort((a, b) => a - b)),
          vals: fc.array(
            fc.double({ noNaN: true, noDefaultInfinity: true }).filter((v) => v !== 0),
            { minLength: idx.length, maxLength: idx.length },
          ),
        }),
      );
    fc.assert(
      fc.property(
        fc.array(rowArb, { minLength: 1, maxLength: 20 }),
        fc.boolean(),
        fc.constantFrom("\n", "\r\n"),
        fc.constantFrom(" ", "\t", "  "),
        fc.option(fc.integer({ min: 0, max: 50 }), { nil: undefined }),
        (rows, pm01, eol, space, extraFeatures) => {
          // pm01: write the labels as 0/1 instead of -1/+1; both must come back as ±1.
          const text = rows
            .map((r) =>
              [String(pm01 ? (r.label === 1 ? 1 : 0) : r.label), ...r.idx.map((i, k) => `${i}:${String(r.vals[k])}`)].join(space),
            )
            .join(eol);
          const maxIdx = Math.max(1, ...rows.flatMap((r) => r.idx));
          const features = extraFeatures === undefined ? undefined : maxIdx + extraFeatures;
          const csr = parseLibsvmText(text, features === undefined ? undefined : { features });
          const indptr = [0];
          for (const r of rows) indptr.push(indptr[indptr.length - 1]! + r.idx.length);
          expect(plain(csr)).toEqual({
            rows: rows.length,
            cols: features ?? maxIdx,
            indptr,
            indices: rows.flatMap((r) => r.idx.map((i) => i - 1)),
            values: rows.flatMap((r) => r.vals),
            labels: rows.map((r) => r.label),
            binary: true,
          });
          // Exact bit patterns (toEqual already distinguishes values; -0 cannot occur).
          expect(csr.values).toEqual(new Float64Array(rows.flatMap((r) => r.vals)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("decodes decimal literals exactly like Number() on validated syntax", () => {
    const digits = (max: number) => fc.string({ unit: fc.constantFrom(..."0123456789"), maxLength: max });
    const literal = fc
      .tuple(
        fc.constantFrom("", "+", "-"),
        digits(20),
        fc.option(digits(25), { nil: undefined }),
        fc.option(fc.tuple(fc.constantFrom("e", "E"), fc.constantFrom("", "+", "-"), fc.integer({ min: 0, max: 330 })), { nil: undefined }),
      )
      .filter(([, i, f]) => i.length + (f ?? "").length > 0)
      .map(([s, i, f, e]) => s + i + (f === undefined ? "" : "." + f) + (e === undefined ? "" : e[0] + e[1] + e[2]));
    fc.assert(
      fc.property(literal, (lit) => {
        const expected = Number(lit);
        const run = () => parseLibsvmText(`${lit} 1:${lit}`);
        if (!Number.isFinite(expected)) {
          expect(thrown(run)).toBeInstanceOf(LibsvmParseError);
          return;
        }
        const csr = run();
        // A single label 0 (or -0) is a 0/1 label set and maps to -1.
        const wantLabel = expected === 0 ? -1 : expected;
        expect(Object.is(csr.labels[0], wantLabel)).toBe(true);
        if (expected === 0) expect(csr.values.length).toBe(0);
        else expect(csr.values[0]).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe("data.libsvm and paths", () => {
  it("reads a path where the runtime has a file system; an unreadable path says what the function takes", async () => {
    const { mast } = await import("../helpers.ts");
    const { writeFileSync, mkdtempSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const m = await mast();
    const dir = mkdtempSync(join(tmpdir(), "mast-libsvm-"));
    const file = join(dir, "tiny.libsvm");
    writeFileSync(file, "1 1:0.5 3:1\n-1 2:2\n");
    const d = await m.data.libsvm(file);
    expect([d.rows, d.cols]).toEqual([2, 3]);
    await expect(m.data.libsvm(join(dir, "missing.libsvm"))).rejects.toThrow(/looks like a file path, but it cannot be read .*ENOENT.*takes LibSVM text, the file's bytes, or the path of a readable file/);
    // one line of text is still text
    expect((await m.data.libsvm("1 1:0.5")).rows).toBe(1);
    await expect(m.data.libsvm("x 1:0")).rejects.toThrow(/libsvm line 1: invalid label "x"/);
  });
});
