"""esorma against the peer packages, on the same job and the same instance (issue 19).

Every peer runs in its own virtual environment (``benchmarks/peers.py``, installed from PyPI
on first use into ``benchmarks/.peers/``; a peer that cannot be installed is skipped with the
reason). Each job gets the same instance as a ``.npz`` file, and the outputs are compared
before any time is:

Hopfield retrieval: Hebb couplings of P random patterns (N even, P odd, so that no local
field is ever exactly zero and the peers' tie rule, h = 0 -> +1, never differs from esorma's,
h = 0 keeps s_i), then the retrieval of 10 %-corrupted probes:

* ``hopfieldkit``: ``HopfieldNetwork(N).fit(xi)``, ``recall(probe, order="sequential")``
  (asynchronous sweeps 0..N−1 until a sweep flips nothing) against esorma
  ``run(net, probes, mode="async", order="sequential")``: identical final states expected;
* ``hopfieldnetwork``: ``train_pattern`` and ``update_neurons(1, "sync", run_max=True)``
  (synchronous steps until a fixed point or a 2-cycle; its asynchronous mode draws its own
  random order, which cannot be matched) against esorma ``run(..., mode="sync")``;
* ``neurodynex3``: synchronous sign dynamics (``run(nr_steps)``, a fixed number of steps)
  against esorma ``run(..., mode="sync")``; its ``store_patterns`` is a Python double loop
  over N² entries per pattern, timed at a small N only (``--neurodynex-store-n``), and its
  weights are set to the same Hebb matrix for the retrieval at N.

Spectra (``scikit-rmt``): the eigenvalue histogram of the same β-Hermite tridiagonal matrix on
the same bin edges: scikit-rmt's Sturm-sequence histogram ``tridiag_eigval_hist`` (which takes
the dense n × n array) against esorma's :func:`tridiagonal_density`; identical counts expected.

Times: store and retrieve (all probes; esorma's on a fresh network each repeat, since it forms
J lazily inside the retrieval), medians and spreads over ``--repeats``, wall seconds
inside each process (interpreter start and imports excluded); BLAS pinned to one thread in
every process; the machine load recorded.

Run ``python benchmarks/bench_peers.py [--n 2000] [--patterns 201] [--probes 20]``; writes
``benchmarks/out/bench_peers.json``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, pin_blas, print_table, summary, write_json  # noqa: E402
from peers import PeerUnavailable, peer_version, run_job  # noqa: E402

# --------------------------------------------------------------------------- peer job scripts
# Each reads sys.argv[1] (instance), saves sys.argv[2] (outputs), prints JSON last.

_PRELUDE = """
import json, sys, time
import numpy as np
z = np.load(sys.argv[1])
xi, probes, repeats = z["xi"], z["probes"], int(z["repeats"])
def timed(fn):
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter(); out = fn(); times.append(time.perf_counter() - t0)
    return times, out
"""

HOPFIELDKIT = _PRELUDE + """
from hopfieldkit import HopfieldNetwork
n = xi.shape[1]
t_store, net = timed(lambda: HopfieldNetwork(n).fit(xi))
def retrieve():
    return np.array([net.recall(p, order="sequential", max_steps=100) for p in probes])
t_ret, final = timed(retrieve)
np.savez(sys.argv[2], final=final.astype(np.int8))
print(json.dumps({"store": t_store, "retrieve": t_ret}))
"""

HOPFIELDNETWORK = _PRELUDE + """
from hopfieldnetwork.libary import HopfieldNetwork
n = xi.shape[1]
def store():
    net = HopfieldNetwork(N=n)
    net.train_pattern(np.ascontiguousarray(xi.T))
    return net
t_store, net = timed(store)
def retrieve():
    out = []
    for p in probes:
        net.set_initial_neurons_state(p.astype(np.int8).copy())
        net.update_neurons(1, "sync", run_max=True)
        out.append(np.asarray(net.S).copy())
    return np.array(out)
t_ret, final = timed(retrieve)
np.savez(sys.argv[2], final=final.astype(np.int8))
print(json.dumps({"store": t_store, "retrieve": t_ret}))
"""

NEURODYNEX3 = _PRELUDE + """
from neurodynex3.hopfield_network.network import HopfieldNetwork
n = xi.shape[1]
n_small = int(z["store_n"])
small = [np.asarray(p[:n_small], dtype=float) for p in xi]
t_store, _ = timed(lambda: HopfieldNetwork(n_small).store_patterns(small))
net = HopfieldNetwork(n)
w = xi.T.astype(float) @ xi.astype(float) / n  # the same Hebb matrix as store_patterns
np.fill_diagonal(w, 0.0)
net.weights = w
steps = int(z["steps"])
def retrieve():
    out = []
    for p in probes:
        net.set_state_from_pattern(p.astype(float))
        net.run(nr_steps=steps)
        out.append(net.state.copy())
    return np.array(out)
