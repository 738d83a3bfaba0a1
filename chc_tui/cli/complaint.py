"""`chc complaint ...`: every step of a complaint from the command line, for scripts, cron
and other systems that hand complaints in (issue 16).

Each action calls its use-case in chc_tui.steps.usecases directly, as a typed function, with the
login's StepContext: the same rules, the same transaction, the same audit as the TUI.

    chc complaint log --received DATE --resident NAME --category TEXT [--channel C] [--words TEXT]
                      [--handler NAME] [--reference REF] [--tenure LCRA|LCHO|not-known]
    chc complaint tenure REF LCRA|LCHO|not-known
    chc complaint define REF --understanding T --outcomes T --responsible T [--not-responsible T] [--on DATE]
    chc complaint acknowledge REF [--on DATE] [--letter-file F]
    chc complaint extend REF --to DATE --reason T [--on DATE] [--told-on DATE]
                         [--ombudsman-details-given] [--good-reason T] [--letter-file F]
    chc complaint respond REF --decision upheld|partly-upheld|not-upheld --reasons T
                          [--remedy LINE]... [--action LINE]... [--no-remedy-reason T]
                          [--impact T] [--remedies-guidance T] [--on DATE] [--letter-file F]
    chc complaint escalate REF --requested DATE --handler NAME
    chc complaint refuse REF --reason over-12-months|legal-proceedings|already-considered|other
                         --explanation T [--on DATE] [--letter-file F]
                         [--issue-date DATE --aware-date DATE --discretion T]  (over-12-months, 2.3)
                         [--claim-filed DATE]  (legal-proceedings, 2.2)
    chc complaint withdraw REF [--on DATE] [--letter-file F]
    chc complaint close REF [--on DATE]
    chc complaint updates REF --every N [--on DATE]
    chc complaint verify REF [--extension N [--decided-on DATE] [--told-on DATE]
                         [--ombudsman-details-given yes|no] [--good-reason T]]... [--refusal-explained yes|no]
    chc complaint show REF [--json]

A step that sends a letter sends the letter as drafted from the records, or the text of
--letter-file, checked for the items the Code requires like any letter; --send-by
email|post|both chooses how it goes out (default: the resident's preferred channel). A refused step
prints each problem, with its rule, on stderr, exits 2 and writes nothing; a warning
(a step recorded late, an extension past the Code's limit with a good reason) goes to
stderr and the step exits 0.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from chc_tui.cli import args as cli_args
from chc_tui.cli.args import date_arg as _date_arg
from chc_tui.terminal import terminal_safe

if TYPE_CHECKING:
    from chc_tui.services import Services
    from store.queries import ComplaintDetail, StageView

# As chc_tui.rules.domain's vocabularies, spelt for a command line; kept here so `chc --help`
# stays light (tests/test_cli_complaint.py checks they match the domain's).
CHANNELS = ("phone", "email", "letter", "in-person", "web-form", "social-media", "third-party")
DECISIONS = ("upheld", "partly-upheld", "not-upheld")
EXCLUSION_REASONS = ("over-12-months", "legal-proceedings", "already-considered", "other")

# use-case field -> the option that sets it, so a problem names what to change
OPTION_FOR = {
    "send_by": "--send-by",
    "received_on": "--received",
    "channel": "--channel",
    "resident_name": "--resident",
    "category": "--category",
    "resident_words": "--words",
    "handler": "--handler",
    "reference": "--reference",
    "tenure": "--tenure",
    "understanding": "--understanding",
    "outcomes_sought": "--outcomes",
    "responsible_aspects": "--responsible",
    "not_responsible_aspects": "--not-responsible",
    "defined_on": "--on",
    "acknowledged_on": "--on",
    "new_due": "--to",
    "reason": "--reason",
    "decided_on": "--on",
    "told_resident_on": "--told-on",
    "good_reason": "--good-reason",
    "ombudsman_details_given": "--ombudsman-details-given",
    "decision": "--decision",
    "reasons": "--reasons",
    "remedies": "--remedy",
    "actions": "--action",
    "no_remedy_reason": "--no-remedy-reason",
    "impact": "--impact",
    "remedies_guidance": "--remedies-guidance",
    "responded_on": "--on",
    "requested_on": "--requested",
    "exclusion_reason": "--reason",
    "explanation": "--explanation",
    "refused_on": "--on",
    "issue_on": "--issue-date",
    "aware_on": "--aware-date",
    "discretion_considered": "--discretion",
    "claim_filed_on": "--claim-filed",
    "withdrawn_on": "--on",
    "closed_on": "--on",
    "every_days": "--every",
    "agreed_on": "--on",
}




def _yes_no(text: str) -> bool:
    answer = text.strip().lower()
    if answer in ("yes", "y"):
        return True
    if answer in ("no", "n"):
        return False
    raise argparse.ArgumentTypeError(f"say yes or no, not {text!r}")


# `chc complaint verify`: each --extension N starts that extension's facts; the options
# after it (--decided-on, --told-on, --ombudsman-details-given, --good-reason) are its.
VERIFY_OPTIONS = {"decided_on": "--decided-on", "told_resident_on": "--told-on",
                  "ombudsman_details_given": "--ombudsman-details-given", "good_reason": "--good-reason"}


class _ExtensionNumber(argparse.Action):
    def __call__(self, parser, namespace, values, option_string=None):
        found = list(getattr(namespace, self.dest, None) or [])
        found.append({"number": values})
        setattr(namespace, self.dest, found)


class _ExtensionFact(argparse.Action):
    def __call__(self, parser, namespace, values, option_string=None):
        found = list(getattr(namespace, self.dest, None) or [])
        if not found:
            parser.error(f"{option_string}: say which extension first (--extension N {option_string} ...)")
        fact = next(k for k, option in VERIFY_OPTIONS.items() if option == option_string)
        if fact in found[-1]:
            parser.error(f"{option_string} is given twice for --extension {found[-1]['number']}")
        found[-1] = {**found[-1], fact: values}
        setattr(namespace, self.dest, found)


def _verify_option(field: str | None) -> str | None:
    """The options a problem of `chc complaint verify` is about: "--extension 1 --told-on"."""
    import re

    found = re.fullmatch(r"extension_(\d+)_(\w+)", field or "")
    if found and found.group(2) in VERIFY_OPTIONS:
        return f"--extension {found.group(1)} {VERIFY_OPTIONS[found.group(2)]}"
    return {"extension": "--extension", "refusal_explained": "--refusal-explained"}.get(field or "")


def _tenure_arg(text: str) -> str:
    """LCRA, LCHO (any case), or not-known / blank as "" (chc_tui.steps.residents.checked_tenure
    refuses a stock type the landlord has not set up)."""
    clean = text.strip()
    return "" if clean.lower().replace("_", "-") in ("", "not-known", "unknown", "none") else clean.upper()


def _snake(text: str) -> str:
    return text.replace("-", "_")


def add_complaint_parser(sub, with_db: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "complaint", parents=[with_db], help="every step of a complaint: log, define, acknowledge, ... show",
        description="Every step of a complaint, through the same use-cases as the app. A refused step "
        "prints each problem with its rule on stderr, exits 2 and writes nothing.",
    )
    actions = parser.add_subparsers(dest="complaint_command", metavar="ACTION", required=True)
    letter = argparse.ArgumentParser(add_help=False)
    letter.add_argument("--letter-file", type=Path, metavar="F",
                        help="send this text as the letter (default: the letter as drafted)")
    letter.add_argument("--send-by", choices=("email", "post", "both"),
                        help="how the letter goes out (default: the resident's preferred channel)")

    def action(name: str, help: str, *, letter_step: bool = False, ref: bool = True) -> argparse.ArgumentParser:
        parents = [with_db, letter] if letter_step else [with_db]
        p = actions.add_parser(name, parents=parents, help=help)
        if ref:
            p.add_argument("reference", metavar="REF", help="the complaint's reference")
        return p

    log = action("log", "log a new stage 1 complaint (Code 5.1, 6.2); prints its reference", ref=False)
    log.add_argument("--received", type=_date_arg, required=True, metavar="DATE")
    log.add_argument("--resident", required=True, metavar="NAME")
    log.add_argument("--category", required=True, metavar="TEXT")
    log.add_argument("--channel", choices=CHANNELS, default="phone", help="default: phone")
    log.add_argument("--words", default="", metavar="TEXT",
                     help="the resident's own words (the Code requires them, 5.12)")
    log.add_argument("--handler", metavar="NAME", help="default: you")
    log.add_argument("--reference", default="", metavar="REF",
                     help="keep the reference another system gave it (default: the next C<year>-NNNN)")
    log.add_argument("--adjustments", default="", metavar="T",
                     help="a reasonable adjustment the resident needs (Code 5.10), e.g. \"Large print letters\": "
                     "it becomes the resident's, on every complaint and letter of theirs")
    log.add_argument("--tenure", type=_tenure_arg, metavar="T",
                     help="the resident's stock type for TSM CH01/CH02: LCRA (low cost rental), "
                     "LCHO (low cost home ownership) or not-known (default)")
    tenure = action("tenure", "set the resident's tenure, the TSM stock type their home is counted in")
    tenure.add_argument("tenure", type=_tenure_arg, metavar="TENURE", help="LCRA, LCHO or not-known")

    define = action("define", "define the complaint at its current stage (Code 5.6, 5.7)")
    define.add_argument("--understanding", required=True, metavar="T")
    define.add_argument("--outcomes", required=True, metavar="T")
    define.add_argument("--responsible", required=True, metavar="T")
    define.add_argument("--not-responsible", default="", metavar="T")
    define.add_argument("--on", type=_date_arg, metavar="DATE", help="default: today")

    ack = action("acknowledge", "acknowledge the current stage and send its letter (Code 6.2, 6.11)", letter_step=True)
    ack.add_argument("--on", type=_date_arg, metavar="DATE", help="default: today")

    extend = action("extend", "extend the response deadline and send the letter (Code 6.4, 6.15)", letter_step=True)
    extend.add_argument("--to", type=_date_arg, required=True, metavar="DATE", help="the new due date")
    extend.add_argument("--reason", required=True, metavar="T")
    extend.add_argument("--on", type=_date_arg, metavar="DATE", help="decided on (default: today)")
    extend.add_argument("--told-on", type=_date_arg, metavar="DATE", help="the resident told on (the letter's date when a letter is sent; otherwise not recorded)")
    extend.add_argument("--ombudsman-details-given", action="store_true",
                        help="the Ombudsman's details were given (the letter gives them anyway, 6.5, 6.16)")
    extend.add_argument("--good-reason", default="", metavar="T", help="needed past the Code's limit")
    extend.add_argument("--record-anyway", action="store_true",
                        help="record an extension that is not in line with the Code (decided or told after the "
                             "deadline it replaces, past the limit with no good reason, no Ombudsman details): "
                             "it counts as late in CH02 and the self-assessment")

    respond = action("respond", "record the response and send its letter (Code 6.9, 6.19)", letter_step=True)
    respond.add_argument("--decision", choices=DECISIONS, required=True)
    respond.add_argument("--reasons", required=True, metavar="T")
    respond.add_argument("--remedy", action="append", default=[], metavar="LINE",
                         help="a remedy, repeatable: '£250 compensation for distress, due 10/01/2027' "
                              "or 'apology: a written apology, due 15/12/2026' (Code 7.1, 7.3)")
    respond.add_argument("--action", action="append", default=[], metavar="LINE",
                         help="an outstanding action, repeatable: 'Replace the extractor fan, due 20/12/2026, "
                              "owner Repairs team' (Code 6.6)")
    respond.add_argument("--no-remedy-reason", default="", metavar="T",
                         help="upheld with no remedy or action: why none (Code 7.1)")
    respond.add_argument("--impact", default="", metavar="T", help="the impact on the resident (Code 7.2)")
    respond.add_argument("--remedies-guidance", default="", metavar="T",
                         help="the Ombudsman's remedies guidance considered (Code 7.4)")
    respond.add_argument("--on", type=_date_arg, metavar="DATE", help="default: today")

    escalate = action("escalate", "escalate to stage 2 at the resident's request (Code 6.10-6.13)")
    escalate.add_argument("--requested", type=_date_arg, required=True, metavar="DATE")
    escalate.add_argument("--handler", required=True, metavar="NAME",
                          help="the stage 2 handler: not anyone who considered stage 1 (6.13)")

    refuse = action("refuse", "decline to take the complaint on and send the letter (Code 2.2-2.5)", letter_step=True)
    refuse.add_argument("--reason", choices=EXCLUSION_REASONS, required=True)
    refuse.add_argument("--explanation", required=True, metavar="T")
    refuse.add_argument("--on", type=_date_arg, metavar="DATE", help="default: today")
    refuse.add_argument("--issue-date", type=_date_arg, metavar="DATE",
                        help="over-12-months: the date the issue occurred (Code 2.3)")
    refuse.add_argument("--aware-date", type=_date_arg, metavar="DATE",
                        help="over-12-months: the date the resident became aware of it (Code 2.3)")
    refuse.add_argument("--discretion", default="", metavar="T",
                        help="over-12-months: the discretion considered to accept it anyway (Code 2.3)")
    refuse.add_argument("--claim-filed", type=_date_arg, metavar="DATE",
                        help="legal-proceedings: the date the claim was filed (Code 2.2)")

    withdraw = action("withdraw", "record that the resident withdrew it and send the letter", letter_step=True)
    withdraw.add_argument("--on", type=_date_arg, metavar="DATE", help="default: today")

    updates = action("updates", "the interval agreed with the resident for updates on the open stage (Code 5.9)")
    updates.add_argument("--every", type=int, required=True, metavar="N",
                         help="an update at least every N working days (1-20), as agreed with the resident")
    updates.add_argument("--on", type=_date_arg, metavar="DATE", help="when it was agreed; default: today")
    close = action("close", "close a complaint whose current stage is answered")
    close.add_argument("--on", type=_date_arg, metavar="DATE", help="default: today")

    verify = action("verify", "verify a complaint imported from a spreadsheet, with the facts its letters show "
                              "(issue 18): each extension's dates, Ombudsman details and good reason; a refusal's 2.4")
    verify.add_argument("--extension", type=int, action=_ExtensionNumber, metavar="N", dest="extensions",
                        help="the extension (1 = the first, stage 1's first) the options after it are about; "
                             "repeat for each extension")
    verify.add_argument("--decided-on", type=_date_arg, action=_ExtensionFact, metavar="DATE", dest="extensions",
                        help="the date the extension was decided")
    verify.add_argument("--told-on", type=_date_arg, action=_ExtensionFact, metavar="DATE", dest="extensions",
                        help="the date the resident was told of it")
    verify.add_argument("--ombudsman-details-given", type=_yes_no, action=_ExtensionFact, metavar="yes|no",
                        dest="extensions", help="whether the Ombudsman's details were given with it (6.5, 6.16)")
    verify.add_argument("--good-reason", action=_ExtensionFact, metavar="T", dest="extensions",
                        help="the good reason recorded for passing the Code's limit (6.4, 6.15)")
    verify.add_argument("--refusal-explained", type=_yes_no, metavar="yes|no",
                        help="whether the refusal told the resident they could take it to the Ombudsman (2.4)")

    show = action("show", "the complaint in full; --json for the record with stable keys")
    show.add_argument("--json", action="store_true")


# --- running a step ------------------------------------------------------------------------


@dataclass(frozen=True)
class Done:
    """What a step printed: its line on stdout and any warnings for stderr."""

    line: str
    warnings: list[str]


def _letter(args) -> Any:
    """The letter a step sends: the text of --letter-file, else the letter as drafted."""
    from chc_tui.documents import letters

    text = letters.AS_DRAFTED if getattr(args, "letter_file", None) is None else args.letter_file.read_text(encoding="utf-8")
    send_by = getattr(args, "send_by", None)
    return text if send_by is None else letters.Outgoing(text, send_by)


def _find(services: "Services", text: str) -> str:
    """The reference as stored: as typed, else in capitals (c2026-0001)."""
    from chc_tui.rules.domain import NotFound
    from store.models import Complaint
    from sqlmodel import select

    wanted = text.strip()
    with services.db.read() as session:
        for candidate in dict.fromkeys((wanted, wanted.upper())):
            if session.exec(select(Complaint.id).where(Complaint.reference == candidate)).first() is not None:
                return candidate
    raise NotFound(f"no complaint with reference {wanted!r}", "reference")


def _detail(services: "Services", reference: str) -> "ComplaintDetail":
    detail = services.complaint(reference)
    assert detail is not None
    return detail


def _last(detail: "ComplaintDetail", action: str) -> dict:
    """The details of the newest audit entry for `action` (the step just recorded)."""
    for entry in reversed(detail.history):
        if entry.action == action:
            return entry.details
    return {}


@dataclass(frozen=True)
class Recorded:
    """The complaint as a step left it: its current stage, the step's audit details, the rules."""

    detail: "ComplaintDetail"
    stage: "StageView"
    details: dict
    rules: Any  # chc_tui.rules.policy.StageTimescales

    @property
    def sent(self) -> str:
        letter_id = self.details.get("letter_id")
        return f"; letter {letter_id} sent" if letter_id is not None else ""

    def late(self, services: "Services", what: str, done_on: date | None, due_key: str, provision: str) -> list[str]:
        """A warning when the step was recorded after the due date its audit entry gives."""
        due_text = self.details.get(due_key)
        if done_on is None or not due_text or done_on <= date.fromisoformat(due_text):
            return []
        due_on = date.fromisoformat(due_text)
        late = services.calendar().working_days_between(due_on, done_on)
        return [f"stage {self.stage.stage} was {what} {late} working day{'s' if late != 1 else ''} after the "
                f"deadline of {due_on.isoformat()} (Code {provision}): recorded as late"]


