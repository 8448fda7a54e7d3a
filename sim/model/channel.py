"""Channels: the directed links along which agencies pass tips to one another.

A channel has a delay distribution, a probability that a message is lost on the way (a dossier
that never arrives) and a filter on what travels: everything, only tips tied to a wanted identity,
or only tips about places in the receiver's jurisdiction. The fragmented and the centralised setups
are the same model with different channels and databases (DESIGN.md §2).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.tip import Fate, Tip
from sim.scenario.schema import Channel as ChannelSpec

if TYPE_CHECKING:
    from sim.model.agency import Agency
    from sim.model.replication import Model


class Channel:
    """One directed channel during a replication (stream ``channel:SENDER->RECEIVER``)."""

    def __init__(self, spec: ChannelSpec, sender: Agency, receiver: Agency, model: Model) -> None:
        self.spec = spec
        self.sender = sender
        self.receiver = receiver
        self.model = model
        self.stream = model.streams.stream(f"channel:{sender.name}->{receiver.name}")
        self.needs_wanted = "wanted" in spec.filter
        self.needs_jurisdiction = "jurisdiction" in spec.filter

    def passes(self, tip: Tip) -> bool:
        """True when the filter lets ``tip`` travel on this channel."""
        if self.needs_wanted and not tip.identified:
            return False
        return not (self.needs_jurisdiction and tip.place not in self.receiver.jurisdiction)

    def send(self, tip: Tip, urgent_delay: float | None = None) -> None:
        """Send a copy of ``tip``: lost, or delivered after the channel's delay.

        Args:
            tip: the tip to pass on.
            urgent_delay: an escalated tip (a phone call, not a dossier): never lost, delivered
                after this many hours instead of the channel's delay.
        """
        model = self.model
        now = model.env.now
        copy = model.copy(tip, language=self.sender.language)
        stream = self.stream
        if urgent_delay is not None:
            if model.tracing:
                model.ledger.log(
                    now,
                    "sent",
                    copy.id,
                    copy.root.id,
                    self.sender.name,
                    copy.place,
                    f"{self.receiver.name} (urgent call)",
                )
            model.env.timeout(urgent_delay).callbacks.append(lambda _e: self._arrive(copy))
            return
        if stream.chance(self.spec.loss):
            model.counters.tips_lost_in_channel += 1
            model.ledger.log(
                now, "lost", copy.id, copy.root.id, self.sender.name, copy.place, self.receiver.name
            )
            model.end(copy, Fate.LOST_IN_CHANNEL)
            return
        delay = self.spec.delay.sample(stream)
        if model.tracing:
            model.ledger.log(
                now, "sent", copy.id, copy.root.id, self.sender.name, copy.place, self.receiver.name
            )
        model.env.timeout(delay).callbacks.append(lambda _e: self._arrive(copy))

    def _arrive(self, copy: Tip) -> None:
        self.model.language.deliver(copy, self.receiver)
