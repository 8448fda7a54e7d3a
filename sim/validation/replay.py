"""The 2015-16 manhunt replayed: what the model makes of the real itinerary and dated events.

``scenarios/brussels-2015-replay.yaml`` puts the fugitive on the dated itinerary of docs/sources.md
§4 and adds the dated events (the Cambrai check before any flag, the warrants, the Molenbeek tip of
15 Nov 21:10, the Mechelen tip of 7 Dec, the searches of 10 Dec and 15 Mar). Each replication is one
way the 2015 services could have handled the same tips; we read from it:

* the capture day, beside the real arrest on 18 Mar 2016 16:30 (day 125.8, "day 126");
* the fate of the 15-16 Nov search: deferred by the night rule or not, and whether it found him;
* whether the Cambrai check released him (it always should: no flag existed yet).

Arms are paired replication by replication (common random numbers): the 2015 rules; the same
without the night rule; and the 2016 reforms (the changes of brussels-2015-centralised.yaml
applied to the replay). The contested branch in which he *was* at the Molenbeek address that
night (brussels-2015-replay-molenbeek-night.yaml) gets the same arms.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from sim.model.ledger import Entry
from sim.model.replication import Model
from sim.scenario.loader import load_document, merge_patch, validate_document
from sim.scenario.schema import Scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
REPLAY = SCENARIOS / "brussels-2015-replay.yaml"
MOLENBEEK_NIGHT = SCENARIOS / "brussels-2015-replay-molenbeek-night.yaml"
CENTRALISED = SCENARIOS / "brussels-2015-centralised.yaml"

#: The arrest: 18 Mar 2016 ~16:30 in Molenbeek (docs/sources.md §4).
REAL_ARREST = datetime(2016, 3, 18, 16, 30)

#: The tip that he was probably at an address in Molenbeek (docs/sources.md §4).
MOLENBEEK_TIP = datetime(2015, 11, 15, 21, 10)

#: The 15-16 Nov search counts as "that night's" if it starts before this (the latest reported
#: time of the search was 17:00 on 16 Nov, docs/sources.md §4).
MOLENBEEK_NIGHT_ENDS = datetime(2015, 11, 16, 17, 0)


# --- the arms ---------------------------------------------------------------------------------


def replay_document(path: Path = REPLAY, overrides: Sequence[str] = ()) -> dict[str, Any]:
    """The resolved document of a replay file (after ``extends`` and ``--set`` overrides)."""
    doc, _ = load_document(path, overrides)
    return doc


def reformed(doc: dict[str, Any], reform: Path = CENTRALISED) -> dict[str, Any]:
    """``doc`` with the changes a reform file makes to its own parent applied on top.

    The reform file's keys (minus ``extends``) are merged into ``doc`` exactly as ``extends``
    would merge them into their parent (maps merge, lists replace, null deletes).
    """
    patch = yaml.safe_load(reform.read_text(encoding="utf-8"))
    patch.pop("extends", None)
    patch["name"] = f"{doc['name']}+{patch.get('name', reform.stem)}"
    return merge_patch(doc, patch)


def arms(path: Path = REPLAY) -> dict[str, Scenario]:
    """The paired setups of one replay file: 2015 rules, no night rule, 2016 reforms."""
    base = replay_document(path)
    no_rule = replay_document(path, ["raids.night_rule=null"])
    no_rule["name"] = f"{base['name']}-no-night-rule"
    return {
        "2015 rules": validate_document(base, file=str(path)),
        "no night rule": validate_document(no_rule, file=str(path)),
        "2016 reforms": validate_document(reformed(base), file=str(path)),
    }


def with_early_sis_flag(path: Path = REPLAY) -> Scenario:
    """What if: his name had been in the Schengen files before the Cambrai check."""
    doc = replay_document(path)
    doc["name"] = f"{doc['name']}-sis-flag-before-cambrai"
    flag = {"at": "2015-03-01 12:00", "flag": {"database": "SIS", "name": "Salah Abdeslam"}}
    doc["events"] = [flag, *doc["events"]]
    return validate_document(doc, file=str(path))


# --- one replication --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplayRun:
    """What one replication of a replay says about the manhunt.

    Attributes:
        replication: the replication index.
        captured: taken before the horizon (18 Mar 2016 22:00).
        capture_day: days from the start (13 Nov 2015 22:00) to the capture (NaN if none).
        capture_how: "raid" or "stop" ("" if not captured).
        capture_house: the safe house (or place) he was taken in.
        border_released: the Cambrai check released him.
        stops_released: every stop that released him (Cambrai and Brussels patrols).
        night_search: the search the 15 Nov 21:10 tip led to: "deferred" or "not deferred" by
            the night rule (started by 16 Nov 17:00), "later" (started after that), "pending"
            (planned, not carried out when the run ended, e.g. he was taken first) or "none"
            (the tip was dismissed, forgotten or lost before anyone planned a search).
        night_search_day: when that search started (days from the start; NaN if none).
        night_search_found: that search found him.
        raids_deferred_night: every search the night rule deferred.
    """

    replication: int
    captured: bool
    capture_day: float
    capture_how: str
    capture_house: str
    border_released: bool
    stops_released: int
    night_search: str
    night_search_day: float
    night_search_found: bool
    raids_deferred_night: int


def replay_run(scen: Scenario, seed: int, replication: int) -> ReplayRun:
    """Run one replication of a replay and read the manhunt's landmarks from it."""
    model = Model(scen, seed, replication, ledger=True)
    record = model.run()
    fugitive = model.fugitive
    status, day, found = _night_search(model)
    return ReplayRun(
        replication=replication,
        captured=bool(record["captured"]),
        capture_day=float(record["capture_day"]),
        capture_how=str(record["capture_how"]),
        capture_house=(fugitive.house or fugitive.place) if record["captured"] else "",
        border_released=_released_at(model.ledger.entries, "Cambrai"),
        stops_released=int(record["stops_released"]),
        night_search=status,
        night_search_day=day,
        night_search_found=found,
        raids_deferred_night=int(record["raids_deferred_night"]),
    )


