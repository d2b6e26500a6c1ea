"""Thread-pool control shared by the package (BLAS threads vs Numba threads)."""

from __future__ import annotations

import contextlib

__all__ = ["single_threaded_blas"]


@contextlib.contextmanager
def single_threaded_blas():
    """Run the enclosed NumPy/SciPy products on one BLAS thread; restored afterwards.

    Small matrix products interleaved with Numba ``prange`` kernels are slowed down by orders
    of magnitude on a busy machine when OpenBLAS worker threads compete with Numba's threads.
    Limiting BLAS changes no result (the products involved are exact small integers or are
    reduced in the same order), only the speed.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield
