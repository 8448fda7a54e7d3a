"""Parts of a replication built alone: an agency, a channel, a database, a desk.

Each part receives the small shared context (:class:`sim.model.context.Context`), so a test builds
one with a fresh environment and puts the part to work without a whole model.
"""

from __future__ import annotations

from collections.abc import Generator
from datetime import datetime

import numpy as np
import pytest
import simpy

from sim.core.clock import Calendar, WorkingHours
from sim.core.streams import Streams
from sim.model.agency import Agency
from sim.model.channel import Channel
from sim.model.context import Context, Directory
from sim.model.database import Database
from sim.model.desk import DISMISSED, FORGOT, BulkLine, Desk
from sim.model.language import LanguageDesk
from sim.model.observe import Observations
from sim.model.places import Geography
from sim.model.tip import Fate, Tip, TipBook
from sim.scenario.schema import Agency as AgencySpec
from sim.scenario.schema import Channel as ChannelSpec
from sim.scenario.schema import Database as DatabaseSpec
from sim.scenario.schema import LanguageDesk as LanguageSpec
from tests.builders import NAME, START, scenario

MONDAY = Calendar(START)  # the builders' scenarios start on a Monday at midnight


def context(tracing: bool = True, seed: int = 1) -> Context:
    """A fresh context on the builders' two-zone map."""
    env = simpy.Environment()
    return Context(
        env,
        MONDAY,
        Streams(seed, 0),
        Observations(env, tracing=tracing),
        Geography(scenario()),
        TipBook(keep_roots=True),
        Directory(local_police={"Z1": "Police"}),
    )


class Inbox:
    """A stand-in for a service at the end of a channel: it keeps what it receives, and when."""

    name = "Inbox"
    language = "fr"
    languages = frozenset({"fr"})
    bilingual_share = 0.0
    jurisdiction = frozenset({"A", "B"})

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.received: list[tuple[float, Tip]] = []

    def receive(self, tip: Tip) -> None:
        self.received.append((self.ctx.env.now, tip))

    def write_name(self, name: str, heard: bool = True) -> str:
        return name

    def identify(self, name: str | None) -> float | None:
        return None


def a_tip(ctx: Context, place: str = "A", name: str | None = NAME, true: bool = True) -> Tip:
    return ctx.tips.new("event", ctx.env.now, place, "home", name, true, "fr")


# --- the desk: arithmetic against an event-by-event first-come-first-served queue ---------------


def simpy_reference(
    arrivals: list[float], triage: list[float], staff: int, hours: WorkingHours | None
) -> list[float]:
    """Start times of the same dossiers through a simpy Resource, one process each."""
    env = simpy.Environment()
    analysts = simpy.Resource(env, staff)
    starts = [0.0] * len(arrivals)

    def dossier(k: int) -> Generator[simpy.Event, object, None]:
        yield env.timeout(arrivals[k])
        if hours is not None and hours.wait(env.now) > 0:
            yield env.timeout(hours.wait(env.now))
        with analysts.request() as request:
            yield request
            starts[k] = env.now
            yield env.timeout(triage[k])

    for k in range(len(arrivals)):
        env.process(dossier(k))
    env.run()
    return starts


@pytest.mark.parametrize("staff", [1, 2, 5])
@pytest.mark.parametrize("office", [False, True])
def test_desk_arithmetic_is_a_first_come_first_served_queue(staff: int, office: bool) -> None:
    rng = np.random.Generator(np.random.PCG64(staff * 10 + office))
    arrivals = np.sort(rng.random(400) * 24 * 28)
    triage = rng.exponential(3.0, 400)
    hours = WorkingHours.daily(MONDAY, (0, 1, 2, 3, 4), 8.0, 18.0) if office else None
    bulk = BulkLine(
        arrivals, triage, np.full(400, DISMISSED, dtype=np.int8), arrivals * 0, arrivals * 0
    )
    desk = Desk(staff, hours, bulk)
    desk.close(1e9)
    _, starts = desk.bulk_served()
    expected = simpy_reference(arrivals.tolist(), triage.tolist(), staff, hours)
    assert np.allclose(starts, expected), np.max(np.abs(starts - np.array(expected)))


