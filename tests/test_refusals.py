"""Every refused step: it raises StepRefused naming the rule (where the Code has one) and
the database is byte-for-byte what it was before."""

from __future__ import annotations

from datetime import date

import pytest

from chc_tui.steps import usecases
from chc_tui.rules.domain import NeedsConfirmation, NotFound, StepRefused
from conftest import dump

D = date
RECEIVED = D(2026, 11, 2)  # Mon; acknowledgement due Mon 9 Nov
ACKED = D(2026, 11, 5)  # Thu; response due Thu 19 Nov
TODAY = D(2026, 11, 20)


# --- helpers -----------------------------------------------------------------------------


def refused(db, step, *args, **kwargs) -> StepRefused:
    """Run a step that must be refused; check nothing was written; return the refusal."""
    before = dump(db)
    with pytest.raises(StepRefused) as err:
        step(db, *args, **kwargs)
    assert dump(db) == before
    assert err.value.problems, "a refusal always says why"
    return err.value


def messages(err: StepRefused) -> str:
    return " | ".join(p.message for p in err.problems)


LOG = dict(
    channel="email",
    resident_name="Mr B Tenant",
    category="damp and mould",
    resident_words="There is mould in the bedroom.",
)
DEFINITION = dict(
    understanding="Mould in the bedroom has not been treated.",
    outcomes_sought="Treat the mould.",
    responsible_aspects="Damp and mould treatment.",
)


@pytest.fixture
def ctx(ctx_on):
    return ctx_on(TODAY)


@pytest.fixture
def logged(db, ctx_on):
    return usecases.log_complaint(db, received_on=RECEIVED, ctx=ctx_on(RECEIVED), **LOG).reference


@pytest.fixture
def acked(db, ctx_on, logged):
    usecases.define(db, logged, defined_on=D(2026, 11, 4), ctx=ctx_on(D(2026, 11, 4)), **DEFINITION)
    usecases.acknowledge(db, logged, acknowledged_on=ACKED, ctx=ctx_on(ACKED))
    return logged


@pytest.fixture
def answered(db, ctx_on, acked):
    usecases.respond(db, acked, decision="upheld", no_remedy_reason="Put right before we answered", reasons="Inspected.", responded_on=D(2026, 11, 10),
                     ctx=ctx_on(D(2026, 11, 10)))
    return acked


@pytest.fixture
def stage_two(db, ctx_on, answered):
    """Escalated on Wed 11 Nov to bob; defined and acknowledged on Thu 12 Nov (respond by 10 Dec)."""
    usecases.escalate(db, answered, requested_on=D(2026, 11, 11), handler="bob", ctx=ctx_on(D(2026, 11, 11)))
    usecases.define(db, answered, ctx=ctx_on(D(2026, 11, 12), "bob"), **DEFINITION)
    usecases.acknowledge(db, answered, acknowledged_on=D(2026, 11, 12), ctx=ctx_on(D(2026, 11, 12), "bob"))
    return answered


# --- dates -------------------------------------------------------------------------------


