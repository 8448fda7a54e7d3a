"""Writing conventions: how French, Dutch, English and Turkish writers spell an Arabic-origin name.

Short vowels are not written in Arabic and each European language romanises the same sounds its own
way (docs/sources.md §6: Abdeslam / Abdesalam / Abdessalam; el-Bakraoui / El Bakraoui / Bakraoui;
Sofien / Sofiane / Soufiane). A writer who hears or copies a name re-spells some of it in the
convention of the language he writes in. Each **rule** below is one such habit; a *site* is a place
in the name where the rule can apply (an ``ou``, an article, a doubled consonant...).

For each rule a convention gives ``respell``, the chance that the writer re-spells a site of that
rule, and for spelling classes the spellings he then writes, with weights (he may draw the same
spelling the name already had). Every number here is an **assumption** of this project, chosen to
look like the spellings found in press reports and case files; docs/names.md lists them and the
scenario's ``names.variation`` scales them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ConventionName = Literal["fr", "nl", "en", "tr"]

#: The conventions, in the order tables list them.
CONVENTIONS: tuple[ConventionName, ...] = ("fr", "nl", "en", "tr")

#: The rules, in the order they claim sites of a name (an earlier rule's site is not another's).
RULES: tuple[str, ...] = (
    "diacritic",  # ş, ü, é...: a writer without the letter on his keyboard replaces it
    "article",  # el- / al- / El / none, also inside Abd-el- / Abdul / Abdes
    "separator",  # a hyphen inside a name: hyphen, space or nothing
    "u_sound",  # ou / oe / u / oo
    "sh_sound",  # ch / sh / kh / sj
    "j_sound",  # dj / j / dzj / c
    "short_vowel",  # an unwritten short vowel inserted into a cluster, or one dropped
    "vowel",  # a written vowel shifted (a/e, e/i, i/y/ie, o/u)
    "double",  # a doubled consonant written single, or an intervocalic one doubled
    "order",  # surname first (administrative habit)
)

Weights = tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Convention:
    """How one language's writers spell names.

    Attributes:
        name: the convention's code (``fr``, ``nl``, ``en``, ``tr``).
        respell: per rule, the chance that a writer re-spells one site of that rule.
        spellings: per spelling class (``u_sound``, ``sh_sound``, ``j_sound``, ``article``,
            ``abd_article``, ``separator``), the spellings he writes when he re-spells, weighted.
        vowels: per written vowel, what it may shift to, weighted.
        diacritics: per letter with a diacritic, what the writer types instead.
        epenthesis: the vowel he inserts into a consonant cluster.
    """

    name: ConventionName
    respell: dict[str, float]
    spellings: dict[str, Weights]
    vowels: dict[str, Weights]
    diacritics: dict[str, str] = field(default_factory=dict)
    epenthesis: str = "a"


_DIACRITICS_LATIN = {"é": "e", "è": "e", "ë": "e", "ê": "e", "ï": "i", "î": "i", "ı": "i", "ğ": ""}

FRENCH = Convention(
    name="fr",
    respell={
        "diacritic": 0.9,
        "article": 0.2,
        "separator": 0.3,
        "u_sound": 0.3,
        "sh_sound": 0.3,
        "j_sound": 0.3,
        "short_vowel": 0.06,
        "vowel": 0.02,
        "double": 0.03,
        "order": 0.08,
    },
    spellings={
        "u_sound": (("ou", 0.9), ("u", 0.1)),
        "sh_sound": (("ch", 0.8), ("kh", 0.15), ("sh", 0.05)),
        "j_sound": (("dj", 0.85), ("j", 0.15)),
        "article": (("El ", 0.45), ("el-", 0.35), ("", 0.2)),
        "abd_article": (("el", 0.5), ("e", 0.4), ("ou", 0.1)),
        "separator": (("-", 0.6), (" ", 0.3), ("", 0.1)),
    },
    vowels={"a": (("e", 1.0),), "e": (("a", 0.6), ("i", 0.4)), "i": (("e", 0.6), ("y", 0.4))},
    diacritics={
        **_DIACRITICS_LATIN,
        "ş": "ch",
        "ç": "tch",
        "ö": "eu",
        "ü": "u",
    },
    epenthesis="a",
)

DUTCH = Convention(
    name="nl",
    respell={
        "diacritic": 0.9,
        "article": 0.3,
        "separator": 0.4,
        "u_sound": 0.6,
        "sh_sound": 0.5,
        "j_sound": 0.4,
        "short_vowel": 0.12,
        "vowel": 0.05,
        "double": 0.08,
        "order": 0.05,
    },
    spellings={
        "u_sound": (("oe", 0.75), ("ou", 0.15), ("u", 0.1)),
        "sh_sound": (("sj", 0.4), ("ch", 0.3), ("sh", 0.2), ("kh", 0.1)),
        "j_sound": (("dj", 0.6), ("dzj", 0.3), ("j", 0.1)),
        "article": (("El ", 0.6), ("el-", 0.1), ("", 0.3)),
        "abd_article": (("el", 0.5), ("e", 0.3), ("oel", 0.2)),
        "separator": (("-", 0.3), (" ", 0.3), ("", 0.4)),
    },
    vowels={
        "a": (("e", 0.7), ("aa", 0.3)),
        "e": (("a", 0.5), ("i", 0.5)),
        "i": (("ie", 0.6), ("e", 0.4)),
        "o": (("oe", 0.5), ("u", 0.5)),
    },
    diacritics={**_DIACRITICS_LATIN, "ş": "sj", "ç": "tsj", "ö": "eu", "ü": "u"},
    epenthesis="e",
)

ENGLISH = Convention(
    name="en",
    respell={
        "diacritic": 0.9,
        "article": 0.5,
        "separator": 0.4,
        "u_sound": 0.6,
        "sh_sound": 0.5,
        "j_sound": 0.5,
        "short_vowel": 0.15,
        "vowel": 0.05,
        "double": 0.06,
        "order": 0.03,
    },
    spellings={
        "u_sound": (("u", 0.6), ("ou", 0.25), ("oo", 0.15)),
        "sh_sound": (("sh", 0.6), ("kh", 0.3), ("ch", 0.1)),
        "j_sound": (("j", 0.85), ("dj", 0.15)),
        "article": (("al-", 0.5), ("el-", 0.2), ("Al ", 0.1), ("", 0.2)),
        "abd_article": (("ul", 0.5), ("al", 0.3), ("el", 0.2)),
        "separator": (("-", 0.3), (" ", 0.5), ("", 0.2)),
    },
    vowels={
        "a": (("e", 0.7), ("u", 0.3)),
        "e": (("a", 0.6), ("i", 0.4)),
        "i": (("ee", 0.3), ("e", 0.3), ("y", 0.4)),
        "o": (("u", 0.7), ("a", 0.3)),
    },
    diacritics={**_DIACRITICS_LATIN, "ş": "sh", "ç": "ch", "ö": "o", "ü": "u"},
    epenthesis="a",
)

TURKISH = Convention(
    name="tr",
    respell={
        "diacritic": 0.0,
        "article": 0.6,
        "separator": 0.5,
        "u_sound": 0.8,
        "sh_sound": 0.7,
        "j_sound": 0.7,
        "short_vowel": 0.25,
        "vowel": 0.1,
        "double": 0.1,
        "order": 0.05,
    },
    spellings={
        "u_sound": (("u", 0.9), ("ou", 0.1)),
        "sh_sound": (("s", 0.5), ("h", 0.3), ("sh", 0.2)),
        "j_sound": (("c", 0.7), ("j", 0.3)),
        "article": (("el-", 0.3), ("", 0.7)),
        "abd_article": (("u", 0.6), ("ul", 0.4)),
        "separator": (("", 0.7), (" ", 0.3)),
    },
    vowels={
        "a": (("e", 1.0),),
        "e": (("a", 0.5), ("i", 0.5)),
        "i": (("e", 0.5), ("ı", 0.5)),
        "o": (("u", 1.0),),
    },
    epenthesis="e",
)

#: Every convention by its code.
BY_NAME: dict[str, Convention] = {c.name: c for c in (FRENCH, DUTCH, ENGLISH, TURKISH)}

#: The convention an agency writes in when its scenario gives none: that of its first language.
#: German- and Arabic-speaking services are taken to romanise the English way (an assumption).
FOR_LANGUAGE: dict[str, ConventionName] = {
    "fr": "fr",
    "nl": "nl",
    "en": "en",
    "tr": "tr",
    "de": "en",
    "ar": "en",
}


def convention(name: str) -> Convention:
    """The convention called ``name`` (``fr``, ``nl``, ``en`` or ``tr``)."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown convention {name!r}; use {', '.join(CONVENTIONS)}") from None
