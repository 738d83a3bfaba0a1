"""Cases the Housing Ombudsman opens on a complaint: its reference, each request with its
due date and when it was met, the determination on each issue, orders and recommendations
with evidence of compliance, and any Complaint Handling Failure Order.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlmodel import select

from chc_tui.rules.context import StepContext
from chc_tui.steps.identity import acting_write
from chc_tui.rules.domain import NotFound, StepRefused
from chc_tui.steps.usecases import Checks, audit, complaint_for_change, record_for_change
from store.engine import Database
from store.models import OmbudsmanCase, OmbudsmanFinding, OmbudsmanOrder, OmbudsmanRequest, saved_id
from chc_tui.wording import counted


class Determination(StrEnum):
    """The Ombudsman's finding on one issue of a case."""

    SEVERE_MALADMINISTRATION = "severe_maladministration"
    MALADMINISTRATION = "maladministration"
    SERVICE_FAILURE = "service_failure"
    NO_MALADMINISTRATION = "no_maladministration"
    REDRESS = "redress"
    MEDIATION = "mediation"
    OUTSIDE_JURISDICTION = "outside_jurisdiction"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {"redress": "reasonable redress"}.get(self.value, self.value.replace("_", " "))

    @property
    def is_fault(self) -> bool:
        """A finding that something went wrong: these count toward the maladministration rate."""
        return self in (Determination.SEVERE_MALADMINISTRATION, Determination.MALADMINISTRATION,
                        Determination.SERVICE_FAILURE)


ORDER_KINDS = ("order", "recommendation")


def _case(session, case_id: int, expected_version: int | None = None) -> OmbudsmanCase:
    return record_for_change(session, OmbudsmanCase, case_id, expected_version, "Ombudsman case")


def open_case(
    db: Database, reference: str, *, ombudsman_reference: str, opened_on: date, expected_version: int | None = None,
    ctx: StepContext | None = None,
) -> int:
    ctx = ctx or StepContext()
    checks = Checks()
    checks.required("ombudsman_reference", ombudsman_reference, "the Ombudsman's reference")
    checks.a_date("opened_on", opened_on, "the date the Ombudsman told you", ctx.today)
    checks.raise_if_any()
    with acting_write(db, ctx) as session:
        complaint = complaint_for_change(session, reference, expected_version)
        taken = session.exec(select(OmbudsmanCase).where(
            OmbudsmanCase.ombudsman_reference == ombudsman_reference.strip())).first()
        if taken is not None:
            raise StepRefused(f"the Ombudsman's reference {ombudsman_reference.strip()} is already recorded", "ombudsman_reference")
        if opened_on < complaint.received_on:
            raise StepRefused(f"the complaint was received on {complaint.received_on:%d/%m/%Y}", "opened_on")
        case = OmbudsmanCase(complaint_id=saved_id(complaint), ombudsman_reference=ombudsman_reference.strip(),
                             opened_on=opened_on, recorded_by=ctx.actor)
        session.add(case)
        session.flush()
        audit(session, ctx, "Ombudsman case opened", complaint.id,
              {"case": case.id, "ombudsman_reference": case.ombudsman_reference, "opened_on": opened_on})
        return saved_id(case)


def _open_case(checks: Checks, case: OmbudsmanCase, doing: str) -> None:
    if case.closed_on is not None:
        checks.add(None, f"case {case.ombudsman_reference} was closed on {case.closed_on:%d/%m/%Y}; cannot {doing}")


def add_request(
    db: Database, case_id: int, *, received_on: date, description: str, due_on: date | None,
    ctx: StepContext | None = None,
) -> int:
    """A request from the Ombudsman (for evidence, a response, the file) and its due date."""
    ctx = ctx or StepContext()
    checks = Checks()
    checks.a_date("received_on", received_on, "the date received", ctx.today)
    checks.required("description", description, "what the Ombudsman asked for")
    if due_on is None:
        checks.add("due_on", "the date the Ombudsman asked for it by is required")
    elif isinstance(received_on, date) and due_on < received_on:
        checks.add("due_on", "it cannot be due before it was received")
    checks.raise_if_any()
    assert due_on is not None  # refused above
    with acting_write(db, ctx) as session:
        case = _case(session, case_id)
        checks = Checks()
        _open_case(checks, case, "add a request")
        checks.raise_if_any()
        row = OmbudsmanRequest(case_id=saved_id(case), received_on=received_on, description=description.strip(),
                               due_on=due_on, recorded_by=ctx.actor)
        session.add(row)
        session.flush()
        audit(session, ctx, "Ombudsman request", case.complaint_id,
              {"case": case.ombudsman_reference, "request": row.id, "description": row.description, "due_on": due_on})
        return saved_id(row)