def test_dates_in_the_future(db, ctx, logged, ctx_on):
    future = D(2026, 11, 21)
    err = refused(db, usecases.log_complaint, received_on=future, ctx=ctx, **LOG)
    assert err.for_field("received_on") == ["the date received cannot be in the future (today is 20/11/2026)"]
    err = refused(db, usecases.define, logged, defined_on=future, ctx=ctx, **DEFINITION)
    assert "cannot be in the future" in err.for_field("defined_on")[0]
    usecases.define(db, logged, ctx=ctx, **DEFINITION)
    err = refused(db, usecases.acknowledge, logged, acknowledged_on=future, ctx=ctx)
    assert "cannot be in the future" in err.for_field("acknowledged_on")[0]
    err = refused(db, usecases.refuse, logged, exclusion_reason="other", explanation="x",
                  ombudsman_right_explained=True, refused_on=future, ctx=ctx)
    assert "cannot be in the future" in err.for_field("refused_on")[0]
    err = refused(db, usecases.withdraw, logged, withdrawn_on=future, ctx=ctx)
    assert "cannot be in the future" in err.for_field("withdrawn_on")[0]
    usecases.acknowledge(db, logged, acknowledged_on=ACKED, ctx=ctx)
    err = refused(db, usecases.extend, logged, new_due=D(2026, 11, 26), reason="r", decided_on=future, ctx=ctx)
    assert "cannot be in the future" in err.for_field("decided_on")[0]
    err = refused(db, usecases.extend, logged, new_due=D(2026, 11, 26), reason="r",
                  told_resident_on=future, ctx=ctx)
    assert "cannot be in the future" in err.for_field("told_resident_on")[0]
    err = refused(db, usecases.respond, logged, decision="upheld", no_remedy_reason="Put right before we answered", reasons="r", responded_on=future, ctx=ctx)
    assert "cannot be in the future" in err.for_field("responded_on")[0]
    usecases.respond(db, logged, decision="upheld", no_remedy_reason="Put right before we answered", reasons="r", responded_on=D(2026, 11, 10), ctx=ctx)
    err = refused(db, usecases.close, logged, closed_on=future, ctx=ctx)
    assert "cannot be in the future" in err.for_field("closed_on")[0]
    err = refused(db, usecases.escalate, logged, requested_on=future, handler="bob", ctx=ctx)
    assert "cannot be in the future" in err.for_field("requested_on")[0]


def test_dates_before_receipt_or_the_step_they_follow(db, ctx, logged):
    early = D(2026, 11, 1)
    err = refused(db, usecases.define, logged, defined_on=early, ctx=ctx, **DEFINITION)
    assert err.for_field("defined_on") == ["the date defined cannot be before the stage began (02/11/2026)"]
    err = refused(db, usecases.refuse, logged, exclusion_reason="other", explanation="x",
                  ombudsman_right_explained=True, refused_on=early, ctx=ctx)
    assert "cannot be before the stage began" in err.for_field("refused_on")[0]
    err = refused(db, usecases.withdraw, logged, withdrawn_on=early, ctx=ctx)
    assert "cannot be before the complaint was received" in err.for_field("withdrawn_on")[0]
    usecases.define(db, logged, ctx=ctx, **DEFINITION)
    err = refused(db, usecases.acknowledge, logged, acknowledged_on=early, ctx=ctx)
    assert err.for_field("acknowledged_on") == [
        "the acknowledgement date cannot be before the complaint was received (02/11/2026)"
    ]
    usecases.acknowledge(db, logged, acknowledged_on=ACKED, ctx=ctx)
    err = refused(db, usecases.extend, logged, new_due=D(2026, 11, 26), reason="r", decided_on=D(2026, 11, 4), ctx=ctx)
    assert "cannot be before the acknowledgement" in err.for_field("decided_on")[0]
    err = refused(db, usecases.extend, logged, new_due=D(2026, 11, 26), reason="r", told_resident_on=early, ctx=ctx)
    assert "cannot be before the extension was decided" in err.for_field("told_resident_on")[0]
    err = refused(db, usecases.respond, logged, decision="upheld", no_remedy_reason="Put right before we answered", reasons="r", responded_on=D(2026, 11, 4), ctx=ctx)
    assert err.for_field("responded_on") == ["the response date cannot be before the acknowledgement (05/11/2026)"]
    usecases.respond(db, logged, decision="upheld", no_remedy_reason="Put right before we answered", reasons="r", responded_on=D(2026, 11, 10), ctx=ctx)
    err = refused(db, usecases.close, logged, closed_on=D(2026, 11, 9), ctx=ctx)
    assert "cannot be before the response" in err.for_field("closed_on")[0]
    err = refused(db, usecases.escalate, logged, requested_on=D(2026, 11, 9), handler="bob", ctx=ctx)
    assert err.for_field("requested_on") == [
        "the date escalation was requested cannot be before the stage 1 response (10/11/2026)"
    ]


