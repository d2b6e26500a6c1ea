"""The bridge's exact formula and BDD extraction, against SymPy and NumPy on the same job
(issues 7 and 19).

1. Exact formula of a random dense threshold unit ``[w.x + b > 0]`` on {0,1}^n: the set of
   its prime implicants. A threshold function is unate, so its prime implicants are all
   essential and their OR is its unique minimal sum of products: SymPy's ``SOPform`` (Quine–
   McCluskey on the truth table, then a cover) and esorma's :func:`unit_to_formula` return
   the same set of terms. Same instance and same output for the three implementations:

   * esorma ``unit_to_formula`` (depth-first enumeration of the minimal true sets);
   * SymPy ``SOPform`` on the unit's true points (its truth table built with NumPy, not
     timed), at the sizes it finishes in ``--sympy-max-seconds``;
   * plain NumPy: enumerate the 2^n inputs, map negative-weight inputs to their complements,
     keep the true points from which removing any single input makes the unit false (the
     minimal true sets), at the sizes that fit in memory.

   The term sets are checked to be identical before any time is compared.
2. BDD of a 40-input unit with exactly quantisable weights (certified quantisation), against
   building the same diagram from the unquantised float weights (an esorma ablation: no
   outside package builds threshold BDDs).

BLAS pinned to one thread; medians and spreads over ``--repeats``; machine load recorded.

Run ``python benchmarks/bench_bridge.py [--repeats 5] [--sizes 8 10 12 16 20]``; writes
``benchmarks/out/bench_bridge.json``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, pin_blas, print_table, summary, timeit, write_json  # noqa: E402


def _median_time(fn, repeats):
    med, _times, out = timeit(fn, repeats=repeats, warmup=0)
    return med, out


def _random_unit(n, rng):
    w = rng.standard_normal(n)
    # bias near the median of w.x over uniform x: the hardest (most terms) regime
    b = -0.5 * w.sum() + 0.1 * rng.standard_normal()
    return w, b


def _esorma_terms(w, b):
    from esorma.bridge import unit_to_formula

    f = unit_to_formula(w, b, compute_margin=False)
    return f


def _as_set_esorma(f):
    return {frozenset((i, not neg) for i, neg in t) for t in f.terms}


def numpy_prime_implicants(w, b):
    """Prime implicants of ``[w.x + b > 0]`` by brute force over the 2^n inputs (NumPy).

    Returns a list of (positive mask, negated mask) pairs. Inputs with negative weight are
    complemented (the function becomes monotone increasing); the prime implicants are then its
    minimal true sets: true points y such that clearing any set bit of y gives a false point.
    """
    w = np.asarray(w, dtype=float)
    n = w.size
    neg = w < 0
    wp = np.abs(w)
    bp = b + w[neg].sum()  # x_i = 1 - y_i for negated inputs
    codes = np.arange(1 << n, dtype=np.int64)
    bits = ((codes[:, None] >> np.arange(n)) & 1).astype(np.float64)
    true = bits @ wp + bp > 0
    minimal = true.copy()
    for i in range(n):
        has = (codes >> i) & 1 == 1
        minimal[has] &= ~true[codes[has] ^ (1 << i)]
    negmask = int(sum(1 << i for i in range(n) if neg[i]))
    return [(int(c), negmask) for c in codes[minimal]]


def _as_set_numpy(pairs):
    out = set()
    for c, negmask in pairs:
        out.add(frozenset((i, not ((negmask >> i) & 1)) for i in range(64) if (c >> i) & 1))
    return out


def sympy_sop(w, b):
    """SymPy's minimal SOP (``SOPform``) of the unit, from its true points."""
    import sympy
    from sympy.logic import SOPform

    n = len(w)
    codes = np.arange(1 << n, dtype=np.int64)
    bits = ((codes[:, None] >> np.arange(n)) & 1)
    minterms = [row.tolist() for row in bits[bits @ np.asarray(w) + b > 0]]
    syms = sympy.symbols(f"x0:{n}")
    return lambda: SOPform(syms, minterms), syms


def _as_set_sympy(expr, syms):
    import sympy

    index = {s: i for i, s in enumerate(syms)}
    terms = expr.args if isinstance(expr, sympy.Or) else (expr,)
    out = set()
    for t in terms:
        lits = t.args if isinstance(t, sympy.And) else (t,)
        out.add(frozenset((index[lit.args[0]], False) if isinstance(lit, sympy.Not)
                          else (index[lit], True) for lit in lits))
    return out


