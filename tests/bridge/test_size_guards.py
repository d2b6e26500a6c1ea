"""Size guards: formulas and BDDs too large are refused up front with an estimate, and cleanly.

The network formula is refused from the BDD's path count before minimising; the fidelity
report needs only the BDD; a threshold BDD's size is bounded before it is built, and giving
up releases every ``dd`` node.
"""

import math
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import esorma.bridge as B
import esorma.bridge.bdd as BD
from esorma.bridge.bdd import new_bdd, threshold_bdd, unit_to_bdd

# ----------------------------------------------------------------------------- formula size
def test_network_formula_refuses_too_many_terms_with_estimate():
    # majority of 17: C(17, 9) = 24310 prime implicants; took 4-18 s to minimise before
    net17 = [(np.ones((1, 17)), np.array([-8.5]))]
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match=r"about 2\.43e\+04 terms.*max_terms=10000"):
        B.network_formula(net17)
    # majority of 25: C(25, 13) = 5.2e6 terms (> 60 s before); refused from the BDD at once
    net25 = [(np.ones((1, 25)), np.array([-12.5]))]
    with pytest.raises(ValueError, match=r"about 5\.2e\+06 terms"):
        B.network_formula(net25)
    assert time.perf_counter() - t0 < 10.0  # ~0.5 s on a loaded 2-core machine
    # below the limit the formula is built as before (estimate = exact count here)
    f = B.network_formula([(np.ones((1, 9)), np.array([-4.5]))], max_terms=126)
    assert f.n_terms == math.comb(9, 5) == f.table.count_paths()
    # the minimiser's own guard (a partial cover above max_cubes stops it)
    bdd = new_bdd([f"v{i}" for i in range(9)])
    g = bdd.add_expr(r" \/ ".join(rf"(v{i} /\ v{i + 1})" for i in range(8)))
    with pytest.raises(ValueError, match="max_cubes=3"):
        B.isop_cover(bdd, g, max_cubes=3)
    assert len(B.isop_cover(bdd, g)) == 8
    del g

def test_fidelity_does_not_need_the_minimised_formula():
    net25 = [(np.ones((1, 25)), np.array([-12.5]))]
    t0 = time.perf_counter()
    rep = B.fidelity(net25, n_samples=2000, rng=0)
    assert time.perf_counter() - t0 < 10.0  # > 60 s before (it minimised the formula first)
    assert rep.agreement == 1.0 and rep.fraction_true == 0.5  # exact model count of the BDD
    assert rep.certified
    table, n_true = B.network_table(net25)
    assert n_true == 2**24 and table.count_paths() == math.comb(25, 13)
    # with and without a formula: the same report
    net = [(np.array([[4.0, -4.0], [-4.0, 4.0]]), np.array([-2.0, -2.0])),
           (np.array([[4.0, 4.0]]), np.array([-2.0]))]
    a = B.fidelity(net, target=B.xor_task())
    b = B.fidelity(net, B.network_formula(net), target=B.xor_task())
    assert a == b and a.agreement == 1.0 and a.target_agreement == 1.0
    with pytest.raises(ValueError, match="output must be"):
        B.fidelity(net, B.network_formula(net), output=1)

def test_count_paths_matches_brute_force_on_small_functions():
    rng = np.random.default_rng(4)  # seed 4: 5 random units of 8 inputs
    for _ in range(5):
        w = rng.standard_normal(8)
        b = 0.3 * rng.standard_normal()
        u = unit_to_bdd(w, b)
        # brute force: walk every path of the table (complement edges flip the terminal)
        t = u.table

        def paths(e):
            node = e >> 1
            if node == 0:
                return 1 - (e & 1)
            c = e & 1
            return paths(int(t.low[node]) ^ c) + paths(int(t.high[node]) ^ c)

        assert t.count_paths() == paths(t.root)

# ----------------------------------------------------------------------------- BDD size
class _CountingBDD:
    """Proxy of a dd manager counting the ``ite`` calls of threshold_bdd (its nodes)."""

    def __init__(self, bdd):
        self.bdd = bdd
        self.n = 0

    def __getattr__(self, name):
        return getattr(self.bdd, name)

    def ite(self, *args):
        self.n += 1
        return self.bdd.ite(*args)

def test_threshold_bdd_size_bound_is_an_upper_bound():
    assert BD.threshold_bdd_size_bound([1.0] * 10, -4.5) == 30  # at least 5 of 10
    rng = np.random.default_rng(12)  # seed 12: 6 random units, float and integer weights
    for k in range(6):
        n = 14
        w = rng.standard_normal(n) if k % 2 else rng.integers(-5, 6, n).astype(float)
        b = 0.3 * rng.standard_normal()
        order = np.argsort(-np.abs(w), kind="stable")
        names = [f"v{i}" for i in range(n)]
        bdd = new_bdd([names[i] for i in order])
        p = _CountingBDD(bdd)
        f = threshold_bdd(p, [bdd.var(v) for v in names], w, b)
        bound = BD.threshold_bdd_size_bound(w, b)
        assert p.n <= bound <= 2 * p.n + 2, (k, p.n, bound)
        X = rng.integers(0, 2, (200, n))
        from esorma.bridge.bdd import bdd_to_table

        assert np.array_equal(bdd_to_table(bdd, f, names).evaluate(X), (X @ w + b > 0))
        del f, p

def test_large_float_unit_is_refused_up_front_with_the_estimate():
    w = np.random.default_rng(0).normal(size=40)  # seed 0: a generic 40-input unit
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match=r"up to about [0-9.e+]+ nodes.*max_nodes=20000"):
        unit_to_bdd(w, 0.1, max_nodes=20_000)
    with pytest.raises(ValueError, match=rf"max_nodes={BD.DEFAULT_MAX_NODES}"):
        unit_to_bdd(w, 0.1)  # the default limit: refused just as fast
    assert time.perf_counter() - t0 < 5.0  # the bound costs ~0.2 s; building took minutes
    # graph: the unit is named, and both limits are in the message
    with pytest.raises(ValueError, match=r"unit u0: no flat formula within max_terms=.*nodes"):
        B.layer_to_graph(w[None, :], [0.1], max_nodes=20_000)

def test_giving_up_leaks_no_dd_nodes():
    # the runtime limit (reached here by disabling the upfront bound) must release every node:
    # before, dd printed "nodes still referenced upon shutdown" at interpreter exit
    script = textwrap.dedent("""
        import numpy as np
        import esorma.bridge.bdd as M
        M.threshold_bdd_size_bound = lambda w, b, cap=0: 0
        w = np.random.default_rng(0).normal(size=24)
        try:
            M.unit_to_bdd(w, 0.1, quantise=False, max_nodes=500)
        except ValueError as exc:
            assert "max_nodes=500" in str(exc), exc
            print("refused")
        bdd = M.new_bdd(["a", "b"])
        f = bdd.add_expr(r"a \\/ b")
        try:
            M.isop_cover(bdd, f, max_cubes=1)
        except ValueError:
            print("refused")
    """)
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.split() == ["refused", "refused"]
    assert "still referenced" not in r.stderr, r.stderr[:500]
