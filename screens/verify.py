"""The form that verifies an imported complaint (issue 18.2; V on the complaint screen):
it shows "imported, not verified" and, for each fact the spreadsheet did not hold, a field
for what the letters show. A field left blank stays not known. Saving runs
chc_tui.steps.verification.verify_imported, the same use-case as `chc complaint verify`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chc_tui.steps.verification import (
    REFUSAL_FIELD,
    ExtensionFound,
    extension_field,
    not_known,
    verify_imported,
)
from screens.format import d
from screens.forms import FieldSpec, FormSpec

if TYPE_CHECKING:
    from chc_tui.services import Services
    from store.queries import ComplaintDetail

YES_NO = [("yes", "yes"), ("no", "no")]
_KIND = {"decided_on": "date", "told_resident_on": "date", "ombudsman_details_given": "choice", "good_reason": "long"}
_LABEL = {
    "decided_on": "decided on",
    "told_resident_on": "resident told on",
    "ombudsman_details_given": "Ombudsman's details given (6.5, 6.16)",
    "good_reason": "good reason for passing the limit, if recorded (6.4, 6.15)",
}


def _yes_no(value: Any) -> bool | None:
    return None if value in (None, "") else value == "yes"


def verify_form(services: "Services", detail: "ComplaintDetail") -> FormSpec:
    complaint = detail.complaint
    unknown = not_known(detail, services.policy)
    fields: list[FieldSpec] = []
    for item in unknown:
        if item.number:
            for fact in item.facts:
                fields.append(FieldSpec(
                    extension_field(item.number, fact), f"Extension {item.number}: {_LABEL[fact]}", _KIND[fact],
                    choices=YES_NO if _KIND[fact] == "choice" else (),
                    help=item.what if fact == item.facts[0] else "",
                ))
        else:
            fields.append(FieldSpec(REFUSAL_FIELD, "Refusal: the Ombudsman route was explained (2.4)", "choice",
                                    choices=YES_NO))

    def submit(values: dict[str, Any]):
        found = []
        for item in unknown:
            if not item.number:
                continue
            facts = {fact: values.get(extension_field(item.number, fact)) for fact in item.facts}
            found.append(ExtensionFound(
                item.number,
                decided_on=facts.get("decided_on"),
                told_resident_on=facts.get("told_resident_on"),
                ombudsman_details_given=_yes_no(facts.get("ombudsman_details_given")),
                good_reason=str(facts.get("good_reason") or ""),
            ))
        return services.run(
            verify_imported, complaint.reference, extensions=found,
            refusal_explained=_yes_no(values.get(REFUSAL_FIELD)), expected_version=complaint.version,
        )

    listed = "; ".join(str(item) for item in unknown) or "nothing the figures need is unknown"
    return FormSpec(
        title=f"Verify {complaint.reference}: imported from {complaint.imported_from}, not verified",
        intro=(f"Not known: {listed}. Fill in what the letters show; leave blank what they do not "
               f"(it stays not known and is not counted as kept). Saving marks it verified by you "
               f"on {d(services.today)}."),
        fields=fields,
        submit=submit,
        today=lambda: services.today,
        done_message=lambda verified: f"{complaint.reference} verified"
        + (f"; still not known: {', '.join(verified.still_not_known)}" if verified.still_not_known else ""),
    )

