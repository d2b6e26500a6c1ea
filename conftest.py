"""Root pytest configuration (tests/ and the doctests of esorma/)."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")
# One BLAS thread per process: tests run Numba prange kernels next to small BLAS calls, and
# OpenBLAS worker threads competing with Numba's threads slow both down by orders of magnitude
# on a 2-core machine. Results do not depend on it.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
