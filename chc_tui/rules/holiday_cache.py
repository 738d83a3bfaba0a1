"""A per-machine note of the region's bank holidays for the years the records reach, so the
first paint can count working days without loading the `holidays` package (a quarter
of a second). Written after the full start when it does not already cover them; keyed by
the `holidays` version so an upgrade that adds a one-off day is never masked. Losing the
file costs only speed."""

from __future__ import annotations

import json
import os
import tempfile
from datetime import date
from pathlib import Path

YEARS_AROUND = 2  # today's year, two before (overdue items) and two after (due dates)
# Kept as well, back to: the panel paints every open item's working days, and an open
# service request or action can be years old (the bench's ten years of records have open
# ones from 2016): a year missing here loaded `holidays` at the first paint (0.14-0.24 s).
YEARS_KEPT_BEFORE = 12


def _kept(today: date) -> range:
    return range(today.year - YEARS_KEPT_BEFORE, today.year + YEARS_AROUND + 1)


def cache_path() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("chc-tui", appauthor=False)) / "bank-holidays.json"


def _holidays_version() -> str:
    """The installed `holidays` release, from the name of its dist-info folder beside it
    ("holidays-0.109.dist-info"): importlib.metadata would cost more at start-up (about
    10 ms) than the whole early read it serves."""
    import importlib.util

    spec = importlib.util.find_spec("holidays")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        try:
            with os.scandir(Path(folder).parent) as entries:
                for entry in entries:
                    if entry.name.startswith("holidays-") and entry.name.endswith((".dist-info", ".egg-info")):
                        return entry.name.removeprefix("holidays-").rsplit(".", 1)[0]
        except OSError:
            pass
    from importlib.metadata import version  # installed some other way

    return version("holidays")


def load(region: str, today: date, path: Path | None = None) -> dict[int, dict[date, str]] | None:
    """The cached years for `region`, or None when missing, stale or unreadable."""
    try:
        data = json.loads((path or cache_path()).read_text())
        if data.get("holidays_version") != _holidays_version():
            return None
        years = data["regions"][region]
        known = {
            int(year): {date.fromisoformat(day): name for day, name in days.items()}
            for year, days in years.items()
        }
    except (OSError, ValueError, KeyError, TypeError):
        return None
    wanted = range(today.year - YEARS_AROUND, today.year + YEARS_AROUND + 1)
    return known if all(year in known for year in wanted) else None


def save(calendar, today: date, path: Path | None = None) -> None:
    """Write the calendar's bank holidays for the years kept around `today`, unless the file
    already holds them (atomically; errors ignored)."""
    path = path or cache_path()
    try:
        try:
            data = json.loads(path.read_text())
            if data.get("holidays_version") != _holidays_version():
                raise ValueError
            if all(str(year) in data["regions"].get(calendar.region, {}) for year in _kept(today)):
                return  # nothing to add: no rewrite at every start
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            data = {"holidays_version": _holidays_version(), "regions": {}}
        data["regions"][calendar.region] = {
            str(year): {day.isoformat(): name for day, name in calendar.bank_holidays_in(year).items()}
            for year in _kept(today)
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".bank-holidays")
        with os.fdopen(handle, "w") as out:
            json.dump(data, out)
        os.replace(tmp, path)
    except OSError:
        pass