def test_an_admitted_dossier_waits_behind_the_bulk_that_came_before_it() -> None:
    bulk = BulkLine(
        np.array([1.0, 2.0, 9.0]),
        np.array([5.0, 5.0, 5.0]),
        np.array([DISMISSED, FORGOT, DISMISSED], dtype=np.int8),
        np.zeros(3, dtype=np.int32),
        np.zeros(3, dtype=np.int32),
    )
    desk = Desk(1, None, bulk)
    start, end = desk.admit(3.0, 2.0)  # behind the dossiers of hours 1 (to 6) and 2 (to 11)
    assert (start, end) == (11.0, 13.0)
    books = desk.close(12.0)  # the dossier of hour 9 waits behind it: still waiting at the end
    assert books.triages == 3  # hours 1 and 2, and the admitted one at 11
    assert books.wait_hours == pytest.approx(0 + 4 + 8 + 3)  # the last one's wait is censored
    assert (books.forgotten, books.dismissed, books.bulk_arrived) == (1, 1, 3)


def test_work_that_is_not_a_triage_takes_an_analyst_but_is_not_counted() -> None:
    desk = Desk(1, None)
    assert desk.admit(0.0, 4.0, counted=False) == (0.0, 4.0)
    assert desk.admit(1.0, 1.0) == (4.0, 5.0)
    assert desk.close(10.0).triages == 1


# --- an agency alone ---------------------------------------------------------------------------


def test_an_agency_alone_triages_identifies_and_passes_a_tip_on() -> None:
    ctx = context()
    spec = AgencySpec(kind="local_police", zone="Z1", triage_time="2h", wanted=(NAME,))
    police = Agency("Police", spec, ctx, None, frozenset({"A", "B"}))
    inbox = Inbox(ctx)
    desk = LanguageDesk(LanguageSpec(), None, ctx)
    police.out.append(
        Channel(
            ChannelSpec(**{"from": "Police", "to": "Inbox", "delay": "1h"}),
            "Police",
            "fr",
            inbox,
            desk,
            ctx,
        )
    )
    tip = a_tip(ctx)
    police.receive(tip)
    ctx.env.run()
    assert [(t, copy.root is tip) for t, copy in inbox.received] == [(3.0, True)]
    assert tip.fate is None  # its copy is still in flight at the inbox, which never ends it
    events = [(e.time_h, e.event) for e in ctx.seen.entries]
    assert events[:2] == [(0.0, "arrived"), (2.0, "identified")]
    assert ctx.seen.counters.tips_forgotten == 0


def test_an_agency_alone_forgets_what_its_analysts_forget() -> None:
    ctx = context(tracing=False)
    spec = AgencySpec(kind="intelligence", forget=1.0)
    service = Agency("VSSE", spec, ctx, None, frozenset())
    tips = [a_tip(ctx) for _ in range(5)]
    for tip in tips:
        service.receive(tip)
    ctx.env.run()
    assert ctx.seen.counters.tips_forgotten == 5
    assert {tip.fate for tip in tips} == {Fate.FORGOTTEN}


# --- a channel alone ---------------------------------------------------------------------------


def test_a_channel_alone_loses_or_delivers_after_its_delay() -> None:
    ctx = context(tracing=False)
    inbox = Inbox(ctx)
    spec = ChannelSpec(**{"from": "X", "to": "Inbox", "delay": "5h", "loss": 0.3})
    channel = Channel(spec, "X", "fr", inbox, LanguageDesk(LanguageSpec(), None, ctx), ctx)
    for _ in range(2000):
        channel.send(a_tip(ctx))
    ctx.env.run()
    lost = ctx.seen.counters.tips_lost_in_channel
    assert lost + len(inbox.received) == 2000
    assert abs(lost / 2000 - 0.3) < 4 * (0.3 * 0.7 / 2000) ** 0.5, lost
    assert {t for t, _ in inbox.received} == {5.0}