def meet_request(db: Database, request_id: int, *, met_on: date, ctx: StepContext | None = None) -> None:
    ctx = ctx or StepContext()
    with acting_write(db, ctx) as session:
        row = session.get(OmbudsmanRequest, request_id)
        if row is None:
            raise NotFound(f"no Ombudsman request with id {request_id}")
        case = _case(session, row.case_id)
        checks = Checks()
        if row.met_on is not None:
            checks.add(None, f"this request was met on {row.met_on:%d/%m/%Y}")
        checks.a_date("met_on", met_on, "the date sent", ctx.today, (row.received_on, "it was received"))
        checks.raise_if_any()
        row.met_on = met_on
        session.add(row)
        audit(session, ctx, "Ombudsman request met", case.complaint_id,
              {"case": case.ombudsman_reference, "request": row.id, "met_on": met_on, "late": met_on > row.due_on})


def record_finding(
    db: Database, case_id: int, *, issue: str, determination: str, determined_on: date,
    ctx: StepContext | None = None,
) -> int:
    """The determination on one issue: each issue of a case has its own."""
    ctx = ctx or StepContext()
    checks = Checks()
    checks.required("issue", issue, "the issue the Ombudsman determined")
    if determination not in set(Determination):
        checks.add("determination", "choose the Ombudsman's determination")
    checks.a_date("determined_on", determined_on, "the date of the determination", ctx.today)
    checks.raise_if_any()
    with acting_write(db, ctx) as session:
        case = _case(session, case_id)
        if determined_on < case.opened_on:
            raise StepRefused(f"the case was opened on {case.opened_on:%d/%m/%Y}", "determined_on")
        row = OmbudsmanFinding(case_id=saved_id(case), issue=issue.strip(), determination=determination,
                               determined_on=determined_on, recorded_by=ctx.actor)
        session.add(row)
        session.flush()
        audit(session, ctx, "Ombudsman finding", case.complaint_id,
              {"case": case.ombudsman_reference, "issue": row.issue,
               "determination": Determination(determination).label, "determined_on": determined_on})
        return saved_id(row)


def add_order(
    db: Database, case_id: int, *, kind: str, description: str, due_on: date | None,
    finding_id: int | None = None, ctx: StepContext | None = None,
) -> int:
    """An order or recommendation, with the date it must be complied with by, on the
    finding it was made on. An order needs its finding (the Ombudsman orders on a
    determination), so that the orders on severe maladministration can be reported to the
    governing body with their progress (Code 9.7(c)); a recommendation may name one."""
    ctx = ctx or StepContext()
    checks = Checks()
    if kind not in ORDER_KINDS:
        checks.add("kind", "choose order or recommendation")
    checks.required("description", description, "what the Ombudsman ordered or recommended")
    if due_on is None:
        checks.add("due_on", "the date it must be complied with by is required")
    if finding_id is not None and (not isinstance(finding_id, int) or isinstance(finding_id, bool)):
        checks.add("finding_id", "choose the finding it was made on")
    checks.raise_if_any()
    assert due_on is not None  # refused above
    with acting_write(db, ctx) as session:
        case = _case(session, case_id)
        if finding_id is not None:
            finding = session.get(OmbudsmanFinding, finding_id)
            if finding is None or finding.case_id != case.id:
                raise StepRefused(f"that finding is not one of case {case.ombudsman_reference}'s: choose a finding "
                                  "of this case", "finding_id")
        elif kind == "order":
            has_findings = session.exec(select(OmbudsmanFinding.id).where(OmbudsmanFinding.case_id == case.id)).first()
            raise StepRefused(
                "choose the finding this order was made on (Code 9.7(c): orders on severe maladministration are "
                "reported with their progress)" if has_findings is not None else
                f"record the Ombudsman's finding on case {case.ombudsman_reference} first: an order is made on a "
                "finding (Code 9.7(c))", "finding_id")
        row = OmbudsmanOrder(case_id=saved_id(case), finding_id=finding_id, kind=kind, description=description.strip(),
                             due_on=due_on, recorded_by=ctx.actor)
        session.add(row)
        session.flush()
        audit(session, ctx, f"Ombudsman {kind}", case.complaint_id,
              {"case": case.ombudsman_reference, "order": row.id, "description": row.description, "due_on": due_on,
               "finding": finding_id})
        return saved_id(row)