def _recorded(services: "Services", reference: str, action: str) -> Recorded:
    detail = _detail(services, reference)
    stage = detail.current
    return Recorded(detail, stage, _last(detail, action), services.policy.for_stage(stage.stage))


def _log(services: "Services", args) -> Done:
    from chc_tui.steps import usecases
    from chc_tui.rules.deadlines import is_overdue

    logged = services.run(
        usecases.log_complaint, received_on=args.received, channel=_snake(args.channel),
        resident_name=args.resident, category=args.category, resident_words=args.words, handler=args.handler,
        reference=args.reference, resident_tenure=args.tenure, adjustments=args.adjustments,
    )
    rules = services.policy.stage_one
    warnings = []
    if is_overdue(logged.acknowledge_due, services.today):
        warnings.append(f"the acknowledgement was due on {logged.acknowledge_due.isoformat()}, already past "
                        f"(Code {rules.acknowledge_provision}): define and acknowledge it now")
    return Done(
        f"{logged.reference} logged: acknowledge by {logged.acknowledge_due.isoformat()} "
        f"(Code {rules.acknowledge_provision}); respond by {logged.provisional_response_due.isoformat()} (provisional)",
        warnings,
    )


def _define(services: "Services", args) -> Done:
    from chc_tui.steps import usecases

    ref = _find(services, args.reference)
    services.run(
        usecases.define, ref, understanding=args.understanding, outcomes_sought=args.outcomes,
        responsible_aspects=args.responsible, not_responsible_aspects=args.not_responsible, defined_on=args.on,
    )
    return Done(f"{ref} stage {_detail(services, ref).current.stage} defined", [])


