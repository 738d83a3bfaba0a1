"""The evidence pack: one document about one complaint for the Housing Ombudsman.

Everything in it is read from the complaint's records (ComplaintDetail) and the landlord's
settings: every definition, every due date with the days it skipped, every extension,
each response, each letter exactly as sent with its checksum, the correspondence, and the
full timeline of the audit trail. Nothing is typed in by hand. Written as Word (.docx),
Markdown (.md) or plain text (.txt): a chc_tui.documents.document.Document, by the one writer per
format in chc_tui.documents.document_writers.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from chc_tui.documents.document import Block, Document, Fields, Heading, Letter, Page, Paragraph, Table
from chc_tui.documents.document_writers import RULE, to_markdown, to_text, write  # noqa: F401  (written by chc_tui.documents.document_writers)
from chc_tui.rules.domain import Decision, ExclusionReason, refusal_fact_rows
from chc_tui.rules.deadlines import is_overdue
from chc_tui.steps.landlord import LandlordSettings
from chc_tui.documents.letter_export import address_lines, format_of
from chc_tui.rules.policy import CODE_2024, CodePolicy
from store.queries import ComplaintDetail, DeadlineView, HistoryEntry, StageView

if TYPE_CHECKING:
    from chc_tui.figures.preflight import Preflight

PACK_FORMATS = ("docx", "md", "txt")
PACK_PAGE = Page(font="Arial", size_pt=10, side_margins_cm=2.0)


# --- how values read --------------------------------------------------------------------------


def day(value: date | None) -> str:
    """"Mon 23 November 2026"."""
    return "" if value is None else f"{value:%a} {value.day} {value:%B %Y}"


def moment(value: datetime) -> str:
    """An audit time, in UTC as stored (SQLite gives it back without a zone)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return f"{value.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC"


def _value(value) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _known(value: bool | None) -> str:
    """A yes/no fact that an import may have left not known (never taken as yes)."""
    return "not known (imported, not verified)" if value is None else "yes" if value else "no"


def _label(key: str) -> str:
    return key.replace("_", " ")


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- building it from the records -------------------------------------------------------------------


def _heading_block(detail: ComplaintDetail, landlord: LandlordSettings, today: date, produced_by: str) -> list[Block]:
    complaint, resident = detail.complaint, detail.resident
    representative = (
        f"{complaint.representative_name} ({complaint.representative_relationship})"
        if complaint.representative_name and complaint.representative_relationship
        else complaint.representative_name or "none"
    )
    dates = [("Received", f"{day(complaint.received_on)} by {complaint.channel.replace('_', ' ')}")]
    for stage in detail.stages:
        if stage.stage > 1:
            dates.append((f"Escalated to stage {stage.stage}", day(stage.opened_on)))
    dates += [
        ("Refused", day(detail.refusal.refused_on) if detail.refusal else ""),
        ("Withdrawn", day(detail.withdrawal.withdrawn_on) if detail.withdrawal else ""),
        ("Closed", day(complaint.closed_on)),
    ]
    return [
        Heading(1, f"Complaint {complaint.reference}: evidence pack"),
        Fields(
            [
                ("Landlord", "\n".join([landlord.name, *address_lines(landlord)])),
                ("Reference", complaint.reference),
                ("Resident", "\n".join(x for x in (resident.name, resident.address) if x)),
                ("Representative", representative),
                ("Category", complaint.category),
                ("Status", f"{complaint.status}, stage {complaint.current_stage}"),
                *dates,
                ("Reasonable adjustments", complaint.adjustments),
                ("Produced", f"{day(today)} by {produced_by}" if produced_by else day(today)),
            ]
        ),
        Paragraph(
            "Every date, figure and text below is read from the complaint's records in the complaints "
            "system; letters are reproduced exactly as sent, with the SHA-256 checksum stored when each was sent."
        ),
    ]


def _residents_words(detail: ComplaintDetail) -> list[Block]:
    return [Heading(2, "In the resident's words"), Paragraph(detail.complaint.resident_words)]


PREFLIGHT_HEADING = "Before the Ombudsman looks: breaches the records show"


