"""The annual report's entered parts and settings, written as use-cases: each validates,
writes and audits in one transaction, like every step in chc_tui.steps.usecases.

- the texts of Code 8.1(c), (d), (e), (f) and the governing body's response (8.2);
- the homes owned in a financial year, which CH01 divides by: in total, and per stock type;
- the landlord's stock types (LCRA, LCHO), that CH01 and CH02 are reported by (issue 18.6).
"""

from __future__ import annotations

from typing import Mapping

from sqlmodel import select

from chc_tui.rules.context import StepContext
from chc_tui.steps.identity import acting_write
from chc_tui.rules.domain import StaleRecord, StepRefused
from chc_tui.figures.report import TEXT_PART_NAMES, homes_key, year_label
from chc_tui.rules.tenure import STOCK_TYPES, parse_stock_types
from chc_tui.steps.settings import STOCK_TYPES_KEY, get_setting, put_setting, stock_types
from chc_tui.steps.usecases import _audit
from chc_tui.wording import counted
from store.engine import Database
from store.models import ReportText, Resident, utcnow

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_HOMES = 1_000_000
MAX_TEXT = 20_000


def _check_year(year) -> None:
    if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise StepRefused(f"the year must be a financial year's starting year, such as 2024, not {year!r}", "year")


def _check_part(part: str, field: str = "part") -> None:
    if part not in TEXT_PART_NAMES:
        raise StepRefused(f"unknown part {part!r}: choose one of {', '.join(TEXT_PART_NAMES)}", field)


def _put_text(session, ctx: StepContext, year: int, part: str, text: str, expected_version: int | None) -> int:
    if not isinstance(text, str):
        raise StepRefused(f"the text must be text, not {text!r}", part)
    clean = text.strip()
    if len(clean) > MAX_TEXT:
        raise StepRefused(f"the text is {len(clean):,} characters; keep it under {MAX_TEXT:,}", part)
    row = session.exec(select(ReportText).where(ReportText.year == year, ReportText.part == part)).first()
    current = row.version if row is not None else 0
    if expected_version is not None and expected_version != current:
        raise StaleRecord(
            f"the {part.replace('_', ' ')} text for {year_label(year)} was changed by someone else since you "
            f"opened it (version {expected_version} -> {current}); reload it and try again",
            part,
        )
    if row is not None and row.text == clean:
        return row.version  # nothing changed: no new version, no audit entry
    if row is None:
        row = ReportText(year=year, part=part, text=clean, changed_by=ctx.actor, version=1)
    else:
        row.text = clean
        row.changed_by = ctx.actor
        row.changed_at = utcnow()
        row.version += 1
    session.add(row)
    _audit(session, ctx, "report text", None, {"year": year, "part": part, "text": clean, "version": row.version})
    return row.version


def set_report_text(
    db: Database,
    *,
    year: int,
    part: str,
    text: str,
    expected_version: int | None = None,
    ctx: StepContext | None = None,
) -> int:
    """Enter or replace one part of the year's report (Code 8.1(c)-(f), 8.2). With
    `expected_version` (0 for "nothing entered yet"), refuses to overwrite another
    handler's newer text. Returns the text's version now."""
    ctx = ctx or StepContext()
    _check_year(year)
    _check_part(part)
    with acting_write(db, ctx) as session:
        return _put_text(session, ctx, year, part, text, expected_version)


def _homes_value(homes) -> int:
    if isinstance(homes, str):
        homes = homes.replace(",", "").strip()
        if not homes.isdigit():
            raise StepRefused(f"homes owned must be a whole number, such as 5035, not {homes!r}", "homes")
        homes = int(homes)
    if isinstance(homes, bool) or not isinstance(homes, int) or not 1 <= homes <= MAX_HOMES:
        raise StepRefused(f"homes owned must be a whole number from 1 to {MAX_HOMES:,}, not {homes!r}", "homes")
    return homes


def _check_stock_type(session, stock_type: str | None) -> str | None:
    """None (the total), or one of the landlord's stock types."""
    if stock_type in (None, ""):
        return None
    name = str(stock_type).strip().upper()
    if name not in STOCK_TYPES:
        raise StepRefused(f"unknown stock type {stock_type!r}: choose one of {', '.join(STOCK_TYPES)}", "stock_type")
    have = stock_types(session)
    if name not in have:
        raise StepRefused(
            f"{name} is not one of the landlord's stock types ({', '.join(have)}): add it first "
            f"(chc settings set stock-types {','.join((*have, name))})", "stock_type")
    return name


