/**
 * LibSVM / svmlight text parser producing compressed sparse rows (CSR).
 *
 * Format, one example per line:
 *
 * ```text
 * label [qid:N] idx:val idx:val ...   # optional comment
 * ```
 *
 * - `label` is a finite decimal number (`-1`, `+1`, `0`, `2.5`, `1e3`, ...).
 * - `idx` is a 1-based positive integer; indices must be strictly increasing
 *   within a line. They are stored 0-based in the output.
 * - `val` is a finite decimal number; explicit zeros (`3:0`) are dropped.
 * - Tokens are separated by runs of spaces and/or tabs; lines end with `\n`
 *   or `\r\n`; `#` starts a comment running to the end of the line. Blank and
 *   comment-only lines are skipped but still counted for line numbers.
 *
 * No runtime dependencies: only platform globals (`TextDecoder`, `Blob`,
 * `Response`, `DecompressionStream`) are used, so the module runs unchanged in
 * Node >= 20, Deno, Bun, browsers and workerd.
 *
 * @module
 */
import { nodeBuiltin } from "../runtime/node.js";
import { gunzip, isGzip } from "./gzip.js";

/**
 * Compressed sparse rows, 0-based column indices, strictly increasing within a row.
 *
 * Row `i` owns the entries `indices[indptr[i] .. indptr[i+1])` and the matching
 * `values`; its label is `labels[i]`.
 */
export interface CsrArrays {
  /** Number of rows `n` (at least 1). */
  rows: number;
  /** Number of columns `d`: `options.features` when given, else the largest 1-based index seen (at least 1). */
  cols: number;
  /** Row pointers, length `n + 1`, `indptr[0] = 0`, non-decreasing, `indptr[n] = nnz`. */
  indptr: Int32Array;
  /** Column indices, length `nnz`, 0-based, strictly increasing within each row, each `< cols`. */
  indices: Int32Array;
  /** Non-zero values, length `nnz`, all finite; explicit zeros of the input are dropped. */
  values: Float64Array;
  /** Labels, length `n`; `±1` when {@link CsrArrays.binary} is true, otherwise the raw labels. */
  labels: Float64Array;
  /**
   * True when the labels were normalised to `±1`: either every input label was
   * already `-1` or `+1`, or every input label was `0` or `1` (mapped `0 -> -1`,
   * `1 -> +1`). False when the raw labels are kept.
   */
  binary: boolean;
}

/** Options of `mast.data.libsvm`. */
export interface LibsvmOptions {
  /**
   * Number of features `d` (a positive safe integer). When given, `cols = features`
   * and any index larger than it is a {@link LibsvmParseError}; when absent, `d` is
   * the largest 1-based index seen, at least 1. An invalid value is a `RangeError`.
   */
  features?: number;
}

/**
 * A syntax error in LibSVM text. `line` is the 1-based line of the input text
 * (blank and comment lines included) where the problem was found, and the message
 * starts with `libsvm line N: `, says what was wrong and quotes the offending token
 * (truncated to about 40 characters).
 */
export class LibsvmParseError extends SyntaxError {
  /** 1-based line number in the input text. */
  readonly line: number;

  /**
   * A parse error at a line (the parser throws these).
   * @param line 1-based line number in the input text.
   * @param message Description of the problem; it is prefixed with
   *   `libsvm line N: ` unless it already starts with that prefix.
   */
  constructor(line: number, message: string) {
    const prefix = `libsvm line ${line}: `;
    super(message.startsWith(prefix) ? message : prefix + message);
    this.name = "LibsvmParseError";
    this.line = line;
  }
}

const SPACE = 32;
const TAB = 9;
const CR = 13;
const HASH = 35;
const COLON = 58;
const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const D0 = 48;
const D9 = 57;
const LOWER_E = 101;
const UPPER_E = 69;
const MAX_INDEX = 0x7fffffff;
const QUOTE_MAX = 40;

/** Exact powers of ten 10^0 .. 10^22 (all exactly representable as doubles). */
const POW10: readonly number[] = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/** JSON-quote a token, truncated to about {@link QUOTE_MAX} characters. */
function quote(token: string): string {
  const t = token.length > QUOTE_MAX ? token.slice(0, QUOTE_MAX) + "…" : token;
  return JSON.stringify(t);
}

