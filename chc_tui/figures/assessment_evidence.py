"""Measured evidence for the self-assessment: what the records show, provision by
provision, for one financial year (1 April to 31 March).

Each figure is a numerator over a denominator with a sentence saying exactly what was
counted, and `shortfall` saying what in the records falls short of the provision. A
"Yes" answer to a provision whose figure has a shortfall is contradicted by the records.

The counting rules (all dates inclusive, the year being 1 April Y to 31 March Y+1):

- 6.2 / 6.11: stages opened in the year (complaints received, escalations requested).
  Acknowledged on or before the acknowledgement deadline: on time. Acknowledged after it,
  or not acknowledged and the deadline has passed (as of `today`): late. Not counted:
  stages refused or withdrawn before acknowledgement, and stages whose deadline is
  still ahead.
- 6.3 / 6.14: responses sent in the year. Within target: on or before the response
  deadline fixed at acknowledgement. Within an agreed extension: after it but on or
  before the final (extended) deadline, every extension of the stage being within the
  Code's limit or carrying a recorded good reason. Otherwise late. The figure counts
  the first two as on time under the Code.
- 6.4 / 6.15, 6.5 / 6.16: extensions decided in the year.
- 6.13: stage 2 escalations requested in the year: a breach if anyone who considered
  stage 2 (its handlers, or who defined, extended, answered it or signed its letters)
  also considered stage 1, by staff id (store.stage_people, the rule the steps enforce).
- 5.6: stages opened in the year; not counted: refused or withdrawn without a
  definition, or still within the acknowledgement time.
- 2.1-2.5, 5.11: refusals decided in the year.
- 5.2, 5.3: true by construction: the records hold only stage 1 and stage 2.

From the records around the complaints, each measured only when the store holds that kind
of record at all (a landlord who does not record service requests gets no 1.4 figure, not
a misleading "none"). "The year end" is 31 March, or `today` while the year is running.

- 1.4: service requests received in the year: done within the landlord's target (done on
  or before the date set when logged), done after it, not yet done.
- 1.5: complaints received in the year raised from a service request; the request was
  still being worked on when the complaint was raised if it was not done, or was done
  after the complaint's receipt.
- 3.6: representatives on record (not ended before the year began; a representative
  keeps no date it was added), with their authority confirmed by the year end.
- 5.10: reasonable adjustments in place at the year end, those past their review date
  then (one reviewed since the year end is not judged: its old review date is replaced),
  and disclosed vulnerabilities or disabilities on record.
- 5.14: restrictions on contact in force at some time in the year; those in force at the
  year end and past their review date then are a shortfall.
- 7.3: remedies due in the year: done by their due date, done late, not done and past
  due. Not counted: declined by the resident, or not done but not yet due.
- 9.1: lessons recorded in the year, the complaints linked to them, and how many led to
  a service improvement.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from chc_tui import collector
from chc_tui.rules import provisions as code
from chc_tui.steps.assessment import COMPLY_LABEL
from chc_tui.rules.financial_year import first_day as year_start, label as year_label, last_day as year_end
from chc_tui.rules.domain import ExclusionReason
from chc_tui.rules.deadlines import is_overdue
from chc_tui.rules.extension_standard import ExtensionShortfall, extension_shortfalls
from chc_tui.rules.measures import Acknowledgement, Timeliness, judge_acknowledgement, response_timeliness
from chc_tui.rules.policy import CODE_2024, CodePolicy
from chc_tui.wording import counted as plural  # `counted` names a figure's denominator here
from store import assessment_queries as q
from store.wider_record_report_queries import EvidenceFacts, ResidentRecordFacts, evidence_facts
from store.assessment_queries import AnswerRow, ExtensionFacts, RefusalFacts, StageFacts
from store.engine import Database

MAX_REFS = 6  # references named in a sentence before "and N more"


@dataclass(frozen=True)
class Figure:
    provision: str
    numerator: int
    denominator: int
    text: str
    """The sentence for the Evidence column: what was counted, and what it shows."""
    short: str
    """A few characters for a table cell: '90% 9/10' (the share first, so a narrow cell keeps it)."""
    shortfall: str = ""
    """What in the records falls short of the provision; empty when nothing does."""
    cases: tuple[str, ...] = ()
    """The complaint references behind the shortfall."""
    parts: tuple[tuple[str, int], ...] = ()
    """A breakdown, for example (('within target', 7), ('within extension', 2), ('late', 1))."""
    by_construction: bool = False
    """True when the product makes the provision hold whatever is recorded (5.2, 5.3)."""

    @property
    def percent(self) -> float | None:
        return None if not self.denominator else 100.0 * self.numerator / self.denominator

    def part(self, name: str) -> int:
        return dict(self.parts).get(name, 0)


def contradiction(figure: Figure | None, comply: str) -> tuple[bool, str]:
    """(contradicts, reason): the records contradict a "Yes" when the figure has a shortfall."""
    if figure is None or comply != "yes" or not figure.shortfall:
        return False, ""
    return True, f"Answered Yes, but the records show {figure.shortfall} (Code {figure.provision})."


# --- helpers ---------------------------------------------------------------------------


def _pct(n: int, d: int) -> str:
    return f"{100 * n / d:.0f}%" if d else "—"


def _short(n: int, d: int) -> str:
    return f"{_pct(n, d)} {n}/{d}" if d else "0/0"


def _refs(refs: list[str]) -> str:
    shown = sorted(dict.fromkeys(refs))
    text = ", ".join(shown[:MAX_REFS])
    if len(shown) > MAX_REFS:
        text += f" and {len(shown) - MAX_REFS} more"
    return text


def _in_year(day: date | None, year: int) -> bool:
    if day is None:
        return False
    start, end = _bounds(year)
    return start <= day <= end


@functools.lru_cache(maxsize=64)
def _bounds(year: int) -> tuple[date, date]:
    # Asked for every stage, refusal and record of the year: counted once a year, not each time.
    return year_start(year), year_end(year)


def _stage_words(stage: int) -> tuple[str, str]:
    """(what opens the stage, its plural) in the Code's words."""
    return ("stage 1 complaint", "stage 1 complaints") if stage == 1 else ("stage 2 escalation request", "stage 2 escalation requests")