def _preflight(result: "Preflight") -> list[Block]:
    """The pre-flight (chc_tui.figures.preflight): every breach of the Code the records show,
    with its provision and the records behind it, found by the rules the figures use."""
    blocks: list[Block] = [Heading(2, PREFLIGHT_HEADING)]
    checked = "Checked: " + "; ".join(result.checked) + "."
    if result.clean:
        blocks += [Paragraph("No breach of the Code found in the records."), Paragraph(checked)]
    else:
        count = len(result.breaches)
        blocks.append(Paragraph(
            f"{count} breach{'es' if count != 1 else ''} of the Code found in the records, each with the "
            "provision and the records behind it, judged by the same rules as the annual report and the "
            "self-assessment."))
        rows = [[f"Code {b.provision}", b.title, b.detail, "\n".join(b.records)] for b in result.breaches]
        blocks += [Table(["Provision", "Breach", "What the records show", "Records"], rows), Paragraph(checked)]
    if result.unverified:
        blocks.append(Paragraph("This complaint was imported from a spreadsheet and has not been verified: "
                                "facts the spreadsheet did not hold are not known, and are listed as such."))
    return blocks


def _definitions(detail: ComplaintDetail, stage: StageView) -> list[Block]:
    blocks: list[Block] = [Heading(3, "Definition of the complaint (Code 5.6, 5.7)")]
    if not stage.definitions:
        return blocks + [Paragraph("No definition was recorded.")]
    count = len(stage.definitions)
    for number, definition in enumerate(stage.definitions, start=1):
        current = " (the one in force)" if number == count and count > 1 else ""
        blocks.append(
            Heading(4, f"Version {number} of {count}: {day(definition.defined_on)} by {detail.by(definition, definition.defined_by)}{current}")
        )
        blocks.append(
            Fields(
                [
                    ("Our understanding", definition.understanding),
                    ("Outcomes sought", definition.outcomes_sought),
                    ("We are responsible for", definition.responsible_aspects),
                    ("Not our responsibility", definition.not_responsible_aspects),
                ]
            )
        )
    return blocks


def _outcome(detail: ComplaintDetail, stage: StageView, index: int, today: date) -> str:
    deadline = stage.deadlines[index]
    if deadline.met_on is not None:
        timely = "on time" if deadline.met_on <= deadline.due_on else "late, after the due date"
        return f"Met on {day(deadline.met_on)} ({timely})"
    if deadline.active:
        if detail.complaint.status != "open":
            return "Not met"
        return "Not yet met" + (": the due date has passed" if is_overdue(deadline.due_on, today) else "")
    if deadline.provisional:
        return "Provisional; replaced by the response deadline set at acknowledgement"
    later = next(
        (d for d in stage.deadlines[index + 1:] if d.step == deadline.step and d.by_extension), None
    )
    if later is not None:
        return f"Superseded by an extension to {day(later.due_on)}"
    if detail.complaint.status in ("refused", "withdrawn"):
        return f"No longer due: the complaint was {detail.complaint.status}"
    return "No longer due"


def _skipped(deadline: DeadlineView) -> str:
    if not deadline.skipped:
        return "none"
    return "\n".join(f"{day(skipped)}: {reason}" for skipped, reason in deadline.skipped)


def _deadlines(detail: ComplaintDetail, stage: StageView, today: date, policy: CodePolicy) -> list[Block]:
    timescales = policy.for_stage(stage.stage)
    blocks: list[Block] = [Heading(3, "Deadlines")]
    if not stage.deadlines:
        return blocks + [Paragraph("No deadline was set.")]
    for index, deadline in enumerate(stage.deadlines):
        if deadline.by_extension:
            rule = f"extension (Code {timescales.extension_provision})"
        elif deadline.step == "acknowledge":
            rule = f"Code {timescales.acknowledge_provision}"
        else:
            rule = f"Code {timescales.respond_provision}"
        blocks.append(Heading(4, f"{deadline.step.capitalize()}: due {day(deadline.due_on)}"))
        blocks.append(
            Fields(
                [
                    ("Set by", rule + (", provisional" if deadline.provisional else "")),
                    ("Clock started", day(deadline.clock_start)),
                    ("Working days", str(deadline.working_days)),
                    ("Due", day(deadline.due_on)),
                    ("Days skipped", _skipped(deadline)),
                    ("Outcome", _outcome(detail, stage, index, today)),
                ]
            )
        )
    return blocks


