"""The year's figures as bench/run.py times them, with their output kept to compare (issue 22):
the annual report (`to_json(ReportService.report(year))`, dumped), the self-assessment
evidence (`load_checklist`), and F3's count (the report, then the rows per handler and team
from the same stages). CPU time (steadier on a shared machine) beside the clock's.

Run on a COPY of a bench database (opening may migrate it):
    .venv/bin/python bench/figures.py DB [--year Y] [--runs N] [--out PREFIX]
--out writes PREFIX.report.json and PREFIX.evidence.txt, to `cmp` before and after a change:
every figure must stay exactly the same."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Callable


def timed(fn: Callable[[], object]) -> tuple[float, float, object]:
    cpu, wall = time.process_time(), time.perf_counter()
    result = fn()
    return time.process_time() - cpu, time.perf_counter() - wall, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db", type=Path)
    parser.add_argument("--year", type=int, help="financial year (default: the busiest)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs after one warm-up (default 3)")
    parser.add_argument("--out", help="write PREFIX.report.json and PREFIX.evidence.txt")
    parser.add_argument("--fresh", action="store_true",
                        help="count each report afresh: nothing kept from the call before (a first F3 visit)")
    args = parser.parse_args()

    from chc_tui.figures import assessment_evidence as evidence
    from chc_tui.figures.report import to_json
    from chc_tui.figures.report_service import ReportService
    from chc_tui.services import Services

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from run import _busiest_year  # the year bench/run.py times

    services = Services.open(args.db)
    kept_between = ReportService(services)  # keeps the earlier years' stages from one call to the next

    def reports() -> ReportService:
        return ReportService(services) if args.fresh else kept_between

    year = args.year or _busiest_year(services)[0]
    work: dict[str, Callable[[], object]] = {
        "annual report JSON": lambda: json.dumps(to_json(reports().report(year)), default=str),
        "self-assessment evidence": lambda: evidence.load_checklist(services.db, year, today=services.today,
                                                                    policy=services.policy),
        "F3 count (report, rows per handler)": lambda: (lambda counted: (counted[0], counted[1]()))(reports().count(year)),
    }
    kept: dict[str, object] = {}
    for name, fn in work.items():
        fn()  # warm-up: the first call of a process also imports and fills SQLite's cache
        runs = [timed(fn) for _ in range(args.runs)]
        kept[name] = runs[-1][2]
        cpu = statistics.median(r[0] for r in runs)
        wall = statistics.median(r[1] for r in runs)
        print(f"{name:40} {year}: CPU {cpu:.3f} s (runs {', '.join(f'{r[0]:.2f}' for r in runs)}), wall {wall:.3f} s")
    if args.out:
        Path(f"{args.out}.report.json").write_text(str(kept["annual report JSON"]))
        Path(f"{args.out}.evidence.txt").write_text(repr(kept["self-assessment evidence"]))


if __name__ == "__main__":
    main()
