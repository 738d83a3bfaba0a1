"""Issue 20.2: figures per handler and per team, from hand-built stages."""

from datetime import date

from sqlmodel import select

from chc_tui.documents.report_export import render_text
from chc_tui.figures import performance_by_person as perf
from chc_tui.figures.report import ReportInputs, compute
from chc_tui.rules.calendar import WorkingCalendar
from chc_tui.rules.policy import CODE_2024
from store.stage_queries import ExtensionFacts, StageFacts

CAL = WorkingCalendar()
TODAY = date(2025, 6, 1)


def _stage(sid, ref, stage=1, *, opened, ack_due, acked, target, responded, extensions=()):
    return StageFacts(stage_id=sid, reference=ref, status="closed", stage=stage, opened_on=opened,
                      acknowledge_due=ack_due, acknowledged_on=acked, target_due=target, responded_on=responded,
                      extensions=tuple(extensions))


def _ext(decided, previous, new_due, *, told=True, details=True):
    return ExtensionFacts(decided_on=decided, previous_due=previous, new_due=new_due, working_days_beyond_target=5,
                          good_reason="", told_resident_on=decided if told else None, ombudsman_details_given=details)


STAGES = [
    # Alice (Team North): on time; late acknowledgement and out of target
    _stage(1, "C-1", opened=date(2024, 5, 1), ack_due=date(2024, 5, 8), acked=date(2024, 5, 7),
           target=date(2024, 6, 4), responded=date(2024, 6, 3)),
    _stage(2, "C-2", opened=date(2024, 7, 1), ack_due=date(2024, 7, 8), acked=date(2024, 7, 10),
           target=date(2024, 8, 7), responded=date(2024, 8, 20)),
    # Bob (Team South): stage 2 within an agreed extension; late on an extension not in line
    _stage(3, "C-3", 2, opened=date(2024, 9, 2), ack_due=date(2024, 9, 9), acked=date(2024, 9, 6),
           target=date(2024, 10, 4), responded=date(2024, 10, 15),
           extensions=[_ext(date(2024, 10, 1), date(2024, 10, 4), date(2024, 10, 18))]),
    _stage(4, "C-4", opened=date(2024, 11, 1), ack_due=date(2024, 11, 8), acked=date(2024, 11, 5),
           target=date(2024, 12, 3), responded=date(2024, 12, 10),
           extensions=[_ext(date(2024, 12, 5), date(2024, 12, 3), date(2024, 12, 17))]),
    # Carol (Team North): opened the year before, answered in it: a response only
    _stage(5, "C-5", opened=date(2024, 3, 1), ack_due=date(2024, 3, 8), acked=date(2024, 3, 4),
           target=date(2024, 4, 2), responded=date(2024, 4, 2)),
]
HANDLERS = {1: ("Alice Smith", "North"), 2: ("Alice Smith", "North"), 3: ("Bob Jones", "South"),
            4: ("Bob Jones", "South"), 5: ("Carol White", "North")}


def _figures():
    return perf.compute(2024, STAGES, HANDLERS, TODAY, CAL, CODE_2024)


def test_per_handler_figures_are_exact():
    by = {p.name: perf.row(p) for p in _figures().handlers}
    #                       s1   s2   on   ext  late lateNIL exts extNIL ackLate respLate
    assert by["Alice Smith"][1:] == ["2", "0", "1", "0", "1", "0", "0", "0", "1", "1"]
    assert by["Bob Jones"][1:] == ["1", "1", "0", "1", "0", "1", "2", "1", "0", "1"]
    assert by["Carol White"][1:] == ["0", "0", "1", "0", "0", "0", "0", "0", "0", "0"]
    assert [p.name for p in _figures().handlers] == ["Alice Smith", "Bob Jones", "Carol White"]


def test_per_team_figures_add_up_their_handlers():
    by = {t.name: perf.row(t) for t in _figures().teams}
    assert by["North"][1:] == ["2", "0", "2", "0", "1", "0", "0", "0", "1", "1"]
    assert by["South"][1:] == ["1", "1", "0", "1", "0", "1", "2", "1", "0", "1"]


def _report():
    inputs = ReportInputs(year=2024, today=TODAY, stages=STAGES, refusals=[], withdrawals=[],
                          earliest_received=date(2024, 3, 1), homes_owned=None)
    return compute(inputs, CAL, CODE_2024)


def test_appendix_absent_by_default_and_present_with_the_setting():
    report = _report()
    assert "Alice Smith" not in render_text(report, "html")
    assert "by handler and team" not in render_text(report, "md")
    report.staff_figures = _figures()
    md = render_text(report, "md")
    assert "Appendix: by handler and team" in md
    assert "Alice Smith" in md and "South" in md


def test_the_json_carries_them_only_with_the_setting():
    import json

    report = _report()
    assert "staff_figures" not in json.loads(render_text(report, "json"))
    report.staff_figures = _figures()
    shown = json.loads(render_text(report, "json"))["staff_figures"]
    bob = next(h for h in shown["handlers"] if h["name"] == "Bob Jones")
    assert bob == {"name": "Bob Jones", "team": "South", "stage1_handled": 1, "stage2_handled": 1, "on_time": 0,
                   "within_extension": 1, "late": 0, "late_extension_not_in_line": 1, "extensions": 2,
                   "extensions_not_in_line": 1, "acknowledgements_late": 0, "responses_late": 1,
                   "complaints": ["C-3", "C-4"]}
    assert [(t["name"], t["on_time"]) for t in shown["teams"]] == [("North", 2), ("South", 0)]


def test_upgrading_from_0015_keeps_staff_and_gives_them_no_team(tmp_path):
    from store.engine import Database
    from store.migrate import upgrade

    db = Database(tmp_path / "old.db")
    upgrade(db.engine, "0015")
    with db.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO staff (id, display_name, job_title, email, phone, roles, active_from, version, created_at) "
            "VALUES (7, 'Alice Smith', 'Officer', 'a@x.org', '', 'handler', '2024-01-01', 1, '2024-01-01 09:00:00.000000')")
    upgrade(db.engine, "head")
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT id, display_name, job_title, team FROM staff").fetchall()
    assert [tuple(r) for r in rows] == [(7, "Alice Smith", "Officer", "")]


def test_each_stages_handler_is_named_from_the_register_by_the_staff_id_read_with_it(db):
    """The handler's staff id comes with each stage the report reads; the register names them
    (a stage whose handler is not on it is left out, as NO_HANDLER counts it)."""
    from chc_tui.rules import financial_year
    from report_helpers import Book
    from store import report_queries
    from store.models import Staff
    from store.staff_queries import stage_handlers

    ref = Book(db, date(2025, 9, 1)).complaint(date(2025, 5, 1), timing="target")
    start, end = financial_year.bounds(2025)
    with db.read() as session:
        stages = [s for s in report_queries.report_stages(session, start, end) if s.reference == ref]
        alice = next(s for s in session.exec(select(Staff)) if s.display_name == "alice")
        handlers = stage_handlers(session, [(s.stage_id, s.handler_staff_id) for s in stages] + [(-1, None)])
    assert [s.handler_staff_id for s in stages] == [alice.id]
    assert handlers == {stages[0].stage_id: ("alice", alice.team)}
