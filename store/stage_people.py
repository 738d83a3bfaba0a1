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
from typing import Callable

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


# the plain values `who_considered` reads, as the tables hold them
StageRow = tuple["int | None", int, "int | None"]  # stage id (read back: never None), complaint id, handler's staff id
StepRow = tuple[str, int, "int | None"]  # what ("defined", "extended", "answered"), stage id, by staff id
LetterRow = tuple[int, "int | None"]  # complaint id, by staff id
AuditRow = tuple["int | None", str, dict]  # complaint id, action ("log" or "assign"), details


def considered(session: Session, complaint_ids: list[int], stage: int) -> People:
    """For each complaint, everyone who considered `stage` (1 or 2) and how."""
    return considered_stages(session, complaint_ids, (stage,))[stage]


def considered_stages(session: Session, complaint_ids: list[int], stages: tuple[int, ...]) -> dict[int, People]:
    """For each of `stages` and each complaint, everyone who considered it and how: the
    values read (only the columns used, not ORM objects: the self-assessment asks this of
    both stages of every stage-2 complaint of the year, issue 22.6), each table once for all
    the stages asked, then `who_considered` for each."""
    if not complaint_ids:
        return {stage: {} for stage in stages}
    stage_rows: list[tuple[int | None, int, int | None, int]] = list(session.exec(
        select(StageRecord.id, StageRecord.complaint_id, StageRecord.handler_staff_id, StageRecord.stage)
        .where(StageRecord.complaint_id.in_(complaint_ids), StageRecord.stage.in_(stages))
    ))
    stage_of = {stage_id: stage for stage_id, _, _, stage in stage_rows}
    steps = [
        (stage_of[stage_id], (what, stage_id, staff_id))
        for table, what in ((Definition, "defined"), (Extension, "extended"), (Response, "answered"))
        for stage_id, staff_id in session.exec(
            select(table.stage_id, table.by_staff_id).where(table.stage_id.in_(list(stage_of))))
    ]
    letters = list(session.exec(
        select(Letter.stage, Letter.complaint_id, Letter.by_staff_id)
        .where(Letter.complaint_id.in_(complaint_ids), Letter.stage.in_(stages))
    ))
    audits: list[AuditRow] = [
        (complaint_id, action, json.loads(details_json)) for complaint_id, action, details_json in session.exec(
            select(AuditEntry.complaint_id, AuditEntry.action, AuditEntry.details_json)
            .where(AuditEntry.complaint_id.in_(complaint_ids), AuditEntry.action.in_(["log", "assign"]))
        )
    ]
    return {
        stage: who_considered(
            complaint_ids, stage,
            [(stage_id, cid, staff_id) for stage_id, cid, staff_id, n in stage_rows if n == stage],
            [step for n, step in steps if n == stage],
            [(cid, staff_id) for n, cid, staff_id in letters if n == stage],
            audits, lambda: _ids_by_name_key(session))
        for stage in stages
    }


def who_considered(complaint_ids: list[int], stage: int, stages: list[StageRow], steps: list[StepRow],
                   letters: list[LetterRow], audits: list[AuditRow],
                   ids_by_name_key: Callable[[], dict[str, int]]) -> People:
    """Code 6.13's "who considered the stage", over plain values (a pure function: the
    use-cases read the values from the database, an importer may hold them in memory).
    `ids_by_name_key` is asked only when an old audit names a handler without an id."""
    people: People = {cid: defaultdict(list) for cid in complaint_ids}

    def add(complaint_id: int, staff_id: int | None, what: str) -> None:
        if staff_id is not None and what not in people[complaint_id][staff_id]:
            people[complaint_id][staff_id].append(what)

    of_stage = {stage_id: complaint_id for stage_id, complaint_id, _ in stages}
    for _, complaint_id, handler_staff_id in stages:
        add(complaint_id, handler_staff_id, f"handles stage {stage}")
    for what, stage_id, staff_id in steps:
        add(of_stage[stage_id], staff_id, f"{what} stage {stage}")
    for complaint_id, staff_id in letters:
        add(complaint_id, staff_id, f"signed a stage {stage} letter")
    _earlier_handlers(stage, audits, ids_by_name_key, add, lambda cid: people[cid])
    return people


def _earlier_handlers(stage: int, audits: list[AuditRow], ids_by_name_key: Callable[[], dict[str, int]],
                      add, people_of) -> None:
    """Handlers the stage was taken from: the audit of each reassignment (and of the log,
    for stage 1) names them, by id since the register and by name before it."""
    by_key: dict[str, int] | None = None
    for complaint_id, action, details in audits:
        if action == "log" and stage != 1:
            continue
        if action == "assign" and details.get("stage") != stage:
            continue
        id_key, name = ("handler_staff_id", details.get("handler")) if action == "log" else ("from_staff_id", details.get("from"))
        staff_id = details.get(id_key)
        if staff_id is None and name:
            by_key = by_key if by_key is not None else ids_by_name_key()
            staff_id = by_key.get(name_key(str(name)))
        assert complaint_id is not None  # the query asked for these complaints' entries
        if staff_id is not None and staff_id not in people_of(complaint_id):
            add(complaint_id, staff_id, f"was assigned stage {stage}")


def in_common(stage_one: dict[int, list[str]], stage_two: dict[int, list[str]]) -> dict[int, list[str]]:
    """The people who considered both stages, with what they did at each (a breach of 6.13)."""
    return {sid: stage_one[sid] + stage_two[sid] for sid in stage_one.keys() & stage_two.keys()}
