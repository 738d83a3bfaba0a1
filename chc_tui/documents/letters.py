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

from sqlalchemy import bindparam
from sqlmodel import Session, select

from chc_tui.documents import letter_blocks as blocks
from chc_tui.documents import letter_remedies
from chc_tui.documents.letter_signer import (
    LetterDetailsMissing, Signer, complaints_officer, missing_details, signer, stage_handler_name,
)
from chc_tui.rules import provisions
from chc_tui.rules.domain import Decision, ExclusionReason, Problem, StepRefused
from chc_tui.rules.policy import CODE_2024
from chc_tui.steps.delivery import Contact, Outgoing, contact_for, record_route
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
    saved_id,
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
    update_every_days: int | None = None  # the update interval agreed for the stage (Code 5.9)
    remedies: tuple[str, ...] = ()
    """The remedy block's lines (6.9e, 6.19e); each sum of money in them must stay in the letter."""
    actions: tuple[str, ...] = ()
    """The outstanding actions block's lines (6.9f, 6.19f); each sum and date must stay."""
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


def other_needs(session: Session, complaint: Complaint) -> tuple[str, ...]:
    """What the handler should have in mind above every letter besides its adjustments: the
    resident's disclosed vulnerabilities and representatives in force (5.10)."""
    from store.models import Representative, Vulnerability

    vulnerable = session.exec(select(Vulnerability.description).where(
        Vulnerability.resident_id == complaint.resident_id, Vulnerability.ended_on == None)  # noqa: E711
        .order_by(Vulnerability.id)).all()
    represented = session.exec(select(Representative.name, Representative.relationship).where(
        Representative.resident_id == complaint.resident_id, Representative.ended_on == None)  # noqa: E711
        .order_by(Representative.id)).all()
    return (tuple(f"disclosed: {text}" for text in vulnerable)
            + tuple(f"representative: {name} ({relationship})" if relationship else f"representative: {name}"
                    for name, relationship in represented))


def _the_stage_records(session: Session, complaint: Complaint, stage: StageRecord) -> tuple:
    """In one query: the ids of the stage's latest definition, extension and its response,
    its response date in force, and the complaint's refusal and withdrawal (issue 22: six
    queries a letter). Each row is then usually the one the step has just loaded or made."""
    ids = {"stage_id": stage.id, "complaint_id": complaint.id}
    return tuple(session.execute(_stage_records_query(), ids).one())


@functools.cache
def _stage_records_query():
    """Built once, for every letter (its six subqueries were a third of the query's time)."""
    stage_id, complaint_id = bindparam("stage_id"), bindparam("complaint_id")

    def newest(model, column, *where):
        return select(column).where(*where).order_by(model.id.desc()).limit(1).scalar_subquery()

    return select(
        newest(Definition, Definition.id, Definition.stage_id == stage_id),
        newest(Deadline, Deadline.due_on, Deadline.stage_id == stage_id, Deadline.step == "respond",
               Deadline.active == True, Deadline.provisional == False),  # noqa: E712
        newest(Extension, Extension.id, Extension.stage_id == stage_id),
        newest(Response, Response.id, Response.stage_id == stage_id),  # one a stage
        newest(Refusal, Refusal.id, Refusal.complaint_id == complaint_id),  # one a complaint
        newest(Withdrawal, Withdrawal.id, Withdrawal.complaint_id == complaint_id),  # one a complaint
    )


def _by_id(session: Session, model, row_id: int | None):
    return None if row_id is None else session.get(model, row_id)


def gather_facts(
    session: Session, complaint: Complaint, stage: StageRecord, kind: LetterKind, letter_date: date,
    signed_by: int | None = None,
) -> LetterFacts:
    """Everything a letter may say, read from the records as they now stand; `signed_by`
    is the staff id of whoever did the step."""
    landlord = landlord_settings(session)
    landlord = replace(landlord, complaints_officer=complaints_officer(session, landlord, letter_date))
    resident = session.get(Resident, complaint.resident_id)
    definition_id, response_due, extension_id, response_id, refusal_id, withdrawal_id = _the_stage_records(
        session, complaint, stage)
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
        definition=_by_id(session, Definition, definition_id),
        response_due=response_due,
        extension=_by_id(session, Extension, extension_id),
        response=_by_id(session, Response, response_id),
        refusal=_by_id(session, Refusal, refusal_id),
        withdrawal=_by_id(session, Withdrawal, withdrawal_id),
        update_every_days=stage.update_every_days,
        remedies=letter_remedies.remedy_lines(session, complaint, stage, as_of=letter_date),
        actions=letter_remedies.action_lines(session, complaint, stage),
        signer=signer(session, signed_by),
    )


