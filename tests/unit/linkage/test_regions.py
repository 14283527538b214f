"""Region strings as other lists write them: abbreviated, in parentheses, after a dash."""

from __future__ import annotations

import pytest

from kintrace.linkage.normalise import normalise_region


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Rep. Mordoviia", "RU-MO"),
        ("Rep. of Mordovia", "RU-MO"),
        ("Resp. Tatarstan", "RU-TA"),
        ("респ. Татарстан", "RU-TA"),
        ("Хабаровский кр.", "RU-KHA"),
        ("Khabarovskii krai", "RU-KHA"),
        ("Камч. край", "RU-KAM"),
        ("Забайк. край", "RU-ZAB"),
        ("Сев. Осетия", "RU-SE"),
        ("Респ. Северная Осетия — Алания", "RU-SE"),
        ("Республика Саха (Якутия)", "RU-SA"),
        ("Respublika Sakha (Yakutiya)", "RU-SA"),
        ("Ханты-Мансийский автономный округ — Югра", "RU-KHM"),
        ("Ханты-Мансийский АО", "RU-KHM"),
        ("Ямало-Ненецкий авт. округ", "RU-YAN"),
        ("Чукотский авт. окр.", "RU-CHU"),
        ("Еврейская авт. обл.", "RU-YEV"),
        ("Кург. обл.", "RU-KGN"),
        ("Нижегор. обл.", "RU-NIZ"),
        ("Краснод. кр.", "RU-KDA"),
    ],
)
def test_abbreviated_and_doubly_named_regions_are_read(written: str, code: str) -> None:
    assert normalise_region(written) == code


@pytest.mark.parametrize("written", ["Сев.", "Bavaria", "Нов. обл."])
def test_a_region_that_fits_none_or_several_stays_unknown(written: str) -> None:
    # Сев.: Севастополь or Северная Осетия; Нов.: Новгородская or Новосибирская
    assert normalise_region(written).startswith("?")
