"""The words of the news, in the reader's language, with what changed, why and on what source."""

from __future__ import annotations

import pytest

from kintrace.notify.events import TEMPLATES, Event, Kind, render

STATUS = Event(
    Kind.STATUS,
    "status:7",
    1,
    {
        "person": "Петров Иван Сергеевич",
        "before": "missing",
        "after": "captured_reported",
        "date": "2023-05-02",
        "source": "pow_list_other_side",
        "grade": "C2",
        "reported": "2023-04-30",
    },
)


def test_a_status_change_says_what_changed_why_and_on_what_source() -> None:
    assert render(STATUS, "en") == (
        "Петров Иван Сергеевич: the status the evidence supports changed from «missing» to "
        "«captured (reported)» on 2 May 2023. Why: prisoner list published by the other side "
        "(grade C2) reported it on 30 April 2023."
    )


def test_the_same_news_in_russian_and_ukrainian() -> None:
    russian = render(STATUS, "ru")
    assert "«пропал без вести»" in russian and "«в плену (по сообщениям)»" in russian
    assert "2 мая 2023" in russian and "C2" in russian
    ukrainian = render(STATUS, "uk")
    assert "«зник безвісти»" in ukrainian and "«у полоні (за повідомленнями)»" in ukrainian
    assert "2 травня 2023" in ukrainian


def test_an_unknown_language_reads_english() -> None:
    assert render(STATUS, "fr") == render(STATUS, "en")


@pytest.mark.parametrize("sex", ["male", "female"])
def test_the_court_date_speaks_of_him_or_her(sex: str) -> None:
    event = Event(
        Kind.COURT, "court:1:2023-03-20", 1, {"person": "X", "date": "2023-03-20", "sex": sex}
    )
    words = render(event, "en")
    assert ("declare her" in words) is (sex == "female")
    assert ("declare him" in words) is (sex == "male")
    russian = render(event, "ru")
    assert "20 марта 2023" in russian


@pytest.mark.parametrize("kind", list(Kind))
def test_every_kind_has_words_in_every_language(kind: Kind) -> None:
    params = {
        name: "2023-01-02" if name in {"date", "sent", "reported"} else "missing"
        for name in ("person", "before", "after", "date", "source", "grade", "reported",
                     "authority", "status", "claim", "sent", "remains", "step", "sex")
    }  # fmt: skip
    for lang in ("en", "ru", "uk"):
        words = render(Event(kind, "k", 1, params), lang)
        assert "%(" not in words and words.strip()
    assert set(TEMPLATES) == set(Kind)


def test_a_date_that_ends_a_sentence_takes_one_full_stop() -> None:
    event = Event(
        Kind.HANDOVER, "handover:1", 1, {"person": "X", "step": "buried", "date": "2023-03-20"}
    )
    assert render(event, "uk").endswith("20 березня 2023 р.")
    assert render(event, "ru").endswith("20 марта 2023 г.")
