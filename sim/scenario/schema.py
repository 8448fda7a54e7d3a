"""The scenario format: typed, immutable blocks that a YAML scenario file validates into.

Every block refuses unknown keys and may carry a ``sources:`` note saying where its numbers come
from (a docs/sources.md section) or that they are an assumption. Field names are the YAML keys;
units are parsed at the edge (durations to hours, rates to events per hour, times of day to hours
after midnight), so the model only ever sees numbers in hours. ``docs/scenarios.md`` documents each
field with examples.

Cross-references (a channel naming an agency, a zone listing a commune...) are checked by
:mod:`sim.scenario.refs` once every block has its type.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    model_validator,
)
from pydantic.config import JsonDict

from sim.core.clock import DAY_NAMES
from sim.core.distributions import parse_dist
from sim.core.units import parse_datetime, parse_duration, parse_rate, parse_time_of_day
from sim.names.conventions import FOR_LANGUAGE
from sim.names.matchers import MatcherSpec, parse_matcher

# --- scalar types with units ----------------------------------------------------------------

Hours = Annotated[float, BeforeValidator(parse_duration)]
"""A duration written with a unit (``"6h"``), held in hours."""

PerHour = Annotated[float, BeforeValidator(parse_rate)]
"""A rate written as ``"3/day"``, held in events per hour."""

TimeOfDay = Annotated[float, BeforeValidator(parse_time_of_day)]
"""A wall-clock time ``"21:00"``, held in hours after midnight."""

DateTime = Annotated[datetime, BeforeValidator(parse_datetime)]
"""A local date-time ``"2015-11-13 22:00"``."""

Delay = Annotated[Any, BeforeValidator(parse_dist)]
"""A distribution of durations (:mod:`sim.core.distributions`); an omitted one is ``Fixed(0)``."""


def _holds(value: object) -> object:
    return None if value is None else parse_dist(value)


Holds = Annotated[Any, BeforeValidator(_holds)]
"""How long a detention on a record lasts: a distribution of durations, or None (to the horizon)."""

MatcherField = Annotated[MatcherSpec, BeforeValidator(parse_matcher)]
"""A name matcher: ``exact``, ``soundex``... or ``{jaro_winkler: 0.92}`` (sim.names.matchers)."""

# Numbers and yes/no values are taken only as written: ``staff: true`` is not 1, ``loss: "0.1"``
# is not 0.1 and ``normalise: yes`` is not true (YAML 1.1 habits the loader leaves as text).
Count = Annotated[int, Strict()]
"""A whole number, written as one (never true/false, a text or 4.0)."""

Number = Annotated[float, Strict()]
"""A number, written as one (never true/false or a text)."""

YesNo = Annotated[bool, Strict()]
"""``true`` or ``false``, written so (never yes/no, on/off or 1/0)."""

Probability = Annotated[float, Strict(), Field(ge=0.0, le=1.0)]
Weight = Annotated[float, Strict(), Field(ge=0.0, allow_inf_nan=False)]


def _plain_text(name: str) -> str:
    """A name in one spelling (NFC), refusing a blank one and hidden characters.

    Control characters (a NUL, a tab, a line break) and invisible ones (a zero-width space, a
    joiner, a direction mark) are refused: with one, two names that look the same would differ.
    """
    if not name.strip():
        raise ValueError("must not be blank; give a name")
    control = next((c for c in name if unicodedata.category(c) == "Cc"), None)
    if control is not None:
        raise ValueError(
            f"contains the control character U+{ord(control):04X}; a name is plain text on one "
            "line: remove it"
        )
    hidden = next((c for c in name if unicodedata.category(c) == "Cf"), None)
    if hidden is not None:
        raise ValueError(
            f"contains the invisible character {character_name(hidden)}; a name that looks the "
            "same without it would be another name: remove it"
        )
    return unicodedata.normalize("NFC", name)


def character_name(char: str) -> str:
    """A character as a message names it: "U+200B ZERO WIDTH SPACE"."""
    return f"U+{ord(char):04X} {unicodedata.name(char, 'unnamed character')}"


Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_plain_text)]
Note = str | list[str] | None

_WORD = re.compile(r"[a-z][a-z0-9_]{0,39}")


def _news_word(word: str) -> str:
    """A piece of news as one lowercase word (``breach``, ``drug_dealing``)."""
    if not _WORD.fullmatch(word):
        raise ValueError(
            f"{word!r} is not a news word: write it in lowercase letters, digits and _, "
            "starting with a letter, at most 40 characters (e.g. breach, drug_dealing)"
        )
    return word


NewsWord = Annotated[str, Strict(), AfterValidator(_news_word)]
"""What a tip says he did (``breach``), matched word for word by the rules that raise records."""

NEW: JsonDict = {"new_field": True}
"""Marks a field added after the content hash was defined: left out of the hash at its default,
so a scenario that does not use it keeps its hash (:func:`sim.scenario.loader.scenario_hash`)."""

Language = Literal["fr", "nl", "de", "en", "tr", "ar"]
Convention = Literal["fr", "nl", "en", "tr"]
AgencyKind = Literal[
    "local_police",
    "federal_police",
    "intelligence",
    "coordination",
    "judge",
    "prosecutor",
    "foreign_service",
    "probation",
    "court",
    "immigration",
    "diplomatic",
    "border_police",
]
Action = Literal["detain", "report", "watch"]
"""What a record in a register lets a service do: hold him, report where he was seen, or only
recognise him (the strongest action of the records that match a name wins)."""
Access = Literal["read", "feed", "read_feed", "hit"]
ChannelFilter = Literal["all", "wanted", "jurisdiction"]
Radius = Literal["commune", "zone"]

#: The token that stands for "the local police zone of the place concerned".
LOCAL = "local"


class Block(BaseModel):
    """Base of every scenario block: immutable, unknown keys refused, a ``sources`` note allowed."""

    # Defaults are validated like written values. A default written as in YAML ("2h") is a
    # Field(default=..., validate_default=True), which tells the type checker so too.
    model_config = ConfigDict(
        extra="forbid", frozen=True, arbitrary_types_allowed=True, validate_default=True
    )

    sources: Note = Field(
        default=None, description="where the numbers come from (docs/sources.md §...)"
    )


# --- places ---------------------------------------------------------------------------------


class Zone(Block):
    """A police zone: the communes (places) it covers."""

    communes: tuple[Name, ...] = Field(min_length=1)


class Place(Block):
    """Attributes of a place (a commune or a place outside the region)."""

    population: Count | None = Field(default=None, ge=0, le=1_000_000_000)
    neighbours: tuple[Name, ...] = ()


# --- agencies -------------------------------------------------------------------------------


class OfficeHours(Block):
    """Working days and hours of an office (a window closing before it opens runs overnight)."""

    days: tuple[str, ...] = Field(default=("mon", "tue", "wed", "thu", "fri"), min_length=1)
    opens: TimeOfDay = Field(default="08:00", validate_default=True)
    closes: TimeOfDay = Field(default="18:00", validate_default=True)

    @model_validator(mode="after")
    def _known_days(self) -> OfficeHours:
        bad = [d for d in self.days if d not in DAY_NAMES]
        if bad:
            raise ValueError(f"unknown day {bad[0]!r}; use {', '.join(DAY_NAMES)}")
        return self


def _hours_shorthand(value: object) -> object:
    if value in ("24/7", "always"):
        return None
    if value == "office":
        return {}
    return value


WorkHours = Annotated[OfficeHours | None, BeforeValidator(_hours_shorthand)]
"""``"24/7"`` (never closes), ``"office"`` (Mon-Fri 08:00-18:00) or an :class:`OfficeHours` map."""


class Belief(Block):
    """How an analyst's triage judges a tip: the chance it is found credible."""

    true_tip: Probability = 1.0
    false_tip: Probability = 1.0


