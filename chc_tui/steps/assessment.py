"""The yearly self-assessment against the Code (8.1-8.4): answering provisions, carrying a
year's answers into the next, and when the year's submission to the Ombudsman is due.

A self-assessment year is a financial year: `year` 2024 means 1 April 2024 to
31 March 2025. Every write validates, writes and audits in one transaction, like the
complaint steps in `chc_tui.steps.usecases`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from chc_tui.rules import financial_year, provisions, submission
from chc_tui.rules.context import StepContext
from chc_tui.steps.identity import acting_write
from chc_tui.rules.domain import StaleRecord, StepRefused
from chc_tui.steps.settings import get_setting, put_setting
from chc_tui.steps.usecases import _audit
from store.engine import Database
from store.models import AssessmentAnswer, utcnow

COMPLY_VALUES = ("yes", "no", "")
COMPLY_LABEL = {"yes": "Yes", "no": "No", "": ""}

FIRST_YEAR = 2023
"""The first year the 2024 Code's provisions can be assessed against: landlords
self-assessed their 2023/24 year against the 2024 Code, published in February 2024."""

from chc_tui.steps.settings import LANDLORD_NAME_KEY  # noqa: E402  (one key, shared)
DEFAULT_LANDLORD_NAME = "Your landlord"
BOARD_APPROVED_KEY = submission.BOARD_APPROVED_KEY  # one home: the rule reads it too
"""Setting: {"2024": "2025-09-10", ...}, the date the governing body approved each year's
self-assessment and annual report (Code 8.2)."""

LARGE_LANDLORD_HOMES = submission.LARGE_LANDLORD_HOMES


# --- financial years: chc_tui.rules.financial_year, under the names this module has always had --

year_start = financial_year.first_day
year_end = financial_year.last_day
year_label = financial_year.label
year_span = financial_year.span
financial_year_of = financial_year.year_of


def last_year_allowed(today: date) -> int:
    """A landlord may prepare next year's assessment, not one further ahead."""
    return financial_year_of(today) + 1


# --- the yearly submission (item 5 of issue #4) ----------------------------------------


# The deadline's one home is chc_tui.rules.submission; its names here, as this module has always had them.
submission_due = submission.submission_due


def board_approved_on(session: Session, year: int) -> date | None:
    value = (get_setting(session, BOARD_APPROVED_KEY, {}) or {}).get(str(year))
    return date.fromisoformat(value) if value else None


def landlord_name(session: Session) -> str:
    return get_setting(session, LANDLORD_NAME_KEY, DEFAULT_LANDLORD_NAME) or DEFAULT_LANDLORD_NAME


# --- writes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Answered:
    year: int
    provision: str
    comply: str
    version: int


def _check_year(year: int, today: date, field: str = "year") -> None:
    if not isinstance(year, int) or isinstance(year, bool):
        raise StepRefused(f"the year must be a number such as 2024, not {year!r}", field)
    last = last_year_allowed(today)
    if year < FIRST_YEAR or year > last:
        raise StepRefused(
            f"{year} is not a year that can be assessed: choose {FIRST_YEAR} to {last} "
            f"(2024 means {year_span(2024)})",
            field,
        )


def _check_provision(provision: str) -> None:
    if not provisions.is_provision(provision):
        raise StepRefused(
            f"{provision!r} is not a provision of the Code's self-assessment (1.2 to 9.8)", "provision"
        )


def _row(session: Session, year: int, provision: str) -> AssessmentAnswer | None:
    return session.exec(
        select(AssessmentAnswer).where(
            AssessmentAnswer.year == year, AssessmentAnswer.provision == provision
        )
    ).first()


def _check_version(row: AssessmentAnswer | None, expected_version: int | None, year: int, provision: str) -> None:
    """expected_version None: no check; 0: the handler saw no answer yet."""
    if expected_version is None:
        return
    current = 0 if row is None else row.version
    if current != expected_version:
        who = f" by {row.changed_by}" if row is not None and row.changed_by else ""
        raise StaleRecord(
            f"{provision} ({year_label(year)}) was changed{who} since you opened it "
            f"(version {expected_version} -> {current}); reload it and try again"
        )


