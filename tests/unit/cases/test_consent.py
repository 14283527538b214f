"""The consent rule every partner export applies (kintrace.cases.consent)."""

from __future__ import annotations

import pytest

from kintrace.cases.consent import consented_view, format_scopes, parse_scopes
from kintrace.cases.model import ConsentScope
from kintrace.errors import InvalidInput

RED_CROSS = ConsentScope.RED_CROSS
AUTHORITIES = ConsentScope.AUTHORITIES


def _view(items: list[tuple[str, int | None]], consents: dict[int, frozenset[ConsentScope]],
          scope: ConsentScope) -> tuple[bool, list[str], int]:  # fmt: skip
    view = consented_view(items, given_by=lambda i: i[1], consents=consents, scope=scope)
    return view.person, [name for name, _ in view.items], view.withheld


def test_a_relatives_items_go_only_within_their_consent() -> None:
    consents = {1: frozenset({RED_CROSS}), 2: frozenset({AUTHORITIES})}
    items = [("mother's call", 1), ("wife's message", 2), ("prisoner list", None)]
    assert _view(items, consents, RED_CROSS) == (True, ["mother's call", "prisoner list"], 1)
    assert _view(items, consents, AUTHORITIES) == (True, ["wife's message", "prisoner list"], 1)
    assert _view(items, consents, ConsentScope.DNA_LABORATORY) == (False, ["prisoner list"], 2)


def test_a_person_nobody_asked_for_goes_and_an_unknown_relative_agreed_to_nothing() -> None:
    assert _view([("list row", None)], {}, RED_CROSS) == (True, ["list row"], 0)
    # an item of a relative missing from the consents: withheld, never shared by default
    assert _view([("call", 7)], {1: frozenset({RED_CROSS})}, RED_CROSS) == (True, [], 1)


def test_every_relative_saying_no_withholds_the_person() -> None:
    consents = {1: frozenset(), 2: frozenset({ConsentScope.OTHER_RELATIVES})}
    assert _view([], consents, RED_CROSS) == (False, [], 0)


def test_scopes_are_read_strictly_and_written_sorted() -> None:
    assert parse_scopes(" red_cross , authorities ") == {RED_CROSS, AUTHORITIES}
    assert format_scopes(parse_scopes("red_cross,authorities")) == "authorities,red_cross"
    with pytest.raises(InvalidInput, match="not a consent scope"):
        parse_scopes("red_cross,everyone")
