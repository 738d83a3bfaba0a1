"""What the report screen and `chc report` read and write, around one `Services` object:
short read sessions, plain results, and every write through a use-case with the
handler's context. Screens call this, never the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Sequence

from chc_tui import collector
from chc_tui.figures import performance_by_person, report_texts
from chc_tui.figures.earlier_years import EarlierYears
from chc_tui.figures.performance_by_person import PerformanceByPerson
from chc_tui.rules.financial_year import bounds, year_of
from chc_tui.rules.measures import Timeliness
from chc_tui.figures.report import AnnualReport, compute, gather, homes_key
from chc_tui.documents.logo import Branding
from chc_tui.documents.report_export import FORMATS, write_report
from chc_tui.report_cache import stamp
from chc_tui.services import Services
from chc_tui.steps.settings import LANDLORD_NAME_KEY, get_setting, load_calendar
from store import report_queries
from store.stage_queries import StageFacts, in_window, year_stages
from store.staff_queries import stage_handlers


@dataclass(frozen=True)
class ReportInputsForm:
    """What the 'entered texts' form starts from."""

    year: int
    homes: int | None
    texts: dict[str, str]
    versions: dict[str, int]


class ReportService:
    def __init__(self, services: Services, earlier: EarlierYears | None = None) -> None:
        self.services = services
        # the earlier years' stages, kept between counts (the report screen passes the app's)
        self.earlier = earlier if earlier is not None else EarlierYears()

    @property
    def today(self):
        return self.services.today

    def default_year(self) -> int:
        """The financial year containing today."""
        return year_of(self.services.today)

    def report(self, year: int, with_year_before: bool = False) -> AnnualReport:
        """The year's report; `with_year_before`, with the year before's beside it (the
        board's summary compares the two: documents, not the screen)."""
        report, _people = self.count(year)
        if with_year_before:  # its figures only: the summary reads no staff figures of it
            report.year_before = self._figures(year - 1)[0]
        return report

    def count(self, year: int) -> tuple[AnnualReport, Callable[[], PerformanceByPerson]]:
        """The year's report, and what counts its figures per handler and team next from
        the same read of the year's stages (the F3 screen shows the board's figures first;
        it read every stage of the year a second time for these)."""
        report, shown, stages, judged = self._figures(year)
        if shown:  # the board sees staff named only if the landlord chooses (issue 20.2)
            report.staff_figures = self.performance(year, stages, judged)
            return report, lambda: report.staff_figures
        return report, lambda: self.performance(year, stages, judged)

    def _figures(self, year: int) -> tuple[AnnualReport, bool, Sequence[StageFacts], dict[int, Timeliness]]:
        """The year's figures, whether the landlord shows staff figures, the stages read, and
        each response's timeliness by stage id as the figures judged it."""
        current = stamp(self.services)  # before the read begins: see EarlierYears.received
        judged: dict[int, Timeliness] = {}
        with collector.paused(kept=True), self.services.db.read() as session:
            inputs, calendar = gather(session, year, self.services.today,
                                      lambda earlier: self.earlier.received(session, earlier, current))
            shown = bool(get_setting(session, report_texts.SHOW_STAFF_FIGURES_KEY, False))
            return compute(inputs, calendar, self.services.policy, judged), shown, inputs.stages, judged

    def performance(self, year: int, stages: Sequence[StageFacts] | None = None,
                    judged: Mapping[int, Timeliness] | None = None) -> PerformanceByPerson:
        """Figures per handler and per team (issue 20.2): the report screen shows them always.
        From `stages` when given (a wider window's, read for the same year end: the report's),
        else read here; `judged`, the responses' timeliness as the report judged them."""
        start, end = bounds(year)
        with collector.paused(kept=True):
            with self.services.db.read() as session:
                if stages is None:
                    # what judging reads, not the self-assessment's handling facts: these
                    # figures count acknowledgements and responses (rules.measures), never
                    # who defined or considered a stage (a third of the read's time at 100k)
                    stages = year_stages(session, start, end)
                else:
                    stages = [s for s in stages if in_window(s, start)]
                handlers = stage_handlers(session, ((s.stage_id, s.handler_staff_id) for s in stages))
                calendar = load_calendar(session)
            return performance_by_person.compute(year, stages, handlers, self.services.today, calendar,
                                                 self.services.policy, judged)

    def branding(self) -> Branding:
        """The landlord's name and logo, for a document's cover and page headers."""
        from chc_tui.steps.report_logo import stored_logo

        with self.services.db.read() as session:
            return Branding(str(get_setting(session, LANDLORD_NAME_KEY) or "").strip(), stored_logo(session))

    def form_values(self, year: int) -> ReportInputsForm:
        with self.services.db.read() as session:
            texts = report_queries.report_texts(session, year)
            homes = get_setting(session, homes_key(year))
        return ReportInputsForm(
            year=year,
            homes=homes,
            texts={part: t.text for part, t in texts.items()},
            versions={part: t.version for part, t in texts.items()},
        )

    def save_inputs(self, year: int, texts: dict[str, str], versions: dict[str, int], homes) -> dict[str, int]:
        return report_texts.set_report_inputs(
            self.services.db, year=year, texts=texts, expected_versions=versions, homes=homes, ctx=self.services.ctx()
        )

    def set_text(self, year: int, part: str, text: str, expected_version: int | None = None) -> int:
        return report_texts.set_report_text(
            self.services.db, year=year, part=part, text=text, expected_version=expected_version, ctx=self.services.ctx()
        )

    def set_homes(self, year: int, homes: int) -> None:
        report_texts.set_homes_owned(self.services.db, year=year, homes=homes, ctx=self.services.ctx())

    def export(self, year: int, fmt: str, path: Path, report: AnnualReport | None = None) -> Path:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}")
        if report is None or report.year != year or report.year_before is None:
            report = self.report(year, with_year_before=True)
        return write_report(report, fmt, Path(path), self.branding())
