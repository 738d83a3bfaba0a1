"""A complaint's remedies (Code 7.1-7.3) and outstanding actions (6.6), followed through to
completion after the stage has closed."""

from __future__ import annotations

import json

from rich.console import Group
from rich.text import Text
from textual.binding import Binding

from chc_tui import remedies
from chc_tui.remedies import REMEDY_OUTCOMES, RemedyKind, pounds
from chc_tui.deadlines import is_overdue
from screens.format import short
from screens.forms import FieldSpec, FormSpec
from screens.records import Act, Listing, RecordsScreen, Row


def remedy_state(remedy, today) -> Text:
    if remedy.done_on:
        return Text(f"done {short(remedy.done_on)}", style="green")
    if remedy.declined_on:
        return Text(f"declined {short(remedy.declined_on)}", style="dim")
    if is_overdue(remedy.due_on, today):
        return Text("overdue", style="bold red")
    return Text(f"accepted {short(remedy.accepted_on)}" if remedy.accepted_on else "offered")


def action_state(action, today) -> Text:
    if action.done_on:
        return Text(f"done {short(action.done_on)}", style="green")
    if is_overdue(action.due_on, today):
        return Text("overdue", style="bold red")
    return Text("open")


def remedy_text(remedy) -> str:
    text = f"{RemedyKind(remedy.kind).label}: {remedy.description}"
    if remedy.amount_pence:
        parts = json.loads(remedy.parts_json or "[]")
        text += f" {pounds(remedy.amount_pence)}"
        if parts:
            text += " (" + ", ".join(f"{p['label']} {pounds(p['pence'])}" for p in parts) + ")"
    return text


class RemediesScreen(RecordsScreen):
    BINDINGS = [
        Binding("m", "act('remedy')", "Offer remedy", id="remedies.offer"),
        Binding("a", "act('action')", "Add action", id="remedies.action"),
        Binding("u", "act('outcome')", "Accepted/done", id="remedies.outcome"),
        Binding("p", "act('progress')", "Progress", id="remedies.progress"),
    ]

    def __init__(self, reference: str) -> None:
        super().__init__()
        self.reference = reference
        self.detail = None


    def listing(self) -> Listing:
        self.detail = detail = self.services.complaint(self.reference)
        self.title = f"{self.reference}: remedies and actions"
        if detail is None:
            return Listing(Text(f"{self.reference} no longer exists."), (("", None),), [])
        self.sub_title = f"{detail.resident.name} · Code 7.1-7.3: what will happen, and by when"
        today = self.services.today
        said = [Text.assemble((f"Stage {s.stage} response: ", "bold"), s.response.remedy or "no remedy offered")
                for s in detail.stages if s.response]
        around = detail.around
        open_count = sum(1 for r in around.remedies if not (r.done_on or r.declined_on)) + sum(1 for a in around.actions if not a.done_on)
        summary = Group(
            Text.assemble((detail.complaint.reference, "bold"), f"  {detail.resident.name} · {detail.complaint.status} · "
                          f"{open_count} still to do"),
            *said,
        )
        rows = [
            Row(f"remedy:{r.id}", ("remedy", f"stage {r.stage}", remedy_text(r), short(r.due_on), remedy_state(r, today)),
                r, "remedy" if not (r.done_on or r.declined_on) else "finished")
            for r in around.remedies
        ] + [
            Row(f"action:{a.id}", ("action", f"stage {a.stage}", f"{a.description} ({a.owner})" + (f": {a.update}" if a.update else ""),
                                   short(a.due_on), action_state(a, today)),
                a, "action" if not a.done_on else "finished")
            for a in around.actions
        ]
        columns = (("Kind", 7), ("Stage", 7), ("What will happen", None), ("By", 8), ("State", 16))
        return Listing(summary, columns, rows, "No remedies or actions yet. m offers a remedy; a adds an action.")

    def acts(self) -> dict[str, Act]:
        return {
            "remedy": Act(self._remedy_form, when=lambda _row: self.detail is not None),
            "action": Act(self._action_form, when=lambda _row: self.detail is not None),
            "outcome": Act(self._outcome_form, frozenset({"remedy"})),
            "progress": Act(self._progress_form, frozenset({"action"})),
        }


    def _remedy_form(self, _row) -> FormSpec:
        today = self.services.today
        return self.step_form(
            f"Offer a remedy on {self.reference} (Code 7.1-7.3)",
            [
                FieldSpec("kind", "Kind of remedy", "choice", choices=[(k.label, k.value) for k in RemedyKind]),
                FieldSpec("description", "What will happen", "long"),
                FieldSpec("offered_on", "Offered on", "date", default=today),
                FieldSpec("due_on", "By when", "date"),
                FieldSpec("amount", "Amount (financial remedy only)", placeholder="e.g. 250 or £250.00"),
                FieldSpec("parts", "Its parts, one a line (optional)", "long",
                          help="'Time and trouble: 150' and 'Delay in repairs: 100'; they must add up to the amount"),
            ],
            remedies.offer_remedy, self.reference, expected_version=self.detail.complaint.version,
            done="Remedy recorded; its date is on the deadline panel",
        )

    def _action_form(self, _row) -> FormSpec:
        return self.step_form(
            f"Add an outstanding action on {self.reference} (Code 6.6)",
            [
                FieldSpec("description", "What must be done", "long"),
                FieldSpec("owner", "Who owns it", suggestions=self.services.handlers()),
                FieldSpec("due_on", "Due by", "date"),
            ],
            remedies.add_action, self.reference, expected_version=self.detail.complaint.version,
            done="Action added; it stays on the deadline panel until done",
        )

    def _outcome_form(self, row: Row) -> FormSpec:
        remedy = row.item
        choices = [(o, o) for o in REMEDY_OUTCOMES if not (o == "accepted" and remedy.accepted_on)]
        return self.step_form(
            f"The remedy: {remedy_text(remedy)}",
            [
                FieldSpec("outcome", "What happened", "choice", default="done" if remedy.accepted_on else "accepted",
                          choices=choices),
                FieldSpec("on", "On", "date", default=self.services.today),
            ],
            remedies.record_remedy_outcome, remedy.id, expected_version=remedy.version, done="Remedy updated",
        )

    def _progress_form(self, row: Row) -> FormSpec:
        action = row.item
        return self.step_form(
            f"Progress on: {action.description}",
            [
                FieldSpec("update", "What has happened", "long",
                          help=f"Last update: {action.update}" if action.update else ""),
                FieldSpec("owner", "Owner", default=action.owner, suggestions=self.services.handlers()),
                FieldSpec("due_on", "Due by", "date", default=action.due_on),
                FieldSpec("done_on", "Done on (leave empty if not done)", "date"),
            ],
            remedies.update_action, action.id, expected_version=action.version, done="Action updated",
        )
