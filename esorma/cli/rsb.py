"""``esorma rsb``: replica-symmetry breaking: the SK ground-state energy (kRSB, Parisi, exact N)
or, with ``--hopfield``, the Hopfield retrieval state with one step of RSB.

Parses the flags, calls :func:`esorma.replica.sk_rsb_study` (or
:func:`esorma.replica.rsb_study.hopfield_1rsb_study`), and ends with
:func:`esorma.cli._common.finish` (``--out`` result, ``--figure`` drawn by
:func:`esorma.plotting.replica.draw_sk_rsb` / ``draw_hopfield_1rsb``, ``--json``).
"""

from __future__ import annotations

import numpy as np

NAME = "rsb"
HELP = "SK ground-state energy: RS, k-step RSB, Parisi's full RSB and exact small-N values"
DESCRIPTION = """\
Replica-symmetry breaking in the Sherrington-Kirkpatrick model at T = 0.

The RS energy -sqrt(2/pi) = -0.79788 is compared with k steps of replica-symmetry breaking
(1RSB -0.76526, 2RSB -0.76361, ...; the energies rise with k, Guerra's bound) and with Parisi's
full solution (-0.763166), computed from the Parisi functional: Cole-Hopf steps of the Parisi
PDE on a field grid, minimised over the order function beta*x(q) with an adjoint gradient.
The error estimate is |u_n - u_{n/2}| between n and n/2 levels of the q grid.

Beside them: exact ground-state energies of random SK instances (couplings N(0, 1/N)) found
by exhaustive fixed-point enumeration, averaged over instances and extrapolated in N^(-2/3).
Nothing is written unless asked: --out FILE.h5 saves the result, --figure FILE.png draws the
energies against N^(-2/3) and Parisi's order function.

--hopfield: the Hopfield retrieval state with one step of RSB instead: the T = 0 capacity
(0.138186 against RS 0.1379056), the saddle point (m, q0, q1, x) on an (alpha, T) grid near
alpha_c, and the retrieval line T_M(alpha) over its whole range with RS (the two coincide above
the merge temperature ~0.02; ~15 s)."""
EXAMPLES = [
    "esorma rsb",
    "esorma rsb --k-max 2 --levels 12 --sizes 8 12 16 --instances 50 --json",
    "esorma rsb --k-max 3 --levels 24 --sizes 12 16 20 24 28 --instances 400 "
    "--figure rsb.png --out rsb.h5",
    "esorma rsb --hopfield --figure hopfield_1rsb.png",
]
ORDER = 75


def add_arguments(parser):
    from esorma.cli._common import add_outputs

    parser.add_argument("--k-max", dest="k_max", type=int, default=2,
                        help="largest number of RSB steps (default 2)")
    parser.add_argument("--levels", type=int, default=16,
                        help="q-grid intervals of the Parisi solution (default 16)")
    parser.add_argument("--dy", type=float, default=0.04,
                        help="field-grid spacing of the Parisi recursion (default 0.04)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[8, 12, 16, 20],
                        metavar="N", help="spin numbers of the exact enumeration "
                                          "(default 8 12 16 20; 2^N cost, N <= 48)")
    parser.add_argument("--instances", type=int, default=100,
                        help="random instances per size (default 100)")
    parser.add_argument("--hopfield", action="store_true",
                        help="the Hopfield retrieval state with 1RSB instead of SK "
                             "(the SK flags are then ignored)")
    parser.add_argument("--grid-alphas", dest="grid_alphas", type=float, nargs="+",
                        default=[0.128, 0.131, 0.134, 0.136, 0.137, 0.1375, 0.138, 0.1381],
                        metavar="A", help="--hopfield: loads of the (alpha, T) grid")
    parser.add_argument("--grid-temperatures", dest="grid_temperatures", type=float,
                        nargs="+", default=[0.0, 0.005, 0.01, 0.015, 0.02, 0.025],
                        metavar="T", help="--hopfield: temperatures of the grid (<= 1)")
    add_outputs(parser, figure=True, seed=0,
                figure_help="draw energies against N^(-2/3) and Parisi's x(q) "
                            "(.png, .pdf or .svg)")


