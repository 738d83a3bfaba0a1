"""Moving in from a spreadsheet: the complaints a landlord kept in a .csv or .xlsx before
chc, replayed row by row through the use-cases (log, define, acknowledge, extend, respond,
escalate, refuse, withdraw, close) -- never written here directly.

All or nothing: every row runs inside one outer write transaction, each row in its own
savepoint. A refused row is undone alone and its problems collected with the row number
and column; if any row had a problem, or this is a dry run, the whole transaction is
rolled back at the end, so a file is imported whole or not at all. A row whose complaint
is already in the database (same reference, or same resident, received date and
category) is skipped as "already imported", so importing a file twice changes nothing.

Textual-free: the CLI (`chc import`) and the import screen both call `import_file`.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable

from chc_tui import usecases
from chc_tui.context import StepContext, os_user
from chc_tui.dates import DateParseError, parse_date
from chc_tui.domain import Channel, Decision, ExclusionReason, StepRefused
from store.engine import Database

# --- the columns -------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # as the export writes it and the README lists it
    aliases: tuple[str, ...] = ()
    is_date: bool = False
    required: bool = False


COLUMNS: list[Column] = [
    Column("reference", "Reference", ("ref", "complaint reference", "complaint ref", "case reference", "case ref")),
    Column("resident", "Resident", ("resident name", "name", "complainant", "tenant", "customer"), required=True),
    Column("received", "Received date", ("date received", "received on", "date logged", "logged"), is_date=True, required=True),
    Column("category", "Category", ("complaint category", "type", "complaint type", "subject"), required=True),
    Column("channel", "Channel", ("how received", "received by", "method")),
    Column("s1_ack", "Stage 1 acknowledged", ("stage 1 acknowledgement", "stage 1 ack", "s1 acknowledged", "acknowledged"), is_date=True),
    Column("s1_ext", "Stage 1 extended to", ("stage 1 extension", "stage 1 extended", "s1 extended to"), is_date=True),
    Column("s1_ext_reason", "Stage 1 extension reason", ("s1 extension reason",)),
    Column("s1_resp", "Stage 1 responded", ("stage 1 response", "stage 1 response sent", "s1 responded", "responded"), is_date=True),
    Column("s1_decision", "Stage 1 decision", ("stage 1 outcome", "s1 decision", "decision", "outcome")),
    Column("s2_req", "Stage 2 requested", ("stage 2 request", "escalated", "escalation requested", "s2 requested"), is_date=True),
    Column("s2_ack", "Stage 2 acknowledged", ("stage 2 acknowledgement", "stage 2 ack", "s2 acknowledged"), is_date=True),
    Column("s2_ext", "Stage 2 extended to", ("stage 2 extension", "stage 2 extended", "s2 extended to"), is_date=True),
    Column("s2_ext_reason", "Stage 2 extension reason", ("s2 extension reason",)),
    Column("s2_resp", "Stage 2 responded", ("stage 2 response", "stage 2 response sent", "s2 responded"), is_date=True),
    Column("s2_decision", "Stage 2 decision", ("stage 2 outcome", "s2 decision")),
    Column("refused", "Refused date", ("refused", "refused on", "date refused", "refusal date"), is_date=True),
    Column("refused_reason", "Refused reason", ("refusal reason", "reason refused", "exclusion reason")),
    Column("withdrawn", "Withdrawn date", ("withdrawn", "withdrawn on", "date withdrawn", "withdrawal date"), is_date=True),
    Column("s1_handler", "Stage 1 handler", ("handler", "stage 1 officer", "s1 handler", "officer", "handled by")),
    Column("s2_handler", "Stage 2 handler", ("stage 2 officer", "s2 handler", "reviewer", "reviewed by")),
]
LABEL = {column.key: column.label for column in COLUMNS}

DEFAULT_CHANNEL = Channel.LETTER  # when the sheet has no Channel column or leaves it blank

# The refusal reasons as a sheet writes them ("legal proceedings: ..."); the export uses these.
EXCLUSION_WORDS = {
    ExclusionReason.OVER_TWELVE_MONTHS: "over 12 months",
    ExclusionReason.LEGAL_PROCEEDINGS: "legal proceedings",
    ExclusionReason.ALREADY_CONSIDERED: "already considered",
    ExclusionReason.OTHER: "other",
}

_DECISIONS = {
    "upheld": Decision.UPHELD, "uphold": Decision.UPHELD, "fully upheld": Decision.UPHELD,
    "partly upheld": Decision.PARTLY_UPHELD, "partially upheld": Decision.PARTLY_UPHELD,
    "part upheld": Decision.PARTLY_UPHELD, "partly": Decision.PARTLY_UPHELD, "partial": Decision.PARTLY_UPHELD,
    "not upheld": Decision.NOT_UPHELD, "rejected": Decision.NOT_UPHELD, "unfounded": Decision.NOT_UPHELD,
}


def _normal(text: str) -> str:
    """A header or word as compared: lower case, punctuation as spaces, 'one' as '1'."""
    words = re.sub(r"[\s_\-.:/()]+", " ", str(text).strip().lower()).strip()
    words = re.sub(r"\bstage (one|two)\b", lambda m: "stage " + ("1" if m.group(1) == "one" else "2"), words)
    return re.sub(r" (date|on)$", "", words)  # "Received date", "Received on": both "received"


_HEADERS: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.label, _column.key, *_column.aliases):
        _HEADERS.setdefault(_normal(_name), _column.key)


# --- reading a file ------------------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str  # the column's label, or "" for the whole row
    message: str

    def __str__(self) -> str:
        return f"row {self.row}{', ' + self.column if self.column else ''}: {self.message}"


class SheetUnreadable(Exception):
    """The file could not be read as a spreadsheet at all (missing, wrong kind, no header)."""


@dataclass
class Sheet:
    name: str
    columns: list[str]  # keys, in the file's order
    ignored: list[str]  # headers chc does not know, left out
    rows: list[tuple[int, dict[str, Any]]]  # (row number, key -> cell value)


def read_sheet(path: Path) -> Sheet:
    """The first worksheet of an .xlsx, or a .csv (UTF-8 with or without BOM, or Windows-1252)."""
    path = Path(path)
    if not path.is_file():
        raise SheetUnreadable(f"there is no file {path}")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw = _csv_rows(path)
    elif suffix in (".xlsx", ".xlsm"):
        raw = _xlsx_rows(path)
    else:
        raise SheetUnreadable(f"{path.name}: chc reads .csv and .xlsx files (save the sheet as one of those)")
    numbered = [(n, cells) for n, cells in raw if any(_text(c) for c in cells)]
    if not numbered:
        raise SheetUnreadable(f"{path.name} is empty")
    header_row, header = numbered[0]
    keys: list[str | None] = []
    ignored: list[str] = []
    for cell in header:
        key = _HEADERS.get(_normal(_text(cell))) if _text(cell) else None
        if key in keys:
            raise SheetUnreadable(f"{path.name}: two columns mean {LABEL[key]!r}; keep one")
        if key is None and _text(cell):
            ignored.append(_text(cell))
        keys.append(key)
    missing = [column.label for column in COLUMNS if column.required and column.key not in keys]
    if missing:
        raise SheetUnreadable(
            f"{path.name}: row {header_row} must name the columns; no {' or '.join(repr(m) for m in missing)} column found"
        )
    rows = []
    for number, cells in numbered[1:]:
        values = {key: cells[i] if i < len(cells) else None for i, key in enumerate(keys) if key}
        rows.append((number, values))
    return Sheet(path.name, [k for k in keys if k], ignored, rows)


def _csv_rows(path: Path) -> list[tuple[int, list[Any]]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:  # Excel's "CSV" on Windows
        text = data.decode("cp1252", errors="replace")
    return list(enumerate(csv.reader(text.splitlines()), start=1))


def _xlsx_rows(path: Path) -> list[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # not a workbook, or a damaged one
        raise SheetUnreadable(f"{path.name} could not be read as an .xlsx workbook: {exc}") from None
    try:
        sheet = book.worksheets[0]
        return [(n, list(cells)) for n, cells in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        book.close()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a reference typed as a number: 123, not 123.0
    return str(value).strip()


# --- one row, checked ------------------------------------------------------------------------


@dataclass(frozen=True)
class StageCells:
    number: int
    acknowledged: date | None
    extended_to: date | None
    extension_reason: str
    responded: date | None
    decision: str  # a Decision value, or ""
    handler: str


@dataclass(frozen=True)
class SheetRow:
    number: int
    reference: str
    resident: str
    received: date
    category: str
    channel: str
    stage1: StageCells
    stage2: StageCells
    escalated: date | None
    refused: date | None
    exclusion_reason: str
    refusal_explanation: str
    withdrawn: date | None

    def natural_key(self) -> tuple[str, date, str]:
        return (self.resident.casefold(), self.received, self.category.casefold())


def sheet_date(value: Any) -> date | None:
    """A date cell: a real date, or text as a handler types one (23/11/2026, 23/11/26,
    2026-11-23, 23 Nov 2026), day first. "today" is not a date in a record of the past."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    if text.lower() in ("today", "t", "yesterday", "y"):
        raise DateParseError(f"{text!r} is not a date: write the date itself, for example 23/11/2026")
    if re.fullmatch(r"\d+(\.\d+)?", text):  # an Excel day number that lost its format
        raise DateParseError(f"{text!r} is not a date: format the column as dates, or write 23/11/2026")
    if " " in text and re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{2}(:\d{2})?", text):
        text = text.split(" ")[0]  # 2026-11-23 00:00:00, as some tools write a date
    return parse_date(text)


