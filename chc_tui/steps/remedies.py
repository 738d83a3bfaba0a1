"""Remedies (Code 7.1-7.3) and outstanding actions (6.6, 6.17): what will happen and by
when, followed through to completion, after the stage has closed too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from sqlmodel import Session

from chc_tui.rules.context import StepContext
from chc_tui.steps.identity import acting_write
from chc_tui.rules.deadlines import is_overdue
from chc_tui.rules.dates import DateParseError, parse_date
from chc_tui.rules.domain import Problem, StepRefused
from chc_tui.steps.plans.changes import apply_changes
from chc_tui.steps.plans.follow_up import REMEDY_OUTCOMES, plan_action_update, plan_remedy_outcome  # noqa: F401 (the screens take the outcomes from here)
from chc_tui.steps.usecases import Checks, audit, complaint_for_change, record_for_change
from store.engine import Database
from store.models import Action, Complaint, Remedy, saved_id


class RemedyKind(StrEnum):
    """The ways of putting things right that Code 7.1 lists."""

    APOLOGY = "apology"
    ACKNOWLEDGEMENT = "acknowledgement"
    EXPLANATION = "explanation"
    ACTION = "action"
    CHANGED_DECISION = "changed_decision"
    CORRECTED_RECORD = "corrected_record"
    FINANCIAL = "financial"
    CHANGED_POLICY = "changed_policy"

    @property
    def label(self) -> str:
        return {
            "apology": "apology",
            "acknowledgement": "acknowledging what went wrong",
            "explanation": "explanation, assistance or reasons",
            "action": "action (where there was delay)",
            "changed_decision": "reconsidered or changed decision",
            "corrected_record": "record amended or corrected",
            "financial": "financial remedy",
            "changed_policy": "changed policy, procedure or practice",
        }[self.value]


def pounds(pence: int | None) -> str:
    return "" if pence is None else f"£{pence / 100:,.2f}"


_AMOUNT = re.compile(r"^£?\s*(\d{1,7})(?:\.(\d{1,2}))?$")


def parse_pounds(text: str) -> int:
    """"£150", "150.5", "1,250.00" -> pence; ValueError otherwise."""
    match = _AMOUNT.match(str(text).strip().replace(",", ""))
    if not match:
        raise ValueError(f"{str(text).strip()!r} is not an amount of money, like 150 or £150.00")
    whole, part = match.groups()
    return int(whole) * 100 + int((part or "0").ljust(2, "0"))


def parse_parts(text: str) -> list[dict]:
    """One part a line, "what it is for: amount" -> [{"label", "pence"}]; ValueError names the line."""
    parts = []
    for number, line in enumerate(str(text or "").splitlines(), start=1):
        if not line.strip():
            continue
        label, sep, amount = line.rpartition(":")
        if not sep or not label.strip():
            raise ValueError(f"line {number}: write it as 'what it is for: amount', e.g. 'Time and trouble: 150'")
        try:
            parts.append({"label": label.strip(), "pence": parse_pounds(amount)})
        except ValueError as exc:
            raise ValueError(f"line {number}: {exc}") from None
    return parts


# --- remedies and actions typed one a line (the response form, `chc complaint respond`) --------

REMEDY_GRAMMAR = ("one remedy a line: '£250 compensation for distress, due 10/01/2027' (the £ may be left out) "
                  "(add ', parts Time and trouble: 150; Distress: 100' to split it) "
                  "or 'apology: a written apology from the manager, due 15/12/2026'")
ACTION_GRAMMAR = "one action a line: 'Replace the kitchen extractor fan, due 20/12/2026, owner Repairs team'"


@dataclass(frozen=True)
class RemedyLine:
    kind: str
    description: str
    due_on: date
    amount: str = ""  # as typed, for parse_pounds
    parts: str = ""  # one part a line, for parse_parts

    @property
    def pence(self) -> int | None:
        return parse_pounds(self.amount) if self.amount else None

    def summary(self) -> str:
        money = f"{pounds(self.pence)} " if self.amount else ""
        kind = "" if self.kind == RemedyKind.FINANCIAL else f"{RemedyKind(self.kind).label}: "
        return f"{kind}{money}{self.description}, by {self.due_on:%d/%m/%Y}"


@dataclass(frozen=True)
class ActionLine:
    description: str
    due_on: date
    owner: str

    def summary(self) -> str:
        return f"{self.description}, by {self.due_on:%d/%m/%Y} ({self.owner})"


_TAIL = re.compile(r"^\s*(due|owner|parts)\b\s*:?\s*(.*?)\s*$", re.IGNORECASE)
_LEADING_MONEY = re.compile(r"^(£?\s*\d[\d,]*(?:\.\d{1,2})?)\s+(.*)$")
_KIND_NAMES = {k.value.replace("_", " "): k.value for k in RemedyKind} | {k.value: k.value for k in RemedyKind}


def _split_tail(line: str, allowed: set[str]) -> tuple[str, dict[str, str], str]:
    """"what, due X, owner Y" -> ("what", {"due": X, "owner": Y}, problem)."""
    pieces = line.split(",")
    found: dict[str, str] = {}
    while len(pieces) > 1:
        match = _TAIL.match(pieces[-1])
        if not match or match.group(1).lower() not in allowed:
            break
        key = match.group(1).lower()
        if key == "due" and not re.match(r"^\s*due\b\s*:?\s*(\d|today\b|tomorrow\b|$)", pieces[-1], re.IGNORECASE):
            break  # "..., due to the delay": words of the description, not its due date
        if key in found:
            return "", {}, f"'{key}' is written twice"
        found[key] = match.group(2)
        pieces.pop()
    return ",".join(pieces).strip(), found, ""


def _due(found: dict[str, str], today: date) -> tuple[date | None, str]:
    text = found.get("due", "").strip()
    if not text:
        return None, "say by when, ending the line ', due dd/mm/yyyy' (Code 7.3)"
    try:
        return parse_date(text, today), ""
    except DateParseError as exc:
        return None, f"the due date: {exc}"


def _numbered(text: "str | Sequence[str]") -> list[tuple[int, str]]:
    lines = text.splitlines() if isinstance(text, str) else [str(x) for x in text]
    return [(n, line.strip()) for n, line in enumerate(lines, start=1) if line.strip()]


def parse_remedy_lines(text: "str | Sequence[str]", today: date,
                       field: str = "remedies") -> tuple[list[RemedyLine], list[Problem]]:
    """Each remedy as the handler typed it (REMEDY_GRAMMAR); the problems name the line."""
    rows: list[RemedyLine] = []
    problems: list[Problem] = []
    for number, line in _numbered(text):
        def bad(message: str) -> None:
            problems.append(Problem(field, f"remedy line {number}: {message}"))

        head, found, problem = _split_tail(line, {"due", "parts"})
        if problem:
            bad(problem)
            continue
        kind, sep, rest = head.partition(":")
        if sep and kind.strip().lower() in _KIND_NAMES:
            kind, head = _KIND_NAMES[kind.strip().lower()], rest.strip()
        else:
            kind = ""
        # "£250 ..." (or "250 ...", where a terminal cannot send £); after another kind, only "£..."
        money = _LEADING_MONEY.match(head) if head.startswith("£") or kind in ("", RemedyKind.FINANCIAL) else None
        amount = ""
        if money:
            amount, head = money.group(1), money.group(2).strip()
            if kind and kind != RemedyKind.FINANCIAL:
                bad("only a financial remedy has an amount")
                continue
            kind = RemedyKind.FINANCIAL
        elif kind == RemedyKind.FINANCIAL:
            bad("a financial remedy starts with its amount, like 'financial: £250 for the delay'")
            continue
        if not kind:
            bad("start with the amount ('£250 compensation for ...') or the kind ("
                + ", ".join(f"{name}:" for name in _KIND_NAMES if "_" not in name) + ")")
            continue
        if not head:
            bad("say what will happen (Code 7.3)")
            continue
        due_on, problem = _due(found, today)
        if problem:
            bad(problem)
            continue
        parts = "\n".join(p for p in found.get("parts", "").split(";"))
        if parts.strip() and kind != RemedyKind.FINANCIAL:
            bad("only a financial remedy has parts")
            continue
        try:
            pence = parse_pounds(amount) if amount else None
            part_rows = parse_parts(parts)
        except ValueError as exc:
            bad(str(exc))
            continue
        if part_rows and sum(p["pence"] for p in part_rows) != pence:
            bad(f"the parts add up to {pounds(sum(p['pence'] for p in part_rows))}, not the amount {pounds(pence)}")
            continue
        assert due_on is not None
        rows.append(RemedyLine(kind, head, due_on, amount, parts))
    return rows, problems


def parse_action_lines(text: "str | Sequence[str]", today: date,
                       field: str = "actions") -> tuple[list[ActionLine], list[Problem]]:
    """Each outstanding action as typed (ACTION_GRAMMAR); the problems name the line."""
    rows: list[ActionLine] = []
    problems: list[Problem] = []
    for number, line in _numbered(text):
        head, found, problem = _split_tail(line, {"due", "owner"})
        due_on, due_problem = _due(found, today) if not problem else (None, "")
        owner = found.get("owner", "").strip()
        if not problem and not head:
            problem = "say what must be done (Code 6.6)"
        problem = problem or due_problem
        if not problem and not owner:
            problem = "say who owns it, ending the line ', owner Repairs team'"
        if not problem and due_on is not None and is_overdue(due_on, today):
            problem = f"a new action cannot already be overdue (today is {today:%d/%m/%Y})"
        if problem:
            problems.append(Problem(field, f"action line {number}: {problem}"))
            continue
        assert due_on is not None
        rows.append(ActionLine(head, due_on, owner))
    return rows, problems


def record_remedy(session: Session, ctx: StepContext, complaint: Complaint, line: RemedyLine, offered_on: date) -> int:
    """A checked remedy written inside the caller's transaction, with its audit entry."""
    row = Remedy(**remedy_values(ctx, saved_id(complaint), complaint.current_stage, line, offered_on))
    session.add(row)
    session.flush()
    audit(session, ctx, "offer remedy", complaint.id, remedy_offered(saved_id(row), line, offered_on))
    return saved_id(row)


