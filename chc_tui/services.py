"""What the screens and the CLI read and do, in one object built from ready parts.

Screens call this, never the store: it opens short sessions, returns plain data, and
passes every write to the use-case functions with the handler's context.

A write is `services.run(step, *args, **kwargs)`, where `step` is the use-case function
itself (`usecases.define`, `residents.agree_adjustment`, ...): an editor follows it to its
rule, and mypy checks the arguments against the function's own signature. The TUI's
forms, the CLI and the importer all call the same functions; `run` only supplies the
database and the handler's StepContext.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Concatenate, ParamSpec, TypeVar, cast

from chc_tui import collector
from chc_tui.rules import financial_year
from chc_tui.rules.calendar import WorkingCalendar
from chc_tui.rules.context import StepContext, os_user
from chc_tui.rules.deadlines import Due, OtherDue, YearlySubmission, assess, assess_others, state_on
from chc_tui.rules.domain import DeadlineState
from chc_tui.rules.policy import CODE_2024, CodePolicy
from chc_tui.steps.settings import load_calendar
from store import queries
from store.engine import Database, open_database
from store.queries import ComplaintDetail, ComplaintRow, StageView  # noqa: F401  (screens' view types)

if TYPE_CHECKING:
    from chc_tui.panel import PanelRead

# Migration 0008 keeps here what it made from the names in the records.
STAFF_MERGED_KEY = "staff_register_merged"

P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class Services:
    db: Database
    actor: str = field(default_factory=os_user)
    today_fn: Callable[[], date] = date.today
    policy: CodePolicy = CODE_2024

    @classmethod
    def open(cls, path: Path | str, **kwargs) -> "Services":
        """A file path, or a database URL (PostgreSQL)."""
        return cls(open_database(path if isinstance(path, str) and "://" in path else Path(path)), **kwargs)

    # --- context ---------------------------------------------------------------------

    @property
    def today(self) -> date:
        return self.today_fn()

    def ctx(self) -> StepContext:
        return StepContext(actor=self.actor, today=self.today, policy=self.policy)

    def calendar(self) -> WorkingCalendar:
        with self.db.read() as session:
            return load_calendar(session)

    # --- reads -------------------------------------------------------------------------

    def deadlines(self, *, handler_staff_id: int | None = None) -> list[Due]:
        with collector.paused():
            with self.db.read() as session:
                calendar = load_calendar(session)
                rows = queries.open_deadlines(session, handler_staff_id=handler_staff_id)
            today = self.today
            return [assess(row, calendar, today, self.policy) for row in rows]

    def other_deadlines(self) -> list[OtherDue]:
        """Reviews, service requests, remedies, actions, Ombudsman requests and orders,
        improvements, updates agreed with residents (5.9): every other running due date,
        soonest first."""
        from store.other_deadlines import other_deadlines

        with collector.paused():
            with self.db.read() as session:
                calendar = load_calendar(session)
                rows = other_deadlines(session, calendar)
            return assess_others(rows, calendar, self.today, self.policy)

    def panel(self, rows: int, *, handler_staff_id: int | None = None) -> "PanelRead":
        """The deadline panel (chc_tui/panel.py): of each kind the `rows` soonest due dates,
        assessed, and every one counted by state. With `handler_staff_id` ("mine"): that
        person's complaint deadlines only, not the landlord's other due dates."""
        from chc_tui.panel import read_panel
        from store.other_deadlines import panel_deadlines

        others: list = []
        other_days: dict = {}
        with collector.paused():
            with self.db.read() as session:
                calendar = load_calendar(session)
                found = queries.open_deadlines(session, handler_staff_id=handler_staff_id, limit=rows)
                complaint_days = queries.open_deadline_days(session, handler_staff_id=handler_staff_id)
                if handler_staff_id is None:
                    others, other_days = panel_deadlines(session, calendar, rows)
            today = self.today
            complaints = [assess(row, calendar, today, self.policy) for row in found]
            assessed = assess_others(others, calendar, today, self.policy)
        submission = self.yearly_submission() if handler_staff_id is None else None
        return read_panel(today, complaints, complaint_days, assessed, other_days, submission, calendar, self.policy)

    def complaints(self, **filters) -> list[Due]:
        with collector.paused():
            with self.db.read() as session:
                calendar = load_calendar(session)
                rows = queries.complaint_rows(session, **filters)
            today = self.today
            return [assess(row, calendar, today, self.policy) for row in rows]

    def yearly_submission(self) -> YearlySubmission:
        """The next self-assessment and annual report submission to the Ombudsman (8.1-8.4):
        the year just ended until its board approval is recorded and its date has passed,
        then the current year (chc_tui.rules.submission.next_submission)."""
        from chc_tui.rules.deadlines import assess_submission
        from chc_tui.rules.submission import submission_setting_keys
        from chc_tui.steps.settings import get_setting

        today = self.today
        with self.db.read() as session:
            calendar = load_calendar(session)
            settings = {key: get_setting(session, key) for key in submission_setting_keys(today)}
        return assess_submission(today, settings, calendar, self.policy)

    def due(self, reference: str) -> Due | None:
        """One complaint's next step, due date and urgency, as the list shows it."""
        found = self.complaints(reference=reference)
        return found[0] if found else None

    def complaint(self, reference: str) -> queries.ComplaintDetail | None:
        with self.db.read() as session:
            return queries.complaint_detail(session, reference)

    def needs_setup(self) -> bool:
        """Whether first-run setup is still to do (chc_tui.steps.setup.needs_setup)."""
        from chc_tui.steps.setup import needs_setup

        with self.db.read() as session:
            return needs_setup(session)

    def handlers(self) -> list[str]:
        with self.db.read() as session:
            return queries.handlers(session)

    # --- the staff register (issue 17) ------------------------------------------------

    def staff(self, *, active_only: bool = False) -> list:
        """Everyone on the staff register (store.staff_queries.StaffMember), by name."""
        from store import staff_queries

        with self.db.read() as session:
            return staff_queries.staff_list(session, active_on=self.today if active_only else None)

    def me(self):
        """The StaffMember this login is, or None when it is not on the register."""
        from store import staff_queries

        with self.db.read() as session:
            row = staff_queries.by_login(session, self.actor)
            return staff_queries.member(session, row) if row is not None else None

    def staff_merged_from_records(self) -> list[dict] | None:
        """What migration 0008 made from the names in the records (staff_id, display_name,
        spellings, logins), or None for a register made afresh."""
        from chc_tui.steps.settings import get_setting

        with self.db.read() as session:
            return get_setting(session, STAFF_MERGED_KEY)

    def eligible_assignees(self, reference: str | None, stage: int) -> list:
        """The active staff who may be assigned this complaint's stage: the role the stage
        needs (steps.assignment) and, at stage 2, nobody who considered stage 1 (Code 6.13)."""
        from chc_tui.steps.assignment import roles_for_stage
        from chc_tui.steps.independence import eligible_for_stage_two
        from store import staff_queries
        from store.models import Complaint
        from sqlmodel import select

        with self.db.read() as session:
            needed = set(roles_for_stage(session, stage))
            people = [p for p in staff_queries.staff_list(session, active_on=self.today) if needed & set(p.roles)]
            if stage != 2 or reference is None:
                return people
            complaint = session.exec(select(Complaint).where(Complaint.reference == reference)).first()
            if complaint is None:
                return people
            allowed = set(eligible_for_stage_two(session, complaint, [p.id for p in people]))
            return [p for p in people if p.id in allowed]

    # --- writes: each is one use-case, with this handler's context --------------------

    def draft_letter(self, submit: Callable[[dict], object], values: dict):
        """The letter a step's form would send: the step runs with letter=DRAFT, which
        drafts from the records as the step leaves them and then rolls the step back."""
        from chc_tui.documents import letters

        try:
            submit({**values, "letter": letters.DRAFT})
        except letters.LetterDrafted as drafted:
            return drafted.draft
        raise RuntimeError("the step drafted no letter")

    # --- landlord settings (issue 6) ------------------------------------------------------

    def settings_overview(self) -> dict:
        """The landlord's details, region, closure days and homes owned, as plain values."""
        from chc_tui.steps.landlord import landlord_settings
        from chc_tui.steps.report_logo import stored_logo
        from chc_tui.steps.settings import closure_days, get_setting, region, stock_types

        year = financial_year.year_of(self.today)
        with self.db.read() as session:
            types = stock_types(session)
            return {
                "landlord": landlord_settings(session),
                "region": region(session),
                "closure_days": sorted(closure_days(session).items()),
                "homes": {y: get_setting(session, f"homes_owned:{y}") for y in (year - 1, year)},
                "stock_types": types,
                # each stock type's own figure, as entered (None: not entered)
                "homes_by_type": {y: {t: get_setting(session, f"homes_owned:{y}:{t}") for t in types}
                                  for y in (year - 1, year)},
                "logo": stored_logo(session),
            }

    def update_landlord(self, **values) -> dict:
        from chc_tui.steps.landlord import update_landlord_settings

        return self.run(update_landlord_settings, **values)

    def set_homes_owned(self, year: int, homes, stock_type: str | None = None) -> None:
        from chc_tui.figures.report_texts import set_homes_owned

        self.run(set_homes_owned, year=year, homes=homes, stock_type=stock_type)

    def run(self, step: Callable[Concatenate[Database, P], R], /, *args: P.args, **kwargs: P.kwargs) -> R:
        """Run one use-case, `step(db, *args, **kwargs)`, as this handler today: the step
        is the function itself (usecases.acknowledge, residents.agree_adjustment, ...), so
        its arguments are checked against its signature. Whatever it raises (StepRefused,
        StaleRecord, LetterDrafted, a database error) reaches the caller unchanged."""
        # Every use-case takes the keyword `ctx: StepContext | None`; a ParamSpec cannot
        # name one keyword, so the call that adds it is not checked (the caller's is).
        call = cast(Callable[..., R], step)
        return call(self.db, *args, ctx=self.ctx(), **kwargs)

    # --- around the complaint (issue 7) ----------------------------------------------------

    def resident_needs(self, resident_id: int):
        from store.wider_record_queries import resident_needs

        with self.db.read() as session:
            return resident_needs(session, resident_id)

    def resident_of(self, reference: str) -> int | None:
        from store.wider_record_queries import resident_of

        with self.db.read() as session:
            return resident_of(session, reference)

    def service_requests(self, *, open_only: bool = True, search: str = ""):
        from store.wider_record_queries import service_request_counts, service_request_rows

        with self.db.read() as session:
            return service_request_rows(session, open_only=open_only, search=search), service_request_counts(session, self.today)

    def service_request_target(self) -> int:
        from chc_tui.steps.service_requests import target_days

        with self.db.read() as session:
            return target_days(session)

    def lessons(self, *, open_only: bool = False):
        from store.wider_record_queries import lesson_rows

        with self.db.read() as session:
            return lesson_rows(session, open_only=open_only)

    # --- correspondence and notes (Code 5.12) --------------------------------------------

    def record_correspondence(self, reference: str, **values) -> int:
        """Record a letter, call, email, meeting or note with its files; the new id."""
        from chc_tui.steps import correspondence

        return self.run(correspondence.record_correspondence, reference, **values)

    def attachment_file(self, attachment) -> Path:
        """The stored copy of an attachment, checked against its checksum; raises
        chc_tui.steps.correspondence.AttachmentUnavailable when missing or altered."""
        from chc_tui.steps import correspondence

        return correspondence.attachment_file(self.db.path, attachment)

    # --- letters as sent and the evidence pack (issue 6) ---------------------------------

    def letter(self, letter_id: int):
        """One letter exactly as sent, with its complaint's reference: (Letter, reference);
        raises chc_tui.rules.domain.NotFound for an unknown id."""
        from chc_tui.rules.domain import NotFound
        from store.models import Complaint, Letter

        with self.db.read() as session:
            letter = session.get(Letter, letter_id)
            if letter is None:
                raise NotFound(f"no letter with id {letter_id}", "letter_id")
            return letter, session.get(Complaint, letter.complaint_id).reference

    def export_letter(self, letter_id: int, out: Path) -> Path:
        """Write a sent letter under the landlord's letterhead as .docx, .txt or .md (by
        the suffix; chc_tui.documents.letter_export.UnknownFormat for another)."""
        from chc_tui.steps.landlord import landlord_settings
        from chc_tui.documents.letter_export import export_letter
        from chc_tui.rules.needs import letter_format
        from store.wider_record_queries import current_adjustments

        letter, _reference = self.letter(letter_id)
        with self.db.read() as session:
            landlord = landlord_settings(session)
            needs = letter_format(current_adjustments(session, letter.complaint_id))
        return export_letter(letter, landlord, out, needs)

    # --- how letters go out: the post run (issue 21) ----------------------------------------

    def post_run_letters(self, on: date | None = None):
        """The post run dated `on` (default today): PrintedRun with its letters, and those
        waiting that have no address to go to; nothing is written."""
        from chc_tui.documents.post_run import PrintedRun, in_the_run
        from chc_tui.steps.delivery import waiting_to_post

        on = on or self.today
        with self.db.read() as session:
            letters, no_address = in_the_run(waiting_to_post(session), on)
        return PrintedRun(on, letters, no_address)

    def write_post_run(self, out: Path, on: date | None = None):
        """Write the post run as FILE.docx and FILE.pdf (chc_tui.documents.post_run); the
        PrintedRun says which letters it holds and both paths. Nothing is marked posted."""
        from dataclasses import replace

        from chc_tui.documents.post_run import run_document, write_run
        from chc_tui.rules.needs import letter_format
        from chc_tui.steps.landlord import landlord_settings
        from store.wider_record_queries import current_adjustments

        run = self.post_run_letters(on)
        if not run.letters:
            return run
        with self.db.read() as session:
            landlord = landlord_settings(session)
            needs = {w.letter.id or 0: letter_format(current_adjustments(session, w.complaint_id)) for w in run.letters}
        return replace(run, paths=write_run(run_document(run.letters, landlord, needs, run.on), out))

    def mark_posted(self, on: date | None = None, letter_ids: list[int] | None = None):
        """Record the post run dated `on` as posted: `letter_ids`, or every letter in the
        run (chc_tui.steps.delivery.mark_posted: all or none)."""
        from chc_tui.steps import delivery

        on = on or self.today
        ids = letter_ids if letter_ids is not None else self.post_run_letters(on).letter_ids
        return self.run(delivery.mark_posted, ids, posted_on=on)

    def evidence_pack(self, reference: str, out: Path) -> Path:
        """Write the complaint's evidence pack for the Ombudsman as .docx, .md or .txt (by
        the suffix); raises chc_tui.rules.domain.NotFound for an unknown reference."""
        from chc_tui.rules.domain import NotFound
        from chc_tui.documents.evidence_pack import build_pack, format_of, PACK_FORMATS, write_pack
        from chc_tui.steps.landlord import landlord_settings

        format_of(Path(out), PACK_FORMATS)  # refuse a wrong suffix before reading anything
        from chc_tui.figures.preflight import preflight
        from store.preflight_queries import facts_of

        with self.db.read() as session:
            detail = queries.complaint_detail(session, reference)
            landlord = landlord_settings(session)
            if detail is None:
                raise NotFound(f"no complaint with reference {reference!r}", "reference")
            facts = facts_of(session, detail)
            calendar = load_calendar(session)
        found = preflight(facts, self.today, calendar, self.policy)
        pack = build_pack(detail, landlord, self.today, produced_by=self.actor, policy=self.policy, preflight=found)
        return write_pack(pack, out)

    def preflight(self, reference: str):
        """The Ombudsman pre-flight: every breach of the Code the complaint's records show
        (chc_tui.figures.preflight.Preflight); raises chc_tui.rules.domain.NotFound for an
        unknown reference."""
        from chc_tui.figures.preflight import preflight
        from chc_tui.rules.domain import NotFound
        from store.preflight_queries import preflight_facts

        with self.db.read() as session:
            facts = preflight_facts(session, reference)
            calendar = load_calendar(session)
        if facts is None:
            raise NotFound(f"no complaint with reference {reference!r}", "reference")
        return preflight(facts, self.today, calendar, self.policy)

    # --- moving in from a spreadsheet (issue #8) ------------------------------------------

    def import_spreadsheet(self, path: Path, *, dry_run: bool, progress=None):
        """Import a .csv or .xlsx of complaints, all rows or none (chc_tui.spreadsheets.importer);
        an ImportReport. `progress` is called with an importer.Progress between batches,
        outside any transaction. Raises chc_tui.spreadsheets.importer.SheetUnreadable for a file it
        cannot read."""
        from chc_tui.spreadsheets.importer import import_file

        return import_file(
            self.db, Path(path), dry_run=dry_run, actor=self.actor, today=self.today, progress=progress
        )