# --- the items each letter must carry -----------------------------------------------------


@dataclass(frozen=True)
class RequiredItem:
    """One thing the Code says the letter must tell the resident, and the block that says it.

    `present` says whether the records hold it. `block` is the key of its heading in
    letter_blocks.HEADINGS: the final letter must still have that heading, with text under
    it that passes `check` (the facts the block states agree with the record). `needle` is
    the text the drafted block carries for that fact (a date, the reference), shown to tests
    and to the handler; items worded freely (reasons, the definition) have none.
    """

    label: str
    provision: str
    present: bool
    needle: str = ""
    fix: str = ""
    block: str = ""
    check: blocks.Check = field(default=blocks.says_something, compare=False, repr=False)

    def message(self) -> str:
        return f"{self.label} is missing{provisions.cite(self.provision)}" + (f": {self.fix}" if self.fix else "")

    @property
    def heading(self) -> str:
        return blocks.HEADINGS.get(self.block, "")


def _ombudsman(facts: LetterFacts, provision: str, label: str, block: str = "ombudsman") -> RequiredItem:
    phone = facts.landlord.ombudsman_phone.strip()
    form = facts.landlord.ombudsman_form.strip()
    return RequiredItem(
        label, provision, bool(phone and form), phone,
        "set the Ombudsman's telephone and online form in Settings", block,
        blocks.all_of(blocks.states_telephone(phone), blocks.states(form)),
    )


def _reference(facts: LetterFacts) -> RequiredItem:
    return RequiredItem("the complaint reference", "", bool(facts.reference), facts.reference, "", "reference",
                        blocks.states(facts.reference))


def _definition(facts: LetterFacts, provision: str = provisions.DEFINITION,
                responsible: str = provisions.RESPONSIBLE_ASPECTS, suffix: str = "") -> list[RequiredItem]:
    """The complaint definition (5.6, 5.7; 6.9b, 6.19b in a response), one block a part."""
    d = facts.definition
    fix = "define the complaint first (what it is about and the outcomes sought)"
    if d is None:
        return [RequiredItem("the complaint definition", provision, False, fix=fix)]
    items = [
        RequiredItem("the complaint definition: our understanding of the complaint", provision, True, block="understanding"),
        RequiredItem("the complaint definition: the outcomes the resident seeks", provision, True, block="outcomes"),
        RequiredItem("the aspects of the complaint we are responsible for", responsible, True, block="responsible"),
    ]
    if d.not_responsible_aspects.strip():
        items.append(RequiredItem("the aspects of the complaint we are not responsible for", responsible, True,
                                  block="not_responsible"))
    return items