def remedy_values(ctx: StepContext, complaint_id: int, stage: int, line: RemedyLine, offered_on: date) -> dict[str, Any]:
    """A checked remedy's columns (the use-cases' and a bulk writer's)."""
    return dict(
        complaint_id=complaint_id, stage=stage, kind=line.kind, description=line.description,
        amount_pence=line.pence, parts_json=json.dumps(parse_parts(line.parts)), due_on=line.due_on,
        offered_on=offered_on, recorded_by=ctx.actor,
    )


def remedy_offered(remedy_id: int, line: RemedyLine, offered_on: date) -> dict[str, Any]:
    """The "offer remedy" audit's details."""
    return {"remedy": remedy_id, "kind": line.kind, "description": line.description, "amount": pounds(line.pence),
            "offered_on": offered_on, "due_on": line.due_on}


def record_action(session: Session, ctx: StepContext, complaint: Complaint, line: ActionLine) -> int:
    """A checked action written inside the caller's transaction, with its audit entry."""
    row = Action(**action_values(ctx, saved_id(complaint), complaint.current_stage, line))
    session.add(row)
    session.flush()
    audit(session, ctx, "add action", complaint.id, action_added(saved_id(row), line))
    return saved_id(row)


def action_values(ctx: StepContext, complaint_id: int, stage: int, line: ActionLine) -> dict[str, Any]:
    """A checked action's columns."""
    return dict(complaint_id=complaint_id, stage=stage, description=line.description, owner=line.owner,
                due_on=line.due_on, recorded_by=ctx.actor)