def bench_formula(sizes, repeats, sympy_max_seconds, numpy_max_n, seed=0):
    from esorma.bridge import unit_to_formula

    unit_to_formula([1.0, 1.0], -1.5)  # load the compiled kernels
    rows = []
    sympy_ok = True
    for n in sizes:
        rng = np.random.default_rng(seed + n)
        w, b = _random_unit(n, rng)
        _, times, f = timeit(lambda: _esorma_terms(w, b), repeats=repeats, warmup=1)
        row = {"n": n, "terms": f.n_terms, "esorma": summary(times)}
        ref = _as_set_esorma(f)
        if n <= numpy_max_n:
            _, t_np, pairs = timeit(lambda: numpy_prime_implicants(w, b),
                                    repeats=max(1, min(repeats, 3)), warmup=0)
            row["numpy"] = summary(t_np)
            row["numpy_agrees"] = _as_set_numpy(pairs) == ref
        if sympy_ok:
            fn, syms = sympy_sop(w, b)
            t0 = time.perf_counter()
            expr = fn()
            t1 = time.perf_counter() - t0
            times = [t1]
            if t1 < sympy_max_seconds / 3:
                _, more, _ = timeit(fn, repeats=max(0, min(repeats, 3) - 1), warmup=0)
                times += more
            row["sympy"] = summary(times)
            row["sympy_agrees"] = _as_set_sympy(expr, syms) == ref
            if 30 * t1 > sympy_max_seconds:
                sympy_ok = False  # the next size would take ~30-40x longer (exponential)
        rows.append(row)
    return rows


def bench_bdd(repeats, seed=1):
    from esorma.bridge import unit_to_bdd

    rng = np.random.default_rng(seed)
    w = rng.integers(-8, 9, 40) * 0.37  # exactly quantisable: multiples of 0.37
    b = 0.37 * 3.5
    t_q, u = _median_time(lambda: unit_to_bdd(w, b), repeats)
    t_f, uf = _median_time(lambda: unit_to_bdd(w, b, quantise=False), repeats)
    X = rng.integers(0, 2, (5000, 40))
    ok = bool(np.array_equal(u.evaluate(X), (X @ w + b > 0).astype(np.uint8)))
    return {
        "bdd_40_inputs_quantised_s": t_q,
        "bdd_40_inputs_nodes": u.n_nodes,
        "bdd_40_inputs_certified": bool(u.exact),
        "bdd_40_inputs_correct_on_5000_samples": ok,
        "bdd_40_inputs_float_weights_s": t_f,
        "target_bdd_40_s": 1.0,
        "ratio_float_over_quantised": t_f / t_q,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[8, 10, 12, 14, 16, 20])
    parser.add_argument("--sympy-max-seconds", type=float, default=20.0,
                        help="no SymPy run expected to exceed this (each 2 more inputs cost "
                             "it ~30-40x)")
    parser.add_argument("--numpy-max-n", type=int, default=22)
    args = parser.parse_args(argv)
    pin_blas(1)
    load_before = machine()["loadavg"]
    rows = bench_formula(args.sizes, args.repeats, args.sympy_max_seconds, args.numpy_max_n)
    bdd = bench_bdd(args.repeats)
    print(f"machine: {machine()} (load before: {load_before})")
    print("1. all prime implicants (= the minimal SOP: threshold functions are unate) of a "
          "random dense unit; median s (spread)")

    def cell(r, key):
        if key not in r:
            return "-"
        ok = r.get(f"{key}_agrees", True)
        return f"{r[key]['median']:.4g} ({r[key]['spread']:.0%}){'' if ok else ' DIFFERENT'}"

    table = [[r["n"], r["terms"], cell(r, "esorma"), cell(r, "numpy"), cell(r, "sympy"),
              f"{r['numpy']['median'] / r['esorma']['median']:.0f}x" if "numpy" in r else "-",
              f"{r['sympy']['median'] / r['esorma']['median']:.0f}x" if "sympy" in r else "-"]
             for r in rows]
    print_table(table, ["n", "terms", "esorma s", "NumPy brute force s", "SymPy SOPform s",
                        "NumPy/esorma", "SymPy/esorma"])
    print(f"\n2. BDD of a 40-input quantisable unit: {bdd['bdd_40_inputs_quantised_s']:.4f} s "
          f"({bdd['bdd_40_inputs_nodes']} nodes, certified {bdd['bdd_40_inputs_certified']}, "
          f"correct on 5000 samples {bdd['bdd_40_inputs_correct_on_5000_samples']}); from "
          f"float weights {bdd['bdd_40_inputs_float_weights_s']:.4f} s "
          f"({bdd['ratio_float_over_quantised']:.2f}x)")
    agree = all(r.get("numpy_agrees", True) and r.get("sympy_agrees", True) for r in rows)
    print(f"all outputs identical: {agree}")
    write_json("bench_bridge", {"repeats": args.repeats, "blas_threads": 1,
                                "formula": rows, "bdd": bdd, "outputs_agree": agree,
                                "load_before": load_before})
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
