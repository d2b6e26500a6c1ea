"""``esorma phase-diagram``: the AGS (α, T) phase diagram of the Hopfield model.

A thin command over :func:`esorma.replica.phase_diagram` (the three replica-symmetric lines
T_g, T_M and T_c; α_c = 0.1379..., first order at α = 0.0518543 for T = 0). The result is
written with ``--out`` (HDF5) and the figure with ``--figure`` only when asked.
"""

from __future__ import annotations

NAME = "phase-diagram"
HELP = "AGS replica-symmetric (α, T) phase diagram of the Hopfield model (α_c = 0.138)"
DESCRIPTION = """\
The replica-symmetric (α, T) phase diagram of the Hopfield model with Hebb couplings
(Amit, Gutfreund & Sompolinsky 1987), and its key numbers.

Three lines: T_g = 1 + √α (paramagnet → spin glass), T_M (retrieval states exist below it;
α_M(0) = α_c = 0.1379...) and T_c (retrieval states are the global minimum below it;
α = 0.0518543 at T = 0), with the low-temperature re-entrance of T_M and T_c.

The theory is deterministic: no seed. Nothing is written unless --out (the result, HDF5)
or --figure (the figure) is given."""
EXAMPLES = [
    "esorma phase-diagram",
    "esorma phase-diagram --figure phase.pdf",
    "esorma phase-diagram --n-points 50 --out phase.h5 --json",
]
ORDER = 30


def add_arguments(parser):
    from esorma.cli._common import add_outputs

    parser.add_argument("--n-points", type=int, default=200,
                        help="points per line (2 to 5000; default 200)")
    add_outputs(parser, seed=None)


def _summary(pd) -> dict:
    summary = pd.summary()
    summary["seconds"] = round(pd.seconds, 3)
    return summary


def _text(pd) -> list[str]:
    cap = pd.capacity
    return [
        "AGS replica-symmetric phase diagram (Hopfield, Hebb couplings)",
        f"  capacity             alpha_c = {cap.alpha_c:.10f}  (T = 0)",
        f"  overlap at alpha_c   m       = {cap.m:.10f}  -> wrong bits (1-m)/2 = "
        f"{cap.error_fraction:.6f}",
        f"  first order (T = 0)  alpha   = {pd.alpha_first_order:.10f}  "
        "(retrieval is the global minimum below)",
        f"  re-entrance of T_M   max alpha_M = {pd.alpha_M_max:.8f} at T = "
        f"{pd.T_at_alpha_M_max:.5f}",
        f"  re-entrance of T_c   max alpha_c(T) = {pd.alpha_c_max:.8f} at T = "
        f"{pd.T_at_alpha_c_max:.5f}",
        f"  lines: {pd.temperatures.size} points each, computed in {pd.seconds:.2f} s; "
        f"all converged: {pd.summary()['all_converged']}",
    ]


def run(args) -> int:
    from esorma._validation import check_int
    from esorma.cli._common import finish, progress
    from esorma.plotting.replica import draw_phase_diagram
    from esorma.replica import phase_diagram

    n = check_int(args.n_points, "--n-points", minimum=2, maximum=5000)
    progress(args)(f"computing the AGS lines ({n} points each) ...")
    pd = phase_diagram(n_points=n)
    return finish(args, pd, summary=_summary(pd), text=_text(pd), draw=draw_phase_diagram,
                  config={"n_points": n}, seed=None)


def tour(ctx) -> None:
    """Tour section: α_c, the first-order point and the phase diagram (PNG + HDF5)."""
    from esorma.io import save_result
    from esorma.plotting import save_figure
    from esorma.plotting.replica import draw_phase_diagram
    from esorma.replica import phase_diagram, sk_solve

    n = 100
    pd = phase_diagram(n_points=n)
    cap = pd.capacity
    ctx.log(f"AGS capacity alpha_c = {cap.alpha_c:.8f}, m = {cap.m:.5f}, "
            f"wrong bits {100 * cap.error_fraction:.2f}%")
    ctx.log(f"retrieval is the global minimum below alpha = {pd.alpha_first_order:.5f} (T = 0); "
            f"T_M re-entrant up to alpha = {pd.alpha_M_max:.6f} at T = {pd.T_at_alpha_M_max:.4f}")
    sk0 = sk_solve(0.0)
    ctx.log(f"SK (RS, T -> 0): energy {sk0.energy:.6f}, entropy {sk0.entropy:.6f} < 0")
    h5 = save_result(ctx.path("phase_diagram.h5"), pd, config={"n_points": n}, seed=None)
    fig = save_figure(draw_phase_diagram(pd), ctx.path("phase_diagram.png"))
    ctx.log(f"wrote {fig.name} and {h5.name} ({pd.seconds:.1f} s)")
    ctx.record(alpha_c=cap.alpha_c, m_at_alpha_c=cap.m,
               alpha_first_order=pd.alpha_first_order, alpha_M_max=pd.alpha_M_max,
               sk_T0_energy=sk0.energy, sk_T0_entropy=sk0.entropy)