def comply_order(
    db: Database, order_id: int, *, complied_on: date, evidence: str, expected_version: int | None = None,
    ctx: StepContext | None = None,
) -> None:
    """Compliance with an order, and the evidence sent to the Ombudsman."""
    ctx = ctx or StepContext()
    with acting_write(db, ctx) as session:
        row = record_for_change(session, OmbudsmanOrder, order_id, expected_version, "Ombudsman order")
        case = session.get_one(OmbudsmanCase, row.case_id)  # the order's case: a foreign key
        checks = Checks()
        if row.complied_on is not None:
            checks.add(None, f"this {row.kind} was complied with on {row.complied_on:%d/%m/%Y}")
        checks.a_date("complied_on", complied_on, "the date complied with", ctx.today, (case.opened_on, "the case opened"))
        checks.required("evidence", evidence, "the evidence of compliance sent to the Ombudsman")
        checks.raise_if_any()
        row.complied_on, row.evidence = complied_on, evidence.strip()
        audit(session, ctx, f"Ombudsman {row.kind} complied with", case.complaint_id,
              {"case": case.ombudsman_reference, "order": row.id, "complied_on": complied_on,
               "evidence": row.evidence, "late": complied_on > row.due_on})


def record_chfo(
    db: Database, case_id: int, *, issued_on: date, reason: str, expected_version: int | None = None,
    ctx: StepContext | None = None,
) -> None:
    """A Complaint Handling Failure Order issued on this case."""
    ctx = ctx or StepContext()
    with acting_write(db, ctx) as session:
        case = _case(session, case_id, expected_version)
        checks = Checks()
        if case.chfo_on is not None:
            checks.add(None, f"a Complaint Handling Failure Order was recorded on {case.chfo_on:%d/%m/%Y}")
        checks.a_date("issued_on", issued_on, "the date issued", ctx.today, (case.opened_on, "the case opened"))
        checks.required("reason", reason, "why the Ombudsman issued it")
        checks.raise_if_any()
        case.chfo_on, case.chfo_reason = issued_on, reason.strip()
        audit(session, ctx, "Complaint Handling Failure Order", case.complaint_id,
              {"case": case.ombudsman_reference, "issued_on": issued_on, "reason": case.chfo_reason})


def close_case(
    db: Database, case_id: int, *, closed_on: date, expected_version: int | None = None,
    ctx: StepContext | None = None,
) -> None:
    """Close the case: every request met and every order complied with first."""
    ctx = ctx or StepContext()
    with acting_write(db, ctx) as session:
        case = _case(session, case_id, expected_version)
        checks = Checks()
        _open_case(checks, case, "close it again")
        checks.a_date("closed_on", closed_on, "the date closed", ctx.today, (case.opened_on, "the case opened"))
        open_requests = session.exec(select(OmbudsmanRequest).where(
            OmbudsmanRequest.case_id == case.id, OmbudsmanRequest.met_on == None)).all()  # noqa: E711
        open_orders = session.exec(select(OmbudsmanOrder).where(
            OmbudsmanOrder.case_id == case.id, OmbudsmanOrder.kind == "order",
            OmbudsmanOrder.complied_on == None)).all()  # noqa: E711
        if open_requests:
            checks.add(None, f"{counted(len(open_requests), 'request')} from the Ombudsman not yet met")
        if open_orders:
            checks.add(None, f"{counted(len(open_orders), 'order')} not yet complied with")
        checks.raise_if_any()
        case.closed_on = closed_on
        audit(session, ctx, "Ombudsman case closed", case.complaint_id,
              {"case": case.ombudsman_reference, "closed_on": closed_on})
