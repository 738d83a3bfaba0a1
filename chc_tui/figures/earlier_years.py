"""The stages opened in each earlier year of a report's window, kept between reports while
nothing changes (issue 22.6).

A report compares its year's monthly volumes with the two years before and lists every
stage opened in them: two thirds of the stages its window held (28,922 of 42,528 at 100k
complaints), of which nothing else is counted once they were answered before the year.
So they are read apart (store.report_queries.received_between) and kept here, each year
with the stamp it was read at (chc_tui.report_cache.stamp: the database's data_version
moves with every commit, this process's or another's). The year before (`[` on the
report screen, the board's summary) finds two of its three years kept; a count again
of the same year, all of them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Hashable, Sequence

from chc_tui.rules.financial_year import bounds
from store.report_queries import ReceivedFacts, received_between

KEEP_YEARS = 4  # the two before the year shown and the year before that ([): ~10 MB a year at 300k


class EarlierYears:
    """Each earlier year's stages, as read at a stamp."""

    def __init__(self, keep: int = KEEP_YEARS) -> None:
        self.keep = keep
        self._years: OrderedDict[int, tuple[Hashable, Sequence[ReceivedFacts]]] = OrderedDict()
        # the report screen counts in a thread of its own and lets go on the app's
        self._lock = threading.Lock()

    def received(self, session, year: int, current: Hashable) -> Sequence[ReceivedFacts]:
        """The stages opened in `year`: those kept if read at `current`, else read now.
        `current` is taken before the read session begins, so what is kept is never older
        than its stamp (a commit in between moves the stamp: the next count reads again)."""
        with self._lock:
            kept = self._years.get(year)
            if kept is not None and kept[0] == current:
                self._years.move_to_end(year)
                return kept[1]
        rows = received_between(session, *bounds(year))
        with self._lock:
            for stale in [y for y, (read_at, _) in self._years.items() if read_at != current]:
                del self._years[stale]
            self._years[year] = (current, rows)
            while len(self._years) > self.keep:
                self._years.popitem(last=False)
        return rows

    def years(self) -> list[int]:
        with self._lock:
            return list(self._years)

    def keep_only(self, years: Sequence[int]) -> None:
        """Let go of every year but `years` (on leaving the report: its memory)."""
        with self._lock:
            for other in [y for y in self._years if y not in years]:
                del self._years[other]
