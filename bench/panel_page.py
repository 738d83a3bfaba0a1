"""The deadline panel read a page at a time (issue 22.5), against assessing every running
due date (what the panel did before): the same rows in the same order and the same counts,
for every kind filter (k), then the CPU time of each read.

Run on a COPY of a bench database (opening may migrate it):
    .venv/bin/python bench/panel_page.py DB [--runs 7]

"every row": Services.deadlines() + other_deadlines() + yearly_submission(), merged and
sorted whole; "a page": Services.panel(PANEL_ROWS). Also the first paint's early read
(store.fastread.read_open + ChcApp._assess_early). Exits 1 if any kind's rows or counts
differ."""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def every_row(services, wanted, handler_staff_id=None):
    """The panel as it was before it was read a page at a time: every running due date
    assessed, all sorted, all counted (tests/test_panel_page.py holds the page to it too)."""
    from chc_tui.panel import COMPLAINT, SUBMISSION
    from chc_tui.rules.domain import DeadlineState

    dues = services.deadlines(handler_staff_id=handler_staff_id)
    mine = handler_staff_id is not None
    submission = None if mine else services.yearly_submission()
    others = [] if mine else services.other_deadlines()
    rows = [(due.row.due_on, 0, due) for due in dues] if wanted(COMPLAINT) else []
    if submission is not None and wanted(SUBMISSION):
        rows.append((submission.due_on, 1, submission))
    rows += [(other.row.due_on, 2, other) for other in others if wanted(other.row.kind)]
    ordered = [item for _d, _k, item in sorted(rows, key=lambda r: (r[0], r[1]))]
    counts = dict.fromkeys(DeadlineState, 0)
    for item in ordered:
        counts[item.state] += 1
    return ordered, counts


def cpu_ms(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median CPU and wall milliseconds over `runs` calls, after one warm-up."""
    fn()
    cpu, wall = [], []
    for _ in range(runs):
        gc.collect()
        c, w = time.process_time(), time.perf_counter()
        fn()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return statistics.median(cpu) * 1000, statistics.median(wall) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    from chc_tui.app import EARLY_ROWS, ChcApp
    from chc_tui.panel import panel_view
    from chc_tui.services import Services
    from screens.main import PANEL_KINDS, PANEL_ROWS
    from store.fastread import read_open

    services = Services.open(args.db)
    read = services.panel(PANEL_ROWS)
    early = ChcApp._assess_early(read_open(args.db, first=EARLY_ROWS, panel_rows=PANEL_ROWS)).panel
    same = True
    for label, kinds in PANEL_KINDS:
        wanted = (lambda kind: True) if not kinds else kinds.__contains__
        ordered, counts = every_row(services, wanted)
        for name, got in (("a page", panel_view(read, wanted, PANEL_ROWS)), ("early read", panel_view(early, wanted, PANEL_ROWS))):
            equal = got.items == ordered[:PANEL_ROWS] and got.counts == counts and got.total == len(ordered)
            same &= equal
            print(f"{label:22} {name:10} {len(ordered):7,} due dates, {len(got.items)} rows: {'same' if equal else 'DIFFERENT'}")
    everything = lambda: (services.deadlines(), services.yearly_submission(), services.other_deadlines())  # noqa: E731
    print(f"{'every row (deadlines + submission + other due dates)':56} CPU {{:7.1f}} ms  wall {{:7.1f}} ms".format(*cpu_ms(everything, args.runs)))
    print(f"{'  of which other due dates':56} CPU {{:7.1f}} ms  wall {{:7.1f}} ms".format(*cpu_ms(services.other_deadlines, args.runs)))
    print(f"{'a page (Services.panel)':56} CPU {{:7.1f}} ms  wall {{:7.1f}} ms".format(*cpu_ms(lambda: services.panel(PANEL_ROWS), args.runs)))
    early_read = lambda: ChcApp._assess_early(read_open(args.db, first=EARLY_ROWS, panel_rows=PANEL_ROWS))  # noqa: E731
    print(f"{'first paint: early read and assessed':56} CPU {{:7.1f}} ms  wall {{:7.1f}} ms".format(*cpu_ms(early_read, args.runs)))
    services.db.dispose()
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