# --- the figures -----------------------------------------------------------------------


def _acknowledgements(stages: list[StageFacts], stage: int, provision: str, year: int, today: date, policy: CodePolicy) -> Figure:
    days = policy.for_stage(stage).acknowledge_days
    one, many = _stage_words(stage)
    judged = Counter()
    late_refs: list[str] = []
    for f in stages:
        if f.stage != stage or not _in_year(f.opened_on, year):
            continue
        outcome = judge_acknowledgement(f, today)  # the report's 6.2 figure counts the same way
        judged[outcome] += 1
        if outcome is Acknowledgement.LATE:
            late_refs.append(f.reference)
    late = judged[Acknowledgement.LATE]
    counted = judged[Acknowledgement.ON_TIME] + late
    pending, ended = judged[Acknowledgement.NOT_YET_DUE], judged[Acknowledgement.ENDED]
    on_time = counted - late
    label = year_label(year)
    if counted:
        text = (
            f"{label}: {on_time} of {plural(counted, one, many)} received in the year "
            f"{'was' if counted == 1 else 'were'} acknowledged, defined and logged within {days} working days "
            f"({_pct(on_time, counted)})"
        )
        if late:
            text += f"; {late} late or not yet acknowledged past the deadline ({_refs(late_refs)})"
    else:
        text = f"{label}: no {many} received in the year to measure"
    notes = []
    if ended:
        notes.append(f"{ended} refused or withdrawn before acknowledgement")
    if pending:
        notes.append(f"{pending} not yet due")
    if notes:
        text += f". Not counted: {', '.join(notes)}"
    text += "."
    shortfall = ""
    if late:
        shortfall = f"{late} of {counted} {many} acknowledged late or not at all within {days} working days ({_refs(late_refs)})"
    return Figure(provision, on_time, counted, text, _short(on_time, counted), shortfall, tuple(late_refs), (("on time", on_time), ("late", late)))


def _responses(stages: list[StageFacts], stage: int, provision: str, year: int, policy: CodePolicy) -> Figure:
    rules = policy.for_stage(stage)
    judged = Counter()
    late_refs: list[str] = []
    unverified: list[str] = []
    for f in stages:
        if f.stage != stage or not _in_year(f.responded_on, year) or f.target_due is None:
            continue
        timeliness = response_timeliness(f, f.target_due, rules)  # as the report's CH02
        judged[timeliness] += 1
        if f.unverified:
            unverified.append(f.reference)
        if not timeliness.within_timescale:
            late_refs.append(f.reference)
    within, extended = judged[Timeliness.WITHIN_TARGET], judged[Timeliness.WITHIN_EXTENSION]
    not_in_line, out = judged[Timeliness.LATE_EXTENSION_NOT_IN_LINE], judged[Timeliness.OUT_OF_TARGET]
    late = not_in_line + out
    total = within + extended + late
    on_time = within + extended
    label = year_label(year)
    if total:
        text = (
            f"{label}: of {plural(total, f'stage {stage} response')} sent in the year, {within} within "
            f"{rules.respond_days} working days of acknowledgement ({_pct(within, total)}), {extended} within an "
            f"extension agreed in line with the Code ({_pct(extended, total)}), {out} out of target "
            f"({_pct(out, total)}), {not_in_line} late on an extension not in line with the Code "
            f"({_pct(not_in_line, total)})"
        )
        if late:
            text += f": {_refs(late_refs)}"
        if unverified:
            text += f"; {len(unverified)} rest on imported records not yet verified ({_refs(unverified)})"
        text += "."
    else:
        text = f"{label}: no stage {stage} responses sent in the year to measure."
    shortfall = f"{late} of {total} stage {stage} responses sent late ({_refs(late_refs)})" if late else ""
    return Figure(
        provision, on_time, total, text, _short(on_time, total), shortfall, tuple(late_refs),
        (("within target", within), ("within extension", extended), ("out of target", out),
         ("late: extension not in line with the Code", not_in_line)),
    )


