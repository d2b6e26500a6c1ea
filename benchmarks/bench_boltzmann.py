"""Glauber dynamics and exact thermodynamics, against NumPy doing the same job (issue 19).

Glauber (heat bath) on a Hebb network, N = 4000, P = 3, T = 0.5, C chains started from the
first pattern, ``--sweeps`` sweeps in sequential order (spin 0, 1, ..., N−1 in every sweep).
Both implementations do exactly this job and return the same output (final states, their
overlaps with the patterns and their energies):

* esorma: :func:`esorma.dynamics.sample` with ``order="sequential"``, on the dense path
  (integer Hebb counts, fields kept up to date on each flip) and on the low-rank path
  (P overlaps instead of N fields), with 1 Numba thread and with all threads;
* NumPy: the best vectorised implementation we know, vectorised over chains (the update order
  within a chain is sequential, so the sweep loop over sites is a Python loop): fields
  ``h = s J`` (dense) or overlaps ``M = s ξᵀ`` (low rank) kept up to date on each flip.

The heat-bath rule is the same (flip with probability 1 / (1 + exp(2 s_i h_i / T))); the random
numbers are not (each draws its own), so the outputs agree statistically at T = 0.5: the mean
final overlap of the C chains is compared with its standard error. At T = 0 the dynamics is
deterministic: both are run from the same corrupted start and must return identical states
(same order, same tie rule), which checks that they do the same job.

Throughput: chain-sweeps per second (C × sweeps / wall time of the whole public call), and
spin updates per second (× N). Exact thermodynamics (all 2^N states of an SK network at 50
temperatures) is compared with a chunked NumPy enumeration (same log Z and specific heat).

BLAS pinned to one thread; medians and spreads over ``--repeats``; machine load recorded.

Run: ``python benchmarks/bench_boltzmann.py [--quick]``; writes
``benchmarks/out/bench_boltzmann.json``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    cpu_timeit,
    machine,
    pin_blas,
    print_table,
    summary,
    write_json,
)


# --------------------------------------------------------------------------- NumPy baselines


def numpy_glauber_dense(J, scale, states, temperature, n_sweeps, rng):
    """Sequential-order Glauber on dense integer couplings, vectorised over chains.

    ``J`` holds integer counts with zero diagonal (effective couplings ``scale * J``). Returns
    the final states (int8). At ``temperature == 0``: flip iff ``s_i h_i < 0`` (ties keep).
    """
    s = states.astype(np.int64)
    c, n = s.shape
    Jl = J.astype(np.int64)
    h = s @ Jl  # (C, N), J symmetric
    for _ in range(n_sweeps):
        for i in range(n):
            x = s[:, i] * h[:, i]
            if temperature > 0:
                u = rng.random(c)
                flip = u * (1.0 + np.exp(2.0 * scale * x / temperature)) < 1.0
            else:
                flip = x < 0
            if flip.any():
                rows = np.flatnonzero(flip)
                s[rows, i] = -s[rows, i]
                h[rows] += (2 * s[rows, i])[:, None] * Jl[i]
    return s.astype(np.int8)


def numpy_glauber_low_rank(xi, states, temperature, n_sweeps, rng):
    """Sequential-order Glauber on the low-rank Hebb fields.

    ``h_i = (1/N)(Σ_μ ξ_i^μ M_μ − P s_i)`` with J_ii = 0.

    ``M = s ξᵀ`` (C, P) is kept up to date on each flip (O(P) per update).
    """
    s = states.astype(np.int64)
    c, n = s.shape
    p = xi.shape[0]
    xt = np.ascontiguousarray(xi.T.astype(np.int64))  # (N, P)
    M = s @ xt
    for _ in range(n_sweeps):
        for i in range(n):
            si = s[:, i]
            a = si * (M @ xt[i]) - p  # s_i h_i N with J_ii = 0
            if temperature > 0:
                u = rng.random(c)
                flip = u * (1.0 + np.exp(2.0 * a / (n * temperature))) < 1.0
            else:
                flip = a < 0
            if flip.any():
                rows = np.flatnonzero(flip)
                s[rows, i] = -si[rows]
                M[rows] += (2 * s[rows, i])[:, None] * xt[i]
    return s.astype(np.int8)


def numpy_exact(J, temps, chunk_bits=20):
    """NumPy enumeration of all 2**N states in chunks; log Z, ⟨E⟩ and C per temperature."""
    n = J.shape[0]
    total = 1 << n
    energies = np.empty(total)
    cs = 1 << min(chunk_bits, n)
    for start in range(0, total, cs):
        codes = np.arange(start, start + cs, dtype=np.int64)
        S = (1 - 2 * ((codes[:, None] >> np.arange(n)) & 1)).astype(np.float64)
        energies[start:start + cs] = -0.5 * np.einsum("bi,bi->b", S @ J, S)
    e0 = energies.min()
    de = energies - e0
    out = []
    for t in temps:
        w = np.exp(-de / t)
        z = w.sum()
        m1 = (w @ de) / z
        m2 = (w @ de**2) / z
        out.append((np.log(z) - e0 / t, e0 + m1, (m2 - m1**2) / t**2))
    return np.array(out)


# --------------------------------------------------------------------------- helpers


def _esorma(net, temp, sweeps, start, path, threads, seed):
    import numba

    from esorma.dynamics.stochastic import sample

    old = numba.get_num_threads()
    numba.set_num_threads(threads)
    try:
        return sample(net, temp, n_sweeps=sweeps, states=start, order="sequential",
                      path=path, rng=seed).states
    finally:
        numba.set_num_threads(old)


def _overlap_stats(states, xi):
    m = (states.astype(np.int64) @ xi[0].astype(np.int64)) / xi.shape[1]
    return float(m.mean()), float(m.std(ddof=1) / np.sqrt(m.size)) if m.size > 1 else 0.0


def _timed(fn, repeats):
    _, walls, cpus, last = cpu_timeit(fn, repeats=repeats, warmup=1)
    return summary(walls), summary(cpus), last


def glauber_rows(n, p, temp, chains_list, sweeps, repeats, seed):
    import numba

    from esorma import Hopfield
    from esorma.patterns import corrupt, random_patterns

    xi = random_patterns(p, n, rng=seed)
    net = Hopfield.from_patterns(xi)
    J = (xi.T.astype(np.int64) @ xi.astype(np.int64))
    np.fill_diagonal(J, 0)
    scale = 1.0 / n
    all_threads = numba.get_num_threads()
    rows, checks = [], []

    # T = 0: deterministic, identical final states expected (same order, same tie rule)
    start0 = corrupt(np.repeat(xi[:1], 4, axis=0), 0.2, rng=seed + 1)
    for path in ("dense", "low_rank"):
        ours = _esorma(net, 0.0, 3, start0, path, 1, seed)
        if path == "dense":
            ref = numpy_glauber_dense(J, scale, start0, 0.0, 3, None)
        else:
            ref = numpy_glauber_low_rank(xi, start0, 0.0, 3, None)
        checks.append({"path": path, "T": 0.0, "identical_states": bool(np.array_equal(ours,
                                                                                     ref))})

    for chains in chains_list:
        start = np.repeat(xi[:1], chains, axis=0)
        for path in ("dense", "low_rank"):
            rng = np.random.default_rng(seed)
            if path == "dense":
                np_fn = lambda: numpy_glauber_dense(J, scale, start, temp, sweeps, rng)  # noqa
            else:
                np_fn = lambda: numpy_glauber_low_rank(xi, start, temp, sweeps, rng)  # noqa
            t_np, c_np, s_np = _timed(np_fn, repeats)
            res = {}
            for th in sorted({1, all_threads}):
                k = iter(range(10**6))
                res[th] = _timed(lambda: _esorma(net, temp, sweeps, start, path, th,
                                                 seed + next(k)), repeats)
            m_np = _overlap_stats(s_np, xi)
            m_es = _overlap_stats(res[1][2], xi)
            agree = abs(m_np[0] - m_es[0]) <= 4 * np.hypot(m_np[1], m_es[1]) + 1e-3
            work = chains * sweeps
            row = {
                "job": f"Glauber {path} N={n} P={p} T={temp} C={chains} sweeps={sweeps} "
                       f"sequential",
                "path": path, "chains": chains, "sweeps": sweeps,
                "numpy": {"wall": t_np, "cpu": c_np, "chain_sweeps_per_s":
                          work / t_np["median"]},
                "overlap_numpy": m_np, "overlap_esorma": m_es, "outputs_agree": bool(agree),
            }
            for th, (tw, tc, _) in res.items():
                row[f"esorma_{th}_threads"] = {"wall": tw, "cpu": tc, "chain_sweeps_per_s":
                                               work / tw["median"]}
            row["ratio_1_thread"] = t_np["median"] / res[1][0]["median"]
            row["ratio_all_threads"] = t_np["median"] / res[all_threads][0]["median"]
            rows.append(row)
    return rows, checks, all_threads


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer sweeps, N = 20 exact")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--sweeps", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    pin_blas(1)
    repeats = args.repeats or (3 if args.quick else 5)
    sweeps = args.sweeps or (5 if args.quick else 20)
    load_before = machine()["loadavg"]
    rows, checks, threads = glauber_rows(4000, 3, 0.5, (8, 64), sweeps, repeats, args.seed)

    from esorma.thermo import exact, sk_couplings

    ne = 20 if args.quick else 24
    J = sk_couplings(ne, rng=args.seed)
    temps = np.linspace(0.1, 3.0, 50)
    exact(sk_couplings(10, rng=0), temps)  # compile
    t_ex, c_ex, th = _timed(lambda: exact(J, temps, overlap_distribution=False),
                            max(1, repeats // 2))
    t_np_ex, _, ref = _timed(lambda: numpy_exact(J, temps), 1)
    agree = bool(np.allclose(th.log_z, ref[:, 0], rtol=1e-10)
                 and np.allclose(th.specific_heat, ref[:, 2], rtol=1e-6))
    exact_row = {"job": f"exact thermodynamics SK N={ne}, 50 temperatures",
                 "esorma": {"wall": t_ex, "cpu": c_ex}, "numpy": {"wall": t_np_ex},
                 "ratio": t_np_ex["median"] / t_ex["median"], "outputs_agree": agree}

    print(f"machine: {machine()} (load before: {load_before})")
    print("T = 0 identical final states (same order and tie rule): "
          + ", ".join(f"{c['path']}: {c['identical_states']}" for c in checks))
    table = []
    for r in rows:
        e1, ea = r["esorma_1_threads"], r[f"esorma_{threads}_threads"]
        table.append([r["path"], r["chains"], r["sweeps"],
                      f"{r['numpy']['chain_sweeps_per_s']:.3g}",
                      f"{e1['chain_sweeps_per_s']:.3g} (±{e1['wall']['spread']:.0%})",
                      f"{ea['chain_sweeps_per_s']:.3g}",
                      f"{r['ratio_1_thread']:.0f}x", f"{r['ratio_all_threads']:.0f}x",
                      f"{r['overlap_numpy'][0]:.3f}/{r['overlap_esorma'][0]:.3f}",
                      "yes" if r["outputs_agree"] else "NO"])
    print_table(table, ["path", "C", "sweeps", "numpy ch-sw/s", "esorma 1 thr",
                        f"esorma {threads} thr", "ratio 1 thr", f"ratio {threads} thr",
                        "m numpy/esorma", "agree"])
    print(f"\n{exact_row['job']}: esorma {t_ex['median']:.2f} s, NumPy "
          f"{t_np_ex['median']:.2f} s ({exact_row['ratio']:.1f}x), same log Z and C: {agree}")
    print("(chain-sweeps/s x N = spin updates/s; N = 4000)")
    ok = all(c["identical_states"] for c in checks) and all(r["outputs_agree"] for r in rows)
    write_json("bench_boltzmann", {
        "repeats": repeats, "quick": args.quick, "blas_threads": 1, "numba_threads": threads,
        "zero_temperature_checks": checks, "glauber": rows, "exact": exact_row,
        "load_before": load_before, "outputs_agree": ok and agree,
    })
    return 0 if ok and agree else 1


if __name__ == "__main__":
    raise SystemExit(main())
