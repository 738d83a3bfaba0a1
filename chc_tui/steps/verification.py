"""Verifying an imported complaint (issue 18.2): a complaint moved in from a spreadsheet
holds only what the sheet held. What it did not hold -- for each extension, when it was
decided, when the resident was told, whether the Ombudsman's details were given and any
good reason for passing the Code's limit (6.4, 6.5, 6.15, 6.16); for a refusal, whether
the resident was told they could take it to the Ombudsman (2.4) -- is stored as not known,
and the record is "imported, not verified".

A handler reads the letters, and `verify_imported` records what they show, fact by fact,
each checked as the extend step checks it (not in the future; the resident told no earlier
than the decision; a decision no earlier than the acknowledgement), marks the complaint
verified by them on that day, and audits both. A fact the letters do not show may stay not
known: the figures keep counting it as not shown (chc_tui.rules.extension_standard). A
fact already recorded is not overwritten here (a typo is corrected elsewhere); a complaint
typed in, or already verified, is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Sequence

from sqlmodel import Session, select

from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import NotFound, StepRefused
from chc_tui.rules.extension_standard import extension_shortfalls
from chc_tui.rules.policy import CODE_2024, CodePolicy
from chc_tui.steps.identity import acting, acting_write
from chc_tui.steps.usecases import Checks, audit, complaint_for_change
from store.engine import Database
from store.models import Complaint, Extension, Refusal, Staff, StageRecord
from store.queries import ComplaintDetail

# The facts of an extension a sheet never holds, as the form and the CLI name them.
EXTENSION_FACTS = ("decided_on", "told_resident_on", "ombudsman_details_given", "good_reason")
FACT_LABELS = {
    "decided_on": "the date it was decided",
    "told_resident_on": "the date the resident was told",
    "ombudsman_details_given": "whether the Ombudsman's details were given",
    "good_reason": "a good reason for passing the Code's limit",
    "ombudsman_right_explained": "whether the Ombudsman route was explained (Code 2.4)",
}


def extension_field(number: int, fact: str) -> str:
    """The name of one extension's fact, as a problem's field and the form's field."""
    return f"extension_{number}_{fact}"


REFUSAL_FIELD = "refusal_explained"


@dataclass(frozen=True)
class ExtensionFound:
    """What the letters show of one extension; None (or "") is "still not known"."""

    number: int  # the complaint's extensions counted from 1, stage 1's first
    decided_on: date | None = None
    told_resident_on: date | None = None
    ombudsman_details_given: bool | None = None
    good_reason: str = ""


@dataclass(frozen=True)
class NotKnown:
    """One extension's or refusal's facts still stored as not known."""

    what: str  # "extension 1 (stage 1, to 31/03/2026)" or "refusal"
    facts: tuple[str, ...]  # keys of FACT_LABELS
    number: int = 0  # the extension's number; 0 for the refusal

    def __str__(self) -> str:
        return f"{self.what}: {', '.join(FACT_LABELS[f] for f in self.facts)} not known"


def _extension_unknowns(extension: Extension, stage: int, policy: CodePolicy) -> tuple[str, ...]:
    """The facts of this extension not known; a good reason only where the Code needs one
    (past its limit, 6.4, 6.15)."""
    return tuple(
        fact for fact, unknown in (
            ("decided_on", extension.decided_on is None),
            ("told_resident_on", extension.told_resident_on is None),
            ("ombudsman_details_given", extension.ombudsman_details_given is None),
            ("good_reason", policy.for_stage(stage).past_limit_without_reason(
                extension.working_days_beyond_target, extension.good_reason)),
        ) if unknown
    )


def numbered_extensions(stages: Sequence[tuple[int, Sequence[Extension]]]) -> list[tuple[int, int, Extension]]:
    """(number, stage, extension) in the order a handler counts them: stage 1's first."""
    found: list[tuple[int, int, Extension]] = []
    for stage, extensions in stages:
        for extension in extensions:
            found.append((len(found) + 1, stage, extension))
    return found


def not_known(detail: ComplaintDetail, policy: CodePolicy = CODE_2024) -> list[NotKnown]:
    """What of this complaint is stored as not known (for the form, the CLI and the screen)."""
    found = [
        NotKnown(f"extension {n} (stage {stage}, to {extension.new_due:%d/%m/%Y})", facts, n)
        for n, stage, extension in numbered_extensions([(s.stage, s.extensions) for s in detail.stages])
        if (facts := _extension_unknowns(extension, stage, policy))
    ]
    if detail.refusal is not None and detail.refusal.ombudsman_right_explained is None:
        found.append(NotKnown("refusal", ("ombudsman_right_explained",)))
    return found


def is_unverified(complaint: Complaint) -> bool:
    """Imported from a spreadsheet and not yet verified by a handler."""
    return bool(complaint.imported_from) and complaint.verified_on is None


@dataclass(frozen=True)
class Verified:
    reference: str
    verified_on: date
    still_not_known: tuple[str, ...]  # what the letters did not show, left not known
    not_in_line: tuple[str, ...] = ()  # "extension 1: ..." for each way an extension falls short of the Code