def decision_value(value: Any) -> str:
    text = _normal(_text(value))
    if not text:
        return ""
    if text in _DECISIONS:
        return _DECISIONS[text].value
    raise ValueError(f"{_text(value)!r} is not a decision: write upheld, partly upheld or not upheld")


def refusal_reason(text: str) -> tuple[str, str]:
    """(exclusion reason, explanation) from the sheet's words: "legal proceedings: ..."
    names the reason; otherwise the words suggest it, and are the explanation."""
    found = re.match(r"^\s*([^:]{2,40}?)\s*:\s*(.+)$", text, re.S)
    if found:
        named = _normal(found.group(1))
        for reason, words in EXCLUSION_WORDS.items():
            if named in (_normal(words), _normal(reason.value)):
                return reason.value, found.group(2).strip()
    lowered = text.lower()
    if re.search(r"(12|twelve) ?months|over a year|out of time|too old", lowered):
        return ExclusionReason.OVER_TWELVE_MONTHS.value, text.strip()
    if re.search(r"legal|court|solicitor|proceedings|disrepair claim", lowered):
        return ExclusionReason.LEGAL_PROCEEDINGS.value, text.strip()
    if re.search(r"already (been )?(considered|dealt)|duplicate|previous complaint", lowered):
        return ExclusionReason.ALREADY_CONSIDERED.value, text.strip()
    return ExclusionReason.OTHER.value, text.strip()


