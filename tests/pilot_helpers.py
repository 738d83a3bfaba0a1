"""What the Pilot journeys of the letters' and mail's tests share: waiting for a condition
on the screen, never for a fixed time (CI runs two workers on two cores)."""

from __future__ import annotations


async def wait_for(pilot, condition, what: str, tries: int = 300) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError(f"timed out waiting for {what}; screen is {pilot.app.screen!r}")
