"""`chc publish --year 2024 --out DIR` (Code 8.2): the annual report, the self-assessment and
the governing body's response as one HTML page, a .docx and a PDF, for the landlord's website.

`chc report response --year 2024 --agreed-on DD/MM/YYYY --meeting "Board, 12 June 2025"
--text-file FILE` (or --text): record the governing body's response, through
chc_tui.steps.governing_body.record_response.
"""

from __future__ import annotations

import sys
from pathlib import Path

from chc_tui.cli.args import date_arg
from chc_tui.terminal import terminal_safe

OPTION_FOR = {"text": "--text", "meeting": "--meeting", "agreed_on": "--agreed-on", "year": "--year",
              "html_template": "--html-template", "docx_base": "--docx-base"}


def _year(text: str) -> int:
    from chc_tui.cli.report import _year_arg

    return _year_arg(text)


def add_publish_parser(sub, with_db) -> None:
    parser = sub.add_parser(
        "publish", parents=[with_db],
        help="the published pack (Code 8.2): report, self-assessment and response as HTML, .docx and PDF",
        description="Write the year's annual complaints report, the self-assessment against the Code and the "
        "governing body's response into DIR as one self-contained HTML page, a Word document and an A4 PDF.",
    )
    parser.add_argument("--year", type=_year, required=True, help="the financial year by the year it starts (2024 is 2024/25)")
    parser.add_argument("--out", metavar="DIR", required=True, help="the folder to write into (made if missing)")
    parser.add_argument("--html-template", metavar="FILE",
                        help="the landlord's own Jinja2 HTML template (start from the shipped document.html.j2)")
    parser.add_argument("--docx-base", metavar="FILE", help="the landlord's own .docx (styles, letterhead) to start from")


def add_response_parser(actions, with_db) -> None:
    """`chc report response`, one of `chc report`'s actions (`actions`: its subparsers)."""
    response = actions.add_parser(
        "response", parents=[with_db], help="record the governing body's response to the year's report (Code 8.2)")
    response.add_argument("--year", type=_year, required=True, help="the financial year by the year it starts")
    response.add_argument("--agreed-on", type=date_arg, required=True, metavar="DD/MM/YYYY",
                          help="the date the governing body agreed it")
    response.add_argument("--meeting", required=True, help='the meeting that agreed it ("Board, 12 June 2025")')
    text = response.add_mutually_exclusive_group(required=True)
    text.add_argument("--text", help="the response's text")
    text.add_argument("--text-file", metavar="FILE", help="read the response's text from this file (UTF-8)")


def _refused(prefix: str, refused) -> int:
    for problem in refused.problems:
        option = OPTION_FOR.get(problem.field or "")
        print(terminal_safe(f"{prefix}: {option + ': ' if option else ''}{problem.message}"), file=sys.stderr)
    return 2


def run_response(args, path) -> int:
    from chc_tui.cli.complaint import open_services
    from chc_tui.rules.domain import StepRefused
    from chc_tui.steps.governing_body import record_response

    text = args.text
    if args.text_file:
        try:
            text = Path(args.text_file).expanduser().read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            print(terminal_safe(f"chc report response: --text-file: cannot read {args.text_file}: {exc}"), file=sys.stderr)
            return 2
    services = open_services(path)
    try:
        done = services.run(record_response, year=args.year, text=text, agreed_on=args.agreed_on, meeting=args.meeting)
    except StepRefused as refused:
        return _refused("chc report response", refused)
    finally:
        services.db.dispose()
    print(terminal_safe(f"the governing body's response for {args.year} recorded: agreed {done.agreed_on:%d/%m/%Y} at {done.meeting}"))
    return 0


def run_publish(args, path) -> int:
    from chc_tui.cli.complaint import open_services
    from chc_tui.documents.publish import publish
    from chc_tui.rules.domain import StepRefused

    out = Path(args.out).expanduser()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(terminal_safe(f"chc publish: --out: cannot make the folder {out}: {exc.strerror or exc}"), file=sys.stderr)
        return 2
    services = open_services(path)
    try:
        written = publish(services, args.year, out,
                          html_template=Path(args.html_template) if args.html_template else None,
                          docx_base=Path(args.docx_base) if args.docx_base else None)
    except StepRefused as refused:
        return _refused("chc publish", refused)
    except OSError as exc:
        print(terminal_safe(f"chc publish: could not write into {out}: {exc.strerror or exc}"), file=sys.stderr)
        return 1
    finally:
        services.db.dispose()
    for file in written:
        print(terminal_safe(str(file)))
    return 0
