"""Where a command writes, and what it calls a scenario: never another scenario's folder or name.

A scenario is called by its name. Two things could make two different models share a name, and so
a folder of figures: ``--set`` overrides (``sim run brussels-2015.yaml --set raids.night_rule=null``
is not brussels-2015), and a variant file that ``extends`` another without a ``name:`` of its
own. The first is labelled with its overrides, the second with its short content hash, in the
folder's name and in the tables and figures alike. Long folder names are shortened by
:func:`sim.outputs.files.shorten`: their start, cut at a dash, and a hash of the whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.scenario import Scenario

#: Where every command writes unless told otherwise.
REPORTS = Path("reports")


def overrides_text(sets: Sequence[str] | None) -> str:
    """The overrides as the user typed them, for labels: ``--set a.b=1 --set c=null``."""
    return " ".join(f"--set {text}" for text in sets or ())


def label(
    path: Path, scenario: Scenario, sets: Sequence[str] | None = None, show_sets: bool = True
) -> str:
    """The scenario's name in tables and figures, told apart from the file it was made from.

    ``brussels-2015`` for the file itself; ``brussels-2015 --set raids.night_rule=null`` with
    overrides (unless ``show_sets`` is false: a comparison applies them to every setup and says
    so once); ``brussels-2015 [9c9a7173]`` for a variant that kept its parent's name.
    """
    from sim.scenario import load_document, scenario_hash

    shown = [text for text in sets or () if not text.startswith("name=")]  # the name shows it
    if shown and show_sets:
        return f"{scenario.name} {overrides_text(shown)}"
    _, lines = load_document(path, sets or ())
    named_in = lines.get(("name",), (str(path), 0))[0]
    if named_in not in (str(path), "--set"):  # the name comes from the file it extends
        return f"{scenario.name} [{scenario_hash(scenario)[:8]}]"
    return scenario.name


def folder(*parts: str) -> Path:
    """``reports/<parts joined by dashes>``, file-name-safe and at most 60 characters."""
    from sim.outputs.files import shorten, slug

    return REPORTS / shorten("-".join(slug(part) for part in parts if part))


def report_folder(labels: Sequence[str]) -> Path:
    """The folder of a report: ``report-A``, or ``report-`` and the comparison's folder name."""
    if len(labels) == 1:
        return folder("report", labels[0])
    return folder("report", compare_folder(labels).name)


def compare_folder(labels: Sequence[str]) -> Path:
    """The folder of a comparison: ``compare-A-vs-B``, or ``compare-A-vs-7-others-<hash>``."""
    from sim.outputs.files import short_hash

    if len(labels) == 2:
        return folder("compare", labels[0], "vs", labels[1])
    every = short_hash("\n".join(labels))  # another list of setups, another folder
    return folder("compare", labels[0], "vs", f"{len(labels) - 1}-others", every)