@pytest.mark.parametrize("bad", ["2026-11-31", "20/11/2026", 20261120, None])
def test_a_non_date_passed_as_a_date(db, ctx, bad):
    err = refused(db, usecases.log_complaint, received_on=bad, ctx=ctx, **LOG)
    if bad is None:
        assert err.for_field("received_on") == ["the date received is required"]
    else:
        assert err.for_field("received_on") == [f"the date received must be a date, not {bad!r}"]


def test_non_dates_at_every_step(db, ctx, logged):
    bad = "2026-11-31"
    assert refused(db, usecases.define, logged, defined_on=bad, ctx=ctx, **DEFINITION).for_field("defined_on")
    usecases.define(db, logged, ctx=ctx, **DEFINITION)
    assert refused(db, usecases.acknowledge, logged, acknowledged_on=bad, ctx=ctx).for_field("acknowledged_on")
    assert refused(db, usecases.withdraw, logged, withdrawn_on=bad, ctx=ctx).for_field("withdrawn_on")
    assert refused(db, usecases.refuse, logged, exclusion_reason="other", explanation="x",
                   ombudsman_right_explained=True, refused_on=bad, ctx=ctx).for_field("refused_on")
    usecases.acknowledge(db, logged, acknowledged_on=ACKED, ctx=ctx)
    err = refused(db, usecases.extend, logged, new_due=bad, reason="r", ctx=ctx)
    assert err.for_field("new_due") == ["the new due date must be a date, not '2026-11-31'"]
    assert refused(db, usecases.extend, logged, new_due=D(2026, 11, 26), reason="r", decided_on=bad,
                   ctx=ctx).for_field("decided_on")
    assert refused(db, usecases.respond, logged, decision="upheld", no_remedy_reason="Put right before we answered", reasons="r", responded_on=bad,
                   ctx=ctx).for_field("responded_on")
    usecases.respond(db, logged, decision="upheld", no_remedy_reason="Put right before we answered", reasons="r", ctx=ctx)
    assert refused(db, usecases.close, logged, closed_on=bad, ctx=ctx).for_field("closed_on")
    assert refused(db, usecases.escalate, logged, requested_on=bad, handler="bob", ctx=ctx).for_field("requested_on")
    assert refused(db, usecases.add_closure_day, bad, ctx=ctx).for_field("day")
    assert refused(db, usecases.remove_closure_day, bad, ctx=ctx).for_field("day") == [
        "a closure day must be a date, not '2026-11-31'"
    ]


# --- order of steps ------------------------------------------------------------------------


def test_acknowledging_before_definition(db, ctx, logged):
    err = refused(db, usecases.acknowledge, logged, ctx=ctx)
    assert "Code 5.6" in messages(err)
    assert err.problems[0].field is None


def test_acknowledging_twice(db, ctx, acked):
    err = refused(db, usecases.acknowledge, acked, ctx=ctx)
    assert messages(err) == "stage 1 was already acknowledged on 05/11/2026"


def test_responding_to_an_unacknowledged_stage(db, ctx, logged):
    err = refused(db, usecases.respond, logged, decision="upheld", no_remedy_reason="Put right before we answered", reasons="r", ctx=ctx)
    assert "Code 6.2" in messages(err)
    usecases.define(db, logged, ctx=ctx, **DEFINITION)
    err = refused(db, usecases.respond, logged, decision="upheld", no_remedy_reason="Put right before we answered", reasons="r", ctx=ctx)
    assert "acknowledge stage 1 before responding" in messages(err)


def test_responding_twice(db, ctx, answered):
    err = refused(db, usecases.respond, answered, decision="upheld", no_remedy_reason="Put right before we answered", reasons="again", ctx=ctx)
    assert messages(err) == "stage 1 was already answered on 10/11/2026"


def test_responding_to_a_closed_complaint(db, ctx, answered):
    usecases.close(db, answered, ctx=ctx)
    err = refused(db, usecases.respond, answered, decision="upheld", no_remedy_reason="Put right before we answered", reasons="r", ctx=ctx)
    assert "is closed" in messages(err)


