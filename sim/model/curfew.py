"""The night rule: no house search may start inside a nightly ban window.

Belgium's law of 7 June 1969 (art. 1) forbade house searches between 21:00 and 05:00, with
exceptions (caught in the act, fire, drug trafficking) but none for terrorism until the law of 27
April 2016 (in force 19 May 2016) exempted terrorist offences (docs/sources.md §3). A raid that
would start inside the window is deferred to the window's end; the raid office may contain the
address overnight meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.core.clock import Calendar


@dataclass(frozen=True, slots=True)
class NightRule:
    """A daily ban window on house searches and the cases exempt from it.

    Attributes:
        calendar: maps model hours to the hour of day.
        ban_from: hour of day the ban starts (21.0 for 21:00).
        ban_until: hour of day it ends (5.0 for 05:00); before ``ban_from`` means past midnight.
        exempt_from: model time from which the scenario's case is exempt (``inf``: never exempt,
            ``-inf`` or any time before 0: always exempt).
    """

    calendar: Calendar
    ban_from: float
    ban_until: float
    exempt_from: float = float("inf")

    def __reduce__(self) -> tuple[type[NightRule], tuple[object, ...]]:
        # Rebuilt from its parameters: a compiled (mypyc) frozen class cannot be
        # unpickled field by field, and a pool worker receives it pickled.
        return NightRule, (
            self.calendar,
            self.ban_from,
            self.ban_until,
            self.exempt_from,
        )

    @property
    def length(self) -> float:
        """Hours the window lasts each night."""
        return (self.ban_until - self.ban_from) % 24

    def applies(self, t: float) -> bool:
        """True when the rule binds this case at model time ``t`` (not yet exempt)."""
        return t < self.exempt_from

    def in_ban(self, t: float) -> bool:
        """True when model time ``t`` falls inside the ban window and the rule applies."""
        if not self.applies(t) or self.length == 0:
            return False
        since_start = (self.calendar.hour_of_day(t) - self.ban_from) % 24
        return since_start < self.length

    def deferral(self, t: float) -> float:
        """Hours a search due at model time ``t`` must wait (0 outside the window).

        The wait ends at the window's end or at the moment the exemption comes into force,
        whichever is first.
        """
        if not self.in_ban(t):
            return 0.0
        since_start = (self.calendar.hour_of_day(t) - self.ban_from) % 24
        wait = self.length - since_start
        return min(wait, max(self.exempt_from - t, 0.0))
