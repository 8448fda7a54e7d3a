"""Raids: from a planned search to a capture, an empty flat or a near miss.

A search goes (DESIGN.md §2.5): plan → warrant from the investigating judge (a delay, in the judge's
working hours) → a raid team of the planning agency → preparation → the **night rule**: a search due
inside the ban window waits for its end, the address possibly contained overnight with an escape
hazard → the search. If the fugitive is at the address he is captured (or escapes during the raid,
as at Forest on 15 March 2016); otherwise the flat is empty, a *near miss* if he left it shortly
before. Any search is visible: it may alert him if he is nearby.

Two plans for the same address while one is pending are one search (the later tips join it).
Randomness: ``raids`` (warrant, preparation, escapes) and ``raids.containment``.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING

import simpy

from sim.model.curfew import NightRule
from sim.model.tip import Fate, Tip
from sim.scenario.schema import Raids as RaidsSpec

if TYPE_CHECKING:
    from sim.model.agency import Agency
    from sim.model.replication import Model


class Raid:
    """One planned search of an address (or of a commune when no address is known)."""

    __slots__ = ("agency", "deferred_h", "house", "place", "planned", "roots", "tip_id")

    def __init__(self, agency: Agency, tip: Tip, planned: float) -> None:
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


class RaidOffice:
    """Plans and carries out the searches of one replication."""

    def __init__(self, spec: RaidsSpec, night_rule: NightRule | None, model: Model) -> None:
        self.spec = spec
        self.night_rule = night_rule
        self.model = model
        # One stream per purpose (common random numbers: the k-th warrant takes as long in every
        # setup compared, however many preparations or escapes were drawn before it).
        self.warrants = model.streams.stream("raids.warrant")
        self.preparations = model.streams.stream("raids.preparation")
        self.stream = model.streams.stream("raids.escape")
        self.containment_stream = model.streams.stream("raids.containment")
        self.judge: Agency | None = None  # the investigating judge, when warrants queue
        self.pending: dict[tuple[str, str | None], Raid] = {}
        self.done: list[tuple[float, Raid, str]] = []

    def plan(self, agency: Agency, tip: Tip) -> None:
        """``agency`` decides to search the address ``tip`` names."""
        model = self.model
        key = (tip.place, tip.house)
        pending = self.pending.get(key)
        if pending is not None:
            pending.roots.append(tip.root)
            model.counters.raids_joined += 1
            return
        raid = Raid(agency, tip, model.env.now)
        self.pending[key] = raid
        model.counters.raids_planned += 1
        model.ledger.log(
            model.env.now, "raid_planned", tip.id, tip.root.id, agency.name, tip.place, raid.address
        )
        model.env.process(self._carry_out(raid, key))

    def _carry_out(
        self, raid: Raid, key: tuple[str, str | None]
    ) -> Generator[simpy.Event, object, None]:
        env = self.model.env
        warrant = self.spec.warrant
        duration = warrant.delay.sample(self.warrants)
        if self.judge is not None:
            yield from self.judge.serve(duration)
        elif duration > 0:
            yield env.timeout(duration)
        teams = raid.agency.raid_teams
        if teams is None:  # only an agency with raid teams plans a search
            raise ValueError(f"{raid.agency.name} has no raid teams to search with")
        team = teams.request()
        yield team
        prep = raid.agency.spec.raid_prep.sample(self.preparations)
        if prep > 0:
            yield env.timeout(prep)
        wait = self.night_rule.deferral(env.now) if self.night_rule else 0.0
        if wait > 0:
            self._defer(raid, wait)
            yield env.timeout(wait)
        del self.pending[key]
        self._search(raid)
        yield env.timeout(raid.agency.spec.raid_duration)
        teams.release(team)

    def _defer(self, raid: Raid, wait: float) -> None:
        model = self.model
        now = model.env.now
        raid.deferred_h = wait
        model.counters.raids_deferred_night += 1
        model.counters.night_deferral_hours += wait
        for root in raid.roots:
            root.deferred = True
        model.ledger.log(
            now,
            "raid_deferred",
            raid.tip_id,
            raid.roots[0].id,
            raid.agency.name,
            raid.place,
            f"{wait:.2f}h",
        )
        containment = self.spec.night_rule.containment if self.spec.night_rule else None
        if containment is None or raid.house is None:
            return
        fugitive = model.fugitive
        fugitive.contain(raid.house, now + wait)
        if fugitive.house == raid.house and containment.escape_rate > 0:
            escape_in = self.containment_stream.exp1() / containment.escape_rate
            if escape_in < wait:
                model.env.timeout(escape_in).callbacks.append(lambda _e: self._escape(raid))

    def _escape(self, raid: Raid) -> None:
        fugitive = self.model.fugitive
        # Count only an escape that happens: with nowhere else to go (one safe house, or on his
        # itinerary) he stays, and the search at the end of the ban finds him there.
        if fugitive.house == raid.house and fugitive.flee("slipped out of the watched address"):
            self.model.counters.containment_escapes += 1

    def _search(self, raid: Raid) -> None:
        model = self.model
        now = model.env.now
        fugitive = model.fugitive
        counters = model.counters
        counters.raids_done += 1
        there = raid.house is not None and fugitive.house == raid.house and not fugitive.captured
        if there and not self.stream.chance(self.spec.escape_on_raid):
            self._settle(raid, Fate.CAPTURED, "captured")
            model.capture("raid", raid.agency.name)
            return
        counters.raids_empty += 1
        if there:
            counters.raid_escapes += 1
            fugitive.flee("escaped during the search")
            outcome = "escaped during the search"
        else:
            left = fugitive.left_at.get(raid.house, -1e18) if raid.house else -1e18
            near_miss = now - left <= self.spec.near_miss_window
            counters.raids_near_miss += near_miss
            counters.raids_on_false_tips += not any(r.true for r in raid.roots)
            outcome = f"empty; he left {now - left:.1f}h before" if near_miss else "empty"
        self._settle(
            raid, Fate.DEFERRED_THEN_EMPTY if raid.deferred_h else Fate.RAIDED_EMPTY, outcome
        )
        fugitive.alert(raid.place, raid.house)

    def _settle(self, raid: Raid, fate: Fate, outcome: str) -> None:
        model = self.model
        for root in raid.roots:
            if fate > root.fate:
                root.fate = fate
        self.done.append((model.env.now, raid, outcome))
        model.ledger.log(
            model.env.now,
            "raid",
            raid.tip_id,
            raid.roots[0].id,
            raid.agency.name,
            raid.place,
            f"{raid.address}: {outcome}",
        )
