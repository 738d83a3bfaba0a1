"""The Member Responsible for Complaints' quarterly view (Code 9.5-9.7): for one quarter of
the landlord's financial year, the complaints received, the timeliness of the responses
sent, the Ombudsman's findings and orders (severe maladministration called out), the
remedies outstanding at the quarter's end and the improvements due by the next quarter's end.

Quarter 1 is the first quarter of the landlord's financial year (the financial-year-end
setting, default 31/03): "2025Q1" with a 31/03 year end is 1 April to 30 June 2025.

A pure function of records (`compute`); `gather` reads them. Complaints are named by
reference only: the view goes to a board member.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from chc_tui.rules.calendar import WorkingCalendar
from chc_tui.rules.measures import Timeliness, judge_response
from chc_tui.rules.policy import CODE_2024, CodePolicy
from chc_tui.rules.submission import DEFAULT_YEAR_END, add_months, year_end_in
from store.report_queries import StageFacts
from store.wider_record_report_queries import WiderRecordFacts

SEVERE = "severe_maladministration"  # as chc_tui.steps.ombudsman.Determination.SEVERE_MALADMINISTRATION
_QUARTER = re.compile(r"^\s*(\d{4})\s*[Qq]\s*([1-4])\s*$")


@dataclass(frozen=True)
class Quarter:
    year: int  # the financial year, by the year its first quarter starts in (for 31/03, as the annual report's)
    number: int  # 1-4, 1 the first quarter of the financial year
    start: date
    end: date

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.number}"


def parse_quarter(text: str, year_end: str = DEFAULT_YEAR_END) -> Quarter:
    """'2025Q1' -> the first quarter of the landlord's financial year starting in 2025.
    Raises ValueError with a sentence when it is not a quarter."""
    found = _QUARTER.match(str(text or ""))
    if not found or not 2000 <= int(found.group(1)) <= 2100:
        raise ValueError(f"{text!r} is not a quarter: give the year and quarter, such as 2025Q1 "
                         "(quarter 1 is the first quarter of the financial year)")
    year, number = int(found.group(1)), int(found.group(2))
    first_day = year_end_in(year - 1, year_end) + timedelta(days=1)
    if first_day.year < year:  # a year end late in the calendar year (31/12): the year starts in `year`
        first_day = year_end_in(year, year_end) + timedelta(days=1)
    start = add_months(first_day, 3 * (number - 1))
    end = add_months(first_day, 3 * number) - timedelta(days=1)
    return Quarter(year, number, start, end)


def next_quarter(q: Quarter, year_end: str = DEFAULT_YEAR_END) -> Quarter:
    if q.number == 4:
        return parse_quarter(f"{q.year + 1}Q1", year_end)
    return parse_quarter(f"{q.year}Q{q.number + 1}", year_end)


Line = tuple[str, str]  # (reference, what about it)


@dataclass(frozen=True)
class MrcQuarter:
    quarter: Quarter
    next_end: date
    received: dict[int, tuple[str, ...]]  # stage -> complaint references received (stage 1) or escalated (stage 2)
    responses: dict[int, dict[str, int]]  # stage -> Timeliness value -> responses sent in the quarter
    late_responses: tuple[Line, ...]
    findings: dict[str, int]  # determination -> findings determined in the quarter
    severe_findings: tuple[Line, ...]
    orders_due: int  # orders due in the quarter
    orders_complied: int  # of which complied with by the quarter's end
    orders_open_severe: tuple[Line, ...]  # orders on severe maladministration findings open at the quarter's end
    remedies_outstanding: tuple[Line, ...]
    actions_outstanding: tuple[Line, ...]
    improvements_due: tuple[Line, ...]

    def within_timescale(self, stage: int) -> int:
        return sum(n for t, n in self.responses[stage].items() if Timeliness(t).within_timescale)

    def answered(self, stage: int) -> int:
        return sum(self.responses[stage].values())


def _in(day: date | None, start: date, end: date) -> bool:
    return day is not None and start <= day <= end


def _d(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "-"


def compute(q: Quarter, next_end: date, stages: list[StageFacts] | tuple[StageFacts, ...], around: WiderRecordFacts,
            calendar: WorkingCalendar, policy: CodePolicy = CODE_2024) -> MrcQuarter:
    start, end = q.start, q.end
    received = {n: tuple(sorted(s.reference for s in stages if s.stage == n and _in(s.opened_on, start, end)))
                for n in (1, 2)}
    responses: dict[int, dict[str, int]] = {n: {t.value: 0 for t in Timeliness} for n in (1, 2)}
    late: list[Line] = []
    for s in stages:
        if s.stage in (1, 2) and _in(s.responded_on, start, end):
            timeliness, why = judge_response(s, calendar, policy)  # the one judge (Code 6.3-6.4, 6.14-6.15)
            responses[s.stage][timeliness.value] += 1
            if not timeliness.within_timescale:
                late.append((s.reference, f"stage {s.stage}, responded {_d(s.responded_on)}: {timeliness.label}"))
    findings: dict[str, int] = {}
    severe: list[Line] = []
    for f in around.findings:
        if _in(f.determined_on, start, end):
            findings[f.determination] = findings.get(f.determination, 0) + 1
            if f.determination == SEVERE:
                severe.append((f.reference, f"{f.ombudsman_reference}, determined {_d(f.determined_on)}"))
    orders = [o for o in around.orders if o.kind == "order"]
    due = [o for o in orders if _in(o.due_on, start, end)]
    open_severe = [(o.reference, f"{o.ombudsman_reference}, due {_d(o.due_on)}")
                   for o in orders if o.determination == SEVERE and not (o.complied_on and o.complied_on <= end)]
    remedies = [(r.reference, f"stage {r.stage} {r.kind}" + (f" £{r.amount_pence / 100:,.2f}" if r.amount_pence else "")
                 + f", offered {_d(r.offered_on)}, due {_d(r.due_on)}")
                for r in around.remedies
                if r.offered_on <= end and not (r.done_on and r.done_on <= end)
                and not (r.declined_on and r.declined_on <= end)]
    actions = [(a.reference, f"owner {a.owner or '-'}, due {_d(a.due_on)}") for a in around.actions
               if a.due_on <= next_end and not (a.done_on and a.done_on <= end)]
    improvements = [(f"lesson {x.lesson_id}", f"{x.theme}: {x.improvement[:120]}, due {_d(x.due_on)}")
                    for x in around.lessons
                    if x.improvement and x.due_on is not None and x.due_on <= next_end
                    and x.recorded_on <= end and not (x.done_on and x.done_on <= end)]
    return MrcQuarter(q, next_end, received, responses, tuple(sorted(late)), dict(sorted(findings.items())),
                      tuple(sorted(severe)), len(due), sum(1 for o in due if o.complied_on and o.complied_on <= end),
                      tuple(sorted(open_severe)), tuple(sorted(remedies)), tuple(sorted(actions)),
                      tuple(sorted(improvements)))


def gather(session, text: str) -> MrcQuarter:
    """Read the records for the quarter `text` ('2025Q1') and compute its view."""
    from chc_tui.steps.landlord import landlord_settings
    from chc_tui.steps.settings import load_calendar
    from store import report_queries as rq
    from store.wider_record_report_queries import around_facts

    year_end = landlord_settings(session).financial_year_end or DEFAULT_YEAR_END
    q = parse_quarter(text, year_end)
    nxt = next_quarter(q, year_end)
    stages = rq.report_stages(session, q.start - timedelta(days=400), q.end)
    around = around_facts(session, q.start, nxt.end)
    return compute(q, nxt.end, stages, around, load_calendar(session))
