"""The remedies and actions of the demo's wider record (chc_tui.demo.wider_record) planned in
memory and written in bulk (issue 22.3), as chc_tui.demo.planned writes the complaints'
steps: remedies.offer_remedy, record_remedy_outcome, add_action and update_action, each
with its use-case's checks and plans (remedies.checked_remedy, checked_action,
plans.follow_up) on the records held here as values, the same records and audit entries
written by one BulkWriter at `flush`, without a savepoint, a flush and a few queries a step.
The same arguments as the use-cases, less `db`."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, select

from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import NotFound
from chc_tui.steps import remedies
from chc_tui.steps.bulk import BulkWriter
from chc_tui.steps.identity import acting_staff
from chc_tui.steps.plans.changes import apply_changes
from chc_tui.steps.plans.follow_up import plan_action_update, plan_remedy_outcome
from chc_tui.steps.plans.state import Values, audit_values
from store.engine import Database
from store.models import Action, AuditEntry, Complaint, Remedy, saved_id

CHANGED_IN_A_COMPLAINT = ("version",)  # offering a remedy or adding an action moves its version on


class PlannedRemedies:
    """Remedies and actions for complaints already written, in the build's transaction
    (`session`); `flush` writes them. Nothing else may write these complaints until then."""

    def __init__(self, _db: Database, session: Session) -> None:
        self.session = session
        self.writer = BulkWriter(session)
        self.complaints: dict[str, Values] = {}  # by reference, as the steps leave them
        self.loaded: list[Complaint] = []  # the ORM's copies, old once flushed
        self.records: dict[tuple[type, int], Values] = {}  # the remedies and actions added, by id

    def flush(self) -> None:
        self.writer.flush()
        for complaint in self.loaded:
            self.session.expire(complaint)

    def _acting(self, ctx: StepContext) -> int:
        """Who did the step (acting_write's `done_by`); the audit's actor from here on."""
        staff_id = saved_id(acting_staff(self.session, ctx))
        self.writer.acting_staff_id = staff_id
        return ctx.done_by or staff_id

    def _complaint_for_change(self, reference: str) -> Values:
        """usecases.complaint_for_change: the complaint, its version moved on."""
        row = self.complaints.get(reference)
        if row is None:
            found = self.session.exec(select(Complaint).where(Complaint.reference == reference)).first()
            if found is None:
                raise NotFound(f"no complaint with reference {reference!r}")
            self.loaded.append(found)
            row = self.complaints[reference] = found.model_dump()
            self.writer.written_again(Complaint, row, CHANGED_IN_A_COMPLAINT)
        row["version"] += 1
        return row

    def _record_for_change(self, model: type, record_id: int, label: str) -> Values:
        """usecases.record_for_change, of a record added here."""
        row = self.records.get((model, record_id))
        if row is None:
            raise NotFound(f"no {label} with id {record_id}")
        row["version"] += 1
        return row

    def _add(self, model: type, values: Values, done_by: int) -> Values:
        row = self.writer.add(model, values, done_by=done_by)
        self.records[(model, row["id"])] = row
        return row

    def _audit(self, ctx: StepContext, action: str, complaint_id: int, details: dict[str, Any],
               before: dict[str, Any] | None = None) -> None:
        self.writer.add(AuditEntry, {**audit_values(ctx, action, details, before), "complaint_id": complaint_id})

    def offer_remedy(self, reference: str, *, kind: str, description: str, offered_on: date, due_on: date | None,
                     amount: str = "", parts: str = "", ctx: StepContext) -> int:
        line = remedies.checked_remedy(ctx, kind=kind, description=description, offered_on=offered_on, due_on=due_on,
                                       amount=amount, parts=parts)
        done_by = self._acting(ctx)
        complaint = self._complaint_for_change(reference)
        remedies.check_offered_after_received(complaint["received_on"], offered_on)
        values = remedies.remedy_values(ctx, complaint["id"], complaint["current_stage"], line, offered_on)
        remedy = self._add(Remedy, values, done_by)
        self._audit(ctx, "offer remedy", complaint["id"], remedies.remedy_offered(remedy["id"], line, offered_on))
        return remedy["id"]

    def record_remedy_outcome(self, remedy_id: int, *, outcome: str, on: date, ctx: StepContext) -> None:
        self._acting(ctx)
        remedy = self._record_for_change(Remedy, remedy_id, "remedy")
        plan = plan_remedy_outcome(ctx, remedy, outcome=outcome, on=on)
        apply_changes(remedy, plan.changes)
        self._audit(ctx, plan.action, remedy["complaint_id"], plan.details)

    def add_action(self, reference: str, *, description: str, owner: str, due_on: date | None,
                   ctx: StepContext) -> int:
        line = remedies.checked_action(ctx, description=description, owner=owner, due_on=due_on)
        done_by = self._acting(ctx)
        complaint = self._complaint_for_change(reference)
        action = self._add(Action, remedies.action_values(ctx, complaint["id"], complaint["current_stage"], line),
                           done_by)
        self._audit(ctx, "add action", complaint["id"], remedies.action_added(action["id"], line))
        return action["id"]

    def update_action(self, action_id: int, *, update: str, due_on: date | None = None, owner: str = "",
                      done_on: date | None = None, ctx: StepContext) -> None:
        self._acting(ctx)
        action = self._record_for_change(Action, action_id, "action")
        plan = plan_action_update(ctx, action, update=update, due_on=due_on, owner=owner, done_on=done_on)
        apply_changes(action, plan.changes)
        self._audit(ctx, plan.action, action["complaint_id"], plan.details, plan.before)
