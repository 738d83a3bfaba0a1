"""The annual complaints performance and service improvement report (Code 8.1, 8.2) and
the Tenant Satisfaction Measures CH01 and CH02, for one financial year.

A financial year is named by the year it starts: 2024 is 1 April 2024 to 31 March 2025,
so a complaint received on 31 March 2025 belongs to 2024 and one received on 1 April 2025
to 2025. `compute` is pure: plain rows in (store.report_queries), figures out. Every
figure carries a stable dotted key (its place in the JSON export), what was counted, and
the complaints behind it, so a board member can check any number back to the records.

How a response is judged (DESIGN.md, "Timeliness, as boards and the Regulator count it"):

- within target: sent on or before the response deadline fixed at acknowledgement
  (Code 6.3, 6.14), before any extension;
- within an agreed extension: late against that target, but sent on or before the last
  extended deadline, and every extension on the stage was agreed in line with the Code
  (chc_tui.rules.extension_standard: decided and told by the deadline it replaced, within
  the limit or with a good reason, the Ombudsman's details given);
- late: extension not in line with the Code: sent by the last extended deadline, but an
  extension fell short of the Code;
- out of target: everything else.

CH02 counts the first two as "within the Code's timescales".
"""

from __future__ import annotations

import json
import functools
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from operator import attrgetter, itemgetter
from importlib import resources
from typing import Any, Callable, Iterable, Mapping, Sequence

from chc_tui.figures.figure_items import Item, Items, first_reference, references
from chc_tui.rules import financial_year
from chc_tui.rules.calendar import WorkingCalendar
from chc_tui.rules.deadlines import is_overdue
from chc_tui.rules.domain import Decision, ExclusionReason
from chc_tui.rules.interpretations import INTERPRETATIONS
from chc_tui.rules.extension_standard import extension_shortfalls, in_line_with_code
from chc_tui.rules.measures import (Acknowledgement, Timeliness, acknowledged_late, extension_counted_on,
                                     judge_acknowledgement, judge_response, response_target)
from chc_tui.rules.policy import CODE_2024, CodePolicy, StageTimescales
from chc_tui.rules.tenure import DEFAULT_STOCK_TYPES, NOT_KNOWN_KEY, NOT_KNOWN_LABEL, STOCK_TYPE_LABELS
from store.wider_record_report_queries import (
    WiderRecordFacts, FindingFacts, LessonFacts, OrderFacts, RemedyFacts, ThemeFacts,
)
from store.report_queries import (AnswerFacts, ExtensionFacts, ReceivedFacts, RefusalFacts, StageFacts, TextFacts,
                                  WithdrawalFacts)

STAGES = (1, 2)
MONTHS = financial_year.MONTHS
COMPARE_YEARS = 2  # previous years shown beside the year's monthly volumes
HOMES_KEY = "homes_owned:{year}"

# --- financial years: chc_tui.rules.financial_year, under the names this module has always had --

year_bounds = financial_year.bounds
year_of = financial_year.year_of
year_label = financial_year.label
month_index = financial_year.month_index
month_bounds = financial_year.month_bounds
month_label = financial_year.month_label


def homes_key(year: int, stock_type: str | None = None) -> str:
    """The setting of the year's homes owned: in total, or of one stock type (issue 18.6)."""
    key = HOMES_KEY.format(year=year)
    return f"{key}:{stock_type}" if stock_type else key


# --- rounding, as the published reports do -----------------------------------------------


