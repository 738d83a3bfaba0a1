"""How each letter goes out (issue 21): by email, by post, or both, and where each route
has got to.

Every stored letter has one `LetterDelivery` row, written by `record_route` in the same
transaction as the letter (chc_tui.documents.letters.draft_or_send): the handler's choice
on sending, or the resident's preferred channel. The post route is "to post" until the
post run that printed it is marked posted (`mark_posted`, one use-case for the CLI and the
TUI); the email route is "to email" until sent ("emailed at") or refused ("bounced", with
the server's words, and still to email): `record_emailed` and `record_bounced` are for the
mail transport (chc_tui/mail/), which is not built here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Session, col, select

from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import NotFound, Problem, StepRefused
from chc_tui.steps.identity import acting_write
from store.engine import Database
from store.models import Complaint, Letter, LetterDelivery, Representative, Resident, saved_id, utcnow

FIELD = "send_by"  # the field a refusal names: the letter screen's "Goes by", the CLI's --send-by


class Route(StrEnum):
    EMAIL = "email"
    POST = "post"
    BOTH = "both"

    @property
    def by_post(self) -> bool:
        return self in (Route.POST, Route.BOTH)

    @property
    def by_email(self) -> bool:
        return self in (Route.EMAIL, Route.BOTH)

    @property
    def label(self) -> str:
        return {"email": "email", "post": "post", "both": "email and post"}[self.value]

    def next(self) -> "Route":
        """The next choice on the letter screen: email, post, both, email..."""
        order = list(Route)
        return order[(order.index(self) + 1) % len(order)]


@dataclass(frozen=True)
class Outgoing:
    """A step's `letter` with the handler's choice of how it goes: `text` is the letter (or
    letters.AS_DRAFTED), `send_by` one of Route's values. A plain text goes by the default."""

    text: object
    send_by: str


@dataclass(frozen=True)
class Contact:
    """Where a letter to this complaint's resident can go."""

    preferred: str  # the resident's recorded preferred channel ("" not recorded)
    address: str
    email: str  # the resident's, or the acting representative's if theirs is an email address
    email_is_representatives: bool = False

    @property
    def default(self) -> Route:
        """The resident's preferred channel: email if they prefer email, else post (a
        letter, a call, a visit or nothing recorded). Where that route has no address to go
        to and the other has, the other: a default is never one the records cannot meet."""
        wanted = Route.EMAIL if self.preferred == "email" else Route.POST
        if wanted is Route.EMAIL and not self.email and self.address:
            return Route.POST
        if wanted is Route.POST and not self.address and self.email:
            return Route.EMAIL
        return wanted

    def problems(self, route: Route) -> list[Problem]:
        out = []
        if route.by_post and not self.address.strip():
            out.append(Problem(FIELD, "cannot send this letter by post: the resident has no address recorded; "
                                      "record it on the resident's details, or send it by email"))
        if route.by_email and not self.email.strip():
            out.append(Problem(FIELD, "cannot send this letter by email: there is no email address for the resident "
                                      "(or for the representative acting for them); record one, or send it by post"))
        return out


def _representative_email(session: Session, complaint: Complaint) -> str:
    """The acting representative's contact, when it is an email address (Code 3.6)."""
    if not complaint.representative_name.strip():
        return ""
    rows = session.exec(select(Representative).where(
        Representative.resident_id == complaint.resident_id, col(Representative.ended_on).is_(None))
        .order_by(col(Representative.id).desc())).all()
    return representative_email(rows, complaint.representative_name)


def representative_email(in_force: Sequence[Representative], representative_name: str) -> str:
    """Of the resident's representatives in force (newest first), the email of the one the
    complaint names, else of any."""
    if not representative_name.strip():
        return ""
    named = [r for r in in_force if r.name.strip().casefold() == representative_name.strip().casefold()]
    for rep in named or in_force:
        if "@" in rep.contact:
            return rep.contact.strip()
    return ""


def contact_for(session: Session, complaint: Complaint) -> Contact:
    resident = session.get(Resident, complaint.resident_id)
    if resident is None:
        return Contact("", "", "")
    return contact_of(resident.preferred_channel, resident.address, resident.email,
                      _representative_email(session, complaint))


def contact_of(preferred_channel: str, address: str, email: str, representative_email: str) -> Contact:
    """Where a resident's letters can go: the acting representative's email before theirs."""
    return Contact(preferred_channel, address.strip(), representative_email or email.strip(), bool(representative_email))


