#!/usr/bin/env python3
"""PyTorch peer of bench/networks-peers.mjs: a relu MLP trained with minibatch SGD on the MNIST t10k split.

Usage (one configuration a call; JSON lines on stdout, one object a line, the last one {"event": "result", ...}):

  /usr/bin/python3 bench/peers/torch_mlp.py --images T10K_IMAGES.gz --labels T10K_LABELS.gz \
      --sizes 784,256,256,10 --batch 64 --dropout 0.5|none --lr 0.1 --seed 1 \
      --mode speed [--steps S | --rep-ms 1000] [--reps 5] [--warmup 20] [--batches index|dataloader]
  ... --mode accuracy --epochs 10

Data: the MNIST t10k split (the 10,000-image MNIST test set read as a data set of its own): the first 8,000 images
train, the last 2,000 test; pixels / 255 as float32, labels 0-9. Never call it "MNIST".

Model: nn.Linear stack with ReLU after every hidden layer and, when --dropout is a rate, nn.Dropout(p) after every
hidden activation; cross-entropy (mean over the batch); torch.optim.SGD(lr) without momentum or weight decay;
zero_grad(set_to_none=True). One thread: torch.set_num_threads(1), and OPENBLAS/OMP/MKL_NUM_THREADS set before torch
is imported (torch.set_num_threads does not reach an OpenBLAS thread pool).

speed: warm-up steps, then R repetitions of S full training steps (row gather of a shuffled minibatch, forward,
  backward, optimizer step), each timed with time.perf_counter; samples/s = S * batch / seconds, the median over
  repetitions is "samplesPerSec". The loss on a fixed evaluation set (train[0:1000], inference mode) before the
  warm-up and after the last repetition shows that the steps train. Minibatches: index_select of rows in an
  epoch-wise torch.randperm (the lean loop a user writes); --batches dataloader goes through a shuffling
  torch.utils.data.DataLoader instead (its per-batch Python collate costs ~10-30% at 784-256-256-10).
accuracy: E epochs over the 8,000 training images, each in a fresh permutation from a torch.Generator seeded with
  --seed; train and test accuracy (inference mode) at the end, and per epoch.

The info line names the BLAS that torch calls: the library that defines the sgemm_ libtorch_cpu resolves (dladdr), with
OpenBLAS's own openblas_get_config() when it is OpenBLAS, and every BLAS/LAPACK library mapped (/proc/self/maps).
Debian's python3-torch calls whatever libblas.so.3 the system provides, and the reference BLAS is ~10-12x slower than
OpenBLAS (apt-get install libopenblas0-pthread); LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/blas forces the reference
one when libblas3 is installed (measured: 784-64-64-10 at 21k samples/s against 214k).
"""
import argparse
import gzip
import json
import os
import platform
import re
import statistics
import sys
import time


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--images", required=True, help="t10k-images-idx3-ubyte.gz")
    p.add_argument("--labels", required=True, help="t10k-labels-idx1-ubyte.gz")
    p.add_argument("--sizes", default="784,256,256,10", help="layer sizes, input first, classes last")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--dropout", default="none", help="rate p of nn.Dropout(p) after each hidden activation, or none")
    p.add_argument("--lr", type=float, default=0.1, help="SGD step")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--mode", choices=["speed", "accuracy"], default="speed")
    p.add_argument("--steps", type=int, default=0, help="speed: steps per repetition (0: calibrate to --rep-ms)")
    p.add_argument("--rep-ms", type=float, default=1000.0, help="speed: target duration of a repetition when --steps is 0")
    p.add_argument("--reps", type=int, default=5, help="speed: repetitions")
    p.add_argument("--warmup", type=int, default=20, help="speed: untimed steps first")
    p.add_argument("--epochs", type=int, default=10, help="accuracy: epochs")
    p.add_argument("--train", type=int, default=8000, help="the first N images train")
    p.add_argument("--test", type=int, default=2000, help="the last N images test")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--batches", choices=["index", "dataloader"], default="index",
                   help="index: index_select rows of an epoch-wise torch.randperm (default); dataloader: "
                        "torch.utils.data.DataLoader(TensorDataset, shuffle=True), which adds its Python collate cost")
    a = p.parse_args(argv)
    a.sizes = [int(s) for s in a.sizes.split(",")]
    a.dropout = None if a.dropout.lower() in ("none", "0", "0.0", "") else float(a.dropout)
    if len(a.sizes) < 2:
        p.error("--sizes needs at least input and output sizes")
    return a


def read_idx(path, magic, ndim):
    """An IDX file (gzip or raw): big-endian magic and dimensions, then uint8 data."""
    import numpy as np
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    m = int.from_bytes(raw[0:4], "big")
    if m != magic:
        raise ValueError(f"{path}: IDX magic 0x{m:08x}, expected 0x{magic:08x}")
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(dims)):
        raise ValueError(f"{path}: {data.size} bytes of data for dimensions {dims}")
    return data.reshape(dims)


