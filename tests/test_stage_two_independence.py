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
    uc.respond(db, ref, decision="upheld", no_remedy_reason="Put right before we answered", reasons="late repair", ctx=ctx_on(D(2026, 11, 10), responder))
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


# --- issue 17: 6.13 in fact, by staff id, for every stage 2 step -----------------------------


def _escalated_to_dave_by_alice(db, ctx_on):
    """The issue's reproduction: alice handled stage 1 and escalates, naming someone new."""
    ref = _answered_stage_one(db, ctx_on)
    uc.escalate(db, ref, requested_on=D(2026, 11, 12), handler="dave", ctx=ctx_on(D(2026, 11, 12)))
    return ref


def test_alice_cannot_record_any_stage_two_step_on_her_own_stage_one_complaint(db, ctx_on):
    ref = _escalated_to_dave_by_alice(db, ctx_on)
    alice = ctx_on(D(2026, 11, 13), "alice")
    before = dump(db)
    attempts = {
        "define": lambda: uc.define(db, ref, understanding="u", outcomes_sought="o", responsible_aspects="r", ctx=alice),
        "acknowledge": lambda: uc.acknowledge(db, ref, acknowledged_on=D(2026, 11, 13), ctx=alice),
    }
    for step, attempt in attempts.items():
        with pytest.raises(StepRefused) as refused:
            attempt()
        assert "Code 6.13" in str(refused.value) and str(refused.value).startswith("alice considered stage 1"), step
    assert dump(db) == before
    dave = ctx_on(D(2026, 11, 13), "dave")
    uc.define(db, ref, understanding="u", outcomes_sought="o", responsible_aspects="r", ctx=dave)
    uc.acknowledge(db, ref, acknowledged_on=D(2026, 11, 13), ctx=dave)
    before = dump(db)
    later = ctx_on(D(2026, 11, 20), "alice")
    for step, attempt in {
        "extend": lambda: uc.extend(db, ref, new_due=D(2026, 12, 18), reason="survey", told_resident_on=D(2026, 11, 20),
                                    ombudsman_details_given=True, ctx=later),
        "respond": lambda: uc.respond(db, ref, decision="upheld", no_remedy_reason="Put right before we answered", reasons="r", ctx=later),
    }.items():
        with pytest.raises(StepRefused, match="Code 6.13"):
            attempt()
    assert dump(db) == before
    uc.respond(db, ref, decision="upheld", no_remedy_reason="Put right before we answered", reasons="r", ctx=ctx_on(D(2026, 11, 20), "dave"))
    with db.read() as session:
        from sqlmodel import select
        from store.models import AuditEntry, Response, StaffLogin

        dave_id = session.exec(select(StaffLogin.staff_id).where(StaffLogin.login == "dave")).one()
        entries = session.exec(select(AuditEntry).where(AuditEntry.action.in_(["define", "acknowledge", "respond"]))
                               .order_by(AuditEntry.id)).all()
        responses = session.exec(select(Response).order_by(Response.id)).all()
    assert [(e.actor, e.actor_staff_id) for e in entries[-3:]] == [("dave", dave_id)] * 3
    assert responses[-1].by_staff_id == dave_id


def test_two_spellings_of_one_person_are_one_person(db, ctx_on):
    """"Alice Smith" passed a check against "alice": now both are the staff member alice is."""
    from chc_tui.steps import staff

    with db.read() as session:
        from sqlmodel import select
        from store.models import StaffLogin

        alice_id = session.exec(select(StaffLogin.staff_id).where(StaffLogin.login == "alice")).one()
    staff.edit_staff(db, alice_id, display_name="Alice Smith", ctx=ctx_on(D(2026, 11, 1)))
    ref = _answered_stage_one(db, ctx_on)
    for typed in ("Alice Smith", "alice smith", "alice", alice_id):
        with pytest.raises(StepRefused, match="Code 6.13"):
            uc.escalate(db, ref, requested_on=D(2026, 11, 12), handler=typed, ctx=ctx_on(D(2026, 11, 12)))


def test_a_login_not_on_the_register_reads_but_cannot_write(db, ctx_on):
    before = dump(db)
    with pytest.raises(StepRefused, match="not on the staff register.*chc staff add"):
        uc.log_complaint(db, received_on=D(2026, 11, 2), channel="phone", resident_name="Ann Lee",
                         category="Repairs", resident_words="w", ctx=ctx_on(D(2026, 11, 2), "mallory"))
    assert dump(db) == before


def test_a_deactivated_staff_member_cannot_write_or_be_assigned(db, ctx_on):
    from chc_tui.steps import staff
    from sqlmodel import select
    from store.models import StaffLogin

    with db.read() as session:
        dave = session.exec(select(StaffLogin.staff_id).where(StaffLogin.login == "dave")).one()
    staff.deactivate_staff(db, dave, last_day=D(2026, 11, 1), ctx=ctx_on(D(2026, 11, 1)))
    ref = _answered_stage_one(db, ctx_on)
    before = dump(db)
    with pytest.raises(StepRefused, match="not active"):
        uc.escalate(db, ref, requested_on=D(2026, 11, 12), handler="dave", ctx=ctx_on(D(2026, 11, 12)))
    with pytest.raises(StepRefused, match="not active on the staff register"):
        uc.escalate(db, ref, requested_on=D(2026, 11, 12), handler="erin", ctx=ctx_on(D(2026, 11, 12), "dave"))
    assert dump(db) == before


