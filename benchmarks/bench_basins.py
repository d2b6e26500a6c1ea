"""Exact-basin benchmark: successors of all 2^N states in Gray-code order with incremental
fields (O(N) per state) against the same kernel recomputing the fields of every state from
scratch (O(N^2) per state) and against a vectorised NumPy map, measured in the same run; plus
the O(2^N) basin pass and the whole ``exact_basins`` call.

Run: ``python benchmarks/bench_basins.py [--n 20 22] [--repeats 3]``
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import print_table, timeit, write_json  # noqa: E402


def _network(n, seed=0):
    from esorma import Hopfield

    g = np.random.default_rng(seed).normal(size=(n, n))
    J = (g + g.T) / np.sqrt(2 * n)
    np.fill_diagonal(J, 0.0)
    return Hopfield(J)


def numpy_sync_successors(J, block=1 << 16):
    """Vectorised NumPy: decode a block of states, one matrix product, encode."""
    n = J.shape[0]
    out = np.empty(1 << n, dtype=np.int64)
    weights = 1 << np.arange(n, dtype=np.int64)
    for start in range(0, 1 << n, block):
        codes = np.arange(start, min(start + block, 1 << n), dtype=np.int64)
        s = np.where((codes[:, None] >> np.arange(n)) & 1, 1.0, -1.0)
        h = s @ J.T
        new = np.where(h > 0, 1, np.where(h < 0, -1, s))
        out[start : start + codes.size] = (new > 0).astype(np.int64) @ weights
    return out


def main(argv=None) -> int:
    from esorma.attractors import _kernels as K
    from esorma.attractors import exact_basins, successors

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, nargs="+", default=[20, 22])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    rows, payload = [], {"cases": []}
    for n in args.n:
        net = _network(n)
        J = net.J
        hp = np.zeros(n)
        succ = np.empty(1 << n, dtype=np.int32)
        gray, _, ref = timeit(lambda: successors(net, mode="sync"), repeats=args.repeats)
        naive, _, _ = timeit(
            lambda: K.naive_sync_successors(J, 1.0, net.theta, hp, succ), repeats=args.repeats
        )
        assert np.array_equal(succ, ref), "naive and Gray-code successors differ"
        seq, _, _ = timeit(lambda: successors(net, mode="sequential"), repeats=args.repeats)
        npy, _, ref_np = timeit(lambda: numpy_sync_successors(J), repeats=1, warmup=0)
        assert np.array_equal(ref_np, ref), "NumPy and Gray-code successors differ"
        basin = np.empty(1 << n, dtype=np.int32)
        depth = np.empty(1 << n, dtype=np.int32)
        graph, _, _ = timeit(lambda: K.functional_graph(ref, basin, depth), repeats=args.repeats)
        whole, _, res = timeit(lambda: exact_basins(net, mode="sync", keep_graph=False),
                               repeats=args.repeats)
        case = dict(n=n, gray_sync_s=gray, naive_sync_s=naive, numpy_sync_s=npy,
                    sequential_s=seq, basin_pass_s=graph, exact_basins_s=whole,
                    speedup_vs_naive=naive / gray, speedup_vs_numpy=npy / gray,
                    n_attractors=res.n_attractors)
        payload["cases"].append(case)
        rows.append([n, f"{gray:.3f}", f"{naive:.3f}", f"{naive / gray:.1f}x", f"{npy:.2f}",
                     f"{npy / gray:.0f}x", f"{seq:.3f}", f"{graph:.3f}", f"{whole:.3f}"])
    print_table(rows, ["N", "gray sync s", "naive numba s", "ratio", "numpy s", "ratio",
                       "sequential s", "basin pass s", "exact_basins s"])
    write_json("bench_basins", payload)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