def load_split(a, torch):
    """(Xtrain, ytrain, Xtest, ytest) of the MNIST t10k split as torch tensors (float32 pixels / 255, int64 labels)."""
    import numpy as np
    imgs = read_idx(a.images, 0x00000803, 3)
    labs = read_idx(a.labels, 0x00000801, 1)
    n = imgs.shape[0]
    if labs.shape[0] != n:
        raise ValueError(f"{n} images but {labs.shape[0]} labels")
    if a.train + a.test > n:
        raise ValueError(f"--train {a.train} + --test {a.test} > {n} images")
    X = torch.from_numpy(imgs.reshape(n, -1).astype(np.float32) / np.float32(255.0))
    y = torch.from_numpy(labs.astype(np.int64))
    if X.shape[1] != a.sizes[0]:
        raise ValueError(f"input size {a.sizes[0]} but images have {X.shape[1]} pixels")
    return X[: a.train].contiguous(), y[: a.train].contiguous(), X[n - a.test:].contiguous(), y[n - a.test:].contiguous()


def classify_blas(path):
    p = path.lower()
    for kind, pat in (("openblas", r"openblas"), ("mkl", r"mkl"), ("blis", r"blis"), ("atlas", r"atlas"), ("reference", r"/blas/libblas\.so")):
        if re.search(pat, p):
            return kind
    return "unknown"


def blas_in_use():
    """Which BLAS torch's sgemm_ calls go to. Debian's libtorch_cpu.so needs libblas.so.3 (and liblapack.so.3), and the
    alternatives system (or LD_LIBRARY_PATH) picks the file: sgemm_ is looked up from libtorch_cpu's handle (its
    dependency scope, as its own calls resolve) and dladdr names the library that defines it. Also lists every mapped
    BLAS/LAPACK library (OpenBLAS's liblapack.so.3 maps libopenblas even when libblas.so.3 is the reference one)."""
    import ctypes
    mapped = []
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 6 and parts[-1] not in mapped and (
                    re.search(r"(blas|lapack|mkl|blis|atlas)", os.path.basename(parts[-1]), re.I) or "libtorch_cpu" in parts[-1]):
                mapped.append(parts[-1])
    torch_cpu = next((m for m in mapped if "libtorch_cpu" in m), None)
    libs = [m for m in mapped if m != torch_cpu]
    provider = None
    if torch_cpu:
        class DlInfo(ctypes.Structure):
            _fields_ = [("dli_fname", ctypes.c_char_p), ("dli_fbase", ctypes.c_void_p),
                        ("dli_sname", ctypes.c_char_p), ("dli_saddr", ctypes.c_void_p)]
        try:
            fn = getattr(ctypes.CDLL(torch_cpu), "sgemm_")
            info = DlInfo()
            if ctypes.CDLL(None).dladdr(ctypes.cast(fn, ctypes.c_void_p), ctypes.byref(info)) and info.dli_fname:
                provider = os.path.realpath(info.dli_fname.decode())
        except (OSError, AttributeError):
            provider = None
    if provider:
        kind = classify_blas(provider)
    else:   # fall back on what is mapped
        kinds = [classify_blas(m) for m in libs if "blas" in os.path.basename(m).lower()]
        kind = kinds[0] if kinds else "none found"
    out = {"kind": kind, "sgemmFrom": provider, "libraries": libs}
    if kind == "openblas":
        for path in ([provider] if provider else []) + [m for m in libs if "openblas" in m.lower()]:
            try:
                lib = ctypes.CDLL(path)
                lib.openblas_get_config.restype = ctypes.c_char_p
                out["config"] = lib.openblas_get_config().decode()
                out["threads"] = int(lib.openblas_get_num_threads())
                break
            except (OSError, AttributeError):
                continue
    if kind == "reference":
        out["warning"] = "torch's sgemm_ is the reference BLAS (~12x slower than OpenBLAS): apt-get install libopenblas0-pthread"
    elif kind != "openblas":
        out["warning"] = f"torch's sgemm_ comes from {provider or 'an unidentified library'} ({kind})"
    return out


def build(a, torch):
    nn = torch.nn
    layers = []
    for i in range(len(a.sizes) - 1):
        layers.append(nn.Linear(a.sizes[i], a.sizes[i + 1]))
        if i < len(a.sizes) - 2:
            layers.append(nn.ReLU())
            if a.dropout is not None:
                layers.append(nn.Dropout(a.dropout))
    return nn.Sequential(*layers)


def evaluate(model, torch, X, y, chunk=2000):
    """(mean cross-entropy, accuracy) in inference mode."""
    was = model.training
    model.eval()
    loss, correct = 0.0, 0
    with torch.no_grad():
        for s in range(0, X.shape[0], chunk):
            out = model(X[s: s + chunk])
            loss += torch.nn.functional.cross_entropy(out, y[s: s + chunk], reduction="sum").item()
            correct += (out.argmax(1) == y[s: s + chunk]).sum().item()
    model.train(was)
    return loss / X.shape[0], correct / X.shape[0]


