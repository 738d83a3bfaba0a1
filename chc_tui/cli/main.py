"""The `chc` command. Kept light at import: the TUI, the ORM and holidays load only when
the chosen command needs them."""

from __future__ import annotations

import argparse
import atexit
import gc
import logging
import os
import sys
from datetime import date
from pathlib import Path

from chc_tui.cli.args import date_arg
from chc_tui.terminal import terminal_safe

log = logging.getLogger(__name__)


def _region_arg(text: str) -> str:
    from chc_tui.rules.calendar import REGIONS

    if text not in REGIONS:
        raise argparse.ArgumentTypeError(f"unknown region {text!r}: choose one of {', '.join(REGIONS)}")
    return text


def _add_start_options(parser: argparse.ArgumentParser) -> None:
    """The options of `chc` itself, before any command (both parsers below)."""
    parser.add_argument(
        "--db", metavar="PATH",
        help="database file (default: $CHC_DB, else `database` in your settings file, else your data folder)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start on a freshly generated demo database of believable complaints",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")


class _NotAPlainStart(Exception):
    pass


class _StartParser(argparse.ArgumentParser):
    def error(self, message: str):  # the full parser says what is wrong, in its own words
        raise _NotAPlainStart(message)


def plain_start(argv: list[str]) -> argparse.Namespace | None:
    """The arguments of a start of the app itself (`chc`, `chc --db FILE`, `chc --demo`),
    read without building every command's parser: that imports the commands' modules,
    about 60 ms of CPU before the first paint. None for anything else (a command, --help,
    a mistake, the shell's completion): `build_parser` then reads it, as it always did.
    tests/test_first_paint.py holds the two to the same result."""
    if os.environ.get("_ARGCOMPLETE"):
        return None
    parser = _StartParser(prog="chc", add_help=False)
    _add_start_options(parser)
    try:
        args, rest = parser.parse_known_args(argv)
    except _NotAPlainStart:
        return None
    if rest:
        return None
    args.command = None  # as the full parser's subparsers leave it when no command is given
    return args


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chc",
        description="Complaint handling under the Housing Ombudsman's Complaint Handling Code 2024.",
    )
    _add_start_options(parser)
    # --db is accepted after a command too (chc demo --db FILE); SUPPRESS keeps the
    # top-level value when the command does not repeat it.
    with_db = argparse.ArgumentParser(add_help=False)
    with_db.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help="database file")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    cal = sub.add_parser("calendar", help="working-day arithmetic")
    cal_sub = cal.add_subparsers(dest="calendar_command", metavar="ACTION", required=True)
    add = cal_sub.add_parser("add-working-days", parents=[with_db], help="the Nth working day strictly after DATE")
    add.add_argument("date", type=date_arg)
    add.add_argument("n", type=int)
    add.add_argument("--region", type=_region_arg, help="default: the database's region setting")
    add.add_argument("--explain", action="store_true", help="list the days skipped after the date line")
    between = cal_sub.add_parser("between", parents=[with_db], help="working days after A up to and including B")
    between.add_argument("a", type=date_arg)
    between.add_argument("b", type=date_arg)
    between.add_argument("--region", type=_region_arg, help="default: the database's region setting")

    deadlines = sub.add_parser("deadlines", parents=[with_db], help="print every open deadline, soonest first")
    deadlines.add_argument("--json", action="store_true", help="as JSON with stable keys (see README)")
    demo = sub.add_parser("demo", parents=[with_db], help="write a demo database to --db (or the default demo path)")
    demo.add_argument("--count", type=int, default=200)
    from chc_tui.cli.report import add_report_parser  # issue #5: chc report (annual report, TSM)

    add_report_parser(sub, with_db)  # issue #5
    from chc_tui.cli.assessment import add_self_assessment_parser  # issue #4: chc self-assessment

    add_self_assessment_parser(sub, with_db)  # issue #4
    from chc_tui.cli.correspondence import add_note_parser  # issue #6: chc note (Code 5.12)

    add_note_parser(sub, with_db)  # issue #6
    from chc_tui.cli.evidence import add_evidence_parsers  # issue #6: chc evidence, chc letter

    add_evidence_parsers(sub, with_db)  # issue #6
    from chc_tui.cli.settings import add_settings_parser  # issue #6: chc settings

    add_settings_parser(sub, with_db)
    from chc_tui.cli.backup import add_backup_parsers  # issue #8: backup, restore, doctor

    add_backup_parsers(sub, with_db)
    from chc_tui.cli.personal_data import add_personal_data_parser  # issue #8: UK GDPR

    add_personal_data_parser(sub, with_db)
    from chc_tui.cli.spreadsheets import add_export_parser, add_import_parser  # issue #8: spreadsheets

    add_import_parser(sub, with_db)
    add_export_parser(sub, with_db)
    from chc_tui.cli.requests import add_requests_parser  # issue #7: service requests

    add_requests_parser(sub, with_db, date_arg)
    from chc_tui.cli.complaint import add_complaint_parser  # issue 16: every step of a complaint

    add_complaint_parser(sub, with_db)
    from chc_tui.cli.staff import add_staff_parser  # issue 17: the staff register

    add_staff_parser(sub, with_db)
    from chc_tui.cli.setup import add_setup_parser  # issue 17: first-run setup

    add_setup_parser(sub, with_db)
    from chc_tui.cli.corrections import add_correct_parser  # issue 17.6: corrections, with the reason

    add_correct_parser(sub, with_db)
    from chc_tui.cli.publish import add_publish_parser  # issue 20.3: the published pack (Code 8.2)

    add_publish_parser(sub, with_db)
    from chc_tui.cli.email_run import add_email_run_parser  # issue 21.3: letters by email
    from chc_tui.cli.remind import add_remind_parser  # issue 21.4: the daily reminders, for cron

    add_email_run_parser(sub, with_db)
    add_remind_parser(sub, with_db)
    from chc_tui.cli.post_run import add_post_run_parser  # issue 21.2: the post run

    add_post_run_parser(sub, with_db)
    return parser


