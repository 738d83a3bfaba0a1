"""Every lifecycle path of a complaint, on a fixed calendar (England and Wales), asserting
exactly what is stored. Expected dates are written out by hand, not computed."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from chc_tui.steps import usecases
from chc_tui.rules.domain import StaleRecord
from conftest import dump
from store.models import (
    Action,
    Remedy,
    AuditEntry,
    Complaint,
    Deadline,
    Definition,
    Extension,
    Refusal,
    Response,
    StageRecord,
    Withdrawal,
)
from store.queries import complaint_detail, open_deadlines
from conftest import refusal_facts

D = date
SAT, SUN = "Saturday", "Sunday"


# --- helpers -----------------------------------------------------------------------------


def log(db, ctx, received_on, *, handler="alice", **kw):
    fields = dict(
        channel="phone",
        resident_name="Mrs A Resident",
        category="repairs",
        resident_words="The boiler has been broken for three weeks.",
        handler=handler,
    )
    fields.update(kw)
    return usecases.log_complaint(db, received_on=received_on, ctx=ctx, **fields)


def define(db, ref, ctx, **kw):
    fields = dict(
        understanding="The boiler repair was not completed.",
        outcomes_sought="Repair the boiler and compensate.",
        responsible_aspects="Repair timescales.",
    )
    fields.update(kw)
    usecases.define(db, ref, ctx=ctx, **fields)


def respond(db, ref, ctx, **kw):
    fields = dict(decision="upheld", reasons="The repair took too long.")
    if not kw.get("remedies") and not kw.get("actions"):  # upheld with none says why (7.1)
        fields["no_remedy_reason"] = "The boiler was repaired before we answered."
    fields.update(kw)
    usecases.respond(db, ref, ctx=ctx, **fields)


def complaint(db, ref) -> Complaint:
    with db.read() as s:
        return s.exec(select(Complaint).where(Complaint.reference == ref)).one()


def stages(db, ref) -> list[StageRecord]:
    cid = complaint(db, ref).id
    with db.read() as s:
        return list(
            s.exec(select(StageRecord).where(StageRecord.complaint_id == cid).order_by(StageRecord.stage))
        )


def deadlines(db, stage_id):
    """(step, clock_start, working_days, due_on, skipped, provisional, active, met_on, by_extension)"""
    with db.read() as s:
        return [
            (
                d.step,
                d.clock_start,
                d.working_days,
                d.due_on,
                [tuple(x) for x in json.loads(d.skipped_json)],
                d.provisional,
                d.active,
                d.met_on,
                d.extension_id is not None,
            )
            for d in s.exec(select(Deadline).where(Deadline.stage_id == stage_id).order_by(Deadline.id))
        ]


def audit(db, ref=None):
    with db.read() as s:
        query = select(AuditEntry).order_by(AuditEntry.id)
        if ref is not None:
            query = query.where(AuditEntry.complaint_id == complaint(db, ref).id)
        return [(a.actor, a.action, json.loads(a.details_json)) for a in s.exec(query)]


def rows(db, model, **where):
    with db.read() as s:
        query = select(model).order_by(model.id)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return list(s.exec(query))


def sk(*pairs):
    """Skipped days as stored: (iso date, reason)."""
    return [(d.isoformat(), reason) for d, reason in pairs]


WEEKEND_7_8_NOV = ((D(2026, 11, 7), SAT), (D(2026, 11, 8), SUN))


# --- the full path -----------------------------------------------------------------------


def test_full_two_stage_lifecycle(db, ctx_on):
    # Stage 1: received Mon 2 Nov 2026.
    logged = log(db, ctx_on(D(2026, 11, 2)), D(2026, 11, 2))
    ref = logged.reference
    assert ref == "C2026-0001"
    assert logged.acknowledge_due == D(2026, 11, 9)  # 5 wd after Mon 2 Nov (6.2)
    assert logged.provisional_response_due == D(2026, 11, 23)  # 10 wd after Mon 9 Nov
    assert complaint(db, ref).version == 1

    define(db, ref, ctx_on(D(2026, 11, 4)), defined_on=D(2026, 11, 4), not_responsible_aspects="The gas supply.")
    assert complaint(db, ref).version == 2
    due = usecases.acknowledge(db, ref, acknowledged_on=D(2026, 11, 5), ctx=ctx_on(D(2026, 11, 5)))
    assert due == D(2026, 11, 19)  # 10 wd after Thu 5 Nov (6.3)
    usecases.extend(
        db,
        ref,
        new_due=D(2026, 12, 3),  # exactly 10 wd after 19 Nov: the most without good reason (6.4)
        reason="Waiting for the contractor's report.",
        decided_on=D(2026, 11, 16),
        told_resident_on=D(2026, 11, 16),
        ombudsman_details_given=True,
        expected_version=3,
        ctx=ctx_on(D(2026, 11, 16)),
    )
    respond(
        db, ref, ctx_on(D(2026, 12, 1)), responded_on=D(2026, 12, 1), decision="partly_upheld",
        remedies=["£50 for time and trouble, due 15/12/2026"], impact="Three weeks without heating",
        actions=["Replace the boiler, due 18/12/2026, owner Repairs team"], expected_version=4,
    )

    # Stage 2: requested Mon 7 Dec, handled by bob (not alice, 6.13).
    ack2 = usecases.escalate(
        db, ref, requested_on=D(2026, 12, 7), handler="bob", reason="The remedy is too small.",
        ctx=ctx_on(D(2026, 12, 7)),
    )
    assert ack2 == D(2026, 12, 14)  # 5 wd after Mon 7 Dec (6.11)
    define(db, ref, ctx_on(D(2026, 12, 9), "bob"), defined_on=D(2026, 12, 9), understanding="The remedy offered is disputed.")
    due2 = usecases.acknowledge(db, ref, acknowledged_on=D(2026, 12, 10), ctx=ctx_on(D(2026, 12, 10), "bob"))
    assert due2 == D(2027, 1, 12)  # 20 wd after Thu 10 Dec, over Christmas and New Year (6.14)
    respond(db, ref, ctx_on(D(2027, 1, 6), "bob"), responded_on=D(2027, 1, 6), decision="not_upheld", reasons="The offer was fair.")
    usecases.close(db, ref, closed_on=D(2027, 1, 7), ctx=ctx_on(D(2027, 1, 7), "bob"))

    # The complaint.
    c = complaint(db, ref)
    assert (c.status, c.current_stage, c.closed_on, c.version) == ("closed", 2, D(2027, 1, 7), 10)
    assert (c.received_on, c.channel, c.category, c.created_by) == (D(2026, 11, 2), "phone", "repairs", "alice")

    # The stages.
    one, two = stages(db, ref)
    assert (one.stage, one.opened_on, one.handler, one.acknowledged_on, one.responded_on) == (
        1, D(2026, 11, 2), "alice", D(2026, 11, 5), D(2026, 12, 1),
    )
    assert (two.stage, two.opened_on, two.handler, two.escalation_reason, two.acknowledged_on, two.responded_on) == (
        2, D(2026, 12, 7), "bob", "The remedy is too small.", D(2026, 12, 10), D(2027, 1, 6),
    )

    # The definitions, one per stage.
    d1, d2 = rows(db, Definition)
    assert (d1.stage_id, d1.defined_on, d1.defined_by, d1.not_responsible_aspects) == (one.id, D(2026, 11, 4), "alice", "The gas supply.")
    assert (d2.stage_id, d2.defined_on, d2.defined_by, d2.understanding) == (two.id, D(2026, 12, 9), "bob", "The remedy offered is disputed.")

    # The deadlines, with their skipped days.
    assert deadlines(db, one.id) == [
        ("acknowledge", D(2026, 11, 2), 5, D(2026, 11, 9), sk(*WEEKEND_7_8_NOV), False, True, D(2026, 11, 5), False),
        ("respond", D(2026, 11, 9), 10, D(2026, 11, 23),
         sk((D(2026, 11, 14), SAT), (D(2026, 11, 15), SUN), (D(2026, 11, 21), SAT), (D(2026, 11, 22), SUN)),
         True, False, None, False),
        ("respond", D(2026, 11, 5), 10, D(2026, 11, 19),
         sk(*WEEKEND_7_8_NOV, (D(2026, 11, 14), SAT), (D(2026, 11, 15), SUN)),
         False, False, None, False),
        ("respond", D(2026, 11, 19), 10, D(2026, 12, 3),
         sk((D(2026, 11, 21), SAT), (D(2026, 11, 22), SUN), (D(2026, 11, 28), SAT), (D(2026, 11, 29), SUN)),
         False, True, D(2026, 12, 1), True),
    ]
    christmas = (
        (D(2026, 12, 19), SAT), (D(2026, 12, 20), SUN),
        (D(2026, 12, 25), "bank holiday: Christmas Day"), (D(2026, 12, 26), SAT), (D(2026, 12, 27), SUN),
        (D(2026, 12, 28), "bank holiday: Boxing Day (observed)"),
        (D(2027, 1, 1), "bank holiday: New Year's Day"), (D(2027, 1, 2), SAT), (D(2027, 1, 3), SUN),
        (D(2027, 1, 9), SAT), (D(2027, 1, 10), SUN),
    )
    assert deadlines(db, two.id) == [
        ("acknowledge", D(2026, 12, 7), 5, D(2026, 12, 14), sk((D(2026, 12, 12), SAT), (D(2026, 12, 13), SUN)),
         False, True, D(2026, 12, 10), False),
        ("respond", D(2026, 12, 14), 20, D(2027, 1, 14), sk(*christmas), True, False, None, False),
        ("respond", D(2026, 12, 10), 20, D(2027, 1, 12),
         sk((D(2026, 12, 12), SAT), (D(2026, 12, 13), SUN), *christmas), False, True, D(2027, 1, 6), False),
    ]

    # The extension.
    (ext,) = rows(db, Extension)
    assert (ext.stage_id, ext.decided_on, ext.previous_due, ext.new_due, ext.working_days_beyond_target) == (
        one.id, D(2026, 11, 16), D(2026, 11, 19), D(2026, 12, 3), 10,
    )
    assert (ext.reason, ext.told_resident_on, ext.ombudsman_details_given, ext.good_reason, ext.decided_by) == (
        "Waiting for the contractor's report.", D(2026, 11, 16), True, "", "alice",
    )

    # The responses.
    r1, r2 = rows(db, Response)
    assert (r1.stage_id, r1.responded_on, r1.decision, r1.remedy, r1.outstanding_actions, r1.impact,
            r1.responded_by) == (
        one.id, D(2026, 12, 1), "partly_upheld", "£50.00 for time and trouble, by 15/12/2026",
        "Replace the boiler, by 18/12/2026 (Repairs team)", "Three weeks without heating", "alice",
    )
    # ... and the remedy and action as records of their own, made in the same step (6.6, 7.3)
    (remedy,) = rows(db, Remedy)
    assert (remedy.stage, remedy.kind, remedy.description, remedy.amount_pence, remedy.due_on, remedy.offered_on) == (
        1, "financial", "for time and trouble", 5000, D(2026, 12, 15), D(2026, 12, 1))
    (action,) = rows(db, Action)
    assert (action.stage, action.description, action.owner, action.due_on, action.done_on) == (
        1, "Replace the boiler", "Repairs team", D(2026, 12, 18), None)
    assert (r2.stage_id, r2.responded_on, r2.decision, r2.reasons, r2.responded_by) == (
        two.id, D(2027, 1, 6), "not_upheld", "The offer was fair.", "bob",
    )

    # The audit trail.
    trail = audit(db, ref)
    assert [(actor, action) for actor, action, _ in trail] == [
        ("alice", "log"), ("alice", "define"), ("alice", "acknowledge"), ("alice", "extend"),
        ("alice", "offer remedy"), ("alice", "add action"), ("alice", "respond"), ("alice", "escalate"), ("bob", "define"), ("bob", "acknowledge"),
        ("bob", "respond"), ("bob", "close"),
    ]
    details = [d for _, _, d in trail]
    assert details[0] == {
        "reference": ref, "resident": "Mrs A Resident", "received_on": "2026-11-02", "channel": "phone",
        "category": "repairs", "handler": "alice", "handler_staff_id": 1, "representative": "",
        "acknowledge_due": "2026-11-09",
    }
    assert details[1]["stage"] == 1 and details[1]["defined_on"] == "2026-11-04"
    assert details[2] == {
        "stage": 1, "acknowledged_on": "2026-11-05", "acknowledge_due": "2026-11-09", "response_due": "2026-11-19",
    }
    assert details[3] == {
        "stage": 1, "previous_due": "2026-11-19", "new_due": "2026-12-03", "working_days_beyond_target": 10,
        "reason": "Waiting for the contractor's report.", "told_resident_on": "2026-11-16",
        "ombudsman_details_given": True, "good_reason": "", "not_in_line_with_code": [],
    }
    assert details[4] == {"remedy": details[4]["remedy"], "kind": "financial", "description": "for time and trouble",
                          "amount": "£50.00", "offered_on": "2026-12-01", "due_on": "2026-12-15"}
    assert details[5] == {"action": details[5]["action"], "description": "Replace the boiler", "owner": "Repairs team",
                          "due_on": "2026-12-18"}
    assert details[6]["stage"] == 1 and details[6]["due"] == "2026-12-03" and details[6]["decision"] == "partly_upheld"
    assert details[6]["remedies"] == [details[4]["remedy"]] and details[6]["actions"] == [details[5]["action"]]
    assert details[7] == {
        "requested_on": "2026-12-07", "handler": "bob", "handler_staff_id": 2, "reason": "The remedy is too small.",
        "reopened": False, "acknowledge_due": "2026-12-14",
    }
    assert details[8]["stage"] == 2
    assert details[9] == {
        "stage": 2, "acknowledged_on": "2026-12-10", "acknowledge_due": "2026-12-14", "response_due": "2027-01-12",
    }
    assert details[10]["stage"] == 2 and details[10]["due"] == "2027-01-12"
    assert details[11] == {"stage": 2, "closed_on": "2027-01-07"}

    # Nothing is left open.
    with db.read() as s:
        assert open_deadlines(s) == []


# --- refusal and withdrawal --------------------------------------------------------------


def test_log_then_refuse(db, ctx_on):
    ref = log(db, ctx_on(D(2026, 11, 2)), D(2026, 11, 2)).reference
    usecases.refuse(
        db, ref, exclusion_reason="legal_proceedings", explanation="  A claim was filed at court on 1 Oct.  ",
        refused_on=D(2026, 11, 4), ombudsman_right_explained=True, claim_filed_on=D(2026, 10, 1),
        ctx=ctx_on(D(2026, 11, 4), "carol"),
    )
    c = complaint(db, ref)
    assert (c.status, c.closed_on, c.version, c.current_stage) == ("refused", D(2026, 11, 4), 2, 1)
    (refusal,) = rows(db, Refusal)
    assert (refusal.complaint_id, refusal.stage, refusal.refused_on, refusal.exclusion_reason) == (
        c.id, 1, D(2026, 11, 4), "legal_proceedings",
    )
    assert (refusal.explanation, refusal.ombudsman_right_explained, refusal.refused_by) == (
        "A claim was filed at court on 1 Oct.", True, "carol",
    )
    assert (refusal.claim_filed_on, refusal.issue_on, refusal.aware_on, refusal.discretion_considered) == (
        D(2026, 10, 1), None, None, "")
    (one,) = stages(db, ref)
    # Both clocks stopped: not met, no longer active.
    assert [(step, active, met) for step, _, _, _, _, _, active, met, _ in deadlines(db, one.id)] == [
        ("acknowledge", False, None), ("respond", False, None),
    ]
    assert audit(db, ref)[-1] == (
        "carol", "refuse",
        {"stage": 1, "refused_on": "2026-11-04", "exclusion_reason": "legal_proceedings",
         "explanation": "A claim was filed at court on 1 Oct.", "claim_filed_on": "2026-10-01"},
    )
    with db.read() as s:
        assert open_deadlines(s) == []


def test_log_define_acknowledge_withdraw(db, ctx_on):
    ref = log(db, ctx_on(D(2026, 11, 2)), D(2026, 11, 2)).reference
    define(db, ref, ctx_on(D(2026, 11, 3)))
    usecases.acknowledge(db, ref, ctx=ctx_on(D(2026, 11, 3)))  # defaults to today
    usecases.withdraw(db, ref, reason="Resolved by the repair.", withdrawn_on=D(2026, 11, 10), ctx=ctx_on(D(2026, 11, 11)))
    c = complaint(db, ref)
    assert (c.status, c.closed_on, c.version) == ("withdrawn", D(2026, 11, 10), 4)
    (w,) = rows(db, Withdrawal)
    assert (w.complaint_id, w.stage, w.withdrawn_on, w.reason, w.recorded_by) == (
        c.id, 1, D(2026, 11, 10), "Resolved by the repair.", "alice",
    )
    (one,) = stages(db, ref)
    assert one.acknowledged_on == D(2026, 11, 3)
    assert [(step, prov, active, met) for step, _, _, _, _, prov, active, met, _ in deadlines(db, one.id)] == [
        ("acknowledge", False, True, D(2026, 11, 3)),  # met: stays as the record of timeliness
        ("respond", True, False, None),  # provisional, superseded at acknowledgement
        ("respond", False, False, None),  # the real one, stopped by the withdrawal
    ]
    assert [a for _, a, _ in audit(db, ref)] == ["log", "define", "acknowledge", "withdraw"]
    assert audit(db, ref)[-1][2] == {"stage": 1, "withdrawn_on": "2026-11-10", "reason": "Resolved by the repair."}
    with db.read() as s:
        assert open_deadlines(s) == []


# --- closed, then escalated -------------------------------------------------------------


def _answered_stage_one(db, ctx_on, ref_day=D(2026, 11, 2)):
    ref = log(db, ctx_on(ref_day), ref_day).reference
    define(db, ref, ctx_on(D(2026, 11, 3)))
    usecases.acknowledge(db, ref, acknowledged_on=D(2026, 11, 3), ctx=ctx_on(D(2026, 11, 3)))
    respond(db, ref, ctx_on(D(2026, 11, 10)), responded_on=D(2026, 11, 10))
    return ref


def test_closed_after_stage_one_then_escalated_later_reopens(db, ctx_on):
    ref = _answered_stage_one(db, ctx_on)
    usecases.close(db, ref, closed_on=D(2026, 11, 11), ctx=ctx_on(D(2026, 11, 11)))
    c = complaint(db, ref)
    assert (c.status, c.closed_on, c.current_stage, c.version) == ("closed", D(2026, 11, 11), 1, 5)

    ack = usecases.escalate(
        db, ref, requested_on=D(2026, 12, 1), handler="dave", ctx=ctx_on(D(2026, 12, 2), "erin"),
    )
    assert ack == D(2026, 12, 8)  # 5 wd after Tue 1 Dec
    c = complaint(db, ref)
    assert (c.status, c.closed_on, c.current_stage, c.version) == ("open", None, 2, 6)
    one, two = stages(db, ref)
    assert (two.opened_on, two.handler, two.escalation_reason) == (D(2026, 12, 1), "dave", "")
    assert deadlines(db, two.id) == [
        ("acknowledge", D(2026, 12, 1), 5, D(2026, 12, 8), sk((D(2026, 12, 5), SAT), (D(2026, 12, 6), SUN)),
         False, True, None, False),
        # provisional: 20 wd after the ack deadline (9-11, 14-18, 21-24, 29-31 Dec, 4-8 Jan)
        ("respond", D(2026, 12, 8), 20, D(2027, 1, 8),
         sk((D(2026, 12, 12), SAT), (D(2026, 12, 13), SUN), (D(2026, 12, 19), SAT), (D(2026, 12, 20), SUN),
            (D(2026, 12, 25), "bank holiday: Christmas Day"), (D(2026, 12, 26), SAT), (D(2026, 12, 27), SUN),
            (D(2026, 12, 28), "bank holiday: Boxing Day (observed)"),
            (D(2027, 1, 1), "bank holiday: New Year's Day"), (D(2027, 1, 2), SAT), (D(2027, 1, 3), SUN)),
         True, True, None, False),
    ]
    assert audit(db, ref)[-1] == (
        "erin", "escalate",
        {"requested_on": "2026-12-01", "handler": "dave", "handler_staff_id": 4, "reason": "", "reopened": True,
         "acknowledge_due": "2026-12-08"},
    )
    with db.read() as s:
        (row,) = open_deadlines(s)
    assert (row.reference, row.stage, row.status, row.handler, row.due_step, row.due_on, row.defined) == (
        ref, 2, "open", "dave", "acknowledge", D(2026, 12, 8), False,
    )


# --- definitions --------------------------------------------------------------------------


def test_redefinition_adds_a_row_and_audits_redefine(db, ctx_on):
    ref = log(db, ctx_on(D(2026, 11, 2)), D(2026, 11, 2)).reference
    define(db, ref, ctx_on(D(2026, 11, 3)), understanding="First understanding.")
    define(db, ref, ctx_on(D(2026, 11, 4), "bob"), understanding="  Clarified with the resident.  ")
    d1, d2 = rows(db, Definition)
    assert (d1.understanding, d1.defined_on, d1.defined_by) == ("First understanding.", D(2026, 11, 3), "alice")
    assert (d2.understanding, d2.defined_on, d2.defined_by) == ("Clarified with the resident.", D(2026, 11, 4), "bob")
    assert d1.stage_id == d2.stage_id
    trail = audit(db, ref)
    assert [(actor, action) for actor, action, _ in trail] == [("alice", "log"), ("alice", "define"), ("bob", "redefine")]
    assert trail[2][2] == {
        "stage": 1, "defined_on": "2026-11-04", "understanding": "Clarified with the resident.",
        "outcomes_sought": "Repair the boiler and compensate.", "responsible_aspects": "Repair timescales.",
        "not_responsible_aspects": "",
    }
    with db.read() as s:
        detail = complaint_detail(s, ref)
    assert detail.current.definition.understanding == "Clarified with the resident."
    assert complaint(db, ref).version == 3
    # Redefining after acknowledgement (still unanswered) is allowed and still a redefinition.
    usecases.acknowledge(db, ref, ctx=ctx_on(D(2026, 11, 4)))
    define(db, ref, ctx_on(D(2026, 11, 6)), understanding="Third.")
    assert len(rows(db, Definition)) == 3
    assert audit(db, ref)[-1][1] == "redefine"


# --- deadlines ----------------------------------------------------------------------------


def test_provisional_response_deadline_is_replaced_at_acknowledgement(db, ctx_on):
    logged = log(db, ctx_on(D(2026, 11, 2)), D(2026, 11, 2))
    ref = logged.reference
    (one,) = stages(db, ref)
    # Before acknowledgement: provisional, counted from the acknowledgement deadline (9 Nov).
    assert deadlines(db, one.id)[1] == (
        "respond", D(2026, 11, 9), 10, D(2026, 11, 23),
        sk((D(2026, 11, 14), SAT), (D(2026, 11, 15), SUN), (D(2026, 11, 21), SAT), (D(2026, 11, 22), SUN)),
        True, True, None, False,
    )
    with db.read() as s:
        (row,) = open_deadlines(s)
        detail = complaint_detail(s, ref)
    # The list shows the acknowledgement deadline, never the provisional one.
    assert (row.due_step, row.due_on) == ("acknowledge", D(2026, 11, 9))
    assert [(d.step, d.provisional, d.due_on) for d in detail.current.deadlines] == [
        ("acknowledge", False, D(2026, 11, 9)), ("respond", True, D(2026, 11, 23)),
    ]

    define(db, ref, ctx_on(D(2026, 11, 3)))
    due = usecases.acknowledge(db, ref, acknowledged_on=D(2026, 11, 3), ctx=ctx_on(D(2026, 11, 4)))
    assert due == D(2026, 11, 17)  # 10 wd after Tue 3 Nov: earlier than the provisional one
    assert deadlines(db, one.id) == [
        ("acknowledge", D(2026, 11, 2), 5, D(2026, 11, 9), sk(*WEEKEND_7_8_NOV), False, True, D(2026, 11, 3), False),
        ("respond", D(2026, 11, 9), 10, D(2026, 11, 23),
         sk((D(2026, 11, 14), SAT), (D(2026, 11, 15), SUN), (D(2026, 11, 21), SAT), (D(2026, 11, 22), SUN)),
         True, False, None, False),
        ("respond", D(2026, 11, 3), 10, D(2026, 11, 17),
         sk(*WEEKEND_7_8_NOV, (D(2026, 11, 14), SAT), (D(2026, 11, 15), SUN)), False, True, None, False),
    ]
    with db.read() as s:
        (row,) = open_deadlines(s)
    assert (row.due_step, row.due_on, row.acknowledged_on) == ("respond", D(2026, 11, 17), D(2026, 11, 3))


def _acknowledged(db, ctx_on, ack_on=D(2026, 11, 5)):
    ref = log(db, ctx_on(D(2026, 11, 2)), D(2026, 11, 2)).reference
    define(db, ref, ctx_on(D(2026, 11, 4)))
    usecases.acknowledge(db, ref, acknowledged_on=ack_on, ctx=ctx_on(ack_on))
    return ref  # with ack on 5 Nov, the response is due Thu 19 Nov


def test_two_extensions_together_within_ten_working_days_of_the_original_target(db, ctx_on):
    ref = _acknowledged(db, ctx_on)
    today = ctx_on(D(2026, 11, 16))
    told = dict(told_resident_on=D(2026, 11, 16), ombudsman_details_given=True)
    usecases.extend(db, ref, new_due=D(2026, 11, 26), reason="Contractor visit.", ctx=today, **told)  # 5 wd beyond 19 Nov
    usecases.extend(db, ref, new_due=D(2026, 12, 3), reason="Report delayed.", ctx=today, **told)  # 10 wd beyond 19 Nov
    e1, e2 = rows(db, Extension)
    assert (e1.previous_due, e1.new_due, e1.working_days_beyond_target, e1.decided_on) == (
        D(2026, 11, 19), D(2026, 11, 26), 5, D(2026, 11, 16),
    )
    assert (e2.previous_due, e2.new_due, e2.working_days_beyond_target) == (D(2026, 11, 26), D(2026, 12, 3), 10)
    (one,) = stages(db, ref)
    responds = [d for d in deadlines(db, one.id) if d[0] == "respond"]
    assert responds[-3:] == [
        ("respond", D(2026, 11, 5), 10, D(2026, 11, 19),
         sk(*WEEKEND_7_8_NOV, (D(2026, 11, 14), SAT), (D(2026, 11, 15), SUN)), False, False, None, False),
        ("respond", D(2026, 11, 19), 5, D(2026, 11, 26), sk((D(2026, 11, 21), SAT), (D(2026, 11, 22), SUN)),
         False, False, None, True),
        ("respond", D(2026, 11, 26), 5, D(2026, 12, 3), sk((D(2026, 11, 28), SAT), (D(2026, 11, 29), SUN)),
         False, True, None, True),
    ]
    assert [d["working_days_beyond_target"] for _, a, d in audit(db, ref) if a == "extend"] == [5, 10]
    with db.read() as s:
        (row,) = open_deadlines(s)
    assert (row.due_step, row.due_on) == ("respond", D(2026, 12, 3))


def test_extension_past_the_limit_with_a_good_reason_is_accepted(db, ctx_on):
    ref = _acknowledged(db, ctx_on)
    usecases.extend(
        db, ref, new_due=D(2026, 12, 4),  # 11 wd beyond Thu 19 Nov
        reason="Specialist survey needed.", good_reason="  The only damp surveyor is booked until December.  ",
        told_resident_on=D(2026, 11, 17), ombudsman_details_given=True, ctx=ctx_on(D(2026, 11, 17)),
    )
    (ext,) = rows(db, Extension)
    assert (ext.new_due, ext.working_days_beyond_target, ext.good_reason) == (
        D(2026, 12, 4), 11, "The only damp surveyor is booked until December.",
    )
    assert audit(db, ref)[-1][2]["good_reason"] == "The only damp surveyor is booked until December."
    with db.read() as s:
        (row,) = open_deadlines(s)
    assert row.due_on == D(2026, 12, 4)


def test_stage_two_extension_of_twenty_working_days_needs_no_good_reason(db, ctx_on):
    ref = _answered_stage_one(db, ctx_on)
    usecases.escalate(db, ref, requested_on=D(2026, 11, 12), handler="bob", ctx=ctx_on(D(2026, 11, 12)))
    define(db, ref, ctx_on(D(2026, 11, 13), "bob"))
    due = usecases.acknowledge(db, ref, acknowledged_on=D(2026, 11, 13), ctx=ctx_on(D(2026, 11, 13), "bob"))
    assert due == D(2026, 12, 11)  # 20 wd after Fri 13 Nov
    # 20 wd beyond Fri 11 Dec, over Christmas: 14-18, 21-24, 29-31 Dec, 4-8 Jan = 17, then 11-13 Jan.
    usecases.extend(db, ref, new_due=D(2027, 1, 13), reason="Board review.", told_resident_on=D(2026, 12, 1),
                    ombudsman_details_given=True, ctx=ctx_on(D(2026, 12, 1), "bob"))
    (ext,) = rows(db, Extension)
    assert (ext.previous_due, ext.new_due, ext.working_days_beyond_target) == (D(2026, 12, 11), D(2027, 1, 13), 20)


def test_received_on_a_saturday(db, ctx_on):
    logged = log(db, ctx_on(D(2026, 11, 9)), D(2026, 11, 7))
    # Monday 9 Nov is working day 1, so the acknowledgement is due Friday 13 Nov.
    assert logged.acknowledge_due == D(2026, 11, 13)
    assert logged.provisional_response_due == D(2026, 11, 27)
    (one,) = stages(db, logged.reference)
    ack = deadlines(db, one.id)[0]
    assert ack == ("acknowledge", D(2026, 11, 7), 5, D(2026, 11, 13), sk((D(2026, 11, 8), SUN)), False, True, None, False)


def test_across_christmas_2026_and_new_year_2027(db, ctx_on):
    logged = log(db, ctx_on(D(2026, 12, 21)), D(2026, 12, 21))
    ref = logged.reference
    # 22, 23, 24, 29, 30 Dec: Christmas Day, the weekend and Boxing Day (observed) skipped.
    assert logged.acknowledge_due == D(2026, 12, 30)
    (one,) = stages(db, ref)
    assert deadlines(db, one.id)[0][3:5] == (
        D(2026, 12, 30),
        sk((D(2026, 12, 25), "bank holiday: Christmas Day"), (D(2026, 12, 26), SAT), (D(2026, 12, 27), SUN),
           (D(2026, 12, 28), "bank holiday: Boxing Day (observed)")),
    )
    define(db, ref, ctx_on(D(2026, 12, 23)))
    due = usecases.acknowledge(db, ref, acknowledged_on=D(2026, 12, 23), ctx=ctx_on(D(2026, 12, 23)))
    # 24, 29, 30, 31 Dec, then New Year's Day and the weekend skipped: 4-8 Jan, 11 Jan.
    assert due == D(2027, 1, 11)
    assert deadlines(db, one.id)[-1][3:5] == (
        D(2027, 1, 11),
        sk((D(2026, 12, 25), "bank holiday: Christmas Day"), (D(2026, 12, 26), SAT), (D(2026, 12, 27), SUN),
           (D(2026, 12, 28), "bank holiday: Boxing Day (observed)"),
           (D(2027, 1, 1), "bank holiday: New Year's Day"), (D(2027, 1, 2), SAT), (D(2027, 1, 3), SUN),
           (D(2027, 1, 9), SAT), (D(2027, 1, 10), SUN)),
    )
    assert complaint(db, ref).reference == "C2026-0001"
    # A complaint received in the new year is numbered in its own year.
    assert log(db, ctx_on(D(2027, 1, 4)), D(2027, 1, 4)).reference == "C2027-0001"


def test_a_closure_day_added_later_moves_nothing_until_recalculated(db, ctx_on):
    ref = log(db, ctx_on(D(2026, 11, 2)), D(2026, 11, 2)).reference
    (one,) = stages(db, ref)
    before = deadlines(db, one.id)
    usecases.add_closure_day(db, D(2026, 11, 4), "staff training", ctx=ctx_on(D(2026, 11, 3)))
    assert deadlines(db, one.id) == before  # the acknowledgement stays due Mon 9 Nov
    with db.read() as s:
        assert open_deadlines(s)[0].due_on == D(2026, 11, 9)
    version = complaint(db, ref).version

    moved = usecases.recalculate_deadlines(
        db, ref, why="Training day agreed after logging.", ctx=ctx_on(D(2026, 11, 3), "manager"),
    )
    # The provisional response deadline follows the acknowledgement deadline it counts from.
    assert moved == [("acknowledge", D(2026, 11, 9), D(2026, 11, 10)), ("respond", D(2026, 11, 23), D(2026, 11, 24))]
    after = deadlines(db, one.id)
    assert after[0] == (
        "acknowledge", D(2026, 11, 2), 5, D(2026, 11, 10),
        sk((D(2026, 11, 4), "closure day: staff training"), *WEEKEND_7_8_NOV), False, True, None, False,
    )
    assert after[1][:4] == ("respond", D(2026, 11, 10), 10, D(2026, 11, 24))
    assert complaint(db, ref).version == version + 1
    assert audit(db, ref)[-1] == (
        "manager", "recalculate deadlines",
        {"why": "Training day agreed after logging.",
         "moved": [["acknowledge", "2026-11-09", "2026-11-10"], ["respond", "2026-11-23", "2026-11-24"]]},
    )
    assert audit(db)[-2][:2] == ("alice", "add closure day")
    with db.read() as s:
        assert open_deadlines(s)[0].due_on == D(2026, 11, 10)


def test_recalculation_leaves_an_agreed_extension_alone(db, ctx_on):
    ref = _acknowledged(db, ctx_on)
    usecases.extend(db, ref, new_due=D(2026, 11, 26), reason="Contractor visit.", told_resident_on=D(2026, 11, 16),
                    ombudsman_details_given=True, ctx=ctx_on(D(2026, 11, 16)))
    usecases.add_closure_day(db, D(2026, 11, 24), ctx=ctx_on(D(2026, 11, 16)))
    assert usecases.recalculate_deadlines(db, ref, why="New closure day.", ctx=ctx_on(D(2026, 11, 16))) == []
    with db.read() as s:
        assert open_deadlines(s)[0].due_on == D(2026, 11, 26)
    assert audit(db, ref)[-1][2] == {"why": "New closure day.", "moved": []}


def test_open_deadlines_one_row_per_open_stage_in_due_order(db, ctx_on):
    a = log(db, ctx_on(D(2026, 11, 20)), D(2026, 11, 4)).reference  # ack due Wed 11 Nov
    b = log(db, ctx_on(D(2026, 11, 20)), D(2026, 11, 2)).reference  # ack due Mon 9 Nov
    define(db, b, ctx_on(D(2026, 11, 20)))
    usecases.acknowledge(db, b, acknowledged_on=D(2026, 11, 3), ctx=ctx_on(D(2026, 11, 20)))  # respond by 17 Nov
    c = _answered_stage_one(db, ctx_on, D(2026, 11, 2))  # answered 10 Nov
    usecases.escalate(db, c, requested_on=D(2026, 11, 11), handler="bob", ctx=ctx_on(D(2026, 11, 20)))  # ack 18 Nov
    d = log(db, ctx_on(D(2026, 11, 20)), D(2026, 11, 3)).reference  # ack due Tue 10 Nov, refused
    usecases.refuse(db, d, exclusion_reason="over_12_months", explanation="The issue arose in 2024.",
                    ombudsman_right_explained=True, ctx=ctx_on(D(2026, 11, 20)), **refusal_facts("over_12_months"))
    e = _answered_stage_one(db, ctx_on, D(2026, 11, 2))  # answered, not escalated: nothing due
    with db.read() as s:
        got = [(r.reference, r.stage, r.due_step, r.due_on) for r in open_deadlines(s)]
    assert got == [
        (a, 1, "acknowledge", D(2026, 11, 11)),
        (b, 1, "respond", D(2026, 11, 17)),
        (c, 2, "acknowledge", D(2026, 11, 18)),
    ]
    assert e not in [r[0] for r in got]


def test_expected_version_mismatch_raises_stale_record_and_writes_nothing(db, ctx_on):
    ref = log(db, ctx_on(D(2026, 11, 2)), D(2026, 11, 2)).reference
    define(db, ref, ctx_on(D(2026, 11, 3)), expected_version=1)  # version now 2
    before = dump(db)
    with pytest.raises(StaleRecord) as err:
        usecases.acknowledge(db, ref, expected_version=1, ctx=ctx_on(D(2026, 11, 3), "bob"))
    assert "version 1 -> 2" in str(err.value)
    assert dump(db) == before
    with pytest.raises(StaleRecord):
        define(db, ref, ctx_on(D(2026, 11, 3)), expected_version=1)
    assert dump(db) == before
    usecases.acknowledge(db, ref, expected_version=2, ctx=ctx_on(D(2026, 11, 3), "bob"))
    assert complaint(db, ref).version == 3