/** Describe an arbitrary value for an error message. */
function describe(value: unknown): string {
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") {
    return String(value);
  }
  if (typeof value === "string") return quote(value);
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (value instanceof ArrayBuffer) return "ArrayBuffer";
  if (typeof value === "object") {
    const ctor = (value as { constructor?: { name?: unknown } }).constructor;
    return typeof ctor?.name === "string" && ctor.name !== "" ? ctor.name : "object";
  }
  return typeof value;
}

/**
 * Parse the strict decimal float syntax `[+-]?(digits[.digits?]|.digits)([eE][+-]?digits)?`
 * over `text[start, end)`. Returns the value (possibly infinite or zero) or NaN when
 * the syntax is invalid. Never uses `Number()` on unvalidated text.
 */
function parseDecimal(text: string, start: number, end: number): number {
  let i = start;
  if (i >= end) return NaN;
  let negative = false;
  let c = text.charCodeAt(i);
  if (c === PLUS || c === MINUS) {
    negative = c === MINUS;
    i++;
  }
  let mantissa = 0;
  let sigDigits = 0; // digits accumulated into mantissa (leading zeros excluded)
  let intDigits = 0;
  let fracDigits = 0;
  while (i < end && (c = text.charCodeAt(i)) >= D0 && c <= D9) {
    if (sigDigits > 0 || c !== D0) {
      mantissa = mantissa * 10 + (c - D0);
      sigDigits++;
    }
    intDigits++;
    i++;
  }
  if (i < end && text.charCodeAt(i) === DOT) {
    i++;
    while (i < end && (c = text.charCodeAt(i)) >= D0 && c <= D9) {
      if (sigDigits > 0 || c !== D0) {
        mantissa = mantissa * 10 + (c - D0);
        sigDigits++;
      }
      fracDigits++;
      i++;
    }
  }
  if (intDigits === 0 && fracDigits === 0) return NaN;
  if (i === end) {
    // Fast path (Clinger): an exact integer mantissa divided by an exact power
    // of ten is correctly rounded by a single IEEE division.
    if (sigDigits <= 15 && fracDigits <= 22) {
      const v = fracDigits === 0 ? mantissa : mantissa / POW10[fracDigits]!;
      return negative ? -v : v;
    }
    return Number(text.slice(start, end));
  }
  c = text.charCodeAt(i);
  if (c !== LOWER_E && c !== UPPER_E) return NaN;
  i++;
  if (i < end) {
    c = text.charCodeAt(i);
    if (c === PLUS || c === MINUS) i++;
  }
  const expStart = i;
  while (i < end && (c = text.charCodeAt(i)) >= D0 && c <= D9) i++;
  if (i === expStart || i !== end) return NaN;
  // Syntax validated: JavaScript's numeric-literal conversion is exact for it.
  return Number(text.slice(start, end));
}

/**
 * Parse a feature index `text[start, end)`: a run of decimal digits only.
 * Returns the value, `0` for an index of zero, `-1` for invalid syntax and
 * `-2` when the value exceeds 2^31 - 1.
 */
function parseIndex(text: string, start: number, end: number): number {
  if (start >= end) return -1;
  let v = 0;
  let tooLarge = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < D0 || c > D9) return -1;
    if (!tooLarge) {
      v = v * 10 + (c - D0);
      if (v > MAX_INDEX) tooLarge = true;
    }
  }
  return tooLarge ? -2 : v;
}

/** True when `text[start, end)` is `[+-]?digits`. */
function isInteger(text: string, start: number, end: number): boolean {
  let i = start;
  if (i < end) {
    const c = text.charCodeAt(i);
    if (c === PLUS || c === MINUS) i++;
  }
  if (i >= end) return false;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < D0 || c > D9) return false;
  }
  return true;
}

function startsWithQid(text: string, start: number, end: number): boolean {
  return end - start >= 4 && text.startsWith("qid:", start);
}

