"""What a handler feels: key-to-screen times in a real terminal (tmux), issue 22.7.

    python bench/keys.py --db PATH [--runs 3] [--size 100x30] [--search Thomas] [--f3-after S]

Each run starts `chc --db PATH` in a fresh tmux window of the given size and measures,
by polling the pane (tmux capture-pane, every few milliseconds) from the moment the keys
were sent:

- start-up to first paint (the deadline panel's rows) and to fully usable (the list's
  "N shown", the services loaded: the title no longer names only the login), against a
  bare Textual app's first paint measured the same way, and the app's resident memory
  then (VmRSS: the baseline every later screen adds to);
- the search: the name typed one key at a time, from the last key to the list showing
  only the matches (its "N shown" equal to the count the services give for that search);
- F3 to the annual report screen with its figures, "[" to the year before, Escape;
  straight after the search, or no sooner than --f3-after seconds after launch (a large
  file's year is counted ahead of F3 from the start: chc_tui/figures/count_apart.py);
- five visits to F3, then the app's resident memory (VmRSS of the chc process; --no-f3
  skips F3);
- quit ("q") straight after the first paint, to the process's exit, against a bare
  Textual app's exit measured the same way.

The poll interval is the resolution (about 5 ms plus one capture). Prints a table; the
median of --runs runs. Needs tmux on PATH.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POLL_S = 0.004
TIMEOUT_S = 120.0
EXITED = "__CHC_BENCH_EXITED__"

BARE_APP = '''
from textual.app import App
from textual.widgets import Label

class Bare(App):
    BINDINGS = [("q", "quit", "Quit")]
    def compose(self):
        yield Label("bare app ready")

Bare().run()
'''


class Pane:
    """One tmux session running one command, read by capture-pane."""

    def __init__(self, command: str, size: str) -> None:
        self.name = f"chcbench{os.getpid()}x{time.monotonic_ns() % 10**9}"
        cols, rows = size.split("x")
        shell = f"{command}; echo {EXITED}; sleep 600"
        new_session = ["tmux", "new-session", "-d", "-s", self.name, "-x", cols, "-y", rows, shell]
        # A tmux server still shutting down (the last pane just closed) refuses a new
        # session with "server exited unexpectedly": ask again, a few times.
        for _ in range(4):
            if subprocess.run(new_session).returncode == 0:
                break
        else:
            subprocess.run(new_session, check=True)
        self.started = time.perf_counter()

    def text(self) -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True).stdout

    def keys(self, *keys: str) -> float:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)
        return time.perf_counter()

    def text_when(self, condition, what: str) -> str:
        """The pane's text once `condition` holds for it."""
        deadline = time.perf_counter() + TIMEOUT_S
        while time.perf_counter() < deadline:
            text = self.text()
            if condition(text):
                return text
            time.sleep(POLL_S)
        raise TimeoutError(f"{what}: not seen in {TIMEOUT_S:.0f} s; the pane shows:\n{self.text()}")

    def wait(self, condition, what: str) -> float:
        self.text_when(condition, what)
        return time.perf_counter()

    def pid(self) -> int:
        out = subprocess.run(["tmux", "list-panes", "-t", self.name, "-F", "#{pane_pid}"], capture_output=True, text=True).stdout
        return int(out.split()[0])

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


