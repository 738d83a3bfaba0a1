"""The annual complaints report (Code 8.1) and TSM CH01/CH02, year by year.

One table of figures with a chart column drawn in block characters, so it reads at
80x24, in 16 colours and with NO_COLOR: every bar is labelled with its number, and the
parts of a stacked bar differ by glyph as well as colour. Enter on a figure lists the
complaints behind it; enter on one of those opens it. [ and ] (or left and right) move
between financial years; t edits the entered parts; x exports.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Sequence

from rich.text import Text
from textual import on, work
from textual.worker import get_current_worker
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from chc_tui.rules.domain import StepRefused
from chc_tui.figures.report import (
    MONTHS,
    STAGES,
    TEXT_PARTS,
    AnnualReport,
    Figure,
    Timeliness,
    month_bounds,
    month_label,
    year_bounds,
    year_label,
)
from chc_tui.documents.report_export import FORMATS, default_filename
from chc_tui.figures.count_apart import CountApartFailed, count_apart, worth_counting_apart
from chc_tui.figures.report_service import ReportService
from chc_tui.rules.financial_year import year_of
from chc_tui.memory import give_memory_back
from chc_tui.own_thread import run_in_own_thread
from chc_tui.report_cache import YearFigures, stamp
from screens.app_type import ChcModalScreen, ChcScreen
from screens.keybar import KeyBar
from screens.fast_table import FastTable
from screens.live import is_live
from screens.titlebar import TitleBar
from screens.forms import FieldSpec, FormSpec, StepForm

log = logging.getLogger(__name__)

MIN_YEAR, MAX_YEAR = 2000, 2100
EIGHTHS = " ▏▎▍▌▋▊▉█"
SPARKS = "▁▂▃▄▅▆▇█"

# (key, short label, glyph, style): glyphs differ so NO_COLOR loses nothing
TIMELINESS_LOOK = (
    (Timeliness.WITHIN_TARGET.value, "target", "█", "green"),
    (Timeliness.WITHIN_EXTENSION.value, "extension", "▓", "yellow"),
    (Timeliness.OUT_OF_TARGET.value, "out", "░", "red"),
    (Timeliness.LATE_EXTENSION_NOT_IN_LINE.value, "ext. not in line", "▞", "magenta"),
)
OUTCOME_LOOK = (
    ("upheld", "upheld", "█", "red"),
    ("partly_upheld", "partly", "▓", "yellow"),
    ("not_upheld", "not upheld", "▒", "blue"),
    ("withdrawn", "withdrawn", "░", "white"),
    ("refused", "refused", "·", "magenta"),
)
ANSWER_LOOK = (("yes", "yes", "█", "green"), ("no", "no", "▓", "red"), ("unanswered", "unanswered", "░", "white"))


# --- text charts --------------------------------------------------------------------------------


def bar(fraction: float, width: int, style: str = "cyan") -> Text:
    """A horizontal bar `fraction` (0-1) of `width` cells, in eighths of a cell."""
    fraction = max(0.0, min(1.0, fraction))
    eighths = round(fraction * width * 8)
    full, part = divmod(eighths, 8)
    text = "█" * full + (EIGHTHS[part] if part else "")
    return Text(text, style=style)


def stacked(values: Sequence[int], looks: Sequence[tuple], width: int) -> Text:
    """One bar split into parts by glyph and colour, sized by largest remainder."""
    total = sum(values)
    if not total or width <= 0:
        return Text("")
    exact = [v * width / total for v in values]
    cells = [int(x) for x in exact]
    for i in sorted(range(len(values)), key=lambda i: exact[i] - cells[i], reverse=True)[: width - sum(cells)]:
        cells[i] += 1
    out = Text()
    for n, (_, _, glyph, style) in zip(cells, looks):
        out.append(glyph * n, style=style)
    return out


def sparkline(values: Sequence[int], top: int | None = None) -> str:
    top = top or max(values, default=0)
    if not top:
        return "·" * len(values)
    return "".join("·" if not v else SPARKS[min(len(SPARKS) - 1, max(0, round(v / top * (len(SPARKS) - 1))))] for v in values)


# --- the rows ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    value: str
    chart: Any  # Text | str, drawn to the chart column's width
    note: str = ""
    items: tuple[tuple[str, str], ...] = ()
    items_are_complaints: bool = True
    heading: bool = False
    text_part: str | None = None  # an entered text: enter edits it


SHORT = {
    "count": "extensions decided",
    "stages_extended": "complaints extended",
    "within_limit": "within the Code's limit",
    "past_limit_with_good_reason": "past limit, good reason",
    "past_limit_without_good_reason": "past limit, no good reason",
    "resident_told_recorded": "date resident told kept",
    "ombudsman_details_given": "Ombudsman details given",
    "decided_after_deadline": "decided after deadline",
    "to_acknowledge.mean": "average wd to acknowledge",
    "to_acknowledge.median": "median wd to acknowledge",
    "to_respond.mean": "average wd to respond",
    "to_respond.median": "median wd to respond",
    "with_remedy": "responses with a remedy",
    "financial_total": "£ offered (from the records)",
    "stage1_responses": "S1 responses sent",
    "escalated": "of which escalated",
    "rate_pct": "escalation rate S1 -> S2",
    "requests_per_stage1_received_pct": "S2 requests ÷ S1 received",
    "total": "refused in the year",
    "over_12_months": "over 12 months old (2.3)",
    "legal_proceedings": "legal proceedings (2.2)",
    "already_considered": "already considered (2.2)",
    "other": "other reason, stated (2.2)",
}
TEXT_SHORT = {
    "ombudsman_findings": "(c) Ombudsman findings",
    "service_improvements": "(d) Service improvements",
    "ombudsman_annual_report": "(e) Ombudsman annual report",
    "ombudsman_other_reports": "(f) Other Ombudsman reports",
    "governing_body_response": "8.2 Governing body response",
}


def short_label(fig: Figure) -> str:
    """A label that fits the screen's figure column: S1/S2 for the stage, then the point."""
    path = fig.path
    stage = next((p for p in path if p in ("stage1", "stage2")), None)
    tail = ".".join(p for p in path[1:] if p not in ("stage1", "stage2", "by_reason", "by_stage"))
    if path[0] == "refusals" and path[1] == "by_stage":
        return f"refused at stage {path[2][-1]}"
    if path[0] == "remedies" and path[1] == "total":
        return "£ offered, both stages"
    if tail.endswith("within_code"):
        return f"S{stage[-1]} " + fig.label.removeprefix(f"Stage {stage[-1]} ") if stage else fig.label
    text = SHORT.get(tail) or SHORT.get(path[-1]) or fig.label
    if path[0] == "refusals" and path[1] == "by_reason" and path[-1] not in SHORT:
        text = fig.label.removeprefix("Refused: ")
    return f"S{stage[-1]} {text}" if stage else text


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _legend(looks) -> Text:
    out = Text()
    for _, label, glyph, style in looks:
        out.append(glyph, style=style)
        out.append(f" {label} ")
    return out


