"""The post run (issue 21.2): the letters waiting to be posted; `w` writes the run as Word
and PDF (an address page for a DL window envelope before each letter), `p` marks the run
written as posted; `e` emails the letters waiting to go by email. The same services as `chc post-run`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual import work
from textual.binding import Binding

from chc_tui.rules.domain import StepRefused
from chc_tui.wording import counted
from screens.format import short
from screens.forms import FieldSpec, FormSpec
from screens.records import Act, Listing, RecordsScreen, Row
from screens.sent_letters import kind_label


class PostRunScreen(RecordsScreen):
    BINDINGS = [
        Binding("w", "act('write')", "Write the run", id="post_run.write"),
        Binding("p", "act('mark')", "Mark posted", id="post_run.mark"),
        Binding("e", "email", "Email the waiting", id="post_run.email"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.written: list[int] | None = None  # the letters in the run last written here

    def listing(self) -> Listing:
        run = self.services.post_run_letters()
        self.run_now = run
        self.title = "Post run"
        self.sub_title = "letters waiting to be posted · w writes the run (.docx and .pdf) · p marks it posted"
        count = len(run.letters)
        summary = Text.assemble((f"{count} letter{'s' if count != 1 else ''} to post", "bold"))
        if run.no_address:
            summary.append(f" · {len(run.no_address)} with no address recorded: not in the run", style="bold red")
        if self.written is not None:
            summary.append(f" · run written with letters {', '.join(map(str, self.written))}", style="green")
        rows = [
            Row(f"letter:{w.letter.id}", (str(w.letter.id), w.reference, short(w.letter.sent_on),
                                          kind_label(w.letter.kind), w.resident_name,
                                          w.address.splitlines()[0] if w.address else ""), w, "in")
            for w in run.letters
        ] + [
            Row(f"letter:{w.letter.id}", (str(w.letter.id), w.reference, short(w.letter.sent_on),
                                          kind_label(w.letter.kind), w.resident_name,
                                          Text("no address: record one", style="bold red")), w, "out")
            for w in run.no_address
        ]
        columns = (("Id", 5), ("Ref", 12), ("Sent", 8), ("Letter", 24), ("To", 18), ("Address", None))
        return Listing(summary, columns, rows, "No letters are waiting to be posted.")

    def acts(self) -> dict[str, Act]:
        return {"write": Act(self._write_form), "mark": Act(self._mark_form)}

    def open_row(self, row: Row) -> None:
        self.app.open_complaint(row.item.reference)

    def action_email(self) -> None:
        """Send every letter waiting to go by email (chc_tui.mail.letter_run), off the screen's thread."""
        self.app.notify("Emailing the letters waiting to go by email…", timeout=3)
        self._email()

    @work(thread=True, exclusive=True, group="post-run-email")
    def _email(self) -> None:
        from chc_tui.mail.letter_run import email_waiting_letters
        from chc_tui.mail.ready import ready_to_send

        problems: list[str] = []
        ready = ready_to_send(self.services, problems.append)
        if ready is None:
            self.app.call_from_thread(self.app.notify, "Nothing emailed: " + " ".join(problems), severity="error",
                                      timeout=12, markup=False)
            return
        run = email_waiting_letters(self.services, *ready)
        failures = [f"letter {x.letter_id} ({x.reference}): {x.failure}" for x in run.letters if not x.sent]
        said = run.summary() if run.letters else "No letter is waiting to go by email."
        self.app.call_from_thread(self.app.notify, "\n".join([said, *failures[:3]]),
                                  severity="error" if failures else "information", timeout=12, markup=False)
        self.app.call_from_thread(self.app.refresh_views)

    def _write_form(self, _row) -> FormSpec:
        services = self.services

        def target(values: dict[str, Any]) -> Path:
            from chc_tui.documents.post_run import run_paths

            path = Path((values.get("path") or "").strip() or f"post-run-{services.today:%Y-%m-%d}").expanduser()
            return run_paths(path if path.is_absolute() else Path.cwd() / path)[0]

        def submit(values: dict[str, Any]):
            docx = target(values)
            if not docx.parent.is_dir():
                raise StepRefused(f"there is no folder {docx.parent}", "path")
            try:
                run = services.write_post_run(docx, values.get("on"))
            except OSError as exc:
                raise StepRefused(f"could not write {docx}: {exc.strerror or exc}", "path") from None
            if not run.letters:
                raise StepRefused("no letters are waiting to be posted: nothing written", "on")
            self.written = run.letter_ids
            return run

        return FormSpec(
            title="Write the post run: every letter waiting to be posted, as .docx and .pdf",
            fields=[
                FieldSpec("on", "The run's date", "date", default=services.today),
                FieldSpec("path", "File (both .docx and .pdf are written)", default=f"post-run-{services.today:%Y-%m-%d}",
                          help="a relative path is from the folder chc started in"),
            ],
            submit=submit,
            preview=lambda values: f"Writes {target(values)} and {target(values).with_suffix('.pdf')}",
            today=lambda: services.today,
            done_message=lambda run: (f"Post run of {counted(len(run.letters), 'letter')} written: "
                                      + " and ".join(str(p) for p in run.paths)),
        )

    def _mark_form(self, _row) -> FormSpec:
        services = self.services
        ids = self.written

        def submit(values: dict[str, Any]):
            posted = services.mark_posted(values.get("on"), ids)
            self.written = None  # that run is done
            return posted

        which = (f"the letters in the run written here ({', '.join(map(str, ids))})" if ids is not None
                 else "every letter in the run")
        return FormSpec(
            title=f"Mark posted: {which}",
            fields=[FieldSpec("on", "Posted on", "date", default=services.today)],
            submit=submit,
            today=lambda: services.today,
            done_message=lambda posted: f"{counted(len(posted.letter_ids), 'letter')} marked posted on {posted.posted_on:%d/%m/%Y}",
        )