def _extension_limits(extensions: list[ExtensionFacts], stage: int, provision: str, year: int, policy: CodePolicy) -> Figure:
    """6.4 / 6.15: each extension decided and told by the deadline it replaced, within the
    limit or with a good reason (rules.extension_standard, as CH02 counts it)."""
    rules = policy.for_stage(stage)
    limit = rules.max_extension_days
    mine = [e for e in extensions if e.stage == stage]
    short = {id(e): [x for x in extension_shortfalls(e, rules) if x.provision == provision] for e in mine}
    kinds = {id(e): {x.kind for x in short[id(e)]} for e in mine}

    def having(*wanted: ExtensionShortfall) -> list[ExtensionFacts]:
        return [e for e in mine if kinds[id(e)] & set(wanted)]

    within = [e for e in mine if rules.within_extension_limit(e.working_days_beyond_target)]
    with_reason = [e for e in mine if rules.past_limit_with_reason(e.working_days_beyond_target, e.good_reason)]
    without = having(ExtensionShortfall.PAST_LIMIT_WITHOUT_GOOD_REASON)
    decided_late = having(ExtensionShortfall.DECIDED_AFTER_DEADLINE, ExtensionShortfall.DECISION_DATE_NOT_KNOWN)
    told_late = having(ExtensionShortfall.TOLD_AFTER_DEADLINE, ExtensionShortfall.TOLD_NOT_RECORDED)
    in_line = [e for e in mine if not short[id(e)]]
    unverified = [e for e in mine if e.unverified]
    label = year_label(year)
    total = len(mine)
    if total:
        text = (
            f"{label}: of {plural(total, f'stage {stage} extension')} decided in the year, {len(in_line)} agreed in "
            f"line with the Code (decided and the resident told by the deadline it replaced, within {limit} working "
            f"days of the response deadline or with a good reason). {len(within)} within the limit, "
            f"{len(with_reason)} past it with a good reason recorded, {len(without)} past it without one; "
            f"{len(decided_late)} decided after the deadline it replaced or on a date not known; "
            f"{len(told_late)} with the resident told after it or not recorded"
        )
        if unverified:
            text += f"; {len(unverified)} rest on imported facts not yet verified ({_refs([e.reference for e in unverified])})"
        text += "."
    else:
        text = f"{label}: no stage {stage} extensions decided in the year."
    problems, cases = [], []
    for group, what in (
        (without, f"past {limit} working days without a good reason"),
        (decided_late, "decided after the deadline it replaced (or the date is not known)"),
        (told_late, "with the resident told after the deadline it replaced, or not recorded"),
    ):
        if group:
            refs = [e.reference for e in group]
            problems.append(f"{plural(len(group), 'extension')} {what} ({_refs(refs)})")
            cases += refs
    return Figure(
        provision, len(in_line), total, text, _short(len(in_line), total), "; ".join(problems), tuple(dict.fromkeys(cases)),
        (("in line with the Code", len(in_line)), ("within limit", len(within)), ("past limit, good reason", len(with_reason)),
         ("past limit, no reason", len(without)), ("decided late or not known", len(decided_late)),
         ("told late or not recorded", len(told_late))),
    )


def _ombudsman_details(extensions: list[ExtensionFacts], stage: int, provision: str, year: int) -> Figure:
    mine = [e for e in extensions if e.stage == stage]
    given = [e for e in mine if e.ombudsman_details_given]
    missing = [e.reference for e in mine if e.ombudsman_details_given is False]
    unknown = [e.reference for e in mine if e.ombudsman_details_given is None]
    label = year_label(year)
    if mine:
        text = (
            f"{label}: the Ombudsman's contact details were given with {len(given)} of "
            f"{plural(len(mine), f'stage {stage} extension')} decided in the year ({_pct(len(given), len(mine))})"
        )
        if missing:
            text += f"; not given with {_refs(missing)}"
        if unknown:
            text += f"; not known (imported, not verified) for {_refs(unknown)}"
        text += "."
    else:
        text = f"{label}: no stage {stage} extensions decided in the year."
    not_shown = missing + unknown
    shortfall = (f"{plural(len(not_shown), f'stage {stage} extension')} without the Ombudsman's contact details "
                 f"recorded as given ({_refs(not_shown)})") if not_shown else ""
    return Figure(provision, len(given), len(mine), text, _short(len(given), len(mine)), shortfall, tuple(not_shown))


