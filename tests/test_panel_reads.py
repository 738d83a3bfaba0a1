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
    """From ix_deadline_open to each stage and complaint by primary key: a third less of
    the query at 300k than from every open complaint through its stages."""
    ctx = StepContext(actor="alice", today=date(2026, 11, 23))
    ref = usecases.log_complaint(db, received_on=date(2026, 11, 2), channel="phone", resident_name="Ada Brown",
                                 category="Repairs", resident_words="Leak", ctx=ctx).reference
    for mine in (None, 1):
        plan, rows = _plan(db, lambda s: queries.open_deadlines(s, handler_staff_id=mine))
        assert plan.startswith("SEARCH deadline USING INDEX ix_deadline_open"), plan
        assert "ix_complaint_status" not in plan
    plan, rows = _plan(db, queries.open_deadlines)
    assert [(r.reference, r.due_step) for r in rows] == [(ref, "acknowledge")]