class Feeding(Block):
    """How an agency writes its tips into the databases it feeds."""

    delay: Delay = 0.0
    skip: Probability = 0.0
    when: Literal["credible", "wanted"] = "credible"


class Escalation(Block):
    """The rule that a tip naming a wanted person goes up at once (no queue, no forgetting)."""

    delay: Delay = "1h"


class Raise(Block):
    """A decision an agency may take on a tip it keeps: entering him in registers as wanted.

    When the agency keeps (after triage) a tip whose news is one of ``news``, it decides, with
    ``probability``, to enter the name the tip gives, as the agency has it, in ``databases``
    after ``delay``, with ``action`` (and ``holds`` for a detention on it). A rule that has
    raised its record does not raise it again.
    """

    news: tuple[NewsWord, ...] = Field(min_length=1)
    databases: tuple[Name, ...] = Field(min_length=1)
    action: Action = "detain"
    holds: Holds = None
    probability: Probability = 1.0
    delay: Delay = 0.0

    @model_validator(mode="after")
    def _holds_only_to_detain(self) -> Raise:
        _check_holds(self.action, self.holds)
        return self


def _check_holds(action: str, holds: object) -> None:
    """``holds`` says how long a detention lasts: only a record that detains has one."""
    if holds is not None and action != "detain":
        raise ValueError(
            f"holds says how long a detention on the record lasts, but a {action} record "
            "never holds him: remove holds, or write action: detain"
        )


