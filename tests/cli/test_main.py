"""The top-level ``esorma`` command: help, unknown commands, errors, ``python -m esorma``."""

import subprocess
import sys

import pytest

from esorma.cli import build_parsers, command_modules, main


def test_help_lists_every_command_once(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    starts = [line.split()[0] for line in out.splitlines() if line.startswith("  ")
              and not line.startswith("   ")]
    for m in command_modules():
        assert starts.count(m.NAME) == 1, m.NAME


def test_unknown_command_suggests_the_closest(capsys):
    assert main(["atractors"]) == 2
    err = capsys.readouterr().err
    assert "unknown command 'atractors'" in err and "did you mean 'attractors'?" in err


def test_unknown_command_without_a_close_one_lists_the_commands(capsys):
    assert main(["zzzz"]) == 2
    assert "choose from" in capsys.readouterr().err


def test_unknown_flag_prints_the_sub_commands_usage(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["phase-diagram", "--no-such-flag", "3"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "usage: esorma phase-diagram" in err and "--no-such-flag" in err


def test_bad_value_prints_the_sub_commands_usage_and_the_reason(capsys):
    assert main(["phase-diagram", "--n-points", "1"]) == 2
    err = capsys.readouterr().err
    assert "usage: esorma phase-diagram" in err and "--n-points" in err


def test_every_command_has_examples_and_user_facing_help():
    _, parsers = build_parsers()
    for m in command_modules():
        text = parsers[m.NAME].format_help()
        assert "examples:" in text, m.NAME
        # Help shows what a user does, not how the module is built.
        for internal in ("ctx", "TourContext", "_write_h5", "tour(ctx)"):
            assert internal not in text, (m.NAME, internal)


def test_python_dash_m_esorma_runs_the_command_line():
    out = subprocess.run([sys.executable, "-m", "esorma", "--version"], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.startswith("esorma ")


def test_tour_writes_only_into_its_folder(tmp_path, monkeypatch, capsys):
    import json

    monkeypatch.chdir(tmp_path)
    assert main(["tour", "--dir", "t", "--only", "phase-diagram", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["_run"]["failed_sections"] == []
    assert [p.name for p in tmp_path.iterdir()] == ["t"]
    names = sorted(p.name for p in (tmp_path / "t").iterdir())
    assert "summary.json" in names and any(n.endswith(".h5") for n in names)


def test_tour_refuses_a_folder_that_is_a_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t").write_text("x")
    assert main(["tour", "--dir", "t", "--only", "phase-diagram"]) == 2
    assert "--dir" in capsys.readouterr().err


def test_flags_are_not_abbreviated(capsys):
    """A removed flag (``--fig``) must not live on as a prefix of a new one (``--figure``)."""
    with pytest.raises(SystemExit):
        main(["phase-diagram", "--fig", "x.png"])
    assert "unrecognized arguments: --fig" in capsys.readouterr().err