def channel_value(value: Any) -> str:
    text = _normal(_text(value)).replace(" ", "_")
    if not text:
        return DEFAULT_CHANNEL.value
    aliases = {"telephone": "phone", "call": "phone", "e_mail": "email", "online": "web_form", "website": "web_form",
               "web": "web_form", "face_to_face": "in_person", "in_person_visit": "in_person", "visit": "in_person",
               "social": "social_media", "post": "letter"}
    text = aliases.get(text, text)
    if text in set(Channel):
        return text
    raise ValueError(f"{_text(value)!r} is not a channel: write one of {', '.join(c.replace('_', ' ') for c in Channel)}")


def check_row(number: int, values: dict[str, Any]) -> tuple[SheetRow | None, list[RowProblem]]:
    """The row as typed values, or the problems that stop it being imported."""
    problems: list[RowProblem] = []

    def problem(key: str, message: str) -> None:
        problems.append(RowProblem(number, LABEL.get(key, ""), message))

    dates: dict[str, date | None] = {}
    for column in COLUMNS:
        if column.is_date:
            try:
                dates[column.key] = sheet_date(values.get(column.key))
            except DateParseError as exc:
                dates[column.key] = None
                problem(column.key, str(exc))
    text = {c.key: _text(values.get(c.key)) for c in COLUMNS if not c.is_date}

    for key, what in (("resident", "the resident's name"), ("category", "the category")):
        if not text[key]:
            problem(key, f"{what} is missing")
    if dates["received"] is None and _text(values.get("received")) == "":
        problem("received", "the date received is missing")
    channel = ""
    try:
        channel = channel_value(values.get("channel"))
    except ValueError as exc:
        problem("channel", str(exc))

    stages = []
    for n in (1, 2):
        s = f"s{n}_"
        decision = ""
        try:
            decision = decision_value(values.get(s + "decision"))
        except ValueError as exc:
            problem(s + "decision", str(exc))
        acked, extended, responded = dates[s + "ack"], dates[s + "ext"], dates[s + "resp"]
        if responded and not acked:
            problem(s + "resp", f"stage {n} was responded to but has no {LABEL[s + 'ack']} date (Code 6.2/6.11)")
        if extended and not acked:
            problem(s + "ext", f"stage {n} was extended but has no {LABEL[s + 'ack']} date")
        if responded and not decision and not _text(values.get(s + "decision")):
            problem(s + "decision", f"stage {n} was responded to: say whether it was upheld, partly upheld or not upheld")
        if decision and not responded:
            problem(s + "resp", f"stage {n} has a decision but no {LABEL[s + 'resp']} date")
        if text[s + "ext_reason"] and not extended:
            problem(s + "ext", f"stage {n} has an extension reason but no {LABEL[s + 'ext']} date")
        stages.append(StageCells(n, acked, extended, text[s + "ext_reason"], responded, decision, text[s + "handler"]))

    stage_two_cells = [k for k in ("s2_ack", "s2_ext", "s2_resp") if dates[k]] + (["s2_decision"] if text["s2_decision"] else [])
    if not dates["s2_req"]:
        for key in stage_two_cells[:1]:
            problem("s2_req", f"{LABEL[key]} is filled in but {LABEL['s2_req']} is not")
    elif not text["s2_handler"]:
        problem("s2_handler", "stage 2 needs its handler, someone other than the stage 1 handler (Code 6.13)")

    if (dates["refused"] or text["refused_reason"]) and dates["withdrawn"]:
        problem("withdrawn", "a complaint is either refused or withdrawn, not both")
    if text["refused_reason"] and not dates["refused"] and not _text(values.get("refused")):
        problem("refused", "the complaint was refused: give the date it was refused")
    if dates["refused"] and not text["refused_reason"]:
        problem("refused_reason", "the complaint was refused: give the reason and explanation (Code 2.2, 2.4)")

    if problems:
        return None, problems
    exclusion, explanation = refusal_reason(text["refused_reason"]) if text["refused_reason"] else ("", "")
    return SheetRow(
        number=number, reference=text["reference"], resident=text["resident"], received=dates["received"],
        category=text["category"], channel=channel, stage1=stages[0], stage2=stages[1], escalated=dates["s2_req"],
        refused=dates["refused"], exclusion_reason=exclusion, refusal_explanation=explanation,
        withdrawn=dates["withdrawn"],
    ), []


