"""What the report's page shows: the data one build gathers, handed to the page as a whole."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sim.analysis.losses import TipLosses
from sim.experiments.compare import Difference
from sim.experiments.experiment import PrecisionOutcome
from sim.experiments.summary import Summary
from sim.outputs.report.diff import Difference as Setting


@dataclass(frozen=True)
class ScenarioInfo:
    """A scenario as the report introduces it."""

    name: str
    path: str
    hash: str
    description: str


@dataclass(frozen=True)
class Shown:
    """One setup's run of the replication the report tells.

    Attributes:
        scenario: the setup's name.
        story: the story's lines (see :func:`sim.outputs.story.tell`).
        outcome: how the run ends, in words.
        figure: the stem of its close-up timeline.
        story_file: the file its story is written to.
    """

    scenario: str
    story: list[str]
    outcome: str
    figure: str
    story_file: str


@dataclass(frozen=True)
class Typical:
    """The replication whose story the report tells, and why it was chosen.

    Attributes:
        replication: its index.
        why: the reason, in words.
        shown: the setups whose run of it is told: the baseline, then (in a comparison where
            the setups end differently in some replications) the one it is contrasted with.
        days: the story days of the close-up timelines (the same for every setup shown).
        elsewhere: (scenario, outcome in words) for the same replication in every other setup.
    """

    replication: int
    why: str
    shown: list[Shown]
    days: tuple[int, int]
    elsewhere: list[tuple[str, str]]

    @property
    def story(self) -> list[str]:
        """The baseline's story."""
        return self.shown[0].story


@dataclass(frozen=True)
class ReportData:
    """Everything the page shows."""

    scenarios: list[ScenarioInfo]
    summaries: list[Summary]
    differences: list[Difference]
    losses: list[TipLosses]
    settings: list[Setting]
    figures: list[str]
    typical: Typical
    seed: int
    runs: int
    command: str
    date: str
    version: str
    software: list[tuple[str, str]]
    precision: PrecisionOutcome | None = None
    index: Path = Path("index.html")
    overrides: tuple[str, ...] = ()
    changes: list[tuple[str, list[Setting]]] = field(default_factory=list)
    menu: str = ""
    robustness: str = ""
    calibration: str = ""