def action_added(action_id: int, line: ActionLine) -> dict[str, Any]:
    """The "add action" audit's details."""
    return {"action": action_id, "description": line.description, "owner": line.owner, "due_on": line.due_on}


# --- remedies -----------------------------------------------------------------------------------


def offer_remedy(
    db: Database,
    reference: str,
    *,
    kind: str,
    description: str,
    offered_on: date,
    due_on: date | None,
    amount: str = "",
    parts: str = "",
    expected_version: int | None = None,
    ctx: StepContext | None = None,
) -> int:
    """A remedy offered on the complaint's current stage: what will happen and by when
    (Code 7.3). A financial remedy gives its amount, and its parts if it has several,
    which must add up to it."""
    ctx = ctx or StepContext()
    line = checked_remedy(ctx, kind=kind, description=description, offered_on=offered_on, due_on=due_on,
                          amount=amount, parts=parts)
    with acting_write(db, ctx) as session:
        complaint = complaint_for_change(session, reference, expected_version)
        check_offered_after_received(complaint.received_on, offered_on)
        return record_remedy(session, ctx, complaint, line, offered_on)


def checked_remedy(ctx: StepContext, *, kind: str, description: str, offered_on: date, due_on: date | None,
                   amount: str, parts: str) -> RemedyLine:
    """offer_remedy's remedy, checked before anything is read (the use-case's and the demo's)."""
    checks = Checks()
    if kind not in set(RemedyKind):
        checks.add("kind", f"choose the kind of remedy (Code 7.1): {', '.join(k.value for k in RemedyKind)}")
    checks.required("description", description, "what will happen", "7.3")
    checks.a_date("offered_on", offered_on, "the date offered", ctx.today)
    if due_on is None:
        checks.add("due_on", "say by when it will happen (Code 7.3)")
    elif isinstance(offered_on, date) and due_on < offered_on:
        checks.add("due_on", f"it cannot be due before it was offered ({offered_on:%d/%m/%Y})")
    pence, part_rows = None, []
    if kind == RemedyKind.FINANCIAL:
        try:
            pence = parse_pounds(amount) if str(amount).strip() else None
        except ValueError as exc:
            checks.add("amount", str(exc))
        else:
            if not pence:
                checks.add("amount", "a financial remedy needs its amount")
        try:
            part_rows = parse_parts(parts)
        except ValueError as exc:
            checks.add("parts", str(exc))
        if part_rows and pence and sum(p["pence"] for p in part_rows) != pence:
            total = sum(p["pence"] for p in part_rows)
            checks.add("parts", f"the parts add up to {pounds(total)}, not the amount {pounds(pence)}")
    elif str(amount).strip() or str(parts).strip():
        checks.add("amount", "only a financial remedy has an amount")
    checks.raise_if_any()
    assert due_on is not None  # refused above
    return RemedyLine(kind, description.strip(), due_on, str(amount).strip() if pence else "",
                      "\n".join(f"{p['label']}: {p['pence'] / 100}" for p in part_rows))


