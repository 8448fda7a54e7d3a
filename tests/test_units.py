"""Units a scenario is written in: durations, rates, times of day, date-times."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.core.units import (
    UNIT_HOURS,
    format_hours,
    parse_datetime,
    parse_duration,
    parse_rate,
    parse_time_of_day,
)

# --- durations ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("90min", 1.5),
        ("6h", 6.0),
        ("2d", 48.0),
        ("1w", 168.0),
        ("30s", 30 / 3600),
        ("45m", 0.75),
        ("1.5h", 1.5),
        (".5h", 0.5),
        ("2 days", 48.0),
        ("3 hours", 3.0),
        ("2 weeks", 336.0),
        ("  12H ", 12.0),
        ("10sec", 10 / 3600),
        (0, 0.0),
        (0.0, 0.0),
    ],
)
def test_parse_duration_accepts_number_and_unit(text, hours):
    assert parse_duration(text) == pytest.approx(hours)


@pytest.mark.parametrize(
    ("value", "match"),
    [
        (5, r"a duration needs a unit: 5 is ambiguous; write a number and a unit"),
        (2.5, r"needs a unit: 2\.5 is ambiguous"),
        (True, r"expected a duration, got True"),
        (None, r"expected a duration, got NoneType"),
        ([1, "h"], r"expected a duration, got list"),
        ("6", r"'6' is not a duration; write a number and a unit"),
        ("h6", r"'h6' is not a duration"),
        ("-2h", r"'-2h' is not a duration"),
        ("", r"'' is not a duration"),
        ("6x", r"unknown time unit 'x' in '6x'; use one of d, day, h, hour, m, min, s, sec, w"),
        ("3 months", r"unknown time unit 'month' in '3 months'"),
    ],
)
def test_parse_duration_refuses_with_a_fix(value, match):
    with pytest.raises(ValueError, match=match):
        parse_duration(value)


def test_every_unit_is_a_positive_number_of_hours():
    assert all(hours > 0 for hours in UNIT_HOURS.values())
    assert UNIT_HOURS["d"] == 24 * UNIT_HOURS["h"] == 24 * 60 * UNIT_HOURS["min"]


@given(st.floats(min_value=1 / 60, max_value=24 * 999, allow_nan=False))
def test_format_hours_reads_back_within_rounding(hours):
    written = format_hours(hours)
    assert parse_duration(written) == pytest.approx(hours, rel=5e-3), written


def test_format_hours_reads_back_from_a_thousand_days():
    assert parse_duration(format_hours(24 * 1000)) == 24 * 1000


@pytest.mark.parametrize(
    ("hours", "text"), [(0.5, "30min"), (1.0, "1h"), (36.0, "36h"), (48.0, "2d"), (60.0, "2.5d")]
)
def test_format_hours_picks_a_readable_unit(hours, text):
    assert format_hours(hours) == text


# --- rates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "per_hour"),
    [
        ("3/day", 3 / 24),
        ("0.5/h", 0.5),
        ("1/2w", 1 / 336),
        ("2 / week", 2 / 168),
        ("12/days", 0.5),
        ("6/1h", 6.0),
        (0, 0.0),
    ],
)
def test_parse_rate_gives_events_per_hour(text, per_hour):
    assert parse_rate(text) == pytest.approx(per_hour)


@pytest.mark.parametrize(
    ("value", "match"),
    [
        ("3", r"'3' is not a rate; write events per unit of time, e\.g\. \"3/day\""),
        (3, r"expected a rate, got 3"),
        (True, r"expected a rate, got True"),
        ("3/x", r"unknown time unit 'x' in '3/x'"),
        ("1/0d", r"divides by a zero span of time"),
        ("day/3", r"'day/3' is not a rate"),
    ],
)
def test_parse_rate_refuses_with_a_fix(value, match):
    with pytest.raises(ValueError, match=match):
        parse_rate(value)


# --- times of day ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "hours"),
    [("21:00", 21.0), ("05:30", 5.5), ("0:15", 0.25), ("24:00", 24.0), (1260, 21.0), (0, 0.0)],
)
def test_parse_time_of_day(value, hours):
    # 1260 is what YAML 1.1 makes of an unquoted 21:00 (sexagesimal minutes).
    assert parse_time_of_day(value) == pytest.approx(hours)


@pytest.mark.parametrize(
    ("value", "match"),
    [
        ("25:00", r"'25:00' is not a time of day between 00:00 and 24:00"),
        ("12:60", r"not a time of day between"),
        ("24:01", r"not a time of day between"),
        ("noon", r"'noon' is not a time of day; write it as \"HH:MM\""),
        ("9h", r"write it as \"HH:MM\""),
        (9.5, r"expected a time of day like \"21:00\", got 9\.5"),
        (-60, r"expected a time of day"),
        (True, r"expected a time of day"),
    ],
)
def test_parse_time_of_day_refuses_with_a_fix(value, match):
    with pytest.raises(ValueError, match=match):
        parse_time_of_day(value)


# --- date-times -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2015-11-13 22:00", datetime(2015, 11, 13, 22)),
        ("2015-11-13T22:00", datetime(2015, 11, 13, 22)),
        (" 2016-03-18 16:40:30 ", datetime(2016, 3, 18, 16, 40, 30)),
        ("2016-03-18", datetime(2016, 3, 18)),
        (datetime(2015, 11, 14, 9, 10), datetime(2015, 11, 14, 9, 10)),
        (date(2015, 11, 14), datetime(2015, 11, 14)),
    ],
)
def test_parse_datetime(value, expected):
    assert parse_datetime(value) == expected


@pytest.mark.parametrize(
    ("value", "match"),
    [
        ("yesterday", r"'yesterday' is not a date-time; write it as \"YYYY-MM-DD HH:MM\""),
        ("2015-13-01 10:00", r"is not a date-time"),
        ("2015-11-13 22:00+01:00", r"without a time zone"),
        (datetime(2015, 11, 13, tzinfo=timezone(timedelta(hours=1))), r"without a time zone"),
        (20151113, r"expected a date-time like \"2015-11-13 22:00\", got 20151113"),
        (None, r"expected a date-time"),
    ],
)
def test_parse_datetime_refuses_with_a_fix(value, match):
    with pytest.raises(ValueError, match=match):
        parse_datetime(value)