def _tsm_by_stock_type_rows(r: AnnualReport, figure_row) -> None:
    """CH01 and CH02 of each stock type (issue 18.6), and the complaints whose tenure is not known."""
    from chc_tui.rules.tenure import NOT_KNOWN_KEY, NOT_KNOWN_LABEL

    f = r.figure
    for t in r.stock_types:
        homes = f(f"tsm.CH01.{t}.homes_owned")
        rates = [f(f"tsm.CH01.{t}.stage{n}_per_1000_homes") for n in STAGES]
        counts = [f(f"tsm.CH01.{t}.stage{n}_received").value for n in STAGES]
        per = f"{' · '.join(map(str, counts))} ÷ {homes.value:,} homes" if homes.value else f"{' · '.join(map(str, counts))} received · {t} homes not set"
        figure_row(rates[0], f"CH01 {t} stage 1 · 2", value=" · ".join(x.text for x in rates), chart=Text(per),
                   items=rates[0].items + rates[1].items)
        pcts = [f(f"tsm.CH02.{t}.stage{n}_within_timescale_pct") for n in STAGES]
        sent = [f(f"tsm.CH02.{t}.stage{n}_responses").value for n in STAGES]
        figure_row(pcts[0], f"CH02 {t} stage 1 · 2", value=" · ".join(x.text for x in pcts),
                   chart=Text(f"{' · '.join(map(str, sent))} responses sent"), items=pcts[0].items + pcts[1].items)
    unknown = [f(f"tsm.CH01.{NOT_KNOWN_KEY}.stage{n}_received") for n in STAGES]
    answered = [f(f"tsm.CH02.{NOT_KNOWN_KEY}.stage{n}_responses") for n in STAGES]
    figure_row(unknown[0], NOT_KNOWN_LABEL.capitalize(), value=" · ".join(str(x.value) for x in unknown),
               chart=Text(f"in the total only · {' · '.join(str(x.value) for x in answered)} responses sent"),
               items=unknown[0].items + unknown[1].items + answered[0].items + answered[1].items)


