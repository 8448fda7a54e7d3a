"""The story of one replication in words: who learnt what, when, and what came of it.

Built from a :class:`~sim.outputs.trace.Trace`. Every line starts with the time as the calendar says
it ("day 2, 21:40: ..."). The story follows the fugitive's moves and stops, every *true* tip from
the moment it is observed to where it stopped, and every house search, including those on false
tips; the hundreds of false tips that did not lead to a search are summed up at the end.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta

from sim.analysis.losses import FATE_WORDS
from sim.core.clock import Calendar
from sim.model.ledger import Entry
from sim.model.tip import Fate, Tip
from sim.outputs.trace import Search, Trace

_KINDS = {
    "sighting": "an informant's sighting",
    "intercept": "an intercept",
    "event": "a call",
    "noise": "a tip",
}
_WHY = {
    "start": "",
    "itinerary": " (the known itinerary)",
    "dwell over": " (his stay there was over)",
    "alerted by a search nearby": ", alerted by a search nearby",
    "escaped during the search": ", escaping the search",
    "slipped out of the watched address": ", slipping out of the watched address",
}


def tell(trace: Trace) -> list[str]:
    """The story of ``trace`` as lines of text, a headline first and a tally of false tips last."""
    teller = _Teller(trace)
    lines = [_headline(trace), ""]
    for entry in trace.entries:
        line = teller.line(entry)
        if line:
            lines.append(f"{trace.calendar.describe(entry.time_h)}: {line}")
    lines += ["", _false_tips(trace)]
    return lines


def _headline(trace: Trace) -> str:
    r = trace.record
    who = f"{trace.scenario}, seed {trace.seed}, replication {trace.replication}"
    if trace.captured:
        how = "in a search" if r["capture_how"] == "raid" else "at a stop"
        when = trace.calendar.describe(trace.end_h)
        return f"{who}: he is captured on {when} by {r['capture_by']} {how}."
    return f"{who}: he is still at large at the end ({trace.calendar.describe(trace.end_h)})."


class _Teller:
    """Turns ledger rows into sentences, remembering what it needs across rows."""

    def __init__(self, trace: Trace) -> None:
        self.trace = trace
        self.searches: dict[tuple[float, str, str], Search] = {
            (s.time_h, s.agency, s.place): s for s in trace.searches
        }
        self.handlers: dict[str, Callable[[Entry], str]] = {
            "move": self._move,
            "stop": self._stop,
            "flag": self._flag,
            "capture": self._capture,
            "raid_planned": self._raid_planned,
            "raid_deferred": self._raid_deferred,
            "raid": self._raid,
        }
        self.tip_handlers: dict[str, Callable[[Entry, str], str]] = {
            "created": self._created,
            "arrived": lambda e, t: f"{e.agency} receives {t}.",
            "sent": lambda e, t: f"{e.agency} passes {t} on to {e.detail}.",
            "lost": lambda e, t: f"the message from {e.agency} to {e.detail} about {t} is lost.",
            "translated": lambda e, t: f"{t} is translated for {e.agency}.",
            "misread": lambda e, t: f"{t} is misread: {e.detail}.",
            "forgotten": lambda e, t: f"at {e.agency} the dossier of {t} is never passed on.",
            "dismissed": lambda e, t: f"{e.agency} judges {t} not credible.",
            "identified": lambda e, t: f"{e.agency} matches the name on {t} to a wanted person.",
            "not_identified": self._not_identified,
            "db_entered": lambda e, t: f"{e.detail} enters {t} in {e.agency}.",
            "db_skipped": lambda e, t: f"{e.agency} never enters {t} in {e.detail}.",
            "db_alert": lambda e, t: f"{e.agency} alerts {e.detail} about {t}.",
            "ended": self._ended,
        }

    def line(self, entry: Entry) -> str:
        """The sentence for one ledger row ("" for rows the story leaves out)."""
        handler = self.handlers.get(entry.event)
        if handler is not None:
            return handler(entry)
        tip = self.trace.tips.get(entry.root_id)
        if tip is None or not tip.true:
            return ""
        return self.tip_handlers.get(entry.event, lambda e, t: "")(entry, f"tip #{tip.id}")

    # --- the fugitive -------------------------------------------------------------------------

    def _move(self, entry: Entry) -> str:
        house, _, why = entry.detail.rpartition(": ")  # a name may hold ": ", the reason not
        zone = self.trace.zone_of.get(entry.place, "")
        where = entry.place if house == entry.place else f"{house} in {entry.place}"
        verb = "is in" if why == "start" else "arrives in" if house == entry.place else "moves to"
        return f"he {verb} {where} ({zone}){_WHY.get(why, f' ({why})')}."

    def _stop(self, entry: Entry) -> str:
        if entry.detail == "captured":
            verdict = "finds him wanted"
        else:
            verdict = entry.detail.replace("released: ", "releases him: ")
        return f"{entry.agency} stops him in {entry.place}, checks his papers and {verdict}."

    def _flag(self, entry: Entry) -> str:
        return f"{entry.detail} is now listed as wanted in {entry.agency}'s files."

    def _capture(self, entry: Entry) -> str:
        how = "in a search" if entry.detail == "raid" else "at a stop"
        return f"he is captured by {entry.agency} {how} in {entry.place}."

    # --- searches -----------------------------------------------------------------------------

    def _tip_words(self, root_id: int) -> str:
        tip = self.trace.tips.get(root_id)
        if tip is None:
            return f"tip #{root_id}"
        return f"{'true' if tip.true else 'false'} tip #{root_id}"

    def _raid_planned(self, entry: Entry) -> str:
        return (
            f"{entry.agency} plans a search of {entry.detail} on {self._tip_words(entry.root_id)}."
        )

    def _raid_deferred(self, entry: Entry) -> str:
        hours = float(entry.detail.rstrip("h"))
        until = _minute(self.trace.calendar, entry.time_h + hours)
        rule = self.trace.night_rule
        window = ""
        if rule is not None:
            window = f" ({_clock(rule.ban_from)}-{_clock(rule.ban_until)})"
        return (
            f"{entry.agency}'s search in {entry.place} falls inside the night ban{window}: "
            f"deferred to {until} by the night rule ({hours:.1f} h)."
        )

    def _raid(self, entry: Entry) -> str:
        search = self.searches.get((entry.time_h, entry.agency, entry.place))
        address, _, outcome = entry.detail.rpartition(": ")  # a name may hold ": "
        words = f"{entry.agency} searches {address} ({self._tip_words(entry.root_id)})"
        if outcome == "captured":
            return f"{words} and finds him."
        if outcome.startswith("escaped"):
            return f"{words}: he is there but escapes during the search."
        if search is None or search.house is None:
            return f"{words}: nobody there (not one of his addresses)."
        left = self.trace.left_house_before(search.house, entry.time_h)
        if left is None:
            return f"{words}: the flat is empty; he has never been there."
        ago = entry.time_h - left
        return (
            f"{words}: the flat is empty; he left at {self.trace.calendar.describe(left)} "
            f"({_duration(ago)} before)."
        )

    # --- true tips ----------------------------------------------------------------------------

    def _created(self, entry: Entry, name: str) -> str:
        tip: Tip = self.trace.tips[entry.root_id]
        where = f"{tip.house} in {tip.place}" if tip.house else f"an address in {tip.place}"
        return f"{name} ({_KINDS.get(tip.kind, tip.kind)}, true) says he is at {where}."

    def _not_identified(self, entry: Entry, name: str) -> str:
        if not entry.detail:
            return f"{entry.agency} cannot tie {name} to anyone wanted: it names nobody."
        return f"{entry.agency} finds no wanted person named {entry.detail!r} ({name})."

    def _ended(self, entry: Entry, name: str) -> str:
        return f"{name} goes no further: {_fate_words(entry)}."


def _false_tips(trace: Trace) -> str:
    """One paragraph on the false tips (the story follows only those that led to searches)."""
    fates: Counter[str] = Counter()
    for entry in trace.entries:
        if entry.event == "ended" and entry.detail.endswith("true=False"):
            fates[_fate_words(entry)] += 1
    total = sum(fates.values())
    if not total:
        return "No false tips came in."
    parts = ", ".join(f"{n} {fate}" for fate, n in fates.most_common())
    searched = sum(1 for s in trace.searches if not s.on_true_tip)
    return (
        f"Besides, {total} false tips came in ({parts}); {searched} searches were made on false "
        "tips alone."
    )


def _fate_words(entry: Entry) -> str:
    """Where the tip of an ``ended`` row stopped, in the waterfall's words."""
    label = entry.detail.rsplit(";", 1)[0]
    return FATE_WORDS.get(Fate[label.upper().replace(" ", "_")], label)


def _minute(calendar: Calendar, t: float) -> str:
    """Wall-clock time of model hour ``t`` to the nearest minute.

    A deferral ends at 05:00, not at 04:59 and 59.99 seconds.
    """
    return f"{calendar.to_datetime(t) + timedelta(seconds=30):%H:%M}"


def _clock(hour: float) -> str:
    h = int(hour) % 24
    return f"{h:02d}:{round((hour - int(hour)) * 60):02d}"


def _duration(hours: float) -> str:
    if hours < 1:
        return f"{hours * 60:.0f} min"
    if hours < 48:
        return f"{hours:.1f} h"
    return f"{hours / 24:.1f} days"