def _acknowledge(services: "Services", args) -> Done:
    from chc_tui.steps import usecases

    ref = _find(services, args.reference)
    letter = _letter(args)
    response_due = services.run(usecases.acknowledge, ref, acknowledged_on=args.on, letter=letter)
    r = _recorded(services, ref, "acknowledge")
    return Done(
        f"{ref} stage {r.stage.stage} acknowledged: respond by {response_due.isoformat()} "
        f"(Code {r.rules.respond_provision}){r.sent}",
        r.late(services, "acknowledged", r.stage.acknowledged_on, "acknowledge_due", r.rules.acknowledge_provision),
    )


def _extend(services: "Services", args) -> Done:
    from chc_tui.steps import usecases

    ref = _find(services, args.reference)
    letter = _letter(args)
    services.run(
        usecases.extend, ref, new_due=args.to, reason=args.reason, decided_on=args.on,
        told_resident_on=args.told_on, ombudsman_details_given=args.ombudsman_details_given,
        good_reason=args.good_reason, letter=letter, accept_shortfalls=args.record_anyway,
    )
    r = _recorded(services, ref, "extend")
    extension = r.stage.extensions[-1]
    from chc_tui.rules.extension_standard import extension_shortfalls

    warnings = [f"not in line with the Code, counted as late: {s}" for s in extension_shortfalls(extension, r.rules)]
    if not r.rules.within_extension_limit(extension.working_days_beyond_target) and extension.good_reason:
        warnings.append(
            f"this extension is {extension.working_days_beyond_target} working days beyond the response "
            f"deadline, past the Code's {r.rules.max_extension_days}: recorded with the good reason given "
            f"(Code {r.rules.extension_provision})"
        )
    return Done(
        f"{ref} stage {r.stage.stage} extended to {extension.new_due.isoformat()} "
        f"({extension.working_days_beyond_target} working days beyond the response deadline set at "
        f"acknowledgement){r.sent}",
        warnings,
    )