def _database_path(args) -> Path | str:
    """--db, then CHC_DATABASE_URL, then CHC_DB (store/paths.py), then the `database`
    in the handler's own settings file, then the data folder's."""
    from store.paths import resolve_db_path

    if args.db:
        return resolve_db_path(args.db)
    from chc_tui.user_config import configured_database

    configured, notice = configured_database()
    if notice is not None and args.command is not None:  # the app tells it in its own way
        print(f"chc: {terminal_safe(notice)}", file=sys.stderr)
    return resolve_db_path(configured)


def _calendar_for(args):
    """The landlord's calendar: region and closure days from an existing database, with
    --region overriding the region. No database is created just to count days."""
    from chc_tui.rules.calendar import DEFAULT_REGION, WorkingCalendar

    region, closures = None, {}
    path = _database_path(args)
    if isinstance(path, str) or path.exists():  # a server database, or a file that is there
        from chc_tui.steps.settings import closure_days
        from chc_tui.steps.settings import region as region_setting
        from store.engine import open_database

        db = open_database(path, create=False)
        with db.read() as session:
            region, closures = region_setting(session), closure_days(session)
        db.dispose()
    return WorkingCalendar(region=args.region or region or DEFAULT_REGION, closure_days=closures)


def _cmd_calendar(args) -> int:
    calendar = _calendar_for(args)
    if args.calendar_command == "add-working-days":
        if args.n < 0:
            print("chc: N must be 0 or more", file=sys.stderr)
            return 2
        counted = calendar.explain_add(args.date, args.n)
        print(counted.due.isoformat())
        if args.explain:
            for skipped in counted.skipped:
                print(f"{skipped.day.isoformat()} {skipped.day:%a} {skipped.reason}")
    else:
        print(calendar.working_days_between(args.a, args.b))
    return 0


def _cmd_deadlines(args) -> int:
    if args.json:
        from chc_tui.cli.complaint import run_deadlines_json

        return run_deadlines_json(args.db)
    from chc_tui.services import Services

    services = Services.open(_database_path(args))
    dues = services.deadlines()
    if not dues:
        print("No open deadlines.")
    for due in dues:
        row = due.row
        print(
            f"{terminal_safe(row.reference):<12} {terminal_safe(row.resident[:24]):<24} stage {row.stage} "
            f"{due.step.value:<11} due {row.due_on:%a %d/%m/%Y} "
            f"{due.days_left:>4} wd  {due.state.value}"
        )
    return 0


