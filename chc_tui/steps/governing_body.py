"""The governing body's response to the year's annual report (Code 8.2): its text, the date
it was agreed and the meeting that agreed it, recorded in one transaction and audited.

The text is the report's "governing_body_response" part (chc_tui.figures.report_texts), so
the annual report and the published pack show the same words; the agreement (date,
meeting, who recorded it) is a GoverningBodyResponse row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import select

from chc_tui.figures.report_texts import _check_year, _put_text
from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import StepRefused
from chc_tui.steps.identity import acting_staff, acting_write
from chc_tui.steps.usecases import Checks, audit
from store.engine import Database
from store.models import GoverningBodyResponse, ReportText, saved_id, utcnow

PART = "governing_body_response"
MAX_MEETING = 200


@dataclass(frozen=True)
class AgreedResponse:
    year: int
    text: str
    agreed_on: date | None  # None: the text is entered but its agreement is not recorded
    meeting: str


def record_response(
    db: Database, *, year: int, text: str, agreed_on: date, meeting: str, ctx: StepContext | None = None,
) -> AgreedResponse:
    """Record the governing body's response for `year`: refused (nothing written) when the
    text or meeting is empty, or the date is not a date or is in the future."""
    ctx = ctx or StepContext()
    _check_year(year)
    checks = Checks()
    checks.required("text", text if isinstance(text, str) else None, "the response's text", "8.2")
    checks.required("meeting", meeting if isinstance(meeting, str) else None, "the meeting that agreed it", "8.2")
    if isinstance(meeting, str) and len(meeting.strip()) > MAX_MEETING:
        checks.add("meeting", f"the meeting is {len(meeting.strip())} characters; keep it under {MAX_MEETING}")
    checks.a_date("agreed_on", agreed_on, "the date it was agreed", ctx.today)
    checks.raise_if_any()
    with acting_write(db, ctx) as session:
        staff = acting_staff(session, ctx)
        _put_text(session, ctx, year, PART, text, None)
        row = session.exec(select(GoverningBodyResponse).where(GoverningBodyResponse.year == year)).first()
        before = None if row is None else {"agreed_on": row.agreed_on.isoformat(), "meeting": row.meeting}
        if row is None:
            row = GoverningBodyResponse(year=year, agreed_on=agreed_on, meeting=meeting.strip())
        row.agreed_on, row.meeting = agreed_on, meeting.strip()
        row.recorded_by, row.recorded_at = saved_id(staff), utcnow()
        session.add(row)
        audit(session, ctx, "governing body response", None,
              {"year": year, "agreed_on": agreed_on.isoformat(), "meeting": row.meeting}, before)
    return AgreedResponse(year, text.strip(), agreed_on, meeting.strip())


def response_for(db: Database, year: int) -> AgreedResponse | None:
    """The year's response as recorded, or None when neither text nor agreement is."""
    with db.read() as session:
        text = session.exec(select(ReportText.text).where(ReportText.year == year, ReportText.part == PART)).first()
        row = session.exec(select(GoverningBodyResponse).where(GoverningBodyResponse.year == year)).first()
    if not text and row is None:
        return None
    if row is None:
        return AgreedResponse(year, text or "", None, "")
    return AgreedResponse(year, text or "", row.agreed_on, row.meeting)


__all__ = ["AgreedResponse", "record_response", "response_for", "StepRefused"]
