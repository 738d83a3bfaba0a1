"""Record sets for the annual report tests, built through the use-cases with explicit
dates, on the England and Wales calendar with no closure days."""

from __future__ import annotations

from datetime import date, timedelta

from chc_tui.steps import usecases
from chc_tui.rules.calendar import WorkingCalendar
from chc_tui.rules.context import StepContext
from chc_tui.figures.report import compute, gather
from store.engine import Database
from conftest import refusal_facts

CAL = WorkingCalendar()


def wd(day: date, n: int) -> date:
    """The nth working day after `day` (England and Wales)."""
    return CAL.add_working_days(day, n)


class Book:
    """Writes complaints through chc_tui.steps.usecases, acting on `today` (after every date used)."""

    def __init__(self, db: Database, today: date) -> None:
        self.db = db
        self.today = today
        self.s1 = StepContext(actor="alice", today=today)
        self.s2 = StepContext(actor="bob", today=today)

    def log(self, received: date, category: str = "Repairs") -> str:
        return usecases.log_complaint(
            self.db, received_on=received, channel="phone", resident_name="Mrs A Resident", category=category,
            resident_words="Something went wrong.", handler="alice", ctx=self.s1,
        ).reference

    def _define_ack(self, ref: str, opened: date, ctx: StepContext, ack_after: int) -> date:
        acked = wd(opened, ack_after) if ack_after else opened
        usecases.define(self.db, ref, understanding="Understood.", outcomes_sought="Put it right.",
                        responsible_aspects="All of it.", defined_on=acked, ctx=ctx)
        usecases.acknowledge(self.db, ref, acknowledged_on=acked, ctx=ctx)
        return acked

    def _answer(self, ref: str, acked: date, days: int, ctx: StepContext, timing: str, decision: str,
                remedy: str, extension_days: int = 5, good_reason: str = "") -> date:
        """timing: target (a few days early) | on_target | extension | late | after_extension"""
        target = wd(acked, days)
        if timing in ("extension", "after_extension", "extension_on_time"):
            decided = wd(acked, 3)
            usecases.extend(self.db, ref, new_due=wd(target, extension_days), reason="Waiting for a contractor's report.",
                            decided_on=decided, told_resident_on=decided, ombudsman_details_given=True,
                            good_reason=good_reason, ctx=ctx)
        sent = {
            "target": wd(acked, days - 2),
            "on_target": target,
            "extension": wd(target, min(3, extension_days)),
            "extension_on_time": wd(acked, days - 1),
            "late": wd(target, 2),
            "after_extension": wd(target, extension_days + 2),
        }[timing]
        # remedy: remedy lines as typed (chc_tui.steps.remedies.REMEDY_GRAMMAR); a line with no
        # due date is due a fortnight after the response. Upheld with none records why (7.1).
        lines = [line if ", due " in line else f"{line.rstrip('.')}, due {sent + timedelta(days=14):%d/%m/%Y}"
                 for line in remedy.splitlines() if line.strip()]
        usecases.respond(self.db, ref, decision=decision, reasons="Because.", remedies=lines,
                         impact="The time and trouble of chasing us." if lines else "",
                         no_remedy_reason="" if lines else "Put right before we answered: nothing more to put right.",
                         responded_on=sent, ctx=ctx)
        return sent

    def complaint(self, received: date, *, category: str = "Repairs", timing: str | None = "target",
                  decision: str = "upheld", remedy: str = "", ack_after: int = 1, **kw) -> str:
        """A stage 1 complaint; timing None leaves it acknowledged and unanswered."""
        ref = self.log(received, category)
        acked = self._define_ack(ref, received, self.s1, ack_after)
        if timing is not None:
            self._answer(ref, acked, 10, self.s1, timing, decision, remedy, **kw)
        return ref

    def responded_on(self, ref: str, stage: int = 1) -> date:
        from sqlmodel import select

        from store.models import Complaint, StageRecord

        with self.db.read() as s:
            cid = s.exec(select(Complaint.id).where(Complaint.reference == ref)).one()
            return s.exec(select(StageRecord.responded_on).where(StageRecord.complaint_id == cid,
                                                                  StageRecord.stage == stage)).one()

    def escalate(self, ref: str, requested: date | None = None, *, timing: str | None = "target",
                 decision: str = "not_upheld", remedy: str = "", ack_after: int = 2, **kw) -> date:
        requested = requested or wd(self.responded_on(ref), 1)
        usecases.escalate(self.db, ref, requested_on=requested, handler="bob", reason="Still unhappy.", ctx=self.s2)
        acked = self._define_ack(ref, requested, self.s2, ack_after)
        if timing is not None:
            self._answer(ref, acked, 20, self.s2, timing, decision, remedy, extension_days=kw.pop("extension_days", 10), **kw)
        return requested

    def close(self, ref: str) -> None:
        usecases.close(self.db, ref, closed_on=self.today, ctx=self.s1)

    def withdraw(self, ref: str, on: date) -> None:
        usecases.withdraw(self.db, ref, withdrawn_on=on, reason="Sorted out.", ctx=self.s1)

    def refuse(self, ref: str, on: date, reason: str = "over_12_months") -> None:
        usecases.refuse(self.db, ref, exclusion_reason=reason, explanation="The issue is from 2021.",
                        refused_on=on, ombudsman_right_explained=True, ctx=self.s1, **refusal_facts(reason))


def report_for(db: Database, year: int, today: date):
    with db.read() as session:
        inputs, calendar = gather(session, year, today)
    return compute(inputs, calendar)
