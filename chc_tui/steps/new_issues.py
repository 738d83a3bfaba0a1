"""A new issue raised while a complaint is being investigated (Code 6.8).

Related to the complaint, and stage 1 not yet answered: it is added to stage 1's definition,
so the stage 1 response answers it. Otherwise (stage 1 answered, the issue unrelated, or
adding it would unreasonably delay the response) it is logged as a new complaint, linked
to the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import select

from chc_tui.steps import usecases
from chc_tui.rules.context import StepContext
from chc_tui.steps.identity import acting_write
from chc_tui.rules.domain import Status, StepRefused
from chc_tui.steps.usecases import Checks, audit
from store.engine import Database
from store.models import Complaint, Definition, StageRecord


@dataclass(frozen=True)
class IssueHandled:
    added_to_definition: bool
    reference: str  # the complaint it now belongs to (the new one when logged separately)
    why: str


def how_to_handle(stage_one_answered: bool, related: bool, would_delay: bool) -> tuple[bool, str]:
    """(add to the stage 1 definition?, why), as Code 6.8 says."""
    if stage_one_answered:
        return False, "stage 1 has been answered, so it is a new complaint (Code 6.8)"
    if not related:
        return False, "it is unrelated to the issues being investigated, so it is a new complaint (Code 6.8)"
    if would_delay:
        return False, "adding it would unreasonably delay the response, so it is a new complaint (Code 6.8)"
    return True, "related, and stage 1 not yet answered: added to the stage 1 definition (Code 6.8)"


def raise_new_issue(
    db: Database,
    reference: str,
    *,
    issue: str,
    raised_on: date,
    related: bool,
    would_delay: bool = False,
    channel: str = "phone",
    category: str = "",
    expected_version: int | None = None,
    ctx: StepContext | None = None,
) -> IssueHandled:
    ctx = ctx or StepContext()
    checks = Checks()
    checks.required("issue", issue, "the new issue, in the resident's words", "6.8")
    checks.a_date("raised_on", raised_on, "the date raised", ctx.today)
    checks.raise_if_any()
    with acting_write(db, ctx) as session:
        complaint = session.exec(select(Complaint).where(Complaint.reference == reference)).first()
        if complaint is None:
            raise StepRefused(f"no complaint with reference {reference!r}")
        stage_one = session.exec(select(StageRecord).where(
            StageRecord.complaint_id == complaint.id, StageRecord.stage == 1)).one()
        answered = stage_one.responded_on is not None or complaint.status != Status.OPEN
        add, why = how_to_handle(answered, related, would_delay)
        if add:
            latest = session.exec(select(Definition).where(Definition.stage_id == stage_one.id)
                                  .order_by(Definition.id.desc())).first()
            if latest is None:
                raise StepRefused("define stage 1 first (f): the new issue is added to its definition", "issue")
            usecases.define(
                db, reference,
                understanding=f"{latest.understanding}\nAdded {raised_on:%d/%m/%Y} (Code 6.8): {issue.strip()}",
                outcomes_sought=latest.outcomes_sought, responsible_aspects=latest.responsible_aspects,
                not_responsible_aspects=latest.not_responsible_aspects, defined_on=raised_on,
                expected_version=expected_version, ctx=ctx,
            )
            audit(session, ctx, "new issue added to definition", complaint.id,
                  {"issue": issue.strip(), "raised_on": raised_on, "why": why})
            return IssueHandled(True, reference, why)
        usecases.complaint_for_change(session, reference, expected_version)  # its record changes too
        logged = usecases.log_complaint(
            db, received_on=raised_on, channel=channel, resident_name="", resident_id=complaint.resident_id,
            category=category or complaint.category, resident_words=issue, ctx=ctx,
        )
        new = session.exec(select(Complaint).where(Complaint.reference == logged.reference)).one()
        new.related_to_id = complaint.id
        session.add(new)
        audit(session, ctx, "new issue logged as a new complaint", complaint.id,
              {"issue": issue.strip(), "raised_on": raised_on, "new_complaint": logged.reference, "why": why})
        return IssueHandled(False, logged.reference, why)
