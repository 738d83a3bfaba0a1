"""The staff register (issue 17): who may act, with which roles and logins, and who letters
are signed by. Admins add, edit and deactivate; anyone may correct their own details; a
login not on the register sees it read-only, with who to ask."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding

from chc_tui.rules.staff_roles import ROLE_NAMES, Role
from chc_tui.steps import staff as staff_steps
from chc_tui.steps.identity import ask_an_admin
from screens.confirm import ConfirmScreen
from screens.format import short
from screens.forms import FieldSpec, FormSpec
from screens.records import Act, Listing, RecordsScreen, Row

ROLES_HELP = f"comma-separated: {', '.join(ROLE_NAMES)}"


def split_words(text: str) -> list[str]:
    """"alice, a.smith" or "alice a.smith": the logins or roles typed in one field."""
    return [w for w in text.replace(",", " ").split() if w]


class StaffScreen(RecordsScreen):
    BINDINGS = [
        Binding("a", "act('add')", "Add", id="staff.add"),
        Binding("e", "act('edit')", "Edit", id="staff.edit"),
        Binding("d", "deactivate", "Deactivate", id="staff.deactivate"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.me = None  # the StaffMember this login is, read with the list

    def listing(self) -> Listing:
        self.title = "Staff register"
        self.sub_title = "who may act, their roles and logins · letters are signed by the display name"
        people = self.services.staff()
        self.me = self.services.me()
        today = self.services.today
        active = sum(p.active_on(today) for p in people)
        summary = Text.assemble((f"{len(people)} on the register", "bold"), f" · {active} active")
        if self.me is None:
            summary.append("\n" + ask_an_admin(self.services.actor), style="bold yellow")
        elif not self._admin():
            summary.append(f"\nYou are {self.me.display_name}: you may correct your own details; "
                           "an admin adds, deactivates and gives roles.", style="dim")
        rows = []
        for p in people:
            state = (Text(f"from {short(p.active_from)}") if p.active_on(today)
                     else Text(f"left {short(p.active_to)}" if p.active_to else f"from {short(p.active_from)}", style="dim"))
            title = p.display_name + (f", {p.job_title}" if p.job_title else "") + (f" · {p.team}" if p.team else "")
            rows.append(Row(f"staff:{p.id}", (str(p.id), title, ", ".join(p.logins), ", ".join(r.value for r in p.roles), state),
                            p, "active" if p.active_to is None else "gone"))
        columns = (("Id", 4), ("Name, title", None), ("Logins", 14), ("Roles", 22), ("Active", 14))
        return Listing(summary, columns, rows, "Nobody is on the register yet.")

    def _admin(self) -> bool:
        return self.me is not None and self.me.has(Role.ADMIN)

    def _may_edit(self, row: Row | None) -> bool:
        return row is not None and (self._admin() or (self.me is not None and row.item.id == self.me.id))

    def acts(self) -> dict[str, Act]:
        return {
            "add": Act(self._add_form, when=lambda _row: self._admin()),
            "edit": Act(self._edit_form, frozenset({"active", "gone"}), when=self._may_edit),
        }

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "deactivate":
            row = self.selected()
            return self._admin() and row is not None and row.kind == "active"
        return super().check_action(action, parameters)

    def open_row(self, row: Row) -> None:
        if self._may_edit(row):
            self.action_act("edit")

    def _fields(self, person=None) -> list[FieldSpec]:
        def value(name, default=""):
            return getattr(person, name) if person is not None else default

        fields = [
            FieldSpec("display_name", "Display name (letters are signed with it)", default=value("display_name")),
            FieldSpec("job_title", "Job title", default=value("job_title")),
            FieldSpec("email", "Email", default=value("email")),
            FieldSpec("phone", "Phone", default=value("phone")),
        ]
        if self._admin():
            fields += [
                FieldSpec("team", "Team", default=value("team"),
                          help="the team they work in, for the report's figures per team; blank for none"),
                FieldSpec("logins", "Logins that are this person", default=", ".join(value("logins", ())),
                          help="one or more, comma-separated: one login is one person"),
                FieldSpec("roles", "Roles", default=", ".join(r.value for r in value("roles", (Role.HANDLER,))),
                          help=ROLES_HELP),
            ]
        return fields

    @staticmethod
    def _lists(values: dict) -> dict:
        for name in ("logins", "roles"):
            if name in values:
                values[name] = split_words(values[name] or "")
        return values

    def _add_form(self, _row) -> FormSpec:
        def submit(values):
            return self.services.run(staff_steps.add_staff, **self._lists(values))

        return FormSpec(title="Add someone to the staff register", fields=self._fields(), submit=submit,
                        today=lambda: self.services.today, done_message=lambda staff_id: f"Staff member {staff_id} added")

    def _edit_form(self, row: Row) -> FormSpec:
        person = row.item
        spec = self.step_form(f"Edit {person.display_name} (staff member {person.id})", self._fields(person),
                              staff_steps.edit_staff, person.id, done=f"{person.display_name} saved",
                              expected_version=person.version)
        plain = spec.submit
        spec.submit = lambda values: plain(self._lists(values))
        return spec

    def action_deactivate(self) -> None:
        row = self.selected()
        if row is None or not self.check_action("deactivate", ()):
            return
        person = row.item

        def decided(yes: bool | None) -> None:
            if not yes:
                return
            from chc_tui.rules.domain import StepRefused

            try:
                self.services.run(staff_steps.deactivate_staff, person.id)
            except StepRefused as refused:
                self.app.notify(f"Not deactivated: {refused}", severity="error", timeout=8, markup=False)
                return
            self.app.refresh_views()  # this screen too
            self.app.notify(f"{person.display_name} deactivated from tomorrow", timeout=6, markup=False)

        self.app.push_screen(
            ConfirmScreen(f"Deactivate {person.display_name}? From tomorrow they cannot save or be assigned; "
                          "their past work keeps their name.", yes="Deactivate", no="Keep"),
            decided,
        )
