"""``esorma bridge``: flags, the text and JSON of one run agree, the figure, the tour section."""

import json

import pytest

from esorma.cli import main


def test_xor_json_out_and_figure(tmp_path, capsys):
    fig = tmp_path / "phases.png"
    h5 = tmp_path / "run.h5"
    code = main(["bridge", "xor", "--json", "--seed", "1", "--figure", str(fig),
                 "--out", str(h5)])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["fidelity"]["agreement"] == 1.0 and out["final_phase"] == "saturated"
    assert out["fidelity"]["ties"] is False and "certified" in out["fidelity"]["reason"]
    assert out["formula"] in ("(A and not B) or (not A and B)",
                              "(not A and B) or (A and not B)")
    assert out["files"] == {"out": str(h5), "figure": str(fig)}
    # one figure: the phase panels and the network graph (was a second --graph file)
    assert fig.stat().st_size > 15_000
    from esorma.bridge import BridgeRun
    from esorma.io import load_result, read_metadata

    run = load_result(h5, BridgeRun)
    assert read_metadata(h5)["kind"] == "BridgeRun"
    assert read_metadata(h5)["seed"] == 1
    assert run.summary()["saturated_from"] == out["saturated_from"]
    assert run.formula.text == out["formula"]


def test_one_saturation_onset_in_text_and_json(capsys):
    # the text once said "saturated phase reached at epoch 200" and listed "saturated 178-400"
    argv = ["bridge", "xor", "--no-lyapunov"]
    assert main(argv + ["--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    start = data["saturated_from"]
    assert data["phases"][-1] == ["saturated", start, data["n_epochs_run"]]
    assert "saturated_at" not in data and "first_saturated_epoch" not in data
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert f"saturated  epochs {start}-{data['n_epochs_run']}" in text
    assert f"saturated phase: from epoch {start} to the end" in text
    assert "reached at epoch" not in text


def test_learning_rate_epochs_and_relu(capsys):
    assert main(["bridge", "xor", "--learning-rate", "1.5", "--epochs", "400",
                 "--no-lyapunov", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["learning_rate"] == 1.5 and data["n_epochs_run"] <= 400
    # relu trains, but has no saturated phase and no formula: said, not crashed
    assert main(["bridge", "xor", "--activation", "relu", "--epochs", "300",
                 "--no-lyapunov", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["formula"] is None and "ReLU" in data["formula_error"]
    assert data["saturated_from"] is None and data["final_phase"] != "saturated"


@pytest.mark.parametrize("flags, message", [
    (["--hidden", "3,x"], "--hidden"),
    (["--learning-rate", "-1"], "--learning-rate"),
    (["--epochs", "0"], "--epochs"),
    (["--margin", "0.7"], "--margin"),
])
def test_bad_flags_are_named(flags, message, capsys):
    assert main(["bridge", "xor"] + flags) == 2
    err = capsys.readouterr().err
    assert message in err and "usage: esorma bridge" in err


@pytest.mark.parametrize("flag", ["--lr", "--graph"])
def test_old_flags_are_gone(flag, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["bridge", "xor", flag, "x.png"])
    assert exc.value.code == 2


def test_bad_task_parameters(capsys):
    assert main(["bridge", "majority", "--n-inputs", "4"]) == 2
    assert "odd" in capsys.readouterr().err


def test_tour_section_writes_figures_and_recovers_the_multiplexer(tmp_path):
    from esorma.bridge import BridgeRun
    from esorma.cli import bridge as cli_bridge
    from esorma.cli.tour import TourContext
    from esorma.io import load_result

    ctx = TourContext(outdir=tmp_path, seed=2026, quiet=True)
    ctx.section = "bridge"
    cli_bridge.tour(ctx)
    rec = ctx.summary["bridge"]
    assert rec["n_terms"] == 4 and rec["agreement"] == 1.0 and rec["target_agreement"] == 1.0
    assert rec["final_phase"] == "saturated"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bridge_mux6.h5", "bridge_phases.png"]
    for name in ("bridge_phases.png", "bridge_mux6.h5"):
        assert (tmp_path / name).stat().st_size > 1000
    run = load_result(tmp_path / "bridge_mux6.h5", BridgeRun)
    assert run.saturated_from == rec["saturated_from"] and run.formula.n_terms == 4
