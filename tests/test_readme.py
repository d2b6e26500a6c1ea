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