class Agency(Block):
    """A service that receives, triages, identifies, forwards and possibly acts on tips."""

    kind: AgencyKind
    zone: Name | None = None
    jurisdiction: tuple[Name, ...] | Literal["all"] | None = None
    languages: tuple[Language, ...] = Field(default=("fr",), min_length=1)
    bilingual_share: Probability = 0.0
    staff: Count = Field(default=1, ge=1, le=100_000)
    triage_time: Delay = 0.0
    hours: WorkHours = None
    forget: Probability = 0.0
    belief: Belief = Belief()
    raid_teams: Count = Field(default=0, ge=0, le=10_000)
    raid_prep: Delay = 0.0
    raid_duration: Hours = Field(default="2h", validate_default=True)
    databases: dict[Name, Access] = Field(default_factory=dict)
    feeding: Feeding = Feeding()
    wanted: tuple[Name, ...] = ()
    escalation: Escalation | None = None
    convention: Convention | None = None
    typo_rate: Probability = 0.0
    matcher: MatcherField = Field(default="exact", validate_default=True)
    normalise: YesNo = False
    raises: tuple[Raise, ...] = Field(default=(), json_schema_extra=NEW)


def convention_of(agency: Agency) -> str:
    """The convention an agency writes names in: its own, or its first language's."""
    return agency.convention or FOR_LANGUAGE[agency.languages[0]]


class Channel(Block):
    """A directed link along which an agency passes copies of tips to another."""

    from_: Name = Field(alias="from")
    to: Name
    delay: Delay = 0.0
    loss: Probability = 0.0
    filter: tuple[ChannelFilter, ...] = Field(default=("all",), min_length=1)


class DatabaseAlerts(Block):
    """Who a database alerts when a tip written into it concerns a wanted identity."""

    to: tuple[Name, ...] = Field(min_length=1)
    delay: Delay = 0.0


class Database(Block):
    """A shared register of identities (and the tips written to it)."""

    owner: Name | None = None
    matcher: MatcherField = Field(default="exact", validate_default=True)
    normalise: YesNo = False
    wanted: tuple[Name, ...] = ()
    others_wanted: Count = Field(default=0, ge=0, le=1000)
    hit_delay: Delay = 0.0
    alerts: DatabaseAlerts | None = None


class LanguageDesk(Block):
    """The language barrier between French- and Dutch-speaking services."""

    translators: Count = Field(default=1, ge=1, le=10_000)
    translation_time: Delay = 0.0
    hours: WorkHours = None
    misread_translated: Probability = 0.0
    misread_bilingual: Probability = 0.0
    misread_name_share: Probability = 0.5


# --- the fugitive ---------------------------------------------------------------------------


class SafeHouse(Block):
    """An address where the fugitive can hide."""

    place: Name
    weight: Weight = 1.0


class Stop(Block):
    """One dated leg of an itinerary: from ``at`` the fugitive is at ``house`` or ``place``."""

    at: DateTime
    place: Name | None = None
    house: Name | None = None

    @model_validator(mode="after")
    def _one_location(self) -> Stop:
        if (self.place is None) == (self.house is None):
            raise ValueError("give exactly one of place (a commune) or house (a safe house)")
        return self


class Alert(Block):
    """How the fugitive reacts to a raid or visible search near him."""

    radius: Radius = "commune"
    probability: Probability = 0.0
    delay: Delay = 0.0


class DailyWindow(Block):
    """Hours of the day between which something may start (past midnight when until < from)."""

    starts_from: TimeOfDay = Field(alias="from")
    starts_until: TimeOfDay = Field(alias="until")


class Haunt(Block):
    """An address he visits without sleeping there (a relative's, a friend's, a café)."""

    place: Name
    weight: Weight = 1.0


class Outings(Block):
    """Short visits out of the safe house, when he is most exposed to being seen."""

    rate: PerHour
    starts: DailyWindow | None = None
    duration: Delay = "3h"
    visibility: Number = Field(default=1.0, ge=0.0, le=1000.0)
    haunts: dict[Name, Haunt] = Field(min_length=1)


