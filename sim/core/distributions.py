"""Delay distributions written by their intuitive parameters.

Every random duration in a scenario (triage time, channel delay, warrant delay, dwell time...) is
one of these. They are sampled by **inversion** from a single uniform number of a named stream: the
same uniform gives a longer delay when the mean is longer, so two scenarios compared under common
random numbers stay coupled draw by draw (a larger mean can only make that draw later).

YAML forms (all values are durations with units):

``"6h"`` or ``{fixed: 6h}``
    always the same value.
``{exponential: {mean: 6h}}``
    memoryless waiting time.
``{lognormal: {median: 2h, p90: 12h}}``
    skewed delays: half are under the median, nine in ten under ``p90``.
``{uniform: {low: 1h, high: 3h}}``
    equally likely anywhere between the bounds.
``{choice: {1h: 0.7, 1d: 0.3}}``
    one of a few values with the given weights.
"""

from __future__ import annotations

import difflib
import math
import statistics
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate
from statistics import NormalDist
from typing import Protocol

import numpy as np

from sim.core.units import brief, parse_duration

_Z90 = NormalDist().inv_cdf(0.9)
#: The standard normal quantile: the function ``NormalDist().inv_cdf`` calls once it has checked
#: that 0 < p < 1 (in C since Python 3.11). Called directly, a draw saves a Python frame: a
#: replication inverts some 330 lognormal draws, whose uniforms are always inside (0, 1).
_normal_quantile: Callable[[float, float, float], float] = getattr(
    statistics, "_normal_dist_inv_cdf", lambda p, mu, sigma: NormalDist(mu, sigma).inv_cdf(p)
)


def _inv_norm(p: float) -> float:
    return _normal_quantile(p, 0.0, 1.0)


_TINY = 1e-12


class UniformSource(Protocol):
    """Anything that hands out uniform numbers in [0, 1): a named random stream."""

    def uniform(self) -> float:
        """Return the next uniform number in [0, 1)."""
        ...


class Dist(Protocol):
    """A distribution of durations in hours."""

    @property
    def mean(self) -> float:
        """Mean duration in hours."""
        ...

    def sample(self, stream: UniformSource) -> float:
        """Draw one duration in hours from ``stream``."""
        ...

    def quantiles(self, u: np.ndarray) -> np.ndarray:
        """The durations that uniforms ``u`` give by inversion (what ``sample`` gives for each)."""
        ...


@dataclass(frozen=True, slots=True)
class Fixed:
    """Always the same duration."""

    value: float

    def __reduce__(self) -> tuple[type[Fixed], tuple[object, ...]]:
        # Rebuilt from its parameters: a compiled (mypyc) frozen class cannot be
        # unpickled field by field, and a pool worker receives it pickled.
        return Fixed, (self.value,)

    @property
    def mean(self) -> float:
        """Mean duration in hours."""
        return self.value

    def sample(self, stream: UniformSource) -> float:
        """Return the fixed value (consumes no random number)."""
        return self.value

    def quantile(self, q: float) -> float:
        """Return the value at probability ``q``."""
        return self.value

    def quantiles(self, u: np.ndarray) -> np.ndarray:
        """The fixed value for every uniform."""
        return np.full(len(u), self.value)


@dataclass(frozen=True, slots=True)
class Exponential:
    """Memoryless waiting time with the given mean."""

    mean: float

    def __reduce__(self) -> tuple[type[Exponential], tuple[object, ...]]:
        # Rebuilt from its parameters: a compiled (mypyc) frozen class cannot be
        # unpickled field by field, and a pool worker receives it pickled.
        return Exponential, (self.mean,)

    def sample(self, stream: UniformSource) -> float:
        """Draw by inversion: ``-mean * ln(1 - u)``."""
        return -self.mean * math.log1p(-stream.uniform())

    def quantile(self, q: float) -> float:
        """Return the duration below which a share ``q`` of draws fall."""
        return -self.mean * math.log1p(-q)

    def quantiles(self, u: np.ndarray) -> np.ndarray:
        """Inversion of many uniforms at once."""
        return -self.mean * np.log1p(-u)


