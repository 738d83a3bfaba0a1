"""mypy finds no errors in the rules, the steps and the store (issue 16, item 8).

The files and settings are pyproject.toml's [tool.mypy]; running mypy here means README's
one test command checks the types too. The screens and exporters are not checked.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_finds_no_errors():
    with tempfile.TemporaryDirectory() as cache:  # a fresh cache: no stale result, no files left in the tree
        done = subprocess.run(
            [sys.executable, "-m", "mypy", "--cache-dir", cache],
            cwd=ROOT, capture_output=True, text=True, timeout=300,
        )
    assert done.returncode == 0, done.stdout + done.stderr
