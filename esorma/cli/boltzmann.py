"""Boltzmann networks at finite temperature: Glauber retrieval against mean-field theory, exact
thermodynamics of a small Sherrington–Kirkpatrick network, and parallel tempering.

1. A Hebb network of N neurons storing P patterns is sampled with Glauber dynamics (low-rank
   O(P) updates) from a stored pattern at each temperature; the retrieval overlap m(T) is
   printed with autocorrelation-aware error bars next to the mean-field m = tanh(m/T).
2. An SK network of --exact-neurons spins is enumerated exactly (Gray code, log-sum-exp):
   energy, free energy, specific heat and the overlap distribution P(q) against T.
3. Parallel tempering on the same SK network must find the exact ground state.
"""

from __future__ import annotations

from pathlib import Path

NAME = "boltzmann"
HELP = "finite-T dynamics: m(T) vs mean field, exact E(T), C(T), P(q), parallel tempering"
EXAMPLES = [
    "esorma boltzmann --quick",
    "esorma boltzmann -N 4000 --patterns 3 --temperatures 0.1:1.5:0.1 --out boltzmann.h5",
    "esorma boltzmann --exact-neurons 20 --pq-temperatures 0.3 0.7 1.5 --json",
]
ORDER = 50

QUICK = {"n_neurons": 1000, "sweeps": 300, "burn_in": 100, "exact_neurons": 14,
         "pt_sweeps": 1000}
FULL = {"n_neurons": 4000, "sweeps": 1000, "burn_in": 200, "exact_neurons": 18,
        "pt_sweeps": 4000}


def _parse_range(tokens, name):
    import numpy as np

    out = []
    for tok in tokens:
        tok = str(tok)
        if ":" in tok:
            parts = tok.split(":")
            try:
                a, b, s = (float(x) for x in parts)
            except ValueError:
                raise ValueError(f"{name} ranges must be START:STOP:STEP numbers; got {tok!r}")
            if len(parts) != 3 or not s > 0 or b < a:
                raise ValueError(f"{name} ranges must be START:STOP:STEP with STEP > 0 and "
                                 f"STOP >= START; got {tok!r}")
            k = int(np.floor((b - a) / s + 1e-9)) + 1
            out.extend(round(a + i * s, 10) for i in range(k))
        else:
            try:
                out.append(float(tok))
            except ValueError:
                raise ValueError(f"{name} must be numbers or START:STOP:STEP; got {tok!r}")
    return out


def add_arguments(parser):
    from esorma.cli._common import add_json, add_out, add_quiet, add_seed

    g = parser.add_argument_group("retrieval (Glauber on a Hebb network)")
    g.add_argument("--n-neurons", "-N", type=int, default=None,
                   help=f"neurons (default {FULL['n_neurons']}; --quick {QUICK['n_neurons']})")
    g.add_argument("--patterns", "-P", type=int, default=3, help="stored patterns (default 3)")
    g.add_argument("--temperatures", "-T", nargs="+", default=["0.1:1.5:0.1"], metavar="T",
                   help="temperatures: values and/or START:STOP:STEP (default 0.1:1.5:0.1)")
    g.add_argument("--sweeps", type=int, default=None, help="sweeps per temperature")
    g.add_argument("--burn-in", type=int, default=None, help="sweeps discarded first")
    g.add_argument("--chains", type=int, default=4, help="chains per temperature (default 4)")
    g.add_argument("--rule", choices=("glauber", "metropolis"), default="glauber")
    e = parser.add_argument_group("exact thermodynamics and tempering (SK couplings)")
    e.add_argument("--exact-neurons", type=int, default=None,
                   help=f"spins of the SK network (<= 24; default {FULL['exact_neurons']}, "
                        f"--quick {QUICK['exact_neurons']})")
    e.add_argument("--exact-temperatures", nargs="+", default=["0.1:3.0:0.05"], metavar="T",
                   help="temperatures of the exact curves (default 0.1:3.0:0.05)")
    e.add_argument("--pq-temperatures", type=float, nargs="+", default=[0.3, 0.6, 1.0, 2.0],
                   metavar="T", help="temperatures of P(q) (default 0.3 0.6 1.0 2.0)")
    e.add_argument("--pt-sweeps", type=int, default=None, help="parallel-tempering sweeps")
    o = parser.add_argument_group("running and output")
    o.add_argument("--quick", action="store_true", help="small sizes, a few seconds")
    add_out(o, help="write the results to this HDF5 file")
    o.add_argument("--figure", type=Path, default=None, metavar="PNG",
                   help="figure file (default: the --out file with .png; none without --out)")
    add_seed(o)
    add_json(o)
    add_quiet(o)


