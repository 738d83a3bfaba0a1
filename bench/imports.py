"""Where chc's start-up goes: each heavy import alone, in a fresh interpreter.

    python bench/imports.py [--runs 5]

For each module: the median wall time of `import MODULE` in a fresh `python` (the
interpreter's own start excluded), and which of the heavy packages are already loaded
when chc's main screen first paints (from bench/startup_child.py, headless).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent

MODULES = [
    ("textual.app", "import textual.app"),
    ("rich.console", "import rich.console"),
    ("sqlalchemy", "import sqlalchemy, sqlalchemy.orm"),
    ("sqlmodel", "import sqlmodel"),
    ("alembic", "import alembic.command, alembic.config"),
    ("holidays (GB, one year)", "import holidays, datetime; holidays.country_holidays('GB', subdiv='ENG').get(datetime.date.today())"),
    ("store.models", "import store.models"),
    ("chc_tui.services", "import chc_tui.services"),
    ("chc_tui.cli.main", "import chc_tui.cli.main"),
    ("chc_tui.app", "import chc_tui.app"),
]
HEAVY = ("textual", "rich", "sqlalchemy", "sqlmodel", "pydantic", "alembic", "holidays")


def import_time(statement: str, runs: int) -> float:
    code = (
        "import time; t = time.perf_counter(); "
        f"{statement}; "
        "print(time.perf_counter() - t)"
    )
    times = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        times.append(float(done.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def interpreter_time(runs: int) -> float:
    times = []
    for _ in range(runs):
        import time

        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def loaded_at_first_paint(db: Path) -> dict[str, bool] | None:
    with tempfile.TemporaryDirectory() as work:
        out = Path(work) / "child.json"
        env = dict(os.environ, CHC_BENCH_HEADLESS="1", CHC_BENCH_MODULES=",".join(HEAVY))
        subprocess.run([sys.executable, str(BENCH / "startup_child.py"), str(out), "chc", str(db), "paint"],
                       env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            return json.loads(out.read_text()).get("loaded_at_paint")
        except (OSError, ValueError):
            return None


def main(argv: list[str] | None = None, out=print) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", type=Path, help="a database for the 'loaded at first paint' line")
    args = parser.parse_args(argv)
    out(f"python -c pass: {interpreter_time(args.runs) * 1000:.0f} ms (the interpreter alone)")
    out(f"{'import':<28} {'median':>8}   (fresh interpreter each, {args.runs} runs)")
    for label, statement in MODULES:
        try:
            out(f"{label:<28} {import_time(statement, args.runs) * 1000:>6.0f} ms")
        except subprocess.CalledProcessError as exc:
            out(f"{label:<28} failed: {exc.stderr.strip().splitlines()[-1] if exc.stderr else exc}")
    if args.db:
        loaded = loaded_at_first_paint(args.db)
        if loaded is not None:
            out("loaded when the main screen first paints: "
                + ", ".join(f"{name} {'yes' if yes else 'no'}" for name, yes in loaded.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
