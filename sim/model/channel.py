"""Channels: the directed links along which agencies pass tips to one another.

A channel has a delay distribution, a probability that a message is lost on the way (a dossier
that never arrives) and a filter on what travels: everything, only tips tied to a wanted identity,
or only tips about places in the receiver's jurisdiction. The fragmented and the centralised setups
are the same model with different channels and databases (DESIGN.md §2).
"""

from __future__ import annotations

from sim.core.streams import Stream
from sim.model.context import Context, Receiver
from sim.model.language import LanguageDesk
from sim.model.loop import call_at
from sim.model.observe import Seen
from sim.model.tip import Fate, Tip
from sim.scenario.schema import Channel as ChannelSpec


class Channel:
    """One directed channel during a replication (stream ``channel:SENDER->RECEIVER``).

    Args:
        spec: the channel's block of the scenario.
        sender: the sending agency's name.
        language: the language the sender writes in.
        receiver: the service at the other end.
        desk: the language desk that hands messages over.
        ctx: what the replication's components share.
    """

    def __init__(
        self,
        spec: ChannelSpec,
        sender: str,
        language: str,
        receiver: Receiver,
        desk: LanguageDesk,
        ctx: Context,
    ) -> None:
        self.spec = spec
        self.sender = sender
        self.language = language
        self.receiver = receiver
        self.desk = desk
        self.ctx = ctx
        self._stream: Stream | None = None
        self.needs_wanted = "wanted" in spec.filter
        self.needs_jurisdiction = "jurisdiction" in spec.filter

    @property
    def stream(self) -> Stream:
        """Losses and delays (``channel:SENDER->RECEIVER``), registered when first drawn from."""
        stream = self._stream
        if stream is None:  # registered when first drawn from
            stream = self._stream = self.ctx.streams.stream(
                f"channel:{self.sender}->{self.receiver.name}"
            )
        return stream

    def passes(self, tip: Tip) -> bool:
        """True when the filter lets ``tip`` travel on this channel."""
        if self.needs_wanted and not tip.identified:
            return False
        return not (self.needs_jurisdiction and tip.place not in self.receiver.jurisdiction)

    def unidentified_places(self, places: tuple[str, ...]) -> frozenset[str]:
        """The places about which the filter lets a tip nobody identified travel."""
        if self.needs_wanted:
            return frozenset()
        if self.needs_jurisdiction:
            return frozenset(places) & self.receiver.jurisdiction
        return frozenset(places)

    def send(self, tip: Tip, urgent_delay: float | None = None) -> None:
        """Send a copy of ``tip``: lost, or delivered after the channel's delay.

        Args:
            tip: the tip to pass on.
            urgent_delay: an escalated tip (a phone call, not a dossier): never lost, delivered
                after this many hours instead of the channel's delay.
        """
        ctx = self.ctx
        copy = ctx.tips.copy(tip, ctx.now, self.language)
        to = self.receiver.name
        if urgent_delay is not None:
            ctx.seen.note(Seen.SENT, copy, self.sender, detail=f"{to} (urgent call)")
            self._deliver_after(copy, urgent_delay)
            return
        if self.stream.chance(self.spec.loss):
            ctx.seen.note(Seen.LOST, copy, self.sender, detail=to)
            ctx.tips.end(copy, Fate.LOST_IN_CHANNEL)
            return
        ctx.seen.note(Seen.SENT, copy, self.sender, detail=to)
        self._deliver_after(copy, self.spec.delay.sample(self.stream))

    def _deliver_after(self, copy: Tip, delay: float) -> None:
        call_at(self.ctx.env, delay, lambda _e: self.desk.deliver(copy, self.receiver))