def verify_imported(
    db: Database,
    reference: str,
    *,
    extensions: Sequence[ExtensionFound] = (),
    refusal_explained: bool | None = None,
    expected_version: int | None = None,
    ctx: StepContext | None = None,
) -> Verified:
    """Mark an imported complaint verified by the acting handler today, recording the
    facts they found in the letters (each checked; nothing written if any is refused)."""
    ctx = ctx or StepContext()
    with acting_write(db, ctx) as session:
        complaint = complaint_for_change(session, reference, expected_version)
        checks = Checks()
        if not complaint.imported_from:
            raise StepRefused(f"{reference} was recorded in chc, not imported from a spreadsheet: there is nothing to verify")
        if complaint.verified_on is not None:
            who = session.get(Staff, complaint.verified_by_staff_id) if complaint.verified_by_staff_id else None
            by = f" by {who.display_name}" if who else ""
            raise StepRefused(f"{reference} was already verified on {complaint.verified_on:%d/%m/%Y}{by}")
        numbered = {n: (stage, extension) for n, stage, extension in numbered_extensions(_stages(session, complaint))}
        before: dict[str, object] = {}
        after: dict[str, object] = {"verified_on": ctx.today, "imported_from": complaint.imported_from}
        seen: set[int] = set()
        for found in extensions:
            if found.number not in numbered:
                checks.add("extension", f"{reference} has no extension {found.number}"
                           + (f" (it has {len(numbered)})" if numbered else " (it has none)"))
                continue
            if found.number in seen:
                checks.add("extension", f"extension {found.number} is given twice")
                continue
            seen.add(found.number)
            stage, extension = numbered[found.number]
            changes = _extension_changes(checks, session, found, stage, extension, ctx.today)
            for fact, value in changes.items():
                before[extension_field(found.number, fact)] = getattr(extension, fact)
                after[extension_field(found.number, fact)] = value
                setattr(extension, fact, value)
            session.add(extension)
        refusal = session.exec(select(Refusal).where(Refusal.complaint_id == complaint.id)).first()
        if refusal_explained is not None:
            if refusal is None:
                checks.add(REFUSAL_FIELD, f"{reference} was not refused: there is no refusal to verify")
            elif refusal.ombudsman_right_explained is not None:
                checks.add(REFUSAL_FIELD, "whether the Ombudsman route was explained is already recorded "
                                          f"({'yes' if refusal.ombudsman_right_explained else 'no'})")
            else:
                before["refusal_ombudsman_right_explained"] = None
                after["refusal_ombudsman_right_explained"] = refusal_explained
                refusal.ombudsman_right_explained = refusal_explained
                session.add(refusal)
        checks.raise_if_any()
        complaint.verified_on = ctx.today
        complaint.verified_by_staff_id = acting(session).staff_id
        session.add(complaint)
        left = [
            f"extension {n}: {FACT_LABELS[fact]}"
            for n, stage, extension in numbered_extensions(_stages(session, complaint))
            for fact in _extension_unknowns(extension, stage, ctx.policy)
        ] + (["refusal: " + FACT_LABELS["ombudsman_right_explained"]]
             if refusal is not None and refusal.ombudsman_right_explained is None else [])
        short = [
            f"extension {n}: {shortfall}"
            for n, stage, extension in numbered_extensions(_stages(session, complaint))
            for shortfall in extension_shortfalls(extension, ctx.policy.for_stage(stage))
        ]
        after["still_not_known"] = left
        after["not_in_line_with_code"] = short
        audit(session, ctx, "verify imported", complaint.id, after, {"verified_on": None, **before})
        return Verified(complaint.reference, ctx.today, tuple(left), tuple(short))


def _stages(session: Session, complaint: Complaint) -> list[tuple[int, list[Extension]]]:
    if complaint.id is None:
        raise NotFound(f"no complaint {complaint.reference!r}")
    records = session.exec(
        select(StageRecord).where(StageRecord.complaint_id == complaint.id).order_by(StageRecord.stage)
    ).all()
    return [
        (record.stage, list(session.exec(
            select(Extension).where(Extension.stage_id == record.id).order_by(Extension.id))))
        for record in records
    ]


def _extension_changes(
    checks: Checks, session: Session, found: ExtensionFound, stage: int, extension: Extension, today: date
) -> dict[str, object]:
    """The facts found for one extension, each checked as the extend step checks it."""
    n = found.number
    changes: dict[str, object] = {}

    def only_if_unknown(fact: str, value: object) -> bool:
        current = getattr(extension, fact)
        if current is None or (fact == "good_reason" and not str(current).strip()):
            return True
        shown = f"{current:%d/%m/%Y}" if isinstance(current, date) else ("yes" if current is True else
                                                                          "no" if current is False else current)
        checks.add(extension_field(n, fact), f"extension {n}: {FACT_LABELS[fact]} is already recorded ({shown})")
        return False

    acknowledged = session.exec(select(StageRecord.acknowledged_on).where(StageRecord.id == extension.stage_id)).one()
    decided = extension.decided_on
    if found.decided_on is not None and only_if_unknown("decided_on", found.decided_on):
        checks.a_date(extension_field(n, "decided_on"), found.decided_on, f"extension {n}: the date decided", today,
                      (acknowledged, f"the stage {stage} acknowledgement") if acknowledged else None)
        changes["decided_on"] = decided = found.decided_on
    if found.told_resident_on is not None and only_if_unknown("told_resident_on", found.told_resident_on):
        floor = (decided, "the extension was decided") if decided else (
            (acknowledged, f"the stage {stage} acknowledgement") if acknowledged else None)
        checks.a_date(extension_field(n, "told_resident_on"), found.told_resident_on,
                      f"extension {n}: the date the resident was told", today, floor)
        changes["told_resident_on"] = found.told_resident_on
    if found.ombudsman_details_given is not None and only_if_unknown("ombudsman_details_given", found.ombudsman_details_given):
        changes["ombudsman_details_given"] = found.ombudsman_details_given
    if found.good_reason.strip() and only_if_unknown("good_reason", found.good_reason):
        changes["good_reason"] = found.good_reason.strip()
    return changes
