"""The language barrier between French- and Dutch-speaking services.

When a message reaches a service that does not work in its language, a bilingual officer reads it
with the probability of the receiver's bilingual share (58 % of Brussels officers were bilingual,
docs/sources.md §1); otherwise it waits for a translator from a shared pool (a simpy resource) for a
translation time. Either way the reader writes the name again in the receiver's convention (a
Dutch reader writes the ``ou`` of a French message as ``oe``, :mod:`sim.names`), and the message
may be **misread**: the name is garbled (a fuzzy matcher may still recover it, an exact one will
not) or the place becomes a neighbouring commune (so the search goes to the wrong address).
"""

from __future__ import annotations

from collections.abc import Generator

import simpy

from sim.core.clock import WorkingHours
from sim.model.context import Context, Receiver
from sim.model.grounds import NONE
from sim.model.identity import garble
from sim.model.observe import Seen
from sim.model.tip import Fate, Tip
from sim.scenario.schema import LanguageDesk as LanguageSpec


class LanguageDesk:
    """The shared translator pool and the misreading of messages across languages.

    Args:
        spec: the scenario's ``language`` block.
        hours: the translators' working hours (None: around the clock).
        ctx: what the replication's components share.
    """

    def __init__(self, spec: LanguageSpec, hours: WorkingHours | None, ctx: Context) -> None:
        self.spec = spec
        self.ctx = ctx
        self.translators = simpy.Resource(ctx.env, capacity=spec.translators)
        self.hours = hours
        # Messages waiting for (or with) a translator, with their arrival times: waits still
        # running when the replication ends are counted then (close()).
        self.waiting: dict[Tip, float] = {}
        self.stream = ctx.streams.stream("language.desk")
        self.misread_stream = ctx.streams.stream("language.misread")

    def deliver(self, tip: Tip, receiver: Receiver) -> None:
        """Hand ``tip`` to ``receiver``, through a bilingual officer or a translator if needed."""
        if not tip.language or tip.language in receiver.languages:
            receiver.receive(tip)
            return
        if self.stream.chance(receiver.bilingual_share):
            self._read(tip, receiver, self.spec.misread_bilingual)
            receiver.receive(tip)
            return
        self.ctx.env.process(self._translate(tip, receiver))

    def _translate(self, tip: Tip, receiver: Receiver) -> Generator[simpy.Event, object, None]:
        """A message waits for the translators' office, a translator, and the translation."""
        env = self.ctx.env
        arrived = env._now
        self.waiting[tip] = arrived
        tip.waits(Fate.AWAITING_TRANSLATION)
        if self.hours is not None:
            wait = self.hours.wait(arrived)
            if wait > 0:
                yield env.timeout(wait)
        with self.translators.request() as request:
            yield request
            yield env.timeout(self.spec.translation_time.sample(self.stream))
        del self.waiting[tip]
        seen = self.ctx.seen
        seen.hours("translation_wait_hours", env._now - arrived)
        seen.note(Seen.TRANSLATED, tip, receiver.name)
        self._read(tip, receiver, self.spec.misread_translated)
        tip.waits(Fate.AWAITING_TRIAGE)
        receiver.receive(tip)

    def _read(self, tip: Tip, receiver: Receiver, misread: float) -> None:
        """The reader writes the name again in the receiver's convention, and may misread."""
        if tip.name is not None:
            tip.name = receiver.write_name(tip.name)
        self._maybe_misread(tip, misread)
        tip.language = receiver.language

    def _maybe_misread(self, tip: Tip, probability: float) -> None:
        stream = self.misread_stream
        if not stream.chance(probability):
            return
        if tip.name is not None and stream.chance(self.spec.misread_name_share):
            tip.name = garble(tip.name, stream)
            tip.garbled = True
            tip.identified = NONE  # the reader no longer sees the wanted name
            detail = f"name read as {tip.name}"
        else:
            near = self.ctx.geography.neighbours.get(tip.place) or (tip.place,)
            tip.place = near[min(int(stream.uniform() * len(near)), len(near) - 1)]
            tip.house = None
            detail = f"place read as {tip.place}"
        self.ctx.seen.note(Seen.MISREAD, tip, detail=detail)

    def close(self) -> None:
        """The run is over: add the waits still running (censored at the end)."""
        now = self.ctx.env._now
        self.ctx.seen.hours("translation_wait_hours", sum(now - t for t in self.waiting.values()))