def parse_route(send_by: str | None) -> Route | None:
    """The handler's choice; None when they left the default. StepRefused for another word."""
    if send_by is None or not str(send_by).strip():
        return None
    try:
        return Route(str(send_by).strip().lower())
    except ValueError:
        raise StepRefused(f"{send_by!r} is not a way to send a letter: choose email, post or both", FIELD) from None


def record_route(session: Session, letter: Letter, complaint: Complaint, send_by: str | None) -> LetterDelivery:
    """The letter's delivery row, in the letter's own transaction (flushed with it). A route
    chosen by the handler must have somewhere to go: StepRefused naming FIELD otherwise,
    and the step writes nothing. The default is the resident's preferred channel."""
    contact = contact_for(session, complaint)
    chosen = parse_route(send_by)
    if chosen is not None:
        problems = contact.problems(chosen)
        if problems:
            raise StepRefused(problems)
    delivery = LetterDelivery(letter_id=saved_id(letter), channel=(chosen or contact.default).value)
    session.add(delivery)
    return delivery


# --- what a delivery's state is --------------------------------------------------------------


def _day(value: date) -> str:
    return f"{value:%d/%m/%Y}"


def post_state(delivery: LetterDelivery) -> str:
    """"to post", "posted on 03/12/2026", or "" when the letter does not go by post."""
    if not Route(delivery.channel).by_post:
        return ""
    return f"posted on {_day(delivery.posted_on)}" if delivery.posted_on else "to post"


def email_state(delivery: LetterDelivery) -> str:
    """"to email", "emailed at 03/12/2026 10:15", "bounced: <why> (to email)", or ""."""
    if not Route(delivery.channel).by_email:
        return ""
    if delivery.emailed_at is not None:
        return f"emailed at {delivery.emailed_at:%d/%m/%Y %H:%M} UTC"
    if delivery.bounce:
        return f"bounced: {delivery.bounce} (to email)"
    return "to email"


def describe(delivery: LetterDelivery | None) -> str:
    """One line for the letters list and the evidence pack."""
    if delivery is None:
        return "not recorded"
    return "; ".join(s for s in (post_state(delivery), email_state(delivery)) if s)


# --- the post run ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Waiting:
    """A letter waiting to be posted, with what the post run prints it from."""

    letter: Letter
    delivery: LetterDelivery
    reference: str
    resident_name: str
    addressee: str  # the representative acting, else the resident
    address: str
    complaint_id: int


def waiting_to_post(session: Session) -> list[Waiting]:
    """Every letter whose post route is "to post", oldest first (by letter id)."""
    rows = session.exec(
        select(Letter, LetterDelivery, Complaint, Resident)
        .join(LetterDelivery, col(LetterDelivery.letter_id) == col(Letter.id))
        .join(Complaint, col(Complaint.id) == col(Letter.complaint_id))
        .join(Resident, col(Resident.id) == col(Complaint.resident_id))
        .where(col(LetterDelivery.channel).in_([Route.POST.value, Route.BOTH.value]),
               col(LetterDelivery.posted_on).is_(None))
        .order_by(col(Letter.id))
    ).all()
    return [Waiting(letter, delivery, complaint.reference, resident.name,
                    complaint.representative_name.strip() or resident.name, resident.address.strip(),
                    complaint.id or 0)
            for letter, delivery, complaint, resident in rows]


@dataclass(frozen=True)
class Posted:
    posted_on: date
    letter_ids: tuple[int, ...]