# --- running the rows through the use-cases ----------------------------------------------


@dataclass(frozen=True)
class Imported:
    row: int
    reference: str  # the complaint's reference in chc
    sheet_reference: str  # the spreadsheet's own, "" if it had none


@dataclass(frozen=True)
class Skipped:
    row: int
    reference: str  # the complaint already in chc

    def __str__(self) -> str:
        return f"row {self.row}: already imported as {self.reference}"


@dataclass
class ImportReport:
    file: str
    rows: int
    dry_run: bool
    imported: list[Imported] = field(default_factory=list)
    already: list[Skipped] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def committed(self) -> bool:
        return not self.dry_run and not self.problems

    def summary(self) -> str:
        n = len(self.imported)
        complaints = f"{n} complaint{'s' if n != 1 else ''}"
        already = f"; {len(self.already)} already imported, skipped" if self.already else ""
        if self.problems:
            p = len(self.problems)
            return f"{p} problem{'s' if p != 1 else ''} in {self.file}: nothing was imported. Fix the rows and import again."
        if self.dry_run:
            return f"Dry run of {self.file}: {complaints} would be imported{already}. Nothing was written."
        return f"{complaints} imported from {self.file}{already}."


Progress = Callable[[int, int], None]

# log_complaint(reference=...) keeps a spreadsheet's own reference. Without that parameter
# an imported complaint gets the next chc reference, and the sheet's is kept in its text.


