"""The work a replication is expected to be (sim/scenario/workload.py), against what runs do.

The estimate prices a run before it starts (sim/experiments/preflight.py), so it must follow
the counts the model produces: the tips created, the copies that travel (channels and escalation
calls) and the fugitive's moves, erring on the side of more work.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.experiments import preflight
from sim.model.replication import Model
from sim.scenario import load_scenario
from sim.scenario.workload import expected_work

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "scenarios" / "minimal.yaml"
BRUSSELS = ROOT / "scenarios" / "brussels-2015.yaml"
RUNS = 40

#: False tips reported to the western zone's police (who do not know him), a third naming him.
NOISE = "tips.noise=[{rate: 20/day, reporters: {Police-Ouest: 1}, names_fugitive: 0.3}]"
#: ... who believe one false tip in ten, so that most end in the desk's bulk line.
DOUBTS = "agencies.Police-Ouest.belief={true_tip: 0.9, false_tip: 0.1}"
#: ... whose officers call up at once every tip naming a wanted person.
ESCALATES = "agencies.Police-Ouest.escalation={delay: 30min}"


def measured(path: Path, overrides: list[str]) -> dict[str, float]:
    """Mean tips, copies, moves and simulation events over :data:`RUNS` replications.

    No capture cuts them short (the raiding service has no teams).
    """
    scenario = load_scenario(path, [*overrides, "agencies.Federal.raid_teams=0"])
    totals = {"tips": 0.0, "copies": 0.0, "moves": 0.0, "events": 0.0}
    for replication in range(RUNS):
        record = Model(scenario, seed=3, replication=replication).run()
        totals["tips"] += record["tips_false"] + record["tips_true"]
        totals["copies"] += record["tip_copies"]
        totals["moves"] += record["fugitive_moves"]
        totals["events"] += record["sim_events"]
    return {key: value / RUNS for key, value in totals.items()}


def test_tips_and_moves_are_what_runs_create():
    overrides = [NOISE, DOUBTS]
    work = expected_work(load_scenario(MINIMAL, overrides))
    seen = measured(MINIMAL, overrides)
    assert seen["tips"] == pytest.approx(work.tips, rel=0.1)
    assert seen["moves"] == pytest.approx(work.moves, rel=0.35)  # ~2 moves a run: noisy


def test_escalation_calls_count_as_work_that_travels():
    # An escalated false tip leaves the desk's bulk line (arithmetic, no event) for a visit of
    # its own (events): the estimate counts each call as a copy that travels.
    plain = expected_work(load_scenario(MINIMAL, [NOISE, DOUBTS]))
    escalating = expected_work(load_scenario(MINIMAL, [NOISE, DOUBTS, ESCALATES]))
    calls = escalating.copies - plain.copies
    assert calls == pytest.approx(plain.tips * 0.3, rel=0.05)  # every tip naming somebody
    seen_plain = measured(MINIMAL, [NOISE, DOUBTS])
    seen_escalating = measured(MINIMAL, [NOISE, DOUBTS, ESCALATES])
    assert seen_escalating["events"] - seen_plain["events"] > calls
    assert seen_escalating["copies"] <= 1.1 * escalating.copies  # an upper bound, as documented


def test_a_reform_menu_is_priced_in_minutes_and_a_flood_of_tips_in_hours():
    brussels = load_scenario(BRUSSELS)
    # The estimate is arithmetic on expected counts and fixed prices: no clock is read.
    menu = preflight.estimate([(brussels, 1000)] * 8, jobs=2)
    assert 30 < menu.seconds < 600, menu.describe()
    flood = load_scenario(MINIMAL, ["tips.noise=[{rate: 3000/day, reporters: {Federal: 1}}]"])
    assert preflight.estimate([(flood, 20_000)], jobs=1).over_ceiling
