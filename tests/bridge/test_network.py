"""Network formulas, fidelity reports and graphs of binarised networks (esorma.bridge.network)."""

import numpy as np
import pytest

import esorma.bridge as B

MUX_TERMS = {
    ((0, True), (1, True), (2, False)),
    ((0, True), (1, False), (3, False)),
    ((0, False), (1, True), (4, False)),
    ((0, False), (1, False), (5, False)),
}

# ----------------------------------------------------------------------------- network formula
def test_hand_built_xor_network_formula():
    W1 = np.array([[4.0, -4.0], [-4.0, 4.0]])
    b1 = np.array([-2.0, -2.0])
    W2 = np.array([[4.0, 4.0]])
    b2 = np.array([-2.0])
    f = B.network_formula([(W1, b1), (W2, b2)], ["A", "B"])
    assert set(f.terms) == {((0, False), (1, True)), ((0, True), (1, False))}
    assert [str(u) for u in f.unit_formulas[0]] == ["A and not B", "not A and B"]
    assert str(f.unit_formulas[1][0]) == "h1_0 or h1_1"
    rep = B.fidelity([(W1, b1), (W2, b2)], f, target=B.xor_task())
    assert rep.agreement == 1.0 and rep.target_agreement == 1.0 and rep.certified

def _train_saturated(task, hidden, learning_rate, activation="sigmoid", seed=0):
    res = B.train_mlp(task, hidden=hidden, learning_rate=learning_rate, activation=activation,
                      n_epochs=20000, stop_on="saturated", rng=seed)
    return res

TASK_CASES = [
    ("xor", {}, (3,), 2.0, "sigmoid"),
    ("parity", {"n_inputs": 3}, (4,), 2.0, "sigmoid"),
    ("sparse_parity", {"n_inputs": 6, "k": 2}, (4,), 2.0, "sigmoid"),
    ("majority", {"n_inputs": 5}, (1,), 2.0, "sigmoid"),
    ("multiplexer", {}, (8,), 4.0, "sigmoid"),
    ("multiplexer", {}, (8,), 0.5, "tanh"),
    ("random_dnf", {"n_inputs": 6, "n_terms": 3, "term_size": 2}, (6,), 2.0, "sigmoid"),
]

@pytest.mark.parametrize("name,params,hidden,learning_rate,activation", TASK_CASES)
def test_formula_of_trained_network_has_fidelity_one(name, params, hidden, learning_rate,
                                                      activation):
    task = B.make_task(name, rng=0, **params)
    res = _train_saturated(task, hidden, learning_rate, activation, seed=1)
    assert res.zero_error  # these settings train to zero error (seed 1)
    f = B.network_formula(res.network, task.input_names)
    rep = B.fidelity(res.network, f, target=task)
    assert rep.method == "exhaustive" and rep.n_checked == 2**task.n_inputs
    assert rep.agreement == 1.0  # formula == real network on every input
    assert rep.target_agreement == 1.0  # ... and == the target function
    assert rep.min_margin > 0
    # the formula's BDD and its DNF agree, and its model count is the target's
    np.testing.assert_array_equal(f.table.evaluate(task.X), task.y)
    assert f.n_true == int(task.y.sum())
    if name == "multiplexer":
        assert f.n_terms == 4 and set(f.terms) == MUX_TERMS
    if name == "majority":
        assert f.text == "at least 3 of {x0, x1, x2, x3, x4}"

def test_isop_minimiser_on_the_multiplexer():
    task = B.multiplexer_task()
    res = _train_saturated(task, (8,), 4.0, seed=2)
    f = B.network_formula(res.network, task.input_names, minimise="isop")
    assert f.method == "isop"
    np.testing.assert_array_equal(f.evaluate(task.X), task.y)
    assert f.n_terms <= 6  # irredundant; the 4 mux terms when address bits are on top

def test_fidelity_beyond_twenty_inputs_uses_samples_and_certificate():
    w = np.zeros(24)
    w[:3] = 8.0
    net = [(w[None, :], np.array([-12.0]))]
    rep = B.fidelity(net, n_samples=500, rng=0)
    assert rep.method == "sampled" and rep.n_checked == 500
    assert rep.agreement == 1.0 and rep.certified
    assert rep.fraction_true == pytest.approx(0.5)  # exact model count: 2 of 3 inputs

