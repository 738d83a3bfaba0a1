"""The letters the Code asks for, made from templates and the complaint's own records.

A letter is drafted inside the step's transaction, after the step's changes, so it shows
exactly the dates and decisions the step is about to fix; the draft is carried out and
the transaction rolled back. When the handler sends it, the step runs again with the
final text, which is checked for the Code's required items and stored byte for byte.

Templates are Jinja2 text files. A landlord overrides one by putting a file of the same
name in `letters/` beside the database (see `templates_dir`).
"""

from __future__ import annotations

import functools
import hashlib
import re
import stat
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from chc_tui.documents.letter_signer import (
    LetterDetailsMissing, Signer, complaints_officer, missing_details, signer, stage_handler_name,
)
from chc_tui.rules.domain import Decision, ExclusionReason, Problem, StepRefused
from chc_tui.steps.landlord import LandlordSettings, landlord_settings
from store.models import (
    Complaint,
    Correspondence,
    Deadline,
    Definition,
    Extension,
    Letter,
    Refusal,
    Resident,
    Response,
    StageRecord,
    Withdrawal,
)

PACKAGE_TEMPLATES = Path(__file__).parent / "templates" / "letters"


class LetterKind(StrEnum):
    STAGE1_ACKNOWLEDGEMENT = "stage1_acknowledgement"
    EXTENSION = "extension"
    STAGE1_RESPONSE = "stage1_response"
    STAGE2_ACKNOWLEDGEMENT = "stage2_acknowledgement"
    STAGE2_RESPONSE = "stage2_response"
    REFUSAL = "refusal"
    WITHDRAWAL = "withdrawal"

    @property
    def label(self) -> str:
        return {
            "stage1_acknowledgement": "Stage 1 acknowledgement",
            "extension": "Extension",
            "stage1_response": "Stage 1 response",
            "stage2_acknowledgement": "Stage 2 acknowledgement",
            "stage2_response": "Stage 2 response",
            "refusal": "Refusal",
            "withdrawal": "Withdrawal confirmation",
        }[self.value]

    @property
    def template(self) -> str:
        return f"{self.value}.txt.j2"


def kind_for_step(step: str, stage: int) -> LetterKind | None:
    """Which letter a step sends; None for steps that send none."""
    if step == "acknowledge":
        return LetterKind.STAGE1_ACKNOWLEDGEMENT if stage == 1 else LetterKind.STAGE2_ACKNOWLEDGEMENT
    if step == "respond":
        return LetterKind.STAGE1_RESPONSE if stage == 1 else LetterKind.STAGE2_RESPONSE
    return {"extend": LetterKind.EXTENSION, "refuse": LetterKind.REFUSAL, "withdraw": LetterKind.WITHDRAWAL}.get(step)


class DraftOnly:
    """Passed as a step's `letter` to have the step draft its letter and write nothing."""

    def __repr__(self) -> str:
        return "DRAFT"


DRAFT = DraftOnly()


class AsDrafted:
    """Passed as a step's `letter` to send the letter exactly as drafted (the demo, and
    scripts that record a step whose letter was not changed)."""

    def __repr__(self) -> str:
        return "AS_DRAFTED"


AS_DRAFTED = AsDrafted()


def long_date(value: date | None) -> str:
    """"11 December 2026": plain, and the same on every platform (no %-d)."""
    return "" if value is None else f"{value.day} {value:%B %Y}"


# --- what a letter is made from -----------------------------------------------------------


@dataclass(frozen=True)
class LetterFacts:
    kind: LetterKind
    landlord: LandlordSettings
    reference: str
    stage: int
    letter_date: date
    resident_name: str
    resident_address: str
    representative_name: str
    handler: str
    received_on: date
    stage_opened_on: date
    adjustments: str
    definition: Definition | None = None
    response_due: date | None = None
    extension: Extension | None = None
    response: Response | None = None
    refusal: Refusal | None = None
    withdrawal: Withdrawal | None = None
    signer: Signer = Signer(None, "")  # who did the step: the letter is signed by them

    @property
    def signer_name(self) -> str:
        return self.signer.display_name

    @property
    def signer_title(self) -> str:
        return self.signer.job_title

    @property
    def signer_email(self) -> str:
        return self.signer.email

    @property
    def signer_phone(self) -> str:
        return self.signer.phone

    @property
    def addressee(self) -> str:
        return self.representative_name or self.resident_name

    @property
    def decision_label(self) -> str:
        return Decision(self.response.decision).label if self.response else ""

    @property
    def exclusion_label(self) -> str:
        if self.refusal is None:
            return ""
        return {
            ExclusionReason.OVER_TWELVE_MONTHS: "the issue you raised happened more than 12 months ago",
            ExclusionReason.LEGAL_PROCEEDINGS: "legal proceedings about this matter have started",
            ExclusionReason.ALREADY_CONSIDERED: "we have already considered this matter under our complaints procedure",
        }.get(ExclusionReason(self.refusal.exclusion_reason), "")