def test_a_wanted_filter_stops_unidentified_tips() -> None:
    ctx = context(tracing=False)
    spec = ChannelSpec(**{"from": "X", "to": "Inbox", "filter": ["wanted"]})
    channel = Channel(spec, "X", "fr", Inbox(ctx), LanguageDesk(LanguageSpec(), None, ctx), ctx)
    tip = a_tip(ctx)
    assert not channel.passes(tip)
    tip.identified = True
    assert channel.passes(tip)


# --- a database alone --------------------------------------------------------------------------


def test_a_database_alone_alerts_the_local_police_of_a_wanted_name() -> None:
    ctx = context()
    inbox = Inbox(ctx)
    ctx.directory.agencies["Police"] = inbox
    spec = DatabaseSpec(wanted=(NAME,), alerts={"to": ["local"], "delay": "1h"})
    db = Database("BNG", spec, ctx, (NAME,))
    writer = Agency(
        "DR3", AgencySpec(kind="federal_police", feeding={"delay": "2h"}), ctx, None, frozenset()
    )
    db.write(a_tip(ctx, place="B"), writer)
    db.write(a_tip(ctx, place="B", name="Somebody Else"), writer)
    ctx.env.run()
    assert [(t, tip.place) for t, tip in inbox.received] == [(3.0, "B")]
    assert (ctx.seen.counters.db_writes, ctx.seen.counters.db_alerts) == (2, 1)


def test_entries_of_a_database_without_alerts_are_counted_when_their_delay_has_passed() -> None:
    ctx = context(tracing=False)
    db = Database("BNG", DatabaseSpec(), ctx, (NAME,))
    writer = Agency(
        "DR3", AgencySpec(kind="federal_police", feeding={"delay": "2h"}), ctx, None, frozenset()
    )
    db.write(a_tip(ctx), writer)
    ctx.env.timeout(1.0).callbacks.append(lambda _e: db.write(a_tip(ctx), writer))
    ctx.env.run(until=2.5)
    db.close()  # the first entry was made at hour 2; the second is due at hour 3
    assert ctx.seen.counters.db_writes == 1


def test_a_context_builds_without_a_model() -> None:
    ctx = context()
    assert isinstance(ctx.calendar, Calendar)
    assert ctx.calendar.start == datetime(2015, 11, 16, 0, 0)


# --- the fugitive alone: a watch holds him whenever he is inside ---------------------------------


def test_a_watch_holds_him_again_when_he_comes_back_after_slipping_out() -> None:
    from sim.model.fugitive import Fugitive
    from sim.scenario.schema import Fugitive as FugitiveSpec

    ctx = context()
    spec = FugitiveSpec(
        name=NAME,
        safe_houses={"a": {"place": "A"}, "b": {"place": "B"}},
        start_house="a",
        dwell="100000d",
        alert={"probability": 1.0, "delay": "1h", "radius": "zone"},
    )
    fugitive = Fugitive(spec, ctx)
    fugitive.start()
    env = ctx.env
    env.run(until=1)
    fugitive.watch("a", 10.0)  # a deferred search of a: watched until hour 10
    env.run(until=2)
    assert fugitive.flee("slipped out")  # he gets out of a (to b) ...
    env.run(until=3)
    assert fugitive.flee("back")  # ... and comes back to a while the watch still holds
    env.run(until=4)
    fugitive.alert("A", None)  # a search nearby: he wants to leave at hour 5, but a is watched
    env.run(until=12)
    arrivals = [(round(t, 4), house) for t, _, house, _ in fugitive.path]
    assert arrivals == [(0.0, "a"), (2.0, "b"), (3.0, "a"), (round(10 + 1 / 60, 4), "b")]
