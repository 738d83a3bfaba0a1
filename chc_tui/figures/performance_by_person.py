"""Performance by person and team (issue 20.2): per handler and per team, for a report
year, the stages handled, how the responses were judged, the extensions and the breaches.

Pure: it takes the same `StageFacts` the annual report reads (store.stage_queries,
loaded with the handling facts) and each stage's handler (name, team) by stage id. Every
judgement is the report's own: rules.measures judge_acknowledgement / judge_response and
rules.extension_standard in_line_with_code; nothing is judged twice.

A stage counts for the staff member who handled it. It counts in the year it was opened
(received, or escalation requested); its response in the year the response was sent; an
extension in the year it was decided (measures.extension_counted_on).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Mapping, Sequence

from chc_tui.rules.calendar import WorkingCalendar
from chc_tui.rules.extension_standard import in_line_with_code
from chc_tui.rules.financial_year import bounds as year_bounds
from chc_tui.rules.measures import Acknowledgement, Timeliness, extension_counted_on, judge_acknowledgement, judge_response
from chc_tui.rules.policy import CodePolicy
from store.stage_queries import StageFacts

NO_HANDLER = "(no handler on the register)"
NO_TEAM = "(no team)"


@dataclass
class Performance:
    """One handler's or one team's figures."""

    name: str
    team: str = ""
    handled_stage1: int = 0
    handled_stage2: int = 0
    on_time: int = 0
    late: int = 0
    within_extension: int = 0
    late_extension_not_in_line: int = 0
    extensions: int = 0
    extensions_not_in_line: int = 0
    acknowledgements_late: int = 0
    references: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.handled_stage1 + self.handled_stage2

    @property
    def responses_late(self) -> int:
        """Responses late (a breach of 6.3 / 6.14): out of target, or late on an extension not in line."""
        return self.late + self.late_extension_not_in_line

    def add(self, other: "Performance") -> None:
        for name in ("handled_stage1", "handled_stage2", "on_time", "late", "within_extension",
                     "late_extension_not_in_line", "extensions", "extensions_not_in_line", "acknowledgements_late"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.references += other.references


@dataclass(frozen=True)
class PerformanceByPerson:
    year: int
    handlers: tuple[Performance, ...]
    teams: tuple[Performance, ...]


def _in(day: date | None, start: date, end: date) -> bool:
    return day is not None and start <= day <= end


def compute(year: int, stages: Sequence[StageFacts], handlers: Mapping[int, tuple[str, str]], today: date,
            calendar: WorkingCalendar, policy: CodePolicy,
            judged: Mapping[int, Timeliness] | None = None) -> PerformanceByPerson:
    """The year's figures per handler and team; `judged`, each response's timeliness by stage
    id as the report judged it (figures.report.compute), where there: judged here otherwise."""
    start, end = year_bounds(year)
    cutoff = min(end, today)
    people: dict[str, Performance] = {}
    seen: dict[str, set[str]] = {}  # each person's references, as p.references lists them
    for s in stages:
        name, team = handlers.get(s.stage_id, (NO_HANDLER, ""))
        p = people.setdefault(name, Performance(name, team))
        touched = False
        if _in(s.opened_on, start, end):
            touched = True
            if s.stage == 1:
                p.handled_stage1 += 1
            else:
                p.handled_stage2 += 1
            if judge_acknowledgement(s, cutoff) is Acknowledgement.LATE:
                p.acknowledgements_late += 1
        if _in(s.responded_on, start, end):
            touched = True
            timeliness = judged.get(s.stage_id) if judged is not None else None
            if timeliness is None:
                timeliness, _why = judge_response(s, calendar, policy)
            if timeliness is Timeliness.WITHIN_TARGET:
                p.on_time += 1
            elif timeliness is Timeliness.WITHIN_EXTENSION:
                p.within_extension += 1
            elif timeliness is Timeliness.LATE_EXTENSION_NOT_IN_LINE:
                p.late_extension_not_in_line += 1
            else:
                p.late += 1
        rules = policy.for_stage(s.stage)
        for e in s.extensions:
            if _in(extension_counted_on(e), start, end):
                touched = True
                p.extensions += 1
                if not in_line_with_code(e, rules):
                    p.extensions_not_in_line += 1
        if touched and s.reference not in seen.setdefault(name, set()):  # (a set: "not in" a list was n²)
            seen[name].add(s.reference)
            p.references.append(s.reference)
    handled = sorted((p for p in people.values() if p.references), key=lambda p: (p.name == NO_HANDLER, p.name.casefold()))
    teams: dict[str, Performance] = {}
    for p in handled:
        label = p.team or NO_TEAM
        teams.setdefault(label, Performance(label)).add(p)
    return PerformanceByPerson(year, tuple(handled),
                               tuple(sorted(teams.values(), key=lambda t: (t.name == NO_TEAM, t.name.casefold()))))


HEADER = ("", "Stage 1", "Stage 2", "On time", "Within extension", "Late", "Late: extension not in line",
          "Extensions", "Extensions not in line", "Acknowledgements late", "Responses late")


def row(p: Performance) -> list[str]:
    """One table row, in HEADER's order (the screen and the appendix show the same)."""
    return [p.name, *(str(v) for v in (p.handled_stage1, p.handled_stage2, p.on_time, p.within_extension, p.late,
                                       p.late_extension_not_in_line, p.extensions, p.extensions_not_in_line,
                                       p.acknowledgements_late, p.responses_late))]


def as_json(figures: PerformanceByPerson) -> dict:
    """The figures for `chc report --format json` (key staff_figures), when the landlord shows them."""
    def one(p: Performance) -> dict:
        return {"name": p.name, "team": p.team, "stage1_handled": p.handled_stage1, "stage2_handled": p.handled_stage2,
                "on_time": p.on_time, "within_extension": p.within_extension, "late": p.late,
                "late_extension_not_in_line": p.late_extension_not_in_line, "extensions": p.extensions,
                "extensions_not_in_line": p.extensions_not_in_line, "acknowledgements_late": p.acknowledgements_late,
                "responses_late": p.responses_late, "complaints": list(p.references)}

    return {"year": figures.year, "handlers": [one(p) for p in figures.handlers],
            "teams": [{k: v for k, v in one(t).items() if k != "team"} for t in figures.teams]}
