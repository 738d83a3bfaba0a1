"""A resident: contact details, disclosed vulnerabilities and disabilities, reasonable
adjustments (Code 5.10), representatives (3.6) and restrictions (5.14, 5.15), each with
its review; their complaints and service requests."""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.binding import Binding

from chc_tui.steps import residents
from chc_tui.steps.residents import CONTACT_CHANNELS
from chc_tui.rules.deadlines import is_overdue
from chc_tui.rules.tenure import STOCK_TYPE_LABELS
from chc_tui.rules.tenure import label as tenure_label
from screens.format import d, plain, short
from screens.forms import FieldSpec, FormSpec
from chc_tui.rules.needs import ADJUSTMENT_REVIEW_MONTHS
from screens.records import Act, Listing, RecordsScreen, Row


def tenure_field(services, default: str = "") -> FieldSpec:
    """The resident's tenure: one of the landlord's stock types, or blank for not known."""
    types = services.settings_overview()["stock_types"]
    return FieldSpec("tenure", "Tenure (TSM stock type)", "choice", default=default,
                     choices=[(f"{t}: {STOCK_TYPE_LABELS[t]}", t) for t in types],
                     help="leave it blank when not known: counted in the TSM total only")


def needs_lines(needs) -> list[Text]:
    """What a handler must see before contacting the resident, on every complaint of theirs."""
    lines = []
    for r in needs.current_restrictions:
        lines.append(Text.assemble(("RESTRICTED CONTACT ", "bold red"), f"{r.restriction} (decided by {r.decided_by} "
                                   f"{d(r.decided_on)}; review {d(r.review_on)})"))
    for a in needs.current_adjustments:
        lines.append(Text.assemble(("Adjustment ", "bold"), f"{a.description} (review {d(a.review_on)})"))
    for v in needs.current_vulnerabilities:
        lines.append(Text.assemble(("Disclosed ", "bold"), v.description))
    for p in needs.current_representatives:
        authority = f"authority confirmed {d(p.authority_confirmed_on)}" if p.authority_confirmed_on else "authority NOT yet confirmed"
        lines.append(Text.assemble(("Representative ", "bold"), f"{p.name} ({p.relationship}), {authority}"))
    return lines


