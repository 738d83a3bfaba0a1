"""Everything about one complaint, and a key for each step that can be taken next."""

from __future__ import annotations

from datetime import date

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from chc_tui.rules.deadlines import Due
from chc_tui.rules.extension_standard import extension_shortfalls, shortfalls_text
from chc_tui.rules.policy import CODE_2024
from chc_tui.rules.domain import Decision, ExclusionReason, Status, Step, refusal_fact_rows
from typing import TYPE_CHECKING
from screens.app_type import ChcScreen
from screens.keybar import KeyBar
from screens.titlebar import TitleBar
from screens.format import STATE_STYLE, d, plain, short
from screens.correspondence import AttachmentPicker, attachments_of, correspondence_table, note_form, open_attachment

if TYPE_CHECKING:  # the ORM-backed view types load after the first paint
    from store.queries import ComplaintDetail, StageView

# action -> what must be true of the complaint for the step to make sense
STEP_BINDINGS = [
    Binding("f", "step('define')", "Define", id="complaint.define"),
    Binding("a", "step('acknowledge')", "Acknowledge", id="complaint.acknowledge"),
    Binding("x", "step('extend')", "Extend", id="complaint.extend"),
    Binding("r", "step('respond')", "Respond", id="complaint.respond"),
    Binding("e", "step('escalate')", "Escalate", id="complaint.escalate"),
    Binding("c", "step('close')", "Close", id="complaint.close"),
    Binding("u", "step('refuse')", "Refuse", id="complaint.refuse"),
    Binding("w", "step('withdraw')", "Withdraw", id="complaint.withdraw"),
    Binding("g", "step('assign_handler')", "Reassign", id="complaint.assign", show=False),
    Binding("d", "step('note_adjustments')", "Adjustments", id="complaint.adjustments", show=False),
    Binding("t", "step('set_theme')", "Theme", id="complaint.theme", show=False),
    Binding("i", "step('raise_new_issue')", "New issue", id="complaint.new_issue", show=False),
]


def available_steps(detail: ComplaintDetail) -> set[str]:
    """The steps the use-cases would accept now (they still check everything)."""
    complaint, stage = detail.complaint, detail.current
    # needs and learning are recorded whatever the state (5.10, 9.1)
    steps: set[str] = {"note_adjustments", "set_theme"}
    if complaint.status == Status.OPEN:
        steps |= {"withdraw", "raise_new_issue"}
        steps.add("assign_handler")
        if stage.responded_on is None:
            steps |= {"define", "refuse"}
            if stage.acknowledged_on is None:
                if stage.definition is not None:
                    steps.add("acknowledge")
            else:
                steps |= {"extend", "respond"}
        else:
            steps.add("close")
    if complaint.status in (Status.OPEN, Status.CLOSED) and stage.stage == 1 and stage.responded_on:
        steps.add("escalate")
    return steps


def _section(title: str) -> Text:
    return Text(f"\n{title}", style="bold underline")


def _pairs(rows: list[tuple[str, str]]) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(ratio=1)
    for label, value in rows:
        if value:
            table.add_row(plain(label), plain(value))
    return table


def _in_line_text(extension, rules) -> str:
    """What the figures will count this extension as (the one rule: extension_standard)."""
    shortfalls = extension_shortfalls(extension, rules)
    if not shortfalls:
        return "agreed in line with the Code: counts as within timescale if answered by the new date"
    return "NOT in line with the Code, counts as late: " + shortfalls_text(shortfalls)