def people_rows(people: Any, width: int = 30) -> list[Row]:
    """Per handler, then per team (figures.performance_by_person): responses on time out of
    those sent, a bar of how they were judged, and the breaches, so a complaints lead sees
    where help is needed. Enter lists the complaints each one handled."""
    from chc_tui.figures.performance_by_person import NO_HANDLER

    if people is None:
        return []
    rows = [Row("heading.people", "By handler and team", "", _legend(TIMELINESS_LOOK), heading=True)]
    if not people.handlers:
        rows.append(Row("people.none", "No stage handled in the year", "", ""))
        return rows
    for kind, group in (("handler", people.handlers), ("team", people.teams)):
        for p in group:
            parts = [p.on_time, p.within_extension, p.late, p.late_extension_not_in_line]
            sent = sum(parts)
            tail = f" breaches {p.acknowledgements_late + p.responses_late}"
            chart = stacked(parts, TIMELINESS_LOOK, max(0, width - len(tail) - 1)) if sent else Text("no responses sent")
            chart.append(tail)
            name = p.name if kind == "handler" or p.name.startswith("(") else f"Team {p.name}"
            note = (f"{name}{f' ({p.team})' if kind == 'handler' and p.team else ''}: {p.handled_stage1} stage 1 and "
                    f"{p.handled_stage2} stage 2 handled; responses {p.on_time} on time, {p.within_extension} within an "
                    f"agreed extension, {p.late} late, {p.late_extension_not_in_line} late on an extension not in line "
                    f"with the Code; {p.extensions} extensions ({p.extensions_not_in_line} not in line); "
                    f"{p.acknowledgements_late} acknowledgements and {p.responses_late} responses late")
            if p.name == NO_HANDLER:
                note += " (stages whose handler is not on the staff register)"
            rows.append(Row(f"people.{kind}.{p.name}", ("  " if kind == "team" else "") + name,
                            f"{p.on_time}/{sent}" if sent else "–", chart, note,
                            tuple((ref, name) for ref in p.references)))
    return rows


