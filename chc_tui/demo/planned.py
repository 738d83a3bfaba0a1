"""The demo's complaint steps planned in memory and written in bulk (issue 22.3), as the
importer writes a spreadsheet's rows: each step's plan (chc_tui.steps.plans) called as its
use-case calls it, on the complaint's records held here (chc_tui.steps.held), and every
record written by one BulkWriter when the stories are told. The same rules, the same
records and audit entries as the use-cases write, without an ORM flush and a dozen
queries a step.

Letters are made as `letters.draft_or_send` makes them (the same templates, checks and
stored rows), from facts read off the records held. What the steps never change during
the stories (the landlord's settings, the staff register, the residents' adjustments and
representatives) is read from the database once."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from chc_tui.documents import letters
from chc_tui.documents.letter_remedies import action_lines_of, remedy_lines_of
from chc_tui.documents.letter_signer import Signer, complaints_officer, signer, stage_handler_name
from chc_tui.rules.context import StepContext
from chc_tui.rules.policy import Stage
from chc_tui.steps import independence, remedies, usecases
from chc_tui.steps.assignment import assignee
from chc_tui.steps.bulk import BulkWriter
from chc_tui.steps.delivery import contact_of, representative_email
from chc_tui.steps.held import HeldComplaint, next_held_reference
from chc_tui.steps.identity import acting_staff
from chc_tui.steps.landlord import landlord_settings
from chc_tui.steps.plans.acknowledge import plan_acknowledge
from chc_tui.steps.plans.checks import Checks
from chc_tui.steps.plans.close import plan_close
from chc_tui.steps.plans.define import DEFINITION_FIELDS, plan_define
from chc_tui.steps.plans.escalate import plan_escalate
from chc_tui.steps.plans.extend import plan_extend, told_by_letter
from chc_tui.steps.plans.independent import not_independent, require_independent
from chc_tui.steps.plans.log import check_log, new_resident, plan_log
from chc_tui.steps.plans.refuse import explained_by_letter, plan_refuse
from chc_tui.steps.plans.respond import plan_respond
from chc_tui.steps.plans.state import Values, audit_values, deadline_values
from chc_tui.steps.plans.withdraw import plan_withdraw
from chc_tui.steps.settings import load_calendar
from store import stage_people
from store.engine import Database
from store.models import (
    Action, Adjustment, AuditEntry, Complaint, Correspondence, Deadline, Definition, Extension, Letter,
    LetterDelivery, Refusal, Remedy, Representative, Resident, Response, StageRecord, Withdrawal,
)

LetterGiven = "str | letters.DraftOnly | letters.AsDrafted | letters.Outgoing | None"  # a step's `letter`


class PlannedSteps:
    """The use-cases' steps for complaints held in memory, by reference, in one transaction
    (`session`, the build's). `flush` writes what is held; nothing else may write the
    records held until then."""

    def __init__(self, db: Database, session: Session) -> None:
        self.db, self.session = db, session
        self.writer = BulkWriter(session)
        self.held: dict[str, HeldComplaint] = {}  # by reference
        self.residents: dict[int, Values] = {}  # the residents of the complaints held, by id
        self.records: dict[tuple[type, int], list[Values]] = defaultdict(list)  # (model, stage or complaint id) -> rows
        self.signers: dict[int, Signer] = {}
        self.in_database = set(session.exec(select(Complaint.reference)))  # the references written before
        self.landlord = landlord_settings(session)
        self.calendar = load_calendar(session)
        self.adjustments = _in_force(session, Adjustment)
        self.representatives = _in_force(session, Representative)

    def flush(self) -> None:
        self.in_database.update(c["reference"] for c in self.writer.held(Complaint))
        self.writer.flush()

    # --- the acting person and what they write ------------------------------------------

    def _acting(self, ctx: StepContext) -> StepContext:
        """Who is acting (identity.acting_staff: refused for a login not on the register);
        the context with who did the step, as identity.acting_write sets it."""
        staff_id = acting_staff(self.session, ctx).id
        self.writer.acting_staff_id = staff_id
        return ctx if ctx.done_by else replace(ctx, done_by=staff_id)

    def _add(self, ctx: StepContext, model: type, values: Values) -> Values:
        """A new record, stamped with who did the step as identity stamps the ORM's."""
        return self.writer.add(model, values, done_by=ctx.done_by)

    def _audit(self, ctx: StepContext, held: HeldComplaint, action: str, details: dict[str, Any],
               before: dict[str, Any] | None = None) -> None:
        self._add(ctx, AuditEntry, {**audit_values(ctx, action, details, before), "complaint_id": held.complaint["id"]})

    def _for_change(self, reference: str) -> HeldComplaint:
        """usecases._complaint_for_change: the complaint, its version moved on."""
        held = self.held[reference]
        held.bump()
        return held

    def _independent(self, ctx: StepContext, held: HeldComplaint, doing: str) -> None:
        """usecases._recorder_independent: at stage 2, whoever records a step must not have
        considered stage 1 (6.13)."""
        if held.stages[-1]["stage"] == Stage.TWO:
            assert ctx.done_by is not None
            require_independent(held.stage_one_people, ctx.done_by, f"{doing} at stage 2", self._staff_name)

    def _staff_name(self, staff_id: int) -> str:
        return independence.staff_name(self.session, staff_id)

    def _latest(self, model: type, of: int) -> Values | None:
        rows = self.records.get((model, of))
        return rows[-1] if rows else None

    def _keep(self, model: type, of: int, row: Values) -> Values:
        self.records[model, of].append(row)
        return row

    def resident_id(self, reference: str) -> int:
        return self.held[reference].complaint["resident_id"]

    # --- the steps, as chc_tui.steps.usecases takes them ---------------------------------

    def log_complaint(self, *, ctx: StepContext, received_on: date, channel: str, resident_name: str, category: str,
                      resident_words: str, handler: str, resident_id: int | None = None, resident_address: str = "",
                      resident_phone: str = "", resident_email: str = "", representative_name: str = "",
                      representative_relationship: str = "") -> str:
        """usecases.log_complaint, for a new complaint without a reference, adjustments or
        tenure of its own (the demo's); its reference."""
        check_log(ctx, received_on=received_on, channel=channel, resident_name=resident_name, category=category,
                  resident_words=resident_words, handler=handler, resident_id=resident_id,
                  representative_name=representative_name, representative_relationship=representative_relationship,
                  reference="")
        ctx = self._acting(ctx)
        chosen = assignee(self.session, handler, stage=Stage.ONE, today=ctx.today)
        if resident_id is None:
            resident = self._add(ctx, Resident, new_resident(name=resident_name, address=resident_address,
                                                             phone=resident_phone, email=resident_email,
                                                             channel=channel, tenure=""))
            self.residents[resident["id"]] = resident
        else:
            resident = self.residents[resident_id]
        reference = self._next_reference(received_on)
        plan = plan_log(
            ctx, self.calendar, reference=reference, resident_shown=resident["name"], received_on=received_on,
            channel=channel, category=category, resident_words=resident_words, representative_name=representative_name,
            representative_relationship=representative_relationship, adjustments="", imported_from="",
            handler_name=chosen.display_name, handler_staff_id=chosen.id,
        )
        complaint = self._add(ctx, Complaint, {**plan.complaint, "resident_id": resident["id"]})
        of_complaint = {"complaint_id": complaint["id"]}
        stage = self._add(ctx, StageRecord, {**plan.stage, **of_complaint})
        of_stage = {**of_complaint, "stage_id": stage["id"]}
        deadlines = [self._add(ctx, Deadline, {**d, **of_stage}) for d in (plan.acknowledge, plan.respond)]
        self._add(ctx, AuditEntry, {**plan.audit, **of_complaint})
        self.held[reference] = HeldComplaint(complaint, [stage], deadlines, _details(plan.audit))
        return reference

    def _next_reference(self, received_on: date) -> str:
        in_database = self.in_database
        return next_held_reference(received_on, lambda prefix: sum(1 for r in in_database if r.startswith(prefix)),
                                   self.writer.held(Complaint), in_database.__contains__)

    def define(self, reference: str, *, ctx: StepContext, defined_on: date, understanding: str, outcomes_sought: str,
               responsible_aspects: str, not_responsible_aspects: str = "") -> None:
        ctx = self._acting(ctx)
        held = self._for_change(reference)
        stage = held.stages[-1]
        self._independent(ctx, held, "define the complaint")
        previous = self._latest(Definition, stage["id"])
        plan = plan_define(
            ctx, *held.now(), None if previous is None else {name: previous[name] for name in DEFINITION_FIELDS},
            understanding=understanding, outcomes_sought=outcomes_sought, responsible_aspects=responsible_aspects,
            not_responsible_aspects=not_responsible_aspects, defined_on=defined_on,
        )
        definition = self._keep(Definition, stage["id"], self._add(ctx, Definition, {**plan.definition,
                                                                                     "stage_id": stage["id"]}))
        held.steps.append(("defined", stage["id"], definition["by_staff_id"]))
        self._add(ctx, AuditEntry, {**plan.audit, "complaint_id": held.complaint["id"]})

    def acknowledge(self, reference: str, *, ctx: StepContext, acknowledged_on: date, letter: LetterGiven) -> date:
        ctx = self._acting(ctx)
        held = self._for_change(reference)
        stage = held.stages[-1]
        self._independent(ctx, held, "acknowledge the complaint")
        due = held.active(stage, "acknowledge")
        plan = plan_acknowledge(
            ctx, self.calendar, *held.now(),
            defined=stage["acknowledged_on"] is not None or self._latest(Definition, stage["id"]) is not None,
            acknowledge_due=due["due_on"] if due else None, acknowledged_on=acknowledged_on,
        )
        held.apply(plan.changes)
        held.deadlines.append(self._add(ctx, Deadline, {**plan.respond, "complaint_id": held.complaint["id"],
                                                        "stage_id": stage["id"]}))
        sent = self._letter(ctx, held, "acknowledge", letter, acknowledged_on)
        self._audit(ctx, held, "acknowledge", {**plan.details, **sent})
        return plan.response_due

    def assign_handler(self, reference: str, *, ctx: StepContext, handler: str) -> None:
        """usecases.assign_handler, for an open complaint."""
        ctx = self._acting(ctx)
        held = self._for_change(reference)
        stage = held.stages[-1]
        checks = Checks()
        checks.must_be_open(held.complaint["reference"], held.complaint["status"], "reassign")
        checks.raise_if_any()
        chosen = assignee(self.session, handler, stage=stage["stage"], today=ctx.today)
        if stage["stage"] == Stage.TWO:
            why = not_independent(held.stage_one_people, chosen.id, "be assigned stage 2", self._staff_name)
            if why:
                checks.add("handler", why)
            checks.raise_if_any()
        before, before_id = stage["handler"], stage["handler_staff_id"]
        stage["handler"], stage["handler_staff_id"] = chosen.display_name, chosen.id
        details = {"stage": stage["stage"], "from": before, "to": chosen.display_name, "handler": chosen.display_name,
                   "from_staff_id": before_id, "to_staff_id": chosen.id}
        held.reassigned.append(_details(audit_values(ctx, "assign", details)))
        self._audit(ctx, held, "assign", details, before={"handler": before, "handler_staff_id": before_id})

    def extend(self, reference: str, *, ctx: StepContext, new_due: date, reason: str, decided_on: date,
               told_resident_on: date | None, ombudsman_details_given: bool | None, good_reason: str,
               letter: LetterGiven, accept_shortfalls: bool) -> None:
        told_resident_on, ombudsman_details_given = told_by_letter(letter is not None, told_resident_on,
                                                                   ombudsman_details_given, ctx.today)
        ctx = self._acting(ctx)
        held = self._for_change(reference)
        stage = held.stages[-1]
        self._independent(ctx, held, "extend the response time")
        current, target = held.active(stage, "respond"), held.target(stage)
        plan = plan_extend(
            ctx, self.calendar, *held.now(), new_due=new_due, reason=reason, decided_on=decided_on,
            told_resident_on=told_resident_on, ombudsman_details_given=ombudsman_details_given, good_reason=good_reason,
            accept_shortfalls=accept_shortfalls, current_due=current["due_on"] if current else None,
            target_due=target["due_on"] if target else None,
        )
        extension = self._keep(Extension, stage["id"], self._add(ctx, Extension, {**plan.extension,
                                                                                  "stage_id": stage["id"]}))
        held.steps.append(("extended", stage["id"], extension["by_staff_id"]))
        held.apply(plan.changes)
        held.deadlines.append(self._add(ctx, Deadline, {
            **deadline_values(self.calendar, "respond", plan.counted, extension_id=extension["id"]),
            "complaint_id": held.complaint["id"], "stage_id": stage["id"]}))
        sent = self._letter(ctx, held, "extend", letter, told_resident_on or ctx.today)
        self._audit(ctx, held, "extend", {**plan.details, **sent})

    def respond(self, reference: str, *, ctx: StepContext, responded_on: date, letter: LetterGiven,
                **fields: Any) -> None:
        ctx = self._acting(ctx)
        held = self._for_change(reference)
        stage = held.stages[-1]
        self._independent(ctx, held, "record the response")
        plan = plan_respond(ctx, *held.now(), responded_on=responded_on, **{
            "remedies": (), "actions": (), "no_remedy_reason": "", "impact": "", "remedies_guidance": "", **fields})
        met = held.apply(plan.changes)
        response = self._keep(Response, stage["id"], self._add(ctx, Response, {**plan.response,
                                                                               "stage_id": stage["id"]}))
        held.steps.append(("answered", stage["id"], response["by_staff_id"]))
        cid, n = held.complaint["id"], held.complaint["current_stage"]
        remedy_ids = []
        for line in plan.remedy_lines:
            remedy = self._keep(Remedy, cid, self._add(ctx, Remedy, remedies.remedy_values(ctx, cid, n, line,
                                                                                            responded_on)))
            remedy_ids.append(remedy["id"])
            self._audit(ctx, held, "offer remedy", remedies.remedy_offered(remedy["id"], line, responded_on))
        action_ids = []
        for line in plan.action_lines:
            action = self._keep(Action, cid, self._add(ctx, Action, remedies.action_values(ctx, cid, n, line)))
            action_ids.append(action["id"])
            self._audit(ctx, held, "add action", remedies.action_added(action["id"], line))
        sent = self._letter(ctx, held, "respond", letter, responded_on)
        due = met[0]["due_on"] if met else None
        self._audit(ctx, held, "respond", {**plan.details(remedy_ids, action_ids, due), **sent})

    def escalate(self, reference: str, *, ctx: StepContext, requested_on: date, handler: str, reason: str) -> date:
        ctx = self._acting(ctx)
        held = self._for_change(reference)
        current = held.stages[-1]
        if current["stage"] == Stage.ONE:
            held.stage_one_people = held.who_considered_stage_one(lambda: stage_people._ids_by_name_key(self.session))
        plan = plan_escalate(
            ctx, self.calendar, *held.now(), requested_on=requested_on, reason=reason,
            handler=usecases.stage_two_handler(self.session, handler, ctx.today),
            stage_one_people=held.stage_one_people if current["stage"] == Stage.ONE else {},
        )
        of_complaint = {"complaint_id": held.complaint["id"]}
        stage_two = self._add(ctx, StageRecord, {**plan.stage, **of_complaint})
        held.apply(plan.changes)
        held.stages.append(stage_two)
        of_stage = {**of_complaint, "stage_id": stage_two["id"]}
        held.deadlines += [self._add(ctx, Deadline, {**d, **of_stage}) for d in (plan.acknowledge, plan.respond)]
        self._add(ctx, AuditEntry, {**plan.audit, **of_complaint})
        return plan.acknowledge_due

    def refuse(self, reference: str, *, ctx: StepContext, exclusion_reason: str, explanation: str, refused_on: date,
               ombudsman_right_explained: bool, letter: LetterGiven, issue_on: date | None = None,
               aware_on: date | None = None, discretion_considered: str = "", claim_filed_on: date | None = None) -> None:
        ombudsman_right_explained = explained_by_letter(letter is not None, ombudsman_right_explained)
        ctx = self._acting(ctx)
        held = self._for_change(reference)
        plan = plan_refuse(
            ctx, *held.now(), exclusion_reason=exclusion_reason, explanation=explanation, refused_on=refused_on,
            ombudsman_right_explained=ombudsman_right_explained, right_explained_known=True, issue_on=issue_on, aware_on=aware_on,
            discretion_considered=discretion_considered, claim_filed_on=claim_filed_on, facts_known=True,
        )
        cid = held.complaint["id"]
        self._keep(Refusal, cid, self._add(ctx, Refusal, {**plan.refusal, "complaint_id": cid}))
        held.apply(plan.changes)
        sent = self._letter(ctx, held, "refuse", letter, refused_on)
        self._audit(ctx, held, "refuse", {**plan.details, **sent})

    def withdraw(self, reference: str, *, ctx: StepContext, reason: str, withdrawn_on: date, letter: LetterGiven) -> None:
        ctx = self._acting(ctx)
        held = self._for_change(reference)
        plan = plan_withdraw(ctx, *held.now(), reason=reason, withdrawn_on=withdrawn_on)
        cid = held.complaint["id"]
        self._keep(Withdrawal, cid, self._add(ctx, Withdrawal, {**plan.withdrawal, "complaint_id": cid}))
        held.apply(plan.changes)
        sent = self._letter(ctx, held, "withdraw", letter, withdrawn_on)
        self._audit(ctx, held, "withdraw", {**plan.details, **sent})

    def close(self, reference: str, *, ctx: StepContext, closed_on: date) -> None:
        ctx = self._acting(ctx)
        held = self._for_change(reference)
        plan = plan_close(ctx, *held.now(), closed_on=closed_on)
        held.apply(plan.changes)
        self._add(ctx, AuditEntry, {**plan.audit, "complaint_id": held.complaint["id"]})

    # --- the letters, as usecases._letter and letters.draft_or_send make them -------------

    def _letter(self, ctx: StepContext, held: HeldComplaint, step: str, letter: LetterGiven,
                letter_date: date) -> dict[str, Any]:
        if letter is None:
            return {}
        self._independent(ctx, held, "sign a letter")
        send_by, letter = letters.unpacked(letter)
        if isinstance(letter, letters.DraftOnly):
            raise ValueError("a letter drafted for a handler to change is the use-cases' (letters.DRAFT)")
        stage = held.stages[-1]
        assert ctx.done_by is not None
        facts = self._facts(held, letters.letter_kind(step, stage["stage"]), letter_date, ctx.done_by)
        rendered, template = letters.drafted(facts, self.db.path)
        text = letters.final_text(facts, letter, rendered)
        complaint = held.complaint
        stored = self._add(ctx, Letter, letters.sent_letter(complaint["id"], facts, text, rendered, template,
                                                            ctx.actor))
        held.letters.append(stored)
        resident = self.residents[complaint["resident_id"]]
        contact = contact_of(resident["preferred_channel"], resident["address"], resident["email"],
                             representative_email(self.representatives.get(resident["id"], []),
                                                  complaint["representative_name"]))
        if send_by is not None:
            raise ValueError("a letter's route chosen by hand is the use-cases' (delivery.record_route)")
        delivery = self._add(ctx, LetterDelivery, {"letter_id": stored["id"], "channel": contact.default.value})
        self._add(ctx, Correspondence, letters.letter_noted(complaint["id"], complaint["representative_name"], facts,
                                                            stored["id"], ctx.actor))
        return {"letter_id": stored["id"], "letter_sha256": stored["sha256"], "letter_edited": stored["edited"],
                "letter_send_by": delivery["channel"]}

    def _facts(self, held: HeldComplaint, kind: letters.LetterKind, letter_date: date,
               signed_by: int) -> letters.LetterFacts:
        """letters.gather_facts, of the records held."""
        complaint, stage = held.complaint, held.stages[-1]
        cid, sid, n = complaint["id"], stage["id"], stage["stage"]
        resident = self.residents[complaint["resident_id"]]
        noted = [complaint["adjustments"].strip()] if complaint["adjustments"].strip() else []
        agreed = [row.description for row in self.adjustments.get(resident["id"], [])]
        respond_due = [d for d in held.deadlines if d["stage_id"] == sid and d["step"] == "respond" and d["active"]
                       and not d["provisional"]]
        of_complaint = [Remedy(**r) for r in self.records.get((Remedy, cid), []) if r["stage"] <= n]
        undone = [Action(**a) for a in self.records.get((Action, cid), []) if a["stage"] <= n and a["done_on"] is None]
        return letters.LetterFacts(
            kind=kind,
            landlord=replace(self.landlord, complaints_officer=complaints_officer(self.session, self.landlord,
                                                                                 letter_date)),
            reference=complaint["reference"],
            stage=n,
            letter_date=letter_date,
            resident_name=resident["name"],
            resident_address=resident["address"],
            representative_name=complaint["representative_name"],
            handler=stage_handler_name(self.session, stage["handler_staff_id"], stage["handler"]),
            received_on=complaint["received_on"],
            stage_opened_on=stage["opened_on"],
            adjustments="; ".join(noted + [text for text in agreed if text not in noted]),
            definition=_model(Definition, self._latest(Definition, sid)),
            response_due=respond_due[-1]["due_on"] if respond_due else None,
            extension=_model(Extension, self._latest(Extension, sid)),
            response=_model(Response, self._latest(Response, sid)),
            refusal=_model(Refusal, self._latest(Refusal, cid)),
            withdrawal=_model(Withdrawal, self._latest(Withdrawal, cid)),
            update_every_days=stage["update_every_days"],
            remedies=remedy_lines_of(sorted(of_complaint, key=lambda r: (r.stage, r.id)), n, as_of=letter_date),
            actions=action_lines_of(sorted(undone, key=lambda a: (a.stage, a.due_on, a.id)), n),
            signer=self._signer(signed_by),
        )

    def _signer(self, staff_id: int) -> Signer:
        found = self.signers.get(staff_id)
        if found is None:
            found = self.signers[staff_id] = signer(self.session, staff_id)
        return found


def _model(model: type, row: Values | None) -> Any:
    """A record held, as the ORM's record of it (what a letter's template reads)."""
    return None if row is None else model(**row)


def _details(audit: Values) -> dict[str, Any]:
    import json

    return json.loads(audit["details_json"])


def _in_force(session: Session, model: type) -> dict[int, list[Any]]:
    """The residents' records of `model` not ended (adjustments, representatives), newest
    first for representatives and oldest first for adjustments, as the letters read them."""
    newest_first = model is Representative
    order = col(model.id).desc() if newest_first else col(model.id)
    found: dict[int, list[Any]] = defaultdict(list)
    for row in session.exec(select(model).where(col(model.ended_on).is_(None)).order_by(order)):
        found[row.resident_id].append(row)
    return found
