"""Retrieval benchmark (issue 2): store P = 0.1 N patterns and run 20 asynchronous retrievals
from 10 %-corrupted patterns at N = 4000; compare with a straightforward NumPy implementation
of the same protocol measured in the same run.

Run: ``python benchmarks/bench_retrieval.py [--n 4000] [--repeats 5]``
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import print_table, timeit, write_json  # noqa: E402


def esorma_protocol(n, p, n_probes, seed):
    from esorma import Hopfield
    from esorma.patterns import corrupt, random_patterns

    rng = np.random.default_rng(seed)
    xi = random_patterns(p, n, rng=rng)
    net = Hopfield.from_patterns(xi)
    res = net.run(corrupt(xi[:n_probes], 0.1, rng=rng), rng=rng)
    return np.diagonal(net.overlaps(res.states)[:, :n_probes])


def numpy_protocol(n, p, n_probes, seed):
    """Straightforward NumPy: float Hebb matrix, per-spin field J[i] @ s, random order."""
    rng = np.random.default_rng(seed)
    xi = rng.choice(np.array([-1.0, 1.0]), size=(p, n))
    J = xi.T @ xi / n
    np.fill_diagonal(J, 0.0)
    m = []
    for k in range(n_probes):
        s = xi[k].copy()
        flip = rng.choice(n, size=int(round(0.1 * n)), replace=False)
        s[flip] *= -1
        for _ in range(100):
            changed = 0
            for i in rng.permutation(n):
                h = J[i] @ s
                if h * s[i] < 0:
                    s[i] = -s[i]
                    changed += 1
            if not changed:
                break
        m.append(s @ xi[k] / n)
    return np.array(m)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=4000)
    ap.add_argument("--probes", type=int, default=20)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args(argv)
    n, p = args.n, int(round(0.1 * args.n))
    t_es, all_es, m_es = timeit(lambda: esorma_protocol(n, p, args.probes, 1), args.repeats)
    t_np, all_np, m_np = timeit(lambda: numpy_protocol(n, p, args.probes, 1), 3, warmup=0)
    rows = [
        ["esorma (int16 Hebb, numba async)", f"{t_es:.3f}", f"{np.mean(m_es):.4f}", "1.0"],
        ["NumPy straightforward", f"{t_np:.3f}", f"{np.mean(m_np):.4f}", f"{t_np / t_es:.1f}"],
    ]
    print(f"Retrieval: N = {n}, P = {p}, {args.probes} probes from 10 % corruption "
          f"(median of {args.repeats} / 3 runs, seconds)\n")
    print_table(rows, ["implementation", "median s", "mean overlap", "slowdown vs esorma"])
    ok = t_es < 1.0
    print(f"\ntarget: < 1 s -> {'met' if ok else 'NOT met'} ({t_es:.3f} s; "
          f"{t_np / t_es:.1f}x faster than NumPy)")
    write_json("bench_retrieval", {
        "n": n, "p": p, "probes": args.probes,
        "esorma_seconds": all_es, "numpy_seconds": all_np,
        "esorma_median": t_es, "numpy_median": t_np, "ratio": t_np / t_es, "target_met": ok,
    })
    return 0


if __name__ == "__main__":
    sys.exit(main())
