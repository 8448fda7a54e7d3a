"""Saying a scenario's warnings (lines that can never take effect) once, one line each.

Loading a scenario raises a :class:`~sim.scenario.notices.ScenarioWarning` for each such line. A
command prints each as ``FILE:LINE: key.path: warning: ...`` on stderr when it loads the files it
was given, and keeps quiet the repeats raised while it runs (a sweep's points, attribution's
frictionless variants are loaded again from the same file).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console


@contextmanager
def shown_warnings(say: Console) -> Iterator[None]:
    """Print each scenario warning raised inside on ``say``; other warnings go on as usual."""
    from sim.scenario import Problem
    from sim.scenario.notices import ScenarioWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ScenarioWarning)
        try:
            yield
        finally:
            for record in caught:
                if isinstance(record.message, ScenarioWarning):
                    found = record.message.problem
                    said = Problem(found.file, found.line, found.path, f"warning: {found.message}")
                    say.print(str(said), markup=False)
                else:
                    warnings.showwarning(
                        record.message, record.category, record.filename, record.lineno
                    )


@contextmanager
def quiet_scenario_warnings() -> Iterator[None]:
    """Keep the scenario warnings raised inside quiet (they were said when the files loaded)."""
    from sim.scenario.notices import ScenarioWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        yield
