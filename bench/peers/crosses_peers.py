#!/usr/bin/env python3
"""scikit-learn peer of bench/scale.mjs's hashed-crosses benchmark: SGDClassifier on the same CSR as mast-wasm.

Usage: /usr/bin/python3 bench/peers/crosses_peers.py CONFIG.json  -> one JSON object on stdout.

The config names raw little-endian files (train and test: indptr.i32, indices.i32, values.f64, b.f64), d, lam, the
target test accuracy, the epoch budget and the seeds. For each seed, SGDClassifier(loss="log_loss", penalty="l2",
alpha=lam, fit_intercept=False, the default "optimal" learning rate) runs one epoch per partial_fit call (shuffled);
only partial_fit is timed (time.perf_counter), the test accuracy (clf.score) is taken between epochs, untimed. The time
to accuracy is the summed epoch time up to the first epoch whose test accuracy reaches the target. Peak RSS is this
process's ru_maxrss (the data, numpy/scipy and the model). Nothing here asserts on time.
"""
import json
import os
import resource
import sys
import time
import warnings

import numpy as np


def load(directory, files, n, d):
    from scipy.sparse import csr_matrix
    ip = np.fromfile(os.path.join(directory, files["indptr"]), dtype="<i4")
    ix = np.fromfile(os.path.join(directory, files["indices"]), dtype="<i4")
    val = np.fromfile(os.path.join(directory, files["values"]), dtype="<f8")
    b = np.fromfile(os.path.join(directory, files["b"]), dtype="<f8")
    return csr_matrix((val, ix, ip), shape=(n, d)), b


def main():
    cfg = json.load(open(sys.argv[1]))
    import sklearn
    from sklearn.linear_model import SGDClassifier
    directory = cfg["dir"]
    A, b = load(directory, cfg["train"]["files"], cfg["train"]["n"], cfg["d"])
    At, bt = load(directory, cfg["test"]["files"], cfg["test"]["n"], cfg["d"])
    runs = []
    for seed in cfg["seeds"]:
        clf = SGDClassifier(loss="log_loss", penalty="l2", alpha=cfg["lam"], fit_intercept=False, random_state=seed)
        elapsed, epochs, reached = 0.0, [], None
        for e in range(cfg["epochs"]):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                t0 = time.perf_counter()
                clf.partial_fit(A, b, classes=np.array([-1.0, 1.0]))
                elapsed += time.perf_counter() - t0
            acc = float(clf.score(At, bt))
            epochs.append({"epoch": e + 1, "seconds": elapsed, "accuracy": acc})
            if reached is None and acc >= cfg["target"]:
                reached = {"epoch": e + 1, "seconds": elapsed, "accuracy": acc}
                if cfg.get("stopAtTarget", True):
                    break
        runs.append({"seed": seed, "epochs": epochs, "reached": reached, "samplesPerSecond": len(epochs) * A.shape[0] / elapsed})
    print(json.dumps({
        "sklearn": sklearn.__version__, "numpy": np.__version__, "runs": runs,
        "peakRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()
