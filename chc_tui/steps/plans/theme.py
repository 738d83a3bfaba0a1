"""A complaint's theme and root cause (Code 9.1-9.4), as a plan of the values it replaces:
learning.set_theme calls it on the complaint it loads, the demo's wider record on the
complaints it holds as values (chc_tui.demo.wider_record)."""

from __future__ import annotations

from typing import Any, Mapping

from chc_tui.steps.plans.checks import Checks
from chc_tui.steps.plans.follow_up import FollowUpPlan


def check_theme(theme: str) -> None:
    """Refused before anything is read or written: a theme is named (9.4)."""
    checks = Checks()
    checks.required("theme", theme, "the theme", "9.4")
    checks.raise_if_any()


def plan_theme(complaint: Mapping[str, Any], *, theme: str, root_cause: str) -> FollowUpPlan:
    """The complaint's new theme and root cause (after `check_theme`), and its audit entry."""
    changes = {"theme": theme.strip(), "root_cause": root_cause.strip()}
    before = {"theme": complaint["theme"], "root_cause": complaint["root_cause"]}
    return FollowUpPlan(changes, "theme and root cause", dict(changes), before)
