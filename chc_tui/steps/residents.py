"""A resident's contact details and needs: disclosed vulnerabilities and disabilities,
reasonable adjustments kept under review (Code 5.10), representatives (3.6), and
restrictions for unacceptable behaviour, reasoned and reviewed (5.14, 5.15).

Each function validates, writes and audits in one transaction, like chc_tui.steps.usecases.
The audit row carries the resident's newest complaint, so it shows in that history.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from chc_tui.rules.context import StepContext
from chc_tui.steps.identity import acting_write
from chc_tui.rules.domain import NeedsConfirmation, NotFound, Problem, StepRefused
from chc_tui.steps.usecases import Checks, audit, record_for_change
from store.engine import Database
from store.models import Adjustment, Complaint, Representative, Resident, Restriction, Vulnerability, saved_id

# How a resident prefers to be contacted (their preference, not how a complaint came in).
CONTACT_CHANNELS = ("letter", "email", "phone", "text message", "in person")


def _newest_complaint_id(session: Session, resident_id: int) -> int | None:
    return session.exec(select(func.max(Complaint.id)).where(Complaint.resident_id == resident_id)).one()


def _resident(session: Session, resident_id: int) -> Resident:
    resident = session.get(Resident, resident_id)
    if resident is None:
        raise NotFound(f"no resident with id {resident_id}")
    return resident


def _audit(session: Session, ctx: StepContext, action: str, resident_id: int, details: dict, before=None) -> None:
    audit(session, ctx, action, _newest_complaint_id(session, resident_id), {"resident_id": resident_id, **details}, before)


def _current_vulnerabilities(session: Session, resident_id: int, on: date) -> list[str]:
    """What the resident has disclosed (Code 5.10) and still applies on `on`."""
    rows = session.exec(select(Vulnerability).where(Vulnerability.resident_id == resident_id)).all()
    return [v.description for v in rows if v.ended_on is None or v.ended_on > on]


def _review_after(checks: Checks, field: str, review_on, start, start_label: str, provision: str) -> None:
    if review_on is None:
        checks.add(field, f"a review date is required: it must be kept under review (Code {provision})")
    elif not isinstance(review_on, date):
        checks.add(field, f"the review date must be a date, not {review_on!r}")
    elif isinstance(start, date) and review_on <= start:
        checks.add(field, f"the review date must be after {start_label} ({start:%d/%m/%Y})")


# --- contact details ------------------------------------------------------------------------


def check_contact(checks: Checks, *, phone: str, email: str, preferred_channel: str) -> None:
    """The contact details make sense together: an email address that is one, and the means
    of contact the resident prefers (also when a correction changes them)."""
    if preferred_channel and preferred_channel not in CONTACT_CHANNELS:
        checks.add("preferred_channel", f"choose one of: {', '.join(CONTACT_CHANNELS)}")
    if email.strip() and "@" not in email:
        checks.add("email", f"{email.strip()!r} is not an email address")
    if preferred_channel == "email" and not email.strip():
        checks.add("email", "an email address is needed when the resident prefers email")
    if preferred_channel in ("phone", "text message") and not phone.strip():
        checks.add("phone", f"a telephone number is needed when the resident prefers {preferred_channel}")


def update_contact(
    db: Database,
    resident_id: int,
    *,
    address: str,
    phone: str,
    email: str,
    preferred_channel: str,
    expected_version: int | None = None,
    ctx: StepContext | None = None,
) -> None:
    ctx = ctx or StepContext()
    checks = Checks()
    check_contact(checks, phone=phone, email=email, preferred_channel=preferred_channel)
    checks.raise_if_any()
    with acting_write(db, ctx) as session:
        resident = record_for_change(session, Resident, resident_id, expected_version, "resident")
        before = {k: getattr(resident, k) for k in ("address", "phone", "email", "preferred_channel")}
        resident.address, resident.phone, resident.email = address.strip(), phone.strip(), email.strip()
        resident.preferred_channel = preferred_channel or ""
        after = {k: getattr(resident, k) for k in before}
        _audit(session, ctx, "update contact details", resident_id, after, before)


# --- tenure: the TSM stock type the resident's home is counted in (issue 18.6) ----------------


def checked_tenure(session: Session, tenure: str | None) -> str:
    """"LCRA", "LCHO" (one of the landlord's stock types) or "" (not known)."""
    from chc_tui.rules.tenure import STOCK_TYPES
    from chc_tui.steps.settings import stock_types

    name = (tenure or "").strip().upper()
    if name in ("", "NOT KNOWN", "UNKNOWN"):
        return ""
    if name not in STOCK_TYPES:
        raise StepRefused(f"unknown tenure {tenure!r}: choose {', '.join(STOCK_TYPES)}, or leave it blank for not known",
                          "tenure")
    have = stock_types(session)
    if name not in have:
        raise StepRefused(f"{name} is not one of the landlord's stock types ({', '.join(have)}): "
                          f"add it in Settings first, or leave the tenure blank for not known", "tenure")
    return name


def set_tenure(
    db: Database, resident_id: int, *, tenure: str, expected_version: int | None = None,
    ctx: StepContext | None = None,
) -> None:
    """The resident's tenure: the stock type (LCRA, LCHO) their home is counted in for TSM
    CH01 and CH02, or "" when not known (counted in the total only)."""
    ctx = ctx or StepContext()
    with acting_write(db, ctx) as session:
        chosen = checked_tenure(session, tenure)
        if _resident(session, resident_id).tenure == chosen:
            return  # nothing changed: no new version, no audit entry
        resident = record_for_change(session, Resident, resident_id, expected_version, "resident")
        before = {"tenure": resident.tenure}
        resident.tenure = chosen
        _audit(session, ctx, "set tenure", resident_id, {"tenure": chosen}, before)


# --- vulnerabilities and disabilities (5.10) ------------------------------------------------


def record_vulnerability(
    db: Database, resident_id: int, *, description: str, disclosed_on: date, ctx: StepContext | None = None
) -> int:
    ctx = ctx or StepContext()
    checks = Checks()
    checks.required("description", description, "what the resident disclosed", "5.10")
    checks.a_date("disclosed_on", disclosed_on, "the date disclosed", ctx.today)
    checks.raise_if_any()
    with acting_write(db, ctx) as session:
        _resident(session, resident_id)
        row = Vulnerability(resident_id=resident_id, description=description.strip(), disclosed_on=disclosed_on,
                            recorded_by=ctx.actor)
        session.add(row)
        session.flush()
        _audit(session, ctx, "record vulnerability", resident_id, {"description": row.description, "disclosed_on": disclosed_on})
        return saved_id(row)


def end_vulnerability(
    db: Database, vulnerability_id: int, *, ended_on: date, expected_version: int | None = None,
    ctx: StepContext | None = None,
) -> None:
    ctx = ctx or StepContext()
    with acting_write(db, ctx) as session:
        row = record_for_change(session, Vulnerability, vulnerability_id, expected_version, "vulnerability")
        checks = Checks()
        if row.ended_on is not None:
            checks.add(None, f"already recorded as no longer applying on {row.ended_on:%d/%m/%Y}")
        checks.a_date("ended_on", ended_on, "the date it stopped applying", ctx.today, (row.disclosed_on, "it was disclosed"))
        checks.raise_if_any()
        row.ended_on = ended_on
        _audit(session, ctx, "end vulnerability", row.resident_id, {"description": row.description, "ended_on": ended_on})


# --- reasonable adjustments (5.10) ------------------------------------------------------------


def agree_adjustment(
    db: Database, resident_id: int, *, description: str, agreed_on: date, review_on: date | None,
    ctx: StepContext | None = None,
) -> int:
    """A reasonable adjustment agreed with the resident; it must be kept under active review
    (Code 5.10), so it needs a review date."""
    ctx = ctx or StepContext()
    checks = Checks()
    checks.required("description", description, "the adjustment agreed", "5.10")
    checks.a_date("agreed_on", agreed_on, "the date agreed", ctx.today)
    _review_after(checks, "review_on", review_on, agreed_on, "the date agreed", "5.10")
    checks.raise_if_any()
    assert review_on is not None  # refused above
    with acting_write(db, ctx) as session:
        _resident(session, resident_id)
        row = Adjustment(resident_id=resident_id, description=description.strip(), agreed_on=agreed_on,
                         review_on=review_on, recorded_by=ctx.actor)
        session.add(row)
        session.flush()
        _audit(session, ctx, "agree adjustment", resident_id,
               {"description": row.description, "agreed_on": agreed_on, "review_on": review_on})
        return saved_id(row)


def adjustment_from_complaint(session: Session, ctx: StepContext, resident_id: int, text: str, agreed_on: date,
                              complaint_id: int | None) -> int | None:
    """Inside a complaint's step (logging, the `d` step): the adjustment typed on the
    complaint becomes the resident's (Code 5.10), so it follows them to every complaint and
    letter, with a first review ADJUSTMENT_REVIEW_MONTHS on. Nothing new when the resident
    already has it in force; returns the new adjustment's id, or None."""
    from dateutil.relativedelta import relativedelta

    from chc_tui.rules.needs import ADJUSTMENT_REVIEW_MONTHS

    description = (text or "").strip()
    if not description:
        return None
    held = session.exec(select(Adjustment.description).where(
        Adjustment.resident_id == resident_id, Adjustment.ended_on == None)).all()  # noqa: E711
    if description in held:
        return None
    row = Adjustment(resident_id=resident_id, description=description, agreed_on=agreed_on,
                     review_on=agreed_on + relativedelta(months=ADJUSTMENT_REVIEW_MONTHS), recorded_by=ctx.actor)
    session.add(row)
    session.flush()
    audit(session, ctx, "agree adjustment", complaint_id,
          {"resident_id": resident_id, "description": row.description, "agreed_on": agreed_on,
           "review_on": row.review_on, "from_complaint": True})
    return saved_id(row)


def _review(
    session: Session, ctx: StepContext, row, label: str, reviewed_on: date, next_review_on: date | None,
    end: bool, provision: str, start: date, note: str,
) -> None:
    checks = Checks()
    if row.ended_on is not None:
        checks.add(None, f"this {label} ended on {row.ended_on:%d/%m/%Y}; there is nothing to review")
    checks.a_date("reviewed_on", reviewed_on, "the review date", ctx.today, (start, "it began"))
    if not end:
        _review_after(checks, "next_review_on", next_review_on, reviewed_on, "this review", provision)
    checks.raise_if_any()
    before = {"review_on": row.review_on, "reviewed_on": row.reviewed_on}
    row.reviewed_on = reviewed_on
    if end:
        row.ended_on = reviewed_on
    else:
        row.review_on = next_review_on
    action = f"end {label}" if end else f"review {label}"
    after = {"review_on": row.review_on, "reviewed_on": reviewed_on, "ended_on": row.ended_on, "note": note.strip()}
    _audit(session, ctx, action, row.resident_id, after, before)


def review_adjustment(
    db: Database, adjustment_id: int, *, reviewed_on: date, next_review_on: date | None = None,
    end: bool = False, note: str = "", expected_version: int | None = None, ctx: StepContext | None = None,
) -> None:
    """Record a review: the adjustment goes on with its next review date, or ends."""
    ctx = ctx or StepContext()
    with acting_write(db, ctx) as session:
        row = record_for_change(session, Adjustment, adjustment_id, expected_version, "adjustment")
        _review(session, ctx, row, "adjustment", reviewed_on, next_review_on, end, "5.10", row.agreed_on, note)


# --- representatives (3.6) ----------------------------------------------------------------------


def add_representative(
    db: Database, resident_id: int, *, name: str, relationship: str, contact: str = "",
    authority_confirmed_on: date | None = None, ctx: StepContext | None = None,
) -> int:
    """Someone acting for the resident (Code 3.6). Until their authority is confirmed the
    screens say so: personal information is not discussed with them before that."""
    ctx = ctx or StepContext()
    checks = Checks()
    checks.required("name", name, "the representative's name")
    checks.required("relationship", relationship, "how they are related to the resident", "3.6")
    if authority_confirmed_on is not None:
        checks.a_date("authority_confirmed_on", authority_confirmed_on, "the date authority was confirmed", ctx.today)
    checks.raise_if_any()
    with acting_write(db, ctx) as session:
        _resident(session, resident_id)
        row = Representative(resident_id=resident_id, name=name.strip(), relationship=relationship.strip(),
                             contact=contact.strip(), authority_confirmed_on=authority_confirmed_on, recorded_by=ctx.actor)
        session.add(row)
        session.flush()
        _audit(session, ctx, "add representative", resident_id,
               {"name": row.name, "relationship": row.relationship, "authority_confirmed_on": authority_confirmed_on})
        return saved_id(row)


def confirm_representative(
    db: Database, representative_id: int, *, authority_confirmed_on: date, expected_version: int | None = None,
    ctx: StepContext | None = None,
) -> None:
    ctx = ctx or StepContext()
    with acting_write(db, ctx) as session:
        row = record_for_change(session, Representative, representative_id, expected_version, "representative")
        checks = Checks()
        checks.a_date("authority_confirmed_on", authority_confirmed_on, "the date authority was confirmed", ctx.today)
        checks.raise_if_any()
        before = {"authority_confirmed_on": row.authority_confirmed_on}
        row.authority_confirmed_on = authority_confirmed_on
        _audit(session, ctx, "confirm representative", row.resident_id,
               {"name": row.name, "authority_confirmed_on": authority_confirmed_on}, before)


def end_representative(
    db: Database, representative_id: int, *, ended_on: date, expected_version: int | None = None,
    ctx: StepContext | None = None,
) -> None:
    ctx = ctx or StepContext()
    with acting_write(db, ctx) as session:
        row = record_for_change(session, Representative, representative_id, expected_version, "representative")
        checks = Checks()
        if row.ended_on is not None:
            checks.add(None, f"{row.name} stopped acting on {row.ended_on:%d/%m/%Y}")
        checks.a_date("ended_on", ended_on, "the date they stopped acting", ctx.today)
        checks.raise_if_any()
        row.ended_on = ended_on
        _audit(session, ctx, "end representative", row.resident_id, {"name": row.name, "ended_on": ended_on})


# --- restrictions for unacceptable behaviour (5.14, 5.15) ------------------------------------------


def impose_restriction(
    db: Database, resident_id: int, *, restriction: str, reasons: str, decided_by: str, decided_on: date,
    review_on: date | None, equality_act_consideration: str = "", confirmed: bool = False,
    ctx: StepContext | None = None,
) -> int:
    """A restriction on contact: its reasons evidenced, a named decision-maker, and a review
    date, because restrictions must be kept under regular review (Code 5.14) and stay
    proportionate, with regard to the Equality Act 2010 (5.15): how the Act was considered
    is required. Without a review date it is refused. Where the resident has disclosed a
    vulnerability or disability still current, it is recorded only `confirmed` (the form's
    second Ctrl+S): NeedsConfirmation otherwise, nothing written."""
    ctx = ctx or StepContext()
    checks = Checks()
    checks.required("restriction", restriction, "what contact is restricted, and how", "5.15")
    checks.required("reasons", reasons, "the reasons for the restriction", "5.14")
    checks.required("equality_act_consideration", equality_act_consideration,
                    "how the Equality Act 2010 was considered", "5.15")
    checks.required("decided_by", decided_by, "who decided it", "5.14")
    checks.a_date("decided_on", decided_on, "the date decided", ctx.today)
    _review_after(checks, "review_on", review_on, decided_on, "the decision", "5.14")
    checks.raise_if_any()
    assert review_on is not None  # refused above
    with acting_write(db, ctx) as session:
        _resident(session, resident_id)
        disclosed = _current_vulnerabilities(session, resident_id, decided_on)
        if disclosed and not confirmed:
            raise NeedsConfirmation([
                Problem(None, f"The resident has disclosed: {'; '.join(disclosed)} (Code 5.10). Make sure the "
                              "restriction is proportionate and takes account of it (Code 5.15)."),
                Problem("equality_act_consideration", "say how the disclosed vulnerability was considered"),
                Problem(None, "Check it, then save again to record the restriction"),
            ])
        row = Restriction(resident_id=resident_id, restriction=restriction.strip(), reasons=reasons.strip(),
                          decided_by=decided_by.strip(), decided_on=decided_on, review_on=review_on,
                          equality_act_consideration=equality_act_consideration.strip(), recorded_by=ctx.actor)
        session.add(row)
        session.flush()
        _audit(session, ctx, "impose restriction", resident_id,
               {"restriction": row.restriction, "reasons": row.reasons, "decided_by": row.decided_by,
                "decided_on": decided_on, "review_on": review_on,
                "equality_act_consideration": row.equality_act_consideration,
                **({"recorded_knowing_disclosed": disclosed} if disclosed else {})})
        return saved_id(row)


def review_restriction(
    db: Database, restriction_id: int, *, reviewed_on: date, next_review_on: date | None = None,
    lift: bool = False, note: str = "", expected_version: int | None = None, ctx: StepContext | None = None,
) -> None:
    """Record a review: the restriction goes on to its next review date, or is lifted."""
    ctx = ctx or StepContext()
    with acting_write(db, ctx) as session:
        row = record_for_change(session, Restriction, restriction_id, expected_version, "restriction")
        checks = Checks()
        if not lift and not (note or "").strip():
            checks.add("note", "say why the restriction is still needed and proportionate (Code 5.15)")
            checks.raise_if_any()
        _review(session, ctx, row, "restriction", reviewed_on, next_review_on, lift, "5.14", row.decided_on, note or "")