class _RowRefused(Exception):
    def __init__(self, problems: list[RowProblem]):
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


class _NothingKept(Exception):
    """Raised inside the outer write to roll every row back (a dry run, or problems)."""


def import_file(
    db: Database,
    path: Path | str,
    *,
    dry_run: bool = False,
    actor: str | None = None,
    today: date | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Read and import a spreadsheet; raises SheetUnreadable if it is not one."""
    sheet = read_sheet(Path(path))
    return import_sheet(db, sheet, dry_run=dry_run, actor=actor, today=today, progress=progress)


def import_sheet(
    db: Database,
    sheet: Sheet,
    *,
    dry_run: bool = False,
    actor: str | None = None,
    today: date | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    report = ImportReport(sheet.name, len(sheet.rows), dry_run, ignored_columns=list(sheet.ignored))
    actor = (actor or os_user()).strip()
    today = today or date.today()
    checked: list[SheetRow | None] = []
    seen: dict[object, int] = {}
    for number, values in sheet.rows:
        row, problems = check_row(number, values)
        if row is not None:
            for key in ([row.reference.casefold()] if row.reference else []) + [row.natural_key()]:
                if key in seen:
                    problems.append(RowProblem(number, "", f"the same complaint as row {seen[key]}"))
                    row = None
                    break
            else:
                if row.reference:
                    seen[row.reference.casefold()] = number
                seen[row.natural_key()] = number
        report.problems += problems
        checked.append(row)

    total = len(checked)
    try:
        with db.write() as session:
            for done, row in enumerate(checked, start=1):
                if row is not None:
                    found = _already_there(session, row)
                    if found:
                        report.already.append(Skipped(row.number, found))
                    else:
                        try:
                            with db.write():  # this row's savepoint: a refused row undoes only itself
                                reference = _replay(db, row, sheet.name, actor, today)
                            report.imported.append(Imported(row.number, reference, row.reference))
                        except _RowRefused as refused:
                            report.problems += refused.problems
                if progress is not None:
                    progress(done, total)
            if report.problems or dry_run:
                raise _NothingKept
    except _NothingKept:
        pass
    report.problems.sort(key=lambda p: p.row)
    return report


def _already_there(session, row: SheetRow) -> str | None:
    """The reference of a complaint this row has already become, read in the import's
    own transaction (rows imported earlier in this run are not yet committed)."""
    from sqlmodel import func, select

    from store.models import Complaint, Resident

    if row.reference:
        found = session.exec(select(Complaint.reference).where(Complaint.reference == row.reference)).first()
        if found:
            return found
    return session.exec(
        select(Complaint.reference)
        .join(Resident, Resident.id == Complaint.resident_id)
        .where(
            Complaint.received_on == row.received,
            func.lower(Complaint.category) == row.category.lower(),
            func.lower(Resident.name) == row.resident.lower(),
        )
        .order_by(Complaint.id)
    ).first()


# Where each use-case's field is typed in the sheet, for a problem's column.
def _fields(stage: int) -> dict[str, str]:
    s = f"s{stage}_"
    return {
        "received_on": "received", "resident_name": "resident", "category": "category", "channel": "channel",
        "reference": "reference", "acknowledged_on": s + "ack", "defined_on": s + "ack", "new_due": s + "ext",
        "good_reason": s + "ext_reason", "reason": s + "ext_reason", "decided_on": s + "ext",
        "responded_on": s + "resp", "decision": s + "decision", "reasons": s + "resp", "requested_on": "s2_req",
        "handler": s + "handler", "refused_on": "refused", "exclusion_reason": "refused_reason",
        "explanation": "refused_reason", "withdrawn_on": "withdrawn", "closed_on": s + "resp",
    }


def _step(row: SheetRow, stage: int, column: str, call, *args, **kwargs):
    """Run one use-case; its refusal becomes this row's problems, each under its column."""
    try:
        return call(*args, **kwargs)
    except StepRefused as refused:
        fields = _fields(stage)
        raise _RowRefused([
            RowProblem(row.number, LABEL[fields.get(p.field or "", column)], p.message) for p in refused.problems
        ]) from None


def _uk(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def _replay(db: Database, row: SheetRow, file_name: str, actor: str, today: date) -> str:
    """One row's history, step by step, as the handlers of the time recorded it."""
    where = f"{file_name}, reference {row.reference}" if row.reference else f"{file_name}, row {row.number}"
    handler1 = row.stage1.handler or actor
    ctx1 = StepContext(actor=handler1, today=today)
    kept = {"reference": row.reference} if row.reference else {}
    logged = _step(
        row, 1, "received", usecases.log_complaint, db,
        received_on=row.received, channel=row.channel, resident_name=row.resident, category=row.category,
        resident_words=(
            f"Not recorded: this complaint was moved in from the complaints spreadsheet ({where}), "
            "which did not keep the resident's own words."
        ),
        handler=handler1, ctx=ctx1, **kept,
    )
    reference = logged.reference
    ctx = ctx1
    _replay_stage(db, row, row.stage1, row.received, reference, ctx1)
    if row.escalated:
        ctx = StepContext(actor=row.stage2.handler, today=today)
        _step(row, 2, "s2_req", usecases.escalate, db, reference, requested_on=row.escalated,
              handler=row.stage2.handler, ctx=ctx)
        _replay_stage(db, row, row.stage2, row.escalated, reference, ctx)
    last = row.stage2 if row.escalated else row.stage1
    if row.refused:
        _step(row, last.number, "refused_reason", usecases.refuse, db, reference,
              exclusion_reason=row.exclusion_reason, explanation=row.refusal_explanation, refused_on=row.refused,
              ombudsman_right_explained=True, ctx=ctx)
    elif row.withdrawn:
        _step(row, last.number, "withdrawn", usecases.withdraw, db, reference, withdrawn_on=row.withdrawn, ctx=ctx)
    elif last.responded:
        # Answered and not escalated: closed on the day of the response.
        _step(row, last.number, f"s{last.number}_resp", usecases.close, db, reference, closed_on=last.responded, ctx=ctx)
    return reference


def _replay_stage(
    db: Database, row: SheetRow, stage: StageCells, opened: date, reference: str, ctx: StepContext
) -> None:
    s = f"s{stage.number}_"
    if stage.acknowledged is None:
        return  # not yet acknowledged: left for the handler to define and acknowledge
    # The sheet has no definition: say so plainly and point to the letter that set it out.
    see = f"see the stage {stage.number} acknowledgement sent on {_uk(stage.acknowledged)}"
    _step(row, stage.number, s + "ack", usecases.define, db, reference,
          understanding=f"A {row.category} complaint moved in from the complaints spreadsheet, which did not "
                        f"record the landlord's understanding of it: {see}.",
          outcomes_sought=f"Not recorded in the spreadsheet: {see}.",
          responsible_aspects=f"Not recorded in the spreadsheet: {see}.",
          # an acknowledgement dated before the stage began is the acknowledgement's problem
          defined_on=max(stage.acknowledged, opened), ctx=ctx)
    response_due = _step(row, stage.number, s + "ack", usecases.acknowledge, db, reference,
                         acknowledged_on=stage.acknowledged, ctx=ctx)
    if stage.extended_to is not None:
        reason = stage.extension_reason or (
            "Not recorded in the spreadsheet: see the letter that told the resident of the extension."
        )
        extension = dict(new_due=stage.extended_to, reason=reason, decided_on=min(response_due, ctx.today), ctx=ctx)
        try:
            _step(row, stage.number, s + "ext", usecases.extend, db, reference, **extension)
        except _RowRefused as refused:
            # Past the Code's limit: the sheet's reason, if it gave one, is the good reason recorded.
            if not stage.extension_reason or not any(p.column == LABEL[s + "ext_reason"] for p in refused.problems):
                raise
            _step(row, stage.number, s + "ext", usecases.extend, db, reference,
                  good_reason=stage.extension_reason, **extension)
    if stage.responded is not None:
        _step(row, stage.number, s + "resp", usecases.respond, db, reference,
              decision=stage.decision,
              reasons=f"Not recorded in the spreadsheet: see the stage {stage.number} response sent on {_uk(stage.responded)}.",
              responded_on=stage.responded, ctx=ctx)