def check_offered_after_received(received_on: date, offered_on: date) -> None:
    if received_on > offered_on:
        raise StepRefused(Problem("offered_on", f"the complaint was received on {received_on:%d/%m/%Y}"))


def record_remedy_outcome(
    db: Database, remedy_id: int, *, outcome: str, on: date, expected_version: int | None = None,
    ctx: StepContext | None = None,
) -> None:
    """The resident accepted or declined the offer, or the remedy was carried out."""
    ctx = ctx or StepContext()
    with acting_write(db, ctx) as session:
        row = record_for_change(session, Remedy, remedy_id, expected_version, "remedy")
        plan = plan_remedy_outcome(ctx, row.model_dump(), outcome=outcome, on=on)
        apply_changes(row, plan.changes)
        audit(session, ctx, plan.action, row.complaint_id, plan.details)


# --- outstanding actions ---------------------------------------------------------------------------


def add_action(
    db: Database, reference: str, *, description: str, owner: str, due_on: date | None,
    expected_version: int | None = None, ctx: StepContext | None = None,
) -> int:
    ctx = ctx or StepContext()
    line = checked_action(ctx, description=description, owner=owner, due_on=due_on)
    with acting_write(db, ctx) as session:
        complaint = complaint_for_change(session, reference, expected_version)
        return record_action(session, ctx, complaint, line)


def checked_action(ctx: StepContext, *, description: str, owner: str, due_on: date | None) -> ActionLine:
    """add_action's action, checked before anything is read (the use-case's and the demo's)."""
    checks = Checks()
    checks.required("description", description, "what must be done", "6.6")
    checks.required("owner", owner, "who owns it")
    if due_on is None:
        checks.add("due_on", "say by when it must be done (Code 7.3)")
    elif is_overdue(due_on, ctx.today):
        checks.add("due_on", f"a new action cannot already be overdue (today is {ctx.today:%d/%m/%Y})")
    checks.raise_if_any()
    assert due_on is not None  # refused above
    return ActionLine(description.strip(), due_on, owner.strip())


def update_action(
    db: Database, action_id: int, *, update: str, due_on: date | None = None, owner: str = "",
    done_on: date | None = None, expected_version: int | None = None, ctx: StepContext | None = None,
) -> None:
    """Progress on an action: a note, a new owner or due date, or done (with its date)."""
    ctx = ctx or StepContext()
    with acting_write(db, ctx) as session:
        row = record_for_change(session, Action, action_id, expected_version, "action")
        plan = plan_action_update(ctx, row.model_dump(), update=update, due_on=due_on, owner=owner, done_on=done_on)
        apply_changes(row, plan.changes)
        audit(session, ctx, plan.action, row.complaint_id, plan.details, plan.before)
