"""F4: the landlord's settings, entered once: the details every letter and report uses,
the Ombudsman's contact details, the region's bank holidays, closure days, the stock types
(LCRA, LCHO) and the homes owned, in total and per stock type.
Each group is changed through its own form and use-case."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from chc_tui.rules import financial_year
from chc_tui.rules.calendar import REGION_NAMES
from chc_tui.steps import usecases
from chc_tui.rules.domain import StepRefused
from chc_tui.rules.tenure import STOCK_TYPE_LABELS, STOCK_TYPES
from screens.app_type import ChcScreen
from screens.keybar import KeyBar
from screens.titlebar import TitleBar
from screens.format import d, plain
from screens.forms import FieldSpec, FormSpec, StepForm
from chc_tui.wording import counted

OMBUDSMAN_NOTE = (
    "Since 13 January 2026 the Ombudsman no longer takes new cases by email, so letters lead "
    "with the online form and the telephone number."
)
# (what a handler reads, what is stored): the settings screen's and the set-up form's choice
REGION_CHOICES = [(name, region) for region, name in REGION_NAMES.items()]


class SettingsScreen(ChcScreen):
    TITLE = "Settings"
    BINDINGS = [
        Binding("escape,backspace", "back", "Back", id="settings.back"),
        Binding("e", "edit_landlord", "Landlord details", id="settings.landlord"),
        Binding("g", "region", "Region", id="settings.region"),
        Binding("h", "homes", "Homes owned", id="settings.homes"),
        Binding("s", "stock_types", "Stock types", id="settings.stock_types"),
        Binding("a", "add_closure", "Add closure day", id="settings.add_closure"),
        Binding("x", "remove_closure", "Remove closure day", id="settings.remove_closure"),
    ]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="settings-scroll"):
            yield Static("", id="settings")
        yield KeyBar()

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#settings-scroll").focus()

    def reload(self) -> None:
        self.overview = self.app.services.settings_overview()
        self.query_one("#settings", Static).update(self._overview_table())

    def _overview_table(self) -> Table:
        from chc_tui.steps.landlord import LABELS

        o = self.overview
        table = Table.grid(padding=(0, 1))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(ratio=1)
        table.add_row(Text("Landlord (e)", style="bold underline"), "")
        for name, label in LABELS.items():
            value = getattr(o["landlord"], name)
            table.add_row(plain(label), plain(value) if value else Text("not set", style="italic"))
        table.add_row("", Text(OMBUDSMAN_NOTE, style="dim"))
        table.add_row("", "")
        region = REGION_NAMES.get(o["region"], o["region"])
        table.add_row(Text("Calendar", style="bold underline"), "")
        table.add_row(plain("Bank holidays of (g)"), plain(region))
        days = ", ".join(f"{d(day)}{f' ({note})' if note else ''}" for day, note in o["closure_days"]) or "none"
        table.add_row(plain("Closure days (a / x)"), plain(days))
        table.add_row("", "")
        table.add_row(Text("Annual report (s / h)", style="bold underline"), "")
        table.add_row(plain("Stock types (s)"), plain(", ".join(f"{t} ({STOCK_TYPE_LABELS[t]})" for t in o["stock_types"])))
        not_set = Text("not set", style="italic")
        for year, homes in o["homes"].items():
            table.add_row(f"Homes owned {financial_year.label(year)}", str(homes) if homes else not_set)
            for stock_type, of_type in o["homes_by_type"][year].items():
                if len(o["stock_types"]) > 1 or of_type:  # one stock type: the total is its homes
                    table.add_row(f"  of them {stock_type}", str(of_type) if of_type else not_set)
        return table

    def _form(self, spec: FormSpec) -> None:
        def done(result) -> None:
            if result is not None:
                self.notify(spec.done_message(result), timeout=4, markup=False)
            self.reload()

        self.app.push_screen(StepForm(spec), done)

    def action_edit_landlord(self) -> None:
        from chc_tui.steps.landlord import LABELS

        landlord = self.overview["landlord"]
        services = self.app.services
        long_fields = {"address", "signature", "ombudsman_address"}
        fields = [
            FieldSpec(name, label, "long" if name in long_fields else "text", default=getattr(landlord, name))
            for name, label in LABELS.items()
        ]

        def submit(values: dict[str, Any]):
            return services.update_landlord(**values)

        self._form(FormSpec(
            title="The landlord's details", intro=OMBUDSMAN_NOTE, fields=fields, submit=submit,
            today=lambda: services.today,
            done_message=lambda changed: f"{counted(len(changed), 'detail')} changed" if changed else "Nothing changed",
        ))

    def action_region(self) -> None:
        services = self.app.services

        def submit(values: dict[str, Any]):
            return services.run(usecases.set_region, values["region"] or "")

        self._form(FormSpec(
            title="Whose bank holidays count",
            intro="Due dates already fixed keep their days; only new ones use the new region.",
            fields=[FieldSpec("region", "Region", "choice", default=self.overview["region"], choices=REGION_CHOICES)],
            submit=submit, today=lambda: services.today, done_message=lambda _: "Region saved",
        ))

    def action_homes(self) -> None:
        services = self.app.services
        years = list(self.overview["homes"])

        def submit(values: dict[str, Any]):
            try:
                year = int(str(values["year"]).split("/")[0])
            except ValueError:
                raise StepRefused("give the year the financial year starts in, for example 2025", "year") from None
            homes = str(values["homes"]).replace(",", "").strip()
            if not homes.isdigit():
                raise StepRefused("give the number of homes as a whole number", "homes")
            stock_type = values.get("stock_type") or "total"
            return services.set_homes_owned(year, int(homes), None if stock_type == "total" else stock_type)

        types = self.overview["stock_types"]
        fields = [
            FieldSpec("year", "Financial year starting in", default=str(years[-1])),
            FieldSpec("homes", "Homes owned", default=str(self.overview["homes"][years[-1]] or "")),
        ]
        if len(types) > 1:  # with one stock type, the total is that type's homes
            fields.append(FieldSpec("stock_type", "Of", "choice", default="total",
                                    choices=[("all the homes (the total)", "total"),
                                             *((f"{t}: {STOCK_TYPE_LABELS[t]}", t) for t in types)]))
        self._form(FormSpec(
            title="Homes owned (the annual report divides complaints by it)",
            fields=fields,
            submit=submit, today=lambda: services.today, done_message=lambda _: "Homes owned saved",
        ))

    def action_stock_types(self) -> None:
        from chc_tui.figures.report_texts import set_stock_types

        services = self.app.services
        have = self.overview["stock_types"]

        def submit(values: dict[str, Any]):
            return services.run(set_stock_types, [t for t in STOCK_TYPES if values[t]])

        self._form(FormSpec(
            title="The landlord's stock types (TSM CH01 and CH02 are reported for each)",
            fields=[FieldSpec(t, f"{t}: {STOCK_TYPE_LABELS[t]}", "bool", default=t in have) for t in STOCK_TYPES],
            submit=submit, today=lambda: services.today,
            done_message=lambda chosen: f"Stock types: {', '.join(chosen)}",
        ))

    def action_add_closure(self) -> None:
        services = self.app.services

        def submit(values: dict[str, Any]):
            return services.run(usecases.add_closure_day, values["day"], note=values["note"])

        self._form(FormSpec(
            title="Add a day the office is shut",
            intro="Due dates already fixed do not move; new ones skip this day.",
            fields=[FieldSpec("day", "Day", "date"), FieldSpec("note", "Why", placeholder="e.g. Christmas shutdown")],
            submit=submit, today=lambda: services.today, done_message=lambda _: "Closure day added",
        ))

    def action_remove_closure(self) -> None:
        services = self.app.services
        days = self.overview["closure_days"]

        def submit(values: dict[str, Any]):
            return services.run(usecases.remove_closure_day, values["day"])

        self._form(FormSpec(
            title="Remove a closure day",
            fields=[FieldSpec("day", "Day", "date", default=days[-1][0] if days else "")],
            submit=submit, today=lambda: services.today, done_message=lambda _: "Closure day removed",
        ))

    def action_back(self) -> None:
        self.app.pop_screen()