def _all_adjustments(session: Session, complaint: Complaint) -> str:
    """This complaint's adjustments and the resident's current ones (Code 5.10), once each."""
    from store.wider_record_queries import current_adjustments

    return "; ".join(current_adjustments(session, complaint.id or 0))


def gather_facts(
    session: Session, complaint: Complaint, stage: StageRecord, kind: LetterKind, letter_date: date,
    signed_by: int | None = None,
) -> LetterFacts:
    """Everything a letter may say, read from the records as they now stand; `signed_by`
    is the staff id of whoever did the step."""
    landlord = landlord_settings(session)
    landlord = replace(landlord, complaints_officer=complaints_officer(session, landlord, letter_date))
    resident = session.get(Resident, complaint.resident_id)
    definition = session.exec(
        select(Definition).where(Definition.stage_id == stage.id).order_by(Definition.id.desc())  # type: ignore[union-attr]
    ).first()
    response_due = session.exec(
        select(Deadline.due_on)
        .where(
            Deadline.stage_id == stage.id,
            Deadline.step == "respond",
            Deadline.active == True,  # noqa: E712
            Deadline.provisional == False,  # noqa: E712
        )
        .order_by(Deadline.id.desc())  # type: ignore[union-attr]
    ).first()
    extension = session.exec(
        select(Extension).where(Extension.stage_id == stage.id).order_by(Extension.id.desc())  # type: ignore[union-attr]
    ).first()
    return LetterFacts(
        kind=kind,
        landlord=landlord,
        reference=complaint.reference,
        stage=stage.stage,
        letter_date=letter_date,
        resident_name=resident.name if resident else "",
        resident_address=resident.address if resident else "",
        representative_name=complaint.representative_name,
        handler=stage_handler_name(session, stage.handler_staff_id, stage.handler),
        received_on=complaint.received_on,
        stage_opened_on=stage.opened_on,
        adjustments=_all_adjustments(session, complaint),
        definition=definition,
        response_due=response_due,
        extension=extension,
        response=session.exec(select(Response).where(Response.stage_id == stage.id)).first(),
        refusal=session.exec(select(Refusal).where(Refusal.complaint_id == complaint.id)).first(),
        withdrawal=session.exec(select(Withdrawal).where(Withdrawal.complaint_id == complaint.id)).first(),
        signer=signer(session, signed_by),
    )


# --- the items each letter must carry -----------------------------------------------------


@dataclass(frozen=True)
class RequiredItem:
    """One thing the Code says the letter must tell the resident.

    `present` says whether the records hold it; `needle` is text the final letter must
    still contain (a date, the reference, the Ombudsman's number), checked after editing.
    Items worded freely (reasons, the definition) have no needle: the handler may reword.
    """

    label: str
    provision: str
    present: bool
    needle: str = ""
    fix: str = ""

    def message(self) -> str:
        rule = f" (Code {self.provision})" if self.provision else ""
        return f"{self.label} is missing{rule}" + (f": {self.fix}" if self.fix else "")


def _ombudsman(facts: LetterFacts, provision: str, label: str = "the right to go to the Housing Ombudsman") -> RequiredItem:
    phone = facts.landlord.ombudsman_phone.strip()
    return RequiredItem(
        label, provision, bool(phone and facts.landlord.ombudsman_form.strip()), phone,
        "set the Ombudsman's telephone and online form in Settings",
    )