/** Validate `options` and return `features` (or 0 when absent). */
function checkOptions(options: LibsvmOptions | undefined): number {
  if (options === undefined) return 0;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(`options must be an object, got ${describe(options)}`);
  }
  for (const k of Object.keys(options)) {
    if (k !== "features") throw new RangeError(`options.${k} is not a known option (known: features)`);
  }
  const features: unknown = options.features;
  if (features === undefined) return 0;
  if (typeof features !== "number" || !Number.isSafeInteger(features) || features < 1) {
    throw new RangeError(`features must be a positive integer, got ${describe(features)}`);
  }
  return features;
}

/**
 * Parse LibSVM / svmlight text synchronously into {@link CsrArrays}.
 *
 * Format: `label [qid:N] idx:val idx:val ...` per line, with 1-based strictly
 * increasing indices, finite decimal labels and values (strict syntax such as
 * `-1.5e-3`, `+2`, `.5`, `5.`; no `NaN`, `Infinity`, hex or empty values), runs of
 * spaces/tabs as separators, `\n` or `\r\n` line ends, `#` comments, and blank
 * lines allowed. A line holding only a label is a row without features; `qid:N`
 * tokens directly after the label are accepted and ignored. A leading byte-order
 * mark is ignored.
 *
 * Normalisation: explicit zero values are dropped (their index still counts for
 * ordering and for the inferred column count). If every label is `±1` they are
 * kept; else if every label is `0` or `1` they are mapped to `-1`/`+1`; in both
 * cases `binary` is true. Otherwise the raw labels are kept and `binary` is false.
 *
 * @param text The LibSVM text.
 * @param options See {@link LibsvmOptions}.
 * @returns The rows in CSR form with 0-based column indices.
 * @throws {LibsvmParseError} on any syntax problem (with the 1-based `line`), an
 *   index above `options.features`, or an input without data rows ("no rows", line 1).
 * @throws {RangeError} when `options.features` is not a positive safe integer.
 * @throws {TypeError} when `text` is not a string or `options` is not an object.
 */
export function parseLibsvmText(text: string, options?: LibsvmOptions): CsrArrays {
  if (typeof text !== "string") {
    throw new TypeError(`input must be a string, got ${describe(text)}`);
  }
  const features = checkOptions(options);
  const out = new CsrBuilder();
  const len = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let line = 1; ; line++) {
    let eol = text.indexOf("\n", pos);
    if (eol < 0) eol = len;
    let end = eol;
    if (end > pos && text.charCodeAt(end - 1) === CR) end--;
    parseLine(text, pos, end, line, features, out);
    if (eol >= len) break;
    pos = eol + 1;
  }
  if (out.rows === 0) {
    throw new LibsvmParseError(1, "no rows: the input contains no data lines");
  }
  return out.finish(features);
}

/** The rows read so far, in growing CSR arrays, and what the labels look like. */
class CsrBuilder {
  rows = 0;
  nnz = 0;
  maxIndex = 0;
  private allPm1 = true;
  private all01 = true;
  private indptr = new Int32Array(1024 + 1);
  private labels = new Float64Array(1024);
  private indices = new Int32Array(8192);
  private values = new Float64Array(8192);

  /** Start a row with its label. */
  startRow(label: number): void {
    if (label !== 1 && label !== -1) this.allPm1 = false;
    if (label !== 0 && label !== 1) this.all01 = false;
    if (this.rows === this.labels.length) {
      const cap = 2 * this.labels.length;
      const p = new Int32Array(cap + 1);
      p.set(this.indptr);
      this.indptr = p;
      const l = new Float64Array(cap);
      l.set(this.labels);
      this.labels = l;
    }
    this.labels[this.rows] = label;
  }

  /** A feature of the current row (1-based index); explicit zeros only count for the column count. */
  add(index: number, value: number): void {
    if (index > this.maxIndex) this.maxIndex = index;
    if (value === 0) return;
    if (this.nnz === this.values.length) {
      const cap = 2 * this.values.length;
      const ix = new Int32Array(cap);
      ix.set(this.indices);
      this.indices = ix;
      const vs = new Float64Array(cap);
      vs.set(this.values);
      this.values = vs;
    }
    this.indices[this.nnz] = index - 1;
    this.values[this.nnz] = value;
    this.nnz++;
  }

