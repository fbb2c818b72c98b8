/**
 * The IDX format (MNIST's): a magic number (two zero bytes, a type byte, the number of dimensions), the dimensions as
 * big-endian u32, then the data. Images are unsigned bytes, n × rows × cols; labels unsigned bytes, n. Gzip accepted.
 * @module
 */
import { gunzip, isGzip } from "./gzip.js";
import { Dataset } from "./dataset.js";
import { options, show } from "../runtime/validate.js";

/** Options of `mast.data.idx`. */
export interface IdxOptions {
  /** Scale pixels to [0, 1] (divide by 255, the default) or keep the raw bytes 0…255 (`false`). */
  scale?: boolean;
}

const UBYTE = 0x08;

/** A malformed IDX file: the message names the file ("images" or "labels") and the field. */
export class IdxParseError extends SyntaxError {
  /** "images" or "labels". */
  readonly file: string;
  /**
   * A parse error in one of the two files.
   * @param file "images" or "labels".
   * @param message What is wrong, naming the field; prefixed with `idx <file>: `.
   */
  constructor(file: string, message: string) {
    super(`idx ${file}: ${message}`);
    this.name = "IdxParseError";
    this.file = file;
  }
}

async function bytesOf(input: unknown, name: string): Promise<Uint8Array> {
  let b: Uint8Array;
  if (input instanceof Uint8Array) b = input;
  else if (input instanceof ArrayBuffer) b = new Uint8Array(input);
  else throw new TypeError(`${name} must be the bytes of an IDX file (Uint8Array or ArrayBuffer, gzip accepted), got ${show(input)}`);
  return isGzip(b) ? gunzip(b, `idx ${name}`) : b;
}

/** header(b, file, dims): the dimensions of an unsigned-byte IDX file with `dims` dimensions, checked against its length. */
function header(b: Uint8Array, file: string, dims: number): number[] {
  if (b.length < 4 + 4 * dims) throw new IdxParseError(file, `truncated header: ${b.length} bytes, expected at least ${4 + 4 * dims}`);
  if (b[0] !== 0 || b[1] !== 0) throw new IdxParseError(file, `bad magic number: the first two bytes must be 0, got ${b[0]} ${b[1]}`);
  if (b[2] !== UBYTE) throw new IdxParseError(file, `bad magic number: data type 0x${b[2].toString(16).padStart(2, "0")}, expected 0x08 (unsigned byte)`);
  if (b[3] !== dims) throw new IdxParseError(file, `bad magic number: ${b[3]} dimensions, expected ${dims}`);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const sizes = Array.from({ length: dims }, (_, k) => v.getUint32(4 + 4 * k));
  const count = sizes.reduce((p, s) => p * s, 1);
  const want = 4 + 4 * dims + count;
  if (b.length < want) throw new IdxParseError(file, `truncated: the header promises ${sizes.join(" × ")} = ${count} bytes of data, the file has ${b.length - 4 - 4 * dims}`);
  if (b.length > want) throw new IdxParseError(file, `${b.length - want} bytes after the ${sizes.join(" × ")} data the header promises`);
  return sizes;
}

/**
 * parseIdx(images, labels, options): a dense Dataset of n rows of rows·cols pixels (scaled to [0, 1] by default), with
 * class labels 0…C−1 where C = the largest label + 1 (10 for MNIST), in the same order as the files.
 */
export async function parseIdx(images: unknown, labels: unknown, opts?: IdxOptions): Promise<Dataset> {
  const o = options<IdxOptions>("options", opts, ["scale"]);
  if (o.scale !== undefined && typeof o.scale !== "boolean") throw new TypeError(`options.scale must be a boolean, got ${show(o.scale)}`);
  const scale = o.scale ?? true;
  const [ib, lb] = [await bytesOf(images, "images"), await bytesOf(labels, "labels")];
  const [n, rows, cols] = header(ib, "images", 3);
  const [m] = header(lb, "labels", 1);
  if (n !== m) throw new IdxParseError("labels", `count ${m} disagrees with the images' count ${n}`);
  if (n < 1 || rows * cols < 1) throw new IdxParseError("images", `no data (${n} images of ${rows} × ${cols})`);
  const d = rows * cols;
  const values = new Float64Array(n * d);
  for (let e = 0; e < n * d; e++) values[e] = scale ? ib[16 + e] / 255 : ib[16 + e];
  let C = 0;
  const cls = new Int32Array(n);
  for (let i = 0; i < n; i++) { cls[i] = lb[8 + i]; if (cls[i] + 1 > C) C = cls[i] + 1; }
  const classValues = Float64Array.from({ length: C }, (_, c) => c);
  return new Dataset({ format: "dense", rows: n, cols: d, values, labels: Float64Array.from(cls), classes: { values: classValues, labels: cls } });
}
