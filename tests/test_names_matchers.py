"""Name matchers: pairs each must and must not link, parsing, the normaliser, the decision cache."""

from __future__ import annotations

import pytest

from sim.names import matchers as matchers_module
from sim.names.matchers import (
    METHODS,
    Matcher,
    MatcherSpec,
    link_matrix,
    matcher,
    parse_matcher,
)
from sim.names.normalise import normalise

ALL = [parse_matcher(m) for m in METHODS]
NORMALISED = [spec.normalised() for spec in ALL]

# Pairs every matcher must link: the same spelling.
IDENTICAL = [("Salah Abdeslam", "Salah Abdeslam"), ("Ibrahim El Bakraoui", "Ibrahim El Bakraoui")]
# Pairs no matcher may link: different people (an alias is a different name altogether).
DIFFERENT = [
    ("Salah Abdeslam", "Soufiane Kayal"),
    ("Salah Abdeslam", "Jan Peeters"),
    ("Najim Laachraoui", "Mehmet Yılmaz"),
    ("Ibrahim El Bakraoui", "Marie Dubois"),
]


@pytest.mark.parametrize("spec", ALL + NORMALISED, ids=lambda s: s.label)
def test_every_matcher_links_a_name_to_itself(spec):
    for a, b in IDENTICAL:
        assert Matcher(spec).same(a, b), f"{spec.label} did not link {a!r} to itself"


@pytest.mark.parametrize("spec", ALL + NORMALISED, ids=lambda s: s.label)
def test_no_matcher_links_different_people_or_an_alias(spec):
    for a, b in DIFFERENT:
        assert not Matcher(spec).same(a, b), f"{spec.label} linked {a!r} and {b!r}"


# (pair, the matchers that must link it, the matchers that must not)
KNOWN = [
    (  # an unwritten short vowel (docs/sources.md §6): similarity and phonetic codes see through it
        ("Salah Abdeslam", "Salah Abdesalam"),
        ["soundex", "metaphone", "match_rating", "jaro_winkler>=0.9", "levenshtein<=0.2"],
        ["exact", "nysiis"],
    ),
    (  # the article written two ways
        ("Ibrahim El Bakraoui", "Ibrahim el-Bakraoui"),
        ["jaro_winkler>=0.9", "levenshtein<=0.2", "normalised exact"],
        ["exact"],
    ),
    (  # the article dropped: token counts differ, only the normaliser aligns them
        ("Ibrahim El Bakraoui", "Ibrahim Bakraoui"),
        ["normalised exact", "normalised soundex", "normalised metaphone"],
        ["exact", "soundex", "nysiis", "metaphone", "match_rating"],
    ),
    (  # surname first
        ("Salah Abdeslam", "Abdeslam Salah"),
        ["normalised exact", "normalised soundex", "normalised jaro_winkler>=0.9"],
        ["exact", "soundex", "metaphone", "jaro_winkler>=0.9", "levenshtein<=0.2"],
    ),
    (  # Dutch oe and sj, French dj
        ("Najim Laachraoui", "Nadjim Laasjraoei"),
        ["normalised exact", "normalised nysiis", "normalised metaphone"],
        ["exact", "nysiis"],
    ),
    (  # Turkish letters typed the French way
        ("Mehmet Şahin", "Mehmet Chahin"),
        ["normalised exact", "normalised metaphone"],
        ["exact"],
    ),
    (  # brothers: one surname, two given names
        ("Salah Abdeslam", "Brahim Abdeslam"),
        [],
        [spec.label for spec in ALL + NORMALISED],
    ),
]
BY_LABEL = {spec.label: spec for spec in ALL + NORMALISED}


@pytest.mark.parametrize(("pair", "links", "apart"), KNOWN, ids=lambda x: str(x)[:40])
def test_known_pairs(pair, links, apart):
    for label in links:
        assert Matcher(BY_LABEL[label]).same(*pair), f"{label} should link {pair}"
    for label in apart:
        assert not Matcher(BY_LABEL[label]).same(*pair), f"{label} should not link {pair}"


