"""Learning from complaints (Code 9.1-9.3): a theme and root cause on each complaint, and
lessons with the service improvement each led to, linked to the complaints that taught them.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from chc_tui.rules.context import StepContext
from chc_tui.steps.identity import acting_write
from chc_tui.steps.plans.changes import apply_changes
from chc_tui.steps.plans.theme import check_theme, plan_theme
from chc_tui.rules.domain import StepRefused
from chc_tui.steps.usecases import Checks, audit, complaint_for_change, record_for_change
from store.engine import Database
from store.models import Complaint, Lesson, LessonComplaint, saved_id

# Offered as suggestions; a landlord may use its own words.
THEMES = (
    "Repairs: delay", "Repairs: quality", "Damp and mould", "Communication", "Staff conduct",
    "Complaint handling", "Anti-social behaviour", "Estate services", "Rent and charges", "Policy",
)


def set_theme(
    db: Database, reference: str, *, theme: str, root_cause: str, expected_version: int | None = None,
    ctx: StepContext | None = None,
) -> None:
    ctx = ctx or StepContext()
    check_theme(theme)
    with acting_write(db, ctx) as session:
        complaint = complaint_for_change(session, reference, expected_version)
        planned = plan_theme({"theme": complaint.theme, "root_cause": complaint.root_cause},
                             theme=theme, root_cause=root_cause)
        apply_changes(complaint, planned.changes)
        audit(session, ctx, planned.action, complaint.id, planned.details, planned.before)


def _complaint_ids(session, references: list[str]) -> list[int]:
    ids, unknown = [], []
    for reference in references:
        found = session.exec(select(Complaint.id).where(Complaint.reference == reference)).first()
        (ids.append(found) if found is not None else unknown.append(reference))
    if unknown:
        raise StepRefused(f"no complaint with reference {', '.join(unknown)}", "complaints")
    return ids


def split_references(text: str) -> list[str]:
    seen: list[str] = []
    for part in str(text or "").replace(",", " ").split():
        if part.upper() not in seen:
            seen.append(part.upper())
    return seen


def record_lesson(
    db: Database, *, theme: str, lesson: str, improvement: str, recorded_on: date, due_on: date | None,
    complaints: list[str], ctx: StepContext | None = None,
) -> int:
    """A lesson learned, the improvement it leads to (with when it should be in place), and
    the complaints that taught it (at least one)."""
    ctx = ctx or StepContext()
    checks = Checks()
    checks.required("theme", theme, "the theme")
    checks.required("lesson", lesson, "what was learned", "9.1")
    checks.a_date("recorded_on", recorded_on, "the date recorded", ctx.today)
    if improvement.strip() and due_on is None:
        checks.add("due_on", "say when the improvement should be in place, so it is followed up")
    if due_on is not None and isinstance(recorded_on, date) and due_on < recorded_on:
        checks.add("due_on", "the improvement cannot be due before the lesson was recorded")
    if not complaints:
        checks.add("complaints", "name the complaint(s) that taught it, by reference")
    checks.raise_if_any()
    with acting_write(db, ctx) as session:
        ids = _complaint_ids(session, complaints)
        row = Lesson(theme=theme.strip(), lesson=lesson.strip(), improvement=improvement.strip(),
                     recorded_on=recorded_on, due_on=due_on, recorded_by=ctx.actor)
        session.add(row)
        session.flush()
        for complaint_id in ids:
            session.add(LessonComplaint(lesson_id=saved_id(row), complaint_id=complaint_id))
            audit(session, ctx, "lesson learned", complaint_id,
                  {"lesson": row.id, "theme": row.theme, "lesson_text": row.lesson, "improvement": row.improvement,
                   "due_on": due_on})
        return saved_id(row)


def link_lesson(db: Database, lesson_id: int, reference: str, ctx: StepContext | None = None) -> None:
    """Another complaint that taught the same lesson."""
    ctx = ctx or StepContext()
    with acting_write(db, ctx) as session:
        row = record_for_change(session, Lesson, lesson_id, None, "lesson")
        (complaint_id,) = _complaint_ids(session, [reference])
        if session.get(LessonComplaint, (lesson_id, complaint_id)) is not None:
            raise StepRefused(f"{reference} is already linked to this lesson", "complaints")
        session.add(LessonComplaint(lesson_id=lesson_id, complaint_id=complaint_id))
        audit(session, ctx, "lesson learned", complaint_id, {"lesson": row.id, "theme": row.theme, "lesson_text": row.lesson})


def complete_improvement(
    db: Database, lesson_id: int, *, done_on: date, expected_version: int | None = None,
    ctx: StepContext | None = None,
) -> None:
    ctx = ctx or StepContext()
    with acting_write(db, ctx) as session:
        row = record_for_change(session, Lesson, lesson_id, expected_version, "lesson")
        checks = Checks()
        if row.done_on is not None:
            checks.add(None, f"this improvement was in place on {row.done_on:%d/%m/%Y}")
        if not row.improvement:
            checks.add(None, "this lesson has no improvement to complete")
        checks.a_date("done_on", done_on, "the date in place", ctx.today, (row.recorded_on, "the lesson was recorded"))
        checks.raise_if_any()
        row.done_on = done_on
        audit(session, ctx, "service improvement in place", None,
              {"lesson": row.id, "theme": row.theme, "improvement": row.improvement, "done_on": done_on})