def _respond(services: "Services", args) -> Done:
    from chc_tui.steps import usecases
    from chc_tui.rules.domain import Decision

    ref = _find(services, args.reference)
    letter = _letter(args)
    services.run(
        usecases.respond, ref, decision=_snake(args.decision), reasons=args.reasons,
        remedies=args.remedy, actions=args.action, no_remedy_reason=args.no_remedy_reason, impact=args.impact,
        remedies_guidance=args.remedies_guidance, responded_on=args.on, letter=letter,
    )
    r = _recorded(services, ref, "respond")
    return Done(
        f"{ref} stage {r.stage.stage} answered: {Decision(_snake(args.decision)).label}{r.sent}",
        r.late(services, "answered", r.stage.responded_on, "due", r.rules.respond_provision),
    )


def _escalate(services: "Services", args) -> Done:
    from chc_tui.steps import usecases

    ref = _find(services, args.reference)
    ack_due = services.run(usecases.escalate, ref, requested_on=args.requested, handler=args.handler)
    rules = services.policy.stage_two
    return Done(f"{ref} escalated to stage 2: acknowledge by {ack_due.isoformat()} (Code {rules.acknowledge_provision})", [])


def _refuse(services: "Services", args) -> Done:
    from chc_tui.steps import usecases
    from chc_tui.rules.domain import ExclusionReason

    ref = _find(services, args.reference)
    letter = _letter(args)
    reason = _snake(args.reason)
    services.run(usecases.refuse, ref, exclusion_reason=reason, explanation=args.explanation, refused_on=args.on,
                 issue_on=args.issue_date, aware_on=args.aware_date, discretion_considered=args.discretion,
                 claim_filed_on=args.claim_filed, letter=letter)
    return Done(f"{ref} refused: {ExclusionReason(reason).label}{_recorded(services, ref, 'refuse').sent}", [])