def test_steps_on_a_closed_refused_or_withdrawn_complaint(db, ctx, ctx_on, answered):
    usecases.close(db, answered, ctx=ctx)
    for step, kw in [
        (usecases.define, DEFINITION),
        (usecases.acknowledge, {}),
        (usecases.extend, dict(new_due=D(2026, 12, 1), reason="r")),
        (usecases.close, {}),
        (usecases.withdraw, {}),
        (usecases.assign_handler, dict(handler="zed")),
    ]:
        assert "is closed" in messages(refused(db, step, answered, ctx=ctx, **kw))


def test_close_before_a_response(db, ctx, acked):
    err = refused(db, usecases.close, acked, ctx=ctx)
    assert messages(err) == (
        "stage 1 has not been answered; respond first, or record a refusal or withdrawal"
    )


def test_defining_an_answered_stage(db, ctx, answered):
    err = refused(db, usecases.define, answered, ctx=ctx, **DEFINITION)
    assert "already been answered" in messages(err)


def test_refusing_an_answered_stage(db, ctx, answered):
    err = refused(db, usecases.refuse, answered, exclusion_reason="other", explanation="x",
                  ombudsman_right_explained=True, ctx=ctx)
    assert "can no longer be refused" in messages(err)


# --- extensions -----------------------------------------------------------------------------


def _told(day: date) -> dict:
    """Decided and told on `day`, with the Ombudsman's details: in line but for the limit."""
    return dict(decided_on=day, told_resident_on=day, ombudsman_details_given=True)


BY_THE_DEADLINE = D(2026, 11, 16)  # before stage 1's response deadline, Thu 19 Nov


def test_extension_past_the_limit_without_a_good_reason_stage_one(db, ctx, acked):
    # 11 working days beyond Thu 19 Nov: not in line with the Code, so not recorded unless knowingly.
    err = refused(db, usecases.extend, acked, new_due=D(2026, 12, 4), reason="Awaiting a survey.", ctx=ctx, **_told(BY_THE_DEADLINE))
    assert isinstance(err, NeedsConfirmation)
    (message,) = err.for_field("good_reason")
    assert "Code 6.4" in message and "11 working days" in message and "past the limit of 10" in message
    # Whitespace is no reason.
    err = refused(db, usecases.extend, acked, new_due=D(2026, 12, 4), reason="r", good_reason="   ", ctx=ctx, **_told(BY_THE_DEADLINE))
    assert "Code 6.4" in messages(err)


def test_extension_past_the_limit_counts_from_the_original_target(db, ctx, acked):
    usecases.extend(db, acked, new_due=D(2026, 11, 26), reason="First.", ctx=ctx, **_told(BY_THE_DEADLINE))  # 5 beyond
    # 6 more working days from the current due date, but 11 from the original target.
    err = refused(db, usecases.extend, acked, new_due=D(2026, 12, 4), reason="Second.", ctx=ctx, **_told(BY_THE_DEADLINE))
    assert "11 working days" in messages(err) and "Code 6.4" in messages(err)


def test_extension_past_the_limit_without_a_good_reason_stage_two(db, ctx_on, stage_two):
    # Stage 2 response due Thu 10 Dec; 21 working days beyond it is Wed 13 Jan 2027
    # (11, 14-18, 21-24, 29-31 Dec, 4-8, 11, 12, 13 Jan).
    ctx = ctx_on(D(2026, 12, 1), "bob")
    err = refused(db, usecases.extend, stage_two, new_due=D(2027, 1, 13), reason="r", ctx=ctx, **_told(ctx.today))
    (message,) = err.for_field("good_reason")
    assert "Code 6.15" in message and "21 working days" in message and "past the limit of 20" in message
    usecases.extend(db, stage_two, new_due=D(2027, 1, 12), reason="20 is allowed.", ctx=ctx, **_told(ctx.today))


@pytest.mark.parametrize(
    "day, why",
    [
        (D(2026, 11, 28), "Saturday"),
        (D(2026, 12, 25), "bank holiday: Christmas Day"),
        (D(2026, 12, 28), "bank holiday: Boxing Day (observed)"),
    ],
)
def test_extension_to_a_non_working_day(db, ctx, acked, day, why):
    err = refused(db, usecases.extend, acked, new_due=day, reason="r", good_reason="long", ctx=ctx)
    (message,) = err.for_field("new_due")
    assert "is not a working day" in message and why in message


