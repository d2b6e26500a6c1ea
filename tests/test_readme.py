"""The README's Python example runs as written (keeps the front page honest)."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_python_blocks_run(capsys):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert blocks, "README has no python example"
    for code in blocks:
        exec(compile(code, str(README), "exec"), {})
    out = capsys.readouterr().out
    assert "0.1379055" in out


def test_readme_has_the_two_commands():
    text = README.read_text()
    assert "pip install -e . && esorma tour" in text
    assert 'pip install -e ".[test]" && pytest' in text


def test_readme_command_lines_use_flags_that_exist():
    """Every ``esorma ...`` line of the README parses with today's flags (no run)."""
    import shlex

    from esorma.cli import build_parsers

    parser, _ = build_parsers()
    lines = [line.split("#")[0].strip() for block in
             re.findall(r"```bash\n(.*?)```", README.read_text(), flags=re.S)
             for line in block.splitlines()]
    commands = [shlex.split(line)[1:] for line in lines if line.startswith("esorma ")]
    assert len(commands) >= 7
    for argv in commands:
        args = parser.parse_args(argv)  # SystemExit(2) on a flag that does not exist
        assert args.command == argv[0]