def _withdraw(services: "Services", args) -> Done:
    from chc_tui.steps import usecases

    ref = _find(services, args.reference)
    letter = _letter(args)
    services.run(usecases.withdraw, ref, withdrawn_on=args.on, letter=letter)
    return Done(f"{ref} withdrawn{_recorded(services, ref, 'withdraw').sent}", [])


def _close(services: "Services", args) -> Done:
    from chc_tui.steps import usecases

    ref = _find(services, args.reference)
    services.run(usecases.close, ref, closed_on=args.on)
    around = _detail(services, ref).around
    still = [a for a in (around.actions if around else ()) if a.done_on is None]
    warnings = []
    if still:  # from the action records: every stage's, not only the last response's
        warnings.append("outstanding actions go on being tracked after closure (Code 6.6, 6.17): "
                        + "; ".join(f"{a.description}, due {a.due_on.isoformat()} ({a.owner})" for a in still))
    return Done(f"{ref} closed", warnings)


def _verify(services: "Services", args) -> Done:
    from chc_tui.steps.verification import ExtensionFound, verify_imported

    ref = _find(services, args.reference)
    verified = services.run(
        verify_imported, ref,
        extensions=[ExtensionFound(**facts) for facts in (args.extensions or [])],
        refusal_explained=args.refusal_explained,
    )
    warnings = [f"still not known: {what}" for what in verified.still_not_known]
    warnings += [f"not in line with the Code, counted as late: {what}" for what in verified.not_in_line]
    return Done(f"{ref} verified on {verified.verified_on.isoformat()}", warnings)