def main(argv):
    a = parse_args(argv)
    for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[k] = str(a.threads)
    try:
        import numpy as np
        import torch
    except ImportError as e:
        emit({"event": "skipped", "reason": f"{e} (apt-get install python3-torch libopenblas0-pthread)"})
        return 3
    torch.set_num_threads(a.threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)

    Xtr, ytr, Xte, yte = load_split(a, torch)
    model = build(a, torch)
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=a.lr)
    lossf = torch.nn.CrossEntropyLoss()
    blas = blas_in_use()   # libblas.so.3 is mapped when torch is imported
    build_info = re.search(r"BLAS_INFO=([^,]+)", torch.__config__.show())   # "generic" on Debian: the system's libblas
    info = {
        "event": "info", "python": platform.python_version(), "torch": torch.__version__, "numpy": np.__version__,
        "torchThreads": torch.get_num_threads(), "blas": blas, "torchBlasInfo": build_info.group(1) if build_info else None,
        "config": {"sizes": a.sizes, "batch": a.batch, "dropout": a.dropout, "lr": a.lr, "seed": a.seed, "mode": a.mode,
                   "train": a.train, "test": a.test, "threads": a.threads, "batches": a.batches},
        "model": str(model).replace("\n", " "),
    }
    emit(info)

    n = Xtr.shape[0]
    state = {"perm": torch.randperm(n, generator=gen), "pos": 0}

    if a.batches == "dataloader":
        loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(Xtr, ytr), batch_size=a.batch, shuffle=True,
                                             generator=gen, drop_last=True, num_workers=0)

        def batches():
            while True:
                yield from loader
        it = batches()

        def next_batch():
            return next(it)
    else:
        def next_batch():
            return index_batch()

    def index_batch():
        if state["pos"] + a.batch > n:
            state["perm"] = torch.randperm(n, generator=gen)
            state["pos"] = 0
        idx = state["perm"][state["pos"]: state["pos"] + a.batch]
        state["pos"] += a.batch
        return Xtr.index_select(0, idx), ytr.index_select(0, idx)

    def step(xb, yb):
        opt.zero_grad(set_to_none=True)
        loss = lossf(model(xb), yb)
        loss.backward()
        opt.step()
        return loss

    if a.mode == "speed":
        ev_n = min(1000, n)
        before, _ = evaluate(model, torch, Xtr[:ev_n], ytr[:ev_n])
        first_loss = None
        t0 = time.perf_counter()
        for k in range(max(a.warmup, 1)):
            l = step(*next_batch())
            if k == 0:
                first_loss = l.item()
        warm_s = time.perf_counter() - t0
        steps = a.steps
        if steps <= 0:
            per = warm_s / max(a.warmup, 1)
            steps = max(5, int(round(a.rep_ms / 1000.0 / max(per, 1e-6))))
        reps = []
        last_loss = None
        for r in range(a.reps):
            t0 = time.perf_counter()
            for _ in range(steps):
                l = step(*next_batch())
            dt = time.perf_counter() - t0
            last_loss = l.item()
            rate = steps * a.batch / dt
            reps.append(rate)
            emit({"event": "rep", "rep": r, "steps": steps, "seconds": dt, "samplesPerSec": rate})
        after, _ = evaluate(model, torch, Xtr[:ev_n], ytr[:ev_n])
        emit({
            "event": "result", "mode": "speed", "samplesPerSec": statistics.median(reps), "reps": reps,
            "stepsPerRep": steps, "batch": a.batch, "warmupSteps": max(a.warmup, 1), "batches": a.batches,
            "firstStepLoss": first_loss, "lastStepLoss": last_loss,
            "evalLossBefore": before, "evalLossAfter": after, "evalSet": f"train[0:{ev_n}]",
            "finite": all(torch.isfinite(p).all().item() for p in model.parameters()),
            "blas": blas["kind"], "torch": torch.__version__,
        })
        return 0

    # accuracy
    steps_per_epoch = (n + a.batch - 1) // a.batch
    t_start = time.perf_counter()
    for e in range(a.epochs):
        perm = torch.randperm(n, generator=gen)
        total = 0.0
        for s in range(steps_per_epoch):
            idx = perm[s * a.batch: (s + 1) * a.batch]
            total += step(Xtr.index_select(0, idx), ytr.index_select(0, idx)).item() * idx.numel()
        te_loss, te_acc = evaluate(model, torch, Xte, yte)
        emit({"event": "epoch", "epoch": e + 1, "trainLoss": total / n, "testLoss": te_loss, "testAcc": te_acc})
    tr_loss, tr_acc = evaluate(model, torch, Xtr, ytr)
    te_loss, te_acc = evaluate(model, torch, Xte, yte)
    emit({
        "event": "result", "mode": "accuracy", "epochs": a.epochs, "trainAcc": tr_acc, "testAcc": te_acc,
        "trainLoss": tr_loss, "testLoss": te_loss, "seconds": time.perf_counter() - t_start,
        "blas": blas["kind"], "torch": torch.__version__,
    })
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Exception as e:  # a line the caller can show, then a non-zero exit
        emit({"event": "error", "error": f"{type(e).__name__}: {e}"})
        raise