def _temperature_key(t) -> int:
    """A seed-spawn key for temperature ``t`` (its value in units of 1e−9)."""
    return int(round(float(t) * 1e9))


def compute(*, n_neurons, n_patterns, temperatures, sweeps, burn_in, chains, rule,
            exact_neurons, exact_temperatures, pq_temperatures, pt_sweeps, seed, log=None):
    """Run the three studies; returns a dict of arrays and numbers (validates everything first)."""
    import numpy as np

    from esorma import Hopfield
    from esorma._validation import check_int
    from esorma.dynamics.stochastic import sample
    from esorma.dynamics.tempering import parallel_tempering, temperature_ladder
    from esorma.patterns import random_patterns
    from esorma.thermo import exact, mean_field_overlap, sk_couplings

    log = log or (lambda msg: None)
    n = check_int(n_neurons, "--n-neurons", minimum=2)
    p = check_int(n_patterns, "--patterns", minimum=1, maximum=n)
    ne = check_int(exact_neurons, "--exact-neurons", minimum=2, maximum=24)
    sweeps = check_int(sweeps, "--sweeps", minimum=2)
    burn_in = check_int(burn_in, "--burn-in", minimum=0, maximum=sweeps - 2)
    chains = check_int(chains, "--chains", minimum=1)
    pt_sweeps = check_int(pt_sweeps, "--pt-sweeps", minimum=1)
    temps = np.asarray(temperatures, dtype=float)
    for name, arr in (("--temperatures", temps), ("--exact-temperatures", exact_temperatures),
                      ("--pq-temperatures", pq_temperatures)):
        arr = np.asarray(arr, dtype=float)
        if arr.size == 0:
            raise ValueError(f"{name} must list at least one temperature")
        if np.any(arr < 0) or not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} must be finite and >= 0; got {arr.tolist()}")
    if np.any(np.asarray(exact_temperatures) <= 0) or np.any(np.asarray(pq_temperatures) <= 0):
        raise ValueError("--exact-temperatures and --pq-temperatures must be > 0")
    # Independent streams per sub-study (and per retrieval temperature, keyed by its value):
    # each part depends only on the seed and its own parameters, so e.g. changing
    # --temperatures leaves the SK instance and the tempering run unchanged.
    root = np.random.SeedSequence(seed)
    ss_patterns, ss_retrieval, ss_sk, ss_pt = root.spawn(4)
    xi = random_patterns(p, n, rng=np.random.default_rng(ss_patterns))
    net = Hopfield.from_patterns(xi)
    m_mean, m_err, m_tau, seconds, updates = [], [], [], 0.0, 0
    for t in temps:
        ss_t = np.random.SeedSequence(ss_retrieval.entropy,
                                      spawn_key=(*ss_retrieval.spawn_key, _temperature_key(t)))
        res = sample(net, float(t), n_sweeps=sweeps, states=xi[0], n_chains=chains,
                     burn_in=burn_in, rule=rule, rng=np.random.default_rng(ss_t))
        est = res.estimate("overlap", pattern=0)
        m_mean.append(est.mean)
        m_err.append(est.error)
        m_tau.append(est.tau)
        seconds += res.seconds
        updates += res.n_updates
        log(f"T = {t:5.2f}: m = {est.mean:+.4f} ± {est.error:.4f}  (mean field "
            f"{float(mean_field_overlap(t)):.4f}, τ = {est.tau:.2g})")
    J = sk_couplings(ne, rng=np.random.default_rng(ss_sk))
    th = exact(J, exact_temperatures, overlap_distribution=False)
    th_pq = exact(J, pq_temperatures, overlap_distribution=True)
    log(f"exact SK N = {ne}: E0/N = {th.ground_energy / ne:.4f}, C/N peaks at "
        f"T = {th.temperatures[int(np.argmax(th.specific_heat))]:.2f} "
        f"({th.seconds + th_pq.seconds:.2f} s)")
    ladder = temperature_ladder(0.2, 2.0, 10)
    pt = parallel_tempering(J, ladder, n_sweeps=pt_sweeps, n_runs=2,
                            rng=np.random.default_rng(ss_pt))
    found = bool(abs(pt.ground_energy - th.ground_energy) <= 1e-9 * max(1, abs(th.ground_energy)))
    log(f"parallel tempering: E_min/N = {pt.ground_energy / ne:.4f} "
        f"({'the exact ground state' if found else 'NOT the ground state'}); exchange "
        f"acceptance {pt.acceptance_rates.min():.2f}-{pt.acceptance_rates.max():.2f}")
    return {
        "temperatures": temps,
        "overlap": np.array(m_mean),
        "overlap_error": np.array(m_err),
        "overlap_tau": np.array(m_tau),
        "mean_field_overlap": mean_field_overlap(temps),
        "updates_per_second": updates / seconds if seconds > 0 else float("nan"),
        "exact": th,
        "exact_pq": th_pq,
        "sk_couplings": J,
        "pt_ladder": ladder,
        "pt_acceptance": pt.acceptance_rates,
        "pt_ground_energy": pt.ground_energy,
        "pt_found_ground_state": found,
        "config": {"n_neurons": n, "n_patterns": p, "temperatures": temps.tolist(),
                   "sweeps": sweeps, "burn_in": burn_in, "chains": chains, "rule": rule,
                   "exact_neurons": ne, "exact_temperatures": list(map(float, exact_temperatures)),
                   "pq_temperatures": list(map(float, pq_temperatures)),
                   "pt_sweeps": pt_sweeps},
    }