  endRow(): void {
    this.rows++;
    this.indptr[this.rows] = this.nnz;
  }

  /** The arrays, with labels ±1 kept, 0/1 mapped to ±1, anything else kept (binary false). */
  finish(features: number): CsrArrays {
    const rows = this.rows;
    const labels = this.labels.slice(0, rows);
    let binary = false;
    if (this.allPm1) binary = true;
    else if (this.all01) {
      binary = true;
      for (let r = 0; r < rows; r++) labels[r] = labels[r] === 1 ? 1 : -1;
    }
    return {
      rows,
      cols: features !== 0 ? features : Math.max(1, this.maxIndex),
      indptr: this.indptr.slice(0, rows + 1),
      indices: this.indices.slice(0, this.nnz),
      values: this.values.slice(0, this.nnz),
      labels,
      binary,
    };
  }
}

/** parseLine: the line text[pos, end) (its number `line`): nothing for a blank or comment line, else one row. */
function parseLine(text: string, pos: number, end: number, line: number, features: number, out: CsrBuilder): void {
  let i = pos;
  let c = 0;
  while (i < end && ((c = text.charCodeAt(i)) === SPACE || c === TAB)) i++;
  if (i >= end || c === HASH) return;
  const ls = i;
  while (i < end && (c = text.charCodeAt(i)) !== SPACE && c !== TAB && c !== HASH) i++;
  out.startRow(parseLabel(text, ls, i, line));
  let prev = 0;
  let qidAllowed = true;
  for (;;) {
    while (i < end && ((c = text.charCodeAt(i)) === SPACE || c === TAB)) i++;
    if (i >= end || c === HASH) break;
    const ts = i;
    let colon = -1;
    while (i < end && (c = text.charCodeAt(i)) !== SPACE && c !== TAB && c !== HASH) {
      if (c === COLON && colon < 0) colon = i;
      i++;
    }
    const te = i;
    if (colon < 0) {
      throw new LibsvmParseError(line, `expected a feature "idx:val", got ${quote(text.slice(ts, te))}`);
    }
    if (qidAllowed && startsWithQid(text, ts, te)) {
      if (!isInteger(text, colon + 1, te)) {
        throw new LibsvmParseError(line, `invalid query id ${quote(text.slice(ts, te))}: expected "qid:" followed by an integer`);
      }
      qidAllowed = false;
      continue;
    }
    qidAllowed = false;
    const index = parseFeatureIndex(text, ts, colon, te, line, prev, features);
    const value = parseDecimal(text, colon + 1, te);
    if (!Number.isFinite(value)) {
      throw new LibsvmParseError(
        line,
        `invalid value ${quote(text.slice(colon + 1, te))} in ${quote(text.slice(ts, te))}: expected a finite decimal number`,
      );
    }
    prev = index;
    out.add(index, value);
  }
  out.endRow();
}

/** parseLabel: the label token text[ls, le), a finite decimal number, or an error that says what is wrong with it. */
function parseLabel(text: string, ls: number, le: number, line: number): number {
  const label = parseDecimal(text, ls, le);
  if (Number.isFinite(label)) return label;
  const token = text.slice(ls, le);
  if (token.includes(":")) {
    throw new LibsvmParseError(line, `missing label: the line starts with the feature ${quote(token)}`);
  }
  const hint = token.includes(",") ? " (multilabel labels are not supported)" : "";
  throw new LibsvmParseError(line, `invalid label ${quote(token)}: expected a finite decimal number${hint}`);
}