def _independent_stage_two(stages: list[StageFacts], year: int) -> Figure:
    mine = [f for f in stages if f.stage == 2 and _in_year(f.opened_on, year)]
    same = [f.reference for f in mine if f.considered_both]
    ok = len(mine) - len(same)
    label = year_label(year)
    if mine:
        text = (
            f"{label}: {ok} of {plural(len(mine), 'stage 2 escalation')} requested in the year "
            f"{'was' if len(mine) == 1 else 'were'} considered only by people who had not considered stage 1 "
            f"(its handlers, definer, responder, extender or letter signers), by staff id"
        )
        text += f"; the same person at both stages: {_refs(same)}." if same else "."
    else:
        text = f"{label}: no stage 2 escalations requested in the year."
    shortfall = f"{plural(len(same), 'stage 2 complaint')} handled by someone who considered stage 1 ({_refs(same)})" if same else ""
    return Figure("6.13", ok, len(mine), text, _short(ok, len(mine)), shortfall, tuple(same))


def _definitions(stages: list[StageFacts], year: int, today: date) -> Figure:
    counted, missing = 0, []
    ended = pending = 0
    for f in stages:
        if not _in_year(f.opened_on, year):
            continue
        if f.defined:
            counted += 1
        elif f.refused_here or f.withdrawn_here:
            ended += 1
        elif f.acknowledge_due is not None and f.acknowledge_due >= today:
            pending += 1
        else:
            counted += 1
            missing.append(f.reference)
    defined = counted - len(missing)
    label = year_label(year)
    if counted:
        text = (
            f"{label}: {defined} of {counted} complaint stages opened in the year (stage 1 complaints and stage 2 "
            f"escalations) have a recorded complaint definition: the landlord's understanding, the outcomes sought "
            f"and the aspects it is and is not responsible for ({_pct(defined, counted)})"
        )
        if missing:
            text += f"; none recorded for {_refs(missing)}"
    else:
        text = f"{label}: no complaint stages opened in the year to measure"
    notes = []
    if ended:
        notes.append(f"{ended} refused or withdrawn before a definition")
    if pending:
        notes.append(f"{pending} still within the acknowledgement time")
    if notes:
        text += f". Not counted: {', '.join(notes)}"
    text += "."
    shortfall = f"{len(missing)} of {counted} complaint stages without a recorded complaint definition ({_refs(missing)})" if missing else ""
    return Figure("5.6", defined, counted, text, _short(defined, counted), shortfall, tuple(missing))


