"""Raids: from a planned search to a capture, an empty flat or a near miss.

A search goes (DESIGN.md §2.5), as one process, :meth:`RaidOffice._carry_out`: plan → warrant from
the investigating judge (a delay, in the judge's working hours, taking one of the judge's staff) →
a raid team of the planning agency → preparation → the **night rule**: a search due inside the ban
window waits for its end, the address possibly watched overnight (the fugitive's containment) →
the search. If the fugitive is at the address he is captured (or escapes during the raid, as at
Forest on 15 March 2016); otherwise the flat is empty, a *near miss* if he left it shortly
before. Any search is visible: it may alert him if he is nearby.

Two plans for the same address while one is pending are one search (the later tips join it).
Randomness: ``raids.warrant``, ``raids.preparation`` and ``raids.escape``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from sim.core.distributions import Dist
from sim.model.context import Context
from sim.model.curfew import NightRule
from sim.model.desk import Desk
from sim.model.fugitive import Fugitive
from sim.model.loop import Waits, start
from sim.model.observe import Seen
from sim.model.tip import Fate, Tip
from sim.scenario.schema import Raids as RaidsSpec


class Searcher(Protocol):
    """An agency that can search: its name, its raid teams, how long it prepares and searches."""

    name: str
    raid_teams: Desk | None
    raid_prep: Dist
    raid_duration: float


class Raid:
    """One planned search of an address (or of a commune when no address is known)."""

    __slots__ = ("agency", "deferred_h", "house", "place", "planned", "roots", "tip_id")

    def __init__(self, agency: Searcher, tip: Tip, planned: float) -> None:
        self.agency = agency
        self.place = tip.place
        self.house = tip.house
        self.planned = planned
        self.roots: list[Tip] = [tip.root]
        self.tip_id = tip.id
        self.deferred_h = 0.0

    @property
    def address(self) -> str:
        """The searched address, for stories."""
        return f"{self.house} ({self.place})" if self.house else f"an address in {self.place}"


class _Timing:
    """When a team that starts at a given hour is ready, and how long the night ban holds it."""

    __slots__ = ("night_rule", "prep", "ready", "wait")

    def __init__(self, prep: float, night_rule: NightRule | None) -> None:
        self.prep = prep
        self.night_rule = night_rule
        self.ready = 0.0
        self.wait = 0.0

    def busy(self, start: float, duration: float) -> float:
        """Hours the team is busy if it starts at ``start``."""
        self.ready = start + self.prep
        self.wait = self.night_rule.deferral(self.ready) if self.night_rule else 0.0
        return self.prep + self.wait + duration


class RaidOffice:
    """Plans and carries out the searches of one replication.

    Args:
        spec: the scenario's ``raids`` block.
        night_rule: the ban on night searches (None: none).
        fugitive: the person sought.
        ctx: what the replication's components share.
        judge: the investigating judge's desk, when warrants queue for the judge's staff.
        capture: called with (how, by whom) when a search finds him.
    """

    def __init__(
        self,
        spec: RaidsSpec,
        night_rule: NightRule | None,
        fugitive: Fugitive,
        ctx: Context,
        judge: Desk | None,
        capture: Callable[[str, str], None],
    ) -> None:
        self.spec = spec
        self.night_rule = night_rule
        self.fugitive = fugitive
        self.ctx = ctx
        self.judge = judge
        self.capture = capture
        # One stream per purpose (common random numbers: the k-th warrant takes as long in every
        # setup compared, however many preparations or escapes were drawn before it).
        self.warrants = ctx.streams.stream("raids.warrant")
        self.preparations = ctx.streams.stream("raids.preparation")
        self.stream = ctx.streams.stream("raids.escape")
        contained = spec.night_rule.containment if spec.night_rule else None
        self.contains = contained is not None
        self.pending: dict[tuple[str, str | None], Raid] = {}
        self.done: list[tuple[float, Raid, str]] = []

    def plan(self, agency: Searcher, tip: Tip) -> None:
        """``agency`` decides to search the address ``tip`` names."""
        ctx = self.ctx
        key = (tip.place, tip.house)
        pending = self.pending.get(key)
        if pending is not None:
            pending.roots.append(tip.root)
            ctx.seen.note(Seen.RAID_JOINED, tip, agency.name)
            return
        raid = Raid(agency, tip, ctx.now)
        self.pending[key] = raid
        ctx.seen.note(Seen.RAID_PLANNED, tip, agency.name, detail=raid.address)
        start(ctx.env, self._carry_out(raid, key))

    def _carry_out(self, raid: Raid, key: tuple[str, str | None]) -> Waits:
        """Warrant, team, preparation, the night rule, then the search."""
        env = self.ctx.env
        warrant = self.spec.warrant.delay.sample(self.warrants)
        if self.judge is not None:  # the judge's staff sign in office hours, in turn
            _start, signed = self.judge.admit(env._now, warrant, counted=False)
            yield signed - env._now
        elif warrant > 0:
            yield warrant
        teams = raid.agency.raid_teams
        if teams is None:  # only an agency with raid teams plans a search
            raise ValueError(f"{raid.agency.name} has no raid teams to search with")
        # The first team free takes it, prepares, waits out the night ban if need be, searches
        # and stays busy for the search's duration: all known the moment it is taken.
        timing = _Timing(raid.agency.raid_prep.sample(self.preparations), self.night_rule)
        teams.hold(env._now, lambda start: timing.busy(start, raid.agency.raid_duration))
        if timing.wait > 0:
            yield timing.ready - env._now
            self._defer(raid, timing.wait)
        yield timing.ready + timing.wait - env._now
        del self.pending[key]
        self._search(raid)

    def _defer(self, raid: Raid, wait: float) -> None:
        """The night rule: the search waits ``wait`` hours; the address may be watched."""
        ctx = self.ctx
        raid.deferred_h = wait
        ctx.seen.hours("night_deferral_hours", wait)
        for root in raid.roots:
            root.deferred_by_night()
        detail = f"{wait:.2f}h" if ctx.seen.tracing else ""
        ctx.seen.note(Seen.RAID_DEFERRED, raid.roots[0], raid.agency.name, raid.place, detail)
        if self.contains and raid.house is not None:
            self.fugitive.watch(raid.house, ctx.now + wait)

    def _search(self, raid: Raid) -> None:
        """The team searches the address: capture, escape, or an empty flat."""
        now = self.ctx.now
        fugitive = self.fugitive
        there = raid.house is not None and fugitive.house == raid.house and not fugitive.captured
        if there and not self.stream.chance(self.spec.escape_on_raid):
            self._settle(raid, Fate.CAPTURED, "captured", ())
            self.capture("raid", raid.agency.name)
            return
        if there:  # the search is on the record first, then he is gone
            self._settle(raid, self._empty(raid), "escaped during the search", ("raid_escapes",))
            fugitive.flee("escaped during the search")
        else:
            left = fugitive.left_at.get(raid.house, -1e18) if raid.house else -1e18
            near_miss = now - left <= self.spec.near_miss_window
            also: tuple[str, ...] = ("raids_near_miss",) if near_miss else ()
            if not any(r.true for r in raid.roots):
                also += ("raids_on_false_tips",)
            outcome = f"empty; he left {now - left:.1f}h before" if near_miss else "empty"
            self._settle(raid, self._empty(raid), outcome, also)
        fugitive.alert(raid.place, raid.house)

    @staticmethod
    def _empty(raid: Raid) -> Fate:
        return Fate.DEFERRED_THEN_EMPTY if raid.deferred_h else Fate.RAIDED_EMPTY

    def _settle(self, raid: Raid, fate: Fate, outcome: str, also: tuple[str, ...]) -> None:
        """Every tip behind the search got as far as ``fate``; the search is on the record."""
        for root in raid.roots:
            root.reaches(fate)
        self.done.append((self.ctx.now, raid, outcome))
        if fate is not Fate.CAPTURED:
            also = ("raids_empty", *also)
        self.ctx.seen.note(
            Seen.RAID,
            raid.roots[0],
            raid.agency.name,
            raid.place,
            f"{raid.address}: {outcome}",
            also=also,
        )