@dataclass(frozen=True, slots=True)
class LogNormal:
    """Skewed delay given by its median and 90th percentile."""

    median: float
    p90: float
    # Derived, not parameters: left out of init, comparisons and the scenario's content hash.
    sigma: float = field(default=0.0, init=False, repr=False, compare=False)
    _mu: float = field(default=0.0, init=False, repr=False, compare=False)

    def __reduce__(self) -> tuple[type[LogNormal], tuple[object, ...]]:
        # Rebuilt from its parameters: a compiled (mypyc) frozen class cannot be
        # unpickled field by field, and a pool worker receives it pickled.
        return LogNormal, (
            self.median,
            self.p90,
        )

    def __post_init__(self) -> None:
        # Computed once: every triage, delay and dwell of a replication samples from here.
        object.__setattr__(self, "sigma", math.log(self.p90 / self.median) / _Z90)
        object.__setattr__(self, "_mu", math.log(self.median))

    @property
    def mean(self) -> float:
        """Mean duration in hours."""
        return self.median * math.exp(self.sigma**2 / 2)

    def sample(self, stream: UniformSource) -> float:
        """Draw by inversion of the normal CDF."""
        u = stream.uniform()
        z = _normal_quantile(u if u > _TINY else _TINY, 0.0, 1.0)
        return math.exp(self._mu + self.sigma * z)

    def quantile(self, q: float) -> float:
        """Return the duration below which a share ``q`` of draws fall."""
        if q <= 0:
            return 0.0
        if q >= 1:
            return math.inf
        return self.median * math.exp(self.sigma * _inv_norm(q))

    def quantiles(self, u: np.ndarray) -> np.ndarray:
        """Inversion of many uniforms at once (as :meth:`sample` does for one)."""
        from scipy.special import ndtri  # imported here: validating a scenario needs no scipy

        return np.exp(self._mu + self.sigma * ndtri(np.maximum(u, _TINY)))


@dataclass(frozen=True, slots=True)
class Uniform:
    """Equally likely anywhere between two bounds."""

    low: float
    high: float

    def __reduce__(self) -> tuple[type[Uniform], tuple[object, ...]]:
        # Rebuilt from its parameters: a compiled (mypyc) frozen class cannot be
        # unpickled field by field, and a pool worker receives it pickled.
        return Uniform, (
            self.low,
            self.high,
        )

    @property
    def mean(self) -> float:
        """Mean duration in hours."""
        return (self.low + self.high) / 2

    def sample(self, stream: UniformSource) -> float:
        """Draw ``low + (high - low) * u``."""
        return self.low + (self.high - self.low) * stream.uniform()

    def quantile(self, q: float) -> float:
        """Return the duration below which a share ``q`` of draws fall."""
        return self.low + (self.high - self.low) * q

    def quantiles(self, u: np.ndarray) -> np.ndarray:
        """Inversion of many uniforms at once."""
        return self.low + (self.high - self.low) * u


@dataclass(frozen=True, slots=True)
class Choice:
    """One of a few durations with given weights (values sorted, so inversion stays monotone)."""

    values: tuple[float, ...]
    weights: tuple[float, ...]
    cumulative: tuple[float, ...] = field(default=(), init=False, repr=False, compare=False)

    def __reduce__(self) -> tuple[type[Choice], tuple[object, ...]]:
        # Rebuilt from its parameters: a compiled (mypyc) frozen class cannot be
        # unpickled field by field, and a pool worker receives it pickled.
        return Choice, (
            self.values,
            self.weights,
        )

    def __post_init__(self) -> None:
        total = sum(self.weights)
        object.__setattr__(self, "cumulative", tuple(c / total for c in accumulate(self.weights)))

    @property
    def mean(self) -> float:
        """Mean duration in hours."""
        return sum(v * w for v, w in zip(self.values, self.weights, strict=True)) / sum(
            self.weights
        )

    def sample(self, stream: UniformSource) -> float:
        """Draw a value by inverting the cumulative weights."""
        return self.quantile(stream.uniform())

    def quantile(self, q: float) -> float:
        """Return the smallest value whose cumulative weight exceeds ``q``."""
        return self.values[min(bisect_right(self.cumulative, q), len(self.values) - 1)]

    def quantiles(self, u: np.ndarray) -> np.ndarray:
        """Inversion of many uniforms at once."""
        index = np.searchsorted(np.array(self.cumulative), u, side="right")
        return np.array(self.values)[np.minimum(index, len(self.values) - 1)]