def write_h5(path, out, seed):
    from esorma.io import atomic_h5

    th, pq = out["exact"], out["exact_pq"]
    with atomic_h5(path, kind="boltzmann", config=out["config"], seed=seed) as fh:
        g = fh.create_group("retrieval")
        for key in ("temperatures", "overlap", "overlap_error", "overlap_tau",
                    "mean_field_overlap"):
            g.create_dataset(key, data=out[key])
        g = fh.create_group("exact")
        g.create_dataset("couplings", data=out["sk_couplings"])
        for key in ("temperatures", "log_z", "free_energy", "energy", "entropy",
                    "specific_heat", "abs_magnetisation", "magnetisation2"):
            g.create_dataset(key, data=getattr(th, key))
        g.attrs["ground_energy"] = th.ground_energy
        g.create_dataset("ground_states", data=th.ground_states)
        g.create_dataset("pq_temperatures", data=pq.temperatures)
        g.create_dataset("q_values", data=pq.q_values)
        g.create_dataset("overlap_distribution", data=pq.overlap_distribution)
        g = fh.create_group("tempering")
        g.create_dataset("temperatures", data=out["pt_ladder"])
        g.create_dataset("acceptance_rates", data=out["pt_acceptance"])
        g.attrs["ground_energy"] = out["pt_ground_energy"]
        g.attrs["found_ground_state"] = out["pt_found_ground_state"]
    return Path(path)


