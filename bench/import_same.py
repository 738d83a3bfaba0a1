"""What an import writes, table by table, to compare two versions of the code (issue 22.2).

    bench/import_same.py --dump OUT.json [--base DB]    # with the code to compare
    bench/import_same.py --compare OLD.json NEW.json

Imports fixed sheets (bench/import_rate.py's, today fixed) with the code this file is run
from (run an old checkout's copy, or put it first on PYTHONPATH), each dry run and then for
real, and writes every table of each imported file (bench/demo_build.py's `dump`: the
wall-clock columns left out) and each report's counts and first lines: 1,000 and 5,000
rows into an empty file; 1,000 rows with two references in three blank, then 1,000 rows
overlapping them by 500 (skipped by their natural keys); with --base, 1,000 rows into a
copy of that database too (e.g. /tmp/bench/b10k.db). `--compare` names what differs.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import import_rate  # noqa: E402
from demo_build import compare, dump  # noqa: E402

TODAY = date(2026, 11, 23)


def write_sheet(path: Path, rows: int, first: int, blank_references: bool) -> None:
    """import_rate's sheet from row `first`, perhaps with two references in three blank."""
    whole = path.with_suffix(".whole.csv")
    import_rate.write_sheet(whole, first + rows)
    with whole.open(newline="") as source, path.open("w", newline="") as target:
        lines = list(csv.reader(source))
        writer = csv.writer(target)
        writer.writerow(lines[0])
        for line in lines[1 + first:]:
            if blank_references and int(line[0][3:]) % 3:
                line[0] = ""
            writer.writerow(line)


def imported(sheets: list[tuple[int, int, bool]], base: str | None = None) -> dict:
    from chc_tui.spreadsheets.importer import import_file
    from store.engine import open_database

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "imported.db"
        if base:
            shutil.copyfile(base, path)
        db = open_database(path)
        reports = []
        for n, (rows, first, blank) in enumerate(sheets):
            sheet = Path(folder) / f"sheet{n}.csv"
            write_sheet(sheet, rows, first, blank)
            for dry_run in (True, False):
                report = import_file(db, sheet, dry_run=dry_run, actor="bench", today=TODAY)
                reports.append([dry_run, len(report.imported), len(report.already), [str(p) for p in report.problems[:5]],
                                [(i.row, i.reference) for i in report.imported[:50]], [str(s) for s in report.already[:20]]])
        db.dispose()
        return {"reports": reports, "tables": dump(path)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dump", type=Path)
    parser.add_argument("--base")
    parser.add_argument("--compare", nargs=2, type=Path)
    args = parser.parse_args()
    if args.compare:
        old, new = (json.loads(p.read_text()) for p in args.compare)
        for case in sorted(set(old) | set(new)):
            a, b = old.get(case), new.get(case)
            if a is None or b is None:
                print(f"{case}: only in {'new' if a is None else 'old'}")
                continue
            found = compare(a["tables"], b["tables"]) + ([] if a["reports"] == b["reports"] else ["the reports differ"])
            rows = sum(len(t) - 1 for t in a["tables"].values())
            print(f"{case}: {'; '.join(found) if found else f'every table equal ({rows:,} rows), reports equal'}")
        return
    cases = {
        "1000": [(1000, 0, False)],
        "5000": [(5000, 0, False)],
        "overlapping, references blank": [(1000, 0, True), (1000, 500, True)],
    }
    result = {name: imported(sheets) for name, sheets in cases.items()}
    if args.base:
        result["1000 into the base"] = imported([(1000, 0, True)], args.base)
    args.dump.write_text(json.dumps(result, default=str, sort_keys=True))
    print(f"written {args.dump}")


if __name__ == "__main__":
    main()