class Fugitive(Block):
    """The person sought: names, safe houses and how he moves, or a dated itinerary."""

    name: Name
    aliases: tuple[Name, ...] = ()
    alias_at_stops: Probability = 0.0
    safe_houses: dict[Name, SafeHouse] = Field(default_factory=dict)
    start_house: Name | None = None
    dwell: Delay = Field(default_factory=lambda: parse_dist({"exponential": {"mean": "14d"}}))
    alert: Alert = Alert()
    outings: Outings | None = None
    itinerary: tuple[Stop, ...] = ()

    @model_validator(mode="after")
    def _somewhere(self) -> Fugitive:
        if not self.safe_houses and not self.itinerary:
            raise ValueError("give safe_houses (with movement) or an itinerary (or both)")
        return self


# --- tip sources ----------------------------------------------------------------------------


class Active(Block):
    """Common to tip sources: the dates between which the source runs."""

    active_from: DateTime | None = Field(default=None, alias="from")
    active_until: DateTime | None = Field(default=None, alias="until")

    @model_validator(mode="after")
    def _window_in_order(self) -> Active:
        if self.active_from and self.active_until and self.active_until <= self.active_from:
            raise ValueError("until must come after from (the source runs from `from` to `until`)")
        return self


Places = Annotated[tuple[Name, ...], Field(min_length=1)] | Literal["all"]
"""The communes a source covers: ``all``, or a non-empty list of zones and communes."""


def _some_weight(weights: dict[str, float]) -> dict[str, float]:
    """Refuse a map of weights that are all zero: nothing could ever be picked."""
    if weights and not any(weights.values()):
        raise ValueError("the weights are all 0; give at least one a weight above 0")
    return weights


Reporters = Annotated[dict[Name, Weight], Field(min_length=1), AfterValidator(_some_weight)]
"""Who a source tells, by weight (``local``: the local police of the place concerned)."""


class Sightings(Active):
    """Informants who see the fugitive where he is and tell a police service."""

    rate: PerHour
    places: Places = "all"
    accuracy: Probability = 1.0
    named: Probability = 1.0
    reporters: Reporters = Field(default_factory=lambda: {LOCAL: 1.0})


class Intercepts(Active):
    """An intelligence service learning the fugitive's current place (phones, surveillance)."""

    agency: Name
    rate: PerHour
    lag: Delay = 0.0
    accuracy: Probability = 1.0


class Stops(Active):
    """Patrol stops and checkpoints: the officer checks the databases the agency can query."""

    rate: PerHour
    places: Places = "all"
    agency: Name = LOCAL
    hold: Hours = Field(default="30min", validate_default=True)


class Noise(Active):
    """False tips about random places, at realistic volume, that cost analysts and raid teams."""

    rate: PerHour
    places: Places = "all"
    reporters: Reporters = Field(default_factory=lambda: {LOCAL: 1.0})
    names_fugitive: Probability = 0.0
    names_others: Probability = 0.0

    @model_validator(mode="after")
    def _shares_add_up(self) -> Noise:
        if self.names_fugitive + self.names_others > 1:
            raise ValueError(
                "names_fugitive + names_others is more than 1: they are shares of the same tips"
            )
        return self


class TipSources(Block):
    """Everything that brings information into existence."""

    sightings: tuple[Sightings, ...] = ()
    intercepts: tuple[Intercepts, ...] = ()
    stops: tuple[Stops, ...] = ()
    noise: tuple[Noise, ...] = ()


# --- scheduled events -----------------------------------------------------------------------


class RegisterEntry(Block):
    """Common to what is entered in a register: a database or one agency's own files."""

    database: Name | None = None
    agency: Name | None = None

    @model_validator(mode="after")
    def _one_target(self) -> RegisterEntry:
        if (self.database is None) == (self.agency is None):
            raise ValueError("give exactly one of database or agency")
        return self


class Flag(RegisterEntry):
    """A wanted flag entered in a database or an agency's own files."""

    name: Name
    ambiguous: YesNo = False
    verbatim: YesNo = False
    action: Action = Field(default="detain", json_schema_extra=NEW)
    holds: Holds = Field(default=None, json_schema_extra=NEW)

    @model_validator(mode="after")
    def _holds_only_to_detain(self) -> Flag:
        _check_holds(self.action, self.holds)
        return self


class Link(RegisterEntry):
    """An alias (a false ID, a nom de guerre) linked to the identity it belongs to."""

    alias: Name
    name: Name


class Resolve(RegisterEntry):
    """An ambiguous flag resolved: the record held back is created."""

    name: Name


