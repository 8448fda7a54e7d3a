"""The language barrier, exact event logs: translator pool, bilingual officers, misreading.

``Police`` works in French only; tips written in Dutch need a bilingual reader or a translator
(DESIGN §2.3).
"""

from __future__ import annotations

from builders import (
    NAME,
    WEEK,
    channel,
    channels,
    events,
    fate_counts,
    new_agency,
    police,
    rows,
    run,
    scenario,
    tip_event,
)


def desk(**body: object) -> dict:
    """An override for the shared language desk."""
    return {"language": body}


def test_dutch_tip_waits_for_the_only_translator_in_turn():
    two = events(tip_event(1.0, place="B", language="nl"), tip_event(1.0, language="nl"))
    record, m = run(scenario(two, desk(translators=1, translation_time="2h")))
    assert rows(m, "created", "translated", "arrived") == [
        (1.0, "created", "", "B", "event; true=False"),
        (1.0, "created", "", "A", "event; true=True"),
        (3.0, "translated", "Police", "B", ""),
        (3.0, "arrived", "Police", "B", ""),
        (5.0, "translated", "Police", "A", ""),
        (5.0, "arrived", "Police", "A", ""),
    ]
    assert record["tips_translated"] == 2
    assert record["translation_wait_hours"] == 2 + 4
    assert record["capture_day"] == 5.0 / 24


def test_two_translators_work_side_by_side():
    two = events(tip_event(1.0, place="B", language="nl"), tip_event(1.0, language="nl"))
    record, m = run(scenario(two, desk(translators=2, translation_time="2h")))
    assert rows(m, "translated") == [
        (3.0, "translated", "Police", "B", ""),
        (3.0, "translated", "Police", "A", ""),
    ]
    assert record["translation_wait_hours"] == 4


def test_bilingual_officer_reads_it_at_once():
    sc = scenario(
        events(tip_event(1.0, language="nl")),
        police(bilingual_share=1.0),
        desk(translation_time="2h"),
    )
    record, m = run(sc)
    assert rows(m, "translated", "arrived", "capture") == [
        (1.0, "arrived", "Police", "A", ""),
        (1.0, "capture", "Police", "A", "raid"),
    ]
    assert record["tips_translated"] == 0


def test_same_language_needs_no_translation():
    sc = scenario(events(tip_event(1.0, language="fr")), desk(translation_time="2h"))
    record, m = run(sc)
    assert rows(m, "capture") == [(1.0, "capture", "Police", "A", "raid")]
    assert record["tips_translated"] == 0


def test_message_from_a_dutch_speaking_service_waits_for_the_translators_office_hours():
    # Sent on Monday 01:00 from a Dutch-speaking service; translators work 08:00-18:00 and take 2 h.
    sc = scenario(
        events(tip_event(1.0, to="Vlaams")),
        new_agency("Vlaams", kind="local_police", zone="Z2", languages=["nl"], wanted=[NAME]),
        channels(channel("Vlaams", "Police")),
        desk(translation_time="2h", hours="office"),
    )
    record, m = run(sc)
    assert rows(m, "sent", "translated", "arrived") == [
        (1.0, "arrived", "Vlaams", "A", ""),
        (1.0, "sent", "Vlaams", "A", "Police"),
        (10.0, "translated", "Police", "A", ""),
        (10.0, "arrived", "Police", "A", ""),
    ]
    assert record["translation_wait_hours"] == 9.0


def test_translator_queue_over_the_weekend():
    friday_17h = 4 * 24 + 17.0
    sc = scenario(
        events(
            tip_event(friday_17h, place="B", language="nl"), tip_event(friday_17h, language="nl")
        ),
        desk(translation_time="2h", hours="office"),
    )
    _, m = run(sc)
    # The first translation runs past closing time (17:00-19:00); the second waits for Monday.
    assert rows(m, "translated") == [
        (friday_17h + 2, "translated", "Police", "B", ""),
        (friday_17h + 4, "translated", "Police", "A", ""),
    ]
    monday = scenario(
        events(tip_event(friday_17h + 3, language="nl")),
        desk(translation_time="2h", hours="office"),
    )
    _, m = run(monday)
    assert rows(m, "translated") == [(WEEK + 10.0, "translated", "Police", "A", "")]


def test_misread_name_no_longer_matches():
    sc = scenario(
        events(tip_event(1.0, language="nl")),
        desk(translation_time="2h", misread_translated=1.0, misread_name_share=1.0),
    )
    record, m = run(sc)
    got = rows(m, "translated", "misread", "identified", "not_identified")
    assert [r[:4] for r in got] == [
        (3.0, "translated", "Police", "A"),
        (3.0, "misread", "", "A"),
        (3.0, "not_identified", "Police", "A"),
    ]
    garbled = got[1][4].removeprefix("name read as ")
    assert garbled != NAME
    assert got[2][4] == garbled
    assert record["tips_misread"] == 1
    assert fate_counts(record) == {"misread": 1}


def test_misread_place_sends_the_search_next_door():
    sc = scenario(
        events(tip_event(1.0, language="nl")),
        desk(translation_time="2h", misread_translated=1.0, misread_name_share=0.0),
    )
    record, m = run(sc)
    assert rows(m, "misread", "raid") == [
        (3.0, "misread", "", "B", "place read as B"),  # B: the only other commune of zone Z1
        (3.0, "raid", "Police", "B", "an address in B: empty"),
    ]
    assert record["captured"] == 0
    assert fate_counts(record) == {"raided_empty": 1}


def test_bilingual_reader_misreads_at_its_own_rate():
    sc = scenario(
        events(tip_event(1.0, language="nl")),
        police(bilingual_share=1.0),
        desk(misread_translated=0.0, misread_bilingual=1.0, misread_name_share=1.0),
    )
    record, m = run(sc)
    assert [r[:2] for r in rows(m, "misread", "not_identified")] == [
        (1.0, "misread"),
        (1.0, "not_identified"),
    ]
    assert record["tips_misread"] == 1
    assert record["tips_translated"] == 0


def test_translation_waits_still_running_at_the_end_are_counted_up_to_the_end():
    # Two Dutch tips at hour 1, one translator, 2 h each, the run ends at hour 4: the first was
    # translated at 3 (2 h), the second had been waiting or in translation for 3 h.
    two = events(tip_event(1.0, place="B", language="nl"), tip_event(1.0, language="nl"))
    sc = scenario(two, desk(translators=1, translation_time="2h"), {"horizon": "4h"})
    record, _ = run(sc)
    assert record["tips_translated"] == 1
    assert record["translation_wait_hours"] == 2 + 3
    assert record["true_tips_awaiting_translation"] == 1
