"""Code 6.13: the person considering stage 2 must not be anyone who considered stage 1,
not only whoever holds stage 1 now."""

from __future__ import annotations

from datetime import date

import pytest

from chc_tui.steps import usecases as uc
from chc_tui.rules.domain import StepRefused
from conftest import dump

D = date


def _answered_stage_one(db, ctx_on, *, responder="alice"):
    logged = uc.log_complaint(
        db, received_on=D(2026, 11, 2), channel="phone", resident_name="Ann Lee",
        category="Repairs", resident_words="The boiler is broken", handler="alice",
        ctx=ctx_on(D(2026, 11, 2)),
    )
    ref = logged.reference
    uc.define(db, ref, understanding="boiler", outcomes_sought="fix", responsible_aspects="heating",
              ctx=ctx_on(D(2026, 11, 3)))
    uc.acknowledge(db, ref, acknowledged_on=D(2026, 11, 3), ctx=ctx_on(D(2026, 11, 3)))
    uc.assign_handler(db, ref, handler="bob", ctx=ctx_on(D(2026, 11, 4)))
    uc.respond(db, ref, decision="upheld", reasons="late repair", ctx=ctx_on(D(2026, 11, 10), responder))
    return ref


@pytest.mark.parametrize("who", ["alice", " ALICE ", "bob", "carol"])
def test_nobody_who_considered_stage_one_may_take_stage_two(db, ctx_on, who):
    # alice logged it, bob took it over, carol wrote the response.
    ref = _answered_stage_one(db, ctx_on, responder="carol")
    before = dump(db)
    with pytest.raises(StepRefused) as refused:
        uc.escalate(db, ref, requested_on=D(2026, 11, 12), handler=who, ctx=ctx_on(D(2026, 11, 12)))
    assert "Code 6.13" in refused.value.for_field("handler")[0]
    assert dump(db) == before


def test_someone_new_may_take_stage_two_but_not_be_swapped_for_a_stage_one_person(db, ctx_on):
    ref = _answered_stage_one(db, ctx_on, responder="carol")
    uc.escalate(db, ref, requested_on=D(2026, 11, 12), handler="dave", ctx=ctx_on(D(2026, 11, 12)))
    before = dump(db)
    for who in ("alice", "bob", "carol"):
        with pytest.raises(StepRefused, match="6.13"):
            uc.assign_handler(db, ref, handler=who, ctx=ctx_on(D(2026, 11, 13)))
    assert dump(db) == before
    uc.assign_handler(db, ref, handler="erin", ctx=ctx_on(D(2026, 11, 13)))