class DatedTip(Block):
    """A tip that arrives at a known moment (a warning, a call)."""

    to: Name
    place: Name | None = None
    house: Name | None = None
    current: YesNo = False
    name: Name | None = None
    language: Language | None = None
    news: NewsWord | None = Field(default=None, json_schema_extra=NEW)

    @model_validator(mode="after")
    def _one_location(self) -> DatedTip:
        given = sum(x is not None for x in (self.place, self.house)) + int(self.current)
        if self.news is not None and given > 1:
            raise ValueError(
                "give at most one of place, house, or current: true (a tip with news may name "
                "no place)"
            )
        if self.news is None and given != 1:
            raise ValueError(
                "give exactly one of place, house, or current: true (where he is at that "
                "moment), or news (what he did) without a place"
            )
        return self


class DatedStop(Block):
    """A check at a known moment and place; it stops the fugitive only if he is there."""

    agency: Name
    place: Name
    hold: Hours = Field(default="30min", validate_default=True)
    name: Name | None = Field(default=None, json_schema_extra=NEW)


class Event(Block):
    """Something that happens at a dated moment: exactly one of flag, link, resolve, tip or stop."""

    at: DateTime
    flag: Flag | None = None
    link: Link | None = None
    resolve: Resolve | None = None
    tip: DatedTip | None = None
    stop: DatedStop | None = None

    @model_validator(mode="after")
    def _one_action(self) -> Event:
        actions = (self.flag, self.link, self.resolve, self.tip, self.stop)
        if sum(x is not None for x in actions) != 1:
            raise ValueError("an event needs exactly one of flag, link, resolve, tip or stop")
        return self


# --- raids ----------------------------------------------------------------------------------


class Warrant(Block):
    """The investigating judge's warrant before a house search."""

    judge: Name | None = None
    delay: Delay = 0.0


class Exemption(Block):
    """A kind of case exempt from the night rule, possibly only from a date."""

    case: Name
    since: DateTime | None = None


def _exemption_shorthand(value: object) -> object:
    return {"case": value} if isinstance(value, str) else value


class Containment(Block):
    """Watching an address overnight while a search waits for the end of the ban."""

    escape_rate: PerHour = 0.0


class NightRuleSpec(Block):
    """The ban window on house searches and its exemptions."""

    ban_from: TimeOfDay = Field(default="21:00", alias="from", validate_default=True)
    ban_until: TimeOfDay = Field(default="05:00", alias="until", validate_default=True)
    exempt: tuple[Annotated[Exemption, BeforeValidator(_exemption_shorthand)], ...] = ()
    containment: Containment | None = None


class Raids(Block):
    """How a planned raid becomes a search: warrant, night rule, team, preparation, outcome."""

    case: Name = "terrorism"
    warrant: Warrant = Warrant()
    night_rule: NightRuleSpec | None = None
    escape_on_raid: Probability = 0.0
    near_miss_window: Hours = Field(default="12h", validate_default=True)


# --- names ----------------------------------------------------------------------------------


class Names(Block):
    """How much writers re-spell names (see sim.names.conventions).

    The default, 0, has every service copy a name letter for letter (like every other friction,
    spelling is off unless a scenario turns it on); 1 is the conventions' calibrated strength.
    """

    variation: Number = Field(default=0.0, ge=0.0, le=10.0)


# --- the outcome's words --------------------------------------------------------------------

Phrase = Annotated[str, Field(min_length=1, max_length=80), AfterValidator(_plain_text)]


class Outcome(Block):
    """The words reports use for a run's two outcomes and its horizon (a note: no effect).

    A deadline question (detained before an attack) reads wrongly as "captured" and "still at
    large"; the record's keys stay ``captured`` and ``capture_day`` whatever the words.
    """

    captured: Phrase = "captured"
    at_large: Phrase = "still at large"
    horizon: Phrase | None = None


# --- the scenario ---------------------------------------------------------------------------


class Scenario(Block):
    """A complete, validated scenario: one organisational setup chasing one fugitive."""

    name: Name
    description: str = ""
    start: DateTime
    horizon: Hours = Field(gt=0, le=24 * 365 * 20)
    zones: dict[Name, Zone] = Field(min_length=1)
    places: dict[Name, Place] = Field(default_factory=dict)
    agencies: dict[Name, Agency] = Field(min_length=1)
    channels: tuple[Channel, ...] = ()
    databases: dict[Name, Database] = Field(default_factory=dict)
    language: LanguageDesk = LanguageDesk()
    fugitive: Fugitive
    tips: TipSources = TipSources()
    events: tuple[Event, ...] = ()
    raids: Raids = Raids()
    names: Names = Names()
    outcome: Outcome = Outcome()

    @model_validator(mode="before")
    @classmethod
    def _drop_extension_fields(cls, data: object) -> object:
        # Top-level keys starting with "x-" hold YAML anchors for reuse (as in compose files).
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not str(k).startswith("x-")}
        return data
