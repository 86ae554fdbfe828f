"""The README's two commands are the ones CI runs, and they come first."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _shell_blocks(text: str) -> list[str]:
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S)]


def test_readme_opens_with_the_setup_and_test_commands_that_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    setup, test = _shell_blocks(readme)[:2]
    assert "pip install" in setup and "calibrate fit data/sample_leads.csv" in setup
    assert "pytest" in test
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert setup in ci_lines and test in ci_lines
    assert ci_lines.index(setup) < ci_lines.index(test)
    # Nothing but the heading and one paragraph come before the commands.
    assert readme.index(setup) < readme.index("## ")


def test_shipped_sample_is_where_the_readme_says() -> None:
    assert (ROOT / "data" / "sample_leads.csv").is_file()
