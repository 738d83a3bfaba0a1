"""What every command reads the same way: the day it acts on, and a typed date. Light at
import (`chc --help` must not load the ORM)."""

from __future__ import annotations

import argparse
from datetime import date


def today() -> date:
    """The day the CLI acts on (a test fixes it here, for every command at once)."""
    return date.today()


def date_arg(text: str) -> date:
    """argparse's type for a date: day first, 'today' and 'yesterday' from `today()`; a bad
    date is argparse's own one-line error beside the option."""
    from chc_tui.rules.dates import DateParseError, parse_date

    try:
        return parse_date(text, today())
    except DateParseError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