def _extensions(detail: ComplaintDetail, stage: StageView, policy: CodePolicy) -> list[Block]:
    if not stage.extensions:
        return []
    rules = policy.for_stage(stage.stage)
    limit, provision = rules.max_extension_days, rules.extension_provision
    blocks: list[Block] = [Heading(3, f"Extensions (Code {provision})")]
    for number, ext in enumerate(stage.extensions, start=1):
        past_limit = not rules.within_extension_limit(ext.working_days_beyond_target)
        blocks.append(Heading(4, f"Extension {number}: {day(ext.previous_due)} to {day(ext.new_due)}"))
        blocks.append(
            Fields(
                [
                    ("Decided", (day(ext.decided_on) or "date not known (imported, not verified)") + (f" by {detail.by(ext, ext.decided_by)}" if ext.decided_by or ext.by_staff_id else "")),
                    ("Previous due date", day(ext.previous_due)),
                    ("New due date", day(ext.new_due)),
                    (
                        "Beyond the response target",
                        f"{ext.working_days_beyond_target} working days (the Code's limit is {limit})",
                    ),
                    ("Reason", ext.reason),
                    (
                        "Good reason for passing the limit",
                        (ext.good_reason or "NOT recorded") if past_limit else "",
                    ),
                    ("Resident told", day(ext.told_resident_on) or "not recorded"),
                    ("Ombudsman's details given", _known(ext.ombudsman_details_given)),
                ]
            )
        )
    return blocks


def _stage_closed_on(detail: ComplaintDetail, stage: StageView) -> tuple[date | None, str]:
    later = detail.stage(stage.stage + 1)
    if later is not None:
        return later.opened_on, "escalated"
    if detail.complaint.status == "open":
        return None, ""
    if detail.refusal:
        return detail.refusal.refused_on, "refused"
    if detail.withdrawal:
        return detail.withdrawal.withdrawn_on, "withdrawn"
    return detail.complaint.closed_on, "closed"


def _response(detail: ComplaintDetail, stage: StageView) -> list[Block]:
    response = stage.response
    if response is None:
        return []
    if response.outstanding_actions:
        closed_on, how = _stage_closed_on(detail, stage)
        state = (
            f"stage closed ({how}) on {day(closed_on)}; the actions are tracked to completion (Code 6.6)"
            if how
            else "open: the stage is not yet closed"
        )
    else:
        state = ""
    return [
        Heading(3, "Response"),
        Fields(
            [
                ("Sent", f"{day(response.responded_on)}" + (f" by {detail.by(response, response.responded_by)}" if response.responded_by or response.by_staff_id else "")),
                ("Decision", Decision(response.decision).label),
                ("Reasons", response.reasons),
                ("Remedy", response.remedy or "none"),
                ("Outstanding actions", response.outstanding_actions or "none"),
                ("State of the actions", state),
            ]
        ),
    ]


def _stage(detail: ComplaintDetail, stage: StageView, today: date, policy: CodePolicy) -> list[Block]:
    blocks: list[Block] = [
        Heading(2, f"Stage {stage.stage}"),
        Fields(
            [
                ("Escalation requested" if stage.stage > 1 else "Received", day(stage.opened_on)),
                ("Why the resident escalated", stage.escalation_reason),
                ("Handler", stage.handler),
                ("Acknowledged", day(stage.acknowledged_on) or "not acknowledged"),
                ("Responded", day(stage.responded_on) or "no response sent"),
            ]
        ),
    ]
    blocks += _definitions(detail, stage)
    blocks += _deadlines(detail, stage, today, policy)
    blocks += _extensions(detail, stage, policy)
    blocks += _response(detail, stage)
    return blocks


def _refusal_and_withdrawal(detail: ComplaintDetail) -> list[Block]:
    blocks: list[Block] = []
    if detail.refusal:
        refusal = detail.refusal
        blocks += [
            Heading(2, "Refusal (Code 2.2-2.5)"),
            Fields(
                [
                    ("Refused", f"{day(refusal.refused_on)} at stage {refusal.stage}"
                     + (f" by {refusal.refused_by}" if refusal.refused_by else "")),
                    ("Reason", ExclusionReason(refusal.exclusion_reason).label),
                    ("Explanation", refusal.explanation),
                    *refusal_fact_rows(refusal, day),
                    ("Right to go to the Ombudsman explained", _known(refusal.ombudsman_right_explained)),
                ]
            ),
        ]
    if detail.withdrawal:
        withdrawal = detail.withdrawal
        blocks += [
            Heading(2, "Withdrawal"),
            Fields(
                [
                    ("Withdrawn", f"{day(withdrawal.withdrawn_on)} at stage {withdrawal.stage}"
                     + (f", recorded by {withdrawal.recorded_by}" if withdrawal.recorded_by else "")),
                    ("Reason", withdrawal.reason or "none given"),
                ]
            ),
        ]
    return blocks


def _files(view) -> str:
    return "\n".join(f"{a.original_name} (SHA-256 {a.sha256})" for a in view.attachments)


def _party(item) -> str:
    return item.party + (f" ({item.party_name})" if item.party_name else "")