def mark_posted(db: Database, letter_ids: list[int], *, posted_on: date, ctx: StepContext | None = None) -> Posted:
    """Record "posted on `posted_on`" for each letter of a printed post run, and audit each.
    A letter not for post, already posted, or unknown refuses the whole run: nothing changes."""
    from chc_tui.steps.usecases import audit  # usecases imports the letters, which import this

    ctx = ctx or StepContext()
    problems: list[Problem] = []
    if not isinstance(posted_on, date):
        problems.append(Problem("posted_on", f"the posting date must be a date, not {posted_on!r}"))
    elif posted_on > ctx.today:
        problems.append(Problem("posted_on", f"the posting date cannot be in the future (today is {_day(ctx.today)})"))
    if not letter_ids:
        problems.append(Problem(None, "there are no letters waiting to be posted"))
    if problems:
        raise StepRefused(problems)
    with acting_write(db, ctx) as session:
        found = {d.letter_id: d for d in session.exec(
            select(LetterDelivery).where(col(LetterDelivery.letter_id).in_(letter_ids)))}
        sent_on = dict(session.exec(select(Letter.id, Letter.sent_on).where(col(Letter.id).in_(letter_ids))).all())
        for letter_id in letter_ids:
            delivery = found.get(letter_id)
            if delivery is None:
                problems.append(Problem(None, f"letter {letter_id}: no such letter, or no delivery recorded for it"))
            elif not Route(delivery.channel).by_post:
                problems.append(Problem(None, f"letter {letter_id} goes by {Route(delivery.channel).label}, not post"))
            elif delivery.posted_on is not None:
                problems.append(Problem(None, f"letter {letter_id} was already posted on {_day(delivery.posted_on)}"
                                              f"{' (by ' + delivery.posted_by + ')' if delivery.posted_by else ''}"))
            elif sent_on[letter_id] > posted_on:
                problems.append(Problem("posted_on", f"letter {letter_id} is dated {_day(sent_on[letter_id])}: "
                                                     f"it cannot have been posted on {_day(posted_on)}"))
        if problems:
            raise StepRefused(problems)
        for letter_id in letter_ids:
            delivery = found[letter_id]
            letter = session.get(Letter, letter_id)
            delivery.posted_on = posted_on
            delivery.posted_by = ctx.actor
            delivery.version += 1
            session.add(delivery)
            audit(session, ctx, "letter posted", letter.complaint_id if letter else None,
                  {"letter_id": letter_id, "posted_on": posted_on, "channel": delivery.channel})
    return Posted(posted_on, tuple(letter_ids))


# --- the email route (for the mail transport) --------------------------------------------------


@dataclass(frozen=True)
class EmailWaiting:
    letter_id: int
    reference: str
    to: str  # the representative's email when one acts, else the resident's; "" none recorded


def waiting_to_email(session: Session) -> list[EmailWaiting]:
    """Every letter whose email route is "to email" (never sent, or bounced), oldest first."""
    rows = session.exec(
        select(Letter.id, Complaint)
        .join(LetterDelivery, col(LetterDelivery.letter_id) == col(Letter.id))
        .join(Complaint, col(Complaint.id) == col(Letter.complaint_id))
        .where(col(LetterDelivery.channel).in_([Route.EMAIL.value, Route.BOTH.value]),
               col(LetterDelivery.emailed_at).is_(None))
        .order_by(col(Letter.id))
    ).all()
    return [EmailWaiting(letter_id or 0, complaint.reference, contact_for(session, complaint).email)
            for letter_id, complaint in rows]


def _for_email(session: Session, letter_id: int) -> LetterDelivery:
    delivery = session.exec(select(LetterDelivery).where(LetterDelivery.letter_id == letter_id)).first()
    if delivery is None:
        raise NotFound(f"no delivery recorded for letter {letter_id}")
    if not Route(delivery.channel).by_email:
        raise StepRefused(f"letter {letter_id} goes by {Route(delivery.channel).label}, not email")
    if delivery.emailed_at is not None:
        raise StepRefused(f"letter {letter_id} was already emailed at {delivery.emailed_at:%d/%m/%Y %H:%M} UTC")
    return delivery


def record_emailed(db: Database, letter_id: int, *, at: datetime | None = None, ctx: StepContext | None = None) -> None:
    """The mail server took the letter: "emailed at"."""
    from chc_tui.steps.usecases import audit

    ctx = ctx or StepContext()
    with acting_write(db, ctx) as session:
        delivery = _for_email(session, letter_id)
        delivery.emailed_at = at or utcnow()
        delivery.version += 1
        session.add(delivery)
        letter = session.get(Letter, letter_id)
        audit(session, ctx, "letter emailed", letter.complaint_id if letter else None,
              {"letter_id": letter_id, "channel": delivery.channel})


def record_bounced(db: Database, letter_id: int, failure: str, *, at: datetime | None = None,
                   ctx: StepContext | None = None) -> None:
    """The mail server refused it (or could not be reached): "bounced", with its words; the
    letter stays to email."""
    from chc_tui.steps.usecases import audit

    ctx = ctx or StepContext()
    with acting_write(db, ctx) as session:
        delivery = _for_email(session, letter_id)
        delivery.bounce = (failure or "").strip() or "the mail server gave no reason"
        delivery.bounced_at = at or utcnow()
        delivery.version += 1
        session.add(delivery)
        letter = session.get(Letter, letter_id)
        audit(session, ctx, "letter bounced", letter.complaint_id if letter else None,
              {"letter_id": letter_id, "channel": delivery.channel})
