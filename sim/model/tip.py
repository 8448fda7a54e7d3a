"""Tips: pieces of information about where the fugitive might be, and how each one ends.

A tip comes into existence at a source (an informant, an intercept, a dated warning, noise) and is
handed to an agency. Each agency that passes it on makes a *copy*: the copies of one tip share its
*root*, carry the lineage (``parent_id``) and may drift from the original (a misread name, a garbled
place). The root remembers the furthest any of its copies got (its :class:`Fate`), which is what the
tip-loss waterfall counts for the true tips.
"""

from __future__ import annotations

from enum import IntEnum


class Fate(IntEnum):
    """How far a tip got, in increasing order of progress; a root keeps the maximum over copies."""

    DUPLICATE = 0  # a copy that added nothing (the agency already had the tip; a stored entry)
    FORGOTTEN = 1  # an analyst never passed the dossier on
    LOST_IN_CHANNEL = 2  # the message never arrived
    AWAITING_TRIAGE = 3  # still waiting for an analyst (or office hours) at the end
    AWAITING_TRANSLATION = 4  # still waiting for a translator at the end
    DISMISSED = 5  # triaged and judged not credible
    MISREAD = 6  # the name was garbled in translation, so it no longer matched
    NAME_NOT_MATCHED = 7  # the name as written matched no wanted record anyone could see
    NO_JURISDICTION = 8  # identified, but never reached a service able to search the place
    RAID_PENDING = 9  # a search was planned but had not happened by the end
    RAIDED_EMPTY = 10  # searched, he was not there
    DEFERRED_THEN_EMPTY = 11  # searched after a night-rule deferral, he was not there
    CAPTURED = 12  # the search found him

    @property
    def label(self) -> str:
        """Readable label for tables and plots."""
        return self.name.lower().replace("_", " ")


class Tip:
    """One copy of a tip, as held by one agency.

    Attributes:
        id: unique within the replication.
        root: the original tip (itself for an original).
        parent_id: id of the copy this one was made from (-1 for an original).
        kind: the source kind ("sighting", "intercept", "event", "noise").
        created: model hour at which this copy was made.
        observed: model hour of the underlying observation.
        place: the commune the tip names.
        house: the safe house it names, or None for any other address.
        name: the name as written, or None when the tip names nobody (or it is not written yet).
        heard: a name the caller spoke that the receiving agency has not written down yet: it
            is written (in that agency's convention) the first time anyone needs it.
        true: hidden ground truth: the fugitive was at that address when observed.
        language: language the copy is written in.
        identified: the sender had matched the name to a wanted identity (carried along).
        garbled: the name was misread on the way.
        names_other: hidden ground truth: the name is somebody else's (a false link if matched).
        stage: where a live copy waits (a Fate used if the run ends before it moves on).
        fate: for a root, the furthest any copy got.
        settled: for a root, the furthest a service that passed it on had taken it itself (not
            matched, or identified without jurisdiction): its fate should every copy it passed
            on end as a duplicate.
        live: for a root, how many copies are still in flight.
        deferred: for a root, whether a search it led to was deferred by the night rule.
    """

    __slots__ = (
        "created",
        "deferred",
        "fate",
        "garbled",
        "heard",
        "house",
        "id",
        "identified",
        "kind",
        "language",
        "live",
        "name",
        "names_other",
        "observed",
        "parent_id",
        "place",
        "root",
        "settled",
        "stage",
        "true",
    )

    def __init__(
        self,
        tip_id: int,
        kind: str,
        observed: float,
        place: str,
        house: str | None,
        name: str | None,
        true: bool,
        language: str,
    ) -> None:
        self.id = tip_id
        self.root = self
        self.parent_id = -1
        self.kind = kind
        self.created = observed
        self.observed = observed
        self.place = place
        self.house = house
        self.name = name
        self.heard: str | None = None
        self.true = true
        self.language = language
        self.identified = False
        self.garbled = False
        self.names_other = False
        self.stage = Fate.AWAITING_TRIAGE
        self.fate = Fate.DUPLICATE
        self.settled = Fate.DUPLICATE
        self.live = 0
        self.deferred = False

    def copy(self, tip_id: int, now: float, language: str) -> Tip:
        """A copy of this tip made at ``now`` to send on, written in ``language``."""
        twin = Tip(
            tip_id, self.kind, self.observed, self.place, self.house, self.name, self.true, language
        )
        twin.root = self.root
        twin.parent_id = self.id
        twin.created = now
        twin.identified = self.identified
        twin.garbled = self.garbled
        twin.names_other = self.names_other
        return twin

    def __repr__(self) -> str:
        return f"Tip(id={self.id}, root={self.root.id}, place={self.place!r}, true={self.true})"
