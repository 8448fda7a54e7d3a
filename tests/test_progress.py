"""The progress bar's time left: measured throughput after the first batch, smoothed over a window.

Times are given to the estimator, never read from the clock: these tests replay a run's batches.
"""

from __future__ import annotations

import pytest

from sim.api.progress import Throughput, say_duration


def replay(estimator: Throughput, batches: list[tuple[float, int]]) -> None:
    for now, done in batches:
        estimator.update(now, done)


def test_no_estimate_before_the_first_batch_nor_from_what_the_store_held() -> None:
    t = Throughput()
    t.update(0.0, 800)  # 800 replications were already stored: not work done now
    assert t.rate is None and t.seconds_left(800, 1000) is None
    t.update(20.0, 850)  # the first batch also paid for starting the workers
    assert t.rate is None


def test_the_rate_is_measured_between_batches_after_the_first() -> None:
    t = Throughput()
    # start-up takes 20 s, then 50 replications every 5 s (10 a second)
    replay(t, [(0.0, 0), (20.0, 50), (25.0, 100), (30.0, 150)])
    assert t.rate == pytest.approx(10.0)
    assert t.seconds_left(150, 1150) == pytest.approx(100.0)


def test_two_workers_finishing_together_do_not_promise_the_end_in_seconds() -> None:
    t = Throughput()
    # two workers finish their first batches 0.2 s apart, then the next pair 10 s later
    replay(t, [(0.0, 0), (12.0, 50), (12.2, 100), (12.3, 150)])
    assert t.rate is None  # three batches within half a second: not yet a measurement
    replay(t, [(22.0, 200), (22.1, 250)])
    assert t.rate == pytest.approx(200 / 10.1)


def test_the_window_follows_a_change_of_speed() -> None:
    t = Throughput(window=60.0)
    fast = [(10.0 + 5 * i, 50 * (i + 1)) for i in range(40)]  # 10/s for 200 s
    replay(t, [(0.0, 0), *fast])
    assert t.rate == pytest.approx(10.0)
    now, done = fast[-1]
    slow = [(now + 25 * (i + 1), done + 50 * (i + 1)) for i in range(8)]  # then 2/s
    replay(t, slow)
    assert t.rate == pytest.approx(2.0, rel=0.15)


def test_a_round_that_asks_for_more_keeps_the_rate() -> None:
    t = Throughput()
    replay(t, [(0.0, 0), (10.0, 100), (20.0, 200), (30.0, 300)])
    t.update(31.0, 300)  # a precision target asks for more: nothing new is done yet
    assert t.rate == pytest.approx(10.0)
    assert t.seconds_left(300, 900) == pytest.approx(60.0)


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(3, "under 10 s"), (44, "about 40 s"), (420, "about 7 min"), (7200, "about 2.0 h")],
)
def test_time_left_in_words(seconds: float, words: str) -> None:
    assert say_duration(seconds) == words