def test_thresholds_decide_the_similarity_matchers():
    pair = ("Salah Abdeslam", "Salah Abdesalam")  # Jaro-Winkler 0.972, distance 1/15
    assert Matcher(parse_matcher({"jaro_winkler": 0.97})).same(*pair)
    assert not Matcher(parse_matcher({"jaro_winkler": 0.98})).same(*pair)
    assert Matcher(parse_matcher({"levenshtein": 0.07})).same(*pair)
    assert not Matcher(parse_matcher({"levenshtein": 0.06})).same(*pair)


def test_normaliser_unifies_what_conventions_disagree_on():
    assert normalise("Abdel-Hamid Abaaoud") == normalise("Abdelhamid Abaaoud")
    assert normalise("Abd el Hamid Abaaoud") == normalise("ABAAOUD Abdelhamid")
    assert normalise("Salah Abdessalam") == normalise("Salah Abdelsalam")
    assert normalise("Youssef Chakir") == normalise("Yoessef Sjakir")
    assert normalise("Salah Abdeslam") != normalise("Brahim Abdeslam")


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("exact", MatcherSpec("exact")),
        ("soundex", MatcherSpec("soundex")),
        ("jaro_winkler", MatcherSpec("jaro_winkler", 0.9)),
        ({"jaro_winkler": 0.95}, MatcherSpec("jaro_winkler", 0.95)),
        ({"levenshtein": 0}, MatcherSpec("levenshtein", 0.0)),
    ],
)
def test_parse_matcher(written, expected):
    assert parse_matcher(written) == expected


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("fuzzy", "unknown matcher 'fuzzy'; use one of exact, soundex"),
        ({"soundex": 0.5}, "soundex takes no threshold"),
        ({"jaro_winkler": 1.5}, "between 0 and 1"),
        ({"jaro_winkler": "high"}, "must be a number"),
        ({"jaro_winkler": 0.9, "levenshtein": 0.1}, "write a matcher as one word"),
        (3, "write a matcher as one word"),
    ],
)
def test_parse_matcher_says_how_to_fix(written, message):
    with pytest.raises(ValueError, match=message):
        parse_matcher(written)


def test_labels_name_method_threshold_and_normaliser():
    assert parse_matcher("exact").label == "exact"
    assert (
        parse_matcher({"jaro_winkler": 0.92}).normalised().label == "normalised jaro_winkler>=0.92"
    )
    assert parse_matcher("levenshtein").label == "levenshtein<=0.2"


def test_decisions_are_cached_per_process(monkeypatch):
    calls = []
    real = matchers_module._decide
    monkeypatch.setattr(matchers_module, "_decide", lambda *a: calls.append(a) or real(*a))
    spec = MatcherSpec("jaro_winkler", 0.9123, normalise=True)
    first = matcher(spec)
    assert first is matcher(spec)  # one matcher per specification, shared by replications
    for _ in range(100):
        first.same("Salah Abdeslam", "Salah Abdesalam")
        first.any("Salah Abdeslam", ["Jan Peeters", "Salah Abdesalam"])
    assert len(calls) == 2, f"string work repeated: {len(calls)} decisions for 2 pairs"


@pytest.mark.parametrize("spec", ALL + NORMALISED, ids=lambda s: s.label)
def test_link_matrix_agrees_with_pairwise_decisions(spec):
    names = [
        "Salah Abdeslam",
        "Salah Abdesalam",
        "Abdeslam Salah",
        "Ibrahim El Bakraoui",
        "Ibrahim Bakraoui",
        "Ibrahim el-Bakraoui",
        "Najim Laachraoui",
        "Nadjim Laasjraoei",
        "Jan Peeters",
        "Mehmet Şahin",
    ]
    links = link_matrix(spec, names, names)
    single = Matcher(spec)
    for i, a in enumerate(names):
        for j, b in enumerate(names):
            assert links[i, j] == single.same(a, b), f"{spec.label}: {a!r} vs {b!r}"
