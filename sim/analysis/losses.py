"""The tip-loss waterfall: of all the true tips, where each one stopped.

A true tip (the fugitive really was at the place it names when it was observed) can die at every
step of DESIGN.md §2.3: an analyst forgets the dossier, the message is lost, it is still waiting
for an analyst or a translator when the run ends, it is judged not credible, the name is misread or
matches nobody wanted, nobody who could search the place gets it, the search is still pending, the
search finds the flat empty (after a night-rule deferral or not), or it leads to the capture. Each
true tip counts once, at the furthest step any of its copies reached (:class:`sim.model.tip.Fate`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sim.experiments.summary import Summary
from sim.model.tip import Fate


@dataclass(frozen=True)
class Step:
    """One bar of the waterfall: a readable label and the fates it counts."""

    label: str
    fates: tuple[Fate, ...]


#: The waterfall's bars, in the order a tip meets them (the order of :class:`Fate`).
STEPS: tuple[Step, ...] = (
    Step("forgotten by an analyst", (Fate.FORGOTTEN,)),
    Step("lost in a channel", (Fate.LOST_IN_CHANNEL,)),
    Step("waiting for an analyst at the end", (Fate.AWAITING_TRIAGE,)),
    Step("waiting for translation at the end", (Fate.AWAITING_TRANSLATION,)),
    Step("judged not credible", (Fate.DISMISSED,)),
    Step("misread in translation", (Fate.MISREAD,)),
    Step("name not matched", (Fate.NAME_NOT_MATCHED,)),
    Step("nobody with jurisdiction", (Fate.NO_JURISDICTION,)),
    Step("search still pending at the end", (Fate.RAID_PENDING,)),
    Step("searched: flat empty", (Fate.RAIDED_EMPTY,)),
    Step("deferred by the night rule, then empty", (Fate.DEFERRED_THEN_EMPTY,)),
)
#: The last bar: what is left.
CAPTURE_LABEL = "led to capture"

#: Each fate in words, as the waterfall and the story say it.
FATE_WORDS: dict[Fate, str] = {
    Fate.DUPLICATE: "a repeat of a tip already in hand",
    **{fate: step.label for step in STEPS for fate in step.fates},
    Fate.CAPTURED: CAPTURE_LABEL,
}


def fate_key(fate: Fate) -> str:
    """The record counter of true tips that ended in ``fate`` (``true_tips_<fate>``)."""
    return f"true_tips_{fate.name.lower()}"


@dataclass(frozen=True)
class TipLosses:
    """True tips of one scenario, summed over its runs, by where they stopped.

    Attributes:
        scenario: the scenario's name.
        runs: replications summed over.
        total: true tips in all those runs.
        lost: (label, count) for each step of :data:`STEPS`, in order.
        captured: true tips that led to the capture.
    """

    scenario: str
    runs: int
    total: int
    lost: tuple[tuple[str, int], ...]
    captured: int

    @property
    def unaccounted(self) -> int:
        """True tips with no recorded end (0 when the model's bookkeeping is complete)."""
        return self.total - self.captured - sum(n for _, n in self.lost)


def from_totals(scenario: str, runs: int, totals: Mapping[str, float]) -> TipLosses:
    """The waterfall from record counters summed over runs (``tips_true``, ``true_tips_*``)."""
    lost = tuple(
        (step.label, sum(round(totals.get(fate_key(f), 0)) for f in step.fates)) for step in STEPS
    )
    captured = round(totals.get(fate_key(Fate.CAPTURED), 0))
    return TipLosses(scenario, runs, round(totals.get("tips_true", 0)), lost, captured)


def from_summary(summary: Summary) -> TipLosses:
    """The waterfall of a summary (its counter means times its runs)."""
    keys = ["tips_true", *(fate_key(f) for f in Fate if f is not Fate.DUPLICATE)]
    totals = {k: summary.metrics.get(k, 0.0) * summary.runs for k in keys}
    return from_totals(summary.scenario, summary.runs, totals)


def from_records(scenario: str, records: Iterable[Mapping[str, int | float | str]]) -> TipLosses:
    """The waterfall of flat records (e.g. one replication's, or a store's)."""
    totals: dict[str, float] = {}
    runs = 0
    for record in records:
        runs += 1
        for key, value in record.items():
            if key == "tips_true" or key.startswith("true_tips_"):
                totals[key] = totals.get(key, 0) + float(value)
    return from_totals(scenario, runs, totals)
