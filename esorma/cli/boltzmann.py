"""``esorma boltzmann``: the Boltzmann-network study (:func:`esorma.thermo.boltzmann_study`)."""

from __future__ import annotations

NAME = "boltzmann"
HELP = "finite-T dynamics: m(T) vs mean field, exact E(T), C(T), P(q), parallel tempering"
DESCRIPTION = (
    "Boltzmann networks at finite temperature, in three parts.\n\n"
    "1. Retrieval: a Hebb network of N neurons storing P random patterns is sampled with "
    "Glauber (or Metropolis) dynamics from a stored pattern at each temperature; the overlap "
    "m(T), with autocorrelation-aware error bars, is printed next to the mean-field "
    "m = tanh(m/T) and the replica-symmetric (Amit-Gutfreund-Sompolinsky) overlap at the "
    "load P/N.\n\n"
    "2. Exact thermodynamics: a Sherrington-Kirkpatrick network of --exact-neurons spins is "
    "enumerated exactly: energy, free energy, specific heat against T and the overlap "
    "distribution P(q) of two replicas.\n\n"
    "3. Parallel tempering on the same SK network must find its exact ground state; the "
    "command exits with status 1 when it does not.\n\n"
    "Temperatures are values and/or inclusive START:STOP:STEP ranges. --quick runs small sizes "
    "in a second or two. Nothing is written unless asked: --out saves the result (HDF5, read "
    "it back with esorma.io.load_result), --figure draws the four-panel figure."
)
EXAMPLES = [
    "esorma boltzmann --quick",
    "esorma boltzmann --quick --out boltzmann.h5 --figure boltzmann.png",
    "esorma boltzmann -N 4000 --patterns 3 --temperatures 0.1:1.5:0.1 --update metropolis",
    "esorma boltzmann --exact-neurons 20 --pq-temperatures 0.3 0.7 1.5 --json",
]
ORDER = 50


def add_arguments(parser):
    from esorma.cli._common import add_outputs
    from esorma.thermo.study import BOLTZMANN_PRESETS

    full, quick = BOLTZMANN_PRESETS["full"], BOLTZMANN_PRESETS["quick"]
    g = parser.add_argument_group("retrieval (a Hebb network at finite temperature)")
    g.add_argument("--n-neurons", "-N", type=int, default=None,
                   help=f"neurons (default {full['n_neurons']}; --quick {quick['n_neurons']})")
    g.add_argument("--patterns", "-P", type=int, default=3, help="stored patterns (default 3)")
    g.add_argument("--temperatures", "-T", nargs="+", default=["0.1:1.5:0.1"], metavar="T",
                   help="temperatures: values and/or START:STOP:STEP (default 0.1:1.5:0.1)")
    g.add_argument("--sweeps", type=int, default=None,
                   help=f"sweeps per temperature and chain (default {full['n_sweeps']}; "
                        f"--quick {quick['n_sweeps']})")
    g.add_argument("--burn-in", type=int, default=None,
                   help=f"sweeps discarded first (default {full['burn_in']}; "
                        f"--quick {quick['burn_in']})")
    g.add_argument("--chains", type=int, default=4, help="chains per temperature (default 4)")
    g.add_argument("--update", choices=("glauber", "metropolis"), default="glauber",
                   help="single-spin update rule (default glauber)")
    e = parser.add_argument_group("exact thermodynamics and tempering (SK couplings)")
    e.add_argument("--exact-neurons", type=int, default=None,
                   help=f"spins of the SK network (<= 24; default {full['exact_neurons']}, "
                        f"--quick {quick['exact_neurons']})")
    e.add_argument("--exact-temperatures", nargs="+", default=["0.1:3.0:0.05"], metavar="T",
                   help="temperatures of the exact curves (default 0.1:3.0:0.05)")
    e.add_argument("--pq-temperatures", nargs="+", default=["0.3", "0.6", "1.0", "2.0"],
                   metavar="T", help="temperatures of P(q) (default 0.3 0.6 1.0 2.0)")
    e.add_argument("--pt-sweeps", type=int, default=None,
                   help=f"parallel-tempering sweeps (default {full['pt_sweeps']}; "
                        f"--quick {quick['pt_sweeps']})")
    parser.add_argument("--quick", action="store_true", help="small sizes, a second or two")
    add_outputs(parser, figure=True, seed=0)


def run(args) -> int:
    from esorma._validation import parse_values
    from esorma.cli._common import finish, progress
    from esorma.plotting.thermo import boltzmann_figure
    from esorma.thermo import boltzmann_study

    temperatures = parse_values(args.temperatures, "--temperatures")
    exact_temperatures = parse_values(args.exact_temperatures, "--exact-temperatures")
    pq_temperatures = parse_values(args.pq_temperatures, "--pq-temperatures")
    result = boltzmann_study(
        preset="quick" if args.quick else "full",
        n_neurons=args.n_neurons,
        n_patterns=args.patterns,
        temperatures=temperatures,
        n_sweeps=args.sweeps,
        burn_in=args.burn_in,
        n_chains=args.chains,
        update=args.update,
        exact_neurons=args.exact_neurons,
        exact_temperatures=exact_temperatures,
        pq_temperatures=pq_temperatures,
        pt_sweeps=args.pt_sweeps,
        rng=args.seed,
        progress=progress(args),
    )
    code = finish(args, result, summary=result.summary(), text=result.report(),
                  draw=boltzmann_figure, config=result.config, seed=args.seed)
    return code if result.pt_found_ground_state else 1


def tour(ctx) -> None:
    """Stochastic dynamics: m(T) vs mean field (N = 1000), exact SK N = 14, tempering."""
    import numpy as np

    from esorma.io import save_result
    from esorma.plotting import save_figure
    from esorma.plotting.thermo import boltzmann_figure
    from esorma.thermo import boltzmann_study

    res = boltzmann_study(preset="quick", n_sweeps=250, burn_in=50, rng=ctx.seed,
                          progress=ctx.log)
    save_result(ctx.path("boltzmann.h5"), res, config=res.config, seed=ctx.seed)
    save_figure(boltzmann_figure(res), ctx.path("boltzmann.png"))
    low = res.temperatures <= 0.7
    dev = float(np.max(np.abs(res.overlap[low] - res.mean_field_overlap[low])))
    th = res.exact
    ctx.record(
        max_overlap_deviation_from_mean_field_T_le_0p7=round(dev, 4),
        overlap_at_T_1p5=round(float(res.overlap[-1]), 4),
        glauber_updates_per_second=float(f"{res.updates_per_second:.3g}"),
        exact_sk14_ground_energy_per_spin=round(th.ground_energy / th.n_neurons, 4),
        pt_found_ground_state=res.pt_found_ground_state,
        pt_min_acceptance=round(float(res.pt_acceptance.min()), 3),
    )
