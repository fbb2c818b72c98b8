#!/usr/bin/env python3
"""Python peers of bench/frameworks.mjs: scikit-learn's SGDClassifier and DSGD written in PyTorch.

Usage: /usr/bin/python3 bench/peers/sgd_peers.py CONFIG.json  -> one JSON object on stdout.

The config (written by bench/frameworks.mjs) names raw little-endian files in a temp dir:
  dense:  A.f64 (n*d, row-major), b.f64 (n labels, +-1)
  csr:    indptr.i32 (n+1), indices.i32 (nnz), values.f64 (nnz), b.f64
and lists, per data set, the PyTorch cases {id, batch, K, gamma[, T]}, the sklearn settings and the step checks.
Timings are time.perf_counter() around the steps only (PyTorch) or around SGDClassifier.fit (sklearn); nothing here
asserts on time. A peer whose package is missing is reported in "skipped" and left out.

With an "accuracy" entry in the config (train and test CSR files, lam, seeds, variants {id, loss, fitIntercept}), it
also fits SGDClassifier at its defaults (only loss, fit_intercept, alpha = lam and random_state = seed given) on the
training set, once per seed and variant, and reports fit() time, n_iter_, t_, the test accuracy (clf.score), coef_,
intercept_ and any warnings fit() raised (e.g. ConvergenceWarning when max_iter is reached).
"""
import json
import os
import platform
import sys
import time
import warnings

import numpy as np


def load(ds, directory):
    n, d = ds["n"], ds["d"]
    b = np.fromfile(os.path.join(directory, ds["files"]["b"]), dtype="<f8")
    if ds["kind"] == "dense":
        A = np.fromfile(os.path.join(directory, ds["files"]["A"]), dtype="<f8").reshape(n, d)
        return A, None, b
    ip = np.fromfile(os.path.join(directory, ds["files"]["indptr"]), dtype="<i4")
    ix = np.fromfile(os.path.join(directory, ds["files"]["indices"]), dtype="<i4")
    val = np.fromfile(os.path.join(directory, ds["files"]["values"]), dtype="<f8")
    return None, (ip, ix, val), b


# ---------------------------------------------------------------- PyTorch ----------------------------------------------


def torch_peer(torch, A, b, lam, batch, K, gamma, seed):
    """DSGD in PyTorch, float64, under torch.no_grad with a manual logistic gradient (what a user writing SGD by hand
    in torch does). Rows come from an epoch-wise torch.randperm (as a shuffling DataLoader); Rand-K draws
    torch.randperm(d)[:K] each step and writes the 0 / (d/K) mask; y = mask * x; x -= gamma * mask * grad f_B(y)."""
    n, d = A.shape
    gen = torch.Generator().manual_seed(seed)
    x = torch.zeros(d, dtype=torch.float64)
    randk = K < d
    mask = torch.zeros(d, dtype=torch.float64) if randk else None
    scale = d / K
    blist = b.tolist()

    def core(rows, bb, m_mask):
        """One step on the given rows (a [d] row for batch 1, else [tau, d]) and mask (None: identity)."""
        y = x * m_mask if m_mask is not None else x
        if rows.dim() == 1:
            m = torch.dot(rows, y)
            c = -bb * torch.sigmoid(-bb * m)
            g = c * rows + lam * y
        else:
            m = rows.mv(y)
            c = -bb * torch.sigmoid(-bb * m)
            g = rows.t().mv(c) / rows.shape[0] + lam * y
        if m_mask is not None:
            g = g * m_mask
        x.add_(g, alpha=-gamma)

    state = {"perm": None, "list": None, "pos": n}

    def steps(T):
        with torch.no_grad():
            for _ in range(T):
                if state["pos"] + batch > n:
                    state["perm"] = torch.randperm(n, generator=gen)
                    state["list"] = state["perm"].tolist()
                    state["pos"] = 0
                p = state["pos"]
                state["pos"] = p + batch
                if randk:
                    sel = torch.randperm(d, generator=gen)[:K]
                    mask.zero_()
                    mask[sel] = scale
                if batch == 1:
                    i = state["list"][p]
                    core(A[i], blist[i], mask)
                else:
                    idx = state["perm"][p:p + batch]
                    core(A[idx], b[idx], mask)

    def check_step(x0, idx, m_list):
        """One step from x0 on the given rows and mask with the peer's own step code; returns the new x."""
        x.copy_(torch.tensor(x0, dtype=torch.float64))
        m = torch.tensor(m_list, dtype=torch.float64) if m_list is not None else None
        with torch.no_grad():
            if len(idx) == 1:
                core(A[idx[0]], blist[idx[0]], m)
            else:
                t = torch.tensor(idx, dtype=torch.int64)
                core(A[t], b[t], m)
        return x.tolist()

    return steps, check_step, x