def _demo_path(args) -> tuple[Path, bool]:
    """The demo's file (--db, else its own default) and whether it is the default."""
    from chc_tui.demo.demo_file import default_demo_path

    return (Path(args.db).expanduser(), False) if args.db else (default_demo_path(), True)


def _make_demo(path: Path, count: int = 200, *, is_default: bool, say: bool = False, made_by: str | None = None) -> Path:
    """Today's demo at `path`: a copy of the one prepared for today if there is one, else
    built now (and kept for the rest of the day); then the next days' are prepared in the
    background (chc_tui.demo.prepared)."""
    from chc_tui.demo import prepared

    today = date.today()
    made_by = made_by or prepared.release()  # once, for the copy, the keep and the days ahead
    if not prepared.take(path, today, count, is_default=is_default, made_by=made_by):
        from chc_tui.demo.build import build_demo_database

        if say:
            print(f"Building the demo database (about {count} complaints, dated from today)...", file=sys.stderr)
        build_demo_database(path, count=count, today=today, replace_unmarked=is_default)
        prepared.keep(path, today, count, made_by)
    prepared.prepare_ahead(today, count, made_by)
    return path


def _exit_without_collecting() -> None:
    """At exit CPython collects once more over every object still alive (the ORM's and
    pydantic's classes, the modules, what a demo build leaves: 0.2-0.25 s after `chc demo`)
    though the process is ending and frees them all anyway. Frozen at exit (atexit runs
    before that collection), so a test calling `main` goes on collecting as usual."""
    atexit.register(gc.freeze)


# Where nothing is there yet, these create the database: the app ("creating it on first
# use"), an import, and a restore onto a new machine. Every other command needs it there
# already, so that a mistyped --db or CHC_DB is an error, not a new empty database;
# calendar and doctor say themselves when there is none.
def _may_create(args) -> bool:
    if args.command is None:
        return True
    if args.command == "import":
        return not args.dry_run
    return args.command in ("restore", "setup")


def _check_database(args, path) -> None:
    from store.paths import check_database_file

    if isinstance(path, Path) and args.command not in ("calendar", "doctor"):
        check_database_file(path, create=_may_create(args))


def _failed(exc: Exception) -> int:
    """One line for the handler, the traceback for the log."""
    from chc_tui.log import log_path
    from store.errors import DatabaseProblem, explain

    message = explain(exc)
    if message is not None:  # the cause's traceback, if there is one, says which call met it
        log.warning("chc: %s", message, exc_info=exc if exc.__cause__ or not isinstance(exc, DatabaseProblem) else None)
        print(f"chc: {terminal_safe(message)}", file=sys.stderr)
        return 2
    log.error("unexpected error", exc_info=exc)
    # The exception's own text can hold record data (an SQL statement's values): only its kind.
    what = f"{exc.strerror}: {exc.filename}" if isinstance(exc, OSError) and exc.filename else type(exc).__name__
    print(
        f"chc: something went wrong that chc did not expect ({terminal_safe(what)}); "
        f"please send {log_path()} to whoever looks after chc",
        file=sys.stderr,
    )
    return 1


def _offer_completion(parser: argparse.ArgumentParser) -> None:
    """Tab completion for the shell (README: `eval "$(register-python-argcomplete chc)"`).
    The shell's completion call sets _ARGCOMPLETE; any other run costs one lookup."""
    if os.environ.get("_ARGCOMPLETE"):
        import argcomplete

        argcomplete.autocomplete(parser)  # prints the choices and exits


