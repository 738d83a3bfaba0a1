"""Keeping the resident informed (Code 5.9): the interval agreed with the resident for
updates on their open stage, and when the next update is due.

The interval is recorded on the stage (a stage 2 agrees its own); the deadline panel shows
"update due" from it (store.other_deadlines), counted by chc_tui.rules.keeping_informed;
an outgoing letter, call, email or meeting recorded on the complaint is an update.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import Status
from chc_tui.rules.keeping_informed import PROVISION, interval_problem
from chc_tui.steps.identity import acting_write
from chc_tui.steps.usecases import Checks, audit, complaint_for_change
from store.engine import Database
from store.models import StageRecord


def agree_update_interval(
    db: Database,
    reference: str,
    *,
    every_days: int,
    agreed_on: date,
    expected_version: int | None = None,
    ctx: StepContext | None = None,
) -> StageRecord:
    """Record the interval agreed with the resident for updates on the complaint's open
    stage (Code 5.9): "every 10 working days". A new agreement replaces the last one."""
    ctx = ctx or StepContext()
    checks = Checks()
    problem = interval_problem(every_days)
    if problem:
        checks.add("every_days", problem)
    with acting_write(db, ctx) as session:
        complaint = complaint_for_change(session, reference, expected_version)
        stage = session.exec(select(StageRecord).where(
            StageRecord.complaint_id == complaint.id, StageRecord.stage == complaint.current_stage)).one()
        if complaint.status != Status.OPEN or stage.responded_on is not None:
            checks.add(None, f"{reference} has no open stage to keep the resident informed on (Code {PROVISION})")
        checks.a_date("agreed_on", agreed_on, "the date agreed", ctx.today, (stage.opened_on, f"stage {stage.stage} opened"))
        checks.raise_if_any()
        before = {"update_every_days": stage.update_every_days, "update_agreed_on": stage.update_agreed_on}
        stage.update_every_days, stage.update_agreed_on = every_days, agreed_on
        session.add(stage)
        audit(session, ctx, "agree update interval", complaint.id,
              {"stage": stage.stage, "update_every_days": every_days, "update_agreed_on": agreed_on}, before=before)
        session.flush()
        session.expunge(stage)
        return stage
