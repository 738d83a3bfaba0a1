"""C on a complaint: correct a typo in the resident's details or in a date that started a
clock, with the reason (chc_tui.steps.corrections).

The date form recounts, as the handler types, every due date the date drives (the same
preview `chc correct` prints), and says which letter already told the resident a date that
would move: saving then needs "I will write to the resident" ticked. Errors sit under their
fields, what was typed stays, Escape leaves with nothing written (screens/forms.py).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Callable

from chc_tui.rules.domain import StaleRecord, StepRefused
from chc_tui.steps import corrections
from screens.format import d
from screens.forms import FieldSpec, FormSpec
from screens.picker import Picker

if TYPE_CHECKING:
    from chc_tui.services import ComplaintDetail, Services

TYPE_A_DATE = "Type the corrected date: every due date it drives is recounted here before anything is saved."
TOLD_HELP = "Needed when a letter already sent told the resident a date that moves."


def correction_choices(detail: ComplaintDetail) -> list[tuple[str, str]]:
    """(form name, what it corrects) for this complaint."""
    stage_one, stage_two = detail.stage(1), detail.stage(2)
    choices = [
        ("correct_resident", f"The resident's name and contact details ({detail.resident.name})"),
        ("correct_received", f"The date received, stage 1's clock start (now {d(stage_one.opened_on if stage_one else None)})"),
    ]
    if stage_two is not None:
        choices.append(("correct_requested", f"The date stage 2 was requested, its clock start (now {d(stage_two.opened_on)})"))
    return choices


class CorrectionPicker(Picker):
    """What to correct: dismisses with the index of the choice (see correction_choices)."""

    def __init__(self, choices: list[tuple[str, str]]) -> None:
        super().__init__("Correct what?", [label for _, label in choices], "correction-list")
        self.choices = choices


# --- the forms ----------------------------------------------------------------------------------


def _date_form(
    services: Services, detail: ComplaintDetail, stage: int, field: str,
    preview_step: Callable[..., corrections.DateCorrection], save_step: Callable[..., corrections.DateCorrection],
) -> FormSpec:
    reference = detail.complaint.reference
    record = detail.stage(stage)
    what = "the date received" if stage == 1 else "the date stage 2 was requested"
    seen: dict[date, str] = {}  # one look-up per date typed, not one per key in the reason

    def preview(values: dict[str, Any]) -> str:
        new = values.get(field)
        if not isinstance(new, date):
            return TYPE_A_DATE
        if new not in seen:
            try:
                plan = services.run(preview_step, reference, **{field: new})
                seen[new] = "\n".join(plan.lines(d))
            except StepRefused as refused:
                seen[new] = f"Cannot be saved: {refused}"
        return seen[new]

    def submit(values: dict[str, Any]):
        return services.run(
            save_step, reference, **{field: values[field]}, reason=values["reason"],
            confirm_told=bool(values["confirm_told"]), expected_version=detail.complaint.version,
        )

    return FormSpec(
        title=f"Correct {what} of {reference} (stage {stage})",
        intro=f"Now {d(record.opened_on if record else None)}. The due dates counted from it are recounted; "
              "letters already sent are never changed.",
        fields=[
            FieldSpec(field, f"Correct {what}", "date"),
            FieldSpec("reason", "Why the record was wrong", "long"),
            FieldSpec("confirm_told", "I will write to the resident about the corrected date", "bool", help=TOLD_HELP),
        ],
        submit=submit,
        preview=preview,
        today=lambda: services.today,
        done_message=lambda plan: f"{reference}: {plan.what} corrected to {d(plan.new)}"
        + "".join(f"; {m.label} {d(m.new_due)}" for m in plan.moved if m.active and m.met_on is None),
    )


def received_form(services: Services, detail: ComplaintDetail) -> FormSpec:
    return _date_form(services, detail, 1, "received_on",
                      corrections.preview_received_date, corrections.correct_received_date)


def requested_form(services: Services, detail: ComplaintDetail) -> FormSpec:
    return _date_form(services, detail, 2, "requested_on",
                      corrections.preview_requested_date, corrections.correct_requested_date)


def resident_form(services: Services, detail: ComplaintDetail) -> FormSpec:
    reference, resident = detail.complaint.reference, detail.resident
    details = ("name", "address", "phone", "email")

    def preview(values: dict[str, Any]) -> str:
        plan = services.run(corrections.preview_resident, reference, **{k: values[k] for k in details})
        return "\n".join(plan.lines(d, problems=False))

    def submit(values: dict[str, Any]):
        try:
            return services.run(corrections.correct_resident, reference, reason=values["reason"],
                                expected_version=resident.version, **{k: values[k] for k in details})
        except StaleRecord as stale:  # the next Ctrl+S saves on the newer record, knowingly
            if stale.current_version is not None:
                resident.version = stale.current_version
            raise

    return FormSpec(
        title=f"Correct the resident's details on {reference}",
        intro="A typo put right, with the reason; letters already sent keep what they said (Code 5.12).",
        fields=[
            FieldSpec("name", "Name", default=resident.name),
            FieldSpec("address", "Address", default=resident.address),
            FieldSpec("phone", "Telephone", default=resident.phone),
            FieldSpec("email", "Email", default=resident.email),
            FieldSpec("reason", "Why the record was wrong", "long"),
        ],
        submit=submit,
        preview=preview,
        today=lambda: services.today,
        done_message=lambda plan: f"{reference}: the resident's details corrected",
    )


CORRECTION_FORMS: dict[str, Callable[[Services, ComplaintDetail], FormSpec]] = {
    "correct_resident": resident_form,
    "correct_received": received_form,
    "correct_requested": requested_form,
}
