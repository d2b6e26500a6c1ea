"""A network that learns a dominant eigenfunction by gradient ascent combined with power iteration.

``N: R^20 -> R`` (width 40, three residual ``atan`` blocks starting near zero) is trained so
that ``f = N - E N`` satisfies ``f(x) = c (f(Ax) + f(Bx))`` for two random orthogonal maps
(QR of a Gaussian matrix without the sign fix: orthogonal, not Haar): each iteration draws
r = 20 unit vectors, forms ``y_j = N(A x_j) + N(B x_j)`` with the current network and takes a
gradient-ascent step on the squared correlation of ``N(x_j)`` and ``y_j``
(:func:`esorma.bridge.power_iteration_study`).

For each seed the script reports the eigenvalue found (``lambda = 1/c``), which exact linear
solution ``f(x) = v . x`` (``v`` an eigenvector of ``A^T + B^T``) the network's linear part
aligns with, whether training converged or oscillates, and the residual weight matrices'
stable ranks and mutual similarity. The prediction it tests (module notes of
:mod:`esorma.bridge.power_iteration`): small steps are a continuous-time power iteration, so
training converges to the eigenvector of the largest (or smallest) *real part*, not the largest
modulus, and keeps rotating in the invariant plane when that eigenvalue is complex.

Writes ``<out>/power_iteration_seed<S>.h5`` (a :class:`esorma.bridge.PowerIterationStudy`),
``<out>/power_iteration_seed<S>.png`` (lambda(t), alignments, spectra, similarity) and
``<out>/residual_weights_seed<S>.png`` (the residual matrices as images over training).
``--quick``: seeds S and S + 7, 10000 iterations each (~15 s on 2 cores).
Full: twelve seeds S .. S + 11, 20000 iterations each (~2 min).

Usage: ``python experiments/power_iteration.py [--quick] [--out DIR] [--seed S]``
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path


def settings(quick: bool) -> dict:
    """The parameters of the quick and the full run."""
    if quick:
        return dict(offsets=[0, 7], n_iterations=10000, n_records=100)
    return dict(offsets=list(range(12)), n_iterations=20000, n_records=200)


def _ev(z) -> str:
    return f"{z.real:+.3f}" + ("" if abs(z.imag) < 1e-9 else f"{z.imag:+.3f}i")


def compute(quick: bool, seed: int, log=print):
    """Run one study per seed; return ``[(seed, study)]`` and the config."""
    from esorma.bridge import power_iteration_study

    config = settings(quick)
    out = []
    log(f"{'seed':>5} {'lambda':>8} {'rho2':>6} {'lin':>5} {'matched':>19} {'eigenvalue':>15} "
        f"{'|cos|':>6} {'state':>11} {'stable ranks':>17} {'min cos':>7}  time")
    for off in config["offsets"]:
        s = seed + off
        st = power_iteration_study(n_iterations=config["n_iterations"],
                                   n_records=config["n_records"], rng=s)
        d = st.summary()
        sol = st.solutions
        lam = sol.eigenvalues[getattr(sol, st.matched)]
        j = list(d["alignment"]).index(st.matched)
        state = ("oscillating" if st.oscillation.oscillating else
                 "converged" if st.oscillation.converged else "unsettled")
        ranks = "/".join(f"{x:.2f}" for x in st.residual_stable_rank[-1])
        K = st.residual_cosine.shape[1]
        min_cos = min(st.residual_cosine[-1, a, b] for a in range(K) for b in range(a + 1, K))
        log(f"{s:>5} {d['final_lambda']:>+8.3f} {d['final_rho2']:>6.3f} "
            f"{d['final_linear_fraction']:>5.3f} {st.matched:>19} {_ev(lam):>15} "
            f"{st.alignment[-1, j]:>6.3f} {state:>11} {ranks:>17} {min_cos:>7.3f}  "
            f"{st.seconds:.1f} s")
        out.append((s, st))
    return out, {"quick": quick, **config}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="two seeds, 10000 iterations")
    parser.add_argument("--seed", type=int, default=0, help="first random seed (default 0)")
    parser.add_argument("--out", type=Path, default=Path("results/power_iteration"),
                        help="output folder (default results/power_iteration)")
    args = parser.parse_args(argv)

    import matplotlib

    matplotlib.use("Agg")
    from esorma.io import save_result
    from esorma.plotting import save_figure
    from esorma.plotting.weights import power_iteration_figure, residual_weights_figure

    args.out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    runs, config = compute(args.quick, args.seed)
    for s, st in runs:
        cfg = dict(config, **st.config)
        h5 = save_result(args.out / f"power_iteration_seed{s}.h5", st, config=cfg, seed=s)
        png = save_figure(power_iteration_figure(st), args.out / f"power_iteration_seed{s}.png")
        img = save_figure(residual_weights_figure(st),
                          args.out / f"residual_weights_seed{s}.png")
        print(f"wrote {h5}\nwrote {png}\nwrote {img}")
    n_conv = sum(st.oscillation.converged for _, st in runs)
    n_osc = sum(st.oscillation.oscillating for _, st in runs)
    n_extreme = sum(st.matched in ("largest_real_part", "smallest_real_part") for _, st in runs)
    print(f"{len(runs)} runs: {n_conv} converged, {n_osc} oscillating; linear part matched an "
          f"extreme-real-part eigenvalue in {n_extreme}")
    print(f"({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
