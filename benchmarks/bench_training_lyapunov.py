"""Speed of the Lyapunov spectrum of training (issue #14).

Run: ``python benchmarks/bench_training_lyapunov.py`` (``--quick`` for a short check).

Target: all k = 10 leading Lyapunov exponents of the gradient-descent map of a network with
10⁴ weights over 10⁴ training steps in < 60 s on 2 cores, one Lyapunov step costing a small
multiple of one training step. The instance (the same for every implementation):

* network 100 → 100 → 1, tanh hidden layer, linear output: 10,201 weights;
* task: a random tanh teacher (100 → 20 → 1) on 256 Gaussian inputs (full batch), MSE loss;
* plain gradient descent, learning rate 0.05, 10⁴ steps, k = 10, FTLE windows of 1000 steps.

Implementations, measured in the same run:

* ``esorma``: :func:`esorma.training.train_network` — per step one backward pass, the exact
  tangent map ``(I − η H) Q`` of all k vectors at once (Hessian-vector products batched as two
  GEMMs plus two compiled element-wise passes), Householder QR;
* ``training only``: the same call with ``k = 0`` (the cost of one training step, for the
  ratio "Lyapunov step / training step");
* ``numpy baseline``: a straightforward NumPy implementation of the same algorithm — per step
  the forward/backward pass once, then the R-operator Hessian-vector product of each of the
  k vectors in turn (a loop of small matrix products), then ``np.linalg.qr``. It runs
  ``--baseline-steps`` steps (default 500) and is scaled linearly to the full run (its work
  per step is constant); its FTLEs are checked against esorma's on the same steps.

Every implementation is timed with each thread count of ``--threads`` (default ``1,2``: one
core, and the 2 cores of the target; the ratio and the target use the best count of each
implementation). The baseline's BLAS is pinned to that count; esorma chooses its BLAS
threads per call from the work of a step and the cores free right now
(:mod:`esorma._threads`), at most Numba's thread count, which is set to the same count. Medians and spreads over ``--repeats`` runs, wall and
CPU seconds, and the load average are reported; JSON goes to
``benchmarks/out/bench_training_lyapunov.json``. On a busy machine, multi-threaded BLAS can
be far slower than one thread (its threads spin on cores other jobs hold).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import cpu_timeit, pin_blas, print_table, summary, write_json  # noqa: E402

N_INPUTS, N_HIDDEN, N_SAMPLES, ETA, K, WINDOW, SEED = 100, 100, 256, 0.05, 10, 1000, 1


def make_task():
    from esorma.training import teacher_task

    return teacher_task(N_INPUTS, N_SAMPLES, n_hidden=20, rng=0)


def run_esorma(task, n_steps, k, window):
    from esorma.training import train_network

    return train_network(task, n_hidden=N_HIDDEN, learning_rate=ETA, n_steps=n_steps, k=k,
                         window=window, rng=SEED)


def numpy_baseline(task, n_steps, k, window):
    """Straightforward NumPy: one HVP per tangent vector (R-operator), then QR; returns FTLEs."""
    d, h = N_INPUTS, N_HIDDEN
    X, Y = task.X, task.Y
    B = X.shape[0]
    c = 1.0 / B
    n = h * d + h + h + 1
    # the same initial weights and tangent basis as train_network(rng=SEED)
    r_init, _, r_tan, _ = np.random.default_rng(SEED).spawn(4)
    W1 = r_init.standard_normal((h, d)) / np.sqrt(d)
    W2 = r_init.standard_normal((1, h)) / np.sqrt(h)
    b1, b2 = np.zeros(h), np.zeros(1)
    Q, _ = np.linalg.qr(r_tan.standard_normal((n, k)))

    def split(v):
        return (v[:h * d].reshape(h, d), v[h * d:h * d + h],
                v[h * d + h:h * d + 2 * h].reshape(1, h), v[-1:])

    logs = np.empty((n_steps, k))
    for t in range(n_steps):
        z1 = X @ W1.T + b1
        a1 = np.tanh(z1)
        d1 = 1 - a1 ** 2
        f = a1 @ W2.T + b2
        delta2 = c * (f - Y)
        g1 = delta2 @ W2
        delta1 = g1 * d1
        grad = (delta1.T @ X, delta1.sum(0), delta2.T @ a1, delta2.sum(0))
        MQ = np.empty_like(Q)
        for j in range(k):
            V1, v1, V2, v2 = split(Q[:, j])
            Rz1 = X @ V1.T + v1
            Ra1 = d1 * Rz1
            Rd2 = c * (Ra1 @ W2.T + a1 @ V2.T + v2)
            Rd1 = (Rd2 @ W2 + delta2 @ V2) * d1 + g1 * (-2 * a1 * d1) * Rz1
            Hv = np.concatenate([(Rd1.T @ X).ravel(), Rd1.sum(0),
                                 (Rd2.T @ a1 + delta2.T @ Ra1).ravel(), Rd2.sum(0)])
            MQ[:, j] = Q[:, j] - ETA * Hv
        Q, R = np.linalg.qr(MQ)
        logs[t] = np.log(np.abs(np.diag(R)))
        Q = Q * np.sign(np.diag(R))
        W1 = W1 - ETA * grad[0]
        b1 = b1 - ETA * grad[1]
        W2 = W2 - ETA * grad[2]
        b2 = b2 - ETA * grad[3]
    starts = np.arange(0, n_steps - window + 1, window)
    return np.array([logs[s:s + window].mean(0) for s in starts])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--steps", type=int, default=10_000)
    ap.add_argument("--baseline-steps", type=int, default=500)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", default="1,2",
                    help="BLAS thread counts to measure, comma-separated (default 1,2)")
    ap.add_argument("--quick", action="store_true", help="1000 steps, 100-step baseline")
    args = ap.parse_args(argv)
    if args.quick:
        args.steps, args.baseline_steps, args.repeats = 1000, 100, 2
    threads = [int(x) for x in args.threads.split(",")]
    task = make_task()
    load0 = os.getloadavg()
    nb = args.baseline_steps

    # 1. same output: esorma and the baseline on the baseline's steps
    pin_blas(threads[0])
    ref = numpy_baseline(task, nb, K, nb)
    mine = run_esorma(task, nb, K, nb).ftle
    max_diff = float(np.max(np.abs(ref - mine)))

    # 2. timings, for each BLAS thread count
    rows, table, best = {}, [], {}
    import numba

    for nt in threads:
        pin_blas(nt)  # the baseline's BLAS threads; esorma's too (at most nt, see below)
        numba.set_num_threads(min(nt, numba.config.NUMBA_NUM_THREADS))
        for name, fn, steps in [
            ("esorma (k=10)", lambda: run_esorma(task, args.steps, K, WINDOW), args.steps),
            ("training only (k=0)", lambda: run_esorma(task, args.steps, 0, WINDOW),
             args.steps),
            ("numpy baseline (k=10)", lambda: numpy_baseline(task, nb, K, nb), nb),
        ]:
            _, walls, cpus, _ = cpu_timeit(fn, args.repeats, warmup=1 if steps <= 2000 else 0)
            scale = args.steps / steps
            r = {"wall": summary([w * scale for w in walls]),
                 "cpu": summary([c * scale for c in cpus]), "measured_steps": steps,
                 "scaled_by": scale, "blas_threads": nt}
            rows[f"{name}, {nt} BLAS thread(s)"] = r
            if name not in best or r["wall"]["median"] < best[name]["wall"]["median"]:
                best[name] = r
            table.append([name, str(nt), f"{r['wall']['median']:.1f}",
                          f"{r['wall']['spread']:.2f}", f"{r['cpu']['median']:.1f}",
                          f"{1e3 * r['wall']['median'] / args.steps:.2f}",
                          "" if scale == 1 else f"x{scale:.0f}"])
    load1 = os.getloadavg()
    run = run_esorma(task, min(args.steps, 2000), K, min(WINDOW, args.steps))
    t_lyap = best["esorma (k=10)"]["wall"]["median"]
    t_train = best["training only (k=0)"]["wall"]["median"]
    t_base = best["numpy baseline (k=10)"]["wall"]["median"]
    print(f"network 100-100-1 tanh ({run.n_params} weights), {N_SAMPLES} samples full batch, "
          f"k = {K}, {args.steps} steps")
    print_table(table, ["implementation", "BLAS threads", f"wall s ({args.steps} steps)",
                        "spread", "cpu s", "ms/step", "scaled"])
    ratio = t_lyap / t_train
    print(f"\nLyapunov step / training step (best thread count each): {ratio:.1f} "
          f"(k = {K}: {ratio / K:.2f} training steps per tangent vector)")
    print(f"speed-up over the NumPy baseline (best vs best): {t_base / t_lyap:.2f}x")
    print(f"max |FTLE esorma - FTLE baseline| over {nb} steps: {max_diff:.2e}")
    target = args.steps >= 10_000 and t_lyap < 60.0
    print(f"target (< 60 s for 1e4 steps): {'met' if target else 'NOT met'} "
          f"(median {t_lyap:.1f} s); load average {load0} -> {load1}")
    write_json("bench_training_lyapunov", {
        "instance": {"n_inputs": N_INPUTS, "n_hidden": N_HIDDEN, "n_params": run.n_params,
                     "n_samples": N_SAMPLES, "learning_rate": ETA, "k": K,
                     "steps": args.steps, "window": WINDOW, "blas_threads": threads},
        "results": rows, "lyapunov_over_training_step": ratio,
        "speedup_over_numpy": t_base / t_lyap, "max_ftle_difference": max_diff,
        "target_met": target, "loadavg_before": load0, "loadavg_after": load1,
        "exponents_first_2000_steps": run.exponents,
    })
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