def required_items(facts: LetterFacts) -> list[RequiredItem]:
    """The blocks `facts.kind` must carry, each with the provision that requires it."""
    kind = facts.kind
    rules = CODE_2024.for_stage(facts.stage)
    ref = _reference(facts)
    if kind in (LetterKind.STAGE1_ACKNOWLEDGEMENT, LetterKind.STAGE2_ACKNOWLEDGEMENT):
        handler = facts.handler.strip()
        due = facts.response_due
        return [
            ref,
            RequiredItem("who is handling the complaint", rules.acknowledge_provision, bool(handler), handler,
                         block="handler", check=blocks.states(handler)),
            *_definition(facts),
            RequiredItem("the date we will respond by", rules.respond_provision, due is not None, long_date(due),
                         block="response_due", check=blocks.states_date(due) if due else blocks.says_something),
            RequiredItem("the offer of reasonable adjustments", provisions.ADJUSTMENTS, True, "reasonable adjustment",
                         block="adjustments", check=blocks.states("reasonable adjustment")),
            _ombudsman(facts, provisions.OMBUDSMAN_DETAILS, "the right to go to the Housing Ombudsman"),
        ]
    if kind is LetterKind.EXTENSION:
        ext = facts.extension
        return [
            ref,
            RequiredItem("the new response date", rules.extension_provision, ext is not None,
                         long_date(ext.new_due) if ext else "", block="response_due",
                         check=blocks.states_date(ext.new_due) if ext else blocks.says_something),
            RequiredItem("the reasons for the extension", rules.extension_provision, bool(ext and ext.reason.strip()),
                         block="extension_reason"),
            _ombudsman(facts, rules.extension_ombudsman_provision, "the Ombudsman's contact details"),
        ]
    if kind in (LetterKind.STAGE1_RESPONSE, LetterKind.STAGE2_RESPONSE):
        p = rules.response_contents_provision
        response = facts.response
        decided = bool(response and response.decision)
        items = [
            ref,
            RequiredItem("the complaint stage", f"{p}a", True, f"stage {facts.stage}", block="stage",
                         check=blocks.states_stage(facts.stage)),
            *_definition(facts, f"{p}b", f"{p}b"),
            RequiredItem("the decision", f"{p}c", decided, facts.decision_label, block="decision",
                         check=blocks.states_decision(Decision(response.decision)) if decided else blocks.says_something),
            RequiredItem("the reasons for the decision", f"{p}d", bool(response and response.reasons.strip()),
                         block="reasons"),
            RequiredItem("the remedy offered", f"{p}e", True, block="remedy", check=blocks.all_of(
                blocks.says_something, blocks.states_facts_of(facts.remedies))),
            RequiredItem("the outstanding actions", f"{p}f", True, block="actions", check=blocks.all_of(
                blocks.says_something, blocks.states_facts_of(facts.actions))),
        ]
        if kind is LetterKind.STAGE1_RESPONSE:
            officer = facts.landlord.complaints_officer.strip()
            items += [
                RequiredItem("how to escalate to stage 2", f"{p}g", bool(officer), "stage 2",
                             "set the complaints officer in Settings: the letter names who to contact", "escalate",
                             blocks.all_of(blocks.states("stage 2"), blocks.states(officer))),
                _ombudsman(facts, provisions.OMBUDSMAN_DETAILS, "the right to go to the Housing Ombudsman"),
            ]
        else:
            items.append(_ombudsman(facts, f"{p}g", "how to take the complaint to the Ombudsman", "final"))
        return items
    if kind is LetterKind.REFUSAL:
        refusal = facts.refusal
        return [
            ref,
            RequiredItem("the reasons the complaint is not taken on", provisions.REFUSAL_EXPLANATION,
                         bool(refusal and refusal.explanation.strip()), block="refusal_reasons"),
            _ombudsman(facts, provisions.REFUSAL_EXPLANATION, "the right to take the decision to the Ombudsman",
                       "refusal_ombudsman"),
        ]
    withdrawn = facts.withdrawal.withdrawn_on if facts.withdrawal else None
    return [ref, RequiredItem("the date of withdrawal", "", withdrawn is not None, long_date(withdrawn),
                              block="withdrawal",
                              check=blocks.states_date(withdrawn) if withdrawn else blocks.says_something)]


def _squash(text: str) -> str:
    """Whitespace collapsed and case folded: how a letter's text is searched (corrections)."""
    return re.sub(r"\s+", " ", text).casefold()


def missing_from_records(facts: LetterFacts) -> list[Problem]:
    return [Problem(None, item.message()) for item in required_items(facts) if not item.present]


def unsaid(facts: LetterFacts, text: str) -> list[tuple[RequiredItem, str]]:
    """The final letter, block by block: each required item the records hold whose block is
    gone, empty, short of a fact, or contradicting the record, with what is wrong."""
    found = blocks.find_blocks(text)
    out = []
    for item in required_items(facts):
        if not item.present or not item.block:
            continue
        rule = provisions.cite(item.provision)
        if item.block not in found:
            out.append((item, f"the letter no longer gives {item.label}: its heading "
                              f"\u201c{item.heading}\u201d is gone{rule}"))
            continue
        finding = item.check(found[item.block])
        if finding is None:
            continue
        what, detail = finding
        if what == "contradicts":
            out.append((item, f"{item.label} in the letter contradicts the record: {detail}{rule}"))
        else:
            out.append((item, f"the letter no longer gives {item.label} ({detail}){rule}"))
    return out


