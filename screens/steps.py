"""The form for each step: its fields, sensible defaults, and a live preview of the dates
the step will fix. Each form's submit calls exactly one use-case through Services."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from types import SimpleNamespace

from chc_tui.rules import clocks
from chc_tui.rules.extension_standard import extension_shortfalls
from chc_tui.steps import learning, new_issues, usecases
from chc_tui.rules.domain import Channel, Decision, ExclusionReason
if TYPE_CHECKING:
    from chc_tui.services import ComplaintDetail, Services, StageView
from screens.corrections import CORRECTION_FORMS
from screens.format import d
from screens.forms import FieldSpec, FormSpec

CATEGORIES = [
    "Repairs",
    "Damp and mould",
    "Anti-social behaviour",
    "Estate services",
    "Rent and service charges",
    "Staff conduct",
    "Communication",
    "Lettings",
    "Adaptations",
]


def _stage_dates(stage: StageView) -> tuple[date | None, date | None]:
    """(current response due, response target set at acknowledgement)."""
    current = next(
        (dl.due_on for dl in stage.deadlines if dl.step == "respond" and dl.active and not dl.provisional),
        None,
    )
    target = next(
        (dl.due_on for dl in stage.deadlines if dl.step == "respond" and not dl.provisional and not dl.by_extension),
        None,
    )
    return current, target


def _ack_due(stage: StageView) -> date | None:
    return next((dl.due_on for dl in stage.deadlines if dl.step == "acknowledge"), None)


def log_form(services: Services, _detail: ComplaintDetail | None) -> FormSpec:
    calendar, policy, today = services.calendar(), services.policy, services.today

    def preview(values: dict[str, Any]) -> str:
        received = values.get("received_on")
        if not received:
            return ""
        rules = policy.for_stage(1)
        started = clocks.stage_clocks(calendar, policy, 1, received)
        return (
            f"Acknowledge and define by {d(started.acknowledge_due)} (Code {rules.acknowledge_provision}); "
            f"respond by {d(started.provisional_response_due)} (provisional)"
        )

    def submit(values: dict[str, Any]):
        return services.run(
            usecases.log_complaint,
            received_on=values["received_on"],
            channel=values["channel"] or "",
            resident_name=values["resident_name"],
            resident_address=values["resident_address"],
            resident_phone=values["resident_phone"],
            representative_name=values["representative_name"],
            representative_relationship=values["representative_relationship"],
            adjustments=values["adjustments"],
            category=values["category"],
            resident_words=values["resident_words"],
            handler=values["handler"],
            resident_tenure=values["tenure"] or "",
        )

    from screens.resident import tenure_field

    return FormSpec(
        title="Log a new complaint (stage 1)",
        fields=[
            FieldSpec("received_on", "Received on", "date", default=today),
            FieldSpec("channel", "How it came in", "choice", default=Channel.PHONE.value,
                      choices=[(c.value.replace("_", " "), c.value) for c in Channel]),
            FieldSpec("resident_name", "Resident's name"),
            FieldSpec("resident_address", "Address"),
            FieldSpec("resident_phone", "Phone"),
            tenure_field(services),
            FieldSpec("category", "Category", suggestions=CATEGORIES, placeholder="e.g. Repairs"),
            FieldSpec("resident_words", "In the resident's own words", "long"),
            FieldSpec("representative_name", "Representative (if any)"),
            FieldSpec("representative_relationship", "Representative's relationship", placeholder="e.g. daughter, MP, advocate"),
            FieldSpec("adjustments", "Reasonable adjustments (if any)", placeholder="e.g. large print, Polish, easy read"),
            _handler_field(services, None, 1, "Handler", mine=True),
        ],
        submit=submit,
        preview=preview,
        today=lambda: services.today,
        done_message=lambda logged: f"Logged {logged.reference}: acknowledge by {d(logged.acknowledge_due)}",
    )


def _handler_field(services: Services, reference: str | None, stage: int, label: str, *, mine: bool = False) -> FieldSpec:
    """A choice of only the staff who may take this stage: active, with the role it needs,
    and at stage 2 nobody who considered stage 1 (Code 6.13). The step checks it again."""
    people = services.eligible_assignees(reference, stage)
    me = services.me() if mine else None
    choices = [(p.display_name + (f" ({p.job_title})" if p.job_title else ""), p.id) for p in people]
    default = me.id if me is not None and any(p.id == me.id for p in people) else None
    return FieldSpec("handler", label, "choice", default=default, choices=choices,
                     help="" if choices else "nobody on the staff register may take this stage: an admin adds them (F7)")


def _chosen(staff_id: int | None) -> int | str:
    """Nobody chosen is an empty handler, which the step refuses by its field."""
    return "" if staff_id is None else staff_id


def define_form(services: Services, detail: ComplaintDetail) -> FormSpec:
    stage = detail.current
    existing = stage.definition

    def submit(values: dict[str, Any]):
        return services.run(
            usecases.define,
            detail.complaint.reference,
            understanding=values["understanding"],
            outcomes_sought=values["outcomes_sought"],
            responsible_aspects=values["responsible_aspects"],
            not_responsible_aspects=values["not_responsible_aspects"],
            defined_on=values["defined_on"],
            expected_version=detail.complaint.version,
        )

    return FormSpec(
        title=f"{'Redefine' if existing else 'Define'} {detail.complaint.reference}, stage {stage.stage} (Code 5.6, 5.7)",
        intro=f"In their words: {detail.complaint.resident_words[:160]}",
        fields=[
            FieldSpec("understanding", "Our understanding of the complaint", "long",
                      default=existing.understanding if existing else ""),
            FieldSpec("outcomes_sought", "Outcomes the resident seeks", "long",
                      default=existing.outcomes_sought if existing else ""),
            FieldSpec("responsible_aspects", "Aspects we are responsible for", "long",
                      default=existing.responsible_aspects if existing else ""),
            FieldSpec("not_responsible_aspects", "Aspects we are not responsible for (and who is)", "long",
                      default=existing.not_responsible_aspects if existing else ""),
            FieldSpec("defined_on", "Defined on", "date", default=services.today),
        ],
        submit=submit,
        today=lambda: services.today,
        done_message=lambda _: f"{detail.complaint.reference} defined",
    )


def acknowledge_form(services: Services, detail: ComplaintDetail) -> FormSpec:
    stage = detail.current
    calendar, rules = services.calendar(), services.policy.for_stage(stage.stage)
    ack_due = _ack_due(stage)

    def preview(values: dict[str, Any]) -> str:
        when = values.get("acknowledged_on")
        if not when:
            return ""
        late = ""
        if ack_due and when > ack_due:
            late = f" · {clocks.working_days_late(calendar, ack_due, when)} wd after the {d(ack_due)} deadline"
        respond = clocks.response_clock(calendar, services.policy, stage.stage, when)
        return f"Respond by {d(respond.due)} (Code {rules.respond_provision}){late}"

    def submit(values: dict[str, Any]):
        return services.run(
            usecases.acknowledge,
            detail.complaint.reference,
            letter=values.get("letter"),
            acknowledged_on=values["acknowledged_on"],
            expected_version=detail.complaint.version,
        )

    return FormSpec(
        title=f"Acknowledge {detail.complaint.reference}, stage {stage.stage} (Code {rules.acknowledge_provision})",
        intro=f"Acknowledgement due {d(ack_due)}. Definition: {stage.definition.understanding[:120] if stage.definition else 'none'}",
        fields=[FieldSpec("acknowledged_on", "Acknowledged on", "date", default=services.today)],
        submit=submit,
        draft=services.draft_letter,
        preview=preview,
        today=lambda: services.today,
        done_message=lambda due: f"{detail.complaint.reference} acknowledged: respond by {d(due)}",
    )


def extend_form(services: Services, detail: ComplaintDetail) -> FormSpec:
    stage = detail.current
    calendar, rules = services.calendar(), services.policy.for_stage(stage.stage)
    current, target = _stage_dates(stage)

    def preview(values: dict[str, Any]) -> str:
        new_due = values.get("new_due")
        if not new_due or not target:
            return f"Response due {d(current)}; limit {rules.max_extension_days} wd beyond {d(target)}"
        moved = clocks.extension_clock(
            calendar, services.policy, stage.stage, target=target, current=current or target, new_due=new_due
        )
        if moved.not_working:
            return f"{d(new_due)} is not a working day ({moved.not_working})"
        verdict = (
            "within the Code's limit"
            if moved.within_limit
            else f"PAST the limit of {rules.max_extension_days}: record a good reason"
        )
        shown = f"{moved.beyond_target} wd beyond the {d(target)} target: {verdict} (Code {rules.extension_provision})"
        # The same rule the step and the figures judge by, on what is typed so far (a blank
        # told-on date is the letter's: today).
        candidate = SimpleNamespace(
            decided_on=values.get("decided_on") or services.today, previous_due=current or target,
            told_resident_on=values.get("told_resident_on") or services.today,
            working_days_beyond_target=moved.beyond_target, good_reason=values.get("good_reason") or "",
            ombudsman_details_given=bool(values.get("ombudsman_details_given", True)),
        )
        short = [s for s in extension_shortfalls(candidate, rules) if s.kind.field != "good_reason"]
        if short:
            shown += ". NOT in line with the Code: " + "; ".join(str(s) for s in short)
        return shown

    def submit(values: dict[str, Any]):
        return services.run(
            usecases.extend,
            detail.complaint.reference,
            letter=values.get("letter"),
            new_due=values["new_due"],
            reason=values["reason"],
            decided_on=values["decided_on"],
            told_resident_on=values["told_resident_on"],
            ombudsman_details_given=bool(values.get("letter")) or values["ombudsman_details_given"],
            good_reason=values["good_reason"],
            accept_shortfalls=values.get("confirmed", False),
            expected_version=detail.complaint.version,
        )

    suggested = clocks.extension_limit_date(calendar, services.policy, stage.stage, target) if target else None
    return FormSpec(
        title=f"Extend the response deadline of {detail.complaint.reference}, stage {stage.stage}",
        intro=f"Now due {d(current)}. At most {rules.max_extension_days} working days beyond {d(target)} "
              f"({d(suggested)}) unless a good reason is recorded.",
        fields=[
            FieldSpec("new_due", "New due date", "date", default=""),
            FieldSpec("reason", "Reason, as told to the resident", "long"),
            FieldSpec("decided_on", "Decided on", "date", default=services.today),
            # No default: the resident is told by the letter this step sends (its date), or
            # on the day typed here; the Code counts it only if by the deadline it replaces.
            FieldSpec("told_resident_on", "Resident told on (blank: the letter's date)", "date", default=""),
            FieldSpec("ombudsman_details_given", "Ombudsman's contact details given (the letter gives them)", "bool",
                      default=True),
            FieldSpec("good_reason", "Good reason (only if past the limit)", "long"),
        ],
        submit=submit,
        draft=services.draft_letter,
        preview=preview,
        today=lambda: services.today,
        confirmable=True,
        done_message=lambda _: f"{detail.complaint.reference} extended",
    )


def respond_form(services: Services, detail: ComplaintDetail) -> FormSpec:
    stage = detail.current
    calendar = services.calendar()
    current, target = _stage_dates(stage)
    provision = services.policy.for_stage(stage.stage).response_contents_provision

    def preview(values: dict[str, Any]) -> str:
        when = values.get("responded_on")
        if not when or not target:
            return ""
        if when <= target:
            return f"Within target (due {d(target)})"
        if current and when <= current:
            return f"Within the agreed extension (due {d(current)})"
        return f"Out of target: {clocks.working_days_late(calendar, current or target, when)} wd after {d(current or target)}"

    def submit(values: dict[str, Any]):
        return services.run(
            usecases.respond,
            detail.complaint.reference,
            letter=values.get("letter"),
            decision=values["decision"] or "",
            reasons=values["reasons"],
            remedies=values["remedies"],
            actions=values["actions"],
            no_remedy_reason=values["no_remedy_reason"],
            impact=values["impact"],
            remedies_guidance=values["remedies_guidance"],
            responded_on=values["responded_on"],
            expected_version=detail.complaint.version,
        )

    return FormSpec(
        title=f"Stage {stage.stage} response for {detail.complaint.reference} (Code {provision})",
        fields=[
            FieldSpec("decision", "Decision", "choice", choices=[(x.label, x.value) for x in Decision]),
            FieldSpec("reasons", "Reasons for the decision", "long"),
            FieldSpec("remedies", "Remedies offered, one a line (Code 7.1, 7.3)", "long",
                      placeholder="£250 compensation for distress, due 10/01/2027",
                      help="a £ amount starts a financial remedy (', parts Time and trouble: 150; Distress: 100' "
                           "splits it); otherwise start with the kind: apology:, acknowledgement:, explanation:, "
                           "action:, changed decision:, corrected record:, changed policy:"),
            FieldSpec("actions", "Outstanding actions, one a line (tracked after closure)", "long",
                      placeholder="Replace the kitchen extractor fan, due 20/12/2026, owner Repairs team",
                      help="each line: what must be done, due dd/mm/yyyy, owner who (Code 6.6)"),
            FieldSpec("no_remedy_reason", "Upheld with no remedy or action: why none (Code 7.1)"),
            FieldSpec("impact", "Impact on the resident the remedy reflects (Code 7.2)", "long"),
            FieldSpec("remedies_guidance", "Ombudsman remedies guidance considered (Code 7.4)"),
            FieldSpec("responded_on", "Response sent on", "date", default=services.today),
        ],
        submit=submit,
        draft=services.draft_letter,
        preview=preview,
        today=lambda: services.today,
        done_message=lambda _: f"{detail.complaint.reference}: stage {stage.stage} response recorded",
    )


def escalate_form(services: Services, detail: ComplaintDetail) -> FormSpec:
    stage_one = detail.stage(1)
    calendar, rules = services.calendar(), services.policy.for_stage(2)

    def preview(values: dict[str, Any]) -> str:
        when = values.get("requested_on")
        if not when:
            return ""
        ack = clocks.stage_clocks(calendar, services.policy, 2, when).acknowledge_due
        return f"Acknowledge stage 2 by {d(ack)} (Code {rules.acknowledge_provision})"

    def submit(values: dict[str, Any]):
        return services.run(
            usecases.escalate,
            detail.complaint.reference,
            requested_on=values["requested_on"],
            handler=_chosen(values["handler"]),
            reason=values["reason"],
            expected_version=detail.complaint.version,
        )

    return FormSpec(
        title=f"Escalate {detail.complaint.reference} to stage 2",
        intro=f"Stage 1 was handled by {stage_one.handler}; stage 2 needs someone else (Code 6.13).",
        fields=[
            FieldSpec("requested_on", "Resident asked to escalate on", "date", default=services.today),
            _handler_field(services, detail.complaint.reference, 2, "Stage 2 handler"),
            FieldSpec("reason", "Why the resident is still dissatisfied", "long"),
        ],
        submit=submit,
        preview=preview,
        today=lambda: services.today,
        done_message=lambda due: f"{detail.complaint.reference} escalated: acknowledge by {d(due)}",
    )


def refuse_form(services: Services, detail: ComplaintDetail) -> FormSpec:
    def submit(values: dict[str, Any]):
        return services.run(
            usecases.refuse,
            detail.complaint.reference,
            letter=values.get("letter"),
            exclusion_reason=values["exclusion_reason"] or "",
            explanation=values["explanation"],
            refused_on=values["refused_on"],
            issue_on=values["issue_on"],
            aware_on=values["aware_on"],
            discretion_considered=values["discretion_considered"],
            claim_filed_on=values["claim_filed_on"],
            expected_version=detail.complaint.version,
        )

    over = "Over 12 months only (2.3)"
    return FormSpec(
        title=f"Refuse {detail.complaint.reference} (Code 2.2-2.5)",
        intro="Every refusal is an individual decision: give this resident's own reasons.",
        fields=[
            FieldSpec("exclusion_reason", "Exclusion reason", "choice", choices=[(x.label, x.value) for x in ExclusionReason]),
            FieldSpec("explanation", "Explanation to the resident", "long"),
            FieldSpec("issue_on", "Date the issue occurred", "date", help=over),
            FieldSpec("aware_on", "Date the resident became aware of it", "date", help=over),
            FieldSpec("discretion_considered", "Discretion considered: why not accept it anyway", "long", help=over),
            FieldSpec("claim_filed_on", "Date the claim was filed at court", "date", help="Legal proceedings only (2.2)"),
            FieldSpec("refused_on", "Refused on", "date", default=services.today),
        ],
        submit=submit,
        draft=services.draft_letter,
        today=lambda: services.today,
        done_message=lambda _: f"{detail.complaint.reference} refused",
    )


def withdraw_form(services: Services, detail: ComplaintDetail) -> FormSpec:
    def submit(values: dict[str, Any]):
        return services.run(
            usecases.withdraw,
            detail.complaint.reference,
            letter=values.get("letter"),
            reason=values["reason"],
            withdrawn_on=values["withdrawn_on"],
            expected_version=detail.complaint.version,
        )

    return FormSpec(
        title=f"Record that the resident withdrew {detail.complaint.reference}",
        fields=[
            FieldSpec("reason", "What the resident said", "long"),
            FieldSpec("withdrawn_on", "Withdrawn on", "date", default=services.today),
        ],
        submit=submit,
        draft=services.draft_letter,
        today=lambda: services.today,
        done_message=lambda _: f"{detail.complaint.reference} withdrawn",
    )


def close_form(services: Services, detail: ComplaintDetail) -> FormSpec:
    def submit(values: dict[str, Any]):
        return services.run(
            usecases.close,
            detail.complaint.reference,
            closed_on=values["closed_on"],
            expected_version=detail.complaint.version,
        )

    still = [a for a in (detail.around.actions if detail.around else ()) if a.done_on is None]
    outstanding = "; ".join(f"{a.description} (due {d(a.due_on)})" for a in still)  # every stage's records
    return FormSpec(
        title=f"Close {detail.complaint.reference}",
        intro=f"Outstanding actions still tracked: {outstanding}" if outstanding else "",
        fields=[FieldSpec("closed_on", "Closed on", "date", default=services.today)],
        submit=submit,
        today=lambda: services.today,
        done_message=lambda _: f"{detail.complaint.reference} closed",
    )


def assign_form(services: Services, detail: ComplaintDetail) -> FormSpec:
    def submit(values: dict[str, Any]):
        return services.run(
            usecases.assign_handler,
            detail.complaint.reference,
            handler=_chosen(values["handler"]),
            expected_version=detail.complaint.version,
        )

    return FormSpec(
        title=f"Reassign stage {detail.current.stage} of {detail.complaint.reference}",
        fields=[_handler_field(services, detail.complaint.reference, detail.current.stage, "New handler")],
        submit=submit,
        today=lambda: services.today,
        done_message=lambda _: f"{detail.complaint.reference} reassigned",
    )


def adjustments_form(services: Services, detail: ComplaintDetail) -> FormSpec:
    def submit(values: dict[str, Any]):
        return services.run(
            usecases.note_adjustments,
            detail.complaint.reference,
            adjustments=values["adjustments"],
            expected_version=detail.complaint.version,
        )

    return FormSpec(
        title=f"Reasonable adjustments for {detail.complaint.reference} (Code 5.10)",
        intro="What the resident needs from us: large print, another language, an easy-read "
              "version, a call at a set time... Shown whenever a letter is made.",
        fields=[FieldSpec("adjustments", "Adjustments agreed", "long", default=detail.complaint.adjustments)],
        submit=submit,
        today=lambda: services.today,
        done_message=lambda _: f"{detail.complaint.reference}: adjustments recorded",
    )


def theme_form(services: Services, detail: ComplaintDetail) -> FormSpec:
    from chc_tui.steps.learning import THEMES

    complaint = detail.complaint
    return FormSpec(
        title=f"Theme and root cause of {complaint.reference} (Code 9.1, 9.4)",
        intro="What the complaint was about underneath: the annual report counts complaints by theme.",
        fields=[
            FieldSpec("theme", "Theme", default=complaint.theme, suggestions=THEMES),
            FieldSpec("root_cause", "Root cause", "long", default=complaint.root_cause),
        ],
        submit=lambda values: services.run(learning.set_theme, complaint.reference,
                                           expected_version=complaint.version, **values),
        today=lambda: services.today,
        done_message=lambda _: f"{complaint.reference}: theme recorded",
    )


def new_issue_form(services: Services, detail: ComplaintDetail) -> FormSpec:
    from chc_tui.steps.new_issues import how_to_handle

    complaint, stage_one = detail.complaint, detail.stage(1)
    answered = stage_one.responded_on is not None or complaint.status != "open"

    def preview(values: dict[str, Any]) -> str:
        add, why = how_to_handle(answered, bool(values.get("related")), bool(values.get("would_delay")))
        if add and stage_one.definition is None:
            return "→ " + why + "; stage 1 has no definition yet: Esc, f to define it, then i again"
        return "→ " + why

    return FormSpec(
        title=f"A new issue raised during {complaint.reference} (Code 6.8)",
        fields=[
            FieldSpec("issue", "The new issue, in the resident's words", "long"),
            FieldSpec("raised_on", "Raised on", "date", default=services.today),
            FieldSpec("related", "Related to the issues already being investigated", "bool", default=True),
            FieldSpec("would_delay", "Adding it would unreasonably delay the stage 1 response", "bool"),
            FieldSpec("channel", "How it came in (if logged as a new complaint)", "choice", default=Channel.PHONE.value,
                      choices=[(c.value.replace("_", " "), c.value) for c in Channel]),
        ],
        preview=preview,
        submit=lambda values: services.run(new_issues.raise_new_issue, complaint.reference,
                                           expected_version=complaint.version, **values),
        today=lambda: services.today,
        done_message=lambda handled: (f"Added to the stage 1 definition of {handled.reference}" if handled.added_to_definition
                                      else f"Logged as new complaint {handled.reference}, linked to {complaint.reference}"),
    )


FORMS = {
    "log_complaint": log_form,
    "define": define_form,
    "acknowledge": acknowledge_form,
    "extend": extend_form,
    "respond": respond_form,
    "escalate": escalate_form,
    "refuse": refuse_form,
    "withdraw": withdraw_form,
    "close": close_form,
    "assign_handler": assign_form,
    "note_adjustments": adjustments_form,
    "set_theme": theme_form,
    "raise_new_issue": new_issue_form,
    **CORRECTION_FORMS,  # C: a typo in the resident's details or a clock's start (issue 17.6)
}