def report_rows(report: AnnualReport, width: int = 30) -> list[Row]:
    """The screen's rows, top to bottom: the board's figures first."""
    r = report
    f = r.figure
    rows: list[Row] = []

    def heading(key: str, title: str, chart: Any = "") -> None:
        rows.append(Row(f"heading.{key}", title, "", chart, heading=True))

    def figure_row(fig: Figure, label: str | None = None, value: str | None = None, chart: Any = "", note: str | None = None,
                   items=None) -> None:
        rows.append(Row(fig.key, label or fig.label, value if value is not None else fig.text, chart,
                        note if note is not None else fig.note, fig.items if items is None else items,
                        fig.items_are_complaints))

    # TSM
    heading("tsm", f"TSM {r.label}", _legend(TIMELINESS_LOOK))
    homes = f("tsm.CH01.homes_owned")
    for n in STAGES:
        rate = f(f"tsm.CH01.stage{n}_per_1000_homes")
        count = f(f"tsm.CH01.stage{n}_received").value
        per = f"{count} ÷ {homes.value:,} homes" if homes.value else f"{count} received · homes not set (t)"
        figure_row(rate, f"CH01 stage {n} per 1,000 homes", chart=Text(per))
    for n in STAGES:
        pct_fig = f(f"tsm.CH02.stage{n}_within_timescale_pct")
        parts = [int(f(f"tsm.CH02.stage{n}_{k}").value) for k, *_ in TIMELINESS_LOOK]
        total = sum(parts)
        label = "/".join(str(p) for p in parts)
        chart = stacked(parts, TIMELINESS_LOOK, max(0, width - len(label) - 1)) if total else Text("no responses sent")
        if total:
            chart.append(" " + label)
        within = parts[0] + parts[1]
        figure_row(pct_fig, f"CH02 stage {n} within timescale",
                   value=f"{pct_fig.text} {within}/{total}" if total else "n/a", chart=chart)
        after_late = f(f"tsm.CH02.stage{n}_within_target_after_late_acknowledgement")
        if after_late.value:
            figure_row(after_late, "  within target after a late ack.", value=f"{after_late.value}/{after_late.of}")
    _tsm_by_stock_type_rows(r, figure_row)
    # received
    heading("received", "Received by month", Text("█ stage 1 ▒ stage 2 · earlier →"))
    this = r.months[0]
    top = max((a + b for m in r.months for a, b in zip(m.stage1, m.stage2)), default=0) or 1
    for m in r.months:
        total1, total2 = sum(m.stage1), sum(m.stage2)
        prefix = "received" if m is this else f"received.previous_years.{m.year}"
        fig, fig2 = f(f"{prefix}.stage1.total"), f(f"{prefix}.stage2.total")
        spark = sparkline([a + b for a, b in zip(m.stage1, m.stage2)], top)
        figure_row(fig, f"{m.label}{' (part)' if m.partial else ''} Apr-Mar", value=f"{total1} · {total2}",
                   chart=Text(spark),
                   note=f"{m.label}: stage 1 complaints received · stage 2 escalations requested; the line shows "
                        f"each month from April to March, · for a month with none",
                   items=fig.items + fig2.items)
    for i, name in enumerate(MONTHS):
        s1, s2 = f(f"received.stage1.by_month.{name}"), f(f"received.stage2.by_month.{name}")
        earlier = " ".join(
            "  –" if r.records_start and month_bounds(m.year, i)[1] < r.records_start else f"{m.stage1[i] + m.stage2[i]:>3}"
            for m in r.months[1:]
        )
        future = month_bounds(r.year, i)[0] > r.cutoff
        room = max(1, width - (len(earlier) + 1 if earlier else 0))

        def cells(value: int) -> int:
            return 0 if not value else max(1, round(value / top * room))

        chart = Text()
        chart.append("█" * cells(int(s1.value)), style="blue")
        chart.append("▒" * cells(int(s2.value)), style="yellow")
        chart.truncate(room)
        if earlier:
            chart.append(" " * (room - len(chart) + 1))
            chart.append(earlier, style="dim")
        if future:
            chart = Text("to come".ljust(room + 1 if earlier else room), style="dim")
            if earlier:
                chart.append(earlier, style="dim")
        figure_row(s1, month_label(r.year, i), value="" if future else f"{s1.value} · {s2.value}", chart=chart,
                   note=f"received in {month_label(r.year, i)}: stage 1 · stage 2"
                        + (f"; at the right, both stages in the same month of {', '.join(m.label for m in r.months[1:])}"
                           if earlier else ""),
                   items=s1.items + s2.items)
    # categories
    heading("by_category", "By category", Text("stage 1: count (share) · s2: stage 2"))
    cats = [x for x in r.section("by_category").figures if x.path[1] == "stage1"]
    top_cat = max((int(x.value) for x in cats), default=0) or 1
    stage2 = {x.path[2]: x for x in r.section("by_category").figures if x.path[1] == "stage2"}
    for x in cats:
        s2 = stage2.get(x.path[2])
        tail = f" s2 {s2.value}" if s2 else ""
        chart = bar(int(x.value) / top_cat, max(1, width - len(tail) - 1), "cyan")
        chart.append(tail)
        figure_row(x, x.path[2], chart=chart, items=x.items + (s2.items if s2 else ()))
    for name, s2 in stage2.items():  # escalated from a category with no stage 1 complaint this year
        if not any(x.path[2] == name for x in cats):
            figure_row(s2, name, value="0", chart=Text(f"s2 {s2.value}"))
    if not cats and not stage2:
        rows.append(Row("by_category.none", "No complaints received", "", ""))
    # outcomes
    heading("outcomes", "Outcomes", _legend(OUTCOME_LOOK[:3]))
    for n in STAGES:
        parts = [int(f(f"outcomes.stage{n}.{k}").value) for k, *_ in OUTCOME_LOOK]
        total_fig = f(f"outcomes.stage{n}.total")
        chart = stacked(parts, OUTCOME_LOOK, width) if sum(parts) else Text("no outcomes in the year")
        figure_row(total_fig, f"Stage {n} outcomes", chart=chart)
        for k, label, glyph, style in OUTCOME_LOOK:
            x = f(f"outcomes.stage{n}.{k}")
            figure_row(x, f"  {label}", chart=bar((x.share or 0) / 100, width, style))
    # timeliness
    heading("timeliness", "Timeliness of responses", _legend(TIMELINESS_LOOK))
    for n in STAGES:
        parts = [int(f(f"timeliness.stage{n}.{k}").value) for k, *_ in TIMELINESS_LOOK]
        figure_row(f(f"timeliness.stage{n}.responses"), f"Stage {n} responses sent",
                   chart=stacked(parts, TIMELINESS_LOOK, width) if sum(parts) else Text("no responses sent"))
        for k, label, glyph, style in TIMELINESS_LOOK:
            x = f(f"timeliness.stage{n}.{k}")
            figure_row(x, f"  {x.label.removeprefix(f'Stage {n} ')}", chart=bar((x.share or 0) / 100, width, style))
    # the rest, figure by figure
    for key, title in (("extensions", "Extensions"), ("working_days", "Working days taken"),
                       ("unverified", "Resting on imported records not yet verified"), ("escalation", "Escalation"),
                       ("remedies", "Remedies offered"), ("refusals", "Refused, by exclusion reason")):
        heading(key, title)
        for x in r.section(key).figures:
            if key == "refusals" and x.path[1] == "by_category":
                continue
            chart: Any = ""
            if x.of:
                chart = bar((x.share or 0) / 100, width, "cyan")
            figure_row(x, short_label(x), chart=chart)
    # the records around the complaints: remedies, actions, service requests, the Ombudsman, learning
    for key in ("around", "learning"):
        section = next((s for s in r.sections if s.key == key), None)
        if section is None:
            continue
        heading(key, section.title)
        for n, said in enumerate(section.notes):
            rows.append(Row(f"{key}.note.{n}", said, "", "", note=said))
        for x in section.figures:
            figure_row(x, x.label, chart=bar((x.share or 0) / 100, width, "cyan") if x.of else "")
    # self-assessment
    heading("self_assessment", f"Self-assessment {r.label}", _legend(ANSWER_LOOK))
    sa: dict[str, dict[str, Figure]] = {}
    for x in r.section("self_assessment").figures:
        sa.setdefault(x.path[1], {})[x.path[2]] = x
    for slug, verdicts in sa.items():
        parts = [int(verdicts[k].value) for k, *_ in ANSWER_LOOK]
        label = verdicts["yes"].label.rsplit(":", 1)[0]
        items = tuple(
            (ref, f"{k}: {detail}" if detail else k) for k, *_ in ANSWER_LOOK for ref, detail in verdicts[k].items
        )
        figure_row(verdicts["yes"], label if slug != "total" else "All sections", value="/".join(map(str, parts)),
                   chart=stacked(parts, ANSWER_LOOK, width) if sum(parts) else "",
                   note=f"yes / no / not yet answered; from {r.provisions_source}", items=items)
    # entered texts
    heading("texts", "Entered parts (t to edit)")
    for t in r.texts:
        first = t.text.strip().splitlines()[0] if t.text.strip() else "not yet entered"
        rows.append(Row(f"texts.{t.part}", TEXT_SHORT.get(t.part, t.title), "entered" if t.text.strip() else "—", Text(first),
                        note=f"{t.code}: {t.title}. " + (f"Version {t.version}, by {t.changed_by} {t.changed_at}." if t.version else "Press t to enter it."),
                        text_part=t.part))
    return rows


