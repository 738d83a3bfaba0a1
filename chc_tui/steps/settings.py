"""Landlord settings read from the database: region and closure days drive the calendar."""

from __future__ import annotations

import json
from datetime import date
from typing import Iterable

from sqlalchemy import event
from sqlmodel import Session, select

from chc_tui.rules.calendar import DEFAULT_REGION, REGIONS, UnknownRegion, WorkingCalendar
from chc_tui.steps.transaction_cache import forget, kept
from store.models import ClosureDay, Setting

REGION_KEY = "region"
LANDLORD_NAME_KEY = "landlord_name"
STOCK_TYPES_KEY = "stock_types"  # the TSM stock types the landlord has (issue 18.6)


# The settings this transaction has read, key -> stored JSON text (None: no such row).
# A letter reads a dozen settings and a demo build drafts hundreds of letters: each was a
# query of its own (issue 22). Kept only while the transaction (or savepoint) that read
# them lasts, so another handler's change is seen by the next one, and a rolled-back
# change is never served; put_setting writes through.
_READ = "chc_settings_read"


def _read(session: Session) -> dict[str, str | None]:
    return kept(session, _READ)


def read_settings(session: Session, keys: Iterable[str]) -> None:
    """Read these settings in one query, for the get_setting calls that follow."""
    cache = _read(session)
    wanted = [key for key in dict.fromkeys(keys) if key not in cache]
    if not wanted:
        return
    found = dict(session.exec(select(Setting.key, Setting.value).where(Setting.key.in_(wanted))).all())
    cache.update((key, found.get(key)) for key in wanted)


def get_setting(session: Session, key: str, default=None):
    cache = _read(session)
    if key not in cache:
        read_settings(session, (key,))
    text = cache[key]
    return default if text is None else json.loads(text)  # a fresh value: callers may change it


def put_setting(session: Session, key: str, value) -> None:
    row = session.get(Setting, key)
    text = json.dumps(value)
    if row is None:
        session.add(Setting(key=key, value=text))
    else:
        row.value = text
    _read(session)[key] = text


@event.listens_for(Session, "after_transaction_end")
def _forget_settings_read(session: Session, _transaction) -> None:
    forget(session, _READ)


@event.listens_for(Session, "do_orm_execute")
def _forget_on_bulk_change(state) -> None:
    if state.is_delete or state.is_update:  # e.g. the importer's journal, deleted by key
        forget(state.session, _READ)


def region(session: Session) -> str:
    return get_setting(session, REGION_KEY, DEFAULT_REGION)


def stock_types(session: Session) -> tuple[str, ...]:
    """The landlord's stock types (LCRA, LCHO), in the Regulator's order; LCRA only until set."""
    from chc_tui.rules.tenure import DEFAULT_STOCK_TYPES, parse_stock_types

    types, _unknown = parse_stock_types(get_setting(session, STOCK_TYPES_KEY) or ())
    return types or DEFAULT_STOCK_TYPES


def closure_days(session: Session) -> dict[date, str]:
    return {row.day: row.note for row in session.exec(select(ClosureDay))}


# The calendars made so far, by what makes them: one is reused while the region and the
# closure days stay the same, so its running counts of working days are built once per
# session, not on every read (the panel's other due dates span a dozen years: ~15 ms).
_CALENDARS: dict[tuple, WorkingCalendar] = {}


def load_calendar(session: Session) -> WorkingCalendar:
    region_name, closures = region(session), closure_days(session)
    key = (region_name, tuple(sorted(closures.items())))
    calendar = _CALENDARS.get(key)
    if calendar is None:
        if len(_CALENDARS) >= 8:  # a long session's edits to the closure days: keep a few
            _CALENDARS.clear()
        calendar = _CALENDARS[key] = WorkingCalendar(region=region_name, closure_days=closures)
    return calendar


def check_region(value: str) -> str:
    if value not in REGIONS:
        raise UnknownRegion(value)
    return value