t_ret, final = timed(retrieve)
np.savez(sys.argv[2], final=final.astype(np.int8))
print(json.dumps({"store_small_n": t_store, "retrieve": t_ret}))
"""

SKRMT = """
import json, sys, time
import numpy as np
from skrmt.ensemble.tridiagonal_utils import tridiag_eigval_hist
z = np.load(sys.argv[1])
d, e, edges, repeats = z["diag"], z["offdiag"], z["edges"], int(z["repeats"])
t0 = time.perf_counter()
m = np.diag(d) + np.diag(e, 1) + np.diag(e, -1)  # the dense array it takes
t_build = time.perf_counter() - t0
times = []
for _ in range(repeats):
    t0 = time.perf_counter()
    counts, _ = tridiag_eigval_hist(m, interval=(float(edges[0]), float(edges[-1])),
                                    bins=edges.tolist())
    times.append(time.perf_counter() - t0)
np.savez(sys.argv[2], counts=np.asarray(counts))
print(json.dumps({"histogram": times, "build_dense": t_build}))
"""


# --------------------------------------------------------------------------- esorma side


def _timed(fn, repeats):
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return times, out


def esorma_retrieval(xi, probes, mode, repeats):
    """Store + retrieve on a fresh network each repeat (esorma may form J lazily, inside the
    retrieval, and keep it: reusing one network would time the retrieval without it)."""
    from esorma import Hopfield
    from esorma.dynamics import run

    small = Hopfield.from_patterns(xi[:3, :50])  # load compiled code outside the timing
    run(small, probes[:2, :50], mode=mode, order="sequential")
    t_store, _ = _timed(lambda: Hopfield.from_patterns(xi), repeats)
    t_total, res = _timed(lambda: run(Hopfield.from_patterns(xi), probes, mode=mode,
                                      order="sequential", max_sweeps=100), repeats)
    return t_store, t_total, res.states


def instance(n, p, n_probes, seed):
    from esorma.patterns import corrupt, random_patterns

    rng = np.random.default_rng(seed)
    xi = random_patterns(p, n, rng=rng)
    probes = corrupt(xi[np.arange(n_probes) % p], 0.1, rng=rng)
    return xi.astype(np.int8), probes.astype(np.int8)


def retrieval_rows(args):
    xi, probes = instance(args.n, args.patterns, args.probes, args.seed)
    inst = {"xi": xi, "probes": probes, "repeats": np.int64(args.repeats),
            "store_n": np.int64(args.neurodynex_store_n), "steps": np.int64(args.sync_steps)}
    ours = {m: esorma_retrieval(xi, probes, m, args.repeats) for m in ("async", "sync")}
    jobs = [("hopfieldkit", HOPFIELDKIT, "async", "async sequential sweeps to a fixed point"),
            ("hopfieldnetwork", HOPFIELDNETWORK, "sync", "sync to a fixed point or 2-cycle"),
            ("neurodynex3", NEURODYNEX3, "sync",
             f"sync, {args.sync_steps} steps (esorma: to a fixed point)")]
    rows, skipped = [], {}
    for name, script, mode, rule in jobs:
        if args.peers and name not in args.peers:
            continue
        try:
            info, arrays = run_job(name, script, inst)
            version = peer_version(name)
        except PeerUnavailable as exc:
            skipped[name] = str(exc)
            print(f"skipped {name}: {exc}")
            continue
        t_store, t_total, final = ours[mode]
        same = np.all(arrays["final"] == final, axis=1)
        row = {"peer": name, "version": version, "rule": rule, "n": args.n,
               "patterns": args.patterns, "probes": args.probes,
               "identical_final_states": int(same.sum()),
               "esorma_store": summary(t_store), "esorma_total": summary(t_total),
               "peer_retrieve": summary(info["retrieve"])}
        if "store" in info:
            row["peer_store"] = summary(info["store"])
            row["peer_total"] = summary([a + b for a, b in zip(info["store"],
                                                               info["retrieve"])])
            row["ratio_total"] = row["peer_total"]["median"] / row["esorma_total"]["median"]
        else:
            row["peer_store_small_n"] = {**summary(info["store_small_n"]),
                                         "n_neurons": args.neurodynex_store_n}
        # the peer's retrieval alone against esorma's store + retrieval (conservative)
        row["ratio_retrieve"] = row["peer_retrieve"]["median"] / row["esorma_total"]["median"]
        rows.append(row)
    return rows, skipped


def spectra_rows(args):
    import esorma.spectra as sp

    rows, skipped = [], {}
    sp.tridiagonal_density(sp.beta_hermite(100, rng=0), bins=10)  # load compiled code
    if args.peers and "scikit-rmt" not in args.peers:
        return rows, skipped
    for n in args.rmt_sizes:
        T = sp.beta_hermite(n, rng=n)
        lo, hi = T.gershgorin()
        ours = sp.tridiagonal_density(T, bins=100, interval=(lo, hi))
        t_ours, _ = _timed(lambda: sp.tridiagonal_density(T, bins=100, interval=(lo, hi)),
                           args.repeats)
        inst = {"diag": T.diag, "offdiag": T.offdiag, "edges": ours.edges,
                "repeats": np.int64(max(1, min(args.repeats, 3)))}
        try:
            info, arrays = run_job("scikit-rmt", SKRMT, inst)
            version = peer_version("scikit-rmt")
        except PeerUnavailable as exc:
            skipped["scikit-rmt"] = str(exc)
            print(f"skipped scikit-rmt: {exc}")
            break
        diff = int(np.abs(arrays["counts"] - ours.counts).sum())
        rows.append({"peer": "scikit-rmt", "version": version, "n": n, "bins": 100,
                     "counts_differ_by": diff, "esorma": summary(t_ours),
                     "peer": summary(info["histogram"]),
                     "peer_build_dense_s": info["build_dense"],
                     "ratio": summary(info["histogram"])["median"] / summary(t_ours)["median"]})
    return rows, skipped


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="neurons (even)")
    parser.add_argument("--patterns", type=int, default=201, help="patterns (odd)")
    parser.add_argument("--probes", type=int, default=20)
    parser.add_argument("--sync-steps", type=int, default=20)
    parser.add_argument("--neurodynex-store-n", type=int, default=200)
    parser.add_argument("--rmt-sizes", type=int, nargs="+", default=[1000, 2000, 4000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--peers", nargs="+", default=None, help="only these peers")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.n % 2 or args.patterns % 2 == 0:
        parser.error("--n must be even and --patterns odd (no zero fields: no tie-rule "
                     "differences)")
    pin_blas(1)
    load_before = machine()["loadavg"]
    ret, skip1 = retrieval_rows(args)
    spec, skip2 = spectra_rows(args)
    print(f"machine: {machine()} (load before: {load_before}); BLAS 1 thread everywhere")
    print(f"\nHopfield retrieval, N={args.n}, P={args.patterns}, {args.probes} probes "
          f"(10 % corrupted); median s (spread)")

    def fmt(s):
        return f"{s['median']:.4g} ({s['spread']:.0%})"

    table = []
    for r in ret:
        store = (fmt(r["peer_store"]) if "peer_store" in r else
                 f"{fmt(r['peer_store_small_n'])} at N={r['peer_store_small_n']['n_neurons']}")
        table.append([f"{r['peer']} {r['version']}", r["rule"],
                      f"{r['identical_final_states']}/{r['probes']}", store,
                      fmt(r["peer_retrieve"]), fmt(r["esorma_total"]),
                      f"{r['ratio_total']:.0f}x" if "ratio_total" in r else "-",
                      f"{r['ratio_retrieve']:.0f}x"])
    print_table(table, ["peer", "rule", "same states", "peer store", "peer retrieve",
                        "esorma store+retrieve", "total ratio", "peer retrieve / esorma total"])
    print("(esorma stores lazily: its J, when a path needs it, is formed inside the retrieval; "
          "each repeat uses a fresh network)")
    if spec:
        print("\nEigenvalue histogram of the same β-Hermite matrix, 100 bins")
        print_table([[f"{r['n']:,}", f"{r['version']}", r["counts_differ_by"],
                      fmt(r["peer"]), fmt(r["esorma"]), f"{r['ratio']:.0f}x"] for r in spec],
                    ["n", "scikit-rmt", "counts differ by", "scikit-rmt s", "esorma s",
                     "ratio"])
    agree = (all(r["identical_final_states"] == r["probes"] for r in ret)
             and all(r["counts_differ_by"] == 0 for r in spec))
    print(f"\nall outputs identical: {agree}")
    write_json("bench_peers", {"retrieval": ret, "spectra": spec, "skipped": {**skip1, **skip2},
                               "repeats": args.repeats, "blas_threads": 1,
                               "load_before": load_before, "outputs_agree": agree})
    return 0 if agree else 1


if __name__ == "__main__":
    raise SystemExit(main())