def _normalised(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def _refusals(refusals: list[RefusalFacts], year: int) -> dict[str, Figure]:
    label = year_label(year)
    total = len(refusals)
    none = f"{label}: no complaints refused in the year."
    figures: dict[str, Figure] = {}

    def is_explained(r: RefusalFacts) -> bool:
        return bool(r.explanation.strip() and r.exclusion_reason.strip())

    explained = [r for r in refusals if is_explained(r)]
    unexplained = [r.reference for r in refusals if not is_explained(r)]  # (not "not in explained": n²)
    text = (
        f"{label}: {len(explained)} of {plural(total, 'complaint')} refused in the year "
        f"{'has' if total == 1 else 'have'} a recorded reason and explanation ({_pct(len(explained), total)})."
        if total else none
    )
    figures["2.1"] = Figure(
        "2.1", len(explained), total, text, _short(len(explained), total),
        f"{plural(len(unexplained), 'refusal')} without a recorded reason ({_refs(unexplained)})" if unexplained else "",
        tuple(unexplained),
    )

    known = {r.value for r in ExclusionReason}
    counts = Counter(r.exclusion_reason for r in refusals)
    listed = [r for r in refusals if r.exclusion_reason in known]
    unlisted = [r.reference for r in refusals if r.exclusion_reason not in known]
    breakdown = "; ".join(f"{ExclusionReason(k).label}: {counts[k]}" for k in (e.value for e in ExclusionReason) if counts[k])
    text = f"{label}: {plural(total, 'refusal')} in the year by exclusion: {breakdown}." if total else none
    figures["2.2"] = Figure(
        "2.2", len(listed), total, text, _short(len(listed), total),
        f"{plural(len(unlisted), 'refusal')} on a ground the complaints policy does not list ({_refs(unlisted)})" if unlisted else "",
        tuple(unlisted),
        tuple((ExclusionReason(k).label, counts[k]) for k in (e.value for e in ExclusionReason)),
    )

    old = [r for r in refusals if r.exclusion_reason == ExclusionReason.OVER_TWELVE_MONTHS]
    text = (
        f"{label}: {len(old)} of {plural(total, 'refusal')} in the year were for issues over 12 months old; "
        f"each has its own explanation, where the discretion considered should be stated."
        if total else none
    )
    figures["2.3"] = Figure("2.3", len(old), total, text, f"{len(old)}/{total} >12m" if total else "0/0")

    told = [r for r in refusals if r.ombudsman_right_explained]
    untold = [r.reference for r in refusals if not r.ombudsman_right_explained]
    unknown = [r.reference for r in refusals if r.ombudsman_right_explained is None]
    text = (
        f"{label}: {len(told)} of {plural(total, 'refusal')} in the year recorded an explanation to the resident "
        f"and their right to take the decision to the Ombudsman ({_pct(len(told), total)})"
        + (f"; not recorded for {_refs(untold)}" if untold else "")
        + (f" ({len(unknown)} not known: imported, not verified)" if unknown else "") + "."
        if total else none
    )
    figures["2.4"] = Figure(
        "2.4", len(told), total, text, _short(len(told), total),
        f"{plural(len(untold), 'refusal')} without the right to go to the Ombudsman explained ({_refs(untold)})" if untold else "",
        tuple(untold),
    )

    seen = Counter(_normalised(r.explanation) for r in refusals)
    repeated = [r.reference for r in refusals if seen[_normalised(r.explanation)] > 1]
    individual = total - len(repeated)
    text = (
        f"{label}: {individual} of {plural(total, 'refusal')} in the year {'has' if total == 1 else 'have'} an "
        f"individual explanation, used for no other refusal"
        + (f"; {len(repeated)} share an explanation word for word with another refusal, a possible blanket exclusion: {_refs(repeated)}." if repeated else ".")
        if total else none
    )
    figures["2.5"] = Figure(
        "2.5", individual, total, text, _short(individual, total),
        f"{len(repeated)} refusals with the same explanation word for word, a possible blanket exclusion ({_refs(repeated)})" if repeated else "",
        tuple(repeated),
    )

    stage_two = [r for r in refusals if r.stage == 2]
    def is_good(r: RefusalFacts) -> bool:
        return bool(r.explanation.strip() and r.ombudsman_right_explained)

    good = [r for r in stage_two if is_good(r)]
    bad = [r.reference for r in stage_two if not is_good(r)]
    text = (
        f"{label}: {plural(len(stage_two), 'complaint')} refused at stage 2 in the year; {len(good)} with the reasons "
        f"and the right to go to the Ombudsman recorded."
        if stage_two else f"{label}: no complaints refused at stage 2 in the year."
    )
    figures["5.11"] = Figure(
        "5.11", len(good), len(stage_two), text, _short(len(good), len(stage_two)),
        f"{plural(len(bad), 'stage 2 refusal')} without recorded reasons or the Ombudsman right ({_refs(bad)})" if bad else "",
        tuple(bad),
    )
    return figures


def _two_stages(stages: list[StageFacts], year: int) -> dict[str, Figure]:
    opened = [f for f in stages if _in_year(f.opened_on, year)]
    one = sum(1 for f in opened if f.stage == 1)
    two = sum(1 for f in opened if f.stage == 2)
    label = year_label(year)
    base = (
        f"{label}: {plural(one, 'stage 1 complaint')} and {plural(two, 'stage 2 escalation')} in the year. "
        f"True by construction: the records hold only stage 1 and stage 2"
    )
    figures = {
        "5.2": Figure(
            "5.2", one + two, len(opened), base + ", with no 'stage 0', 'informal' or other extra named stage.",
            "2 stages", parts=(("stage 1", one), ("stage 2", two)), by_construction=True,
        ),
        "5.3": Figure(
            "5.3", one + two, len(opened), base + "; no third stage can be recorded (escalating past stage 2 is refused).",
            "2 stages", parts=(("stage 1", one), ("stage 2", two)), by_construction=True,
        ),
    }
    return figures


# --- the records around the complaints ----------------------------------------------------


def _d(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def _service_requests(around: EvidenceFacts, year: int) -> dict[str, Figure]:
    label = year_label(year)
    received = [r for r in around.service_requests if _in_year(r.received_on, year)]
    within = [r for r in received if r.done_on is not None and r.done_on <= r.due_on]
    late = [r for r in received if r.done_on is not None and r.done_on > r.due_on]
    open_ = [r for r in received if r.done_on is None]
    n = len(received)
    if n:
        text = (
            f"{label}: {plural(n, 'service request')} recorded in the year, separately from complaints; "
            f"{len(within)} done within the landlord's target ({_pct(len(within), n)}), {len(late)} done after it, "
            f"{len(open_)} not yet done"
        )
        text += f" ({_refs([r.reference for r in open_])})." if open_ else "."
    else:
        text = f"{label}: no service requests recorded in the year to measure."
    figures = {"1.4": Figure(
        "1.4", len(within), n, text, _short(len(within), n),
        parts=(("within target", len(within)), ("late", len(late)), ("not done", len(open_))),
    )}

    raised = [r for r in around.service_requests if _in_year(r.complaint_received_on, year)]
    def still_worked_on(r) -> bool:
        return r.done_on is None or r.done_on > r.complaint_received_on

    carried_on = [r for r in raised if still_worked_on(r)]
    finished = [r for r in raised if not still_worked_on(r)]
    m = len(raised)
    if m:
        text = (
            f"{label}: {plural(m, 'complaint')} received in the year {'was' if m == 1 else 'were'} raised from a "
            f"service request; for {len(carried_on)} of them the request was still being worked on when the complaint "
            f"was raised ({_pct(len(carried_on), m)})"
        )
        if carried_on:
            text += f": {_refs([r.complaint_reference for r in carried_on])}"
        done_after = [r for r in carried_on if r.done_on is not None]
        if carried_on:
            text += (f", of which {len(done_after)} {'was' if len(done_after) == 1 else 'were'} done after the "
                     f"complaint, evidence that work on the request carried on")
        if finished:
            text += f"; {len(finished)} raised after the request was done"
        text += "."
    else:
        text = f"{label}: no complaints raised from a service request in the year."
    figures["1.5"] = Figure(
        "1.5", len(carried_on), m, text, _short(len(carried_on), m),
        parts=(("request ongoing", len(carried_on)), ("request already done", len(finished))),
    )
    return figures


def _current_at(row: ResidentRecordFacts, cutoff: date) -> bool:
    return row.start is not None and row.start <= cutoff and (row.ended_on is None or row.ended_on > cutoff)


def _review_overdue(row: ResidentRecordFacts, cutoff: date) -> bool | None:
    """Past its review date at `cutoff`; None when a review recorded since has replaced
    the date that applied then."""
    if row.reviewed_on is not None and row.reviewed_on > cutoff:
        return None
    return is_overdue(row.review_on, cutoff)


def _representatives(around: EvidenceFacts, year: int, cutoff: date) -> Figure:
    label = year_label(year)
    reps = list(around.representatives)
    confirmed = [r for r in reps if r.start is not None and r.start <= cutoff]
    unconfirmed = [r.reference for r in reps if r.start is None or r.start > cutoff]  # (not "not in": n²)
    n = len(reps)
    if n:
        text = (
            f"{label}: {plural(n, 'representative')} recorded as acting for residents (not ended before the year "
            f"began); authority to act confirmed by {_d(cutoff)} for {len(confirmed)} ({_pct(len(confirmed), n)})"
        )
        text += f"; not confirmed: {_refs(unconfirmed)}." if unconfirmed else "."
    else:
        text = f"{label}: no representatives recorded in the year."
    return Figure("3.6", len(confirmed), n, text, _short(len(confirmed), n),
                  parts=(("authority confirmed", len(confirmed)), ("not confirmed", len(unconfirmed))))


def _adjustments(around: EvidenceFacts, year: int, cutoff: date) -> Figure:
    label = year_label(year)
    current = [a for a in around.adjustments if _current_at(a, cutoff)]
    overdue = [a for a in current if _review_overdue(a, cutoff)]
    since = [a for a in current if _review_overdue(a, cutoff) is None]
    kept = len(current) - len(overdue)
    disclosed = [v for v in around.vulnerabilities if _current_at(v, cutoff)]
    new = [v for v in disclosed if _in_year(v.start, year)]
    n = len(current)
    if n:
        text = (
            f"{label}: {plural(n, 'reasonable adjustment')} in place on {_d(cutoff)}; {kept} within "
            f"{'its' if n == 1 else 'their'} review date ({_pct(kept, n)})"
        )
        if overdue:
            text += f", {len(overdue)} past {'its' if len(overdue) == 1 else 'their'} review date ({_refs([a.reference for a in overdue])})"
        if since:
            text += f", {len(since)} reviewed since (not judged)"
    else:
        text = f"{label}: no reasonable adjustments in place on {_d(cutoff)}"
    text += (f"; {plural(len(disclosed), 'disclosed vulnerability or disability', 'disclosed vulnerabilities or disabilities')} "
             f"on record, {len(new)} disclosed in the year.")
    shortfall = (f"{plural(len(overdue), 'reasonable adjustment')} past {'its' if len(overdue) == 1 else 'their'} "
                 f"review date on {_d(cutoff)} ({_refs([a.reference for a in overdue])})") if overdue else ""
    return Figure(
        "5.10", kept, n, text, _short(kept, n), shortfall, tuple(a.reference for a in overdue),
        (("in place", n), ("review overdue", len(overdue)), ("vulnerabilities", len(disclosed)),
         ("disclosed in the year", len(new))),
    )


def _restrictions(around: EvidenceFacts, year: int, cutoff: date) -> Figure:
    label = year_label(year)
    in_force = list(around.restrictions)
    overdue = [r for r in in_force if _current_at(r, cutoff) and _review_overdue(r, cutoff)]
    ok = len(in_force) - len(overdue)
    n = len(in_force)
    if n:
        text = (
            f"{label}: {plural(n, 'restriction')} on contact in force in the year, each with its reasons, "
            f"decision-maker and review date recorded; {ok} kept under review ({_pct(ok, n)})"
        )
        text += (f"; {len(overdue)} past {'its' if len(overdue) == 1 else 'their'} review date on {_d(cutoff)} "
                 f"({_refs([r.reference for r in overdue])})." if overdue else ".")
    else:
        text = f"{label}: no restrictions on contact in force in the year."
    shortfall = (f"{plural(len(overdue), 'restriction')} on contact past {'its' if len(overdue) == 1 else 'their'} "
                 f"review date on {_d(cutoff)} ({_refs([r.reference for r in overdue])})") if overdue else ""
    return Figure("5.14", ok, n, text, _short(ok, n), shortfall, tuple(r.reference for r in overdue),
                  (("reviewed in time", ok), ("review overdue", len(overdue))))


def _remedies(around: EvidenceFacts, year: int, today: date) -> Figure:
    label = year_label(year)
    due = [r for r in around.remedies if _in_year(r.due_on, year)]
    on_time = [r for r in due if r.done_on is not None and r.done_on <= r.due_on]
    late = [r for r in due if r.done_on is not None and r.done_on > r.due_on]
    missing = [r for r in due if r.done_on is None and r.declined_on is None and is_overdue(r.due_on, today)]
    declined = [r for r in due if r.done_on is None and r.declined_on is not None]
    pending = [r for r in due if r.done_on is None and r.declined_on is None and not is_overdue(r.due_on, today)]
    total = len(on_time) + len(late) + len(missing)
    if total:
        text = (
            f"{label}: of {plural(total, 'remedy', 'remedies')} due in the year, {len(on_time)} done by "
            f"{'its' if total == 1 else 'their'} due date ({_pct(len(on_time), total)}), {len(late)} done late"
        )
        text += f" ({_refs([r.reference for r in late])})" if late else ""
        text += f", {len(missing)} still not done" + (f" ({_refs([r.reference for r in missing])})" if missing else "")
    else:
        text = f"{label}: no remedies due in the year to measure"
    notes = []
    if declined:
        notes.append(f"{len(declined)} declined by the resident")
    if pending:
        notes.append(f"{len(pending)} not yet due")
    if notes:
        text += f". Not counted: {', '.join(notes)}"
    text += "."
    problems = []
    if late:
        problems.append(f"{len(late)} done late")
    if missing:
        problems.append(f"{len(missing)} still not done")
    bad = [r.reference for r in late + missing]
    shortfall = (f"{' and '.join(problems)} of {plural(total, 'remedy', 'remedies')} due in the year "
                 f"({_refs(bad)})") if problems else ""
    return Figure("7.3", len(on_time), total, text, _short(len(on_time), total), shortfall, tuple(dict.fromkeys(bad)),
                  (("done on time", len(on_time)), ("done late", len(late)), ("not done", len(missing))))


def _lessons(around: EvidenceFacts, year: int, cutoff: date) -> Figure:
    label = year_label(year)
    lessons = [x for x in around.lessons if _in_year(x.recorded_on, year)]
    taught = sorted({ref for x in lessons for ref in x.complaints})
    improving = [x for x in lessons if x.improvement]
    in_place = [x for x in improving if x.done_on is not None and x.done_on <= cutoff]
    n = len(lessons)
    if n:
        text = (
            f"{label}: {plural(n, 'lesson')} recorded in the year, learned from {plural(len(taught), 'complaint')} "
            f"({_refs(taught)}); {len(improving)} led to a service improvement ({_pct(len(improving), n)}), "
            f"{len(in_place)} in place by {_d(cutoff)}."
        )
    else:
        text = f"{label}: no lessons recorded in the year."
    return Figure("9.1", len(improving), n, text, _short(len(improving), n),
                  parts=(("lessons", n), ("complaints", len(taught)), ("with an improvement", len(improving)),
                         ("in place", len(in_place))))


def _around(around: EvidenceFacts, year: int, today: date) -> dict[str, Figure]:
    """The figures from the records around the complaints, for the kinds the store holds."""
    cutoff = min(year_end(year), today)
    figures: dict[str, Figure] = {}
    if "service_request" in around.has:
        figures.update(_service_requests(around, year))
    if "representative" in around.has:
        figures["3.6"] = _representatives(around, year, cutoff)
    if {"adjustment", "vulnerability"} & around.has:
        figures["5.10"] = _adjustments(around, year, cutoff)
    if "restriction" in around.has:
        figures["5.14"] = _restrictions(around, year, cutoff)
    if "remedy" in around.has:
        figures["7.3"] = _remedies(around, year, today)
    if "lesson" in around.has:
        figures["9.1"] = _lessons(around, year, cutoff)
    return figures


# --- the year --------------------------------------------------------------------------


MEASURED = ("2.1", "2.2", "2.3", "2.4", "2.5", "5.2", "5.3", "5.6", "5.11", "6.2", "6.3", "6.4", "6.5", "6.11", "6.13", "6.14", "6.15", "6.16")
# Measured from the records around the complaints, when the store holds that kind of record.
AROUND_MEASURED = ("1.4", "1.5", "3.6", "5.10", "5.14", "7.3", "9.1")


def measure_facts(
    stages: list[StageFacts],
    extensions: list[ExtensionFacts],
    refusals: list[RefusalFacts],
    *,
    year: int,
    today: date,
    policy: CodePolicy = CODE_2024,
    around: EvidenceFacts | None = None,
) -> dict[str, Figure]:
    """Every measured figure for the year, by provision number, from plain facts."""
    figures: dict[str, Figure] = {}
    figures.update(_refusals(refusals, year))
    figures.update(_two_stages(stages, year))
    figures["5.6"] = _definitions(stages, year, today)
    for stage, ack, respond, limit, details in ((1, "6.2", "6.3", "6.4", "6.5"), (2, "6.11", "6.14", "6.15", "6.16")):
        figures[ack] = _acknowledgements(stages, stage, ack, year, today, policy)
        figures[respond] = _responses(stages, stage, respond, year, policy)
        figures[limit] = _extension_limits(extensions, stage, limit, year, policy)
        figures[details] = _ombudsman_details(extensions, stage, details, year)
    figures["6.13"] = _independent_stage_two(stages, year)
    if around is not None:
        figures.update(_around(around, year, today))
    assert set(MEASURED) <= set(figures) <= set(MEASURED) | set(AROUND_MEASURED)
    return figures


def measure(db: Database, year: int, *, today: date, policy: CodePolicy = CODE_2024) -> dict[str, Figure]:
    """Every measured figure for the financial year starting 1 April `year`, as of `today`."""
    start, end = year_start(year), year_end(year)
    with collector.paused():
        with db.read() as session:
            stages = q.stage_facts(session, start, end)
            extensions = q.extension_facts(session, start, end)
            refusals = q.refusal_facts(session, start, end)
            around = evidence_facts(session, start, end)
        return measure_facts(stages, extensions, refusals, year=year, today=today, policy=policy, around=around)


# --- the checklist: provisions, answers and figures side by side -----------------------


@dataclass(frozen=True)
class ChecklistRow:
    provision: code.Provision
    answer: AnswerRow | None
    figure: Figure | None
    contradicts: bool
    reason: str

    @property
    def number(self) -> str:
        return self.provision.provision

    @property
    def comply(self) -> str:
        return self.answer.comply if self.answer else ""

    @property
    def comply_label(self) -> str:
        return COMPLY_LABEL[self.comply]

    @property
    def carried_over(self) -> bool:
        return bool(self.answer and self.answer.carried_over)

    @property
    def evidence(self) -> str:
        return self.answer.evidence if self.answer else ""

    @property
    def commentary(self) -> str:
        return self.answer.commentary if self.answer else ""

    @property
    def version(self) -> int:
        """The stored answer's version, 0 when none has been stored yet."""
        return self.answer.version if self.answer else 0

    def evidence_with_figure(self) -> str:
        """The Evidence column of the export: the entered evidence, then what the records
        show, then any contradiction."""
        parts = [self.evidence] if self.evidence else []
        if self.figure is not None:
            parts.append(f"From the records: {self.figure.text}")
        if self.contradicts:
            parts.append(f"Warning: {self.reason}")
        return "\n\n".join(parts)


def checklist(
    answers: dict[str, AnswerRow], figures: dict[str, Figure]
) -> list[ChecklistRow]:
    """All 72 provisions in Code order with the year's answer and figure, if any."""
    rows = []
    for p in code.provisions():
        answer = answers.get(p.provision)
        figure = figures.get(p.provision)
        contradicts, reason = contradiction(figure, answer.comply if answer else "")
        rows.append(ChecklistRow(p, answer, figure, contradicts, reason))
    return rows


def load_checklist(db: Database, year: int, *, today: date, policy: CodePolicy = CODE_2024) -> list[ChecklistRow]:
    with db.read() as session:
        answers = q.answers(session, year)
    return checklist(answers, measure(db, year, today=today, policy=policy))
