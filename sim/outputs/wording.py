"""How a difference is said: a direction only when its interval excludes zero.

Every headline, table and sentence that compares two setups goes through here, so that none states
"more often" on an interval that also allows "less often". An interval that covers zero is said
as **no clear difference**, with the estimate and the interval beside it for the reader who wants
them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.scenario.schema import Scenario

#: What an interval covering zero is called, everywhere.
NO_CLEAR_DIFFERENCE = "no clear difference"


def is_clear(ci95: tuple[float, float]) -> bool:
    """True when the interval lies wholly on one side of zero."""
    low, high = ci95
    return low > 0 or high < 0


def verdict(ci95: tuple[float, float], more: str = "more often", less: str = "less often") -> str:
    """The direction an interval supports: ``more``, ``less`` or "no clear difference"."""
    if not is_clear(ci95):
        return NO_CLEAR_DIFFERENCE
    return more if ci95[0] > 0 else less


def points(diff: float, ci95: tuple[float, float], more: str = "more", less: str = "less") -> str:
    """A difference of probabilities in percentage points, with a direction only when clear.

    ``"33.0 points more often"``, or ``"no clear difference (-6.7 points)"`` when the interval
    covers zero.
    """
    if not is_clear(ci95):
        return f"{NO_CLEAR_DIFFERENCE} ({100 * diff:+.1f} points)"
    word = more if ci95[0] > 0 else less
    return f"{abs(100 * diff):.1f} points {word} often"


def captured_label(scenario: Scenario) -> str:
    """What a table calls the share of runs that end with him held, in the scenario's words.

    Without ``outcome`` words, "captured within 126 days"; with them (a deadline question),
    "detained before the attack (by 22 Mar 2016 07:58, the airport attack)": the words, the date
    the horizon falls on, and what the horizon is (docs/scenarios.md, the outcome's words).
    """
    words = scenario.outcome
    if words.captured == "captured" and words.horizon is None:
        return f"captured within {scenario.horizon / 24:g} days"
    end: datetime = scenario.start + timedelta(hours=scenario.horizon)
    what = f", {words.horizon}" if words.horizon else ""
    return f"{words.captured} (by {end:%d %b %Y %H:%M}{what})"