def main(argv: list[str] | None = None) -> int:
    # Everything chc creates (database, WAL, attachments, backups, exports) is for the
    # owner and their group only: handlers share one database through a group, and
    # residents' personal data is never readable by everyone on a shared server.
    os.umask(0o007)
    from chc_tui.demo.demo_file import DemoRefused

    args = plain_start(sys.argv[1:] if argv is None else argv)
    if args is None:
        parser = build_parser()
        _offer_completion(parser)
        args = parser.parse_args(argv)
    if args.version:
        from chc_tui import __version__

        print(__version__)
        return 0
    from chc_tui.log import setup_logging

    setup_logging()
    try:
        if args.command == "calendar":
            return _cmd_calendar(args)
        if args.command == "demo":
            path, is_default = _demo_path(args)
            _make_demo(path, args.count, is_default=is_default)
            print(f"demo database written to {path}")
            _exit_without_collecting()
            return 0
        if args.demo:
            from chc_tui.demo.demo_file import check_demo_target, demo_is_current
            from chc_tui.demo.prepared import release

            path, is_default = _demo_path(args)
            check_demo_target(path, is_default=is_default)  # before the message: nothing is built
            made_by = release()
            if not demo_is_current(path, date.today(), made_by):
                # Its dates are relative to today: made afresh each day (and by each release),
                # kept within the day.
                _make_demo(path, is_default=is_default, say=True, made_by=made_by)
            else:
                from chc_tui.demo.prepared import prepare_ahead

                prepare_ahead(date.today(), 200, made_by)
        else:
            path = _database_path(args)
            _check_database(args, path)
        if args.command == "deadlines":
            args.db = str(path)
            return _cmd_deadlines(args)
        if args.command == "publish" or getattr(args, "report_action", None) == "response":  # issue 20.3
            from chc_tui.cli import publish as cli_publish

            return (cli_publish.run_publish if args.command == "publish" else cli_publish.run_response)(args, path)
        if args.command == "report":  # issue #5: chc report
            from chc_tui.cli.report import run_report

            args.db = str(path)
            return run_report(args)
        if args.command == "self-assessment":  # issue #4: chc self-assessment export
            from chc_tui.cli.assessment import run_self_assessment

            return run_self_assessment(args, path)
        if args.command == "note":  # issue #6: chc note
            from chc_tui.cli.correspondence import run_note

            return run_note(args, path)
        if args.command in ("evidence", "letter"):  # issue #6: evidence pack, letters as sent
            from chc_tui.cli.evidence import run_evidence

            return run_evidence(args, path)
        if args.command == "post-run":  # issue 21.2: the post run
            from chc_tui.cli.post_run import run_post_run

            return run_post_run(args, path)
        if args.command == "staff":  # issue 17: the staff register
            from chc_tui.cli.staff import run_staff

            return run_staff(args, path)
        if args.command == "setup":  # issue 17: a new database's first settings
            from chc_tui.cli.setup import run_setup

            return run_setup(args, path)
        if args.command == "email-run":  # issue 21.3
            from chc_tui.cli.email_run import run_email_run

            return run_email_run(args, path)
        if args.command == "remind":  # issue 21.4
            from chc_tui.cli.remind import run_remind

            return run_remind(args, path)
        if args.command == "settings":  # issue #6
            from chc_tui.cli.settings import run_settings

            return run_settings(args, path)
        if args.command == "personal-data":  # issue #8
            from chc_tui.cli.personal_data import run_personal_data

            return run_personal_data(args, path)
        if args.command in ("import", "export"):  # issue #8: moving in from a spreadsheet
            from chc_tui.cli import spreadsheets as cli_import

            return cli_import.run_import(args, path) if args.command == "import" else cli_import.run_export(args, path)
        if args.command == "complaint":  # issue 16: every step of a complaint
            from chc_tui.cli.complaint import run_complaint

            return run_complaint(args, path)
        if args.command == "correct":  # issue 17.6
            from chc_tui.cli.corrections import run_correct

            return run_correct(args, path)
        if args.command == "requests":  # issue #7
            from chc_tui.cli.requests import run_requests

            return run_requests(args, path)
        if args.command in ("backup", "restore", "doctor"):  # issue #8
            from chc_tui.cli import backup as cli_backup

            if args.command == "doctor":
                return cli_backup.run_doctor(path)
            return cli_backup.run_backup(args, path) if args.command == "backup" else cli_backup.run_restore(args, path)
        # No cyclic garbage collection until the first paint (run_app turns it back on):
        # start-up makes tens of thousands of long-lived objects, and collecting them
        # while importing and mounting cost ~20 ms of the first paint (bench/RESULTS.md).
        gc.disable()
        from chc_tui.app import run_app

        return run_app(path)
    except DemoRefused as exc:
        print(f"chc: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `chc deadlines | head`: the reader left, nothing is wrong
        sys.stderr.close()
        return 0
    except Exception as exc:  # noqa: BLE001  (a handler sees one line; the log has the rest)
        return _failed(exc)


if __name__ == "__main__":
    sys.exit(main())