def test_extension_to_a_closure_day(db, ctx, acked):
    usecases.add_closure_day(db, D(2026, 11, 24), "office move", ctx=ctx)
    err = refused(db, usecases.extend, acked, new_due=D(2026, 11, 24), reason="r", ctx=ctx)
    assert err.for_field("new_due") == [
        "Tue 24/11/2026 is not a working day (closure day: office move); the next one is 25/11/2026"
    ]


@pytest.mark.parametrize("day", [D(2026, 11, 19), D(2026, 11, 18)])
def test_extension_not_later_than_the_current_due_date(db, ctx, acked, day):
    err = refused(db, usecases.extend, acked, new_due=day, reason="r", ctx=ctx)
    assert err.for_field("new_due") == ["the new due date must be after the current one (19/11/2026)"]


def test_extension_needs_a_reason_and_an_acknowledged_unanswered_stage(db, ctx, logged, ctx_on):
    err = refused(db, usecases.extend, logged, new_due=D(2026, 11, 26), reason="r", ctx=ctx)
    assert "acknowledge stage 1 before extending" in messages(err)
    usecases.define(db, logged, ctx=ctx, **DEFINITION)
    usecases.acknowledge(db, logged, acknowledged_on=ACKED, ctx=ctx)
    err = refused(db, usecases.extend, logged, new_due=D(2026, 11, 26), reason="  ", ctx=ctx)
    assert err.for_field("reason") == ["the reason for the extension is required (Code 6.4)"]
    usecases.respond(db, logged, decision="upheld", no_remedy_reason="Put right before we answered", reasons="r", ctx=ctx)
    err = refused(db, usecases.extend, logged, new_due=D(2026, 11, 26), reason="r", ctx=ctx)
    assert "already been answered" in messages(err)


# --- escalation and handlers -----------------------------------------------------------------


def test_escalating_a_stage_two(db, ctx_on, stage_two):
    err = refused(db, usecases.escalate, stage_two, requested_on=D(2026, 11, 20), handler="carol",
                  ctx=ctx_on(D(2026, 11, 20)))
    assert "Code 5.3" in messages(err)


def test_escalating_before_the_stage_one_response(db, ctx, acked):
    err = refused(db, usecases.escalate, acked, requested_on=D(2026, 11, 20), handler="bob", ctx=ctx)
    assert "Code 6.10" in messages(err)


def test_escalating_a_refused_complaint(db, ctx, logged):
    usecases.refuse(db, logged, exclusion_reason="already_considered", explanation="Answered as C2025-0100.",
                    ombudsman_right_explained=True, ctx=ctx)
    err = refused(db, usecases.escalate, logged, requested_on=TODAY, handler="bob", ctx=ctx)
    assert messages(err) == "cannot escalate: C2026-0001 is refused"


def test_escalating_a_withdrawn_complaint(db, ctx, answered):
    usecases.withdraw(db, answered, ctx=ctx)
    err = refused(db, usecases.escalate, answered, requested_on=TODAY, handler="bob", ctx=ctx)
    assert messages(err) == "cannot escalate: C2026-0001 is withdrawn"


@pytest.mark.parametrize("same", ["alice", " ALICE ", "Alice", "\talice\n"])
def test_stage_two_handler_is_the_stage_one_handler(db, ctx, answered, same):
    err = refused(db, usecases.escalate, answered, requested_on=TODAY, handler=same, ctx=ctx)
    (message,) = err.for_field("handler")
    assert "Code 6.13" in message and message.startswith("alice considered stage 1 (handles stage 1")


def test_stage_two_handler_is_required(db, ctx, answered):
    err = refused(db, usecases.escalate, answered, requested_on=TODAY, handler="  ", ctx=ctx)
    assert err.for_field("handler") == ["the handler is required: choose someone from the staff register"]


