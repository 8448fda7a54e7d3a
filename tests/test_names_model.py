"""Names in the model: registers with identity, links, ambiguity, hit/no-hit, monotonicity."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.model.register import Register
from sim.model.replication import Model
from sim.names.matchers import MatcherSpec, matcher
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "scenarios" / "minimal.yaml"
BASE = ROOT / "scenarios" / "brussels-2015.yaml"

# Nothing but dated events can catch him: he stays in Molenbeek, no informants, names as given.
QUIET = (
    "tips.sightings=[]",
    "fugitive.dwell=1000d",
    "names={variation: 0}",
)
FLAG = '{at: "2015-11-14 10:00", flag: {name: Salah Abdeslam, database: BNG, verbatim: true}}'
STOP = '{at: "2015-11-20 11:00", stop: {agency: Federal, place: Molenbeek, hold: 30min}}'


def run(*overrides: str) -> dict:
    scenario = load_scenario(MINIMAL, (*QUIET, *overrides))
    return Model(scenario, seed=1, replication=0).run()


# --- registers ---------------------------------------------------------------------------------


def exact_register() -> Register:
    return Register(matcher(MatcherSpec("exact")))


def test_an_alias_is_wanted_only_once_linked():
    register = exact_register()
    register.flag("Salah Abdeslam", "Salah Abdeslam")
    assert not register.matches("Soufiane Kayal")
    register.link("Soufiane Kayal", "Soufiane Kayal", "Salah Abdeslam", "Salah Abdeslam")
    assert register.matches("Soufiane Kayal")


def test_a_link_made_before_the_flag_holds_when_the_flag_comes():
    register = exact_register()
    register.link("Soufiane Kayal", "Soufiane Kayal", "Najim Laachraoui", "Najim Laachraoui")
    assert not register.matches("Soufiane Kayal")  # nobody is wanted yet
    register.flag("Najim Laachraoui", "Najim Laachraoui")
    assert register.matches("Soufiane Kayal")
    assert register.matches("Najim Laachraoui")


def test_a_person_sought_under_an_alias_is_found_by_his_name_once_linked():
    register = exact_register()
    register.flag("Soufiane Kayal", "Soufiane Kayal")
    assert not register.matches("Najim Laachraoui")
    register.link("Soufiane Kayal", "Soufiane Kayal", "Najim Laachraoui", "Najim Laachraoui")
    assert register.matches("Najim Laachraoui")


def test_an_ambiguous_flag_creates_no_record_until_resolved():
    register = exact_register()
    register.hold("Salah Abdeslam", "Salah Abdeslam")
    assert not register.matches("Salah Abdeslam")
    assert not register.resolve("Brahim Abdeslam")  # nothing held for him
    assert register.resolve("Salah Abdeslam")
    assert register.matches("Salah Abdeslam")
    assert not register.resolve("Salah Abdeslam")  # resolved once


# --- the same through scenario events ---------------------------------------------------------


def test_a_stop_finds_the_flagged_name():
    record = run(f"events=[{FLAG}, {STOP}]")
    assert (record["captured"], record["capture_how"]) == (1, "stop")


def test_a_stop_on_false_papers_finds_him_only_once_the_alias_is_linked():
    alias = ("fugitive.aliases=[Soufiane Kayal]", "fugitive.alias_at_stops=1")
    link = (
        '{at: "2015-11-18 10:00", '
        "link: {database: BNG, alias: Soufiane Kayal, name: Salah Abdeslam}}"
    )
    unlinked = run(*alias, f"events=[{FLAG}, {STOP}]")
    linked = run(*alias, f"events=[{FLAG}, {link}, {STOP}]")
    assert unlinked["captured"] == 0 and unlinked["stops_released"] == 1
    assert (linked["captured"], linked["capture_how"]) == (1, "stop")


def test_an_ambiguous_flag_lets_him_go_until_it_is_resolved():
    held = FLAG.replace("verbatim: true", "verbatim: true, ambiguous: true")
    resolve = '{at: "2015-11-19 10:00", resolve: {database: BNG, name: Salah Abdeslam}}'
    assert run(f"events=[{held}, {STOP}]")["captured"] == 0
    assert run(f"events=[{held}, {resolve}, {STOP}]")["capture_how"] == "stop"


def test_a_hit_waits_for_the_owner_office_to_open():
    """Hit/no-hit costs a hop to the owner: on a Saturday night his office is shut."""
    saturday_night = STOP.replace("2015-11-20 11:00", "2015-11-21 23:00")
    hit = ("agencies.Federal.databases={BNG: hit}",)
    events = f"events=[{FLAG}, {saturday_night}]"
    always_open = run(*hit, events)
    office = run(*hit, "agencies.Federal.hours=office", events)
    assert (always_open["captured"], always_open["db_hit_queries"]) == (1, 1)
    assert (office["captured"], office["stops_released"], office["db_hit_queries"]) == (0, 1, 1)


def test_the_owner_writes_the_flag_in_his_convention():
    scenario = load_scenario(MINIMAL, ("names={variation: 3}", "agencies.Federal.convention=nl"))
    spellings = set()
    for replication in range(30):
        model = Model(scenario, seed=1, replication=replication)
        model.run()
        spellings |= model.databases["BNG"].files.records
    assert len(spellings) > 1 and "Salah Abdeslam" in spellings


# --- a better matcher never costs captures ----------------------------------------------------

# Each matcher links every pair the previous one links (normalised strings equal when the strings
# are; Metaphone codes equal when the normalised strings are). The model holds no other people's
# names, so none of them makes a false link: recall rises at equal precision.
CHAIN = [
    ("databases.BNG.matcher=exact", "databases.BNG.normalise=false"),
    ("databases.BNG.matcher=exact", "databases.BNG.normalise=true"),
    ("databases.BNG.matcher=metaphone", "databases.BNG.normalise=true"),
]
FAST = ("tips.noise=[]",)  # noise tips cost time, not the property


def test_capture_probability_never_falls_when_recall_rises():
    runs = 150
    captured = []
    for overrides in CHAIN:
        scenario = load_scenario(BASE, (*FAST, *overrides))
        records = [Model(scenario, seed=7, replication=r).run() for r in range(runs)]
        captured.append(sum(r["captured"] for r in records))
    assert captured == sorted(captured), f"captures along the chain: {captured} of {runs}"
    assert captured[-1] > captured[0], f"a better matcher should help: {captured} of {runs}"


@pytest.mark.parametrize("agency", ["DR3", "Mechelen", "MIT"])
def test_every_agency_spells_names_from_its_own_stream(agency):
    model = Model(load_scenario(BASE), seed=1, replication=0)
    stream = model.agencies[agency].names_stream  # registered when first drawn from
    assert stream.name == f"names:{agency}"
    assert f"names:{agency}" in model.streams.names
    others = [a for a in model.agencies.values() if a.name != agency]
    assert all(other.names_stream is not stream for other in others)


# --- false links: other people's names taken for a wanted one ---------------------------------

NOISY = (
    "tips.noise=[{rate: 20/day, reporters: {Federal: 1}, names_others: 1}]",
    "databases.BNG.others_wanted=300",
)


@pytest.mark.parametrize(("method", "false_links"), [("exact", False), ("match_rating", True)])
def test_only_a_loose_matcher_takes_other_people_for_wanted_ones(method, false_links):
    record = run(*NOISY, f"databases.BNG.matcher={method}", f"events=[{FLAG}]")
    assert record["tips_false"] > 200
    assert (record["name_false_links"] > 0) is false_links, record["name_false_links"]
    assert (record["raids_on_false_tips"] > 0) is false_links
