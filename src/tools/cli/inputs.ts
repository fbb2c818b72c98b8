/**
 * The data of a `mast train` run: a LibSVM file or the built-in synthetic set, and an optional LibSVM test file.
 * @module
 */
import type { Dataset, Mast } from "../../index.js";
import { UsageError, isArgumentError } from "./errors.js";
import { DEFAULT_SYNTHETIC } from "./defaults.js";
import type { TrainFlags } from "./flags.js";
import { readInput } from "./files.js";

/** The data of a run: the training set (and its label for the header) and the optional test set. */
export interface Inputs { data: Dataset; dataLabel: string; test: Dataset | null }

async function loadLibsvm(mast: Mast, flag: string, path: string, features: number | undefined): Promise<Dataset> {
  const bytes = readInput(flag, path);
  try {
    return await mast.data.libsvm(bytes, features === undefined ? {} : { features });
  } catch (e) {
    if (isArgumentError(e) || (e instanceof Error && e.message.startsWith("libsvm"))) {
      throw new UsageError(`${path}: ${e.message}`);
    }
    throw e;
  }
}

/** loadInputs(mast, flags): read --data (or make the built-in set) and --test. */
export async function loadInputs(mast: Mast, flags: TrainFlags): Promise<Inputs> {
  let data: Dataset, dataLabel: string;
  if (flags.data === null) {
    data = mast.data.synthetic({ ...DEFAULT_SYNTHETIC });
    dataLabel = `built-in synthetic data set (shaped like a5a; planted sparse logistic model, seed ${DEFAULT_SYNTHETIC.seed})`;
  } else {
    data = await loadLibsvm(mast, "data", flags.data, flags.features ?? undefined);
    dataLabel = flags.data;
  }
  const test = flags.test === null ? null : await loadLibsvm(mast, "test", flags.test, data.cols);
  return { data, dataLabel, test };
}
