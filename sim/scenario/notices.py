"""What a valid scenario holds that can never take effect: said as warnings, never refused.

Some mistakes are not errors of form: a flag dated after the chase has ended, a tip source that
starts after it, a flag or a wanted list naming somebody nobody in the scenario is (a typing error,
a homoglyph: ``Salah Abdeslаm`` with a Cyrillic ``а`` drops capture from one half to nothing).
The scenario still runs, but the line in the file does nothing; a user is told so, file, line and
key, as a :class:`ScenarioWarning` (a Python warning a notebook shows; the command line prints
each as ``FILE:LINE: key.path: warning: ...``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from sim.scenario.errors import KeyPath, Problem
from sim.scenario.identifiers import lookalike_note, looks_alike
from sim.scenario.schema import Active, Scenario

Finding = tuple[KeyPath, str]


class ScenarioWarning(UserWarning):
    """Something in a valid scenario that can never take effect (see :mod:`sim.scenario.notices`).

    Attributes:
        problem: where it is written and what to do about it.
    """

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def notices(scenario: Scenario) -> list[Finding]:
    """Everything in ``scenario`` that can never take effect, in the order of the file's keys."""
    return [*_after_the_end(scenario), *_names_no_one_bears(scenario), *_news_unheard(scenario)]


def _when(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}"


def _after_the_end(scenario: Scenario) -> Iterator[Finding]:
    """Dated things that come after the chase has ended (start plus horizon)."""
    end = scenario.start + timedelta(hours=scenario.horizon)
    ends = f"the chase ends at {_when(end)} (start plus horizon)"
    for i, event in enumerate(scenario.events):
        if event.at > end:
            yield ("events", i, "at"), f"{_when(event.at)} is too late: {ends}; it never happens"
    for i, stop in enumerate(scenario.fugitive.itinerary):
        if stop.at > end:
            yield (
                ("fugitive", "itinerary", i, "at"),
                f"{_when(stop.at)} is too late: {ends}; he never gets there",
            )
    tips = scenario.tips
    kinds: list[tuple[str, tuple[Active, ...]]] = [
        ("sightings", tips.sightings),
        ("intercepts", tips.intercepts),
        ("stops", tips.stops),
        ("noise", tips.noise),
    ]
    for kind, sources in kinds:
        for i, source in enumerate(sources):
            if source.active_from is not None and source.active_from > end:
                yield (
                    ("tips", kind, i, "from"),
                    f"{_when(source.active_from)} is too late: {ends}; this source never runs",
                )
            elif source.active_until is not None and source.active_until <= scenario.start:
                yield (
                    ("tips", kind, i, "until"),
                    f"{_when(source.active_until)} is before the chase starts "
                    f"({_when(scenario.start)}); this source never runs",
                )


def _person_names(scenario: Scenario) -> Iterator[tuple[KeyPath, str]]:
    """Every name of a person written outside the fugitive's block, with where it is."""
    for name, agency in scenario.agencies.items():
        yield from ((("agencies", name, "wanted", j), w) for j, w in enumerate(agency.wanted))
    for name, db in scenario.databases.items():
        yield from ((("databases", name, "wanted", j), w) for j, w in enumerate(db.wanted))
    for i, event in enumerate(scenario.events):
        # A dated tip's name is what the caller said (a misspelling is the point); a flag, a link
        # or a resolution names a record, which concerns him only under his names.
        for kind in ("flag", "link", "resolve"):
            entry = getattr(event, kind)
            if entry is not None and entry.name is not None:
                yield ("events", i, kind, "name"), entry.name
        if event.link is not None:
            yield ("events", i, "link", "alias"), event.link.alias


def _names_no_one_bears(scenario: Scenario) -> Iterator[Finding]:
    """Names in flags, links, resolutions and wanted lists that are neither his nor an alias."""
    fugitive = scenario.fugitive
    people = [fugitive.name, *fugitive.aliases]
    known = f"he is {fugitive.name!r}" + (
        f", alias {', '.join(repr(a) for a in fugitive.aliases)}" if fugitive.aliases else ""
    )
    for path, name in _person_names(scenario):
        if name in people:
            continue
        twin = next((p for p in people if looks_alike(name, p)), None)
        if twin is not None:
            yield (
                path,
                f"{lookalike_note(name, twin)}: it never matches his name exactly; retype it",
            )
        else:
            yield (
                path,
                f"{name!r} is neither his name nor an alias ({known}): the record concerns no one "
                "in this scenario, and concerns him only if a loose matcher takes it for his name",
            )


def _news_unheard(scenario: Scenario) -> Iterator[Finding]:
    """News that no rule listens to, and rules that listen to news no tip carries."""
    heard = {
        word for agency in scenario.agencies.values() for r in agency.raises for word in r.news
    }
    told = {e.tip.news for e in scenario.events if e.tip is not None and e.tip.news is not None}
    for i, event in enumerate(scenario.events):
        news = event.tip.news if event.tip is not None else None
        if news is not None and news not in heard:
            yield (
                ("events", i, "tip", "news"),
                f"no agency has a rule that raises a record on {news!r} "
                "(agencies.*.raises.*.news); the tip still travels, but its news changes nothing",
            )
    for name, agency in scenario.agencies.items():
        for i, rule in enumerate(agency.raises):
            for j, word in enumerate(rule.news):
                if word not in told:
                    yield (
                        ("agencies", name, "raises", i, "news", j),
                        f"no dated tip carries the news {word!r} (events.*.tip.news): this rule "
                        "never fires on it",
                    )