def missing_from_text(facts: LetterFacts, text: str) -> list[Problem]:
    """What `unsaid` finds, as the send step's problems on the letter: each names the item
    and its provision."""
    return [Problem("letter", message) for _item, message in unsaid(facts, text)]


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
        text = template.render(f=facts, landlord=facts.landlord, long_date=long_date, h=blocks.HEADINGS)
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
    other_needs: tuple[str, ...] = ()  # the resident's disclosed vulnerabilities and representatives (5.10, 3.x)
    contact: Contact | None = None  # where it can go, and how by default (chc_tui.steps.delivery, issue 21)


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
    letter: str | DraftOnly | AsDrafted | Outgoing | None,
    letter_date: date,
    actor: str,
) -> Letter | None:
    """Called by a step after its changes are flushed. No letter: nothing to do. DRAFT:
    raise LetterDrafted (rolling the step back). Text: check it and store it as sent, with
    how it goes out (chc_tui.steps.delivery): an `Outgoing` carries the handler's choice,
    a plain text goes by the resident's preferred channel."""
    if letter is None:
        return None
    send_by, letter = unpacked(letter)
    kind = letter_kind(step, stage.stage)
    from chc_tui.steps.identity import acting  # the step's writer: who signs

    facts = gather_facts(session, complaint, stage, kind, letter_date, acting(session).done_by)
    rendered, template = drafted(facts, db_path)
    if isinstance(letter, DraftOnly):
        raise LetterDrafted(
            LetterDraft(kind, stage.stage, rendered, template, facts.addressee, facts.adjustments, required_items(facts),
                        other_needs(session, complaint), contact_for(session, complaint))
        )
    text = final_text(facts, letter, rendered)
    stored = Letter(**sent_letter(saved_id(complaint), facts, text, rendered, template, actor))
    session.add(stored)
    session.flush()
    record_route(session, stored, complaint, send_by)  # never a letter without its delivery
    session.add(Correspondence(**letter_noted(saved_id(complaint), complaint.representative_name, facts,
                                               saved_id(stored), actor)))
    return stored


def unpacked(letter: str | DraftOnly | AsDrafted | Outgoing) -> tuple[str | None, str | DraftOnly | AsDrafted]:
    """(the route the handler chose, or None for the default; the letter itself)."""
    if not isinstance(letter, Outgoing):
        return None, letter
    if not isinstance(letter.text, (str, AsDrafted)):
        raise StepRefused("the letter to send is missing", "letter")
    return letter.send_by, letter.text


def letter_kind(step: str, stage: int) -> LetterKind:
    """The letter `step` sends; refused for a step that sends none."""
    kind = kind_for_step(step, stage)
    if kind is None:
        raise StepRefused(f"the {step} step sends no letter")
    return kind


def drafted(facts: LetterFacts, db_path: Path) -> tuple[str, str]:
    """The letter as its template drafts it from `facts` (text, template file), refused
    while a detail it needs (the landlord's, the signer's) or a record it must carry is
    missing."""
    gaps = missing_details(facts.landlord, facts.signer, names_officer=facts.kind is LetterKind.STAGE1_RESPONSE)
    if gaps:
        raise LetterDetailsMissing(gaps, facts.signer.staff_id)
    problems = missing_from_records(facts)
    if problems:
        raise StepRefused(problems)
    return render(facts, templates_dir(db_path))


def final_text(facts: LetterFacts, letter: str | AsDrafted, rendered: str) -> str:
    """The text to send: as drafted, or the handler's, which must still carry every
    required item."""
    text = rendered if isinstance(letter, AsDrafted) else letter
    if not text.strip():
        raise StepRefused("the letter is empty", "letter")
    problems = missing_from_text(facts, text)
    if problems:
        raise StepRefused(problems)
    return text


def sent_letter(complaint_id: int, facts: LetterFacts, text: str, rendered: str, template: str,
                actor: str) -> dict[str, Any]:
    """The stored letter's columns, byte for byte as sent."""
    return dict(
        complaint_id=complaint_id,
        stage=facts.stage,
        kind=facts.kind.value,
        body=text,
        sha256=sha256_text(text),
        template=Path(template).name,
        edited=text != rendered,
        sent_on=facts.letter_date,
        sent_by=actor,
    )


def letter_noted(complaint_id: int, representative_name: str, facts: LetterFacts, letter_id: int,
                 actor: str) -> dict[str, Any]:
    """The correspondence entry that records the letter going out."""
    return dict(
        complaint_id=complaint_id,
        happened_on=facts.letter_date,
        kind="letter",
        direction="out",
        party="representative" if representative_name else "resident",
        party_name=facts.addressee,
        summary=f"{facts.kind.label} letter sent",
        letter_id=letter_id,
        recorded_by=actor,
    )