def _correspondence(detail: ComplaintDetail) -> list[Block]:
    blocks: list[Block] = [Heading(2, "Correspondence and notes (Code 5.12)")]
    if not detail.correspondence:
        return blocks + [Paragraph("None recorded.")]
    rows = [
        [
            day(view.item.happened_on),
            view.item.kind,
            view.item.direction,
            _party(view.item),
            view.item.summary,
            view.item.recorded_by,
            _files(view),
        ]
        for view in detail.correspondence
    ]
    return blocks + [Table(["Date", "Kind", "Direction", "With", "Summary", "Recorded by", "Files"], rows)]


def _delivery(detail: ComplaintDetail, letter_id: int | None) -> str:
    """How the letter went out, and where each route got to (issue 21)."""
    from chc_tui.steps.delivery import Route, describe

    delivery = detail.deliveries.get(letter_id or 0)
    if delivery is None:
        return "not recorded"
    return f"by {Route(delivery.channel).label}: {describe(delivery)}"


def _letters(detail: ComplaintDetail) -> list[Block]:
    from chc_tui.documents.letters import LetterKind

    blocks: list[Block] = [Heading(2, "Letters as sent")]
    if not detail.letters:
        return blocks + [Paragraph("No letter was sent from the complaints system.")]
    for letter in detail.letters:
        try:
            kind = LetterKind(letter.kind).label
        except ValueError:
            kind = letter.kind
        matches = sha256_of(letter.body) == letter.sha256
        blocks.append(Heading(3, f"Letter {letter.id}: {kind}, {day(letter.sent_on)}"))
        blocks.append(
            Fields(
                [
                    ("Stage", str(letter.stage)),
                    ("Sent", f"{day(letter.sent_on)}" + (f" by {detail.by(letter, letter.sent_by)}" if letter.sent_by or letter.by_staff_id else "")),
                    ("Template", letter.template + (" (edited by the handler before sending)" if letter.edited else "")),
                    ("Goes", _delivery(detail, letter.id)),
                    ("SHA-256", letter.sha256),
                    (
                        "Checksum",
                        "the text below matches it" if matches else "DOES NOT MATCH the text below",
                    ),
                ]
            )
        )
        blocks.append(Letter(letter.body, quoted=True))
    return blocks


def _needs(detail: ComplaintDetail) -> list[Block]:
    needs = detail.needs
    if needs is None or not (needs.adjustments or needs.vulnerabilities or needs.representatives or needs.restrictions):
        return []
    rows = [["adjustment (5.10)", a.description, day(a.agreed_on), day(a.review_on), day(a.reviewed_on), day(a.ended_on)]
            for a in needs.adjustments]
    rows += [["disclosed (5.10)", v.description, day(v.disclosed_on), "", "", day(v.ended_on)] for v in needs.vulnerabilities]
    rows += [["representative (3.6)", f"{p.name} ({p.relationship}); authority "
              + (f"confirmed {day(p.authority_confirmed_on)}" if p.authority_confirmed_on else "not confirmed"),
              "", "", "", day(p.ended_on)] for p in needs.representatives]
    rows += [["restriction (5.14)", f"{r.restriction}. Reasons: {r.reasons}. Decided by {r.decided_by}. "
              f"Equality Act 2010 considered (5.15): {r.equality_act_consideration or 'not recorded'}",
              day(r.decided_on), day(r.review_on), day(r.reviewed_on), day(r.ended_on)] for r in needs.restrictions]
    return [Heading(2, "The resident's needs and any restriction"),
            Table(["Kind", "What", "From", "Review due", "Last reviewed", "Ended"], rows)]