KINDS = ("fixed", "exponential", "lognormal", "uniform", "choice")
_PARAMS = {"exponential": ("mean",), "lognormal": ("median", "p90"), "uniform": ("low", "high")}
FORMS_HINT = (
    'write a duration ("6h") or one of {fixed: 6h}, {exponential: {mean: 6h}}, '
    "{lognormal: {median: 2h, p90: 12h}}, {uniform: {low: 1h, high: 3h}}, "
    "{choice: {1h: 0.7, 1d: 0.3}}"
)


def _suggest(word: str, options: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _params(kind: str, body: object) -> dict[str, float]:
    names = _PARAMS[kind]
    if not isinstance(body, dict):
        raise ValueError(f"{kind} needs a map with {', '.join(names)}; {FORMS_HINT}")
    unknown = [k for k in body if k not in names]
    if unknown:
        key = str(unknown[0])
        raise ValueError(
            f"{kind} has no parameter {key!r}{_suggest(key, names)}; it takes {', '.join(names)}"
        )
    missing = [n for n in names if n not in body]
    if missing:
        raise ValueError(f"{kind} needs {', '.join(missing)}; e.g. {FORMS_HINT}")
    return {n: parse_duration(body[n]) for n in names}


def _finite_number(value: object) -> bool:
    """A number that is not a boolean, nan or infinite (and fits a float: YAML ints may not)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer of hundreds of digits
        return False


def _choice(body: object) -> Choice:
    if not isinstance(body, dict) or not body:
        raise ValueError(
            "choice needs a map of duration: weight, e.g. {choice: {1h: 0.7, 1d: 0.3}}"
        )
    pairs = []
    for key, weight in body.items():
        if not _finite_number(weight) or weight < 0:
            raise ValueError(
                f"choice weight for {key!r} must be a number >= 0, got {brief(weight)}"
            )
        pairs.append((parse_duration(key), float(weight)))
    if sum(w for _, w in pairs) <= 0:
        raise ValueError("choice weights must not all be zero")
    pairs.sort()
    return Choice(tuple(v for v, _ in pairs), tuple(w for _, w in pairs))


def parse_dist(value: object) -> Dist:
    """Build a distribution from its YAML form (see the module docstring).

    Raises:
        ValueError: the form or its parameters are wrong; the message says how to write it.
    """
    if isinstance(value, Fixed | Exponential | LogNormal | Uniform | Choice):
        return value
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return Fixed(parse_duration(value))
    if not isinstance(value, dict) or len(value) != 1:
        raise ValueError(f"not a distribution: {value!r}; {FORMS_HINT}")
    ((kind, body),) = value.items()
    if kind not in KINDS:
        raise ValueError(f"unknown distribution {kind!r}{_suggest(str(kind), KINDS)}; {FORMS_HINT}")
    if kind == "fixed":
        return Fixed(parse_duration(body))
    if kind == "choice":
        return _choice(body)
    params = _params(kind, body)
    if kind == "exponential":
        if params["mean"] <= 0:
            raise ValueError("exponential mean must be > 0 (use a fixed 0 for no delay)")
        return Exponential(params["mean"])
    if kind == "lognormal":
        if not 0 < params["median"] < params["p90"]:
            raise ValueError("lognormal needs 0 < median < p90, e.g. {median: 2h, p90: 12h}")
        return LogNormal(params["median"], params["p90"])
    if params["low"] > params["high"]:
        raise ValueError("uniform needs low <= high, e.g. {low: 1h, high: 3h}")
    return Uniform(params["low"], params["high"])
