"""Lessons learned and the service improvements they led to (Code 9.1-9.3), each linked to
the complaints that taught it."""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from rich.text import Text
from textual.binding import Binding

from chc_tui import learning
from chc_tui.learning import THEMES, split_references
from chc_tui.deadlines import is_overdue
from screens.format import short
from screens.forms import FieldSpec, FormSpec
from screens.records import Act, Listing, RecordsScreen, Row


class LessonsScreen(RecordsScreen):
    BINDINGS = [
        Binding("n", "act('new')", "New lesson", id="lessons.new"),
        Binding("d", "act('done')", "Improvement in place", id="lessons.done"),
        Binding("a", "act('link')", "Add complaint", id="lessons.link"),
        Binding("t", "toggle_done", "Open/all", id="lessons.toggle"),
    ]

    def __init__(self, complaint_reference: str | None = None) -> None:
        super().__init__()
        self.complaint_reference = complaint_reference  # a new lesson starts linked to it
        self.open_only = False


    def listing(self) -> Listing:
        views = self.services.lessons(open_only=self.open_only)
        self.title = "Learning from complaints"
        self.sub_title = "lessons and service improvements · Code 9.1-9.3"
        today = self.services.today
        themes: dict[str, int] = {}
        for view in views:
            themes[view.lesson.theme] = themes.get(view.lesson.theme, 0) + 1
        summary = Text.assemble((f"{len(views)} lesson{'s' if len(views) != 1 else ''}", "bold"),
                                " · " + ", ".join(f"{t} {n}" for t, n in sorted(themes.items(), key=lambda x: -x[1])[:6]))
        rows = []
        for view in views:
            lesson = view.lesson
            if lesson.done_on:
                state = Text(f"in place {short(lesson.done_on)}", style="green")
            elif not lesson.improvement:
                state = Text("lesson only", style="dim")
            elif is_overdue(lesson.due_on, today):
                state = Text(f"overdue {short(lesson.due_on)}", style="bold red")
            else:
                state = Text(f"due {short(lesson.due_on)}")
            what = lesson.lesson + (f" → {lesson.improvement}" if lesson.improvement else "")
            rows.append(Row(f"lesson:{lesson.id}", (f"L{lesson.id}", lesson.theme, what, state, ", ".join(view.complaints)),
                            view, "open" if lesson.improvement and not lesson.done_on else "lesson"))
        columns = (("Ref", 4), ("Theme", 14), ("Lesson → improvement", None), ("State", 17), ("Complaints", 11))
        return Listing(summary, columns, rows, "No lessons recorded yet. n records one.")

    def acts(self) -> dict[str, Act]:
        return {
            "new": Act(self._new_form),
            "done": Act(self._done_form, frozenset({"open"})),
            "link": Act(self._link_form, frozenset({"open", "lesson"})),
        }

    def open_row(self, row: Row) -> None:
        if row.item.complaints:
            self.app.open_complaint(row.item.complaints[0])

    def _new_form(self, _row) -> FormSpec:
        services = self.services

        def submit(values):
            refs = split_references(values.pop("complaints"))
            return services.run(learning.record_lesson, complaints=refs, **values)

        return FormSpec(
            title="Record a lesson learned (Code 9.1)",
            fields=[
                FieldSpec("theme", "Theme", suggestions=THEMES),
                FieldSpec("lesson", "What was learned", "long"),
                FieldSpec("improvement", "The service improvement it leads to", "long"),
                FieldSpec("due_on", "Improvement in place by", "date", default=services.today + relativedelta(months=2)),
                FieldSpec("recorded_on", "Recorded on", "date", default=services.today),
                FieldSpec("complaints", "Complaints that taught it (references)", default=self.complaint_reference or ""),
            ],
            submit=submit, today=lambda: services.today,
            done_message=lambda lesson_id: f"Lesson L{lesson_id} recorded",
        )

    def _done_form(self, row: Row) -> FormSpec:
        lesson = row.item.lesson
        return FormSpec(
            title=f"In place: {lesson.improvement}",
            fields=[FieldSpec("done_on", "In place on", "date", default=self.services.today)],
            submit=lambda values: self.services.run(learning.complete_improvement, lesson.id,
                                                    expected_version=lesson.version, **values),
            today=lambda: self.services.today, done_message=lambda _r: "Improvement recorded as in place",
        )

    def _link_form(self, row: Row) -> FormSpec:
        lesson = row.item.lesson
        return FormSpec(
            title=f"Another complaint that taught: {lesson.lesson}",
            fields=[FieldSpec("complaints", "Complaint reference", default=self.complaint_reference or "")],
            submit=lambda values: self.services.run(learning.link_lesson, lesson.id,
                                                    (values["complaints"] or "").strip().upper()),
            today=lambda: self.services.today, done_message=lambda _r: "Linked",
        )
