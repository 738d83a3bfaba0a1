"""Build a benchmark database: ten years of a large landlord's complaints.

    python bench/build_db.py PATH [--complaints 100000] [--seed 9] [--today YYYY-MM-DD]

The schema comes from the migrations (store.engine.open_database). The rows are then
bulk-inserted with SQLAlchemy Core executemany in large transactions, rather than through
chc_tui.steps.usecases (about 5 ms a step, far too slow for 100,000 complaints of about seven
steps each). This is benchmark data, not user input, but every row has the shape the
use-cases write:

- log:         Resident (new, or an earlier complainant again), Complaint, stage 1
               StageRecord, an 'acknowledge' Deadline and a provisional 'respond' one,
               AuditEntry 'log';
- define:      Definition (sometimes a second one later: 'redefine');
- acknowledge: the acknowledge Deadline met, the provisional one made inactive, a fixed
               'respond' Deadline counted from the acknowledgement;
- extend:      Extension, the current 'respond' Deadline made inactive, a new one with
               extension_id (sometimes twice, sometimes past the Code's limit with a good
               reason);
- respond:     Response, the 'respond' Deadline met; close; escalate to stage 2 (another
               StageRecord and its two clocks, with a different handler, Code 6.13);
- refuse / withdraw: Refusal / Withdrawal, every open Deadline made inactive;
- assign:      the stage's handler changed.

Every due date is counted with chc_tui.rules.calendar.WorkingCalendar on the database's own
calendar (region and closure days), cached per start date, with the days it skipped.
Every step is played in date order across all complaints, as handlers would have entered
them, so ids are chronological; steps dated after `today` are not played, which leaves the
recent complaints open at whatever step they have reached (plus a small backlog of older
ones left unanswered or not yet closed). About 1-2% of complaints end up open.

Letters and notes are not built: the schema has no tables for them yet (issue 6).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import string
import sys
import time
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, event  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/ is not a package
from build_wider_record import around_rows  # noqa: E402
from chc_tui.demo import build as demo
from chc_tui.rules import financial_year  # noqa: E402  (the demo's people, issues and wording)
from chc_tui.rules.calendar import DEFAULT_REGION, WorkingCalendar  # noqa: E402
from chc_tui.rules.domain import ExclusionReason  # noqa: E402
from chc_tui.rules.policy import CODE_2024  # noqa: E402
from store.engine import open_database  # noqa: E402
from store.models import (  # noqa: E402
    Action,
    Adjustment,
    AssessmentAnswer,
    AuditEntry,
    ClosureDay,
    Complaint,
    Correspondence,
    Deadline,
    Definition,
    Extension,
    Lesson,
    LessonComplaint,
    Letter,
    OmbudsmanCase,
    OmbudsmanFinding,
    OmbudsmanOrder,
    OmbudsmanRequest,
    Refusal,
    Remedy,
    Representative,
    Resident,
    Response,
    Restriction,
    ServiceRequest,
    Setting,
    StageRecord,
    Vulnerability,
    Withdrawal,
)

DEFAULT_COMPLAINTS = 100_000
YEARS = 10
NEW_RESIDENT_SHARE = 0.6  # 100,000 complaints from about 60,000 residents
CHUNK = 20_000  # rows per executemany
LETTER_FOOTER = (
    "If you need us to make any reasonable adjustment - letters in large print, in another language or "
    "in an easy-read version - please tell us. The Housing Ombudsman can look at complaints about "
    "landlords: online at https://www.housing-ombudsman.org.uk/residents/make-a-complaint/, by telephone "
    "on 0300 111 3000, or by post to Housing Ombudsman Service, PO Box 1484, Unit D, Preston, PR2 0ET. "
) * 3
HOMES_OWNED = 120_000  # about 80 complaints a year per 1,000 homes
POLICY = CODE_2024

# How a complaint's story goes (shares of all complaints, before `today` cuts it short).
REFUSED = 0.04
WITHDRAWN = 0.03
ESCALATED = 0.14  # of the stage 1 responses
EXTENDED = (0.12, 0.16)  # stage 1, stage 2
PAST_LIMIT = 0.07  # of extensions: beyond the Code's limit, with a good reason recorded
TWICE = 0.08  # of extensions: extended a second time
LATE_ACK = 0.06
LATE_RESPONSE = 0.12
REDEFINED = 0.04
REASSIGNED = 0.03
# The backlog a large landlord carries: complaints from the last year acknowledged but never
# answered (about 300, overdue by up to a year), a few from the last four months never
# acknowledged, and answered ones from the last 18 months nobody closed.
BACKLOG_DAYS = 540
UNANSWERED_DAYS = 365
UNACKNOWLEDGED_DAYS = 120
STUCK_UNANSWERED = 0.025
STUCK_UNACKNOWLEDGED = 0.004
NEVER_CLOSED = 0.01

HANDLER_POOL = [
    "Sam Okafor", "Priya Shah", "Tom Bell", "Aisha Rahman", "Gareth Lewis", "Helen Marsh",
    "Nadia Hussain", "Chris Doyle", "Lauren Price", "Owen Evans", "Zainab Ali", "Mark Fisher",
    "Ruth Campbell", "Dev Patel", "Kerry Walsh", "Ian Morgan", "Joy Mensah", "Becky Hall",
    "Tariq Iqbal", "Fiona Grant", "Paul Kowalski", "Anna Nowak",
]
STAGE_TWO_POOL = ["Gareth Lewis", "Helen Marsh", "Ruth Campbell", "Ian Morgan", "Fiona Grant"]
MANAGER = "Gareth Lewis"
DECISIONS = [("upheld", 35), ("partly_upheld", 30), ("not_upheld", 35)]
REFUSAL_REASONS = [
    (ExclusionReason.OVER_TWELVE_MONTHS, 40),
    (ExclusionReason.LEGAL_PROCEEDINGS, 25),
    (ExclusionReason.ALREADY_CONSIDERED, 20),
    (ExclusionReason.OTHER, 15),
]


# --- the working calendar, cached -------------------------------------------------------


class Days:
    """WorkingCalendar arithmetic with every answer cached: 100,000 complaints start on
    only about 3,650 different days."""

    def __init__(self, calendar: WorkingCalendar, first: date, last: date) -> None:
        self.calendar = calendar
        self._explain: dict[tuple[date, int], tuple[date, str]] = {}
        # Working days in order, to step cheaply by whole working days.
        self.working: list[date] = []
        day = first
        while day <= last:
            if calendar.is_working_day(day):
                self.working.append(day)
            day += timedelta(days=1)

    def explain(self, start: date, n: int) -> tuple[date, str]:
        """(due date, skipped_json) exactly as usecases._new_deadline stores them."""
        key = (start, n)
        found = self._explain.get(key)
        if found is None:
            counted = self.calendar.explain_add(start, n)
            found = (counted.due, json.dumps([s.to_json() for s in counted.skipped]))
            self._explain[key] = found
        return found

    def add(self, start: date, n: int) -> date:
        """The nth working day strictly after `start` (0: `start` itself)."""
        if n == 0:
            return start
        return self.working[bisect_right(self.working, start) + n - 1]

    def between(self, a: date, b: date) -> int:
        """Working days after a up to and including b (a <= b)."""
        return bisect_right(self.working, b) - bisect_right(self.working, a)


# --- wording ---------------------------------------------------------------------------


class _Fill(dict):
    def __missing__(self, key: str) -> str:
        return {
            "weeks": "six", "reported": "12 March", "room": "kitchen", "neighbour": "14",
            "block": "Cedar Court", "repair_date": "Tuesday 4 June", "handler": "the complaint handler",
            "handler1": "the stage 1 handler", "amt1": "150", "amount": "150", "on": "Friday 7 June",
            "old_month": "May 2019", "old_year": "2019", "received": "3 June", "court": "Northbridge",
            "issued": "20 May", "inspection": "Monday 10 June", "private_block": "Riverside Court",
            "num": "40211", "band": "C", "heating": "180", "statement": "28 September",
            "council_letter": "22 May", "title": "the same repair", "prev_ref": "an earlier complaint",
            "prev_responded": "14 February", "contractor": "our contractor", "failure": "we were too slow.",
            "ok": "Our contractor attended on time.",
        }.get(key, "…")


def _fill(template: str, extra: dict[str, str] | None = None) -> str:
    values = _Fill(extra or {})
    return string.Formatter().vformat(template, (), values)


@dataclass
class Issue:
    category: str
    words: list[str]
    understanding: str
    outcomes: str
    responsible: str
    not_responsible: list[str]
    reasons: dict[str, str]
    remedy_fix: str
    follow_up: str


def _issues() -> dict[str, list[Issue]]:
    out: dict[str, list[Issue]] = {}
    for category, issues in demo.CONTENT.items():
        for raw in issues:
            extra = {"contractor": raw.get("contractor", "our contractor")}
            out.setdefault(category, []).append(
                Issue(
                    category=category,
                    words=[_fill(w, extra) for w in raw["words"]],
                    understanding=_fill(raw["understanding"], extra),
                    outcomes=_fill(raw["outcomes"], extra),
                    responsible=_fill(raw["responsible"], extra),
                    not_responsible=[_fill(t, extra) for t in raw.get("not_responsible", [""])],
                    reasons={
                        "upheld": "We have upheld your complaint because " + _fill(raw.get("failure", "we got it wrong."), extra),
                        "partly_upheld": _fill(raw.get("ok", "Some of what we did was right."), extra)
                        + " But " + _fill(raw.get("failure", "we got some of it wrong."), extra),
                        "not_upheld": _fill(raw.get("not_upheld", "We did what we said we would."), extra),
                    },
                    remedy_fix=_fill(raw.get("fix", ""), extra),
                    follow_up=_fill(raw.get("follow_up", ""), extra),
                )
            )
    return out


# --- one complaint's story ---------------------------------------------------------------


@dataclass
class Story:
    seq: int
    received: date
    resident: int  # index into the residents list
    category: str
    channel: str
    issue: Issue
    words: str
    rep: tuple[str, str]
    events: list[tuple[date, str, tuple]] = field(default_factory=list)

    def add(self, on: date, kind: str, *args: Any) -> None:
        self.events.append((on, kind, args))


class Planner:
    def __init__(self, rng: random.Random, days: Days, today: date, n: int) -> None:
        self.rng = rng
        self.days = days
        self.today = today
        self.n = n
        self.issues = _issues()
        self.categories = list(demo.CATEGORY_WEIGHTS)
        self.category_weights = list(demo.CATEGORY_WEIGHTS.values())
        self.channels = [str(c) for c, _ in demo.CHANNELS]
        self.channel_weights = [w for _, w in demo.CHANNELS]
        self.residents: list[dict[str, Any]] = []

    # people

    def resident_for(self, received: date, channel: str) -> int:
        rng = self.rng
        if self.residents and rng.random() > NEW_RESIDENT_SHARE:
            # A resident who complained before: mostly someone recent.
            span = min(len(self.residents), max(50, len(self.residents) // 4))
            return len(self.residents) - 1 - int(rng.random() ** 2 * span)
        female = rng.random() < 0.58
        first = rng.choice(demo.FEMALE if female else demo.MALE)
        surname = rng.choice(demo.SURNAMES)
        if rng.random() < 0.45:
            address = f"Flat {rng.randint(1, 48)}, {rng.choice(demo.BLOCKS)}, {rng.choice(demo.STREETS)}, {demo.TOWN}"
        else:
            address = f"{rng.randint(1, 140)} {rng.choice(demo.STREETS)}, {demo.TOWN}"
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        address += f" NB{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
        email = ""
        if channel in ("email", "web_form") or rng.random() < 0.4:
            handle = "".join(ch for ch in f"{first}.{surname}".lower() if ch.isascii() and ch not in "'")
            email = f"{handle}{rng.randint(1, 99)}@example.com"
        self.residents.append(
            dict(
                id=len(self.residents) + 1,
                name=f"{first} {surname}",
                address=address,
                phone=f"07700 9{rng.randint(0, 99999):05d}" if rng.random() < 0.9 else "",
                email=email,
                preferred_channel=channel,
                version=1,
                created_at=_moment(received, 0),
            )
        )
        return len(self.residents) - 1

    def handlers_on(self, day: date) -> list[str]:
        """Seven stage 1 handlers at a time; the team changes a little every year."""
        k = (day.year * 2 + (day.month > 6)) % len(HANDLER_POOL)
        return [HANDLER_POOL[(k + j) % len(HANDLER_POOL)] for j in range(7)]

    # the story

    def plan(self, seq: int, received: date) -> Story:
        rng, days = self.rng, self.days
        category = rng.choices(self.categories, self.category_weights)[0]
        channel = rng.choices(self.channels, self.channel_weights)[0]
        issue = rng.choice(self.issues[category])
        roll = rng.random()
        rep = ("", "")
        if roll < 0.05:
            rep = (rng.choice(demo.FEMALE + demo.MALE) + " " + rng.choice(demo.SURNAMES), rng.choice(["daughter", "son"]))
        elif roll < 0.08:
            rep, channel = (rng.choice(demo.MPS), "MP"), "third_party"
        elif roll < 0.11:
            rep = (rng.choice(demo.ADVOCATES), "advocate")
        story = Story(seq, received, self.resident_for(received, channel), category, channel, issue, rng.choice(issue.words), rep)
        handler = rng.choice(self.handlers_on(received))
        story.add(received, "log", handler)

        age = (self.today - received).days
        roll = rng.random()
        if roll < REFUSED:
            reason = rng.choices([r for r, _ in REFUSAL_REASONS], [w for _, w in REFUSAL_REASONS])[0]
            story.add(days.add(received, rng.randint(0, 4)), "refuse", str(reason))
            return story
        if roll < REFUSED + WITHDRAWN:
            if rng.random() < 0.5:
                story.add(days.add(received, rng.randint(0, 3)), "withdraw", 1)
                return story
            ack = days.add(received, rng.randint(1, 5))
            story.add(ack, "define", 1, False)
            story.add(ack, "acknowledge", 1)
            story.add(days.add(ack, rng.randint(1, 8)), "withdraw", 1)
            return story

        stuck = None
        if age <= BACKLOG_DAYS:
            r = rng.random()
            if r < STUCK_UNACKNOWLEDGED and age <= UNACKNOWLEDGED_DAYS:
                stuck = "acknowledge"
            elif STUCK_UNACKNOWLEDGED <= r < STUCK_UNACKNOWLEDGED + STUCK_UNANSWERED and age <= UNANSWERED_DAYS:
                stuck = "respond"
            elif r < STUCK_UNACKNOWLEDGED + STUCK_UNANSWERED + NEVER_CLOSED:
                stuck = "close"
        responded = self._stage(story, 1, received, handler, stuck)
        if responded is None:
            return story
        if rng.random() < ESCALATED:
            requested = days.add(responded, rng.randint(1, 25))
            close_first = days.add(responded, rng.randint(0, 6))
            if close_first < requested and stuck != "close":
                story.add(close_first, "close")
            handler2 = rng.choice([h for h in STAGE_TWO_POOL if h != handler])
            story.add(requested, "escalate", handler2, rng.randrange(len(demo.ESCALATIONS)))
            if rng.random() < 0.04:  # withdrawn at stage 2
                ack = days.add(requested, rng.randint(1, 5))
                story.add(ack, "define", 2, False)
                story.add(ack, "acknowledge", 2)
                story.add(days.add(ack, rng.randint(1, 12)), "withdraw", 2)
                return story
            responded2 = self._stage(story, 2, requested, handler2, None)
            if responded2 is not None:
                story.add(days.add(responded2, rng.randint(0, 5)), "close")
        elif stuck != "close":
            story.add(days.add(responded, rng.randint(0, 10)), "close")
        return story

    def _stage(self, story: Story, stage: int, opened: date, handler: str, stuck: str | None) -> date | None:
        """Define, acknowledge, maybe extend, respond. Returns the response date, or None
        when the stage is left unanswered for good."""
        rng, days = self.rng, self.days
        rules = POLICY.for_stage(stage)
        if rng.random() < LATE_ACK:
            ack_after = rng.randint(rules.acknowledge_days + 1, rules.acknowledge_days + 5)
        else:
            ack_after = rng.choice([1, 2, 2, 3, 3, 4, 4, 5, 5, 5])
        acked = days.add(opened, ack_after)
        defined = days.add(opened, rng.randint(0, ack_after))
        story.add(defined, "define", stage, False)
        if stage == 1 and rng.random() < REASSIGNED:
            others = [h for h in self.handlers_on(opened) if h != handler]
            story.add(days.add(opened, rng.randint(0, ack_after)), "assign", rng.choice(others))
        if stuck == "acknowledge":
            return None
        story.add(acked, "acknowledge", stage)
        target, _ = days.explain(acked, rules.respond_days)
        due = target
        last_decided = None
        if rng.random() < EXTENDED[stage - 1]:
            decided = days.add(acked, rng.randint(2, rules.respond_days - 1))
            beyond = (
                rng.randint(rules.max_extension_days + 1, rules.max_extension_days * 2)
                if rng.random() < PAST_LIMIT
                else rng.randint(3, rules.max_extension_days)
            )
            due = days.add(target, beyond)
            story.add(decided, "extend", stage, due)
            last_decided = decided
            if rng.random() < TWICE:
                decided = days.add(decided, rng.randint(1, max(1, days.between(decided, due) - 1)))
                due = days.add(due, rng.randint(2, 6))
                story.add(decided, "extend", stage, due)
                last_decided = decided
        if stuck == "respond":
            return None
        if rng.random() < LATE_RESPONSE:
            responded = days.add(due, rng.randint(1, 20))
        else:
            earliest = 1 if last_decided is None else days.between(acked, last_decided) + 1
            taken = days.between(acked, due)
            responded = days.add(acked, rng.randint(max(earliest, taken * 3 // 5), max(earliest, taken)))
        gap = days.between(acked, responded)
        if gap >= 2 and rng.random() < (REDEFINED if stage == 1 else REDEFINED / 2):
            story.add(days.add(acked, rng.randint(1, gap - 1)), "define", stage, True)
        decision = rng.choices([d for d, _ in DECISIONS], [w for _, w in DECISIONS])[0]
        story.add(responded, "respond", stage, decision)
        return responded


# --- playing the steps in date order ----------------------------------------------------


def _moment(day: date, minute: int) -> datetime:
    """A moment on `day`, in office hours (UTC), `minute` minutes after 08:00."""
    return datetime(day.year, day.month, day.day, 8, 0, tzinfo=timezone.utc) + timedelta(minutes=minute % 600)


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _details(**values: Any) -> str:
    return json.dumps({k: _iso(v) for k, v in values.items()}, sort_keys=True)


class Player:
    """Turns the stories' steps, played in date order, into rows with chronological ids."""

    def __init__(self, planner: Planner, days: Days, region: str) -> None:
        self.planner = planner
        self.days = days
        self.region = region
        self.rng = random.Random(planner.rng.random())
        self.complaints: list[dict] = []
        self.stages: list[dict] = []
        self.definitions: list[dict] = []
        self.deadlines: list[dict] = []
        self.extensions: list[dict] = []
        self.responses: list[dict] = []
        self.refusals: list[dict] = []
        self.withdrawals: list[dict] = []
        self.audit: list[dict] = []
        self.letters: list[dict] = []
        self.correspondence: list[dict] = []
        self.remedies: list[dict] = []
        self.actions: list[dict] = []
        self.year_counts: dict[int, int] = {}
        self.state: dict[int, dict[str, Any]] = {}

    # rows

    def _letter(self, st: dict, on: date, minute: int, actor: str, stage: int, kind: str, lines: list[str]) -> None:
        """A letter as sent, and its correspondence entry: the shape chc_tui.documents.letters
        stores. The text is a plain stand-in of a real letter's length (about 2 KB)."""
        complaint = st["complaint"]
        body = "\n".join([f"{on.day} {on:%B %Y}", "", f"Our reference: {complaint['reference']}", "", *lines,
                          "", LETTER_FOOTER, "", "Yours sincerely,", "", actor, "Northbridge Homes", ""])
        letter_id = len(self.letters) + 1
        self.letters.append(dict(
            id=letter_id, complaint_id=complaint["id"], stage=stage, kind=kind, body=body,
            sha256=hashlib.sha256(body.encode()).hexdigest(), template=f"{kind}.txt.j2", edited=False,
            sent_on=on, sent_by=actor, created_at=_moment(on, minute)))
        self.correspondence.append(dict(
            id=len(self.correspondence) + 1, complaint_id=complaint["id"], happened_on=on, kind="letter",
            direction="out", party="resident", party_name="", summary=f"{kind.replace('_', ' ')} letter sent",
            letter_id=letter_id, recorded_by=actor, recorded_at=_moment(on, minute)))

    def _audit(self, on: date, minute: int, actor: str, action: str, complaint_id: int | None, details: str) -> None:
        self.audit.append(
            dict(id=len(self.audit) + 1, at=_moment(on, minute), actor=actor, action=action,
                 complaint_id=complaint_id, details_json=details)
        )

    def _deadline(self, st: dict, stage_row: dict, step: str, start: date, n: int, on: date, minute: int,
                  provisional: bool = False, extension_id: int | None = None) -> dict:
        due, skipped = self.days.explain(start, n)
        row = dict(
            id=len(self.deadlines) + 1, complaint_id=st["complaint"]["id"], stage_id=stage_row["id"], step=step,
            clock_start=start, working_days=n, due_on=due, skipped_json=skipped, region=self.region,
            provisional=provisional, extension_id=extension_id, active=True, met_on=None,
            created_at=_moment(on, minute),
        )
        self.deadlines.append(row)
        st["deadlines"].append(row)
        return row

    def _active(self, st: dict, stage: int, step: str) -> dict | None:
        stage_id = st["stages"][stage]["id"]
        for row in reversed(st["deadlines"]):
            if row["stage_id"] == stage_id and row["step"] == step and row["active"]:
                return row
        return None

    def _start_clocks(self, st: dict, stage_row: dict, on: date, minute: int) -> dict:
        rules = POLICY.for_stage(stage_row["stage"])
        ack = self._deadline(st, stage_row, "acknowledge", stage_row["opened_on"], rules.acknowledge_days, on, minute)
        self._deadline(st, stage_row, "respond", ack["due_on"], rules.respond_days, on, minute, provisional=True)
        return ack

    def _touch(self, st: dict) -> dict:
        complaint = st["complaint"]
        complaint["version"] += 1
        return complaint

    # steps

    def play(self, story: Story, on: date, n: int, kind: str, args: tuple) -> None:
        minute = (story.seq * 37) % 480 + n * 3
        if kind == "log":
            self._log(story, on, minute, *args)
            return
        st = self.state[story.seq]
        getattr(self, "_" + kind)(story, st, on, minute, *args)

    def _log(self, story: Story, on: date, minute: int, handler: str) -> None:
        count = self.year_counts.get(on.year, 0) + 1
        self.year_counts[on.year] = count
        resident = self.planner.residents[story.resident]
        complaint = dict(
            id=len(self.complaints) + 1, reference=f"C{on.year}-{count:04d}", resident_id=resident["id"],
            representative_name=story.rep[0], representative_relationship=story.rep[1], received_on=on,
            channel=story.channel, category=story.category, resident_words=story.words, status="open",
            current_stage=1, closed_on=None, version=1, created_at=_moment(on, minute), created_by=handler,
        )
        self.complaints.append(complaint)
        stage_row = dict(id=len(self.stages) + 1, complaint_id=complaint["id"], stage=1, opened_on=on,
                         handler=handler, escalation_reason="", acknowledged_on=None, responded_on=None)
        self.stages.append(stage_row)
        st = {"complaint": complaint, "stages": {1: stage_row}, "deadlines": [], "handler": handler,
              "responded_by": {}, "escalation": None}
        self.state[story.seq] = st
        ack = self._start_clocks(st, stage_row, on, minute)
        self._audit(on, minute, handler, "log", complaint["id"], _details(
            reference=complaint["reference"], resident=resident["name"], received_on=on, channel=story.channel,
            category=story.category, handler=handler, representative=story.rep[0], acknowledge_due=ack["due_on"]))

    def _actor(self, st: dict, stage: int) -> str:
        return st["stages"][stage]["handler"]

    def _define(self, story: Story, st: dict, on: date, minute: int, stage: int, again: bool) -> None:
        complaint = self._touch(st)
        stage_row = st["stages"][stage]
        issue = story.issue
        if stage == 1:
            understanding, outcomes = issue.understanding, issue.outcomes
        else:
            esc = demo.ESCALATIONS[st["escalation"]]
            understanding = f"The resident is dissatisfied with our stage 1 response about {issue.category.lower()}. They say: \"{_fill(esc['reason'])}\""
            outcomes = _fill(esc["outcomes"])
        if again:
            understanding += " Updated after speaking to the resident: they also want an apology."
        not_resp = self.rng.choice(issue.not_responsible)
        actor = self._actor(st, stage)
        self.definitions.append(dict(
            id=len(self.definitions) + 1, stage_id=stage_row["id"], understanding=understanding,
            outcomes_sought=outcomes, responsible_aspects=issue.responsible, not_responsible_aspects=not_resp,
            defined_on=on, defined_by=actor))
        self._audit(on, minute, actor, "redefine" if again else "define", complaint["id"], _details(
            stage=stage, defined_on=on, understanding=understanding, outcomes_sought=outcomes,
            responsible_aspects=issue.responsible, not_responsible_aspects=not_resp))

    def _acknowledge(self, story: Story, st: dict, on: date, minute: int, stage: int) -> None:
        complaint = self._touch(st)
        stage_row = st["stages"][stage]
        stage_row["acknowledged_on"] = on
        ack = self._active(st, stage, "acknowledge")
        ack["met_on"] = on
        provisional = self._active(st, stage, "respond")
        provisional["active"] = False
        counted = self._deadline(st, stage_row, "respond", on, POLICY.for_stage(stage).respond_days, on, minute)
        self._audit(on, minute, self._actor(st, stage), "acknowledge", complaint["id"], _details(
            stage=stage, acknowledged_on=on, acknowledge_due=ack["due_on"], response_due=counted["due_on"]))
        self._letter(st, on, minute, self._actor(st, stage), stage, f"stage{stage}_acknowledgement",
                     [f"We will send you our full response by {counted['due_on'].day} {counted['due_on']:%B %Y}."])
        if self.rng.random() < 0.3:  # a call or a note on about a third of complaints
            self.correspondence.append(dict(
                id=len(self.correspondence) + 1, complaint_id=complaint["id"], happened_on=on, kind="call",
                direction="in", party="resident", party_name="", summary="Resident rang for an update on the repair.",
                letter_id=None, recorded_by=self._actor(st, stage), recorded_at=_moment(on, minute + 1)))

    def _extend(self, story: Story, st: dict, on: date, minute: int, stage: int, new_due: date) -> None:
        complaint = self._touch(st)
        stage_row = st["stages"][stage]
        rules = POLICY.for_stage(stage)
        current = self._active(st, stage, "respond")
        target = next(d for d in st["deadlines"] if d["stage_id"] == stage_row["id"] and d["step"] == "respond"
                      and not d["provisional"] and d["extension_id"] is None)
        beyond = self.days.between(target["due_on"], new_due)
        rng = self.rng
        if beyond > rules.max_extension_days:
            reason, good = rng.choice(demo.GOOD_REASONS)
            good = _fill(good, {"on": f"{new_due:%A %d %B}"})
        else:
            reason, good = rng.choice(demo.EXTENSION_REASONS_1 if stage == 1 else demo.EXTENSION_REASONS_2), ""
        told = self.days.add(on, rng.choice([0, 0, 0, 1]))
        told = told if told <= self.planner.today else on
        details_given = rng.random() < 0.92
        actor = self._actor(st, stage)
        extension = dict(
            id=len(self.extensions) + 1, stage_id=stage_row["id"], decided_on=on, previous_due=current["due_on"],
            new_due=new_due, working_days_beyond_target=beyond, reason=reason, told_resident_on=told,
            ombudsman_details_given=details_given, good_reason=good, decided_by=actor)
        self.extensions.append(extension)
        current["active"] = False
        added = self.days.between(current["due_on"], new_due)
        self._deadline(st, stage_row, "respond", current["due_on"], added, on, minute, extension_id=extension["id"])
        self._audit(on, minute, actor, "extend", complaint["id"], _details(
            stage=stage, previous_due=current["due_on"], new_due=new_due, working_days_beyond_target=beyond,
            reason=reason, told_resident_on=told, ombudsman_details_given=details_given, good_reason=good))

    def _respond(self, story: Story, st: dict, on: date, minute: int, stage: int, decision: str) -> None:
        complaint = self._touch(st)
        stage_row = st["stages"][stage]
        stage_row["responded_on"] = on
        rng = self.rng
        issue = story.issue
        reasons = issue.reasons[decision]
        if stage == 2:
            esc = demo.ESCALATIONS[st["escalation"]]
            reasons = _fill(esc[decision], {"failure": issue.reasons["upheld"], "ok": issue.reasons["not_upheld"]})
        remedy = actions = ""
        if decision != "not_upheld":
            amount = rng.choice([50, 75, 100, 150, 200, 250, 300, 400, 600]) * (2 if stage == 2 else 1)
            remedy = f"£{amount} for the time, trouble and inconvenience caused. {issue.remedy_fix}".strip()
            actions = issue.follow_up
        actor = self._actor(st, stage)
        self.responses.append(dict(
            id=len(self.responses) + 1, stage_id=stage_row["id"], responded_on=on, decision=decision, reasons=reasons,
            remedy=remedy, outstanding_actions=actions, responded_by=actor))
        deadline = self._active(st, stage, "respond")
        deadline["met_on"] = on
        st["responded_by"][stage] = actor
        self._audit(on, minute, actor, "respond", complaint["id"], _details(
            stage=stage, responded_on=on, decision=decision, reasons=reasons, remedy=remedy,
            outstanding_actions=actions, due=deadline["due_on"]))
        self._letter(st, on, minute, actor, stage, f"stage{stage}_response", [reasons, remedy, actions])
        if remedy:
            # The remedy and its action, done a few weeks later unless they are recent.
            due = on + timedelta(days=28)
            done = due - timedelta(days=rng.randint(0, 20)) if due < self.planner.today - timedelta(days=30) else None
            self.remedies.append(dict(
                id=len(self.remedies) + 1, complaint_id=complaint["id"], stage=stage, kind="financial",
                description=remedy, amount_pence=amount * 100, parts_json="[]", due_on=due, offered_on=on,
                accepted_on=on + timedelta(days=3), declined_on=None, done_on=done, recorded_by=actor, version=1))
            if actions:
                self.actions.append(dict(
                    id=len(self.actions) + 1, complaint_id=complaint["id"], stage=stage, description=actions,
                    owner="Repairs team", due_on=due, done_on=done, update="", recorded_by=actor, version=1))

    def _close(self, story: Story, st: dict, on: date, minute: int) -> None:
        complaint = self._touch(st)
        complaint["status"] = "closed"
        complaint["closed_on"] = on
        stage = complaint["current_stage"]
        self._audit(on, minute, self._actor(st, stage), "close", complaint["id"], _details(stage=stage, closed_on=on))

    def _escalate(self, story: Story, st: dict, on: date, minute: int, handler: str, esc_index: int) -> None:
        complaint = self._touch(st)
        st["escalation"] = esc_index
        reason = _fill(demo.ESCALATIONS[esc_index]["reason"])
        stage_row = dict(id=len(self.stages) + 1, complaint_id=complaint["id"], stage=2, opened_on=on,
                         handler=handler, escalation_reason=reason, acknowledged_on=None, responded_on=None)
        self.stages.append(stage_row)
        st["stages"][2] = stage_row
        reopened = complaint["status"] == "closed"
        complaint["current_stage"] = 2
        complaint["status"] = "open"
        complaint["closed_on"] = None
        ack = self._start_clocks(st, stage_row, on, minute)
        self._audit(on, minute, self._actor(st, 1), "escalate", complaint["id"], _details(
            requested_on=on, handler=handler, reason=reason, reopened=reopened, acknowledge_due=ack["due_on"]))

    def _end_open(self, st: dict) -> None:
        for row in st["deadlines"]:
            if row["active"] and row["met_on"] is None:
                row["active"] = False

    def _refuse(self, story: Story, st: dict, on: date, minute: int, reason: str) -> None:
        complaint = self._touch(st)
        stage = complaint["current_stage"]
        templates = demo.REFUSALS[reason]
        explanation = _fill(self.rng.choice(templates)["explanation"])
        actor = self._actor(st, stage)
        self.refusals.append(dict(
            id=len(self.refusals) + 1, complaint_id=complaint["id"], stage=stage, refused_on=on,
            exclusion_reason=reason, explanation=explanation, ombudsman_right_explained=True, refused_by=actor))
        complaint["status"] = "refused"
        complaint["closed_on"] = on
        self._end_open(st)
        self._audit(on, minute, actor, "refuse", complaint["id"], _details(
            stage=stage, refused_on=on, exclusion_reason=reason, explanation=explanation))

    def _withdraw(self, story: Story, st: dict, on: date, minute: int, stage: int) -> None:
        complaint = self._touch(st)
        reason = demo.WITHDRAWAL_REASONS_BY_CATEGORY.get(story.category) or self.rng.choice(demo.WITHDRAWAL_REASONS)
        actor = self._actor(st, stage)
        self.withdrawals.append(dict(
            id=len(self.withdrawals) + 1, complaint_id=complaint["id"], stage=stage, withdrawn_on=on,
            reason=reason, recorded_by=actor))
        complaint["status"] = "withdrawn"
        complaint["closed_on"] = on
        self._end_open(st)
        self._audit(on, minute, actor, "withdraw", complaint["id"], _details(stage=stage, withdrawn_on=on, reason=reason))

    def _assign(self, story: Story, st: dict, on: date, minute: int, to: str) -> None:
        complaint = self._touch(st)
        stage = complaint["current_stage"]
        stage_row = st["stages"][stage]
        before = stage_row["handler"]
        stage_row["handler"] = to
        self._audit(on, minute, MANAGER, "assign", complaint["id"], _details(stage=stage, **{"from": before, "to": to}))


