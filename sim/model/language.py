"""The language barrier between French- and Dutch-speaking services.

When a message reaches a service that does not work in its language, a bilingual officer reads it
with the probability of the receiver's bilingual share (58 % of Brussels officers were bilingual,
FACTS.md §1); otherwise it waits for a translator from a shared pool (a simpy resource) for a
translation time. Either way the reader writes the name again in the receiver's convention (a
Dutch reader writes the ``ou`` of a French message as ``oe``, :mod:`sim.names`), and the message
may be **misread**: the name is garbled (a fuzzy matcher may still recover it, an exact one will
not) or the place becomes a neighbouring commune (so the search goes to the wrong address).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING

import simpy

from sim.model.identity import garble
from sim.model.tip import Fate, Tip
from sim.scenario.schema import LanguageDesk as LanguageSpec

if TYPE_CHECKING:
    from sim.model.agency import Agency
    from sim.model.replication import Model


class LanguageDesk:
    """The shared translator pool and the misreading of messages across languages."""

    def __init__(self, spec: LanguageSpec, model: Model) -> None:
        self.spec = spec
        self.model = model
        self.translators = simpy.Resource(model.env, capacity=spec.translators)
        self.hours = model.working_hours(spec.hours)
        # Messages waiting for (or with) a translator, with their arrival times: waits still
        # running when the replication ends are counted then (Model.run).
        self.waiting: dict[Tip, float] = {}
        self.stream = model.streams.stream("language.desk")
        self.misread_stream = model.streams.stream("language.misread")

    def deliver(self, tip: Tip, receiver: Agency) -> None:
        """Hand ``tip`` to ``receiver``, through a bilingual officer or a translator if needed."""
        if not tip.language or tip.language in receiver.languages:
            receiver.receive(tip)
            return
        if self.stream.chance(receiver.spec.bilingual_share):
            self._respell(tip, receiver)
            self._maybe_misread(tip, self.spec.misread_bilingual)
            tip.language = receiver.language
            receiver.receive(tip)
            return
        self.model.env.process(self._translate(tip, receiver))

    def _translate(self, tip: Tip, receiver: Agency) -> Generator[simpy.Event, object, None]:
        model = self.model
        env = model.env
        arrived = env.now
        self.waiting[tip] = arrived
        tip.stage = Fate.AWAITING_TRANSLATION
        if self.hours is not None:
            wait = self.hours.wait(arrived)
            if wait > 0:
                yield env.timeout(wait)
        request = self.translators.request()
        yield request
        yield env.timeout(self.spec.translation_time.sample(self.stream))
        self.translators.release(request)
        del self.waiting[tip]
        counters = model.counters
        counters.tips_translated += 1
        counters.translation_wait_hours += env.now - arrived
        model.ledger.log(env.now, "translated", tip.id, tip.root.id, receiver.name, tip.place)
        self._respell(tip, receiver)
        self._maybe_misread(tip, self.spec.misread_translated)
        tip.language = receiver.language
        tip.stage = Fate.AWAITING_TRIAGE
        receiver.receive(tip)

    @staticmethod
    def _respell(tip: Tip, receiver: Agency) -> None:
        """The reader writes the name again, in the receiver's convention."""
        if tip.name is not None:
            tip.name = receiver.write_name(tip.name)

    def _maybe_misread(self, tip: Tip, probability: float) -> None:
        stream = self.misread_stream
        if not stream.chance(probability):
            return
        model = self.model
        model.counters.tips_misread += 1
        if tip.name is not None and stream.chance(self.spec.misread_name_share):
            tip.name = garble(tip.name, stream)
            tip.garbled = True
            tip.identified = False  # the reader no longer sees the wanted name
            detail = f"name read as {tip.name}"
        else:
            near = model.geography.neighbours.get(tip.place) or (tip.place,)
            tip.place = near[min(int(stream.uniform() * len(near)), len(near) - 1)]
            tip.house = None
            detail = f"place read as {tip.place}"
        model.ledger.log(model.env.now, "misread", tip.id, tip.root.id, "", tip.place, detail)