def required_items(facts: LetterFacts) -> list[RequiredItem]:
    kind = facts.kind
    ref = RequiredItem("the complaint reference", "", bool(facts.reference), facts.reference)
    definition = RequiredItem(
        "the complaint definition", "5.6", facts.definition is not None, "",
        "define the complaint first (what it is about and the outcomes sought)",
    )
    if kind in (LetterKind.STAGE1_ACKNOWLEDGEMENT, LetterKind.STAGE2_ACKNOWLEDGEMENT):
        provision = "6.2" if facts.stage == 1 else "6.11"
        return [
            ref,
            RequiredItem("who is handling the complaint", provision, bool(facts.handler.strip()), facts.handler.strip()),
            definition,
            RequiredItem("the date we will respond by", "6.3" if facts.stage == 1 else "6.14",
                         facts.response_due is not None, long_date(facts.response_due)),
            RequiredItem("the offer of reasonable adjustments", "5.10", True, "reasonable adjustment"),
            _ombudsman(facts, "6.2" if facts.stage == 1 else "6.11"),
        ]
    if kind is LetterKind.EXTENSION:
        ext = facts.extension
        return [
            ref,
            RequiredItem("the new response date", "6.4", ext is not None, long_date(ext.new_due) if ext else ""),
            RequiredItem("the reasons for the extension", "6.4", bool(ext and ext.reason.strip())),
            _ombudsman(facts, "6.5" if facts.stage == 1 else "6.16", "the Ombudsman's contact details"),
        ]
    if kind in (LetterKind.STAGE1_RESPONSE, LetterKind.STAGE2_RESPONSE):
        first = kind is LetterKind.STAGE1_RESPONSE
        p = "6.9" if first else "6.19"
        response = facts.response
        items = [
            ref,
            RequiredItem("the complaint stage", f"{p}a", True, f"stage {facts.stage}"),
            RequiredItem("the complaint definition", f"{p}b", facts.definition is not None, "",
                         "define the complaint first (what it is about and the outcomes sought)"),
            RequiredItem("the decision", f"{p}c", bool(response and response.decision), facts.decision_label),
            RequiredItem("the reasons for the decision", f"{p}d", bool(response and response.reasons.strip())),
        ]
        if first:
            officer = facts.landlord.complaints_officer.strip()
            items.append(
                RequiredItem("how to escalate to stage 2", "6.9g", bool(officer), "stage 2",
                             "set the complaints officer in Settings: the letter names who to contact")
            )
        else:
            items.append(_ombudsman(facts, "6.19g", "how to take the complaint to the Ombudsman"))
        return items
    if kind is LetterKind.REFUSAL:
        refusal = facts.refusal
        return [
            ref,
            RequiredItem("the reasons the complaint is not taken on", "2.4", bool(refusal and refusal.explanation.strip())),
            _ombudsman(facts, "2.4", "the right to take the decision to the Ombudsman"),
        ]
    return [ref, RequiredItem("the date of withdrawal", "", facts.withdrawal is not None,
                              long_date(facts.withdrawal.withdrawn_on) if facts.withdrawal else "")]


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).casefold()


def missing_from_records(facts: LetterFacts) -> list[Problem]:
    return [Problem(None, item.message()) for item in required_items(facts) if not item.present]


def missing_from_text(facts: LetterFacts, text: str) -> list[Problem]:
    """Required items the edited letter no longer says."""
    squashed = _squash(text)
    return [
        Problem("letter", f"the letter no longer gives {item.label} (it should say \u201c{item.needle}\u201d)"
                + (f" (Code {item.provision})" if item.provision else ""))
        for item in required_items(facts)
        if item.present and item.needle and _squash(item.needle) not in squashed
    ]


# --- rendering ------------------------------------------------------------------------------


def templates_dir(db_path: Path) -> Path:
    """A landlord's own templates: `letters/` beside the database."""
    return Path(db_path).parent / "letters"


@functools.lru_cache(maxsize=8)
def _environment(override: Path | None):
    """One environment per templates folder: Jinja compiles each template once and
    reloads it when the file changes (auto_reload), so an override takes effect at once."""
    import jinja2  # only when a letter is made: keeps start-up light
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    loaders: list[Any] = []
    if override is not None:  # searched even if made later: a missing folder finds nothing
        loaders.append(jinja2.FileSystemLoader(str(override)))
    loaders.append(jinja2.FileSystemLoader(str(PACKAGE_TEMPLATES)))
    # A landlord's template is text anyone in the complaints group may write, rendered in
    # every handler's session: the sandbox keeps it to the letter's facts, so a template
    # cannot reach Python (lipsum.__globals__, __class__, ...) and run code as whoever drafts.
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,  # a typo in a template fails loudly, never prints blank
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # plain text letters
    )
    env.filters["long_date"] = long_date
    return env