def _tenure(services: "Services", args) -> Done:
    from chc_tui.rules.tenure import short_label
    from chc_tui.steps import residents

    ref = _find(services, args.reference)
    resident = _detail(services, ref).resident
    services.run(residents.set_tenure, resident.id, tenure=args.tenure)
    return Done(f"{ref}: {resident.name}'s tenure is {short_label(args.tenure)}", [])


def _updates(services: "Services", args) -> Done:
    from chc_tui.steps.keeping_informed import agree_update_interval

    ref = _find(services, args.reference)
    stage = services.run(agree_update_interval, ref, every_days=args.every, agreed_on=args.on or services.today)
    due = next((o.row.due_on for o in services.other_deadlines()
                if o.row.kind == "update" and o.row.item_id == stage.id), None)
    return Done(f"{ref}: stage {stage.stage} update every {args.every} working days"
                + (f", next due {due.isoformat()}" if due else ""), [])


STEPS: dict[str, Callable[["Services", Any], Done]] = {
    "log": _log,
    "tenure": _tenure,
    "define": _define,
    "acknowledge": _acknowledge,
    "extend": _extend,
    "respond": _respond,
    "escalate": _escalate,
    "refuse": _refuse,
    "withdraw": _withdraw,
    "close": _close,
    "updates": _updates,
    "verify": _verify,
}


def open_services(path: Path | str) -> "Services":
    """The CLI's services: the login as actor, on the CLI's day (chc_tui.cli.args.today)."""
    from chc_tui.rules.context import os_user
    from chc_tui.services import Services

    services = Services.open(path, actor=os_user(), today_fn=lambda: cli_args.today())
    return services


def run_complaint(args, path: Path | str) -> int:
    from chc_tui.rules.domain import StepRefused

    action = args.complaint_command
    prefix = f"chc complaint {action}"
    letter_file = getattr(args, "letter_file", None)
    if letter_file is not None:  # before the database is opened: a missing file writes nothing
        try:
            letter_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
            print(f"{prefix}: --letter-file: cannot read {terminal_safe(letter_file)}: {why}", file=sys.stderr)
            return 2
    services = open_services(path)
    try:
        if action == "show":
            return _show(services, args, prefix)
        try:
            done = STEPS[action](services, args)
        except StepRefused as refused:
            for problem in refused.problems:
                option = _verify_option(problem.field) if action == "verify" else OPTION_FOR.get(problem.field or "")
                if problem.field == "reference" and action != "log":
                    option = None  # REF itself: the message names it
                elif problem.field == "letter":
                    option = "--letter-file" if letter_file is not None else "letter"
                print(terminal_safe(f"{prefix}: refused: {option + ': ' if option else ''}{problem.message}"),
                      file=sys.stderr)
            return 2
        print(terminal_safe(done.line))
        for warning in done.warnings:
            print(terminal_safe(f"{prefix}: warning: {warning}"), file=sys.stderr)
        return 0
    finally:
        services.db.dispose()


# --- show -------------------------------------------------------------------------------------


def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _text(value: str | None) -> str | None:
    """An optional text: null where nothing was given."""
    return value if value and value.strip() else None