def _python_pid(shell_pid: int) -> int | None:
    """The chc process under the pane's shell."""
    for child in Path("/proc").iterdir():
        if not child.name.isdigit():
            continue
        try:
            stat = (child / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == shell_pid:
            return int(child.name)
    return None


def _rss_mb(pid: int | None) -> float | None:
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _shown(text: str) -> int | None:
    found = re.search(r"(\d[\d,]*)\+? shown", text)
    return int(found.group(1).replace(",", "")) if found else None


def _panel_painted(text: str) -> bool:
    return "Deadlines" in text and re.search(r"\d\d/\d\d/\d\d\s+-?\d+\s+\w", text) is not None


def expected_matches(db: Path, name: str) -> int:
    """How many rows the list shows for the search, from the services (the main screen's
    default filters: open complaints, first page)."""
    sys.path.insert(0, str(ROOT))
    from chc_tui.services import Services
    from screens.main import LIST_PAGE

    services = Services.open(db)
    try:
        return len(services.complaints(search=name, status="open", limit=LIST_PAGE))
    finally:
        services.db.dispose()


def chc_command(db: Path) -> str:
    return f"{shlex.quote(sys.executable)} -m chc_tui --db {shlex.quote(str(db))}"


def _usable(text: str) -> bool:
    """The list's "N shown": the first paint says "loading…" there until the services
    have loaded the list."""
    return _shown(text) is not None


def one_run(db: Path, size: str, search: str, matches: int, f3: bool = True, f3_after: float = 0.0) -> dict[str, float]:
    got: dict[str, float] = {}
    pane = Pane(chc_command(db), size)
    try:
        got["first paint"] = pane.wait(_panel_painted, "first paint") - pane.started
        got["fully usable (N shown)"] = pane.wait(_usable, "usable") - pane.started
        time.sleep(1.0)  # what the open does after the list is usable (holiday cache, integrity, backup)
        rss = _rss_mb(_python_pid(pane.pid()))
        if rss is not None:
            got["memory after start-up (MB)"] = rss
        pane.keys("/")
        for letter in search[:-1]:
            pane.keys("-l", letter)
        sent = pane.keys("-l", search[-1])
        got["search, last key to matches"] = pane.wait(
            lambda t: _shown(t) == matches and search in t.split("shown", 1)[0].splitlines()[-1], "search") - sent
        pane.keys("Escape")
        pane.wait(lambda t: search not in t.split("shown", 1)[0].splitlines()[-1], "search cleared")
        if f3:
            # --f3-after: a handler who starts the day's work before the report (the count
            # ahead of F3 has had the time it takes); 0, the keys straight after the search
            time.sleep(max(0.0, pane.started + f3_after - time.perf_counter()))
            got["F3 pressed, seconds after launch"] = time.perf_counter() - pane.started
            visits = []
            for visit in range(5):
                sent = pane.keys("F3")
                shown = pane.text_when(_report_shown, "report")
                visits.append(time.perf_counter() - sent)
                if visit == 0:
                    year = _YEAR.search(shown.splitlines()[0]).group(0)
                    sent = pane.keys("[")
                    pane.wait(lambda t: _report_shown(t) and year not in t.splitlines()[0], "previous year")
                    got["F3, previous year"] = time.perf_counter() - sent
                pane.keys("Escape")
                pane.wait(lambda t: "Deadlines" in t, "back to main")
            got["F3 report screen"] = visits[0]
            got["F3 again (4 more visits, median)"] = statistics.median(visits[1:])
            rss = _rss_mb(_python_pid(pane.pid()))
            if rss is not None:
                got["memory after five F3 visits (MB)"] = rss
    finally:
        pane.close()
    got["quit after first paint"] = quit_time(chc_command(db), size, _panel_painted)
    return got


_YEAR = re.compile(r"\d{4}/\d\d")


def _report_shown(text: str) -> bool:
    """The report screen with its figures: the title names the year, not "loading"."""
    title = text.splitlines()[0] if text else ""
    return "Annual report" in title and "loading" not in title and _YEAR.search(title) is not None and "CH01" in text


def quit_time(command: str, size: str, painted) -> float:
    pane = Pane(command, size)
    try:
        pane.wait(painted, "painted before quit")
        sent = pane.keys("q")
        return pane.wait(lambda t: EXITED in t, "exit") - sent
    finally:
        pane.close()


def bare_first_paint(size: str) -> float:
    """A bare Textual app, started the same way: the yardstick for chc's start-up."""
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as script:
        script.write(BARE_APP)
    pane = Pane(f"{shlex.quote(sys.executable)} {shlex.quote(script.name)}", size)
    try:
        return pane.wait(lambda t: "bare app ready" in t, "bare first paint") - pane.started
    finally:
        pane.close()
        os.unlink(script.name)


def bare_quit_time(size: str) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as script:
        script.write(BARE_APP)
    try:
        return quit_time(f"{shlex.quote(sys.executable)} {shlex.quote(script.name)}", size, lambda t: "bare app ready" in t)
    finally:
        os.unlink(script.name)


TARGETS = {
    "search, last key to matches": ("<= 150 ms", lambda v: v <= 0.150),
    "F3 report screen": ("<= 0.5 s", lambda v: v <= 0.5),
    "F3, previous year": ("<= 0.5 s", lambda v: v <= 0.5),
    "memory after five F3 visits (MB)": ("< 250 MB", lambda v: v < 250),
}


def measure(db: Path, runs: int, size: str, search: str, f3: bool = True, f3_after: float = 0.0) -> dict[str, float]:
    matches = expected_matches(db, search)
    rows, paints = [], []
    for _ in range(runs):  # the bare app beside each run: the same moment's load
        paints.append(bare_first_paint(size))
        rows.append(one_run(db, size, search, matches, f3, f3_after))
    bare = statistics.median(bare_quit_time(size) for _ in range(runs))
    out = {name: statistics.median(r[name] for r in rows) for name in rows[0]}
    out["first paint, bare Textual app"] = statistics.median(paints)
    out["usable ratio, chc / bare paint"] = statistics.median(r["fully usable (N shown)"] / p for r, p in zip(rows, paints))
    out["quit, bare Textual app"] = bare
    out["quit ratio, chc / bare"] = out["quit after first paint"] / bare
    out["search matches"] = matches
    return out


def report(db: Path, got: dict[str, float], runs: int, size: str) -> str:
    lines = [f"keys in tmux {size}, {db.name}, median of {runs} runs", f"{'figure':40} {'median':>11}  target"]
    for name, value in got.items():
        if name.endswith("(MB)"):
            shown = f"{value:,.0f} MB"
        elif "ratio, chc / bare" in name:
            shown = f"{value:.2f}x"
        elif name == "search matches":
            shown = f"{value:,.0f}"
        elif name.startswith("F3 pressed, seconds"):
            shown = f"{value:.1f} s"
        else:
            shown = f"{value * 1000:,.0f} ms"
        target, ok = TARGETS.get(name, ("", None))
        if name == "quit ratio, chc / bare":
            target, ok = "<= 1.2x", (lambda v: v <= 1.2)
        elif name == "usable ratio, chc / bare paint":
            target, ok = "<= 1.5x", (lambda v: v <= 1.5)
        verdict = "" if ok is None else ("PASS" if ok(value) else "MISS")
        lines.append(f"{name:40} {shown:>11}  {target:9} {verdict}")
    return "\n".join(lines)


def compile_chc() -> None:
    """chc's bytecode, written once before the runs, as installing chc writes it (pip
    compiles a wheel's modules). Where PYTHONDONTWRITEBYTECODE is set (these agents'
    shells) and nothing compiled them, every run compiled chc's modules from source
    (10-20 ms of CPU before the first paint at 300k, median of 6, that a handler's install
    never pays), while the bare app's Textual, installed, had its bytecode."""
    import compileall

    import chc_tui

    root = Path(chc_tui.__file__).resolve().parent.parent
    for package in ("chc_tui", "screens", "store"):
        compileall.compile_dir(root / package, quiet=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--size", default="100x30")
    parser.add_argument("--search", default="Thomas")
    parser.add_argument("--no-f3", action="store_true", help="skip the five F3 visits (start-up, search and quit only)")
    parser.add_argument("--f3-after", type=float, default=0.0, metavar="S",
                        help="press F3 no sooner than S seconds after launch (default 0: straight after the search)")
    args = parser.parse_args(argv)
    compile_chc()
    got = measure(args.db, args.runs, args.size, args.search, f3=not args.no_f3, f3_after=args.f3_after)
    print(report(args.db, got, args.runs, args.size))
    return 0


if __name__ == "__main__":
    sys.exit(main())
