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
    views = report.add_subparsers(dest="report_action", required=False, metavar="{mrc,response}")
    mrc = views.add_parser(
        "mrc", parents=[with_db], help="the MRC's quarterly view (Code 9.7) as .docx or .html",
        description="The Member Responsible for Complaints' quarterly view (Code 9.5-9.7): complaints received, "
        "timeliness, Ombudsman findings and orders (severe maladministration called out), remedies outstanding "
        "and improvements due. Complaints by reference only.")
    mrc.add_argument("--quarter", required=True, help="such as 2025Q1; quarter 1 is the first quarter of the "
                     "financial year (the financial-year-end setting, default 31/03: 2025Q1 is April-June 2025)")
    mrc.add_argument("--out", metavar="FILE", required=True, help="FILE.docx or FILE.html")
    from chc_tui.cli.publish import add_response_parser  # issue 20.3: chc report response

    add_response_parser(views, with_db)
    return report


def run_mrc(args) -> int:
    from store.engine import resolve_db_path

    path = resolve_db_path(getattr(args, "db", None))
    if not path.exists():
        print(f"chc: no database at {path}", file=sys.stderr)
        return 2
    out = Path(args.out).expanduser()
    fmt = {".docx": "docx", ".html": "html", ".htm": "html"}.get(out.suffix.lower())
    if fmt is None:
        print(f"chc: --out must end .docx or .html, not {out.name!r}", file=sys.stderr)
        return 2
    if not out.parent.exists():
        print(f"chc: the folder {out.parent} does not exist", file=sys.stderr)
        return 2
    from chc_tui.documents.mrc_quarter_export import write_view
    from chc_tui.figures.mrc_quarter import gather
    from chc_tui.services import Services
    from chc_tui.figures.report_service import ReportService

    services = Services.open(path)
    try:
        with services.db.read() as session:
            try:
                view = gather(session, args.quarter)
            except ValueError as exc:
                print(f"chc: --quarter: {exc}", file=sys.stderr)
                return 2
        branding = ReportService(services).branding()
        return _write_then_say(lambda: write_view(view, fmt, out, branding), out,
                               f"MRC quarterly view {view.quarter.label} written to {out} ({fmt})")
    finally:
        services.db.dispose()


def _write_then_say(write, out: Path, done: str) -> int:
    """Write a document; a folder that refuses it is said plainly (exit 1), never a traceback."""
    try:
        write()
    except OSError as exc:
        print(f"chc: could not write {out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(done)
    return 0


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

    if getattr(args, "report_action", None) == "mrc":
        return run_mrc(args)

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
        report = reports.report(year, with_year_before=True)
        if out is None:
            sys.stdout.write(render_text(report, fmt, reports.branding()))
            return 0
        return _write_then_say(lambda: write_report(report, fmt, out, reports.branding()), out,
                               f"{report.label} report written to {out} ({fmt})")
    finally:
        services.db.dispose()
