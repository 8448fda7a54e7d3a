"""Common random numbers: replication r of two setups sees the same fugitive and the same tips.

Only the organisation differs between brussels-2015 and its centralised variant, so the fugitive's
path and the raw tips (sightings, intercepts, noise: time, place, truth) come out identical for the
same seed and replication, as long as nothing the organisation does feeds back into the path
(an alert move after a search, an escape during one, an overnight watch that keeps him in). With
alerts off the raw tips agree exactly; the paths agree up to the first of those feedbacks.
"""

from pathlib import Path

import pytest

from sim.model.replication import Model
from sim.scenario import load_scenario

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
NO_ALERTS = ["fugitive.alert.probability=0"]


def traced(name: str, replication: int, overrides=()) -> Model:
    scenario = load_scenario(SCENARIOS / f"{name}.yaml", overrides)
    model = Model(scenario, seed=42, replication=replication, ledger=True)
    model.run()
    return model


def raw_tips(model: Model) -> list[tuple[float, str, str]]:
    """Every original tip as (time, place, 'kind; truth'), in order of creation."""
    return [(e.time_h, e.place, e.detail) for e in model.ledger.entries if e.event == "created"]


def until(rows, t_end):
    return [r for r in rows if r[0] < t_end]


def feedback_free_end(*models: Model) -> float:
    """The first hour at which either organisation could have changed his path.

    Runs end at capture; he moves on alerts, escapes and slip-outs; an overnight watch on the
    address he is at (a search deferred by the night rule) blocks his moves until the search.
    """
    end = min(model.env.now for model in models)
    for model in models:
        moved = [
            t
            for t, *_, why in model.fugitive.path
            if why.startswith(("alerted", "escaped", "slipped"))
        ]
        watched = [e.time_h for e in model.ledger.entries if e.event == "raid_deferred"]
        end = min([end, *moved, *watched])
    return end


@pytest.mark.parametrize("replication", [0, 1, 2, 3, 4])
def test_same_path_and_same_raw_tips_when_nothing_feeds_back(replication):
    frag = traced("brussels-2015", replication, NO_ALERTS)
    cent = traced("brussels-2015-centralised", replication, NO_ALERTS)
    # Runs end at capture, which the organisation decides: compare up to the earlier end.
    end = min(frag.env.now, cent.env.now)
    assert until(raw_tips(frag), end) == until(raw_tips(cent), end)
    path_end = feedback_free_end(frag, cent)
    assert until(frag.fugitive.path, path_end) == until(cent.fugitive.path, path_end)
    assert len(until(raw_tips(frag), end)) > 50  # noise included: the comparison is not empty


def test_paths_agree_until_the_first_alert_move():
    agreed = 0
    for replication in range(8):
        frag, cent = (
            traced("brussels-2015", replication),
            traced("brussels-2015-centralised", replication),
        )
        end = feedback_free_end(frag, cent)
        assert until(frag.fugitive.path, end) == until(cent.fugitive.path, end)
        agreed += len(until(frag.fugitive.path, end))
    assert agreed > 8 * 3  # itinerary legs at least


def test_different_replications_see_different_fugitives():
    # Nothing can catch him here, so every path runs the full 126 days.
    uncatchable = [*NO_ALERTS, "tips.stops=[]", "tips.sightings=[]", "events=[]"]
    paths = {tuple(traced("brussels-2015", r, uncatchable).fugitive.path) for r in range(4)}
    assert len(paths) == 4