def _writable_by_others(path: Path) -> bool:
    return bool(path.stat().st_mode & stat.S_IWOTH)


def refuse_unsafe_templates(override: Path | None) -> None:
    """A templates folder, or a template in it (one letter includes others), that anyone on
    the server may change is not the landlord's own: refuse it, naming the file."""
    if override is None or not override.is_dir():
        return
    for path in (override, *sorted(override.glob("*.j2"))):
        if _writable_by_others(path):
            raise StepRefused(
                f"the letter template folder {override} is not used: {path} can be changed by "
                f"anyone on this computer; run: chmod o-w '{path}'"
            )


def render(facts: LetterFacts, override: Path | None = None) -> tuple[str, str]:
    """(text, template file used)."""
    import jinja2

    refuse_unsafe_templates(override)
    env = _environment(override)
    try:
        template = env.get_template(facts.kind.template)
        text = template.render(f=facts, landlord=facts.landlord, long_date=long_date)
    except jinja2.TemplateError as exc:  # SecurityError included: the sandbox said no
        where = template.filename if "template" in locals() else facts.kind.template
        raise StepRefused(f"the letter template {where} could not be used: {exc}") from None
    return text, str(template.filename)


@dataclass(frozen=True)
class LetterDraft:
    kind: LetterKind
    stage: int
    text: str
    template: str
    addressee: str
    adjustments: str
    items: list[RequiredItem] = field(default_factory=list)


class LetterDrafted(Exception):
    """Carries a draft out of the step's transaction, which it rolls back."""

    def __init__(self, draft: LetterDraft) -> None:
        super().__init__(draft.kind.value)
        self.draft = draft


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def draft_or_send(
    session: Session,
    *,
    db_path: Path,
    complaint: Complaint,
    stage: StageRecord,
    step: str,
    letter: str | DraftOnly | AsDrafted | None,
    letter_date: date,
    actor: str,
) -> Letter | None:
    """Called by a step after its changes are flushed. No letter: nothing to do. DRAFT:
    raise LetterDrafted (rolling the step back). Text: check it and store it as sent."""
    if letter is None:
        return None
    kind = kind_for_step(step, stage.stage)
    if kind is None:
        raise StepRefused(f"the {step} step sends no letter")
    from chc_tui.steps.identity import acting  # the step's writer: who signs

    facts = gather_facts(session, complaint, stage, kind, letter_date, acting(session).done_by)
    gaps = missing_details(facts.landlord, facts.signer, names_officer=kind is LetterKind.STAGE1_RESPONSE)
    if gaps:
        raise LetterDetailsMissing(gaps, facts.signer.staff_id)
    problems = missing_from_records(facts)
    if problems:
        raise StepRefused(problems)
    rendered, template = render(facts, templates_dir(db_path))
    if isinstance(letter, DraftOnly):
        raise LetterDrafted(
            LetterDraft(kind, stage.stage, rendered, template, facts.addressee, facts.adjustments, required_items(facts))
        )
    if isinstance(letter, AsDrafted):
        letter = rendered
    if not letter.strip():
        raise StepRefused("the letter is empty", "letter")
    problems = missing_from_text(facts, letter)
    if problems:
        raise StepRefused(problems)
    stored = Letter(
        complaint_id=complaint.id,
        stage=stage.stage,
        kind=kind.value,
        body=letter,
        sha256=sha256_text(letter),
        template=Path(template).name,
        edited=letter != rendered,
        sent_on=letter_date,
        sent_by=actor,
    )
    session.add(stored)
    session.flush()
    session.add(
        Correspondence(
            complaint_id=complaint.id,
            happened_on=letter_date,
            kind="letter",
            direction="out",
            party="representative" if complaint.representative_name else "resident",
            party_name=facts.addressee,
            summary=f"{kind.label} letter sent",
            letter_id=stored.id,
            recorded_by=actor,
        )
    )
    return stored
