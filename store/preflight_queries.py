"""One complaint's facts for the Ombudsman pre-flight (chc_tui.figures.preflight), read from
the complaint's detail (store.queries.complaint_detail) and, for 6.13 and the letters, the
same readers the self-assessment and the letter step use. No judging here.

Each letter is checked against the records as they stood for it: the definition recorded
by the day it was sent, the response deadline fixed at acknowledgement (what an
acknowledgement gives), and, for an extension letter, the extension it told of (the n-th
extension letter of a stage tells of its n-th extension).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlmodel import Session, select

from chc_tui.figures.preflight import ComplaintFacts, FollowUp, RefusalFacts, SentLetter, JudgedStageFacts
from store import stage_people, staff_queries
from store.models import StageRecord
from store.queries import ComplaintDetail, StageView, complaint_detail


def _first_due(stage: StageView, step: str) -> date | None:
    """The stage's first deadline for `step` that was neither provisional nor set by an
    extension: for "acknowledge", the one stored when the stage opened; for "respond", the
    one fixed at acknowledgement (as store.stage_queries finds them for the figures)."""
    return next((d.due_on for d in stage.deadlines
                 if d.step == step and not d.provisional and not d.by_extension), None)


def _ended_on(detail: ComplaintDetail, stage: StageView) -> date | None:
    """When the stage stopped running without a response: escalated, refused, withdrawn or
    closed."""
    later = detail.stage(stage.stage + 1)
    if later is not None:
        return later.opened_on
    if detail.refusal is not None and detail.refusal.stage == stage.stage:
        return detail.refusal.refused_on
    if detail.withdrawal is not None and detail.withdrawal.stage == stage.stage:
        return detail.withdrawal.withdrawn_on
    return detail.complaint.closed_on


def _stage_facts(detail: ComplaintDetail, stage: StageView) -> JudgedStageFacts:
    return JudgedStageFacts(
        stage=stage.stage,
        opened_on=stage.opened_on,
        acknowledged_on=stage.acknowledged_on,
        acknowledge_due=_first_due(stage, "acknowledge"),
        responded_on=stage.responded_on,
        target_due=_first_due(stage, "respond"),
        extensions=tuple(stage.extensions),
        refused_here=detail.refusal is not None and detail.refusal.stage == stage.stage,
        withdrawn_here=detail.withdrawal is not None and detail.withdrawal.stage == stage.stage,
        ended_on=_ended_on(detail, stage),
    )


def _considered_both(session: Session, complaint_id: int) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Who considered both stages (6.13), by the one reading in store.stage_people."""
    one = stage_people.considered(session, [complaint_id], 1)[complaint_id]
    two = stage_people.considered(session, [complaint_id], 2)[complaint_id]
    both = stage_people.in_common(one, two)
    names = staff_queries.names_by_id(session, set(both))
    return tuple((names.get(sid, str(sid)), tuple(what)) for sid, what in sorted(both.items()))


def _handlers_of(detail: ComplaintDetail, stage: StageView) -> list[str]:
    """Everyone who has handled the stage, from its assignments in the audit trail."""
    names = [stage.handler]
    for entry in detail.history:
        if entry.action == "assign" and entry.details.get("stage") == stage.stage:
            names += [str(entry.details.get(k) or "") for k in ("from", "to")]
        elif entry.action == "log" and stage.stage == 1:
            names.append(str(entry.details.get("handler") or ""))
    return [n for n in dict.fromkeys(names) if n.strip()]


def _letters(session: Session, detail: ComplaintDetail) -> tuple[SentLetter, ...]:
    from chc_tui.documents.letters import LetterFacts, LetterKind, gather_facts

    records = {s.stage: s for s in session.exec(
        select(StageRecord).where(StageRecord.complaint_id == detail.complaint.id))}
    told: dict[int, int] = {}  # stage -> extension letters seen so far
    sent = []
    for letter in detail.letters:
        view, record = detail.stage(letter.stage), records.get(letter.stage)
        try:
            kind: LetterKind | None = LetterKind(letter.kind)
        except ValueError:
            kind = None
        facts: LetterFacts | None = None
        alternatives: tuple[LetterFacts, ...] = ()
        if kind is not None and view is not None and record is not None:
            facts = gather_facts(session, detail.complaint, record, kind, letter.sent_on, letter.by_staff_id)
            extension = facts.extension
            if kind is LetterKind.EXTENSION:
                number = told.get(letter.stage, 0)
                told[letter.stage] = number + 1
                extension = view.extensions[number] if number < len(view.extensions) else None
            defined = [d for d in view.definitions if d.defined_on <= letter.sent_on]
            facts = replace(facts, definition=defined[-1] if defined else None,
                            response_due=_first_due(view, "respond"), extension=extension)
            alternatives = tuple(replace(facts, handler=name) for name in _handlers_of(detail, view)
                                 if name != facts.handler)
        sent.append(SentLetter(
            letter_id=letter.id or 0, kind_label=kind.label if kind else letter.kind, stage=letter.stage,
            sent_on=letter.sent_on, body=letter.body, facts=facts, alternatives=alternatives,
        ))
    return tuple(sent)


def facts_of(session: Session, detail: ComplaintDetail) -> ComplaintFacts:
    complaint = detail.complaint
    around = detail.around
    follow_ups: list[FollowUp] = []
    if around is not None:
        follow_ups += [FollowUp("remedy", r.description, r.stage, r.due_on, r.done_on, r.declined_on, r.offered_on)
                       for r in around.remedies]
        follow_ups += [FollowUp("action", a.description, a.stage, a.due_on, a.done_on) for a in around.actions]
    refusal = detail.refusal
    return ComplaintFacts(
        reference=complaint.reference,
        stages=tuple(_stage_facts(detail, s) for s in detail.stages),
        refusal=RefusalFacts(refusal.stage, refusal.refused_on, refusal.ombudsman_right_explained) if refusal else None,
        considered_both=_considered_both(session, complaint.id) if detail.stage(2) and complaint.id else (),
        letters=_letters(session, detail),
        follow_ups=tuple(follow_ups),
        unverified=bool(complaint.imported_from) and complaint.verified_on is None,
    )


def preflight_facts(session: Session, reference: str) -> ComplaintFacts | None:
    """The complaint's facts for the pre-flight; None for an unknown reference."""
    detail = complaint_detail(session, reference)
    return None if detail is None else facts_of(session, detail)
