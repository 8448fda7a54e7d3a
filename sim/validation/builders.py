"""Tiny scenarios that isolate one mechanism, and a loop that runs their replications.

Each analytic case builds its scenario as a plain document (what YAML would give), validated
by :func:`sim.scenario.loader.validate_document` like any user file. The defaults switch every
other mechanism off: one zone of two communes, services open around the clock with more staff
than tips, no triage time, no forgetting, no night rule, a fugitive who never moves, and a
searching service that already knows his name. A case then adds exactly what it tests.

The start is Monday 16 Nov 2015 at midnight, so model hour ``t`` falls at hour ``t mod 24`` of
the day: the night-rule case reads its ban window straight off the model clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from sim.model.ledger import Entry
from sim.model.replication import Model
from sim.scenario.loader import validate_document
from sim.scenario.schema import Scenario

#: The name the fugitive goes by (and the name every searching service is told to look for).
NAME = "Salah Abdeslam"

#: Monday midnight: model hour t is hour (t mod 24) of the day.
START = datetime(2015, 11, 16, 0, 0)

#: More analysts and search teams than any case has tips: no queue except the one under test.
PLENTY = 10_000

Document = dict[str, Any]


def hours(value: float) -> str:
    """A duration in hours as a scenario writes it (``"1.5h"``), without exponent notation."""
    return f"{_plain(value)}h"


def per_hour(value: float) -> str:
    """A rate in events per hour as a scenario writes it (``"0.25/h"``)."""
    return f"{_plain(value)}/h"


def at(model_hours: float) -> datetime:
    """The wall-clock date-time of a model hour (for dated events)."""
    return START + timedelta(hours=model_hours)


def exponential(mean_hours: float) -> Document:
    """An exponential delay with the given mean."""
    return {"exponential": {"mean": hours(mean_hours)}}


def _plain(value: float) -> str:
    text = f"{value:.15f}".rstrip("0").rstrip(".")
    return text or "0"


def searcher(**extra: Any) -> Document:
    """A service that may search anywhere, knows the fugitive's name and acts at once."""
    return {
        "kind": "federal_police",
        "jurisdiction": "all",
        "staff": PLENTY,
        "raid_teams": PLENTY,
        "wanted": [NAME],
        **extra,
    }


def relay(**extra: Any) -> Document:
    """A service that cannot search: it recognises the name and passes the tip on at once."""
    return {"kind": "intelligence", "staff": PLENTY, "wanted": [NAME], **extra}


def still_fugitive() -> Document:
    """A fugitive who stays in safe house ``a`` (commune ``A``) for the whole run."""
    return {
        "name": NAME,
        "safe_houses": {"a": {"place": "A"}},
        "start_house": "a",
        "dwell": "100000d",
    }


def hop(sender: str, receiver: str, delay: Any = 0, loss: float = 0.0) -> Document:
    """A channel that passes everything from ``sender`` to ``receiver``."""
    return {"from": sender, "to": receiver, "delay": delay, "loss": loss, "filter": ["all"]}


def sightings(rate_per_hour: float, reporter: str, **extra: Any) -> Document:
    """Informants who see him wherever he is and call one service with his name and address."""
    return {
        "rate": per_hour(rate_per_hour),
        "places": "all",
        "accuracy": 1.0,
        "named": 1.0,
        "reporters": {reporter: 1.0},
        **extra,
    }


def dated_tip(model_hours: float, to: str, **where: Any) -> Document:
    """A tip reaching ``to`` at a model hour; ``where`` is house=..., place=... or current=True."""
    return {"at": at(model_hours), "tip": {"to": to, **(where or {"house": "a"})}}


def document(
    horizon_hours: float,
    agencies: dict[str, Document],
    *,
    channels: list[Document] | None = None,
    tips: Document | None = None,
    events: list[Document] | None = None,
    fugitive: Document | None = None,
    raids: Document | None = None,
    language: Document | None = None,
    name: str = "validation",
) -> Document:
    """A complete scenario document with every mechanism not named here switched off."""
    doc: Document = {
        "name": name,
        "start": START,
        "horizon": hours(horizon_hours),
        "zones": {"Z": {"communes": ["A", "B"]}},
        "places": {"A": {"neighbours": ["B"]}, "B": {"neighbours": ["A"]}},
        "agencies": agencies,
        "channels": channels or [],
        "fugitive": fugitive or still_fugitive(),
        "tips": tips or {},
        "events": events or [],
        "raids": raids or {},
    }
    if language is not None:
        doc["language"] = language
    return doc


def scenario(doc: Document) -> Scenario:
    """Validate a document exactly as a scenario file would be."""
    return validate_document(doc, file="<validation case>")


def replications(
    scen: Scenario, seed: int, runs: int, ledger: bool = False
) -> Iterator[tuple[dict[str, Any], list[Entry]]]:
    """Run replications 0..runs-1 of ``scen``; yield each record with its ledger entries."""
    for replication in range(runs):
        model = Model(scen, seed, replication, ledger=ledger)
        record = model.run()
        yield record, model.ledger.entries if ledger else []


def records(scen: Scenario, seed: int, runs: int) -> list[dict[str, Any]]:
    """The flat records of replications 0..runs-1."""
    return [record for record, _ in replications(scen, seed, runs)]


def capture_hours(scen: Scenario, seed: int, runs: int) -> list[float]:
    """Model hours at capture in each replication (NaN when the horizon came first)."""
    return [float(r["capture_day"]) * 24 for r in records(scen, seed, runs)]