def answer_provision(
    db: Database,
    *,
    year: int,
    provision: str,
    comply: str,
    evidence: str,
    commentary: str,
    expected_version: int | None = None,
    ctx: StepContext | None = None,
) -> Answered:
    """Record the landlord's answer to one provision for one year (Code 8.1 a).

    `comply` is "yes", "no" or "" (not yet answered). An answer carried over from the
    previous year stops being marked carried over: it has now been confirmed.
    `expected_version` is the version the handler saw (0: no answer yet)."""
    ctx = ctx or StepContext()
    comply = (comply or "").strip().casefold()
    _check_year(year, ctx.today)
    _check_provision(provision)
    if comply not in COMPLY_VALUES:
        raise StepRefused(f"comply must be Yes, No or not answered, not {comply!r}", "comply")
    evidence, commentary = (evidence or "").strip(), (commentary or "").strip()
    with acting_write(db, ctx) as session:
        row = _row(session, year, provision)
        _check_version(row, expected_version, year, provision)
        before = None
        if (
            row is not None
            and not row.carried_over
            and (row.comply, row.evidence, row.commentary) == (comply, evidence, commentary)
        ):
            return Answered(year, provision, comply, row.version)  # nothing changed: nothing written
        if row is None:
            row = AssessmentAnswer(year=year, provision=provision, version=1)
        else:
            before = {"comply": row.comply, "evidence": row.evidence, "commentary": row.commentary, "carried_over": row.carried_over}
            row.version += 1
        row.comply, row.evidence, row.commentary = comply, evidence, commentary
        row.carried_over = False
        row.changed_by, row.changed_at = ctx.actor, utcnow()
        session.add(row)
        _audit(
            session,
            ctx,
            "self-assessment answer",
            None,
            {
                "year": year,
                "provision": provision,
                "comply": comply,
                "evidence": evidence,
                "commentary": commentary,
                "before": before,
            },
        )
        session.flush()
        return Answered(year, provision, comply, row.version)


def start_year(db: Database, *, year: int, ctx: StepContext | None = None) -> int:
    """Start a year from the previous year's answers: each provision the new year has no
    answer for gets the previous year's, marked carried over until confirmed.

    Idempotent: a second call copies nothing and writes nothing. Returns how many
    answers were copied."""
    ctx = ctx or StepContext()
    _check_year(year, ctx.today)
    with acting_write(db, ctx) as session:
        have = set(session.exec(select(AssessmentAnswer.provision).where(AssessmentAnswer.year == year)))
        previous = session.exec(select(AssessmentAnswer).where(AssessmentAnswer.year == year - 1))
        copied = []
        for old in previous:
            if old.provision in have or not provisions.is_provision(old.provision):
                continue
            if not (old.comply or old.evidence or old.commentary):
                continue
            session.add(
                AssessmentAnswer(
                    year=year,
                    provision=old.provision,
                    comply=old.comply,
                    evidence=old.evidence,
                    commentary=old.commentary,
                    carried_over=True,
                    changed_by=ctx.actor,
                    changed_at=utcnow(),
                    version=1,
                )
            )
            copied.append(old.provision)
        if copied:
            _audit(
                session,
                ctx,
                "self-assessment start year",
                None,
                {"year": year, "from_year": year - 1, "copied": len(copied)},
            )
        return len(copied)


def confirm_carried_over(
    db: Database,
    *,
    year: int,
    provision: str | None = None,
    expected_version: int | None = None,
    ctx: StepContext | None = None,
) -> int:
    """Confirm carried-over answers unchanged: one provision, or (provision None) every
    carried-over answer of the year. Returns how many were confirmed."""
    ctx = ctx or StepContext()
    _check_year(year, ctx.today)
    if provision is not None:
        _check_provision(provision)
    with acting_write(db, ctx) as session:
        if provision is not None:
            row = _row(session, year, provision)
            _check_version(row, expected_version, year, provision)
            rows = [row] if row is not None and row.carried_over else []
        else:
            rows = list(
                session.exec(
                    select(AssessmentAnswer).where(
                        AssessmentAnswer.year == year,
                        AssessmentAnswer.carried_over == True,  # noqa: E712
                    )
                )
            )
        for row in rows:
            row.carried_over = False
            row.version += 1
            row.changed_by, row.changed_at = ctx.actor, utcnow()
            session.add(row)
        if rows:
            _audit(
                session,
                ctx,
                "self-assessment confirm",
                None,
                {"year": year, "provisions": [r.provision for r in rows]},
            )
        return len(rows)


def set_board_approval(
    db: Database, *, year: int, approved_on: date | None, ctx: StepContext | None = None
) -> None:
    """Record (or clear, with None) the date the governing body approved the year's
    self-assessment and annual complaints report (Code 8.2)."""
    ctx = ctx or StepContext()
    _check_year(year, ctx.today)
    if approved_on is not None:
        if not isinstance(approved_on, date):
            raise StepRefused(f"the approval date must be a date, not {approved_on!r}", "approved_on")
        if approved_on > ctx.today:
            raise StepRefused(f"the approval date cannot be in the future (today is {ctx.today:%d/%m/%Y})", "approved_on")
    with acting_write(db, ctx) as session:
        dates = dict(get_setting(session, BOARD_APPROVED_KEY, {}) or {})
        if approved_on is None:
            dates.pop(str(year), None)
        else:
            dates[str(year)] = approved_on.isoformat()
        put_setting(session, BOARD_APPROVED_KEY, dates)
        _audit(session, ctx, "self-assessment board approval", None, {"year": year, "approved_on": approved_on})
