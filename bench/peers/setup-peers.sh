#!/bin/sh
# Set-up of the Python peer of bench/networks-peers.mjs (Debian bookworm, as root): PyTorch from Debian, and OpenBLAS so
# that torch does not fall back to the reference BLAS (~10-12x slower on the MLP steps). Then prints the BLAS that
# torch's sgemm_ resolves to (bench/peers/torch_mlp.py's blas_in_use()).
set -eu
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y python3-torch libopenblas0-pthread
cd "$(dirname "$0")"
OPENBLAS_NUM_THREADS=1 "${MAST_BENCH_PYTHON:-/usr/bin/python3}" -B -c 'import json, torch, torch_mlp; print("torch", torch.__version__, json.dumps(torch_mlp.blas_in_use(), indent=1))'
