"""Draw the AGS (α, T) phase diagram of the Hopfield model and print its key numbers.

The three replica-symmetric lines: T_g = 1 + √α (paramagnet → spin glass), T_M (retrieval
states exist below; α_M(0) = α_c = 0.1379...) and T_c (retrieval states are the global
minimum below; α = 0.0518543 at T = 0), with the low-temperature re-entrance of T_M.
The figure is written to ``phase_diagram.png`` in the current folder unless ``--out`` names
another path or ``--no-figure`` skips it.
"""

from __future__ import annotations

from pathlib import Path

NAME = "phase-diagram"
HELP = "AGS replica-symmetric (α, T) phase diagram of the Hopfield model (α_c = 0.138)"
EXAMPLES = [
    "esorma phase-diagram",
    "esorma phase-diagram --out phase.pdf",
    "esorma phase-diagram --json --no-figure",
    "esorma phase-diagram --n-points 50 --h5 phase.h5",
]
ORDER = 30
DEFAULT_FIGURE = "phase_diagram.png"


def add_arguments(parser):
    from esorma.cli._common import add_json

    parser.add_argument("--n-points", type=int, default=200,
                        help="points per line (default 200)")
    fig = parser.add_mutually_exclusive_group()
    fig.add_argument("--out", type=Path, default=Path(DEFAULT_FIGURE), metavar="FIG",
                     help=f"write the figure to this file (PNG, PDF, SVG; default "
                          f"{DEFAULT_FIGURE} in the current folder)")
    fig.add_argument("--no-figure", action="store_true", help="do not draw the figure")
    parser.add_argument("--h5", type=Path, default=None, metavar="PATH",
                        help="write the three lines to this HDF5 file")
    add_json(parser)


def _compute(n_points: int):
    from esorma.replica import phase_diagram

    return phase_diagram(n_points=n_points)


def _write_h5(pd, path, config):
    from esorma.io import atomic_h5

    with atomic_h5(path, kind="ags_phase_diagram", config=config, seed=None) as f:
        f.create_dataset("alphas", data=pd.alphas)
        f.create_dataset("T_g", data=pd.T_g)
        f.create_dataset("temperatures", data=pd.temperatures)
        f.create_dataset("alpha_M", data=pd.alpha_M)
        f.create_dataset("alpha_c", data=pd.alpha_c)
        for k, v in pd.summary().items():
            f.attrs[k] = v
    return path


def _figure(pd, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from esorma.cli._common import save_figure
    from esorma.plotting.replica import plot_phase_diagram

    fig, ax = plt.subplots(figsize=(7.0, 5.5))
    plot_phase_diagram(pd, ax=ax)
    return save_figure(fig, path)


def run(args) -> int:
    from esorma._validation import check_int
    from esorma.cli._common import print_json

    n = check_int(args.n_points, "--n-points", minimum=2, maximum=5000)
    pd = _compute(n)
    summary = pd.summary()
    summary["seconds"] = round(pd.seconds, 3)
    figure = None
    if not args.no_figure:
        figure = Path(_figure(pd, args.out)).resolve()
        summary["figure"] = str(figure)
    if args.h5 is not None:
        _write_h5(pd, args.h5, {"n_points": n})
        summary["h5"] = str(args.h5)
    if args.json:
        print_json(summary)
        return 0
    cap = pd.capacity
    print("AGS replica-symmetric phase diagram (Hopfield, Hebb couplings)")
    print(f"  capacity             alpha_c = {cap.alpha_c:.10f}  (T = 0)")
    print(f"  overlap at alpha_c   m       = {cap.m:.10f}  -> wrong bits (1-m)/2 = "
          f"{cap.error_fraction:.6f}")
    print(f"  first order (T = 0)  alpha   = {pd.alpha_first_order:.10f}  "
          "(retrieval is the global minimum below)")
    print(f"  re-entrance of T_M   max alpha_M = {pd.alpha_M_max:.8f} at T = "
          f"{pd.T_at_alpha_M_max:.5f}")
    print(f"  re-entrance of T_c   max alpha_c(T) = {pd.alpha_c_max:.8f} at T = "
          f"{pd.T_at_alpha_c_max:.5f}")
    print(f"  lines: {n} points each, computed in {pd.seconds:.2f} s; "
          f"all converged: {summary['all_converged']}")
    if figure is not None:
        print(f"  figure: {figure}")
    if args.h5 is not None:
        print(f"  data:   {args.h5}")
    return 0


def tour(ctx) -> None:
    """Tour section: α_c, the first-order point and the phase diagram (PNG + HDF5)."""
    from esorma.replica import ags_capacity, sk_solve

    cap = ags_capacity()
    ctx.log(f"AGS capacity alpha_c = {cap.alpha_c:.8f}, m = {cap.m:.5f}, "
            f"wrong bits {100 * cap.error_fraction:.2f}%")
    pd = _compute(100)
    ctx.log(f"retrieval is the global minimum below alpha = {pd.alpha_first_order:.5f} (T = 0); "
            f"T_M re-entrant up to alpha = {pd.alpha_M_max:.6f} at T = {pd.T_at_alpha_M_max:.4f}")
    sk0 = sk_solve(0.0)
    ctx.log(f"SK (RS, T -> 0): energy {sk0.energy:.6f}, entropy {sk0.entropy:.6f} < 0")
    fig = _figure(pd, ctx.path("phase_diagram.png"))
    h5 = _write_h5(pd, ctx.path("phase_diagram.h5"), {"n_points": 100})
    ctx.log(f"wrote {fig.name} and {h5.name} ({pd.seconds:.1f} s)")
    ctx.record(alpha_c=cap.alpha_c, m_at_alpha_c=cap.m,
               alpha_first_order=pd.alpha_first_order, alpha_M_max=pd.alpha_M_max,
               sk_T0_energy=sk0.energy, sk_T0_entropy=sk0.entropy)