# --- the build ---------------------------------------------------------------------------


@dataclass
class Built:
    path: Path
    complaints: int
    residents: int
    open: int
    open_deadlines: int
    rows: dict[str, int]
    seconds: float
    busiest_year: int  # financial year (1 April - 31 March) with the most complaints received
    today: date


def _received_dates(rng: random.Random, n: int, today: date, years: int) -> list[date]:
    """`n` receipt dates over the `years` years ending today: mostly working days, a
    little more each year."""
    first = today - timedelta(days=round(365.25 * years)) + timedelta(days=1)
    span = (today - first).days + 1
    days = [first + timedelta(days=i) for i in range(span)]
    weights = [(0.15 if d.weekday() >= 5 else 1.0) * (1.0 + 0.05 * (i / 365.25)) for i, d in enumerate(days)]
    return sorted(rng.choices(days, weights, k=n))


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _insert(conn, table, rows: list[dict]) -> None:
    statement = table.__table__.insert()
    for i in range(0, len(rows), CHUNK):
        conn.execute(statement, rows[i : i + CHUNK])


def build(
    path: Path | str,
    complaints: int = DEFAULT_COMPLAINTS,
    *,
    today: date | None = None,
    seed: int = 9,
    years: int = YEARS,
    log=print,
) -> Built:
    """Write a fresh benchmark database at `path`."""
    started = time.perf_counter()
    path = Path(path)
    today = today or date.today()
    rng = random.Random(seed)
    _remove(path)
    db = open_database(path)  # the schema, from the migrations
    db.dispose()

    region = DEFAULT_REGION
    oldest = today - timedelta(days=round(365.25 * years))
    closures = {date(y, 12, 24): demo.CLOSURE_NOTE for y in range(oldest.year, today.year + 2)}
    calendar = WorkingCalendar(region=region, closure_days=closures)
    days = Days(calendar, oldest - timedelta(days=10), today + timedelta(days=800))

    planner = Planner(rng, days, today, complaints)
    player = Player(planner, days, region)
    events: list[tuple[date, int, int, str, tuple]] = []
    stories: list[Story] = []
    for seq, received in enumerate(_received_dates(rng, complaints, today, years)):
        story = planner.plan(seq, received)
        stories.append(story)
        for n, (on, kind, args) in enumerate(story.events):
            if on <= today:
                events.append((on, seq, n, kind, args))
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    for on, seq, n, kind, args in events:
        player.play(stories[seq], on, n, kind, args)
    del events, stories
    planned = time.perf_counter()

    # Settings, closure days and the self-assessment answers of the last full years.
    settings = [dict(key="region", value=json.dumps(region)),
                dict(key="landlord_name", value=json.dumps("Northbridge Homes"))]
    first_year, last_year = financial_year.year_of(oldest), financial_year.year_of(today)
    for year in range(first_year, last_year + 1):
        settings.append(dict(key=f"homes_owned:{year}", value=json.dumps(HOMES_OWNED)))
    closure_rows = [dict(day=d, note=note) for d, note in sorted(closures.items())]
    answers = []
    try:
        provisions = [p["provision"] for p in json.loads((ROOT / "chc_tui" / "data" / "provisions.json").read_text())]
    except (OSError, ValueError, KeyError):
        provisions = []
    for year in range(max(2023, last_year - 3), last_year):
        for provision in provisions:
            no = rng.random() < 0.08
            answers.append(dict(
                year=year, provision=provision, comply="no" if no else "yes",
                evidence="Complaints policy, section 4; case file sample." if not no else "",
                commentary="To be put right this year." if no else "", carried_over=False,
                changed_by=MANAGER, changed_at=_moment(date(year + 1, 4, 20), 60), version=1))
    audit_setup = [dict(id=None, at=_moment(oldest, 0), actor=MANAGER, action="add closure day", complaint_id=None,
                        details_json=_details(day=d, note=note)) for d, note in sorted(closures.items())]

    tables = [
        (Setting, settings),
        (ClosureDay, closure_rows),
        (Resident, planner.residents),
        (Complaint, player.complaints),
        (StageRecord, player.stages),
        (Definition, player.definitions),
        (Extension, player.extensions),
        (Deadline, player.deadlines),
        (Response, player.responses),
        (Refusal, player.refusals),
        (Withdrawal, player.withdrawals),
        (AuditEntry, player.audit),
        (Letter, player.letters),
        (Correspondence, player.correspondence),
        (Remedy, player.remedies),
        (Action, player.actions),
        (AssessmentAnswer, answers),
    ]
    around = around_rows(rng, planner.residents, player.complaints, player.stages, calendar.add_working_days, today)
    tables += [(model, around[model.__tablename__]) for model in (
        ServiceRequest, Adjustment, Vulnerability, Representative, Restriction, OmbudsmanCase, OmbudsmanRequest,
        OmbudsmanFinding, OmbudsmanOrder, Lesson, LessonComplaint)]
    # The closure-day audit entries come first, before any complaint's.
    offset = len(audit_setup)
    for row in player.audit:
        row["id"] += offset
    for i, row in enumerate(audit_setup, start=1):
        row["id"] = i
    player.audit[:0] = audit_setup

    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _bulk_pragmas(dbapi_conn, _record):  # a build, not a handler's session
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys = OFF")  # rows go in table by table; checked below
        cur.execute("PRAGMA synchronous = OFF")
        cur.execute("PRAGMA cache_size = -262144")
        cur.execute("PRAGMA temp_store = MEMORY")
        cur.close()

    with engine.begin() as conn:
        for table, rows in tables:
            if rows:
                _insert(conn, table, rows)
    with engine.connect() as conn:
        problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise RuntimeError(f"benchmark database has broken references: {problems[:5]}")
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()

    by_year: dict[int, int] = {}
    for c in player.complaints:
        y = financial_year.year_of(c["received_on"])
        by_year[y] = by_year.get(y, 0) + 1
    complete = {y: n for y, n in by_year.items() if y < financial_year.year_of(today)} or by_year
    busiest = max(complete, key=lambda y: (complete[y], y))
    open_count = sum(1 for c in player.complaints if c["status"] == "open")
    stage_of = {s["id"]: s for s in player.stages}
    current = {(c["id"], c["current_stage"]) for c in player.complaints if c["status"] == "open"}
    open_deadlines = sum(
        1 for d in player.deadlines
        if d["active"] and d["met_on"] is None and not d["provisional"]
        and (d["complaint_id"], stage_of[d["stage_id"]]["stage"]) in current
    )
    built = Built(
        path=path,
        complaints=len(player.complaints),
        residents=len(planner.residents),
        open=open_count,
        open_deadlines=open_deadlines,
        rows={table.__tablename__: len(rows) for table, rows in tables},
        seconds=time.perf_counter() - started,
        busiest_year=busiest,
        today=today,
    )
    log(
        f"built {path} in {built.seconds:.1f} s (planning {planned - started:.1f} s): "
        f"{built.complaints:,} complaints, {built.residents:,} residents, {open_count:,} open "
        f"({open_count / max(1, built.complaints):.1%}), {open_deadlines:,} open deadlines; "
        + ", ".join(f"{name} {n:,}" for name, n in built.rows.items())
    )
    return built


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", help="database file to write (replaced if it exists)")
    parser.add_argument("--complaints", type=int, default=DEFAULT_COMPLAINTS)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="default: today")
    args = parser.parse_args(argv)
    build(args.path, args.complaints, today=args.today, seed=args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