def _current_due(stage: "StageView", step: str):
    """The stage's running deadline for `step` (acknowledge or respond), else None."""
    running = [d for d in stage.deadlines if d.step == step and d.active]
    return running[-1] if running else None


def _stage_json(stage: "StageView") -> dict[str, Any]:
    definition = stage.definition
    ack = _current_due(stage, "acknowledge")
    respond = _current_due(stage, "respond")
    response = stage.response
    return {
        "stage": stage.stage,
        "opened_on": _iso(stage.opened_on),
        "handler": stage.handler,
        "escalation_reason": _text(stage.escalation_reason),
        "definition": None if definition is None else {
            "understanding": definition.understanding,
            "outcomes_sought": definition.outcomes_sought,
            "responsible_aspects": definition.responsible_aspects,
            "not_responsible_aspects": _text(definition.not_responsible_aspects),
            "defined_on": _iso(definition.defined_on),
            "defined_by": definition.defined_by,
        },
        "acknowledged_on": _iso(stage.acknowledged_on),
        "acknowledge_due": _iso(ack.due_on) if ack else None,
        "response_due": _iso(respond.due_on) if respond else None,
        "response_due_provisional": respond.provisional if respond else None,
        "due_dates": [
            {
                "step": d.step,
                "clock_start": _iso(d.clock_start),
                "working_days": d.working_days,
                "due_on": _iso(d.due_on),
                "provisional": d.provisional,
                "by_extension": d.by_extension,
                "active": d.active,
                "met_on": _iso(d.met_on),
            }
            for d in stage.deadlines
        ],
        "extensions": [
            {
                "decided_on": _iso(e.decided_on),
                "previous_due": _iso(e.previous_due),
                "new_due": _iso(e.new_due),
                "working_days_beyond_target": e.working_days_beyond_target,
                "reason": e.reason,
                "told_resident_on": _iso(e.told_resident_on),
                "ombudsman_details_given": e.ombudsman_details_given,
                "good_reason": _text(e.good_reason),
                "decided_by": e.decided_by,
            }
            for e in stage.extensions
        ],
        "responded_on": _iso(stage.responded_on),
        "response": None if response is None else {
            "responded_on": _iso(response.responded_on),
            "decision": response.decision,
            "reasons": response.reasons,
            "remedy": _text(response.remedy),
            "outstanding_actions": _text(response.outstanding_actions),
            "responded_by": response.responded_by,
        },
    }


def complaint_json(detail: "ComplaintDetail", next_step: str | None) -> dict[str, Any]:
    """The record, with the keys README's "JSON output" section promises."""
    complaint, refusal, withdrawal = detail.complaint, detail.refusal, detail.withdrawal
    return {
        "reference": complaint.reference,
        "resident": detail.resident.name,
        "tenure": detail.resident.tenure or None,
        "representative": None if not complaint.representative_name else {
            "name": complaint.representative_name,
            "relationship": complaint.representative_relationship,
        },
        "received": _iso(complaint.received_on),
        "channel": complaint.channel,
        "category": complaint.category,
        "resident_words": complaint.resident_words,
        "adjustments": _text(complaint.adjustments),
        "resident_adjustments": [a.description for a in detail.needs.current_adjustments] if detail.needs else [],
        "status": complaint.status,
        "current_stage": complaint.current_stage,
        "handler": detail.current.handler,
        "next_step": next_step,
        "closed_on": _iso(complaint.closed_on),
        "imported_from": complaint.imported_from or None,
        "verified_on": _iso(complaint.verified_on),
        "stages": [_stage_json(stage) for stage in detail.stages],
        "refusal": None if refusal is None else {
            "stage": refusal.stage,
            "refused_on": _iso(refusal.refused_on),
            "reason": refusal.exclusion_reason,
            "explanation": refusal.explanation,
            "ombudsman_right_explained": refusal.ombudsman_right_explained,
            "refused_by": refusal.refused_by,
            "issue_on": _iso(refusal.issue_on),
            "aware_on": _iso(refusal.aware_on),
            "discretion_considered": _text(refusal.discretion_considered),
            "claim_filed_on": _iso(refusal.claim_filed_on),
        },
        "withdrawal": None if withdrawal is None else {
            "stage": withdrawal.stage,
            "withdrawn_on": _iso(withdrawal.withdrawn_on),
            "reason": _text(withdrawal.reason),
            "recorded_by": withdrawal.recorded_by,
        },
        "letters": [
            {
                "id": letter.id,
                "stage": letter.stage,
                "kind": letter.kind,
                "sent_on": _iso(letter.sent_on),
                "sent_by": letter.sent_by,
                "edited": letter.edited,
                "sha256": letter.sha256,
            }
            for letter in detail.letters
        ],
        "audit": [
            {
                "at": _iso(entry.at),
                "actor": entry.actor,
                "action": entry.action,
                "details": entry.details,
                "before": entry.before or None,
            }
            for entry in detail.history
        ],
    }