def _half_up(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def pct(part: int, whole: int) -> float | None:
    """Exact percentage (for JSON), None when there is nothing to divide by."""
    return None if not whole else part * 100 / whole


def pct_text(part: int, whole: int) -> str:
    """A percentage as the boards print it: whole numbers, half up (33/36 -> 92%)."""
    if not whole:
        return "n/a"
    return f"{_half_up(Decimal(part) * 100 / Decimal(whole), 0)}%"


def per_thousand(count: int, homes: int | None) -> float | None:
    """CH01: count per 1,000 homes to 2 decimal places, half up (36 at 5,035 -> 7.15)."""
    if not homes:
        return None
    return float(_half_up(Decimal(count) * 1000 / Decimal(homes), 2))


def money_text(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


@functools.lru_cache(maxsize=16384)
def _d(day: date | None) -> str:
    # Cached: a year's report formats some 200,000 dates, of only a few thousand days.
    return "" if day is None else f"{day.day:02d}/{day.month:02d}/{day.year}"


# --- money in remedy text --------------------------------------------------------------------

_POUNDS = re.compile(r"£\s?(\d{1,3}(?:,\d{3})+|\d+)(\.\d{1,2})?")


def parse_amounts(text: str) -> list[Decimal]:
    """Every £ amount written in a remedy ("£250 compensation", "a further £25", "£1,350.50").

    Used only to keep the amounts when personal words are removed; the report's remedy
    figures come from the remedy records, never from this reading of free text.
    """
    amounts = []
    for whole, pence in _POUNDS.findall(text or ""):
        amounts.append(Decimal(whole.replace(",", "") + (pence or "")))
    return amounts


# --- the self-assessment's provisions ------------------------------------------------------

SECTION_TITLES = {  # the Code's section headings, used when provisions.json is not there
    1: "Definition of a complaint",
    2: "Exclusions",
    3: "Accessibility and awareness",
    4: "Complaint handling staff",
    5: "The complaint handling process",
    6: "Complaint stages",
    7: "Putting things right",
    8: "Self-assessment, reporting and compliance",
    9: "Scrutiny and oversight: continuous learning and improvement",
}


def load_provisions() -> list[dict[str, Any]] | None:
    """The Code's provisions from chc_tui/data/provisions.json, or None if not shipped."""
    try:
        raw = resources.files("chc_tui").joinpath("data", "provisions.json").read_text(encoding="utf-8")
        rows = json.loads(raw)
        return [
            {"provision": str(r["provision"]), "section": int(r["section"]),
             "section_title": str(r.get("section_title", "")), "text": str(r.get("text", ""))}
            for r in rows
        ]
    except (FileNotFoundError, OSError, ValueError, KeyError, TypeError):
        return None


def _section_of(provision: str) -> int | None:
    head = provision.split(".", 1)[0]
    return int(head) if head.isdigit() else None


def _provision_key(provision: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in provision.split("."))


# --- inputs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportInputs:
    """Everything the report reads, as plain rows."""

    year: int
    today: date
    stages: Sequence[StageFacts]
    refusals: Sequence[RefusalFacts]  # refused in the year
    withdrawals: Sequence[WithdrawalFacts]  # withdrawn in the year
    earliest_received: date | None
    homes_owned: int | None
    answers: Sequence[AnswerFacts] = ()
    stock_types: tuple[str, ...] = DEFAULT_STOCK_TYPES  # the landlord's TSM stock types (issue 18.6)
    homes_by_type: dict[str, int | None] = field(default_factory=dict)  # each type's homes, as entered
    texts: dict[str, TextFacts] = field(default_factory=dict)
    provisions: Sequence[dict[str, Any]] | None = None
    around: WiderRecordFacts = field(default_factory=WiderRecordFacts)  # remedies, actions, requests, Ombudsman, lessons
    # The stages opened in each earlier year of the window, read apart (gather): then
    # `stages` leaves out those settled before the year. None: `stages` is the whole window.
    earlier: Mapping[int, Sequence[ReceivedFacts]] | None = None


def gather(session, year: int, today: date,
           received: Callable[[int], Sequence[ReceivedFacts]] | None = None) -> tuple[ReportInputs, WorkingCalendar]:
    """Read a year's inputs and the landlord's calendar in one read session; each earlier
    year's stages from `received` (a year's, kept between reports: ReportService) or read."""
    from chc_tui.steps.settings import get_setting, load_calendar, stock_types
    from store import report_queries as q
    from store.wider_record_report_queries import around_facts

    start, end = year_bounds(year)
    window_start = year_bounds(year - COMPARE_YEARS)[0]
    if received is None:
        def received(earlier: int) -> Sequence[ReceivedFacts]:
            return q.received_between(session, *year_bounds(earlier))
    homes = get_setting(session, homes_key(year))
    types = stock_types(session)
    inputs = ReportInputs(
        year=year,
        today=today,
        stages=q.report_stages(session, window_start, end, start, settled_before=min(start, today)),
        refusals=q.refusals_between(session, start, end),
        withdrawals=q.withdrawals_between(session, start, end),
        earliest_received=q.earliest_received(session),
        homes_owned=int(homes) if homes else None,
        stock_types=types,
        homes_by_type={t: get_setting(session, homes_key(year, t)) for t in types},
        answers=q.assessment_answers(session, year),
        texts=q.report_texts(session, year),
        provisions=load_provisions(),
        around=around_facts(session, start, end),
        earlier={earlier: received(earlier) for earlier in range(year - COMPARE_YEARS, year)},
    )
    return inputs, load_calendar(session)


# --- the result ----------------------------------------------------------------------------------



@dataclass(frozen=True)
class Figure:
    """One number of the report."""

    path: tuple[str, ...]  # place in the JSON export; ".".join(path) is its stable key
    label: str
    value: int | float | None
    kind: str = "count"  # count | pct | rate | days | money | homes
    of: int | None = None  # for a count that is part of a whole: the whole (JSON adds _pct)
    note: str = ""  # what was counted, and what was left out and why
    items: Sequence[Item] = ()  # the records behind it: a tuple, or Items (texts made when first read)
    items_are_complaints: bool = True  # False: items are Code provisions

    @property
    def key(self) -> str:
        return ".".join(self.path)

    def references(self) -> list[str]:
        """The references of the records behind it, without making their texts."""
        return references(self.items)

    @property
    def share(self) -> float | None:
        """Exact percentage of `of`, when this count is part of a whole."""
        return None if self.of is None else pct(int(self.value or 0), self.of)

    @property
    def text(self) -> str:
        """How the figure reads in a report."""
        if self.value is None:
            return "n/a"
        if self.kind == "pct":
            return f"{_half_up(Decimal(str(self.value)), 0)}%"
        if self.kind == "rate":
            return f"{self.value:.2f}"
        if self.kind == "days":
            return f"{self.value:.1f}"
        if self.kind == "money":
            return money_text(Decimal(str(self.value)))
        if self.kind == "homes":
            return f"{int(self.value):,}"
        if self.of is not None:
            return f"{self.value} ({pct_text(int(self.value), self.of)})"
        return str(self.value)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    part: str  # which part of Code 8.1 it answers
    figures: list[Figure]
    notes: tuple[str, ...] = ()  # said beside the figures, e.g. "No remedies recorded in 2024/25."


@dataclass(frozen=True)
class NoAnswer:
    """A self-assessment row answered 'No', in full."""

    provision: str
    section: int | None
    text: str
    evidence: str
    commentary: str


@dataclass(frozen=True)
class EnteredText:
    part: str
    code: str  # "8.1(c)" ...
    title: str
    text: str
    version: int  # 0 when nothing has been entered yet
    changed_by: str
    changed_at: str


TEXT_PARTS: tuple[tuple[str, str, str], ...] = (
    ("ombudsman_findings", "8.1(c)", "Findings of non-compliance with the Code by the Ombudsman"),
    ("service_improvements", "8.1(d)", "Service improvements made as a result of learning from complaints"),
    ("ombudsman_annual_report", "8.1(e)", "The Ombudsman's annual report about our performance"),
    ("ombudsman_other_reports", "8.1(f)", "Other relevant reports or publications by the Ombudsman about our work"),
    ("governing_body_response", "8.2", "The governing body's response to this report"),
)
TEXT_PART_NAMES = tuple(p for p, _, _ in TEXT_PARTS)


@dataclass(frozen=True)
class MonthlySeries:
    year: int
    label: str
    partial: bool  # the records start part-way through this year
    stage1: tuple[int, ...]
    stage2: tuple[int, ...]


@dataclass
class AnnualReport:
    year: int
    label: str
    start: date
    end: date
    cutoff: date  # the year end, or today while the year is still running
    generated_on: date
    complete: bool
    policy_name: str
    homes_owned: int | None
    sections: list[Section]
    months: list[MonthlySeries]  # the year first, then earlier years that the records reach
    no_answers: list[NoAnswer]
    provisions_source: str
    texts: list[EnteredText]
    empty: bool  # no complaint activity at all in the year
    records_start: date | None = None  # the first complaint received on record
    stock_types: tuple[str, ...] = ()  # the stock types the TSM figures are given for (tsm.CH01.LCRA...)
    # per handler and team (figures.performance_by_person), set only when the landlord's
    # setting report.show_staff_figures is on: the exported report's appendix (issue 20.2)
    staff_figures: Any = None
    # the same report for the year before, for the board's summary (figures.report_summary);
    # set by ReportService.report(year, with_year_before=True)
    year_before: "AnnualReport | None" = None

    def figures(self) -> Iterable[Figure]:
        for section in self.sections:
            yield from section.figures

    def figure(self, key: str) -> Figure:
        for figure in self.figures():
            if figure.key == key:
                return figure
        raise KeyError(key)

    def value(self, key: str):
        return self.figure(key).value

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


# --- judging one response --------------------------------------------------------------------


# Timeliness, the response target and the judgement are the figures' one definition,
# shared with the self-assessment (chc_tui.rules.measures).
target_due = response_target


# --- computing ---------------------------------------------------------------------------------


def _in(day: date | None, start: date, end: date) -> bool:
    return day is not None and start <= day <= end


def _mean(values: list[int]) -> float | None:
    return float(_half_up(Decimal(sum(values)) / Decimal(len(values)), 1)) if values else None


def _median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def _grouped(rows: Iterable[Any], key: Callable[[Any], Any]) -> dict[Any, list[Any]]:
    """The rows by `key`, each group in the rows' order: one pass, where a pass over all the
    rows for each group (category, timeliness, theme) grew with the groups times the rows."""
    groups: dict[Any, list[Any]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return groups


def received_item(stage: StageFacts | ReceivedFacts) -> Item:
    what = "received" if stage.stage == 1 else "escalation requested"
    return stage.reference, f"stage {stage.stage} {what} {_d(stage.opened_on)} · {stage.category} · {stage.status}"


# --- what each record listed under a figure says: made when a list is first read (figure_items) ---


def _judged_item(row: tuple[StageFacts, Timeliness, str]) -> Item:
    s, t, why = row
    return s.reference, f"{t.label}: {why}"


def _why_item(row: tuple[StageFacts, Timeliness, str]) -> Item:
    return row[0].reference, row[2]


def _after_late_item(row: tuple[StageFacts, Timeliness, str]) -> Item:
    s, _, why = row
    return s.reference, f"acknowledged {_d(s.acknowledged_on)}, {_d(s.acknowledge_due)} was the deadline; {why}"


def _awaiting_item(cutoff: date, s: StageFacts) -> Item:
    return s.reference, f"awaiting a response on {_d(cutoff)} (stage opened {_d(s.opened_on)})"


def _withdrawn_unanswered_item(s: StageFacts) -> Item:
    return s.reference, f"withdrawn {_d(s.withdrawn_on)} before a response"


def _withdrawn_item(s: StageFacts) -> Item:
    return s.reference, f"withdrawn {_d(s.withdrawn_on)}"


def _refused_item(s: StageFacts) -> Item:
    return s.reference, f"refused {_d(s.refused_on)}"


def _decided_item(label: str, s: StageFacts) -> Item:
    return s.reference, f"{label}, sent {_d(s.responded_on)}"


def _bare_item(s: StageFacts) -> Item:
    return s.reference, ""


# The working days and the acknowledgement's judgement are counted again for a list read,
# rather than kept beside each stage in a pair: 120,000 fewer objects for the collector at 300k.
def _ack_days_item(calendar: WorkingCalendar, s: StageFacts) -> Item:
    days = calendar.working_days_between(s.opened_on, s.acknowledged_on)
    return s.reference, f"{days} wd: {_d(s.opened_on)} -> {_d(s.acknowledged_on)}"


def _resp_days_item(calendar: WorkingCalendar, s: StageFacts) -> Item:
    days = calendar.working_days_between(s.acknowledged_on, s.responded_on)
    return s.reference, f"{days} wd: {_d(s.acknowledged_on)} -> {_d(s.responded_on)}"


def _ack_judged_item(today: date, s: StageFacts) -> Item:
    j = judge_acknowledgement(s, today)
    return s.reference, (f"{j.value.replace('_', ' ')}: deadline {_d(s.acknowledge_due)}, "
                         f"acknowledged {_d(s.acknowledged_on) or 'not yet'}")


def _answered_escalated_item(s: StageFacts) -> Item:
    return s.reference, f"answered {_d(s.responded_on)}, escalation requested {_d(s.escalated_on)}"


def _escalated_item(s: StageFacts) -> Item:
    return s.reference, f"escalation requested {_d(s.escalated_on)}"


RECEIVED_WHAT = {1: "stage 1 complaints received", 2: "stage 2 escalation requests received"}


@dataclass
class _Year:
    """The year's stages, sorted once into what the sections count (one pass each over the rows)."""

    inputs: ReportInputs
    calendar: WorkingCalendar
    policy: CodePolicy
    year: int
    start: date
    end: date
    cutoff: date  # the year end, or today while the year is still running
    label: str
    period: str
    homes: int | None
    by_stage: dict[int, list[StageFacts]]
    received: dict[int, list[StageFacts]]  # opened (received, or escalation requested) in the year
    answered: dict[int, list[StageFacts]]  # response sent in the year
    judged: dict[int, list[tuple[StageFacts, Timeliness, str]]]  # the answered, each judged (Code 6.3-6.4, 6.14-6.15)
    withdrawn: dict[int, list[StageFacts]]  # withdrawn in the year before a response
    refused: dict[int, list[StageFacts]]  # refused in the year
    awaiting: dict[int, list[StageFacts]]  # awaiting a response at the cut-off
    by_year: dict[tuple[int, int], Sequence[StageFacts | ReceivedFacts]]  # (stage, financial year opened) -> the window's stages
    received_item: _ReceivedItems = field(default_factory=lambda: _ReceivedItems())


class _ReceivedItems:
    """A stage's line under the figures counting it as received: a stage is listed under
    several, so its line is made once, when a list is first read, and shared (a year
    counted apart pickles every line: chc_tui.figures.count_apart)."""

    def __init__(self) -> None:
        self.made: dict[int, Item] = {}

    def __call__(self, stage: StageFacts | ReceivedFacts) -> Item:
        found = self.made.get(stage.stage_id)
        if found is None:
            found = self.made[stage.stage_id] = received_item(stage)
        return found


def _by_month(stages: Sequence[StageFacts | ReceivedFacts]) -> list[list[StageFacts | ReceivedFacts]]:
    months: list[list[StageFacts | ReceivedFacts]] = [[] for _ in MONTHS]
    for stage in stages:
        months[month_index(stage.opened_on)].append(stage)
    return months


def _sort_year(inputs: ReportInputs, calendar: WorkingCalendar, policy: CodePolicy) -> _Year:
    """One pass over the window's stages, each put in every list it counts in (in the
    window's order), rather than a pass over all of them for each list."""
    year = inputs.year
    start, end = year_bounds(year)
    cutoff = min(end, inputs.today)
    by_stage: dict[int, list[StageFacts]] = {n: [] for n in STAGES}
    received: dict[int, list[StageFacts]] = {n: [] for n in STAGES}
    answered: dict[int, list[StageFacts]] = {n: [] for n in STAGES}
    withdrawn: dict[int, list[StageFacts]] = {n: [] for n in STAGES}
    refused: dict[int, list[StageFacts]] = {n: [] for n in STAGES}
    awaiting: dict[int, list[StageFacts]] = {n: [] for n in STAGES}
    by_year: dict[tuple[int, int], list[StageFacts | ReceivedFacts]] = {}
    for s in inputs.stages:
        n = s.stage
        if n not in by_stage:
            continue
        by_stage[n].append(s)
        by_year.setdefault((n, year_of(s.opened_on)), []).append(s)
        if start <= s.opened_on <= end:
            received[n].append(s)
        if _in(s.responded_on, start, end):
            answered[n].append(s)
        if _in(s.withdrawn_on, start, end) and s.responded_on is None:
            withdrawn[n].append(s)  # withdrawn in the year before a response
        if _in(s.refused_on, start, end):
            refused[n].append(s)
        if _awaits_response(s, cutoff):
            awaiting[n].append(s)
    for earlier, opened in (inputs.earlier or {}).items():  # every stage opened in the year, settled or not
        for n in STAGES:
            by_year[(n, earlier)] = [s for s in opened if s.stage == n]
    judged = {n: [(s, *judge_response(s, calendar, policy)) for s in answered[n]] for n in STAGES}
    return _Year(inputs, calendar, policy, year, start, end, cutoff, year_label(year), f"{_d(start)} to {_d(end)}",
                 tsm_homes(inputs)[0], by_stage, received, answered, judged, withdrawn, refused, awaiting, by_year)


def _awaits_response(s: StageFacts, cutoff: date) -> bool:
    """Opened by the cut-off and, on it, neither answered, withdrawn nor refused."""
    return (
        s.opened_on <= cutoff
        and (s.responded_on is None or s.responded_on > cutoff)
        and not (s.withdrawn_on and s.withdrawn_on <= cutoff)
        and not (s.refused_on and s.refused_on <= cutoff)
    )


def tsm_homes(inputs: ReportInputs) -> tuple[int | None, dict[str, tuple[int | None, str]]]:
    """The homes CH01 divides by: in total, and for each of the landlord's stock types with
    where the figure came from (issue 18.6).

    - a stock type's homes: its own figure (`homes_owned:{year}:LCRA`); else, when it is
      the landlord's only stock type, the total (all the homes are of that type);
    - the total: the figure entered for the year (`homes_owned:{year}`); else, when every
      stock type has its own figure, their sum."""
    year, types = inputs.year, tuple(inputs.stock_types) or DEFAULT_STOCK_TYPES
    entered = {t: int(h) if h else None for t, h in inputs.homes_by_type.items()}
    total = inputs.homes_owned
    if not total and types and all(entered.get(t) for t in types):
        total = sum(entered[t] or 0 for t in types)
    per_type: dict[str, tuple[int | None, str]] = {}
    for t in types:
        if entered.get(t):
            per_type[t] = entered[t], f"homes_owned:{year}:{t} setting"
        elif len(types) == 1 and inputs.homes_owned:
            per_type[t] = inputs.homes_owned, f"homes_owned:{year} setting: {t} is the landlord's only stock type"
        else:
            per_type[t] = None, (f"not set for {year_label(year)}: chc settings set homes-owned {year} N --type {t}, "
                                 f"so CH01 for {t} can be counted")
    return total, per_type


def _ch01_figures(y: _Year, path: tuple[str, ...], received: dict[int, list[StageFacts]], homes: int | None,
                  homes_note: str, scope: str = "") -> list[Figure]:
    """CH01 for these stages received in the year: per 1,000 `homes`, and the count.
    `scope` (" (LCRA)") names a stock type's figures; "" is the landlord's total."""
    inputs, period, what = y.inputs, y.period, RECEIVED_WHAT
    figures = [Figure((*path, "homes_owned"), f"Homes owned{scope or ' (setting for the year)'}", homes, "homes",
                      note=homes_note)]
    for n in STAGES:
        count = len(received[n])
        statuses = Counter(s.status for s in received[n])
        note = (
            f"{count} {what[n]}{_whose(scope)} {period}"
            + (f" ÷ {homes:,}{scope and ' ' + scope.strip(' ()')} homes × 1,000" if homes else " ÷ homes owned (not set)")
            + f". Counted by the date {'received' if n == 1 else 'escalation was requested'}; every one "
            f"received is counted, whatever happened next (as on {_d(inputs.today)}: {statuses.get('open', 0)} open, "
            f"{statuses.get('closed', 0)} closed, {statuses.get('withdrawn', 0)} withdrawn, "
            f"{statuses.get('refused', 0)} refused)."
        )
        items = Items(received[n], y.received_item)
        figures.append(Figure((*path, f"stage{n}_per_1000_homes"),
                              f"CH01 stage {n} complaints per 1,000 homes{scope}", per_thousand(count, homes), "rate",
                              note=note, items=items))
        figures.append(Figure((*path, f"stage{n}_received"), f"CH01 stage {n} complaints received{scope}", count,
                              note=note, items=items))
    return figures


def _whose(scope: str) -> str:
    return f" from residents of {scope.strip(' ()')} homes" if scope else ""


def _ch02_figures(y: _Year, path: tuple[str, ...], n: int,
                  rows: list[tuple[StageFacts, Timeliness, str]], left_out: str, scope: str = "") -> list[Figure]:
    """CH02 for these stage `n` responses sent in the year: the share within the Code's
    timescales, the count, and each kind of timeliness."""
    policy, period = y.policy, y.period
    total = len(rows)
    counts = Counter(t for _, t, _ in rows)
    within = counts[Timeliness.WITHIN_TARGET] + counts[Timeliness.WITHIN_EXTENSION]
    limit = policy.for_stage(n)
    note = (
        f"{within} of {total} stage {n} responses{_whose(scope)} sent {period} were within the Code's timescales "
        f"({limit.respond_days} working days from acknowledgement, Code {limit.respond_provision}), counting "
        f"{counts[Timeliness.WITHIN_EXTENSION]} sent within an agreed extension that kept to the Code "
        f"(at most {limit.max_extension_days} more working days, or a good reason recorded, "
        f"Code {limit.extension_provision}). Within target alone: {counts[Timeliness.WITHIN_TARGET]} of {total} "
        f"({pct_text(counts[Timeliness.WITHIN_TARGET], total)}). Late because an extension was not in line "
        f"with the Code (decided or told after the deadline it replaced, past the limit with no good reason, "
        f"or no Ombudsman details): {counts[Timeliness.LATE_EXTENSION_NOT_IN_LINE]}. " + left_out
    )
    items = Items(rows, _judged_item, first_reference)
    by_timeliness = _grouped(rows, itemgetter(1))
    figures = [
        Figure((*path, f"stage{n}_within_timescale_pct"),
               f"CH02 stage {n} responses within Code timescales{scope}", pct(within, total), "pct",
               note=note, items=items),
        Figure((*path, f"stage{n}_responses"), f"CH02 stage {n} responses sent in the year{scope}",
               total, note=note, items=items),
    ]
    for t in Timeliness:
        figures.append(Figure((*path, f"stage{n}_{t.value}"), f"CH02 stage {n} {t.label}{scope}",
                              counts[t], of=total, note=note,
                              items=Items(by_timeliness.get(t, ()), _why_item, first_reference)))
    after_late = [row for row in rows if row[1] is Timeliness.WITHIN_TARGET and acknowledged_late(row[0])]
    figures.append(Figure((*path, f"stage{n}_within_target_after_late_acknowledgement"),
                          f"CH02 stage {n} within target, after a late acknowledgement{scope}", len(after_late),
                          of=counts[Timeliness.WITHIN_TARGET],
                          note=f"of the {counts[Timeliness.WITHIN_TARGET]} stage {n} responses within target, those "
                               f"whose acknowledgement was itself late (Code {limit.acknowledge_provision}): the "
                               f"response clock runs from the acknowledgement (Code {limit.respond_provision}), "
                               f"so a late acknowledgement gives a later target",
                          items=Items(after_late, _after_late_item, first_reference)))
    return figures


def _tsm_by_stock_type(y: _Year) -> list[Figure]:
    """CH01 and CH02 for each of the landlord's stock types (seed 002: "each 1,000 homes of
    the relevant stock type"), by the resident's tenure; then the complaints whose tenure
    is not known, counted in the total only (`tsm.CH01.tenure_not_known...`)."""
    _total, per_type = tsm_homes(y.inputs)
    known = set(per_type)

    only = next(iter(known)) if len(known) == 1 else ""

    def tenure_of(stage: StageFacts) -> str:
        # A landlord with one stock type has every home in it: a tenure not recorded is that one.
        if stage.tenure in known:
            return stage.tenure
        return "" if stage.tenure else only

    figures: list[Figure] = []
    for t, (homes, homes_note) in per_type.items():
        scope = f" ({t})"
        received = {n: [s for s in y.received[n] if tenure_of(s) == t] for n in STAGES}
        figures += _ch01_figures(y, ("tsm", "CH01", t), received, homes,
                                 f"{STOCK_TYPE_LABELS[t]}: {homes_note}", scope)
        for n in STAGES:
            rows = [row for row in y.judged[n] if tenure_of(row[0]) == t]
            figures += _ch02_figures(y, ("tsm", "CH02", t), n, rows,
                                     f"Only responses to residents whose tenure is {t}.", scope)
    unknown_note = (f"Counted in the total but in no stock type's figures: the resident's tenure is not recorded "
                    f"(set it on the resident, or chc complaint tenure REF {'|'.join(per_type)}).")
    for n in STAGES:
        received = [s for s in y.received[n] if not tenure_of(s)]
        figures.append(Figure(("tsm", "CH01", NOT_KNOWN_KEY, f"stage{n}_received"),
                              f"CH01 stage {n} complaints received, {NOT_KNOWN_LABEL}", len(received),
                              note=unknown_note, items=Items(received, y.received_item)))
    for n in STAGES:
        rows = [(s, t, why) for s, t, why in y.judged[n] if not tenure_of(s)]
        figures.append(Figure(("tsm", "CH02", NOT_KNOWN_KEY, f"stage{n}_responses"),
                              f"CH02 stage {n} responses sent in the year, {NOT_KNOWN_LABEL}", len(rows),
                              note=unknown_note, items=Items(rows, _judged_item, first_reference)))
    return figures


def _tsm_section(y: _Year) -> Section:
    """TSM CH01 (complaints per 1,000 homes) and CH02 (responses within the Code's timescales),
    in total (the keys `tsm.CH01.stage1_per_1000_homes` ...) and then per stock type."""
    year, cutoff, label = y.year, y.cutoff, y.label
    homes, withdrawn, refused, awaiting = y.homes, y.withdrawn, y.refused, y.awaiting
    homes_note = (f"homes_owned:{year} setting" if y.inputs.homes_owned else
                  f"the sum of the stock types' homes ({', '.join(y.inputs.stock_types)})" if homes else
                  f"not set for {label}: enter it with t on the report screen, so CH01 can be counted")
    tsm: list[Figure] = _ch01_figures(y, ("tsm", "CH01"), y.received, homes, homes_note)
    for n in STAGES:
        left_out = (
            f"Not counted, because no response was sent in the year: {len(awaiting[n])} awaiting a response "
            f"on {_d(cutoff)} (counted in the year they are answered), {len(withdrawn[n])} withdrawn and "
            f"{len(refused[n])} refused in the year."
        )
        tsm += _ch02_figures(y, ("tsm", "CH02"), n, y.judged[n], left_out)
        not_counted = (Items(awaiting[n], functools.partial(_awaiting_item, cutoff))
                       + Items(withdrawn[n], _withdrawn_unanswered_item) + Items(refused[n], _refused_item))
        tsm.append(Figure(("tsm", "CH02", f"stage{n}_not_counted"), f"CH02 stage {n} not counted (no response sent)",
                          len(not_counted), note=left_out, items=not_counted))
    tsm += _tsm_by_stock_type(y)
    return Section("tsm", f"Tenant Satisfaction Measures {label}", "TSM CH01, CH02", tsm)


def _received_section(y: _Year, months: list[MonthlySeries]) -> Section:
    """Code 8.1(b): complaints received, by stage and month, beside the previous years."""
    year, period, received, what = y.year, y.period, y.received, RECEIVED_WHAT
    rec: list[Figure] = []
    for n in STAGES:
        rec.append(Figure(("received", f"stage{n}", "total"), f"Stage {n} {'complaints received' if n == 1 else 'escalations requested'}",
                          len(received[n]), note=f"{what[n]} {period}",
                          items=Items(received[n], y.received_item)))
    received_by_month = {n: _by_month(received[n]) for n in STAGES}
    for i, name in enumerate(MONTHS):
        for n in STAGES:
            in_month = received_by_month[n][i]
            rec.append(Figure(("received", f"stage{n}", "by_month", name), f"{month_label(year, i)} stage {n}",
                              len(in_month), note=f"{what[n]} in {month_label(year, i)}",
                              items=Items(in_month, y.received_item)))
    for series in months[1:]:
        for n in STAGES:
            values = series.stage1 if n == 1 else series.stage2
            prior = y.by_year.get((n, series.year), [])
            rec.append(Figure(("received", "previous_years", str(series.year), f"stage{n}", "total"),
                              f"{series.label} stage {n} received{' (records start part-way)' if series.partial else ''}",
                              sum(values), note=f"{what[n]} in {series.label}",
                              items=Items(prior, y.received_item)))
            prior_by_month = _by_month(prior)
            for i, name in enumerate(MONTHS):
                rec.append(Figure(("received", "previous_years", str(series.year), f"stage{n}", "by_month", name),
                                  f"{month_label(series.year, i)} stage {n}", values[i],
                                  items=Items(prior_by_month[i], y.received_item)))
    return Section("received", "Complaints received", "8.1(b)", rec)


def _category_section(y: _Year) -> Section:
    """Code 8.1(b): complaints received, by category."""
    period, received, what = y.period, y.received, RECEIVED_WHAT
    cat: list[Figure] = []
    for n in STAGES:
        by_category = _grouped(received[n], lambda s: s.category or "(none)")
        for name, chosen in sorted(by_category.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            cat.append(Figure(("by_category", f"stage{n}", name), f"Stage {n}: {name}", len(chosen), of=len(received[n]),
                              note=f"{what[n]} {period} in the category {name}",
                              items=Items(chosen, y.received_item)))
    return Section("by_category", "Complaints by category", "8.1(b)", cat)


def _outcomes_section(y: _Year) -> Section:
    """Code 8.1(b): the year's decisions, withdrawals and refusals."""
    cutoff, period, answered, withdrawn, refused = y.cutoff, y.period, y.answered, y.withdrawn, y.refused
    awaiting = y.awaiting
    out: list[Figure] = []
    for n in STAGES:
        by_decision = _grouped(answered[n], attrgetter("decision"))
        decided = {d: by_decision.get(d, []) for d in Decision}
        total = len(answered[n]) + len(withdrawn[n]) + len(refused[n])
        note = (
            f"stage {n} decisions in the year: responses sent, withdrawals before a response, and refusals "
            f"{period}; {len(awaiting[n])} awaiting a response on {_d(cutoff)} have no outcome yet"
        )
        for d in Decision:
            out.append(Figure(("outcomes", f"stage{n}", d.value), f"Stage {n} {d.label}", len(decided[d]), of=total,
                              note=note, items=Items(decided[d], functools.partial(_decided_item, d.label))))
        out.append(Figure(("outcomes", f"stage{n}", "withdrawn"), f"Stage {n} withdrawn", len(withdrawn[n]), of=total,
                          note=note, items=Items(withdrawn[n], _withdrawn_item)))
        out.append(Figure(("outcomes", f"stage{n}", "refused"), f"Stage {n} refused (not taken on)", len(refused[n]), of=total,
                          note=note, items=Items(refused[n], _refused_item)))
        out.append(Figure(("outcomes", f"stage{n}", "total"), f"Stage {n} outcomes in the year", total, note=note,
                          items=Items(answered[n] + withdrawn[n] + refused[n], _bare_item)))
    return Section("outcomes", "Outcomes", "8.1(b)", out)


def _timeliness_section(y: _Year, tsm: Section) -> Section:
    """Code 8.1(b): responses within target, within an agreed extension, out of target."""
    judged = y.judged
    tim: list[Figure] = []
    for n in STAGES:
        rows = judged[n]
        note = next(f.note for f in tsm.figures if f.key == f"tsm.CH02.stage{n}_responses")
        tim.append(Figure(("timeliness", f"stage{n}", "responses"), f"Stage {n} responses sent", len(rows), note=note,
                          items=Items(rows, _judged_item, first_reference)))
        by_timeliness = _grouped(rows, itemgetter(1))
        for t in Timeliness:
            chosen = by_timeliness.get(t, [])
            tim.append(Figure(("timeliness", f"stage{n}", t.value), f"Stage {n} {t.label}",
                              len(chosen), of=len(rows), note=note,
                              items=Items(chosen, _why_item, first_reference)))
    return Section("timeliness", "Timeliness of responses", "8.1(b)", tim)


def _extensions_section(y: _Year) -> Section:
    """Code 8.1(b): extensions decided in the year, against the limit of Code 6.4 and 6.15."""
    policy, start, end, period, by_stage = y.policy, y.start, y.end, y.period, y.by_stage
    ext: list[Figure] = []
    for n in STAGES:
        rules = policy.for_stage(n)
        decided_ext = [(s, e) for s in by_stage[n] for e in s.extensions if _in(extension_counted_on(e), start, end)]
        groups = {
            "count": ("extensions decided", lambda e: True),
            "within_limit": (f"within the Code's limit ({rules.max_extension_days} wd)",
                             lambda e: rules.within_extension_limit(e.working_days_beyond_target)),
            "past_limit_with_good_reason": ("past the limit, good reason recorded",
                                            lambda e: rules.past_limit_with_reason(e.working_days_beyond_target, e.good_reason)),
            "past_limit_without_good_reason": ("past the limit, no good reason",
                                               lambda e: rules.past_limit_without_reason(e.working_days_beyond_target, e.good_reason)),
            "resident_told_recorded": (f"resident told, date recorded (Code {rules.extension_provision})",
                                       lambda e: e.told_resident_on is not None),
            "ombudsman_details_given": (f"Ombudsman details given (Code {rules.extension_ombudsman_provision})",
                                        lambda e: bool(e.ombudsman_details_given)),
            "decided_after_deadline": ("decided after the deadline it replaced had passed",
                                       lambda e: e.decided_on is not None and e.decided_on > e.previous_due),
            "in_line_with_code": ("agreed in line with the Code (decided and told by the deadline it replaced, "
                                  "within the limit or with a good reason, Ombudsman details given)",
                                  lambda e: in_line_with_code(e, rules)),
            "not_in_line_with_code": ("not in line with the Code", lambda e: not in_line_with_code(e, rules)),
            "facts_not_known": ("resting on facts not known (imported: decision date or Ombudsman details)",
                                lambda e: e.decided_on is None or e.ombudsman_details_given is None),
        }
        for name, (text, test) in groups.items():
            chosen = [(s, e) for s, e in decided_ext if test(e)]
            ext.append(Figure(
                ("extensions", f"stage{n}", name), f"Stage {n} {text}", len(chosen),
                of=None if name == "count" else len(decided_ext),
                note=f"stage {n} extensions decided {period}; the limit is counted from the response deadline "
                     f"set at acknowledgement (Code {rules.extension_provision})",
                items=Items(chosen, functools.partial(_extension_item, rules), first_reference)))
        stages_extended = {s.reference for s, _ in decided_ext}
        ext.append(Figure(("extensions", f"stage{n}", "stages_extended"), f"Stage {n} complaints extended",
                          len(stages_extended), note=f"stage {n} complaints with an extension decided {period}",
                          items=tuple((r, "") for r in sorted(stages_extended))))
    return Section("extensions", "Extensions", "8.1(b)", ext)


def _extension_item(rules: StageTimescales, row: tuple[StageFacts, ExtensionFacts]) -> Item:
    s, e = row
    return s.reference, (f"decided {_d(e.decided_on) or 'on a date not known'}, {_d(e.previous_due)} -> {_d(e.new_due)}, "
                         f"{e.working_days_beyond_target} wd beyond target"
                         + (f"; good reason: {e.good_reason}" if e.good_reason.strip() else "")
                         + "".join(f"; {x}" for x in extension_shortfalls(e, rules)))


def _unverified_section(y: _Year) -> Section:
    """How many of the year's figures rest on records moved in from a spreadsheet and not
    yet verified by a handler: their unknown facts count as not kept, never as kept."""
    figures: list[Figure] = []
    for n in STAGES:
        counted = {s.stage_id: s for s in y.received[n] + y.answered[n]}
        unverified = [s for s in counted.values() if s.unverified]
        figures.append(Figure(
            ("unverified", f"stage{n}"), f"Stage {n} records counted this year that are imported, not verified",
            len(unverified), of=len(counted),
            note=f"stage {n} stages received or answered {y.period} whose complaint was moved in from a spreadsheet "
                 f"and not yet verified: a fact the sheet did not hold is not known, and counts as not kept",
            items=Items(unverified, y.received_item)))
    return Section("unverified", "Figures resting on imported records not yet verified", "8.1(b)", figures)


def _working_days_section(y: _Year) -> Section:
    """Code 8.1(b): working days to acknowledge and to respond."""
    calendar, policy, start, end, period = y.calendar, y.policy, y.start, y.end, y.period
    by_stage, answered = y.by_stage, y.answered
    wd: list[Figure] = []
    for n in STAGES:
        rules = policy.for_stage(n)
        acked = [s for s in by_stage[n] if _in(s.acknowledged_on, start, end)]
        judged_ack = [judge_acknowledgement(s, y.inputs.today) for s in y.received[n]]
        ack_counted = [s for s, a in zip(y.received[n], judged_ack) if a.counted]
        on_time = sum(1 for a in judged_ack if a.counted and a is Acknowledgement.ON_TIME)
        responded = [s for s in answered[n] if s.acknowledged_on is not None]
        ack_note = (f"working days from {'receipt' if n == 1 else 'the escalation request'} to acknowledgement, "
                    f"stage {n} acknowledged {period}; the Code allows {rules.acknowledge_days} "
                    f"(Code {rules.acknowledge_provision}); counted on the landlord's calendar")
        resp_note = (f"working days from acknowledgement to the response, stage {n} responses sent {period}; the Code "
                     f"allows {rules.respond_days} (Code {rules.respond_provision}) plus any agreed extension")
        ack_items = Items(acked, functools.partial(_ack_days_item, calendar))
        resp_items = Items(responded, functools.partial(_resp_days_item, calendar))
        a = [calendar.working_days_between(s.opened_on, s.acknowledged_on) for s in acked]
        r = [calendar.working_days_between(s.acknowledged_on, s.responded_on) for s in responded]
        wd += [
            Figure(("working_days", f"stage{n}", "to_acknowledge", "mean"), f"Stage {n} average working days to acknowledge",
                   _mean(a), "days", note=ack_note, items=ack_items),
            Figure(("working_days", f"stage{n}", "to_acknowledge", "median"), f"Stage {n} median working days to acknowledge",
                   _median(a), "days", note=ack_note, items=ack_items),
            Figure(("working_days", f"stage{n}", "to_acknowledge", "within_code"),
                   f"Stage {n} acknowledged within {rules.acknowledge_days} working days",
                   on_time, of=len(ack_counted),
                   note=(f"stage {n} {'complaints received' if n == 1 else 'escalations requested'} {period}, "
                         f"against the acknowledgement deadline stored when the stage opened "
                         f"(Code {rules.acknowledge_provision}); one not acknowledged and past its deadline "
                         f"counts as late, as in the self-assessment"),
                   items=Items(ack_counted, functools.partial(_ack_judged_item, y.inputs.today))),
            Figure(("working_days", f"stage{n}", "to_respond", "mean"), f"Stage {n} average working days to respond",
                   _mean(r), "days", note=resp_note, items=resp_items),
            Figure(("working_days", f"stage{n}", "to_respond", "median"), f"Stage {n} median working days to respond",
                   _median(r), "days", note=resp_note, items=resp_items),
        ]
    return Section("working_days", "Working days taken", "8.1(b)", wd)


def _escalation_section(y: _Year) -> Section:
    """Code 8.1(b): stage 1 responses escalated to stage 2."""
    inputs, period, received, answered = y.inputs, y.period, y.received, y.answered
    esc_base = answered[1]
    escalated = [s for s in esc_base if s.escalated_on is not None]
    escalation = [
        Figure(("escalation", "stage1_responses"), "Stage 1 responses sent in the year", len(esc_base),
               note=f"stage 1 responses sent {period}", items=Items(esc_base, _bare_item)),
        Figure(("escalation", "escalated"), "of which escalated to stage 2 (so far)", len(escalated), of=len(esc_base),
               note=f"stage 1 responses sent {period} whose resident has asked for stage 2, at any date up to "
                    f"{_d(inputs.today)}; a later request will raise this figure",
               items=Items(escalated, _answered_escalated_item)),
        Figure(("escalation", "rate_pct"), "Escalation rate, stage 1 to stage 2", pct(len(escalated), len(esc_base)), "pct",
               note=f"{len(escalated)} of {len(esc_base)} stage 1 responses sent in the year were escalated",
               items=Items(escalated, _escalated_item)),
        Figure(("escalation", "requests_per_stage1_received_pct"),
               "Stage 2 requests as a share of stage 1 received", pct(len(received[2]), len(received[1])), "pct",
               note=f"{len(received[2])} stage 2 escalation requests ÷ {len(received[1])} stage 1 complaints received "
                    f"{period}, as many published reports count it (the two groups are not the same complaints)",
               items=Items(received[2], y.received_item)),
    ]
    return Section("escalation", "Escalation", "8.1(b)", escalation)


def _remedies_section(y: _Year, remedy_item: _RemedyItems) -> Section:
    """Code 8.1(b): remedies offered in the year, from the remedy records, by stage. The
    financial totals are the records' amounts: the same figure as the wider record's
    "Financial remedies offered, total" (financial remedies offered in the year)."""
    from chc_tui.steps.remedies import RemedyKind

    period, answered = y.period, y.answered
    offered = [r for r in y.inputs.around.remedies if _in(r.offered_on, y.start, y.end)]
    rem: list[Figure] = []
    all_financial = []
    for n in STAGES:
        at_stage = [r for r in offered if r.stage == n]
        by_complaint: dict[str, list[RemedyFacts]] = {}
        for r in at_stage:
            by_complaint.setdefault(r.reference, []).append(r)
        with_remedy = [s for s in answered[n] if s.reference in by_complaint]
        financial = [r for r in at_stage if r.kind == RemedyKind.FINANCIAL]
        all_financial += financial
        total_money = sum((_pounds(r.amount_pence) for r in financial), Decimal(0))
        rem += [
            Figure(("remedies", f"stage{n}", "with_remedy"), f"Stage {n} responses offering a remedy", len(with_remedy),
                   of=len(answered[n]), note=f"stage {n} responses sent {period} with a remedy recorded on the stage",
                   items=Items([(s, by_complaint[s.reference]) for s in with_remedy],
                               functools.partial(_remedies_of_item, remedy_item), first_reference)),
            Figure(("remedies", f"stage{n}", "financial_total"), f"Stage {n} financial remedy offered", float(total_money),
                   "money", note=f"the recorded amounts of the {len(financial)} financial remedies offered at stage {n} "
                                 f"{period}, added up",
                   items=Items(financial, _amount_item)),
        ]
    all_money = sum((_pounds(r.amount_pence) for r in all_financial), Decimal(0))
    rem.append(Figure(("remedies", "total", "financial_total"), "Financial remedy offered, both stages", float(all_money),
                      "money", note=f"stage 1 and 2 together: the recorded amounts of the {len(all_financial)} financial "
                                    f"remedies offered {period} (one total, the same as the wider record's)",
                      items=Items(all_financial, _amount_item)))
    return Section("remedies", "Remedies offered", "8.1(b)", rem)


def _refusals_section(y: _Year) -> Section:
    """Code 8.1(b): complaints refused (Code 2.2-2.5), by exclusion reason, stage and category."""
    inputs, period = y.inputs, y.period
    ref: list[Figure] = []
    refusals = list(inputs.refusals)
    ref.append(Figure(("refusals", "total"), "Complaints refused (not taken on)", len(refusals),
                      note=f"refusals recorded {period} (Code 2.2-2.5: each an individual decision with its reason)",
                      items=tuple((r.reference, f"stage {r.stage}: {_reason_label(r.exclusion_reason)}") for r in refusals)))
    reasons = Counter(r.exclusion_reason for r in refusals)
    for reason in [e.value for e in ExclusionReason] + sorted(set(reasons) - {e.value for e in ExclusionReason}):
        chosen = [r for r in refusals if r.exclusion_reason == reason]
        ref.append(Figure(("refusals", "by_reason", reason), f"Refused: {_reason_label(reason)}", len(chosen),
                          of=len(refusals), note=f"refusals {period} for this reason",
                          items=tuple((r.reference, f"stage {r.stage} · {r.category} · {r.explanation[:100]}") for r in chosen)))
    for n in STAGES:
        chosen = [r for r in refusals if r.stage == n]
        ref.append(Figure(("refusals", "by_stage", f"stage{n}"), f"Refused at stage {n}", len(chosen), of=len(refusals),
                          note=f"refusals {period} at stage {n}",
                          items=tuple((r.reference, _reason_label(r.exclusion_reason)) for r in chosen)))
    for name, count in sorted(Counter(r.category or "(none)" for r in refusals).items(), key=lambda kv: (-kv[1], kv[0])):
        ref.append(Figure(("refusals", "by_category", name), f"Refused: {name}", count, of=len(refusals),
                          note=f"refusals {period} in the category {name}",
                          items=tuple((r.reference, _reason_label(r.exclusion_reason)) for r in refusals
                                      if (r.category or "(none)") == name)))
    return Section("refusals", "Complaints refused, by exclusion reason", "8.1(b)", ref)


def compute(inputs: ReportInputs, calendar: WorkingCalendar, policy: CodePolicy = CODE_2024,
            judgements: dict[int, Timeliness] | None = None) -> AnnualReport:
    """The year's report; `judgements`, when given, is filled with each response's timeliness
    by stage id: the figures per handler count the same (performance_by_person), and judging
    them again was a fifth of their time."""
    y = _sort_year(inputs, calendar, policy)
    if judgements is not None:
        judgements.update((s.stage_id, t) for n in STAGES for s, t, _ in y.judged[n])
    months = _monthly(inputs, y.by_year)
    tsm = _tsm_section(y)
    remedy_item = _RemedyItems()  # one description of each remedy, for both sections that list it
    sections = [
        tsm,
        _received_section(y, months),
        _category_section(y),
        _outcomes_section(y),
        _timeliness_section(y, tsm),
        _extensions_section(y),
        _working_days_section(y),
        _unverified_section(y),
        _escalation_section(y),
        _remedies_section(y, remedy_item),
        _refusals_section(y),
        *wider_record_sections(inputs.around, y.year, y.start, y.end, y.cutoff, inputs.today, remedy_item),
    ]
    sa_figures, no_answers, source = _self_assessment(inputs)
    sections.append(Section("self_assessment", f"Self-assessment against the Code {y.label}", "8.1(a)", sa_figures))
    return AnnualReport(
        year=y.year, label=y.label, start=y.start, end=y.end, cutoff=y.cutoff, generated_on=inputs.today,
        complete=inputs.today > y.end, policy_name=policy.name, homes_owned=y.homes, sections=sections,
        months=months, no_answers=no_answers, provisions_source=source, texts=_entered_texts(inputs),
        empty=_no_activity(y), records_start=inputs.earliest_received,
        stock_types=tuple(tsm_homes(inputs)[1]),
    )


def _entered_texts(inputs: ReportInputs) -> list[EnteredText]:
    """Code 8.1(c)-(f) and 8.2: the parts the landlord writes, as last saved."""

    texts = []
    for part, code, title in TEXT_PARTS:
        stored = inputs.texts.get(part)
        texts.append(EnteredText(
            part, code, title,
            text=stored.text if stored else "",
            version=stored.version if stored else 0,
            changed_by=stored.changed_by if stored else "",
            changed_at=f"{stored.changed_at:%Y-%m-%d %H:%M}" if stored else "",
        ))
    return texts


def _no_activity(y: _Year) -> bool:
    """Nothing was received, answered, withdrawn, refused or extended in the year."""
    start, end, by_stage, received, answered = y.start, y.end, y.by_stage, y.received, y.answered
    withdrawn, refused = y.withdrawn, y.refused
    activity = (
        sum(len(received[n]) + len(answered[n]) + len(withdrawn[n]) + len(refused[n]) for n in STAGES)
        + sum(1 for n in STAGES for s in by_stage[n] for e in s.extensions if _in(e.decided_on, start, end))
    )
    return activity == 0


def _pounds(pence: int | None) -> Decimal:
    return Decimal(pence or 0) / 100


@functools.lru_cache(maxsize=4096)
def _pence_text(pence: int | None) -> str:
    # Cached: a busy year lists some 25,000 remedies, of a few hundred amounts.
    return money_text(_pounds(pence))


@dataclass(frozen=True)
class _WiderRecordYear:
    """The records around the year's complaints, and the dates every part counts by."""

    around: WiderRecordFacts
    label: str
    period: str
    at: str  # "on <cut-off>", saying when the year is still running
    start: date
    end: date
    cutoff: date
    today: date
    remedy_item: "_RemedyItems"  # each remedy described once (the report's remedies section lists them too)


def wider_record_sections(around: WiderRecordFacts, year: int, start: date, end: date, cutoff: date, today: date,
                          remedy_item: "_RemedyItems | None" = None) -> list[Section]:
    """Two sections from the complaints' wider record: putting things right (7.1-7.3), service
    requests (1.4) and the Ombudsman, under the key "around" (kept: the JSON's readers use it),
    and learning from complaints (9.1-9.3, "learning").
    A part with no records in the year still shows its zeros, and says so."""
    facts = _WiderRecordYear(around, year_label(year), f"{_d(start)} to {_d(end)}",
                        f"on {_d(cutoff)}" + ("" if cutoff == end else " (the year is still running)"),
                        start, end, cutoff, today, remedy_item or _RemedyItems())
    figures: list[Figure] = []
    notes: list[str] = []
    for part in (_remedies_put_right, _outstanding_actions, _service_requests, _ombudsman):
        part_figures, part_notes = part(facts)
        figures += part_figures
        notes += part_notes
    around_section = Section("around", "Putting things right, service requests and the Ombudsman", "8.1(b), 8.1(c)",
                             figures, tuple(notes))
    return [around_section, _learning_section(facts)]


def _remedies_put_right(facts: _WiderRecordYear) -> tuple[list[Figure], list[str]]:
    """Code 7.1-7.3: remedies offered, carried out and outstanding."""
    around, label, start, end, cutoff = facts.around, facts.label, facts.start, facts.end, facts.cutoff
    remedy_item = facts.remedy_item
    offered = [r for r in around.remedies if _in(r.offered_on, start, end)]
    done = [r for r in around.remedies if _in(r.done_on, start, end)]
    outstanding = [
        r for r in around.remedies
        if r.offered_on <= cutoff and not (r.done_on and r.done_on <= cutoff)
        and not (r.declined_on and r.declined_on <= cutoff)
    ]
    figures = (_remedies_offered(facts, offered, remedy_item)
               + _remedies_carried_out(facts, done, outstanding, remedy_item))
    return figures, _nothing_recorded(offered or done or outstanding, "remedies", label)


class _RemedyItems:
    """A remedy's line under a figure; a remedy appears under several figures, so it is described once."""

    def __init__(self) -> None:
        from chc_tui.steps.remedies import RemedyKind

        self.kind_labels = {k.value: k.label for k in RemedyKind}
        self.described: dict[int, str] = {}

    def kind_label(self, kind: str) -> str:
        return self.kind_labels.get(kind, kind)

    def __call__(self, r: RemedyFacts, what: str = "") -> Item:
        text = self.described.get(r.remedy_id)
        if text is None:
            amount = f" {_pence_text(r.amount_pence)}" if r.amount_pence else ""
            text = self.described[r.remedy_id] = (
                f"{self.kind_label(r.kind)}{amount}: {r.description[:80]} · offered {_d(r.offered_on)}"
                + (f", due {_d(r.due_on)}" if r.due_on else ""))
        return r.reference, text + (f" · {what}" if what else "")


def _remedies_offered(facts: _WiderRecordYear, offered: list[RemedyFacts], remedy_item: _RemedyItems) -> list[Figure]:
    """Code 7.1, 7.3: remedies offered in the year, by kind, and the financial remedies with their amounts."""
    from chc_tui.steps.remedies import RemedyKind

    period, kind_label = facts.period, remedy_item.kind_label
    figures: list[Figure] = []
    financial = [r for r in offered if r.kind == RemedyKind.FINANCIAL]
    money = sum((_pounds(r.amount_pence) for r in financial), Decimal(0))
    offered_note = f"remedies recorded as offered {period} (Code 7.1), each with what will happen and by when (7.3)"
    figures.append(Figure(("around", "remedies", "offered", "total"), "Remedies offered in the year", len(offered),
                          note=offered_note, items=Items(offered, remedy_item)))
    kinds = [k.value for k in RemedyKind] + sorted({r.kind for r in offered} - {k.value for k in RemedyKind})
    for kind in kinds:
        chosen = [r for r in offered if r.kind == kind]
        figures.append(Figure(("around", "remedies", "offered", "by_kind", kind), f"Offered: {kind_label(kind)}",
                              len(chosen), of=len(offered), note=f"{offered_note}; of the kind {kind_label(kind)}",
                              items=Items(chosen, remedy_item)))
    money_note = (f"financial remedies recorded as offered {period}, with their recorded amounts added up "
                  f"({len(financial)} financial remedies)")
    figures += [
        Figure(("around", "remedies", "financial", "count"), "Financial remedies offered", len(financial),
               note=money_note, items=Items(financial, remedy_item)),
        Figure(("around", "remedies", "financial", "total"), "Financial remedies offered, total", float(money), "money",
               note=money_note,
               items=Items(financial, _amount_item)),
    ]
    return figures


def _remedies_carried_out(facts: _WiderRecordYear, done: list[RemedyFacts], outstanding: list[RemedyFacts],
                          remedy_item: _RemedyItems) -> list[Figure]:
    """Code 7.3: remedies done in the year (and late), and those outstanding (and overdue) at the cut-off."""
    period, at, cutoff = facts.period, facts.at, facts.cutoff
    done_late = [r for r in done if r.due_on is not None and r.done_on > r.due_on]
    overdue = [r for r in outstanding if is_overdue(r.due_on, cutoff)]
    return [
        Figure(("around", "remedies", "done", "total"), "Remedies carried out in the year", len(done),
               note=f"remedies recorded as done {period}, whenever they were offered",
               items=Items(done, functools.partial(_remedy_done_item, remedy_item))),
        Figure(("around", "remedies", "done", "late"), "of which after their due date", len(done_late), of=len(done),
               note=f"remedies done {period} after the date the offer said they would be done by (Code 7.3)",
               items=Items(done_late, functools.partial(_remedy_done_item, remedy_item))),
        Figure(("around", "remedies", "outstanding", "total"), "Remedies outstanding at the year end", len(outstanding),
               note=f"remedies offered by {_d(cutoff)} and neither done nor declined {at}",
               items=Items(outstanding, remedy_item)),
        Figure(("around", "remedies", "outstanding", "overdue"), "of which past their due date", len(overdue),
               of=len(outstanding), note=f"remedies outstanding {at} whose due date had passed",
               items=Items(overdue, remedy_item)),
    ]


def _outstanding_actions(facts: _WiderRecordYear) -> tuple[list[Figure], list[str]]:
    """Code 6.6, 6.17: outstanding actions due, done and overdue."""
    around, label, period, at, start = facts.around, facts.label, facts.period, facts.at, facts.start
    end, cutoff = facts.end, facts.cutoff
    figures: list[Figure] = []
    due = [a for a in around.actions if _in(a.due_on, start, end)]
    a_done = [a for a in around.actions if _in(a.done_on, start, end)]
    a_late = [a for a in a_done if a.done_on > a.due_on]
    a_overdue = [a for a in around.actions if is_overdue(a.due_on, cutoff) and not (a.done_on and a.done_on <= cutoff)]
    no_added = "; an action keeps no date it was added, so it is counted by its due date"
    figures += [
        Figure(("around", "actions", "due"), "Outstanding actions due in the year", len(due),
               note=f"outstanding actions (Code 6.6, 6.17) due {period}{no_added}",
               items=Items(due, _action_due_item)),
        Figure(("around", "actions", "done", "total"), "Actions completed in the year", len(a_done),
               note=f"outstanding actions recorded as done {period}",
               items=Items(a_done, _action_done_item)),
        Figure(("around", "actions", "done", "late"), "of which after their due date", len(a_late), of=len(a_done),
               note=f"actions done {period} after their due date",
               items=Items(a_late, _action_done_item)),
        Figure(("around", "actions", "overdue"), "Actions overdue at the year end", len(a_overdue),
               note=f"actions whose due date had passed and that were not done {at}",
               items=Items(a_overdue, _action_item)),
    ]
    return figures, _nothing_recorded(due or a_done or a_overdue, "outstanding actions", label)


def _service_requests(facts: _WiderRecordYear) -> tuple[list[Figure], list[str]]:
    """Code 1.4, 1.5: service requests and the complaints raised from them."""
    around, label, period, start, end = facts.around, facts.label, facts.period, facts.start, facts.end
    today = facts.today
    figures: list[Figure] = []
    received = [s for s in around.service_requests if _in(s.received_on, start, end)]
    within = [s for s in received if s.done_on is not None and s.done_on <= s.due_on]
    late = [s for s in received if s.done_on is not None and s.done_on > s.due_on]
    open_ = [s for s in received if s.done_on is None]
    raised = [s for s in around.service_requests if _in(s.complaint_received_on, start, end)]
    sr_note = (f"service requests received {period} (Code 1.4); within target: done on or before the date set "
               f"from the landlord's target when the request was logged; as recorded on {_d(today)}")
    figures += [
        Figure(("around", "service_requests", "received"), "Service requests received in the year", len(received),
               note=sr_note, items=Items(received, _request_item), items_are_complaints=False),
        Figure(("around", "service_requests", "done_within_target"), "Service requests done within target", len(within),
               of=len(received), note=sr_note, items=Items(within, _request_item), items_are_complaints=False),
        Figure(("around", "service_requests", "done_late"), "Service requests done after their target", len(late),
               of=len(received), note=sr_note, items=Items(late, _request_item), items_are_complaints=False),
        Figure(("around", "service_requests", "not_done"), "Service requests not yet done", len(open_),
               of=len(received), note=sr_note, items=Items(open_, _request_item), items_are_complaints=False),
        Figure(("around", "service_requests", "complaints_raised"), "Complaints raised from a service request",
               len(raised),
               note=f"complaints received {period} that were raised from a service request (Code 1.5)",
               items=Items(raised, _raised_item, _complaint_reference)),
    ]
    return figures, _nothing_recorded(received or raised, "service requests", label)


def _ombudsman(facts: _WiderRecordYear) -> tuple[list[Figure], list[str]]:
    """Code 8.1(c): the Ombudsman's cases, findings, orders and Complaint Handling Failure Orders."""
    around, label, period, start, end = facts.around, facts.label, facts.period, facts.start, facts.end
    opened = [c for c in around.cases if _in(c.opened_on, start, end)]
    chfo = [c for c in around.cases if _in(c.chfo_on, start, end)]
    findings = list(around.findings)
    orders = list(around.orders)
    figures = [
        Figure(("around", "ombudsman", "cases_opened"), "Ombudsman cases opened in the year", len(opened),
               note=f"cases the Ombudsman opened {period}",
               items=tuple((c.reference, f"{c.ombudsman_reference}, opened {_d(c.opened_on)}") for c in opened)),
        *_ombudsman_findings(facts, findings),
        *_ombudsman_orders(facts, orders),
        Figure(("around", "ombudsman", "chfo"), "Complaint Handling Failure Orders", len(chfo),
               note=f"Complaint Handling Failure Orders issued {period}",
               items=tuple((c.reference, f"{c.ombudsman_reference}, {_d(c.chfo_on)}: {c.chfo_reason[:80]}") for c in chfo)),
    ]
    return figures, _nothing_recorded(opened or findings or orders or chfo, "Ombudsman cases, findings or orders", label)


def _ombudsman_findings(facts: _WiderRecordYear, findings: list[FindingFacts]) -> list[Figure]:
    """The year's findings, one for each issue of a case, by determination, and the maladministration rate."""
    from chc_tui.steps.ombudsman import Determination

    period = facts.period
    not_counted = {Determination.OUTSIDE_JURISDICTION.value, Determination.WITHDRAWN.value}
    counted = [f for f in findings if f.determination not in not_counted]
    fault = [f for f in counted if _is_fault(f.determination)]
    rate_note = (f"findings of severe maladministration, maladministration or service failure ÷ findings determined "
                 f"{period}, leaving out those outside the Ombudsman's jurisdiction and withdrawn: {len(fault)} of "
                 f"{len(counted)}; each issue of a case is a finding")
    figures = [
        Figure(("around", "ombudsman", "findings", "total"), "Ombudsman findings in the year", len(findings),
               note=f"findings determined {period}, one for each issue of a case",
               items=tuple(_finding_item(f) for f in findings)),
    ]
    dets = [d.value for d in Determination] + sorted({f.determination for f in findings} - {d.value for d in Determination})
    for det in dets:
        chosen = [f for f in findings if f.determination == det]
        figures.append(Figure(("around", "ombudsman", "findings", "by_determination", det),
                              f"Finding: {_determination_label(det)}", len(chosen), of=len(findings),
                              note=f"findings determined {period} of {_determination_label(det)}",
                              items=tuple(_finding_item(f) for f in chosen)))
    return figures + [
        Figure(("around", "ombudsman", "findings", "fault"), "Findings of maladministration or service failure",
               len(fault), of=len(counted), note=rate_note, items=tuple(_finding_item(f) for f in fault)),
        Figure(("around", "ombudsman", "maladministration_rate_pct"), "Maladministration rate",
               pct(len(fault), len(counted)), "pct", note=rate_note, items=tuple(_finding_item(f) for f in counted)),
    ]


def _ombudsman_orders(facts: _WiderRecordYear, orders: list[OrderFacts]) -> list[Figure]:
    """The Ombudsman's orders and its recommendations, each counted on its own (an order must
    be complied with; a recommendation need not be): those due in the year and whether they
    were complied with, those carried forward from earlier years, and the orders made on
    findings of severe maladministration with their progress (Code 9.7(c))."""
    made = [o for o in orders if o.kind == "order"]
    recommended = [o for o in orders if o.kind == "recommendation"]
    return [
        *_compliance(facts, made, "orders", "orders", "Orders"),
        *_severe_maladministration_orders(facts, made),
        Figure(("around", "ombudsman", "orders", "not_linked"), "Orders not linked to a finding",
               sum(1 for o in made if o.determination is None),
               note=(f"orders due or open {facts.period} recorded without the finding they were made on: "
                     "link each to its finding so the orders on severe maladministration can be reported (Code 9.7(c))"),
               items=tuple(_order_item(o) for o in made if o.determination is None)),
        *_compliance(facts, recommended, "recommendations", "recommendations", "Recommendations"),
    ]


def _compliance(facts: _WiderRecordYear, rows: list[OrderFacts], key: str, noun: str, title: str) -> list[Figure]:
    """One kind's figures: due in the year (complied on time, late, not yet, as recorded
    today) and carried forward (due before the year and still open when it began), with
    those of them complied with during the year."""
    start, end = facts.start, facts.end
    due = [o for o in rows if _in(o.due_on, start, end)]
    on_time = [o for o in due if o.complied_on is not None and o.complied_on <= o.due_on]
    late = [o for o in due if o.complied_on is not None and o.complied_on > o.due_on]
    not_yet = [o for o in due if o.complied_on is None]
    carried = [o for o in rows if o.due_on < start and (o.complied_on is None or o.complied_on >= start)]
    carried_done = [o for o in carried if _in(o.complied_on, start, end)]
    note = f"{noun} due {facts.period}; as recorded on {_d(facts.today)}"
    carried_note = (f"{noun} due before {_d(start)} and not complied with when the year began, carried forward "
                    f"from earlier years")
    return [
        Figure(("around", "ombudsman", key, "due"), f"Ombudsman {noun} due in the year", len(due),
               note=note, items=tuple(_order_item(o) for o in due)),
        Figure(("around", "ombudsman", key, "complied_on_time"), f"{title} complied with on time", len(on_time),
               of=len(due), note=note, items=tuple(_order_item(o) for o in on_time)),
        Figure(("around", "ombudsman", key, "complied_late"), f"{title} complied with late", len(late),
               of=len(due), note=note, items=tuple(_order_item(o) for o in late)),
        Figure(("around", "ombudsman", key, "not_complied"), f"{title} not yet complied with", len(not_yet),
               of=len(due), note=note, items=tuple(_order_item(o) for o in not_yet)),
        Figure(("around", "ombudsman", key, "carried_forward"), f"{title} carried forward from earlier years",
               len(carried), note=carried_note, items=tuple(_order_item(o) for o in carried)),
        Figure(("around", "ombudsman", key, "carried_forward_complied"), "of which complied with in the year",
               len(carried_done), of=len(carried), note=f"{carried_note}, complied with {facts.period}",
               items=tuple(_order_item(o) for o in carried_done)),
    ]


def _severe_maladministration_orders(facts: _WiderRecordYear, orders: list[OrderFacts]) -> list[Figure]:
    """Code 9.7(c): the orders made on findings of severe maladministration that were due
    or open in the year, and the progress made in complying with them at the cut-off:
    complied with on time, complied with late, open and overdue, open and not yet due."""
    from chc_tui.steps.ombudsman import Determination

    cutoff = facts.cutoff
    severe = [o for o in orders if o.determination == Determination.SEVERE_MALADMINISTRATION.value]
    def complied_by_cutoff(o: OrderFacts) -> bool:
        return o.complied_on is not None and o.complied_on <= cutoff

    complied = [o for o in severe if complied_by_cutoff(o)]
    open_ = [o for o in severe if not complied_by_cutoff(o)]  # (not "not in complied": n²)
    parts = {
        "complied_on_time": ("complied with on time", [o for o in complied if o.complied_on <= o.due_on]),
        "complied_late": ("complied with late", [o for o in complied if o.complied_on > o.due_on]),
        "open_overdue": ("open and overdue", [o for o in open_ if is_overdue(o.due_on, cutoff)]),
        "open_not_yet_due": ("open, not yet due", [o for o in open_ if not is_overdue(o.due_on, cutoff)]),
    }
    note = (f"orders made on a finding of severe maladministration that were due {facts.period}, carried forward "
            f"into it, or open at its end; progress {facts.at} (Code 9.7(c))")
    key = ("around", "ombudsman", "orders", "severe_maladministration")
    return [
        Figure((*key, "total"), "Orders on findings of severe maladministration", len(severe), note=note,
               items=tuple(_order_item(o) for o in severe)),
        *(Figure((*key, part), f"of which {label}", len(chosen), of=len(severe), note=note,
                 items=tuple(_order_item(o) for o in chosen))
          for part, (label, chosen) in parts.items()),
    ]


def _learning_section(facts: _WiderRecordYear) -> Section:
    """Code 9.1-9.3 and 8.1(d): themes, lessons learned and the service improvements they led to."""
    around, label, start, end = facts.around, facts.label, facts.start, facts.end
    themes = list(around.themes)
    lessons = [x for x in around.lessons if _in(x.recorded_on, start, end)]
    in_place = [x for x in around.lessons if _in(x.done_on, start, end)]
    late_improvements = _late_improvements(facts)
    notes = _nothing_recorded(lessons or in_place or late_improvements, "lessons", label)
    if themes and not any(t.theme for t in themes):
        notes.append(f"No themes recorded for the complaints received in {label}.")
    if not themes:
        notes.append(f"No complaints received in {label}.")
    learning = (_complaint_themes(facts, themes) + _lessons_learned(facts, lessons)
                + _service_improvements(facts, in_place, late_improvements))
    return Section("learning", "Learning from complaints", "8.1(d)", learning, tuple(notes))


def _complaint_themes(facts: _WiderRecordYear, themes: list[ThemeFacts]) -> list[Figure]:
    """Code 9.1: the year's complaints, by the theme recorded for each."""
    period = facts.period
    learning: list[Figure] = []
    learning.append(Figure(("learning", "complaints_received"), "Complaints received in the year", len(themes),
                           note=f"complaints received {period}, each with the theme recorded for it (Code 9.1)",
                           items=Items(themes, _theme_item)))
    by_theme = _grouped(themes, attrgetter("theme"))
    for theme, chosen in sorted(by_theme.items(), key=lambda kv: (kv[0] == "", -len(kv[1]), kv[0])):
        name = theme or "no theme recorded"
        learning.append(Figure(("learning", "by_theme", theme or "(none)"), f"Theme: {name}", len(chosen),
                               of=len(themes), note=f"complaints received {period} with the theme {name}",
                               items=Items(chosen, _received_on_item)))
    return learning


def _lessons_learned(facts: _WiderRecordYear, lessons: list[LessonFacts]) -> list[Figure]:
    """Code 9.1: lessons learned recorded in the year, by theme, and the complaints that taught them."""
    period = facts.period
    learning: list[Figure] = []
    lesson_note = f"lessons learned recorded {period}, with the complaints that taught them (Code 9.1)"
    learning.append(Figure(("learning", "lessons", "total"), "Lessons recorded in the year", len(lessons),
                           note=lesson_note, items=tuple(_lesson_item(x) for x in lessons), items_are_complaints=False))
    for theme, count in sorted(Counter(x.theme for x in lessons).items(), key=lambda kv: (-kv[1], kv[0])):
        learning.append(Figure(("learning", "lessons", "by_theme", theme), f"Lessons: {theme}", count, of=len(lessons),
                               note=f"{lesson_note}; theme {theme}", items_are_complaints=False,
                               items=tuple(_lesson_item(x) for x in lessons if x.theme == theme)))
    taught = sorted({ref for x in lessons for ref in x.complaints})
    learning.append(Figure(("learning", "lessons", "complaints_linked"), "Complaints behind the year's lessons",
                           len(taught), note=f"complaints linked to the lessons recorded {period}",
                           items=tuple((ref, ", ".join(x.reference for x in lessons if ref in x.complaints))
                                       for ref in taught)))
    return learning


def _late_improvements(facts: _WiderRecordYear) -> list[LessonFacts]:
    """Improvements past their due date and not in place at the cut-off."""
    cutoff = facts.cutoff
    return [
        x for x in facts.around.lessons
        if x.improvement and is_overdue(x.due_on, cutoff) and x.recorded_on <= cutoff
        and not (x.done_on and x.done_on <= cutoff)
    ]


def _service_improvements(facts: _WiderRecordYear, in_place: list[LessonFacts],
                          late_improvements: list[LessonFacts]) -> list[Figure]:
    """Code 8.1(d), 9.1: service improvements put in place in the year, and those overdue."""
    period, at = facts.period, facts.at
    return [
        Figure(("learning", "improvements", "in_place"), "Service improvements put in place in the year", len(in_place),
               note=f"improvements recorded as in place {period} (Code 8.1(d), 9.1), whenever the lesson was recorded",
               items=tuple((x.reference, f"{x.theme}: {x.improvement[:80]} · in place {_d(x.done_on)}") for x in in_place),
               items_are_complaints=False),
        Figure(("learning", "improvements", "overdue"), "Improvements past their due date at the year end",
               len(late_improvements), items_are_complaints=False,
               note=f"improvements whose due date had passed and that were not in place {at}",
               items=tuple((x.reference, f"{x.theme}: {x.improvement[:80]} · due {_d(x.due_on)}") for x in late_improvements)),
    ]


def _nothing_recorded(recorded: object, what: str, label: str) -> list[str]:
    """A part with no records in the year still shows its zeros, and says so."""
    return [] if recorded else [f"No {what} recorded in {label}."]


def _action_item(a, what: str = "") -> Item:
    return a.reference, f"{a.description[:80]} · {a.owner} · due {_d(a.due_on)}" + (f" · {what}" if what else "")


def _action_due_item(a) -> Item:
    return _action_item(a, f"done {_d(a.done_on)}" if a.done_on else "not done")


def _action_done_item(a) -> Item:
    return _action_item(a, f"done {_d(a.done_on)}")


def _remedy_done_item(remedy_item: _RemedyItems, r: RemedyFacts) -> Item:
    return remedy_item(r, f"done {_d(r.done_on)}")


def _remedies_of_item(remedy_item: _RemedyItems, row: tuple[StageFacts, list[RemedyFacts]]) -> Item:
    """A response with the remedies recorded on its stage."""
    s, remedies = row
    return s.reference, "; ".join(remedy_item(r)[1] for r in remedies)


def _amount_item(r: RemedyFacts) -> Item:
    return r.reference, _pence_text(r.amount_pence)


def _raised_item(s) -> Item:
    return s.complaint_reference, f"from {s.reference}, received {_d(s.complaint_received_on)}"


def _complaint_reference(s) -> str:
    return s.complaint_reference


def _theme_item(t: ThemeFacts) -> Item:
    return t.reference, t.theme or "no theme recorded"


def _received_on_item(t: ThemeFacts) -> Item:
    return t.reference, _d(t.received_on)


def _request_item(s) -> Item:
    state = ("not done" if s.done_on is None
             else f"done {_d(s.done_on)}" + (" (late)" if s.done_on > s.due_on else ""))
    return s.reference, f"received {_d(s.received_on)}, target {_d(s.due_on)}, {state}"


def _determination_label(value: str) -> str:
    from chc_tui.steps.ombudsman import Determination

    try:
        return Determination(value).label
    except ValueError:
        return value


def _is_fault(value: str) -> bool:
    from chc_tui.steps.ombudsman import Determination

    try:
        return Determination(value).is_fault
    except ValueError:
        return False


def _finding_item(f) -> Item:
    return f.reference, f"{f.ombudsman_reference} · {f.issue[:60]}: {_determination_label(f.determination)}, {_d(f.determined_on)}"


def _order_item(o) -> Item:
    state = f"complied {_d(o.complied_on)}" if o.complied_on else "not complied with"
    finding = f" (on {o.issue[:40]}: {_determination_label(o.determination)})" if o.determination else ""
    return o.reference, (f"{o.ombudsman_reference} · {o.kind}{finding}: {o.description[:60]} · due {_d(o.due_on)}, "
                         f"{state}")


def _lesson_item(x, what: str = "") -> Item:
    return x.reference, f"{x.theme}: {x.lesson[:60]}" + (f" · {what}" if what else "") + (
        f" · from {', '.join(x.complaints)}" if x.complaints else "")


def _reason_label(reason: str) -> str:
    try:
        return ExclusionReason(reason).label
    except ValueError:
        return reason


def _monthly(inputs: ReportInputs, by_year: Mapping[tuple[int, int], Sequence[StageFacts | ReceivedFacts]]) -> list[MonthlySeries]:
    """The year's monthly volumes, then each of the previous two years the records reach."""
    series = []
    for y in range(inputs.year, inputs.year - COMPARE_YEARS - 1, -1):
        y_start, y_end = year_bounds(y)
        if y != inputs.year and (inputs.earliest_received is None or inputs.earliest_received > y_end):
            continue  # the records do not go back that far
        counts = {}
        for n in STAGES:
            values = [0] * 12
            for s in by_year.get((n, y), ()):
                values[month_index(s.opened_on)] += 1
            counts[n] = tuple(values)
        partial = y != inputs.year and inputs.earliest_received is not None and inputs.earliest_received > y_start
        series.append(MonthlySeries(y, year_label(y), partial, counts[1], counts[2]))
    return series


def _self_assessment(inputs: ReportInputs) -> tuple[list[Figure], list[NoAnswer], str]:
    answers = {a.provision: a for a in inputs.answers}
    if inputs.provisions:
        provisions = [(p["provision"], p["section"], p["section_title"], p["text"]) for p in inputs.provisions]
        known = {p[0] for p in provisions}
        provisions += [(a.provision, _section_of(a.provision), "", "") for a in inputs.answers if a.provision not in known]
        source = "the Code's 72 provisions (the Housing Ombudsman's Complaint Handling Code 2024)"
    else:
        provisions = [(a.provision, _section_of(a.provision), "", "") for a in inputs.answers]
        source = "the answers recorded (the list of the Code's provisions is not installed)"
    provisions.sort(key=lambda p: _provision_key(p[0]))
    titles: dict[int | None, str] = {}
    for number, section, title, _ in provisions:
        titles.setdefault(section, title or SECTION_TITLES.get(section or 0, "Other provisions"))
    figures, no_answers = [], []
    totals = Counter()
    for section in sorted(titles, key=lambda s: (s is None, s or 0)):
        rows = [p for p in provisions if p[1] == section]
        slug = f"section_{section}" if section is not None else "section_other"
        for verdict, label in (("yes", "Yes"), ("no", "No"), ("unanswered", "not yet answered")):
            chosen = [p for p in rows if _verdict(answers.get(p[0])) == verdict]
            totals[verdict] += len(chosen)
            figures.append(Figure(
                ("self_assessment", slug, verdict), f"{section or ''} {titles[section]}: {label}".strip(), len(chosen),
                of=len(rows), note=f"provisions of section {section} answered {label}", items_are_complaints=False,
                items=tuple((p[0], (answers[p[0]].commentary if p[0] in answers else "") or p[3][:100]) for p in chosen),
            ))
        for number, sec, _, text in rows:
            answer = answers.get(number)
            if answer is not None and _verdict(answer) == "no":
                no_answers.append(NoAnswer(number, sec, text, answer.evidence, answer.commentary))
    for verdict, label in (("yes", "Yes"), ("no", "No"), ("unanswered", "not yet answered")):
        figures.append(Figure(("self_assessment", "total", verdict), f"All sections: {label}", totals[verdict],
                              of=sum(totals.values()), note=f"provisions answered {label}, from {source}",
                              items_are_complaints=False))
    return figures, no_answers, source


def _verdict(answer: AnswerFacts | None) -> str:
    if answer is None or answer.comply not in ("yes", "no"):
        return "unanswered"
    return answer.comply


# --- JSON ------------------------------------------------------------------------------------------------


def to_json(report: AnnualReport, trace: bool = True) -> dict[str, Any]:
    """Every figure under its stable key, plus the tables and texts, for other tools."""
    out: dict[str, Any] = {
        "schema": "chc-tui/annual-complaints-report/1",
        "year": report.year,
        "label": report.label,
        "period": {"start": report.start.isoformat(), "end": report.end.isoformat(),
                   "cutoff": report.cutoff.isoformat(), "complete": report.complete},
        "generated_on": report.generated_on.isoformat(),
        "code": report.policy_name,
        "homes_owned": report.homes_owned,
        "empty": report.empty,
    }
    notes: dict[str, str] = {}
    traced: dict[str, list[str]] = {}
    for figure in report.figures():
        node = out
        for part in figure.path[:-1]:
            node = node.setdefault(part, {})
        node[figure.path[-1]] = figure.value
        if figure.of is not None:
            node[f"{figure.path[-1]}_pct"] = figure.share
        if figure.note:
            notes[figure.key] = figure.note
        if trace and figure.items:
            traced[figure.key] = figure.references()
    out["months"] = [
        {"year": m.year, "label": m.label, "partial": m.partial,
         "stage1": dict(zip(MONTHS, m.stage1)), "stage2": dict(zip(MONTHS, m.stage2))}
        for m in report.months
    ]
    out["self_assessment"]["source"] = report.provisions_source
    out["self_assessment"]["no_rows"] = [
        {"provision": n.provision, "section": n.section, "text": n.text, "evidence": n.evidence, "commentary": n.commentary}
        for n in report.no_answers
    ]
    out["remedies"]["source"] = "parsed from remedy text (£ amounts); not yet structured amounts"
    out["texts"] = {
        t.part: {"code": t.code, "title": t.title, "text": t.text, "version": t.version,
                 "changed_by": t.changed_by, "changed_at": t.changed_at}
        for t in report.texts
    }
    if report.staff_figures is not None:  # names staff: only when the landlord shows them (issue 20.2)
        from chc_tui.figures.performance_by_person import as_json

        out["staff_figures"] = as_json(report.staff_figures)
    out["notes"] = notes
    out["interpretations"] = [{"provision": i.provision, "text": i.text} for i in INTERPRETATIONS]
    if trace:
        out["trace"] = traced
    return out
