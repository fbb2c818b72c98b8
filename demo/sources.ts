// The data the demo trains on. Each kind of data is one entry of DATA_SOURCES: the page builds its "Data" choices and
// file inputs from this list and the worker loads through it, so adding a kind (IDX image and label files, once the
// library has networks) is one entry here plus its models — nothing else in the page changes.
import type { Dataset, Loss, Mast } from "mast-wasm";

/** A file the page read from disk, as the worker gets it. */
export interface InputFile { name: string; bytes: Uint8Array }

/** The file inputs of the page, by role. */
export type FileRole = "data" | "test";
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
  /** The models (losses) it can train. */
  models: readonly Loss[];
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
  models: ["logistic", "squared"],
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
  models: ["logistic", "squared"],
  async load(mast, files) {
    const train = await libsvmFile(mast, "data", files.data);
    const test = files.test ? await libsvmFile(mast, "test", files.test, train.cols) : null;
    return {
      train, test, label: files.data!.name, testLabel: files.test?.name ?? "",
      cli: ["--data", files.data!.name, ...(files.test ? ["--test", files.test.name] : [])],
    };
  },
};

/** The kinds of data, in the order of the select. IDX images (networks) join here when the library has networks. */
export const DATA_SOURCES: readonly DataSource[] = [synthetic, libsvm];

/** sourceById(id, sources): the source, or a FieldError on the "source" control. */
export function sourceById(id: string, sources: readonly DataSource[] = DATA_SOURCES): DataSource {
  const s = sources.find((x) => x.id === id);
  if (!s) throw new FieldError("source", `unknown data ${JSON.stringify(id)}; the choices are ${sources.map((x) => x.id).join(", ")}`);
  return s;
}
