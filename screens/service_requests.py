"""Service requests (Code 1.4, 1.5): logged with the landlord's target, tracked to done,
listed and counted; a complaint raised from one when the resident is dissatisfied."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Static

from chc_tui.steps import service_requests
from chc_tui.rules.domain import Channel, StepRefused
from chc_tui.rules.deadlines import is_due_today, is_overdue
from screens.format import short
from screens.forms import FieldSpec, FormSpec
from screens.records import Act, Listing, RecordsScreen, Row
from screens.steps import CATEGORIES


class ServiceRequestsScreen(RecordsScreen):
    BINDINGS = [
        Binding("n", "act('new')", "New request", id="requests.new"),
        Binding("d", "act('done')", "Done", id="requests.done"),
        Binding("c", "act('complain')", "Raise complaint", id="requests.complaint"),
        Binding("u", "act('dissatisfied')", "Dissatisfied", id="requests.dissatisfied"),
        Binding("i", "act('told')", "Told decision", id="requests.told"),
        Binding("v", "resident", "Resident", id="requests.resident"),
        Binding("t", "toggle_done", "Open/all", id="requests.toggle"),
    ]

    def __init__(self, focus: str | None = None) -> None:
        super().__init__()
        self.focus_reference = focus


    def listing(self) -> Listing:
        rows_found, counts = self.services.service_requests(open_only=self.open_only)
        self.title = "Service requests"
        self.sub_title = f"{'open' if self.open_only else 'all'} · Code 1.4, 1.5"
        today = self.services.today
        self._counts_line = Text.assemble(
            (f"{counts.open} open", "bold"), " · ", (f"{counts.overdue} past target", "bold red" if counts.overdue else ""),
            f" · {counts.done} done ({counts.done_late} after target) · {counts.raised_complaints} led to a complaint"
            f" · target {self.services.service_request_target()} working days (F4 to change)",
        )
        rows = []
        for found in rows_found:
            sr = found.request
            if sr.done_on:
                state = Text(f"done {short(sr.done_on)}", style="green" if sr.done_on <= sr.due_on else "yellow")
            elif is_overdue(sr.due_on, today):
                state = Text("past target", style="bold red")
            elif is_due_today(sr.due_on, today):
                state = Text("due today", style="yellow")
            else:
                state = Text("open")
            what = (f"[{found.complaint_reference}] " if found.complaint_reference else "") + sr.description
            rows.append(Row(sr.reference, (sr.reference, found.resident, what, short(sr.due_on), state),
                            found, "open" if not sr.done_on else "done"))
        # At 80 columns "What" keeps about 20; a linked complaint leads it in brackets.
        columns = (("Ref", 11), ("Resident", 14), ("What", None), ("Target", 8), ("State", 13))
        return Listing(self._with_detail(rows), columns, rows, "No service requests" + (" open." if self.open_only else ".") + " n logs one.")

    def _with_detail(self, rows: list[Row]) -> Text:
        """The counts, then what is recorded on the chosen request (1.3, 1.5)."""
        summary = self._counts_line.copy()
        row = self.selected() if self.listing_now is not None else None
        if row is None and rows:
            row = rows[0]
        if row is not None and any(r.key == row.key for r in rows):
            summary.append("\n")
            summary.append_text(request_detail(next(r for r in rows if r.key == row.key).item))
        return summary

    def on_data_table_row_highlighted(self, event) -> None:
        super().on_data_table_row_highlighted(event)
        if self.listing_now is not None:
            self.query_one("#records-summary-text", Static).update(self._with_detail(self.listing_now.rows))

    def on_mount(self) -> None:
        super().on_mount()
        if self.focus_reference and self.listing_now:
            keys = [r.key for r in self.listing_now.rows]
            if self.focus_reference in keys:
                self.query_one("#records-table").move_cursor(row=keys.index(self.focus_reference))

    def acts(self) -> dict[str, Act]:
        return {
            "new": Act(self._new_form),
            "done": Act(self._done_form, frozenset({"open"})),
            "complain": Act(self._complaint_form, frozenset({"open", "done"}),
                            when=lambda row: row.item.complaint_reference is None),
            "dissatisfied": Act(self._dissatisfied_form, frozenset({"open", "done"}),
                                when=lambda row: row.item.complaint_reference is None),
            "told": Act(self._told_form, frozenset({"open", "done"})),
        }

    def open_row(self, row: Row) -> None:
        if row.item.complaint_reference:
            self.app.open_complaint(row.item.complaint_reference)
        else:
            self.action_resident()

    def action_resident(self) -> None:
        from screens.resident import ResidentScreen

        row = self.selected()
        if row is not None:
            self.app.push_screen(ResidentScreen(row.item.request.resident_id))

    def _new_form(self, _row) -> FormSpec:
        services = self.services

        def submit(values):
            resident_id = None
            reference = (values.pop("for_reference") or "").strip().upper()
            if reference:
                resident_id = services.resident_of(reference)
                if resident_id is None:
                    raise StepRefused(f"no complaint or service request {reference}", "for_reference")
            return services.run(service_requests.log_service_request, resident_id=resident_id, **values)

        return FormSpec(
            title=f"Log a service request (target {services.service_request_target()} working days)",
            fields=[
                FieldSpec("for_reference", "For the resident of complaint or request (reference)",
                          placeholder="e.g. C2026-0012; leave empty for a new resident"),
                FieldSpec("resident_name", "or a new resident's name"),
                FieldSpec("resident_address", "their address"),
                FieldSpec("received_on", "Received on", "date", default=services.today),
                FieldSpec("category", "Category", default="Repairs", suggestions=CATEGORIES),
                FieldSpec("description", "What the resident asked for", "long"),
            ],
            submit=submit, today=lambda: services.today,
            done_message=lambda logged: f"{logged.reference} logged: target {logged.due_on:%d/%m/%Y}",
        )

    def _done_form(self, row: Row) -> FormSpec:
        sr = row.item.request
        return FormSpec(
            title=f"{sr.reference} done: {sr.description}",
            fields=[FieldSpec("done_on", "Done on", "date", default=self.services.today),
                    FieldSpec("outcome", "What was done", "long")],
            submit=lambda values: self.services.run(service_requests.complete_service_request, sr.reference,
                                                    expected_version=sr.version, **values),
            today=lambda: self.services.today, done_message=lambda _r: f"{sr.reference} done",
        )

    def _complaint_form(self, row: Row) -> FormSpec:
        sr = row.item.request
        return FormSpec(
            title=f"Raise a complaint from {sr.reference} (Code 1.5): the request stays open",
            intro="The resident is dissatisfied with the response to their request.",
            fields=[
                FieldSpec("received_on", "Complaint received on", "date", default=self.services.today),
                FieldSpec("channel", "How it came in", "choice", default=Channel.PHONE.value,
                          choices=[(c.value.replace("_", " "), c.value) for c in Channel]),
                FieldSpec("resident_words", "In the resident's words", "long"),
                FieldSpec("handler", "Handler", default=self.services.actor, suggestions=self.services.handlers()),
            ],
            submit=lambda values: self.services.run(service_requests.raise_complaint, sr.reference,
                                                    expected_version=sr.version, **values),
            today=lambda: self.services.today,
            done_message=lambda logged: f"{logged.reference} logged from {sr.reference}; acknowledge by {logged.acknowledge_due:%d/%m/%Y}",
        )

    def _dissatisfied_form(self, row: Row) -> FormSpec:
        sr = row.item.request
        services = self.services

        def done(recorded) -> str:
            if recorded.complaint is not None:
                return (f"{sr.reference}: complaint {recorded.complaint.reference} logged; acknowledge by "
                        f"{recorded.complaint.acknowledge_due:%d/%m/%Y}")
            return f"{sr.reference}: dissatisfaction recorded, answer {recorded.choice.label}"

        return FormSpec(
            title=f"{sr.reference}: the resident is dissatisfied (Code 1.3, 1.5)",
            intro="Give them the choice to make a complaint. Yes logs the stage 1 complaint now; the request stays open.",
            fields=[
                FieldSpec("dissatisfied_on", "Dissatisfied on", "date", default=services.today),
                FieldSpec("dissatisfaction", "What they are dissatisfied with, in their words", "long"),
                FieldSpec("choice_offered", "I offered them the choice to make a complaint", "bool"),
                FieldSpec("choice", "Their answer", "choice",
                          choices=[(c.label, c.value) for c in service_requests.ComplaintChoice]),
                FieldSpec("channel", "If yes: how the complaint came in", "choice", default=Channel.PHONE.value,
                          choices=[(c.value.replace("_", " "), c.value) for c in Channel]),
                FieldSpec("handler", "If yes: handler", default=services.actor, suggestions=services.handlers()),
            ],
            submit=lambda values: services.run(service_requests.record_dissatisfaction, sr.reference,
                                               expected_version=sr.version, **{**values, "choice": values["choice"] or ""}),
            today=lambda: services.today, done_message=done,
        )

    def _told_form(self, row: Row) -> FormSpec:
        sr = row.item.request
        return FormSpec(
            title=f"{sr.reference}: the resident was told the decision and next steps",
            fields=[
                FieldSpec("told_on", "Told on", "date", default=self.services.today),
                FieldSpec("how", "How", "choice", default=Channel.PHONE.value,
                          choices=[(c.value.replace("_", " "), c.value) for c in Channel]),
                FieldSpec("decision", "The decision and next steps they were told", "long"),
            ],
            submit=lambda values: self.services.run(service_requests.record_decision_told, sr.reference,
                                                    expected_version=sr.version, **{**values, "how": values["how"] or ""}),
            today=lambda: self.services.today, done_message=lambda _r: f"{sr.reference}: decision told recorded",
        )


def request_detail(found) -> Text:
    """What is recorded on one request: dissatisfaction, the choice to complain, the
    decision told (Code 1.3, 1.5)."""
    sr = found.request
    detail = Text.assemble((f"{sr.reference}", "bold"), f" {sr.category}: {sr.description}")
    if sr.dissatisfied_on:
        answer = service_requests.ComplaintChoice(sr.complaint_choice).label if sr.complaint_choice else "not recorded"
        detail.append(f"\nDissatisfied {short(sr.dissatisfied_on)}: {sr.dissatisfaction}")
        detail.append(f"\nChoice to complain offered: {'yes' if sr.complaint_choice_offered else 'no'} · answer: {answer}")
    else:
        detail.append("\nNo dissatisfaction recorded (u records it and the choice to complain).", style="dim")
    if found.complaint_reference:
        detail.append(f" · complaint {found.complaint_reference}")
    if sr.told_decision_on:
        detail.append(f"\nTold the decision {short(sr.told_decision_on)} by {sr.told_decision_how.replace('_', ' ')}: "
                      f"{sr.told_decision}")
    else:
        detail.append("\nDecision and next steps not yet told (i records it).", style="dim")
    return detail