def _around(detail: ComplaintDetail) -> list[Block]:
    from chc_tui.steps.ombudsman import Determination
    from chc_tui.steps.remedies import RemedyKind, pounds

    around = detail.around
    if around is None:
        return []
    blocks: list[Block] = []
    if around.remedies or around.actions:
        rows = [[f"remedy: {RemedyKind(r.kind).label}", r.description + (f" {pounds(r.amount_pence)}" if r.amount_pence else ""),
                 f"stage {r.stage}", day(r.offered_on), day(r.due_on),
                 "; ".join(x for x in (f"accepted {day(r.accepted_on)}" if r.accepted_on else "",
                                       f"declined {day(r.declined_on)}" if r.declined_on else "",
                                       f"done {day(r.done_on)}" if r.done_on else "") if x) or "not yet done"]
                for r in around.remedies]
        rows += [[f"action ({a.owner})", a.description + (f". {a.update}" if a.update else ""), f"stage {a.stage}", "",
                  day(a.due_on), f"done {day(a.done_on)}" if a.done_on else "not yet done"] for a in around.actions]
        blocks += [Heading(2, "Remedies and outstanding actions (Code 7.1-7.3)"),
                   Table(["Kind", "What will happen", "Stage", "Offered", "By", "Outcome"], rows)]
    for view in around.cases:
        case = view.case
        blocks += [Heading(2, f"Housing Ombudsman case {case.ombudsman_reference}"),
                   Fields([("Opened", day(case.opened_on)), ("Closed", day(case.closed_on)),
                           ("Complaint Handling Failure Order", f"{day(case.chfo_on)}: {case.chfo_reason}" if case.chfo_on else "")])]
        rows = [["request", q.description, day(q.received_on), day(q.due_on), f"met {day(q.met_on)}" if q.met_on else "not yet"]
                for q in view.requests]
        rows += [["finding", f"{f.issue}: {Determination(f.determination).label}", day(f.determined_on), "", ""]
                 for f in view.findings]
        rows += [[o.kind, o.description, "", day(o.due_on),
                  f"complied {day(o.complied_on)}: {o.evidence}" if o.complied_on else "not yet"] for o in view.orders]
        if rows:
            blocks.append(Table(["Kind", "What", "Date", "Due", "Done"], rows))
    return blocks


def _history_details(entry: HistoryEntry) -> str:
    lines = [
        f"{_label(key)}: {_value(entry.before.get(key))} -> {_value(entry.details.get(key))}" for key in entry.before
    ]
    lines += [f"{_label(key)}: {_value(value)}" for key, value in entry.details.items() if key not in entry.before]
    return "\n".join(lines)


def timeline_rows(detail: ComplaintDetail) -> list[list[str]]:
    """The audit trail and the correspondence together, in date order. A correspondence
    item has a date only, so it comes before that day's recorded changes."""
    entries: list[tuple[tuple, list[str]]] = []
    for seq, entry in enumerate(detail.history):
        at = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=timezone.utc)
        at = at.astimezone(timezone.utc)
        entries.append(((at.date(), 1, at.time(), seq), [moment(entry.at), entry.who, entry.action, _history_details(entry)]))
    for seq, view in enumerate(detail.correspondence):
        item = view.item
        sent = f"letter {item.letter_id} as sent is under Letters as sent" if item.letter_id else ""
        details = "\n".join(
            x for x in (f"with {_party(item)}" if item.party else "", item.summary, sent, _files(view)) if x
        )
        what = f"{item.kind} ({item.direction})"
        entries.append(((item.happened_on, 0, time.min, seq), [item.happened_on.isoformat(), item.recorded_by, what, details]))
    return [row for _key, row in sorted(entries, key=lambda e: e[0])]


def build_pack(
    detail: ComplaintDetail,
    landlord: LandlordSettings,
    today: date,
    *,
    produced_by: str = "",
    policy: CodePolicy = CODE_2024,
    preflight: "Preflight | None" = None,
) -> Document:
    """The whole pack for one complaint, from its records; it begins with the `preflight`
    (chc_tui.figures.preflight), when given, after the complaint's particulars."""
    blocks = _heading_block(detail, landlord, today, produced_by)
    if preflight is not None:
        blocks += _preflight(preflight)
    blocks += _residents_words(detail)
    for stage in detail.stages:
        blocks += _stage(detail, stage, today, policy)
    blocks += _refusal_and_withdrawal(detail)
    blocks += _needs(detail)
    blocks += _around(detail)
    blocks += _correspondence(detail)
    blocks += _letters(detail)
    blocks += [
        Heading(2, "Timeline"),
        Paragraph("Every change recorded on the complaint (times in UTC, as stored) and every piece of "
             "correspondence, oldest first. Where a change replaced a value it shows before -> after."),
        Table(["When", "Who", "What", "Details"], timeline_rows(detail)),
    ]
    return Document(f"Complaint {detail.complaint.reference}: evidence pack", blocks, PACK_PAGE)


# --- one entry point -------------------------------------------------------------------------------


def default_filename(reference: str, fmt: str) -> str:
    from chc_tui.documents.file_names import safe_file_stem

    return f"{safe_file_stem(reference)}-evidence.{fmt}"


def write_pack(pack: Document, out: Path) -> Path:
    """Write the pack to `out` as .docx, .md or .txt (by its suffix; UnknownFormat for
    any other); returns the path."""
    out = Path(out).expanduser()
    return write(pack, format_of(out, PACK_FORMATS), out)