def timed_samples(steps, reset, T, samples, target_ms):
    """Warm up, choose T (when not given) so a sample lasts about target_ms, then time `samples` runs of T steps."""
    steps(min(T or 20, 200))
    if not T:
        T = 8
        while True:
            reset()
            t0 = time.perf_counter()
            steps(T)
            dt = (time.perf_counter() - t0) * 1e3
            if dt >= target_ms / 4 or T >= 1 << 24:
                T = max(1, int(round(T * target_ms / max(dt, 1e-6))))
                break
            T *= 4
    out = []
    for _ in range(samples):
        reset()
        t0 = time.perf_counter()
        steps(T)
        out.append((time.perf_counter() - t0) * 1e3 / T)
    return T, out


def run_torch(cfg, data, out):
    try:
        import torch
    except Exception as e:  # noqa: BLE001 - any import failure means "not available"
        out["skipped"].append(f"PyTorch: import torch failed in {sys.executable} ({type(e).__name__}: {e}); "
                              "install Debian's python3-torch")
        return
    torch.set_num_threads(1)
    out["versions"]["torch"] = torch.__version__
    out["torch"] = {"threads": torch.get_num_threads(), "cases": {}, "checks": []}
    for ds in cfg["datasets"]:
        A_np, csr, b_np = data[ds["name"]]
        if A_np is None:  # CSR -> dense: d is small (a9a: 123), a user would densify for torch
            ip, ix, val = csr
            A_np = np.zeros((ds["n"], ds["d"]), dtype=np.float64)
            for i in range(ds["n"]):
                A_np[i, ix[ip[i]:ip[i + 1]]] = val[ip[i]:ip[i + 1]]
        A = torch.from_numpy(np.ascontiguousarray(A_np))
        b = torch.from_numpy(np.ascontiguousarray(b_np))
        for c in ds["torchCases"]:
            steps, _, x = torch_peer(torch, A, b, cfg["lam"], c["batch"], c["K"], c["gamma"], cfg["seed"])
            T, per_step = timed_samples(steps, lambda: x.zero_(), c.get("T"), cfg["samples"], cfg["targetMs"])
            out["torch"]["cases"][c["id"]] = {"T": T, "msPerStep": per_step, "xFinite": bool(torch.isfinite(x).all()),
                                              "x": x.tolist() if cfg.get("returnX") else None}
        for ch in ds.get("checks", []):
            K = ch["K"]
            _, check_step, _ = torch_peer(torch, A, b, cfg["lam"], len(ch["idx"]), K, 1.0, cfg["seed"])
            x1 = check_step(ch["x0"], ch["idx"], ch["mask"])
            out["torch"]["checks"].append({"id": ch["id"], "x1": x1})


# ---------------------------------------------------------------- scikit-learn -----------------------------------------


