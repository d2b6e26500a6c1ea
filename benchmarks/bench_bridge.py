"""Speed of the bridge's exact formula and BDD extraction (targets of issue #7).

Targets
-------
1. Exact formula (all prime implicants) of a random dense 20-input threshold unit in < 1 s,
   reported against SymPy's minimiser (``SOPform`` on the truth table) for a 10-input unit of
   the same kind, and against our enumeration on that same 10-input unit (like for like).
2. BDD of a 40-input unit with exactly quantisable weights in < 1 s (certified quantisation),
   against building the same diagram from the unquantised float weights.

Run ``python benchmarks/bench_bridge.py`` (``--repeats N``); writes
``benchmarks/out/bench_bridge.json``. Medians of repeats; the machine may be shared and noisy.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np


def _median_time(fn, repeats):
    times = []
    out = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def _random_unit(n, rng):
    w = rng.standard_normal(n)
    # bias near the median of w.x over uniform x: the hardest (most terms) regime
    b = -0.5 * w.sum() + 0.1 * rng.standard_normal()
    return w, b


def bench_formula(repeats, seed=0):
    import sympy
    from sympy.logic import SOPform

    from esorma.bridge import all_inputs, unit_to_formula

    rng = np.random.default_rng(seed)
    w20, b20 = _random_unit(20, rng)
    w10, b10 = _random_unit(10, rng)
    unit_to_formula([1.0, 1.0], -1.5)  # load the compiled kernels
    t20, f20 = _median_time(lambda: unit_to_formula(w20, b20, compute_margin=False), repeats)
    t20_terms, _ = _median_time(
        lambda: len(unit_to_formula(w20, b20, compute_margin=False).terms), repeats)
    t10, f10 = _median_time(lambda: unit_to_formula(w10, b10, compute_margin=False), repeats)
    U = all_inputs(10)
    minterms = [row.tolist() for row in U[(U @ w10 + b10) > 0]]
    syms = [sympy.Symbol(f"x{i}") for i in range(10)]
    t_sympy, expr = _median_time(lambda: SOPform(syms, minterms), max(1, min(repeats, 3)))
    n_sympy_terms = len(expr.args) if isinstance(expr, sympy.Or) else 1
    return {
        "formula_20_inputs_s": t20,
        "formula_20_inputs_terms": f20.n_terms,
        "formula_20_inputs_with_python_terms_s": t20_terms,
        "formula_10_inputs_s": t10,
        "formula_10_inputs_terms": f10.n_terms,
        "sympy_sopform_10_inputs_s": t_sympy,
        "sympy_sopform_10_inputs_terms": n_sympy_terms,
        "target_formula_20_s": 1.0,
        "ratio_sympy10_over_ours20": t_sympy / t20,
        "ratio_sympy10_over_ours10": t_sympy / t10,
    }


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
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).resolve().parent / "out" / "bench_bridge.json")
    args = parser.parse_args(argv)
    res = {"repeats": args.repeats}
    res.update(bench_formula(args.repeats))
    res.update(bench_bdd(args.repeats))
    rows = [
        ("exact formula, dense 20-input unit", res["formula_20_inputs_s"], "< 1 s",
         f"{res['formula_20_inputs_terms']} prime implicants"),
        ("  same, all terms as Python tuples", res["formula_20_inputs_with_python_terms_s"], "",
         "(terms are bit masks; tuples are built lazily)"),
        ("exact formula, dense 10-input unit", res["formula_10_inputs_s"], "",
         f"{res['formula_10_inputs_terms']} prime implicants"),
        ("sympy SOPform, same 10-input unit", res["sympy_sopform_10_inputs_s"], "baseline",
         f"{res['sympy_sopform_10_inputs_terms']} terms (minimal cover)"),
        ("BDD, 40-input quantisable unit", res["bdd_40_inputs_quantised_s"], "< 1 s",
         f"{res['bdd_40_inputs_nodes']} nodes, certified={res['bdd_40_inputs_certified']}"),
        ("BDD, same unit, float weights", res["bdd_40_inputs_float_weights_s"], "baseline", ""),
    ]
    print(f"{'case':<40} {'median s':>10}  {'target':<9} note")
    for name, t, target, note in rows:
        print(f"{name:<40} {t:>10.4f}  {target:<9} {note}")
    print(f"ratio sympy(10 inputs) / ours(20 inputs): {res['ratio_sympy10_over_ours20']:.1f}x")
    print(f"ratio sympy(10 inputs) / ours(10 inputs): {res['ratio_sympy10_over_ours10']:.1f}x")
    print(f"ratio BDD float / quantised: {res['ratio_float_over_quantised']:.2f}x")
    res["targets_met"] = bool(res["formula_20_inputs_with_python_terms_s"] < 1.0
                              and res["bdd_40_inputs_quantised_s"] < 1.0)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(res, indent=2, sort_keys=True))
    print(f"targets met: {res['targets_met']}; wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