def _stage_block(stage: StageView, detail: ComplaintDetail) -> list:
    parts: list = [_section(f"Stage {stage.stage}")]
    rows = [
        ("Handler", stage.handler),
        ("Escalation requested" if stage.stage == 2 else "Received", d(stage.opened_on)),
        ("Why escalated", stage.escalation_reason),
        ("Acknowledged", d(stage.acknowledged_on) or "not yet"),
        ("Responded", d(stage.responded_on) or "not yet"),
    ]
    parts.append(_pairs(rows))
    definition = stage.definition
    if definition:
        heading = "Definition" + (f" (revision {len(stage.definitions)})" if len(stage.definitions) > 1 else "")
        parts.append(Text(heading, style="bold"))
        parts.append(
            _pairs(
                [
                    ("Understanding", definition.understanding),
                    ("Outcomes sought", definition.outcomes_sought),
                    ("We are responsible for", definition.responsible_aspects),
                    ("Not our responsibility", definition.not_responsible_aspects),
                    ("Defined", f"{d(definition.defined_on)} by {detail.by(definition, definition.defined_by)}"),
                ]
            )
        )
    else:
        parts.append(Text("No definition yet (Code 5.6): press f", style="yellow"))
    deadlines = Table(title="Deadlines", title_justify="left", box=None, padding=(0, 1), show_edge=False)
    for column in ("Step", "From", "WD", "Due", "Met", "Note"):
        deadlines.add_column(column, no_wrap=True, overflow="ellipsis")
    for dl in stage.deadlines:
        if dl.provisional and not dl.active:
            note = "provisional, replaced"
        elif dl.by_extension:
            note = "extension" + ("" if dl.active else ", superseded")
        elif not dl.active and dl.met_on is None:
            note = "superseded" if dl.step == "respond" else "no longer due"
        else:
            note = "provisional" if dl.provisional else ""
        skipped = len(dl.skipped)
        if skipped:
            note = (note + "; " if note else "") + f"skipped {skipped}"
        deadlines.add_row(*map(plain, (dl.step, short(dl.clock_start), str(dl.working_days), short(dl.due_on),
                                       short(dl.met_on), note)))
    parts.append(deadlines)
    for dl in stage.deadlines:
        if dl.active and dl.met_on is None and dl.skipped:
            days = ", ".join(
                f"{day:%a %d/%m}" + ("" if reason in ("Saturday", "Sunday") else f" ({reason})")
                for day, reason in dl.skipped
            )
            parts.append(Text(f"{dl.step.capitalize()} due {d(dl.due_on)} skipped: {days}", style="dim"))
    for ext in stage.extensions:
        parts.append(
            _pairs(
                [
                    ("Extension", f"{d(ext.previous_due)} → {d(ext.new_due)} "
                     f"({ext.working_days_beyond_target} wd beyond target), decided {d(ext.decided_on) or 'on a date not known'}"),
                    ("Reason", ext.reason),
                    ("Resident told", d(ext.told_resident_on) or "not recorded"),
                    ("Ombudsman details", "not known (imported)" if ext.ombudsman_details_given is None
                     else "given" if ext.ombudsman_details_given else f"NOT given (Code {CODE_2024.for_stage(stage.stage).extension_ombudsman_provision})"),
                    ("Good reason", ext.good_reason),
                    ("The Code", _in_line_text(ext, CODE_2024.for_stage(stage.stage))),
                ]
            )
        )
    if stage.update_every_days:
        parts.append(_pairs([("Updates (5.9)", f"at least every {stage.update_every_days} working days, "
                              f"agreed with the resident {d(stage.update_agreed_on)}; next due on the deadline panel")]))
    if stage.response:
        response = stage.response
        parts.append(Text("Response", style="bold"))
        parts.append(
            _pairs(
                [
                    ("Decision", Decision(response.decision).label),
                    ("Reasons", response.reasons),
                    ("Remedy", response.remedy),
                    ("Outstanding actions", response.outstanding_actions),
                    ("Why no remedy", response.no_remedy_reason),  # Code 7.1
                    ("Impact", response.impact),  # 7.2
                    ("Guidance", response.remedies_guidance),  # 7.4
                    ("Sent", f"{d(response.responded_on)} by {detail.by(response, response.responded_by)}"),
                ]
            )
        )
    return parts


def _around_blocks(detail: ComplaintDetail, today: date) -> list:
    from screens.ombudsman import case_lines
    from screens.remedies import action_state, remedy_state, remedy_text

    around, complaint, parts = detail.around, detail.complaint, []
    if around.remedies or around.actions:
        parts.append(_section("Remedies and actions (Code 7.1-7.3)"))
        table = Table(box=None, padding=(0, 1), show_header=False)
        table.add_column(no_wrap=True)
        table.add_column(ratio=1)
        table.add_column(no_wrap=True)
        table.add_column(no_wrap=True)
        for r in around.remedies:
            table.add_row(plain("remedy"), plain(remedy_text(r)), plain(short(r.due_on)), remedy_state(r, today))
        for a in around.actions:
            table.add_row(plain("action"), plain(f"{a.description} ({a.owner})"), plain(short(a.due_on)),
                          action_state(a, today))
        parts.append(table)
    if around.cases:
        parts.append(_section("Housing Ombudsman"))
        for view in around.cases:
            parts.extend(case_lines(view))
            for o in view.orders:
                parts.append(Text(f"  {o.kind}: {o.description}, by {short(o.due_on)}"
                                  + (f", complied {short(o.complied_on)}" if o.complied_on else " (open)")))
    related = [("Theme", complaint.theme), ("Root cause", complaint.root_cause)]
    related += [(f"Lesson L{v.lesson.id}", f"{v.lesson.lesson}" + (f" → {v.lesson.improvement}" if v.lesson.improvement else ""))
                for v in around.lessons]
    if around.related_to:
        related.append(("Raised from", f"{around.related_to} (a new issue, Code 6.8)"))
    if around.raised_here:
        related.append(("New complaints", ", ".join(around.raised_here) + " (new issues, Code 6.8)"))
    for sr in around.service_requests:
        related.append(("Service request", f"{sr.reference} {sr.description} ({'done ' + short(sr.done_on) if sr.done_on else 'still open'})"))
    if any(value for _, value in related):
        parts.append(_section("Learning and related records"))
        parts.append(_pairs(related))
    return parts


