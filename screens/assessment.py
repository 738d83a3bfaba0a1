"""The yearly self-assessment against the Code: every provision with the landlord's
answer, the evidence from the records beside it, and a warning where they disagree."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from chc_tui.rules import provisions as code
from chc_tui.steps.assessment import year_label, year_span
from chc_tui.figures.assessment_evidence import ChecklistRow
from chc_tui.documents.assessment_export import FORMATS
from chc_tui.figures.assessment_service import AssessmentServices
from chc_tui.rules.domain import StaleRecord, StepRefused
from screens.app_type import ChcScreen
from screens.keybar import KeyBar
from screens.fast_table import FastTable
from screens.titlebar import TitleBar
from screens.confirm import ConfirmScreen
from screens.forms import FieldSpec, FormSpec, StepForm

FILTERS = {
    "all": "all provisions",
    "unanswered": "unanswered or carried over",
    "no": "answered No",
    "contradicted": "contradicted by the records",
}
CARRIED = "↺"
COMPLY_CELL = {"yes": Text("Yes", style="green"), "no": Text("No", style="bold red"), "": Text("—", style="dim")}


def _keeps(row: ChecklistRow, mode: str) -> bool:
    if mode == "unanswered":
        return row.comply == "" or row.carried_over
    if mode == "no":
        return row.comply == "no"
    if mode == "contradicted":
        return row.contradicts
    return True


def _figure_cell(row: ChecklistRow) -> Text:
    figure = row.figure
    if figure is None:
        return Text("")
    if figure.by_construction:
        return Text(figure.short, style="green")
    if not figure.denominator:
        return Text("no cases", style="dim")
    return Text(figure.short, style="red" if figure.shortfall else "")


def _cells(row: ChecklistRow) -> tuple:
    """No. | Comply | carried over | ! | Records | Code requirement (its first line)."""
    return (
        row.number,
        COMPLY_CELL[row.comply],
        Text(CARRIED, style="yellow") if row.carried_over else "",
        Text("!", style="bold red") if row.contradicts else "",
        _figure_cell(row),
        row.provision.first_line,
    )


def _when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    if moment.tzinfo is None:  # SQLite hands back the stored UTC moment without its zone
        moment = moment.replace(tzinfo=timezone.utc)
    return f"{moment.astimezone():%d/%m/%Y %H:%M}"


def render_row_detail(row: ChecklistRow, year: int) -> Text:
    """The highlighted provision: its full wording, the answer, the evidence, the figure."""
    p = row.provision
    where = f"Section {p.section}: {p.section_title}" + (f" · {p.subheading}" if p.subheading else "")
    parts: list[Text] = [Text.assemble((p.provision, "bold"), "  ", (where, "dim")), Text(p.text)]
    answer = Text("Comply: ", style="bold")
    answer.append_text(COMPLY_CELL[row.comply] if row.comply else Text("not yet answered", style="dim"))
    if row.carried_over:
        answer.append(f"   {CARRIED} carried over from {year_label(year - 1)}: space keeps it, y / n / e change it", style="yellow")
    parts += [Text(""), answer]
    if row.evidence:
        parts.append(Text.assemble(("Evidence: ", "bold"), row.evidence))
    if row.commentary:
        parts.append(Text.assemble(("Commentary: ", "bold"), row.commentary))
    if row.figure is not None:
        parts.append(Text.assemble(("From the records: ", "bold"), row.figure.text))
    if row.contradicts:
        parts.append(Text(f"! {row.reason}", style="bold red"))
    if row.answer is not None and row.answer.changed_by:
        parts.append(Text(f"Last changed by {row.answer.changed_by} on {_when(row.answer.changed_at)}", style="dim"))
    return Text("\n").join(parts)


class AssessmentScreen(ChcScreen):
    TITLE = "Self-assessment"
    CSS_PATH = "assessment.tcss"

    BINDINGS = [
        Binding("y", "set_comply('yes')", "Yes", id="assessment.yes"),
        Binding("n", "set_comply('no')", "No", id="assessment.no"),
        Binding("space", "keep", "Keep", id="assessment.keep"),
        Binding("e", "edit", "Edit", id="assessment.edit"),
        Binding("u", "filter('unanswered')", "Unanswered", id="assessment.unanswered"),
        Binding("o", "filter('no')", "Answered No", id="assessment.no_filter", show=False),
        Binding("c", "filter('contradicted')", "Contradicted", id="assessment.contradicted"),
        Binding("a", "filter('all')", "All", id="assessment.all", show=False),
        Binding("left_square_bracket", "year(-1)", "Prev year", id="assessment.prev_year"),
        Binding("right_square_bracket", "year(1)", "Next year", id="assessment.next_year"),
        Binding("x", "export", "Export", id="assessment.export"),
        Binding("escape,backspace", "back", "Back", id="assessment.back"),
        Binding("delete", "set_comply('')", "Clear answer", id="assessment.clear", show=False),
        Binding("K,shift+k", "keep_all", "Keep all carried over", id="assessment.keep_all", show=False),
        Binding("s", "start_year", "Start from last year", id="assessment.start", show=False),
        Binding("ctrl+r", "reload", "Reload", id="assessment.reload", show=False),
        *[
            Binding(str(n), f"section({n})", f"Section {n}: {title}", id=f"assessment.section{n}", show=False)
            for n, title in code.sections()
        ],
    ]

    def __init__(self, year: int | None = None) -> None:
        super().__init__()
        self.requested_year = year
        self.year: int = 0
        self.mode = "all"
        self.rows: list[ChecklistRow] = []
        self.shown: list[ChecklistRow] = []
        self.detail_text = ""  # what the detail panel shows, as plain text

    @property
    def assessment(self) -> AssessmentServices:
        return AssessmentServices(self.app.services)

    # --- building ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("", id="assess-status")
        yield FastTable(id="provisions", cursor_type="row", zebra_stripes=False)
        with VerticalScroll(id="assess-detail"):
            yield Static("", id="assess-detail-text")
        yield KeyBar()  # Ctrl+P still opens the palette; F1 says so

    def on_mount(self) -> None:
        table = self.query_one("#provisions", DataTable)
        table.add_column("No.", key="no", width=4)
        table.add_column("Comply", key="comply", width=6)
        table.add_column(CARRIED, key="carried", width=1)
        table.add_column("!", key="warn", width=1)
        table.add_column("Records", key="figure", width=11)
        table.add_column("Code requirement", key="text", width=40)
        self._fit_columns()
        table.focus()
        self._when_ready()

    def _when_ready(self) -> None:
        """Load once the app's services are open (they open in a worker at start-up)."""
        if getattr(self.app, "services", None) is None:
            self.query_one("#assess-status", Static).update(Text("Opening the database…", style="dim"))
            self.set_timer(0.2, self._when_ready)
            return
        first, last = self.assessment.year_range()
        year = self.requested_year if self.requested_year is not None else self.assessment.current_year()
        self.year = max(first, min(last, year))
        self._open_year()

    def on_resize(self) -> None:
        self._fit_columns()

    def _fit_columns(self) -> None:
        table = self.query_one("#provisions", DataTable)
        fixed = sum(c.width + 2 * table.cell_padding for k, c in table.columns.items() if k.value != "text")
        spare = self.size.width - fixed - 2 * table.cell_padding - 2  # 2: the scrollbar
        table.columns[next(k for k in table.columns if k.value == "text")].width = max(20, spare)
        table.refresh()

    # --- loading -----------------------------------------------------------------------

    def _open_year(self) -> None:
        """Show self.year, starting it from the previous year's answers when it has none
        and is not a future year (a future year starts with s)."""
        services = self.assessment
        if not services.has_answers(self.year) and self.year <= services.current_year():
            copied = services.start_year(self.year)
            if copied:
                self.notify(
                    f"{year_label(self.year)} starts from {year_label(self.year - 1)}'s answers: {copied} carried over. "
                    f"Keep each with space (K keeps all), or change it.",
                    timeout=8,
                )
        self.reload(keep=None)

    def reload(self, keep: str | None = "") -> None:
        """Reload the year (after a write, or when another handler wrote). `keep`: the
        provision to put the cursor on ('' keeps the current one, None the first)."""
        if not self.year:
            return  # still opening (see _when_ready)
        table = self.query_one("#provisions", DataTable)
        if keep == "":
            keep = self.current_provision()
        before = [r.number for r in self.shown]
        old = {r.number: r for r in self.shown}
        self.rows = self.assessment.checklist(self.year)
        self.shown = [r for r in self.rows if _keeps(r, self.mode)]
        if table.row_count and [r.number for r in self.shown] == before:
            # The same rows: change only the cells that changed, so y/n stay instant.
            for row in self.shown:
                if old[row.number] != row:
                    for column, value in zip(("comply", "carried", "warn", "figure"), _cells(row)[1:5]):
                        table.update_cell(row.number, column, value)
        else:
            table.clear()
            section = None
            for row in self.shown:
                p = row.provision
                if p.section != section:
                    section = p.section
                    table.add_row(
                        Text(str(p.section), style="bold"), "", "", "", "",
                        Text(p.section_title, style="bold"), key=f"section-{p.section}",
                    )
                table.add_row(*_cells(row), key=p.provision)
        self._move_to(keep)
        self._show_status()
        self._show_detail()
        self.refresh_bindings()

    def _show_status(self) -> None:
        answered = sum(1 for r in self.rows if r.comply and not r.carried_over)
        no = sum(1 for r in self.rows if r.comply == "no")
        carried = sum(1 for r in self.rows if r.carried_over)
        warned = sum(1 for r in self.rows if r.contradicts)
        self.sub_title = f"{year_label(self.year)} ({year_span(self.year)})"
        text = Text.assemble(
            (year_label(self.year), "bold"),
            f" · {answered}/{len(self.rows)} answered · {no} No",
        )
        if carried:
            text.append(f" · {carried} {CARRIED} to keep", style="yellow")
        if warned:
            text.append(f" · {warned} !", style="bold red")
        text.append(f" · showing {FILTERS[self.mode]}" if self.shown else f" · none {FILTERS[self.mode]}: a shows all", style="dim")
        self.query_one("#assess-status", Static).update(text)

    def _show_detail(self) -> None:
        row = self.current_row()
        if row is not None:
            self._detail(render_row_detail(row, self.year))
            return
        key = self._cursor_key()
        if key and key.startswith("section-"):
            number = int(key.split("-")[1])
            title = dict(code.sections())[number]
            mine = [r for r in self.rows if r.provision.section == number]
            done = sum(1 for r in mine if r.comply and not r.carried_over)
            self._detail(Text.assemble((f"Section {number}: {title}", "bold"), f"\n{done} of {len(mine)} provisions answered."))
        else:
            self._detail(Text("No provisions match this filter. Press a to show all.", style="dim"))

    def _detail(self, text: Text) -> None:
        self.detail_text = text.plain
        self.query_one("#assess-detail-text", Static).update(text)
        self.query_one("#assess-detail").scroll_home(animate=False)

    def _cursor_key(self) -> str | None:
        table = self.query_one("#provisions", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return key.value

    def current_provision(self) -> str | None:
        key = self._cursor_key()
        return key if key and not key.startswith("section-") else None

    def current_row(self) -> ChecklistRow | None:
        number = self.current_provision()
        return next((r for r in self.rows if r.number == number), None)

    def _move_to(self, provision: str | None) -> None:
        table = self.query_one("#provisions", DataTable)
        if table.row_count == 0:
            return
        target = None
        if provision is not None:
            try:
                target = table.get_row_index(provision)
            except Exception:  # no longer shown (filtered out): the next one that is
                later = [r.number for r in self.shown if r.provision.number > code.get(provision).number]
                target = table.get_row_index(later[0]) if later else None
        if target is None:
            target = 1 if table.row_count > 1 else 0  # the first provision, under its section row
        table.move_cursor(row=target)

    def _next_provision(self) -> str | None:
        """The provision after the highlighted one in the current view."""
        current = self.current_provision()
        numbers = [r.number for r in self.shown]
        if current not in numbers:
            return None
        i = numbers.index(current)
        return numbers[i + 1] if i + 1 < len(numbers) else current

    @on(DataTable.RowHighlighted)
    def _highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    @on(DataTable.RowSelected)
    def _selected(self, _event: DataTable.RowSelected) -> None:
        self.action_edit()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if not self.year and action not in ("back",):
            return None  # still opening
        if action == "start_year":
            return not any(r.answer for r in self.rows)
        if action == "keep_all":
            return any(r.carried_over for r in self.rows)
        return True

    # --- answering ---------------------------------------------------------------------

    def _write(self, do, then: str | None) -> bool:
        try:
            do()
        except StaleRecord as stale:
            self.notify(str(stale), severity="error", timeout=8, markup=False)
            self.reload()
            return False
        except StepRefused as refused:
            self.notify(str(refused), severity="error", timeout=8, markup=False)
            return False
        self.reload(keep=then)
        return True

    def action_set_comply(self, comply: str) -> None:
        """y / n: answer the highlighted provision Yes or No and move to the next one;
        Delete: back to not answered. Evidence and commentary stay as they are."""
        row = self.current_row()
        if row is None:
            self.notify("Move to a provision first (the section rows cannot be answered).", severity="warning")
            return
        then = self._next_provision() if comply else row.number
        self._write(
            lambda: self.assessment.answer(
                self.year, row.number, comply=comply, evidence=row.evidence,
                commentary=row.commentary, expected_version=row.version,
            ),
            then,
        )

    def action_keep(self) -> None:
        """Space: keep the carried-over answer as this year's, and move on."""
        row = self.current_row()
        if row is None:
            return
        if not row.carried_over:
            self.notify(f"{row.number} is not carried over: y / n / e answer it.", timeout=4)
            return
        self._write(lambda: self.assessment.confirm(self.year, row.number, row.version), self._next_provision())

    def action_keep_all(self) -> None:
        carried = sum(1 for r in self.rows if r.carried_over)
        if not carried:
            return

        def decided(yes: bool | None) -> None:
            if yes:
                self._write(lambda: self.assessment.confirm(self.year), "")
                self.notify(f"Kept {carried} carried-over answers for {year_label(self.year)}.")

        self.app.push_screen(
            ConfirmScreen(f"Keep all {carried} answers carried over from {year_label(self.year - 1)} as this year's?", yes="Keep all", no="Go back"),
            decided,
        )

    def action_edit(self) -> None:
        row = self.current_row()
        if row is None:
            return
        year = self.year
        wording = row.provision.text if len(row.provision.text) <= 240 else row.provision.text[:237].rstrip() + "…"
        figure = row.figure.text if row.figure else ""
        if row.contradicts:
            figure += f"\n! {row.reason}"

        def submit(values: dict[str, Any]):
            return self.assessment.answer(
                year, row.number, comply=values["comply"] or "", evidence=values["evidence"] or "",
                commentary=values["commentary"] or "", expected_version=row.version,
            )

        spec = FormSpec(
            title=f"{row.number} · self-assessment {year_label(year)}",
            intro=wording,
            fields=[
                FieldSpec("comply", "Comply", kind="choice", default=row.comply,
                          choices=[("Yes", "yes"), ("No", "no")], help="Leave blank for not yet answered."),
                FieldSpec("evidence", "Evidence", kind="long", default=row.evidence,
                          help="Where it is shown: policy section, letter template, report..."),
                FieldSpec("commentary", "Commentary/explanation", kind="long", default=row.commentary),
            ],
            submit=submit,
            preview=(lambda _values: f"From the records: {figure}") if figure else None,
            today=lambda: self.app.services.today,
            done_message=lambda result: f"{result.provision} saved for {year_label(year)}",
        )

        def finished(result) -> None:
            if result is not None:
                self.notify(spec.done_message(result), timeout=4, markup=False)
            self.reload()

        self.app.push_screen(StepForm(spec), finished)

    # --- moving around -----------------------------------------------------------------

    def action_section(self, number: int) -> None:
        table = self.query_one("#provisions", DataTable)
        first = next((r.number for r in self.shown if r.provision.section == number), None)
        if first is None:
            self.notify(f"Section {number} has nothing {FILTERS[self.mode]}.", timeout=3)
            return
        header = table.get_row_index(f"section-{number}")
        table.move_cursor(row=header, animate=False)
        table.scroll_to(y=header, animate=False)
        table.move_cursor(row=table.get_row_index(first), animate=False)

    def action_filter(self, mode: str) -> None:
        self.mode = mode
        self.reload()

    def action_year(self, step: int) -> None:
        first, last = self.assessment.year_range()
        year = self.year + step
        if not first <= year <= last:
            self.notify(f"Years {year_label(first)} to {year_label(last)} can be assessed.", timeout=3)
            return
        self.year = year
        self._open_year()

    def action_start_year(self) -> None:
        copied = self.assessment.start_year(self.year)
        if copied:
            self.notify(f"{copied} answers carried over from {year_label(self.year - 1)}.")
        else:
            self.notify(f"{year_label(self.year - 1)} has no answers to carry over.", timeout=4)
        self.reload(keep=None)

    def action_reload(self) -> None:
        self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()

    # --- export ------------------------------------------------------------------------

    def action_export(self) -> None:
        year = self.year
        default_name = f"self-assessment-{year_label(year).replace('/', '-')}.docx"

        def target(values: dict[str, Any]) -> Path:
            fmt = values.get("fmt") or "docx"
            path = Path(str(values.get("path") or "").strip()).expanduser()
            if path.suffix.lower() != f".{fmt}":
                path = path.with_name(path.name + f".{fmt}") if path.suffix.lower().lstrip(".") not in FORMATS else path.with_suffix(f".{fmt}")
            return path.resolve()

        def submit(values: dict[str, Any]) -> Path:
            if not str(values.get("path") or "").strip():
                raise StepRefused("say where to write the file", "path")
            try:
                return self.assessment.export(year, target(values), values.get("fmt") or "docx")
            except OSError as exc:
                raise StepRefused(f"could not write the file: {exc.strerror or exc}", "path") from None

        spec = FormSpec(
            title=f"Export the {year_label(year)} self-assessment",
            intro="In the Ombudsman's layout: Code provision | Code requirement | Comply | Evidence | Commentary.",
            fields=[
                FieldSpec("fmt", "Format", kind="choice", default="docx",
                          choices=[("Word (.docx)", "docx"), ("Excel (.xlsx)", "xlsx"), ("CSV (.csv)", "csv"), ("Markdown (.md)", "md")]),
                FieldSpec("path", "File", default=default_name, help="Relative to the folder chc started in; the extension follows the format."),
            ],
            submit=submit,
            preview=lambda values: f"Writes {target(values)}" if str(values.get("path") or "").strip() else "",
            today=lambda: self.app.services.today,
            done_message=lambda path: f"Written {path}",
        )

        def finished(result) -> None:
            if result is not None:
                self.notify(spec.done_message(result), timeout=8, markup=False)

        self.app.push_screen(StepForm(spec), finished)
