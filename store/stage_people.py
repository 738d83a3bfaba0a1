"""Who considered each stage of a complaint, by staff id: the one reading of Code 6.13's
"the person considering stage 2 must not be the same person who considered stage 1".

Someone considered a stage if they were its handler (now, or before a reassignment), or
defined, extended or answered it, or signed one of its letters. Stage 2 must have nobody in
common with stage 1: the use-cases refuse it (chc_tui.steps.independence) and the
self-assessment counts it in past data, both from here.
"""

from __future__ import annotations

import json
from collections import defaultdict

from sqlmodel import Session, select

from chc_tui.rules.staff_roles import name_key
from store.models import AuditEntry, Definition, Extension, Letter, Response, Staff, StaffAlias, StageRecord

# complaint id -> staff id -> what they did at that stage (for the refusal and the evidence)
People = dict[int, dict[int, list[str]]]


def _ids_by_name_key(session: Session) -> dict[str, int]:
    """Old records name people as typed: their spellings' keys (migration 0008), then
    today's display names."""
    known = {a.name_key: a.staff_id for a in session.exec(select(StaffAlias))}
    for staff in session.exec(select(Staff)):
        assert staff.id is not None  # read back
        known.setdefault(name_key(staff.display_name), staff.id)
    return known


def considered(session: Session, complaint_ids: list[int], stage: int) -> People:
    """For each complaint, everyone who considered `stage` (1 or 2) and how."""
    people: People = {cid: defaultdict(list) for cid in complaint_ids}
    if not complaint_ids:
        return people
    # Only the columns used, not ORM objects: the self-assessment asks this for every
    # stage-2 complaint of the year (issue 22.6).
    stages = {
        stage_id: (complaint_id, handler_staff_id) for stage_id, complaint_id, handler_staff_id in session.exec(
            select(StageRecord.id, StageRecord.complaint_id, StageRecord.handler_staff_id)
            .where(StageRecord.complaint_id.in_(complaint_ids), StageRecord.stage == stage)
        )
    }

    def add(complaint_id: int, staff_id: int | None, what: str) -> None:
        if staff_id is not None and what not in people[complaint_id][staff_id]:
            people[complaint_id][staff_id].append(what)

    for complaint_id, handler_staff_id in stages.values():
        add(complaint_id, handler_staff_id, f"handles stage {stage}")
    ids = list(stages)
    for table, what in ((Definition, "defined"), (Extension, "extended"), (Response, "answered")):
        for stage_id, staff_id in session.exec(select(table.stage_id, table.by_staff_id).where(table.stage_id.in_(ids))):
            add(stages[stage_id][0], staff_id, f"{what} stage {stage}")
    for complaint_id, staff_id in session.exec(
        select(Letter.complaint_id, Letter.by_staff_id).where(Letter.complaint_id.in_(complaint_ids), Letter.stage == stage)
    ):
        add(complaint_id, staff_id, f"signed a stage {stage} letter")
    _earlier_handlers(session, complaint_ids, stage, add, lambda cid: people[cid])
    return people


def _earlier_handlers(session: Session, complaint_ids: list[int], stage: int, add, people_of) -> None:
    """Handlers the stage was taken from: the audit of each reassignment (and of the log,
    for stage 1) names them, by id since the register and by name before it."""
    by_key: dict[str, int] | None = None
    for complaint_id, action, details_json in session.exec(
        select(AuditEntry.complaint_id, AuditEntry.action, AuditEntry.details_json)
        .where(AuditEntry.complaint_id.in_(complaint_ids), AuditEntry.action.in_(["log", "assign"]))
    ):
        if action == "log" and stage != 1:
            continue
        details = json.loads(details_json)
        if action == "assign" and details.get("stage") != stage:
            continue
        id_key, name = ("handler_staff_id", details.get("handler")) if action == "log" else ("from_staff_id", details.get("from"))
        staff_id = details.get(id_key)
        if staff_id is None and name:
            by_key = by_key if by_key is not None else _ids_by_name_key(session)
            staff_id = by_key.get(name_key(str(name)))
        assert complaint_id is not None  # the query asked for these complaints' entries
        if staff_id is not None and staff_id not in people_of(complaint_id):
            add(complaint_id, staff_id, f"was assigned stage {stage}")


def in_common(stage_one: dict[int, list[str]], stage_two: dict[int, list[str]]) -> dict[int, list[str]]:
    """The people who considered both stages, with what they did at each (a breach of 6.13)."""
    return {sid: stage_one[sid] + stage_two[sid] for sid in stage_one.keys() & stage_two.keys()}