def next_line(due: Due | None) -> Text:
    """"Next: acknowledge stage 1 by Fri 27/11/2026 (3 working days left)"."""
    if due is None or due.step is Step.NONE:
        return Text("")
    line = Text("Next: ", style="bold")
    line.append(f"{due.step.value} stage {due.row.stage}")
    if due.days_left is not None:
        line.append(f" by {d(due.row.due_on)} ")
        left = due.days_left
        words = (
            f"{-left} working day{'s' if left != -1 else ''} overdue" if left < 0
            else "due today" if left == 0
            else f"{left} working day{'s' if left != 1 else ''} left"
        )
        line.append(f"({words})", style=STATE_STYLE[due.state])
    return line


def imported_line(detail: ComplaintDetail) -> Text:
    """'Imported from FILE, not verified' and what is not known, until a handler verifies it (V)."""
    from chc_tui.steps.verification import is_unverified, not_known

    complaint = detail.complaint
    if not is_unverified(complaint):
        return Text(f"Imported from {complaint.imported_from}, verified {d(complaint.verified_on)}", style="dim")
    unknown = not_known(detail)
    return Text.assemble(
        (f"Imported from {complaint.imported_from}, not verified", "bold yellow"),
        f" ({len(unknown)} with facts not known): V to verify from the letters" if unknown
        else ": V to verify from the letters",
    )


def render_detail(detail: ComplaintDetail, due: Due | None = None, today: date | None = None) -> Group:
    complaint, resident = detail.complaint, detail.resident
    head = Text.assemble(
        (complaint.reference, "bold"),
        f"  {resident.name}  ·  stage {complaint.current_stage}  ·  ",
        (complaint.status, "bold"),
        f"  ·  {complaint.category}",
    )
    parts: list = [head, next_line(due)]
    if complaint.imported_from:
        parts.append(imported_line(detail))
    if detail.needs is not None:
        from screens.resident import needs_lines

        parts.extend(needs_lines(detail.needs))  # before anyone contacts the resident (5.10, 5.14)
    parts.append(
        _pairs(
            [
                ("Received", f"{d(complaint.received_on)} by {complaint.channel.replace('_', ' ')}"),
                ("Address", resident.address),
                ("Contact", " · ".join(x for x in (resident.phone, resident.email) if x)),
                (
                    "Representative",
                    f"{complaint.representative_name} ({complaint.representative_relationship})"
                    if complaint.representative_name
                    else "",
                ),
                ("Closed", d(complaint.closed_on)),
                # Noted on this complaint and not (or no longer) one of the resident's in
                # force, which needs_lines shows above (Code 5.10).
                ("Noted on this complaint", "" if detail.needs is not None and complaint.adjustments.strip() in
                 {a.description for a in detail.needs.current_adjustments} else complaint.adjustments),
            ]
        )
    )
    parts.append(_section("In the resident's words"))
    parts.append(Text(complaint.resident_words))
    for stage in detail.stages:
        parts.extend(_stage_block(stage, detail))
    if detail.refusal:
        refusal = detail.refusal
        parts.append(_section("Refused (Code 2.2-2.5)"))
        parts.append(
            _pairs(
                [
                    ("Reason", ExclusionReason(refusal.exclusion_reason).label),
                    ("Explanation", refusal.explanation),
                    *refusal_fact_rows(refusal, d),
                    ("Ombudsman right", "not known (imported)" if refusal.ombudsman_right_explained is None
                     else "explained" if refusal.ombudsman_right_explained else "NOT explained"),
                    ("Refused", f"{d(refusal.refused_on)} by {refusal.refused_by}"),
                ]
            )
        )
    if detail.withdrawal:
        withdrawal = detail.withdrawal
        parts.append(_section("Withdrawn"))
        parts.append(_pairs([("Withdrawn", d(withdrawal.withdrawn_on)), ("Reason", withdrawal.reason)]))
    if detail.around is not None:
        parts.extend(_around_blocks(detail, today or date.today()))
    parts.append(Text("v resident's needs · m remedies and actions · b Ombudsman · t theme · i new issue (6.8) · j lessons",
                      style="dim"))
    if detail.correspondence:
        parts.append(_section("Correspondence and notes (Code 5.12)"))
        parts.append(correspondence_table(detail))
    parts.append(_section("History"))
    history = Table(box=None, padding=(0, 1), show_header=False)
    history.add_column(no_wrap=True)
    history.add_column(no_wrap=True)
    history.add_column(no_wrap=True, style="bold")
    history.add_column()
    for entry in detail.history:
        summary = ", ".join(
            f"{k}={v}" for k, v in entry.details.items()
            if v not in ("", None) and k not in ("reasons", "understanding", "letter_sha256") and k not in entry.before
        )
        changes = ", ".join(
            f"{k}: {entry.before[k] or '(none)'} -> {entry.details.get(k) or '(none)'}"
            for k in entry.before
            if entry.before[k] != entry.details.get(k)
        )
        summary = ", ".join(part for part in (changes, summary) if part)
        history.add_row(*map(plain, (f"{entry.at.astimezone():%d/%m/%Y %H:%M}", entry.who, entry.action, summary)))
    parts.append(history)
    return Group(*parts)


