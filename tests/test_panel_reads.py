"""How the deadline panel reads its rows: the plan SQLite takes, not how long it takes
(bench/run.py measures that)."""

from __future__ import annotations

from datetime import date

from chc_tui.rules.context import StepContext
from chc_tui.steps import usecases
from store import queries


def _plan(db, read) -> tuple[str, list]:
    from sqlalchemy import event

    sent: list[tuple] = []
    with db.read() as session:
        conn = session.connection()
        event.listen(conn, "before_cursor_execute", lambda *a: sent.append((a[2], a[3])))
        rows = read(session)
        sql, params = next(s for s in sent if "FROM complaint" in s[0])
        return " ".join(str(r[3]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)), rows


def test_the_panel_starts_from_the_running_deadlines(db):
    """From ix_deadline_running, in due-date order, to each stage and complaint by primary
    key: the page stops at its last row instead of sorting every running deadline
    (migration 0024; before it, ix_deadline_open found them all, unordered)."""
    ctx = StepContext(actor="alice", today=date(2026, 11, 23))
    ref = usecases.log_complaint(db, received_on=date(2026, 11, 2), channel="phone", resident_name="Ada Brown",
                                 category="Repairs", resident_words="Leak", ctx=ctx).reference
    for mine in (None, 1):
        plan, rows = _plan(db, lambda s: queries.open_deadlines(s, handler_staff_id=mine))
        assert plan.startswith("SCAN deadline USING INDEX ix_deadline_running"), plan
        assert "USE TEMP B-TREE FOR ORDER BY" not in plan  # at most the right part: ties within a day
        assert "ix_complaint_status" not in plan
    plan, rows = _plan(db, queries.open_deadlines)
    assert [(r.reference, r.due_step) for r in rows] == [(ref, "acknowledge")]


def test_each_kinds_page_reads_its_running_rows_in_due_date_order(db):
    """The other due dates' pages (store/early_sql.py PANEL_SQL, as the first paint and the
    panel run them): service requests, adjustments and restrictions from their running
    rows' own index in due-date order, not every open one sorted (migration 0024)."""
    from store.early_sql import PANEL_SQL

    with db.read() as session:
        conn = session.connection()
        for kind, index in (("service_request", "ix_service_request_running"), ("adjustment", "ix_adjustment_running"),
                            ("restriction", "ix_restriction_running")):
            plan = [r[3] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + PANEL_SQL[kind], {"rows": 200})]
            page = next(step for step in plan if f" {kind} USING" in step and "PRIMARY KEY" not in step)
            assert page == f"SCAN {kind} USING INDEX {index}", plan
            counts = [r[3] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + PANEL_SQL[f"{kind}_days"], {"rows": 200})]
            assert counts == [f"SCAN {kind} USING INDEX {index}"], counts  # counted from the index alone, no sort
