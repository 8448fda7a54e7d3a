"""Files for calibration tests: histories of the one-rate case, and its exact posterior.

In the one-rate case (tests/explore_cases.py) he is taken at the first informant's call, so the
capture time is exponential with the uncertain rate λ (uniform prior between RATE_LOW and
RATE_HIGH per hour). A synthetic history made from one replication at a known λ* says either
"captured between hour a and hour b" (the 48-hour bin his capture fell in) or "still at large at
the horizon". Its likelihood is exp(-λa) - exp(-λb) (or exp(-λH)), so the exact posterior is
known: a calibration must find it, and its 90 % intervals must cover λ* nine times in ten over
λ* drawn from the prior.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import yaml
from explore_cases import HORIZON, RATE_HIGH, RATE_LOW

from sim.model.replication import Model
from sim.scenario import load_scenario

#: Width of the window a synthetic history states, hours.
BIN = 48.0


def window_of(capture_h: float | None) -> tuple[float, float] | None:
    """The 48-hour window a capture at ``capture_h`` fell in (None: not taken by the horizon)."""
    if capture_h is None:
        return None
    a = math.floor(capture_h / BIN) * BIN
    return a, min(a + BIN, HORIZON)


def history_doc(window: tuple[float, float] | None, replay: str = "one-rate.yaml") -> dict:
    """A history stating the window (in days from the start), or that he was never taken."""
    if window is None:
        seen = {"not_captured_before": HORIZON / 24, "sources": "a synthetic replication"}
    else:
        span = {"from": window[0] / 24, "until": window[1] / 24}
        seen = {"captured": span, "sources": "a synthetic replication"}
    return {"name": "synthetic", "replay": replay, "observations": {"capture": seen}}


def write_history(folder: Path, window: tuple[float, float] | None, name: str) -> Path:
    """Write a synthetic history beside the case's scenario; return its path."""
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(history_doc(window)))
    return path


def synthetic_capture(folder: Path, rate: float, seed: int, replication: int) -> float | None:
    """The capture hour of one replication of the case at calling rate ``rate`` (per hour)."""
    scenario = load_scenario(folder / "one-rate.yaml", [f"tips.sightings.0.rate={rate:.12f}/h"])
    model = Model(scenario, seed, replication)
    model.run()
    return model.capture_time


def likelihood(rates: np.ndarray, window: tuple[float, float] | None) -> np.ndarray:
    """P(the history | λ) for each rate."""
    if window is None:
        return np.exp(-rates * HORIZON)
    a, b = window
    return np.exp(-rates * a) - np.exp(-rates * b)


def exact_cdf(window: tuple[float, float] | None, rates: np.ndarray) -> np.ndarray:
    """The exact posterior distribution function of λ at ``rates`` (uniform prior)."""
    grid = np.linspace(RATE_LOW, RATE_HIGH, 20_001)
    density = likelihood(grid, window)
    cumulative = np.concatenate([[0.0], np.cumsum((density[1:] + density[:-1]) / 2)])
    return np.interp(rates, grid, cumulative / cumulative[-1])


def exact_quantile(window: tuple[float, float] | None, q: float) -> float:
    """The exact posterior q-quantile of λ."""
    grid = np.linspace(RATE_LOW, RATE_HIGH, 20_001)
    return float(np.interp(q, exact_cdf(window, grid), grid))
