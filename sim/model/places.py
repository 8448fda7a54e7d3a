"""Places and police zones: which commune lies in which zone, and what lies next to what.

The Brussels region's 19 communes fall into 6 police zones (docs/sources.md §1); places outside the
region (a Flemish town, a French motorway checkpoint) are communes of zones of their own.
Neighbours are where a mistaken tip points instead of the right commune; when a scenario gives
none, the other communes of the same zone stand in.
"""

from __future__ import annotations

from itertools import accumulate

from sim.scenario.schema import Scenario


class Geography:
    """The places of a scenario and their zones, populations and neighbours."""

    def __init__(self, scenario: Scenario) -> None:
        self.zone_of: dict[str, str] = {}
        self.communes_of: dict[str, tuple[str, ...]] = {}
        for zone, spec in scenario.zones.items():
            self.communes_of[zone] = spec.communes
            for commune in spec.communes:
                self.zone_of[commune] = zone
        self.places: tuple[str, ...] = tuple(self.zone_of)
        self.population = {p: _population(scenario, p) for p in self.places}
        self.neighbours = self._neighbours(scenario)

    def _neighbours(self, scenario: Scenario) -> dict[str, tuple[str, ...]]:
        links: dict[str, set[str]] = {p: set() for p in self.places}
        for place, spec in scenario.places.items():
            for other in spec.neighbours:
                if other != place and place in links and other in links:
                    links[place].add(other)
                    links[other].add(place)
        result = {}
        for place in self.places:
            near = links[place] or set(self.communes_of[self.zone_of[place]]) - {place}
            result[place] = tuple(sorted(near))
        return result

    def expand(self, names: tuple[str, ...] | str) -> tuple[str, ...]:
        """The places named, zone names standing for all their communes ("all": every place)."""
        if names == "all":
            return self.places
        out: list[str] = []
        for name in names:
            for place in self.communes_of.get(name, (name,)):
                if place not in out:
                    out.append(place)
        return tuple(out)

    def population_weights(self, places: tuple[str, ...]) -> tuple[float, ...]:
        """Normalised cumulative population weights of ``places`` (for picking a random one).

        Places of population 0 are never picked; if all are 0, each is equally likely.
        """
        weights = [self.population[p] for p in places]
        total = sum(weights)
        if total <= 0:
            weights, total = [1.0] * len(places), float(len(places))
        return tuple(c / total for c in accumulate(weights))


def _population(scenario: Scenario, place: str) -> float:
    """A place's population (1 when the scenario gives none: places then weigh alike)."""
    spec = scenario.places.get(place)
    return 1.0 if spec is None or spec.population is None else float(spec.population)