/** parseFeatureIndex: the index of the feature token text[ts, te) (colon at `colon`): positive, above `prev`, within `features`. */
function parseFeatureIndex(text: string, ts: number, colon: number, te: number, line: number, prev: number, features: number): number {
  const index = parseIndex(text, ts, colon);
  if (index <= 0) {
    const what = index === -2 ? "is too large (maximum 2147483647)" : "is not a positive integer";
    throw new LibsvmParseError(line, `feature index ${quote(text.slice(ts, colon))} in ${quote(text.slice(ts, te))} ${what}`);
  }
  if (index <= prev) {
    throw new LibsvmParseError(
      line,
      `feature indices must be strictly increasing, got ${index} after ${prev} in ${quote(text.slice(ts, te))}`,
    );
  }
  if (features !== 0 && index > features) {
    throw new LibsvmParseError(line, `feature index ${index} in ${quote(text.slice(ts, te))} exceeds features = ${features}`);
  }
  return index;
}


/**
 * Parse LibSVM / svmlight text or bytes into {@link CsrArrays}.
 *
 * A string is parsed directly with {@link parseLibsvmText}. Bytes (`Uint8Array`,
 * including Node's `Buffer`, or `ArrayBuffer`) starting with the gzip magic
 * `1f 8b` are first gunzipped with the global `DecompressionStream("gzip")`
 * (available in Node >= 20, Deno, Bun, browsers and workerd); bytes are then
 * decoded as UTF-8 with `TextDecoder("utf-8")` and parsed with the same format,
 * normalisation and error rules as {@link parseLibsvmText}.
 *
 * @param input LibSVM text, or its bytes (optionally gzip-compressed).
 * @param options See {@link LibsvmOptions}.
 * @returns A promise of the rows in CSR form with 0-based column indices.
 * @throws {LibsvmParseError} (as a rejection) on any syntax problem, see {@link parseLibsvmText}.
 * @throws {RangeError} (as a rejection) when `options.features` is not a positive safe integer.
 * @throws {TypeError} (as a rejection) when `input` is not a string, `Uint8Array` or `ArrayBuffer`.
 * @throws {Error} (as a rejection) when gzip bytes cannot be decompressed.
 */
/** looksLikePath(s): one line whose first token is not a number (every LibSVM line starts with its label) and that
 *  names a file: a path separator or an extension. */
function looksLikePath(s: string): boolean {
  const t = s.trim();
  if (t === "" || /[\r\n]/.test(t)) return false;
  const first = t.split(/\s+/)[0];
  if (first !== "" && Number.isFinite(Number(first))) return false;
  return /[\\/]/.test(t) || /\.[A-Za-z0-9]{1,8}$/.test(t);
}

/** readPath(path): the file's bytes where the runtime has a file system (Node, Deno, Bun); else a TypeError that says
 *  what the function takes. */
async function readPath(path: string): Promise<Uint8Array> {
  let fs: { readFile(p: string): Promise<Uint8Array> };
  try {
    fs = await nodeBuiltin<{ readFile(p: string): Promise<Uint8Array> }>("fs/promises");
  } catch {
    throw new TypeError(`data.libsvm takes LibSVM text or the file's bytes, not a path (${describe(path)}): this runtime has no file system; ` +
      `read the file first, e.g. new Uint8Array(await (await fetch(url)).arrayBuffer())`);
  }
  try {
    return new Uint8Array(await fs.readFile(path));
  } catch (e) {
    throw new TypeError(`data.libsvm got ${describe(path)}, which looks like a file path, but it cannot be read (${e instanceof Error ? e.message : String(e)}); ` +
      `it takes LibSVM text, the file's bytes, or the path of a readable file`);
  }
}

export async function parseLibsvm(
  input: string | Uint8Array | ArrayBuffer,
  options?: LibsvmOptions,
): Promise<CsrArrays> {
  if (typeof input === "string") {
    if (!looksLikePath(input)) return parseLibsvmText(input, options);
    input = await readPath(input);
  }
  let bytes: Uint8Array;
  if (input instanceof Uint8Array) {
    bytes = input;
  } else if (input instanceof ArrayBuffer) {
    bytes = new Uint8Array(input);
  } else {
    throw new TypeError(
      `input must be a string, Uint8Array or ArrayBuffer, got ${describe(input)}`,
    );
  }
  checkOptions(options); // fail fast before any decompression
  if (isGzip(bytes)) bytes = await gunzip(bytes, "libsvm");
  const text = new TextDecoder("utf-8").decode(bytes);
  return parseLibsvmText(text, options);
}
