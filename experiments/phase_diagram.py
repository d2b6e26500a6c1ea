"""Reproduce the replica-symmetric results of Amit, Gutfreund & Sompolinsky (1987) and SK.

Computes, with :func:`esorma.replica.replica_study`, and compares with the published values:

* the AGS capacity α_c = 0.138 with m = 0.967 (here to 10 digits, by two independent routes),
  the T = 0 first-order point (0.0518543 here; AGS quote ≈ 0.051), and the small-α slopes
  T_M ≈ 1 - 1.95 √α, T_c ≈ 1 - 2.6 √α;
* the (α, T) phase diagram with its three lines and the low-T re-entrance;
* m(α) on the retrieval branch at several temperatures;
* the SK RS solution (q, u, s against T; T → 0: u = -√(2/π), s = -1/(2π)) and the AT line
  with its (4/3)(1 - T)³ law;
* Gardner's α_c(κ) with the pseudo-inverse rule's stability.

Writes ``<out>/phase_diagram.h5`` (the :class:`~esorma.replica.ReplicaStudy`, read it back
with ``esorma.io.load_result``) and ``<out>/phase_diagram.png`` (four panels). ``--quick``
uses coarser grids (a few seconds).

Usage: ``python experiments/phase_diagram.py [--quick] [--out DIR] [--seed S] [--force]``
(the theory is deterministic; ``--seed`` is recorded only).
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np

#: Published values: key of ReplicaStudy.summary() -> (value, source).
PUBLISHED = {
    "alpha_c": (0.138, "AGS 1987"),
    "alpha_c_closed_form": (0.138, "max_y α(y), T = 0"),
    "m_at_alpha_c": (0.967, "AGS 1987"),
    "error_fraction_at_alpha_c": (0.0165, "(1 - 0.967)/2 from AGS"),
    "alpha_first_order_T0": (0.051, "AGS 1987"),
    "T_M_slope": (1.95, "1 - T_M ≈ 1.95 √α (AGS)"),
    "T_c_slope": (2.6, "1 - T_c ≈ 2.6 √α (AGS)"),
    "alpha_M_max": (math.nan, "re-entrance (RS artefact)"),
    "T_at_alpha_M_max": (math.nan, ""),
    "sk_T0_energy": (-math.sqrt(2 / math.pi), "SK RS, T → 0"),
    "sk_T0_entropy": (-1 / (2 * math.pi), "SK RS, T → 0"),
    "at_ratio": (1.0, "h²/((4/3)(1-T)³) at h = 1e-3, near T = 1"),
    "gardner_alpha_c_kappa0": (2.0, "Gardner 1988"),
}

#: Grid sizes of the study: quick and full.
SIZES = {
    True: dict(n_points=60, n_overlap=50, n_sk=31, n_at=16),
    False: dict(n_points=300, n_overlap=281, n_sk=151, n_at=61),
}


def table(study) -> list[str]:
    """The comparison with the published values, one line per quantity."""
    summary = study.summary()
    lines = [f"{'quantity':<28} {'esorma':>16} {'published':>11}  source"]
    for key, (ref, source) in PUBLISHED.items():
        ref_s = f"{ref:.6g}" if np.isfinite(ref) else ""
        lines.append(f"{key:<28} {summary[key]:>16.10g} {ref_s:>11}  {source}")
    return lines


def main(argv=None) -> int:
    from esorma.errors import OutputPathError
    from esorma.io import check_output_path, save_result
    from esorma.plotting import save_figure
    from esorma.replica import replica_study

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="coarse grids (a few seconds)")
    parser.add_argument("--seed", type=int, default=0, help="recorded only (deterministic)")
    parser.add_argument("--out", type=Path, default=Path("results/phase_diagram"),
                        help="output folder (default results/phase_diagram)")
    parser.add_argument("--force", action="store_true", help="replace existing files")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        h5 = check_output_path(args.out / "phase_diagram.h5", flag="--out", force=args.force)
        png = check_output_path(args.out / "phase_diagram.png", suffixes=(".png",),
                                flag="--out", force=args.force)
    except OutputPathError as exc:
        parser.error(str(exc))  # exits 2 before computing
    sizes = SIZES[args.quick]
    study = replica_study(**sizes)
    save_result(h5, study, config={"quick": args.quick, **sizes}, seed=args.seed)
    import matplotlib

    matplotlib.use("Agg")
    from esorma.plotting.replica import draw_replica_study

    save_figure(draw_replica_study(study), png)
    for line in table(study):
        print(line)
    print(f"computed in {study.seconds:.1f} s; wrote {h5} and {png}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
