"""Grounds: what a record in a register lets a service do when a name matches it.

A record is not always an order to detain (docs/cases/FORMAT-NEEDS.md N1). The Schengen system
separates alerts for arrest from alerts for discreet checks; a German *Gefährder* status makes
every service recognise a man without giving any ground to hold him. So each record carries one
of three grounds, weakest first:

* **watch**: the name is recognised (identification, ``wanted`` channel filters, database alerts),
  but a check releases him and no search is planned on it;
* **report**: as watch, and a check that matches tells the register's keeper where and when he
  was seen (a discreet check);
* **detain**: a check holds him and an identified tip about an address in the jurisdiction of a
  service with raid teams may be searched: the only meaning a record had before.

When several records match a name, the strongest ground wins. A tip carries the ground it was
identified on (``Tip.identified``): :data:`NONE` (falsy) when nobody has matched its name.
"""

from __future__ import annotations

from enum import IntEnum


class Ground(IntEnum):
    """The ground a matching record gives, in increasing strength (``NONE``: no match)."""

    NONE = 0
    WATCH = 1
    REPORT = 2
    DETAIN = 3

    @property
    def word(self) -> str:
        """The scenario's word for it (``detain``...)."""
        return self.name.lower()


NONE, WATCH, REPORT, DETAIN = Ground.NONE, Ground.WATCH, Ground.REPORT, Ground.DETAIN

#: The scenario's action words and their grounds.
BY_WORD: dict[str, Ground] = {"watch": WATCH, "report": REPORT, "detain": DETAIN}