def _put_homes(session, ctx: StepContext, year: int, homes: int, stock_type: str | None = None) -> None:
    key = homes_key(year, stock_type)
    before = get_setting(session, key)
    if before == homes:
        return
    put_setting(session, key, homes)
    _audit(session, ctx, "set homes owned", None,
           {"year": year, "homes": homes, "before": before, **({"stock_type": stock_type} if stock_type else {})})


def set_homes_owned(db: Database, *, year: int, homes: int | str, stock_type: str | None = None,
                    ctx: StepContext | None = None) -> None:
    """The number of homes owned in the financial year `year`, that CH01 divides by. Without
    `stock_type`, the landlord's total (CH01 in total; with LCRA as the only stock type, the
    LCRA figure too); with one (LCRA or LCHO, one the landlord has), that type's homes."""
    ctx = ctx or StepContext()
    _check_year(year)
    homes = _homes_value(homes)
    with acting_write(db, ctx) as session:
        _put_homes(session, ctx, year, homes, _check_stock_type(session, stock_type))


def set_stock_types(db: Database, types, *, ctx: StepContext | None = None) -> tuple[str, ...]:
    """Which of the Regulator's stock types the landlord has (LCRA, LCHO or both), that TSM
    CH01 and CH02 are reported by. A type still held as a resident's tenure cannot be
    taken away. Returns the types now."""
    ctx = ctx or StepContext()
    chosen, unknown = parse_stock_types(types)
    if unknown:
        raise StepRefused(f"unknown stock type {', '.join(unknown)}: choose from {', '.join(STOCK_TYPES)} "
                          "(LCRA low cost rental, LCHO low cost home ownership)", "stock_types")
    if not chosen:
        raise StepRefused(f"name at least one stock type: {', '.join(STOCK_TYPES)}", "stock_types")
    with acting_write(db, ctx) as session:
        before = stock_types(session)
        for dropped in (t for t in before if t not in chosen):
            held = session.exec(select(Resident.id).where(Resident.tenure == dropped)).all()
            if held:
                raise StepRefused(f"{counted(len(held), 'resident')} {'has' if len(held) == 1 else 'have'} the tenure {dropped}: change their tenure "
                                  f"before taking {dropped} off the landlord's stock types", "stock_types")
        if get_setting(session, STOCK_TYPES_KEY) != list(chosen):
            put_setting(session, STOCK_TYPES_KEY, list(chosen))
            _audit(session, ctx, "set stock types", None, {"stock_types": list(chosen), "before": list(before)})
        return chosen


def set_report_inputs(
    db: Database,
    *,
    year: int,
    texts: Mapping[str, str],
    expected_versions: Mapping[str, int] | None = None,
    homes: int | str | None = None,
    ctx: StepContext | None = None,
) -> dict[str, int]:
    """The report screen's form: several texts and the homes owned, in one transaction,
    so a refusal (a stale text, a bad number) writes none of them. Returns each part's
    version now."""
    ctx = ctx or StepContext()
    _check_year(year)
    expected_versions = expected_versions or {}
    for part in texts:
        _check_part(part)
    homes_value = None
    if homes not in (None, ""):
        homes_value = _homes_value(homes)
    with acting_write(db, ctx) as session:
        versions = {part: _put_text(session, ctx, year, part, text, expected_versions.get(part)) for part, text in texts.items()}
        if homes_value is not None:
            _put_homes(session, ctx, year, homes_value)
        return versions


SHOW_STAFF_FIGURES_KEY = "report.show_staff_figures"


def set_show_staff_figures(db: Database, value: str | bool, *, ctx: StepContext | None = None) -> bool:
    """Whether the exported report carries the appendix of figures per handler and team
    (issue 20.2); off by default, since it names staff. Returns the setting now."""
    ctx = ctx or StepContext()
    if isinstance(value, bool):
        chosen = value
    elif str(value).strip().lower() in ("yes", "on", "true"):
        chosen = True
    elif str(value).strip().lower() in ("no", "off", "false"):
        chosen = False
    else:
        raise StepRefused(f"show-staff-figures is yes or no, not {value!r}", "show_staff_figures")
    with acting_write(db, ctx) as session:
        before = bool(get_setting(session, SHOW_STAFF_FIGURES_KEY, False))
        if before != chosen:
            put_setting(session, SHOW_STAFF_FIGURES_KEY, chosen)
            _audit(session, ctx, "set show staff figures", None, {"show_staff_figures": chosen, "before": before})
        return chosen