def _text(study) -> list[str]:
    lines = [f"{'ansatz':>12} {'u0 (T = 0)':>12}", f"{'RS':>12} {study.rs_energy:>12.6f}"]
    for k, e in zip(study.ks, study.krsb_energies):
        lines.append(f"{f'{int(k)}RSB':>12} {e:>12.6f}")
    lines.append(f"{'Parisi':>12} {study.parisi_energy:>12.6f}  (+- {study.parisi_error:.1e}, "
                 f"{study.parisi.n_levels} levels; literature -0.763166)")
    lines.append(f"{'N':>12} {'<e_N>':>12} {'stderr':>9}")
    for n, e, se in zip(study.sizes, study.mean_energy, study.stderr):
        lines.append(f"{int(n):>12} {e:>12.5f} {se:>9.5f}")
    lines.append(f"{'N -> inf':>12} {study.extrapolated:>12.5f} {study.extrapolated_error:>9.5f}"
                 f"  (fit e_inf + a N^(-2/3), a = {study.slope:.3f})")
    return lines


def _summary(study) -> dict:
    return {
        "rs_energy": round(study.rs_energy, 8),
        "krsb_energies": {int(k): round(float(e), 8)
                          for k, e in zip(study.ks, study.krsb_energies)},
        "parisi_energy": round(study.parisi_energy, 8),
        "parisi_error": float(f"{study.parisi_error:.3g}"),
        "sizes": [int(n) for n in study.sizes],
        "mean_energy": [round(float(e), 6) for e in study.mean_energy],
        "stderr": [round(float(e), 6) for e in study.stderr],
        "extrapolated": round(study.extrapolated, 6),
        "extrapolated_error": round(study.extrapolated_error, 6),
        "n_instances": study.n_instances,
        "seconds": round(study.seconds, 2),
    }


def _hopfield_text(study) -> list[str]:
    g, cap = study.grid, study.capacity
    lines = [f"T = 0 capacity: RS {cap.rs_alpha_c:.7f}, 1RSB {cap.alpha_c:.7f} (m = {cap.m:.5f})",
             f"{'T':>8} {'alpha_M RS':>12} {'alpha_M 1RSB':>13} {'1RSB merges below':>18}"]
    for i, t in enumerate(g.temperatures):
        rs = float(study.alpha_M_rs[np.searchsorted(study.temperatures, t)])
        lines.append(f"{t:>8.4f} {rs:>12.7f} {g.alpha_M[i]:>13.7f}"
                     f"{'' if g.alpha_M_is_1rsb[i] else ' (= RS)'}"
                     + (f" {g.alpha_AT[i]:>12.5f}" if np.isfinite(g.alpha_AT[i]) else ""))
    lines.append(f"1RSB and RS coincide on the retrieval line above T ~ "
                 f"{study.merge_temperature:.4f} ({study.seconds:.1f} s)")
    return lines


def _run_hopfield(args) -> int:
    from esorma._validation import check_real
    from esorma.cli._common import finish, progress
    from esorma.plotting.replica import draw_hopfield_1rsb
    from esorma.replica.rsb_study import hopfield_1rsb_study

    alphas = [check_real(a, "--grid-alphas", minimum=0.0, maximum=0.14, strict_min=True)
              for a in args.grid_alphas]
    temps = [check_real(t, "--grid-temperatures", minimum=0.0, maximum=1.0)
             for t in args.grid_temperatures]
    say = progress(args)
    say(f"esorma rsb --hopfield: grid {len(alphas)} loads x {len(temps)} temperatures")
    study = hopfield_1rsb_study(grid_alphas=alphas, grid_temperatures=temps)
    g = study.grid
    summary = {
        "alpha_c_rs": round(study.capacity.rs_alpha_c, 9),
        "alpha_c_1rsb": round(study.capacity.alpha_c, 9),
        "temperatures": [float(t) for t in g.temperatures],
        "alpha_M_1rsb": [round(float(a), 9) for a in g.alpha_M],
        "alpha_M_is_1rsb": [bool(k) for k in g.alpha_M_is_1rsb],
        "merge_temperature": round(float(study.merge_temperature), 5),
        "seconds": round(study.seconds, 2),
    }
    return finish(args, study, summary=summary, text=_hopfield_text(study),
                  draw=draw_hopfield_1rsb, config={"grid_alphas": alphas,
                                                   "grid_temperatures": temps})


