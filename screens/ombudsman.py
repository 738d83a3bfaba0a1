"""The Housing Ombudsman's cases on a complaint: requests and their due dates, the
determination on each issue, orders and recommendations with evidence of compliance, and
any Complaint Handling Failure Order."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.binding import Binding

from chc_tui.steps import ombudsman
from chc_tui.steps.ombudsman import ORDER_KINDS, Determination
from chc_tui.rules.deadlines import is_overdue
from screens.format import d, short
from screens.forms import FieldSpec, FormSpec
from screens.records import Act, Listing, RecordsScreen, Row


def _due_state(done_on, due_on, today, done_word: str) -> Text:
    if done_on:
        late = " (late)" if due_on and done_on > due_on else ""
        return Text(f"{done_word} {short(done_on)}{late}", style="green" if not late else "yellow")
    if is_overdue(due_on, today):
        return Text("overdue", style="bold red")
    return Text("open")


def case_lines(view) -> list[Text]:
    case = view.case
    line = Text.assemble(("Ombudsman case ", "bold"), case.ombudsman_reference, f", opened {d(case.opened_on)}",
                         f", closed {d(case.closed_on)}" if case.closed_on else ", open")
    lines = [line]
    if case.chfo_on:
        lines.append(Text.assemble(("Complaint Handling Failure Order ", "bold red"), f"{d(case.chfo_on)}: {case.chfo_reason}"))
    for finding in view.findings:
        lines.append(Text(f"  {finding.issue}: {Determination(finding.determination).label} ({short(finding.determined_on)})"))
    return lines


class OmbudsmanScreen(RecordsScreen):
    BINDINGS = [
        Binding("o", "act('open')", "New case", id="ombudsman.open"),
        Binding("r", "act('request')", "Request", id="ombudsman.request"),
        Binding("f", "act('finding')", "Finding", id="ombudsman.finding"),
        Binding("g", "act('order')", "Order", id="ombudsman.order"),
        Binding("m", "act('met')", "Met", id="ombudsman.met"),
        Binding("y", "act('comply')", "Complied", id="ombudsman.comply"),
        Binding("h", "act('chfo')", "CHFO", id="ombudsman.chfo", show=False),
        Binding("c", "act('close')", "Close case", id="ombudsman.close", show=False),
    ]

    def __init__(self, reference: str) -> None:
        super().__init__()
        self.reference = reference
        self.detail = None


    @property
    def cases(self) -> list:
        return self.detail.around.cases if self.detail else []

    def _case(self, row: Row | None):
        """The case a new record belongs to: the chosen row's, else the newest open one."""
        if row is not None and row.item is not None:
            case_id = row.item.id if row.kind.startswith("case") else row.item.case_id
            return next(v.case for v in self.cases if v.case.id == case_id)
        open_cases = [v.case for v in self.cases if v.case.closed_on is None]
        return (open_cases or [v.case for v in self.cases])[-1]

    def listing(self) -> Listing:
        self.detail = detail = self.services.complaint(self.reference)
        self.title = f"{self.reference}: Housing Ombudsman"
        if detail is None:
            return Listing(Text(f"{self.reference} no longer exists."), (("", None),), [])
        self.sub_title = detail.resident.name
        today = self.services.today
        summary = Group(*(line for view in self.cases for line in case_lines(view))) if self.cases else Text(
            f"No Ombudsman case on {self.reference}. o records one when the Ombudsman tells you.")
        rows = []
        for view in self.cases:
            ref = view.case.ombudsman_reference
            rows.append(Row(f"case:{view.case.id}", (ref, "case", f"opened {short(view.case.opened_on)}", "",
                                                     Text("closed", style="dim") if view.case.closed_on else Text("open")),
                            view.case, "case" if not view.case.closed_on else "case-closed"))
            for req in view.requests:
                rows.append(Row(f"request:{req.id}", (ref, "request", req.description, short(req.due_on),
                                                      _due_state(req.met_on, req.due_on, today, "met")),
                                req, "request" if not req.met_on else "done"))
            for f in view.findings:
                rows.append(Row(f"finding:{f.id}", (ref, "finding", f"{f.issue}: {Determination(f.determination).label}",
                                                    short(f.determined_on), ""), f, "finding"))
            for o in view.orders:
                rows.append(Row(f"order:{o.id}", (ref, o.kind, o.description + (f" [{o.evidence}]" if o.evidence else ""),
                                                  short(o.due_on), _due_state(o.complied_on, o.due_on, today, "complied")),
                                o, "order" if not o.complied_on else "done"))
        columns = (("Case", 10), ("Kind", 14), ("What", None), ("Due", 8), ("State", 18))
        return Listing(summary, columns, rows, "")

    def acts(self) -> dict[str, Act]:
        has_case = lambda _row: bool(self.cases)  # noqa: E731
        has_open_case = lambda _row: any(v.case.closed_on is None for v in self.cases)  # noqa: E731
        return {
            "open": Act(self._open_form, when=lambda _row: self.detail is not None),
            "request": Act(self._request_form, when=has_open_case),
            "finding": Act(self._finding_form, when=has_case),
            "order": Act(self._order_form, when=has_case),
            "met": Act(self._met_form, frozenset({"request"})),
            "comply": Act(self._comply_form, frozenset({"order"})),
            "chfo": Act(self._chfo_form, when=has_case),
            "close": Act(self._close_form, when=has_open_case),
        }


    def _open_form(self, _row) -> FormSpec:
        return self.step_form(
            f"The Ombudsman has opened a case on {self.reference}",
            [FieldSpec("ombudsman_reference", "The Ombudsman's reference"),
             FieldSpec("opened_on", "Told on", "date", default=self.services.today)],
            ombudsman.open_case, self.reference, expected_version=self.detail.complaint.version, done="Case recorded",
        )

    def _request_form(self, row) -> FormSpec:
        case = self._case(row)
        return self.step_form(
            f"A request from the Ombudsman ({case.ombudsman_reference})",
            [FieldSpec("description", "What they asked for", "long"),
             FieldSpec("received_on", "Received on", "date", default=self.services.today),
             FieldSpec("due_on", "Wanted by", "date")],
            ombudsman.add_request, case.id, done="Request recorded; it is on the deadline panel",
        )

    def _finding_form(self, row) -> FormSpec:
        case = self._case(row)
        return self.step_form(
            f"The determination on one issue ({case.ombudsman_reference}): each issue has its own",
            [FieldSpec("issue", "The issue"),
             FieldSpec("determination", "Determination", "choice", choices=[(x.label, x.value) for x in Determination]),
             FieldSpec("determined_on", "Determined on", "date", default=self.services.today)],
            ombudsman.record_finding, case.id, done="Finding recorded",
        )

    def _order_form(self, row) -> FormSpec:
        case = self._case(row)
        view = next(v for v in self.cases if v.case.id == case.id)
        findings = [(f"{f.issue} ({Determination(f.determination).label})", f.id) for f in view.findings]
        fields = [FieldSpec("kind", "Order or recommendation", "choice", default="order", choices=[(k, k) for k in ORDER_KINDS]),
                  FieldSpec("description", "What must be done", "long"),
                  FieldSpec("due_on", "Comply by", "date")]
        if findings:
            # an order needs the finding it was made on (Code 9.7(c)); one finding is the one
            fields.append(FieldSpec("finding_id", "On the finding", "choice", choices=findings,
                                    default=findings[0][1] if len(findings) == 1 else "",
                                    help="an order needs the finding it was made on; a recommendation may have one"))
        intro = "" if findings else ("No finding is recorded on this case: an order is made on a finding, so record "
                                     "it first (f). A recommendation needs none.")
        return self.step_form(f"An order or recommendation ({case.ombudsman_reference})", fields,
                              ombudsman.add_order, case.id, intro=intro,
                              done="Recorded; its date is on the deadline panel")

    def _met_form(self, row) -> FormSpec:
        return self.step_form(
            f"Sent to the Ombudsman: {row.item.description}",
            [FieldSpec("met_on", "Sent on", "date", default=self.services.today)],
            ombudsman.meet_request, row.item.id, done="Request met",
        )

    def _comply_form(self, row) -> FormSpec:
        order = row.item
        return self.step_form(
            f"Complied with: {order.description}",
            [FieldSpec("complied_on", "Complied on", "date", default=self.services.today),
             FieldSpec("evidence", "Evidence sent to the Ombudsman", "long")],
            ombudsman.comply_order, order.id, expected_version=order.version, done="Compliance recorded",
        )

    def _chfo_form(self, row) -> FormSpec:
        case = self._case(row)
        return self.step_form(
            f"A Complaint Handling Failure Order ({case.ombudsman_reference})",
            [FieldSpec("issued_on", "Issued on", "date", default=self.services.today),
             FieldSpec("reason", "Why it was issued", "long")],
            ombudsman.record_chfo, case.id, expected_version=case.version, done="Recorded",
        )

    def _close_form(self, row) -> FormSpec:
        case = self._case(row)
        return self.step_form(
            f"Close Ombudsman case {case.ombudsman_reference}",
            [FieldSpec("closed_on", "Closed on", "date", default=self.services.today)],
            ombudsman.close_case, case.id, expected_version=case.version, done="Case closed",
        )
