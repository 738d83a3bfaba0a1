"""The benchmark of issue #9 (bench/run.py) still runs end to end: a 1,000-complaint
database, one run of everything, every figure line printed. A smoke test only: nothing
here asserts a timing (that is what `python bench/run.py` on 100,000 complaints is for)."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _load_run():
    spec = importlib.util.spec_from_file_location("chc_bench_run", BENCH / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(sys.platform == "win32", reason="the start-up figures run the apps in a POSIX pseudo-terminal")
def test_the_benchmark_runs_at_a_thousand_complaints():
    run = _load_run()
    lines: list[str] = []

    code = run.main(["--complaints", "1000", "--runs", "1", "--reps", "3", "--warmup", "0"], out=lines.append)

    output = "\n".join(lines)
    assert code == 0, output
    assert "1,000 complaints" in output
    assert "start-up error" not in output, output
    for name in run.FIGURES:
        line = next((line for line in lines if line.startswith(name)), None)
        assert line is not None, f"no line for {name!r}:\n{output}"
        # Every figure was measured, with a number (the report hooks included, now that
        # chc_tui/figures/report.py and chc_tui/figures/assessment_evidence.py exist).
        assert run.NOT_YET not in line and "failed" not in line, line
        assert re.search(r"\d", line[len(name):]), line
    assert re.search(r"start-up ratio, chc / bare Textual\s+\d+\.\d\dx", output), output


def test_the_benchmark_runs_at_several_sizes_with_exports_and_prints_the_growth(tmp_path):
    """Issue 22.7: one command, several sizes, each figure at each size and its growth."""
    run = _load_run()
    lines: list[str] = []

    code = run.main(["--complaints", "200", "400", "--db-dir", str(tmp_path), "--runs", "1", "--reps", "2",
                     "--no-startup", "--exports"], out=lines.append)

    output = "\n".join(lines)
    assert code == 0, output
    assert (tmp_path / "b0k.db").exists() is False  # sizes under 1,000 are named by their count
    assert {p.name for p in tmp_path.glob("*.db")} == {"b200.db", "b400.db"}
    growth = lines.index(next(line for line in lines if line.startswith("growth:")))
    table = lines[growth:]
    for name in ("annual report JSON, busiest year", "export csv, time", "export xlsx, peak memory"):
        line = next((line for line in table if line.startswith(name)), None)
        assert line is not None, output
        assert re.search(r"\d+\.\d\dx (PASS|MISS)$", line), line
