"""Units a scenario is written in: durations, rates, times of day and dates.

The model's clock counts float **hours** since the scenario's start. Scenario files never hold a
bare number where a unit matters: ``"90min"``, ``"6h"``, ``"2d"``, ``"3/day"``, ``"21:00"``. Each
parser raises :class:`ValueError` with a message that says how to write the value correctly; the
scenario loader turns that into a ``FILE:LINE: key: message`` line.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time

#: Hours in one of each duration unit.
UNIT_HOURS: dict[str, float] = {
    "s": 1 / 3600,
    "sec": 1 / 3600,
    "min": 1 / 60,
    "m": 1 / 60,
    "h": 1.0,
    "hour": 1.0,
    "d": 24.0,
    "day": 24.0,
    "w": 168.0,
    "week": 168.0,
}

_DURATION = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*([a-z]+?)s?\s*$")
_RATE = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*/\s*(\d+(?:\.\d*)?)?\s*([a-z]+?)s?\s*$")
_TIME_OF_DAY = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")

#: Longest duration a scenario may write: a million days (about 2,700 years). Longer ones are
#: surely typing mistakes, and the model's clock would lose all precision adding them to hours.
MAX_DURATION_HOURS = 24.0 * 1_000_000

DURATION_HINT = 'write a number and a unit, e.g. "90min", "6h", "2d" or "1w"'
RATE_HINT = 'write events per unit of time, e.g. "3/day", "0.5/h" or "1/2w"'


def parse_duration(value: object) -> float:
    """Parse a duration such as ``"90min"``, ``"6h"`` or ``"2d"`` into hours.

    A plain ``0`` is accepted (no delay); any other bare number is refused because its unit is
    ambiguous.

    Args:
        value: the value as read from YAML.

    Returns:
        The duration in hours (>= 0).

    Raises:
        ValueError: the value is not a duration with a known unit.
    """
    if isinstance(value, bool):
        raise ValueError(f"expected a duration, got {value!r}; {DURATION_HINT}")
    if isinstance(value, int | float):
        if value == 0:
            return 0.0
        raise ValueError(f"a duration needs a unit: {value!r} is ambiguous; {DURATION_HINT}")
    if not isinstance(value, str):
        raise ValueError(f"expected a duration, got {type(value).__name__}; {DURATION_HINT}")
    match = _DURATION.match(value.lower())
    if not match:
        raise ValueError(f"{value!r} is not a duration; {DURATION_HINT}")
    number, unit = match.groups()
    if unit not in UNIT_HOURS:
        known = ", ".join(sorted({u for u in UNIT_HOURS if len(u) <= 4}))
        raise ValueError(f"unknown time unit {unit!r} in {value!r}; use one of {known}")
    hours = float(number) * UNIT_HOURS[unit]
    if hours > MAX_DURATION_HOURS:
        raise ValueError(
            f"{brief(value)} is longer than the longest duration allowed (1000000d); "
            "write a shorter one"
        )
    return hours


def parse_rate(value: object) -> float:
    """Parse a rate such as ``"3/day"``, ``"0.5/h"`` or ``"1/2w"`` into events per hour.

    Args:
        value: the value as read from YAML; ``0`` means "never".

    Returns:
        Events per hour (>= 0).

    Raises:
        ValueError: the value is not a rate with a known unit.
    """
    if isinstance(value, int | float) and not isinstance(value, bool) and value == 0:
        return 0.0
    if not isinstance(value, str):
        raise ValueError(f"expected a rate, got {value!r}; {RATE_HINT}")
    match = _RATE.match(value.lower())
    if not match:
        raise ValueError(f"{value!r} is not a rate; {RATE_HINT}")
    count, span, unit = match.groups()
    if unit not in UNIT_HOURS:
        known = ", ".join(sorted({u for u in UNIT_HOURS if len(u) <= 4}))
        raise ValueError(f"unknown time unit {unit!r} in {value!r}; use one of {known}")
    hours = float(span or 1) * UNIT_HOURS[unit]
    if hours <= 0:
        raise ValueError(f"{value!r} divides by a zero span of time; {RATE_HINT}")
    rate = float(count) / hours
    if not math.isfinite(rate):
        raise ValueError(f"{brief(value)} is too large a rate; {RATE_HINT}")
    return rate


def brief(value: object, most: int = 40) -> str:
    """A value quoted for a message, cut short if it is very long (a 400-digit number)."""
    if isinstance(value, str) and len(repr(value)) > most:
        return repr(value[: most - 5] + "...")  # still in quotes
    return shorten(repr(value), most)


def shorten(text: str, most: int) -> str:
    """``text`` cut to ``most`` characters, ending in "..." when cut."""
    return text if len(text) <= most else f"{text[: most - 3]}..."


def parse_time_of_day(value: object) -> float:
    """Parse a wall-clock time such as ``"21:00"`` into hours after midnight.

    ``"24:00"`` is accepted as the end of a day.

    Raises:
        ValueError: the value is not ``HH:MM`` within a day.
    """
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and (value == 0 or 60 <= value <= 1440)
    ):
        # YAML 1.1 reads an unquoted 21:00 as the sexagesimal integer 1260 (minutes). A small
        # bare number (8) is refused rather than read as 00:08: it almost surely meant 08:00.
        return value / 60.0
    if not isinstance(value, str):
        raise ValueError(f'expected a time of day like "21:00", got {value!r}')
    match = _TIME_OF_DAY.match(value)
    if not match:
        raise ValueError(f'{value!r} is not a time of day; write it as "HH:MM", e.g. "21:00"')
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes >= 60 or hours > 24 or (hours == 24 and minutes):
        raise ValueError(f"{value!r} is not a time of day between 00:00 and 24:00")
    return hours + minutes / 60.0


def parse_datetime(value: object) -> datetime:
    """Parse a local wall-clock date-time such as ``"2015-11-13 22:00"``.

    Raises:
        ValueError: the value is not a date-time (time zones are refused: the model runs in
            Brussels local time).
    """
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise ValueError("give a local date-time without a time zone, e.g. 2015-11-13 22:00")
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if not isinstance(value, str):
        raise ValueError(f'expected a date-time like "2015-11-13 22:00", got {value!r}')
    try:
        parsed = datetime.fromisoformat(value.strip().replace("T", " "))
    except ValueError:
        raise ValueError(
            f'{value!r} is not a date-time; write it as "YYYY-MM-DD HH:MM", e.g. "2015-11-13 22:00"'
        ) from None
    if parsed.tzinfo is not None:
        raise ValueError("give a local date-time without a time zone, e.g. 2015-11-13 22:00")
    return parsed


def format_hours(hours: float) -> str:
    """Format a duration in hours the way a scenario would write it (``"36h"``, ``"2.5d"``)."""
    for unit, size, threshold in (("d", 24.0, 48.0), ("h", 1.0, 1.0), ("min", 1 / 60, 0.0)):
        if hours >= threshold:
            return f"{_plain(hours / size)}{unit}"
    return "0min"


def _plain(number: float) -> str:
    """Three significant figures, never in exponent notation (so the text parses back)."""
    text = f"{number:.3g}"
    return f"{round(number, 1):g}" if "e" in text else text
