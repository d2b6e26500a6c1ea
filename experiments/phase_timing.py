"""Training phases timed over many runs: hybrid entry vs exit, weight growth, sign flips.

Sigmoid MLPs are trained by full-batch gradient descent on XOR, the 6-multiplexer and a
real-valued task (XOR of two threshold features, ``threshold_rule``), over hidden widths,
learning rates, initial weight scales and seeds, recording every epoch
(:func:`esorma.bridge.phase_timing_study`). Per setting the script prints: the median of
``(t_out - t_in) / t_in`` (time to leave the hybrid phase for good over time to enter it) with
a 95 % bootstrap CI, the fraction of runs above ``y = x`` (entering faster than leaving), a
lower bound of the median including runs still hybrid at the end, the slope ``b`` of
``||theta|| = a + b ln t`` in the saturated phase, the power-law exponent ``p`` of the
competing fit ``c t^p`` and the fraction of runs where the logarithm fits better (Soudry et al.
2018), and the Spearman correlation over runs of the late sign-flip rate of the weight updates
with the late saturated fraction (95 % bootstrap CI).

Usage::

    python experiments/phase_timing.py [--quick] [--seed S] [--workers W]
        [--out FILE.h5] [--summary FILE.h5] [--figure FILE.png]

``--out`` is the study's HDF5 file: every finished run is stored at once, and rerunning the
same command resumes after a kill. ``--out DIR`` (a folder, as for the other experiments) puts
``phase_timing.h5``, ``phase_timing_summary.h5`` and ``phase_timing.png`` there. ``--summary`` saves the assembled
:class:`esorma.bridge.PhaseTimingStudy` (read it with ``esorma.io.load_result``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="3 tasks x 1 width x 1 learning rate x 2 scales x 3 seeds, "
                             "1500 epochs (about half a minute)")
    parser.add_argument("--seed", type=int, default=0, help="study seed (default 0)")
    parser.add_argument("--workers", type=int, default=1, help="local worker processes")
    parser.add_argument("--out", type=Path, default=None, metavar="FILE.h5|DIR",
                        help="resumable HDF5 file of the runs, or a folder for all outputs")
    parser.add_argument("--summary", type=Path, default=None, metavar="FILE.h5",
                        help="save the assembled PhaseTimingStudy (save_result)")
    parser.add_argument("--figure", type=Path, default=None, metavar="FILE.png",
                        help="the four-panel figure")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    if args.out is not None and args.out.suffix not in (".h5", ".hdf5"):
        folder = args.out
        folder.mkdir(parents=True, exist_ok=True)
        args.out = folder / "phase_timing.h5"
        args.summary = args.summary or folder / "phase_timing_summary.h5"
        args.figure = args.figure or folder / "phase_timing.png"
    for flag, path in (("--out", args.out), ("--summary", args.summary)):
        if path is not None and path.suffix not in (".h5", ".hdf5"):
            parser.error(f"{flag} must end in .h5 or .hdf5; got {path}")
    import numpy as np

    from esorma.bridge import phase_timing_study

    if args.quick:
        kw = dict(widths={"xor": [3], "multiplexer": [12], "threshold_rule": [8]},
                  learning_rates=[4.0], init_scales=[0.1, 1.0], n_seeds=3, n_epochs=1500,
                  n_boot=500)
    else:
        kw = dict(learning_rates=[2.0, 4.0], init_scales=[0.1, 1.0], n_seeds=20,
                  n_epochs=5000, n_boot=2000)
    study = phase_timing_study(("xor", "multiplexer", "threshold_rule"), seed=args.seed,
                               path=args.out, workers=args.workers,
                               progress=not args.quiet, **kw)
    print(study.table())
    r = -1
    print(f"\n{study.n_runs} runs; {int(study.row_n_entered[r])} entered the hybrid phase after "
          f"epoch 0, {int(study.row_n_left[r])} left it for good, "
          f"{int(study.row_n_censored[r])} were still hybrid at the end; "
          f"{study.seconds:.1f} s computed now")
    late = study.late_growth()
    full = (study.row_log_b[r], study.row_power_p[r], study.row_rms_ratio[r])
    print(f"weight growth, full saturated window: median b = {full[0]:.3g}, p = {full[1]:.3g}, "
          f"rms(log)/rms(power) = {full[2]:.3g}; later half (in ln t): b = "
          f"{late['log_b']:.3g}, p = {late['power_p']:.3g}, ratio = {late['rms_ratio']:.3g}, "
          f"log better in {late['frac_log_better']:.0%} of {late['n_fit']} runs")
    rho, lo, hi = study.entry_dwell_correlation()
    print(f"Spearman rho(t_in, t_out - t_in) over runs that left: {rho:+.2f} [{lo:+.2f}, "
          f"{hi:+.2f}]")
    print("mean sign-flip rate per epoch by phase (median over runs): "
          + ", ".join(f"{ph} {np.nanmedian(getattr(study, 'flip_' + ph)):.4f}"
                      for ph in ("linear", "hybrid", "saturated")))
    if args.summary is not None:
        from esorma.io import save_result

        save_result(args.summary, study, config=study.config, seed=args.seed)
        print(f"wrote {args.summary}")
    if args.figure is not None:
        import matplotlib

        matplotlib.use("Agg")
        from esorma.plotting import save_figure
        from esorma.plotting.phases import draw_phase_timing

        print(f"wrote {save_figure(draw_phase_timing(study), args.figure)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