def run(args) -> int:
    from esorma._validation import check_int, check_real
    from esorma.cli._common import finish, progress
    from esorma.plotting.replica import draw_sk_rsb
    from esorma.replica import sk_rsb_study

    if args.hopfield:
        return _run_hopfield(args)

    k_max = check_int(args.k_max, "--k-max", minimum=1, maximum=8)
    levels = check_int(args.levels, "--levels", minimum=2, maximum=200)
    dy = check_real(args.dy, "--dy", minimum=0.0, maximum=0.2, strict_min=True)
    instances = check_int(args.instances, "--instances", minimum=2)
    sizes = [check_int(n, "--sizes", minimum=4, maximum=48) for n in args.sizes]
    if len(sizes) < 2:
        raise ValueError(f"--sizes: give at least 2 sizes for the extrapolation; got {sizes}")
    say = progress(args)
    say(f"esorma rsb: k <= {k_max}, Parisi {levels} levels dy={dy:g}, N = {sizes}, "
        f"{instances} instances, seed={args.seed}")
    study = sk_rsb_study(k_max=k_max, n_levels=levels, dy=dy, sizes=sizes,
                         n_instances=instances, rng=args.seed,
                         callback=lambda stage, value: say(f"  {stage}: {value:.6f}"))
    config = {"k_max": k_max, "levels": levels, "dy": dy, "sizes": sizes,
              "instances": instances}
    return finish(args, study, summary=_summary(study), text=_text(study), draw=draw_sk_rsb,
                  config=config, seed=args.seed)


def tour(ctx) -> None:
    """RS, 1RSB, Parisi (6 levels) and exact N = 8..14 SK ground states, and the Hopfield 1RSB
    retrieval line on a 2 x 3 grid (~8 s)."""
    from esorma.io import save_result
    from esorma.plotting import save_figure
    from esorma.plotting.replica import draw_hopfield_1rsb, draw_sk_rsb
    from esorma.replica import sk_rsb_study
    from esorma.replica.rsb_study import hopfield_1rsb_study

    config = {"k_max": 1, "levels": 6, "dy": 0.04, "sizes": [8, 10, 12, 14],
              "instances": 30}
    study = sk_rsb_study(k_max=1, n_levels=6, dy=0.04, sizes=config["sizes"],
                         n_instances=config["instances"], rng=ctx.seed)
    save_result(ctx.path("sk_rsb.h5"), study, config=config, seed=ctx.seed)
    save_figure(draw_sk_rsb(study), ctx.path("sk_rsb.png"))
    for line in _text(study):
        ctx.log(line)
    hconf = {"grid_alphas": [0.134, 0.1381], "grid_temperatures": [0.0, 0.01, 0.03]}
    hop = hopfield_1rsb_study(n_alpha=4, n_temperatures=10, **hconf)
    save_result(ctx.path("hopfield_1rsb.h5"), hop, config=hconf)
    save_figure(draw_hopfield_1rsb(hop), ctx.path("hopfield_1rsb.png"))
    for line in _hopfield_text(hop):
        ctx.log(line)
    ctx.record(**_summary(study), hopfield_alpha_c_1rsb=round(hop.capacity.alpha_c, 9),
               hopfield_merge_temperature=round(float(hop.merge_temperature), 5))
