"""The Ombudsman pre-flight: every breach of the Code on one complaint that its records show,
each with its provision and the records behind it, so that a landlord knows what the
Ombudsman will find before the Ombudsman does (issue 18).

Pure: no Textual and no SQL. It takes one complaint's facts (store.preflight_queries loads
them) and judges them by the same rules as the figures, never a second copy of a rule:

- the acknowledgement (6.2, 6.11) and the response (6.3, 6.14): chc_tui.rules.measures;
- each extension (6.4, 6.5, 6.15, 6.16): chc_tui.rules.extension_standard;
- the same person at both stages (6.13): store.stage_people, as the self-assessment reads it;
- each letter as sent, against the items the Code asks of it: chc_tui.documents.letters;
- remedies (7.3) and outstanding actions (6.6, 6.17) past their date: chc_tui.rules.deadlines;
- a refusal without the Ombudsman route explained, or not known to have been (2.4).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from chc_tui.rules.calendar import WorkingCalendar
from chc_tui.rules.deadlines import is_overdue
from chc_tui.rules.extension_standard import ExtensionRecord, extension_shortfalls, shortfalls_text
from chc_tui.rules.measures import Acknowledgement, Timeliness, judge_acknowledgement, judge_response
from chc_tui.rules.policy import CodePolicy

if TYPE_CHECKING:
    from chc_tui.documents.letters import LetterFacts

# What the pre-flight looks at, in the order its breaches are listed.
CHECKS = (
    "acknowledgement within the Code's timescale (6.2, 6.11)",
    "response within target or an extension in line with the Code (6.3, 6.14)",
    "each extension in line with the Code (6.4, 6.5, 6.15, 6.16)",
    "nobody who considered stage 1 considered stage 2 (6.13)",
    "each letter as sent gives what the Code requires",
    "remedies and outstanding actions done by their dates (7.3, 6.6, 6.17)",
    "a refusal explains the right to go to the Ombudsman (2.4)",
)


def _d(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else "(no date)"


# --- the facts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class JudgedStageFacts:
    """One stage as the rules judge it (satisfies chc_tui.rules.measures.JudgedStage)."""

    stage: int
    opened_on: date
    acknowledged_on: date | None
    acknowledge_due: date | None  # the stage's first "acknowledge" deadline, stored when it opened
    responded_on: date | None
    target_due: date | None  # the first response deadline fixed at acknowledgement
    extensions: tuple[ExtensionRecord, ...] = ()
    refused_here: bool = False
    withdrawn_here: bool = False
    ended_on: date | None = None  # escalated, refused, withdrawn or closed: no response is now due


@dataclass(frozen=True)
class SentLetter:
    """A letter as stored when sent, with what the Code asks of it. `facts` are the records
    as they stood for it; `alternatives` the same facts naming each earlier handler of the
    stage (an item counts as missing only when no version of the facts finds it)."""

    letter_id: int
    kind_label: str
    stage: int
    sent_on: date
    body: str
    facts: "LetterFacts | None"  # None: a kind of letter the Code asks nothing of here
    alternatives: "tuple[LetterFacts, ...]" = ()


@dataclass(frozen=True)
class FollowUp:
    """A remedy (7.3) or an outstanding action (6.6, 6.17) with a date to be done by."""

    kind: str  # "remedy" | "action"
    description: str
    stage: int
    due_on: date | None
    done_on: date | None = None
    declined_on: date | None = None  # a remedy the resident declined: nothing left to do
    offered_on: date | None = None


@dataclass(frozen=True)
class RefusalFacts:
    stage: int
    refused_on: date
    ombudsman_right_explained: bool | None  # None: not known (imported)


@dataclass(frozen=True)
class ComplaintFacts:
    reference: str
    stages: tuple[JudgedStageFacts, ...]
    refusal: RefusalFacts | None = None
    considered_both: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (who, what they did at each stage)
    letters: tuple[SentLetter, ...] = ()
    follow_ups: tuple[FollowUp, ...] = ()
    unverified: bool = False  # imported from a spreadsheet and not yet verified


# --- what it finds ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Breach:
    provision: str  # "6.2", "6.4, 6.5"
    title: str
    detail: str
    records: tuple[str, ...] = ()  # the records behind it, each with its date


@dataclass(frozen=True)
class Preflight:
    reference: str
    breaches: tuple[Breach, ...]
    checked: tuple[str, ...] = CHECKS
    unverified: bool = False

    @property
    def clean(self) -> bool:
        return not self.breaches


def _stage_opened(stage: JudgedStageFacts) -> str:
    return f"Stage {stage.stage} {'received' if stage.stage == 1 else 'escalation requested'} {_d(stage.opened_on)}"


def _acknowledgement(stage: JudgedStageFacts, today: date, calendar: WorkingCalendar, policy: CodePolicy) -> list[Breach]:
    if judge_acknowledgement(stage, today) is not Acknowledgement.LATE:
        return []
    provision = policy.for_stage(stage.stage).acknowledge_provision
    due = stage.acknowledge_due
    assert due is not None  # judged late against it
    records = [_stage_opened(stage), f"Acknowledgement due {_d(due)} (Code {provision})"]
    if stage.acknowledged_on is not None:
        late = calendar.working_days_between(due, stage.acknowledged_on)
        detail = f"acknowledged {_d(stage.acknowledged_on)}, {late} working days after it was due on {_d(due)}"
        records.append(f"Acknowledged {_d(stage.acknowledged_on)}")
    else:
        detail = f"not acknowledged; it was due on {_d(due)}"
        records.append(f"Not acknowledged as at {_d(today)}")
    return [Breach(provision, f"Stage {stage.stage} acknowledged late", detail, tuple(records))]


def _final_due(stage: JudgedStageFacts) -> date | None:
    return stage.extensions[-1].new_due if stage.extensions else stage.target_due  # type: ignore[attr-defined]


def _extension_record(number: int, ext) -> str:
    return (f"Extension {number}: decided {_d(ext.decided_on) if ext.decided_on else '(date not known)'}, "
            f"from {_d(ext.previous_due)} to {_d(ext.new_due)}, resident told "
            f"{_d(ext.told_resident_on) if ext.told_resident_on else '(not recorded)'}")


def _response(stage: JudgedStageFacts, today: date, calendar: WorkingCalendar, policy: CodePolicy) -> list[Breach]:
    provision = policy.for_stage(stage.stage).respond_provision
    records = [_stage_opened(stage)]
    if stage.acknowledged_on is not None:
        records.append(f"Acknowledged {_d(stage.acknowledged_on)}")
    if stage.target_due is not None:
        records.append(f"Response due {_d(stage.target_due)} (Code {provision})")
    records += [_extension_record(n, e) for n, e in enumerate(stage.extensions, start=1)]
    if stage.responded_on is None:
        # No response is due once refused or withdrawn; one escalated or closed unanswered
        # was overdue if its deadline had passed by then.
        final, by = _final_due(stage), stage.ended_on or today
        if stage.refused_here or stage.withdrawn_here or not is_overdue(final, by):
            return []
        records.append(f"No response as at {_d(today)}" if stage.ended_on is None
                       else f"No response before the stage ended on {_d(stage.ended_on)}")
        return [Breach(provision, f"Stage {stage.stage} response overdue",
                       f"no response sent; it was due on {_d(final)}", tuple(records))]
    judged, why = judge_response(stage, calendar, policy)
    if judged.within_timescale:
        return []
    records.append(f"Responded {_d(stage.responded_on)}")
    title = (f"Stage {stage.stage} response out of target" if judged is Timeliness.OUT_OF_TARGET
             else f"Stage {stage.stage} response late: extension not in line with the Code")
    return [Breach(provision, title, why, tuple(records))]


def _extensions(stage: JudgedStageFacts, policy: CodePolicy) -> list[Breach]:
    rules = policy.for_stage(stage.stage)
    found = []
    for number, ext in enumerate(stage.extensions, start=1):
        shortfalls = extension_shortfalls(ext, rules)
        if not shortfalls:
            continue
        provisions = ", ".join(dict.fromkeys(s.provision for s in shortfalls))
        found.append(Breach(
            provisions, f"Stage {stage.stage} extension {number} not in line with the Code",
            shortfalls_text(shortfalls),
            (f"Response deadline it replaced {_d(ext.previous_due)}", _extension_record(number, ext)),
        ))
    return found


def _independence(facts: ComplaintFacts) -> list[Breach]:
    if not facts.considered_both:
        return []
    names = ", ".join(who for who, _what in facts.considered_both)
    return [Breach("6.13", "The same person considered both stages",
                   f"{names} considered stage 1 and stage 2",
                   tuple(f"{who}: {', '.join(what)}" for who, what in facts.considered_both))]


def letter_gaps(letter: SentLetter) -> list[tuple[str, str]]:
    """What the letter as sent lacks of the items the Code asks of it, as (provision, what):
    items the records did not hold when it was sent, and items its text does not give
    (chc_tui.documents.letters.missing_from_text, the check made when a letter is sent)."""
    from chc_tui.documents.letters import required_items, unsaid

    if letter.facts is None:
        return []

    def gaps(facts: LetterFacts) -> dict[tuple[str, str], str]:
        not_said = {item.label for item, _message in unsaid(facts, letter.body)}
        found = {}
        for item in required_items(facts):
            if not item.present:
                found[item.provision, item.label] = f"the records held no {item.label} when it was sent"
            elif item.label in not_said:
                found[item.provision, item.label] = f"it does not give {item.label}" + (
                    f" (\u201c{item.needle}\u201d)" if item.needle else "")
        return found

    found = gaps(letter.facts)
    for other in letter.alternatives:  # found under every version of the facts
        theirs = gaps(other)
        found = {key: what for key, what in found.items() if key in theirs}
    return [(provision, what) for (provision, _label), what in found.items()]


def _letters(facts: ComplaintFacts) -> list[Breach]:
    found = []
    for letter in facts.letters:
        gaps = letter_gaps(letter)
        if not gaps:
            continue
        provisions = ", ".join(dict.fromkeys(p for p, _what in gaps if p)) or "5.12"
        found.append(Breach(
            provisions, f"{letter.kind_label} letter sent without a required item",
            "; ".join(what + (f" (Code {p})" if p else "") for p, what in gaps),
            (f"Letter {letter.letter_id}: {letter.kind_label}, stage {letter.stage}, sent {_d(letter.sent_on)}",),
        ))
    return found


def _follow_ups(facts: ComplaintFacts, today: date, policy: CodePolicy) -> list[Breach]:
    found = []
    for item in facts.follow_ups:
        if item.done_on is not None or item.declined_on is not None or not is_overdue(item.due_on, today):
            continue
        if item.kind == "remedy":
            provision, title = "7.3", "Remedy not done by its date"
            offered = f", offered {_d(item.offered_on)}" if item.offered_on else ""
            record = f"Remedy (stage {item.stage}{offered}): {item.description}; due {_d(item.due_on)}; not done"
        else:
            provision = "6.6" if item.stage == 1 else "6.17"
            title = "Outstanding action not done by its date"
            record = f"Action (stage {item.stage}): {item.description}; due {_d(item.due_on)}; not done"
        found.append(Breach(provision, title, f"due {_d(item.due_on)}, not done as at {_d(today)}", (record,)))
    return found


def _refusal(facts: ComplaintFacts) -> list[Breach]:
    refusal = facts.refusal
    if refusal is None or refusal.ombudsman_right_explained:
        return []
    record = (f"Refusal at stage {refusal.stage} on {_d(refusal.refused_on)}: right to go to the Ombudsman "
              + ("not known (imported, not verified)" if refusal.ombudsman_right_explained is None else "not explained"))
    if refusal.ombudsman_right_explained is None:
        return [Breach("2.4", "Refusal: the Ombudsman route not known to have been explained",
                       "imported without a record of whether the right to take the decision to the Ombudsman "
                       "was explained", (record,))]
    return [Breach("2.4", "Refusal without the Ombudsman route explained",
                   "the resident was not told of the right to take the decision to the Ombudsman", (record,))]


def preflight(facts: ComplaintFacts, today: date, calendar: WorkingCalendar, policy: CodePolicy) -> Preflight:
    """Every breach of the Code the records of this complaint show, as at `today`."""
    breaches: list[Breach] = []
    for stage in facts.stages:
        breaches += _acknowledgement(stage, today, calendar, policy)
    for stage in facts.stages:
        breaches += _response(stage, today, calendar, policy)
    for stage in facts.stages:
        breaches += _extensions(stage, policy)
    breaches += _independence(facts)
    breaches += _letters(facts)
    breaches += _follow_ups(facts, today, policy)
    breaches += _refusal(facts)
    return Preflight(facts.reference, tuple(breaches), CHECKS, facts.unverified)


def as_lines(result: Preflight) -> list[str]:
    """The pre-flight as plain lines, for the CLI and the screen."""
    if result.clean:
        return ["No breach of the Code found in the records.", "Checked:", *(f"  {c}" for c in result.checked)]
    lines: list[str] = []
    for breach in result.breaches:
        lines.append(f"Code {breach.provision}: {breach.title}")
        lines.append(f"  {breach.detail}")
        lines += [f"  - {r}" for r in breach.records]
    return lines
