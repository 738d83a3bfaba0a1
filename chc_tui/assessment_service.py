"""What the self-assessment screen reads and does, over the app's `Services`.

Screens call this, never the store: each call opens a short session, returns plain data,
and passes every write to the use-cases in `chc_tui.assessment` with the handler's
context.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from chc_tui import assessment, financial_year
from chc_tui.assessment_evidence import ChecklistRow, load_checklist
from chc_tui.assessment_export import export
from chc_tui.services import Services
from store import assessment_queries


@dataclass
class AssessmentServices:
    services: Services

    @property
    def today(self) -> date:
        return self.services.today

    def current_year(self) -> int:
        """The financial year today falls in (2026 from 1 April 2026 to 31 March 2027)."""
        return financial_year.year_of(self.today)

    def year_range(self) -> tuple[int, int]:
        return assessment.FIRST_YEAR, assessment.last_year_allowed(self.today)

    # --- reads -------------------------------------------------------------------------

    def checklist(self, year: int) -> list[ChecklistRow]:
        return load_checklist(self.services.db, year, today=self.today, policy=self.services.policy)

    def has_answers(self, year: int) -> bool:
        with self.services.db.read() as session:
            return bool(assessment_queries.answers(session, year))

    def landlord_name(self) -> str:
        with self.services.db.read() as session:
            return assessment.landlord_name(session)

    def board_approved_on(self, year: int) -> date | None:
        with self.services.db.read() as session:
            return assessment.board_approved_on(session, year)

    # --- writes ------------------------------------------------------------------------

    def start_year(self, year: int) -> int:
        """Copy the previous year's answers in, marked carried over (idempotent)."""
        return assessment.start_year(self.services.db, year=year, ctx=self.services.ctx())

    def answer(
        self,
        year: int,
        provision: str,
        *,
        comply: str,
        evidence: str,
        commentary: str,
        expected_version: int | None,
    ) -> assessment.Answered:
        return assessment.answer_provision(
            self.services.db,
            year=year,
            provision=provision,
            comply=comply,
            evidence=evidence,
            commentary=commentary,
            expected_version=expected_version,
            ctx=self.services.ctx(),
        )

    def confirm(self, year: int, provision: str | None = None, expected_version: int | None = None) -> int:
        return assessment.confirm_carried_over(
            self.services.db, year=year, provision=provision, expected_version=expected_version, ctx=self.services.ctx()
        )

    def export(self, year: int, path: str | Path, fmt: str | None = None) -> Path:
        return export(self.services.db, year, path, fmt, today=self.today, policy=self.services.policy)
