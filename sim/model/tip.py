"""Tips: pieces of information about where the fugitive might be, and how each one ends.

A tip comes into existence at a source (an informant, an intercept, a dated warning, noise) and is
handed to an agency. Each agency that passes it on makes a *copy*: the copies of one tip share its
*root*, carry the lineage (``parent_id``) and may drift from the original (a misread name, a garbled
place). The root remembers the furthest any of its copies got (its :class:`Fate`), which is what the
tip-loss waterfall counts for the true tips.

This module is the one owner of that bookkeeping: a copy's stage and end, a root's fate and what it
settles on are written only by the methods below (:class:`TipBook` for creating and ending copies,
the :class:`Tip` methods for the rest).
"""

from __future__ import annotations

from enum import IntEnum

from sim.model.grounds import NONE, Ground


class Fate(IntEnum):
    """How far a tip got, in increasing order of progress; a root keeps the maximum over copies.

    The three negative values end a *copy* without saying anything about the tip (its other copies,
    or the service that passed it on, say how it ended); a root never keeps them.
    """

    DUPLICATE = -3  # the copy reached a service that already had the tip
    STORED = -2  # an entry in a database that raises no alerts: nothing follows from it
    PASSED_ON = -1  # the copy went on as messages, alerts or database entries
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

    @property
    def says_something(self) -> bool:
        """True for the fates a root may keep (how far the tip itself got)."""
        return self > 0


#: The fates a root can end with, in order of progress (the tip-loss waterfall's steps).
ROOT_FATES: tuple[Fate, ...] = tuple(f for f in Fate if f.says_something)


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
        identified: the ground on which a service matched the name to a record (carried along;
            :data:`~sim.model.grounds.NONE`, which is falsy, while nobody has).
        garbled: the name was misread on the way.
        names_other: hidden ground truth: the name is somebody else's (a false link if matched).
        stage: where a live copy waits (its fate if the run ends before it moves on).
        fate: for a root, the furthest any copy got (None while nothing is known).
        settled: for a root, the furthest a service that passed it on had taken it itself (not
            matched, or identified without jurisdiction): its fate should every copy it passed
            on end without saying anything.
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
        self.identified: Ground = NONE
        self.garbled = False
        self.names_other = False
        self.stage = Fate.AWAITING_TRIAGE
        self.fate: Fate | None = None
        self.settled: Fate | None = None
        self.live = 0
        self.deferred = False

    def _copy(self, tip_id: int, now: float, language: str) -> Tip:
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

    # --- bookkeeping: the only writers of stage, fate, settled and deferred -----------------

    def waits(self, stage: Fate) -> None:
        """This copy now waits (for an analyst, a translator): its fate if the run ends here."""
        self.stage = stage

    def settles(self, fate: Fate) -> None:
        """The service passing this copy on took it as far as ``fate`` itself.

        Should every copy it passes on end without saying anything (each reaches a service that
        already had the tip: a loop of channels), the tip ends where it was taken furthest.
        """
        root = self.root
        if root.settled is None or fate > root.settled:
            root.settled = fate

    def reaches(self, fate: Fate) -> None:
        """The tip got as far as ``fate`` (a search's outcome, after the copy itself ended)."""
        root = self.root
        if fate.says_something and (root.fate is None or fate > root.fate):
            root.fate = fate

    def deferred_by_night(self) -> None:
        """A search this tip led to waited for the end of the night ban."""
        self.root.deferred = True

    def __repr__(self) -> str:
        return f"Tip(id={self.id}, root={self.root.id}, place={self.place!r}, true={self.true})"


class TipBook:
    """Every tip of one replication: ids, copies still in flight, and how each copy ends.

    Args:
        keep_roots: keep every original tip (for a trace), not only the true ones.

    Attributes:
        live: the copies still in flight (waiting somewhere when the run ends).
        true_roots: the true original tips, in the order they came into existence.
        roots: every original tip, when kept.
        copies: how many copies were made.
        news: what a tip says he did (a word such as ``breach``), by original tip id: few tips
            carry news, so it is kept here rather than on every copy.
    """

    __slots__ = ("_keep", "_next_id", "copies", "live", "news", "roots", "true_roots")

    def __init__(self, keep_roots: bool = False) -> None:
        self._next_id = 0
        self._keep = keep_roots
        self.live: set[Tip] = set()
        self.true_roots: list[Tip] = []
        self.roots: list[Tip] = []
        self.copies = 0
        self.news: dict[int, str] = {}

    def new(
        self,
        kind: str,
        now: float,
        place: str,
        house: str | None,
        name: str | None,
        true: bool,
        language: str,
    ) -> Tip:
        """A new original tip observed at ``now``."""
        self._next_id += 1
        tip = Tip(self._next_id, kind, now, place, house, name, true, language)
        tip.live = 1
        self.live.add(tip)
        if true:
            self.true_roots.append(tip)
        if self._keep:
            self.roots.append(tip)
        return tip

    def tell(self, tip: Tip, news: str) -> None:
        """``tip`` (an original) says he did ``news``; every copy says the same."""
        self.news[tip.root.id] = news

    def news_of(self, tip: Tip) -> str | None:
        """What ``tip`` says he did, or None (most tips say only where he is)."""
        return self.news.get(tip.root.id) if self.news else None

    def copy(self, tip: Tip, now: float, language: str) -> Tip:
        """A copy of ``tip`` to pass on (a message, a database entry, an alert)."""
        self._next_id += 1
        twin = tip._copy(self._next_id, now, language)
        twin.root.live += 1
        self.live.add(twin)
        self.copies += 1
        return twin

    def end(self, tip: Tip, fate: Fate) -> None:
        """``tip`` (a copy) goes no further; its root remembers the furthest any copy got."""
        root = tip.root
        tip.reaches(fate)
        root.live -= 1
        if root.live == 0 and root.fate is None and root.settled is not None:
            root.fate = root.settled
        self.live.discard(tip)

    def close(self) -> None:
        """The run is over: every copy still waiting ends where it waits."""
        for tip in sorted(self.live, key=lambda t: t.id):
            self.end(tip, tip.stage)

    def true_fates(self) -> dict[Fate, int]:
        """How many true original tips ended in each fate."""
        fates: dict[Fate, int] = {}
        for root in self.true_roots:
            if root.fate is not None:
                fates[root.fate] = fates.get(root.fate, 0) + 1
        return fates