@pytest.mark.parametrize("same", ["alice", " ALICE "])
def test_assign_handler_cannot_make_stage_two_the_stage_one_handler(db, ctx, stage_two, same):
    err = refused(db, usecases.assign_handler, stage_two, handler=same, ctx=ctx)
    (message,) = err.for_field("handler")
    assert "Code 6.13" in message
    usecases.assign_handler(db, stage_two, handler="carol", ctx=ctx)  # anyone else is fine


def test_assign_handler_needs_a_handler(db, ctx, logged):
    err = refused(db, usecases.assign_handler, logged, handler=" ", ctx=ctx)
    assert err.for_field("handler") == ["the handler is required: choose someone from the staff register"]


# --- refusals of complaints (Code section 2) ----------------------------------------------


def test_refusing_without_an_explanation(db, ctx, logged):
    err = refused(db, usecases.refuse, logged, exclusion_reason="over_12_months", explanation="  ",
                  ombudsman_right_explained=True, ctx=ctx)
    (message,) = err.for_field("explanation")
    assert "Code 2.4" in message


def test_refusing_without_telling_the_resident_of_the_ombudsman(db, ctx, logged):
    err = refused(db, usecases.refuse, logged, exclusion_reason="over_12_months",
                  explanation="The issue arose in 2024.", ctx=ctx)
    (message,) = err.for_field("ombudsman_right_explained")
    assert "Code 2.4" in message and "Ombudsman" in message


@pytest.mark.parametrize("reason", ["", "blanket", "OVER_12_MONTHS", None])
def test_unknown_exclusion_reason(db, ctx, logged, reason):
    err = refused(db, usecases.refuse, logged, exclusion_reason=reason, explanation="x",
                  ombudsman_right_explained=True, ctx=ctx)
    (message,) = err.for_field("exclusion_reason")
    assert "Code 2.2" in message


# --- logging and answering ------------------------------------------------------------------


@pytest.mark.parametrize("channel", ["fax", "", "Phone", None])
def test_unknown_channel(db, ctx, channel):
    err = refused(db, usecases.log_complaint, received_on=TODAY, ctx=ctx, **{**LOG, "channel": channel})
    (message,) = err.for_field("channel")
    assert message.startswith(f"unknown channel {channel!r}") and "phone" in message


@pytest.mark.parametrize("words", ["", "   \n", None])
def test_empty_resident_words(db, ctx, words):
    err = refused(db, usecases.log_complaint, received_on=TODAY, ctx=ctx, **{**LOG, "resident_words": words})
    assert err.for_field("resident_words") == ["the resident's own words is required (Code 5.12)"]


def test_representative_without_relationship(db, ctx):
    err = refused(db, usecases.log_complaint, received_on=TODAY, representative_name="Cllr Jones", ctx=ctx, **LOG)
    assert "Code 3.6" in err.for_field("representative_relationship")[0]


def test_unknown_resident_id(db, ctx):
    err = refused(db, usecases.log_complaint, received_on=TODAY, resident_id=999, ctx=ctx, **LOG)
    assert err.for_field("resident_name") == ["no resident with id 999"]


@pytest.mark.parametrize("field", ["understanding", "outcomes_sought", "responsible_aspects"])
def test_empty_definition_parts(db, ctx, logged, field):
    err = refused(db, usecases.define, logged, ctx=ctx, **{**DEFINITION, field: " "})
    (message,) = err.for_field(field)
    assert "Code 5.6" in message or "Code 5.7" in message


def test_empty_decision_and_reasons_stage_one(db, ctx, acked):
    err = refused(db, usecases.respond, acked, decision="", reasons=" ", ctx=ctx)
    assert "Code 6.9" in err.for_field("decision")[0]
    assert err.for_field("reasons") == ["the reasons for the decision is required (Code 6.9)"]
    err = refused(db, usecases.respond, acked, decision="rejected", reasons="r", ctx=ctx)
    assert "upheld, partly upheld, not upheld" in err.for_field("decision")[0]


def test_empty_decision_and_reasons_stage_two(db, ctx_on, stage_two):
    err = refused(db, usecases.respond, stage_two, decision=None, reasons="", ctx=ctx_on(TODAY, "bob"))
    assert "Code 6.19" in err.for_field("decision")[0]
    assert "Code 6.19" in err.for_field("reasons")[0]


