"""The one-page summary a board reads first (issue 20.1): complaints received, CH01 and CH02
with the year before beside them, the three biggest themes, the Ombudsman's findings and
the improvements made, in plain English.

Every number here is read from the two years' `AnnualReport`s, never counted again: the
summary cannot disagree with the tables behind it.
"""

from __future__ import annotations

from dataclasses import dataclass

from chc_tui.figures.report import STAGES, AnnualReport, Figure
from chc_tui.wording import counted

NOT_RECORDED = "–"  # the records do not reach that year
MOST_IMPROVEMENTS = 5


@dataclass(frozen=True)
class Comparison:
    measure: str
    this_year: str
    year_before: str


@dataclass(frozen=True)
class BoardSummary:
    year_label: str
    before_label: str
    before_note: str  # why the year before reads – or is partial; "" when whole
    comparisons: tuple[Comparison, ...]
    sentences: tuple[str, ...]  # the plain-English account, a sentence a line


# What the table compares, by figure key (one row each).
COMPARED = (
    *((f"received.stage{n}.total", f"Stage {n} complaints received" if n == 1 else "Escalations to stage 2 requested")
      for n in STAGES),
    *((f"tsm.CH01.stage{n}_per_1000_homes", f"CH01 stage {n} complaints per 1,000 homes") for n in STAGES),
    *((f"tsm.CH02.stage{n}_within_timescale_pct", f"CH02 stage {n} responses within the Code's timescales")
      for n in STAGES),
)


def _reaches(report: AnnualReport | None) -> bool:
    """Whether the records reach into `report`'s year at all."""
    return report is not None and report.records_start is not None and report.records_start <= report.end


def _before_note(before: AnnualReport | None, label: str) -> str:
    if not _reaches(before):
        return f"The records do not reach back to {label}, so there is nothing to compare with (–)."
    assert before is not None
    if before.records_start and before.start < before.records_start:
        return f"The records start part-way through {label}: its figures are for part of the year."
    return ""


def summarise(report: AnnualReport, before: AnnualReport | None) -> BoardSummary:
    """The summary of `report`'s year, with `before` (the year before, or None) beside it."""
    from chc_tui.rules.financial_year import label as year_label

    before_label = year_label(report.year - 1)
    reaches = _reaches(before)
    comparisons = tuple(
        Comparison(measure, report.figure(key).text, before.figure(key).text if reaches and before else NOT_RECORDED)
        for key, measure in COMPARED
    )
    sentences = (_received(report, before if reaches else None, before_label), _timeliness(report), _themes(report),
                 _ombudsman(report), *_improvements(report))
    return BoardSummary(report.label, before_label, _before_note(before, before_label), comparisons,
                        tuple(s for s in sentences if s))


def _count(report: AnnualReport, key: str) -> int:
    return int(report.figure(key).value or 0)


def _received(report: AnnualReport, before: AnnualReport | None, before_label: str) -> str:
    s1, s2 = _count(report, "received.stage1.total"), _count(report, "received.stage2.total")
    said = (f"In {report.label} we received {counted(s1, 'complaint')} at stage 1, and "
            f"{counted(s2, 'resident')} asked for {'its' if s2 == 1 else 'their'} complaint to go to stage 2")
    if before is None:
        return said + "."
    b1 = _count(before, "received.stage1.total")
    change = "the same as" if s1 == b1 else (f"{s1 - b1} more than" if s1 > b1 else f"{b1 - s1} fewer than")
    return said + f": {change} the {b1} stage 1 complaints of {before_label}."


def _timeliness(report: AnnualReport) -> str:
    parts = []
    for n in STAGES:
        answered = _count(report, f"tsm.CH02.stage{n}_responses")
        pct = report.figure(f"tsm.CH02.stage{n}_within_timescale_pct")
        if pct.value is not None:
            parts.append(f"{pct.text} of the {answered} stage {n} responses")
    if not parts:
        return "No response was sent in the year, so none can be judged on time or late."
    return " and ".join(parts) + " were sent within the Code's timescales."


def _theme_figures(report: AnnualReport) -> list[Figure]:
    return [f for f in report.section("learning").figures
            if f.path[:2] == ("learning", "by_theme") and f.path[2] != "(none)" and f.value]


def _themes(report: AnnualReport) -> str:
    """The three themes recorded most often; without themes, the three biggest categories."""
    themes = sorted(_theme_figures(report), key=lambda f: (-int(f.value or 0), f.label))[:3]
    if themes:
        named = [f"{f.label.removeprefix('Theme: ')} ({f.value})" for f in themes]
        return f"The {'theme' if len(named) == 1 else 'themes'} behind most complaints: {_listed(named)}."
    categories = [f for f in report.section("by_category").figures if f.path[1] == "stage1" and f.value]
    categories = sorted(categories, key=lambda f: (-int(f.value or 0), f.path[2]))[:3]
    if categories:
        named = [f"{f.path[2]} ({f.value})" for f in categories]
        return f"No themes were recorded; the biggest categories of complaint were {_listed(named)}."
    return ""


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _ombudsman(report: AnnualReport) -> str:
    findings = _count(report, "around.ombudsman.findings.total")
    if not findings:
        return f"The Ombudsman made no finding about our complaint handling in {report.label}."
    fault = _count(report, "around.ombudsman.findings.fault")
    severe = _count(report, "around.ombudsman.findings.by_determination.severe_maladministration")
    said = (f"The Ombudsman determined {counted(findings, 'finding')}: {fault} of maladministration or service failure"
            + (f", {severe} of them severe maladministration" if severe else ""))
    rate = report.figure("around.ombudsman.maladministration_rate_pct")
    return said + (f" (a maladministration rate of {rate.text})." if rate.value is not None else ".")


def _improvements(report: AnnualReport) -> list[str]:
    done = report.figure("learning.improvements.in_place")
    if not done.value:
        return [f"No service improvement was recorded as put in place in {report.label}."]
    lines = [f"{counted(int(done.value), 'service improvement')} put in place because of complaints:"]
    lines += [f"• {detail.split(' · ')[0]}" for _ref, detail in done.items[:MOST_IMPROVEMENTS]]
    if len(done.items) > MOST_IMPROVEMENTS:
        lines.append(f"• and {len(done.items) - MOST_IMPROVEMENTS} more, listed under Learning from complaints.")
    return lines