def test_thirty_input_network_formula_and_exact_agreement_by_model_counting():
    W1 = np.zeros((3, 30))
    W1[0, :3] = 8.0  # at least 2 of x0..x2
    W1[1, 3:6] = -8.0  # none of x3..x5
    W1[2, 10:14] = 6.0  # at least 2 of x10..x13
    b1 = np.array([-12.0, 4.0, -9.0])
    net = [(W1, b1), (np.array([[10.0, 10.0, 10.0]]), np.array([-5.0]))]
    f = B.network_formula(net)  # 10 relevant inputs: ISOP on the BDD
    assert f.method == "isop" and f.relevant == (0, 1, 2, 3, 4, 5, 10, 11, 12, 13)
    assert f.n_terms == 10  # 3 + 6 pairs and the negated triple, all prime
    rep = B.fidelity(net, f, n_samples=2000, rng=1)
    assert rep.method == "sampled" and rep.agreement == 1.0 and rep.certified
    # exact fraction of true inputs: 1 - P(no pair in x0..2) P(not all x3..5 = 0) P(<2 of 4)
    p_false = (4 / 8) * (7 / 8) * (5 / 16)
    assert rep.fraction_true == pytest.approx(1 - p_false)
    # model-count agreement between two functions of 30 inputs, exact
    from esorma.bridge.bdd import unit_to_bdd

    g = unit_to_bdd(W1[0], b1[0])
    # f differs from g exactly where g is false and f is true
    assert B.formula_agreement(f, g) == pytest.approx(1 - (1 - p_false - 0.5))
    with pytest.raises(ValueError, match="same number of inputs"):
        B.formula_agreement(f, unit_to_bdd([1.0, 1.0], -1.5))
    with pytest.raises(TypeError, match="NetworkFormula"):
        B.formula_agreement(f, "x0 and x1")

def test_network_certificate_reports_ties():
    net = [(np.array([[0.1, 0.2]]), np.array([-0.3]))]
    rep = B.fidelity(net)  # exhaustive: margins from all 4 inputs
    assert not rep.certified  # was certified=True before (margin > 0)
    assert rep.ties and "tie" in rep.reason
    assert rep.agreement == 1.0  # the float network and its BDD agree; only rounding is at stake
    # sampled path (more than 20 inputs): the certificate uses the exact margins
    w = np.zeros((1, 22))
    w[0, :2] = [0.1, 0.2]
    rep = B.fidelity([(w, np.array([-0.3]))], n_samples=64, rng=0)
    assert rep.method == "sampled" and not rep.certified and rep.ties
    # two layers: a hidden unit at a rounding-level tie is found and named
    W1 = np.array([[0.1, 0.2], [4.0, -4.0]])
    b1 = np.array([-0.3, -2.0])
    W2 = np.array([[6.0, 6.0]])
    b2 = np.array([-3.0])
    rep = B.fidelity([(W1, b1), (W2, b2)])
    assert not rep.certified and rep.ties and "h1_0" in rep.reason
    # a clean network stays certified
    rep = B.fidelity([(np.array([[8.0, 8.0, 8.0]]), np.array([-12.0]))])
    assert rep.certified and not rep.ties and rep.certificate_slack > 0

def test_network_bad_input():
    relu = B.init_mlp((2, 2, 1), "relu", rng=0)
    with pytest.raises(ValueError, match="ReLU"):
        B.network_formula(relu)
    net = B.init_mlp((2, 2, 1), rng=0)
    with pytest.raises(ValueError, match="only 0 and 1"):
        B.fidelity(net, X=[[0.5, 1.0]])
    with pytest.raises(ValueError, match="minimise"):
        B.network_formula(net, minimise="espresso")
    with pytest.raises(ValueError, match="output"):
        B.network_formula(net, output=3)

# ----------------------------------------------------------------------------- graphs
def test_layer_graph_keeps_only_decisive_edges():
    G = B.layer_to_graph([[2.0, 2.0, 2.0, 0.01], [-3.0, 0.0, 1.0, 0.0]], [-3.0, -0.5],
                         ["A", "B", "C", "D"], ["u", "v"])
    assert sorted(G.predecessors("u")) == ["A", "B", "C"]
    assert G.nodes["u"]["formula"] == "at least 2 of {A, B, C}"
    assert G.edges["A", "v"]["sign"] == -1 and G.nodes["v"]["threshold"] == 0.5
    assert sorted(G.predecessors("v")) == ["A", "C"]
    assert G.nodes["v"]["formula"] == "not A and C"
    with pytest.raises(ValueError, match="b must have shape"):
        B.layer_to_graph([[1.0, 2.0]], [0.0, 1.0])

def test_network_graph_composes_layers_and_prunes():
    W1 = np.array([[4.0, -4.0], [-4.0, 4.0], [0.001, 0.001]])
    b1 = np.array([-2.0, -2.0, 5.0])  # h1_2 is constant true
    W2 = np.array([[4.0, 4.0, 0.01]])
    b2 = np.array([-2.0])
    G = B.network_to_graph([(W1, b1), (W2, b2)], ["A", "B"])
    assert sorted(G.predecessors("out")) == ["h1_0", "h1_1"]
    assert "h1_2" not in G  # influences nothing: pruned
