"""Other people's names: the population a wanted name must be told apart from.

A police database holds mostly other people (the Belgian central police database held 1.77 M persons
in 2012, docs/sources.md §2). How often a matcher links a wanted name to somebody else depends on
how alike the names of that population are. This module generates one, deterministically, from short
lists of Maghrebi, Turkish, Flemish and French given names and surnames written for this project
(common names, in the spelling a Belgian register would hold). The mix of origins is an
**assumption** for Brussels; nothing is downloaded.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from functools import lru_cache
from typing import Protocol

import numpy as np

from sim.core.streams import stable_hash

MAGHREBI_GIVEN = (
    "Mohamed", "Mohammed", "Ahmed", "Youssef", "Karim", "Rachid", "Said", "Samir", "Nabil",
    "Mustapha", "Hamza", "Bilal", "Ayoub", "Soufiane", "Mehdi", "Khalid", "Abdelkader",
    "Abdelhamid", "Abdelaziz", "Abdellah", "Abdeslam", "Ibrahim", "Brahim", "Ismail", "Omar",
    "Othmane", "Zakaria", "Anouar", "Driss", "Hicham", "Hassan", "Hussein", "Jamal", "Djamel",
    "Nordine", "Redouane", "Tarik", "Yassine", "Younes", "Walid", "Fouad", "Salah", "Najim",
    "Farid", "Mourad", "Reda", "Ilyas", "Adil", "Aziz", "Chakib", "Fatima", "Khadija", "Aicha",
    "Nadia", "Samira", "Leila", "Malika", "Naima", "Souad", "Hafsa", "Meryem", "Yasmina", "Zineb",
    "Houda", "Loubna", "Salma", "Imane", "Sanae", "Rachida", "Latifa",
)  # fmt: skip
MAGHREBI_SURNAMES = (
    "El Bakraoui", "Abdeslam", "Abaaoud", "Laachraoui", "Amri", "Benali", "Bouzid", "Belkacem",
    "El Idrissi", "Alaoui", "Benjelloun", "Chaoui", "El Amrani", "Bennani", "Ouali", "Haddad",
    "Mansouri", "Tazi", "Lahlou", "Berrada", "Ziani", "El Khattabi", "Azzouzi", "Boukhari",
    "Cherkaoui", "Daoudi", "Hamdaoui", "Kaddouri", "Moussaoui", "Ouazzani", "Rahmouni", "Slimani",
    "Zerouali", "Benhaddou", "Chakir", "Dahmani", "El Ouardi", "Essafi", "Ghazali", "Jabri",
    "Kharbouch", "Lamrani", "Meziane", "Naciri", "Sabri", "Tahiri", "Bouchiki", "El Hajji",
    "Abdellaoui", "Aouragh", "Boulahfa", "Charkaoui", "Dkhissi", "El Fassi", "Fikri", "Habchi",
    "Kasmi", "Mabrouk", "Ouahabi", "Rachidi", "Souiri", "Touhami", "Zaoui", "Bakkali", "Achahbar",
    "El Moussaoui", "Bouhlal", "Chentouf", "Derkaoui", "Jaouhari",
)  # fmt: skip
TURKISH_GIVEN = (
    "Mehmet", "Mustafa", "Ahmet", "Ali", "Hüseyin", "Hasan", "İbrahim", "Murat", "Emre", "Burak",
    "Yusuf", "Ömer", "Cemal", "Kemal", "Serkan", "Fatih", "Osman", "Halil", "Süleyman", "Recep",
    "Ramazan", "Orhan", "Erkan", "Volkan", "Hakan", "Selim", "Tarık", "Yasin", "Onur", "Cem",
    "Ayşe", "Fatma", "Emine", "Zeynep", "Elif", "Hatice", "Merve", "Esra", "Büşra", "Özlem",
    "Derya", "Gül", "Sevgi", "Hülya", "Şükran", "Nur", "Ebru", "Filiz", "Canan", "Songül",
)  # fmt: skip
TURKISH_SURNAMES = (
    "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın",
    "Özdemir", "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt", "Özkan",
    "Şimşek", "Polat", "Korkmaz", "Erdoğan", "Güneş", "Aksoy", "Taş", "Akın", "Bulut", "Keskin",
    "Ünal", "Uçar", "Yavuz", "Turan", "Ekinci", "Bozkurt", "Erdem", "Sarı", "Karaca", "Tekin",
    "Çakır", "Güler", "Acar", "Kaplan", "Özer", "Tunç", "Duman", "Coşkun", "Avcı", "Sönmez",
    "Bayram",
)  # fmt: skip
FLEMISH_GIVEN = (
    "Jan", "Pieter", "Koen", "Bart", "Wim", "Tom", "Joris", "Stijn", "Wouter", "Dirk", "Geert",
    "Luc", "Marc", "Filip", "Kris", "Jef", "Lieven", "Jonas", "Thijs", "Ruben", "Jens", "Sander",
    "Niels", "Bram", "Maarten", "Hendrik", "Jeroen", "Kristof", "Wannes", "Seppe", "Sofie", "Els",
    "An", "Katrien", "Liesbeth", "Annelies", "Griet", "Inge", "Hilde", "Veerle", "Lotte", "Femke",
    "Ine", "Eline", "Lien", "Nele", "Marieke", "Jolien", "Leen", "Saskia",
)  # fmt: skip
FLEMISH_SURNAMES = (
    "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters",
    "De Smet", "Vermeulen", "Van den Broeck", "De Clercq", "Lambrechts", "Hermans", "Van Damme",
    "Verstraete", "Desmet", "Declercq", "Van de Velde", "Cools", "Aerts", "Smets", "Vos",
    "Dierckx", "Michiels", "Segers", "Verhoeven", "De Vos", "Bogaert", "Coppens", "Martens",
    "Van Dyck", "Pauwels", "Wuyts", "Verbeke", "De Backer", "Stevens", "Thys", "Vandenberghe",
    "Van Acker", "Hendrickx", "Leemans", "De Wilde", "Verschueren", "Baert", "Mattheus", "Van Hove",
    "Geerts", "Luyten",
)  # fmt: skip
FRENCH_GIVEN = (
    "Jean", "Pierre", "Michel", "Philippe", "Nicolas", "Olivier", "Thomas", "Julien", "Laurent",
    "Christophe", "François", "Sébastien", "Alain", "Patrick", "Didier", "Frédéric", "Benoît",
    "Vincent", "Guillaume", "Antoine", "Maxime", "Quentin", "Cédric", "Damien", "Jérôme", "Marie",
    "Nathalie", "Isabelle", "Sophie", "Catherine", "Céline", "Julie", "Sandrine", "Valérie",
    "Anne", "Christine", "Martine", "Véronique", "Aurélie", "Émilie", "Caroline", "Camille",
    "Charlotte", "Pauline", "Manon", "Chloé", "Laura", "Sarah", "Hélène", "Delphine",
)  # fmt: skip
FRENCH_SURNAMES = (
    "Dubois", "Lambert", "Dupont", "Martin", "Simon", "Laurent", "Leroy", "Lefebvre", "Renard",
    "Leclercq", "Lemaire", "Dumont", "Denis", "Mathieu", "Gérard", "François", "Fontaine",
    "Rousseau", "Michel", "Collin", "Henry", "Masson", "Bertrand", "Petit", "Dufour", "Lejeune",
    "Marchal", "Jacquet", "Noël", "Charlier", "Hubert", "Lecomte", "Piette", "Dethier", "Hardy",
    "Poncelet", "Gilson", "Leonard", "Delvaux", "Thiry", "Warnier", "Joly", "Baudoux", "Colin",
    "Dupuis", "Servais", "Lallemand", "Gillet", "Bodart", "Deprez",
)  # fmt: skip

#: Origins with their given names, surnames and share of the population (an assumption for
#: Brussels' police files: Maghrebi and Turkish names over-represented against the census).
ORIGINS: tuple[tuple[str, tuple[str, ...], tuple[str, ...], float], ...] = (
    ("maghrebi", MAGHREBI_GIVEN, MAGHREBI_SURNAMES, 0.40),
    ("turkish", TURKISH_GIVEN, TURKISH_SURNAMES, 0.15),
    ("flemish", FLEMISH_GIVEN, FLEMISH_SURNAMES, 0.20),
    ("french", FRENCH_GIVEN, FRENCH_SURNAMES, 0.25),
)

DEFAULT_SIZE = 3000
#: A population much larger than this would spend its time redrawing namesakes.
MAX_SIZE = sum(len(given) * len(surnames) for _, given, surnames, _ in ORIGINS) // 2


class Draws(Protocol):
    """Uniform numbers with the two draws the population needs (a named stream has both)."""

    def uniform(self) -> float:
        """The next uniform number in [0, 1)."""
        ...

    def pick(self, cumulative: tuple[float, ...] | list[float]) -> int:
        """An index drawn by inverting cumulative weights."""
        ...


class FixedDraws:
    """The fixed generator the model's population is drawn from, once and for all.

    The population is part of the model, not of a replication: it is drawn from its own
    ``SeedSequence`` (seed 0, the name ``names.population``), independently of how replications
    derive their streams, so that the people a matcher must tell apart stay the same.
    """

    def __init__(self) -> None:
        sequence = np.random.SeedSequence(
            entropy=0, spawn_key=(0, *stable_hash("names.population"))
        )
        self._numbers = _blocks(np.random.Generator(np.random.PCG64(sequence)))
        self.uniform = self._numbers.__next__

    def pick(self, cumulative: tuple[float, ...] | list[float]) -> int:
        """An index drawn by inverting cumulative weights."""
        index = bisect_right(cumulative, self.uniform())
        return index if index < len(cumulative) else len(cumulative) - 1


def _blocks(generator: np.random.Generator) -> Iterator[float]:
    block = 64
    while True:
        yield from generator.random(block).tolist()
        block = min(block * 2, 4096)


def population(stream: Draws, size: int = DEFAULT_SIZE) -> list[tuple[str, str]]:
    """``size`` people with distinct names, as (origin, "Given Surname"), drawn from ``stream``.

    Real files hold namesakes, and no matcher can tell two people of the same name apart: that is
    identity ambiguity, which scenarios model with ambiguous flags. The population leaves
    namesakes out so that it measures what a matcher decides: confusion between different names.

    Raises:
        ValueError: ``size`` is more than the lists can make distinct names for.
    """
    if size > MAX_SIZE:
        raise ValueError(f"the population has at most {MAX_SIZE} distinct names, not {size}")
    cumulative, running = [], 0.0
    for *_, share in ORIGINS:
        running += share
        cumulative.append(running)
    people: list[tuple[str, str]] = []
    seen: set[str] = set()
    while len(people) < size:
        origin, given, surnames, _share = ORIGINS[stream.pick(cumulative)]
        first = given[min(int(stream.uniform() * len(given)), len(given) - 1)]
        last = surnames[min(int(stream.uniform() * len(surnames)), len(surnames) - 1)]
        name = f"{first} {last}"
        if name not in seen:  # a namesake: draw again
            seen.add(name)
            people.append((origin, name))
    return people


#: How many of the model's population may be wanted in a database (the rest are named by tips).
WANTED_POOL = 1000


@lru_cache(maxsize=4)
def _model_population(excluded: tuple[str, ...]) -> tuple[str, ...]:
    people = population(FixedDraws(), DEFAULT_SIZE)
    return tuple(name for _, name in people if name not in excluded)


def wanted_others(excluded: tuple[str, ...], count: int) -> tuple[str, ...]:
    """The first ``count`` people of the wanted pool: other people wanted in a database.

    The model's population (seed 0, without the fugitive's names in ``excluded``) is the same in
    every replication and process, so that the matchers' caches serve every replication.
    """
    return _model_population(excluded)[: min(count, WANTED_POOL)]


def others(excluded: tuple[str, ...]) -> tuple[str, ...]:
    """People that false tips name: the model's population beyond the wanted pool.

    Nobody a tip names is wanted under his own name, so matching such a name to a record is
    always a false link.
    """
    return _model_population(excluded)[WANTED_POOL:]