# --- settings -------------------------------------------------------------------------------


@pytest.mark.parametrize("region", ["wales", "England-and-Wales", ""])
def test_unknown_region(db, ctx, region):
    err = refused(db, usecases.set_region, region, ctx=ctx)
    (message,) = err.for_field("region")
    assert f"unknown region {region!r}" in message and "england-and-wales" in message


def test_closure_day_twice_and_removing_a_missing_one(db, ctx):
    usecases.add_closure_day(db, D(2026, 12, 24), "Christmas Eve", ctx=ctx)
    assert refused(db, usecases.add_closure_day, D(2026, 12, 24), ctx=ctx).for_field("day") == [
        "24/12/2026 is already a closure day"
    ]
    assert refused(db, usecases.remove_closure_day, D(2026, 12, 23), ctx=ctx).for_field("day") == [
        "23/12/2026 is not a closure day"
    ]


def test_recalculating_without_a_reason(db, ctx, logged):
    assert refused(db, usecases.recalculate_deadlines, logged, why="  ", ctx=ctx).for_field("why")


# --- unknown references -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "step, kwargs",
    [
        (usecases.define, DEFINITION),
        (usecases.acknowledge, {}),
        (usecases.extend, dict(new_due=D(2026, 12, 1), reason="r")),
        (usecases.respond, dict(decision="upheld", no_remedy_reason="Put right before we answered", reasons="r")),
        (usecases.escalate, dict(requested_on=TODAY, handler="bob")),
        (usecases.refuse, dict(exclusion_reason="other", explanation="x", ombudsman_right_explained=True)),
        (usecases.withdraw, {}),
        (usecases.close, {}),
        (usecases.assign_handler, dict(handler="bob")),
        (usecases.recalculate_deadlines, dict(why="test")),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_unknown_reference(db, ctx, logged, step, kwargs):
    before = dump(db)
    with pytest.raises(NotFound) as err:
        step(db, "C2026-9999", ctx=ctx, **kwargs)
    assert "C2026-9999" in str(err.value)
    assert dump(db) == before


# --- several problems at once ----------------------------------------------------------------


def test_several_problems_are_all_reported_with_their_fields(db, ctx):
    err = refused(
        db, usecases.log_complaint, received_on=D(2026, 12, 1), channel="pigeon", resident_name=" ",
        category="", resident_words="", handler=" ", representative_name="Ms R", ctx=ctx,
    )
    assert [p.field for p in err.problems] == [
        "received_on", "channel", "resident_name", "category", "resident_words", "handler",
        "representative_relationship",
    ]
    assert str(err) == "; ".join(p.message for p in err.problems)


def test_several_problems_with_a_response(db, ctx, acked):
    err = refused(db, usecases.respond, acked, decision="maybe", reasons="", responded_on=D(2026, 12, 1), ctx=ctx)
    assert [p.field for p in err.problems] == ["decision", "reasons", "responded_on"]


def test_several_problems_with_a_refusal(db, ctx, logged):
    err = refused(db, usecases.refuse, logged, exclusion_reason="nope", explanation="", refused_on=D(2026, 11, 1), ctx=ctx)
    assert [p.field for p in err.problems] == [
        "exclusion_reason", "explanation", "ombudsman_right_explained", "refused_on",
    ]


def test_several_problems_with_an_extension(db, ctx, acked):
    # A Saturday more than 10 working days beyond the target, with no good reason.
    err = refused(db, usecases.extend, acked, new_due=D(2026, 12, 5), reason="r", ctx=ctx)
    # the date must be a working day first; what falls short of the Code is shown once it is
    assert sorted(p.field for p in err.problems) == ["new_due"]
    err = refused(db, usecases.extend, acked, new_due=D(2026, 12, 4), reason="r", ctx=ctx)
    assert sorted(p.field for p in err.problems if p.field) == [
        "decided_on", "good_reason", "ombudsman_details_given", "told_resident_on"]  # decided today, after 19 Nov
