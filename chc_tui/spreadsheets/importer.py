"""Moving in from a spreadsheet: the complaints a landlord kept in a .csv or .xlsx before
chc, run row by row through the steps (log, define, acknowledge, extend, respond,
escalate, refuse, withdraw, close) -- never written here other than as they write it.
On a SQLite file each row is planned in memory by the very functions the use-cases call
(chc_tui.steps.plans: every step has one, escalation and stage 2 too), and its records are
written per table with executemany when its batch ends (chc_tui.steps.bulk); on a server
the rows are replayed through the use-cases themselves.

A file of any size is read a row at a time, so it takes little memory, and the caller is
told the progress between batches of rows.

All or nothing, without holding the write lock for the whole import:

1. Check. Every row runs through the use-cases on an in-memory copy of the SQLite file
   (store.rehearsal; on a server, `Database.rehearsal()`: transactions that skip the write
   lock) in batches of BATCH_ROWS. A refused row undoes only itself, and its problems are
   collected with its row number and column. This takes no write lock on the shared
   database, so handlers keep saving; it is the whole of a dry run (its batches rolled
   back). Any problem and nothing is written.
2. Write. Only a file whose every row passed, and that has not changed since (its digest),
   is written. On SQLite the check kept what it wrote on its copy, and those rows -- the
   very records and audit entries the use-cases made -- are copied into the file with
   executemany, WRITE_BATCHES batches per write transaction, instead of being replayed.
   That is the same as a replay only while nobody else has written since the copy was
   made (SQLite's data_version says): when someone has, the rows not yet written are
   checked again on a fresh copy (RECHECKS times, then replayed). On a server, or when a
   step changed a row that was already there, the rows are replayed through the
   use-cases on the database itself, BATCH_ROWS per write transaction. Either way other
   handlers' saves wait at most about a second, and each batch records, in its own
   transaction, which complaints it wrote (a journal in the `setting` table).
   If anything stops the import part-way -- a row refused because the database changed
   since the check, an error, Ctrl+C -- every complaint it wrote is removed in one
   transaction, as a rollback would; the journal goes when the import finishes. A
   process killed outright cannot clean up: its journal stays, and the next import (or
   `remove_unfinished`) removes what it wrote first.

While the import writes, the complaints of batches already written are visible to other
handlers; the trade for not locking everyone out. A row whose complaint is already in
the database (the same reference, in any case and spaces aside, or the same resident,
received date and category) is skipped as "already imported", so importing a file twice
changes nothing.

Textual-free: the CLI (`chc import`) and the import screen both call `import_file`.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
import time
import logging
import os
import re
import socket
import sys
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Iterator, ParamSpec, TypeVar

from chc_tui import collector
from chc_tui.rules import holiday_cache
from chc_tui.rules.calendar import WorkingCalendar
from chc_tui.rules.policy import Stage
from chc_tui.steps import staff, usecases
from chc_tui.steps.assignment import assignee
from chc_tui.steps.identity import acting_staff
from chc_tui.steps.residents import checked_tenure
from chc_tui.steps.settings import load_calendar
from chc_tui.steps.independence import staff_name
from chc_tui.steps.bulk import BulkWriter
from chc_tui.steps.held import HeldComplaint as _Held, next_held_reference
from chc_tui.steps.plans.acknowledge import plan_acknowledge
from chc_tui.steps.plans.close import plan_close
from chc_tui.steps.plans.define import plan_define
from chc_tui.steps.plans.escalate import plan_escalate
from chc_tui.steps.plans.extend import plan_extend
from chc_tui.steps.plans.independent import require_independent
from chc_tui.steps.plans.log import check_log, new_resident, plan_log, refuse_taken
from chc_tui.steps.plans.refuse import plan_refuse
from chc_tui.steps.plans.respond import plan_respond
from chc_tui.steps.plans.withdraw import plan_withdraw
from chc_tui.steps.plans.state import audit_values, deadline_values
from chc_tui.rules.context import StepContext, os_user
from chc_tui.rules.dates import DateParseError, parse_date
from chc_tui.rules.domain import Channel, Decision, ExclusionReason, StepRefused
from chc_tui.rules.tenure import tenure_from_words
from chc_tui.spreadsheets.sheet_cells import restore
from store import stage_people
from store.engine import Database
# the records a row's plans hold, named here once (imported within each row's steps, they
# cost 15 us a row: 3% of an import)
from store.models import (AuditEntry, Complaint, Deadline, Definition, Extension, Refusal, Resident, Response,
                          StageRecord, Withdrawal, saved_id)
from store.rehearsal import Changed, Marks, WritableRehearsal

log = logging.getLogger(__name__)

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
    # the resident's TSM stock type (issue 18.6): words read by chc_tui.rules.tenure.tenure_from_words
    Column("tenure", "Tenure", ("tenure type", "stock type", "property tenure", "tenancy type")),
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
    """The file could not be read as a spreadsheet at all (missing, wrong kind, no header,
    a text encoding chc cannot tell, changed while it was being imported)."""


Cells = list[Any]


@dataclass
class Sheet:
    """A spreadsheet's header, read; its rows are read from the file each time `rows()`
    is called, one at a time, so a file of any size takes little memory."""

    path: Path
    columns: list[str]  # keys, in the file's order
    ignored: list[str]  # headers chc does not know, left out
    keys: list[str | None]  # the key of each cell position; None: left out
    header_row: int

    @property
    def name(self) -> str:
        return self.path.name

    def rows(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """(row number, key -> cell value) for every row below the header with anything in it."""
        for number, cells in _raw_rows(self.path):
            if number <= self.header_row or not any(_text(c) for c in cells):
                continue
            yield number, {key: restore(cells[i]) if i < len(cells) else None
                           for i, key in enumerate(self.keys) if key}


def read_sheet(path: Path) -> Sheet:
    """The first worksheet of an .xlsx, or a .csv (UTF-8 with or without a byte-order
    mark, UTF-16 with one, or Windows-1252): its header row, checked."""
    path = Path(path)
    if not path.is_file():
        raise SheetUnreadable(f"there is no file {path}")
    for number, cells in _raw_rows(path):
        if any(_text(c) for c in cells):
            return _with_header(path, number, cells)
    raise SheetUnreadable(f"{path.name} is empty")


def _with_header(path: Path, number: int, header: Cells) -> Sheet:
    """Blank header cells are left out (trailing commas make them); unknown ones are listed
    and left out; two cells meaning the same column are refused, naming both."""
    keys: list[str | None] = []
    ignored: list[str] = []
    where: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = _text(cell)
        key = _HEADERS.get(_normal(name)) if name else None
        if key is None:
            if name and name not in ignored:
                ignored.append(name)
        elif key in where:
            first = where[key]
            raise SheetUnreadable(
                f"{path.name}: columns {_letter(first)} ({_text(header[first])!r}) and {_letter(index)} ({name!r}) "
                f"both mean {LABEL[key]!r}; keep one"
            )
        else:
            where[key] = index
        keys.append(key)
    missing = [column.label for column in COLUMNS if column.required and column.key not in where]
    if missing:
        raise SheetUnreadable(
            f"{path.name}: row {number} must name the columns; no {' or '.join(repr(m) for m in missing)} column found"
        )
    return Sheet(path, [k for k in keys if k], ignored, keys, number)


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _raw_rows(path: Path) -> Iterator[tuple[int, Cells]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv_rows(path)
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(path)
    raise SheetUnreadable(f"{path.name}: chc reads .csv and .xlsx files (save the sheet as one of those)")


CHUNK = 1 << 16  # bytes read at a time to tell a file's encoding and digest
SAVE_AS = "save it from the spreadsheet as 'CSV UTF-8' and import that"
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")


def csv_encoding(path: Path) -> str:
    """The text encoding of a .csv, told from its bytes: a byte-order mark (UTF-8, UTF-16),
    else UTF-8 if every byte reads as UTF-8, else Windows-1252 (Excel's "CSV" on Windows).
    A file with NUL bytes and no mark (UTF-16 without one, or not text) is refused."""
    with path.open("rb") as handle:
        head = handle.read(4)
        if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
            raise SheetUnreadable(f"{path.name} is UTF-32 text, which chc does not read: {SAVE_AS}")
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        handle.seek(0)
        utf8 = codecs.getincrementaldecoder("utf-8")()
        is_utf8, is_cp1252 = True, True
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            if b"\x00" in chunk:
                raise SheetUnreadable(f"{path.name} is not text chc can read (UTF-16 without a byte-order mark?): {SAVE_AS}")
            if is_utf8:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    is_utf8 = False
            if is_cp1252 and not _CP1252_UNDEFINED.isdisjoint(chunk):
                is_cp1252 = False
        if is_utf8:
            try:
                utf8.decode(b"", final=True)
                return "utf-8"
            except UnicodeDecodeError:
                pass
        if is_cp1252:
            return "cp1252"
    raise SheetUnreadable(f"{path.name} is neither UTF-8 nor Windows-1252 text: {SAVE_AS}")


def _csv_rows(path: Path) -> Iterator[tuple[int, Cells]]:
    # newline="" and one record at a time: a line break inside a quoted cell stays in
    # the cell, and the file is never read whole. A cell may be of any size.
    csv.field_size_limit(sys.maxsize)
    encoding = csv_encoding(path)
    number = 0
    try:
        with path.open(encoding=encoding, newline="") as handle:
            for number, cells in enumerate(csv.reader(handle), start=1):
                yield number, cells
    except (csv.Error, UnicodeDecodeError) as exc:
        raise SheetUnreadable(f"{path.name}, row {number + 1}: not readable as CSV ({exc})") from None


def _xlsx_rows(path: Path) -> Iterator[tuple[int, Cells]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # not a workbook, or a damaged one
        raise SheetUnreadable(f"{path.name} could not be read as an .xlsx workbook: {exc}") from None
    try:
        sheet = book.worksheets[0]
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(cells)
    finally:
        book.close()


def fingerprint(path: Path) -> str:
    """The file's content, as a digest: an import checks the file it then writes."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a reference typed as a number: 123, not 123.0
    return str(value).strip()


def reference_key(reference: str) -> str:
    """A reference as compared: CASE-1, case-1 and 'Case - 1' are one complaint."""
    return "".join(reference.split()).casefold()



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
    refusal_to_review: bool = False  # the reason read as "other" from words that did not name it
    tenure: str = ""  # LCRA, LCHO or "" (not known: blank, or words that do not say which)

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


# Legal proceedings (Code 2.2) means "details of the claim, such as the Claim Form and
# Particulars of Claim, having been filed at court": only words that say a claim was filed
# or issued at court read as it. A solicitor's letter, a pre-action letter, a "disrepair
# claim" or "legal" alone do not: they are "other", listed for a handler to review.
_CLAIM_FILED = re.compile(
    r"claim form|particulars of claim"
    r"|\bclaim (has |had )?(been |was )?(filed|issued|lodged)"
    r"|\b(filed|issued|lodged) (at|with|in) (the )?((county|high) )?court"
    r"|\b(court|legal) proceedings (have |had )?(been |were )?(issued|filed|started|begun|commenced)"
    r"|\b(issued|filed|lodged|started|commenced|brought) (a |an )?((county|high) )?court (claim|proceedings)"
    r"|\b(county|high) court claim (has |had )?(been |was )?(issued|filed|lodged|started|made)"
)


def read_refusal(text: str) -> tuple[str, str, bool]:
    """(exclusion reason, explanation, review): "legal proceedings: ..." names the reason;
    otherwise the words suggest it, and are the explanation. `review` is True when the
    words were read as "other" without naming it: a handler should check them."""
    found = re.match(r"^\s*([^:]{2,40}?)\s*:\s*(.+)$", text, re.S)
    if found:
        named = _normal(found.group(1))
        for reason, words in EXCLUSION_WORDS.items():
            if named in (_normal(words), _normal(reason.value)):
                return reason.value, found.group(2).strip(), False
    lowered = " ".join(text.lower().split())
    if re.search(r"(12|twelve) ?months|over a year|out of time|too old", lowered):
        return ExclusionReason.OVER_TWELVE_MONTHS.value, text.strip(), False
    if _CLAIM_FILED.search(lowered):
        return ExclusionReason.LEGAL_PROCEEDINGS.value, text.strip(), False
    if re.search(r"already (been )?(considered|dealt)|duplicate|previous complaint", lowered):
        return ExclusionReason.ALREADY_CONSIDERED.value, text.strip(), False
    return ExclusionReason.OTHER.value, text.strip(), True


def refusal_reason(text: str) -> tuple[str, str]:
    """(exclusion reason, explanation) from the sheet's words (see `read_refusal`)."""
    reason, explanation, _ = read_refusal(text)
    return reason, explanation


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
    exclusion, explanation, review = read_refusal(text["refused_reason"]) if text["refused_reason"] else ("", "", False)
    received = dates["received"]
    assert received is not None  # a row without it has a problem above
    return SheetRow(
        number=number, reference=text["reference"], resident=text["resident"], received=received,
        category=text["category"], channel=channel, stage1=stages[0], stage2=stages[1], escalated=dates["s2_req"],
        refused=dates["refused"], exclusion_reason=exclusion, refusal_explanation=explanation,
        withdrawn=dates["withdrawn"], refusal_to_review=review, tenure=tenure_from_words(text["tenure"]),
    ), []


# --- running the rows through the use-cases ----------------------------------------------


@dataclass(frozen=True)
class Imported:
    row: int
    reference: str  # the complaint's reference in chc; "" in a dry run when chc would choose it
    sheet_reference: str  # the spreadsheet's own, "" if it had none

    def line(self, verb: str) -> str:
        """'row 2: HA-101 imported', as the CLI and the import screen list it."""
        if not self.reference:
            return f"row {self.row}: {verb} with the next free reference"
        kept = self.sheet_reference or self.reference
        moved = f" as {self.reference}" if kept != self.reference else ""
        return f"row {self.row}: {kept} {verb}{moved}"


@dataclass(frozen=True)
class Skipped:
    row: int
    reference: str  # the complaint already in chc

    def __str__(self) -> str:
        return f"row {self.row}: already imported as {self.reference}"


@dataclass(frozen=True)
class ReadAsOther:
    """A refusal whose reason the importer read as "other" (Code 2.2): for review."""

    row: int
    reference: str  # the spreadsheet's own, "" if it had none
    words: str

    def __str__(self) -> str:
        return f"row {self.row}{': ' + self.reference if self.reference else ''}: {self.words!r}"


# What a sheet never holds, so an import stores it as not known (never filled in), by column.
EXTENSION_UNKNOWNS = "decision date, date the resident was told, Ombudsman details given and good reason not known"
REFUSAL_UNKNOWNS = "whether the Ombudsman route was explained (Code 2.4) not known"


@dataclass
class Unknowns:
    """How many facts of the imported rows are stored as not known, by the column that
    brought the record in; and the refusals read as "other", to review."""

    extensions: dict[int, int] = field(default_factory=dict)  # stage -> extensions
    refusals: int = 0
    read_as_other: list[ReadAsOther] = field(default_factory=list)
    complaints: int = 0

    def count(self, row: SheetRow) -> None:
        self.complaints += 1
        for stage in (row.stage1, row.stage2):
            if stage.extended_to is not None and (stage.number == 1 or row.escalated):
                self.extensions[stage.number] = self.extensions.get(stage.number, 0) + 1
        if row.refused:
            self.refusals += 1
            if row.refusal_to_review:
                self.read_as_other.append(ReadAsOther(row.number, row.reference, row.refusal_explanation))

    def add(self, other: Unknowns) -> None:
        for stage, n in other.extensions.items():
            self.extensions[stage] = self.extensions.get(stage, 0) + n
        self.refusals += other.refusals
        self.read_as_other += other.read_as_other
        self.complaints += other.complaints

    def lines(self, file: str) -> list[str]:
        """Per column, what is stored as not known; then the refusals read as "other"."""
        found = []
        for stage in sorted(self.extensions):
            n = self.extensions[stage]
            found.append(f"{LABEL[f's{stage}_ext']}: {n} extension{'s' if n != 1 else ''}: {EXTENSION_UNKNOWNS}")
        if self.refusals:
            n = self.refusals
            found.append(f"{LABEL['refused']}: {n} refusal{'s' if n != 1 else ''}: {REFUSAL_UNKNOWNS}")
        if self.complaints:
            n = self.complaints
            found.append(f"{n} complaint{'s' if n != 1 else ''} marked \"imported from {file}, not verified\" "
                         "until a handler verifies each (chc complaint verify, or V on the complaint)")
        return found

    def review_lines(self) -> list[str]:
        if not self.read_as_other:
            return []
        n = len(self.read_as_other)
        return [f"{n} refusal{'s' if n != 1 else ''} read as 'other': review them",
                *(f"  {other}" for other in self.read_as_other)]


@dataclass
class ImportReport:
    file: str
    rows: int
    dry_run: bool
    imported: list[Imported] = field(default_factory=list)
    already: list[Skipped] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. an earlier import's leftovers removed
    unknowns: Unknowns = field(default_factory=Unknowns)

    def unknown_lines(self) -> list[str]:
        """What the import stores (or would store) as not known, per column, and the
        refusal reasons read as "other" for review: empty when there were problems."""
        if self.problems:
            return []
        return self.unknowns.lines(self.file) + self.unknowns.review_lines()

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


CHECKING, IMPORTING = "checked", "imported"


@dataclass(frozen=True)
class Progress:
    """Called between batches, never inside a transaction."""

    phase: str  # CHECKING (every row, writing nothing) or IMPORTING (writing)
    done: int  # rows so far
    total: int | None  # every row, once all have been checked

    def __str__(self) -> str:
        return f"{self.phase} {self.done:,} {'' if self.total is None else f'of {self.total:,} '}rows"


OnProgress = Callable[[Progress], None]

BATCH_ROWS = 200  # rows per write transaction: about a second of the write lock (bench/import_rate.py)


class _RowRefused(Exception):
    def __init__(self, problems: list[RowProblem]):
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


class _NothingKept(Exception):
    """Raised inside a rehearsal's transaction to roll it back."""


@dataclass(frozen=True)
class _Run:
    sheet: Sheet
    actor: str
    today: date
    progress: OnProgress
    # each calendar the batches used, its counts of working days made once (`_counted_once`)
    calendars: list[tuple[WorkingCalendar, WorkingCalendar]] = field(default_factory=list)
    references: list[_References] = field(default_factory=list)  # of each database the batches used


def import_file(
    db: Database,
    path: Path | str,
    *,
    dry_run: bool = False,
    actor: str | None = None,
    today: date | None = None,
    progress: OnProgress | None = None,
) -> ImportReport:
    """Read and import a spreadsheet, all rows or none; raises SheetUnreadable if it is
    not one. A dry run takes no write lock and writes nothing."""
    sheet = read_sheet(Path(path))
    run = _Run(sheet, (actor or os_user()).strip(), today or date.today(), progress or (lambda _: None))
    report = ImportReport(sheet.name, 0, dry_run, ignored_columns=list(sheet.ignored))
    checked = "" if dry_run else fingerprint(sheet.path)
    if not dry_run:
        report.notes += remove_unfinished(db)
    # The rows checked, the records held for a batch and the outcomes kept for the report
    # form no cycles and live until the import ends: the collector would only rescan them
    # (and the whole process's objects, each time a generation fills), some 5% of an
    # import and more the longer the sheet. Its few cycles (about 6,000 objects, as many
    # for 5,000 rows as for 1,000: bench/RESULTS.md) wait until the end.
    with collector.paused():
        if dry_run or not _writes_back(db):
            _rehearse(db, run, report)
            if not (report.problems or dry_run):
                _write(db, run, report, checked)
        else:
            _import_in_bulk(db, run, report, checked)
    report.problems.sort(key=lambda p: p.row)
    for _, once in run.calendars:
        if "_bank_holidays" in vars(once):  # loaded: noted for the next import and the first paint
            holiday_cache.save(once, run.today)
    return report


def _writes_back(db: Database) -> bool:
    """Whether the rows the check wrote on its copy can be copied in (a SQLite file), or
    must be replayed through the use-cases again (a server)."""
    return not db.is_server


def _checked_rows(sheet: Sheet, problems: list[RowProblem]) -> Iterator[SheetRow | None]:
    """Each row as typed values (None for a row with problems, added to `problems`); the
    same complaint twice in the file is a problem."""
    seen: dict[object, int] = {}
    for number, values in sheet.rows():
        row, found = check_row(number, values)
        if row is not None:
            keys = ([reference_key(row.reference)] if row.reference else []) + [row.natural_key()]
            twice = next((seen[key] for key in keys if key in seen), None)
            if twice is not None:
                found.append(RowProblem(number, "", f"the same complaint as row {twice}"))
                row = None
            else:
                seen.update((key, number) for key in keys)
        problems += found
        yield row


def _batches(rows: Iterator[SheetRow | None]) -> Iterator[list[SheetRow | None]]:
    while batch := list(islice(rows, BATCH_ROWS)):
        yield batch


@dataclass
class _Checked:
    """One batch as the check found it: what each row became, and (when kept) the
    rehearsal's marks after it, so that its rows can be copied into the real database."""

    rows: int
    outcomes: list[Imported | Skipped] = field(default_factory=list)
    unknowns: Unknowns = field(default_factory=Unknowns)
    upto: Marks | None = None
    complaints: list[int] = field(default_factory=list)


def _check_batch(scratch: Database, run: _Run, batch: list[SheetRow | None], problems: list[RowProblem],
                 keep: bool, before: int | None = None) -> _Checked:
    """A batch through the use-cases on a rehearsal, in one transaction: kept (to copy
    in later) or rolled back. A refused row undoes only itself; its problems are listed.
    `before`: when earlier batches are kept, the highest complaint id that is not theirs."""
    checked = _Checked(len(batch))
    try:
        with scratch.write() as session:
            for row, outcome in _take_rows(scratch, session, [r for r in batch if r is not None], run, problems,
                                          before):
                checked.outcomes.append(outcome)
                if isinstance(outcome, Imported):
                    checked.unknowns.count(row)
            if not keep:
                raise _NothingKept
    except _NothingKept:
        pass
    return checked


def _as_checked(report: ImportReport, checked: _Checked) -> None:
    """A checked batch in the report as a dry run words it (the reference chc would choose
    is not said: it is chosen when written)."""
    for outcome in checked.outcomes:
        if isinstance(outcome, Skipped):
            report.already.append(outcome)
        else:
            report.imported.append(Imported(outcome.row, outcome.sheet_reference, outcome.sheet_reference))
    report.unknowns.add(checked.unknowns)
    report.rows += checked.rows


def _rehearse(db: Database, run: _Run, report: ImportReport) -> None:
    """Every row through the use-cases on db.rehearsal(), each batch rolled back: every
    problem found, nothing written, no write lock taken on the shared database."""
    scratch = db.rehearsal()
    try:
        for batch in _batches(_checked_rows(run.sheet, report.problems)):
            _as_checked(report, _check_batch(scratch, run, batch, report.problems, keep=False))
            run.progress(Progress(CHECKING, report.rows, None))
    finally:
        scratch.dispose()


def _write(db: Database, run: _Run, report: ImportReport, checked: str) -> None:
    """The checked rows again, now for real, a batch per write transaction."""
    with _all_or_nothing(db, run, report, checked) as journal:
        _replay_rows(db, run, report, journal, 0)


@contextmanager
def _all_or_nothing(db: Database, run: _Run, report: ImportReport, checked: str) -> Iterator[_Journal]:
    """The writing of a checked file: if anything stops it part-way, every complaint it
    wrote is removed (see the module's docstring); a row refused meanwhile is reported."""
    journal = _Journal.start(run.sheet.name)
    report.imported, report.already, report.unknowns = [], [], Unknowns()
    try:
        _same_file(run.sheet, checked)
        yield journal
        _same_file(run.sheet, checked)
        journal.finish(db)
    except _RowRefused as refused:
        journal.undo(db)
        report.imported, report.already, report.unknowns = [], [], Unknowns()
        report.problems += refused.problems
    except BaseException:
        journal.undo(db)
        raise


def _replay_rows(db: Database, run: _Run, report: ImportReport, journal: _Journal, done: int) -> None:
    """The file's rows after the first `done`, replayed through the use-cases on the
    real database, a batch per write transaction."""
    problems: list[RowProblem] = []
    for batch in _batches(islice(_checked_rows(run.sheet, problems), done, None)):
        if problems:
            raise _RowRefused(problems)
        with db.write() as session:
            written: list[int] = []
            rows = [row for row in batch if row is not None]  # a row with problems is refused above
            for row, outcome in _take_rows(db, session, rows, run, None):
                if isinstance(outcome, Skipped):
                    report.already.append(outcome)
                else:
                    report.imported.append(outcome)
                    report.unknowns.count(row)
                    written.append(_complaint_id(session, outcome.reference))
            journal.note(session, written)
        journal.written += written  # committed: now they are there to remove
        done += len(batch)
        run.progress(Progress(IMPORTING, done, report.rows))
        _let_waiting_writers_in()


# --- in bulk: the check's own rows, copied in ----------------------------------------------

WRITE_BATCHES = 10  # checked batches copied in per write transaction (a few tenths of a second)
RECHECKS = 3  # checks again on a fresh copy when others saved meanwhile; then rows are replayed


def _import_in_bulk(db: Database, run: _Run, report: ImportReport, checked: str) -> None:
    """Check every row on a rehearsal that keeps what it writes, then copy the rows it
    added into the real database, WRITE_BATCHES batches per write transaction, instead of
    replaying them. The copy is only the same as a replay while nobody else has written
    since the check: when someone has, the rows not yet written are checked again on a
    fresh copy (RECHECKS times; after that they are replayed, as on a server)."""
    rehearsal = WritableRehearsal(db)
    try:
        batches = _check_kept(rehearsal, run, report, _checked_rows(run.sheet, report.problems), report.problems, 0)
        if report.problems:
            return
        changed = rehearsal.changed_old_rows()
        if changed:  # the use-cases changed rows already there: only a replay makes that change
            log.info("import of %s changed rows already in %s: replayed instead", run.sheet.name, ", ".join(changed))
            rehearsal.dispose()
            _write(db, run, report, checked)
            return
        _copy_in(db, run, report, checked, rehearsal, batches)
    finally:
        rehearsal.dispose()


def _check_kept(rehearsal: WritableRehearsal, run: _Run, report: ImportReport, rows: Iterator[SheetRow | None],
                problems: list[RowProblem], done: int, total: int | None = None) -> list[_Checked]:
    """The rows checked on the rehearsal, each batch kept and marked; `total` when
    checking again the rows left to write (the first check reports each batch)."""
    batches = []
    for batch in _batches(rows):
        since = rehearsal.marks
        checked = _check_batch(rehearsal.scratch, run, batch, problems, keep=True,
                               before=rehearsal.at_copy["complaint"])
        checked.upto = rehearsal.mark()
        checked.complaints = rehearsal.ids("complaint", since, checked.upto)
        batches.append(checked)
        if total is None:
            _as_checked(report, checked)
        done += checked.rows
        run.progress(Progress(CHECKING, done, total))
    return batches


def _copy_in(db: Database, run: _Run, report: ImportReport, checked: str, rehearsal: WritableRehearsal,
             batches: list[_Checked]) -> None:
    first, done, since, rechecks = rehearsal, 0, rehearsal.at_copy, 0
    try:
        with _all_or_nothing(db, run, report, checked) as journal:
            while batches:
                group = batches[:WRITE_BATCHES]
                upto = group[-1].upto
                assert upto is not None  # kept batches are marked
                written = [c for b in group for c in b.complaints]
                try:
                    rehearsal.write_back(since, upto, also=[(_JOURNAL_SQL, journal.entry(written))])
                except Changed:  # someone saved since the check: check the rest again, on a fresh copy
                    rechecks += 1
                    if rechecks <= RECHECKS:
                        rehearsal.dispose()  # one copy of the database in memory at a time
                        rehearsal = WritableRehearsal(db)
                        problems: list[RowProblem] = []
                        batches = _check_kept(rehearsal, run, report, islice(_checked_rows(run.sheet, problems), done, None),
                                              problems, done, total=report.rows)
                        if problems:
                            raise _RowRefused(problems)
                        since = rehearsal.at_copy
                        if not rehearsal.changed_old_rows():
                            continue
                    _replay_rows(db, run, report, journal, done)
                    return
                batches = batches[WRITE_BATCHES:]
                journal.batches += 1
                journal.written += written  # committed: now they are there to remove
                for b in group:
                    report.already += [o for o in b.outcomes if isinstance(o, Skipped)]
                    report.imported += [o for o in b.outcomes if isinstance(o, Imported)]
                    report.unknowns.add(b.unknowns)
                    done += b.rows
                since = upto
                run.progress(Progress(IMPORTING, done, report.rows))
                _let_waiting_writers_in()
    finally:
        if rehearsal is not first:
            rehearsal.dispose()


# SQLite's busy handler retries about every 100 ms once a writer has waited a while: with
# the next batch begun at once, a handler's save could miss every gap and time out behind
# a long import. A pause longer than that retry lets the waiting save take the lock.
BATCH_PAUSE_SECONDS = 0.15


def _let_waiting_writers_in() -> None:
    time.sleep(BATCH_PAUSE_SECONDS)


def _same_file(sheet: Sheet, checked: str) -> None:
    if fingerprint(sheet.path) != checked:
        raise SheetUnreadable(f"{sheet.name} changed while it was being imported: nothing was imported; import it again")


def _take_rows(db: Database, session, rows: list[SheetRow], run: _Run, problems: list[RowProblem] | None,
               before: int | None = None) -> list[tuple[SheetRow, Imported | Skipped]]:
    """Rows in one transaction, each what it became: on SQLite (`_plans`) planned in memory
    and written in bulk, on a server replayed through the use-cases. A refused row undoes
    only itself; its problems are added to `problems` (None: raised). `before`: the
    highest complaint id that is not this import's, if known (`_natural_keys`)."""
    known, natural = _references(run, db, session), _natural_keys(session, rows, before)
    bulk = _Bulk(db, session, run, known.exact)
    taken: list[tuple[SheetRow, Imported | Skipped]] = []
    for row in rows:
        try:
            taken.append((row, _take(db, session, (known.by_key, natural), row, run, bulk)))
        except _RowRefused as refused:
            if problems is None:
                raise
            problems += refused.problems
    bulk.flush()
    return taken


def _take(db: Database, session, known: tuple[dict[str, str], NaturalKeys], row: SheetRow, run: _Run,
          bulk: _Bulk) -> Imported | Skipped:
    """`known`: the references and natural keys of the complaints already there."""
    found = _already_there(*known, row)
    if found:
        return Skipped(row.number, found)
    if _plans(db):
        return Imported(row.number, bulk.take(row), row.reference)
    bulk.flush()  # the use-cases' records come after those already planned
    bulk.chosen.clear()  # the use-cases may add to the staff register
    handlers = bulk.handlers
    try:
        with db.write():  # this row's savepoint: a refused row undoes only itself
            reference = _replay(db, row, run.sheet.name, run.actor, run.today, handlers)
    except BaseException:
        handlers.clear()  # a handler first named in this row went with it
        raise
    return Imported(row.number, reference, row.reference)


@dataclass
class _References:
    """Every complaint's reference in one database, by reference_key, brought up to date in
    each batch's transaction: read whole once per import, then only the complaints added
    since (read whole again when the count says some have gone). References never change."""

    db: Database
    by_key: dict[str, str] = field(default_factory=dict)
    exact: set[str] = field(default_factory=set)
    upto: int = 0  # the highest complaint id read

    def now(self, session) -> _References:
        from sqlmodel import func, select

        added = session.exec(select(Complaint.id, Complaint.reference).where(Complaint.id > self.upto)).all()
        count = session.exec(select(func.count()).select_from(Complaint)).one()
        if len(self.exact) + len(added) != count:  # some have gone: read them all again
            self.by_key, self.exact, self.upto = {}, set(), 0
            return self.now(session)
        for complaint_id, reference in added:
            key = reference_key(reference)
            # two references of one key: the last in the reference index's order, as before
            self.by_key[key] = max(reference, self.by_key.get(key, reference))
            self.exact.add(reference)
            self.upto = max(self.upto, complaint_id)
        return self


def _references(run: _Run, db: Database, session) -> _References:
    """Every complaint's reference, as this batch's transaction sees them."""
    for known in run.references:
        if known.db is db:
            return known.now(session)
    run.references.append(_References(db))
    return run.references[-1].now(session)


def _complaint_id(session, reference: str) -> int:
    from sqlmodel import select

    return session.exec(select(Complaint.id).where(Complaint.reference == reference)).one()


NaturalKeys = dict[tuple[date, str, str], str]  # (received, category, resident) in lower case -> reference


def _natural_keys(session, rows: list[SheetRow], before: int | None = None) -> NaturalKeys:
    """The complaints received on the rows' received dates, by their natural key (the
    first logged of each), read once per batch, in its transaction. Rows of one file
    never match each other (`_checked_rows`), so what the batch writes need not be added,
    nor what earlier batches of the file wrote: with `before` (the highest complaint id
    not this import's) those are not read. Read, they made the check quadratic: each batch
    read the complaints of every earlier batch received on its days (5,000 rows: 16 times
    the 1,000 rows' reads)."""
    from sqlmodel import func, select

    found: NaturalKeys = {}
    days = sorted({row.received for row in rows})
    for start in range(0, len(days), 500):
        for reference, received, category, resident in session.exec(
            select(Complaint.reference, Complaint.received_on, func.lower(Complaint.category), func.lower(Resident.name))
            .join(Resident, Resident.id == Complaint.resident_id)
            .where(Complaint.received_on.in_(days[start:start + 500]),
                   *([] if before is None else [Complaint.id <= before]))
            .order_by(Complaint.id)
        ):
            found.setdefault((received, category, resident), reference)
    return found


def _already_there(known: dict[str, str], natural: NaturalKeys, row: SheetRow) -> str | None:
    """The reference of a complaint this row has already become: the same reference
    (in any case, spaces aside), or the same resident, received date and category (as
    SQLite's lower() and Python's compare them)."""
    if row.reference and reference_key(row.reference) in known:
        return known[reference_key(row.reference)]
    return natural.get((row.received, row.category.lower(), row.resident.lower()))


# --- in bulk: the same steps planned in memory ----------------------------------------------


def _plans(db: Database) -> bool:
    """Whether rows are planned in memory (chc_tui.steps.plans: every step has a plan) and
    written in bulk: on a SQLite file, whose ids BulkWriter allocates as SQLite gives them.
    On a server the rows are replayed through the use-cases (its ids are its sequences')."""
    return not db.is_server


def _counted_once(run: _Run, calendar: WorkingCalendar) -> WorkingCalendar:
    """The calendar, each count of working days worked out once per import: a sheet's rows
    share their received dates, and a count walks the days one by one. The batches get
    the same calendar (settings.load_calendar) until its region or closure days change."""
    import copy
    from functools import lru_cache

    for seen, once in run.calendars:
        if seen is calendar:
            return once
    once = copy.copy(calendar)  # its bank holidays too, already loaded
    if once.known_holidays is None and "_bank_holidays" not in vars(once):
        # the years the machine's note holds (holiday_cache: what `holidays` itself says, for
        # its installed version), so that a sheet of recent years does not load `holidays`
        once.known_holidays = holiday_cache.load(once.region, run.today)
    once.explain_add = lru_cache(maxsize=None)(once.explain_add)  # type: ignore[method-assign]
    run.calendars.append((calendar, once))
    return once


class _Bulk:
    """One transaction's rows planned in memory: each step's plan called as its use-case
    calls it, on the complaint's state held here, and the records written by a BulkWriter
    when the batch ends (or before the use-cases write anything)."""

    def __init__(self, db: Database, session, run: _Run, taken: set[str]) -> None:
        self.db, self.session, self.run = db, session, run
        self.writer = BulkWriter(session)
        self.handlers: dict[str, int] = {}  # the staff id each handler's name was found as
        self.chosen: dict[tuple[str, int], Any] = {}  # (name, stage) -> the Staff assigned, or stage 2's refusal
        self.taken = taken  # every reference in the database
        self.counted: dict[str, int] = {}  # the database's references by prefix, since the last flush
        self._calendar: WorkingCalendar | None = None

    def flush(self) -> None:
        """Write the records held; what was counted in the database is counted again."""
        self.writer.flush()
        self.counted.clear()

    def take(self, row: SheetRow) -> str:
        """The row's complaint planned and held; its reference. A refused row holds nothing."""
        name = row.stage1.handler or self.run.actor
        names = [name, row.stage2.handler] if row.escalated else [name]
        new_name = any(n not in self.handlers for n in names)
        if new_name:
            self.flush()  # the staff register may be written: after the records held
            self.chosen.clear()
        mark = self.writer.mark()
        try:
            if new_name:
                with self.db.write():  # this row's savepoint, as a replayed row has
                    return self._plan(row, name)
            return self._plan(row, name)
        except BaseException:
            self.writer.undo(mark)
            self.handlers.clear()  # a handler first named in this row went with it
            raise

    def _plan(self, row: SheetRow, name: str) -> str:
        """The row's steps in the order `_replay` takes them."""
        session, run, w = self.session, self.run, self.writer
        mover = StepContext(actor=run.actor, today=run.today)
        w.acting_staff_id = saved_id(_step(row, 1, "handler", acting_staff, session, mover))
        if name not in self.handlers:
            self.handlers[name] = _step(row, 1, "handler", staff.named_in_history, self.db, name, ctx=mover)
        ctx = replace(mover, done_by=self.handlers[name])
        words = _resident_words(_where(row, run.sheet.name))
        reference = row.reference  # kept, or given below
        _step(row, 1, "received", check_log, ctx, received_on=row.received, channel=row.channel,
              resident_name=row.resident, category=row.category, resident_words=words, handler=name, resident_id=None,
              representative_name="", representative_relationship="", reference=reference)
        chosen = self.chosen.get((name, Stage.ONE))
        if chosen is None:
            chosen = self.chosen[name, Stage.ONE] = _step(row, 1, "received", assignee, session, name,
                                                          stage=Stage.ONE, today=run.today)
        if reference and reference in self.taken:
            _step(row, 1, "received", refuse_taken, reference)
        tenure = _step(row, 1, "received", checked_tenure, session, row.tenure)
        if self._calendar is None:
            self._calendar = _counted_once(self.run, load_calendar(session))
        calendar = self._calendar
        reference = reference or self._next_reference(row.received)
        resident = w.add(Resident, new_resident(name=row.resident, address="", phone="", email="",
                                                 channel=row.channel, tenure=tenure or ""))
        logged = _step(
            row, 1, "received", plan_log, ctx, calendar, reference=reference, resident_shown=resident["name"],
            received_on=row.received, channel=row.channel, category=row.category, resident_words=words,
            representative_name="", representative_relationship="", adjustments="", imported_from=run.sheet.name,
            handler_name=chosen.display_name, handler_staff_id=chosen.id,
        )
        complaint = w.add(Complaint, {**logged.complaint, "resident_id": resident["id"]}, done_by=ctx.done_by)
        of_complaint = {"complaint_id": complaint["id"]}
        stage = w.add(StageRecord, {**logged.stage, **of_complaint})
        of_stage = {**of_complaint, "stage_id": stage["id"]}
        held = _Held(complaint, [stage], [w.add(Deadline, {**logged.acknowledge, **of_stage}),
                                          w.add(Deadline, {**logged.respond, **of_stage})],
                     json.loads(logged.audit["details_json"]) if row.escalated else {})
        w.add(AuditEntry, {**logged.audit, **of_complaint})

        self._stage(row, row.stage1, row.received, ctx, calendar, held)
        last = row.stage1
        if row.escalated is not None:
            ctx = self._escalate(row, row.escalated, mover, calendar, held)
            self._stage(row, row.stage2, row.escalated, ctx, calendar, held)
            last = row.stage2
        n = last.number
        ended_on = row.refused or row.withdrawn
        if ended_on is None:
            if last.responded is not None:  # answered and not escalated: closed on the day of the response
                held.bump()
                closed = _step(row, n, f"s{n}_resp", plan_close, ctx, *held.now(), closed_on=last.responded)
                held.apply(closed.changes)
                w.add(AuditEntry, {**closed.audit, **of_complaint})
            return reference
        held.bump()
        if row.refused:
            refused = _step(row, n, "refused_reason", plan_refuse, ctx, *held.now(),
                            exclusion_reason=row.exclusion_reason, explanation=row.refusal_explanation,
                            refused_on=row.refused, ombudsman_right_explained=False,
                            # the sheet never says whether the resident was told of the Ombudsman route (2.4)
                            right_explained_known=False, issue_on=None, aware_on=None, discretion_considered="",
                            claim_filed_on=None, facts_known=False)
            w.add(Refusal, {**refused.refusal, **of_complaint}, done_by=ctx.done_by)
            action, details, changes = "refuse", refused.details, refused.changes
        else:
            withdrawn = _step(row, n, "withdrawn", plan_withdraw, ctx, *held.now(), reason="", withdrawn_on=ended_on)
            w.add(Withdrawal, {**withdrawn.withdrawal, **of_complaint}, done_by=ctx.done_by)
            action, details, changes = "withdraw", withdrawn.details, withdrawn.changes
        held.apply(changes)
        w.add(AuditEntry, {**audit_values(ctx, action, details), **of_complaint})
        return reference

    def _next_reference(self, received_on: date) -> str:
        """As usecases._next_reference counts, with the complaints held but not yet written."""
        from sqlmodel import func, select

        def in_database(prefix: str) -> int:
            if prefix not in self.counted:  # the database's count, read again after each flush
                self.counted[prefix] = self.session.exec(
                    select(func.count()).select_from(Complaint).where(Complaint.reference.startswith(prefix))).one()
            return self.counted[prefix]

        def taken(reference: str) -> bool:
            return self.session.exec(select(Complaint.id).where(Complaint.reference == reference)).first() is not None

        return next_held_reference(received_on, in_database, self.writer.held(Complaint), taken)

    def _escalate(self, row: SheetRow, requested_on: date, mover: StepContext, calendar: WorkingCalendar,
                  held: _Held) -> StepContext:
        """Stage 2 requested (as `_replay` escalates): its handler found, who considered stage
        1 worked out from the records held (6.13); the context of stage 2's steps."""
        name = row.stage2.handler
        if name not in self.handlers:
            # The staff register may be written, between stage 1's records and stage 2's as
            # the use-cases write them: those held are written first (`take` made this row's
            # savepoint), and the complaint again once its steps are done.
            self.flush()
            self.chosen.clear()
            self.writer.written_again(Complaint, held.complaint)
            self.handlers[name] = _step(row, 2, "handler", staff.named_in_history, self.db, name, ctx=mover)
        ctx = replace(mover, done_by=self.handlers[name])
        handler = self.chosen.get((name, Stage.TWO))
        if handler is None:
            handler = self.chosen[name, Stage.TWO] = usecases.stage_two_handler(self.session, name, self.run.today)
        held.stage_one_people = held.who_considered_stage_one(
            lambda: stage_people._ids_by_name_key(self.session))  # asked only for a handler named without an id
        held.bump()
        escalated = _step(row, 2, "s2_req", plan_escalate, ctx, calendar, *held.now(), requested_on=requested_on,
                          reason="", handler=handler, stage_one_people=held.stage_one_people)
        of_complaint = {"complaint_id": held.complaint["id"]}
        stage = self.writer.add(StageRecord, {**escalated.stage, **of_complaint})
        held.apply(escalated.changes)
        held.stages.append(stage)
        of_stage = {**of_complaint, "stage_id": stage["id"]}
        held.deadlines += [self.writer.add(Deadline, {**escalated.acknowledge, **of_stage}),
                           self.writer.add(Deadline, {**escalated.respond, **of_stage})]
        self.writer.add(AuditEntry, {**escalated.audit, **of_complaint})
        return ctx

    def _independent(self, row: SheetRow, cells: StageCells, column: str, ctx: StepContext, held: _Held,
                     doing: str) -> None:
        """At stage 2, whoever records a step must not have considered stage 1 (6.13), as
        usecases._recorder_independent refuses it."""
        if cells.number == Stage.TWO:
            assert ctx.done_by is not None  # the importer's steps are the sheet's handler's
            _step(row, 2, column, require_independent, held.stage_one_people, ctx.done_by, f"{doing} at stage 2",
                  lambda staff_id: staff_name(self.session, staff_id))

    def _stage(self, row: SheetRow, cells: StageCells, opened: date, ctx: StepContext, calendar: WorkingCalendar,
               held: _Held) -> None:
        """The current stage, if acknowledged: defined, acknowledged, perhaps extended and
        answered (as `_replay_stage` replays it); else left for the handler to define and
        acknowledge."""
        if cells.acknowledged is None:
            return
        w, done_by, n, s = self.writer, ctx.done_by, cells.number, f"s{cells.number}_"
        stage = held.stages[-1]
        of_complaint = {"complaint_id": held.complaint["id"]}
        of_stage = {**of_complaint, "stage_id": stage["id"]}

        self._independent(row, cells, s + "ack", ctx, held, "define the complaint")
        held.bump()
        defined = _step(row, n, s + "ack", plan_define, ctx, *held.now(), None, not_responsible_aspects="",
                        **_definition(row, cells, opened))
        definition = w.add(Definition, {**defined.definition, "stage_id": stage["id"]}, done_by=done_by)
        held.steps.append(("defined", stage["id"], definition["by_staff_id"]))
        w.add(AuditEntry, {**defined.audit, **of_complaint})

        self._independent(row, cells, s + "ack", ctx, held, "acknowledge the complaint")
        acknowledge = held.active(stage, "acknowledge")
        held.bump()
        acknowledged = _step(row, n, s + "ack", plan_acknowledge, ctx, calendar, *held.now(), defined=True,
                             acknowledge_due=acknowledge["due_on"] if acknowledge else None,
                             acknowledged_on=cells.acknowledged)
        held.apply(acknowledged.changes)
        held.deadlines.append(w.add(Deadline, {**acknowledged.respond, **of_stage}))
        w.add(AuditEntry, {**audit_values(ctx, "acknowledge", acknowledged.details), **of_complaint})

        if cells.extended_to is not None:
            self._independent(row, cells, s + "ext", ctx, held, "extend the response time")
            current, target = held.active(stage, "respond"), held.target(stage)
            held.bump()
            extended = _step(row, n, s + "ext", plan_extend, ctx, calendar, *held.now(), decided_on=None,
                             current_due=current["due_on"] if current else None,
                             target_due=target["due_on"] if target else None, **_extension(cells))
            extension = w.add(Extension, {**extended.extension, "stage_id": stage["id"]}, done_by=done_by)
            held.steps.append(("extended", stage["id"], extension["by_staff_id"]))
            held.apply(extended.changes)
            held.deadlines.append(w.add(Deadline, {**deadline_values(calendar, "respond", extended.counted,
                                                                     extension_id=extension["id"]), **of_stage}))
            w.add(AuditEntry, {**audit_values(ctx, "extend", extended.details), **of_complaint})

        if cells.responded is None:
            return
        self._independent(row, cells, s + "resp", ctx, held, "record the response")
        held.bump()
        responded = _step(row, n, s + "resp", plan_respond, ctx, *held.now(), remedies=(), actions=(), impact="",
                          remedies_guidance="", **_response(cells))
        met = held.apply(responded.changes)
        deadline = met[0] if met else None
        response = w.add(Response, {**responded.response, "stage_id": stage["id"]}, done_by=done_by)
        held.steps.append(("answered", stage["id"], response["by_staff_id"]))
        w.add(AuditEntry, {**audit_values(ctx, "respond", responded.details([], [], deadline["due_on"] if deadline
                                                                             else None)), **of_complaint})


# --- an import stopped part-way ------------------------------------------------------------

JOURNAL = "import.unfinished."  # Setting keys: JOURNAL + run + "." + batch -> that batch's complaints
_JOURNAL_SQL = "INSERT INTO setting (key, value) VALUES (?, ?)"  # the journal of a batch copied in
_RUNNING: set[str] = set()  # this process's imports under way


@dataclass
class _Journal:
    """Which complaints an unfinished import has written, kept in the database in the same
    transaction as each batch, so that even a killed import's leftovers can be found."""

    run: str
    file: str
    started: str
    written: list[int] = field(default_factory=list)
    batches: int = 0

    @classmethod
    def start(cls, file: str) -> _Journal:
        journal = cls(uuid.uuid4().hex[:12], file, datetime.now().isoformat(timespec="seconds"))
        _RUNNING.add(journal.run)
        return journal

    def entry(self, written: list[int]) -> tuple[str, str]:
        """The next batch's (key, value) in the `setting` table."""
        value = {"file": self.file, "started": self.started, "host": socket.gethostname(), "pid": os.getpid(),
                 "complaints": written}
        return f"{JOURNAL}{self.run}.{self.batches + 1:06d}", json.dumps(value)

    def note(self, session, written: list[int]) -> None:
        from store.models import Setting

        key, value = self.entry(written)
        self.batches += 1
        session.add(Setting(key=key, value=value))

    def finish(self, db: Database) -> None:
        with db.write() as session:
            _forget(session, self.run)
        _RUNNING.discard(self.run)

    def undo(self, db: Database) -> None:
        """Remove every complaint this import wrote, in one transaction."""
        try:
            if self.batches:
                with db.write() as session:
                    _remove(session, self.written)
                    _forget(session, self.run)
                log.warning("import of %s stopped: its %d complaints were removed", self.file, len(self.written))
        except Exception:
            log.exception("import of %s stopped and could not be undone; the next import removes it", self.file)
            raise
        finally:
            _RUNNING.discard(self.run)


@dataclass(frozen=True)
class UnfinishedImport:
    run: str
    file: str
    started: str
    host: str
    pid: int
    complaints: list[int]

    @property
    def under_way(self) -> bool:
        """Still running (as far as this computer can tell; one on another is left alone)."""
        if self.host != socket.gethostname():
            return True
        if self.pid == os.getpid():
            return self.run in _RUNNING
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return True

    def __str__(self) -> str:
        n = len(self.complaints)
        return f"an import of {self.file} started {self.started} on {self.host} stopped part-way, leaving {n} complaint{'s' if n != 1 else ''}"


def unfinished_imports(db: Database) -> list[UnfinishedImport]:
    """Imports whose batches are in the database but that never finished (for chc doctor)."""
    from sqlmodel import select

    from store.models import Setting

    runs: dict[str, UnfinishedImport] = {}
    with db.read() as session:
        for setting in session.exec(select(Setting).where(Setting.key.startswith(JOURNAL)).order_by(Setting.key)):
            run = setting.key[len(JOURNAL):].split(".")[0]
            value = json.loads(setting.value)
            if run not in runs:
                runs[run] = UnfinishedImport(run, value["file"], value["started"], value["host"], value["pid"], [])
            runs[run].complaints.extend(value["complaints"])
    return list(runs.values())


def remove_unfinished(db: Database) -> list[str]:
    """Remove what imports that were stopped part-way (killed) had written; a line for each."""
    notes = []
    for unfinished in unfinished_imports(db):
        if unfinished.under_way:
            continue
        with db.write() as session:
            _remove(session, unfinished.complaints)
            _forget(session, unfinished.run)
        log.warning("removed the leftovers of an unfinished import: %s", unfinished)
        text = str(unfinished)
        notes.append(f"{text[0].upper()}{text[1:]}; they were removed.")
    return notes


def _forget(session, run: str) -> None:
    from sqlmodel import delete

    from store.models import Setting

    session.execute(delete(Setting).where(Setting.key.startswith(f"{JOURNAL}{run}.")))


def _remove(session, complaints: list[int]) -> None:
    """Every row the replay writes for these complaints (log, define, acknowledge, extend,
    respond, escalate, refuse, withdraw, close), their residents too: as a rollback would."""
    from sqlmodel import delete, select

    for start in range(0, len(complaints), 500):
        chunk = complaints[start:start + 500]
        stages = list(session.exec(select(StageRecord.id).where(StageRecord.complaint_id.in_(chunk))))
        residents = list(session.exec(select(Complaint.resident_id).where(Complaint.id.in_(chunk))))
        session.execute(delete(Deadline).where(Deadline.complaint_id.in_(chunk)))
        for of_stage in (Extension, Response, Definition):
            session.execute(delete(of_stage).where(of_stage.stage_id.in_(stages)))
        for of_complaint in (Refusal, Withdrawal, AuditEntry, StageRecord):
            session.execute(delete(of_complaint).where(of_complaint.complaint_id.in_(chunk)))
        session.execute(delete(Complaint).where(Complaint.id.in_(chunk)))
        still_used = select(Complaint.id).where(Complaint.resident_id == Resident.id).exists()
        session.execute(delete(Resident).where(Resident.id.in_(residents), ~still_used))



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
        "tenure": "tenure",
    }


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _step(row: SheetRow, stage: int, column: str, call: Callable[_P, _R], /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
    """Run one use-case (the function itself, as the screens and the CLI pass it to
    Services.run, but with the row's own handler in ctx); its refusal becomes this row's
    problems, each under its column. mypy checks the arguments against the use-case's."""
    try:
        return call(*args, **kwargs)
    except StepRefused as refused:
        fields = _fields(stage)
        raise _RowRefused([
            RowProblem(row.number, LABEL[fields.get(p.field or "") or fields.get(column, column)], p.message)
            for p in refused.problems
        ]) from None


def _uk(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def _replay(db: Database, row: SheetRow, file_name: str, actor: str, today: date, handlers: dict[str, int]) -> str:
    """One row's history, step by step, as the handlers of the time recorded it."""

    def handler_id(stage: int, name: str) -> int:
        # the same name is the same person all through a transaction: asked once
        if name not in handlers:
            handlers[name] = _step(row, stage, "handler", staff.named_in_history, db, name, ctx=mover)
        return handlers[name]

    where = _where(row, file_name)
    # The sheet's handlers did the steps (done_by); the audit says who moved them in (actor).
    mover = StepContext(actor=actor, today=today)
    handler1 = row.stage1.handler or actor
    ctx1 = replace(mover, done_by=handler_id(1, handler1))
    kept: dict[str, Any] = {"reference": row.reference} if row.reference else {}
    logged = _step(
        row, 1, "received", usecases.log_complaint, db,
        received_on=row.received, channel=row.channel, resident_name=row.resident, category=row.category,
        resident_words=_resident_words(where), handler=handler1, imported_from=file_name, ctx=ctx1, resident_tenure=row.tenure, **kept,
    )
    reference = logged.reference
    ctx = ctx1
    _replay_stage(db, row, row.stage1, row.received, reference, ctx1)
    if row.escalated:
        ctx = replace(mover, done_by=handler_id(2, row.stage2.handler))
        _step(row, 2, "s2_req", usecases.escalate, db, reference, requested_on=row.escalated,
              handler=row.stage2.handler, ctx=ctx)
        _replay_stage(db, row, row.stage2, row.escalated, reference, ctx)
    last = row.stage2 if row.escalated else row.stage1
    if row.refused:
        _step(row, last.number, "refused_reason", usecases.refuse, db, reference,
              exclusion_reason=row.exclusion_reason, explanation=row.refusal_explanation, refused_on=row.refused,
              # the sheet never says whether the resident was told of the Ombudsman route (2.4)
              right_explained_known=False, facts_known=False, ctx=ctx)
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
    _step(row, stage.number, s + "ack", usecases.define, db, reference, **_definition(row, stage, opened), ctx=ctx)
    _step(row, stage.number, s + "ack", usecases.acknowledge, db, reference,
          acknowledged_on=stage.acknowledged, ctx=ctx)
    if stage.extended_to is not None:
        _step(row, stage.number, s + "ext", usecases.extend, db, reference, **_extension(stage),
              decision_date_known=False, ctx=ctx)
    if stage.responded is not None:
        _step(row, stage.number, s + "resp", usecases.respond, db, reference, **_response(stage), ctx=ctx)


# What the sheet does not hold, said plainly, with the letter that holds it: the same
# words whether a row is replayed through the use-cases or planned in bulk.

def _where(row: SheetRow, file_name: str) -> str:
    return f"{file_name}, reference {row.reference}" if row.reference else f"{file_name}, row {row.number}"


def _resident_words(where: str) -> str:
    return (f"Not recorded: this complaint was moved in from the complaints spreadsheet ({where}), "
            "which did not keep the resident's own words.")


def _definition(row: SheetRow, stage: StageCells, opened: date) -> dict[str, Any]:
    """The define step's arguments for an acknowledged stage."""
    assert stage.acknowledged is not None  # only an acknowledged stage is defined
    see = f"see the stage {stage.number} acknowledgement sent on {_uk(stage.acknowledged)}"
    return {
        "understanding": f"A {row.category} complaint moved in from the complaints spreadsheet, which did not "
                         f"record the landlord's understanding of it: {see}.",
        "outcomes_sought": f"Not recorded in the spreadsheet: {see}.",
        "responsible_aspects": f"Not recorded in the spreadsheet: {see}.",
        # an acknowledgement dated before the stage began is the acknowledgement's problem
        "defined_on": max(stage.acknowledged, opened),
    }


def _extension(stage: StageCells) -> dict[str, Any]:
    """The extend step's arguments for an extended stage, but the decision date. The sheet
    holds the new date and perhaps its reason, nothing else: when it was decided, when the
    resident was told, whether the Ombudsman's details were given and whether a good reason
    was recorded are stored as not known, and the extension is judged by the Code on what
    is known (so it counts as late until a handler verifies it from the letters). The
    sheet's reason is the reason for the extension, never the good reason for passing the
    Code's limit."""
    reason = stage.extension_reason or (
        "Not recorded in the spreadsheet: see the letter that told the resident of the extension."
    )
    return {"new_due": stage.extended_to, "reason": reason, "told_resident_on": None, "ombudsman_details_given": None,
            "good_reason": "", "accept_shortfalls": True}


def _response(stage: StageCells) -> dict[str, Any]:
    """The respond step's arguments for an answered stage."""
    assert stage.responded is not None  # only an answered stage is responded to
    sent = f"the stage {stage.number} response sent on {_uk(stage.responded)}"
    return {
        "decision": stage.decision,
        "reasons": f"Not recorded in the spreadsheet: see {sent}.",
        # The sheet holds no remedies: an upheld row says where they are (Code 7.1).
        "no_remedy_reason": (f"Remedies not recorded in the spreadsheet: see {sent}."
                             if stage.decision in (Decision.UPHELD, Decision.PARTLY_UPHELD) else ""),
        "responded_on": stage.responded,
    }
