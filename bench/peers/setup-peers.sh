#!/bin/sh
# Set-up of the Python peers of bench/networks-peers.mjs (Debian bookworm, as root): PyTorch from Debian, and OpenBLAS
# so that torch does not fall back to the reference BLAS (~12x slower on the MLP steps). Then prints the BLAS torch maps.
set -eu
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y python3-torch libopenblas0-pthread
"${MAST_BENCH_PYTHON:-/usr/bin/python3}" - <<'PY'
import re, torch
torch.ones(2, 2) @ torch.ones(2, 2)
libs = sorted({l.split()[-1] for l in open("/proc/self/maps") if re.search(r"(blas|lapack|mkl|blis)", l.split()[-1].rsplit("/", 1)[-1], re.I)})
print("torch", torch.__version__, "maps:", *libs, sep="\n  ")
PY
