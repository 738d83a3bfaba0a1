"""Writes inside a write: one all-or-nothing transaction, a refused step undoing only its
own savepoint (what an importer needs)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import func, select

from chc_tui.steps import usecases
from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import StepRefused
from conftest import dump
from store.models import Complaint

MON = date(2026, 11, 23)
ALICE = StepContext(actor="alice", today=MON)


def log(db, name):
    return usecases.log_complaint(db, received_on=MON, channel="phone", resident_name=name, category="Repairs",
                                  resident_words="Leak", ctx=ALICE).reference


def count(db) -> int:
    with db.read() as session:
        return session.exec(select(func.count()).select_from(Complaint)).one()


def test_steps_inside_one_write_commit_together(db):
    with db.write():
        first, second = log(db, "Ann"), log(db, "Bob")
        usecases.define(db, first, understanding="u", outcomes_sought="o", responsible_aspects="r", ctx=ALICE)
    assert (first, second) == ("C2026-0001", "C2026-0002")
    assert count(db) == 2


def test_a_refused_step_undoes_only_itself_and_an_error_undoes_everything(db):
    before = dump(db)
    problems = []
    with pytest.raises(RuntimeError):
        with db.write():
            ref = log(db, "Ann")
            try:
                usecases.acknowledge(db, ref, ctx=ALICE)  # not defined yet: refused
            except StepRefused as refused:
                problems.append(str(refused))
            log(db, "Bob")
            with db.write() as session:  # the outer transaction sees its own rows
                assert session.exec(select(func.count()).select_from(Complaint)).one() == 2
            raise RuntimeError("the importer found problems: nothing is kept")
    assert problems and "define the complaint first" in problems[0]
    assert dump(db) == before