def _json_text(value: Any) -> str:
    """JSON with every character past ASCII, and DEL, escaped: valid JSON that a terminal
    cannot act on (terminal_safe's \\xNN would not be valid JSON)."""
    return json.dumps(value, indent=2, ensure_ascii=True).replace("\x7f", "\\u007f")


def _snake_value(value: str | None) -> str | None:
    return None if value is None else value.replace(" ", "_")


def _show(services: "Services", args, prefix: str) -> int:
    from chc_tui.rules.domain import StepRefused

    try:
        ref = _find(services, args.reference)
    except StepRefused as refused:
        print(f"{prefix}: {terminal_safe(refused)}", file=sys.stderr)
        return 2
    detail = _detail(services, ref)
    due = services.due(ref)
    if args.json:
        step = due.step.value if due is not None and due.step.value != "none" else None
        print(_json_text(complaint_json(detail, _snake_value(step))))
        return 0
    for line in _show_lines(detail, due):
        print(terminal_safe(line))
    return 0


def _show_lines(detail: "ComplaintDetail", due) -> list[str]:
    from chc_tui.rules.domain import Decision, ExclusionReason

    c = detail.complaint
    lines = [
        f"{c.reference}  {detail.resident.name}  {c.category}",
        f"received {c.received_on.isoformat()} by {c.channel.replace('_', ' ')}; {c.status}"
        + (f" on {c.closed_on.isoformat()}" if c.closed_on else ""),
    ]
    if c.imported_from:
        from chc_tui.steps.verification import not_known

        lines.append(f"imported from {c.imported_from}, "
                     + (f"verified {c.verified_on.isoformat()}" if c.verified_on else "not verified"))
        lines += [f"  not known: {what}" for what in not_known(detail)]
    if due is not None and due.step.value != "none":
        when = f" by {due.row.due_on.isoformat()} ({due.days_left} working days, {due.state.value})" if due.row.due_on else ""
        lines.append(f"next: {due.step.value}{when}")
    lines.append(f"in their words: {c.resident_words}")
    for stage in detail.stages:
        lines.append(f"stage {stage.stage}: opened {stage.opened_on.isoformat()}, handler {stage.handler}")
        if stage.definition is not None:
            lines.append(f"  defined {stage.definition.defined_on.isoformat()}: {stage.definition.understanding}")
            lines.append(f"  outcomes sought: {stage.definition.outcomes_sought}")
        for deadline in stage.deadlines:
            if deadline.active:
                flag = " (provisional)" if deadline.provisional else ""
                met = f", met {deadline.met_on.isoformat()}" if deadline.met_on else ""
                lines.append(f"  {deadline.step} due {deadline.due_on.isoformat()}{flag}{met}")
        if stage.acknowledged_on:
            lines.append(f"  acknowledged {stage.acknowledged_on.isoformat()}")
        for e in stage.extensions:
            lines.append(f"  extended {e.previous_due.isoformat()} -> {e.new_due.isoformat()}: {e.reason}")
        if stage.response is not None:
            r = stage.response
            lines.append(f"  answered {r.responded_on.isoformat()}: {Decision(r.decision).label}: {r.reasons}")
    if detail.refusal is not None:
        lines.append(f"refused {detail.refusal.refused_on.isoformat()}: "
                     f"{ExclusionReason(detail.refusal.exclusion_reason).label}: {detail.refusal.explanation}")
    if detail.withdrawal is not None:
        lines.append(f"withdrawn {detail.withdrawal.withdrawn_on.isoformat()}")
    for letter in detail.letters:
        lines.append(f"letter {letter.id}: {letter.kind} sent {letter.sent_on.isoformat()} sha256 {letter.sha256}")
    return lines


# --- chc deadlines --json -----------------------------------------------------------------------


def deadlines_json(services: "Services") -> dict[str, Any]:
    """Every open complaint deadline, soonest first, with the keys README documents."""
    return {
        "today": services.today.isoformat(),
        "deadlines": [
            {
                "reference": due.row.reference,
                "resident": due.row.resident,
                "stage": due.row.stage,
                "handler": due.row.handler,
                "step": _snake_value(due.step.value),
                "due_on": _iso(due.row.due_on),
                "due_step": due.row.due_step,
                "provisional": due.row.provisional,
                "working_days_left": due.days_left,
                "state": _snake_value(due.state.value) if due.state else None,
            }
            for due in services.deadlines()
        ],
    }


def run_deadlines_json(path: Path | str) -> int:
    services = open_services(path)
    try:
        print(_json_text(deadlines_json(services)))
        return 0
    finally:
        services.db.dispose()