def test_the_first_login_on_a_new_database_becomes_its_first_admin(tmp_path):
    from chc_tui.rules.context import StepContext
    from chc_tui.steps import staff
    from store.engine import open_database
    from store.staff_queries import staff_list

    fresh = open_database(tmp_path / "new.db")
    try:
        uc.log_complaint(fresh, received_on=D(2026, 11, 2), channel="phone", resident_name="Ann Lee",
                         category="Repairs", resident_words="w", ctx=StepContext(actor="jo", today=D(2026, 11, 2)))
        with fresh.read() as session:
            people = staff_list(session)
        assert [(p.display_name, p.logins, [r.value for r in p.roles]) for p in people] == [("jo", ("jo",), ["admin", "handler"])]
        # the second login is not let in by the first one's arrival
        with pytest.raises(StepRefused, match="not on the staff register"):
            staff.add_staff(fresh, display_name="Kim", logins=["kim"], ctx=StepContext(actor="kim", today=D(2026, 11, 2)))
        staff.add_staff(fresh, display_name="Kim Lowe", logins=["kim"], ctx=StepContext(actor="jo", today=D(2026, 11, 2)))
        with pytest.raises(StepRefused, match="only an admin"):
            staff.add_staff(fresh, display_name="Lee", logins=["lee"], ctx=StepContext(actor="kim", today=D(2026, 11, 2)))
    finally:
        fresh.dispose()


@pytest.mark.parametrize("bad, field, words", [
    (dict(display_name="  "), "display_name", "display name is required"),
    (dict(display_name="Ann", roles=["boss"]), "roles", "unknown role 'boss'"),
    (dict(display_name="Ann", logins=["bob"]), "logins", "already bob's"),
    (dict(display_name="Ann", logins=["a b"]), "logins", "one word"),
])
def test_bad_staff_are_refused_with_nothing_written(db, ctx_on, bad, field, words):
    from chc_tui.steps import staff

    before = dump(db)
    with pytest.raises(StepRefused) as refused:
        staff.add_staff(db, ctx=ctx_on(D(2026, 11, 2)), **bad)
    assert any(words in m for m in refused.value.for_field(field))
    assert dump(db) == before


def test_past_breaches_are_counted_in_the_self_assessment(db, ctx_on):
    """Records from before the register: alice escalated naming bob and answered stage 2
    herself. The 6.13 evidence counts it from the same rule the steps enforce."""
    from sqlmodel import select
    from chc_tui.figures.assessment_evidence import measure
    from store.models import Response, StageRecord, StaffLogin

    ref = _escalated_to_dave_by_alice(db, ctx_on)
    with db.write() as session:  # what the free-text check let through before issue 17
        alice = session.exec(select(StaffLogin.staff_id).where(StaffLogin.login == "alice")).one()
        two = session.exec(select(StageRecord).where(StageRecord.stage == 2)).one()
        two.acknowledged_on = two.responded_on = D(2026, 11, 20)
        session.add(Response(stage_id=two.id, responded_on=D(2026, 11, 20), decision="upheld", no_remedy_reason="Put right before we answered", reasons="r",
                             responded_by="alice", by_staff_id=alice))
    f = measure(db, 2026, today=D(2026, 12, 1))["6.13"]
    assert (f.numerator, f.denominator, f.cases) == (0, 1, (ref,))


def test_who_considered_a_stage_over_plain_values():
    # Code 6.13's reading with no database: what an importer holds in memory gives the same
    # people, in the same order, as the use-cases' reading of the tables
    from chc_tui.rules.staff_roles import name_key
    from store.stage_people import who_considered

    asked: list[str] = []

    def by_name() -> dict[str, int]:
        asked.append("asked")
        return {name_key("Ann Old"): 7}

    people = who_considered(
        [1, 2], 1,
        stages=[(10, 1, 3), (20, 2, None)],
        steps=[("defined", 10, 3), ("extended", 10, 4), ("answered", 20, 5), ("answered", 10, None)],
        letters=[(1, 4), (1, 4), (2, None)],
        audits=[(1, "log", {"handler_staff_id": 9}), (1, "assign", {"stage": 1, "from_staff_id": 3}),
                (2, "assign", {"stage": 2, "from_staff_id": 8}), (2, "log", {"handler": "Ann Old"})],
        ids_by_name_key=by_name,
    )
    assert {cid: dict(who) for cid, who in people.items()} == {
        1: {3: ["handles stage 1", "defined stage 1"], 4: ["extended stage 1", "signed a stage 1 letter"],
            9: ["was assigned stage 1"]},
        2: {5: ["answered stage 1"], 7: ["was assigned stage 1"]},
    }
    assert asked == ["asked"]  # once, and only for the audit that names a handler without an id
