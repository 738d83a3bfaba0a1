"""The first-run setup screen: what a new landlord's letters and clocks need, asked once.

It is a step form (screens/forms.py: errors under their fields, typing kept, scrolls at
80x24) whose save is chc_tui.steps.setup.set_up, the one transaction `chc setup` also runs.
Escape skips it; the app asks again at the next start while the database still needs setup
(chc_tui.steps.setup.needs_setup).
"""

from __future__ import annotations

import logging
from typing import Any

from chc_tui.rules import financial_year, provisions
from chc_tui.rules.calendar import DEFAULT_REGION
from chc_tui.rules.domain import Problem, StepRefused
from chc_tui.rules.staff_roles import Role
from screens.forms import FieldSpec, FormSpec, StepForm
from screens.settings import REGION_CHOICES

log = logging.getLogger(__name__)

# The use-cases' field names for a refusal -> this form's fields, so each error sits under
# the field it is about.
_FIELD_OF = {
    "closures": "closure_from",
    "officer": "officer_name",
    "homes": "homes",
    "year": "homes",
    "display_name": "staff_name",
    "logins": "staff_login",
    "login": "staff_login",
    "roles": "staff_roles",
    "email": "officer_email",
}


def setup_form(services) -> StepForm:
    year = financial_year.year_of(services.today)
    fields = [
        FieldSpec("name", "Landlord's name (as letters give it)"),
        FieldSpec("address", "Landlord's address", kind="long"),
        FieldSpec("region", "Region (whose bank holidays count)", kind="choice", default=DEFAULT_REGION,
                  choices=REGION_CHOICES),
        FieldSpec("homes", f"Homes owned in {year}/{(year + 1) % 100:02d}", placeholder="such as 5035",
                  help="sets the self-assessment's submission date (Code 8)"),
        FieldSpec("closure_from", "Office closed from (optional)", kind="date"),
        FieldSpec("closure_to", "Office closed to", kind="date", help="the working days between are closure days"),
        FieldSpec("officer_name", "Complaints officer: your name as letters sign it",
                  help="you, running setup: residents contact you to escalate"),
        FieldSpec("officer_title", "Your job title", placeholder="such as Complaints Officer"),
        FieldSpec("officer_email", "Your email"),
        FieldSpec("officer_phone", "Your phone"),
        FieldSpec("mrc", f"Member Responsible for Complaints (Code {provisions.MRC})"),
        FieldSpec("staff_name", "One more staff member (optional): name"),
        FieldSpec("staff_login", "Their login"),
        FieldSpec("staff_roles", "Their roles", default=Role.HANDLER.value,
                  help="comma separated: handler, stage2-reviewer, complaints-lead, mrc, admin"),
    ]
    return StepForm(FormSpec(
        "Set up this database",
        fields,
        lambda values: _save(services, year, values),
        intro="What every letter and clock needs. Ctrl+S saves it all; Esc skips (asked again next start).",
        today=lambda: services.today,
        done_message=lambda done: f"Set up: {'; '.join(done[:2])}",
    ))


def _save(services, year: int, values: dict[str, Any]) -> list[str]:
    from chc_tui.steps.setup import Person, set_up

    text = {k: str(v or "").strip() for k, v in values.items() if k not in ("closure_from", "closure_to")}
    closures = []
    if values["closure_from"] is not None:
        closures.append((values["closure_from"], values["closure_to"]))
    elif values["closure_to"] is not None:
        raise StepRefused("give the first day the office is closed", "closure_from")
    officer = None
    if any(text[k] for k in ("officer_name", "officer_title", "officer_email", "officer_phone")):
        officer = Person(text["officer_name"], text["officer_title"], text["officer_email"], text["officer_phone"])
    staff = []
    if text["staff_name"] or text["staff_login"]:
        roles = tuple(r.strip() for r in text["staff_roles"].split(",") if r.strip())
        staff.append(Person(text["staff_name"], login=text["staff_login"], roles=roles))
    try:
        return services.run(
            set_up, name=text["name"], address=text["address"], region=values["region"] or "",
            homes_owned={year: text["homes"]} if text["homes"] else {}, closures=closures,
            officer=officer, mrc=text["mrc"], staff=staff,
        )
    except StepRefused as refused:
        raise StepRefused([Problem(_FIELD_OF.get(p.field or "", p.field), p.message) for p in refused.problems]) from None
