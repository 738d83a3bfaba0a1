"""`chc requests list|log|done|dissatisfied|told`: service requests from the command line (Code 1.4), through
the same use-cases as the F5 screen, for a landlord who feeds them in from another system."""

from __future__ import annotations

import sys

from chc_tui.cli.complaint import CHANNELS
from chc_tui.terminal import terminal_safe

# use-case field -> the option or argument that sets it, so a problem names what to change
OPTION_FOR = {
    "dissatisfied_on": "--on", "dissatisfaction": "WORDS", "choice_offered": "--offered", "choice": "--answer",
    "channel": "--channel", "handler": "--handler", "told_on": "--on", "how": "--how", "decision": "DECISION",
    "done_on": "--on", "outcome": "OUTCOME", "received_on": "--received", "description": "DESCRIPTION",
}


def add_requests_parser(sub, with_db, date_arg) -> None:
    parser = sub.add_parser("requests", parents=[with_db], help="service requests: list, log, done, dissatisfied, told (Code 1.3-1.5)")
    actions = parser.add_subparsers(dest="requests_command", required=True)
    listing = actions.add_parser("list", parents=[with_db], help="open requests, soonest target first")
    listing.add_argument("--all", action="store_true", help="done ones too")
    log = actions.add_parser("log", parents=[with_db], help="log a request; prints its reference and target")
    log.add_argument("description")
    log.add_argument("--for", dest="for_reference", metavar="REF",
                     help="the resident of this complaint or request")
    log.add_argument("--resident", default="", help="or a new resident's name")
    log.add_argument("--address", default="")
    log.add_argument("--category", default="Repairs")
    log.add_argument("--received", type=date_arg, help="default: today")
    done = actions.add_parser("done", parents=[with_db], help="record a request as done")
    done.add_argument("reference")
    done.add_argument("outcome")
    done.add_argument("--on", type=date_arg, help="default: today")
    unhappy = actions.add_parser(
        "dissatisfied", parents=[with_db],
        help="the resident is dissatisfied (Code 1.3, 1.5): record that the choice to complain was offered and "
        "their answer; yes logs the stage 1 complaint at once, linked to the request")
    unhappy.add_argument("reference")
    unhappy.add_argument("words", help="what they are dissatisfied with, in their words")
    unhappy.add_argument("--offered", action="store_true", help="the choice to make a complaint was offered (required)")
    unhappy.add_argument("--answer", required=True, choices=("yes", "no", "undecided"),
                         help="the resident's answer: yes (log the complaint now), no, undecided")
    unhappy.add_argument("--on", type=date_arg, help="when they said it; default: today")
    unhappy.add_argument("--channel", choices=CHANNELS, default="phone",
                         help="with --answer yes: how the complaint came in (default: phone)")
    unhappy.add_argument("--handler", help="with --answer yes: the complaint's handler (default: you)")
    told = actions.add_parser("told", parents=[with_db],
                              help="the resident was told the decision on the request and the next steps")
    told.add_argument("reference")
    told.add_argument("decision", help="the decision and next steps they were told")
    told.add_argument("--how", required=True, choices=CHANNELS, help="how they were told")
    told.add_argument("--on", type=date_arg, help="default: today")


def run_requests(args, path) -> int:
    from chc_tui.steps import service_requests
    from chc_tui.rules.domain import StepRefused
    from chc_tui.rules.deadlines import is_overdue
    from chc_tui.services import Services

    services = Services.open(path)
    try:
        if args.requests_command == "list":
            rows, counts = services.service_requests(open_only=not args.all)
            for found in rows:
                sr = found.request
                state = f"done {sr.done_on.isoformat()}" if sr.done_on else (
                    "past target" if is_overdue(sr.due_on, services.today) else "open")
                linked = f"  complaint {found.complaint_reference}" if found.complaint_reference else ""
                print(terminal_safe(f"{sr.reference}  {sr.due_on.isoformat()}  {state:<16} {found.resident}: {sr.description}{linked}"))
            print(f"{counts.open} open, {counts.overdue} past target, {counts.done} done "
                  f"({counts.done_late} after target), {counts.raised_complaints} led to a complaint", file=sys.stderr)
            return 0
        if args.requests_command == "log":
            resident_id = None
            if args.for_reference:
                resident_id = services.resident_of(args.for_reference.strip().upper())
                if resident_id is None:
                    raise StepRefused(f"no complaint or service request {args.for_reference}")
            logged = services.run(
                service_requests.log_service_request, received_on=args.received or services.today,
                category=args.category, description=args.description, resident_id=resident_id,
                resident_name=args.resident, resident_address=args.address,
            )
            print(f"{logged.reference} target {logged.due_on.isoformat()} ({logged.target_days} working days)")
            return 0
        reference = args.reference.strip().upper()
        if args.requests_command == "dissatisfied":
            recorded = services.run(
                service_requests.record_dissatisfaction, reference, dissatisfied_on=args.on or services.today,
                dissatisfaction=args.words, choice_offered=args.offered, choice=args.answer,
                channel=args.channel.replace("-", "_"), handler=args.handler,
            )
            line = f"{reference}: dissatisfaction recorded; choice to complain offered, answer {recorded.choice.label}"
            if recorded.complaint is not None:
                line += (f"; complaint {recorded.complaint.reference} logged, acknowledge by "
                         f"{recorded.complaint.acknowledge_due.isoformat()}")
            print(terminal_safe(line))
            return 0
        if args.requests_command == "told":
            services.run(service_requests.record_decision_told, reference, told_on=args.on or services.today,
                         how=args.how.replace("-", "_"), decision=args.decision)
            print(f"{reference}: the resident was told the decision and next steps")
            return 0
        services.run(service_requests.complete_service_request, reference,
                     done_on=args.on or services.today, outcome=args.outcome)
        print(f"{reference} done")
        return 0
    except StepRefused as refused:
        for problem in refused.problems:
            option = OPTION_FOR.get(problem.field or "")
            print(terminal_safe(f"chc requests: {option + ': ' if option else ''}{problem.message}"), file=sys.stderr)
        return 2
    finally:
        services.db.dispose()