def make_figure(out, path, seed):
    import matplotlib

    matplotlib.use("Agg")
    from esorma.cli._common import save_figure
    from esorma.plotting.thermo import boltzmann_figure

    c = out["config"]
    fig = boltzmann_figure(
        out["temperatures"], out["overlap"], out["overlap_error"], out["exact"], out["exact_pq"],
        load=c["n_patterns"] / c["n_neurons"],
        suptitle=(f"Hebb N = {c['n_neurons']}, P = {c['n_patterns']} ({c['rule']}, "
                  f"{c['chains']} chains × {c['sweeps']} sweeps); exact SK N = "
                  f"{c['exact_neurons']}; seed {seed}"),
    )
    return save_figure(fig, path)


def run(args) -> int:
    from esorma.cli._common import print_json

    base = QUICK if args.quick else FULL
    pick = lambda v, key: base[key] if v is None else v  # noqa: E731
    quiet = args.quiet or args.json
    out = compute(
        n_neurons=pick(args.n_neurons, "n_neurons"),
        n_patterns=args.patterns,
        temperatures=_parse_range(args.temperatures, "--temperatures"),
        sweeps=pick(args.sweeps, "sweeps"),
        burn_in=pick(args.burn_in, "burn_in"),
        chains=args.chains,
        rule=args.rule,
        exact_neurons=pick(args.exact_neurons, "exact_neurons"),
        exact_temperatures=_parse_range(args.exact_temperatures, "--exact-temperatures"),
        pq_temperatures=args.pq_temperatures,
        pt_sweeps=pick(args.pt_sweeps, "pt_sweeps"),
        seed=args.seed,
        log=None if quiet else print,
    )
    files = []
    if args.out is not None:
        files.append(str(write_h5(args.out, out, args.seed)))
    fig_path = args.figure or (args.out.with_suffix(".png") if args.out is not None else None)
    if fig_path is not None:
        files.append(str(make_figure(out, fig_path, args.seed)))
    th = out["exact"]
    summary = {
        "temperatures": out["temperatures"],
        "overlap": out["overlap"],
        "overlap_error": out["overlap_error"],
        "mean_field_overlap": out["mean_field_overlap"],
        "glauber_updates_per_second": out["updates_per_second"],
        "exact_ground_energy_per_spin": th.ground_energy / th.n_neurons,
        "specific_heat_peak_temperature": float(th.temperatures[th.specific_heat.argmax()]),
        "pt_found_ground_state": out["pt_found_ground_state"],
        "pt_acceptance_rates": out["pt_acceptance"],
        "files": files,
    }
    if args.json:
        print_json(summary)
    elif not args.quiet:
        for f in files:
            print(f"wrote {f}")
    return 0 if out["pt_found_ground_state"] else 1


def tour(ctx) -> None:
    """Stochastic dynamics: m(T) vs mean field (N = 1000), exact SK N = 14, tempering."""
    import numpy as np

    out = compute(
        n_neurons=1000, n_patterns=3, temperatures=list(np.round(np.arange(0.1, 1.51, 0.1), 2)),
        sweeps=250, burn_in=50, chains=4, rule="glauber", exact_neurons=14,
        exact_temperatures=list(np.round(np.arange(0.1, 3.001, 0.05), 3)),
        pq_temperatures=[0.3, 0.6, 1.0, 2.0], pt_sweeps=1000, seed=ctx.seed, log=ctx.log,
    )
    write_h5(ctx.path("boltzmann.h5"), out, ctx.seed)
    make_figure(out, ctx.path("boltzmann.png"), ctx.seed)
    low = out["temperatures"] <= 0.7
    dev = float(np.max(np.abs(out["overlap"][low] - out["mean_field_overlap"][low])))
    th = out["exact"]
    ctx.record(
        max_overlap_deviation_from_mean_field_T_le_0p7=round(dev, 4),
        overlap_at_T_1p5=round(float(out["overlap"][-1]), 4),
        glauber_updates_per_second=float(f"{out['updates_per_second']:.3g}"),
        exact_sk14_ground_energy_per_spin=round(th.ground_energy / th.n_neurons, 4),
        pt_found_ground_state=out["pt_found_ground_state"],
        pt_min_acceptance=round(float(out["pt_acceptance"].min()), 3),
    )
