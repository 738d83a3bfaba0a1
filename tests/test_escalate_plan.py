"""plan_escalate on plain values (chc_tui.steps.plans.escalate): the rules of escalation
(Code 5.3, 6.10-6.13) without a database, as the use-case, the importer and the demo call
them. The use-case's own refusals are in test_refusals and test_stage_two_independence."""

from __future__ import annotations

import json
from datetime import date

import pytest

from chc_tui.rules.calendar import WorkingCalendar
from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import StepRefused
from chc_tui.steps.plans.escalate import plan_escalate
from chc_tui.steps.plans.state import ComplaintNow, StageNow

CTX = StepContext(actor="importer", today=date(2026, 11, 23))
CALENDAR = WorkingCalendar()  # England: Good Friday 3 April, Easter Monday 6 April, 4 May 2026
ANSWERED = StageNow(1, date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 23))
OPEN = ComplaintNow("E-1", "open", date(2026, 3, 2))
ALICE_DID = {7: ["handles stage 1", "answered stage 1"]}  # staff 7 is alice


def escalate(complaint=OPEN, current=ANSWERED, *, requested_on=date(2026, 4, 2), handler=(8, "bob"),
             people=ALICE_DID):
    return plan_escalate(CTX, CALENDAR, complaint, current, requested_on=requested_on, reason=" Still leaking ",
                         handler=handler, stage_one_people=people)


def refusal(**kwargs) -> list[tuple[str | None, str]]:
    with pytest.raises(StepRefused) as refused:
        escalate(**kwargs)
    return [(p.field, p.message) for p in refused.value.problems]


def test_an_answered_stage_one_escalated_starts_stage_two_and_its_clocks():
    plan = escalate()
    assert plan.stage == {"stage": 2, "opened_on": date(2026, 4, 2), "handler": "bob", "handler_staff_id": 8,
                          "escalation_reason": "Still leaking"}
    # five working days to acknowledge (6.11), Easter skipped; twenty more to respond (6.14)
    assert (plan.acknowledge_due, plan.acknowledge["due_on"], plan.acknowledge["step"]) == (
        date(2026, 4, 13), date(2026, 4, 13), "acknowledge")
    assert (plan.respond["due_on"], plan.respond["provisional"], plan.respond["clock_start"]) == (
        date(2026, 5, 12), True, date(2026, 4, 13))
    assert plan.changes.complaint == {"current_stage": 2, "status": "open", "closed_on": None}
    assert plan.audit["action"] == "escalate"
    assert json.loads(plan.audit["details_json"]) == {
        "requested_on": "2026-04-02", "handler": "bob", "handler_staff_id": 8, "reason": "Still leaking",
        "reopened": False, "acknowledge_due": "2026-04-13"}


def test_a_complaint_closed_after_stage_one_is_reopened():
    plan = escalate(ComplaintNow("E-1", "closed", date(2026, 3, 2)))
    assert json.loads(plan.audit["details_json"])["reopened"] is True
    assert plan.changes.complaint["status"] == "open"


def test_nobody_who_considered_stage_one_is_assigned_stage_two():
    assert refusal(handler=(7, "alice")) == [(
        "handler", "alice considered stage 1 (handles stage 1, answered stage 1), so cannot be assigned stage 2: "
                   "stage 2 must be considered by someone who did not consider stage 1 (Code 6.13)")]


def test_the_registers_refusal_of_the_handler_comes_after_the_date():
    register = StepRefused("nobody on the staff register is 'zoe'", "handler")
    assert refusal(handler=register, requested_on=date(2026, 3, 20)) == [
        ("requested_on", "the date escalation was requested cannot be before the stage 1 response (23/03/2026)"),
        ("handler", "nobody on the staff register is 'zoe'"),
    ]


@pytest.mark.parametrize("complaint, current, message", [
    (ComplaintNow("E-1", "refused", date(2026, 3, 2)), ANSWERED, "cannot escalate: E-1 is refused"),
    (ComplaintNow("E-1", "withdrawn", date(2026, 3, 2)), ANSWERED, "cannot escalate: E-1 is withdrawn"),
    (OPEN, StageNow(2, date(2026, 4, 2), None, None),
     "this complaint is already at stage 2: the Code allows no third stage (Code 5.3)"),
    (OPEN, StageNow(1, date(2026, 3, 2), date(2026, 3, 3), None),
     "stage 1 has not been answered yet; escalate after the stage 1 response (Code 6.10)"),
])
def test_only_an_answered_open_stage_one_is_escalated(complaint, current, message):
    # refused first, whatever else is wrong with the request
    assert refusal(complaint=complaint, current=current, handler=(7, "alice"),
                   requested_on=date(2027, 1, 1)) == [(None, message)]