class ResidentScreen(RecordsScreen):
    BINDINGS = [
        Binding("c", "act('contact')", "Contact", id="resident.contact"),
        Binding("t", "act('tenure')", "Tenure", id="resident.tenure"),
        Binding("a", "act('adjustment')", "Adjustment", id="resident.adjustment"),
        Binding("v", "act('vulnerability')", "Disclosed", id="resident.vulnerability"),
        Binding("p", "act('representative')", "Representative", id="resident.representative"),
        Binding("x", "act('restriction')", "Restriction", id="resident.restriction"),
        Binding("r", "act('review')", "Review", id="resident.review"),
        Binding("k", "act('confirm')", "Confirm authority", id="resident.confirm"),
        Binding("e", "act('end')", "End", id="resident.end"),
    ]

    def __init__(self, resident_id: int) -> None:
        super().__init__()
        self.resident_id = resident_id
        self.needs = None


    def listing(self) -> Listing:
        self.needs = needs = self.services.resident_needs(self.resident_id)
        if needs is None:
            return Listing(Text("This resident no longer exists."), (("", None),), [])
        resident = needs.resident
        self.title = resident.name
        self.sub_title = "resident's needs (Code 5.10, 3.6, 5.14)"
        details = Table.grid(padding=(0, 1))
        details.add_column(style="bold", no_wrap=True)
        details.add_column()
        for label, value in (
            ("Address", resident.address), ("Phone", resident.phone), ("Email", resident.email),
            ("Prefers", resident.preferred_channel or "not recorded"),
            ("Tenure", tenure_label(resident.tenure) + (f" ({resident.tenure})" if resident.tenure else "")),
            ("Complaints", ", ".join(f"{ref} ({status})" for ref, status, _ in needs.complaints[:8])
             + (f" and {len(needs.complaints) - 8} more" if len(needs.complaints) > 8 else "")),
            ("Service requests", ", ".join(f"{sr.reference} ({'done' if sr.done_on else 'open'})" for sr in needs.service_requests[-6:])),
        ):
            if value:
                details.add_row(plain(label), plain(value))
        summary = Group(Text(resident.name, style="bold"), details, *needs_lines(needs))
        today = self.services.today
        rows = []

        def state(ended_on, review_on=None) -> Text:
            if ended_on:
                return Text(f"ended {short(ended_on)}", style="dim")
            if is_overdue(review_on, today):
                return Text("review overdue", style="bold red")
            return Text("current")

        for r in needs.restrictions:
            rows.append(Row(f"restriction:{r.id}", ("restriction", r.restriction, short(r.decided_on),
                                                    short(r.review_on) if not r.ended_on else "", state(r.ended_on, r.review_on)),
                            r, "restriction" if not r.ended_on else "ended"))
        for a in needs.adjustments:
            rows.append(Row(f"adjustment:{a.id}", ("adjustment", a.description, short(a.agreed_on),
                                                   short(a.review_on) if not a.ended_on else "", state(a.ended_on, a.review_on)),
                            a, "adjustment" if not a.ended_on else "ended"))
        for v in needs.vulnerabilities:
            rows.append(Row(f"vulnerability:{v.id}", ("disclosed", v.description, short(v.disclosed_on), "", state(v.ended_on)),
                            v, "vulnerability" if not v.ended_on else "ended"))
        for p in needs.representatives:
            authority = f"confirmed {short(p.authority_confirmed_on)}" if p.authority_confirmed_on else "NOT confirmed"
            rows.append(Row(f"representative:{p.id}", ("representative", f"{p.name} ({p.relationship}) {p.contact}".strip(),
                                                       authority, "", state(p.ended_on)),
                            p, "representative" if not p.ended_on else "ended"))
        columns = (("Kind", 14), ("What", None), ("Since", 10), ("Review", 10), ("State", 14))
        return Listing(summary, columns, rows,
                       "No needs recorded. a adjustment · v disclosed vulnerability · p representative · x restriction")

    def acts(self) -> dict[str, Act]:
        return {
            "contact": Act(self._contact_form),
            "tenure": Act(self._tenure_form),
            "adjustment": Act(self._adjustment_form),
            "vulnerability": Act(self._vulnerability_form),
            "representative": Act(self._representative_form),
            "restriction": Act(self._restriction_form),
            "review": Act(self._review_form, frozenset({"adjustment", "restriction"})),
            "confirm": Act(self._confirm_form, frozenset({"representative"}),
                           when=lambda row: row.item.authority_confirmed_on is None),
            "end": Act(self._end_form, frozenset({"adjustment", "vulnerability", "representative"})),
        }

    # --- forms ------------------------------------------------------------------------


    def _contact_form(self, _row) -> FormSpec:
        r = self.needs.resident
        return self.step_form(
            f"Contact details: {r.name}",
            [
                FieldSpec("address", "Address", default=r.address),
                FieldSpec("phone", "Telephone", default=r.phone),
                FieldSpec("email", "Email", default=r.email),
                FieldSpec("preferred_channel", "Prefers to be contacted by", "choice", default=r.preferred_channel,
                          choices=[(c, c) for c in CONTACT_CHANNELS]),
            ],
            residents.update_contact, self.resident_id, expected_version=r.version, done="Contact details saved",
        )

    def _tenure_form(self, _row) -> FormSpec:
        r = self.needs.resident
        return self.step_form(
            f"Tenure: {r.name}",
            [tenure_field(self.services, r.tenure)],
            residents.set_tenure, self.resident_id, expected_version=r.version, done="Tenure saved",
            intro="The stock type the resident's home is counted in for TSM CH01 and CH02.",
        )

    def _adjustment_form(self, _row) -> FormSpec:
        today = self.services.today
        return self.step_form(
            "Agree a reasonable adjustment (Code 5.10)",
            [
                FieldSpec("description", "The adjustment", "long",
                          help="e.g. large print letters; calls only after 2pm; an interpreter for Polish"),
                FieldSpec("agreed_on", "Agreed on", "date", default=today),
                FieldSpec("review_on", "Review by", "date", default=today + relativedelta(months=ADJUSTMENT_REVIEW_MONTHS),
                          help="Adjustments are kept under active review: the review goes on the deadline panel"),
            ],
            residents.agree_adjustment, self.resident_id, done="Adjustment recorded; its review is on the deadline panel",
        )

    def _vulnerability_form(self, _row) -> FormSpec:
        return self.step_form(
            "Record a disclosed vulnerability or disability (Code 5.10)",
            [
                FieldSpec("description", "What the resident disclosed", "long"),
                FieldSpec("disclosed_on", "Disclosed on", "date", default=self.services.today),
            ],
            residents.record_vulnerability, self.resident_id, done="Recorded",
        )

    def _representative_form(self, _row) -> FormSpec:
        return self.step_form(
            "Add a representative (Code 3.6)",
            [
                FieldSpec("name", "Name"),
                FieldSpec("relationship", "Relationship to the resident", suggestions=["son", "daughter", "partner", "advocate", "councillor", "MP", "solicitor", "friend"]),
                FieldSpec("contact", "How to contact them"),
                FieldSpec("authority_confirmed_on", "Authority confirmed on", "date",
                          help="Leave empty until the resident has confirmed they may act for them"),
            ],
            residents.add_representative, self.resident_id, done="Representative added",
        )

    def _restriction_form(self, _row) -> FormSpec:
        today = self.services.today
        return self.step_form(
            "Restrict contact for unacceptable behaviour (Code 5.14, 5.15)",
            [
                FieldSpec("restriction", "What contact is restricted, and how", "long",
                          help="Proportionate, with regard to the Equality Act 2010 (5.15)"),
                FieldSpec("reasons", "The reasons, with the evidence", "long"),
                FieldSpec("equality_act_consideration", "How the Equality Act 2010 was considered", "long",
                          help="Required (5.15): the resident's disclosed needs and whether the restriction is proportionate"),
                FieldSpec("decided_by", "Decided by (name and role)"),
                FieldSpec("decided_on", "Decided on", "date", default=today),
                FieldSpec("review_on", "Review by", "date", default=today + relativedelta(months=3)),
            ],
            residents.impose_restriction, self.resident_id, done="Restriction recorded; its review is on the deadline panel",
            confirmable=True,
        )

    def _review_form(self, row: Row) -> FormSpec:
        item, today = row.item, self.services.today
        if row.kind == "restriction":
            return self.step_form(
                f"Review the restriction: {item.restriction}",
                [
                    FieldSpec("reviewed_on", "Reviewed on", "date", default=today),
                    FieldSpec("lift", "Lift the restriction", "bool"),
                    FieldSpec("next_review_on", "Next review by (if it stays)", "date", default=today + relativedelta(months=3)),
                    FieldSpec("note", "Why it is still needed and proportionate", "long"),
                ],
                residents.review_restriction, item.id, expected_version=item.version, done="Review recorded",
            )
        return self.step_form(
            f"Review the adjustment: {item.description}",
            [
                FieldSpec("reviewed_on", "Reviewed on", "date", default=today),
                FieldSpec("end", "No longer needed: end it", "bool"),
                FieldSpec("next_review_on", "Next review by (if it goes on)", "date",
                          default=today + relativedelta(months=ADJUSTMENT_REVIEW_MONTHS)),
                FieldSpec("note", "Note", "long"),
            ],
            residents.review_adjustment, item.id, expected_version=item.version, done="Review recorded",
        )

    def _confirm_form(self, row: Row) -> FormSpec:
        return self.step_form(
            f"Confirm {row.item.name}'s authority to act (Code 3.6)",
            [FieldSpec("authority_confirmed_on", "Confirmed on", "date", default=self.services.today)],
            residents.confirm_representative, row.item.id, expected_version=row.item.version, done="Authority confirmed",
        )

    def _end_form(self, row: Row) -> FormSpec:
        item, today = row.item, self.services.today
        if row.kind == "adjustment":
            return self.step_form(
                f"End the adjustment: {item.description}",
                [FieldSpec("reviewed_on", "Ended on", "date", default=today), FieldSpec("note", "Why", "long")],
                residents.review_adjustment, item.id, end=True, expected_version=item.version, done="Adjustment ended",
            )
        step = residents.end_vulnerability if row.kind == "vulnerability" else residents.end_representative
        label = item.description if row.kind == "vulnerability" else item.name
        return self.step_form(
            f"No longer applies: {label}",
            [FieldSpec("ended_on", "From", "date", default=today)],
            step, item.id, expected_version=item.version, done="Recorded",
        )