# --- the list behind a figure ----------------------------------------------------------------------------


class FigureItemsScreen(ChcModalScreen[None]):
    """The records behind one figure; enter opens a complaint."""

    DEFAULT_CSS = """
    FigureItemsScreen { align: center middle; }
    FigureItemsScreen > Vertical {
        width: 100; max-width: 100%; height: 90%; border: thick $accent; background: $surface; padding: 0 1;
    }
    FigureItemsScreen #items-title { text-style: bold; }
    FigureItemsScreen #items-note { color: $text-muted; max-height: 5; }
    FigureItemsScreen DataTable { height: 1fr; }
    FigureItemsScreen #items-detail { height: 2; }
    FigureItemsScreen #items-keys { color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape,backspace", "close", "Back", id="report_items.close"),
        Binding("enter", "open", "Open complaint", id="report_items.open", show=False),
    ]

    def __init__(self, row: Row, year_label_text: str) -> None:
        super().__init__()
        self.row = row
        self.year_label_text = year_label_text

    def compose(self) -> ComposeResult:
        with Vertical():
            # Plain text: a label or note may name a category or quote what someone typed.
            yield Static(f"{self.row.label.strip()}: {self.row.value}  ({self.year_label_text})", id="items-title",
                         markup=False)
            yield Static(self.row.note, id="items-note", markup=False)
            yield FastTable(id="items", cursor_type="row", zebra_stripes=True)
            yield Static("", id="items-detail")
            keys = "Enter open complaint · Esc back" if self.row.items_are_complaints else "Esc back"
            yield Static(f"{len(self.row.items)} {'complaints' if self.row.items_are_complaints else 'provisions'} · {keys}",
                         id="items-keys")

    def on_mount(self) -> None:
        table = self.query_one("#items", DataTable)
        table.add_column("Reference" if self.row.items_are_complaints else "Provision", key="ref", width=12)
        box = min(100, self.app.size.width)
        table.add_column("What about it", key="detail", width=max(20, box - 4 - 14 - 2 - 2))
        for n, (ref, detail) in enumerate(self.row.items):
            table.add_row(ref, detail, key=f"{n}:{ref}")
        if not self.row.items:
            self.query_one("#items-keys", Static).update("Nothing is behind this figure: it counts none. Esc back")
        table.focus()

    @on(DataTable.RowHighlighted, "#items")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The whole line for the highlighted record, however narrow the table."""
        table = self.query_one("#items", DataTable)
        if self.row.items and table.row_count:
            ref, detail = self.row.items[min(table.cursor_row, len(self.row.items) - 1)]
            self.query_one("#items-detail", Static).update(Text(f"{ref}: {detail}"))

    def _reference(self) -> str | None:
        table = self.query_one("#items", DataTable)
        if not self.row.items or table.row_count == 0:
            return None
        return self.row.items[table.cursor_row][0]

    @on(DataTable.RowSelected)
    def _chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        reference = self._reference()
        if reference and self.row.items_are_complaints:
            self.app.open_complaint(reference)

    def action_close(self) -> None:
        self.dismiss(None)


# The figures per handler and team while they are counted, after the board's figures.
COUNTING = object()
COUNTING_ROW = Row("heading.people", "By handler and team", "", Text("counting…"), heading=True)


def _on_report_screens(app, year: int, show) -> None:
    """`show` on every report screen showing `year` that can still be drawn on."""
    for screen in app.screen_stack:
        if isinstance(screen, ReportScreen) and screen.year == year and is_live(screen):
            show(screen)


def _deliver(app, year: int, counted_at: tuple, figures: YearFigures) -> None:
    """A year counted: kept for the next visit while a report is open, or if it is the year
    F3 opens at (only that one stays once the report is left: see on_unmount), and shown
    wherever the year is on screen."""
    services = app.services
    if services is None:
        return  # the app is ending
    if year == year_of(services.today) or any(isinstance(s, ReportScreen) and is_live(s) for s in app.screen_stack):
        app.report_cache.put(year, counted_at, figures, stamp(services))
    people = COUNTING if figures.people is None else figures.people
    _on_report_screens(app, year, lambda screen: screen._show(figures.report, people))
    if figures.people is not None:
        give_memory_back()  # what the count read is garbage now