class ComplaintScreen(ChcScreen):
    BINDINGS = [
        Binding("escape,backspace", "back", "Back", id="complaint.back"),
        *STEP_BINDINGS,
        Binding("n", "note", "Note", id="complaint.note"),
        Binding("k", "updates", "Updates agreed", id="complaint.updates", show=False),
        Binding("o", "open_file", "Open file", id="complaint.open_file", show=False),
        Binding("p", "evidence", "Evidence pack", id="complaint.evidence", show=False),
        Binding("l", "letters", "Letters", id="complaint.letters", show=False),
        Binding("v", "resident", "Resident", id="complaint.resident", show=False),
        Binding("m", "remedies", "Remedies", id="complaint.remedies", show=False),
        Binding("b", "ombudsman", "Ombudsman", id="complaint.ombudsman", show=False),
        Binding("B", "preflight", "Breaches (pre-flight)", id="complaint.preflight", show=False),
        Binding("j", "lessons", "Lessons", id="complaint.lessons", show=False),
        Binding("C", "correct", "Correct a typo", id="complaint.correct", show=False),
        Binding("V", "verify", "Verify import", id="complaint.verify", show=False),
        Binding("ctrl+r", "reload", "Reload", id="complaint.reload", show=False),
    ]

    def __init__(self, reference: str) -> None:
        super().__init__()
        self.reference = reference
        self.detail: ComplaintDetail | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="detail-scroll"):
            yield Static("", id="detail")
        yield KeyBar()  # Ctrl+P still opens the palette; F1 says so

    def on_mount(self) -> None:
        self.title = self.reference
        self.reload()
        self.query_one("#detail-scroll").focus()

    def reload(self) -> None:
        self.detail = self.app.services.complaint(self.reference)
        if self.detail is None:
            self.query_one("#detail", Static).update(Text(f"{self.reference} no longer exists."))
        else:
            self.sub_title = f"{self.detail.resident.name} · stage {self.detail.complaint.current_stage} · {self.detail.complaint.status}"
            due = self.app.services.due(self.reference)
            self.query_one("#detail", Static).update(render_detail(self.detail, due, self.app.services.today))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "step":
            if self.detail is None:
                return None
            # Hidden, not dimmed: the footer then shows only what can be done now.
            return parameters[0] in available_steps(self.detail)
        if action == "updates":  # on an open stage not yet answered (5.9)
            return bool(self.detail and self.detail.complaint.status == "open" and self.detail.current.responded_on is None)
        if action == "note":  # on any complaint, closed ones too: records go on being kept
            return None if self.detail is None else True
        if action == "evidence":
            return None if self.detail is None else True
        if action == "letters":  # hidden until a letter has been sent
            return bool(self.detail and self.detail.letters)
        if action == "open_file":
            return bool(attachments_of(self.detail))
        if action == "verify":  # only on a complaint imported and not yet verified
            from chc_tui.steps.verification import is_unverified

            return bool(self.detail and is_unverified(self.detail.complaint))
        return True

    def action_step(self, step: str) -> None:
        self.app.start_step(step, self.detail)

    def action_back(self) -> None:
        self.app.pop_screen()

    def _open_form(self, spec) -> None:
        """Open a form whose save refreshes the views before it closes (so this screen shows
        the change at once), and say what was done."""
        from screens.forms import StepForm

        write = spec.submit

        def submit_and_refresh(values):
            result = write(values)
            self.app.refresh_views()
            return result

        spec.submit = submit_and_refresh

        def finished(result) -> None:
            if result is not None:
                self.app.notify(spec.done_message(result), timeout=6, markup=False)

        self.app.push_screen(StepForm(spec), finished)

    def action_note(self) -> None:
        self._open_form(note_form(self.app.services, self.detail))

    def action_updates(self) -> None:
        """The interval agreed with the resident for updates on this stage (Code 5.9)."""
        from chc_tui.steps.keeping_informed import agree_update_interval
        from screens.forms import FieldSpec, FormSpec

        detail, services = self.detail, self.app.services
        if detail is None or services is None:
            return
        stage = detail.current

        def submit(values):
            every = str(values["every_days"] or "").strip()
            return services.run(agree_update_interval, detail.complaint.reference,
                                every_days=int(every) if every.isdigit() else every, agreed_on=values["agreed_on"],
                                expected_version=detail.complaint.version)

        spec = FormSpec(
            title=f"{detail.complaint.reference} stage {stage.stage}: updates agreed with the resident (Code 5.9)",
            intro="How often the resident will hear from us until the response; an outgoing letter, call, email "
                  "or meeting recorded on the complaint counts as an update.",
            fields=[FieldSpec("every_days", "An update at least every ... working days",
                              default=str(stage.update_every_days or ""), placeholder="e.g. 10"),
                    FieldSpec("agreed_on", "Agreed with the resident on", "date", default=services.today)],
            submit=submit, today=lambda: services.today,
            done_message=lambda s: f"Updates every {s.update_every_days} working days: next due on the deadline panel",
        )
        self._open_form(spec)

    def action_open_file(self) -> None:
        files = attachments_of(self.detail)
        if len(files) == 1:
            open_attachment(self.app, files[0][1])
        elif files:
            def chosen(index: int | None) -> None:
                if index is not None:
                    open_attachment(self.app, files[index][1])

            self.app.push_screen(AttachmentPicker(files), chosen)

    def action_evidence(self) -> None:
        from screens.sent_letters import PACK_FORMAT_CHOICES, export_form

        if self.detail is None:
            return
        reference = self.detail.complaint.reference
        export_form(
            self.app,
            title=f"Evidence pack for {reference} (for the Ombudsman)",
            stem=f"{reference}-evidence",
            choices=PACK_FORMAT_CHOICES,
            write=lambda path: self.app.services.evidence_pack(reference, path),
        )

    def action_letters(self) -> None:
        from screens.sent_letters import LettersScreen

        if self.detail is not None and self.detail.letters:
            self.app.push_screen(LettersScreen(self.detail.complaint.reference, self.detail.letters, self.detail.deliveries))

    def action_reload(self) -> None:
        self.reload()

    def action_correct(self) -> None:
        """A typo in the resident's details or a date that started a clock (issue 17.6)."""
        from screens.corrections import CorrectionPicker, correction_choices

        detail = self.detail
        if detail is None:
            return

        choices = correction_choices(detail)

        def chosen(index: int | None) -> None:
            if index is not None:
                self.app.start_step(choices[index][0], detail)

        self.app.push_screen(CorrectionPicker(choices), chosen)

    def action_verify(self) -> None:
        """Verify an imported complaint from its letters (issue 18.2)."""
        from screens.verify import verify_form

        if self.detail is None:
            return
        self._open_form(verify_form(self.app.services, self.detail))

    # --- the records around the complaint (issue 7) -------------------------------------

    def action_resident(self) -> None:
        from screens.resident import ResidentScreen

        if self.detail is not None:
            self.app.push_screen(ResidentScreen(self.detail.resident.id))

    def action_remedies(self) -> None:
        from screens.remedies import RemediesScreen

        if self.detail is not None:
            self.app.push_screen(RemediesScreen(self.reference))

    def action_ombudsman(self) -> None:
        from screens.ombudsman import OmbudsmanScreen

        if self.detail is not None:
            self.app.push_screen(OmbudsmanScreen(self.reference))

    def action_preflight(self) -> None:
        """Every breach of the Code the records show, before the Ombudsman finds it (issue 18)."""
        from screens.preflight import PreflightScreen

        if self.detail is not None:
            self.app.push_screen(PreflightScreen(self.reference))

    def action_lessons(self) -> None:
        from screens.lessons import LessonsScreen

        if self.detail is not None:
            self.app.push_screen(LessonsScreen(self.reference))
