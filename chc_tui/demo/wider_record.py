"""The demo's records around its complaints (issue 7): residents' needs, service requests,
remedies and actions, Ombudsman cases, themes, lessons and a new issue (Code 6.8). Written
through the use-cases only, after the complaints, dated relative to today so that the
deadline panel has each kind in each state.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import col, select

from chc_tui.steps import learning, new_issues, ombudsman, residents, service_requests
from chc_tui.steps.bulk import BulkWriter
from chc_tui.steps.identity import acting_staff
from chc_tui.steps.plans.changes import apply_changes
from chc_tui.steps.plans.state import audit_values
from chc_tui.steps.plans.theme import check_theme, plan_theme
from chc_tui.demo.planned_remedies import PlannedRemedies
from chc_tui.demo.staff import login_of
from chc_tui.rules.context import StepContext
from store.engine import Database
from store.models import AuditEntry, Complaint, Response, StageRecord

# Complaints the around-records add (raised from service requests, and a new issue logged
# separately); the demo plans that many fewer so its total stays as asked.
EXTRA_COMPLAINTS = 3
MIN_COMPLAINTS = 60  # below this the demo is a test fixture: no around-records

THEME_OF_CATEGORY = {
    "Repairs": ("Repairs: delay", "Jobs waiting for parts with no update to the resident"),
    "Damp and mould": ("Damp and mould", "Surveys booked late; no follow-up visit after treatment"),
    "Anti-social behaviour": ("Anti-social behaviour", "Case reviews not diarised"),
    "Estate services": ("Estate services", "Contractor schedule not checked against the specification"),
    "Rent and service charges": ("Rent and charges", "Statements hard to read"),
    "Staff conduct": ("Staff conduct", "Visit etiquette not covered in induction"),
    "Communication": ("Communication", "Call-backs not logged"),
    "Lettings": ("Policy", "Allocation letters unclear about next steps"),
    "Adaptations": ("Repairs: delay", "Occupational therapist referrals waiting in a shared inbox"),
}

ADJUSTMENTS = [
    ("Large print letters (18pt)", "Partially sighted"),
    ("Calls only after 2pm: night-shift worker", ""),
    ("Letters also emailed to her daughter, with consent", "Memory difficulties after a stroke"),
    ("An interpreter for Polish at every visit", ""),
    ("Easy-read version of every letter", "Learning disability"),
    ("Visits with 48 hours' notice and a named officer", "Anxiety disorder"),
]

SERVICE_REQUESTS = [
    ("Repairs", "Dripping kitchen tap"), ("Repairs", "Front door lock sticks"), ("Damp and mould", "Mould on bathroom ceiling"),
    ("Repairs", "Boiler pressure keeps dropping"), ("Estate services", "Communal light out on second floor"),
    ("Repairs", "Extractor fan not working"), ("Estate services", "Bins not emptied"), ("Repairs", "Cracked window pane"),
    ("Repairs", "Radiator cold at the top"), ("Damp and mould", "Condensation on bedroom windows"),
    ("Repairs", "Loose stair rail"), ("Estate services", "Graffiti on the garages"),
]


@dataclass(frozen=True)
class _Answered:
    reference: str
    resident_id: int
    category: str
    decision: str
    responded_on: date
    stage: int
    status: str


def _ctx(actor: str, on: date) -> StepContext:
    return StepContext(actor=login_of(actor), today=on)


def _answered(db: Database) -> list[_Answered]:
    with db.write() as session:  # in the demo build's transaction
        rows = session.exec(
            select(Complaint.reference, Complaint.resident_id, Complaint.category, Response.decision,
                   Response.responded_on, StageRecord.stage, Complaint.status)
            .join(StageRecord, StageRecord.complaint_id == Complaint.id)
            .join(Response, Response.stage_id == StageRecord.id)
            .order_by(Response.responded_on, Complaint.reference)
        )
        return [_Answered(*row) for row in rows]


def _workday(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def add_wider_record(db: Database, today: date, rng: random.Random, handlers: list[str], manager: str) -> None:
    answered = _answered(db)
    if not answered:
        return
    last = _workday(today)
    _needs(db, answered, today, rng, handlers, manager)
    _service_requests(db, answered, last, rng, handlers)
    _remedies_and_actions(db, answered, today, rng, handlers)
    _ombudsman(db, answered, today, manager)
    _learning(db, answered, today, manager)
    _new_issue(db, today, handlers)


def _needs(db, answered, today, rng, handlers, manager) -> None:
    residents_seen = list(dict.fromkeys(a.resident_id for a in answered))
    rng.shuffle(residents_seen)
    for i, (resident_id, (adjustment, disclosed)) in enumerate(zip(residents_seen, ADJUSTMENTS)):
        agreed = today - timedelta(days=40 + 60 * i)
        # reviews: overdue, due in days, due in weeks, months away
        review = today + timedelta(days=(-4, 2, 9, 30, 90, 150)[i % 6])
        officer = handlers[i % len(handlers)]
        if review <= agreed:
            review = agreed + timedelta(days=1)
        if disclosed:
            residents.record_vulnerability(db, resident_id, description=disclosed, disclosed_on=agreed, ctx=_ctx(officer, today))
        residents.agree_adjustment(db, resident_id, description=adjustment, agreed_on=agreed, review_on=review,
                                   ctx=_ctx(officer, today))
    reps = residents_seen[len(ADJUSTMENTS):len(ADJUSTMENTS) + 3]
    for i, resident_id in enumerate(reps):
        name, relationship = [("Leanne Price", "advocate"), ("Daniel Oyelaran MP", "MP"), ("Sophie Grant", "daughter")][i]
        confirmed = None if i == 2 else today - timedelta(days=20 + 30 * i)
        residents.add_representative(db, resident_id, name=name, relationship=relationship, contact="by email",
                                     authority_confirmed_on=confirmed, ctx=_ctx(handlers[i], today))
    restricted = residents_seen[len(ADJUSTMENTS) + 3:len(ADJUSTMENTS) + 5]
    for i, resident_id in enumerate(restricted):
        decided = _workday(today - timedelta(days=70 + 100 * i))
        residents.impose_restriction(
            db, resident_id,
            restriction=("Contact by email to the complaints inbox only; one call a week with the named officer"
                         if i == 0 else "No visits to the office without an appointment"),
            reasons=("Repeated abusive calls to staff (logged 3, 10 and 17 of the month); warning letter sent first"
                     if i == 0 else "Shouting at reception staff on two visits; CCTV and staff statements held"),
            equality_act_consideration=("No disability or other protected characteristic disclosed bears on the "
                                        "behaviour; email keeps the resident's access to the service"),
            decided_by=f"{manager}, Complaints Manager", decided_on=decided, confirmed=True,
            review_on=today + timedelta(days=3 if i == 0 else 45), ctx=_ctx(manager, today),
        )


def _service_requests(db, answered, last, rng, handlers) -> None:
    residents_seen = list(dict.fromkeys(a.resident_id for a in reversed(answered)))
    raised = 0
    for i, (category, description) in enumerate(SERVICE_REQUESTS):
        received = _workday(last - timedelta(days=3 + 6 * i))
        officer = handlers[i % len(handlers)]
        logged = service_requests.log_service_request(
            db, received_on=received, category=category, description=description,
            resident_id=residents_seen[i % len(residents_seen)], ctx=_ctx(officer, received))
        if i % 3 == 1 and raised < 2:  # dissatisfied: a complaint, and the request carries on (1.5)
            complained = min(logged.due_on, last)
            service_requests.raise_complaint(
                db, logged.reference, received_on=complained, channel="phone", handler=officer,
                resident_words=f"I reported the {description.lower()} on {received:%d %B} and nothing has happened.",
                ctx=_ctx(officer, complained))
            raised += 1
            continue
        if i >= 3 and i % 4 != 0:
            done = min(_workday(received + timedelta(days=rng.randint(2, 18))), last)
            service_requests.complete_service_request(
                db, logged.reference, done_on=done, outcome="Attended and put right", ctx=_ctx(officer, done))


def _remedies_and_actions(db, answered, today, rng, handlers) -> None:
    upheld = [a for a in answered if a.decision in ("upheld", "partly_upheld")]
    with db.write() as session:  # in the demo build's transaction
        steps = PlannedRemedies(db, session)
        for i, a in enumerate(upheld[-24:]):
            _remedied(steps, a, i, today, rng, handlers[i % len(handlers)])
        steps.flush()


def _remedied(steps: PlannedRemedies, a: _Answered, i: int, today: date, rng: random.Random, officer: str) -> None:
    """The remedies and an action of the i-th upheld complaint answered, and what was done."""
    offered = a.responded_on
    ctx = _ctx(officer, offered)
    apology = steps.offer_remedy(a.reference, kind="apology", description="A written apology from the repairs manager",
                                 offered_on=offered, due_on=offered + timedelta(days=7), ctx=ctx)
    pounds = (50, 100, 150, 250, 400)[i % 5]
    financial = steps.offer_remedy(
        a.reference, kind="financial", description="Compensation, paid to the rent account or by BACS",
        offered_on=offered, due_on=offered + timedelta(days=28), amount=str(pounds),
        parts=f"Time and trouble: {pounds // 2}\nDelay in repairs: {pounds - pounds // 2}", ctx=ctx)
    step = min(offered + timedelta(days=5), today)
    steps.record_remedy_outcome(apology, outcome="done", on=step, ctx=_ctx(officer, step))
    if offered + timedelta(days=35) <= today:
        steps.record_remedy_outcome(financial, outcome="accepted", on=step, ctx=_ctx(officer, step))
        paid = offered + timedelta(days=rng.choice((10, 20, 34)))
        steps.record_remedy_outcome(financial, outcome="done", on=paid, ctx=_ctx(officer, paid))
    if i % 3 == 0:
        action = steps.add_action(
            a.reference, description="Post-inspection of the repair and a call to the resident",
            owner="Repairs team", due_on=offered + timedelta(days=21), ctx=ctx)
        if offered + timedelta(days=30) <= today and i % 2 == 0:
            finished = offered + timedelta(days=18)
            steps.update_action(action, update="Inspected; resident satisfied", done_on=finished,
                                ctx=_ctx(officer, finished))


def _ombudsman(db, answered, today, manager) -> None:
    stage_two = [a for a in answered if a.stage == 2 and a.responded_on <= today - timedelta(days=90)]
    if len(stage_two) < 2:
        return
    ctx = _ctx(manager, today)
    older, recent = stage_two[0], stage_two[-1]
    asked = _workday(older.responded_on + timedelta(days=40))
    case = ombudsman.open_case(db, older.reference, ombudsman_reference=f"2025{older.resident_id:05d}",
                               opened_on=asked, ctx=ctx)
    request = ombudsman.add_request(db, case, received_on=asked, description="The complaint file and repair records",
                                    due_on=asked + timedelta(days=14), ctx=ctx)
    ombudsman.meet_request(db, request, met_on=_workday(asked + timedelta(days=12)), ctx=ctx)
    determined = _workday(min(asked + timedelta(days=60), today))
    fault = ombudsman.record_finding(db, case, issue="The landlord's handling of the repairs",
                                     determination="maladministration", determined_on=determined, ctx=ctx)
    ombudsman.record_finding(db, case, issue="The landlord's complaint handling", determination="service_failure",
                             determined_on=determined, ctx=ctx)
    ombudsman.add_order(db, case, kind="order", description="Pay the resident £350 and apologise in writing",
                        due_on=today + timedelta(days=12), finding_id=fault, ctx=ctx)
    ombudsman.add_order(db, case, kind="recommendation", description="Review how repair delays are reported to residents",
                        due_on=today + timedelta(days=40), ctx=ctx)
    case2 = ombudsman.open_case(db, recent.reference, ombudsman_reference=f"2026{recent.resident_id:05d}",
                                opened_on=_workday(today - timedelta(days=10)), ctx=ctx)
    ombudsman.add_request(db, case2, received_on=_workday(today - timedelta(days=10)),
                          description="The stage 1 and stage 2 responses and the evidence relied on",
                          due_on=today + timedelta(days=4), ctx=ctx)


THEME_COLUMNS = ("version", "theme", "root_cause")  # what set_theme changes in a complaint


def _theme_of(a: _Answered) -> tuple[str, str]:
    return THEME_OF_CATEGORY.get(a.category, ("Communication", "Call-backs not logged"))


def _set_themes(db: Database, answered: list[_Answered], ctx: StepContext) -> None:
    """learning.set_theme on each closed complaint answered, in turn: its plan
    (chc_tui.steps.plans.theme) on the complaints read once, each version moved on as
    usecases moves it, the complaints and audit entries written in bulk."""
    closed = [a for a in answered if a.status == "closed"]
    with db.write() as session:  # in the demo build's transaction
        writer = BulkWriter(session, acting_staff_id=acting_staff(session, ctx).id)
        found = session.exec(select(Complaint).where(col(Complaint.reference).in_({a.reference for a in closed}))).all()
        complaints = {complaint.reference: complaint.model_dump() for complaint in found}
        for row in complaints.values():
            writer.written_again(Complaint, row, THEME_COLUMNS)  # as its steps leave it
        for a in closed:
            theme, root = _theme_of(a)
            check_theme(theme)
            row = complaints[a.reference]
            row["version"] += 1
            planned = plan_theme(row, theme=theme, root_cause=root)
            apply_changes(row, planned.changes)
            writer.add(AuditEntry, {**audit_values(ctx, planned.action, planned.details, planned.before),
                                    "complaint_id": row["id"]})
        writer.flush()
        for complaint in found:  # the ORM's copies are old now
            session.expire(complaint)


def _learning(db, answered, today, manager) -> None:
    ctx = _ctx(manager, today)
    _set_themes(db, answered, ctx)
    by_theme: dict[str, list[str]] = {}
    for a in answered:
        if a.status != "closed":
            continue
        theme, _root = _theme_of(a)
        if a.decision != "not_upheld":
            refs = by_theme.setdefault(theme, [])
            if a.reference not in refs:
                refs.append(a.reference)
    lessons = [
        ("Repairs: delay", "Jobs waiting for parts left residents without an update for weeks",
         "A weekly call to every resident whose job waits for parts", 30, False),
        ("Damp and mould", "Treatment was not followed by a check that it worked",
         "A follow-up visit six weeks after every mould treatment", -5, False),
        ("Communication", "Call-backs promised at the first call were not logged",
         "Call-backs logged in the complaint record with a due time", 20, True),
    ]
    for theme, lesson, improvement, due_in, done in lessons:
        refs = by_theme.get(theme, [])[:3]
        if not refs:
            continue
        recorded = today - timedelta(days=45)
        lesson_id = learning.record_lesson(db, theme=theme, lesson=lesson, improvement=improvement, recorded_on=recorded,
                                           due_on=today + timedelta(days=due_in), complaints=refs, ctx=ctx)
        if done:
            learning.complete_improvement(db, lesson_id, done_on=today - timedelta(days=3), ctx=ctx)


def _new_issue(db, today, handlers) -> None:
    """One open stage 1 complaint, defined and unanswered, where the resident raised something
    unrelated: logged as its own complaint, linked to the first (Code 6.8)."""
    with db.write() as session:  # in the demo build's transaction
        found = session.exec(
            select(Complaint.reference, Complaint.received_on, StageRecord.handler)
            .join(StageRecord, StageRecord.complaint_id == Complaint.id)
            .where(Complaint.status == "open", Complaint.current_stage == 1, StageRecord.responded_on == None,  # noqa: E711
                   StageRecord.acknowledged_on != None)  # noqa: E711
            .order_by(Complaint.received_on)
        ).first()
    if found is None:
        return
    reference, received, handler = found
    raised = max(received, _workday(today - timedelta(days=2)))
    new_issues.raise_new_issue(db, reference, issue="Also: the neighbour's dog barks through the night and nobody answers my emails about it",
                               raised_on=raised, related=False, category="Anti-social behaviour", ctx=_ctx(handler, today))