def _counted_apart(app, year: int, counted_at: tuple) -> bool:
    """Count the year in a child process and deliver it (in the counting thread); False if
    this file is counted in the app's own thread, or the child could not count."""
    if app.counts_apart is None:  # the app opened without its background open (tests)
        app.counts_apart = worth_counting_apart(app.services)
    if not app.counts_apart:
        return False
    try:
        for counted_year, report, people in count_apart(app.services, [year]):
            _tell_app(app, _deliver, app, counted_year, counted_at, YearFigures(report, people))
    except CountApartFailed:
        return False  # logged: counted here instead
    return True


def _tell_app(app, callback, *args) -> None:
    """`callback(*args)` on the app's thread, unless the app has ended meanwhile."""
    if app.is_running:
        with contextlib.suppress(RuntimeError):  # it ended just now
            app.call_from_thread(callback, *args)


def count_ahead(app, year: int) -> None:
    """Count `year` before its key is pressed (F3's year at start-up, the year before while
    F3's year is shown), in a child process: only for a file large enough that a count
    would hold up the keys, and once for each stamp. From the app's thread."""
    services = app.services
    if services is None or not app.counts_apart or year < MIN_YEAR:
        return
    cache, current = app.report_cache, stamp(services)
    if cache.get(year, current) is not None or cache.under_way(year, current) or not cache.first_ahead(year, current):
        return
    cache.counting(year, current)

    def ahead() -> None:
        counted = False
        try:
            counted = _counted_apart(app, year, current)
        except Exception:  # a database problem: F3 meets it and says so
            log.info("the count ahead of %s stopped", year, exc_info=True)
        finally:
            cache.counted(year, current)
            if not counted:  # a report waiting for this count counts the year itself
                _tell_app(app, _on_report_screens, app, year, lambda screen: screen.refresh_data())

    threading.Thread(target=ahead, daemon=True, name="chc-count-ahead").start()


# --- the screen ----------------------------------------------------------------------------------------------


