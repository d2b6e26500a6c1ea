"""Reproduce the replica-symmetric results of Amit, Gutfreund & Sompolinsky (1987) and SK.

Computes, and compares with the published values:

* the AGS capacity α_c = 0.138 with m = 0.967 (here to 10 digits, by two independent routes),
  the T = 0 first-order point (0.0518543 here; AGS quote ≈ 0.051), and the small-α slopes
  T_M ≈ 1 - 1.95 √α, T_c ≈ 1 - 2.6 √α;
* the (α, T) phase diagram with its three lines and the low-T re-entrance;
* m(α) on the retrieval branch at several temperatures;
* the SK RS solution (q, u, s against T; T → 0: u = -√(2/π), s = -1/(2π)) and the AT line
  with its (4/3)(1 - T)³ law;
* Gardner's α_c(κ) with the pseudo-inverse rule's stability.

Writes ``<out>/phase_diagram.h5`` (all curves, the table as attributes) and
``<out>/phase_diagram.png`` (four panels). ``--quick`` uses coarser grids (~5 s).

Usage: ``python experiments/phase_diagram.py [--quick] [--out DIR] [--seed S]``
(the theory is deterministic; ``--seed`` is recorded only).
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np


def compute(quick: bool) -> dict:
    from esorma import replica

    n = 60 if quick else 300
    t0 = time.perf_counter()
    pd = replica.phase_diagram(n_points=n)
    cap = pd.capacity
    a_cf, m_cf, _y = replica.ags_capacity_closed_form()
    small = 1e-6
    slope_M = (1 - replica.retrieval_temperatures(small).roots[-1]) / math.sqrt(small)
    slope_c = (1 - replica.first_order_temperatures(small).roots[-1]) / math.sqrt(small)
    alphas_m = np.linspace(0.0, 0.14, 50 if quick else 281)
    temps_m = (0.0, 0.2, 0.4, 0.6)
    m_curves = np.array([replica.retrieval_overlap(alphas_m, T=T) for T in temps_m])
    T_sk = np.linspace(0.0, 1.5, 31 if quick else 151)
    sk = [replica.sk_solve(float(t)) for t in T_sk]
    h_at = np.linspace(0.0, 1.5, 16 if quick else 61)
    T_at = replica.at_line(h_at).value
    h_small = 1e-3
    at_ratio = h_small**2 / ((4 / 3) * (1 - replica.at_line(h_small).value) ** 3)
    kappas = np.linspace(-0.5, 3.0, 141)
    table = {
        "alpha_c": (cap.alpha_c, 0.138, "AGS 1987"),
        "alpha_c_closed_form": (a_cf, 0.138, "max_y α(y), T = 0"),
        "m_at_alpha_c": (cap.m, 0.967, "AGS 1987"),
        "error_fraction_at_alpha_c": (cap.error_fraction, 0.0165, "(1 - 0.967)/2 from AGS"),
        "alpha_first_order_T0": (pd.alpha_first_order, 0.051, "AGS 1987"),
        "T_M_slope": (slope_M, 1.95, "1 - T_M ≈ 1.95 √α (AGS)"),
        "T_c_slope": (slope_c, 2.6, "1 - T_c ≈ 2.6 √α (AGS)"),
        "alpha_M_max": (pd.alpha_M_max, float("nan"), "re-entrance (RS artefact)"),
        "T_at_alpha_M_max": (pd.T_at_alpha_M_max, float("nan"), ""),
        "sk_T0_energy": (sk[0].energy, -math.sqrt(2 / math.pi), "SK RS, T → 0"),
        "sk_T0_entropy": (sk[0].entropy, -1 / (2 * math.pi), "SK RS, T → 0"),
        "at_ratio_h1e-3": (at_ratio, 1.0, "h²/((4/3)(1-T)³) near T = 1"),
        "gardner_alpha_c_kappa0": (replica.gardner_capacity(0.0), 2.0, "Gardner 1988"),
    }
    return dict(pd=pd, table=table, alphas_m=alphas_m, temps_m=np.array(temps_m),
                m_curves=m_curves, T_sk=T_sk, sk=sk, h_at=h_at, T_at=T_at, kappas=kappas,
                seconds=time.perf_counter() - t0)


def write_h5(res: dict, path: Path, config: dict, seed) -> None:
    from esorma.io import atomic_h5
    from esorma.replica import gardner_capacity

    pd = res["pd"]
    with atomic_h5(path, kind="replica_phase_diagram", config=config, seed=seed) as f:
        g = f.create_group("ags")
        for k in ("alphas", "T_g", "temperatures", "alpha_M", "alpha_c"):
            g.create_dataset(k, data=getattr(pd, k))
        g.create_dataset("m_alpha", data=res["m_curves"])
        g.create_dataset("m_alpha_alphas", data=res["alphas_m"])
        g.create_dataset("m_alpha_temperatures", data=res["temps_m"])
        s = f.create_group("sk")
        s.create_dataset("T", data=res["T_sk"])
        for k in ("q", "energy", "entropy", "free_energy", "at_eigenvalue"):
            s.create_dataset(k, data=[getattr(x, k) for x in res["sk"]])
        s.create_dataset("at_h", data=res["h_at"])
        s.create_dataset("at_T", data=res["T_at"])
        p = f.create_group("perceptron")
        p.create_dataset("kappa", data=res["kappas"])
        p.create_dataset("gardner_alpha_c", data=gardner_capacity(res["kappas"]))
        f.attrs["table"] = json.dumps({k: [float(v[0]), float(v[1]), v[2]]
                                       for k, v in res["table"].items()})


def figure(res: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from esorma.cli._common import save_figure
    from esorma.plotting.replica import plot_gardner, plot_phase_diagram

    fig, axs = plt.subplots(2, 2, figsize=(12, 9.5))
    plot_phase_diagram(res["pd"], ax=axs[0, 0])
    ax = axs[0, 1]
    for T, m in zip(res["temps_m"], res["m_curves"]):
        ax.plot(res["alphas_m"], m, lw=2, label=f"T = {T:g}")
    ax.set_xlabel("load α = P/N")
    ax.set_ylabel("overlap m")
    ax.set_title("retrieval overlap m(α) (AGS, RS); curves end at α_M(T)")
    ax.legend(fontsize=8)
    ax = axs[1, 0]
    T = res["T_sk"]
    ax.plot(T, [s.q for s in res["sk"]], label="q")
    ax.plot(T, [s.energy for s in res["sk"]], label="energy u")
    ax.plot(T, [s.entropy for s in res["sk"]], label="entropy s")
    ax.plot(res["T_at"], res["h_at"], "k--", label="AT line h_AT(T)")
    ax.axhline(0, color="k", lw=0.5)
    ax.plot([0], [-math.sqrt(2 / math.pi)], "o", color="tab:orange")
    ax.plot([0], [-1 / (2 * math.pi)], "o", color="tab:green")
    ax.set_xlabel("temperature T / J")
    ax.set_ylabel("RS value (h = 0) / field h")
    ax.set_title("Sherrington-Kirkpatrick (RS): s(0) = -1/(2π) < 0")
    ax.legend(fontsize=8)
    plot_gardner(ax=axs[1, 1])
    fig.suptitle("Replica-symmetric theory: AGS Hopfield model, SK model, perceptron bounds")
    fig.tight_layout()
    save_figure(fig, path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="coarse grids (a few seconds)")
    parser.add_argument("--seed", type=int, default=0, help="recorded only (deterministic)")
    parser.add_argument("--out", type=Path, default=Path("results/phase_diagram"),
                        help="output folder (default results/phase_diagram)")
    args = parser.parse_args(argv)
    res = compute(args.quick)
    args.out.mkdir(parents=True, exist_ok=True)
    h5 = args.out / "phase_diagram.h5"
    png = args.out / "phase_diagram.png"
    write_h5(res, h5, {"quick": args.quick}, args.seed)
    figure(res, png)
    print(f"{'quantity':<28} {'esorma':>16} {'published':>11}  source")
    for k, (v, ref, src) in res["table"].items():
        ref_s = "" if not np.isfinite(ref) else f"{ref:.6g}"
        print(f"{k:<28} {v:>16.10g} {ref_s:>11}  {src}")
    print(f"computed in {res['seconds']:.1f} s; wrote {h5} and {png}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
