"""The replication's lean event loop does what simpy's own run does (sim/model/loop.py)."""

from __future__ import annotations

import pytest
import simpy

from sim.core.streams import Stream
from sim.model.loop import Waits, call_at, run_until, start


def busy_world(
    env: simpy.Environment, timers: bool, log: list[tuple[float, str]], lean: bool = False
) -> simpy.Event:
    """Processes, interrupts and call-back timers (``call_at`` or simpy timeouts) in one run.

    With ``lean``, the walkers (processes that only wait for time) run as timed processes
    (``start``); otherwise as simpy processes yielding timeouts.

    Returns the event that ends the run (succeeded by a process half-way through).
    """
    u = Stream(7, 0, "loop test").uniform
    done = env.event()

    def walk(label: str, steps: int) -> Waits:
        log.append((env.now, f"{label} starts"))
        for step in range(steps):  # some walkers never wait, some wait no time
            yield (0.0, 0.5, u() * 2)[int(u() * 3)]
            log.append((env.now, f"{label}.{step}"))

    def walker(label: str) -> None:
        steps = walk(label, int(u() * 4))
        if lean:
            start(env, steps)
        else:
            env.process(env.timeout(delay) for delay in steps)

    def later(delay: float, label: str) -> None:
        def ring(_event: object) -> None:
            log.append((env.now, label))
            if u() < 0.3:  # timers set timers, at ties too
                later((0.0, 0.5, u())[int(u() * 3)], label + "+")
            if u() < 0.3:  # and start walkers
                walker(label + " walker")

        if timers:
            call_at(env, delay, ring)
        else:
            env.timeout(delay).callbacks.append(ring)

    def worker(k: int):
        for step in range(6):
            try:
                yield env.timeout((0.0, 1.0, u() * 3)[int(u() * 3)])
            except simpy.Interrupt:
                log.append((env.now, f"w{k} interrupted"))
            log.append((env.now, f"w{k}.{step}"))
            later(u() * 2, f"t{k}.{step}")
            if step % 2:
                walker(f"v{k}.{step}")

    workers = [env.process(worker(k)) for k in range(5)]

    def boss():
        yield env.timeout(2.5)
        workers[1].interrupt()
        yield env.timeout(4.0)
        done.succeed()
        log.append((env.now, "done"))

    env.process(boss())
    return done


@pytest.mark.parametrize(("timers", "lean"), [(False, False), (True, False), (True, True)])
def test_run_until_processes_the_events_simpy_would_in_its_order(timers: bool, lean: bool) -> None:
    simpy_log: list[tuple[float, str]] = []
    env = simpy.Environment()
    env.run(until=busy_world(env, False, simpy_log))
    ours_log: list[tuple[float, str]] = []
    ours = simpy.Environment()
    run_until(ours, busy_world(ours, timers, ours_log, lean))
    assert ours_log == simpy_log and len(simpy_log) > 60
    assert sum("walker" in line or line.startswith("v") for _t, line in simpy_log) > 20
    assert ours.now == env.now
    assert next(ours._eid) == next(env._eid)  # the same events scheduled, as a record counts them


def test_call_at_orders_ties_like_a_timeout_made_at_the_same_moment() -> None:
    env = simpy.Environment()
    order: list[str] = []
    env.timeout(1.0).callbacks.append(lambda _e: order.append("timeout first"))
    call_at(env, 1.0, lambda _e: order.append("timer second"))
    env.timeout(1.0).callbacks.append(lambda _e: order.append("timeout third"))
    env.run()
    assert order == ["timeout first", "timer second", "timeout third"]


def test_a_failure_nobody_defused_stops_the_run_as_in_simpy() -> None:
    env = simpy.Environment()

    def breaks():
        yield env.timeout(1.0)
        raise KeyError("the registry is gone")

    env.process(breaks())
    with pytest.raises(KeyError, match="the registry is gone") as raised:
        run_until(env, env.event())
    assert isinstance(raised.value.__cause__, KeyError) and env.now == 1.0


def test_a_run_whose_end_never_comes_says_so() -> None:
    env = simpy.Environment()
    call_at(env, 1.0, lambda _e: None)
    with pytest.raises(RuntimeError, match="No scheduled events left"):
        run_until(env, env.event())


def test_a_negative_delay_is_refused() -> None:
    with pytest.raises(ValueError, match="Negative delay"):
        call_at(simpy.Environment(), -0.5, lambda _e: None)


def test_a_timed_process_refuses_a_negative_wait_and_raises_its_own_failure_at_once() -> None:
    env = simpy.Environment()

    def back_in_time() -> Waits:
        yield 1.0
        yield -0.5

    start(env, back_in_time())
    with pytest.raises(ValueError, match="Negative delay"):
        run_until(env, env.event())
    assert env.now == 1.0

    def breaks() -> Waits:
        yield 2.0
        raise KeyError("the registry is gone")

    env = simpy.Environment()
    start(env, breaks())
    with pytest.raises(KeyError, match="the registry is gone"):
        run_until(env, env.event())
    assert env.now == 2.0
