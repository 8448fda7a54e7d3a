"""Files for exploration tests: a scenario whose capture depends on one uncertain rate only.

Informants call a searching service that knows his name and acts at once, while he never moves
(the validation builders' switched-off world), so the capture time is the first call's: with
calls at rate λ, P(capture within T) = 1 - exp(-λT) exactly. The reform adds a second, fixed
stream of calls at rate μ, so its gain at λ is exp(-λT) (1 - exp(-μT)). A second factor sets the
analysts of a service nobody ever calls: the model never reads it, so under common random numbers
it changes no replication at all.
"""

from __future__ import annotations

import math
from pathlib import Path

import yaml

from sim.validation.builders import document, relay, searcher, sightings

#: Horizon in hours (10 days) and the range of the uncertain calling rate (per hour).
HORIZON = 240.0
RATE_LOW, RATE_HIGH = 1 / (20 * 24), 1 / (2 * 24)
#: The reform's extra calls (per hour).
EXTRA = 1 / (10 * 24)


def capture(rate: float) -> float:
    """P(capture within the horizon) at calling rate ``rate``."""
    return 1 - math.exp(-rate * HORIZON)


def gain(rate: float) -> float:
    """The reform's gain at calling rate ``rate``."""
    return math.exp(-rate * HORIZON) * (1 - math.exp(-EXTRA * HORIZON))


def _scenario(name: str, extra: bool) -> dict:
    calls = [sightings(1 / 240, "Police", sources="assumption: how often informants call")]
    if extra:
        calls.append(sightings(EXTRA, "Police", sources="the reform: a second informant"))
    doc = document(
        HORIZON,
        {"Police": searcher(), "Idle": relay(staff=3, sources="assumption: never called")},
        tips={"sightings": calls},
        name=name,
    )
    doc["start"] = doc["start"].strftime("%Y-%m-%d %H:%M")
    return doc


UNCERTAINTY = {
    "name": "one-rate",
    "scenario": "one-rate.yaml",
    "factors": {
        "rate": {
            "label": "how often informants call",
            "paths": ["tips.sightings.0.rate"],
            "uniform": {"low": f"{RATE_LOW * 24}/day", "high": f"{RATE_HIGH * 24}/day"},
            "sources": "the known-answer case",
        },
        "idle_staff": {
            "label": "analysts of a service nobody calls",
            "paths": ["agencies.Idle.staff"],
            "integers": {"low": 1, "high": 9},
            "sources": "a number the model never reads for the capture",
        },
    },
}


def write_case(folder: Path) -> tuple[Path, Path]:
    """Write the scenario, its reform and the uncertainty file; return (uncertainty, reform)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "one-rate.yaml").write_text(yaml.safe_dump(_scenario("one-rate", False)))
    reform = folder / "more-informants.yaml"
    reform.write_text(yaml.safe_dump(_scenario("more-informants", True)))
    uncertainty = folder / "one-rate-uncertainty.yaml"
    uncertainty.write_text(yaml.safe_dump(UNCERTAINTY, sort_keys=False))
    return uncertainty, reform


def write_weaker(folder: Path) -> Path:
    """A second reform beside :func:`write_case`'s: fewer extra calls (0.002 an hour)."""
    doc = _scenario("weaker", True)
    doc["tips"]["sightings"][1]["rate"] = "0.002/h"
    path = folder / "weaker.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path
