/**
 * The data of a `mast train` run: a LibSVM file, IDX images with their labels (--labels), or the built-in synthetic
 * set; and its test set — a file of its own (--test), or rows cut from --data (--split-at, --test-fraction).
 * @module
 */
import { IdxParseError } from "../../index.js";
import type { Dataset, Mast } from "../../index.js";
import { UsageError, isArgumentError } from "./errors.js";
import { DEFAULT_SYNTHETIC } from "./defaults.js";
import type { TrainFlags } from "./flags.js";
import { dataPath, readInput } from "./files.js";
import { grouped } from "./format.js";

/** The data of a run. */
export interface Inputs {
  /** --data as read (or the built-in set). */
  whole: Dataset;
  /** The training rows: `whole`, or its training part when --split-at or --test-fraction cut a test set from it. */
  data: Dataset;
  /** What --data is, for the header. */
  dataLabel: string;
  /** The test rows, or null. */
  test: Dataset | null;
  /** What the test set is, for the header: the --test file(s), or how the rows were split. */
  testLabel: string | null;
  /** How --data was split, for the header (null without --split-at or --test-fraction). */
  splitLabel: string | null;
}

async function loadLibsvm(mast: Mast, flag: string, path: string, features: number | undefined): Promise<Dataset> {
  const bytes = readInput(flag, path);
  try {
    return await mast.data.libsvm(bytes, features === undefined ? {} : { features });
  } catch (e) {
    if (isArgumentError(e) || (e instanceof Error && e.message.startsWith("libsvm"))) {
      // a test file wider than the training file: both must be read with the same columns
      const wide = flag === "test" ? /feature index (\d+) .*exceeds features = (\d+)/.exec(e.message) : null;
      const hint = wide ? `; --data has ${wide[2]} features: give --features N (N ≥ ${wide[1]}, the widest file's largest index) to read both with the same columns` : "";
      throw new UsageError(`${path}: ${e.message}${hint}`);
    }
    throw e;
  }
}

/** loadIdx: images and labels through mast.data.idx; a malformed file is named by its own path. */
async function loadIdx(mast: Mast, flags: [string, string], paths: [string, string]): Promise<Dataset> {
  const [images, labels] = [readInput(flags[0], paths[0]), readInput(flags[1], paths[1])];
  try {
    return await mast.data.idx(images, labels);
  } catch (e) {
    // IdxParseError names "images" or "labels"; a broken gzip stream is a plain Error whose message starts "idx images: …"
    const which = e instanceof IdxParseError ? e.file : e instanceof Error ? /^idx (images|labels):/.exec(e.message)?.[1] : undefined;
    if (which !== undefined || isArgumentError(e)) {
      throw new UsageError(`${which === "labels" ? paths[1] : paths[0]}: ${(e as Error).message}`);
    }
    throw e;
  }
}

/** split(whole, flags): the training and test rows cut from --data, and a description of the cut. */
function split(whole: Dataset, flags: TrainFlags): { data: Dataset; test: Dataset; label: string } {
  const s = flags.split!, n = whole.rows;
  if ("at" in s) {
    if (s.at > n - 1) throw new UsageError(`--split-at must be in 1..${n - 1} (--data has ${n} rows and both parts need one), got ${s.at}`);
    const { train, test } = whole.split({ at: s.at });
    return { data: train, test, label: `the first ${grouped(train.rows)} rows train, the last ${grouped(test.rows)} test (--split-at ${s.at})` };
  }
  const testRows = Math.ceil(s.testFraction * n);
  if (testRows > n - 1) throw new UsageError(`--test-fraction ${s.testFraction} leaves no training rows of the ${n} of --data`);
  const { train, test } = whole.split({ testFraction: s.testFraction, seed: s.seed });
  return {
    data: train, test,
    label: `${grouped(train.rows)} rows train, ${grouped(test.rows)} test, by a permutation of the rows with seed ${s.seed} (--test-fraction ${s.testFraction})`,
  };
}

/** loadInputs(mast, flags): read --data (and --labels, --test, --test-labels) and split off the test rows. */
export async function loadInputs(mast: Mast, flags: TrainFlags): Promise<Inputs> {
  let whole: Dataset, dataLabel: string;
  if (flags.data === null) {
    whole = mast.data.synthetic({ ...DEFAULT_SYNTHETIC });
    dataLabel = `built-in synthetic data set (shaped like a5a; planted sparse logistic model, seed ${DEFAULT_SYNTHETIC.seed})`;
  } else if (flags.labels !== null) {
    whole = await loadIdx(mast, ["data", "labels"], [flags.data, flags.labels]);
    dataLabel = `${flags.data} + ${flags.labels} (IDX)`;
  } else {
    const path = dataPath("data", flags.data);
    whole = await loadLibsvm(mast, "data", path, flags.features ?? undefined);
    dataLabel = path;
  }
  if (flags.test !== null) {
    let test: Dataset, testLabel: string;
    if (flags.testLabels !== null) {
      test = await loadIdx(mast, ["test", "test-labels"], [flags.test, flags.testLabels]);
      testLabel = `${flags.test} + ${flags.testLabels} (IDX)`;
      if (test.cols !== whole.cols) throw new UsageError(`${flags.test}: ${test.cols} pixels an image, but --data has ${whole.cols}`);
    } else {
      const path = dataPath("test", flags.test);
      test = await loadLibsvm(mast, "test", path, whole.cols);
      testLabel = path;
    }
    return { whole, data: whole, dataLabel, test, testLabel, splitLabel: null };
  }
  if (flags.split !== null) {
    const s = split(whole, flags);
    return { whole, data: s.data, dataLabel, test: s.test, testLabel: null, splitLabel: s.label };
  }
  return { whole, data: whole, dataLabel, test: null, testLabel: null, splitLabel: null };
}
