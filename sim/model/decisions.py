"""Decisions that make him wanted: a service enters him in registers on what it is told.

In both cases beyond Brussels the pieces that *could have made him wanted* were reports, not
dated orders (docs/cases/FORMAT-NEEDS.md N4): the justice house's report of his absences, on
which the prosecutor could order a provisional arrest and the sentence court revoked his parole
(el-bakraoui.md B10, B11, B19); the Berlin police's drug-dealing report, on which the prosecutor
would probably have sought a warrant (amri.md A19). A tip may carry **news** (a word such as
``breach``) and an agency may have **rules** (``raises``): when it keeps a tip whose news a rule
listens to, it decides with the rule's probability to enter the name the tip gives, as the
agency has it, in the rule's databases after the rule's delay, with the rule's ground and hold.

A rule that has raised its record does not raise it again; a decision not to may be taken again
on the next tip with that news. The decision and its delay come from the agency's own stream,
``agency:NAME.raises``, so adding a rule shifts no other draw.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Protocol

from sim.core.streams import Stream
from sim.model.context import Context
from sim.model.grounds import BY_WORD
from sim.model.loop import call_at
from sim.model.observe import Seen
from sim.model.register import Register
from sim.model.tip import Tip
from sim.scenario.schema import Agency as AgencySpec
from sim.scenario.schema import Raise


class Raiser(Protocol):
    """An agency with rules: its name, its block, its stream of decisions, how it writes names."""

    name: str
    spec: AgencySpec

    @property
    def raises_stream(self) -> Stream:
        """Its decisions and their delays."""
        ...

    def written(self, tip: Tip) -> str | None:
        """The tip's name as it wrote it down."""
        ...


class Decisions:
    """The rules that raise records, during one replication.

    Args:
        ctx: what the replication's components share.
        person: the fugitive's name (whom a record raised on a tip about him concerns).
        registers: each database's register, by database name.
        on_wanted: called when a record about him is entered (he is then wanted somewhere).
    """

    def __init__(
        self,
        ctx: Context,
        person: str,
        registers: Mapping[str, Register],
        on_wanted: Callable[[], None],
    ) -> None:
        self.ctx = ctx
        self.person = person
        self.registers = registers
        self.on_wanted = on_wanted
        self.raised: set[tuple[str, int]] = set()  # (agency, rule index) that raised its record

    def consider(self, agency: Raiser, tip: Tip) -> None:
        """``agency`` has kept ``tip``: each of its rules that listens to the tip's news decides."""
        news = self.ctx.tips.news_of(tip)
        if news is None:
            return
        for index, rule in enumerate(agency.spec.raises):
            if news in rule.news and (agency.name, index) not in self.raised:
                self._decide(agency, index, rule, tip)

    def _decide(self, agency: Raiser, index: int, rule: Raise, tip: Tip) -> None:
        written = agency.written(tip)
        if written is None:  # a tip that names nobody: there is no one to enter
            return
        stream = agency.raises_stream
        seen = self.ctx.seen
        if not stream.chance(rule.probability):
            seen.note(Seen.RAISE_DECLINED, tip, agency.name, detail=written)
            return
        self.raised.add((agency.name, index))
        # Somebody else's name makes a record about somebody else (a false record).
        person = written if tip.names_other else self.person
        delay = rule.delay.sample(stream)
        enter = partial(self._enter, agency.name, rule, person, written, tip)
        call_at(self.ctx.env, delay, enter)

    def _enter(
        self, agency: str, rule: Raise, person: str, written: str, tip: Tip, _timer: object
    ) -> None:
        """The decision takes effect: the record is entered in every database of the rule."""
        ground = BY_WORD[rule.action]
        for database in rule.databases:
            self.registers[database].flag(person, written, ground, rule.holds)
        detail = f"{written} ({rule.action}) in {', '.join(rule.databases)}"
        self.ctx.seen.note(Seen.RECORD_RAISED, tip, agency, detail=detail)
        if person == self.person:
            self.on_wanted()
