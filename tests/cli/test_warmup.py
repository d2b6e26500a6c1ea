"""``esorma warmup``: the command, and one part per tour section."""

import json

from esorma._warmup import PARTS
from esorma.cli import command_modules, main


def test_every_tour_section_has_a_warmup_part():
    # a section without a part would leave its kernels to compile on the tour's first run
    sections = {m.NAME for m in command_modules() if hasattr(m, "tour")}
    assert sections <= set(PARTS), sorted(sections - set(PARTS))


def test_json_lists_the_parts_and_writes_nothing(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["warmup", "--parts", "phase-diagram", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data["parts"]) == ["phase-diagram"]
    assert data["failed"] == [] and data["files"] == {}
    assert list(tmp_path.iterdir()) == []


def test_text_names_each_part_and_its_time(capsys):
    assert main(["warmup", "--parts", "phase-diagram"]) == 0
    out = capsys.readouterr().out
    assert "phase-diagram" in out and " s " in out and "compiled" in out


def test_list_prints_every_part(capsys):
    assert main(["warmup", "--list"]) == 0
    assert capsys.readouterr().out.split() == list(PARTS)


def test_unknown_part_is_refused_with_usage(capsys):
    assert main(["warmup", "--parts", "nope"]) == 2
    err = capsys.readouterr().err
    assert "usage: esorma warmup" in err and "--parts" in err and "nope" in err


def test_out_and_figure(tmp_path, capsys):
    from esorma.io import load_result

    out, fig = tmp_path / "w.h5", tmp_path / "w.png"
    assert main(["warmup", "--parts", "phase-diagram", "--out", out, "--figure", fig,
                 "--quiet"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.h5", "w.png"]
    assert list(load_result(out).parts) == ["phase-diagram"]
