"""The details a letter still needs, asked over the step's form that needed them.

A letter step refused with LetterDetailsMissing (chc_tui.documents.letter_signer) opens this
over its form, with an input for exactly each missing detail. Ctrl+S saves them and closes
it; the form underneath keeps everything typed, so its next Ctrl+S drafts the letter. Escape
closes it without saving, the form kept.
"""

from __future__ import annotations

import logging
from typing import Any

from textual.widgets import Static

from chc_tui.documents.letter_signer import LetterDetailsMissing
from chc_tui.rules.domain import Problem, StepRefused
from screens.forms import FieldSpec, FormSpec, StepForm

log = logging.getLogger(__name__)

# Each missing detail's input: (label, kind).
_INPUTS = {
    "name": ("The landlord's name, as letters give it", "text"),
    "address": ("The landlord's address", "long"),
    "complaints_officer": ("Who residents contact to escalate (name, title, email or phone)", "text"),
    "job_title": ("Your job title, as letters sign it", "text"),
    "display_name": ("Your own name, as letters sign it (not your login)", "text"),
}


class LetterDetailsForm(StepForm):
    """A step form over another: Escape leaves it at once, as nothing here is half-typed
    work worth a question (the form underneath keeps its own)."""

    def action_cancel(self) -> None:
        self.dismiss(None)


def offer_letter_details(form: StepForm, refused: StepRefused) -> bool:
    """Open the missing details over `form` when that is why it was refused."""
    if not isinstance(refused, LetterDetailsMissing) or isinstance(form, LetterDetailsForm):
        return False
    services = form.app.services

    def saved(done) -> None:
        if done is None:
            return
        errors = form.query_one("#form-errors", Static)
        errors.update("Saved. Ctrl+S again drafts the letter.")
        errors.display = True

    fields = [FieldSpec(key, *_INPUTS[key]) for key in refused.missing]
    spec = FormSpec(
        "Before this letter can go out",
        fields,
        lambda values: _save(services, refused.staff_id, values),
        intro="Set what the letter still needs. Ctrl+S saves; Esc goes back to the form.",
        today=form.spec.today,
    )
    form.app.push_screen(LetterDetailsForm(spec), saved)
    return True


def _save(services, staff_id: int | None, values: dict[str, Any]) -> bool:
    from chc_tui.steps import usecases
    from chc_tui.steps.staff import edit_staff

    text = {key: str(value or "").strip() for key, value in values.items()}
    empty = [Problem(key, "needed before the letter can go out") for key, typed in text.items() if not typed]
    if empty:  # checked before any of the saves below, so none is made without the others
        raise StepRefused(empty)
    if "name" in text:
        services.run(usecases.set_landlord_name, text["name"])
    landlord = {key: text[key] for key in ("address", "complaints_officer") if key in text}
    if landlord:
        services.update_landlord(**landlord)
    signer = {key: text[key] for key in ("job_title", "display_name") if key in text}
    if signer and staff_id is not None:
        services.run(edit_staff, staff_id, **signer)
    return True