class ReportScreen(ChcScreen):
    TITLE = "Annual report"
    CSS_PATH = "report.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", id="report.back"),
        Binding("left_square_bracket", "year(-1)", "Prev year", id="report.prev"),
        Binding("right_square_bracket", "year(1)", "Next year", id="report.next"),
        Binding("left", "year(-1)", "Prev year", id="report.prev_arrow", show=False, priority=True),
        Binding("right", "year(1)", "Next year", id="report.next_arrow", show=False, priority=True),
        Binding("enter", "open", "Records", id="report.open"),
        Binding("t", "texts", "Texts", id="report.texts"),
        Binding("x", "export", "Export", id="report.export"),
        Binding("ctrl+r", "reload", "Reload", id="report.reload", show=False),
    ]

    def __init__(self, year: int | None = None) -> None:
        super().__init__()
        self.requested_year = year
        self.year: int = year or 0
        self.report: AnnualReport | None = None
        self.rows: list[Row] = []
        self.reports: ReportService | None = None
        self.people: Any = None  # figures per handler and team (figures.performance_by_person)

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("", id="report-head")
        yield FastTable(id="figures", cursor_type="row", zebra_stripes=False)
        yield Static("", id="report-note")
        yield KeyBar()  # Ctrl+P still opens the palette; F1 says so

    def on_mount(self) -> None:
        table = self.query_one("#figures", DataTable)
        table.add_column("Figure", key="label", width=30)
        table.add_column("Value", key="value", width=11)
        table.add_column("Chart", key="chart", width=30)
        self._fit_columns()
        table.focus()
        self._start()

    def _start(self) -> None:
        """Begin once the app's services are ready (the app may still be opening the database)."""
        services = getattr(self.app, "services", None)
        if services is None:
            self.query_one("#report-head", Static).update("Opening the database…")
            self.set_timer(0.2, self._start)
            return
        self.reports = ReportService(services)
        self.year = self.requested_year or self.reports.default_year()
        self.refresh_data()

    def on_resize(self) -> None:
        if self._fit_columns() and self.report is not None:
            self._show(self.report)

    def _chart_width(self) -> int:
        table = self.query_one("#figures", DataTable)
        return table.columns[next(k for k in table.columns if k.value == "chart")].width

    def _fit_columns(self) -> bool:
        """Give the chart whatever width the label and value leave; True if it changed."""
        table = self.query_one("#figures", DataTable)
        fixed = sum(c.width + 2 * table.cell_padding for k, c in table.columns.items() if k.value != "chart")
        spare = max(12, self.size.width - fixed - 2 * table.cell_padding - 2)
        column = table.columns[next(k for k in table.columns if k.value == "chart")]
        if column.width == spare:
            return False
        column.width = spare
        table.refresh()
        return True

    # --- loading ---------------------------------------------------------------------------------

    def refresh_data(self) -> None:
        """Show the year: from the app's cache while nothing has changed since it was
        counted, else recounted in the background (after a write, or when another
        handler's commit lands, the stamp has moved)."""
        if self.reports is None:
            return
        cache, current = self.app.report_cache, stamp(self.app.services)
        kept = cache.get(self.year, current)
        if kept is not None:
            people = COUNTING if kept.people is None else kept.people
            if kept.report is not self.report or people is not self.people:  # else the minute's reload: nothing new
                self._show(kept.report, people)
            if kept.people is None and not cache.under_way(self.year, current):
                cache.counting(self.year, current)
                self._load(self.year, current, kept.report)  # the count per handler was stopped: go on with it
            return
        start, end = year_bounds(self.year)
        self.sub_title = f"{year_label(self.year)} · loading"
        self.query_one("#report-head", Static).update(
            f"[b]{year_label(self.year)}[/b]  {start:%d/%m/%Y} to {end:%d/%m/%Y} · counting…"
        )
        if cache.under_way(self.year, current):
            return  # by this visit or an earlier one (F3 left and pressed again): shown here when counted
        cache.counting(self.year, current)
        self._load(self.year, current)

    def reload(self) -> None:
        """What the app calls after a write, on its timer and when another handler commits."""
        self.refresh_data()

    @work(exclusive=True, group="report-load")
    async def _load(self, year: int, counted_at: tuple, report: AnnualReport | None = None) -> None:
        """The count, in a thread of its own (chc_tui/own_thread.py): it only reads, and
        quitting does not wait for it."""
        worker = get_current_worker()
        _thread, counted = run_in_own_thread(lambda: self._count(year, counted_at, report, worker), "chc-report-count")
        await counted

    def _count(self, year: int, counted_at: tuple, report: AnnualReport | None, worker) -> None:
        """The board's figures, shown and kept at once, then the figures per handler and
        team, unless the handler has moved to another year or left the screen meanwhile:
        the year on screen is counted first, and the rest when it is next shown. A large
        file's year is counted by a child process (figures.count_apart): the keys stay
        quick meanwhile."""
        app, cache = self.app, self.app.report_cache
        stopped = False
        try:
            if report is None and _counted_apart(app, year, counted_at):
                return
            if report is None:
                # the figures per handler and team next, from the stages the report read
                report, count_people = self.reports.count(year)
                # counted with the report when the board sees them too
                app.call_from_thread(_deliver, app, year, counted_at, YearFigures(report, report.staff_figures))
            else:
                count_people = partial(self.reports.performance, year)
            if report.staff_figures is not None:
                return
            if worker.is_cancelled:
                stopped = True
                return
            people = count_people()
            app.call_from_thread(_deliver, app, year, counted_at, YearFigures(report, people))
        finally:
            cache.counted(year, counted_at)
            if stopped:  # the year shown again meanwhile (F3 pressed again) goes on where this stopped
                app.call_from_thread(_on_report_screens, app, year, lambda screen: screen.refresh_data())

    def on_unmount(self) -> None:
        """Leaving the report lets go of its figures: the screen's copy, and every year the
        cache holds but the one F3 opens at."""
        self.report, self.people, self.rows = None, None, []
        if self.reports is not None:
            self.app.report_cache.keep_only(self.reports.default_year())
            self.reports.earlier.keep_only([])  # the earlier years' stages: kept while [ and ] move
        give_memory_back()

    def _show(self, report: AnnualReport, people: Any = None) -> None:
        if report.year != self.year:
            return  # the handler has moved on to another year
        self.report = report
        self.people = people if people is not None else self.people
        table = self.query_one("#figures", DataTable)
        keep = table.cursor_row
        table.clear()
        width = self._chart_width()
        self.rows = report_rows(report, width) + (
            [COUNTING_ROW] if self.people is COUNTING else people_rows(self.people, width))
        for n, row in enumerate(self.rows):
            label = Text(_fit(row.label, 30), style="bold reverse" if row.heading else "")
            value = Text(row.value, justify="right", style="bold" if row.heading else "")
            chart = row.chart if isinstance(row.chart, Text) else Text(str(row.chart))
            chart = chart.copy()
            chart.truncate(width, overflow="ellipsis")
            table.add_row(label, value, chart, key=f"{n}")
        table.move_cursor(row=min(keep, len(self.rows) - 1) if keep else 1)
        running = "" if report.complete else f" · to {report.cutoff:%d/%m/%y}, year running"
        homes = f"{report.homes_owned:,} homes" if report.homes_owned else "homes not set (t)"
        empty = " · [b]no complaints in this year[/b]" if report.empty else ""
        if report.records_start and report.start < report.records_start <= report.end:
            running += f" · records from {report.records_start:%d/%m/%y}"
        self.query_one("#report-head", Static).update(
            f"[b]{report.label}[/b] {report.start:%d/%m/%y}-{report.end:%d/%m/%y}{running} · {homes}{empty}"
        )
        self.sub_title = report.label
        self._show_note()
        if self.people is not COUNTING and self.reports is not None and report.year == self.reports.default_year():
            count_ahead(self.app, report.year - 1)  # `[` is the next key a board's reader presses

    @on(DataTable.RowHighlighted, "#figures")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_note()

    def _current(self) -> Row | None:
        table = self.query_one("#figures", DataTable)
        if not self.rows or table.row_count == 0:
            return None
        return self.rows[min(table.cursor_row, len(self.rows) - 1)]

    def _show_note(self) -> None:
        row = self._current()
        text = ""
        if row is not None and not row.heading:
            what = "complaints" if row.items_are_complaints else "provisions"
            count = f"Enter: the {len(row.items)} {what} behind it. " if row.items else ""
            text = count + (row.note or row.label)
        self.query_one("#report-note", Static).update(Text(text))

    # --- actions ---------------------------------------------------------------------------------------

    def action_year(self, step: int) -> None:
        if self.reports is None:
            return
        year = self.year + step
        if not MIN_YEAR <= year <= MAX_YEAR:
            self.app.bell()
            return
        self.year = year
        self.refresh_data()

    @on(DataTable.RowSelected, "#figures")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        row = self._current()
        if row is None or row.heading or self.report is None:
            return
        if row.text_part is not None:
            self.action_texts()
            return
        self.app.push_screen(FigureItemsScreen(row, self.report.label))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_reload(self) -> None:
        self.refresh_data()

    def action_texts(self) -> None:
        if self.reports is None:
            return
        year = self.year
        current = self.reports.form_values(year)
        parts = [p for p, _, _ in TEXT_PARTS]

        def submit(values: dict[str, Any]):
            changed = {p: values[p] for p in parts if (values[p] or "").strip() != current.texts.get(p, "").strip()}
            homes = (values["homes"] or "").strip()
            homes = homes if homes and homes.replace(",", "") != str(current.homes or "") else None
            versions = {p: current.versions.get(p, 0) for p in changed}
            if not changed and homes is None:
                return 0
            self.reports.save_inputs(year, changed, versions, homes)
            return len(changed) + (1 if homes is not None else 0)

        fields = [
            FieldSpec("homes", f"Homes owned in {year_label(year)} (for CH01)",
                      default=f"{current.homes}" if current.homes else "", placeholder="e.g. 5035",
                      help="the homes you owned at the year end, as reported to the Regulator"),
        ]
        for part, code, title in TEXT_PARTS:
            fields.append(FieldSpec(part, f"{code} {title}", "long", default=current.texts.get(part, "")))
        spec = FormSpec(
            title=f"Entered parts of the {year_label(year)} report",
            intro="Blank lines separate paragraphs. Another handler's newer text is never overwritten.",
            fields=fields,
            submit=submit,
            today=lambda: self.app.services.today,
            done_message=lambda n: "Nothing changed" if not n else f"Saved {n} change{'s' if n != 1 else ''}",
        )

        def finished(result) -> None:
            if result is None:
                return
            self.app.notify(spec.done_message(result), timeout=5, markup=False)
            self.refresh_data()

        self.app.push_screen(StepForm(spec), finished)

    def action_export(self) -> None:
        if self.report is None:
            return
        report = self.report

        def target(values: dict[str, Any]) -> tuple[str, Path]:
            fmt = values.get("format") or "html"
            raw = (values.get("path") or "").strip() or default_filename(report, fmt).rsplit(".", 1)[0]
            path = Path(raw).expanduser()
            if not path.suffix:
                path = path.with_name(f"{path.name}.{fmt}")
            if not path.is_absolute():
                path = Path.cwd() / path
            return fmt, path

        def preview(values: dict[str, Any]) -> str:
            fmt, path = target(values)
            return f"Writes {path}"

        def submit(values: dict[str, Any]):
            fmt, path = target(values)
            if fmt not in FORMATS:
                raise StepRefused("choose a format", "format")
            if not path.parent.is_dir():
                raise StepRefused(f"there is no folder {path.parent}", "path")
            try:
                return self.reports.export(report.year, fmt, path, report=report)
            except OSError as exc:
                raise StepRefused(f"could not write {path}: {exc.strerror or exc}", "path") from None

        spec = FormSpec(
            title=f"Export the {report.label} report",
            fields=[
                FieldSpec("format", "Format", "choice", default="html",
                          choices=[("HTML, with charts (publish on the website)", "html"),
                                   ("Word .docx, with charts (for the board pack)", "docx"),
                                   ("Markdown", "md"), ("JSON, every figure (for other tools)", "json")]),
                FieldSpec("path", "File", default=default_filename(report, "html").rsplit(".", 1)[0],
                          help="a name without a suffix gets the format's; a relative path is from the folder chc started in"),
            ],
            submit=submit,
            preview=preview,
            today=lambda: self.app.services.today,
            done_message=lambda path: f"Written {path}",
        )

        def finished(result) -> None:
            if result is not None:
                self.app.notify(spec.done_message(result), timeout=8, markup=False)

        self.app.push_screen(StepForm(spec), finished)