def _released_at(entries: list[Entry], place: str) -> bool:
    return any(e.event == "stop" and e.place == place and "released" in e.detail for e in entries)


def _night_search(model: Model) -> tuple[str, float, bool]:
    """The search that the 15 Nov 21:10 tip led to, if any: (status, start day, found him)."""
    tip_at = model.calendar.to_hours(MOLENBEEK_TIP)
    ends = model.calendar.to_hours(MOLENBEEK_NIGHT_ENDS)

    def from_tip(roots: list[Any]) -> bool:
        return any(r.kind == "event" and abs(r.observed - tip_at) < 1e-6 for r in roots)

    for t, raid, outcome in model.raids.done:
        if from_tip(raid.roots):
            if t > ends:
                return "later", t / 24, outcome == "captured"
            status = "deferred" if raid.deferred_h > 0 else "not deferred"
            return status, t / 24, outcome == "captured"
    if any(from_tip(raid.roots) for raid in model.raids.pending.values()):
        return "pending", math.nan, False  # planned, not carried out when the run ended
    return "none", math.nan, False


def _runs(job: tuple[Scenario, int, range]) -> list[ReplayRun]:
    scen, seed, replications = job
    return [replay_run(scen, seed, r) for r in replications]


def replay_runs(scen: Scenario, seed: int, runs: int, jobs: int = 1) -> list[ReplayRun]:
    """Replications 0..runs-1 of a replay (in ``jobs`` processes; the same runs either way)."""
    size = max(1, math.ceil(runs / (4 * max(jobs, 1))))
    work = [(scen, seed, range(a, min(a + size, runs))) for a in range(0, runs, size)]
    if jobs <= 1:
        return [run for job in work for run in _runs(job)]
    with ProcessPoolExecutor(jobs) as pool:
        return [run for chunk in pool.map(_runs, work) for run in chunk]
