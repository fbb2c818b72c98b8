// The data the demo trains on. Each kind of data is one entry of DATA_SOURCES: the page builds its "Data" choices and
// file inputs from this list and the worker loads through it, so adding a kind (IDX image and label files, once the
// library has networks) is one entry here plus its models — nothing else in the page changes.
import type { Dataset, Mast } from "mast-wasm";
import type { ModelKind } from "./settings.js";

/** A file the page read from disk, as the worker gets it. */
export interface InputFile { name: string; bytes: Uint8Array }

/** The file inputs of the page, by role. */
export type FileRole = "data" | "labels" | "test" | "testLabels";
export type InputFiles = Partial<Record<FileRole, InputFile>>;

/** A bad input, tied to the control it came from (the message is the library's). */
export class FieldError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
    this.name = "FieldError";
  }
}

/** Training data, an optional test set, and the `mast train` flags that load the same data. */
export interface LoadedData { train: Dataset; test: Dataset | null; label: string; testLabel: string; cli: string[] }

/** One kind of data. */
export interface DataSource {
  /** The value of the "Data" select. */
  id: string;
  /** Its text in the select. */
  label: string;
  /** The file inputs it needs (shown only while it is selected). */
  files: { role: FileRole; label: string; accept: string; required: boolean }[];
  /** The models it can train (networks need integer class labels). */
  models: readonly ModelKind[];
  /** Load the data; a bad file is a FieldError naming its role. */
  load(mast: Mast, files: InputFiles): Promise<LoadedData>;
}

/** The rows drawn after the built-in training set, from the same planted model: its held-out test set. */
export const HELD_OUT_ROWS = 2000;

/**
 * The built-in data set is `mast train`'s (mast.data.synthetic() with its defaults: 6,414 rows shaped like a5a, 123
 * binary features, seed 0). The synthetic generator draws row i from its own counter, so the 2,000 rows after them
 * are fresh draws of the same planted model: the test set.
 */
const synthetic: DataSource = {
  id: "synthetic",
  label: "Built-in synthetic problem (a5a-shaped)",
  files: [],
  models: ["logistic", "squared", "softmax", "mlp"],
  async load(mast) {
    const train = mast.data.synthetic();
    const all = mast.data.synthetic({ rows: train.rows + HELD_OUT_ROWS });
    const test = all.subset(Array.from({ length: HELD_OUT_ROWS }, (_, i) => train.rows + i));
    return { train, test, label: "built-in synthetic data", testLabel: `${HELD_OUT_ROWS} held-out rows`, cli: [] };
  },
};

async function libsvmFile(mast: Mast, role: FileRole, file: InputFile | undefined, features?: number): Promise<Dataset> {
  if (!file) throw new FieldError(role, "choose a LibSVM file (plain text or .gz)");
  try {
    return await mast.data.libsvm(file.bytes, features === undefined ? {} : { features });
  } catch (e) {
    throw new FieldError(role, `${file.name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** LibSVM/svmlight files from disk, gzipped or not, with an optional test file (`mast train --data … --test …`). */
const libsvm: DataSource = {
  id: "libsvm",
  label: "LibSVM file from disk",
  files: [
    { role: "data", label: "Training file (LibSVM, .gz too)", accept: ".libsvm,.svm,.txt,.gz,.t,text/plain,application/gzip", required: true },
    { role: "test", label: "Test file (optional)", accept: ".libsvm,.svm,.txt,.gz,.t,text/plain,application/gzip", required: false },
  ],
  models: ["logistic", "squared", "softmax", "mlp"],
  async load(mast, files) {
    const train = await libsvmFile(mast, "data", files.data);
    const test = files.test ? await libsvmFile(mast, "test", files.test, train.cols) : null;
    return {
      train, test, label: files.data!.name, testLabel: files.test?.name ?? "",
      cli: ["--data", files.data!.name, ...(files.test ? ["--test", files.test.name] : [])],
    };
  },
};

async function idxFiles(mast: Mast, images: InputFile | undefined, labels: InputFile | undefined, roles: [FileRole, FileRole]): Promise<Dataset> {
  if (!images) throw new FieldError(roles[0], "choose an IDX image file (MNIST's format, .gz too)");
  if (!labels) throw new FieldError(roles[1], "choose the IDX label file of these images");
  try {
    return await mast.data.idx(images.bytes, labels.bytes);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    // IdxParseError says which file it is about ("idx labels: …", or its `file` field)
    const which = (e as { file?: string }).file ?? (/^idx labels/.test(message) ? "labels" : "images");
    const role = which === "labels" ? roles[1] : roles[0];
    throw new FieldError(role, `${role === roles[1] ? labels.name : images.name}: ${message}`);
  }
}

/** IDX image and label files (MNIST's format; `mast train --data images --labels labels`), for networks. */
const idx: DataSource = {
  id: "idx",
  label: "IDX images and labels from disk (MNIST format)",
  files: [
    { role: "data", label: "Training images (IDX, .gz too)", accept: ".idx,.idx3-ubyte,.gz,application/octet-stream,application/gzip", required: true },
    { role: "labels", label: "Training labels (IDX)", accept: ".idx,.idx1-ubyte,.gz,application/octet-stream,application/gzip", required: true },
    { role: "test", label: "Test images (optional)", accept: ".idx,.idx3-ubyte,.gz,application/octet-stream,application/gzip", required: false },
    { role: "testLabels", label: "Test labels (with test images)", accept: ".idx,.idx1-ubyte,.gz,application/octet-stream,application/gzip", required: false },
  ],
  models: ["softmax", "mlp"],
  async load(mast, files) {
    const train = await idxFiles(mast, files.data, files.labels, ["data", "labels"]);
    const test = files.test || files.testLabels ? await idxFiles(mast, files.test, files.testLabels, ["test", "testLabels"]) : null;
    if (test !== null && test.cols !== train.cols) throw new FieldError("test", `${files.test!.name}: ${test.cols} pixels an image, the training images have ${train.cols}`);
    return {
      train, test, label: `${files.data!.name} + ${files.labels!.name}`, testLabel: test ? `${files.test!.name} + ${files.testLabels!.name}` : "",
      cli: ["--data", files.data!.name, "--labels", files.labels!.name, ...(test ? ["--test", files.test!.name, "--test-labels", files.testLabels!.name] : [])],
    };
  },
};

/** The kinds of data, in the order of the select. */
export const DATA_SOURCES: readonly DataSource[] = [synthetic, libsvm, idx];

/** sourceById(id, sources): the source, or a FieldError on the "source" control. */
export function sourceById(id: string, sources: readonly DataSource[] = DATA_SOURCES): DataSource {
  const s = sources.find((x) => x.id === id);
  if (!s) throw new FieldError("source", `unknown data ${JSON.stringify(id)}; the choices are ${sources.map((x) => x.id).join(", ")}`);
  return s;
}