def run_sklearn(cfg, data, out):
    try:
        import sklearn
        from sklearn.linear_model import SGDClassifier
        import scipy.sparse as sp
    except Exception as e:  # noqa: BLE001
        out["skipped"].append(f"scikit-learn: import failed in {sys.executable} ({type(e).__name__}: {e}); "
                              "apt-get install -y python3-sklearn")
        return
    out["versions"]["sklearn"] = sklearn.__version__
    out["sklearn"] = {}
    for ds in cfg["datasets"]:
        sk = ds.get("sklearn")
        if not sk:
            continue
        A_np, csr, b = data[ds["name"]]
        X = A_np if A_np is not None else sp.csr_matrix((csr[2], csr[1], csr[0]), shape=(ds["n"], ds["d"]))
        y = b.astype(np.float64)

        def make(epochs):
            return SGDClassifier(loss="log_loss", penalty="l2", alpha=cfg["lam"], learning_rate="constant",
                                 eta0=sk["gamma"], max_iter=epochs, tol=None, shuffle=True, random_state=0,
                                 fit_intercept=False, average=False)

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            make(1).fit(X, y)  # warm-up (imports, first-call costs)
            fits = []
            clf = None
            for _ in range(sk["reps"]):
                clf = make(sk["epochs"])
                t0 = time.perf_counter()
                clf.fit(X, y)
                fits.append((time.perf_counter() - t0) * 1e3)
        out["sklearn"][ds["name"]] = {
            "epochs": sk["epochs"], "n": ds["n"], "fitMs": fits, "nIter": int(clf.n_iter_), "tUpdates": int(clf.t_),
            "coef": clf.coef_.ravel().tolist(), "format": "dense ndarray" if A_np is not None else "scipy CSR",
        }


def run_accuracy(cfg, out):
    """SGDClassifier at its defaults on a train/test split: per variant and seed, fit() time, n_iter_, test accuracy."""
    try:
        import sklearn
        from sklearn.linear_model import SGDClassifier
        import scipy.sparse as sp
    except Exception as e:  # noqa: BLE001
        out["skipped"].append(f"scikit-learn: import failed in {sys.executable} ({type(e).__name__}: {e}); "
                              "apt-get install -y python3-sklearn")
        return
    out["versions"]["sklearn"] = sklearn.__version__
    acc = cfg["accuracy"]

    def csr(part):
        _, (ip, ix, val), b = load(part, cfg["dir"])
        return sp.csr_matrix((val, ix, ip), shape=(part["n"], part["d"])), b.astype(np.float64)

    X, y = csr(acc["train"])
    Xt, yt = csr(acc["test"])

    def make(v, seed):
        # Everything else at sklearn's defaults: penalty="l2", learning_rate="optimal", max_iter=1000, tol=1e-3,
        # n_iter_no_change=5, early_stopping=False (the stopping test is on the training loss), shuffle=True,
        # average=False. alpha is given explicitly (the same λ as ours; it is also sklearn's default, 1e-4).
        return SGDClassifier(loss=v["loss"], fit_intercept=v["fitIntercept"], alpha=acc["lam"], random_state=seed)

    res = {"params": {}, "fits": []}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for v in acc["variants"]:  # warm-up (imports, first-call costs), not reported
            make(v, 0).fit(X, y)
    for seed in acc["seeds"]:
        for v in acc["variants"]:
            clf = make(v, seed)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                t0 = time.perf_counter()
                clf.fit(X, y)
                ms = (time.perf_counter() - t0) * 1e3
            res["params"][v["id"]] = {k: val for k, val in clf.get_params().items()
                                      if isinstance(val, (int, float, str, bool, type(None)))}
            res["fits"].append({
                "id": v["id"], "seed": seed, "fitMs": ms, "nIter": int(clf.n_iter_), "tUpdates": int(clf.t_),
                "testAccuracy": float(clf.score(Xt, yt)), "trainAccuracy": float(clf.score(X, y)),
                "coef": clf.coef_.ravel().tolist(), "intercept": float(clf.intercept_[0]),
                "warnings": sorted({f"{w.category.__name__}: {w.message}" for w in caught}),
            })
    out["accuracy"] = res


def main():
    with open(sys.argv[1], encoding="utf8") as fh:
        cfg = json.load(fh)
    out = {"versions": {"python": platform.python_version(), "numpy": np.__version__, "executable": sys.executable},
           "skipped": []}
    data = {ds["name"]: load(ds, cfg["dir"]) for ds in cfg["datasets"]}
    if cfg.get("accuracy"):
        run_accuracy(cfg, out)
    if cfg.get("sklearn", True):
        run_sklearn(cfg, data, out)
    if cfg.get("torch", True):
        run_torch(cfg, data, out)
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
