"""Speed of finite-temperature dynamics and exact thermodynamics (issue targets).

Targets (2 cores):
1. Glauber on a dense N = 4000 Hebb network (P = 3, int16 counts) at T = 0.5, a batch of
   chains: >= 1e7 spin updates per second.
2. The low-rank Hebb path (P overlaps instead of N fields, O(P) per update): >= 1e8 updates/s.
3. Exact thermodynamics of a 24-spin network at 50 temperatures: < 10 s.

Baselines measured in the same run: a NumPy implementation vectorised over chains (every
chain updates one random site per step in lockstep; the dense one updates the fields of the
flipped chains with row gathers, the low-rank one keeps the overlaps), the naive compiled
single-chain kernel that recomputes each field from a strided column of J, and a NumPy
enumeration (chunked matrix energies + log-sum-exp) for the exact thermodynamics.

Run: ``python benchmarks/bench_boltzmann.py [--quick]``; writes
``benchmarks/out/bench_boltzmann.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

import numpy as np


def _median_time(fn, repeats):
    times = []
    out = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


# --------------------------------------------------------------------------- baselines


def numpy_glauber_dense(J, scale, states, temperature, n_steps, rng):
    """NumPy Glauber, vectorised over chains: one random site per chain per step."""
    s = states.astype(np.int64).copy()
    b, n = s.shape
    h = s @ J.T.astype(np.int64)
    rows = np.arange(b)
    for _ in range(n_steps):
        i = rng.integers(0, n, size=b)
        f = scale * h[rows, i]
        x = s[rows, i] * f
        flip = rng.random(b) * (1.0 + np.exp(2.0 * x / temperature)) < 1.0
        if flip.any():
            fr = rows[flip]
            fi = i[flip]
            s[fr, fi] *= -1
            h[fr] += 2 * s[fr, fi][:, None] * J[fi].astype(np.int64)
    return s


def numpy_glauber_low_rank(xi, states, temperature, n_steps, rng):
    """NumPy Glauber on the low-rank Hebb fields, vectorised over chains."""
    s = states.astype(np.int64).copy()
    b, n = s.shape
    p = xi.shape[0]
    xit = xi.T.astype(np.int64)
    M = s @ xit
    rows = np.arange(b)
    for _ in range(n_steps):
        i = rng.integers(0, n, size=b)
        si = s[rows, i]
        f = ((xit[i] * M).sum(axis=1) - p * si) / n
        flip = rng.random(b) * (1.0 + np.exp(2.0 * si * f / temperature)) < 1.0
        new = np.where(flip, -si, si)
        s[rows, i] = new
        M += (2 * new * flip)[:, None] * xit[i]
    return s


def _naive_kernel():
    from esorma._numba import njit
    from esorma._prng import rng_below, rng_init, rng_uniform

    @njit
    def naive(J, scale, s, temperature, n_updates, seed):
        st = rng_init(seed)
        n = s.shape[0]
        for _ in range(n_updates):
            i = rng_below(st, n)
            acc = 0
            for j in range(n):  # strided column J[:, i] (what a naive kernel does)
                acc += J[j, i] * s[j]
            x = s[i] * scale * acc
            if rng_uniform(st) * (1.0 + np.exp(2.0 * x / temperature)) < 1.0:
                s[i] = -s[i]
        return s

    return naive


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


# --------------------------------------------------------------------------- main


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, N = 20 exact")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).resolve().parent / "out" / "bench_boltzmann.json")
    args = parser.parse_args(argv)
    import numba

    from esorma import Hopfield
    from esorma.dynamics.stochastic import sample
    from esorma.patterns import random_patterns
    from esorma.thermo import exact, sk_couplings

    repeats = args.repeats or (3 if args.quick else 5)
    threads = numba.get_num_threads()
    n, p, temp = 4000, 3, 0.5
    xi = random_patterns(p, n, rng=0)
    net = Hopfield.from_patterns(xi)
    rows = []

    # ---- 1. dense Glauber, batch of chains
    chains, sweeps = 8, 100
    start = np.repeat(xi[:1], chains, axis=0)
    sample(net, temp, n_sweeps=2, states=start, path="dense", rng=0)  # compile / warm up
    runs = [sample(net, temp, n_sweeps=sweeps, states=start, path="dense", rng=1 + r)
            for r in range(repeats)]
    res = runs[-1]
    t_dense = statistics.median(r.seconds for r in runs)  # the compiled run (fields built)
    ups_dense = chains * sweeps * n / t_dense
    cpu_dense = 2 * chains * sweeps * n / statistics.median(r.cpu_seconds for r in runs)
    rng = np.random.default_rng(0)
    steps_np = 3000
    bchains = 64
    start_np = np.repeat(xi[:1], bchains, axis=0)
    t_np, _ = _median_time(
        lambda: numpy_glauber_dense(net.J, net.scale, start_np, temp, steps_np, rng), repeats)
    ups_np_dense = bchains * steps_np / t_np
    naive = _naive_kernel()
    s0 = xi[0].copy()
    naive(net.J, net.scale, s0.copy(), temp, 10, 0)
    n_naive = 200_000
    t_naive, _ = _median_time(lambda: naive(net.J, net.scale, s0.copy(), temp, n_naive, 1),
                              repeats)
    ups_naive = n_naive / t_naive
    rows.append({
        "name": "Glauber dense N=4000 Hebb P=3 T=0.5 (8 chains)",
        "target": 1e7, "measured": ups_dense, "unit": "updates/s",
        "baseline_numpy": ups_np_dense, "ratio_vs_numpy": ups_dense / ups_np_dense,
        "baseline_naive_numba_1chain": ups_naive, "ratio_vs_naive": ups_dense / ups_naive,
        "flip_rate": float(res.flip_rate.mean()), "seconds": t_dense,
        "two_free_cores_estimate": cpu_dense,
        "ok": ups_dense >= 1e7,
    })

    # ---- 2. low-rank Glauber
    chains_lr, sweeps_lr = 8, 1000
    start_lr = np.repeat(xi[:1], chains_lr, axis=0)
    sample(net, temp, n_sweeps=2, states=start_lr, path="low_rank", rng=0)
    runs = [sample(net, temp, n_sweeps=sweeps_lr, states=start_lr, path="low_rank",
                   burn_in=sweeps_lr // 2, thin=10, rng=1 + r) for r in range(repeats)]
    res_lr = runs[-1]
    t_lr = statistics.median(r.seconds for r in runs)
    ups_lr = chains_lr * sweeps_lr * n / t_lr
    cpu_lr = 2 * chains_lr * sweeps_lr * n / statistics.median(r.cpu_seconds for r in runs)
    bl = 1024
    start_np_lr = np.repeat(xi[:1], bl, axis=0)
    steps_lr = 400
    t_np_lr, _ = _median_time(
        lambda: numpy_glauber_low_rank(xi, start_np_lr, temp, steps_lr, rng), repeats)
    ups_np_lr = bl * steps_lr / t_np_lr
    rows.append({
        "name": "Glauber low-rank Hebb N=4000 P=3 T=0.5 (8 chains)",
        "target": 1e8, "measured": ups_lr, "unit": "updates/s",
        "baseline_numpy": ups_np_lr, "ratio_vs_numpy": ups_lr / ups_np_lr,
        "overlap": float(res_lr.estimate("overlap").mean) if res_lr.n_measurements > 1 else None,
        "seconds": t_lr, "two_free_cores_estimate": cpu_lr, "ok": ups_lr >= 1e8,
    })

    # ---- 3. exact thermodynamics
    ne = 20 if args.quick else 24
    J = sk_couplings(ne, rng=0)
    temps = np.linspace(0.1, 3.0, 50)
    exact(sk_couplings(10, rng=0), temps)  # compile
    t_ex, th = _median_time(lambda: exact(J, temps, overlap_distribution=False),
                            max(1, repeats // 2))
    t_np_ex, ref = _median_time(lambda: numpy_exact(J, temps), 1)
    agree = bool(np.allclose(th.log_z, ref[:, 0], rtol=1e-10)
                 and np.allclose(th.specific_heat, ref[:, 2], rtol=1e-6))
    rows.append({
        "name": f"exact thermodynamics N={ne}, 50 temperatures",
        "target": 10.0, "measured": t_ex, "unit": "s",
        "baseline_numpy": t_np_ex, "ratio_vs_numpy": t_np_ex / t_ex,
        "agrees_with_numpy": agree, "ok": t_ex < 10.0 and agree,
    })

    print(f"numba threads: {threads}; cpus: {os.cpu_count()}; load: {os.getloadavg()[0]:.2f}")
    print(f"{'benchmark':<52} {'target':>10} {'measured':>10} {'numpy':>10} {'ratio':>7}  ok")
    for r in rows:
        fmt = (lambda v: f"{v:.3g}")
        print(f"{r['name']:<52} {fmt(r['target']):>10} {fmt(r['measured']):>10} "
              f"{fmt(r['baseline_numpy']):>10} {r['ratio_vs_numpy']:>7.1f}  "
              f"{'yes' if r['ok'] else 'NO'}")
    print(f"(naive strided-column numba kernel, 1 chain: {ups_naive:.3g} updates/s; "
          f"dense batch is {ups_dense / ups_naive:.1f}x faster)")
    print(f"(per CPU-second x 2, i.e. two cores to ourselves: dense {cpu_dense:.3g}, "
          f"low rank {cpu_lr:.3g} updates/s)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    payload = {"threads": threads, "cpus": os.cpu_count(), "load": os.getloadavg()[0],
               "repeats": repeats, "quick": args.quick, "results": rows}
    args.out.write_text(json.dumps(payload, indent=2, default=float))
    print(f"wrote {args.out}")
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
