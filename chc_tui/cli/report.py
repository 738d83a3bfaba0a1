"""`chc report`: the annual complaints performance and service improvement report
(Code 8.1) with TSM CH01 and CH02, for one financial year, as md, html, docx or json.

    chc report --year 2024 --format html --out report.html [--db PATH]

2024 means 1 April 2024 to 31 March 2025. Without --out, md, html and json go to
standard output; docx needs a file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

FORMATS = ("md", "html", "docx", "json")  # as chc_tui.documents.report_export.FORMATS, kept here so --help stays light


def _year_arg(text: str) -> int:
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a year: give the year the financial year starts, such as 2024 for 2024/25"
        ) from None
    if not 2000 <= year <= 2100:
        raise argparse.ArgumentTypeError(f"{year} is outside 2000-2100")
    return year


def add_report_parser(sub, with_db: argparse.ArgumentParser) -> argparse.ArgumentParser:
    report = sub.add_parser(
        "report",
        parents=[with_db],
        help="the annual complaints report (Code 8.1) with TSM CH01 and CH02",
        description="The annual complaints performance and service improvement report (Code 8.1) with the "
        "Tenant Satisfaction Measures CH01 and CH02, for one financial year (1 April to 31 March).",
    )
    report.add_argument(
        "--year",
        type=_year_arg,
        help="the financial year by the year it starts: 2024 is 1 April 2024 to 31 March 2025 "
        "(default: the year containing today)",
    )
    report.add_argument("--format", choices=FORMATS, help="default: from the --out file's suffix, else md")
    report.add_argument("--out", metavar="FILE", help="write the report here (default: standard output; docx needs a file)")
    return report


def _format_for(args) -> str:
    if args.format:
        return args.format
    if args.out:
        suffix = Path(args.out).suffix.lower().lstrip(".")
        if suffix in FORMATS:
            return suffix
        if suffix in ("markdown", "htm"):
            return {"markdown": "md", "htm": "html"}[suffix]
    return "md"


def run_report(args) -> int:
    from store.engine import resolve_db_path

    path = resolve_db_path(getattr(args, "db", None))
    if not path.exists():
        print(f"chc: no database at {path}", file=sys.stderr)
        return 2
    fmt = _format_for(args)
    if fmt == "docx" and not args.out:
        print("chc: a .docx report needs --out FILE", file=sys.stderr)
        return 2
    out = Path(args.out).expanduser() if args.out else None
    if out is not None and not out.parent.exists():
        print(f"chc: the folder {out.parent} does not exist", file=sys.stderr)
        return 2

    from chc_tui.documents.report_export import render_text, write_report
    from chc_tui.figures.report_service import ReportService
    from chc_tui.services import Services

    services = Services.open(path)
    try:
        reports = ReportService(services)
        year = args.year if args.year is not None else reports.default_year()
        report = reports.report(year)
        if out is None:
            sys.stdout.write(render_text(report, fmt, reports.landlord_name()))
            return 0
        try:
            write_report(report, fmt, out, reports.landlord_name())
        except OSError as exc:
            print(f"chc: could not write {out}: {exc.strerror or exc}", file=sys.stderr)
            return 1
        print(f"{report.label} report written to {out} ({fmt})")
        return 0
    finally:
        services.db.dispose()
